//! `learner`, `progress`, `events`, `doctor` and `simulate`.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;

use qalam_core::api::learners;
use qalam_core::events::FakeClock;
use qalam_core::{Device, Settings};

use super::{DataArgs, print_json};
use crate::cli::{EventsCommand, LearnerCommand};

pub fn learner(command: LearnerCommand, data: &DataArgs) -> anyhow::Result<ExitCode> {
    let device = data.open(|_| {})?;
    match command {
        LearnerCommand::Picker { check } => {
            // Exactly the app's start: open, background checks, picker.
            device.backup_in_background_if_due();
            print_json(&qalam_core::api::session::profiles_for_picker(&device)?)?;
            if check {
                let health = device.check_database_now();
                eprintln!(
                    "database check: {} in {} ms{}",
                    health.state,
                    health.took_ms.unwrap_or(0),
                    health
                        .problems
                        .first()
                        .map(|p| format!(" ({p})"))
                        .unwrap_or_default()
                );
            }
        }
        LearnerCommand::Add {
            name,
            pin,
            facilitator,
            pictures,
        } => {
            let added =
                learners::learner_add_with(&device, &name, pin.as_deref(), facilitator, pictures)?;
            println!("added {} {} ({})", added.role, added.id, added.name);
        }
        LearnerCommand::List { json } => {
            let list = learners::learner_list(&device)?;
            if json {
                print_json(&list)?;
            } else if list.is_empty() {
                println!("no profiles yet; add one with `qalam learner add NAME`");
            } else {
                for l in list {
                    println!(
                        "{}\t{}\t{}{}",
                        l.id,
                        l.role,
                        l.name,
                        match l.sign_in_with {
                            "pin" => "\t(PIN)",
                            "pictures" => "\t(pictures)",
                            _ => "",
                        }
                    );
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn progress(learner: Option<&str>, json: bool, data: &DataArgs) -> anyhow::Result<ExitCode> {
    let device = data.open(|_| {})?;
    let progress = learners::progress(&device, learner)?;
    let mut out = std::io::stdout().lock();
    if json {
        // Compact and in the structure's fixed order: canonical bytes.
        let text = serde_json::to_string(&progress)?;
        writeln!(out, "{text}")?;
        return Ok(ExitCode::SUCCESS);
    }
    if progress.learners.is_empty() {
        writeln!(out, "no profiles yet")?;
    }
    for l in &progress.learners {
        writeln!(
            out,
            "{} {} ({}{})",
            l.id,
            l.name,
            l.role,
            if l.archived { ", archived" } else { "" }
        )?;
        for c in &l.courses {
            let done = c.lessons.iter().filter(|x| x.completed).count();
            writeln!(
                out,
                "  {}: {done}/{} lessons completed{}",
                c.pack,
                c.lessons.len(),
                if c.completed {
                    ", course completed"
                } else {
                    ""
                }
            )?;
            for x in &c.lessons {
                writeln!(
                    out,
                    "    lesson {}: {}%, {} s{}",
                    x.lesson,
                    x.position / 100,
                    x.active_seconds,
                    if x.completed { ", completed" } else { "" }
                )?;
            }
            for q in &c.quizzes {
                writeln!(
                    out,
                    "    quiz {}: {} attempts, best {}{}",
                    q.quiz,
                    q.attempts,
                    q.best_score.map_or("-".to_string(), |s| format!("{s}%")),
                    if q.mastered { ", mastered" } else { "" }
                )?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn events(command: EventsCommand, data: &DataArgs) -> anyhow::Result<ExitCode> {
    let device = data.open(|_| {})?;
    let EventsCommand::Export { json } = command;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut failed: Option<std::io::Error> = None;
    learners::events_export(&device, |event| {
        let written = if json {
            serde_json::to_writer(&mut out, &event)
                .map_err(std::io::Error::from)
                .and_then(|()| writeln!(out))
        } else {
            writeln!(
                out,
                "{}\t{}\t{}.{}\t{}\t{}",
                event.device,
                event.seq,
                event.hlc.wall_ms,
                event.hlc.counter,
                event.learner,
                event.kind
            )
        };
        if let Err(err) = written {
            failed = Some(err);
            return Err(qalam_core::CoreError::Interrupted("output closed".into()));
        }
        Ok(())
    })
    .map_err(|err| match failed.take() {
        Some(io) => anyhow::Error::from(io),
        None => err.into(),
    })?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

pub fn doctor(repair: bool, data: &DataArgs) -> anyhow::Result<ExitCode> {
    if repair {
        // Before the device is opened: opening runs migrations and reads
        // the identity, which a damaged database may not allow.
        let report = learners::repair_folder(&data.dir)
            .with_context(|| format!("could not repair the database in {}", data.dir.display()))?;
        for step in &report.steps {
            println!("repair: {step}");
        }
        if report.new_device_id {
            println!(
                "NOTE: this device now writes as {} (it was {}); sync sends both chains",
                report.device, report.previous_device
            );
        }
        println!("checking the repaired database:");
    }
    let device = data.open(|_| {})?;
    let report = learners::doctor(&device)?;
    for note in &report.notes {
        println!("ok: {note}");
    }
    for problem in &report.problems {
        println!("PROBLEM: {problem}");
    }
    if report.ok() {
        println!("all checks passed: chains, database integrity, progress tables");
        Ok(ExitCode::SUCCESS)
    } else {
        println!(
            "{} problem(s) found; `qalam doctor --repair` rebuilds the database from its backups and every event still readable",
            report.problems.len()
        );
        Ok(ExitCode::from(1))
    }
}

/// Fixed start of the simulated clock: Monday 2026-01-05 08:00 UTC.
const SIMULATION_START_MS: u64 = 1_767_600_000_000;

pub fn simulate(
    learners: u32,
    events: u64,
    seed: u64,
    ack: bool,
    data: &DataArgs,
) -> anyhow::Result<ExitCode> {
    let clock = Arc::new(FakeClock::new(SIMULATION_START_MS));
    let mut settings = Settings::default();
    if let Some(mb) = data.reserve_mb {
        settings.disk_reserve_bytes = mb.saturating_mul(1024 * 1024);
    }
    let device = Device::open_with_clock(&data.dir, settings, clock.clone())
        .with_context(|| format!("could not open the data folder {}", data.dir.display()))?;
    let mut out = std::io::stdout().lock();
    let done =
        qalam_core::api::simulate::simulate(&device, &clock, learners, events, seed, |seq| {
            // Printed only after the commit returned: the event is durable.
            if ack {
                let _ = writeln!(out, "acked {seq}").and_then(|()| out.flush());
            }
        })?;
    println!(
        "simulated {} learners, {} events",
        done.learners, done.events
    );
    Ok(ExitCode::SUCCESS)
}
