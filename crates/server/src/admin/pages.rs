//! The admin page's HTML, with maud (every interpolated value is escaped).
//! Plain forms, no scripts: landmarks, a skip link, labelled fields and
//! tables with header cells, so it works by keyboard and screen reader.

use fluent_bundle::FluentValue;
use maud::{DOCTYPE, Markup, html};
use qalam_model::OrgId;

use super::Ctx;
use super::i18n::{Lang, tr, tr_args};
use crate::types::{Centre, DeviceSummary, EnrolCode, Organisation};

/// One line above a page's content: an error, or news of what was done.
pub enum Notice {
    Error(String),
    Done(String),
}

/// A page's place: the organisation and centre it is about.
#[derive(Default)]
pub struct Place<'a> {
    pub org: Option<&'a Organisation>,
    pub centre: Option<&'a Centre>,
}

/// Unix milliseconds as `YYYY-MM-DD HH:MM UTC`.
pub fn utc(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60
    )
}

/// Howard Hinnant's days-to-civil: the proleptic Gregorian date of a day
/// counted from 1970-01-01.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// A time in a table: the date and the hour each stay whole, but may go
/// on two lines on a narrow screen.
fn time(ms: i64) -> Markup {
    let text = utc(ms);
    let (date, hour) = text.split_once(' ').unwrap_or((&text, ""));
    html! { time dir="ltr" { span.nw { (date) } " " span.nw { (hour) } } }
}

impl Ctx {
    fn t(&self, id: &str) -> String {
        tr(self.lang, id)
    }

    fn t1(&self, id: &str, name: &'static str, value: impl Into<FluentValue<'static>>) -> String {
        tr_args(self.lang, id, &[(name, value.into())])
    }

    fn csrf_field(&self) -> Markup {
        html! {
            @if let Some(session) = &self.session {
                input type="hidden" name="csrf" value=(session.csrf);
            }
        }
    }
}

/// The frame of every page.
pub fn layout(ctx: &Ctx, title: &str, place: &Place<'_>, main: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(ctx.lang.tag()) dir=(ctx.lang.dir()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — " (ctx.t("admin-title")) }
                link rel="stylesheet" href="/admin/style.css";
                link rel="icon" type="image/svg+xml" href="/admin/favicon.svg";
            }
            body {
                a.skip href="#main" { (ctx.t("skip-to-content")) }
                header.top {
                    p.brand { (ctx.t("admin-title")) }
                    (language_form(ctx))
                    (account(ctx))
                }
                (breadcrumbs(ctx, place))
                main #main tabindex="-1" {
                    h1 #title { (title) }
                    (main)
                }
                footer { p { (ctx.t("times-in-utc")) } }
            }
        }
    }
}

fn language_form(ctx: &Ctx) -> Markup {
    html! {
        form.lang method="post" action="/admin/lang" {
            label for="lang" { (ctx.t("language-label")) }
            select #lang name="lang" {
                @for l in Lang::ALL {
                    option value=(l.tag()) lang=(l.tag()) selected[l == ctx.lang] { (l.own_name()) }
                }
            }
            input type="hidden" name="back" value=(ctx.path);
            button type="submit" { (ctx.t("language-change")) }
        }
    }
}

fn account(ctx: &Ctx) -> Markup {
    html! {
        @if let Some(session) = &ctx.session {
            div.account {
                p {
                    (ctx.t1("signed-in-as", "name", session.admin.name.clone()))
                    br;
                    small { (ctx.t(if session.admin.org.is_none() { "scope-server" } else { "scope-org" })) }
                }
                form method="post" action="/admin/sign-out" {
                    (ctx.csrf_field())
                    button type="submit" { (ctx.t("sign-out")) }
                }
            }
        }
    }
}

fn breadcrumbs(ctx: &Ctx, place: &Place<'_>) -> Markup {
    let Some(session) = &ctx.session else {
        return html! {};
    };
    let server_wide = session.admin.org.is_none();
    html! {
        nav.crumbs aria-label=(ctx.t("breadcrumb-label")) {
            ol {
                @if server_wide {
                    li { a href="/admin/orgs" { (ctx.t("orgs-title")) } }
                }
                @if let Some(org) = place.org {
                    li { a href=(org_href(org.id)) { (org.name) } }
                }
                @if let Some(centre) = place.centre {
                    li { a href=(format!("/admin/centres/{}", centre.id)) { (centre.name) } }
                }
            }
        }
    }
}

fn org_href(id: OrgId) -> String {
    format!("/admin/orgs/{id}")
}

fn notice(notice: Option<&Notice>) -> Markup {
    html! {
        @match notice {
            Some(Notice::Error(text)) => p.notice.error role="alert" { (text) },
            Some(Notice::Done(text)) => p.notice.done role="status" { (text) },
            None => {},
        }
    }
}

