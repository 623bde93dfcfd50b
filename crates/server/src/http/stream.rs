//! `POST /v1/sync/push/stream` (protocol 3): a push whose body is a
//! stream of small frames (`qalam_protocol::StreamEncoder`), each
//! verified and committed as soon as it has arrived whole, so a dropped
//! connection loses only the frame it cut. The body is read as it comes,
//! never held whole; the server keeps nothing between requests: the next
//! attempt's status says how far the stream got.

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::{Arc, PoisonError};
use std::time::Duration;

use axum::Json;
use axum::body::{Body, HttpBody};
use axum::extract::{Extension, State};
use axum::http::HeaderMap;
use qalam_model::{DeviceId, Event, decode_run};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};

use super::{ApiError, authenticate, check_version, prefix_run};
use crate::error::StoreError;
use crate::store::Store;
use crate::types::{Device, IngestOutcome};
use crate::wire::{
    MAX_STREAM_BYTES, PUSH_STREAMS_SINCE, PushResponse, StreamDecoder, StreamPart, StreamSplitter,
};

/// What the frames of one stream did, so far.
#[derive(Debug, Default)]
struct Committed {
    frames: usize,
    events: usize,
    inserted: usize,
    duplicates: usize,
    acked_to: Option<u64>,
}

/// Push-stream commits under way in this process, per device. A stream's
/// frames may still be committing when the client, its connection cut,
/// already asks for a new status; the status waits (at most
/// [`SETTLE_TIMEOUT`]) for them, so that its `acked_to` counts every frame
/// that had arrived and the next stream does not send them again. Nothing
/// else depends on it: a status answered by another server process, or
/// after the timeout, only costs a few frames sent twice.
#[derive(Clone, Default)]
pub(super) struct Commits(Arc<std::sync::Mutex<HashMap<DeviceId, Arc<tokio::sync::Mutex<()>>>>>);

/// How long a status waits for its device's stream commits.
const SETTLE_TIMEOUT: Duration = Duration::from_secs(5);

impl Commits {
    fn lock_of(&self, device: DeviceId) -> Arc<tokio::sync::Mutex<()>> {
        let mut map = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        // Locks nobody holds a handle on are forgotten.
        map.retain(|_, lock| Arc::strong_count(lock) > 1);
        Arc::clone(map.entry(device).or_default())
    }

    /// Waits until no stream of `device` is committing frames it has
    /// received.
    pub(super) async fn settle(&self, device: DeviceId) {
        let lock = self.lock_of(device);
        if tokio::time::timeout(SETTLE_TIMEOUT, lock.lock())
            .await
            .is_err()
        {
            tracing::warn!(%device, "a push stream of this device is still committing; answering the status without waiting");
        }
    }
}

/// Unprocessed bytes of one stream the server holds at most: the body is
/// read ahead of the commits by this much, then waits for them.
const READ_AHEAD_BYTES: usize = 1024 * 1024;

