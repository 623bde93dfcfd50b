//! The bundle file format, pure and I/O-free (docs/SYNC_PROTOCOL.md, "Bundle
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

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use qalam_model::{CentreId, DecodeError, DeviceId, Event, OrgId, VersionVector};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::{CERTIFICATE_LEN, DeviceCertificate, PullPayload, push_varint};

pub const BUNDLE_MAGIC: &[u8; 8] = b"QALAMBDL";
pub const BUNDLE_FORMAT_V1: u8 = 1;
/// Format 2 adds the extras block (a device's public key, a certificate)
/// and kind 4, from a device to the other laptops of its centre.
pub const BUNDLE_FORMAT_V2: u8 = 2;
/// Fixed part of the header, before the cursors.
pub const FIXED_HEADER_LEN: usize = 8 + 1 + 1 + 16 * 3 + 8 * 4 + 4;
/// Checksum and tag at the end.
pub const TRAILER_LEN: usize = 64;
/// Checksum and Ed25519 signature at the end of a kind 4 bundle.
pub const SIGNED_TRAILER_LEN: usize = 32 + 64;
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
const KIND_PEERS: u8 = 4;
const EXTRA_DEVICE_KEY: u8 = 1;
const EXTRA_CERTIFICATE: u8 = 2;
/// Most extras a bundle may carry (each names one tag; unknown tags from a
/// newer release are skipped).
const MAX_EXTRAS: usize = 16;

/// Bytes at the end of a bundle of kind byte `kind`.
fn trailer_len(kind: u8) -> usize {
    if kind == KIND_PEERS {
        SIGNED_TRAILER_LEN
    } else {
        TRAILER_LEN
    }
}

/// Which way a bundle goes. The kind is covered by the tag, so a device's
/// own bundle cannot be passed back to it as one from its server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BundleKind {
    /// A device's own events for its campus server.
    DeviceToServer,
    /// What a campus server holds for one device.
    ServerToDevice,
    /// Every event a device holds, for the other laptops of its centre:
    /// signed with the device's Ed25519 key, which the certificate in it
    /// vouches for.
    DeviceToDevice,
}

impl BundleKind {
    fn byte(self) -> u8 {
        match self {
            BundleKind::DeviceToServer => 1,
            BundleKind::ServerToDevice => 2,
            BundleKind::DeviceToDevice => KIND_PEERS,
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
    #[error(
        "the bundle's signature does not match: it was changed after it was written; export it again"
    )]
    Signature,
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
    /// Format 2: what else the bundle carries.
    pub extras: BundleExtras,
}

impl BundleHeader {
    /// The header of a kind 4 bundle: every event `device` holds, for the
    /// other laptops of its centre, with the certificate of its key.
    pub fn for_peers(certificate: DeviceCertificate, created_ms: u64) -> BundleHeader {
        BundleHeader {
            kind: BundleKind::DeviceToDevice,
            device: certificate.device,
            org: certificate.org,
            centre: certificate.centre,
            created_ms,
            acked_to: 0,
            presence_epoch: 0,
            since_epoch: 0,
            cursors: VersionVector::new(),
            enrolment: None,
            extras: BundleExtras {
                device_key: None,
                certificate: Some(certificate),
            },
        }
    }
}

/// The extras block of format 2.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BundleExtras {
    /// Kind 1: the device's Ed25519 public key, for the server to certify
    /// in the bundle it writes back.
    pub device_key: Option<[u8; 32]>,
    /// Kind 2: the server's certificate of the recipient's key. Kind 4:
    /// the sender's certificate (required).
    pub certificate: Option<DeviceCertificate>,
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
pub(crate) const KIND_ENROLLING: u8 = 3;

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
    crate::read_varint(bytes, at, "a part's from_seq")
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

/// Writes a bundle of `parts` of kind 1 or 2, authenticated with `key`.
pub fn encode(
    header: &BundleHeader,
    parts: &[Part],
    key: &[u8; 32],
) -> Result<Vec<u8>, BundleError> {
    if header.kind == BundleKind::DeviceToDevice {
        return Err(BundleError::Write(
            "a bundle for other laptops is signed, not tagged".into(),
        ));
    }
    let mut out = body(header, parts)?;
    let tag = hmac_sha256(key, &out);
    out.extend_from_slice(&tag);
    check_size(out)
}

/// Writes a kind 4 bundle of `parts`, signed with the device's `key`; its
/// header must carry the certificate of that key.
pub fn encode_signed(
    header: &BundleHeader,
    parts: &[Part],
    key: &SigningKey,
) -> Result<Vec<u8>, BundleError> {
    let certified = header
        .extras
        .certificate
        .as_ref()
        .is_some_and(|c| c.device_key == key.verifying_key().to_bytes());
    if header.kind != BundleKind::DeviceToDevice || !certified {
        return Err(BundleError::Write(
            "a bundle for other laptops needs the certificate of the key that signs it".into(),
        ));
    }
    let mut out = body(header, parts)?;
    let signature = key.sign(&out);
    out.extend_from_slice(&signature.to_bytes());
    check_size(out)
}

