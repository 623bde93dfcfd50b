//! Sync files on a stick and packs from the campus catalogue, through the
//! service layer as the app calls them: real SQLite data folders, a real
//! folder standing in for the stick, and a real campus server on
//! 127.0.0.1:0 (sync routes and catalogue on one listener).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use qalam_core::api::dispatch::dispatch;
use qalam_core::api::learners;
use qalam_core::bundle::{self, BundleHeader, BundleKind, Opened, Part};
use qalam_server::bundle::{self as server_bundle, BundleStore};
use qalam_server::{DeviceId, OrgId, Store, now_ms};
use serde_json::{Value, json};
use sha2::Digest;

const COMMANDS: [&str; 6] = [
    "bundle_export",
    "bundle_list",
    "bundle_import",
    "catalogue_list",
    "pack_fetch",
    "pack_fetch_status",
];

type Fixture = support::StickDevice;

impl Fixture {
    fn call(&self, command: &str, args: Value) -> Result<Value, String> {
        dispatch(&self.device, command, args, Some(&self.facilitator), "test").map_err(|e| e.code)
    }

    fn id(&self) -> DeviceId {
        self.device.identity().device
    }

    fn files(&self) -> Vec<Value> {
        let sticks = self.call("bundle_list", json!({})).unwrap();
        sticks[0]["files"].as_array().unwrap().clone()
    }

    fn file(&self, name: &str) -> Value {
        let files = self.files();
        files
            .into_iter()
            .find(|f| f["file"] == name)
            .unwrap_or_else(|| panic!("{name} not listed"))
    }

    fn names(&self) -> Vec<String> {
        let list = self.call("learner_list", json!({})).unwrap();
        let mut names: Vec<String> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["name"].as_str().unwrap().to_owned())
            .collect();
        names.sort();
        names
    }
}

struct Campus {
    base: String,
    data: tempfile::TempDir,
    store: Arc<dyn Store>,
    rt: tokio::runtime::Runtime,
}

impl Campus {
    fn start() -> Campus {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let data = tempfile::tempdir().unwrap();
        let packs = qalam_server::catalogue::packs_dir(data.path());
        let (store, base) = rt.block_on(async {
            let store = qalam_server::open_store(data.path(), None).await.unwrap();
            let app = qalam_server::http::router(Arc::clone(&store))
                .merge(qalam_server::catalogue::routes(Arc::clone(&store), packs));
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            tokio::spawn(qalam_server::http::serve_router(
                listener,
                app,
                Duration::from_secs(30),
            ));
            (store, format!("http://{addr}"))
        });
        Campus {
            base,
            data,
            store,
            rt,
        }
    }

    /// A fresh organisation with one centre, and a code to enrol with.
    fn org(&self, name: &str) -> (OrgId, qalam_model::CentreId) {
        let org = self
            .rt
            .block_on(self.store.create_org(name, now_ms()))
            .unwrap()
            .id;
        let centre = self
            .rt
            .block_on(self.store.create_centre(org, "North", now_ms()))
            .unwrap()
            .id;
        (org, centre)
    }

    fn enrol(&self, fx: &Fixture, centre: qalam_model::CentreId) {
        let code = self
            .rt
            .block_on(self.store.create_enrol_code(centre, now_ms(), 3_600_000))
            .unwrap()
            .code;
        qalam_core::sync::enrol(&fx.device, &self.base, &code).unwrap();
    }

    fn bundles(&self) -> Arc<dyn BundleStore> {
        self.rt
            .block_on(server_bundle::open_bundle_store(self.data.path(), None))
            .unwrap()
    }

    /// What `qalam --data SERVER bundle import FILE` does: the new events.
    fn import(&self, path: &Path) -> usize {
        let bytes = std::fs::read(path).unwrap();
        let opened = Opened::open(&bytes).unwrap();
        let h = opened.header.clone();
        assert_eq!(h.kind, BundleKind::DeviceToServer);
        let store = self.bundles();
        self.rt.block_on(async {
            let peer = server_bundle::peer(store.as_ref(), h.device, Some(h.org))
                .await
                .unwrap();
            opened.verify(&peer.key).unwrap();
            let events = (0..opened.part_count())
                .flat_map(|i| opened.part(i).unwrap().events)
                .collect();
            server_bundle::ingest(store.as_ref(), &peer, events)
                .await
                .unwrap()
                .inserted
        })
    }

