//! Arbitrary bytes as what a campus server or a device receives: a sync
//! frame (both formats), a pull payload, a run of events, an enrolment
//! file from a USB stick. Must never panic, and whatever decodes must
//! survive its own round trip.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qalam_model::{DeviceId, decode_run, encode_run};
use qalam_protocol::{
    EnrolmentFile, PullPayload, decode_frame, decode_frame_with_prefix, frame_prefix,
};

fuzz_target!(|data: &[u8]| {
    let _ = decode_frame(data);
    if let Ok(Some(_)) = frame_prefix(data) {
        let _ = decode_frame_with_prefix(data, b"\x01 a prefix");
    }
    let _ = PullPayload::decode(data, DeviceId::from_bytes([7; 16]));
    if let Ok(events) = decode_run(data) {
        if let Ok(again) = encode_run(&events) {
            assert_eq!(decode_run(&again).ok(), Some(events));
        }
    }
    if let Ok(file) = EnrolmentFile::parse(data) {
        let bytes = file.to_bytes().expect("a parsed file writes");
        assert_eq!(EnrolmentFile::parse(&bytes).ok(), Some(file));
    }
});
