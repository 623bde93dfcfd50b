//! Push streams (protocol version 3): one request whose body is a sequence
//! of small frames, each checksummed on its own and committed by the
//! server as soon as it has arrived whole (docs/SYNC_PROTOCOL.md, "Push
//! streams").
//!
//! All frames of a stream are pieces of **one** zstd stream, flushed at
//! every frame's end: a frame is compressed against everything sent before
//! it in the same request (and, through the stream's prefix, against the
//! events just before the stream that the server already holds), so small
//! frames compress about as well as one large one. A dropped connection
//! loses only the frame it cut; every frame before it is durable.
//!
//! Layout (wire format: do not modify once released):
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0 | 4 | magic `QSTM` |
//! | 4 | 1 | stream format, `0x01` |
//! | 5 | 8 | prefix `from_seq`, u64 big-endian (0 with no prefix) |
//! | 13 | 4 | prefix `count`, u32 big-endian, 0 to 16,384 |
//! | 17 | 32 | sha256 of bytes 0..17 |
//!
//! then frames, each:
//!
//! | size | field |
//! |---|---|
//! | 4 | `n`, length of the compressed bytes, u32 big-endian, 1 to 256 KiB |
//! | 4 | length of the payload once decompressed, u32 big-endian, ≤ 8 MiB |
//! | 32 | sha256 of the compressed bytes |
//! | n | the zstd stream's output for this frame, ending with a flush |
//!
//! A frame's payload is one run (`encode_run`) of the sender's
//! consecutive events.

use sha2::{Digest, Sha256};
use zstd::stream::raw::{CParameter, DParameter, Decoder, Encoder, InBuffer, Operation, OutBuffer};

use crate::{
    FRAME_ZSTD_LEVEL, FrameError, MAX_FRAME_BYTES, MAX_PAYLOAD_BYTES, MAX_PREFIX_EVENTS, PrefixRef,
};

/// The first protocol version with push streams.
pub const PUSH_STREAMS_SINCE: u32 = 3;
/// Content type of a push stream.
pub const STREAM_CONTENT_TYPE: &str = "application/vnd.qalam.stream";
pub const STREAM_MAGIC: &[u8; 4] = b"QSTM";
pub const STREAM_FORMAT_V1: u8 = 1;
/// The stream's own header.
pub const STREAM_HEADER_LEN: usize = 4 + 1 + 8 + 4 + 32;
/// Each frame's header.
pub const STREAM_FRAME_HEADER_LEN: usize = 4 + 4 + 32;
/// Largest compressed part of one frame of a stream.
pub const MAX_STREAM_FRAME_BYTES: usize = MAX_FRAME_BYTES;
/// Largest payload a sender puts in one frame: its compressed form can
/// never exceed [`MAX_STREAM_FRAME_BYTES`] (an event is at most 64 KiB).
pub const MAX_STREAM_PAYLOAD_BYTES: usize = 192 * 1024;
/// Largest stream a server reads in one request.
pub const MAX_STREAM_BYTES: usize = 16 * 1024 * 1024;
/// zstd window of a stream (2 MiB, level 6's own for large inputs); the
/// receiver refuses larger ones, which bounds its memory per stream.
pub const STREAM_WINDOW_LOG: u32 = 21;

fn zstd_err(e: std::io::Error) -> FrameError {
    FrameError::Zstd(e.to_string())
}

/// Builds a push stream's body, frame by frame.
pub struct StreamEncoder {
    zstd: Encoder<'static>,
    body: Vec<u8>,
    frames: usize,
}

impl StreamEncoder {
    /// A stream compressed against `prefix`: the run of the sender's own
    /// events it names, which the receiver holds.
    pub fn new(prefix: Option<(&[u8], PrefixRef)>) -> Result<Self, FrameError> {
        let (dictionary, at) = match prefix {
            Some((bytes, at)) => (bytes, at),
            None => (
                &[][..],
                PrefixRef {
                    from_seq: 0,
                    count: 0,
                },
            ),
        };
        if at.count > MAX_PREFIX_EVENTS {
            return Err(FrameError::Prefix(at.count));
        }
        // A run starts with its format byte (1), never with zstd's
        // dictionary magic, so zstd takes the prefix as raw content.
        let mut zstd = Encoder::with_dictionary(FRAME_ZSTD_LEVEL, dictionary).map_err(zstd_err)?;
        zstd.set_parameter(CParameter::WindowLog(STREAM_WINDOW_LOG))
            .map_err(zstd_err)?;
        let mut body = Vec::with_capacity(64 * 1024);
        body.extend_from_slice(STREAM_MAGIC);
        body.push(STREAM_FORMAT_V1);
        body.extend_from_slice(&at.from_seq.to_be_bytes());
        body.extend_from_slice(&at.count.to_be_bytes());
        let digest = Sha256::digest(&body);
        body.extend_from_slice(&digest);
        Ok(StreamEncoder {
            zstd,
            body,
            frames: 0,
        })
    }

