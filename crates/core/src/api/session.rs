//! Signing in on a shared laptop: the profile picker, PIN checks with a
//! per-profile slow-down, and in-memory sessions that end after a period of
//! inactivity. Every non-public service call starts with [`authenticate`]
//! or [`facilitator`], so roles and per-learner isolation are enforced here,
//! whatever the transport.
//!
//! Sessions and the slow-down live in memory only: a restart signs everyone
//! out (which is safe) and forgets wrong-PIN counts (a restart of the app
//! takes long enough that this does not help guessing much).

use std::collections::HashMap;
use std::sync::Mutex;

use qalam_model::{LearnerId, LearnerState, Role, SignInWith};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::learners::verify_pin;
use crate::device::Device;
use crate::error::CoreError;
use crate::storage::projections;

/// Wrong PINs allowed before each further attempt has to wait.
pub const FREE_ATTEMPTS: u32 = 3;
/// The wait after the first counted wrong PIN; it doubles with each one.
pub const FIRST_DELAY_S: u64 = 5;
/// The longest wait.
pub const MAX_DELAY_S: u64 = 15 * 60;

/// Who is calling: the signed-in profile and its role, read from the
/// profile at every call (a role change or an archive applies at once).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caller {
    pub learner: LearnerId,
    pub role: Role,
}

#[derive(Debug, Clone)]
struct Session {
    learner: LearnerId,
    last_seen_ms: u64,
}

#[derive(Debug, Clone, Copy, Default)]
struct Throttle {
    failures: u32,
    locked_until_ms: u64,
}

/// The device's sessions (keyed by the sha256 of the token, so a lookup
/// does not compare secrets byte by byte) and wrong-PIN counts.
#[derive(Debug, Default)]
pub struct Sessions {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    sessions: HashMap<[u8; 32], Session>,
    throttles: HashMap<LearnerId, Throttle>,
}

impl Sessions {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Ends every session of `learner` (after an archive or a PIN reset).
    pub(crate) fn end_all_of(&self, learner: LearnerId) {
        self.lock().sessions.retain(|_, s| s.learner != learner);
    }

    /// Forgets the wrong-PIN count of `learner` (after a PIN reset).
    pub(crate) fn clear_throttle(&self, learner: LearnerId) {
        self.lock().throttles.remove(&learner);
    }
}

fn key_of(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// One profile as the picker shows it, and nothing more.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PickerProfile {
    pub id: String,
    pub name: String,
    pub avatar: String,
    /// Whether the profile needs a secret (kept for older UIs).
    pub has_pin: bool,
    /// `"none"`, `"pin"` or `"pictures"`: what to ask for before `sign_in`.
    /// A picture password is sent as `pin`, picture k as digit k.
    pub sign_in_with: &'static str,
}

/// Active profiles (not archived, not deleted), most recently active first.
pub fn profiles_for_picker(device: &Device) -> Result<Vec<PickerProfile>, CoreError> {
    Ok(super::learners::learner_list(device)?
        .into_iter()
        .map(|s| PickerProfile {
            id: s.id,
            name: s.name,
            avatar: s.avatar,
            has_pin: s.has_pin,
            sign_in_with: s.sign_in_with,
        })
        .collect())
}

/// The answer to `sign_in` and `session_info`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SessionInfo {
    /// Only in the answer to `sign_in`: the secret to send with every call.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    pub learner_id: String,
    pub name: String,
    pub avatar: String,
    pub language: String,
    pub role: &'static str,
    /// Seconds of inactivity after which the session ends.
    pub idle_timeout_s: u64,
}

fn info(
    device: &Device,
    id: LearnerId,
    state: &LearnerState,
    token: Option<String>,
) -> SessionInfo {
    let p = &state.profile;
    let text = |f: &Option<qalam_model::fold::Lww<String>>| {
        f.as_ref().map(|l| l.value.clone()).unwrap_or_default()
    };
    SessionInfo {
        token,
        learner_id: id.to_hex(),
        name: text(&p.name),
        avatar: text(&p.avatar),
        language: text(&p.language),
        role: role_name(role_of(state)),
        idle_timeout_s: device.settings().session_idle_secs,
    }
}

pub(crate) fn role_of(state: &LearnerState) -> Role {
    state
        .profile
        .role
        .as_ref()
        .map_or(Role::Learner, |l| l.value)
}

pub(crate) fn role_name(role: Role) -> &'static str {
    match role {
        Role::Learner => "learner",
        Role::Facilitator => "facilitator",
    }
}

/// Parses a learner id given by a caller; an unknown one is `not_found`.
pub(crate) fn parse_learner(text: &str) -> Result<LearnerId, CoreError> {
    text.trim().parse().map_err(|_| CoreError::NotFound {
        what: "learner",
        id: text.to_string(),
    })
}

