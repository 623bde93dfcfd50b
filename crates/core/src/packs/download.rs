//! Packs from the campus server's catalogue (docs/SYNC_PROTOCOL.md, "Pack
//! catalogue"): fetch the organisation's catalogue with the device's
//! credential, download what is new or newer than what is installed, check
//! each whole file against the catalogue's sha256, then install it through
//! the same path as a USB import ([`super::import::import_all`]), so the
//! same checks and trust rules apply.
//!
//! Downloads resume. A pack is downloaded into
//! `DATA/downloads/<sha256>.part`; after a cut, the next attempt asks for
//! the rest with `Range: bytes=N-` and `If-Range: "<sha256>"`, so bytes
//! already on disk are never fetched again, and a file that changed on the
//! server comes back whole (`200`) and the download starts over. The
//! `.part` is deleted once its pack is installed. A kill at any point
//! leaves a `.part` to resume from, or the installed pack (the install is
//! crash-safe on its own); a `.part` whose bytes do not hash to the
//! catalogue's sha256 is deleted and never installed.
//!
//! The HTTP client is blocking, like sync's: call [`fetch`] from a thread
//! of its own or from the CLI.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashSet};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use reqwest::StatusCode;
use reqwest::blocking::{Client, Response};
use reqwest::header::{AUTHORIZATION, CONTENT_RANGE, IF_RANGE, RANGE};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::import::{self, ImportProgress, ImportResult, Reason, ResultKind};
use crate::device::Device;
use crate::error::CoreError;
use crate::storage;
use crate::sync::client::{MAX_ANSWER_BYTES, describe, normalise_url};
use crate::sync::wire::ErrorBody;
use crate::sync::{SyncError, state};

/// The folder of the data folder that holds downloads in progress.
pub const DOWNLOADS_DIR: &str = "downloads";
const PART_SUFFIX: &str = ".part";
const LOCK_FILE: &str = ".fetch.lock";

/// One pack version in the server's catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueEntry {
    pub id: String,
    pub version: String,
    #[serde(default)]
    pub title: BTreeMap<String, String>,
    #[serde(default)]
    pub languages: Vec<String>,
    /// Bytes of the pack file.
    pub size: u64,
    /// sha256 of the whole pack file, lowercase hex.
    pub sha256: String,
}

#[derive(Debug, Deserialize)]
struct Catalogue {
    packs: Vec<CatalogueEntry>,
}

#[derive(Debug, Clone, Default)]
pub struct FetchOptions {
    /// Server address to use instead of the enrolled one.
    pub server: Option<String>,
    /// Install packs whose publisher this device does not trust, as
    /// `pack import --allow-untrusted` does.
    pub allow_untrusted: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FetchOutcome {
    Installed,
    Updated,
    /// This version (or a newer one) is already installed.
    UpToDate,
    Refused,
    /// The download did not complete; fetching again resumes it.
    Interrupted,
}

/// What happened to one pack of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PackFetch {
    pub id: String,
    pub version: String,
    pub outcome: FetchOutcome,
    /// Why a pack was refused or interrupted, as for a USB import.
    pub reason: Option<Reason>,
    pub message: String,
    /// Pack bytes received in this attempt.
    pub downloaded_bytes: u64,
    /// Bytes already on disk from an earlier attempt, not fetched again.
    pub resumed_from: u64,
}

impl PackFetch {
    /// True unless the pack still has to be fetched again.
    pub fn complete(&self) -> bool {
        !matches!(
            self.outcome,
            FetchOutcome::Refused | FetchOutcome::Interrupted
        )
    }
}

/// What one fetch did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FetchReport {
    pub server: String,
    pub packs: Vec<PackFetch>,
    /// Pack bytes received in this attempt, all packs together.
    pub downloaded_bytes: u64,
}

impl FetchReport {
    /// True when every pack of the catalogue is installed or up to date.
    pub fn complete(&self) -> bool {
        self.packs.iter().all(PackFetch::complete)
    }
}

/// What to do with one pack id of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Download and install this entry.
    Fetch(CatalogueEntry),
    /// The highest offered version is installed already, or older than
    /// what is installed.
    UpToDate {
        offered: CatalogueEntry,
        installed: String,
    },
    /// The entry cannot be used (a name unsafe in a URL, a malformed hash).
    Malformed(CatalogueEntry, String),
}

fn compare_versions(a: &str, b: &str) -> Ordering {
    match (semver::Version::parse(a), semver::Version::parse(b)) {
        (Ok(a), Ok(b)) => a.cmp(&b),
        _ => a.cmp(b),
    }
}

