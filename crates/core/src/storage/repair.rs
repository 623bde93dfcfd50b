//! Repair of a damaged device database (`qalam doctor --repair`, and the
//! facilitator's `doctor_repair` command). See docs/RELIABILITY.md.
//!
//! A repair never edits the damaged file and never deletes data:
//!
//! 1. the database and its `-wal` and `-shm` files are copied, as they are,
//!    into `DATA/damaged/<time>/` and flushed;
//! 2. a new database is built beside the old one (`qalam.db.repair`) from
//!    the newest rolling backup that passes SQLite's check, plus every event
//!    row that can still be read from the damaged copy: read row by row,
//!    stepping over unreadable stretches, so events written after the backup
//!    and events received from other devices are kept too;
//! 3. every event is decoded and checked against its device's chain with
//!    the model's rules before it is kept (a row that reads but does not
//!    fit is dropped and reported);
//! 4. unless this device's own chain is provably whole up to its newest
//!    event, the device takes a **new device id** for future writes, so a
//!    seq it may already have sent with other content is never reused;
//! 5. the projections are rebuilt from the log, the new file is flushed and
//!    renamed over the old one (roll-forward safe, see [`finish_interrupted`]).
//!
//! The caller must have closed every connection to the database first.

use std::path::{Path, PathBuf};

use qalam_model::{ChainPoint, DeviceId, Event, EventHash, verify_chain_from};
use rusqlite::types::Value;
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use serde::Serialize;

use super::events as log;
use super::identity::{self, Identity};
use crate::error::CoreError;
use crate::layout::Layout;
use crate::packs::fsync;

/// Point lookups tried one by one after an unreadable stretch before
/// jumping ahead (a damaged leaf page holds a few dozen events).
const PROBE: u64 = 4096;

/// What a repair did, step by step, for people and for the UI.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RepairReport {
    /// One line per step, in order.
    pub steps: Vec<String>,
    /// Where the damaged files were kept.
    pub damaged_copy: String,
    /// The backup the log was restored from, if one was usable.
    pub backup: Option<String>,
    /// Events kept in the repaired log.
    pub events_kept: u64,
    /// Of those, events found only in the damaged database (newer than the
    /// backup, or never in it).
    pub events_salvaged: u64,
    /// Rows that could be read but were not valid events of their chain.
    pub events_dropped: u64,
    /// Stretches of the damaged log that could not be read at all.
    pub unreadable_stretches: u64,
    /// The device id before the repair (empty if it could not be read).
    pub previous_device: String,
    /// The device id from now on.
    pub device: String,
    /// Whether the device took a new id.
    pub new_device_id: bool,
}

impl RepairReport {
    fn step(&mut self, line: String) {
        tracing::info!(step = %line, "repair");
        self.steps.push(line);
    }
}

fn marker(layout: &Layout) -> PathBuf {
    layout.root().join("qalam.db.repair-ready")
}

fn repaired_path(layout: &Layout) -> PathBuf {
    layout.root().join("qalam.db.repair")
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut text = path.as_os_str().to_owned();
    text.push(suffix);
    PathBuf::from(text)
}

/// Finishes a repair that was stopped after its new database was complete
/// (the marker file exists): the old `-wal` and `-shm` go (they are kept in
/// the damaged copy), the new file replaces the old one. A repair stopped
/// earlier left only a `qalam.db.repair` that the next repair rebuilds.
/// Called on every open of a data folder; returns whether it did anything.
pub fn finish_interrupted(layout: &Layout) -> Result<bool, CoreError> {
    let marker = marker(layout);
    if !marker.exists() {
        return Ok(false);
    }
    let db = layout.database();
    let repaired = repaired_path(layout);
    if repaired.exists() {
        // A stale WAL must never be replayed onto the new file.
        for suffix in ["-wal", "-shm"] {
            let path = with_suffix(&db, suffix);
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(CoreError::io("remove the old journal", path, e)),
            }
        }
        std::fs::rename(&repaired, &db)
            .map_err(|e| CoreError::io("put the repaired database in place", &db, e))?;
        fsync::sync_dir(layout.root())?;
    }
    std::fs::remove_file(&marker).map_err(|e| CoreError::io("finish the repair", &marker, e))?;
    fsync::sync_dir(layout.root())?;
    Ok(true)
}

