//! The signed-in service layer on a real data folder: sessions, PIN
//! slow-down, roles, per-learner isolation, grading and completion rules.
//!
//! The Tauri commands are one-line delegations to the typed functions in
//! `qalam_core::api::{session, study, facilitate}` with the window's token;
//! the HTTP transport goes through `dispatch`, which calls the same
//! functions. These tests drive both entry points; `qalam-web`'s tests add
//! the real HTTP server.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::sync::Arc;

use qalam_core::api::dispatch::{COMMANDS, PUBLIC_COMMANDS, dispatch};
use qalam_core::api::{facilitate, learners, session, study};
use qalam_core::events::FakeClock;
use qalam_core::{CoreError, Device, Settings};
use serde_json::{Value, json};

const PACK: &str = "org.test.study";

const PACK_TOML: &str = r#"
id = "org.test.study"
version = "1.0.0"
languages = ["en", "ar"]
subject = "numeracy"
level = "beginner"
license = "CC-BY-SA-4.0"
title = { en = "Study", ar = "دراسة" }
description = { en = "Test", ar = "اختبار" }
publisher = { name = { en = "Tests" } }

[[lessons]]
id = "read"
title = { en = "Read", ar = "اقرأ" }
content = { en = "lessons/read.en.html" }

[[lessons]]
id = "timed"
title = { en = "Timed", ar = "مؤقت" }
content = { en = "lessons/read.en.html" }
completion = { kind = "time", min_seconds = 120 }

[[lessons]]
id = "checked"
title = { en = "Checked", ar = "مختبر" }
content = { en = "lessons/read.en.html" }
completion = { kind = "quiz_mastered" }
quiz = "q"

[[quizzes]]
id = "q"
title = { en = "Quiz", ar = "اختبار" }
mastery = { min_score_percent = 75 }

[[quizzes.questions]]
id = "single"
type = "single_choice"
prompt = { en = "Pick a", ar = "اختر أ" }
feedback = { correct = { en = "Yes!", ar = "نعم!" }, incorrect = { en = "Not quite.", ar = "ليس تمامًا." } }

[[quizzes.questions.choices]]
id = "a"
text = { en = "A" }
correct = true

[[quizzes.questions.choices]]
id = "b"
text = { en = "B" }
feedback = { en = "B is not it.", ar = "ليس ب." }

[[quizzes.questions]]
id = "multi"
type = "multiple_choice"
prompt = { en = "Pick a and b" }

[[quizzes.questions.choices]]
id = "a"
text = { en = "A" }
correct = true

[[quizzes.questions.choices]]
id = "b"
text = { en = "B" }
correct = true

[[quizzes.questions.choices]]
id = "c"
text = { en = "C" }

[[quizzes.questions]]
id = "num"
type = "numeric"
prompt = { en = "Two and a half" }
answer = 2.5
tolerance = 0.01

[[quizzes.questions]]
id = "text"
type = "short_text"
prompt = { en = "A city" }
accept = { en = ["New  York"], ar = ["نيويورك"] }
"#;

