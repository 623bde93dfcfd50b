//! `qalam serve` over a real socket on 127.0.0.1: the API answers like the
//! core does, pack content is served sandboxed, and hostile paths are refused.

// Test helpers outside #[test] functions may unwrap: a failure is the test failing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use qalam_core::{Device, Settings};

struct Server {
    base: String,
    _dir: tempfile::TempDir,
    _runtime: tokio::runtime::Runtime,
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A device with one installed, trusted pack, served on a free port.
fn start() -> Server {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    write(
        &src.join("pack.toml"),
        r#"
id = "org.test.web"
version = "1.0.0"
languages = ["en", "ar"]
subject = "literacy"
level = "A1"
license = "CC-BY-4.0"
title = { en = "Web test", ar = "اختبار الويب" }
description = { en = "d" }
publisher = { name = { en = "Tests" } }

[[lessons]]
id = "one"
title = { en = "One" }
content = { en = "lessons/one.en.html", ar = "lessons/one.ar.html" }
"#,
    );
    write(
        &src.join("lessons/one.en.html"),
        "<h1>Hello</h1><script>fetch('/api/list_packs')</script>",
    );
    write(&src.join("lessons/one.ar.html"), "<h1>مرحبا</h1>");
    write(&src.join("media/clip.txt"), &"0123456789".repeat(1000));
    let key = qalam_pack::generate_keypair().unwrap();
    let pack = dir.path().join("web.qpack");
    qalam_pack::build_pack(&src, &pack, Some(&key)).unwrap();

    let ui = dir.path().join("ui");
    write(
        &ui.join("index.html"),
        "<!doctype html><title>Qalam</title>",
    );
    let settings = Settings {
        scan_system_mounts: false,
        ..Settings::default()
    };
    let device = Arc::new(Device::open(&dir.path().join("data"), settings).unwrap());
    qalam_core::api::trust_add(&device, &key.public_key().to_file_string(), None).unwrap();
    qalam_core::packs::install::install_file(&device, &pack, false, &mut |_, _| {}).unwrap();

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let listener = runtime
        .block_on(qalam_web::bind("127.0.0.1:0".parse().unwrap()))
        .unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = qalam_web::router(device, Some(PathBuf::from(&ui)));
    runtime.spawn(qalam_web::serve(listener, app));
    Server {
        base,
        _dir: dir,
        _runtime: runtime,
    }
}

fn post(server: &Server, command: &str, body: serde_json::Value) -> reqwest::blocking::Response {
    reqwest::blocking::Client::new()
        .post(format!("{}/api/{command}", server.base))
        .json(&body)
        .send()
        .unwrap()
}

#[test]
fn api_commands_answer_with_json_and_errors_with_code_and_message() {
    let server = start();
    let packs: serde_json::Value = post(&server, "list_packs", serde_json::json!({"lang": "ar"}))
        .json()
        .unwrap();
    assert_eq!(packs[0]["title"]["text"], "اختبار الويب");
    assert_eq!(packs[0]["title"]["dir"], "rtl");

    let detail: serde_json::Value = post(
        &server,
        "get_pack",
        serde_json::json!({"lang": "en", "id": "org.test.web"}),
    )
    .json()
    .unwrap();
    assert_eq!(
        detail["lessons"][0]["content_path"],
        "org.test.web/lessons/one.en.html"
    );

    let missing = post(
        &server,
        "get_pack",
        serde_json::json!({"lang": "en", "id": "nope"}),
    );
    assert_eq!(missing.status(), 404);
    let error: serde_json::Value = missing.json().unwrap();
    assert_eq!(error["code"], "not_found");
    assert!(error["message"].as_str().unwrap().contains("nope"));

    let bad = post(&server, "get_pack", serde_json::json!({"lang": 5}));
    assert_eq!(bad.status(), 400);
    let unknown = post(&server, "drop_tables", serde_json::json!({}));
    assert_eq!(unknown.status(), 404);
}

#[test]
fn pack_content_is_served_sandboxed_with_no_scripts() {
    let server = start();
    let response = reqwest::blocking::get(format!(
        "{}/content/org.test.web/lessons/one.en.html",
        server.base
    ))
    .unwrap();
    assert_eq!(response.status(), 200);
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    // The shared origin lets the app read the lesson's scroll position; no
    // other allowance may come with it (see CONTENT_SECURITY_POLICY).
    assert!(
        csp.starts_with("sandbox allow-same-origin;")
            && csp.contains("default-src 'none'")
            && csp.contains("script-src 'none'")
            && csp.contains("form-action 'none'"),
        "{csp}"
    );
    assert_eq!(csp.matches("allow-").count(), 1, "{csp}");
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
}

/// What pack HTML on the shared origin could still send without scripts (its
/// forms are blocked by the sandbox, but say one got through, or a link or an
/// image pointed at the API): none of it reaches a command.
#[test]
fn the_api_does_nothing_for_links_images_or_forms() {
    let server = start();
    let client = reqwest::blocking::Client::new();
    let url = format!("{}/api/learner_add", server.base);
    assert_eq!(client.get(&url).send().unwrap().status(), 405);
    let form = client
        .post(&url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("name=Mallory&facilitator=true")
        .send()
        .unwrap();
    assert_eq!(form.status(), 400);
    let json = client
        .post(&url)
        .header("content-type", "text/plain")
        .body(r#"{"name":"Mallory","facilitator":true}"#)
        .send()
        .unwrap();
    assert_eq!(json.status(), 401, "no session token, no command");
}

#[test]
fn media_supports_range_requests_for_seeking() {
    let server = start();
    let response = reqwest::blocking::Client::new()
        .get(format!(
            "{}/content/org.test.web/media/clip.txt",
            server.base
        ))
        .header("Range", "bytes=10-19")
        .send()
        .unwrap();
    assert_eq!(response.status(), 206);
    assert_eq!(response.text().unwrap(), "0123456789");
}

#[test]
fn hostile_content_paths_are_refused() {
    let server = start();
    for path in [
        "org.test.web/..%2F..%2Fqalam.db",
        "org.test.web/manifest.json",
        "org.test.web/lessons/..%2F..%2F..%2Fqalam.db",
        "..%2Fdata/qalam.db",
        "org.test.web/%2Fetc%2Fpasswd",
    ] {
        let response = reqwest::blocking::get(format!("{}/content/{path}", server.base)).unwrap();
        assert_eq!(response.status(), 404, "{path}");
    }
}

#[test]
fn the_ui_is_served_with_a_strict_policy_and_spa_fallback() {
    let server = start();
    let response = reqwest::blocking::get(format!("{}/some/route", server.base)).unwrap();
    assert_eq!(response.status(), 200);
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains("default-src 'self'") && csp.contains("object-src 'none'"),
        "{csp}"
    );
    assert!(response.text().unwrap().contains("<title>Qalam</title>"));
    assert_eq!(
        reqwest::blocking::get(format!("{}/healthz", server.base))
            .unwrap()
            .text()
            .unwrap(),
        "ok"
    );
}
