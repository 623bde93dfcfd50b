//! Sync end to end: the `qalam` binary (enrol, simulate, sync, progress)
//! against a real campus server on 127.0.0.1:0, on SQLite and, when
//! `QALAM_TEST_POSTGRES_URL` is set, PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use qalam_core::sync::{SyncOptions, sync_once, sync_state};
use qalam_core::{Device, Settings};
use qalam_model::payload::LessonOpened;
use qalam_model::{LearnerId, Payload};
use qalam_server::{CentreId, OrgId, Store, now_ms};

struct TestServer {
    base: String,
    store: Arc<dyn Store>,
    rt: tokio::runtime::Runtime,
    pg: Option<(String, String)>,
    _dir: tempfile::TempDir,
}

impl TestServer {
    fn start(postgres: bool) -> Option<TestServer> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut pg = None;
        let url = if postgres {
            let admin_url = match std::env::var("QALAM_TEST_POSTGRES_URL") {
                Ok(url) if !url.trim().is_empty() => url,
                _ => {
                    eprintln!("notice: PostgreSQL sync tests skipped (QALAM_TEST_POSTGRES_URL)");
                    return None;
                }
            };
            let name = format!(
                "qalam_cli_sync_{}_{}",
                std::process::id(),
                now_ms().rem_euclid(1_000_000_000)
            );
            rt.block_on(admin(&admin_url, &format!("CREATE DATABASE {name}")));
            let mut config: tokio_postgres::Config = admin_url.parse().unwrap();
            config.dbname(&name);
            let url = format!(
                "postgres://{}@{}:{}/{name}",
                config.get_user().unwrap_or("postgres"),
                match &config.get_hosts()[0] {
                    tokio_postgres::config::Host::Tcp(h) => h.clone(),
                    #[allow(unreachable_patterns)]
                    _ => "127.0.0.1".into(),
                },
                config.get_ports().first().copied().unwrap_or(5432)
            );
            pg = Some((admin_url, name));
            Some(url)
        } else {
            None
        };
        let store = rt
            .block_on(qalam_server::open_store(dir.path(), url.as_deref()))
            .unwrap();
        let listener = rt
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let addr = listener.local_addr().unwrap();
        rt.spawn(qalam_server::http::serve(listener, Arc::clone(&store)));
        Some(TestServer {
            base: format!("http://{addr}"),
            store,
            rt,
            pg,
            _dir: dir,
        })
    }

    fn org(&self, name: &str) -> OrgId {
        self.rt
            .block_on(self.store.create_org(name, now_ms()))
            .unwrap()
            .id
    }

    fn centre(&self, org: OrgId, name: &str) -> CentreId {
        self.rt
            .block_on(self.store.create_centre(org, name, now_ms()))
            .unwrap()
            .id
    }

    fn code(&self, centre: CentreId) -> String {
        self.rt
            .block_on(self.store.create_enrol_code(centre, now_ms(), 3_600_000))
            .unwrap()
            .code
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some((url, name)) = self.pg.take() {
            self.rt
                .block_on(admin(&url, &format!("DROP DATABASE {name} WITH (FORCE)")));
        }
    }
}

async fn admin(url: &str, sql: &str) {
    let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    client.batch_execute(sql).await.unwrap();
}

fn qalam(data: &Path) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("qalam"));
    cmd.env_remove("QALAM_DATA")
        .env("QALAM_LOG", "error")
        .arg("--data")
        .arg(data);
    cmd
}

/// Runs `qalam --data DIR args…`, which must succeed; returns stdout.
fn ok(data: &Path, args: &[&str]) -> String {
    let out = qalam(data).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "qalam {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Runs a command that must fail with one `error:` line; returns it.
fn fails(data: &Path, args: &[&str]) -> String {
    let out = qalam(data).args(args).output().unwrap();
    assert!(!out.status.success(), "qalam {args:?} succeeded");
    let text = String::from_utf8_lossy(&out.stderr).into_owned();
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "expected one error line, got: {text}");
    assert!(lines[0].starts_with("error: "), "{text}");
    lines[0].to_owned()
}

