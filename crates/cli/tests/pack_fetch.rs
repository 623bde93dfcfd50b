//! `qalam pack fetch` end to end: a campus server on 127.0.0.1 offering a
//! pack of a few MB, an enrolled device fetching it through a link cut
//! every 64 KiB and retrying until it succeeds. The download resumes
//! instead of starting over, the pack is installed through the USB import
//! path, and a pack file tampered with on the server is never installed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Seek, SeekFrom, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use qalam_faultproxy::{FaultProxy, Faults};

const PACK_ID: &str = "org.tests.fetch";

fn bin() -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("qalam"));
    cmd.env_remove("QALAM_DATA")
        .env_remove("QALAM_DATABASE_URL")
        .env("QALAM_LOG", "error");
    cmd
}

fn run(args: &[&str], data: &Path) -> Output {
    let mut cmd = bin();
    cmd.arg("--data").arg(data).args(args);
    cmd.stdin(Stdio::null()).output().unwrap()
}

fn ok(args: &[&str], data: &Path) -> String {
    let out = run(args, data);
    assert!(
        out.status.success(),
        "qalam {args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn last_line(out: &str) -> String {
    out.lines().last().unwrap_or_default().trim().to_owned()
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// An authoring folder for `version` with `mb` MB of incompressible media.
/// An organisation and a centre on the server; their ids.
fn org_and_centre(server_dir: &Path) -> (String, String) {
    let org = last_line(&ok(&["server", "org", "add", "NGO"], server_dir));
    let centre = last_line(&ok(
        &["server", "centre", "add", "Amman", "--org", &org],
        server_dir,
    ));
    (org, centre)
}

/// `qalam pack build SRC --out PACK [--key KEY]`.
fn build(src: &Path, pack: &Path, key: Option<&Path>, cwd: &Path) {
    let mut args = vec![
        "pack",
        "build",
        src.to_str().unwrap(),
        "--out",
        pack.to_str().unwrap(),
    ];
    if let Some(key) = key {
        args.extend(["--key", key.to_str().unwrap()]);
    }
    ok(&args, cwd);
}

fn source(root: &Path, version: &str, mb: usize, seed: u64) -> PathBuf {
    let src = root.join(format!("src-{version}"));
    write(
        &src.join("pack.toml"),
        format!(
            r#"id = "{PACK_ID}"
version = "{version}"
languages = ["en", "ar"]
subject = "digital-skills"
level = "beginner"
license = "CC-BY-SA-4.0"

[title]
en = "Fetched over a bad link"
ar = "دورة عبر رابط ضعيف"

[description]
en = "A course for tests."

[publisher.name]
en = "Qalam Tests"

[[lessons]]
id = "one"
title = {{ en = "One", ar = "واحد" }}
content = {{ en = "lessons/one.en.html", ar = "lessons/one.ar.html" }}
"#
        )
        .as_bytes(),
    );
    write(&src.join("lessons/one.en.html"), b"<h1>One</h1>");
    write(&src.join("lessons/one.ar.html"), "<h1>واحد</h1>".as_bytes());
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut noise = vec![0u8; mb * 1024 * 1024];
    rng.fill(&mut noise);
    write(&src.join("media/noise.bin"), &noise);
    src
}

/// The campus server, in this process, on 127.0.0.1: the sync routes and
/// the pack catalogue on one listener.
struct Server {
    addr: SocketAddr,
    _runtime: tokio::runtime::Runtime,
}

impl Server {
    fn start(data: &Path) -> Server {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let packs = qalam_server::catalogue::packs_dir(data);
        let addr = runtime.block_on(async {
            let store = qalam_server::open_store(data, None).await.unwrap();
            let app = qalam_server::http::router(Arc::clone(&store))
                .merge(qalam_server::catalogue::routes(store, packs));
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            tokio::spawn(qalam_server::http::serve_router(
                listener,
                app,
                Duration::from_secs(30),
            ));
            addr
        });
        Server {
            addr,
            _runtime: runtime,
        }
    }
}

fn installed_version(device: &Path) -> Option<String> {
    let out = ok(&["pack", "list", "--json"], device);
    let packs: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    packs
        .iter()
        .find(|p| p["id"] == PACK_ID)
        .map(|p| p["version"].as_str().unwrap().to_owned())
}

fn parts(device: &Path) -> Vec<PathBuf> {
    match std::fs::read_dir(device.join("downloads")) {
        Ok(entries) => entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "part"))
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// Changes the byte at `len / div` of `file`; with `keep_mtime`, its
/// modification time is put back, so the server's cached catalogue entry
/// still describes the original file.
fn tamper(file: &Path, div: u64, keep_mtime: bool) {
    let modified = std::fs::metadata(file).unwrap().modified().unwrap();
    let len = std::fs::metadata(file).unwrap().len();
    let mut f = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(file)
        .unwrap();
    let mut byte = [0u8; 1];
    f.seek(SeekFrom::Start(len / div)).unwrap();
    std::io::Read::read_exact(&mut f, &mut byte).unwrap();
    f.seek(SeekFrom::Start(len / div)).unwrap();
    f.write_all(&[byte[0] ^ 0x5a]).unwrap();
    f.sync_all().unwrap();
    if keep_mtime {
        f.set_modified(modified).unwrap();
    } else {
        f.set_modified(modified + Duration::from_secs(5)).unwrap();
    }
}

#[test]
fn pack_fetch_resumes_over_a_cut_link_and_refuses_tampered_packs() {
    let tmp = tempfile::tempdir().unwrap();
    let server_dir = tmp.path().join("server");
    let device = tmp.path().join("device");

    // The server's organisation, a centre, and a signed pack of 3 MB.
    let (org, centre) = org_and_centre(&server_dir);
    let key = tmp.path().join("publisher.key");
    ok(
        &["pack", "keygen", "--out", key.to_str().unwrap()],
        tmp.path(),
    );
    let pack = tmp.path().join("fetch-1.0.0.qpack");
    let src = source(tmp.path(), "1.0.0", 3, 1);
    build(&src, &pack, Some(&key), tmp.path());
    let added = ok(
        &[
            "server",
            "pack",
            "add",
            pack.to_str().unwrap(),
            "--org",
            &org,
        ],
        &server_dir,
    );
    assert_eq!(last_line(&added), format!("{PACK_ID}@1.0.0"));
    let listed = ok(&["server", "pack", "list", "--org", &org], &server_dir);
    assert!(listed.contains(PACK_ID), "{listed}");
    let pack_size = std::fs::metadata(&pack).unwrap().len();

    // A tampered file is refused by `server pack add`, with one line.
    let bad = tmp.path().join("bad.qpack");
    std::fs::copy(&pack, &bad).unwrap();
    tamper(&bad, 2, false);
    let out = run(
        &[
            "server",
            "pack",
            "add",
            bad.to_str().unwrap(),
            "--org",
            &org,
        ],
        &server_dir,
    );
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");

    let server = Server::start(&server_dir);
    let url = format!("http://{}", server.addr);
    let code = last_line(&ok(
        &["server", "enrol-code", "--centre", &centre],
        &server_dir,
    ));
    ok(&["enrol", "--server", &url, "--code", &code], &device);
    ok(
        &[
            "trust",
            "add",
            &format!("{}.pub", key.display()),
            "--name",
            "Tests",
        ],
        &device,
    );

    // Through a link that drops every 64 KiB, until it succeeds.
    let proxy = FaultProxy::spawn(
        server.addr,
        Faults {
            cut_every: Some(64 * 1024),
            ..Faults::default()
        },
    )
    .unwrap();
    let via = format!("http://{}", proxy.addr());
    let started = Instant::now();
    let mut attempts = 0u32;
    let last = loop {
        attempts += 1;
        assert!(attempts <= 400, "no success after 400 attempts");
        let out = run(&["pack", "fetch", "--server", &via], &device);
        if out.status.success() {
            break String::from_utf8(out.stdout).unwrap();
        }
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            !stdout.contains("refused"),
            "a cut link must not refuse the pack: {stdout}"
        );
    };
    let stats = proxy.stats();
    eprintln!(
        "pack of {pack_size} bytes fetched in {attempts} attempts, {} ms; the proxy carried {} bytes down ({:.3}x the pack), {} up, {} cuts",
        started.elapsed().as_millis(),
        stats.bytes_down,
        stats.bytes_down as f64 / pack_size as f64,
        stats.bytes_up,
        stats.cuts
    );
    assert!(attempts > 10, "the link was not cut: {attempts} attempts");
    assert!(last.contains("installed"), "{last}");
    assert_eq!(installed_version(&device).as_deref(), Some("1.0.0"));
    assert!(
        stats.bytes_down as f64 <= 1.2 * pack_size as f64,
        "{} bytes down for a pack of {pack_size}: the download did not resume",
        stats.bytes_down
    );
    assert!(parts(&device).is_empty(), "{:?}", parts(&device));

    // Nothing new: up to date, nothing downloaded, exit 0.
    let again = ok(&["pack", "fetch"], &device);
    assert!(again.contains("up to date"), "{again}");

    // Version 1.1.0 is added, then damaged on the server's disk. Its
    // modification time is put back, so the catalogue still lists the
    // good file's sha256: the device's whole-file check refuses it.
    let pack2 = tmp.path().join("fetch-1.1.0.qpack");
    let src2 = source(tmp.path(), "1.1.0", 1, 2);
    build(&src2, &pack2, Some(&key), tmp.path());
    ok(
        &[
            "server",
            "pack",
            "add",
            pack2.to_str().unwrap(),
            "--org",
            &org,
        ],
        &server_dir,
    );
    let stored = server_dir
        .join("packs")
        .join(&org)
        .join(PACK_ID)
        .join("1.1.0.qpack");
    tamper(&stored, 2, true);
    let out = run(&["pack", "fetch"], &device);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("refused") && stdout.contains("does not match the server's catalogue"),
        "{stdout}"
    );
    assert_eq!(installed_version(&device).as_deref(), Some("1.0.0"));
    assert!(parts(&device).is_empty(), "{:?}", parts(&device));

    // Damaged again, visibly this time: the server derives a new entry
    // from the file, the download matches it, and the install path's own
    // checks refuse the pack, exactly as for a USB stick.
    tamper(&stored, 3, false);
    let out = run(&["pack", "fetch"], &device);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("refused") && stdout.contains("does not match the manifest"),
        "{stdout}"
    );
    assert_eq!(installed_version(&device).as_deref(), Some("1.0.0"));
    assert!(parts(&device).is_empty(), "{:?}", parts(&device));
}

