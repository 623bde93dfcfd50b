//! Typed event payloads.
//!
//! Each kind has a name that maps onto an xAPI verb (see `docs/EVENTS.md`),
//! a schema version, and a frozen byte layout. A kind or a version that this
//! build does not know decodes to [`Payload::Unknown`] with its bytes intact,
//! so an old laptop stores and forwards events written by a newer one.
//!
//! Wire format: do not modify. The layout of each `(kind, schema)` pair is
//! part of the hashed bytes of every event of that kind. To change a payload,
//! add a new schema version next to the old one and keep decoding both.
//!
//! Packs, lessons and quizzes are named by the ids in the pack manifest,
//! which stay the same across pack versions, so progress survives updates.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::ids::LearnerId;
use crate::wire::{DecodeError, Reader, Writer};

/// Longest pack, lesson, quiz or question id accepted in a payload.
/// Manifest ids are at most 64 characters; the headroom is for the future.
pub const MAX_REF_LEN: usize = 255;
/// Longest free text in a payload (a name, an answer, a hash string).
pub const MAX_TEXT_LEN: usize = 4096;

/// A payload that this build knows the kind and version of but whose bytes
/// do not follow the layout. Only a buggy or hostile writer produces this.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("malformed {kind} v{schema} payload: {source}")]
pub struct PayloadError {
    pub kind: String,
    pub schema: u16,
    #[source]
    pub source: DecodeError,
}

/// What a profile may do. Facilitators add and manage learners.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Learner,
    Facilitator,
}

impl Role {
    fn to_byte(self) -> u8 {
        match self {
            Role::Learner => 0,
            Role::Facilitator => 1,
        }
    }

    fn read(r: &mut Reader<'_>) -> Result<Role, DecodeError> {
        match r.u8("role")? {
            0 => Ok(Role::Learner),
            1 => Ok(Role::Facilitator),
            other => Err(DecodeError::OutOfRange {
                what: "role",
                value: u64::from(other),
            }),
        }
    }
}

/// How far through a lesson the learner is, from 0 to 1 in steps of
/// 1/10,000. Stored as an integer so that equality, hashing and the fold
/// are exact on every machine.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(try_from = "u16", into = "u16")]
pub struct Position(u16);

impl Position {
    /// Units in the whole lesson.
    pub const SCALE: u16 = 10_000;
    pub const START: Position = Position(0);
    pub const END: Position = Position(Self::SCALE);

    /// `None` above [`Position::SCALE`].
    pub const fn new(units: u16) -> Option<Position> {
        if units <= Self::SCALE {
            Some(Position(units))
        } else {
            None
        }
    }

    /// The nearest position to a fraction; clamped to 0..=1, NaN is 0.
    pub fn from_fraction(fraction: f64) -> Position {
        if fraction.is_nan() || fraction <= 0.0 {
            Position(0)
        } else if fraction >= 1.0 {
            Position::END
        } else {
            Position((fraction * f64::from(Self::SCALE)).round() as u16)
        }
    }

    pub const fn units(self) -> u16 {
        self.0
    }

    pub fn as_fraction(self) -> f64 {
        f64::from(self.0) / f64::from(Self::SCALE)
    }
}

impl TryFrom<u16> for Position {
    type Error = String;
    fn try_from(units: u16) -> Result<Self, Self::Error> {
        Position::new(units).ok_or_else(|| format!("position {units} is above 10000"))
    }
}

impl From<Position> for u16 {
    fn from(position: Position) -> u16 {
        position.0
    }
}

/// A profile was created. The event's learner id is the new profile's id.
/// xAPI: `registered`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LearnerRegistered {
    pub name: String,
    /// Id of the avatar picture shown in the profile picker.
    pub avatar: String,
    /// BCP 47 tag of the learner's interface language.
    pub language: String,
    /// Hash of the PIN (or a facilitator's password), an argon2 PHC string
    /// made elsewhere; `None` when the profile has no PIN.
    pub pin_hash: Option<String>,
    /// Hash of the picture password, made elsewhere.
    pub picture_password_hash: Option<String>,
    pub role: Role,
    /// The facilitator who registered the profile, if one did.
    pub by: Option<LearnerId>,
}

