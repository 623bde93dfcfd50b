//! `qalam simulate`: a deterministic synthetic workload (learners studying
//! packs and answering quizzes over weeks) written through the service
//! layer, for benchmarks and tests. It needs no installed pack.

use qalam_model::payload::{
    CourseCompleted, LearnerRegistered, LessonCompleted, LessonOpened, LessonProgressed,
    QuestionAnswered, QuizAttempted, QuizMastered, QuizScored,
};
use qalam_model::{LearnerId, Payload, Position, Role};
use serde::Serialize;

use super::learners::record_batch;
use crate::device::Device;
use crate::error::CoreError;
use crate::events::FakeClock;

/// splitmix64: small, fast and the same on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

const PACKS: &[&str] = &["org.qalam.sim.numeracy", "org.qalam.sim.literacy"];
const LESSONS: u64 = 8;
const QUESTIONS: u64 = 5;

/// What a simulation wrote.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Simulated {
    pub learners: u32,
    pub events: u64,
}

/// Registers `learners` profiles (ids derived from `seed`) and appends
/// about `events` study events, session by session. `clock` is the device's
/// clock; it is moved on a minute per batch and hours between sessions.
/// `committed` is called with the last seq of every batch once it is
/// durably committed.
pub fn simulate(
    device: &Device,
    clock: &FakeClock,
    learners: u32,
    events: u64,
    seed: u64,
    mut committed: impl FnMut(u64),
) -> Result<Simulated, CoreError> {
    let mut rng = Rng(seed);
    let ids: Vec<LearnerId> = (0..learners.max(1))
        .map(|_| {
            let mut bytes = [0u8; 16];
            bytes[..8].copy_from_slice(&rng.next().to_be_bytes());
            bytes[8..].copy_from_slice(&rng.next().to_be_bytes());
            LearnerId::from_bytes(bytes)
        })
        .collect();
    let registrations: Vec<(LearnerId, Payload)> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            (
                *id,
                Payload::LearnerRegistered(LearnerRegistered {
                    name: format!("Learner {}", i + 1),
                    avatar: format!("animal-{}", i % 12),
                    language: if i % 2 == 0 { "ar" } else { "en" }.into(),
                    pin_hash: None,
                    picture_password_hash: None,
                    role: Role::Learner,
                    by: None,
                }),
            )
        })
        .collect();
    record_batch(device, &registrations)?;
    committed(crate::events::tip(&device.conn(), device.identity())?.seq);
    let mut written = 0u64;
    while written < events {
        let learner = ids[rng.below(ids.len() as u64) as usize];
        let pack = PACKS[rng.below(PACKS.len() as u64) as usize].to_string();
        let lesson = format!("lesson-{}", rng.below(LESSONS) + 1);
        clock.advance(3_600_000 * (1 + rng.below(48)));
        let mut session = vec![(
            learner,
            Payload::LessonOpened(LessonOpened {
                pack: pack.clone(),
                lesson: lesson.clone(),
            }),
        )];
        let steps = 1 + rng.below(6);
        for step in 1..=steps {
            session.push((
                learner,
                Payload::LessonProgressed(LessonProgressed {
                    pack: pack.clone(),
                    lesson: lesson.clone(),
                    position: Position::new((step * 10_000 / steps) as u16)
                        .unwrap_or(Position::END),
                    active_seconds: 20 + rng.below(100) as u32,
                }),
            ));
        }
        if rng.below(3) > 0 {
            session.push((
                learner,
                Payload::LessonCompleted(LessonCompleted {
                    pack: pack.clone(),
                    lesson: lesson.clone(),
                }),
            ));
        }
        if rng.below(50) == 0 {
            session.push((
                learner,
                Payload::CourseCompleted(CourseCompleted { pack: pack.clone() }),
            ));
        }
        written += append_session(device, clock, &mut committed, &session)?;
        if written < events && rng.below(2) == 0 {
            let quiz = format!("quiz-{}", rng.below(LESSONS / 2) + 1);
            let attempted = append_session(
                device,
                clock,
                &mut committed,
                &[(
                    learner,
                    Payload::QuizAttempted(QuizAttempted {
                        pack: pack.clone(),
                        quiz: quiz.clone(),
                    }),
                )],
            )?;
            written += attempted;
            let attempt = crate::events::tip(&device.conn(), device.identity())?.seq;
            let mut answers = Vec::new();
            let mut correct = 0;
            for q in 1..=QUESTIONS {
                let ok = rng.below(10) < 7;
                correct += u64::from(ok);
                answers.push((
                    learner,
                    Payload::QuestionAnswered(QuestionAnswered {
                        pack: pack.clone(),
                        quiz: quiz.clone(),
                        question: format!("q{q}"),
                        attempt,
                        answer: rng.below(10).to_string(),
                        correct: ok,
                    }),
                ));
            }
            let score = (correct * 100 / QUESTIONS) as u8;
            answers.push((
                learner,
                Payload::QuizScored(QuizScored {
                    pack: pack.clone(),
                    quiz: quiz.clone(),
                    attempt,
                    score_percent: score,
                }),
            ));
            if score >= 80 {
                answers.push((learner, Payload::QuizMastered(QuizMastered { pack, quiz })));
            }
            written += append_session(device, clock, &mut committed, &answers)?;
        }
    }
    Ok(Simulated {
        learners: ids.len() as u32,
        events: written + ids.len() as u64,
    })
}

fn append_session(
    device: &Device,
    clock: &FakeClock,
    committed: &mut impl FnMut(u64),
    items: &[(LearnerId, Payload)],
) -> Result<u64, CoreError> {
    clock.advance(60_000);
    let events = record_batch(device, items)?;
    if let Some(last) = events.last() {
        committed(last.seq);
    }
    Ok(events.len() as u64)
}
