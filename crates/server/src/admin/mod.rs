//! The admin web page under `/admin` (docs/ADMIN.md): administrators sign
//! in, add organisations and centres, make enrolment codes and revoke
//! devices. Server-rendered HTML with plain forms and no scripts, in
//! English, Arabic, French and Dari.
//!
//! Everything it keeps is in the [`Store`] (admin accounts, sessions,
//! wrong-password counts), so several stateless server processes on one
//! PostgreSQL database serve it alike.

mod auth;
mod handlers;
pub mod i18n;
mod pages;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use qalam_model::OrgId;
use tokio::sync::Semaphore;
use tower_http::timeout::TimeoutLayer;

pub use auth::{SESSION_COOKIE, generate_password, hash_password, verify_password};

use crate::error::StoreError;
use crate::open::now_ms;
use crate::store::Store;
use crate::types::Admin;
use i18n::Lang;

/// The longest name of an organisation, centre or admin, in characters.
pub const MAX_NAME_CHARS: usize = 100;

/// Why an admin operation failed outside a web request.
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("could not hash the password: {0}")]
    Hash(String),
    #[error("the password hashing task failed: {0}")]
    Task(String),
    #[error("the name is empty; give a name, e.g. \"Amina\"")]
    NameEmpty,
    #[error("the name is too long: at most {MAX_NAME_CHARS} characters")]
    NameTooLong,
}

/// A name as typed, trimmed, if it is one.
pub fn checked_name(name: &str) -> Result<&str, AdminError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AdminError::NameEmpty);
    }
    if name.chars().count() > MAX_NAME_CHARS || name.chars().any(char::is_control) {
        return Err(AdminError::NameTooLong);
    }
    Ok(name)
}

/// Creates an admin account with a new random password, and returns both:
/// the password is shown this once and stored only as a hash.
pub async fn create_admin(
    store: &dyn Store,
    name: &str,
    org: Option<OrgId>,
) -> Result<(Admin, String), AdminError> {
    let name = checked_name(name)?;
    let password = generate_password()?;
    let typed = password.clone();
    let hash = tokio::task::spawn_blocking(move || hash_password(&typed))
        .await
        .map_err(|e| AdminError::Task(e.to_string()))??;
    let admin = store.create_admin(name, org, &hash, now_ms()).await?;
    tracing::info!(admin = %admin.id, name = %admin.name, org = ?admin.org, "admin account created");
    Ok((admin, password))
}

/// How the admin page is served.
#[derive(Debug, Clone, Copy, Default)]
pub struct AdminConfig {
    /// The server speaks TLS: cookies get `Secure`.
    pub tls: bool,
}

/// What every admin handler shares.
#[derive(Clone)]
pub(crate) struct AdminState {
    store: Arc<dyn Store>,
    config: AdminConfig,
    /// argon2 takes 19 MiB and a core for a moment per sign-in: a burst of
    /// sign-ins waits here rather than exhausting an old laptop.
    hashing: Arc<Semaphore>,
}

/// Forms are small; anything bigger is not one of ours.
const MAX_FORM_BYTES: usize = 16 * 1024;
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
                   frame-ancestors 'none'; base-uri 'none'";

/// The admin page's routes on `store`, to merge into the server's router.
pub fn router(store: Arc<dyn Store>, config: AdminConfig) -> Router {
    let state = AdminState {
        store,
        config,
        hashing: Arc::new(Semaphore::new(2)),
    };
    Router::new()
        .route("/admin", get(handlers::home))
        .route("/admin/", get(handlers::home))
        .route("/admin/style.css", get(handlers::style))
        .route("/admin/favicon.svg", get(handlers::favicon))
        .route(
            "/admin/sign-in",
            get(handlers::sign_in_page).post(handlers::sign_in),
        )
        .route("/admin/sign-out", post(handlers::sign_out))
        .route("/admin/lang", post(handlers::set_lang))
        .route(
            "/admin/orgs",
            get(handlers::orgs_page).post(handlers::add_org),
        )
        .route("/admin/orgs/{org}", get(handlers::org_page))
        .route("/admin/orgs/{org}/centres", post(handlers::add_centre))
        .route("/admin/centres/{centre}", get(handlers::centre_page))
        .route("/admin/centres/{centre}/codes", post(handlers::add_code))
        .route(
            "/admin/centres/{centre}/enrolment-file",
            post(handlers::enrolment_file),
        )
        .route(
            "/admin/devices/{device}/revoke",
            get(handlers::revoke_page).post(handlers::revoke),
        )
        .route("/admin/{*rest}", get(handlers::not_found))
        .layer(middleware::map_response(security_headers))
        .layer(DefaultBodyLimit::max(MAX_FORM_BYTES))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .with_state(state)
}

