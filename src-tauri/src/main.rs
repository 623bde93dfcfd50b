//! The Qalam desktop window. Each command is a one-line delegation to
//! `qalam_core::api` (the session token of the window, held in [`Tokens`],
//! is passed along; the core checks it); pack content is served sandboxed under
//! `/content/` on the app's origin and through the `qalam-pack:` scheme (see
//! `content_scheme`). No business rules live here.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod content_scheme;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use qalam_core::api::exchange::{self as x, BundleLoaded, BundleStick, BundleWritten};
use qalam_core::api::exchange::{CatalogueView, DownloadStatus, FetchArgs};
use qalam_core::api::exchange::{StickEnrolArgs, StickEnrolled};
use qalam_core::api::facilitate::{self as fac, NewLearner};
use qalam_core::api::learners::{LearnerSummary, Progress};
use qalam_core::api::session::{self, PickerProfile, SessionInfo};
use qalam_core::api::study::{self, *};
use qalam_core::api::syncing::{self, EnrolArgs, SyncStatus};
use qalam_core::api::{self, types::*};
use qalam_core::{Device, Settings};
use tauri::{State, Window};

type Dev<'a> = State<'a, Arc<Device>>;
type Reply<T> = Result<T, ApiError>;

/// One implicit session per window: the token stays here, in Rust, and
/// never reaches the web view. Roles and isolation are checked by
/// `qalam_core::api` on every call, exactly as over HTTP.
#[derive(Default)]
struct Tokens(Mutex<HashMap<String, String>>);
type Tok<'a> = State<'a, Tokens>;

impl Tokens {
    fn of(&self, window: &Window) -> Option<String> {
        let map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        map.get(window.label()).cloned()
    }
    fn set(&self, window: &Window, token: Option<String>) -> Option<String> {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        match token {
            Some(t) => map.insert(window.label().to_string(), t),
            None => map.remove(window.label()),
        }
    }
}

#[tauri::command(async, rename_all = "snake_case")]
fn app_info(device: Dev<'_>) -> AppInfo {
    api::app_info(&device, "tauri")
}

#[tauri::command(async, rename_all = "snake_case")]
fn list_packs(device: Dev<'_>, lang: String) -> Reply<Vec<PackSummary>> {
    Ok(api::list_packs(&device, &lang)?)
}

#[tauri::command(async, rename_all = "snake_case")]
fn get_pack(device: Dev<'_>, lang: String, id: String) -> Reply<PackDetail> {
    Ok(api::get_pack(&device, &lang, &id)?)
}

#[tauri::command(async, rename_all = "snake_case")]
fn profiles_for_picker(device: Dev<'_>) -> Reply<Vec<PickerProfile>> {
    Ok(session::profiles_for_picker(&device)?)
}

#[tauri::command(async, rename_all = "snake_case")]
fn sign_in(
    d: Dev<'_>,
    s: Tok<'_>,
    w: Window,
    learner_id: String,
    pin: Option<String>,
) -> Reply<SessionInfo> {
    let info = session::sign_in(&d, &learner_id, pin.as_deref())?;
    let old = s.set(&w, info.token.clone());
    session::sign_out(&d, old.as_deref());
    Ok(SessionInfo {
        token: None,
        ..info
    })
}

#[tauri::command(async, rename_all = "snake_case")]
fn sign_out(d: Dev<'_>, s: Tok<'_>, w: Window) -> serde_json::Value {
    session::sign_out(&d, s.set(&w, None).as_deref());
    serde_json::json!({})
}

#[tauri::command(async, rename_all = "snake_case")]
fn session_info(d: Dev<'_>, s: Tok<'_>, w: Window) -> Reply<SessionInfo> {
    Ok(session::session_info(&d, s.of(&w).as_deref())?)
}

#[tauri::command(async, rename_all = "snake_case")]
fn lesson_open(
    d: Dev<'_>,
    s: Tok<'_>,
    w: Window,
    pack_id: String,
    lesson_id: String,
) -> Reply<LessonView> {
    Ok(study::lesson_open(
        &d,
        s.of(&w).as_deref(),
        &pack_id,
        &lesson_id,
    )?)
}

#[tauri::command(async, rename_all = "snake_case")]
fn lesson_progress(
    d: Dev<'_>,
    s: Tok<'_>,
    w: Window,
    pack_id: String,
    lesson_id: String,
    position: u32,
    active_seconds: u32,
) -> Reply<LessonView> {
    Ok(study::lesson_progress(
        &d,
        s.of(&w).as_deref(),
        &pack_id,
        &lesson_id,
        position,
        active_seconds,
    )?)
}

