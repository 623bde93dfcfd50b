//! Sync by USB stick: bundle files (docs/SYNC_PROTOCOL.md, "Bundle
//! format").
//!
//! A bundle carries what one side of a sync lacks as far as the other side
//! knows, as runs per writer (`encode_run`) in zstd-compressed parts, with
//! a whole-file sha256 and an HMAC-SHA256 tag keyed with the sha256 of the
//! device credential (the only form of it the campus server keeps).
//!
//! The format is pure and I/O-free ([`encode`], [`Opened::open`],
//! [`Opened::verify`], [`Opened::part`]); the campus server uses it through
//! the CLI. The device side ([`bundle_export`], [`bundle_import`]) applies
//! it to a device's database with the same rules as HTTP sync.
//!
//! Layout (all integers big-endian):
//!
//! | size | field |
//! |---|---|
//! | 8 | magic `QALAMBDL` |
//! | 1 | format, `0x01` |
//! | 1 | kind: 1 device → its server, 2 server → one device |
//! | 16 | device whose credential keys the tag (sender of kind 1, recipient of kind 2) |
//! | 16 | organisation |
//! | 16 | centre |
//! | 8 | created, Unix ms |
//! | 8 | `acked_to` |
//! | 8 | `presence_epoch` |
//! | 8 | `since_epoch` |
//! | 4 | cursor count n |
//! | 24 n | cursors: writer (16), seq (8) |
//! | 4 | part count m |
//! | m × … | parts: decompressed length (4), compressed length (4), one zstd frame |
//! | 32 | sha256 of everything before |
//! | 32 | HMAC-SHA256(key = sha256(credential), everything before, checksum included) |

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use qalam_model::{CentreId, DecodeError, DeviceId, Event, OrgId, VersionVector};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::device::Device;
use crate::error::CoreError;
use crate::sync::state;
use crate::sync::wire::{PullPayload, push_varint};

pub const BUNDLE_MAGIC: &[u8; 8] = b"QALAMBDL";
pub const BUNDLE_FORMAT_V1: u8 = 1;
/// Fixed part of the header, before the cursors.
pub const FIXED_HEADER_LEN: usize = 8 + 1 + 1 + 16 * 3 + 8 * 4 + 4;
/// Checksum and tag at the end.
pub const TRAILER_LEN: usize = 64;
/// Largest bundle file read.
pub const MAX_BUNDLE_BYTES: u64 = 512 * 1024 * 1024;
/// Largest decompressed part.
pub const MAX_PART_BYTES: usize = 8 * 1024 * 1024;
/// Canonical event bytes put in one part before compression; well below
/// [`MAX_PART_BYTES`].
pub const PART_EVENT_BYTES: usize = 2 * 1024 * 1024;
/// Largest total of decompressed parts in one bundle.
pub const MAX_TOTAL_DECOMPRESSED: u64 = 1024 * 1024 * 1024;

const CURSOR_LEN: usize = 24;
const PART_HEADER_LEN: usize = 8;

/// Which way a bundle goes. The kind is covered by the tag, so a device's
/// own bundle cannot be passed back to it as one from its server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BundleKind {
    /// A device's own events for its campus server.
    DeviceToServer,
    /// What a campus server holds for one device.
    ServerToDevice,
}

impl BundleKind {
    fn byte(self) -> u8 {
        match self {
            BundleKind::DeviceToServer => 1,
            BundleKind::ServerToDevice => 2,
        }
    }
}

/// Why a bundle was refused. Each message is one line saying what is wrong
/// and what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BundleError {
    #[error("the file is {0} bytes, too short to be a bundle: it was cut short; export it again")]
    Short(u64),
    #[error(
        "the file is {0} bytes, over the {MAX_BUNDLE_BYTES}-byte limit for a bundle; it is not a Qalam bundle"
    )]
    TooLarge(u64),
    #[error("this is not a Qalam bundle (wrong magic); check that you chose the right file")]
    Magic,
    #[error("unknown bundle format {0}; update Qalam on this side")]
    Format(u8),
    #[error(
        "the bundle's checksum does not match: the file was cut short or damaged on the stick; export it again"
    )]
    Checksum,
    #[error(
        "the bundle's authentication tag does not match: it was changed after it was written, or not written for this device; export it again"
    )]
    Tag,
    #[error("the bundle is malformed: {0}; export it again")]
    Malformed(String),
    #[error("the bundle's content is malformed: {0}; export it again")]
    Content(#[from] DecodeError),
    #[error("could not write the bundle: {0}")]
    Write(String),
}

fn malformed(why: impl Into<String>) -> BundleError {
    BundleError::Malformed(why.into())
}

/// What a bundle says about itself. Covered by the checksum and the tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleHeader {
    pub kind: BundleKind,
    /// The device whose credential keys the tag: the sender of a
    /// [`BundleKind::DeviceToServer`] bundle, the recipient of a
    /// [`BundleKind::ServerToDevice`] one.
    pub device: DeviceId,
    pub org: OrgId,
    pub centre: CentreId,
    pub created_ms: u64,
    /// Kind 1: how far the device believes the server holds its chain (its
    /// parts start after it). Kind 2: how far the server holds it.
    pub acked_to: u64,
    /// Kind 1: the presence epoch the device last applied. Kind 2: the
    /// centre's epoch read before the server scanned its events.
    pub presence_epoch: u64,
    /// Kind 2: the device epoch the server re-read entitlement from: each
    /// part starts at or below the least seq of its writer about a learner
    /// who became present at the centre after it (0: every part starts at
    /// seq 1). Kind 1: 0.
    pub since_epoch: u64,
    /// Kind 1: the device's pull cursors, so the server can write a bundle
    /// back holding only what lies past them. Kind 2: empty.
    pub cursors: VersionVector,
    /// Kind 1 of a device enrolled offline whose enrolment the server has
    /// not bound yet (written as kind byte 3): the code, and the hash of
    /// the credential the device chose, which also keys this bundle's tag.
    pub enrolment: Option<BundleEnrolment>,
}