struct Fx {
    _dir: tempfile::TempDir,
    device: Arc<Device>,
    clock: Arc<FakeClock>,
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A device with the study pack installed, a facilitator (password
/// `secret-9`), a learner Amal with PIN 1234 and a learner Badr without.
fn setup() -> (Fx, String, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    write(&src.join("pack.toml"), PACK_TOML);
    write(&src.join("lessons/read.en.html"), "<h1>Read</h1>");
    let key = qalam_pack::generate_keypair().unwrap();
    let pack = dir.path().join("study.qpack");
    qalam_pack::build_pack(&src, &pack, Some(&key)).unwrap();
    let clock = Arc::new(FakeClock::new(1_700_000_000_000));
    let settings = Settings {
        scan_system_mounts: false,
        ..Settings::default()
    };
    let device = Arc::new(
        Device::open_with_clock(&dir.path().join("data"), settings, clock.clone()).unwrap(),
    );
    qalam_core::api::trust_add(&device, &key.public_key().to_file_string(), None).unwrap();
    qalam_core::packs::install::install_file(&device, &pack, false, &mut |_, _| {}).unwrap();
    let fac = learners::learner_add(&device, "Hana", Some("secret-9"), true).unwrap();
    clock.advance(10);
    let amal = learners::learner_add(&device, "Amal", Some("1234"), false).unwrap();
    clock.advance(10);
    let badr = learners::learner_add(&device, "Badr", None, false).unwrap();
    (
        Fx {
            _dir: dir,
            device,
            clock,
        },
        fac.id,
        amal.id,
        badr.id,
    )
}

fn token(fx: &Fx, id: &str, pin: Option<&str>) -> String {
    session::sign_in(&fx.device, id, pin)
        .unwrap()
        .token
        .unwrap()
}

fn call(fx: &Fx, command: &str, args: Value, token: Option<&str>) -> Result<Value, String> {
    dispatch(&fx.device, command, args, token, "test").map_err(|e| e.code)
}

#[test]
fn the_picker_shows_only_public_fields_recent_first() {
    let (fx, fac, amal, badr) = setup();
    let picker = call(&fx, "profiles_for_picker", Value::Null, None).unwrap();
    let ids: Vec<&str> = picker
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [badr.as_str(), amal.as_str(), fac.as_str()]);
    let mut keys: Vec<&String> = picker[1].as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["avatar", "has_pin", "id", "name", "sign_in_with"]);
    assert_eq!(picker[1]["has_pin"], true);
    assert_eq!(picker[1]["sign_in_with"], "pin");
    assert_eq!(picker[0]["has_pin"], false);
    assert_eq!(picker[0]["sign_in_with"], "none");
}

#[test]
fn picture_passwords_sign_in_like_pins_and_follow_the_newest_reset() {
    let (fx, fac, amal, _) = setup();
    let f = token(&fx, &fac, Some("secret-9"));
    let d = &fx.device;
    // Pictures 3, 9, 1, 7 of the nine, sent as digits (any script).
    let added = call(
        &fx,
        "learner_add",
        json!({"name": "Nour", "pin": "٣٩١٧", "pictures": true}),
        Some(&f),
    )
    .unwrap();
    assert_eq!(added["sign_in_with"], "pictures");
    let nour = added["id"].as_str().unwrap().to_string();
    let picker = session::profiles_for_picker(d).unwrap();
    let entry = picker.iter().find(|p| p.id == nour).unwrap();
    assert_eq!((entry.sign_in_with, entry.has_pin), ("pictures", true));
    assert!(session::sign_in(d, &nour, Some("3917")).is_ok());
    assert_eq!(
        call(&fx, "sign_in", json!({"learner_id": nour}), None),
        Err("wrong_pin".into())
    );
    // Not exactly four pictures of 1–9, or pictures for a facilitator.
    for bad in [
        json!({"name": "X", "pin": "1230", "pictures": true}),
        json!({"name": "X", "pin": "12345", "pictures": true}),
        json!({"name": "X", "pictures": true}),
        json!({"name": "X", "pin": "1234", "pictures": true, "facilitator": true}),
    ] {
        assert_eq!(
            call(&fx, "learner_add", bad.clone(), Some(&f)),
            Err("bad_request".into()),
            "{bad}"
        );
    }
    // Wrong picture passwords slow down exactly like wrong PINs.
    for _ in 0..2 {
        assert!(matches!(
            session::sign_in(d, &nour, Some("1111")),
            Err(CoreError::WrongPin(_))
        ));
    }
    assert!(matches!(
        session::sign_in(d, &nour, Some("1111")),
        Err(CoreError::SlowDown { .. })
    ));
    assert!(matches!(
        session::sign_in(d, &nour, Some("3917")),
        Err(CoreError::SlowDown { .. })
    ));
    // A reset to a PIN and back to pictures; the old secret stops working.
    let reset = call(
        &fx,
        "learner_reset_pin",
        json!({"learner_id": nour, "pin": "2468", "pictures": true}),
        Some(&f),
    )
    .unwrap();
    assert_eq!(reset["sign_in_with"], "pictures");
    assert!(session::sign_in(d, &nour, Some("3917")).is_err());
    assert!(session::sign_in(d, &nour, Some("2468")).is_ok());
    let to_pin = facilitate::learner_reset_pin(d, Some(&f), &nour, Some("555555"), false).unwrap();
    assert_eq!(to_pin.sign_in_with, "pin");
    assert!(session::sign_in(d, &nour, Some("2468")).is_err());
    assert!(session::sign_in(d, &nour, Some("555555")).is_ok());
    let amal_pictures =
        facilitate::learner_reset_pin(d, Some(&f), &amal, Some("9999"), true).unwrap();
    assert_eq!(amal_pictures.sign_in_with, "pictures");
    assert!(session::sign_in(d, &amal, Some("1234")).is_err());
    let cleared = facilitate::learner_reset_pin(d, Some(&f), &amal, None, false).unwrap();
    assert_eq!((cleared.sign_in_with, cleared.has_pin), ("none", false));
    assert!(session::sign_in(d, &amal, None).is_ok());
    assert!(learners::doctor(d).unwrap().ok());
    let before = session::profiles_for_picker(d).unwrap();
    learners::rebuild_projections(d).unwrap();
    assert_eq!(session::profiles_for_picker(d).unwrap(), before);
}

