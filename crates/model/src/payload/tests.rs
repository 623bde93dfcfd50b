use super::*;

fn lid(n: u8) -> LearnerId {
    LearnerId::from_bytes([n; 16])
}

fn round_trip(payload: &Payload) -> Payload {
    Payload::decode(payload.kind(), payload.schema(), &payload.to_bytes()).unwrap()
}

#[test]
fn every_known_kind_round_trips() {
    let samples = [
        Payload::LearnerRegistered(LearnerRegistered {
            name: "ليلى".into(),
            avatar: "owl".into(),
            language: "ar".into(),
            pin_hash: Some("$argon2id$v=19$...".into()),
            picture_password_hash: None,
            role: Role::Learner,
            by: Some(lid(9)),
        }),
        Payload::LearnerUpdated(LearnerUpdated {
            name: Some("Layla".into()),
            pin_hash: Some(None),
            role: Some(Role::Facilitator),
            ..LearnerUpdated::default()
        }),
        Payload::LearnerUpdated(LearnerUpdated::default()),
        Payload::LearnerArchived(LearnerArchived { by: Some(lid(2)) }),
        Payload::LearnerRestored(LearnerRestored { by: None }),
        Payload::LearnerDeleted(LearnerDeleted { by: Some(lid(3)) }),
        Payload::LessonOpened(LessonOpened {
            pack: "org.qalam.numeracy".into(),
            lesson: "counting".into(),
        }),
        Payload::LessonProgressed(LessonProgressed {
            pack: "org.qalam.numeracy".into(),
            lesson: "counting".into(),
            position: Position::from_fraction(0.42),
            active_seconds: 95,
        }),
        Payload::LessonCompleted(LessonCompleted {
            pack: "p".into(),
            lesson: "l".into(),
        }),
        Payload::QuizAttempted(QuizAttempted {
            pack: "p".into(),
            quiz: "q".into(),
        }),
        Payload::QuestionAnswered(QuestionAnswered {
            pack: "p".into(),
            quiz: "q".into(),
            question: "q1".into(),
            attempt: 300,
            answer: "a".into(),
            correct: true,
        }),
        Payload::QuizScored(QuizScored {
            pack: "p".into(),
            quiz: "q".into(),
            attempt: 300,
            score_percent: 100,
        }),
        Payload::QuizMastered(QuizMastered {
            pack: "p".into(),
            quiz: "q".into(),
        }),
        Payload::CourseCompleted(CourseCompleted { pack: "p".into() }),
    ];
    let mut kinds_seen = std::collections::BTreeSet::new();
    for sample in &samples {
        assert_eq!(&round_trip(sample), sample, "{}", sample.kind());
        kinds_seen.insert(sample.kind().to_owned());
        // JSON is for exports and debugging; it must round-trip too.
        let json = serde_json::to_string(sample).unwrap();
        assert_eq!(&serde_json::from_str::<Payload>(&json).unwrap(), sample);
    }
    let known: std::collections::BTreeSet<_> =
        KNOWN_KINDS.iter().map(|(k, _)| (*k).to_owned()).collect();
    assert_eq!(kinds_seen, known);
}

#[test]
fn unknown_kinds_and_versions_are_kept_byte_for_byte() {
    let bytes = vec![1, 2, 3, 0xff];
    let future = Payload::decode("badge_earned", 1, &bytes).unwrap();
    assert_eq!(
        future,
        Payload::Unknown(UnknownPayload {
            kind: "badge_earned".into(),
            schema: 1,
            bytes: bytes.clone(),
        })
    );
    assert_eq!(future.to_bytes(), bytes);
    // A known kind at a version from the future is unknown too.
    let newer = Payload::decode("lesson_opened", 2, &bytes).unwrap();
    assert!(matches!(newer, Payload::Unknown(_)));
    assert_eq!(newer.kind(), "lesson_opened");
    assert_eq!(newer.schema(), 2);
}

#[test]
fn malformed_known_payloads_are_errors() {
    let good = Payload::CourseCompleted(CourseCompleted { pack: "p".into() }).to_bytes();
    let mut trailing = good.clone();
    trailing.push(0);
    let err = Payload::decode("course_completed", 1, &trailing).unwrap_err();
    assert_eq!(err.source, DecodeError::Trailing { count: 1 });
    assert!(Payload::decode("course_completed", 1, &good[..1]).is_err());
    assert!(Payload::decode("course_completed", 1, &[1, 0xff]).is_err());

    let mut scored = Writer::new();
    scored.str("p");
    scored.str("q");
    scored.varint(1);
    scored.u8(101);
    assert!(Payload::decode("quiz_scored", 1, &scored.into_bytes()).is_err());

    let mut progressed = Writer::new();
    progressed.str("p");
    progressed.str("l");
    progressed.varint(10_001);
    progressed.varint(0);
    assert!(Payload::decode("lesson_progressed", 1, &progressed.into_bytes()).is_err());

    // Bits for fields that v1 does not have.
    assert!(Payload::decode("learner_updated", 1, &[0x80]).is_err());
    assert!(Payload::decode("learner_registered", 1, &[]).is_err());
}

#[test]
fn positions() {
    assert_eq!(Position::from_fraction(f64::NAN), Position::START);
    assert_eq!(Position::from_fraction(-1.0), Position::START);
    assert_eq!(Position::from_fraction(7.0), Position::END);
    assert_eq!(Position::from_fraction(0.5).units(), 5_000);
    assert_eq!(Position::from_fraction(0.25).as_fraction(), 0.25);
    assert_eq!(Position::new(10_001), None);
    assert!(serde_json::from_str::<Position>("10001").is_err());
}
