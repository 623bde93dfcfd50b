//! Devices: lookup by credential, revocation, clock skew.

use deadpool_postgres::{GenericClient, Object};
use qalam_model::{CentreId, DeviceId, OrgId};
use tokio_postgres::Row;

use super::fixed;
use crate::error::StoreError;
use crate::secrets::CredentialHash;
use crate::types::{ClockSkew, Device};

const COLUMNS: &str = "id, org, centre, enrolled_ms, revoked_ms";

pub(super) fn from_row(r: &Row) -> Result<Device, StoreError> {
    Ok(Device {
        id: DeviceId::from_bytes(fixed(r, 0)?),
        org: OrgId::from_bytes(fixed(r, 1)?),
        centre: CentreId::from_bytes(fixed(r, 2)?),
        enrolled_ms: r.try_get(3)?,
        revoked_ms: r.try_get(4)?,
    })
}

pub(super) async fn get(c: &impl GenericClient, id: DeviceId) -> Result<Device, StoreError> {
    let row = c
        .query_opt(
            &format!("SELECT {COLUMNS} FROM devices WHERE id = $1"),
            &[&id.as_bytes().as_slice()],
        )
        .await?
        .ok_or_else(|| StoreError::not_found("device", id))?;
    from_row(&row)
}

pub(super) async fn by_credential_hash(
    c: &impl GenericClient,
    hash: &CredentialHash,
) -> Result<Device, StoreError> {
    let row = c
        .query_opt(
            &format!("SELECT {COLUMNS} FROM devices WHERE credential_hash = $1"),
            &[&hash.0.as_slice()],
        )
        .await?
        .ok_or(StoreError::BadCredential)?;
    let device = from_row(&row)?;
    if device.revoked_ms.is_some() {
        return Err(StoreError::Revoked(device.id));
    }
    Ok(device)
}

/// Every device in the line of `$1` (see the SQLite store).
const LINE: &str = "WITH RECURSIVE
    up(id) AS (SELECT $1::bytea UNION SELECT d.successor_of FROM devices d JOIN up ON d.id = up.id
               WHERE d.successor_of IS NOT NULL),
    down(id) AS (SELECT id FROM up UNION SELECT d.id FROM devices d JOIN down ON d.successor_of = down.id)
    SELECT id FROM down";

/// See the SQLite store's `enrol_successor`.
pub(super) async fn enrol_successor(
    c: &mut Object,
    predecessor: DeviceId,
    successor: DeviceId,
    credential: &CredentialHash,
    now_ms: i64,
) -> Result<Device, StoreError> {
    let tx = c.transaction().await?;
    let pred = tx
        .query_opt(
            &format!("SELECT {COLUMNS} FROM devices WHERE id = $1 FOR UPDATE"),
            &[&predecessor.as_bytes().as_slice()],
        )
        .await?
        .ok_or_else(|| StoreError::not_found("device", predecessor))?;
    let pred = from_row(&pred)?;
    if pred.revoked_ms.is_some() {
        return Err(StoreError::Revoked(predecessor));
    }
    let inserted = tx
        .execute(
            "INSERT INTO devices (id, org, centre, credential_hash, enrolled_ms, head_seq, head_hash, successor_of)
             VALUES ($1, $2, $3, $4, $5, 0, $6, $7) ON CONFLICT (id) DO NOTHING",
            &[
                &successor.as_bytes().as_slice(),
                &pred.org.as_bytes().as_slice(),
                &pred.centre.as_bytes().as_slice(),
                &credential.0.as_slice(),
                &now_ms,
                &qalam_model::EventHash::GENESIS.as_bytes().as_slice(),
                &predecessor.as_bytes().as_slice(),
            ],
        )
        .await?;
    if inserted == 0 {
        let row = tx
            .query_one(
                "SELECT successor_of, credential_hash FROM devices WHERE id = $1",
                &[&successor.as_bytes().as_slice()],
            )
            .await?;
        let of: Option<Vec<u8>> = row.try_get(0)?;
        let hash: Vec<u8> = row.try_get(1)?;
        if of.as_deref() != Some(predecessor.as_bytes().as_slice()) || hash != credential.0 {
            return Err(StoreError::DeviceExists(successor));
        }
    }
    let row = tx
        .query_one(
            &format!("SELECT {COLUMNS} FROM devices WHERE id = $1"),
            &[&successor.as_bytes().as_slice()],
        )
        .await?;
    let device = from_row(&row)?;
    tx.commit().await?;
    Ok(device)
}

pub(super) async fn revoke(
    c: &impl GenericClient,
    id: DeviceId,
    now_ms: i64,
) -> Result<(), StoreError> {
    // Takes the device's row lock, so it waits for a push in flight and
    // every later push sees the revocation.
    let n = c
        .execute(
            &format!(
                "UPDATE devices SET revoked_ms = coalesce(revoked_ms, $2) WHERE id IN ({LINE})"
            ),
            &[&id.as_bytes().as_slice(), &now_ms],
        )
        .await?;
    if n == 0 {
        return Err(StoreError::not_found("device", id));
    }
    Ok(())
}

pub(super) async fn record_status(
    c: &impl GenericClient,
    device: DeviceId,
    client_ms: i64,
    server_ms: i64,
) -> Result<ClockSkew, StoreError> {
    let skew = ClockSkew {
        client_ms,
        server_ms,
        skew_ms: client_ms.saturating_sub(server_ms),
    };
    let n = c
        .execute(
            "INSERT INTO clock_skew (device, server_ms, client_ms, skew_ms)
             SELECT id, $2, $3, $4 FROM devices WHERE id = $1",
            &[
                &device.as_bytes().as_slice(),
                &server_ms,
                &client_ms,
                &skew.skew_ms,
            ],
        )
        .await?;
    if n == 0 {
        return Err(StoreError::not_found("device", device));
    }
    Ok(skew)
}

pub(super) async fn clock_skews(
    c: &impl GenericClient,
    device: DeviceId,
    limit: usize,
) -> Result<Vec<ClockSkew>, StoreError> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = c
        .query(
            "SELECT client_ms, server_ms, skew_ms FROM clock_skew WHERE device = $1
             ORDER BY server_ms DESC, id DESC LIMIT $2",
            &[&device.as_bytes().as_slice(), &limit],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(ClockSkew {
                client_ms: r.try_get(0)?,
                server_ms: r.try_get(1)?,
                skew_ms: r.try_get(2)?,
            })
        })
        .collect()
}

/// The stored signing secret, or `candidate` stored first.
pub(super) async fn signing_secret(
    c: &impl GenericClient,
    candidate: [u8; 32],
    now_ms: i64,
) -> Result<[u8; 32], StoreError> {
    c.execute(
        "INSERT INTO server_keys (purpose, secret, created_ms) VALUES ('device_certificates', $1, $2)
         ON CONFLICT (purpose) DO NOTHING",
        &[&candidate.as_slice(), &now_ms],
    )
    .await?;
    let row = c
        .query_one(
            "SELECT secret FROM server_keys WHERE purpose = 'device_certificates'",
            &[],
        )
        .await?;
    let secret: Vec<u8> = row.try_get(0)?;
    secret
        .try_into()
        .map_err(|_| StoreError::Corrupt("the server's signing key is not 32 bytes".into()))
}
