//! `doctor --repair` on really damaged SQLite files: pages overwritten with
//! garbage in the middle of the file, a truncated file, a lost WAL. Each
//! test checks what was recovered, that the damaged files were kept aside,
//! that the device takes a new id exactly when its own chain may have lost
//! its tail, and that the doctor passes afterwards.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use qalam_core::api::dispatch::dispatch;
use qalam_core::api::{learners, session, simulate};
use qalam_core::events::{self, FakeClock};
use qalam_core::storage::{self, repair};
use qalam_core::{Device, Layout, Settings};
use qalam_model::{DeviceId, Event};
use serde_json::{Value, json};

const START_MS: u64 = 1_767_600_000_000;

fn settings() -> Settings {
    Settings {
        scan_system_mounts: false,
        backup_every: None,
        ..Settings::default()
    }
}

fn open(dir: &Path) -> (Device, Arc<FakeClock>) {
    let clock = Arc::new(FakeClock::new(START_MS));
    let device = Device::open_with_clock(dir, settings(), clock.clone()).unwrap();
    // Never behind what the folder already holds.
    clock.set(START_MS + 10_000_000_000);
    (device, clock)
}

fn simulate(device: &Device, clock: &FakeClock, events: u64, seed: u64) {
    simulate::simulate(device, clock, 8, events, seed, |_| {}).unwrap();
}

/// Every event held, by (device, seq).
fn all_events(device: &Device) -> BTreeMap<(DeviceId, u64), Event> {
    let mut out = BTreeMap::new();
    storage::events::for_each(&device.conn(), |e| {
        out.insert((e.device, e.seq), e);
        Ok(())
    })
    .unwrap();
    out
}

/// A folder with this device's events (the first `in_backup` of them
/// also in a rolling backup) and 400 events received from another device.
fn folder(dir: &Path, in_backup: u64, after: u64) -> BTreeMap<(DeviceId, u64), Event> {
    let other_dir = tempfile::tempdir().unwrap();
    let (other, other_clock) = open(other_dir.path());
    simulate(&other, &other_clock, 400, 99);
    let received: Vec<Event> = all_events(&other).into_values().collect();

    let (device, clock) = open(dir);
    simulate(&device, &clock, in_backup, 1);
    events::merge(&mut device.conn(), &received).unwrap();
    if in_backup > 0 {
        device.backup_now().unwrap();
    }
    if after > 0 {
        simulate(&device, &clock, after, 2);
    }
    assert!(learners::doctor(&device).unwrap().ok());
    all_events(&device)
}

fn check_repaired(
    dir: &Path,
    before: &BTreeMap<(DeviceId, u64), Event>,
    report: &repair::RepairReport,
) -> Device {
    let (device, _) = open(dir);
    let doctor = learners::doctor(&device).unwrap();
    assert!(doctor.ok(), "{doctor:?}\n{report:#?}");
    let after = all_events(&device);
    // Nothing invented: every event held was held before, byte for byte.
    for (key, event) in &after {
        assert_eq!(before.get(key), Some(event), "{key:?}");
    }
    assert_eq!(after.len() as u64, report.events_kept);
    // The damaged files were kept aside.
    let aside = Path::new(&report.damaged_copy).join("qalam.db");
    assert!(aside.is_file(), "{}", aside.display());
    device
}

#[test]
fn garbage_pages_in_the_middle_are_stepped_over_and_the_device_takes_a_new_id() {
    let dir = tempfile::tempdir().unwrap();
    let before = folder(dir.path(), 1500, 1500);
    let old_id = before
        .keys()
        .map(|(d, _)| *d)
        .max_by_key(|d| before.keys().filter(|(x, _)| x == d).count());
    let db = dir.path().join("qalam.db");
    support::garbage_in_events(&db, 0.6, 3);
    let damaged_bytes = std::fs::read(&db).unwrap();

    let report = learners::repair_folder(dir.path()).unwrap();
    assert!(report.backup.is_some());
    assert!(report.new_device_id, "{report:#?}");
    assert_eq!(
        Some(report.previous_device.clone()),
        old_id.map(|d| d.to_hex())
    );
    assert_ne!(report.device, report.previous_device);
    assert!(report.unreadable_stretches >= 1, "{report:#?}");
    // Much of what came after the backup is back too, not only the backup.
    // What is lost depends on the pages hit: a damaged inner page of the
    // log's b-tree hides every row below it from SQLite's own reader.
    assert!(report.events_salvaged > 500, "{report:#?}");
    assert!(report.events_kept < before.len() as u64);
    assert!(
        report.events_kept > before.len() as u64 * 3 / 4,
        "{report:#?}"
    );
    let device = check_repaired(dir.path(), &before, &report);
    let aside = Path::new(&report.damaged_copy).join("qalam.db");
    assert_eq!(std::fs::read(aside).unwrap(), damaged_bytes);

    // New writes go to the new id, from seq 1; the old chain stays.
    assert_eq!(device.identity().device.to_hex(), report.device);
    learners::learner_add(&device, "After repair", None, false).unwrap();
    let after = all_events(&device);
    let new_id: DeviceId = report.device.parse().unwrap();
    assert!(after.contains_key(&(new_id, 1)));
    assert!(learners::doctor(&device).unwrap().ok());
}

