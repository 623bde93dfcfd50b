//! The admin web page over a real socket on 127.0.0.1, as a browser uses
//! it (cookies, forms, redirects), on SQLite and (when
//! `QALAM_TEST_POSTGRES_URL` is set) PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::PgDb;
use qalam_model::DeviceId;
use qalam_server::admin::{AdminConfig, SESSION_COOKIE};
use qalam_server::wire::EnrolmentFile;
use qalam_server::{Centre, Organisation, Store, now_ms};
use reqwest::StatusCode;
use reqwest::cookie::{CookieStore, Jar};
use serde_json::json;

struct Site {
    base: String,
    store: Arc<dyn Store>,
    pg: PgDb,
}

impl Site {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn finish(self) {
        if let Some((admin, name)) = self.pg {
            admin
                .batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)"))
                .await
                .unwrap();
        }
    }

    /// An admin account and its password (`org`: `None` for server-wide).
    async fn admin(&self, name: &str, org: Option<&Organisation>) -> String {
        let (_, password) =
            qalam_server::admin::create_admin(&*self.store, name, org.map(|o| o.id))
                .await
                .unwrap();
        password
    }

    async fn org_with_centre(&self, org: &str, centre: &str) -> (Organisation, Centre) {
        let o = self.store.create_org(org, now_ms()).await.unwrap();
        let c = self
            .store
            .create_centre(o.id, centre, now_ms())
            .await
            .unwrap();
        (o, c)
    }
}

/// SQLite always, PostgreSQL when configured, each served on a free port.
async fn sites() -> Vec<Site> {
    let stores = common::backends("qalam_admin").await;
    let mut out = Vec::new();
    for (store, pg) in stores {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = qalam_server::catalogue::app(Arc::clone(&store), None).merge(
            qalam_server::admin::router(Arc::clone(&store), AdminConfig::default()),
        );
        tokio::spawn(qalam_server::http::serve_router(
            listener,
            app,
            Duration::from_secs(5),
        ));
        out.push(Site {
            base: format!("http://{addr}"),
            store,
            pg,
        });
    }
    out
}

/// A browser: keeps cookies, follows redirects.
struct Browser {
    http: reqwest::Client,
    jar: Arc<Jar>,
}

impl Browser {
    fn new() -> Browser {
        let jar = Arc::new(Jar::default());
        let http = reqwest::Client::builder()
            .cookie_provider(Arc::clone(&jar))
            .build()
            .unwrap();
        Browser { http, jar }
    }

    async fn get(&self, url: &str) -> (StatusCode, String, String) {
        let res = self.http.get(url).send().await.unwrap();
        read(res).await
    }

    async fn post(&self, url: &str, form: &[(&str, &str)]) -> (StatusCode, String, String) {
        let res = self.http.post(url).form(form).send().await.unwrap();
        read(res).await
    }

    async fn sign_in(
        &self,
        site: &Site,
        name: &str,
        password: &str,
    ) -> (StatusCode, String, String) {
        self.post(
            &site.url("/admin/sign-in"),
            &[("name", name), ("password", password)],
        )
        .await
    }

    /// The session token in the cookie jar.
    fn token(&self, site: &Site) -> Option<String> {
        let url = site.url("/admin/").parse().unwrap();
        let cookies = self.jar.cookies(&url)?;
        cookies
            .to_str()
            .unwrap()
            .split(';')
            .filter_map(|c| c.trim().split_once('='))
            .find(|(k, _)| *k == SESSION_COOKIE)
            .map(|(_, v)| v.to_owned())
    }
}

/// Status, final URL and body.
async fn read(res: reqwest::Response) -> (StatusCode, String, String) {
    let status = res.status();
    let url = res.url().to_string();
    (status, url, res.text().await.unwrap())
}

