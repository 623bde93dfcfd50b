//! The manifest's serde types (PACK_FORMAT.md, "Manifest").
//!
//! Parsing and validation are one step ([`Manifest::from_json`]) so no code
//! path can hold an unvalidated manifest from a pack. The rules themselves
//! live in `validate.rs`, shared with the builder.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::PackError;

/// The only `format` this reader reads.
pub const FORMAT: &str = "qalam-pack/1";

/// A pack's manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always [`FORMAT`].
    pub format: String,
    /// Stable pack id, e.g. `org.qalam.numeracy`.
    pub id: String,
    /// Semantic version; see [`Manifest::semver`].
    pub version: String,
    /// Title by language.
    pub title: LocalizedText,
    /// Description by language.
    pub description: LocalizedText,
    /// Languages the pack is written in; the first is the default.
    pub languages: Vec<String>,
    /// Subject tag such as `numeracy`.
    pub subject: String,
    /// `beginner`, `intermediate`, `advanced` or a CEFR level.
    pub level: String,
    /// Who made the pack.
    pub publisher: Publisher,
    /// SPDX licence identifier.
    pub license: String,
    /// At least one lesson.
    pub lessons: Vec<Lesson>,
    /// Quizzes that lessons refer to.
    #[serde(default)]
    pub quizzes: Vec<Quiz>,
    /// Every content file with its size and sha256.
    pub files: Vec<FileEntry>,
}

/// Text in several languages: BCP 47 tag → text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LocalizedText(pub BTreeMap<String, String>);

/// Who published a pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Publisher {
    /// Name by language.
    pub name: LocalizedText,
    /// An `https://` or `http://` web address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// How to reach the publisher.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
}

/// One lesson.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lesson {
    /// Stable id; learners' progress is keyed by it.
    pub id: String,
    /// Title by language.
    pub title: LocalizedText,
    /// Content file path by language; every path is in `files`.
    pub content: LocalizedText,
    /// Expected duration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_minutes: Option<u32>,
    /// When the lesson counts as completed; `None` means [`Completion::Viewed`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completion: Option<Completion>,
    /// Id of this lesson's quiz.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quiz: Option<String>,
}

/// How a lesson's content file is shown, from its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LessonKind {
    /// `.html`, `.htm`
    Html,
    /// `.md`
    Markdown,
    /// `.pdf`
    Pdf,
    /// `.mp4`, `.webm`
    Video,
    /// `.mp3`, `.ogg`, `.oga`, `.opus`, `.m4a`
    Audio,
}

/// When a lesson counts as completed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Completion {
    /// Opened and scrolled to the end.
    Viewed,
    /// Read actively for at least `min_seconds`.
    Time {
        /// Seconds of active reading.
        min_seconds: u32,
    },
    /// The lesson's quiz is mastered.
    QuizMastered,
}

/// A quiz.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quiz {
    /// Id, unique in the pack.
    pub id: String,
    /// Title by language.
    pub title: LocalizedText,
    /// What counts as mastery.
    pub mastery: Mastery,
    /// At least one question.
    pub questions: Vec<Question>,
}

/// The score that masters a quiz.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mastery {
    /// 1–100.
    pub min_score_percent: u32,
}

/// One question of a quiz.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Question {
    /// Id, unique in its quiz.
    pub id: String,
    /// The question by language.
    pub prompt: LocalizedText,
    /// Feedback shown after answering.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback: Option<Feedback>,
    /// The `type` and its fields.
    #[serde(flatten)]
    pub kind: QuestionKind,
}

/// Feedback after a question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Feedback {
    /// Shown after a correct answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correct: Option<LocalizedText>,
    /// Shown after an incorrect answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incorrect: Option<LocalizedText>,
}

/// A question's type and the fields that go with it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum QuestionKind {
    /// Exactly one correct choice.
    SingleChoice {
        /// 2–12 choices.
        choices: Vec<Choice>,
    },
    /// At least one correct choice; the learner must pick exactly those.
    MultipleChoice {
        /// 2–12 choices.
        choices: Vec<Choice>,
    },
    /// A number within `tolerance` of `answer`.
    Numeric {
        /// The correct value.
        answer: f64,
        /// Allowed difference, ≥ 0.
        #[serde(default)]
        tolerance: f64,
        /// Unit shown next to the input.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<LocalizedText>,
    },
    /// A short typed answer.
    ShortText {
        /// Accepted answers by language.
        accept: BTreeMap<String, Vec<String>>,
        /// Compare case-sensitively.
        #[serde(default)]
        case_sensitive: bool,
    },
}

/// One choice of a choice question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    /// Id, unique in its question.
    pub id: String,
    /// The choice by language.
    pub text: LocalizedText,
    /// Whether picking it is correct.
    #[serde(default, skip_serializing_if = "is_false")]
    pub correct: bool,
    /// Feedback shown when it is picked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback: Option<LocalizedText>,
}

/// One content file listed in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FileEntry {
    /// Safe relative path inside the pack.
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// sha256 in lowercase hex.
    pub sha256: String,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// Only `format`, read first so a newer pack gets "unsupported format"
/// rather than a confusing field error.
#[derive(Deserialize)]
struct FormatProbe {
    format: Option<serde_json::Value>,
}

