//! Pack files for the sandboxed lesson frame, with the same headers as
//! `qalam serve` gives them, in two places:
//!
//! - `/content/<pack>/<path>` on the app's own origin (`tauri://localhost`,
//!   `http://tauri.localhost` on Windows), answered by [`on_app_request`]:
//!   HTML and Markdown lessons load here, so the app can read their scroll
//!   position and input, exactly as over HTTP where `/content/` shares the
//!   app's origin too. The content policy keeps scripts, forms and top
//!   navigation out (see `CONTENT_SECURITY_POLICY`), so sharing the origin
//!   gives pack content nothing;
//! - the `qalam-pack:` scheme, answered by [`respond`] on a thread of its
//!   own: video and audio, which stream in pieces and need no shared origin.

use std::borrow::Cow;
use std::io::{Read, Seek, SeekFrom};

use qalam_core::Device;
use qalam_core::packs::content::{self, CONTENT_SECURITY_POLICY, Content, byte_range};
use tauri::http::{Request, Response, StatusCode, header};

/// Larger answers go out in pieces of this size so that a long video never
/// sits in memory whole.
const MAX_CHUNK: u64 = 4 * 1024 * 1024;

/// Where pack content lives on the app's own origin, as in `qalam serve`.
pub const APP_CONTENT_PREFIX: &str = "/content/";

/// Hook for every answer of the app's own `tauri:` protocol: a request under
/// [`APP_CONTENT_PREFIX`] gets the pack file instead of the app's page (the
/// asset resolver answered it with `index.html`, its fallback), with the
/// content policy and none of the app's headers. Anything else is left alone.
pub fn on_app_request(
    device: &Device,
    request: &Request<Vec<u8>>,
    response: &mut Response<Cow<'static, [u8]>>,
) {
    let Some(rest) = request.uri().path().strip_prefix(APP_CONTENT_PREFIX) else {
        return;
    };
    let answer = respond_to(device, rest, request);
    let (parts, body) = answer.into_parts();
    *response.status_mut() = parts.status;
    *response.headers_mut() = parts.headers;
    *response.body_mut() = Cow::Owned(body);
}

/// The `qalam-pack:` scheme: `qalam-pack://localhost/<pack>/<path>`.
pub fn respond(device: &Device, request: &Request<Vec<u8>>) -> Response<Vec<u8>> {
    respond_to(device, request.uri().path(), request)
}

/// Answers for `<pack>/<path>` (still percent-encoded, leading `/` allowed).
fn respond_to(device: &Device, raw_path: &str, request: &Request<Vec<u8>>) -> Response<Vec<u8>> {
    let path = percent_encoding::percent_decode_str(raw_path)
        .decode_utf8_lossy()
        .into_owned();
    let Some((pack, file)) = path.trim_start_matches('/').split_once('/') else {
        return plain(StatusCode::NOT_FOUND, "not found");
    };
    let range = request
        .headers()
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok());
    match content::resolve(device, pack, file) {
        Ok(Content::Rendered { body, mime }) => with_headers(
            Response::builder().header(header::CONTENT_TYPE, mime),
            body,
            StatusCode::OK,
        ),
        Ok(Content::File { path, mime }) => file_response(&path, &mime, range),
        Err(err) => plain(StatusCode::NOT_FOUND, &err.to_string()),
    }
}

fn file_response(path: &std::path::Path, mime: &str, range: Option<&str>) -> Response<Vec<u8>> {
    let Ok(mut file) = std::fs::File::open(path) else {
        return plain(StatusCode::NOT_FOUND, "not found");
    };
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let wanted = match range {
        Some(header) => byte_range(header, len),
        None if len > MAX_CHUNK => Some((0, len - 1)),
        None => None,
    };
    let builder = Response::builder()
        .header(header::CONTENT_TYPE, mime)
        .header(header::ACCEPT_RANGES, "bytes");
    let Some((start, end)) = wanted else {
        let mut body = Vec::new();
        return match file.read_to_end(&mut body) {
            Ok(_) => with_headers(builder, body, StatusCode::OK),
            Err(_) => plain(StatusCode::INTERNAL_SERVER_ERROR, "read failed"),
        };
    };
    let end = end.min(start + MAX_CHUNK - 1);
    let mut body = vec![0; (end - start + 1) as usize];
    match file
        .seek(SeekFrom::Start(start))
        .and_then(|_| file.read_exact(&mut body))
    {
        Ok(()) => with_headers(
            builder.header(header::CONTENT_RANGE, format!("bytes {start}-{end}/{len}")),
            body,
            StatusCode::PARTIAL_CONTENT,
        ),
        Err(_) => plain(StatusCode::RANGE_NOT_SATISFIABLE, "bad range"),
    }
}

fn with_headers(
    builder: tauri::http::response::Builder,
    body: Vec<u8>,
    status: StatusCode,
) -> Response<Vec<u8>> {
    builder
        .status(status)
        .header(header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY)
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
        .header(header::REFERRER_POLICY, "no-referrer")
        .body(body)
        .unwrap_or_else(|_| Response::new(Vec::new()))
}

