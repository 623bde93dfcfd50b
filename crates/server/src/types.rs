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

/// Id of an administrator account of the admin web page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AdminId(pub [u8; 16]);

impl std::fmt::Display for AdminId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

/// An administrator of the admin web page: server-wide (`org` is `None`:
/// may create organisations and sees all of them) or of one organisation
/// (sees and manages only its centres and devices).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Admin {
    pub id: AdminId,
    pub name: String,
    pub org: Option<OrgId>,
    pub created_ms: i64,
}

impl Admin {
    /// Whether this admin may see and manage `org`.
    pub fn may_manage(&self, org: OrgId) -> bool {
        self.org.is_none_or(|own| own == org)
    }
}

/// What signing in needs to know about an admin. `Debug` hides the hash.
#[derive(Clone, PartialEq, Eq)]
pub struct AdminLogin {
    pub admin: Admin,
    /// PHC string of the argon2id hash of the password.
    pub password_hash: String,
    /// Wrong passwords since the last successful sign-in.
    pub failures: u32,
    /// No password is checked before this time (Unix ms).
    pub locked_until_ms: i64,
}

impl std::fmt::Debug for AdminLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdminLogin")
            .field("admin", &self.admin)
            .field("failures", &self.failures)
            .field("locked_until_ms", &self.locked_until_ms)
            .finish_non_exhaustive()
    }
}

/// How repeated wrong passwords slow an account down: the first `free`
/// failures cost nothing, then each one locks the account for `base_ms`,
/// doubling, at most `max_ms`. Kept in the database, so every server
/// process sharing it applies the same lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginThrottle {
    pub free: u32,
    pub base_ms: i64,
    pub max_ms: i64,
}

impl LoginThrottle {
    /// The policy of the admin web page: 3 free tries, then 5 s, 10 s, …
    /// up to 5 minutes.
    pub const DEFAULT: LoginThrottle = LoginThrottle {
        free: 3,
        base_ms: 5_000,
        max_ms: 300_000,
    };

    /// How long the account stays locked after its `failures`-th failure.
    pub fn delay_ms(&self, failures: u32) -> i64 {
        if failures <= self.free {
            return 0;
        }
        let doublings = (failures - self.free - 1).min(30);
        self.base_ms.saturating_mul(1 << doublings).min(self.max_ms)
    }
}

/// A device as the admin page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceSummary {
    pub device: Device,
    /// Server time of its latest sync status, if it ever synced.
    pub last_sync_ms: Option<i64>,
}
