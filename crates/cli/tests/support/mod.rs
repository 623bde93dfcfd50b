//! What the CLI's integration tests share: the `qalam` binary with a clean
//! environment, and `qalam server run` as a process of its own (so tests
//! can kill -9 it, restart it on the same address, and read its memory).
#![allow(dead_code)] // each test file uses a part of it

use std::ffi::OsString;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The `qalam` binary, with no data folder, database URL or log level
/// inherited from the environment.
pub fn qalam() -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("qalam"));
    cmd.env_remove("QALAM_DATA")
        .env_remove("QALAM_DATABASE_URL")
        .env_remove("QALAM_LOG");
    cmd
}

/// A running `qalam server run`.
pub struct ServerProcess {
    child: Option<Child>,
    pub addr: SocketAddr,
    /// `http` or `https`, as the server announced itself.
    pub scheme: &'static str,
    /// Everything but `--listen`, for restarts.
    args: Vec<OsString>,
}

impl ServerProcess {
    /// Starts `qalam server run --listen LISTEN ARGS…` and waits for the
    /// address it prints.
    pub fn start<I, S>(listen: &str, args: I) -> ServerProcess
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
        let mut child = qalam()
            .args(["server", "run", "--listen", listen])
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("qalam server run starts");
        let mut line = String::new();
        BufReader::new(child.stdout.as_mut().expect("piped stdout"))
            .read_line(&mut line)
            .expect("the server prints its address");
        let (scheme, rest) = if let Some(rest) = line.split("https://").nth(1) {
            ("https", rest)
        } else if let Some(rest) = line.split("http://").nth(1) {
            ("http", rest)
        } else {
            panic!("no address in {line:?}");
        };
        let addr = rest
            .trim()
            .trim_end_matches('/')
            .parse()
            .unwrap_or_else(|e| panic!("bad address in {line:?}: {e}"));
        ServerProcess {
            child: Some(child),
            addr,
            scheme,
            args,
        }
    }

    pub fn url(&self) -> String {
        format!("{}://{}", self.scheme, self.addr)
    }

    /// Stops the server (kill -9; it keeps nothing it has not committed).
    pub fn stop(mut self) {
        self.kill9();
    }

    /// kill -9, and wait for the process to be gone.
    pub fn kill9(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// kill -9, then start again on the same address (retrying while the
    /// port is still being released).
    pub fn crash_and_restart(&mut self) {
        self.kill9();
        let listen = self.addr.to_string();
        let args = self.args.clone();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            match std::panic::catch_unwind(|| ServerProcess::start(&listen, args.clone())) {
                Ok(server) => {
                    *self = server;
                    return;
                }
                Err(_) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(100));
                }
                Err(e) => std::panic::resume_unwind(e),
            }
        }
    }

    /// (VmRSS, VmHWM) of the server process, in kB.
    pub fn memory_kb(&self) -> (u64, u64) {
        let pid = self.child.as_ref().expect("the server runs").id();
        let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
            .expect("/proc/PID/status is readable");
        let field = |name: &str| -> u64 {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
                .unwrap_or_else(|| panic!("no {name} in /proc/{pid}/status"))
        };
        (field("VmRSS:"), field("VmHWM:"))
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill9();
    }
}