/// Repairs the database of the data folder `layout`; see the module docs.
pub fn repair(layout: &Layout) -> Result<RepairReport, CoreError> {
    let mut report = RepairReport::default();
    if finish_interrupted(layout)? {
        report.step("finished a repair that had been interrupted".into());
    }
    let db = layout.database();

    // 1. Keep the damaged files, exactly as they are.
    let aside = keep_aside(layout, &db)?;
    report.damaged_copy = aside.display().to_string();
    report.step(format!(
        "kept a copy of the damaged database in {}",
        aside.display()
    ));

    // 2. Sources: the newest good backup, and the damaged copy.
    let backup = newest_good_backup(&layout.backups(), &mut report);
    let scratch = layout.root().join("qalam.db.salvage");
    let (damaged, damaged_ok) = match open_damaged(&aside.join("qalam.db"), &scratch, &mut report) {
        Some((conn, ok)) => (Some(conn), ok),
        None => (None, false),
    };
    let old_identity = damaged
        .as_ref()
        .and_then(|d| identity::load(d).ok().flatten())
        .or_else(|| {
            backup
                .as_ref()
                .and_then(|(_, b)| identity::load(b).ok().flatten())
        });
    report.previous_device = old_identity.map(|i| i.device.to_hex()).unwrap_or_default();

    // 3. The new database, beside the old one.
    let target = repaired_path(layout);
    remove_leftover(&target)?;
    let mut new = super::open(&target)?;
    let tx = new
        .transaction()
        .map_err(|e| CoreError::db("start the repaired database", e))?;
    for table in other_tables(&tx)? {
        let mut copied = 0;
        if let Some(d) = &damaged {
            copied += copy_table(d, &tx, &table);
        }
        if let Some((_, b)) = &backup {
            copied += copy_table(b, &tx, &table);
        }
        report.step(format!("restored {copied} rows of `{table}`"));
    }
    tx.execute_batch(
        "CREATE TEMP TABLE candidates (
            device BLOB NOT NULL, seq INTEGER NOT NULL, source INTEGER NOT NULL,
            body BLOB NOT NULL, PRIMARY KEY (device, seq, source)
        ) WITHOUT ROWID",
    )
    .map_err(|e| CoreError::db("prepare the repair", e))?;

    let mut backup_own_max = 0;
    if let Some((_, b)) = &backup {
        let mut count = 0u64;
        for (n, device) in identity::devices(b)? {
            log::for_each_row(b, n, |row| {
                if Some(device) == old_identity.map(|i| i.device) {
                    backup_own_max = backup_own_max.max(row.seq);
                }
                count += 1;
                candidate(&tx, device, row.seq, Source::Backup, &row.body)
            })?;
        }
        report.step(format!("read {count} events from the backup"));
    }

    let mut own_clean = damaged_ok;
    let mut damaged_own_max = 0;
    if let Some(d) = &damaged {
        let mut devices = identity::devices(d).unwrap_or_else(|err| {
            own_clean = false;
            report.step(format!(
                "the damaged list of devices could not be read ({err}); using the backup's"
            ));
            Vec::new()
        });
        if let Some((_, b)) = &backup
            && let Ok(known) = identity::devices(b)
        {
            for (n, device) in known {
                if !devices.iter().any(|(m, _)| *m == n) {
                    devices.push((n, device));
                }
            }
        }
        let mut count = 0u64;
        for (n, device) in devices {
            let own = Some(device) == old_identity.map(|i| i.device);
            let found = salvage(d, n, |seq, body| {
                count += 1;
                if own {
                    damaged_own_max = damaged_own_max.max(seq);
                }
                candidate(&tx, device, seq, Source::Damaged, &body)
            })?;
            report.unreadable_stretches += found.unreadable;
            if found.unreadable > 0 {
                if own {
                    own_clean = false;
                }
                report.step(format!(
                    "device {device}: {} unreadable stretch(es) of the damaged log skipped",
                    found.unreadable
                ));
            }
        }
        report.step(format!(
            "read {count} events from the damaged database, row by row"
        ));
    } else {
        own_clean = false;
    }

    // 4. Keep every event that decodes and fits its chain.
    let kept = keep_valid(&tx, old_identity.map(|i| i.device), damaged_ok, &mut report)?;
    report.events_kept = kept.kept;
    report.events_salvaged = kept.only_damaged;
    report.events_dropped = kept.dropped;
    report.step(format!(
        "kept {} events ({} of them only in the damaged database), dropped {} that did not fit their chain",
        kept.kept, kept.only_damaged, kept.dropped
    ));

    // 5. Who the device is from now on.
    let whole = own_clean && kept.own_whole && damaged_own_max >= backup_own_max;
    let identity = match old_identity {
        Some(old) if whole => {
            report.step(format!(
                "this device's own chain is whole up to seq {}; it keeps its id {}",
                kept.own_max, old.device
            ));
            old
        }
        old => {
            let fresh = Identity {
                device: random_device_id()?,
                org: old.map_or(qalam_model::OrgId::from_bytes([0; 16]), |o| o.org),
                centre: old.map_or(qalam_model::CentreId::from_bytes([0; 16]), |o| o.centre),
            };
            report.new_device_id = true;
            report.step(match old {
                Some(old) => format!(
                    "this device's own chain may have lost its newest events (it ends at seq {}); \
                     the device takes the new id {} for future writes so that no seq is ever \
                     reused with other content; its old chain {} is kept and still synced",
                    kept.own_max, fresh.device, old.device
                ),
                None => format!(
                    "this device's id could not be read; it takes the new id {}",
                    fresh.device
                ),
            });
            fresh
        }
    };
    report.device = identity.device.to_hex();
    tx.execute(
        "INSERT INTO device (one, device_id, org, centre, created_at) VALUES (1, ?1, ?2, ?3, ?4)",
        params![
            identity.device.as_bytes(),
            identity.org.as_bytes(),
            identity.centre.as_bytes(),
            super::now_rfc3339()
        ],
    )
    .map_err(|e| CoreError::db("record the device id", e))?;
    if let Some(old) = old_identity.filter(|_| report.new_device_id)
        && crate::sync::succession::hand_over(&tx, old.device)?
    {
        report.step(format!(
            "the sync enrolment moves to the new id: the next sync introduces {} to the server \
             with the credential of {}, then sends what the server lacks of the old chain",
            identity.device, old.device
        ));
    }
    tx.execute_batch("DROP TABLE temp.candidates")
        .map_err(|e| CoreError::db("finish the repair", e))?;
    tx.commit()
        .map_err(|e| CoreError::db("save the repaired log", e))?;

    crate::events::rebuild_projections(&mut new)?;
    report.step("rebuilt every learner's progress from the log".into());

    // 6. A self-contained file, flushed, then put in place.
    new.pragma_update(None, "journal_mode", "DELETE")
        .map_err(|e| CoreError::db("finish the repaired database", e))?;
    new.close()
        .map_err(|(_, e)| CoreError::db("close the repaired database", e))?;
    std::fs::File::open(&target)
        .and_then(|f| f.sync_all())
        .map_err(|e| CoreError::io("flush the repaired database", &target, e))?;
    let marker = marker(layout);
    std::fs::write(&marker, b"repaired database complete\n")
        .and_then(|()| std::fs::File::open(&marker)?.sync_all())
        .map_err(|e| CoreError::io("mark the repair complete", &marker, e))?;
    fsync::sync_dir(layout.root())?;
    drop(damaged);
    drop(backup);
    remove_leftover(&scratch)?;
    finish_interrupted(layout)?;
    report.step(format!(
        "put the repaired database in place: {}",
        db.display()
    ));
    Ok(report)
}

