//! The admin page's routes. GET pages need a session (else they send the
//! browser to sign in); every POST but signing in and choosing a language
//! also needs the session's anti-forgery token. An organisation admin
//! asking for anything of another organisation gets 404, as if it did not
//! exist.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use maud::Markup;
use qalam_model::{CentreId, DeviceId, OrgId, normalize_digits};
use serde::Deserialize;

use super::pages::{self, CentreView, Notice};
use super::{AdminState, Ctx, Session, auth, i18n};
use crate::error::StoreError;
use crate::open::now_ms;
use crate::types::{Admin, Centre, LoginThrottle, Organisation};
use crate::wire::{ENROLMENT_FILE_NAME, EnrolmentFile, EnrolmentFileError};

const MAX_CODE_HOURS: u32 = 720;
const DEFAULT_CODE_HOURS: &str = "72";

/// Why a request gets no page of its own.
pub(crate) enum Fail {
    SignIn,
    NotFound,
    Csrf,
    OrgAdminsOnly,
    /// A form whose content is refused; the message id says why.
    BadRequest(&'static str),
    Internal(String),
}

/// A [`Fail`] with what it needs to be shown in the request's language.
pub(crate) struct Failure {
    ctx: Box<Ctx>,
    fail: Fail,
}

type Page = Result<Response, Failure>;

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let ctx = &self.ctx;
        let (status, title, text) = match self.fail {
            Fail::SignIn => return Redirect::to("/admin/sign-in").into_response(),
            Fail::NotFound => (
                StatusCode::NOT_FOUND,
                "error-not-found-title",
                "error-not-found",
            ),
            Fail::Csrf => (StatusCode::FORBIDDEN, "error-forbidden-title", "error-csrf"),
            Fail::OrgAdminsOnly => (
                StatusCode::FORBIDDEN,
                "error-forbidden-title",
                "error-org-admins-only",
            ),
            Fail::BadRequest(text) => (StatusCode::BAD_REQUEST, "error-bad-request-title", text),
            Fail::Internal(err) => {
                tracing::error!(error = %err, "admin page failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "error-internal-title",
                    "error-internal",
                )
            }
        };
        html(
            status,
            pages::failure(ctx, title, &i18n::tr(ctx.lang, text)),
        )
    }
}

fn html(status: StatusCode, markup: Markup) -> Response {
    (status, Html(markup.into_string())).into_response()
}

impl Ctx {
    fn fail(&self, fail: Fail) -> Failure {
        Failure {
            ctx: Box::new(self.clone()),
            fail,
        }
    }

    fn store_fail(&self, err: StoreError) -> Failure {
        match err {
            StoreError::NotFound { .. } => self.fail(Fail::NotFound),
            other => self.fail(Fail::Internal(other.to_string())),
        }
    }

    fn signed_in(&self) -> Result<&Session, Failure> {
        self.session.as_ref().ok_or_else(|| self.fail(Fail::SignIn))
    }

    /// A state-changing form: signed in, from this site, with the token.
    fn check_form(&self, csrf: &str) -> Result<&Session, Failure> {
        let session = self.signed_in()?;
        if self.cross_site || !auth::csrf_matches(&session.csrf, csrf) {
            tracing::warn!(admin = %session.admin.id, cross_site = self.cross_site, "admin form refused: bad anti-forgery token");
            return Err(self.fail(Fail::Csrf));
        }
        Ok(session)
    }

    /// What `admin` may see of `org`: others' organisations do not exist.
    fn guard(&self, admin: &Admin, org: OrgId) -> Result<(), Failure> {
        if admin.may_manage(org) {
            Ok(())
        } else {
            Err(self.fail(Fail::NotFound))
        }
    }
}

fn parse<T: std::str::FromStr>(ctx: &Ctx, text: &str) -> Result<T, Failure> {
    text.parse().map_err(|_| ctx.fail(Fail::NotFound))
}

/// The message id of what is wrong with a typed name, if anything.
fn name_error(ctx: &Ctx, name: &str) -> Option<Notice> {
    match super::checked_name(name) {
        Ok(_) => None,
        Err(super::AdminError::NameEmpty) => {
            Some(Notice::Error(i18n::tr(ctx.lang, "error-name-empty")))
        }
        Err(_) => Some(Notice::Error(i18n::tr_args(
            ctx.lang,
            "error-name-too-long",
            &[("max", super::MAX_NAME_CHARS.into())],
        ))),
    }
}

