//! A learner's own study: lessons, quizzes and progress. Every call takes
//! the session token and works on the session's learner only; no call takes
//! a learner id, so a learner cannot reach another's progress.

use std::collections::BTreeMap;

use qalam_model::fold::{LessonState, PackState};
use qalam_model::payload::{
    CourseCompleted, LessonCompleted, LessonOpened, LessonProgressed, QuestionAnswered,
    QuizAttempted, QuizMastered, QuizScored,
};
use qalam_model::{LearnerId, LearnerState, Payload, Position, normalize_digits};
use qalam_pack::{Completion, Manifest, Question, QuestionKind, Quiz};
use serde::Serialize;
use serde_json::Value;
use unicode_normalization::UnicodeNormalization;

use super::session::{Caller, authenticate};
use super::types::LocalText;
use crate::device::Device;
use crate::error::CoreError;
use crate::packs;
use crate::storage::{self, identity, projections};

/// Most active seconds one `lesson_progress` call may report.
pub const MAX_ACTIVE_SECONDS_PER_CALL: u32 = 300;
/// Position (in 1/10,000) from which a `viewed` lesson counts as read to
/// the end.
pub const VIEWED_END: u16 = 9_900;

/// A lesson's completion rule as the UI receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CompletionRule {
    /// `viewed`, `time` or `quiz_mastered`.
    pub kind: &'static str,
    pub min_seconds: Option<u32>,
}

/// The learner's state in one lesson.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LessonView {
    pub pack_id: String,
    pub lesson_id: String,
    pub opened: bool,
    pub completed: bool,
    /// Where the lesson reopens, in 1/10,000 of the lesson.
    pub position: u16,
    pub active_seconds: u64,
    pub completion: CompletionRule,
    pub quiz: Option<String>,
    pub quiz_mastered: bool,
    pub course_completed: bool,
}

struct Ctx {
    caller: Caller,
    manifest: Manifest,
    state: LearnerState,
}

fn context(device: &Device, token: Option<&str>, pack_id: &str) -> Result<Ctx, CoreError> {
    let caller = authenticate(device, token)?;
    let row = storage::packs::get(&device.conn(), pack_id)?.ok_or_else(|| CoreError::NotFound {
        what: "installed pack",
        id: pack_id.to_string(),
    })?;
    let manifest = super::manifest_of(&row)?;
    let state = load(device, caller.learner)?;
    Ok(Ctx {
        caller,
        manifest,
        state,
    })
}

fn load(device: &Device, learner: LearnerId) -> Result<LearnerState, CoreError> {
    Ok(projections::load(&device.conn(), learner)?.unwrap_or_default())
}

fn find_lesson<'a>(m: &'a Manifest, id: &str) -> Result<&'a qalam_pack::Lesson, CoreError> {
    m.lessons
        .iter()
        .find(|l| l.id == id)
        .ok_or_else(|| CoreError::NotFound {
            what: "lesson",
            id: id.to_string(),
        })
}

fn find_quiz<'a>(m: &'a Manifest, id: &str) -> Result<&'a Quiz, CoreError> {
    m.quizzes
        .iter()
        .find(|q| q.id == id)
        .ok_or_else(|| CoreError::NotFound {
            what: "quiz",
            id: id.to_string(),
        })
}

fn rule(lesson: &qalam_pack::Lesson) -> CompletionRule {
    match lesson.completion() {
        Completion::Viewed => CompletionRule {
            kind: "viewed",
            min_seconds: None,
        },
        Completion::Time { min_seconds } => CompletionRule {
            kind: "time",
            min_seconds: Some(min_seconds),
        },
        Completion::QuizMastered => CompletionRule {
            kind: "quiz_mastered",
            min_seconds: None,
        },
    }
}

fn view(
    manifest: &Manifest,
    lesson_id: &str,
    state: &LearnerState,
) -> Result<LessonView, CoreError> {
    let lesson = find_lesson(manifest, lesson_id)?;
    let pack = state.packs.get(&manifest.id);
    let l = pack.and_then(|p| p.lessons.get(lesson_id));
    let quiz_mastered = lesson
        .quiz
        .as_ref()
        .and_then(|q| pack.and_then(|p| p.quizzes.get(q)))
        .is_some_and(|q| q.mastered.is_some());
    Ok(LessonView {
        pack_id: manifest.id.clone(),
        lesson_id: lesson_id.to_string(),
        opened: l.is_some_and(|l| l.opened.is_some()),
        completed: l.is_some_and(|l| l.completed.is_some()),
        position: l
            .and_then(|l| l.position.as_ref())
            .map_or(0, |p| p.value.units()),
        active_seconds: l.map_or(0, |l| l.active_seconds),
        completion: rule(lesson),
        quiz: lesson.quiz.clone(),
        quiz_mastered,
        course_completed: pack.is_some_and(|p| p.completed.is_some()),
    })
}

