//! Organisations and centres.

use deadpool_postgres::GenericClient;
use deadpool_postgres::Object;
use qalam_model::{CentreId, OrgId};

use super::fixed;
use crate::error::StoreError;
use crate::secrets::random_bytes;
use crate::types::{Centre, Organisation};

pub(super) async fn create_org(
    c: &impl GenericClient,
    name: &str,
    now_ms: i64,
) -> Result<Organisation, StoreError> {
    let id = OrgId::from_bytes(random_bytes()?);
    c.execute(
        "INSERT INTO orgs (id, name, created_ms) VALUES ($1, $2, $3)",
        &[&id.as_bytes().as_slice(), &name, &now_ms],
    )
    .await?;
    Ok(Organisation {
        id,
        name: name.to_owned(),
        created_ms: now_ms,
    })
}

pub(super) async fn org(c: &impl GenericClient, id: OrgId) -> Result<Organisation, StoreError> {
    let row = c
        .query_opt(
            "SELECT name, created_ms FROM orgs WHERE id = $1",
            &[&id.as_bytes().as_slice()],
        )
        .await?
        .ok_or_else(|| StoreError::not_found("organisation", id))?;
    Ok(Organisation {
        id,
        name: row.try_get(0)?,
        created_ms: row.try_get(1)?,
    })
}

pub(super) async fn create_centre(
    c: &mut Object,
    org_id: OrgId,
    name: &str,
    now_ms: i64,
) -> Result<Centre, StoreError> {
    let tx = c.transaction().await?;
    // Locks the organisation's row against a concurrent delete.
    tx.query_opt(
        "SELECT 1 FROM orgs WHERE id = $1 FOR SHARE",
        &[&org_id.as_bytes().as_slice()],
    )
    .await?
    .ok_or_else(|| StoreError::not_found("organisation", org_id))?;
    let id = CentreId::from_bytes(random_bytes()?);
    tx.execute(
        "INSERT INTO centres (id, org, name, created_ms) VALUES ($1, $2, $3, $4)",
        &[
            &id.as_bytes().as_slice(),
            &org_id.as_bytes().as_slice(),
            &name,
            &now_ms,
        ],
    )
    .await?;
    tx.commit().await?;
    Ok(Centre {
        id,
        org: org_id,
        name: name.to_owned(),
        created_ms: now_ms,
    })
}

pub(super) async fn centre(c: &impl GenericClient, id: CentreId) -> Result<Centre, StoreError> {
    let row = c
        .query_opt(
            "SELECT org, name, created_ms FROM centres WHERE id = $1",
            &[&id.as_bytes().as_slice()],
        )
        .await?
        .ok_or_else(|| StoreError::not_found("centre", id))?;
    Ok(Centre {
        id,
        org: OrgId::from_bytes(fixed(&row, 0)?),
        name: row.try_get(1)?,
        created_ms: row.try_get(2)?,
    })
}
