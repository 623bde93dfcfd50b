//! Building a pack from an authoring folder (PACK_FORMAT.md, "Authoring
//! folder").
//!
//! The build fills in `format` and `files`, validates with the reader's
//! rules, writes `OUT.tmp`, re-opens and verifies it with the real reader,
//! and only then fsyncs and renames it over `OUT`. A pack the reader would
//! refuse is never left at `OUT`. Output is deterministic: sorted entries,
//! fixed timestamps and permissions, and ed25519 signatures are
//! deterministic too.

use std::fs::{self, File};
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::error::PackError;
use crate::keys::SecretKey;
use crate::limits::Limits;
use crate::manifest::{FORMAT, FileEntry, Manifest};
use crate::signature::{Signature, sign_manifest};
use crate::validate::{MANIFEST_NAME, SIGNATURE_NAME};

/// The authoring file that becomes `manifest.json`.
pub const PACK_TOML: &str = "pack.toml";
const MAX_PACK_TOML_BYTES: u64 = 8 * 1024 * 1024;
const COPY_BUFFER: usize = 256 * 1024;
/// Extensions whose content is already compressed: deflating them again
/// costs build time and reader time for nothing.
const STORED_EXTENSIONS: &[&str] = &[
    "mp4", "webm", "mp3", "ogg", "oga", "opus", "m4a", "png", "jpg", "jpeg", "gif", "webp",
    "avif", "pdf", "zip", "gz", "woff", "woff2", "epub", "docx", "xlsx", "pptx", "odt", "7z",
];

/// What [`build_pack`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildSummary {
    /// The pack id.
    pub pack_id: String,
    /// The pack version.
    pub version: String,
    /// Number of content files.
    pub files: usize,
    /// Sum of the content file sizes.
    pub bytes: u64,
    /// Key id of the signer, when signed.
    pub signer: Option<String>,
}

/// A content file found in the authoring folder.
struct SourceFile {
    rel: String,
    abs: PathBuf,
}

/// Builds `out` from the authoring folder `src_dir`, signed with `key` when
/// given. See the module docs.
pub fn build_pack(
    src_dir: &Path,
    out: &Path,
    key: Option<&SecretKey>,
) -> Result<BuildSummary, PackError> {
    let mut manifest = read_pack_toml(src_dir)?;
    let exclude = output_paths(out);
    let sources = collect_sources(src_dir, &exclude)?;
    manifest.files = sources.iter().map(hash_source).collect::<Result<_, _>>()?;
    manifest.validate()?;
    let manifest_json = manifest.to_json();
    check_limits(&manifest, &manifest_json, &Limits::default())?;
    let signature = key.map(|k| sign_manifest(k, &manifest_json));
    let tmp = tmp_path(out);
    let written = write_zip(&tmp, &manifest_json, signature.as_deref(), &sources, &manifest.files)
        .and_then(|()| verify_written(&tmp, key))
        .and_then(|()| commit(&tmp, out));
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    let summary = BuildSummary {
        pack_id: manifest.id.clone(),
        version: manifest.version.clone(),
        files: manifest.files.len(),
        bytes: manifest.content_bytes(),
        signer: key.map(|k| k.public_key().key_id()),
    };
    tracing::info!(?summary, out = %out.display(), "pack built");
    Ok(summary)
}

/// `pack.toml` is the manifest in TOML without `format` and `files`.
fn read_pack_toml(src_dir: &Path) -> Result<Manifest, PackError> {
    let path = src_dir.join(PACK_TOML);
    let text = read_text(&path)?;
    let bad = |reason: String| PackError::PackToml { reason };
    let mut table: toml::Table = toml::from_str(&text).map_err(|e| bad(one_line(&e)))?;
    for filled in ["format", "files"] {
        if table.contains_key(filled) {
            return Err(bad(format!(
                "it sets `{filled}`, which the build fills in; remove that key"
            )));
        }
    }
    table.insert("format".into(), toml::Value::String(FORMAT.into()));
    table.insert("files".into(), toml::Value::Array(Vec::new()));
    toml::Value::Table(table)
        .try_into()
        .map_err(|e: toml::de::Error| bad(one_line(&e)))
}

