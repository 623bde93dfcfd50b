//! The storage contract: one generic async fn per behaviour, run against
//! every backend by `tests/sqlite.rs` and `tests/postgres.rs` through
//! [`for_each_contract_test`], so no backend can skip one.

use std::sync::Arc;

use qalam_model::{CentreId, ChainError, ChainTip, DeviceId, Event, LearnerId, OrgId, encode_run};
use qalam_server::{Credential, Device, LoginThrottle, Store, StoreError};

/// Calls `$m!(name, …)` with the name of every contract test.
#[macro_export]
macro_rules! for_each_contract_test {
    ($m:ident) => {
        $m!(
            organisations_and_centres,
            enrol_code_single_use,
            enrol_code_expiry,
            enrol_refuses_a_device_already_enrolled,
            credentials_authenticate_and_bad_ones_are_refused,
            revoked_device_is_refused_at_once,
            ingest_then_idempotent_repush,
            a_large_batch_is_stored_whole_and_once,
            ingest_run_from_the_wire,
            fork_is_refused,
            gap_is_refused,
            hash_mismatch_is_refused_and_nothing_stored,
            pushing_another_devices_events_is_refused,
            events_of_another_organisation_are_refused,
            pulls_do_not_cross_organisations,
            visiting_learner_is_entitled_at_the_centre_they_visit,
            version_vectors_track_heads,
            pulls_are_batched_by_max_bytes,
            long_filtered_pulls_resume_past_unentitled_events,
            concurrent_pushes_of_the_same_batch,
            clock_skew_is_recorded_per_sync,
            late_entitlement_rewinds_pull_cursors,
            presence_never_crosses_organisations,
            head_seq_is_the_acked_chain,
            a_lost_enrolment_answer_can_be_fetched_again,
            a_credential_chosen_offline_is_bound_by_its_code,
            a_repaired_device_registers_its_successor,
            one_signing_key_per_deployment,
            listings_for_the_admin_page,
            admin_accounts_and_sessions,
            wrong_passwords_lock_an_admin
        );
    };
}

const NOW: i64 = 1_767_600_000_000; // 2026-01-05
const HOUR: i64 = 3_600_000;

fn id16(tag: u8, n: u8) -> [u8; 16] {
    let mut b = [0u8; 16];
    b[0] = tag;
    b[15] = n;
    b
}

fn device_id(n: u8) -> DeviceId {
    DeviceId::from_bytes(id16(0xd0, n))
}

fn learner(n: u8) -> LearnerId {
    LearnerId::from_bytes(id16(0x1e, n))
}

/// A device's chain as the device would build it, with any learners.
struct Writer {
    device: DeviceId,
    org: OrgId,
    centre: CentreId,
    tip: ChainTip,
    clock: u64,
}

impl Writer {
    fn new(device: &Device) -> Writer {
        Writer::raw(device.id, device.org, device.centre)
    }

    fn raw(device: DeviceId, org: OrgId, centre: CentreId) -> Writer {
        Writer {
            device,
            org,
            centre,
            tip: ChainTip::GENESIS,
            clock: 1_767_600_000_000,
        }
    }

    /// The next `n` events, each about the next learner of `learners` in turn.
    fn next(&mut self, n: usize, learners: &[LearnerId]) -> Vec<Event> {
        let builder = qalam_model::ChainBuilder::new(self.device, self.org, self.centre);
        (0..n)
            .map(|i| {
                self.clock += 30_000;
                let payload = format!("note {} of {}", self.tip.seq + 1, self.device).into_bytes();
                let e = builder
                    .next_raw(
                        &self.tip,
                        self.clock,
                        learners[i % learners.len()],
                        "test_note",
                        1,
                        payload,
                    )
                    .unwrap();
                self.tip = ChainTip::after(&e);
                e
            })
            .collect()
    }
}

/// An organisation with one centre and one enrolled device.
async fn enrolled<S: Store>(s: &S, n: u8) -> (Device, Credential) {
    let org = s.create_org(&format!("org {n}"), NOW).await.unwrap();
    let centre = s.create_centre(org.id, "centre", NOW).await.unwrap();
    enrol_at(s, centre.id, n).await
}

async fn enrol_at<S: Store>(s: &S, centre: CentreId, n: u8) -> (Device, Credential) {
    let code = s.create_enrol_code(centre, NOW, HOUR).await.unwrap();
    let e = s
        .redeem_enrol_code(&code.code, device_id(n), NOW + 1)
        .await
        .unwrap();
    (e.device, e.credential)
}

/// Everything the server holds of `writer` that `reader` may pull.
async fn pull_all<S: Store>(s: &S, reader: &Device, writer: DeviceId) -> Vec<Event> {
    let b = s
        .events_for(&reader.entitlement(), writer, 1, usize::MAX)
        .await
        .unwrap();
    assert!(b.complete);
    b.events
}

pub async fn organisations_and_centres<S: Store>(s: Arc<S>) {
    let org = s.create_org("Hope NGO", NOW).await.unwrap();
    assert_eq!(s.org(org.id).await.unwrap(), org);
    assert_eq!(org.name, "Hope NGO");
    let centre = s.create_centre(org.id, "Camp 4", NOW).await.unwrap();
    let got = s.centre(centre.id).await.unwrap();
    assert_eq!(got, centre);
    assert_eq!(got.org, org.id);

    let other = s.create_org("Other", NOW).await.unwrap();
    assert_ne!(other.id, org.id);
    let missing = OrgId::from_bytes([7; 16]);
    assert!(matches!(
        s.org(missing).await,
        Err(StoreError::NotFound {
            what: "organisation",
            ..
        })
    ));
    assert!(matches!(
        s.create_centre(missing, "nowhere", NOW).await,
        Err(StoreError::NotFound {
            what: "organisation",
            ..
        })
    ));
    assert!(matches!(
        s.centre(CentreId::from_bytes([7; 16])).await,
        Err(StoreError::NotFound { what: "centre", .. })
    ));
    assert!(matches!(
        s.create_enrol_code(CentreId::from_bytes([7; 16]), NOW, HOUR)
            .await,
        Err(StoreError::NotFound { what: "centre", .. })
    ));
}

