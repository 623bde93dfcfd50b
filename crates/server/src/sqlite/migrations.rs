//! The SQLite schema, as a ladder of steps recorded in `user_version`.
//! Never edit a shipped step: add the next one.

use rusqlite::Connection;

use crate::error::StoreError;

const STEPS: &[&str] = &[
    // Step 1: accounts, the event log and entitlement.
    r#"
    CREATE TABLE orgs (
        id BLOB PRIMARY KEY,
        name TEXT NOT NULL,
        created_ms INTEGER NOT NULL
    ) WITHOUT ROWID;

    CREATE TABLE centres (
        id BLOB PRIMARY KEY,
        org BLOB NOT NULL REFERENCES orgs(id),
        name TEXT NOT NULL,
        created_ms INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX centres_by_org ON centres(org);

    CREATE TABLE enrol_codes (
        code_hash BLOB PRIMARY KEY,
        centre BLOB NOT NULL REFERENCES centres(id),
        created_ms INTEGER NOT NULL,
        expires_ms INTEGER NOT NULL,
        used_ms INTEGER,
        used_by BLOB
    ) WITHOUT ROWID;

    CREATE TABLE devices (
        id BLOB PRIMARY KEY,
        org BLOB NOT NULL REFERENCES orgs(id),
        centre BLOB NOT NULL REFERENCES centres(id),
        credential_hash BLOB NOT NULL UNIQUE,
        enrolled_ms INTEGER NOT NULL,
        revoked_ms INTEGER,
        head_seq INTEGER NOT NULL DEFAULT 0,
        head_hash BLOB NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX devices_by_org ON devices(org);

    CREATE TABLE events (
        device BLOB NOT NULL REFERENCES devices(id),
        seq INTEGER NOT NULL,
        learner BLOB NOT NULL,
        body BLOB NOT NULL,
        PRIMARY KEY (device, seq)
    ) WITHOUT ROWID;
    CREATE TRIGGER events_no_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'events are immutable'); END;
    CREATE TRIGGER events_no_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'events are immutable'); END;

    CREATE TABLE writer_learners (
        device BLOB NOT NULL,
        learner BLOB NOT NULL,
        max_seq INTEGER NOT NULL,
        PRIMARY KEY (device, learner)
    ) WITHOUT ROWID;
    CREATE INDEX writer_learners_by_learner ON writer_learners(learner);

    CREATE TABLE learner_presence (
        centre BLOB NOT NULL,
        learner BLOB NOT NULL,
        PRIMARY KEY (centre, learner)
    ) WITHOUT ROWID;

    CREATE TABLE clock_skew (
        device BLOB NOT NULL,
        server_ms INTEGER NOT NULL,
        client_ms INTEGER NOT NULL,
        skew_ms INTEGER NOT NULL
    );
    CREATE INDEX clock_skew_by_device ON clock_skew(device, server_ms);
    "#,
    // Step 2: entitlement that arrives late. A learner's presence at a
    // centre gets the centre's next epoch, and each writer keeps the least
    // seq about each learner, so a device's status can say which pull
    // cursors to lower when a learner becomes entitled there.
    r#"
    ALTER TABLE learner_presence ADD COLUMN epoch INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX learner_presence_by_epoch ON learner_presence(centre, epoch);
    ALTER TABLE writer_learners ADD COLUMN min_seq INTEGER NOT NULL DEFAULT 1;
    UPDATE writer_learners SET min_seq = coalesce(
        (SELECT min(e.seq) FROM events e
         WHERE e.device = writer_learners.device AND e.learner = writer_learners.learner),
        1);
    "#,
    // Step 3: the admin web page. Admin accounts (server-wide when `org` is
    // NULL) with their wrong-password count and lock, and sign-in sessions
    // known by the sha256 of their token; devices listed per centre.
    r#"
    CREATE TABLE admins (
        id BLOB PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        org BLOB REFERENCES orgs(id),
        password_hash TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        failures INTEGER NOT NULL DEFAULT 0,
        locked_until_ms INTEGER NOT NULL DEFAULT 0
    ) WITHOUT ROWID;

    CREATE TABLE admin_sessions (
        token_hash BLOB PRIMARY KEY,
        admin BLOB NOT NULL REFERENCES admins(id),
        created_ms INTEGER NOT NULL,
        expires_ms INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX admin_sessions_by_expiry ON admin_sessions(expires_ms);

    CREATE INDEX devices_by_centre ON devices(centre);
    "#,
    // Step 4: a device that took a new id after its database was repaired
    // (its old chain may have lost its tail) names the device it succeeds,
    // so revoking either revokes the whole line.
    r#"
    ALTER TABLE devices ADD COLUMN successor_of BLOB;
    CREATE INDEX devices_by_predecessor ON devices(successor_of);
    "#,
    // Step 5: the server's own keys, by purpose: the Ed25519 secret that
    // certifies devices' keys for sync files passed from laptop to laptop.
    // In the database, so that every node of one deployment signs alike.
    r#"
    CREATE TABLE server_keys (
        purpose TEXT PRIMARY KEY,
        secret BLOB NOT NULL,
        created_ms INTEGER NOT NULL
    ) WITHOUT ROWID;
    "#,
];

/// Brings the schema up to date, one step per transaction.
pub(crate) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    loop {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let Some(step) = usize::try_from(version).ok().and_then(|v| STEPS.get(v)) else {
            if usize::try_from(version).map_or(true, |v| v > STEPS.len()) {
                return Err(StoreError::Corrupt(format!(
                    "database schema version {version} is newer than this server ({})",
                    STEPS.len()
                )));
            }
            return Ok(());
        };
        tx.execute_batch(step)?;
        tx.pragma_update(None, "user_version", version + 1)?;
        tx.commit()?;
    }
}
