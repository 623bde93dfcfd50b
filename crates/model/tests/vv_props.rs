//! Version vectors: comparing two says exactly which events to send.

// Test helpers outside #[test] fns unwrap too; a panic is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;

use proptest::prelude::*;
use qalam_model::{Event, EventId, VersionVector};

/// A side of a sync: per device a prefix of the chain, plus sometimes a few
/// events past a gap (a batch that arrived out of order).
fn holding(chains: &[Vec<Event>], cut: &[(prop::sample::Index, bool)]) -> Vec<Event> {
    let mut held = Vec::new();
    for (chain, (index, extra)) in chains.iter().zip(cut) {
        let prefix = index.index(chain.len() + 1);
        held.extend(chain[..prefix].iter().cloned());
        if *extra && prefix + 2 < chain.len() {
            held.push(chain[prefix + 2].clone());
        }
    }
    held
}

fn ids(events: &[Event]) -> BTreeSet<EventId> {
    events.iter().map(Event::id).collect()
}

fn arb_vv() -> impl Strategy<Value = VersionVector> {
    prop::collection::vec((0..5usize, 0..20u64), 0..5).prop_map(|heads| {
        heads
            .into_iter()
            .map(|(d, s)| (common::device_id(d), s))
            .collect()
    })
}

proptest! {
    #![proptest_config(common::config("vv_props", 256))]

    #[test]
    fn the_diff_sends_exactly_what_is_missing(
        chains in common::arb_chains(),
        cut_a in prop::collection::vec((any::<prop::sample::Index>(), any::<bool>()), 4),
        cut_b in prop::collection::vec((any::<prop::sample::Index>(), any::<bool>()), 4),
    ) {
        let a = holding(&chains, &cut_a);
        let b = holding(&chains, &cut_b);
        let (vv_a, vv_b) = (VersionVector::of_events(&a), VersionVector::of_events(&b));
        let send: Vec<Event> = vv_a
            .missing_from(&vv_b)
            .into_iter()
            .flat_map(|(device, range)| {
                a.iter()
                    .filter(move |e| e.device == device && range.contains(&e.seq))
                    .cloned()
                    .collect::<Vec<_>>()
            })
            .collect();
        // Everything in the ranges is held by A: the ranges are within A's prefix.
        let sent = ids(&send);
        for (device, range) in vv_a.missing_from(&vv_b) {
            prop_assert_eq!(sent.iter().filter(|id| id.device == device).count() as u64,
                range.end() - range.start() + 1);
        }
        // Nothing B's vector covers is sent.
        for id in &sent {
            prop_assert!(!vv_b.contains(*id));
        }
        // Afterwards B covers everything A's vector covered.
        let mut after = b.clone();
        after.extend(send);
        let vv_after = VersionVector::of_events(&after);
        let mut merged = vv_a.clone();
        merged.merge(&vv_b);
        for (device, head) in merged.iter() {
            prop_assert!(vv_after.get(device) >= head);
        }
        prop_assert!(vv_a.missing_from(&vv_after).is_empty());
    }

    #[test]
    fn merge_is_a_join(x in arb_vv(), y in arb_vv(), z in arb_vv()) {
        let join = |p: &VersionVector, q: &VersionVector| {
            let mut out = p.clone();
            out.merge(q);
            out
        };
        prop_assert_eq!(join(&x, &y), join(&y, &x));
        prop_assert_eq!(join(&join(&x, &y), &z), join(&x, &join(&y, &z)));
        prop_assert_eq!(join(&x, &x), x.clone());
        // Nothing is missing from a side that already has the join.
        prop_assert!(x.missing_from(&join(&x, &y)).is_empty());
    }

    #[test]
    fn encodings_round_trip(x in arb_vv()) {
        prop_assert_eq!(VersionVector::decode(&x.encode()).unwrap(), x.clone());
        let json = serde_json::to_string(&x).unwrap();
        prop_assert_eq!(serde_json::from_str::<VersionVector>(&json).unwrap(), x);
    }
}