/// Some profile fields changed; each `None` leaves a field as it was.
/// For the two secrets, `Some(None)` removes the secret.
/// A rename is an update with only `name`. xAPI: none (profile data is not
/// exported as statements).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LearnerUpdated {
    pub name: Option<String>,
    pub avatar: Option<String>,
    pub language: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "double_option"
    )]
    pub pin_hash: Option<Option<String>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "double_option"
    )]
    pub picture_password_hash: Option<Option<String>>,
    pub role: Option<Role>,
    pub by: Option<LearnerId>,
}

/// The profile is hidden from the picker; its progress is kept.
/// Undone by [`LearnerRestored`]. xAPI: none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LearnerArchived {
    pub by: Option<LearnerId>,
}

/// An archived profile is shown again. xAPI: none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LearnerRestored {
    pub by: Option<LearnerId>,
}

/// Tombstone: the profile is deleted for good. Nothing written before or
/// after it for this learner shows in any state again. xAPI: none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LearnerDeleted {
    pub by: Option<LearnerId>,
}

/// The learner opened a lesson. xAPI: `launched`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonOpened {
    pub pack: String,
    pub lesson: String,
}

/// The learner moved through a lesson. xAPI: `progressed`
/// (result.extensions: position, duration).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonProgressed {
    pub pack: String,
    pub lesson: String,
    /// Where the learner is now (the lesson reopens here).
    pub position: Position,
    /// Seconds of honest time on task since the previous progress event of
    /// this lesson on this device (visible and active only).
    pub active_seconds: u32,
}

/// The pack's completion rule for the lesson was met. xAPI: `completed`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonCompleted {
    pub pack: String,
    pub lesson: String,
}

/// The learner started an attempt at a quiz. Answers and the score of the
/// attempt refer to it by this event's sequence number. xAPI: `attempted`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuizAttempted {
    pub pack: String,
    pub quiz: String,
}

/// The learner answered one question. xAPI: `answered`
/// (result.success = correct, result.response = answer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionAnswered {
    pub pack: String,
    pub quiz: String,
    pub question: String,
    /// Sequence number, on the same device, of the [`QuizAttempted`] event
    /// that opened the attempt. Attempts never span devices, so the device
    /// id in the envelope plus this number name the attempt everywhere.
    pub attempt: u64,
    /// The answer as the UI normalised it (choice ids, digits in ASCII).
    pub answer: String,
    pub correct: bool,
}

/// An attempt ended with a score. xAPI: `scored`
/// (result.score.scaled = score_percent / 100).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuizScored {
    pub pack: String,
    pub quiz: String,
    /// Sequence number of the attempt's [`QuizAttempted`] event.
    pub attempt: u64,
    /// 0 to 100.
    pub score_percent: u8,
}

/// The quiz's mastery rule was met. xAPI: `mastered`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuizMastered {
    pub pack: String,
    pub quiz: String,
}

/// Every lesson of a pack (a course) is completed. xAPI: `completed`
/// (object: the course).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourseCompleted {
    pub pack: String,
}

/// A payload whose kind or schema version this build does not know,
/// kept byte for byte.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnknownPayload {
    pub kind: String,
    pub schema: u16,
    #[serde(with = "hex_bytes")]
    pub bytes: Vec<u8>,
}

/// Every payload an event can carry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "fields", rename_all = "snake_case")]
pub enum Payload {
    LearnerRegistered(LearnerRegistered),
    LearnerUpdated(LearnerUpdated),
    LearnerArchived(LearnerArchived),
    LearnerRestored(LearnerRestored),
    LearnerDeleted(LearnerDeleted),
    LessonOpened(LessonOpened),
    LessonProgressed(LessonProgressed),
    LessonCompleted(LessonCompleted),
    QuizAttempted(QuizAttempted),
    QuestionAnswered(QuestionAnswered),
    QuizScored(QuizScored),
    QuizMastered(QuizMastered),
    CourseCompleted(CourseCompleted),
    Unknown(UnknownPayload),
}

