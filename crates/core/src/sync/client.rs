//! The HTTP side of sync: a blocking client that speaks the protocol's
//! requests and counts the bytes it moves.

use std::time::Duration;

use reqwest::Certificate;
use reqwest::blocking::{Client, ClientBuilder, RequestBuilder, Response};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::SyncError;
use super::wire::{ErrorBody, FRAME_CONTENT_TYPE, PROTOCOL_HEADER, STREAM_CONTENT_TYPE};

/// Bytes of the request line, `Host`, `Accept` and framing that the
/// header maps do not show: a fixed estimate per request.
const REQUEST_OVERHEAD: u64 = 64;
/// Bytes of the status line and framing of an answer.
const RESPONSE_OVERHEAD: u64 = 19;

/// The largest answer read from the server.
pub const MAX_ANSWER_BYTES: u64 = 8 * 1024 * 1024;

/// How long one request may take, body included.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// How long to wait for a connection.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

pub struct HttpClient {
    http: Client,
    base: String,
    credential: Option<String>,
    protocol: u32,
    /// Bytes sent and received so far: bodies exactly, headers as counted
    /// from the header maps plus a fixed estimate for the rest.
    pub sent: u64,
    pub received: u64,
}

fn header_bytes(headers: &HeaderMap) -> u64 {
    headers
        .iter()
        .map(|(name, value)| (name.as_str().len() + value.len() + 4) as u64)
        .sum()
}

/// The server's base URL without a trailing slash; a bare `host:port`
/// means plain HTTP.
pub fn normalise_url(url: &str) -> Result<String, SyncError> {
    let url = url.trim().trim_end_matches('/');
    if url.is_empty() {
        return Err(SyncError::BadServer(
            "the server address is empty; give one like http://10.0.0.5:7878".into(),
        ));
    }
    let url = if url.contains("://") {
        url.to_owned()
    } else {
        format!("http://{url}")
    };
    let parsed = reqwest::Url::parse(&url)
        .map_err(|e| SyncError::BadServer(format!("{url:?} is not a server address ({e})")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(SyncError::BadServer(format!(
            "{url:?} is not an http:// or https:// address"
        )));
    }
    Ok(url)
}

/// A client builder for the campus server at `base`. With `ca_pem`, only
/// that campus CA is trusted for HTTPS (the operating system's roots are
/// not): a device pins the CA it was given at enrolment.
pub fn builder(base: &str, ca_pem: Option<&str>) -> Result<ClientBuilder, SyncError> {
    let builder = Client::builder()
        .timeout(REQUEST_TIMEOUT)
        .connect_timeout(CONNECT_TIMEOUT)
        .user_agent(concat!("qalam/", env!("CARGO_PKG_VERSION")));
    let Some(pem) = ca_pem else {
        return Ok(builder);
    };
    let certs = Certificate::from_pem_bundle(pem.as_bytes()).map_err(|e| {
        SyncError::BadServer(format!(
            "the campus CA certificate for {base} is not valid PEM ({e}); give the CA's .crt/.pem file"
        ))
    })?;
    if certs.is_empty() {
        return Err(SyncError::BadServer(format!(
            "the campus CA file for {base} holds no certificate; give the CA's .crt/.pem file"
        )));
    }
    Ok(builder.tls_certs_only(certs))
}

/// The cause of a reqwest error, on one line: its own text names only the
/// URL; the cause (refused, timed out, certificate) is in its sources.
pub(crate) fn describe(err: &reqwest::Error) -> String {
    let mut message = if err.is_timeout() {
        "timed out".to_owned()
    } else {
        String::new()
    };
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        let text = cause.to_string();
        if !message.contains(&text) {
            if !message.is_empty() {
                message.push_str(": ");
            }
            message.push_str(&text);
        }
        source = cause.source();
    }
    if message.is_empty() {
        message = err.to_string();
    }
    message.replace('\n', " ")
}

impl HttpClient {
    pub fn new(base: &str, credential: Option<String>) -> Result<HttpClient, SyncError> {
        Self::pinned(base, credential, None)
    }

