//! Device certificates: the campus server's word that an Ed25519 public key
//! belongs to one enrolled device of one centre (docs/SYNC_PROTOCOL.md,
//! "Device keys and certificates").
//!
//! A device's credential is a shared secret with its server: it cannot
//! prove anything to another device. So that one laptop can check a sync
//! file written by another (device to device over USB), each device keeps
//! an Ed25519 signing key, and its server signs the public half together
//! with the device's id, organisation and centre. A receiving device that
//! has learnt the server's public key (at its own sync) checks the
//! certificate, then the file's signature with the key it certifies.
//!
//! Layout, 190 bytes (integers big-endian):
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0 | 4 | magic `QCRT` |
//! | 4 | 1 | format, `0x01` |
//! | 5 | 16 | organisation |
//! | 21 | 16 | centre |
//! | 37 | 16 | device |
//! | 53 | 32 | the device's Ed25519 public key |
//! | 85 | 8 | issued, Unix ms (informative) |
//! | 94 | 32 | the server's Ed25519 public key |
//! | 126 | 64 | the server's signature of bytes 0..126 |
//!
//! Byte 93 is reserved (zero) so that the keys start on even offsets.

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use qalam_model::{CentreId, DeviceId, OrgId};

pub const CERTIFICATE_MAGIC: &[u8; 4] = b"QCRT";
pub const CERTIFICATE_FORMAT_V1: u8 = 1;
/// Bytes of an encoded certificate.
pub const CERTIFICATE_LEN: usize = 190;
const SIGNED_LEN: usize = CERTIFICATE_LEN - 64;

/// Why a certificate was refused. One line each, saying what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CertificateError {
    #[error("the device certificate is {0} bytes, not {CERTIFICATE_LEN}; it is damaged")]
    Length(usize),
    #[error("this is not a Qalam device certificate (wrong magic or format)")]
    Magic,
    #[error(
        "the device certificate was signed by another campus server than this laptop's; it was refused"
    )]
    OtherServer,
    #[error("the device certificate's signature does not match: it was changed; it was refused")]
    Signature,
    #[error("the device certificate holds a key that is not an Ed25519 public key")]
    BadKey,
}

/// What a campus server certifies about one device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceCertificate {
    pub org: OrgId,
    pub centre: CentreId,
    pub device: DeviceId,
    pub device_key: [u8; 32],
    pub issued_ms: u64,
    pub server_key: [u8; 32],
    signature: [u8; 64],
}

impl DeviceCertificate {
    /// Signs `device_key` as the key of `device` of `centre` in `org`.
    pub fn issue(
        server: &SigningKey,
        org: OrgId,
        centre: CentreId,
        device: DeviceId,
        device_key: [u8; 32],
        issued_ms: u64,
    ) -> DeviceCertificate {
        let mut cert = DeviceCertificate {
            org,
            centre,
            device,
            device_key,
            issued_ms,
            server_key: server.verifying_key().to_bytes(),
            signature: [0; 64],
        };
        cert.signature = server.sign(&cert.signed_bytes()).to_bytes();
        cert
    }

    fn signed_bytes(&self) -> [u8; SIGNED_LEN] {
        let mut out = [0u8; SIGNED_LEN];
        out[..4].copy_from_slice(CERTIFICATE_MAGIC);
        out[4] = CERTIFICATE_FORMAT_V1;
        out[5..21].copy_from_slice(self.org.as_bytes());
        out[21..37].copy_from_slice(self.centre.as_bytes());
        out[37..53].copy_from_slice(self.device.as_bytes());
        out[53..85].copy_from_slice(&self.device_key);
        out[85..93].copy_from_slice(&self.issued_ms.to_be_bytes());
        out[94..126].copy_from_slice(&self.server_key);
        out
    }

    pub fn to_bytes(&self) -> [u8; CERTIFICATE_LEN] {
        let mut out = [0u8; CERTIFICATE_LEN];
        out[..SIGNED_LEN].copy_from_slice(&self.signed_bytes());
        out[SIGNED_LEN..].copy_from_slice(&self.signature);
        out
    }