/// The anti-forgery token of the first form on a page.
fn csrf(page: &str) -> String {
    let start = page.find(r#"name="csrf" value=""#).expect("a csrf field") + 19;
    page[start..start + 64].to_owned()
}

/// Fluent isolates placeables with U+2068…U+2069; pages are compared without.
fn plain(page: &str) -> String {
    page.replace(['\u{2068}', '\u{2069}'], "")
}

async fn signed_in(site: &Site, name: &str, org: Option<&Organisation>) -> (Browser, String) {
    let password = site.admin(name, org).await;
    let browser = Browser::new();
    let (status, _, page) = browser.sign_in(site, name, &password).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let token = csrf(&page);
    (browser, token)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_wrong_password_and_sign_out() {
    for site in sites().await {
        let password = site.admin("Amina", None).await;
        let browser = Browser::new();
        let (status, url, page) = browser.get(&site.url("/admin/orgs")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(url.ends_with("/admin/sign-in"), "{url}");
        assert!(page.contains(r#"<html lang="en" dir="ltr">"#), "{page}");

        let (status, _, page) = browser.sign_in(&site, "Amina", "wrong-password").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(
            page.contains("That name or password is not right."),
            "{page}"
        );
        let (status, _, _) = browser.sign_in(&site, "Nobody", &password).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);

        let res = browser
            .http
            .post(site.url("/admin/sign-in"))
            .form(&[("name", "Amina"), ("password", password.as_str())])
            .send()
            .await
            .unwrap();
        let headers = res.headers().clone();
        let (status, url, page) = read(res).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(url.ends_with("/admin/orgs"), "{url}");
        assert!(plain(&page).contains("Signed in as Amina"), "{page}");
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"));
        assert_eq!(headers["cache-control"], "no-store");

        let token = browser.token(&site).expect("a session cookie");
        let (status, url, page) = browser
            .post(&site.url("/admin/sign-out"), &[("csrf", &csrf(&page))])
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(url.ends_with("/admin/sign-in?done=signed-out"), "{url}");
        assert!(page.contains("You are signed out."));

        // The old cookie, replayed by hand, no longer opens anything.
        let res = reqwest::Client::new()
            .get(site.url("/admin/orgs"))
            .header("cookie", format!("{SESSION_COOKIE}={token}"))
            .send()
            .await
            .unwrap();
        assert!(
            res.url().path().ends_with("/admin/sign-in"),
            "{}",
            res.url()
        );
        site.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_passwords_slow_the_account_down() {
    for site in sites().await {
        let password = site.admin("Omar", None).await;
        let browser = Browser::new();
        for _ in 0..4 {
            let (status, _, _) = browser.sign_in(&site, "Omar", "not-it").await;
            assert_eq!(status, StatusCode::UNAUTHORIZED);
        }
        // Locked now, even with the right password, from any browser.
        let (status, _, page) = Browser::new().sign_in(&site, "Omar", &password).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{page}");
        assert!(
            plain(&page).contains("Too many wrong passwords. Wait 5 seconds"),
            "{page}"
        );
        let login = site.store.admin_login("Omar").await.unwrap();
        assert_eq!(login.failures, 4);
        assert!(login.locked_until_ms > now_ms());
        site.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forms_without_the_anti_forgery_token_are_refused() {
    for site in sites().await {
        let (browser, token) = signed_in(&site, "Amina", None).await;
        let url = site.url("/admin/orgs");
        let (status, _, page) = browser.post(&url, &[("name", "Forged")]).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(page.contains("security token"), "{page}");
        let (status, _, _) = browser
            .post(&url, &[("name", "Forged"), ("csrf", &"0".repeat(64))])
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let res = browser
            .http
            .post(&url)
            .header("origin", "http://evil.example")
            .form(&[("name", "Forged"), ("csrf", token.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        let (status, _, _) = browser
            .post(&site.url("/admin/sign-out"), &[("csrf", "")])
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(site.store.list_orgs().await.unwrap().is_empty());
        site.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_admin_adds_organisations_and_centres() {
    for site in sites().await {
        let (browser, token) = signed_in(&site, "Amina", None).await;
        let (status, url, page) = browser
            .post(
                &site.url("/admin/orgs"),
                &[("name", " Hope NGO "), ("csrf", &token)],
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let orgs = site.store.list_orgs().await.unwrap();
        assert_eq!(orgs.len(), 1);
        assert_eq!(orgs[0].name, "Hope NGO");
        assert!(
            url.ends_with(&format!("/admin/orgs/{}", orgs[0].id)),
            "{url}"
        );
        assert!(plain(&page).contains("Organisation: Hope NGO"));

        let add = format!("/admin/orgs/{}/centres", orgs[0].id);
        let (status, _, page) = browser
            .post(&site.url(&add), &[("name", "  "), ("csrf", &token)])
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(page.contains("The name is empty. Type a name."), "{page}");
        let long = "x".repeat(101);
        let (status, _, page) = browser
            .post(&site.url(&add), &[("name", &long), ("csrf", &token)])
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(
            plain(&page).contains("The name is too long: at most 100 characters."),
            "{page}"
        );

        let (status, url, page) = browser
            .post(&site.url(&add), &[("name", "Camp 4"), ("csrf", &token)])
            .await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let centres = site.store.list_centres(orgs[0].id).await.unwrap();
        assert_eq!(centres.len(), 1);
        assert!(
            url.ends_with(&format!("/admin/centres/{}", centres[0].id)),
            "{url}"
        );
        assert!(plain(&page).contains("Centre: Camp 4"));
        assert!(page.contains("No device is enrolled in this centre yet."));

        let (_, _, page) = browser.get(&site.url("/admin/orgs")).await;
        assert!(page.contains("Hope NGO"));
        let (status, _, _) = browser.get(&site.url("/admin/orgs/not-an-id")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _, _) = browser.get(&site.url("/admin/nothing/here")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        site.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_organisation_admin_sees_only_its_organisation() {
    for site in sites().await {
        let (own, own_centre) = site.org_with_centre("Hope NGO", "Camp 4").await;
        let (other, other_centre) = site.org_with_centre("Other NGO", "Elsewhere").await;
        let code = site
            .store
            .create_enrol_code(other_centre.id, now_ms(), 3_600_000)
            .await
            .unwrap();
        let other_device = site
            .store
            .redeem_enrol_code(&code.code, DeviceId::from_bytes([7; 16]), now_ms())
            .await
            .unwrap()
            .device;
        let (browser, token) = signed_in(&site, "Farid", Some(&own)).await;

        let (status, url, page) = browser.get(&site.url("/admin/orgs")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(url.ends_with(&format!("/admin/orgs/{}", own.id)), "{url}");
        assert!(
            page.contains("Camp 4") && !page.contains("Other NGO"),
            "{page}"
        );
        let (status, _, _) = browser
            .get(&site.url(&format!("/admin/centres/{}", own_centre.id)))
            .await;
        assert_eq!(status, StatusCode::OK);

        for path in [
            format!("/admin/orgs/{}", other.id),
            format!("/admin/centres/{}", other_centre.id),
            format!("/admin/devices/{}/revoke", other_device.id),
        ] {
            let (status, _, page) = browser.get(&site.url(&path)).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
            assert!(!page.contains("Elsewhere"), "{page}");
        }
        let (status, _, _) = browser
            .post(
                &site.url(&format!("/admin/orgs/{}/centres", other.id)),
                &[("name", "Sneaky"), ("csrf", &token)],
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _, _) = browser
            .post(
                &site.url(&format!("/admin/devices/{}/revoke", other_device.id)),
                &[("csrf", &token)],
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(
            site.store
                .device(other_device.id)
                .await
                .unwrap()
                .revoked_ms
                .is_none()
        );
        let (status, _, page) = browser
            .post(
                &site.url("/admin/orgs"),
                &[("name", "New NGO"), ("csrf", &token)],
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(page.contains("Only an administrator of the whole server can add organisations."));
        assert_eq!(site.store.list_orgs().await.unwrap().len(), 2);
        site.finish().await;
    }
}

/// The code on the "shown once" page, as a person would type it.
fn shown_code(page: &str) -> String {
    let tag = page.find(r#"id="enrol-code""#).expect("the code");
    let start = tag + page[tag..].find('>').unwrap() + 1;
    let end = start + page[start..].find("</code>").unwrap();
    page[start..end].replace(' ', "")
}

async fn sync_status(site: &Site, credential: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(site.url("/v1/sync/status"))
        .bearer_auth(credential)
        .json(&json!({"versions": [1], "clock_ms": now_ms(), "head": 0}))
        .send()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_made_on_the_page_enrols_a_device_and_revoking_stops_it() {
    for site in sites().await {
        let (_, centre) = site.org_with_centre("Hope NGO", "Camp 4").await;
        let (browser, token) = signed_in(&site, "Amina", None).await;
        let codes = site.url(&format!("/admin/centres/{}/codes", centre.id));
        let (status, _, page) = browser
            .post(&codes, &[("hours", "0"), ("csrf", &token)])
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(page.contains("Type a whole number of hours from 1 to 720."));
        let (status, _, page) = browser
            .post(&codes, &[("hours", "2"), ("csrf", &token)])
            .await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(plain(&page).contains("Enrolment code for Camp 4"));
        let code = shown_code(&page);
        assert_eq!(code.len(), 12, "{code}");

        // The same code as an enrolment file for a laptop without a link.
        let file_url = site.url(&format!("/admin/centres/{}/enrolment-file", centre.id));
        let ok = [
            ("csrf", token.as_str()),
            ("code", code.as_str()),
            ("expires_ms", "1800000000000"),
            ("server_url", "https://10.0.0.5:7878"),
        ];
        let (status, _, body) = browser.post(&file_url, &ok).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let file = EnrolmentFile::parse(body.as_bytes()).unwrap();
        assert_eq!(file.code, code);
        assert_eq!(file.centre, centre.id);
        assert_eq!(file.centre_name, "Camp 4");
        assert_eq!(file.server.as_deref(), Some("https://10.0.0.5:7878"));
        let mut bad = ok;
        bad[3].1 = "ftp://10.0.0.5";
        let (status, _, page) = browser.post(&file_url, &bad).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(page.contains("must start with http://"), "{page}");
        let forged: Vec<(&str, &str)> = ok.iter().filter(|(k, _)| *k != "csrf").copied().collect();
        let (status, _, _) = browser.post(&file_url, &forged).await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        let device = DeviceId::from_bytes([9; 16]);
        let res = reqwest::Client::new()
            .post(site.url("/v1/enrol"))
            .json(&json!({"code": code, "device_id": device}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let enrolled: serde_json::Value = res.json().await.unwrap();
        let credential = enrolled["credential"].as_str().unwrap().to_owned();
        assert_eq!(
            sync_status(&site, &credential).await.status(),
            StatusCode::OK
        );

        let centre_url = site.url(&format!("/admin/centres/{}", centre.id));
        let (_, _, page) = browser.get(&centre_url).await;
        assert!(page.contains(&device.to_string()), "{page}");
        assert!(!page.contains("Never"), "the sync is listed: {page}");
        assert!(page.contains("Active"));

        let revoke = site.url(&format!("/admin/devices/{device}/revoke"));
        let (status, _, page) = browser.get(&revoke).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Yes, revoke this device"));
        let (status, url, page) = browser.post(&revoke, &[("csrf", &csrf(&page))]).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(url.contains("?revoked="), "{url}");
        assert!(
            plain(&page).contains(&format!("Device {device} is revoked.")),
            "{page}"
        );
        assert!(page.contains("Revoked on"));

        let res = sync_status(&site, &credential).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["code"], "revoked");
        site.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn names_are_escaped() {
    for site in sites().await {
        let (org, _) = site.org_with_centre("Hope NGO", "Camp 4").await;
        let (browser, token) = signed_in(&site, "<b>Amina</b>", None).await;
        let name = r#"<script>alert("x")</script>"#;
        let (status, _, page) = browser
            .post(
                &site.url(&format!("/admin/orgs/{}/centres", org.id)),
                &[("name", name), ("csrf", &token)],
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            page.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"),
            "{page}"
        );
        assert!(!page.contains("<script"), "{page}");
        assert!(page.contains("&lt;b&gt;Amina&lt;/b&gt;") && !page.contains("<b>Amina"));
        site.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn language_from_the_browser_or_the_selector() {
    for site in sites().await {
        let res = reqwest::Client::new()
            .get(site.url("/admin/sign-in"))
            .header("accept-language", "ar-JO,ar;q=0.9,en;q=0.5")
            .send()
            .await
            .unwrap();
        let page = res.text().await.unwrap();
        assert!(page.contains(r#"<html lang="ar" dir="rtl">"#), "{page}");
        assert!(page.contains("كلمة المرور"));

        let browser = Browser::new();
        let (status, url, page) = browser
            .post(
                &site.url("/admin/lang"),
                &[("lang", "fa-AF"), ("back", "/admin/sign-in")],
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(url.ends_with("/admin/sign-in"));
        assert!(page.contains(r#"<html lang="fa-AF" dir="rtl">"#), "{page}");
        let (_, url, page) = browser
            .post(
                &site.url("/admin/lang"),
                &[("lang", "fr"), ("back", "//evil.example/x")],
            )
            .await;
        assert!(
            url.starts_with(&site.base) && url.ends_with("/admin/sign-in"),
            "{url}"
        );
        assert!(page.contains(r#"<html lang="fr" dir="ltr">"#));
        let (status, url, _) = browser
            .post(
                &site.url("/admin/lang"),
                &[("lang", "ar"), ("back", "/admin/x\r\nSet-Cookie: a=b")],
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(url.ends_with("/admin/sign-in"), "{url}");
        let (_, _, css) = browser.get(&site.url("/admin/style.css")).await;
        assert!(css.contains("inset-inline-start") && !css.contains("margin-left"));
        site.finish().await;
    }
}