#[test]
fn pins_in_any_digit_script_sign_in_and_wrong_ones_slow_down() {
    let (fx, fac, amal, badr) = setup();
    // Arabic-Indic and Extended Arabic-Indic digits are the same PIN.
    assert!(session::sign_in(&fx.device, &amal, Some("١٢٣٤")).is_ok());
    assert!(session::sign_in(&fx.device, &amal, Some("۱۲۳۴")).is_ok());
    // A profile without a PIN needs none; one with a PIN does.
    assert!(session::sign_in(&fx.device, &badr, None).is_ok());
    assert_eq!(
        call(&fx, "sign_in", json!({"learner_id": amal}), None),
        Err("wrong_pin".into())
    );
    // Facilitators sign in with their password.
    let info = session::sign_in(&fx.device, &fac, Some("secret-9")).unwrap();
    assert_eq!(info.role, "facilitator");

    // Two wrong PINs are only wrong; the third starts the slow-down.
    for _ in 0..2 {
        assert!(matches!(
            session::sign_in(&fx.device, &amal, Some("9999")),
            Err(CoreError::WrongPin(_))
        ));
    }
    let slow = dispatch(
        &fx.device,
        "sign_in",
        json!({"learner_id": amal, "pin": "9999"}),
        None,
        "test",
    )
    .unwrap_err();
    assert_eq!(
        (slow.code.as_str(), slow.retry_after_s),
        ("slow_down", Some(5))
    );
    // While locked even the right PIN is refused, without being checked.
    let locked = session::sign_in(&fx.device, &amal, Some("1234")).unwrap_err();
    assert!(matches!(locked, CoreError::SlowDown { retry_after_s: 5 }));
    // Each further wrong PIN doubles the wait.
    fx.clock.advance(5_000);
    let again = session::sign_in(&fx.device, &amal, Some("0000")).unwrap_err();
    assert!(matches!(again, CoreError::SlowDown { retry_after_s: 10 }));
    fx.clock.advance(4_000);
    assert!(matches!(
        session::sign_in(&fx.device, &amal, Some("1234")),
        Err(CoreError::SlowDown { retry_after_s: 6 })
    ));
    // Other profiles are not slowed down.
    assert!(session::sign_in(&fx.device, &badr, None).is_ok());
    fx.clock.advance(6_000);
    assert!(session::sign_in(&fx.device, &amal, Some("1234")).is_ok());
    // A success clears the count.
    assert!(matches!(
        session::sign_in(&fx.device, &amal, Some("9999")),
        Err(CoreError::WrongPin(_))
    ));
}

