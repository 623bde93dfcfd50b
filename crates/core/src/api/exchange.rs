//! What the `qalam bundle` and `qalam pack fetch` commands do, for a
//! facilitator in the app: sync files on a USB stick, and course packs from
//! the campus server's catalogue (docs/SYNC_PROTOCOL.md, "Sync by USB
//! (bundles)" and "Pack catalogue").
//!
//! **Sticks.** The facilitator never types a path: `bundle_list` offers the
//! removable media the Import screen scans, and `bundle_export` and
//! `bundle_import` accept only one of those, and a plain file name inside
//! its `qalam-sync` folder, so no argument can reach elsewhere on the disk.
//!
//! **Two kinds of file to write.** `bundle_export` writes this device's
//! file for the campus server, or, asked `for_laptops`, one for the other
//! laptops of its centre (docs/SYNC_PROTOCOL.md, "From laptop to laptop");
//! `bundle_list` and `bundle_import` take the files of either direction.
//!
//! **Refusals.** A sync file that cannot be used is checked before anything
//! is stored, and its refusal has a code of its own ([`ExchangeError`]), so
//! the UI can say in the facilitator's language what is wrong; the list
//! shows the same verdict without importing.
//!
//! **Downloads.** `pack_fetch` answers at once and downloads on a thread of
//! its own; `pack_fetch_status` reports bytes so far. The catalogue call is
//! a network round trip that holds the database only to read the enrolment.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use super::session::facilitator;
use super::syncing;
use super::types::{ApiError, LocalText};
use crate::bundle::{self, BundleError, BundleKind, Opened};
use crate::device::Device;
use crate::error::CoreError;
use crate::packs::download::{self, CatalogueEntry, FetchOptions, FetchOutcome, PackFetch, Step};
use crate::storage;
use crate::sync::wire::{ENROLMENT_FILE_NAME, EnrolmentFile, MAX_ENROLMENT_FILE_BYTES};
use crate::sync::{self, SyncError, state};

/// The folder on a stick that holds sync files.
pub const SYNC_FOLDER: &str = "qalam-sync";
/// The extension of the sync files the app writes.
pub const BUNDLE_EXTENSION: &str = "qbundle";
/// Files looked at in one stick's sync folder, newest first.
const MAX_LISTED: usize = 200;

/// Why a sync-file or catalogue call did not do what was asked. Each
/// message is one line; [`ExchangeError::code`] is what the UI translates.
#[derive(Debug, thiserror::Error)]
pub enum ExchangeError {
    #[error("the USB stick {0} is not plugged in any more; plug it in and choose it again")]
    StickMissing(String),
    #[error("{0:?} is not a sync file name on the stick; choose one from the list")]
    BadFileName(String),
    #[error(
        "this device is not enrolled with a campus server, so it has no key to write or check sync files; enrol it first"
    )]
    NotEnrolled,
    /// Cut short, damaged, or changed after it was written.
    #[error("{0}")]
    Tampered(String),
    #[error("{0}")]
    OtherOrg(String),
    /// Written for or by another device.
    #[error("{0}")]
    OtherDevice(String),
    /// This device's own file, for the campus server or for the other
    /// laptops of its centre.
    #[error("{0}")]
    OwnBundle(String),
    /// Not a Qalam sync file at all, or one from a newer Qalam.
    #[error("{0}")]
    Unreadable(String),
    /// A file from a laptop of another centre: laptops pass files only
    /// within their centre.
    #[error("{0}")]
    OtherCentre(String),
    /// The campus server has not certified this laptop's key yet, so the
    /// other laptops of its centre would not trust a file it writes.
    #[error(
        "the campus server has not vouched for this laptop yet, so the other laptops would not trust its file; sync it once over the network, or do one round with a USB stick with the campus server, then try again"
    )]
    NotCertified,
    /// This laptop has not learnt its campus server's key yet, so it
    /// cannot check a file from another laptop.
    #[error(
        "this laptop has not heard from its campus server yet, so it cannot check files from other laptops; sync it once over the network, or do one round with a USB stick with the campus server, then try again"
    )]
    ServerKeyUnknown,
    /// No enrolment file where the admin's command writes it.
    #[error(
        "there is no enrolment file (qalam-enrolment.json) on the USB stick {0}; ask the campus server's admin to write one onto it"
    )]
    EnrolmentFileMissing(String),
    /// Too large, not an enrolment file, or one from a newer Qalam.
    #[error("{0}")]
    EnrolmentFileBad(String),
    #[error("{0}")]
    Core(#[from] CoreError),
    #[error("{0}")]
    Sync(#[from] SyncError),
}

impl ExchangeError {
    /// A stable code for the UI (docs/API.md).
    pub fn code(&self) -> &'static str {
        match self {
            ExchangeError::StickMissing(_) => "stick_missing",
            ExchangeError::BadFileName(_) => "bad_request",
            ExchangeError::NotEnrolled => "not_enrolled",
            ExchangeError::Tampered(_) => "bundle_tampered",
            ExchangeError::OtherOrg(_) => "bundle_other_org",
            ExchangeError::OtherDevice(_) => "bundle_other_device",
            ExchangeError::OwnBundle(_) => "bundle_own",
            ExchangeError::Unreadable(_) => "bundle_unreadable",
            ExchangeError::OtherCentre(_) => "bundle_other_centre",
            ExchangeError::NotCertified | ExchangeError::ServerKeyUnknown => "not_certified",
            ExchangeError::EnrolmentFileMissing(_) => "enrolment_file_missing",
            ExchangeError::EnrolmentFileBad(_) => "enrolment_file_bad",
            ExchangeError::Core(err) => err.code(),
            ExchangeError::Sync(err) => syncing::error_code(err),
        }
    }
}

