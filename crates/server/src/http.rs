//! The campus server's HTTP API (axum): health, online enrolment and the
//! sync routes (docs/SYNC_PROTOCOL.md). The router is built on a [`Store`]
//! and served on a listener the caller binds (tests bind `127.0.0.1:0`).
//!
//! The server keeps no state between requests: every sync request carries
//! the device credential and is answered from the store alone, and a push
//! is acknowledged only once its transaction committed.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use qalam_model::{DeviceId, decode_run, encode_run};
use tower_http::timeout::TimeoutLayer;

mod stream;

use crate::error::StoreError;
use crate::open::now_ms;
use crate::secrets::{Credential, CredentialHash};
use crate::store::Store;
use crate::types::Device;
use crate::wire::{
    CertificateRequest, CertificateResponse, ErrorBody, FRAME_CONTENT_TYPE, FRAME_FORMAT_V2,
    FrameError, MAX_FRAME_BYTES, PREFIX_FRAMES_SINCE, PROTOCOL_HEADER, PROTOCOL_VERSIONS,
    PrefixRef, PullPayload, PullRequest, PushResponse, Rewind, StatusRequest, StatusResponse,
    SuccessorRequest, SuccessorResponse, decode_frame, decode_frame_with_prefix, encode_frame,
    frame_prefix,
};

/// Requests larger than this are refused before they are read whole (a
/// push may carry up to [`MAX_FRAME_BYTES`]).
pub const MAX_REQUEST_BYTES: usize = 64 * 1024;

/// A request, body included, must be answered within this, so a stalled
/// or trickling client cannot hold a connection and a task for ever.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// The most canonical event bytes one pull gathers (the frame is then
/// compressed, and halved until it fits in [`MAX_FRAME_BYTES`]).
pub const MAX_PULL_EVENT_BYTES: usize = 2 * 1024 * 1024;

pub use crate::wire::{EnrolRequest, EnrolResponse};

/// The API on `store`.
pub fn router(store: Arc<dyn Store>) -> Router {
    router_with_timeout(store, REQUEST_TIMEOUT)
}

/// [`router`] with another request timeout (tests use a short one).
pub fn router_with_timeout(store: Arc<dyn Store>, timeout: Duration) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/v1/enrol", post(enrol))
        .route("/v1/device/successor", post(successor))
        .route("/v1/device/certificate", post(certificate))
        .route("/v1/sync/status", post(status))
        .route(
            "/v1/sync/push",
            post(push).layer(DefaultBodyLimit::max(MAX_FRAME_BYTES)),
        )
        // Read frame by frame, each bounded (docs/SYNC_PROTOCOL.md, "Push
        // streams"); the whole body is bounded by the stream limit.
        .route(
            "/v1/sync/push/stream",
            post(stream::push_stream).layer(DefaultBodyLimit::disable()),
        )
        .route("/v1/sync/pull", post(pull))
        .layer(DefaultBodyLimit::max(MAX_REQUEST_BYTES))
        .layer(axum::Extension(stream::Commits::default()))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        .with_state(store)
}

/// How long a client may take to send a request's headers. axum's own
/// `serve` sets no deadline there, so a client that connects and sends
/// nothing (or a byte a minute) would hold its connection for ever.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(30);

/// Serves [`router`] on `listener` until the process ends.
pub async fn serve(
    listener: tokio::net::TcpListener,
    store: Arc<dyn Store>,
) -> std::io::Result<()> {
    serve_router(listener, router(store), HEADER_TIMEOUT).await
}

/// Serves `app` on `listener`, each connection on its own task, with a
/// deadline of `header_timeout` for every request's headers (HTTP/1.1)
/// on top of the router's own request timeout.
pub async fn serve_router(
    listener: tokio::net::TcpListener,
    app: Router,
    header_timeout: Duration,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    use hyper_util::server::conn::auto::Builder;
    use hyper_util::service::TowerToHyperService;
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(err) => {
                // Out of file descriptors and the like: wait, don't die.
                tracing::warn!(%err, "could not accept a connection");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let service = TowerToHyperService::new(app.clone());
        tokio::spawn(async move {
            let mut builder = Builder::new(TokioExecutor::new());
            builder
                .http1()
                .timer(TokioTimer::new())
                .header_read_timeout(header_timeout);
            if let Err(err) = builder
                .serve_connection_with_upgrades(TokioIo::new(stream), service)
                .await
            {
                tracing::debug!(%peer, %err, "connection ended with an error");
            }
        });
    }
}