/// Every kind this build knows, with the one schema version it writes.
pub const KNOWN_KINDS: &[(&str, u16)] = &[
    ("learner_registered", 1),
    ("learner_updated", 1),
    ("learner_archived", 1),
    ("learner_restored", 1),
    ("learner_deleted", 1),
    ("lesson_opened", 1),
    ("lesson_progressed", 1),
    ("lesson_completed", 1),
    ("quiz_attempted", 1),
    ("question_answered", 1),
    ("quiz_scored", 1),
    ("quiz_mastered", 1),
    ("course_completed", 1),
];

impl Payload {
    /// The kind name stored in the envelope.
    pub fn kind(&self) -> &str {
        match self {
            Payload::LearnerRegistered(_) => "learner_registered",
            Payload::LearnerUpdated(_) => "learner_updated",
            Payload::LearnerArchived(_) => "learner_archived",
            Payload::LearnerRestored(_) => "learner_restored",
            Payload::LearnerDeleted(_) => "learner_deleted",
            Payload::LessonOpened(_) => "lesson_opened",
            Payload::LessonProgressed(_) => "lesson_progressed",
            Payload::LessonCompleted(_) => "lesson_completed",
            Payload::QuizAttempted(_) => "quiz_attempted",
            Payload::QuestionAnswered(_) => "question_answered",
            Payload::QuizScored(_) => "quiz_scored",
            Payload::QuizMastered(_) => "quiz_mastered",
            Payload::CourseCompleted(_) => "course_completed",
            Payload::Unknown(unknown) => &unknown.kind,
        }
    }

    /// The schema version stored in the envelope.
    pub fn schema(&self) -> u16 {
        match self {
            Payload::Unknown(unknown) => unknown.schema,
            _ => 1,
        }
    }

    /// The payload bytes in the frozen layout of its kind and version.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer::with_capacity(48);
        match self {
            Payload::LearnerRegistered(p) => {
                w.str(&p.name);
                w.str(&p.avatar);
                w.str(&p.language);
                w.opt_str(p.pin_hash.as_deref());
                w.opt_str(p.picture_password_hash.as_deref());
                w.u8(p.role.to_byte());
                write_opt_learner(&mut w, p.by);
            }
            Payload::LearnerUpdated(p) => write_updated(&mut w, p),
            Payload::LearnerArchived(LearnerArchived { by })
            | Payload::LearnerRestored(LearnerRestored { by })
            | Payload::LearnerDeleted(LearnerDeleted { by }) => write_opt_learner(&mut w, *by),
            Payload::LessonOpened(p) => {
                w.str(&p.pack);
                w.str(&p.lesson);
            }
            Payload::LessonProgressed(p) => {
                w.str(&p.pack);
                w.str(&p.lesson);
                w.varint(u64::from(p.position.units()));
                w.varint(u64::from(p.active_seconds));
            }
            Payload::LessonCompleted(p) => {
                w.str(&p.pack);
                w.str(&p.lesson);
            }
            Payload::QuizAttempted(p) => {
                w.str(&p.pack);
                w.str(&p.quiz);
            }
            Payload::QuestionAnswered(p) => {
                w.str(&p.pack);
                w.str(&p.quiz);
                w.str(&p.question);
                w.varint(p.attempt);
                w.str(&p.answer);
                w.bool(p.correct);
            }
            Payload::QuizScored(p) => {
                w.str(&p.pack);
                w.str(&p.quiz);
                w.varint(p.attempt);
                w.u8(p.score_percent);
            }
            Payload::QuizMastered(p) => {
                w.str(&p.pack);
                w.str(&p.quiz);
            }
            Payload::CourseCompleted(p) => w.str(&p.pack),
            Payload::Unknown(unknown) => w.fixed(&unknown.bytes),
        }
        w.into_bytes()
    }

    /// Reads a payload from the envelope's kind, schema version and bytes.
    ///
    /// A kind or version this build does not know gives [`Payload::Unknown`]
    /// (never an error), so that it can be stored and forwarded. A known
    /// kind and version whose bytes do not follow the layout is an error.
    pub fn decode(kind: &str, schema: u16, bytes: &[u8]) -> Result<Payload, PayloadError> {
        let unknown = || {
            Payload::Unknown(UnknownPayload {
                kind: kind.to_owned(),
                schema,
                bytes: bytes.to_vec(),
            })
        };
        if schema != 1 {
            return Ok(unknown());
        }
        let mut r = Reader::new(bytes);
        let decoded =
            match kind {
                "learner_registered" => read_registered(&mut r).map(Payload::LearnerRegistered),
                "learner_updated" => read_updated(&mut r).map(Payload::LearnerUpdated),
                "learner_archived" => read_opt_learner(&mut r)
                    .map(|by| Payload::LearnerArchived(LearnerArchived { by })),
                "learner_restored" => read_opt_learner(&mut r)
                    .map(|by| Payload::LearnerRestored(LearnerRestored { by })),
                "learner_deleted" => read_opt_learner(&mut r)
                    .map(|by| Payload::LearnerDeleted(LearnerDeleted { by })),
                "lesson_opened" => read_pair(&mut r, "lesson")
                    .map(|(pack, lesson)| Payload::LessonOpened(LessonOpened { pack, lesson })),
                "lesson_progressed" => read_progressed(&mut r).map(Payload::LessonProgressed),
                "lesson_completed" => read_pair(&mut r, "lesson").map(|(pack, lesson)| {
                    Payload::LessonCompleted(LessonCompleted { pack, lesson })
                }),
                "quiz_attempted" => read_pair(&mut r, "quiz")
                    .map(|(pack, quiz)| Payload::QuizAttempted(QuizAttempted { pack, quiz })),
                "question_answered" => read_answered(&mut r).map(Payload::QuestionAnswered),
                "quiz_scored" => read_scored(&mut r).map(Payload::QuizScored),
                "quiz_mastered" => read_pair(&mut r, "quiz")
                    .map(|(pack, quiz)| Payload::QuizMastered(QuizMastered { pack, quiz })),
                "course_completed" => r
                    .string("pack", MAX_REF_LEN)
                    .map(|pack| Payload::CourseCompleted(CourseCompleted { pack })),
                _ => return Ok(unknown()),
            };
        decoded
            .and_then(|payload| r.finish().map(|()| payload))
            .map_err(|source| PayloadError {
                kind: kind.to_owned(),
                schema,
                source,
            })
    }
}

