//! Property tests: path rules, manifest round trips, and a reader that
//! never panics whatever the bytes.
// Test helpers outside #[test] fns panic on purpose too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeMap;
use std::path::{Component, Path};

use common::*;
use proptest::prelude::*;
use qalam_pack::paths::{check_path, is_control_or_bidi};
use qalam_pack::{
    Choice, Completion, FileEntry, Lesson, LocalizedText, Manifest, Mastery, Publisher, Question,
    QuestionKind, Quiz,
};

// ---------------------------------------------------------------- paths

fn path_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("..".to_string()),
        Just(".".to_string()),
        Just("/".to_string()),
        Just("//".to_string()),
        Just("\\".to_string()),
        Just(":".to_string()),
        Just("C:".to_string()),
        Just("\u{202E}".to_string()),
        Just("\u{2066}".to_string()),
        Just("\u{0}".to_string()),
        Just("\n".to_string()),
        Just("\u{7f}".to_string()),
        Just("CON".to_string()),
        Just("nul".to_string()),
        Just("com1".to_string()),
        Just(" ".to_string()),
        Just("e\u{301}".to_string()),
        Just("é".to_string()),
        Just("?".to_string()),
        Just("\u{200c}".to_string()),
        "[a-z0-9_-]{1,8}",
        "[a-z]{1,6}\\.(html|md|png)",
        any::<char>().prop_map(String::from),
    ]
}

fn path_like() -> impl Strategy<Value = String> {
    prop::collection::vec(path_piece(), 0..12).prop_map(|v| v.concat())
}

/// What every accepted path must satisfy, whatever the rules' internals.
fn assert_safe(p: &str) {
    assert!(!p.is_empty() && p.len() <= 1024);
    assert!(!p.starts_with('/'));
    assert!(!p.contains('\\') && !p.contains(':'));
    assert!(!p.chars().any(is_control_or_bidi), "{p:?}");
    assert!(unicode_normalization::is_nfc(p));
    for part in p.split('/') {
        assert!(!part.is_empty() && part != "." && part != "..");
        assert!(!part.starts_with('.'));
        assert!(!part.ends_with('.') && !part.ends_with(' '));
        assert!(part.len() <= 255);
    }
    // As a file-system path it is relative, plain and joins under a root.
    let comps: Vec<Component<'_>> = Path::new(p).components().collect();
    assert!(
        comps.iter().all(|c| matches!(c, Component::Normal(_))),
        "{p:?}"
    );
    assert_eq!(comps.len(), p.split('/').count());
    let root = Path::new("/staging");
    assert!(root.join(p).starts_with(root));
    let rejoined: Vec<String> = comps
        .iter()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    assert_eq!(rejoined.join("/"), p);
    // And it survives a JSON round trip unchanged.
    let json = serde_json::to_string(p).unwrap();
    assert_eq!(serde_json::from_str::<String>(&json).unwrap(), p);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn accepted_hazard_mixes_are_safe(p in path_like()) {
        if check_path(&p).is_ok() {
            assert_safe(&p);
        }
    }

    #[test]
    fn accepted_arbitrary_strings_are_safe(p in any::<String>()) {
        if check_path(&p).is_ok() {
            assert_safe(&p);
        }
    }

    #[test]
    fn plain_paths_are_accepted(p in "[a-z0-9_-]{1,10}(/[a-z0-9_-]{1,10}){0,4}\\.(html|png|md)") {
        // Reserved device names are the one exception in this alphabet.
        let reserved = p.split('/').any(|c| {
            let stem = c.split('.').next().unwrap().to_ascii_uppercase();
            ["CON", "PRN", "AUX", "NUL"].contains(&stem.as_str())
                || (stem.len() == 4
                    && (stem.starts_with("COM") || stem.starts_with("LPT"))
                    && stem.as_bytes()[3].is_ascii_digit())
        });
        prop_assert_eq!(check_path(&p).is_ok(), !reserved);
    }
}

// ---------------------------------------------------------------- manifests

fn tag() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["en", "ar", "fa-AF", "ps", "fr", "uk"]).prop_map(String::from)
}

fn words() -> impl Strategy<Value = String> {
    "[a-zA-Z\u{0621}-\u{064A}][a-zA-Z0-9 \u{0621}-\u{064A}]{0,20}"
}

fn text() -> impl Strategy<Value = LocalizedText> {
    prop::collection::btree_map(tag(), words(), 1..4).prop_map(LocalizedText)
}

