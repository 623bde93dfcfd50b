//! [`PackReader`]: opens a pack, checks everything that can be checked
//! without reading content, and then verifies or extracts the content.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use zip::ZipArchive;
use zip::read::{ArchiveOffset, Config};

use crate::entries::{self, ZipEntry};
use crate::error::{PackError, printable};
use crate::limits::Limits;
use crate::manifest::Manifest;
use crate::signature::{Signature, verify_manifest};
use crate::source::{IoCause, Source, UNLIMITED, classify};
use crate::stream::{EntryRef, Streamed, stream_entry};
use crate::validate::{MANIFEST_NAME, SIGNATURE_NAME};

pub use crate::extract::ExtractStats;

/// Output buffer for streaming entries; large reads keep USB sticks fast.
pub(crate) const BUFFER: usize = 512 * 1024;
/// Slack for the zip parser's reads around the central directory (end
/// records, signature search).
const PARSE_SLACK: u64 = 256 * 1024;

/// A listed file, where it is in the zip and what it must hash to.
#[derive(Debug, Clone)]
pub(crate) struct Planned {
    pub entry: ZipEntry,
    pub size: u64,
    pub sha256: [u8; 32],
}

/// An opened, checked pack. Content is verified by [`PackReader::verify_all`]
/// or while extracting with [`PackReader::extract_to`].
pub struct PackReader<R: Read + Seek> {
    pub(crate) archive: ZipArchive<Source<R>>,
    pub(crate) limits: Limits,
    manifest: Manifest,
    manifest_bytes: Vec<u8>,
    signature_bytes: Option<Vec<u8>>,
    signature: Signature,
    /// Listed files in archive order, so extraction reads the source
    /// front to back.
    pub(crate) plan: Vec<Planned>,
    pub(crate) buf: Vec<u8>,
}

/// Opens the pack at `path` with a buffered file reader. A missing or
/// forbidden file is a local error; any other failure to open it (device
/// gone) is a source error.
pub fn open_file(path: &Path, limits: &Limits) -> Result<PackReader<BufReader<File>>, PackError> {
    let file = File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound | std::io::ErrorKind::PermissionDenied => {
            PackError::local(path, e)
        }
        _ => PackError::SourceIo(e),
    })?;
    PackReader::open(BufReader::with_capacity(64 * 1024, file), limits)
}

impl<R: Read + Seek> std::fmt::Debug for PackReader<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PackReader")
            .field("id", &self.manifest.id)
            .field("version", &self.manifest.version)
            .field("files", &self.plan.len())
            .field("signature", &self.signature)
            .finish_non_exhaustive()
    }
}

impl<R: Read + Seek> PackReader<R> {
    /// Reads the zip directory and `manifest.json` (and `signature.json`),
    /// and checks everything short of the content bytes: zip structure,
    /// every entry name and type, the manifest's rules, the signature, that
    /// the zip holds exactly the listed files, and the size limits.
    pub fn open(source: R, limits: &Limits) -> Result<Self, PackError> {
        let mut archive = open_archive(source, limits)?;
        let files = entries::scan(&archive)?;
        let mut buf = vec![0u8; BUFFER];
        let (manifest_bytes, sig_bytes) = read_meta(&mut archive, &files, limits, &mut buf)?;
        let signature = match &sig_bytes {
            Some(sig) => Signature::Valid(verify_manifest(sig, &manifest_bytes)?),
            None => Signature::Unsigned,
        };
        let manifest = Manifest::from_json_with(&manifest_bytes, limits)?;
        let plan = plan(&manifest, files, limits)?;
        log_opened(&manifest, &signature, &plan);
        Ok(PackReader {
            archive,
            limits: limits.clone(),
            manifest,
            manifest_bytes,
            signature,
            signature_bytes: sig_bytes,
            plan,
            buf,
        })
    }

    /// The validated manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// The exact bytes of `manifest.json` (what the signature covers).
    pub fn manifest_bytes(&self) -> &[u8] {
        &self.manifest_bytes
    }

    /// The exact bytes of `signature.json`, when the pack is signed; kept
    /// so an installed pack can be re-exported with its publisher's
    /// signature (see [`crate::write_pack`]).
    pub fn signature_bytes(&self) -> Option<&[u8]> {
        self.signature_bytes.as_deref()
    }

    /// Who signed the pack, if anyone. Whether to trust the key is the
    /// caller's decision.
    pub fn signature(&self) -> &Signature {
        &self.signature
    }