fn check_size(out: Vec<u8>) -> Result<Vec<u8>, BundleError> {
    if out.len() as u64 > MAX_BUNDLE_BYTES {
        return Err(BundleError::Write(format!(
            "it would be {} bytes, over the {MAX_BUNDLE_BYTES}-byte limit; sync over the network, or ask for a release that splits bundles",
            out.len()
        )));
    }
    Ok(out)
}

/// Everything but the tag or signature: header, parts, checksum.
fn body(header: &BundleHeader, parts: &[Part]) -> Result<Vec<u8>, BundleError> {
    let mut out = Vec::new();
    out.extend_from_slice(BUNDLE_MAGIC);
    out.push(BUNDLE_FORMAT_V2);
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
    write_extras(&mut out, &header.extras);
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
    Ok(out)
}

fn write_extras(out: &mut Vec<u8>, extras: &BundleExtras) {
    let mut entries: Vec<(u8, Vec<u8>)> = Vec::new();
    if let Some(key) = extras.device_key {
        entries.push((EXTRA_DEVICE_KEY, key.to_vec()));
    }
    if let Some(cert) = &extras.certificate {
        entries.push((EXTRA_CERTIFICATE, cert.to_bytes().to_vec()));
    }
    out.push(entries.len() as u8);
    for (tag, value) in entries {
        out.push(tag);
        out.extend_from_slice(&(value.len() as u16).to_be_bytes());
        out.extend_from_slice(&value);
    }
}

