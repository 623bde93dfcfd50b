//! The storage contract (`tests/contract`) against [`PgStore`].
//!
//! Needs `QALAM_TEST_POSTGRES_URL` (`eval "$(scripts/pg.sh start)"`). Each
//! test creates its own database, so tests run in parallel. Without the
//! variable the tests print a notice and pass, unless `CI` is set: then
//! they fail, so CI cannot silently skip PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod contract;

use std::sync::Arc;

use qalam_model::{ChainBuilder, ChainTip, DeviceId, LearnerId};
use qalam_server::{PgStore, Store};

/// A fresh database on the test server, dropped by [`TestDb::drop_now`].
struct TestDb {
    admin: tokio_postgres::Client,
    name: String,
    config: tokio_postgres::Config,
}

impl TestDb {
    /// `None` (after a notice) when no test server is configured.
    async fn create() -> Option<TestDb> {
        let url = match std::env::var("QALAM_TEST_POSTGRES_URL") {
            Ok(url) if !url.trim().is_empty() => url,
            _ => {
                if std::env::var_os("CI").is_some() {
                    panic!(
                        "QALAM_TEST_POSTGRES_URL is not set, and CI must run the PostgreSQL \
                         storage tests: run eval \"$(scripts/pg.sh start)\" first"
                    );
                }
                eprintln!(
                    "notice: PostgreSQL storage tests skipped (set QALAM_TEST_POSTGRES_URL, \
                     e.g. eval \"$(scripts/pg.sh start)\")"
                );
                return None;
            }
        };
        let (admin, name, config) = common::fresh_database(&url, "qalam_test").await;
        Some(TestDb {
            admin,
            name,
            config,
        })
    }

    async fn store(&self) -> PgStore {
        PgStore::with_config(self.config.clone(), 8).await.unwrap()
    }

    async fn drop_now(self) {
        self.admin
            .batch_execute(&format!("DROP DATABASE {} WITH (FORCE)", self.name))
            .await
            .unwrap();
    }
}

macro_rules! postgres_tests {
    ($($name:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let Some(db) = TestDb::create().await else { return };
                let store = db.store().await;
                contract::$name(Arc::new(store.clone())).await;
                store.close();
                db.drop_now().await;
            }
        )*
    };
}

for_each_contract_test!(postgres_tests);

/// Several server processes against one database: separate pools (as
/// separate processes would have) migrate at once, then push the same
/// batches at once. Each push is an idempotent success and every event is
/// stored once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_servers_share_one_database() {
    let Some(db) = TestDb::create().await else {
        return;
    };
    let stores: Vec<PgStore> = {
        let mut pending = Vec::new();
        for _ in 0..4 {
            let config = db.config.clone();
            pending.push(tokio::spawn(async move {
                PgStore::with_config(config, 4).await.unwrap()
            }));
        }
        let mut stores = Vec::new();
        for p in pending {
            stores.push(p.await.unwrap());
        }
        stores
    };
    let first = &stores[0];
    let org = first.create_org("o", 1).await.unwrap();
    let centre = stores[1].create_centre(org.id, "c", 1).await.unwrap();
    let code = stores[2]
        .create_enrol_code(centre.id, 1, 1000)
        .await
        .unwrap();
    // Two servers redeem the same code at once: exactly one wins.
    let (a, b) = tokio::join!(
        stores[0].redeem_enrol_code(&code.code, DeviceId::from_bytes([1; 16]), 2),
        stores[1].redeem_enrol_code(&code.code, DeviceId::from_bytes([2; 16]), 2),
    );
    assert_eq!(u8::from(a.is_ok()) + u8::from(b.is_ok()), 1, "{a:?} {b:?}");
    let device = a.or(b).unwrap().device;

    let builder = ChainBuilder::new(device.id, device.org, device.centre);
    let mut tip = ChainTip::GENESIS;
    let mut events = Vec::new();
    for i in 0..400u64 {
        let e = builder
            .next_raw(
                &tip,
                1_767_600_000_000 + i * 1000,
                LearnerId::from_bytes([(i % 3) as u8; 16]),
                "test_note",
                1,
                i.to_le_bytes().to_vec(),
            )
            .unwrap();
        tip = ChainTip::after(&e);
        events.push(e);
    }
    let mut tasks = Vec::new();
    for (i, store) in stores.iter().enumerate() {
        for round in 0..2 {
            let store = store.clone();
            // Overlapping batches from every server: 1..=200, 101..=300, ...
            let from = ((i + round) % 3) * 100;
            let batch = events[..from + 100].to_vec();
            tasks.push(tokio::spawn(
                async move { store.ingest(device.id, batch).await },
            ));
        }
    }
    for t in tasks {
        let out = t.await.unwrap().unwrap();
        assert!(out.acked_to >= 100);
    }
    let out = stores[3].ingest(device.id, events.clone()).await.unwrap();
    assert_eq!(out.acked_to, 400);
    let pulled = stores[0]
        .events_for(&device.entitlement(), device.id, 1, usize::MAX)
        .await
        .unwrap();
    assert_eq!(pulled.events, events);
    for s in &stores {
        s.close();
    }
    db.drop_now().await;
}
