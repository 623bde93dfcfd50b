//! Campus server load benchmarks (bench/server.sh), with a real `qalam
//! server run` process on 127.0.0.1:
//!
//! - `server_ingest_and_memory`: the server's resident memory after start,
//!   the rate at which it stores 100,000+ events pushed to it (the frames
//!   are read from the device and encoded before the clock starts, so the
//!   time is the server's: HTTP, checks, decoding and durable commits), and
//!   its memory once it has sat idle after that;
//! - `many_devices_at_once`: 200 enrolled devices, each with a small
//!   workload, all start `sync_once` at the same moment; latency
//!   percentiles and the server's peak memory;
//! - `sync_through_cuts`: the same 100,000 events synced once over a clean
//!   link and once through a proxy that cuts every connection after 64 KiB,
//!   retrying `qalam sync --once` until it succeeds; bytes counted by the
//!   proxies both ways.
//!
//! Ignored by default: run in release with
//! `cargo test --release -p qalam --test sync_load -- --ignored --nocapture --test-threads=1`.
//! `QALAM_BENCH_POSTGRES=1` puts the server of the first two on a fresh
//! database on `QALAM_TEST_POSTGRES_URL`'s PostgreSQL server.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use qalam_core::sync::client::HttpClient;
use qalam_core::sync::wire::{self, MAX_FRAME_BYTES, PushResponse};
use qalam_core::sync::{SyncOptions, state, sync_once};
use qalam_core::{Device, Settings};
use qalam_faultproxy::{FaultProxy, Faults};
use qalam_model::encode_run;

mod support;
use support::ServerProcess;

fn bin() -> Command {
    support::qalam()
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

fn device(data: &Path, args: &[&str]) -> String {
    let mut cmd = bin();
    cmd.arg("--data").arg(data).args(args);
    ok(cmd)
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Where the server keeps its data: a folder (SQLite), or a fresh
/// PostgreSQL database when `QALAM_BENCH_POSTGRES` is set.
struct Backend {
    dir: PathBuf,
    url: Option<String>,
    admin: Option<(String, String)>,
}

fn pg(admin: &str, sql: &str) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let (client, conn) = tokio_postgres::connect(admin, tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(conn);
        client.batch_execute(sql).await.unwrap();
    });
}

impl Backend {
    fn new(dir: &Path, postgres: bool) -> Backend {
        if !postgres {
            return Backend {
                dir: dir.to_path_buf(),
                url: None,
                admin: None,
            };
        }
        let admin = std::env::var("QALAM_TEST_POSTGRES_URL")
            .expect("QALAM_BENCH_POSTGRES needs QALAM_TEST_POSTGRES_URL");
        let name = format!("qalam_load_{}_{}", std::process::id(), fastrand::u32(..));
        pg(&admin, &format!("CREATE DATABASE {name}"));
        let (base, _) = admin.rsplit_once('/').unwrap();
        Backend {
            dir: dir.to_path_buf(),
            url: Some(format!("{base}/{name}")),
            admin: Some((admin, name)),
        }
    }

    fn name(&self) -> &'static str {
        if self.url.is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    }

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
        cmd.arg("server").args(args);
        self.args(&mut cmd);
        ok(cmd).lines().last().unwrap().trim().to_owned()
    }
}

impl Drop for Backend {
    fn drop(&mut self) {
        if let Some((admin, name)) = &self.admin {
            pg(admin, &format!("DROP DATABASE {name} WITH (FORCE)"));
        }
    }
}

fn mb(kb: u64) -> String {
    format!("{:.1} MB", kb as f64 / 1024.0)
}

/// An organisation and a centre; returns the centre's id.
fn centre(backend: &Backend) -> String {
    let org = backend.admin(&["org", "add", "Bench"]);
    backend.admin(&["centre", "add", "Camp", "--org", &org])
}

fn enrol(backend: &Backend, centre: &str, data: &Path, url: &str) {
    let code = backend.admin(&["enrol-code", "--centre", centre]);
    device(data, &["enrol", "--server", url, "--code", &code]);
}

fn simulate(data: &Path, learners: u32, events: u64, seed: u64) {
    device(
        data,
        &[
            "simulate",
            "--learners",
            &learners.to_string(),
            "--events",
            &events.to_string(),
            "--seed",
            &seed.to_string(),
        ],
    );
}

fn postgres() -> bool {
    std::env::var_os("QALAM_BENCH_POSTGRES").is_some()
}

