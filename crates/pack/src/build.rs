//! Building a pack from an authoring folder (PACK_FORMAT.md, "Authoring
//! folder").
//!
//! The build fills in `format` and `files`, validates with the reader's
//! rules and writes the pack through `write.rs`, which verifies it with
//! the real reader before renaming it into place. Output is deterministic:
//! sorted entries, fixed timestamps and permissions, and ed25519
//! signatures are deterministic too.

use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::error::PackError;
use crate::keys::SecretKey;
use crate::limits::Limits;
use crate::manifest::{FORMAT, FileEntry, Manifest};
use crate::signature::sign_manifest;
use crate::validate::MANIFEST_NAME;
use crate::write::{Contents, Item, copy_hashing, tmp_path, write_atomically};

/// The authoring file that becomes `manifest.json`.
pub const PACK_TOML: &str = "pack.toml";
const MAX_PACK_TOML_BYTES: u64 = 8 * 1024 * 1024;

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
    let mismatch =
        |path: &Path| bad_source(path, "changed while the pack was being built; build again");
    let contents = Contents {
        manifest_json: &manifest_json,
        signature_json: signature.as_deref(),
        items: sources
            .iter()
            .zip(&manifest.files)
            .map(|(src, entry)| Item {
                abs: src.abs.clone(),
                entry,
            })
            .collect(),
        on_mismatch: &mismatch,
    };
    write_atomically(out, &contents)?;
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

/// Every non-hidden regular file under `src_dir` except `pack.toml`,
/// sorted by pack path.
fn collect_sources(src_dir: &Path, exclude: &[PathBuf]) -> Result<Vec<SourceFile>, PackError> {
    let root = fs::canonicalize(src_dir).map_err(|e| PackError::local(src_dir, e))?;
    let mut out = Vec::new();
    walk(&root, "", exclude, &mut out)?;
    out.sort_by(|a, b| a.rel.cmp(&b.rel));
    Ok(out)
}

fn walk(
    dir: &Path,
    rel_dir: &str,
    exclude: &[PathBuf],
    out: &mut Vec<SourceFile>,
) -> Result<(), PackError> {
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
            return Err(bad_source(
                &abs,
                "is not a regular file (a device, pipe or socket)",
            ));
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
    let (size, sha) =
        copy_hashing(file, &mut io::sink()).map_err(|e| PackError::local(&src.abs, e))?;
    Ok(FileEntry {
        path: src.rel.clone(),
        size,
        sha256: hex::encode(sha),
    })
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
    let folders = crate::paths::count_folders(m.files.iter().map(|f| f.path.as_str()));
    if folders > limits.max_folders {
        return Err(PackError::TooManyFolders {
            count: folders,
            limit: limits.max_folders,
        });
    }
    too_large(
        MANIFEST_NAME.into(),
        manifest_json.len() as u64,
        limits.max_manifest_bytes,
    )?;
    for f in &m.files {
        too_large(format!("`{}`", f.path), f.size, limits.max_file_bytes)?;
    }
    too_large(
        "the pack's content".into(),
        m.content_bytes(),
        limits.max_total_bytes,
    )
}
