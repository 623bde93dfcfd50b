//! A new device id after a repair (docs/RELIABILITY.md; docs/SYNC_PROTOCOL.md,
//! "A new id after a repair").
//!
//! When `doctor --repair` cannot prove the device's own chain whole, the
//! device writes under a new id from then on, so that no seq it may already
//! have sent is ever reused with other content. Its campus server knows only
//! the old id and its credential. The repair therefore hands the enrolment
//! over: the old id and its credential become a *predecessor*, and the new
//! id gets a credential the device makes. The next sync registers the new
//! id with the old credential (`POST /v1/device/successor`), then pushes
//! what is left of the old chain with the old credential. Nothing is sent
//! that the server did not lack, and no credential ever leaves the device.

use qalam_model::DeviceId;
use rusqlite::{Connection, OptionalExtension, params};

use super::client::HttpClient;
use super::wire::{
    EnrolRequest, EnrolResponse, PROTOCOL_VERSIONS, StatusRequest, StatusResponse,
    SuccessorRequest, SuccessorResponse,
};
use super::{Pacing, SyncError, SyncOptions, SyncReport, credential_sha256, push_batch, state};
use crate::device::Device;
use crate::error::CoreError;
use crate::storage::identity::Identity;

/// How the server is still to learn of an id this device wrote under.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Pending {
    /// It knows the id.
    None,
    /// An offline enrolment's code binds it.
    Code(String),
    /// The credential of this id registers it as its successor.
    SuccessorOf(DeviceId),
}

/// An id this device wrote under before a repair.
#[derive(Debug, Clone)]
struct Predecessor {
    device: DeviceId,
    credential: String,
    acked_to: u64,
    pending: Pending,
}

fn db(action: &'static str) -> impl FnOnce(rusqlite::Error) -> CoreError {
    move |e| CoreError::db(action, e)
}

fn pending_of(code: Option<String>, of: Option<Vec<u8>>) -> Pending {
    match (
        code,
        of.and_then(|b| <[u8; 16]>::try_from(b.as_slice()).ok()),
    ) {
        (Some(code), _) => Pending::Code(code),
        (None, Some(id)) => Pending::SuccessorOf(DeviceId::from_bytes(id)),
        (None, None) => Pending::None,
    }
}

/// credential, acked_to, pending_code, successor_of of `sync_server`.
type EnrolmentRow = (String, i64, Option<String>, Option<Vec<u8>>);

/// Called by the repair, inside its transaction, when the device took the
/// id `new` after writing under `old`: the enrolment (if any) moves to the
/// predecessors with its credential and ack, and the new id gets a fresh
/// credential to be registered with the old one. Returns whether there was
/// an enrolment to hand over.
pub(crate) fn hand_over(conn: &Connection, old: DeviceId) -> Result<bool, CoreError> {
    let current: Option<EnrolmentRow> = conn
        .query_row(
            "SELECT credential, acked_to, pending_code, successor_of FROM sync_server WHERE one = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()
        .map_err(db("read the sync enrolment"))?;
    let Some((credential, acked_to, code, of)) = current else {
        return Ok(false);
    };
    conn.execute(
        "INSERT OR REPLACE INTO sync_predecessors
             (device_id, credential, acked_to, pending_code, successor_of)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![old.as_bytes(), credential, acked_to, code, of],
    )
    .map_err(db("hand the enrolment over to the new id"))?;
    let fresh = new_credential()?;
    conn.execute(
        "UPDATE sync_server SET credential = ?1, acked_to = 0, pending_code = NULL,
             successor_of = ?2, frame_cap = NULL WHERE one = 1",
        params![fresh, old.as_bytes()],
    )
    .map_err(db("hand the enrolment over to the new id"))?;
    Ok(true)
}

/// A credential the device makes itself: 32 random bytes in hex.
pub(super) fn new_credential() -> Result<String, CoreError> {
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(|e| {
        CoreError::BadRequest(format!(
            "could not make a credential: the system's random source failed ({e})"
        ))
    })?;
    Ok(hex::encode(secret))
}

fn predecessors(conn: &Connection) -> Result<Vec<Predecessor>, CoreError> {
    let mut stmt = conn
        .prepare(
            "SELECT device_id, credential, acked_to, pending_code, successor_of
             FROM sync_predecessors ORDER BY device_id",
        )
        .map_err(db("read the earlier device ids"))?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, Vec<u8>>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<Vec<u8>>>(4)?,
            ))
        })
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
        .map_err(db("read the earlier device ids"))?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, credential, acked, code, of)| {
            let id = <[u8; 16]>::try_from(id.as_slice()).ok()?;
            Some(Predecessor {
                device: DeviceId::from_bytes(id),
                credential,
                acked_to: u64::try_from(acked).unwrap_or(0),
                pending: pending_of(code, of),
            })
        })
        .collect())
}

