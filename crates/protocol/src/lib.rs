//! The sync protocol's messages (docs/SYNC_PROTOCOL.md, "Wire format"),
//! one definition for both ends: the device's engine (`qalam_core::sync`)
//! and the campus server (`qalam_server`), which never depend on each
//! other. Pure: no I/O.
//!
//! Status and pull requests are small JSON objects. Event batches travel
//! as a *frame*: a checksummed zstd-compressed payload, so a body cut short
//! or changed in transit is refused before anything is decoded, let alone
//! stored.
//!
//! Frame format 1 (wire format: do not modify):
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0 | 4 | magic `QSYN` |
//! | 4 | 1 | frame format, `0x01` |
//! | 5 | 4 | length of the payload once decompressed, u32 big-endian |
//! | 9 | 32 | sha256 of bytes 41.. (the compressed payload) |
//! | 41 | n | one zstd frame holding the payload |
//!
//! Frame format 2 (protocol version 2, pushes only) adds, after byte 41,
//! the *prefix* the payload was compressed against: the sender's own
//! events `from_seq` (u64 big-endian) and `count` (u32 big-endian) of them,
//! which the receiver already holds, encoded as one run and used as a raw
//! zstd dictionary. Then the zstd frame. The checksum covers bytes 41..
//! (prefix reference included). Small frames, on links that drop, thus
//! compress as well as large ones: the learners, lessons and packs they
//! name were in the events just before.
//!
//! A push frame's payload is one run (`encode_run`). A pull frame's payload
//! is `next_seq` (varint), `complete` (one byte, 0 or 1), the number of
//! runs (varint), then each run as a varint length followed by its bytes.

pub mod bundle;
mod certificate;
mod enrolment_file;
mod stream;

pub use certificate::{CERTIFICATE_LEN, CertificateError, DeviceCertificate};

pub use enrolment_file::{
    ENROLMENT_FILE_FORMAT, ENROLMENT_FILE_NAME, EnrolmentFile, EnrolmentFileError,
    MAX_ENROLMENT_FILE_BYTES, check_server_url,
};
use qalam_model::{DecodeError, DeviceId, Event, VersionVector, decode_run, encode_run};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
pub use stream::{
    MAX_STREAM_BYTES, MAX_STREAM_FRAME_BYTES, MAX_STREAM_PAYLOAD_BYTES, PUSH_STREAMS_SINCE,
    STREAM_CONTENT_TYPE, STREAM_FORMAT_V1, STREAM_FRAME_HEADER_LEN, STREAM_HEADER_LEN,
    STREAM_MAGIC, STREAM_WINDOW_LOG, StreamDecoder, StreamEncoder, StreamFrame, StreamPart,
    StreamSplitter,
};

/// Protocol versions spoken here, oldest first. Version 2 adds push
/// frames compressed against a prefix of the sender's chain (format 2);
/// version 3 adds push streams (`stream`, `/v1/sync/push/stream`).
pub const PROTOCOL_VERSIONS: &[u32] = &[1, 2, 3];
/// The first version whose pushes may use frame format 2.
pub const PREFIX_FRAMES_SINCE: u32 = 2;
/// Header naming the protocol version on push and pull requests.
pub const PROTOCOL_HEADER: &str = "qalam-protocol";
/// Content type of a frame.
pub const FRAME_CONTENT_TYPE: &str = "application/vnd.qalam.frame";

/// Largest frame on the wire, header included.
pub const MAX_FRAME_BYTES: usize = 256 * 1024;
/// Largest decompressed payload a frame may declare.
pub const MAX_PAYLOAD_BYTES: usize = 8 * 1024 * 1024;

pub const FRAME_MAGIC: &[u8; 4] = b"QSYN";
pub const FRAME_FORMAT_V1: u8 = 1;
pub const FRAME_HEADER_LEN: usize = 4 + 1 + 4 + 32;
pub const FRAME_FORMAT_V2: u8 = 2;
/// Format 2's header: format 1's, then the prefix reference.
pub const FRAME_V2_HEADER_LEN: usize = FRAME_HEADER_LEN + 8 + 4;
/// The most events a format-2 prefix may name.
pub const MAX_PREFIX_EVENTS: u32 = 16_384;