    /// Appends one frame holding `payload` (at most
    /// [`MAX_STREAM_PAYLOAD_BYTES`]); returns its size on the wire.
    pub fn push_frame(&mut self, payload: &[u8]) -> Result<usize, FrameError> {
        if payload.len() > MAX_STREAM_PAYLOAD_BYTES {
            return Err(FrameError::TooLarge(payload.len() as u64));
        }
        let declared = payload.len() as u32;
        let mut compressed: Vec<u8> =
            Vec::with_capacity(zstd::zstd_safe::compress_bound(payload.len()) + 64);
        let mut input = InBuffer::around(payload);
        while input.pos() < payload.len() {
            if compressed.len() == compressed.capacity() {
                compressed.reserve(4096);
            }
            let at = compressed.len();
            let mut out = OutBuffer::around_pos(&mut compressed, at);
            self.zstd.run(&mut input, &mut out).map_err(zstd_err)?;
        }
        loop {
            if compressed.len() == compressed.capacity() {
                compressed.reserve(4096);
            }
            let at = compressed.len();
            let mut out = OutBuffer::around_pos(&mut compressed, at);
            if self.zstd.flush(&mut out).map_err(zstd_err)? == 0 {
                break;
            }
        }
        if compressed.is_empty() || compressed.len() > MAX_STREAM_FRAME_BYTES {
            return Err(FrameError::TooLarge(compressed.len() as u64));
        }
        self.body
            .extend_from_slice(&(compressed.len() as u32).to_be_bytes());
        self.body.extend_from_slice(&declared.to_be_bytes());
        self.body.extend_from_slice(&Sha256::digest(&compressed));
        self.body.extend_from_slice(&compressed);
        self.frames += 1;
        Ok(STREAM_FRAME_HEADER_LEN + compressed.len())
    }

    /// Bytes of the body so far.
    pub fn len(&self) -> usize {
        self.body.len()
    }

    /// True until a frame was added.
    pub fn is_empty(&self) -> bool {
        self.frames == 0
    }

    pub fn frames(&self) -> usize {
        self.frames
    }

    pub fn into_body(self) -> Vec<u8> {
        self.body
    }
}

/// What a [`StreamSplitter`] found next in a stream.
#[derive(Debug, PartialEq, Eq)]
pub enum StreamPart {
    /// The stream's header: the prefix its frames were compressed against.
    Header(Option<PrefixRef>),
    /// A whole frame whose checksum matched.
    Frame(StreamFrame),
}

/// One frame of a stream, checked but not yet decompressed.
#[derive(Debug, PartialEq, Eq)]
pub struct StreamFrame {
    pub declared: usize,
    pub compressed: Vec<u8>,
}

/// Cuts a push stream, fed as it arrives, into its header and frames.
/// Holds at most one frame and the bytes of the chunk it came in.
#[derive(Debug, Default)]
pub struct StreamSplitter {
    buf: Vec<u8>,
    header_seen: bool,
    total: usize,
}

impl StreamSplitter {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds bytes as they arrived.
    pub fn feed(&mut self, bytes: &[u8]) -> Result<(), FrameError> {
        self.total = self.total.saturating_add(bytes.len());
        if self.total > MAX_STREAM_BYTES {
            return Err(FrameError::TooLarge(self.total as u64));
        }
        self.buf.extend_from_slice(bytes);
        Ok(())
    }