impl From<ExchangeError> for ApiError {
    fn from(err: ExchangeError) -> Self {
        match err {
            ExchangeError::Core(core) => core.into(),
            ExchangeError::Sync(SyncError::Core(core)) => core.into(),
            other => ApiError::new(other.code(), one_line(&other.to_string())),
        }
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

// ------------------------------------------------------------------ sticks

/// Removable media as the Import screen finds them (configured roots, and
/// the system's mount points unless turned off), whether or not they hold
/// anything yet.
pub fn sticks(device: &Device) -> Vec<PathBuf> {
    let settings = device.settings();
    let mut roots = settings.usb_roots.clone();
    if settings.scan_system_mounts {
        roots.extend(crate::usb::system_mount_roots());
    }
    roots.retain(|root| root.is_dir());
    roots.dedup();
    roots
}

/// The detected stick the UI named, exactly as `bundle_list` gave it.
fn stick(device: &Device, mount: &str) -> Result<PathBuf, ExchangeError> {
    sticks(device)
        .into_iter()
        .find(|root| root.display().to_string() == mount)
        .ok_or_else(|| ExchangeError::StickMissing(mount.to_string()))
}

fn label_of(root: &Path) -> String {
    root.file_name().map_or_else(
        || root.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// A name in the stick's sync folder: one plain component, not hidden.
fn file_on(root: &Path, file: &str) -> Result<PathBuf, ExchangeError> {
    let plain = !file.is_empty()
        && !file.starts_with('.')
        && file.len() <= 255
        && !file.contains(['/', '\\', ':', '\0'])
        && Path::new(file).components().count() == 1;
    if !plain {
        return Err(ExchangeError::BadFileName(file.to_string()));
    }
    Ok(root.join(SYNC_FOLDER).join(file))
}

fn rfc3339(at: time::OffsetDateTime) -> Option<String> {
    at.format(&time::format_description::well_known::Rfc3339)
        .ok()
}

fn time_of_ms(ms: u64) -> Option<time::OffsetDateTime> {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).ok()
}

// ------------------------------------------------------------------ export

/// The prefix of the file names of sync files for the campus server.
pub const SERVER_FILE_PREFIX: &str = "from";
/// The prefix of the file names of sync files for the other laptops of
/// the centre.
pub const PEERS_FILE_PREFIX: &str = "peers";

/// What `bundle_export` wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BundleWritten {
    /// The stick, as `bundle_list` names it.
    pub mount: String,
    /// The file's name in the stick's `qalam-sync` folder.
    pub file: String,
    pub device: String,
    /// `device_to_server` (for the campus server) or `device_to_device`
    /// (for the other laptops of this centre).
    pub kind: BundleKind,
    /// Events in the file: this device's own for the campus server; every
    /// event this device holds for the other laptops.
    pub events: u64,
    pub bytes: u64,
}

/// Writes a sync file onto the stick `mount`, into its `qalam-sync`
/// folder. By default, as `qalam bundle export` does, this device's events
/// the campus server lacks, as `from-<device>-<UTC date and time>.qbundle`;
/// with `for_laptops`, as `qalam bundle export --peers` does, every event
/// this device holds, signed with its certified key, for the other laptops
/// of its centre, as `peers-<device>-<UTC date and time>.qbundle`
/// (docs/SYNC_PROTOCOL.md, "From laptop to laptop").
pub fn bundle_export(
    device: &Device,
    token: Option<&str>,
    mount: &str,
    for_laptops: bool,
) -> Result<BundleWritten, ExchangeError> {
    let by = facilitator(device, token)?;
    let root = stick(device, mount)?;
    enrolment(device)?;
    let me = device.identity().device;
    // Said before anything is written: the other laptops would refuse a
    // file signed with a key their server never vouched for.
    if for_laptops && sync::certificate::certificate(&device.conn(), me)?.is_none() {
        return Err(ExchangeError::NotCertified);
    }
    let folder = root.join(SYNC_FOLDER);
    std::fs::create_dir_all(&folder)
        .map_err(|e| CoreError::io("create the sync folder on the stick", &folder, e))?;
    let now_ms = device.clock().now_ms();
    let (kind, name, events, bytes) = if for_laptops {
        let name = export_name(PEERS_FILE_PREFIX, &me.to_string(), now_ms);
        let report = bundle::peer::export_for_peers(device, &folder.join(&name))?;
        (
            BundleKind::DeviceToDevice,
            name,
            report.events,
            report.bytes,
        )
    } else {
        let name = export_name(SERVER_FILE_PREFIX, &me.to_string(), now_ms);
        let report = bundle::bundle_export(device, &folder.join(&name))?;
        (
            BundleKind::DeviceToServer,
            name,
            report.events,
            report.bytes,
        )
    };
    tracing::info!(facilitator = %by.learner, file = %name, ?kind, events, "sync file written to a stick");
    Ok(BundleWritten {
        mount: mount.to_string(),
        file: name,
        device: me.to_string(),
        kind,
        events,
        bytes,
    })
}

/// `<prefix>-<device>-<YYYYMMDD-HHMMSS>.qbundle`, in UTC: sorts by time,
/// and says what it is and whose to whoever finds the stick.
pub fn export_name(prefix: &str, device: &str, now_ms: u64) -> String {
    let at = time_of_ms(now_ms).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!(
        "{prefix}-{device}-{:04}{:02}{:02}-{:02}{:02}{:02}.{BUNDLE_EXTENSION}",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

fn enrolment(device: &Device) -> Result<state::Enrolment, ExchangeError> {
    state::enrolment(&device.conn())?.ok_or(ExchangeError::NotEnrolled)
}

// -------------------------------------------------------------- list, check

/// One detected stick and the sync files on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BundleStick {
    /// Pass this back as `mount`.
    pub root: String,
    pub label: String,
    pub files: Vec<BundleFile>,
    /// The stick holds an enrolment file (`enrol_from_stick` would find
    /// one); its content is not read here.
    pub enrolment_file: bool,
}

/// What a sync file is, as far as this device can tell without importing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BundleFileState {
    /// Written by the campus server for this device: it can be loaded.
    Ready,
    /// Written by this device, for the campus server.
    Outgoing,
    /// Cannot be loaded here; `code` and `message` say why.
    Refused,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BundleFile {
    /// The name in the stick's `qalam-sync` folder; pass it back as `file`.
    pub file: String,
    pub size_bytes: u64,
    pub modified_at: Option<String>,
    /// When the file says it was written.
    pub created_at: Option<String>,
    pub kind: Option<BundleKind>,
    pub state: BundleFileState,
    pub code: Option<&'static str>,
    pub message: Option<String>,
}

/// Every detected stick (or only `mount`) with the sync files in its
/// `qalam-sync` folder, newest first, each checked as an import would.
pub fn bundle_list(
    device: &Device,
    token: Option<&str>,
    mount: Option<&str>,
) -> Result<Vec<BundleStick>, ExchangeError> {
    facilitator(device, token)?;
    let roots = match mount {
        Some(mount) => vec![stick(device, mount)?],
        None => sticks(device),
    };
    Ok(roots
        .iter()
        .map(|root| BundleStick {
            root: root.display().to_string(),
            label: label_of(root),
            files: files_on(device, root),
            enrolment_file: enrolment_file_on(root).is_some(),
        })
        .collect())
}

fn files_on(device: &Device, root: &Path) -> Vec<BundleFile> {
    let me = device.identity().device;
    let enrolled = enrolment(device).ok().map(|e| {
        let server = sync::certificate::server_key(&device.conn()).ok().flatten();
        (e.org, bundle::credential_key(&e.credential), server)
    });
    let Ok(entries) = std::fs::read_dir(root.join(SYNC_FOLDER)) else {
        return Vec::new();
    };
    let mut found: Vec<(SystemTime, String, u64)> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| {
            let name = e.file_name().to_str()?.to_owned();
            let meta = e.metadata().ok()?;
            let modified = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
            (!name.starts_with('.')).then_some((modified, name, meta.len()))
        })
        .collect();
    found.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    found.truncate(MAX_LISTED);
    found
        .into_iter()
        .map(|(modified, name, size)| {
            let path = root.join(SYNC_FOLDER).join(&name);
            let stamp = (size, modified, me, enrolled);
            if let Some(known) = device.exchange.verdict(&path, &stamp) {
                return known;
            }
            let file = describe(device, &path, name, size, modified);
            device.exchange.keep_verdict(path, stamp, &file);
            file
        })
        .collect()
}

fn describe(
    device: &Device,
    path: &Path,
    file: String,
    size_bytes: u64,
    modified: SystemTime,
) -> BundleFile {
    let mut out = BundleFile {
        file,
        size_bytes,
        modified_at: rfc3339(modified.into()),
        created_at: None,
        kind: None,
        state: BundleFileState::Ready,
        code: None,
        message: None,
    };
    match check(device, path) {
        Ok(checked) => {
            out.kind = Some(checked.kind);
            out.created_at = time_of_ms(checked.created_ms).and_then(rfc3339);
        }
        Err((err, header)) => {
            if let Some((kind, created_ms)) = header {
                out.kind = Some(kind);
                out.created_at = time_of_ms(created_ms).and_then(rfc3339);
            }
            out.state = match err {
                ExchangeError::OwnBundle(_) => BundleFileState::Outgoing,
                _ => BundleFileState::Refused,
            };
            out.code = Some(err.code());
            out.message = Some(one_line(&err.to_string()));
        }
    }
    out
}

/// What a bundle that passed every check says about itself.
struct Checked {
    kind: BundleKind,
    created_ms: u64,
}

/// A refusal, with the kind and creation time when the header was read.
type Refusal = (ExchangeError, Option<(BundleKind, u64)>);

/// Every check of an import, in its order, nothing stored: size, format,
/// checksum, framing, the parties, the tag, every part.
fn check(device: &Device, path: &Path) -> Result<Checked, Refusal> {
    let bytes = read(path).map_err(|e| (e, None))?;
    let opened = Opened::open(&bytes).map_err(|e| (format_refusal(e), None))?;
    let h = &opened.header;
    let header = Some((h.kind, h.created_ms));
    let enrolment = enrolment(device).map_err(|e| (e, header))?;
    let me = device.identity().device;
    if let Err(err) = parties(&opened, me, enrolment.org, enrolment.centre) {
        return Err((err, header));
    }
    if h.kind == BundleKind::DeviceToDevice
        && sync::certificate::server_key(&device.conn())
            .map_err(|e| (e.into(), header))?
            .is_none()
    {
        return Err((ExchangeError::ServerKeyUnknown, header));
    }
    bundle::check_opened(device, &opened).map_err(|why| (ExchangeError::Tampered(why), header))?;
    Ok(Checked {
        kind: h.kind,
        created_ms: h.created_ms,
    })
}

fn read(path: &Path) -> Result<Vec<u8>, ExchangeError> {
    match bundle::read_file(path) {
        Ok(bytes) => Ok(bytes),
        Err(CoreError::BadRequest(why)) => Err(ExchangeError::Unreadable(why)),
        Err(err) => Err(err.into()),
    }
}

fn format_refusal(err: BundleError) -> ExchangeError {
    let why = err.to_string();
    match err {
        BundleError::Short(_)
        | BundleError::TooLarge(_)
        | BundleError::Magic
        | BundleError::Format(_)
        | BundleError::Write(_) => ExchangeError::Unreadable(why),
        BundleError::Checksum
        | BundleError::Tag
        | BundleError::Signature
        | BundleError::Malformed(_)
        | BundleError::Content(_) => ExchangeError::Tampered(why),
    }
}

/// Whose file it is, from its header: organisation, direction, device, and
/// for a file from another laptop, its centre.
fn parties(
    opened: &Opened<'_>,
    me: qalam_model::DeviceId,
    org: qalam_model::OrgId,
    centre: qalam_model::CentreId,
) -> Result<(), ExchangeError> {
    let h = &opened.header;
    if h.org != org {
        return Err(ExchangeError::OtherOrg(format!(
            "this sync file belongs to organisation {}, but this device is enrolled in {org}; it was not loaded",
            h.org
        )));
    }
    match (h.kind, h.device == me) {
        (BundleKind::ServerToDevice, true) => Ok(()),
        (BundleKind::DeviceToServer, true) => Err(ExchangeError::OwnBundle(
            "this sync file was written by this device; take it to the campus server and import it there".into(),
        )),
        (BundleKind::ServerToDevice, false) => Err(ExchangeError::OtherDevice(format!(
            "this sync file was written for device {}, not for this device {me}; load it on that device",
            h.device
        ))),
        (BundleKind::DeviceToServer, false) => Err(ExchangeError::OtherDevice(format!(
            "this sync file was written by device {} for the campus server; import it on the server",
            h.device
        ))),
        (BundleKind::DeviceToDevice, true) => Err(ExchangeError::OwnBundle(
            "this sync file was written by this laptop for the other laptops of its centre; load it on one of them".into(),
        )),
        (BundleKind::DeviceToDevice, false) if h.centre != centre => {
            Err(ExchangeError::OtherCentre(format!(
                "this sync file was written at centre {}, not at this laptop's centre; sync both laptops through the campus server instead",
                h.centre
            )))
        }
        (BundleKind::DeviceToDevice, false) => Ok(()),
    }
}

// ------------------------------------------------------------------ import

/// What `bundle_import` merged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BundleLoaded {
    pub file: String,
    /// Events in the file.
    pub events: u64,
    /// Events new on this device.
    pub new: u64,
    /// Events this device held already.
    pub duplicates: u64,
}

/// Checks the sync file `file` on the stick `mount` whole, then merges it
/// as `qalam bundle import` does. A refused file stores nothing.
pub fn bundle_import(
    device: &Device,
    token: Option<&str>,
    mount: &str,
    file: &str,
) -> Result<BundleLoaded, ExchangeError> {
    let by = facilitator(device, token)?;
    let root = stick(device, mount)?;
    let path = file_on(&root, file)?;
    if !path.is_file() {
        return Err(CoreError::NotFound {
            what: "sync file on the stick",
            id: file.to_string(),
        }
        .into());
    }
    if let Err((err, _)) = check(device, &path) {
        tracing::warn!(file, code = err.code(), %err, "sync file refused");
        return Err(err);
    }
    let report = bundle::bundle_import(device, &path)?;
    tracing::info!(facilitator = %by.learner, file, new = report.new, "sync file loaded from a stick");
    Ok(BundleLoaded {
        file: file.to_string(),
        events: report.events,
        new: report.new,
        duplicates: report.duplicates,
    })
}

// ------------------------------------------------------------ enrolment

/// The enrolment file on the stick at `root`: at its top, where the
/// admin's `qalam server enrol-code --out` usually puts it, else in its
/// `qalam-sync` folder. Only a regular file counts, so a link on a
/// stick cannot point the app at a file elsewhere on the disk.
fn enrolment_file_on(root: &Path) -> Option<PathBuf> {
    [
        root.join(ENROLMENT_FILE_NAME),
        root.join(SYNC_FOLDER).join(ENROLMENT_FILE_NAME),
    ]
    .into_iter()
    .find(|path| std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file()))
}

