//! Sync with the campus server (docs/SYNC_PROTOCOL.md).
//!
//! One attempt is: status → plan (pure, [`plan::plan`]) → push this
//! device's missing events in bounded batches → pull, per writer, from the
//! device's pull cursor → done. Every batch is durable before the next
//! one is sent or asked for: the server acknowledges a push only after its
//! commit, and a pulled batch is merged in one transaction with the
//! advance of its writer's cursor. An attempt keeps no state besides what
//! it committed, so a dropped connection costs at most the batch in
//! flight, and the next attempt starts from a fresh status.
//!
//! **Pull cursors.** A device may pull only the events of learners
//! entitled at its centre, so what it receives of another device's chain
//! has holes, and its own gap-free vector cannot say what to ask for. For
//! each writer it keeps instead the highest seq the server has *scanned*
//! for it (the pull answer's `next_seq − 1`), in `sync_cursors`. When a
//! learner becomes entitled later (a visitor from another centre signs in
//! here), the status answer lists the writers whose cursors must go back
//! (`rewind`), because that learner's older events lie below them.
//!
//! The HTTP client is blocking; call [`sync_once`] or [`run_background`]
//! from a thread of their own (the desktop shell) or from the CLI.

pub mod background;
pub mod certificate;
pub mod client;
pub mod plan;
pub mod state;
mod stream;
pub(crate) mod succession;
pub mod wire;

use std::time::Instant;

use qalam_model::{DeviceId, Event, encode_run};
use serde::Serialize;

pub use background::{BackgroundOptions, backoff_delay, run_background};
pub use state::{Enrolment, SyncState};

use crate::device::Device;
use crate::error::CoreError;
use client::HttpClient;
use wire::{
    EnrolRequest, EnrolResponse, EnrolmentFile, FrameError, MAX_FRAME_BYTES, MAX_PAYLOAD_BYTES,
    PROTOCOL_VERSIONS, PullPayload, PullRequest, PushResponse, StatusRequest, StatusResponse,
};

/// Why enrolment or a sync attempt failed. Each message is one line.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(
        "this device is not enrolled with a campus server; run `qalam enrol --server URL --code CODE` first"
    )]
    NotEnrolled,
    #[error("this device is already enrolled with {server}; it keeps that enrolment")]
    AlreadyEnrolled { server: String },
    #[error("{0}")]
    BadServer(String),
    #[error("could not reach the server at {url}: {message}")]
    Network { url: String, message: String },
    #[error("the server refused ({code}): {message}")]
    Refused {
        status: u16,
        code: String,
        message: String,
    },
    #[error(
        "the server speaks sync protocol versions {server:?}, this device {PROTOCOL_VERSIONS:?}; update Qalam on the older side"
    )]
    UnsupportedVersion { server: Vec<u32> },
    #[error("unexpected answer from the server: {0}")]
    Protocol(String),
    #[error("the server sent a bad batch: {0}")]
    Frame(#[from] FrameError),
    #[error(transparent)]
    Plan(#[from] plan::PlanError),
    #[error(transparent)]
    Core(#[from] CoreError),
}

impl SyncError {
    /// True when retrying later cannot help without someone acting
    /// (enrolment, a revoked or unknown credential, a version mismatch, a
    /// restored database).
    pub fn is_permanent(&self) -> bool {
        match self {
            SyncError::Refused { code, .. } => {
                matches!(
                    code.as_str(),
                    "bad_credential" | "revoked" | "no_credential" | "fork" | "wrong_org"
                )
            }
            SyncError::NotEnrolled
            | SyncError::AlreadyEnrolled { .. }
            | SyncError::BadServer(_)
            | SyncError::UnsupportedVersion { .. }
            | SyncError::Plan(_) => true,
            _ => false,
        }
    }
}

/// Tunables of one attempt.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// Server address to use instead of the enrolled one (the campus
    /// server moved, or is reached another way).
    pub server: Option<String>,
    /// Canonical event bytes read per pushed batch, before compression;
    /// the batch is halved until its frame fits [`MAX_FRAME_BYTES`].
    pub push_batch_bytes: usize,
    /// Canonical event bytes asked for per pull.
    pub pull_batch_bytes: usize,
    /// Wire size of the first batch frame of an attempt; each batch that
    /// arrives doubles it, up to what the link has carried lately (see
    /// `Pacing`) and [`MAX_FRAME_BYTES`].
    pub first_push_frame_bytes: usize,
    /// Wire size of the first frame of a push stream (protocol 3); the
    /// next ones double, up to 8 KiB and what the link has carried lately
    /// (`Pacing`), and a stream cut in flight keeps them all at this size
    /// in the next attempts. Frames of a stream compress against each
    /// other, so small ones cost little.
    pub push_stream_frame_bytes: usize,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            server: None,
            push_batch_bytes: 4 * 1024 * 1024,
            pull_batch_bytes: 2 * 1024 * 1024,
            first_push_frame_bytes: 8 * 1024,
            push_stream_frame_bytes: 4 * 1024,
        }
    }
}

