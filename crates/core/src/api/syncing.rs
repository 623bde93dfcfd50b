//! Sync from the app: the facilitator's view of it (`sync_status`), a
//! nudge (`sync_now`) and enrolment (`enrol_device`), and the device's
//! background sync worker they talk to.
//!
//! **The worker.** One thread per [`Device`], started by the long-running
//! shells (the window, `qalam serve`) when the device is enrolled, and
//! right after `enrol_device`. It waits, probes the campus server cheaply
//! (`GET /healthz`), runs one [`sync::sync_once`], and waits again: a
//! minute after a success, and after failures with the exponential backoff
//! and jitter of [`sync::backoff_delay`]. `sync_now` wakes it at once. It
//! keeps what it did in memory ([`SyncWorker`]) for `sync_status`, and
//! holds the device only for the length of an attempt, so dropping the
//! last other handle of the device ends it. Every service call here takes
//! at most a quick lock: nothing waits for the network but
//! `enrol_device`, which is the facilitator's explicit, single request.

use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::session::facilitator;
use super::types::ApiError;
use crate::device::Device;
use crate::sync::{self, BackgroundOptions, SyncError, SyncReport};

/// How long after start-up the worker makes its first attempt, so the
/// profile picker and the start-up checks go first.
pub const FIRST_ATTEMPT_DELAY: Duration = Duration::from_secs(10);

/// The longest error text kept for the UI.
const MAX_ERROR_CHARS: usize = 300;

/// What `sync_status` answers. Times are RFC 3339.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SyncStatus {
    pub enrolled: bool,
    /// The campus server's address, when enrolled with one (a device
    /// enrolled from a file may have none, and use sync files only).
    pub server: Option<String>,
    pub org: Option<String>,
    pub centre: Option<String>,
    /// The end of the last attempt (successful or not).
    pub last_attempt_at: Option<String>,
    /// The end of the last attempt that completed both directions.
    pub last_sync_at: Option<String>,
    /// Why the last attempt failed, in one line; `None` after a success.
    pub last_error: Option<String>,
    /// A stable code for `last_error` (the error codes of `enrol_device`):
    /// `server_unreachable`, `server_refused`, `server_version`,
    /// `sync_failed`, `not_enrolled`, `internal`.
    pub last_error_code: Option<&'static str>,
    /// This device's events the server did not hold at the last status.
    pub events_waiting: u64,
    /// Bytes sent and received by the last completed sync since the app
    /// started (`None` before the first one).
    pub bytes_sent: Option<u64>,
    pub bytes_received: Option<u64>,
    /// Events the last completed sync pushed and pulled (new ones).
    pub pushed: Option<u64>,
    pub pulled: Option<u64>,
    /// Bytes moved by every attempt since enrolment.
    pub total_bytes_sent: u64,
    pub total_bytes_received: u64,
    /// The device's clock minus the server's at the last status.
    pub skew_ms: Option<i64>,
    /// An attempt is running now, or `sync_now` asked for one that has not
    /// started yet.
    pub syncing: bool,
    /// The background worker is running.
    pub worker_running: bool,
    /// Attempts the worker finished since the app started; a poller sees
    /// it grow when an attempt it asked for is over.
    pub attempts: u64,
    /// Seconds until the worker's next attempt on its own, when waiting.
    pub next_attempt_in_s: Option<u64>,
}

/// The worker's handle and what it last did, kept in the [`Device`].
#[derive(Debug, Default)]
pub struct SyncWorker {
    inner: Mutex<Live>,
}

#[derive(Debug, Default)]
struct Live {
    /// Wakes the worker thread; `Some` while one runs.
    wake: Option<Sender<()>>,
    /// An attempt is running.
    running_attempt: bool,
    /// `sync_now` asked for an attempt that has not started yet.
    requested: bool,
    attempts: u64,
    last: Option<LastAttempt>,
    /// The last completed sync's report.
    last_report: Option<SyncReport>,
    next_attempt_at: Option<Instant>,
}

