//! The catalogue model: TF-IDF vectors of life events and service classes built at start-up
//! from what the catalogue gives for free.
//!
//! Each label gets one "document" of stemmed words, mixed over fi/sv/en:
//!
//! * its label in all three languages (weight [`LABEL_WEIGHT`]),
//! * for service classes, the description in all three languages and the labels of its
//!   sub-classes,
//! * weak supervision: the real services labelled with it (`data/nlu/weak.jsonl`, derived from
//!   `data/ptv` and `data/ptv-pilot` by `data/nlu/generate_weak.py`), at [`WEAK_WEIGHT`].
//!
//! Words are stemmed with the Snowball stemmer of their language. Finnish and Swedish
//! compounds are also split in two when both halves are catalogue words
//! (*työttömyysturva* → *työttömyys* + *turva*; *bostadsbidrag* → *bostad(s)* + *bidrag*), so
//! a query word can meet the head of a catalogue compound. A query is scored against every
//! document by cosine similarity through an inverted index.
//!
//! This model is the long tail: it knows all 228 classes but not how people talk. The cue
//! lexicon ([`crate::lexicon`]) carries colloquial words; the two are added in
//! [`crate::scoring`].

use std::collections::HashMap;

use aurora_model::{CodeLists, Lang};
use rust_stemmers::{Algorithm, Stemmer};
use serde::Deserialize;

use crate::lang::lang_index;

/// Labels are the most precise text a class has: three times a description word.
const LABEL_WEIGHT: f32 = 3.0;
/// One real service's text counts half as much as the catalogue's own description.
const WEAK_WEIGHT: f32 = 0.5;
/// A compound half counts half as much as a whole word.
const PART_WEIGHT: f32 = 0.5;

const WEAK_JSONL: &str = include_str!("../../../data/nlu/weak.jsonl");

#[derive(Deserialize)]
struct WeakRow {
    lang: Lang,
    text: String,
    #[serde(default)]
    classes: Vec<String>,
    #[serde(default)]
    life_events: Vec<String>,
}

/// Snowball stemmers for the three languages.
pub(crate) struct Stemmers([Stemmer; 3]);

impl std::fmt::Debug for Stemmers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Stemmers")
    }
}

impl Stemmers {
    pub fn new() -> Self {
        Stemmers([
            Stemmer::create(Algorithm::Finnish),
            Stemmer::create(Algorithm::Swedish),
            Stemmer::create(Algorithm::English),
        ])
    }

    pub fn stem(&self, lang: Lang, word: &str) -> String {
        self.0[lang_index(lang)].stem(word).into_owned()
    }
}

/// A stem with a language tag, so Swedish *bil* and a Finnish stem *bil* stay apart.
fn key(lang: Lang, stem: &str) -> String {
    format!("{}:{stem}", lang.code())
}

/// The inverted index over label documents.
#[derive(Debug)]
pub(crate) struct CatalogModel {
    stemmers: Stemmers,
    /// Feature → (document, tf-idf weight / document norm).
    postings: HashMap<String, Vec<(u16, f32)>>,
    /// Feature → idf, for weighting the query.
    idf: HashMap<String, f32>,
    /// Document index → label code.
    pub codes: Vec<String>,
}

/// Words the documents contain, for compound splitting.
struct Vocabulary<'a> {
    stems: &'a HashMap<String, f32>,
}

