//! Streams one zip entry through the size and ratio limits while hashing.
//!
//! The zip's declared sizes and CRC are ignored: the entry is inflated
//! here (not by the zip library) so the bytes actually inflated can be
//! compared with the compressed bytes actually consumed, and the output is
//! capped at the manifest size plus one byte. The manifest's sha256 is the
//! only integrity check that counts.

use std::io::{self, BufReader, Read, Seek};

use flate2::bufread::DeflateDecoder;
use sha2::{Digest, Sha256};
use zip::read::ZipFile;
use zip::{ZipArchive, ZipReadOptions};

use crate::error::PackError;
use crate::limits::Limits;
use crate::source::{IoCause, Source, classify};

/// Size of the input buffer in front of the inflater.
const INPUT_BUFFER: usize = 256 * 1024;

/// Where an entry lives in the zip and how it is stored.
#[derive(Debug, Clone)]
pub(crate) struct EntryRef<'a> {
    pub index: usize,
    pub name: &'a str,
    pub deflated: bool,
    pub compressed: u64,
    /// The entry's data must end before this offset.
    pub next_start: u64,
}

impl<'a> EntryRef<'a> {
    pub(crate) fn of(e: &'a crate::entries::ZipEntry) -> Self {
        EntryRef {
            index: e.index,
            name: &e.name,
            deflated: e.deflated,
            compressed: e.compressed,
            next_start: e.next_start,
        }
    }
}

/// What streaming an entry produced.
pub(crate) struct Streamed {
    pub bytes: u64,
    pub sha256: [u8; 32],
}

enum EntryReader<'a, R: Read> {
    Stored(ZipFile<'a, R>),
    Deflated(DeflateDecoder<BufReader<ZipFile<'a, R>>>),
}

impl<R: Read> EntryReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            EntryReader::Stored(r) => r.read(buf),
            EntryReader::Deflated(r) => r.read(buf),
        }
    }

    /// Compressed bytes the inflater has consumed so far.
    fn consumed(&self) -> Option<u64> {
        match self {
            EntryReader::Stored(_) => None,
            EntryReader::Deflated(r) => Some(r.total_in()),
        }
    }
}

/// Reads entry `e`, at most `max_bytes` (reading one byte more to detect
/// overflow, reported by `too_big`), hashing it and handing each chunk to
/// `sink`.
pub(crate) fn stream_entry<R: Read + Seek>(
    archive: &mut ZipArchive<Source<R>>,
    e: &EntryRef<'_>,
    max_bytes: u64,
    limits: &Limits,
    buf: &mut [u8],
    too_big: &dyn Fn() -> PackError,
    sink: &mut dyn FnMut(&[u8]) -> Result<(), PackError>,
) -> Result<Streamed, PackError> {
    let raw = locate(archive, e)?;
    let mut reader = if e.deflated {
        let input = BufReader::with_capacity(INPUT_BUFFER, raw);
        EntryReader::Deflated(DeflateDecoder::new(input))
    } else {
        EntryReader::Stored(raw)
    };
    let mut hasher = Sha256::new();
    let mut total: u64 = 0;
    loop {
        // Never ask for more than max_bytes + 1 in total.
        let room = max_bytes.saturating_add(1) - total;
        let want = usize::try_from(room).map_or(buf.len(), |r| r.min(buf.len()));
        let n = reader
            .read(&mut buf[..want])
            .map_err(|err| read_error(err, e.name))?;
        if n == 0 {
            break;
        }
        total += n as u64;
        if total > max_bytes {
            return Err(too_big());
        }
        check_ratio(total, reader.consumed(), limits, e.name)?;
        hasher.update(&buf[..n]);
        sink(&buf[..n])?;
    }
    Ok(Streamed {
        bytes: total,
        sha256: hasher.finalize().into(),
    })
}

/// Checks the entry's local header against its central entry (names,
/// method, sizes, flags must agree, so no two readers see different
/// files) and that its data ends before the next entry, then returns its
/// raw data.
fn locate<'a, R: Read + Seek>(
    archive: &'a mut ZipArchive<Source<R>>,
    e: &EntryRef<'_>,
) -> Result<ZipFile<'a, Source<R>>, PackError> {
    let fail = |err| zip_error(err, Some(e.name));
    let strict = ZipReadOptions::new().enforce_header_consistency(true);
    drop(
        archive
            .by_index_with_options(e.index, strict)
            .map_err(fail)?,
    );
    let raw = archive.by_index_raw(e.index).map_err(fail)?;
    let end = raw.data_start().and_then(|s| s.checked_add(e.compressed));
    if end.is_none_or(|end| end > e.next_start) {
        return Err(PackError::Inconsistent {
            reason: format!(
                "entry `{}` overlaps the next entry",
                crate::error::printable(e.name)
            ),
        });
    }
    Ok(raw)
}

/// The ratio is checked on every chunk, so a bomb is stopped after at most
/// one buffer past the limit, whatever the zip declares.
fn check_ratio(
    inflated: u64,
    consumed: Option<u64>,
    limits: &Limits,
    name: &str,
) -> Result<(), PackError> {
    let Some(consumed) = consumed else {
        return Ok(());
    };
    if inflated > limits.ratio_exempt_bytes && inflated > consumed.saturating_mul(limits.max_ratio)
    {
        tracing::warn!(entry = %crate::error::printable(name), inflated, consumed, "decompression bomb refused");
        return Err(PackError::CompressionBomb {
            path: crate::error::printable(name),
            limit: limits.max_ratio,
        });
    }
    Ok(())
}

fn read_error(err: io::Error, name: &str) -> PackError {
    match classify(err) {
        IoCause::Source(e) => PackError::SourceIo(e),
        IoCause::Budget => PackError::Inconsistent {
            reason: "read budget exceeded".into(),
        },
        IoCause::Data(e) => PackError::CorruptEntry {
            path: crate::error::printable(name),
            reason: e.to_string(),
        },
    }
}

/// Maps an error from the zip library while checking the zip's structure
/// or locating entry `name`.
pub(crate) fn zip_error(err: zip::result::ZipError, name: Option<&str>) -> PackError {
    let at = |msg: String| match name {
        Some(n) => format!("entry `{}`: {msg}", crate::error::printable(n)),
        None => msg,
    };
    match err {
        zip::result::ZipError::Io(e) => match classify(e) {
            IoCause::Source(e) => PackError::SourceIo(e),
            IoCause::Budget => PackError::Inconsistent {
                reason: "read budget exceeded".into(),
            },
            IoCause::Data(e) => PackError::Inconsistent {
                reason: at(e.to_string()),
            },
        },
        other => PackError::Inconsistent {
            reason: at(other.to_string()),
        },
    }
}