/// The events of the sender's own chain a format-2 frame was compressed
/// against: `count` of them from `from_seq` on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrefixRef {
    pub from_seq: u64,
    pub count: u32,
}

/// zstd level of frames. Measured on 100,043 simulated events: level 3
/// gives 4.73 bytes per event, 6 gives 3.79 (a fifth less on links paid by
/// the megabyte) for about 55 ms more per 100,000 events; 9 and above cost
/// far more time for a few per cent. The receiver does not need to know it.
pub const FRAME_ZSTD_LEVEL: i32 = 6;

/// Why a frame was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    #[error("the batch is shorter than its header ({0} bytes): it was cut in transit")]
    Short(usize),
    #[error("the batch does not start with the frame magic")]
    Magic,
    #[error("unknown batch frame format {0}")]
    Format(u8),
    #[error("the batch declares {0} bytes once decompressed, over the limit")]
    TooLarge(u64),
    #[error("the batch's checksum does not match: it was cut or changed in transit")]
    Checksum,
    #[error("the batch does not decompress: {0}")]
    Zstd(String),
    #[error("the batch decompresses to {found} bytes, not the {declared} it declares")]
    Length { declared: usize, found: usize },
    #[error("the batch's content is malformed: {0}")]
    Content(#[from] DecodeError),
    #[error("the batch's runs are not of device {expected} or not in seq order")]
    Runs { expected: DeviceId },
    #[error("the batch names a prefix of {0} events, over the limit")]
    Prefix(u32),
}

/// Compresses `payload` into a frame.
pub fn encode_frame(payload: &[u8]) -> Result<Vec<u8>, FrameError> {
    let declared = u32::try_from(payload.len())
        .ok()
        .filter(|n| (*n as usize) <= MAX_PAYLOAD_BYTES)
        .ok_or(FrameError::TooLarge(payload.len() as u64))?;
    let compressed = zstd::bulk::compress(payload, FRAME_ZSTD_LEVEL)
        .map_err(|e| FrameError::Zstd(e.to_string()))?;
    let mut out = Vec::with_capacity(FRAME_HEADER_LEN + compressed.len());
    out.extend_from_slice(FRAME_MAGIC);
    out.push(FRAME_FORMAT_V1);
    out.extend_from_slice(&declared.to_be_bytes());
    out.extend_from_slice(&Sha256::digest(&compressed));
    out.extend_from_slice(&compressed);
    Ok(out)
}

/// Compresses `payload` into a format-2 frame against `prefix`, the run
/// of the sender's events `at` names.
pub fn encode_frame_with_prefix(
    payload: &[u8],
    prefix: &[u8],
    at: PrefixRef,
) -> Result<Vec<u8>, FrameError> {
    let declared = u32::try_from(payload.len())
        .ok()
        .filter(|n| (*n as usize) <= MAX_PAYLOAD_BYTES)
        .ok_or(FrameError::TooLarge(payload.len() as u64))?;
    if at.count > MAX_PREFIX_EVENTS {
        return Err(FrameError::Prefix(at.count));
    }
    let zstd_err = |e: std::io::Error| FrameError::Zstd(e.to_string());
    // A run starts with its format byte (1), never with zstd's dictionary
    // magic, so zstd takes the prefix as raw content.
    // zstd's own checksum of the content (4 bytes) catches a receiver
    // decompressing with other prefix bytes than the sender's.
    let compressed = zstd::bulk::Compressor::with_dictionary(FRAME_ZSTD_LEVEL, prefix)
        .and_then(|mut c| {
            c.set_parameter(zstd::zstd_safe::CParameter::ChecksumFlag(true))?;
            c.compress(payload)
        })
        .map_err(zstd_err)?;
    let mut body = Vec::with_capacity(12 + compressed.len());
    body.extend_from_slice(&at.from_seq.to_be_bytes());
    body.extend_from_slice(&at.count.to_be_bytes());
    body.extend_from_slice(&compressed);
    let mut out = Vec::with_capacity(FRAME_HEADER_LEN + body.len());
    out.extend_from_slice(FRAME_MAGIC);
    out.push(FRAME_FORMAT_V2);
    out.extend_from_slice(&declared.to_be_bytes());
    out.extend_from_slice(&Sha256::digest(&body));
    out.extend_from_slice(&body);
    Ok(out)
}

