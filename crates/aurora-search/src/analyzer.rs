//! The per-language analysis pipeline: text → weighted index terms.

use std::sync::Arc;

use aurora_model::Lang;
use rust_stemmers::{Algorithm, Stemmer};

use crate::compound::Vocabulary;
use crate::finnish::finnish_keys;
use crate::places::PlaceTable;
use crate::stopwords::is_stop_word;
use crate::text::{normalize, tokenize};

/// Weight of a compound part's terms relative to a whole word's: `tuki` alone matches a text
/// saying `tuki` better than one saying `asumistuki`.
pub const PART_WEIGHT: f32 = 0.5;

/// Share of a place name's weight kept by its ordinary terms (stem, keys); the place term
/// gets the rest.
const PLACE_WORD_WEIGHT: f32 = 0.5;

/// What produced a term.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TermKind {
    /// The Snowball stem of a word.
    Stem,
    /// A Finnish gradation key ([`finnish_keys`]).
    Key,
    /// A term of a compound part (its stem or key).
    Part,
    /// A municipality (`@tampere`), from any inflected or translated form of its name.
    Place,
    /// A number, kept as written.
    Number,
}

/// One analysed term.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    /// The index term.
    pub text: String,
    /// The normalised word of the input it came from.
    pub word: String,
    /// What produced it.
    pub kind: TermKind,
    /// Its weight: term frequency contribution in documents, importance in queries.
    pub weight: f32,
}

/// Turns text of one language into index terms.
///
/// For every word (after [normalisation](crate::normalize), [tokenisation](crate::tokenize)
/// and stop-word removal) it gives:
/// * the Snowball stem (`rust-stemmers`);
/// * in Finnish, the gradation key(s) ([`finnish_keys`]), so `asumistuen` meets `asumistuki`;
///   stem and keys share the word's weight;
/// * the terms of its compound parts at [`PART_WEIGHT`], if the [`Vocabulary`] splits it
///   (Finnish and Swedish);
/// * a place term if it is a form of a municipality name ([`PlaceTable`]), which takes half
///   of the word's weight.
///
/// ```
/// use aurora_search::Analyzer;
/// use aurora_model::Lang;
/// let fi = Analyzer::new(Lang::Fi);
/// let has = |text: &str, term: &str| fi.analyze(text).iter().any(|t| t.text == term);
/// assert!(has("Miten haen asumistukea?", "asumistu"));
/// assert!(has("asumistuen hakeminen", "asumistu"));
/// assert!(has("Muutan Tampereelle", "@tampere"));
/// assert!(!has("Miten haen asumistukea?", "miten")); // a stop word
/// ```
pub struct Analyzer {
    lang: Lang,
    stemmer: Stemmer,
    vocabulary: Arc<Vocabulary>,
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analyzer")
            .field("lang", &self.lang)
            .field("vocabulary_len", &self.vocabulary.len())
            .finish()
    }
}

impl Analyzer {
    /// An analyzer whose compound splitting knows the code-list vocabulary only.
    pub fn new(lang: Lang) -> Self {
        Analyzer::with_vocabulary(lang, Vocabulary::code_lists())
    }

    /// An analyzer splitting compounds with `vocabulary` (the index learns one from its
    /// corpus).
    pub fn with_vocabulary(lang: Lang, vocabulary: Arc<Vocabulary>) -> Self {
        let algorithm = match lang {
            Lang::Fi => Algorithm::Finnish,
            Lang::Sv => Algorithm::Swedish,
            Lang::En => Algorithm::English,
        };
        Analyzer {
            lang,
            stemmer: Stemmer::create(algorithm),
            vocabulary,
        }
    }

    /// The language.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// Analyses a text (stop words removed).
    pub fn analyze(&self, text: &str) -> Vec<Term> {
        let mut out = Vec::new();
        for word in tokenize(&normalize(text)) {
            if is_stop_word(self.lang, &word.text) {
                continue;
            }
            self.analyze_word(&word.text, word.joined, |text, kind, weight| {
                out.push(Term {
                    text,
                    word: word.text.clone(),
                    kind,
                    weight,
                });
            });
        }
        out
    }

    /// The distinct term texts of `text`, sorted: handy in tests and explanations.
    pub fn terms(&self, text: &str) -> Vec<String> {
        let mut t: Vec<String> = self.analyze(text).into_iter().map(|t| t.text).collect();
        t.sort();
        t.dedup();
        t
    }

