//! Importing many packs at once, from files or folders such as a USB mount.
//! A refused pack never stops the others; every source gets a result.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::install::{self, Outcome};
use crate::device::Device;
use crate::error::CoreError;

/// How deep to look inside a folder for packs: a stick's root, a `packs/`
/// folder on it and one level of course folders.
const MAX_DEPTH: usize = 3;
pub const PACK_EXTENSION: &str = "qpack";

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ResultKind {
    Installed,
    Updated,
    Unchanged,
    Refused,
    Interrupted,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ImportResult {
    pub source: String,
    pub pack_id: Option<String>,
    pub version: Option<String>,
    pub outcome: ResultKind,
    /// Why a pack was refused or interrupted, as a stable code the UI
    /// translates; `message` then carries the device's specifics.
    pub reason: Option<Reason>,
    pub message: String,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// The file is missing, or there are no packs in the folder.
    NotFound,
    /// The file is not a valid pack: damaged, tampered with or malicious.
    InvalidPack,
    /// Unsigned, or signed by a publisher this device does not trust.
    Untrusted,
    /// A newer version, or the same version with other content, is installed.
    VersionConflict,
    DiskFull,
    /// The source vanished mid-way; importing again resumes.
    Interrupted,
    /// Anything else (the database or the disk failed).
    DeviceError,
}

impl Reason {
    fn of(err: &CoreError) -> Self {
        match err {
            CoreError::Pack(_) => Reason::InvalidPack,
            CoreError::Untrusted(_) => Reason::Untrusted,
            CoreError::Conflict(_) => Reason::VersionConflict,
            CoreError::DiskFull { .. } => Reason::DiskFull,
            CoreError::Interrupted(_) => Reason::Interrupted,
            CoreError::NotFound { .. } => Reason::NotFound,
            _ => Reason::DeviceError,
        }
    }
}

/// Progress of a whole import, in bytes of the pack files on the source.
pub trait ImportProgress {
    fn start(&mut self, total_bytes: u64);
    fn pack_started(&mut self, source: &Path);
    fn advance(&mut self, done_bytes: u64);
    fn pack_finished(&mut self, result: &ImportResult);
}

/// Expands files and folders into the pack files to import, sorted and
/// without repeats. A path that does not exist becomes a refusal.
pub fn collect_sources(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<ImportResult>) {
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for path in paths {
        if path.is_dir() {
            find_packs(path, MAX_DEPTH, &mut found);
        } else if path.is_file() {
            found.push(path.clone());
        } else {
            missing.push(refusal(
                path,
                "no such file or folder; check the path and that the USB stick is plugged in",
            ));
        }
    }
    found.sort();
    found.dedup();
    (found, missing)
}

fn find_packs(dir: &Path, depth: usize, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if hidden || kind.is_symlink() {
            continue;
        }
        if kind.is_dir() && depth > 0 {
            find_packs(&path, depth - 1, found);
        } else if kind.is_file() && is_pack_file(&path) {
            found.push(path);
        }
    }
}

pub fn is_pack_file(path: &Path) -> bool {
    path.extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case(PACK_EXTENSION))
}

/// Imports every pack found under `paths`, reporting progress as it goes.
pub fn import_all(
    device: &Device,
    paths: &[PathBuf],
    allow_untrusted: bool,
    progress: &mut dyn ImportProgress,
) -> Vec<ImportResult> {
    let (sources, mut results) = collect_sources(paths);
    if sources.is_empty() && results.is_empty() {
        results.push(refusal(
            paths.first().map_or(Path::new(""), |p| p.as_path()),
            "no .qpack files found here; check that this is the right folder or stick",
        ));
    }
    let sizes: Vec<u64> = sources.iter().map(|s| file_len(s)).collect();
    progress.start(sizes.iter().sum());
    let mut done_before = 0u64;
    for (source, size) in sources.iter().zip(sizes) {
        progress.pack_started(source);
        let result = import_one(device, source, size, done_before, allow_untrusted, progress);
        done_before += size;
        progress.advance(done_before);
        progress.pack_finished(&result);
        results.push(result);
    }
    results
}

fn import_one(
    device: &Device,
    source: &Path,
    size: u64,
    done_before: u64,
    allow_untrusted: bool,
    progress: &mut dyn ImportProgress,
) -> ImportResult {
    // Content bytes are scaled onto the pack file's size so that the bar
    // moves evenly across packs of different compression.
    let mut on_bytes = |done: u64, total: u64| {
        let scaled = u128::from(done) * u128::from(size) / u128::from(total.max(1));
        progress.advance(done_before + scaled as u64);
    };
    match install::install_file(device, source, allow_untrusted, &mut on_bytes) {
        Ok(done) => success(source, done),
        Err(err) => failure(source, &err),
    }
}

fn success(source: &Path, done: install::Installed) -> ImportResult {
    let (outcome, message) = match done.outcome {
        Outcome::Installed => (
            ResultKind::Installed,
            format!("installed {} {}", done.pack_id, done.version),
        ),
        Outcome::Updated => (
            ResultKind::Updated,
            format!(
                "updated {} from {} to {}; learners' progress is kept",
                done.pack_id,
                done.previous_version.as_deref().unwrap_or("?"),
                done.version
            ),
        ),
        Outcome::Unchanged => (
            ResultKind::Unchanged,
            format!("{} {} is already installed", done.pack_id, done.version),
        ),
    };
    let message = if done.trusted {
        message
    } else {
        format!("{message} (WARNING: publisher not trusted on this device)")
    };
    ImportResult {
        source: source.display().to_string(),
        pack_id: Some(done.pack_id),
        version: Some(done.version),
        outcome,
        reason: None,
        message,
    }
}

fn failure(source: &Path, err: &CoreError) -> ImportResult {
    tracing::warn!(source = %source.display(), %err, "pack not imported");
    let outcome = if matches!(err, CoreError::Interrupted(_)) {
        ResultKind::Interrupted
    } else {
        ResultKind::Refused
    };
    ImportResult {
        source: source.display().to_string(),
        pack_id: None,
        version: None,
        outcome,
        reason: Some(Reason::of(err)),
        message: err.to_string(),
    }
}

fn refusal(source: &Path, message: &str) -> ImportResult {
    ImportResult {
        source: source.display().to_string(),
        pack_id: None,
        version: None,
        outcome: ResultKind::Refused,
        reason: Some(Reason::NotFound),
        message: message.to_string(),
    }
}

fn file_len(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}
