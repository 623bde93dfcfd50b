//! Hybrid logical clock.
//!
//! Laptops in study centres often have wrong clocks: a flat CMOS battery
//! resets them to 2010, a facilitator sets the wrong year, a sync with a
//! phone jumps them forward. Event order must survive all of that, so each
//! event carries a hybrid logical clock value: the largest physical time
//! the device has seen (its own or any remote event's) plus a counter that
//! orders events within the same millisecond. A device's clock never goes
//! backwards, and an event written after seeing another is ordered after it.
//!
//! The functions here are pure: the caller reads the physical clock and
//! passes the milliseconds in.

use serde::{Deserialize, Serialize};

use crate::ids::DeviceId;

/// A hybrid logical clock value. Ordered by `wall_ms`, then `counter`.
///
/// `wall_ms` is milliseconds since the Unix epoch as far as the device can
/// tell. It is *not* a trustworthy date: a device whose clock ran ahead
/// drags every clock that observes it forward. Dashboards that need true
/// dates use the clock skew recorded at sync, not this field.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct Hlc {
    pub wall_ms: u64,
    pub counter: u32,
}

impl Hlc {
    /// The value before any event: every real clock value is above it.
    pub const ZERO: Hlc = Hlc {
        wall_ms: 0,
        counter: 0,
    };

    /// The largest counter. One more event within the same millisecond
    /// moves `wall_ms` on by one instead (see [`tick`]).
    pub const MAX_COUNTER: u32 = u32::MAX;

    pub const fn new(wall_ms: u64, counter: u32) -> Self {
        Hlc { wall_ms, counter }
    }

    /// The clock value for a new local event. Same as [`tick`].
    pub fn tick(self, physical_now_ms: u64) -> Hlc {
        tick(self, physical_now_ms)
    }

    /// The clock value after receiving `remote`. Same as [`observe`].
    pub fn observe(self, remote: Hlc, physical_now_ms: u64) -> Hlc {
        observe(self, remote, physical_now_ms)
    }
}

/// The next value after `h` at the same or a later millisecond.
///
/// Counter overflow (more than four billion events in one millisecond, which
/// only a clock stuck far in the future can cause) borrows the next
/// millisecond rather than failing or wrapping: the clock stays strictly
/// increasing and drifts ahead by at most one millisecond per overflow.
/// At `u64::MAX` milliseconds (half a billion years) the clock saturates and
/// repeats its last value; order between a device's own events then still
/// follows from their sequence numbers (see [`Stamp`]).
fn successor(h: Hlc) -> Hlc {
    if h.counter < Hlc::MAX_COUNTER {
        Hlc::new(h.wall_ms, h.counter + 1)
    } else if h.wall_ms < u64::MAX {
        Hlc::new(h.wall_ms + 1, 0)
    } else {
        h
    }
}

/// The clock value for a new local event, given the device's last value
/// and the physical clock now.
///
/// If the physical clock is ahead, it is taken with counter 0. If it jumped
/// back (or stands still), the last value's millisecond is kept and the
/// counter moves on, so the result is always greater than `last`.
pub fn tick(last: Hlc, physical_now_ms: u64) -> Hlc {
    if physical_now_ms > last.wall_ms {
        Hlc::new(physical_now_ms, 0)
    } else {
        successor(last)
    }
}

/// The device's clock value after it receives an event stamped `remote`.
///
/// The result is greater than both `last` and `remote`, so anything the
/// device writes afterwards is ordered after what it has seen: causality
/// survives however wrong either clock is. The engine calls this once per
/// merged batch with the batch's largest remote value.
pub fn observe(last: Hlc, remote: Hlc, physical_now_ms: u64) -> Hlc {
    let seen = last.max(remote);
    if physical_now_ms > seen.wall_ms {
        Hlc::new(physical_now_ms, 0)
    } else {
        successor(seen)
    }
}

/// The total order of events used for last-writer-wins: HLC first, then the
/// device id, then the sequence number.
///
/// The device id breaks ties between devices that wrote in the same HLC
/// tick. The sequence number can only matter for a device whose clock was
/// saturated or whose events were not written through [`tick`]; it keeps
/// the order total, and so the fold deterministic, even then, because
/// `(device, seq)` names exactly one event.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct Stamp {
    pub hlc: Hlc,
    pub device: DeviceId,
    pub seq: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn follows_the_physical_clock_when_it_moves_forward() {
        assert_eq!(tick(Hlc::new(100, 7), 250), Hlc::new(250, 0));
    }

    #[test]
    fn counts_on_when_the_physical_clock_jumps_back() {
        // A laptop whose battery died comes back in 2010.
        let last = Hlc::new(1_760_000_000_000, 3);
        assert_eq!(
            tick(last, 1_262_304_000_000),
            Hlc::new(1_760_000_000_000, 4)
        );
    }

    #[test]
    fn counter_overflow_borrows_the_next_millisecond() {
        let last = Hlc::new(500, Hlc::MAX_COUNTER);
        assert_eq!(tick(last, 10), Hlc::new(501, 0));
        assert_eq!(observe(Hlc::ZERO, last, 10), Hlc::new(501, 0));
    }

    #[test]
    fn saturates_at_the_end_of_time() {
        let end = Hlc::new(u64::MAX, Hlc::MAX_COUNTER);
        assert_eq!(tick(end, 0), end);
    }

    #[test]
    fn observe_jumps_past_a_clock_that_runs_ahead() {
        let mine = Hlc::new(1_000, 0);
        let theirs = Hlc::new(9_000, 5);
        assert_eq!(observe(mine, theirs, 2_000), Hlc::new(9_000, 6));
        assert_eq!(observe(mine, theirs, 10_000), Hlc::new(10_000, 0));
    }

    // Keep wall times away from u64::MAX so that saturation is not reached.
    fn hlc() -> impl Strategy<Value = Hlc> {
        (0..u64::MAX / 2, any::<u32>()).prop_map(|(w, c)| Hlc::new(w, c))
    }

    proptest! {
        #[test]
        fn tick_is_strictly_monotonic(last in hlc(), now in 0..u64::MAX / 2) {
            let next = tick(last, now);
            prop_assert!(next > last);
            prop_assert!(next.wall_ms >= now);
            // Drift ahead of both inputs is at most one millisecond.
            prop_assert!(next.wall_ms <= last.wall_ms.max(now) + 1);
        }

        #[test]
        fn any_sequence_of_physical_readings_gives_increasing_values(
            start in hlc(),
            readings in prop::collection::vec(0..u64::MAX / 2, 1..50),
        ) {
            let mut clock = start;
            for now in readings {
                let next = tick(clock, now);
                prop_assert!(next > clock);
                clock = next;
            }
        }

        #[test]
        fn observe_preserves_causality(last in hlc(), remote in hlc(), now in 0..u64::MAX / 2) {
            let next = observe(last, remote, now);
            prop_assert!(next > last);
            prop_assert!(next > remote);
            prop_assert!(next.wall_ms >= now);
            // Every later local event is after the remote one too.
            prop_assert!(tick(next, now) > remote);
        }

        #[test]
        fn causality_holds_along_a_chain_of_devices(
            clocks in prop::collection::vec((hlc(), 0..u64::MAX / 2), 2..8),
        ) {
            // Device i sends to device i+1, which observes and then writes.
            let mut message = clocks[0].0;
            for &(own, now) in &clocks[1..] {
                let after = tick(observe(own, message, now), now);
                prop_assert!(after > message);
                message = after;
            }
        }
    }
}
