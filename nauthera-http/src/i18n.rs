//! The pages' languages: Fluent messages (`nauthera-http/locales/<language>/pages.ftl`, compiled into the
//! binary) with their plural rules, and the per-request translator the templates call.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

/// The message files, by language.
const MESSAGES: [(&str, &str); 2] = [
    ("en", include_str!("../locales/en/pages.ftl")),
    ("de", include_str!("../locales/de/pages.ftl")),
];

/// Every language with messages, in the order they are offered.
pub fn languages() -> Vec<String> {
    MESSAGES.iter().map(|(tag, _)| (*tag).to_owned()).collect()
}

type Bundle = FluentBundle<FluentResource>;

/// The parsed messages of the languages the pages speak.
pub(crate) struct Localizer {
    /// By language; the first is the default.
    bundles: Vec<(String, Bundle)>,
}

impl std::fmt::Debug for Localizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.bundles.iter().map(|(tag, _)| tag))
            .finish()
    }
}

impl Localizer {
    /// The languages of `wanted` that have messages, in `wanted`'s order (English when none has).
    ///
    /// # Panics
    /// When a bundled message file does not parse (a test parses every file).
    pub(crate) fn new(wanted: &[String]) -> Self {
        let mut bundles: Vec<(String, Bundle)> = wanted
            .iter()
            .filter_map(|tag| {
                let (tag, source) = MESSAGES
                    .iter()
                    .find(|(known, _)| known.eq_ignore_ascii_case(tag))?;
                Some(((*tag).to_owned(), bundle(tag, source)))
            })
            .collect();
        if bundles.is_empty() {
            let (tag, source) = MESSAGES[0];
            bundles.push((tag.to_owned(), bundle(tag, source)));
        }
        Self { bundles }
    }

    /// The languages spoken, the default first.
    pub(crate) fn spoken(&self) -> Vec<String> {
        self.bundles.iter().map(|(tag, _)| tag.clone()).collect()
    }

    /// The translator for `language` (the default language when it is not spoken).
    pub(crate) fn translator(&self, language: &str) -> Tr<'_> {
        let (tag, bundle) = self
            .bundles
            .iter()
            .find(|(tag, _)| tag.eq_ignore_ascii_case(language))
            .unwrap_or(&self.bundles[0]);
        Tr {
            language: tag,
            bundle,
            languages: &self.bundles,
        }
    }
}

fn bundle(tag: &str, source: &str) -> Bundle {
    #[allow(clippy::expect_used, reason = "bundled files, parsed by a test")]
    let language: LanguageIdentifier = tag.parse().expect("a valid language tag");
    #[allow(clippy::expect_used, reason = "bundled files, parsed by a test")]
    let resource = FluentResource::try_new(source.to_owned()).expect("the bundled messages parse");
    let mut bundle = FluentBundle::new_concurrent(vec![language]);
    // Unicode isolation marks would end up inside HTML attributes and form values.
    bundle.set_use_isolating(false);
    #[allow(clippy::expect_used, reason = "bundled files, parsed by a test")]
    bundle
        .add_resource(resource)
        .expect("no message is defined twice");
    bundle
}

/// One request's translator: the templates call it for every text they show.
#[derive(Clone, Copy)]
pub(crate) struct Tr<'a> {
    language: &'a str,
    bundle: &'a Bundle,
    languages: &'a [(String, Bundle)],
}

impl Tr<'_> {
    /// The language tag (for `<html lang>`).
    pub(crate) fn language(&self) -> &str {
        self.language
    }

    /// The message `id`.
    pub(crate) fn t(&self, id: &str) -> String {
        self.format(id, None)
    }

    /// The message `id` with one argument.
    pub(crate) fn t1(&self, id: &str, name: &str, value: impl Into<Argument>) -> String {
        let mut args = FluentArgs::new();
        args.set(name.to_owned(), value.into().0);
        self.format(id, Some(&args))
    }

    /// Every spoken language as (tag, its name in itself), for a language menu.
    pub(crate) fn language_names(&self) -> Vec<(String, String)> {
        self.languages
            .iter()
            .map(|(tag, bundle)| (tag.clone(), format(bundle, "language-name", None)))
            .collect()
    }

    fn format(&self, id: &str, args: Option<&FluentArgs<'_>>) -> String {
        format(self.bundle, id, args)
    }
}

