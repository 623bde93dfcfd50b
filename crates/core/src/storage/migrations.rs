//! The schema ladder. Each step runs once, in order, inside a transaction.
//! A shipped step is never edited: add a new one instead.

use rusqlite::Connection;

use crate::error::CoreError;

const STEPS: &[&str] = &[
    // 1: installed packs and the device's trusted publishers.
    "CREATE TABLE packs (
        id TEXT PRIMARY KEY,
        version TEXT NOT NULL,
        manifest_sha256 TEXT NOT NULL,
        dir TEXT NOT NULL,
        size_bytes INTEGER NOT NULL,
        signer TEXT,
        trusted INTEGER NOT NULL,
        installed_at TEXT NOT NULL,
        summary_json TEXT NOT NULL,
        manifest_json BLOB NOT NULL,
        signature_json BLOB
    ) STRICT;
    CREATE TABLE trusted_keys (
        key_id TEXT PRIMARY KEY,
        public_key TEXT NOT NULL,
        name TEXT,
        added_at TEXT NOT NULL
    ) STRICT;",
];

/// Brings the schema to the newest version this build knows, and refuses a
/// database written by a newer Qalam rather than guess at its meaning.
pub fn upgrade(conn: &mut Connection) -> Result<(), CoreError> {
    let current: i64 = conn
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(|e| CoreError::db("read the schema version", e))?;
    let current = usize::try_from(current).unwrap_or(usize::MAX);
    if current > STEPS.len() {
        return Err(CoreError::DatabaseTooNew {
            found: current,
            supported: STEPS.len(),
        });
    }
    for (index, sql) in STEPS.iter().enumerate().skip(current) {
        let version = index + 1;
        let tx = conn
            .transaction()
            .map_err(|e| CoreError::db("start a schema upgrade", e))?;
        tx.execute_batch(sql)
            .and_then(|()| tx.pragma_update(None, "user_version", version as i64))
            .and_then(|()| tx.commit())
            .map_err(|e| CoreError::db("upgrade the database schema", e))?;
        tracing::info!(version, "database schema upgraded");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upgrade_is_idempotent_and_reaches_the_newest_version() {
        let mut conn = Connection::open_in_memory().unwrap();
        upgrade(&mut conn).unwrap();
        upgrade(&mut conn).unwrap();
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, STEPS.len() as i64);
    }

    #[test]
    fn a_database_from_a_newer_qalam_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", STEPS.len() as i64 + 1)
            .unwrap();
        let err = upgrade(&mut conn).unwrap_err();
        assert!(matches!(err, CoreError::DatabaseTooNew { .. }), "{err}");
    }
}