/// What `qalam server run` prints on stderr when it listens beyond
/// loopback without TLS.
pub fn plain_http_warning(addr: SocketAddr) -> String {
    format!(
        "WARNING: listening on {addr} over plain HTTP, without TLS: anyone on this network can read \
         enrolment codes and device credentials in transit. Listen on 127.0.0.1, or give --tls-cert and --tls-key."
    )
}

async fn healthz() -> &'static str {
    "ok\n"
}

async fn enrol(
    State(store): State<Arc<dyn Store>>,
    Json(request): Json<EnrolRequest>,
) -> Result<Json<EnrolResponse>, ApiError> {
    let code = request.code.trim();
    let (device, credential) = match request.credential_sha256.as_deref() {
        Some(hex) => {
            let chosen = CredentialHash::from_hex(hex).ok_or_else(|| {
                ApiError::BadRequest("credential_sha256 must be 64 hex digits".into())
            })?;
            let device = store
                .bind_enrol_code(code, request.device_id, now_ms(), chosen)
                .await?;
            (device, None)
        }
        None => {
            let e = store
                .redeem_enrol_code(code, request.device_id, now_ms())
                .await?;
            (e.device, Some(e.credential.as_str().to_owned()))
        }
    };
    Ok(Json(EnrolResponse {
        credential,
        org: device.org,
        centre: device.centre,
    }))
}

/// The device presenting `Authorization: Bearer <credential>`.
async fn authenticate(store: &Arc<dyn Store>, headers: &HeaderMap) -> Result<Device, ApiError> {
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or(ApiError::NoCredential)?;
    let token = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .ok_or(ApiError::NoCredential)?;
    Ok(store
        .authenticate(&Credential::from_presented(token))
        .await?)
}

/// A laptop whose database was repaired took a new device id; its old
/// credential registers the new one (docs/SYNC_PROTOCOL.md, "A new id after
/// a repair").
async fn successor(
    State(store): State<Arc<dyn Store>>,
    headers: HeaderMap,
    request: Result<Bytes, BytesRejection>,
) -> Result<Json<SuccessorResponse>, ApiError> {
    let predecessor = authenticate(&store, &headers).await?;
    let request: SuccessorRequest = json(&body(request)?)?;
    let credential = CredentialHash::from_hex(&request.credential_sha256)
        .ok_or_else(|| ApiError::BadRequest("credential_sha256 must be 64 hex digits".into()))?;
    let device = store
        .enrol_successor(predecessor.id, request.device_id, credential, now_ms())
        .await?;
    tracing::info!(predecessor = %predecessor.id, successor = %device.id, "a repaired device took a new id");
    Ok(Json(SuccessorResponse {
        org: device.org,
        centre: device.centre,
    }))
}

/// Certifies the device's Ed25519 key, for sync files it writes for other
/// laptops of its centre (docs/SYNC_PROTOCOL.md, "Device keys and
/// certificates"). Asked again, it certifies again (a new key after a
/// repair, a certificate lost with a restored database).
async fn certificate(
    State(store): State<Arc<dyn Store>>,
    headers: HeaderMap,
    request: Result<Bytes, BytesRejection>,
) -> Result<Json<CertificateResponse>, ApiError> {
    let device = authenticate(&store, &headers).await?;
    let request: CertificateRequest = json(&body(request)?)?;
    let key = hex::decode(request.public_key.trim())
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .and_then(|b| ed25519_dalek::VerifyingKey::from_bytes(&b).ok())
        .ok_or_else(|| {
            ApiError::BadRequest("public_key must be an Ed25519 public key in 64 hex digits".into())
        })?;
    let cert = crate::certify::certify(store.as_ref(), &device, &key, now_ms()).await?;
    Ok(Json(CertificateResponse {
        certificate: hex::encode(cert.to_bytes()),
        server_key: hex::encode(cert.server_key),
    }))
}

/// Push and pull name the version chosen at status in a header.
fn check_version(headers: &HeaderMap) -> Result<u32, ApiError> {
    headers
        .get(PROTOCOL_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u32>().ok())
        .filter(|v| PROTOCOL_VERSIONS.contains(v))
        .ok_or(ApiError::Version)
}

fn body(body: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::TooLarge
        } else {
            ApiError::BadRequest(rejection.body_text())
        }
    })
}

fn json<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| ApiError::BadRequest(format!("bad JSON body: {e}")))
}