#[test]
fn a_truncated_file_without_any_backup_keeps_what_can_be_read() {
    let dir = tempfile::tempdir().unwrap();
    let before = folder(dir.path(), 0, 2000);
    let db = dir.path().join("qalam.db");
    let len = std::fs::metadata(&db).unwrap().len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&db)
        .unwrap()
        .set_len(len * 6 / 10)
        .unwrap();

    let report = learners::repair_folder(dir.path()).unwrap();
    assert!(report.backup.is_none());
    assert!(report.new_device_id, "{report:#?}");
    assert!(report.events_kept > 0, "{report:#?}");
    assert!(report.events_kept < before.len() as u64);
    check_repaired(dir.path(), &before, &report);
}

#[test]
fn a_lost_wal_is_made_good_from_a_newer_backup_and_the_id_changes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("qalam.db");
    let old_copy = dir.path().join("old.db");
    {
        let (device, clock) = open(dir.path());
        simulate(&device, &clock, 300, 1);
    }
    // The main file as it was at the last checkpoint.
    std::fs::copy(&db, &old_copy).unwrap();
    let before = {
        let (device, clock) = open(dir.path());
        simulate(&device, &clock, 300, 2);
        device.backup_now().unwrap();
        all_events(&device)
    };
    // The WAL is lost: the database silently goes back to the old file.
    std::fs::rename(&old_copy, &db).unwrap();
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(dir.path().join(format!("qalam.db{suffix}")));
    }
    let report = learners::repair_folder(dir.path()).unwrap();
    // The database itself is sound, but older than its backup: the device
    // cannot prove its tip, so it takes a new id.
    assert!(report.new_device_id, "{report:#?}");
    assert_eq!(report.events_kept, before.len() as u64);
    check_repaired(dir.path(), &before, &report);
}

#[test]
fn repairing_a_sound_database_keeps_everything_and_the_id() {
    let dir = tempfile::tempdir().unwrap();
    let before = folder(dir.path(), 500, 500);
    let report = learners::repair_folder(dir.path()).unwrap();
    assert!(!report.new_device_id, "{report:#?}");
    assert_eq!(report.device, report.previous_device);
    assert_eq!(report.events_kept, before.len() as u64);
    assert_eq!(report.events_dropped, 0);
    let device = check_repaired(dir.path(), &before, &report);
    // Packs, trust and the rest of the tables came along.
    assert_eq!(learners::learner_list(&device).unwrap().len(), 3 * 8);
}

#[test]
fn a_repair_stopped_after_its_new_file_was_complete_is_finished_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let before = folder(dir.path(), 0, 300);
    let db = dir.path().join("qalam.db");
    // As if a repair had written and flushed its file and its marker, then
    // the power went: the old database and a stale WAL are still there.
    std::fs::copy(&db, dir.path().join("qalam.db.repair")).unwrap();
    std::fs::write(dir.path().join("qalam.db.repair-ready"), b"x").unwrap();
    std::fs::write(&db, b"not a database any more").unwrap();
    std::fs::write(dir.path().join("qalam.db-wal"), b"stale journal").unwrap();
    let (device, _) = open(dir.path());
    assert_eq!(all_events(&device).len(), before.len());
    assert!(!dir.path().join("qalam.db.repair-ready").exists());
    assert!(learners::doctor(&device).unwrap().ok());
    assert!(!repair::finish_interrupted(&Layout::new(dir.path())).unwrap());
}

