//! The storage contract (`tests/contract`) against [`SqliteStore`].
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod contract;

use std::sync::Arc;

use qalam_server::{SqliteStore, Store};

macro_rules! sqlite_tests {
    ($($name:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let dir = tempfile::tempdir().unwrap();
                let store = SqliteStore::open(dir.path().join("server.db")).await.unwrap();
                contract::$name(Arc::new(store)).await;
            }
        )*
    };
}

for_each_contract_test!(sqlite_tests);

/// The data survives a reopen, and reopening does not migrate twice.
#[tokio::test]
async fn reopen_keeps_data_and_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("server.db");
    let org = {
        let store = SqliteStore::open(&path).await.unwrap();
        store.create_org("kept", 1).await.unwrap()
    };
    let store = SqliteStore::open(&path).await.unwrap();
    assert_eq!(store.org(org.id).await.unwrap(), org);
}

/// A database from before presence epochs (schema step 1) is upgraded in
/// place: each writer's least seq per learner is filled in from the
/// events, so rewinds are right for data pushed before the upgrade.
#[tokio::test]
async fn step_two_backfills_least_seqs() {
    use qalam_model::{ChainBuilder, ChainTip, LearnerId};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("server.db");
    let (device, centre) = {
        let store = SqliteStore::open(&path).await.unwrap();
        let org = store.create_org("o", 1).await.unwrap();
        let centre = store.create_centre(org.id, "c", 1).await.unwrap();
        let code = store.create_enrol_code(centre.id, 1, 1000).await.unwrap();
        let e = store
            .redeem_enrol_code(&code.code, qalam_model::DeviceId::from_bytes([5; 16]), 2)
            .await
            .unwrap();
        let builder = ChainBuilder::new(e.device.id, e.device.org, e.device.centre);
        let mut tip = ChainTip::GENESIS;
        let mut events = Vec::new();
        for i in 0..6u64 {
            // learner 1 at seqs 1, 3, 5; learner 2 at 2, 4, 6
            let learner = LearnerId::from_bytes([(1 + i % 2) as u8; 16]);
            let ev = builder
                .next_raw(&tip, 1000 + i, learner, "test_note", 1, vec![1])
                .unwrap();
            tip = ChainTip::after(&ev);
            events.push(ev);
        }
        store.ingest(e.device.id, events).await.unwrap();
        (e.device, centre)
    };
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch(
            "DROP TABLE server_keys;
             DROP INDEX devices_by_predecessor;
             ALTER TABLE devices DROP COLUMN successor_of;
             DROP TABLE admin_sessions;
             DROP TABLE admins;
             DROP INDEX devices_by_centre;
             DROP INDEX learner_presence_by_epoch;
             ALTER TABLE learner_presence DROP COLUMN epoch;
             ALTER TABLE writer_learners DROP COLUMN min_seq;
             PRAGMA user_version = 1;",
        )
        .unwrap();
    }
    let store = SqliteStore::open(&path).await.unwrap();
    let c = rusqlite::Connection::open(&path).unwrap();
    let mins: Vec<(Vec<u8>, i64)> = c
        .prepare("SELECT learner, min_seq FROM writer_learners ORDER BY learner")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(mins, vec![(vec![1; 16], 1), (vec![2; 16], 2)]);
    let changes = store
        .presence_since(&device.entitlement(), 0)
        .await
        .unwrap();
    assert_eq!(changes.epoch, 0, "presence before the upgrade has epoch 0");
    assert_eq!(centre.org, device.org);
}
