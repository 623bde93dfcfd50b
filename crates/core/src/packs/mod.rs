//! Installed course packs: verified install, content, removal, export and
//! the start-up clean-up that makes installs crash-safe.

pub mod cleanup;
pub mod content;
pub mod download;
pub mod export;
pub mod fsync;
pub mod import;
pub mod install;

use std::collections::BTreeMap;

use qalam_pack::Manifest;
use serde::{Deserialize, Serialize};

/// A map from language tag to text, as packs carry titles and descriptions.
pub type TextMap = BTreeMap<String, String>;

/// What listing needs from a manifest, stored beside the pack's row so that
/// `pack list` never parses manifests.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct StoredSummary {
    pub title: TextMap,
    pub description: TextMap,
    pub languages: Vec<String>,
    pub subject: String,
    pub level: String,
    pub publisher: TextMap,
    pub license: String,
    pub lesson_count: usize,
    pub quiz_count: usize,
}

impl StoredSummary {
    pub fn of(manifest: &Manifest) -> Self {
        StoredSummary {
            title: text_map(&manifest.title),
            description: text_map(&manifest.description),
            languages: manifest.languages.clone(),
            subject: manifest.subject.clone(),
            level: manifest.level.clone(),
            publisher: text_map(&manifest.publisher.name),
            license: manifest.license.clone(),
            lesson_count: manifest.lessons.len(),
            quiz_count: manifest.quizzes.len(),
        }
    }
}

/// Converts the pack crate's localized text into a plain map through serde,
/// so this crate does not depend on how that type is spelled.
pub fn text_map<T: Serialize>(text: &T) -> TextMap {
    serde_json::to_value(text)
        .ok()
        .and_then(|value| serde_json::from_value(value).ok())
        .unwrap_or_default()
}