#[tauri::command(async, rename_all = "snake_case")]
fn lesson_complete(
    d: Dev<'_>,
    s: Tok<'_>,
    w: Window,
    pack_id: String,
    lesson_id: String,
) -> Reply<LessonView> {
    Ok(study::lesson_complete(
        &d,
        s.of(&w).as_deref(),
        &pack_id,
        &lesson_id,
    )?)
}

#[tauri::command(async, rename_all = "snake_case")]
fn quiz_get(
    d: Dev<'_>,
    s: Tok<'_>,
    w: Window,
    pack_id: String,
    quiz_id: String,
    lang: String,
) -> Reply<QuizView> {
    Ok(study::quiz_get(
        &d,
        s.of(&w).as_deref(),
        &pack_id,
        &quiz_id,
        &lang,
    )?)
}

#[tauri::command(async, rename_all = "snake_case")]
fn quiz_start(
    d: Dev<'_>,
    s: Tok<'_>,
    w: Window,
    pack_id: String,
    quiz_id: String,
) -> Reply<AttemptStarted> {
    Ok(study::quiz_start(
        &d,
        s.of(&w).as_deref(),
        &pack_id,
        &quiz_id,
    )?)
}

#[allow(clippy::too_many_arguments)]
#[tauri::command(async, rename_all = "snake_case")]
fn quiz_answer(
    d: Dev<'_>,
    s: Tok<'_>,
    w: Window,
    pack_id: String,
    quiz_id: String,
    attempt: u64,
    question_id: String,
    answer: serde_json::Value,
    lang: Option<String>,
) -> Reply<Graded> {
    Ok(study::quiz_answer(
        &d,
        s.of(&w).as_deref(),
        &pack_id,
        &quiz_id,
        attempt,
        &question_id,
        &answer,
        lang.as_deref(),
    )?)
}

#[tauri::command(async, rename_all = "snake_case")]
fn quiz_finish(
    d: Dev<'_>,
    s: Tok<'_>,
    w: Window,
    pack_id: String,
    quiz_id: String,
    attempt: u64,
) -> Reply<QuizResult> {
    Ok(study::quiz_finish(
        &d,
        s.of(&w).as_deref(),
        &pack_id,
        &quiz_id,
        attempt,
    )?)
}

#[tauri::command(async, rename_all = "snake_case")]
fn my_progress(d: Dev<'_>, s: Tok<'_>, w: Window, lang: Option<String>) -> Reply<MyProgress> {
    Ok(study::my_progress(
        &d,
        s.of(&w).as_deref(),
        lang.as_deref().unwrap_or("en"),
    )?)
}

#[tauri::command(async, rename_all = "snake_case")]
fn usb_scan(d: Dev<'_>, s: Tok<'_>, w: Window, lang: Option<String>) -> Reply<Vec<UsbSource>> {
    Ok(fac::usb_scan(
        &d,
        s.of(&w).as_deref(),
        lang.as_deref().unwrap_or("en"),
    )?)
}

#[tauri::command(async, rename_all = "snake_case")]
fn import_start(
    d: Dev<'_>,
    s: Tok<'_>,
    w: Window,
    paths: Vec<PathBuf>,
    allow_untrusted: bool,
) -> Reply<JobStarted> {
    Ok(fac::import_start(
        &d,
        s.of(&w).as_deref(),
        paths,
        allow_untrusted,
    )?)
}

#[tauri::command(async, rename_all = "snake_case")]
fn import_status(d: Dev<'_>, s: Tok<'_>, w: Window, job: u64) -> Reply<ImportStatus> {
    Ok(fac::import_status(&d, s.of(&w).as_deref(), job)?)
}

#[tauri::command(async, rename_all = "snake_case")]
fn pack_remove(d: Dev<'_>, s: Tok<'_>, w: Window, id: String) -> Reply<serde_json::Value> {
    fac::pack_remove(&d, s.of(&w).as_deref(), &id)?;
    Ok(serde_json::json!({}))
}

#[tauri::command(async, rename_all = "snake_case")]
fn trust_list(d: Dev<'_>, s: Tok<'_>, w: Window) -> Reply<Vec<TrustedKey>> {
    Ok(fac::trust_list(&d, s.of(&w).as_deref())?)
}

#[tauri::command(async, rename_all = "snake_case")]
fn trust_add(
    d: Dev<'_>,
    s: Tok<'_>,
    w: Window,
    public_key: String,
    name: Option<String>,
) -> Reply<TrustedKey> {
    Ok(fac::trust_add(
        &d,
        s.of(&w).as_deref(),
        &public_key,
        name.as_deref(),
    )?)
}

