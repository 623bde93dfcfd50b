//! Compact encoding of a run of consecutive events of one device, for sync
//! batches and USB bundles.
//!
//! In a run, every `prev_hash` but the first is the hash of the event
//! before it, so it is left out and recomputed by the receiver; ids that
//! repeat from the previous event are left out too; the HLC is sent as a
//! difference. The 32 random bytes of `prev_hash` are most of what zstd
//! cannot compress in a stream of canonical events, so this roughly
//! quarters the compressed size. The run ends with the hash of its last
//! event, so the receiver still detects any change to any byte: it rebuilds
//! each event in canonical form, chains the hashes and compares the end.
//!
//! The canonical encoding (`encoding.rs`) stays what is hashed and stored;
//! a run is only a way to carry events, and decodes to exactly the same
//! [`Event`] values.
//!
//! Wire format: do not modify. Layout of run format 1:
//!
//! | size     | field                                                    |
//! |----------|----------------------------------------------------------|
//! | 1        | run format, `0x01`                                       |
//! | 16       | device id                                                |
//! | varint   | seq of the first event (≥ 1)                             |
//! | 32       | prev_hash of the first event                             |
//! | varint   | number of events (≥ 1)                                   |
//! | …        | each event, below                                        |
//! | 32       | hash of the last event                                   |
//!
//! Each event: a flags byte (bit 0: org follows, bit 1: centre follows,
//! bit 2: learner follows, bit 3: kind and schema follow; on the first
//! event all four are set, later each is set exactly when the value differs
//! from the previous event's); the flagged ids (16 bytes each); the HLC
//! wall time as a zigzag varint difference from the previous event's (from
//! 0 for the first); the HLC counter as a varint; if flagged, the kind
//! (varint length, bytes) and schema (varint); the payload (varint length,
//! bytes).

use thiserror::Error;

use crate::chain::{ChainError, ChainPoint, verify_chain_from};
use crate::encoding::check_limits;
use crate::event::{Event, MAX_KIND_LEN, MAX_PAYLOAD_LEN, hash_bytes, is_valid_kind};
use crate::hlc::Hlc;
use crate::ids::{CentreId, DeviceId, EventHash, LearnerId, OrgId};
use crate::wire::{DecodeError, Reader, Writer};

/// The format byte of run layout 1.
pub const RUN_FORMAT_V1: u8 = 1;

const HAS_ORG: u8 = 1 << 0;
const HAS_CENTRE: u8 = 1 << 1;
const HAS_LEARNER: u8 = 1 << 2;
const HAS_KIND: u8 = 1 << 3;
const ALL: u8 = HAS_ORG | HAS_CENTRE | HAS_LEARNER | HAS_KIND;

/// Why events cannot be written as one run.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RunError {
    #[error("a run needs at least one event")]
    Empty,
    /// The events are not one unbroken piece of one device's chain, so the
    /// left-out hashes could not be recomputed.
    #[error("events are not a consecutive chain: {0}")]
    NotAChain(#[from] ChainError),
}

/// Writes consecutive events of one device (seq order, each linked to the
/// one before) as a run.
pub fn encode_run(events: &[Event]) -> Result<Vec<u8>, RunError> {
    let first = events.first().ok_or(RunError::Empty)?;
    let start = ChainPoint {
        seq: first.seq.saturating_sub(1),
        hash: first.prev_hash,
    };
    let end = verify_chain_from(first.device, start, events)?;

    let mut w = Writer::with_capacity(64 + events.len() * 48);
    w.u8(RUN_FORMAT_V1);
    w.fixed(first.device.as_bytes());
    w.varint(first.seq);
    w.fixed(first.prev_hash.as_bytes());
    w.varint(events.len() as u64);
    let mut previous: Option<&Event> = None;
    for event in events {
        let flags = match previous {
            None => ALL,
            Some(p) => {
                let mut flags = 0;
                if p.org != event.org {
                    flags |= HAS_ORG;
                }
                if p.centre != event.centre {
                    flags |= HAS_CENTRE;
                }
                if p.learner != event.learner {
                    flags |= HAS_LEARNER;
                }
                if p.kind != event.kind || p.schema != event.schema {
                    flags |= HAS_KIND;
                }
                flags
            }
        };
        w.u8(flags);
        if flags & HAS_ORG != 0 {
            w.fixed(event.org.as_bytes());
        }
        if flags & HAS_CENTRE != 0 {
            w.fixed(event.centre.as_bytes());
        }
        if flags & HAS_LEARNER != 0 {
            w.fixed(event.learner.as_bytes());
        }
        let previous_wall = previous.map_or(0, |p| p.hlc.wall_ms);
        // Two's-complement difference: exact for any pair of u64 values.
        w.signed_varint(event.hlc.wall_ms.wrapping_sub(previous_wall) as i64);
        w.varint(u64::from(event.hlc.counter));
        if flags & HAS_KIND != 0 {
            w.str(&event.kind);
            w.varint(u64::from(event.schema));
        }
        w.bytes(&event.payload);
        previous = Some(event);
    }
    w.fixed(end.hash.as_bytes());
    Ok(w.into_bytes())
}

