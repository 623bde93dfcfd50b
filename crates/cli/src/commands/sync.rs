//! `qalam enrol` and `qalam sync`: this device and its campus server.

use std::process::ExitCode;

use anyhow::{Context, bail};
use qalam_core::sync::wire::EnrolmentFile;
use qalam_core::sync::{self, BackgroundOptions, SyncOptions, SyncReport};

use super::{DataArgs, print_json};
use crate::cli::{EnrolArgs, SyncArgs};

pub fn enrol(args: EnrolArgs, data: &DataArgs) -> anyhow::Result<ExitCode> {
    let ca_pem = match &args.ca {
        Some(path) => Some(std::fs::read_to_string(path).with_context(|| {
            format!(
                "could not read the campus CA certificate {}; give the CA's PEM file",
                path.display()
            )
        })?),
        None => None,
    };
    let device = data.open(|_| {})?;
    if let Some(path) = &args.file {
        return enrol_from_file(&device, path, args.server.as_deref());
    }
    let (Some(server), Some(code)) = (&args.server, &args.code) else {
        bail!("give --server URL and --code CODE, or --file FILE");
    };
    let enrolment = sync::enrol_pinned(&device, server, code, ca_pem)
        .with_context(|| format!("could not enrol with {}", server.trim()))?;
    println!(
        "Enrolled device {} with {} (organisation {}, centre {})",
        device.identity().device,
        enrolment.url,
        enrolment.org,
        enrolment.centre
    );
    Ok(ExitCode::SUCCESS)
}

fn enrol_from_file(
    device: &qalam_core::Device,
    path: &std::path::Path,
    server: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let bytes = std::fs::read(path)
        .with_context(|| format!("could not read the enrolment file {}", path.display()))?;
    let file =
        EnrolmentFile::parse(&bytes).with_context(|| format!("{} was refused", path.display()))?;
    let enrolment = sync::enrol_from_file(device, &file, server)
        .with_context(|| format!("could not enrol from {}", path.display()))?;
    println!(
        "Enrolled device {} offline in centre {:?} ({}, organisation {})",
        device.identity().device,
        file.centre_name,
        enrolment.centre,
        enrolment.org
    );
    match enrolment.url.as_str() {
        "" => println!(
            "The file names no server: sync with `qalam sync --server URL`, or carry bundles (`qalam bundle export`)."
        ),
        url => println!(
            "The first sync with {url}, or the first bundle the server imports, completes it."
        ),
    }
    println!(
        "Delete {} from the stick: it holds the enrolment code.",
        path.display()
    );
    Ok(ExitCode::SUCCESS)
}

pub fn sync(args: SyncArgs, data: &DataArgs) -> anyhow::Result<ExitCode> {
    let device = data.open(|_| {})?;
    if args.status {
        let state = sync::sync_state(&device)?;
        if args.json {
            print_json(&state)?;
        } else if let Some(server) = &state.server {
            println!("server: {server}");
            println!(
                "last sync: {}",
                state.last_sync_at.as_deref().unwrap_or("never")
            );
            if let Some(err) = &state.last_error {
                println!("last attempt failed: {err}");
            }
            println!("events waiting to be sent: {}", state.events_waiting);
            println!(
                "bytes sent: {}, received: {}",
                state.bytes_sent, state.bytes_received
            );
        } else {
            println!(
                "not enrolled; {} events waiting to be sent",
                state.events_waiting
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    let options = SyncOptions {
        server: args.server.clone(),
        ..SyncOptions::default()
    };
    if args.once {
        let report = sync::sync_once(&device, &options).context("sync did not complete")?;
        if args.json {
            print_json(&report)?;
        } else {
            println!("{}", summary(&report));
        }
        return Ok(ExitCode::SUCCESS);
    }
    // Until interrupted: the sender stays alive, so the loop never stops
    // by itself; Ctrl-C ends the process, and a batch cut short by it is
    // simply not committed.
    let (_keep, stop) = std::sync::mpsc::channel::<()>();
    let options = BackgroundOptions {
        sync: options,
        ..BackgroundOptions::default()
    };
    sync::run_background(&device, &options, &stop, |outcome| match outcome {
        Ok(report) => println!("{}", summary(report)),
        Err(err) => eprintln!("sync: {err}; will retry"),
    });
    Ok(ExitCode::SUCCESS)
}

fn summary(r: &SyncReport) -> String {
    format!(
        "synced with {}: pushed {} events in {} batches, pulled {} new events in {} batches; {} bytes sent, {} received, {} ms",
        r.server,
        r.pushed,
        r.push_batches,
        r.pulled,
        r.pull_batches,
        r.bytes_sent,
        r.bytes_received,
        r.elapsed_ms
    )
}