/// Opens a lesson (recorded once more as `lesson_opened`) and says where it
/// reopens.
pub fn lesson_open(
    device: &Device,
    token: Option<&str>,
    pack_id: &str,
    lesson_id: &str,
) -> Result<LessonView, CoreError> {
    let ctx = context(device, token, pack_id)?;
    find_lesson(&ctx.manifest, lesson_id)?;
    super::learners::record(
        device,
        ctx.caller.learner,
        vec![Payload::LessonOpened(LessonOpened {
            pack: pack_id.to_string(),
            lesson: lesson_id.to_string(),
        })],
    )?;
    view(&ctx.manifest, lesson_id, &load(device, ctx.caller.learner)?)
}

/// Records the position and the active time since the previous call.
pub fn lesson_progress(
    device: &Device,
    token: Option<&str>,
    pack_id: &str,
    lesson_id: &str,
    position: u32,
    active_seconds: u32,
) -> Result<LessonView, CoreError> {
    let ctx = context(device, token, pack_id)?;
    find_lesson(&ctx.manifest, lesson_id)?;
    let position = u16::try_from(position)
        .ok()
        .and_then(Position::new)
        .ok_or_else(|| {
            CoreError::BadRequest(format!(
                "position is 0 to {} (1/10,000 of the lesson)",
                Position::SCALE
            ))
        })?;
    if active_seconds > MAX_ACTIVE_SECONDS_PER_CALL {
        return Err(CoreError::BadRequest(format!(
            "active_seconds is 0 to {MAX_ACTIVE_SECONDS_PER_CALL} per call; report active time more often"
        )));
    }
    super::learners::record(
        device,
        ctx.caller.learner,
        vec![Payload::LessonProgressed(LessonProgressed {
            pack: pack_id.to_string(),
            lesson: lesson_id.to_string(),
            position,
            active_seconds,
        })],
    )?;
    view(&ctx.manifest, lesson_id, &load(device, ctx.caller.learner)?)
}

fn lesson_done(pack: Option<&PackState>, lesson: &str) -> bool {
    pack.and_then(|p| p.lessons.get(lesson))
        .is_some_and(|l| l.completed.is_some())
}

/// `course_completed` when every lesson of the pack is (or is being)
/// completed and the course was not completed before.
fn course_event(manifest: &Manifest, state: &LearnerState, now_done: &[&str]) -> Option<Payload> {
    let pack = state.packs.get(&manifest.id);
    if pack.is_some_and(|p| p.completed.is_some()) {
        return None;
    }
    manifest
        .lessons
        .iter()
        .all(|l| now_done.contains(&l.id.as_str()) || lesson_done(pack, &l.id))
        .then(|| {
            Payload::CourseCompleted(CourseCompleted {
                pack: manifest.id.clone(),
            })
        })
}

