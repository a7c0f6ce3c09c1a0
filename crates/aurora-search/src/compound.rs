//! Compound splitting for Finnish and Swedish, from a vocabulary learned from the corpus.
//!
//! Finnish and Swedish write compounds as one word: `asumistuki` (housing + support),
//! `päivähoitopaikka` (day + care + place), `bostadsbidrag` (housing + allowance). A query
//! for `tuki` should find `asumistuki`, and `daghem` should meet `barndagvård` on `dag`.
//!
//! [`Vocabulary`] counts the words of the indexed texts and of the code-list labels (class,
//! life-event and target-group labels and class descriptions in fi/sv), by Finnish gradation
//! key ([`finnish_keys`](crate::finnish_keys)) or Swedish Snowball stem, so inflected parts
//! count (`asumistuen` → `tuen` is known because `tuki` is). [`Vocabulary::split`] then
//! tries every split of a long word into two or three parts of at least three letters, keeps
//! those whose parts are all known, and picks the one with the highest geometric mean of part
//! counts (Koehn and Knight's frequency method): frequent parts win, so `päivähoitopaikka`
//! splits into `päivä + hoito + paikka` rather than `päivähoito + paikka`. Swedish
//! non-final parts may end in the linking `s` (`bostads` → `bostad`).
//!
//! # Where it stops working
//!
//! * Parts must be words of the vocabulary: with a prefix that never stands alone, such as
//!   `esi-` in `esiopetus` (pre-school education), the word is **not** split, so `opetus`
//!   alone does not find it. The same holds for parts that occur in no indexed text.
//! * At most [`MAX_PARTS`] parts; a part that would exceed them stays whole.
//! * A word at least as frequent as its best parts stays whole: in a corpus that says
//!   `päivähoito` more often than `päivä`, `päivähoitopaikka` gives `päivähoito + paikka`.
//! * A frequent short word can make a false split where the word is not a compound at all;
//!   two-letter keys need a part of at least four letters to limit this.
//! * English compounds are written apart and are not split.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use aurora_model::{CodeLists, Lang};
use rust_stemmers::{Algorithm, Stemmer};

use crate::finnish::finnish_keys;
use crate::stopwords::is_stop_word;
use crate::text::{normalize, tokenize};

/// Shortest compound part, in characters.
const MIN_PART: usize = 3;
/// Shortest word worth splitting, per language (Finnish parts are longer on average).
const MIN_SPLIT_FI: usize = 7;
const MIN_SPLIT_SV: usize = 6;
/// Most parts a word is split into.
pub const MAX_PARTS: usize = 4;

/// Words seen in the indexed texts and the code lists, by language, with counts.
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    fi: HashMap<String, u32>,
    sv: HashMap<String, u32>,
}

fn sv_stemmer() -> &'static Stemmer {
    static S: OnceLock<Stemmer> = OnceLock::new();
    S.get_or_init(|| Stemmer::create(Algorithm::Swedish))
}

impl Vocabulary {
    /// An empty vocabulary: nothing is split.
    pub fn empty() -> Self {
        Vocabulary::default()
    }

    /// The vocabulary of the built-in code lists (labels of service classes, life events and
    /// target groups, and class descriptions, in Finnish and Swedish), shared and built once.
    pub fn code_lists() -> Arc<Vocabulary> {
        static V: OnceLock<Arc<Vocabulary>> = OnceLock::new();
        V.get_or_init(|| {
            let mut v = Vocabulary::empty();
            v.learn_code_lists();
            Arc::new(v)
        })
        .clone()
    }

    /// Adds the code-list labels and class descriptions.
    pub fn learn_code_lists(&mut self) {
        let codes = CodeLists::get();
        for lang in [Lang::Fi, Lang::Sv] {
            for c in codes.service_classes() {
                if let Some(t) = c.label.exact(lang) {
                    self.learn(lang, t);
                }
                if let Some(t) = c.description.exact(lang) {
                    self.learn(lang, t);
                }
            }
            for c in codes.life_events().iter().chain(codes.target_groups()) {
                if let Some(t) = c.label.exact(lang) {
                    self.learn(lang, t);
                }
            }
        }
    }

    /// Counts the words of `text` (in `lang`; English is ignored: it is not split).
    pub fn learn(&mut self, lang: Lang, text: &str) {
        let mut counts: HashMap<String, u32> = HashMap::new();
        for w in tokenize(&normalize(text)) {
            if !w.joined {
                *counts.entry(w.text).or_default() += 1;
            }
        }
        self.learn_counts(lang, &counts);
    }

