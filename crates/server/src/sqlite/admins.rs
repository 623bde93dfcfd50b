//! The admin web page: listings, admin accounts, sign-in throttling and
//! sessions.

use qalam_model::{CentreId, DeviceId, OrgId};
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};

use super::accounts;
use crate::error::StoreError;
use crate::secrets::random_bytes;
use crate::types::{
    Admin, AdminId, AdminLogin, Centre, Device, DeviceSummary, LoginThrottle, Organisation,
};

pub(super) fn list_orgs(c: &Connection) -> Result<Vec<Organisation>, StoreError> {
    let mut stmt = c.prepare("SELECT id, name, created_ms FROM orgs ORDER BY name, id")?;
    let rows = stmt.query_map([], |r| {
        Ok(Organisation {
            id: OrgId::from_bytes(r.get(0)?),
            name: r.get(1)?,
            created_ms: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(super) fn list_centres(c: &Connection, org: OrgId) -> Result<Vec<Centre>, StoreError> {
    let mut stmt =
        c.prepare("SELECT id, name, created_ms FROM centres WHERE org = ?1 ORDER BY name, id")?;
    let rows = stmt.query_map(params![org.as_bytes()], |r| {
        Ok(Centre {
            id: CentreId::from_bytes(r.get(0)?),
            org,
            name: r.get(1)?,
            created_ms: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(super) fn list_devices(
    c: &Connection,
    centre: CentreId,
) -> Result<Vec<DeviceSummary>, StoreError> {
    let mut stmt = c.prepare(
        "SELECT d.id, d.org, d.enrolled_ms, d.revoked_ms,
                (SELECT max(s.server_ms) FROM clock_skew s WHERE s.device = d.id)
         FROM devices d WHERE d.centre = ?1 ORDER BY d.enrolled_ms, d.id",
    )?;
    let rows = stmt.query_map(params![centre.as_bytes()], |r| {
        Ok(DeviceSummary {
            device: Device {
                id: DeviceId::from_bytes(r.get(0)?),
                org: OrgId::from_bytes(r.get(1)?),
                centre,
                enrolled_ms: r.get(2)?,
                revoked_ms: r.get(3)?,
            },
            last_sync_ms: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

const ADMIN_COLUMNS: &str = "id, name, org, created_ms";

fn admin_from_row(r: &Row<'_>) -> rusqlite::Result<Admin> {
    let org: Option<[u8; 16]> = r.get(2)?;
    Ok(Admin {
        id: AdminId(r.get(0)?),
        name: r.get(1)?,
        org: org.map(OrgId::from_bytes),
        created_ms: r.get(3)?,
    })
}

pub(super) fn create_admin(
    c: &mut Connection,
    name: &str,
    org: Option<OrgId>,
    password_hash: &str,
    now_ms: i64,
) -> Result<Admin, StoreError> {
    let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
    if let Some(org) = org {
        accounts::org(&tx, org)?;
    }
    let id = AdminId(random_bytes()?);
    let inserted = tx.execute(
        "INSERT INTO admins (id, name, org, password_hash, created_ms)
         VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (name) DO NOTHING",
        params![
            id.0,
            name,
            org.map(|o| *o.as_bytes()),
            password_hash,
            now_ms
        ],
    )?;
    if inserted == 0 {
        return Err(StoreError::AdminExists(name.to_owned()));
    }
    tx.commit()?;
    Ok(Admin {
        id,
        name: name.to_owned(),
        org,
        created_ms: now_ms,
    })
}

pub(super) fn admin_login(c: &Connection, name: &str) -> Result<AdminLogin, StoreError> {
    c.query_row(
        &format!(
            "SELECT {ADMIN_COLUMNS}, password_hash, failures, locked_until_ms
             FROM admins WHERE name = ?1"
        ),
        params![name],
        |r| {
            Ok(AdminLogin {
                admin: admin_from_row(r)?,
                password_hash: r.get(4)?,
                failures: r.get(5)?,
                locked_until_ms: r.get(6)?,
            })
        },
    )
    .optional()?
    .ok_or_else(|| StoreError::not_found("administrator", name))
}

pub(super) fn record_login_failure(
    c: &mut Connection,
    admin: AdminId,
    now_ms: i64,
    throttle: LoginThrottle,
) -> Result<i64, StoreError> {
    let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let (failures, locked): (u32, i64) = tx
        .query_row(
            "UPDATE admins SET failures = failures + 1 WHERE id = ?1
             RETURNING failures, locked_until_ms",
            params![admin.0],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .ok_or_else(|| StoreError::not_found("administrator", admin))?;
    let until = locked.max(now_ms.saturating_add(throttle.delay_ms(failures)));
    tx.execute(
        "UPDATE admins SET locked_until_ms = ?2 WHERE id = ?1",
        params![admin.0, until],
    )?;
    tx.commit()?;
    Ok(until)
}

pub(super) fn record_login_success(c: &Connection, admin: AdminId) -> Result<(), StoreError> {
    c.execute(
        "UPDATE admins SET failures = 0, locked_until_ms = 0 WHERE id = ?1",
        params![admin.0],
    )?;
    Ok(())
}

pub(super) fn create_session(
    c: &mut Connection,
    token_hash: [u8; 32],
    admin: AdminId,
    now_ms: i64,
    expires_ms: i64,
) -> Result<(), StoreError> {
    let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute(
        "DELETE FROM admin_sessions WHERE expires_ms <= ?1",
        params![now_ms],
    )?;
    tx.execute(
        "INSERT INTO admin_sessions (token_hash, admin, created_ms, expires_ms)
         VALUES (?1, ?2, ?3, ?4)",
        params![token_hash, admin.0, now_ms, expires_ms],
    )?;
    tx.commit()?;
    Ok(())
}

pub(super) fn session_admin(
    c: &Connection,
    token_hash: [u8; 32],
    now_ms: i64,
) -> Result<Admin, StoreError> {
    c.query_row(
        "SELECT a.id, a.name, a.org, a.created_ms FROM admin_sessions s
         JOIN admins a ON a.id = s.admin
         WHERE s.token_hash = ?1 AND s.expires_ms > ?2",
        params![token_hash, now_ms],
        admin_from_row,
    )
    .optional()?
    .ok_or_else(|| StoreError::not_found("session", "(signed out or expired)"))
}

pub(super) fn delete_session(c: &Connection, token_hash: [u8; 32]) -> Result<(), StoreError> {
    c.execute(
        "DELETE FROM admin_sessions WHERE token_hash = ?1",
        params![token_hash],
    )?;
    Ok(())
}
