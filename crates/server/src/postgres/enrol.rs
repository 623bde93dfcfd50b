//! Enrolment codes: single use, expiring, stored hashed.

use deadpool_postgres::{GenericClient, Object};
use qalam_model::{CentreId, DeviceId, EventHash};

use super::{accounts, fixed};
use crate::error::StoreError;
use crate::secrets::{CredentialHash, enrol_code_hash, new_enrol_code};
use crate::types::{Device, EnrolCode};

pub(super) async fn create_code(
    c: &impl GenericClient,
    centre: CentreId,
    now_ms: i64,
    valid_for_ms: i64,
) -> Result<EnrolCode, StoreError> {
    accounts::centre(c, centre).await?;
    let code = new_enrol_code()?;
    let expires_ms = now_ms.saturating_add(valid_for_ms);
    c.execute(
        "INSERT INTO enrol_codes (code_hash, centre, created_ms, expires_ms) VALUES ($1, $2, $3, $4)",
        &[
            &enrol_code_hash(&code).as_slice(),
            &centre.as_bytes().as_slice(),
            &now_ms,
            &expires_ms,
        ],
    )
    .await?;
    Ok(EnrolCode {
        code,
        centre,
        expires_ms,
    })
}

pub(super) async fn redeem(
    c: &mut Object,
    code: &str,
    device: DeviceId,
    now_ms: i64,
    credential: &CredentialHash,
) -> Result<Device, StoreError> {
    let hash = enrol_code_hash(code);
    let tx = c.transaction().await?;
    // Spending the code is one conditional UPDATE, so two redemptions
    // racing in two server processes cannot both win.
    let spent = tx
        .query_opt(
            "UPDATE enrol_codes SET used_ms = $2, used_by = $3
             WHERE code_hash = $1 AND used_ms IS NULL AND expires_ms > $2
             RETURNING centre",
            &[&hash.as_slice(), &now_ms, &device.as_bytes().as_slice()],
        )
        .await?;
    let Some(spent) = spent else {
        let row = tx
            .query_opt(
                "SELECT used_ms, used_by, expires_ms FROM enrol_codes WHERE code_hash = $1",
                &[&hash.as_slice()],
            )
            .await?
            .ok_or(StoreError::UnknownCode)?;
        let used: Option<i64> = row.try_get(0)?;
        let used_by: Option<Vec<u8>> = row.try_get(1)?;
        let expires_ms: i64 = row.try_get(2)?;
        if used.is_none() {
            return Err(StoreError::CodeExpired);
        }
        if used_by.as_deref() != Some(device.as_bytes().as_slice()) || now_ms >= expires_ms {
            return Err(StoreError::CodeUsed);
        }
        // The same device again, while the code is valid: its first answer
        // was lost on the way. The new credential replaces the unseen one.
        let row = tx
            .query_opt(
                "UPDATE devices SET credential_hash = $2 WHERE id = $1 AND revoked_ms IS NULL
                 RETURNING id, org, centre, enrolled_ms, revoked_ms",
                &[&device.as_bytes().as_slice(), &credential.0.as_slice()],
            )
            .await?
            .ok_or(StoreError::Revoked(device))?;
        let device = super::devices::from_row(&row)?;
        tx.commit().await?;
        return Ok(device);
    };
    let centre = accounts::centre(&tx, CentreId::from_bytes(fixed(&spent, 0)?)).await?;
    let inserted = tx
        .execute(
            "INSERT INTO devices (id, org, centre, credential_hash, enrolled_ms, head_seq, head_hash)
             VALUES ($1, $2, $3, $4, $5, 0, $6) ON CONFLICT (id) DO NOTHING",
            &[
                &device.as_bytes().as_slice(),
                &centre.org.as_bytes().as_slice(),
                &centre.id.as_bytes().as_slice(),
                &credential.0.as_slice(),
                &now_ms,
                &EventHash::GENESIS.as_bytes().as_slice(),
            ],
        )
        .await?;
    if inserted == 0 {
        // Dropping `tx` rolls back, so the code stays unspent.
        return Err(StoreError::DeviceExists(device));
    }
    tx.commit().await?;
    Ok(Device {
        id: device,
        org: centre.org,
        centre: centre.id,
        enrolled_ms: now_ms,
        revoked_ms: None,
    })
}
