//! Serving an installed pack's files to the sandboxed lesson view.

use std::path::PathBuf;

use pulldown_cmark::{Event, Parser, html};

use crate::device::Device;
use crate::error::CoreError;
use crate::storage;

/// The Content-Security-Policy for pack content. Browsers apply it even when
/// a lesson is opened outside its frame.
///
/// The `sandbox` directive grants `allow-same-origin` and nothing else, so
/// the app (served from the same origin) can read the lesson's scroll
/// position and see input inside it: that is how an HTML lesson reopens where
/// the learner left it and how reading inside the frame counts as activity.
/// This is safe only because the same policy leaves pack content without any
/// way to act on that origin:
///
/// - no `allow-scripts`, and `script-src 'none'` besides: no `<script>`, no
///   inline handler (`onload=`), no `javascript:` URL runs, so nothing in the
///   page can read storage, call `/api/…`, or touch the app's document;
/// - no `allow-forms`, and `form-action 'none'` besides: a form cannot post
///   to `/api/…` (which needs a session token in a header a form cannot set,
///   and JSON, in any case);
/// - no `allow-top-navigation` or `allow-popups`: a link cannot replace the
///   app or open windows; `default-src 'none'` and `connect-src` unset: no
///   network beyond the pack's own images, media, styles and fonts.
///
/// The lesson frame carries the same allowance (`sandbox="allow-same-origin"`)
/// so that any page the frame navigates to, even the app's own, stays
/// script-less. Adding any other allowance here, or to the frame, would let
/// pack content act as the app: never do that.
pub const CONTENT_SECURITY_POLICY: &str = "sandbox allow-same-origin; default-src 'none'; script-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'self' 'unsafe-inline'; font-src 'self'; form-action 'none'";

/// A file to serve: either a file on disk (served with range support) or a
/// rendered document.
#[derive(Debug)]
pub enum Content {
    File { path: PathBuf, mime: String },
    Rendered { body: Vec<u8>, mime: String },
}

/// Finds `path` inside installed pack `pack_id`. Markdown is rendered to HTML.
pub fn resolve(device: &Device, pack_id: &str, path: &str) -> Result<Content, CoreError> {
    let not_found = || CoreError::NotFound {
        what: "pack file",
        id: format!("{pack_id}/{path}"),
    };
    if !is_servable_path(path) {
        return Err(not_found());
    }
    let row = storage::packs::get(&device.conn(), pack_id)?.ok_or_else(not_found)?;
    let file = device.layout().packs().join(&row.dir).join(path);
    let meta = std::fs::symlink_metadata(&file).map_err(|_| not_found())?;
    if !meta.is_file() {
        return Err(not_found());
    }
    if path.to_ascii_lowercase().ends_with(".md") {
        let lang = lang_of_path(path);
        let source = std::fs::read_to_string(&file).map_err(|e| CoreError::io("read", &file, e))?;
        return Ok(Content::Rendered {
            body: render_markdown(&source, &lang).into_bytes(),
            mime: "text/html; charset=utf-8".into(),
        });
    }
    let mime = mime_guess::from_path(&file)
        .first_or_octet_stream()
        .to_string();
    let mime = if mime.starts_with("text/") {
        format!("{mime}; charset=utf-8")
    } else {
        mime
    };
    Ok(Content::File { path: file, mime })
}

/// Paths in an installed folder were checked at install time; this refuses
/// anything that could leave the folder or reach the stored manifest anyway,
/// because the request comes from pack HTML, which is untrusted.
fn is_servable_path(path: &str) -> bool {
    !path.is_empty()
        && path != "manifest.json"
        && path.len() <= 1024
        && path.split('/').all(|part| {
            !part.is_empty() && !part.starts_with('.') && !part.contains(['\\', ':', '\0'])
        })
}

/// `lessons/intro.ar.md` is Arabic: the language tag before the extension.
fn lang_of_path(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    let parts: Vec<&str> = name.split('.').collect();
    match parts.as_slice() {
        [_, lang, _ext] if (2..=8).contains(&lang.len()) => (*lang).to_string(),
        _ => String::from("und"),
    }
}

