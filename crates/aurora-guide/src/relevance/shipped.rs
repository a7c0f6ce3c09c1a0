//! The trained models shipped with Aurora (`data/guide/relevance-*.json`), compiled in.

use std::sync::OnceLock;

use super::RelevanceModel;

/// The lexical model as committed.
pub(crate) const LEXICAL_JSON: &str = include_str!("../../../../data/guide/relevance-lexical.json");
/// The lexical + E5 model as committed.
pub(crate) const E5_JSON: &str = include_str!("../../../../data/guide/relevance-e5.json");

// The committed files are checked by unit tests; failing to parse them is a build defect,
// not bad input.
impl RelevanceModel {
    /// The shipped lexical model (parsed once): reads the Finnish name and summary.
    pub fn lexical() -> &'static RelevanceModel {
        static MODEL: OnceLock<RelevanceModel> = OnceLock::new();
        MODEL.get_or_init(|| {
            RelevanceModel::from_json(LEXICAL_JSON)
                .expect("data/guide/relevance-lexical.json is a valid model")
        })
    }

    /// The shipped E5 model (parsed once): the lexical features plus the service's
    /// multilingual-e5-small passage vector (`aurora_embed::passage_text`), which it needs
    /// for every prediction. Better than [`RelevanceModel::lexical`] on every dimension
    /// (held-out mean ROC AUC 0.891 against 0.820), and the only one that reads services
    /// without Finnish text.
    pub fn e5() -> &'static RelevanceModel {
        static MODEL: OnceLock<RelevanceModel> = OnceLock::new();
        MODEL.get_or_init(|| {
            RelevanceModel::from_json(E5_JSON)
                .expect("data/guide/relevance-e5.json is a valid model")
        })
    }
}
