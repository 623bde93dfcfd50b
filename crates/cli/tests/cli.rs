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
        for trial in 0..12u64 {
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

mod learners_and_events {
    //! `learner`, `progress`, `events export`, `doctor`, `simulate`.
    use super::fixtures::*;

    fn stdout(cmd: &mut assert_cmd::Command) -> String {
        let out = cmd.assert().success();
        String::from_utf8(out.get_output().stdout.clone()).unwrap()
    }

    fn json_lines(text: &str) -> Vec<serde_json::Value> {
        text.lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    #[test]
    fn learners_are_added_listed_and_a_bad_pin_is_refused() {
        let t = Tmp::new();
        let added = stdout(qalam_data(&t).args(["learner", "add", "Amal", "--pin", "٤٣٢١"]));
        assert!(added.starts_with("added learner "), "{added}");
        stdout(qalam_data(&t).args(["learner", "add", "Hana", "--facilitator"]));
        let out = qalam_data(&t)
            .args(["learner", "add", "Badr", "--pin", "12"])
            .assert()
            .failure();
        assert_one_line_error(&out.get_output().stderr);
        let list: Vec<serde_json::Value> =
            serde_json::from_str(&stdout(qalam_data(&t).args(["learner", "list", "--json"])))
                .unwrap();
        assert_eq!(list.len(), 2);
        let amal = list.iter().find(|l| l["name"] == "Amal").unwrap();
        assert_eq!(amal["has_pin"], true);
        assert_eq!(amal["role"], "learner");
        let hana = list.iter().find(|l| l["name"] == "Hana").unwrap();
        assert_eq!(hana["role"], "facilitator");
        let text = stdout(qalam_data(&t).args(["learner", "list"]));
        assert_eq!(text.lines().count(), 2, "{text}");
        qalam_data(&t).arg("doctor").assert().success();
    }

    #[test]
    fn export_prints_one_event_per_line_in_a_fixed_field_order() {
        let t = Tmp::new();
        stdout(qalam_data(&t).args(["learner", "add", "Amal"]));
        stdout(qalam_data(&t).args([
            "simulate",
            "--learners",
            "3",
            "--events",
            "60",
            "--seed",
            "4",
        ]));
        let text = stdout(qalam_data(&t).args(["events", "export", "--json"]));
        let events = json_lines(&text);
        assert!(events.len() >= 64, "{}", events.len());
        for (i, line) in text.lines().enumerate() {
            assert!(line.starts_with("{\"device\":"), "{line}");
            assert_eq!(events[i]["seq"], i as u64 + 1);
        }
        let keys: Vec<&str> = text.lines().next().unwrap().split("\":").take(4).collect();
        assert!(
            keys[1].ends_with("\"seq") && keys[2].ends_with("\"hlc"),
            "{keys:?}"
        );
        assert_eq!(events[0]["kind"], "learner_registered");
        assert_eq!(events[0]["fields"]["name"], "Amal");
        let plain = stdout(qalam_data(&t).args(["events", "export"]));
        assert_eq!(plain.lines().count(), events.len());
        let learner = events[0]["learner"].as_str().unwrap();
        let one = stdout(qalam_data(&t).args(["progress", "--json", "--learner", learner]));
        let one: serde_json::Value = serde_json::from_str(&one).unwrap();
        assert_eq!(one["learners"][0]["name"], "Amal");
        let out = qalam_data(&t)
            .args(["progress", "--learner", "not-an-id"])
            .assert()
            .failure();
        assert_one_line_error(&out.get_output().stderr);
    }

    #[test]
    fn simulate_is_deterministic_and_progress_json_is_canonical() {
        let (a, b) = (Tmp::new(), Tmp::new());
        for t in [&a, &b] {
            let out = stdout(qalam_data(t).args([
                "simulate",
                "--learners",
                "6",
                "--events",
                "400",
                "--seed",
                "42",
            ]));
            assert!(out.contains("simulated 6 learners"), "{out}");
        }
        let pa = stdout(qalam_data(&a).args(["progress", "--json"]));
        let pb = stdout(qalam_data(&b).args(["progress", "--json"]));
        assert_eq!(pa, pb, "same events, same bytes");
        let progress: serde_json::Value = serde_json::from_str(&pa).unwrap();
        assert_eq!(progress["learners"].as_array().unwrap().len(), 6);
        // The events are the same apart from the random device id.
        let strip = |t: &Tmp| -> Vec<(serde_json::Value, serde_json::Value, serde_json::Value)> {
            json_lines(&stdout(qalam_data(t).args(["events", "export", "--json"])))
                .into_iter()
                .map(|e| (e["seq"].clone(), e["hlc"].clone(), e["fields"].clone()))
                .collect()
        };
        assert_eq!(strip(&a), strip(&b));
        let other = Tmp::new();
        stdout(qalam_data(&other).args([
            "simulate",
            "--learners",
            "6",
            "--events",
            "400",
            "--seed",
            "43",
        ]));
        assert_ne!(stdout(qalam_data(&other).args(["progress", "--json"])), pa);
        qalam_data(&a).arg("doctor").assert().success();
    }

    #[test]
    fn doctor_says_exactly_what_is_wrong_and_fails() {
        let t = Tmp::new();
        stdout(qalam_data(&t).args([
            "simulate",
            "--learners",
            "2",
            "--events",
            "40",
            "--seed",
            "1",
        ]));
        let ok = stdout(qalam_data(&t).arg("doctor"));
        assert!(ok.contains("all checks passed"), "{ok}");
        let db = t.path("data/qalam.db");
        {
            let conn = rusqlite::Connection::open(&db).unwrap();
            conn.execute(
                "UPDATE lesson_progress SET active_seconds = active_seconds + 1",
                [],
            )
            .unwrap();
        }
        let out = qalam_data(&t).arg("doctor").assert().code(1);
        let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
        assert!(text.contains("PROBLEM: learner "), "{text}");
        assert!(text.contains("differ from a rebuild"), "{text}");
        {
            // Someone bypasses the triggers and edits an event.
            let conn = rusqlite::Connection::open(&db).unwrap();
            conn.execute_batch(
                "DROP TRIGGER events_no_update;
                 UPDATE events SET body = CAST(replace(body, CAST('Learner 1' AS BLOB), CAST('Learner 9' AS BLOB)) AS BLOB) WHERE seq = 1;",
            )
            .unwrap();
        }
        let out = qalam_data(&t).arg("doctor").assert().code(1);
        let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
        assert!(
            text.contains("chain broken: hash mismatch at seq 2"),
            "{text}"
        );
    }

    #[test]
    fn picture_passwords_are_four_pictures_of_nine() {
        let t = Tmp::new();
        let added =
            stdout(qalam_data(&t).args(["learner", "add", "Nour", "--pin", "٣٩١٧", "--pictures"]));
        assert!(added.starts_with("added learner "), "{added}");
        for bad in [
            &["learner", "add", "X", "--pin", "1230", "--pictures"][..],
            &["learner", "add", "X", "--pictures"],
            &["learner", "add", "X", "--pin", "123456", "--pictures"],
        ] {
            qalam_data(&t).args(bad).assert().failure();
        }
        let list: Vec<serde_json::Value> =
            serde_json::from_str(&stdout(qalam_data(&t).args(["learner", "list", "--json"])))
                .unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0]["sign_in_with"], "pictures");
        assert!(stdout(qalam_data(&t).args(["learner", "list"])).contains("(pictures)"));
    }

    #[test]
    fn doctor_repair_restores_a_damaged_database_and_doctor_passes_again() {
        let t = Tmp::new();
        let sim = |seed: &str| {
            stdout(qalam_data(&t).args([
                "simulate",
                "--learners",
                "4",
                "--events",
                "1500",
                "--seed",
                seed,
            ]))
        };
        let db = t.path("data/qalam.db");
        let held = |t: &Tmp| {
            let out = qalam_data(t).args(["events", "export"]).assert().success();
            String::from_utf8_lossy(&out.get_output().stdout)
                .lines()
                .count()
        };
        sim("1");
        stdout(qalam_data(&t).arg("backup"));
        let in_backup = held(&t);
        sim("2");
        let before = held(&t);
        {
            // Garbage over four pages in the middle of the file.
            use std::io::{Seek, SeekFrom, Write};
            let len = std::fs::metadata(&db).unwrap().len();
            let mut f = std::fs::OpenOptions::new().write(true).open(&db).unwrap();
            f.seek(SeekFrom::Start(len / 4096 / 2 * 4096)).unwrap();
            f.write_all(&vec![0x5a; 4 * 4096]).unwrap();
        }
        let out = qalam_data(&t).arg("doctor").assert().code(1);
        let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
        assert!(text.contains("PROBLEM"), "{text}");
        let repaired = stdout(qalam_data(&t).args(["doctor", "--repair"]));
        assert!(
            repaired.contains("repair: kept a copy of the damaged database"),
            "{repaired}"
        );
        assert!(repaired.contains("repair: using the backup"), "{repaired}");
        assert!(repaired.contains("takes the new id"), "{repaired}");
        assert!(repaired.contains("all checks passed"), "{repaired}");
        // Everything the backup holds, and what the damaged file still
        // yields of what came after it: how much depends on which pages
        // the garbage hit (an inner page of the b-tree hides its leaves).
        let after = held(&t);
        assert!(
            after <= before && after > in_backup,
            "{after} of {before}, {in_backup} in the backup"
        );
        qalam_data(&t).arg("doctor").assert().success();
        let damaged = std::fs::read_dir(t.path("data/damaged")).unwrap().count();
        assert_eq!(damaged, 1);
    }
}

