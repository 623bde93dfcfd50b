//! Sync files from laptop to laptop of one centre: a laptop writes every
//! event it holds, signed with the key its campus server certified; another
//! laptop of the centre checks the certificate against its own server's key
//! and merges. Real SQLite data folders and a real campus server on
//! 127.0.0.1 (for enrolment and certificates only).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use qalam_core::api::{learners, simulate};
use qalam_core::bundle::{self, BundleKind};
use qalam_core::events::FakeClock;
use qalam_core::sync::{self, SyncOptions};
use qalam_core::{Device, Settings};
use sha2::Digest;
use support::TestServer;

const START_MS: u64 = 1_767_600_000_000;

struct Laptop {
    device: Device,
    clock: Arc<FakeClock>,
    _dir: tempfile::TempDir,
}

fn laptop() -> Laptop {
    let dir = tempfile::tempdir().unwrap();
    let settings = Settings {
        scan_system_mounts: false,
        backup_every: None,
        ..Settings::default()
    };
    let clock = Arc::new(FakeClock::new(START_MS));
    let device = Device::open_with_clock(dir.path(), settings, clock.clone()).unwrap();
    clock.set(START_MS + 10_000_000_000);
    Laptop {
        device,
        clock,
        _dir: dir,
    }
}

fn enrolled(server: &TestServer, centre: qalam_server::CentreId) -> Laptop {
    let laptop = laptop();
    sync::enrol(&laptop.device, &server.base, &server.code_at(centre)).unwrap();
    laptop
}

fn sync_once(laptop: &Laptop) {
    sync::sync_once(&laptop.device, &SyncOptions::default()).unwrap();
}

fn study(laptop: &Laptop, seed: u64) {
    simulate::simulate(&laptop.device, &laptop.clock, 3, 60, seed, |_| {}).unwrap();
}

fn names(device: &Device) -> Vec<String> {
    let mut names: Vec<String> = learners::learner_list(device)
        .unwrap()
        .into_iter()
        .map(|l| l.name)
        .collect();
    names.sort();
    names
}

fn events(device: &Device) -> i64 {
    device
        .conn()
        .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
        .unwrap()
}

fn stick() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("for-peers.qbundle");
    (dir, path)
}

fn refusal(device: &Device, path: &Path) -> String {
    let err = bundle::bundle_import(device, path).unwrap_err().to_string();
    assert!(!err.contains('\n'), "one line: {err}");
    err
}

#[test]
fn a_learner_finds_progress_from_another_laptop_of_the_centre_without_a_link() {
    let server = TestServer::start();
    let (_, centre) = server.centre();
    let a = enrolled(&server, centre);
    let b = enrolled(&server, centre);
    // Both synced once: each has its key certified and knows the server's.
    sync_once(&a);
    sync_once(&b);
    // Then the link is gone. Learners study on laptop A.
    learners::learner_add(&a.device, "Nadia", None, false).unwrap();
    study(&a, 7);
    let (_stick, path) = stick();
    let written = bundle::peer::export_for_peers(&a.device, &path).unwrap();
    assert!(written.events > 0);
    let before = events(&b.device);

    let report = bundle::bundle_import(&b.device, &path).unwrap();
    assert_eq!(report.kind, BundleKind::DeviceToDevice);
    assert!(report.new > 0);
    assert_eq!(events(&b.device), before + report.new as i64);
    assert!(names(&b.device).contains(&"Nadia".to_owned()));
    // Every event of A is on B now, and its projections with them.
    assert_eq!(names(&a.device), names(&b.device));

    // Again: nothing new, nothing doubled.
    let again = bundle::bundle_import(&b.device, &path).unwrap();
    assert_eq!(again.new, 0);
    assert_eq!(events(&b.device), before + report.new as i64);

    // When the link comes back, both sync; the server and B agree with A.
    sync_once(&a);
    sync_once(&b);
    let after = sync::sync_once(&b.device, &SyncOptions::default()).unwrap();
    assert_eq!(after.pulled, 0, "B already held everything A pushed");
    assert_eq!(names(&a.device), names(&b.device));
}

#[test]
fn a_file_is_refused_by_its_own_laptop_another_centre_and_an_uncertified_laptop() {
    let server = TestServer::start();
    let (org, centre) = server.centre();
    let a = enrolled(&server, centre);
    let south = enrolled(&server, server.another_centre(org));
    let never_synced = enrolled(&server, centre);
    sync_once(&a);
    sync_once(&south);
    study(&a, 5);
    let (_stick, path) = stick();
    bundle::peer::export_for_peers(&a.device, &path).unwrap();
    let south_events = events(&south.device);
    let unsynced_events = events(&never_synced.device);

    let own = refusal(&a.device, &path);
    assert!(own.contains("this laptop"), "{own}");
    let other_centre = refusal(&south.device, &path);
    assert!(other_centre.contains("centre"), "{other_centre}");
    let untrusting = refusal(&never_synced.device, &path);
    assert!(untrusting.contains("has not learnt"), "{untrusting}");
    // Nothing was merged by any of them.
    assert_eq!(events(&south.device), south_events);
    assert_eq!(events(&never_synced.device), unsynced_events);

    // A laptop whose key the server has not certified cannot write one.
    let err = bundle::peer::export_for_peers(&never_synced.device, &path)
        .unwrap_err()
        .to_string();
    assert!(err.contains("not certified"), "{err}");
    // An unenrolled laptop neither.
    let loose = laptop();
    let err = bundle::peer::export_for_peers(&loose.device, &path)
        .unwrap_err()
        .to_string();
    assert!(err.contains("not enrolled"), "{err}");
}

