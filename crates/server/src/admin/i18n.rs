//! The admin page's translations: Fluent files embedded in the binary, one
//! per language, and the choice of language for a request (the `lang`
//! cookie set by the language form, else `Accept-Language`, else English).

use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use fluent_langneg::{NegotiationStrategy, accepted_languages, negotiate_languages};
use unic_langid::LanguageIdentifier;

/// A language of the admin page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Ar,
    Fr,
    FaAf,
}

impl Lang {
    pub const ALL: [Lang; 4] = [Lang::En, Lang::Ar, Lang::Fr, Lang::FaAf];

    /// The BCP 47 tag, as in `<html lang>` and the `lang` cookie.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ar => "ar",
            Lang::Fr => "fr",
            Lang::FaAf => "fa-AF",
        }
    }

    /// The language's name in itself, for the language selector.
    pub fn own_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Ar => "العربية",
            Lang::Fr => "Français",
            Lang::FaAf => "دری",
        }
    }

    pub fn is_rtl(self) -> bool {
        matches!(self, Lang::Ar | Lang::FaAf)
    }

    pub fn dir(self) -> &'static str {
        if self.is_rtl() { "rtl" } else { "ltr" }
    }

    /// A language this page has, by its exact tag (any case).
    pub fn from_tag(tag: &str) -> Option<Lang> {
        Lang::ALL
            .into_iter()
            .find(|l| l.tag().eq_ignore_ascii_case(tag.trim()))
    }

    fn source(self) -> &'static str {
        match self {
            Lang::En => include_str!("../../admin/locales/en/admin.ftl"),
            Lang::Ar => include_str!("../../admin/locales/ar/admin.ftl"),
            Lang::Fr => include_str!("../../admin/locales/fr/admin.ftl"),
            Lang::FaAf => include_str!("../../admin/locales/fa-AF/admin.ftl"),
        }
    }

    fn index(self) -> usize {
        match self {
            Lang::En => 0,
            Lang::Ar => 1,
            Lang::Fr => 2,
            Lang::FaAf => 3,
        }
    }
}

/// The language of a request: a valid `lang` cookie wins, then the
/// browser's `Accept-Language`, then English.
pub fn negotiate(cookie: Option<&str>, accept_language: Option<&str>) -> Lang {
    if let Some(lang) = cookie.and_then(Lang::from_tag) {
        return lang;
    }
    let Some(header) = accept_language else {
        return Lang::En;
    };
    let requested: Vec<LanguageIdentifier> = accepted_languages::parse(header)
        .into_iter()
        // Dari's own ISO 639-3 code: some systems send it.
        .map(|id| match id.language.as_str() {
            "prs" => langid("fa-AF"),
            _ => id,
        })
        .collect();
    let available: Vec<LanguageIdentifier> = Lang::ALL.iter().map(|l| langid(l.tag())).collect();
    let default = langid("en");
    negotiate_languages(
        &requested,
        &available,
        Some(&default),
        NegotiationStrategy::Lookup,
    )
    .first()
    .and_then(|id| Lang::from_tag(&id.to_string()))
    .unwrap_or(Lang::En)
}

fn langid(tag: &str) -> LanguageIdentifier {
    tag.parse().unwrap_or_default()
}

type Bundle = FluentBundle<FluentResource>;

static BUNDLES: LazyLock<Vec<Bundle>> =
    LazyLock::new(|| Lang::ALL.into_iter().map(bundle).collect());

fn bundle(lang: Lang) -> Bundle {
    let mut bundle = FluentBundle::new_concurrent(vec![langid(lang.tag())]);
    let resource =
        FluentResource::try_new(lang.source().to_owned()).unwrap_or_else(|(partial, errors)| {
            // The unit tests parse every file, so this is a build mistake.
            tracing::error!(
                lang = lang.tag(),
                ?errors,
                "admin page translation has errors"
            );
            partial
        });
    if let Err(errors) = bundle.add_resource(resource) {
        tracing::error!(
            lang = lang.tag(),
            ?errors,
            "admin page translation has duplicates"
        );
    }
    bundle
}

/// `id` in `lang` (English when missing there; the id itself when missing
/// everywhere, so a mistake shows instead of an empty page).
pub fn tr(lang: Lang, id: &str) -> String {
    format(lang, id, None)
}