    /// A client that trusts only `ca_pem` for HTTPS, when given.
    pub fn pinned(
        base: &str,
        credential: Option<String>,
        ca_pem: Option<&str>,
    ) -> Result<HttpClient, SyncError> {
        let http = builder(base, ca_pem)?
            .build()
            .map_err(|e| SyncError::Network {
                url: base.to_owned(),
                message: e.to_string(),
            })?;
        Ok(HttpClient {
            http,
            base: normalise_url(base)?,
            credential,
            protocol: 1,
            sent: 0,
            received: 0,
        })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// The version chosen at status, named on push and pull.
    /// The protocol version chosen at status (1 before it).
    pub fn protocol(&self) -> u32 {
        self.protocol
    }

    pub fn set_protocol(&mut self, version: u32) {
        self.protocol = version;
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn network(&self, err: reqwest::Error) -> SyncError {
        SyncError::Network {
            url: self.base.clone(),
            message: describe(&err),
        }
    }

    fn send(&mut self, builder: RequestBuilder) -> Result<Vec<u8>, SyncError> {
        let mut builder = builder;
        if let Some(credential) = &self.credential {
            builder = builder.header(AUTHORIZATION, format!("Bearer {credential}"));
        }
        let request = builder.build().map_err(|e| self.network(e))?;
        self.sent += REQUEST_OVERHEAD
            + header_bytes(request.headers())
            + request
                .body()
                .and_then(|b| b.as_bytes())
                .map_or(0, |b| b.len() as u64);
        let response = self.http.execute(request).map_err(|e| self.network(e))?;
        self.read(response)
    }

    fn read(&mut self, response: Response) -> Result<Vec<u8>, SyncError> {
        let status = response.status();
        self.received += RESPONSE_OVERHEAD + header_bytes(response.headers());
        // Bounded: a frame is at most MAX_FRAME_BYTES, and a status answer
        // (one vector entry per writer) stays far below this.
        let limit = MAX_ANSWER_BYTES;
        if response.content_length().is_some_and(|n| n > limit) {
            return Err(SyncError::Protocol(format!(
                "the server's answer is larger than {limit} bytes"
            )));
        }
        let mut body = Vec::new();
        {
            use std::io::Read;
            let mut response = response;
            (&mut response)
                .take(limit + 1)
                .read_to_end(&mut body)
                .map_err(|e| SyncError::Network {
                    url: self.base.clone(),
                    message: format!("the answer was cut: {e}"),
                })?;
        }
        self.received += body.len() as u64;
        if body.len() as u64 > limit {
            return Err(SyncError::Protocol(format!(
                "the server's answer is larger than {limit} bytes"
            )));
        }
        if status.is_success() {
            return Ok(body);
        }
        let parsed: Option<ErrorBody> = serde_json::from_slice(&body).ok();
        Err(match parsed {
            Some(e) if e.code == "unsupported_version" => SyncError::UnsupportedVersion {
                server: e.versions.unwrap_or_default(),
            },
            Some(e) => SyncError::Refused {
                status: status.as_u16(),
                code: e.code,
                message: e.error,
            },
            None => SyncError::Refused {
                status: status.as_u16(),
                code: "http".into(),
                message: format!(
                    "HTTP {status}: {}",
                    String::from_utf8_lossy(&body[..body.len().min(200)]).trim()
                ),
            },
        })
    }

    /// `GET /healthz`: cheap reachability check.
    pub fn healthz(&mut self, timeout: Duration) -> Result<(), SyncError> {
        let builder = self.http.get(self.url("/healthz")).timeout(timeout);
        let request = builder.build().map_err(|e| self.network(e))?;
        self.sent += REQUEST_OVERHEAD;
        let response = self.http.execute(request).map_err(|e| self.network(e))?;
        self.read(response).map(|_| ())
    }

    pub fn post_json<T: Serialize, R: DeserializeOwned>(
        &mut self,
        path: &str,
        body: &T,
        versioned: bool,
    ) -> Result<R, SyncError> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| SyncError::Protocol(format!("could not write a request: {e}")))?;
        let mut builder = self
            .http
            .post(self.url(path))
            .header(CONTENT_TYPE, "application/json")
            .body(bytes);
        if versioned {
            builder = builder.header(PROTOCOL_HEADER, self.protocol.to_string());
        }
        let answer = self.send(builder)?;
        serde_json::from_slice(&answer).map_err(|e| {
            SyncError::Protocol(format!("the server's answer to {path} is malformed: {e}"))
        })
    }

    /// Posts JSON and returns the raw answer (a frame).
    pub fn post_for_frame<T: Serialize>(
        &mut self,
        path: &str,
        body: &T,
    ) -> Result<Vec<u8>, SyncError> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| SyncError::Protocol(format!("could not write a request: {e}")))?;
        let builder = self
            .http
            .post(self.url(path))
            .header(CONTENT_TYPE, "application/json")
            .header(PROTOCOL_HEADER, self.protocol.to_string())
            .body(bytes);
        self.send(builder)
    }

    /// Posts a frame and parses the JSON answer.
    pub fn post_frame<R: DeserializeOwned>(
        &mut self,
        path: &str,
        frame: Vec<u8>,
    ) -> Result<R, SyncError> {
        self.post_body(path, FRAME_CONTENT_TYPE, frame)
    }

    /// Posts a push stream (protocol 3) and parses the JSON answer.
    pub fn post_stream<R: DeserializeOwned>(
        &mut self,
        path: &str,
        stream: Vec<u8>,
    ) -> Result<R, SyncError> {
        self.post_body(path, STREAM_CONTENT_TYPE, stream)
    }

    fn post_body<R: DeserializeOwned>(
        &mut self,
        path: &str,
        content_type: &str,
        frame: Vec<u8>,
    ) -> Result<R, SyncError> {
        let builder = self
            .http
            .post(self.url(path))
            .header(CONTENT_TYPE, content_type)
            .header(PROTOCOL_HEADER, self.protocol.to_string())
            .body(frame);
        let answer = self.send(builder)?;
        serde_json::from_slice(&answer).map_err(|e| {
            SyncError::Protocol(format!("the server's answer to {path} is malformed: {e}"))
        })
    }
}
