//! Event-log benchmarks, run by `bench/events.sh` (release build). Prints a
//! Markdown table for docs/BENCHMARKS.md. Every figure goes through the
//! real service layer on a real SQLite file with the device's durability
//! settings (WAL, synchronous=FULL); the baseline is plain SQLite inserts of
//! rows of the same size with the same settings, measured in the same run.
//!
//!   cargo run --release -p qalam-core --example bench_events -- [EVENTS]

use std::error::Error;
use std::path::Path;
use std::time::{Duration, Instant};

use qalam_core::api::learners::{learner_list, rebuild_projections, record, record_batch};
use qalam_core::api::simulate::simulate;
use qalam_core::events::FakeClock;
use qalam_core::{Device, Settings};
use qalam_model::payload::LessonProgressed;
use qalam_model::{LearnerId, Payload, Position};

const BATCH: usize = 1_000;
const BATCHED_EVENTS: usize = 100_000;
const SINGLE_EVENTS: usize = 2_000;
/// Bytes of one stored event body, for the baseline rows.
const ROW_BYTES: usize = 150;

fn main() -> Result<(), Box<dyn Error>> {
    let total: u64 = std::env::args()
        .nth(1)
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(1_000_000);
    let dir =
        tempfile::tempdir_in(std::env::var_os("BENCH_DIR").unwrap_or_else(|| "/var/tmp".into()))?;

    let (base_batched, base_single) = baseline(&dir.path().join("baseline.db"))?;
    let (batched, single) = appends(&dir.path().join("append"))?;
    let big = dir.path().join("big");
    let (simulated, sim_time, bytes_per_event) = fill(&big, total)?;
    let reopened = open(&big)?;
    let rebuild = time(|| rebuild_projections(&reopened))?;
    drop(reopened);
    let (open_time, learners) = {
        let start = Instant::now();
        let device = open(&big)?;
        let learners = learner_list(&device)?.len();
        (start.elapsed(), learners)
    };

    println!("| measure | result | baseline (plain SQLite, same run) | target |");
    println!("|---|---|---|---|");
    println!(
        "| append in batches of {BATCH} ({BATCHED_EVENTS} events) | {} events/s | {} rows/s | ≥ 20,000/s |",
        rate(BATCHED_EVENTS, batched),
        rate(BATCHED_EVENTS, base_batched)
    );
    println!(
        "| append one at a time ({SINGLE_EVENTS} events) | {} events/s | {} rows/s | ≥ 2,000/s |",
        rate(SINGLE_EVENTS, single),
        rate(SINGLE_EVENTS, base_single)
    );
    println!(
        "| `simulate` {simulated} events, {learners} learners | {:.1} s ({} events/s) | — | — |",
        sim_time.as_secs_f64(),
        rate(simulated as usize, sim_time)
    );
    println!(
        "| rebuild all projections from {simulated} events | {:.2} s | — | < 3 s |",
        rebuild.as_secs_f64()
    );
    println!(
        "| open the device and list the picker's profiles, {simulated} events | {:.1} ms | — | < 300 ms |",
        open_time.as_secs_f64() * 1000.0
    );
    println!(
        "| database bytes per event, indexes and projections included | {bytes_per_event:.0} B | — | ≤ 200 B |"
    );
    Ok(())
}

fn open(root: &Path) -> Result<Device, Box<dyn Error>> {
    let settings = Settings {
        scan_system_mounts: false,
        ..Settings::default()
    };
    Ok(Device::open(root, settings)?)
}

fn time<T>(
    f: impl FnOnce() -> Result<T, qalam_core::CoreError>,
) -> Result<Duration, Box<dyn Error>> {
    let start = Instant::now();
    f()?;
    Ok(start.elapsed())
}

fn rate(n: usize, took: Duration) -> String {
    let per_s = n as f64 / took.as_secs_f64();
    format!("{:.0}", per_s)
        .as_bytes()
        .rchunks(3)
        .rev()
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(",")
}

fn progressed(i: usize) -> Payload {
    Payload::LessonProgressed(LessonProgressed {
        pack: "org.qalam.numeracy".into(),
        lesson: format!("lesson-{:02}", i % 12),
        position: Position::new((i % 10_000) as u16).unwrap_or(Position::START),
        active_seconds: 30,
    })
}

/// Batched and one-at-a-time appends of progress events for 50 learners.
fn appends(root: &Path) -> Result<(Duration, Duration), Box<dyn Error>> {
    let device = open(root)?;
    let learners: Vec<LearnerId> = (0..50u8)
        .map(|n| LearnerId::from_bytes([n + 1; 16]))
        .collect();
    let batch: Vec<(LearnerId, Payload)> = (0..BATCH)
        .map(|i| (learners[i % learners.len()], progressed(i)))
        .collect();
    let batched = time(|| {
        for _ in 0..BATCHED_EVENTS / BATCH {
            record_batch(&device, &batch)?;
        }
        Ok(())
    })?;
    let single = time(|| {
        for i in 0..SINGLE_EVENTS {
            record(&device, learners[i % learners.len()], vec![progressed(i)])?;
        }
        Ok(())
    })?;
    Ok((batched, single))
}

/// `simulate` through the service layer, then the size of the database
/// after a checkpoint folds the WAL back in.
fn fill(root: &Path, total: u64) -> Result<(u64, Duration, f64), Box<dyn Error>> {
    let device = open(root)?;
    let clock = FakeClock::new(1_760_000_000_000);
    let start = Instant::now();
    let done = simulate(&device, &clock, 200, total, 7, |_| {})?;
    let took = start.elapsed();
    device
        .conn()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
    let bytes = std::fs::metadata(root.join("qalam.db"))?.len();
    Ok((done.events, took, bytes as f64 / done.events as f64))
}

/// Plain SQLite with the same pragmas: rows of the same size keyed like the
/// log, without chains or projections.
fn baseline(path: &Path) -> Result<(Duration, Duration), Box<dyn Error>> {
    let mut conn = rusqlite::Connection::open(path)?;
    conn.execute_batch(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;
         CREATE TABLE rows (device INTEGER, seq INTEGER, body BLOB, PRIMARY KEY (device, seq)) WITHOUT ROWID;",
    )?;
    let body = vec![7u8; ROW_BYTES];
    let mut seq = 0i64;
    let start = Instant::now();
    for _ in 0..BATCHED_EVENTS / BATCH {
        let tx = conn.transaction()?;
        for _ in 0..BATCH {
            seq += 1;
            tx.execute(
                "INSERT INTO rows VALUES (1, ?1, ?2)",
                rusqlite::params![seq, body],
            )?;
        }
        tx.commit()?;
    }
    let batched = start.elapsed();
    let start = Instant::now();
    for _ in 0..SINGLE_EVENTS {
        seq += 1;
        conn.execute(
            "INSERT INTO rows VALUES (1, ?1, ?2)",
            rusqlite::params![seq, body],
        )?;
    }
    Ok((batched, start.elapsed()))
}
