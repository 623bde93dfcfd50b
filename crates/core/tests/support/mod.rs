//! What several test files share: a real campus server on 127.0.0.1 for
//! the device's sync tests (the server crate does not depend on
//! qalam-core, so there is no cycle), a device with a facilitator and a
//! learner signed in, and damage done to a database file.
#![allow(dead_code)]

use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use qalam_core::api::{learners, session};
use qalam_core::{Device, Settings};
use qalam_server::{Store, now_ms};

/// A device in `dir` with Hana (facilitator, password `secret-9`) and Amal
/// (learner, no PIN), both signed in: (device, Hana's token, Amal's token).
pub fn device_with_people(dir: &Path, settings: Settings) -> (Arc<Device>, String, String) {
    let device = Arc::new(Device::open(dir, settings).unwrap());
    let fac = learners::learner_add(&device, "Hana", Some("secret-9"), true).unwrap();
    let amal = learners::learner_add(&device, "Amal", None, false).unwrap();
    let facilitator = session::sign_in(&device, &fac.id, Some("secret-9"))
        .unwrap()
        .token
        .unwrap();
    let learner = session::sign_in(&device, &amal.id, None)
        .unwrap()
        .token
        .unwrap();
    (device, facilitator, learner)
}

/// A device whose only USB stick is a folder of its own, with Hana and
/// Amal signed in (see [`device_with_people`]).
pub struct StickDevice {
    pub device: Arc<Device>,
    pub facilitator: String,
    pub learner: String,
    pub stick: PathBuf,
    pub dir: tempfile::TempDir,
}

impl StickDevice {
    /// The stick is a folder named `label` beside the data folder.
    pub fn new(label: &str) -> StickDevice {
        let dir = tempfile::tempdir().unwrap();
        let stick = dir.path().join(label);
        std::fs::create_dir_all(&stick).unwrap();
        let settings = Settings {
            scan_system_mounts: false,
            usb_roots: vec![stick.clone()],
            ..Settings::default()
        };
        let (device, facilitator, learner) = device_with_people(&dir.path().join("data"), settings);
        StickDevice {
            device,
            facilitator,
            learner,
            stick,
            dir,
        }
    }

    /// The stick as the app names it.
    pub fn mount(&self) -> String {
        self.stick.display().to_string()
    }
}

/// Overwrites `pages` database pages from `at` (a fraction of the file)
/// with garbage, as a failing disk or a pulled plug does.
pub fn garbage(path: &Path, at: f64, pages: u64) {
    let len = std::fs::metadata(path).unwrap().len();
    let page = 4096;
    let first = ((len / page) as f64 * at) as u64;
    let mut file = std::fs::OpenOptions::new().write(true).open(path).unwrap();
    file.seek(SeekFrom::Start(first * page)).unwrap();
    let junk: Vec<u8> = (0..page * pages)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 7) as u8)
        .collect();
    file.write_all(&junk).unwrap();
    file.sync_all().unwrap();
}

/// Overwrites `pages` pages with garbage, starting at the first page at or
/// after `at` (a fraction of the file) that holds event rows (recognised
/// by the kind of the simulated lessons' events in their bodies): damage inside the
/// event log itself, wherever the other tables happen to lie.
pub fn garbage_in_events(path: &Path, at: f64, pages: u64) {
    let bytes = std::fs::read(path).unwrap();
    let page = 4096usize;
    let start = (bytes.len() / page) as f64 * at;
    let needle = b"lesson_progressed";
    let first = (start as usize..bytes.len() / page)
        .find(|p| {
            bytes[p * page..(p + 1) * page]
                .windows(needle.len())
                .any(|w| w == needle)
        })
        .expect("a page of events past that point");
    let len = bytes.len() as f64;
    garbage(path, (first * page) as f64 / len, pages);
}

pub struct TestServer {
    pub base: String,
    pub store: Arc<dyn Store>,
    pub rt: tokio::runtime::Runtime,
    _dir: tempfile::TempDir,
}

impl TestServer {
    pub fn start() -> TestServer {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let store = rt
            .block_on(qalam_server::open_store(dir.path(), None))
            .unwrap();
        let listener = rt
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let addr = listener.local_addr().unwrap();
        rt.spawn(qalam_server::http::serve(listener, Arc::clone(&store)));
        TestServer {
            base: format!("http://{addr}"),
            store,
            rt,
            _dir: dir,
        }
    }

    /// A new organisation with one centre: (organisation, centre).
    pub fn centre(&self) -> (qalam_server::OrgId, qalam_server::CentreId) {
        let org = self
            .rt
            .block_on(self.store.create_org("Relief Org", now_ms()))
            .unwrap()
            .id;
        let centre = self
            .rt
            .block_on(self.store.create_centre(org, "North", now_ms()))
            .unwrap()
            .id;
        (org, centre)
    }

    /// Another centre of `org`.
    pub fn another_centre(&self, org: qalam_server::OrgId) -> qalam_server::CentreId {
        self.rt
            .block_on(self.store.create_centre(org, "South", now_ms()))
            .unwrap()
            .id
    }

    /// An enrolment code for `centre`.
    pub fn code_at(&self, centre: qalam_server::CentreId) -> String {
        self.rt
            .block_on(self.store.create_enrol_code(centre, now_ms(), 3_600_000))
            .unwrap()
            .code
    }

    /// An enrolment code for a centre of a new organisation.
    pub fn code(&self) -> String {
        let (_, centre) = self.centre();
        self.code_at(centre)
    }
}
