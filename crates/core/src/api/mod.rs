//! One function per user action. The Tauri commands, the HTTP API of
//! `qalam serve` and the CLI all call these, so every transport behaves the
//! same.
//!
//! Roles and per-learner isolation are enforced here, not in the UI: the
//! UI's transports (HTTP dispatch, Tauri) call only the public functions of
//! this module (`app_info`, `list_packs`, `get_pack`),
//! [`session`] (picker, sign-in), [`study`] (bound to the session's learner),
//! [`facilitate`], [`syncing`] and [`exchange`] (facilitators only), each of which takes
//! the session token and checks it first. The unchecked functions here and in
//! [`learners`] are for the local `qalam` CLI, whose user already holds the
//! data folder.

pub mod dispatch;
pub mod exchange;
pub mod facilitate;
pub mod jobs;
pub mod learners;
pub mod session;
pub mod simulate;
pub mod study;
pub mod syncing;
pub mod types;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use qalam_model::{Direction, direction_of, pick_language};
use qalam_pack::{LessonKind, Manifest};

use crate::device::Device;
use crate::error::CoreError;
use crate::packs::{self, StoredSummary, TextMap};
use crate::storage::{self, packs::PackRow, trust::TrustedKeyRow};
use types::*;

pub fn app_info(device: &Device, transport_hint: &str) -> AppInfo {
    AppInfo {
        version: env!("CARGO_PKG_VERSION").to_string(),
        data_dir: device.layout().root().display().to_string(),
        transport_hint: transport_hint.to_string(),
    }
}

/// The verdict of the database check run at start-up (public: the picker
/// can tell learners to fetch a facilitator when it is `damaged`).
pub fn database_health(device: &Device) -> DatabaseHealth {
    device.database_health()
}

/// [`database_health`] as a caller may see it: anyone (the profile picker
/// shows a notice), but SQLite's findings only to a signed-in facilitator.
pub fn database_health_for(device: &Device, token: Option<&str>) -> DatabaseHealth {
    let mut health = device.database_health();
    if session::facilitator(device, token).is_err() {
        health.problems.clear();
    }
    health
}

/// Installed packs with texts in `lang`, sorted by the title shown.
pub fn list_packs(device: &Device, lang: &str) -> Result<Vec<PackSummary>, CoreError> {
    let rows = storage::packs::list(&device.conn())?;
    let mut packs = rows
        .iter()
        .map(|row| summary_of(row, lang))
        .collect::<Result<Vec<_>, _>>()?;
    packs.sort_by(|a, b| {
        a.title
            .text
            .to_lowercase()
            .cmp(&b.title.text.to_lowercase())
    });
    Ok(packs)
}

pub fn get_pack(device: &Device, lang: &str, id: &str) -> Result<PackDetail, CoreError> {
    let row = storage::packs::get(&device.conn(), id)?.ok_or_else(|| CoreError::NotFound {
        what: "installed pack",
        id: id.to_string(),
    })?;
    let manifest = manifest_of(&row)?;
    let lessons = manifest
        .lessons
        .iter()
        .map(|lesson| lesson_info(&manifest, lesson, lang))
        .collect();
    Ok(PackDetail {
        summary: summary_of(&row, lang)?,
        lessons,
    })
}

/// The manifest of an installed pack, as stored at install.
pub(crate) fn manifest_of(row: &PackRow) -> Result<Manifest, CoreError> {
    serde_json::from_slice(&row.manifest_json).map_err(|e| {
        CoreError::BadRequest(format!(
            "the stored manifest of `{}` cannot be read ({e}); reinstall the pack",
            row.id
        ))
    })
}

pub fn pack_remove(device: &Device, id: &str) -> Result<(), CoreError> {
    let row = storage::packs::get(&device.conn(), id)?.ok_or_else(|| CoreError::NotFound {
        what: "installed pack",
        id: id.to_string(),
    })?;
    storage::packs::delete(&device.conn(), id)?;
    let dir = device.layout().packs().join(&row.dir);
    if let Err(err) = packs::fsync::discard_dir(&dir, &device.layout().trash()) {
        tracing::warn!(%err, "pack folder left for start-up clean-up");
    }
    Ok(())
}

pub fn trust_list(device: &Device) -> Result<Vec<TrustedKey>, CoreError> {
    Ok(storage::trust::list(&device.conn())?
        .into_iter()
        .map(trusted_key)
        .collect())
}

/// Trusts the publisher key in `public_key_text` (the text of a `.pub` file).
pub fn trust_add(
    device: &Device,
    public_key_text: &str,
    name: Option<&str>,
) -> Result<TrustedKey, CoreError> {
    let key = qalam_pack::PublicKey::parse_file(public_key_text)
        .map_err(|e| CoreError::BadRequest(e.to_string()))?;
    let row = TrustedKeyRow {
        key_id: key.key_id(),
        public_key: key.to_base64(),
        name: name
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(String::from),
        added_at: storage::now_rfc3339(),
    };
    Ok(trusted_key(storage::trust::add(&device.conn(), &row)?))
}

