//! Golden fixtures: the exact bytes and hashes of fixed events.
//!
//! Wire format: do not modify. These bytes are what every laptop and server
//! has hashed and stored. If a test here fails, the change broke the frozen
//! format: undo it. A deliberate new format needs a new format byte (or a
//! new payload schema version) beside the old one, never an edit of these
//! constants.

// Test helpers outside #[test] fns unwrap too; a panic is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use qalam_model::payload::*;
use qalam_model::{
    CentreId, ChainBuilder, ChainTip, DeviceId, Event, EventHash, LearnerId, OrgId, Payload,
    VersionVector, decode_run, encode_run, verify_chain,
};

fn builder() -> ChainBuilder {
    let mut device = [0u8; 16];
    for (i, b) in device.iter_mut().enumerate() {
        *b = i as u8;
    }
    ChainBuilder::new(
        DeviceId::from_bytes(device),
        OrgId::from_bytes([0x11; 16]),
        CentreId::from_bytes([0x22; 16]),
    )
}

fn learner() -> LearnerId {
    LearnerId::from_bytes([0x33; 16])
}

const T0: u64 = 1_764_000_000_000;

/// One event of every kind this build knows, then one it does not, chained
/// on one device with a clock that stalls once (counter 1) and jumps back
/// once.
fn fixture_payloads() -> Vec<Payload> {
    vec![
        Payload::LearnerRegistered(LearnerRegistered {
            name: "ليلى".into(),
            avatar: "owl".into(),
            language: "ar".into(),
            pin_hash: Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into()),
            picture_password_hash: None,
            role: Role::Learner,
            by: Some(LearnerId::from_bytes([0x44; 16])),
        }),
        Payload::LessonOpened(LessonOpened {
            pack: "org.qalam.numeracy".into(),
            lesson: "counting".into(),
        }),
        Payload::LessonProgressed(LessonProgressed {
            pack: "org.qalam.numeracy".into(),
            lesson: "counting".into(),
            position: Position::new(4_200).unwrap(),
            active_seconds: 95,
        }),
        Payload::LessonCompleted(LessonCompleted {
            pack: "org.qalam.numeracy".into(),
            lesson: "counting".into(),
        }),
        Payload::QuizAttempted(QuizAttempted {
            pack: "org.qalam.numeracy".into(),
            quiz: "counting-check".into(),
        }),
        Payload::QuestionAnswered(QuestionAnswered {
            pack: "org.qalam.numeracy".into(),
            quiz: "counting-check".into(),
            question: "q1".into(),
            attempt: 5,
            answer: "a".into(),
            correct: true,
        }),
        Payload::QuizScored(QuizScored {
            pack: "org.qalam.numeracy".into(),
            quiz: "counting-check".into(),
            attempt: 5,
            score_percent: 80,
        }),
        Payload::QuizMastered(QuizMastered {
            pack: "org.qalam.numeracy".into(),
            quiz: "counting-check".into(),
        }),
        Payload::CourseCompleted(CourseCompleted {
            pack: "org.qalam.numeracy".into(),
        }),
        Payload::LearnerUpdated(LearnerUpdated {
            name: Some("Layla".into()),
            pin_hash: Some(None),
            language: Some("fa-AF".into()),
            ..LearnerUpdated::default()
        }),
        Payload::LearnerArchived(LearnerArchived {
            by: Some(LearnerId::from_bytes([0x44; 16])),
        }),
        Payload::LearnerRestored(LearnerRestored { by: None }),
        Payload::LearnerDeleted(LearnerDeleted {
            by: Some(LearnerId::from_bytes([0x44; 16])),
        }),
        Payload::Unknown(UnknownPayload {
            kind: "badge_earned".into(),
            schema: 3,
            bytes: vec![0xde, 0xad, 0xbe, 0xef],
        }),
    ]
}

