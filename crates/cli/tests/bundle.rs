//! Sync by USB stick end to end: devices enrol over HTTP once, then
//! exchange with their campus server only through bundle files written and
//! read by the `qalam` binary (`bundle export`, `bundle import`), with the
//! server's data folder as a real SQLite folder.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use qalam_core::bundle::{BundleHeader, BundleKind, Part, credential_key, encode};
use qalam_core::sync::state;
use qalam_core::{Device, Settings};
use qalam_server::{CentreId, OrgId, Store, now_ms};

/// A campus server whose data folder outlives it: it serves HTTP only
/// while devices enrol, then stops, and every exchange after that goes
/// through `qalam --data DIR bundle …`.
struct Enroller {
    base: String,
    store: Arc<dyn Store>,
    rt: tokio::runtime::Runtime,
}

impl Enroller {
    fn start(dir: &Path) -> Enroller {
        Enroller::start_on(dir, None)
    }

    /// On PostgreSQL at `url` when given, else SQLite in `dir`.
    fn start_on(dir: &Path, url: Option<&str>) -> Enroller {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let store = rt.block_on(qalam_server::open_store(dir, url)).unwrap();
        let listener = rt
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let addr = listener.local_addr().unwrap();
        rt.spawn(qalam_server::http::serve(listener, Arc::clone(&store)));
        Enroller {
            base: format!("http://{addr}"),
            store,
            rt,
        }
    }

    fn org(&self, name: &str) -> OrgId {
        self.rt
            .block_on(self.store.create_org(name, now_ms()))
            .unwrap()
            .id
    }

    fn centre(&self, org: OrgId, name: &str) -> CentreId {
        self.rt
            .block_on(self.store.create_centre(org, name, now_ms()))
            .unwrap()
            .id
    }

    fn enrol(&self, data: &Path, centre: CentreId) {
        let code = self
            .rt
            .block_on(self.store.create_enrol_code(centre, now_ms(), 3_600_000))
            .unwrap()
            .code;
        let out = ok(data, &["enrol", "--server", &self.base, "--code", &code]);
        assert!(out.contains("Enrolled device"), "{out}");
    }

    /// Stops serving and closes the database.
    fn stop(self) {
        drop(self.store);
        self.rt.shutdown_timeout(std::time::Duration::from_secs(5));
    }
}

thread_local! {
    /// The server folder of this test and the PostgreSQL database it uses:
    /// server commands run against that folder get `--database URL`.
    static SERVER_DB: std::cell::RefCell<Option<(PathBuf, String)>> =
        const { std::cell::RefCell::new(None) };
}

fn server_db_args(data: &Path) -> Vec<String> {
    SERVER_DB.with(|s| match &*s.borrow() {
        Some((dir, url)) if dir == data => vec!["--database".into(), url.clone()],
        _ => Vec::new(),
    })
}

/// A fresh PostgreSQL database on `QALAM_TEST_POSTGRES_URL`'s server,
/// dropped with the guard; `None` (test skipped) when it is not set.
struct PgDb {
    admin: String,
    name: String,
    url: String,
}

impl PgDb {
    fn create() -> Option<PgDb> {
        let admin = match std::env::var("QALAM_TEST_POSTGRES_URL") {
            Ok(url) if !url.trim().is_empty() => url,
            _ => {
                eprintln!("notice: PostgreSQL bundle test skipped (QALAM_TEST_POSTGRES_URL)");
                return None;
            }
        };
        let name = format!(
            "qalam_cli_bundle_{}_{}",
            std::process::id(),
            now_ms().rem_euclid(1_000_000_000)
        );
        pg_admin(&admin, &format!("CREATE DATABASE {name}"));
        let mut config: tokio_postgres::Config = admin.parse().unwrap();
        config.dbname(&name);
        let host = match &config.get_hosts()[0] {
            tokio_postgres::config::Host::Tcp(h) => h.clone(),
            #[allow(unreachable_patterns)]
            _ => "127.0.0.1".into(),
        };
        let url = format!(
            "postgres://{}@{host}:{}/{name}",
            config.get_user().unwrap_or("postgres"),
            config.get_ports().first().copied().unwrap_or(5432)
        );
        Some(PgDb { admin, name, url })
    }
}

impl Drop for PgDb {
    fn drop(&mut self) {
        pg_admin(
            &self.admin,
            &format!("DROP DATABASE {} WITH (FORCE)", self.name),
        );
    }
}