#[test]
fn sessions_expire_after_inactivity_and_calls_refresh_them() {
    let (fx, _, _, badr) = setup();
    let t = token(&fx, &badr, None);
    fx.clock.advance(14 * 60 * 1000);
    assert!(call(&fx, "session_info", Value::Null, Some(&t)).is_ok());
    fx.clock.advance(14 * 60 * 1000);
    // Refreshed 14 minutes ago: still valid.
    assert!(call(&fx, "my_progress", json!({"lang": "en"}), Some(&t)).is_ok());
    fx.clock.advance(15 * 60 * 1000);
    assert_eq!(
        call(&fx, "my_progress", json!({}), Some(&t)),
        Err("unauthenticated".into())
    );
    // Signing out ends a session at once.
    let t = token(&fx, &badr, None);
    call(&fx, "sign_out", Value::Null, Some(&t)).unwrap();
    assert_eq!(
        call(&fx, "session_info", Value::Null, Some(&t)),
        Err("unauthenticated".into())
    );
    assert_eq!(
        call(&fx, "session_info", Value::Null, Some("not-a-token")),
        Err("unauthenticated".into())
    );
}

#[test]
fn every_private_command_needs_a_session_and_facilitator_ones_the_role() {
    let (fx, fac, _, badr) = setup();
    let learner = token(&fx, &badr, None);
    let facilitator_only = [
        "usb_scan",
        "import_start",
        "import_status",
        "pack_remove",
        "trust_list",
        "trust_add",
        "learner_list",
        "learner_add",
        "learner_rename",
        "learner_archive",
        "learner_reset_pin",
        "centre_progress",
    ];
    let args = json!({
        "lang": "en", "paths": ["/tmp/x.qpack"], "allow_untrusted": true, "job": 1,
        "id": PACK, "public_key": "x", "name": "Eve", "learner_id": fac,
        "pin": "1111", "pack_id": PACK, "lesson_id": "read", "quiz_id": "q",
        "position": 0, "active_seconds": 0, "attempt": 1, "question_id": "single",
        "answer": "a",
    });
    for command in COMMANDS {
        if PUBLIC_COMMANDS.contains(command) || *command == "sign_out" {
            continue;
        }
        assert_eq!(
            call(&fx, command, args.clone(), None),
            Err("unauthenticated".into()),
            "{command}"
        );
    }
    for command in facilitator_only {
        assert_eq!(
            call(&fx, command, args.clone(), Some(&learner)),
            Err("forbidden".into()),
            "{command}"
        );
    }
    // Nothing changed: the pack is installed, Hana's name is Hana.
    assert!(qalam_core::api::get_pack(&fx.device, "en", PACK).is_ok());
    let facilitator = token(&fx, &fac, Some("secret-9"));
    let list = call(&fx, "learner_list", Value::Null, Some(&facilitator)).unwrap();
    assert!(list.as_array().unwrap().iter().any(|l| l["name"] == "Hana"));
    assert_eq!(list.as_array().unwrap().len(), 3);
}

