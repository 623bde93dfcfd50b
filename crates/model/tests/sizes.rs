//! Measures encoded sizes of typical events, raw and zstd-compressed in
//! batches of 1,000, next to a naive JSON-per-event baseline. Run with
//! `cargo test -p qalam-model --test sizes -- --nocapture` to see the table.
//! The assertions are loose ceilings that catch an accidental blow-up.

// Test helpers outside #[test] fns unwrap too; a panic is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use qalam_model::payload::*;
use qalam_model::{
    CentreId, ChainBuilder, ChainTip, DeviceId, Event, LearnerId, OrgId, Payload, encode_run,
};

const PACK: &str = "org.qalam.numeracy";

/// A realistic day on one laptop: several learners take turns, mostly
/// progressing through lessons every half minute, sometimes answering.
fn workload(n: usize, progress_only: bool) -> Vec<Event> {
    let builder = ChainBuilder::new(
        DeviceId::from_bytes(*b"\x8f\x14\x02\x9c\x71\x3b\x44\xe0\xa5\x0d\x62\x19\xbe\x37\xc8\x51"),
        OrgId::from_bytes(*b"\x11\x92\x3a\x4b\x5c\x6d\x7e\x8f\x90\xa1\xb2\xc3\xd4\xe5\xf6\x07"),
        CentreId::from_bytes(*b"\x21\x32\x43\x54\x65\x76\x87\x98\xa9\xba\xcb\xdc\xed\xfe\x0f\x10"),
    );
    let learners: Vec<LearnerId> = (0..8u8)
        .map(|i| LearnerId::from_bytes([i.wrapping_mul(37).wrapping_add(11); 16]))
        .collect();
    let lessons = [
        "counting",
        "adding",
        "subtracting",
        "shapes",
        "telling-time",
    ];
    let mut tip = ChainTip::GENESIS;
    let mut now = 1_764_000_000_000u64;
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        // Sessions of ~40 events per learner, 30 s apart with jitter.
        let learner = learners[(i / 40) % learners.len()];
        let lesson = lessons[(i / 120) % lessons.len()];
        now += 30_000 + (i as u64 * 7919) % 4_000;
        let payload = if progress_only || i % 5 != 4 {
            Payload::LessonProgressed(LessonProgressed {
                pack: PACK.into(),
                lesson: lesson.into(),
                position: Position::new(((i % 40) * 250) as u16).unwrap_or(Position::END),
                active_seconds: 25 + (i % 7) as u32,
            })
        } else {
            Payload::QuestionAnswered(QuestionAnswered {
                pack: PACK.into(),
                quiz: format!("{lesson}-check"),
                question: format!("q{}", i % 6 + 1),
                attempt: (i as u64 / 40) * 40 + 1,
                answer: ["a", "b", "c"][i % 3].into(),
                correct: i % 3 != 2,
            })
        };
        let event = builder.next(&tip, now, learner, &payload).unwrap();
        tip = ChainTip::after(&event);
        out.push(event);
    }
    out
}

/// Events one after another, each with a varint length, as a batch body.
fn concatenated(events: &[Event]) -> Vec<u8> {
    let mut out = Vec::new();
    for event in events {
        let bytes = event.encode();
        let mut len = bytes.len();
        while len >= 0x80 {
            out.push((len as u8 & 0x7f) | 0x80);
            len >>= 7;
        }
        out.push(len as u8);
        out.extend_from_slice(&bytes);
    }
    out
}

/// The naive baseline: one JSON object per line, payload decoded.
fn json_lines(events: &[Event]) -> Vec<u8> {
    let mut out = Vec::new();
    for event in events {
        let value = serde_json::json!({
            "device": event.device,
            "seq": event.seq,
            "hlc": event.hlc,
            "org": event.org,
            "centre": event.centre,
            "learner": event.learner,
            "prev_hash": event.prev_hash,
            "hash": event.hash(),
            "payload": event.payload().unwrap(),
        });
        out.extend(serde_json::to_vec(&value).unwrap());
        out.push(b'\n');
    }
    out
}

fn per_event(bytes: usize, n: usize) -> f64 {
    bytes as f64 / n as f64
}

#[test]
fn typical_event_sizes() {
    let n = 1_000;
    let single = workload(1, true);
    let raw_progress = single[0].encode().len();
    let payload_progress = single[0].payload.len();
    println!("lesson_progressed: {raw_progress} bytes canonical ({payload_progress} payload)");

    for (label, events) in [
        ("progress only", workload(n, true)),
        ("progress + answers", workload(n, false)),
    ] {
        let body = concatenated(&events);
        let run = encode_run(&events).unwrap();
        let json = json_lines(&events);
        for level in [3, 19] {
            let packed = zstd::encode_all(body.as_slice(), level).unwrap();
            let packed_run = zstd::encode_all(run.as_slice(), level).unwrap();
            let packed_json = zstd::encode_all(json.as_slice(), level).unwrap();
            println!(
                "{label:>20} zstd -{level:<2}: canonical {:6.1} -> {:5.1} | run {:6.1} -> {:5.1} | JSON {:6.1} -> {:5.1} (bytes/event, raw -> compressed)",
                per_event(body.len(), n),
                per_event(packed.len(), n),
                per_event(run.len(), n),
                per_event(packed_run.len(), n),
                per_event(json.len(), n),
                per_event(packed_json.len(), n),
            );
        }
    }

    assert!(
        raw_progress <= 160,
        "lesson_progressed grew to {raw_progress} bytes"
    );
    let body = concatenated(&workload(n, true));
    let packed = zstd::encode_all(body.as_slice(), 3).unwrap();
    assert!(per_event(packed.len(), n) < 60.0);
    let run = encode_run(&workload(n, true)).unwrap();
    let packed_run = zstd::encode_all(run.as_slice(), 3).unwrap();
    assert!(per_event(packed_run.len(), n) < 20.0);
}
