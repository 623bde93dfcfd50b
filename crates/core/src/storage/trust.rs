//! The `trusted_keys` table: publishers whose signed packs this device installs.

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::CoreError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedKeyRow {
    pub key_id: String,
    /// The public key, base64.
    pub public_key: String,
    pub name: Option<String>,
    pub added_at: String,
}

/// Adds a key, or renames it when it is already trusted; returns the stored row.
pub fn add(conn: &Connection, row: &TrustedKeyRow) -> Result<TrustedKeyRow, CoreError> {
    conn.execute(
        "INSERT INTO trusted_keys (key_id, public_key, name, added_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(key_id) DO UPDATE SET name = coalesce(excluded.name, name)",
        params![row.key_id, row.public_key, row.name, row.added_at],
    )
    .map_err(|e| CoreError::db("trust the key", e))?;
    get(conn, &row.key_id)?.ok_or_else(|| CoreError::NotFound {
        what: "trusted key",
        id: row.key_id.clone(),
    })
}

pub fn get(conn: &Connection, key_id: &str) -> Result<Option<TrustedKeyRow>, CoreError> {
    conn.query_row(
        "SELECT key_id, public_key, name, added_at FROM trusted_keys WHERE key_id = ?1",
        [key_id],
        from_row,
    )
    .optional()
    .map_err(|e| CoreError::db("read a trusted key", e))
}

pub fn list(conn: &Connection) -> Result<Vec<TrustedKeyRow>, CoreError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT key_id, public_key, name, added_at FROM trusted_keys ORDER BY added_at, key_id",
        )
        .map_err(|e| CoreError::db("list trusted keys", e))?;
    let rows = stmt
        .query_map([], from_row)
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
        .map_err(|e| CoreError::db("list trusted keys", e))?;
    Ok(rows)
}

fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<TrustedKeyRow> {
    Ok(TrustedKeyRow {
        key_id: row.get(0)?,
        public_key: row.get(1)?,
        name: row.get(2)?,
        added_at: row.get(3)?,
    })
}
