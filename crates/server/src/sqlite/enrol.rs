//! Enrolment codes: single use, expiring, stored hashed.

use qalam_model::{CentreId, DeviceId, EventHash};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::accounts;
use crate::error::StoreError;
use crate::secrets::{CredentialHash, enrol_code_hash, new_enrol_code};
use crate::types::{Device, EnrolCode};

pub(super) fn create_code(
    c: &Connection,
    centre: CentreId,
    now_ms: i64,
    valid_for_ms: i64,
) -> Result<EnrolCode, StoreError> {
    accounts::centre(c, centre)?;
    let code = new_enrol_code()?;
    let expires_ms = now_ms.saturating_add(valid_for_ms);
    c.execute(
        "INSERT INTO enrol_codes (code_hash, centre, created_ms, expires_ms) VALUES (?1, ?2, ?3, ?4)",
        params![enrol_code_hash(&code), centre.as_bytes(), now_ms, expires_ms],
    )?;
    Ok(EnrolCode {
        code,
        centre,
        expires_ms,
    })
}

pub(super) fn redeem(
    c: &mut Connection,
    code: &str,
    device: DeviceId,
    now_ms: i64,
    credential: &CredentialHash,
) -> Result<Device, StoreError> {
    let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let hash = enrol_code_hash(code);
    let (centre, expires_ms, used_ms, used_by): ([u8; 16], i64, Option<i64>, Option<Vec<u8>>) = tx
        .query_row(
            "SELECT centre, expires_ms, used_ms, used_by FROM enrol_codes WHERE code_hash = ?1",
            params![hash],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?
        .ok_or(StoreError::UnknownCode)?;
    if used_ms.is_some() {
        let same_device = used_by.as_deref() == Some(device.as_bytes().as_slice());
        if !same_device || now_ms >= expires_ms {
            return Err(StoreError::CodeUsed);
        }
        // The same device again, while the code is valid: its first answer
        // was lost on the way. The new credential replaces the unseen one.
        let changed = tx.execute(
            "UPDATE devices SET credential_hash = ?2 WHERE id = ?1 AND revoked_ms IS NULL",
            params![device.as_bytes(), credential.0],
        )?;
        if changed == 0 {
            return Err(StoreError::Revoked(device));
        }
        let device = super::devices::get(&tx, device)?;
        tx.commit()?;
        return Ok(device);
    }
    if now_ms >= expires_ms {
        return Err(StoreError::CodeExpired);
    }
    let centre = accounts::centre(&tx, CentreId::from_bytes(centre))?;
    let inserted = tx.execute(
        "INSERT INTO devices (id, org, centre, credential_hash, enrolled_ms, head_seq, head_hash)
         VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6) ON CONFLICT (id) DO NOTHING",
        params![
            device.as_bytes(),
            centre.org.as_bytes(),
            centre.id.as_bytes(),
            credential.0,
            now_ms,
            EventHash::GENESIS.as_bytes()
        ],
    )?;
    if inserted == 0 {
        return Err(StoreError::DeviceExists(device));
    }
    tx.execute(
        "UPDATE enrol_codes SET used_ms = ?2, used_by = ?3 WHERE code_hash = ?1",
        params![hash, now_ms, device.as_bytes()],
    )?;
    tx.commit()?;
    Ok(Device {
        id: device,
        org: centre.org,
        centre: centre.id,
        enrolled_ms: now_ms,
        revoked_ms: None,
    })
}
