//! Enrolling from an enrolment file on a USB stick, through the service
//! layer as the app calls it: a real SQLite data folder, a temporary
//! folder standing in for the stick, and a real campus server on
//! 127.0.0.1:0 that binds the code at the device's first sync.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::{Duration, Instant};

use qalam_core::api::dispatch::dispatch;
use qalam_core::sync::wire::{ENROLMENT_FILE_FORMAT, ENROLMENT_FILE_NAME, EnrolmentFile};
use qalam_server::now_ms;
use serde_json::{Value, json};

type Fixture = support::StickDevice;

impl Fixture {
    fn enrol(&self, token: &str, args: Value) -> Result<Value, String> {
        dispatch(&self.device, "enrol_from_stick", args, Some(token), "test").map_err(|e| e.code)
    }

    fn stick_listing(&self) -> Value {
        let list = dispatch(
            &self.device,
            "bundle_list",
            json!({}),
            Some(&self.facilitator),
            "test",
        )
        .unwrap();
        list[0].clone()
    }
}

/// A file as `qalam server enrol-code --out` writes it.
fn file_for(code: &str, server: Option<&str>) -> EnrolmentFile {
    EnrolmentFile {
        qalam_enrolment: ENROLMENT_FILE_FORMAT,
        org: qalam_model::OrgId::from_bytes([1; 16]),
        centre: qalam_model::CentreId::from_bytes([2; 16]),
        centre_name: "مركز الأمل".into(),
        code: code.into(),
        expires_ms: now_ms() + 3_600_000,
        server: server.map(String::from),
        ca_pem: None,
    }
}

#[test]
fn only_a_facilitator_enrols_and_only_from_a_detected_stick() {
    let fx = Fixture::new("ENROL-STICK");
    std::fs::write(
        fx.stick.join(ENROLMENT_FILE_NAME),
        file_for("ABCD-EFGH", None).to_bytes().unwrap(),
    )
    .unwrap();
    let learner = fx.learner.clone();
    assert_eq!(
        fx.enrol(&learner, json!({"mount": fx.mount()})),
        Err("forbidden".into())
    );
    let err = dispatch(
        &fx.device,
        "enrol_from_stick",
        json!({"mount": fx.mount()}),
        None,
        "test",
    )
    .unwrap_err();
    assert_eq!(err.code, "unauthenticated");
    // A path that is not a detected stick is refused, even one holding a
    // good file.
    let elsewhere = fx.dir.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::copy(
        fx.stick.join(ENROLMENT_FILE_NAME),
        elsewhere.join(ENROLMENT_FILE_NAME),
    )
    .unwrap();
    let fac = fx.facilitator.clone();
    assert_eq!(
        fx.enrol(&fac, json!({"mount": elsewhere.display().to_string()})),
        Err("stick_missing".into())
    );
    let status = qalam_core::sync::sync_state(&fx.device).unwrap();
    assert!(!status.enrolled);
}

#[test]
fn a_stick_without_a_file_or_with_a_bad_one_is_explained() {
    let fx = Fixture::new("ENROL-STICK");
    let fac = fx.facilitator.clone();
    assert_eq!(fx.stick_listing()["enrolment_file"], json!(false));
    assert_eq!(
        fx.enrol(&fac, json!({"mount": fx.mount()})),
        Err("enrolment_file_missing".into())
    );
    // A folder by that name is not a file.
    std::fs::create_dir_all(fx.stick.join(ENROLMENT_FILE_NAME)).unwrap();
    assert_eq!(
        fx.enrol(&fac, json!({"mount": fx.mount()})),
        Err("enrolment_file_missing".into())
    );
    std::fs::remove_dir(fx.stick.join(ENROLMENT_FILE_NAME)).unwrap();

    let path = fx.stick.join(ENROLMENT_FILE_NAME);
    for bad in [
        b"PK\x03\x04 not json".to_vec(),
        br#"{"qalam_enrolment": 1}"#.to_vec(),
        file_for("DROP TABLE; --", None).to_bytes().unwrap(),
        vec![b' '; 64 * 1024 + 10],
    ] {
        std::fs::write(&path, &bad).unwrap();
        assert_eq!(fx.stick_listing()["enrolment_file"], json!(true));
        assert_eq!(
            fx.enrol(&fac, json!({"mount": fx.mount()})),
            Err("enrolment_file_bad".into())
        );
    }
    let mut newer = file_for("ABCD-EFGH", None);
    newer.qalam_enrolment = 2;
    std::fs::write(&path, newer.to_bytes().unwrap()).unwrap();
    assert_eq!(
        fx.enrol(&fac, json!({"mount": fx.mount()})),
        Err("enrolment_file_bad".into())
    );
    assert!(!qalam_core::sync::sync_state(&fx.device).unwrap().enrolled);
}

