//! Sync benchmark (bench/sync.sh): 100,000 events from one device to a
//! campus server on loopback (SQLite), then to a second device, and a sync
//! with nothing to exchange. Bytes are counted on the TCP connections by a
//! relay between client and server, so they include HTTP headers and
//! framing. Ignored by default: run in release with
//! `cargo test --release -p qalam --test sync_bench -- --ignored --nocapture`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use qalam_core::sync::{SyncOptions, SyncReport, sync_once};
use qalam_core::{Device, Settings};
use qalam_model::Event;
use qalam_server::{Store, now_ms};

#[derive(Default)]
struct Counters {
    up: AtomicU64,
    down: AtomicU64,
}

impl Counters {
    fn take(&self) -> (u64, u64) {
        (
            self.up.swap(0, Ordering::SeqCst),
            self.down.swap(0, Ordering::SeqCst),
        )
    }
}

/// Relays `listener` to `upstream`, counting bytes each way as they pass.
async fn relay(
    listener: tokio::net::TcpListener,
    upstream: std::net::SocketAddr,
    n: Arc<Counters>,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    async fn pump(
        mut from: tokio::net::tcp::OwnedReadHalf,
        mut to: tokio::net::tcp::OwnedWriteHalf,
        n: Arc<Counters>,
        up: bool,
    ) {
        let mut buf = vec![0u8; 64 * 1024];
        while let Ok(k) = from.read(&mut buf).await {
            if k == 0 {
                break;
            }
            let counter = if up { &n.up } else { &n.down };
            counter.fetch_add(k as u64, Ordering::SeqCst);
            if to.write_all(&buf[..k]).await.is_err() {
                break;
            }
        }
        let _ = to.shutdown().await;
    }
    loop {
        let Ok((client, _)) = listener.accept().await else {
            return;
        };
        let Ok(server) = tokio::net::TcpStream::connect(upstream).await else {
            return;
        };
        let _ = client.set_nodelay(true);
        let _ = server.set_nodelay(true);
        let (cr, cw) = client.into_split();
        let (sr, sw) = server.into_split();
        tokio::spawn(pump(cr, sw, Arc::clone(&n), true));
        tokio::spawn(pump(sr, cw, Arc::clone(&n), false));
    }
}

