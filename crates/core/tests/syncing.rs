//! Sync from the app: `sync_status`, `sync_now` and `enrol_device` through
//! the service layer, against a real campus server on 127.0.0.1:0.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use qalam_core::api::dispatch::dispatch;
use qalam_core::api::learners;
use qalam_core::{Device, Settings};
use serde_json::{Value, json};
use support::TestServer;

const COMMANDS: [&str; 3] = ["sync_status", "sync_now", "enrol_device"];

struct Fixture {
    device: Arc<Device>,
    facilitator: String,
    learner: String,
    _dir: tempfile::TempDir,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let settings = Settings {
        scan_system_mounts: false,
        ..Settings::default()
    };
    let (device, facilitator, learner) = support::device_with_people(dir.path(), settings);
    Fixture {
        device,
        facilitator,
        learner,
        _dir: dir,
    }
}

fn call(fx: &Fixture, command: &str, args: Value, token: Option<&str>) -> Result<Value, String> {
    dispatch(&fx.device, command, args, token, "test").map_err(|e| e.code)
}

fn status(fx: &Fixture) -> Value {
    call(fx, "sync_status", json!({}), Some(&fx.facilitator)).unwrap()
}

#[test]
fn only_facilitators_see_or_change_sync() {
    let fx = fixture();
    let args = json!({"server": "http://127.0.0.1:1", "code": "x"});
    for command in COMMANDS {
        assert_eq!(
            call(&fx, command, args.clone(), None),
            Err("unauthenticated".into()),
            "{command}"
        );
        assert_eq!(
            call(&fx, command, args.clone(), Some("0".repeat(64).as_str())),
            Err("unauthenticated".into()),
            "{command}"
        );
        assert_eq!(
            call(&fx, command, args.clone(), Some(&fx.learner)),
            Err("forbidden".into()),
            "{command}"
        );
    }
}

#[test]
fn an_unenrolled_device_says_so_and_refuses_bad_enrolments_clearly() {
    let fx = fixture();
    let s = status(&fx);
    assert_eq!(s["enrolled"], false);
    assert_eq!(s["server"], Value::Null);
    assert_eq!(s["last_sync_at"], Value::Null);
    assert_eq!(s["last_error"], Value::Null);
    assert_eq!(s["syncing"], false);
    assert_eq!(s["worker_running"], false);
    // The two profiles added are events that wait for a server.
    assert!(s["events_waiting"].as_u64().unwrap() >= 2, "{s}");

    let f = Some(fx.facilitator.as_str());
    assert_eq!(
        call(&fx, "sync_now", json!({}), f),
        Err("not_enrolled".into())
    );
    let enrol = |server: &str, code: &str| {
        call(
            &fx,
            "enrol_device",
            json!({"server": server, "code": code}),
            f,
        )
    };
    assert_eq!(enrol("", "abc"), Err("bad_request".into()));
    assert_eq!(enrol("http://127.0.0.1:1", "  "), Err("bad_request".into()));
    assert_eq!(enrol("ftp://campus", "abc"), Err("bad_address".into()));
    // Nothing listens on port 1.
    let err = dispatch(
        &fx.device,
        "enrol_device",
        json!({"server": "127.0.0.1:1", "code": "abc"}),
        f,
        "test",
    )
    .unwrap_err();
    assert_eq!(err.code, "server_unreachable");
    assert!(!err.message.contains('\n') && err.message.contains("127.0.0.1:1"));
    assert_eq!(status(&fx)["enrolled"], false);
}

/// Polls `sync_status` until `done` holds, for at most 30 s.
fn wait_for(fx: &Fixture, what: &str, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let s = status(fx);
        if done(&s) {
            return s;
        }
        assert!(Instant::now() < deadline, "{what}: {s}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_facilitator_enrols_and_the_worker_syncs_on_request() {
    let server = TestServer::start();
    let fx = fixture();
    let f = Some(fx.facilitator.as_str());
    let enrol = |code: &str| {
        call(
            &fx,
            "enrol_device",
            json!({"server": server.base, "code": code}),
            f,
        )
    };
    assert_eq!(enrol("not-a-code"), Err("enrol_code_refused".into()));
    assert_eq!(status(&fx)["enrolled"], false);

    let enrolled = enrol(&server.code()).unwrap();
    assert_eq!(enrolled["enrolled"], true);
    assert_eq!(enrolled["server"], server.base.as_str());
    assert_eq!(enrolled["worker_running"], true);
    assert_eq!(
        enrolled["syncing"], true,
        "the first attempt is due at once"
    );
    assert!(enrolled["org"].as_str().is_some_and(|o| o.len() == 32));

    // The worker's first attempt starts at once; wait for it.
    let first = wait_for(&fx, "first sync", |s| {
        s["syncing"] == false && s["attempts"].as_u64() >= Some(1)
    });
    assert_eq!(first["last_error"], Value::Null, "{first}");
    assert!(first["last_sync_at"].is_string(), "{first}");
    assert_eq!(first["events_waiting"], 0, "{first}");
    assert!(first["pushed"].as_u64() >= Some(2), "{first}");

    // A new event waits until the facilitator asks for a sync; sync_now
    // answers at once and the attempt ends on its own.
    learners::learner_add(&fx.device, "Samir", None, false).unwrap();
    assert_eq!(status(&fx)["events_waiting"], 1);
    let asked = Instant::now();
    let answer = call(&fx, "sync_now", json!({}), f).unwrap();
    assert!(asked.elapsed() < Duration::from_secs(2));
    assert_eq!(answer["syncing"], true, "{answer}");
    let done = wait_for(&fx, "requested sync", |s| {
        s["syncing"] == false && s["attempts"].as_u64() > first["attempts"].as_u64()
    });
    assert_eq!(done["last_error"], Value::Null, "{done}");
    assert_eq!(done["last_error_code"], Value::Null, "{done}");
    assert_eq!(done["events_waiting"], 0, "{done}");
    assert_eq!(done["pushed"], 1, "{done}");
    assert!(done["bytes_sent"].as_u64() > Some(0), "{done}");
    assert!(done["bytes_received"].as_u64() > Some(0), "{done}");
    assert!(
        done["total_bytes_sent"].as_u64() >= done["bytes_sent"].as_u64(),
        "{done}"
    );
    assert!(done["skew_ms"].is_i64(), "{done}");
    assert!(done["next_attempt_in_s"].as_u64() <= Some(60), "{done}");

    // Enrolled devices keep their enrolment.
    assert_eq!(enrol(&server.code()), Err("already_enrolled".into()));
}

#[test]
fn an_unreachable_server_is_reported_and_retried_later() {
    let server = TestServer::start();
    let fx = fixture();
    let f = Some(fx.facilitator.as_str());
    call(
        &fx,
        "enrol_device",
        json!({"server": server.base, "code": server.code()}),
        f,
    )
    .unwrap();
    wait_for(&fx, "first sync", |s| {
        s["syncing"] == false && s["last_sync_at"].is_string()
    });
    // The server goes away; the next attempt stops at the probe.
    let before = status(&fx)["attempts"].as_u64().unwrap();
    server.rt.shutdown_background();
    call(&fx, "sync_now", json!({}), f).unwrap();
    let failed = wait_for(&fx, "failed sync", |s| {
        s["syncing"] == false && s["attempts"].as_u64() > Some(before)
    });
    assert_eq!(failed["last_error_code"], "server_unreachable", "{failed}");
    assert!(failed["last_error"].is_string(), "{failed}");
    assert!(failed["last_sync_at"].is_string(), "{failed}");
    assert!(failed["next_attempt_in_s"].as_u64().is_some(), "{failed}");
}