fn pg_admin(url: &str, sql: &str) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(conn);
        client.batch_execute(sql).await.unwrap();
    });
}

fn qalam(data: &Path) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("qalam"));
    cmd.env_remove("QALAM_DATA")
        .env_remove("QALAM_DATABASE_URL")
        .env("QALAM_LOG", "error")
        .arg("--data")
        .arg(data);
    cmd
}

fn ok(data: &Path, args: &[&str]) -> String {
    let out = qalam(data)
        .args(args)
        .args(server_db_args(data))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "qalam {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A command that must fail with exactly one `error:` line; returns it.
fn fails(data: &Path, args: &[&str]) -> String {
    let out = qalam(data)
        .args(args)
        .args(server_db_args(data))
        .output()
        .unwrap();
    assert!(!out.status.success(), "qalam {args:?} succeeded");
    let text = String::from_utf8_lossy(&out.stderr).into_owned();
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "expected one error line, got: {text}");
    assert!(lines[0].starts_with("error: "), "{text}");
    lines[0].to_owned()
}

fn json(data: &Path, args: &[&str]) -> serde_json::Value {
    let mut args = args.to_vec();
    args.push("--json");
    serde_json::from_str(&ok(data, &args)).unwrap()
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn export(device: &Path, out: &Path) -> serde_json::Value {
    json(device, &["bundle", "export", "--out", p(out)])
}

fn export_for(server: &Path, device: &str, out: &Path) -> serde_json::Value {
    json(
        server,
        &["bundle", "export", "--out", p(out), "--for", device],
    )
}

fn import(data: &Path, file: &Path) -> serde_json::Value {
    json(data, &["bundle", "import", p(file)])
}

fn progress(data: &Path) -> String {
    ok(data, &["progress", "--json"])
}

fn device_id(data: &Path) -> String {
    Device::open(data, Settings::default())
        .unwrap()
        .identity()
        .device
        .to_string()
}

fn simulate(data: &Path, learners: &str, events: &str, seed: &str) {
    ok(
        data,
        &[
            "simulate",
            "--learners",
            learners,
            "--events",
            events,
            "--seed",
            seed,
        ],
    );
}

struct World {
    _pg: Option<PgDb>,
    _t: tempfile::TempDir,
    server: PathBuf,
    stick: PathBuf,
    d: Vec<PathBuf>,
    org_y: OrgId,
}

/// Org X with one centre and devices d0, d1; org Y with device d2; all
/// enrolled on one campus server, which then stops serving.
fn world() -> World {
    world_on(None)
}

/// [`world`] with the server on PostgreSQL when `pg` is given.
fn world_on(pg: Option<PgDb>) -> World {
    let t = tempfile::tempdir().unwrap();
    let server = t.path().join("server");
    let url = pg.as_ref().map(|p| p.url.clone());
    if let Some(url) = &url {
        SERVER_DB.with(|s| *s.borrow_mut() = Some((server.clone(), url.clone())));
    }
    let stick = t.path().join("stick");
    std::fs::create_dir_all(&stick).unwrap();
    let d: Vec<PathBuf> = (0..3).map(|i| t.path().join(format!("d{i}"))).collect();
    let s = Enroller::start_on(&server, url.as_deref());
    let x = s.org("X");
    let camp = s.centre(x, "Camp 4");
    let y = s.org("Y");
    let elsewhere = s.centre(y, "elsewhere");
    s.enrol(&d[0], camp);
    s.enrol(&d[1], camp);
    s.enrol(&d[2], elsewhere);
    s.stop();
    World {
        _pg: pg,
        _t: t,
        server,
        stick,
        d,
        org_y: y,
    }
}

#[test]
fn devices_converge_through_bundles_only_sqlite() {
    devices_converge_through_bundles_only(world());
}

#[test]
fn devices_converge_through_bundles_only_postgres() {
    if let Some(pg) = PgDb::create() {
        devices_converge_through_bundles_only(world_on(Some(pg)));
    }
}

fn devices_converge_through_bundles_only(w: World) {
    let (srv, stick) = (&w.server, &w.stick);
    let (d0, d1) = (&w.d[0], &w.d[1]);
    simulate(d0, "4", "600", "1");
    simulate(d1, "3", "300", "2");

    // Each device writes its events for the server.
    let e0 = export(d0, &stick.join("d0.qb"));
    let n0 = e0["events"].as_u64().unwrap();
    assert!(n0 >= 600, "{e0}");
    assert_eq!(e0["from_seq"].as_u64(), Some(1), "{e0}");
    let e1 = export(d1, &stick.join("d1.qb"));
    let n1 = e1["events"].as_u64().unwrap();
    assert!(n1 >= 300, "{e1}");

    // The server stores them, once.
    let i0 = import(srv, &stick.join("d0.qb"));
    assert_eq!(i0["inserted"].as_u64(), Some(n0), "{i0}");
    assert_eq!(i0["acked_to"].as_u64(), Some(n0), "{i0}");
    let again = import(srv, &stick.join("d0.qb"));
    assert_eq!(
        (again["inserted"].as_u64(), again["duplicates"].as_u64()),
        (Some(0), Some(n0)),
        "{again}"
    );
    import(srv, &stick.join("d1.qb"));

    // The server writes each device what it may pull.
    let (id0, id1) = (device_id(d0), device_id(d1));
    let f0 = export_for(srv, &id0, &stick.join("for-d0.qb"));
    assert_eq!(f0["events"].as_u64(), Some(n1), "{f0}");
    let f1 = export_for(srv, &id1, &stick.join("for-d1.qb"));
    assert_eq!(f1["events"].as_u64(), Some(n0), "{f1}");

    let m0 = import(d0, &stick.join("for-d0.qb"));
    assert_eq!(m0["new"].as_u64(), Some(n1), "{m0}");
    let m1 = import(d1, &stick.join("for-d1.qb"));
    assert_eq!(m1["new"].as_u64(), Some(n0), "{m1}");
    assert_eq!(m1["cursors_advanced"].as_u64(), Some(1), "{m1}");
    assert!(m1["presence_epoch"].as_u64().is_some(), "{m1}");
    assert_eq!(progress(d0), progress(d1));

    // Importing again changes nothing.
    let again = import(d1, &stick.join("for-d1.qb"));
    assert_eq!(
        (again["new"].as_u64(), again["duplicates"].as_u64()),
        (Some(0), Some(n0)),
        "{again}"
    );
    assert_eq!(progress(d0), progress(d1));

    // The server's bundle told each device how far it holds its chain:
    // the next export starts after it.
    let empty = export(d0, &stick.join("d0-empty.qb"));
    assert_eq!(empty["events"].as_u64(), Some(0), "{empty}");
    assert_eq!(empty["from_seq"].as_u64(), Some(n0 + 1), "{empty}");

    // A second round, through the server's memory of d1's last bundle.
    simulate(d0, "4", "150", "3");
    export(d1, &stick.join("d1-round2.qb"));
    import(srv, &stick.join("d1-round2.qb"));
    let e = export(d0, &stick.join("d0-round2.qb"));
    let n2 = e["events"].as_u64().unwrap();
    assert!(n2 >= 150, "{e}");
    let i = import(srv, &stick.join("d0-round2.qb"));
    assert_eq!(i["inserted"].as_u64(), Some(n2), "{i}");
    let f = export_for(srv, &id1, &stick.join("for-d1-round2.qb"));
    assert_eq!(f["events"].as_u64(), Some(n2), "only what is new: {f}");
    assert_eq!(f["from_last_bundle"].as_bool(), Some(true), "{f}");
    let m = import(d1, &stick.join("for-d1-round2.qb"));
    assert_eq!(m["new"].as_u64(), Some(n2), "{m}");
    assert_eq!(progress(d0), progress(d1));
}

#[test]
fn laptops_certified_by_stick_pass_files_to_each_other_sqlite() {
    laptops_certified_by_stick_pass_files_to_each_other(world());
}

#[test]
fn laptops_certified_by_stick_pass_files_to_each_other_postgres() {
    if let Some(pg) = PgDb::create() {
        laptops_certified_by_stick_pass_files_to_each_other(world_on(Some(pg)));
    }
}

/// Two laptops of one centre that never synced over the network: their
/// keys are certified through one stick round with the server, then a
/// file from one goes straight to the other.
fn laptops_certified_by_stick_pass_files_to_each_other(w: World) {
    let (srv, stick) = (&w.server, &w.stick);
    let (d0, d1, d2) = (&w.d[0], &w.d[1], &w.d[2]);
    simulate(d0, "3", "200", "1");
    simulate(d1, "2", "100", "2");
    let peers = stick.join("peers.qb");
    let err = fails(d0, &["bundle", "export", "--out", p(&peers), "--peers"]);
    assert!(err.contains("not certified"), "{err}");
    assert!(!peers.exists());

    // One round with the server: each laptop's file carries its public
    // key; the server's answer carries the certificate.
    for (i, d) in [d0, d1].into_iter().enumerate() {
        let to = stick.join(format!("d{i}.qb"));
        export(d, &to);
        import(srv, &to);
    }
    for (i, d) in [d0, d1].into_iter().enumerate() {
        let back = stick.join(format!("for-d{i}.qb"));
        export_for(srv, &device_id(d), &back);
        import(d, &back);
    }
    assert_eq!(progress(d0), progress(d1));

    // Offline again: learners study on d0, and d1 gets it from d0.
    simulate(d0, "3", "80", "3");
    let written = json(d0, &["bundle", "export", "--out", p(&peers), "--peers"]);
    assert!(written["events"].as_u64().unwrap() >= 380, "{written}");
    assert_eq!(written["writers"].as_u64(), Some(2), "{written}");
    let merged = import(d1, &peers);
    assert_eq!(merged["kind"], "device_to_device", "{merged}");
    let new = merged["new"].as_u64().unwrap();
    assert!(new >= 80, "{merged}");
    assert_eq!(progress(d0), progress(d1));
    let again = import(d1, &peers);
    assert_eq!(again["new"].as_u64(), Some(0), "{again}");

    // Its own laptop and another organisation refuse it.
    let own = fails(d0, &["bundle", "import", p(&peers)]);
    assert!(own.contains("written by this laptop"), "{own}");
    let foreign = fails(d2, &["bundle", "import", p(&peers)]);
    assert!(foreign.contains("organisation"), "{foreign}");

    // The campus server takes d0's own new events from the same file.
    let at_server = import(srv, &peers);
    assert_eq!(at_server["inserted"].as_u64(), Some(new), "{at_server}");
    let twice = import(srv, &peers);
    assert_eq!(twice["inserted"].as_u64(), Some(0), "{twice}");
}

fn tampered(src: &Path, dst: &Path, at: impl Fn(usize) -> usize) {
    let mut bytes = std::fs::read(src).unwrap();
    let i = at(bytes.len());
    bytes[i] ^= 0x01;
    std::fs::write(dst, bytes).unwrap();
}

#[test]
fn damaged_foreign_and_revoked_bundles_are_refused_and_store_nothing() {
    let w = world();
    let (srv, stick) = (&w.server, &w.stick);
    let (d0, d1, d2) = (&w.d[0], &w.d[1], &w.d[2]);
    simulate(d0, "2", "200", "5");
    simulate(d2, "2", "50", "6");
    let good = stick.join("d0.qb");
    export(d0, &good);

    // One byte changed anywhere, or the file cut: refused, one line each.
    for (name, at) in [
        ("header", 12usize),
        ("cursor count", 85),
        ("middle", usize::MAX),
        ("checksum", usize::MAX - 1),
        ("tag", usize::MAX - 2),
    ] {
        let bad = stick.join(format!("bad-{name}.qb"));
        tampered(&good, &bad, |len| match at {
            usize::MAX => len / 2,
            x if x == usize::MAX - 1 => len - 40,
            x if x == usize::MAX - 2 => len - 1,
            x => x,
        });
        let line = fails(srv, &["bundle", "import", p(&bad)]);
        assert!(line.contains("refused"), "{name}: {line}");
    }
    let bytes = std::fs::read(&good).unwrap();
    let cut = stick.join("cut.qb");
    for len in [0, 5, 100, bytes.len() - 1] {
        std::fs::write(&cut, &bytes[..len]).unwrap();
        let line = fails(srv, &["bundle", "import", p(&cut)]);
        assert!(
            line.contains("cut short") || line.contains("not a Qalam bundle"),
            "{len}: {line}"
        );
    }
    // Not a bundle at all.
    std::fs::write(&cut, b"PK\x03\x04 not a bundle, a zip").unwrap();
    let line = fails(srv, &["bundle", "import", p(&cut)]);
    assert!(line.contains("not a Qalam bundle"), "{line}");

    // A bundle naming another organisation than the sender's, even
    // correctly authenticated with the sender's key.
    let device = Device::open(d0, Settings::default()).unwrap();
    let enrolment = state::enrolment(&device.conn()).unwrap().unwrap();
    let me = device.identity().device;
    drop(device);
    let forged = encode(
        &BundleHeader {
            kind: BundleKind::DeviceToServer,
            device: me,
            org: w.org_y,
            centre: enrolment.centre,
            created_ms: 1,
            acked_to: 0,
            presence_epoch: 0,
            since_epoch: 0,
            cursors: Default::default(),
            enrolment: None,
            extras: Default::default(),
        },
        &[] as &[Part],
        &credential_key(&enrolment.credential),
    )
    .unwrap();
    let other_org = stick.join("other-org.qb");
    std::fs::write(&other_org, forged).unwrap();
    let line = fails(srv, &["bundle", "import", p(&other_org)]);
    assert!(
        line.contains("another organisation") || line.contains("meant for organisation"),
        "{line}"
    );

    // Nothing of the refused files was stored: the good one stores all.
    let i = import(srv, &good);
    let n0 = i["inserted"].as_u64().unwrap();
    assert!(n0 >= 200, "{i}");

    // On the devices: a bundle for another organisation's device, another
    // device's bundle, a device's own bundle, a tampered one.
    export(d2, &stick.join("d2.qb"));
    import(srv, &stick.join("d2.qb"));
    let for_d2 = stick.join("for-d2.qb");
    export_for(srv, &device_id(d2), &for_d2);
    let line = fails(d0, &["bundle", "import", p(&for_d2)]);
    assert!(line.contains("meant for organisation"), "{line}");
    let for_d1 = stick.join("for-d1.qb");
    export_for(srv, &device_id(d1), &for_d1);
    let line = fails(d0, &["bundle", "import", p(&for_d1)]);
    assert!(line.contains("not this device"), "{line}");
    let line = fails(d0, &["bundle", "import", p(&good)]);
    assert!(line.contains("for its campus server"), "{line}");
    let bad = stick.join("for-d1-bad.qb");
    tampered(&for_d1, &bad, |len| len / 3);
    let before = progress(d1);
    let line = fails(d1, &["bundle", "import", p(&bad)]);
    assert!(
        line.contains("refused") || line.contains("damaged"),
        "{line}"
    );
    assert_eq!(
        progress(d1),
        before,
        "nothing stored from a tampered bundle"
    );
    let m = import(d1, &for_d1);
    assert_eq!(m["new"].as_u64(), Some(n0), "{m}");

    // A revoked device's bundle is refused, and the server writes none for it.
    simulate(d1, "1", "20", "7");
    let late = stick.join("d1-late.qb");
    export(d1, &late);
    let id1 = device_id(d1);
    ok(srv, &["server", "device", "revoke", &id1]);
    let line = fails(srv, &["bundle", "import", p(&late)]);
    assert!(line.contains("revoked"), "{line}");
    let line = fails(
        srv,
        &[
            "bundle",
            "export",
            "--out",
            p(&stick.join("x.qb")),
            "--for",
            &id1,
        ],
    );
    assert!(line.contains("revoked"), "{line}");

    // A device this server never enrolled.
    let t = tempfile::tempdir().unwrap();
    let other = Enroller::start(&t.path().join("srv2"));
    let o = other.org("Z");
    let c = other.centre(o, "z");
    let stranger = t.path().join("stranger");
    other.enrol(&stranger, c);
    other.stop();
    simulate(&stranger, "1", "5", "8");
    export(&stranger, &stick.join("stranger.qb"));
    let line = fails(srv, &["bundle", "import", p(&stick.join("stranger.qb"))]);
    assert!(
        line.contains("not enrolled on this campus server"),
        "{line}"
    );
}

#[test]
fn a_device_that_is_not_enrolled_has_no_bundle_key() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path().join("d");
    simulate(&d, "1", "5", "1");
    let line = fails(
        &d,
        &["bundle", "export", "--out", p(&t.path().join("b.qb"))],
    );
    assert!(line.contains("not enrolled"), "{line}");
    assert!(!t.path().join("b.qb").exists());
}

