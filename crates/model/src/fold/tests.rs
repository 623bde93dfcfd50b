//! Examples of each merge rule. The order-independence properties over
//! random logs are in `tests/fold_props.rs`.

use super::*;
use crate::chain::{ChainBuilder, ChainTip};
use crate::ids::{CentreId, OrgId};
use crate::payload::*;

const PACK: &str = "org.qalam.numeracy";

struct Device {
    builder: ChainBuilder,
    tip: ChainTip,
}

impl Device {
    fn new(n: u8) -> Device {
        Device {
            builder: ChainBuilder::new(
                DeviceId::from_bytes([n; 16]),
                OrgId::from_bytes([0xaa; 16]),
                CentreId::from_bytes([0xcc; 16]),
            ),
            tip: ChainTip::GENESIS,
        }
    }

    fn write(&mut self, now_ms: u64, learner: LearnerId, payload: Payload) -> Event {
        let event = self
            .builder
            .next(&self.tip, now_ms, learner, &payload)
            .unwrap();
        self.tip = ChainTip::after(&event);
        event
    }
}

fn learner() -> LearnerId {
    LearnerId::from_bytes([7; 16])
}

fn registered(name: &str) -> Payload {
    Payload::LearnerRegistered(LearnerRegistered {
        name: name.into(),
        avatar: "owl".into(),
        language: "ar".into(),
        pin_hash: None,
        picture_password_hash: None,
        role: Role::Learner,
        by: None,
    })
}

fn renamed(name: &str) -> Payload {
    Payload::LearnerUpdated(LearnerUpdated {
        name: Some(name.into()),
        ..LearnerUpdated::default()
    })
}

fn progressed(position: f64, seconds: u32) -> Payload {
    Payload::LessonProgressed(LessonProgressed {
        pack: PACK.into(),
        lesson: "counting".into(),
        position: Position::from_fraction(position),
        active_seconds: seconds,
    })
}

fn lesson_of(state: &State) -> &LessonState {
    &state.learners[&learner()].packs[PACK].lessons["counting"]
}

#[test]
fn last_writer_wins_by_hlc_across_devices() {
    let (mut a, mut b) = (Device::new(1), Device::new(2));
    let reg = a.write(1_000, learner(), registered("Layla"));
    let early = b.write(2_000, learner(), renamed("Laila"));
    let late = a.write(3_000, learner(), renamed("Leila"));
    for order in [[&reg, &early, &late], [&late, &early, &reg]] {
        let state = fold(order);
        let name = state.learners[&learner()].profile.name.as_ref().unwrap();
        assert_eq!(name.value, "Leila");
    }
}

#[test]
fn equal_hlcs_are_broken_by_device_id() {
    let (mut a, mut b) = (Device::new(1), Device::new(2));
    let from_a = a.write(5_000, learner(), renamed("from a"));
    let from_b = b.write(5_000, learner(), renamed("from b"));
    assert_eq!(from_a.hlc, from_b.hlc);
    let state = fold([&from_b, &from_a]);
    let name = state.learners[&learner()].profile.name.as_ref().unwrap();
    assert_eq!(name.value, "from b");
}

#[test]
fn duplicates_do_not_double_count_time() {
    let mut a = Device::new(1);
    let first = a.write(1_000, learner(), progressed(0.2, 60));
    let second = a.write(2_000, learner(), progressed(0.5, 30));
    let state = fold([&first, &second, &first, &second, &second]);
    assert_eq!(lesson_of(&state).active_seconds, 90);
    assert_eq!(
        lesson_of(&state).position.as_ref().unwrap().value,
        Position::from_fraction(0.5)
    );
    let mut incremental = State::new();
    assert_eq!(incremental.apply(&first), Applied::New);
    assert_eq!(incremental.apply(&first), Applied::Duplicate);
    assert!(incremental.contains(first.id()));
    assert!(!incremental.contains(second.id()));
}

