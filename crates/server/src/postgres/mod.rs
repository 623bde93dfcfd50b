//! [`PgStore`]: PostgreSQL, for large deployments with several stateless
//! server processes against one database.
//!
//! Every method is one transaction. Pushes of one device are serialised
//! across processes by `SELECT … FOR UPDATE` on the device's row, which
//! holds its chain head; event rows are inserted with `ON CONFLICT DO
//! NOTHING`, so a batch retried or pushed twice at once is harmless.

mod accounts;
mod admins;
mod devices;
mod enrol;
mod events;
mod migrations;

use std::str::FromStr;

use async_trait::async_trait;
use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, RecyclingMethod};
use qalam_model::{CentreId, DeviceId, Event, OrgId, VersionVector};
use tokio_postgres::NoTls;

use crate::error::StoreError;
use crate::secrets::CredentialHash;
use crate::store::{Result, Store};
use crate::types::{
    Admin, AdminId, AdminLogin, Centre, ClockSkew, Device, DeviceSummary, EnrolCode, Entitlement,
    IngestOutcome, LoginThrottle, Organisation, PresenceChanges, PullBatch,
};

#[derive(Clone)]
pub struct PgStore {
    pool: Pool,
}

impl PgStore {
    /// Connects to `url` (`postgres://user@host:port/db`) and migrates.
    pub async fn connect(url: &str) -> Result<PgStore> {
        let config = tokio_postgres::Config::from_str(url)?;
        PgStore::with_config(config, 16).await
    }

    /// Connects with a parsed configuration and a pool of at most
    /// `max_connections`, and migrates.
    pub async fn with_config(
        config: tokio_postgres::Config,
        max_connections: usize,
    ) -> Result<PgStore> {
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(max_connections)
            .build()
            .map_err(|e| StoreError::Pool(e.to_string()))?;
        let store = PgStore { pool };
        let mut client = store.client().await?;
        migrations::migrate(&mut client).await?;
        Ok(store)
    }

    /// Closes every pooled connection.
    pub fn close(&self) {
        self.pool.close();
    }

    pub(crate) async fn client(&self) -> Result<Object> {
        self.pool
            .get()
            .await
            .map_err(|e| StoreError::Pool(e.to_string()))
    }
}

/// A fixed-width id read from a `bytea` column.
pub(crate) fn fixed<const N: usize>(row: &tokio_postgres::Row, i: usize) -> Result<[u8; N]> {
    let bytes: Vec<u8> = row.try_get(i)?;
    bytes.try_into().map_err(|b: Vec<u8>| {
        StoreError::Corrupt(format!("a {N}-byte column holds {} bytes", b.len()))
    })
}

#[async_trait]
impl Store for PgStore {
    async fn create_org(&self, name: &str, now_ms: i64) -> Result<Organisation> {
        accounts::create_org(&self.client().await?, name, now_ms).await
    }

    async fn org(&self, id: OrgId) -> Result<Organisation> {
        accounts::org(&self.client().await?, id).await
    }

    async fn create_centre(&self, org: OrgId, name: &str, now_ms: i64) -> Result<Centre> {
        accounts::create_centre(&mut self.client().await?, org, name, now_ms).await
    }

    async fn centre(&self, id: CentreId) -> Result<Centre> {
        accounts::centre(&self.client().await?, id).await
    }

    async fn create_enrol_code(
        &self,
        centre: CentreId,
        now_ms: i64,
        valid_for_ms: i64,
    ) -> Result<EnrolCode> {
        enrol::create_code(&self.client().await?, centre, now_ms, valid_for_ms).await
    }

    async fn bind_enrol_code(
        &self,
        code: &str,
        device: DeviceId,
        now_ms: i64,
        credential: CredentialHash,
    ) -> Result<Device> {
        enrol::redeem(&mut self.client().await?, code, device, now_ms, &credential).await
    }

    async fn device(&self, id: DeviceId) -> Result<Device> {
        devices::get(&self.client().await?, id).await
    }

    async fn device_by_credential_hash(&self, hash: &CredentialHash) -> Result<Device> {
        devices::by_credential_hash(&self.client().await?, hash).await
    }

    async fn revoke_device(&self, id: DeviceId, now_ms: i64) -> Result<()> {
        devices::revoke(&self.client().await?, id, now_ms).await
    }

