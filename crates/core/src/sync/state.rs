//! What sync keeps in the device database: the enrolment (`sync_server`,
//! one row) and the per-writer pull cursors (`sync_cursors`).

use qalam_model::{CentreId, DeviceId, Event, OrgId, VersionVector};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::Serialize;

use super::SyncError;
use crate::error::CoreError;
use crate::storage::identity::{self, Identity, id16};
use crate::storage::{events as log, now_rfc3339};

/// The device's enrolment with a campus server.
#[derive(Clone, PartialEq, Eq)]
pub struct Enrolment {
    pub url: String,
    pub credential: String,
    pub org: OrgId,
    pub centre: CentreId,
    /// The campus CA pinned for HTTPS, if one was given at enrolment.
    pub ca_pem: Option<String>,
}

impl std::fmt::Debug for Enrolment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Enrolment")
            .field("url", &self.url)
            .field("credential", &"…")
            .field("org", &self.org)
            .field("centre", &self.centre)
            .finish()
    }
}

/// Sync as a status line would show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncState {
    pub enrolled: bool,
    pub server: Option<String>,
    pub org: Option<OrgId>,
    pub centre: Option<CentreId>,
    /// RFC 3339 time of the last attempt that completed both directions.
    pub last_sync_at: Option<String>,
    pub last_attempt_at: Option<String>,
    pub last_error: Option<String>,
    /// This device's events the server did not hold at the last status.
    pub events_waiting: u64,
    pub bytes_sent: u64,
    pub bytes_received: u64,
    /// The device's clock minus the server's at the last status.
    pub skew_ms: Option<i64>,
}

fn db(action: &'static str) -> impl FnOnce(rusqlite::Error) -> SyncError {
    move |e| SyncError::Core(CoreError::db(action, e))
}

fn i64_of(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn u64_of(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

pub fn enrolment(conn: &Connection) -> Result<Option<Enrolment>, SyncError> {
    let row = conn
        .query_row(
            "SELECT url, credential, org, centre, ca_pem FROM sync_server WHERE one = 1",
            [],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Vec<u8>>(2)?,
                    r.get::<_, Vec<u8>>(3)?,
                    r.get::<_, Option<String>>(4)?,
                ))
            },
        )
        .optional()
        .map_err(db("read the sync enrolment"))?;
    row.map(|(url, credential, org, centre, ca_pem)| {
        Ok(Enrolment {
            url,
            credential,
            org: OrgId::from_bytes(id16(&org)?),
            centre: CentreId::from_bytes(id16(&centre)?),
            ca_pem,
        })
    })
    .transpose()
}

/// Records the enrolment, and the organisation and centre in the device's
/// identity, in one transaction. The caller then refreshes the open
/// [`crate::Device`]'s identity, so that the next events carry them.
pub fn save_enrolment(conn: &mut Connection, enrolment: &Enrolment) -> Result<(), SyncError> {
    let tx = conn.transaction().map_err(db("record the enrolment"))?;
    tx.execute(
        "INSERT INTO sync_server (one, url, credential, org, centre, enrolled_at, ca_pem)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            enrolment.url,
            enrolment.credential,
            enrolment.org.as_bytes(),
            enrolment.centre.as_bytes(),
            now_rfc3339(),
            enrolment.ca_pem
        ],
    )
    .and_then(|_| {
        tx.execute(
            "UPDATE device SET org = ?1, centre = ?2 WHERE one = 1",
            params![enrolment.org.as_bytes(), enrolment.centre.as_bytes()],
        )
    })
    .and_then(|_| {
        // A key certified by another server means nothing to this one.
        tx.execute(
            "UPDATE device_keys SET certificate = NULL, server_key = NULL",
            [],
        )
    })
    .and_then(|_| tx.commit())
    .map_err(db("record the enrolment"))
}

/// The code of an enrolment made offline that the server has not bound yet
/// (see [`super::enrol_from_file`]).
pub fn pending_code(conn: &Connection) -> Result<Option<String>, SyncError> {
    conn.query_row(
        "SELECT pending_code FROM sync_server WHERE one = 1",
        [],
        |r| r.get::<_, Option<String>>(0),
    )
    .optional()
    .map(Option::flatten)
    .map_err(db("read the pending enrolment"))
}

/// Records an offline enrolment's code, or (`None`) that the server has
/// bound it.
pub fn set_pending_code(conn: &Connection, code: Option<&str>) -> Result<(), SyncError> {
    conn.execute(
        "UPDATE sync_server SET pending_code = ?1 WHERE one = 1",
        params![code],
    )
    .map(drop)
    .map_err(db("record the pending enrolment"))
}