fn is_pack_id(id: &str) -> bool {
    (3..=64).contains(&id.len())
        && id.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
}

fn is_version(version: &str) -> bool {
    (1..=64).contains(&version.len())
        && version.starts_with(|c: char| c.is_ascii_digit())
        && version
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".-+".contains(&b))
}

fn is_sha256(hex: &str) -> bool {
    hex.len() == 64
        && hex
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Decides, per pack id, whether to fetch the highest version offered.
/// `installed(id)` is the installed version of a pack, if any. Pure.
pub fn plan(catalogue: &[CatalogueEntry], installed: impl Fn(&str) -> Option<String>) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut best: BTreeMap<&str, &CatalogueEntry> = BTreeMap::new();
    for entry in catalogue {
        if !is_pack_id(&entry.id) || !is_version(&entry.version) || !is_sha256(&entry.sha256) {
            steps.push(Step::Malformed(
                entry.clone(),
                format!(
                    "the server's catalogue entry for {:?} {:?} is malformed; ask the server's operator to add the pack again",
                    entry.id, entry.version
                ),
            ));
            continue;
        }
        let slot = best.entry(&entry.id).or_insert(entry);
        if compare_versions(&entry.version, &slot.version) == Ordering::Greater {
            *slot = entry;
        }
    }
    for (id, entry) in best {
        match installed(id) {
            Some(version) if compare_versions(&entry.version, &version) != Ordering::Greater => {
                steps.push(Step::UpToDate {
                    offered: entry.clone(),
                    installed: version,
                });
            }
            _ => steps.push(Step::Fetch(entry.clone())),
        }
    }
    steps
}

/// Where the download of a file with this sha256 is kept.
pub fn part_path(device: &Device, sha256: &str) -> PathBuf {
    downloads_dir(device).join(format!("{sha256}{PART_SUFFIX}"))
}

fn downloads_dir(device: &Device) -> PathBuf {
    device.layout().root().join(DOWNLOADS_DIR)
}

/// Fetches the catalogue of the server this device is enrolled with, and
/// downloads and installs every pack that is new or newer than the
/// installed version. Fails only when the catalogue could not be had; each
/// pack's own result is in the report.
pub fn fetch(device: &Device, options: &FetchOptions) -> Result<FetchReport, SyncError> {
    fetch_with_progress(device, options, &mut |_, _| {})
}

/// [`fetch`], telling `progress(entry, bytes_on_disk)` as each download
/// moves (from the bytes already on disk when it resumes).
pub fn fetch_with_progress(
    device: &Device,
    options: &FetchOptions,
    progress: &mut dyn FnMut(&CatalogueEntry, u64),
) -> Result<FetchReport, SyncError> {
    let (base, http) = connect(device, options)?;
    let dir = downloads_dir(device);
    let lock = lock_downloads(&dir)?;

    let catalogue = http.catalogue()?;
    let steps = {
        let conn = device.conn();
        let mut installed = BTreeMap::new();
        for row in storage::packs::list(&conn)? {
            installed.insert(row.id, row.version);
        }
        plan(&catalogue, |id| installed.get(id).cloned())
    };
    let wanted: HashSet<String> = steps
        .iter()
        .filter_map(|s| match s {
            Step::Fetch(e) => Some(e.sha256.clone()),
            _ => None,
        })
        .collect();
    remove_stale_parts(&dir, &wanted);

    let mut report = FetchReport {
        server: base.clone(),
        packs: Vec::new(),
        downloaded_bytes: 0,
    };
    for step in steps {
        let result = match step {
            Step::Malformed(entry, why) => {
                refused(&entry, Reason::InvalidPack, why, Default::default())
            }
            Step::UpToDate { offered, installed } => PackFetch {
                message: if installed == offered.version {
                    format!("{} {} is already installed", offered.id, installed)
                } else {
                    format!(
                        "{} {installed} is installed, newer than the {} offered",
                        offered.id, offered.version
                    )
                },
                id: offered.id,
                version: offered.version,
                outcome: FetchOutcome::UpToDate,
                reason: None,
                downloaded_bytes: 0,
                resumed_from: 0,
            },
            Step::Fetch(entry) => {
                fetch_one(device, &http, &entry, options.allow_untrusted, progress)
            }
        };
        report.downloaded_bytes += result.downloaded_bytes;
        report.packs.push(result);
    }
    drop(lock);
    tracing::info!(
        server = %report.server,
        packs = report.packs.len(),
        downloaded = report.downloaded_bytes,
        complete = report.complete(),
        "pack fetch"
    );
    Ok(report)
}

