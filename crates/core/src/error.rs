//! The device engine's typed errors. Every message is one line that says
//! what went wrong and what to do next, because facilitators read them.

use std::path::PathBuf;

use qalam_pack::PackError;

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    #[error("could not {action}: {source}; run `qalam doctor` if this keeps happening")]
    Db {
        action: &'static str,
        #[source]
        source: rusqlite::Error,
    },

    #[error("could not {action} `{}`: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{0}")]
    Pack(#[from] PackError),

    #[error(
        "this data folder was written by a newer Qalam (schema {found}, this build knows {supported}); update Qalam to open it"
    )]
    DatabaseTooNew { found: usize, supported: usize },

    #[error("no {what} with id `{id}`; check the id with the matching `list` command")]
    NotFound { what: &'static str, id: String },

    #[error("{0}")]
    Untrusted(String),

    #[error(
        "not enough free disk space: the pack needs {needed_mb} MB plus a reserve of {reserve_mb} MB, but only {available_mb} MB are free; remove unused packs or free space, then import again"
    )]
    DiskFull {
        needed_mb: u64,
        reserve_mb: u64,
        available_mb: u64,
    },

    #[error("{0}")]
    Conflict(String),

    #[error("{0}")]
    Interrupted(String),

    #[error("{0}")]
    BadRequest(String),

    /// No session, or one that expired or was ended: sign in again.
    #[error("{0}")]
    Unauthenticated(String),

    /// The session's role may not do this.
    #[error("{0}")]
    Forbidden(String),

    /// The PIN or password did not match.
    #[error("{0}")]
    WrongPin(String),

    /// Too many wrong PINs for this profile: try again after `retry_after_s`.
    #[error(
        "too many wrong PINs for this profile; wait {retry_after_s} seconds, then try again, or ask a facilitator to reset the PIN"
    )]
    SlowDown { retry_after_s: u64 },

    /// The pack's rule for this step is not met yet (e.g. a lesson's
    /// completion rule).
    #[error("{0}")]
    NotYet(String),

    /// The device's id changed under a writer (a repair gave it a new one).
    #[error("this device's id changed while saving (the database was repaired); try again")]
    IdentityChanged,

    #[error(
        "refused a different event under an id already held (device {device}, seq {seq}): the device's log forked; report it to the centre's facilitator"
    )]
    Fork { device: String, seq: u64 },
}

impl CoreError {
    pub fn db(action: &'static str, source: rusqlite::Error) -> Self {
        CoreError::Db { action, source }
    }

    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        CoreError::Io {
            action,
            path: path.into(),
            source,
        }
    }

    /// Seconds to wait before trying again, for `slow_down`.
    pub fn retry_after_s(&self) -> Option<u64> {
        match self {
            CoreError::SlowDown { retry_after_s } => Some(*retry_after_s),
            _ => None,
        }
    }

    /// A stable, machine-readable code for the UI (see docs/API.md).
    pub fn code(&self) -> &'static str {
        match self {
            CoreError::Db { .. } | CoreError::DatabaseTooNew { .. } => "internal",
            CoreError::Io { .. } => "io",
            CoreError::Pack(_) => "pack_refused",
            CoreError::NotFound { .. } => "not_found",
            CoreError::Untrusted(_) => "untrusted",
            CoreError::DiskFull { .. } => "disk_full",
            CoreError::Conflict(_) => "pack_refused",
            CoreError::Interrupted(_) => "interrupted",
            CoreError::BadRequest(_) => "bad_request",
            CoreError::Fork { .. } | CoreError::IdentityChanged => "conflict",
            CoreError::Unauthenticated(_) => "unauthenticated",
            CoreError::Forbidden(_) => "forbidden",
            CoreError::WrongPin(_) => "wrong_pin",
            CoreError::SlowDown { .. } => "slow_down",
            CoreError::NotYet(_) => "not_yet",
        }
    }
}
