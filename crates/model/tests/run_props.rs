//! Runs (the compact sync form) carry events exactly, and any changed byte
//! is refused.

// Test helpers outside #[test] fns unwrap too; a panic is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use proptest::prelude::*;
use qalam_model::{ChainError, Event, RunError, decode_run, encode_run};

/// A non-empty piece of one chain, from a random start.
fn arb_segment() -> impl Strategy<Value = Vec<Event>> {
    (
        common::arb_chains(),
        any::<prop::sample::Index>(),
        any::<prop::sample::Index>(),
    )
        .prop_filter_map("needs a non-empty chain", |(chains, from, len)| {
            let chain = chains.into_iter().find(|c| !c.is_empty())?;
            let start = from.index(chain.len());
            let end = start + 1 + len.index(chain.len() - start);
            Some(chain[start..end].to_vec())
        })
}

proptest! {
    #![proptest_config(common::config("run_props", 256))]

    #[test]
    fn runs_round_trip(segment in arb_segment()) {
        let bytes = encode_run(&segment).unwrap();
        prop_assert_eq!(&decode_run(&bytes).unwrap(), &segment);
    }

    #[test]
    fn any_single_byte_tamper_is_refused(
        segment in arb_segment(),
        at in any::<prop::sample::Index>(),
        flip in 1..=255u8,
    ) {
        let mut bytes = encode_run(&segment).unwrap();
        let byte = at.index(bytes.len());
        bytes[byte] ^= flip;
        prop_assert!(decode_run(&bytes).is_err(), "byte {} of {}", byte, bytes.len());
    }

    #[test]
    fn decoding_arbitrary_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let _ = decode_run(&bytes);
    }
}

#[test]
fn only_unbroken_chains_make_runs() {
    assert_eq!(encode_run(&[]), Err(RunError::Empty));
    let chains = common::simulate(
        1,
        &(0..3)
            .map(|_| common::Step {
                device: 0,
                clock_jump_ms: 1_000,
                learner: 0,
                payload: qalam_model::Payload::CourseCompleted(
                    qalam_model::payload::CourseCompleted { pack: "p".into() },
                ),
                observe_from: None,
            })
            .collect::<Vec<_>>(),
    );
    let chain = &chains[0];
    let gapped = [chain[0].clone(), chain[2].clone()];
    assert_eq!(
        encode_run(&gapped),
        Err(RunError::NotAChain(ChainError::Gap {
            expected: 2,
            found: 3
        }))
    );
}
