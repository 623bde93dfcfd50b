//! `qalam serve`: the same UI and service API as the desktop app, over HTTP,
//! so phones and tablets on a study centre's LAN can use the device too, and
//! so the UI can be tested in a real browser.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use qalam_core::Device;
use qalam_core::api::dispatch::dispatch;
use qalam_core::api::syncing;
use qalam_core::api::types::ApiError;
use qalam_core::packs::content::{self, CONTENT_SECURITY_POLICY, Content};
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

/// The app's own pages may frame pack content from this origin and fetch the
/// API, and nothing else.
const APP_CSP: &str = "default-src 'self'; img-src 'self' data:; media-src 'self'; style-src 'self' 'unsafe-inline'; font-src 'self'; frame-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'";

#[derive(Clone)]
struct AppState {
    device: Arc<Device>,
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(
        "could not listen on {addr}: {source}; choose another port or stop the program using it"
    )]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("the web server stopped: {0}")]
    Serve(#[source] std::io::Error),
}

/// The router: `/api/<command>`, `/content/<pack>/<path>`, `/healthz`, and
/// the built UI from `ui_dir` when given. Building it also starts the
/// device's background sync when the device is enrolled (see
/// [`start_background_sync`]), so `qalam serve` syncs like the window does.
pub fn router(device: Arc<Device>, ui_dir: Option<PathBuf>) -> Router {
    start_background_sync(&device);
    let state = AppState { device };
    let mut app = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/api/{command}", post(api))
        .route("/content/{pack}/{*path}", get(pack_content))
        .with_state(state);
    if let Some(dir) = ui_dir {
        let index = dir.join("index.html");
        let ui = ServeDir::new(dir).fallback(ServeFile::new(index));
        app = app.fallback_service(ui).layer(
            tower_http::set_header::SetResponseHeaderLayer::if_not_present(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(APP_CSP),
            ),
        );
    }
    app
}

/// Starts the device's sync worker (`qalam_core::api::syncing`) when the
/// device is enrolled and none runs yet; its first attempt comes a few
/// seconds after start-up. A device enrolled later from the UI starts it
/// then. Cheap and idempotent.
pub fn start_background_sync(device: &Arc<Device>) {
    if syncing::start_worker(device, syncing::FIRST_ATTEMPT_DELAY) {
        tracing::info!("background sync with the campus server is on");
    }
}

/// Serves until the process is stopped. The listener is passed in so that
/// tests can bind port 0.
pub async fn serve(listener: tokio::net::TcpListener, app: Router) -> Result<(), ServeError> {
    axum::serve(listener, app).await.map_err(ServeError::Serve)
}

pub async fn bind(addr: SocketAddr) -> Result<tokio::net::TcpListener, ServeError> {
    tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| ServeError::Bind { addr, source })
}

/// The session token of `Authorization: Bearer <token>`, if any. The token
/// travels in this header and never in the body, so it is not logged with
/// the arguments.
fn bearer(headers: &axum::http::HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then(|| token.to_string())
}

async fn api(
    State(state): State<AppState>,
    Path(command): Path<String>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let token = bearer(&headers);
    let args = if body.is_empty() {
        Ok(serde_json::Value::Null)
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| ApiError::bad_request(format!("the request body is not JSON: {e}")))
    };
    let result = match args {
        Ok(args) => tokio::task::spawn_blocking(move || {
            dispatch(&state.device, &command, args, token.as_deref(), "http")
        })
        .await
        .unwrap_or_else(|e| {
            Err(ApiError::new(
                "internal",
                format!("the command failed unexpectedly: {e}"),
            ))
        }),
        Err(err) => Err(err),
    };
    match result {
        Ok(value) => axum::Json(value).into_response(),
        Err(err) => {
            let mut response = (status_of(&err.code), axum::Json(&err)).into_response();
            if let Some(secs) = err.retry_after_s
                && let Ok(value) = HeaderValue::from_str(&secs.to_string())
            {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
    }
}

fn status_of(code: &str) -> StatusCode {
    match code {
        "bad_request" => StatusCode::BAD_REQUEST,
        "not_found" => StatusCode::NOT_FOUND,
        "pack_refused" | "untrusted" => StatusCode::UNPROCESSABLE_ENTITY,
        "disk_full" => StatusCode::INSUFFICIENT_STORAGE,
        "interrupted" | "conflict" | "not_enrolled" | "already_enrolled" | "not_certified" => {
            StatusCode::CONFLICT
        }
        "bad_address" => StatusCode::BAD_REQUEST,
        "enrol_code_refused" | "server_refused" | "server_version" => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
        "server_unreachable" | "sync_failed" => StatusCode::BAD_GATEWAY,
        "unauthenticated" | "wrong_pin" => StatusCode::UNAUTHORIZED,
        "forbidden" => StatusCode::FORBIDDEN,
        "slow_down" => StatusCode::TOO_MANY_REQUESTS,
        "not_yet" => StatusCode::UNPROCESSABLE_ENTITY,
        "bundle_tampered"
        | "bundle_other_org"
        | "bundle_other_device"
        | "bundle_other_centre"
        | "bundle_own"
        | "bundle_unreadable" => StatusCode::UNPROCESSABLE_ENTITY,
        "stick_missing" | "enrolment_file_missing" => StatusCode::NOT_FOUND,
        "enrolment_file_bad" => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

async fn pack_content(
    State(state): State<AppState>,
    Path((pack, path)): Path<(String, String)>,
    request: Request,
) -> Response {
    let device = Arc::clone(&state.device);
    let resolved =
        tokio::task::spawn_blocking(move || content::resolve(&device, &pack, &path)).await;
    let mut response = match resolved {
        Ok(Ok(Content::Rendered { body, mime })) => {
            ([(header::CONTENT_TYPE, mime)], body).into_response()
        }
        Ok(Ok(Content::File { path, mime })) => serve_file(path, &mime, request).await,
        Ok(Err(err)) => (status_of(err.code()), err.to_string()).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// Files go through `ServeFile` for range requests, so video seeks offline.
async fn serve_file(path: PathBuf, mime: &str, request: Request) -> Response {
    let mut response = match ServeFile::new(path).oneshot(request).await {
        Ok(response) => response.map(Body::new),
        Err(never) => match never {},
    };
    if let Ok(value) = HeaderValue::from_str(mime) {
        response.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    response
}
