//! Sync over a bad link and through crashes, end to end with the `qalam`
//! binary and a campus server process on 127.0.0.1:
//!
//! - through the fault-injecting proxy (cuts at random offsets, stalls,
//!   truncated requests, corrupted bytes), devices that retry `sync --once`
//!   until it succeeds converge with nothing lost or duplicated;
//! - kill -9 of the client and of the server in the middle of syncs, on
//!   SQLite and (when `QALAM_TEST_POSTGRES_URL` is set) PostgreSQL: after
//!   restarts everything converges, and `doctor` passes on every device.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use qalam_faultproxy::{FaultProxy, Faults};

mod support;
use support::ServerProcess;

fn bin() -> Command {
    support::qalam()
}

fn device(data: &Path) -> Command {
    let mut cmd = bin();
    cmd.arg("--data").arg(data);
    cmd
}

fn ok(mut cmd: Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn last_line(out: &str) -> String {
    out.lines().last().unwrap_or_default().trim().to_owned()
}

/// Where the campus server keeps its data: a folder (SQLite) or a
/// PostgreSQL database made for the test.
struct Backend {
    dir: PathBuf,
    url: Option<String>,
}

impl Backend {
    fn args(&self, cmd: &mut Command) {
        cmd.args(self.server_args());
    }

    fn server_args(&self) -> Vec<std::ffi::OsString> {
        let mut args = vec!["--data".into(), self.dir.clone().into_os_string()];
        if let Some(url) = &self.url {
            args.extend(["--database".into(), url.into()]);
        }
        args
    }

    fn admin(&self, args: &[&str]) -> String {
        let mut cmd = bin();
        cmd.args(["server"]).args(args);
        self.args(&mut cmd);
        last_line(&ok(cmd))
    }
}

fn postgres_backend(dir: &Path) -> Option<Backend> {
    let admin_url = std::env::var("QALAM_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())?;
    let name = format!("qalam_faults_{}_{}", std::process::id(), fastrand::u32(..));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let (client, conn) = tokio_postgres::connect(&admin_url, tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(conn);
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap();
    });
    let config: tokio_postgres::Config = admin_url.parse().unwrap();
    let host = match &config.get_hosts()[0] {
        tokio_postgres::config::Host::Tcp(h) => h.clone(),
        #[allow(unreachable_patterns)]
        _ => "127.0.0.1".into(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let user = config.get_user().unwrap_or("postgres");
    Some(Backend {
        dir: dir.to_path_buf(),
        url: Some(format!("postgres://{user}@{host}:{port}/{name}")),
    })
}

fn simulate(data: &Path, learners: u32, events: u64, seed: u64) {
    let mut cmd = device(data);
    cmd.args(["simulate", "--learners"])
        .arg(learners.to_string())
        .arg("--events")
        .arg(events.to_string())
        .arg("--seed")
        .arg(seed.to_string());
    ok(cmd);
}

fn enrol(data: &Path, url: &str, code: &str) {
    let mut cmd = device(data);
    cmd.args(["enrol", "--server", url, "--code", code]);
    ok(cmd);
}

/// One `sync --once` attempt against `url`: `Some((pushed, pulled))` when
/// both directions completed.
fn sync_once(data: &Path, url: &str) -> Option<(u64, u64)> {
    let mut cmd = device(data);
    cmd.args(["sync", "--once", "--json", "--server", url]);
    let out = cmd.stderr(Stdio::null()).output().unwrap();
    if !out.status.success() {
        return None;
    }
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    Some((
        report["pushed"].as_u64().unwrap(),
        report["pulled"].as_u64().unwrap(),
    ))
}

/// What a script does: retry until an attempt completes. Returns the
/// events exchanged by the attempt that completed.
fn sync_until_done(data: &Path, url: &str, max_attempts: u32) -> u64 {
    for _ in 0..max_attempts {
        if let Some((pushed, pulled)) = sync_once(data, url) {
            return pushed + pulled;
        }
    }
    panic!(
        "sync of {} never completed in {max_attempts} attempts",
        data.display()
    );
}

fn progress(data: &Path) -> String {
    let mut cmd = device(data);
    cmd.args(["progress", "--json"]);
    ok(cmd)
}

/// Every event the device holds, one canonical line each.
fn events(data: &Path) -> Vec<String> {
    let mut cmd = device(data);
    cmd.args(["events", "export", "--json"]);
    ok(cmd).lines().map(str::to_owned).collect()
}

fn doctor_passes(data: &Path) {
    let mut cmd = device(data);
    cmd.arg("doctor");
    ok(cmd);
}

/// Every device holds the same events, once each, and shows the same
/// progress; doctor passes everywhere.
fn assert_converged(devices: &[PathBuf]) {
    let reference = events(&devices[0]);
    let unique: BTreeSet<&String> = reference.iter().collect();
    assert_eq!(unique.len(), reference.len(), "duplicated events");
    for d in devices {
        doctor_passes(d);
        let mine = events(d);
        assert_eq!(
            mine.len(),
            reference.len(),
            "{} holds a different count",
            d.display()
        );
        let mine: BTreeSet<&String> = mine.iter().collect();
        assert_eq!(mine, unique, "{} holds different events", d.display());
        assert_eq!(progress(d), progress(&devices[0]));
    }
}

struct Campus {
    _tmp: tempfile::TempDir,
    backend: Backend,
    server: ServerProcess,
    devices: Vec<PathBuf>,
}

/// A server, one organisation and centre, and `n` enrolled devices that
/// each studied offline first.
fn campus(n: usize, events_each: u64, postgres: bool) -> Option<Campus> {
    let tmp = tempfile::tempdir().unwrap();
    let backend = if postgres {
        postgres_backend(&tmp.path().join("server"))?
    } else {
        Backend {
            dir: tmp.path().join("server"),
            url: None,
        }
    };
    let org = backend.admin(&["org", "add", "Hope"]);
    let centre = backend.admin(&["centre", "add", "Camp 4", "--org", &org]);
    let server = ServerProcess::start("127.0.0.1:0", backend.server_args());
    let url = format!("http://{}", server.addr);
    let devices: Vec<PathBuf> = (0..n).map(|i| tmp.path().join(format!("d{i}"))).collect();
    for (i, d) in devices.iter().enumerate() {
        simulate(d, 4, events_each, i as u64 + 1);
        let code = backend.admin(&["enrol-code", "--centre", &centre]);
        enrol(d, &url, &code);
    }
    Some(Campus {
        _tmp: tmp,
        backend,
        server,
        devices,
    })
}

/// Rounds of syncs until a whole round exchanges nothing.
fn sync_rounds(devices: &[PathBuf], url: &str, max_attempts: u32) {
    for _ in 0..6 {
        let exchanged: u64 = devices
            .iter()
            .map(|d| sync_until_done(d, url, max_attempts))
            .sum();
        if exchanged == 0 {
            return;
        }
    }
    panic!("syncs still exchanged events after 6 rounds");
}

#[test]
fn devices_converge_through_a_link_that_cuts_stalls_truncates_and_corrupts() {
    let campus = campus(3, 1_500, false).unwrap();
    let proxy = FaultProxy::spawn(campus.server.addr, Faults::default()).unwrap();
    let bad_link = format!("http://{}", proxy.addr());
    let base = Faults {
        stall: Duration::from_millis(50),
        // Requests are small (a status is a few hundred bytes), so offsets
        // are drawn low enough to land in them too.
        horizon: 4 * 1024,
        seed: 20_261_125,
        ..Faults::default()
    };
    // One kind of trouble at a time, each with new work on every device,
    // so each kind is sure to hit pushes and pulls.
    let phases = [
        Faults {
            drop_chance: 0.5,
            ..base.clone()
        },
        Faults {
            stall_chance: 0.8,
            ..base.clone()
        },
        Faults {
            truncate_chance: 0.5,
            ..base.clone()
        },
        Faults {
            corrupt_chance: 0.5,
            ..base.clone()
        },
        Faults {
            cut_every: Some(64 * 1024),
            ..base.clone()
        },
        Faults {
            drop_chance: 0.3,
            truncate_chance: 0.2,
            corrupt_chance: 0.2,
            ..base
        },
    ];
    for (phase, faults) in phases.into_iter().enumerate() {
        proxy.set_faults(faults);
        for (i, d) in campus.devices.iter().enumerate() {
            simulate(d, 2, 800, 100 + (phase * 10 + i) as u64);
        }
        // Twice round, so every device also pulls what the others pushed.
        for _ in 0..2 {
            for d in &campus.devices {
                sync_until_done(d, &bad_link, 400);
            }
        }
    }
    // A last round over a clean link proves nothing was left out.
    let clean = format!("http://{}", campus.server.addr);
    sync_rounds(&campus.devices, &clean, 5);
    assert_converged(&campus.devices);
    let stats = proxy.stats();
    assert!(stats.cuts > 0, "{stats:?}");
    assert!(stats.stalls > 0, "{stats:?}");
    assert!(stats.truncations > 0, "{stats:?}");
    assert!(stats.corruptions > 0, "{stats:?}");
}

fn crashes_mid_sync_lose_nothing(postgres: bool) {
    let Some(mut campus) = campus(2, 6_000, postgres) else {
        eprintln!("notice: PostgreSQL crash test skipped (QALAM_TEST_POSTGRES_URL)");
        return;
    };
    let url = format!("http://{}", campus.server.addr);
    let mut rng = fastrand::Rng::with_seed(7);
    for trial in 0..12 {
        let d = &campus.devices[trial % campus.devices.len()];
        let mut child = device(d)
            .args(["sync", "--once", "--server", &url])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(rng.u64(5..250)));
        if trial % 3 == 2 {
            campus.server.crash_and_restart();
        }
        let _ = child.kill();
        let _ = child.wait();
        // The device's own database is consistent after every crash.
        doctor_passes(d);
    }
    sync_rounds(&campus.devices, &url, 20);
    assert_converged(&campus.devices);
}

#[test]
fn kill_9_of_client_and_server_mid_sync_loses_nothing_on_sqlite() {
    crashes_mid_sync_lose_nothing(false);
}

#[test]
fn kill_9_of_client_and_server_mid_sync_loses_nothing_on_postgres() {
    crashes_mid_sync_lose_nothing(true);
}

/// Stateless nodes: two server processes on one PostgreSQL database, and
/// devices that reach one or the other at each attempt (as behind a load
/// balancer), and both nodes killed and restarted between rounds.
#[test]
fn two_server_processes_on_one_postgres_serve_devices_interchangeably() {
    let Some(mut campus) = campus(3, 2_000, true) else {
        eprintln!("notice: PostgreSQL multi-node test skipped (QALAM_TEST_POSTGRES_URL)");
        return;
    };
    let mut second = ServerProcess::start("127.0.0.1:0", campus.backend.server_args());
    let nodes = [
        format!("http://{}", campus.server.addr),
        format!("http://{}", second.addr),
    ];
    for round in 0..3 {
        for (i, d) in campus.devices.iter().enumerate() {
            simulate(d, 1, 300, 500 + (round * 10 + i) as u64);
            sync_until_done(d, &nodes[(round + i) % 2], 20);
        }
        // kill -9 of both nodes; they hold nothing of their own to lose.
        if round == 1 {
            second.crash_and_restart();
            campus.server.crash_and_restart();
        }
    }
    for _ in 0..6 {
        let exchanged: u64 = campus
            .devices
            .iter()
            .enumerate()
            .map(|(i, d)| sync_until_done(d, &nodes[i % 2], 20))
            .sum();
        if exchanged == 0 {
            break;
        }
    }
    assert_converged(&campus.devices);
}