fn enrol(s: &TestServer, data: &Path, centre: CentreId) {
    let out = ok(
        data,
        &["enrol", "--server", &s.base, "--code", &s.code(centre)],
    );
    assert!(out.contains("Enrolled device"), "{out}");
}

fn sync(data: &Path) -> serde_json::Value {
    serde_json::from_str(&ok(data, &["sync", "--once", "--json"])).unwrap()
}

fn progress(data: &Path) -> String {
    ok(data, &["progress", "--json"])
}

fn learners_of(data: &Path) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(&progress(data)).unwrap();
    v["learners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap().to_owned())
        .collect()
}

/// A learner of another centre signs in on the device at `data`: the
/// device records an event about them.
fn sign_in_here(data: &Path, learner: &str) {
    let device = Device::open(data, Settings::default()).unwrap();
    let id: LearnerId = learner.parse().unwrap();
    qalam_core::api::learners::record_batch(
        &device,
        &[(
            id,
            Payload::LessonOpened(LessonOpened {
                pack: "org.qalam.sim.numeracy".into(),
                lesson: "visit".into(),
            }),
        )],
    )
    .unwrap();
}

fn device_id(data: &Path) -> String {
    Device::open(data, Settings::default())
        .unwrap()
        .identity()
        .device
        .to_string()
}

/// A server on SQLite and one device of a centre holding `events`
/// simulated events of six learners.
fn one_device_with_events(events: &str) -> (TestServer, tempfile::TempDir, Vec<PathBuf>) {
    let s = TestServer::start(false).unwrap();
    let org = s.org("o");
    let centre = s.centre(org, "c");
    let (t, d) = dirs(1);
    enrol(&s, &d[0], centre);
    ok(
        &d[0],
        &[
            "simulate",
            "--learners",
            "6",
            "--events",
            events,
            "--seed",
            "5",
        ],
    );
    (s, t, d)
}

fn dirs(n: usize) -> (tempfile::TempDir, Vec<PathBuf>) {
    let t = tempfile::tempdir().unwrap();
    let v = (0..n).map(|i| t.path().join(format!("d{i}"))).collect();
    (t, v)
}

fn two_devices_of_a_centre_converge(postgres: bool) {
    let Some(s) = TestServer::start(postgres) else {
        return;
    };
    let org = s.org("Hope");
    let centre = s.centre(org, "Camp 4");
    let (_t, d) = dirs(2);
    // One device studied for weeks before it was enrolled (its events carry
    // no organisation), the other only after.
    ok(
        &d[0],
        &[
            "simulate",
            "--learners",
            "5",
            "--events",
            "1500",
            "--seed",
            "1",
        ],
    );
    enrol(&s, &d[0], centre);
    enrol(&s, &d[1], centre);
    ok(
        &d[1],
        &[
            "simulate",
            "--learners",
            "4",
            "--events",
            "700",
            "--seed",
            "2",
        ],
    );

    let first = sync(&d[0]);
    assert!(first["pushed"].as_u64().unwrap() >= 1500, "{first}");
    let second = sync(&d[1]);
    assert!(second["pushed"].as_u64().unwrap() >= 700, "{second}");
    assert!(second["pulled"].as_u64().unwrap() >= 1500, "{second}");
    let third = sync(&d[0]);
    assert_eq!(third["pushed"], 0, "{third}");
    assert!(third["pulled"].as_u64().unwrap() >= 700, "{third}");

    let (p0, p1) = (progress(&d[0]), progress(&d[1]));
    assert_eq!(p0, p1);
    assert_eq!(learners_of(&d[0]).len(), 9);

    // Nothing left to exchange: one status request each way, small.
    for dir in &d {
        let idle = sync(dir);
        assert_eq!(
            (idle["pushed"].as_u64(), idle["pulled"].as_u64()),
            (Some(0), Some(0))
        );
        assert_eq!(idle["push_batches"], 0);
        assert_eq!(idle["pull_batches"], 0);
        let bytes = idle["bytes_sent"].as_u64().unwrap() + idle["bytes_received"].as_u64().unwrap();
        assert!(bytes < 2048, "{idle}");
    }
    let shown = ok(&d[1], &["sync", "--status"]);
    assert!(shown.contains("events waiting to be sent: 0"), "{shown}");
    // What sync remembers, for a status line.
    let device = Device::open(&d[1], Settings::default()).unwrap();
    let state = sync_state(&device).unwrap();
    assert!(state.enrolled && state.last_sync_at.is_some() && state.last_error.is_none());
    assert_eq!(state.events_waiting, 0);
    assert!(state.bytes_sent > 0 && state.bytes_received > 0);
}

