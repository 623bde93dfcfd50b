//! Arbitrary bytes as a sync file found on a USB stick (any kind, both
//! formats) and as a device certificate inside one. Must never panic;
//! every part of a file that opens is decoded, and the checks of the tag
//! and the signature run on it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qalam_protocol::DeviceCertificate;
use qalam_protocol::bundle::Opened;

fuzz_target!(|data: &[u8]| {
    if let Ok(cert) = DeviceCertificate::from_bytes(data) {
        assert_eq!(DeviceCertificate::from_bytes(&cert.to_bytes()).ok(), Some(cert.clone()));
        let _ = cert.verify(&cert.server_key);
    }
    let Ok(opened) = Opened::open(data) else {
        return;
    };
    let _ = opened.verify(&[7; 32]);
    if let Some(cert) = &opened.header.extras.certificate {
        if let Ok(key) = cert.verify(&cert.server_key) {
            let _ = opened.verify_signature(&key);
        }
    }
    for i in 0..opened.part_count() {
        let _ = opened.part(i);
    }
});