fn qalam(data: &Path, args: &[&str]) -> String {
    let out = Command::new(assert_cmd::cargo::cargo_bin!("qalam"))
        .env("QALAM_LOG", "error")
        .arg("--data")
        .arg(data)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The naive baseline: each event as its own JSON object (ids in hex,
/// payload decoded), uncompressed, as a per-event REST API would send it.
fn naive_json_bytes(events: &[Event]) -> usize {
    events
        .iter()
        .map(|e| {
            serde_json::to_vec(&serde_json::json!({
                "device": e.device,
                "seq": e.seq,
                "hlc": e.hlc,
                "org": e.org,
                "centre": e.centre,
                "learner": e.learner,
                "prev_hash": e.prev_hash,
                "hash": e.hash(),
                "payload": e.payload().ok(),
            }))
            .unwrap()
            .len()
        })
        .sum()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[test]
#[ignore = "benchmark: run bench/sync.sh"]
fn sync_benchmark() {
    let events: u64 = std::env::var("QALAM_BENCH_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    // QALAM_BENCH_POSTGRES=1: a fresh database on QALAM_TEST_POSTGRES_URL's
    // server instead of SQLite.
    let database = std::env::var_os("QALAM_BENCH_POSTGRES").map(|_| {
        let admin = std::env::var("QALAM_TEST_POSTGRES_URL").unwrap();
        let name = format!("qalam_bench_{}", std::process::id());
        rt.block_on(async {
            let (client, conn) = tokio_postgres::connect(&admin, tokio_postgres::NoTls)
                .await
                .unwrap();
            tokio::spawn(conn);
            for sql in [
                format!("DROP DATABASE IF EXISTS {name}"),
                format!("CREATE DATABASE {name}"),
            ] {
                client.batch_execute(&sql).await.unwrap();
            }
        });
        let (base, _) = admin.rsplit_once('/').unwrap();
        (format!("{base}/{name}"), admin, name)
    });
    println!(
        "| store | {} |",
        if database.is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    );
    let store: Arc<dyn Store> = rt
        .block_on(qalam_server::open_store(
            &dir.path().join("server"),
            database.as_ref().map(|(url, _, _)| url.as_str()),
        ))
        .unwrap();
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let upstream = listener.local_addr().unwrap();
    rt.spawn(qalam_server::http::serve(listener, Arc::clone(&store)));
    let counters = Arc::new(Counters::default());
    let front = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let base = format!("http://{}", front.local_addr().unwrap());
    rt.spawn(relay(front, upstream, Arc::clone(&counters)));

    let org = rt.block_on(store.create_org("Bench", now_ms())).unwrap();
    let centre = rt
        .block_on(store.create_centre(org.id, "Camp", now_ms()))
        .unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    for d in [&a, &b] {
        let code = rt
            .block_on(store.create_enrol_code(centre.id, now_ms(), 3_600_000))
            .unwrap();
        qalam(d, &["enrol", "--server", &base, "--code", &code.code]);
    }
    counters.take();
    qalam(
        &a,
        &[
            "simulate",
            "--learners",
            "40",
            "--events",
            &events.to_string(),
            "--seed",
            "7",
        ],
    );

    let settle = || std::thread::sleep(Duration::from_millis(300));
    let run = |data: &Path| -> (SyncReport, Duration, (u64, u64)) {
        let device = Device::open(data, Settings::default()).unwrap();
        let t = Instant::now();
        let report = sync_once(&device, &SyncOptions::default()).unwrap();
        let took = t.elapsed();
        drop(device);
        settle();
        (report, took, counters.take())
    };

    let (push, push_time, (push_up, push_down)) = run(&a);
    let n = push.pushed;
    assert!(n >= events, "{push:?}");
    let (pull, pull_time, (pull_up, pull_down)) = run(&b);
    assert_eq!(pull.pulled, n);
    assert_eq!(
        qalam(&a, &["progress", "--json"]),
        qalam(&b, &["progress", "--json"])
    );

    let mut idle_times = Vec::new();
    let mut idle_bytes = (0, 0);
    let device = Device::open(&a, Settings::default()).unwrap();
    for _ in 0..7 {
        let t = Instant::now();
        let r = sync_once(&device, &SyncOptions::default()).unwrap();
        idle_times.push(t.elapsed());
        assert_eq!((r.pushed, r.pulled), (0, 0));
        settle();
        idle_bytes = counters.take();
    }
    let idle = median(idle_times);

    let held: Vec<Event> = {
        let conn = device.conn();
        let mut v = Vec::new();
        qalam_core::storage::events::for_each(&conn, |e| {
            v.push(e);
            Ok(())
        })
        .unwrap();
        v
    };
    let json = naive_json_bytes(&held) as f64 / held.len() as f64;
    let per = |bytes: u64| bytes as f64 / n as f64;

    println!("| measure | result |");
    println!("|---|---|");
    println!(
        "| push {n} events, one device → server (one `sync_once`, {} batches) | {:.2} s ({:.0} events/s) |",
        push.push_batches,
        push_time.as_secs_f64(),
        n as f64 / push_time.as_secs_f64()
    );
    println!(
        "| bytes on the wire for that push (both directions, TCP) | {} B up + {} B down = {:.2} B/event |",
        push_up,
        push_down,
        per(push_up + push_down)
    );
    println!(
        "| pull the same {n} events to a second device ({} batches) | {:.2} s ({:.0} events/s) |",
        pull.pull_batches,
        pull_time.as_secs_f64(),
        n as f64 / pull_time.as_secs_f64()
    );
    println!(
        "| bytes on the wire for that pull (both directions, TCP) | {} B up + {} B down = {:.2} B/event |",
        pull_up,
        pull_down,
        per(pull_up + pull_down)
    );
    println!(
        "| naive baseline: one JSON object per event, body only, uncompressed | {json:.1} B/event |"
    );
    println!(
        "| sync with nothing to exchange (median of 7) | {:.1} ms, {} B up + {} B down = {} B |",
        idle.as_secs_f64() * 1000.0,
        idle_bytes.0,
        idle_bytes.1,
        idle_bytes.0 + idle_bytes.1
    );
    println!(
        "| client's own byte count for the push (headers estimated) | {} B sent, {} B received |",
        push.bytes_sent, push.bytes_received
    );
    drop(device);
    if let Some((_, admin, name)) = database {
        rt.block_on(async {
            let (client, conn) = tokio_postgres::connect(&admin, tokio_postgres::NoTls)
                .await
                .unwrap();
            tokio::spawn(conn);
            client
                .batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)"))
                .await
                .unwrap();
        });
    }
}