#[test]
fn two_devices_of_a_centre_converge_sqlite() {
    two_devices_of_a_centre_converge(false);
}

#[test]
fn two_devices_of_a_centre_converge_postgres() {
    two_devices_of_a_centre_converge(true);
}

fn visiting_learner_crosses_centres_not_organisations(postgres: bool) {
    let Some(s) = TestServer::start(postgres) else {
        return;
    };
    let x = s.org("X");
    let (north, south) = (s.centre(x, "north"), s.centre(x, "south"));
    let y = s.org("Y");
    let elsewhere = s.centre(y, "elsewhere");
    let (_t, d) = dirs(3);
    let (dn, ds, dy) = (&d[0], &d[1], &d[2]);
    enrol(&s, dn, north);
    enrol(&s, ds, south);
    enrol(&s, dy, elsewhere);
    ok(
        dn,
        &[
            "simulate",
            "--learners",
            "3",
            "--events",
            "600",
            "--seed",
            "11",
        ],
    );
    ok(
        ds,
        &[
            "simulate",
            "--learners",
            "2",
            "--events",
            "100",
            "--seed",
            "12",
        ],
    );
    ok(
        dy,
        &[
            "simulate",
            "--learners",
            "2",
            "--events",
            "100",
            "--seed",
            "13",
        ],
    );
    for dir in &d {
        sync(dir);
    }
    let north_learners = learners_of(dn);
    assert_eq!(north_learners.len(), 3);
    let south_learners = learners_of(ds);
    assert_eq!(south_learners.len(), 2, "south sees only its own");

    // A first visitor from north: south's cursor on north's chain then
    // passes the events of the other north learners, filtered out.
    let (first, second) = (&north_learners[0], &north_learners[1]);
    sign_in_here(ds, first);
    sync(ds);
    let seen = learners_of(ds);
    assert!(seen.contains(first) && !seen.contains(second), "{seen:?}");

    // The second visitor's older events lie below that cursor: the status
    // answer's rewind brings them anyway.
    sign_in_here(ds, second);
    sync(ds);
    sync(dn);
    sync(ds);
    let only = |dir: &Path, who: &str| ok(dir, &["progress", "--json", "--learner", who]);
    assert_eq!(only(dn, first), only(ds, first));
    assert_eq!(only(dn, second), only(ds, second));
    assert!(!learners_of(ds).contains(&north_learners[2]));

    // Organisation Y never sees X's learners, not even by signing the same
    // learner id in.
    sign_in_here(dy, first);
    sync(dy);
    let y_view = learners_of(dy);
    assert!(
        y_view.iter().all(|l| !north_learners.contains(l)),
        "{y_view:?}"
    );
    let north_id = device_id(dn);
    let y_events = ok(dy, &["events", "export", "--json"]);
    assert!(
        !y_events.contains(&north_id),
        "org Y holds events of north's device"
    );
    assert!(ok(ds, &["events", "export", "--json"]).contains(&north_id));
    assert!(!ok(ds, &["events", "export", "--json"]).contains(&device_id(dy)));
    // And north gets nothing of Y's sign-in.
    sync(dn);
    assert_eq!(only(dn, first), only(ds, first));
}

#[test]
fn visiting_learner_crosses_centres_not_organisations_sqlite() {
    visiting_learner_crosses_centres_not_organisations(false);
}

