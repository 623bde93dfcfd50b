//! The fold: state as a deterministic function of a set of events.
//!
//! Every rule here is commutative, associative and idempotent over events
//! identified by `(device, seq)`, so the state is the same whatever order
//! the events arrive in and however often each arrives:
//!
//! - grow-only facts (opened, completed, mastered, course completed,
//!   registered, deleted) keep the *earliest* stamp that asserted them;
//! - changeable fields are last-writer-wins registers ordered by
//!   [`Stamp`] (HLC, then device id, then seq);
//! - sums and counts (time on task, attempts, answers) add each event once,
//!   because the state remembers which `(device, seq)` it has applied;
//! - a tombstone (`learner_deleted`) hides the learner for good: whatever
//!   its stamp, no event before or after it brings the learner back.
//!
//! Events of kinds this build does not know, and events whose payload is
//! malformed, change nothing but a counter: they stay in the log and are
//! forwarded, and a newer build that knows them folds them.
//!
//! The fold assumes that `(device, seq)` names one event. The store and the
//! chain check guarantee it: a second, different event under the same id is
//! a conflict there and is never stored (see `docs/EVENTS.md`).

use std::collections::BTreeMap;

use serde::{Serialize, Serializer};

use crate::event::{Event, EventId};
use crate::hlc::{Hlc, Stamp};
use crate::ids::{DeviceId, LearnerId};
use crate::payload::{LearnerRegistered, LearnerUpdated, Payload, Position, Role};
use crate::seqset::SeqSet;

/// A last-writer-wins register: the value written by the greatest stamp.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Lww<T> {
    pub value: T,
    pub stamp: Stamp,
}

/// Writes `value` into `slot` if `stamp` is greater than what is there.
fn offer<T>(slot: &mut Option<Lww<T>>, value: T, stamp: Stamp) {
    if slot.as_ref().is_none_or(|held| stamp > held.stamp) {
        *slot = Some(Lww { value, stamp });
    }
}

/// Keeps the earliest stamp of a grow-only fact.
fn earliest(slot: &mut Option<Stamp>, stamp: Stamp) {
    if slot.is_none_or(|held| stamp < held) {
        *slot = Some(stamp);
    }
}

/// Keeps the latest stamp (for "most recent" orderings).
fn latest(slot: &mut Option<Stamp>, stamp: Stamp) {
    if slot.is_none_or(|held| stamp > held) {
        *slot = Some(stamp);
    }
}

/// A learner's or facilitator's profile. Each field is its own register, so
/// a rename on one laptop and a PIN reset on another both survive.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Profile {
    /// Earliest `learner_registered`. A profile whose registration has not
    /// arrived yet has `None` here and should not be shown.
    pub registered: Option<Stamp>,
    pub name: Option<Lww<String>>,
    pub avatar: Option<Lww<String>>,
    pub language: Option<Lww<String>>,
    pub pin_hash: Option<Lww<Option<String>>>,
    pub picture_password_hash: Option<Lww<Option<String>>>,
    pub role: Option<Lww<Role>>,
    /// `learner_archived` writes true, `learner_restored` false.
    pub archived: Option<Lww<bool>>,
}

/// How a profile signs in: the kind of its secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SignInWith {
    /// No secret: the profile signs in with a tap.
    None,
    /// A PIN (or a facilitator's password).
    Pin,
    /// A picture password: 4 pictures out of 9, sent as digits 1 to 9.
    Pictures,
}

impl SignInWith {
    pub const fn name(self) -> &'static str {
        match self {
            SignInWith::None => "none",
            SignInWith::Pin => "pin",
            SignInWith::Pictures => "pictures",
        }
    }
}

impl Profile {
    /// The kind of the profile's secret. The two secrets are registers of
    /// their own (`pin_hash`, `picture_password_hash`); a device that sets
    /// one clears the other in the same event, so both carry the same
    /// stamp and the newer event wins for both. Should both hold a hash
    /// anyway (events of an older build, which wrote only the PIN), the one
    /// written by the greater stamp is the secret in force; on a tie, the PIN.
    pub fn sign_in_with(&self) -> SignInWith {
        let set = |field: &Option<Lww<Option<String>>>| {
            field
                .as_ref()
                .and_then(|l| l.value.as_ref().map(|_| l.stamp))
        };
        match (set(&self.pin_hash), set(&self.picture_password_hash)) {
            (None, None) => SignInWith::None,
            (Some(_), None) => SignInWith::Pin,
            (None, Some(_)) => SignInWith::Pictures,
            (Some(pin), Some(pictures)) if pictures > pin => SignInWith::Pictures,
            (Some(_), Some(_)) => SignInWith::Pin,
        }
    }

