//! The `events` table: the append-only log, keyed by `(dev, seq)` where
//! `dev` is the small number of the device in `devices`.
//!
//! The body is the event's canonical encoding without its 16-byte device
//! id (the key names the device): byte 0 (format) followed by bytes 17..
//! of `Event::encode`. Putting the id back gives the canonical bytes, so
//! hashes and chains are checked on exactly what was received.

use qalam_model::{DeviceId, Event};
use rusqlite::{Connection, OptionalExtension, params};

use crate::error::CoreError;

const DEVICE_AT: usize = 1;
const DEVICE_END: usize = 1 + 16;

/// The stored body of an event.
pub fn body_of(event: &Event) -> Vec<u8> {
    let mut bytes = event.encode();
    bytes.drain(DEVICE_AT..DEVICE_END);
    bytes
}

/// The canonical bytes of a stored event.
pub fn canonical(device: DeviceId, body: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(body.len() + 16);
    bytes.extend_from_slice(&body[..body.len().min(DEVICE_AT)]);
    bytes.extend_from_slice(device.as_bytes());
    bytes.extend_from_slice(body.get(DEVICE_AT..).unwrap_or_default());
    bytes
}

/// Decodes a stored row; a row that does not decode is reported as a
/// corrupt event.
pub fn decode(device: DeviceId, seq: u64, body: &[u8]) -> Result<Event, CoreError> {
    Event::decode(&canonical(device, body)).map_err(|e| {
        CoreError::BadRequest(format!(
            "stored event {device}/{seq} is corrupt ({e}); run `qalam doctor`"
        ))
    })
}

/// What inserting one event did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inserted {
    New,
    /// The same event was already held: nothing changed.
    Duplicate,
}

/// Inserts `event` (of device number `n`) once. The same event again is a
/// no-op; a different event under a held `(device, seq)` is a fork and is
/// refused.
pub fn insert(conn: &Connection, n: i64, event: &Event) -> Result<Inserted, CoreError> {
    let seq = i64::try_from(event.seq).map_err(|_| {
        CoreError::BadRequest(format!("seq {} of an event is out of range", event.seq))
    })?;
    let body = body_of(event);
    let changed = conn
        .prepare_cached("INSERT OR IGNORE INTO events (dev, seq, body) VALUES (?1, ?2, ?3)")
        .and_then(|mut s| s.execute(params![n, seq, body]))
        .map_err(|e| CoreError::db("store an event", e))?;
    if changed == 1 {
        return Ok(Inserted::New);
    }
    let held: Vec<u8> = conn
        .prepare_cached("SELECT body FROM events WHERE dev = ?1 AND seq = ?2")
        .and_then(|mut s| s.query_row(params![n, seq], |r| r.get(0)))
        .map_err(|e| CoreError::db("read a stored event", e))?;
    if held == body {
        Ok(Inserted::Duplicate)
    } else {
        Err(CoreError::Fork {
            device: event.device.to_hex(),
            seq: event.seq,
        })
    }
}

/// The last event (highest seq) held from device number `n`.
pub fn last(conn: &Connection, n: i64, device: DeviceId) -> Result<Option<Event>, CoreError> {
    let row: Option<(i64, Vec<u8>)> = conn
        .prepare_cached("SELECT seq, body FROM events WHERE dev = ?1 ORDER BY seq DESC LIMIT 1")
        .and_then(|mut s| s.query_row([n], |r| Ok((r.get(0)?, r.get(1)?))).optional())
        .map_err(|e| CoreError::db("read the last event", e))?;
    row.map(|(seq, body)| decode(device, seq as u64, &body))
        .transpose()
}

/// A stored row, not yet decoded.
pub struct Row {
    pub seq: u64,
    pub body: Vec<u8>,
}

/// Calls `f` with every row of device number `n` in seq order.
pub fn for_each_row(
    conn: &Connection,
    n: i64,
    f: impl FnMut(Row) -> Result<(), CoreError>,
) -> Result<(), CoreError> {
    for_each_row_from(conn, n, 1, f)
}

/// Calls `f` with every row of device number `n` from seq `from` on, in
/// seq order.
pub fn for_each_row_from(
    conn: &Connection,
    n: i64,
    from: u64,
    mut f: impl FnMut(Row) -> Result<(), CoreError>,
) -> Result<(), CoreError> {
    let from = i64::try_from(from).unwrap_or(i64::MAX);
    let mut stmt = conn
        .prepare_cached("SELECT seq, body FROM events WHERE dev = ?1 AND seq >= ?2 ORDER BY seq")
        .map_err(|e| CoreError::db("read the event log", e))?;
    let mut rows = stmt
        .query(params![n, from])
        .map_err(|e| CoreError::db("read the event log", e))?;
    while let Some(row) = rows
        .next()
        .map_err(|e| CoreError::db("read the event log", e))?
    {
        let seq: i64 = row
            .get(0)
            .map_err(|e| CoreError::db("read the event log", e))?;
        let body: Vec<u8> = row
            .get(1)
            .map_err(|e| CoreError::db("read the event log", e))?;
        f(Row {
            seq: seq as u64,
            body,
        })?;
    }
    Ok(())
}

/// Every event held, by device id then seq. A row that does not decode is
/// an error here; `qalam doctor` reports such rows one by one.
pub fn for_each(
    conn: &Connection,
    mut f: impl FnMut(Event) -> Result<(), CoreError>,
) -> Result<(), CoreError> {
    for (n, device) in super::identity::devices(conn)? {
        for_each_row(conn, n, |row| f(decode(device, row.seq, &row.body)?))?;
    }
    Ok(())
}

/// Number of events held.
pub fn count(conn: &Connection) -> Result<u64, CoreError> {
    conn.query_row("SELECT count(*) FROM events", [], |r| r.get::<_, i64>(0))
        .map(|c| c as u64)
        .map_err(|e| CoreError::db("count events", e))
}
