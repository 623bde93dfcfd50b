//! Profiles, progress and the event log, as service calls. Every change is
//! an event appended through [`crate::events::append`], so the projections
//! move in the same transaction. Roles will be enforced here, not in the UI.

use argon2::password_hash::{PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use qalam_model::payload::LearnerRegistered;
use qalam_model::{Event, LearnerId, LearnerState, Payload, Role, SignInWith, normalize_digits};
use serde::Serialize;

use crate::device::Device;
use crate::error::CoreError;
use crate::events::{self, check};
use crate::storage::repair::RepairReport;
use crate::storage::{self, projections};

/// Longest profile name, in characters.
pub const MAX_NAME_CHARS: usize = 80;

/// A profile as the picker and `learner list` show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LearnerSummary {
    pub id: String,
    pub name: String,
    pub avatar: String,
    pub language: String,
    pub role: &'static str,
    /// Whether the profile needs a secret to sign in (a PIN, a password or
    /// a picture password).
    pub has_pin: bool,
    /// `"none"`, `"pin"` or `"pictures"`: what the picker asks for.
    pub sign_in_with: &'static str,
    pub archived: bool,
    /// HLC of the learner's latest event (recent-first order).
    pub last_active: Option<qalam_model::Hlc>,
}

fn role_name(role: Option<Role>) -> &'static str {
    match role {
        Some(Role::Facilitator) => "facilitator",
        _ => "learner",
    }
}

pub(crate) fn summary(id: LearnerId, state: &LearnerState) -> LearnerSummary {
    let p = &state.profile;
    LearnerSummary {
        id: id.to_hex(),
        name: p.name.as_ref().map(|l| l.value.clone()).unwrap_or_default(),
        avatar: p
            .avatar
            .as_ref()
            .map(|l| l.value.clone())
            .unwrap_or_default(),
        language: p
            .language
            .as_ref()
            .map(|l| l.value.clone())
            .unwrap_or_default(),
        role: role_name(p.role.as_ref().map(|l| l.value)),
        has_pin: p.sign_in_with() != SignInWith::None,
        sign_in_with: p.sign_in_with().name(),
        archived: p.archived.as_ref().is_some_and(|l| l.value),
        last_active: state.last_active,
    }
}

/// A PIN as stored: its digits (any script) normalised to ASCII, 4 to 6 of
/// them, hashed with argon2id at OWASP's minimum (m = 19 MiB, t = 2, p = 1).
pub fn hash_pin(pin: &str) -> Result<String, CoreError> {
    let digits = normalize_digits(pin.trim());
    if !(4..=6).contains(&digits.chars().count()) || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(CoreError::BadRequest(
            "a PIN is 4 to 6 digits; choose another".into(),
        ));
    }
    hash_secret(&digits)
}

/// How many pictures a picture password has.
pub const PICTURE_COUNT: usize = 4;
/// How many pictures the picker offers (digits 1 to 9).
pub const PICTURE_ALPHABET: u32 = 9;

/// A picture password as stored: exactly [`PICTURE_COUNT`] pictures out of
/// [`PICTURE_ALPHABET`], sent as digits `1`–`9` (picture k is digit k, in
/// any script), hashed exactly like a PIN.
pub fn hash_pictures(pictures: &str) -> Result<String, CoreError> {
    let digits = normalize_digits(pictures.trim());
    let valid = digits.chars().count() == PICTURE_COUNT
        && digits.chars().all(|c| {
            c.to_digit(10)
                .is_some_and(|d| (1..=PICTURE_ALPHABET).contains(&d))
        });
    if !valid {
        return Err(CoreError::BadRequest(format!(
            "a picture password is exactly {PICTURE_COUNT} pictures, sent as digits 1 to {PICTURE_ALPHABET}; choose again"
        )));
    }
    hash_secret(&digits)
}

