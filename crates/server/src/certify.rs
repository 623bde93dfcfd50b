//! Certificates for devices' Ed25519 keys (docs/SYNC_PROTOCOL.md, "Device
//! keys and certificates"): the server signs, with one key kept in its
//! database, that a public key belongs to an enrolled device of a centre.

use ed25519_dalek::{SigningKey, VerifyingKey};
use qalam_protocol::DeviceCertificate;

use crate::error::StoreError;
use crate::secrets::random_bytes;
use crate::store::Store;
use crate::types::Device;

/// The server's certifying key, made and stored at its first use.
pub async fn signing_key<S: Store + ?Sized>(
    store: &S,
    now_ms: i64,
) -> Result<SigningKey, StoreError> {
    let candidate = random_bytes::<32>()?;
    let secret = store.signing_secret(candidate, now_ms).await?;
    Ok(SigningKey::from_bytes(&secret))
}

/// Certifies `public_key` as the key of `device`, which must not be
/// revoked (the caller authenticated it, or read it from the store).
pub async fn certify<S: Store + ?Sized>(
    store: &S,
    device: &Device,
    public_key: &VerifyingKey,
    now_ms: i64,
) -> Result<DeviceCertificate, StoreError> {
    if device.revoked_ms.is_some() {
        return Err(StoreError::Revoked(device.id));
    }
    let key = signing_key(store, now_ms).await?;
    tracing::info!(device = %device.id, "certified a device key");
    Ok(DeviceCertificate::issue(
        &key,
        device.org,
        device.centre,
        device.id,
        public_key.to_bytes(),
        u64::try_from(now_ms).unwrap_or(0),
    ))
}