    /// Adds normalised words with their counts (stop words, short words and words with
    /// digits are skipped).
    pub fn learn_counts<S: std::hash::BuildHasher>(
        &mut self,
        lang: Lang,
        counts: &HashMap<String, u32, S>,
    ) {
        for (w, &c) in counts {
            if w.chars().count() < MIN_PART
                || is_stop_word(lang, w)
                || w.chars().any(|c| !c.is_alphabetic())
            {
                continue;
            }
            match lang {
                Lang::Fi => {
                    for k in finnish_keys(w) {
                        *self.fi.entry(k).or_default() += c;
                    }
                }
                Lang::Sv => {
                    *self
                        .sv
                        .entry(sv_stemmer().stem(w).into_owned())
                        .or_default() += c
                }
                Lang::En => {}
            }
        }
    }

    /// Adds every count of `other`.
    pub fn merge(&mut self, other: &Vocabulary) {
        for (k, v) in &other.fi {
            *self.fi.entry(k.clone()).or_default() += v;
        }
        for (k, v) in &other.sv {
            *self.sv.entry(k.clone()).or_default() += v;
        }
    }

    /// Number of distinct keys (fi) and stems (sv).
    pub fn len(&self) -> usize {
        self.fi.len() + self.sv.len()
    }

    /// True when nothing was learned.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How often a candidate part was seen (0 if unknown or too short).
    fn part_count(&self, lang: Lang, part: &str, len: usize) -> u32 {
        if len < MIN_PART || is_stop_word(lang, part) {
            return 0;
        }
        match lang {
            Lang::Fi => finnish_keys(part)
                .iter()
                .filter(|k| k.chars().count() >= 3 || len >= 4)
                .filter_map(|k| self.fi.get(k))
                .copied()
                .max()
                .unwrap_or(0),
            Lang::Sv => self
                .sv
                .get(sv_stemmer().stem(part).as_ref())
                .copied()
                .unwrap_or(0),
            Lang::En => 0,
        }
    }

    /// Splits a normalised word into known parts, or `None`.
    ///
    /// The best split into two or three parts is kept only if its parts are, on geometric
    /// average, at least as frequent as the whole word (so the frequent `palvelu` is not cut
    /// into the rare `pal + velu`); each part is then split again the same way, up to
    /// [`MAX_PARTS`] parts.
    ///
    /// ```
    /// use aurora_search::Vocabulary;
    /// use aurora_model::Lang;
    /// let mut v = Vocabulary::empty();
    /// v.learn(Lang::Fi, "päivä päivä hoito hoito paikka tuki asumisen");
    /// assert_eq!(v.split(Lang::Fi, "päivähoitopaikka").unwrap(), ["päivä", "hoito", "paikka"]);
    /// assert_eq!(v.split(Lang::Fi, "asumistuen").unwrap(), ["asumis", "tuen"]);
    /// assert_eq!(v.split(Lang::Fi, "esiopetus"), None);
    /// ```
    pub fn split(&self, lang: Lang, word: &str) -> Option<Vec<String>> {
        if lang == Lang::En {
            return None;
        }
        let mut leaves = Vec::new();
        self.split_into(lang, word, &mut leaves, MAX_PARTS);
        (leaves.len() > 1).then_some(leaves)
    }

    /// Appends the leaves of `word` to `leaves`, at most `budget` of them.
    fn split_into(&self, lang: Lang, word: &str, leaves: &mut Vec<String>, budget: usize) {
        let chars: Vec<char> = word.chars().collect();
        let whole = f64::from(self.part_count(lang, word, chars.len())).ln();
        match self.best_split(lang, &chars) {
            Some((score, parts)) if budget >= parts.len() && score >= whole => {
                let mut extra = budget - parts.len();
                for p in &parts {
                    let before = leaves.len();
                    self.split_into(lang, p, leaves, 1 + extra);
                    extra -= leaves.len() - before - 1;
                }
            }
            _ => leaves.push(word.to_string()),
        }
    }

