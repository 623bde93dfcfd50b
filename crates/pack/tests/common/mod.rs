//! Test helpers: a raw zip writer that can lie in every way a hostile zip
//! can, a valid pack fixture to start from, and checks that a refused pack
//! left nothing behind.
#![allow(dead_code)]

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

use qalam_pack::{
    Choice, Completion, FileEntry, Lesson, Limits, LocalizedText, Manifest, Mastery, PackError,
    PackReader, Publisher, Question, QuestionKind, Quiz, SecretKey, sign_manifest,
};
use sha2::{Digest, Sha256};

pub const UNIX: u16 = (3 << 8) | 20;
pub const MODE_FILE: u32 = 0o100_644;
pub const MODE_DIR: u32 = 0o040_755;
pub const MODE_SYMLINK: u32 = 0o120_777;
pub const MODE_FIFO: u32 = 0o010_644;
pub const MODE_CHARDEV: u32 = 0o020_644;

// ---------------------------------------------------------------- raw zip

/// One entry exactly as it will be written, lies included.
#[derive(Debug, Clone)]
pub struct RawEntry {
    pub name: Vec<u8>,
    /// Bytes as stored in the zip (already compressed for method 8).
    pub data: Vec<u8>,
    pub method: u16,
    pub flags: u16,
    pub crc: u32,
    /// Uncompressed size written in both headers.
    pub declared_size: u32,
    pub external_attrs: u32,
    pub made_by: u16,
}

impl RawEntry {
    pub fn stored(name: &str, content: &[u8]) -> Self {
        RawEntry {
            name: name.as_bytes().to_vec(),
            data: content.to_vec(),
            method: 0,
            flags: 0x0800,
            crc: crc32(content),
            declared_size: content.len() as u32,
            external_attrs: MODE_FILE << 16,
            made_by: UNIX,
        }
    }

    pub fn deflated(name: &str, content: &[u8]) -> Self {
        RawEntry {
            data: deflate(content),
            method: 8,
            ..RawEntry::stored(name, content)
        }
    }

    pub fn dir(name: &str) -> Self {
        RawEntry {
            external_attrs: MODE_DIR << 16,
            ..RawEntry::stored(name, b"")
        }
    }

    pub fn with_mode(mut self, mode: u32) -> Self {
        self.external_attrs = mode << 16;
        self
    }

    pub fn with_raw_name(mut self, name: &[u8]) -> Self {
        self.name = name.to_vec();
        self
    }
}

/// Writes local headers, data, the central directory and the end record.
pub fn zip_bytes(entries: &[RawEntry]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut offsets = Vec::new();
    for e in entries {
        offsets.push(out.len() as u32);
        out.extend_from_slice(b"PK\x03\x04");
        put16(&mut out, 20);
        common_fields(&mut out, e);
        put16(&mut out, e.name.len() as u16);
        put16(&mut out, 0);
        out.extend_from_slice(&e.name);
        out.extend_from_slice(&e.data);
    }
    let cd_start = out.len() as u32;
    for (e, off) in entries.iter().zip(&offsets) {
        out.extend_from_slice(b"PK\x01\x02");
        put16(&mut out, e.made_by);
        put16(&mut out, 20);
        common_fields(&mut out, e);
        put16(&mut out, e.name.len() as u16);
        put16(&mut out, 0); // extra
        put16(&mut out, 0); // comment
        put16(&mut out, 0); // disk
        put16(&mut out, 0); // internal attrs
        put32(&mut out, e.external_attrs);
        put32(&mut out, *off);
        out.extend_from_slice(&e.name);
    }
    let cd_size = out.len() as u32 - cd_start;
    out.extend_from_slice(b"PK\x05\x06");
    put16(&mut out, 0);
    put16(&mut out, 0);
    put16(&mut out, entries.len() as u16);
    put16(&mut out, entries.len() as u16);
    put32(&mut out, cd_size);
    put32(&mut out, cd_start);
    put16(&mut out, 0);
    out
}

fn common_fields(out: &mut Vec<u8>, e: &RawEntry) {
    put16(out, e.flags);
    put16(out, e.method);
    put16(out, 0); // time
    put16(out, 0x21); // date 1980-01-01
    put32(out, e.crc);
    put32(out, e.data.len() as u32);
    put32(out, e.declared_size);
}

