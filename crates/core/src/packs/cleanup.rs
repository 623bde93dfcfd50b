//! Start-up clean-up: removes what a crash or power cut left half-done, so
//! that installs are all-or-nothing as the user sees them.

use std::collections::HashSet;
use std::path::Path;
use std::time::{Duration, SystemTime};

use super::fsync;
use crate::device::Device;
use crate::error::CoreError;
use crate::storage;

/// Staging folders of interrupted imports are kept this long so that a
/// facilitator can come back with the stick; after that they are clutter.
const STAGING_KEPT_FOR: Duration = Duration::from_secs(14 * 24 * 3600);

pub fn after_restart(device: &Device) -> Result<(), CoreError> {
    empty_trash(&device.layout().trash());
    remove_unreferenced_pack_dirs(device)?;
    remove_stale_staging(&device.layout().staging(), STAGING_KEPT_FOR);
    Ok(())
}

fn empty_trash(trash: &Path) {
    for entry in read_dir(trash) {
        if let Err(err) =
            std::fs::remove_dir_all(entry.path()).or_else(|_| std::fs::remove_file(entry.path()))
        {
            tracing::warn!(path = %entry.path().display(), %err, "could not empty the trash");
        }
    }
}

/// A pack folder that no row points at is either a new install whose
/// commit never happened or an old one whose deletion never happened.
fn remove_unreferenced_pack_dirs(device: &Device) -> Result<(), CoreError> {
    let referenced: HashSet<String> = storage::packs::referenced_dirs(&device.conn())?
        .into_iter()
        .collect();
    let packs = device.layout().packs();
    for pack_entry in read_dir(&packs) {
        let pack_name = pack_entry.file_name().to_string_lossy().into_owned();
        for install in read_dir(&pack_entry.path()) {
            let relative = format!("{pack_name}/{}", install.file_name().to_string_lossy());
            if !referenced.contains(&relative) {
                tracing::info!(folder = %relative, "removing an unfinished or replaced pack folder");
                fsync::discard_dir(&install.path(), &device.layout().trash())?;
            }
        }
        // Fails harmlessly when the folder still holds an install.
        let _ = std::fs::remove_dir(pack_entry.path());
    }
    Ok(())
}

fn remove_stale_staging(staging: &Path, kept_for: Duration) {
    let now = SystemTime::now();
    for entry in read_dir(staging) {
        let age = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|modified| now.duration_since(modified).ok())
            .unwrap_or_default();
        if age > kept_for {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn read_dir(dir: &Path) -> Vec<std::fs::DirEntry> {
    std::fs::read_dir(dir)
        .map(|entries| entries.flatten().collect())
        .unwrap_or_default()
}
