//! Opening the store a server command or process works on.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::StoreError;
use crate::postgres::PgStore;
use crate::sqlite::SqliteStore;
use crate::store::{Result, Store};

/// The SQLite database file of the server inside its data folder.
pub const SQLITE_FILE: &str = "server.db";

/// Where [`open_store`] keeps the SQLite database for `data_dir`.
pub fn sqlite_path(data_dir: &Path) -> PathBuf {
    data_dir.join(SQLITE_FILE)
}

/// Opens the server's store: PostgreSQL at `database_url` when given,
/// otherwise SQLite in `data_dir` (created, with the folder, if needed).
pub async fn open_store(data_dir: &Path, database_url: Option<&str>) -> Result<Arc<dyn Store>> {
    if let Some(url) = database_url {
        return Ok(Arc::new(PgStore::connect(url).await?));
    }
    std::fs::create_dir_all(data_dir).map_err(|source| StoreError::Io {
        what: format!("could not create the data folder {}", data_dir.display()),
        source,
    })?;
    Ok(Arc::new(SqliteStore::open(sqlite_path(data_dir)).await?))
}

/// Now, in Unix milliseconds, as the store's methods take it.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