fn keep_aside(layout: &Layout, db: &Path) -> Result<PathBuf, CoreError> {
    let aside = layout.damaged().join(super::backup::stamp());
    std::fs::create_dir_all(&aside)
        .map_err(|e| CoreError::io("make a folder for the damaged copy", &aside, e))?;
    for suffix in ["", "-wal", "-shm"] {
        let from = with_suffix(db, suffix);
        if !from.exists() {
            continue;
        }
        let to = with_suffix(&aside.join("qalam.db"), suffix);
        std::fs::copy(&from, &to)
            .and_then(|_| std::fs::File::open(&to)?.sync_all())
            .map_err(|e| CoreError::io("keep a copy of the damaged database", &to, e))?;
    }
    fsync::sync_dir(&aside)?;
    if let Some(parent) = aside.parent() {
        fsync::sync_dir(parent)?;
    }
    Ok(aside)
}

fn remove_leftover(target: &Path) -> Result<(), CoreError> {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let path = with_suffix(target, suffix);
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(CoreError::io("remove an unfinished repair", path, e)),
        }
    }
    Ok(())
}

/// `Some(true)` when SQLite's quick check passes, `Some(false)` when it
/// finds damage, `None` when it cannot even run.
pub(crate) fn quick_check(conn: &Connection) -> Option<bool> {
    let mut stmt = conn.prepare("PRAGMA quick_check").ok()?;
    let lines = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
        .ok()?;
    Some(lines == ["ok"])
}

