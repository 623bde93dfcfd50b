//! Commands by name, for transports that carry a name and JSON arguments
//! (the HTTP API of `qalam serve`). The Tauri shell registers one typed
//! command per function instead, with the same names and argument shapes.
//! The session token is a separate parameter, never part of the arguments,
//! so it does not end up in logged request bodies.

use std::path::PathBuf;
use std::sync::Arc;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::types::ApiError;
use crate::device::Device;

#[derive(Deserialize)]
struct LangArgs {
    #[serde(default = "default_lang")]
    lang: String,
}

#[derive(Deserialize)]
struct PackArgs {
    #[serde(default = "default_lang")]
    lang: String,
    id: String,
}

#[derive(Deserialize)]
struct ImportArgs {
    paths: Vec<PathBuf>,
    #[serde(default)]
    allow_untrusted: bool,
}

#[derive(Deserialize)]
struct JobArgs {
    job: u64,
}

#[derive(Deserialize)]
struct IdArgs {
    id: String,
}

#[derive(Deserialize)]
struct TrustAddArgs {
    public_key: String,
    name: Option<String>,
}

#[derive(Deserialize)]
struct ExportBundleArgs {
    #[serde(default)]
    mount: String,
    /// A file for the other laptops of this centre, not for the server.
    #[serde(default)]
    for_laptops: bool,
}

#[derive(Deserialize)]
struct ListBundlesArgs {
    mount: Option<String>,
}

#[derive(Deserialize)]
struct LoadBundleArgs {
    #[serde(default)]
    mount: String,
    #[serde(default)]
    file: String,
}

fn default_lang() -> String {
    String::from("en")
}

/// Every command name this dispatcher knows, for docs and tests.
pub const COMMANDS: &[&str] = include!("commands.in");

/// Commands that need no session.
pub const PUBLIC_COMMANDS: &[&str] = &[
    "app_info",
    "list_packs",
    "get_pack",
    "profiles_for_picker",
    "sign_in",
    "database_health",
];

#[derive(Deserialize)]
struct SignInArgs {
    learner_id: String,
    pin: Option<String>,
}

#[derive(Deserialize)]
struct LessonArgs {
    pack_id: String,
    lesson_id: String,
}

#[derive(Deserialize)]
struct ProgressArgs {
    pack_id: String,
    lesson_id: String,
    position: u32,
    active_seconds: u32,
}

#[derive(Deserialize)]
struct QuizArgs {
    pack_id: String,
    quiz_id: String,
}

#[derive(Deserialize)]
struct QuizGetArgs {
    pack_id: String,
    quiz_id: String,
    #[serde(default = "default_lang")]
    lang: String,
}

#[derive(Deserialize)]
struct AttemptArgs {
    pack_id: String,
    quiz_id: String,
    attempt: u64,
}

#[derive(Deserialize)]
struct AnswerArgs {
    pack_id: String,
    quiz_id: String,
    attempt: u64,
    question_id: String,
    answer: Value,
    lang: Option<String>,
}

#[derive(Deserialize)]
struct LearnerArgs {
    learner_id: String,
}

#[derive(Deserialize)]
struct RenameArgs {
    learner_id: String,
    name: String,
}

#[derive(Deserialize)]
struct ResetPinArgs {
    learner_id: String,
    pin: Option<String>,
    #[serde(default)]
    pictures: bool,
}