#[test]
#[ignore = "benchmark: run bench/server.sh"]
fn server_ingest_and_memory() {
    let events = env_u64("QALAM_BENCH_EVENTS", 100_000);
    let dir = tempfile::tempdir().unwrap();
    let backend = Backend::new(&dir.path().join("server"), postgres());
    std::fs::create_dir_all(&backend.dir).unwrap();
    let centre = centre(&backend);
    let server = ServerProcess::start("127.0.0.1:0", backend.server_args());
    std::thread::sleep(Duration::from_secs(2));
    let (start_rss, _) = server.memory_kb();

    let a = dir.path().join("a");
    enrol(&backend, &centre, &a, &server.url());
    simulate(&a, 40, events, 7);

    // The device's side, before the clock starts: read every event of
    // its log and encode the frames as `sync_once` does (each at most
    // MAX_FRAME_BYTES on the wire).
    let dev = Device::open(&a, Settings::default()).unwrap();
    let enrolment = state::enrolment(&dev.conn()).unwrap().unwrap();
    let prepare = Instant::now();
    let all = state::own_events(&dev.conn(), dev.identity(), 1, usize::MAX, usize::MAX).unwrap();
    let n = all.len() as u64;
    let mut frames = Vec::new();
    let mut rest = &all[..];
    let mut take = 40_000.min(rest.len());
    while !rest.is_empty() {
        take = take.min(rest.len());
        let frame = wire::encode_frame(&encode_run(&rest[..take]).unwrap()).unwrap();
        if frame.len() <= MAX_FRAME_BYTES || take == 1 {
            frames.push(frame);
            rest = &rest[take..];
        } else {
            take = take.div_ceil(2);
        }
    }
    let prepare = prepare.elapsed();
    let wire_bytes: usize = frames.iter().map(Vec::len).sum();
    drop(dev);

    let mut http = HttpClient::new(&server.url(), Some(enrolment.credential)).unwrap();
    let batches = frames.len();
    let t = Instant::now();
    let mut inserted = 0u64;
    for frame in frames {
        let answer: PushResponse = http.post_frame("/v1/sync/push", frame).unwrap();
        inserted += answer.inserted as u64;
    }
    let ingest = t.elapsed();
    assert_eq!(inserted, n);
    let (busy_rss, busy_hwm) = server.memory_kb();
    std::thread::sleep(Duration::from_secs(10));
    let (idle_rss, idle_hwm) = server.memory_kb();

    // A second device's full `sync_once` of as many events, for the
    // end-to-end figure next to the server's share.
    let b = dir.path().join("b");
    enrol(&backend, &centre, &b, &server.url());
    simulate(&b, 40, events, 8);
    let dev = Device::open(&b, Settings::default()).unwrap();
    let t = Instant::now();
    let report = sync_once(&dev, &SyncOptions::default()).unwrap();
    let e2e = t.elapsed();
    drop(dev);
    let (_, e2e_hwm) = server.memory_kb();
    std::thread::sleep(Duration::from_secs(10));
    let (after_rss, _) = server.memory_kb();

    println!("| store | {} |", backend.name());
    println!("| measure | result | target |");
    println!("|---|---|---|");
    println!(
        "| server memory after start (VmRSS, 2 s after it listens) | {} | < 50 MB |",
        mb(start_rss)
    );
    println!(
        "| device side, not timed below: read {n} events and encode {batches} frames | {:.2} s, {} B | — |",
        prepare.as_secs_f64(),
        wire_bytes
    );
    println!(
        "| server ingest: {batches} frames of {n} events posted back to back, each answered after its commit | {:.2} s (**{:.0} events/s**) | ≥ 50,000 events/s |",
        ingest.as_secs_f64(),
        n as f64 / ingest.as_secs_f64()
    );
    println!(
        "| server memory right after that ingest (VmRSS / VmHWM) | {} / {} | — |",
        mb(busy_rss),
        mb(busy_hwm)
    );
    println!(
        "| server memory after 10 s idle (VmRSS / VmHWM) | {} / {} | < 50 MB |",
        mb(idle_rss),
        mb(idle_hwm)
    );
    println!(
        "| end to end: a second device's `sync_once` pushing {} events ({} batches) | {:.2} s ({:.0} events/s), server VmHWM then {} | — |",
        report.pushed,
        report.push_batches,
        e2e.as_secs_f64(),
        report.pushed as f64 / e2e.as_secs_f64(),
        mb(e2e_hwm)
    );
    println!(
        "| server memory after 10 s idle following that push as well (VmRSS) | {} | < 50 MB |",
        mb(after_rss)
    );
    server.stop();
}

