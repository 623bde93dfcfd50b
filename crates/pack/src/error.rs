//! The one error type of this crate.
//!
//! Every message is one line that says what is wrong and what to do, because
//! facilitators read them on a study-centre laptop, not in a debugger.

use std::io;
use std::path::PathBuf;

/// Everything that can go wrong while reading, extracting or building a pack.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PackError {
    /// Reading the pack itself failed (for example the USB stick was pulled out).
    #[error(
        "reading the pack failed: {0}; the USB stick may have been removed — reconnect it and try again, the copy will resume"
    )]
    SourceIo(#[source] io::Error),

    /// Writing or reading a local file (staging folder, key file, output) failed.
    #[error("could not use `{path}`: {source}; check free disk space and folder permissions")]
    LocalIo {
        /// The local file or folder involved.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: io::Error,
    },

    /// The file is empty.
    #[error(
        "pack refused: the file is empty; the copy is incomplete — copy the pack onto the stick again"
    )]
    EmptyFile,

    /// The file is not a zip file, or is cut short.
    #[error(
        "pack refused: this is not a complete zip file ({reason}); the copy is damaged or incomplete — ask the publisher for a fresh copy"
    )]
    NotAZip {
        /// What the zip parser said.
        reason: String,
    },

    /// The zip's directory and its entries disagree, overlap or hide data.
    #[error(
        "pack refused: the zip structure is inconsistent ({reason}); the file is damaged or malicious — ask the publisher for a fresh copy"
    )]
    Inconsistent {
        /// Which inconsistency was found.
        reason: String,
    },

    /// An entry name breaks the safe-path rules.
    #[error(
        "pack refused: entry `{path}` {reason}; the file is damaged or malicious — ask the publisher for a fresh copy"
    )]
    UnsafePath {
        /// The offending name, with control characters escaped.
        path: String,
        /// The rule it breaks.
        reason: String,
    },

    /// The zip directory lists the same name twice.
    #[error(
        "pack refused: the zip lists the same file name twice; the file is damaged or malicious — ask the publisher for a fresh copy"
    )]
    DuplicateEntry,

    /// Two paths differ only by letter case, or one path is both a file and a folder.
    #[error(
        "pack refused: `{first}` and `{second}` would be the same file on Windows or macOS; the pack was built wrongly — ask the publisher for a corrected pack"
    )]
    PathCollision {
        /// One of the two paths.
        first: String,
        /// The other.
        second: String,
    },

    /// A symlink, device, FIFO or other non-regular entry.
    #[error(
        "pack refused: entry `{path}` is a {kind}, and packs may hold only regular files; the file is damaged or malicious — ask the publisher for a fresh copy"
    )]
    SpecialEntry {
        /// The entry name.
        path: String,
        /// What kind of entry it is.
        kind: &'static str,
    },

    /// An encrypted entry.
    #[error(
        "pack refused: entry `{path}` is encrypted, and packs are never encrypted; ask the publisher for a fresh copy"
    )]
    Encrypted {
        /// The entry name.
        path: String,
    },

    /// A compression method other than stored or deflate.
    #[error(
        "pack refused: entry `{path}` uses compression `{method}`, but packs use only stored or deflate; ask the publisher to rebuild it with `qalam pack build`"
    )]
    UnsupportedCompression {
        /// The entry name.
        path: String,
        /// The method as the zip names it.
        method: String,
    },

    /// More entries than the limit allows.
    #[error(
        "pack refused: it has {count} entries, more than the limit of {limit}; raise the entry limit in settings only if you trust this pack"
    )]
    TooManyEntries {
        /// Entries found.
        count: u64,
        /// The limit in force.
        limit: u64,
    },

    /// The listed files need more folders than the limit allows.
    #[error(
        "pack refused: its files need {count} folders, more than the limit of {limit}; raise the folder limit in settings only if you trust this pack"
    )]
    TooManyFolders {
        /// Folders needed.
        count: u64,
        /// The limit in force.
        limit: u64,
    },

    /// Something is bigger than a limit allows.
    #[error(
        "pack refused: {what} is {size} bytes, more than the limit of {limit}; raise the size limits in settings only if you trust this pack"
    )]
    TooLarge {
        /// What was measured.
        what: String,
        /// Its size in bytes.
        size: u64,
        /// The limit in force.
        limit: u64,
    },

    /// An entry inflates far more than real content does (a decompression bomb).
    #[error(
        "pack refused: entry `{path}` inflates more than {limit} times its compressed size; the file is malicious — delete it and ask the publisher for a fresh copy"
    )]
    CompressionBomb {
        /// The entry name.
        path: String,
        /// The ratio limit in force.
        limit: u64,
    },

    /// There is no `manifest.json` at the root of the zip.
    #[error(
        "pack refused: it has no manifest.json; this is not a Qalam pack — ask the publisher for a real pack"
    )]
    MissingManifest,

    /// `manifest.json` is not valid JSON of the expected shape.
    #[error(
        "pack refused: manifest.json cannot be read ({reason}); the pack was built wrongly — ask the publisher for a corrected pack"
    )]
    ManifestSyntax {
        /// What the JSON parser said.
        reason: String,
    },

    /// `manifest.json` holds more values than the limit allows.
    #[error(
        "pack refused: manifest.json holds more than {limit} values, far more than a course needs; the file is malicious or broken — ask the publisher for a fresh copy"
    )]
    ManifestTooComplex {
        /// The limit in force.
        limit: u64,
    },

    /// The manifest's `format` is not one this reader reads.
    #[error(
        "pack refused: its format is `{found}`, but this version of Qalam reads only `qalam-pack/1`; update Qalam or ask the publisher for a pack in that format"
    )]
    UnsupportedFormat {
        /// The format the manifest declares.
        found: String,
    },

    /// A manifest field breaks a rule of the format.
    #[error(
        "pack refused: manifest field `{field}` is invalid: {reason}; the pack was built wrongly — ask the publisher for a corrected pack (authors: fix pack.toml)"
    )]
    InvalidManifest {
        /// Where in the manifest, e.g. `lessons[2].quiz`.
        field: String,
        /// Which rule it breaks.
        reason: String,
    },

    /// A file listed in the manifest is not in the zip.
    #[error(
        "pack refused: `{path}` is listed in the manifest but missing from the zip; the copy is incomplete — ask the publisher for a fresh copy"
    )]
    MissingFile {
        /// The listed path.
        path: String,
    },

    /// A file in the zip is not listed in the manifest.
    #[error(
        "pack refused: `{path}` is in the zip but not listed in the manifest; someone added it after the pack was built — ask the publisher for a fresh copy"
    )]
    UnlistedFile {
        /// The unlisted entry name.
        path: String,
    },

    /// A file's bytes do not match the size or sha256 the manifest lists.
    #[error(
        "pack refused: `{path}` does not match the manifest ({reason}); the file was changed or damaged — ask the publisher for a fresh copy"
    )]
    ContentMismatch {
        /// The listed path.
        path: String,
        /// Size or hash, and how.
        reason: String,
    },

    /// The entry's compressed data could not be decoded.
    #[error(
        "pack refused: entry `{path}` cannot be decompressed ({reason}); the file is damaged — ask the publisher for a fresh copy"
    )]
    CorruptEntry {
        /// The entry name.
        path: String,
        /// What the decoder said.
        reason: String,
    },

    /// `signature.json` is present but not well formed.
    #[error(
        "pack refused: signature.json is malformed ({reason}); the pack is damaged or tampered with — ask the publisher for a fresh copy"
    )]
    SignatureMalformed {
        /// What is wrong with it.
        reason: String,
    },

    /// The signature does not verify against manifest.json.
    #[error(
        "pack refused: the signature by key {key_id} does not match this pack; the pack was changed after signing — delete it and ask the publisher for a fresh copy"
    )]
    SignatureInvalid {
        /// The id of the key named in signature.json.
        key_id: String,
    },

    /// A key file or key text is malformed.
    #[error(
        "key refused: {reason}; use the files written by `qalam pack keygen` without editing them"
    )]
    InvalidKey {
        /// What is wrong with it.
        reason: String,
    },

    /// Key generation would overwrite an existing file.
    #[error(
        "refusing to overwrite `{path}`; choose another --out name or move the old key away first"
    )]
    WouldOverwrite {
        /// The existing file.
        path: PathBuf,
    },

    /// The operating system's random source failed.
    #[error("could not get random bytes for a new key ({reason}); try again")]
    Random {
        /// What getrandom said.
        reason: String,
    },

    /// `pack.toml` is missing or malformed.
    #[error("pack.toml cannot be used: {reason}; fix pack.toml and build again")]
    PackToml {
        /// What is wrong.
        reason: String,
    },

    /// The authoring folder holds something that cannot go into a pack.
    #[error("cannot build the pack: `{path}` {reason}; fix the authoring folder and build again")]
    BadSource {
        /// The offending file, relative to the authoring folder where possible.
        path: PathBuf,
        /// Why it cannot go into a pack.
        reason: String,
    },

    /// An installed file no longer matches its manifest entry (export).
    #[error(
        "cannot export: `{path}` no longer matches the pack's manifest, so the installed copy is damaged; reinstall the pack from its original source, then export again"
    )]
    DamagedCopy {
        /// The damaged file.
        path: PathBuf,
    },

    /// Writing the zip failed inside the zip library.
    #[error("cannot write the pack: {reason}; check free disk space and build again")]
    ZipWrite {
        /// What the zip writer said.
        reason: String,
    },
}

impl PackError {
    /// True when reading the *source* pack failed with an I/O error (the
    /// USB stick was pulled out), so the caller can say "interrupted, will
    /// resume" instead of "refused".
    pub fn is_source_io(&self) -> bool {
        matches!(self, PackError::SourceIo(_))
    }

    /// Builds a [`PackError::LocalIo`] for `path`.
    pub(crate) fn local(path: impl Into<PathBuf>, source: io::Error) -> Self {
        PackError::LocalIo {
            path: path.into(),
            source,
        }
    }

    /// Builds a [`PackError::InvalidManifest`].
    pub(crate) fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        PackError::InvalidManifest {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

/// Shows a name from a hostile zip without letting control or bidi
/// characters reach a terminal or log line.
pub(crate) fn printable(name: &str) -> String {
    const MAX_CHARS: usize = 200;
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if i == MAX_CHARS {
            out.push('…');
            break;
        }
        if crate::paths::is_control_or_bidi(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}
