//! Identifiers of devices, learners, organisations and centres.
//!
//! All four are opaque 128-bit values. Devices and learners are created
//! offline, on laptops that may never have talked to each other, so their
//! ids must be random and wide enough never to collide; 128 random bits are.
//! Organisations and centres are created on a server, so short strings or
//! counters would do there, but they sit in every event's envelope and hash:
//! a fixed 16-byte field keeps the envelope layout fixed-width, compresses
//! to almost nothing in a batch (the same few values repeat), and lets two
//! servers (a campus server and a headquarters one) mint ids without asking
//! each other. Human names for them live on the server, not in events.
//!
//! No id is generated here: this crate does no I/O, so the caller supplies
//! the random bytes (from `getrandom` on the device, the server's RNG there).
//!
//! In JSON and in logs an id is 32 lowercase hex digits.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

/// A string that is not a valid hex id.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("expected {expected} hex digits, got {got:?}")]
pub struct ParseIdError {
    expected: usize,
    got: String,
}

pub(crate) fn parse_hex<const N: usize>(text: &str) -> Result<[u8; N], ParseIdError> {
    let mut out = [0u8; N];
    let bad = || ParseIdError {
        expected: N * 2,
        got: text.chars().take(80).collect(),
    };
    if text.len() != N * 2 {
        return Err(bad());
    }
    hex::decode_to_slice(text, &mut out).map_err(|_| bad())?;
    Ok(out)
}

/// Declares a fixed-width opaque id with hex display and hex serde.
macro_rules! hex_id {
    ($(#[$meta:meta])* $name:ident, $len:literal) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        pub struct $name([u8; $len]);

        impl $name {
            /// Width in bytes, as stored in the wire format.
            pub const LEN: usize = $len;

            /// Wraps bytes the caller obtained (random bytes for a new id).
            pub const fn from_bytes(bytes: [u8; $len]) -> Self {
                $name(bytes)
            }

            pub const fn as_bytes(&self) -> &[u8; $len] {
                &self.0
            }

            pub const fn to_bytes(self) -> [u8; $len] {
                self.0
            }

            /// Lowercase hex, the form used in JSON, logs and the CLI.
            pub fn to_hex(&self) -> String {
                hex::encode(self.0)
            }

            /// True for the all-zero value.
            pub fn is_zero(&self) -> bool {
                self.0 == [0u8; $len]
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.to_hex())
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.to_hex())
            }
        }

        impl FromStr for $name {
            type Err = ParseIdError;
            /// Accepts upper or lower case; always prints lower case.
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                parse_hex::<$len>(text).map($name)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.to_hex())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

hex_id!(
    /// The laptop (strictly: the install) that wrote an event. Made once at
    /// install from 16 random bytes. A device whose log was restored from an
    /// old backup must take a new id (see `docs/EVENTS.md`, "Forks").
    DeviceId,
    16
);

hex_id!(
    /// A learner or facilitator profile, made from 16 random bytes on the
    /// device where the profile was registered.
    LearnerId,
    16
);

hex_id!(
    /// An organisation (an NGO's space on the server). The all-zero value
    /// means "not enrolled yet": see `docs/EVENTS.md`.
    OrgId,
    16
);

hex_id!(
    /// A study centre within an organisation. The all-zero value means
    /// "not enrolled yet".
    CentreId,
    16
);

hex_id!(
    /// The sha256 of an event's canonical encoding.
    EventHash,
    32
);

impl EventHash {
    /// The `prev_hash` of a device's first event.
    pub const GENESIS: EventHash = EventHash([0u8; 32]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_32_lowercase_hex_digits() {
        let id = DeviceId::from_bytes([0xAB; 16]);
        assert_eq!(id.to_string(), "ab".repeat(16));
        assert_eq!(format!("{id:?}"), format!("DeviceId({})", "ab".repeat(16)));
    }

    #[test]
    fn parse_accepts_either_case_and_refuses_wrong_lengths() {
        let upper = "AB".repeat(16);
        assert_eq!(
            upper.parse::<LearnerId>(),
            Ok(LearnerId::from_bytes([0xab; 16]))
        );
        assert!("abc".parse::<LearnerId>().is_err());
        assert!("zz".repeat(16).parse::<LearnerId>().is_err());
        assert!("ab".repeat(32).parse::<LearnerId>().is_err());
    }

    #[test]
    fn serde_uses_hex_strings() {
        let id = OrgId::from_bytes([1; 16]);
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, format!("\"{}\"", "01".repeat(16)));
        let back: OrgId = serde_json::from_str(&json).unwrap();
        assert_eq!(back, id);
        assert!(serde_json::from_str::<OrgId>("\"01\"").is_err());
    }
}
