//! The command-line grammar. Operators' scripts rely on these names.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "qalam",
    version,
    about = "Qalam: offline learning for study centres"
)]
pub struct Args {
    /// Data folder of this device [default: $QALAM_DATA or ~/.local/share/qalam]
    #[arg(long, global = true, value_name = "DIR")]
    pub data: Option<PathBuf>,

    /// Free disk space, in MB, that an import must leave untouched
    #[arg(long, global = true, value_name = "MB", env = "QALAM_DISK_RESERVE_MB")]
    pub reserve_mb: Option<u64>,

    /// More log output (-v, -vv); QALAM_LOG overrides
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Build, verify, import and manage course packs
    #[command(subcommand)]
    Pack(PackCommand),
    /// Manage the publishers this device trusts
    #[command(subcommand)]
    Trust(TrustCommand),
    /// Serve the app and its API over HTTP (LAN web mode)
    Serve(ServeArgs),
    /// Add and list learner and facilitator profiles
    #[command(subcommand)]
    Learner(LearnerCommand),
    /// Show progress per learner, course, lesson and quiz
    Progress {
        /// Only this learner (32 hex digits, from `learner list`)
        #[arg(long, value_name = "ID")]
        learner: Option<String>,
        /// Canonical JSON: devices holding the same events print the same bytes
        #[arg(long)]
        json: bool,
    },
    /// Read the event log
    #[command(subcommand)]
    Events(EventsCommand),
    /// Check every device's chain, the database and the progress tables
    Doctor,
    /// Write a deterministic synthetic workload through the service layer
    Simulate {
        #[arg(long, default_value_t = 20)]
        learners: u32,
        #[arg(long, default_value_t = 1000)]
        events: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Print `acked SEQ` after each committed batch (for crash tests)
        #[arg(long, hide = true)]
        ack: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum LearnerCommand {
    /// Register a profile on this device
    Add {
        name: String,
        /// 4 to 6 digits (ASCII, Arabic-Indic or Extended Arabic-Indic)
        #[arg(long)]
        pin: Option<String>,
        /// A facilitator account rather than a learner
        #[arg(long)]
        facilitator: bool,
    },
    /// List the profiles shown in the picker, most recently active first
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum EventsCommand {
    /// Print every event held, one per line, by device then seq
    Export {
        /// One JSON object per line, fields in a fixed order
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum PackCommand {
    /// Create a publisher key pair: KEY (secret) and KEY.pub
    Keygen {
        #[arg(long, value_name = "KEY")]
        out: PathBuf,
    },
    /// Build a pack from an authoring folder
    Build {
        src_dir: PathBuf,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Sign with this secret key
        #[arg(long, value_name = "KEY")]
        key: Option<PathBuf>,
    },
    /// Check a pack file without installing it
    Verify { file: PathBuf },
    /// Install packs from files or folders (such as a USB stick)
    Import {
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Install packs whose publisher this device does not trust
        #[arg(long)]
        allow_untrusted: bool,
    },
    /// List installed packs
    List {
        #[arg(long)]
        json: bool,
        /// Language for titles
        #[arg(long, default_value = "en")]
        lang: String,
    },
    /// Remove an installed pack
    Remove { id: String },
    /// Copy installed packs into a folder, e.g. a USB stick for another centre
    Export {
        #[arg(required = true, value_name = "ID")]
        ids: Vec<String>,
        #[arg(long, value_name = "DIR")]
        to: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
pub enum TrustCommand {
    /// Trust a publisher's public key file
    Add {
        #[arg(value_name = "KEY.pub")]
        key: PathBuf,
        /// A name to show for this publisher
        #[arg(long)]
        name: Option<String>,
    },
    /// List trusted publishers
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on, e.g. 127.0.0.1:8080, or 0.0.0.0:8080 for the LAN
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Folder of the built UI [default: $QALAM_UI_DIR, else ui/dist if present]
    #[arg(long, value_name = "DIR")]
    pub ui_dir: Option<PathBuf>,
    /// Also look for packs in this folder, as if it were a USB stick
    #[arg(long, value_name = "DIR")]
    pub usb_root: Vec<PathBuf>,
    /// Do not look at the system's removable-media mount points
    #[arg(long)]
    pub no_system_mounts: bool,
}
