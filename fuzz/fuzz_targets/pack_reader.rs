//! Arbitrary bytes as a pack: open, then verify every file. Must never
//! panic, hang or allocate without bound.
#![no_main]

use std::io::Cursor;

use libfuzzer_sys::fuzz_target;
use qalam_pack::{Limits, PackReader};

fuzz_target!(|data: &[u8]| {
    if let Ok(mut reader) = PackReader::open(Cursor::new(data), &Limits::default()) {
        let _ = reader.verify_all(&mut |_| {});
    }
});
