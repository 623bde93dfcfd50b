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
    ServerCentreCommand, ServerCommand, ServerDeviceCommand, ServerOrgCommand, ServerStoreArgs,
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
                store,
            } => {
                if valid_hours == 0 {
                    bail!("--valid-hours must be at least 1");
                }
                let centre: CentreId = parse_id(&centre, "centre", "server centre add")?;
                let store = open(data, &store).await?;
                let valid_ms = i64::from(valid_hours) * 3_600_000;
                let code = store
                    .create_enrol_code(centre, qalam_server::now_ms(), valid_ms)
                    .await
                    .map_err(|e| not_found_hint(e, data, "server centre add"))?;
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
            ServerCommand::Run { listen, store } => {
                let store = open(data, &store).await?;
                serve(store, listen).await?;
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

async fn serve(store: Arc<dyn Store>, listen: SocketAddr) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("could not listen on {listen}"))?;
    let addr = listener.local_addr()?;
    if !addr.ip().is_loopback() {
        eprintln!("{}", qalam_server::http::plain_http_warning(addr));
    }
    println!("Qalam campus server listening on http://{addr}/");
    qalam_server::http::serve(listener, store).await?;
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
