//! Devices: lookup by credential, revocation, clock skew.

use deadpool_postgres::GenericClient;
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

pub(super) async fn revoke(
    c: &impl GenericClient,
    id: DeviceId,
    now_ms: i64,
) -> Result<(), StoreError> {
    // Takes the device's row lock, so it waits for a push in flight and
    // every later push sees the revocation.
    let n = c
        .execute(
            "UPDATE devices SET revoked_ms = coalesce(revoked_ms, $2) WHERE id = $1",
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