/// Marks a lesson completed if the pack's rule is met: `viewed` needs the
/// lesson opened and read to the end (position ≥ 9,900), `time` the
/// recorded active seconds, `quiz_mastered` the lesson's quiz mastered.
/// Completing an already completed lesson changes nothing.
pub fn lesson_complete(
    device: &Device,
    token: Option<&str>,
    pack_id: &str,
    lesson_id: &str,
) -> Result<LessonView, CoreError> {
    let ctx = context(device, token, pack_id)?;
    let lesson = find_lesson(&ctx.manifest, lesson_id)?;
    let pack = ctx.state.packs.get(pack_id);
    let l: LessonState = pack
        .and_then(|p| p.lessons.get(lesson_id))
        .cloned()
        .unwrap_or_default();
    if l.completed.is_some() {
        return view(&ctx.manifest, lesson_id, &ctx.state);
    }
    match lesson.completion() {
        Completion::Viewed => {
            let at = l.position.as_ref().map_or(0, |p| p.value.units());
            if l.opened.is_none() || at < VIEWED_END {
                return Err(CoreError::NotYet("read the lesson to the end first".into()));
            }
        }
        Completion::Time { min_seconds } => {
            if l.active_seconds < u64::from(min_seconds) {
                return Err(CoreError::NotYet(format!(
                    "keep reading: this lesson needs {min_seconds} seconds of active reading, {} so far",
                    l.active_seconds
                )));
            }
        }
        Completion::QuizMastered => {
            let mastered = lesson
                .quiz
                .as_ref()
                .and_then(|q| pack.and_then(|p| p.quizzes.get(q)))
                .is_some_and(|q| q.mastered.is_some());
            if !mastered {
                return Err(CoreError::NotYet("pass the lesson's quiz first".into()));
            }
        }
    }
    let mut payloads = vec![Payload::LessonCompleted(LessonCompleted {
        pack: pack_id.to_string(),
        lesson: lesson_id.to_string(),
    })];
    payloads.extend(course_event(&ctx.manifest, &ctx.state, &[lesson_id]));
    super::learners::record(device, ctx.caller.learner, payloads)?;
    view(&ctx.manifest, lesson_id, &load(device, ctx.caller.learner)?)
}

/// A started attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttemptStarted {
    /// Pass it to `quiz_answer` and `quiz_finish`.
    pub attempt: u64,
    pub question_count: usize,
}

/// Starts an attempt at a quiz.
pub fn quiz_start(
    device: &Device,
    token: Option<&str>,
    pack_id: &str,
    quiz_id: &str,
) -> Result<AttemptStarted, CoreError> {
    let ctx = context(device, token, pack_id)?;
    let quiz = find_quiz(&ctx.manifest, quiz_id)?;
    let events = super::learners::record(
        device,
        ctx.caller.learner,
        vec![Payload::QuizAttempted(QuizAttempted {
            pack: pack_id.to_string(),
            quiz: quiz_id.to_string(),
        })],
    )?;
    Ok(AttemptStarted {
        attempt: events.first().map_or(0, |e| e.seq),
        question_count: quiz.questions.len(),
    })
}

/// A quiz as the learner sees it: prompts, choices and units, never which
/// answers are right (grading stays on the device, in `quiz_answer`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuizView {
    pub id: String,
    pub title: LocalText,
    pub min_score_percent: u32,
    pub questions: Vec<QuestionView>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuestionView {
    pub id: String,
    /// `single_choice`, `multiple_choice`, `numeric` or `short_text`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub prompt: LocalText,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub choices: Option<Vec<ChoiceView>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<LocalText>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChoiceView {
    pub id: String,
    pub text: LocalText,
}

/// The questions of a quiz, in `lang` (with the pack's fallbacks), for the
/// signed-in learner.
pub fn quiz_get(
    device: &Device,
    token: Option<&str>,
    pack_id: &str,
    quiz_id: &str,
    lang: &str,
) -> Result<QuizView, CoreError> {
    let ctx = context(device, token, pack_id)?;
    let quiz = find_quiz(&ctx.manifest, quiz_id)?;
    let text = |t: &qalam_pack::LocalizedText| {
        super::local_text(&packs::text_map(t), lang, &ctx.manifest.languages)
    };
    let questions = quiz
        .questions
        .iter()
        .map(|q| question_view(q, &text))
        .collect();
    Ok(QuizView {
        id: quiz.id.clone(),
        title: text(&quiz.title),
        min_score_percent: quiz.mastery.min_score_percent,
        questions,
    })
}

fn question_view(
    question: &Question,
    text: &impl Fn(&qalam_pack::LocalizedText) -> LocalText,
) -> QuestionView {
    let choices = |choices: &[qalam_pack::Choice]| {
        Some(
            choices
                .iter()
                .map(|c| ChoiceView {
                    id: c.id.clone(),
                    text: text(&c.text),
                })
                .collect(),
        )
    };
    let (kind, choices, unit) = match &question.kind {
        QuestionKind::SingleChoice { choices: c } => ("single_choice", choices(c), None),
        QuestionKind::MultipleChoice { choices: c } => ("multiple_choice", choices(c), None),
        QuestionKind::Numeric { unit, .. } => ("numeric", None, unit.as_ref().map(text)),
        QuestionKind::ShortText { .. } => ("short_text", None, None),
    };
    QuestionView {
        id: question.id.clone(),
        kind,
        prompt: text(&question.prompt),
        choices,
        unit,
    }
}