#[test]
fn pack_fetch_needs_an_enrolment_and_keeps_trust_rules() {
    let tmp = tempfile::tempdir().unwrap();
    let server_dir = tmp.path().join("server");
    let device = tmp.path().join("device");

    let out = run(&["pack", "fetch"], &device);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("not enrolled"), "{stderr}");

    // An unsigned pack is refused as on USB, and kept for a later install.
    let (org, centre) = org_and_centre(&server_dir);
    let pack = tmp.path().join("unsigned.qpack");
    let src = source(tmp.path(), "1.0.0", 1, 3);
    build(&src, &pack, None, tmp.path());
    ok(
        &[
            "server",
            "pack",
            "add",
            pack.to_str().unwrap(),
            "--org",
            &org,
        ],
        &server_dir,
    );
    let server = Server::start(&server_dir);
    let url = format!("http://{}", server.addr);
    let code = last_line(&ok(
        &["server", "enrol-code", "--centre", &centre],
        &server_dir,
    ));
    ok(&["enrol", "--server", &url, "--code", &code], &device);
    let out = run(&["pack", "fetch"], &device);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("refused") && stdout.contains("not signed"),
        "{stdout}"
    );
    assert_eq!(installed_version(&device), None);
    assert_eq!(parts(&device).len(), 1);

    // Allowed explicitly: installed from the download already on disk.
    let out = ok(&["pack", "fetch", "--allow-untrusted", "--json"], &device);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["packs"][0]["outcome"], "installed", "{report}");
    assert_eq!(report["downloaded_bytes"], 0, "{report}");
    assert_eq!(installed_version(&device).as_deref(), Some("1.0.0"));
    assert!(parts(&device).is_empty());
}

