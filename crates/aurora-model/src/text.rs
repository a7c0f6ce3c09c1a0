//! Languages and localized text.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// One of the three languages Aurora serves: Finnish, Swedish, English.
///
/// PTV carries texts in these three (and occasionally others, which Aurora ignores).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Finnish, the primary language of PTV data.
    Fi,
    /// Swedish, the second national language.
    Sv,
    /// English.
    En,
}

impl Lang {
    /// All languages, in Aurora's fallback order (Finnish first: PTV requires it).
    pub const ALL: [Lang; 3] = [Lang::Fi, Lang::Sv, Lang::En];

    /// The ISO 639-1 code.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fi => "fi",
            Lang::Sv => "sv",
            Lang::En => "en",
        }
    }

    /// Parses an ISO 639-1 code, case-insensitively; `None` for any other language.
    pub fn parse(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "fi" => Some(Lang::Fi),
            "sv" => Some(Lang::Sv),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Error for a language code that is not fi, sv or en.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unsupported language {0:?}: expected one of fi, sv, en")]
pub struct UnknownLang(pub String);

impl FromStr for Lang {
    type Err = UnknownLang;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Lang::parse(s).ok_or_else(|| UnknownLang(s.to_string()))
    }
}

/// A text in up to three languages.
///
/// Reading with [`Localized::get`] falls back: the requested language, then Finnish, Swedish and
/// English in that order, so a Swedish reader of a Finnish-only service still sees its name.
/// Empty or whitespace-only strings count as missing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Localized {
    /// Finnish text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fi: Option<String>,
    /// Swedish text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sv: Option<String>,
    /// English text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
}

impl Localized {
    /// A text in all three languages.
    pub fn new(fi: &str, sv: &str, en: &str) -> Self {
        let mut l = Localized::default();
        l.set(Lang::Fi, fi);
        l.set(Lang::Sv, sv);
        l.set(Lang::En, en);
        l
    }

    /// A text in one language.
    pub fn one(lang: Lang, text: &str) -> Self {
        let mut l = Localized::default();
        l.set(lang, text);
        l
    }

    /// The text in exactly this language, without fallback.
    pub fn exact(&self, lang: Lang) -> Option<&str> {
        match lang {
            Lang::Fi => self.fi.as_deref(),
            Lang::Sv => self.sv.as_deref(),
            Lang::En => self.en.as_deref(),
        }
    }

    /// The text in `lang`, else in the first of fi, sv, en that exists.
    pub fn get(&self, lang: Lang) -> Option<&str> {
        self.get_with_lang(lang).map(|(_, t)| t)
    }

    /// Like [`Localized::get`], also telling which language was used.
    pub fn get_with_lang(&self, lang: Lang) -> Option<(Lang, &str)> {
        std::iter::once(lang)
            .chain(Lang::ALL)
            .find_map(|l| self.exact(l).map(|t| (l, t)))
    }

    /// Sets the text of one language; a blank text removes it.
    pub fn set(&mut self, lang: Lang, text: &str) {
        let text = text.trim();
        let value = (!text.is_empty()).then(|| text.to_string());
        match lang {
            Lang::Fi => self.fi = value,
            Lang::Sv => self.sv = value,
            Lang::En => self.en = value,
        }
    }

    /// True when no language has text.
    pub fn is_empty(&self) -> bool {
        self.fi.is_none() && self.sv.is_none() && self.en.is_none()
    }

    /// The languages that have text.
    pub fn langs(&self) -> Vec<Lang> {
        Lang::ALL
            .into_iter()
            .filter(|l| self.exact(*l).is_some())
            .collect()
    }

    /// Iterates over `(language, text)` pairs that exist.
    pub fn iter(&self) -> impl Iterator<Item = (Lang, &str)> {
        Lang::ALL
            .into_iter()
            .filter_map(|l| self.exact(l).map(|t| (l, t)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fallback_goes_requested_then_fi_sv_en() {
        let only_sv = Localized::one(Lang::Sv, "Bostadsbidrag");
        assert_eq!(only_sv.get(Lang::En), Some("Bostadsbidrag"));
        assert_eq!(
            only_sv.get_with_lang(Lang::Fi),
            Some((Lang::Sv, "Bostadsbidrag"))
        );
        let all = Localized::new("Asumistuki", "Bostadsbidrag", "Housing allowance");
        assert_eq!(all.get(Lang::En), Some("Housing allowance"));
        assert_eq!(Localized::default().get(Lang::Fi), None);
    }

    #[test]
    fn blank_text_is_missing() {
        let mut l = Localized::one(Lang::Fi, "  ");
        assert!(l.is_empty());
        l.set(Lang::En, " x ");
        assert_eq!(l.exact(Lang::En), Some("x"));
        assert_eq!(l.langs(), vec![Lang::En]);
    }

    #[test]
    fn lang_parses_case_insensitively_and_rejects_others() {
        assert_eq!("SV".parse::<Lang>(), Ok(Lang::Sv));
        assert!("de".parse::<Lang>().is_err());
    }
}