// ---- every visitor ----

pub(crate) async fn home(ctx: Ctx) -> Response {
    match ctx.session.as_ref().map(|s| s.admin.org) {
        None => Redirect::to("/admin/sign-in"),
        Some(None) => Redirect::to("/admin/orgs"),
        Some(Some(org)) => Redirect::to(&format!("/admin/orgs/{org}")),
    }
    .into_response()
}

pub(crate) async fn style() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("../../admin/style.css"),
    )
        .into_response()
}

pub(crate) async fn favicon() -> Response {
    (
        [(header::CONTENT_TYPE, "image/svg+xml")],
        include_str!("../../admin/favicon.svg"),
    )
        .into_response()
}

pub(crate) async fn not_found(ctx: Ctx) -> Failure {
    ctx.fail(Fail::NotFound)
}

#[derive(Deserialize)]
pub(crate) struct LangForm {
    #[serde(default)]
    lang: String,
    #[serde(default)]
    back: String,
}

/// Choosing a language changes only a cookie of this browser, so it needs
/// no session and no anti-forgery token: the sign-in page has it too.
pub(crate) async fn set_lang(
    State(state): State<AdminState>,
    Form(form): Form<LangForm>,
) -> Response {
    // Only a path of this page, never another site; and only printable
    // ASCII, which is all our paths hold and all a Location header takes.
    let back_ok = form.back.starts_with("/admin")
        && !form.back.contains("//")
        && form.back.bytes().all(|b| b.is_ascii_graphic());
    let back = if back_ok {
        form.back.as_str()
    } else {
        "/admin"
    };
    let mut response = Redirect::to(back).into_response();
    if let Some(lang) = i18n::Lang::from_tag(&form.lang) {
        set_cookie(
            &mut response,
            &auth::lang_cookie(lang.tag(), state.config.tls),
        );
    }
    response
}