fn plain(status: StatusCode, message: &str) -> Response<Vec<u8>> {
    with_headers(
        Response::builder().header(header::CONTENT_TYPE, "text/plain; charset=utf-8"),
        message.as_bytes().to_vec(),
        status,
    )
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::sync::Arc;

    use qalam_core::{Device, Settings};
    use tauri::http::{Request, StatusCode, header};

    use super::{CONTENT_SECURITY_POLICY, respond};

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// A device with one installed pack holding a lesson and a larger file.
    fn device_with_pack(dir: &Path) -> Arc<Device> {
        let src = dir.join("src");
        write(
            &src.join("pack.toml"),
            r#"
id = "org.test.scheme"
version = "1.0.0"
languages = ["ar"]
subject = "literacy"
level = "beginner"
license = "CC-BY-4.0"
title = { ar = "اختبار" }
description = { ar = "وصف" }
publisher = { name = { ar = "اختبارات" } }

[[lessons]]
id = "one"
title = { ar = "واحد" }
content = { ar = "lessons/one.ar.md" }
"#,
        );
        write(
            &src.join("lessons/one.ar.md"),
            "# مرحبا\n\n<script>alert(1)</script>",
        );
        write(&src.join("media/clip.txt"), &"0123456789".repeat(1000));
        let key = qalam_pack::generate_keypair().unwrap();
        let pack = dir.join("p.qpack");
        qalam_pack::build_pack(&src, &pack, Some(&key)).unwrap();
        let settings = Settings {
            scan_system_mounts: false,
            ..Settings::default()
        };
        let device = Arc::new(Device::open(&dir.join("data"), settings).unwrap());
        qalam_core::api::trust_add(&device, &key.public_key().to_file_string(), None).unwrap();
        qalam_core::packs::install::install_file(&device, &pack, false, &mut |_, _| {}).unwrap();
        device
    }

    fn get(device: &Device, uri: &str, range: Option<&str>) -> tauri::http::Response<Vec<u8>> {
        let mut request = Request::builder().uri(uri);
        if let Some(range) = range {
            request = request.header(header::RANGE, range);
        }
        respond(device, &request.body(Vec::new()).unwrap())
    }

    #[test]
    fn lessons_are_served_sandboxed_and_markdown_is_rendered_without_scripts() {
        let dir = tempfile::tempdir().unwrap();
        let device = device_with_pack(dir.path());
        let response = get(
            &device,
            "qalam-pack://localhost/org.test.scheme/lessons/one.ar.md",
            None,
        );
        assert_eq!(response.status(), StatusCode::OK);
        let csp = response.headers()[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap();
        assert!(
            csp.starts_with("sandbox allow-same-origin;") && csp.matches("allow-").count() == 1,
            "{csp}"
        );
        let body = String::from_utf8(response.body().clone()).unwrap();
        assert!(
            body.contains("dir=\"rtl\"") && !body.contains("<script>"),
            "{body}"
        );
    }

    /// The app's origin serves lessons under `/content/` (so the app can see
    /// into the frame) with the content policy in place of the app's headers,
    /// and leaves the app's own files alone.
    #[test]
    fn the_app_origin_serves_content_with_the_content_policy_only() {
        use std::borrow::Cow;
        let dir = tempfile::tempdir().unwrap();
        let device = device_with_pack(dir.path());
        let app_page = || {
            tauri::http::Response::builder()
                .header(header::CONTENT_SECURITY_POLICY, "default-src 'self'")
                .header("Access-Control-Allow-Origin", "tauri://localhost")
                .body(Cow::Borrowed(&b"<!doctype html><title>app</title>"[..]))
                .unwrap()
        };
        let request = |uri: &str| Request::builder().uri(uri).body(Vec::new()).unwrap();

        let mut response = app_page();
        super::on_app_request(
            &device,
            &request("tauri://localhost/content/org.test.scheme/lessons/one.ar.md"),
            &mut response,
        );
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response.headers()[header::CONTENT_SECURITY_POLICY],
            CONTENT_SECURITY_POLICY
        );
        assert!(
            !response
                .headers()
                .contains_key("access-control-allow-origin")
        );
        assert!(String::from_utf8_lossy(response.body()).contains("dir=\"rtl\""));

        let mut missing = app_page();
        super::on_app_request(
            &device,
            &request("http://tauri.localhost/content/org.test.scheme/..%2F..%2Fqalam.db"),
            &mut missing,
        );
        assert_eq!(missing.status(), StatusCode::NOT_FOUND);
        assert_eq!(
            missing.headers()[header::CONTENT_SECURITY_POLICY],
            CONTENT_SECURITY_POLICY
        );

        let mut page = app_page();
        super::on_app_request(&device, &request("tauri://localhost/index.html"), &mut page);
        assert_eq!(
            page.headers()[header::CONTENT_SECURITY_POLICY],
            "default-src 'self'"
        );
        assert!(String::from_utf8_lossy(page.body()).contains("<title>app</title>"));
    }

    #[test]
    fn media_answers_range_requests() {
        let dir = tempfile::tempdir().unwrap();
        let device = device_with_pack(dir.path());
        let response = get(
            &device,
            "qalam-pack://localhost/org.test.scheme/media/clip.txt",
            Some("bytes=10-19"),
        );
        assert_eq!(response.status(), StatusCode::PARTIAL_CONTENT);
        assert_eq!(response.body().as_slice(), b"0123456789");
        assert_eq!(
            response.headers()[header::CONTENT_RANGE],
            "bytes 10-19/10000"
        );
    }

    #[test]
    fn hostile_paths_and_other_packs_files_are_not_found() {
        let dir = tempfile::tempdir().unwrap();
        let device = device_with_pack(dir.path());
        for uri in [
            "qalam-pack://localhost/org.test.scheme/..%2F..%2Fqalam.db",
            "qalam-pack://localhost/org.test.scheme/manifest.json",
            "qalam-pack://localhost/..%2Fdata/qalam.db",
            "qalam-pack://localhost/org.other/lessons/one.ar.md",
            "qalam-pack://localhost/",
        ] {
            assert_eq!(
                get(&device, uri, None).status(),
                StatusCode::NOT_FOUND,
                "{uri}"
            );
        }
    }
}