#[test]
fn visiting_learner_crosses_centres_not_organisations_postgres() {
    visiting_learner_crosses_centres_not_organisations(true);
}

#[test]
fn refusals_are_one_line_and_exit_non_zero() {
    let s = TestServer::start(false).unwrap();
    let org = s.org("o");
    let centre = s.centre(org, "c");
    let (_t, d) = dirs(3);

    // Not enrolled yet; a code that does not exist; enrolling twice.
    let line = fails(&d[0], &["sync", "--once"]);
    assert!(line.contains("not enrolled"), "{line}");
    let line = fails(
        &d[0],
        &["enrol", "--server", &s.base, "--code", "NOSUCHCODE00"],
    );
    assert!(line.contains("unknown enrolment code"), "{line}");
    enrol(&s, &d[0], centre);
    let line = fails(
        &d[0],
        &["enrol", "--server", &s.base, "--code", &s.code(centre)],
    );
    assert!(line.contains("already enrolled"), "{line}");

    // Unreachable server.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let line = fails(
        &d[0],
        &["sync", "--once", "--server", &format!("http://{closed}")],
    );
    assert!(line.contains("could not reach"), "{line}");

    // A credential the server does not know.
    enrol(&s, &d[1], centre);
    {
        let conn = rusqlite::Connection::open(d[1].join("qalam.db")).unwrap();
        conn.execute("UPDATE sync_server SET credential = ?1", [&"00".repeat(32)])
            .unwrap();
    }
    let line = fails(&d[1], &["sync", "--once"]);
    assert!(line.contains("bad device credential"), "{line}");

    // Revoked: refused at once.
    ok(&d[0], &["simulate", "--learners", "1", "--events", "10"]);
    sync(&d[0]);
    let device = Device::open(&d[0], Settings::default()).unwrap();
    let id = device.identity().device;
    drop(device);
    s.rt.block_on(s.store.revoke_device(id, now_ms())).unwrap();
    let line = fails(&d[0], &["sync", "--once"]);
    assert!(line.contains("revoked"), "{line}");
    let device = Device::open(&d[0], Settings::default()).unwrap();
    let state = sync_state(&device).unwrap();
    assert!(state.last_error.unwrap().contains("revoked"));
}