pub(super) async fn push_stream(
    State(store): State<Arc<dyn Store>>,
    Extension(commits): Extension<Commits>,
    headers: HeaderMap,
    mut body: Body,
) -> Result<Json<PushResponse>, ApiError> {
    let version = check_version(&headers)?;
    if version < PUSH_STREAMS_SINCE {
        return Err(ApiError::Version);
    }
    let device = authenticate(&store, &headers).await?;
    // The frames are verified and committed on a task of their own, fed
    // through a channel: when the connection drops, hyper drops this
    // handler at once, but the task still commits every whole frame that
    // had arrived, then ends. It holds no more than READ_AHEAD_BYTES.
    let (tx, rx) = mpsc::unbounded_channel();
    let budget = Arc::new(Semaphore::new(READ_AHEAD_BYTES));
    let lock = commits.lock_of(device.id);
    let worker = tokio::spawn(ingest_stream(Arc::clone(&store), device.clone(), rx, lock));
    let mut read = 0usize;
    let mut cut = None;
    loop {
        match chunk(&mut body).await {
            Ok(Some(bytes)) => {
                read += bytes.len();
                let want = u32::try_from(bytes.len().min(READ_AHEAD_BYTES)).unwrap_or(u32::MAX);
                let Ok(permit) = Arc::clone(&budget).acquire_many_owned(want).await else {
                    cut = Some("the read-ahead closed".to_owned());
                    break;
                };
                if tx.send(Chunk::Data(bytes, permit)).is_err() {
                    // The task stopped: a refused frame.
                    break;
                }
            }
            Ok(None) => {
                let _ = tx.send(Chunk::End);
                break;
            }
            Err(why) => {
                cut = Some(why);
                break;
            }
        }
    }
    drop(tx);
    let (outcome, done) = worker
        .await
        .map_err(|e| ApiError::Internal(format!("the push stream task failed: {e}")))?;
    tracing::info!(
        device = %device.id,
        frames = done.frames,
        events = done.events,
        inserted = done.inserted,
        wire_bytes = read,
        acked_to = done.acked_to,
        ok = outcome.is_ok(),
        "sync push stream"
    );
    if let Some(why) = cut {
        tracing::info!(device = %device.id, %why, "push stream cut; its whole frames are kept");
        return Err(ApiError::BadRequest(format!("the stream was cut: {why}")));
    }
    match outcome {
        Ok(()) => {
            let acked_to = match done.acked_to {
                Some(acked) => acked,
                None => store.head_seq(device.id).await?,
            };
            Ok(Json(PushResponse {
                acked_to,
                inserted: done.inserted,
                duplicates: done.duplicates,
            }))
        }
        Err(err) => {
            drain(&mut body, read).await;
            Err(err)
        }
    }
}

/// What the reading half hands the committing task.
enum Chunk {
    /// Bytes as they arrived, holding their share of the read-ahead.
    Data(axum::body::Bytes, OwnedSemaphorePermit),
    /// The body ended where the client meant it to.
    End,
}

/// The next chunk of the body, `None` at its end.
async fn chunk(body: &mut Body) -> Result<Option<axum::body::Bytes>, String> {
    loop {
        let frame = std::future::poll_fn(|cx| Pin::new(&mut *body).poll_frame(cx)).await;
        match frame {
            None => return Ok(None),
            Some(Err(err)) => return Err(err.to_string()),
            Some(Ok(frame)) => {
                if let Ok(data) = frame.into_data() {
                    return Ok(Some(data));
                }
                // Trailers: nothing to do with them.
            }
        }
    }
}

/// Frames waiting for one commit hold at most this many events.
const GROUP_EVENTS: usize = 4 * 1024;

