//! Writing pack files: shared by [`crate::build_pack`] (from an authoring
//! folder) and [`write_pack`] (re-exporting an installed pack with its
//! original manifest and signature bytes).
//!
//! Both write `OUT.tmp`, hash every file again while copying it (a file
//! that no longer matches the manifest is refused), fsync, re-open the
//! result with the real reader and verify it, and only then rename it over
//! `OUT`. A pack the reader would refuse is never left at `OUT`.

use std::fs::{self, File};
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::build::BuildSummary;
use crate::error::PackError;
use crate::limits::Limits;
use crate::manifest::{FileEntry, Manifest};
use crate::signature::{Signature, verify_manifest};
use crate::validate::{MANIFEST_NAME, SIGNATURE_NAME};

pub(crate) const COPY_BUFFER: usize = 256 * 1024;
/// Extensions whose content is already compressed: deflating them again
/// costs build time and reader time for nothing.
const STORED_EXTENSIONS: &[&str] = &[
    "mp4", "webm", "mp3", "ogg", "oga", "opus", "m4a", "png", "jpg", "jpeg", "gif", "webp", "avif",
    "pdf", "zip", "gz", "woff", "woff2", "epub", "docx", "xlsx", "pptx", "odt", "7z",
];

/// One content file to write: where it is on disk and what it must be.
pub(crate) struct Item<'a> {
    pub abs: PathBuf,
    pub entry: &'a FileEntry,
}

/// What a pack being written must look like.
pub(crate) struct Contents<'a> {
    pub manifest_json: &'a [u8],
    pub signature_json: Option<&'a [u8]>,
    pub items: Vec<Item<'a>>,
    /// The error for a file that no longer matches its manifest entry.
    pub on_mismatch: &'a dyn Fn(&Path) -> PackError,
}

/// Writes a pack re-exported from an installed copy: `manifest_json` and
/// `signature_json` are written byte for byte, so the receiving device
/// verifies the publisher's signature, and each listed file is copied from
/// `content_dir` and checked against the manifest on the way.
pub fn write_pack(
    out: &Path,
    manifest_json: &[u8],
    signature_json: Option<&[u8]>,
    content_dir: &Path,
) -> Result<BuildSummary, PackError> {
    let manifest = Manifest::from_json(manifest_json)?;
    let signer = match signature_json {
        Some(sig) => Some(verify_manifest(sig, manifest_json)?.key_id()),
        None => None,
    };
    let mismatch = |path: &Path| PackError::DamagedCopy {
        path: path.to_path_buf(),
    };
    let items = manifest
        .files
        .iter()
        .map(|entry| Item {
            abs: content_dir.join(&entry.path),
            entry,
        })
        .collect();
    let contents = Contents {
        manifest_json,
        signature_json,
        items,
        on_mismatch: &mismatch,
    };
    write_atomically(out, &contents)?;
    let summary = BuildSummary {
        pack_id: manifest.id.clone(),
        version: manifest.version.clone(),
        files: manifest.files.len(),
        bytes: manifest.content_bytes(),
        signer,
    };
    tracing::info!(?summary, out = %out.display(), "pack exported");
    Ok(summary)
}

/// Writes `out.tmp`, verifies it with the reader, renames it to `out`.
pub(crate) fn write_atomically(out: &Path, contents: &Contents<'_>) -> Result<(), PackError> {
    let tmp = tmp_path(out);
    let result = write_zip(&tmp, contents)
        .and_then(|()| verify_written(&tmp, contents))
        .and_then(|()| commit(&tmp, out));
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

pub(crate) fn tmp_path(out: &Path) -> PathBuf {
    let mut s = out.as_os_str().to_owned();
    s.push(".tmp");
    PathBuf::from(s)
}

/// Copies `from` into `to`, returning the byte count and sha256.
pub(crate) fn copy_hashing(mut from: impl Read, to: &mut dyn Write) -> io::Result<(u64, [u8; 32])> {
    let mut buf = vec![0u8; COPY_BUFFER];
    let mut hasher = Sha256::new();
    let mut total = 0u64;
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) => return Ok((total, hasher.finalize().into())),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&buf[..n]);
        to.write_all(&buf[..n])?;
        total += n as u64;
    }
}

