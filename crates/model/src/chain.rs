//! Per-device hash chains: building the next event and verifying a log.

use thiserror::Error;

use crate::encoding::check_limits;
use crate::event::Event;
use crate::hlc::{Hlc, tick};
use crate::ids::{CentreId, DeviceId, EventHash, LearnerId, OrgId};
use crate::payload::{Payload, PayloadError};
use crate::wire::DecodeError;

/// A position in one device's chain: the last sequence number and the hash
/// of the event there. Seq 0 with the zero hash is the empty chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ChainPoint {
    pub seq: u64,
    pub hash: EventHash,
}

impl ChainPoint {
    /// Before the first event.
    pub const GENESIS: ChainPoint = ChainPoint {
        seq: 0,
        hash: EventHash::GENESIS,
    };

    /// The point just after `event`.
    pub fn after(event: &Event) -> ChainPoint {
        ChainPoint {
            seq: event.seq,
            hash: event.hash(),
        }
    }
}

/// What the device engine keeps between appends: its chain point plus its
/// clock. `hlc` is the device's current clock value, which is its last
/// event's HLC *or later*: after merging remote events the engine sets it to
/// [`crate::observe`] of the largest remote HLC, so that its next event is
/// ordered after everything it has seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ChainTip {
    pub seq: u64,
    pub hash: EventHash,
    pub hlc: Hlc,
}

impl ChainTip {
    /// A freshly installed device.
    pub const GENESIS: ChainTip = ChainTip {
        seq: 0,
        hash: EventHash::GENESIS,
        hlc: Hlc::ZERO,
    };

    /// The tip just after `event` was appended.
    pub fn after(event: &Event) -> ChainTip {
        ChainTip {
            seq: event.seq,
            hash: event.hash(),
            hlc: event.hlc,
        }
    }

    pub fn point(&self) -> ChainPoint {
        ChainPoint {
            seq: self.seq,
            hash: self.hash,
        }
    }
}

/// Why the builder refused to make an event.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum BuildError {
    /// A typed payload that would not decode back to itself: a string over
    /// its limit, a score over 100, or an `Unknown` payload that claims a
    /// kind and version this build knows.
    #[error("payload {kind} would not read back as written")]
    PayloadDoesNotRoundTrip { kind: String },
    #[error(transparent)]
    Payload(#[from] PayloadError),
    #[error("event would be invalid: {0}")]
    Invalid(#[from] DecodeError),
    #[error("sequence numbers of this device are exhausted")]
    SeqExhausted,
}

/// Makes a device's next event. It holds only the device's identity; the
/// engine passes in the tip it loaded from its store, so that a failed
/// commit leaves nothing in memory to undo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBuilder {
    device: DeviceId,
    org: OrgId,
    centre: CentreId,
}

impl ChainBuilder {
    /// `org` and `centre` are the device's enrolment; both are zero until
    /// the device is enrolled (see `docs/EVENTS.md`).
    pub fn new(device: DeviceId, org: OrgId, centre: CentreId) -> Self {
        ChainBuilder {
            device,
            org,
            centre,
        }
    }

    pub fn device(&self) -> DeviceId {
        self.device
    }

    /// The event after `last` for `learner`, stamped with
    /// `tick(last.hlc, physical_now_ms)`. Follow with
    /// [`ChainTip::after`] once the event is durably stored.
    pub fn next(
        &self,
        last: &ChainTip,
        physical_now_ms: u64,
        learner: LearnerId,
        payload: &Payload,
    ) -> Result<Event, BuildError> {
        let bytes = payload.to_bytes();
        let kind = payload.kind();
        let schema = payload.schema();
        // Writing what cannot be read back would poison every device that
        // syncs it, so refuse here, where the caller can still fix it. An
        // `Unknown` payload reads back as itself only if this build really
        // does not know its kind and version.
        if Payload::decode(kind, schema, &bytes)? != *payload {
            return Err(BuildError::PayloadDoesNotRoundTrip {
                kind: kind.to_owned(),
            });
        }
        self.next_raw(last, physical_now_ms, learner, kind, schema, bytes)
    }