fn read_text(path: &Path) -> Result<String, PackError> {
    let file = File::open(path).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => PackError::PackToml {
            reason: format!("`{}` does not exist", path.display()),
        },
        _ => PackError::local(path, e),
    })?;
    let mut text = String::new();
    file.take(MAX_PACK_TOML_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(|e| PackError::local(path, e))?;
    if text.len() as u64 > MAX_PACK_TOML_BYTES {
        return Err(PackError::PackToml {
            reason: "it is larger than 8 MiB".into(),
        });
    }
    Ok(text)
}

/// TOML errors span several lines (with a source excerpt); ours are one.
fn one_line(e: &dyn std::fmt::Display) -> String {
    e.to_string()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('|') && !l.starts_with('^'))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `OUT` and `OUT.tmp`, so a pack written inside its own authoring folder
/// never packs itself.
fn output_paths(out: &Path) -> Vec<PathBuf> {
    [out.to_path_buf(), tmp_path(out)]
        .into_iter()
        .filter_map(|p| {
            let parent = p.parent().filter(|d| !d.as_os_str().is_empty());
            let dir = fs::canonicalize(parent.unwrap_or(Path::new("."))).ok()?;
            Some(dir.join(p.file_name()?))
        })
        .collect()
}

fn tmp_path(out: &Path) -> PathBuf {
    let mut s = out.as_os_str().to_owned();
    s.push(".tmp");
    PathBuf::from(s)
}

/// Every non-hidden regular file under `src_dir` except `pack.toml`,
/// sorted by pack path.
fn collect_sources(src_dir: &Path, exclude: &[PathBuf]) -> Result<Vec<SourceFile>, PackError> {
    let root = fs::canonicalize(src_dir).map_err(|e| PackError::local(src_dir, e))?;
    let mut out = Vec::new();
    walk(&root, "", exclude, &mut out)?;
    out.sort_by(|a, b| a.rel.cmp(&b.rel));
    Ok(out)
}

fn walk(dir: &Path, rel_dir: &str, exclude: &[PathBuf], out: &mut Vec<SourceFile>) -> Result<(), PackError> {
    let entries = fs::read_dir(dir).map_err(|e| PackError::local(dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| PackError::local(dir, e))?;
        let abs = entry.path();
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            return Err(bad_source(&abs, "has a name that is not valid UTF-8"));
        };
        let rel = if rel_dir.is_empty() {
            name.clone()
        } else {
            format!("{rel_dir}/{name}")
        };
        if name.starts_with('.') || rel == PACK_TOML || exclude.contains(&abs) {
            continue;
        }
        let file_type = entry.file_type().map_err(|e| PackError::local(&abs, e))?;
        if file_type.is_symlink() {
            return Err(bad_source(
                &abs,
                "is a symbolic link; packs hold only real files — copy the file itself into the folder",
            ));
        } else if file_type.is_dir() {
            walk(&abs, &rel, exclude, out)?;
        } else if file_type.is_file() {
            crate::paths::check_path(&rel)
                .map_err(|p| bad_source(&abs, &format!("cannot be a pack path: it {p}")))?;
            out.push(SourceFile { rel, abs });
        } else {
            return Err(bad_source(&abs, "is not a regular file (a device, pipe or socket)"));
        }
    }
    Ok(())
}

fn bad_source(path: &Path, reason: &str) -> PackError {
    PackError::BadSource {
        path: path.to_path_buf(),
        reason: reason.into(),
    }
}

fn hash_source(src: &SourceFile) -> Result<FileEntry, PackError> {
    let file = File::open(&src.abs).map_err(|e| PackError::local(&src.abs, e))?;
    let (size, sha) = copy_hashing(file, &mut io::sink()).map_err(|e| PackError::local(&src.abs, e))?;
    Ok(FileEntry {
        path: src.rel.clone(),
        size,
        sha256: hex::encode(sha),
    })
}

