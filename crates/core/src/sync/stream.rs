//! Pushing through push streams (protocol 3; docs/SYNC_PROTOCOL.md, "Push
//! streams"): one request carries many small frames, all pieces of one
//! zstd stream, and the server commits each as it arrives. A dropped
//! connection thus costs only the frame it cut, while the frames, however
//! small, compress against everything sent before them.

use std::time::Instant;

use qalam_model::{Event, encode_run};

use super::client::HttpClient;
use super::wire::{self, MAX_STREAM_PAYLOAD_BYTES, PushResponse, StreamEncoder};
use super::{Pacing, SyncError, SyncOptions, SyncReport, prefix_of, state};
use crate::device::Device;
use crate::error::CoreError;
use crate::storage::identity::Identity;

/// Wire bytes of the first stream of an attempt: on a link as slow as
/// 5 KB/s it still arrives within the request timeout.
pub const FIRST_STREAM_BYTES: usize = 256 * 1024;
/// The most wire bytes one stream carries (the server takes twice this).
pub const MAX_STREAM_BYTES: usize = 8 * 1024 * 1024;
/// Later streams are sized to take about this long at the rate the
/// previous one went, well within the 60 s request timeout.
const STREAM_SECONDS: f64 = 15.0;
/// The largest frame of a stream. A frame costs about 130 bytes more
/// than the same events inside a larger one (its header and zstd's flush),
/// and a cut loses half a frame on average: for a link that drops every
/// `d` bytes the best frame is about `sqrt(2 × 130 × d)`, 4 KiB for 64 KiB
/// and 16 KiB for 1 MiB. 8 KiB sits between; a first attempt on a link
/// that drops without warning loses at most this.
pub const MAX_STREAM_FRAME_TARGET: usize = 8 * 1024;
/// Canonical event bytes read from the log at a time while building a
/// stream.
const READ_BYTES: usize = 2 * 1024 * 1024;
/// Events read from the log at a time.
const READ_EVENTS: usize = 32_768;

/// Pushes this device's events `from..=to` in as many streams as needed;
/// after each, records the server's ack.
pub(super) fn push_streams(
    device: &Device,
    writer: &Identity,
    options: &SyncOptions,
    http: &mut HttpClient,
    pacing: &mut Pacing,
    (from, to): (u64, u64),
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    let mut from = from;
    // Frames start small and double, up to what the link has carried
    // lately (`Pacing`'s cap) and MAX_STREAM_FRAME_TARGET.
    let first = options.push_stream_frame_bytes.max(1);
    let cap = pacing.cap.clamp(first, MAX_STREAM_FRAME_TARGET.max(first));
    let mut budget = FIRST_STREAM_BYTES;
    while from <= to {
        let started = Instant::now();
        let built = build(device, writer, (first, cap), (from, to), budget)?;
        let wire_bytes = built.body.len();
        // Dropped mid-stream, the link cut a frame: the next attempts keep
        // to the smallest frames, until attempts complete again.
        pacing.in_flight = first;
        let answer: PushResponse = match http.post_stream("/v1/sync/push/stream", built.body) {
            Err(SyncError::Refused { code, .. }) if code == "unknown_prefix" => {
                tracing::warn!(
                    from,
                    "the server lacks the prefix of a stream; starting again from its ack"
                );
                return Err(SyncError::Protocol(
                    "the server no longer holds this device's events before the batch; sync again"
                        .into(),
                ));
            }
            other => other?,
        };
        pacing.in_flight = 0;
        report.pushed += answer.inserted as u64;
        report.push_batches += built.frames;
        tracing::debug!(
            from,
            events = built.events,
            frames = built.frames,
            wire_bytes,
            acked_to = answer.acked_to,
            "pushed a stream"
        );
        if answer.acked_to < from {
            return Err(SyncError::Protocol(format!(
                "the server acknowledged up to {}, below the stream sent from {from}",
                answer.acked_to
            )));
        }
        state::set_acked(&device.conn(), answer.acked_to)?;
        from = answer.acked_to + 1;
        let rate = wire_bytes as f64 / started.elapsed().as_secs_f64().max(0.001);
        budget = ((rate * STREAM_SECONDS) as usize).clamp(FIRST_STREAM_BYTES, MAX_STREAM_BYTES);
    }
    Ok(())
}

struct Built {
    body: Vec<u8>,
    events: u64,
    frames: u64,
}

/// One stream from `from` on, of about `budget` wire bytes (or up to
/// `to`), in frames of about `first` wire bytes, doubling up to `cap`.
fn build(
    device: &Device,
    writer: &Identity,
    (first, cap): (usize, usize),
    (from, to): (u64, u64),
    budget: usize,
) -> Result<Built, SyncError> {
    let prefix = prefix_of(device, writer, from)?;
    let mut stream = StreamEncoder::new(prefix.as_ref().map(|(run, at)| (run.as_slice(), *at)))?;
    let cap = cap.clamp(1, wire::MAX_STREAM_FRAME_BYTES / 2);
    let mut target = first.clamp(1, cap);
    // Events per wire byte: a first guess (about five bytes an event),
    // then what this stream's frames measured.
    let (mut sent_events, mut sent_bytes) = (0usize, 0usize);
    // And payload bytes per event, which bound a frame before compression.
    let mut payload_bytes = 0usize;
    let mut next = from;
    while stream.len() < budget && next <= to {
        let limit = usize::try_from(to - next + 1)
            .unwrap_or(usize::MAX)
            .min(READ_EVENTS);
        let events: Vec<Event> =
            state::own_events(&device.conn(), writer, next, limit, READ_BYTES)?;
        if events.first().map(|e| e.seq) != Some(next) {
            return Err(SyncError::Core(CoreError::BadRequest(format!(
                "event {next} of this device is missing from its log; run `qalam doctor`"
            ))));
        }
        let last_read = events.last().map_or(next, |e| e.seq);
        let mut rest: &[Event] = &events;
        let mut framed_any = false;
        while !rest.is_empty() && stream.len() < budget {
            let wanted = (target * sent_events)
                .checked_div(sent_bytes)
                .unwrap_or(target / 5);
            // Within the payload bound, from the payload bytes per event.
            let bound = (MAX_STREAM_PAYLOAD_BYTES * 9 / 10 * sent_events)
                .checked_div(payload_bytes)
                .unwrap_or(usize::MAX);
            let wanted = wanted.min(bound).max(1);
            // The chunk's tail is short of a frame: read again from there,
            // unless it is all there is.
            if wanted > rest.len() && last_read < to && framed_any {
                break;
            }
            let mut take = wanted.min(rest.len());
            let run = loop {
                let run = encode_run(&rest[..take]).map_err(|e| {
                    CoreError::BadRequest(format!(
                        "this device's own chain is broken near seq {next} ({e}); run `qalam doctor`"
                    ))
                })?;
                if run.len() <= MAX_STREAM_PAYLOAD_BYTES || take == 1 {
                    break run;
                }
                take = take.div_ceil(2);
            };
            let bytes = stream.push_frame(&run)?;
            target = target.saturating_mul(2).min(cap);
            sent_events += take;
            sent_bytes += bytes;
            payload_bytes += run.len();
            framed_any = true;
            rest = &rest[take..];
            next += take as u64;
        }
    }
    Ok(Built {
        events: (next - from),
        frames: stream.frames() as u64,
        body: stream.into_body(),
    })
}