/// The smallest frame a dropped connection makes batches shrink to.
pub const MIN_FRAME_BYTES: usize = 4 * 1024;

/// How big the next batch may be. Within an attempt, batches start small
/// and double with each one that arrives, as TCP's slow start does; across
/// attempts, a connection dropped while a batch was in flight halves the
/// `cap` (kept in the database, since a script retries with a new
/// process), and a completed attempt doubles it again. On a link that
/// drops every few tens of kilobytes, batches thus settle well below the
/// drop, and each connection loses at most a small batch in flight.
/// (Keeping instead the largest batch that arrived before the drop was
/// tried: through a link cut every 64 KiB it sent 2 % more bytes.)
#[derive(Debug, Clone, Copy)]
struct Pacing {
    cap: usize,
    next: usize,
    in_flight: usize,
}

impl Pacing {
    fn new(options: &SyncOptions, learned: Option<usize>) -> Self {
        let cap = learned
            .unwrap_or(MAX_FRAME_BYTES)
            .clamp(MIN_FRAME_BYTES, MAX_FRAME_BYTES);
        Pacing {
            cap,
            next: options.first_push_frame_bytes.clamp(1, cap),
            in_flight: 0,
        }
    }

    /// The frame budget for the next batch, now in flight.
    fn take(&mut self) -> usize {
        self.in_flight = self.next;
        self.next
    }

    fn arrived(&mut self) {
        self.in_flight = 0;
        self.next = self.next.saturating_mul(2).min(self.cap);
    }

    /// The cap to remember after an attempt that ended with `outcome`.
    fn learned(&self, outcome: &Result<(), SyncError>) -> Option<usize> {
        match outcome {
            Err(SyncError::Network { .. }) if self.in_flight > 0 => {
                Some((self.in_flight / 2).max(MIN_FRAME_BYTES))
            }
            Err(_) => (self.cap < MAX_FRAME_BYTES).then_some(self.cap),
            Ok(()) => Some(self.cap.saturating_mul(2)).filter(|c| *c < MAX_FRAME_BYTES),
        }
    }
}

/// What one attempt did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    pub server: String,
    /// This device's events the server newly stored.
    pub pushed: u64,
    pub push_batches: u64,
    /// Events received that were new here.
    pub pulled: u64,
    /// Events received that were already held.
    pub pulled_duplicates: u64,
    pub pull_batches: u64,
    pub bytes_sent: u64,
    pub bytes_received: u64,
    /// The device's clock minus the server's.
    pub skew_ms: i64,
    pub elapsed_ms: u64,
}

/// Enrols this device with the campus server at `server` using a
/// single-use code, and keeps the credential, address, organisation and
/// centre in the device database. Events written from the next opening of
/// the data folder on carry the organisation and centre.
pub fn enrol(device: &Device, server: &str, code: &str) -> Result<Enrolment, SyncError> {
    enrol_pinned(device, server, code, None)
}

