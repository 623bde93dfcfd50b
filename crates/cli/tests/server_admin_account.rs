//! `qalam server admin add`: the password is alone on the last line of
//! stdout, and it signs in to the admin web page of `qalam server run`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;

use support::{ServerProcess, qalam};

fn run(args: &[&str], data: &Path) -> std::process::Output {
    qalam().args(args).arg("--data").arg(data).output().unwrap()
}

fn last_line(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let last = stdout.lines().last().unwrap_or_default().to_owned();
    assert_eq!(last, last.trim(), "{stdout:?}");
    last
}

/// One form POST over plain HTTP/1.1; the whole answer, headers included.
fn post_form(addr: std::net::SocketAddr, path: &str, body: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

fn is_password(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 4
        && groups.iter().all(|g| {
            g.len() == 5
                && g.bytes()
                    .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
        })
}

#[test]
fn admin_add_prints_a_password_that_signs_in() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("server");
    let org = last_line(&run(&["server", "org", "add", "Hope NGO"], &data));

    let root = run(&["server", "admin", "add", "Amina"], &data);
    let password = last_line(&root);
    assert!(is_password(&password), "{password:?}");
    let stdout = String::from_utf8_lossy(&root.stdout).into_owned();
    assert!(stdout.contains("whole server"), "{stdout}");

    let local = run(&["server", "admin", "add", "Farid", "--org", &org], &data);
    let other = last_line(&local);
    assert!(is_password(&other) && other != password);
    assert!(String::from_utf8_lossy(&local.stdout).contains(&org));

    // Names are unique, and an unknown organisation is refused, each with
    // one line on stderr and nothing on stdout.
    for args in [
        vec!["server", "admin", "add", "Amina"],
        vec![
            "server",
            "admin",
            "add",
            "Zed",
            "--org",
            "00112233445566778899aabbccddeeff",
        ],
        vec!["server", "admin", "add", "  "],
    ] {
        let out = run(&args, &data);
        assert!(!out.status.success(), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    }

    let server = ServerProcess::start("127.0.0.1:0", ["--data".into(), data.into_os_string()]);
    let wrong = post_form(server.addr, "/admin/sign-in", "name=Amina&password=nope");
    assert!(wrong.starts_with("HTTP/1.1 401"), "{wrong}");
    let right = post_form(
        server.addr,
        "/admin/sign-in",
        &format!("name=Amina&password={password}"),
    );
    assert!(right.starts_with("HTTP/1.1 303"), "{right}");
    let lower = right.to_ascii_lowercase();
    assert!(lower.contains("set-cookie: qalam_admin="), "{right}");
    assert!(lower.contains("httponly") && lower.contains("samesite=strict"));
    server.stop();
}
