//! Installing one pack file: verify while streaming into staging, then
//! commit by rename plus one SQLite transaction.
//!
//! Crash safety: until the rename, nothing outside `staging/` changed. Between
//! the rename and the commit, the new folder is unreferenced and start-up
//! deletes it. After the commit, the old folder is unreferenced and start-up
//! deletes it if we did not get to. So a kill -9 anywhere leaves the old
//! install or the new one, never a mix.

use std::cmp::Ordering;
use std::io::{Read, Seek};
use std::path::{Path, PathBuf};

use qalam_pack::{PackReader, Signature};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{StoredSummary, fsync};
use crate::device::Device;
use crate::error::CoreError;
use crate::storage::{self, packs::PackRow};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Installed,
    Updated,
    Unchanged,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installed {
    pub pack_id: String,
    pub version: String,
    pub outcome: Outcome,
    pub previous_version: Option<String>,
    pub signer: Option<String>,
    pub trusted: bool,
}

/// A pack that has passed every check before any content is copied.
struct Checked<R: Read + Seek> {
    reader: PackReader<R>,
    manifest_sha256: String,
    signer: Option<String>,
    trusted: bool,
    previous: Option<PackRow>,
}

/// Installs the pack at `source`. `progress(done, total)` receives content
/// bytes verified so far, including bytes reused from an interrupted
/// earlier attempt.
pub fn install_file(
    device: &Device,
    source: &Path,
    allow_untrusted: bool,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Installed, CoreError> {
    let reader = qalam_pack::open_file(source, &device.settings().pack_limits)?;
    install_from(device, reader, allow_untrusted, progress)
}

/// Installs from an opened pack; [`install_file`] for packs in files.
pub fn install_from<R: Read + Seek>(
    device: &Device,
    reader: PackReader<R>,
    allow_untrusted: bool,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Installed, CoreError> {
    let checked = check(device, reader, allow_untrusted)?;
    let total = checked.reader.content_bytes();
    if let Some(previous) = &checked.previous
        && previous.manifest_sha256 == checked.manifest_sha256
    {
        progress(total, total);
        return Ok(installed(&checked, Outcome::Unchanged));
    }
    let mut done = 0u64;
    let mut on_bytes = |n: u64| {
        done = done.saturating_add(n);
        progress(done.min(total), total);
    };
    commit(device, checked, &mut on_bytes)
}

fn check<R: Read + Seek>(
    device: &Device,
    reader: PackReader<R>,
    allow_untrusted: bool,
) -> Result<Checked<R>, CoreError> {
    let manifest_sha256 = hex::encode(Sha256::digest(reader.manifest_bytes()));
    let (signer, trusted) = check_trust(device, &reader, allow_untrusted)?;
    let previous = storage::packs::get(&device.conn(), &reader.manifest().id)?;
    if let Some(previous) = &previous {
        check_upgrade(previous, &reader, &manifest_sha256)?;
    }
    Ok(Checked {
        reader,
        manifest_sha256,
        signer,
        trusted,
        previous,
    })
}

fn check_trust<R: Read + Seek>(
    device: &Device,
    reader: &PackReader<R>,
    allow_untrusted: bool,
) -> Result<(Option<String>, bool), CoreError> {
    let signer = match reader.signature() {
        Signature::Valid(key) => Some(key.key_id()),
        Signature::Unsigned => None,
    };
    let trusted = match &signer {
        Some(key_id) => storage::trust::get(&device.conn(), key_id)?.is_some(),
        None => false,
    };
    if trusted || allow_untrusted {
        if !trusted {
            tracing::info!(pack = %reader.manifest().id, ?signer, "installing a pack from an untrusted publisher");
        }
        return Ok((signer, trusted));
    }
    let why = match &signer {
        Some(key_id) => format!(
            "pack `{}` is signed by {key_id}, which this device does not trust",
            reader.manifest().id
        ),
        None => format!("pack `{}` is not signed", reader.manifest().id),
    };
    Err(CoreError::Untrusted(format!(
        "{why}; add the publisher's key to the trusted publishers first, or allow untrusted publishers for this import if you are sure where the pack came from"
    )))
}

fn check_upgrade<R: Read + Seek>(
    previous: &PackRow,
    reader: &PackReader<R>,
    manifest_sha256: &str,
) -> Result<(), CoreError> {
    let offered = reader.manifest().version.to_string();
    match compare_versions(&offered, &previous.version) {
        Ordering::Greater => Ok(()),
        Ordering::Equal if previous.manifest_sha256 == manifest_sha256 => Ok(()),
        Ordering::Equal => Err(CoreError::Conflict(format!(
            "pack `{}` version {offered} is already installed with different content; ask the publisher for a pack with a higher version",
            previous.id
        ))),
        Ordering::Less => Err(CoreError::Conflict(format!(
            "pack `{}` version {} is already installed, which is newer than {offered}; remove it first to go back",
            previous.id, previous.version
        ))),
    }
}

fn compare_versions(a: &str, b: &str) -> Ordering {
    match (semver::Version::parse(a), semver::Version::parse(b)) {
        (Ok(a), Ok(b)) => a.cmp(&b),
        _ => a.cmp(b),
    }
}

fn commit<R: Read + Seek>(
    device: &Device,
    mut checked: Checked<R>,
    progress: &mut dyn FnMut(u64),
) -> Result<Installed, CoreError> {
    let staging = device
        .layout()
        .staging()
        .join(&checked.manifest_sha256[..32]);
    ensure_disk_space(device, checked.reader.content_bytes(), &staging)?;
    extract(&mut checked.reader, &staging, progress)?;
    write_metadata(&checked.reader, &staging)?;
    fsync::sync_tree(&staging)?;
    let manifest = checked.reader.manifest();
    let relative_dir = format!(
        "{}/{}-{}",
        manifest.id,
        manifest.version,
        fsync::random_suffix()
    );
    let final_dir = device.layout().packs().join(&relative_dir);
    move_into_place(&staging, &final_dir)?;
    let row = pack_row(&checked, relative_dir, device)?;
    if let Err(err) = storage::packs::upsert(&device.conn(), &row) {
        let _ = fsync::discard_dir(&final_dir, &device.layout().trash());
        return Err(err);
    }
    let outcome = if checked.previous.is_some() {
        Outcome::Updated
    } else {
        Outcome::Installed
    };
    if let Some(previous) = &checked.previous {
        let old_dir = device.layout().packs().join(&previous.dir);
        if let Err(err) = fsync::discard_dir(&old_dir, &device.layout().trash()) {
            tracing::warn!(%err, "old pack folder left for start-up clean-up");
        }
    }
    Ok(installed(&checked, outcome))
}

/// Extracts into staging. A refused pack leaves nothing behind; a pack whose
/// source vanished (stick pulled out) keeps its verified files for resuming.
fn extract<R: Read + Seek>(
    reader: &mut PackReader<R>,
    staging: &Path,
    progress: &mut dyn FnMut(u64),
) -> Result<(), CoreError> {
    std::fs::create_dir_all(staging)
        .map_err(|e| CoreError::io("create the staging folder", staging, e))?;
    match reader.extract_to(staging, progress) {
        Ok(stats) => {
            tracing::info!(
                written = stats.files_written,
                reused = stats.files_reused,
                "pack content verified"
            );
            Ok(())
        }
        Err(err) if err.is_source_io() => Err(CoreError::Interrupted(format!(
            "reading the pack stopped: {err}; plug the USB stick in again and import again to resume, files already verified are kept"
        ))),
        Err(err) => {
            let _ = std::fs::remove_dir_all(staging);
            Err(err.into())
        }
    }
}

fn write_metadata<R: Read + Seek>(reader: &PackReader<R>, staging: &Path) -> Result<(), CoreError> {
    let path = staging.join("manifest.json");
    std::fs::write(&path, reader.manifest_bytes()).map_err(|e| CoreError::io("write", &path, e))
}

fn move_into_place(staging: &Path, final_dir: &Path) -> Result<(), CoreError> {
    let parent = final_dir.parent().unwrap_or(final_dir);
    std::fs::create_dir_all(parent)
        .map_err(|e| CoreError::io("create the pack folder", parent, e))?;
    std::fs::rename(staging, final_dir)
        .map_err(|e| CoreError::io("move the verified pack into place", final_dir, e))?;
    fsync::sync_dir(parent)
}

fn pack_row<R: Read + Seek>(
    checked: &Checked<R>,
    dir: String,
    _device: &Device,
) -> Result<PackRow, CoreError> {
    let manifest = checked.reader.manifest();
    let summary = serde_json::to_string(&StoredSummary::of(manifest))
        .map_err(|e| CoreError::BadRequest(format!("could not record the pack summary: {e}")))?;
    Ok(PackRow {
        id: manifest.id.clone(),
        version: manifest.version.to_string(),
        manifest_sha256: checked.manifest_sha256.clone(),
        dir,
        size_bytes: checked.reader.content_bytes(),
        signer: checked.signer.clone(),
        trusted: checked.trusted,
        installed_at: storage::now_rfc3339(),
        summary_json: summary,
        manifest_json: checked.reader.manifest_bytes().to_vec(),
        signature_json: signature_bytes(&checked.reader),
    })
}

fn signature_bytes<R: Read + Seek>(reader: &PackReader<R>) -> Option<Vec<u8>> {
    reader.signature_bytes().map(<[u8]>::to_vec)
}

fn installed<R: Read + Seek>(checked: &Checked<R>, outcome: Outcome) -> Installed {
    let manifest = checked.reader.manifest();
    Installed {
        pack_id: manifest.id.clone(),
        version: manifest.version.to_string(),
        outcome,
        previous_version: checked.previous.as_ref().map(|p| p.version.clone()),
        signer: checked.signer.clone(),
        trusted: checked.trusted,
    }
}

/// Refuses before copying anything when the disk would drop below the reserve.
/// Bytes already staged by an interrupted attempt are not needed again.
fn ensure_disk_space(device: &Device, content_bytes: u64, staging: &Path) -> Result<(), CoreError> {
    let root = device.layout().root();
    let available =
        fs4::available_space(root).map_err(|e| CoreError::io("check free space on", root, e))?;
    let needed = content_bytes.saturating_sub(dir_size(staging));
    let reserve = device.settings().disk_reserve_bytes;
    if available < needed.saturating_add(reserve) {
        const MB: u64 = 1024 * 1024;
        return Err(CoreError::DiskFull {
            needed_mb: needed.div_ceil(MB),
            reserve_mb: reserve / MB,
            available_mb: available / MB,
        });
    }
    Ok(())
}

fn dir_size(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|entry| match entry.file_type() {
            Ok(t) if t.is_dir() => dir_size(&entry.path()),
            Ok(_) => entry.metadata().map(|m| m.len()).unwrap_or(0),
            Err(_) => 0,
        })
        .sum()
}

/// The staging folder an import of `source` would use, for tests and tools.
pub fn staging_dir_for(device: &Device, manifest_bytes: &[u8]) -> PathBuf {
    let sha = hex::encode(Sha256::digest(manifest_bytes));
    device.layout().staging().join(&sha[..32])
}