/// The enrolled server's address and a client holding the credential.
fn connect(device: &Device, options: &FetchOptions) -> Result<(String, Http), SyncError> {
    let enrolment = state::enrolment(&device.conn())?.ok_or(SyncError::NotEnrolled)?;
    let base = normalise_url(options.server.as_deref().unwrap_or(&enrolment.url))?;
    let http = Http::new(&base, enrolment.credential, enrolment.ca_pem.as_deref())?;
    Ok((base, http))
}

/// One fetch at a time per data folder: the lock is held while the
/// returned file is open.
fn lock_downloads(dir: &Path) -> Result<File, SyncError> {
    fs::create_dir_all(dir).map_err(|e| CoreError::io("create the folder", dir, e))?;
    let lock_path = dir.join(LOCK_FILE);
    let lock = File::create(&lock_path).map_err(|e| CoreError::io("create", &lock_path, e))?;
    if lock.try_lock().is_err() {
        return Err(SyncError::Core(CoreError::Conflict(
            "another pack fetch is running on this device; wait for it to finish".into(),
        )));
    }
    Ok(lock)
}

/// The catalogue of the server this device is enrolled with, and that
/// server's address. Holds the database only to read the enrolment.
pub fn catalogue(
    device: &Device,
    options: &FetchOptions,
) -> Result<(String, Vec<CatalogueEntry>), SyncError> {
    let (base, http) = connect(device, options)?;
    Ok((base, http.catalogue()?))
}

/// Downloads and installs the one catalogue entry `id` `version`, as
/// [`fetch_with_progress`] does for every pack: resuming a `.part` left by
/// an earlier attempt. A version not newer than the installed one is
/// reported up to date without downloading.
pub fn fetch_entry(
    device: &Device,
    options: &FetchOptions,
    id: &str,
    version: &str,
    progress: &mut dyn FnMut(&CatalogueEntry, u64),
) -> Result<PackFetch, SyncError> {
    let (_, http) = connect(device, options)?;
    let lock = lock_downloads(&downloads_dir(device))?;
    let entry = http
        .catalogue()?
        .into_iter()
        .find(|e| e.id == id && e.version == version)
        .ok_or_else(|| {
            SyncError::Core(CoreError::NotFound {
                what: "pack in the campus server's catalogue",
                id: format!("{id} {version}"),
            })
        })?;
    let installed = storage::packs::get(&device.conn(), id)?.map(|row| row.version);
    let step = plan(std::slice::from_ref(&entry), |_| installed.clone())
        .into_iter()
        .next();
    let result = match step {
        Some(Step::Fetch(entry)) => {
            fetch_one(device, &http, &entry, options.allow_untrusted, progress)
        }
        Some(Step::UpToDate { installed, .. }) => PackFetch {
            message: format!("{id} {installed} is already installed"),
            id: entry.id,
            version: entry.version,
            outcome: FetchOutcome::UpToDate,
            reason: None,
            downloaded_bytes: 0,
            resumed_from: 0,
        },
        Some(Step::Malformed(entry, why)) => {
            refused(&entry, Reason::InvalidPack, why, Transfer::default())
        }
        None => refused(
            &entry,
            Reason::DeviceError,
            "nothing to do".into(),
            Transfer::default(),
        ),
    };
    drop(lock);
    Ok(result)
}

/// Deletes downloads of files the catalogue no longer asks for (an older
/// version, a pack now installed).
fn remove_stale_parts(dir: &Path, wanted: &HashSet<String>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(sha) = name.strip_suffix(PART_SUFFIX) else {
            continue;
        };
        if !wanted.contains(sha) {
            tracing::info!(file = %entry.path().display(), "removing a download no longer needed");
            let _ = fs::remove_file(entry.path());
        }
    }
}

#[derive(Debug, Default, Clone, Copy)]
struct Transfer {
    downloaded: u64,
    resumed_from: u64,
}

fn refused(entry: &CatalogueEntry, reason: Reason, message: String, t: Transfer) -> PackFetch {
    tracing::warn!(pack = %entry.id, version = %entry.version, %message, "pack not fetched");
    PackFetch {
        id: entry.id.clone(),
        version: entry.version.clone(),
        outcome: if reason == Reason::Interrupted {
            FetchOutcome::Interrupted
        } else {
            FetchOutcome::Refused
        },
        reason: Some(reason),
        message,
        downloaded_bytes: t.downloaded,
        resumed_from: t.resumed_from,
    }
}