/// The arguments of `enrol_from_stick`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct StickEnrolArgs {
    #[serde(default)]
    pub mount: String,
    /// The campus server's address, instead of the one in the file (or
    /// when the file names none).
    #[serde(default)]
    pub server: Option<String>,
}

/// What `enrol_from_stick` did.
#[derive(Debug, Clone, Serialize)]
pub struct StickEnrolled {
    /// The file it read, relative to the stick: the facilitator should
    /// delete it, since it holds the code until the server binds it.
    pub file: String,
    pub centre_name: String,
    pub org: String,
    pub centre: String,
    /// The campus server this device syncs with; `None` when neither the
    /// file nor the facilitator named one (sync files on a stick then).
    pub server: Option<String>,
    /// Always true here: the campus server binds the code to this device
    /// at its first sync or the first sync file it imports from it.
    pub pending: bool,
}

/// Enrols the device offline from the enrolment file on the stick `mount`
/// (docs/SYNC_PROTOCOL.md, "Enrolling offline"), as `qalam enrol --file`
/// does, then starts the background sync if there is a server to reach.
/// `sync_status` shows the enrolment afterwards. Errors: `forbidden`,
/// `stick_missing`, `already_enrolled`, `enrolment_file_missing`,
/// `enrolment_file_bad`, `bad_address` (the server given), `io`.
pub fn enrol_from_stick(
    device: &Arc<Device>,
    token: Option<&str>,
    args: &StickEnrolArgs,
) -> Result<StickEnrolled, ExchangeError> {
    let by = facilitator(device, token)?;
    let root = stick(device, &args.mount)?;
    // Said before anything about the file: an enrolled device has no use
    // for one, whatever it holds.
    if let Some(existing) = state::enrolment(&device.conn())? {
        return Err(SyncError::AlreadyEnrolled {
            server: existing.url,
        }
        .into());
    }
    let path = enrolment_file_on(&root)
        .ok_or_else(|| ExchangeError::EnrolmentFileMissing(args.mount.clone()))?;
    let file = read_enrolment_file(&path)?;
    let server = args
        .server
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let enrolment = sync::enrol_from_file(device, &file, server).map_err(|err| {
        tracing::warn!(%err, "enrolment from a stick failed");
        ExchangeError::from(err)
    })?;
    tracing::info!(facilitator = %by.learner, centre = %enrolment.centre, "device enrolled from a file on a stick");
    // Nothing to try without a server: the worker would only fail until
    // one is given (`sync_now` starts it then).
    if !enrolment.url.is_empty() {
        syncing::start_worker(device, std::time::Duration::ZERO);
    }
    let relative = path.strip_prefix(&root).unwrap_or(&path);
    Ok(StickEnrolled {
        file: relative.display().to_string(),
        centre_name: file.centre_name.clone(),
        org: enrolment.org.to_string(),
        centre: enrolment.centre.to_string(),
        server: (!enrolment.url.is_empty()).then(|| enrolment.url.clone()),
        pending: true,
    })
}