async fn status(
    State(store): State<Arc<dyn Store>>,
    axum::Extension(commits): axum::Extension<stream::Commits>,
    headers: HeaderMap,
    request: Result<Bytes, BytesRejection>,
) -> Result<Json<StatusResponse>, ApiError> {
    let device = authenticate(&store, &headers).await?;
    let request: StatusRequest = json(&body(request)?)?;
    let version = PROTOCOL_VERSIONS
        .iter()
        .rev()
        .find(|v| request.versions.contains(v))
        .copied()
        .ok_or(ApiError::Version)?;
    let now = now_ms();
    let skew = store
        .record_status(device.id, request.clock_ms, now)
        .await?;
    let ent = device.entitlement();
    // Presence first: whatever becomes entitled after this read has a
    // greater epoch, so the next status reports it.
    let changes = store.presence_since(&ent, request.presence_epoch).await?;
    let vector = store.version_vector(&ent).await?;
    // Frames of a stream cut a moment ago may still be committing.
    commits.settle(device.id).await;
    let acked_to = store.head_seq(device.id).await?;
    tracing::info!(
        device = %device.id,
        skew_ms = skew.skew_ms,
        device_head = request.head,
        acked_to,
        writers = vector.len(),
        "sync status"
    );
    Ok(Json(StatusResponse {
        version,
        server_clock_ms: now,
        skew_ms: skew.skew_ms,
        device: device.id,
        org: device.org,
        centre: device.centre,
        acked_to,
        vector,
        presence_epoch: changes.epoch,
        rewind: changes
            .rewind
            .into_iter()
            .map(|(device, from_seq)| Rewind { device, from_seq })
            .collect(),
    }))
}

async fn push(
    State(store): State<Arc<dyn Store>>,
    headers: HeaderMap,
    request: Result<Bytes, BytesRejection>,
) -> Result<Json<PushResponse>, ApiError> {
    let version = check_version(&headers)?;
    let device = authenticate(&store, &headers).await?;
    let frame = body(request)?;
    let run = match frame_prefix(&frame)? {
        None => decode_frame(&frame)?,
        Some(_) if version < PREFIX_FRAMES_SINCE => {
            return Err(FrameError::Format(FRAME_FORMAT_V2).into());
        }
        Some(at) => decode_frame_with_prefix(&frame, &prefix_run(&store, device.id, at).await?)?,
    };
    let events = decode_run(&run).map_err(StoreError::Run)?;
    let (first, count) = (events.first().map_or(0, |e| e.seq), events.len());
    let outcome = store.ingest(device.id, events).await?;
    tracing::info!(
        device = %device.id,
        first,
        count,
        wire_bytes = frame.len(),
        acked_to = outcome.acked_to,
        inserted = outcome.inserted,
        "sync push committed"
    );
    Ok(Json(PushResponse {
        acked_to: outcome.acked_to,
        inserted: outcome.inserted,
        duplicates: outcome.duplicates,
    }))
}

/// The run of `device`'s own events a format-2 frame names, which this
/// server must hold: the frame was compressed against it.
async fn prefix_run(
    store: &Arc<dyn Store>,
    device: DeviceId,
    at: PrefixRef,
) -> Result<Vec<u8>, ApiError> {
    let to = at
        .from_seq
        .checked_add(u64::from(at.count))
        .and_then(|end| end.checked_sub(1))
        .filter(|_| at.count > 0 && at.from_seq > 0)
        .ok_or(ApiError::UnknownPrefix)?;
    let events = store.chain_events(device, at.from_seq, to).await?;
    if events.len() != at.count as usize {
        return Err(ApiError::UnknownPrefix);
    }
    encode_run(&events)
        .map_err(|e| ApiError::Internal(format!("a held chain does not encode: {e}")))
}

async fn pull(
    State(store): State<Arc<dyn Store>>,
    headers: HeaderMap,
    request: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    check_version(&headers)?;
    let device = authenticate(&store, &headers).await?;
    let request: PullRequest = json(&body(request)?)?;
    let ent = device.entitlement();
    let mut budget = request.max_bytes.clamp(1, MAX_PULL_EVENT_BYTES);
    loop {
        let batch = store
            .events_for(&ent, request.device, request.from_seq, budget)
            .await?;
        let count = batch.events.len();
        let payload = PullPayload {
            next_seq: batch.next_seq,
            complete: batch.complete,
            events: batch.events,
        }
        .encode()
        .map_err(|e| ApiError::Internal(format!("could not encode a pulled batch: {e}")))?;
        let frame = encode_frame(&payload)?;
        if frame.len() <= MAX_FRAME_BYTES || count <= 1 {
            tracing::info!(
                device = %device.id,
                writer = %request.device,
                from = request.from_seq,
                count,
                next_seq = batch.next_seq,
                wire_bytes = frame.len(),
                "sync pull"
            );
            return Ok(([(header::CONTENT_TYPE, FRAME_CONTENT_TYPE)], frame).into_response());
        }
        budget /= 2;
    }
}