fn set_cookie(response: &mut Response, value: &str) {
    if let Ok(value) = value.parse() {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

// ---- signing in and out ----

#[derive(Deserialize)]
pub(crate) struct DoneQuery {
    done: Option<String>,
}

pub(crate) async fn sign_in_page(ctx: Ctx, Query(query): Query<DoneQuery>) -> Response {
    if ctx.session.is_some() {
        return Redirect::to("/admin").into_response();
    }
    let note = (query.done.as_deref() == Some("signed-out"))
        .then(|| Notice::Done(i18n::tr(ctx.lang, "signed-out")));
    html(StatusCode::OK, pages::sign_in(&ctx, note.as_ref(), ""))
}

#[derive(Deserialize)]
pub(crate) struct SignInForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
}

enum Login {
    Ok(Admin),
    Wrong,
    Locked { seconds: i64 },
}

pub(crate) async fn sign_in(
    State(state): State<AdminState>,
    ctx: Ctx,
    Form(form): Form<SignInForm>,
) -> Page {
    if ctx.cross_site {
        return Err(ctx.fail(Fail::Csrf));
    }
    let name = form.name.trim();
    let (status, note) = match check_password(&state, name, &form.password).await {
        Ok(Login::Ok(admin)) => return start_session(&state, &ctx, &admin).await,
        Ok(Login::Wrong) => (StatusCode::UNAUTHORIZED, i18n::tr(ctx.lang, "signin-wrong")),
        Ok(Login::Locked { seconds }) => (
            StatusCode::TOO_MANY_REQUESTS,
            i18n::tr_args(ctx.lang, "signin-slow-down", &[("seconds", seconds.into())]),
        ),
        Err(fail) => return Err(ctx.fail(fail)),
    };
    let page = pages::sign_in(&ctx, Some(&Notice::Error(note)), name);
    Ok(html(status, page))
}

async fn check_password(state: &AdminState, name: &str, password: &str) -> Result<Login, Fail> {
    let now = now_ms();
    let login = match state.store.admin_login(name).await {
        Ok(login) => Some(login),
        Err(StoreError::NotFound { .. }) => None,
        Err(err) => return Err(Fail::Internal(err.to_string())),
    };
    if let Some(login) = login.as_ref().filter(|l| l.locked_until_ms > now) {
        let seconds = (login.locked_until_ms - now + 999) / 1000;
        return Ok(Login::Locked { seconds });
    }
    let stored = login.as_ref().map(|l| l.password_hash.clone());
    let matches = verify(state, stored, password.to_owned()).await?;
    let Some(login) = login else {
        return Ok(Login::Wrong);
    };
    let store = &state.store;
    if matches {
        store
            .record_login_success(login.admin.id)
            .await
            .map_err(|e| Fail::Internal(e.to_string()))?;
        return Ok(Login::Ok(login.admin));
    }
    let until = store
        .record_login_failure(login.admin.id, now, LoginThrottle::DEFAULT)
        .await
        .map_err(|e| Fail::Internal(e.to_string()))?;
    tracing::warn!(admin = %login.admin.id, locked_until_ms = until, "wrong admin password");
    Ok(Login::Wrong)
}

/// Verifies off the async threads, a few at a time; an unknown name is
/// checked against a decoy so it takes as long.
async fn verify(
    state: &AdminState,
    stored: Option<String>,
    password: String,
) -> Result<bool, Fail> {
    let _permit = state
        .hashing
        .acquire()
        .await
        .map_err(|e| Fail::Internal(e.to_string()))?;
    tokio::task::spawn_blocking(move || match stored {
        Some(stored) => auth::verify_password(&stored, &password),
        None => auth::verify_password(auth::decoy_hash(), &password),
    })
    .await
    .map_err(|e| Fail::Internal(e.to_string()))
}

async fn start_session(state: &AdminState, ctx: &Ctx, admin: &Admin) -> Page {
    let token = auth::new_session_token().map_err(|e| ctx.fail(Fail::Internal(e.to_string())))?;
    let now = now_ms();
    state
        .store
        .create_session(
            auth::token_hash(&token),
            admin.id,
            now,
            now + auth::SESSION_MS,
        )
        .await
        .map_err(|e| ctx.store_fail(e))?;
    tracing::info!(admin = %admin.id, "admin signed in");
    let mut response = Redirect::to("/admin").into_response();
    set_cookie(
        &mut response,
        &auth::session_cookie(Some(&token), state.config.tls),
    );
    Ok(response)
}

#[derive(Deserialize)]
pub(crate) struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

pub(crate) async fn sign_out(
    State(state): State<AdminState>,
    ctx: Ctx,
    Form(form): Form<CsrfForm>,
) -> Page {
    let session = ctx.check_form(&form.csrf)?;
    state
        .store
        .delete_session(session.token_hash)
        .await
        .map_err(|e| ctx.store_fail(e))?;
    tracing::info!(admin = %session.admin.id, "admin signed out");
    let mut response = Redirect::to("/admin/sign-in?done=signed-out").into_response();
    set_cookie(&mut response, &auth::session_cookie(None, state.config.tls));
    Ok(response)
}

// ---- organisations ----

pub(crate) async fn orgs_page(State(state): State<AdminState>, ctx: Ctx) -> Page {
    let admin = &ctx.signed_in()?.admin;
    if let Some(org) = admin.org {
        return Ok(Redirect::to(&format!("/admin/orgs/{org}")).into_response());
    }
    render_orgs(&state, &ctx, None, "").await
}

async fn render_orgs(state: &AdminState, ctx: &Ctx, note: Option<Notice>, name: &str) -> Page {
    let orgs = state
        .store
        .list_orgs()
        .await
        .map_err(|e| ctx.store_fail(e))?;
    let status = note_status(note.as_ref());
    Ok(html(status, pages::orgs(ctx, &orgs, note.as_ref(), name)))
}

fn note_status(note: Option<&Notice>) -> StatusCode {
    match note {
        Some(Notice::Error(_)) => StatusCode::BAD_REQUEST,
        _ => StatusCode::OK,
    }
}

#[derive(Deserialize)]
pub(crate) struct NameForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
}