/// A frame whose magic, format, declared length and checksum were checked.
struct Checked<'a> {
    declared: usize,
    prefix: Option<PrefixRef>,
    compressed: &'a [u8],
}

fn check(frame: &[u8]) -> Result<Checked<'_>, FrameError> {
    if frame.len() < FRAME_HEADER_LEN {
        return Err(FrameError::Short(frame.len()));
    }
    let (header, body) = frame.split_at(FRAME_HEADER_LEN);
    if &header[..4] != FRAME_MAGIC {
        return Err(FrameError::Magic);
    }
    let format = header[4];
    if format != FRAME_FORMAT_V1 && format != FRAME_FORMAT_V2 {
        return Err(FrameError::Format(format));
    }
    let mut len = [0u8; 4];
    len.copy_from_slice(&header[5..9]);
    let declared = u32::from_be_bytes(len) as usize;
    if declared > MAX_PAYLOAD_BYTES {
        return Err(FrameError::TooLarge(declared as u64));
    }
    if Sha256::digest(body).as_slice() != &header[9..41] {
        return Err(FrameError::Checksum);
    }
    if format == FRAME_FORMAT_V1 {
        return Ok(Checked {
            declared,
            prefix: None,
            compressed: body,
        });
    }
    if body.len() < 12 {
        return Err(FrameError::Short(frame.len()));
    }
    let mut seq = [0u8; 8];
    seq.copy_from_slice(&body[..8]);
    let mut count = [0u8; 4];
    count.copy_from_slice(&body[8..12]);
    let at = PrefixRef {
        from_seq: u64::from_be_bytes(seq),
        count: u32::from_be_bytes(count),
    };
    if at.count > MAX_PREFIX_EVENTS {
        return Err(FrameError::Prefix(at.count));
    }
    Ok(Checked {
        declared,
        prefix: Some(at),
        compressed: &body[12..],
    })
}

fn finish(payload: Vec<u8>, declared: usize) -> Result<Vec<u8>, FrameError> {
    if payload.len() != declared {
        return Err(FrameError::Length {
            declared,
            found: payload.len(),
        });
    }
    Ok(payload)
}

/// The prefix a frame was compressed against (format 2), if any, after
/// checking its checksum: what the receiver must look up before
/// [`decode_frame_with_prefix`].
pub fn frame_prefix(frame: &[u8]) -> Result<Option<PrefixRef>, FrameError> {
    check(frame).map(|c| c.prefix)
}

/// Checks a format-1 frame and returns its payload. The checksum is
/// verified before decompression, and decompression is bounded by the
/// declared length.
pub fn decode_frame(frame: &[u8]) -> Result<Vec<u8>, FrameError> {
    let checked = check(frame)?;
    if checked.prefix.is_some() {
        return Err(FrameError::Format(FRAME_FORMAT_V2));
    }
    let payload = zstd::bulk::decompress(checked.compressed, checked.declared)
        .map_err(|e| FrameError::Zstd(e.to_string()))?;
    finish(payload, checked.declared)
}

/// [`decode_frame`] for either format: `prefix` is the run of the events
/// [`frame_prefix`] named (ignored for format 1).
pub fn decode_frame_with_prefix(frame: &[u8], prefix: &[u8]) -> Result<Vec<u8>, FrameError> {
    let checked = check(frame)?;
    if checked.prefix.is_none() {
        return decode_frame(frame);
    }
    let payload = zstd::bulk::Decompressor::with_dictionary(prefix)
        .and_then(|mut d| d.decompress(checked.compressed, checked.declared))
        .map_err(|e| FrameError::Zstd(e.to_string()))?;
    finish(payload, checked.declared)
}

