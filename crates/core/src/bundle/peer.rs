//! Sync files from laptop to laptop of one centre (docs/SYNC_PROTOCOL.md,
//! "From laptop to laptop").
//!
//! A learner who studied on one laptop and sits at another before either
//! reaches the campus server finds their progress there when a facilitator
//! carries this file across. It holds every event the writing laptop holds
//! (its own and those it received), so the reader needs nothing else; it
//! is signed with the writer's Ed25519 key, which the campus server
//! certified, and a laptop accepts it only from its own centre and with a
//! certificate from its own server. Merging is the same idempotent merge
//! as a pull; no pull cursor moves, so the next sync with the server still
//! fetches what it would have (and merging ignores what is already held).

use std::path::Path;

use qalam_model::{DeviceId, Event};
use rusqlite::{Connection, params};
use serde::Serialize;

use super::{BundleHeader, BundleKind, Opened, PART_EVENT_BYTES, Part, encode_signed};
use super::{ImportReport, enrolled, write_file_atomically};
use crate::device::Device;
use crate::error::CoreError;
use crate::storage::events as log;
use crate::storage::identity::id16;
use crate::sync::certificate;
use crate::sync::state::Enrolment;

/// What [`export_for_peers`] wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PeerExportReport {
    pub path: std::path::PathBuf,
    pub device: DeviceId,
    /// Writers whose events are in the file, this device included.
    pub writers: u64,
    pub events: u64,
    pub bytes: u64,
}

fn db(action: &'static str) -> impl FnOnce(rusqlite::Error) -> CoreError {
    move |e| CoreError::db(action, e)
}

/// Every writer this device holds events of, with its local number.
fn writers(conn: &Connection) -> Result<Vec<(i64, DeviceId)>, CoreError> {
    let mut stmt = conn
        .prepare("SELECT n, device_id FROM devices WHERE EXISTS (SELECT 1 FROM events WHERE dev = n) ORDER BY n")
        .map_err(db("list the writers held"))?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?)))
        .map_err(db("list the writers held"))?;
    let mut out = Vec::new();
    for row in rows {
        let (n, id) = row.map_err(db("list the writers held"))?;
        out.push((n, DeviceId::from_bytes(id16(&id)?)));
    }
    Ok(out)
}

/// The events of writer `n` from `from` on, stopping once their canonical
/// bytes reach `max_bytes`.
fn held_events(
    conn: &Connection,
    n: i64,
    writer: DeviceId,
    from: u64,
    max_bytes: usize,
) -> Result<Vec<Event>, CoreError> {
    let mut stmt = conn
        .prepare_cached("SELECT seq, body FROM events WHERE dev = ?1 AND seq >= ?2 ORDER BY seq")
        .map_err(db("read the event log"))?;
    let mut rows = stmt
        .query(params![n, i64::try_from(from).unwrap_or(i64::MAX)])
        .map_err(db("read the event log"))?;
    let mut events = Vec::new();
    let mut bytes = 0usize;
    while let Some(row) = rows.next().map_err(db("read the event log"))? {
        let seq: i64 = row.get(0).map_err(db("read the event log"))?;
        let body: Vec<u8> = row.get(1).map_err(db("read the event log"))?;
        bytes = bytes.saturating_add(body.len() + 16);
        events.push(log::decode(writer, u64::try_from(seq).unwrap_or(0), &body)?);
        if bytes >= max_bytes {
            break;
        }
    }
    Ok(events)
}

/// The parts of one writer: every event held, from seq 1, with holes where
/// this device holds none.
fn parts_of(conn: &Connection, n: i64, writer: DeviceId) -> Result<Vec<Part>, CoreError> {
    let mut parts = Vec::new();
    let mut from = 1u64;
    loop {
        let events = held_events(conn, n, writer, from, PART_EVENT_BYTES)?;
        let Some(last) = events.last().map(|e| e.seq) else {
            break;
        };
        parts.push(Part {
            writer,
            from_seq: from,
            next_seq: last + 1,
            events,
        });
        from = last + 1;
    }
    Ok(parts)
}

fn not_certified() -> CoreError {
    CoreError::BadRequest(
        "the campus server has not certified this laptop's key yet, so other laptops could not trust its file; sync once over the network, or carry a sync file from this laptop to the server and the server's answer back, then try again".into(),
    )
}

