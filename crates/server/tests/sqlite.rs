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