    /// The hash of the secret in force (see [`Profile::sign_in_with`]).
    pub fn secret_hash(&self) -> Option<&str> {
        fn value(field: &Option<Lww<Option<String>>>) -> Option<&str> {
            field.as_ref().and_then(|l| l.value.as_deref())
        }
        match self.sign_in_with() {
            SignInWith::None => None,
            SignInWith::Pin => value(&self.pin_hash),
            SignInWith::Pictures => value(&self.picture_password_hash),
        }
    }
}

/// Progress in one lesson.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LessonState {
    /// Earliest `lesson_opened`.
    pub opened: Option<Stamp>,
    /// Latest event of any kind about this lesson: "continue where you
    /// stopped" sorts by it.
    pub last_activity: Option<Stamp>,
    /// Sum of `active_seconds` over distinct `lesson_progressed` events.
    pub active_seconds: u64,
    /// Position of the latest `lesson_progressed`.
    pub position: Option<Lww<Position>>,
    /// Earliest `lesson_completed`.
    pub completed: Option<Stamp>,
}

/// One question's answers across all attempts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct QuestionState {
    pub answers: u64,
    /// Answered correctly at least once (grow-only).
    pub ever_correct: bool,
}

/// Attempts at one quiz.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct QuizState {
    /// Distinct `quiz_attempted` events.
    pub attempts: u64,
    pub questions: BTreeMap<String, QuestionState>,
    /// Highest score of any attempt.
    pub best_score: Option<u8>,
    /// Score of the latest scored attempt.
    pub last_score: Option<Lww<u8>>,
    /// Earliest `quiz_mastered`.
    pub mastered: Option<Stamp>,
}

/// Everything about one pack (course) for one learner.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PackState {
    pub lessons: BTreeMap<String, LessonState>,
    pub quizzes: BTreeMap<String, QuizState>,
    /// Earliest `course_completed`.
    pub completed: Option<Stamp>,
}

/// One learner's folded state.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LearnerState {
    /// Tombstone: earliest `learner_deleted`. When set, everything else is
    /// empty and stays empty.
    pub deleted: Option<Stamp>,
    pub profile: Profile,
    pub packs: BTreeMap<String, PackState>,
    /// Latest HLC of any event about the learner (recent-first picker).
    pub last_active: Option<Hlc>,
}

impl LearnerState {
    pub fn is_deleted(&self) -> bool {
        self.deleted.is_some()
    }

    /// Registered, not deleted and not archived: shown in the picker.
    pub fn is_active(&self) -> bool {
        self.deleted.is_none()
            && self.profile.registered.is_some()
            && !self.profile.archived.as_ref().is_some_and(|a| a.value)
    }
}

/// What the fold knows about each device that wrote events.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DeviceState {
    /// Sequence numbers applied, as ranges.
    #[serde(serialize_with = "ranges")]
    pub applied: SeqSet,
    /// Greatest HLC among its events.
    pub max_hlc: Hlc,
    /// Events of a kind or version this build does not know.
    pub unknown: u64,
    /// Events of a known kind and version whose payload does not decode.
    pub malformed: u64,
}

fn ranges<S: Serializer>(set: &SeqSet, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(set.ranges().map(|r| (*r.start(), *r.end())))
}

/// The whole folded state.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct State {
    pub learners: BTreeMap<LearnerId, LearnerState>,
    pub devices: BTreeMap<DeviceId, DeviceState>,
}

/// Whether [`State::apply`] changed anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// First time this `(device, seq)` was seen.
    New,
    /// Already applied: nothing changed.
    Duplicate,
}

/// Folds events into a fresh state. Same result for any order of the same
/// events, with or without duplicates.
pub fn fold<'a>(events: impl IntoIterator<Item = &'a Event>) -> State {
    let mut state = State::default();
    for event in events {
        state.apply(event);
    }
    state
}

impl State {
    pub fn new() -> Self {
        State::default()
    }

    /// True if the event with this id has been applied.
    pub fn contains(&self, id: EventId) -> bool {
        self.devices
            .get(&id.device)
            .is_some_and(|d| d.applied.contains(id.seq))
    }

    pub fn learner(&self, id: LearnerId) -> Option<&LearnerState> {
        self.learners.get(&id)
    }

    /// Applies one event. An event already applied changes nothing.
    pub fn apply(&mut self, event: &Event) -> Applied {
        let device = self.devices.entry(event.device).or_default();
        if !device.applied.insert(event.seq) {
            return Applied::Duplicate;
        }
        device.max_hlc = device.max_hlc.max(event.hlc);
        let payload = match event.payload() {
            Ok(Payload::Unknown(_)) => {
                device.unknown += 1;
                return Applied::New;
            }
            Ok(payload) => payload,
            Err(_) => {
                device.malformed += 1;
                return Applied::New;
            }
        };
        let learner = self.learners.entry(event.learner).or_default();
        apply_to_learner(learner, event.stamp(), payload);
        Applied::New
    }
}

