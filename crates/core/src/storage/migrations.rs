//! The schema ladder. Each step runs once, in order, inside a transaction.
//! A shipped step is never edited: add a new one instead.

use rusqlite::Connection;

use crate::error::CoreError;

const STEPS: &[&str] = &[
    // 1: installed packs and the device's trusted publishers.
    "CREATE TABLE packs (
        id TEXT PRIMARY KEY,
        version TEXT NOT NULL,
        manifest_sha256 TEXT NOT NULL,
        dir TEXT NOT NULL,
        size_bytes INTEGER NOT NULL,
        signer TEXT,
        trusted INTEGER NOT NULL,
        installed_at TEXT NOT NULL,
        summary_json TEXT NOT NULL,
        manifest_json BLOB NOT NULL,
        signature_json BLOB
    ) STRICT;
    CREATE TABLE trusted_keys (
        key_id TEXT PRIMARY KEY,
        public_key TEXT NOT NULL,
        name TEXT,
        added_at TEXT NOT NULL
    ) STRICT;",
    // 2: the device's identity, the event log and its projections
    // (docs/EVENTS.md, "Storage"). `events` is append-only: the triggers
    // refuse every UPDATE and DELETE. Devices are named by a small integer
    // in `events` so that a row does not repeat 16 bytes of device id.
    "CREATE TABLE device (
        one INTEGER PRIMARY KEY CHECK (one = 1),
        device_id BLOB NOT NULL CHECK (length(device_id) = 16),
        org BLOB NOT NULL CHECK (length(org) = 16),
        centre BLOB NOT NULL CHECK (length(centre) = 16),
        created_at TEXT NOT NULL
    ) STRICT;
    CREATE TRIGGER device_id_is_fixed BEFORE UPDATE OF device_id ON device
    BEGIN SELECT RAISE(ABORT, 'the device id never changes'); END;
    CREATE TABLE devices (
        n INTEGER PRIMARY KEY,
        device_id BLOB NOT NULL UNIQUE CHECK (length(device_id) = 16),
        max_hlc BLOB NOT NULL CHECK (length(max_hlc) = 12)
    ) STRICT;
    CREATE TABLE events (
        dev INTEGER NOT NULL REFERENCES devices (n),
        seq INTEGER NOT NULL CHECK (seq >= 1),
        body BLOB NOT NULL,
        PRIMARY KEY (dev, seq)
    ) STRICT, WITHOUT ROWID;
    CREATE TRIGGER events_no_update BEFORE UPDATE ON events
    BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
    CREATE TRIGGER events_no_delete BEFORE DELETE ON events
    BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
    CREATE TABLE learners (
        learner BLOB PRIMARY KEY,
        deleted BLOB,
        registered BLOB,
        name TEXT, name_at BLOB,
        avatar TEXT, avatar_at BLOB,
        language TEXT, language_at BLOB,
        pin_hash TEXT, pin_hash_at BLOB,
        picture_hash TEXT, picture_hash_at BLOB,
        role INTEGER, role_at BLOB,
        archived INTEGER, archived_at BLOB,
        last_active BLOB
    ) STRICT, WITHOUT ROWID;
    CREATE TABLE lesson_progress (
        learner BLOB NOT NULL,
        pack TEXT NOT NULL,
        lesson TEXT NOT NULL,
        opened BLOB,
        last_activity BLOB,
        active_seconds INTEGER NOT NULL,
        position INTEGER, position_at BLOB,
        completed BLOB,
        PRIMARY KEY (learner, pack, lesson)
    ) STRICT, WITHOUT ROWID;
    CREATE TABLE quiz_progress (
        learner BLOB NOT NULL,
        pack TEXT NOT NULL,
        quiz TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        best_score INTEGER,
        last_score INTEGER, last_score_at BLOB,
        mastered BLOB,
        PRIMARY KEY (learner, pack, quiz)
    ) STRICT, WITHOUT ROWID;
    CREATE TABLE quiz_questions (
        learner BLOB NOT NULL,
        pack TEXT NOT NULL,
        quiz TEXT NOT NULL,
        question TEXT NOT NULL,
        answers INTEGER NOT NULL,
        ever_correct INTEGER NOT NULL,
        PRIMARY KEY (learner, pack, quiz, question)
    ) STRICT, WITHOUT ROWID;
    CREATE TABLE course_progress (
        learner BLOB NOT NULL,
        pack TEXT NOT NULL,
        completed BLOB NOT NULL,
        PRIMARY KEY (learner, pack)
    ) STRICT, WITHOUT ROWID;",
    // 3: sync with the campus server (`sync`): the enrolment and its
    // counters (one row), and per writer device the pull cursor, the
    // highest seq the server has scanned for this device.
    "CREATE TABLE sync_server (
        one INTEGER PRIMARY KEY CHECK (one = 1),
        url TEXT NOT NULL,
        credential TEXT NOT NULL,
        org BLOB NOT NULL CHECK (length(org) = 16),
        centre BLOB NOT NULL CHECK (length(centre) = 16),
        enrolled_at TEXT NOT NULL,
        presence_epoch INTEGER NOT NULL DEFAULT 0,
        acked_to INTEGER NOT NULL DEFAULT 0,
        bytes_sent INTEGER NOT NULL DEFAULT 0,
        bytes_received INTEGER NOT NULL DEFAULT 0,
        last_attempt_at TEXT,
        last_sync_at TEXT,
        last_error TEXT,
        skew_ms INTEGER
    ) STRICT;
    CREATE TABLE sync_cursors (
        writer BLOB PRIMARY KEY CHECK (length(writer) = 16),
        seq INTEGER NOT NULL CHECK (seq >= 0)
    ) STRICT, WITHOUT ROWID;",
    // 4: a campus CA the device pins for its server (`qalam enrol --ca`):
    // PEM text, or NULL to trust the operating system's roots.
    "ALTER TABLE sync_server ADD COLUMN ca_pem TEXT;",
    // 5: the largest batch frame the link to the server carried lately
    // (learned from dropped connections), or NULL when none was dropped.
    "ALTER TABLE sync_server ADD COLUMN frame_cap INTEGER;",
    // 6: an enrolment made offline from an enrolment file: the code the
    // server has not yet bound to this device's credential (by a sync or
    // a bundle), cleared once it has.
    "ALTER TABLE sync_server ADD COLUMN pending_code TEXT;",
    // 7: ids this device wrote under before a repair gave it a new one
    // (sync/succession.rs), each with its credential, how far the server
    // holds its chain, and how the server is still to learn of it: an
    // offline enrolment's code, or the id whose credential registers it as
    // a successor. `sync_server.successor_of` is the same for the current
    // id. Both NULL: the server knows the id.
    "CREATE TABLE sync_predecessors (
        device_id BLOB PRIMARY KEY CHECK (length(device_id) = 16),
        credential TEXT NOT NULL,
        acked_to INTEGER NOT NULL DEFAULT 0,
        pending_code TEXT,
        successor_of BLOB CHECK (successor_of IS NULL OR length(successor_of) = 16)
    ) STRICT, WITHOUT ROWID;
    ALTER TABLE sync_server ADD COLUMN successor_of BLOB;",
    // 8: this device's Ed25519 key for sync files other laptops of its
    // centre can check (sync/certificate.rs), the id it was made for, the
    // campus server's certificate of it, and the server's public key, which
    // this device trusts for other devices' certificates.
    "CREATE TABLE device_keys (
        one INTEGER PRIMARY KEY CHECK (one = 1),
        device_id BLOB NOT NULL CHECK (length(device_id) = 16),
        secret BLOB NOT NULL CHECK (length(secret) = 32),
        certificate BLOB,
        server_key BLOB CHECK (server_key IS NULL OR length(server_key) = 32)
    ) STRICT;",
];