/// A pulled batch as it travels: where the next pull starts, whether the
/// writer is exhausted, and the events as runs of consecutive seqs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullPayload {
    pub next_seq: u64,
    pub complete: bool,
    pub events: Vec<Event>,
}

/// Appends `v` as a LEB128 varint (the encoding runs use).
pub fn push_varint(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// Reads a LEB128 varint at `*at`, advancing it.
pub fn read_varint(bytes: &[u8], at: &mut usize, what: &'static str) -> Result<u64, DecodeError> {
    let mut v: u64 = 0;
    for shift in (0..64).step_by(7) {
        let byte = *bytes.get(*at).ok_or(DecodeError::Truncated(what))?;
        *at += 1;
        let low = u64::from(byte & 0x7f);
        if shift == 63 && low > 1 {
            return Err(DecodeError::NonCanonical(what));
        }
        v |= low << shift;
        if byte & 0x80 == 0 {
            if byte == 0 && shift > 0 {
                return Err(DecodeError::NonCanonical(what));
            }
            return Ok(v);
        }
    }
    Err(DecodeError::NonCanonical(what))
}

/// Splits events (one writer, ascending seq) into runs of consecutive seqs.
fn runs_of(events: &[Event]) -> Vec<&[Event]> {
    let mut runs = Vec::new();
    let mut start = 0;
    for i in 1..=events.len() {
        let split = i == events.len() || events[i].seq != events[i - 1].seq.saturating_add(1);
        if split {
            runs.push(&events[start..i]);
            start = i;
        }
    }
    runs.retain(|r| !r.is_empty());
    runs
}

impl PullPayload {
    pub fn encode(&self) -> Result<Vec<u8>, qalam_model::RunError> {
        let runs = runs_of(&self.events);
        let mut out = Vec::new();
        push_varint(&mut out, self.next_seq);
        out.push(u8::from(self.complete));
        push_varint(&mut out, runs.len() as u64);
        for run in runs {
            let bytes = encode_run(run)?;
            push_varint(&mut out, bytes.len() as u64);
            out.extend_from_slice(&bytes);
        }
        Ok(out)
    }

    /// Reads a pull payload of `writer`'s events, which must be in
    /// ascending seq order and below `next_seq`.
    pub fn decode(bytes: &[u8], writer: DeviceId) -> Result<PullPayload, FrameError> {
        let mut at = 0;
        let next_seq = read_varint(bytes, &mut at, "next_seq")?;
        let complete = match bytes.get(at) {
            Some(0) => false,
            Some(1) => true,
            Some(b) => {
                return Err(DecodeError::OutOfRange {
                    what: "complete",
                    value: u64::from(*b),
                }
                .into());
            }
            None => return Err(DecodeError::Truncated("complete").into()),
        };
        at += 1;
        let count = read_varint(bytes, &mut at, "run count")?;
        let mut events: Vec<Event> = Vec::new();
        for _ in 0..count {
            let len = read_varint(bytes, &mut at, "run length")?;
            let end = usize::try_from(len)
                .ok()
                .and_then(|l| at.checked_add(l))
                .filter(|end| *end <= bytes.len())
                .ok_or(DecodeError::Truncated("run"))?;
            let run = decode_run(&bytes[at..end])?;
            at = end;
            for e in run {
                let ordered = events.last().is_none_or(|p| p.seq < e.seq);
                if e.device != writer || !ordered || e.seq >= next_seq {
                    return Err(FrameError::Runs { expected: writer });
                }
                events.push(e);
            }
        }
        if at != bytes.len() {
            return Err(DecodeError::Invalid {
                what: "pull batch",
                why: "bytes after the last run".into(),
            }
            .into());
        }
        Ok(PullPayload {
            next_seq,
            complete,
            events,
        })
    }
}

/// `POST /v1/enrol` request.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EnrolRequest {
    pub code: String,
    pub device_id: DeviceId,
    /// sha256 (lowercase hex) of a credential the device made itself, when
    /// it enrolled offline from an enrolment file: the server binds that one
    /// instead of making one, and answers without a credential.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential_sha256: Option<String>,
}

