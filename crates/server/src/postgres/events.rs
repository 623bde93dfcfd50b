//! The event log: ingest with chain continuation, entitled pulls.

use deadpool_postgres::GenericClient;
use deadpool_postgres::Object;
use qalam_model::{CentreId, ChainPoint, DeviceId, Event, EventHash, OrgId, VersionVector};
use tokio_postgres::IsolationLevel;

use super::fixed;
use crate::error::StoreError;
use crate::ingest::{
    check_batch, compare_known, continue_head, decode_body, known_range, learner_spans, split,
    to_i64, to_u64,
};
use crate::types::{Device, Entitlement, IngestOutcome, PresenceChanges, PullBatch};

/// Sequence numbers scanned per round trip when pulling. A bounded range
/// keeps every query an index range scan, however far the pull has come.
const PULL_WINDOW: i64 = 2048;

/// First key of the advisory locks that order a centre's presence epochs.
const PRESENCE_LOCK: i32 = 0x716c_6d70;

/// Second key: the centre's first four bytes (a collision only makes two
/// centres wait for each other).
fn centre_lock_key(centre: CentreId) -> i32 {
    let b = centre.as_bytes();
    i32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

pub(super) async fn ingest(
    c: &mut Object,
    device: DeviceId,
    events: &[Event],
) -> Result<IngestOutcome, StoreError> {
    let id = device.as_bytes().as_slice();
    let tx = c.transaction().await?;
    // The row lock on the device serialises its pushes across every server
    // process: the head read here stays the head until this commits.
    let row = tx
        .query_opt(
            "SELECT org, centre, enrolled_ms, revoked_ms, head_seq, head_hash
             FROM devices WHERE id = $1 FOR UPDATE",
            &[&id],
        )
        .await?
        .ok_or_else(|| StoreError::not_found("device", device))?;
    let pusher = Device {
        id: device,
        org: OrgId::from_bytes(fixed(&row, 0)?),
        centre: CentreId::from_bytes(fixed(&row, 1)?),
        enrolled_ms: row.try_get(2)?,
        revoked_ms: row.try_get(3)?,
    };
    if pusher.revoked_ms.is_some() {
        return Err(StoreError::Revoked(device));
    }
    let head = ChainPoint {
        seq: to_u64(row.try_get(4)?)?,
        hash: EventHash::from_bytes(fixed(&row, 5)?),
    };
    check_batch(&pusher, events)?;
    let plan = split(head, events)?;
    if let Some((lo, hi)) = known_range(plan.known) {
        let rows = tx
            .query(
                "SELECT seq, body FROM events WHERE device = $1 AND seq BETWEEN $2 AND $3
                 ORDER BY seq",
                &[&id, &lo, &hi],
            )
            .await?;
        let stored = rows
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect::<Result<Vec<(i64, Vec<u8>)>, StoreError>>()?;
        compare_known(device, plan.known, &stored)?;
    }
    let new_head = continue_head(device, head, plan.fresh)?;
    let mut inserted = 0;
    if !plan.fresh.is_empty() {
        for chunk in plan.fresh.chunks(INSERT_CHUNK) {
            inserted += insert_events(&tx, id, chunk).await?;
        }
        // Learners in ascending order, so concurrent pushes of several
        // devices take the presence keys in one order and cannot deadlock.
        let mut heads_l = Vec::new();
        let mut heads_s = Vec::new();
        let mut mins_s = Vec::new();
        for (learner, lo, hi) in learner_spans(plan.fresh) {
            heads_l.push(learner.as_bytes().to_vec());
            heads_s.push(to_i64(hi, "sequence number")?);
            mins_s.push(to_i64(lo, "sequence number")?);
        }
        tx.execute(
            "INSERT INTO writer_learners (device, learner, max_seq, min_seq)
             SELECT $1, t.learner, t.max_seq, t.min_seq
             FROM unnest($2::bytea[], $3::bigint[], $4::bigint[]) AS t(learner, max_seq, min_seq)
             ON CONFLICT (device, learner)
             DO UPDATE SET max_seq = GREATEST(writer_learners.max_seq, EXCLUDED.max_seq),
                           min_seq = LEAST(writer_learners.min_seq, EXCLUDED.min_seq)",
            &[&id, &heads_l, &heads_s, &mins_s],
        )
        .await?;
        let centre = pusher.centre.as_bytes().as_slice();
        if !absent_learners(&tx, centre, &heads_l).await?.is_empty() {
            // New learners at this centre get its next epoch. Epochs of a
            // centre are handed out under a lock held until commit, so one
            // becomes visible only after every smaller one: a status that
            // read epoch N has seen every presence up to N.
            tx.execute(
                "SELECT pg_advisory_xact_lock($1, $2)",
                &[&PRESENCE_LOCK, &centre_lock_key(pusher.centre)],
            )
            .await?;
            let fresh = absent_learners(&tx, centre, &heads_l).await?;
            if !fresh.is_empty() {
                tx.execute(
                    "INSERT INTO learner_presence (centre, learner, epoch)
                     SELECT $1, t.learner,
                            (SELECT coalesce(max(epoch), 0) + 1 FROM learner_presence WHERE centre = $1)
                     FROM unnest($2::bytea[]) AS t(learner)
                     ON CONFLICT DO NOTHING",
                    &[&centre, &fresh],
                )
                .await?;
            }
        }
        tx.execute(
            "UPDATE devices SET head_seq = $2, head_hash = $3 WHERE id = $1",
            &[
                &id,
                &to_i64(new_head.seq, "sequence number")?,
                &new_head.hash.as_bytes().as_slice(),
            ],
        )
        .await?;
    }
    tx.commit().await?;
    Ok(IngestOutcome {
        acked_to: new_head.seq,
        inserted,
        duplicates: plan.known.len(),
    })
}

/// Events per INSERT. A connection keeps its buffers at the size of the
/// largest message it sent: one statement for a 40,000-event batch left
/// each pooled connection holding megabytes after a burst, and the server
/// at 67 MB idle.
const INSERT_CHUNK: usize = 2048;

async fn insert_events(
    tx: &impl GenericClient,
    id: &[u8],
    chunk: &[Event],
) -> Result<usize, StoreError> {
    let mut seqs = Vec::with_capacity(chunk.len());
    let mut learners = Vec::with_capacity(chunk.len());
    let mut bodies = Vec::with_capacity(chunk.len());
    for e in chunk {
        seqs.push(to_i64(e.seq, "sequence number")?);
        learners.push(e.learner.as_bytes().to_vec());
        bodies.push(e.encode());
    }
    let n = tx
        .execute(
            "INSERT INTO events (device, seq, learner, body)
             SELECT $1, t.seq, t.learner, t.body
             FROM unnest($2::bigint[], $3::bytea[], $4::bytea[]) AS t(seq, learner, body)
             ON CONFLICT (device, seq) DO NOTHING",
            &[&id, &seqs, &learners, &bodies],
        )
        .await?;
    Ok(usize::try_from(n).unwrap_or(usize::MAX))
}

pub(super) async fn version_vector(
    c: &impl GenericClient,
    ent: &Entitlement,
) -> Result<VersionVector, StoreError> {
    let rows = c
        .query(
            "SELECT wl.device, max(wl.max_seq)
             FROM writer_learners wl
             JOIN devices d ON d.id = wl.device
             JOIN learner_presence p ON p.learner = wl.learner AND p.centre = $2
             WHERE d.org = $1
             GROUP BY wl.device",
            &[
                &ent.org.as_bytes().as_slice(),
                &ent.centre.as_bytes().as_slice(),
            ],
        )
        .await?;
    let mut vv = VersionVector::new();
    for r in &rows {
        vv.set(DeviceId::from_bytes(fixed(r, 0)?), to_u64(r.try_get(1)?)?);
    }
    Ok(vv)
}

pub(super) async fn events_for(
    c: &mut Object,
    ent: &Entitlement,
    writer: DeviceId,
    from_seq: u64,
    max_bytes: usize,
) -> Result<PullBatch, StoreError> {
    let id = writer.as_bytes().as_slice();
    // One snapshot for the head and every page.
    let tx = c
        .build_transaction()
        .isolation_level(IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .await?;
    let head: i64 = tx
        .query_opt(
            "SELECT head_seq FROM devices WHERE id = $1 AND org = $2",
            &[&id, &ent.org.as_bytes().as_slice()],
        )
        .await?
        .ok_or(StoreError::NotEntitled(writer))?
        .try_get(0)?;
    let from = from_seq.max(1);
    let mut batch = PullBatch {
        device: writer,
        events: Vec::new(),
        next_seq: from.max(to_u64(head)?.saturating_add(1)),
        complete: true,
    };
    let centre = ent.centre.as_bytes().as_slice();
    let mut cursor = to_i64(from, "sequence number")?;
    let mut total = 0usize;
    'windows: while cursor <= head {
        let last = cursor.saturating_add(PULL_WINDOW - 1).min(head);
        let rows = tx
            .query(
                "SELECT seq, body FROM events
                 WHERE device = $1 AND seq BETWEEN $2 AND $3
                   AND learner IN (SELECT learner FROM learner_presence WHERE centre = $4)
                 ORDER BY seq",
                &[&id, &cursor, &last, &centre],
            )
            .await?;
        for r in &rows {
            let seq: i64 = r.try_get(0)?;
            let body: Vec<u8> = r.try_get(1)?;
            if !batch.events.is_empty() && total.saturating_add(body.len()) > max_bytes {
                batch.next_seq = to_u64(seq)?;
                batch.complete = false;
                break 'windows;
            }
            total = total.saturating_add(body.len());
            batch.events.push(decode_body(writer, &body)?);
        }
        cursor = last.saturating_add(1);
    }
    tx.commit().await?;
    Ok(batch)
}

pub(super) async fn chain_events(
    c: &impl GenericClient,
    device: DeviceId,
    from_seq: u64,
    to_seq: u64,
) -> Result<Vec<Event>, StoreError> {
    let rows = c
        .query(
            "SELECT body FROM events WHERE device = $1 AND seq BETWEEN $2 AND $3 ORDER BY seq",
            &[
                &device.as_bytes().as_slice(),
                &to_i64(from_seq, "sequence number")?,
                &to_i64(to_seq, "sequence number")?,
            ],
        )
        .await?;
    rows.iter()
        .map(|r| decode_body(device, &r.try_get::<_, Vec<u8>>(0)?))
        .collect()
}

pub(super) async fn head_seq(c: &impl GenericClient, device: DeviceId) -> Result<u64, StoreError> {
    let row = c
        .query_opt(
            "SELECT head_seq FROM devices WHERE id = $1",
            &[&device.as_bytes().as_slice()],
        )
        .await?
        .ok_or_else(|| StoreError::not_found("device", device))?;
    to_u64(row.try_get(0)?)
}

pub(super) async fn presence_since(
    c: &mut Object,
    ent: &Entitlement,
    since: u64,
) -> Result<PresenceChanges, StoreError> {
    let centre = ent.centre.as_bytes().as_slice();
    let tx = c
        .build_transaction()
        .isolation_level(IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .await?;
    let epoch: i64 = tx
        .query_one(
            "SELECT coalesce(max(epoch), 0) FROM learner_presence WHERE centre = $1",
            &[&centre],
        )
        .await?
        .try_get(0)?;
    let rows = tx
        .query(
            "SELECT wl.device, min(wl.min_seq)
             FROM learner_presence p
             JOIN writer_learners wl ON wl.learner = p.learner
             JOIN devices d ON d.id = wl.device
             WHERE p.centre = $1 AND p.epoch > $2 AND p.epoch <= $3 AND d.org = $4
             GROUP BY wl.device
             ORDER BY wl.device",
            &[
                &centre,
                &to_i64(since, "presence epoch")?,
                &epoch,
                &ent.org.as_bytes().as_slice(),
            ],
        )
        .await?;
    let mut changes = PresenceChanges {
        epoch: to_u64(epoch)?,
        rewind: Vec::new(),
    };
    for r in &rows {
        changes.rewind.push((
            DeviceId::from_bytes(fixed(r, 0)?),
            to_u64(r.try_get(1)?)?.max(1),
        ));
    }
    tx.commit().await?;
    Ok(changes)
}

/// Those of `learners` not yet present at `centre`.
async fn absent_learners(
    tx: &impl GenericClient,
    centre: &[u8],
    learners: &[Vec<u8>],
) -> Result<Vec<Vec<u8>>, StoreError> {
    let rows = tx
        .query(
            "SELECT t.learner FROM unnest($2::bytea[]) AS t(learner)
             WHERE NOT EXISTS (SELECT 1 FROM learner_presence p
                               WHERE p.centre = $1 AND p.learner = t.learner)",
            &[&centre, &learners],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| r.try_get(0))
        .collect::<Result<_, _>>()?)
}
