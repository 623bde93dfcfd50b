use std::sync::Arc;

use proptest::prelude::*;
use qalam_model::payload::{
    CourseCompleted, LearnerDeleted, LearnerRegistered, LearnerUpdated, LessonCompleted,
    LessonOpened, LessonProgressed, QuestionAnswered, QuizAttempted, QuizMastered, QuizScored,
    UnknownPayload,
};
use qalam_model::{CentreId, DeviceId, OrgId, Position, Role, fold, verify_chain};

use super::*;
use crate::storage;

fn db() -> (tempfile::TempDir, Connection) {
    let dir = tempfile::tempdir().unwrap();
    let conn = storage::open(&dir.path().join("t.sqlite")).unwrap();
    (dir, conn)
}

fn me(conn: &mut Connection) -> Identity {
    identity::load_or_create(conn).unwrap()
}

fn learner(n: u8) -> LearnerId {
    LearnerId::from_bytes([n; 16])
}

fn progressed(lesson: &str, units: u16, secs: u32) -> Payload {
    Payload::LessonProgressed(LessonProgressed {
        pack: "org.test.maths".into(),
        lesson: lesson.into(),
        position: Position::new(units).unwrap(),
        active_seconds: secs,
    })
}

fn registered(name: &str) -> Payload {
    Payload::LearnerRegistered(LearnerRegistered {
        name: name.into(),
        avatar: "a1".into(),
        language: "ar".into(),
        pin_hash: None,
        picture_password_hash: None,
        role: Role::Learner,
        by: None,
    })
}

#[test]
fn the_device_id_is_made_once_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.sqlite");
    let first = me(&mut storage::open(&path).unwrap());
    let again = me(&mut storage::open(&path).unwrap());
    assert_eq!(first, again);
    assert!(!first.device.is_zero());
    assert!(first.org.is_zero() && first.centre.is_zero());
    let conn = storage::open(&path).unwrap();
    let err = conn
        .execute("UPDATE device SET device_id = zeroblob(16)", [])
        .unwrap_err();
    assert!(err.to_string().contains("never changes"), "{err}");
    let other = me(&mut storage::open(&dir.path().join("u.sqlite")).unwrap());
    assert_ne!(first.device, other.device);
}

#[test]
fn appends_chain_and_the_tip_is_read_back_from_the_log() {
    let (_d, mut conn) = db();
    let id = me(&mut conn);
    let clock = FakeClock::new(1_000);
    let a = append(&mut conn, &id, &clock, &[(learner(1), registered("Amal"))]).unwrap();
    let b = append(
        &mut conn,
        &id,
        &clock,
        &[
            (learner(1), progressed("l1", 10, 5)),
            (learner(1), progressed("l1", 20, 5)),
        ],
    )
    .unwrap();
    assert_eq!(a[0].seq, 1);
    assert_eq!([b[0].seq, b[1].seq], [2, 3]);
    assert_eq!(b[0].prev_hash, a[0].hash());
    // Same millisecond: the counter moves on.
    assert!(b[0].hlc > a[0].hlc && b[1].hlc > b[0].hlc);
    let tip = tip(&conn, &id).unwrap();
    assert_eq!((tip.seq, tip.hash, tip.hlc), (3, b[1].hash(), b[1].hlc));
    let mut all = Vec::new();
    storage::events::for_each(&conn, |e| {
        all.push(e);
        Ok(())
    })
    .unwrap();
    verify_chain(&all).unwrap();
}

#[test]
fn the_clock_going_back_or_a_remote_clock_ahead_never_reorders_new_events() {
    let (_d, mut conn) = db();
    let id = me(&mut conn);
    let clock = FakeClock::new(1_700_000_000_000);
    let first = append(&mut conn, &id, &clock, &[(learner(1), registered("A"))]).unwrap();
    clock.set(1_262_304_000_000); // flat battery: back to 2010
    let second = append(
        &mut conn,
        &id,
        &clock,
        &[(learner(1), progressed("l", 1, 1))],
    )
    .unwrap();
    assert!(second[0].hlc > first[0].hlc);
    // A remote event far ahead: the next local event is ordered after it.
    let remote = ChainBuilder::new(
        DeviceId::from_bytes([9; 16]),
        OrgId::default(),
        CentreId::default(),
    )
    .next(
        &ChainTip::GENESIS,
        1_900_000_000_000,
        learner(1),
        &progressed("l", 2, 1),
    )
    .unwrap();
    merge(&mut conn, std::slice::from_ref(&remote)).unwrap();
    let third = append(
        &mut conn,
        &id,
        &clock,
        &[(learner(1), progressed("l", 3, 1))],
    )
    .unwrap();
    assert!(third[0].hlc > remote.hlc);
    assert_eq!(third[0].seq, 3);
}

