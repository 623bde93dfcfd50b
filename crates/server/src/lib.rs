//! The campus server: organisations, centres, devices and the event store
//! that study centres sync with (docs/SYNC_PROTOCOL.md).
//!
//! Storage sits behind one trait, [`Store`], with two backends:
//! [`SqliteStore`] (the default, nothing to install) and [`PgStore`]
//! (PostgreSQL, for several stateless server processes against one
//! database). One contract test suite (`tests/contract`) runs against both.
//!
//! Both backends hold the same tables (ids are 16-byte blobs, times Unix
//! milliseconds, sequence numbers signed 64-bit):
//!
//! | table | what it holds |
//! |---|---|
//! | `orgs` | id, name, created |
//! | `centres` | id, org, name, created |
//! | `enrol_codes` | sha256 of the code, centre, created, expires, used (time, device): single use |
//! | `devices` | id, org, centre, sha256 of the credential (unique), enrolled, revoked, and the chain head (`head_seq`, `head_hash`) that pushes continue |
//! | `events` | `(device, seq)` key, learner, canonical body (`Event::encode`); immutable (triggers refuse UPDATE and DELETE) |
//! | `writer_learners` | `(device, learner)` key, greatest seq of the device about that learner: what version vectors are made of |
//! | `learner_presence` | `(centre, learner)`: the learner's events were pushed by a device of that centre, so the centre may pull all of the learner's events in its organisation |
//! | `clock_skew` | device, server clock, client clock, skew: one row per sync status |
//! | `admins` | id, unique name, organisation (none: server-wide), argon2id hash of the password, created, wrong passwords since the last sign-in, locked until |
//! | `admin_sessions` | sha256 of the session token, admin, created, expires |
//!
//! SQLite records its schema step in `user_version`, PostgreSQL in
//! `schema_migrations` (under an advisory lock, for processes starting at
//! once).
//!
//! **Entitlement is per learner**, so what a device may pull of another
//! device's chain can have holes: [`Store::events_for`] returns a
//! `next_seq` to resume from, and [`Store::version_vector`] gives, per
//! writer, the greatest *entitled* seq. A puller must keep its own cursor
//! per writer rather than use its gap-free head for chains it does not
//! receive whole.

pub mod admin;
pub mod bundle;
pub mod catalogue;
pub mod certify;
mod error;
pub mod http;
mod ingest;
mod open;
pub mod postgres;
mod secrets;
pub mod sqlite;
mod store;
pub mod tls;
mod types;
pub mod wire;

pub use error::StoreError;
pub use open::{SQLITE_FILE, now_ms, open_store, sqlite_path};
pub use postgres::PgStore;
pub use qalam_model::{CentreId, DeviceId, OrgId, ParseIdError};
pub use secrets::{Credential, CredentialHash};
pub use sqlite::SqliteStore;
pub use store::{Result, Store};
pub use types::{
    Admin, AdminId, AdminLogin, Centre, ClockSkew, Device, DeviceSummary, EnrolCode, Enrolment,
    Entitlement, IngestOutcome, LoginThrottle, Organisation, PresenceChanges, PullBatch,
};