#[derive(Debug, Clone)]
struct LastAttempt {
    at: String,
    /// The attempt stopped at the reachability probe, so `sync_once` did
    /// not run and the database does not know about it.
    probe_only: bool,
    error: Option<(&'static str, String)>,
}

impl SyncWorker {
    fn lock(&self) -> MutexGuard<'_, Live> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether a worker thread is running.
    pub fn is_running(&self) -> bool {
        self.lock().wake.is_some()
    }
}

/// The code the UI and `sync_status` get for a sync or enrolment error.
pub fn error_code(err: &SyncError) -> &'static str {
    match err {
        SyncError::NotEnrolled => "not_enrolled",
        SyncError::AlreadyEnrolled { .. } => "already_enrolled",
        SyncError::BadServer(_) => "bad_address",
        SyncError::Network { .. } => "server_unreachable",
        SyncError::Refused { code, .. } if code == "enrol_code" => "enrol_code_refused",
        SyncError::Refused { .. } => "server_refused",
        SyncError::UnsupportedVersion { .. } => "server_version",
        SyncError::Protocol(_) | SyncError::Frame(_) | SyncError::Plan(_) => "sync_failed",
        SyncError::Core(err) => err.code(),
    }
}

/// One line of at most [`MAX_ERROR_CHARS`] characters.
fn one_line(text: &str) -> String {
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match joined.char_indices().nth(MAX_ERROR_CHARS) {
        Some((cut, _)) => format!("{}…", &joined[..cut]),
        None => joined,
    }
}

fn api_error(err: &SyncError) -> ApiError {
    ApiError::new(error_code(err), one_line(&err.to_string()))
}

fn sync_error_to_api(err: SyncError) -> ApiError {
    match err {
        SyncError::Core(core) => core.into(),
        other => api_error(&other),
    }
}

/// Sync as the facilitator sees it: the enrolment and what sync last did,
/// from the database and from the worker.
pub fn sync_status(device: &Device, token: Option<&str>) -> Result<SyncStatus, ApiError> {
    facilitator(device, token)?;
    status_of(device)
}

fn status_of(device: &Device) -> Result<SyncStatus, ApiError> {
    let state = sync::sync_state(device).map_err(sync_error_to_api)?;
    let live = device.sync_worker.lock();
    let (last_attempt_at, last_error, last_error_code) = match &live.last {
        Some(last) if last.probe_only => (
            Some(last.at.clone()),
            last.error.as_ref().map(|(_, m)| m.clone()),
            last.error.as_ref().map(|(c, _)| *c),
        ),
        last => {
            let code = state.last_error.as_ref().map(|_| {
                last.as_ref()
                    .and_then(|l| l.error.as_ref())
                    .map_or("sync_failed", |(c, _)| *c)
            });
            (
                state.last_attempt_at.clone(),
                state.last_error.as_deref().map(one_line),
                code,
            )
        }
    };
    let report = live.last_report.as_ref();
    Ok(SyncStatus {
        enrolled: state.enrolled,
        // A device enrolled from a file that names no server has an empty
        // address; the UI shows "none" rather than an empty one.
        server: state.server.filter(|url| !url.is_empty()),
        org: state.org.map(|o| o.to_string()),
        centre: state.centre.map(|c| c.to_string()),
        last_attempt_at,
        last_sync_at: state.last_sync_at,
        last_error,
        last_error_code,
        events_waiting: state.events_waiting,
        bytes_sent: report.map(|r| r.bytes_sent),
        bytes_received: report.map(|r| r.bytes_received),
        pushed: report.map(|r| r.pushed),
        pulled: report.map(|r| r.pulled),
        total_bytes_sent: state.bytes_sent,
        total_bytes_received: state.bytes_received,
        skew_ms: state.skew_ms,
        syncing: live.running_attempt || live.requested,
        worker_running: live.wake.is_some(),
        attempts: live.attempts,
        next_attempt_in_s: live
            .next_attempt_at
            .filter(|_| !live.running_attempt && !live.requested)
            .map(|at| at.saturating_duration_since(Instant::now()).as_secs()),
    })
}