/// Runs `command` with `args` for the session `token` (from the
/// transport, never from `args`). Blocking: call it off the async runtime.
pub fn dispatch(
    device: &Arc<Device>,
    command: &str,
    args: Value,
    token: Option<&str>,
    transport_hint: &str,
) -> Result<Value, ApiError> {
    use super::{exchange as x, facilitate as f, session as s, study as st, syncing as sy};
    let t = token;
    match command {
        "app_info" => reply(Ok::<_, ApiError>(super::app_info(device, transport_hint))),
        "list_packs" => {
            let a: LangArgs = parse(args)?;
            reply(super::list_packs(device, &a.lang))
        }
        "get_pack" => {
            let a: PackArgs = parse(args)?;
            reply(super::get_pack(device, &a.lang, &a.id))
        }
        "profiles_for_picker" => reply(s::profiles_for_picker(device)),
        "sign_in" => {
            let a: SignInArgs = parse(args)?;
            reply(s::sign_in(device, &a.learner_id, a.pin.as_deref()))
        }
        "sign_out" => {
            s::sign_out(device, t);
            reply(Ok::<_, ApiError>(serde_json::json!({})))
        }
        "session_info" => reply(s::session_info(device, t)),
        "lesson_open" => {
            let a: LessonArgs = parse(args)?;
            reply(st::lesson_open(device, t, &a.pack_id, &a.lesson_id))
        }
        "lesson_progress" => {
            let a: ProgressArgs = parse(args)?;
            reply(st::lesson_progress(
                device,
                t,
                &a.pack_id,
                &a.lesson_id,
                a.position,
                a.active_seconds,
            ))
        }
        "lesson_complete" => {
            let a: LessonArgs = parse(args)?;
            reply(st::lesson_complete(device, t, &a.pack_id, &a.lesson_id))
        }
        "quiz_get" => {
            let a: QuizGetArgs = parse(args)?;
            reply(st::quiz_get(device, t, &a.pack_id, &a.quiz_id, &a.lang))
        }
        "quiz_start" => {
            let a: QuizArgs = parse(args)?;
            reply(st::quiz_start(device, t, &a.pack_id, &a.quiz_id))
        }
        "quiz_answer" => {
            let a: AnswerArgs = parse(args)?;
            reply(st::quiz_answer(
                device,
                t,
                &a.pack_id,
                &a.quiz_id,
                a.attempt,
                &a.question_id,
                &a.answer,
                a.lang.as_deref(),
            ))
        }
        "quiz_finish" => {
            let a: AttemptArgs = parse(args)?;
            reply(st::quiz_finish(
                device, t, &a.pack_id, &a.quiz_id, a.attempt,
            ))
        }
        "my_progress" => {
            let a: LangArgs = parse(args)?;
            reply(st::my_progress(device, t, &a.lang))
        }
        "usb_scan" => {
            let a: LangArgs = parse(args)?;
            reply(f::usb_scan(device, t, &a.lang))
        }
        "import_start" => {
            let a: ImportArgs = parse(args)?;
            reply(f::import_start(device, t, a.paths, a.allow_untrusted))
        }
        "import_status" => {
            let a: JobArgs = parse(args)?;
            reply(f::import_status(device, t, a.job))
        }
        "pack_remove" => {
            let a: IdArgs = parse(args)?;
            reply(f::pack_remove(device, t, &a.id).map(|()| serde_json::json!({})))
        }
        "trust_list" => reply(f::trust_list(device, t)),
        "trust_add" => {
            let a: TrustAddArgs = parse(args)?;
            reply(f::trust_add(device, t, &a.public_key, a.name.as_deref()))
        }
        "learner_list" => reply(f::learner_list(device, t)),
        "learner_add" => {
            let a: f::NewLearner = parse(args)?;
            reply(f::learner_add(device, t, &a))
        }
        "learner_rename" => {
            let a: RenameArgs = parse(args)?;
            reply(f::learner_rename(device, t, &a.learner_id, &a.name))
        }
        "learner_archive" => {
            let a: LearnerArgs = parse(args)?;
            reply(f::learner_archive(device, t, &a.learner_id))
        }
        "learner_reset_pin" => {
            let a: ResetPinArgs = parse(args)?;
            reply(f::learner_reset_pin(
                device,
                t,
                &a.learner_id,
                a.pin.as_deref(),
                a.pictures,
            ))
        }
        "centre_progress" => reply(f::centre_progress(device, t)),
        "database_health" => reply(Ok::<_, ApiError>(super::database_health_for(device, t))),
        "doctor_repair" => reply(f::doctor_repair(device, t)),
        "sync_status" => reply(sy::sync_status(device, t)),
        "sync_now" => reply(sy::sync_now(device, t)),
        "enrol_device" => {
            let a: sy::EnrolArgs = parse(args)?;
            reply(sy::enrol_device(device, t, &a))
        }
        "bundle_export" => {
            let a: ExportBundleArgs = parse(args)?;
            reply(x::bundle_export(device, t, &a.mount, a.for_laptops))
        }
        "bundle_list" => {
            let a: ListBundlesArgs = parse(args)?;
            reply(x::bundle_list(device, t, a.mount.as_deref()))
        }
        "enrol_from_stick" => {
            let a: x::StickEnrolArgs = parse(args)?;
            reply(x::enrol_from_stick(device, t, &a))
        }
        "bundle_import" => {
            let a: LoadBundleArgs = parse(args)?;
            reply(x::bundle_import(device, t, &a.mount, &a.file))
        }
        "catalogue_list" => {
            let a: LangArgs = parse(args)?;
            reply(x::catalogue_list(device, t, &a.lang))
        }
        "pack_fetch" => {
            let a: x::FetchArgs = parse(args)?;
            reply(x::pack_fetch(device, t, &a))
        }
        "pack_fetch_status" => reply(x::pack_fetch_status(device, t)),
        other => Err(ApiError::new(
            "not_found",
            format!("unknown command `{other}`; the UI and the device may be different versions"),
        )),
    }
}