fn fetch_one(
    device: &Device,
    http: &Http,
    entry: &CatalogueEntry,
    allow_untrusted: bool,
    progress: &mut dyn FnMut(&CatalogueEntry, u64),
) -> PackFetch {
    let part = part_path(device, &entry.sha256);
    let mut transfer = Transfer::default();
    let mut on_disk = |bytes: u64| progress(entry, bytes);
    if let Err(fail) = download(http, entry, &part, &mut transfer, &mut on_disk) {
        if fail.discard {
            let _ = fs::remove_file(&part);
        }
        return refused(entry, fail.reason, fail.message, transfer);
    }
    // The same path as a USB import: every check, the trust rules, the
    // crash-safe install.
    let result = import::import_all(
        device,
        std::slice::from_ref(&part),
        allow_untrusted,
        &mut Silent,
    )
    .into_iter()
    .next();
    let Some(result) = result else {
        return refused(
            entry,
            Reason::DeviceError,
            "the install gave no result".into(),
            transfer,
        );
    };
    finish(entry, &part, result, transfer)
}

fn finish(entry: &CatalogueEntry, part: &Path, result: ImportResult, t: Transfer) -> PackFetch {
    let outcome = match result.outcome {
        ResultKind::Installed => FetchOutcome::Installed,
        ResultKind::Updated => FetchOutcome::Updated,
        ResultKind::Unchanged => FetchOutcome::UpToDate,
        ResultKind::Refused => FetchOutcome::Refused,
        ResultKind::Interrupted => FetchOutcome::Interrupted,
    };
    // Keep the verified file when installing it later can still succeed
    // (a publisher trusted later, disk space freed); otherwise it is done
    // with, or no good.
    let keep = matches!(
        result.reason,
        Some(Reason::Untrusted | Reason::DiskFull | Reason::DeviceError | Reason::Interrupted)
    );
    if !keep && let Err(err) = fs::remove_file(part) {
        tracing::warn!(file = %part.display(), %err, "could not delete a finished download");
    }
    if let Some(reason) = result.reason {
        return refused(entry, reason, result.message, t);
    }
    PackFetch {
        id: result.pack_id.unwrap_or_else(|| entry.id.clone()),
        version: result.version.unwrap_or_else(|| entry.version.clone()),
        outcome,
        reason: None,
        message: result.message,
        downloaded_bytes: t.downloaded,
        resumed_from: t.resumed_from,
    }
}

struct Silent;

impl ImportProgress for Silent {
    fn start(&mut self, _total_bytes: u64) {}
    fn pack_started(&mut self, _source: &Path) {}
    fn advance(&mut self, _done_bytes: u64) {}
    fn pack_finished(&mut self, _result: &ImportResult) {}
}

/// Why a download stopped, and whether its `.part` is worth keeping.
struct Failure {
    reason: Reason,
    message: String,
    discard: bool,
}

impl Failure {
    fn interrupted(message: String) -> Self {
        Failure {
            reason: Reason::Interrupted,
            message: format!("{message}; fetch again to resume, the bytes already here are kept"),
            discard: false,
        }
    }

    fn local(action: &str, path: &Path, err: io::Error) -> Self {
        Failure {
            reason: Reason::DeviceError,
            message: format!("could not {action} {}: {err}", path.display()),
            discard: false,
        }
    }
}