fn files() -> impl Strategy<Value = Vec<FileEntry>> {
    let path = "[a-z]{1,6}(/[a-z]{1,6}){0,2}\\.(html|md|pdf|mp4|mp3|png)";
    let sets = prop::collection::btree_set(path, 1..8)
        .prop_filter("no Windows device names", |set| {
            set.iter().all(|p| check_path(p).is_ok())
        });
    sets.prop_flat_map(|paths| {
        let n = paths.len();
        (
            Just(paths),
            prop::collection::vec((0u64..1 << 40, "[0-9a-f]{64}"), n),
        )
            .prop_map(|(paths, meta)| {
                paths
                    .into_iter()
                    .zip(meta)
                    .map(|(path, (size, sha256))| FileEntry { path, size, sha256 })
                    .collect()
            })
    })
}

fn choices(single: bool) -> impl Strategy<Value = Vec<Choice>> {
    (
        prop::collection::vec((text(), any::<bool>()), 2..6),
        any::<prop::sample::Index>(),
    )
        .prop_map(move |(items, pick)| {
            let right = pick.index(items.len());
            items
                .into_iter()
                .enumerate()
                .map(|(i, (text, flag))| Choice {
                    id: format!("c{i}"),
                    text,
                    correct: i == right || (!single && flag),
                    feedback: None,
                })
                .collect()
        })
}

fn question_kind() -> impl Strategy<Value = QuestionKind> {
    prop_oneof![
        choices(true).prop_map(|choices| QuestionKind::SingleChoice { choices }),
        choices(false).prop_map(|choices| QuestionKind::MultipleChoice { choices }),
        ((-40_000i32..40_000), (0i32..40), prop::option::of(text())).prop_map(|(a, t, unit)| {
            QuestionKind::Numeric {
                answer: f64::from(a) / 4.0,
                tolerance: f64::from(t) / 8.0,
                unit,
            }
        }),
        (
            prop::collection::btree_map(tag(), prop::collection::vec(words(), 1..3), 1..3),
            any::<bool>()
        )
            .prop_map(|(accept, case_sensitive)| QuestionKind::ShortText {
                accept,
                case_sensitive
            }),
    ]
}

fn quiz(i: usize) -> impl Strategy<Value = Quiz> {
    (
        text(),
        1u32..=100,
        prop::collection::vec((text(), question_kind()), 1..4),
    )
        .prop_map(move |(title, pct, qs)| Quiz {
            id: format!("quiz-{i}"),
            title,
            mastery: Mastery {
                min_score_percent: pct,
            },
            questions: qs
                .into_iter()
                .enumerate()
                .map(|(j, (prompt, kind))| Question {
                    id: format!("q{j}"),
                    prompt,
                    feedback: None,
                    kind,
                })
                .collect(),
        })
}

fn manifest() -> impl Strategy<Value = Manifest> {
    let quizzes = (0usize..3).prop_flat_map(|n| (0..n).map(quiz).collect::<Vec<_>>());
    let head = (
        "[a-z0-9][a-z0-9._-]{2,30}",
        (0u64..50, 0u64..50, 0u64..50),
        text(),
        text(),
        prop::collection::btree_set(tag(), 1..4),
        prop::sample::select(vec!["beginner", "A1", "C2", "advanced"]),
    );
    (
        head,
        files(),
        quizzes,
        prop::collection::vec((text(), 0u8..4), 1..5),
    )
        .prop_map(
            |((id, (ma, mi, pa), title, description, langs, level), files, quizzes, lessons)| {
                let lesson_files: Vec<&str> = files
                    .iter()
                    .map(|f| f.path.as_str())
                    .filter(|p| !p.ends_with(".png"))
                    .collect();
                let lessons = lessons
                    .into_iter()
                    .enumerate()
                    .filter(|_| !lesson_files.is_empty())
                    .map(|(i, (title, mode))| {
                        let quiz =
                            (!quizzes.is_empty()).then(|| quizzes[i % quizzes.len()].id.clone());
                        let completion = match (mode, &quiz) {
                            (0, _) => None,
                            (1, _) => Some(Completion::Time {
                                min_seconds: 30 + u32::from(mode),
                            }),
                            (2, Some(_)) => Some(Completion::QuizMastered),
                            _ => Some(Completion::Viewed),
                        };
                        Lesson {
                            id: format!("lesson-{i}"),
                            title,
                            content: [("en", lesson_files[i % lesson_files.len()])]
                                .into_iter()
                                .collect(),
                            duration_minutes: Some(5),
                            completion,
                            quiz,
                        }
                    })
                    .collect();
                Manifest {
                    format: "qalam-pack/1".into(),
                    id,
                    version: format!("{ma}.{mi}.{pa}"),
                    title,
                    description,
                    languages: langs.into_iter().collect(),
                    subject: "life-skills".into(),
                    level: level.into(),
                    publisher: Publisher {
                        name: text_en("Publisher"),
                        url: None,
                        contact: Some("+00 000".into()),
                    },
                    license: "CC-BY-4.0".into(),
                    lessons,
                    quizzes,
                    files,
                }
            },
        )
}

