use super::*;
use crate::payload::{CourseCompleted, LessonOpened, QuizScored};

fn builder() -> ChainBuilder {
    ChainBuilder::new(
        DeviceId::from_bytes([1; 16]),
        OrgId::from_bytes([2; 16]),
        CentreId::from_bytes([3; 16]),
    )
}

fn opened(lesson: &str) -> Payload {
    Payload::LessonOpened(LessonOpened {
        pack: "p".into(),
        lesson: lesson.into(),
    })
}

fn chain(len: usize) -> Vec<Event> {
    let b = builder();
    let learner = LearnerId::from_bytes([4; 16]);
    let mut tip = ChainTip::GENESIS;
    let mut out = Vec::new();
    for i in 0..len {
        let event = b
            .next(&tip, 1_000 + i as u64, learner, &opened("l"))
            .unwrap();
        tip = ChainTip::after(&event);
        out.push(event);
    }
    out
}

#[test]
fn builder_links_events() {
    let events = chain(3);
    assert_eq!(events[0].seq, 1);
    assert_eq!(events[0].prev_hash, EventHash::GENESIS);
    assert_eq!(events[1].prev_hash, events[0].hash());
    assert_eq!(events[2].seq, 3);
    assert!(events[0].hlc < events[1].hlc);
    assert_eq!(verify_chain(&events), Ok(()));
    assert_eq!(verify_chain(&[]), Ok(()));
}

#[test]
fn builder_keeps_the_clock_moving_when_time_goes_back() {
    let b = builder();
    let learner = LearnerId::from_bytes([4; 16]);
    let first = b
        .next(&ChainTip::GENESIS, 5_000, learner, &opened("a"))
        .unwrap();
    let second = b
        .next(&ChainTip::after(&first), 1_000, learner, &opened("b"))
        .unwrap();
    assert_eq!(second.hlc, Hlc::new(5_000, 1));
}

#[test]
fn builder_refuses_payloads_that_would_not_read_back() {
    let b = builder();
    let learner = LearnerId::from_bytes([4; 16]);
    let bad_score = Payload::QuizScored(QuizScored {
        pack: "p".into(),
        quiz: "q".into(),
        attempt: 1,
        score_percent: 120,
    });
    assert!(matches!(
        b.next(&ChainTip::GENESIS, 0, learner, &bad_score),
        Err(BuildError::Payload(_))
    ));
    let too_long = Payload::CourseCompleted(CourseCompleted {
        pack: "p".repeat(300),
    });
    assert!(b.next(&ChainTip::GENESIS, 0, learner, &too_long).is_err());
    // An Unknown payload that pretends to be a kind this build knows.
    let fake = Payload::Unknown(crate::payload::UnknownPayload {
        kind: "course_completed".into(),
        schema: 1,
        bytes: opened("x").to_bytes(),
    });
    assert!(b.next(&ChainTip::GENESIS, 0, learner, &fake).is_err());
    assert!(matches!(
        b.next_raw(&ChainTip::GENESIS, 0, learner, "Bad-Kind", 1, vec![]),
        Err(BuildError::Invalid(_))
    ));
    let last = ChainTip {
        seq: u64::MAX,
        ..ChainTip::GENESIS
    };
    assert_eq!(
        b.next(&last, 0, learner, &opened("x")),
        Err(BuildError::SeqExhausted)
    );
}

#[test]
fn reports_each_kind_of_damage() {
    let events = chain(4);

    let mut gap = events.clone();
    gap.remove(2);
    assert_eq!(
        verify_chain(&gap),
        Err(ChainError::Gap {
            expected: 3,
            found: 4
        })
    );

    assert_eq!(
        verify_chain(&events[1..]),
        Err(ChainError::Gap {
            expected: 1,
            found: 2
        })
    );

    let mut dup = events.clone();
    dup.insert(2, events[1].clone());
    assert_eq!(
        verify_chain(&dup),
        Err(ChainError::OutOfOrder {
            expected: 3,
            found: 2
        })
    );

    let mut tampered = events.clone();
    tampered[1].payload.push(0);
    assert_eq!(
        verify_chain(&tampered),
        Err(ChainError::HashMismatch {
            seq: 3,
            expected: tampered[1].hash(),
            found: events[1].hash(),
        })
    );

    let mut foreign = events.clone();
    foreign[3].device = DeviceId::from_bytes([9; 16]);
    assert!(matches!(
        verify_chain(&foreign),
        Err(ChainError::DeviceMismatch { seq: 4, .. })
    ));

    let mut bad_kind = events.clone();
    bad_kind[0].kind = "Nope".into();
    assert!(matches!(
        verify_chain(&bad_kind),
        Err(ChainError::Malformed { seq: 1, .. })
    ));

    let mut first_prev = events.clone();
    first_prev[0].prev_hash = EventHash::from_bytes([7; 32]);
    assert!(matches!(
        verify_chain(&first_prev),
        Err(ChainError::HashMismatch { seq: 1, .. })
    ));
}

#[test]
fn continues_from_a_known_point() {
    let events = chain(5);
    let point = ChainPoint::after(&events[1]);
    let end = verify_chain_from(events[0].device, point, &events[2..]).unwrap();
    assert_eq!(end, ChainPoint::after(&events[4]));
    let wrong = ChainPoint {
        seq: 2,
        hash: EventHash::from_bytes([5; 32]),
    };
    assert!(verify_chain_from(events[0].device, wrong, &events[2..]).is_err());
}

#[test]
fn error_messages_name_the_seq() {
    let err = ChainError::Gap {
        expected: 3,
        found: 7,
    };
    assert_eq!(
        err.to_string(),
        "gap: expected seq 3, found seq 7 (4 events missing)"
    );
}
