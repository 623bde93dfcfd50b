//! What the HTTP test files share: the stores to run against.
#![allow(dead_code)]

use std::sync::Arc;

use qalam_server::{PgStore, SqliteStore, Store};
use tokio_postgres::NoTls;

/// A PostgreSQL test database: the admin connection and the name to drop.
pub type PgDb = Option<(tokio_postgres::Client, String)>;

/// SQLite always, and PostgreSQL in a fresh database named `prefix_…` when
/// `QALAM_TEST_POSTGRES_URL` is set.
pub async fn backends(prefix: &str) -> Vec<(Arc<dyn Store>, PgDb)> {
    let mut out: Vec<(Arc<dyn Store>, PgDb)> = Vec::new();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("server.db");
    std::mem::forget(dir); // removed with the process' temp files
    out.push((Arc::new(SqliteStore::open(path).await.unwrap()), None));
    if let Ok(url) = std::env::var("QALAM_TEST_POSTGRES_URL")
        && !url.trim().is_empty()
    {
        let (admin, name, config) = fresh_database(&url, prefix).await;
        let store = PgStore::with_config(config, 8).await.unwrap();
        out.push((Arc::new(store), Some((admin, name))));
    }
    out
}

/// A new database named `prefix_<random>` on the PostgreSQL server at
/// `url`: the admin connection (to drop it later), its name, and the
/// configuration to reach it.
pub async fn fresh_database(
    url: &str,
    prefix: &str,
) -> (tokio_postgres::Client, String, tokio_postgres::Config) {
    let (admin, conn) = tokio_postgres::connect(url, NoTls)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to QALAM_TEST_POSTGRES_URL: {e}"));
    tokio::spawn(conn);
    let mut suffix = [0u8; 8];
    getrandom::fill(&mut suffix).unwrap();
    let name = format!("{prefix}_{}", hex::encode(suffix));
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    let mut config: tokio_postgres::Config = url.parse().unwrap();
    config.dbname(&name);
    (admin, name, config)
}