/// The secret a profile is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewSecret<'a> {
    /// None: the profile signs in with a tap (learners only).
    None,
    /// A PIN for a learner, a password for a facilitator.
    Pin(&'a str),
    /// A picture password (learners only).
    Pictures(&'a str),
}

impl<'a> NewSecret<'a> {
    /// The secret of the `pin` argument of `learner_add` and
    /// `learner_reset_pin`: a picture password when `pictures` is set.
    pub fn of(pin: Option<&'a str>, pictures: bool) -> Result<Self, CoreError> {
        match (pin.filter(|p| !p.trim().is_empty()), pictures) {
            (None, false) => Ok(NewSecret::None),
            (Some(pin), false) => Ok(NewSecret::Pin(pin)),
            (Some(pin), true) => Ok(NewSecret::Pictures(pin)),
            (None, true) => Err(CoreError::BadRequest(format!(
                "choose the {PICTURE_COUNT} pictures of the picture password"
            ))),
        }
    }

    /// The values of the two secret fields (`pin_hash`,
    /// `picture_password_hash`) for a profile of `role`. Setting one secret
    /// always clears the other in the same event, so the newer event
    /// decides the kind of secret on every device.
    pub fn hashes(self, role: Role) -> Result<(Option<String>, Option<String>), CoreError> {
        match self {
            NewSecret::None => Ok((None, None)),
            NewSecret::Pin(pin) => Ok((Some(hash_secret_for(role, pin)?), None)),
            NewSecret::Pictures(_) if role == Role::Facilitator => Err(CoreError::BadRequest(
                "a facilitator account needs a password, not a picture password".into(),
            )),
            NewSecret::Pictures(pictures) => Ok((None, Some(hash_pictures(pictures)?))),
        }
    }
}

fn hash_secret(text: &str) -> Result<String, CoreError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt)
        .map_err(|e| CoreError::BadRequest(format!("could not make a random salt: {e}")))?;
    let salt = SaltString::encode_b64(&salt)
        .map_err(|e| CoreError::BadRequest(format!("could not encode the salt: {e}")))?;
    argon2()?
        .hash_password(text.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| CoreError::BadRequest(format!("could not hash the PIN: {e}")))
}

/// Longest facilitator password, in characters.
pub const MAX_PASSWORD_CHARS: usize = 64;
/// Shortest facilitator password, in characters.
pub const MIN_PASSWORD_CHARS: usize = 6;

/// A facilitator's password as stored: 6 to 64 characters of any kind
/// (digits in any script normalised to ASCII, so a 6-digit PIN works too),
/// hashed like a PIN.
pub fn hash_password(password: &str) -> Result<String, CoreError> {
    let text = normalize_digits(password.trim());
    let n = text.chars().count();
    if !(MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&n) || text.chars().any(char::is_control)
    {
        return Err(CoreError::BadRequest(format!(
            "a facilitator password is {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters; choose another"
        )));
    }
    hash_secret(&text)
}

/// The secret of a profile of `role`: a PIN for learners, a password for
/// facilitators.
pub fn hash_secret_for(role: Role, secret: &str) -> Result<String, CoreError> {
    match role {
        Role::Learner => hash_pin(secret),
        Role::Facilitator => hash_password(secret),
    }
}

/// Whether `pin` (digits in any script) matches a stored hash.
pub fn verify_pin(hash: &str, pin: &str) -> bool {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    let digits = normalize_digits(pin.trim());
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(digits.as_bytes(), &parsed)
            .is_ok()
    })
}