#[tauri::command(async, rename_all = "snake_case")]
fn learner_list(d: Dev<'_>, s: Tok<'_>, w: Window) -> Reply<Vec<LearnerSummary>> {
    Ok(fac::learner_list(&d, s.of(&w).as_deref())?)
}

#[allow(clippy::too_many_arguments)]
#[tauri::command(async, rename_all = "snake_case")]
fn learner_add(
    d: Dev<'_>,
    s: Tok<'_>,
    w: Window,
    name: String,
    pin: Option<String>,
    facilitator: Option<bool>,
    pictures: Option<bool>,
    avatar: Option<String>,
    language: Option<String>,
) -> Reply<LearnerSummary> {
    let new = NewLearner {
        name,
        pin,
        facilitator: facilitator.unwrap_or(false),
        pictures: pictures.unwrap_or(false),
        avatar: avatar.unwrap_or_default(),
        language: language.unwrap_or_default(),
    };
    Ok(fac::learner_add(&d, s.of(&w).as_deref(), &new)?)
}

#[tauri::command(async, rename_all = "snake_case")]
fn learner_rename(
    d: Dev<'_>,
    s: Tok<'_>,
    w: Window,
    learner_id: String,
    name: String,
) -> Reply<LearnerSummary> {
    Ok(fac::learner_rename(
        &d,
        s.of(&w).as_deref(),
        &learner_id,
        &name,
    )?)
}

#[tauri::command(async, rename_all = "snake_case")]
fn learner_archive(d: Dev<'_>, s: Tok<'_>, w: Window, learner_id: String) -> Reply<LearnerSummary> {
    Ok(fac::learner_archive(&d, s.of(&w).as_deref(), &learner_id)?)
}

#[tauri::command(async, rename_all = "snake_case")]
fn learner_reset_pin(
    d: Dev<'_>,
    s: Tok<'_>,
    w: Window,
    learner_id: String,
    pin: Option<String>,
    pictures: Option<bool>,
) -> Reply<LearnerSummary> {
    Ok(fac::learner_reset_pin(
        &d,
        s.of(&w).as_deref(),
        &learner_id,
        pin.as_deref(),
        pictures.unwrap_or(false),
    )?)
}

#[tauri::command(async, rename_all = "snake_case")]
fn centre_progress(d: Dev<'_>, s: Tok<'_>, w: Window) -> Reply<Progress> {
    Ok(fac::centre_progress(&d, s.of(&w).as_deref())?)
}

#[tauri::command(async, rename_all = "snake_case")]
fn database_health(device: Dev<'_>) -> DatabaseHealth {
    api::database_health(&device)
}

#[tauri::command(async, rename_all = "snake_case")]
fn doctor_repair(d: Dev<'_>, s: Tok<'_>, w: Window) -> Reply<fac::RepairOutcome> {
    Ok(fac::doctor_repair(&d, s.of(&w).as_deref())?)
}

#[tauri::command(async, rename_all = "snake_case")]
fn sync_status(d: Dev<'_>, s: Tok<'_>, w: Window) -> Reply<SyncStatus> {
    syncing::sync_status(&d, s.of(&w).as_deref())
}

#[tauri::command(async, rename_all = "snake_case")]
fn sync_now(d: Dev<'_>, s: Tok<'_>, w: Window) -> Reply<SyncStatus> {
    syncing::sync_now(&d, s.of(&w).as_deref())
}

#[tauri::command(async, rename_all = "snake_case")]
fn enrol_device(
    d: Dev<'_>,
    s: Tok<'_>,
    w: Window,
    server: String,
    code: String,
) -> Reply<SyncStatus> {
    syncing::enrol_device(&d, s.of(&w).as_deref(), &EnrolArgs { server, code })
}

#[tauri::command(async, rename_all = "snake_case")]
fn bundle_export(
    d: Dev<'_>,
    s: Tok<'_>,
    w: Window,
    mount: String,
    for_laptops: Option<bool>,
) -> Reply<BundleWritten> {
    let for_laptops = for_laptops.unwrap_or(false);
    Ok(x::bundle_export(
        &d,
        s.of(&w).as_deref(),
        &mount,
        for_laptops,
    )?)
}

#[tauri::command(async, rename_all = "snake_case")]
fn bundle_list(
    d: Dev<'_>,
    s: Tok<'_>,
    w: Window,
    mount: Option<String>,
) -> Reply<Vec<BundleStick>> {
    Ok(x::bundle_list(&d, s.of(&w).as_deref(), mount.as_deref())?)
}