#[test]
fn a_learner_cannot_read_or_write_another_learners_progress() {
    let (fx, _, amal, badr) = setup();
    let a = token(&fx, &amal, Some("1234"));
    let b = token(&fx, &badr, None);

    // Amal studies, through the typed functions (what Tauri calls).
    study::lesson_open(&fx.device, Some(&a), PACK, "read").unwrap();
    study::lesson_progress(&fx.device, Some(&a), PACK, "timed", 5000, 120).unwrap();
    let attempt = study::quiz_start(&fx.device, Some(&a), PACK, "q")
        .unwrap()
        .attempt;

    // Badr sees only his own (empty) progress, whatever ids he sends.
    let mine = call(
        &fx,
        "my_progress",
        json!({"lang": "en", "learner_id": amal}),
        Some(&b),
    )
    .unwrap();
    for lesson in mine["courses"][0]["lessons"].as_array().unwrap() {
        assert_eq!(lesson["opened"], false, "{lesson}");
        assert_eq!(lesson["active_seconds"], 0);
    }
    let open = call(
        &fx,
        "lesson_open",
        json!({"pack_id": PACK, "lesson_id": "timed", "learner_id": amal}),
        Some(&b),
    )
    .unwrap();
    assert_eq!(open["active_seconds"], 0);
    assert_eq!(open["position"], 0);
    // Badr cannot answer in, or finish, Amal's attempt.
    let answer = json!({"pack_id": PACK, "quiz_id": "q", "attempt": attempt,
        "question_id": "single", "answer": "a"});
    assert_eq!(
        call(&fx, "quiz_answer", answer.clone(), Some(&b)),
        Err("not_found".into())
    );
    assert!(matches!(
        study::quiz_finish(&fx.device, Some(&b), PACK, "q", attempt),
        Err(CoreError::NotFound { .. })
    ));
    // Badr cannot see the centre's progress either.
    assert_eq!(
        call(&fx, "centre_progress", Value::Null, Some(&b)),
        Err("forbidden".into())
    );

    // Amal's progress is untouched by all this, and hers alone.
    let hers = study::my_progress(&fx.device, Some(&a), "en").unwrap();
    let lessons = &hers.courses[0].lessons;
    assert!(lessons[0].opened);
    assert_eq!(lessons[1].active_seconds, 120);
    assert_eq!(lessons[1].position, 5000);
    assert!(call(&fx, "quiz_answer", answer, Some(&a)).unwrap()["correct"] == true);
    let all = learners::progress(&fx.device, Some(&badr)).unwrap();
    let badr_quizzes: usize = all.learners[0]
        .courses
        .iter()
        .map(|c| c.quizzes.len())
        .sum();
    assert_eq!(badr_quizzes, 0);
    assert!(learners::doctor(&fx.device).unwrap().ok());
}

#[test]
fn quiz_get_shows_every_question_in_the_language_asked_but_no_answers() {
    let (fx, _, _, badr) = setup();
    let t = token(&fx, &badr, None);
    let view = call(
        &fx,
        "quiz_get",
        json!({ "pack_id": PACK, "quiz_id": "q", "lang": "ar" }),
        Some(&t),
    )
    .unwrap();
    assert_eq!(view["title"]["text"], "اختبار");
    assert_eq!(view["title"]["dir"], "rtl");
    assert_eq!(view["min_score_percent"], 75);
    let types: Vec<&str> = view["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        ["single_choice", "multiple_choice", "numeric", "short_text"]
    );
    // English where the pack has no Arabic, marked as such.
    assert_eq!(view["questions"][1]["prompt"]["text"], "Pick a and b");
    assert_eq!(view["questions"][1]["prompt"]["lang"], "en");
    assert_eq!(view["questions"][0]["choices"][1]["id"], "b");
    let text = view.to_string();
    for secret in [
        "correct",
        "accept",
        "answer",
        "tolerance",
        "feedback",
        "نيويورك",
        "2.5",
    ] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
    let err = call(
        &fx,
        "quiz_get",
        json!({ "pack_id": PACK, "quiz_id": "q", "lang": "ar" }),
        None,
    )
    .unwrap_err();
    assert!(err.contains("unauthenticated"), "{err}");
    let missing = call(
        &fx,
        "quiz_get",
        json!({ "pack_id": PACK, "quiz_id": "nope" }),
        Some(&t),
    )
    .unwrap_err();
    assert!(missing.contains("not_found"), "{missing}");
}