/// A form adding one named thing (an organisation or a centre).
fn name_form(ctx: &Ctx, action: &str, ids: [&str; 3], value: &str, failed: bool) -> Markup {
    let [title, label, submit] = ids;
    html! {
        section aria-labelledby="add-title" {
            h2 #add-title { (ctx.t(title)) }
            form method="post" action=(action) {
                (ctx.csrf_field())
                p.field {
                    label for="name" { (ctx.t(label)) }
                    input #name type="text" name="name" value=(value) required
                        maxlength=(super::MAX_NAME_CHARS) aria-invalid=[failed.then_some("true")];
                }
                button type="submit" { (ctx.t(submit)) }
            }
        }
    }
}

pub fn sign_in(ctx: &Ctx, note: Option<&Notice>, name: &str) -> Markup {
    let body = html! {
        p { (ctx.t("signin-intro")) }
        (notice(note))
        form method="post" action="/admin/sign-in" {
            p.field {
                label for="name" { (ctx.t("signin-name")) }
                input #name type="text" name="name" value=(name) required autocomplete="username";
            }
            p.field {
                label for="password" { (ctx.t("signin-password")) }
                input #password type="password" name="password" required
                    autocomplete="current-password";
            }
            button type="submit" { (ctx.t("signin-submit")) }
        }
    };
    layout(ctx, &ctx.t("signin-title"), &Place::default(), body)
}

pub fn orgs(ctx: &Ctx, orgs: &[Organisation], note: Option<&Notice>, name: &str) -> Markup {
    let failed = matches!(note, Some(Notice::Error(_)));
    let body = html! {
        (notice(note))
        @if orgs.is_empty() {
            p { (ctx.t("orgs-empty")) }
        } @else {
            div.scroll role="region" aria-labelledby="title" tabindex="0" { table {
                thead { tr {
                    th scope="col" { (ctx.t("col-name")) }
                    th scope="col" { (ctx.t("col-id")) }
                    th scope="col" { (ctx.t("col-created")) }
                } }
                tbody {
                    @for org in orgs {
                        tr {
                            th scope="row" { a href=(org_href(org.id)) { (org.name) } }
                            td { code dir="ltr" { (org.id) } }
                            td { (time(org.created_ms)) }
                        }
                    }
                }
            } }
        }
        (name_form(ctx, "/admin/orgs", ["orgs-add-title", "orgs-add-name", "orgs-add-submit"], name, failed))
    };
    layout(ctx, &ctx.t("orgs-title"), &Place::default(), body)
}

pub fn org(
    ctx: &Ctx,
    org: &Organisation,
    centres: &[Centre],
    note: Option<&Notice>,
    name: &str,
) -> Markup {
    let failed = matches!(note, Some(Notice::Error(_)));
    let action = format!("/admin/orgs/{}/centres", org.id);
    let body = html! {
        (notice(note))
        p { (ctx.t("col-id")) ": " code dir="ltr" { (org.id) } }
        section aria-labelledby="centres-title" {
            h2 #centres-title { (ctx.t("centres-title")) }
            @if centres.is_empty() {
                p { (ctx.t("centres-empty")) }
            } @else {
                div.scroll role="region" aria-labelledby="centres-title" tabindex="0" { table {
                    thead { tr {
                        th scope="col" { (ctx.t("col-name")) }
                        th scope="col" { (ctx.t("col-id")) }
                        th scope="col" { (ctx.t("col-created")) }
                    } }
                    tbody {
                        @for centre in centres {
                            tr {
                                th scope="row" { a href=(format!("/admin/centres/{}", centre.id)) { (centre.name) } }
                                td { code dir="ltr" { (centre.id) } }
                                td { (time(centre.created_ms)) }
                            }
                        }
                    }
                } }
            }
        }
        (name_form(ctx, &action, ["centres-add-title", "centres-add-name", "centres-add-submit"], name, failed))
    };
    let place = Place {
        org: Some(org),
        centre: None,
    };
    layout(
        ctx,
        &ctx.t1("org-title", "name", org.name.clone()),
        &place,
        body,
    )
}

/// What the centre page shows besides its devices.
pub struct CentreView<'a> {
    pub org: &'a Organisation,
    pub centre: &'a Centre,
    pub devices: &'a [DeviceSummary],
    pub note: Option<Notice>,
    pub hours: &'a str,
}

pub fn centre(ctx: &Ctx, view: &CentreView<'_>) -> Markup {
    let body = html! {
        (notice(view.note.as_ref()))
        p { (ctx.t("col-id")) ": " code dir="ltr" { (view.centre.id) } }
        section aria-labelledby="devices-title" {
            h2 #devices-title { (ctx.t("devices-title")) }
            @if view.devices.is_empty() {
                p { (ctx.t("devices-empty")) }
            } @else {
                div.scroll role="region" aria-labelledby="devices-title" tabindex="0" {
                    (devices_table(ctx, view.devices))
                }
            }
        }
        (code_form(ctx, view))
    };
    let place = Place {
        org: Some(view.org),
        centre: Some(view.centre),
    };
    let title = ctx.t1("centre-title", "name", view.centre.name.clone());
    layout(ctx, &title, &place, body)
}

