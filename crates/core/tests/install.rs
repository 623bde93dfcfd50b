//! The device engine's install path, driven through `qalam_core` directly:
//! resuming after a stick is pulled out, and the service API on installed
//! packs.

// Test helpers outside #[test] functions may unwrap: a failure is the test failing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Cursor, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use qalam_core::api;
use qalam_core::packs::install::{self, Outcome};
use qalam_core::{CoreError, Device, Settings};

struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Self {
        Fixture {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn device(&self) -> Device {
        Device::open(
            &self.path("data"),
            Settings {
                scan_system_mounts: false,
                ..Settings::default()
            },
        )
        .unwrap()
    }

    /// Builds a signed pack with `extra` incompressible files of 64 KiB and
    /// returns its path and the key that signed it.
    fn pack(&self, extra: usize) -> (PathBuf, qalam_pack::SecretKey) {
        let src = self.path("src");
        write(&src.join("pack.toml"), PACK_TOML);
        write(&src.join("lessons/one.en.html"), "<h1>One</h1>");
        write(
            &src.join("lessons/one.ar.md"),
            "# واحد\n\nدرس <script>x</script>",
        );
        for n in 0..extra {
            let bytes: Vec<u8> = (0..64 * 1024u32)
                .map(|i| (i.wrapping_mul(2_654_435_761).wrapping_add(n as u32 * 97) >> 13) as u8)
                .collect();
            std::fs::create_dir_all(src.join("media")).unwrap();
            std::fs::write(src.join(format!("media/clip{n:02}.bin")), bytes).unwrap();
        }
        let key = qalam_pack::generate_keypair().unwrap();
        let out = self.path("course.qpack");
        qalam_pack::build_pack(&src, &out, Some(&key)).unwrap();
        (out, key)
    }
}

const PACK_TOML: &str = r#"
id = "org.test.resume"
version = "1.0.0"
languages = ["en", "ar"]
subject = "numeracy"
level = "beginner"
license = "CC-BY-SA-4.0"
title = { en = "Resume", ar = "استئناف" }
description = { en = "Test", ar = "اختبار" }
publisher = { name = { en = "Tests" } }

[[lessons]]
id = "one"
title = { en = "One", ar = "واحد" }
content = { en = "lessons/one.en.html", ar = "lessons/one.ar.md" }
"#;

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A pack on a stick that is pulled out once `pulled` is set: from then on
/// every read past `cut` fails with an I/O error (EIO), as reads from a
/// vanished device do.
struct PulledStick {
    inner: Cursor<Vec<u8>>,
    cut: u64,
    pulled: Arc<std::sync::atomic::AtomicBool>,
}

impl Read for PulledStick {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if !self.pulled.load(std::sync::atomic::Ordering::SeqCst) {
            return self.inner.read(buf);
        }
        let pos = self.inner.position();
        if pos >= self.cut {
            return Err(std::io::Error::from_raw_os_error(5));
        }
        let n = buf.len().min((self.cut - pos) as usize);
        self.inner.read(&mut buf[..n])
    }
}

impl Seek for PulledStick {
    fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        self.inner.seek(pos)
    }
}

fn trust(device: &Device, key: &qalam_pack::SecretKey) {
    api::trust_add(device, &key.public_key().to_file_string(), Some("tests")).unwrap();
}

#[cfg(unix)]
fn inodes(dir: &Path) -> std::collections::BTreeMap<String, u64> {
    use std::os::unix::fs::MetadataExt;
    let mut found = std::collections::BTreeMap::new();
    for entry in std::fs::read_dir(dir.join("media"))
        .into_iter()
        .flatten()
        .flatten()
    {
        found.insert(
            entry.file_name().to_string_lossy().into_owned(),
            entry.metadata().unwrap().ino(),
        );
    }
    found
}

#[cfg(unix)]
#[test]
fn an_import_cut_by_a_pulled_stick_resumes_without_copying_verified_files_again() {
    let f = Fixture::new();
    let (pack, key) = f.pack(24);
    let device = f.device();
    trust(&device, &key);
    let bytes = std::fs::read(&pack).unwrap();
    let len = bytes.len() as u64;
    let pulled = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stick = PulledStick {
        inner: Cursor::new(bytes),
        cut: len / 2,
        pulled: Arc::clone(&pulled),
    };
    let reader = qalam_pack::PackReader::open(stick, &device.settings().pack_limits).unwrap();
    pulled.store(true, std::sync::atomic::Ordering::SeqCst);
    let manifest_bytes = reader.manifest_bytes().to_vec();
    let err = install::install_from(&device, reader, false, &mut |_, _| {}).unwrap_err();
    assert!(matches!(err, CoreError::Interrupted(_)), "{err}");
    assert!(err.to_string().contains("resume"), "{err}");
    assert!(
        api::list_packs(&device, "en").unwrap().is_empty(),
        "nothing visible after an interrupted import"
    );

    let staging = install::staging_dir_for(&device, &manifest_bytes);
    let staged = inodes(&staging);
    assert!(
        !staged.is_empty() && staged.len() < 24,
        "some but not all files staged: {}",
        staged.len()
    );

    let done = install::install_file(&device, &pack, false, &mut |_, _| {}).unwrap();
    assert_eq!(done.outcome, Outcome::Installed);
    let row_dir = device.layout().packs().join("org.test.resume");
    let installed_dir = std::fs::read_dir(&row_dir)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let after = inodes(&installed_dir);
    assert_eq!(after.len(), 24);
    for (name, inode) in &staged {
        assert_eq!(
            after.get(name),
            Some(inode),
            "{name} was copied again instead of reused"
        );
    }
    assert!(!staging.exists());
}

