//! Making finished writes durable before they become visible.

use std::path::Path;

use crate::error::CoreError;

/// Flushes every file written under `dir` to stable storage.
///
/// On Unix one `syncfs` flushes the whole filesystem, which costs far less
/// than an fsync per file for packs of thousands of files. Elsewhere each
/// file is flushed in turn.
pub fn sync_tree(dir: &Path) -> Result<(), CoreError> {
    #[cfg(unix)]
    {
        let handle =
            std::fs::File::open(dir).map_err(|e| CoreError::io("open for syncing", dir, e))?;
        rustix::fs::syncfs(&handle)
            .map_err(|e| CoreError::io("flush to disk", dir, std::io::Error::from(e)))
    }
    #[cfg(not(unix))]
    {
        sync_each_file(dir)
    }
}

#[cfg(not(unix))]
fn sync_each_file(dir: &Path) -> Result<(), CoreError> {
    let entries = std::fs::read_dir(dir).map_err(|e| CoreError::io("list", dir, e))?;
    for entry in entries {
        let path = entry.map_err(|e| CoreError::io("list", dir, e))?.path();
        if path.is_dir() {
            sync_each_file(&path)?;
        } else {
            std::fs::File::open(&path)
                .and_then(|f| f.sync_all())
                .map_err(|e| CoreError::io("flush to disk", &path, e))?;
        }
    }
    Ok(())
}

/// Makes a rename inside `dir` durable (a no-op where directories cannot be
/// opened, which is Windows, whose renames are journaled).
pub fn sync_dir(dir: &Path) -> Result<(), CoreError> {
    #[cfg(unix)]
    {
        std::fs::File::open(dir)
            .and_then(|f| f.sync_all())
            .map_err(|e| CoreError::io("flush the folder", dir, e))
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// Removes a folder by first renaming it into `trash`, so that a crash
/// half-way through deleting never leaves a half-deleted pack in place.
pub fn discard_dir(dir: &Path, trash: &Path) -> Result<(), CoreError> {
    if !dir.exists() {
        return Ok(());
    }
    let target = trash.join(random_suffix());
    std::fs::rename(dir, &target).map_err(|e| CoreError::io("move to the trash", dir, e))?;
    std::fs::remove_dir_all(&target).map_err(|e| CoreError::io("delete", &target, e))
}

/// 16 hex digits from the OS random source (falls back to the clock, which
/// only has to be unique within one data folder).
pub fn random_suffix() -> String {
    let mut bytes = [0u8; 8];
    if getrandom::fill(&mut bytes).is_err() {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        bytes = (nanos as u64).to_le_bytes();
    }
    hex::encode(bytes)
}
