//! `qalam-faultproxy`: the fault-injecting proxy as a program, for bench
//! scripts and for trying the app against a bad link by hand.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use clap::Parser;
use qalam_faultproxy::{FaultProxy, Faults};

#[derive(Parser, Debug)]
#[command(
    name = "qalam-faultproxy",
    about = "A TCP proxy that cuts, stalls, truncates and corrupts connections on purpose"
)]
struct Args {
    /// Address to listen on (port 0 picks a free one; the address is printed)
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// Address to forward to
    #[arg(long)]
    upstream: SocketAddr,
    /// Close every connection after this many bytes (both directions)
    #[arg(long, value_name = "BYTES")]
    cut_every: Option<u64>,
    /// Chance (0–1) that a connection is cut at a random offset
    #[arg(long, default_value_t = 0.0)]
    drop_chance: f64,
    /// Chance (0–1) that a connection stalls once
    #[arg(long, default_value_t = 0.0)]
    stall_chance: f64,
    /// How long a stall lasts
    #[arg(long, default_value_t = 500)]
    stall_ms: u64,
    /// Chance (0–1) that a request is cut short while its answer still flows
    #[arg(long, default_value_t = 0.0)]
    truncate_chance: f64,
    /// Chance (0–1) that one byte of a connection is changed
    #[arg(long, default_value_t = 0.0)]
    corrupt_chance: f64,
    /// Random offsets are drawn below this many bytes
    #[arg(long, default_value_t = 64 * 1024)]
    horizon: u64,
    /// Seed of the fault plans, for replaying a run
    #[arg(long, default_value_t = 0)]
    seed: u64,
}

fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(tracing_subscriber::EnvFilter::from_env("QALAM_LOG"))
        .init();
    let args = Args::parse();
    for (name, p) in [
        ("--drop-chance", args.drop_chance),
        ("--stall-chance", args.stall_chance),
        ("--truncate-chance", args.truncate_chance),
        ("--corrupt-chance", args.corrupt_chance),
    ] {
        anyhow::ensure!(
            (0.0..=1.0).contains(&p),
            "{name} must be between 0 and 1, not {p}"
        );
    }
    let faults = Faults {
        cut_every: args.cut_every,
        drop_chance: args.drop_chance,
        stall_chance: args.stall_chance,
        stall: Duration::from_millis(args.stall_ms),
        truncate_chance: args.truncate_chance,
        corrupt_chance: args.corrupt_chance,
        horizon: args.horizon,
        seed: args.seed,
    };
    let proxy = FaultProxy::spawn_on(args.listen, args.upstream, faults)
        .context("could not start the proxy")?;
    println!("{}", proxy.addr());
    eprintln!(
        "forwarding {} -> {}; stop with Ctrl-C or SIGTERM to print the totals",
        proxy.addr(),
        args.upstream
    );
    wait_for_stop()?;
    let s = proxy.stats();
    println!(
        "connections={} bytes_up={} bytes_down={} cuts={} stalls={} truncations={} corruptions={}",
        s.connections, s.bytes_up, s.bytes_down, s.cuts, s.stalls, s.truncations, s.corruptions
    );
    Ok(())
}

fn wait_for_stop() -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("could not start a runtime to wait for signals")?;
    runtime.block_on(async {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let mut term = signal(SignalKind::terminate()).context("could not watch SIGTERM")?;
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
        Ok(())
    })
}
