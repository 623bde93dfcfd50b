//! The admin web page: listings, admin accounts, sign-in throttling and
//! sessions.

use deadpool_postgres::{GenericClient, Object};
use qalam_model::{CentreId, DeviceId, OrgId};
use tokio_postgres::Row;

use super::fixed;
use crate::error::StoreError;
use crate::secrets::random_bytes;
use crate::types::{
    Admin, AdminId, AdminLogin, Centre, Device, DeviceSummary, LoginThrottle, Organisation,
};

/// PostgreSQL's code for a unique constraint that refused a row.
const UNIQUE_VIOLATION: &str = "23505";

pub(super) async fn list_orgs(c: &impl GenericClient) -> Result<Vec<Organisation>, StoreError> {
    let rows = c
        .query(
            "SELECT id, name, created_ms FROM orgs ORDER BY name, id",
            &[],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Organisation {
                id: OrgId::from_bytes(fixed(r, 0)?),
                name: r.try_get(1)?,
                created_ms: r.try_get(2)?,
            })
        })
        .collect()
}

pub(super) async fn list_centres(
    c: &impl GenericClient,
    org: OrgId,
) -> Result<Vec<Centre>, StoreError> {
    let rows = c
        .query(
            "SELECT id, name, created_ms FROM centres WHERE org = $1 ORDER BY name, id",
            &[&org.as_bytes().as_slice()],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Centre {
                id: CentreId::from_bytes(fixed(r, 0)?),
                org,
                name: r.try_get(1)?,
                created_ms: r.try_get(2)?,
            })
        })
        .collect()
}

pub(super) async fn list_devices(
    c: &impl GenericClient,
    centre: CentreId,
) -> Result<Vec<DeviceSummary>, StoreError> {
    let rows = c
        .query(
            "SELECT d.id, d.org, d.enrolled_ms, d.revoked_ms,
                    (SELECT max(s.server_ms) FROM clock_skew s WHERE s.device = d.id)
             FROM devices d WHERE d.centre = $1 ORDER BY d.enrolled_ms, d.id",
            &[&centre.as_bytes().as_slice()],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(DeviceSummary {
                device: Device {
                    id: DeviceId::from_bytes(fixed(r, 0)?),
                    org: OrgId::from_bytes(fixed(r, 1)?),
                    centre,
                    enrolled_ms: r.try_get(2)?,
                    revoked_ms: r.try_get(3)?,
                },
                last_sync_ms: r.try_get(4)?,
            })
        })
        .collect()
}

fn admin_from_row(r: &Row) -> Result<Admin, StoreError> {
    let org: Option<Vec<u8>> = r.try_get(2)?;
    let org = match org {
        None => None,
        Some(bytes) => Some(OrgId::from_bytes(bytes.try_into().map_err(|_| {
            StoreError::Corrupt("an admin's organisation is not 16 bytes".into())
        })?)),
    };
    Ok(Admin {
        id: AdminId(fixed(r, 0)?),
        name: r.try_get(1)?,
        org,
        created_ms: r.try_get(3)?,
    })
}