    /// Sum of the listed file sizes.
    pub fn content_bytes(&self) -> u64 {
        self.plan.iter().fold(0u64, |n, p| n.saturating_add(p.size))
    }

    /// Reads every listed file and checks its size and sha256, without
    /// writing anything. `progress` gets byte counts as they are read.
    pub fn verify_all(&mut self, progress: &mut dyn FnMut(u64)) -> Result<(), PackError> {
        for i in 0..self.plan.len() {
            let mut sink = |chunk: &[u8]| {
                progress(chunk.len() as u64);
                Ok(())
            };
            self.stream_planned(i, &mut sink)?;
        }
        Ok(())
    }

    /// Streams planned file `i` to `sink` and checks it against the manifest.
    pub(crate) fn stream_planned(
        &mut self,
        i: usize,
        sink: &mut dyn FnMut(&[u8]) -> Result<(), PackError>,
    ) -> Result<(), PackError> {
        let p = &self.plan[i];
        let e = EntryRef::of(&p.entry);
        let too_big = || mismatch(&p.entry.name, "it is larger than listed");
        let got = stream_entry(
            &mut self.archive,
            &e,
            p.size,
            &self.limits,
            &mut self.buf,
            &too_big,
            sink,
        )?;
        check_streamed(p, &got)
    }
}

fn log_opened(manifest: &Manifest, signature: &Signature, plan: &[Planned]) {
    let signer = match signature {
        Signature::Valid(k) => k.key_id(),
        Signature::Unsigned => "unsigned".into(),
    };
    tracing::info!(
        pack = %manifest.id,
        version = %manifest.version,
        files = plan.len(),
        signer = %signer,
        "pack opened and checked"
    );
}

/// Pre-scans the end record, then lets the zip library parse the central
/// directory under a read budget.
fn open_archive<R: Read + Seek>(
    source: R,
    limits: &Limits,
) -> Result<ZipArchive<Source<R>>, PackError> {
    let budget = Arc::new(AtomicU64::new(UNLIMITED));
    let mut src = Source::new(source, Arc::clone(&budget));
    let len = src.seek(SeekFrom::End(0)).map_err(source_or_data)?;
    if len == 0 {
        return Err(PackError::EmptyFile);
    }
    let dir = crate::eocd::scan(&mut src, len, limits)?;
    budget.store(dir.size.saturating_add(PARSE_SLACK), Ordering::Relaxed);
    let config = Config {
        archive_offset: ArchiveOffset::Known(0),
    };
    let archive = ZipArchive::with_config(config, src).map_err(open_error)?;
    budget.store(UNLIMITED, Ordering::Relaxed);
    if archive.has_duplicate_names() {
        return Err(PackError::DuplicateEntry);
    }
    Ok(archive)
}

fn source_or_data(e: std::io::Error) -> PackError {
    match classify(e) {
        IoCause::Source(e) => PackError::SourceIo(e),
        _ => PackError::NotAZip {
            reason: "it cannot be read".into(),
        },
    }
}

fn open_error(err: zip::result::ZipError) -> PackError {
    match err {
        zip::result::ZipError::Io(e) => match classify(e) {
            IoCause::Source(e) => PackError::SourceIo(e),
            IoCause::Budget => PackError::Inconsistent {
                reason: "the central directory is larger than its end record says".into(),
            },
            IoCause::Data(e) => PackError::NotAZip {
                reason: format!("it is cut short or damaged: {e}"),
            },
        },
        other => PackError::NotAZip {
            reason: other.to_string(),
        },
    }
}

/// Reads `manifest.json` and, when present, `signature.json`.
fn read_meta<R: Read + Seek>(
    archive: &mut ZipArchive<Source<R>>,
    files: &[ZipEntry],
    limits: &Limits,
    buf: &mut [u8],
) -> Result<(Vec<u8>, Option<Vec<u8>>), PackError> {
    let find = |name: &str| files.iter().find(|f| f.name == name);
    let manifest_entry = find(MANIFEST_NAME).ok_or(PackError::MissingManifest)?;
    let manifest = read_small(
        archive,
        manifest_entry,
        limits.max_manifest_bytes,
        limits,
        buf,
    )?;
    let signature = match find(SIGNATURE_NAME) {
        Some(e) => Some(read_small(
            archive,
            e,
            limits.max_signature_bytes,
            limits,
            buf,
        )?),
        None => None,
    };
    Ok((manifest, signature))
}