#[test]
fn the_log_refuses_update_and_delete() {
    let (_d, mut conn) = db();
    let id = me(&mut conn);
    append(
        &mut conn,
        &id,
        &FakeClock::new(5),
        &[(learner(1), registered("A"))],
    )
    .unwrap();
    for sql in [
        "UPDATE events SET body = x'00'",
        "UPDATE events SET seq = 7",
        "DELETE FROM events",
    ] {
        let err = conn.execute(sql, []).unwrap_err();
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
    assert_eq!(storage::events::count(&conn).unwrap(), 1);
}

#[test]
fn merging_is_idempotent_and_a_fork_is_refused_with_a_typed_error() {
    let (_d, mut conn) = db();
    let builder = ChainBuilder::new(
        DeviceId::from_bytes([7; 16]),
        OrgId::default(),
        CentreId::default(),
    );
    let e1 = builder
        .next(&ChainTip::GENESIS, 10, learner(2), &registered("Badr"))
        .unwrap();
    let e2 = builder
        .next(
            &ChainTip::after(&e1),
            11,
            learner(2),
            &progressed("l", 5, 30),
        )
        .unwrap();
    let first = merge(&mut conn, &[e1.clone(), e2.clone()]).unwrap();
    assert_eq!(
        first,
        Merged {
            new: 2,
            duplicate: 0
        }
    );
    let again = merge(&mut conn, &[e2.clone(), e1.clone(), e2.clone()]).unwrap();
    assert_eq!(
        again,
        Merged {
            new: 0,
            duplicate: 3
        }
    );
    let state = projections::load(&conn, learner(2)).unwrap().unwrap();
    assert_eq!(
        state.packs["org.test.maths"].lessons["l"].active_seconds,
        30
    );

    let forked = builder
        .next(
            &ChainTip::after(&e1),
            12,
            learner(2),
            &progressed("l", 6, 99),
        )
        .unwrap();
    let new_one = builder
        .next(
            &ChainTip::after(&e2),
            13,
            learner(2),
            &progressed("l", 7, 1),
        )
        .unwrap();
    let err = merge(&mut conn, &[new_one, forked]).unwrap_err();
    assert!(matches!(err, CoreError::Fork { seq: 2, .. }), "{err}");
    assert_eq!(err.code(), "conflict");
    // The whole batch was refused: nothing of it is stored or projected.
    assert_eq!(storage::events::count(&conn).unwrap(), 2);
    let after = projections::load(&conn, learner(2)).unwrap().unwrap();
    assert_eq!(after, state);
}

#[test]
fn unknown_kinds_are_stored_and_leave_no_learner_behind() {
    let (_d, mut conn) = db();
    let id = me(&mut conn);
    let unknown = Payload::Unknown(UnknownPayload {
        kind: "future_thing".into(),
        schema: 1,
        bytes: vec![1, 2, 3],
    });
    append(&mut conn, &id, &FakeClock::new(1), &[(learner(4), unknown)]).unwrap();
    assert_eq!(storage::events::count(&conn).unwrap(), 1);
    assert!(projections::load_all(&conn).unwrap().is_empty());
    assert!(fold_log(&conn).unwrap().learners.is_empty());
}

/// `cargo test -p qalam-core bytes_per_event -- --nocapture` prints the
/// measured size. The workload is the model's size test: 8 learners
/// taking turns, one `lesson_progressed` every ~30 s, appended in batches.
#[test]
fn bytes_per_event_stay_under_200() {
    let (dir, mut conn) = db();
    let id = me(&mut conn);
    let clock = FakeClock::new(1_760_000_000_000);
    let events = 20_000u32;
    let mut batch = Vec::new();
    for i in 0..events {
        let who = (i % 8) as u8;
        let payload = if i % 5 == 4 {
            Payload::QuestionAnswered(QuestionAnswered {
                pack: "org.qalam.numeracy".into(),
                quiz: format!("quiz-{}", i % 3),
                question: format!("q{}", i % 7),
                attempt: u64::from(i),
                answer: "42".into(),
                correct: i % 3 == 0,
            })
        } else {
            Payload::LessonProgressed(LessonProgressed {
                pack: "org.qalam.numeracy".into(),
                lesson: format!("lesson-{:02}", (i / 40) % 12),
                position: Position::new((i % 10_000) as u16).unwrap(),
                active_seconds: 30,
            })
        };
        batch.push((learner(who), payload));
        clock.advance(30_000);
        if batch.len() == 500 {
            append(&mut conn, &id, &clock, &batch).unwrap();
            batch.clear();
        }
    }
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
        .unwrap();
    drop(conn);
    let size = std::fs::metadata(dir.path().join("t.sqlite"))
        .unwrap()
        .len();
    let per_event = size as f64 / f64::from(events);
    println!(
        "bytes_per_event: {per_event:.1} ({size} bytes for {events} events, indexes and projections included)"
    );
    assert!(per_event <= 200.0, "{per_event:.1} bytes per event");
}

// ---- property tests: incremental == rebuilt == model fold ----

fn payload_strategy() -> impl Strategy<Value = Payload> {
    let pack = prop::sample::select(vec!["p1", "p2"]).prop_map(String::from);
    let item = prop::sample::select(vec!["a", "b"]).prop_map(String::from);
    prop_oneof![
        prop::sample::select(vec!["Amal", "Badr", "Dina"]).prop_map(registered),
        prop::sample::select(vec!["X", "Y"]).prop_map(|n| Payload::LearnerUpdated(
            LearnerUpdated {
                name: Some(n.into()),
                pin_hash: Some(None),
                ..LearnerUpdated::default()
            }
        )),
        Just(Payload::LearnerDeleted(LearnerDeleted { by: None })),
        Just(Payload::LearnerArchived(Default::default())),
        Just(Payload::LearnerRestored(Default::default())),
        (pack.clone(), item.clone())
            .prop_map(|(pack, lesson)| Payload::LessonOpened(LessonOpened { pack, lesson })),
        (pack.clone(), item.clone(), 0u16..=10_000, 0u32..600).prop_map(|(pack, lesson, p, s)| {
            Payload::LessonProgressed(LessonProgressed {
                pack,
                lesson,
                position: Position::new(p).unwrap(),
                active_seconds: s,
            })
        }),
        (pack.clone(), item.clone())
            .prop_map(|(pack, lesson)| Payload::LessonCompleted(LessonCompleted { pack, lesson })),
        (pack.clone(), item.clone())
            .prop_map(|(pack, quiz)| Payload::QuizAttempted(QuizAttempted { pack, quiz })),
        (pack.clone(), item.clone(), item.clone(), any::<bool>()).prop_map(
            |(pack, quiz, question, correct)| {
                Payload::QuestionAnswered(QuestionAnswered {
                    pack,
                    quiz,
                    question,
                    attempt: 1,
                    answer: "1".into(),
                    correct,
                })
            }
        ),
        (pack.clone(), item.clone(), 0u8..=100).prop_map(|(pack, quiz, score_percent)| {
            Payload::QuizScored(QuizScored {
                pack,
                quiz,
                attempt: 1,
                score_percent,
            })
        }),
        (pack.clone(), item)
            .prop_map(|(pack, quiz)| Payload::QuizMastered(QuizMastered { pack, quiz })),
        pack.prop_map(|pack| Payload::CourseCompleted(CourseCompleted { pack })),
        Just(Payload::Unknown(UnknownPayload {
            kind: "later_kind".into(),
            schema: 1,
            bytes: vec![7]
        })),
    ]
}

/// Up to four devices, each writing a chain; clocks that jump back.
fn log_strategy() -> impl Strategy<Value = Vec<Event>> {
    prop::collection::vec(
        (0u8..4, 0u8..3, -5_000i64..20_000, payload_strategy()),
        1..60,
    )
    .prop_map(|steps| {
        let mut tips = [ChainTip::GENESIS; 4];
        let mut now = [1_000_000i64; 4];
        let mut out = Vec::new();
        for (dev, who, dt, payload) in steps {
            let d = usize::from(dev);
            now[d] = (now[d] + dt).max(0);
            let builder = ChainBuilder::new(
                DeviceId::from_bytes([dev + 1; 16]),
                OrgId::default(),
                CentreId::default(),
            );
            let event = builder
                .next(&tips[d], now[d] as u64, learner(who), &payload)
                .unwrap();
            tips[d] = ChainTip::after(&event);
            out.push(event);
        }
        out
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn incremental_equals_rebuilt_equals_fold(
        log in log_strategy(),
        order in prop::collection::vec(any::<prop::sample::Index>(), 0..200),
        dups in prop::collection::vec(any::<prop::sample::Index>(), 0..20),
        batch in 1usize..8,
    ) {
        // Deliver in a random order, with duplicates, in batches.
        let mut delivery = log.clone();
        for i in &dups {
            delivery.push(log[i.index(log.len())].clone());
        }
        let len = delivery.len();
        for (k, i) in order.iter().enumerate() {
            delivery.swap(k % len, i.index(len));
        }
        let (_d, mut conn) = db();
        for chunk in delivery.chunks(batch) {
            merge(&mut conn, chunk).unwrap();
        }
        let expected = fold(&log).learners;
        let incremental = projections::load_all(&conn).unwrap();
        prop_assert_eq!(&incremental, &expected);
        rebuild_projections(&mut conn).unwrap();
        let rebuilt = projections::load_all(&conn).unwrap();
        prop_assert_eq!(&rebuilt, &expected);
        let me = me(&mut conn);
        let report = check::run(&conn, &me).unwrap();
        prop_assert!(report.ok(), "{:?}", report);
    }
}

#[test]
fn doctor_reports_a_projection_that_differs_from_the_log() {
    let (_d, mut conn) = db();
    let id = me(&mut conn);
    append(
        &mut conn,
        &id,
        &FakeClock::new(3),
        &[
            (learner(1), registered("A")),
            (learner(1), progressed("l", 9, 60)),
        ],
    )
    .unwrap();
    assert!(check::run(&conn, &id).unwrap().ok());
    conn.execute("UPDATE lesson_progress SET active_seconds = 61", [])
        .unwrap();
    let report = check::run(&conn, &id).unwrap();
    assert_eq!(report.problems.len(), 1, "{report:?}");
    assert!(
        report.problems[0].contains("differ from a rebuild"),
        "{report:?}"
    );
    rebuild_projections(&mut conn).unwrap();
    assert!(check::run(&conn, &id).unwrap().ok());
}

#[test]
fn a_device_opened_twice_shares_the_identity() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FakeClock::new(0));
    let a = crate::Device::open_with_clock(dir.path(), crate::Settings::default(), clock.clone())
        .unwrap();
    let id = *a.identity();
    drop(a);
    let b = crate::Device::open_with_clock(dir.path(), crate::Settings::default(), clock).unwrap();
    assert_eq!(*b.identity(), id);
}

/// Rough throughput, durably (synchronous=FULL) on the test's disk:
/// `cargo test -p qalam-core --release --lib append_throughput -- --ignored --nocapture`.
#[test]
#[ignore = "measurement, not a check"]
fn append_throughput() {
    let (_d, mut conn) = db();
    let id = me(&mut conn);
    let clock = FakeClock::new(1_760_000_000_000);
    let batch: Vec<(LearnerId, Payload)> = (0..1000u32)
        .map(|i| {
            (
                learner((i % 8) as u8),
                progressed(&format!("l{}", i % 12), (i % 10_000) as u16, 30),
            )
        })
        .collect();
    let start = std::time::Instant::now();
    for _ in 0..20 {
        append(&mut conn, &id, &clock, &batch).unwrap();
    }
    let batched = 20_000.0 / start.elapsed().as_secs_f64();
    let start = std::time::Instant::now();
    for item in batch.iter().take(500) {
        append(&mut conn, &id, &clock, std::slice::from_ref(item)).unwrap();
    }
    let single = 500.0 / start.elapsed().as_secs_f64();
    let start = std::time::Instant::now();
    rebuild_projections(&mut conn).unwrap();
    let rebuild = start.elapsed();
    println!(
        "append_throughput: batched {batched:.0} events/s, one at a time {single:.0} events/s, rebuild of 20,500 events {rebuild:?}"
    );
}

#[test]
fn doctor_notes_gaps_of_other_devices_but_fails_on_gaps_or_corruption_of_its_own() {
    let (_d, mut conn) = db();
    let id = me(&mut conn);
    let builder = ChainBuilder::new(
        DeviceId::from_bytes([5; 16]),
        OrgId::default(),
        CentreId::default(),
    );
    let mut tip = ChainTip::GENESIS;
    let mut remote = Vec::new();
    for i in 0..4 {
        let e = builder
            .next(&tip, 100 + i, learner(3), &progressed("l", 1, 1))
            .unwrap();
        tip = ChainTip::after(&e);
        remote.push(e);
    }
    merge(
        &mut conn,
        &[remote[0].clone(), remote[1].clone(), remote[3].clone()],
    )
    .unwrap();
    let report = check::run(&conn, &id).unwrap();
    assert!(report.ok(), "{report:?}");
    assert!(
        report
            .notes
            .iter()
            .any(|n| n.contains("events 3..3 are missing (not yet received)")),
        "{report:?}"
    );
    merge(&mut conn, &remote[2..3]).unwrap();
    assert!(
        check::run(&conn, &id)
            .unwrap()
            .notes
            .iter()
            .all(|n| !n.contains("missing"))
    );

    let own = append(
        &mut conn,
        &id,
        &FakeClock::new(1),
        &[
            (learner(1), registered("A")),
            (learner(1), progressed("l", 2, 2)),
        ],
    )
    .unwrap();
    // A row that bypassed the engine: seq 4 of this device, after a gap.
    let later = ChainBuilder::new(id.device, id.org, id.centre)
        .next(
            &ChainTip {
                seq: 3,
                ..ChainTip::after(&own[1])
            },
            2,
            learner(1),
            &progressed("l", 3, 3),
        )
        .unwrap();
    let n = identity::device_number(&conn, id.device).unwrap();
    storage::events::insert(&conn, n, &later).unwrap();
    // And a corrupt body for seq 1 of the other device.
    let other = identity::device_number(&conn, remote[0].device).unwrap();
    conn.execute_batch("DROP TRIGGER events_no_update;")
        .unwrap();
    conn.execute(
        "UPDATE events SET body = x'01ff' WHERE dev = ?1 AND seq = 1",
        [other],
    )
    .unwrap();
    let report = check::run(&conn, &id).unwrap();
    let text = report.problems.join("\n");
    assert!(
        text.contains("events 3..3 are missing from this device's own chain"),
        "{text}"
    );
    assert!(text.contains("event at seq 1 is corrupt"), "{text}");
}

#[test]
fn two_handles_on_one_folder_never_build_the_same_seq() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.sqlite");
    let mut a = storage::open(&path).unwrap();
    let mut b = storage::open(&path).unwrap();
    let id = me(&mut a);
    assert_eq!(me(&mut b), id);
    let threads: Vec<_> = [a, b]
        .into_iter()
        .map(|mut conn| {
            std::thread::spawn(move || {
                let clock = FakeClock::new(10);
                for i in 0..50u16 {
                    append(
                        &mut conn,
                        &id,
                        &clock,
                        &[(learner(1), progressed("l", i, 1))],
                    )
                    .unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let conn = storage::open(&path).unwrap();
    assert_eq!(tip(&conn, &id).unwrap().seq, 100);
    assert!(check::run(&conn, &id).unwrap().ok());
}