pub async fn enrol_code_single_use<S: Store>(s: Arc<S>) {
    let org = s.create_org("o", NOW).await.unwrap();
    let centre = s.create_centre(org.id, "c", NOW).await.unwrap();
    let code = s.create_enrol_code(centre.id, NOW, HOUR).await.unwrap();
    assert_eq!(code.expires_ms, NOW + HOUR);
    let e = s
        .redeem_enrol_code(&code.code, device_id(1), NOW + 10)
        .await
        .unwrap();
    assert_eq!(e.device.org, org.id);
    assert_eq!(e.device.centre, centre.id);
    assert_eq!(e.device.revoked_ms, None);
    assert_eq!(s.device(device_id(1)).await.unwrap(), e.device);
    // Typed differently (case, dashes) it is the same, already spent code.
    let typed = format!("{}-{}", code.code[..6].to_lowercase(), &code.code[6..]);
    assert!(matches!(
        s.redeem_enrol_code(&typed, device_id(2), NOW + 20).await,
        Err(StoreError::CodeUsed)
    ));
    assert!(matches!(
        s.redeem_enrol_code("NOSUCHCODE00", device_id(3), NOW).await,
        Err(StoreError::UnknownCode)
    ));
    assert!(matches!(
        s.device(device_id(2)).await,
        Err(StoreError::NotFound { .. })
    ));
}

pub async fn enrol_code_expiry<S: Store>(s: Arc<S>) {
    let org = s.create_org("o", NOW).await.unwrap();
    let centre = s.create_centre(org.id, "c", NOW).await.unwrap();
    let code = s.create_enrol_code(centre.id, NOW, HOUR).await.unwrap();
    assert!(matches!(
        s.redeem_enrol_code(&code.code, device_id(1), NOW + HOUR)
            .await,
        Err(StoreError::CodeExpired)
    ));
    // Still refused later; a fresh code works.
    assert!(matches!(
        s.redeem_enrol_code(&code.code, device_id(1), NOW + 2 * HOUR)
            .await,
        Err(StoreError::CodeExpired)
    ));
    let fresh = s.create_enrol_code(centre.id, NOW, HOUR).await.unwrap();
    assert_ne!(fresh.code, code.code);
    s.redeem_enrol_code(&fresh.code, device_id(1), NOW + HOUR - 1)
        .await
        .unwrap();
}

pub async fn enrol_refuses_a_device_already_enrolled<S: Store>(s: Arc<S>) {
    let (device, _) = enrolled(&*s, 1).await;
    let code = s.create_enrol_code(device.centre, NOW, HOUR).await.unwrap();
    assert!(matches!(
        s.redeem_enrol_code(&code.code, device.id, NOW).await,
        Err(StoreError::DeviceExists(d)) if d == device.id
    ));
    // The refused enrolment did not spend the code.
    s.redeem_enrol_code(&code.code, device_id(2), NOW)
        .await
        .unwrap();
}

pub async fn credentials_authenticate_and_bad_ones_are_refused<S: Store>(s: Arc<S>) {
    let (a, cred_a) = enrolled(&*s, 1).await;
    let (b, cred_b) = enrol_at(&*s, a.centre, 2).await;
    assert_eq!(cred_a.as_str().len(), 64);
    assert_ne!(cred_a, cred_b);
    assert_eq!(s.authenticate(&cred_a).await.unwrap(), a);
    assert_eq!(s.authenticate(&cred_b).await.unwrap(), b);
    let presented = Credential::from_presented(&format!(" {}\n", cred_a.as_str()));
    assert_eq!(s.authenticate(&presented).await.unwrap(), a);
    let wrong = Credential::from_presented(&"0".repeat(64));
    assert!(matches!(
        s.authenticate(&wrong).await,
        Err(StoreError::BadCredential)
    ));
    assert!(matches!(
        s.device_by_credential_hash(&cred_b.hash()).await,
        Ok(d) if d == b
    ));
}

pub async fn revoked_device_is_refused_at_once<S: Store>(s: Arc<S>) {
    let (device, cred) = enrolled(&*s, 1).await;
    let (other, other_cred) = enrol_at(&*s, device.centre, 2).await;
    let mut w = Writer::new(&device);
    s.ingest(device.id, w.next(3, &[learner(1)])).await.unwrap();
    s.revoke_device(device.id, NOW + 5).await.unwrap();
    assert!(matches!(
        s.authenticate(&cred).await,
        Err(StoreError::Revoked(d)) if d == device.id
    ));
    assert!(matches!(
        s.ingest(device.id, w.next(2, &[learner(1)])).await,
        Err(StoreError::Revoked(_))
    ));
    assert_eq!(s.device(device.id).await.unwrap().revoked_ms, Some(NOW + 5));
    // Revoking again keeps the first time; the other device is untouched.
    s.revoke_device(device.id, NOW + 9).await.unwrap();
    assert_eq!(s.device(device.id).await.unwrap().revoked_ms, Some(NOW + 5));
    assert_eq!(s.authenticate(&other_cred).await.unwrap(), other);
    // What it pushed before stays, and is still pulled by its centre.
    assert_eq!(pull_all(&*s, &other, device.id).await.len(), 3);
    assert!(matches!(
        s.revoke_device(device_id(99), NOW).await,
        Err(StoreError::NotFound { .. })
    ));
}

pub async fn ingest_then_idempotent_repush<S: Store>(s: Arc<S>) {
    let (device, _) = enrolled(&*s, 1).await;
    let mut w = Writer::new(&device);
    let events = w.next(15, &[learner(1), learner(2)]);

    let out = s.ingest(device.id, events[..10].to_vec()).await.unwrap();
    assert_eq!((out.acked_to, out.inserted, out.duplicates), (10, 10, 0));
    let again = s.ingest(device.id, events[..10].to_vec()).await.unwrap();
    assert_eq!(
        (again.acked_to, again.inserted, again.duplicates),
        (10, 0, 10)
    );
    // A batch overlapping what is held stores only the new part.
    let overlap = s.ingest(device.id, events[5..].to_vec()).await.unwrap();
    assert_eq!(
        (overlap.acked_to, overlap.inserted, overlap.duplicates),
        (15, 5, 5)
    );
    // An empty push is harmless and says how far the server is.
    let empty = s.ingest(device.id, Vec::new()).await.unwrap();
    assert_eq!((empty.acked_to, empty.inserted), (15, 0));

    assert_eq!(pull_all(&*s, &device, device.id).await, events);
}

