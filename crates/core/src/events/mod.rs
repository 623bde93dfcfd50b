//! The device's event log: appending its own events, merging other
//! devices' events, and keeping the projections in step, each in one
//! transaction. The merge rules are the model's fold (`qalam_model::State`);
//! this module only loads a learner's stored state, applies the new events
//! to it and writes it back.

pub mod check;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

use qalam_model::{ChainBuilder, ChainTip, Event, LearnerId, Payload, State};
use rusqlite::{Connection, Transaction, TransactionBehavior};

use crate::error::CoreError;
use crate::storage::events::{self as log, Inserted};
use crate::storage::identity::{self, Identity};
use crate::storage::projections;

/// Physical time in milliseconds since the Unix epoch. A trait so that
/// tests can move the clock, or turn it back as a flat battery does.
pub trait Clock: Send + Sync {
    fn now_ms(&self) -> u64;
}

/// The system clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
    }
}

/// A clock that says what it is told, for tests and the simulator.
#[derive(Debug, Default)]
pub struct FakeClock(AtomicU64);

impl FakeClock {
    pub fn new(ms: u64) -> Self {
        FakeClock(AtomicU64::new(ms))
    }
    pub fn set(&self, ms: u64) {
        self.0.store(ms, Ordering::SeqCst);
    }
    pub fn advance(&self, ms: u64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for FakeClock {
    fn now_ms(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}

fn begin(conn: &mut Connection) -> Result<Transaction<'_>, CoreError> {
    // IMMEDIATE: take the write lock before reading the tip, so that two
    // processes on one folder cannot both build the same seq.
    conn.transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|e| CoreError::db("start writing events", e))
}

/// The device's tip as stored: its last event's seq and hash, and an HLC
/// that is at least the greatest HLC of any event held (so a new event is
/// ordered after everything the device has seen).
pub fn tip(conn: &Connection, identity: &Identity) -> Result<ChainTip, CoreError> {
    let n = identity::device_number(conn, identity.device)?;
    let mut tip = match log::last(conn, n, identity.device)? {
        Some(last) => ChainTip::after(&last),
        None => ChainTip::GENESIS,
    };
    tip.hlc = tip.hlc.max(identity::max_hlc(conn)?);
    Ok(tip)
}

/// Appends this device's events for `items`, in order, in one transaction
/// with their projections. Returns the events once they are durable.
pub fn append(
    conn: &mut Connection,
    identity: &Identity,
    clock: &dyn Clock,
    items: &[(LearnerId, Payload)],
) -> Result<Vec<Event>, CoreError> {
    let tx = begin(conn)?;
    // A repair may have given the device a new id since `identity` was
    // read: building on the old id's restored tip would fork its chain.
    let stored = identity::load(&tx)?.map(|i| i.device);
    if stored != Some(identity.device) {
        return Err(CoreError::IdentityChanged);
    }
    let n = identity::device_number(&tx, identity.device)?;
    let mut tip = tip(&tx, identity)?;
    let builder = ChainBuilder::new(identity.device, identity.org, identity.centre);
    let mut events = Vec::with_capacity(items.len());
    for (learner, payload) in items {
        let event = builder
            .next(&tip, clock.now_ms(), *learner, payload)
            .map_err(|e| CoreError::BadRequest(format!("could not record the event: {e}")))?;
        if log::insert(&tx, n, &event)? != Inserted::New {
            return Err(CoreError::Fork {
                device: identity.device.to_hex(),
                seq: event.seq,
            });
        }
        tip = ChainTip::after(&event);
        events.push(event);
    }
    identity::raise_max_hlc(&tx, n, tip.hlc)?;
    project(&tx, &events)?;
    tx.commit()
        .map_err(|e| CoreError::db("save the events", e))?;
    Ok(events)
}

/// What a merge did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Merged {
    pub new: u64,
    pub duplicate: u64,
}

/// Stores events received from other devices (or this device's own, sent
/// back), once each, with their projections, in one transaction. A
/// different event under a held `(device, seq)` refuses the whole batch.
pub fn merge(conn: &mut Connection, events: &[Event]) -> Result<Merged, CoreError> {
    let tx = begin(conn)?;
    let merged = merge_into(&tx, events)?;
    tx.commit()
        .map_err(|e| CoreError::db("save the received events", e))?;
    Ok(merged)
}

/// [`merge`] inside the caller's transaction (begun IMMEDIATE), so that
/// what records the merge (a sync cursor) commits with it.
pub fn merge_into(tx: &Transaction<'_>, events: &[Event]) -> Result<Merged, CoreError> {
    for event in events {
        Event::decode(&event.encode()).map_err(|e| {
            CoreError::BadRequest(format!("refused event {}/{}: {e}", event.device, event.seq))
        })?;
    }
    let mut fresh = Vec::new();
    let mut merged = Merged::default();
    let mut numbers = BTreeMap::new();
    for event in events {
        let n = match numbers.get(&event.device) {
            Some(n) => *n,
            None => {
                let n = identity::device_number(tx, event.device)?;
                numbers.insert(event.device, n);
                n
            }
        };
        match log::insert(tx, n, event)? {
            Inserted::New => {
                identity::raise_max_hlc(tx, n, event.hlc)?;
                merged.new += 1;
                fresh.push(event.clone());
            }
            Inserted::Duplicate => merged.duplicate += 1,
        }
    }
    project(tx, &fresh)?;
    Ok(merged)
}

/// Applies newly stored events to the projections: for each learner
/// touched, load the stored state, apply the events with the model's
/// rules, and write back what changed.
fn project(conn: &Connection, events: &[Event]) -> Result<(), CoreError> {
    let mut by_learner: BTreeMap<LearnerId, Vec<&Event>> = BTreeMap::new();
    for event in events {
        by_learner.entry(event.learner).or_default().push(event);
    }
    for (learner, events) in by_learner {
        let old = projections::load(conn, learner)?;
        let mut state = State::new();
        if let Some(old) = &old {
            state.learners.insert(learner, old.clone());
        }
        for event in events {
            state.apply(event);
        }
        // Only a known payload creates a learner in the fold; events of
        // unknown kinds leave no row behind, exactly as in `fold`.
        if let Some(new) = state.learners.get(&learner)
            && old.as_ref() != Some(new)
        {
            projections::write(conn, learner, old.as_ref(), new)?;
        }
    }
    Ok(())
}

/// The fold of the whole log, as the model computes it.
pub fn fold_log(conn: &Connection) -> Result<State, CoreError> {
    let mut state = State::new();
    log::for_each(conn, |event| {
        state.apply(&event);
        Ok(())
    })?;
    Ok(state)
}

/// Recomputes every projection from the log, in one transaction.
pub fn rebuild_projections(conn: &mut Connection) -> Result<(), CoreError> {
    let tx = begin(conn)?;
    let state = fold_log(&tx)?;
    projections::clear(&tx)?;
    for (learner, learner_state) in &state.learners {
        projections::write(&tx, *learner, None, learner_state)?;
    }
    tx.commit()
        .map_err(|e| CoreError::db("save the rebuilt progress", e))
}

#[cfg(test)]
mod tests;
