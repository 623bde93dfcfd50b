//! One open data folder: the database connection, the settings and the
//! background jobs that belong to it.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::Instant;

use rusqlite::Connection;

use crate::api::jobs::Jobs;
use crate::api::types::DatabaseHealth;
use crate::error::CoreError;
use crate::events::{Clock, SystemClock};
use crate::layout::Layout;
use crate::packs;
use crate::storage::identity::Identity;
use crate::storage::repair::RepairReport;

/// Settings chosen by whoever opens the device (CLI flags, app config).
#[derive(Debug, Clone)]
pub struct Settings {
    /// Free space an import must leave on the disk, so that the database
    /// and the operating system never run out.
    pub disk_reserve_bytes: u64,
    pub pack_limits: qalam_pack::Limits,
    /// Extra folders to look in for packs besides the usual mount points.
    pub usb_roots: Vec<PathBuf>,
    /// Look at the system's mount points (/media, /run/media, drive letters).
    pub scan_system_mounts: bool,
    /// A session ends after this many seconds without a call.
    pub session_idle_secs: u64,
    /// How old the newest database backup may get before a long-running
    /// shell takes another; `None` turns rolling backups off.
    pub backup_every: Option<std::time::Duration>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            disk_reserve_bytes: 256 * 1024 * 1024,
            pack_limits: qalam_pack::Limits::default(),
            usb_roots: Vec::new(),
            scan_system_mounts: true,
            session_idle_secs: 15 * 60,
            backup_every: Some(std::time::Duration::from_secs(24 * 3600)),
        }
    }
}

/// The environment variable that sets how long a learner may be idle
/// before their session ends, in whole minutes.
pub const IDLE_MINUTES_VAR: &str = "QALAM_SESSION_IDLE_MINUTES";
/// The longest idle time it accepts: a shift in a study centre.
pub const MAX_IDLE_MINUTES: u64 = 8 * 60;

impl Settings {
    /// The defaults, with what the study centre set in the environment
    /// ([`IDLE_MINUTES_VAR`]). A bad value is an error, not a silent default.
    pub fn from_env() -> Result<Settings, CoreError> {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// [`Settings::from_env`] reading variables through `var`.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Settings, CoreError> {
        let mut settings = Settings::default();
        if let Some(text) = var(IDLE_MINUTES_VAR) {
            settings.session_idle_secs = parse_idle_minutes(&text)? * 60;
        }
        Ok(settings)
    }
}

/// Whole minutes from 1 to [`MAX_IDLE_MINUTES`].
pub fn parse_idle_minutes(text: &str) -> Result<u64, CoreError> {
    text.trim()
        .parse::<u64>()
        .ok()
        .filter(|m| (1..=MAX_IDLE_MINUTES).contains(m))
        .ok_or_else(|| {
            CoreError::BadRequest(format!(
                "{IDLE_MINUTES_VAR} must be a whole number of minutes from 1 to {MAX_IDLE_MINUTES}, not {:?}",
                text.trim()
            ))
        })
}

pub struct Device {
    layout: Layout,
    settings: Settings,
    conn: Mutex<Connection>,
    /// Changed only by a repair that gives the device a new id. Each
    /// identity is allocated once and never freed (a few bytes per repair),
    /// so that [`Device::identity`] can hand out a plain reference.
    identity: RwLock<&'static Identity>,
    health: Arc<Mutex<DatabaseHealth>>,
    clock: Arc<dyn Clock>,
    pub(crate) jobs: Jobs,
    pub(crate) usb_cache: crate::usb::PeekCache,
    pub(crate) sessions: crate::api::session::Sessions,
    /// The background sync worker's handle and what it last did.
    pub(crate) sync_worker: crate::api::syncing::SyncWorker,
    /// Pack downloads started from the app, and verdicts on sync files.
    pub(crate) exchange: crate::api::exchange::Exchange,
}

impl Device {
    /// Opens the data folder at `root`, creating it on first use, and removes
    /// whatever a crash or power cut left half-done.
    pub fn open(root: &Path, settings: Settings) -> Result<Self, CoreError> {
        Self::open_with_clock(root, settings, Arc::new(SystemClock))
    }