fn read_small<R: Read + Seek>(
    archive: &mut ZipArchive<Source<R>>,
    entry: &ZipEntry,
    max: u64,
    limits: &Limits,
    buf: &mut [u8],
) -> Result<Vec<u8>, PackError> {
    let too_big = |size: u64| PackError::TooLarge {
        what: entry.name.clone(),
        size,
        limit: max,
    };
    if entry.declared_size > max {
        return Err(too_big(entry.declared_size));
    }
    let mut out = Vec::new();
    let e = EntryRef::of(entry);
    let mut sink = |chunk: &[u8]| {
        out.extend_from_slice(chunk);
        Ok(())
    };
    stream_entry(
        archive,
        &e,
        max,
        limits,
        buf,
        &|| too_big(max.saturating_add(1)),
        &mut sink,
    )?;
    Ok(out)
}

/// Matches the zip's files with the manifest's, checks the limits, and
/// orders the work by position in the zip.
fn plan(
    manifest: &Manifest,
    files: Vec<ZipEntry>,
    limits: &Limits,
) -> Result<Vec<Planned>, PackError> {
    let mut by_name: HashMap<String, ZipEntry> = files
        .into_iter()
        .filter(|f| f.name != MANIFEST_NAME && f.name != SIGNATURE_NAME)
        .map(|f| (f.name.clone(), f))
        .collect();
    let mut plan = Vec::with_capacity(manifest.files.len());
    let mut total: u64 = 0;
    for f in &manifest.files {
        let entry = by_name
            .remove(&f.path)
            .ok_or_else(|| PackError::MissingFile {
                path: printable(&f.path),
            })?;
        check_file_limits(&f.path, f.size, &entry, limits)?;
        total = total.saturating_add(f.size);
        plan.push(Planned {
            entry,
            size: f.size,
            sha256: decode_sha(&f.sha256)?,
        });
    }
    if let Some(extra) = by_name.keys().min() {
        return Err(PackError::UnlistedFile {
            path: printable(extra),
        });
    }
    let folders = crate::paths::count_folders(manifest.files.iter().map(|f| f.path.as_str()));
    if folders > limits.max_folders {
        return Err(PackError::TooManyFolders {
            count: folders,
            limit: limits.max_folders,
        });
    }
    if total > limits.max_total_bytes {
        return Err(PackError::TooLarge {
            what: "the pack's content".into(),
            size: total,
            limit: limits.max_total_bytes,
        });
    }
    plan.sort_by_key(|p| p.entry.header_start);
    Ok(plan)
}

/// The per-file size limit, and the ratio limit on the listed size: an
/// entry that would have to inflate beyond the ratio to reach its listed
/// size is refused before anything is inflated.
fn check_file_limits(
    path: &str,
    size: u64,
    entry: &ZipEntry,
    limits: &Limits,
) -> Result<(), PackError> {
    if size > limits.max_file_bytes {
        return Err(PackError::TooLarge {
            what: format!("`{}`", printable(path)),
            size,
            limit: limits.max_file_bytes,
        });
    }
    let ratio_exceeded = size > entry.compressed.saturating_mul(limits.max_ratio);
    if entry.deflated && size > limits.ratio_exempt_bytes && ratio_exceeded {
        return Err(PackError::CompressionBomb {
            path: printable(path),
            limit: limits.max_ratio,
        });
    }
    Ok(())
}

fn decode_sha(hex_text: &str) -> Result<[u8; 32], PackError> {
    let mut out = [0u8; 32];
    hex::decode_to_slice(hex_text, &mut out)
        .map_err(|_| PackError::invalid("files[].sha256", "is not 64 hex digits"))?;
    Ok(out)
}

pub(crate) fn mismatch(path: &str, reason: &str) -> PackError {
    PackError::ContentMismatch {
        path: printable(path),
        reason: reason.into(),
    }
}

fn check_streamed(p: &Planned, got: &Streamed) -> Result<(), PackError> {
    if got.bytes != p.size {
        return Err(mismatch(
            &p.entry.name,
            &format!("{} bytes instead of {}", got.bytes, p.size),
        ));
    }
    if got.sha256 != p.sha256 {
        tracing::warn!(entry = %printable(&p.entry.name), "sha256 mismatch");
        return Err(mismatch(&p.entry.name, "its sha256 differs"));
    }
    Ok(())
}