/// Reads at most one byte more than an enrolment file may hold, so a huge
/// file on the stick is refused without being read whole.
fn read_enrolment_file(path: &Path) -> Result<EnrolmentFile, ExchangeError> {
    use std::io::Read;
    let limit = u64::try_from(MAX_ENROLMENT_FILE_BYTES).unwrap_or(u64::MAX) + 1;
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(limit).read_to_end(&mut bytes))
        .map_err(|e| CoreError::io("read the enrolment file on the stick", path, e))?;
    EnrolmentFile::parse(&bytes).map_err(|e| ExchangeError::EnrolmentFileBad(e.to_string()))
}

// --------------------------------------------------------------- catalogue

/// What `catalogue_list` answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CatalogueView {
    pub server: String,
    /// One per pack id: the highest version offered, sorted by title.
    pub packs: Vec<CatalogueItem>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CatalogueState {
    /// Not installed here.
    Available,
    /// A lower version is installed.
    UpdateAvailable,
    /// This version, or a newer one, is installed.
    Installed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CatalogueItem {
    pub id: String,
    pub version: String,
    pub title: LocalText,
    pub languages: Vec<String>,
    pub size_bytes: u64,
    pub installed_version: Option<String>,
    pub state: CatalogueState,
    /// This session's download of the pack, if any.
    pub download: Option<DownloadStatus>,
}

/// The campus server's catalogue for this device, with what is installed
/// here. A network call: the database is held only to read the enrolment
/// and the installed packs.
pub fn catalogue_list(
    device: &Device,
    token: Option<&str>,
    lang: &str,
) -> Result<CatalogueView, ExchangeError> {
    facilitator(device, token)?;
    enrolment(device)?;
    let (server, entries) = download::catalogue(device, &FetchOptions::default())?;
    let installed: HashMap<String, String> = storage::packs::list(&device.conn())?
        .into_iter()
        .map(|row| (row.id, row.version))
        .collect();
    let downloads = device.exchange.all();
    let mut packs: Vec<CatalogueItem> = download::plan(&entries, |id| installed.get(id).cloned())
        .into_iter()
        .filter_map(|step| {
            let (entry, state) = match step {
                Step::Fetch(entry) if installed.contains_key(&entry.id) => {
                    (entry, CatalogueState::UpdateAvailable)
                }
                Step::Fetch(entry) => (entry, CatalogueState::Available),
                Step::UpToDate { offered, .. } => (offered, CatalogueState::Installed),
                Step::Malformed(entry, why) => {
                    tracing::warn!(pack = %entry.id, %why, "catalogue entry left out");
                    return None;
                }
            };
            Some(item(entry, state, lang, &installed, &downloads))
        })
        .collect();
    packs.sort_by_key(|p| p.title.text.to_lowercase());
    Ok(CatalogueView { server, packs })
}

fn item(
    entry: CatalogueEntry,
    state: CatalogueState,
    lang: &str,
    installed: &HashMap<String, String>,
    downloads: &[DownloadStatus],
) -> CatalogueItem {
    let mut title = entry.title.clone();
    if title.is_empty() {
        title.insert(String::from("en"), entry.id.clone());
    }
    CatalogueItem {
        title: super::local_text(&title, lang, &entry.languages),
        installed_version: installed.get(&entry.id).cloned(),
        download: downloads
            .iter()
            .find(|d| d.id == entry.id && d.version == entry.version)
            .cloned(),
        id: entry.id,
        version: entry.version,
        languages: entry.languages,
        size_bytes: entry.size,
        state,
    }
}

// --------------------------------------------------------------- downloads

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DownloadState {
    Running,
    /// Installed, or found up to date.
    Done,
    /// Refused, or cut off: `code` and `message` say why; fetching again
    /// resumes a cut download.
    Failed,
}

/// One download of this session, as `pack_fetch` and `pack_fetch_status`
/// report it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DownloadStatus {
    pub id: String,
    pub version: String,
    pub state: DownloadState,
    /// Bytes of the pack on this device so far (resumed ones included).
    pub bytes_done: u64,
    /// The pack's size, once the catalogue was read.
    pub bytes_total: u64,
    /// Bytes already here from an earlier attempt, not fetched again.
    pub resumed_from: u64,
    pub outcome: Option<FetchOutcome>,
    /// For `failed`: an error code, or an import reason
    /// (`untrusted`, `invalid_pack`, `interrupted`, …).
    pub code: Option<String>,
    pub message: Option<String>,
}

