//! `qalam server …`: administer and run the campus server. Every admin
//! command prints the new id or code alone on its last line of stdout, so
//! scripts can take it with `tail -n 1`.

use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;
use std::str::FromStr;
use std::sync::Arc;

use anyhow::{Context, anyhow, bail};
use qalam_server::{CentreId, DeviceId, OrgId, Store, StoreError};

use crate::cli::{
    ServerAdminCommand, ServerCentreCommand, ServerCommand, ServerDeviceCommand, ServerOrgCommand,
    ServerPackCommand, ServerStoreArgs, TlsArgs,
};

pub fn run(command: ServerCommand, data: Option<&Path>) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async move {
        match command {
            ServerCommand::Org(ServerOrgCommand::Add { name, store }) => {
                let name = checked_name(&name, "organisation")?;
                let store = open(data, &store).await?;
                let org = store.create_org(name, qalam_server::now_ms()).await?;
                println!("Created organisation {:?}", org.name);
                println!("{}", org.id);
            }
            ServerCommand::Centre(ServerCentreCommand::Add { name, org, store }) => {
                let name = checked_name(&name, "centre")?;
                let org: OrgId = parse_id(&org, "organisation", "server org add")?;
                let store = open(data, &store).await?;
                let centre = store
                    .create_centre(org, name, qalam_server::now_ms())
                    .await
                    .map_err(|e| not_found_hint(e, data, "server org add"))?;
                println!("Created centre {:?} in organisation {}", centre.name, org);
                println!("{}", centre.id);
            }
            ServerCommand::EnrolCode {
                centre,
                valid_hours,
                out,
                server_url,
                ca,
                store,
            } => {
                if valid_hours == 0 {
                    bail!("--valid-hours must be at least 1");
                }
                let centre: CentreId = parse_id(&centre, "centre", "server centre add")?;
                let file_options = FileOptions::read(out, server_url, ca)?;
                let store = open(data, &store).await?;
                let valid_ms = i64::from(valid_hours) * 3_600_000;
                let code = store
                    .create_enrol_code(centre, qalam_server::now_ms(), valid_ms)
                    .await
                    .map_err(|e| not_found_hint(e, data, "server centre add"))?;
                if let Some(options) = file_options {
                    let centre = store.centre(centre).await?;
                    options.write(&code, &centre)?;
                }
                println!(
                    "Enrolment code for centre {} (single use, valid {valid_hours} h):",
                    code.centre
                );
                println!("{}", code.code);
            }
            ServerCommand::Device(ServerDeviceCommand::Revoke { device, store }) => {
                let device: DeviceId = parse_id(&device, "device", "the server's device list")?;
                let store = open(data, &store).await?;
                store
                    .revoke_device(device, qalam_server::now_ms())
                    .await
                    .map_err(|e| match e {
                        StoreError::NotFound { .. } => anyhow!(
                            "no device {device} is enrolled on this server ({}); check the id, and that this is the device's server",
                            where_(data)
                        ),
                        other => other.into(),
                    })?;
                println!("Revoked device {device}: its credential is refused from now on");
                println!("{device}");
            }
            ServerCommand::Admin(ServerAdminCommand::Add { name, org, store }) => {
                let org: Option<OrgId> = org
                    .map(|org| parse_id(&org, "organisation", "server org add"))
                    .transpose()?;
                let store = open(data, &store).await?;
                let (admin, password) = qalam_server::admin::create_admin(&*store, &name, org)
                    .await
                    .map_err(|e| match e {
                        qalam_server::admin::AdminError::Store(e) => {
                            not_found_hint(e, data, "server org add")
                        }
                        other => other.into(),
                    })?;
                match admin.org {
                    None => println!(
                        "Created admin {:?} of the whole server (may add organisations)",
                        admin.name
                    ),
                    Some(org) => {
                        println!("Created admin {:?} of organisation {org}", admin.name)
                    }
                }
                println!("Sign in at /admin/ on the server with this password, shown only now:");
                println!("{password}");
            }
            ServerCommand::Pack(command) => pack(command, data).await?,
            ServerCommand::Run { listen, store, tls } => {
                let store = open(data, &store).await?;
                serve(store, listen, &tls, data).await?;
            }
        }
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}

