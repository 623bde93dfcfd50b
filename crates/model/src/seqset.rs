//! Sets of sequence numbers, stored as ranges.
//!
//! Events of one device mostly arrive in order, so the set of sequence
//! numbers seen from it is almost always one range `1..=n`; a few ranges
//! cover the rest. This keeps "have I applied this event?" cheap in memory
//! for millions of events.

use std::collections::BTreeMap;
use std::ops::RangeInclusive;

/// A set of `u64`, kept as disjoint, non-adjacent inclusive ranges.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct SeqSet {
    /// start → end, inclusive. No two ranges touch or overlap.
    ranges: BTreeMap<u64, u64>,
}

impl SeqSet {
    pub fn new() -> Self {
        SeqSet::default()
    }

    pub fn contains(&self, seq: u64) -> bool {
        self.ranges
            .range(..=seq)
            .next_back()
            .is_some_and(|(_, &end)| end >= seq)
    }

    /// Adds `seq`; false if it was already there.
    pub fn insert(&mut self, seq: u64) -> bool {
        let before = self
            .ranges
            .range(..=seq)
            .next_back()
            .map(|(&start, &end)| (start, end));
        if let Some((_, end)) = before
            && end >= seq
        {
            return false;
        }
        let joins_before = before.filter(|&(_, end)| end.checked_add(1) == Some(seq));
        let after = seq
            .checked_add(1)
            .and_then(|next| self.ranges.get(&next).map(|&end| (next, end)));
        let start = joins_before.map_or(seq, |(start, _)| start);
        let end = match after {
            Some((next, end)) => {
                self.ranges.remove(&next);
                end
            }
            None => seq,
        };
        self.ranges.insert(start, end);
        true
    }

    /// The largest `n` such that `1..=n` are all in the set; 0 if 1 is not.
    pub fn contiguous_prefix(&self) -> u64 {
        // The range holding 1 may start at 0.
        match self.ranges.range(..=1).next_back() {
            Some((_, &end)) if end >= 1 => end,
            _ => 0,
        }
    }

    /// The ranges in ascending order.
    pub fn ranges(&self) -> impl Iterator<Item = RangeInclusive<u64>> + '_ {
        self.ranges.iter().map(|(&start, &end)| start..=end)
    }

    /// How many numbers are in the set.
    pub fn len(&self) -> u64 {
        self.ranges
            .iter()
            .map(|(&start, &end)| end - start + 1)
            .sum()
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    #[test]
    fn merges_neighbours() {
        let mut set = SeqSet::new();
        assert!(set.insert(3));
        assert!(set.insert(1));
        assert_eq!(set.contiguous_prefix(), 1);
        assert!(set.insert(2));
        assert!(!set.insert(2));
        assert_eq!(set.ranges().collect::<Vec<_>>(), vec![1..=3]);
        assert_eq!(set.contiguous_prefix(), 3);
        assert!(set.insert(u64::MAX));
        assert!(set.insert(u64::MAX - 1));
        assert_eq!(set.len(), 5);
    }

    proptest! {
        #[test]
        fn behaves_like_a_set(values in prop::collection::vec(0u64..64, 0..100)) {
            let mut set = SeqSet::new();
            let mut model = BTreeSet::new();
            for value in values {
                prop_assert_eq!(set.insert(value), model.insert(value));
            }
            for value in 0..66 {
                prop_assert_eq!(set.contains(value), model.contains(&value));
            }
            prop_assert_eq!(set.len(), model.len() as u64);
            let prefix = (1..).take_while(|n| model.contains(n)).count() as u64;
            prop_assert_eq!(set.contiguous_prefix(), prefix);
            // Canonical form: equal sets are equal values whatever the order.
            let mut rebuilt = SeqSet::new();
            for &value in model.iter().rev() {
                rebuilt.insert(value);
            }
            prop_assert_eq!(rebuilt, set);
        }
    }
}
