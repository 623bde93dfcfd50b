//! The pure part of a sync attempt: from the status answer and what the
//! device holds, what to push and what to pull. No I/O, so it is tested
//! exhaustively without a network.

use std::ops::RangeInclusive;

use qalam_model::{DeviceId, VersionVector};

/// What one attempt does after its status request.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    /// This device's events the server lacks.
    pub push: Option<RangeInclusive<u64>>,
    /// Writers with entitled events past this device's pull cursor: from
    /// the cursor + 1 up to the server's greatest entitled seq.
    pub pull: Vec<(DeviceId, RangeInclusive<u64>)>,
}

/// Why no plan can be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// The server holds more of this device's chain than the device: its
    /// database was restored from an older copy. Appending would reuse
    /// seqs the server already holds (a fork), so sync stops.
    #[error(
        "the server holds events of this device up to seq {server}, but this device only up to {device}: \
         its database was restored from an older copy; run `qalam doctor` and give it a new device id before syncing"
    )]
    ServerAhead { server: u64, device: u64 },
}

/// `me` holds its own chain up to `my_head`, the server up to `acked_to`;
/// `server` is the server's entitled vector and `cursors` the device's
/// per-writer pull cursors.
pub fn plan(
    me: DeviceId,
    my_head: u64,
    acked_to: u64,
    server: &VersionVector,
    cursors: &VersionVector,
) -> Result<Plan, PlanError> {
    if acked_to > my_head {
        return Err(PlanError::ServerAhead {
            server: acked_to,
            device: my_head,
        });
    }
    let mine: VersionVector = [(me, my_head)].into_iter().collect();
    let theirs: VersionVector = [(me, acked_to)].into_iter().collect();
    let push = mine
        .missing_from(&theirs)
        .into_iter()
        .map(|(_, range)| range)
        .next();
    let pull = server
        .missing_from(cursors)
        .into_iter()
        .filter(|(writer, _)| *writer != me)
        .collect();
    Ok(Plan { push, pull })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn dev(n: u8) -> DeviceId {
        DeviceId::from_bytes([n; 16])
    }

    #[test]
    fn nothing_to_do_when_both_sides_agree() {
        let server: VersionVector = [(dev(1), 5), (dev(2), 9)].into_iter().collect();
        let plan = plan(dev(1), 5, 5, &server, &[(dev(2), 9)].into_iter().collect()).unwrap();
        assert_eq!(plan, Plan::default());
    }

    #[test]
    fn a_restored_device_is_stopped() {
        let err = plan(dev(1), 3, 7, &VersionVector::new(), &VersionVector::new()).unwrap_err();
        assert_eq!(
            err,
            PlanError::ServerAhead {
                server: 7,
                device: 3
            }
        );
    }

    proptest! {
        #[test]
        fn plan_pushes_exactly_the_gap_and_pulls_exactly_what_is_past_the_cursors(
            me in 0u8..6,
            head in 0u64..50,
            acked_back in 0u64..50,
            server in proptest::collection::btree_map(0u8..6, 1u64..100, 0..6),
            cursors in proptest::collection::btree_map(0u8..6, 0u64..100, 0..6),
        ) {
            let me = dev(me);
            let acked = head.saturating_sub(acked_back);
            let server: VersionVector = server.into_iter().map(|(d, s)| (dev(d), s)).collect();
            let cursors: VersionVector = cursors.into_iter().map(|(d, s)| (dev(d), s)).collect();
            let plan = plan(me, head, acked, &server, &cursors).unwrap();
            match &plan.push {
                Some(range) => {
                    prop_assert_eq!(*range.start(), acked + 1);
                    prop_assert_eq!(*range.end(), head);
                }
                None => prop_assert_eq!(acked, head),
            }
            // Each writer other than me whose entitled head is past the
            // cursor is pulled from just past the cursor, once, in order.
            let expected: Vec<_> = server
                .iter()
                .filter(|(d, s)| *d != me && *s > cursors.get(*d))
                .map(|(d, s)| (d, cursors.get(d) + 1..=s))
                .collect();
            prop_assert_eq!(&plan.pull, &expected);
            // Applying the plan leaves nothing to do.
            let mut after = cursors.clone();
            for (d, range) in &plan.pull {
                after.advance(*d, *range.end());
            }
            let again = super::plan(me, head, head, &server, &after).unwrap();
            prop_assert_eq!(again, Plan::default());
        }
    }
}
