//! Language identification for Finnish, Swedish and English, including one-word texts.
//!
//! Two sources of evidence are combined in log space:
//!
//! 1. `lingua`'s character n-gram models, restricted to the three languages (its models are
//!    compiled into the binary; nothing is downloaded);
//! 2. lexical evidence: tokens that are function words of a language (the lexicon's `[stop]`
//!    section), tokens that matched a cue of that language, and the letter *å* (Swedish).
//!
//! For texts of one to three words the n-gram statistics are thin ("asumistuki" and
//! "bostadsbidrag" are easy, "pension" is not), so lexical evidence weighs more there. A
//! `lang_hint` (the language of the user interface) is a prior, not an override: a Finnish
//! sentence typed into the Swedish interface is still Finnish.

use aurora_model::Lang;
use lingua::{Language, LanguageDetector, LanguageDetectorBuilder};
use serde::Serialize;

/// The detected language and how sure the detector is.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DetectedLanguage {
    /// The most likely language.
    pub code: Lang,
    /// Probability of [`DetectedLanguage::code`] among fi/sv/en, 0–1; near 0 for text without
    /// words or in another script, where `code` is only the hint or Finnish.
    pub confidence: f32,
}

/// Weight of the hint as a log-prior: the hinted language starts e^0.7 ≈ 2 times as likely,
/// enough to settle ties on one ambiguous word but not to outvote a clear sentence.
const HINT_PRIOR: f32 = 0.7;

pub(crate) struct LanguageIdentifier {
    detector: LanguageDetector,
}

impl std::fmt::Debug for LanguageIdentifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LanguageIdentifier")
    }
}

fn to_lang(l: Language) -> Option<Lang> {
    match l {
        Language::Finnish => Some(Lang::Fi),
        Language::Swedish => Some(Lang::Sv),
        Language::English => Some(Lang::En),
        #[allow(unreachable_patterns)]
        _ => None,
    }
}

pub(crate) fn lang_index(l: Lang) -> usize {
    match l {
        Lang::Fi => 0,
        Lang::Sv => 1,
        Lang::En => 2,
    }
}

impl LanguageIdentifier {
    pub fn new() -> Self {
        let detector = LanguageDetectorBuilder::from_languages(&[
            Language::Finnish,
            Language::Swedish,
            Language::English,
        ])
        .with_preloaded_language_models()
        .build();
        // The first detection initialises lingua's lazily built tables (a few milliseconds);
        // pay that here rather than on the first request.
        let _ = detector.compute_language_confidence_values("hei hej hello");
        LanguageIdentifier { detector }
    }

    /// Probabilities for fi, sv, en (in that order) from the n-gram models; all zero when the
    /// detector has no opinion (no letters).
    fn ngram(&self, text: &str) -> [f32; 3] {
        let mut p = [0.0f32; 3];
        for (l, c) in self.detector.compute_language_confidence_values(text) {
            if let Some(lang) = to_lang(l) {
                p[lang_index(lang)] = c as f32;
            }
        }
        p
    }

    /// Combines n-gram and lexical evidence. `lexical` counts evidence per language (fi, sv,
    /// en); `num_words` is the number of word tokens; `latin` the share of Latin letters.
    pub fn detect(
        &self,
        text: &str,
        lexical: [f32; 3],
        num_words: usize,
        latin: f32,
        hint: Option<Lang>,
    ) -> (DetectedLanguage, [f32; 3]) {
        let fallback = hint.unwrap_or(Lang::Fi);
        if num_words == 0 || latin < 0.2 {
            let mut probs = [0.0; 3];
            probs[lang_index(fallback)] = 1.0;
            return (
                DetectedLanguage {
                    code: fallback,
                    confidence: 0.0,
                },
                probs,
            );
        }
        // Long texts: the first 1,000 characters decide (n-gram cost grows with length).
        let sample = match text.char_indices().nth(1000) {
            Some((i, _)) => &text[..i],
            None => text,
        };
        let ngram = self.ngram(sample);
        let (w_ngram, w_lex) = if num_words <= 3 {
            (0.6, 1.6)
        } else {
            (1.0, 0.8)
        };
        let mut logit = [0.0f32; 3];
        for i in 0..3 {
            logit[i] = w_ngram * (ngram[i] + 0.02).ln() + w_lex * (1.0 + lexical[i]).ln();
        }
        if let Some(h) = hint {
            logit[lang_index(h)] += HINT_PRIOR;
        }
        let max = logit.iter().cloned().fold(f32::MIN, f32::max);
        let exp: Vec<f32> = logit.iter().map(|l| (l - max).exp()).collect();
        let sum: f32 = exp.iter().sum();
        let probs = [exp[0] / sum, exp[1] / sum, exp[2] / sum];
        let best = (0..3)
            .max_by(|&a, &b| probs[a].total_cmp(&probs[b]))
            .unwrap_or(0);
        let code = [Lang::Fi, Lang::Sv, Lang::En][best];
        // Text in other scripts: whatever Latin there is decides, with proportionally less
        // confidence.
        let confidence = probs[best] * latin.clamp(0.0, 1.0);
        (DetectedLanguage { code, confidence }, probs)
    }
}