pub(crate) async fn add_org(
    State(state): State<AdminState>,
    ctx: Ctx,
    Form(form): Form<NameForm>,
) -> Page {
    let admin = &ctx.check_form(&form.csrf)?.admin;
    if admin.org.is_some() {
        return Err(ctx.fail(Fail::OrgAdminsOnly));
    }
    if let Some(note) = name_error(&ctx, &form.name) {
        return render_orgs(&state, &ctx, Some(note), &form.name).await;
    }
    let org = state
        .store
        .create_org(form.name.trim(), now_ms())
        .await
        .map_err(|e| ctx.store_fail(e))?;
    tracing::info!(admin = %admin.id, org = %org.id, "organisation created on the admin page");
    Ok(Redirect::to(&format!("/admin/orgs/{}", org.id)).into_response())
}

async fn load_org(state: &AdminState, ctx: &Ctx, id: &str) -> Result<Organisation, Failure> {
    let admin = &ctx.signed_in()?.admin;
    let id: OrgId = parse(ctx, id)?;
    ctx.guard(admin, id)?;
    state.store.org(id).await.map_err(|e| ctx.store_fail(e))
}

pub(crate) async fn org_page(
    State(state): State<AdminState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Page {
    let org = load_org(&state, &ctx, &id).await?;
    render_org(&state, &ctx, &org, None, "").await
}

async fn render_org(
    state: &AdminState,
    ctx: &Ctx,
    org: &Organisation,
    note: Option<Notice>,
    name: &str,
) -> Page {
    let centres = state
        .store
        .list_centres(org.id)
        .await
        .map_err(|e| ctx.store_fail(e))?;
    let status = note_status(note.as_ref());
    Ok(html(
        status,
        pages::org(ctx, org, &centres, note.as_ref(), name),
    ))
}

pub(crate) async fn add_centre(
    State(state): State<AdminState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<NameForm>,
) -> Page {
    let admin = ctx.check_form(&form.csrf)?.admin.id;
    let org = load_org(&state, &ctx, &id).await?;
    if let Some(note) = name_error(&ctx, &form.name) {
        return render_org(&state, &ctx, &org, Some(note), &form.name).await;
    }
    let centre = state
        .store
        .create_centre(org.id, form.name.trim(), now_ms())
        .await
        .map_err(|e| ctx.store_fail(e))?;
    tracing::info!(%admin, centre = %centre.id, "centre created on the admin page");
    Ok(Redirect::to(&format!("/admin/centres/{}", centre.id)).into_response())
}

// ---- centres, enrolment codes and devices ----

async fn load_centre(
    state: &AdminState,
    ctx: &Ctx,
    id: CentreId,
) -> Result<(Organisation, Centre), Failure> {
    let admin = &ctx.signed_in()?.admin;
    let centre = state
        .store
        .centre(id)
        .await
        .map_err(|e| ctx.store_fail(e))?;
    ctx.guard(admin, centre.org)?;
    let org = state
        .store
        .org(centre.org)
        .await
        .map_err(|e| ctx.store_fail(e))?;
    Ok((org, centre))
}

#[derive(Deserialize)]
pub(crate) struct CentreQuery {
    revoked: Option<String>,
}

pub(crate) async fn centre_page(
    State(state): State<AdminState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(query): Query<CentreQuery>,
) -> Page {
    ctx.signed_in()?;
    let (org, centre) = load_centre(&state, &ctx, parse(&ctx, &id)?).await?;
    let note = query
        .revoked
        .and_then(|d| d.parse::<DeviceId>().ok())
        .map(|d| {
            Notice::Done(i18n::tr_args(
                ctx.lang,
                "device-revoked-done",
                &[("id", d.to_string().into())],
            ))
        });
    render_centre(&state, &ctx, (&org, &centre), note, DEFAULT_CODE_HOURS).await
}

async fn render_centre(
    state: &AdminState,
    ctx: &Ctx,
    (org, centre): (&Organisation, &Centre),
    note: Option<Notice>,
    hours: &str,
) -> Page {
    let devices = state
        .store
        .list_devices(centre.id)
        .await
        .map_err(|e| ctx.store_fail(e))?;
    let status = note_status(note.as_ref());
    let view = CentreView {
        org,
        centre,
        devices: &devices,
        note,
        hours,
    };
    Ok(html(status, pages::centre(ctx, &view)))
}

#[derive(Deserialize)]
pub(crate) struct CodeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    hours: String,
}

/// Hours as typed, in any script's digits.
fn code_hours(text: &str) -> Option<u32> {
    normalize_digits(text.trim())
        .parse::<u32>()
        .ok()
        .filter(|h| (1..=MAX_CODE_HOURS).contains(h))
}