/// What this device's log holds about one attempt.
#[derive(Default)]
struct AttemptLog {
    /// First answer's correctness per question.
    answered: BTreeMap<String, bool>,
    scored: bool,
}

/// Reads the attempt `attempt` of the caller at `pack`/`quiz` from this
/// device's log. An attempt that is not the caller's (or not this quiz's)
/// is `not_found`, exactly like one that does not exist.
fn attempt_log(
    device: &Device,
    learner: LearnerId,
    pack: &str,
    quiz: &str,
    attempt: u64,
) -> Result<AttemptLog, CoreError> {
    let conn = device.conn();
    let me = device.identity().device;
    let n = identity::device_number(&conn, me)?;
    let mut found = false;
    let mut log = AttemptLog::default();
    storage::events::for_each_row_from(&conn, n, attempt, |row| {
        let event = storage::events::decode(me, row.seq, &row.body)?;
        if event.learner != learner {
            return Ok(());
        }
        match event.payload() {
            Ok(Payload::QuizAttempted(a)) if row.seq == attempt => {
                found = a.pack == pack && a.quiz == quiz;
            }
            Ok(Payload::QuestionAnswered(a)) if a.attempt == attempt => {
                log.answered.entry(a.question).or_insert(a.correct);
            }
            Ok(Payload::QuizScored(s)) if s.attempt == attempt => log.scored = true,
            _ => {}
        }
        Ok(())
    })?;
    if !found {
        return Err(CoreError::NotFound {
            what: "quiz attempt",
            id: attempt.to_string(),
        });
    }
    Ok(log)
}

/// The answer to `quiz_answer`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Graded {
    pub correct: bool,
    /// The question's feedback for a correct or an incorrect answer.
    pub feedback: Option<LocalText>,
    /// Feedback of each picked choice that has some, in the order given.
    pub choice_feedback: Vec<LocalText>,
    /// The answer as recorded (choice ids, ASCII digits, normalised text).
    pub recorded: String,
}

/// Grades one answer from the installed manifest and records it. Each
/// question counts once per attempt: answering it again in the same
/// attempt is refused (start a new attempt to retry).
///
/// `answer` is a choice id (single choice), an array of choice ids
/// (multiple choice), a number or a string of digits in any script
/// (numeric) or a string (short text). `lang` chooses the feedback's
/// language; by default the learner's.
#[allow(clippy::too_many_arguments)]
pub fn quiz_answer(
    device: &Device,
    token: Option<&str>,
    pack_id: &str,
    quiz_id: &str,
    attempt: u64,
    question_id: &str,
    answer: &Value,
    lang: Option<&str>,
) -> Result<Graded, CoreError> {
    let ctx = context(device, token, pack_id)?;
    let quiz = find_quiz(&ctx.manifest, quiz_id)?;
    let question = quiz
        .questions
        .iter()
        .find(|q| q.id == question_id)
        .ok_or_else(|| CoreError::NotFound {
            what: "question",
            id: question_id.to_string(),
        })?;
    let log = attempt_log(device, ctx.caller.learner, pack_id, quiz_id, attempt)?;
    if log.scored {
        return Err(CoreError::Conflict(
            "this attempt is finished; start a new attempt to try again".into(),
        ));
    }
    if log.answered.contains_key(question_id) {
        return Err(CoreError::Conflict(
            "this question is already answered in this attempt; start a new attempt to try again"
                .into(),
        ));
    }
    let (correct, recorded, picked) = grade(question, answer)?;
    let profile_lang = ctx
        .state
        .profile
        .language
        .as_ref()
        .map(|l| l.value.clone())
        .unwrap_or_default();
    let lang = lang.filter(|l| !l.is_empty()).unwrap_or(&profile_lang);
    let text = |t: &qalam_pack::LocalizedText| {
        super::local_text(&packs::text_map(t), lang, &ctx.manifest.languages)
    };
    let feedback = question.feedback.as_ref().and_then(|f| {
        if correct {
            f.correct.as_ref()
        } else {
            f.incorrect.as_ref()
        }
        .map(text)
    });
    let choice_feedback = match &question.kind {
        QuestionKind::SingleChoice { choices } | QuestionKind::MultipleChoice { choices } => picked
            .iter()
            .filter_map(|id| choices.iter().find(|c| &c.id == id))
            .filter_map(|c| c.feedback.as_ref().map(text))
            .collect(),
        _ => Vec::new(),
    };
    super::learners::record(
        device,
        ctx.caller.learner,
        vec![Payload::QuestionAnswered(QuestionAnswered {
            pack: pack_id.to_string(),
            quiz: quiz_id.to_string(),
            question: question_id.to_string(),
            attempt,
            answer: recorded.clone(),
            correct,
        })],
    )?;
    Ok(Graded {
        correct,
        feedback,
        choice_feedback,
        recorded,
    })
}

