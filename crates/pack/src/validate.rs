//! The manifest rules of PACK_FORMAT.md. The reader and the builder both
//! call [`manifest`], so a builder can never write a pack a reader refuses.

use std::collections::{BTreeMap, HashSet};

use crate::error::{PackError, printable};
use crate::manifest::{
    Choice, Completion, FORMAT, FileEntry, LessonKind, LocalizedText, Manifest, QuestionKind, Quiz,
};
use crate::paths::{PathSet, check_path, fold_key};

type Res = Result<(), PackError>;

/// Reserved names at the root of the zip.
pub const MANIFEST_NAME: &str = "manifest.json";
/// Reserved names at the root of the zip.
pub const SIGNATURE_NAME: &str = "signature.json";

const LEVELS: &[&str] = &[
    "beginner",
    "intermediate",
    "advanced",
    "A1",
    "A2",
    "B1",
    "B2",
    "C1",
    "C2",
];
const MAX_CHOICES: usize = 12;

/// Checks every rule; the first broken rule is the error.
pub fn manifest(m: &Manifest) -> Res {
    if m.format != FORMAT {
        return Err(PackError::UnsupportedFormat {
            found: printable(&m.format),
        });
    }
    check_id("id", &m.id, 3)?;
    check_version(&m.version)?;
    check_text("title", &m.title, true)?;
    check_text("description", &m.description, false)?;
    check_languages(&m.languages)?;
    check_subject(&m.subject)?;
    check_level(&m.level)?;
    check_text("publisher.name", &m.publisher.name, true)?;
    check_url(m.publisher.url.as_deref())?;
    check_contact(m.publisher.contact.as_deref())?;
    check_license(&m.license)?;
    let files = check_files(&m.files)?;
    let quizzes = check_quizzes(&m.quizzes)?;
    check_lessons(m, &files, &quizzes)
}

/// Ids: `a-z 0-9 . - _`, starting with a letter or digit, `min`–64 long.
fn check_id(field: &str, id: &str, min: usize) -> Res {
    let ok_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || ".-_".contains(c);
    let starts_ok = id
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if (min..=64).contains(&id.len()) && starts_ok && id.chars().all(ok_char) {
        return Ok(());
    }
    Err(PackError::invalid(
        field,
        format!(
            "`{}` is not an id ({min}–64 characters of a-z 0-9 . - _, starting with a letter or digit)",
            printable(id)
        ),
    ))
}

fn check_version(version: &str) -> Res {
    match semver::Version::parse(version) {
        Ok(_) if version.len() <= 64 => Ok(()),
        _ => Err(PackError::invalid(
            "version",
            format!(
                "`{}` is not a semantic version such as 1.2.0",
                printable(version)
            ),
        )),
    }
}

/// A BCP 47-shaped tag: 2–8 letters, then `-` and 1–8 letters or digits.
fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let primary_ok = parts
        .next()
        .is_some_and(|p| (2..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphabetic()));
    primary_ok
        && tag.len() <= 35
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

fn check_tag(field: &str, tag: &str) -> Res {
    if is_language_tag(tag) {
        return Ok(());
    }
    Err(PackError::invalid(
        field,
        format!(
            "`{}` is not a language tag such as `ar` or `fa-AF`",
            printable(tag)
        ),
    ))
}

/// At least one entry, valid tags, and (when `non_empty`) no blank text.
fn check_text(field: &str, text: &LocalizedText, non_empty: bool) -> Res {
    if text.is_empty() {
        return Err(PackError::invalid(field, "has no text in any language"));
    }
    for (lang, value) in text.iter() {
        check_tag(&format!("{field}.{lang}"), lang)?;
        if non_empty && value.trim().is_empty() {
            return Err(PackError::invalid(format!("{field}.{lang}"), "is empty"));
        }
    }
    Ok(())
}

fn check_optional_text(field: &str, text: Option<&LocalizedText>) -> Res {
    text.map_or(Ok(()), |t| check_text(field, t, false))
}

fn check_languages(languages: &[String]) -> Res {
    if languages.is_empty() {
        return Err(PackError::invalid("languages", "lists no language"));
    }
    let mut seen = HashSet::new();
    for (i, tag) in languages.iter().enumerate() {
        check_tag(&format!("languages[{i}]"), tag)?;
        if !seen.insert(tag.to_ascii_lowercase()) {
            return Err(PackError::invalid(
                format!("languages[{i}]"),
                format!("`{tag}` is listed twice"),
            ));
        }
    }
    Ok(())
}

fn check_subject(subject: &str) -> Res {
    let ok = (1..=32).contains(&subject.len())
        && subject.starts_with(|c: char| c.is_ascii_lowercase())
        && subject
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        return Ok(());
    }
    Err(PackError::invalid(
        "subject",
        format!(
            "`{}` is not a short lowercase tag such as `numeracy`",
            printable(subject)
        ),
    ))
}

fn check_level(level: &str) -> Res {
    if LEVELS.contains(&level) {
        return Ok(());
    }
    Err(PackError::invalid(
        "level",
        format!(
            "`{}` is not beginner, intermediate, advanced or A1–C2",
            printable(level)
        ),
    ))
}