fn newest_good_backup(dir: &Path, report: &mut RepairReport) -> Option<(PathBuf, Connection)> {
    for path in super::backup::list(dir).into_iter().rev() {
        let opened = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_ONLY);
        match opened {
            Ok(conn) if quick_check(&conn) == Some(true) && identity::devices(&conn).is_ok() => {
                report.step(format!("using the backup {}", path.display()));
                report.backup = Some(path.display().to_string());
                return Some((path, conn));
            }
            _ => report.step(format!(
                "skipped the backup {}: it fails its check",
                path.display()
            )),
        }
    }
    report.step("no usable backup; restoring only from the damaged database".into());
    None
}

/// A scratch copy of the damaged database (`path` and its WAL) to read
/// from, and whether it passes SQLite's quick check. A file cut short is
/// padded back to the size its header states with zero pages, so that
/// SQLite still reads the schema and fails only on the missing pages.
fn open_damaged(
    path: &Path,
    scratch: &Path,
    report: &mut RepairReport,
) -> Option<(Connection, bool)> {
    if !path.exists() {
        report.step("there is no database file to read".into());
        return None;
    }
    let copied = remove_leftover(scratch).and_then(|()| {
        for suffix in ["", "-wal"] {
            let from = with_suffix(path, suffix);
            if from.exists() {
                std::fs::copy(&from, with_suffix(scratch, suffix))
                    .map_err(|e| CoreError::io("copy the damaged database", &from, e))?;
            }
        }
        pad_to_header_size(scratch)
    });
    if let Err(err) = copied {
        report.step(format!("could not copy the damaged database ({err})"));
        return None;
    }
    let conn = Connection::open(scratch).and_then(|c| {
        c.query_row("SELECT count(*) FROM sqlite_schema", [], |r| {
            r.get::<_, i64>(0)
        })?;
        Ok(c)
    });
    match conn {
        Ok(conn) => {
            let verdict = quick_check(&conn);
            report.step(
                match verdict {
                    Some(true) => "the damaged database passes SQLite's quick check",
                    Some(false) => "the damaged database fails SQLite's quick check",
                    None => "SQLite's quick check cannot run on the damaged database",
                }
                .into(),
            );
            Some((conn, verdict == Some(true)))
        }
        Err(err) => {
            report.step(format!(
                "the damaged database cannot be read at all ({err}); nothing can be saved from it"
            ));
            None
        }
    }
}

/// The log and its projections are rebuilt from events; every other
/// table (packs, trusted publishers, sync state…) is copied as it was.
const REBUILT: &[&str] = &[
    "device",
    "devices",
    "events",
    "learners",
    "lesson_progress",
    "quiz_progress",
    "quiz_questions",
    "course_progress",
];

fn other_tables(conn: &Connection) -> Result<Vec<String>, CoreError> {
    let mut stmt = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .map_err(|e| CoreError::db("list the tables", e))?;
    let names = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
        .map_err(|e| CoreError::db("list the tables", e))?;
    Ok(names
        .into_iter()
        .filter(|n| !REBUILT.contains(&n.as_str()))
        .collect())
}

/// Pads a database file cut short back to the page count in its header.
fn pad_to_header_size(path: &Path) -> Result<(), CoreError> {
    let io = |e| CoreError::io("read the damaged database", path, e);
    let mut header = [0u8; 100];
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    if std::io::Read::read_exact(&mut &file, &mut header).is_err() {
        return Ok(());
    }
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65_536,
        n => u64::from(n),
    };
    let pages = u64::from(u32::from_be_bytes([
        header[28], header[29], header[30], header[31],
    ]));
    let valid = header[24..28] == header[92..96] && page_size >= 512;
    let stated = pages.saturating_mul(page_size);
    if valid && stated > len && stated <= len.saturating_mul(16).max(1 << 20) {
        file.set_len(stated).map_err(io)?;
    }
    Ok(())
}

