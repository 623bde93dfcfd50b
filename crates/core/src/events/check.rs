//! `qalam doctor`'s checks of the log: every device's chain, SQLite's
//! integrity check, and projections equal to a rebuild.

use qalam_model::{ChainError, ChainPoint, Event, State, verify_chain_from};
use rusqlite::Connection;
use serde::Serialize;

use crate::error::CoreError;
use crate::storage::events as log;
use crate::storage::identity::{self, Identity};
use crate::storage::projections;

/// What the checks found. `problems` is empty exactly when all is well;
/// `notes` are facts worth knowing that are not faults.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    pub problems: Vec<String>,
    pub notes: Vec<String>,
}

impl Report {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Runs every check. A part of the database that cannot be read is
/// reported as a problem (the cure is `qalam doctor --repair`); errors only
/// when not even the list of devices can be read.
pub fn run(conn: &Connection, me: &Identity) -> Result<Report, CoreError> {
    let mut report = Report::default();
    if let Err(err) = integrity(conn, &mut report) {
        report
            .problems
            .push(format!("sqlite integrity check could not run: {err}"));
    }
    let mut state = State::new();
    for (n, device) in identity::devices(conn)? {
        let mut events = Vec::new();
        let mut corrupt = 0u64;
        let read = log::for_each_row(conn, n, |row| {
            match log::decode(device, row.seq, &row.body) {
                Ok(event) if event.seq == row.seq => events.push(event),
                Ok(event) => report.problems.push(format!(
                    "device {device}: the row at seq {} holds an event with seq {}",
                    row.seq, event.seq
                )),
                Err(_) => {
                    corrupt += 1;
                    report.problems.push(format!(
                        "device {device}: event at seq {} is corrupt (does not decode)",
                        row.seq
                    ));
                }
            }
            Ok(())
        });
        if let Err(err) = read {
            report.problems.push(format!(
                "device {device}: the log cannot be read after seq {}: {err}",
                events.last().map_or(0, |e: &Event| e.seq)
            ));
        }
        let own = device == me.device;
        check_chain(&events, own, &mut report);
        report.notes.push(format!(
            "device {device}{}: {} events{}",
            if own { " (this device)" } else { "" },
            events.len(),
            if corrupt > 0 {
                format!(", {corrupt} corrupt")
            } else {
                String::new()
            }
        ));
        for event in &events {
            state.apply(event);
        }
    }
    for (device, d) in &state.devices {
        if d.malformed > 0 {
            report.notes.push(format!(
                "device {device}: {} events of a known kind whose payload does not decode (kept, ignored by progress)",
                d.malformed
            ));
        }
        if d.unknown > 0 {
            report.notes.push(format!(
                "device {device}: {} events of kinds this version does not know (kept and passed on)",
                d.unknown
            ));
        }
    }
    if let Err(err) = compare_projections(conn, &state, &mut report) {
        report
            .problems
            .push(format!("the progress tables cannot be read: {err}"));
    }
    Ok(report)
}

fn integrity(conn: &Connection, report: &mut Report) -> Result<(), CoreError> {
    let mut stmt = conn
        .prepare("PRAGMA integrity_check")
        .map_err(|e| CoreError::db("run the integrity check", e))?;
    let lines = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
        .map_err(|e| CoreError::db("run the integrity check", e))?;
    if lines != ["ok"] {
        for line in lines {
            report
                .problems
                .push(format!("sqlite integrity check: {line}"));
        }
    }
    Ok(())
}

/// This device's chain must start at seq 1 and have no gap. Another
/// device's events may have gaps (sync not finished): each run of
/// consecutive events is checked, and the gaps are noted.
fn check_chain(events: &[Event], own: bool, report: &mut Report) {
    let Some(first) = events.first() else {
        return;
    };
    let device = first.device;
    let mut start = 0;
    while start < events.len() {
        let mut end = start + 1;
        while end < events.len() && events[end].seq == events[end - 1].seq + 1 {
            end += 1;
        }
        let segment = &events[start..end];
        let begin = &segment[0];
        let expected_first = if start == 0 {
            1
        } else {
            events[start - 1].seq + 1
        };
        let from = if begin.seq == 1 {
            ChainPoint::GENESIS
        } else {
            let gap = format!(
                "device {device}: events {expected_first}..{} are missing",
                begin.seq - 1
            );
            if own {
                report
                    .problems
                    .push(format!("{gap} from this device's own chain"));
            } else {
                report.notes.push(format!("{gap} (not yet received)"));
            }
            ChainPoint {
                seq: begin.seq - 1,
                hash: begin.prev_hash,
            }
        };
        if let Err(err) = verify_chain_from(device, from, segment) {
            report.problems.push(describe(device, &err));
        }
        start = end;
    }
}

fn describe(device: qalam_model::DeviceId, err: &ChainError) -> String {
    format!("device {device}: chain broken: {err}")
}

fn compare_projections(
    conn: &Connection,
    state: &State,
    report: &mut Report,
) -> Result<(), CoreError> {
    let stored = projections::load_all(conn)?;
    for (learner, rebuilt) in &state.learners {
        match stored.get(learner) {
            None => report.problems.push(format!(
                "learner {learner}: missing from the progress tables"
            )),
            Some(held) if held != rebuilt => report.problems.push(format!(
                "learner {learner}: progress tables differ from a rebuild from the log"
            )),
            Some(_) => {}
        }
    }
    for learner in stored.keys() {
        if !state.learners.contains_key(learner) {
            report.problems.push(format!(
                "learner {learner}: in the progress tables but in no event"
            ));
        }
    }
    Ok(())
}