mod event_log_crash_safety {
    //! kill -9 while events are being appended.
    use std::io::BufRead;
    use std::process::Stdio;
    use std::time::Duration;

    use super::fixtures::*;

    #[test]
    fn kill_9_never_loses_an_acknowledged_event_and_doctor_passes() {
        let t = Tmp::new();
        let bin = assert_cmd::cargo::cargo_bin!("qalam");
        let mut acked_max = 0u64;
        for trial in 0..12u64 {
            let mut child = std::process::Command::new(bin)
                .env_remove("QALAM_DATA")
                .env("QALAM_LOG", "error")
                .arg("--data")
                .arg(t.path("data"))
                .args([
                    "simulate",
                    "--learners",
                    "3",
                    "--events",
                    "1000000",
                    "--ack",
                    "--seed",
                ])
                .arg(trial.to_string())
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            let stdout = child.stdout.take().unwrap();
            let reader = std::thread::spawn(move || {
                let mut last = 0u64;
                for line in std::io::BufReader::new(stdout).lines() {
                    let Ok(line) = line else { break };
                    if let Some(seq) = line.strip_prefix("acked ") {
                        last = seq.parse().unwrap();
                    }
                }
                last
            });
            // Pseudo-random moments: 150 to 650 ms after the start.
            let wait = 150 + (trial * 7919 % 500);
            std::thread::sleep(Duration::from_millis(wait));
            child.kill().unwrap(); // SIGKILL on Unix
            child.wait().unwrap();
            let last = reader.join().unwrap();
            assert!(last >= acked_max, "trial {trial}: acks go forward");
            acked_max = last;
            let out = qalam_data(&t).arg("doctor").assert().success();
            let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
            assert!(text.contains("all checks passed"), "trial {trial}: {text}");
            let export = qalam_data(&t).args(["events", "export"]).assert().success();
            let held = String::from_utf8_lossy(&export.get_output().stdout)
                .lines()
                .count() as u64;
            assert!(
                held >= acked_max,
                "trial {trial}: {held} events held, {acked_max} acknowledged"
            );
        }
        assert!(acked_max > 0, "the child never acknowledged an event");
    }
}

