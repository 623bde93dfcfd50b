//! The enrolment file: an enrolment code carried to a device on a USB
//! stick, for a study centre with no link at all (docs/SYNC_PROTOCOL.md,
//! "Enrolling offline").
//!
//! The device enrols from it without reaching the server: it makes its own
//! credential and keeps the code until the server binds the two, through
//! its first sync or the first bundle it sends. The file holds a secret
//! (the code) until then, like the code itself.

use qalam_model::{CentreId, OrgId};
use serde::{Deserialize, Serialize};

/// Format of [`EnrolmentFile`] written here.
pub const ENROLMENT_FILE_FORMAT: u32 = 1;
/// Largest enrolment file read (a campus CA certificate included).
pub const MAX_ENROLMENT_FILE_BYTES: usize = 64 * 1024;
/// Usual name of the file on a stick.
pub const ENROLMENT_FILE_NAME: &str = "qalam-enrolment.json";

/// What an enrolment file holds. JSON, one object.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnrolmentFile {
    /// Always [`ENROLMENT_FILE_FORMAT`].
    pub qalam_enrolment: u32,
    pub org: OrgId,
    pub centre: CentreId,
    /// The centre's name, shown to the facilitator who enrols.
    pub centre_name: String,
    /// The single-use enrolment code.
    pub code: String,
    /// When the code expires, Unix milliseconds (the server decides).
    pub expires_ms: i64,
    /// The campus server's address, if the admin gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    /// A campus CA (PEM) to pin for HTTPS, if the admin gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_pem: Option<String>,
}

impl std::fmt::Debug for EnrolmentFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EnrolmentFile")
            .field("org", &self.org)
            .field("centre", &self.centre)
            .field("centre_name", &self.centre_name)
            .field("code", &"…")
            .field("expires_ms", &self.expires_ms)
            .field("server", &self.server)
            .finish()
    }
}

/// Why an enrolment file was refused; each says what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnrolmentFileError {
    #[error(
        "the enrolment file is {0} bytes, too large to be one; check that you chose the right file"
    )]
    TooLarge(usize),
    #[error(
        "this is not a Qalam enrolment file ({0}); ask the admin for a new one (`qalam server enrol-code --out FILE`)"
    )]
    Malformed(String),
    #[error("enrolment file format {0} is newer than this Qalam understands; update Qalam")]
    Format(u32),
    #[error(
        "the server address {0:?} must start with http:// or https://, e.g. https://10.0.0.5:7878"
    )]
    ServerUrl(String),
}

/// Checks a campus server address written into an enrolment file.
pub fn check_server_url(url: &str) -> Result<(), EnrolmentFileError> {
    if url.starts_with("http://") || url.starts_with("https://") {
        Ok(())
    } else {
        Err(EnrolmentFileError::ServerUrl(url.to_owned()))
    }
}

impl EnrolmentFile {
    /// The file for `code` of `centre` (named `centre_name`, in `org`), as
    /// the admin writes it: checked as a device will read it.
    pub fn for_code(
        (org, centre, centre_name): (OrgId, CentreId, &str),
        code: &str,
        expires_ms: i64,
        server: Option<&str>,
        ca_pem: Option<String>,
    ) -> Result<EnrolmentFile, EnrolmentFileError> {
        if let Some(url) = server {
            check_server_url(url)?;
        }
        let file = EnrolmentFile {
            qalam_enrolment: ENROLMENT_FILE_FORMAT,
            org,
            centre,
            centre_name: centre_name.to_owned(),
            code: code.trim().to_owned(),
            expires_ms,
            server: server.map(str::to_owned),
            ca_pem,
        };
        EnrolmentFile::parse(&file.to_bytes()?)
    }

