//! Facilitator-only service calls, each checked against the session first.
//! The UI's transports call these; the `qalam` CLI (a local operator tool
//! with access to the data folder anyway) calls the unchecked functions in
//! [`super`] and [`super::learners`] directly.

use std::path::PathBuf;
use std::sync::Arc;

use qalam_model::payload::{LearnerArchived, LearnerUpdated};
use qalam_model::{LearnerState, Payload, Role};

use super::learners::{self, LearnerSummary, Progress};
use super::session::{facilitator, parse_learner, role_of};
use super::types::*;
use crate::device::Device;
use crate::error::CoreError;
use crate::storage::projections;
use crate::storage::repair::RepairReport;

pub fn usb_scan(
    device: &Device,
    token: Option<&str>,
    lang: &str,
) -> Result<Vec<UsbSource>, CoreError> {
    facilitator(device, token)?;
    Ok(super::usb_scan(device, lang))
}

pub fn import_start(
    device: &Arc<Device>,
    token: Option<&str>,
    paths: Vec<PathBuf>,
    allow_untrusted: bool,
) -> Result<JobStarted, CoreError> {
    facilitator(device, token)?;
    super::import_start(device, paths, allow_untrusted)
}

pub fn import_status(
    device: &Device,
    token: Option<&str>,
    job: u64,
) -> Result<ImportStatus, CoreError> {
    facilitator(device, token)?;
    super::import_status(device, job)
}

pub fn pack_remove(device: &Device, token: Option<&str>, id: &str) -> Result<(), CoreError> {
    facilitator(device, token)?;
    super::pack_remove(device, id)
}

pub fn trust_list(device: &Device, token: Option<&str>) -> Result<Vec<TrustedKey>, CoreError> {
    facilitator(device, token)?;
    super::trust_list(device)
}

pub fn trust_add(
    device: &Device,
    token: Option<&str>,
    public_key_text: &str,
    name: Option<&str>,
) -> Result<TrustedKey, CoreError> {
    facilitator(device, token)?;
    super::trust_add(device, public_key_text, name)
}

/// What `learner_add` takes.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct NewLearner {
    pub name: String,
    #[serde(default)]
    pub pin: Option<String>,
    #[serde(default)]
    pub facilitator: bool,
    /// `pin` is a picture password: 4 digits 1–9 (picture k is digit k).
    #[serde(default)]
    pub pictures: bool,
    #[serde(default)]
    pub avatar: String,
    #[serde(default)]
    pub language: String,
}

/// Adds a learner (or, with `facilitator`, a facilitator account).
pub fn learner_add(
    device: &Device,
    token: Option<&str>,
    new: &NewLearner,
) -> Result<LearnerSummary, CoreError> {
    let by = facilitator(device, token)?;
    let role = if new.facilitator {
        Role::Facilitator
    } else {
        Role::Learner
    };
    let secret = learners::NewSecret::of(new.pin.as_deref(), new.pictures)?;
    learners::register(
        device,
        &new.name,
        secret,
        role,
        new.avatar.trim(),
        new.language.trim(),
        Some(by.learner),
    )
}

/// A registered, not deleted profile (archived ones included).
fn existing(
    device: &Device,
    id: &str,
) -> Result<(qalam_model::LearnerId, LearnerState), CoreError> {
    let learner = parse_learner(id)?;
    let state = projections::load(&device.conn(), learner)?
        .filter(|s| s.profile.registered.is_some() && !s.is_deleted())
        .ok_or_else(|| CoreError::NotFound {
            what: "learner",
            id: id.to_string(),
        })?;
    Ok((learner, state))
}

fn updated(device: &Device, learner: qalam_model::LearnerId) -> Result<LearnerSummary, CoreError> {
    let state = projections::load(&device.conn(), learner)?.unwrap_or_default();
    Ok(learners::summary(learner, &state))
}