/// Writes, to `path`, every event this device holds, signed with its key,
/// for any other laptop of its centre to import.
pub fn export_for_peers(device: &Device, path: &Path) -> Result<PeerExportReport, CoreError> {
    enrolled(device)?;
    let me = device.identity().device;
    let (header, parts, key) = {
        let conn = device.conn();
        let cert = certificate::certificate(&conn, me)?.ok_or_else(not_certified)?;
        let key = certificate::signing_key(&conn, me)?;
        let mut parts = Vec::new();
        for (n, writer) in writers(&conn)? {
            parts.extend(parts_of(&conn, n, writer)?);
        }
        let header = BundleHeader::for_peers(cert, device.clock().now_ms());
        (header, parts, key)
    };
    let bytes =
        encode_signed(&header, &parts, &key).map_err(|e| CoreError::BadRequest(e.to_string()))?;
    write_file_atomically(path, &bytes)?;
    let mut writers: Vec<DeviceId> = parts.iter().map(|p| p.writer).collect();
    writers.dedup();
    let events = parts.iter().map(|p| p.events.len() as u64).sum();
    tracing::info!(path = %path.display(), events, bytes = bytes.len(), "wrote a sync file for other laptops");
    Ok(PeerExportReport {
        path: path.to_owned(),
        device: me,
        writers: writers.len() as u64,
        events,
        bytes: bytes.len() as u64,
    })
}

/// Checks a kind 4 bundle before anything is stored: its centre is this
/// device's, its certificate was signed by this device's server (`trusted`)
/// for the sender, the signature holds, and every part decodes to events of
/// the organisation.
pub fn check(
    opened: &Opened<'_>,
    me: DeviceId,
    enrolment: &Enrolment,
    trusted: Option<[u8; 32]>,
) -> Result<(), String> {
    let h = &opened.header;
    if h.org != enrolment.org {
        return Err(format!(
            "this sync file belongs to organisation {}, but this laptop is enrolled in {}; it was refused",
            h.org, enrolment.org
        ));
    }
    if h.device == me {
        return Err(
            "this sync file was written by this laptop for the others of its centre; load it on another laptop".into(),
        );
    }
    if h.centre != enrolment.centre {
        return Err(format!(
            "this sync file was written at centre {}, not this laptop's centre {}; laptops pass files only within a centre: sync both through the campus server instead",
            h.centre, enrolment.centre
        ));
    }
    let trusted = trusted.ok_or_else(|| {
        "this laptop has not learnt its campus server's key yet, so it cannot check another laptop's file; sync it once over the network, or import a sync file the server wrote for it, then try again".to_owned()
    })?;
    let cert = h
        .extras
        .certificate
        .as_ref()
        .ok_or_else(|| "the sync file carries no certificate; it was refused".to_owned())?;
    let key = cert.verify(&trusted).map_err(|e| e.to_string())?;
    if (cert.device, cert.org, cert.centre) != (h.device, h.org, h.centre) {
        return Err(
            "the sync file's certificate is of another device than the one that wrote it; it was refused".into(),
        );
    }
    opened.verify_signature(&key).map_err(|e| e.to_string())?;
    for i in 0..opened.part_count() {
        let part = opened.part(i).map_err(|e| e.to_string())?;
        if let Some(e) = part
            .events
            .iter()
            .find(|e| !e.org.is_zero() && e.org != enrolment.org)
        {
            return Err(format!(
                "event {}/{} of the sync file names organisation {}, not {}; it was refused",
                e.device, e.seq, e.org, enrolment.org
            ));
        }
    }
    Ok(())
}

/// Merges a checked kind 4 bundle, part by part, each in one transaction.
/// Events of this device itself are skipped: it holds its own chain.
pub(super) fn merge(
    device: &Device,
    opened: &Opened<'_>,
    path: &Path,
) -> Result<ImportReport, CoreError> {
    let me = device.identity().device;
    let mut report = ImportReport::empty(path, BundleKind::DeviceToDevice);
    for i in 0..opened.part_count() {
        let part = opened
            .part(i)
            .map_err(|e| CoreError::BadRequest(e.to_string()))?;
        if part.writer == me {
            continue;
        }
        let mut conn = device.conn();
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(db("start saving the sync file's events"))?;
        let merged = crate::events::merge_into(&tx, &part.events)?;
        tx.commit().map_err(db("save the sync file's events"))?;
        report.count(part.events.len(), &merged);
    }
    tracing::info!(path = %path.display(), from = %opened.header.device, new = report.new, "imported a sync file from another laptop");
    Ok(report)
}
