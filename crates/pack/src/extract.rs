//! Resumable extraction into a staging folder the caller owns.
//!
//! Each file is streamed into a hidden `.NAME.part` beside its final place,
//! checked against the manifest, then renamed into place. Pack paths never
//! have a component starting with `.`, so a part file can never collide
//! with a pack file. A file already in place with the listed size and
//! sha256 is reused without reading the source, so an interrupted copy
//! (USB stick pulled out) resumes where it stopped. Nothing is fsynced:
//! the caller syncs once before committing the staging folder.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::PackError;
use crate::reader::PackReader;

/// What [`PackReader::extract_to`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExtractStats {
    /// Files streamed from the pack and written.
    pub files_written: u64,
    /// Files already in the staging folder with the right size and hash.
    pub files_reused: u64,
    /// Bytes written (reused files not counted).
    pub bytes_written: u64,
}

impl<R: Read + Seek> PackReader<R> {
    /// Extracts every listed file under `dest` (created if missing),
    /// reusing files that are already there and correct. `progress` gets
    /// byte counts, reused files included. On error the partly written
    /// file is removed; complete files stay for the next attempt.
    pub fn extract_to(
        &mut self,
        dest: &Path,
        progress: &mut dyn FnMut(u64),
    ) -> Result<ExtractStats, PackError> {
        fs::create_dir_all(dest).map_err(|e| PackError::local(dest, e))?;
        let mut stats = ExtractStats::default();
        // The last folder verified; packs list files folder by folder.
        let mut last_dir = String::new();
        for i in 0..self.plan.len() {
            let (path, size, sha) = {
                let p = &self.plan[i];
                (p.entry.name.clone(), p.size, p.sha256)
            };
            ensure_parent_dirs(dest, &path, &mut last_dir)?;
            let target = dest.join(&path);
            if is_already_there(&target, size, &sha, &mut self.buf) {
                progress(size);
                stats.files_reused += 1;
                continue;
            }
            self.write_one(i, &target, progress)?;
            stats.files_written += 1;
            stats.bytes_written = stats.bytes_written.saturating_add(size);
        }
        tracing::info!(?stats, dest = %dest.display(), "pack extracted");
        Ok(stats)
    }

    fn write_one(
        &mut self,
        i: usize,
        target: &Path,
        progress: &mut dyn FnMut(u64),
    ) -> Result<(), PackError> {
        let part = part_path(target);
        let mut file = create_part(&part)?;
        let mut sink = |chunk: &[u8]| {
            file.write_all(chunk)
                .map_err(|e| PackError::local(&part, e))?;
            progress(chunk.len() as u64);
            Ok(())
        };
        let result = self.stream_planned(i, &mut sink);
        drop(file);
        if let Err(e) = result {
            // A part file is never resumed mid-way, so it is only litter.
            let _ = fs::remove_file(&part);
            return Err(e);
        }
        fs::rename(&part, target).map_err(|e| {
            let _ = fs::remove_file(&part);
            PackError::local(target, e)
        })
    }
}

/// `dir/name` → `dir/.name.part`; names too long for that get a hash.
fn part_path(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let part_name = if name.len() + 6 <= crate::paths::MAX_COMPONENT_BYTES {
        format!(".{name}.part")
    } else {
        format!(
            ".{}.part",
            &hex::encode(Sha256::digest(name.as_bytes()))[..32]
        )
    };
    target.with_file_name(part_name)
}

/// Creates the part file fresh; `create_new` refuses to follow anything
/// already at that name (a planted symlink, say).
fn create_part(part: &Path) -> Result<File, PackError> {
    match fs::remove_file(part) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(PackError::local(part, e)),
        _ => {}
    }
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(part)
        .map_err(|e| PackError::local(part, e))
}

/// Creates the folders of `rel_path` under `dest`, refusing to pass through
/// anything that is not a real folder (a symlink left in the staging
/// folder must not redirect writes outside it). Only the folders below the
/// part shared with `last_dir` (verified just before) are checked, so the
/// work stays linear in the length of the paths even for a hostile pack of
/// thousands of paths hundreds of folders deep, and nothing is remembered
/// but `last_dir`.
fn ensure_parent_dirs(dest: &Path, rel_path: &str, last_dir: &mut String) -> Result<(), PackError> {
    let Some((parent, _)) = rel_path.rsplit_once('/') else {
        return Ok(());
    };
    if parent == last_dir.as_str() {
        return Ok(());
    }
    let shared = shared_folders(last_dir, parent);
    let mut dir = dest.join(&parent[..shared]);
    let rest = parent[shared..].trim_start_matches('/');
    for part in rest.split('/') {
        dir.push(part);
        check_or_create_dir(&dir)?;
    }
    parent.clone_into(last_dir);
    Ok(())
}

/// Byte length of the leading whole folders `a` and `b` have in common.
fn shared_folders(a: &str, b: &str) -> usize {
    let mut len = 0;
    for (x, y) in a.split('/').zip(b.split('/')) {
        if x != y || a.is_empty() {
            break;
        }
        len += x.len() + usize::from(len > 0);
    }
    len
}

fn check_or_create_dir(dir: &Path) -> Result<(), PackError> {
    match fs::symlink_metadata(dir) {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => {
            let e = io::Error::new(io::ErrorKind::AlreadyExists, "exists and is not a folder");
            Err(PackError::local(dir, e))
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            fs::create_dir(dir).map_err(|e| PackError::local(dir, e))
        }
        Err(e) => Err(PackError::local(dir, e)),
    }
}

/// True when `target` is a regular file (not a symlink) with exactly the
/// listed size and sha256. Any error just means "not reusable".
fn is_already_there(target: &Path, size: u64, sha: &[u8; 32], buf: &mut [u8]) -> bool {
    let Ok(meta) = fs::symlink_metadata(target) else {
        return false;
    };
    if !meta.file_type().is_file() || meta.len() != size {
        return false;
    }
    hash_file(target, buf).is_ok_and(|h| &h == sha)
}

fn hash_file(path: &Path, buf: &mut [u8]) -> io::Result<[u8; 32]> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    loop {
        let n = file.read(buf)?;
        if n == 0 {
            return Ok(hasher.finalize().into());
        }
        hasher.update(&buf[..n]);
    }
}

#[cfg(test)]
mod tests {
    use super::shared_folders;

    #[test]
    fn shared_folders_counts_whole_folders_only() {
        assert_eq!(shared_folders("", "a/b"), 0);
        assert_eq!(shared_folders("a/b", "a/b/c"), 3);
        assert_eq!(shared_folders("a/b", "a/bc"), 1);
        assert_eq!(shared_folders("lessons/x", "media"), 0);
        assert_eq!(shared_folders("a/b/c", "a/b/d"), 3);
    }
}
