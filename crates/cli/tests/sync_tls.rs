//! Sync over HTTPS with a campus CA: `qalam server run --tls-cert/--tls-key`
//! and `qalam enrol --ca FILE`. A device that pins the campus CA enrols
//! and syncs; one that does not trust it, or pins another CA, is refused
//! with one line.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;

use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};

mod support;
use support::{ServerProcess, qalam};

fn run(cmd: &mut Command) -> (bool, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn last_line(text: &str) -> String {
    text.lines().last().unwrap_or_default().trim().to_owned()
}

/// Writes a campus CA and a server certificate it signed; returns the CA's PEM.
fn campus_ca(dir: &Path) -> String {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
    let key = KeyPair::generate().unwrap();
    let cert = CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()])
        .unwrap()
        .signed_by(&key, &ca)
        .unwrap();
    std::fs::write(dir.join("server.crt"), cert.pem()).unwrap();
    std::fs::write(dir.join("server.key"), key.serialize_pem()).unwrap();
    std::fs::write(dir.join("campus-ca.pem"), ca.pem()).unwrap();
    ca.pem()
}

fn start_tls_server(data: &Path, certs: &Path) -> (ServerProcess, String) {
    let args = [
        "--data".into(),
        data.as_os_str().to_owned(),
        "--tls-cert".into(),
        certs.join("server.crt").into_os_string(),
        "--tls-key".into(),
        certs.join("server.key").into_os_string(),
    ];
    let server = ServerProcess::start("127.0.0.1:0", args);
    assert_eq!(server.scheme, "https");
    let url = server.url();
    (server, url)
}

#[test]
fn a_device_pinning_the_campus_ca_enrols_and_syncs_over_https() {
    let tmp = tempfile::tempdir().unwrap();
    let certs = tmp.path().join("certs");
    std::fs::create_dir_all(&certs).unwrap();
    campus_ca(&certs);
    let server_dir = tmp.path().join("server");
    let admin = |args: &[&str]| {
        let (ok, out, err) = run(qalam()
            .args(["server"])
            .args(args)
            .arg("--data")
            .arg(&server_dir));
        assert!(ok, "{err}");
        last_line(&out)
    };
    let org = admin(&["org", "add", "Hope"]);
    let centre = admin(&["centre", "add", "Camp 4", "--org", &org]);
    let (_server, url) = start_tls_server(&server_dir, &certs);

    // Pinned: enrols and syncs.
    let device = tmp.path().join("device");
    let (ok, _, err) = run(qalam().arg("--data").arg(&device).args([
        "simulate",
        "--learners",
        "3",
        "--events",
        "300",
        "--seed",
        "4",
    ]));
    assert!(ok, "{err}");
    let code = admin(&["enrol-code", "--centre", &centre]);
    let (ok, _, err) = run(qalam()
        .arg("--data")
        .arg(&device)
        .args(["enrol", "--server", &url, "--code", &code, "--ca"])
        .arg(certs.join("campus-ca.pem")));
    assert!(ok, "{err}");
    let (ok, out, err) = run(qalam()
        .arg("--data")
        .arg(&device)
        .args(["sync", "--once", "--json"]));
    assert!(ok, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(report["pushed"].as_u64().unwrap() >= 300, "{report}");

    // Not pinned (the system's roots do not know the campus CA): refused.
    let stranger = tmp.path().join("stranger");
    let code = admin(&["enrol-code", "--centre", &centre]);
    let (ok, _, err) = run(qalam()
        .arg("--data")
        .arg(&stranger)
        .args(["enrol", "--server", &url, "--code", &code]));
    assert!(!ok);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.starts_with("error: "), "{err}");

    // Another CA pinned: refused too, and the code is still unspent.
    let other = tmp.path().join("other");
    std::fs::create_dir_all(&other).unwrap();
    campus_ca(&other);
    let (ok, _, err) = run(qalam()
        .arg("--data")
        .arg(&stranger)
        .args(["enrol", "--server", &url, "--code", &code, "--ca"])
        .arg(other.join("campus-ca.pem")));
    assert!(!ok, "a certificate from another CA was trusted");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    let (ok, _, err) = run(qalam()
        .arg("--data")
        .arg(&stranger)
        .args(["enrol", "--server", &url, "--code", &code, "--ca"])
        .arg(certs.join("campus-ca.pem")));
    assert!(ok, "{err}");
}

#[test]
fn a_ca_file_that_is_not_a_certificate_is_refused_before_anything_is_sent() {
    let tmp = tempfile::tempdir().unwrap();
    let bogus = tmp.path().join("ca.pem");
    std::fs::write(&bogus, "hello").unwrap();
    let (ok, _, err) = run(qalam()
        .arg("--data")
        .arg(tmp.path().join("d"))
        .args([
            "enrol",
            "--server",
            "https://127.0.0.1:9",
            "--code",
            "X",
            "--ca",
        ])
        .arg(&bogus));
    assert!(!ok);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("CA"), "{err}");
    let (ok, _, err) = run(qalam()
        .arg("--data")
        .arg(tmp.path().join("d"))
        .args([
            "enrol",
            "--server",
            "https://127.0.0.1:9",
            "--code",
            "X",
            "--ca",
        ])
        .arg(tmp.path().join("missing.pem")));
    assert!(!ok);
    assert!(err.contains("missing.pem"), "{err}");
}