/// [`enrol`], trusting only the campus CA `ca_pem` for HTTPS from now on.
pub fn enrol_pinned(
    device: &Device,
    server: &str,
    code: &str,
    ca_pem: Option<String>,
) -> Result<Enrolment, SyncError> {
    if let Some(existing) = state::enrolment(&device.conn())? {
        return Err(SyncError::AlreadyEnrolled {
            server: existing.url,
        });
    }
    let mut http = HttpClient::pinned(server, None, ca_pem.as_deref())?;
    let answer: EnrolResponse = http.post_json(
        "/v1/enrol",
        &EnrolRequest {
            code: code.trim().to_owned(),
            device_id: device.identity().device,
            credential_sha256: None,
        },
        false,
    )?;
    let credential = answer.credential.ok_or_else(|| {
        SyncError::Protocol("the server's enrolment answer has no credential".into())
    })?;
    let enrolment = Enrolment {
        url: http.base().to_owned(),
        credential,
        org: answer.org,
        centre: answer.centre,
        ca_pem,
    };
    state::save_enrolment(&mut device.conn(), &enrolment)?;
    device.refresh_identity()?;
    tracing::info!(server = %enrolment.url, org = %enrolment.org, centre = %enrolment.centre, "enrolled");
    Ok(enrolment)
}

/// Enrols this device offline, from an enrolment file an admin wrote with
/// `qalam server enrol-code --out FILE`: the device makes its own
/// credential and keeps the code until the server binds the two, at the
/// first sync (`/v1/enrol` with the credential's hash) or when it imports
/// the device's first bundle. `server` overrides the file's address.
pub fn enrol_from_file(
    device: &Device,
    file: &EnrolmentFile,
    server: Option<&str>,
) -> Result<Enrolment, SyncError> {
    if let Some(existing) = state::enrolment(&device.conn())? {
        return Err(SyncError::AlreadyEnrolled {
            server: existing.url,
        });
    }
    let url = match server.or(file.server.as_deref()) {
        Some(url) => HttpClient::new(url, None)?.base().to_owned(),
        None => String::new(),
    };
    let enrolment = Enrolment {
        url,
        credential: succession::new_credential()?,
        org: file.org,
        centre: file.centre,
        ca_pem: file.ca_pem.clone(),
    };
    {
        let mut conn = device.conn();
        state::save_enrolment(&mut conn, &enrolment)?;
        state::set_pending_code(&conn, Some(file.code.trim()))?;
    }
    device.refresh_identity()?;
    tracing::info!(org = %enrolment.org, centre = %enrolment.centre, "enrolled from a file; the server binds it at the first sync or bundle");
    Ok(enrolment)
}

/// The sha256 of a credential as the server stores it, in hex.
pub fn credential_sha256(credential: &str) -> String {
    hex::encode(crate::bundle::credential_key(credential))
}

/// Sync as a status line would show it (works offline).
pub fn sync_state(device: &Device) -> Result<SyncState, SyncError> {
    state::state(&device.conn(), device.identity())
}

/// One sync attempt: both directions, to completion. Returns an error if
/// either direction did not finish; what was committed stays committed,
/// and the next attempt continues from there.
pub fn sync_once(device: &Device, options: &SyncOptions) -> Result<SyncReport, SyncError> {
    let enrolment = state::enrolment(&device.conn())?.ok_or(SyncError::NotEnrolled)?;
    let url = options.server.as_deref().unwrap_or(&enrolment.url);
    if url.is_empty() {
        return Err(SyncError::BadServer(
            "this device was enrolled from a file that names no server; give one with `qalam sync --server URL`".into(),
        ));
    }
    let mut http = HttpClient::pinned(
        url,
        Some(enrolment.credential.clone()),
        enrolment.ca_pem.as_deref(),
    )?;
    let started = Instant::now();
    let mut report = SyncReport {
        server: http.base().to_owned(),
        ..SyncReport::default()
    };
    let mut pacing = Pacing::new(options, state::frame_cap(&device.conn())?);
    let outcome = attempt(device, options, &mut http, &mut pacing, &mut report);
    if outcome.is_ok() {
        // Secondary to the events: a server that cannot certify (an older
        // release) does not fail the sync; the next one asks again.
        if let Err(err) = certificate::ensure(device, &mut http) {
            tracing::warn!(%err, "could not get this device's key certified");
        }
    }
    if let Err(err) = state::set_frame_cap(&device.conn(), pacing.learned(&outcome)) {
        tracing::warn!(%err, "could not record the learned batch size");
    }
    report.bytes_sent = http.sent;
    report.bytes_received = http.received;
    report.elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let error = outcome.as_ref().err().map(ToString::to_string);
    if let Err(err) =
        state::record_attempt(&device.conn(), http.sent, http.received, error.as_deref())
    {
        tracing::warn!(%err, "could not record the sync attempt");
    }
    match outcome {
        Ok(()) => {
            tracing::info!(
                pushed = report.pushed,
                pulled = report.pulled,
                bytes_sent = report.bytes_sent,
                bytes_received = report.bytes_received,
                elapsed_ms = report.elapsed_ms,
                "sync complete"
            );
            Ok(report)
        }
        Err(err) => {
            tracing::warn!(%err, "sync attempt failed");
            Err(err)
        }
    }
}