/// Signs in to an active profile. A profile with a PIN (or a facilitator's
/// password) needs it; digits in any script are accepted. A facilitator
/// without a password cannot sign in here. After [`FREE_ATTEMPTS`] wrong
/// PINs, each further attempt must wait (5 s, doubling, at most 15 min)
/// and is answered `slow_down` without checking the PIN.
pub fn sign_in(
    device: &Device,
    learner_id: &str,
    pin: Option<&str>,
) -> Result<SessionInfo, CoreError> {
    let id = parse_learner(learner_id)?;
    let state = projections::load(&device.conn(), id)?
        .filter(LearnerState::is_active)
        .ok_or_else(|| CoreError::NotFound {
            what: "learner",
            id: learner_id.to_string(),
        })?;
    let now = device.clock().now_ms();
    if let Some(t) = device.sessions.lock().throttles.get_mut(&id)
        && t.locked_until_ms > now
    {
        // A clock turned back must not lock a profile for longer than the
        // longest wait.
        t.locked_until_ms = t.locked_until_ms.min(now + MAX_DELAY_S * 1000);
        return Err(CoreError::SlowDown {
            retry_after_s: (t.locked_until_ms - now).div_ceil(1000),
        });
    }
    // The secret in force: a PIN, a password or a picture password, all
    // checked (and slowed down) alike.
    let kind = state.profile.sign_in_with();
    let hash = state.profile.secret_hash().map(str::to_string);
    let what = if kind == SignInWith::Pictures {
        "picture password"
    } else {
        "PIN"
    };
    match (&hash, pin.map(str::trim).filter(|p| !p.is_empty())) {
        (None, _) if role_of(&state) == Role::Facilitator => {
            return Err(CoreError::Forbidden(
                "this facilitator account has no password yet; set one with `qalam learner add NAME --pin PASSWORD --facilitator`".into(),
            ));
        }
        (None, _) => {}
        (Some(_), None) => {
            return Err(CoreError::WrongPin(format!(
                "this profile has a {what}; enter it to continue"
            )));
        }
        (Some(hash), Some(pin)) => {
            if !verify_pin(hash, pin) {
                let mut inner = device.sessions.lock();
                let t = inner.throttles.entry(id).or_default();
                t.failures += 1;
                if t.failures >= FREE_ATTEMPTS {
                    let doublings = (t.failures - FREE_ATTEMPTS).min(20);
                    let delay = (FIRST_DELAY_S << doublings).min(MAX_DELAY_S);
                    t.locked_until_ms = now + delay * 1000;
                    return Err(CoreError::SlowDown {
                        retry_after_s: delay,
                    });
                }
                return Err(CoreError::WrongPin(format!(
                    "that {what} is not right; try again"
                )));
            }
        }
    }
    let token = new_token()?;
    let mut inner = device.sessions.lock();
    inner.throttles.remove(&id);
    inner.sessions.insert(
        key_of(&token),
        Session {
            learner: id,
            last_seen_ms: now,
        },
    );
    Ok(info(device, id, &state, Some(token)))
}

fn new_token() -> Result<String, CoreError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| CoreError::BadRequest(format!("could not make a session token: {e}")))?;
    Ok(hex::encode(bytes))
}

/// Ends the session. Ending an unknown or expired session is not an error.
pub fn sign_out(device: &Device, token: Option<&str>) {
    if let Some(token) = token {
        device.sessions.lock().sessions.remove(&key_of(token));
    }
}

/// The signed-in profile, refreshing the session's inactivity timer.
pub fn session_info(device: &Device, token: Option<&str>) -> Result<SessionInfo, CoreError> {
    let (caller, state) = caller_and_state(device, token)?;
    Ok(info(device, caller.learner, &state, None))
}

fn unauthenticated() -> CoreError {
    CoreError::Unauthenticated("you are signed out; choose your profile and sign in again".into())
}

fn caller_and_state(
    device: &Device,
    token: Option<&str>,
) -> Result<(Caller, LearnerState), CoreError> {
    let token = token.ok_or_else(unauthenticated)?;
    let key = key_of(token);
    let now = device.clock().now_ms();
    let idle_ms = device.settings().session_idle_secs.saturating_mul(1000);
    let learner = {
        let mut inner = device.sessions.lock();
        // Forget every expired session, not only this one.
        inner
            .sessions
            .retain(|_, s| now.saturating_sub(s.last_seen_ms) < idle_ms);
        let session = inner.sessions.get_mut(&key).ok_or_else(unauthenticated)?;
        session.last_seen_ms = session.last_seen_ms.max(now);
        session.learner
    };
    let state = projections::load(&device.conn(), learner)?
        .filter(LearnerState::is_active)
        .ok_or_else(|| {
            device.sessions.end_all_of(learner);
            unauthenticated()
        })?;
    Ok((
        Caller {
            learner,
            role: role_of(&state),
        },
        state,
    ))
}

/// The caller of a call that any signed-in profile may make.
pub fn authenticate(device: &Device, token: Option<&str>) -> Result<Caller, CoreError> {
    caller_and_state(device, token).map(|(caller, _)| caller)
}

/// The caller of a call that only a facilitator may make.
pub fn facilitator(device: &Device, token: Option<&str>) -> Result<Caller, CoreError> {
    let caller = authenticate(device, token)?;
    if caller.role != Role::Facilitator {
        return Err(CoreError::Forbidden(
            "only a facilitator can do this; ask your facilitator".into(),
        ));
    }
    Ok(caller)
}
