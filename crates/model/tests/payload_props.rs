//! Every payload reads back as written, in bytes and in JSON.

// Test helpers outside #[test] fns unwrap too; a panic is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use proptest::prelude::*;
use qalam_model::Payload;

proptest! {
    #![proptest_config(common::config("payload_props", 256))]

    #[test]
    fn payload_bytes_round_trip(payload in common::arb_payload()) {
        let bytes = payload.to_bytes();
        let back = Payload::decode(payload.kind(), payload.schema(), &bytes).unwrap();
        prop_assert_eq!(back.to_bytes(), bytes);
        prop_assert_eq!(back, payload);
    }

    #[test]
    fn payload_json_round_trips(payload in common::arb_payload()) {
        let json = serde_json::to_string(&payload).unwrap();
        prop_assert_eq!(serde_json::from_str::<Payload>(&json).unwrap(), payload);
    }

    #[test]
    fn decoding_arbitrary_bytes_never_panics(
        kind in prop::sample::select(qalam_model::payload::KNOWN_KINDS),
        bytes in prop::collection::vec(any::<u8>(), 0..64),
    ) {
        if let Ok(payload) = Payload::decode(kind.0, kind.1, &bytes) {
            // What decodes re-encodes to the same bytes: one encoding each.
            prop_assert_eq!(payload.to_bytes(), bytes);
        }
    }
}
