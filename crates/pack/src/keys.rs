//! Publisher keys: ed25519 key pairs, their one-line key files and key ids
//! (PACK_FORMAT.md, "Key files").

use std::fmt;
use std::fs::{self, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::{SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

use crate::error::PackError;

const SECRET_TAG: &str = "qalam-secret-key";
const PUBLIC_TAG: &str = "qalam-public-key";
const ALGORITHM: &str = "ed25519";
/// Key files are one short line; anything bigger is not a key file.
const MAX_KEY_FILE_BYTES: u64 = 4096;

/// A publisher's public key.
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

/// A publisher's secret signing key. Its bytes are wiped on drop
/// (ed25519-dalek's `zeroize`), and `Debug` shows only the key id.
#[derive(Clone)]
pub struct SecretKey(SigningKey);

/// Makes a new key pair from the operating system's random source.
pub fn generate_keypair() -> Result<SecretKey, PackError> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| PackError::Random {
        reason: e.to_string(),
    })?;
    let key = SecretKey(SigningKey::from_bytes(&seed));
    seed.fill(0);
    Ok(key)
}

impl PublicKey {
    /// `ed25519:` and the first 16 hex digits of the sha256 of the key.
    pub fn key_id(&self) -> String {
        let digest = Sha256::digest(self.0.as_bytes());
        format!("{ALGORITHM}:{}", &hex::encode(digest)[..16])
    }

    /// The 32 key bytes in standard base64.
    pub fn to_base64(&self) -> String {
        B64.encode(self.0.as_bytes())
    }

    /// Parses 32 key bytes in standard base64. Refuses weak (small-order)
    /// keys, under which forged signatures could verify.
    pub fn from_base64(text: &str) -> Result<Self, PackError> {
        let bytes: [u8; 32] = decode_fixed(text, "public key")?;
        let key = VerifyingKey::from_bytes(&bytes).map_err(|_| PackError::InvalidKey {
            reason: "the public key is not a valid ed25519 point".into(),
        })?;
        if key.is_weak() {
            return Err(PackError::InvalidKey {
                reason: "the public key is a weak ed25519 key".into(),
            });
        }
        Ok(PublicKey(key))
    }

    /// The `KEY.pub` file line: `qalam-public-key ed25519 <base64>`.
    pub fn to_file_string(&self) -> String {
        format!("{PUBLIC_TAG} {ALGORITHM} {}\n", self.to_base64())
    }

    /// Parses the text of a `KEY.pub` file.
    pub fn parse_file(text: &str) -> Result<Self, PackError> {
        Self::from_base64(key_payload(text, PUBLIC_TAG)?)
    }

    /// Reads and parses a `KEY.pub` file.
    pub fn read_file(path: &Path) -> Result<Self, PackError> {
        Self::parse_file(&read_small(path)?)
    }

    pub(crate) fn verifying_key(&self) -> &VerifyingKey {
        &self.0
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.key_id())
    }
}

impl SecretKey {
    /// The matching public key.
    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.0.verifying_key())
    }

    /// The `KEY` file line: `qalam-secret-key ed25519 <base64 seed>`.
    pub fn to_file_string(&self) -> String {
        format!(
            "{SECRET_TAG} {ALGORITHM} {}\n",
            B64.encode(self.0.as_bytes())
        )
    }

    /// Parses the text of a `KEY` file.
    pub fn parse_file(text: &str) -> Result<Self, PackError> {
        let seed: [u8; 32] = decode_fixed(key_payload(text, SECRET_TAG)?, "secret key")?;
        Ok(SecretKey(SigningKey::from_bytes(&seed)))
    }

    /// Reads and parses a `KEY` file.
    pub fn read_file(path: &Path) -> Result<Self, PackError> {
        warn_if_readable_by_others(path);
        Self::parse_file(&read_small(path)?)
    }

    /// Writes `out` (the secret key, mode 0600) and `out.pub`. Refuses to
    /// overwrite either file, so a key cannot be lost by a typo.
    pub fn write_keypair(&self, out: &Path) -> Result<(), PackError> {
        let public_path = pub_path(out);
        for path in [out, public_path.as_path()] {
            if fs::symlink_metadata(path).is_ok() {
                return Err(PackError::WouldOverwrite { path: path.into() });
            }
        }
        write_new(out, &self.to_file_string(), 0o600)?;
        write_new(&public_path, &self.public_key().to_file_string(), 0o644)?;
        tracing::info!(key_id = %self.public_key().key_id(), path = %out.display(), "wrote key pair");
        Ok(())
    }

    pub(crate) fn signing_key(&self) -> &SigningKey {
        &self.0
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretKey({})", self.public_key().key_id())
    }
}

/// `KEY` → `KEY.pub`.
pub fn pub_path(secret_path: &Path) -> PathBuf {
    let mut s = secret_path.as_os_str().to_owned();
    s.push(".pub");
    PathBuf::from(s)
}

/// Checks the `<tag> ed25519 <base64>` shape and returns the base64 part.
fn key_payload<'a>(text: &'a str, tag: &str) -> Result<&'a str, PackError> {
    let fields: Vec<&str> = text.split_whitespace().collect();
    match fields.as_slice() {
        [t, alg, payload] if *t == tag && *alg == ALGORITHM => Ok(payload),
        [t, alg, _] if *t == tag => Err(PackError::InvalidKey {
            reason: format!("the key algorithm is `{alg}`, but only ed25519 is supported"),
        }),
        _ => Err(PackError::InvalidKey {
            reason: format!("expected one line `{tag} {ALGORITHM} <base64>`"),
        }),
    }
}

fn decode_fixed<const N: usize>(text: &str, what: &str) -> Result<[u8; N], PackError> {
    let bytes = B64.decode(text).map_err(|_| PackError::InvalidKey {
        reason: format!("the {what} is not valid base64"),
    })?;
    bytes
        .try_into()
        .map_err(|b: Vec<u8>| PackError::InvalidKey {
            reason: format!("the {what} is {} bytes, expected {N}", b.len()),
        })
}

fn read_small(path: &Path) -> Result<String, PackError> {
    let file = fs::File::open(path).map_err(|e| PackError::local(path, e))?;
    let mut text = String::new();
    file.take(MAX_KEY_FILE_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(|e| PackError::local(path, e))?;
    if text.len() as u64 > MAX_KEY_FILE_BYTES {
        return Err(PackError::InvalidKey {
            reason: format!("`{}` is too big to be a key file", path.display()),
        });
    }
    Ok(text)
}

fn write_new(path: &Path, text: &str, mode: u32) -> Result<(), PackError> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    set_mode(&mut options, mode);
    let mut file = options.open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => PackError::WouldOverwrite { path: path.into() },
        _ => PackError::local(path, e),
    })?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| PackError::local(path, e))
}

#[cfg(unix)]
fn set_mode(options: &mut OpenOptions, mode: u32) {
    use std::os::unix::fs::OpenOptionsExt;
    options.mode(mode);
}

#[cfg(not(unix))]
fn set_mode(_options: &mut OpenOptions, _mode: u32) {}

#[cfg(unix)]
fn warn_if_readable_by_others(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(meta) = fs::metadata(path)
        && meta.permissions().mode() & 0o077 != 0
    {
        tracing::warn!(path = %path.display(), "secret key file is readable by other users; chmod 600 it");
    }
}

#[cfg(not(unix))]
fn warn_if_readable_by_others(_path: &Path) {}
