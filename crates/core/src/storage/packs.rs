//! The `packs` table: one row per installed pack, pointing at its folder.

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::CoreError;

/// What the device remembers about an installed pack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackRow {
    pub id: String,
    pub version: String,
    pub manifest_sha256: String,
    /// Folder under `packs/`, relative, e.g. `org.qalam.numeracy/1.0.0-3f2a`.
    pub dir: String,
    pub size_bytes: u64,
    pub signer: Option<String>,
    pub trusted: bool,
    pub installed_at: String,
    /// [`crate::packs::StoredSummary`] as JSON, so listing never parses manifests.
    pub summary_json: String,
    pub manifest_json: Vec<u8>,
    pub signature_json: Option<Vec<u8>>,
}

const COLUMNS: &str = "id, version, manifest_sha256, dir, size_bytes, signer, trusted, installed_at, summary_json, manifest_json, signature_json";

fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<PackRow> {
    Ok(PackRow {
        id: row.get(0)?,
        version: row.get(1)?,
        manifest_sha256: row.get(2)?,
        dir: row.get(3)?,
        size_bytes: u64::try_from(row.get::<_, i64>(4)?).unwrap_or(0),
        signer: row.get(5)?,
        trusted: row.get(6)?,
        installed_at: row.get(7)?,
        summary_json: row.get(8)?,
        manifest_json: row.get(9)?,
        signature_json: row.get(10)?,
    })
}

/// Inserts or replaces the row of `row.id` (a newer version replaces an
/// older one in the same transaction that makes it visible).
pub fn upsert(conn: &Connection, row: &PackRow) -> Result<(), CoreError> {
    conn.prepare_cached(&format!(
        "INSERT OR REPLACE INTO packs ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
    ))
    .and_then(|mut stmt| {
        stmt.execute(params![
            row.id,
            row.version,
            row.manifest_sha256,
            row.dir,
            i64::try_from(row.size_bytes).unwrap_or(i64::MAX),
            row.signer,
            row.trusted,
            row.installed_at,
            row.summary_json,
            row.manifest_json,
            row.signature_json,
        ])
    })
    .map_err(|e| CoreError::db("record the installed pack", e))?;
    Ok(())
}

pub fn get(conn: &Connection, id: &str) -> Result<Option<PackRow>, CoreError> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM packs WHERE id = ?1"))
        .and_then(|mut stmt| stmt.query_row([id], from_row).optional())
        .map_err(|e| CoreError::db("read an installed pack", e))
}

/// Every installed pack without its manifest, for listings.
pub fn list(conn: &Connection) -> Result<Vec<PackRow>, CoreError> {
    let query = "SELECT id, version, manifest_sha256, dir, size_bytes, signer, trusted, installed_at, summary_json, x'', NULL FROM packs ORDER BY id";
    let mut stmt = conn
        .prepare_cached(query)
        .map_err(|e| CoreError::db("list installed packs", e))?;
    let rows = stmt
        .query_map([], from_row)
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
        .map_err(|e| CoreError::db("list installed packs", e))?;
    Ok(rows)
}

/// The folders that rows point at, so start-up can delete any other folder.
pub fn referenced_dirs(conn: &Connection) -> Result<Vec<String>, CoreError> {
    let mut stmt = conn
        .prepare_cached("SELECT dir FROM packs")
        .map_err(|e| CoreError::db("list pack folders", e))?;
    let dirs = stmt
        .query_map([], |row| row.get(0))
        .and_then(|rows| rows.collect::<Result<Vec<String>, _>>())
        .map_err(|e| CoreError::db("list pack folders", e))?;
    Ok(dirs)
}

pub fn delete(conn: &Connection, id: &str) -> Result<bool, CoreError> {
    let changed = conn
        .execute("DELETE FROM packs WHERE id = ?1", [id])
        .map_err(|e| CoreError::db("remove the pack", e))?;
    Ok(changed > 0)
}
