//! The Qalam desktop window. Each command is a one-line delegation to
//! `qalam_core::api`; pack content is served through the sandboxed
//! `qalam-pack:` scheme. No business rules live here.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod content_scheme;

use std::path::PathBuf;
use std::sync::Arc;

use qalam_core::api::{self, types::*};
use qalam_core::{Device, Settings};
use tauri::State;

type Dev<'a> = State<'a, Arc<Device>>;
type Reply<T> = Result<T, ApiError>;

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
fn usb_scan(device: Dev<'_>, lang: Option<String>) -> Vec<UsbSource> {
    api::usb_scan(&device, lang.as_deref().unwrap_or("en"))
}

#[tauri::command(async, rename_all = "snake_case")]
fn import_start(device: Dev<'_>, paths: Vec<PathBuf>, allow_untrusted: bool) -> Reply<JobStarted> {
    Ok(api::import_start(&device, paths, allow_untrusted)?)
}

#[tauri::command(async, rename_all = "snake_case")]
fn import_status(device: Dev<'_>, job: u64) -> Reply<ImportStatus> {
    Ok(api::import_status(&device, job)?)
}

#[tauri::command(async, rename_all = "snake_case")]
fn pack_remove(device: Dev<'_>, id: String) -> Reply<serde_json::Value> {
    api::pack_remove(&device, &id)?;
    Ok(serde_json::json!({}))
}

#[tauri::command(async, rename_all = "snake_case")]
fn trust_list(device: Dev<'_>) -> Reply<Vec<TrustedKey>> {
    Ok(api::trust_list(&device)?)
}

#[tauri::command(async, rename_all = "snake_case")]
fn trust_add(device: Dev<'_>, public_key: String, name: Option<String>) -> Reply<TrustedKey> {
    Ok(api::trust_add(&device, &public_key, name.as_deref())?)
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
    let device = Arc::new(Device::open(&data_dir, Settings::default()).map_err(|e| {
        anyhow::anyhow!("could not open the data folder {}: {e}", data_dir.display())
    })?);
    let scheme_device = Arc::clone(&device);
    tauri::Builder::default()
        .manage(device)
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
            trust_add
        ])
        .run(tauri::generate_context!())?;
    Ok(())
}