/// Brings the schema to the newest version this build knows, and refuses a
/// database written by a newer Qalam rather than guess at its meaning.
pub fn upgrade(conn: &mut Connection) -> Result<(), CoreError> {
    let current: i64 = conn
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(|e| CoreError::db("read the schema version", e))?;
    let current = usize::try_from(current).unwrap_or(usize::MAX);
    if current > STEPS.len() {
        return Err(CoreError::DatabaseTooNew {
            found: current,
            supported: STEPS.len(),
        });
    }
    for (index, sql) in STEPS.iter().enumerate().skip(current) {
        let version = index + 1;
        let tx = conn
            .transaction()
            .map_err(|e| CoreError::db("start a schema upgrade", e))?;
        tx.execute_batch(sql)
            .and_then(|()| tx.pragma_update(None, "user_version", version as i64))
            .and_then(|()| tx.commit())
            .map_err(|e| CoreError::db("upgrade the database schema", e))?;
        tracing::info!(version, "database schema upgraded");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upgrade_is_idempotent_and_reaches_the_newest_version() {
        let mut conn = Connection::open_in_memory().unwrap();
        upgrade(&mut conn).unwrap();
        upgrade(&mut conn).unwrap();
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, STEPS.len() as i64);
    }

    #[test]
    fn a_database_from_a_newer_qalam_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", STEPS.len() as i64 + 1)
            .unwrap();
        let err = upgrade(&mut conn).unwrap_err();
        assert!(matches!(err, CoreError::DatabaseTooNew { .. }), "{err}");
    }
}
