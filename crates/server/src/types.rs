//! The records the store hands out.

use qalam_model::{CentreId, DeviceId, Event, OrgId};

use crate::secrets::Credential;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organisation {
    pub id: OrgId,
    pub name: String,
    pub created_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Centre {
    pub id: CentreId,
    pub org: OrgId,
    pub name: String,
    pub created_ms: i64,
}

/// A fresh enrolment code, shown to the admin once (stored hashed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrolCode {
    pub code: String,
    pub centre: CentreId,
    pub expires_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub id: DeviceId,
    pub org: OrgId,
    pub centre: CentreId,
    pub enrolled_ms: i64,
    pub revoked_ms: Option<i64>,
}

impl Device {
    /// What this device may pull.
    pub fn entitlement(&self) -> Entitlement {
        Entitlement {
            org: self.org,
            centre: self.centre,
        }
    }
}

/// A redeemed enrolment: the device record and its credential, which the
/// server returns this once and never again.
#[derive(Debug, Clone)]
pub struct Enrolment {
    pub device: Device,
    pub credential: Credential,
}

/// What a device may pull: events of writers enrolled in `org` about
/// learners present at `centre` (a learner is present at a centre once a
/// device of that centre pushed one of their events). Nothing crosses
/// organisations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entitlement {
    pub org: OrgId,
    pub centre: CentreId,
}

/// The answer to a push, given only after the transaction committed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IngestOutcome {
    /// The server's contiguous high-water mark for the device: every seq
    /// up to it is durably stored.
    pub acked_to: u64,
    /// Events newly stored by this call.
    pub inserted: usize,
    /// Events of the batch that were already stored, byte for byte.
    pub duplicates: usize,
}

/// One pulled batch of a writer's events, in seq order.
///
/// Entitlement filters by learner, so the events need not be consecutive:
/// the puller resumes at `next_seq`, not at its own gap-free head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullBatch {
    pub device: DeviceId,
    pub events: Vec<Event>,
    /// Where the next pull of this writer starts: every entitled event
    /// below it has been returned (in this or an earlier batch).
    pub next_seq: u64,
    /// True when nothing entitled is left at or after `next_seq`.
    pub complete: bool,
}

/// One recorded comparison of a device's clock with the server's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockSkew {
    pub client_ms: i64,
    pub server_ms: i64,
    /// `client_ms - server_ms`: positive when the device runs ahead.
    pub skew_ms: i64,
}

/// Learners who became entitled at a centre since an epoch, as what a
/// puller must re-read: `rewind` lists, per writer of the organisation, the
/// least seq of an event about one of them. Presence only grows, and each
/// push that adds some gives them the centre's next epoch.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PresenceChanges {
    /// The centre's epoch now: pass it back next time.
    pub epoch: u64,
    pub rewind: Vec<(DeviceId, u64)>,
}