/// Brings `part` to the whole file of `entry`, resuming from its length,
/// and checks its sha256.
fn download(
    http: &Http,
    entry: &CatalogueEntry,
    part: &Path,
    transfer: &mut Transfer,
    progress: &mut dyn FnMut(u64),
) -> Result<(), Failure> {
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(part)
        .map_err(|e| Failure::local("open", part, e))?;
    let mut have = file
        .metadata()
        .map_err(|e| Failure::local("read", part, e))?
        .len();
    if have > entry.size {
        have = 0;
        file.set_len(0)
            .map_err(|e| Failure::local("empty", part, e))?;
    }
    transfer.resumed_from = have;
    // At most twice: a range the server cannot serve (the file changed
    // under the same sha256 name, which it must not) starts over once.
    let mut restarted = false;
    while have < entry.size {
        let response = http.pack(entry, have)?;
        let status = response.status();
        let start = match status {
            StatusCode::PARTIAL_CONTENT => match content_range_start(&response, entry.size) {
                Some(start) if start == have => have,
                _ if !restarted => {
                    restarted = true;
                    have = 0;
                    continue;
                }
                _ => {
                    return Err(Failure {
                        reason: Reason::InvalidPack,
                        message: "the server answered a range request with another range".into(),
                        discard: true,
                    });
                }
            },
            StatusCode::OK => 0,
            StatusCode::RANGE_NOT_SATISFIABLE if !restarted => {
                restarted = true;
                have = 0;
                continue;
            }
            _ => return Err(http.refusal(response)),
        };
        if start == 0 {
            transfer.resumed_from = 0;
            file.set_len(0)
                .map_err(|e| Failure::local("empty", part, e))?;
        }
        file.seek(SeekFrom::Start(start))
            .map_err(|e| Failure::local("seek in", part, e))?;
        progress(start);
        let copied = copy_body(response, &mut file, start, entry.size, transfer, progress);
        // What was written is kept for the next attempt, even when the
        // link dropped.
        have = start + copied.as_ref().map_or_else(|(n, _)| *n, |n| *n);
        if let Err((_, err)) = copied {
            let _ = file.sync_data();
            return Err(err);
        }
    }
    file.sync_all()
        .map_err(|e| Failure::local("sync", part, e))?;
    drop(file);
    let sha = hash_file(part).map_err(|e| Failure::local("read", part, e))?;
    if sha != entry.sha256 {
        return Err(Failure {
            reason: Reason::InvalidPack,
            message: format!(
                "the downloaded file does not match the server's catalogue (sha256 {sha}, expected {}); it was deleted and not installed",
                entry.sha256
            ),
            discard: true,
        });
    }
    Ok(())
}

/// The start of a `Content-Range: bytes START-END/TOTAL` answer, when its
/// total is the expected size and it runs to the end of the file.
fn content_range_start(response: &Response, size: u64) -> Option<u64> {
    let value = response.headers().get(CONTENT_RANGE)?.to_str().ok()?;
    let rest = value.trim().strip_prefix("bytes ")?;
    let (range, total) = rest.split_once('/')?;
    let (start, end) = range.split_once('-')?;
    let (start, end, total) = (
        start.trim().parse::<u64>().ok()?,
        end.trim().parse::<u64>().ok()?,
        total.trim().parse::<u64>().ok()?,
    );
    (total == size && end + 1 == size && start <= end).then_some(start)
}

/// Copies the answer into `file` from byte `start` to the end of a file
/// of `size` bytes, and no further. Returns the bytes written, also on
/// failure.
fn copy_body(
    mut response: Response,
    file: &mut File,
    start: u64,
    size: u64,
    transfer: &mut Transfer,
    progress: &mut dyn FnMut(u64),
) -> Result<u64, (u64, Failure)> {
    let remaining = size.saturating_sub(start);
    let mut buf = vec![0u8; 64 * 1024];
    let mut written = 0u64;
    loop {
        let n = match response.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                return Err((
                    written,
                    Failure::interrupted(format!(
                        "the download was cut after {written} bytes ({e})"
                    )),
                ));
            }
        };
        if written + n as u64 > remaining {
            return Err((
                written,
                Failure {
                    reason: Reason::InvalidPack,
                    message: "the server sent more bytes than the catalogue lists for this pack"
                        .into(),
                    discard: true,
                },
            ));
        }
        if let Err(e) = file.write_all(&buf[..n]) {
            return Err((
                written,
                Failure::local("write", Path::new("the download"), e),
            ));
        }
        written += n as u64;
        transfer.downloaded += n as u64;
        progress(start + written);
    }
    if written < remaining {
        return Err((
            written,
            Failure::interrupted(format!(
                "the download ended early, {} bytes short",
                remaining - written
            )),
        ));
    }
    Ok(written)
}

fn hash_file(path: &Path) -> io::Result<String> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&buf[..n]);
    }
    Ok(hex::encode(hasher.finalize()))
}

/// The catalogue's HTTP side.
struct Http {
    client: Client,
    base: String,
    credential: String,
}

impl Http {
    fn new(base: &str, credential: String, ca_pem: Option<&str>) -> Result<Self, SyncError> {
        // The blocking client's timeout bounds the wait for the answer's
        // head and for each read of its body, not the whole download.
        let client = crate::sync::client::builder(base, ca_pem)?
            .build()
            .map_err(|e| SyncError::Network {
                url: base.to_owned(),
                message: describe(&e),
            })?;
        Ok(Http {
            client,
            base: base.to_owned(),
            credential,
        })
    }

