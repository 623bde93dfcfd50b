//! Commands by name, for transports that carry a name and JSON arguments
//! (the HTTP API of `qalam serve`). The Tauri shell registers one typed
//! command per function instead, with the same names and argument shapes.

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

fn default_lang() -> String {
    String::from("en")
}

/// Every command name this dispatcher knows, for docs and tests.
pub const COMMANDS: &[&str] = include!("commands.in");

/// Runs `command` with `args`. Blocking: call it off the async runtime.
pub fn dispatch(
    device: &Arc<Device>,
    command: &str,
    args: Value,
    transport_hint: &str,
) -> Result<Value, ApiError> {
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
        "usb_scan" => {
            let a: LangArgs = parse(args)?;
            reply(Ok::<_, ApiError>(super::usb_scan(device, &a.lang)))
        }
        "import_start" => {
            let a: ImportArgs = parse(args)?;
            reply(super::import_start(device, a.paths, a.allow_untrusted))
        }
        "import_status" => {
            let a: JobArgs = parse(args)?;
            reply(super::import_status(device, a.job))
        }
        "pack_remove" => {
            let a: IdArgs = parse(args)?;
            reply(super::pack_remove(device, &a.id).map(|()| serde_json::json!({})))
        }
        "trust_list" => reply(super::trust_list(device)),
        "trust_add" => {
            let a: TrustAddArgs = parse(args)?;
            reply(super::trust_add(device, &a.public_key, a.name.as_deref()))
        }
        other => Err(ApiError {
            code: "not_found".into(),
            message: format!(
                "unknown command `{other}`; the UI and the device may be different versions"
            ),
        }),
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
    serde_json::to_value(value).map_err(|e| ApiError {
        code: "internal".into(),
        message: format!("could not encode the answer: {e}"),
    })
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
            if let Err(err) = dispatch(&device, command, Value::Null, "test") {
                assert!(!err.message.contains("unknown command"), "{command}: {err}");
            }
        }
        let err = dispatch(&device, "format_disk", Value::Null, "test").unwrap_err();
        assert_eq!(err.code, "not_found");
    }
}