#[test]
fn enrols_from_the_stick_then_the_first_sync_binds_the_code() {
    let fx = Fixture::new("ENROL-STICK");
    let fac = fx.facilitator.clone();
    let server = support::TestServer::start();
    let org = server
        .rt
        .block_on(server.store.create_org("Relief Org", now_ms()))
        .unwrap()
        .id;
    let centre = server
        .rt
        .block_on(server.store.create_centre(org, "Hope", now_ms()))
        .unwrap()
        .id;
    let code = server
        .rt
        .block_on(server.store.create_enrol_code(centre, now_ms(), 3_600_000))
        .unwrap()
        .code;
    let mut file = file_for(&code, Some(&server.base));
    file.org = org;
    file.centre = centre;
    file.centre_name = "Hope".into();
    // The admin may have put it in the sync folder instead of the top.
    std::fs::create_dir_all(fx.stick.join("qalam-sync")).unwrap();
    std::fs::write(
        fx.stick.join("qalam-sync").join(ENROLMENT_FILE_NAME),
        file.to_bytes().unwrap(),
    )
    .unwrap();
    assert_eq!(fx.stick_listing()["enrolment_file"], json!(true));

    let done = fx.enrol(&fac, json!({"mount": fx.mount()})).unwrap();
    assert_eq!(done["centre_name"], "Hope");
    assert_eq!(done["org"], json!(org.to_string()));
    assert_eq!(done["centre"], json!(centre.to_string()));
    assert_eq!(done["server"], json!(server.base));
    assert_eq!(done["pending"], json!(true));
    // What is written from now on carries the organisation and centre,
    // without restarting the app.
    qalam_core::api::learners::learner_add(&fx.device, "Rima", None, false).unwrap();
    let newest = {
        use qalam_core::sync::state::{own_events, own_head};
        let conn = fx.device.conn();
        let head = own_head(&conn, fx.device.identity()).unwrap();
        own_events(&conn, fx.device.identity(), head, 1, usize::MAX).unwrap()
    };
    assert_eq!(
        newest.iter().map(|e| (e.org, e.centre)).collect::<Vec<_>>(),
        vec![(org, centre)]
    );
    assert_eq!(
        done["file"],
        json!(format!(
            "qalam-sync{}{ENROLMENT_FILE_NAME}",
            std::path::MAIN_SEPARATOR
        ))
    );

    // The worker started at once; its first sync binds the code.
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        let status = dispatch(&fx.device, "sync_status", json!({}), Some(&fac), "test").unwrap();
        if !status["last_sync_at"].is_null() && status["syncing"] == json!(false) {
            break status;
        }
        assert!(Instant::now() < deadline, "no sync: {status}");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(status["enrolled"], json!(true));
    assert_eq!(status["last_error"], Value::Null);
    let known = server
        .rt
        .block_on(server.store.device(fx.device.identity().device))
        .unwrap();
    assert_eq!((known.org, known.centre), (org, centre));

    // And a sync by hand works with the device's own credential.
    qalam_core::sync::sync_once(&fx.device, &qalam_core::sync::SyncOptions::default()).unwrap();

    // Enrolled now: a second try is refused, file or not.
    assert_eq!(
        fx.enrol(&fac, json!({"mount": fx.mount()})),
        Err("already_enrolled".into())
    );
    std::fs::remove_file(fx.stick.join("qalam-sync").join(ENROLMENT_FILE_NAME)).unwrap();
    assert_eq!(
        fx.enrol(&fac, json!({"mount": fx.mount()})),
        Err("already_enrolled".into())
    );
}

#[test]
fn a_file_without_a_server_enrols_and_starts_no_worker() {
    let fx = Fixture::new("ENROL-STICK");
    let fac = fx.facilitator.clone();
    std::fs::write(
        fx.stick.join(ENROLMENT_FILE_NAME),
        file_for("ABCD-EFGH", None).to_bytes().unwrap(),
    )
    .unwrap();
    // An address typed by the facilitator must be one.
    assert_eq!(
        fx.enrol(&fac, json!({"mount": fx.mount(), "server": "ftp://x y"})),
        Err("bad_address".into())
    );
    let done = fx
        .enrol(&fac, json!({"mount": fx.mount(), "server": "  "}))
        .unwrap();
    assert_eq!(done["server"], Value::Null);
    assert_eq!(done["file"], json!(ENROLMENT_FILE_NAME));
    let status = dispatch(&fx.device, "sync_status", json!({}), Some(&fac), "test").unwrap();
    assert_eq!(status["enrolled"], json!(true));
    assert_eq!(status["worker_running"], json!(false));
    assert_eq!(
        fx.enrol(&fac, json!({"mount": fx.mount()})),
        Err("already_enrolled".into())
    );
}