/// Reseals the whole-file checksum after a change, as someone who knows
/// the format would; only the signature then stands in the way.
fn reseal(bytes: &mut [u8]) {
    let end = bytes.len() - 96;
    let sum: [u8; 32] = sha2::Sha256::digest(&bytes[..end]).into();
    bytes[end..end + 32].copy_from_slice(&sum);
}

#[test]
fn a_changed_file_is_refused_and_nothing_is_stored() {
    let server = TestServer::start();
    let (_, centre) = server.centre();
    let a = enrolled(&server, centre);
    let b = enrolled(&server, centre);
    sync_once(&a);
    sync_once(&b);
    study(&a, 3);
    let (_stick, path) = stick();
    bundle::peer::export_for_peers(&a.device, &path).unwrap();
    let good = std::fs::read(&path).unwrap();
    let before = events(&b.device);

    // A flipped byte anywhere: the checksum.
    for at in [20, good.len() / 2, good.len() - 100] {
        let mut bad = good.clone();
        bad[at] ^= 0x40;
        std::fs::write(&path, &bad).unwrap();
        let err = refusal(&b.device, &path);
        assert!(err.contains("checksum"), "byte {at}: {err}");
    }
    // Changed and resealed: the signature.
    let mut bad = good.clone();
    let at = good.len() / 2;
    bad[at] ^= 0x40;
    reseal(&mut bad);
    std::fs::write(&path, &bad).unwrap();
    let err = refusal(&b.device, &path);
    assert!(
        err.contains("signature") || err.contains("malformed"),
        "{err}"
    );
    // Cut short.
    std::fs::write(&path, &good[..good.len() - 10]).unwrap();
    refusal(&b.device, &path);
    assert_eq!(events(&b.device), before);

    // The good file still goes in.
    std::fs::write(&path, &good).unwrap();
    assert!(bundle::bundle_import(&b.device, &path).unwrap().new > 0);
}

/// Someone who knows the organisation and centre ids makes up a key, a
/// "server" to certify it, and a file full of events: refused, because the
/// certificate is not signed by this laptop's own server.
#[test]
fn a_file_certified_by_another_server_is_refused() {
    use ed25519_dalek::SigningKey;
    use qalam_core::bundle::BundleHeader;
    use qalam_core::sync::wire::DeviceCertificate;

    let server = TestServer::start();
    let (org, centre) = server.centre();
    let b = enrolled(&server, centre);
    sync_once(&b);
    let rogue_server = SigningKey::from_bytes(&[0x51; 32]);
    let rogue_device = SigningKey::from_bytes(&[0x52; 32]);
    let sender = qalam_model::DeviceId::from_bytes([0x53; 16]);
    let cert = DeviceCertificate::issue(
        &rogue_server,
        org,
        centre,
        sender,
        rogue_device.verifying_key().to_bytes(),
        0,
    );
    let header = BundleHeader::for_peers(cert, 0);
    let bytes = bundle::encode_signed(&header, &[], &rogue_device).unwrap();
    let (_stick, path) = stick();
    std::fs::write(&path, &bytes).unwrap();
    let err = refusal(&b.device, &path);
    assert!(err.contains("another campus server"), "{err}");
}

#[test]
fn the_campus_server_takes_the_senders_own_events_from_a_peer_file() {
    let server = TestServer::start();
    let (_, centre) = server.centre();
    let a = enrolled(&server, centre);
    sync_once(&a);
    study(&a, 11);
    let head = {
        let conn = a.device.conn();
        sync::state::own_head(&conn, a.device.identity()).unwrap()
    };
    let (_stick, path) = stick();
    bundle::peer::export_for_peers(&a.device, &path).unwrap();
    assert!(head > 0);
    let id = a.device.identity().device;
    assert!(server.rt.block_on(server.store.head_seq(id)).unwrap() < head);
    // The CLI's server import is tested in the CLI crate; the certificate
    // it checks is the one this server issued.
    let cert = {
        let bytes = std::fs::read(&path).unwrap();
        let opened = bundle::Opened::open(&bytes).unwrap();
        opened.header.extras.certificate.clone().unwrap()
    };
    let key = server
        .rt
        .block_on(qalam_server::certify::signing_key(server.store.as_ref(), 0))
        .unwrap();
    assert!(cert.verify(&key.verifying_key().to_bytes()).is_ok());
    assert_eq!(cert.device, id);
    assert_eq!(cert.centre, centre);
}