/// Shown as a link, so only web addresses (never `javascript:` or `file:`).
fn check_url(url: Option<&str>) -> Res {
    let Some(url) = url else { return Ok(()) };
    let ok = (url.starts_with("https://") || url.starts_with("http://"))
        && url.len() <= 2048
        && !url.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        return Ok(());
    }
    Err(PackError::invalid(
        "publisher.url",
        "must be an https:// or http:// address without spaces",
    ))
}

fn check_contact(contact: Option<&str>) -> Res {
    let Some(contact) = contact else {
        return Ok(());
    };
    if contact.len() <= 512 && !contact.chars().any(crate::paths::is_control_or_bidi) {
        return Ok(());
    }
    Err(PackError::invalid(
        "publisher.contact",
        "must be one line of at most 512 bytes",
    ))
}

/// SPDX ids and expressions: `MIT`, `CC-BY-SA-4.0`, `MIT OR Apache-2.0`.
fn check_license(license: &str) -> Res {
    let ok_char = |c: char| c.is_ascii_alphanumeric() || " .+-:()".contains(c);
    if (1..=128).contains(&license.trim().len()) && license.chars().all(ok_char) {
        return Ok(());
    }
    Err(PackError::invalid(
        "license",
        format!(
            "`{}` is not an SPDX licence identifier such as CC-BY-SA-4.0",
            printable(license)
        ),
    ))
}

/// Returns the set of listed paths.
fn check_files(files: &[FileEntry]) -> Result<HashSet<&str>, PackError> {
    let mut set = PathSet::new();
    for (i, f) in files.iter().enumerate() {
        let field = format!("files[{i}]");
        check_path(&f.path).map_err(|p| {
            PackError::invalid(
                format!("{field}.path"),
                format!("`{}` {p}", printable(&f.path)),
            )
        })?;
        let key = fold_key(&f.path);
        if key == MANIFEST_NAME || key == SIGNATURE_NAME {
            return Err(PackError::invalid(
                format!("{field}.path"),
                format!("`{}` is a reserved name", f.path),
            ));
        }
        check_sha256(&field, &f.sha256)?;
        set.insert_file(&f.path)
            .map_err(|other| collision(&field, &f.path, other))?;
    }
    if let Some((file, other)) = set.folder_conflict() {
        return Err(PackError::PathCollision {
            first: file,
            second: other,
        });
    }
    Ok(files.iter().map(|f| f.path.as_str()).collect())
}

fn collision(field: &str, path: &str, other: String) -> PackError {
    if other == path {
        return PackError::invalid(format!("{field}.path"), format!("`{path}` is listed twice"));
    }
    PackError::PathCollision {
        first: other,
        second: path.to_owned(),
    }
}

fn check_sha256(field: &str, sha: &str) -> Res {
    let ok = sha.len() == 64 && sha.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if ok {
        return Ok(());
    }
    Err(PackError::invalid(
        format!("{field}.sha256"),
        "is not 64 lowercase hex digits",
    ))
}

/// Returns the set of quiz ids.
fn check_quizzes(quizzes: &[Quiz]) -> Result<HashSet<&str>, PackError> {
    let mut ids = HashSet::new();
    for (i, quiz) in quizzes.iter().enumerate() {
        let field = format!("quizzes[{i}]");
        check_id(&format!("{field}.id"), &quiz.id, 1)?;
        if !ids.insert(quiz.id.as_str()) {
            return Err(PackError::invalid(
                format!("{field}.id"),
                format!("`{}` is used by two quizzes", quiz.id),
            ));
        }
        check_quiz(&field, quiz)?;
    }
    Ok(ids)
}

fn check_quiz(field: &str, quiz: &Quiz) -> Res {
    check_text(&format!("{field}.title"), &quiz.title, true)?;
    if !(1..=100).contains(&quiz.mastery.min_score_percent) {
        return Err(PackError::invalid(
            format!("{field}.mastery.min_score_percent"),
            "must be between 1 and 100",
        ));
    }
    if quiz.questions.is_empty() {
        return Err(PackError::invalid(
            format!("{field}.questions"),
            "has no question",
        ));
    }
    let mut ids = HashSet::new();
    for (i, q) in quiz.questions.iter().enumerate() {
        let qf = format!("{field}.questions[{i}]");
        check_id(&format!("{qf}.id"), &q.id, 1)?;
        if !ids.insert(q.id.as_str()) {
            return Err(PackError::invalid(
                format!("{qf}.id"),
                format!("`{}` is used by two questions of this quiz", q.id),
            ));
        }
        check_text(&format!("{qf}.prompt"), &q.prompt, true)?;
        if let Some(fb) = &q.feedback {
            check_optional_text(&format!("{qf}.feedback.correct"), fb.correct.as_ref())?;
            check_optional_text(&format!("{qf}.feedback.incorrect"), fb.incorrect.as_ref())?;
        }
        check_question_kind(&qf, &q.kind)?;
    }
    Ok(())
}