fn write_opt_learner(w: &mut Writer, by: Option<LearnerId>) {
    match by {
        None => w.u8(0),
        Some(id) => {
            w.u8(1);
            w.fixed(id.as_bytes());
        }
    }
}

fn read_opt_learner(r: &mut Reader<'_>) -> Result<Option<LearnerId>, DecodeError> {
    if r.bool("by")? {
        Ok(Some(LearnerId::from_bytes(r.fixed("by")?)))
    } else {
        Ok(None)
    }
}

fn read_pair(r: &mut Reader<'_>, second: &'static str) -> Result<(String, String), DecodeError> {
    Ok((
        r.string("pack", MAX_REF_LEN)?,
        r.string(second, MAX_REF_LEN)?,
    ))
}

fn read_registered(r: &mut Reader<'_>) -> Result<LearnerRegistered, DecodeError> {
    Ok(LearnerRegistered {
        name: r.string("name", MAX_TEXT_LEN)?,
        avatar: r.string("avatar", MAX_REF_LEN)?,
        language: r.string("language", MAX_REF_LEN)?,
        pin_hash: r.opt_string("pin_hash", MAX_TEXT_LEN)?,
        picture_password_hash: r.opt_string("picture_password_hash", MAX_TEXT_LEN)?,
        role: Role::read(r)?,
        by: read_opt_learner(r)?,
    })
}

// learner_updated v1 starts with a bit set of the fields present, in this
// order; only those fields follow, in the same order.
const UPD_NAME: u8 = 1 << 0;
const UPD_AVATAR: u8 = 1 << 1;
const UPD_LANGUAGE: u8 = 1 << 2;
const UPD_PIN: u8 = 1 << 3;
const UPD_PICTURE: u8 = 1 << 4;
const UPD_ROLE: u8 = 1 << 5;
const UPD_BY: u8 = 1 << 6;
const UPD_ALL: u8 = (1 << 7) - 1;