fn attempt(
    device: &Device,
    options: &SyncOptions,
    http: &mut HttpClient,
    pacing: &mut Pacing,
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    let me = device.identity().device;

    // 0. Ids the server has not learnt of yet (an offline enrolment, a new
    //    id after a repair) are registered first; the status proves it.
    let ca_pem = state::enrolment(&device.conn())?.and_then(|e| e.ca_pem);
    let base = http.base().to_owned();
    succession::register(device, &base, ca_pem.as_deref(), report)?;
    //    What is left of the chains of earlier ids goes up with their own
    //    credentials.
    succession::push_predecessors(device, options, &base, ca_pem.as_deref(), report)?;
    // 1. Status, 2. plan.
    let (status, head) = status_round(device, http, report)?;
    state::set_pending_code(&device.conn(), None)?;
    let cursors = state::cursors(&device.conn())?;
    let plan = plan::plan(me, head, status.acked_to, &status.vector, &cursors)?;
    tracing::debug!(?plan, "sync plan");

    // 3. Push, batch by batch; each is committed on the server before the
    //    next is read.
    //    Batch sizes follow `pacing`. A server of protocol 3 takes them
    //    as one stream of small frames instead, each committed on arrival.
    let streamed = match &plan.push {
        Some(range) if http.protocol() >= wire::PUSH_STREAMS_SINCE => {
            let span = (*range.start(), *range.end());
            let writer = device.identity();
            stream::push_streams(device, writer, options, http, pacing, span, report)?;
            true
        }
        _ => false,
    };
    if let Some(range) = plan.push.clone().filter(|_| !streamed) {
        let mut from = *range.start();
        while from <= *range.end() {
            let budget = pacing.take();
            let acked = push_batch(
                device,
                device.identity(),
                options,
                http,
                (from, *range.end()),
                budget,
                report,
            )?;
            pacing.arrived();
            if acked < from {
                return Err(SyncError::Protocol(format!(
                    "the server acknowledged up to {acked}, below the batch sent from {from}"
                )));
            }
            state::set_acked(&device.conn(), acked)?;
            from = acked + 1;
        }
    }

    // What was just pushed can make learners entitled here (a visitor
    // signed in on this device): ask again before pulling, so their events
    // come in this attempt rather than the next.
    let plan = if report.pushed > 0 {
        let (status, head) = status_round(device, http, report)?;
        let cursors = state::cursors(&device.conn())?;
        plan::plan(me, head, status.acked_to, &status.vector, &cursors)?
    } else {
        plan
    };

    // 4. Pull, writer by writer, from the cursors, paced like pushes
    //    (events shrink about twentyfold on the wire: 16 times the frame
    //    budget in event bytes fills a frame).
    for (writer, range) in plan.pull {
        let mut from = *range.start();
        loop {
            let max_bytes = pacing
                .take()
                .saturating_mul(16)
                .clamp(1, options.pull_batch_bytes.max(1));
            let frame = http.post_for_frame(
                "/v1/sync/pull",
                &PullRequest {
                    device: writer,
                    from_seq: from,
                    max_bytes,
                },
            )?;
            pacing.arrived();
            let payload = PullPayload::decode(&wire::decode_frame(&frame)?, writer)?;
            let stalled = !payload.complete && payload.next_seq <= from;
            if stalled || payload.events.iter().any(|e| e.seq < from) {
                return Err(SyncError::Protocol(format!(
                    "the pull of {writer} from {from} did not progress"
                )));
            }
            {
                let mut conn = device.conn();
                let tx = conn
                    .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                    .map_err(|e| CoreError::db("start saving received events", e))?;
                let merged = crate::events::merge_into(&tx, &payload.events)?;
                let moved =
                    state::advance_cursor(&tx, writer, from - 1, payload.next_seq.max(from) - 1)?;
                tx.commit()
                    .map_err(|e| CoreError::db("save the received events", e))?;
                report.pulled += merged.new;
                report.pulled_duplicates += merged.duplicate;
                report.pull_batches += 1;
                if !moved {
                    // Another attempt on this device moved the cursor: the
                    // events are kept (merging is idempotent), the cursor
                    // is theirs, and the next attempt continues from it.
                    tracing::info!(%writer, "pull cursor moved by another attempt; leaving it");
                    return Err(SyncError::Protocol(
                        "another sync of this device ran at the same time; try again".into(),
                    ));
                }
            }
            if payload.complete {
                break;
            }
            from = payload.next_seq;
        }
    }
    Ok(())
}