#[test]
fn every_question_type_is_graded_with_feedback_and_scored() {
    let (fx, _, _, badr) = setup();
    let b = token(&fx, &badr, None);
    let attempt = study::quiz_start(&fx.device, Some(&b), PACK, "q")
        .unwrap()
        .attempt;
    let answer = |question: &str, answer: Value, lang: Option<&str>| {
        study::quiz_answer(
            &fx.device,
            Some(&b),
            PACK,
            "q",
            attempt,
            question,
            &answer,
            lang,
        )
    };
    let single = answer("single", json!("b"), Some("ar")).unwrap();
    assert!(!single.correct);
    assert_eq!(single.feedback.unwrap().text, "ليس تمامًا.");
    assert_eq!(single.choice_feedback[0].text, "ليس ب.");
    // Each question counts once per attempt.
    assert!(matches!(
        answer("single", json!("a"), None),
        Err(CoreError::Conflict(_))
    ));
    let multi = answer("multi", json!(["b", "a", "b"]), None).unwrap();
    assert!(multi.correct);
    assert_eq!(multi.recorded, "a,b");
    // Arabic-Indic digits with the Arabic decimal separator.
    let num = answer("num", json!("٢٫٥"), None).unwrap();
    assert!(num.correct);
    assert_eq!(num.recorded, "2.5");
    let text = answer("text", json!("  new   york "), None).unwrap();
    assert!(text.correct);
    assert!(matches!(
        answer("nope", json!("a"), None),
        Err(CoreError::NotFound { .. })
    ));
    let result = study::quiz_finish(&fx.device, Some(&b), PACK, "q", attempt).unwrap();
    assert_eq!(
        (result.score_percent, result.correct, result.question_count),
        (75, 3, 4)
    );
    assert!(result.passed && result.mastered);
    // Mastery completes the quiz_mastered lesson.
    assert_eq!(result.lessons_completed, ["checked"]);
    assert!(matches!(
        study::quiz_finish(&fx.device, Some(&b), PACK, "q", attempt),
        Err(CoreError::Conflict(_))
    ));
    assert!(matches!(
        answer("num", json!("2.5"), None),
        Err(CoreError::Conflict(_))
    ));

    // A second attempt with one answer scores 25 and keeps the best score.
    let second = study::quiz_start(&fx.device, Some(&b), PACK, "q")
        .unwrap()
        .attempt;
    study::quiz_answer(
        &fx.device,
        Some(&b),
        PACK,
        "q",
        second,
        "num",
        &json!("۲.۵"),
        None,
    )
    .unwrap();
    let r2 = study::quiz_finish(&fx.device, Some(&b), PACK, "q", second).unwrap();
    assert_eq!(
        (r2.score_percent, r2.passed, r2.mastered, r2.best_score),
        (25, false, true, Some(75))
    );
}

