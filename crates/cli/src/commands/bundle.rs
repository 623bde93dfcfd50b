//! `qalam bundle export|import`: sync by USB stick
//! (docs/SYNC_PROTOCOL.md, "Bundle format"). On a device the work is
//! `qalam_core::bundle`; on a campus server data folder (or with
//! `--database`) this joins the format (`qalam_core::bundle`) with the
//! server's store (`qalam_server::bundle`).

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, anyhow, bail};
use qalam_core::bundle::{self as format, BundleHeader, BundleKind, Opened, Part};
use qalam_server::bundle::{self as server, BundleStore, Receipt};
use qalam_server::{DeviceId, now_ms};
use serde::Serialize;

use super::{DataArgs, print_json};
use crate::cli::{BundleCommand, ServerStoreArgs};

pub fn run(
    command: BundleCommand,
    data: &DataArgs,
    data_flag: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    match command {
        BundleCommand::Export {
            out,
            for_device,
            peers,
            json,
            store,
        } => {
            if let Some(device) = for_device {
                let report =
                    runtime()?.block_on(server_export(&out, &device, data_flag, &store))?;
                show(json, &report, || {
                    format!(
                        "Wrote {} events for device {} to {} ({} bytes)",
                        report.events,
                        report.device,
                        report.path.display(),
                        report.bytes
                    )
                })?;
                return Ok(ExitCode::SUCCESS);
            }
            if is_server(data_flag, &store) {
                bail!(
                    "{} is a campus server data folder: name the device to write a bundle for with --for DEVICE_ID",
                    data.dir.display()
                );
            }
            let device = data.open(|_| {})?;
            if peers {
                let report = format::peer::export_for_peers(&device, &out)
                    .with_context(|| format!("no sync file was written to {}", out.display()))?;
                show(json, &report, || {
                    format!(
                        "Wrote {} events of {} devices to {} ({} bytes), signed by this laptop; import it on another laptop of this centre with `qalam bundle import FILE`",
                        report.events,
                        report.writers,
                        report.path.display(),
                        report.bytes
                    )
                })?;
                return Ok(ExitCode::SUCCESS);
            }
            let report = format::bundle_export(&device, &out)
                .with_context(|| format!("no bundle was written to {}", out.display()))?;
            show(json, &report, || {
                let what = if report.events == 0 {
                    "no events (the server holds all of this device's, as far as it knows)"
                        .to_owned()
                } else {
                    format!(
                        "{} events of this device (seq {} to {})",
                        report.events, report.from_seq, report.to_seq
                    )
                };
                format!(
                    "Wrote {what} to {} ({} bytes); import it on the campus server with `qalam --data SERVER_DIR bundle import FILE`",
                    report.path.display(),
                    report.bytes
                )
            })?;
        }
        BundleCommand::Import { file, json, store } => {
            if is_server(data_flag, &store) {
                let report = runtime()?.block_on(server_import(&file, data_flag, &store))?;
                show(json, &report, || {
                    format!(
                        "Stored {} new events of device {} ({} already held); the server holds its chain up to seq {}",
                        report.inserted, report.device, report.duplicates, report.acked_to
                    )
                })?;
                return Ok(ExitCode::SUCCESS);
            }
            let device = data.open(|_| {})?;
            let report = format::bundle_import(&device, &file)
                .with_context(|| format!("{} was not imported", file.display()))?;
            show(json, &report, || {
                format!(
                    "Merged {} events from {}: {} new, {} already held",
                    report.events,
                    report.path.display(),
                    report.new,
                    report.duplicates
                )
            })?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}

fn show<T: Serialize>(json: bool, report: &T, text: impl FnOnce() -> String) -> anyhow::Result<()> {
    if json {
        print_json(report)
    } else {
        println!("{}", text());
        Ok(())
    }
}

/// A campus server is meant when `--database` is given or `--data` holds
/// the server's SQLite database.
fn is_server(data: Option<&Path>, store: &ServerStoreArgs) -> bool {
    store.database.is_some() || data.is_some_and(|d| qalam_server::sqlite_path(d).is_file())
}

async fn open(
    data: Option<&Path>,
    store: &ServerStoreArgs,
) -> anyhow::Result<std::sync::Arc<dyn BundleStore>> {
    let url = store.database.as_deref();
    let dir = match (data, url) {
        (Some(dir), _) => dir,
        (None, Some(_)) => Path::new("."),
        (None, None) => bail!(
            "writing a bundle for a device needs the campus server: --data SERVER_DIR or --database postgres://…"
        ),
    };
    server::open_bundle_store(dir, url)
        .await
        .with_context(|| match url {
            Some(_) => "could not open the PostgreSQL database given by --database".to_owned(),
            None => format!("could not open the server database in {}", dir.display()),
        })
}

/// What the server stored from a device's bundle.
#[derive(Debug, Serialize)]
struct ServerImport {
    device: DeviceId,
    events: u64,
    inserted: u64,
    duplicates: u64,
    acked_to: u64,
}

async fn server_import(
    file: &Path,
    data: Option<&Path>,
    store_args: &ServerStoreArgs,
) -> anyhow::Result<ServerImport> {
    let refused = || format!("{} was refused", file.display());
    let bytes = format::read_file(file)?;
    let opened = Opened::open(&bytes).with_context(refused)?;
    let header = opened.header.clone();
    if header.kind == BundleKind::DeviceToDevice {
        return server_import_from_peers_file(&opened, data, store_args)
            .await
            .with_context(refused);
    }
    if header.kind != BundleKind::DeviceToServer {
        return Err(anyhow!(
            "it was written by a campus server for device {}; import it on that device",
            header.device
        ))
        .with_context(refused);
    }
    let store = open(data, store_args).await?;
    if let Some(enrolment) = &header.enrolment {
        opened
            .verify(&enrolment.credential_sha256)
            .with_context(refused)?;
        let credential = qalam_server::CredentialHash(enrolment.credential_sha256);
        server::bind_enrolment(
            store.as_ref(),
            header.device,
            &enrolment.code,
            credential,
            now_ms(),
        )
        .await
        .with_context(refused)?;
    }
    let peer = server::peer(store.as_ref(), header.device, Some(header.org))
        .await
        .with_context(refused)?;
    opened.verify(&peer.key).with_context(refused)?;
    // Every part decoded before anything is stored; then one transaction.
    let mut events = Vec::new();
    for i in 0..opened.part_count() {
        let part = opened.part(i).with_context(refused)?;
        if part.writer != header.device {
            return Err(anyhow!(
                "it holds events of device {}, not only of its sender {}",
                part.writer,
                header.device
            ))
            .with_context(refused);
        }
        events.extend(part.events);
    }
    let count = events.len() as u64;
    let outcome = server::ingest(store.as_ref(), &peer, events)
        .await
        .with_context(refused)?;
    let receipt = Receipt {
        device: header.device,
        org: header.org,
        sha256: hex_of(opened.checksum()),
        created_ms: header.created_ms,
        imported_ms: now_ms(),
        events: count,
        inserted: outcome.inserted as u64,
        duplicates: outcome.duplicates as u64,
        acked_to: outcome.acked_to,
        presence_epoch: header.presence_epoch,
        cursors: header.cursors.iter().collect(),
        device_key: header.extras.device_key.map(|k| hex_of(&k)),
    };
    match data {
        Some(dir) => server::record_receipt(dir, &receipt)?,
        None => tracing::info!(?receipt, "imported a bundle (no --data: receipt not kept)"),
    }
    Ok(ServerImport {
        device: header.device,
        events: count,
        inserted: receipt.inserted,
        duplicates: receipt.duplicates,
        acked_to: outcome.acked_to,
    })
}

/// A file a device wrote for the other laptops of its centre, brought to
/// the server: its certificate (this server's) and signature checked, then
/// the sender's own events stored as from its own bundle. The events it
/// relays of other devices are left: each comes from its own writer. No
/// receipt: the file says nothing of the sender's pull cursors.
async fn server_import_from_peers_file(
    opened: &Opened<'_>,
    data: Option<&Path>,
    store_args: &ServerStoreArgs,
) -> anyhow::Result<ServerImport> {
    let header = &opened.header;
    let store = open(data, store_args).await?;
    let peer = server::peer(store.as_ref(), header.device, Some(header.org)).await?;
    let ours = qalam_server::certify::signing_key(store.as_ref(), now_ms()).await?;
    let cert = header
        .extras
        .certificate
        .as_ref()
        .ok_or_else(|| anyhow!("it carries no certificate"))?;
    let key = cert
        .verify(&ours.verifying_key().to_bytes())
        .map_err(|e| anyhow!("{e}"))?;
    if cert.device != header.device {
        bail!("its certificate is of another device than the one that wrote it");
    }
    opened.verify_signature(&key)?;
    let mut events = Vec::new();
    for i in 0..opened.part_count() {
        let part = opened.part(i)?;
        if part.writer == header.device {
            events.extend(part.events);
        }
    }
    let count = events.len() as u64;
    let outcome = server::ingest(store.as_ref(), &peer, events).await?;
    Ok(ServerImport {
        device: header.device,
        events: count,
        inserted: outcome.inserted as u64,
        duplicates: outcome.duplicates as u64,
        acked_to: outcome.acked_to,
    })
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What the server wrote for a device.
#[derive(Debug, Serialize)]
struct ServerExport {
    path: std::path::PathBuf,
    device: DeviceId,
    events: u64,
    writers: u64,
    bytes: u64,
    /// True when the bundle starts from the cursors of the device's last
    /// bundle rather than from the start of every chain.
    from_last_bundle: bool,
}

async fn server_export(
    out: &Path,
    device: &str,
    data: Option<&Path>,
    store_args: &ServerStoreArgs,
) -> anyhow::Result<ServerExport> {
    let device: DeviceId = device.trim().parse().map_err(|e| {
        anyhow!("{device:?} is not a valid device id ({e}); use the device id, 32 hex digits")
    })?;
    let not_written = || format!("no bundle was written to {}", out.display());
    let store = open(data, store_args).await?;
    let receipt = match data {
        Some(dir) => server::last_receipt(dir, device)?,
        None => None,
    };
    let view = receipt.as_ref().map(Receipt::view);
    let outgoing = server::outgoing(
        store.as_ref(),
        device,
        view.as_ref(),
        format::PART_EVENT_BYTES,
    )
    .await
    .with_context(not_written)?;
    let mut writers = std::collections::BTreeSet::new();
    let mut events = 0u64;
    let parts: Vec<Part> = outgoing
        .batches
        .into_iter()
        .map(|b| {
            writers.insert(b.writer);
            events += b.events.len() as u64;
            Part {
                writer: b.writer,
                from_seq: b.from_seq,
                next_seq: b.next_seq,
                events: b.events,
            }
        })
        .collect();
    let record = &outgoing.peer.device;
    // The device's key from its last bundle, certified for its files to the
    // other laptops of its centre.
    let certificate = match receipt.as_ref().and_then(Receipt::device_key) {
        Some(key) => Some(
            qalam_server::certify::certify(store.as_ref(), record, &key, now_ms())
                .await
                .with_context(not_written)?,
        ),
        None => None,
    };
    let header = BundleHeader {
        kind: BundleKind::ServerToDevice,
        device,
        org: record.org,
        centre: record.centre,
        created_ms: u64::try_from(now_ms()).unwrap_or(0),
        acked_to: outgoing.acked_to,
        presence_epoch: outgoing.presence_epoch,
        since_epoch: outgoing.since_epoch,
        cursors: Default::default(),
        enrolment: None,
        extras: format::BundleExtras {
            device_key: None,
            certificate,
        },
    };
    let bytes = format::encode(&header, &parts, &outgoing.peer.key).with_context(not_written)?;
    let path = out.to_owned();
    let len = bytes.len() as u64;
    tokio::task::spawn_blocking(move || format::write_file_atomically(&path, &bytes))
        .await?
        .with_context(not_written)?;
    Ok(ServerExport {
        path: out.to_owned(),
        device,
        events,
        writers: writers.len() as u64,
        bytes: len,
        from_last_bundle: view.is_some(),
    })
}