/// The enrolment a device enrolled offline carries in its bundles until
/// its server has bound it (docs/SYNC_PROTOCOL.md, "Enrolling offline").
#[derive(Clone, PartialEq, Eq)]
pub struct BundleEnrolment {
    pub code: String,
    /// sha256 of the device's credential: what the server stores.
    pub credential_sha256: [u8; 32],
}

impl std::fmt::Debug for BundleEnrolment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BundleEnrolment(…)")
    }
}

/// Longest enrolment code a bundle may carry.
const MAX_CODE_BYTES: usize = 64;
/// Kind byte of a device's bundle that carries its enrolment.
const KIND_ENROLLING: u8 = 3;

/// One part: events of `writer`. Every event the sender holds for the
/// receiver in `from_seq..next_seq` is in it (kind 2: every *entitled*
/// event; the seqs may have holes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub writer: DeviceId,
    pub from_seq: u64,
    pub next_seq: u64,
    pub events: Vec<Event>,
}

fn read_varint(bytes: &[u8], at: &mut usize) -> Result<u64, BundleError> {
    crate::sync::wire::read_varint(bytes, at, "a part's from_seq")
        .map_err(|e| malformed(format!("a part is damaged: {e}")))
}

impl Part {
    /// The part's payload before compression: writer, `from_seq` (varint),
    /// then a pull payload (docs/SYNC_PROTOCOL.md, "Wire format").
    pub fn encode(&self) -> Result<Vec<u8>, BundleError> {
        let mut out = Vec::new();
        out.extend_from_slice(self.writer.as_bytes());
        push_varint(&mut out, self.from_seq);
        let payload = PullPayload {
            next_seq: self.next_seq,
            complete: true,
            events: self.events.clone(),
        };
        let bytes = payload.encode().map_err(|e| {
            BundleError::Write(format!(
                "the events of {} are not a chain ({e}); run `qalam doctor`",
                self.writer
            ))
        })?;
        out.extend_from_slice(&bytes);
        Ok(out)
    }

    pub fn decode(bytes: &[u8]) -> Result<Part, BundleError> {
        let writer: [u8; 16] = bytes
            .get(..16)
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| malformed("a part is shorter than its writer id"))?;
        let writer = DeviceId::from_bytes(writer);
        let mut at = 16;
        let from_seq = read_varint(bytes, &mut at)?;
        let payload = PullPayload::decode(&bytes[at..], writer)
            .map_err(|e| malformed(format!("the events of writer {writer} do not decode ({e})")))?;
        if payload.next_seq < from_seq || payload.events.first().is_some_and(|e| e.seq < from_seq) {
            return Err(malformed(format!(
                "the events of writer {writer} lie outside the range they claim"
            )));
        }
        Ok(Part {
            writer,
            from_seq,
            next_seq: payload.next_seq,
            events: payload.events,
        })
    }
}

/// HMAC-SHA256 (RFC 2104).
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(block.map(|b| b ^ 0x36));
    inner.update(message);
    let inner = inner.finalize();
    let mut outer = Sha256::new();
    outer.update(block.map(|b| b ^ 0x5c));
    outer.update(inner);
    outer.finalize().into()
}

/// The bundle key of a device: sha256 of its credential, which the device
/// can compute and the campus server stores.
pub fn credential_key(credential: &str) -> [u8; 32] {
    Sha256::digest(credential.trim().as_bytes()).into()
}

fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Writes a bundle of `parts`, authenticated with `key`.
pub fn encode(
    header: &BundleHeader,
    parts: &[Part],
    key: &[u8; 32],
) -> Result<Vec<u8>, BundleError> {
    let mut out = Vec::new();
    out.extend_from_slice(BUNDLE_MAGIC);
    out.push(BUNDLE_FORMAT_V1);
    out.push(match (&header.kind, &header.enrolment) {
        (BundleKind::DeviceToServer, Some(_)) => KIND_ENROLLING,
        (kind, _) => kind.byte(),
    });
    out.extend_from_slice(header.device.as_bytes());
    out.extend_from_slice(header.org.as_bytes());
    out.extend_from_slice(header.centre.as_bytes());
    out.extend_from_slice(&header.created_ms.to_be_bytes());
    out.extend_from_slice(&header.acked_to.to_be_bytes());
    out.extend_from_slice(&header.presence_epoch.to_be_bytes());
    out.extend_from_slice(&header.since_epoch.to_be_bytes());
    let cursors = u32::try_from(header.cursors.len())
        .map_err(|_| BundleError::Write("too many cursors for one bundle".into()))?;
    out.extend_from_slice(&cursors.to_be_bytes());
    for (writer, seq) in header.cursors.iter() {
        out.extend_from_slice(writer.as_bytes());
        out.extend_from_slice(&seq.to_be_bytes());
    }
    if let Some(enrolment) = &header.enrolment {
        write_enrolment(&mut out, enrolment)?;
    }
    let count = u32::try_from(parts.len())
        .map_err(|_| BundleError::Write("too many parts for one bundle".into()))?;
    let mut total: u64 = 0;
    out.extend_from_slice(&count.to_be_bytes());
    for part in parts {
        let payload = part.encode()?;
        total = total.saturating_add(payload.len() as u64);
        if total > MAX_TOTAL_DECOMPRESSED {
            return Err(BundleError::Write(format!(
                "the events come to over {MAX_TOTAL_DECOMPRESSED} bytes, more than one bundle may hold; sync over the network, or ask for a release that splits bundles"
            )));
        }
        if payload.len() > MAX_PART_BYTES {
            return Err(BundleError::Write(format!(
                "a part of writer {} is {} bytes, over the limit",
                part.writer,
                payload.len()
            )));
        }
        let compressed = zstd::bulk::compress(&payload, 3)
            .map_err(|e| BundleError::Write(format!("could not compress a part: {e}")))?;
        let clen = u32::try_from(compressed.len())
            .map_err(|_| BundleError::Write("a compressed part is too large".into()))?;
        out.extend_from_slice(&(payload.len() as u32).to_be_bytes());
        out.extend_from_slice(&clen.to_be_bytes());
        out.extend_from_slice(&compressed);
    }
    let checksum: [u8; 32] = Sha256::digest(&out).into();
    out.extend_from_slice(&checksum);
    let tag = hmac_sha256(key, &out);
    out.extend_from_slice(&tag);
    if out.len() as u64 > MAX_BUNDLE_BYTES {
        return Err(BundleError::Write(format!(
            "it would be {} bytes, over the {MAX_BUNDLE_BYTES}-byte limit; sync over the network, or ask for a release that splits bundles",
            out.len()
        )));
    }
    Ok(out)
}