fn current_pending(conn: &Connection) -> Result<Pending, CoreError> {
    conn.query_row(
        "SELECT pending_code, successor_of FROM sync_server WHERE one = 1",
        [],
        |r| Ok(pending_of(r.get(0)?, r.get(1)?)),
    )
    .optional()
    .map(|p| p.unwrap_or(Pending::None))
    .map_err(db("read the sync enrolment"))
}

/// True while the server has yet to learn of the id this device writes
/// under now, through a predecessor's credential.
pub(crate) fn awaiting_registration(conn: &Connection) -> Result<bool, CoreError> {
    Ok(matches!(current_pending(conn)?, Pending::SuccessorOf(_)))
}

/// The ids whose credentials the server knows: registered predecessors.
fn credential_of(all: &[Predecessor], id: DeviceId) -> Option<&str> {
    all.iter()
        .find(|p| p.device == id && p.pending == Pending::None)
        .map(|p| p.credential.as_str())
}

/// Registers every id the server does not know yet, oldest first: an
/// offline enrolment's code, or a successor through the credential of the
/// id it succeeds. Runs before anything else of a sync.
pub(super) fn register(
    device: &Device,
    url: &str,
    ca_pem: Option<&str>,
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    let mut all = predecessors(&device.conn())?;
    // Each round registers at least one id, or stops.
    for _ in 0..=all.len() {
        let Some(next) = all.iter().find(|p| registrable(&all, &p.pending)).cloned() else {
            break;
        };
        let link = (url, ca_pem);
        register_one(
            link,
            &all,
            (next.device, &next.credential),
            &next.pending,
            report,
        )?;
        device
            .conn()
            .execute(
                "UPDATE sync_predecessors SET pending_code = NULL, successor_of = NULL WHERE device_id = ?1",
                [next.device.as_bytes().as_slice()],
            )
            .map_err(db("record a registered device id"))?;
        all = predecessors(&device.conn())?;
    }
    let current = current_pending(&device.conn())?;
    if let Pending::Code(_) = current {
        // Cleared only once the status that follows has accepted the
        // credential (the code may have been bound by a bundle already).
        let me = device.identity().device;
        let credential = state::enrolment(&device.conn())?
            .ok_or(SyncError::NotEnrolled)?
            .credential;
        register_one((url, ca_pem), &all, (me, &credential), &current, report)?;
    }
    if let Pending::SuccessorOf(_) = current {
        if !registrable(&all, &current) {
            return Err(SyncError::BadServer(
                "this device took a new id after a repair, and the earlier id that must introduce it to the server is not known there; ask the admin to enrol this laptop again".into(),
            ));
        }
        let me = device.identity().device;
        let credential = state::enrolment(&device.conn())?
            .ok_or(SyncError::NotEnrolled)?
            .credential;
        register_one((url, ca_pem), &all, (me, &credential), &current, report)?;
        device
            .conn()
            .execute(
                "UPDATE sync_server SET successor_of = NULL WHERE one = 1",
                [],
            )
            .map_err(db("record a registered device id"))?;
        tracing::info!(device = %me, "the server registered this device's new id");
    }
    Ok(())
}

fn registrable(all: &[Predecessor], pending: &Pending) -> bool {
    match pending {
        Pending::None => false,
        Pending::Code(_) => true,
        Pending::SuccessorOf(of) => credential_of(all, *of).is_some(),
    }
}

