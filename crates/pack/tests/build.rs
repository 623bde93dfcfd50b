//! Building packs from an authoring folder.
// Test helpers outside #[test] fns panic on purpose too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::path::Path;

use qalam_pack::{
    Limits, PackError, QuestionKind, Signature, build_pack, generate_keypair, open_file,
};

const PACK_TOML: &str = r#"
id = "org.qalam.numeracy"
version = "1.2.0"
languages = ["en", "ar"]
subject = "numeracy"
level = "beginner"
license = "CC-BY-SA-4.0"

[title]
en = "Numbers every day"
ar = "الأرقام كل يوم"

[description]
en = "Counting and measuring."

[publisher]
name = { en = "Qalam Team" }
url = "https://example.org"

[[lessons]]
id = "counting"
title = { en = "Counting", ar = "العدّ" }
content = { en = "lessons/counting.en.html", ar = "lessons/counting.ar.md" }
duration_minutes = 10
completion = { kind = "quiz_mastered" }
quiz = "counting-check"

[[lessons]]
id = "song"
title = { en = "The counting song" }
content = { en = "media/song.mp3" }
completion = { kind = "time", min_seconds = 60 }

[[quizzes]]
id = "counting-check"
title = { en = "Check your counting" }
mastery = { min_score_percent = 80 }

[[quizzes.questions]]
id = "q1"
type = "single_choice"
prompt = { en = "How many?" }
choices = [
  { id = "a", text = { en = "3" }, correct = true },
  { id = "b", text = { en = "4" }, feedback = { en = "Count again." } },
]
feedback = { correct = { en = "Yes!" }, incorrect = { en = "Not quite." } }

[[quizzes.questions]]
id = "q2"
type = "numeric"
prompt = { en = "Two plus two?" }
answer = 4

[[quizzes.questions]]
id = "q3"
type = "short_text"
prompt = { en = "Say hello" }
accept = { en = ["hello", "hi"], ar = ["مرحبا"] }
"#;

fn authoring_folder(root: &Path) {
    let w = |p: &str, data: &[u8]| {
        let path = root.join(p);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, data).unwrap();
    };
    w("pack.toml", PACK_TOML.as_bytes());
    w(
        "lessons/counting.en.html",
        &b"<h1>Counting</h1>".repeat(100),
    );
    w("lessons/counting.ar.md", "# العدّ\n\nواحد، اثنان".as_bytes());
    w(
        "media/song.mp3",
        &(0..50_000u32)
            .map(|i| (i * 7 % 251) as u8)
            .collect::<Vec<_>>(),
    );
    w("media/img/dots.png", &[137, 80, 78, 71, 1, 2, 3]);
    // Hidden files and folders are not packed.
    w(".git/config", b"[core]");
    w("lessons/.draft.html", b"draft");
    w(".DS_Store", b"junk");
}

#[test]
fn build_open_extract_round_trip() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    authoring_folder(&src);
    let key = generate_keypair().unwrap();
    let out = tmp.path().join("numeracy.qpack");
    let summary = build_pack(&src, &out, Some(&key)).unwrap();
    assert_eq!(summary.pack_id, "org.qalam.numeracy");
    assert_eq!(summary.version, "1.2.0");
    assert_eq!(summary.files, 4);
    assert_eq!(summary.signer, Some(key.public_key().key_id()));
    assert!(!tmp.path().join("numeracy.qpack.tmp").exists());

    let mut r = open_file(&out, &Limits::default()).unwrap();
    assert_eq!(r.signature(), &Signature::Valid(key.public_key()));
    let m = r.manifest().clone();
    let paths: Vec<&str> = m.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "lessons/counting.ar.md",
            "lessons/counting.en.html",
            "media/img/dots.png",
            "media/song.mp3"
        ]
    );
    assert_eq!(summary.bytes, r.content_bytes());
    assert!(matches!(
        m.quizzes[0].questions[1].kind,
        QuestionKind::Numeric { answer, .. } if answer == 4.0
    ));

    let dest = tmp.path().join("staging");
    r.extract_to(&dest, &mut |_| {}).unwrap();
    for p in paths {
        assert_eq!(
            fs::read(dest.join(p)).unwrap(),
            fs::read(src.join(p)).unwrap()
        );
    }
}

#[test]
fn builds_are_deterministic() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    authoring_folder(&src);
    let key = generate_keypair().unwrap();
    build_pack(&src, &tmp.path().join("a.qpack"), Some(&key)).unwrap();
    build_pack(&src, &tmp.path().join("b.qpack"), Some(&key)).unwrap();
    assert_eq!(
        fs::read(tmp.path().join("a.qpack")).unwrap(),
        fs::read(tmp.path().join("b.qpack")).unwrap()
    );
}