    /// Reads a certificate without checking its signature (see
    /// [`DeviceCertificate::verify`]).
    pub fn from_bytes(bytes: &[u8]) -> Result<DeviceCertificate, CertificateError> {
        let bytes: &[u8; CERTIFICATE_LEN] = bytes
            .try_into()
            .map_err(|_| CertificateError::Length(bytes.len()))?;
        if &bytes[..4] != CERTIFICATE_MAGIC || bytes[4] != CERTIFICATE_FORMAT_V1 || bytes[93] != 0 {
            return Err(CertificateError::Magic);
        }
        let id = |at: usize| {
            let mut b = [0u8; 16];
            b.copy_from_slice(&bytes[at..at + 16]);
            b
        };
        let mut device_key = [0u8; 32];
        device_key.copy_from_slice(&bytes[53..85]);
        let mut issued = [0u8; 8];
        issued.copy_from_slice(&bytes[85..93]);
        let mut server_key = [0u8; 32];
        server_key.copy_from_slice(&bytes[94..126]);
        let mut signature = [0u8; 64];
        signature.copy_from_slice(&bytes[SIGNED_LEN..]);
        Ok(DeviceCertificate {
            org: OrgId::from_bytes(id(5)),
            centre: CentreId::from_bytes(id(21)),
            device: DeviceId::from_bytes(id(37)),
            device_key,
            issued_ms: u64::from_be_bytes(issued),
            server_key,
            signature,
        })
    }

    /// Checks that the server whose public key is `trusted` signed this
    /// certificate, and returns the device key it certifies.
    pub fn verify(&self, trusted: &[u8; 32]) -> Result<VerifyingKey, CertificateError> {
        if &self.server_key != trusted {
            return Err(CertificateError::OtherServer);
        }
        let server = VerifyingKey::from_bytes(trusted).map_err(|_| CertificateError::BadKey)?;
        server
            .verify_strict(
                &self.signed_bytes(),
                &Signature::from_bytes(&self.signature),
            )
            .map_err(|_| CertificateError::Signature)?;
        VerifyingKey::from_bytes(&self.device_key).map_err(|_| CertificateError::BadKey)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use proptest::prelude::*;

    fn server() -> SigningKey {
        SigningKey::from_bytes(&[7; 32])
    }

    fn cert() -> DeviceCertificate {
        let device = SigningKey::from_bytes(&[9; 32]).verifying_key().to_bytes();
        DeviceCertificate::issue(
            &server(),
            OrgId::from_bytes([1; 16]),
            CentreId::from_bytes([2; 16]),
            DeviceId::from_bytes([3; 16]),
            device,
            1_764_000_000_000,
        )
    }

    #[test]
    fn a_certificate_round_trips_and_verifies_against_its_server() {
        let cert = cert();
        let back = DeviceCertificate::from_bytes(&cert.to_bytes()).unwrap();
        assert_eq!(back, cert);
        let key = back
            .verify(&server().verifying_key().to_bytes())
            .expect("verifies");
        assert_eq!(key.to_bytes(), cert.device_key);
    }

    #[test]
    fn another_servers_key_is_refused() {
        let other = SigningKey::from_bytes(&[8; 32]).verifying_key().to_bytes();
        assert_eq!(cert().verify(&other), Err(CertificateError::OtherServer));
    }

    #[test]
    fn a_certificate_reissued_by_another_server_under_the_trusted_key_is_refused() {
        // Someone copies the trusted server key into a certificate they
        // signed themselves: the signature gives them away.
        let mut forged = DeviceCertificate::issue(
            &SigningKey::from_bytes(&[8; 32]),
            OrgId::from_bytes([1; 16]),
            CentreId::from_bytes([2; 16]),
            DeviceId::from_bytes([4; 16]),
            [5; 32],
            0,
        );
        forged.server_key = server().verifying_key().to_bytes();
        assert_eq!(
            forged.verify(&server().verifying_key().to_bytes()),
            Err(CertificateError::Signature)
        );
    }

    #[test]
    fn wrong_lengths_and_magic_are_refused() {
        let bytes = cert().to_bytes();
        assert_eq!(
            DeviceCertificate::from_bytes(&bytes[..100]),
            Err(CertificateError::Length(100))
        );
        let mut bad = bytes;
        bad[0] = b'X';
        assert_eq!(
            DeviceCertificate::from_bytes(&bad),
            Err(CertificateError::Magic)
        );
    }

    proptest! {
        /// Every single changed byte is refused, by the parser or by the
        /// signature check; none is accepted as a different certificate.
        #[test]
        fn any_changed_byte_is_refused(at in 0..CERTIFICATE_LEN, flip in 1u8..=255) {
            let mut bytes = cert().to_bytes();
            bytes[at] ^= flip;
            let trusted = server().verifying_key().to_bytes();
            let outcome = DeviceCertificate::from_bytes(&bytes).and_then(|c| c.verify(&trusted));
            prop_assert!(outcome.is_err());
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = DeviceCertificate::from_bytes(&bytes)
                .and_then(|c| c.verify(&server().verifying_key().to_bytes()));
        }
    }
}
