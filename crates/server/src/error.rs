//! The one error type of the storage layer.

use qalam_model::{ChainError, DecodeError, DeviceId, OrgId};
use thiserror::Error;

/// Why a store refused or failed. The refusals (everything above
/// `Database`) are the client's fault and are reported to it; the rest are
/// the server's.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("{what} {id} not found")]
    NotFound { what: &'static str, id: String },
    #[error("unknown enrolment code")]
    UnknownCode,
    #[error("this enrolment code was already used")]
    CodeUsed,
    #[error("this enrolment code has expired")]
    CodeExpired,
    #[error("device {0} is already enrolled")]
    DeviceExists(DeviceId),
    #[error("bad device credential")]
    BadCredential,
    #[error("device {0} has been revoked")]
    Revoked(DeviceId),
    #[error("device {pusher} may push only its own events, not those of device {found}")]
    ForeignEvents { pusher: DeviceId, found: DeviceId },
    #[error(
        "event {device}/{seq} names organisation {found}, but the device is enrolled in {expected}"
    )]
    WrongOrg {
        device: DeviceId,
        seq: u64,
        expected: OrgId,
        found: OrgId,
    },
    #[error("refused batch: {0}")]
    Chain(#[from] ChainError),
    #[error("fork: a different event is already stored as {device}/{seq}")]
    Fork { device: DeviceId, seq: u64 },
    #[error("malformed run: {0}")]
    Run(#[from] DecodeError),
    #[error("device {0} is outside what this device may pull")]
    NotEntitled(DeviceId),
    #[error("an administrator named {0:?} already exists; choose another name")]
    AdminExists(String),
    #[error("{0} does not fit a signed 64-bit database column")]
    OutOfRange(&'static str),
    #[error("no random bytes from the operating system: {0}")]
    Random(String),
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("PostgreSQL: {0}")]
    Postgres(#[from] tokio_postgres::Error),
    #[error("PostgreSQL connection pool: {0}")]
    Pool(String),
    #[error("corrupt row in the server database: {0}")]
    Corrupt(String),
    #[error("storage task failed: {0}")]
    Task(String),
    #[error("{what}: {source}")]
    Io {
        what: String,
        source: std::io::Error,
    },
}

impl StoreError {
    pub(crate) fn not_found(what: &'static str, id: impl ToString) -> Self {
        StoreError::NotFound {
            what,
            id: id.to_string(),
        }
    }

    /// True for refusals caused by what the client sent, as opposed to
    /// failures of the server or its database.
    pub fn is_refusal(&self) -> bool {
        !matches!(
            self,
            StoreError::Sqlite(_)
                | StoreError::Postgres(_)
                | StoreError::Pool(_)
                | StoreError::Corrupt(_)
                | StoreError::Task(_)
                | StoreError::Io { .. }
                | StoreError::Random(_)
        )
    }
}