mod server_admin {
    //! `server org add`, `server centre add`, `server enrol-code`,
    //! `server device revoke`: the commands operators' scripts rely on,
    //! each printing the new id or code alone on its last line.
    use super::fixtures::*;

    fn server(t: &Tmp) -> assert_cmd::Command {
        let mut cmd = qalam(t);
        cmd.env_remove("QALAM_DATABASE_URL");
        cmd
    }

    /// Runs a command that must succeed and returns its last stdout line.
    fn last_line(cmd: &mut assert_cmd::Command) -> String {
        let out = cmd.assert().success();
        let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
        let last = stdout.lines().last().unwrap_or_default().to_owned();
        assert_eq!(
            last,
            last.trim(),
            "last line must be the value alone: {stdout:?}"
        );
        last
    }

    fn is_hex_id(text: &str) -> bool {
        text.len() == 32 && text.bytes().all(|b| b.is_ascii_hexdigit())
    }

    fn add_org(t: &Tmp, name: &str) -> String {
        let data = t.path("server");
        last_line(
            server(t)
                .args(["server", "org", "add", name, "--data"])
                .arg(&data),
        )
    }

    #[test]
    fn org_centre_and_code_chain_through_their_last_lines() {
        let t = Tmp::new();
        let data = t.path("server");
        let org = add_org(&t, "Example NGO");
        assert!(is_hex_id(&org), "{org:?}");
        let centre = last_line(
            server(&t)
                .args([
                    "server",
                    "centre",
                    "add",
                    "Amman centre",
                    "--org",
                    &org,
                    "--data",
                ])
                .arg(&data),
        );
        assert!(is_hex_id(&centre), "{centre:?}");
        assert_ne!(centre, org);
        let code = last_line(
            server(&t)
                .args(["server", "enrol-code", "--centre", &centre, "--data"])
                .arg(&data),
        );
        assert!(!code.is_empty() && !code.contains(' '), "{code:?}");
        let other = last_line(
            server(&t)
                .args([
                    "server",
                    "enrol-code",
                    "--centre",
                    &centre,
                    "--valid-hours",
                    "1",
                ])
                .arg("--data")
                .arg(&data),
        );
        assert_ne!(other, code, "every code is new");
        assert!(data.join("server.db").is_file());
    }

