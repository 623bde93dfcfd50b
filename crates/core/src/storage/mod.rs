//! The device database: one opener that sets every pragma, a migration
//! ladder, and one module per table.

pub mod backup;
pub mod events;
pub mod identity;
mod migrations;
pub mod packs;
pub mod projections;
pub mod repair;
pub mod trust;

use std::path::Path;

use rusqlite::Connection;

use crate::error::CoreError;

/// Opens (creating if needed) the device database and brings its schema up
/// to date.
///
/// `synchronous=FULL` because every commit here is something the user is
/// told about ("installed", later "saved"): in WAL mode `NORMAL` may roll a
/// committed transaction back after a power cut.
pub fn open(path: &Path) -> Result<Connection, CoreError> {
    let mut conn = Connection::open(path).map_err(|e| CoreError::db("open the database", e))?;
    conn.pragma_update(None, "journal_mode", "WAL")
        .and_then(|()| conn.pragma_update(None, "synchronous", "FULL"))
        .and_then(|()| conn.pragma_update(None, "foreign_keys", "ON"))
        .map_err(|e| CoreError::db("set database options", e))?;
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .map_err(|e| CoreError::db("set the busy timeout", e))?;
    migrations::upgrade(&mut conn)?;
    Ok(conn)
}

/// The current time as RFC 3339, as stored in every `*_at` column.
pub fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| String::from("1970-01-01T00:00:00Z"))
}
