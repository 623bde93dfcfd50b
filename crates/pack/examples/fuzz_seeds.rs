//! Writes seed inputs for the fuzz targets in `fuzz/`:
//! `cargo run -p qalam-pack --example fuzz_seeds -- fuzz/seeds`.
//!
//! Seeds are small real packs (signed and unsigned) and their manifests,
//! so the fuzzer starts from inputs that reach deep into the reader.

use std::error::Error;
use std::fs;
use std::path::{Path, PathBuf};

use qalam_pack::{SecretKey, build_pack};

const PACK_TOML: &str = r#"
id = "org.qalam.seed"
version = "1.0.0"
languages = ["en", "ar"]
subject = "numeracy"
level = "beginner"
license = "CC-BY-SA-4.0"
title = { en = "Seed", ar = "بذرة" }
description = { en = "A fuzzing seed." }
publisher = { name = { en = "Qalam" }, url = "https://example.org" }

[[lessons]]
id = "one"
title = { en = "One" }
content = { en = "lessons/one.html", ar = "lessons/one.ar.md" }
completion = { kind = "quiz_mastered" }
quiz = "check"

[[quizzes]]
id = "check"
title = { en = "Check" }
mastery = { min_score_percent = 50 }

[[quizzes.questions]]
id = "q1"
type = "single_choice"
prompt = { en = "1?" }
choices = [{ id = "a", text = { en = "1" }, correct = true }, { id = "b", text = { en = "2" } }]

[[quizzes.questions]]
id = "q2"
type = "numeric"
prompt = { en = "2 + 2?" }
answer = 4
tolerance = 0.5

[[quizzes.questions]]
id = "q3"
type = "short_text"
prompt = { en = "Hello?" }
accept = { en = ["hello"] }
"#;

fn main() -> Result<(), Box<dyn Error>> {
    let out = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .ok_or("usage: fuzz_seeds OUT_DIR")?;
    let src = std::env::temp_dir().join(format!("qalam-fuzz-seeds-{}", std::process::id()));
    write_authoring_folder(&src)?;
    // A fixed key keeps the seeds reproducible.
    let key = SecretKey::parse_file(
        "qalam-secret-key ed25519 AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
    )?;
    let readers = out.join("pack_reader");
    let manifests = out.join("manifest");
    fs::create_dir_all(&readers)?;
    fs::create_dir_all(&manifests)?;
    build_pack(&src, &readers.join("signed.qpack"), Some(&key))?;
    build_pack(&src, &readers.join("unsigned.qpack"), None)?;
    let reader = qalam_pack::open_file(&readers.join("signed.qpack"), &Default::default())?;
    fs::write(manifests.join("manifest.json"), reader.manifest_bytes())?;
    fs::remove_dir_all(&src)?;
    println!("seeds written under {}", out.display());
    Ok(())
}

fn write_authoring_folder(src: &Path) -> Result<(), Box<dyn Error>> {
    fs::create_dir_all(src.join("lessons"))?;
    fs::create_dir_all(src.join("media"))?;
    fs::write(src.join("pack.toml"), PACK_TOML)?;
    fs::write(
        src.join("lessons/one.html"),
        "<h1>One</h1><p>1</p>".repeat(20),
    )?;
    fs::write(src.join("lessons/one.ar.md"), "# واحد\n")?;
    fs::write(
        src.join("media/dot.png"),
        [137u8, 80, 78, 71, 13, 10, 26, 10],
    )?;
    Ok(())
}
