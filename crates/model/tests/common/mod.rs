//! Shared generators for the property tests: random multi-device logs
//! written through the real `ChainBuilder`, with clocks that jump back and
//! forth and devices that sometimes observe each other.

#![allow(dead_code)] // Each test binary uses a different part of this.

use proptest::prelude::*;
use qalam_model::payload::*;
use qalam_model::{
    CentreId, ChainBuilder, ChainTip, DeviceId, Event, Hlc, LearnerId, OrgId, Payload, observe,
};

pub const PACKS: &[&str] = &["org.qalam.numeracy", "org.qalam.reading"];
pub const LESSONS: &[&str] = &["counting", "adding"];
pub const QUIZZES: &[&str] = &["check"];
pub const QUESTIONS: &[&str] = &["q1", "q2"];
pub const NAMES: &[&str] = &["Layla", "Omar", "Aziz", "ليلى"];

/// Property-test settings that keep failing cases in
/// `proptest-regressions/<name>.txt` (commit them), since proptest cannot
/// find a source root for integration tests on its own.
pub fn config(name: &'static str, cases: u32) -> ProptestConfig {
    let path: &'static str = Box::leak(format!("proptest-regressions/{name}.txt").into_boxed_str());
    ProptestConfig {
        cases,
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::Direct(path),
        )),
        ..ProptestConfig::default()
    }
}

pub fn device_id(n: usize) -> DeviceId {
    let mut bytes = [0x5a; 16];
    bytes[0] = n as u8;
    DeviceId::from_bytes(bytes)
}

pub fn learner_id(n: usize) -> LearnerId {
    let mut bytes = [0x1e; 16];
    bytes[15] = n as u8;
    LearnerId::from_bytes(bytes)
}

fn pick(pool: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop::sample::select(pool).prop_map(str::to_owned)
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    prop::option::of(pick(NAMES))
}

fn role() -> impl Strategy<Value = Role> {
    prop_oneof![Just(Role::Learner), Just(Role::Facilitator)]
}

fn by() -> impl Strategy<Value = Option<LearnerId>> {
    prop::option::of((0..3usize).prop_map(learner_id))
}

/// Any payload, drawn from small pools so that events collide on the same
/// learner, lesson and field often.
pub fn arb_payload() -> impl Strategy<Value = Payload> {
    prop_oneof![
        2 => (pick(NAMES), pick(NAMES), opt_text(), opt_text(), role(), by()).prop_map(
            |(name, avatar, pin_hash, picture_password_hash, role, by)| {
                Payload::LearnerRegistered(LearnerRegistered {
                    name,
                    avatar,
                    language: "ar".into(),
                    pin_hash,
                    picture_password_hash,
                    role,
                    by,
                })
            }
        ),
        3 => (
            opt_text(),
            opt_text(),
            prop::option::of(pick(&["ar", "fa-AF", "en"])),
            prop::option::of(opt_text()),
            prop::option::of(opt_text()),
            prop::option::of(role()),
            by(),
        )
            .prop_map(|(name, avatar, language, pin_hash, picture_password_hash, role, by)| {
                Payload::LearnerUpdated(LearnerUpdated {
                    name,
                    avatar,
                    language,
                    pin_hash,
                    picture_password_hash,
                    role,
                    by,
                })
            }),
        1 => by().prop_map(|by| Payload::LearnerArchived(LearnerArchived { by })),
        1 => by().prop_map(|by| Payload::LearnerRestored(LearnerRestored { by })),
        1 => by().prop_map(|by| Payload::LearnerDeleted(LearnerDeleted { by })),
        3 => (pick(PACKS), pick(LESSONS))
            .prop_map(|(pack, lesson)| Payload::LessonOpened(LessonOpened { pack, lesson })),
        8 => (pick(PACKS), pick(LESSONS), 0..=10_000u16, 0..600u32).prop_map(
            |(pack, lesson, units, active_seconds)| {
                Payload::LessonProgressed(LessonProgressed {
                    pack,
                    lesson,
                    position: Position::new(units).unwrap_or(Position::END),
                    active_seconds,
                })
            }
        ),
        2 => (pick(PACKS), pick(LESSONS))
            .prop_map(|(pack, lesson)| Payload::LessonCompleted(LessonCompleted { pack, lesson })),
        2 => (pick(PACKS), pick(QUIZZES))
            .prop_map(|(pack, quiz)| Payload::QuizAttempted(QuizAttempted { pack, quiz })),
        4 => (pick(PACKS), pick(QUIZZES), pick(QUESTIONS), 1..50u64, pick(&["a", "b", "42"]), any::<bool>())
            .prop_map(|(pack, quiz, question, attempt, answer, correct)| {
                Payload::QuestionAnswered(QuestionAnswered {
                    pack,
                    quiz,
                    question,
                    attempt,
                    answer,
                    correct,
                })
            }),
        2 => (pick(PACKS), pick(QUIZZES), 1..50u64, 0..=100u8).prop_map(
            |(pack, quiz, attempt, score_percent)| {
                Payload::QuizScored(QuizScored {
                    pack,
                    quiz,
                    attempt,
                    score_percent,
                })
            }
        ),
        1 => (pick(PACKS), pick(QUIZZES))
            .prop_map(|(pack, quiz)| Payload::QuizMastered(QuizMastered { pack, quiz })),
        1 => pick(PACKS).prop_map(|pack| Payload::CourseCompleted(CourseCompleted { pack })),
        1 => (pick(&["badge_earned", "lesson_opened"]), 2..4u16, prop::collection::vec(any::<u8>(), 0..8))
            .prop_map(|(kind, schema, bytes)| Payload::Unknown(UnknownPayload {
                kind: kind.to_owned(),
                schema,
                bytes,
            })),
    ]
}