    /// What `qalam --data SERVER bundle export --out FILE --for DEVICE` does.
    fn write_for(&self, device: DeviceId, out: &Path) {
        let store = self.bundles();
        let outgoing = self
            .rt
            .block_on(server_bundle::outgoing(
                store.as_ref(),
                device,
                None,
                bundle::PART_EVENT_BYTES,
            ))
            .unwrap();
        let parts: Vec<Part> = outgoing
            .batches
            .into_iter()
            .map(|b| Part {
                writer: b.writer,
                from_seq: b.from_seq,
                next_seq: b.next_seq,
                events: b.events,
            })
            .collect();
        let header = BundleHeader {
            kind: BundleKind::ServerToDevice,
            device,
            org: outgoing.peer.device.org,
            centre: outgoing.peer.device.centre,
            created_ms: u64::try_from(now_ms()).unwrap(),
            acked_to: outgoing.acked_to,
            presence_epoch: outgoing.presence_epoch,
            since_epoch: outgoing.since_epoch,
            cursors: Default::default(),
            enrolment: None,
            extras: Default::default(),
        };
        let bytes = bundle::encode(&header, &parts, &outgoing.peer.key).unwrap();
        std::fs::create_dir_all(out.parent().unwrap()).unwrap();
        std::fs::write(out, bytes).unwrap();
    }
}

#[test]
fn only_facilitators_exchange_files_and_packs() {
    let fx = Fixture::new("QALAM-STICK");
    let args = json!({"mount": fx.mount(), "file": "x.qbundle", "id": "org.x", "version": "1.0.0", "lang": "en"});
    for command in COMMANDS {
        let by = |token: Option<&str>| {
            dispatch(&fx.device, command, args.clone(), token, "test").map_err(|e| e.code)
        };
        assert_eq!(by(None), Err("unauthenticated".into()), "{command}");
        assert_eq!(by(Some(&fx.learner)), Err("forbidden".into()), "{command}");
    }
    // Nothing was written on the stick by the refused calls.
    assert!(!fx.stick.join("qalam-sync").exists());
}

#[test]
fn an_unenrolled_device_says_so_and_only_detected_sticks_are_used() {
    let fx = Fixture::new("QALAM-STICK");
    let mount = fx.mount();
    assert_eq!(
        fx.call("bundle_export", json!({"mount": mount})),
        Err("not_enrolled".into())
    );
    assert_eq!(
        fx.call("catalogue_list", json!({"lang": "en"})),
        Err("not_enrolled".into())
    );
    assert_eq!(
        fx.call("pack_fetch", json!({"id": "org.x", "version": "1.0.0"})),
        Err("not_enrolled".into())
    );
    // A path that is not a detected stick is refused, whatever it is.
    let elsewhere = fx.dir.path().join("data").display().to_string();
    for mount in [elsewhere.as_str(), "/", "", "/tmp"] {
        assert_eq!(
            fx.call("bundle_export", json!({"mount": mount})),
            Err("stick_missing".into()),
            "{mount}"
        );
    }
    assert_eq!(
        fx.call(
            "bundle_import",
            json!({"mount": mount, "file": "../../data/qalam.db"})
        ),
        Err("bad_request".into())
    );
    assert_eq!(
        fx.call(
            "bundle_import",
            json!({"mount": mount, "file": "none.qbundle"})
        ),
        Err("not_found".into())
    );
    // The stick is listed, empty, even without a sync folder.
    let sticks = fx.call("bundle_list", json!({})).unwrap();
    assert_eq!(sticks.as_array().unwrap().len(), 1);
    assert_eq!(sticks[0]["root"], mount.as_str());
    assert_eq!(sticks[0]["label"], "QALAM-STICK");
    assert_eq!(sticks[0]["files"], json!([]));
    // Junk in the sync folder is listed as unreadable, not loaded.
    std::fs::create_dir_all(fx.stick.join("qalam-sync")).unwrap();
    std::fs::write(fx.stick.join("qalam-sync/notes.txt"), b"shopping list").unwrap();
    let junk = fx.file("notes.txt");
    assert_eq!(junk["state"], "refused");
    assert_eq!(junk["code"], "bundle_unreadable");
    assert_eq!(
        fx.call(
            "bundle_import",
            json!({"mount": mount, "file": "notes.txt"})
        ),
        Err("bundle_unreadable".into())
    );
}