impl CatalogModel {
    /// Builds the model. `stop` says whether a lowercased word is a function word of a language.
    pub fn new(lists: &CodeLists, stop: &dyn Fn(&str, Lang) -> bool) -> Self {
        let stemmers = Stemmers::new();
        // (code, lang, text, weight) segments.
        let mut segments: Vec<(String, Lang, String, f32)> = Vec::new();
        for c in lists.service_classes() {
            for (lang, t) in c.label.iter() {
                segments.push((c.code.clone(), lang, t.to_string(), LABEL_WEIGHT));
                if let Some(parent) = &c.parent {
                    segments.push((parent.clone(), lang, t.to_string(), 1.0));
                }
            }
            for (lang, t) in c.description.iter() {
                segments.push((c.code.clone(), lang, t.to_string(), 1.0));
            }
        }
        for e in lists.life_events() {
            for (lang, t) in e.label.iter() {
                segments.push((e.code.clone(), lang, t.to_string(), LABEL_WEIGHT));
            }
        }
        for line in WEAK_JSONL.lines().filter(|l| !l.trim().is_empty()) {
            let Ok(row) = serde_json::from_str::<WeakRow>(line) else {
                continue;
            };
            for code in row.classes.iter().chain(&row.life_events) {
                segments.push((code.clone(), row.lang, row.text.clone(), WEAK_WEIGHT));
            }
        }

        let mut codes: Vec<String> = Vec::new();
        let mut doc_of: HashMap<String, usize> = HashMap::new();
        for (code, ..) in &segments {
            if !doc_of.contains_key(code) {
                doc_of.insert(code.clone(), codes.len());
                codes.push(code.clone());
            }
        }

        // Pass 1: plain stems, the vocabulary for compound splitting.
        let mut cache: HashMap<(Lang, String), String> = HashMap::new();
        let mut stem_cached = |lang: Lang, w: &str| -> String {
            cache
                .entry((lang, w.to_string()))
                .or_insert_with(|| stemmers.stem(lang, w))
                .clone()
        };
        let mut words_of: Vec<Vec<(Lang, String, f32, usize)>> = Vec::new();
        let mut vocab: HashMap<String, f32> = HashMap::new();
        for (code, lang, text, w) in &segments {
            let mut words = Vec::new();
            for t in crate::text::tokenize(text) {
                if t.text.chars().count() < 2 || t.is_number() || stop(&t.text, *lang) {
                    continue;
                }
                let s = stem_cached(*lang, &t.text);
                *vocab.entry(key(*lang, &s)).or_default() += 1.0;
                words.push((*lang, t.text, *w, doc_of[code]));
            }
            words_of.push(words);
        }

        // Pass 2: term frequencies with compound parts.
        let n_docs = codes.len();
        let mut tf: Vec<HashMap<String, f32>> = vec![HashMap::new(); n_docs];
        let mut split_cache: HashMap<(Lang, String), Vec<(String, f32)>> = HashMap::new();
        let v = Vocabulary { stems: &vocab };
        for words in &words_of {
            for (lang, word, w, doc) in words {
                let feats = split_cache
                    .entry((*lang, word.clone()))
                    .or_insert_with(|| features_with(&stemmers, &v, *lang, word));
                for (f, fw) in feats.iter() {
                    *tf[*doc].entry(f.clone()).or_default() += w * fw;
                }
            }
        }
        let mut df: HashMap<String, f32> = HashMap::new();
        for doc in &tf {
            for f in doc.keys() {
                *df.entry(f.clone()).or_default() += 1.0;
            }
        }
        let idf: HashMap<String, f32> = df
            .into_iter()
            .map(|(f, d)| (f, (n_docs as f32 / d).ln().max(0.0)))
            .collect();
        let mut postings: HashMap<String, Vec<(u16, f32)>> = HashMap::new();
        for (doc, terms) in tf.iter().enumerate() {
            let weights: Vec<(&String, f32)> = terms
                .iter()
                .map(|(f, c)| (f, (1.0 + c.ln().max(0.0)) * idf[f]))
                .filter(|(_, w)| *w > 0.0)
                .collect();
            let norm = weights.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
            if norm == 0.0 {
                continue;
            }
            for (f, w) in weights {
                postings
                    .entry(f.clone())
                    .or_default()
                    .push((doc as u16, w / norm));
            }
        }
        // Keep vocabulary for query-side compound splitting.
        let idf_kept = idf;
        CatalogModel {
            stemmers,
            postings,
            idf: idf_kept,
            codes,
        }
    }

