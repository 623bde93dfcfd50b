//! Enrolling offline with an enrolment file carried on a USB stick
//! (`qalam server enrol-code --out FILE`, `qalam enrol --file FILE`): the
//! device makes its own credential, and the server binds it from the
//! device's first bundle or its first sync. Real binaries, real SQLite
//! folders, a real server on 127.0.0.1.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::Path;

use support::{ServerProcess, qalam};

fn run(args: &[&str]) -> (bool, String, String) {
    let out = qalam().args(args).output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn ok(args: &[&str]) -> String {
    let (success, stdout, stderr) = run(args);
    assert!(success, "qalam {args:?} failed:\n{stdout}\n{stderr}");
    stdout
}

fn last_line(text: &str) -> String {
    text.lines().last().unwrap_or_default().trim().to_owned()
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// An organisation and a centre on a server data folder; returns the
/// centre id.
fn centre(server: &Path) -> String {
    let org = last_line(&ok(&[
        "server",
        "org",
        "add",
        "Hope NGO",
        "--data",
        p(server),
    ]));
    last_line(&ok(&[
        "server",
        "centre",
        "add",
        "Camp 4",
        "--org",
        &org,
        "--data",
        p(server),
    ]))
}

fn bundle_kind_byte(path: &Path) -> u8 {
    std::fs::read(path).unwrap()[9]
}

#[test]
fn a_device_enrolled_from_a_file_syncs_by_stick_then_over_the_network() {
    let tmp = tempfile::tempdir().unwrap();
    let (server, device, intruder) = (
        tmp.path().join("server"),
        tmp.path().join("device"),
        tmp.path().join("intruder"),
    );
    let stick = tmp.path().join("stick");
    std::fs::create_dir_all(&stick).unwrap();
    let centre = centre(&server);
    let file = stick.join("qalam-enrolment.json");
    let code = last_line(&ok(&[
        "server",
        "enrol-code",
        "--centre",
        &centre,
        "--data",
        p(&server),
        "--out",
        p(&file),
    ]));
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(json["code"], code.as_str());
    assert_eq!(json["centre"], centre.as_str());
    assert_eq!(json["centre_name"], "Camp 4");

    // Offline: enrol, study, and carry a bundle to the server.
    let out = ok(&["--data", p(&device), "enrol", "--file", p(&file)]);
    assert!(
        out.contains("Camp 4") && out.contains("names no server"),
        "{out}"
    );
    let (again, _, err) = run(&["--data", p(&device), "enrol", "--file", p(&file)]);
    assert!(!again && err.contains("already enrolled"), "{err}");
    ok(&[
        "--data",
        p(&device),
        "learner",
        "add",
        "Amal",
        "--pin",
        "1397",
    ]);
    let up = stick.join("up.qbundle");
    ok(&["--data", p(&device), "bundle", "export", "--out", p(&up)]);
    assert_eq!(
        bundle_kind_byte(&up),
        3,
        "the first bundle carries the enrolment"
    );
    let out = ok(&["--data", p(&server), "bundle", "import", p(&up), "--json"]);
    let imported: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(imported["inserted"].as_u64().unwrap() >= 1, "{out}");
    let device_id = imported["device"].as_str().unwrap().to_owned();
    // The same bundle again is harmless: the credential is already bound.
    let out = ok(&["--data", p(&server), "bundle", "import", p(&up), "--json"]);
    let again: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(again["inserted"], 0);

    // Another device with a copy of the file is refused: the code is spent.
    ok(&["--data", p(&intruder), "enrol", "--file", p(&file)]);
    ok(&["--data", p(&intruder), "learner", "add", "Mallory"]);
    let stolen = stick.join("stolen.qbundle");
    ok(&[
        "--data",
        p(&intruder),
        "bundle",
        "export",
        "--out",
        p(&stolen),
    ]);
    let (accepted, _, err) = run(&["--data", p(&server), "bundle", "import", p(&stolen)]);
    assert!(
        !accepted,
        "a second device must not enrol with a spent code"
    );
    assert!(
        err.contains("could not be bound") && err.lines().count() <= 2,
        "{err}"
    );

    // The server's answer by stick; the device then stops sending its code.
    let down = stick.join("down.qbundle");
    ok(&[
        "--data",
        p(&server),
        "bundle",
        "export",
        "--out",
        p(&down),
        "--for",
        &device_id,
    ]);
    ok(&["--data", p(&device), "bundle", "import", p(&down)]);
    ok(&["--data", p(&device), "learner", "add", "Badr"]);
    let next = stick.join("next.qbundle");
    ok(&["--data", p(&device), "bundle", "export", "--out", p(&next)]);
    assert_eq!(bundle_kind_byte(&next), 1, "bound: a plain device bundle");
    ok(&["--data", p(&server), "bundle", "import", p(&next)]);

    // A link appears: the credential the device made itself works.
    let process = ServerProcess::start("127.0.0.1:0", ["--data", p(&server)]);
    let out = ok(&[
        "--data",
        p(&device),
        "sync",
        "--once",
        "--json",
        "--server",
        &process.url(),
    ]);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        report["pushed"], 0,
        "everything went by stick already: {out}"
    );
    let (synced, _, err) = run(&[
        "--data",
        p(&intruder),
        "sync",
        "--once",
        "--server",
        &process.url(),
    ]);
    assert!(!synced, "the intruder's credential was never bound");
    assert!(err.contains("enrol") || err.contains("credential"), "{err}");
    process.stop();
}

#[test]
fn a_device_enrolled_from_a_file_is_bound_by_its_first_sync() {
    let tmp = tempfile::tempdir().unwrap();
    let (server, device) = (tmp.path().join("server"), tmp.path().join("device"));
    let centre = centre(&server);
    let process = ServerProcess::start("127.0.0.1:0", ["--data", p(&server)]);
    let file = tmp.path().join("enrol.json");
    ok(&[
        "server",
        "enrol-code",
        "--centre",
        &centre,
        "--data",
        p(&server),
        "--out",
        p(&file),
        "--server-url",
        &process.url(),
    ]);
    let out = ok(&["--data", p(&device), "enrol", "--file", p(&file)]);
    assert!(out.contains(&process.url()), "{out}");
    ok(&["--data", p(&device), "learner", "add", "Amal"]);
    let out = ok(&["--data", p(&device), "sync", "--once", "--json"]);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(report["pushed"].as_u64().unwrap() >= 1, "{out}");
    // Bound: later syncs and bundles carry no code.
    ok(&["--data", p(&device), "sync", "--once"]);
    let bundle = tmp.path().join("b.qbundle");
    ok(&[
        "--data",
        p(&device),
        "bundle",
        "export",
        "--out",
        p(&bundle),
    ]);
    assert_eq!(bundle_kind_byte(&bundle), 1);
    process.stop();
}

#[test]
fn bad_enrolment_files_get_one_line_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let device = tmp.path().join("device");
    let junk = tmp.path().join("junk.json");
    std::fs::write(&junk, b"PK\x03\x04 not an enrolment").unwrap();
    let (success, _, err) = run(&["--data", p(&device), "enrol", "--file", p(&junk)]);
    assert!(!success);
    assert!(err.contains("not a Qalam enrolment file"), "{err}");
    let (success, _, err) = run(&[
        "--data",
        p(&device),
        "enrol",
        "--file",
        p(&tmp.path().join("none.json")),
    ]);
    assert!(
        !success && err.contains("could not read the enrolment file"),
        "{err}"
    );
    let (success, _, err) = run(&["--data", p(&device), "enrol"]);
    assert!(!success && err.contains("--server"), "{err}");
    // Nothing was enrolled by the failures.
    let out = ok(&["--data", p(&device), "sync", "--status", "--json"]);
    let state: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(state["enrolled"], false);
}
