use std::path::Path;
use std::process::ExitCode;

use qalam_core::packs::import::{ImportResult, ResultKind};
use qalam_pack::{SecretKey, Signature};

use super::{DataArgs, print_json};
use crate::cli::PackCommand;

pub fn run(command: PackCommand, data: &DataArgs) -> anyhow::Result<ExitCode> {
    match command {
        PackCommand::Keygen { out } => keygen(&out),
        PackCommand::Build { src_dir, out, key } => build(&src_dir, &out, key.as_deref()),
        PackCommand::Verify { file } => verify(&file),
        PackCommand::Import {
            paths,
            allow_untrusted,
        } => import(data, &paths, allow_untrusted),
        PackCommand::List { json, lang } => list(data, json, &lang),
        PackCommand::Remove { id } => {
            qalam_core::api::pack_remove(&data.open(|_| {})?, &id)?;
            println!("removed {id}");
            Ok(ExitCode::SUCCESS)
        }
        PackCommand::Export { ids, to } => export(data, &ids, &to),
        PackCommand::Fetch {
            server,
            allow_untrusted,
            json,
        } => fetch(data, server, allow_untrusted, json),
    }
}

/// `qalam pack fetch`: one line per pack of the server's catalogue; exits
/// 1 unless every pack is installed or up to date, so scripts retry.
fn fetch(
    data: &DataArgs,
    server: Option<String>,
    allow_untrusted: bool,
    json: bool,
) -> anyhow::Result<ExitCode> {
    use anyhow::Context;
    use qalam_core::packs::download::{self, FetchOptions, FetchOutcome};
    let device = data.open(|_| {})?;
    if allow_untrusted {
        eprintln!(
            "WARNING: --allow-untrusted installs packs whose publisher this device does not trust. Only use it for packs from a source you know."
        );
    }
    let options = FetchOptions {
        server,
        allow_untrusted,
    };
    // indicatif hides the bar when stderr is not a terminal.
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {msg}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let mut current = String::new();
    let mut on_bytes = |entry: &download::CatalogueEntry, done: u64| {
        if current != entry.sha256 {
            current.clone_from(&entry.sha256);
            bar.set_length(entry.size);
            bar.set_message(format!("{} {}", entry.id, entry.version));
        }
        bar.set_position(done);
    };
    let report = download::fetch_with_progress(&device, &options, &mut on_bytes);
    bar.finish_and_clear();
    let report = report.context("could not fetch the pack catalogue")?;
    if json {
        print_json(&report)?;
    } else {
        if report.packs.is_empty() {
            println!("the server at {} offers no packs", report.server);
        }
        for pack in &report.packs {
            let (mark, word) = match pack.outcome {
                FetchOutcome::Installed => ("✔", "installed"),
                FetchOutcome::Updated => ("✔", "updated"),
                FetchOutcome::UpToDate => ("=", "up to date"),
                FetchOutcome::Refused => ("✘", "refused"),
                FetchOutcome::Interrupted => ("…", "interrupted"),
            };
            let bytes = if pack.downloaded_bytes > 0 || pack.resumed_from > 0 {
                format!(
                    " ({} downloaded{})",
                    human_size(pack.downloaded_bytes),
                    if pack.resumed_from > 0 {
                        format!(", resumed after {}", human_size(pack.resumed_from))
                    } else {
                        String::new()
                    }
                )
            } else {
                String::new()
            };
            println!(
                "{mark} {word:<11} {} {}: {}{bytes}",
                pack.id, pack.version, pack.message
            );
        }
    }
    Ok(if report.complete() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn keygen(out: &Path) -> anyhow::Result<ExitCode> {
    let secret = qalam_pack::generate_keypair()?;
    secret.write_keypair(out)?;
    let public = secret.public_key();
    println!(
        "wrote secret key {} (keep it private) and public key {}.pub",
        out.display(),
        out.display()
    );
    println!("key id {}", public.key_id());
    Ok(ExitCode::SUCCESS)
}

fn build(src_dir: &Path, out: &Path, key: Option<&Path>) -> anyhow::Result<ExitCode> {
    let key = key.map(SecretKey::read_file).transpose()?;
    let summary = qalam_pack::build_pack(src_dir, out, key.as_ref())?;
    println!(
        "built {} {} → {} ({} files, {} bytes, {})",
        summary.pack_id,
        summary.version,
        out.display(),
        summary.files,
        summary.bytes,
        summary
            .signer
            .map_or_else(|| "unsigned".to_string(), |s| format!("signed by {s}"))
    );
    Ok(ExitCode::SUCCESS)
}

fn verify(file: &Path) -> anyhow::Result<ExitCode> {
    let mut reader = qalam_pack::open_file(file, &qalam_pack::Limits::default())?;
    reader.verify_all(&mut |_| {})?;
    let manifest = reader.manifest();
    let signer = match reader.signature() {
        Signature::Valid(key) => format!("signed by {}", key.key_id()),
        Signature::Unsigned => "UNSIGNED".to_string(),
    };
    println!(
        "ok: {} {} — {} files, {} bytes, {signer}",
        manifest.id,
        manifest.version,
        manifest.files.len(),
        reader.content_bytes()
    );
    Ok(ExitCode::SUCCESS)
}

fn import(
    data: &DataArgs,
    paths: &[std::path::PathBuf],
    allow_untrusted: bool,
) -> anyhow::Result<ExitCode> {
    let device = data.open(|_| {})?;
    if allow_untrusted {
        eprintln!(
            "WARNING: --allow-untrusted installs packs whose publisher this device does not trust. Only use it for packs from a source you know."
        );
    }
    let mut bar = crate::progress::Bar::new();
    let results = qalam_core::packs::import::import_all(&device, paths, allow_untrusted, &mut bar);
    bar.finish();
    let failed = results
        .iter()
        .filter(|r| matches!(r.outcome, ResultKind::Refused | ResultKind::Interrupted))
        .count();
    // Refusals of paths that never reached the progress loop are printed here.
    for result in results
        .iter()
        .filter(|r| r.pack_id.is_none() && !std::path::Path::new(&r.source).is_file())
    {
        println!("{}", result_line(result));
    }
    println!("{} imported, {failed} failed", results.len() - failed);
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// One summary line per pack: a mark, the outcome and the message.
pub fn result_line(result: &ImportResult) -> String {
    let (mark, word) = match result.outcome {
        ResultKind::Installed => ("✔", "installed"),
        ResultKind::Updated => ("✔", "updated"),
        ResultKind::Unchanged => ("=", "unchanged"),
        ResultKind::Refused => ("✘", "refused"),
        ResultKind::Interrupted => ("…", "interrupted"),
    };
    format!("{mark} {word:<11} {}: {}", result.source, result.message)
}

fn list(data: &DataArgs, json: bool, lang: &str) -> anyhow::Result<ExitCode> {
    let packs = qalam_core::api::list_packs(&data.open(|_| {})?, lang)?;
    if json {
        print_json(&packs)?;
        return Ok(ExitCode::SUCCESS);
    }
    if packs.is_empty() {
        println!("no packs installed; import some with `qalam pack import PATH`");
    }
    for pack in packs {
        let trust = if pack.trusted { "" } else { "  [untrusted]" };
        println!(
            "{}\t{}\t{} lessons\t{}\t{}{trust}",
            pack.id,
            pack.version,
            pack.lesson_count,
            human_size(pack.size_bytes),
            pack.title.text
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn export(data: &DataArgs, ids: &[String], to: &Path) -> anyhow::Result<ExitCode> {
    let device = data.open(|_| {})?;
    let mut failed = 0;
    for id in ids {
        match qalam_core::packs::export::export(&device, id, to) {
            Ok(path) => println!("✔ exported {id} → {}", path.display()),
            Err(err) => {
                failed += 1;
                println!("✘ {id}: {err}");
            }
        }
    }
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KB", "MB", "GB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}
