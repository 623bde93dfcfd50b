//! The API over TLS on 127.0.0.1, with a campus CA made for the test: a
//! client that pins the CA is served; one that does not, or that speaks
//! plain HTTP, is not.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use qalam_server::Store;
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};

struct Campus {
    ca_pem: String,
    cert_pem: String,
    key_pem: String,
}

fn campus_certificates() -> Campus {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()])
        .unwrap()
        .signed_by(&leaf_key, &ca)
        .unwrap();
    Campus {
        ca_pem: ca.pem(),
        cert_pem: leaf.pem(),
        key_pem: leaf_key.serialize_pem(),
    }
}

struct Server {
    base: String,
    _dir: tempfile::TempDir,
}

async fn start_tls(campus: &Campus) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let cert = dir.path().join("server.crt");
    let key = dir.path().join("server.key");
    std::fs::write(&cert, &campus.cert_pem).unwrap();
    std::fs::write(&key, &campus.key_pem).unwrap();
    let store: Arc<dyn Store> = qalam_server::open_store(dir.path(), None).await.unwrap();
    let config = qalam_server::tls::load(&cert, &key).await.unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let app = qalam_server::http::router(store);
    tokio::spawn(qalam_server::tls::serve(listener, app, config));
    Server {
        base: format!("127.0.0.1:{port}"),
        _dir: dir,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_pinning_the_campus_ca_is_served() {
    let campus = campus_certificates();
    let server = start_tls(&campus).await;
    let pinned = reqwest::Client::builder()
        .tls_certs_only([reqwest::Certificate::from_pem(campus.ca_pem.as_bytes()).unwrap()])
        .build()
        .unwrap();
    let response = pinned
        .get(format!("https://{}/healthz", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap().trim(), "ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_does_not_trust_the_campus_ca_is_refused() {
    let campus = campus_certificates();
    let server = start_tls(&campus).await;
    // Another CA pinned: the server's certificate does not chain to it.
    let other = campus_certificates();
    let wrong = reqwest::Client::builder()
        .tls_certs_only([reqwest::Certificate::from_pem(other.ca_pem.as_bytes()).unwrap()])
        .build()
        .unwrap();
    let err = wrong
        .get(format!("https://{}/healthz", server.base))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_connect(), "{err:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_to_the_tls_port_gets_no_answer() {
    let campus = campus_certificates();
    let server = start_tls(&campus).await;
    let result = reqwest::Client::new()
        .get(format!("http://{}/healthz", server.base))
        .send()
        .await;
    assert!(
        result.is_err() || !result.unwrap().status().is_success(),
        "plain HTTP must not reach the API"
    );
}

#[tokio::test]
async fn unreadable_certificate_files_are_reported_with_their_paths() {
    let dir = tempfile::tempdir().unwrap();
    let cert = dir.path().join("campus.crt");
    let key = dir.path().join("campus.key");
    std::fs::write(&cert, "not a certificate").unwrap();
    std::fs::write(&key, "not a key").unwrap();
    let err = qalam_server::tls::load(&cert, &key).await.unwrap_err();
    let message = err.to_string();
    assert!(message.contains("campus.crt"), "{message}");
    assert!(message.contains("PEM"), "{message}");
    let missing = qalam_server::tls::load(&dir.path().join("nope.crt"), &key)
        .await
        .unwrap_err();
    assert!(missing.to_string().contains("nope.crt"), "{missing}");
}