/// Copies `from` into `to`, returning the byte count and sha256.
fn copy_hashing(mut from: impl Read, to: &mut dyn Write) -> io::Result<(u64, [u8; 32])> {
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

/// The limits a reader with default settings enforces before reading.
fn check_limits(m: &Manifest, manifest_json: &[u8], limits: &Limits) -> Result<(), PackError> {
    let too_large = |what: String, size: u64, limit: u64| {
        if size > limit {
            return Err(PackError::TooLarge { what, size, limit });
        }
        Ok(())
    };
    let entries = m.files.len() as u64 + 2;
    if entries > limits.max_entries {
        return Err(PackError::TooManyEntries {
            count: entries,
            limit: limits.max_entries,
        });
    }
    too_large(MANIFEST_NAME.into(), manifest_json.len() as u64, limits.max_manifest_bytes)?;
    for f in &m.files {
        too_large(format!("`{}`", f.path), f.size, limits.max_file_bytes)?;
    }
    too_large("the pack's content".into(), m.content_bytes(), limits.max_total_bytes)
}

fn zip_err(e: zip::result::ZipError) -> PackError {
    PackError::ZipWrite {
        reason: e.to_string(),
    }
}

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

fn write_zip(
    tmp: &Path,
    manifest_json: &[u8],
    signature: Option<&[u8]>,
    sources: &[SourceFile],
    listed: &[FileEntry],
) -> Result<(), PackError> {
    let file = File::create(tmp).map_err(|e| PackError::local(tmp, e))?;
    let mut zip = ZipWriter::new(BufWriter::with_capacity(COPY_BUFFER, file));
    let local = |e: io::Error| PackError::local(tmp, e);
    zip.start_file(MANIFEST_NAME, options_for(MANIFEST_NAME, 0))
        .map_err(zip_err)?;
    zip.write_all(manifest_json).map_err(local)?;
    if let Some(sig) = signature {
        zip.start_file(SIGNATURE_NAME, options_for(SIGNATURE_NAME, 0))
            .map_err(zip_err)?;
        zip.write_all(sig).map_err(local)?;
    }
    for (src, entry) in sources.iter().zip(listed) {
        zip.start_file(src.rel.as_str(), options_for(&src.rel, entry.size))
            .map_err(zip_err)?;
        copy_checked(src, entry, &mut zip)?;
    }
    let writer = zip.finish().map_err(zip_err)?;
    let file = writer.into_inner().map_err(|e| local(e.into_error()))?;
    file.sync_all().map_err(local)
}

/// Copies a source file into the zip, refusing it if it changed since it
/// was hashed (the manifest would then lie about it).
fn copy_checked(src: &SourceFile, entry: &FileEntry, to: &mut dyn Write) -> Result<(), PackError> {
    let file = File::open(&src.abs).map_err(|e| PackError::local(&src.abs, e))?;
    let (size, sha) = copy_hashing(file, to).map_err(|e| PackError::local(&src.abs, e))?;
    if size != entry.size || hex::encode(sha) != entry.sha256 {
        return Err(bad_source(
            &src.abs,
            "changed while the pack was being built; build again",
        ));
    }
    Ok(())
}

/// Opens the written pack with the real reader: the builder must never
/// produce a pack a reader refuses.
fn verify_written(tmp: &Path, key: Option<&SecretKey>) -> Result<(), PackError> {
    let mut reader = crate::reader::open_file(tmp, &Limits::default())?;
    reader.verify_all(&mut |_| {})?;
    let expected = key.map(|k| Signature::Valid(k.public_key()));
    if reader.signature() != expected.as_ref().unwrap_or(&Signature::Unsigned) {
        return Err(PackError::ZipWrite {
            reason: "the written pack's signature does not read back".into(),
        });
    }
    Ok(())
}

/// fsync is done in `write_zip`; rename atomically and make the rename
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