    /// Analyses one (already normalised, non-stop) word, calling `emit(term, kind, weight)`
    /// once per distinct term.
    pub(crate) fn analyze_word(
        &self,
        w: &str,
        joined: bool,
        mut emit: impl FnMut(String, TermKind, f32),
    ) {
        if w.chars().all(|c| c.is_numeric()) {
            emit(w.to_string(), TermKind::Number, 1.0);
            return;
        }
        let mut terms: Vec<(String, TermKind, f32)> = Vec::with_capacity(6);
        let mut push =
            |terms: &mut Vec<(String, TermKind, f32)>, t: String, kind: TermKind, weight: f32| {
                // A stem equal to a key, or a part equal to the word, adds up (at most a whole word).
                match terms.iter_mut().find(|(x, _, _)| *x == t) {
                    Some(e) => e.2 = (e.2 + weight).min(1.0),
                    None => terms.push((t, kind, weight)),
                }
            };
        // A place name's weight goes half to the place term, half to its ordinary terms,
        // so "Naantalin uimahalli" weighs the place and the need equally.
        let places: Vec<&str> = PlaceTable::get().lookup(self.lang, w).collect();
        let word_weight = if places.is_empty() {
            1.0
        } else {
            PLACE_WORD_WEIGHT
        };
        self.word_terms(w, word_weight, TermKind::Stem, &mut terms, &mut push);
        for place in places {
            push(
                &mut terms,
                place.to_string(),
                TermKind::Place,
                1.0 - PLACE_WORD_WEIGHT,
            );
        }
        if !joined {
            if let Some(parts) = self.vocabulary.split(self.lang, w) {
                for p in parts {
                    self.word_terms(&p, PART_WEIGHT, TermKind::Part, &mut terms, &mut push);
                }
            }
        }
        for (t, kind, weight) in terms {
            emit(t, kind, weight);
        }
    }

    /// The stem (and in Finnish the keys) of one word, sharing `weight`.
    fn word_terms(
        &self,
        w: &str,
        weight: f32,
        kind: TermKind,
        terms: &mut Vec<(String, TermKind, f32)>,
        push: &mut impl FnMut(&mut Vec<(String, TermKind, f32)>, String, TermKind, f32),
    ) {
        let stem = self.stemmer.stem(w).into_owned();
        match self.lang {
            Lang::Fi => {
                let keys = finnish_keys(w);
                let share = weight / 2.0;
                let key_share = share / keys.len() as f32;
                let key_kind = if kind == TermKind::Part {
                    TermKind::Part
                } else {
                    TermKind::Key
                };
                push(terms, stem, kind, share);
                for k in keys {
                    push(terms, k, key_kind, key_share);
                }
            }
            Lang::Sv | Lang::En => push(terms, stem, kind, weight),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn shares_term(lang: Lang, a: &str, b: &str) -> bool {
        let an = Analyzer::new(lang);
        let (ta, tb) = (an.terms(a), an.terms(b));
        ta.iter().any(|t| tb.contains(t))
    }

    #[test]
    fn inflections_meet() {
        let rows = [
            (Lang::Fi, "asumistuki", "asumistukea"),
            (Lang::Fi, "asumistuki", "asumistuen"),
            (Lang::Fi, "Tampere", "Tampereelle"),
            (Lang::Fi, "Tampere", "Tampereella"),
            (Lang::Fi, "Turku", "Turussa"),
            (Lang::Fi, "verokortti", "verokortin"),
            (Lang::Sv, "bostadsbidrag", "bidrag"),
            (Lang::Sv, "kommun", "kommunens"),
            (Lang::Sv, "Tammerfors", "Tampere"),
            (Lang::En, "allowances", "allowance"),
            (Lang::En, "housing", "house"),
        ];
        for (lang, a, b) in rows {
            assert!(shares_term(lang, a, b), "{lang}: {a} / {b}");
        }
    }

    #[test]
    fn compound_parts_are_indexed() {
        let fi = Analyzer::new(Lang::Fi);
        let terms = fi.analyze("asumistuki");
        let part = terms
            .iter()
            .find(|t| t.kind == TermKind::Part && t.text == "tu");
        assert!(part.is_some(), "{terms:?}");
        assert!(shares_term(Lang::Fi, "asumistuki", "tuki"));
    }

    #[test]
    fn weights_of_a_word_sum_to_one() {
        let fi = Analyzer::new(Lang::Fi);
        let whole: f32 = fi
            .analyze("kunta")
            .iter()
            .filter(|t| t.kind != TermKind::Part)
            .map(|t| t.weight)
            .sum();
        assert!((whole - 1.0).abs() < 1e-6, "{whole}");
    }

    #[test]
    fn stop_words_and_numbers() {
        let en = Analyzer::new(Lang::En);
        assert_eq!(
            en.terms("How do I apply for the 2024 allowance"),
            ["2024", "allow", "appli"]
        );
    }
}
