//! Stop word lists for fi/sv/en, compiled in from `src/stopwords/*.txt`.
//!
//! The lists were written by hand for Aurora (see each file's header for the source and
//! licence note); they are matched after [`normalize`](crate::normalize), before stemming.

use rustc_hash::FxHashSet;
use std::sync::OnceLock;

use aurora_model::Lang;

const FI: &str = include_str!("stopwords/fi.txt");
const SV: &str = include_str!("stopwords/sv.txt");
const EN: &str = include_str!("stopwords/en.txt");

fn parse(src: &'static str) -> FxHashSet<&'static str> {
    src.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

fn lists() -> &'static [FxHashSet<&'static str>; 3] {
    static LISTS: OnceLock<[FxHashSet<&'static str>; 3]> = OnceLock::new();
    LISTS.get_or_init(|| [parse(FI), parse(SV), parse(EN)])
}

/// True when `word` (normalised) is a stop word of `lang`.
pub fn is_stop_word(lang: Lang, word: &str) -> bool {
    let i = match lang {
        Lang::Fi => 0,
        Lang::Sv => 1,
        Lang::En => 2,
    };
    lists()[i].contains(word)
}

/// True when `word` is a stop word in any of the three languages (used by `auto` queries).
pub fn is_stop_word_anywhere(word: &str) -> bool {
    lists().iter().any(|l| l.contains(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_parse_and_hold_no_content_words() {
        for (lang, stop, content) in [
            (Lang::Fi, "että", "tuki"),
            (Lang::Sv, "och", "bidrag"),
            (Lang::En, "the", "housing"),
        ] {
            assert!(is_stop_word(lang, stop), "{lang} {stop}");
            assert!(!is_stop_word(lang, content), "{lang} {content}");
        }
        // Words that matter in another language are not stop words anywhere.
        for w in ["man", "men", "help", "apply", "barn", "hem"] {
            assert!(!is_stop_word_anywhere(w), "{w}");
        }
        // Every entry is already normalised.
        for l in lists() {
            for w in l {
                assert_eq!(crate::normalize(w), *w);
            }
        }
    }
}