/// The pull cursors: per writer, the highest seq the server has scanned
/// for this device.
pub fn cursors(conn: &Connection) -> Result<VersionVector, SyncError> {
    let mut stmt = conn
        .prepare_cached("SELECT writer, seq FROM sync_cursors")
        .map_err(db("read the sync cursors"))?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, i64>(1)?)))
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
        .map_err(db("read the sync cursors"))?;
    let mut vv = VersionVector::new();
    for (writer, seq) in rows {
        vv.set(DeviceId::from_bytes(id16(&writer)?), u64_of(seq));
    }
    Ok(vv)
}

pub fn presence_epoch(conn: &Connection) -> Result<u64, SyncError> {
    conn.query_row(
        "SELECT presence_epoch FROM sync_server WHERE one = 1",
        [],
        |r| r.get::<_, i64>(0),
    )
    .optional()
    .map(|v| v.map_or(0, u64_of))
    .map_err(db("read the sync state"))
}

/// Applies a status answer in one transaction: lowers the cursors of the
/// writers to re-read, takes the new presence epoch, and records the
/// server's ack of this device's chain and the clock skew.
pub fn apply_status(
    conn: &mut Connection,
    epoch: u64,
    rewind: &[(DeviceId, u64)],
    acked_to: u64,
    skew_ms: i64,
) -> Result<(), SyncError> {
    let tx = conn.transaction().map_err(db("record the sync status"))?;
    for (writer, from_seq) in rewind {
        tx.execute(
            "UPDATE sync_cursors SET seq = min(seq, ?2) WHERE writer = ?1",
            params![writer.as_bytes(), i64_of(from_seq.saturating_sub(1))],
        )
        .map_err(db("lower a sync cursor"))?;
    }
    tx.execute(
        "UPDATE sync_server SET presence_epoch = ?1, acked_to = ?2, skew_ms = ?3 WHERE one = 1",
        params![i64_of(epoch), i64_of(acked_to), skew_ms],
    )
    .and_then(|_| tx.commit())
    .map_err(db("record the sync status"))
}

/// Moves the pull cursor of `writer` from `expected` to `seq`, inside the
/// merge's transaction. Returns false, changing nothing, if the cursor is
/// no longer at `expected`: another attempt on this device moved it (or a
/// status lowered it) meanwhile, and its value must win over this stale
/// one.
pub fn advance_cursor(
    tx: &Transaction<'_>,
    writer: DeviceId,
    expected: u64,
    seq: u64,
) -> Result<bool, SyncError> {
    let current: Option<i64> = tx
        .query_row(
            "SELECT seq FROM sync_cursors WHERE writer = ?1",
            params![writer.as_bytes()],
            |r| r.get(0),
        )
        .optional()
        .map_err(db("read a sync cursor"))?;
    if current.map_or(0, u64_of) != expected {
        return Ok(false);
    }
    tx.execute(
        "INSERT INTO sync_cursors (writer, seq) VALUES (?1, ?2)
         ON CONFLICT (writer) DO UPDATE SET seq = excluded.seq",
        params![writer.as_bytes(), i64_of(seq)],
    )
    .map(|_| true)
    .map_err(db("advance a sync cursor"))
}

pub fn set_acked(conn: &Connection, acked_to: u64) -> Result<(), SyncError> {
    conn.execute(
        "UPDATE sync_server SET acked_to = max(acked_to, ?1) WHERE one = 1",
        params![i64_of(acked_to)],
    )
    .map(|_| ())
    .map_err(db("record the server's ack"))
}

/// The frame size learned from dropped connections, if any.
pub fn frame_cap(conn: &Connection) -> Result<Option<usize>, SyncError> {
    conn.query_row("SELECT frame_cap FROM sync_server WHERE one = 1", [], |r| {
        r.get::<_, Option<i64>>(0)
    })
    .optional()
    .map(|cap| cap.flatten().and_then(|c| usize::try_from(c).ok()))
    .map_err(db("read the learned batch size"))
}

pub fn set_frame_cap(conn: &Connection, cap: Option<usize>) -> Result<(), SyncError> {
    let cap = cap.and_then(|c| i64::try_from(c).ok());
    conn.execute(
        "UPDATE sync_server SET frame_cap = ?1 WHERE one = 1",
        params![cap],
    )
    .map(|_| ())
    .map_err(db("record the learned batch size"))
}

/// Records the end of an attempt: its bytes, and its success or error.
pub fn record_attempt(
    conn: &Connection,
    sent: u64,
    received: u64,
    error: Option<&str>,
) -> Result<(), SyncError> {
    let now = now_rfc3339();
    conn.execute(
        "UPDATE sync_server SET bytes_sent = bytes_sent + ?1, bytes_received = bytes_received + ?2,
             last_attempt_at = ?3, last_error = ?4,
             last_sync_at = CASE WHEN ?4 IS NULL THEN ?3 ELSE last_sync_at END
         WHERE one = 1",
        params![i64_of(sent), i64_of(received), now, error],
    )
    .map(|_| ())
    .map_err(db("record the sync attempt"))
}

