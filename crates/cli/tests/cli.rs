//! End-to-end tests of the `qalam` binary on real pack files and real data
//! folders. Each module covers one group of commands; `fixtures` builds the
//! authoring folders and keys they share.

// Test helpers outside #[test] functions may unwrap: a failure is the test failing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod fixtures;

mod keys_and_build {
    //! `pack keygen`, `pack build`, `pack verify`.
    use super::fixtures::*;

    #[test]
    fn keygen_writes_a_secret_and_a_public_key_and_never_overwrites() {
        let t = Tmp::new();
        let key = t.path("publisher.key");
        qalam(&t)
            .args(["pack", "keygen", "--out"])
            .arg(&key)
            .assert()
            .success();
        assert!(key.is_file() && t.path("publisher.key.pub").is_file());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&key).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "secret key must not be readable by others");
        }
        let before = std::fs::read(&key).unwrap();
        let out = qalam(&t)
            .args(["pack", "keygen", "--out"])
            .arg(&key)
            .assert()
            .failure();
        assert_one_line_error(&out.get_output().stderr);
        assert_eq!(std::fs::read(&key).unwrap(), before);
    }

    #[test]
    fn a_built_signed_pack_verifies_and_names_its_signer() {
        let t = Tmp::new();
        let key = keygen(&t, "k");
        let pack = build(
            &t,
            &course(&t, "org.test.course", "1.0.0"),
            &key,
            "course.qpack",
        );
        let out = qalam(&t)
            .args(["pack", "verify"])
            .arg(&pack)
            .assert()
            .success();
        let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
        assert!(stdout.contains("org.test.course 1.0.0"), "{stdout}");
        assert!(stdout.contains("signed by ed25519:"), "{stdout}");
    }

    #[test]
    fn verify_refuses_a_pack_with_one_byte_changed() {
        let t = Tmp::new();
        let key = keygen(&t, "k");
        let pack = build(
            &t,
            &course(&t, "org.test.course", "1.0.0"),
            &key,
            "course.qpack",
        );
        flip_byte_in_entry(&pack, "lessons/one.en.html");
        let out = qalam(&t)
            .args(["pack", "verify"])
            .arg(&pack)
            .assert()
            .failure();
        assert_one_line_error(&out.get_output().stderr);
    }

    #[test]
    fn verify_refuses_a_file_that_is_not_a_pack() {
        let t = Tmp::new();
        let bogus = t.path("holiday.qpack");
        std::fs::write(&bogus, b"MZ\x90\x00 this is an executable, not a zip").unwrap();
        let out = qalam(&t)
            .args(["pack", "verify"])
            .arg(&bogus)
            .assert()
            .failure();
        assert_one_line_error(&out.get_output().stderr);
    }
}

mod import {
    //! `trust`, `pack import`, `pack list`, `pack remove`, `pack export`.
    use super::fixtures::*;

    #[test]
    fn an_untrusted_pack_is_refused_unless_explicitly_allowed() {
        let t = Tmp::new();
        let key = keygen(&t, "k");
        let pack = build(
            &t,
            &course(&t, "org.test.course", "1.0.0"),
            &key,
            "course.qpack",
        );
        let out = qalam_data(&t)
            .args(["pack", "import"])
            .arg(&pack)
            .assert()
            .code(1);
        let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
        assert!(
            stdout.contains("refused") && stdout.contains("does not trust"),
            "{stdout}"
        );
        assert!(list_json(&t).is_empty());

        let out = qalam_data(&t)
            .args(["pack", "import", "--allow-untrusted"])
            .arg(&pack)
            .assert()
            .success();
        assert!(String::from_utf8_lossy(&out.get_output().stderr).contains("WARNING"));
        let packs = list_json(&t);
        assert_eq!(packs.len(), 1);
        assert_eq!(packs[0]["trusted"], false);
    }

    #[test]
    fn a_trusted_pack_installs_once_and_lists_with_its_titles() {
        let t = Tmp::new();
        let key = keygen(&t, "k");
        trust(&t, &key);
        let pack = build(
            &t,
            &course(&t, "org.test.course", "1.0.0"),
            &key,
            "course.qpack",
        );
        qalam_data(&t)
            .args(["pack", "import"])
            .arg(&pack)
            .assert()
            .success();
        let again = qalam_data(&t)
            .args(["pack", "import"])
            .arg(&pack)
            .assert()
            .success();
        assert!(String::from_utf8_lossy(&again.get_output().stdout).contains("unchanged"));

        let packs = list_json(&t);
        assert_eq!(packs.len(), 1);
        assert_eq!(packs[0]["id"], "org.test.course");
        assert_eq!(packs[0]["trusted"], true);
        assert_eq!(packs[0]["lesson_count"], 2);
        let arabic = qalam_data(&t)
            .args(["pack", "list", "--json", "--lang", "ar"])
            .assert()
            .success();
        let arabic: serde_json::Value =
            serde_json::from_slice(&arabic.get_output().stdout).unwrap();
        assert_eq!(arabic[0]["title"]["text"], "دورة تجريبية");
        assert_eq!(arabic[0]["title"]["dir"], "rtl");
    }

