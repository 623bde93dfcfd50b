//! `qalam server run --tls-cert/--tls-key`: bad input gets one clear line.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use assert_cmd::Command;

mod support;
use support::ServerProcess;

fn qalam() -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("qalam"));
    cmd.env_remove("QALAM_DATABASE_URL")
        .env("QALAM_LOG", "error");
    cmd
}

#[test]
fn a_certificate_without_its_key_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = qalam()
        .args([
            "server",
            "run",
            "--listen",
            "127.0.0.1:0",
            "--tls-cert",
            "campus.crt",
            "--data",
        ])
        .arg(dir.path())
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("--tls-key"), "{stderr}");
}

#[test]
fn unreadable_certificate_files_stop_the_server_with_their_path() {
    let dir = tempfile::tempdir().unwrap();
    let cert = dir.path().join("campus.crt");
    let key = dir.path().join("campus.key");
    std::fs::write(&cert, "not a certificate").unwrap();
    std::fs::write(&key, "not a key").unwrap();
    let out = qalam()
        .args(["server", "run", "--listen", "127.0.0.1:0", "--tls-cert"])
        .arg(&cert)
        .arg("--tls-key")
        .arg(&key)
        .arg("--data")
        .arg(dir.path().join("server"))
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("campus.crt"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
}

#[test]
fn server_run_serves_the_pack_catalogue_to_enrolled_devices_only() {
    use std::io::{Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(
        "127.0.0.1:0",
        ["--data".into(), dir.path().as_os_str().to_owned()],
    );
    let addr = server.addr;
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "GET /v1/packs HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    drop(server);
    // The route exists (not 404) and wants a device credential.
    assert!(response.starts_with("HTTP/1.1 401"), "{response}");
}