/// Copies the rows of `table` that can be read, keeping rows already there.
fn copy_table(from: &Connection, to: &Connection, table: &str) -> u64 {
    let Ok(mut stmt) = from.prepare(&format!("SELECT * FROM \"{table}\"")) else {
        return 0;
    };
    let columns = stmt.column_count();
    let marks = vec!["?"; columns].join(", ");
    let Ok(mut insert) = to.prepare(&format!(
        "INSERT OR IGNORE INTO \"{table}\" VALUES ({marks})"
    )) else {
        return 0;
    };
    let Ok(mut rows) = stmt.query([]) else {
        return 0;
    };
    let mut copied = 0;
    while let Ok(Some(row)) = rows.next() {
        let values: Result<Vec<Value>, _> = (0..columns).map(|i| row.get::<_, Value>(i)).collect();
        if let Ok(values) = values
            && insert
                .execute(rusqlite::params_from_iter(values))
                .is_ok_and(|n| n == 1)
        {
            copied += 1;
        }
    }
    copied
}

#[derive(Clone, Copy)]
enum Source {
    Backup = 0,
    Damaged = 1,
}

fn candidate(
    tx: &Connection,
    device: DeviceId,
    seq: u64,
    source: Source,
    body: &[u8],
) -> Result<(), CoreError> {
    let seq = i64::try_from(seq).unwrap_or(i64::MAX);
    tx.prepare_cached(
        "INSERT OR IGNORE INTO temp.candidates (device, seq, source, body) VALUES (?1, ?2, ?3, ?4)",
    )
    .and_then(|mut s| s.execute(params![device.as_bytes(), seq, source as i64, body]))
    .map_err(|e| CoreError::db("collect the events to keep", e))?;
    Ok(())
}

/// What reading one device's rows from a damaged database found.
#[derive(Debug, Default)]
struct Salvaged {
    unreadable: u64,
}

/// Reads every row of device number `n` that can still be read, in seq
/// order: a range scan until it fails, then single lookups (and jumps
/// further ahead) to find the next readable row, and a range scan again.
fn salvage(
    conn: &Connection,
    n: i64,
    mut put: impl FnMut(u64, Vec<u8>) -> Result<(), CoreError>,
) -> Result<Salvaged, CoreError> {
    let mut found = Salvaged::default();
    let mut from = 1u64;
    loop {
        let mut last = None;
        let scanned = scan(conn, n, from, |seq, body| {
            last = Some(seq);
            put(seq, body)
        });
        match scanned {
            Ok(()) => return Ok(found),
            Err(Stop::Put(err)) => return Err(err),
            Err(Stop::Read) => {
                found.unreadable += 1;
                let start = last.map_or(from, |l| l + 1);
                match next_readable(conn, n, start) {
                    Some((seq, body)) => {
                        put(seq, body)?;
                        from = seq + 1;
                    }
                    None => return Ok(found),
                }
            }
        }
    }
}

enum Stop {
    Read,
    Put(CoreError),
}

fn scan(
    conn: &Connection,
    n: i64,
    from: u64,
    mut put: impl FnMut(u64, Vec<u8>) -> Result<(), CoreError>,
) -> Result<(), Stop> {
    let from = i64::try_from(from).unwrap_or(i64::MAX);
    let mut stmt = conn
        .prepare("SELECT seq, body FROM events WHERE dev = ?1 AND seq >= ?2 ORDER BY seq")
        .map_err(|_| Stop::Read)?;
    let mut rows = stmt.query(params![n, from]).map_err(|_| Stop::Read)?;
    while let Some(row) = rows.next().map_err(|_| Stop::Read)? {
        let seq: i64 = row.get(0).map_err(|_| Stop::Read)?;
        let body: Vec<u8> = row.get(1).map_err(|_| Stop::Read)?;
        put(seq.max(0) as u64, body).map_err(Stop::Put)?;
    }
    Ok(())
}