/// Reads a run back into events, rebuilding every `prev_hash`, and checks
/// the final hash. Any changed byte gives an error.
pub fn decode_run(bytes: &[u8]) -> Result<Vec<Event>, DecodeError> {
    let mut r = Reader::new(bytes);
    let format = r.u8("run format")?;
    if format != RUN_FORMAT_V1 {
        return Err(DecodeError::UnknownFormat(format));
    }
    let device = DeviceId::from_bytes(r.fixed("device")?);
    let first_seq = r.varint("first seq")?;
    let mut prev_hash = EventHash::from_bytes(r.fixed("prev_hash")?);
    let count = r.varint("event count")?;
    // Each event takes at least 4 bytes, and the end hash 32: a hostile
    // count allocates nothing.
    if count == 0 || count > (r.remaining().saturating_sub(32) / 4) as u64 {
        return Err(DecodeError::OutOfRange {
            what: "event count",
            value: count,
        });
    }
    if first_seq == 0 || first_seq.checked_add(count - 1).is_none() {
        return Err(DecodeError::OutOfRange {
            what: "first seq",
            value: first_seq,
        });
    }
    let mut events: Vec<Event> = Vec::with_capacity(count as usize);
    for index in 0..count {
        let flags = r.u8("flags")?;
        let previous = events.last();
        let expected_all = previous.is_none();
        if flags & !ALL != 0 || (expected_all && flags != ALL) {
            return Err(DecodeError::OutOfRange {
                what: "flags",
                value: u64::from(flags),
            });
        }
        let org = read_or_keep(
            &mut r,
            flags & HAS_ORG,
            "org",
            previous.map(|p| p.org.to_bytes()),
        )?;
        let centre = read_or_keep(
            &mut r,
            flags & HAS_CENTRE,
            "centre",
            previous.map(|p| p.centre.to_bytes()),
        )?;
        let learner = read_or_keep(
            &mut r,
            flags & HAS_LEARNER,
            "learner",
            previous.map(|p| p.learner.to_bytes()),
        )?;
        let previous_wall = previous.map_or(0, |p| p.hlc.wall_ms);
        let wall_ms = previous_wall.wrapping_add(r.signed_varint("hlc.wall_ms")? as u64);
        let hlc = Hlc::new(wall_ms, r.varint_u32("hlc.counter")?);
        let (kind, schema) = match previous {
            Some(p) if flags & HAS_KIND == 0 => (p.kind.clone(), p.schema),
            _ => {
                let kind = r.str("kind", MAX_KIND_LEN)?;
                if !is_valid_kind(kind) {
                    return Err(DecodeError::Invalid {
                        what: "kind",
                        why: format!("{kind:?} is not snake_case ASCII"),
                    });
                }
                (kind.to_owned(), r.varint_u16("schema")?)
            }
        };
        if let Some(p) = previous {
            // A flag set for a value that did not change would give a second
            // encoding of the same run.
            let same = [
                (HAS_ORG, p.org.to_bytes() == org),
                (HAS_CENTRE, p.centre.to_bytes() == centre),
                (HAS_LEARNER, p.learner.to_bytes() == learner),
                (HAS_KIND, p.kind == kind && p.schema == schema),
            ];
            if same.iter().any(|&(flag, same)| same && flags & flag != 0) {
                return Err(DecodeError::NonCanonical("flags"));
            }
        }
        let payload = r.bytes("payload", MAX_PAYLOAD_LEN)?.to_vec();
        let event = Event {
            device,
            seq: first_seq + index,
            hlc,
            org: OrgId::from_bytes(org),
            centre: CentreId::from_bytes(centre),
            learner: LearnerId::from_bytes(learner),
            prev_hash,
            kind,
            schema,
            payload,
        };
        check_limits(&event)?;
        prev_hash = hash_bytes(&event.encode());
        events.push(event);
    }
    let end = EventHash::from_bytes(r.fixed("end hash")?);
    r.finish()?;
    if end != prev_hash {
        return Err(DecodeError::Invalid {
            what: "run",
            why: format!("the last event hashes to {prev_hash}, the run says {end}"),
        });
    }
    Ok(events)
}

fn read_or_keep(
    r: &mut Reader<'_>,
    flag: u8,
    what: &'static str,
    previous: Option<[u8; 16]>,
) -> Result<[u8; 16], DecodeError> {
    match previous {
        Some(bytes) if flag == 0 => Ok(bytes),
        _ => r.fixed(what),
    }
}