/// Sends a status request and applies its answer (cursor rewinds, epoch,
/// ack, skew) durably. Returns the answer and this device's head as sent.
fn status_round(
    device: &Device,
    http: &mut HttpClient,
    report: &mut SyncReport,
) -> Result<(StatusResponse, u64), SyncError> {
    let identity = *device.identity();
    let me = identity.device;
    let (head, epoch) = {
        let conn = device.conn();
        (
            state::own_head(&conn, &identity)?,
            state::presence_epoch(&conn)?,
        )
    };
    let clock_ms = i64::try_from(device.clock().now_ms()).unwrap_or(i64::MAX);
    let status: StatusResponse = http.post_json(
        "/v1/sync/status",
        &StatusRequest {
            versions: PROTOCOL_VERSIONS.to_vec(),
            clock_ms,
            head,
            presence_epoch: epoch,
        },
        false,
    )?;
    if !PROTOCOL_VERSIONS.contains(&status.version) {
        return Err(SyncError::UnsupportedVersion {
            server: vec![status.version],
        });
    }
    if status.device != me {
        return Err(SyncError::Protocol(format!(
            "the server answered for device {}, not this device {me}",
            status.device
        )));
    }
    http.set_protocol(status.version);
    report.skew_ms = status.skew_ms;
    let rewind: Vec<(DeviceId, u64)> = status
        .rewind
        .iter()
        .filter(|r| r.device != me)
        .map(|r| (r.device, r.from_seq))
        .collect();
    state::apply_status(
        &mut device.conn(),
        status.presence_epoch,
        &rewind,
        status.acked_to,
        status.skew_ms,
    )?;
    Ok((status, head))
}

/// Pushes one batch of this device's events from `from` (at most up to
/// `to`) in a frame of at most `budget` bytes (or one event), and returns
/// the server's ack.
fn push_batch(
    device: &Device,
    writer: &crate::storage::identity::Identity,
    options: &SyncOptions,
    http: &mut HttpClient,
    (from, to): (u64, u64),
    budget: usize,
    report: &mut SyncReport,
) -> Result<u64, SyncError> {
    let limit = usize::try_from(to - from + 1).unwrap_or(usize::MAX);
    // Events shrink about twentyfold in a frame; reading 64 times the
    // budget leaves room, and the loop below halves what does not fit.
    let read_bytes = options
        .push_batch_bytes
        .min(budget.saturating_mul(64))
        .max(1);
    let mut events: Vec<Event> =
        state::own_events(&device.conn(), writer, from, limit, read_bytes)?;
    if events.first().map(|e| e.seq) != Some(from) {
        return Err(SyncError::Core(CoreError::BadRequest(format!(
            "event {from} of this device is missing from its log; run `qalam doctor`"
        ))));
    }
    let prefix = match http.protocol() >= wire::PREFIX_FRAMES_SINCE {
        true => prefix_of(device, writer, from)?,
        false => None,
    };
    let frame = loop {
        let run = encode_run(&events).map_err(|e| {
            CoreError::BadRequest(format!(
                "this device's own chain is broken near seq {from} ({e}); run `qalam doctor`"
            ))
        })?;
        let frame = match (&prefix, run.len() <= MAX_PAYLOAD_BYTES) {
            (_, false) => None,
            (Some((bytes, at)), true) => Some(wire::encode_frame_with_prefix(&run, bytes, *at)?),
            (None, true) => Some(wire::encode_frame(&run)?),
        };
        match frame {
            Some(frame) if frame.len() <= budget || events.len() == 1 => break frame,
            // Shrink in proportion (aiming a tenth below the budget), so
            // frames come out close to it rather than anywhere above half.
            Some(frame) => {
                let scaled = events.len() * budget / frame.len() * 9 / 10;
                events.truncate(scaled.clamp(1, events.len() - 1));
            }
            None => events.truncate(events.len().div_ceil(2)),
        }
    };
    let count = events.len() as u64;
    let answer: PushResponse = match http.post_frame("/v1/sync/push", frame) {
        // The server lacks the prefix (it lost events, e.g. restored from
        // a backup): the next batch starts where it says it is.
        Err(SyncError::Refused { code, .. }) if code == "unknown_prefix" => {
            tracing::warn!(
                from,
                "the server lacks the prefix of a batch; starting again from its ack"
            );
            return Err(SyncError::Protocol(
                "the server no longer holds this device's events before the batch; sync again"
                    .into(),
            ));
        }
        other => other?,
    };
    report.pushed += answer.inserted as u64;
    report.push_batches += 1;
    tracing::debug!(from, count, acked_to = answer.acked_to, "pushed a batch");
    Ok(answer.acked_to)
}