    async fn enrol_successor(
        &self,
        predecessor: DeviceId,
        successor: DeviceId,
        credential: CredentialHash,
        now_ms: i64,
    ) -> Result<Device> {
        devices::enrol_successor(
            &mut self.client().await?,
            predecessor,
            successor,
            &credential,
            now_ms,
        )
        .await
    }

    async fn signing_secret(&self, candidate: [u8; 32], now_ms: i64) -> Result<[u8; 32]> {
        devices::signing_secret(&self.client().await?, candidate, now_ms).await
    }

    async fn record_status(
        &self,
        device: DeviceId,
        client_clock_ms: i64,
        server_clock_ms: i64,
    ) -> Result<ClockSkew> {
        devices::record_status(
            &self.client().await?,
            device,
            client_clock_ms,
            server_clock_ms,
        )
        .await
    }

    async fn clock_skews(&self, device: DeviceId, limit: usize) -> Result<Vec<ClockSkew>> {
        devices::clock_skews(&self.client().await?, device, limit).await
    }

    async fn ingest(&self, device: DeviceId, events: Vec<Event>) -> Result<IngestOutcome> {
        events::ingest(&mut self.client().await?, device, &events).await
    }

    async fn version_vector(&self, entitlement: &Entitlement) -> Result<VersionVector> {
        events::version_vector(&self.client().await?, entitlement).await
    }

    async fn events_for(
        &self,
        entitlement: &Entitlement,
        writer: DeviceId,
        from_seq: u64,
        max_bytes: usize,
    ) -> Result<PullBatch> {
        events::events_for(
            &mut self.client().await?,
            entitlement,
            writer,
            from_seq,
            max_bytes,
        )
        .await
    }

    async fn head_seq(&self, device: DeviceId) -> Result<u64> {
        events::head_seq(&self.client().await?, device).await
    }

    async fn chain_events(
        &self,
        device: DeviceId,
        from_seq: u64,
        to_seq: u64,
    ) -> Result<Vec<Event>> {
        events::chain_events(&self.client().await?, device, from_seq, to_seq).await
    }

    async fn presence_since(
        &self,
        entitlement: &Entitlement,
        since: u64,
    ) -> Result<PresenceChanges> {
        events::presence_since(&mut self.client().await?, entitlement, since).await
    }

    async fn list_orgs(&self) -> Result<Vec<Organisation>> {
        admins::list_orgs(&self.client().await?).await
    }

    async fn list_centres(&self, org: OrgId) -> Result<Vec<Centre>> {
        admins::list_centres(&self.client().await?, org).await
    }

    async fn list_devices(&self, centre: CentreId) -> Result<Vec<DeviceSummary>> {
        admins::list_devices(&self.client().await?, centre).await
    }

    async fn create_admin(
        &self,
        name: &str,
        org: Option<OrgId>,
        password_hash: &str,
        now_ms: i64,
    ) -> Result<Admin> {
        admins::create_admin(&self.client().await?, name, org, password_hash, now_ms).await
    }

    async fn admin_login(&self, name: &str) -> Result<AdminLogin> {
        admins::admin_login(&self.client().await?, name).await
    }

    async fn record_login_failure(
        &self,
        admin: AdminId,
        now_ms: i64,
        throttle: LoginThrottle,
    ) -> Result<i64> {
        admins::record_login_failure(&mut self.client().await?, admin, now_ms, throttle).await
    }

    async fn record_login_success(&self, admin: AdminId) -> Result<()> {
        admins::record_login_success(&self.client().await?, admin).await
    }

    async fn create_session(
        &self,
        token_hash: [u8; 32],
        admin: AdminId,
        now_ms: i64,
        expires_ms: i64,
    ) -> Result<()> {
        admins::create_session(
            &mut self.client().await?,
            token_hash,
            admin,
            now_ms,
            expires_ms,
        )
        .await
    }

    async fn session_admin(&self, token_hash: [u8; 32], now_ms: i64) -> Result<Admin> {
        admins::session_admin(&self.client().await?, token_hash, now_ms).await
    }

    async fn delete_session(&self, token_hash: [u8; 32]) -> Result<()> {
        admins::delete_session(&self.client().await?, token_hash).await
    }
}