/// Starts importing in the background; poll [`import_status`] for progress.
pub fn import_start(
    device: &Arc<Device>,
    paths: Vec<PathBuf>,
    allow_untrusted: bool,
) -> Result<JobStarted, CoreError> {
    if paths.is_empty() {
        return Err(CoreError::BadRequest(
            "nothing to import: choose at least one pack or folder".into(),
        ));
    }
    let (job, mut handle) = device.jobs.create();
    let device = Arc::clone(device);
    std::thread::Builder::new()
        .name(format!("import-{job}"))
        .spawn(move || {
            let results = packs::import::import_all(&device, &paths, allow_untrusted, &mut handle);
            handle.finish(results);
        })
        .map_err(|e| CoreError::io("start the import", Path::new(""), e))?;
    Ok(JobStarted { job })
}

pub fn import_status(device: &Device, job: u64) -> Result<ImportStatus, CoreError> {
    device.jobs.status(job).ok_or_else(|| CoreError::NotFound {
        what: "import job",
        id: job.to_string(),
    })
}

/// Removable media (and configured folders) that hold pack files.
pub fn usb_scan(device: &Device, lang: &str) -> Vec<UsbSource> {
    let settings = device.settings();
    let mut roots = settings.usb_roots.clone();
    if settings.scan_system_mounts {
        roots.extend(crate::usb::system_mount_roots());
    }
    roots
        .into_iter()
        .filter_map(|root| {
            let packs: Vec<UsbPack> = crate::usb::pack_files_on(&root)
                .iter()
                .map(|path| usb_pack(device, path, lang))
                .collect();
            (!packs.is_empty()).then(|| UsbSource {
                label: root.file_name().map_or_else(
                    || root.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                ),
                root: root.display().to_string(),
                packs,
            })
        })
        .collect()
}

fn usb_pack(device: &Device, path: &Path, lang: &str) -> UsbPack {
    let (size, peek) = device.usb_cache.peek(path, &device.settings().pack_limits);
    UsbPack {
        path: path.display().to_string(),
        file_name: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        size_bytes: size,
        title: peek
            .title
            .as_ref()
            .map(|t| local_text(t, lang, &peek.languages)),
        id: peek.id,
        version: peek.version,
        error: peek.error,
    }
}

fn summary_of(row: &PackRow, lang: &str) -> Result<PackSummary, CoreError> {
    let stored: StoredSummary = serde_json::from_str(&row.summary_json).map_err(|e| {
        CoreError::BadRequest(format!(
            "the stored summary of `{}` cannot be read ({e}); reinstall the pack",
            row.id
        ))
    })?;
    let fallbacks = &stored.languages;
    Ok(PackSummary {
        id: row.id.clone(),
        version: row.version.clone(),
        title: local_text(&stored.title, lang, fallbacks),
        description: local_text(&stored.description, lang, fallbacks),
        subject: stored.subject.clone(),
        level: stored.level.clone(),
        languages: stored.languages.clone(),
        publisher: local_text(&stored.publisher, lang, fallbacks),
        license: stored.license.clone(),
        size_bytes: row.size_bytes,
        lesson_count: stored.lesson_count,
        quiz_count: stored.quiz_count,
        signer: row.signer.clone(),
        trusted: row.trusted,
        installed_at: row.installed_at.clone(),
    })
}

fn lesson_info(manifest: &Manifest, lesson: &qalam_pack::Lesson, lang: &str) -> LessonInfo {
    let content = packs::text_map(&lesson.content);
    let langs: Vec<&String> = content.keys().collect();
    let chosen = pick_language(lang, &langs, &manifest.languages.iter().collect::<Vec<_>>())
        .map(|s| s.to_string())
        .unwrap_or_default();
    let path = content.get(&chosen).cloned().unwrap_or_default();
    LessonInfo {
        id: lesson.id.clone(),
        title: local_text(&packs::text_map(&lesson.title), lang, &manifest.languages),
        kind: kind_name(LessonKind::from_path(&path)),
        content_path: format!("{}/{}", manifest.id, path),
        content_dir: dir_name(direction_of(&chosen)),
        content_lang: chosen,
        duration_minutes: lesson.duration_minutes,
        quiz: lesson.quiz.clone(),
    }
}

fn kind_name(kind: Option<LessonKind>) -> &'static str {
    match kind {
        Some(LessonKind::Html) | None => "html",
        Some(LessonKind::Markdown) => "markdown",
        Some(LessonKind::Pdf) => "pdf",
        Some(LessonKind::Video) => "video",
        Some(LessonKind::Audio) => "audio",
    }
}

/// Resolves a map of texts to `lang`, falling back to the pack's languages.
pub fn local_text(map: &TextMap, lang: &str, fallbacks: &[String]) -> LocalText {
    let keys: Vec<&String> = map.keys().collect();
    let fallbacks: Vec<&String> = fallbacks.iter().collect();
    let chosen = pick_language(lang, &keys, &fallbacks)
        .map(str::to_string)
        .unwrap_or_default();
    LocalText {
        text: map.get(&chosen).cloned().unwrap_or_default(),
        dir: dir_name(direction_of(&chosen)),
        lang: chosen,
    }
}

fn dir_name(direction: Direction) -> &'static str {
    match direction {
        Direction::Ltr => "ltr",
        Direction::Rtl => "rtl",
    }
}

fn trusted_key(row: TrustedKeyRow) -> TrustedKey {
    TrustedKey {
        key_id: row.key_id,
        name: row.name,
        added_at: row.added_at,
    }
}