fn write_enrolment(out: &mut Vec<u8>, enrolment: &BundleEnrolment) -> Result<(), BundleError> {
    let code = enrolment.code.as_bytes();
    let len = u8::try_from(code.len())
        .ok()
        .filter(|n| usize::from(*n) <= MAX_CODE_BYTES)
        .ok_or_else(|| BundleError::Write("the enrolment code is too long".into()))?;
    out.push(len);
    out.extend_from_slice(code);
    out.extend_from_slice(&enrolment.credential_sha256);
    Ok(())
}

fn read_enrolment(body: &[u8], at: &mut usize) -> Result<BundleEnrolment, BundleError> {
    let len = usize::from(
        *body
            .get(*at)
            .ok_or_else(|| malformed("the enrolment is cut short"))?,
    );
    if len > MAX_CODE_BYTES {
        return Err(malformed("the enrolment code is too long"));
    }
    let code = body
        .get(*at + 1..*at + 1 + len)
        .ok_or_else(|| malformed("the enrolment is cut short"))?;
    let code = std::str::from_utf8(code)
        .map_err(|_| malformed("the enrolment code is not text"))?
        .to_owned();
    let hash_at = *at + 1 + len;
    let credential_sha256: [u8; 32] = body
        .get(hash_at..hash_at + 32)
        .and_then(|s| s.try_into().ok())
        .ok_or_else(|| malformed("the enrolment is cut short"))?;
    *at = hash_at + 32;
    Ok(BundleEnrolment {
        code,
        credential_sha256,
    })
}

/// A bundle whose checksum and framing were checked, not yet its tag.
#[derive(Debug)]
pub struct Opened<'a> {
    pub header: BundleHeader,
    bytes: &'a [u8],
    /// (decompressed length, compressed range) of each part.
    parts: Vec<(usize, std::ops::Range<usize>)>,
}

fn be_u32(b: &[u8], at: usize) -> Result<u32, BundleError> {
    b.get(at..at + 4)
        .and_then(|s| s.try_into().ok())
        .map(u32::from_be_bytes)
        .ok_or_else(|| malformed("the header is cut short"))
}

fn be_u64(b: &[u8], at: usize) -> Result<u64, BundleError> {
    b.get(at..at + 8)
        .and_then(|s| s.try_into().ok())
        .map(u64::from_be_bytes)
        .ok_or_else(|| malformed("the header is cut short"))
}

fn id16(b: &[u8], at: usize) -> Result<[u8; 16], BundleError> {
    b.get(at..at + 16)
        .and_then(|s| s.try_into().ok())
        .ok_or_else(|| malformed("the header is cut short"))
}

