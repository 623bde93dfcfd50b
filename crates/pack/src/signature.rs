//! `signature.json`: an ed25519 signature over the exact bytes of
//! `manifest.json` (PACK_FORMAT.md, "Signature").

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::Signer as _;
use serde::{Deserialize, Serialize};

use crate::error::PackError;
use crate::keys::{PublicKey, SecretKey};

/// Domain separation: a signature over a manifest can never be replayed as
/// a signature over anything else this key signs.
pub const MESSAGE_PREFIX: &[u8] = b"qalam-pack-manifest-v1\0";

/// What a pack's signature says about it. An invalid signature is never a
/// value of this type: opening such a pack fails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signature {
    /// The pack has no `signature.json`.
    Unsigned,
    /// `signature.json` verifies against `manifest.json` under this key.
    /// Whether the key is trusted is the caller's decision.
    Valid(PublicKey),
}

#[derive(Debug, Serialize, Deserialize)]
struct SignatureFile {
    algorithm: String,
    public_key: String,
    signature: String,
}

fn message(manifest_json: &[u8]) -> Vec<u8> {
    let mut msg = Vec::with_capacity(MESSAGE_PREFIX.len() + manifest_json.len());
    msg.extend_from_slice(MESSAGE_PREFIX);
    msg.extend_from_slice(manifest_json);
    msg
}

/// Signs `manifest_json` and returns the bytes of `signature.json`.
pub fn sign_manifest(key: &SecretKey, manifest_json: &[u8]) -> Vec<u8> {
    let sig = key.signing_key().sign(&message(manifest_json));
    let file = SignatureFile {
        algorithm: "ed25519".into(),
        public_key: key.public_key().to_base64(),
        signature: B64.encode(sig.to_bytes()),
    };
    let mut out = serde_json::to_vec_pretty(&file).unwrap_or_default();
    out.push(b'\n');
    out
}

/// Verifies `signature.json` against `manifest.json` and returns the key
/// that signed it. Uses strict verification (no malleable signatures, no
/// small-order keys).
pub fn verify_manifest(
    signature_json: &[u8],
    manifest_json: &[u8],
) -> Result<PublicKey, PackError> {
    let file: SignatureFile =
        serde_json::from_slice(signature_json).map_err(|e| PackError::SignatureMalformed {
            reason: e.to_string(),
        })?;
    if file.algorithm != "ed25519" {
        return Err(PackError::SignatureMalformed {
            reason: format!("unknown algorithm `{}`", file.algorithm.escape_debug()),
        });
    }
    let key =
        PublicKey::from_base64(&file.public_key).map_err(|_| PackError::SignatureMalformed {
            reason: "the public key is not a valid ed25519 key".into(),
        })?;
    let sig = decode_signature(&file.signature)?;
    key.verifying_key()
        .verify_strict(&message(manifest_json), &sig)
        .map_err(|_| PackError::SignatureInvalid {
            key_id: key.key_id(),
        })?;
    Ok(key)
}

fn decode_signature(text: &str) -> Result<ed25519_dalek::Signature, PackError> {
    let malformed = |reason: &str| PackError::SignatureMalformed {
        reason: reason.into(),
    };
    let bytes = B64
        .decode(text)
        .map_err(|_| malformed("the signature is not valid base64"))?;
    let bytes: [u8; 64] = bytes
        .try_into()
        .map_err(|_| malformed("the signature is not 64 bytes"))?;
    Ok(ed25519_dalek::Signature::from_bytes(&bytes))
}
