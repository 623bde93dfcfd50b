use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use super::DataArgs;
use crate::cli::ServeArgs;

pub fn run(args: ServeArgs, data: &DataArgs) -> anyhow::Result<ExitCode> {
    let device = Arc::new(data.open(|settings| {
        settings.usb_roots = args.usb_root.clone();
        settings.scan_system_mounts = !args.no_system_mounts;
    })?);
    device.backup_in_background_if_due();
    let ui_dir = ui_dir(args.ui_dir);
    if ui_dir.is_none() {
        eprintln!(
            "warning: no built UI found; serving the API only (build it with `npm --prefix ui run build`, or pass --ui-dir)"
        );
    }
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async move {
        let listener = qalam_web::bind(args.listen).await?;
        let addr = listener.local_addr()?;
        if !addr.ip().is_loopback() {
            eprintln!(
                "note: listening on {addr}: anyone on this network can open Qalam at this address"
            );
        }
        println!(
            "Qalam is serving at http://{addr}/ (data: {})",
            data.dir.display()
        );
        qalam_web::serve(listener, qalam_web::router(device, ui_dir)).await?;
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}

fn ui_dir(flag: Option<PathBuf>) -> Option<PathBuf> {
    flag.or_else(|| std::env::var_os("QALAM_UI_DIR").map(PathBuf::from))
        .or_else(|| Some(PathBuf::from("ui/dist")))
        .filter(|dir| dir.join("index.html").is_file())
}