/// Larger than one INSERT statement of the PostgreSQL store (2,048
/// events): stored whole, in one transaction, and once.
pub async fn a_large_batch_is_stored_whole_and_once<S: Store>(s: Arc<S>) {
    let (device, _) = enrolled(&*s, 1).await;
    let mut w = Writer::new(&device);
    let events = w.next(5000, &[learner(1), learner(2), learner(3)]);
    let out = s.ingest(device.id, events.clone()).await.unwrap();
    assert_eq!(
        (out.acked_to, out.inserted, out.duplicates),
        (5000, 5000, 0)
    );
    let again = s.ingest(device.id, events[4000..].to_vec()).await.unwrap();
    assert_eq!((again.inserted, again.duplicates), (0, 1000));
    assert_eq!(
        s.chain_events(device.id, 2047, 2050).await.unwrap(),
        events[2046..2050].to_vec()
    );
    assert_eq!(pull_all(&*s, &device, device.id).await, events);
}

pub async fn ingest_run_from_the_wire<S: Store>(s: Arc<S>) {
    let (device, _) = enrolled(&*s, 1).await;
    let mut w = Writer::new(&device);
    let events = w.next(20, &[learner(1)]);
    let run = encode_run(&events).unwrap();
    let out = s.ingest_run(device.id, &run).await.unwrap();
    assert_eq!(out.acked_to, 20);
    let mut bad = run.clone();
    let at = bad.len() / 2;
    bad[at] ^= 0x40;
    assert!(matches!(
        s.ingest_run(device.id, &bad).await,
        Err(StoreError::Run(_))
    ));
    assert_eq!(pull_all(&*s, &device, device.id).await, events);
}

pub async fn fork_is_refused<S: Store>(s: Arc<S>) {
    let (device, _) = enrolled(&*s, 1).await;
    let mut w = Writer::new(&device);
    let events = w.next(5, &[learner(1)]);
    s.ingest(device.id, events.clone()).await.unwrap();

    // The device was restored from a backup taken after seq 2 and wrote
    // seq 3.. again, differently.
    let mut restored = Writer::new(&device);
    restored.tip = ChainTip::after(&events[1]);
    restored.clock += 1;
    let forked = restored.next(4, &[learner(2)]);
    assert_eq!(forked[0].seq, 3);
    assert!(matches!(
        s.ingest(device.id, forked.clone()).await,
        Err(StoreError::Fork { seq: 3, .. })
    ));
    // Even with the real events before the fork in the same batch.
    let mut mixed = events[..3].to_vec();
    mixed[2] = forked[0].clone();
    mixed.extend_from_slice(&forked[1..]);
    assert!(matches!(
        s.ingest(device.id, mixed).await,
        Err(StoreError::Fork { seq: 3, .. })
    ));
    assert_eq!(pull_all(&*s, &device, device.id).await, events);
    assert_eq!(
        s.version_vector(&device.entitlement())
            .await
            .unwrap()
            .get(device.id),
        5
    );
}

pub async fn gap_is_refused<S: Store>(s: Arc<S>) {
    let (device, _) = enrolled(&*s, 1).await;
    let mut w = Writer::new(&device);
    let events = w.next(6, &[learner(1)]);
    // A first push that does not start at seq 1.
    assert!(matches!(
        s.ingest(device.id, events[1..3].to_vec()).await,
        Err(StoreError::Chain(ChainError::Gap {
            expected: 1,
            found: 2
        }))
    ));
    s.ingest(device.id, events[..3].to_vec()).await.unwrap();
    assert!(matches!(
        s.ingest(device.id, events[4..].to_vec()).await,
        Err(StoreError::Chain(ChainError::Gap {
            expected: 4,
            found: 5
        }))
    ));
    // A hole inside a batch.
    let holed = vec![events[3].clone(), events[5].clone()];
    assert!(matches!(
        s.ingest(device.id, holed).await,
        Err(StoreError::Chain(ChainError::Gap {
            expected: 5,
            found: 6
        }))
    ));
    assert_eq!(
        pull_all(&*s, &device, device.id).await,
        events[..3].to_vec()
    );
}

pub async fn hash_mismatch_is_refused_and_nothing_stored<S: Store>(s: Arc<S>) {
    let (device, _) = enrolled(&*s, 1).await;
    let mut w = Writer::new(&device);
    let events = w.next(8, &[learner(1)]);
    s.ingest(device.id, events[..3].to_vec()).await.unwrap();

    // One changed byte in the middle of a batch: the next event no longer
    // links to it. Nothing of the batch is stored, not even seq 4.
    let mut tampered = events[3..].to_vec();
    tampered[2].payload[0] ^= 1;
    assert!(matches!(
        s.ingest(device.id, tampered).await,
        Err(StoreError::Chain(ChainError::HashMismatch { seq: 7, .. }))
    ));
    // A batch built on another chain does not continue the stored head.
    let mut stranger = Writer::new(&device);
    stranger.clock += 7;
    let other = stranger.next(4, &[learner(1)]);
    assert!(matches!(
        s.ingest(device.id, other[3..].to_vec()).await,
        Err(StoreError::Chain(ChainError::HashMismatch { seq: 4, .. }))
    ));
    // Changing the newest event of a batch changes nothing it links to,
    // but the run's end hash catches it on the wire.
    let mut run = encode_run(&events[3..]).unwrap();
    let last = run.len() - 40;
    run[last] ^= 1;
    assert!(s.ingest_run(device.id, &run).await.is_err());

    assert_eq!(
        pull_all(&*s, &device, device.id).await,
        events[..3].to_vec()
    );
    let out = s.ingest(device.id, events[3..].to_vec()).await.unwrap();
    assert_eq!((out.acked_to, out.inserted), (8, 5));
}