#[test]
fn facilitators_repair_from_the_app_and_writers_follow_the_new_id() {
    let dir = tempfile::tempdir().unwrap();
    let before = folder(dir.path(), 1000, 1000);
    support::garbage(&dir.path().join("qalam.db"), 0.55, 2);
    let (device, _) = open(dir.path());
    let device = Arc::new(device);
    let old = *device.identity();
    let fac = learners::learner_add(&device, "Hana", Some("secret-9"), true);
    // The damaged file may refuse even this write; the repair still runs.
    let fac = fac.map(|f| f.id).ok();
    let amal = learners::learner_add(&device, "Amal", None, false);
    let health = device.check_database_now();
    assert_eq!(health.state, "damaged", "{health:?}");
    assert!(health.backups >= 1);
    let public = dispatch(&device, "database_health", Value::Null, None, "test").unwrap();
    assert_eq!(public["state"], "damaged");

    let call = |token: Option<&str>| dispatch(&device, "doctor_repair", json!({}), token, "test");
    assert_eq!(call(None).unwrap_err().code, "unauthenticated");
    if let Ok(amal) = &amal {
        let t = session::sign_in(&device, &amal.id, None).unwrap().token;
        assert_eq!(call(t.as_deref()).unwrap_err().code, "forbidden");
    }
    let outcome = match fac {
        Some(fac) => {
            let t = session::sign_in(&device, &fac, Some("secret-9"))
                .unwrap()
                .token;
            call(t.as_deref()).unwrap()
        }
        None => serde_json::to_value(qalam_core::api::facilitate::RepairOutcome {
            repair: device.repair().unwrap(),
            doctor: learners::doctor(&device).unwrap(),
        })
        .unwrap(),
    };
    assert_eq!(outcome["doctor"]["problems"], json!([]), "{outcome:#}");
    assert_eq!(outcome["repair"]["new_device_id"], true);
    assert_ne!(*device.identity(), old);
    assert_eq!(device.database_health().state, "ok");
    // A writer holding the old identity is refused, never forks.
    let stale = events::append(
        &mut device.conn(),
        &old,
        &qalam_core::events::SystemClock,
        &[],
    );
    assert!(stale.is_err());
    learners::learner_add(&device, "Badr", None, false).unwrap();
    assert!(learners::doctor(&device).unwrap().ok());
    assert!(all_events(&device).len() >= before.len() - 300);
}

fn settled(device: &Device) -> qalam_core::api::types::DatabaseHealth {
    for _ in 0..500 {
        let health = device.database_health();
        if health.state != "checking" {
            return health;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("the start-up check never finished");
}

#[test]
fn the_start_up_check_runs_in_the_background_and_a_damaged_database_is_not_backed_up() {
    let dir = tempfile::tempdir().unwrap();
    folder(dir.path(), 0, 1500);
    let every = Settings {
        backup_every: Some(std::time::Duration::ZERO),
        ..settings()
    };
    {
        let device = Device::open(dir.path(), every.clone()).unwrap();
        assert_eq!(device.database_health().state, "unchecked");
        device.backup_in_background_if_due();
        let health = settled(&device);
        assert_eq!(health.state, "ok", "{health:?}");
        assert!(health.took_ms.is_some());
        // The backup follows the check on the same thread.
        for _ in 0..500 {
            if !qalam_core::storage::backup::list(&dir.path().join("backups")).is_empty() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }
    let backups = qalam_core::storage::backup::list(&dir.path().join("backups"));
    assert_eq!(backups.len(), 1);
    support::garbage(&dir.path().join("qalam.db"), 0.5, 3);
    let device = Device::open(dir.path(), every).unwrap();
    device.backup_in_background_if_due();
    let health = settled(&device);
    assert_eq!(health.state, "damaged", "{health:?}");
    assert!(!health.problems.is_empty());
    assert_eq!(health.backups, 1);
    std::thread::sleep(std::time::Duration::from_millis(100));
    assert_eq!(
        qalam_core::storage::backup::list(&dir.path().join("backups")),
        backups
    );
}

#[test]
fn the_start_up_check_sees_a_database_older_than_its_backup() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("qalam.db");
    {
        let (device, clock) = open(dir.path());
        simulate(&device, &clock, 200, 1);
    }
    std::fs::copy(&db, dir.path().join("old.db")).unwrap();
    {
        let (device, clock) = open(dir.path());
        simulate(&device, &clock, 200, 2);
        device.backup_now().unwrap();
    }
    std::fs::rename(dir.path().join("old.db"), &db).unwrap();
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(dir.path().join(format!("qalam.db{suffix}")));
    }
    let (device, _) = open(dir.path());
    let health = device.check_database_now();
    assert_eq!(health.state, "damaged", "{health:?}");
    assert!(
        health.problems[0].contains("went back in time"),
        "{health:?}"
    );
    let doctor = learners::doctor(&device).unwrap();
    assert!(
        doctor
            .problems
            .iter()
            .any(|p| p.contains("went back in time")),
        "{doctor:?}"
    );
    drop(device);
    let report = learners::repair_folder(dir.path()).unwrap();
    assert!(report.new_device_id);
    let (device, _) = open(dir.path());
    assert_eq!(device.check_database_now().state, "ok");
}
