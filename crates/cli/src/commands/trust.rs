use std::process::ExitCode;

use anyhow::Context;

use super::{DataArgs, print_json};
use crate::cli::TrustCommand;

pub fn run(command: TrustCommand, data: &DataArgs) -> anyhow::Result<ExitCode> {
    let device = data.open(|_| {})?;
    match command {
        TrustCommand::Add { key, name } => {
            let text = std::fs::read_to_string(&key).with_context(|| {
                format!(
                    "could not read {}; give the path of a publisher's .pub file",
                    key.display()
                )
            })?;
            let trusted = qalam_core::api::trust_add(&device, &text, name.as_deref())?;
            println!(
                "trusted {}{}",
                trusted.key_id,
                trusted.name.map(|n| format!(" ({n})")).unwrap_or_default()
            );
        }
        TrustCommand::List { json } => {
            let keys = qalam_core::api::trust_list(&device)?;
            if json {
                print_json(&keys)?;
            } else if keys.is_empty() {
                println!("no trusted publishers; add one with `qalam trust add KEY.pub`");
            } else {
                for key in keys {
                    println!(
                        "{}\t{}\t{}",
                        key.key_id,
                        key.added_at,
                        key.name.unwrap_or_default()
                    );
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