/// The first row at or after `start` that can be read.
fn next_readable(conn: &Connection, n: i64, start: u64) -> Option<(u64, Vec<u8>)> {
    let point = |seq: u64| -> Option<Vec<u8>> {
        let seq = i64::try_from(seq).ok()?;
        conn.prepare_cached("SELECT body FROM events WHERE dev = ?1 AND seq = ?2")
            .and_then(|mut s| s.query_row(params![n, seq], |r| r.get(0)).optional())
            .ok()
            .flatten()
    };
    for seq in start..start.saturating_add(PROBE) {
        if let Some(body) = point(seq) {
            return Some((seq, body));
        }
    }
    let mut step = PROBE;
    loop {
        let at = i64::try_from(start.checked_add(step)?).ok()?;
        let first: Result<Option<(i64, Vec<u8>)>, _> = conn
            .prepare_cached(
                "SELECT seq, body FROM events WHERE dev = ?1 AND seq >= ?2 ORDER BY seq LIMIT 1",
            )
            .and_then(|mut s| {
                s.query_row(params![n, at], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()
            });
        match first {
            Ok(Some((seq, body))) => return Some((seq.max(0) as u64, body)),
            Ok(None) => return None,
            Err(_) => step = step.checked_mul(2)?,
        }
    }
}

/// Puts a proven event in the new log.
fn keep(
    tx: &Connection,
    n: i64,
    event: &Event,
    from_damaged: bool,
    own: Option<DeviceId>,
    kept: &mut Kept,
) -> Result<(), CoreError> {
    log::insert(tx, n, event)?;
    identity::raise_max_hlc(tx, n, event.hlc)?;
    kept.kept += 1;
    if from_damaged {
        kept.only_damaged += 1;
    }
    if Some(event.device) == own {
        kept.own_max = event.seq;
    }
    Ok(())
}

/// Drops the event of `walk` that nothing proved intact (see
/// [`Walk::unproven`]).
fn drop_unproven(
    walk: &mut Walk,
    own: Option<DeviceId>,
    kept: &mut Kept,
    report: &mut RepairReport,
) {
    let Some(event) = walk.unproven.take() else {
        return;
    };
    kept.dropped += 1;
    if Some(event.device) == own {
        kept.own_whole = false;
    }
    report.step(format!(
        "device {}: dropped the event at seq {}: it was read only from the damaged file and no later event proves it intact",
        event.device, event.seq
    ));
}

/// The device being walked, its number in the new log, its last accepted
/// event (seq and hash), and that event itself while it waits for proof.
struct Walk {
    device: DeviceId,
    n: i64,
    last: Option<(u64, EventHash)>,
    /// An event read only from the damaged file is proven intact only by
    /// its successor naming its hash: a row cut short and padded with
    /// zeros, or garbage inside its payload, still decodes and links to its
    /// predecessor. It is kept once the next event fits it, and dropped
    /// when its chain ends or breaks first.
    unproven: Option<Event>,
}

struct Kept {
    kept: u64,
    only_damaged: u64,
    dropped: u64,
    /// This device's chain runs from seq 1 to `own_max` with nothing
    /// missing or dropped.
    own_whole: bool,
    own_max: u64,
}

/// Moves every candidate that decodes and fits its device's chain into the
/// log, by device then seq. Of two candidates for one seq, the backup's is
/// tried first. Unless the damaged file passed SQLite's check, an event
/// read only from it is kept only once its successor proves it intact
/// (see [`Walk::unproven`]).
fn keep_valid(
    tx: &Connection,
    own: Option<DeviceId>,
    damaged_is_sound: bool,
    report: &mut RepairReport,
) -> Result<Kept, CoreError> {
    let mut kept = Kept {
        kept: 0,
        only_damaged: 0,
        dropped: 0,
        own_whole: true,
        own_max: 0,
    };
    let mut stmt = tx
        .prepare(
            "SELECT device, seq, source, body FROM temp.candidates ORDER BY device, seq, source",
        )
        .map_err(|e| CoreError::db("read the events to keep", e))?;
    let mut rows = stmt
        .query([])
        .map_err(|e| CoreError::db("read the events to keep", e))?;
    let mut current: Option<Walk> = None;
    let mut done_seq: Option<(DeviceId, u64)> = None;
    let mut rejected: Option<(DeviceId, u64)> = None;
    let mut dropped_here = Vec::new();
    while let Some(row) = rows
        .next()
        .map_err(|e| CoreError::db("read the events to keep", e))?
    {
        let read = |e| CoreError::db("read the events to keep", e);
        let id: Vec<u8> = row.get(0).map_err(read)?;
        let device = DeviceId::from_bytes(identity::id16(&id)?);
        let seq = row.get::<_, i64>(1).map_err(read)?.max(0) as u64;
        let source: i64 = row.get(2).map_err(read)?;
        let body: Vec<u8> = row.get(3).map_err(read)?;
        if done_seq == Some((device, seq)) {
            continue;
        }
        if current.as_ref().is_none_or(|w| w.device != device) {
            if let Some(walk) = current.as_mut() {
                drop_unproven(walk, own, &mut kept, report);
            }
            current = Some(Walk {
                device,
                n: identity::device_number(tx, device)?,
                last: None,
                unproven: None,
            });
        }
        let Some(walk) = current.as_mut() else {
            continue;
        };
        let (n, last) = (walk.n, walk.last);
        let from = match last {
            Some((last_seq, hash)) if last_seq + 1 == seq => Some(ChainPoint {
                seq: last_seq,
                hash,
            }),
            _ if seq == 1 => Some(ChainPoint::GENESIS),
            _ => None,
        };
        let valid = log::decode(device, seq, &body).ok().filter(|event| {
            event.seq == seq
                && match from {
                    Some(point) => {
                        verify_chain_from(device, point, std::slice::from_ref(event)).is_ok()
                    }
                    // After a gap there is nothing held to check the link
                    // against yet; the model still checks everything else.
                    None => verify_chain_from(
                        device,
                        ChainPoint {
                            seq: seq - 1,
                            hash: event.prev_hash,
                        },
                        std::slice::from_ref(event),
                    )
                    .is_ok(),
                }
        });
        match valid {
            Some(event) => {
                // Its predecessor is proven by this event's link to it, or
                // was left behind by a gap.
                match walk.unproven.take() {
                    Some(prev) if prev.seq + 1 == seq => keep(tx, n, &prev, true, own, &mut kept)?,
                    Some(prev) => {
                        walk.unproven = Some(prev);
                        drop_unproven(walk, own, &mut kept, report);
                    }
                    None => {}
                }
                if Some(device) == own
                    && last.is_none_or(|(l, _)| l + 1 != seq)
                    && !(seq == 1 && last.is_none())
                {
                    kept.own_whole = false;
                }
                walk.last = Some((seq, event.hash()));
                let from_damaged = source == Source::Damaged as i64;
                if from_damaged && !damaged_is_sound {
                    walk.unproven = Some(event);
                } else {
                    keep(tx, n, &event, from_damaged, own, &mut kept)?;
                }
                done_seq = Some((device, seq));
                if rejected == Some((device, seq)) {
                    rejected = None;
                }
            }
            None => {
                // The other candidate for this seq (if any) comes next.
                if rejected != Some((device, seq)) {
                    rejected = Some((device, seq));
                    kept.dropped += 1;
                    dropped_here.push((device, seq));
                    if Some(device) == own {
                        kept.own_whole = false;
                    }
                }
            }
        }
    }
    if let Some(walk) = current.as_mut() {
        drop_unproven(walk, own, &mut kept, report);
    }
    // A seq whose second candidate was kept is not dropped after all.
    for (device, seq) in dropped_here {
        let held = tx
            .query_row(
                "SELECT 1 FROM events JOIN devices ON devices.n = events.dev
                 WHERE devices.device_id = ?1 AND events.seq = ?2",
                params![device.as_bytes(), i64::try_from(seq).unwrap_or(i64::MAX)],
                |_| Ok(()),
            )
            .optional()
            .map_err(|e| CoreError::db("check the kept events", e))?;
        if held.is_some() {
            kept.dropped -= 1;
        } else {
            report.step(format!(
                "device {device}: dropped the event at seq {seq}: it does not decode or does not fit the chain"
            ));
        }
    }
    Ok(kept)
}

fn random_device_id() -> Result<DeviceId, CoreError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| CoreError::Io {
        action: "make a random device id",
        path: PathBuf::new(),
        source: std::io::Error::other(e.to_string()),
    })?;
    Ok(DeviceId::from_bytes(bytes))
}
