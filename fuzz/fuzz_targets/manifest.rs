//! Arbitrary bytes as manifest.json: parse and validate. Must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qalam_pack::Manifest;

fuzz_target!(|data: &[u8]| {
    if let Ok(manifest) = Manifest::from_json(data) {
        // A manifest that validated must survive its own round trip.
        let again = Manifest::from_json(&manifest.to_json());
        assert!(again.is_ok_and(|m| m == manifest));
    }
});