/// Asks the worker for an attempt now and answers at once (with
/// `syncing: true`); poll `sync_status` to see it end. Starts the worker
/// if it is not running (the device was enrolled from the command line).
pub fn sync_now(device: &Arc<Device>, token: Option<&str>) -> Result<SyncStatus, ApiError> {
    facilitator(device, token)?;
    if !is_enrolled(device)? {
        return Err(api_error(&SyncError::NotEnrolled));
    }
    start_worker(device, Duration::ZERO);
    {
        let mut live = device.sync_worker.lock();
        if let Some(wake) = &live.wake {
            if wake.send(()).is_ok() {
                live.requested = true;
            } else {
                live.wake = None;
            }
        }
    }
    status_of(device)
}

/// The arguments of `enrol_device`.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct EnrolArgs {
    #[serde(default)]
    pub server: String,
    #[serde(default)]
    pub code: String,
}

/// Enrols the device with the campus server at `server` using a
/// single-use `code` (from `qalam server enrol-code`), then starts the
/// worker, whose first attempt begins at once. Waits for the server's
/// answer (up to the client's timeouts). Errors: `bad_request` (nothing
/// entered), `bad_address`, `server_unreachable`, `enrol_code_refused`
/// (unknown, used or expired code), `server_refused`, `server_version`,
/// `already_enrolled`.
pub fn enrol_device(
    device: &Arc<Device>,
    token: Option<&str>,
    args: &EnrolArgs,
) -> Result<SyncStatus, ApiError> {
    let by = facilitator(device, token)?;
    let (server, code) = (args.server.trim(), args.code.trim());
    if server.is_empty() {
        return Err(ApiError::bad_request(
            "enter the campus server's address, e.g. http://10.0.0.5:7878",
        ));
    }
    if code.is_empty() {
        return Err(ApiError::bad_request(
            "enter the enrolment code from the campus server",
        ));
    }
    let enrolment = sync::enrol(device, server, code).map_err(|err| {
        tracing::warn!(%err, "enrolment from the app failed");
        sync_error_to_api(err)
    })?;
    tracing::info!(facilitator = %by.learner, server = %enrolment.url, "device enrolled from the app");
    start_worker(device, Duration::ZERO);
    status_of(device)
}

fn is_enrolled(device: &Device) -> Result<bool, ApiError> {
    Ok(sync::state::enrolment(&device.conn())
        .map_err(sync_error_to_api)?
        .is_some())
}

/// Starts the device's sync worker if the device is enrolled and no worker
/// runs yet; its first attempt comes after `first_attempt`. Returns
/// whether a worker runs. The shells call it at launch with
/// [`FIRST_ATTEMPT_DELAY`].
pub fn start_worker(device: &Arc<Device>, first_attempt: Duration) -> bool {
    start_worker_with(device, first_attempt, BackgroundOptions::default())
}

/// [`start_worker`] with other timings (tests).
pub fn start_worker_with(
    device: &Arc<Device>,
    first_attempt: Duration,
    options: BackgroundOptions,
) -> bool {
    match is_enrolled(device) {
        Ok(true) => {}
        Ok(false) => return false,
        Err(err) => {
            tracing::warn!(%err, "could not read the enrolment; sync not started");
            return false;
        }
    }
    let mut live = device.sync_worker.lock();
    if live.wake.is_some() {
        return true;
    }
    let (wake, woken) = channel();
    let weak = Arc::downgrade(device);
    let spawned = std::thread::Builder::new()
        .name("sync".into())
        .spawn(move || run(weak, woken, first_attempt, options));
    match spawned {
        Ok(_) => {
            live.wake = Some(wake);
            live.next_attempt_at = Some(Instant::now() + first_attempt);
            // An attempt due at once counts as asked for, so a poller sees
            // `syncing` from this answer on.
            live.requested = first_attempt.is_zero();
            tracing::info!("background sync started");
            true
        }
        Err(err) => {
            tracing::warn!(%err, "could not start the background sync");
            false
        }
    }
}

/// Clears the worker's handle when its thread ends, however it ends.
struct Ended(Weak<Device>);