async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::CACHE_CONTROL, "no-store"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        // Not `no-referrer`: with it browsers send `Origin: null` on our
        // own forms, and the origin check below would refuse them.
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

/// A signed-in admin's session, as a request presents it.
#[derive(Clone)]
pub(crate) struct Session {
    admin: Admin,
    token_hash: [u8; 32],
    /// The anti-forgery token every form of this session carries.
    csrf: String,
}

/// What a request brings to every page: its language, its path (for the
/// language form to come back to) and the session, if signed in.
#[derive(Clone)]
pub(crate) struct Ctx {
    lang: Lang,
    path: String,
    session: Option<Session>,
    /// The request came from another site (its `Origin` is not this host).
    cross_site: bool,
}

impl FromRequestParts<AdminState> for Ctx {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AdminState,
    ) -> Result<Self, Self::Rejection> {
        let headers = &parts.headers;
        let lang = i18n::negotiate(
            auth::cookie(headers, auth::LANG_COOKIE),
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok()),
        );
        let session = match auth::cookie(headers, SESSION_COOKIE) {
            Some(token) if !token.is_empty() => session(state, token).await?,
            _ => None,
        };
        Ok(Ctx {
            lang,
            path: page_path(parts.uri.path()),
            session,
            cross_site: cross_site(headers),
        })
    }
}

async fn session(state: &AdminState, token: &str) -> Result<Option<Session>, Response> {
    let token_hash = auth::token_hash(token);
    match state.store.session_admin(token_hash, now_ms()).await {
        Ok(admin) => Ok(Some(Session {
            admin,
            token_hash,
            csrf: auth::csrf_token(token),
        })),
        Err(StoreError::NotFound { .. }) => Ok(None),
        Err(err) => {
            tracing::error!(%err, "could not look up an admin session");
            Err(StatusCode::INTERNAL_SERVER_ERROR.into_response())
        }
    }
}

/// The page a request's answer shows, as a path the language form can
/// come back to with GET: a form's answer (an error, a new code) belongs
/// to the page the form is on.
fn page_path(path: &str) -> String {
    let page = ["/centres", "/codes"]
        .iter()
        .find_map(|form| path.strip_suffix(form))
        .filter(|page| page.starts_with("/admin/orgs/") || page.starts_with("/admin/centres/"))
        .unwrap_or(path);
    page.to_owned()
}

/// Browsers send `Origin` with every form POST; one naming another host
/// is a forged request, whatever the form carries.
fn cross_site(headers: &axum::http::HeaderMap) -> bool {
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    match (origin, host) {
        (None, _) => false,
        (Some(origin), Some(host)) => origin
            .split_once("://")
            .is_none_or(|(_, rest)| !rest.eq_ignore_ascii_case(host)),
        (Some(_), None) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_language_form_comes_back_to_a_page() {
        assert_eq!(page_path("/admin/orgs/ab12/centres"), "/admin/orgs/ab12");
        assert_eq!(
            page_path("/admin/centres/ab12/codes"),
            "/admin/centres/ab12"
        );
        assert_eq!(page_path("/admin/orgs"), "/admin/orgs");
        assert_eq!(
            page_path("/admin/devices/ab12/revoke"),
            "/admin/devices/ab12/revoke"
        );
    }

    #[test]
    fn origins() {
        let headers = |pairs: &[(&'static str, &'static str)]| {
            let mut h = axum::http::HeaderMap::new();
            for (k, v) in pairs {
                h.insert(*k, HeaderValue::from_static(v));
            }
            h
        };
        assert!(!cross_site(&headers(&[("host", "10.0.0.5:7878")])));
        assert!(!cross_site(&headers(&[
            ("host", "10.0.0.5:7878"),
            ("origin", "https://10.0.0.5:7878")
        ])));
        assert!(cross_site(&headers(&[
            ("host", "10.0.0.5:7878"),
            ("origin", "http://evil.example")
        ])));
        assert!(cross_site(&headers(&[
            ("host", "10.0.0.5:7878"),
            ("origin", "null")
        ])));
    }
}