pub async fn pushing_another_devices_events_is_refused<S: Store>(s: Arc<S>) {
    let (a, _) = enrolled(&*s, 1).await;
    let (b, _) = enrol_at(&*s, a.centre, 2).await;
    let mut wb = Writer::new(&b);
    let b_events = wb.next(3, &[learner(1)]);
    assert!(matches!(
        s.ingest(a.id, b_events.clone()).await,
        Err(StoreError::ForeignEvents { pusher, found }) if pusher == a.id && found == b.id
    ));
    // One foreign event hidden in an otherwise good batch.
    let mut wa = Writer::new(&a);
    let mut mixed = wa.next(3, &[learner(1)]);
    mixed.push(b_events[0].clone());
    assert!(matches!(
        s.ingest(a.id, mixed).await,
        Err(StoreError::ForeignEvents { .. })
    ));
    assert!(pull_all(&*s, &a, a.id).await.is_empty());
    assert!(matches!(
        s.events_for(&a.entitlement(), b.id, 1, usize::MAX).await,
        Ok(batch) if batch.events.is_empty()
    ));
    // B's own push of the same events is fine.
    assert_eq!(s.ingest(b.id, b_events).await.unwrap().acked_to, 3);
    // An unknown device cannot push at all.
    let mut ghost = Writer::raw(device_id(9), a.org, a.centre);
    assert!(matches!(
        s.ingest(device_id(9), ghost.next(1, &[learner(1)])).await,
        Err(StoreError::NotFound { .. })
    ));
}

pub async fn events_of_another_organisation_are_refused<S: Store>(s: Arc<S>) {
    let (a, _) = enrolled(&*s, 1).await;
    let (b, _) = enrolled(&*s, 2).await;
    let mut w = Writer::raw(a.id, b.org, b.centre);
    assert!(matches!(
        s.ingest(a.id, w.next(2, &[learner(1)])).await,
        Err(StoreError::WrongOrg { .. })
    ));
    // Events written before enrolment carry the zero org and are accepted.
    let mut before = Writer::raw(a.id, OrgId::default(), CentreId::default());
    let early = before.next(2, &[learner(1)]);
    assert_eq!(s.ingest(a.id, early.clone()).await.unwrap().acked_to, 2);
    // The chain continues with the real org after enrolment.
    let mut after = Writer::new(&a);
    after.tip = before.tip;
    after.clock = before.clock;
    assert_eq!(
        s.ingest(a.id, after.next(2, &[learner(1)]))
            .await
            .unwrap()
            .acked_to,
        4
    );
    // Zero-org events count as the enrolled org's: B cannot pull them.
    assert!(matches!(
        s.events_for(&b.entitlement(), a.id, 1, usize::MAX).await,
        Err(StoreError::NotEntitled(_))
    ));
    assert_eq!(pull_all(&*s, &a, a.id).await[..2], early[..]);
}

pub async fn pulls_do_not_cross_organisations<S: Store>(s: Arc<S>) {
    let (a, _) = enrolled(&*s, 1).await;
    let (b, _) = enrolled(&*s, 2).await;
    // The same learner id in both organisations must not open a door.
    let shared = learner(1);
    let mut wa = Writer::new(&a);
    let mut wb = Writer::new(&b);
    s.ingest(a.id, wa.next(4, &[shared])).await.unwrap();
    s.ingest(b.id, wb.next(2, &[shared])).await.unwrap();

    let vv_a = s.version_vector(&a.entitlement()).await.unwrap();
    let vv_b = s.version_vector(&b.entitlement()).await.unwrap();
    assert_eq!(vv_a.iter().collect::<Vec<_>>(), vec![(a.id, 4)]);
    assert_eq!(vv_b.iter().collect::<Vec<_>>(), vec![(b.id, 2)]);
    assert!(matches!(
        s.events_for(&b.entitlement(), a.id, 1, usize::MAX).await,
        Err(StoreError::NotEntitled(d)) if d == a.id
    ));
    assert!(matches!(
        s.events_for(&a.entitlement(), b.id, 1, usize::MAX).await,
        Err(StoreError::NotEntitled(_))
    ));
    // An unknown writer looks the same as another organisation's.
    assert!(matches!(
        s.events_for(&a.entitlement(), device_id(77), 1, usize::MAX)
            .await,
        Err(StoreError::NotEntitled(_))
    ));
}

pub async fn visiting_learner_is_entitled_at_the_centre_they_visit<S: Store>(s: Arc<S>) {
    let org = s.create_org("o", NOW).await.unwrap();
    let c1 = s.create_centre(org.id, "north", NOW).await.unwrap();
    let c2 = s.create_centre(org.id, "south", NOW).await.unwrap();
    let (d1, _) = enrol_at(&*s, c1.id, 1).await;
    let (d1b, _) = enrol_at(&*s, c1.id, 2).await;
    let (d2, _) = enrol_at(&*s, c2.id, 3).await;
    let (amina, bilal, chadi) = (learner(1), learner(2), learner(3));

    let mut w1 = Writer::new(&d1);
    let north = w1.next(6, &[amina, bilal]); // amina: odd seqs, bilal: even
    s.ingest(d1.id, north.clone()).await.unwrap();
    let mut w2 = Writer::new(&d2);
    s.ingest(d2.id, w2.next(3, &[chadi])).await.unwrap();

    // Another device of the same centre gets everything of its centre.
    assert_eq!(pull_all(&*s, &d1b, d1.id).await, north);
    let vv = s.version_vector(&d1b.entitlement()).await.unwrap();
    assert_eq!(vv.get(d1.id), 6);
    assert_eq!(vv.get(d2.id), 0);

    // South has not seen amina: it gets nothing of north.
    let vv = s.version_vector(&d2.entitlement()).await.unwrap();
    assert_eq!(vv.get(d1.id), 0);
    assert_eq!(vv.get(d2.id), 3);
    assert!(pull_all(&*s, &d2, d1.id).await.is_empty());

    // Amina signs in at south: the event pushed from there makes her
    // present, and south may now pull her events from north, only hers.
    let visit = w2.next(1, &[amina]);
    s.ingest(d2.id, visit.clone()).await.unwrap();
    let vv = s.version_vector(&d2.entitlement()).await.unwrap();
    assert_eq!(vv.get(d1.id), 5); // amina's latest event in north's chain
    let got = pull_all(&*s, &d2, d1.id).await;
    let hers: Vec<Event> = north
        .iter()
        .filter(|e| e.learner == amina)
        .cloned()
        .collect();
    assert_eq!(got, hers);
    assert_eq!(got.len(), 3);

    // North was already entitled to amina, so it sees her visit too, but
    // not chadi's events.
    let from_south = pull_all(&*s, &d1, d2.id).await;
    assert_eq!(from_south, visit);
}

