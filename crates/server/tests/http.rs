//! The HTTP API over a real socket on 127.0.0.1.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use qalam_server::http::{EnrolRequest, EnrolResponse};
use qalam_server::{Credential, DeviceId, Store, now_ms};

struct Server {
    base: String,
    store: Arc<dyn Store>,
    _dir: tempfile::TempDir,
}

async fn start() -> Server {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> = qalam_server::open_store(dir.path(), None).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(qalam_server::http::serve(listener, Arc::clone(&store)));
    Server {
        base: format!("http://{addr}"),
        store,
        _dir: dir,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_answers_ok() {
    let server = start().await;
    let response = reqwest::get(format!("{}/healthz", server.base))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap().trim(), "ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_enrols_one_device_once_and_its_credential_authenticates() {
    let server = start().await;
    let org = server.store.create_org("NGO", now_ms()).await.unwrap();
    let centre = server
        .store
        .create_centre(org.id, "Amman", now_ms())
        .await
        .unwrap();
    let code = server
        .store
        .create_enrol_code(centre.id, now_ms(), 3_600_000)
        .await
        .unwrap();
    let client = reqwest::Client::new();
    let device = DeviceId::from_bytes([7; 16]);
    let response = client
        .post(format!("{}/v1/enrol", server.base))
        .json(&EnrolRequest {
            code: code.code.clone(),
            device_id: device,
        })
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let enrolled: EnrolResponse = response.json().await.unwrap();
    assert_eq!((enrolled.org, enrolled.centre), (org.id, centre.id));
    let found = server
        .store
        .authenticate(&Credential::from_presented(&enrolled.credential))
        .await
        .unwrap();
    assert_eq!(found.id, device);

    // The code is single use: a second device is refused with a reason.
    let response = client
        .post(format!("{}/v1/enrol", server.base))
        .json(&EnrolRequest {
            code: code.code,
            device_id: DeviceId::from_bytes([8; 16]),
        })
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    let body: serde_json::Value = response.json().await.unwrap();
    assert!(
        body["error"].as_str().unwrap().contains("already used"),
        "{body}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_codes_and_malformed_or_oversized_requests_are_refused_cleanly() {
    let server = start().await;
    let client = reqwest::Client::new();
    let url = format!("{}/v1/enrol", server.base);
    let response = client
        .post(&url)
        .json(&EnrolRequest {
            code: "NOSUCHCODE".into(),
            device_id: DeviceId::from_bytes([1; 16]),
        })
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    let response = client
        .post(&url)
        .header("content-type", "application/json")
        .body(r#"{"code":"X","device_id":"not-an-id"}"#)
        .send()
        .await
        .unwrap();
    assert!(response.status().is_client_error(), "{}", response.status());
    let response = client
        .post(&url)
        .header("content-type", "application/json")
        .body(vec![b' '; qalam_server::http::MAX_REQUEST_BYTES + 1])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
}

#[test]
fn the_plain_http_warning_is_loud_and_names_the_address() {
    let text = qalam_server::http::plain_http_warning("0.0.0.0:7878".parse().unwrap());
    assert!(text.starts_with("WARNING") && text.contains("0.0.0.0:7878") && text.contains("TLS"));
}