#[test]
fn grading_rules_per_type() {
    use qalam_pack::{Choice, LocalizedText, Question, QuestionKind};
    let q = |kind| Question {
        id: "x".into(),
        prompt: LocalizedText::default(),
        feedback: None,
        kind,
    };
    let choice = |id: &str, correct| Choice {
        id: id.into(),
        text: LocalizedText::default(),
        correct,
        feedback: None,
    };
    let numeric = q(QuestionKind::Numeric {
        answer: 1250.0,
        tolerance: 0.5,
        unit: None,
    });
    for (given, ok) in [
        (json!("١٢٥٠"), true),
        (json!("۱۲۵۰٫۴"), true),
        (json!("١٬٢٥٠"), true),
        (json!(1250.5), true),
        (json!("1251"), false),
        (json!(" 1250 "), true),
    ] {
        assert_eq!(study::grade(&numeric, &given).unwrap().0, ok, "{given}");
    }
    for bad in [
        json!("abc"),
        json!("NaN"),
        json!("inf"),
        json!(["1"]),
        json!(""),
    ] {
        assert!(study::grade(&numeric, &bad).is_err(), "{bad}");
    }
    let text = q(QuestionKind::ShortText {
        accept: [("fr".to_string(), vec!["Café".to_string()])].into(),
        case_sensitive: false,
    });
    // Decomposed é (e + U+0301) is the same text after NFC.
    assert!(study::grade(&text, &json!(" CAFE\u{301} ")).unwrap().0);
    assert!(!study::grade(&text, &json!("cafe")).unwrap().0);
    let exact = q(QuestionKind::ShortText {
        accept: [("en".to_string(), vec!["Rome".to_string()])].into(),
        case_sensitive: true,
    });
    assert!(study::grade(&exact, &json!("Rome")).unwrap().0);
    assert!(!study::grade(&exact, &json!("rome")).unwrap().0);
    let single = q(QuestionKind::SingleChoice {
        choices: vec![choice("a", false), choice("b", true)],
    });
    assert!(study::grade(&single, &json!("b")).unwrap().0);
    assert!(study::grade(&single, &json!("z")).is_err());
    let multi = q(QuestionKind::MultipleChoice {
        choices: vec![choice("a", true), choice("b", false), choice("c", true)],
    });
    assert!(study::grade(&multi, &json!(["c", "a"])).unwrap().0);
    assert!(!study::grade(&multi, &json!(["a"])).unwrap().0);
    assert!(!study::grade(&multi, &json!(["a", "b", "c"])).unwrap().0);
    assert!(study::grade(&multi, &json!("a")).is_err());
}

#[test]
fn lessons_complete_only_by_the_packs_rule_and_the_course_follows() {
    let (fx, _, _, badr) = setup();
    let b = token(&fx, &badr, None);
    let d = &fx.device;
    let not_yet = |lesson: &str| {
        matches!(
            study::lesson_complete(d, Some(&b), PACK, lesson),
            Err(CoreError::NotYet(_))
        )
    };
    // viewed: opened and read to the end.
    assert!(not_yet("read"));
    let opened = study::lesson_open(d, Some(&b), PACK, "read").unwrap();
    assert_eq!(opened.completion.kind, "viewed");
    study::lesson_progress(d, Some(&b), PACK, "read", 5000, 30).unwrap();
    assert!(not_yet("read"));
    study::lesson_progress(d, Some(&b), PACK, "read", 10_000, 30).unwrap();
    assert!(
        study::lesson_complete(d, Some(&b), PACK, "read")
            .unwrap()
            .completed
    );
    // Completing again is harmless.
    assert!(
        study::lesson_complete(d, Some(&b), PACK, "read")
            .unwrap()
            .completed
    );

    // time: 120 active seconds, at most 300 per call.
    assert!(matches!(
        study::lesson_progress(d, Some(&b), PACK, "timed", 0, 301),
        Err(CoreError::BadRequest(_))
    ));
    assert!(matches!(
        study::lesson_progress(d, Some(&b), PACK, "timed", 10_001, 1),
        Err(CoreError::BadRequest(_))
    ));
    study::lesson_open(d, Some(&b), PACK, "timed").unwrap();
    study::lesson_progress(d, Some(&b), PACK, "timed", 10_000, 100).unwrap();
    assert!(not_yet("timed"));
    let view = study::lesson_progress(d, Some(&b), PACK, "timed", 10_000, 20).unwrap();
    assert_eq!(view.active_seconds, 120);
    assert!(
        study::lesson_complete(d, Some(&b), PACK, "timed")
            .unwrap()
            .completed
    );

    // quiz_mastered: reading to the end is not enough.
    study::lesson_open(d, Some(&b), PACK, "checked").unwrap();
    study::lesson_progress(d, Some(&b), PACK, "checked", 10_000, 60).unwrap();
    assert!(not_yet("checked"));
    let progress = study::my_progress(d, Some(&b), "ar").unwrap();
    let next = progress.next.unwrap();
    assert_eq!((next.lesson_id.as_str(), next.action), ("checked", "quiz"));
    assert_eq!(progress.courses[0].title.text, "دراسة");
    assert!(!progress.courses[0].completed);

    let attempt = study::quiz_start(d, Some(&b), PACK, "q").unwrap().attempt;
    for (question, answer) in [
        ("single", json!("a")),
        ("multi", json!(["a", "b"])),
        ("num", json!(2.5)),
        ("text", json!("نيويورك")),
    ] {
        study::quiz_answer(d, Some(&b), PACK, "q", attempt, question, &answer, None).unwrap();
    }
    let result = study::quiz_finish(d, Some(&b), PACK, "q", attempt).unwrap();
    assert_eq!(result.score_percent, 100);
    assert!(result.course_completed);
    let done = study::my_progress(d, Some(&b), "en").unwrap();
    assert!(done.courses[0].completed);
    assert_eq!(done.courses[0].lessons_completed, 3);
    assert!(done.next.is_none());
    assert!(learners::doctor(d).unwrap().ok());
}

