//! The event envelope.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::hlc::{Hlc, Stamp};
use crate::ids::{CentreId, DeviceId, EventHash, LearnerId, OrgId};
use crate::payload::{Payload, PayloadError, hex_bytes};

/// Longest kind name. Kinds are `snake_case` ASCII: see [`is_valid_kind`].
pub const MAX_KIND_LEN: usize = 64;
/// Largest payload. Real payloads are tens of bytes; the limit keeps a
/// hostile batch from making a device allocate much.
pub const MAX_PAYLOAD_LEN: usize = 64 * 1024;

/// One immutable fact in the log.
///
/// `(device, seq)` names the event everywhere. `hash()` covers every field,
/// payload bytes included, in the canonical encoding (`encoding.rs`), and
/// the next event of the same device stores it in `prev_hash`, so each
/// device's log is a verifiable chain.
///
/// The payload is kept as raw bytes with its kind and schema version, not as
/// a [`Payload`]: a device that does not know a kind still stores, verifies
/// and forwards it byte for byte. Call [`Event::payload`] to read it.
///
/// The fields are public so that stores can build events from columns; an
/// event that breaks the limits (seq 0, a kind that is not `snake_case`,
/// a payload over [`MAX_PAYLOAD_LEN`]) encodes but will not decode, and
/// [`crate::verify_chain`] reports it. [`crate::ChainBuilder`] only makes
/// valid events.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Event {
    pub device: DeviceId,
    /// 1 for the device's first event, then one more for each event.
    pub seq: u64,
    pub hlc: Hlc,
    pub org: OrgId,
    pub centre: CentreId,
    pub learner: LearnerId,
    /// Hash of this device's event `seq - 1`; [`EventHash::GENESIS`] at seq 1.
    pub prev_hash: EventHash,
    pub kind: String,
    pub schema: u16,
    #[serde(with = "hex_bytes")]
    pub payload: Vec<u8>,
}

/// The unique name of an event: its device and sequence number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct EventId {
    pub device: DeviceId,
    pub seq: u64,
}

impl Event {
    pub fn id(&self) -> EventId {
        EventId {
            device: self.device,
            seq: self.seq,
        }
    }

    /// The event's place in the last-writer-wins order.
    pub fn stamp(&self) -> Stamp {
        Stamp {
            hlc: self.hlc,
            device: self.device,
            seq: self.seq,
        }
    }

    /// sha256 of the canonical encoding ([`Event::encode`]).
    pub fn hash(&self) -> EventHash {
        hash_bytes(&self.encode())
    }

    /// The typed payload, or [`Payload::Unknown`] for a kind or version this
    /// build does not know.
    pub fn payload(&self) -> Result<Payload, PayloadError> {
        Payload::decode(&self.kind, self.schema, &self.payload)
    }
}

/// sha256 of an event's canonical bytes, for a store that keeps the bytes
/// and need not decode them to check a chain.
pub fn hash_bytes(encoded: &[u8]) -> EventHash {
    EventHash::from_bytes(Sha256::digest(encoded).into())
}

/// A kind name is 1 to 64 bytes of `a-z`, `0-9` and `_`, starting with a
/// letter. Narrow on purpose: kinds are compared byte for byte everywhere,
/// appear in SQL and file names, and must never differ by case or form.
pub fn is_valid_kind(kind: &str) -> bool {
    let bytes = kind.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= MAX_KIND_LEN
        && bytes[0].is_ascii_lowercase()
        && bytes
            .iter()
            .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_names() {
        assert!(is_valid_kind("lesson_progressed"));
        assert!(is_valid_kind("v2_thing9"));
        assert!(!is_valid_kind(""));
        assert!(!is_valid_kind("9lives"));
        assert!(!is_valid_kind("Lesson"));
        assert!(!is_valid_kind("lesson-opened"));
        assert!(!is_valid_kind(&"a".repeat(65)));
    }
}
