//! Random ids, enrolment codes and device credentials.
//!
//! A credential is 32 random bytes (256 bits) from the operating system,
//! shown to the device once as 64 hex digits. The server keeps only its
//! sha256. A slow password hash (argon2) exists to make guessing a
//! low-entropy secret expensive; a 256-bit random token cannot be guessed,
//! so one sha256 is enough to make a stolen database useless for
//! impersonating devices, and it keeps authenticating every sync request a
//! single indexed lookup. Enrolment codes are short enough to type, so they
//! are single use and expire; they are stored hashed too.

use std::fmt;

use sha2::{Digest, Sha256};

use crate::error::StoreError;

pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N], StoreError> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).map_err(|e| StoreError::Random(e.to_string()))?;
    Ok(buf)
}

/// Crockford's base32 alphabet: no I, L, O or U to misread.
const CODE_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// 12 characters of 5 bits: 60 bits, for a code that lives hours at most.
pub(crate) const CODE_LEN: usize = 12;

pub(crate) fn new_enrol_code() -> Result<String, StoreError> {
    let bytes = random_bytes::<CODE_LEN>()?;
    // 256 is a multiple of 32, so `b % 32` is uniform.
    Ok(bytes
        .iter()
        .map(|b| char::from(CODE_ALPHABET[usize::from(b % 32)]))
        .collect())
}

/// The stored form of an enrolment code as typed: case, spaces and dashes
/// do not matter.
pub(crate) fn enrol_code_hash(code: &str) -> [u8; 32] {
    let normal: String = code
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    Sha256::digest(normal.as_bytes()).into()
}

/// A device's secret, returned once at enrolment. `Debug` does not show it.
#[derive(Clone, PartialEq, Eq)]
pub struct Credential(String);

impl Credential {
    pub(crate) fn random() -> Result<Credential, StoreError> {
        Ok(Credential(hex::encode(random_bytes::<32>()?)))
    }

    /// Wraps a credential that a device presented.
    pub fn from_presented(text: &str) -> Credential {
        Credential(text.trim().to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What the server stores and looks up.
    pub fn hash(&self) -> CredentialHash {
        CredentialHash(Sha256::digest(self.0.as_bytes()).into())
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Credential(…)")
    }
}

/// sha256 of a credential: the only form the server keeps.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct CredentialHash(pub [u8; 32]);

impl CredentialHash {
    /// Parses 64 hex digits, as a device sends the hash of a credential it
    /// chose itself.
    pub fn from_hex(text: &str) -> Option<CredentialHash> {
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(text.trim(), &mut bytes).ok()?;
        Some(CredentialHash(bytes))
    }
}

impl fmt::Debug for CredentialHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CredentialHash({})", hex::encode(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_use_the_alphabet_and_normalise() {
        let code = new_enrol_code().unwrap_or_default();
        assert_eq!(code.len(), CODE_LEN);
        assert!(code.bytes().all(|b| CODE_ALPHABET.contains(&b)));
        let typed = format!(" {}-{} ", &code[..6].to_lowercase(), &code[6..]);
        assert_eq!(enrol_code_hash(&typed), enrol_code_hash(&code));
    }

    #[test]
    fn credentials_are_random_and_hashed() {
        let a = Credential::random().unwrap_or_else(|_| Credential(String::new()));
        let b = Credential::random().unwrap_or_else(|_| Credential(String::new()));
        assert_eq!(a.as_str().len(), 64);
        assert_ne!(a, b);
        assert_ne!(a.hash(), b.hash());
        assert_eq!(Credential::from_presented(a.as_str()).hash(), a.hash());
        assert_eq!(format!("{a:?}"), "Credential(…)");
        let hash = a.hash();
        assert_eq!(CredentialHash::from_hex(&hex::encode(hash.0)), Some(hash));
        assert_eq!(CredentialHash::from_hex("abc"), None);
    }
}
