//! Extraction: round trip, resume, progress, and a source that fails
//! mid-way (USB stick pulled out).
// Test helpers outside #[test] fns panic on purpose too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{self, Cursor, Read, Seek, SeekFrom};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use common::*;
use qalam_pack::{ExtractStats, Limits, PackReader};

fn many_files() -> Fixture {
    let mut f = Fixture::new();
    for i in 0..8 {
        let body = format!("<p>page {i}</p>").repeat(500 + i * 100);
        f.add_file(&format!("lessons/extra/page-{i}.html"), body.as_bytes());
    }
    f
}

fn check_tree(dest: &std::path::Path, f: &Fixture) {
    let mut want: Vec<String> = f.files.iter().map(|(p, _)| p.clone()).collect();
    want.sort();
    assert_eq!(files_under(dest), want);
    for (path, data) in &f.files {
        assert_eq!(&std::fs::read(dest.join(path)).unwrap(), data, "{path}");
    }
}

#[test]
fn extract_round_trip() {
    let f = many_files();
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("staging");
    let mut r = open(f.bytes()).unwrap();
    assert_eq!(r.manifest(), &f.manifest);
    assert_eq!(r.manifest_bytes(), f.manifest_json().as_slice());
    let total = r.content_bytes();
    assert_eq!(total, f.manifest.content_bytes());
    let mut progress = 0;
    let stats = r.extract_to(&dest, &mut |n| progress += n).unwrap();
    assert_eq!(progress, total);
    assert_eq!(
        stats,
        ExtractStats {
            files_written: f.files.len() as u64,
            files_reused: 0,
            bytes_written: total,
        }
    );
    check_tree(&dest, &f);
    assert_left_clean(tmp.path(), &dest);
}

#[test]
fn verify_all_writes_nothing_and_reports_progress() {
    let f = many_files();
    let mut r = open(f.bytes()).unwrap();
    let mut progress = 0;
    r.verify_all(&mut |n| progress += n).unwrap();
    assert_eq!(progress, r.content_bytes());
    // A reader can be used again after verifying.
    r.verify_all(&mut |_| {}).unwrap();
}

#[test]
fn resume_rewrites_only_missing_or_damaged_files() {
    let f = many_files();
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("staging");
    let mut r = open(f.bytes()).unwrap();
    r.extract_to(&dest, &mut |_| {}).unwrap();

    let deleted = "lessons/extra/page-3.html";
    let corrupted = "lessons/counting.en.html";
    std::fs::remove_file(dest.join(deleted)).unwrap();
    let mut bytes = std::fs::read(dest.join(corrupted)).unwrap();
    bytes[5] ^= 0x20; // same size, different content
    std::fs::write(dest.join(corrupted), &bytes).unwrap();

    let mut progress = 0;
    let stats = r.extract_to(&dest, &mut |n| progress += n).unwrap();
    let rewritten =
        f.manifest.file(deleted).unwrap().size + f.manifest.file(corrupted).unwrap().size;
    assert_eq!(stats.files_written, 2);
    assert_eq!(stats.files_reused, f.files.len() as u64 - 2);
    assert_eq!(stats.bytes_written, rewritten);
    assert_eq!(progress, r.content_bytes(), "reused files still count");
    check_tree(&dest, &f);
}

#[test]
fn resume_with_a_fresh_reader_reuses_everything() {
    let f = many_files();
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("staging");
    open(f.bytes())
        .unwrap()
        .extract_to(&dest, &mut |_| {})
        .unwrap();
    let stats = open(f.bytes())
        .unwrap()
        .extract_to(&dest, &mut |_| {})
        .unwrap();
    assert_eq!(stats.files_written, 0);
    assert_eq!(stats.files_reused, f.files.len() as u64);
}

#[test]
fn a_stale_part_file_is_replaced() {
    let f = Fixture::new();
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("staging");
    std::fs::create_dir_all(dest.join("media")).unwrap();
    std::fs::write(dest.join("media/.dots.png.part"), b"half a file").unwrap();
    open(f.bytes())
        .unwrap()
        .extract_to(&dest, &mut |_| {})
        .unwrap();
    check_tree(&dest, &f);
}

/// A source that starts failing with EIO after `budget` more bytes once
/// armed, like a USB stick pulled out mid-copy.
struct Unpluggable {
    inner: Cursor<Vec<u8>>,
    budget: Arc<AtomicI64>,
}

impl Read for Unpluggable {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.budget.load(Ordering::SeqCst);
        if left == 0 {
            return Err(io::Error::from_raw_os_error(5)); // EIO
        }
        let want = if left < 0 {
            buf.len()
        } else {
            buf.len().min(left as usize)
        };
        let n = self.inner.read(&mut buf[..want])?;
        if left > 0 {
            self.budget.fetch_sub(n as i64, Ordering::SeqCst);
        }
        Ok(n)
    }
}