fn check_question_kind(field: &str, kind: &QuestionKind) -> Res {
    match kind {
        QuestionKind::SingleChoice { choices } => check_choices(field, choices, true),
        QuestionKind::MultipleChoice { choices } => check_choices(field, choices, false),
        QuestionKind::Numeric {
            answer,
            tolerance,
            unit,
        } => {
            if !answer.is_finite() {
                return Err(PackError::invalid(
                    format!("{field}.answer"),
                    "is not a number",
                ));
            }
            if !tolerance.is_finite() || *tolerance < 0.0 {
                return Err(PackError::invalid(
                    format!("{field}.tolerance"),
                    "must be a number ≥ 0",
                ));
            }
            check_optional_text(&format!("{field}.unit"), unit.as_ref())
        }
        QuestionKind::ShortText { accept, .. } => check_accept(field, accept),
    }
}

fn check_choices(field: &str, choices: &[Choice], single: bool) -> Res {
    if !(2..=MAX_CHOICES).contains(&choices.len()) {
        return Err(PackError::invalid(
            format!("{field}.choices"),
            format!("has {} choices; a question needs 2–12", choices.len()),
        ));
    }
    let mut ids = HashSet::new();
    for (i, c) in choices.iter().enumerate() {
        let cf = format!("{field}.choices[{i}]");
        check_id(&format!("{cf}.id"), &c.id, 1)?;
        if !ids.insert(c.id.as_str()) {
            return Err(PackError::invalid(
                format!("{cf}.id"),
                format!("`{}` is used by two choices", c.id),
            ));
        }
        check_text(&format!("{cf}.text"), &c.text, true)?;
        check_optional_text(&format!("{cf}.feedback"), c.feedback.as_ref())?;
    }
    let correct = choices.iter().filter(|c| c.correct).count();
    match (single, correct) {
        (true, 1) => Ok(()),
        (false, n) if n >= 1 => Ok(()),
        (true, n) => Err(PackError::invalid(
            format!("{field}.choices"),
            format!("a single_choice question needs exactly one correct choice, not {n}"),
        )),
        (false, _) => Err(PackError::invalid(
            format!("{field}.choices"),
            "a multiple_choice question needs at least one correct choice",
        )),
    }
}

fn check_accept(field: &str, accept: &BTreeMap<String, Vec<String>>) -> Res {
    if accept.is_empty() {
        return Err(PackError::invalid(
            format!("{field}.accept"),
            "lists no accepted answer",
        ));
    }
    for (lang, answers) in accept {
        let af = format!("{field}.accept.{lang}");
        check_tag(&af, lang)?;
        if answers.is_empty() || answers.iter().any(|a| a.trim().is_empty()) {
            return Err(PackError::invalid(af, "needs non-empty accepted answers"));
        }
    }
    Ok(())
}

fn check_lessons(m: &Manifest, files: &HashSet<&str>, quizzes: &HashSet<&str>) -> Res {
    if m.lessons.is_empty() {
        return Err(PackError::invalid("lessons", "has no lesson"));
    }
    let mut ids = HashSet::new();
    for (i, lesson) in m.lessons.iter().enumerate() {
        let field = format!("lessons[{i}]");
        check_id(&format!("{field}.id"), &lesson.id, 1)?;
        if !ids.insert(lesson.id.as_str()) {
            return Err(PackError::invalid(
                format!("{field}.id"),
                format!("`{}` is used by two lessons", lesson.id),
            ));
        }
        check_text(&format!("{field}.title"), &lesson.title, true)?;
        check_content(&field, &lesson.content, files)?;
        check_lesson_quiz(&field, lesson.quiz.as_deref(), lesson.completion(), quizzes)?;
    }
    Ok(())
}

fn check_content(field: &str, content: &LocalizedText, files: &HashSet<&str>) -> Res {
    check_text(&format!("{field}.content"), content, true)?;
    for (lang, path) in content.iter() {
        let cf = format!("{field}.content.{lang}");
        if !files.contains(path) {
            return Err(PackError::invalid(
                cf,
                format!("`{}` is not listed in files", printable(path)),
            ));
        }
        if LessonKind::from_path(path).is_none() {
            return Err(PackError::invalid(
                cf,
                format!(
                    "`{}` is not a lesson type (html, md, pdf, mp4, webm or audio)",
                    printable(path)
                ),
            ));
        }
    }
    Ok(())
}

fn check_lesson_quiz(
    field: &str,
    quiz: Option<&str>,
    completion: Completion,
    quizzes: &HashSet<&str>,
) -> Res {
    if let Some(id) = quiz
        && !quizzes.contains(id)
    {
        return Err(PackError::invalid(
            format!("{field}.quiz"),
            format!("no quiz has id `{}`", printable(id)),
        ));
    }
    match completion {
        Completion::QuizMastered if quiz.is_none() => Err(PackError::invalid(
            format!("{field}.completion"),
            "is quiz_mastered but the lesson has no quiz",
        )),
        Completion::Time { min_seconds: 0 } => Err(PackError::invalid(
            format!("{field}.completion.min_seconds"),
            "must be at least 1",
        )),
        _ => Ok(()),
    }
}