#[test]
fn a_round_trip_device_to_server_to_device_and_its_refusals() {
    let campus = Campus::start();
    let (_, centre) = campus.org("Relief Org");
    let a = Fixture::new("QALAM-STICK");
    let b = Fixture::new("QALAM-STICK");
    campus.enrol(&a, centre);
    campus.enrol(&b, centre);
    learners::learner_add(&a.device, "Samir", None, false).unwrap();

    // Device A writes its sync file onto its stick.
    let written = a
        .call("bundle_export", json!({"mount": a.mount()}))
        .unwrap();
    let name = written["file"].as_str().unwrap().to_owned();
    assert!(name.starts_with(&format!("from-{}-", a.id())), "{name}");
    assert!(name.ends_with(".qbundle"));
    assert_eq!(written["device"], a.id().to_string());
    assert!(written["events"].as_u64().unwrap() >= 3, "{written}");
    let path = a.stick.join("qalam-sync").join(&name);
    assert_eq!(
        written["bytes"].as_u64(),
        Some(std::fs::metadata(&path).unwrap().len())
    );
    // On A's own stick it is for the server, not for loading here.
    let listed = a.file(&name);
    assert_eq!(listed["state"], "outgoing", "{listed}");
    assert_eq!(listed["kind"], "device_to_server");
    assert!(listed["created_at"].is_string());
    assert_eq!(
        a.call("bundle_import", json!({"mount": a.mount(), "file": name})),
        Err("bundle_own".into())
    );

    // The campus server takes it, and writes one for device B.
    assert!(campus.import(&path) >= 3);
    let for_b = b.stick.join("qalam-sync").join("for-b.qbundle");
    campus.write_for(b.id(), &for_b);
    let listed = b.file("for-b.qbundle");
    assert_eq!(listed["state"], "ready", "{listed}");
    assert_eq!(listed["kind"], "server_to_device");
    assert_eq!(listed["code"], Value::Null);

    // A changed byte is refused with its code, and stores nothing.
    let mut bytes = std::fs::read(&for_b).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x40;
    std::fs::write(b.stick.join("qalam-sync/changed.qbundle"), &bytes).unwrap();
    assert_eq!(b.file("changed.qbundle")["code"], "bundle_tampered");
    assert_eq!(
        b.call(
            "bundle_import",
            json!({"mount": b.mount(), "file": "changed.qbundle"})
        ),
        Err("bundle_tampered".into())
    );
    assert!(!b.names().contains(&"Samir".to_owned()));

    // B's file on A's stick is for another device.
    std::fs::copy(&for_b, a.stick.join("qalam-sync/for-b.qbundle")).unwrap();
    assert_eq!(a.file("for-b.qbundle")["code"], "bundle_other_device");
    assert_eq!(
        a.call(
            "bundle_import",
            json!({"mount": a.mount(), "file": "for-b.qbundle"})
        ),
        Err("bundle_other_device".into())
    );

    // B loads its own: A's learners arrive; loading again changes nothing.
    let loaded = b
        .call(
            "bundle_import",
            json!({"mount": b.mount(), "file": "for-b.qbundle"}),
        )
        .unwrap();
    assert!(loaded["new"].as_u64().unwrap() >= 3, "{loaded}");
    assert_eq!(loaded["duplicates"], 0);
    assert!(b.names().contains(&"Samir".to_owned()), "{:?}", b.names());
    let again = b
        .call(
            "bundle_import",
            json!({"mount": b.mount(), "file": "for-b.qbundle"}),
        )
        .unwrap();
    assert_eq!(again["new"], 0);
    assert_eq!(again["duplicates"], loaded["events"]);

    // A device of another organisation refuses it.
    let (_, other_centre) = campus.org("Other Org");
    let c = Fixture::new("QALAM-STICK");
    campus.enrol(&c, other_centre);
    std::fs::copy(&for_b, c.stick.join("for-b.qbundle")).ok();
    std::fs::create_dir_all(c.stick.join("qalam-sync")).unwrap();
    std::fs::copy(&for_b, c.stick.join("qalam-sync/for-b.qbundle")).unwrap();
    assert_eq!(c.file("for-b.qbundle")["code"], "bundle_other_org");
    assert_eq!(
        c.call(
            "bundle_import",
            json!({"mount": c.mount(), "file": "for-b.qbundle"})
        ),
        Err("bundle_other_org".into())
    );
}