pub async fn version_vectors_track_heads<S: Store>(s: Arc<S>) {
    let (a, _) = enrolled(&*s, 1).await;
    let (b, _) = enrol_at(&*s, a.centre, 2).await;
    let (c, _) = enrol_at(&*s, a.centre, 3).await;
    assert!(s.version_vector(&a.entitlement()).await.unwrap().is_empty());
    let (mut wa, mut wb) = (Writer::new(&a), Writer::new(&b));
    s.ingest(a.id, wa.next(7, &[learner(1), learner(2)]))
        .await
        .unwrap();
    s.ingest(b.id, wb.next(2, &[learner(3)])).await.unwrap();
    let vv = s.version_vector(&c.entitlement()).await.unwrap();
    assert_eq!(vv.iter().collect::<Vec<_>>(), vec![(a.id, 7), (b.id, 2)]);
    s.ingest(b.id, wb.next(3, &[learner(3)])).await.unwrap();
    let vv = s.version_vector(&a.entitlement()).await.unwrap();
    assert_eq!(vv.get(b.id), 5);
    // What the puller lacks, exactly.
    let mut mine = qalam_model::VersionVector::new();
    mine.set(a.id, 7);
    mine.set(b.id, 1);
    assert_eq!(vv.missing_from(&mine), vec![(b.id, 2..=5)]);
    // The binary form round-trips.
    assert_eq!(
        qalam_model::VersionVector::decode(&vv.encode()).unwrap(),
        vv
    );
}

pub async fn pulls_are_batched_by_max_bytes<S: Store>(s: Arc<S>) {
    let (a, _) = enrolled(&*s, 1).await;
    let (b, _) = enrol_at(&*s, a.centre, 2).await;
    let mut w = Writer::new(&a);
    let events = w.next(50, &[learner(1), learner(2), learner(3)]);
    s.ingest(a.id, events.clone()).await.unwrap();
    let size = events[0].encode().len();
    let max_bytes = size * 10 + size / 2;

    let mut got = Vec::new();
    let mut from = 1;
    let mut batches = 0;
    loop {
        let batch = s
            .events_for(&b.entitlement(), a.id, from, max_bytes)
            .await
            .unwrap();
        let bytes: usize = batch.events.iter().map(|e| e.encode().len()).sum();
        assert!(
            bytes <= max_bytes,
            "batch of {bytes} bytes over {max_bytes}"
        );
        assert!(!batch.events.is_empty() || batch.complete);
        got.extend(batch.events);
        from = batch.next_seq;
        batches += 1;
        if batch.complete {
            break;
        }
        assert!(batches < 50, "pulls do not progress");
    }
    assert_eq!(got, events);
    assert!(batches >= 5, "{batches} batches");
    assert_eq!(from, 51);
    // A budget smaller than one event still returns one, so pulls progress.
    let one = s.events_for(&b.entitlement(), a.id, 7, 1).await.unwrap();
    assert_eq!(one.events, events[6..7].to_vec());
    assert_eq!((one.next_seq, one.complete), (8, false));
    // From past the end: nothing, complete.
    let past = s.events_for(&b.entitlement(), a.id, 99, 1).await.unwrap();
    assert!(past.events.is_empty() && past.complete);
    assert_eq!(past.next_seq, 99);
}

pub async fn concurrent_pushes_of_the_same_batch<S: Store>(s: Arc<S>) {
    let (device, _) = enrolled(&*s, 1).await;
    let mut w = Writer::new(&device);
    let events = w.next(300, &[learner(1), learner(2)]);
    s.ingest(device.id, events[..20].to_vec()).await.unwrap();
    let mut held = 20;
    // Seqs 1..=200 over 20 held, then 101..=300, then 201..=300 (all held).
    for from in [0, 100, 200] {
        let batch = events[from..(from + 200).min(events.len())].to_vec();
        let last = batch.last().unwrap().seq;
        let tasks: Vec<_> = (0..2)
            .map(|_| {
                let s = Arc::clone(&s);
                let batch = batch.clone();
                tokio::spawn(async move { s.ingest(device.id, batch).await })
            })
            .collect();
        let mut inserted = 0;
        for t in tasks {
            let out = t.await.unwrap().unwrap();
            assert_eq!(out.acked_to, last);
            assert_eq!(out.inserted + out.duplicates, batch.len());
            inserted += out.inserted as u64;
        }
        assert_eq!(inserted, last - held.min(last), "batch from {from}");
        held = held.max(last);
    }
    let all = pull_all(&*s, &device, device.id).await;
    assert_eq!(all, events);
}

pub async fn clock_skew_is_recorded_per_sync<S: Store>(s: Arc<S>) {
    let (device, _) = enrolled(&*s, 1).await;
    // A laptop whose battery reset its clock to 2010, then a fast one.
    let first = s
        .record_status(device.id, 1_262_304_000_000, NOW)
        .await
        .unwrap();
    assert_eq!(first.skew_ms, 1_262_304_000_000 - NOW);
    s.record_status(device.id, NOW + 60_000 + 2_500, NOW + 60_000)
        .await
        .unwrap();
    let skews = s.clock_skews(device.id, 10).await.unwrap();
    assert_eq!(skews.len(), 2);
    assert_eq!(skews[0].skew_ms, 2_500);
    assert_eq!(skews[0].server_ms, NOW + 60_000);
    assert_eq!(skews[1], first);
    assert_eq!(s.clock_skews(device.id, 1).await.unwrap().len(), 1);
    assert!(matches!(
        s.record_status(device_id(42), NOW, NOW).await,
        Err(StoreError::NotFound { .. })
    ));
}