/// The run of the (at most [`wire::MAX_PREFIX_EVENTS`]) events of
/// `writer` just before `from`, which the server holds since it
/// acknowledged them: a batch compressed against it names its learners,
/// lessons and packs for a few bytes each.
fn prefix_of(
    device: &Device,
    writer: &crate::storage::identity::Identity,
    from: u64,
) -> Result<Option<(Vec<u8>, wire::PrefixRef)>, SyncError> {
    let count = from
        .saturating_sub(1)
        .min(u64::from(wire::MAX_PREFIX_EVENTS));
    if count == 0 {
        return Ok(None);
    }
    let first = from - count;
    let events = state::own_events(
        &device.conn(),
        writer,
        first,
        usize::try_from(count).unwrap_or(usize::MAX),
        PREFIX_BYTES,
    )?;
    if events.first().map(|e| e.seq) != Some(first) {
        return Ok(None);
    }
    let at = wire::PrefixRef {
        from_seq: first,
        count: u32::try_from(events.len()).unwrap_or(0),
    };
    Ok(encode_run(&events).ok().map(|run| (run, at)))
}

/// Canonical bytes read for a prefix at most (some 16,000 typical events).
const PREFIX_BYTES: usize = 2 * 1024 * 1024;

#[cfg(test)]
mod pacing_tests {
    use super::*;

    fn dropped() -> Result<(), SyncError> {
        Err(SyncError::Network {
            url: "http://x".into(),
            message: "connection reset".into(),
        })
    }

    #[test]
    fn batches_double_within_an_attempt_up_to_the_cap() {
        let mut pacing = Pacing::new(&SyncOptions::default(), Some(20 * 1024));
        let sizes: Vec<usize> = (0..4)
            .map(|_| {
                let size = pacing.take();
                pacing.arrived();
                size
            })
            .collect();
        assert_eq!(sizes, [8 * 1024, 16 * 1024, 20 * 1024, 20 * 1024]);
    }

    #[test]
    fn a_drop_halves_the_batch_in_flight_and_success_doubles_back() {
        let mut pacing = Pacing::new(&SyncOptions::default(), None);
        for _ in 0..3 {
            pacing.take();
            pacing.arrived();
        }
        assert_eq!(pacing.take(), 64 * 1024);
        assert_eq!(pacing.learned(&dropped()), Some(32 * 1024));
        // Never below the floor, however small the batch that was lost.
        let mut small = Pacing::new(&SyncOptions::default(), Some(MIN_FRAME_BYTES));
        small.take();
        assert_eq!(small.learned(&dropped()), Some(MIN_FRAME_BYTES));
        // A completed attempt doubles the cap, and forgets it at the limit.
        let learned = Pacing::new(&SyncOptions::default(), Some(32 * 1024));
        assert_eq!(learned.learned(&Ok(())), Some(64 * 1024));
        let full = Pacing::new(&SyncOptions::default(), Some(MAX_FRAME_BYTES / 2));
        assert_eq!(full.learned(&Ok(())), None);
        // Other failures (refusals, a broken answer) keep what was learned.
        let refused = Err(SyncError::Protocol("bad".into()));
        assert_eq!(learned.learned(&refused), Some(32 * 1024));
    }
}