fn zip_err(e: zip::result::ZipError) -> PackError {
    PackError::ZipWrite {
        reason: e.to_string(),
    }
}

/// Fixed timestamps and permissions keep builds deterministic.
fn options_for(path: &str, size: u64) -> SimpleFileOptions {
    let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    let stored = ext.is_some_and(|e| STORED_EXTENSIONS.contains(&e.as_str()));
    let method = if stored {
        CompressionMethod::Stored
    } else {
        CompressionMethod::Deflated
    };
    SimpleFileOptions::default()
        .compression_method(method)
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644)
        // Deflate can grow incompressible data a little, so switch to ZIP64
        // a bit below 4 GiB.
        .large_file(size >= 0xF000_0000)
}

fn write_zip(tmp: &Path, c: &Contents<'_>) -> Result<(), PackError> {
    let file = File::create(tmp).map_err(|e| PackError::local(tmp, e))?;
    let mut zip = ZipWriter::new(BufWriter::with_capacity(COPY_BUFFER, file));
    let local = |e: io::Error| PackError::local(tmp, e);
    zip.start_file(MANIFEST_NAME, options_for(MANIFEST_NAME, 0))
        .map_err(zip_err)?;
    zip.write_all(c.manifest_json).map_err(local)?;
    if let Some(sig) = c.signature_json {
        zip.start_file(SIGNATURE_NAME, options_for(SIGNATURE_NAME, 0))
            .map_err(zip_err)?;
        zip.write_all(sig).map_err(local)?;
    }
    for item in &c.items {
        let entry = item.entry;
        zip.start_file(entry.path.as_str(), options_for(&entry.path, entry.size))
            .map_err(zip_err)?;
        copy_checked(item, &mut zip, c.on_mismatch)?;
    }
    let writer = zip.finish().map_err(zip_err)?;
    let file = writer.into_inner().map_err(|e| local(e.into_error()))?;
    file.sync_all().map_err(local)
}

/// Copies one file into the zip, refusing it if it does not match its
/// manifest entry (the manifest would then lie about it). Symlinks are
/// refused too: only the file itself may go into a pack.
fn copy_checked(
    item: &Item<'_>,
    to: &mut dyn Write,
    on_mismatch: &dyn Fn(&Path) -> PackError,
) -> Result<(), PackError> {
    let meta = fs::symlink_metadata(&item.abs).map_err(|e| PackError::local(&item.abs, e))?;
    if !meta.file_type().is_file() {
        return Err(on_mismatch(&item.abs));
    }
    let file = File::open(&item.abs).map_err(|e| PackError::local(&item.abs, e))?;
    let (size, sha) = copy_hashing(file, to).map_err(|e| PackError::local(&item.abs, e))?;
    if size != item.entry.size || hex::encode(sha) != item.entry.sha256 {
        return Err(on_mismatch(&item.abs));
    }
    Ok(())
}

/// Opens the written pack with the real reader and verifies every file:
/// nothing is ever left at `OUT` that a reader would refuse.
fn verify_written(tmp: &Path, c: &Contents<'_>) -> Result<(), PackError> {
    let mut reader = crate::reader::open_file(tmp, &Limits::default())?;
    reader.verify_all(&mut |_| {})?;
    let signed = matches!(reader.signature(), Signature::Valid(_));
    if reader.manifest_bytes() != c.manifest_json || signed != c.signature_json.is_some() {
        return Err(PackError::ZipWrite {
            reason: "the written pack does not read back as written".into(),
        });
    }
    Ok(())
}

/// fsync was done in `write_zip`; rename atomically and make the rename
/// itself durable.
fn commit(tmp: &Path, out: &Path) -> Result<(), PackError> {
    fs::rename(tmp, out).map_err(|e| PackError::local(out, e))?;
    #[cfg(unix)]
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| PackError::local(dir, e))?;
    }
    Ok(())
}
