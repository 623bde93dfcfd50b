//! The projection tables (`learners`, `lesson_progress`, `quiz_progress`,
//! `quiz_questions`, `course_progress`): each learner's
//! [`LearnerState`] from the model's fold, stored column by column with
//! every stamp, so that a learner's state can be loaded, have events
//! applied by [`qalam_model::State::apply`] and be written back. The merge
//! rules live only in the model; this module only stores their result.

use std::collections::BTreeMap;

use qalam_model::fold::{LessonState, Lww, PackState, Profile, QuestionState, QuizState};
use qalam_model::{DeviceId, LearnerId, LearnerState, Position, Role, Stamp};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params};

use super::identity::{hlc_bytes, hlc_from, id16};
use crate::error::CoreError;

/// A stamp as 36 bytes: HLC (12, big-endian), device (16), seq (8, big-endian).
fn stamp_bytes(stamp: Stamp) -> Vec<u8> {
    let mut out = Vec::with_capacity(36);
    out.extend_from_slice(&hlc_bytes(stamp.hlc));
    out.extend_from_slice(stamp.device.as_bytes());
    out.extend_from_slice(&stamp.seq.to_be_bytes());
    out
}

fn stamp_from(bytes: &[u8]) -> Result<Stamp, CoreError> {
    if bytes.len() != 36 {
        return Err(CoreError::BadRequest(
            "a stored projection stamp is corrupt; run `qalam doctor --repair`".into(),
        ));
    }
    let mut seq = [0u8; 8];
    seq.copy_from_slice(&bytes[28..]);
    Ok(Stamp {
        hlc: hlc_from(&bytes[..12]),
        device: DeviceId::from_bytes(id16(&bytes[12..28])?),
        seq: u64::from_be_bytes(seq),
    })
}

fn opt_stamp(stamp: Option<Stamp>) -> Option<Vec<u8>> {
    stamp.map(stamp_bytes)
}

fn read_stamp(bytes: Option<Vec<u8>>) -> Result<Option<Stamp>, CoreError> {
    bytes.map(|b| stamp_from(&b)).transpose()
}

fn lww<T>(value: Option<T>, at: Option<Vec<u8>>) -> Result<Option<Lww<T>>, CoreError> {
    Ok(match (value, read_stamp(at)?) {
        (Some(value), Some(stamp)) => Some(Lww { value, stamp }),
        _ => None,
    })
}

fn role_num(role: Role) -> i64 {
    match role {
        Role::Learner => 0,
        Role::Facilitator => 1,
    }
}

fn role_of(n: i64) -> Role {
    if n == 1 {
        Role::Facilitator
    } else {
        Role::Learner
    }
}