async fn open(data: Option<&Path>, args: &ServerStoreArgs) -> anyhow::Result<Arc<dyn Store>> {
    let url = args.database.as_deref();
    let dir = match (data, url) {
        (Some(dir), _) => dir,
        (None, Some(_)) => Path::new("."),
        (None, None) => bail!(
            "server commands need --data DIR (the campus server's data folder) or --database postgres://…"
        ),
    };
    qalam_server::open_store(dir, url)
        .await
        .with_context(|| match url {
            Some(_) => "could not open the PostgreSQL database given by --database".to_owned(),
            None => format!("could not open the server database in {}", dir.display()),
        })
}

async fn serve(
    store: Arc<dyn Store>,
    listen: SocketAddr,
    tls: &TlsArgs,
    data: Option<&Path>,
) -> anyhow::Result<()> {
    // The pack catalogue lives in DIR/packs: with only `--database` there
    // is nowhere to keep packs, so only the sync API is served.
    if data.is_none() {
        eprintln!(
            "notice: no --data DIR, so no pack catalogue is served; give --data to offer packs"
        );
    }
    let admin = qalam_server::admin::AdminConfig {
        tls: tls.tls_cert.is_some(),
    };
    let app = qalam_server::catalogue::app(
        Arc::clone(&store),
        data.map(qalam_server::catalogue::packs_dir),
    )
    .merge(qalam_server::admin::router(store, admin));
    if let (Some(cert), Some(key)) = (&tls.tls_cert, &tls.tls_key) {
        let config = qalam_server::tls::load(cert, key).await?;
        let listener = std::net::TcpListener::bind(listen)
            .with_context(|| format!("could not listen on {listen}"))?;
        let addr = listener.local_addr()?;
        println!("Qalam campus server listening on https://{addr}/");
        qalam_server::tls::serve(listener, app, config).await?;
        return Ok(());
    }
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("could not listen on {listen}"))?;
    let addr = listener.local_addr()?;
    if !addr.ip().is_loopback() {
        eprintln!("{}", qalam_server::http::plain_http_warning(addr));
    }
    println!("Qalam campus server listening on http://{addr}/");
    qalam_server::http::serve_router(listener, app, qalam_server::http::HEADER_TIMEOUT).await?;
    Ok(())
}

/// `qalam server pack …`: the organisation's pack catalogue, kept as files
/// in DIR/packs (every server node must share that folder).
async fn pack(command: ServerPackCommand, data: Option<&Path>) -> anyhow::Result<()> {
    let Some(dir) = data else {
        bail!(
            "server pack commands need --data DIR: packs are kept in DIR/packs, a folder every server node must share"
        );
    };
    let packs = qalam_server::catalogue::packs_dir(dir);
    match command {
        ServerPackCommand::Add { file, org, store } => {
            let org: OrgId = parse_id(&org, "organisation", "server org add")?;
            let store = open(data, &store).await?;
            store
                .org(org)
                .await
                .map_err(|e| not_found_hint(e, data, "server org add"))?;
            let shown = file.display().to_string();
            let added = tokio::task::spawn_blocking(move || {
                qalam_server::catalogue::add_pack(&packs, org, &file)
            })
            .await?
            .map_err(|e| anyhow!("{shown} was not added: {e}"))?;
            let entry = &added.entry;
            match &added.signer {
                Some(key) => println!(
                    "{} {} {} organisation {org}'s catalogue ({} bytes, sha256 {}, signed by {key})",
                    entry.id,
                    entry.version,
                    if added.new {
                        "added to"
                    } else {
                        "is already in"
                    },
                    entry.size,
                    entry.sha256
                ),
                None => {
                    eprintln!(
                        "WARNING: {} {} is unsigned: devices refuse it unless they allow untrusted publishers",
                        entry.id, entry.version
                    );
                    println!(
                        "{} {} {} organisation {org}'s catalogue ({} bytes, sha256 {}, unsigned)",
                        entry.id,
                        entry.version,
                        if added.new {
                            "added to"
                        } else {
                            "is already in"
                        },
                        entry.size,
                        entry.sha256
                    );
                }
            }
            println!("{}@{}", entry.id, entry.version);
        }
        ServerPackCommand::List { org, json, store } => {
            let org: OrgId = parse_id(&org, "organisation", "server org add")?;
            let store = open(data, &store).await?;
            store
                .org(org)
                .await
                .map_err(|e| not_found_hint(e, data, "server org add"))?;
            let packs =
                tokio::task::spawn_blocking(move || qalam_server::catalogue::list(&packs, org))
                    .await??;
            if json {
                let answer = qalam_server::catalogue::CatalogueResponse { packs };
                println!("{}", serde_json::to_string_pretty(&answer)?);
                return Ok(());
            }
            if packs.is_empty() {
                println!(
                    "no packs in organisation {org}'s catalogue; add one with `qalam server pack add FILE --org {org}`"
                );
            }
            for entry in packs {
                let title = entry
                    .title
                    .get("en")
                    .or_else(|| entry.title.values().next())
                    .cloned()
                    .unwrap_or_default();
                println!(
                    "{}\t{}\t{} bytes\t{}\t{title}",
                    entry.id, entry.version, entry.size, entry.sha256
                );
            }
        }
    }
    Ok(())
}

