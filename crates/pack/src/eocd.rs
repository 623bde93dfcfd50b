//! A small pre-scan of the zip's end-of-central-directory record, done
//! before the zip library parses anything: the library reads as many
//! central-directory entries as the record claims into memory, so the
//! entry count and directory size must be checked against the limits
//! first. Also refuses trailing data after the record (polyglot files).

use std::io::{Read, Seek, SeekFrom};

use crate::error::PackError;
use crate::limits::Limits;
use crate::source::{IoCause, classify};

const EOCD_SIG: [u8; 4] = *b"PK\x05\x06";
const LOCATOR_SIG: [u8; 4] = *b"PK\x06\x07";
const EOCD64_SIG: [u8; 4] = *b"PK\x06\x06";
const EOCD_LEN: usize = 22;
const LOCATOR_LEN: usize = 20;
const EOCD64_LEN: usize = 56;
const MAX_COMMENT: usize = u16::MAX as usize;

/// What the end record says about the central directory.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DirInfo {
    pub entries: u64,
    pub size: u64,
    pub offset: u64,
}

/// Finds and checks the end record of a zip of `file_len` bytes. Reads
/// only the last 22 bytes when the zip has no comment (packs never do), so
/// opening touches as little of a slow or failing USB stick as possible.
pub(crate) fn scan<R: Read + Seek>(
    r: &mut R,
    file_len: u64,
    limits: &Limits,
) -> Result<DirInfo, PackError> {
    let (eocd_at, rec) = locate(r, file_len)?;
    let info = parse_eocd(&rec)?;
    let (info, dir_end_expected) = if needs_zip64(&info) && eocd_at >= LOCATOR_LEN as u64 {
        let locator = read_at(r, eocd_at - LOCATOR_LEN as u64, LOCATOR_LEN)?;
        zip64(r, &locator, eocd_at)?
    } else {
        (info, eocd_at)
    };
    check(info, dir_end_expected, limits)?;
    Ok(info)
}

/// Returns where the end record starts and its 22 fixed bytes.
fn locate<R: Read + Seek>(r: &mut R, file_len: u64) -> Result<(u64, Vec<u8>), PackError> {
    if file_len < EOCD_LEN as u64 {
        return Err(not_zip("no end-of-directory record"));
    }
    let last = read_at(r, file_len - EOCD_LEN as u64, EOCD_LEN)?;
    if last[..4] == EOCD_SIG {
        find_eocd(&last)?;
        return Ok((file_len - EOCD_LEN as u64, last));
    }
    let tail_len = file_len.min((EOCD_LEN + MAX_COMMENT) as u64);
    let tail_start = file_len - tail_len;
    let tail = read_at(r, tail_start, tail_len as usize)?;
    let pos = find_eocd(&tail)?;
    Ok((tail_start + pos as u64, tail[pos..pos + EOCD_LEN].to_vec()))
}

/// The last end-record signature, whose comment must end exactly at the
/// end of the file (no trailing data).
fn find_eocd(tail: &[u8]) -> Result<usize, PackError> {
    let last = tail
        .len()
        .checked_sub(EOCD_LEN)
        .and_then(|max| (0..=max).rev().find(|&i| tail[i..i + 4] == EOCD_SIG));
    let Some(pos) = last else {
        return Err(not_zip("no end-of-directory record"));
    };
    let comment_len = usize::from(u16::from_le_bytes([tail[pos + 20], tail[pos + 21]]));
    if pos + EOCD_LEN + comment_len != tail.len() {
        return Err(PackError::Inconsistent {
            reason: "there is data after the end of the zip".into(),
        });
    }
    Ok(pos)
}

fn parse_eocd(rec: &[u8]) -> Result<DirInfo, PackError> {
    let u16_at = |i: usize| u16::from_le_bytes([rec[i], rec[i + 1]]);
    let u32_at = |i: usize| u32::from_le_bytes([rec[i], rec[i + 1], rec[i + 2], rec[i + 3]]);
    if u16_at(4) != 0 || u16_at(6) != 0 {
        return Err(PackError::Inconsistent {
            reason: "multi-disk zips are not packs".into(),
        });
    }
    Ok(DirInfo {
        entries: u64::from(u16_at(10)),
        size: u64::from(u32_at(12)),
        offset: u64::from(u32_at(16)),
    })
}

fn needs_zip64(info: &DirInfo) -> bool {
    info.entries == 0xFFFF || info.size == 0xFFFF_FFFF || info.offset == 0xFFFF_FFFF
}

/// Reads the ZIP64 end record through its locator. Returns the record and
/// where the central directory must end (at the ZIP64 record).
fn zip64<R: Read + Seek>(
    r: &mut R,
    locator: &[u8],
    eocd_at: u64,
) -> Result<(DirInfo, u64), PackError> {
    if locator[..4] != LOCATOR_SIG {
        return Err(not_zip("a ZIP64 zip without its ZIP64 locator"));
    }
    let at = u64_at(locator, 8);
    if at
        .checked_add(EOCD64_LEN as u64)
        .is_none_or(|end| end > eocd_at)
    {
        return Err(not_zip("the ZIP64 record lies outside the file"));
    }
    let rec = read_at(r, at, EOCD64_LEN)?;
    if rec[..4] != EOCD64_SIG {
        return Err(not_zip("the ZIP64 record is missing"));
    }
    let info = DirInfo {
        entries: u64_at(&rec, 32),
        size: u64_at(&rec, 40),
        offset: u64_at(&rec, 48),
    };
    Ok((info, at))
}

fn u64_at(b: &[u8], i: usize) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[i..i + 8]);
    u64::from_le_bytes(a)
}

fn check(info: DirInfo, dir_end_expected: u64, limits: &Limits) -> Result<(), PackError> {
    if info.entries > limits.max_entries {
        return Err(PackError::TooManyEntries {
            count: info.entries,
            limit: limits.max_entries,
        });
    }
    if info.size > limits.max_directory_bytes {
        return Err(PackError::TooLarge {
            what: "the zip's central directory".into(),
            size: info.size,
            limit: limits.max_directory_bytes,
        });
    }
    // Packs have nothing before their first entry and nothing between the
    // directory and its end record; anything else hides data.
    if info.offset.checked_add(info.size) != Some(dir_end_expected) {
        return Err(PackError::Inconsistent {
            reason: "the central directory is not where the end record says".into(),
        });
    }
    Ok(())
}

fn read_at<R: Read + Seek>(r: &mut R, at: u64, len: usize) -> Result<Vec<u8>, PackError> {
    let mut buf = vec![0u8; len];
    r.seek(SeekFrom::Start(at))
        .and_then(|_| r.read_exact(&mut buf))
        .map_err(|e| match classify(e) {
            IoCause::Source(e) => PackError::SourceIo(e),
            _ => not_zip("it is cut short"),
        })?;
    Ok(buf)
}

fn not_zip(reason: &str) -> PackError {
    PackError::NotAZip {
        reason: reason.into(),
    }
}