/// Why a request was refused, as an HTTP answer: refusals say why with a
/// stable code; server failures are logged and answered without detail.
enum ApiError {
    Store(StoreError),
    Frame(FrameError),
    NoCredential,
    Version,
    TooLarge,
    BadRequest(String),
    /// A format-2 frame names events this server does not hold.
    UnknownPrefix,
    Internal(String),
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        ApiError::Store(err)
    }
}

impl From<FrameError> for ApiError {
    fn from(err: FrameError) -> Self {
        ApiError::Frame(err)
    }
}

impl ApiError {
    fn parts(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::Store(err) => match err {
                StoreError::UnknownCode | StoreError::CodeUsed | StoreError::CodeExpired => {
                    (StatusCode::FORBIDDEN, "enrol_code")
                }
                StoreError::DeviceExists(_) => (StatusCode::CONFLICT, "device_exists"),
                StoreError::BadCredential => (StatusCode::UNAUTHORIZED, "bad_credential"),
                StoreError::Revoked(_) => (StatusCode::FORBIDDEN, "revoked"),
                StoreError::ForeignEvents { .. } => (StatusCode::FORBIDDEN, "foreign_events"),
                StoreError::WrongOrg { .. } => (StatusCode::FORBIDDEN, "wrong_org"),
                StoreError::NotEntitled(_) => (StatusCode::FORBIDDEN, "not_entitled"),
                StoreError::Chain(_) => (StatusCode::CONFLICT, "chain"),
                StoreError::Fork { .. } => (StatusCode::CONFLICT, "fork"),
                StoreError::Run(_) => (StatusCode::BAD_REQUEST, "bad_batch"),
                StoreError::NotFound { .. } => (StatusCode::NOT_FOUND, "not_found"),
                err if err.is_refusal() => (StatusCode::BAD_REQUEST, "bad_request"),
                _ => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
            },
            ApiError::Frame(FrameError::TooLarge(_)) => {
                (StatusCode::PAYLOAD_TOO_LARGE, "too_large")
            }
            ApiError::Frame(_) => (StatusCode::BAD_REQUEST, "bad_batch"),
            ApiError::NoCredential => (StatusCode::UNAUTHORIZED, "no_credential"),
            ApiError::Version => (StatusCode::UPGRADE_REQUIRED, "unsupported_version"),
            ApiError::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
            ApiError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            ApiError::UnknownPrefix => (StatusCode::CONFLICT, "unknown_prefix"),
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }

    fn message(&self) -> String {
        match self {
            ApiError::Store(err) => err.to_string(),
            ApiError::Frame(err) => format!("refused batch: {err}"),
            ApiError::NoCredential => {
                "no device credential: send Authorization: Bearer <credential> (enrol first)"
                    .to_owned()
            }
            ApiError::Version => format!(
                "unsupported sync protocol version; this server speaks {PROTOCOL_VERSIONS:?}"
            ),
            ApiError::TooLarge => format!(
                "request body too large (the limit is {MAX_REQUEST_BYTES} bytes, {MAX_FRAME_BYTES} for a pushed batch)"
            ),
            ApiError::UnknownPrefix => "the batch was compressed against events of this device that the server does not hold; send it again without a prefix".to_owned(),
            ApiError::BadRequest(text) | ApiError::Internal(text) => text.clone(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.parts();
        let error = if status == StatusCode::INTERNAL_SERVER_ERROR {
            tracing::error!(error = %self.message(), "request failed");
            "internal server error".to_owned()
        } else {
            tracing::debug!(code, error = %self.message(), "request refused");
            self.message()
        };
        let versions = matches!(self, ApiError::Version).then(|| PROTOCOL_VERSIONS.to_vec());
        (
            status,
            Json(ErrorBody {
                code: code.to_owned(),
                error,
                versions,
            }),
        )
            .into_response()
    }
}