    #[test]
    fn an_org_id_typo_fails_with_one_line() {
        let t = Tmp::new();
        let data = t.path("server");
        let org = add_org(&t, "Example NGO");
        // One digit changed: well formed, but no such organisation.
        let last = org.chars().last().unwrap();
        let typo = format!("{}{}", &org[..31], if last == '0' { '1' } else { '0' });
        let out = server(&t)
            .args(["server", "centre", "add", "Amman", "--org", &typo, "--data"])
            .arg(&data)
            .assert()
            .failure();
        assert_one_line_error(&out.get_output().stderr);
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(
            stderr.contains(&typo) && stderr.contains("server org add"),
            "{stderr}"
        );
        assert!(out.get_output().stdout.is_empty());
        // Malformed: not even an id.
        let out = server(&t)
            .args([
                "server", "centre", "add", "Amman", "--org", "org-1", "--data",
            ])
            .arg(&data)
            .assert()
            .failure();
        assert_one_line_error(&out.get_output().stderr);
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(stderr.contains("32 hex digits"), "{stderr}");
    }

    #[test]
    fn an_unknown_centre_gets_no_code() {
        let t = Tmp::new();
        add_org(&t, "Example NGO");
        let out = server(&t)
            .args([
                "server",
                "enrol-code",
                "--centre",
                "00112233445566778899aabbccddeeff",
                "--data",
            ])
            .arg(t.path("server"))
            .assert()
            .failure();
        assert_one_line_error(&out.get_output().stderr);
    }

    #[test]
    fn revoking_an_unknown_or_malformed_device_fails_with_one_line() {
        let t = Tmp::new();
        add_org(&t, "Example NGO");
        for id in ["00112233445566778899aabbccddeeff", "laptop-7"] {
            let out = server(&t)
                .args(["server", "device", "revoke", id, "--data"])
                .arg(t.path("server"))
                .assert()
                .failure();
            assert_one_line_error(&out.get_output().stderr);
            let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
            assert!(stderr.contains(id), "{stderr}");
        }
    }

    /// The same chain on PostgreSQL with `--database` (needs
    /// `QALAM_TEST_POSTGRES_URL`, from `eval "$(scripts/pg.sh start)"`;
    /// skipped without it, except under CI).
    #[test]
    fn the_chain_works_on_postgresql_too() {
        let Ok(url) = std::env::var("QALAM_TEST_POSTGRES_URL") else {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must set QALAM_TEST_POSTGRES_URL"
            );
            eprintln!("skipped: QALAM_TEST_POSTGRES_URL is not set");
            return;
        };
        let t = Tmp::new();
        let org =
            last_line(server(&t).args(["server", "org", "add", "PG NGO", "--database", &url]));
        assert!(is_hex_id(&org), "{org:?}");
        let centre = last_line(server(&t).args([
            "server",
            "centre",
            "add",
            "Amman",
            "--org",
            &org,
            "--database",
            &url,
        ]));
        assert!(is_hex_id(&centre), "{centre:?}");
        let code = last_line(server(&t).args([
            "server",
            "enrol-code",
            "--centre",
            &centre,
            "--database",
            &url,
        ]));
        assert!(!code.is_empty());
        let out = server(&t)
            .args([
                "server",
                "device",
                "revoke",
                "00112233445566778899aabbccddeeff",
            ])
            .args(["--database", &url])
            .assert()
            .failure();
        assert_one_line_error(&out.get_output().stderr);
    }

    #[test]
    fn server_commands_without_a_data_folder_say_so() {
        let t = Tmp::new();
        let out = server(&t)
            .args(["server", "org", "add", "Example NGO"])
            .assert()
            .failure();
        assert_one_line_error(&out.get_output().stderr);
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(stderr.contains("--data"), "{stderr}");
    }
}

