//! Service text → sparse lexical features.
//!
//! The workbook the model learns from has a Finnish name and summary per service, so the
//! features are built from exactly those two fields: the terms of `aurora-search`'s analyzer
//! (Snowball stem, Finnish gradation keys, compound parts at half weight, places), weighted by
//! the analyzer, with name terms counted [`NAME_WEIGHT`] times, then TF-IDF over the training
//! vocabulary and scaled to unit length so a long summary does not outvote a short one.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use aurora_model::{CodeLists, Lang, Service};
use aurora_search::Analyzer;

use super::logreg::Row;

/// How much more a term of the name counts than a term of the summary: the name is the
/// densest statement of what a service is for (`Velkaneuvonta` says it all).
pub(crate) const NAME_WEIGHT: f32 = 2.0;

/// The text a relevance model reads: one language's name and summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceText {
    /// Language of the text (the analyzer used).
    pub lang: Lang,
    /// Name.
    pub name: String,
    /// Summary (may be empty).
    pub summary: String,
    /// Finnish class and life-event labels, read only for a service without a Finnish name
    /// (see [`ServiceText::of`]); empty otherwise.
    pub finnish_labels: String,
}

impl ServiceText {
    /// Finnish text.
    pub fn finnish(name: &str, summary: &str) -> Self {
        ServiceText {
            lang: Lang::Fi,
            name: name.to_string(),
            summary: summary.to_string(),
            finnish_labels: String::new(),
        }
    }

    /// The text of a catalogue service as the model reads it: the Finnish name and summary.
    ///
    /// The model was trained on Finnish, so a service without a Finnish name is read in the
    /// first language it has, plus the **Finnish labels of its service classes and life
    /// events**: those labels are the only Finnish words such a service
    /// carries, and they bridge it to the Finnish vocabulary (`Stöd för boende` in class P1.4
    /// gets `Asumisen tuet`).
    pub fn of(service: &Service) -> Self {
        let summary_in = |lang: Lang| service.summary.exact(lang).unwrap_or("").to_string();
        if let Some(name) = service.name.exact(Lang::Fi) {
            return ServiceText::finnish(name, &summary_in(Lang::Fi));
        }
        let (lang, name) = service
            .name
            .get_with_lang(Lang::Fi)
            .map(|(l, n)| (l, n.to_string()))
            .unwrap_or((Lang::Fi, String::new()));
        let codes = CodeLists::get();
        let finnish_labels = service
            .service_classes
            .iter()
            .filter_map(|c| codes.service_class(c.code.trim()).map(|c| &c.label))
            .chain(
                service
                    .life_events
                    .iter()
                    .filter_map(|e| codes.life_event(e.code.trim()).map(|e| &e.label)),
            )
            .filter_map(|l| l.exact(Lang::Fi))
            .collect::<Vec<_>>()
            .join(". ");
        ServiceText {
            lang,
            name,
            summary: summary_in(lang),
            finnish_labels,
        }
    }
}

fn analyzer(lang: Lang) -> &'static Analyzer {
    static ANALYZERS: OnceLock<[Analyzer; 3]> = OnceLock::new();
    let all = ANALYZERS.get_or_init(|| {
        [
            Analyzer::new(Lang::Fi),
            Analyzer::new(Lang::Sv),
            Analyzer::new(Lang::En),
        ]
    });
    &all[match lang {
        Lang::Fi => 0,
        Lang::Sv => 1,
        Lang::En => 2,
    }]
}

/// A term's weight in one text, and the words of the text that produced it.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct TermCount {
    pub weight: f32,
    /// `(normalised word, share of the weight)`: for explanations.
    pub words: Vec<(String, f32)>,
}

/// Analysed terms of a text, sorted by term.
pub(crate) fn analyze(text: &ServiceText) -> BTreeMap<String, TermCount> {
    let mut out: BTreeMap<String, TermCount> = BTreeMap::new();
    let parts = [
        (text.lang, &text.name, NAME_WEIGHT),
        (text.lang, &text.summary, 1.0),
        (Lang::Fi, &text.finnish_labels, 1.0),
    ];
    for (lang, part, factor) in parts {
        for t in analyzer(lang).analyze(part) {
            let w = t.weight * factor;
            let e = out.entry(t.text).or_default();
            e.weight += w;
            match e.words.iter_mut().find(|(word, _)| *word == t.word) {
                Some((_, share)) => *share += w,
                None => e.words.push((t.word, w)),
            }
        }
    }
    out
}

/// The lexical feature space: terms seen in training, with their inverse document frequency.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Vocabulary {
    pub terms: Vec<String>,
    pub idf: Vec<f32>,
    index: HashMap<String, u32>,
}