#[test]
#[ignore = "benchmark: run bench/server.sh"]
fn many_devices_at_once() {
    let devices = env_u64("QALAM_BENCH_DEVICES", 200) as usize;
    let per_device = env_u64("QALAM_BENCH_DEVICE_EVENTS", 300);
    // 1: all devices in one centre, so each also pulls what the others
    // pushed; as many as devices: each alone in its centre, push only.
    let centres = env_u64("QALAM_BENCH_CENTRES", 1).max(1) as usize;
    let dir = tempfile::tempdir().unwrap();
    let backend = Backend::new(&dir.path().join("server"), postgres());
    std::fs::create_dir_all(&backend.dir).unwrap();
    let org = backend.admin(&["org", "add", "Bench"]);
    let centre_ids: Vec<String> = (0..centres)
        .map(|i| backend.admin(&["centre", "add", &format!("Camp {i}"), "--org", &org]))
        .collect();
    let server = ServerProcess::start("127.0.0.1:0", backend.server_args());
    let url = server.url();

    let setup = Instant::now();
    let folders: Vec<PathBuf> = (0..devices)
        .map(|i| dir.path().join(format!("d{i:03}")))
        .collect();
    let codes: Vec<String> = (0..devices)
        .map(|i| backend.admin(&["enrol-code", "--centre", &centre_ids[i % centres]]))
        .collect();
    std::thread::scope(|s| {
        for half in 0..2 {
            let (folders, codes, url) = (&folders, &codes, &url);
            s.spawn(move || {
                for i in (half..folders.len()).step_by(2) {
                    device(
                        &folders[i],
                        &["enrol", "--server", url, "--code", &codes[i]],
                    );
                    simulate(&folders[i], 2, per_device, 1000 + i as u64);
                }
            });
        }
    });
    let setup = setup.elapsed();
    let held: Vec<u64> = folders
        .iter()
        .map(|f| {
            let d = Device::open(f, Settings::default()).unwrap();
            state::own_head(&d.conn(), d.identity()).unwrap()
        })
        .collect();
    let total: u64 = held.iter().sum();
    let (before_rss, _) = server.memory_kb();

    let barrier = Arc::new(Barrier::new(devices));
    let wall = Instant::now();
    let results: Vec<(Duration, u64, u64)> = std::thread::scope(|s| {
        let handles: Vec<_> = folders
            .iter()
            .map(|f| {
                let barrier = Arc::clone(&barrier);
                s.spawn(move || {
                    let d = Device::open(f, Settings::default()).unwrap();
                    barrier.wait();
                    let t = Instant::now();
                    let r = sync_once(&d, &SyncOptions::default()).unwrap();
                    (t.elapsed(), r.pushed, r.pulled)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let wall = wall.elapsed();
    let (after_rss, hwm) = server.memory_kb();
    let pushed: u64 = results.iter().map(|r| r.1).sum();
    let pulled: u64 = results.iter().map(|r| r.2).sum();
    assert_eq!(pushed, total);
    let mut lat: Vec<Duration> = results.iter().map(|r| r.0).collect();
    lat.sort();
    let pct = |p: f64| lat[((lat.len() as f64 * p).ceil() as usize).clamp(1, lat.len()) - 1];
    let ms = |d: Duration| format!("{:.0} ms", d.as_secs_f64() * 1000.0);

    println!(
        "| store, centres | {}, {devices} devices in {centres} centre(s) of one organisation |",
        backend.name()
    );
    println!("| measure | result | target |");
    println!("|---|---|---|");
    println!(
        "| set-up: {devices} devices enrolled, {total} events simulated (not timed below) | {:.1} s | — |",
        setup.as_secs_f64()
    );
    println!(
        "| {devices} `sync_once` started together: latency p50 / p99 / max | {} / {} / {} | — |",
        ms(pct(0.50)),
        ms(pct(0.99)),
        ms(*lat.last().unwrap())
    );
    println!(
        "| all {devices} done (wall), events pushed / pulled | {} , {pushed} / {pulled} | — |",
        ms(wall)
    );
    println!(
        "| server memory: VmRSS before / after, peak (VmHWM) | {} / {}, **{}** | < 50 MB |",
        mb(before_rss),
        mb(after_rss),
        mb(hwm)
    );
    server.stop();
}

#[test]
#[ignore = "benchmark: run bench/server.sh"]
fn sync_through_cuts() {
    let events = env_u64("QALAM_BENCH_EVENTS", 100_000);
    let max_attempts = env_u64("QALAM_BENCH_MAX_ATTEMPTS", 50);
    let dir = tempfile::tempdir().unwrap();
    let backend = Backend::new(&dir.path().join("s1"), false);
    std::fs::create_dir_all(&backend.dir).unwrap();
    let centre = centre(&backend);
    let server = ServerProcess::start("127.0.0.1:0", backend.server_args());
    let d1 = dir.path().join("d1");
    enrol(&backend, &centre, &d1, &server.url());
    server.stop();
    simulate(&d1, 40, events, 7);
    // Two identical copies of server and device, so both syncs carry the
    // very same events.
    let d2 = dir.path().join("d2");
    let s2 = dir.path().join("s2");
    for (from, to) in [(&d1, &d2), (&backend.dir, &s2)] {
        let st = Command::new("cp")
            .arg("-a")
            .arg(from)
            .arg(to)
            .status()
            .unwrap();
        assert!(st.success());
    }
    let backend2 = Backend::new(&s2, false);
    let (server1, server2) = (
        ServerProcess::start("127.0.0.1:0", backend.server_args()),
        ServerProcess::start("127.0.0.1:0", backend2.server_args()),
    );
    let clean = FaultProxy::spawn(server1.addr, Faults::default()).unwrap();
    let cut = FaultProxy::spawn(
        server2.addr,
        Faults {
            cut_every: Some(64 * 1024),
            ..Faults::default()
        },
    )
    .unwrap();

    let attempt = |data: &Path, proxy: &FaultProxy| -> Option<serde_json::Value> {
        let out = bin()
            .arg("--data")
            .arg(data)
            .args(["sync", "--once", "--json", "--server"])
            .arg(format!("http://{}", proxy.addr()))
            .stderr(Stdio::null())
            .output()
            .unwrap();
        out.status
            .success()
            .then(|| serde_json::from_slice(&out.stdout).unwrap())
    };
    let t = Instant::now();
    let r1 = attempt(&d1, &clean).expect("a sync over a clean link failed");
    let clean_time = t.elapsed();
    let n = r1["pushed"].as_u64().unwrap();
    let s1 = clean.stats();

    let t = Instant::now();
    let mut attempts = 0;
    let mut pushed_total = None;
    while attempts < max_attempts {
        attempts += 1;
        if let Some(r) = attempt(&d2, &cut) {
            pushed_total = Some(r["pushed"].as_u64().unwrap());
            break;
        }
    }
    let cut_time = t.elapsed();
    let s2 = cut.stats();
    let held_by_server2 = {
        let dev = Device::open(&d2, Settings::default()).unwrap();
        state::state(&dev.conn(), dev.identity())
            .unwrap()
            .events_waiting
    };

    let clean_bytes = s1.bytes_up + s1.bytes_down;
    let cut_bytes = s2.bytes_up + s2.bytes_down;
    println!("| measure | result | target |");
    println!("|---|---|---|");
    println!(
        "| clean link: one `sync --once` of {n} events | {:.2} s, {} B up + {} B down = {} B, {} connections | — |",
        clean_time.as_secs_f64(),
        s1.bytes_up,
        s1.bytes_down,
        clean_bytes,
        s1.connections
    );
    match pushed_total {
        Some(_) => println!(
            "| cut every 64 KiB: `sync --once` retried until it succeeded | {attempts} attempts, {:.2} s, {} cuts, {} connections | completes |",
            cut_time.as_secs_f64(),
            s2.cuts,
            s2.connections
        ),
        None => println!(
            "| cut every 64 KiB: `sync --once` retried until it succeeded | **did not complete** after {attempts} attempts ({:.2} s, {} cuts); {held_by_server2} events still waiting | completes |",
            cut_time.as_secs_f64(),
            s2.cuts
        ),
    }
    println!(
        "| bytes through the cut link / clean link, both directions | {} B / {} B = **{:.2}×** | ≤ 1.2× |",
        cut_bytes,
        clean_bytes,
        cut_bytes as f64 / clean_bytes as f64
    );

    // The same through the same cut link, in-process, with smaller push
    // batches than `qalam sync` uses, when the attempts above did not
    // complete: how small batches fare against cuts.
    if pushed_total.is_none() {
        let small = env_u64("QALAM_BENCH_CUT_BATCH", 256 * 1024) as usize;
        let options = SyncOptions {
            server: Some(format!("http://{}", cut.addr())),
            push_batch_bytes: small,
            ..SyncOptions::default()
        };
        let dev = Device::open(&d2, Settings::default()).unwrap();
        let before = cut.stats();
        let t = Instant::now();
        let mut attempts = 0;
        let mut done = false;
        while attempts < max_attempts && !done {
            attempts += 1;
            done = sync_once(&dev, &options).is_ok();
        }
        let took = t.elapsed();
        let after = cut.stats();
        let bytes = after.bytes_up + after.bytes_down - before.bytes_up - before.bytes_down;
        let waiting = state::state(&dev.conn(), dev.identity())
            .unwrap()
            .events_waiting;
        println!(
            "| cut every 64 KiB, `sync_once` with push batches of {} KiB canonical (not the default), retried | {}{attempts} attempts, {:.2} s, {} cuts, {waiting} events still waiting | completes |",
            small / 1024,
            if done {
                ""
            } else {
                "**did not complete** after "
            },
            took.as_secs_f64(),
            after.cuts - before.cuts
        );
        println!(
            "| bytes through the cut link with those batches / clean link with the default ones | {bytes} B / {clean_bytes} B = **{:.2}×** | ≤ 1.2× |",
            bytes as f64 / clean_bytes as f64
        );
    }
    drop((clean, cut));
    server1.stop();
    server2.stop();
}
