//! Every hostile pack is refused with the specific error, and leaves
//! nothing behind.
// Test helpers outside #[test] fns panic on purpose too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use qalam_pack::{Limits, PackError, Signature, generate_keypair};

/// A valid pack plus one extra raw entry.
fn with_extra(entry: RawEntry) -> Vec<u8> {
    let mut entries = Fixture::new().entries();
    entries.push(entry);
    zip_bytes(&entries)
}

fn assert_unsafe_path(name: &str) {
    let err = refuse(with_extra(RawEntry::stored(name, b"x")));
    assert!(
        matches!(err, PackError::UnsafePath { .. }),
        "{name:?}: got {err:?}"
    );
}

#[test]
fn the_fixture_itself_is_accepted() {
    let mut r = open(Fixture::new().bytes()).unwrap();
    r.verify_all(&mut |_| {}).unwrap();
    assert_eq!(r.signature(), &Signature::Unsigned);
}

#[test]
fn dotdot_paths_are_refused() {
    assert_unsafe_path("../escape.html");
    assert_unsafe_path("lessons/../../escape.html");
    assert_unsafe_path("lessons/./x.html");
}

#[test]
fn absolute_paths_are_refused() {
    assert_unsafe_path("/etc/passwd");
    assert_unsafe_path("//server/share/x");
}

#[test]
fn windows_drive_paths_are_refused() {
    assert_unsafe_path("C:/Windows/x.dll");
    assert_unsafe_path("c:x");
    assert_unsafe_path("file.txt:stream");
}

#[test]
fn backslashes_are_refused() {
    assert_unsafe_path("..\\..\\escape.html");
    assert_unsafe_path("lessons\\a.html");
}

