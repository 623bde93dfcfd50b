//! Property test of sync's entitlement and cursors, end to end: devices of
//! two centres of one organisation, and one of another organisation,
//! write events about a shared pool of learners (visits included) and sync
//! in random order against a real server on 127.0.0.1. After everyone has
//! synced twice more, each device holds exactly its own events plus every
//! event of its organisation about a learner present at its centre: no
//! fewer (cursors and rewinds lost nothing), no more (nothing crossed).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use proptest::prelude::*;
use qalam_core::sync::{SyncOptions, enrol, sync_once};
use qalam_core::{Device, Settings};
use qalam_model::payload::LessonOpened;
use qalam_model::{DeviceId, Event, LearnerId, Payload};
use qalam_server::{CentreId, Store, now_ms};

/// Devices: 0 and 1 at centre A, 2 at centre B (org X); 3 at centre C (org Y).
const DEVICES: usize = 4;
const CENTRE_OF: [usize; DEVICES] = [0, 0, 1, 2];
const ORG_OF_CENTRE: [usize; 3] = [0, 0, 1];
const LEARNERS: u8 = 5;

#[derive(Debug, Clone)]
enum Op {
    /// Device writes `n` events about learner.
    Write {
        device: usize,
        learner: u8,
        n: u8,
    },
    Sync {
        device: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..DEVICES, 0..LEARNERS, 1u8..4).prop_map(|(device, learner, n)| Op::Write {
            device,
            learner,
            n
        }),
        (0..DEVICES).prop_map(|device| Op::Sync { device }),
    ]
}

struct World {
    rt: tokio::runtime::Runtime,
    _store: Arc<dyn Store>,
    _dir: tempfile::TempDir,
    devices: Vec<Device>,
}

fn world() -> World {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = rt
        .block_on(qalam_server::open_store(&dir.path().join("server"), None))
        .unwrap();
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    rt.spawn(qalam_server::http::serve(listener, Arc::clone(&store)));
    let orgs: Vec<_> = (0..2)
        .map(|i| {
            rt.block_on(store.create_org(&format!("org {i}"), now_ms()))
                .unwrap()
                .id
        })
        .collect();
    let centres: Vec<CentreId> = ORG_OF_CENTRE
        .iter()
        .enumerate()
        .map(|(i, o)| {
            rt.block_on(store.create_centre(orgs[*o], &format!("c{i}"), now_ms()))
                .unwrap()
                .id
        })
        .collect();
    let devices = (0..DEVICES)
        .map(|i| {
            let path = dir.path().join(format!("d{i}"));
            let device = Device::open(&path, Settings::default()).unwrap();
            let code = rt
                .block_on(store.create_enrol_code(centres[CENTRE_OF[i]], now_ms(), 3_600_000))
                .unwrap();
            enrol(&device, &base, &code.code).unwrap();
            // Reopen, so events carry the organisation and centre.
            drop(device);
            Device::open(&path, Settings::default()).unwrap()
        })
        .collect();
    World {
        rt,
        _store: store,
        _dir: dir,
        devices,
    }
}

fn held(device: &Device) -> BTreeSet<(DeviceId, u64)> {
    let conn = device.conn();
    let mut out = BTreeSet::new();
    qalam_core::storage::events::for_each(&conn, |e: Event| {
        out.insert((e.device, e.seq));
        Ok(())
    })
    .unwrap();
    out
}

fn run(ops: &[Op]) -> Result<(), TestCaseError> {
    let w = world();
    // Every event written: (writer index, learner, id).
    let mut written: Vec<(usize, u8, (DeviceId, u64))> = Vec::new();
    for op in ops {
        match op {
            Op::Write { device, learner, n } => {
                let items: Vec<(LearnerId, Payload)> = (0..*n)
                    .map(|i| {
                        (
                            LearnerId::from_bytes([*learner + 1; 16]),
                            Payload::LessonOpened(LessonOpened {
                                pack: "org.test".into(),
                                lesson: format!("l{i}"),
                            }),
                        )
                    })
                    .collect();
                let events =
                    qalam_core::api::learners::record_batch(&w.devices[*device], &items).unwrap();
                for e in events {
                    written.push((*device, *learner, (e.device, e.seq)));
                }
            }
            Op::Sync { device } => {
                sync_once(&w.devices[*device], &SyncOptions::default()).unwrap();
            }
        }
    }
    for _ in 0..2 {
        for d in &w.devices {
            sync_once(d, &SyncOptions::default()).unwrap();
        }
    }
    // Learners present at each centre: written about by one of its devices.
    let mut present: BTreeMap<usize, BTreeSet<u8>> = BTreeMap::new();
    for (writer, learner, _) in &written {
        present
            .entry(CENTRE_OF[*writer])
            .or_default()
            .insert(*learner);
    }
    for (i, device) in w.devices.iter().enumerate() {
        let centre = CENTRE_OF[i];
        let org = ORG_OF_CENTRE[centre];
        let expected: BTreeSet<(DeviceId, u64)> = written
            .iter()
            .filter(|(writer, learner, _)| {
                *writer == i
                    || (ORG_OF_CENTRE[CENTRE_OF[*writer]] == org
                        && present.get(&centre).is_some_and(|p| p.contains(learner)))
            })
            .map(|(_, _, id)| *id)
            .collect();
        let got = held(device);
        prop_assert_eq!(
            &got,
            &expected,
            "device {} (centre {}) holds {} events, expected {}",
            i,
            centre,
            got.len(),
            expected.len()
        );
    }
    drop(w.rt);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn devices_hold_exactly_what_their_centre_is_entitled_to(
        ops in proptest::collection::vec(op(), 1..40)
    ) {
        run(&ops)?;
    }
}
