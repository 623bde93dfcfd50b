//! This device's Ed25519 key and the campus server's certificate of it
//! (docs/SYNC_PROTOCOL.md, "Device keys and certificates"), kept in
//! `device_keys`.
//!
//! The key signs the sync files this device writes for other laptops of
//! its centre. The certificate, asked for at the first sync that completes
//! (or carried back in a server's sync file), says to those laptops that
//! the key is this device's. The server's public key, learnt the same way
//! over the authenticated channel, is what this device trusts when it
//! checks another device's certificate.

use super::wire::{CertificateRequest, CertificateResponse, DeviceCertificate};
use ed25519_dalek::SigningKey;
use qalam_model::DeviceId;
use rusqlite::{Connection, OptionalExtension, params};

use super::SyncError;
use super::client::HttpClient;
use crate::device::Device;
use crate::error::CoreError;

fn db(action: &'static str) -> impl FnOnce(rusqlite::Error) -> CoreError {
    move |e| CoreError::db(action, e)
}

type KeyRow = (Vec<u8>, Vec<u8>, Option<Vec<u8>>, Option<Vec<u8>>);

fn row(conn: &Connection) -> Result<Option<KeyRow>, CoreError> {
    conn.query_row(
        "SELECT device_id, secret, certificate, server_key FROM device_keys WHERE one = 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )
    .optional()
    .map_err(db("read this device's key"))
}

fn random_secret() -> Result<[u8; 32], CoreError> {
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(|e| CoreError::Io {
        action: "make a device key",
        path: Default::default(),
        source: std::io::Error::other(e.to_string()),
    })?;
    Ok(secret)
}

/// This device's signing key, made on first use. A key made for an id the
/// device no longer has (a repair gave it a new one) is replaced, and its
/// certificate dropped; the server's key is kept.
pub fn signing_key(conn: &Connection, me: DeviceId) -> Result<SigningKey, CoreError> {
    if let Some((device, secret, _, _)) = row(conn)?
        && device.as_slice() == me.as_bytes()
        && let Ok(secret) = <[u8; 32]>::try_from(secret.as_slice())
    {
        return Ok(SigningKey::from_bytes(&secret));
    }
    let secret = random_secret()?;
    conn.execute(
        "INSERT INTO device_keys (one, device_id, secret) VALUES (1, ?1, ?2)
         ON CONFLICT (one) DO UPDATE SET device_id = ?1, secret = ?2, certificate = NULL",
        params![me.as_bytes(), secret.as_slice()],
    )
    .map_err(db("save this device's key"))?;
    tracing::info!(device = %me, "made a signing key for sync files");
    Ok(SigningKey::from_bytes(&secret))
}

/// The campus server's public key, once learnt.
pub fn server_key(conn: &Connection) -> Result<Option<[u8; 32]>, CoreError> {
    Ok(row(conn)?
        .and_then(|(_, _, _, key)| key)
        .and_then(|key| <[u8; 32]>::try_from(key.as_slice()).ok()))
}

/// The certificate of this device's current key, if the server gave one.
pub fn certificate(
    conn: &Connection,
    me: DeviceId,
) -> Result<Option<DeviceCertificate>, CoreError> {
    let Some((device, secret, Some(cert), Some(server))) = row(conn)? else {
        return Ok(None);
    };
    let Ok(cert) = DeviceCertificate::from_bytes(&cert) else {
        return Ok(None);
    };
    let matches = device.as_slice() == me.as_bytes()
        && cert.device == me
        && cert.server_key.as_slice() == server.as_slice()
        && <[u8; 32]>::try_from(secret.as_slice()).is_ok_and(|s| {
            SigningKey::from_bytes(&s).verifying_key().to_bytes() == cert.device_key
        });
    Ok(matches.then_some(cert))
}

/// Keeps a certificate that came over an authenticated channel (the sync
/// connection, or a server's sync file whose tag checked), and the
/// server's key in it, if it certifies this device's current key.
pub fn save_certificate(
    conn: &Connection,
    me: DeviceId,
    cert: &DeviceCertificate,
) -> Result<bool, CoreError> {
    let key = signing_key(conn, me)?;
    let ours = cert.device == me && cert.device_key == key.verifying_key().to_bytes();
    if !ours || cert.verify(&cert.server_key).is_err() {
        tracing::warn!(device = %me, "ignored a certificate that is not of this device's key");
        return Ok(false);
    }
    conn.execute(
        "UPDATE device_keys SET certificate = ?1, server_key = ?2 WHERE one = 1 AND device_id = ?3",
        params![
            cert.to_bytes().as_slice(),
            cert.server_key.as_slice(),
            me.as_bytes()
        ],
    )
    .map_err(db("save this device's certificate"))?;
    Ok(true)
}

/// Asks the server to certify this device's key when it has no
/// certificate of it yet: once per key, so an idle sync costs nothing.
pub fn ensure(device: &Device, http: &mut HttpClient) -> Result<(), SyncError> {
    let me = device.identity().device;
    // The database lock is not held across the request: the app goes on.
    let key = {
        let conn = device.conn();
        if certificate(&conn, me)?.is_some() {
            return Ok(());
        }
        signing_key(&conn, me)?
    };
    let answer: CertificateResponse = http.post_json(
        "/v1/device/certificate",
        &CertificateRequest {
            public_key: hex::encode(key.verifying_key().to_bytes()),
        },
        false,
    )?;
    let cert = hex::decode(&answer.certificate)
        .ok()
        .and_then(|bytes| DeviceCertificate::from_bytes(&bytes).ok())
        .ok_or_else(|| {
            SyncError::Protocol("the server's device certificate is malformed".into())
        })?;
    if hex::encode(cert.server_key) != answer.server_key.trim().to_ascii_lowercase() {
        return Err(SyncError::Protocol(
            "the server's device certificate names another server key".into(),
        ));
    }
    if !save_certificate(&device.conn(), me, &cert)? {
        return Err(SyncError::Protocol(
            "the server certified another key than this device's".into(),
        ));
    }
    tracing::info!(device = %me, "the campus server certified this device's key");
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use qalam_model::{CentreId, OrgId};

    fn issue(server: &SigningKey, device: DeviceId, key: &SigningKey) -> DeviceCertificate {
        DeviceCertificate::issue(
            server,
            OrgId::from_bytes([1; 16]),
            CentreId::from_bytes([2; 16]),
            device,
            key.verifying_key().to_bytes(),
            0,
        )
    }

    #[test]
    fn a_certificate_is_kept_only_for_the_current_key_and_id() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::storage::open(&dir.path().join("qalam.db")).unwrap();
        let (a, b) = (
            DeviceId::from_bytes([10; 16]),
            DeviceId::from_bytes([11; 16]),
        );
        let server = SigningKey::from_bytes(&[5; 32]);
        let key = signing_key(&conn, a).unwrap();
        assert_eq!(signing_key(&conn, a).unwrap().to_bytes(), key.to_bytes());

        // Of another key, or another device: ignored.
        let other = SigningKey::from_bytes(&[6; 32]);
        assert!(!save_certificate(&conn, a, &issue(&server, a, &other)).unwrap());
        assert!(!save_certificate(&conn, a, &issue(&server, b, &key)).unwrap());
        assert_eq!(certificate(&conn, a).unwrap(), None);
        assert_eq!(server_key(&conn).unwrap(), None);

        let cert = issue(&server, a, &key);
        assert!(save_certificate(&conn, a, &cert).unwrap());
        assert_eq!(certificate(&conn, a).unwrap(), Some(cert));
        let trusted = server.verifying_key().to_bytes();
        assert_eq!(server_key(&conn).unwrap(), Some(trusted));

        // A repair gave the laptop a new id: a new key, no certificate, and
        // the server's key is still trusted.
        let fresh = signing_key(&conn, b).unwrap();
        assert_ne!(fresh.to_bytes(), key.to_bytes());
        assert_eq!(certificate(&conn, b).unwrap(), None);
        assert_eq!(certificate(&conn, a).unwrap(), None);
        assert_eq!(server_key(&conn).unwrap(), Some(trusted));

        // Enrolled again, perhaps with another server: nothing of the old
        // server is trusted any more.
        assert!(save_certificate(&conn, b, &issue(&server, b, &fresh)).unwrap());
        let again = crate::sync::state::Enrolment {
            url: "http://127.0.0.1:9".into(),
            credential: "c".into(),
            org: OrgId::from_bytes([1; 16]),
            centre: CentreId::from_bytes([2; 16]),
            ca_pem: None,
        };
        crate::sync::state::save_enrolment(&mut conn, &again).unwrap();
        assert_eq!(certificate(&conn, b).unwrap(), None);
        assert_eq!(server_key(&conn).unwrap(), None);
    }
}