fn argon2() -> Result<Argon2<'static>, CoreError> {
    let params = Params::new(19 * 1024, 2, 1, None)
        .map_err(|e| CoreError::BadRequest(format!("bad argon2 parameters: {e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

fn new_learner_id() -> Result<LearnerId, CoreError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|e| CoreError::BadRequest(format!("could not make a random id: {e}")))?;
    Ok(LearnerId::from_bytes(bytes))
}

/// Registers a learner (or a facilitator) on this device.
/// A learner's PIN is 4 to 6 digits; a facilitator's secret is a password
/// (see [`hash_password`]).
pub fn learner_add(
    device: &Device,
    name: &str,
    pin: Option<&str>,
    facilitator: bool,
) -> Result<LearnerSummary, CoreError> {
    learner_add_with(device, name, pin, facilitator, false)
}

/// Like [`learner_add`]; with `pictures`, `pin` is a picture password
/// (see [`hash_pictures`]).
pub fn learner_add_with(
    device: &Device,
    name: &str,
    pin: Option<&str>,
    facilitator: bool,
    pictures: bool,
) -> Result<LearnerSummary, CoreError> {
    let role = if facilitator {
        Role::Facilitator
    } else {
        Role::Learner
    };
    let secret = NewSecret::of(pin, pictures)?;
    register(device, name, secret, role, "", "en", None)
}

/// Checks a profile name and returns it trimmed.
pub fn check_name(name: &str) -> Result<&str, CoreError> {
    let name = name.trim();
    if name.is_empty()
        || name.chars().count() > MAX_NAME_CHARS
        || name.chars().any(char::is_control)
    {
        return Err(CoreError::BadRequest(format!(
            "a name is 1 to {MAX_NAME_CHARS} characters, without control characters"
        )));
    }
    Ok(name)
}

/// Registers a profile with every field given.
pub fn register(
    device: &Device,
    name: &str,
    secret: NewSecret<'_>,
    role: Role,
    avatar: &str,
    language: &str,
    by: Option<LearnerId>,
) -> Result<LearnerSummary, CoreError> {
    let name = check_name(name)?;
    let short = |s: &str| s.chars().count() <= 64 && !s.chars().any(char::is_control);
    if !short(avatar) || !short(language) {
        return Err(CoreError::BadRequest(
            "an avatar id or language tag is at most 64 characters".into(),
        ));
    }
    let (pin_hash, picture_password_hash) = secret.hashes(role)?;
    let id = new_learner_id()?;
    let payload = Payload::LearnerRegistered(LearnerRegistered {
        name: name.to_string(),
        avatar: avatar.to_string(),
        language: if language.is_empty() {
            String::from("en")
        } else {
            language.to_string()
        },
        pin_hash,
        picture_password_hash,
        role,
        by,
    });
    record(device, id, vec![payload])?;
    let state = projections::load(&device.conn(), id)?.unwrap_or_default();
    Ok(summary(id, &state))
}

/// Appends events for one learner, durably, with their projections.
pub fn record(
    device: &Device,
    learner: LearnerId,
    payloads: Vec<Payload>,
) -> Result<Vec<Event>, CoreError> {
    let items: Vec<(LearnerId, Payload)> = payloads.into_iter().map(|p| (learner, p)).collect();
    record_batch(device, &items)
}

/// Appends events for any learners in one transaction.
pub fn record_batch(
    device: &Device,
    items: &[(LearnerId, Payload)],
) -> Result<Vec<Event>, CoreError> {
    let mut conn = device.conn();
    events::append(&mut conn, device.identity(), device.clock(), items)
}

/// Profiles shown in the picker (registered, not deleted, not archived),
/// most recently active first, then by id.
pub fn learner_list(device: &Device) -> Result<Vec<LearnerSummary>, CoreError> {
    let all = projections::load_profiles(&device.conn())?;
    let mut list: Vec<LearnerSummary> = all
        .iter()
        .filter(|(_, s)| s.is_active())
        .map(|(id, s)| summary(*id, s))
        .collect();
    list.sort_by(|a, b| {
        b.last_active
            .cmp(&a.last_active)
            .then_with(|| a.id.cmp(&b.id))
    });
    Ok(list)
}

/// Progress of every profile (or of one), in a canonical order: two devices
/// that hold the same events give equal values (and equal JSON bytes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Progress {
    pub learners: Vec<LearnerProgress>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LearnerProgress {
    pub id: String,
    pub name: String,
    pub role: &'static str,
    pub archived: bool,
    pub courses: Vec<CourseProgress>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CourseProgress {
    pub pack: String,
    pub completed: bool,
    pub lessons: Vec<LessonProgress>,
    pub quizzes: Vec<QuizProgress>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LessonProgress {
    pub lesson: String,
    pub opened: bool,
    pub completed: bool,
    /// Where the lesson reopens, in 1/10,000 of the lesson.
    pub position: u16,
    pub active_seconds: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuizProgress {
    pub quiz: String,
    pub attempts: u64,
    pub answers: u64,
    /// Questions answered correctly at least once.
    pub questions_correct: u64,
    pub best_score: Option<u8>,
    pub last_score: Option<u8>,
    pub mastered: bool,
}

pub(crate) fn learner_progress(id: LearnerId, state: &LearnerState) -> LearnerProgress {
    let s = summary(id, state);
    LearnerProgress {
        id: s.id,
        name: s.name,
        role: s.role,
        archived: s.archived,
        courses: state
            .packs
            .iter()
            .map(|(pack, p)| CourseProgress {
                pack: pack.clone(),
                completed: p.completed.is_some(),
                lessons: p
                    .lessons
                    .iter()
                    .map(|(lesson, l)| LessonProgress {
                        lesson: lesson.clone(),
                        opened: l.opened.is_some(),
                        completed: l.completed.is_some(),
                        position: l.position.as_ref().map_or(0, |p| p.value.units()),
                        active_seconds: l.active_seconds,
                    })
                    .collect(),
                quizzes: p
                    .quizzes
                    .iter()
                    .map(|(quiz, q)| QuizProgress {
                        quiz: quiz.clone(),
                        attempts: q.attempts,
                        answers: q.questions.values().map(|x| x.answers).sum(),
                        questions_correct: q.questions.values().filter(|x| x.ever_correct).count()
                            as u64,
                        best_score: q.best_score,
                        last_score: q.last_score.as_ref().map(|l| l.value),
                        mastered: q.mastered.is_some(),
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// Progress of every registered, not deleted profile (archived ones
/// included and flagged), or of `learner` only.
pub fn progress(device: &Device, learner: Option<&str>) -> Result<Progress, CoreError> {
    let conn = device.conn();
    let shown = |s: &LearnerState| s.profile.registered.is_some() && !s.is_deleted();
    let learners = match learner {
        Some(text) => {
            let id: LearnerId = text
                .trim()
                .parse()
                .map_err(|e| CoreError::BadRequest(format!("`{text}` is not a learner id: {e}")))?;
            let state = projections::load(&conn, id)?
                .filter(|s| shown(s))
                .ok_or_else(|| CoreError::NotFound {
                    what: "learner",
                    id: text.to_string(),
                })?;
            vec![learner_progress(id, &state)]
        }
        None => projections::load_all(&conn)?
            .iter()
            .filter(|(_, s)| shown(s))
            .map(|(id, s)| learner_progress(*id, s))
            .collect(),
    };
    Ok(Progress { learners })
}

/// One event as `events export` prints it, fields in a fixed order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportedEvent {
    pub device: String,
    pub seq: u64,
    pub hlc: qalam_model::Hlc,
    pub org: String,
    pub centre: String,
    pub learner: String,
    pub prev_hash: String,
    pub hash: String,
    pub kind: String,
    pub schema: u16,
    /// The payload bytes, hex.
    pub payload: String,
    /// The decoded payload; null for a kind this version does not know.
    pub fields: Option<serde_json::Value>,
}

impl ExportedEvent {
    pub fn of(event: &Event) -> Self {
        let fields = match event.payload() {
            Ok(Payload::Unknown(_)) | Err(_) => None,
            Ok(payload) => serde_json::to_value(&payload)
                .ok()
                .and_then(|mut v| v.get_mut("fields").map(serde_json::Value::take)),
        };
        ExportedEvent {
            device: event.device.to_hex(),
            seq: event.seq,
            hlc: event.hlc,
            org: event.org.to_hex(),
            centre: event.centre.to_hex(),
            learner: event.learner.to_hex(),
            prev_hash: event.prev_hash.to_hex(),
            hash: event.hash().to_hex(),
            kind: event.kind.clone(),
            schema: event.schema,
            payload: hex::encode(&event.payload),
            fields,
        }
    }
}

/// Calls `f` with every event held, by device id then seq.
pub fn events_export(
    device: &Device,
    mut f: impl FnMut(ExportedEvent) -> Result<(), CoreError>,
) -> Result<(), CoreError> {
    storage::events::for_each(&device.conn(), |event| f(ExportedEvent::of(&event)))
}

/// Every check of `qalam doctor` on the log and its projections, and
/// whether the database went back behind its newest backup (a lost WAL).
pub fn doctor(device: &Device) -> Result<check::Report, CoreError> {
    let mut report = check::run(&device.conn(), device.identity())?;
    let layout = device.layout();
    if let Some(problem) = crate::device::behind_backup(&layout.database(), &layout.backups()) {
        report.problems.push(problem);
    }
    Ok(report)
}

/// `qalam doctor --repair` on a data folder that no process has open:
/// rebuilds the database from the newest good backup and every event still
/// readable (see [`crate::storage::repair`]). Run [`doctor`] afterwards.
pub fn repair_folder(root: &std::path::Path) -> Result<RepairReport, CoreError> {
    crate::storage::repair::repair(&crate::layout::Layout::new(root))
}

/// Recomputes every projection from the log.
pub fn rebuild_projections(device: &Device) -> Result<(), CoreError> {
    events::rebuild_projections(&mut device.conn())
}

#[cfg(test)]
mod tests {
    use super::*;
    use qalam_model::Position;
    use qalam_model::payload::{LessonProgressed, QuizScored};

    fn open(dir: &std::path::Path) -> Device {
        let settings = crate::Settings {
            scan_system_mounts: false,
            ..crate::Settings::default()
        };
        Device::open(dir, settings).unwrap()
    }

    #[test]
    fn pins_accept_every_digit_script_and_refuse_bad_lengths() {
        let hash = hash_pin("١٢٣٤").unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verify_pin(&hash, "1234"));
        assert!(verify_pin(&hash, "۱۲۳۴"));
        assert!(!verify_pin(&hash, "1235"));
        for bad in ["123", "1234567", "12a4", ""] {
            assert!(hash_pin(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn added_learners_are_listed_and_names_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        let device = open(dir.path());
        let amal = learner_add(&device, "  Amal ", Some("4321"), false).unwrap();
        let fac = learner_add(&device, "Hana", None, true).unwrap();
        assert_eq!(
            (amal.name.as_str(), amal.role, amal.has_pin),
            ("Amal", "learner", true)
        );
        assert_eq!((fac.role, fac.has_pin), ("facilitator", false));
        let list = learner_list(&device).unwrap();
        assert_eq!(list.len(), 2);
        // Most recent first.
        assert_eq!(list[0].id, fac.id);
        assert!(learner_add(&device, " ", None, false).is_err());
        assert!(learner_add(&device, "A\u{7}", None, false).is_err());
        assert!(learner_add(&device, "Bad pin", Some("12"), false).is_err());
        assert_eq!(learner_list(&device).unwrap().len(), 2);
        assert!(doctor(&device).unwrap().ok());
    }

    #[test]
    fn picture_passwords_are_four_digits_from_one_to_nine() {
        let hash = hash_pictures("٩١٢٣").unwrap();
        assert!(verify_pin(&hash, "9123"));
        assert!(verify_pin(&hash, "۹۱۲۳"));
        assert!(!verify_pin(&hash, "9124"));
        for bad in ["123", "12345", "1230", "12a4", "", "١٢٣٠"] {
            assert!(hash_pictures(bad).is_err(), "{bad}");
        }
        let dir = tempfile::tempdir().unwrap();
        let device = open(dir.path());
        let nour = learner_add_with(&device, "Nour", Some("1397"), false, true).unwrap();
        assert_eq!((nour.sign_in_with, nour.has_pin), ("pictures", true));
        let sami = learner_add(&device, "Sami", Some("123456"), false).unwrap();
        assert_eq!(sami.sign_in_with, "pin");
        let tap = learner_add(&device, "Tala", None, false).unwrap();
        assert_eq!((tap.sign_in_with, tap.has_pin), ("none", false));
        // Six digits are a PIN, not a picture password; none is refused;
        // a facilitator needs a password.
        assert!(learner_add_with(&device, "X", Some("123456"), false, true).is_err());
        assert!(learner_add_with(&device, "X", None, false, true).is_err());
        assert!(learner_add_with(&device, "X", Some("1234"), true, true).is_err());
        assert_eq!(learner_list(&device).unwrap().len(), 3);
    }

    #[test]
    fn two_devices_with_the_same_events_report_the_same_progress() {
        let (a_dir, b_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (a, b) = (open(a_dir.path()), open(b_dir.path()));
        let amal = learner_add(&a, "Amal", None, false).unwrap();
        let id: LearnerId = amal.id.parse().unwrap();
        record(
            &a,
            id,
            vec![
                Payload::LessonProgressed(LessonProgressed {
                    pack: "p".into(),
                    lesson: "l1".into(),
                    position: Position::new(5000).unwrap(),
                    active_seconds: 90,
                }),
                Payload::QuizScored(QuizScored {
                    pack: "p".into(),
                    quiz: "q".into(),
                    attempt: 2,
                    score_percent: 80,
                }),
            ],
        )
        .unwrap();
        learner_add(&b, "Badr", None, false).unwrap();
        let mut from_a = Vec::new();
        storage::events::for_each(&a.conn(), |e| {
            from_a.push(e);
            Ok(())
        })
        .unwrap();
        let mut from_b = Vec::new();
        storage::events::for_each(&b.conn(), |e| {
            from_b.push(e);
            Ok(())
        })
        .unwrap();
        events::merge(&mut b.conn(), &from_a).unwrap();
        events::merge(&mut a.conn(), &from_b).unwrap();
        let pa = serde_json::to_string(&progress(&a, None).unwrap()).unwrap();
        let pb = serde_json::to_string(&progress(&b, None).unwrap()).unwrap();
        assert_eq!(pa, pb);
        let one = progress(&a, Some(&amal.id)).unwrap();
        assert_eq!(one.learners.len(), 1);
        assert_eq!(one.learners[0].courses[0].lessons[0].active_seconds, 90);
        assert_eq!(one.learners[0].courses[0].quizzes[0].best_score, Some(80));
        assert!(matches!(
            progress(&a, Some(&"0".repeat(32))),
            Err(CoreError::NotFound { .. })
        ));
        assert!(doctor(&a).unwrap().ok() && doctor(&b).unwrap().ok());
    }
}
