//! The fold gives one state for a set of events, whatever the order and
//! however many duplicates arrive, and incremental application agrees with
//! folding from scratch at every step.

// Test helpers outside #[test] fns unwrap too; a panic is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use proptest::prelude::*;
use qalam_model::{Applied, State, fold};

proptest! {
    #![proptest_config(common::config("fold_props", 256))]

    #[test]
    fn order_and_duplicates_do_not_matter((log, noisy) in common::arb_log_with_shuffled_duplicates()) {
        let reference = fold(&log);
        prop_assert_eq!(&fold(&noisy), &reference);
        let mut reversed = noisy.clone();
        reversed.reverse();
        prop_assert_eq!(&fold(&reversed), &reference);
        // Every event was applied exactly once.
        let applied: u64 = reference.devices.values().map(|d| d.applied.len()).sum();
        prop_assert_eq!(applied, log.len() as u64);
    }

    #[test]
    fn incremental_apply_matches_a_fresh_fold_at_every_step(
        (log, noisy) in common::arb_log_with_shuffled_duplicates(),
    ) {
        let mut incremental = State::new();
        let mut seen = Vec::new();
        for event in &noisy {
            let fresh = !seen.contains(&event.id());
            let outcome = incremental.apply(event);
            prop_assert_eq!(outcome, if fresh { Applied::New } else { Applied::Duplicate });
            if fresh {
                seen.push(event.id());
            }
            // The state so far equals a fold of the same set in log order.
            let so_far: Vec<_> = log.iter().filter(|e| seen.contains(&e.id())).collect();
            prop_assert_eq!(&incremental, &fold(so_far));
        }
        prop_assert_eq!(&incremental, &fold(&log));
    }

    #[test]
    fn deleted_learners_stay_empty(log in common::arb_log()) {
        let state = fold(&log);
        for learner in state.learners.values().filter(|l| l.is_deleted()) {
            prop_assert!(learner.packs.is_empty());
            prop_assert_eq!(&learner.profile, &Default::default());
            prop_assert_eq!(learner.last_active, None);
        }
    }
}