    /// Features of one query word: its stem and, for long Finnish and Swedish words not in the
    /// vocabulary, the halves of a compound.
    fn query_features(&self, lang: Lang, word: &str) -> Vec<(String, f32)> {
        let stem = key(lang, &self.stemmers.stem(lang, word));
        if self.idf.contains_key(&stem) || !matches!(lang, Lang::Fi | Lang::Sv) {
            return vec![(stem, 1.0)];
        }
        let mut out = vec![(stem, 1.0)];
        if let Some((a, b)) =
            split_compound(&self.stemmers, &|k| self.idf.contains_key(k), lang, word)
        {
            out.push((a, PART_WEIGHT));
            out.push((b, PART_WEIGHT));
        }
        out
    }

    /// Cosine similarity of the query words with every document, indexed like [`Self::codes`].
    /// Words for which `skip` is true (function words) are ignored.
    pub fn score(&self, lang: Lang, words: &[&str], skip: &dyn Fn(&str) -> bool) -> Vec<f32> {
        let mut scores = vec![0.0f32; self.codes.len()];
        let mut q: HashMap<String, f32> = HashMap::new();
        for w in words {
            if w.chars().count() < 2 || w.bytes().all(|b| b.is_ascii_digit()) || skip(w) {
                continue;
            }
            for (f, fw) in self.query_features(lang, w) {
                if let Some(idf) = self.idf.get(&f) {
                    let e = q.entry(f).or_default();
                    *e = e.max(fw * idf);
                }
            }
        }
        let norm = q.values().map(|w| w * w).sum::<f32>().sqrt();
        if norm == 0.0 {
            return scores;
        }
        for (f, qw) in &q {
            if let Some(list) = self.postings.get(f) {
                for (doc, dw) in list {
                    scores[*doc as usize] += qw / norm * dw;
                }
            }
        }
        scores
    }
}

fn features_with(
    stemmers: &Stemmers,
    v: &Vocabulary,
    lang: Lang,
    word: &str,
) -> Vec<(String, f32)> {
    let mut out = vec![(key(lang, &stemmers.stem(lang, word)), 1.0)];
    if matches!(lang, Lang::Fi | Lang::Sv) {
        if let Some((a, b)) = split_compound(stemmers, &|k| v.stems.contains_key(k), lang, word) {
            out.push((a, PART_WEIGHT));
            out.push((b, PART_WEIGHT));
        }
    }
    out
}

/// Splits a compound into two known stems: the first split from the left where the left part
/// (at least 3 letters, optionally without a Swedish linking *s* or a Finnish genitive *n*)
/// and the right part (at least 4 letters) both stem to vocabulary entries.
fn split_compound(
    stemmers: &Stemmers,
    known: &dyn Fn(&str) -> bool,
    lang: Lang,
    word: &str,
) -> Option<(String, String)> {
    let chars: Vec<(usize, char)> = word.char_indices().collect();
    if chars.len() < 8 {
        return None;
    }
    for &(at, _) in &chars[3..chars.len() - 3] {
        let (left, right) = (&word[..at], &word[at..]);
        let right_key = key(lang, &stemmers.stem(lang, right));
        if !known(&right_key) {
            continue;
        }
        let mut lefts = vec![left];
        if let Some(l) = left.strip_suffix('s').filter(|_| lang == Lang::Sv) {
            lefts.push(l);
        }
        if let Some(l) = left.strip_suffix('n').filter(|_| lang == Lang::Fi) {
            lefts.push(l);
        }
        for l in lefts {
            let left_key = key(lang, &stemmers.stem(lang, l));
            if known(&left_key) {
                return Some((left_key, right_key));
            }
        }
    }
    None
}

impl CatalogModel {
    /// Indexes of the query words that contribute to document `doc`'s similarity.
    pub fn words_for(
        &self,
        lang: Lang,
        words: &[&str],
        doc: usize,
        skip: &dyn Fn(&str) -> bool,
    ) -> Vec<usize> {
        let mut out = Vec::new();
        for (i, w) in words.iter().enumerate() {
            if w.chars().count() < 2 || skip(w) {
                continue;
            }
            let hit = self.query_features(lang, w).iter().any(|(f, _)| {
                self.postings
                    .get(f)
                    .is_some_and(|list| list.iter().any(|(d, _)| *d as usize == doc))
            });
            if hit {
                out.push(i);
            }
        }
        out
    }
}
