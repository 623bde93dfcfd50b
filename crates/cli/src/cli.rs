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
    /// Take a checked copy of the device database now (the newest 3 are kept)
    Backup,
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
    Doctor {
        /// Rebuild a damaged database from the newest good backup and every
        /// event still readable; the damaged files are kept aside
        #[arg(long)]
        repair: bool,
    },
    /// Administer and run the campus server (organisations, centres, devices)
    #[command(subcommand)]
    Server(ServerCommand),
    /// Enrol this device with a campus server using a single-use code
    Enrol(EnrolArgs),
    /// Sync this device's events with its campus server
    Sync(SyncArgs),
    /// Sync by USB stick: write or merge bundle files
    #[command(subcommand)]
    Bundle(BundleCommand),
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
        /// --pin is a picture password: 4 pictures of 9, as digits 1 to 9
        #[arg(long, requires = "pin", conflicts_with = "facilitator")]
        pictures: bool,
    },
    /// List the profiles shown in the picker, most recently active first
    List {
        #[arg(long)]
        json: bool,
    },
    /// Start as the app does (open the device, start the background
    /// database check) and print the profile picker's answer as JSON
    Picker {
        /// Then wait for the database check and print its verdict on stderr
        #[arg(long)]
        check: bool,
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
    /// Download and install new or updated packs from the campus server's
    /// catalogue; exits non-zero unless every pack completed (run it again
    /// to resume)
    Fetch {
        /// Campus server address [default: the one this device enrolled with]
        #[arg(long, value_name = "URL")]
        server: Option<String>,
        /// Install packs whose publisher this device does not trust
        #[arg(long)]
        allow_untrusted: bool,
        /// Print the outcome as JSON
        #[arg(long)]
        json: bool,
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

/// Where the campus server keeps its data: SQLite in `--data DIR` unless
/// `--database` names a PostgreSQL server.
#[derive(clap::Args, Debug, Clone)]
pub struct ServerStoreArgs {
    /// Store everything in PostgreSQL instead of SQLite in --data
    #[arg(long, value_name = "postgres://…", env = "QALAM_DATABASE_URL")]
    pub database: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum ServerCommand {
    /// Manage organisations (NGO spaces)
    #[command(subcommand)]
    Org(ServerOrgCommand),
    /// Manage study centres
    #[command(subcommand)]
    Centre(ServerCentreCommand),
    /// Create a single-use enrolment code for a centre; prints the code last
    EnrolCode {
        /// Centre id (32 hex digits, from `server centre add`)
        #[arg(long, value_name = "CENTRE_ID")]
        centre: String,
        /// Hours until the code expires
        #[arg(long, value_name = "N", default_value_t = 72)]
        valid_hours: u32,
        /// Also write an enrolment file, to carry to a device without a link
        /// on a USB stick (`qalam enrol --file FILE`)
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// With --out: the campus server's address, written into the file
        #[arg(long, value_name = "URL", requires = "out")]
        server_url: Option<String>,
        /// With --out: a campus CA certificate (PEM) for the device to pin
        #[arg(long, value_name = "FILE", requires = "out")]
        ca: Option<PathBuf>,
        #[command(flatten)]
        store: ServerStoreArgs,
    },
    /// Manage enrolled devices
    #[command(subcommand)]
    Device(ServerDeviceCommand),
    /// Manage the accounts of the admin web page (/admin)
    #[command(subcommand)]
    Admin(ServerAdminCommand),
    /// Offer course packs to an organisation's devices (kept in DIR/packs)
    #[command(subcommand)]
    Pack(ServerPackCommand),
    /// Run the campus server over HTTP
    Run {
        /// Address to listen on, e.g. 127.0.0.1:7878, or 0.0.0.0:7878 for the LAN
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:7878")]
        listen: SocketAddr,
        #[command(flatten)]
        store: ServerStoreArgs,
        #[command(flatten)]
        tls: TlsArgs,
    },
}

/// TLS for the campus server: both files or neither.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct TlsArgs {
    /// PEM certificate chain to serve HTTPS with (needs --tls-key)
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key of --tls-cert
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum ServerOrgCommand {
    /// Create an organisation; prints its id last
    Add {
        name: String,
        #[command(flatten)]
        store: ServerStoreArgs,
    },
}

#[derive(Subcommand, Debug)]
pub enum ServerCentreCommand {
    /// Create a centre in an organisation; prints its id last
    Add {
        name: String,
        /// Organisation id (32 hex digits, from `server org add`)
        #[arg(long, value_name = "ORG_ID")]
        org: String,
        #[command(flatten)]
        store: ServerStoreArgs,
    },
}

#[derive(Subcommand, Debug)]
pub enum ServerPackCommand {
    /// Verify a pack whole and add it to an organisation's catalogue;
    /// prints id@version last
    Add {
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Organisation id (32 hex digits, from `server org add`)
        #[arg(long, value_name = "ORG_ID")]
        org: String,
        #[command(flatten)]
        store: ServerStoreArgs,
    },
    /// List an organisation's catalogue
    List {
        /// Organisation id (32 hex digits, from `server org add`)
        #[arg(long, value_name = "ORG_ID")]
        org: String,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        store: ServerStoreArgs,
    },
}

#[derive(Subcommand, Debug)]
pub enum ServerAdminCommand {
    /// Create an admin account with a new random password; prints the
    /// password alone on the last line (it is shown only this once)
    Add {
        name: String,
        /// Organisation id (32 hex digits, from `server org add`): the admin
        /// manages only this organisation [default: the whole server]
        #[arg(long, value_name = "ORG_ID")]
        org: Option<String>,
        #[command(flatten)]
        store: ServerStoreArgs,
    },
}

#[derive(Subcommand, Debug)]
pub enum ServerDeviceCommand {
    /// Refuse a device's credential and pushes from now on; prints its id last
    Revoke {
        #[arg(value_name = "DEVICE_ID")]
        device: String,
        #[command(flatten)]
        store: ServerStoreArgs,
    },
}

#[derive(clap::Args, Debug)]
pub struct EnrolArgs {
    /// Campus server address, e.g. http://10.0.0.5:7878 (with --file: instead
    /// of the one the file names)
    #[arg(long, value_name = "URL", required_unless_present = "file")]
    pub server: Option<String>,
    /// Enrolment code from `qalam server enrol-code`
    #[arg(
        long,
        value_name = "CODE",
        required_unless_present = "file",
        conflicts_with = "file"
    )]
    pub code: Option<String>,
    /// Enrol offline from an enrolment file carried on a USB stick
    /// (`qalam server enrol-code --out FILE`); the server binds it at the
    /// first sync or bundle
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Campus CA certificate (PEM) to pin: HTTPS to the server is then
    /// trusted only if its certificate chains to this CA
    #[arg(long, value_name = "FILE")]
    pub ca: Option<std::path::PathBuf>,
}

#[derive(clap::Args, Debug)]
pub struct SyncArgs {
    /// Campus server address [default: the one this device enrolled with]
    #[arg(long, value_name = "URL")]
    pub server: Option<String>,
    /// One attempt: exit 0 only if both directions completed
    #[arg(long)]
    pub once: bool,
    /// Print the outcome as JSON (with --once or --status)
    #[arg(long)]
    pub json: bool,
    /// Show what sync last did (enrolment, last sync, events waiting,
    /// bytes) without contacting the server
    #[arg(long, conflicts_with = "once")]
    pub status: bool,
}

#[derive(Subcommand, Debug)]
pub enum BundleCommand {
    /// Write what the other side lacks, as far as this side knows, to FILE
    /// (on a campus server: for the device named by --for)
    Export {
        /// The bundle file to write, e.g. on a USB stick
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// On a campus server: the device to write the bundle for (32 hex digits)
        #[arg(long = "for", value_name = "DEVICE_ID")]
        for_device: Option<String>,
        /// On a device: write every event this laptop holds, signed with its
        /// certified key, for the other laptops of its centre (and the
        /// campus server) to import
        #[arg(long, conflicts_with = "for_device")]
        peers: bool,
        /// Print the outcome as JSON
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        store: ServerStoreArgs,
    },
    /// Merge a bundle file: into the campus server when --data is its data
    /// folder or --database is given, otherwise into this device
    Import {
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Print the outcome as JSON
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        store: ServerStoreArgs,
    },
}