fn checked_name<'a>(name: &'a str, what: &str) -> anyhow::Result<&'a str> {
    let name = name.trim();
    if name.is_empty() {
        bail!("the {what} name is empty; give a name, e.g. \"Example NGO\"");
    }
    Ok(name)
}

fn parse_id<T: FromStr<Err = qalam_server::ParseIdError>>(
    text: &str,
    what: &str,
    from: &str,
) -> anyhow::Result<T> {
    text.trim().parse().map_err(|e| {
        anyhow!("{text:?} is not a valid {what} id ({e}); use the id printed by `qalam {from}`")
    })
}

fn not_found_hint(err: StoreError, data: Option<&Path>, from: &str) -> anyhow::Error {
    match err {
        StoreError::NotFound { what, id } => anyhow!(
            "{what} {id} does not exist on this server ({}); use the id printed by `qalam {from}`",
            where_(data)
        ),
        other => other.into(),
    }
}

fn where_(data: Option<&Path>) -> String {
    match data {
        Some(dir) => format!("data folder {}", dir.display()),
        None => "database given by --database".to_owned(),
    }
}

/// What `server enrol-code --out` writes into an enrolment file besides
/// the code, checked before a code is made.
struct FileOptions {
    out: std::path::PathBuf,
    server_url: Option<String>,
    ca_pem: Option<String>,
}

impl FileOptions {
    fn read(
        out: Option<std::path::PathBuf>,
        server_url: Option<String>,
        ca: Option<std::path::PathBuf>,
    ) -> anyhow::Result<Option<FileOptions>> {
        let Some(out) = out else { return Ok(None) };
        if let Some(url) = &server_url {
            qalam_core::sync::wire::check_server_url(url).context("--server-url was refused")?;
        }
        let ca_pem = match ca {
            Some(path) => Some(std::fs::read_to_string(&path).with_context(|| {
                format!(
                    "could not read the campus CA certificate {}",
                    path.display()
                )
            })?),
            None => None,
        };
        Ok(Some(FileOptions {
            out,
            server_url,
            ca_pem,
        }))
    }

    fn write(
        self,
        code: &qalam_server::EnrolCode,
        centre: &qalam_server::Centre,
    ) -> anyhow::Result<()> {
        let file = qalam_core::sync::wire::EnrolmentFile::for_code(
            (centre.org, centre.id, &centre.name),
            &code.code,
            code.expires_ms,
            self.server_url.as_deref(),
            self.ca_pem,
        )?;
        qalam_core::bundle::write_file_atomically(&self.out, &file.to_bytes()?).with_context(
            || format!("could not write the enrolment file {}", self.out.display()),
        )?;
        eprintln!(
            "Wrote the enrolment file {}: carry it to the device and run `qalam enrol --file FILE` there; it holds the code, so delete it once used",
            self.out.display()
        );
        Ok(())
    }
}