    #[test]
    fn a_refused_pack_does_not_stop_the_others_and_leaves_nothing_behind() {
        let t = Tmp::new();
        let key = keygen(&t, "k");
        trust(&t, &key);
        let stick = t.path("stick");
        std::fs::create_dir_all(&stick).unwrap();
        build(
            &t,
            &course(&t, "org.test.a", "1.0.0"),
            &key,
            "stick/a.qpack",
        );
        let bad = build(
            &t,
            &course(&t, "org.test.b", "1.0.0"),
            &key,
            "stick/b.qpack",
        );
        flip_byte_in_entry(&bad, "lessons/two.en.html");
        build(
            &t,
            &course(&t, "org.test.c", "1.0.0"),
            &key,
            "stick/c.qpack",
        );

        let out = qalam_data(&t)
            .args(["pack", "import"])
            .arg(&stick)
            .assert()
            .code(1);
        let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
        assert!(stdout.contains("2 imported, 1 failed"), "{stdout}");
        let ids: Vec<String> = list_json(&t)
            .iter()
            .map(|p| p["id"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(ids, ["org.test.a", "org.test.c"]);
        assert_dir_empty(&t.path("data/staging"));
        assert_eq!(std::fs::read_dir(t.path("data/packs")).unwrap().count(), 2);
    }

    #[test]
    fn a_newer_version_replaces_the_old_one_and_an_older_one_is_refused() {
        let t = Tmp::new();
        let key = keygen(&t, "k");
        trust(&t, &key);
        let v1 = build(
            &t,
            &course(&t, "org.test.course", "1.0.0"),
            &key,
            "v1.qpack",
        );
        let v2 = build(
            &t,
            &course(&t, "org.test.course", "1.1.0"),
            &key,
            "v2.qpack",
        );
        qalam_data(&t)
            .args(["pack", "import"])
            .arg(&v1)
            .assert()
            .success();
        let out = qalam_data(&t)
            .args(["pack", "import"])
            .arg(&v2)
            .assert()
            .success();
        assert!(String::from_utf8_lossy(&out.get_output().stdout).contains("updated"));
        assert_eq!(list_json(&t)[0]["version"], "1.1.0");
        assert_eq!(
            std::fs::read_dir(t.path("data/packs/org.test.course"))
                .unwrap()
                .count(),
            1
        );

        let out = qalam_data(&t)
            .args(["pack", "import"])
            .arg(&v1)
            .assert()
            .code(1);
        assert!(String::from_utf8_lossy(&out.get_output().stdout).contains("newer"));
        assert_eq!(list_json(&t)[0]["version"], "1.1.0");
    }

    #[test]
    fn an_import_that_would_eat_the_disk_reserve_is_refused_before_copying() {
        let t = Tmp::new();
        let key = keygen(&t, "k");
        trust(&t, &key);
        let pack = build(
            &t,
            &course(&t, "org.test.course", "1.0.0"),
            &key,
            "course.qpack",
        );
        let out = qalam_data(&t)
            .args(["--reserve-mb", "999999999", "pack", "import"])
            .arg(&pack)
            .assert()
            .code(1);
        let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
        assert!(stdout.contains("not enough free disk space"), "{stdout}");
        assert!(list_json(&t).is_empty());
        assert_dir_empty(&t.path("data/staging"));
    }

    #[test]
    fn a_missing_path_gets_a_clear_refusal() {
        let t = Tmp::new();
        let out = qalam_data(&t)
            .args(["pack", "import", "/no/such/stick"])
            .assert()
            .code(1);
        assert!(
            String::from_utf8_lossy(&out.get_output().stdout).contains("no such file or folder")
        );
    }

    #[test]
    fn remove_deletes_the_pack_and_its_files() {
        let t = Tmp::new();
        let key = keygen(&t, "k");
        trust(&t, &key);
        let pack = build(
            &t,
            &course(&t, "org.test.course", "1.0.0"),
            &key,
            "course.qpack",
        );
        qalam_data(&t)
            .args(["pack", "import"])
            .arg(&pack)
            .assert()
            .success();
        qalam_data(&t)
            .args(["pack", "remove", "org.test.course"])
            .assert()
            .success();
        assert!(list_json(&t).is_empty());
        assert_dir_empty(&t.path("data/packs"));
        let out = qalam_data(&t)
            .args(["pack", "remove", "org.test.course"])
            .assert()
            .failure();
        assert_one_line_error(&out.get_output().stderr);
    }

    #[test]
    fn an_exported_pack_keeps_the_publishers_signature_and_installs_elsewhere() {
        let t = Tmp::new();
        let key = keygen(&t, "k");
        trust(&t, &key);
        let pack = build(
            &t,
            &course(&t, "org.test.course", "1.0.0"),
            &key,
            "course.qpack",
        );
        qalam_data(&t)
            .args(["pack", "import"])
            .arg(&pack)
            .assert()
            .success();
        let stick = t.path("stick");
        std::fs::create_dir_all(&stick).unwrap();
        qalam_data(&t)
            .args(["pack", "export", "org.test.course", "--to"])
            .arg(&stick)
            .assert()
            .success();
        let exported = stick.join("org.test.course-1.0.0.qpack");
        let out = qalam(&t)
            .args(["pack", "verify"])
            .arg(&exported)
            .assert()
            .success();
        let key_id = trust_list(&t)[0]["key_id"].as_str().unwrap().to_string();
        assert!(String::from_utf8_lossy(&out.get_output().stdout).contains(&key_id));

        let other = t.path("other-centre");
        qalam(&t)
            .arg("--data")
            .arg(&other)
            .args(["trust", "add"])
            .arg(key.with_extension("key.pub"))
            .assert()
            .success();
        qalam(&t)
            .arg("--data")
            .arg(&other)
            .args(["pack", "import"])
            .arg(&exported)
            .assert()
            .success();
    }

    #[test]
    fn trust_add_refuses_a_file_that_is_not_a_public_key() {
        let t = Tmp::new();
        let key = keygen(&t, "k");
        let out = qalam_data(&t)
            .args(["trust", "add"])
            .arg(&key)
            .assert()
            .failure();
        assert_one_line_error(&out.get_output().stderr);
        assert!(trust_list(&t).is_empty());
    }
}

mod crash_safety {
    //! Start-up clean-up and kill -9 during import.
    use super::fixtures::*;

    #[test]
    fn leftovers_of_a_crash_are_removed_at_start_up() {
        let t = Tmp::new();
        let key = keygen(&t, "k");
        trust(&t, &key);
        let pack = build(
            &t,
            &course(&t, "org.test.course", "1.0.0"),
            &key,
            "course.qpack",
        );
        qalam_data(&t)
            .args(["pack", "import"])
            .arg(&pack)
            .assert()
            .success();
        // A renamed-but-never-committed install and a half-emptied trash.
        std::fs::create_dir_all(t.path("data/packs/org.test.course/9.9.9-deadbeef")).unwrap();
        std::fs::create_dir_all(t.path("data/packs/org.ghost/1.0.0-cafe")).unwrap();
        std::fs::create_dir_all(t.path("data/trash/0123/lessons")).unwrap();
        qalam_data(&t).args(["pack", "list"]).assert().success();
        assert!(!t.path("data/packs/org.test.course/9.9.9-deadbeef").exists());
        assert!(!t.path("data/packs/org.ghost").exists());
        assert_dir_empty(&t.path("data/trash"));
        assert_eq!(list_json(&t).len(), 1);
    }

    #[test]
    fn kill_9_at_random_moments_of_an_update_leaves_the_old_or_the_new_install() {
        let t = Tmp::new();
        let key = keygen(&t, "k");
        trust(&t, &key);
        let v1 = build(
            &t,
            &big_course(&t, "org.test.big", "1.0.0", 40),
            &key,
            "v1.qpack",
        );
        let v2 = build(
            &t,
            &big_course(&t, "org.test.big", "2.0.0", 40),
            &key,
            "v2.qpack",
        );
        qalam_data(&t)
            .args(["pack", "import"])
            .arg(&v1)
            .assert()
            .success();
        for trial in 0..8u64 {
            let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin!("qalam"))
                .arg("--data")
                .arg(t.path("data"))
                .args(["pack", "import"])
                .arg(&v2)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap();
            std::thread::sleep(std::time::Duration::from_millis(5 + trial * 17));
            let _ = child.kill();
            let _ = child.wait();
            // Whatever happened, the device opens consistent.
            let packs = list_json(&t);
            assert_eq!(packs.len(), 1, "trial {trial}");
            let version = packs[0]["version"].as_str().unwrap().to_string();
            assert!(
                version == "1.0.0" || version == "2.0.0",
                "trial {trial}: {version}"
            );
            let installs = std::fs::read_dir(t.path("data/packs/org.test.big"))
                .unwrap()
                .count();
            assert_eq!(
                installs, 1,
                "trial {trial}: exactly one install folder after start-up"
            );
            if version == "2.0.0" {
                // Go back to v1 for the next trial.
                qalam_data(&t)
                    .args(["pack", "remove", "org.test.big"])
                    .assert()
                    .success();
                qalam_data(&t)
                    .args(["pack", "import"])
                    .arg(&v1)
                    .assert()
                    .success();
            }
        }
        qalam_data(&t)
            .args(["pack", "import"])
            .arg(&v2)
            .assert()
            .success();
        assert_eq!(list_json(&t)[0]["version"], "2.0.0");
    }
}