pub async fn long_filtered_pulls_resume_past_unentitled_events<S: Store>(s: Arc<S>) {
    let org = s.create_org("o", NOW).await.unwrap();
    let c1 = s.create_centre(org.id, "north", NOW).await.unwrap();
    let c2 = s.create_centre(org.id, "south", NOW).await.unwrap();
    let (d1, _) = enrol_at(&*s, c1.id, 1).await;
    let (d2, _) = enrol_at(&*s, c2.id, 2).await;
    // 5,000 events of north, one in 7 about the learner who later visits
    // south, in runs of 1,000 as pushes would carry them.
    let visitor = learner(7);
    let mut w1 = Writer::new(&d1);
    let others: Vec<LearnerId> = (1..=6).map(learner).collect();
    let mut learners = others.clone();
    learners.push(visitor);
    let events = w1.next(5000, &learners);
    for run in events.chunks(1000) {
        s.ingest(d1.id, run.to_vec()).await.unwrap();
    }
    let mut w2 = Writer::new(&d2);
    s.ingest(d2.id, w2.next(1, &[visitor])).await.unwrap();

    let hers: Vec<Event> = events
        .iter()
        .filter(|e| e.learner == visitor)
        .cloned()
        .collect();
    let vv = s.version_vector(&d2.entitlement()).await.unwrap();
    assert_eq!(vv.get(d1.id), hers.last().unwrap().seq);
    let max_bytes = 16 * 1024;
    let (mut got, mut from, mut pulls) = (Vec::new(), 1, 0);
    loop {
        let batch = s
            .events_for(&d2.entitlement(), d1.id, from, max_bytes)
            .await
            .unwrap();
        assert!(batch.next_seq > from, "pull from {from} did not progress");
        assert!(
            batch
                .events
                .iter()
                .all(|e| e.seq >= from && e.seq < batch.next_seq)
        );
        got.extend(batch.events);
        from = batch.next_seq;
        pulls += 1;
        if batch.complete {
            break;
        }
    }
    assert_eq!(got, hers);
    assert_eq!(from, 5001);
    assert!(pulls > 1, "{pulls} pulls");
}

/// A puller whose cursor on a writer is past a learner's events (they were
/// filtered out) learns, through the presence epoch, to go back for them
/// once the learner becomes entitled at its centre.
pub async fn late_entitlement_rewinds_pull_cursors<S: Store>(s: Arc<S>) {
    let org = s.create_org("o", NOW).await.unwrap();
    let c1 = s.create_centre(org.id, "north", NOW).await.unwrap();
    let c2 = s.create_centre(org.id, "south", NOW).await.unwrap();
    let (d1, _) = enrol_at(&*s, c1.id, 1).await;
    let (d2, _) = enrol_at(&*s, c2.id, 2).await;
    let (amina, bilal) = (learner(1), learner(2));
    let ent = d2.entitlement();

    let start = s.presence_since(&ent, 0).await.unwrap();
    assert_eq!(start.epoch, 0);
    assert!(start.rewind.is_empty());

    // Bilal visits south first: south pulls north's chain and its cursor
    // passes amina's events, filtered out.
    let mut w1 = Writer::new(&d1);
    let north = w1.next(6, &[amina, bilal]); // amina odd seqs, bilal even
    s.ingest(d1.id, north.clone()).await.unwrap();
    let mut w2 = Writer::new(&d2);
    s.ingest(d2.id, w2.next(1, &[bilal])).await.unwrap();
    let first = s.presence_since(&ent, 0).await.unwrap();
    assert!(first.epoch >= 1);
    // Bilal's least seq in north's chain is 2; south's own chain from 1.
    assert_eq!(first.rewind, vec![(d1.id, 2), (d2.id, 1)]);
    let batch = s.events_for(&ent, d1.id, 1, usize::MAX).await.unwrap();
    assert_eq!(batch.next_seq, 7);
    assert!(batch.events.iter().all(|e| e.learner == bilal));

    // Nothing new since that epoch.
    let same = s.presence_since(&ent, first.epoch).await.unwrap();
    assert_eq!(same.epoch, first.epoch);
    assert!(same.rewind.is_empty());

    // Amina signs in at south: a new epoch, and north's chain must be
    // re-read from her first event, below the cursor.
    s.ingest(d2.id, w2.next(1, &[amina])).await.unwrap();
    let late = s.presence_since(&ent, first.epoch).await.unwrap();
    assert!(late.epoch > first.epoch);
    assert_eq!(late.rewind, vec![(d1.id, 1), (d2.id, 2)]);
    let again = s.events_for(&ent, d1.id, 1, usize::MAX).await.unwrap();
    assert_eq!(again.events, north);

    // North's own presence did not move south's epoch, and a repeated
    // push of a learner already present adds no epoch.
    s.ingest(d1.id, w1.next(2, &[amina])).await.unwrap();
    s.ingest(d2.id, w2.next(1, &[amina, bilal])).await.unwrap();
    let quiet = s.presence_since(&ent, late.epoch).await.unwrap();
    assert_eq!(quiet.epoch, late.epoch);
    assert!(quiet.rewind.is_empty());
}

/// The same learner id in another organisation opens no rewind.
pub async fn presence_never_crosses_organisations<S: Store>(s: Arc<S>) {
    let (a, _) = enrolled(&*s, 1).await;
    let (b, _) = enrolled(&*s, 2).await;
    let shared = learner(9);
    s.ingest(a.id, Writer::new(&a).next(3, &[shared]))
        .await
        .unwrap();
    s.ingest(b.id, Writer::new(&b).next(2, &[shared]))
        .await
        .unwrap();
    let changes = s.presence_since(&b.entitlement(), 0).await.unwrap();
    assert_eq!(changes.rewind, vec![(b.id, 1)]);
    let changes = s.presence_since(&a.entitlement(), 0).await.unwrap();
    assert_eq!(changes.rewind, vec![(a.id, 1)]);
}

