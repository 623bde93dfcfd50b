//! Finding packs on USB sticks.
//!
//! Facilitators should not have to type paths: the app looks where the
//! system mounts removable media and offers what it finds. Reading a pack's
//! manifest from a slow stick costs a little, so results are cached by the
//! file's size and modification time.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use crate::packs::import::is_pack_file;

/// Where operating systems mount removable media.
pub fn system_mount_roots() -> Vec<PathBuf> {
    let mut roots = Vec::new();
    if cfg!(windows) {
        roots.extend(('D'..='Z').map(|letter| PathBuf::from(format!("{letter}:\\"))));
    } else {
        // /media/LABEL (Debian's usbmount), /media/USER/LABEL and
        // /run/media/USER/LABEL (udisks).
        for base in ["/media", "/run/media"] {
            for child in subdirs(Path::new(base)) {
                let grandchildren = subdirs(&child);
                if grandchildren.is_empty() || base == "/media" {
                    roots.push(child.clone());
                }
                roots.extend(grandchildren);
            }
        }
    }
    roots.retain(|root| root.is_dir());
    roots
}

fn subdirs(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default()
}

/// Pack files directly on a root, in a `packs`/`qalam` folder, or one level
/// below; deep trees on a stick are not searched, to stay quick.
pub fn pack_files_on(root: &Path) -> Vec<PathBuf> {
    let (mut files, _) = crate::packs::import::collect_sources(&[root.to_path_buf()]);
    files.retain(|f| is_pack_file(f));
    files
}

/// What a pack file on a stick claims to be, read from its manifest.
#[derive(Debug, Clone)]
pub struct Peek {
    pub id: Option<String>,
    pub version: Option<String>,
    pub title: Option<crate::packs::TextMap>,
    pub languages: Vec<String>,
    pub error: Option<String>,
}

/// A file's size and modification time: when both match, the cached peek
/// still describes it.
type Stamp = (u64, Option<SystemTime>);

#[derive(Default)]
pub struct PeekCache {
    entries: Mutex<HashMap<PathBuf, (Stamp, Peek)>>,
}

impl PeekCache {
    pub fn peek(&self, path: &Path, limits: &qalam_pack::Limits) -> (u64, Peek) {
        let meta = std::fs::metadata(path).ok();
        let size = meta.as_ref().map_or(0, |m| m.len());
        let modified = meta.and_then(|m| m.modified().ok());
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((stamp, peek)) = entries.get(path)
            && *stamp == (size, modified)
        {
            return (size, peek.clone());
        }
        let peek = read_peek(path, limits);
        entries.insert(path.to_path_buf(), ((size, modified), peek.clone()));
        (size, peek)
    }
}

fn read_peek(path: &Path, limits: &qalam_pack::Limits) -> Peek {
    match qalam_pack::open_file(path, limits) {
        Ok(reader) => {
            let manifest = reader.manifest();
            Peek {
                id: Some(manifest.id.clone()),
                version: Some(manifest.version.to_string()),
                title: Some(crate::packs::text_map(&manifest.title)),
                languages: manifest.languages.clone(),
                error: None,
            }
        }
        Err(err) => Peek {
            id: None,
            version: None,
            title: None,
            languages: Vec::new(),
            error: Some(err.to_string()),
        },
    }
}