#[test]
fn the_api_resolves_titles_lessons_and_content_in_the_learners_language() {
    let f = Fixture::new();
    let (pack, key) = f.pack(0);
    let device = Arc::new(f.device());
    trust(&device, &key);
    install::install_file(&device, &pack, false, &mut |_, _| {}).unwrap();

    let ar = api::get_pack(&device, "ar", "org.test.resume").unwrap();
    assert_eq!(ar.summary.title.text, "استئناف");
    assert_eq!(ar.summary.title.dir, "rtl");
    assert_eq!(ar.lessons[0].kind, "markdown");
    assert_eq!(
        ar.lessons[0].content_path,
        "org.test.resume/lessons/one.ar.md"
    );
    assert_eq!(ar.lessons[0].content_dir, "rtl");

    let fr = api::get_pack(&device, "fr", "org.test.resume").unwrap();
    assert_eq!(
        fr.summary.title.lang, "en",
        "falls back to the pack's default language"
    );
    assert_eq!(
        fr.lessons[0].content_path,
        "org.test.resume/lessons/one.en.html"
    );

    match qalam_core::packs::content::resolve(&device, "org.test.resume", "lessons/one.ar.md")
        .unwrap()
    {
        qalam_core::packs::content::Content::Rendered { body, .. } => {
            let html = String::from_utf8(body).unwrap();
            assert!(
                html.contains("dir=\"rtl\"") && !html.contains("<script>"),
                "{html}"
            );
        }
        other => panic!("markdown should be rendered: {other:?}"),
    }
    for bad in ["../../qalam.db", "manifest.json", "lessons/missing.html"] {
        assert!(
            qalam_core::packs::content::resolve(&device, "org.test.resume", bad).is_err(),
            "{bad}"
        );
    }
}

#[test]
fn import_jobs_report_progress_and_a_result_per_source() {
    let f = Fixture::new();
    let (pack, key) = f.pack(4);
    let device = Arc::new(f.device());
    trust(&device, &key);
    let started =
        api::import_start(&device, vec![pack.clone(), f.path("missing.qpack")], false).unwrap();
    let status = loop {
        let status = api::import_status(&device, started.job).unwrap();
        if status.state == api::types::JobState::Done {
            break status;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert_eq!(status.results.len(), 2);
    assert_eq!(status.bytes_done, status.bytes_total);
    assert!(status.bytes_total >= std::fs::metadata(&pack).unwrap().len());
    let outcomes: Vec<_> = status.results.iter().map(|r| r.outcome.clone()).collect();
    assert!(outcomes.contains(&api::types::ResultKind::Installed));
    assert!(outcomes.contains(&api::types::ResultKind::Refused));
    let refused = status
        .results
        .iter()
        .find(|r| r.outcome == api::types::ResultKind::Refused)
        .unwrap();
    assert_eq!(
        refused.reason,
        Some(qalam_core::packs::import::Reason::NotFound)
    );
}

#[test]
fn usb_scan_finds_packs_on_configured_roots_and_explains_broken_ones() {
    let f = Fixture::new();
    let (pack, _key) = f.pack(0);
    let stick = f.path("stick/packs");
    std::fs::create_dir_all(&stick).unwrap();
    std::fs::copy(&pack, stick.join("course.qpack")).unwrap();
    std::fs::write(stick.join("broken.qpack"), b"not a zip").unwrap();
    let settings = Settings {
        usb_roots: vec![f.path("stick")],
        scan_system_mounts: false,
        ..Settings::default()
    };
    let device = Device::open(&f.path("data"), settings).unwrap();
    let sources = api::usb_scan(&device, "ar");
    assert_eq!(sources.len(), 1);
    let packs = &sources[0].packs;
    assert_eq!(packs.len(), 2);
    let good = packs
        .iter()
        .find(|p| p.file_name == "course.qpack")
        .unwrap();
    assert_eq!(good.title.as_ref().unwrap().text, "استئناف");
    let broken = packs
        .iter()
        .find(|p| p.file_name == "broken.qpack")
        .unwrap();
    assert!(broken.error.is_some() && broken.id.is_none());
}