#[test]
fn media_is_stored_and_text_is_deflated() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    authoring_folder(&src);
    let out = tmp.path().join("p.qpack");
    build_pack(&src, &out, None).unwrap();
    let mut zip = zip::ZipArchive::new(fs::File::open(&out).unwrap()).unwrap();
    let method =
        |zip: &mut zip::ZipArchive<fs::File>, name: &str| zip.by_name(name).unwrap().compression();
    assert_eq!(
        method(&mut zip, "media/song.mp3"),
        zip::CompressionMethod::Stored
    );
    assert_eq!(
        method(&mut zip, "media/img/dots.png"),
        zip::CompressionMethod::Stored
    );
    assert_eq!(
        method(&mut zip, "lessons/counting.en.html"),
        zip::CompressionMethod::Deflated
    );
}

#[test]
fn an_unsigned_build_opens_as_unsigned() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    authoring_folder(&src);
    let out = tmp.path().join("p.qpack");
    let summary = build_pack(&src, &out, None).unwrap();
    assert_eq!(summary.signer, None);
    let r = open_file(&out, &Limits::default()).unwrap();
    assert_eq!(r.signature(), &Signature::Unsigned);
}

#[test]
fn the_output_inside_the_source_folder_is_not_packed() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    authoring_folder(&src);
    let out = src.join("course.qpack");
    build_pack(&src, &out, None).unwrap();
    // Building again must not pack the previous output.
    let summary = build_pack(&src, &out, None).unwrap();
    assert_eq!(summary.files, 4);
}

#[cfg(unix)]
#[test]
fn symlinks_in_the_source_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    authoring_folder(&src);
    std::os::unix::fs::symlink("/etc/passwd", src.join("lessons/passwd.html")).unwrap();
    let out = tmp.path().join("p.qpack");
    let err = build_pack(&src, &out, None).unwrap_err();
    assert!(
        matches!(err, PackError::BadSource { ref reason, .. } if reason.contains("symbolic link")),
        "{err:?}"
    );
    assert!(!out.exists());
}

#[cfg(unix)]
#[test]
fn fifos_in_the_source_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    authoring_folder(&src);
    let status = std::process::Command::new("mkfifo")
        .arg(src.join("lessons/pipe"))
        .status()
        .unwrap();
    assert!(status.success());
    let err = build_pack(&src, &tmp.path().join("p.qpack"), None).unwrap_err();
    assert!(matches!(err, PackError::BadSource { .. }), "{err:?}");
}

#[test]
fn unsafe_source_names_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    authoring_folder(&src);
    fs::write(src.join("lessons/aux.html"), b"x").unwrap();
    let err = build_pack(&src, &tmp.path().join("p.qpack"), None).unwrap_err();
    assert!(matches!(err, PackError::BadSource { .. }), "{err:?}");
}

#[test]
fn an_invalid_manifest_is_refused_and_nothing_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    authoring_folder(&src);
    fs::remove_file(src.join("media/song.mp3")).unwrap();
    let out = tmp.path().join("p.qpack");
    let err = build_pack(&src, &out, None).unwrap_err();
    assert!(
        matches!(err, PackError::InvalidManifest { ref field, .. } if field == "lessons[1].content.en"),
        "{err:?}"
    );
    assert!(!out.exists());
    assert!(!tmp.path().join("p.qpack.tmp").exists());
}

#[test]
fn pack_toml_must_not_set_format_or_files() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    authoring_folder(&src);
    fs::write(
        src.join("pack.toml"),
        format!("format = \"qalam-pack/1\"\n{PACK_TOML}"),
    )
    .unwrap();
    let err = build_pack(&src, &tmp.path().join("p.qpack"), None).unwrap_err();
    assert!(matches!(err, PackError::PackToml { .. }), "{err:?}");
}

#[test]
fn a_missing_or_broken_pack_toml_is_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    authoring_folder(&src);
    fs::write(src.join("pack.toml"), "id = ").unwrap();
    let err = build_pack(&src, &tmp.path().join("p.qpack"), None).unwrap_err();
    assert!(matches!(err, PackError::PackToml { .. }), "{err:?}");
    assert!(!err.to_string().contains('\n'), "{err}");
    fs::remove_file(src.join("pack.toml")).unwrap();
    let err = build_pack(&src, &tmp.path().join("p.qpack"), None).unwrap_err();
    assert!(matches!(err, PackError::PackToml { .. }), "{err:?}");
}

#[test]
fn a_highly_compressible_file_that_a_reader_would_refuse_is_not_written() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    authoring_folder(&src);
    // 8 MiB of one byte deflates ~1000:1, beyond the reader's ratio limit.
    fs::write(src.join("lessons/counting.en.html"), vec![b'a'; 8 << 20]).unwrap();
    let out = tmp.path().join("p.qpack");
    let err = build_pack(&src, &out, None).unwrap_err();
    assert!(matches!(err, PackError::CompressionBomb { .. }), "{err:?}");
    assert!(!out.exists());
    assert!(!tmp.path().join("p.qpack.tmp").exists());
}