fn db(e: rusqlite::Error) -> CoreError {
    CoreError::db("read or write the progress tables", e)
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// The stored state of one learner, or `None` if no event about them has
/// been folded.
pub fn load(conn: &Connection, learner: LearnerId) -> Result<Option<LearnerState>, CoreError> {
    let all = load_where(conn, Some(learner))?;
    Ok(all.into_values().next())
}

/// The stored state of every learner.
pub fn load_all(conn: &Connection) -> Result<BTreeMap<LearnerId, LearnerState>, CoreError> {
    load_where(conn, None)
}

/// Every learner's profile, tombstone and recency, without progress: what
/// the picker needs, read from the `learners` table alone.
pub fn load_profiles(conn: &Connection) -> Result<BTreeMap<LearnerId, LearnerState>, CoreError> {
    let mut out = BTreeMap::new();
    load_learner_rows(conn, None, &mut out)?;
    Ok(out)
}

fn filter(learner: Option<LearnerId>) -> (&'static str, Vec<Value>) {
    match learner {
        Some(id) => (
            " WHERE learner = ?1",
            vec![Value::Blob(id.as_bytes().to_vec())],
        ),
        None => ("", Vec::new()),
    }
}

fn learner_id(bytes: Vec<u8>) -> Result<LearnerId, CoreError> {
    Ok(LearnerId::from_bytes(id16(&bytes)?))
}

fn load_where(
    conn: &Connection,
    learner: Option<LearnerId>,
) -> Result<BTreeMap<LearnerId, LearnerState>, CoreError> {
    let (clause, args) = filter(learner);
    let mut out = BTreeMap::new();
    load_learner_rows(conn, learner, &mut out)?;
    load_progress_rows(conn, clause, &args, &mut out)?;
    Ok(out)
}

fn load_learner_rows(
    conn: &Connection,
    learner: Option<LearnerId>,
    out: &mut BTreeMap<LearnerId, LearnerState>,
) -> Result<(), CoreError> {
    let (clause, args) = filter(learner);
    {
        let mut stmt = conn
            .prepare_cached(&format!(
                "SELECT learner, deleted, registered, name, name_at, avatar, avatar_at, language, language_at,
                    pin_hash, pin_hash_at, picture_hash, picture_hash_at, role, role_at, archived, archived_at,
                    last_active FROM learners{clause}"
            ))
            .map_err(db)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(&args)).map_err(db)?;
        while let Some(r) = rows.next().map_err(db)? {
            let g = |i: usize| r.get::<_, Option<Vec<u8>>>(i).map_err(db);
            let s = |i: usize| r.get::<_, Option<String>>(i).map_err(db);
            let id = learner_id(r.get(0).map_err(db)?)?;
            let pin_at = read_stamp(g(10)?)?;
            let picture_at = read_stamp(g(12)?)?;
            let state = LearnerState {
                deleted: read_stamp(g(1)?)?,
                profile: Profile {
                    registered: read_stamp(g(2)?)?,
                    name: lww(s(3)?, g(4)?)?,
                    avatar: lww(s(5)?, g(6)?)?,
                    language: lww(s(7)?, g(8)?)?,
                    pin_hash: pin_at
                        .map(|stamp| {
                            Ok::<_, CoreError>(Lww {
                                value: s(9)?,
                                stamp,
                            })
                        })
                        .transpose()?,
                    picture_password_hash: picture_at
                        .map(|stamp| {
                            Ok::<_, CoreError>(Lww {
                                value: s(11)?,
                                stamp,
                            })
                        })
                        .transpose()?,
                    role: lww(
                        r.get::<_, Option<i64>>(13).map_err(db)?.map(role_of),
                        g(14)?,
                    )?,
                    archived: lww(r.get::<_, Option<bool>>(15).map_err(db)?, g(16)?)?,
                },
                packs: BTreeMap::new(),
                last_active: g(17)?.map(|b| hlc_from(&b)),
            };
            out.insert(id, state);
        }
    }
    Ok(())
}

fn load_progress_rows(
    conn: &Connection,
    clause: &str,
    args: &[Value],
    out: &mut BTreeMap<LearnerId, LearnerState>,
) -> Result<(), CoreError> {
    {
        let mut stmt = conn
            .prepare_cached(&format!(
                "SELECT learner, pack, lesson, opened, last_activity, active_seconds, position, position_at, completed
                 FROM lesson_progress{clause}"
            ))
            .map_err(db)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(args)).map_err(db)?;
        while let Some(r) = rows.next().map_err(db)? {
            let g = |i: usize| r.get::<_, Option<Vec<u8>>>(i).map_err(db);
            let id = learner_id(r.get(0).map_err(db)?)?;
            let position = r.get::<_, Option<i64>>(6).map_err(db)?.map(|p| {
                Position::new(u16::try_from(p).unwrap_or(u16::MAX)).unwrap_or(Position::END)
            });
            let lesson = LessonState {
                opened: read_stamp(g(3)?)?,
                last_activity: read_stamp(g(4)?)?,
                active_seconds: r.get::<_, i64>(5).map_err(db)? as u64,
                position: lww(position, g(7)?)?,
                completed: read_stamp(g(8)?)?,
            };
            pack(out, id, r.get(1).map_err(db)?)
                .lessons
                .insert(r.get(2).map_err(db)?, lesson);
        }
    }
    {
        let mut stmt = conn
            .prepare_cached(&format!(
                "SELECT learner, pack, quiz, attempts, best_score, last_score, last_score_at, mastered
                 FROM quiz_progress{clause}"
            ))
            .map_err(db)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(args)).map_err(db)?;
        while let Some(r) = rows.next().map_err(db)? {
            let id = learner_id(r.get(0).map_err(db)?)?;
            let score = |i: usize| {
                r.get::<_, Option<i64>>(i)
                    .map_err(db)
                    .map(|s| s.map(|s| u8::try_from(s).unwrap_or(u8::MAX)))
            };
            let quiz = QuizState {
                attempts: r.get::<_, i64>(3).map_err(db)? as u64,
                questions: BTreeMap::new(),
                best_score: score(4)?,
                last_score: lww(score(5)?, r.get(6).map_err(db)?)?,
                mastered: read_stamp(r.get(7).map_err(db)?)?,
            };
            pack(out, id, r.get(1).map_err(db)?)
                .quizzes
                .insert(r.get(2).map_err(db)?, quiz);
        }
    }
    {
        let mut stmt = conn
            .prepare_cached(&format!(
                "SELECT learner, pack, quiz, question, answers, ever_correct FROM quiz_questions{clause}"
            ))
            .map_err(db)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(args)).map_err(db)?;
        while let Some(r) = rows.next().map_err(db)? {
            let id = learner_id(r.get(0).map_err(db)?)?;
            let question = QuestionState {
                answers: r.get::<_, i64>(4).map_err(db)? as u64,
                ever_correct: r.get(5).map_err(db)?,
            };
            pack(out, id, r.get(1).map_err(db)?)
                .quizzes
                .entry(r.get(2).map_err(db)?)
                .or_default()
                .questions
                .insert(r.get(3).map_err(db)?, question);
        }
    }
    {
        let mut stmt = conn
            .prepare_cached(&format!(
                "SELECT learner, pack, completed FROM course_progress{clause}"
            ))
            .map_err(db)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(args)).map_err(db)?;
        while let Some(r) = rows.next().map_err(db)? {
            let id = learner_id(r.get(0).map_err(db)?)?;
            let completed = read_stamp(r.get(2).map_err(db)?)?;
            pack(out, id, r.get(1).map_err(db)?).completed = completed;
        }
    }
    Ok(())
}

