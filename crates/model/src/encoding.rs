//! The canonical byte encoding of an event.
//!
//! Wire format: do not modify. Every event hash is the sha256 of these
//! bytes, so changing the layout would break every chain already stored.
//! `tests/wire_golden.rs` holds the bytes and hashes of fixed events and
//! fails on any change. A new layout would need a new format byte, with the
//! old one still decoded, and a plan for the chains already written.
//!
//! Layout of format 1 (`docs/EVENTS.md` has the same table):
//!
//! | offset | size     | field                                  |
//! |--------|----------|----------------------------------------|
//! | 0      | 1        | format, `0x01`                         |
//! | 1      | 16       | device id                              |
//! | 17     | 16       | org id                                 |
//! | 33     | 16       | centre id                              |
//! | 49     | 16       | learner id                             |
//! | 65     | 32       | prev_hash                              |
//! | 97     | varint   | seq (≥ 1)                              |
//! |        | varint   | hlc.wall_ms                            |
//! |        | varint   | hlc.counter (≤ u32::MAX)               |
//! |        | varint+n | kind (length, then ASCII bytes)        |
//! |        | varint   | schema version (≤ u16::MAX)            |
//! |        | varint+n | payload (length, then the raw bytes)   |
//!
//! Varints are unsigned LEB128 and must be minimal. Fixed-width fields come
//! first so that a store or a debugger can read ids at known offsets.

use crate::event::{Event, MAX_KIND_LEN, MAX_PAYLOAD_LEN, is_valid_kind};
use crate::hlc::Hlc;
use crate::ids::{CentreId, DeviceId, EventHash, LearnerId, OrgId};
use crate::wire::{DecodeError, Reader, Writer};

/// The format byte of the only layout so far.
pub const FORMAT_V1: u8 = 1;

impl Event {
    /// The canonical bytes: what is hashed, stored and sent.
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::with_capacity(112 + self.kind.len() + self.payload.len());
        write_event(&mut w, self);
        w.into_bytes()
    }

    /// Reads canonical bytes back. Refuses anything that is not exactly one
    /// well-formed event, so `Event::decode(b)?.encode() == b` always holds.
    pub fn decode(bytes: &[u8]) -> Result<Event, DecodeError> {
        let mut r = Reader::new(bytes);
        let event = read_event(&mut r)?;
        r.finish()?;
        Ok(event)
    }
}

pub(crate) fn write_event(w: &mut Writer, e: &Event) {
    w.u8(FORMAT_V1);
    w.fixed(e.device.as_bytes());
    w.fixed(e.org.as_bytes());
    w.fixed(e.centre.as_bytes());
    w.fixed(e.learner.as_bytes());
    w.fixed(e.prev_hash.as_bytes());
    w.varint(e.seq);
    w.varint(e.hlc.wall_ms);
    w.varint(u64::from(e.hlc.counter));
    w.str(&e.kind);
    w.varint(u64::from(e.schema));
    w.bytes(&e.payload);
}

pub(crate) fn read_event(r: &mut Reader<'_>) -> Result<Event, DecodeError> {
    let format = r.u8("format")?;
    if format != FORMAT_V1 {
        return Err(DecodeError::UnknownFormat(format));
    }
    let device = DeviceId::from_bytes(r.fixed("device")?);
    let org = OrgId::from_bytes(r.fixed("org")?);
    let centre = CentreId::from_bytes(r.fixed("centre")?);
    let learner = LearnerId::from_bytes(r.fixed("learner")?);
    let prev_hash = EventHash::from_bytes(r.fixed("prev_hash")?);
    let seq = r.varint("seq")?;
    if seq == 0 {
        return Err(DecodeError::OutOfRange {
            what: "seq",
            value: 0,
        });
    }
    let hlc = Hlc::new(r.varint("hlc.wall_ms")?, r.varint_u32("hlc.counter")?);
    let kind = r.str("kind", MAX_KIND_LEN)?;
    if !is_valid_kind(kind) {
        return Err(DecodeError::Invalid {
            what: "kind",
            why: format!("{kind:?} is not snake_case ASCII"),
        });
    }
    let kind = kind.to_owned();
    let schema = r.varint_u16("schema")?;
    let payload = r.bytes("payload", MAX_PAYLOAD_LEN)?.to_vec();
    Ok(Event {
        device,
        seq,
        hlc,
        org,
        centre,
        learner,
        prev_hash,
        kind,
        schema,
        payload,
    })
}

/// Checks what [`Event::decode`] would refuse, without encoding.
pub(crate) fn check_limits(e: &Event) -> Result<(), DecodeError> {
    if e.seq == 0 {
        return Err(DecodeError::OutOfRange {
            what: "seq",
            value: 0,
        });
    }
    if !is_valid_kind(&e.kind) {
        return Err(DecodeError::Invalid {
            what: "kind",
            why: format!("{:?} is not snake_case ASCII", e.kind),
        });
    }
    if e.payload.len() > MAX_PAYLOAD_LEN {
        return Err(DecodeError::OutOfRange {
            what: "payload",
            value: e.payload.len() as u64,
        });
    }
    Ok(())
}