    /// Reads a file's bytes, trusting nothing in them.
    pub fn parse(bytes: &[u8]) -> Result<EnrolmentFile, EnrolmentFileError> {
        if bytes.len() > MAX_ENROLMENT_FILE_BYTES {
            return Err(EnrolmentFileError::TooLarge(bytes.len()));
        }
        let file: EnrolmentFile = serde_json::from_slice(bytes)
            .map_err(|e| EnrolmentFileError::Malformed(e.to_string()))?;
        if file.qalam_enrolment != ENROLMENT_FILE_FORMAT {
            return Err(EnrolmentFileError::Format(file.qalam_enrolment));
        }
        let code_ok = !file.code.trim().is_empty()
            && file.code.len() <= 64
            && file
                .code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !code_ok {
            return Err(EnrolmentFileError::Malformed(
                "its enrolment code is not a code".into(),
            ));
        }
        if file.centre_name.chars().count() > 200 {
            return Err(EnrolmentFileError::Malformed(
                "its centre name is too long".into(),
            ));
        }
        Ok(file)
    }

    /// The file's bytes: pretty JSON, so an admin can read it.
    pub fn to_bytes(&self) -> Result<Vec<u8>, EnrolmentFileError> {
        let mut bytes = serde_json::to_vec_pretty(self)
            .map_err(|e| EnrolmentFileError::Malformed(e.to_string()))?;
        bytes.push(b'\n');
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sample() -> EnrolmentFile {
        EnrolmentFile {
            qalam_enrolment: ENROLMENT_FILE_FORMAT,
            org: OrgId::from_bytes([1; 16]),
            centre: CentreId::from_bytes([2; 16]),
            centre_name: "مركز الأمل".into(),
            code: "ABCD-EFGH-JKLM".into(),
            expires_ms: 1_800_000_000_000,
            server: Some("https://campus.example:7878".into()),
            ca_pem: None,
        }
    }

    #[test]
    fn round_trips_and_hides_the_code_from_debug() {
        let file = sample();
        let bytes = file.to_bytes().unwrap_or_default();
        assert_eq!(EnrolmentFile::parse(&bytes), Ok(file.clone()));
        assert!(!format!("{file:?}").contains("ABCD"));
    }

    #[test]
    fn refuses_other_formats_and_bad_codes() {
        let mut newer = sample();
        newer.qalam_enrolment = 2;
        let bytes = newer.to_bytes().unwrap_or_default();
        assert_eq!(
            EnrolmentFile::parse(&bytes),
            Err(EnrolmentFileError::Format(2))
        );
        let mut bad = sample();
        bad.code = "DROP TABLE; --".into();
        let bytes = bad.to_bytes().unwrap_or_default();
        assert!(matches!(
            EnrolmentFile::parse(&bytes),
            Err(EnrolmentFileError::Malformed(_))
        ));
        assert!(matches!(
            EnrolmentFile::parse(b"PK\x03\x04 a zip"),
            Err(EnrolmentFileError::Malformed(_))
        ));
        let huge = vec![b' '; MAX_ENROLMENT_FILE_BYTES + 1];
        assert!(matches!(
            EnrolmentFile::parse(&huge),
            Err(EnrolmentFileError::TooLarge(_))
        ));
    }

    #[test]
    fn files_for_a_code_are_checked_as_a_device_reads_them() {
        let ids = (
            OrgId::from_bytes([1; 16]),
            CentreId::from_bytes([2; 16]),
            "Camp 4",
        );
        let file = EnrolmentFile::for_code(ids, " ABCD-EFGH ", 5, Some("https://x:7878"), None);
        assert_eq!(
            file.map(|f| (f.code, f.server)),
            Ok(("ABCD-EFGH".into(), Some("https://x:7878".into())))
        );
        assert!(matches!(
            EnrolmentFile::for_code(ids, "ABCD", 5, Some("ftp://x"), None),
            Err(EnrolmentFileError::ServerUrl(_))
        ));
        assert!(matches!(
            EnrolmentFile::for_code(ids, "<script>", 5, None, None),
            Err(EnrolmentFileError::Malformed(_))
        ));
    }

    proptest! {
        #[test]
        fn never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = EnrolmentFile::parse(&bytes);
        }
    }
}