/// What these calls keep in the [`Device`]: this session's downloads, and
/// the verdicts of listed sync files, so that a stick polled every few
/// seconds is not read whole again while nothing on it changed.
#[derive(Debug, Default)]
pub struct Exchange {
    downloads: Mutex<HashMap<String, DownloadStatus>>,
    verdicts: Mutex<HashMap<PathBuf, (Stamp, BundleFile)>>,
}

/// A listed file's verdict holds while its size and modification time,
/// the device's id, its enrolment (organisation and key) and the campus
/// server's key it learnt (which checks other laptops' files) are the same.
type Stamp = (
    u64,
    SystemTime,
    qalam_model::DeviceId,
    Option<(qalam_model::OrgId, [u8; 32], Option<[u8; 32]>)>,
);

/// Verdicts kept at most; the cache starts over past it.
const MAX_VERDICTS: usize = 1_000;

impl Exchange {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, DownloadStatus>> {
        self.downloads.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn verdict(&self, path: &Path, stamp: &Stamp) -> Option<BundleFile> {
        let verdicts = self.verdicts.lock().unwrap_or_else(|p| p.into_inner());
        verdicts
            .get(path)
            .filter(|(kept, _)| kept == stamp)
            .map(|(_, file)| file.clone())
    }

    fn keep_verdict(&self, path: PathBuf, stamp: Stamp, file: &BundleFile) {
        let mut verdicts = self.verdicts.lock().unwrap_or_else(|p| p.into_inner());
        if verdicts.len() >= MAX_VERDICTS {
            verdicts.clear();
        }
        verdicts.insert(path, (stamp, file.clone()));
    }