#[test]
fn pack_fetch_killed_at_any_point_resumes_or_has_installed() {
    let tmp = tempfile::tempdir().unwrap();
    let server_dir = tmp.path().join("server");
    let device = tmp.path().join("device");
    let (org, centre) = org_and_centre(&server_dir);
    let key = tmp.path().join("publisher.key");
    ok(
        &["pack", "keygen", "--out", key.to_str().unwrap()],
        tmp.path(),
    );
    let pack = tmp.path().join("fetch.qpack");
    let src = source(tmp.path(), "1.0.0", 4, 4);
    build(&src, &pack, Some(&key), tmp.path());
    ok(
        &[
            "server",
            "pack",
            "add",
            pack.to_str().unwrap(),
            "--org",
            &org,
        ],
        &server_dir,
    );
    let pack_size = std::fs::metadata(&pack).unwrap().len();
    let server = Server::start(&server_dir);
    let code = last_line(&ok(
        &["server", "enrol-code", "--centre", &centre],
        &server_dir,
    ));
    let url = format!("http://{}", server.addr);
    ok(&["enrol", "--server", &url, "--code", &code], &device);
    ok(
        &["trust", "add", &format!("{}.pub", key.display())],
        &device,
    );

    // Every connection pauses once somewhere in the pack, so that kills
    // land in the download as well as before and after it.
    let proxy = FaultProxy::spawn(
        server.addr,
        Faults {
            stall_chance: 1.0,
            stall: Duration::from_millis(150),
            horizon: pack_size,
            seed: 7,
            ..Faults::default()
        },
    )
    .unwrap();
    let via = format!("http://{}", proxy.addr());
    let mut rng = fastrand::Rng::with_seed(11);
    // Kill later and later, until one attempt gets to install the pack.
    let mut resumed = 0;
    let mut kills = 0u64;
    while installed_version(&device).is_none() {
        assert!(kills < 60, "never got as far as installing");
        let before = parts(&device)
            .first()
            .and_then(|p| std::fs::metadata(p).ok())
            .map_or(0, |m| m.len());
        resumed += usize::from(before > 0);
        let mut child = bin()
            .arg("--data")
            .arg(&device)
            .args(["pack", "fetch", "--server", &via])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(rng.u64(20..200 + 40 * kills)));
        kills += 1;
        let _ = child.kill();
        let _ = child.wait();
        // Either nothing yet, or the whole pack; a download in progress is
        // one `.part` no longer than the pack.
        let version = installed_version(&device);
        assert!(
            version.is_none() || version.as_deref() == Some("1.0.0"),
            "{version:?}"
        );
        let left = parts(&device);
        assert!(left.len() <= 1, "{left:?}");
        for part in left {
            assert!(std::fs::metadata(part).unwrap().len() <= pack_size);
        }
    }
    let mut attempts = 0;
    while !run(&["pack", "fetch", "--server", &via], &device)
        .status
        .success()
    {
        attempts += 1;
        assert!(attempts < 20, "pack fetch never completed");
    }
    eprintln!(
        "{kills} attempts killed with kill -9, {resumed} of them found a partial download to resume"
    );
    assert_eq!(installed_version(&device).as_deref(), Some("1.0.0"));
    assert!(parts(&device).is_empty(), "{:?}", parts(&device));
    ok(&["doctor"], &device);
}
