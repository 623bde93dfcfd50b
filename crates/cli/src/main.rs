//! `qalam`: the command line. Parsing and printing only; every action is a
//! call into `qalam_core` or `qalam_pack`.

mod cli;
mod commands;
mod progress;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Args::parse();
    init_logging(args.verbose);
    match commands::run(args) {
        Ok(code) => code,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {}", one_line(&err));
            ExitCode::from(2)
        }
    }
}

/// The whole error chain on one line, outermost first, without repeats
/// (library errors often already include their source's text).
fn one_line(err: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Qalam's own crates log at the chosen level. Libraries underneath (TLS,
/// HTTP) stay quiet unless asked with -vv or QALAM_LOG: their failures
/// reach the user once, as the command's one-line error.
const OWN_CRATES: &[&str] = &[
    "qalam",
    "qalam_core",
    "qalam_pack",
    "qalam_model",
    "qalam_protocol",
    "qalam_server",
    "qalam_web",
];

fn init_logging(verbose: u8) {
    let (own, others) = match verbose {
        0 => ("warn", "off"),
        1 => ("info", "off"),
        _ => ("debug", "warn"),
    };
    let default = std::iter::once(others.to_owned())
        .chain(OWN_CRATES.iter().map(|c| format!("{c}={own}")))
        .collect::<Vec<_>>()
        .join(",");
    let filter = tracing_subscriber::EnvFilter::try_from_env("QALAM_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(&default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .try_init();
}
