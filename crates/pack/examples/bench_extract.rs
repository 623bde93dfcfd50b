//! Extraction benchmark against `unzip` + `sha256sum`:
//!
//! ```sh
//! cargo run --release -p qalam-pack --example bench_extract -- /tmp/bench 1024
//! ```
//!
//! Makes an authoring folder of ~2000 files (MiB given as the second
//! argument; media that is stored, and lessons that deflate), builds it
//! into a pack, then times `extract_to` and `unzip -q` followed by
//! `sha256sum` of every file. Each is run twice and the faster run counts,
//! so both see a warm page cache.

use std::error::Error;
use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use qalam_pack::{Limits, build_pack, open_file};

const FILES: usize = 2000;

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let root = std::path::PathBuf::from(args.next().ok_or("usage: bench_extract DIR [MiB]")?);
    let mib: u64 = args.next().map_or(Ok(1024), |s| s.parse())?;
    let src = root.join("src");
    let pack = root.join("bench.qpack");
    if !pack.exists() {
        make_source(&src, mib << 20)?;
        let t = Instant::now();
        let summary = build_pack(&src, &pack, None)?;
        println!(
            "built {} files, {} bytes in {:?}",
            summary.files,
            summary.bytes,
            t.elapsed()
        );
    }
    let ours = best_of(2, || ours(&pack, &root.join("ours")))?;
    let theirs = best_of(2, || unzip_sha(&pack, &root.join("unzip")))?;
    println!("qalam extract_to: {ours:?}");
    println!("unzip + sha256sum: {theirs:?}");
    println!(
        "speed relative to unzip + sha256sum: {:.2}x",
        theirs.as_secs_f64() / ours.as_secs_f64()
    );
    Ok(())
}

fn best_of(
    n: usize,
    mut run: impl FnMut() -> Result<Duration, Box<dyn Error>>,
) -> Result<Duration, Box<dyn Error>> {
    let mut best = Duration::MAX;
    for _ in 0..n {
        best = best.min(run()?);
    }
    Ok(best)
}

fn ours(pack: &Path, dest: &Path) -> Result<Duration, Box<dyn Error>> {
    let _ = fs::remove_dir_all(dest);
    let t = Instant::now();
    let mut reader = open_file(pack, &Limits::default())?;
    let stats = reader.extract_to(dest, &mut |_| {})?;
    let took = t.elapsed();
    assert_eq!(stats.files_reused, 0);
    Ok(took)
}

fn unzip_sha(pack: &Path, dest: &Path) -> Result<Duration, Box<dyn Error>> {
    let _ = fs::remove_dir_all(dest);
    let t = Instant::now();
    let ok = Command::new("unzip")
        .arg("-q")
        .arg(pack)
        .arg("-d")
        .arg(dest)
        .status()?
        .success();
    let ok = ok
        && Command::new("sh")
            .arg("-c")
            .arg("find . -type f -print0 | xargs -0 sha256sum > /dev/null")
            .current_dir(dest)
            .status()?
            .success();
    if !ok {
        return Err("unzip or sha256sum failed".into());
    }
    Ok(t.elapsed())
}

/// 80% of the bytes in stored media (incompressible), 20% in lessons that
/// deflate about 3:1, spread over `FILES` files.
fn make_source(src: &Path, total: u64) -> Result<(), Box<dyn Error>> {
    let _ = fs::remove_dir_all(src);
    fs::create_dir_all(src.join("media"))?;
    fs::create_dir_all(src.join("lessons"))?;
    let media_files = FILES * 3 / 10;
    let lesson_files = FILES - media_files;
    let media_size = (total * 8 / 10) / media_files as u64;
    let lesson_size = (total * 2 / 10) / lesson_files as u64;
    let mut rng = 0x9E37_79B9_7F4A_7C15u64;
    for i in 0..media_files {
        let data: Vec<u8> = (0..media_size).map(|_| next(&mut rng)).collect();
        fs::write(src.join(format!("media/clip-{i:04}.mp4")), data)?;
    }
    let words = [
        "counting ",
        "numbers ",
        "<p>",
        "</p>\n",
        "الأرقام ",
        "واحد ",
        "two ",
        "three ",
    ];
    for i in 0..lesson_files {
        let mut text = String::with_capacity(lesson_size as usize);
        while (text.len() as u64) < lesson_size {
            text.push_str(words[usize::from(next(&mut rng)) % words.len()]);
            text.push_str(&format!("{} ", next(&mut rng)));
        }
        fs::write(src.join(format!("lessons/lesson-{i:04}.html")), text)?;
    }
    fs::write(src.join("pack.toml"), PACK_TOML)?;
    Ok(())
}

fn next(state: &mut u64) -> u8 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    (*state >> 24) as u8
}

const PACK_TOML: &str = r#"
id = "org.qalam.bench"
version = "1.0.0"
languages = ["en"]
subject = "numeracy"
level = "beginner"
license = "CC-BY-4.0"
title = { en = "Benchmark" }
description = { en = "Benchmark pack." }
publisher = { name = { en = "Qalam" } }

[[lessons]]
id = "first"
title = { en = "First" }
content = { en = "lessons/lesson-0000.html" }
"#;
