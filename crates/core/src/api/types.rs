//! The shapes the UI receives. docs/API.md describes them for the UI side;
//! field names here are the contract.

use serde::Serialize;

pub use crate::packs::import::{ImportResult, ResultKind};

/// A text resolved to one language, with the direction to lay it out in.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct LocalText {
    pub text: String,
    pub lang: String,
    pub dir: &'static str,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AppInfo {
    pub version: String,
    pub data_dir: String,
    pub transport_hint: String,
}

/// The verdict of the database check run at start (`database_health`).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DatabaseHealth {
    /// `"unchecked"` (no check started), `"checking"`, `"ok"` or `"damaged"`.
    pub state: &'static str,
    /// What SQLite reported when damaged (at most 20 lines).
    pub problems: Vec<String>,
    /// How long the check took, in milliseconds, once done.
    pub took_ms: Option<u64>,
    /// Rolling backups a repair can restore from.
    pub backups: usize,
}

impl DatabaseHealth {
    pub fn unchecked() -> Self {
        DatabaseHealth {
            state: "unchecked",
            problems: Vec::new(),
            took_ms: None,
            backups: 0,
        }
    }

    pub fn checking() -> Self {
        DatabaseHealth {
            state: "checking",
            ..Self::unchecked()
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PackSummary {
    pub id: String,
    pub version: String,
    pub title: LocalText,
    pub description: LocalText,
    pub subject: String,
    pub level: String,
    pub languages: Vec<String>,
    pub publisher: LocalText,
    pub license: String,
    pub size_bytes: u64,
    pub lesson_count: usize,
    pub quiz_count: usize,
    pub signer: Option<String>,
    pub trusted: bool,
    pub installed_at: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct LessonInfo {
    pub id: String,
    pub title: LocalText,
    pub kind: &'static str,
    pub content_path: String,
    pub content_lang: String,
    pub content_dir: &'static str,
    pub duration_minutes: Option<u32>,
    pub quiz: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PackDetail {
    #[serde(flatten)]
    pub summary: PackSummary,
    pub lessons: Vec<LessonInfo>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct UsbSource {
    pub root: String,
    pub label: String,
    pub packs: Vec<UsbPack>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct UsbPack {
    pub path: String,
    pub file_name: String,
    pub size_bytes: u64,
    pub id: Option<String>,
    pub version: Option<String>,
    pub title: Option<LocalText>,
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct JobStarted {
    pub job: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Running,
    Done,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ImportStatus {
    pub job: u64,
    pub state: JobState,
    pub current: Option<String>,
    pub bytes_done: u64,
    pub bytes_total: u64,
    pub results: Vec<ImportResult>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TrustedKey {
    pub key_id: String,
    pub name: Option<String>,
    pub added_at: String,
}

/// What the UI receives instead of a result: a stable code and a one-line
/// message meant for people.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ApiError {
    pub code: String,
    pub message: String,
    /// For `slow_down`: seconds until the next attempt is allowed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after_s: Option<u64>,
}

impl From<crate::error::CoreError> for ApiError {
    fn from(err: crate::error::CoreError) -> Self {
        ApiError {
            code: err.code().to_string(),
            message: err.to_string(),
            retry_after_s: err.retry_after_s(),
        }
    }
}

impl ApiError {
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new("bad_request", message)
    }

    pub fn new(code: &str, message: impl Into<String>) -> Self {
        ApiError {
            code: code.into(),
            message: message.into(),
            retry_after_s: None,
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}