    fn all(&self) -> Vec<DownloadStatus> {
        let mut all: Vec<DownloadStatus> = self.lock().values().cloned().collect();
        all.sort_by(|a, b| a.id.cmp(&b.id));
        all
    }

    fn update(&self, id: &str, change: impl FnOnce(&mut DownloadStatus)) {
        if let Some(status) = self.lock().get_mut(id) {
            change(status);
        }
    }

    /// Registers a new download of `id`, unless one is running.
    fn begin(&self, id: &str, version: &str) -> Result<DownloadStatus, Box<DownloadStatus>> {
        let mut all = self.lock();
        if let Some(running) = all.values().find(|d| d.state == DownloadState::Running) {
            return Err(Box::new(running.clone()));
        }
        let status = DownloadStatus {
            id: id.to_string(),
            version: version.to_string(),
            state: DownloadState::Running,
            bytes_done: 0,
            bytes_total: 0,
            resumed_from: 0,
            outcome: None,
            code: None,
            message: None,
        };
        all.insert(id.to_string(), status.clone());
        Ok(status)
    }
}

/// The arguments of `pack_fetch`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct FetchArgs {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub version: String,
}

/// Starts downloading and installing `id` `version` from the catalogue and
/// answers at once; poll `pack_fetch_status`. One download runs at a time:
/// asking for the running one again answers its status. After a dropped
/// link, asking again resumes from the bytes already here.
pub fn pack_fetch(
    device: &Arc<Device>,
    token: Option<&str>,
    args: &FetchArgs,
) -> Result<DownloadStatus, ExchangeError> {
    let by = facilitator(device, token)?;
    let (id, version) = (args.id.trim(), args.version.trim());
    if id.is_empty() || version.is_empty() {
        return Err(CoreError::BadRequest("choose a pack from the catalogue".into()).into());
    }
    enrolment(device)?;
    let started = match device.exchange.begin(id, version) {
        Ok(started) => started,
        Err(running) if running.id == id && running.version == version => return Ok(*running),
        Err(running) => {
            return Err(CoreError::Conflict(format!(
                "{} is downloading; wait for it to finish, then try again",
                running.id
            ))
            .into());
        }
    };
    tracing::info!(facilitator = %by.learner, pack = id, version, "pack download started from the app");
    let (worker, id_owned, version_owned) =
        (Arc::clone(device), id.to_string(), version.to_string());
    let spawned = std::thread::Builder::new()
        .name(format!("fetch-{id}"))
        .spawn(move || run_fetch(&worker, &id_owned, &version_owned));
    if let Err(err) = spawned {
        let message = format!("could not start the download: {err}");
        device.exchange.update(id, |s| fail(s, "internal", message));
        return Err(CoreError::io("start the download", Path::new(""), err).into());
    }
    Ok(started)
}