#[test]
fn symlink_entries_are_refused() {
    let link = RawEntry::stored("lessons/link.html", b"/etc/passwd").with_mode(MODE_SYMLINK);
    let err = refuse(with_extra(link));
    assert!(
        matches!(
            err,
            PackError::SpecialEntry {
                kind: "symbolic link",
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn special_file_entries_are_refused() {
    for (mode, kind) in [
        (MODE_FIFO, "named pipe (FIFO)"),
        (MODE_CHARDEV, "character device"),
        (0o060_644, "block device"),
        (0o140_644, "socket"),
    ] {
        let err = refuse(with_extra(RawEntry::stored("dev", b"").with_mode(mode)));
        match err {
            PackError::SpecialEntry { kind: k, .. } => assert_eq!(k, kind),
            other => panic!("{mode:o}: {other:?}"),
        }
    }
}

#[test]
fn a_folder_mode_without_slash_is_refused() {
    let err = refuse(with_extra(
        RawEntry::stored("lessons/x", b"").with_mode(MODE_DIR),
    ));
    assert!(matches!(err, PackError::SpecialEntry { .. }), "{err:?}");
}

#[test]
fn duplicate_names_are_refused() {
    let f = Fixture::new();
    let mut entries = f.entries();
    entries.push(RawEntry::deflated(
        "lessons/counting.en.html",
        b"<p>evil twin</p>",
    ));
    let err = refuse(zip_bytes(&entries));
    assert!(matches!(err, PackError::DuplicateEntry), "{err:?}");
}

#[test]
fn case_colliding_names_are_refused() {
    let err = refuse(with_extra(RawEntry::stored(
        "Lessons/Counting.EN.html",
        b"x",
    )));
    assert!(matches!(err, PackError::PathCollision { .. }), "{err:?}");
    let err = refuse(with_extra(RawEntry::stored("MANIFEST.JSON", b"{}")));
    assert!(matches!(err, PackError::PathCollision { .. }), "{err:?}");
}

#[test]
fn a_file_used_as_a_folder_is_refused() {
    let err = refuse(with_extra(RawEntry::stored("media/dots.png/x.html", b"x")));
    assert!(matches!(err, PackError::PathCollision { .. }), "{err:?}");
}

#[test]
fn control_characters_are_refused() {
    assert_unsafe_path("lessons/a\u{0}.html");
    assert_unsafe_path("lessons/a\nb.html");
    assert_unsafe_path("lessons/a\u{1b}[31m.html");
    assert_unsafe_path("lessons/a\u{85}.html");
}

#[test]
fn bidi_overrides_are_refused() {
    assert_unsafe_path("lessons/photo\u{202E}lmth.exe");
    assert_unsafe_path("lessons/\u{2066}a.html");
    assert_unsafe_path("lessons/\u{200F}a.html");
}

#[test]
fn windows_reserved_names_are_refused() {
    for name in [
        "CON",
        "lessons/nul.html",
        "aux.txt",
        "COM1",
        "lpt9.md",
        "lessons/PRN",
    ] {
        assert_unsafe_path(name);
    }
    assert_unsafe_path("lessons/trailing.");
    assert_unsafe_path("lessons/trailing ");
    assert_unsafe_path("lessons/what?.html");
}

#[test]
fn non_nfc_names_are_refused() {
    // "é" as e + combining acute (NFD).
    assert_unsafe_path("lessons/cafe\u{301}.html");
}

#[test]
fn non_utf8_names_are_refused() {
    let entry = RawEntry::stored("x", b"x").with_raw_name(b"lessons/\xff\xfe.html");
    let err = refuse(with_extra(entry));
    assert!(matches!(err, PackError::UnsafePath { .. }), "{err:?}");
}

#[test]
fn hidden_components_are_refused() {
    assert_unsafe_path(".hidden.html");
    assert_unsafe_path("lessons/.git/config");
    assert_unsafe_path("lessons/.a.html.part");
}

#[test]
fn folder_entries_with_unsafe_names_are_refused() {
    let err = refuse(with_extra(RawEntry::dir("../up/")));
    assert!(matches!(err, PackError::UnsafePath { .. }), "{err:?}");
}

#[test]
fn safe_folder_entries_are_ignored() {
    let mut entries = Fixture::new().entries();
    entries.insert(1, RawEntry::dir("lessons/"));
    let mut r = open(zip_bytes(&entries)).unwrap();
    r.verify_all(&mut |_| {}).unwrap();
}

/// 50 MiB of zeros deflates to ~50 KiB. The zip claims 10 bytes; the
/// manifest lists the real size.
fn bomb_fixture(pad_compressed: bool) -> Vec<u8> {
    let big = vec![0u8; 50 << 20];
    let mut f = Fixture::new();
    f.add_file("lessons/bomb.html", &big);
    let mut entries = f.entries();
    let bomb = entries
        .iter_mut()
        .find(|e| e.name == b"lessons/bomb.html")
        .unwrap();
    bomb.declared_size = 10;
    if pad_compressed {
        // Junk after the end of the deflate stream makes the compressed
        // size look plausible (ratio 50 MiB / 400 KiB ≈ 128), so only the
        // count of bytes actually inflated can catch it.
        bomb.data.extend(std::iter::repeat_n(0xAAu8, 400 << 10));
    }
    zip_bytes(&entries)
}

#[test]
fn a_decompression_bomb_is_stopped_on_bytes_actually_inflated() {
    let bytes = bomb_fixture(true);
    // Opening succeeds: nothing declared is out of bounds.
    let mut r = open(bytes.clone()).unwrap();
    let mut inflated = 0u64;
    let err = r.verify_all(&mut |n| inflated += n).unwrap_err();
    assert!(matches!(err, PackError::CompressionBomb { .. }), "{err:?}");
    assert!(inflated < 4 << 20, "stopped late: {inflated} bytes");
    let err = refuse(bytes);
    assert!(matches!(err, PackError::CompressionBomb { .. }), "{err:?}");
}

#[test]
fn a_bomb_whose_listed_size_is_implausible_is_refused_at_open() {
    let err = open(bomb_fixture(false)).err().unwrap();
    assert!(matches!(err, PackError::CompressionBomb { .. }), "{err:?}");
}

#[test]
fn an_entry_inflating_past_its_listed_size_is_cut_off() {
    let mut f = Fixture::new();
    f.add_file("lessons/small.html", b"<p>small</p>");
    let mut entries = f.entries();
    let e = entries
        .iter_mut()
        .find(|e| e.name == b"lessons/small.html")
        .unwrap();
    *e = RawEntry {
        declared_size: 12,
        ..RawEntry::deflated("lessons/small.html", &vec![b'a'; 300_000])
    };
    let err = refuse(zip_bytes(&entries));
    assert!(matches!(err, PackError::ContentMismatch { .. }), "{err:?}");
}

#[test]
fn the_total_size_limit_is_enforced() {
    let limits = Limits {
        max_total_bytes: 1000,
        ..Limits::default()
    };
    let err = refuse_with(Fixture::new().bytes(), &limits);
    assert!(
        matches!(err, PackError::TooLarge { limit: 1000, .. }),
        "{err:?}"
    );
}

#[test]
fn the_file_size_limit_is_enforced() {
    let limits = Limits {
        max_file_bytes: 2000,
        ..Limits::default()
    };
    let err = refuse_with(Fixture::new().bytes(), &limits);
    assert!(
        matches!(err, PackError::TooLarge { limit: 2000, .. }),
        "{err:?}"
    );
}

#[test]
fn the_entry_count_limit_is_enforced() {
    let limits = Limits {
        max_entries: 3,
        ..Limits::default()
    };
    let err = refuse_with(Fixture::new().bytes(), &limits);
    assert!(
        matches!(err, PackError::TooManyEntries { count: 4, limit: 3 }),
        "{err:?}"
    );
}

#[test]
fn the_manifest_size_limit_is_enforced() {
    let limits = Limits {
        max_manifest_bytes: 100,
        ..Limits::default()
    };
    let err = refuse_with(Fixture::new().bytes(), &limits);
    assert!(
        matches!(err, PackError::TooLarge { ref what, .. } if what == "manifest.json"),
        "{err:?}"
    );
}

#[test]
fn the_directory_size_limit_is_enforced() {
    let limits = Limits {
        max_directory_bytes: 64,
        ..Limits::default()
    };
    let err = refuse_with(Fixture::new().bytes(), &limits);
    assert!(matches!(err, PackError::TooLarge { .. }), "{err:?}");
}

#[test]
fn a_truncated_zip_is_refused() {
    let bytes = Fixture::new().bytes();
    for cut in [bytes.len() / 2, bytes.len() - 1, 30] {
        let err = refuse(bytes[..cut].to_vec());
        assert!(
            matches!(err, PackError::NotAZip { .. }),
            "cut {cut}: {err:?}"
        );
    }
}

#[test]
fn a_non_zip_file_is_refused() {
    let err = refuse(b"MZ\x90\x00 this is a Windows program, not a pack".repeat(100));
    assert!(matches!(err, PackError::NotAZip { .. }), "{err:?}");
    let err = refuse(b"PK".to_vec());
    assert!(matches!(err, PackError::NotAZip { .. }), "{err:?}");
}

#[test]
fn an_empty_file_is_refused() {
    let err = refuse(Vec::new());
    assert!(matches!(err, PackError::EmptyFile), "{err:?}");
}

#[test]
fn data_after_the_zip_is_refused() {
    let mut bytes = Fixture::new().bytes();
    bytes.extend_from_slice(b"#!/bin/sh\nrm -rf ~\n");
    let err = refuse(bytes);
    assert!(matches!(err, PackError::Inconsistent { .. }), "{err:?}");
}

#[test]
fn data_before_the_zip_is_refused() {
    let mut bytes = b"MZ prepended program".to_vec();
    bytes.extend(Fixture::new().bytes());
    let err = refuse(bytes);
    assert!(
        matches!(
            err,
            PackError::Inconsistent { .. } | PackError::NotAZip { .. }
        ),
        "{err:?}"
    );
}

#[test]
fn a_local_header_that_disagrees_with_the_directory_is_refused() {
    let bytes = Fixture::new().bytes();
    // Change the method in the first local header only (offset 8).
    let mut lying = bytes.clone();
    lying[8] = 0;
    let err = refuse(lying);
    assert!(matches!(err, PackError::Inconsistent { .. }), "{err:?}");
}

#[test]
fn overlapping_entries_are_refused() {
    let f = Fixture::new();
    let entries = f.entries();
    let mut bytes = zip_bytes(&entries);
    // Point the last central entry at the first local header.
    let cd_start =
        u32::from_le_bytes(bytes[bytes.len() - 6..bytes.len() - 2].try_into().unwrap()) as usize;
    let mut pos = cd_start;
    let mut last = pos;
    while bytes[pos..pos + 4] == *b"PK\x01\x02" {
        last = pos;
        let n = u16::from_le_bytes([bytes[pos + 28], bytes[pos + 29]]) as usize;
        pos += 46 + n;
    }
    bytes[last + 42..last + 46].copy_from_slice(&0u32.to_le_bytes());
    let err = refuse(bytes);
    assert!(matches!(err, PackError::Inconsistent { .. }), "{err:?}");
}

#[test]
fn a_folder_entry_carrying_data_is_refused() {
    let entry = RawEntry {
        external_attrs: MODE_DIR << 16,
        ..RawEntry::stored("lessons/", b"hidden payload")
    };
    let err = refuse(with_extra(entry));
    assert!(matches!(err, PackError::Inconsistent { .. }), "{err:?}");
}

#[test]
fn a_listed_but_missing_file_is_refused() {
    let mut f = Fixture::new();
    f.add_file("lessons/extra.html", b"<p>extra</p>");
    let entries: Vec<RawEntry> = f
        .entries()
        .into_iter()
        .filter(|e| e.name != b"lessons/extra.html")
        .collect();
    let err = refuse(zip_bytes(&entries));
    assert!(
        matches!(err, PackError::MissingFile { ref path } if path == "lessons/extra.html"),
        "{err:?}"
    );
}

#[test]
fn a_present_but_unlisted_file_is_refused() {
    let err = refuse(with_extra(RawEntry::stored(
        "lessons/payload.html",
        b"<script>",
    )));
    assert!(
        matches!(err, PackError::UnlistedFile { ref path } if path == "lessons/payload.html"),
        "{err:?}"
    );
}

#[test]
fn a_missing_manifest_is_refused() {
    let entries: Vec<RawEntry> = Fixture::new()
        .entries()
        .into_iter()
        .filter(|e| e.name != b"manifest.json")
        .collect();
    let err = refuse(zip_bytes(&entries));
    assert!(matches!(err, PackError::MissingManifest), "{err:?}");
}

#[test]
fn a_changed_byte_in_a_content_file_is_caught() {
    let mut entries = Fixture::new().entries();
    let png = entries
        .iter_mut()
        .find(|e| e.name == b"media/dots.png")
        .unwrap();
    png.data[1000] ^= 1;
    png.crc = crc32(&png.data);
    let bytes = zip_bytes(&entries);
    // The directory is fine, so opening succeeds ...
    let mut r = open(bytes.clone()).unwrap();
    // ... but the content is not.
    let err = r.verify_all(&mut |_| {}).unwrap_err();
    assert!(matches!(err, PackError::ContentMismatch { .. }), "{err:?}");
    let err = refuse(bytes);
    assert!(
        matches!(err, PackError::ContentMismatch { ref path, .. } if path == "media/dots.png"),
        "{err:?}"
    );
}

#[test]
fn a_changed_byte_in_a_signed_manifest_invalidates_the_signature() {
    let key = generate_keypair().unwrap();
    let f = Fixture::new().signed(&key);
    let mut entries = f.entries();
    let mut json = f.manifest_json();
    let at = json.windows(9).position(|w| w == b"Test pack").unwrap();
    json[at] = b'B';
    entries[0] = RawEntry::deflated("manifest.json", &json);
    let err = refuse(zip_bytes(&entries));
    assert!(
        matches!(err, PackError::SignatureInvalid { ref key_id } if *key_id == key.public_key().key_id()),
        "{err:?}"
    );
}

#[test]
fn a_signature_naming_another_key_is_refused() {
    let signer = generate_keypair().unwrap();
    let trusted = generate_keypair().unwrap();
    let f = Fixture::new().signed(&signer);
    let mut entries = f.entries();
    let sig = String::from_utf8(entries[1].data.clone()).unwrap();
    let forged = sig.replace(
        &signer.public_key().to_base64(),
        &trusted.public_key().to_base64(),
    );
    entries[1] = RawEntry::stored("signature.json", forged.as_bytes());
    let err = refuse(zip_bytes(&entries));
    assert!(matches!(err, PackError::SignatureInvalid { .. }), "{err:?}");
}

#[test]
fn a_pack_signed_by_another_key_reports_that_key() {
    let signer = generate_keypair().unwrap();
    let trusted = generate_keypair().unwrap();
    let r = open(Fixture::new().signed(&signer).bytes()).unwrap();
    // Valid, but by a key the device may not trust: the caller decides.
    assert_eq!(r.signature(), &Signature::Valid(signer.public_key()));
    assert_ne!(r.signature(), &Signature::Valid(trusted.public_key()));
}

#[test]
fn a_malformed_signature_file_is_refused() {
    let mut entries = Fixture::new().entries();
    entries.insert(
        1,
        RawEntry::stored("signature.json", b"{\"algorithm\":\"rsa\"}"),
    );
    let err = refuse(zip_bytes(&entries));
    assert!(
        matches!(err, PackError::SignatureMalformed { .. }),
        "{err:?}"
    );
}

#[test]
fn an_unsigned_pack_opens_as_unsigned() {
    let mut r = open(Fixture::new().bytes()).unwrap();
    assert_eq!(r.signature(), &Signature::Unsigned);
    r.verify_all(&mut |_| {}).unwrap();
}

fn with_manifest(edit: impl FnOnce(&mut serde_json::Value)) -> Vec<u8> {
    let f = Fixture::new();
    let mut value: serde_json::Value = serde_json::from_slice(&f.manifest_json()).unwrap();
    edit(&mut value);
    let json = serde_json::to_vec(&value).unwrap();
    let mut entries = f.entries();
    entries[0] = RawEntry::deflated("manifest.json", &json);
    zip_bytes(&entries)
}

#[test]
fn a_wrong_format_version_is_refused() {
    let err = refuse(with_manifest(|m| m["format"] = "qalam-pack/2".into()));
    assert!(
        matches!(err, PackError::UnsupportedFormat { ref found } if found == "qalam-pack/2"),
        "{err:?}"
    );
    assert!(err.to_string().contains("qalam-pack/1"));
}

fn assert_invalid(edit: impl FnOnce(&mut serde_json::Value), field_prefix: &str) {
    let err = refuse(with_manifest(edit));
    match err {
        PackError::InvalidManifest { ref field, .. } => {
            assert!(
                field.starts_with(field_prefix),
                "field {field}, want {field_prefix}"
            )
        }
        other => panic!("want InvalidManifest at {field_prefix}, got {other:?}"),
    }
}

#[test]
fn invalid_manifest_fields_are_refused() {
    assert_invalid(|m| m["id"] = "Bad Id!".into(), "id");
    assert_invalid(|m| m["id"] = "ab".into(), "id");
    assert_invalid(|m| m["version"] = "1.0".into(), "version");
    assert_invalid(|m| m["version"] = "v1.0.0".into(), "version");
    assert_invalid(
        |m| m["lessons"][0]["content"]["en"] = "lessons/missing.html".into(),
        "lessons[0].content.en",
    );
    assert_invalid(
        |m| m["quizzes"][0]["questions"][0]["choices"][0]["correct"] = false.into(),
        "quizzes[0].questions[0].choices",
    );
    assert_invalid(
        |m| m["lessons"][0]["quiz"] = "nope".into(),
        "lessons[0].quiz",
    );
    assert_invalid(|m| m["lessons"] = serde_json::json!([]), "lessons");
    assert_invalid(|m| m["title"] = serde_json::json!({}), "title");
    assert_invalid(|m| m["level"] = "expert".into(), "level");
    assert_invalid(
        |m| m["publisher"]["url"] = "javascript:alert(1)".into(),
        "publisher.url",
    );
    assert_invalid(
        |m| m["quizzes"][0]["mastery"]["min_score_percent"] = 0.into(),
        "quizzes[0].mastery",
    );
    assert_invalid(
        |m| m["files"][0]["sha256"] = "ABC".into(),
        "files[0].sha256",
    );
    assert_invalid(
        |m| m["files"][0]["path"] = "../x.html".into(),
        "files[0].path",
    );
}

#[test]
fn unknown_question_types_are_refused() {
    let err = refuse(with_manifest(|m| {
        m["quizzes"][0]["questions"][0]["type"] = "essay".into();
    }));
    assert!(matches!(err, PackError::ManifestSyntax { .. }), "{err:?}");
}

#[test]
fn unknown_fields_are_ignored() {
    let bytes = with_manifest(|m| m["future_field"] = serde_json::json!({"x": 1}));
    open(bytes).unwrap();
}

#[test]
fn manifest_that_is_not_json_is_refused() {
    let mut entries = Fixture::new().entries();
    entries[0] = RawEntry::stored("manifest.json", b"{ not json");
    let err = refuse(zip_bytes(&entries));
    assert!(matches!(err, PackError::ManifestSyntax { .. }), "{err:?}");
}

#[test]
fn encrypted_entries_are_refused() {
    let mut entry = RawEntry::stored("lessons/secret.html", b"\x12\x34garbage");
    entry.flags |= 1;
    let err = refuse(with_extra(entry));
    assert!(matches!(err, PackError::Encrypted { .. }), "{err:?}");
}

#[test]
fn unsupported_compression_is_refused() {
    for method in [12u16, 14, 93, 99] {
        let mut entry = RawEntry::stored("lessons/odd.html", b"BZh91AY&SY");
        entry.method = method;
        let err = refuse(with_extra(entry));
        assert!(
            matches!(err, PackError::UnsupportedCompression { .. }),
            "method {method}: {err:?}"
        );
    }
}

#[test]
fn corrupt_deflate_data_is_refused() {
    let mut entries = Fixture::new().entries();
    let html = entries
        .iter_mut()
        .find(|e| e.name == b"lessons/counting.en.html")
        .unwrap();
    html.data = vec![0xFF; html.data.len()];
    let err = refuse(zip_bytes(&entries));
    assert!(
        matches!(
            err,
            PackError::CorruptEntry { .. } | PackError::ContentMismatch { .. }
        ),
        "{err:?}"
    );
}

#[cfg(unix)]
#[test]
fn extraction_does_not_follow_a_symlink_planted_in_the_staging_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("dest");
    let outside = tmp.path().join("outside");
    std::fs::create_dir_all(&dest).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    std::os::unix::fs::symlink(&outside, dest.join("lessons")).unwrap();
    let mut r = open(Fixture::new().bytes()).unwrap();
    let err = r.extract_to(&dest, &mut |_| {}).unwrap_err();
    assert!(matches!(err, PackError::LocalIo { .. }), "{err:?}");
    assert!(walk(&outside).is_empty(), "wrote through the symlink");
}

#[test]
fn a_zip64_pack_opens() {
    let f = Fixture::new();
    let entries = f.entries().len() as u64;
    let mut r = open(to_zip64(&f.bytes(), entries)).unwrap();
    r.verify_all(&mut |_| {}).unwrap();
}

#[test]
fn a_zip64_end_record_claiming_too_many_entries_is_refused_before_parsing() {
    let err = refuse(to_zip64(&Fixture::new().bytes(), 4_000_000_000));
    assert!(
        matches!(
            err,
            PackError::TooManyEntries {
                count: 4_000_000_000,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn an_end_record_claiming_more_entries_than_present_is_refused() {
    let mut bytes = Fixture::new().bytes();
    let n = bytes.len();
    // Claim 2000 entries (under the limit) in a directory holding 4.
    bytes[n - 12..n - 10].copy_from_slice(&2000u16.to_le_bytes());
    bytes[n - 14..n - 12].copy_from_slice(&2000u16.to_le_bytes());
    let err = refuse(bytes);
    assert!(
        matches!(
            err,
            PackError::NotAZip { .. } | PackError::Inconsistent { .. }
        ),
        "{err:?}"
    );
}

#[test]
fn thousands_of_deeply_nested_names_are_checked_in_linear_time() {
    // 5,000 names, each ~500 folders deep: checking folder collisions
    // prefix by prefix would build over a gigabyte of keys.
    let deep = vec!["a"; 490].join("/");
    let mut entries = Fixture::new().entries();
    for i in 0..5000 {
        entries.push(RawEntry::stored(&format!("d{i:05}/{deep}/x.html"), b""));
    }
    let started = std::time::Instant::now();
    let err = refuse(zip_bytes(&entries));
    assert!(matches!(err, PackError::UnlistedFile { .. }), "{err:?}");
    assert!(started.elapsed().as_secs() < 30, "{:?}", started.elapsed());
}

#[test]
fn a_pack_needing_too_many_folders_is_refused_before_extracting() {
    // 300 files, each 100 folders deep under its own root: 30,000 folders
    // (an inode bomb) from a tiny pack.
    let deep = vec!["d"; 99].join("/");
    let mut f = Fixture::new();
    for i in 0..300 {
        f.files
            .push((format!("r{i:03}/{deep}/x.html"), b"x".to_vec()));
    }
    f.sync();
    let err = refuse(f.bytes());
    assert!(
        matches!(
            err,
            PackError::TooManyFolders {
                count: 30_002,
                limit: 20_000
            }
        ),
        "{err:?}"
    );
}

#[test]
fn a_content_entry_whose_local_header_disagrees_is_refused_when_read() {
    let mut bytes = Fixture::new().bytes();
    // The last local header is media/dots.png; change its method there only.
    let at = bytes
        .windows(4)
        .enumerate()
        .filter(|(_, w)| *w == b"PK\x03\x04")
        .map(|(i, _)| i)
        .next_back()
        .unwrap();
    bytes[at + 8] = 8;
    let mut r = open(bytes.clone()).unwrap();
    let err = r.verify_all(&mut |_| {}).unwrap_err();
    assert!(matches!(err, PackError::Inconsistent { .. }), "{err:?}");
    let err = refuse(bytes);
    assert!(matches!(err, PackError::Inconsistent { .. }), "{err:?}");
}

#[test]
fn a_local_extra_field_reaching_into_the_next_entry_is_refused() {
    let mut bytes = Fixture::new().bytes();
    // Second local header (the first lesson): claim a 60,000-byte extra field.
    let at = bytes
        .windows(4)
        .enumerate()
        .filter(|(_, w)| *w == b"PK\x03\x04")
        .map(|(i, _)| i)
        .nth(1)
        .unwrap();
    bytes[at + 28..at + 30].copy_from_slice(&60_000u16.to_le_bytes());
    let err = refuse(bytes);
    assert!(matches!(err, PackError::Inconsistent { .. }), "{err:?}");
}
