//! The event log: ingest with chain continuation, entitled pulls.

use qalam_model::{CentreId, ChainPoint, DeviceId, Event, EventHash, VersionVector};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use crate::error::StoreError;
use crate::ingest::{
    check_batch, compare_known, continue_head, decode_body, known_range, learner_spans, split,
    to_i64, to_u64,
};
use crate::types::{Device, Entitlement, IngestOutcome, PresenceChanges, PullBatch};

pub(super) fn ingest(
    c: &mut Connection,
    device: DeviceId,
    events: &[Event],
) -> Result<IngestOutcome, StoreError> {
    // IMMEDIATE takes the write lock now, so the head read below cannot be
    // overtaken by another writer before this transaction commits.
    let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let (pusher, head) = tx
        .query_row(
            "SELECT org, centre, enrolled_ms, revoked_ms, head_seq, head_hash
             FROM devices WHERE id = ?1",
            params![device.as_bytes()],
            |r| {
                Ok((
                    Device {
                        id: device,
                        org: qalam_model::OrgId::from_bytes(r.get(0)?),
                        centre: qalam_model::CentreId::from_bytes(r.get(1)?),
                        enrolled_ms: r.get(2)?,
                        revoked_ms: r.get(3)?,
                    },
                    (r.get::<_, i64>(4)?, r.get::<_, [u8; 32]>(5)?),
                ))
            },
        )
        .optional()?
        .ok_or_else(|| StoreError::not_found("device", device))?;
    if pusher.revoked_ms.is_some() {
        return Err(StoreError::Revoked(device));
    }
    let head = ChainPoint {
        seq: to_u64(head.0)?,
        hash: EventHash::from_bytes(head.1),
    };
    check_batch(&pusher, events)?;
    let plan = split(head, events)?;
    if let Some((lo, hi)) = known_range(plan.known) {
        let mut stmt = tx.prepare_cached(
            "SELECT seq, body FROM events WHERE device = ?1 AND seq BETWEEN ?2 AND ?3 ORDER BY seq",
        )?;
        let stored = stmt
            .query_map(params![device.as_bytes(), lo, hi], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<rusqlite::Result<Vec<(i64, Vec<u8>)>>>()?;
        compare_known(device, plan.known, &stored)?;
    }
    let new_head = continue_head(device, head, plan.fresh)?;
    let mut inserted = 0;
    if !plan.fresh.is_empty() {
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO events (device, seq, learner, body) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (device, seq) DO NOTHING",
            )?;
            for e in plan.fresh {
                inserted += insert.execute(params![
                    device.as_bytes(),
                    to_i64(e.seq, "sequence number")?,
                    e.learner.as_bytes(),
                    e.encode()
                ])?;
            }
            let mut writer = tx.prepare_cached(
                "INSERT INTO writer_learners (device, learner, max_seq, min_seq) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (device, learner) DO UPDATE SET max_seq = max(max_seq, excluded.max_seq),
                     min_seq = min(min_seq, excluded.min_seq)",
            )?;
            let mut present = tx.prepare_cached(
                "SELECT 1 FROM learner_presence WHERE centre = ?1 AND learner = ?2",
            )?;
            let mut presence = tx.prepare_cached(
                "INSERT INTO learner_presence (centre, learner, epoch) VALUES (?1, ?2, ?3)
                 ON CONFLICT DO NOTHING",
            )?;
            // Learners new at this centre share its next epoch. The write
            // lock is held, so epochs become visible in order.
            let mut epoch = None;
            for (learner, lo, hi) in learner_spans(plan.fresh) {
                writer.execute(params![
                    device.as_bytes(),
                    learner.as_bytes(),
                    to_i64(hi, "sequence number")?,
                    to_i64(lo, "sequence number")?
                ])?;
                let known = present
                    .query_row(
                        params![pusher.centre.as_bytes(), learner.as_bytes()],
                        |_| Ok(()),
                    )
                    .optional()?
                    .is_some();
                if known {
                    continue;
                }
                let e = match epoch {
                    Some(e) => e,
                    None => {
                        let e = presence_epoch(&tx, pusher.centre)?.saturating_add(1);
                        epoch = Some(e);
                        e
                    }
                };
                presence.execute(params![pusher.centre.as_bytes(), learner.as_bytes(), e])?;
            }
        }
        tx.execute(
            "UPDATE devices SET head_seq = ?2, head_hash = ?3 WHERE id = ?1",
            params![
                device.as_bytes(),
                to_i64(new_head.seq, "sequence number")?,
                new_head.hash.as_bytes()
            ],
        )?;
    }
    tx.commit()?;
    Ok(IngestOutcome {
        acked_to: new_head.seq,
        inserted,
        duplicates: plan.known.len(),
    })
}

