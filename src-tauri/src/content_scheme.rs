//! The `qalam-pack:` scheme: lesson files for the sandboxed lesson frame,
//! with the same headers as `qalam serve` gives them.

use std::io::{Read, Seek, SeekFrom};

use qalam_core::Device;
use qalam_core::packs::content::{self, CONTENT_SECURITY_POLICY, Content, byte_range};
use tauri::http::{Request, Response, StatusCode, header};

/// Larger answers go out in pieces of this size so that a long video never
/// sits in memory whole.
const MAX_CHUNK: u64 = 4 * 1024 * 1024;

pub fn respond(device: &Device, request: &Request<Vec<u8>>) -> Response<Vec<u8>> {
    let path = percent_encoding::percent_decode_str(request.uri().path())
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
