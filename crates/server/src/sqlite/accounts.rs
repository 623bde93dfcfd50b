//! Organisations and centres.

use qalam_model::{CentreId, OrgId};
use rusqlite::{Connection, OptionalExtension, params};

use crate::error::StoreError;
use crate::secrets::random_bytes;
use crate::types::{Centre, Organisation};

pub(super) fn create_org(
    c: &Connection,
    name: &str,
    now_ms: i64,
) -> Result<Organisation, StoreError> {
    let id = OrgId::from_bytes(random_bytes()?);
    c.execute(
        "INSERT INTO orgs (id, name, created_ms) VALUES (?1, ?2, ?3)",
        params![id.as_bytes(), name, now_ms],
    )?;
    Ok(Organisation {
        id,
        name: name.to_owned(),
        created_ms: now_ms,
    })
}

pub(super) fn org(c: &Connection, id: OrgId) -> Result<Organisation, StoreError> {
    c.query_row(
        "SELECT name, created_ms FROM orgs WHERE id = ?1",
        params![id.as_bytes()],
        |r| {
            Ok(Organisation {
                id,
                name: r.get(0)?,
                created_ms: r.get(1)?,
            })
        },
    )
    .optional()?
    .ok_or_else(|| StoreError::not_found("organisation", id))
}

pub(super) fn create_centre(
    c: &mut Connection,
    org_id: OrgId,
    name: &str,
    now_ms: i64,
) -> Result<Centre, StoreError> {
    let tx = c.transaction()?;
    org(&tx, org_id)?;
    let id = CentreId::from_bytes(random_bytes()?);
    tx.execute(
        "INSERT INTO centres (id, org, name, created_ms) VALUES (?1, ?2, ?3, ?4)",
        params![id.as_bytes(), org_id.as_bytes(), name, now_ms],
    )?;
    tx.commit()?;
    Ok(Centre {
        id,
        org: org_id,
        name: name.to_owned(),
        created_ms: now_ms,
    })
}

pub(super) fn centre(c: &Connection, id: CentreId) -> Result<Centre, StoreError> {
    c.query_row(
        "SELECT org, name, created_ms FROM centres WHERE id = ?1",
        params![id.as_bytes()],
        |r| {
            Ok(Centre {
                id,
                org: OrgId::from_bytes(r.get(0)?),
                name: r.get(1)?,
                created_ms: r.get(2)?,
            })
        },
    )
    .optional()?
    .ok_or_else(|| StoreError::not_found("centre", id))
}