#[test]
fn facilitators_manage_learners_and_see_the_centre() {
    let (fx, fac, amal, _) = setup();
    let f = token(&fx, &fac, Some("secret-9"));
    let d = &fx.device;
    let added = call(
        &fx,
        "learner_add",
        json!({"name": "Samir", "pin": "٤٤٤٤", "avatar": "lion", "language": "ar"}),
        Some(&f),
    )
    .unwrap();
    assert_eq!(
        (added["role"].as_str(), added["has_pin"].as_bool()),
        (Some("learner"), Some(true))
    );
    let samir = added["id"].as_str().unwrap().to_string();
    let s = token(&fx, &samir, Some("4444"));
    assert_eq!(session::session_info(d, Some(&s)).unwrap().language, "ar");
    // A learner PIN is 4–6 digits; a facilitator's password 6–64 characters.
    assert_eq!(
        call(
            &fx,
            "learner_add",
            json!({"name": "X", "pin": "12ab"}),
            Some(&f)
        ),
        Err("bad_request".into())
    );
    assert!(
        call(
            &fx,
            "learner_add",
            json!({"name": "Fac", "pin": "long pass phrase", "facilitator": true}),
            Some(&f)
        )
        .is_ok()
    );
    let renamed = facilitate::learner_rename(d, Some(&f), &samir, " Samira ").unwrap();
    assert_eq!(renamed.name, "Samira");

    // A PIN reset ends the learner's sessions and clears the slow-down.
    for _ in 0..3 {
        let _ = session::sign_in(d, &amal, Some("0000"));
    }
    assert!(matches!(
        session::sign_in(d, &amal, Some("1234")),
        Err(CoreError::SlowDown { .. })
    ));
    facilitate::learner_reset_pin(d, Some(&f), &amal, Some("5678"), false).unwrap();
    assert!(session::sign_in(d, &amal, Some("5678")).is_ok());
    assert!(facilitate::learner_reset_pin(d, Some(&f), &fac, None, false).is_err());

    // Archiving hides the profile and ends its session at once.
    facilitate::learner_archive(d, Some(&f), &samir).unwrap();
    assert_eq!(
        call(&fx, "session_info", Value::Null, Some(&s)),
        Err("unauthenticated".into())
    );
    assert!(matches!(
        session::sign_in(d, &samir, Some("4444")),
        Err(CoreError::NotFound { .. })
    ));
    let picker = session::profiles_for_picker(d).unwrap();
    assert!(picker.iter().all(|p| p.id != samir));
    assert!(facilitate::learner_archive(d, Some(&f), &fac).is_err());

    let centre = facilitate::centre_progress(d, Some(&f)).unwrap();
    let samira = centre.learners.iter().find(|l| l.id == samir).unwrap();
    assert!(samira.archived);
    assert_eq!(centre.learners.len(), 5);
    assert!(learners::doctor(d).unwrap().ok());
}