    /// Like [`ChainBuilder::next`] for a payload given as kind, version and
    /// bytes, which are not checked against any layout. For tests and for
    /// tools that write kinds this crate does not define.
    pub fn next_raw(
        &self,
        last: &ChainTip,
        physical_now_ms: u64,
        learner: LearnerId,
        kind: &str,
        schema: u16,
        payload: Vec<u8>,
    ) -> Result<Event, BuildError> {
        let seq = last.seq.checked_add(1).ok_or(BuildError::SeqExhausted)?;
        let event = Event {
            device: self.device,
            seq,
            hlc: tick(last.hlc, physical_now_ms),
            org: self.org,
            centre: self.centre,
            learner,
            prev_hash: last.hash,
            kind: kind.to_owned(),
            schema,
            payload,
        };
        check_limits(&event)?;
        Ok(event)
    }

    /// `n` linked `test_note` events from seq 1, for three learners in
    /// turn, with clock readings from 1,000 ms: the same chain every time,
    /// for tests, benchmarks and fuzz seeds.
    pub fn sample_notes(&self, n: u64) -> Vec<Event> {
        let mut tip = ChainTip::GENESIS;
        let mut out = Vec::new();
        for i in 0..n {
            let learner = LearnerId::from_bytes([(i % 3) as u8; 16]);
            let Ok(event) =
                self.next_raw(&tip, 1_000 + i, learner, "test_note", 1, vec![i as u8; 3])
            else {
                break;
            };
            tip = ChainTip::after(&event);
            out.push(event);
        }
        out
    }
}

/// Exactly what is wrong with a device's chain.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ChainError {
    #[error("event at seq {seq} belongs to device {found}, not {expected}")]
    DeviceMismatch {
        seq: u64,
        expected: DeviceId,
        found: DeviceId,
    },
    #[error("gap: expected seq {expected}, found seq {found} ({} events missing)", .found - .expected)]
    Gap { expected: u64, found: u64 },
    #[error("out of order or duplicated: expected seq {expected}, found seq {found}")]
    OutOfOrder { expected: u64, found: u64 },
    #[error(
        "hash mismatch at seq {seq}: prev_hash is {found}, the previous event hashes to {expected}"
    )]
    HashMismatch {
        seq: u64,
        expected: EventHash,
        found: EventHash,
    },
    #[error("malformed event at seq {seq}: {source}")]
    Malformed {
        seq: u64,
        #[source]
        source: DecodeError,
    },
}

/// Verifies a whole device log: `events` are one device's events in seq
/// order from seq 1. An empty log is valid.
///
/// Payloads are not decoded: an event of a kind this build does not know
/// verifies like any other.
pub fn verify_chain(events: &[Event]) -> Result<(), ChainError> {
    match events.first() {
        None => Ok(()),
        Some(first) => verify_chain_from(first.device, ChainPoint::GENESIS, events).map(|_| ()),
    }
}

/// Verifies events that continue a chain known up to `after` (a server
/// checking a pushed batch against what it holds). Returns the new point.
pub fn verify_chain_from(
    device: DeviceId,
    after: ChainPoint,
    events: &[Event],
) -> Result<ChainPoint, ChainError> {
    let mut point = after;
    for event in events {
        let expected_seq = point.seq.saturating_add(1);
        if event.device != device {
            return Err(ChainError::DeviceMismatch {
                seq: event.seq,
                expected: device,
                found: event.device,
            });
        }
        if event.seq > expected_seq {
            return Err(ChainError::Gap {
                expected: expected_seq,
                found: event.seq,
            });
        }
        if event.seq < expected_seq {
            return Err(ChainError::OutOfOrder {
                expected: expected_seq,
                found: event.seq,
            });
        }
        check_limits(event).map_err(|source| ChainError::Malformed {
            seq: event.seq,
            source,
        })?;
        if event.prev_hash != point.hash {
            return Err(ChainError::HashMismatch {
                seq: event.seq,
                expected: point.hash,
                found: event.prev_hash,
            });
        }
        point = ChainPoint::after(event);
    }
    Ok(point)
}

#[cfg(test)]
mod tests;