fn apply_to_learner(learner: &mut LearnerState, stamp: Stamp, payload: Payload) {
    if let Payload::LearnerDeleted(_) = payload {
        earliest(&mut learner.deleted, stamp);
        // Erase what was folded so far; later events are ignored below, so
        // the state is the same whichever came first.
        learner.profile = Profile::default();
        learner.packs.clear();
        learner.last_active = None;
        return;
    }
    if learner.deleted.is_some() {
        return;
    }
    learner.last_active = learner.last_active.max(Some(stamp.hlc));
    match payload {
        Payload::LearnerRegistered(p) => register(&mut learner.profile, p, stamp),
        Payload::LearnerUpdated(p) => update(&mut learner.profile, p, stamp),
        Payload::LearnerArchived(_) => offer(&mut learner.profile.archived, true, stamp),
        Payload::LearnerRestored(_) => offer(&mut learner.profile.archived, false, stamp),
        Payload::LessonOpened(p) => {
            let lesson = lesson(learner, p.pack, p.lesson, stamp);
            earliest(&mut lesson.opened, stamp);
        }
        Payload::LessonProgressed(p) => {
            let lesson = lesson(learner, p.pack, p.lesson, stamp);
            lesson.active_seconds = lesson
                .active_seconds
                .saturating_add(u64::from(p.active_seconds));
            offer(&mut lesson.position, p.position, stamp);
        }
        Payload::LessonCompleted(p) => {
            let lesson = lesson(learner, p.pack, p.lesson, stamp);
            earliest(&mut lesson.completed, stamp);
        }
        Payload::QuizAttempted(p) => quiz(learner, p.pack, p.quiz).attempts += 1,
        Payload::QuestionAnswered(p) => {
            let question = quiz(learner, p.pack, p.quiz)
                .questions
                .entry(p.question)
                .or_default();
            question.answers += 1;
            question.ever_correct |= p.correct;
        }
        Payload::QuizScored(p) => {
            let quiz = quiz(learner, p.pack, p.quiz);
            quiz.best_score = quiz.best_score.max(Some(p.score_percent));
            offer(&mut quiz.last_score, p.score_percent, stamp);
        }
        Payload::QuizMastered(p) => {
            earliest(&mut quiz(learner, p.pack, p.quiz).mastered, stamp);
        }
        Payload::CourseCompleted(p) => {
            earliest(
                &mut learner.packs.entry(p.pack).or_default().completed,
                stamp,
            );
        }
        // Handled above, or ignored by design.
        Payload::LearnerDeleted(_) | Payload::Unknown(_) => {}
    }
}

fn lesson(
    learner: &mut LearnerState,
    pack: String,
    lesson: String,
    stamp: Stamp,
) -> &mut LessonState {
    let state = learner
        .packs
        .entry(pack)
        .or_default()
        .lessons
        .entry(lesson)
        .or_default();
    latest(&mut state.last_activity, stamp);
    state
}

fn quiz(learner: &mut LearnerState, pack: String, quiz: String) -> &mut QuizState {
    learner
        .packs
        .entry(pack)
        .or_default()
        .quizzes
        .entry(quiz)
        .or_default()
}

fn register(profile: &mut Profile, p: LearnerRegistered, stamp: Stamp) {
    earliest(&mut profile.registered, stamp);
    offer(&mut profile.name, p.name, stamp);
    offer(&mut profile.avatar, p.avatar, stamp);
    offer(&mut profile.language, p.language, stamp);
    offer(&mut profile.pin_hash, p.pin_hash, stamp);
    offer(
        &mut profile.picture_password_hash,
        p.picture_password_hash,
        stamp,
    );
    offer(&mut profile.role, p.role, stamp);
}

fn update(profile: &mut Profile, p: LearnerUpdated, stamp: Stamp) {
    if let Some(name) = p.name {
        offer(&mut profile.name, name, stamp);
    }
    if let Some(avatar) = p.avatar {
        offer(&mut profile.avatar, avatar, stamp);
    }
    if let Some(language) = p.language {
        offer(&mut profile.language, language, stamp);
    }
    if let Some(pin) = p.pin_hash {
        offer(&mut profile.pin_hash, pin, stamp);
    }
    if let Some(picture) = p.picture_password_hash {
        offer(&mut profile.picture_password_hash, picture, stamp);
    }
    if let Some(role) = p.role {
        offer(&mut profile.role, role, stamp);
    }
}

#[cfg(test)]
mod tests;
