//! What the profile picker learns about a really damaged database: the
//! start-up check's verdict is public (nobody is signed in at the picker), so
//! a learner is told to fetch a facilitator, and signing in is not blocked.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use qalam_core::api::dispatch::dispatch;
use qalam_core::api::simulate;
use qalam_core::events::FakeClock;
use qalam_core::{Device, Settings};
use serde_json::Value;

const START_MS: u64 = 1_767_600_000_000;

fn settings() -> Settings {
    Settings {
        scan_system_mounts: false,
        backup_every: None,
        ..Settings::default()
    }
}

fn open(dir: &Path) -> Device {
    let clock = Arc::new(FakeClock::new(START_MS));
    let device = Device::open_with_clock(dir, settings(), clock.clone()).unwrap();
    clock.set(START_MS + 10_000_000_000);
    device
}

/// `database_health` as the picker calls it: no session.
fn public_health(device: &Arc<Device>) -> Value {
    for _ in 0..1000 {
        let health = dispatch(device, "database_health", Value::Null, None, "test").unwrap();
        if health["state"] != "checking" {
            return health;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("the start-up check never finished");
}

#[test]
fn the_picker_learns_without_a_session_that_a_damaged_database_needs_a_facilitator() {
    let dir = tempfile::tempdir().unwrap();
    {
        let device = Arc::new(open(dir.path()));
        let clock = FakeClock::new(START_MS + 10_000_000_000);
        simulate::simulate(&device, &clock, 8, 1500, 1, |_| {}).unwrap();
        device.backup_in_background_if_due();
        assert_eq!(public_health(&device)["state"], "ok");
    }
    support::garbage(&dir.path().join("qalam.db"), 0.6, 3);

    let device = Arc::new(open(dir.path()));
    device.backup_in_background_if_due();
    let health = public_health(&device);
    assert_eq!(health["state"], "damaged", "{health:#}");
    // What SQLite found is for facilitators only.
    assert_eq!(health["problems"], serde_json::json!([]), "{health:#}");
    // The picker's profiles are read as before: the notice never stands in
    // the way of signing in.
    let profiles = dispatch(&device, "profiles_for_picker", Value::Null, None, "test");
    assert!(profiles.is_ok(), "{profiles:?}");
    // Repairing stays a facilitator's call.
    let repair = dispatch(
        &device,
        "doctor_repair",
        serde_json::json!({}),
        None,
        "test",
    );
    assert_eq!(repair.unwrap_err().code, "unauthenticated");
}
