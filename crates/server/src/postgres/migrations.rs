//! The PostgreSQL schema, as a ladder of steps recorded in
//! `schema_migrations`. Several server processes may start at once, so the
//! ladder runs under a transaction-scoped advisory lock.

use deadpool_postgres::Object;

use crate::error::StoreError;

/// Arbitrary key of the advisory lock held while migrating ("qalam").
const MIGRATION_LOCK: i64 = 0x0071_616c_616d;

const STEPS: &[&str] = &[
    // Step 1: accounts, the event log and entitlement.
    r#"
    CREATE TABLE orgs (
        id bytea PRIMARY KEY,
        name text NOT NULL,
        created_ms bigint NOT NULL
    );

    CREATE TABLE centres (
        id bytea PRIMARY KEY,
        org bytea NOT NULL REFERENCES orgs(id),
        name text NOT NULL,
        created_ms bigint NOT NULL
    );
    CREATE INDEX centres_by_org ON centres(org);

    CREATE TABLE enrol_codes (
        code_hash bytea PRIMARY KEY,
        centre bytea NOT NULL REFERENCES centres(id),
        created_ms bigint NOT NULL,
        expires_ms bigint NOT NULL,
        used_ms bigint,
        used_by bytea
    );

    CREATE TABLE devices (
        id bytea PRIMARY KEY,
        org bytea NOT NULL REFERENCES orgs(id),
        centre bytea NOT NULL REFERENCES centres(id),
        credential_hash bytea NOT NULL UNIQUE,
        enrolled_ms bigint NOT NULL,
        revoked_ms bigint,
        head_seq bigint NOT NULL DEFAULT 0,
        head_hash bytea NOT NULL
    );
    CREATE INDEX devices_by_org ON devices(org);

    CREATE TABLE events (
        device bytea NOT NULL REFERENCES devices(id),
        seq bigint NOT NULL,
        learner bytea NOT NULL,
        body bytea NOT NULL,
        PRIMARY KEY (device, seq)
    );
    CREATE FUNCTION qalam_events_immutable() RETURNS trigger LANGUAGE plpgsql AS
        $$ BEGIN RAISE EXCEPTION 'events are immutable'; END $$;
    CREATE TRIGGER events_immutable BEFORE UPDATE OR DELETE ON events
        FOR EACH ROW EXECUTE FUNCTION qalam_events_immutable();

    CREATE TABLE writer_learners (
        device bytea NOT NULL,
        learner bytea NOT NULL,
        max_seq bigint NOT NULL,
        PRIMARY KEY (device, learner)
    );
    CREATE INDEX writer_learners_by_learner ON writer_learners(learner);

    CREATE TABLE learner_presence (
        centre bytea NOT NULL,
        learner bytea NOT NULL,
        PRIMARY KEY (centre, learner)
    );

    CREATE TABLE clock_skew (
        id bigserial PRIMARY KEY,
        device bytea NOT NULL,
        server_ms bigint NOT NULL,
        client_ms bigint NOT NULL,
        skew_ms bigint NOT NULL
    );
    CREATE INDEX clock_skew_by_device ON clock_skew(device, server_ms);
    "#,
    // Step 2: entitlement that arrives late (see the SQLite step 2).
    r#"
    ALTER TABLE learner_presence ADD COLUMN epoch bigint NOT NULL DEFAULT 0;
    CREATE INDEX learner_presence_by_epoch ON learner_presence(centre, epoch);
    ALTER TABLE writer_learners ADD COLUMN min_seq bigint NOT NULL DEFAULT 1;
    UPDATE writer_learners wl SET min_seq = coalesce(
        (SELECT min(e.seq) FROM events e WHERE e.device = wl.device AND e.learner = wl.learner),
        1);
    "#,
    // Step 3: the admin web page (see the SQLite step 3).
    r#"
    CREATE TABLE admins (
        id bytea PRIMARY KEY,
        name text NOT NULL UNIQUE,
        org bytea REFERENCES orgs(id),
        password_hash text NOT NULL,
        created_ms bigint NOT NULL,
        failures integer NOT NULL DEFAULT 0,
        locked_until_ms bigint NOT NULL DEFAULT 0
    );

    CREATE TABLE admin_sessions (
        token_hash bytea PRIMARY KEY,
        admin bytea NOT NULL REFERENCES admins(id),
        created_ms bigint NOT NULL,
        expires_ms bigint NOT NULL
    );
    CREATE INDEX admin_sessions_by_expiry ON admin_sessions(expires_ms);

    CREATE INDEX devices_by_centre ON devices(centre);
    "#,
    // Step 4: successors of repaired devices (see the SQLite step 4).
    r#"
    ALTER TABLE devices ADD COLUMN successor_of bytea REFERENCES devices(id);
    CREATE INDEX devices_by_predecessor ON devices(successor_of);
    "#,
    // Step 5: the server's own keys (see the SQLite step 5).
    r#"
    CREATE TABLE server_keys (
        purpose text PRIMARY KEY,
        secret bytea NOT NULL,
        created_ms bigint NOT NULL
    );
    "#,
];

pub(crate) async fn migrate(client: &mut Object) -> Result<(), StoreError> {
    let tx = client.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .await?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version integer PRIMARY KEY,
            applied_at timestamptz NOT NULL DEFAULT now()
        )",
    )
    .await?;
    let current: i32 = tx
        .query_one(
            "SELECT coalesce(max(version), 0) FROM schema_migrations",
            &[],
        )
        .await?
        .try_get(0)?;
    let current = usize::try_from(current).unwrap_or(0);
    if current > STEPS.len() {
        return Err(StoreError::Corrupt(format!(
            "database schema version {current} is newer than this server ({})",
            STEPS.len()
        )));
    }
    for (i, step) in STEPS.iter().enumerate().skip(current) {
        tx.batch_execute(step).await?;
        let version = i32::try_from(i + 1).unwrap_or(i32::MAX);
        tx.execute(
            "INSERT INTO schema_migrations (version) VALUES ($1)",
            &[&version],
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