/// Renders Markdown with any raw HTML escaped, wrapped in a page that reads
/// well in both directions.
pub fn render_markdown(source: &str, lang: &str) -> String {
    let events = Parser::new(source).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        other => other,
    });
    let mut body = String::new();
    html::push_html(&mut body, events);
    // Raw HTML is escaped above, so these tags can only come from the
    // renderer. `dir="auto"` lets an Arabic paragraph in an English lesson
    // (or the reverse) lay out in its own direction.
    for tag in [
        "p",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "td",
        "th",
    ] {
        body = body.replace(&format!("<{tag}>"), &format!("<{tag} dir=\"auto\">"));
    }
    let dir = match qalam_model::direction_of(lang) {
        qalam_model::Direction::Rtl => "rtl",
        qalam_model::Direction::Ltr => "ltr",
    };
    let lang = escape_attr(lang);
    format!(
        "<!doctype html><html lang=\"{lang}\" dir=\"{dir}\"><head><meta charset=\"utf-8\"><style>body{{font:20px/1.6 system-ui,'Noto Naskh Arabic',sans-serif;max-width:42em;margin:1em auto;padding:0 1em}}img{{max-width:100%}}</style></head><body>{body}</body></html>"
    )
}

fn escape_attr(value: &str) -> String {
    value
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_escapes_raw_html() {
        let page = render_markdown("# Hi\n\n<script>alert(1)</script>\n\ntext <b>x</b>", "en");
        assert!(page.contains("<h1 dir=\"auto\">Hi</h1>"));
        assert!(!page.contains("<script>"));
        assert!(!page.contains("<b>"));
    }

    #[test]
    fn markdown_in_arabic_is_rtl() {
        let page = render_markdown("مرحبا", "ar");
        assert!(page.contains("dir=\"rtl\""));
        assert!(page.contains("lang=\"ar\""));
    }

    #[test]
    fn paths_that_could_escape_are_not_servable() {
        for bad in [
            "",
            "../x",
            "a/../b",
            "/etc/passwd",
            "a\\b",
            "C:x",
            ".hidden",
            "a//b",
            "manifest.json",
        ] {
            assert!(!is_servable_path(bad), "{bad}");
        }
        assert!(is_servable_path("lessons/01.en.html"));
    }

    #[test]
    fn the_content_policy_grants_the_shared_origin_and_nothing_that_could_use_it() {
        let (sandbox, rest) = CONTENT_SECURITY_POLICY.split_once(';').unwrap_or_default();
        assert_eq!(sandbox.trim(), "sandbox allow-same-origin");
        assert!(!rest.contains("allow-"), "{rest}");
        for directive in [
            "default-src 'none'",
            "script-src 'none'",
            "form-action 'none'",
        ] {
            assert!(rest.contains(directive), "{directive}");
        }
    }

    #[test]
    fn language_is_read_from_the_file_name() {
        assert_eq!(lang_of_path("lessons/intro.ar.md"), "ar");
        assert_eq!(lang_of_path("lessons/intro.md"), "und");
    }
}

/// Parses a single `Range: bytes=A-B` header against a file of `len` bytes
/// into an inclusive range. Multi-range and unsatisfiable requests yield
/// `None`, and the caller answers with the whole file.
pub fn byte_range(header: &str, len: u64) -> Option<(u64, u64)> {
    let spec = header.trim().strip_prefix("bytes=")?;
    if spec.contains(',') || len == 0 {
        return None;
    }
    let (start, end) = spec.split_once('-')?;
    let (start, end) = match (start.trim(), end.trim()) {
        ("", suffix) => {
            let n: u64 = suffix.parse().ok()?;
            (len.saturating_sub(n), len - 1)
        }
        (start, "") => (start.parse().ok()?, len - 1),
        (start, end) => (start.parse().ok()?, end.parse::<u64>().ok()?.min(len - 1)),
    };
    (start <= end && start < len).then_some((start, end))
}

#[cfg(test)]
mod range_tests {
    use super::byte_range;
    use proptest::prelude::*;

    #[test]
    fn the_three_forms_of_a_single_range() {
        assert_eq!(byte_range("bytes=0-99", 1000), Some((0, 99)));
        assert_eq!(byte_range("bytes=900-", 1000), Some((900, 999)));
        assert_eq!(byte_range("bytes=-100", 1000), Some((900, 999)));
        assert_eq!(byte_range("bytes=0-5000", 1000), Some((0, 999)));
    }

    #[test]
    fn unsatisfiable_or_unsupported_ranges_are_none() {
        assert_eq!(byte_range("bytes=1000-", 1000), None);
        assert_eq!(byte_range("bytes=5-1", 1000), None);
        assert_eq!(byte_range("bytes=0-1,5-9", 1000), None);
        assert_eq!(byte_range("items=0-1", 1000), None);
        assert_eq!(byte_range("bytes=0-1", 0), None);
    }

    proptest! {
        #[test]
        fn a_parsed_range_always_lies_inside_the_file(header in "bytes=[0-9]{0,6}-[0-9]{0,6}", len in 0u64..2_000_000) {
            if let Some((start, end)) = byte_range(&header, len) {
                prop_assert!(start <= end && end < len);
            }
        }
    }
}