pub async fn head_seq_is_the_acked_chain<S: Store>(s: Arc<S>) {
    let (a, _) = enrolled(&*s, 1).await;
    assert_eq!(s.head_seq(a.id).await.unwrap(), 0);
    let mut w = Writer::new(&a);
    s.ingest(a.id, w.next(5, &[learner(1)])).await.unwrap();
    assert_eq!(s.head_seq(a.id).await.unwrap(), 5);
    assert!(matches!(
        s.head_seq(device_id(99)).await,
        Err(StoreError::NotFound { .. })
    ));
}

/// The link dropped after the server enrolled the device but before the
/// answer arrived: the same device may redeem the same code again while it
/// is valid, and gets a fresh credential; nobody else can.
pub async fn a_lost_enrolment_answer_can_be_fetched_again<S: Store>(s: Arc<S>) {
    let org = s.create_org("o", NOW).await.unwrap();
    let centre = s.create_centre(org.id, "c", NOW).await.unwrap();
    let code = s.create_enrol_code(centre.id, NOW, HOUR).await.unwrap();
    let lost = s
        .redeem_enrol_code(&code.code, device_id(1), NOW + 1)
        .await
        .unwrap();
    let again = s
        .redeem_enrol_code(&code.code, device_id(1), NOW + 2)
        .await
        .unwrap();
    assert_eq!(again.device, lost.device);
    assert_ne!(again.credential, lost.credential);
    assert_eq!(
        s.authenticate(&again.credential).await.unwrap().id,
        device_id(1)
    );
    assert!(matches!(
        s.authenticate(&lost.credential).await,
        Err(StoreError::BadCredential)
    ));
    assert!(matches!(
        s.redeem_enrol_code(&code.code, device_id(2), NOW + 3).await,
        Err(StoreError::CodeUsed)
    ));
    assert!(matches!(
        s.redeem_enrol_code(&code.code, device_id(1), NOW + HOUR)
            .await,
        Err(StoreError::CodeUsed)
    ));
    s.revoke_device(device_id(1), NOW + 4).await.unwrap();
    assert!(matches!(
        s.redeem_enrol_code(&code.code, device_id(1), NOW + 5).await,
        Err(StoreError::Revoked(_))
    ));
}

/// A device enrolled from an enrolment file chose its own credential; the
/// server stores the hash it is sent and never sees the credential.
pub async fn a_credential_chosen_offline_is_bound_by_its_code<S: Store>(s: Arc<S>) {
    let org = s.create_org("o", NOW).await.unwrap();
    let centre = s.create_centre(org.id, "c", NOW).await.unwrap();
    let code = s.create_enrol_code(centre.id, NOW, HOUR).await.unwrap();
    let chosen = Credential::from_presented("chosen by the device");
    let device = s
        .bind_enrol_code(&code.code, device_id(1), NOW + 1, chosen.hash())
        .await
        .unwrap();
    assert_eq!((device.org, device.centre), (org.id, centre.id));
    assert_eq!(s.authenticate(&chosen).await.unwrap().id, device_id(1));
    // Bound again by the same device (a bundle imported twice): harmless.
    s.bind_enrol_code(&code.code, device_id(1), NOW + 2, chosen.hash())
        .await
        .unwrap();
    assert_eq!(s.authenticate(&chosen).await.unwrap().id, device_id(1));
    let thief = Credential::from_presented("copied the file");
    assert!(matches!(
        s.bind_enrol_code(&code.code, device_id(2), NOW + 3, thief.hash())
            .await,
        Err(StoreError::CodeUsed)
    ));
    assert!(matches!(
        s.authenticate(&thief).await,
        Err(StoreError::BadCredential)
    ));
}

/// The first key stored is the deployment's: a second node offering its own
/// gets the first, so every node certifies alike.
pub async fn one_signing_key_per_deployment<S: Store + 'static>(s: Arc<S>) {
    let first = s.signing_secret([1; 32], NOW).await.unwrap();
    assert_eq!(first, [1; 32]);
    assert_eq!(s.signing_secret([2; 32], NOW + 1).await.unwrap(), [1; 32]);
    let mut racing = tokio::task::JoinSet::new();
    for b in 3..8u8 {
        let s = Arc::clone(&s);
        racing.spawn(async move { s.signing_secret([b; 32], NOW).await.unwrap() });
    }
    while let Some(key) = racing.join_next().await {
        assert_eq!(key.unwrap(), [1; 32]);
    }
}

/// After a repair gave a laptop a new id, its old credential registers the
/// new one; both keep working, and revoking either revokes the line.
pub async fn a_repaired_device_registers_its_successor<S: Store>(s: Arc<S>) {
    let org = s.create_org("o", NOW).await.unwrap();
    let centre = s.create_centre(org.id, "c", NOW).await.unwrap();
    let code = s.create_enrol_code(centre.id, NOW, HOUR).await.unwrap();
    let old = s
        .redeem_enrol_code(&code.code, device_id(1), NOW)
        .await
        .unwrap();
    let new_credential = Credential::from_presented("made after the repair");
    let successor = s
        .enrol_successor(device_id(1), device_id(2), new_credential.hash(), NOW + 1)
        .await
        .unwrap();
    assert_eq!((successor.org, successor.centre), (org.id, centre.id));
    // The answer was lost: asking again is harmless.
    s.enrol_successor(device_id(1), device_id(2), new_credential.hash(), NOW + 2)
        .await
        .unwrap();
    assert_eq!(
        s.authenticate(&new_credential).await.unwrap().id,
        device_id(2)
    );
    assert_eq!(
        s.authenticate(&old.credential).await.unwrap().id,
        device_id(1)
    );
    // Another credential for that id, or an id already enrolled: refused.
    let other = Credential::from_presented("someone else");
    assert!(matches!(
        s.enrol_successor(device_id(1), device_id(2), other.hash(), NOW + 3)
            .await,
        Err(StoreError::DeviceExists(_))
    ));
    // A second repair: the line goes on; revoking the first revokes all.
    let third = Credential::from_presented("second repair");
    s.enrol_successor(device_id(2), device_id(3), third.hash(), NOW + 4)
        .await
        .unwrap();
    s.revoke_device(device_id(1), NOW + 5).await.unwrap();
    for credential in [&old.credential, &new_credential, &third] {
        assert!(matches!(
            s.authenticate(credential).await,
            Err(StoreError::Revoked(_))
        ));
    }
    assert!(matches!(
        s.enrol_successor(device_id(3), device_id(4), other.hash(), NOW + 6)
            .await,
        Err(StoreError::Revoked(_))
    ));
}