    /// Like [`Device::open`], with the physical clock that stamps events
    /// (a fake one in tests and the simulator).
    pub fn open_with_clock(
        root: &Path,
        settings: Settings,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, CoreError> {
        let layout = Layout::new(root);
        layout.create()?;
        if crate::storage::repair::finish_interrupted(&layout)? {
            tracing::warn!("finished a database repair that had been interrupted");
        }
        let mut conn = crate::storage::open(&layout.database())?;
        let identity = crate::storage::identity::load_or_create(&mut conn)?;
        let device = Device {
            layout,
            settings,
            conn: Mutex::new(conn),
            identity: RwLock::new(Box::leak(Box::new(identity))),
            health: Arc::new(Mutex::new(DatabaseHealth::unchecked())),
            clock,
            jobs: Jobs::default(),
            usb_cache: crate::usb::PeekCache::default(),
            sessions: crate::api::session::Sessions::default(),
            sync_worker: crate::api::syncing::SyncWorker::default(),
            exchange: crate::api::exchange::Exchange::default(),
        };
        packs::cleanup::after_restart(&device)?;
        Ok(device)
    }

    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The start-up work that must never delay the profile picker, on a
    /// thread of its own: SQLite's quick check of the database (its verdict
    /// is [`Device::database_health`]), then, if the database is sound and
    /// the newest backup is older than [`Settings::backup_every`], a
    /// rolling backup. A damaged database is never backed up, so the good
    /// backups a repair needs are not rotated out. Long-running shells (the
    /// window, `qalam serve`) call this at start.
    pub fn backup_in_background_if_due(&self) {
        let dir = self.layout.backups();
        let due = self.settings.backup_every.is_some_and(|every| {
            crate::storage::backup::newest_age(&dir, std::time::SystemTime::now())
                .is_none_or(|age| age >= every)
        });
        let db = self.layout.database();
        let health = Arc::clone(&self.health);
        set_health(&health, DatabaseHealth::checking());
        let spawned = std::thread::Builder::new()
            .name("start-up-checks".into())
            .spawn(move || {
                let checked = check_database(&db, &dir);
                let sound = checked.state == "ok";
                set_health(&health, checked);
                if !sound {
                    tracing::warn!("the database failed its check; no backup taken");
                    return;
                }
                if due {
                    match crate::storage::backup::make(&db, &dir) {
                        Ok(path) => tracing::info!(path = %path.display(), "database backed up"),
                        Err(err) => tracing::warn!(%err, "database backup failed"),
                    }
                }
            });
        if let Err(err) = spawned {
            set_health(&self.health, DatabaseHealth::unchecked());
            tracing::warn!(%err, "could not start the start-up checks");
        }
    }

    /// The verdict of the latest database check (see
    /// [`Device::backup_in_background_if_due`]); `"checking"` while it runs.
    pub fn database_health(&self) -> DatabaseHealth {
        let mut health = self
            .health
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        health.backups = crate::storage::backup::list(&self.layout.backups()).len();
        health
    }

    /// Runs the database check now, on this thread, and records its verdict.
    pub fn check_database_now(&self) -> DatabaseHealth {
        let checked = check_database(&self.layout.database(), &self.layout.backups());
        set_health(&self.health, checked);
        self.database_health()
    }

    /// Repairs the database in place (see [`crate::storage::repair`]) while
    /// every other call waits: the connection is closed, the repaired file
    /// put in place and opened again, and the device's id replaced when the
    /// repair gave it a new one.
    pub fn repair(&self) -> Result<RepairReport, CoreError> {
        let mut conn = self.conn();
        let placeholder =
            Connection::open_in_memory().map_err(|e| CoreError::db("prepare the repair", e))?;
        let old = std::mem::replace(&mut *conn, placeholder);
        if let Err((_, err)) = old.close() {
            tracing::warn!(%err, "the damaged database did not close cleanly");
        }
        let result = crate::storage::repair::repair(&self.layout);
        let reopened = crate::storage::open(&self.layout.database()).and_then(|mut c| {
            let identity = crate::storage::identity::load_or_create(&mut c)?;
            Ok((c, identity))
        });
        match reopened {
            Ok((c, identity)) => {
                *conn = c;
                self.hold_identity(identity);
            }
            Err(err) => {
                tracing::warn!(%err, "could not open the database after the repair");
                if result.is_ok() {
                    return Err(err);
                }
            }
        }
        drop(conn);
        if result.is_ok() {
            self.check_database_now();
        }
        result
    }

    fn hold_identity(&self, identity: Identity) {
        let mut held = self.identity.write().unwrap_or_else(|p| p.into_inner());
        if **held != identity {
            *held = Box::leak(Box::new(identity));
        }
    }

    /// Reads the identity again after an enrolment recorded the
    /// organisation and centre, so that events written from now on carry
    /// them without the app being restarted.
    pub(crate) fn refresh_identity(&self) -> Result<(), CoreError> {
        let identity = crate::storage::identity::load(&self.conn())?;
        if let Some(identity) = identity {
            self.hold_identity(identity);
        }
        Ok(())
    }

    /// Takes a rolling backup now and returns its path.
    pub fn backup_now(&self) -> Result<std::path::PathBuf, CoreError> {
        crate::storage::backup::make(&self.layout.database(), &self.layout.backups())
    }

    /// This install's device id and enrolment.
    pub fn identity(&self) -> &Identity {
        *self.identity.read().unwrap_or_else(|p| p.into_inner())
    }

    pub fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    /// The database connection. A panic while it was held cannot have left
    /// a half-applied change (transactions roll back), so a poisoned lock is
    /// still safe to use.
    pub fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn set_health(slot: &Mutex<DatabaseHealth>, health: DatabaseHealth) {
    *slot.lock().unwrap_or_else(|p| p.into_inner()) = health;
}

/// SQLite's quick check on a connection of its own (read-only, one WAL
/// snapshot), so learners keep working meanwhile.
fn check_database(db: &Path, backups: &Path) -> DatabaseHealth {
    let started = Instant::now();
    let verdict =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .and_then(|conn| {
                let mut stmt = conn.prepare("PRAGMA quick_check(20)")?;
                stmt.query_map([], |r| r.get::<_, String>(0))?
                    .collect::<Result<Vec<_>, _>>()
            });
    let took_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let (state, problems) = match verdict {
        Ok(lines) if lines == ["ok"] => match behind_backup(db, backups) {
            Some(problem) => ("damaged", vec![problem]),
            None => ("ok", Vec::new()),
        },
        Ok(lines) => ("damaged", lines),
        Err(err) => ("damaged", vec![err.to_string()]),
    };
    tracing::info!(state, took_ms, "database checked");
    DatabaseHealth {
        state,
        problems,
        took_ms: Some(took_ms),
        backups: crate::storage::backup::list(backups).len(),
    }
}

/// A sound-looking database can still have gone back in time: a lost WAL
/// leaves the main file as it was at the last checkpoint. When the newest
/// backup holds more of this device's own chain than the database does,
/// that happened, and writing on would fork the chain.
pub(crate) fn behind_backup(db: &Path, backups: &Path) -> Option<String> {
    let newest = crate::storage::backup::list(backups).pop()?;
    let open = |path: &Path| {
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).ok()
    };
    let (live, copy) = (open(db)?, open(&newest)?);
    let me = crate::storage::identity::load(&live).ok()??.device;
    let own_tip = |conn: &rusqlite::Connection| -> Option<i64> {
        conn.query_row(
            "SELECT coalesce(max(seq), 0) FROM events
             WHERE dev = (SELECT n FROM devices WHERE device_id = ?1)",
            [me.as_bytes()],
            |r| r.get(0),
        )
        .ok()
    };
    let (held, backed_up) = (own_tip(&live)?, own_tip(&copy)?);
    (backed_up > held).then(|| {
        format!(
            "this device's own events end at seq {held} but its newest backup holds them up to seq {backed_up}: the database went back in time (a lost journal); repair it before writing on"
        )
    })
}

#[cfg(test)]
mod idle_tests {
    use super::*;

    #[test]
    fn the_idle_time_comes_from_the_environment() {
        let set = |value: &'static str| {
            move |name: &str| (name == IDLE_MINUTES_VAR).then(|| value.to_owned())
        };
        let seven = Settings::from_vars(set("7")).map(|s| s.session_idle_secs);
        assert_eq!(seven.ok(), Some(420));
        let unset = Settings::from_vars(|_| None).map(|s| s.session_idle_secs);
        assert_eq!(unset.ok(), Some(15 * 60));
        assert!(Settings::from_vars(set("0")).is_err());
    }

    #[test]
    fn idle_minutes_are_whole_minutes_within_a_shift() {
        assert_eq!(parse_idle_minutes("5").ok(), Some(5));
        assert_eq!(parse_idle_minutes(" 480 ").ok(), Some(480));
        for bad in ["0", "481", "-3", "ten", "2.5", ""] {
            let err = parse_idle_minutes(bad).err().map(|e| e.to_string());
            assert!(
                err.as_deref().is_some_and(|m| m.contains(IDLE_MINUTES_VAR)),
                "{bad:?}: {err:?}"
            );
        }
    }
}