    /// The next complete part, if it has arrived. A frame declaring more
    /// than the limits is refused as soon as its header is in, before its
    /// bytes are waited for.
    pub fn next_part(&mut self) -> Result<Option<StreamPart>, FrameError> {
        if !self.header_seen {
            if self.buf.len() < STREAM_HEADER_LEN {
                return Ok(None);
            }
            let header = &self.buf[..STREAM_HEADER_LEN];
            if &header[..4] != STREAM_MAGIC {
                return Err(FrameError::Magic);
            }
            if header[4] != STREAM_FORMAT_V1 {
                return Err(FrameError::Format(header[4]));
            }
            if Sha256::digest(&header[..17]).as_slice() != &header[17..] {
                return Err(FrameError::Checksum);
            }
            let from_seq = u64::from_be_bytes(array(&header[5..13]));
            let count = u32::from_be_bytes(array(&header[13..17]));
            if count > MAX_PREFIX_EVENTS {
                return Err(FrameError::Prefix(count));
            }
            self.buf.drain(..STREAM_HEADER_LEN);
            self.header_seen = true;
            let prefix = (count > 0).then_some(PrefixRef { from_seq, count });
            return Ok(Some(StreamPart::Header(prefix)));
        }
        if self.buf.len() < STREAM_FRAME_HEADER_LEN {
            return Ok(None);
        }
        let len = u32::from_be_bytes(array(&self.buf[..4])) as usize;
        let declared = u32::from_be_bytes(array(&self.buf[4..8])) as usize;
        if len == 0 || len > MAX_STREAM_FRAME_BYTES {
            return Err(FrameError::TooLarge(len as u64));
        }
        if declared > MAX_PAYLOAD_BYTES {
            return Err(FrameError::TooLarge(declared as u64));
        }
        let end = STREAM_FRAME_HEADER_LEN + len;
        if self.buf.len() < end {
            return Ok(None);
        }
        let compressed = self.buf[STREAM_FRAME_HEADER_LEN..end].to_vec();
        if Sha256::digest(&compressed).as_slice() != &self.buf[8..STREAM_FRAME_HEADER_LEN] {
            return Err(FrameError::Checksum);
        }
        self.buf.drain(..end);
        Ok(Some(StreamPart::Frame(StreamFrame {
            declared,
            compressed,
        })))
    }

    /// At the end of the body: an error if it stopped inside the header or
    /// a frame (which is then not stored).
    pub fn finish(&self) -> Result<(), FrameError> {
        if !self.header_seen || !self.buf.is_empty() {
            return Err(FrameError::Short(self.buf.len()));
        }
        Ok(())
    }
}

fn array<const N: usize>(bytes: &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    out.copy_from_slice(&bytes[..N]);
    out
}

/// Decompresses the frames of one stream, in order.
pub struct StreamDecoder {
    zstd: Decoder<'static>,
}

impl StreamDecoder {
    /// `prefix` is the run of the events the stream's header named (empty
    /// for none).
    pub fn new(prefix: &[u8]) -> Result<Self, FrameError> {
        let mut zstd = Decoder::with_dictionary(prefix).map_err(zstd_err)?;
        zstd.set_parameter(DParameter::WindowLogMax(STREAM_WINDOW_LOG))
            .map_err(zstd_err)?;
        Ok(StreamDecoder { zstd })
    }