#[test]
fn position_is_last_writer_wins_even_when_it_goes_back() {
    let (mut a, mut b) = (Device::new(1), Device::new(2));
    let far = a.write(1_000, learner(), progressed(0.9, 10));
    // Later, on another laptop, the learner starts the lesson again.
    let restart = b.write(9_000, learner(), progressed(0.1, 10));
    let state = fold([&restart, &far]);
    assert_eq!(
        lesson_of(&state).position.as_ref().unwrap().value,
        Position::from_fraction(0.1)
    );
    assert_eq!(lesson_of(&state).last_activity, Some(restart.stamp()));
}

#[test]
fn completion_and_mastery_only_grow_and_keep_the_earliest_stamp() {
    let (mut a, mut b) = (Device::new(1), Device::new(2));
    let completed = |_: ()| {
        Payload::LessonCompleted(LessonCompleted {
            pack: PACK.into(),
            lesson: "counting".into(),
        })
    };
    let first = a.write(1_000, learner(), completed(()));
    let again = b.write(5_000, learner(), completed(()));
    let progress = a.write(6_000, learner(), progressed(0.0, 5));
    let state = fold([&progress, &again, &first]);
    assert_eq!(lesson_of(&state).completed, Some(first.stamp()));
}

#[test]
fn quiz_scores_attempts_and_mastery() {
    let mut a = Device::new(1);
    let attempt = a.write(
        1_000,
        learner(),
        Payload::QuizAttempted(QuizAttempted {
            pack: PACK.into(),
            quiz: "check".into(),
        }),
    );
    let answer = |correct: bool| {
        Payload::QuestionAnswered(QuestionAnswered {
            pack: PACK.into(),
            quiz: "check".into(),
            question: "q1".into(),
            attempt: attempt.seq,
            answer: "a".into(),
            correct,
        })
    };
    let wrong = a.write(1_001, learner(), answer(false));
    let right = a.write(1_002, learner(), answer(true));
    let score = |score_percent| {
        Payload::QuizScored(QuizScored {
            pack: PACK.into(),
            quiz: "check".into(),
            attempt: attempt.seq,
            score_percent,
        })
    };
    let high = a.write(1_003, learner(), score(90));
    let low = a.write(1_004, learner(), score(40));
    let mastered = a.write(
        1_005,
        learner(),
        Payload::QuizMastered(QuizMastered {
            pack: PACK.into(),
            quiz: "check".into(),
        }),
    );
    let state = fold([&mastered, &low, &high, &right, &wrong, &attempt]);
    let quiz = &state.learners[&learner()].packs[PACK].quizzes["check"];
    assert_eq!(quiz.attempts, 1);
    assert_eq!(quiz.questions["q1"].answers, 2);
    assert!(quiz.questions["q1"].ever_correct);
    assert_eq!(quiz.best_score, Some(90));
    assert_eq!(quiz.last_score.as_ref().unwrap().value, 40);
    assert_eq!(quiz.mastered, Some(mastered.stamp()));
}

#[test]
fn a_tombstone_is_never_resurrected() {
    let (mut a, mut b) = (Device::new(1), Device::new(2));
    let reg = a.write(1_000, learner(), registered("Layla"));
    let delete = a.write(
        2_000,
        learner(),
        Payload::LearnerDeleted(LearnerDeleted::default()),
    );
    // A laptop that had not heard of the deletion renames the learner and
    // records progress, with a later clock.
    let rename = b.write(9_000, learner(), renamed("Laila"));
    let progress = b.write(9_500, learner(), progressed(0.3, 30));
    let all = [&reg, &delete, &rename, &progress];
    let expected = fold(all);
    let gone = &expected.learners[&learner()];
    assert_eq!(gone.deleted, Some(delete.stamp()));
    assert_eq!(gone.profile, Profile::default());
    assert!(gone.packs.is_empty());
    assert!(!gone.is_active());
    for order in [
        [&rename, &progress, &reg, &delete],
        [&delete, &rename, &reg, &progress],
        [&progress, &delete, &rename, &reg],
    ] {
        assert_eq!(fold(order), expected);
    }
}