/// `POST /v1/device/successor`, authenticated with the credential of the
/// device whose laptop took the new id `device_id` after a repair.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SuccessorRequest {
    pub device_id: DeviceId,
    /// sha256 (lowercase hex) of the credential the laptop made for it.
    pub credential_sha256: String,
}

/// `POST /v1/device/successor` answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SuccessorResponse {
    pub org: qalam_model::OrgId,
    pub centre: qalam_model::CentreId,
}

/// `POST /v1/device/certificate` request, authenticated with the device's
/// credential: the public half of the device's Ed25519 key, lowercase hex.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CertificateRequest {
    pub public_key: String,
}

/// `POST /v1/device/certificate` answer: the certificate
/// ([`DeviceCertificate`], lowercase hex) and the server's own public key,
/// which the device then trusts for its peers' certificates.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CertificateResponse {
    pub certificate: String,
    pub server_key: String,
}

/// `POST /v1/enrol` answer: the credential is shown this once (none when
/// the device chose its own).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EnrolResponse {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<String>,
    pub org: qalam_model::OrgId,
    pub centre: qalam_model::CentreId,
}

/// `POST /v1/sync/status` request.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StatusRequest {
    /// Protocol versions the device speaks.
    pub versions: Vec<u32>,
    /// The device's clock, Unix milliseconds.
    pub clock_ms: i64,
    /// The device's own head: the highest seq it has written.
    pub head: u64,
    /// The presence epoch of the last status the device applied.
    #[serde(default)]
    pub presence_epoch: u64,
}

/// A writer whose pull cursor the device must lower to below `from_seq`:
/// a learner with events in that writer's chain became entitled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rewind {
    pub device: DeviceId,
    pub from_seq: u64,
}

/// `POST /v1/sync/status` answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StatusResponse {
    /// The protocol version chosen for this attempt.
    pub version: u32,
    pub server_clock_ms: i64,
    /// The device's clock minus the server's, as recorded.
    pub skew_ms: i64,
    pub device: DeviceId,
    pub org: qalam_model::OrgId,
    pub centre: qalam_model::CentreId,
    /// Every seq of the device's own chain up to this is durably stored.
    pub acked_to: u64,
    /// Per writer, the greatest seq of an event this device may pull.
    pub vector: VersionVector,
    /// The centre's presence epoch now.
    pub presence_epoch: u64,
    /// Cursors to lower because learners became entitled since the
    /// device's epoch.
    pub rewind: Vec<Rewind>,
}

/// `POST /v1/sync/push` answer, sent after the commit.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct PushResponse {
    pub acked_to: u64,
    pub inserted: usize,
    pub duplicates: usize,
}

/// `POST /v1/sync/pull` request.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct PullRequest {
    pub device: DeviceId,
    pub from_seq: u64,
    /// Budget for the events' canonical bytes; the server caps it.
    pub max_bytes: usize,
}