pub async fn listings_for_the_admin_page<S: Store>(s: Arc<S>) {
    assert!(s.list_orgs().await.unwrap().is_empty());
    let b = s.create_org("B NGO", NOW).await.unwrap();
    let a = s.create_org("A NGO", NOW + 1).await.unwrap();
    let names: Vec<_> = s
        .list_orgs()
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.name)
        .collect();
    assert_eq!(names, ["A NGO", "B NGO"]);
    let c2 = s.create_centre(a.id, "Camp 2", NOW).await.unwrap();
    let c1 = s.create_centre(a.id, "Camp 1", NOW).await.unwrap();
    s.create_centre(b.id, "Elsewhere", NOW).await.unwrap();
    assert_eq!(s.list_centres(a.id).await.unwrap(), vec![c1.clone(), c2]);
    assert!(
        s.list_centres(OrgId::from_bytes([3; 16]))
            .await
            .unwrap()
            .is_empty()
    );

    assert!(s.list_devices(c1.id).await.unwrap().is_empty());
    let (d1, _) = enrol_at(&*s, c1.id, 1).await;
    let (d2, _) = enrol_at(&*s, c1.id, 2).await;
    s.record_status(d1.id, NOW + 10, NOW + 5_000).await.unwrap();
    s.record_status(d1.id, NOW + 20, NOW + 9_000).await.unwrap();
    s.revoke_device(d2.id, NOW + 10_000).await.unwrap();
    let listed = s.list_devices(c1.id).await.unwrap();
    assert_eq!(listed.len(), 2);
    let first = listed.iter().find(|d| d.device.id == d1.id).unwrap();
    assert_eq!(first.last_sync_ms, Some(NOW + 9_000));
    assert_eq!(first.device, d1);
    let second = listed.iter().find(|d| d.device.id == d2.id).unwrap();
    assert_eq!(second.last_sync_ms, None);
    assert_eq!(second.device.revoked_ms, Some(NOW + 10_000));
}

pub async fn admin_accounts_and_sessions<S: Store>(s: Arc<S>) {
    let org = s.create_org("Hope NGO", NOW).await.unwrap();
    let root = s.create_admin("Amina", None, "$hash1", NOW).await.unwrap();
    let local = s
        .create_admin("Farid", Some(org.id), "$hash2", NOW)
        .await
        .unwrap();
    assert_eq!(root.org, None);
    assert_eq!(local.org, Some(org.id));
    assert!(root.may_manage(org.id) && local.may_manage(org.id));
    assert!(!local.may_manage(OrgId::from_bytes([3; 16])));
    assert!(matches!(
        s.create_admin("Amina", None, "$other", NOW).await,
        Err(StoreError::AdminExists(name)) if name == "Amina"
    ));
    assert!(matches!(
        s.create_admin("Nobody", Some(OrgId::from_bytes([3; 16])), "$h", NOW)
            .await,
        Err(StoreError::NotFound { .. })
    ));
    let login = s.admin_login("Farid").await.unwrap();
    assert_eq!(login.admin, local);
    assert_eq!(login.password_hash, "$hash2");
    assert_eq!((login.failures, login.locked_until_ms), (0, 0));
    assert!(matches!(
        s.admin_login("farid").await,
        Err(StoreError::NotFound { .. })
    ));

    let (t1, t2) = ([1u8; 32], [2u8; 32]);
    s.create_session(t1, root.id, NOW, NOW + HOUR)
        .await
        .unwrap();
    s.create_session(t2, local.id, NOW, NOW + HOUR)
        .await
        .unwrap();
    assert_eq!(s.session_admin(t1, NOW + 1).await.unwrap(), root);
    assert_eq!(s.session_admin(t2, NOW + 1).await.unwrap(), local);
    assert!(matches!(
        s.session_admin(t1, NOW + HOUR).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        s.session_admin([9; 32], NOW).await,
        Err(StoreError::NotFound { .. })
    ));
    s.delete_session(t2).await.unwrap();
    s.delete_session(t2).await.unwrap();
    assert!(s.session_admin(t2, NOW + 1).await.is_err());
    // A later sign-in clears out expired sessions on the way.
    s.create_session([3; 32], root.id, NOW + 2 * HOUR, NOW + 3 * HOUR)
        .await
        .unwrap();
    assert!(s.session_admin(t1, NOW).await.is_err());
}

pub async fn wrong_passwords_lock_an_admin<S: Store>(s: Arc<S>) {
    let admin = s.create_admin("Omar", None, "$h", NOW).await.unwrap();
    let throttle = LoginThrottle {
        free: 2,
        base_ms: 1_000,
        max_ms: 3_000,
    };
    let mut locks = Vec::new();
    for i in 0..5 {
        locks.push(
            s.record_login_failure(admin.id, NOW + i, throttle)
                .await
                .unwrap()
                - NOW,
        );
    }
    // Free (locked until now), free, 1 s, 2 s, then at most 3 s.
    assert_eq!(locks, [0, 1, 1_002, 2_003, 3_004]);
    let login = s.admin_login("Omar").await.unwrap();
    assert_eq!((login.failures, login.locked_until_ms), (5, NOW + 3_004));
    // Failures counted at once (several server processes) all count.
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let s = Arc::clone(&s);
        tasks.push(tokio::spawn(async move {
            s.record_login_failure(admin.id, NOW, throttle)
                .await
                .unwrap()
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(s.admin_login("Omar").await.unwrap().failures, 13);
    s.record_login_success(admin.id).await.unwrap();
    let login = s.admin_login("Omar").await.unwrap();
    assert_eq!((login.failures, login.locked_until_ms), (0, 0));
    assert!(matches!(
        s.record_login_failure(qalam_server::AdminId([5; 16]), NOW, throttle)
            .await,
        Err(StoreError::NotFound { .. })
    ));
}