impl Seek for Unpluggable {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        if self.budget.load(Ordering::SeqCst) == 0 {
            return Err(io::Error::from_raw_os_error(5));
        }
        self.inner.seek(pos)
    }
}

#[test]
fn a_pulled_usb_stick_is_reported_as_source_io_and_the_copy_resumes() {
    let f = many_files();
    let bytes = f.bytes();
    let half = bytes.len() as i64 / 2;
    let budget = Arc::new(AtomicI64::new(-1));
    let source = Unpluggable {
        inner: Cursor::new(bytes),
        budget: Arc::clone(&budget),
    };
    let mut r = PackReader::open(source, &Limits::default()).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("staging");

    budget.store(half, Ordering::SeqCst); // unplugged half-way
    let err = r.extract_to(&dest, &mut |_| {}).unwrap_err();
    assert!(err.is_source_io(), "{err:?}");
    assert!(err.to_string().contains("resume"));
    assert_left_clean(tmp.path(), &dest);
    let done_before = files_under(&dest).len();
    assert!(
        done_before > 0 && done_before < f.files.len(),
        "{done_before}"
    );

    budget.store(-1, Ordering::SeqCst); // plugged back in
    let stats = r.extract_to(&dest, &mut |_| {}).unwrap();
    assert_eq!(stats.files_reused, done_before as u64);
    assert_eq!(stats.files_written, (f.files.len() - done_before) as u64);
    check_tree(&dest, &f);
}

#[test]
fn an_unreadable_source_at_open_is_source_io() {
    let budget = Arc::new(AtomicI64::new(0));
    let source = Unpluggable {
        inner: Cursor::new(Fixture::new().bytes()),
        budget,
    };
    let err = PackReader::open(source, &Limits::default()).err().unwrap();
    assert!(err.is_source_io(), "{err:?}");
}

#[test]
fn open_file_reads_a_pack_from_disk() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("course.qpack");
    std::fs::write(&path, Fixture::new().bytes()).unwrap();
    let mut r = qalam_pack::open_file(&path, &Limits::default()).unwrap();
    r.verify_all(&mut |_| {}).unwrap();
    let err =
        qalam_pack::open_file(&tmp.path().join("missing.qpack"), &Limits::default()).unwrap_err();
    assert!(
        matches!(err, qalam_pack::PackError::LocalIo { .. }),
        "{err:?}"
    );
    assert!(!err.is_source_io());
}

#[test]
fn the_reader_is_send() {
    fn assert_send<T: Send>() {}
    assert_send::<PackReader<std::io::BufReader<std::fs::File>>>();
}

#[test]
fn a_pack_with_thousands_of_files_opens_and_extracts() {
    let mut f = Fixture::new();
    for i in 0..5000 {
        f.files.push((
            format!("lessons/generated/part-{:02}/page-{i:05}.html", i % 40),
            format!("<p>{i}</p>").into_bytes(),
        ));
    }
    f.sync();
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("staging");
    let stats = open(f.bytes())
        .unwrap()
        .extract_to(&dest, &mut |_| {})
        .unwrap();
    assert_eq!(stats.files_written, f.files.len() as u64);
    assert_eq!(files_under(&dest).len(), f.files.len());
}

/// Reads fail everywhere except the first and the last `keep` bytes, like
/// a stick whose middle cannot be read.
struct MiddleFails {
    inner: Cursor<Vec<u8>>,
    keep: u64,
}

impl Read for MiddleFails {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let pos = self.inner.position();
        let len = self.inner.get_ref().len() as u64;
        if pos >= self.keep && pos < len - self.keep {
            return Err(io::Error::from_raw_os_error(5));
        }
        let room = if pos < self.keep {
            self.keep - pos
        } else {
            len - pos
        };
        let n = buf.len().min(room as usize);
        self.inner.read(&mut buf[..n])
    }
}

impl Seek for MiddleFails {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.inner.seek(pos)
    }
}

#[test]
fn opening_reads_only_the_manifest_and_the_end_of_the_zip() {
    let mut f = many_files();
    f.add_file(
        "media/big.png",
        &(0..400_000u32).map(|i| (i % 251) as u8).collect::<Vec<_>>(),
    );
    let source = MiddleFails {
        inner: Cursor::new(f.bytes()),
        keep: 8 * 1024,
    };
    let mut r = PackReader::open(source, &Limits::default()).unwrap();
    assert_eq!(r.manifest(), &f.manifest);
    let err = r.verify_all(&mut |_| {}).unwrap_err();
    assert!(err.is_source_io(), "{err:?}");
}