pub fn learner_rename(
    device: &Device,
    token: Option<&str>,
    learner_id: &str,
    name: &str,
) -> Result<LearnerSummary, CoreError> {
    let by = facilitator(device, token)?;
    let (learner, _) = existing(device, learner_id)?;
    let name = learners::check_name(name)?;
    learners::record(
        device,
        learner,
        vec![Payload::LearnerUpdated(LearnerUpdated {
            name: Some(name.to_string()),
            by: Some(by.learner),
            ..LearnerUpdated::default()
        })],
    )?;
    updated(device, learner)
}

/// Hides a profile from the picker and ends its sessions; its progress is
/// kept. A facilitator cannot archive their own account.
pub fn learner_archive(
    device: &Device,
    token: Option<&str>,
    learner_id: &str,
) -> Result<LearnerSummary, CoreError> {
    let by = facilitator(device, token)?;
    let (learner, _) = existing(device, learner_id)?;
    if learner == by.learner {
        return Err(CoreError::BadRequest(
            "you cannot archive your own account while signed in to it".into(),
        ));
    }
    learners::record(
        device,
        learner,
        vec![Payload::LearnerArchived(LearnerArchived {
            by: Some(by.learner),
        })],
    )?;
    device.sessions.end_all_of(learner);
    updated(device, learner)
}

/// Sets a new PIN (a password for a facilitator account), or with
/// `pictures` a picture password, or removes the secret when `pin` is
/// `None`; clears the wrong-PIN wait and ends the profile's sessions. A
/// facilitator account's password cannot be removed. Both secret fields are
/// written in one event, so the kind of secret follows the newest reset.
pub fn learner_reset_pin(
    device: &Device,
    token: Option<&str>,
    learner_id: &str,
    pin: Option<&str>,
    pictures: bool,
) -> Result<LearnerSummary, CoreError> {
    let by = facilitator(device, token)?;
    let (learner, state) = existing(device, learner_id)?;
    let role = role_of(&state);
    let secret = learners::NewSecret::of(pin, pictures)?;
    if secret == learners::NewSecret::None && role == Role::Facilitator {
        return Err(CoreError::BadRequest(
            "a facilitator account needs a password; give a new one".into(),
        ));
    }
    let (pin_hash, picture_hash) = secret.hashes(role)?;
    learners::record(
        device,
        learner,
        vec![Payload::LearnerUpdated(LearnerUpdated {
            pin_hash: Some(pin_hash),
            picture_password_hash: Some(picture_hash),
            by: Some(by.learner),
            ..LearnerUpdated::default()
        })],
    )?;
    device.sessions.clear_throttle(learner);
    if learner != by.learner {
        device.sessions.end_all_of(learner);
    }
    updated(device, learner)
}

/// What `doctor_repair` did, and what `doctor` finds afterwards.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RepairOutcome {
    pub repair: RepairReport,
    pub doctor: crate::events::check::Report,
}

/// Repairs the device database (see `qalam doctor --repair`) and runs the
/// doctor's checks again. Every other call waits while it runs.
pub fn doctor_repair(device: &Device, token: Option<&str>) -> Result<RepairOutcome, CoreError> {
    let by = facilitator(device, token)?;
    tracing::warn!(facilitator = %by.learner, "database repair started from the app");
    let repair = device.repair()?;
    let doctor = learners::doctor(device)?;
    Ok(RepairOutcome { repair, doctor })
}

/// Every profile of the centre (archived ones flagged) with its progress.
pub fn centre_progress(device: &Device, token: Option<&str>) -> Result<Progress, CoreError> {
    facilitator(device, token)?;
    learners::progress(device, None)
}

/// Every active and archived profile, for the facilitator's list.
pub fn learner_list(
    device: &Device,
    token: Option<&str>,
) -> Result<Vec<LearnerSummary>, CoreError> {
    facilitator(device, token)?;
    let all = projections::load_profiles(&device.conn())?;
    let mut list: Vec<LearnerSummary> = all
        .iter()
        .filter(|(_, s)| s.profile.registered.is_some() && !s.is_deleted())
        .map(|(id, s)| learners::summary(*id, s))
        .collect();
    list.sort_by(|a, b| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then_with(|| a.id.cmp(&b.id))
    });
    Ok(list)
}