fn sync_once(data: &Path) -> serde_json::Value {
    json(data, &["sync", "--once"])
}

/// Bundles and HTTP sync on the same devices: what a bundle brought is not
/// pulled again, and the cursors and epoch it moved keep HTTP sync whole,
/// visitors from another centre included.
#[test]
fn bundles_and_http_sync_mix() {
    let t = tempfile::tempdir().unwrap();
    let srv = t.path().join("server");
    let stick = t.path().join("stick");
    std::fs::create_dir_all(&stick).unwrap();
    let d: Vec<PathBuf> = (0..3).map(|i| t.path().join(format!("d{i}"))).collect();
    let (d0, d1, south) = (&d[0], &d[1], &d[2]);
    let s = Enroller::start(&srv);
    let x = s.org("X");
    let camp = s.centre(x, "camp");
    let other = s.centre(x, "south");
    s.enrol(d0, camp);
    s.enrol(d1, camp);
    s.enrol(south, other);
    simulate(d0, "3", "400", "21");
    simulate(d1, "2", "200", "22");
    simulate(south, "2", "100", "23");
    sync_once(d0);
    sync_once(south);

    // d1 goes by stick.
    export(d1, &stick.join("d1.qb"));
    import(&srv, &stick.join("d1.qb"));
    export_for(&srv, &device_id(d1), &stick.join("for-d1.qb"));
    let m = import(d1, &stick.join("for-d1.qb"));
    assert!(m["new"].as_u64().unwrap() >= 400, "{m}");

    // HTTP afterwards: nothing to push, nothing new to pull.
    let after = sync_once(d1);
    assert_eq!(after["pushed"].as_u64(), Some(0), "{after}");
    assert_eq!(after["pulled"].as_u64(), Some(0), "{after}");
    sync_once(d0);
    assert_eq!(progress(d0), progress(d1));

    // A learner of south signs in on d0, over HTTP; d1 learns of it by stick
    // (the server lowers its starting point for south's chain) and then
    // syncs over HTTP without missing anything.
    let south_learner = {
        let v: serde_json::Value = serde_json::from_str(&progress(south)).unwrap();
        v["learners"][0]["id"].as_str().unwrap().to_owned()
    };
    {
        let device = Device::open(d0, Settings::default()).unwrap();
        let id: qalam_model::LearnerId = south_learner.parse().unwrap();
        qalam_core::api::learners::record_batch(
            &device,
            &[(
                id,
                qalam_model::Payload::LessonOpened(qalam_model::payload::LessonOpened {
                    pack: "org.qalam.sim.numeracy".into(),
                    lesson: "visit".into(),
                }),
            )],
        )
        .unwrap();
    }
    sync_once(d0);
    export(d1, &stick.join("d1-2.qb"));
    import(&srv, &stick.join("d1-2.qb"));
    export_for(&srv, &device_id(d1), &stick.join("for-d1-2.qb"));
    import(d1, &stick.join("for-d1-2.qb"));
    let only = |dir: &Path| ok(dir, &["progress", "--json", "--learner", &south_learner]);
    assert_eq!(only(d1), only(d0), "the visitor's history came by stick");
    let after = sync_once(d1);
    assert_eq!(after["pulled"].as_u64(), Some(0), "{after}");
    sync_once(d0);
    assert_eq!(progress(d0), progress(d1));
    s.stop();
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

/// The server is restored from a backup older than what a device believes
/// it holds: the device's bundle is refused with what to do, and one round
/// trip by stick sets things right.
#[test]
fn a_server_restored_from_a_backup_is_caught_up_by_stick() {
    let w = world();
    let (srv, stick, d0) = (&w.server, &w.stick, &w.d[0]);
    let backup = w.stick.join("server-backup");
    copy_dir(srv, &backup);
    simulate(d0, "2", "100", "31");
    let id0 = device_id(d0);
    export(d0, &stick.join("a.qb"));
    let n = import(srv, &stick.join("a.qb"))["inserted"]
        .as_u64()
        .unwrap();
    export_for(srv, &id0, &stick.join("for-a.qb"));
    import(d0, &stick.join("for-a.qb"));
    simulate(d0, "2", "30", "32");
    let b = export(d0, &stick.join("b.qb"));
    assert_eq!(b["from_seq"].as_u64(), Some(n + 1), "{b}");

    // The restore.
    std::fs::remove_dir_all(srv).unwrap();
    copy_dir(&backup, srv);
    let line = fails(srv, &["bundle", "import", p(&stick.join("b.qb"))]);
    assert!(line.contains("only up to seq 0"), "{line}");
    assert!(line.contains("bundle export --for"), "{line}");

    export_for(srv, &id0, &stick.join("for-b.qb"));
    import(d0, &stick.join("for-b.qb"));
    let c = export(d0, &stick.join("c.qb"));
    assert_eq!(c["from_seq"].as_u64(), Some(1), "{c}");
    let i = import(srv, &stick.join("c.qb"));
    assert_eq!(i["inserted"], c["events"], "{i}");
}