    /// The best split of `chars` into two or three known parts: (mean log count, parts).
    fn best_split(&self, lang: Lang, chars: &[char]) -> Option<(f64, Vec<String>)> {
        let min = match lang {
            Lang::Fi => MIN_SPLIT_FI,
            Lang::Sv => MIN_SPLIT_SV,
            Lang::En => return None,
        };
        let n = chars.len();
        if n < min || chars.iter().any(|c| !c.is_alphabetic()) {
            return None;
        }
        let mut cache: HashMap<(usize, usize, bool), (u32, String)> = HashMap::new();
        // (count, emitted part) of chars[a..b]; non-final Swedish parts may drop a linking s.
        let mut part = |a: usize, b: usize, last: bool| -> (u32, String) {
            cache
                .entry((a, b, last))
                .or_insert_with(|| {
                    if !last && lang == Lang::Sv && chars[b - 1] == 's' {
                        let unlinked: String = chars[a..b - 1].iter().collect();
                        let c = self.part_count(lang, &unlinked, b - a - 1);
                        if c > 0 {
                            return (c, unlinked);
                        }
                    }
                    let s: String = chars[a..b].iter().collect();
                    (self.part_count(lang, &s, b - a), s)
                })
                .clone()
        };
        let mut best: Option<(f64, usize, usize, Vec<String>)> = None;
        let mut consider = |parts: Vec<(u32, String)>, last_len: usize| {
            if parts.iter().any(|(c, _)| *c == 0) {
                return;
            }
            let score =
                parts.iter().map(|(c, _)| f64::from(*c).ln()).sum::<f64>() / parts.len() as f64;
            let cand = (
                score,
                usize::MAX - parts.len(),
                last_len,
                parts.into_iter().map(|(_, s)| s).collect(),
            );
            let better = match &best {
                None => true,
                Some(b) => (cand.0, cand.1, cand.2) > (b.0, b.1, b.2),
            };
            if better {
                best = Some(cand);
            }
        };
        for i in MIN_PART..=n.saturating_sub(MIN_PART) {
            let p1 = part(0, i, false);
            if p1.0 == 0 {
                continue;
            }
            let last = part(i, n, true);
            consider(vec![p1.clone(), last], n - i);
            for j in (i + MIN_PART)..=n.saturating_sub(MIN_PART) {
                let p2 = part(i, j, false);
                if p2.0 == 0 {
                    continue;
                }
                let last = part(j, n, true);
                consider(vec![p1.clone(), p2, last], n - j);
            }
        }
        best.map(|b| (b.0, b.3))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab() -> Vocabulary {
        let mut v = Vocabulary::empty();
        v.learn_code_lists();
        v.learn(Lang::Fi, "Päivä alkaa. Joka päivä. Hoito on tärkeää. Paikka löytyy. Tuki maksetaan. Uimahalli ja halli.");
        v.learn(Lang::Sv, "Barn och dag. En bostad. Ett hem. Vård.");
        v
    }

    #[test]
    fn splits_table() {
        let v = vocab();
        let rows: [(Lang, &str, &[&str]); 6] = [
            (Lang::Fi, "asumistuki", &["asumis", "tuki"]),
            (Lang::Fi, "asumistuen", &["asumis", "tuen"]),
            (Lang::Fi, "päivähoitopaikka", &["päivä", "hoito", "paikka"]),
            (Lang::Sv, "bostadsbidrag", &["bostad", "bidrag"]),
            (Lang::Sv, "daghem", &["dag", "hem"]),
            // `dagvård` is more frequent in the class descriptions than `dag`: it stays whole.
            (Lang::Sv, "barndagvård", &["barn", "dagvård"]),
        ];
        for (lang, word, want) in rows {
            let got = v.split(lang, word);
            let got: Option<Vec<&str>> =
                got.as_ref().map(|p| p.iter().map(String::as_str).collect());
            assert_eq!(got.as_deref(), Some(want), "{lang} {word}");
        }
    }

    #[test]
    fn where_it_stops() {
        let v = vocab();
        // `esi-` is no word of its own: not split.
        assert_eq!(v.split(Lang::Fi, "esiopetus"), None);
        // Not compounds.
        for w in ["palvelu", "kirjasto", "hakemus", "kuntoutus"] {
            assert_eq!(v.split(Lang::Fi, w), None, "{w}");
        }
        // English is never split; short words are not tried.
        assert_eq!(v.split(Lang::En, "daycarecentre"), None);
        assert_eq!(v.split(Lang::Fi, "tukea"), None);
    }
}