    fn network(&self, err: &reqwest::Error) -> SyncError {
        SyncError::Network {
            url: self.base.clone(),
            message: describe(err),
        }
    }

    fn catalogue(&self) -> Result<Vec<CatalogueEntry>, SyncError> {
        let response = self
            .client
            .get(format!("{}/v1/packs", self.base))
            .header(AUTHORIZATION, format!("Bearer {}", self.credential))
            .send()
            .map_err(|e| self.network(&e))?;
        let status = response.status();
        let mut body = Vec::new();
        response
            .take(MAX_ANSWER_BYTES + 1)
            .read_to_end(&mut body)
            .map_err(|e| SyncError::Network {
                url: self.base.clone(),
                message: format!("the catalogue was cut: {e}"),
            })?;
        if body.len() as u64 > MAX_ANSWER_BYTES {
            return Err(SyncError::Protocol(format!(
                "the pack catalogue is larger than {MAX_ANSWER_BYTES} bytes"
            )));
        }
        if !status.is_success() {
            let (code, message) = error_body(status, &body);
            return Err(SyncError::Refused {
                status: status.as_u16(),
                code,
                message,
            });
        }
        let catalogue: Catalogue = serde_json::from_slice(&body).map_err(|e| {
            SyncError::Protocol(format!("the server's pack catalogue is malformed: {e}"))
        })?;
        Ok(catalogue.packs)
    }

    /// `GET /v1/packs/{id}/{version}` from byte `from` on.
    fn pack(&self, entry: &CatalogueEntry, from: u64) -> Result<Response, Failure> {
        let mut request = self
            .client
            .get(format!(
                "{}/v1/packs/{}/{}",
                self.base, entry.id, entry.version
            ))
            .header(AUTHORIZATION, format!("Bearer {}", self.credential));
        if from > 0 {
            request = request
                .header(RANGE, format!("bytes={from}-"))
                .header(IF_RANGE, format!("\"{}\"", entry.sha256));
        }
        request.send().map_err(|e| {
            Failure::interrupted(format!(
                "could not reach the server at {}: {}",
                self.base,
                describe(&e)
            ))
        })
    }

    fn refusal(&self, response: Response) -> Failure {
        let status = response.status();
        let mut body = Vec::new();
        let _ = response.take(64 * 1024).read_to_end(&mut body);
        let (code, message) = error_body(status, &body);
        let reason = match status {
            StatusCode::NOT_FOUND => Reason::NotFound,
            s if s.is_server_error() => Reason::Interrupted,
            _ => Reason::DeviceError,
        };
        Failure {
            reason,
            message: format!("the server refused the download ({code}): {message}"),
            discard: false,
        }
    }
}

fn error_body(status: StatusCode, body: &[u8]) -> (String, String) {
    match serde_json::from_slice::<ErrorBody>(body) {
        Ok(e) => (e.code, e.error),
        Err(_) => (
            "http".into(),
            format!(
                "HTTP {status}: {}",
                String::from_utf8_lossy(&body[..body.len().min(200)]).trim()
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str, version: &str) -> CatalogueEntry {
        CatalogueEntry {
            id: id.into(),
            version: version.into(),
            title: BTreeMap::new(),
            languages: vec!["en".into()],
            size: 10,
            sha256: "a".repeat(64),
        }
    }

    #[test]
    fn plan_takes_the_highest_version_newer_than_installed() {
        let catalogue = vec![
            entry("org.a", "1.0.0"),
            entry("org.a", "1.10.0"),
            entry("org.a", "1.9.0"),
            entry("org.b", "2.0.0"),
            entry("org.c", "1.0.0"),
            entry("../x", "1.0.0"),
        ];
        let installed = |id: &str| match id {
            "org.b" => Some("2.0.0".to_owned()),
            "org.c" => Some("3.0.0".to_owned()),
            _ => None,
        };
        let steps = plan(&catalogue, installed);
        assert!(matches!(&steps[0], Step::Malformed(e, _) if e.id == "../x"));
        assert_eq!(steps[1], Step::Fetch(entry("org.a", "1.10.0")));
        assert!(matches!(&steps[2], Step::UpToDate { installed, .. } if installed == "2.0.0"));
        assert!(matches!(&steps[3], Step::UpToDate { installed, .. } if installed == "3.0.0"));
        assert_eq!(steps.len(), 4);
        let mut bad_hash = entry("org.d", "1.0.0");
        bad_hash.sha256 = "../../etc".into();
        assert!(matches!(
            &plan(&[bad_hash], |_| None)[0],
            Step::Malformed(..)
        ));
    }
}