    /// The payload of the next frame, exactly as long as it declares.
    pub fn decode(&mut self, frame: &StreamFrame) -> Result<Vec<u8>, FrameError> {
        let declared = frame.declared;
        // One byte more than declared, to catch a frame that holds more.
        let mut payload: Vec<u8> = Vec::with_capacity(declared + 1);
        let mut input = InBuffer::around(&frame.compressed);
        loop {
            let (read, written) = (input.pos(), payload.len());
            let at = payload.len();
            let mut out = OutBuffer::around_pos(&mut payload, at);
            self.zstd.run(&mut input, &mut out).map_err(zstd_err)?;
            let full = out.pos() == out.capacity();
            if payload.len() > declared {
                return Err(FrameError::Length {
                    declared,
                    found: payload.len(),
                });
            }
            // All input read and room left: zstd gave all it could.
            if input.pos() == frame.compressed.len() && !full {
                break;
            }
            if input.pos() == read && payload.len() == written {
                return Err(FrameError::Zstd("the frame stopped making progress".into()));
            }
        }
        if payload.len() != declared {
            return Err(FrameError::Length {
                declared,
                found: payload.len(),
            });
        }
        Ok(payload)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split_all(body: &[u8], chunk: usize) -> Result<Vec<StreamPart>, FrameError> {
        let mut splitter = StreamSplitter::new();
        let mut parts = Vec::new();
        for piece in body.chunks(chunk.max(1)) {
            splitter.feed(piece)?;
            while let Some(part) = splitter.next_part()? {
                parts.push(part);
            }
        }
        splitter.finish()?;
        Ok(parts)
    }

    fn payloads(n: usize) -> Vec<Vec<u8>> {
        (0..n)
            .map(|i| {
                format!("\x01 learner amal lesson fractions-{i} pack maths-basic ")
                    .repeat(40)
                    .into_bytes()
            })
            .collect()
    }

    #[test]
    fn streams_round_trip_in_any_chunking_and_later_frames_shrink() {
        let prefix = b"\x01 learner amal lesson fractions-0 pack maths-basic".repeat(20);
        let at = PrefixRef {
            from_seq: 3,
            count: 20,
        };
        let mut enc = StreamEncoder::new(Some((&prefix, at))).unwrap();
        let sizes: Vec<usize> = payloads(5)
            .iter()
            .map(|p| enc.push_frame(p).unwrap())
            .collect();
        assert!(sizes[4] < sizes[0], "{sizes:?}");
        let body = enc.into_body();
        for chunk in [1, 7, 100, body.len()] {
            let parts = split_all(&body, chunk).unwrap();
            assert_eq!(parts[0], StreamPart::Header(Some(at)));
            let mut dec = StreamDecoder::new(&prefix).unwrap();
            let got: Vec<Vec<u8>> = parts[1..]
                .iter()
                .map(|p| match p {
                    StreamPart::Frame(f) => dec.decode(f).unwrap(),
                    StreamPart::Header(_) => panic!("two headers"),
                })
                .collect();
            assert_eq!(got, payloads(5));
        }
    }

    #[test]
    fn a_cut_stream_yields_its_whole_frames_then_refuses_the_rest() {
        let mut enc = StreamEncoder::new(None).unwrap();
        let mut ends = Vec::new();
        for p in payloads(3) {
            enc.push_frame(&p).unwrap();
            ends.push(enc.len());
        }
        let body = enc.into_body();
        let cut = ends[1] + 10;
        let mut splitter = StreamSplitter::new();
        splitter.feed(&body[..cut]).unwrap();
        let mut frames = 0;
        while let Some(part) = splitter.next_part().unwrap() {
            frames += usize::from(matches!(part, StreamPart::Frame(_)));
        }
        assert_eq!(frames, 2);
        assert!(splitter.finish().is_err());
    }

    #[test]
    fn changed_bytes_and_oversize_frames_are_refused() {
        let mut enc = StreamEncoder::new(None).unwrap();
        for p in payloads(2) {
            enc.push_frame(&p).unwrap();
        }
        let body = enc.into_body();
        for i in [
            0,
            5,
            20,
            STREAM_HEADER_LEN + 10,
            STREAM_HEADER_LEN + 45,
            body.len() - 1,
        ] {
            let mut bad = body.clone();
            bad[i] ^= 1;
            assert!(split_all(&bad, 64).is_err(), "flip at {i}");
        }
        let mut big = body[..STREAM_HEADER_LEN].to_vec();
        big.extend_from_slice(&((MAX_STREAM_FRAME_BYTES + 1) as u32).to_be_bytes());
        big.extend_from_slice(&[0; 36]);
        let mut splitter = StreamSplitter::new();
        splitter.feed(&big).unwrap();
        assert!(matches!(
            splitter.next_part(),
            Ok(Some(StreamPart::Header(None)))
        ));
        assert!(matches!(splitter.next_part(), Err(FrameError::TooLarge(_))));
        // A frame whose declared length lies is refused at decompression.
        let mut enc = StreamEncoder::new(None).unwrap();
        enc.push_frame(b"hello hello hello").unwrap();
        let mut lying = enc.into_body();
        lying[STREAM_HEADER_LEN + 7] += 1;
        let parts = split_all(&lying, 1024).unwrap();
        let mut dec = StreamDecoder::new(&[]).unwrap();
        match &parts[1] {
            StreamPart::Frame(f) => {
                assert!(matches!(dec.decode(f), Err(FrameError::Length { .. })))
            }
            StreamPart::Header(_) => panic!("no frame"),
        }
    }
}