/// [`tr`] with arguments.
pub fn tr_args(lang: Lang, id: &str, args: &[(&'static str, FluentValue<'_>)]) -> String {
    let mut fluent = FluentArgs::new();
    for (name, value) in args {
        fluent.set(*name, value.clone());
    }
    format(lang, id, Some(&fluent))
}

fn format(lang: Lang, id: &str, args: Option<&FluentArgs<'_>>) -> String {
    [lang, Lang::En]
        .into_iter()
        .find_map(|l| {
            let bundle = BUNDLES.get(l.index())?;
            let pattern = bundle.get_message(id)?.value()?;
            let mut errors = Vec::new();
            let text = bundle.format_pattern(pattern, args, &mut errors);
            if !errors.is_empty() {
                tracing::warn!(lang = l.tag(), id, ?errors, "admin page message");
            }
            Some(text.into_owned())
        })
        .unwrap_or_else(|| id.to_owned())
}

/// The message ids of one language's file, for the completeness test.
#[cfg(test)]
fn message_ids(lang: Lang) -> Vec<String> {
    use fluent_bundle::FluentResource;
    use fluent_syntax::ast::Entry;
    let resource = match FluentResource::try_new(lang.source().to_owned()) {
        Ok(r) => r,
        Err((_, errors)) => panic!("{} does not parse: {errors:?}", lang.tag()),
    };
    resource
        .entries()
        .filter_map(|e| match e {
            Entry::Message(m) => Some(m.id.name.to_owned()),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn every_message_exists_in_every_language() {
        let english = message_ids(Lang::En);
        assert!(english.len() > 40, "{english:?}");
        for lang in Lang::ALL {
            let ids = message_ids(lang);
            let missing: Vec<_> = english.iter().filter(|id| !ids.contains(id)).collect();
            let extra: Vec<_> = ids.iter().filter(|id| !english.contains(id)).collect();
            assert!(missing.is_empty(), "{} lacks {missing:?}", lang.tag());
            assert!(extra.is_empty(), "{} has unknown {extra:?}", lang.tag());
            let mut sorted = ids.clone();
            sorted.sort();
            sorted.dedup();
            assert_eq!(sorted.len(), ids.len(), "{} repeats an id", lang.tag());
        }
    }

    #[test]
    fn every_message_formats_without_errors() {
        let args = FluentArgs::from_iter([
            ("name", FluentValue::from("x")),
            ("seconds", FluentValue::from(5)),
            ("max", FluentValue::from(100)),
            ("when", FluentValue::from("2026-01-05 10:00 UTC")),
            ("id", FluentValue::from("00ff")),
            ("centre", FluentValue::from("c")),
        ]);
        for lang in Lang::ALL {
            let bundle = &BUNDLES[lang.index()];
            for id in message_ids(lang) {
                let pattern = bundle.get_message(&id).unwrap().value().unwrap();
                let mut errors = Vec::new();
                bundle.format_pattern(pattern, Some(&args), &mut errors);
                assert!(errors.is_empty(), "{} {id}: {errors:?}", lang.tag());
            }
        }
    }

    #[test]
    fn language_choice() {
        assert_eq!(negotiate(None, None), Lang::En);
        assert_eq!(negotiate(Some("ar"), Some("fr")), Lang::Ar);
        assert_eq!(negotiate(Some("xx"), Some("fr-FR,en;q=0.5")), Lang::Fr);
        assert_eq!(negotiate(None, Some("fa-AF,fa;q=0.9")), Lang::FaAf);
        assert_eq!(negotiate(None, Some("prs")), Lang::FaAf);
        assert_eq!(negotiate(None, Some("ar-JO,ar;q=0.9,en;q=0.8")), Lang::Ar);
        assert_eq!(negotiate(None, Some("de-DE")), Lang::En);
        assert_eq!(negotiate(Some("FA-af"), None), Lang::FaAf);
        assert!(Lang::Ar.is_rtl() && Lang::FaAf.is_rtl() && !Lang::Fr.is_rtl());
    }

    #[test]
    fn arabic_plurals_and_fallback() {
        let text = tr_args(Lang::Ar, "signin-slow-down", &[("seconds", 2.into())]);
        assert!(text.contains("ثانيتين"), "{text}");
        assert_eq!(tr(Lang::Fr, "no-such-id"), "no-such-id");
    }
}