pub(super) async fn create_admin(
    c: &impl GenericClient,
    name: &str,
    org: Option<OrgId>,
    password_hash: &str,
    now_ms: i64,
) -> Result<Admin, StoreError> {
    if let Some(org) = org {
        super::accounts::org(c, org).await?;
    }
    let id = AdminId(random_bytes()?);
    let org_bytes = org.map(|o| o.as_bytes().to_vec());
    let result = c
        .execute(
            "INSERT INTO admins (id, name, org, password_hash, created_ms)
             VALUES ($1, $2, $3, $4, $5)",
            &[&id.0.as_slice(), &name, &org_bytes, &password_hash, &now_ms],
        )
        .await;
    match result {
        Ok(_) => Ok(Admin {
            id,
            name: name.to_owned(),
            org,
            created_ms: now_ms,
        }),
        Err(e) if e.code().is_some_and(|c| c.code() == UNIQUE_VIOLATION) => {
            Err(StoreError::AdminExists(name.to_owned()))
        }
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn admin_login(
    c: &impl GenericClient,
    name: &str,
) -> Result<AdminLogin, StoreError> {
    let row = c
        .query_opt(
            "SELECT id, name, org, created_ms, password_hash, failures, locked_until_ms
             FROM admins WHERE name = $1",
            &[&name],
        )
        .await?
        .ok_or_else(|| StoreError::not_found("administrator", name))?;
    let failures: i32 = row.try_get(5)?;
    Ok(AdminLogin {
        admin: admin_from_row(&row)?,
        password_hash: row.try_get(4)?,
        failures: u32::try_from(failures).unwrap_or(0),
        locked_until_ms: row.try_get(6)?,
    })
}

pub(super) async fn record_login_failure(
    c: &mut Object,
    admin: AdminId,
    now_ms: i64,
    throttle: LoginThrottle,
) -> Result<i64, StoreError> {
    let tx = c.transaction().await?;
    // The UPDATE takes the row lock, so failures counted by several server
    // processes at once each see the previous count.
    let row = tx
        .query_opt(
            "UPDATE admins SET failures = failures + 1 WHERE id = $1
             RETURNING failures, locked_until_ms",
            &[&admin.0.as_slice()],
        )
        .await?
        .ok_or_else(|| StoreError::not_found("administrator", admin))?;
    let failures: i32 = row.try_get(0)?;
    let locked: i64 = row.try_get(1)?;
    let delay = throttle.delay_ms(u32::try_from(failures).unwrap_or(u32::MAX));
    let until = locked.max(now_ms.saturating_add(delay));
    tx.execute(
        "UPDATE admins SET locked_until_ms = $2 WHERE id = $1",
        &[&admin.0.as_slice(), &until],
    )
    .await?;
    tx.commit().await?;
    Ok(until)
}

pub(super) async fn record_login_success(
    c: &impl GenericClient,
    admin: AdminId,
) -> Result<(), StoreError> {
    c.execute(
        "UPDATE admins SET failures = 0, locked_until_ms = 0 WHERE id = $1",
        &[&admin.0.as_slice()],
    )
    .await?;
    Ok(())
}

pub(super) async fn create_session(
    c: &mut Object,
    token_hash: [u8; 32],
    admin: AdminId,
    now_ms: i64,
    expires_ms: i64,
) -> Result<(), StoreError> {
    let tx = c.transaction().await?;
    tx.execute(
        "DELETE FROM admin_sessions WHERE expires_ms <= $1",
        &[&now_ms],
    )
    .await?;
    tx.execute(
        "INSERT INTO admin_sessions (token_hash, admin, created_ms, expires_ms)
         VALUES ($1, $2, $3, $4)",
        &[
            &token_hash.as_slice(),
            &admin.0.as_slice(),
            &now_ms,
            &expires_ms,
        ],
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub(super) async fn session_admin(
    c: &impl GenericClient,
    token_hash: [u8; 32],
    now_ms: i64,
) -> Result<Admin, StoreError> {
    let row = c
        .query_opt(
            "SELECT a.id, a.name, a.org, a.created_ms FROM admin_sessions s
             JOIN admins a ON a.id = s.admin
             WHERE s.token_hash = $1 AND s.expires_ms > $2",
            &[&token_hash.as_slice(), &now_ms],
        )
        .await?
        .ok_or_else(|| StoreError::not_found("session", "(signed out or expired)"))?;
    admin_from_row(&row)
}

pub(super) async fn delete_session(
    c: &impl GenericClient,
    token_hash: [u8; 32],
) -> Result<(), StoreError> {
    c.execute(
        "DELETE FROM admin_sessions WHERE token_hash = $1",
        &[&token_hash.as_slice()],
    )
    .await?;
    Ok(())
}