fn put16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

pub fn deflate(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

pub fn sha_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

// ---------------------------------------------------------------- fixture

pub fn text(en: &str) -> LocalizedText {
    [("en", en)].into_iter().collect()
}

/// A valid pack: a manifest, its content files and an optional key.
#[derive(Clone)]
pub struct Fixture {
    pub manifest: Manifest,
    pub files: Vec<(String, Vec<u8>)>,
    pub key: Option<SecretKey>,
}

pub fn sample_manifest() -> Manifest {
    Manifest {
        format: "qalam-pack/1".into(),
        id: "org.qalam.test".into(),
        version: "1.0.0".into(),
        title: [("en", "Test pack"), ("ar", "حزمة تجريبية")]
            .into_iter()
            .collect(),
        description: text("A pack for tests."),
        languages: vec!["en".into(), "ar".into()],
        subject: "numeracy".into(),
        level: "beginner".into(),
        publisher: Publisher {
            name: text("Qalam Team"),
            url: Some("https://example.org".into()),
            contact: None,
        },
        license: "CC-BY-SA-4.0".into(),
        lessons: vec![Lesson {
            id: "counting".into(),
            title: text("Counting"),
            content: [
                ("en", "lessons/counting.en.html"),
                ("ar", "lessons/counting.ar.html"),
            ]
            .into_iter()
            .collect(),
            duration_minutes: Some(10),
            completion: Some(Completion::QuizMastered),
            quiz: Some("counting-check".into()),
        }],
        quizzes: vec![Quiz {
            id: "counting-check".into(),
            title: text("Check your counting"),
            mastery: Mastery {
                min_score_percent: 80,
            },
            questions: vec![Question {
                id: "q1".into(),
                prompt: text("How many?"),
                feedback: None,
                kind: QuestionKind::SingleChoice {
                    choices: vec![
                        Choice {
                            id: "a".into(),
                            text: text("3"),
                            correct: true,
                            feedback: None,
                        },
                        Choice {
                            id: "b".into(),
                            text: text("4"),
                            correct: false,
                            feedback: Some(text("Count again.")),
                        },
                    ],
                },
            }],
        }],
        files: Vec::new(),
    }
}

impl Fixture {
    pub fn new() -> Self {
        let files = vec![
            (
                "lessons/counting.en.html".to_string(),
                b"<h1>Counting</h1><p>One, two, three.</p>".repeat(40),
            ),
            (
                "lessons/counting.ar.html".to_string(),
                "<h1>العدّ</h1><p>واحد، اثنان، ثلاثة</p>"
                    .as_bytes()
                    .repeat(40),
            ),
            (
                "media/dots.png".to_string(),
                (0..=255u8).cycle().take(3000).collect(),
            ),
        ];
        let mut f = Fixture {
            manifest: sample_manifest(),
            files,
            key: None,
        };
        f.sync();
        f
    }

    pub fn signed(mut self, key: &SecretKey) -> Self {
        self.key = Some(key.clone());
        self
    }

    /// Recomputes `manifest.files` from `files`.
    pub fn sync(&mut self) {
        let mut listed: Vec<FileEntry> = self
            .files
            .iter()
            .map(|(p, d)| FileEntry {
                path: p.clone(),
                size: d.len() as u64,
                sha256: sha_hex(d),
            })
            .collect();
        listed.sort_by(|a, b| a.path.cmp(&b.path));
        self.manifest.files = listed;
    }

    pub fn add_file(&mut self, path: &str, data: &[u8]) {
        self.files.push((path.to_string(), data.to_vec()));
        self.sync();
    }

    pub fn manifest_json(&self) -> Vec<u8> {
        self.manifest.to_json()
    }

    /// manifest.json, signature.json (when keyed) and the files, html
    /// deflated and the rest stored.
    pub fn entries(&self) -> Vec<RawEntry> {
        let json = self.manifest_json();
        let mut entries = vec![RawEntry::deflated("manifest.json", &json)];
        if let Some(key) = &self.key {
            entries.push(RawEntry::stored(
                "signature.json",
                &sign_manifest(key, &json),
            ));
        }
        for (path, data) in &self.files {
            if path.ends_with(".png") {
                entries.push(RawEntry::stored(path, data));
            } else {
                entries.push(RawEntry::deflated(path, data));
            }
        }
        entries
    }

    pub fn bytes(&self) -> Vec<u8> {
        zip_bytes(&self.entries())
    }
}

pub fn open(bytes: Vec<u8>) -> Result<PackReader<Cursor<Vec<u8>>>, PackError> {
    PackReader::open(Cursor::new(bytes), &Limits::default())
}

pub fn open_with(
    bytes: Vec<u8>,
    limits: &Limits,
) -> Result<PackReader<Cursor<Vec<u8>>>, PackError> {
    PackReader::open(Cursor::new(bytes), limits)
}

// ---------------------------------------------------------------- refusal checks

/// Tries to open and then extract `bytes` into `<tmp>/dest`, expects a
/// refusal, checks nothing was left behind, and returns the error.
pub fn refuse(bytes: Vec<u8>) -> PackError {
    refuse_with(bytes, &Limits::default())
}

pub fn refuse_with(bytes: Vec<u8>, limits: &Limits) -> PackError {
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("dest");
    let err = match open_with(bytes, limits) {
        Err(e) => e,
        Ok(mut reader) => reader
            .extract_to(&dest, &mut |_| {})
            .expect_err("a hostile pack must not extract"),
    };
    assert_left_clean(tmp.path(), &dest);
    // Every message is one line that says what to do.
    let msg = err.to_string();
    assert!(!msg.contains('\n'), "multi-line message: {msg}");
    err
}

/// Nothing outside `dest`, and no part files anywhere.
pub fn assert_left_clean(root: &Path, dest: &Path) {
    for path in walk(root) {
        assert!(
            path.starts_with(dest),
            "wrote outside dest: {}",
            path.display()
        );
        let name = path.file_name().unwrap().to_string_lossy();
        assert!(
            !name.ends_with(".part"),
            "left a part file: {}",
            path.display()
        );
    }
}

pub fn walk(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(root) else {
        return out;
    };
    for e in rd {
        let p = e.unwrap().path();
        out.push(p.clone());
        if std::fs::symlink_metadata(&p).unwrap().is_dir() {
            out.extend(walk(&p));
        }
    }
    out
}

/// The files (not folders) under `root`, relative, sorted.
pub fn files_under(root: &Path) -> Vec<String> {
    let mut out: Vec<String> = walk(root)
        .into_iter()
        .filter(|p| std::fs::symlink_metadata(p).unwrap().is_file())
        .map(|p| {
            p.strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    out.sort();
    out
}

/// Rewrites the end of a `zip_bytes` zip into ZIP64 form (ZIP64 end record
/// and locator; the classic end record saturated), claiming `entries`.
pub fn to_zip64(bytes: &[u8], entries: u64) -> Vec<u8> {
    let eocd = bytes.len() - 22;
    assert_eq!(&bytes[eocd..eocd + 4], b"PK\x05\x06");
    let cd_size = u64::from(u32::from_le_bytes(
        bytes[eocd + 12..eocd + 16].try_into().unwrap(),
    ));
    let cd_start = u64::from(u32::from_le_bytes(
        bytes[eocd + 16..eocd + 20].try_into().unwrap(),
    ));
    let mut out = bytes[..eocd].to_vec();
    let record_at = out.len() as u64;
    out.extend_from_slice(b"PK\x06\x06");
    out.extend_from_slice(&44u64.to_le_bytes());
    put16(&mut out, UNIX);
    put16(&mut out, 45);
    put32(&mut out, 0);
    put32(&mut out, 0);
    out.extend_from_slice(&entries.to_le_bytes());
    out.extend_from_slice(&entries.to_le_bytes());
    out.extend_from_slice(&cd_size.to_le_bytes());
    out.extend_from_slice(&cd_start.to_le_bytes());
    out.extend_from_slice(b"PK\x06\x07");
    put32(&mut out, 0);
    out.extend_from_slice(&record_at.to_le_bytes());
    put32(&mut out, 1);
    out.extend_from_slice(b"PK\x05\x06");
    put16(&mut out, 0);
    put16(&mut out, 0);
    put16(&mut out, 0xFFFF);
    put16(&mut out, 0xFFFF);
    put32(&mut out, 0xFFFF_FFFF);
    put32(&mut out, 0xFFFF_FFFF);
    put16(&mut out, 0);
    out
}