mod server_run {
    //! `server run`: enrolment over a real socket, then `server device
    //! revoke` of the enrolled device; the plain-HTTP warning.
    use std::io::{BufRead, BufReader, Read, Write};
    use std::process::{Child, Stdio};

    use super::fixtures::*;

    /// Starts `qalam server run` and returns it with the address it prints.
    fn start(t: &Tmp, listen: &str) -> (Child, String) {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin!("qalam"))
            .env_remove("QALAM_DATABASE_URL")
            .env("QALAM_LOG", "error")
            .args(["server", "run", "--listen", listen, "--data"])
            .arg(t.path("server"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.as_mut().unwrap())
            .read_line(&mut line)
            .unwrap();
        let addr = line
            .split("http://")
            .nth(1)
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .trim()
            .trim_end_matches('/')
            .to_owned();
        (child, addr)
    }

    fn stop(mut child: Child) -> String {
        child.kill().unwrap();
        child.wait().unwrap();
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        stderr
    }

    /// A minimal HTTP/1.1 POST of a JSON body; returns (status, body).
    fn post_json(addr: &str, path: &str, body: &str) -> (u16, String) {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        write!(
            stream,
            "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let status = response
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let body = response
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_owned())
            .unwrap_or_default();
        (status, body)
    }

    fn last_line(cmd: &mut assert_cmd::Command) -> String {
        let out = cmd.assert().success();
        let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
        stdout.lines().last().unwrap_or_default().to_owned()
    }

    #[test]
    fn a_device_enrolled_over_http_is_revoked_by_id() {
        let t = Tmp::new();
        let data = t.path("server");
        let org = last_line(
            qalam(&t)
                .args(["server", "org", "add", "NGO", "--data"])
                .arg(&data),
        );
        let centre = last_line(
            qalam(&t)
                .args(["server", "centre", "add", "Amman", "--org", &org, "--data"])
                .arg(&data),
        );
        let code = last_line(
            qalam(&t)
                .args(["server", "enrol-code", "--centre", &centre, "--data"])
                .arg(&data),
        );
        let (child, addr) = start(&t, "127.0.0.1:0");
        let device = "0123456789abcdef0123456789abcdef";
        let (status, body) = post_json(
            &addr,
            "/v1/enrol",
            &format!(r#"{{"code":"{code}","device_id":"{device}"}}"#),
        );
        assert_eq!(status, 200, "{body}");
        let enrolled: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(enrolled["org"], org.as_str());
        assert_eq!(enrolled["centre"], centre.as_str());
        assert!(
            enrolled["credential"]
                .as_str()
                .is_some_and(|c| !c.is_empty())
        );
        let stderr = stop(child);
        assert!(
            !stderr.contains("WARNING"),
            "loopback needs no warning: {stderr}"
        );

        let revoked = last_line(
            qalam(&t)
                .args(["server", "device", "revoke", device, "--data"])
                .arg(&data),
        );
        assert_eq!(revoked, device);
    }

    #[test]
    fn listening_beyond_loopback_without_tls_warns_loudly() {
        let t = Tmp::new();
        let (child, _addr) = start(&t, "0.0.0.0:0");
        let stderr = stop(child);
        assert!(
            stderr.contains("WARNING") && stderr.contains("TLS"),
            "{stderr}"
        );
    }
}

mod backups {
    //! `qalam backup`: checked copies of the device database, newest few kept.
    use super::fixtures::*;

    #[test]
    fn backup_writes_a_copy_that_holds_the_learners_and_keeps_the_newest_three() {
        let t = Tmp::new();
        qalam_data(&t)
            .args(["learner", "add", "Amina"])
            .assert()
            .success();
        let mut last = String::new();
        for _ in 0..5 {
            let out = qalam_data(&t).arg("backup").assert().success();
            last = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        let path = last.trim().rsplit(' ').next().unwrap().to_string();
        assert!(path.ends_with(".db"), "{last}");
        let kept = std::fs::read_dir(t.path("data/backups")).unwrap().count();
        assert_eq!(kept, 3);
        // The copy is a whole device: listing learners from it finds Amina.
        let copy = t.path("restored");
        std::fs::create_dir_all(&copy).unwrap();
        std::fs::copy(&path, copy.join("qalam.db")).unwrap();
        let out = qalam(&t)
            .arg("--data")
            .arg(&copy)
            .args(["learner", "list", "--json"])
            .assert()
            .success();
        assert!(String::from_utf8_lossy(&out.get_output().stdout).contains("Amina"));
    }
}
