//! The HTTP API over a real socket on 127.0.0.1.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use qalam_server::http::{EnrolRequest, EnrolResponse};
use qalam_server::{Centre, Credential, DeviceId, EnrolCode, Organisation, Store, now_ms};

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

impl Server {
    /// An organisation, a centre in it, and an enrolment code for it.
    async fn code(&self, org: &str, centre: &str) -> (Organisation, Centre, EnrolCode) {
        let org = self.store.create_org(org, now_ms()).await.unwrap();
        let centre = self
            .store
            .create_centre(org.id, centre, now_ms())
            .await
            .unwrap();
        let code = self
            .store
            .create_enrol_code(centre.id, now_ms(), 3_600_000)
            .await
            .unwrap();
        (org, centre, code)
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
    let (org, centre, code) = server.code("NGO", "Amman").await;
    let client = reqwest::Client::new();
    let device = DeviceId::from_bytes([7; 16]);
    let response = client
        .post(format!("{}/v1/enrol", server.base))
        .json(&EnrolRequest {
            code: code.code.clone(),
            device_id: device,
            credential_sha256: None,
        })
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let enrolled: EnrolResponse = response.json().await.unwrap();
    assert_eq!((enrolled.org, enrolled.centre), (org.id, centre.id));
    let found = server
        .store
        .authenticate(&Credential::from_presented(
            enrolled.credential.as_deref().unwrap(),
        ))
        .await
        .unwrap();
    assert_eq!(found.id, device);

    // The code is single use: a second device is refused with a reason.
    let response = client
        .post(format!("{}/v1/enrol", server.base))
        .json(&EnrolRequest {
            code: code.code,
            device_id: DeviceId::from_bytes([8; 16]),
            credential_sha256: None,
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

/// An offline enrolment binds the hash of a credential the device made;
/// a repaired device's old credential registers its new id.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chosen_credentials_and_successors_over_http() {
    let server = start().await;
    let (_, centre, code) = server.code("o", "c").await;
    let client = reqwest::Client::new();
    let chosen = Credential::from_presented("made on the laptop");
    let response = client
        .post(format!("{}/v1/enrol", server.base))
        .json(&EnrolRequest {
            code: code.code.clone(),
            device_id: DeviceId::from_bytes([7; 16]),
            credential_sha256: Some(hex::encode(chosen.hash().0)),
        })
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let answer: EnrolResponse = response.json().await.unwrap();
    assert_eq!(answer.credential, None, "the server never makes one then");
    assert_eq!(
        server.store.authenticate(&chosen).await.unwrap().id,
        DeviceId::from_bytes([7; 16])
    );

    let successor = |token: &'static str, hash: String| {
        client
            .post(format!("{}/v1/device/successor", server.base))
            .bearer_auth(token)
            .json(&serde_json::json!({"device_id": DeviceId::from_bytes([9; 16]), "credential_sha256": hash}))
            .send()
    };
    let next = Credential::from_presented("after the repair");
    let response = successor("made on the laptop", hex::encode(next.hash().0))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        server.store.authenticate(&next).await.unwrap().centre,
        centre.id
    );
    let response = successor("a guess", hex::encode(next.hash().0))
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let response = successor("made on the laptop", "not hex".into())
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
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
            credential_sha256: None,
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