/// A completed sync with the campus server: the laptop's key is certified
/// and it learns the server's key (docs/SYNC_PROTOCOL.md, "Device keys and
/// certificates").
fn sync_once(fx: &Fixture) {
    qalam_core::sync::sync_once(&fx.device, &qalam_core::sync::SyncOptions::default()).unwrap();
}

fn copy_to_stick(from: &Path, to: &Fixture, name: &str) {
    std::fs::create_dir_all(to.stick.join("qalam-sync")).unwrap();
    std::fs::copy(from, to.stick.join("qalam-sync").join(name)).unwrap();
}

#[test]
fn a_file_for_the_other_laptops_of_the_centre_and_its_refusals() {
    let campus = Campus::start();
    let (org, centre) = campus.org("Relief Org");
    let south = campus
        .rt
        .block_on(campus.store.create_centre(org, "South", now_ms()))
        .unwrap()
        .id;
    let a = Fixture::new("QALAM-STICK");
    let b = Fixture::new("QALAM-STICK");
    let elsewhere = Fixture::new("QALAM-STICK");
    let unsynced = Fixture::new("QALAM-STICK");
    campus.enrol(&a, centre);
    campus.enrol(&b, centre);
    campus.enrol(&elsewhere, south);
    campus.enrol(&unsynced, centre);

    // Before its first sync, the campus server has not vouched for A's
    // key: a clear code and one line saying what to do; nothing written.
    let refused = dispatch(
        &a.device,
        "bundle_export",
        json!({"mount": a.mount(), "for_laptops": true}),
        Some(&a.facilitator),
        "test",
    )
    .unwrap_err();
    assert_eq!(refused.code, "not_certified", "{refused}");
    assert!(!refused.message.contains('\n'), "{refused}");
    assert!(
        refused.message.contains("sync it once over the network"),
        "{refused}"
    );
    assert!(!a.stick.join("qalam-sync").exists());

    for fx in [&a, &b, &elsewhere] {
        sync_once(fx);
    }
    // Then the link is gone, and a learner is added on A.
    learners::learner_add(&a.device, "Samir", None, false).unwrap();

    // The file for the other laptops: named and described as such.
    let written = a
        .call(
            "bundle_export",
            json!({"mount": a.mount(), "for_laptops": true}),
        )
        .unwrap();
    let name = written["file"].as_str().unwrap().to_owned();
    assert!(name.starts_with(&format!("peers-{}-", a.id())), "{name}");
    assert!(name.ends_with(".qbundle"), "{name}");
    assert_eq!(written["kind"], "device_to_device");
    assert_eq!(written["device"], a.id().to_string());
    assert!(written["events"].as_u64().unwrap() >= 3, "{written}");
    let path = a.stick.join("qalam-sync").join(&name);
    assert_eq!(
        written["bytes"].as_u64(),
        Some(std::fs::metadata(&path).unwrap().len())
    );
    // The default, and `for_laptops: false`, still write the server's file.
    for args in [
        json!({"mount": a.mount()}),
        json!({"mount": a.mount(), "for_laptops": false}),
    ] {
        let for_server = a.call("bundle_export", args).unwrap();
        assert_eq!(for_server["kind"], "device_to_server");
        let file = for_server["file"].as_str().unwrap();
        assert!(file.starts_with(&format!("from-{}-", a.id())), "{file}");
    }

    // On A's own stick it is outgoing, not for loading here.
    let listed = a.file(&name);
    assert_eq!(listed["state"], "outgoing", "{listed}");
    assert_eq!(listed["kind"], "device_to_device");
    assert_eq!(listed["code"], "bundle_own");
    assert!(
        listed["message"]
            .as_str()
            .unwrap()
            .contains("other laptops"),
        "{listed}"
    );
    assert_eq!(
        a.call("bundle_import", json!({"mount": a.mount(), "file": name})),
        Err("bundle_own".into())
    );

    // Another laptop of the centre: ready, and loading brings A's work.
    copy_to_stick(&path, &b, &name);
    let listed = b.file(&name);
    assert_eq!(listed["state"], "ready", "{listed}");
    assert_eq!(listed["kind"], "device_to_device");
    assert_eq!(listed["code"], Value::Null);
    assert!(!b.names().contains(&"Samir".to_owned()));
    let loaded = b
        .call("bundle_import", json!({"mount": b.mount(), "file": name}))
        .unwrap();
    assert!(loaded["new"].as_u64().unwrap() >= 1, "{loaded}");
    assert!(b.names().contains(&"Samir".to_owned()), "{:?}", b.names());
    let again = b
        .call("bundle_import", json!({"mount": b.mount(), "file": name}))
        .unwrap();
    assert_eq!(again["new"], 0);

    // A laptop of another centre refuses it, with a code of its own.
    copy_to_stick(&path, &elsewhere, &name);
    let listed = elsewhere.file(&name);
    assert_eq!(listed["state"], "refused", "{listed}");
    assert_eq!(listed["code"], "bundle_other_centre");
    assert_eq!(
        elsewhere.call(
            "bundle_import",
            json!({"mount": elsewhere.mount(), "file": name})
        ),
        Err("bundle_other_centre".into())
    );
    assert!(!elsewhere.names().contains(&"Samir".to_owned()));

    // A laptop of the centre that never heard from the server cannot check
    // it yet; after one sync the same file is ready (the list looks again).
    copy_to_stick(&path, &unsynced, &name);
    let listed = unsynced.file(&name);
    assert_eq!(listed["state"], "refused", "{listed}");
    assert_eq!(listed["code"], "not_certified");
    assert_eq!(
        unsynced.call(
            "bundle_import",
            json!({"mount": unsynced.mount(), "file": name})
        ),
        Err("not_certified".into())
    );
    sync_once(&unsynced);
    let listed = unsynced.file(&name);
    assert_eq!(listed["state"], "ready", "{listed}");
    unsynced
        .call(
            "bundle_import",
            json!({"mount": unsynced.mount(), "file": name}),
        )
        .unwrap();
    assert!(unsynced.names().contains(&"Samir".to_owned()));
}

