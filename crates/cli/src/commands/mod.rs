//! One module per group of subcommands.

mod bundle;
mod learners;
pub mod pack;
mod serve;
mod server;
mod sync;
mod trust;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use qalam_core::{Device, Settings};

use crate::cli::{Args, Command};

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let data = DataArgs {
        dir: args
            .data
            .clone()
            .unwrap_or_else(qalam_core::layout::default_data_dir),
        reserve_mb: args.reserve_mb,
    };
    match args.command {
        Command::Pack(command) => pack::run(command, &data),
        Command::Trust(command) => trust::run(command, &data),
        Command::Serve(serve_args) => serve::run(serve_args, &data),
        Command::Backup => {
            let path = data.open(|_| {})?.backup_now()?;
            println!("backed up the database to {}", path.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Learner(command) => learners::learner(command, &data),
        Command::Progress { learner, json } => learners::progress(learner.as_deref(), json, &data),
        Command::Events(command) => learners::events(command, &data),
        Command::Server(command) => server::run(command, args.data.as_deref()),
        Command::Enrol(enrol_args) => sync::enrol(enrol_args, &data),
        Command::Sync(sync_args) => sync::sync(sync_args, &data),
        Command::Bundle(command) => bundle::run(command, &data, args.data.as_deref()),
        Command::Doctor { repair } => learners::doctor(repair, &data),
        Command::Simulate {
            learners,
            events,
            seed,
            ack,
        } => learners::simulate(learners, events, seed, ack, &data),
    }
}

/// How to open the device, decided by global flags; opened only by the
/// commands that need it, so `pack build` never creates a data folder.
pub struct DataArgs {
    pub dir: PathBuf,
    pub reserve_mb: Option<u64>,
}

impl DataArgs {
    pub fn open(&self, adjust: impl FnOnce(&mut Settings)) -> anyhow::Result<Device> {
        let mut settings = Settings::from_env()?;
        if let Some(mb) = self.reserve_mb {
            settings.disk_reserve_bytes = mb.saturating_mul(1024 * 1024);
        }
        adjust(&mut settings);
        Device::open(&self.dir, settings)
            .with_context(|| format!("could not open the data folder {}", self.dir.display()))
    }
}

/// Prints JSON on stdout followed by a newline.
pub fn print_json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    Ok(())
}