fn bad_answer(what: &str) -> CoreError {
    CoreError::BadRequest(format!("the answer must be {what}"))
}

/// Short text as PACK_FORMAT.md compares it: NFC, trimmed, inner spaces
/// collapsed, case-folded unless case-sensitive.
pub fn normalize_text(text: &str, case_sensitive: bool) -> String {
    let nfc: String = text.nfc().collect();
    let collapsed = nfc.split_whitespace().collect::<Vec<_>>().join(" ");
    if case_sensitive {
        collapsed
    } else {
        collapsed.to_lowercase()
    }
}

/// A number typed with ASCII, Arabic-Indic or Extended Arabic-Indic digits
/// (and `٫` as the decimal separator).
pub fn parse_number(text: &str) -> Option<f64> {
    let ascii = normalize_digits(text.trim()).replace('\u{2212}', "-");
    let ok = !ascii.is_empty()
        && ascii
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+'));
    ok.then(|| ascii.parse::<f64>().ok())
        .flatten()
        .filter(|v| v.is_finite())
}

/// Grades `answer`: (correct, the answer as recorded, picked choice ids).
pub fn grade(
    question: &Question,
    answer: &Value,
) -> Result<(bool, String, Vec<String>), CoreError> {
    match &question.kind {
        QuestionKind::SingleChoice { choices } => {
            let id = answer.as_str().ok_or_else(|| bad_answer("a choice id"))?;
            let choice = choices
                .iter()
                .find(|c| c.id == id)
                .ok_or_else(|| bad_answer("one of the question's choice ids"))?;
            Ok((choice.correct, id.to_string(), vec![id.to_string()]))
        }
        QuestionKind::MultipleChoice { choices } => {
            let items = answer
                .as_array()
                .ok_or_else(|| bad_answer("an array of choice ids"))?;
            let mut picked = Vec::new();
            for item in items {
                let id = item
                    .as_str()
                    .filter(|id| choices.iter().any(|c| &c.id == id))
                    .ok_or_else(|| bad_answer("an array of the question's choice ids"))?;
                if !picked.iter().any(|p| p == id) {
                    picked.push(id.to_string());
                }
            }
            let correct = choices
                .iter()
                .all(|c| c.correct == picked.iter().any(|p| p == &c.id));
            let mut sorted = picked.clone();
            sorted.sort();
            Ok((correct, sorted.join(","), picked))
        }
        QuestionKind::Numeric {
            answer: expected,
            tolerance,
            ..
        } => {
            let (value, text) = match answer {
                Value::Number(n) => (n.as_f64(), n.to_string()),
                Value::String(s) => (parse_number(s), normalize_digits(s.trim())),
                _ => (None, String::new()),
            };
            let value = value.ok_or_else(|| bad_answer("a number"))?;
            let correct = (value - expected).abs()
                <= tolerance.abs() + f64::EPSILON * expected.abs().max(1.0);
            Ok((correct, text, Vec::new()))
        }
        QuestionKind::ShortText {
            accept,
            case_sensitive,
        } => {
            let text = answer.as_str().ok_or_else(|| bad_answer("text"))?;
            if text.chars().count() > qalam_model::payload::MAX_TEXT_LEN / 4 {
                return Err(bad_answer("at most 1,024 characters"));
            }
            let given = normalize_text(text, *case_sensitive);
            let correct = accept
                .values()
                .flatten()
                .any(|a| normalize_text(a, *case_sensitive) == given);
            Ok((correct, given, Vec::new()))
        }
    }
}