fn run_fetch(device: &Device, id: &str, version: &str) {
    let mut progress = |entry: &CatalogueEntry, bytes: u64| {
        device.exchange.update(id, |s| {
            s.bytes_total = entry.size;
            s.bytes_done = bytes.min(entry.size);
        });
    };
    let result =
        download::fetch_entry(device, &FetchOptions::default(), id, version, &mut progress);
    device.exchange.update(id, |s| match result {
        Ok(fetch) => finish(s, fetch),
        Err(err) => {
            let err = ExchangeError::from(err);
            let api = ApiError::from(err);
            fail(s, &api.code, api.message);
        }
    });
}

fn finish(status: &mut DownloadStatus, fetch: PackFetch) {
    status.outcome = Some(fetch.outcome);
    status.resumed_from = fetch.resumed_from;
    if fetch.complete() {
        status.state = DownloadState::Done;
        status.bytes_done = status.bytes_total;
        status.message = Some(fetch.message);
        return;
    }
    let code = fetch
        .reason
        .and_then(|r| serde_json::to_value(r).ok())
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| String::from("device_error"));
    fail(status, &code, fetch.message);
}

fn fail(status: &mut DownloadStatus, code: &str, message: String) {
    tracing::warn!(pack = %status.id, code, %message, "pack download did not complete");
    status.state = DownloadState::Failed;
    status.code = Some(code.to_string());
    status.message = Some(one_line(&message));
}