const PACK_TOML: &str = r#"
id = "org.test.fetch"
version = "1.2.0"
languages = ["en", "ar"]
subject = "numeracy"
level = "beginner"
license = "CC-BY-SA-4.0"
title = { en = "Counting", ar = "العدّ" }
description = { en = "Test", ar = "اختبار" }
publisher = { name = { en = "Tests" } }

[[lessons]]
id = "one"
title = { en = "One", ar = "واحد" }
content = { en = "lessons/one.en.html", ar = "lessons/one.ar.html" }
"#;

/// A signed pack of about 300 KB, and its publisher's key.
fn build_pack(dir: &Path) -> (PathBuf, qalam_pack::SecretKey) {
    let src = dir.join("src");
    std::fs::create_dir_all(src.join("lessons")).unwrap();
    std::fs::create_dir_all(src.join("media")).unwrap();
    std::fs::write(src.join("pack.toml"), PACK_TOML).unwrap();
    std::fs::write(src.join("lessons/one.en.html"), "<h1>One</h1>").unwrap();
    std::fs::write(src.join("lessons/one.ar.html"), "<h1>واحد</h1>").unwrap();
    let noise: Vec<u8> = (0..300_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(src.join("media/noise.bin"), noise).unwrap();
    let key = qalam_pack::generate_keypair().unwrap();
    let out = dir.join("counting.qpack");
    qalam_pack::build_pack(&src, &out, Some(&key)).unwrap();
    (out, key)
}

fn wait_for_download(fx: &Fixture, id: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let all = fx.call("pack_fetch_status", json!({})).unwrap();
        let found = all
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["id"] == id)
            .cloned()
            .unwrap();
        if found["state"] != "running" {
            return found;
        }
        assert!(Instant::now() < deadline, "{found}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_pack_from_the_catalogue_downloads_resumes_and_installs() {
    let campus = Campus::start();
    let (org, centre) = campus.org("Relief Org");
    let fx = Fixture::new("QALAM-STICK");
    campus.enrol(&fx, centre);
    let (pack, key) = build_pack(fx.dir.path());
    let packs_dir = qalam_server::catalogue::packs_dir(campus.data.path());
    qalam_server::catalogue::add_pack(&packs_dir, org, &pack).unwrap();
    let size = std::fs::metadata(&pack).unwrap().len();

    let view = fx.call("catalogue_list", json!({"lang": "ar"})).unwrap();
    assert_eq!(view["server"], campus.base.as_str());
    let item = &view["packs"][0];
    assert_eq!(item["id"], "org.test.fetch");
    assert_eq!(item["version"], "1.2.0");
    assert_eq!(item["title"]["text"], "العدّ");
    assert_eq!(item["title"]["dir"], "rtl");
    assert_eq!(item["size_bytes"], size);
    assert_eq!(item["state"], "available");
    assert_eq!(item["installed_version"], Value::Null);
    assert_eq!(
        fx.call(
            "pack_fetch",
            json!({"id": "org.test.fetch", "version": "9.9.9"})
        )
        .map(|_| ()),
        Ok(())
    );
    let missing = wait_for_download(&fx, "org.test.fetch");
    assert_eq!(missing["state"], "failed");
    assert_eq!(missing["code"], "not_found", "{missing}");

    // Untrusted publisher: refused as from a stick; the download is kept.
    fx.call(
        "pack_fetch",
        json!({"id": "org.test.fetch", "version": "1.2.0"}),
    )
    .unwrap();
    let refused = wait_for_download(&fx, "org.test.fetch");
    assert_eq!(refused["state"], "failed", "{refused}");
    assert_eq!(refused["code"], "untrusted", "{refused}");
    assert_eq!(refused["bytes_done"], size);

    // A dropped link leaves part of the file: the next fetch resumes.
    let sha = hex::encode(sha2::Sha256::digest(std::fs::read(&pack).unwrap()));
    let part = fx
        .device
        .layout()
        .root()
        .join("downloads")
        .join(format!("{sha}.part"));
    let bytes = std::fs::read(&pack).unwrap();
    std::fs::write(&part, &bytes[..bytes.len() / 3]).unwrap();
    qalam_core::api::trust_add(&fx.device, &key.public_key().to_file_string(), None).unwrap();
    let started = fx
        .call(
            "pack_fetch",
            json!({"id": "org.test.fetch", "version": "1.2.0"}),
        )
        .unwrap();
    assert_eq!(started["state"], "running");
    let done = wait_for_download(&fx, "org.test.fetch");
    assert_eq!(done["state"], "done", "{done}");
    assert_eq!(done["outcome"], "installed");
    assert_eq!(done["resumed_from"], (bytes.len() / 3) as u64);
    assert_eq!(done["bytes_done"], size);
    assert_eq!(done["bytes_total"], size);
    assert!(!part.exists());

    let packs = qalam_core::api::list_packs(&fx.device, "en").unwrap();
    assert_eq!(packs.len(), 1);
    assert_eq!(packs[0].id, "org.test.fetch");
    let view = fx.call("catalogue_list", json!({"lang": "en"})).unwrap();
    assert_eq!(view["packs"][0]["state"], "installed");
    assert_eq!(view["packs"][0]["installed_version"], "1.2.0");
    assert_eq!(view["packs"][0]["download"]["state"], "done");
}

#[test]
fn an_unreachable_server_is_a_clear_code() {
    let campus = Campus::start();
    let (_, centre) = campus.org("Relief Org");
    let fx = Fixture::new("QALAM-STICK");
    campus.enrol(&fx, centre);
    let base = campus.base.clone();
    drop(campus);
    let err = dispatch(
        &fx.device,
        "catalogue_list",
        json!({"lang": "en"}),
        Some(&fx.facilitator),
        "test",
    )
    .unwrap_err();
    assert_eq!(err.code, "server_unreachable", "{err}");
    assert!(
        err.message.contains(base.trim_start_matches("http://")),
        "{err}"
    );
}