/// The answer to `quiz_finish`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuizResult {
    pub attempt: u64,
    pub score_percent: u8,
    pub correct: usize,
    pub question_count: usize,
    /// The pack's mastery threshold.
    pub min_score_percent: u32,
    /// This attempt reached the threshold.
    pub passed: bool,
    /// The quiz is mastered (by this or an earlier attempt).
    pub mastered: bool,
    pub best_score: Option<u8>,
    /// Lessons completed because their `quiz_mastered` rule is now met.
    pub lessons_completed: Vec<String>,
    pub course_completed: bool,
}

/// Ends an attempt: the score is the share of questions answered correctly
/// (first answer each; unanswered questions count as wrong), rounded down.
/// Reaching the quiz's `min_score_percent` masters it, and completes the
/// lessons whose rule is `quiz_mastered` for this quiz.
pub fn quiz_finish(
    device: &Device,
    token: Option<&str>,
    pack_id: &str,
    quiz_id: &str,
    attempt: u64,
) -> Result<QuizResult, CoreError> {
    let ctx = context(device, token, pack_id)?;
    let quiz = find_quiz(&ctx.manifest, quiz_id)?;
    let log = attempt_log(device, ctx.caller.learner, pack_id, quiz_id, attempt)?;
    if log.scored {
        return Err(CoreError::Conflict(
            "this attempt is already finished; start a new attempt".into(),
        ));
    }
    let total = quiz.questions.len();
    let correct = quiz
        .questions
        .iter()
        .filter(|q| log.answered.get(&q.id) == Some(&true))
        .count();
    let score = u8::try_from(correct * 100 / total.max(1)).unwrap_or(100);
    let passed = u32::from(score) >= quiz.mastery.min_score_percent;
    let pack = ctx.state.packs.get(pack_id);
    let was_mastered = pack
        .and_then(|p| p.quizzes.get(quiz_id))
        .is_some_and(|q| q.mastered.is_some());
    let mut payloads = vec![Payload::QuizScored(QuizScored {
        pack: pack_id.to_string(),
        quiz: quiz_id.to_string(),
        attempt,
        score_percent: score,
    })];
    let mut lessons_completed = Vec::new();
    if passed && !was_mastered {
        payloads.push(Payload::QuizMastered(QuizMastered {
            pack: pack_id.to_string(),
            quiz: quiz_id.to_string(),
        }));
    }
    if passed {
        for lesson in &ctx.manifest.lessons {
            if lesson.completion() == Completion::QuizMastered
                && lesson.quiz.as_deref() == Some(quiz_id)
                && !lesson_done(pack, &lesson.id)
            {
                lessons_completed.push(lesson.id.clone());
                payloads.push(Payload::LessonCompleted(LessonCompleted {
                    pack: pack_id.to_string(),
                    lesson: lesson.id.clone(),
                }));
            }
        }
        if !lessons_completed.is_empty() {
            let done: Vec<&str> = lessons_completed.iter().map(String::as_str).collect();
            payloads.extend(course_event(&ctx.manifest, &ctx.state, &done));
        }
    }
    super::learners::record(device, ctx.caller.learner, payloads)?;
    let after = load(device, ctx.caller.learner)?;
    let pack = after.packs.get(pack_id);
    let q = pack.and_then(|p| p.quizzes.get(quiz_id));
    Ok(QuizResult {
        attempt,
        score_percent: score,
        correct,
        question_count: total,
        min_score_percent: quiz.mastery.min_score_percent,
        passed,
        mastered: q.is_some_and(|q| q.mastered.is_some()),
        best_score: q.and_then(|q| q.best_score),
        lessons_completed,
        course_completed: pack.is_some_and(|p| p.completed.is_some()),
    })
}