#[tauri::command(async, rename_all = "snake_case")]
fn enrol_from_stick(
    d: Dev<'_>,
    s: Tok<'_>,
    w: Window,
    mount: String,
    server: Option<String>,
) -> Reply<StickEnrolled> {
    let args = StickEnrolArgs { mount, server };
    Ok(x::enrol_from_stick(&d, s.of(&w).as_deref(), &args)?)
}

#[tauri::command(async, rename_all = "snake_case")]
fn bundle_import(
    d: Dev<'_>,
    s: Tok<'_>,
    w: Window,
    mount: String,
    file: String,
) -> Reply<BundleLoaded> {
    Ok(x::bundle_import(&d, s.of(&w).as_deref(), &mount, &file)?)
}

#[tauri::command(async, rename_all = "snake_case")]
fn catalogue_list(d: Dev<'_>, s: Tok<'_>, w: Window, lang: Option<String>) -> Reply<CatalogueView> {
    Ok(x::catalogue_list(
        &d,
        s.of(&w).as_deref(),
        lang.as_deref().unwrap_or("en"),
    )?)
}

#[tauri::command(async, rename_all = "snake_case")]
fn pack_fetch(
    d: Dev<'_>,
    s: Tok<'_>,
    w: Window,
    id: String,
    version: String,
) -> Reply<DownloadStatus> {
    Ok(x::pack_fetch(
        &d,
        s.of(&w).as_deref(),
        &FetchArgs { id, version },
    )?)
}

#[tauri::command(async, rename_all = "snake_case")]
fn pack_fetch_status(d: Dev<'_>, s: Tok<'_>, w: Window) -> Reply<Vec<DownloadStatus>> {
    Ok(x::pack_fetch_status(&d, s.of(&w).as_deref())?)
}

fn main() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("QALAM_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .try_init();
    if let Err(err) = run() {
        eprintln!("error: {err:#}");
        std::process::exit(2);
    }
}

fn run() -> anyhow::Result<()> {
    let data_dir = qalam_core::layout::default_data_dir();
    let device = Arc::new(Device::open(&data_dir, Settings::from_env()?).map_err(|e| {
        anyhow::anyhow!("could not open the data folder {}: {e}", data_dir.display())
    })?);
    device.backup_in_background_if_due();
    let scheme_device = Arc::clone(&device);
    let sync_device = Arc::clone(&device);
    let window_device = Arc::clone(&device);
    tauri::Builder::default()
        .setup(move |app| {
            // Background sync with the campus server, when enrolled; its
            // first attempt waits until the window is up.
            syncing::start_worker(&sync_device, syncing::FIRST_ATTEMPT_DELAY);
            // The window is built here (tauri.conf.json has `create: false`)
            // because only a builder can hook the app's own protocol: lessons
            // load from `/content/` on the app's origin, so the app can read
            // their scroll position (see content_scheme).
            let config = app
                .config()
                .app
                .windows
                .iter()
                .find(|w| w.label == "main")
                .cloned()
                .ok_or("tauri.conf.json has no window labelled main")?;
            tauri::WebviewWindowBuilder::from_config(app.handle(), &config)?
                .on_web_resource_request(move |request, response| {
                    content_scheme::on_app_request(&window_device, &request, response);
                })
                .build()?;
            Ok(())
        })
        .manage(device)
        .manage(Tokens::default())
        .register_asynchronous_uri_scheme_protocol("qalam-pack", move |_ctx, request, responder| {
            let device = Arc::clone(&scheme_device);
            std::thread::spawn(move || {
                responder.respond(content_scheme::respond(&device, &request))
            });
        })
        .invoke_handler(tauri::generate_handler![
            app_info,
            list_packs,
            get_pack,
            usb_scan,
            import_start,
            import_status,
            pack_remove,
            trust_list,
            trust_add,
            profiles_for_picker,
            sign_in,
            sign_out,
            session_info,
            lesson_open,
            lesson_progress,
            lesson_complete,
            quiz_get,
            quiz_start,
            quiz_answer,
            quiz_finish,
            my_progress,
            learner_list,
            learner_add,
            learner_rename,
            learner_archive,
            learner_reset_pin,
            centre_progress,
            database_health,
            doctor_repair,
            sync_status,
            sync_now,
            enrol_device,
            bundle_export,
            bundle_list,
            enrol_from_stick,
            bundle_import,
            catalogue_list,
            pack_fetch,
            pack_fetch_status
        ])
        .run(tauri::generate_context!())?;
    Ok(())
}
