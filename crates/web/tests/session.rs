//! Sessions over real HTTP on 127.0.0.1: the token travels only in
//! `Authorization: Bearer`, a learner cannot reach another learner's
//! progress or a facilitator command, and wrong PINs slow down with 429.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::sync::Arc;

use qalam_core::api::learners;
use qalam_core::{Device, Settings};
use serde_json::{Value, json};

const PACK: &str = "org.test.websession";

struct Server {
    base: String,
    facilitator: String,
    amal: String,
    badr: String,
    _dir: tempfile::TempDir,
    _runtime: tokio::runtime::Runtime,
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn start(session_idle_secs: u64) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    write(
        &src.join("pack.toml"),
        r#"
id = "org.test.websession"
version = "1.0.0"
languages = ["en"]
subject = "numeracy"
level = "beginner"
license = "CC-BY-SA-4.0"
title = { en = "Web session" }
description = { en = "Test" }
publisher = { name = { en = "Tests" } }

[[lessons]]
id = "one"
title = { en = "One" }
content = { en = "lessons/one.en.html" }
quiz = "q"

[[quizzes]]
id = "q"
title = { en = "Quiz" }
mastery = { min_score_percent = 100 }

[[quizzes.questions]]
id = "n"
type = "numeric"
prompt = { en = "Forty-two" }
answer = 42
"#,
    );
    write(&src.join("lessons/one.en.html"), "<h1>One</h1>");
    let key = qalam_pack::generate_keypair().unwrap();
    let pack = dir.path().join("p.qpack");
    qalam_pack::build_pack(&src, &pack, Some(&key)).unwrap();
    let settings = Settings {
        scan_system_mounts: false,
        session_idle_secs,
        ..Settings::default()
    };
    let device = Arc::new(Device::open(&dir.path().join("data"), settings).unwrap());
    qalam_core::api::trust_add(&device, &key.public_key().to_file_string(), None).unwrap();
    qalam_core::packs::install::install_file(&device, &pack, false, &mut |_, _| {}).unwrap();
    let facilitator = learners::learner_add(&device, "Hana", Some("secret-9"), true)
        .unwrap()
        .id;
    let amal = learners::learner_add(&device, "Amal", Some("1234"), false)
        .unwrap()
        .id;
    let badr = learners::learner_add(&device, "Badr", None, false)
        .unwrap()
        .id;

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let listener = runtime
        .block_on(qalam_web::bind("127.0.0.1:0".parse().unwrap()))
        .unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    runtime.spawn(qalam_web::serve(listener, qalam_web::router(device, None)));
    Server {
        base,
        facilitator,
        amal,
        badr,
        _dir: dir,
        _runtime: runtime,
    }
}

fn post(
    server: &Server,
    command: &str,
    token: Option<&str>,
    body: Value,
) -> (u16, Option<String>, Value) {
    let mut request = reqwest::blocking::Client::new()
        .post(format!("{}/api/{command}", server.base))
        .json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().unwrap();
    let status = response.status().as_u16();
    let retry = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_string());
    (status, retry, response.json().unwrap())
}

fn sign_in(server: &Server, id: &str, pin: Option<&str>) -> String {
    let (status, _, body) = post(
        server,
        "sign_in",
        None,
        json!({"learner_id": id, "pin": pin}),
    );
    assert_eq!(status, 200, "{body}");
    body["token"].as_str().unwrap().to_string()
}

