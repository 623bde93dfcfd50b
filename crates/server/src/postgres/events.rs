//! The event log: ingest with chain continuation, entitled pulls.

use deadpool_postgres::GenericClient;
use deadpool_postgres::Object;
use qalam_model::{CentreId, ChainPoint, DeviceId, Event, EventHash, OrgId, VersionVector};
use tokio_postgres::IsolationLevel;

use super::fixed;
use crate::error::StoreError;
use crate::ingest::{
    check_batch, compare_known, continue_head, decode_body, known_range, learner_heads, split,
    to_i64, to_u64,
};
use crate::types::{Device, Entitlement, IngestOutcome, PullBatch};

/// Sequence numbers scanned per round trip when pulling. A bounded range
/// keeps every query an index range scan, however far the pull has come.
const PULL_WINDOW: i64 = 2048;

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
        let mut seqs = Vec::with_capacity(plan.fresh.len());
        let mut learners = Vec::with_capacity(plan.fresh.len());
        let mut bodies = Vec::with_capacity(plan.fresh.len());
        for e in plan.fresh {
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
        inserted = usize::try_from(n).unwrap_or(usize::MAX);
        // Learners in ascending order, so concurrent pushes of several
        // devices take the presence keys in one order and cannot deadlock.
        let mut heads_l = Vec::new();
        let mut heads_s = Vec::new();
        for (learner, seq) in learner_heads(plan.fresh) {
            heads_l.push(learner.as_bytes().to_vec());
            heads_s.push(to_i64(seq, "sequence number")?);
        }
        tx.execute(
            "INSERT INTO writer_learners (device, learner, max_seq)
             SELECT $1, t.learner, t.max_seq FROM unnest($2::bytea[], $3::bigint[]) AS t(learner, max_seq)
             ON CONFLICT (device, learner)
             DO UPDATE SET max_seq = GREATEST(writer_learners.max_seq, EXCLUDED.max_seq)",
            &[&id, &heads_l, &heads_s],
        )
        .await?;
        tx.execute(
            "INSERT INTO learner_presence (centre, learner)
             SELECT $1, t.learner FROM unnest($2::bytea[]) AS t(learner)
             ON CONFLICT DO NOTHING",
            &[&pusher.centre.as_bytes().as_slice(), &heads_l],
        )
        .await?;
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