/// Makes the server learn of `id` (with the hash of `credential`), over the
/// link `(url, campus CA)`.
fn register_one(
    (url, ca_pem): (&str, Option<&str>),
    all: &[Predecessor],
    (id, credential): (DeviceId, &str),
    pending: &Pending,
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    let hash = credential_sha256(credential);
    match pending {
        Pending::None => Ok(()),
        Pending::Code(code) => {
            let mut http = HttpClient::pinned(url, None, ca_pem)?;
            let request = EnrolRequest {
                code: code.clone(),
                device_id: id,
                credential_sha256: Some(hash),
            };
            let answer = http.post_json::<_, EnrolResponse>("/v1/enrol", &request, false);
            tally(report, &http);
            match answer {
                // Spent already, by this device's own bundle if all is
                // well: the next status shows whether the credential works.
                Err(SyncError::Refused { code, .. }) if code == "enrol_code" => {
                    tracing::info!(device = %id, "the enrolment code was spent already; checking the credential");
                    Ok(())
                }
                other => other.map(drop),
            }
        }
        Pending::SuccessorOf(of) => {
            let introducer = credential_of(all, *of).map(str::to_owned);
            let mut http = HttpClient::pinned(url, introducer, ca_pem)?;
            let request = SuccessorRequest {
                device_id: id,
                credential_sha256: hash,
            };
            let answer =
                http.post_json::<_, SuccessorResponse>("/v1/device/successor", &request, false);
            tally(report, &http);
            answer.map(drop)
        }
    }
}

fn tally(report: &mut SyncReport, http: &HttpClient) {
    report.bytes_sent += http.sent;
    report.bytes_received += http.received;
}

/// Pushes what the server lacks of each earlier id's chain, with that id's
/// own credential. An id whose chain the server holds to its local head
/// costs nothing: no request is made for it.
pub(super) fn push_predecessors(
    device: &Device,
    options: &SyncOptions,
    url: &str,
    ca_pem: Option<&str>,
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    let org_centre = *device.identity();
    // Read first: a guard in the loop's head would hold the connection for
    // the whole loop.
    let all = predecessors(&device.conn())?;
    for pred in all {
        if pred.pending != Pending::None {
            continue;
        }
        let writer = Identity {
            device: pred.device,
            ..org_centre
        };
        let head = state::own_head(&device.conn(), &writer)?;
        if head <= pred.acked_to {
            continue;
        }
        let mut http = HttpClient::pinned(url, Some(pred.credential.clone()), ca_pem)?;
        let outcome = push_chain(device, options, &mut http, &writer, head, report);
        tally(report, &http);
        outcome?;
    }
    Ok(())
}

fn push_chain(
    device: &Device,
    options: &SyncOptions,
    http: &mut HttpClient,
    writer: &Identity,
    head: u64,
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    let clock_ms = i64::try_from(device.clock().now_ms()).unwrap_or(i64::MAX);
    let status: StatusResponse = http.post_json(
        "/v1/sync/status",
        &StatusRequest {
            versions: PROTOCOL_VERSIONS.to_vec(),
            clock_ms,
            head,
            presence_epoch: 0,
        },
        false,
    )?;
    if status.device != writer.device {
        return Err(SyncError::Protocol(format!(
            "the server answered for device {}, not this device's earlier id {}",
            status.device, writer.device
        )));
    }
    http.set_protocol(status.version);
    let mut acked = status.acked_to;
    let mut pacing = Pacing::new(options, state::frame_cap(&device.conn())?);
    while acked < head {
        let budget = pacing.take();
        let from = acked + 1;
        let next = push_batch(device, writer, options, http, (from, head), budget, report)?;
        pacing.arrived();
        if next < from {
            return Err(SyncError::Protocol(format!(
                "the server acknowledged up to {next}, below the batch sent from {from}"
            )));
        }
        acked = next;
        record_ack(&device.conn(), writer.device, acked)?;
    }
    record_ack(&device.conn(), writer.device, acked.min(head))?;
    tracing::info!(device = %writer.device, acked_to = acked, "pushed what was left of an earlier id's chain");
    Ok(())
}

fn record_ack(conn: &Connection, id: DeviceId, acked: u64) -> Result<(), SyncError> {
    conn.execute(
        "UPDATE sync_predecessors SET acked_to = ?2 WHERE device_id = ?1",
        params![id.as_bytes(), i64::try_from(acked).unwrap_or(i64::MAX)],
    )
    .map(drop)
    .map_err(|e| SyncError::Core(CoreError::db("record the server's ack", e)))
}