impl<'a> Opened<'a> {
    /// Checks the size, magic, format and whole-file checksum, then reads
    /// the header and the parts' framing. Nothing is decompressed.
    pub fn open(bytes: &'a [u8]) -> Result<Opened<'a>, BundleError> {
        let len = bytes.len() as u64;
        if len > MAX_BUNDLE_BYTES {
            return Err(BundleError::TooLarge(len));
        }
        if bytes.len() < BUNDLE_MAGIC.len() + 1 {
            return Err(BundleError::Short(len));
        }
        if &bytes[..8] != BUNDLE_MAGIC {
            return Err(BundleError::Magic);
        }
        if bytes[8] != BUNDLE_FORMAT_V1 {
            return Err(BundleError::Format(bytes[8]));
        }
        if bytes.len() < FIXED_HEADER_LEN + 4 + TRAILER_LEN {
            return Err(BundleError::Short(len));
        }
        let body_end = bytes.len() - TRAILER_LEN;
        if Sha256::digest(&bytes[..body_end]).as_slice() != &bytes[body_end..body_end + 32] {
            return Err(BundleError::Checksum);
        }
        Opened::parse(bytes, body_end)
    }

    /// Reads the header and framing of `bytes[..body_end]`, trusting no
    /// length: every count is checked against the bytes left before
    /// anything is allocated from it.
    fn parse(bytes: &'a [u8], body_end: usize) -> Result<Opened<'a>, BundleError> {
        let body = &bytes[..body_end];
        let kind = match body.get(9) {
            Some(&(1 | KIND_ENROLLING)) => BundleKind::DeviceToServer,
            Some(&2) => BundleKind::ServerToDevice,
            Some(k) => return Err(malformed(format!("unknown bundle kind {k}"))),
            None => return Err(malformed("the header is cut short")),
        };
        let device = DeviceId::from_bytes(id16(body, 10)?);
        let org = OrgId::from_bytes(id16(body, 26)?);
        let centre = CentreId::from_bytes(id16(body, 42)?);
        let created_ms = be_u64(body, 58)?;
        let acked_to = be_u64(body, 66)?;
        let presence_epoch = be_u64(body, 74)?;
        let since_epoch = be_u64(body, 82)?;
        let n = be_u32(body, 90)? as usize;
        let mut at = FIXED_HEADER_LEN;
        let room = body.len().saturating_sub(at) / CURSOR_LEN;
        if n > room {
            return Err(malformed(format!(
                "the header declares {n} cursors, more than the file holds"
            )));
        }
        let mut cursors = VersionVector::new();
        for _ in 0..n {
            let writer = DeviceId::from_bytes(id16(body, at)?);
            let seq = be_u64(body, at + 16)?;
            if cursors.get(writer) != 0 {
                return Err(malformed(format!("writer {writer} has two cursors")));
            }
            cursors.set(writer, seq);
            at += CURSOR_LEN;
        }
        let enrolment = match body.get(9) {
            Some(&KIND_ENROLLING) => Some(read_enrolment(body, &mut at)?),
            _ => None,
        };
        let m = be_u32(body, at)? as usize;
        at += 4;
        if m > body.len().saturating_sub(at) / PART_HEADER_LEN {
            return Err(malformed(format!(
                "the header declares {m} parts, more than the file holds"
            )));
        }
        let mut parts = Vec::with_capacity(m);
        let mut total: u64 = 0;
        for i in 0..m {
            let declared = be_u32(body, at)? as usize;
            let clen = be_u32(body, at + 4)? as usize;
            at += PART_HEADER_LEN;
            if declared > MAX_PART_BYTES {
                return Err(malformed(format!(
                    "part {i} declares {declared} bytes once decompressed, over the limit"
                )));
            }
            total = total.saturating_add(declared as u64);
            if total > MAX_TOTAL_DECOMPRESSED {
                return Err(malformed("the parts decompress to more than the limit"));
            }
            let end = at
                .checked_add(clen)
                .filter(|end| *end <= body.len())
                .ok_or_else(|| malformed(format!("part {i} runs past the end of the file")))?;
            parts.push((declared, at..end));
            at = end;
        }
        if at != body.len() {
            return Err(malformed("bytes after the last part"));
        }
        Ok(Opened {
            header: BundleHeader {
                kind,
                device,
                org,
                centre,
                created_ms,
                acked_to,
                presence_epoch,
                since_epoch,
                cursors,
                enrolment,
            },
            bytes,
            parts,
        })
    }

    /// Checks the authentication tag with `key` (constant time).
    pub fn verify(&self, key: &[u8; 32]) -> Result<(), BundleError> {
        let tag_at = self.bytes.len() - 32;
        let expected = hmac_sha256(key, &self.bytes[..tag_at]);
        if ct_eq(&expected, &self.bytes[tag_at..]) {
            Ok(())
        } else {
            Err(BundleError::Tag)
        }
    }

    pub fn part_count(&self) -> usize {
        self.parts.len()
    }

    /// Decompresses (bounded by its declared length) and decodes part `i`.
    pub fn part(&self, i: usize) -> Result<Part, BundleError> {
        let (declared, range) = self
            .parts
            .get(i)
            .cloned()
            .ok_or_else(|| malformed(format!("no part {i}")))?;
        let compressed = self
            .bytes
            .get(range)
            .ok_or_else(|| malformed(format!("part {i} runs past the end of the file")))?;
        let payload = zstd::bulk::decompress(compressed, declared)
            .map_err(|e| malformed(format!("part {i} does not decompress ({e})")))?;
        if payload.len() != declared {
            return Err(malformed(format!(
                "part {i} decompresses to {} bytes, not the {declared} it declares",
                payload.len()
            )));
        }
        Part::decode(&payload)
    }
}

/// Reads a bundle file, refusing one over [`MAX_BUNDLE_BYTES`] without
/// reading it whole.
pub fn read_file(path: &Path) -> Result<Vec<u8>, CoreError> {
    let io = |source| CoreError::Io {
        action: "read the bundle",
        path: path.to_owned(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    if len > MAX_BUNDLE_BYTES {
        return Err(CoreError::BadRequest(
            BundleError::TooLarge(len).to_string(),
        ));
    }
    let mut bytes = Vec::new();
    file.take(MAX_BUNDLE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_BUNDLE_BYTES {
        return Err(CoreError::BadRequest(
            BundleError::TooLarge(bytes.len() as u64).to_string(),
        ));
    }
    Ok(bytes)
}

/// Writes `bytes` to `path` crash-safely: a temporary file beside it,
/// fsync, rename, fsync of the folder. A stick pulled out mid-write leaves
/// the old file or none, never half a bundle under the final name.
pub fn write_file_atomically(path: &Path, bytes: &[u8]) -> Result<(), CoreError> {
    let io = |source| CoreError::Io {
        action: "write the bundle",
        path: path.to_owned(),
        source,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "bundle".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&tmp, path)?;
        #[cfg(unix)]
        if let Ok(d) = std::fs::File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(io)
}

/// What [`bundle_export`] wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportReport {
    pub path: PathBuf,
    pub device: DeviceId,
    pub org: OrgId,
    /// This device's events in the bundle: from `from_seq` to `to_seq`.
    pub events: u64,
    pub from_seq: u64,
    pub to_seq: u64,
    pub bytes: u64,
}

/// What [`bundle_import`] did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub path: PathBuf,
    pub kind: BundleKind,
    pub events: u64,
    /// Events new here.
    pub new: u64,
    /// Events already held.
    pub duplicates: u64,
    /// Writers whose pull cursor moved past what the bundle covered.
    pub cursors_advanced: u64,
    /// The presence epoch this device took from the bundle, if it did.
    pub presence_epoch: Option<u64>,
}

fn enrolled(device: &Device) -> Result<state::Enrolment, CoreError> {
    state::enrolment(&device.conn())
        .map_err(|e| CoreError::BadRequest(e.to_string()))?
        .ok_or_else(|| {
            CoreError::BadRequest(
                "this device is not enrolled with a campus server, so it has no key to sign or check a bundle; run `qalam enrol --server URL --code CODE` first".into(),
            )
        })
}

fn sync_err(e: crate::sync::SyncError) -> CoreError {
    match e {
        crate::sync::SyncError::Core(c) => c,
        other => CoreError::BadRequest(other.to_string()),
    }
}

fn acked_to(device: &Device) -> Result<u64, CoreError> {
    device
        .conn()
        .query_row("SELECT acked_to FROM sync_server WHERE one = 1", [], |r| {
            r.get::<_, i64>(0)
        })
        .map(|v| u64::try_from(v).unwrap_or(0))
        .map_err(|e| CoreError::db("read the sync state", e))
}

/// Writes, to `path`, this device's own events its campus server lacks as
/// far as this device knows (past the last seq the server acknowledged),
/// with the device's pull cursors, authenticated with its credential.
pub fn bundle_export(device: &Device, path: &Path) -> Result<ExportReport, CoreError> {
    let enrolment = enrolled(device)?;
    if crate::sync::succession::awaiting_registration(&device.conn())? {
        return Err(CoreError::BadRequest(
            "this device took a new id when its database was repaired, and its server has not learnt of it yet; sync once over the network (`qalam sync --once`) before carrying bundles".into(),
        ));
    }
    let identity = *device.identity();
    let me = identity.device;
    let acked = acked_to(device)?;
    let (head, cursors, epoch) = {
        let conn = device.conn();
        (
            state::own_head(&conn, &identity).map_err(sync_err)?,
            state::cursors(&conn).map_err(sync_err)?,
            state::presence_epoch(&conn).map_err(sync_err)?,
        )
    };
    let mut parts = Vec::new();
    let mut from = acked.saturating_add(1);
    let mut count = 0u64;
    while from <= head {
        let limit = usize::try_from(head - from + 1).unwrap_or(usize::MAX);
        let events = state::own_events(&device.conn(), &identity, from, limit, PART_EVENT_BYTES)
            .map_err(sync_err)?;
        let Some(last) = events.last().map(|e| e.seq) else {
            break;
        };
        if events.first().map(|e| e.seq) != Some(from) || last < from {
            return Err(CoreError::BadRequest(format!(
                "event {from} of this device is missing from its log; run `qalam doctor`"
            )));
        }
        count += events.len() as u64;
        parts.push(Part {
            writer: me,
            from_seq: from,
            next_seq: last + 1,
            events,
        });
        from = last + 1;
    }
    let header = BundleHeader {
        kind: BundleKind::DeviceToServer,
        device: me,
        org: enrolment.org,
        centre: enrolment.centre,
        created_ms: device.clock().now_ms(),
        acked_to: acked,
        presence_epoch: epoch,
        since_epoch: 0,
        cursors,
        enrolment: state::pending_code(&device.conn())
            .map_err(sync_err)?
            .map(|code| BundleEnrolment {
                code,
                credential_sha256: credential_key(&enrolment.credential),
            }),
    };
    let bytes = encode(&header, &parts, &credential_key(&enrolment.credential))
        .map_err(|e| CoreError::BadRequest(e.to_string()))?;
    write_file_atomically(path, &bytes)?;
    tracing::info!(path = %path.display(), events = count, bytes = bytes.len(), "wrote a bundle");
    Ok(ExportReport {
        path: path.to_owned(),
        device: me,
        org: enrolment.org,
        events: count,
        from_seq: acked.saturating_add(1),
        to_seq: head,
        bytes: bytes.len() as u64,
    })
}

/// Checks a bundle meant for `me` of `org` before anything is stored:
/// kind, recipient, organisation, tag, then every part decoded and every
/// event of the organisation.
pub fn check_for_device(
    opened: &Opened<'_>,
    me: DeviceId,
    org: OrgId,
    key: &[u8; 32],
) -> Result<(), String> {
    let h = &opened.header;
    if h.org != org {
        return Err(format!(
            "this bundle is meant for organisation {}, but this device is enrolled in {org}; it was refused",
            h.org
        ));
    }
    if h.kind != BundleKind::ServerToDevice {
        return Err(format!(
            "this bundle was written by device {} for its campus server; import it there with `qalam --data SERVER_DIR bundle import FILE`",
            h.device
        ));
    }
    if h.device != me {
        return Err(format!(
            "this bundle was written for device {}, not this device {me}; export one with `--for {me}` on the campus server",
            h.device
        ));
    }
    opened.verify(key).map_err(|e| e.to_string())?;
    for i in 0..opened.part_count() {
        let part = opened.part(i).map_err(|e| e.to_string())?;
        if part.writer == me {
            return Err(format!(
                "the bundle holds events of this device itself (part {i}); it was refused"
            ));
        }
        if let Some(e) = part
            .events
            .iter()
            .find(|e| !e.org.is_zero() && e.org != org)
        {
            return Err(format!(
                "event {}/{} of the bundle names organisation {}, not {org}; it was refused",
                e.device, e.seq, e.org
            ));
        }
    }
    Ok(())
}

/// Merges a bundle written by the campus server for this device: checked
/// whole first (nothing is stored from a bundle that fails any check), then
/// each part merged in one transaction, idempotently. A writer's pull cursor
/// moves past what the part covered only when the part starts at or below
/// it and the server read its entitlement at this device's presence epoch
/// or later; otherwise it stays, and the next HTTP sync re-reads (at worst
/// duplicates, which merging ignores).
pub fn bundle_import(device: &Device, path: &Path) -> Result<ImportReport, CoreError> {
    let bytes = read_file(path)?;
    let opened = Opened::open(&bytes).map_err(|e| CoreError::BadRequest(e.to_string()))?;
    let enrolment = enrolled(device)?;
    let me = device.identity().device;
    check_for_device(
        &opened,
        me,
        enrolment.org,
        &credential_key(&enrolment.credential),
    )
    .map_err(CoreError::BadRequest)?;
    // The server keyed this bundle with our credential: it has bound an
    // offline enrolment, so the next bundles need not carry the code.
    state::set_pending_code(&device.conn(), None).map_err(sync_err)?;
    let my_epoch = state::presence_epoch(&device.conn()).map_err(sync_err)?;
    let epoch_ok = opened.header.presence_epoch >= my_epoch;
    let mut report = ImportReport {
        path: path.to_owned(),
        kind: opened.header.kind,
        events: 0,
        new: 0,
        duplicates: 0,
        cursors_advanced: 0,
        presence_epoch: None,
    };
    for i in 0..opened.part_count() {
        let part = opened
            .part(i)
            .map_err(|e| CoreError::BadRequest(e.to_string()))?;
        let mut conn = device.conn();
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| CoreError::db("start saving the bundle's events", e))?;
        let merged = crate::events::merge_into(&tx, &part.events)?;
        let current = state::cursors(&tx).map_err(sync_err)?.get(part.writer);
        let scanned_to = part.next_seq.saturating_sub(1);
        if epoch_ok
            && part.from_seq <= current.saturating_add(1)
            && current < scanned_to
            && state::advance_cursor(&tx, part.writer, current, scanned_to).map_err(sync_err)?
        {
            report.cursors_advanced += 1;
        }
        tx.commit()
            .map_err(|e| CoreError::db("save the bundle's events", e))?;
        report.events += part.events.len() as u64;
        report.new += merged.new;
        report.duplicates += merged.duplicate;
    }
    // Every part merged: if the server re-read entitlement from an epoch
    // this device had already applied, every learner present by the
    // bundle's epoch is now held below this device's cursors, and the
    // device takes that epoch (only if no sync moved it meanwhile).
    let h = &opened.header;
    if h.since_epoch <= my_epoch && my_epoch < h.presence_epoch {
        let moved = device
            .conn()
            .execute(
                "UPDATE sync_server SET presence_epoch = ?1 WHERE one = 1 AND presence_epoch = ?2",
                rusqlite::params![
                    i64::try_from(h.presence_epoch).unwrap_or(i64::MAX),
                    i64::try_from(my_epoch).unwrap_or(i64::MAX)
                ],
            )
            .map_err(|e| CoreError::db("record the bundle's presence epoch", e))?;
        if moved == 1 {
            report.presence_epoch = Some(h.presence_epoch);
        }
    }
    let head = state::own_head(&device.conn(), device.identity()).map_err(sync_err)?;
    if opened.header.acked_to <= head {
        // As a status does: the server's word, even if lower than what this
        // device recorded (a server restored from a backup). Lower only
        // makes the next export send more, which the server ignores.
        device
            .conn()
            .execute(
                "UPDATE sync_server SET acked_to = ?1 WHERE one = 1",
                [i64::try_from(opened.header.acked_to).unwrap_or(i64::MAX)],
            )
            .map_err(|e| CoreError::db("record the server's ack", e))?;
    } else {
        tracing::warn!(
            server = opened.header.acked_to,
            head,
            "the server holds more of this device's chain than the device"
        );
    }
    tracing::info!(path = %path.display(), new = report.new, duplicates = report.duplicates, "imported a bundle");
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(device: DeviceId, n: u64) -> Vec<Event> {
        let builder = qalam_model::ChainBuilder::new(
            device,
            OrgId::from_bytes([1; 16]),
            CentreId::from_bytes([2; 16]),
        );
        let mut tip = qalam_model::ChainTip::GENESIS;
        (0..n)
            .map(|i| {
                let learner = qalam_model::LearnerId::from_bytes([(i % 3) as u8; 16]);
                let e = builder
                    .next_raw(&tip, 1_000 + i, learner, "test_note", 1, vec![i as u8; 3])
                    .unwrap_or_else(|e| panic!("{e}"));
                tip = qalam_model::ChainTip::after(&e);
                e
            })
            .collect()
    }

    fn header() -> BundleHeader {
        BundleHeader {
            kind: BundleKind::ServerToDevice,
            device: DeviceId::from_bytes([7; 16]),
            org: OrgId::from_bytes([1; 16]),
            centre: CentreId::from_bytes([2; 16]),
            created_ms: 1_767_600_000_000,
            acked_to: 12,
            presence_epoch: 3,
            since_epoch: 2,
            cursors: [(DeviceId::from_bytes([5; 16]), 40)].into_iter().collect(),
            enrolment: None,
        }
    }

    fn sample() -> (Vec<u8>, Vec<Part>) {
        let w = DeviceId::from_bytes([9; 16]);
        let events = chain(w, 30);
        let holes: Vec<Event> = events.iter().filter(|e| e.seq % 4 != 0).cloned().collect();
        let parts = vec![
            Part {
                writer: w,
                from_seq: 1,
                next_seq: 31,
                events: holes,
            },
            Part {
                writer: DeviceId::from_bytes([8; 16]),
                from_seq: 1,
                next_seq: 1,
                events: Vec::new(),
            },
        ];
        let bytes = encode(&header(), &parts, &[3; 32]).unwrap_or_default();
        (bytes, parts)
    }

    #[test]
    fn hmac_matches_rfc_4231() {
        // Test case 2.
        let tag = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(tag),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // Test case 6: a key longer than the block.
        let tag = hmac_sha256(
            &[0xaa; 131],
            b"Test Using Larger Than Block-Size Key - Hash Key First",
        );
        assert_eq!(
            hex::encode(tag),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn an_enrolling_bundle_carries_its_enrolment_under_kind_3() {
        let mut h = header();
        h.kind = BundleKind::DeviceToServer;
        h.enrolment = Some(BundleEnrolment {
            code: "ABCD-EFGH".into(),
            credential_sha256: [7; 32],
        });
        let bytes = encode(&h, &[], &[7; 32]).unwrap();
        assert_eq!(bytes[9], KIND_ENROLLING);
        let opened = Opened::open(&bytes).unwrap();
        assert_eq!(opened.header, h);
        opened.verify(&[7; 32]).unwrap();
        // The enrolment is read within the header's bounds only.
        let mut cut = bytes.clone();
        cut.truncate(FIXED_HEADER_LEN + 5);
        assert!(Opened::parse(&cut, cut.len()).is_err());
    }

    #[test]
    fn bundles_round_trip() {
        let (bytes, parts) = sample();
        let opened = Opened::open(&bytes).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(opened.header, header());
        assert_eq!(opened.verify(&[3; 32]), Ok(()));
        assert_eq!(opened.verify(&[4; 32]), Err(BundleError::Tag));
        assert_eq!(opened.part_count(), 2);
        for (i, part) in parts.iter().enumerate() {
            assert_eq!(opened.part(i).as_ref(), Ok(part));
        }
        assert_eq!(&bytes[..10], b"QALAMBDL\x01\x02");
    }

    #[test]
    fn any_changed_byte_or_cut_is_refused() {
        let (bytes, _) = sample();
        for i in 0..bytes.len() {
            let mut bad = bytes.clone();
            bad[i] ^= 0x20;
            let refused = Opened::open(&bad).and_then(|o| o.verify(&[3; 32]));
            assert!(refused.is_err(), "flip at {i}");
        }
        for cut in 0..bytes.len() {
            assert!(Opened::open(&bytes[..cut]).is_err(), "cut at {cut}");
        }
    }

    #[test]
    fn counts_beyond_the_file_allocate_nothing() {
        let (bytes, _) = sample();
        let body_end = bytes.len() - TRAILER_LEN;
        let mut bad = bytes[..body_end].to_vec();
        bad[90..94].copy_from_slice(&u32::MAX.to_be_bytes());
        assert!(matches!(
            Opened::parse(&bad, bad.len()),
            Err(BundleError::Malformed(_))
        ));
    }

    fn seal(body: &[u8], key: &[u8; 32]) -> Vec<u8> {
        let mut out = body.to_vec();
        let sum: [u8; 32] = Sha256::digest(&out).into();
        out.extend_from_slice(&sum);
        let tag = hmac_sha256(key, &out);
        out.extend_from_slice(&tag);
        out
    }

    fn enrolled_device(dir: &Path) -> Device {
        let device =
            Device::open(dir, crate::Settings::default()).unwrap_or_else(|e| panic!("{e}"));
        state::save_enrolment(
            &mut device.conn(),
            &state::Enrolment {
                url: "http://127.0.0.1:9".into(),
                credential: "secret".into(),
                org: OrgId::from_bytes([1; 16]),
                centre: CentreId::from_bytes([2; 16]),
                ca_pem: None,
            },
        )
        .unwrap_or_else(|e| panic!("{e}"));
        device
    }

    fn held(device: &Device) -> i64 {
        device
            .conn()
            .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
            .unwrap_or(-1)
    }

    #[test]
    fn a_device_checks_the_whole_bundle_before_storing_any_of_it() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let device = enrolled_device(dir.path());
        let me = device.identity().device;
        let key = credential_key("secret");
        let header = BundleHeader {
            device: me,
            presence_epoch: 1,
            since_epoch: 0,
            acked_to: 0,
            cursors: VersionVector::new(),
            enrolment: None,
            ..self::header()
        };
        let w = DeviceId::from_bytes([9; 16]);
        let good = Part {
            writer: w,
            from_seq: 1,
            next_seq: 21,
            events: chain(w, 20),
        };
        let other_org = {
            let x = DeviceId::from_bytes([8; 16]);
            let builder = qalam_model::ChainBuilder::new(
                x,
                OrgId::from_bytes([6; 16]),
                CentreId::from_bytes([2; 16]),
            );
            let e = builder
                .next_raw(
                    &qalam_model::ChainTip::GENESIS,
                    5,
                    qalam_model::LearnerId::from_bytes([1; 16]),
                    "test_note",
                    1,
                    vec![1],
                )
                .unwrap_or_else(|e| panic!("{e}"));
            Part {
                writer: x,
                from_seq: 1,
                next_seq: 2,
                events: vec![e],
            }
        };
        let path = dir.path().join("b.qb");
        let write = |parts: &[Part], key: &[u8; 32]| {
            let bytes = encode(&header, parts, key).unwrap_or_default();
            write_file_atomically(&path, &bytes).unwrap_or_else(|e| panic!("{e}"));
        };
        // A part naming another organisation, after a good one: nothing of
        // either is stored.
        write(&[good.clone(), other_org], &key);
        let err = bundle_import(&device, &path)
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(err.contains("names organisation"), "{err}");
        assert_eq!(held(&device), 0);
        // Another key: refused.
        write(std::slice::from_ref(&good), &[0; 32]);
        let err = bundle_import(&device, &path)
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(err.contains("authentication tag"), "{err}");
        assert_eq!(held(&device), 0);
        // The good part alone: stored, its cursor moved, the epoch taken;
        // again: nothing new.
        write(std::slice::from_ref(&good), &key);
        let report = bundle_import(&device, &path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((report.new, report.cursors_advanced), (20, 1));
        assert_eq!(report.presence_epoch, Some(1));
        assert_eq!(held(&device), 20);
        assert_eq!(
            state::cursors(&device.conn()).map(|c| c.get(w)).ok(),
            Some(20)
        );
        let again = bundle_import(&device, &path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (again.new, again.duplicates, again.cursors_advanced),
            (0, 20, 0)
        );
        assert_eq!(again.presence_epoch, None);
    }

    #[test]
    fn a_part_past_the_cursor_leaves_it() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let device = enrolled_device(dir.path());
        let w = DeviceId::from_bytes([9; 16]);
        let events = chain(w, 20);
        let header = BundleHeader {
            device: device.identity().device,
            presence_epoch: 1,
            since_epoch: 0,
            acked_to: 0,
            cursors: VersionVector::new(),
            enrolment: None,
            ..self::header()
        };
        // From seq 11 while this device's cursor is 0: the events are kept,
        // the cursor stays (seqs 1 to 10 were never scanned for it).
        let part = Part {
            writer: w,
            from_seq: 11,
            next_seq: 21,
            events: events[10..].to_vec(),
        };
        let path = dir.path().join("b.qb");
        let bytes = encode(&header, &[part], &credential_key("secret")).unwrap_or_default();
        write_file_atomically(&path, &bytes).unwrap_or_else(|e| panic!("{e}"));
        let report = bundle_import(&device, &path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((report.new, report.cursors_advanced), (10, 0));
        assert_eq!(
            state::cursors(&device.conn()).map(|c| c.get(w)).ok(),
            Some(0)
        );
    }

    proptest::proptest! {
        #[test]
        fn parts_never_panic_on_arbitrary_bytes(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..1024)) {
            let _ = Part::decode(&bytes);
        }

        #[test]
        fn parts_with_holes_round_trip(
            n in 1u64..50,
            keep in proptest::collection::vec(proptest::bool::ANY, 1..12),
            from in 1u64..5,
        ) {
            let w = DeviceId::from_bytes([9; 16]);
            let events: Vec<Event> = chain(w, n)
                .into_iter()
                .zip(keep.iter().cycle())
                .filter(|(e, k)| **k && e.seq >= from)
                .map(|(e, _)| e)
                .collect();
            let part = Part { writer: w, from_seq: from, next_seq: (n + 1).max(from), events };
            let bytes = part.encode().unwrap_or_default();
            proptest::prop_assert_eq!(Part::decode(&bytes), Ok(part));
        }

        #[test]
        fn never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..2048)) {
            if let Ok(o) = Opened::open(&bytes) {
                let _ = o.verify(&[0; 32]);
                for i in 0..o.part_count() {
                    let _ = o.part(i);
                }
            }
        }

        /// Past the checksum and the tag: arbitrary bodies after a valid
        /// magic and format, correctly sealed, still never panic.
        #[test]
        fn never_panics_on_sealed_garbage(tail in proptest::collection::vec(proptest::num::u8::ANY, 0..2048), kind in 0u8..4) {
            let mut body = b"QALAMBDL\x01".to_vec();
            body.push(kind);
            body.extend_from_slice(&tail);
            let file = seal(&body, &[1; 32]);
            if let Ok(o) = Opened::open(&file) {
                let _ = o.verify(&[1; 32]);
                for i in 0..o.part_count() {
                    let _ = o.part(i);
                }
            }
        }

        #[test]
        fn mutated_valid_bundles_never_panic(flips in proptest::collection::vec((0usize..4096, proptest::num::u8::ANY), 1..8)) {
            let (bytes, _) = sample();
            let body_end = bytes.len() - TRAILER_LEN;
            let mut body = bytes[..body_end].to_vec();
            for (at, v) in flips {
                let i = at % body.len();
                body[i] = v;
            }
            let file = seal(&body, &[3; 32]);
            if let Ok(o) = Opened::open(&file) {
                let _ = o.verify(&[3; 32]);
                for i in 0..o.part_count() {
                    let _ = o.part(i);
                }
            }
        }
    }
}