fn devices_table(ctx: &Ctx, devices: &[DeviceSummary]) -> Markup {
    html! {
        table.devices {
            thead { tr {
                th scope="col" { (ctx.t("col-device")) }
                th scope="col" { (ctx.t("col-enrolled")) }
                th scope="col" { (ctx.t("col-last-sync")) }
                th scope="col" { (ctx.t("col-status")) }
                th scope="col" { (ctx.t("col-action")) }
            } }
            tbody {
                @for d in devices {
                    tr {
                        th scope="row" { code dir="ltr" { (d.device.id) } }
                        td { (time(d.device.enrolled_ms)) }
                        td {
                            @match d.last_sync_ms {
                                Some(ms) => (time(ms)),
                                None => (ctx.t("device-never-synced")),
                            }
                        }
                        td {
                            @match d.device.revoked_ms {
                                Some(ms) => span.revoked { (ctx.t1("device-revoked", "when", utc(ms))) },
                                None => (ctx.t("device-active")),
                            }
                        }
                        td {
                            @if d.device.revoked_ms.is_none() {
                                form method="get" action=(format!("/admin/devices/{}/revoke", d.device.id)) {
                                    button.danger type="submit" aria-label=(revoke_label(ctx, d)) {
                                        (ctx.t("device-revoke"))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// An accessible name is read, not laid out: no bidi isolation marks.
fn revoke_label(ctx: &Ctx, d: &DeviceSummary) -> String {
    ctx.t1("device-revoke-label", "id", d.device.id.to_string())
        .replace(['\u{2068}', '\u{2069}'], "")
}

fn code_form(ctx: &Ctx, view: &CentreView<'_>) -> Markup {
    let failed = matches!(view.note, Some(Notice::Error(_)));
    html! {
        section aria-labelledby="code-title" {
            h2 #code-title { (ctx.t("code-title")) }
            p { (ctx.t("code-help")) }
            form method="post" action=(format!("/admin/centres/{}/codes", view.centre.id)) {
                (ctx.csrf_field())
                p.field {
                    label for="hours" { (ctx.t("code-hours")) }
                    input #hours type="text" inputmode="numeric" name="hours" value=(view.hours)
                        required size="4" maxlength="4" aria-invalid=[failed.then_some("true")];
                }
                button type="submit" { (ctx.t("code-submit")) }
            }
        }
    }
}

/// The enrolment code, shown this once.
pub fn code_shown(ctx: &Ctx, org: &Organisation, centre: &Centre, code: &EnrolCode) -> Markup {
    let grouped: Vec<String> = code
        .code
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect();
    let body = html! {
        p.code { code #enrol-code dir="ltr" { (grouped.join(" ")) } }
        p { strong { (ctx.t1("code-expires", "when", utc(code.expires_ms))) } }
        p { (ctx.t("code-shown-once")) }
        h2 { (ctx.t("code-file-title")) }
        p { (ctx.t("code-file-help")) }
        form method="post" action=(format!("/admin/centres/{}/enrolment-file", centre.id)) {
            (ctx.csrf_field())
            input type="hidden" name="code" value=(code.code);
            input type="hidden" name="expires_ms" value=(code.expires_ms);
            p {
                label for="server-url" { (ctx.t("code-file-server")) }
                br;
                input #server-url type="url" name="server_url" dir="ltr" autocomplete="off";
            }
            button type="submit" { (ctx.t("code-file-submit")) }
        }
        p { a href=(format!("/admin/centres/{}", centre.id)) { (ctx.t("code-back")) } }
    };
    let place = Place {
        org: Some(org),
        centre: Some(centre),
    };
    let title = ctx.t1("code-shown-title", "centre", centre.name.clone());
    layout(ctx, &title, &place, body)
}

pub fn revoke_confirm(
    ctx: &Ctx,
    org: &Organisation,
    centre: &Centre,
    device: &crate::types::Device,
) -> Markup {
    let question = tr_args(
        ctx.lang,
        "revoke-question",
        &[
            ("id", device.id.to_string().into()),
            ("centre", centre.name.clone().into()),
        ],
    );
    let body = html! {
        p { strong { (question) } }
        p { (ctx.t("revoke-explain")) }
        form.actions method="post" action=(format!("/admin/devices/{}/revoke", device.id)) {
            (ctx.csrf_field())
            button.danger type="submit" { (ctx.t("revoke-confirm")) }
            a.button href=(format!("/admin/centres/{}", centre.id)) { (ctx.t("revoke-cancel")) }
        }
    };
    let place = Place {
        org: Some(org),
        centre: Some(centre),
    };
    layout(ctx, &ctx.t("revoke-title"), &place, body)
}

/// A page that is one sentence of refusal or failure.
pub fn failure(ctx: &Ctx, title_id: &str, text: &str) -> Markup {
    let body = html! {
        p.notice.error role="alert" { (text) }
        p { a href="/admin" { (ctx.t("back-home")) } }
    };
    layout(ctx, &ctx.t(title_id), &Place::default(), body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_iso_in_utc() {
        assert_eq!(utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(utc(1_767_600_000_000), "2026-01-05 08:00 UTC");
        assert_eq!(utc(951_825_600_000), "2000-02-29 12:00 UTC");
        assert_eq!(utc(-60_000), "1969-12-31 23:59 UTC");
    }
}
