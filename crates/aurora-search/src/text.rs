//! Unicode normalisation and tokenisation, the same for every language.
//!
//! [`normalize`] applies NFC, lowercases, and strips diacritics **except** from å, ä and ö,
//! which are separate letters in Finnish and Swedish (`säästö` is not `saasto`, `år` is not
//! `ar`). `é`, `ü`, `š` lose their marks (`café` → `cafe`, `Müller` → `muller`); the Nordic
//! variants `ø` and `æ` fold to `ö` and `ä` so Norwegian and Danish spellings of names meet
//! the Swedish ones.
//!
//! [`tokenize`] splits normalised text into words:
//! * letters and digits form words; numbers stay whole (`0800`, `2019`);
//! * a hyphenated compound gives its parts **and** the joined word
//!   (`vuokra-asunto` → `vuokra`, `asunto`, `vuokraasunto`), so both spellings meet;
//! * a colon inside a word starts an inflection ending of an abbreviation, which is dropped
//!   (`EU:n`, `Kela:sta`, `PTV:s` → `eu`, `kela`, `ptv`);
//! * apostrophes and dots split (`child's` → `child`, `s`; `suomi.fi` → `suomi`, `fi`);
//! * single letters and words longer than [`MAX_WORD_CHARS`] are dropped.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Words longer than this (in characters) are dropped: they are URLs, identifiers or noise,
/// and would only bloat the dictionary.
pub const MAX_WORD_CHARS: usize = 40;

/// Normalises text for matching: NFC, lowercase, diacritics stripped except from å/ä/ö.
///
/// ```
/// use aurora_search::normalize;
/// assert_eq!(normalize("Café SÄÄSTÖ Åbo"), "cafe säästö åbo");
/// ```
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    if text.is_ascii() {
        out.push_str(text);
        out.make_ascii_lowercase();
        return out;
    }
    if unicode_normalization::is_nfc_quick(text.chars()) == unicode_normalization::IsNormalized::Yes
    {
        push_folded(&mut out, text.chars());
    } else {
        push_folded(&mut out, text.nfc());
    }
    out
}

fn push_folded(out: &mut String, chars: impl Iterator<Item = char>) {
    for c in chars {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
            continue;
        }
        for lc in c.to_lowercase() {
            match lc {
                'å' | 'ä' | 'ö' => out.push(lc),
                'ø' => out.push('ö'),
                'æ' => out.push('ä'),
                _ => out.extend(std::iter::once(lc).nfd().filter(|d| !is_combining_mark(*d))),
            }
        }
    }
}

/// A word found by [`tokenize`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The normalised word.
    pub text: String,
    /// True for the joined form of a hyphenated compound, whose parts were given separately
    /// (so compound splitting need not split it again).
    pub joined: bool,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Splits normalised text into words; see the module docs for the rules.
///
/// ```
/// use aurora_search::{normalize, tokenize};
/// let text = normalize("vuokra-asunto, EU:n tuki 0800");
/// let words: Vec<String> = tokenize(&text).into_iter().map(|w| w.text).collect();
/// assert_eq!(words, ["vuokra", "asunto", "vuokraasunto", "eu", "tuki", "0800"]);
/// ```
pub fn tokenize(normalized: &str) -> Vec<Word> {
    let mut out = Vec::new();
    for_each_word(normalized, |w, joined| {
        out.push(Word {
            text: w.to_string(),
            joined,
        })
    });
    out
}

/// [`tokenize`] without allocating: calls `f(word, joined)` for each word in order.
pub(crate) fn for_each_word(normalized: &str, mut f: impl FnMut(&str, bool)) {
    let bytes_len = normalized.len();
    let mut it = normalized.char_indices().peekable();
    let next_is = |at: usize, f: fn(char) -> bool| normalized[at..].chars().nth(1).is_some_and(f);
    // Byte ranges of the parts of the current hyphenated run.
    let mut parts: Vec<(usize, usize)> = Vec::new();
    let mut joined = String::new();
    while let Some(&(start, c)) = it.peek() {
        if !is_word_char(c) {
            it.next();
            continue;
        }
        parts.clear();
        let mut part_start = start;
        let mut end = bytes_len;
        while let Some(&(i, c)) = it.peek() {
            if is_word_char(c) {
                it.next();
                continue;
            }
            if c == '-' && i > part_start && next_is(i, is_word_char) {
                parts.push((part_start, i));
                it.next();
                part_start = i + 1;
                continue;
            }
            if c == ':' && i > part_start && next_is(i, char::is_alphabetic) {
                // `EU:n`, `Kela:lle`: skip the ending.
                end = i;
                it.next();
                while it.peek().is_some_and(|&(_, c)| is_word_char(c)) {
                    it.next();
                }
                break;
            }
            end = i;
            break;
        }
        if end > part_start {
            parts.push((part_start, end));
        }
        for &(a, b) in &parts {
            let w = &normalized[a..b];
            if keep(w) {
                f(w, false);
            }
        }
        if parts.len() > 1 {
            joined.clear();
            for &(a, b) in &parts {
                joined.push_str(&normalized[a..b]);
            }
            if keep(&joined) {
                f(&joined, true);
            }
        }
    }
}

/// Single letters and overlong words are dropped; single digits stay.
fn keep(w: &str) -> bool {
    let mut chars = w.chars();
    match (chars.next(), chars.next()) {
        (None, _) => false,
        (Some(c), None) => c.is_numeric(),
        _ => w.len() <= MAX_WORD_CHARS || w.chars().count() <= MAX_WORD_CHARS,
    }
}

/// True for the vowels of Finnish and Swedish spelling (a e i o u y ä ö å).
pub(crate) fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'ä' | 'ö' | 'å')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn words(text: &str) -> Vec<String> {
        tokenize(&normalize(text))
            .into_iter()
            .map(|w| w.text)
            .collect()
    }

    #[test]
    fn normalisation_table() {
        let rows = [
            ("ASUMISTUKI", "asumistuki"),
            ("Säästö", "säästö"),
            ("Åbo", "åbo"),
            ("café", "cafe"),
            ("Müller", "muller"),
            ("Tromsø", "tromsö"),
            ("Šakki", "sakki"),
            // Decomposed input (a + combining diaeresis) composes to ä, which is kept.
            ("pa\u{308}iva\u{308}", "päivä"),
        ];
        for (input, want) in rows {
            assert_eq!(normalize(input), want, "{input}");
        }
    }

    #[test]
    fn tokenisation_table() {
        let rows: [(&str, &[&str]); 8] = [
            ("Miten haen asumistukea?", &["miten", "haen", "asumistukea"]),
            ("vuokra-asunto", &["vuokra", "asunto", "vuokraasunto"]),
            ("EU:n ja Kela:n tuet", &["eu", "ja", "kela", "tuet"]),
            ("child's day-care", &["child", "day", "care", "daycare"]),
            (
                "Suomi.fi-valtuudet",
                &["suomi", "fi", "valtuudet", "fivaltuudet"],
            ),
            ("puh. 0800 12 345, 5 €", &["puh", "0800", "12", "345", "5"]),
            ("a b c", &[]),
            ("-alku loppu-", &["alku", "loppu"]),
        ];
        for (input, want) in rows {
            assert_eq!(words(input), want, "{input}");
        }
    }

    #[test]
    fn overlong_words_are_dropped() {
        let long = "x".repeat(MAX_WORD_CHARS + 1);
        assert!(words(&long).is_empty());
    }
}