#[test]
fn over_http_a_learner_reaches_only_their_own_progress() {
    let s = start(900);
    let (status, _, picker) = post(&s, "profiles_for_picker", None, json!({}));
    assert_eq!(status, 200);
    assert_eq!(picker.as_array().unwrap().len(), 3);

    let a = sign_in(&s, &s.amal, Some("١٢٣٤"));
    let b = sign_in(&s, &s.badr, None);
    let open = json!({"pack_id": PACK, "lesson_id": "one"});
    assert_eq!(post(&s, "lesson_open", Some(&a), open.clone()).0, 200);
    let progress =
        json!({"pack_id": PACK, "lesson_id": "one", "position": 4000, "active_seconds": 200});
    assert_eq!(post(&s, "lesson_progress", Some(&a), progress).0, 200);
    let (_, _, started) = post(
        &s,
        "quiz_start",
        Some(&a),
        json!({"pack_id": PACK, "quiz_id": "q"}),
    );
    let attempt = started["attempt"].as_u64().unwrap();

    // No token, or a token in the body instead of the header: 401.
    let (status, _, error) = post(&s, "my_progress", None, json!({"lang": "en"}));
    assert_eq!(
        (status, error["code"].as_str()),
        (401, Some("unauthenticated"))
    );
    assert_eq!(post(&s, "my_progress", None, json!({"token": a})).0, 401);

    // Badr sees his own empty lesson, and cannot touch Amal's attempt.
    let (status, _, mine) = post(
        &s,
        "my_progress",
        Some(&b),
        json!({"lang": "en", "learner_id": s.amal}),
    );
    assert_eq!(status, 200);
    assert_eq!(mine["courses"][0]["lessons"][0]["active_seconds"], 0);
    assert_eq!(mine["courses"][0]["lessons"][0]["opened"], false);
    let answer = json!({"pack_id": PACK, "quiz_id": "q", "attempt": attempt, "question_id": "n", "answer": "٤٢"});
    assert_eq!(post(&s, "quiz_answer", Some(&b), answer.clone()).0, 404);
    let finish = json!({"pack_id": PACK, "quiz_id": "q", "attempt": attempt});
    assert_eq!(post(&s, "quiz_finish", Some(&b), finish.clone()).0, 404);

    // Learners cannot use facilitator commands: 403.
    for command in [
        "centre_progress",
        "learner_add",
        "pack_remove",
        "import_start",
        "trust_list",
    ] {
        let (status, _, error) = post(
            &s,
            command,
            Some(&b),
            json!({"name": "Eve", "id": PACK, "paths": ["x"]}),
        );
        assert_eq!(
            (status, error["code"].as_str()),
            (403, Some("forbidden")),
            "{command}"
        );
    }

    // Amal's own calls work and see her progress.
    let (status, _, graded) = post(&s, "quiz_answer", Some(&a), answer);
    assert_eq!((status, graded["correct"].as_bool()), (200, Some(true)));
    let (_, _, result) = post(&s, "quiz_finish", Some(&a), finish);
    assert_eq!(result["score_percent"], 100);
    let (_, _, hers) = post(&s, "my_progress", Some(&a), json!({"lang": "en"}));
    assert_eq!(hers["courses"][0]["lessons"][0]["active_seconds"], 200);
    assert_eq!(hers["courses"][0]["lessons"][0]["quiz"]["mastered"], true);

    // The facilitator sees both in the centre's progress.
    let f = sign_in(&s, &s.facilitator, Some("secret-9"));
    let (status, _, centre) = post(&s, "centre_progress", Some(&f), json!({}));
    assert_eq!(status, 200);
    assert_eq!(centre["learners"].as_array().unwrap().len(), 3);

    // Signing out ends the session.
    assert_eq!(post(&s, "sign_out", Some(&a), json!({})).0, 200);
    assert_eq!(post(&s, "my_progress", Some(&a), json!({})).0, 401);
}

#[test]
fn over_http_wrong_pins_slow_down_and_idle_sessions_expire() {
    let s = start(1);
    for _ in 0..2 {
        let (status, _, error) = post(
            &s,
            "sign_in",
            None,
            json!({"learner_id": s.amal, "pin": "0000"}),
        );
        assert_eq!((status, error["code"].as_str()), (401, Some("wrong_pin")));
    }
    let (status, retry, error) = post(
        &s,
        "sign_in",
        None,
        json!({"learner_id": s.amal, "pin": "0000"}),
    );
    assert_eq!(status, 429);
    assert_eq!(error["code"], "slow_down");
    assert_eq!(error["retry_after_s"], 5);
    assert_eq!(retry.as_deref(), Some("5"));

    // A one-second idle timeout: the session is refused after 1.1 s.
    let b = sign_in(&s, &s.badr, None);
    assert_eq!(post(&s, "session_info", Some(&b), json!({})).0, 200);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let (status, _, error) = post(&s, "session_info", Some(&b), json!({}));
    assert_eq!(
        (status, error["code"].as_str()),
        (401, Some("unauthenticated"))
    );
}

#[test]
fn over_http_sync_commands_are_for_facilitators_and_refusals_have_statuses() {
    let s = start(900);
    let amal = sign_in(&s, &s.amal, Some("1234"));
    let fac = sign_in(&s, &s.facilitator, Some("secret-9"));
    for command in ["sync_status", "sync_now", "enrol_device"] {
        assert_eq!(post(&s, command, None, json!({})).0, 401, "{command}");
        assert_eq!(
            post(&s, command, Some(&amal), json!({})).0,
            403,
            "{command}"
        );
    }
    let (status, _, body) = post(&s, "sync_status", Some(&fac), json!({}));
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["enrolled"], false);
    let (status, _, body) = post(&s, "sync_now", Some(&fac), json!({}));
    assert_eq!((status, body["code"].as_str()), (409, Some("not_enrolled")));
    let enrol = |server: &str| {
        let (status, _, body) = post(
            &s,
            "enrol_device",
            Some(&fac),
            json!({"server": server, "code": "NOPE"}),
        );
        (
            status,
            body["code"].as_str().unwrap_or_default().to_string(),
        )
    };
    assert_eq!(enrol("ftp://campus"), (400, "bad_address".into()));
    // Nothing listens on port 1: the campus server, not this device, is
    // out of reach, and the answer says so in a JSON error body.
    assert_eq!(
        enrol("http://127.0.0.1:1"),
        (502, "server_unreachable".into())
    );
}
