//! Chains written by `ChainBuilder` verify, and any single changed byte in
//! any stored event is detected.

// Test helpers outside #[test] fns unwrap too; a panic is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use proptest::prelude::*;
use qalam_model::{ChainPoint, Event, verify_chain, verify_chain_from};

/// True if the changed bytes are caught: they no longer decode, the chain
/// no longer verifies, or (for the newest event, which no successor
/// vouches for) the chain ends at a different hash than the one recorded.
fn detected(encoded: &[Vec<u8>], recorded_end: ChainPoint) -> bool {
    let decoded: Result<Vec<Event>, _> = encoded.iter().map(|b| Event::decode(b)).collect();
    let Ok(events) = decoded else { return true };
    let Some(first) = events.first() else {
        return false;
    };
    match verify_chain_from(first.device, ChainPoint::GENESIS, &events) {
        Err(_) => true,
        Ok(end) => end != recorded_end,
    }
}

proptest! {
    #![proptest_config(common::config("chain_props", 256))]

    #[test]
    fn built_chains_verify_and_round_trip(chains in common::arb_chains()) {
        for chain in &chains {
            prop_assert_eq!(verify_chain(chain), Ok(()));
            for event in chain {
                let bytes = event.encode();
                prop_assert_eq!(&Event::decode(&bytes).unwrap(), event);
                // The HLC of a device only moves forward.
            }
            for pair in chain.windows(2) {
                prop_assert!(pair[0].hlc < pair[1].hlc);
            }
        }
    }

    #[test]
    fn any_single_byte_tamper_is_detected(
        chains in common::arb_chains(),
        which in any::<prop::sample::Index>(),
        at in any::<prop::sample::Index>(),
        flip in 1..=255u8,
    ) {
        let Some(chain) = chains.into_iter().find(|c| !c.is_empty()) else {
            return Ok(());
        };
        let recorded_end = ChainPoint::after(chain.last().unwrap());
        let mut encoded: Vec<Vec<u8>> = chain.iter().map(Event::encode).collect();
        prop_assert!(!detected(&encoded, recorded_end));
        let victim = which.index(encoded.len());
        let byte = at.index(encoded[victim].len());
        encoded[victim][byte] ^= flip;
        prop_assert!(detected(&encoded, recorded_end), "event {} byte {}", victim, byte);
    }

    #[test]
    fn decoding_arbitrary_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        if let Ok(event) = Event::decode(&bytes) {
            prop_assert_eq!(event.encode(), bytes);
        }
    }
}