pub(crate) async fn add_code(
    State(state): State<AdminState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<CodeForm>,
) -> Page {
    let admin = ctx.check_form(&form.csrf)?.admin.id;
    let (org, centre) = load_centre(&state, &ctx, parse(&ctx, &id)?).await?;
    let Some(hours) = code_hours(&form.hours) else {
        let note = Notice::Error(i18n::tr(ctx.lang, "error-hours"));
        return render_centre(&state, &ctx, (&org, &centre), Some(note), &form.hours).await;
    };
    let code = state
        .store
        .create_enrol_code(centre.id, now_ms(), i64::from(hours) * 3_600_000)
        .await
        .map_err(|e| ctx.store_fail(e))?;
    tracing::info!(%admin, centre = %centre.id, hours, "enrolment code made on the admin page");
    Ok(html(
        StatusCode::OK,
        pages::code_shown(&ctx, &org, &centre, &code),
    ))
}

#[derive(Deserialize)]
pub(crate) struct EnrolmentFileForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    expires_ms: String,
    #[serde(default)]
    server_url: String,
}

/// The code just shown, as an enrolment file to carry to a laptop without
/// a link on a USB stick (docs/SYNC_PROTOCOL.md, "Enrolling offline").
/// The code is the admin's own, echoed back from the page that showed it:
/// a wrong one only fails when the laptop's sync or bundle binds it. What
/// the laptop would refuse is refused here first.
pub(crate) async fn enrolment_file(
    State(state): State<AdminState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<EnrolmentFileForm>,
) -> Page {
    ctx.check_form(&form.csrf)?;
    let (_, centre) = load_centre(&state, &ctx, parse(&ctx, &id)?).await?;
    let server = Some(form.server_url.trim()).filter(|url| !url.is_empty());
    let bytes = EnrolmentFile::for_code(
        (centre.org, centre.id, &centre.name),
        &form.code,
        form.expires_ms.trim().parse().unwrap_or(0),
        server,
        None,
    )
    .and_then(|file| file.to_bytes())
    .map_err(|e| {
        ctx.fail(Fail::BadRequest(match e {
            EnrolmentFileError::ServerUrl(_) => "error-server-url",
            _ => "error-enrolment-file",
        }))
    })?;
    tracing::info!(centre = %centre.id, "enrolment file written from the admin page");
    let disposition = format!("attachment; filename=\"{ENROLMENT_FILE_NAME}\"");
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "application/json".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

pub(crate) async fn revoke_page(
    State(state): State<AdminState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Page {
    let admin = &ctx.signed_in()?.admin;
    let device = state
        .store
        .device(parse(&ctx, &id)?)
        .await
        .map_err(|e| ctx.store_fail(e))?;
    ctx.guard(admin, device.org)?;
    let (org, centre) = load_centre(&state, &ctx, device.centre).await?;
    if device.revoked_ms.is_some() {
        return Ok(Redirect::to(&format!("/admin/centres/{}", centre.id)).into_response());
    }
    Ok(html(
        StatusCode::OK,
        pages::revoke_confirm(&ctx, &org, &centre, &device),
    ))
}

pub(crate) async fn revoke(
    State(state): State<AdminState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Page {
    let admin = &ctx.check_form(&form.csrf)?.admin;
    let device = state
        .store
        .device(parse(&ctx, &id)?)
        .await
        .map_err(|e| ctx.store_fail(e))?;
    ctx.guard(admin, device.org)?;
    state
        .store
        .revoke_device(device.id, now_ms())
        .await
        .map_err(|e| ctx.store_fail(e))?;
    tracing::info!(admin = %admin.id, device = %device.id, "device revoked on the admin page");
    let back = format!("/admin/centres/{}?revoked={}", device.centre, device.id);
    Ok(Redirect::to(&back).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_in_any_digits() {
        assert_eq!(code_hours(" 72 "), Some(72));
        assert_eq!(code_hours("۷۲"), Some(72));
        assert_eq!(code_hours("٧٢٠"), Some(720));
        assert_eq!(code_hours("0"), None);
        assert_eq!(code_hours("721"), None);
        assert_eq!(code_hours("-1"), None);
        assert_eq!(code_hours("x"), None);
    }
}
