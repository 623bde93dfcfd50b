//! Checks every entry of the zip's central directory before any entry data
//! is read: names, entry types, encryption, compression and layout.
//!
//! Local headers are not read here: each is checked against its central
//! entry just before its data is read (`stream.rs`), so opening a pack
//! reads only its end, and a pack on a slow stick opens quickly.

use std::io::{Read, Seek};

use zip::{CompressionMethod, ZipArchive};

use crate::error::{PackError, printable};
use crate::paths::{PathSet, check_path};

/// A regular file entry that passed every check.
#[derive(Debug, Clone)]
pub(crate) struct ZipEntry {
    pub index: usize,
    pub name: String,
    pub deflated: bool,
    pub declared_size: u64,
    pub compressed: u64,
    pub header_start: u64,
    /// Where the next entry (or the central directory) starts: this
    /// entry's data must end before it.
    pub next_start: u64,
}

/// Fixed size of a local file header; its name and extra field follow.
const LOCAL_HEADER_LEN: u64 = 30;

const S_IFMT: u32 = 0o170_000;
const S_IFREG: u32 = 0o100_000;
const S_IFDIR: u32 = 0o040_000;

/// Returns the regular files; directory entries are checked and dropped.
pub(crate) fn scan<R: Read + Seek>(archive: &ZipArchive<R>) -> Result<Vec<ZipEntry>, PackError> {
    let mut files = Vec::new();
    let mut names = PathSet::new();
    let mut spans = Vec::with_capacity(archive.len());
    for index in 0..archive.len() {
        let entry = archive
            .by_index_data(index)
            .map_err(|e| PackError::Inconsistent {
                reason: e.to_string(),
            })?;
        let name = utf8_name(entry.name_raw())?;
        spans.push((entry.header_start(), entry.compressed_size()));
        let is_dir = check_type(name, entry.unix_mode())?;
        if entry.encrypted() {
            return Err(PackError::Encrypted {
                path: printable(name),
            });
        }
        if is_dir {
            check_dir(name, entry.size())?;
            continue;
        }
        check_name(name)?;
        let deflated = check_method(name, entry.compression())?;
        names
            .insert_file(name)
            .map_err(|other| PackError::PathCollision {
                first: printable(&other),
                second: printable(name),
            })?;
        files.push(ZipEntry {
            index,
            name: name.to_owned(),
            deflated,
            declared_size: entry.size(),
            compressed: entry.compressed_size(),
            header_start: entry.header_start(),
            next_start: 0,
        });
    }
    if let Some((file, other)) = names.folder_conflict() {
        return Err(PackError::PathCollision {
            first: printable(&file),
            second: printable(&other),
        });
    }
    let starts = check_layout(spans, archive.central_directory_start())?;
    for f in &mut files {
        let next = starts.partition_point(|&s| s <= f.header_start);
        f.next_start = starts
            .get(next)
            .copied()
            .unwrap_or(archive.central_directory_start());
    }
    Ok(files)
}

/// Entries must follow one another without sharing bytes, and end before
/// the central directory. Checked here on a lower bound of each entry's
/// length (header, no name, data), which already catches many entries
/// pointing at one blob (an overlap bomb); the exact end of each entry is
/// checked when it is read. Returns the sorted entry starts.
fn check_layout(mut spans: Vec<(u64, u64)>, dir_start: u64) -> Result<Vec<u64>, PackError> {
    spans.sort_unstable();
    let ends_too_late = |i: usize, limit: u64| {
        let (start, compressed) = spans[i];
        start
            .saturating_add(LOCAL_HEADER_LEN)
            .saturating_add(compressed)
            > limit
    };
    let overlap = (0..spans.len()).any(|i| {
        let limit = spans.get(i + 1).map_or(dir_start, |next| next.0);
        ends_too_late(i, limit)
    });
    if overlap {
        return Err(PackError::Inconsistent {
            reason: "entries overlap one another or the central directory".into(),
        });
    }
    Ok(spans.into_iter().map(|(start, _)| start).collect())
}

/// Names must be UTF-8: the CP437 fallback of old zips would make one name
/// mean different files on different readers.
fn utf8_name(raw: &[u8]) -> Result<&str, PackError> {
    std::str::from_utf8(raw).map_err(|_| PackError::UnsafePath {
        path: printable(&String::from_utf8_lossy(raw)),
        reason: "is not valid UTF-8".into(),
    })
}

fn check_name(name: &str) -> Result<(), PackError> {
    check_path(name).map_err(|p| PackError::UnsafePath {
        path: printable(name),
        reason: p.describe().into(),
    })
}

/// Returns whether the entry is a directory. Refuses symlinks, devices,
/// FIFOs, sockets and unknown types whatever the name says.
fn check_type(name: &str, mode: Option<u32>) -> Result<bool, PackError> {
    let named_dir = name.ends_with('/');
    let file_type = mode.map_or(0, |m| m & S_IFMT);
    let kind = match file_type {
        0 | S_IFREG => return Ok(named_dir),
        S_IFDIR if named_dir => return Ok(true),
        S_IFDIR => "folder entry without a trailing `/`",
        0o120_000 => "symbolic link",
        0o010_000 => "named pipe (FIFO)",
        0o020_000 => "character device",
        0o060_000 => "block device",
        0o140_000 => "socket",
        _ => "special entry of unknown type",
    };
    tracing::warn!(entry = %printable(name), kind, "special zip entry refused");
    Err(PackError::SpecialEntry {
        path: printable(name),
        kind,
    })
}

/// Directory entries are ignored, but their names must be safe too and
/// they must not carry data.
fn check_dir(name: &str, size: u64) -> Result<(), PackError> {
    let trimmed = name.strip_suffix('/').unwrap_or(name);
    check_name(trimmed)?;
    if size != 0 {
        return Err(PackError::Inconsistent {
            reason: format!("folder entry `{}` carries data", printable(name)),
        });
    }
    Ok(())
}

/// Returns whether the entry is deflated (otherwise stored).
fn check_method(name: &str, method: CompressionMethod) -> Result<bool, PackError> {
    match method {
        CompressionMethod::Stored => Ok(false),
        CompressionMethod::Deflated => Ok(true),
        other => Err(PackError::UnsupportedCompression {
            path: printable(name),
            method: other.to_string(),
        }),
    }
}
