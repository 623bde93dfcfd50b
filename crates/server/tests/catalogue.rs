//! The pack catalogue over a real socket on 127.0.0.1: device
//! credentials, organisation isolation, Range and If-Range, the ETag, and
//! what `add_pack` accepts.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use qalam_server::catalogue::{self, CatalogueResponse};
use qalam_server::{DeviceId, OrgId, Store, now_ms};
use reqwest::header;

struct Server {
    base: String,
    store: Arc<dyn Store>,
    packs: PathBuf,
    dir: tempfile::TempDir,
}

async fn start() -> Server {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> = qalam_server::open_store(dir.path(), None).await.unwrap();
    let packs = catalogue::packs_dir(dir.path());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = qalam_server::http::router(Arc::clone(&store))
        .merge(catalogue::routes(Arc::clone(&store), packs.clone()));
    tokio::spawn(qalam_server::http::serve_router(
        listener,
        app,
        Duration::from_secs(30),
    ));
    Server {
        base: format!("http://{addr}"),
        store,
        packs,
        dir,
    }
}

/// An enrolled device of a new centre of `org`: its credential.
async fn device(store: &Arc<dyn Store>, org: OrgId, n: u8) -> (DeviceId, String) {
    let centre = store.create_centre(org, "Centre", now_ms()).await.unwrap();
    let code = store
        .create_enrol_code(centre.id, now_ms(), 3_600_000)
        .await
        .unwrap();
    let id = DeviceId::from_bytes([n; 16]);
    let enrolment = store
        .redeem_enrol_code(&code.code, id, now_ms())
        .await
        .unwrap();
    (id, enrolment.credential.as_str().to_owned())
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// A signed pack of about 300 KB of incompressible media.
fn build(dir: &Path, id: &str, version: &str, salt: u64) -> PathBuf {
    let src = dir.join(format!("src-{id}-{version}-{salt}"));
    write(
        &src.join("pack.toml"),
        format!(
            r#"id = "{id}"
version = "{version}"
languages = ["en", "ar"]
subject = "numeracy"
level = "beginner"
license = "CC-BY-4.0"

[title]
en = "Counting"
ar = "العدّ"

[description]
en = "Numbers."

[publisher.name]
en = "Qalam Tests"

[[lessons]]
id = "one"
title = {{ en = "One" }}
content = {{ en = "lessons/one.en.html" }}
"#
        )
        .as_bytes(),
    );
    write(&src.join("lessons/one.en.html"), b"<h1>One</h1>");
    let mut state = 0x9e37_79b9_7f4a_7c15u64 ^ salt;
    let noise: Vec<u8> = (0..300 * 1024)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect();
    write(&src.join("media/noise.bin"), &noise);
    let key = qalam_pack::generate_keypair().unwrap();
    let out = dir.join(format!("{id}-{version}-{salt}.qpack"));
    qalam_pack::build_pack(&src, &out, Some(&key)).unwrap();
    out
}

async fn get(
    client: &reqwest::Client,
    url: &str,
    credential: Option<&str>,
    headers: &[(header::HeaderName, String)],
) -> reqwest::Response {
    let mut request = client.get(url);
    if let Some(c) = credential {
        request = request.header(header::AUTHORIZATION, format!("Bearer {c}"));
    }
    for (name, value) in headers {
        request = request.header(name, value);
    }
    request.send().await.unwrap()
}

async fn code_of(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    let body: serde_json::Value = response.json().await.unwrap();
    (status, body["code"].as_str().unwrap_or_default().to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_sees_only_its_organisations_packs_and_only_with_its_credential() {
    let server = start().await;
    let org_a = server.store.create_org("A", now_ms()).await.unwrap();
    let org_b = server.store.create_org("B", now_ms()).await.unwrap();
    let (dev_a, cred_a) = device(&server.store, org_a.id, 1).await;
    let (_, cred_b) = device(&server.store, org_b.id, 2).await;
    let file = build(server.dir.path(), "org.tests.counting", "1.0.0", 1);
    let added = catalogue::add_pack(&server.packs, org_a.id, &file).unwrap();
    assert!(added.new);
    let bytes = std::fs::read(&file).unwrap();
    assert_eq!(added.entry.size, bytes.len() as u64);

    let client = reqwest::Client::new();
    let list = format!("{}/v1/packs", server.base);
    let one = format!("{}/v1/packs/org.tests.counting/1.0.0", server.base);

    assert_eq!(
        code_of(get(&client, &list, None, &[]).await).await,
        (401, "no_credential".into())
    );
    assert_eq!(
        code_of(get(&client, &list, Some(&"0".repeat(64)), &[]).await).await,
        (401, "bad_credential".into())
    );
    assert_eq!(
        code_of(get(&client, &one, Some("nope"), &[]).await).await,
        (401, "bad_credential".into())
    );

    let answer: CatalogueResponse = get(&client, &list, Some(&cred_a), &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(answer.packs, vec![added.entry.clone()]);
    assert_eq!(answer.packs[0].title["ar"], "العدّ");
    assert_eq!(answer.packs[0].languages, ["en", "ar"]);

    // Organisation B sees nothing of A's, and cannot fetch it by name.
    let answer: CatalogueResponse = get(&client, &list, Some(&cred_b), &[])
        .await
        .json()
        .await
        .unwrap();
    assert!(answer.packs.is_empty());
    assert_eq!(
        code_of(get(&client, &one, Some(&cred_b), &[]).await).await,
        (404, "not_found".into())
    );

    // A revoked device is refused at once.
    server.store.revoke_device(dev_a, now_ms()).await.unwrap();
    assert_eq!(
        code_of(get(&client, &list, Some(&cred_a), &[]).await).await,
        (403, "revoked".into())
    );
    assert_eq!(
        code_of(get(&client, &one, Some(&cred_a), &[]).await).await,
        (403, "revoked".into())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pack_files_are_served_with_ranges_and_a_strong_etag() {
    let server = start().await;
    let org = server.store.create_org("A", now_ms()).await.unwrap();
    let (_, cred) = device(&server.store, org.id, 1).await;
    let file = build(server.dir.path(), "org.tests.counting", "1.2.0", 1);
    let entry = catalogue::add_pack(&server.packs, org.id, &file)
        .unwrap()
        .entry;
    let bytes = std::fs::read(&file).unwrap();
    let size = bytes.len();
    let etag = format!("\"{}\"", entry.sha256);
    let client = reqwest::Client::new();
    let url = format!("{}/v1/packs/org.tests.counting/1.2.0", server.base);

    // Whole file.
    let response = get(&client, &url, Some(&cred), &[]).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()[header::ETAG], etag.as_str());
    assert_eq!(response.headers()[header::ACCEPT_RANGES], "bytes");
    assert_eq!(response.headers()[header::CONTENT_LENGTH], size.to_string());
    assert_eq!(response.bytes().await.unwrap().as_ref(), bytes.as_slice());

    // The rest of it, from byte 1000, plain and with a matching If-Range.
    for extra in [vec![], vec![(header::IF_RANGE, etag.clone())]] {
        let mut headers = vec![(header::RANGE, "bytes=1000-".to_owned())];
        headers.extend(extra);
        let response = get(&client, &url, Some(&cred), &headers).await;
        assert_eq!(response.status(), 206);
        assert_eq!(
            response.headers()[header::CONTENT_RANGE],
            format!("bytes 1000-{}/{size}", size - 1).as_str()
        );
        assert_eq!(response.headers()[header::ETAG], etag.as_str());
        assert_eq!(response.bytes().await.unwrap().as_ref(), &bytes[1000..]);
    }

    // A client holding the start of another file gets the whole of this one.
    let headers = [
        (header::RANGE, "bytes=1000-".to_owned()),
        (header::IF_RANGE, format!("\"{}\"", "0".repeat(64))),
    ];
    let response = get(&client, &url, Some(&cred), &headers).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.bytes().await.unwrap().len(), size);

    // A range past the end.
    let headers = [(header::RANGE, format!("bytes={}-", size + 10))];
    let response = get(&client, &url, Some(&cred), &headers).await;
    assert_eq!(response.status(), 416);
    assert_eq!(
        response.headers()[header::CONTENT_RANGE],
        format!("bytes */{size}").as_str()
    );

    // Unknown versions and names that try to leave the folder.
    for path in [
        "/v1/packs/org.tests.counting/9.9.9",
        "/v1/packs/org.tests.counting/..",
        "/v1/packs/..%2F..%2Fserver.db/1.2.0",
        "/v1/packs/org.tests.counting/1.2.0.meta.json",
    ] {
        let response = get(&client, &format!("{}{path}", server.base), Some(&cred), &[]).await;
        assert_eq!(response.status(), 404, "{path}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_whole_verified_packs_are_added_and_versions_are_immutable() {
    let server = start().await;
    let org = server.store.create_org("A", now_ms()).await.unwrap();
    let file = build(server.dir.path(), "org.tests.counting", "1.0.0", 1);

    // One byte changed in the middle: refused, and nothing is left behind.
    let mut bytes = std::fs::read(&file).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x55;
    let tampered = server.dir.path().join("tampered.qpack");
    std::fs::write(&tampered, &bytes).unwrap();
    let err = catalogue::add_pack(&server.packs, org.id, &tampered).unwrap_err();
    assert!(!err.to_string().contains('\n'), "{err}");
    let org_dir = server.packs.join(org.id.to_string());
    let left: Vec<_> = std::fs::read_dir(&org_dir).unwrap().flatten().collect();
    assert!(left.is_empty(), "{left:?}");
    assert!(catalogue::list(&server.packs, org.id).unwrap().is_empty());

    // The same file twice is fine; other content under that version is not.
    let first = catalogue::add_pack(&server.packs, org.id, &file).unwrap();
    let again = catalogue::add_pack(&server.packs, org.id, &file).unwrap();
    assert!(first.new && !again.new);
    assert_eq!(first.entry, again.entry);
    let other = build(server.dir.path(), "org.tests.counting", "1.0.0", 2);
    let err = catalogue::add_pack(&server.packs, org.id, &other).unwrap_err();
    assert!(
        matches!(err, catalogue::CatalogueError::Conflict { .. }),
        "{err}"
    );
    let newer = build(server.dir.path(), "org.tests.counting", "1.1.0", 2);
    catalogue::add_pack(&server.packs, org.id, &newer).unwrap();
    let listed = catalogue::list(&server.packs, org.id).unwrap();
    assert_eq!(
        listed
            .iter()
            .map(|e| e.version.as_str())
            .collect::<Vec<_>>(),
        ["1.0.0", "1.1.0"]
    );

    // The entry cache is derived again from the file when it is lost.
    let placed = org_dir.join("org.tests.counting");
    std::fs::remove_file(placed.join("1.0.0.meta.json")).unwrap();
    assert_eq!(catalogue::list(&server.packs, org.id).unwrap(), listed);
    assert!(placed.join("1.0.0.meta.json").is_file());
}