/// Verifies and commits the frames of a stream as their bytes come in
/// through `chunks`. Frames that arrived while the previous commit ran are
/// committed together (group commit), so the server keeps up with a fast
/// link. A channel closed without [`Chunk::End`] is a cut stream: its
/// whole frames are committed all the same.
async fn ingest_stream(
    store: Arc<dyn Store>,
    device: Device,
    mut chunks: mpsc::UnboundedReceiver<Chunk>,
    lock: Arc<tokio::sync::Mutex<()>>,
) -> (Result<(), ApiError>, Committed) {
    let mut done = Committed::default();
    let mut splitter = StreamSplitter::new();
    let mut decoder: Option<StreamDecoder> = None;
    let mut pending: Vec<Vec<Event>> = Vec::new();
    let (mut ended, mut cut) = (false, false);
    // Held while frames that arrived are being decoded and committed,
    // released while waiting for the network.
    let mut busy = None;
    let outcome = async {
        loop {
            if busy.is_none() {
                busy = Some(Arc::clone(&lock).lock_owned().await);
            }
            // Decode every frame that has arrived, up to a group's worth.
            let mut failed = None;
            let mut waiting = 0;
            while !ended && !cut {
                if waiting >= GROUP_EVENTS {
                    break;
                }
                let part = match splitter.next_part() {
                    Ok(part) => part,
                    Err(err) => {
                        failed = Some(ApiError::from(err));
                        break;
                    }
                };
                match (part, decoder.as_mut()) {
                    (None, _) => match chunks.try_recv() {
                        Ok(Chunk::Data(bytes, _permit)) => {
                            if let Err(err) = splitter.feed(&bytes) {
                                failed = Some(err.into());
                                break;
                            }
                        }
                        Ok(Chunk::End) => ended = true,
                        Err(mpsc::error::TryRecvError::Empty) => break,
                        Err(mpsc::error::TryRecvError::Disconnected) => cut = true,
                    },
                    (Some(StreamPart::Header(prefix)), None) => {
                        let run = match prefix {
                            Some(at) => prefix_run(&store, device.id, at).await?,
                            None => Vec::new(),
                        };
                        decoder = Some(StreamDecoder::new(&run)?);
                    }
                    (Some(StreamPart::Frame(frame)), Some(decoder)) => {
                        let decoded =
                            decoder
                                .decode(&frame)
                                .map_err(ApiError::from)
                                .and_then(|run| {
                                    decode_run(&run).map_err(|e| StoreError::Run(e).into())
                                });
                        match decoded {
                            Ok(events) => {
                                waiting += events.len();
                                pending.push(events);
                            }
                            Err(err) => {
                                failed = Some(err);
                                break;
                            }
                        }
                    }
                    // The splitter gives the header once, first.
                    _ => {
                        failed = Some(ApiError::BadRequest("malformed push stream".into()));
                        break;
                    }
                }
            }
            // Whole frames are kept, even those before a refused one.
            commit(&store, &device, std::mem::take(&mut pending), &mut done).await?;
            if let Some(err) = failed {
                return Err(err);
            }
            if ended {
                splitter.finish()?;
                return Ok(());
            }
            if cut {
                // Nobody is left to answer.
                return Ok(());
            }
            if waiting >= GROUP_EVENTS {
                // A full group: there may be more frames waiting.
                continue;
            }
            busy = None;
            match chunks.recv().await {
                Some(Chunk::Data(bytes, _permit)) => splitter.feed(&bytes)?,
                Some(Chunk::End) => ended = true,
                None => cut = true,
            }
        }
    }
    .await;
    (outcome, done)
}

/// Commits decoded frames: in one transaction, or when that is refused,
/// one by one, so that the frames before a bad one are kept.
async fn commit(
    store: &Arc<dyn Store>,
    device: &Device,
    frames: Vec<Vec<Event>>,
    done: &mut Committed,
) -> Result<(), ApiError> {
    if frames.is_empty() {
        return Ok(());
    }
    let count = frames.len();
    if count > 1 {
        let all: Vec<Event> = frames.iter().flatten().cloned().collect();
        let (first, events) = (all.first().map_or(0, |e| e.seq), all.len());
        match store.ingest(device.id, all).await {
            Ok(outcome) => {
                record(done, count, first, events, outcome);
                return Ok(());
            }
            Err(err) => {
                tracing::debug!(%err, frames = count, "a group of frames was refused; committing them one by one");
            }
        }
    }
    for frame in frames {
        let (first, events) = (frame.first().map_or(0, |e| e.seq), frame.len());
        let outcome = store.ingest(device.id, frame).await?;
        record(done, 1, first, events, outcome);
    }
    Ok(())
}

fn record(done: &mut Committed, frames: usize, first: u64, count: usize, outcome: IngestOutcome) {
    tracing::debug!(
        frames,
        first,
        count,
        acked_to = outcome.acked_to,
        "push stream frames committed"
    );
    done.frames += frames;
    done.events += count;
    done.inserted += outcome.inserted;
    done.duplicates += outcome.duplicates;
    done.acked_to = Some(outcome.acked_to);
}

/// Reads and drops what is left of a refused stream (up to the stream
/// limit), so the client reads the refusal rather than a reset.
async fn drain(body: &mut Body, mut read: usize) {
    while read <= MAX_STREAM_BYTES {
        match chunk(body).await {
            Ok(Some(bytes)) => read += bytes.len(),
            Ok(None) | Err(_) => return,
        }
    }
}
