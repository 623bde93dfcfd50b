//! The primitives every frozen byte layout in this crate is built from.
//!
//! Wire format: do not modify. Events are hashed over bytes written with
//! these functions, so a change here would change every event hash and split
//! every chain already stored on a laptop or a server. The golden fixtures in
//! `tests/wire_golden.rs` fail if anything here changes behaviour.
//!
//! Decoding is strict on purpose: a value has exactly one encoding (varints
//! must be minimal, booleans are 0 or 1, nothing may trail), so re-encoding a
//! decoded event gives back the very bytes that were hashed.

use thiserror::Error;

/// Why bytes could not be read as the value they claimed to be.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DecodeError {
    #[error("the bytes end before the {0} is complete")]
    Truncated(&'static str),
    #[error("{0} is not minimally encoded")]
    NonCanonical(&'static str),
    #[error("{what} is out of range: {value}")]
    OutOfRange { what: &'static str, value: u64 },
    #[error("{0} is not valid UTF-8")]
    BadUtf8(&'static str),
    #[error("{count} unexpected bytes after the end")]
    Trailing { count: usize },
    #[error("unknown format version {0}")]
    UnknownFormat(u8),
    #[error("invalid {what}: {why}")]
    Invalid { what: &'static str, why: String },
}

/// Appends values to a byte buffer in the frozen layout.
#[derive(Debug, Default)]
pub(crate) struct Writer {
    buf: Vec<u8>,
}

impl Writer {
    #[cfg(test)]
    pub(crate) fn new() -> Self {
        Writer { buf: Vec::new() }
    }

    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Writer {
            buf: Vec::with_capacity(capacity),
        }
    }

    pub(crate) fn into_bytes(self) -> Vec<u8> {
        self.buf
    }

    pub(crate) fn u8(&mut self, value: u8) {
        self.buf.push(value);
    }

    pub(crate) fn bool(&mut self, value: bool) {
        self.buf.push(u8::from(value));
    }

    /// Unsigned LEB128: seven bits a byte, low bits first, high bit set on
    /// every byte but the last. Small numbers (seq, counters, deltas) take
    /// one or two bytes, which is most of what keeps events small.
    pub(crate) fn varint(&mut self, mut value: u64) {
        while value >= 0x80 {
            self.buf.push((value as u8 & 0x7f) | 0x80);
            value >>= 7;
        }
        self.buf.push(value as u8);
    }

    /// Zigzag then LEB128, so that small negative numbers stay small.
    pub(crate) fn signed_varint(&mut self, value: i64) {
        self.varint(((value << 1) ^ (value >> 63)) as u64);
    }

    pub(crate) fn fixed(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// A varint length, then the bytes.
    pub(crate) fn bytes(&mut self, bytes: &[u8]) {
        self.varint(bytes.len() as u64);
        self.buf.extend_from_slice(bytes);
    }

    pub(crate) fn str(&mut self, value: &str) {
        self.bytes(value.as_bytes());
    }

    /// 0 for none, 1 then the value for some.
    pub(crate) fn opt_str(&mut self, value: Option<&str>) {
        match value {
            None => self.u8(0),
            Some(text) => {
                self.u8(1);
                self.str(text);
            }
        }
    }
}

/// Reads values back, refusing anything that is not the one canonical form.
#[derive(Debug)]
pub(crate) struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Reader { rest: bytes }
    }

    pub(crate) fn remaining(&self) -> usize {
        self.rest.len()
    }

    /// Succeeds only when every byte has been consumed.
    pub(crate) fn finish(self) -> Result<(), DecodeError> {
        if self.rest.is_empty() {
            Ok(())
        } else {
            Err(DecodeError::Trailing {
                count: self.rest.len(),
            })
        }
    }

    pub(crate) fn u8(&mut self, what: &'static str) -> Result<u8, DecodeError> {
        let (&first, rest) = self
            .rest
            .split_first()
            .ok_or(DecodeError::Truncated(what))?;
        self.rest = rest;
        Ok(first)
    }

    pub(crate) fn bool(&mut self, what: &'static str) -> Result<bool, DecodeError> {
        match self.u8(what)? {
            0 => Ok(false),
            1 => Ok(true),
            other => Err(DecodeError::OutOfRange {
                what,
                value: u64::from(other),
            }),
        }
    }

    pub(crate) fn varint(&mut self, what: &'static str) -> Result<u64, DecodeError> {
        let mut value: u64 = 0;
        for index in 0..10u32 {
            let byte = self.u8(what)?;
            let bits = u64::from(byte & 0x7f);
            // The tenth byte may only carry the single top bit of a u64.
            if index == 9 && byte > 1 {
                return Err(DecodeError::OutOfRange {
                    what,
                    value: u64::MAX,
                });
            }
            value |= bits << (7 * index);
            if byte & 0x80 == 0 {
                // A final zero byte after others means a shorter form existed.
                if byte == 0 && index > 0 {
                    return Err(DecodeError::NonCanonical(what));
                }
                return Ok(value);
            }
        }
        Err(DecodeError::OutOfRange {
            what,
            value: u64::MAX,
        })
    }

    pub(crate) fn signed_varint(&mut self, what: &'static str) -> Result<i64, DecodeError> {
        let raw = self.varint(what)?;
        Ok(((raw >> 1) as i64) ^ -((raw & 1) as i64))
    }

    pub(crate) fn varint_u32(&mut self, what: &'static str) -> Result<u32, DecodeError> {
        let value = self.varint(what)?;
        u32::try_from(value).map_err(|_| DecodeError::OutOfRange { what, value })
    }

    pub(crate) fn varint_u16(&mut self, what: &'static str) -> Result<u16, DecodeError> {
        let value = self.varint(what)?;
        u16::try_from(value).map_err(|_| DecodeError::OutOfRange { what, value })
    }

    pub(crate) fn fixed<const N: usize>(
        &mut self,
        what: &'static str,
    ) -> Result<[u8; N], DecodeError> {
        if self.rest.len() < N {
            return Err(DecodeError::Truncated(what));
        }
        let (head, rest) = self.rest.split_at(N);
        self.rest = rest;
        let mut out = [0u8; N];
        out.copy_from_slice(head);
        Ok(out)
    }

    /// A length-prefixed byte string of at most `max` bytes. The limit is
    /// checked before anything is allocated, so hostile lengths cost nothing.
    pub(crate) fn bytes(
        &mut self,
        what: &'static str,
        max: usize,
    ) -> Result<&'a [u8], DecodeError> {
        let len = self.varint(what)?;
        if len > max as u64 {
            return Err(DecodeError::OutOfRange { what, value: len });
        }
        let len = len as usize;
        if self.rest.len() < len {
            return Err(DecodeError::Truncated(what));
        }
        let (head, rest) = self.rest.split_at(len);
        self.rest = rest;
        Ok(head)
    }

    pub(crate) fn str(&mut self, what: &'static str, max: usize) -> Result<&'a str, DecodeError> {
        let bytes = self.bytes(what, max)?;
        std::str::from_utf8(bytes).map_err(|_| DecodeError::BadUtf8(what))
    }

    pub(crate) fn string(&mut self, what: &'static str, max: usize) -> Result<String, DecodeError> {
        self.str(what, max).map(str::to_owned)
    }

    pub(crate) fn opt_string(
        &mut self,
        what: &'static str,
        max: usize,
    ) -> Result<Option<String>, DecodeError> {
        if self.bool(what)? {
            self.string(what, max).map(Some)
        } else {
            Ok(None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn varint_bytes(value: u64) -> Vec<u8> {
        let mut w = Writer::new();
        w.varint(value);
        w.into_bytes()
    }

    #[test]
    fn varint_examples() {
        assert_eq!(varint_bytes(0), [0x00]);
        assert_eq!(varint_bytes(127), [0x7f]);
        assert_eq!(varint_bytes(128), [0x80, 0x01]);
        assert_eq!(varint_bytes(300), [0xac, 0x02]);
        assert_eq!(varint_bytes(u64::MAX).len(), 10);
    }

    #[test]
    fn overlong_varints_are_refused() {
        let mut r = Reader::new(&[0x80, 0x00]);
        assert_eq!(r.varint("n"), Err(DecodeError::NonCanonical("n")));
        let mut r = Reader::new(&[0xff; 10]);
        assert!(matches!(r.varint("n"), Err(DecodeError::OutOfRange { .. })));
        let mut r = Reader::new(&[0xff, 0xff]);
        assert_eq!(r.varint("n"), Err(DecodeError::Truncated("n")));
    }

    #[test]
    fn hostile_lengths_are_refused_before_allocating() {
        let mut w = Writer::new();
        w.varint(u64::MAX);
        let bytes = w.into_bytes();
        let mut r = Reader::new(&bytes);
        assert!(matches!(
            r.bytes("blob", 1024),
            Err(DecodeError::OutOfRange { .. })
        ));
    }

    proptest! {
        #[test]
        fn varints_round_trip(value in any::<u64>()) {
            let bytes = varint_bytes(value);
            let mut r = Reader::new(&bytes);
            prop_assert_eq!(r.varint("n").unwrap(), value);
            r.finish().unwrap();
        }

        #[test]
        fn signed_varints_round_trip(value in any::<i64>()) {
            let mut w = Writer::new();
            w.signed_varint(value);
            let bytes = w.into_bytes();
            let mut r = Reader::new(&bytes);
            prop_assert_eq!(r.signed_varint("n").unwrap(), value);
            r.finish().unwrap();
        }
    }
}