/// A value a message is formatted with.
pub(crate) struct Argument(FluentValue<'static>);

impl From<&str> for Argument {
    fn from(value: &str) -> Self {
        Self(FluentValue::from(value.to_owned()))
    }
}

impl From<String> for Argument {
    fn from(value: String) -> Self {
        Self(FluentValue::from(value))
    }
}

impl From<u64> for Argument {
    fn from(value: u64) -> Self {
        Self(FluentValue::from(value))
    }
}

impl From<usize> for Argument {
    fn from(value: usize) -> Self {
        Self(FluentValue::from(value))
    }
}

/// What a missing message renders as: visible, so the page tests (which render every page in every
/// language) catch it.
pub(crate) const MISSING: &str = "\u{27e6}missing message\u{27e7}";

fn format(bundle: &Bundle, id: &str, args: Option<&FluentArgs<'_>>) -> String {
    let Some(pattern) = bundle.get_message(id).and_then(|message| message.value()) else {
        tracing::error!(message = id, "a page message is missing");
        return format!("{MISSING} {id}");
    };
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, args, &mut errors);
    if !errors.is_empty() {
        tracing::error!(message = id, ?errors, "a page message did not format");
    }
    text.into_owned()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// The message ids of a message file: the names that start a line and are followed by `=` (Fluent messages;
    /// terms start with `-` and comments with `#`, so neither counts).
    fn message_ids(source: &str) -> BTreeSet<String> {
        source
            .lines()
            .filter_map(|line| {
                let (name, _) = line.split_once('=')?;
                let name = name.trim_end();
                let well_formed = name.starts_with(|c: char| c.is_ascii_alphabetic())
                    && name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
                well_formed.then(|| name.to_owned())
            })
            .collect()
    }

    #[test]
    fn every_language_has_every_message() {
        let english = message_ids(MESSAGES[0].1);
        assert!(english.len() > 40, "the English messages parse");
        for (tag, source) in MESSAGES {
            assert!(
                FluentResource::try_new(source.to_owned()).is_ok(),
                "{tag} parses"
            );
            let ids = message_ids(source);
            let missing: Vec<_> = english.difference(&ids).collect();
            let extra: Vec<_> = ids.difference(&english).collect();
            assert!(missing.is_empty(), "{tag} lacks {missing:?}");
            assert!(
                extra.is_empty(),
                "{tag} has messages English lacks: {extra:?}"
            );
        }
    }

    #[test]
    fn plurals_follow_each_language() {
        let localizer = Localizer::new(&languages());
        let english = localizer.translator("en");
        assert_eq!(
            english.t1("account-groups-count", "count", 1_u64),
            "You are in one group:"
        );
        assert_eq!(
            english.t1("account-groups-count", "count", 3_u64),
            "You are in 3 groups:"
        );
        let german = localizer.translator("de");
        assert_eq!(
            german.t1("login-error-throttled", "seconds", 30_u64),
            "Zu viele Fehlversuche. Versuchen Sie es in 30 Sekunden erneut."
        );
        assert_eq!(
            german.t1("account-groups-count", "count", 0_u64),
            "Sie gehören keiner Gruppe an."
        );
    }

    #[test]
    fn unknown_languages_fall_back_to_the_default() {
        let localizer = Localizer::new(&["de".to_owned(), "xx".to_owned()]);
        assert_eq!(localizer.spoken(), ["de"]);
        assert_eq!(localizer.translator("fr").language(), "de");
        assert!(localizer.translator("de").t("nope").starts_with(MISSING));
    }
}