fn write_updated(w: &mut Writer, p: &LearnerUpdated) {
    let mut present = 0u8;
    for (flag, is_set) in [
        (UPD_NAME, p.name.is_some()),
        (UPD_AVATAR, p.avatar.is_some()),
        (UPD_LANGUAGE, p.language.is_some()),
        (UPD_PIN, p.pin_hash.is_some()),
        (UPD_PICTURE, p.picture_password_hash.is_some()),
        (UPD_ROLE, p.role.is_some()),
        (UPD_BY, p.by.is_some()),
    ] {
        if is_set {
            present |= flag;
        }
    }
    w.u8(present);
    if let Some(name) = &p.name {
        w.str(name);
    }
    if let Some(avatar) = &p.avatar {
        w.str(avatar);
    }
    if let Some(language) = &p.language {
        w.str(language);
    }
    if let Some(pin) = &p.pin_hash {
        w.opt_str(pin.as_deref());
    }
    if let Some(picture) = &p.picture_password_hash {
        w.opt_str(picture.as_deref());
    }
    if let Some(role) = p.role {
        w.u8(role.to_byte());
    }
    if let Some(by) = p.by {
        w.fixed(by.as_bytes());
    }
}

fn read_updated(r: &mut Reader<'_>) -> Result<LearnerUpdated, DecodeError> {
    let present = r.u8("fields present")?;
    if present & !UPD_ALL != 0 {
        return Err(DecodeError::OutOfRange {
            what: "fields present",
            value: u64::from(present),
        });
    }
    let has = |flag: u8| present & flag != 0;
    let mut p = LearnerUpdated::default();
    if has(UPD_NAME) {
        p.name = Some(r.string("name", MAX_TEXT_LEN)?);
    }
    if has(UPD_AVATAR) {
        p.avatar = Some(r.string("avatar", MAX_REF_LEN)?);
    }
    if has(UPD_LANGUAGE) {
        p.language = Some(r.string("language", MAX_REF_LEN)?);
    }
    if has(UPD_PIN) {
        p.pin_hash = Some(r.opt_string("pin_hash", MAX_TEXT_LEN)?);
    }
    if has(UPD_PICTURE) {
        p.picture_password_hash = Some(r.opt_string("picture_password_hash", MAX_TEXT_LEN)?);
    }
    if has(UPD_ROLE) {
        p.role = Some(Role::read(r)?);
    }
    if has(UPD_BY) {
        p.by = Some(LearnerId::from_bytes(r.fixed("by")?));
    }
    Ok(p)
}

fn read_progressed(r: &mut Reader<'_>) -> Result<LessonProgressed, DecodeError> {
    let (pack, lesson) = read_pair(r, "lesson")?;
    let units = r.varint_u16("position")?;
    let position = Position::new(units).ok_or(DecodeError::OutOfRange {
        what: "position",
        value: u64::from(units),
    })?;
    Ok(LessonProgressed {
        pack,
        lesson,
        position,
        active_seconds: r.varint_u32("active_seconds")?,
    })
}

fn read_answered(r: &mut Reader<'_>) -> Result<QuestionAnswered, DecodeError> {
    Ok(QuestionAnswered {
        pack: r.string("pack", MAX_REF_LEN)?,
        quiz: r.string("quiz", MAX_REF_LEN)?,
        question: r.string("question", MAX_REF_LEN)?,
        attempt: r.varint("attempt")?,
        answer: r.string("answer", MAX_TEXT_LEN)?,
        correct: r.bool("correct")?,
    })
}

fn read_scored(r: &mut Reader<'_>) -> Result<QuizScored, DecodeError> {
    let (pack, quiz) = read_pair(r, "quiz")?;
    let attempt = r.varint("attempt")?;
    let score_percent = r.u8("score_percent")?;
    if score_percent > 100 {
        return Err(DecodeError::OutOfRange {
            what: "score_percent",
            value: u64::from(score_percent),
        });
    }
    Ok(QuizScored {
        pack,
        quiz,
        attempt,
        score_percent,
    })
}

/// JSON for "unchanged / removed / set": the field is absent, `null`, or
/// the value. Plain serde would read `null` back as "unchanged".
mod double_option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(
        value: &Option<Option<String>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(inner) => inner.serialize(serializer),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Option<String>>, D::Error> {
        Option::<String>::deserialize(deserializer).map(Some)
    }
}

/// Raw bytes as lowercase hex in JSON.
pub(crate) mod hex_bytes {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&hex::encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        hex::decode(text.as_ref()).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests;
