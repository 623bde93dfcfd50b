//! The campus server's HTTP API (axum). Only what exists so far: health
//! and online enrolment. The router is built on a [`Store`] and served on
//! a listener the caller binds (tests bind `127.0.0.1:0`).

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use qalam_model::{CentreId, DeviceId, OrgId};
use serde::{Deserialize, Serialize};

use crate::error::StoreError;
use crate::open::now_ms;
use crate::store::Store;

/// Requests larger than this are refused before they are read whole.
pub const MAX_REQUEST_BYTES: usize = 64 * 1024;

#[derive(Debug, Serialize, Deserialize)]
pub struct EnrolRequest {
    pub code: String,
    pub device_id: DeviceId,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct EnrolResponse {
    pub credential: String,
    pub org: OrgId,
    pub centre: CentreId,
}

/// The API on `store`.
pub fn router(store: Arc<dyn Store>) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/v1/enrol", post(enrol))
        .layer(DefaultBodyLimit::max(MAX_REQUEST_BYTES))
        .with_state(store)
}

/// Serves [`router`] on `listener` until the process ends.
pub async fn serve(
    listener: tokio::net::TcpListener,
    store: Arc<dyn Store>,
) -> std::io::Result<()> {
    axum::serve(listener, router(store)).await
}

/// What `qalam server run` prints on stderr when it listens beyond
/// loopback without TLS.
pub fn plain_http_warning(addr: SocketAddr) -> String {
    format!(
        "WARNING: listening on {addr} over plain HTTP, without TLS: anyone on this network can read \
         enrolment codes and device credentials in transit. Listen on 127.0.0.1 or put TLS in front."
    )
}

async fn healthz() -> &'static str {
    "ok\n"
}

async fn enrol(
    State(store): State<Arc<dyn Store>>,
    Json(request): Json<EnrolRequest>,
) -> Result<Json<EnrolResponse>, ApiError> {
    let enrolment = store
        .redeem_enrol_code(request.code.trim(), request.device_id, now_ms())
        .await?;
    Ok(Json(EnrolResponse {
        credential: enrolment.credential.as_str().to_owned(),
        org: enrolment.device.org,
        centre: enrolment.device.centre,
    }))
}

/// A store error as an HTTP answer: refusals say why; server failures are
/// logged and answered without detail.
struct ApiError(StoreError);

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        ApiError(err)
    }
}

#[derive(Serialize)]
struct ErrorBody {
    error: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = match &self.0 {
            StoreError::UnknownCode | StoreError::CodeUsed | StoreError::CodeExpired => {
                StatusCode::FORBIDDEN
            }
            StoreError::DeviceExists(_) => StatusCode::CONFLICT,
            StoreError::BadCredential => StatusCode::UNAUTHORIZED,
            StoreError::Revoked(_) => StatusCode::FORBIDDEN,
            StoreError::NotFound { .. } => StatusCode::NOT_FOUND,
            err if err.is_refusal() => StatusCode::BAD_REQUEST,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        let error = if status == StatusCode::INTERNAL_SERVER_ERROR {
            tracing::error!(error = %self.0, "request failed");
            "internal server error".to_owned()
        } else {
            self.0.to_string()
        };
        (status, Json(ErrorBody { error })).into_response()
    }
}