impl Vocabulary {
    /// Every term of the training documents that occurs in at least `min_df` of them, sorted;
    /// `idf = ln((1 + N) / (1 + df)) + 1` (smoothed, so no term gets zero weight).
    pub fn learn(docs: &[BTreeMap<String, TermCount>], min_df: usize) -> Self {
        let mut df: BTreeMap<&str, usize> = BTreeMap::new();
        for d in docs {
            for t in d.keys() {
                *df.entry(t.as_str()).or_default() += 1;
            }
        }
        let n = docs.len() as f32;
        let (terms, idf): (Vec<String>, Vec<f32>) = df
            .into_iter()
            .filter(|&(_, c)| c >= min_df)
            .map(|(t, c)| (t.to_string(), ((1.0 + n) / (1.0 + c as f32)).ln() + 1.0))
            .unzip();
        Vocabulary::new(terms, idf)
    }

    /// A vocabulary as stored.
    pub fn new(terms: Vec<String>, idf: Vec<f32>) -> Self {
        let index = terms
            .iter()
            .enumerate()
            .map(|(i, t)| (t.clone(), i as u32))
            .collect();
        Vocabulary { terms, idf, index }
    }

    pub fn len(&self) -> usize {
        self.terms.len()
    }

    pub fn get(&self, term: &str) -> Option<u32> {
        self.index.get(term).copied()
    }

    /// The unit-length TF-IDF row of an analysed text (unknown terms dropped).
    pub fn row(&self, doc: &BTreeMap<String, TermCount>) -> Row {
        let mut row: Row = doc
            .iter()
            .filter_map(|(t, c)| {
                self.get(t)
                    .map(|j| (j, c.weight.ln_1p() * self.idf[j as usize]))
            })
            .collect();
        row.sort_by_key(|&(j, _)| j);
        let norm = row.iter().map(|(_, v)| v * v).sum::<f32>().sqrt();
        if norm > 0.0 {
            row.iter_mut().for_each(|(_, v)| *v /= norm);
        }
        row
    }
}

/// Appends an embedding block after the lexical features, scaled to length `scale`.
pub(crate) fn with_embedding(mut row: Row, offset: usize, embedding: &[f32], scale: f32) -> Row {
    let norm = embedding.iter().map(|v| v * v).sum::<f32>().sqrt();
    if norm > 0.0 {
        row.extend(
            embedding
                .iter()
                .enumerate()
                .map(|(i, v)| ((offset + i) as u32, v / norm * scale)),
        );
    }
    row
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inflected_forms_share_features_and_rows_are_unit_length() {
        let docs: Vec<_> = [
            ServiceText::finnish("Asumistuki", "Tukea asumisen kuluihin."),
            ServiceText::finnish("Velkaneuvonta", "Apua velkojen hoitoon."),
        ]
        .iter()
        .map(analyze)
        .collect();
        let vocab = Vocabulary::learn(&docs, 1);
        let query = analyze(&ServiceText::finnish("Asumistuen hakeminen", ""));
        let row = vocab.row(&query);
        assert!(
            row.iter()
                .any(|&(j, _)| vocab.terms[j as usize] == "asumistu"),
            "{:?}",
            row.iter()
                .map(|&(j, _)| &vocab.terms[j as usize])
                .collect::<Vec<_>>()
        );
        let norm: f32 = row.iter().map(|(_, v)| v * v).sum();
        assert!((norm - 1.0).abs() < 1e-5);
        assert!(vocab
            .row(&analyze(&ServiceText::finnish("", "")))
            .is_empty());
    }

    #[test]
    fn name_terms_weigh_more_than_summary_terms() {
        let total = |t: BTreeMap<String, TermCount>| t.values().map(|c| c.weight).sum::<f32>();
        let in_name = total(analyze(&ServiceText::finnish("velkaneuvonta", "")));
        let in_summary = total(analyze(&ServiceText::finnish("", "velkaneuvonta")));
        assert!(in_summary > 0.0);
        assert!(
            (in_name / in_summary - NAME_WEIGHT).abs() < 1e-5,
            "{in_name} {in_summary}"
        );
    }

    #[test]
    fn a_service_without_finnish_reads_the_finnish_class_labels() {
        let s: Service = serde_json::from_value(serde_json::json!({
            "id": "s", "kind": "Service", "publishing_status": "Published",
            "area_type": "Nationwide",
            "name": {"sv": "Bostadsbidrag"},
            "summary": {"sv": "Stöd för boendekostnader."},
            "service_classes": [{"code": "P1.4"}]
        }))
        .unwrap();
        let text = ServiceText::of(&s);
        assert_eq!(text.lang, Lang::Sv);
        assert_eq!(text.name, "Bostadsbidrag");
        assert_eq!(text.finnish_labels, "Asumisen tuet");
        assert!(
            analyze(&text).contains_key("asumis"),
            "{:?}",
            analyze(&text).keys()
        );
    }
}