fn fixture_chain() -> Vec<Event> {
    let b = builder();
    let mut tip = ChainTip::GENESIS;
    let mut out = Vec::new();
    for (i, payload) in fixture_payloads().iter().enumerate() {
        let now = match i {
            2 => T0 + 1_000,      // stalls: same millisecond as event 2
            5 => T0 - 86_400_000, // clock jumped back a day
            _ => T0 + 1_000 * i as u64,
        };
        let event = b.next(&tip, now, learner(), payload).unwrap();
        tip = ChainTip::after(&event);
        out.push(event);
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
#[ignore = "prints the fixtures; run with --ignored --nocapture when adding one"]
fn print_fixtures() {
    let chain = fixture_chain();
    for event in &chain {
        println!("{} {} {}", event.kind, hex(&event.payload), event.hash());
    }
    println!("event1 {}", hex(&chain[0].encode()));
    println!("event3 {}", hex(&chain[2].encode()));
    println!("unknown {}", hex(&chain[13].encode()));
    println!("run {}", hex(&encode_run(&chain[1..4]).unwrap()));
    println!("vv {}", hex(&VersionVector::of_events(&chain).encode()));
}

/// `(kind, payload bytes, event hash)` for every event of the fixture chain.
const PAYLOADS_AND_HASHES: &[(&str, &str, &str)] = &[
    (
        "learner_registered",
        "08d984d98ad984d989036f776c026172012c246172676f6e32696424763d3139246d3d31393435362c743d322c703d3124633246736441246147467a614100000144444444444444444444444444444444",
        "ab372a9b8dbec2df5276bfc0cc30796aa15b63ba8066a7210d29209a13032129",
    ),
    (
        "lesson_opened",
        "126f72672e71616c616d2e6e756d657261637908636f756e74696e67",
        "61692690603c6acaabc435a77bd207f05ee144887ce087aa8a0c690885cd1e86",
    ),
    (
        "lesson_progressed",
        "126f72672e71616c616d2e6e756d657261637908636f756e74696e67e8205f",
        "26b825e51f1fd7ebf8c4d0e44c8250cfb056aa5a05e074aee0e9f8bc85706529",
    ),
    (
        "lesson_completed",
        "126f72672e71616c616d2e6e756d657261637908636f756e74696e67",
        "f8b3a9833afdcebc50020a85d9aaab30b4691dcacf25a1e046b28fd5a43b3f9b",
    ),
    (
        "quiz_attempted",
        "126f72672e71616c616d2e6e756d65726163790e636f756e74696e672d636865636b",
        "f57e921d805a2f87c034e91015c41ed12734e6efe44412398fd152be404d1935",
    ),
    (
        "question_answered",
        "126f72672e71616c616d2e6e756d65726163790e636f756e74696e672d636865636b02713105016101",
        "9f85677b8cb86685360604d3174fa73d297fac82df6ffda9f2c7de7ec2faca09",
    ),
    (
        "quiz_scored",
        "126f72672e71616c616d2e6e756d65726163790e636f756e74696e672d636865636b0550",
        "fc50eedcf5846e6e3ba17b67a0d504ecc87ecfefb9aeb475ae9a7e620d03f6b3",
    ),
    (
        "quiz_mastered",
        "126f72672e71616c616d2e6e756d65726163790e636f756e74696e672d636865636b",
        "d0a19e6fe531f8f537c14e6ae4779bcd86cabe4b28193bd8055f6b521495f8e3",
    ),
    (
        "course_completed",
        "126f72672e71616c616d2e6e756d6572616379",
        "235ac8cd843356ee8a36a7e7c17a9d7050ed660100a5dfef1d840c7905c09bc7",
    ),
    (
        "learner_updated",
        "0d054c61796c610566612d414600",
        "9a824ec132942e550a235b05da160fc3ba5b76f581eb5587c4d69c304c634588",
    ),
    (
        "learner_archived",
        "0144444444444444444444444444444444",
        "9151b5499607ecb7031e176c5bc24d1cc5aa541a298af5e9a18b5c950ff0322e",
    ),
    (
        "learner_restored",
        "00",
        "6fc6fcc8716f90cf3fc724f5f9168156be40060ebb908a098a10fbb965b32a0d",
    ),
    (
        "learner_deleted",
        "0144444444444444444444444444444444",
        "d6ebd24ef656013c36764b8a5eedf2ddb953a72a1c680982ceee92cacb579425",
    ),
    (
        "badge_earned",
        "deadbeef",
        "48d0f976c83733368c348c0397f1b5e444cb8ca36675789628311c2f10470d5a",
    ),
];

/// Seq 1: learner_registered, genesis prev_hash, HLC (T0, 0).
const EVENT_1: &str = "01000102030405060708090a0b0c0d0e0f11111111111111111111111111111111222222222222222222222222222222223333333333333333333333333333333300000000000000000000000000000000000000000000000000000000000000000180d0dfb4ab3300126c6561726e65725f72656769737465726564015108d984d98ad984d989036f776c026172012c246172676f6e32696424763d3139246d3d31393435362c743d322c703d3124633246736441246147467a614100000144444444444444444444444444444444";

/// Seq 3: lesson_progressed, written in the same millisecond as seq 2, so
/// its HLC counter is 1.
const EVENT_3: &str = "01000102030405060708090a0b0c0d0e0f11111111111111111111111111111111222222222222222222222222222222223333333333333333333333333333333361692690603c6acaabc435a77bd207f05ee144887ce087aa8a0c690885cd1e8603e8d7dfb4ab3301116c6573736f6e5f70726f67726573736564011f126f72672e71616c616d2e6e756d657261637908636f756e74696e67e8205f";

/// Seq 14: a kind this build does not know, schema 3.
const EVENT_14_UNKNOWN: &str = "01000102030405060708090a0b0c0d0e0f111111111111111111111111111111112222222222222222222222222222222233333333333333333333333333333333d6ebd24ef656013c36764b8a5eedf2ddb953a72a1c680982ceee92cacb5794250ec8b5e0b4ab33000c62616467655f6561726e65640304deadbeef";

/// Seqs 2..=4 as a run.
const RUN_2_TO_4: &str = "01000102030405060708090a0b0c0d0e0f02ab372a9b8dbec2df5276bfc0cc30796aa15b63ba8066a7210d29209a13032129030f111111111111111111111111111111112222222222222222222222222222222233333333333333333333333333333333d0afbfe9d666000d6c6573736f6e5f6f70656e6564011c126f72672e71616c616d2e6e756d657261637908636f756e74696e67080001116c6573736f6e5f70726f67726573736564011f126f72672e71616c616d2e6e756d657261637908636f756e74696e67e8205f08a01f00106c6573736f6e5f636f6d706c65746564011c126f72672e71616c616d2e6e756d657261637908636f756e74696e67f8b3a9833afdcebc50020a85d9aaab30b4691dcacf25a1e046b28fd5a43b3f9b";

/// The version vector of the fixture chain.
const VV: &str = "01000102030405060708090a0b0c0d0e0f0e";

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn payload_bytes_and_event_hashes_are_frozen() {
    let chain = fixture_chain();
    assert_eq!(chain.len(), PAYLOADS_AND_HASHES.len());
    for (event, (kind, payload, hash)) in chain.iter().zip(PAYLOADS_AND_HASHES) {
        assert_eq!(event.kind, *kind);
        assert_eq!(hex(&event.payload), *payload, "payload of {kind}");
        assert_eq!(event.hash().to_hex(), *hash, "hash of {kind}");
    }
    assert_eq!(verify_chain(&chain), Ok(()));
}

#[test]
fn event_bytes_are_frozen() {
    let chain = fixture_chain();
    for (event, golden) in [
        (&chain[0], EVENT_1),
        (&chain[2], EVENT_3),
        (&chain[13], EVENT_14_UNKNOWN),
    ] {
        assert_eq!(hex(&event.encode()), golden, "seq {}", event.seq);
        assert_eq!(&Event::decode(&unhex(golden)).unwrap(), event);
    }
}

#[test]
fn golden_bytes_decode_to_the_documented_fields() {
    // Read without the builder, so that a change in how events are built
    // cannot hide a change in how they are read.
    let event = Event::decode(&unhex(EVENT_3)).unwrap();
    assert_eq!(event.device.to_hex(), "000102030405060708090a0b0c0d0e0f");
    assert_eq!(event.org, OrgId::from_bytes([0x11; 16]));
    assert_eq!(event.centre, CentreId::from_bytes([0x22; 16]));
    assert_eq!(event.learner, learner());
    assert_eq!(event.seq, 3);
    assert_eq!((event.hlc.wall_ms, event.hlc.counter), (T0 + 1_000, 1));
    assert_eq!(
        event.prev_hash,
        PAYLOADS_AND_HASHES[1].2.parse::<EventHash>().unwrap()
    );
    assert_eq!(
        (event.kind.as_str(), event.schema),
        ("lesson_progressed", 1)
    );
    let Payload::LessonProgressed(p) = event.payload().unwrap() else {
        panic!("wrong payload");
    };
    assert_eq!(p.pack, "org.qalam.numeracy");
    assert_eq!(p.lesson, "counting");
    assert_eq!(p.position.units(), 4_200);
    assert_eq!(p.active_seconds, 95);

    // A kind this build does not know still decodes, verifies and re-encodes.
    let unknown = Event::decode(&unhex(EVENT_14_UNKNOWN)).unwrap();
    assert_eq!(hex(&unknown.encode()), EVENT_14_UNKNOWN);
    assert!(matches!(unknown.payload(), Ok(Payload::Unknown(_))));
}

#[test]
fn run_and_version_vector_bytes_are_frozen() {
    let chain = fixture_chain();
    assert_eq!(hex(&encode_run(&chain[1..4]).unwrap()), RUN_2_TO_4);
    assert_eq!(
        decode_run(&unhex(RUN_2_TO_4)).unwrap(),
        chain[1..4].to_vec()
    );
    assert_eq!(hex(&VersionVector::of_events(&chain).encode()), VV);
}