/// A link that drops mid-push: the batches acknowledged before the drop
/// stay stored, the one in flight is lost, and the next attempt finishes
/// from where the server's ack left off.
#[test]
fn a_dropped_connection_loses_only_the_batch_in_flight() {
    let (s, _t, d) = one_device_with_events("3000");

    // A proxy that forwards the first 12 KB of requests, then cuts (it
    // forwards whole reads of up to 8 KiB: the status and the first 8 KiB
    // of the push, which hold its first frame).
    let upstream: std::net::SocketAddr = s.base.trim_start_matches("http://").parse().unwrap();
    let proxy =
        s.rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
    let proxy_addr = proxy.local_addr().unwrap();
    s.rt.spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut budget: usize = 12_000;
        loop {
            let Ok((mut client, _)) = proxy.accept().await else {
                return;
            };
            let Ok(mut server) = tokio::net::TcpStream::connect(upstream).await else {
                return;
            };
            let (mut cr, mut cw) = client.split();
            let (mut sr, mut sw) = server.split();
            let mut buf = vec![0u8; 8192];
            let up = async {
                loop {
                    let n = cr.read(&mut buf).await.unwrap_or(0);
                    if n == 0 || n > budget {
                        budget = 0;
                        return;
                    }
                    budget -= n;
                    if sw.write_all(&buf[..n]).await.is_err() {
                        return;
                    }
                }
            };
            let down = async {
                let _ = tokio::io::copy(&mut sr, &mut cw).await;
            };
            tokio::select! { () = up => {}, () = down => {} }
        }
    });

    let device = Device::open(&d[0], Settings::default()).unwrap();
    let small = SyncOptions {
        server: Some(format!("http://{proxy_addr}")),
        push_batch_bytes: 32 * 1024,
        ..SyncOptions::default()
    };
    let total = sync_state(&device).unwrap().events_waiting;
    let err = sync_once(&device, &small).unwrap_err();
    assert!(err.to_string().contains("could not reach"), "{err}");
    // Under protocol 3 (push streams), the server goes on committing the
    // frames that arrived after the cut: wait for them.
    let mut stored = 0;
    for _ in 0..50 {
        stored =
            s.rt.block_on(s.store.head_seq(device.identity().device))
                .unwrap();
        if stored > 0 {
            std::thread::sleep(std::time::Duration::from_millis(200));
            stored =
                s.rt.block_on(s.store.head_seq(device.identity().device))
                    .unwrap();
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(stored > 0 && stored < total, "stored {stored} of {total}");
    // (The device learns how far the cut stream got from the next status.)

    // The next attempt, on a good link, pushes only the rest.
    let report = sync_once(&device, &SyncOptions::default()).unwrap();
    assert_eq!(report.pushed, total - stored);
    assert_eq!(
        s.rt.block_on(s.store.head_seq(device.identity().device))
            .unwrap(),
        total
    );
}

/// Push streams (protocol 3) through a link cut every 16 KiB: each
/// attempt keeps the whole frames it delivered, the next starts after
/// them, and the last sends only what was left.
#[test]
fn push_streams_through_a_cut_link_resume_after_the_stored_frames() {
    let (s, _t, d) = one_device_with_events("20000");
    let upstream: std::net::SocketAddr = s.base.trim_start_matches("http://").parse().unwrap();
    let proxy = qalam_faultproxy::FaultProxy::spawn(
        upstream,
        qalam_faultproxy::Faults {
            cut_every: Some(16 * 1024),
            ..qalam_faultproxy::Faults::default()
        },
    )
    .unwrap();
    let device = Device::open(&d[0], Settings::default()).unwrap();
    let me = device.identity().device;
    let total = sync_state(&device).unwrap().events_waiting;
    let options = SyncOptions {
        server: Some(format!("http://{}", proxy.addr())),
        ..SyncOptions::default()
    };
    let head = || s.rt.block_on(s.store.head_seq(me)).unwrap();
    let mut stored = 0;
    let mut attempts = 0;
    let report = loop {
        attempts += 1;
        assert!(attempts <= 60, "the sync did not complete");
        match sync_once(&device, &options) {
            Ok(report) => break report,
            Err(err) => {
                assert!(err.to_string().contains("could not reach"), "{err}");
                // The server commits what arrived, even after the cut.
                std::thread::sleep(std::time::Duration::from_millis(300));
                let now = head();
                assert!(now > stored, "attempt {attempts} stored nothing");
                stored = now;
            }
        }
    };
    assert!(attempts > 2, "the link was not cut: {attempts} attempts");
    assert_eq!(report.pushed, total - stored);
    assert_eq!(head(), total);
}

/// Without `--once`, `qalam sync` keeps syncing until it is interrupted.
#[test]
fn sync_without_once_runs_until_interrupted() {
    let s = TestServer::start(false).unwrap();
    let org = s.org("o");
    let centre = s.centre(org, "c");
    let (_t, d) = dirs(1);
    enrol(&s, &d[0], centre);
    ok(&d[0], &["simulate", "--learners", "2", "--events", "200"]);
    let id = Device::open(&d[0], Settings::default())
        .unwrap()
        .identity()
        .device;
    let mut child = qalam(&d[0])
        .arg("sync")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The first attempt's summary line, read on a thread so the test can
    // give up after a deadline.
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let line = rx.recv_timeout(std::time::Duration::from_secs(30));
    let still_running = child.try_wait().unwrap().is_none();
    child.kill().unwrap();
    child.wait().unwrap();
    let line = line.expect("no attempt finished within 30 s");
    assert!(line.starts_with("synced with"), "{line}");
    assert!(still_running, "the loop exited by itself");
    let head = s.rt.block_on(s.store.head_seq(id)).unwrap();
    assert!(head >= 200, "the loop pushed only {head} events");
}