/// One step of the simulation: which device writes, how its physical clock
/// moved (possibly backwards), for whom, what, and whether it first
/// receives the latest event of another device.
#[derive(Debug, Clone)]
pub struct Step {
    pub device: usize,
    pub clock_jump_ms: i64,
    pub learner: usize,
    pub payload: Payload,
    pub observe_from: Option<usize>,
}

fn step(devices: usize) -> impl Strategy<Value = Step> {
    (
        0..devices,
        prop_oneof![4 => 0..60_000i64, 1 => -86_400_000..0i64, 1 => Just(0i64)],
        0..3usize,
        arb_payload(),
        prop::option::of(0..devices),
    )
        .prop_map(
            |(device, clock_jump_ms, learner, payload, observe_from)| Step {
                device,
                clock_jump_ms,
                learner,
                payload,
                observe_from,
            },
        )
}

/// Runs the steps through real chain builders. Returns each device's chain
/// in seq order.
pub fn simulate(devices: usize, steps: &[Step]) -> Vec<Vec<Event>> {
    let builders: Vec<ChainBuilder> = (0..devices)
        .map(|n| {
            ChainBuilder::new(
                device_id(n),
                OrgId::from_bytes([0x0a; 16]),
                CentreId::from_bytes([0x0c; 16]),
            )
        })
        .collect();
    let mut tips = vec![ChainTip::GENESIS; devices];
    // Each device has its own physical clock, some of them years off.
    let mut clocks: Vec<i64> = (0..devices)
        .map(|n| 1_760_000_000_000 - (n as i64) * 400_000_000_000)
        .collect();
    let mut chains: Vec<Vec<Event>> = vec![Vec::new(); devices];
    for s in steps {
        clocks[s.device] = (clocks[s.device] + s.clock_jump_ms).max(0);
        let now = clocks[s.device] as u64;
        if let Some(from) = s.observe_from
            && let Some(remote) = chains[from].last().map(|e| e.hlc)
        {
            let tip = &mut tips[s.device];
            tip.hlc = observe(tip.hlc, remote, now);
        }
        let event = builders[s.device]
            .next(&tips[s.device], now, learner_id(s.learner), &s.payload)
            .expect("generated payloads are valid");
        tips[s.device] = ChainTip {
            hlc: event.hlc.max(tips[s.device].hlc),
            ..ChainTip::after(&event)
        };
        chains[s.device].push(event);
    }
    chains
}

/// Per-device chains of a random multi-device log.
pub fn arb_chains() -> impl Strategy<Value = Vec<Vec<Event>>> {
    (1..=4usize)
        .prop_flat_map(|devices| (Just(devices), prop::collection::vec(step(devices), 0..60)))
        .prop_map(|(devices, steps)| simulate(devices, &steps))
}

/// All events of a random log, flattened.
pub fn arb_log() -> impl Strategy<Value = Vec<Event>> {
    arb_chains().prop_map(|chains| chains.into_iter().flatten().collect())
}

/// The log, shuffled, with some events repeated: what a device sees after
/// retried, reordered sync batches.
pub fn arb_log_with_shuffled_duplicates() -> impl Strategy<Value = (Vec<Event>, Vec<Event>)> {
    arb_log()
        .prop_flat_map(|log| {
            let n = log.len();
            (
                Just(log),
                prop::collection::vec(any::<prop::sample::Index>(), 0..=n),
            )
        })
        .prop_flat_map(|(log, dups)| {
            let mut noisy = log.clone();
            if !log.is_empty() {
                noisy.extend(dups.iter().map(|i| log[i.index(log.len())].clone()));
            }
            (Just(log), Just(noisy).prop_shuffle())
        })
}

/// Greatest HLC in a log, for sanity checks.
pub fn max_hlc(events: &[Event]) -> Hlc {
    events.iter().map(|e| e.hlc).max().unwrap_or(Hlc::ZERO)
}
