//! Which language the pages speak: the first supported language among the request's `ui_locales` (OpenID
//! Connect Core §3.1.2.1), then the user's stored preference, then the browser's `Accept-Language` (RFC 9110
//! §12.5.4, by quality), then the configured default.
//!
//! A requested tag matches a supported one exactly (ignoring case), or by its primary language (`de-AT` is
//! served in `de`).

/// Where the page's language comes from, most specific first.
#[derive(Clone, Copy, Debug, Default)]
pub struct LanguageSources<'a> {
    /// The authorization request's `ui_locales`: space-separated tags in order of preference.
    pub ui_locales: Option<&'a str>,
    /// The signed-in user's stored language.
    pub preference: Option<&'a str>,
    /// The `Accept-Language` header.
    pub accept_language: Option<&'a str>,
}

impl LanguageSources<'_> {
    /// The language to speak: one of `supported`, or `default` when nothing matches.
    pub fn choose<'s>(&self, supported: &'s [String], default: &'s str) -> &'s str {
        let ui_locales = self.ui_locales.into_iter().flat_map(str::split_whitespace);
        let preference = self.preference.into_iter();
        let accepted = self
            .accept_language
            .map(accept_language)
            .unwrap_or_default();
        ui_locales
            .chain(preference)
            .chain(accepted.iter().map(String::as_str))
            .find_map(|tag| matching(tag, supported))
            .unwrap_or(default)
    }
}

/// The supported language that serves `tag`, if any.
pub fn matching<'s>(tag: &str, supported: &'s [String]) -> Option<&'s str> {
    let primary = tag.split(['-', '_']).next().unwrap_or(tag);
    supported
        .iter()
        .find(|candidate| candidate.eq_ignore_ascii_case(tag))
        .or_else(|| {
            supported
                .iter()
                .find(|candidate| candidate.eq_ignore_ascii_case(primary))
        })
        .map(String::as_str)
}

/// The tags of an `Accept-Language` header, best first (ties keep their order); `*` and `q=0` are dropped.
pub fn accept_language(header: &str) -> Vec<String> {
    let mut tags: Vec<(u16, usize, String)> = header
        .split(',')
        .enumerate()
        .filter_map(|(position, item)| {
            let mut parts = item.split(';');
            let tag = parts.next()?.trim();
            if tag.is_empty() || tag == "*" || tag.len() > 35 {
                return None;
            }
            let quality = parts
                .find_map(|part| part.trim().strip_prefix("q="))
                .map_or(Some(1000), quality)?;
            (quality > 0).then(|| (quality, position, tag.to_owned()))
        })
        .collect();
    tags.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    tags.into_iter().map(|(_, _, tag)| tag).collect()
}

/// A quality value in thousandths (`0.8` → 800); `None` when malformed.
fn quality(text: &str) -> Option<u16> {
    let value: f32 = text.trim().parse().ok()?;
    if !(0.0..=1.0).contains(&value) {
        return None;
    }
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "value is within 0..=1, so the product is within 0..=1000"
    )]
    Some((value * 1000.0).round() as u16)
}

/// Whether `tag` looks like a BCP 47 language tag (letters, digits and hyphens, starting with letters).
pub fn is_language_tag(tag: &str) -> bool {
    !tag.is_empty()
        && tag.len() <= 35
        && tag.split('-').all(|part| {
            !part.is_empty() && part.len() <= 8 && part.chars().all(|c| c.is_ascii_alphanumeric())
        })
        && tag.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn supported() -> Vec<String> {
        vec!["en".to_owned(), "de".to_owned()]
    }

    #[test]
    fn sources_in_order() {
        let supported = supported();
        let choose = |sources: LanguageSources<'_>| sources.choose(&supported, "en").to_owned();
        assert_eq!(choose(LanguageSources::default()), "en");
        let browser_german = LanguageSources {
            accept_language: Some("fr-CH, de;q=0.9, en;q=0.8"),
            ..LanguageSources::default()
        };
        assert_eq!(choose(browser_german), "de");
        let preference = LanguageSources {
            preference: Some("en"),
            ..browser_german
        };
        assert_eq!(choose(preference), "en", "the preference beats the browser");
        let requested = LanguageSources {
            ui_locales: Some("fr de-AT"),
            ..preference
        };
        assert_eq!(choose(requested), "de", "ui_locales beats the preference");
    }

    #[test]
    fn accept_language_orders_by_quality() {
        assert_eq!(
            accept_language("en;q=0.5, de, fr;q=0, *;q=0.1, it;q=bad, es;q=0.5"),
            ["de", "en", "es"]
        );
    }

    #[test]
    fn tags_are_checked() {
        assert!(is_language_tag("de"));
        assert!(is_language_tag("zh-Hant-TW"));
        assert!(!is_language_tag(""));
        assert!(!is_language_tag("de_DE"));
        assert!(!is_language_tag("1de"));
        assert!(!is_language_tag("<script>"));
    }
}
