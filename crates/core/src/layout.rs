//! Where things live inside a device's data folder.
//!
//! ```text
//! DATA/qalam.db            the database (WAL mode)
//! DATA/packs/ID/VER-NONCE  installed pack content, one folder per install
//! DATA/staging/KEY         imports in progress, kept so a pulled-out stick resumes
//! DATA/trash/              folders being deleted
//! DATA/backups/            rolling, checked copies of the database
//! DATA/damaged/TIME/       damaged databases kept aside by a repair
//! ```

use std::path::{Path, PathBuf};

use crate::error::CoreError;

#[derive(Debug, Clone)]
pub struct Layout {
    root: PathBuf,
}

impl Layout {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Layout { root: root.into() }
    }

    /// Creates the folders that must exist before anything else runs.
    pub fn create(&self) -> Result<(), CoreError> {
        for dir in [
            self.root.clone(),
            self.packs(),
            self.staging(),
            self.trash(),
        ] {
            std::fs::create_dir_all(&dir)
                .map_err(|e| CoreError::io("create the data folder", &dir, e))?;
        }
        Ok(())
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn database(&self) -> PathBuf {
        self.root.join("qalam.db")
    }

    pub fn packs(&self) -> PathBuf {
        self.root.join("packs")
    }

    pub fn staging(&self) -> PathBuf {
        self.root.join("staging")
    }

    pub fn trash(&self) -> PathBuf {
        self.root.join("trash")
    }

    pub fn backups(&self) -> PathBuf {
        self.root.join("backups")
    }

    pub fn damaged(&self) -> PathBuf {
        self.root.join("damaged")
    }
}

/// The default data folder: `$QALAM_DATA`, else the platform's data folder.
pub fn default_data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("QALAM_DATA") {
        return PathBuf::from(dir);
    }
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local/share")))
        .or_else(|| std::env::var_os("APPDATA").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("qalam")
}
