//! The `device` table (this install's identity, one row) and the `devices`
//! table (every device whose events are held, by a small integer).

use qalam_model::{CentreId, DeviceId, Hlc, OrgId};
use rusqlite::{Connection, OptionalExtension, params};

use crate::error::CoreError;

/// Who this install is. The device id is random, made once on first open
/// and never changed; org and centre stay zero until enrolment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Identity {
    pub device: DeviceId,
    pub org: OrgId,
    pub centre: CentreId,
}

/// Reads the identity, making it (with a fresh random device id) on the
/// first open of a data folder.
pub fn load_or_create(conn: &mut Connection) -> Result<Identity, CoreError> {
    if let Some(identity) = load(conn)? {
        return Ok(identity);
    }
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| CoreError::Io {
        action: "make a random device id",
        path: Default::default(),
        source: std::io::Error::other(e.to_string()),
    })?;
    let device = DeviceId::from_bytes(bytes);
    let tx = conn
        .transaction()
        .map_err(|e| CoreError::db("record the device id", e))?;
    // Another process may have won the race: keep whichever row exists.
    tx.execute(
        "INSERT OR IGNORE INTO device (one, device_id, org, centre, created_at) VALUES (1, ?1, ?2, ?2, ?3)",
        params![device.as_bytes(), [0u8; 16], super::now_rfc3339()],
    )
    .and_then(|_| tx.commit())
    .map_err(|e| CoreError::db("record the device id", e))?;
    load(conn)?.ok_or_else(|| CoreError::NotFound {
        what: "device identity",
        id: "1".into(),
    })
}

pub fn load(conn: &Connection) -> Result<Option<Identity>, CoreError> {
    conn.query_row(
        "SELECT device_id, org, centre FROM device WHERE one = 1",
        [],
        |row| {
            Ok((
                row.get::<_, Vec<u8>>(0)?,
                row.get::<_, Vec<u8>>(1)?,
                row.get::<_, Vec<u8>>(2)?,
            ))
        },
    )
    .optional()
    .map_err(|e| CoreError::db("read the device id", e))?
    .map(|(d, o, c)| {
        Ok(Identity {
            device: DeviceId::from_bytes(id16(&d)?),
            org: OrgId::from_bytes(id16(&o)?),
            centre: CentreId::from_bytes(id16(&c)?),
        })
    })
    .transpose()
}

pub(crate) fn id16(bytes: &[u8]) -> Result<[u8; 16], CoreError> {
    bytes.try_into().map_err(|_| {
        CoreError::BadRequest(format!(
            "a stored id has {} bytes instead of 16; run `qalam doctor`",
            bytes.len()
        ))
    })
}

/// The HLC as 12 big-endian bytes, so that SQLite orders blobs as clocks.
pub(crate) fn hlc_bytes(hlc: Hlc) -> [u8; 12] {
    let mut out = [0u8; 12];
    out[..8].copy_from_slice(&hlc.wall_ms.to_be_bytes());
    out[8..].copy_from_slice(&hlc.counter.to_be_bytes());
    out
}

pub(crate) fn hlc_from(bytes: &[u8]) -> Hlc {
    let mut wall = [0u8; 8];
    let mut counter = [0u8; 4];
    if bytes.len() == 12 {
        wall.copy_from_slice(&bytes[..8]);
        counter.copy_from_slice(&bytes[8..]);
    }
    Hlc::new(u64::from_be_bytes(wall), u32::from_be_bytes(counter))
}

/// The small number of `device` in `events`, adding it if new.
pub fn device_number(conn: &Connection, device: DeviceId) -> Result<i64, CoreError> {
    let found = conn
        .prepare_cached("SELECT n FROM devices WHERE device_id = ?1")
        .and_then(|mut s| s.query_row([device.as_bytes()], |r| r.get(0)).optional())
        .map_err(|e| CoreError::db("look up a device", e))?;
    if let Some(n) = found {
        return Ok(n);
    }
    conn.prepare_cached("INSERT INTO devices (device_id, max_hlc) VALUES (?1, ?2)")
        .and_then(|mut s| s.execute(params![device.as_bytes(), hlc_bytes(Hlc::ZERO)]))
        .map_err(|e| CoreError::db("record a device", e))?;
    Ok(conn.last_insert_rowid())
}

/// Raises the greatest HLC held from device `n` to at least `hlc`.
pub fn raise_max_hlc(conn: &Connection, n: i64, hlc: Hlc) -> Result<(), CoreError> {
    conn.prepare_cached("UPDATE devices SET max_hlc = ?2 WHERE n = ?1 AND max_hlc < ?2")
        .and_then(|mut s| s.execute(params![n, hlc_bytes(hlc)]))
        .map_err(|e| CoreError::db("record a device's clock", e))?;
    Ok(())
}

/// The greatest HLC of any event held, from any device.
pub fn max_hlc(conn: &Connection) -> Result<Hlc, CoreError> {
    let bytes: Option<Vec<u8>> = conn
        .prepare_cached("SELECT max(max_hlc) FROM devices")
        .and_then(|mut s| s.query_row([], |r| r.get(0)))
        .map_err(|e| CoreError::db("read the clock", e))?;
    Ok(bytes.map_or(Hlc::ZERO, |b| hlc_from(&b)))
}

/// Every device whose events are held: `(n, id)`, in id order.
pub fn devices(conn: &Connection) -> Result<Vec<(i64, DeviceId)>, CoreError> {
    let mut stmt = conn
        .prepare_cached("SELECT n, device_id FROM devices ORDER BY device_id")
        .map_err(|e| CoreError::db("list devices", e))?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?)))
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
        .map_err(|e| CoreError::db("list devices", e))?;
    rows.into_iter()
        .map(|(n, id)| Ok((n, DeviceId::from_bytes(id16(&id)?))))
        .collect()
}
