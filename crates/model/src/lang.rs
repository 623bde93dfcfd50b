//! Language tags, writing direction and language fallback.

use serde::{Deserialize, Serialize};

/// Writing direction of a language, as the UI's `dir` attribute wants it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Ltr,
    Rtl,
}

/// Primary language subtags written right to left that Qalam's learners use,
/// plus the other common RTL scripts so that a pack in them still lays out.
const RTL_LANGUAGES: &[&str] = &[
    "ar", "fa", "ps", "ur", "he", "yi", "ku", "ckb", "sd", "ug", "dv", "prs",
];

/// Direction of a BCP 47 tag, judged by its primary subtag and any script
/// subtag (`az-Arab` is RTL, `ku-Latn` is LTR).
pub fn direction_of(tag: &str) -> Direction {
    let mut parts = tag.split(['-', '_']);
    let primary = parts.next().unwrap_or_default().to_ascii_lowercase();
    for part in parts {
        match part.to_ascii_lowercase().as_str() {
            "arab" | "hebr" | "thaa" | "syrc" | "nkoo" | "adlm" => return Direction::Rtl,
            "latn" | "cyrl" => return Direction::Ltr,
            _ => {}
        }
    }
    if RTL_LANGUAGES.contains(&primary.as_str()) {
        Direction::Rtl
    } else {
        Direction::Ltr
    }
}

fn primary_subtag(tag: &str) -> &str {
    tag.split(['-', '_']).next().unwrap_or(tag)
}

/// Chooses which of `available` tags to show to a user who asked for `wanted`.
///
/// Order of preference: the exact tag, then the same primary language
/// (`fa` for `fa-AF`), then each of `fallbacks` in turn (a pack's default
/// language), then the first available tag. Comparison ignores case because
/// packs written by hand spell tags inconsistently.
pub fn pick_language<'a, S: AsRef<str>>(
    wanted: &str,
    available: &'a [S],
    fallbacks: &[S],
) -> Option<&'a str> {
    let find = |pred: &dyn Fn(&str) -> bool| {
        available
            .iter()
            .map(AsRef::as_ref)
            .find(|candidate| pred(candidate))
    };
    find(&|c| c.eq_ignore_ascii_case(wanted))
        .or_else(|| find(&|c| primary_subtag(c).eq_ignore_ascii_case(primary_subtag(wanted))))
        .or_else(|| {
            fallbacks.iter().find_map(|fallback| {
                let fallback = fallback.as_ref();
                find(&|c| c.eq_ignore_ascii_case(fallback))
            })
        })
        .or_else(|| available.first().map(AsRef::as_ref))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arabic_dari_pashto_are_rtl() {
        for tag in ["ar", "ar-SY", "fa-AF", "ps", "ur", "AR"] {
            assert_eq!(direction_of(tag), Direction::Rtl, "{tag}");
        }
    }

    #[test]
    fn latin_languages_and_latin_script_subtags_are_ltr() {
        for tag in ["en", "fr", "so", "ku-Latn", "sw-KE", ""] {
            assert_eq!(direction_of(tag), Direction::Ltr, "{tag}");
        }
        assert_eq!(direction_of("az-Arab"), Direction::Rtl);
    }

    #[test]
    fn picks_exact_then_primary_then_fallback_then_first() {
        let available = ["en", "ar", "fa-AF"];
        let none: [&str; 0] = [];
        assert_eq!(pick_language("ar", &available, &none), Some("ar"));
        assert_eq!(pick_language("fa", &available, &none), Some("fa-AF"));
        assert_eq!(pick_language("ar-SY", &available, &none), Some("ar"));
        assert_eq!(pick_language("fr", &available, &["ar"]), Some("ar"));
        assert_eq!(pick_language("fr", &available, &none), Some("en"));
        let empty: [&str; 0] = [];
        assert_eq!(pick_language("fr", &empty, &none), None);
    }
}