fn text_en(s: &str) -> LocalizedText {
    LocalizedText(BTreeMap::from([("en".to_string(), s.to_string())]))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn generated_manifests_round_trip_through_json(m in manifest()) {
        // Manifests whose files hold only images have no lesson and are
        // (rightly) invalid; every other generated manifest is valid.
        prop_assume!(!m.lessons.is_empty());
        m.validate().unwrap();
        let json = m.to_json();
        let back = Manifest::from_json(&json).unwrap();
        prop_assert_eq!(&back, &m);
        prop_assert_eq!(back.to_json(), json);
    }
}

// ---------------------------------------------------------------- reader robustness

fn exercise(bytes: Vec<u8>) {
    exercise_with(bytes, &qalam_pack::Limits::default());
}

/// Every limit lifted: nothing may overflow or panic either.
fn no_limits() -> qalam_pack::Limits {
    qalam_pack::Limits {
        max_entries: u64::MAX,
        max_total_bytes: u64::MAX,
        max_folders: u64::MAX,
        max_file_bytes: u64::MAX,
        max_ratio: u64::MAX,
        ratio_exempt_bytes: u64::MAX,
        max_manifest_bytes: u64::MAX,
        max_manifest_values: u64::MAX,
        max_signature_bytes: u64::MAX,
        max_directory_bytes: u64::MAX,
    }
}

fn exercise_with(bytes: Vec<u8>, limits: &qalam_pack::Limits) {
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("dest");
    if let Ok(mut r) = open_with(bytes, limits) {
        let _ = r.verify_all(&mut |_| {});
        let result = r.extract_to(&dest, &mut |_| {});
        if result.is_ok() {
            // Whatever was accepted matches what its manifest lists.
            for f in &r.manifest().files {
                let data = std::fs::read(dest.join(&f.path)).unwrap();
                assert_eq!(sha_hex(&data), f.sha256);
            }
        }
    }
    assert_left_clean(tmp.path(), &dest);
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip(prop::sample::Index, u8),
    FlipTail(prop::sample::Index, u8),
    Truncate(prop::sample::Index),
    Insert(prop::sample::Index, Vec<u8>),
    Remove(prop::sample::Index, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (any::<prop::sample::Index>(), 1u8..=255).prop_map(|(i, x)| Mutation::Flip(i, x)),
        4 => (any::<prop::sample::Index>(), 1u8..=255).prop_map(|(i, x)| Mutation::FlipTail(i, x)),
        1 => any::<prop::sample::Index>().prop_map(Mutation::Truncate),
        1 => (any::<prop::sample::Index>(), prop::collection::vec(any::<u8>(), 1..16))
            .prop_map(|(i, v)| Mutation::Insert(i, v)),
        1 => (any::<prop::sample::Index>(), 1usize..16).prop_map(|(i, n)| Mutation::Remove(i, n)),
    ]
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    if bytes.is_empty() {
        return;
    }
    let len = bytes.len();
    match m {
        Mutation::Flip(i, x) => bytes[i.index(len)] ^= x,
        // The central directory and end record live in the last bytes.
        Mutation::FlipTail(i, x) => {
            let tail = len.min(400);
            bytes[len - tail + i.index(tail)] ^= x;
        }
        Mutation::Truncate(i) => bytes.truncate(i.index(len)),
        Mutation::Insert(i, v) => {
            let at = i.index(len);
            bytes.splice(at..at, v.iter().copied());
        }
        Mutation::Remove(i, n) => {
            let at = i.index(len);
            bytes.drain(at..(at + n).min(len));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn the_reader_never_panics_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        exercise(bytes);
    }

    #[test]
    fn the_reader_never_panics_on_bytes_after_a_zip_signature(
        tail in prop::collection::vec(any::<u8>(), 0..512)
    ) {
        let mut bytes = b"PK\x03\x04".to_vec();
        bytes.extend(tail);
        bytes.extend_from_slice(b"PK\x05\x06\0\0\0\0\x01\0\x01\0\x30\0\0\0\0\0\0\0\0\0");
        exercise(bytes);
    }

    #[test]
    fn the_reader_never_panics_without_limits(
        mutations in prop::collection::vec(mutation(), 0..6)
    ) {
        let mut bytes = Fixture::new().bytes();
        for m in &mutations {
            apply(&mut bytes, m);
        }
        exercise_with(bytes, &no_limits());
    }

    #[test]
    fn the_reader_never_panics_on_mutated_valid_packs(
        mutations in prop::collection::vec(mutation(), 1..6)
    ) {
        let mut bytes = Fixture::new().bytes();
        for m in &mutations {
            apply(&mut bytes, m);
        }
        exercise(bytes);
    }
}