/// Error answer: a stable code for programs, a one-line message for people.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: String,
    pub error: String,
    /// With `unsupported_version`: the versions the server speaks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub versions: Option<Vec<u32>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_frames_round_trip_and_need_the_same_prefix() {
        let prefix = b"\x01 learner amal lesson fractions-1 pack maths-basic".repeat(20);
        let payload = b"\x01 learner amal lesson fractions-2 pack maths-basic".repeat(3);
        let at = PrefixRef {
            from_seq: 7,
            count: 20,
        };
        let frame = encode_frame_with_prefix(&payload, &prefix, at).unwrap();
        assert_eq!(frame[4], FRAME_FORMAT_V2);
        assert_eq!(frame_prefix(&frame).unwrap(), Some(at));
        assert_eq!(decode_frame_with_prefix(&frame, &prefix).unwrap(), payload);
        // Smaller than without the prefix.
        assert!(frame.len() < encode_frame(&payload).unwrap().len());
        // Other prefix bytes: refused, not silently misread.
        let other: Vec<u8> = prefix.iter().map(|b| b ^ 0x20).collect();
        assert!(decode_frame_with_prefix(&frame, &other).is_err());
        // A format-1 reader refuses it; a changed byte fails the checksum.
        assert_eq!(
            decode_frame(&frame),
            Err(FrameError::Format(FRAME_FORMAT_V2))
        );
        let mut changed = frame.clone();
        changed[45] ^= 1;
        assert_eq!(frame_prefix(&changed), Err(FrameError::Checksum));
        let too_many = PrefixRef {
            from_seq: 1,
            count: MAX_PREFIX_EVENTS + 1,
        };
        assert_eq!(
            encode_frame_with_prefix(&payload, &prefix, too_many),
            Err(FrameError::Prefix(MAX_PREFIX_EVENTS + 1))
        );
    }

    #[test]
    fn frames_round_trip_and_refuse_any_change() {
        let payload = b"hello hello hello hello".repeat(10);
        let frame = encode_frame(&payload).unwrap_or_default();
        assert_eq!(decode_frame(&frame), Ok(payload.clone()));
        for cut in [0, 10, FRAME_HEADER_LEN, frame.len() - 1] {
            assert!(decode_frame(&frame[..cut]).is_err(), "cut at {cut}");
        }
        for i in 0..frame.len() {
            let mut bad = frame.clone();
            bad[i] ^= 0x01;
            assert!(decode_frame(&bad).is_err(), "flip at {i}");
        }
    }

    #[test]
    fn frame_header_layout() {
        let frame = encode_frame(b"qalam").unwrap_or_default();
        assert_eq!(&frame[..9], b"QSYN\x01\x00\x00\x00\x05");
        assert_eq!(&frame[9..41], Sha256::digest(&frame[41..]).as_slice());
        assert_eq!(
            zstd::bulk::decompress(&frame[41..], 5).unwrap_or_default(),
            b"qalam"
        );
    }

    fn chain(n: u64) -> Vec<Event> {
        qalam_model::ChainBuilder::new(
            DeviceId::from_bytes([9; 16]),
            qalam_model::OrgId::from_bytes([1; 16]),
            qalam_model::CentreId::from_bytes([2; 16]),
        )
        .sample_notes(n)
    }

    fn round_trip(events: &[Event], keep: &[bool]) {
        let device = DeviceId::from_bytes([9; 16]);
        let picked: Vec<Event> = events
            .iter()
            .zip(keep.iter().cycle())
            .filter(|(_, k)| **k)
            .map(|(e, _)| e.clone())
            .collect();
        let payload = PullPayload {
            next_seq: events.len() as u64 + 1,
            complete: keep.first().copied().unwrap_or(true),
            events: picked,
        };
        let bytes = payload.encode().unwrap_or_default();
        assert_eq!(PullPayload::decode(&bytes, device), Ok(payload.clone()));
        for cut in (0..bytes.len()).step_by(bytes.len() / 64 + 1) {
            assert!(PullPayload::decode(&bytes[..cut], device).is_err());
        }
        // Another writer's name, or a next_seq not past the events, is refused.
        assert!(
            PullPayload::decode(&bytes, DeviceId::from_bytes([8; 16])).is_err()
                || payload.events.is_empty()
        );
    }

    #[test]
    fn pull_payloads_with_holes_round_trip() {
        let events = chain(40);
        round_trip(&events, &[true]);
        round_trip(&events, &[false]);
        round_trip(&events, &[true, false, false]);
        round_trip(&events, &[false, true, true, true, false]);
    }

    proptest::proptest! {
        #[test]
        fn any_subset_of_a_chain_round_trips(
            n in 1u64..60,
            keep in proptest::collection::vec(proptest::bool::ANY, 1..16),
        ) {
            round_trip(&chain(n), &keep);
        }
    }
}
