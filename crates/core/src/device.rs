//! One open data folder: the database connection, the settings and the
//! background jobs that belong to it.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::Connection;

use crate::api::jobs::Jobs;
use crate::error::CoreError;
use crate::events::{Clock, SystemClock};
use crate::layout::Layout;
use crate::packs;
use crate::storage::identity::Identity;

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

pub struct Device {
    layout: Layout,
    settings: Settings,
    conn: Mutex<Connection>,
    identity: Identity,
    clock: Arc<dyn Clock>,
    pub(crate) jobs: Jobs,
    pub(crate) usb_cache: crate::usb::PeekCache,
    pub(crate) sessions: crate::api::session::Sessions,
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
        let mut conn = crate::storage::open(&layout.database())?;
        let identity = crate::storage::identity::load_or_create(&mut conn)?;
        let device = Device {
            layout,
            settings,
            conn: Mutex::new(conn),
            identity,
            clock,
            jobs: Jobs::default(),
            usb_cache: crate::usb::PeekCache::default(),
            sessions: crate::api::session::Sessions::default(),
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

    /// Takes a rolling backup on a thread of its own when the newest one is
    /// older than [`Settings::backup_every`]. Long-running shells (the
    /// window, `qalam serve`) call this at start; it never delays start-up.
    pub fn backup_in_background_if_due(&self) {
        let Some(every) = self.settings.backup_every else {
            return;
        };
        let dir = self.layout.backups();
        let due = crate::storage::backup::newest_age(&dir, std::time::SystemTime::now())
            .is_none_or(|age| age >= every);
        if !due {
            return;
        }
        let db = self.layout.database();
        let spawned = std::thread::Builder::new()
            .name("backup".into())
            .spawn(move || match crate::storage::backup::make(&db, &dir) {
                Ok(path) => tracing::info!(path = %path.display(), "database backed up"),
                Err(err) => tracing::warn!(%err, "database backup failed"),
            });
        if let Err(err) = spawned {
            tracing::warn!(%err, "could not start the backup");
        }
    }

    /// Takes a rolling backup now and returns its path.
    pub fn backup_now(&self) -> Result<std::path::PathBuf, CoreError> {
        crate::storage::backup::make(&self.layout.database(), &self.layout.backups())
    }

    /// This install's device id and enrolment.
    pub fn identity(&self) -> &Identity {
        &self.identity
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
