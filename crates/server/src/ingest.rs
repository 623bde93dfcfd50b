//! The receipt rules shared by every backend; the backends supply the
//! stored head and bodies inside their transaction.

use qalam_model::{ChainError, ChainPoint, DeviceId, Event, LearnerId, verify_chain_from};

use crate::error::StoreError;
use crate::types::Device;

/// Checks what can be checked without the database: every event is the
/// pusher's, names its organisation (or none, before enrolment), fits the
/// database, and the batch is one unbroken piece of a chain.
pub(crate) fn check_batch(pusher: &Device, events: &[Event]) -> Result<(), StoreError> {
    for e in events {
        if e.device != pusher.id {
            return Err(StoreError::ForeignEvents {
                pusher: pusher.id,
                found: e.device,
            });
        }
        if !e.org.is_zero() && e.org != pusher.org {
            return Err(StoreError::WrongOrg {
                device: e.device,
                seq: e.seq,
                expected: pusher.org,
                found: e.org,
            });
        }
        to_i64(e.seq, "sequence number")?;
    }
    if let Some(first) = events.first() {
        let before = ChainPoint {
            seq: first.seq.saturating_sub(1),
            hash: first.prev_hash,
        };
        verify_chain_from(pusher.id, before, events)?;
    }
    Ok(())
}

/// How a checked batch meets the stored chain, whose head is `head`.
pub(crate) struct Split<'a> {
    /// Events the server already holds: each must equal the stored one.
    pub known: &'a [Event],
    /// Events to insert once [`continue_head`] accepted them.
    pub fresh: &'a [Event],
}

pub(crate) fn split(head: ChainPoint, events: &[Event]) -> Result<Split<'_>, StoreError> {
    let Some(first) = events.first() else {
        return Ok(Split {
            known: &[],
            fresh: &[],
        });
    };
    let expected = head.seq.saturating_add(1);
    if first.seq > expected {
        return Err(ChainError::Gap {
            expected,
            found: first.seq,
        }
        .into());
    }
    let known_len = usize::try_from(expected - first.seq)
        .unwrap_or(usize::MAX)
        .min(events.len());
    let (known, fresh) = events.split_at(known_len);
    Ok(Split { known, fresh })
}

/// Checks that `fresh` continues the stored head and returns the new head.
/// Called after the known part was compared with the stored events (so a
/// fork is reported as a fork): its last event is then the stored head
/// event, and checking `fresh` against the head covers the whole batch.
pub(crate) fn continue_head(
    device: DeviceId,
    head: ChainPoint,
    fresh: &[Event],
) -> Result<ChainPoint, StoreError> {
    Ok(verify_chain_from(device, head, fresh)?)
}

/// For each learner of `events`, in ascending id order, the least and the
/// greatest seq about them.
pub(crate) fn learner_spans(events: &[Event]) -> Vec<(LearnerId, u64, u64)> {
    let mut spans = std::collections::BTreeMap::new();
    for e in events {
        let span = spans.entry(e.learner).or_insert((e.seq, e.seq));
        span.0 = span.0.min(e.seq);
        span.1 = span.1.max(e.seq);
    }
    spans
        .into_iter()
        .map(|(learner, (lo, hi))| (learner, lo, hi))
        .collect()
}

pub(crate) fn to_i64(v: u64, what: &'static str) -> Result<i64, StoreError> {
    i64::try_from(v).map_err(|_| StoreError::OutOfRange(what))
}

pub(crate) fn to_u64(v: i64) -> Result<u64, StoreError> {
    u64::try_from(v).map_err(|_| StoreError::Corrupt(format!("negative sequence number {v}")))
}

/// The sequence numbers of `known`, for fetching the stored bodies.
pub(crate) fn known_range(known: &[Event]) -> Option<(i64, i64)> {
    Some((
        i64::try_from(known.first()?.seq).ok()?,
        i64::try_from(known.last()?.seq).ok()?,
    ))
}

/// Compares stored bodies `(seq, body)`, in seq order, with the known part
/// of a batch.
pub(crate) fn compare_known(
    device: DeviceId,
    known: &[Event],
    stored: &[(i64, Vec<u8>)],
) -> Result<(), StoreError> {
    if stored.len() != known.len() {
        return Err(StoreError::Corrupt(format!(
            "events of {device} below its head are missing"
        )));
    }
    for (e, (seq, body)) in known.iter().zip(stored) {
        if to_i64(e.seq, "sequence number")? != *seq {
            return Err(StoreError::Corrupt(format!(
                "events of {device} below its head are missing"
            )));
        }
        if *body != e.encode() {
            return Err(StoreError::Fork { device, seq: e.seq });
        }
    }
    Ok(())
}

/// Decodes a stored body, which must be the event of `device`.
pub(crate) fn decode_body(device: DeviceId, body: &[u8]) -> Result<Event, StoreError> {
    let e = Event::decode(body)
        .map_err(|err| StoreError::Corrupt(format!("event of {device} does not decode: {err}")))?;
    if e.device != device {
        return Err(StoreError::Corrupt(format!(
            "event stored under {device} belongs to {}",
            e.device
        )));
    }
    Ok(e)
}