impl Drop for Ended {
    fn drop(&mut self) {
        if let Some(device) = self.0.upgrade() {
            let mut live = device.sync_worker.lock();
            live.wake = None;
            live.running_attempt = false;
            live.requested = false;
            live.next_attempt_at = None;
        }
    }
}

fn run(device: Weak<Device>, woken: Receiver<()>, first: Duration, options: BackgroundOptions) {
    let _ended = Ended(device.clone());
    let mut pause = first;
    let mut failures: u32 = 0;
    loop {
        match woken.recv_timeout(pause) {
            Ok(()) | Err(RecvTimeoutError::Timeout) => {}
            // The device was dropped: nobody can ask for sync any more.
            Err(RecvTimeoutError::Disconnected) => return,
        }
        while woken.try_recv().is_ok() {}
        let Some(device) = device.upgrade() else {
            return;
        };
        {
            let mut live = device.sync_worker.lock();
            live.running_attempt = true;
            live.requested = false;
            live.next_attempt_at = None;
        }
        let (outcome, probe_only) = attempt(&device, &options);
        pause = match &outcome {
            Ok(_) => {
                failures = 0;
                options.every
            }
            Err(_) => {
                failures = failures.saturating_add(1);
                sync::backoff_delay(
                    failures,
                    options.backoff_base,
                    options.backoff_max,
                    random_unit(),
                )
            }
        };
        let mut live = device.sync_worker.lock();
        live.running_attempt = false;
        live.attempts += 1;
        live.next_attempt_at = Some(Instant::now() + pause);
        let error = outcome.as_ref().err().map(|err| {
            let code = match err {
                SyncError::Core(core) => match core.code() {
                    "conflict" => "sync_failed",
                    _ => "internal",
                },
                other => error_code(other),
            };
            (code, one_line(&err.to_string()))
        });
        live.last = Some(LastAttempt {
            at: crate::storage::now_rfc3339(),
            probe_only,
            error,
        });
        if let Ok(report) = outcome {
            live.last_report = Some(report);
        }
    }
}

/// Probe, then one sync. Returns the outcome, and whether it stopped at
/// the probe.
fn attempt(device: &Device, options: &BackgroundOptions) -> (Result<SyncReport, SyncError>, bool) {
    let probe = sync::background::probe(device, options);
    if let Err(err) = probe {
        tracing::info!(%err, "campus server not reachable; sync waits");
        return (Err(err), true);
    }
    (sync::sync_once(device, &options.sync), false)
}

fn random_unit() -> f64 {
    let mut bytes = [0u8; 8];
    if getrandom::fill(&mut bytes).is_err() {
        return 0.5;
    }
    (u64::from_le_bytes(bytes) >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_one_short_line() {
        assert_eq!(one_line("a\n  b\tc "), "a b c");
        let long = "é".repeat(MAX_ERROR_CHARS + 10);
        let cut = one_line(&long);
        assert_eq!(cut.chars().count(), MAX_ERROR_CHARS + 1);
        assert!(cut.ends_with('…'));
    }

    #[test]
    fn sync_errors_have_stable_codes() {
        let refused = |code: &str| SyncError::Refused {
            status: 403,
            code: code.into(),
            message: "no".into(),
        };
        assert_eq!(error_code(&refused("enrol_code")), "enrol_code_refused");
        assert_eq!(error_code(&refused("revoked")), "server_refused");
        assert_eq!(
            error_code(&SyncError::Network {
                url: "http://x".into(),
                message: "refused".into()
            }),
            "server_unreachable"
        );
        assert_eq!(error_code(&SyncError::BadServer("x".into())), "bad_address");
        assert_eq!(error_code(&SyncError::NotEnrolled), "not_enrolled");
    }

    #[test]
    fn an_unenrolled_device_starts_no_worker() {
        let dir = tempfile::tempdir().unwrap();
        let device = Arc::new(Device::open(dir.path(), crate::Settings::default()).unwrap());
        assert!(!start_worker(&device, Duration::ZERO));
        assert!(!device.sync_worker.is_running());
        let status = status_of(&device).unwrap();
        assert!(!status.enrolled && !status.syncing && !status.worker_running);
        assert_eq!(status.last_error, None);
    }
}
