//! [`SqliteStore`]: the default backend, one file in the data folder.
//!
//! One connection behind a mutex, used on tokio's blocking pool: SQLite
//! has one writer at a time anyway, and `BEGIN IMMEDIATE` transactions
//! with WAL and `synchronous=FULL` make every acknowledged commit survive
//! power loss (docs/EVENTS.md, "Durability").

mod accounts;
mod admins;
mod devices;
mod enrol;
mod events;
mod migrations;

use std::path::Path;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use qalam_model::{CentreId, DeviceId, Event, OrgId, VersionVector};
use rusqlite::Connection;

use crate::error::StoreError;
use crate::secrets::CredentialHash;
use crate::store::{Result, Store};
use crate::types::{
    Admin, AdminId, AdminLogin, Centre, ClockSkew, Device, DeviceSummary, EnrolCode, Entitlement,
    IngestOutcome, LoginThrottle, Organisation, PresenceChanges, PullBatch,
};

#[derive(Clone)]
pub struct SqliteStore {
    conn: Arc<Mutex<Connection>>,
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path` and migrates it.
    pub async fn open(path: impl AsRef<Path>) -> Result<SqliteStore> {
        let path = path.as_ref().to_owned();
        let conn = tokio::task::spawn_blocking(move || -> Result<Connection> {
            let mut conn = Connection::open(&path)?;
            conn.busy_timeout(std::time::Duration::from_secs(30))?;
            conn.pragma_update(None, "journal_mode", "WAL")?;
            conn.pragma_update(None, "synchronous", "FULL")?;
            conn.pragma_update(None, "foreign_keys", true)?;
            migrations::migrate(&mut conn)?;
            Ok(conn)
        })
        .await
        .map_err(|e| StoreError::Task(e.to_string()))??;
        Ok(SqliteStore {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Runs `f` with the connection on the blocking pool.
    pub(crate) async fn call<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    {
        let conn = Arc::clone(&self.conn);
        tokio::task::spawn_blocking(move || {
            let mut guard = conn
                .lock()
                .map_err(|_| StoreError::Task("a previous storage call panicked".into()))?;
            f(&mut guard)
        })
        .await
        .map_err(|e| StoreError::Task(e.to_string()))?
    }
}

#[async_trait]
impl Store for SqliteStore {
    async fn create_org(&self, name: &str, now_ms: i64) -> Result<Organisation> {
        let name = name.to_owned();
        self.call(move |c| accounts::create_org(c, &name, now_ms))
            .await
    }

    async fn org(&self, id: OrgId) -> Result<Organisation> {
        self.call(move |c| accounts::org(c, id)).await
    }

    async fn create_centre(&self, org: OrgId, name: &str, now_ms: i64) -> Result<Centre> {
        let name = name.to_owned();
        self.call(move |c| accounts::create_centre(c, org, &name, now_ms))
            .await
    }

    async fn centre(&self, id: CentreId) -> Result<Centre> {
        self.call(move |c| accounts::centre(c, id)).await
    }

    async fn create_enrol_code(
        &self,
        centre: CentreId,
        now_ms: i64,
        valid_for_ms: i64,
    ) -> Result<EnrolCode> {
        self.call(move |c| enrol::create_code(c, centre, now_ms, valid_for_ms))
            .await
    }

    async fn bind_enrol_code(
        &self,
        code: &str,
        device: DeviceId,
        now_ms: i64,
        credential: CredentialHash,
    ) -> Result<Device> {
        let code = code.to_owned();
        self.call(move |c| enrol::redeem(c, &code, device, now_ms, &credential))
            .await
    }

    async fn device(&self, id: DeviceId) -> Result<Device> {
        self.call(move |c| devices::get(c, id)).await
    }

    async fn device_by_credential_hash(&self, hash: &CredentialHash) -> Result<Device> {
        let hash = *hash;
        self.call(move |c| devices::by_credential_hash(c, &hash))
            .await
    }

    async fn revoke_device(&self, id: DeviceId, now_ms: i64) -> Result<()> {
        self.call(move |c| devices::revoke(c, id, now_ms)).await
    }

    async fn enrol_successor(
        &self,
        predecessor: DeviceId,
        successor: DeviceId,
        credential: CredentialHash,
        now_ms: i64,
    ) -> Result<Device> {
        self.call(move |c| devices::enrol_successor(c, predecessor, successor, &credential, now_ms))
            .await
    }

    async fn signing_secret(&self, candidate: [u8; 32], now_ms: i64) -> Result<[u8; 32]> {
        self.call(move |c| devices::signing_secret(c, candidate, now_ms))
            .await
    }

    async fn record_status(
        &self,
        device: DeviceId,
        client_clock_ms: i64,
        server_clock_ms: i64,
    ) -> Result<ClockSkew> {
        self.call(move |c| devices::record_status(c, device, client_clock_ms, server_clock_ms))
            .await
    }

    async fn clock_skews(&self, device: DeviceId, limit: usize) -> Result<Vec<ClockSkew>> {
        self.call(move |c| devices::clock_skews(c, device, limit))
            .await
    }

    async fn ingest(&self, device: DeviceId, events: Vec<Event>) -> Result<IngestOutcome> {
        self.call(move |c| events::ingest(c, device, &events)).await
    }

    async fn version_vector(&self, entitlement: &Entitlement) -> Result<VersionVector> {
        let ent = *entitlement;
        self.call(move |c| events::version_vector(c, &ent)).await
    }

    async fn events_for(
        &self,
        entitlement: &Entitlement,
        writer: DeviceId,
        from_seq: u64,
        max_bytes: usize,
    ) -> Result<PullBatch> {
        let ent = *entitlement;
        self.call(move |c| events::events_for(c, &ent, writer, from_seq, max_bytes))
            .await
    }

    async fn head_seq(&self, device: DeviceId) -> Result<u64> {
        self.call(move |c| events::head_seq(c, device)).await
    }

    async fn chain_events(
        &self,
        device: DeviceId,
        from_seq: u64,
        to_seq: u64,
    ) -> Result<Vec<Event>> {
        self.call(move |c| events::chain_events(c, device, from_seq, to_seq))
            .await
    }

    async fn presence_since(
        &self,
        entitlement: &Entitlement,
        since: u64,
    ) -> Result<PresenceChanges> {
        let ent = *entitlement;
        self.call(move |c| events::presence_since(c, &ent, since))
            .await
    }

    async fn list_orgs(&self) -> Result<Vec<Organisation>> {
        self.call(|c| admins::list_orgs(c)).await
    }

    async fn list_centres(&self, org: OrgId) -> Result<Vec<Centre>> {
        self.call(move |c| admins::list_centres(c, org)).await
    }

    async fn list_devices(&self, centre: CentreId) -> Result<Vec<DeviceSummary>> {
        self.call(move |c| admins::list_devices(c, centre)).await
    }

    async fn create_admin(
        &self,
        name: &str,
        org: Option<OrgId>,
        password_hash: &str,
        now_ms: i64,
    ) -> Result<Admin> {
        let (name, hash) = (name.to_owned(), password_hash.to_owned());
        self.call(move |c| admins::create_admin(c, &name, org, &hash, now_ms))
            .await
    }

    async fn admin_login(&self, name: &str) -> Result<AdminLogin> {
        let name = name.to_owned();
        self.call(move |c| admins::admin_login(c, &name)).await
    }

    async fn record_login_failure(
        &self,
        admin: AdminId,
        now_ms: i64,
        throttle: LoginThrottle,
    ) -> Result<i64> {
        self.call(move |c| admins::record_login_failure(c, admin, now_ms, throttle))
            .await
    }

    async fn record_login_success(&self, admin: AdminId) -> Result<()> {
        self.call(move |c| admins::record_login_success(c, admin))
            .await
    }

    async fn create_session(
        &self,
        token_hash: [u8; 32],
        admin: AdminId,
        now_ms: i64,
        expires_ms: i64,
    ) -> Result<()> {
        self.call(move |c| admins::create_session(c, token_hash, admin, now_ms, expires_ms))
            .await
    }

    async fn session_admin(&self, token_hash: [u8; 32], now_ms: i64) -> Result<Admin> {
        self.call(move |c| admins::session_admin(c, token_hash, now_ms))
            .await
    }

    async fn delete_session(&self, token_hash: [u8; 32]) -> Result<()> {
        self.call(move |c| admins::delete_session(c, token_hash))
            .await
    }
}