/// "My progress": every installed course with the learner's lessons and
/// quizzes, titles in `lang`, and what to do next.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MyProgress {
    pub courses: Vec<MyCourse>,
    /// The single suggested next step, or `None` when everything is done
    /// (or nothing is installed).
    pub next: Option<NextStep>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MyCourse {
    pub pack_id: String,
    pub title: LocalText,
    pub completed: bool,
    pub lessons_completed: usize,
    pub lesson_count: usize,
    pub lessons: Vec<MyLesson>,
    /// First lesson not completed, in the pack's order.
    pub next_lesson: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MyLesson {
    pub lesson_id: String,
    pub title: LocalText,
    pub opened: bool,
    pub completed: bool,
    pub position: u16,
    pub active_seconds: u64,
    pub completion: CompletionRule,
    pub quiz: Option<MyQuiz>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MyQuiz {
    pub quiz_id: String,
    pub attempts: u64,
    pub best_score: Option<u8>,
    pub mastered: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NextStep {
    pub pack_id: String,
    pub lesson_id: String,
    pub title: LocalText,
    /// `continue` (a lesson in progress), `quiz` (the lesson's quiz is what
    /// is left) or `start` (a lesson not opened yet).
    pub action: &'static str,
}

pub fn my_progress(
    device: &Device,
    token: Option<&str>,
    lang: &str,
) -> Result<MyProgress, CoreError> {
    let caller = authenticate(device, token)?;
    let state = load(device, caller.learner)?;
    let ids: Vec<String> = storage::packs::list(&device.conn())?
        .into_iter()
        .map(|row| row.id)
        .collect();
    // `list` leaves the manifests out; read each one.
    let rows = ids
        .iter()
        .filter_map(|id| storage::packs::get(&device.conn(), id).transpose())
        .collect::<Result<Vec<_>, _>>()?;
    let mut courses = Vec::new();
    // (last activity, pack, lesson, action) of the best next step so far.
    let mut in_progress: Option<(qalam_model::Stamp, NextStep)> = None;
    let mut first_start: Option<(bool, NextStep)> = None;
    for row in &rows {
        let manifest = super::manifest_of(row)?;
        let text = |t: &qalam_pack::LocalizedText| {
            super::local_text(&packs::text_map(t), lang, &manifest.languages)
        };
        let pack = state.packs.get(&manifest.id);
        let started = pack.is_some_and(|p| p.lessons.values().any(|l| l.opened.is_some()));
        let mut lessons = Vec::new();
        for lesson in &manifest.lessons {
            let l = pack.and_then(|p| p.lessons.get(&lesson.id));
            let quiz = lesson.quiz.as_ref().map(|id| {
                let q = pack.and_then(|p| p.quizzes.get(id));
                MyQuiz {
                    quiz_id: id.clone(),
                    attempts: q.map_or(0, |q| q.attempts),
                    best_score: q.and_then(|q| q.best_score),
                    mastered: q.is_some_and(|q| q.mastered.is_some()),
                }
            });
            let completed = l.is_some_and(|l| l.completed.is_some());
            let opened = l.is_some_and(|l| l.opened.is_some());
            let step = |action| NextStep {
                pack_id: manifest.id.clone(),
                lesson_id: lesson.id.clone(),
                title: text(&lesson.title),
                action,
            };
            if !completed {
                if let Some(at) = l.filter(|_| opened).and_then(|l| l.last_activity) {
                    let quiz_left = lesson.completion() == Completion::QuizMastered
                        && l.and_then(|l| l.position.as_ref())
                            .is_some_and(|p| p.value.units() >= VIEWED_END);
                    if in_progress.as_ref().is_none_or(|(best, _)| at > *best) {
                        in_progress = Some((at, step(if quiz_left { "quiz" } else { "continue" })));
                    }
                } else if first_start.as_ref().is_none_or(|(s, _)| started && !*s) {
                    first_start = Some((started, step("start")));
                }
            }
            lessons.push(MyLesson {
                lesson_id: lesson.id.clone(),
                title: text(&lesson.title),
                opened,
                completed,
                position: l
                    .and_then(|l| l.position.as_ref())
                    .map_or(0, |p| p.value.units()),
                active_seconds: l.map_or(0, |l| l.active_seconds),
                completion: rule(lesson),
                quiz,
            });
        }
        courses.push(MyCourse {
            pack_id: manifest.id.clone(),
            title: text(&manifest.title),
            completed: pack.is_some_and(|p| p.completed.is_some()),
            lessons_completed: lessons.iter().filter(|l| l.completed).count(),
            lesson_count: lessons.len(),
            next_lesson: lessons
                .iter()
                .find(|l| !l.completed)
                .map(|l| l.lesson_id.clone()),
            lessons,
        });
    }
    courses.sort_by(|a, b| {
        a.title
            .text
            .to_lowercase()
            .cmp(&b.title.text.to_lowercase())
            .then_with(|| a.pack_id.cmp(&b.pack_id))
    });
    let next = in_progress.map(|(_, s)| s).or(first_start.map(|(_, s)| s));
    Ok(MyProgress { courses, next })
}
