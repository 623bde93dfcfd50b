//! Opportunistic sync: a loop for a thread of its own (the desktop shell,
//! `qalam sync` without `--once`). It probes the server cheaply
//! (`GET /healthz`) and syncs when it answers; after a failure it waits
//! with exponential backoff and jitter, so many laptops coming back on one
//! link do not all knock at once.

use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

use super::client::HttpClient;
use super::{SyncError, SyncOptions, SyncReport, state, sync_once};
use crate::device::Device;

#[derive(Debug, Clone)]
pub struct BackgroundOptions {
    pub sync: SyncOptions,
    /// Pause after a successful attempt.
    pub every: Duration,
    /// First pause after a failure; doubled per failure in a row.
    pub backoff_base: Duration,
    /// Longest pause after failures.
    pub backoff_max: Duration,
    /// How long the reachability probe may take.
    pub probe_timeout: Duration,
}

impl Default for BackgroundOptions {
    fn default() -> Self {
        BackgroundOptions {
            sync: SyncOptions::default(),
            every: Duration::from_secs(60),
            backoff_base: Duration::from_secs(5),
            backoff_max: Duration::from_secs(15 * 60),
            probe_timeout: Duration::from_secs(5),
        }
    }
}

/// The pause after `failures` failures in a row: `base · 2^(failures−1)`,
/// capped at `max`, scaled by `jitter` in `[0, 1)` to between half and all
/// of it ("equal jitter"). Pure, for tests.
pub fn backoff_delay(failures: u32, base: Duration, max: Duration, jitter: f64) -> Duration {
    let exp = failures.saturating_sub(1).min(30);
    let full = base.saturating_mul(1u32 << exp).min(max);
    let jitter = if jitter.is_finite() {
        jitter.clamp(0.0, 1.0)
    } else {
        0.0
    };
    full.mul_f64(0.5 + 0.5 * jitter)
}

fn random_unit() -> f64 {
    let mut bytes = [0u8; 8];
    if getrandom::fill(&mut bytes).is_err() {
        return 0.5;
    }
    (u64::from_le_bytes(bytes) >> 11) as f64 / (1u64 << 53) as f64
}

/// Probes and syncs until `stop` receives a message or its sender is
/// dropped. `on_attempt` sees every attempt's outcome (a probe that found
/// the server unreachable counts as a failed attempt).
pub fn run_background(
    device: &Device,
    options: &BackgroundOptions,
    stop: &Receiver<()>,
    mut on_attempt: impl FnMut(&Result<SyncReport, SyncError>),
) {
    let mut failures: u32 = 0;
    loop {
        let outcome = probe(device, options).and_then(|()| sync_once(device, &options.sync));
        on_attempt(&outcome);
        let pause = match &outcome {
            Ok(_) => {
                failures = 0;
                options.every
            }
            Err(_) => {
                failures = failures.saturating_add(1);
                backoff_delay(
                    failures,
                    options.backoff_base,
                    options.backoff_max,
                    random_unit(),
                )
            }
        };
        match stop.recv_timeout(pause) {
            Err(RecvTimeoutError::Timeout) => continue,
            Ok(()) | Err(RecvTimeoutError::Disconnected) => return,
        }
    }
}

/// Whether the enrolled server answers `/healthz`: cheap, no credential.
pub fn probe(device: &Device, options: &BackgroundOptions) -> Result<(), SyncError> {
    let enrolment = state::enrolment(&device.conn())?.ok_or(SyncError::NotEnrolled)?;
    let url = options.sync.server.as_deref().unwrap_or(&enrolment.url);
    HttpClient::pinned(url, None, enrolment.ca_pem.as_deref())?.healthz(options.probe_timeout)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_caps_and_jitters() {
        let (base, max) = (Duration::from_secs(5), Duration::from_secs(60));
        assert_eq!(backoff_delay(1, base, max, 1.0), Duration::from_secs(5));
        assert_eq!(backoff_delay(2, base, max, 1.0), Duration::from_secs(10));
        assert_eq!(backoff_delay(3, base, max, 1.0), Duration::from_secs(20));
        assert_eq!(backoff_delay(9, base, max, 1.0), max);
        assert_eq!(backoff_delay(u32::MAX, base, max, 1.0), max);
        assert_eq!(backoff_delay(3, base, max, 0.0), Duration::from_secs(10));
        assert_eq!(
            backoff_delay(3, base, max, f64::NAN),
            Duration::from_secs(10)
        );
        for _ in 0..100 {
            let d = backoff_delay(4, base, max, random_unit());
            assert!(d >= Duration::from_secs(20) && d <= Duration::from_secs(40));
        }
    }

    #[test]
    fn the_loop_stops_when_asked() {
        let dir = tempfile::tempdir().unwrap();
        let device = Device::open(dir.path(), crate::Settings::default()).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let mut attempts = 0;
        tx.send(()).unwrap();
        run_background(&device, &BackgroundOptions::default(), &rx, |outcome| {
            attempts += 1;
            assert!(matches!(outcome, Err(SyncError::NotEnrolled)));
        });
        assert_eq!(attempts, 1);
    }
}