pub(super) fn version_vector(
    c: &Connection,
    ent: &Entitlement,
) -> Result<VersionVector, StoreError> {
    let mut stmt = c.prepare_cached(
        "SELECT wl.device, max(wl.max_seq)
         FROM writer_learners wl
         JOIN devices d ON d.id = wl.device
         JOIN learner_presence p ON p.learner = wl.learner AND p.centre = ?2
         WHERE d.org = ?1
         GROUP BY wl.device",
    )?;
    let rows = stmt.query_map(params![ent.org.as_bytes(), ent.centre.as_bytes()], |r| {
        Ok((DeviceId::from_bytes(r.get(0)?), r.get::<_, i64>(1)?))
    })?;
    let mut vv = VersionVector::new();
    for row in rows {
        let (device, seq) = row?;
        vv.set(device, to_u64(seq)?);
    }
    Ok(vv)
}

pub(super) fn events_for(
    c: &mut Connection,
    ent: &Entitlement,
    writer: DeviceId,
    from_seq: u64,
    max_bytes: usize,
) -> Result<PullBatch, StoreError> {
    // One read transaction: the head and the rows come from one snapshot.
    let tx = c.transaction()?;
    let head = tx
        .query_row(
            "SELECT head_seq FROM devices WHERE id = ?1 AND org = ?2",
            params![writer.as_bytes(), ent.org.as_bytes()],
            |r| r.get::<_, i64>(0),
        )
        .optional()?
        .ok_or(StoreError::NotEntitled(writer))?;
    let from = from_seq.max(1);
    let mut batch = PullBatch {
        device: writer,
        events: Vec::new(),
        next_seq: from.max(to_u64(head)?.saturating_add(1)),
        complete: true,
    };
    {
        let mut stmt = tx.prepare_cached(
            "SELECT seq, body FROM events
             WHERE device = ?1 AND seq >= ?2
               AND learner IN (SELECT learner FROM learner_presence WHERE centre = ?3)
             ORDER BY seq",
        )?;
        let mut rows = stmt.query(params![
            writer.as_bytes(),
            to_i64(from, "sequence number")?,
            ent.centre.as_bytes()
        ])?;
        let mut total = 0usize;
        while let Some(row) = rows.next()? {
            let seq = to_u64(row.get(0)?)?;
            let body: Vec<u8> = row.get(1)?;
            if !batch.events.is_empty() && total.saturating_add(body.len()) > max_bytes {
                batch.next_seq = seq;
                batch.complete = false;
                break;
            }
            total = total.saturating_add(body.len());
            batch.events.push(decode_body(writer, &body)?);
        }
    }
    tx.finish()?;
    Ok(batch)
}

/// The centre's presence epoch: the greatest epoch of its learners.
fn presence_epoch(c: &Connection, centre: CentreId) -> Result<i64, StoreError> {
    Ok(c.query_row(
        "SELECT coalesce(max(epoch), 0) FROM learner_presence WHERE centre = ?1",
        params![centre.as_bytes()],
        |r| r.get(0),
    )?)
}

pub(super) fn chain_events(
    c: &Connection,
    device: DeviceId,
    from_seq: u64,
    to_seq: u64,
) -> Result<Vec<Event>, StoreError> {
    let mut stmt = c.prepare_cached(
        "SELECT body FROM events WHERE device = ?1 AND seq BETWEEN ?2 AND ?3 ORDER BY seq",
    )?;
    let bodies = stmt
        .query_map(
            params![
                device.as_bytes(),
                to_i64(from_seq, "sequence number")?,
                to_i64(to_seq, "sequence number")?
            ],
            |r| r.get::<_, Vec<u8>>(0),
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    bodies.iter().map(|b| decode_body(device, b)).collect()
}

pub(super) fn head_seq(c: &Connection, device: DeviceId) -> Result<u64, StoreError> {
    let head: i64 = c
        .query_row(
            "SELECT head_seq FROM devices WHERE id = ?1",
            params![device.as_bytes()],
            |r| r.get(0),
        )
        .optional()?
        .ok_or_else(|| StoreError::not_found("device", device))?;
    to_u64(head)
}

pub(super) fn presence_since(
    c: &mut Connection,
    ent: &Entitlement,
    since: u64,
) -> Result<PresenceChanges, StoreError> {
    let tx = c.transaction()?;
    let epoch = presence_epoch(&tx, ent.centre)?;
    let mut changes = PresenceChanges {
        epoch: to_u64(epoch)?,
        rewind: Vec::new(),
    };
    {
        let mut stmt = tx.prepare_cached(
            "SELECT wl.device, min(wl.min_seq)
             FROM learner_presence p
             JOIN writer_learners wl ON wl.learner = p.learner
             JOIN devices d ON d.id = wl.device
             WHERE p.centre = ?1 AND p.epoch > ?2 AND p.epoch <= ?3 AND d.org = ?4
             GROUP BY wl.device
             ORDER BY wl.device",
        )?;
        let rows = stmt.query_map(
            params![
                ent.centre.as_bytes(),
                to_i64(since, "presence epoch")?,
                epoch,
                ent.org.as_bytes()
            ],
            |r| Ok((DeviceId::from_bytes(r.get(0)?), r.get::<_, i64>(1)?)),
        )?;
        for row in rows {
            let (device, seq) = row?;
            changes.rewind.push((device, to_u64(seq)?.max(1)));
        }
    }
    tx.finish()?;
    Ok(changes)
}