#[test]
fn archive_and_restore_are_a_register() {
    let mut a = Device::new(1);
    let reg = a.write(1_000, learner(), registered("Layla"));
    let archive = a.write(
        2_000,
        learner(),
        Payload::LearnerArchived(LearnerArchived::default()),
    );
    let restore = a.write(
        3_000,
        learner(),
        Payload::LearnerRestored(LearnerRestored::default()),
    );
    assert!(!fold([&reg, &archive]).learners[&learner()].is_active());
    assert!(fold([&restore, &archive, &reg]).learners[&learner()].is_active());
}

#[test]
fn unknown_and_malformed_events_are_counted_not_folded() {
    let mut a = Device::new(1);
    let known = a.write(1_000, learner(), registered("Layla"));
    let future = a
        .builder
        .next_raw(&a.tip, 2_000, learner(), "badge_earned", 1, vec![1, 2, 3])
        .unwrap();
    a.tip = ChainTip::after(&future);
    let broken = a
        .builder
        .next_raw(&a.tip, 3_000, learner(), "lesson_opened", 1, vec![0xff])
        .unwrap();
    let state = fold([&known, &future, &broken]);
    let device = &state.devices[&known.device];
    assert_eq!(device.unknown, 1);
    assert_eq!(device.malformed, 1);
    assert_eq!(device.applied.len(), 3);
    assert_eq!(state.learners[&learner()].last_active, Some(known.hlc));
}

fn secrets(pin: Option<Option<&str>>, pictures: Option<Option<&str>>) -> Payload {
    let own = |x: Option<Option<&str>>| x.map(|v| v.map(String::from));
    Payload::LearnerUpdated(LearnerUpdated {
        pin_hash: own(pin),
        picture_password_hash: own(pictures),
        ..LearnerUpdated::default()
    })
}

#[test]
fn the_kind_of_secret_follows_the_newest_event_in_any_order() {
    let (mut a, mut b) = (Device::new(1), Device::new(2));
    let reg = a.write(1_000, learner(), registered("Layla"));
    // Offline on two laptops: a picture password here, a PIN there, later.
    let pictures = a.write(2_000, learner(), secrets(Some(None), Some(Some("pic"))));
    let pin = b.write(3_000, learner(), secrets(Some(Some("pin")), Some(None)));
    let cleared = a.write(4_000, learner(), secrets(Some(None), Some(None)));
    let profile = |events: &[&Event]| {
        fold(events.iter().copied()).learners[&learner()]
            .profile
            .clone()
    };
    assert_eq!(profile(&[&reg]).sign_in_with(), SignInWith::None);
    let p = profile(&[&reg, &pictures]);
    assert_eq!(p.sign_in_with(), SignInWith::Pictures);
    assert_eq!(p.secret_hash(), Some("pic"));
    for order in [[&reg, &pictures, &pin], [&pin, &pictures, &reg]] {
        let p = profile(&order);
        assert_eq!(p.sign_in_with(), SignInWith::Pin);
        assert_eq!(p.secret_hash(), Some("pin"));
    }
    let p = profile(&[&cleared, &pin, &reg, &pictures]);
    assert_eq!(
        (p.sign_in_with(), p.secret_hash()),
        (SignInWith::None, None)
    );
    // An older build's reset wrote only the PIN: the newer of the two wins.
    let old_reset = b.write(5_000, learner(), secrets(Some(Some("old")), None));
    let p = profile(&[&reg, &pictures, &old_reset]);
    assert_eq!(
        (p.sign_in_with(), p.secret_hash()),
        (SignInWith::Pin, Some("old"))
    );
    assert_eq!(SignInWith::Pictures.name(), "pictures");
}
