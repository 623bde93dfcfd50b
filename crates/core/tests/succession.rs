//! A laptop whose database was repaired takes a new device id; its next
//! sync introduces the new id to the campus server with the old id's
//! credential and sends what the server lacks of the old chain. Real
//! SQLite files, a real server on 127.0.0.1.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::Path;
use std::sync::Arc;

use qalam_core::api::{learners, simulate};
use qalam_core::events::FakeClock;
use qalam_core::sync::{self, SyncOptions};
use qalam_core::{Device, Settings};
use qalam_model::DeviceId;
use support::TestServer;

const START_MS: u64 = 1_767_600_000_000;

fn open(dir: &Path) -> (Device, Arc<FakeClock>) {
    let settings = Settings {
        scan_system_mounts: false,
        backup_every: None,
        ..Settings::default()
    };
    let clock = Arc::new(FakeClock::new(START_MS));
    let device = Device::open_with_clock(dir, settings, clock.clone()).unwrap();
    clock.set(START_MS + 10_000_000_000);
    (device, clock)
}

fn own_head(device: &Device) -> u64 {
    let conn = device.conn();
    sync::state::own_head(&conn, device.identity()).unwrap()
}

fn server_head(server: &TestServer, id: DeviceId) -> u64 {
    server.rt.block_on(server.store.head_seq(id)).unwrap()
}

/// A device enrolled and synced, then 300 more events that never reached
/// the server, then its WAL lost: the repair restores every event from the
/// backup but cannot prove the chain's tip, so the device takes a new id.
/// Returns (old id, the old chain's head).
fn repaired_with_unsent_tail(dir: &Path, server: &TestServer) -> (DeviceId, u64) {
    let db = dir.join("qalam.db");
    let checkpoint = dir.join("checkpoint.db");
    let old = {
        let (device, clock) = open(dir);
        sync::enrol(&device, &server.base, &server.code()).unwrap();
        simulate::simulate(&device, &clock, 6, 300, 1, |_| {}).unwrap();
        sync::sync_once(&device, &SyncOptions::default()).unwrap();
        assert_eq!(
            server_head(server, device.identity().device),
            own_head(&device)
        );
        device.identity().device
    };
    std::fs::copy(&db, &checkpoint).unwrap();
    let old_head = {
        let (device, clock) = open(dir);
        simulate::simulate(&device, &clock, 6, 300, 2, |_| {}).unwrap();
        device.backup_now().unwrap();
        own_head(&device)
    };
    assert!(server_head(server, old) < old_head);
    std::fs::rename(&checkpoint, &db).unwrap();
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(dir.join(format!("qalam.db{suffix}")));
    }
    let report = learners::repair_folder(dir).unwrap();
    assert!(report.new_device_id, "{report:#?}");
    assert!(
        report
            .steps
            .iter()
            .any(|s| s.contains("sync enrolment moves")),
        "{report:#?}"
    );
    (old, old_head)
}

#[test]
fn after_a_repair_the_next_sync_introduces_the_new_id_and_sends_the_old_tail() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let (old, old_head) = repaired_with_unsent_tail(dir.path(), &server);

    let (device, clock) = open(dir.path());
    let new = device.identity().device;
    assert_ne!(new, old);
    // Bundles wait for the server to learn of the new id.
    let refused = qalam_core::bundle::bundle_export(&device, &dir.path().join("b.qbundle"));
    assert!(format!("{refused:?}").contains("new id"), "{refused:?}");
    simulate::simulate(&device, &clock, 6, 120, 3, |_| {}).unwrap();

    let report = sync::sync_once(&device, &SyncOptions::default()).unwrap();
    assert!(report.pushed > 0, "{report:?}");
    assert_eq!(
        server_head(&server, old),
        old_head,
        "the old chain's tail went up"
    );
    assert_eq!(server_head(&server, new), own_head(&device));
    let registered = server.rt.block_on(server.store.device(new)).unwrap();
    let previous = server.rt.block_on(server.store.device(old)).unwrap();
    assert_eq!(registered.centre, previous.centre);

    // Nothing left: the next sync sends no events, and no request for the
    // old id at all.
    let again = sync::sync_once(&device, &SyncOptions::default()).unwrap();
    assert_eq!(again.pushed, 0);
    assert!(again.bytes_sent < 2048, "{again:?}");
    qalam_core::bundle::bundle_export(&device, &dir.path().join("b.qbundle")).unwrap();

    // Revoking the old id (a stolen laptop) revokes the new one too.
    server
        .rt
        .block_on(server.store.revoke_device(old, qalam_server::now_ms()))
        .unwrap();
    let refused = sync::sync_once(&device, &SyncOptions::default()).unwrap_err();
    assert!(refused.to_string().contains("revoked"), "{refused}");
}

#[test]
fn a_sync_cut_while_introducing_the_new_id_finishes_next_time() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let (old, old_head) = repaired_with_unsent_tail(dir.path(), &server);
    let (device, _) = open(dir.path());
    // No server at this address: the attempt fails before anything moved.
    let unreachable = SyncOptions {
        server: Some("http://127.0.0.1:9".into()),
        ..SyncOptions::default()
    };
    assert!(sync::sync_once(&device, &unreachable).is_err());
    sync::sync_once(&device, &SyncOptions::default()).unwrap();
    // And once more, as if the first answer had been lost after the server
    // registered the id: harmless.
    sync::sync_once(&device, &SyncOptions::default()).unwrap();
    assert_eq!(server_head(&server, old), old_head);
    assert_eq!(
        server_head(&server, device.identity().device),
        own_head(&device)
    );
}