fn read_extras(body: &[u8], at: &mut usize) -> Result<BundleExtras, BundleError> {
    let cut = || malformed("the extras are cut short");
    let count = usize::from(*body.get(*at).ok_or_else(cut)?);
    if count > MAX_EXTRAS {
        return Err(malformed(format!("{count} extras, more than {MAX_EXTRAS}")));
    }
    *at += 1;
    let mut extras = BundleExtras::default();
    for _ in 0..count {
        let tag = *body.get(*at).ok_or_else(cut)?;
        let len = body
            .get(*at + 1..*at + 3)
            .map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])))
            .ok_or_else(cut)?;
        let value = body.get(*at + 3..*at + 3 + len).ok_or_else(cut)?;
        *at += 3 + len;
        match tag {
            EXTRA_DEVICE_KEY => {
                let key: [u8; 32] = value
                    .try_into()
                    .map_err(|_| malformed("the device key is not 32 bytes"))?;
                extras.device_key = Some(key);
            }
            EXTRA_CERTIFICATE if value.len() == CERTIFICATE_LEN => {
                let cert = DeviceCertificate::from_bytes(value)
                    .map_err(|e| malformed(format!("its certificate: {e}")))?;
                extras.certificate = Some(cert);
            }
            EXTRA_CERTIFICATE => return Err(malformed("the certificate has the wrong length")),
            _ => {}
        }
    }
    Ok(extras)
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
    /// Where the checksum starts.
    body_end: usize,
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
        if !matches!(bytes[8], BUNDLE_FORMAT_V1 | BUNDLE_FORMAT_V2) {
            return Err(BundleError::Format(bytes[8]));
        }
        let trailer = trailer_len(bytes.get(9).copied().unwrap_or(0));
        if bytes.len() < FIXED_HEADER_LEN + 4 + trailer {
            return Err(BundleError::Short(len));
        }
        let body_end = bytes.len() - trailer;
        if Sha256::digest(&bytes[..body_end]).as_slice() != &bytes[body_end..body_end + 32] {
            return Err(BundleError::Checksum);
        }
        Opened::parse(bytes, body_end)
    }

    /// Reads the header and framing of `bytes[..body_end]`, trusting no
    /// length: every count is checked against the bytes left before
    /// anything is allocated from it.
    pub(crate) fn parse(bytes: &'a [u8], body_end: usize) -> Result<Opened<'a>, BundleError> {
        let body = &bytes[..body_end];
        let kind = match body.get(9) {
            Some(&(1 | KIND_ENROLLING)) => BundleKind::DeviceToServer,
            Some(&2) => BundleKind::ServerToDevice,
            Some(&KIND_PEERS) if body[8] == BUNDLE_FORMAT_V2 => BundleKind::DeviceToDevice,
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
        let extras = if body[8] == BUNDLE_FORMAT_V2 {
            read_extras(body, &mut at)?
        } else {
            BundleExtras::default()
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
                extras,
            },
            bytes,
            body_end,
            parts,
        })
    }

    /// The whole-file sha256 the bundle carries (checked by `open`).
    pub fn checksum(&self) -> &[u8] {
        &self.bytes[self.body_end..self.body_end + 32]
    }

    /// Checks a kind 4 bundle's signature with the sender's key.
    pub fn verify_signature(&self, key: &VerifyingKey) -> Result<(), BundleError> {
        let signed_to = self.body_end + 32;
        if self.header.kind != BundleKind::DeviceToDevice {
            return Err(BundleError::Signature);
        }
        let signature = self
            .bytes
            .get(signed_to..)
            .and_then(|s| <[u8; 64]>::try_from(s).ok())
            .ok_or(BundleError::Signature)?;
        key.verify_strict(&self.bytes[..signed_to], &Signature::from_bytes(&signature))
            .map_err(|_| BundleError::Signature)
    }

    /// Checks the authentication tag with `key` (constant time).
    pub fn verify(&self, key: &[u8; 32]) -> Result<(), BundleError> {
        if self.header.kind == BundleKind::DeviceToDevice {
            return Err(BundleError::Tag);
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(device: DeviceId, n: u64) -> Vec<Event> {
        qalam_model::ChainBuilder::new(
            device,
            OrgId::from_bytes([1; 16]),
            CentreId::from_bytes([2; 16]),
        )
        .sample_notes(n)
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
            extras: Default::default(),
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
        assert_eq!(&bytes[..10], b"QALAMBDL\x02\x02");
    }

    /// A bundle as the first release wrote it (format 1: no extras block)
    /// still opens and checks.
    #[test]
    fn format_1_bundles_still_open() {
        let (v2, parts) = sample();
        // Format 2 with no extras is format 1 plus one zero byte (the
        // extras count) before the part count.
        let extras_at = FIXED_HEADER_LEN + 24 * header().cursors.len();
        assert_eq!(v2[extras_at], 0);
        let mut v1 = v2[..extras_at].to_vec();
        v1.extend_from_slice(&v2[extras_at + 1..v2.len() - TRAILER_LEN]);
        v1[8] = BUNDLE_FORMAT_V1;
        let end = v1.len();
        let sum: [u8; 32] = Sha256::digest(&v1[..end]).into();
        v1.extend_from_slice(&sum);
        let tag = hmac_sha256(&[3; 32], &v1);
        v1.extend_from_slice(&tag);
        let opened = Opened::open(&v1).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(opened.header, header());
        assert_eq!(opened.verify(&[3; 32]), Ok(()));
        assert_eq!(opened.part(0).as_ref(), Ok(&parts[0]));
    }

    fn signed_sample() -> (Vec<u8>, ed25519_dalek::SigningKey) {
        let device = ed25519_dalek::SigningKey::from_bytes(&[0x33; 32]);
        let server = ed25519_dalek::SigningKey::from_bytes(&[0x44; 32]);
        let h = header();
        let cert = crate::DeviceCertificate::issue(
            &server,
            h.org,
            h.centre,
            h.device,
            device.verifying_key().to_bytes(),
            1,
        );
        let peers = BundleHeader {
            kind: BundleKind::DeviceToDevice,
            cursors: VersionVector::new(),
            extras: BundleExtras {
                device_key: None,
                certificate: Some(cert),
            },
            ..h
        };
        let (_, parts) = sample();
        let bytes = encode_signed(&peers, &parts, &device).unwrap_or_default();
        (bytes, device)
    }

    #[test]
    fn signed_bundles_round_trip_and_check_their_signature() {
        let (bytes, device) = signed_sample();
        let opened = Opened::open(&bytes).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(opened.header.kind, BundleKind::DeviceToDevice);
        assert!(opened.header.extras.certificate.is_some());
        assert_eq!(opened.verify_signature(&device.verifying_key()), Ok(()));
        let other = ed25519_dalek::SigningKey::from_bytes(&[0x34; 32]);
        assert_eq!(
            opened.verify_signature(&other.verifying_key()),
            Err(BundleError::Signature)
        );
        // A signed bundle is never accepted by a tag, nor a tagged one by a
        // signature.
        assert_eq!(opened.verify(&[3; 32]), Err(BundleError::Tag));
        let (tagged, _) = sample();
        let tagged = Opened::open(&tagged).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            tagged.verify_signature(&device.verifying_key()),
            Err(BundleError::Signature)
        );
        assert_eq!(opened.part_count(), 2);
    }

    #[test]
    fn a_signed_bundle_needs_the_certificate_of_its_key() {
        let (_, parts) = sample();
        let device = ed25519_dalek::SigningKey::from_bytes(&[0x33; 32]);
        let mut h = header();
        h.kind = BundleKind::DeviceToDevice;
        assert!(
            encode_signed(&h, &parts, &device).is_err(),
            "no certificate"
        );
        assert!(
            encode(&h, &parts, &[3; 32]).is_err(),
            "kind 4 is never tagged"
        );
    }

    #[test]
    fn any_changed_byte_of_a_signed_bundle_is_refused() {
        let (bytes, device) = signed_sample();
        let key = device.verifying_key();
        for i in 0..bytes.len() {
            let mut bad = bytes.clone();
            bad[i] ^= 0x20;
            let refused = Opened::open(&bad).and_then(|o| o.verify_signature(&key));
            assert!(refused.is_err(), "flip at {i}");
        }
    }

    #[test]
    fn a_device_key_travels_in_the_extras() {
        let mut h = header();
        h.kind = BundleKind::DeviceToServer;
        h.extras.device_key = Some([0x21; 32]);
        let bytes = encode(&h, &[], &[3; 32]).unwrap_or_default();
        let opened = Opened::open(&bytes).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(opened.header.extras.device_key, Some([0x21; 32]));
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