impl Manifest {
    /// Parses and validates `manifest.json` under the default limits. A
    /// manifest that does not satisfy every rule of the format is an error.
    pub fn from_json(bytes: &[u8]) -> Result<Manifest, PackError> {
        Self::from_json_with(bytes, &crate::limits::Limits::default())
    }

    /// [`Manifest::from_json`] with the value-count limit of `limits`
    /// (the byte limit is the reader's business).
    pub fn from_json_with(
        bytes: &[u8],
        limits: &crate::limits::Limits,
    ) -> Result<Manifest, PackError> {
        crate::jsoncount::within_limit(bytes, limits.max_manifest_values).map_err(|_| {
            PackError::ManifestTooComplex {
                limit: limits.max_manifest_values,
            }
        })?;
        let syntax = |e: serde_json::Error| PackError::ManifestSyntax {
            reason: e.to_string(),
        };
        let probe: FormatProbe = serde_json::from_slice(bytes).map_err(syntax)?;
        match probe.format {
            Some(serde_json::Value::String(f)) if f == FORMAT => {}
            Some(other) => return Err(unsupported(&other)),
            None => return Err(PackError::invalid("format", "is missing")),
        }
        let manifest: Manifest = serde_json::from_slice(bytes).map_err(syntax)?;
        manifest.validate()?;
        Ok(manifest)
    }

    /// The canonical `manifest.json` bytes the builder writes.
    pub fn to_json(&self) -> Vec<u8> {
        // Serialising these plain types cannot fail (string keys, no
        // non-finite floats after validation), so an empty result is unreachable.
        let mut out = serde_json::to_vec_pretty(self).unwrap_or_default();
        out.push(b'\n');
        out
    }

    /// Checks every rule of the format.
    pub fn validate(&self) -> Result<(), PackError> {
        crate::validate::manifest(self)
    }

    /// The version as a [`semver::Version`]; `None` only for a manifest
    /// that did not pass validation.
    pub fn semver(&self) -> Option<semver::Version> {
        semver::Version::parse(&self.version).ok()
    }

    /// The listed file at `path`.
    pub fn file(&self, path: &str) -> Option<&FileEntry> {
        self.files.iter().find(|f| f.path == path)
    }

    /// The lesson with `id`.
    pub fn lesson(&self, id: &str) -> Option<&Lesson> {
        self.lessons.iter().find(|l| l.id == id)
    }

    /// The quiz with `id`.
    pub fn quiz(&self, id: &str) -> Option<&Quiz> {
        self.quizzes.iter().find(|q| q.id == id)
    }

    /// Sum of the listed file sizes.
    pub fn content_bytes(&self) -> u64 {
        self.files
            .iter()
            .fold(0u64, |n, f| n.saturating_add(f.size))
    }
}

fn unsupported(value: &serde_json::Value) -> PackError {
    let found = match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    PackError::UnsupportedFormat {
        found: crate::error::printable(&found),
    }
}

impl LocalizedText {
    /// Text in `lang`, else in the first of `fallback_langs` present, else
    /// any text. Tags match case-insensitively, and a tag matches another
    /// with the same primary language (`fa-AF` ↔ `fa`) when there is no
    /// exact match. Returns `(language, text)`; `None` only when empty.
    pub fn resolve(&self, lang: &str, fallback_langs: &[String]) -> Option<(&str, &str)> {
        std::iter::once(lang)
            .chain(fallback_langs.iter().map(String::as_str))
            .find_map(|want| self.lookup(want))
            .or_else(|| self.0.iter().next().map(|(k, v)| (k.as_str(), v.as_str())))
    }

    fn lookup<'a>(&'a self, want: &str) -> Option<(&'a str, &'a str)> {
        let as_pair = |(k, v): (&'a String, &'a String)| (k.as_str(), v.as_str());
        if let Some(hit) = self.0.iter().find(|(k, _)| k.eq_ignore_ascii_case(want)) {
            return Some(as_pair(hit));
        }
        let primary = primary_subtag(want);
        self.0
            .iter()
            .find(|(k, _)| primary_subtag(k).eq_ignore_ascii_case(primary))
            .map(as_pair)
    }

    /// Text in exactly `lang`.
    pub fn get(&self, lang: &str) -> Option<&str> {
        self.0.get(lang).map(String::as_str)
    }

    /// Number of languages.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there is no text at all.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `(language, text)` pairs in tag order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for LocalizedText {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        LocalizedText(
            iter.into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }
}

fn primary_subtag(tag: &str) -> &str {
    tag.split('-').next().unwrap_or(tag)
}

impl LessonKind {
    /// The kind for a content path, from its extension (any case).
    pub fn from_path(path: &str) -> Option<Self> {
        let file_name = path.rsplit('/').next().unwrap_or(path);
        let (_, ext) = file_name.rsplit_once('.')?;
        match ext.to_ascii_lowercase().as_str() {
            "html" | "htm" => Some(LessonKind::Html),
            "md" => Some(LessonKind::Markdown),
            "pdf" => Some(LessonKind::Pdf),
            "mp4" | "webm" => Some(LessonKind::Video),
            "mp3" | "ogg" | "oga" | "opus" | "m4a" => Some(LessonKind::Audio),
            _ => None,
        }
    }
}

impl Lesson {
    /// The completion rule, with the default applied.
    pub fn completion(&self) -> Completion {
        self.completion.unwrap_or(Completion::Viewed)
    }
}