/// The highest seq of this device's own chain.
pub fn own_head(conn: &Connection, identity: &Identity) -> Result<u64, SyncError> {
    let n = identity::device_number(conn, identity.device)?;
    conn.query_row(
        "SELECT coalesce(max(seq), 0) FROM events WHERE dev = ?1",
        [n],
        |r| r.get::<_, i64>(0),
    )
    .map(u64_of)
    .map_err(db("read the event log"))
}

/// This device's events from `from` on, at most `limit` of them, stopping
/// once their canonical bytes reach `max_bytes`.
pub fn own_events(
    conn: &Connection,
    identity: &Identity,
    from: u64,
    limit: usize,
    max_bytes: usize,
) -> Result<Vec<Event>, SyncError> {
    let n = identity::device_number(conn, identity.device)?;
    let mut stmt = conn
        .prepare_cached(
            "SELECT seq, body FROM events WHERE dev = ?1 AND seq >= ?2 ORDER BY seq LIMIT ?3",
        )
        .map_err(db("read the event log"))?;
    let mut rows = stmt
        .query(params![n, i64_of(from), i64_of(limit as u64)])
        .map_err(db("read the event log"))?;
    let mut events = Vec::new();
    let mut bytes = 0usize;
    while let Some(row) = rows.next().map_err(db("read the event log"))? {
        let seq: i64 = row.get(0).map_err(db("read the event log"))?;
        let body: Vec<u8> = row.get(1).map_err(db("read the event log"))?;
        bytes = bytes.saturating_add(body.len() + 16);
        events.push(log::decode(identity.device, u64_of(seq), &body)?);
        if bytes >= max_bytes {
            break;
        }
    }
    Ok(events)
}

pub fn state(conn: &Connection, identity: &Identity) -> Result<SyncState, SyncError> {
    let head = own_head(conn, identity)?;
    let row = conn
        .query_row(
            "SELECT url, org, centre, last_sync_at, last_attempt_at, last_error, acked_to,
                    bytes_sent, bytes_received, skew_ms
             FROM sync_server WHERE one = 1",
            [],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Vec<u8>>(1)?,
                    r.get::<_, Vec<u8>>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, i64>(6)?,
                    r.get::<_, i64>(7)?,
                    r.get::<_, i64>(8)?,
                    r.get::<_, Option<i64>>(9)?,
                ))
            },
        )
        .optional()
        .map_err(db("read the sync state"))?;
    let Some((
        url,
        org,
        centre,
        last_sync_at,
        last_attempt_at,
        last_error,
        acked,
        sent,
        recv,
        skew,
    )) = row
    else {
        return Ok(SyncState {
            enrolled: false,
            server: None,
            org: None,
            centre: None,
            last_sync_at: None,
            last_attempt_at: None,
            last_error: None,
            events_waiting: head,
            bytes_sent: 0,
            bytes_received: 0,
            skew_ms: None,
        });
    };
    Ok(SyncState {
        enrolled: true,
        server: Some(url),
        org: Some(OrgId::from_bytes(id16(&org)?)),
        centre: Some(CentreId::from_bytes(id16(&centre)?)),
        last_sync_at,
        last_attempt_at,
        last_error,
        events_waiting: head.saturating_sub(u64_of(acked)),
        bytes_sent: u64_of(sent),
        bytes_received: u64_of(recv),
        skew_ms: skew,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_move_only_from_where_the_caller_saw_them() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::storage::open(&dir.path().join("q.db")).unwrap();
        let w = DeviceId::from_bytes([4; 16]);
        let tx = conn.transaction().unwrap();
        assert!(advance_cursor(&tx, w, 0, 10).unwrap());
        assert!(
            !advance_cursor(&tx, w, 0, 20).unwrap(),
            "stale: the cursor is at 10"
        );
        assert!(advance_cursor(&tx, w, 10, 20).unwrap());
        tx.commit().unwrap();
        assert_eq!(cursors(&conn).unwrap().get(w), 20);
        // A rewind lowers it; a pull planned before the rewind cannot undo it.
        conn.execute(
            "INSERT INTO sync_server (one, url, credential, org, centre, enrolled_at)
             VALUES (1, 'http://x', 'c', zeroblob(16), zeroblob(16), 'now')",
            [],
        )
        .unwrap();
        apply_status(&mut conn, 3, &[(w, 5)], 0, 0).unwrap();
        assert_eq!(cursors(&conn).unwrap().get(w), 4);
        assert_eq!(presence_epoch(&conn).unwrap(), 3);
        let tx = conn.transaction().unwrap();
        assert!(!advance_cursor(&tx, w, 20, 30).unwrap());
        tx.commit().unwrap();
        assert_eq!(cursors(&conn).unwrap().get(w), 4);
    }
}
