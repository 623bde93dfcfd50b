//! Devices: lookup by credential, revocation, clock skew.

use qalam_model::{CentreId, DeviceId, OrgId};
use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::error::StoreError;
use crate::secrets::CredentialHash;
use crate::types::{ClockSkew, Device};

const COLUMNS: &str = "id, org, centre, enrolled_ms, revoked_ms";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Device> {
    Ok(Device {
        id: DeviceId::from_bytes(r.get(0)?),
        org: OrgId::from_bytes(r.get(1)?),
        centre: CentreId::from_bytes(r.get(2)?),
        enrolled_ms: r.get(3)?,
        revoked_ms: r.get(4)?,
    })
}

pub(super) fn get(c: &Connection, id: DeviceId) -> Result<Device, StoreError> {
    c.query_row(
        &format!("SELECT {COLUMNS} FROM devices WHERE id = ?1"),
        params![id.as_bytes()],
        from_row,
    )
    .optional()?
    .ok_or_else(|| StoreError::not_found("device", id))
}

pub(super) fn by_credential_hash(
    c: &Connection,
    hash: &CredentialHash,
) -> Result<Device, StoreError> {
    let device = c
        .query_row(
            &format!("SELECT {COLUMNS} FROM devices WHERE credential_hash = ?1"),
            params![hash.0],
            from_row,
        )
        .optional()?
        .ok_or(StoreError::BadCredential)?;
    if device.revoked_ms.is_some() {
        return Err(StoreError::Revoked(device.id));
    }
    Ok(device)
}

/// Every device in the line of `?1` (its predecessors and successors,
/// after repairs gave it new ids): one laptop, so revoked together.
const LINE: &str = "WITH RECURSIVE
    up(id) AS (SELECT ?1 UNION SELECT d.successor_of FROM devices d JOIN up ON d.id = up.id
               WHERE d.successor_of IS NOT NULL),
    down(id) AS (SELECT id FROM up UNION SELECT d.id FROM devices d JOIN down ON d.successor_of = down.id)
    SELECT id FROM down";

/// Registers `successor`, a new id the device of `predecessor` took after
/// a repair, with the hash of a credential the device made, in the same
/// centre. Idempotent for the same successor and credential (an answer
/// lost on the way).
pub(super) fn enrol_successor(
    c: &mut Connection,
    predecessor: DeviceId,
    successor: DeviceId,
    credential: &CredentialHash,
    now_ms: i64,
) -> Result<Device, StoreError> {
    let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let pred = get(&tx, predecessor)?;
    if pred.revoked_ms.is_some() {
        return Err(StoreError::Revoked(predecessor));
    }
    let existing: Option<(Option<Vec<u8>>, Vec<u8>)> = tx
        .query_row(
            "SELECT successor_of, credential_hash FROM devices WHERE id = ?1",
            params![successor.as_bytes()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if let Some((of, hash)) = existing {
        if of.as_deref() == Some(predecessor.as_bytes().as_slice()) && hash == credential.0 {
            return get(&tx, successor);
        }
        return Err(StoreError::DeviceExists(successor));
    }
    tx.execute(
        "INSERT INTO devices (id, org, centre, credential_hash, enrolled_ms, head_seq, head_hash, successor_of)
         VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6, ?7)",
        params![
            successor.as_bytes(),
            pred.org.as_bytes(),
            pred.centre.as_bytes(),
            credential.0,
            now_ms,
            qalam_model::EventHash::GENESIS.as_bytes(),
            predecessor.as_bytes()
        ],
    )?;
    let device = get(&tx, successor)?;
    tx.commit()?;
    Ok(device)
}

pub(super) fn revoke(c: &Connection, id: DeviceId, now_ms: i64) -> Result<(), StoreError> {
    let n = c.execute(
        &format!("UPDATE devices SET revoked_ms = coalesce(revoked_ms, ?2) WHERE id IN ({LINE})"),
        params![id.as_bytes(), now_ms],
    )?;
    if n == 0 {
        return Err(StoreError::not_found("device", id));
    }
    Ok(())
}

pub(super) fn record_status(
    c: &Connection,
    device: DeviceId,
    client_ms: i64,
    server_ms: i64,
) -> Result<ClockSkew, StoreError> {
    get(c, device)?;
    let skew = ClockSkew {
        client_ms,
        server_ms,
        skew_ms: client_ms.saturating_sub(server_ms),
    };
    c.execute(
        "INSERT INTO clock_skew (device, server_ms, client_ms, skew_ms) VALUES (?1, ?2, ?3, ?4)",
        params![device.as_bytes(), server_ms, client_ms, skew.skew_ms],
    )?;
    Ok(skew)
}

pub(super) fn clock_skews(
    c: &Connection,
    device: DeviceId,
    limit: usize,
) -> Result<Vec<ClockSkew>, StoreError> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let mut stmt = c.prepare(
        "SELECT client_ms, server_ms, skew_ms FROM clock_skew WHERE device = ?1
         ORDER BY server_ms DESC, rowid DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![device.as_bytes(), limit], |r| {
        Ok(ClockSkew {
            client_ms: r.get(0)?,
            server_ms: r.get(1)?,
            skew_ms: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The stored signing secret, or `candidate` stored first.
pub(super) fn signing_secret(
    c: &mut Connection,
    candidate: [u8; 32],
    now_ms: i64,
) -> Result<[u8; 32], StoreError> {
    c.execute(
        "INSERT INTO server_keys (purpose, secret, created_ms) VALUES ('device_certificates', ?1, ?2)
         ON CONFLICT (purpose) DO NOTHING",
        params![candidate.as_slice(), now_ms],
    )?;
    let secret: Vec<u8> = c.query_row(
        "SELECT secret FROM server_keys WHERE purpose = 'device_certificates'",
        [],
        |r| r.get(0),
    )?;
    secret
        .try_into()
        .map_err(|_| StoreError::Corrupt("the server's signing key is not 32 bytes".into()))
}