/// This session's downloads: running, done and failed.
pub fn pack_fetch_status(
    device: &Device,
    token: Option<&str>,
) -> Result<Vec<DownloadStatus>, ExchangeError> {
    facilitator(device, token)?;
    Ok(device.exchange.all())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_enrolment_file_is_named_as_the_admin_writes_it() {
        // The message spells the name out (a format argument cannot be
        // mixed with the variant's field); this keeps the two in step.
        let err = ExchangeError::EnrolmentFileMissing("/media/usb".into());
        assert!(err.to_string().contains(ENROLMENT_FILE_NAME));
        assert_eq!(err.code(), "enrolment_file_missing");
    }

    #[test]
    fn export_names_say_whose_and_when() {
        assert_eq!(
            export_name(SERVER_FILE_PREFIX, "ab12", 1_767_600_000_000),
            "from-ab12-20260105-080000.qbundle"
        );
        assert_eq!(
            export_name(PEERS_FILE_PREFIX, "ab12", 1_767_600_000_000),
            "peers-ab12-20260105-080000.qbundle"
        );
    }

    #[test]
    fn only_plain_names_reach_the_sync_folder() {
        let root = Path::new("/media/STICK");
        assert_eq!(
            file_on(root, "a.qbundle").ok(),
            Some(root.join(SYNC_FOLDER).join("a.qbundle"))
        );
        for bad in [
            "",
            "..",
            "../x",
            "a/b",
            "a\\b",
            ".hidden",
            "/etc/passwd",
            "C:x",
        ] {
            assert!(file_on(root, bad).is_err(), "{bad}");
        }
    }
}