fn parse<T: DeserializeOwned>(args: Value) -> Result<T, ApiError> {
    let args = if args.is_null() {
        Value::Object(Default::default())
    } else {
        args
    };
    serde_json::from_value(args)
        .map_err(|e| ApiError::bad_request(format!("invalid arguments: {e}")))
}

fn reply<T: serde::Serialize, E: Into<ApiError>>(result: Result<T, E>) -> Result<Value, ApiError> {
    let value = result.map_err(Into::into)?;
    serde_json::to_value(value)
        .map_err(|e| ApiError::new("internal", format!("could not encode the answer: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_command_is_dispatched() {
        let dir = tempfile::tempdir().unwrap();
        let settings = crate::Settings {
            scan_system_mounts: false,
            ..crate::Settings::default()
        };
        let device = Arc::new(Device::open(dir.path(), settings).unwrap());
        for command in COMMANDS {
            if let Err(err) = dispatch(&device, command, Value::Null, None, "test") {
                assert!(!err.message.contains("unknown command"), "{command}: {err}");
            }
        }
        let err = dispatch(&device, "format_disk", Value::Null, None, "test").unwrap_err();
        assert_eq!(err.code, "not_found");
        for public in PUBLIC_COMMANDS {
            assert!(COMMANDS.contains(public), "{public}");
        }
        // Without a session, exactly the public commands (and sign_out,
        // which ends nothing) answer anything but `unauthenticated`.
        let args = serde_json::json!({
            "lang": "en", "id": "x", "learner_id": "x", "paths": ["x"], "job": 1,
            "public_key": "x", "name": "x", "pack_id": "x", "lesson_id": "x",
            "quiz_id": "x", "question_id": "x", "attempt": 1, "answer": "x",
            "position": 0, "active_seconds": 0, "server": "x", "code": "x",
            "mount": "x", "file": "x", "version": "1.0.0",
        });
        for command in COMMANDS {
            let result = dispatch(&device, command, args.clone(), None, "test");
            let refused = result.as_ref().is_err_and(|e| e.code == "unauthenticated");
            let open = PUBLIC_COMMANDS.contains(command) || *command == "sign_out";
            assert_eq!(refused, !open, "{command}: {result:?}");
        }
    }
}
