//! The storage contract every backend meets (`tests/contract`).

use async_trait::async_trait;
use qalam_model::{CentreId, DeviceId, Event, OrgId, VersionVector, decode_run};

use crate::error::StoreError;
use crate::secrets::{Credential, CredentialHash};
use crate::types::{
    Admin, AdminId, AdminLogin, Centre, ClockSkew, Device, DeviceSummary, EnrolCode, Enrolment,
    Entitlement, IngestOutcome, LoginThrottle, Organisation, PresenceChanges, PullBatch,
};

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The server's storage. Times are Unix milliseconds passed in by the
/// caller, so tests control expiry and skew.
///
/// Every method is one transaction, and returns only after it committed.
/// Implementations must be safe with several server processes sharing one
/// database (PostgreSQL) and with concurrent calls in one process.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    // ---- organisations and centres ----

    async fn create_org(&self, name: &str, now_ms: i64) -> Result<Organisation>;
    async fn org(&self, id: OrgId) -> Result<Organisation>;
    async fn create_centre(&self, org: OrgId, name: &str, now_ms: i64) -> Result<Centre>;
    async fn centre(&self, id: CentreId) -> Result<Centre>;

    // ---- enrolment ----

    /// A single-use code for `centre`, valid until `now_ms + valid_for_ms`.
    async fn create_enrol_code(
        &self,
        centre: CentreId,
        now_ms: i64,
        valid_for_ms: i64,
    ) -> Result<EnrolCode>;

    /// Enrols `device` in the code's centre with the credential whose hash
    /// is `credential` (chosen by the device itself when it enrolled from
    /// an enrolment file, offline). The code is spent only if the
    /// enrolment succeeds. The device that spent a code may redeem it again
    /// until it expires (its first answer was lost in transit): the new
    /// credential then replaces the old one. Any other device gets
    /// `CodeUsed`.
    async fn bind_enrol_code(
        &self,
        code: &str,
        device: DeviceId,
        now_ms: i64,
        credential: CredentialHash,
    ) -> Result<Device>;

    // ---- devices ----

    async fn device(&self, id: DeviceId) -> Result<Device>;

    /// The device holding this credential. Unknown: `BadCredential`;
    /// revoked: `Revoked`.
    async fn device_by_credential_hash(&self, hash: &CredentialHash) -> Result<Device>;

    /// Revokes a device: from the moment this returns, its credential and
    /// its pushes are refused.
    async fn revoke_device(&self, id: DeviceId, now_ms: i64) -> Result<()>;

    /// Registers `successor`, the new id the laptop of `predecessor` took
    /// after its database was repaired (docs/RELIABILITY.md), in the same
    /// centre, with the hash of a credential the laptop made. The
    /// predecessor keeps its credential, to push what remains of its own
    /// chain. Revoking either revokes both. The same call again is a no-op.
    async fn enrol_successor(
        &self,
        predecessor: DeviceId,
        successor: DeviceId,
        credential: CredentialHash,
        now_ms: i64,
    ) -> Result<Device>;

    /// The secret of the server's Ed25519 key that certifies devices' keys
    /// (docs/SYNC_PROTOCOL.md, "Device keys and certificates"): the stored
    /// one, or `candidate` stored as it when there is none yet. Several
    /// nodes on one database race safely: all get the one stored first.
    async fn signing_secret(&self, candidate: [u8; 32], now_ms: i64) -> Result<[u8; 32]>;

    /// Records the skew between the device's clock and the server's, once
    /// per sync.
    async fn record_status(
        &self,
        device: DeviceId,
        client_clock_ms: i64,
        server_clock_ms: i64,
    ) -> Result<ClockSkew>;

    /// The latest recorded skews of a device, newest first.
    async fn clock_skews(&self, device: DeviceId, limit: usize) -> Result<Vec<ClockSkew>>;

    // ---- events ----

    /// Stores a batch pushed by `device` (which must not be revoked): its
    /// own events, in seq order, continuing the chain the server holds
    /// (events already held are compared byte for byte). All or nothing, in
    /// one transaction. Returns the new contiguous high-water mark.
    async fn ingest(&self, device: DeviceId, events: Vec<Event>) -> Result<IngestOutcome>;

    /// The server's vector restricted to `entitlement`: for each writer
    /// device of the organisation, the greatest seq of an entitled event.
    async fn version_vector(&self, entitlement: &Entitlement) -> Result<VersionVector>;

    /// Entitled events of `writer` from `from_seq` on, in seq order, whose
    /// canonical encodings add up to at most `max_bytes` (but at least one
    /// event, whatever its size, so a pull always progresses).
    async fn events_for(
        &self,
        entitlement: &Entitlement,
        writer: DeviceId,
        from_seq: u64,
        max_bytes: usize,
    ) -> Result<PullBatch>;

    /// `device`'s own events `from_seq..=to_seq`, in seq order, as far as
    /// they are held: the prefix a format-2 push frame was compressed
    /// against.
    async fn chain_events(
        &self,
        device: DeviceId,
        from_seq: u64,
        to_seq: u64,
    ) -> Result<Vec<Event>>;

    /// The server's chain head (highest contiguous seq stored) of `device`.
    async fn head_seq(&self, device: DeviceId) -> Result<u64>;

    /// What became entitled at `entitlement.centre` after presence epoch
    /// `since` (0: everything): per writer of the organisation, the least
    /// seq about a learner who became present since, and the epoch now.
    /// A puller lowers its cursors accordingly, because those events may
    /// lie below where its earlier, filtered pulls had already scanned.
    async fn presence_since(
        &self,
        entitlement: &Entitlement,
        since: u64,
    ) -> Result<PresenceChanges>;

    // ---- the admin web page ----

    /// Every organisation, by name.
    async fn list_orgs(&self) -> Result<Vec<Organisation>>;

    /// The centres of `org`, by name (none for an unknown organisation).
    async fn list_centres(&self, org: OrgId) -> Result<Vec<Centre>>;

    /// The devices enrolled in `centre`, in order of enrolment, each with
    /// the server time of its latest sync status.
    async fn list_devices(&self, centre: CentreId) -> Result<Vec<DeviceSummary>>;

    /// Creates an admin account (`org`: `None` for a server-wide admin).
    /// Names are unique: `AdminExists`; an unknown `org`: `NotFound`.
    async fn create_admin(
        &self,
        name: &str,
        org: Option<OrgId>,
        password_hash: &str,
        now_ms: i64,
    ) -> Result<Admin>;

    /// The admin named `name`, with what signing in checks; `NotFound`.
    async fn admin_login(&self, name: &str) -> Result<AdminLogin>;

    /// Counts a wrong password and locks the account as `throttle` says,
    /// atomically (several server processes may count at once). Returns
    /// the time until which the account is locked.
    async fn record_login_failure(
        &self,
        admin: AdminId,
        now_ms: i64,
        throttle: LoginThrottle,
    ) -> Result<i64>;

    /// A successful sign-in: the failure count starts again.
    async fn record_login_success(&self, admin: AdminId) -> Result<()>;

    /// Stores a session, known by the sha256 of its token, until
    /// `expires_ms`. Expired sessions are removed on the way.
    async fn create_session(
        &self,
        token_hash: [u8; 32],
        admin: AdminId,
        now_ms: i64,
        expires_ms: i64,
    ) -> Result<()>;

    /// The admin of a live session; `NotFound` when it is unknown, signed
    /// out or expired.
    async fn session_admin(&self, token_hash: [u8; 32], now_ms: i64) -> Result<Admin>;

    /// Signs a session out (nothing happens for an unknown one).
    async fn delete_session(&self, token_hash: [u8; 32]) -> Result<()>;

    // ---- provided ----

    /// [`Store::bind_enrol_code`] with a fresh credential made here and
    /// returned, once: the online enrolment.
    async fn redeem_enrol_code(
        &self,
        code: &str,
        device: DeviceId,
        now_ms: i64,
    ) -> Result<Enrolment> {
        let credential = Credential::random()?;
        let device = self
            .bind_enrol_code(code, device, now_ms, credential.hash())
            .await?;
        Ok(Enrolment { device, credential })
    }

    /// Authenticates a presented credential.
    async fn authenticate(&self, credential: &Credential) -> Result<Device> {
        self.device_by_credential_hash(&credential.hash()).await
    }

    /// [`Store::ingest`] of a run as it comes off the wire (`encode_run`).
    async fn ingest_run(&self, device: DeviceId, run: &[u8]) -> Result<IngestOutcome> {
        let events = decode_run(run)?;
        self.ingest(device, events).await
    }
}