fn pack(
    out: &mut BTreeMap<LearnerId, LearnerState>,
    learner: LearnerId,
    pack: String,
) -> &mut PackState {
    out.entry(learner)
        .or_default()
        .packs
        .entry(pack)
        .or_default()
}

/// Writes `new` over what is stored for `learner` (`old`, as loaded),
/// touching only the rows that changed.
pub fn write(
    conn: &Connection,
    learner: LearnerId,
    old: Option<&LearnerState>,
    new: &LearnerState,
) -> Result<(), CoreError> {
    let id = learner.as_bytes();
    let p = &new.profile;
    conn.prepare_cached(
        "INSERT OR REPLACE INTO learners (learner, deleted, registered, name, name_at, avatar, avatar_at,
            language, language_at, pin_hash, pin_hash_at, picture_hash, picture_hash_at, role, role_at,
            archived, archived_at, last_active)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
    )
    .and_then(|mut s| {
        s.execute(params![
            id,
            opt_stamp(new.deleted),
            opt_stamp(p.registered),
            p.name.as_ref().map(|l| &l.value),
            opt_stamp(p.name.as_ref().map(|l| l.stamp)),
            p.avatar.as_ref().map(|l| &l.value),
            opt_stamp(p.avatar.as_ref().map(|l| l.stamp)),
            p.language.as_ref().map(|l| &l.value),
            opt_stamp(p.language.as_ref().map(|l| l.stamp)),
            p.pin_hash.as_ref().and_then(|l| l.value.as_ref()),
            opt_stamp(p.pin_hash.as_ref().map(|l| l.stamp)),
            p.picture_password_hash.as_ref().and_then(|l| l.value.as_ref()),
            opt_stamp(p.picture_password_hash.as_ref().map(|l| l.stamp)),
            p.role.as_ref().map(|l| role_num(l.value)),
            opt_stamp(p.role.as_ref().map(|l| l.stamp)),
            p.archived.as_ref().map(|l| l.value),
            opt_stamp(p.archived.as_ref().map(|l| l.stamp)),
            new.last_active.map(|h| hlc_bytes(h).to_vec()),
        ])
    })
    .map_err(db)?;

    let empty = BTreeMap::new();
    let old_packs = old.map_or(&empty, |o| &o.packs);
    // Rows that disappear (only a tombstone empties a learner).
    for (pack_id, old_pack) in old_packs {
        let new_pack = new.packs.get(pack_id);
        for lesson in old_pack.lessons.keys() {
            if new_pack.is_none_or(|p| !p.lessons.contains_key(lesson)) {
                conn.execute(
                    "DELETE FROM lesson_progress WHERE learner = ?1 AND pack = ?2 AND lesson = ?3",
                    params![id, pack_id, lesson],
                )
                .map_err(db)?;
            }
        }
        for (quiz_id, quiz) in &old_pack.quizzes {
            let new_quiz = new_pack.and_then(|p| p.quizzes.get(quiz_id));
            if new_quiz.is_none() {
                conn.execute(
                    "DELETE FROM quiz_progress WHERE learner = ?1 AND pack = ?2 AND quiz = ?3",
                    params![id, pack_id, quiz_id],
                )
                .map_err(db)?;
            }
            for question in quiz.questions.keys() {
                if new_quiz.is_none_or(|q| !q.questions.contains_key(question)) {
                    conn.execute(
                        "DELETE FROM quiz_questions WHERE learner = ?1 AND pack = ?2 AND quiz = ?3 AND question = ?4",
                        params![id, pack_id, quiz_id, question],
                    )
                    .map_err(db)?;
                }
            }
        }
        if old_pack.completed.is_some() && new_pack.is_none_or(|p| p.completed.is_none()) {
            conn.execute(
                "DELETE FROM course_progress WHERE learner = ?1 AND pack = ?2",
                params![id, pack_id],
            )
            .map_err(db)?;
        }
    }
    for (pack_id, pack) in &new.packs {
        let old_pack = old_packs.get(pack_id);
        for (lesson_id, lesson) in &pack.lessons {
            if old_pack.and_then(|p| p.lessons.get(lesson_id)) == Some(lesson) {
                continue;
            }
            conn.prepare_cached(
                "INSERT OR REPLACE INTO lesson_progress (learner, pack, lesson, opened, last_activity,
                    active_seconds, position, position_at, completed)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    id,
                    pack_id,
                    lesson_id,
                    opt_stamp(lesson.opened),
                    opt_stamp(lesson.last_activity),
                    to_i64(lesson.active_seconds),
                    lesson.position.as_ref().map(|l| i64::from(l.value.units())),
                    opt_stamp(lesson.position.as_ref().map(|l| l.stamp)),
                    opt_stamp(lesson.completed),
                ])
            })
            .map_err(db)?;
        }
        for (quiz_id, quiz) in &pack.quizzes {
            let old_quiz = old_pack.and_then(|p| p.quizzes.get(quiz_id));
            let same = old_quiz.is_some_and(|o| {
                o.attempts == quiz.attempts
                    && o.best_score == quiz.best_score
                    && o.last_score == quiz.last_score
                    && o.mastered == quiz.mastered
            });
            if !same {
                conn.prepare_cached(
                    "INSERT OR REPLACE INTO quiz_progress (learner, pack, quiz, attempts, best_score,
                        last_score, last_score_at, mastered)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )
                .and_then(|mut s| {
                    s.execute(params![
                        id,
                        pack_id,
                        quiz_id,
                        to_i64(quiz.attempts),
                        quiz.best_score,
                        quiz.last_score.as_ref().map(|l| l.value),
                        opt_stamp(quiz.last_score.as_ref().map(|l| l.stamp)),
                        opt_stamp(quiz.mastered),
                    ])
                })
                .map_err(db)?;
            }
            for (question_id, question) in &quiz.questions {
                if old_quiz.and_then(|q| q.questions.get(question_id)) == Some(question) {
                    continue;
                }
                conn.prepare_cached(
                    "INSERT OR REPLACE INTO quiz_questions (learner, pack, quiz, question, answers, ever_correct)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )
                .and_then(|mut s| {
                    s.execute(params![
                        id,
                        pack_id,
                        quiz_id,
                        question_id,
                        to_i64(question.answers),
                        question.ever_correct,
                    ])
                })
                .map_err(db)?;
            }
        }
        if let Some(completed) = pack.completed
            && old_pack.and_then(|p| p.completed) != Some(completed)
        {
            conn.prepare_cached(
                "INSERT OR REPLACE INTO course_progress (learner, pack, completed) VALUES (?1, ?2, ?3)",
            )
            .and_then(|mut s| s.execute(params![id, pack_id, stamp_bytes(completed)]))
            .map_err(db)?;
        }
    }
    Ok(())
}

/// Empties every projection table (before a rebuild).
pub fn clear(conn: &Connection) -> Result<(), CoreError> {
    conn.execute_batch(
        "DELETE FROM learners; DELETE FROM lesson_progress; DELETE FROM quiz_progress;
         DELETE FROM quiz_questions; DELETE FROM course_progress;",
    )
    .map_err(|e| CoreError::db("clear the progress tables", e))
}

/// Whether a learner row exists (cheap check for the service layer).
pub fn exists(conn: &Connection, learner: LearnerId) -> Result<bool, CoreError> {
    conn.prepare_cached("SELECT 1 FROM learners WHERE learner = ?1")
        .and_then(|mut s| s.query_row([learner.as_bytes()], |_| Ok(())).optional())
        .map(|r| r.is_some())
        .map_err(db)
}
