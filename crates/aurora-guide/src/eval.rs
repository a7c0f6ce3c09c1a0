//! Offline evaluation of guidance quality: the learned 3X10D relevance on held-out labelled
//! services, and text search on a graded query set.
//!
//! * [`evaluate_relevance`]: per-dimension ROC AUC and precision@10 of a
//!   [`RelevanceModel`] on the held-out part of the label workbook.
//! * [`evaluate_search`]: nDCG@10 (also MRR@10 and recall@10) per query language on
//!   `data/guide/search-devset.jsonl` ([`bundled_search_devset`]): 83 fi/sv/en queries
//!   written against the bundled catalogue with graded judgements (2 = the right service,
//!   1 = acceptable); 34 of the 48 Swedish and English ones ask for Finnish-only services
//!   (see `data/guide/README.md`).
//!
//! The metric functions ([`roc_auc`], [`precision_at_k`], [`ndcg_at_k`]) are public so that
//! other evaluations report the same numbers. `aurora eval` prints these reports and checks
//! them against `data/guide/floors.json`.

use std::collections::BTreeMap;
use std::fmt;

use aurora_embed::Embedder;
use aurora_model::{Dimension, Lang};
use aurora_search::{Query, SearchIndex, SearchMode, VectorScorer};
use serde::Deserialize;

use crate::relevance::{
    embed_examples, split, DimensionMetrics, RelevanceError, RelevanceModel, Result, Split,
    TrainingExample,
};

/// ROC AUC of `scores` against binary `labels`: the probability that a random positive
/// scores above a random negative, **ties counting half** (the Mann–Whitney statistic with
/// average ranks). `None` without at least one positive and one negative.
pub fn roc_auc(scores: &[f64], labels: &[bool]) -> Option<f64> {
    let pos = labels.iter().filter(|&&l| l).count();
    let neg = labels.len() - pos;
    if pos == 0 || neg == 0 {
        return None;
    }
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    // Sum of the (1-based, tie-averaged) ranks of the positives.
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && scores[order[j + 1]] == scores[order[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        rank_sum += avg * order[i..=j].iter().filter(|&&k| labels[k]).count() as f64;
        i = j + 1;
    }
    let (p, n) = (pos as f64, neg as f64);
    Some((rank_sum - p * (p + 1.0) / 2.0) / (p * n))
}

/// Share of positives among the `k` best-scored items (all items if fewer), ties broken by
/// input order; 0 for no items.
pub fn precision_at_k(scores: &[f64], labels: &[bool], k: usize) -> f64 {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
    let top = k.min(order.len());
    if top == 0 {
        return 0.0;
    }
    order[..top].iter().filter(|&&i| labels[i]).count() as f64 / top as f64
}

/// nDCG@k of a ranking against graded judgements: gain `2^grade − 1`, discount
/// `log2(rank + 1)`, normalised by the ideal ordering of all judged items. Unjudged items
/// gain nothing. `None` when nothing is judged relevant.
pub fn ndcg_at_k(ranked: &[&str], judged: &BTreeMap<String, u8>, k: usize) -> Option<f64> {
    let gain = |g: u8| 2f64.powi(i32::from(g)) - 1.0;
    let discount = |i: usize| (i as f64 + 2.0).log2();
    let dcg: f64 = ranked
        .iter()
        .take(k)
        .enumerate()
        .map(|(i, id)| judged.get(*id).map_or(0.0, |&g| gain(g)) / discount(i))
        // fold from +0.0: `sum` of nothing is -0.0, printed as "-0.00".
        .fold(0.0, |a, b| a + b);
    let mut ideal: Vec<u8> = judged.values().copied().filter(|&g| g > 0).collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let idcg: f64 = ideal
        .iter()
        .take(k)
        .enumerate()
        .map(|(i, &g)| gain(g) / discount(i))
        .sum();
    (idcg > 0.0).then(|| dcg / idcg)
}

/// Per-dimension metrics of scores against labels (both in [`Dimension::ALL`] order).
pub fn dimension_metrics(scores: &[[f32; 10]], labels: &[[bool; 10]]) -> Vec<DimensionMetrics> {
    Dimension::ALL
        .into_iter()
        .enumerate()
        .map(|(i, dimension)| {
            let s: Vec<f64> = scores.iter().map(|v| f64::from(v[i])).collect();
            let y: Vec<bool> = labels.iter().map(|l| l[i]).collect();
            DimensionMetrics {
                dimension,
                examples: y.len(),
                positives: y.iter().filter(|&&v| v).count(),
                auc: roc_auc(&s, &y),
                precision_at_10: precision_at_k(&s, &y, 10),
            }
        })
        .collect()
}

/// Mean of the defined ROC AUCs (0 if none is defined).
pub fn mean_auc(metrics: &[DimensionMetrics]) -> f64 {
    let v: Vec<f64> = metrics.iter().filter_map(|d| d.auc).collect();
    if v.is_empty() {
        0.0
    } else {
        v.iter().sum::<f64>() / v.len() as f64
    }
}

/// A relevance model's quality on the held-out examples.
#[derive(Debug, Clone, PartialEq)]
pub struct RelevanceReport {
    /// The model's name.
    pub model: String,
    /// Held-out examples scored.
    pub examples: usize,
    /// Per dimension, in API order.
    pub dimensions: Vec<DimensionMetrics>,
}

impl RelevanceReport {
    /// Mean ROC AUC over the dimensions that have one.
    pub fn mean_auc(&self) -> f64 {
        mean_auc(&self.dimensions)
    }

    /// Mean precision@10 over the dimensions.
    pub fn mean_precision_at_10(&self) -> f64 {
        let n = self.dimensions.len().max(1) as f64;
        self.dimensions
            .iter()
            .map(|d| d.precision_at_10)
            .sum::<f64>()
            / n
    }
}

impl fmt::Display for RelevanceReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "  {:<26} {:>4} {:>4} {:>7} {:>6}",
            "dimension", "n", "pos", "ROC AUC", "P@10"
        )?;
        for d in &self.dimensions {
            let auc = d.auc.map_or("-".to_string(), |a| format!("{a:.3}"));
            writeln!(
                f,
                "  {:<26} {:>4} {:>4} {:>7} {:>6.2}",
                d.dimension.key(),
                d.examples,
                d.positives,
                auc,
                d.precision_at_10
            )?;
        }
        writeln!(
            f,
            "  {:<26} {:>4} {:>4} {:>7.3} {:>6.2}",
            "mean",
            self.examples,
            "",
            self.mean_auc(),
            self.mean_precision_at_10()
        )
    }
}

/// Scores the held-out part ([`split`]) of `examples` with `model` and measures it.
///
/// A model with an embedding block needs `embedder`, the model it was trained with: the
/// held-out examples are embedded as training embedded them ([`embed_examples`]).
///
/// # Errors
/// [`RelevanceError::Embedding`] when the model needs an embedder that is not given, is a
/// different model, or fails.
pub fn evaluate_relevance(
    model: &RelevanceModel,
    examples: &[TrainingExample],
    embedder: Option<&dyn Embedder>,
) -> Result<RelevanceReport> {
    let parts = split(examples);
    let held: Vec<TrainingExample> = examples
        .iter()
        .zip(&parts)
        .filter(|(_, p)| **p == Split::HeldOut)
        .map(|(e, _)| e.clone())
        .collect();
    let vectors = match (model.embedding(), embedder) {
        (None, _) => None,
        (Some(spec), None) => {
            return Err(RelevanceError::Embedding {
                reason: format!(
                    "model {:?} reads {} vectors: an embedder is needed",
                    model.name(),
                    spec.model_id
                ),
            })
        }
        (Some(spec), Some(e)) if e.model_id() != spec.model_id => {
            return Err(RelevanceError::Embedding {
                reason: format!(
                    "model {:?} was trained on {} vectors, the embedder is {}",
                    model.name(),
                    spec.model_id,
                    e.model_id()
                ),
            })
        }
        (Some(_), Some(e)) => Some(embed_examples(e, &held)?.vectors),
    };
    let mut scores = Vec::with_capacity(held.len());
    for (i, e) in held.iter().enumerate() {
        let v = vectors.as_ref().and_then(|v| v.get(i)).map(Vec::as_slice);
        scores.push(model.predict_text(&e.text, v)?);
    }
    let labels: Vec<[bool; 10]> = held.iter().map(|e| e.labels).collect();
    Ok(RelevanceReport {
        model: model.name().to_string(),
        examples: scores.len(),
        dimensions: dimension_metrics(&scores, &labels),
    })
}

/// One judged query of the search development set.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchQuery {
    /// Stable id, e.g. `sv-07`.
    pub id: String,
    /// The query language (the analyzer used).
    pub lang: Lang,
    /// What a person would type.
    pub query: String,
    /// Judged services: id → grade (2 = the right service, 1 = acceptable).
    pub relevant: BTreeMap<String, u8>,
    /// True when the relevant services have no text in the query's language.
    #[serde(default)]
    pub cross_lingual: bool,
    /// Why these judgements (for the reader).
    #[serde(default)]
    pub note: Option<String>,
}

/// The search development set compiled in.
const DEVSET: &str = include_str!("../../../data/guide/search-devset.jsonl");

/// A line of a development set that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("search development set, line {line}: {reason}")]
pub struct DevSetError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub reason: String,
}

/// Parses a development set: one JSON [`SearchQuery`] per line; blank lines are skipped.
/// Every query needs text, at least one judgement, grades 1 or 2, and a unique id.
pub fn parse_search_devset(text: &str) -> std::result::Result<Vec<SearchQuery>, DevSetError> {
    let mut out: Vec<SearchQuery> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let err = |reason: String| DevSetError {
            line: i + 1,
            reason,
        };
        if line.trim().is_empty() {
            continue;
        }
        let q: SearchQuery = serde_json::from_str(line).map_err(|e| err(e.to_string()))?;
        if q.query.trim().is_empty() {
            return Err(err(format!("query {:?} has no text", q.id)));
        }
        if q.relevant.is_empty() {
            return Err(err(format!("query {:?} judges no service", q.id)));
        }
        if let Some((id, g)) = q.relevant.iter().find(|(_, g)| !(1..=2).contains(*g)) {
            return Err(err(format!(
                "query {:?}: grade {g} for {id} (expected 1 or 2)",
                q.id
            )));
        }
        if out.iter().any(|o| o.id == q.id) {
            return Err(err(format!("duplicate query id {:?}", q.id)));
        }
        out.push(q);
    }
    Ok(out)
}

/// The compiled-in `data/guide/search-devset.jsonl`.
pub fn bundled_search_devset() -> Vec<SearchQuery> {
    // Checked by a unit test; an invalid committed file is a build defect, not input.
    parse_search_devset(DEVSET).unwrap_or_default()
}

/// Metrics of one group of queries.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SearchMetrics {
    /// Queries.
    pub queries: usize,
    /// Mean nDCG@10.
    pub ndcg_at_10: f64,
    /// Mean reciprocal rank of the first judged service within the top 10.
    pub mrr_at_10: f64,
    /// Mean share of the judged services found in the top 10.
    pub recall_at_10: f64,
}

/// One query's outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryOutcome {
    /// The query's id.
    pub id: String,
    /// Its language.
    pub lang: Lang,
    /// Whether it is cross-lingual.
    pub cross_lingual: bool,
    /// nDCG@10.
    pub ndcg_at_10: f64,
    /// Reciprocal rank of the first judged service (0 if none in the top 10).
    pub reciprocal_rank: f64,
    /// Share of judged services in the top 10.
    pub recall_at_10: f64,
    /// Whether the search used vectors.
    pub hybrid: bool,
}

/// Search quality on a development set.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchReport {
    /// Per query, in set order.
    pub queries: Vec<QueryOutcome>,
    /// Judged ids that are not in the index (a broken development set or a different
    /// catalogue): their queries cannot reach a perfect score.
    pub missing_ids: Vec<String>,
}

impl SearchReport {
    /// Metrics of the queries that pass `keep`.
    pub fn metrics(&self, keep: impl Fn(&QueryOutcome) -> bool) -> SearchMetrics {
        let q: Vec<&QueryOutcome> = self.queries.iter().filter(|q| keep(q)).collect();
        let n = q.len();
        let mean = |f: &dyn Fn(&QueryOutcome) -> f64| {
            if n == 0 {
                0.0
            } else {
                q.iter().map(|x| f(x)).sum::<f64>() / n as f64
            }
        };
        SearchMetrics {
            queries: n,
            ndcg_at_10: mean(&|x| x.ndcg_at_10),
            mrr_at_10: mean(&|x| x.reciprocal_rank),
            recall_at_10: mean(&|x| x.recall_at_10),
        }
    }

    /// Metrics of one language (`None`: all queries).
    pub fn by_lang(&self, lang: Option<Lang>) -> SearchMetrics {
        self.metrics(|q| lang.is_none_or(|l| q.lang == l))
    }

    /// Metrics of the cross-lingual queries.
    pub fn cross_lingual(&self) -> SearchMetrics {
        self.metrics(|q| q.cross_lingual)
    }

    /// Queries answered with vectors.
    pub fn hybrid_queries(&self) -> usize {
        self.queries.iter().filter(|q| q.hybrid).count()
    }
}

impl fmt::Display for SearchReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "  {:<14} {:>4} {:>8} {:>7} {:>10}",
            "queries", "n", "nDCG@10", "MRR@10", "recall@10"
        )?;
        let rows = [
            ("fi", self.by_lang(Some(Lang::Fi))),
            ("sv", self.by_lang(Some(Lang::Sv))),
            ("en", self.by_lang(Some(Lang::En))),
            ("cross-lingual", self.cross_lingual()),
            ("all", self.by_lang(None)),
        ];
        for (name, m) in rows {
            writeln!(
                f,
                "  {:<14} {:>4} {:>8.3} {:>7.3} {:>10.3}",
                name, m.queries, m.ndcg_at_10, m.mrr_at_10, m.recall_at_10
            )?;
        }
        Ok(())
    }
}

/// Runs every query of `devset` on `index` (top 10, in the query's language, no filter) and
/// scores the rankings.
///
/// Without `scorer` the searches are lexical only. With it, each query is embedded by the
/// scorer and the index fuses the vector with the lexical ranking (the index must hold
/// service vectors, see [`SearchIndex::set_vector`]); a query the scorer cannot embed is
/// answered lexically, and [`QueryOutcome::hybrid`] says which happened.
pub fn evaluate_search(
    index: &SearchIndex,
    devset: &[SearchQuery],
    scorer: Option<&dyn VectorScorer>,
) -> SearchReport {
    let mut missing_ids: Vec<String> = devset
        .iter()
        .flat_map(|q| q.relevant.keys())
        .filter(|id| !index.contains(id))
        .cloned()
        .collect();
    missing_ids.sort();
    missing_ids.dedup();
    let queries = devset
        .iter()
        .map(|q| {
            let mut query = Query::new(q.query.as_str()).lang(q.lang).limit(10);
            query = match scorer.and_then(|f| f.embed_query(&q.query)) {
                Some(v) => query.vector(v),
                None => query.lexical_only(),
            };
            let results = index.search(&query);
            let ranked: Vec<&str> = results.hits.iter().map(|h| h.service_id.as_str()).collect();
            let first = ranked.iter().position(|id| q.relevant.contains_key(*id));
            let found = ranked
                .iter()
                .filter(|id| q.relevant.contains_key(**id))
                .count();
            QueryOutcome {
                id: q.id.clone(),
                lang: q.lang,
                cross_lingual: q.cross_lingual,
                ndcg_at_10: ndcg_at_k(&ranked, &q.relevant, 10).unwrap_or(0.0),
                reciprocal_rank: first.map_or(0.0, |i| 1.0 / (i as f64 + 1.0)),
                recall_at_10: found as f64 / q.relevant.len() as f64,
                hybrid: results.mode == SearchMode::Hybrid,
            }
        })
        .collect();
    SearchReport {
        queries,
        missing_ids,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn auc_known_values() {
        // Perfect, inverted, and one swapped pair of 2×2 = 4 pairs.
        assert_eq!(
            roc_auc(&[0.9, 0.8, 0.2, 0.1], &[true, true, false, false]),
            Some(1.0)
        );
        assert_eq!(
            roc_auc(&[0.1, 0.2, 0.8, 0.9], &[true, true, false, false]),
            Some(0.0)
        );
        assert_eq!(
            roc_auc(&[0.9, 0.3, 0.5, 0.1], &[true, true, false, false]),
            Some(0.75)
        );
        // Undefined without both classes.
        assert_eq!(roc_auc(&[0.5, 0.4], &[true, true]), None);
        assert_eq!(roc_auc(&[], &[]), None);
    }

    #[test]
    fn auc_counts_ties_half() {
        // All scores equal: every pair is a tie.
        assert_eq!(roc_auc(&[0.5; 4], &[true, false, true, false]), Some(0.5));
        // Positives {0.8, 0.5}, negatives {0.5, 0.2}: pairs 1 + 1 + 0.5 + 1 = 3.5 of 4.
        let auc = roc_auc(&[0.8, 0.5, 0.5, 0.2], &[true, true, false, false]).unwrap();
        assert!(close(auc, 0.875), "{auc}");
        // Brute force agrees on a case with a three-way tie.
        let s = [0.3, 0.7, 0.3, 0.3, 0.9, 0.1, 0.7];
        let y = [true, false, false, true, true, false, true];
        let mut pairs = 0.0;
        let mut n = 0.0;
        for i in 0..s.len() {
            for j in 0..s.len() {
                if y[i] && !y[j] {
                    n += 1.0;
                    pairs += if s[i] > s[j] {
                        1.0
                    } else if s[i] == s[j] {
                        0.5
                    } else {
                        0.0
                    };
                }
            }
        }
        assert!(close(roc_auc(&s, &y).unwrap(), pairs / n));
    }

    #[test]
    fn precision_at_k_takes_the_best_and_breaks_ties_by_order() {
        let s = [0.1, 0.9, 0.5, 0.5, 0.7];
        let y = [true, true, false, true, false];
        assert!(close(precision_at_k(&s, &y, 1), 1.0));
        // 0.9 ✓, 0.7 ✗, then the tie 0.5: index 2 (✗) comes before index 3.
        assert!(close(precision_at_k(&s, &y, 3), 1.0 / 3.0));
        assert!(close(precision_at_k(&s, &y, 10), 3.0 / 5.0));
        assert_eq!(precision_at_k(&[], &[], 10), 0.0);
    }

    #[test]
    fn ndcg_known_values() {
        let judged: BTreeMap<String, u8> = [("a".to_string(), 2), ("b".to_string(), 1)].into();
        // Ideal order.
        assert!(close(
            ndcg_at_k(&["a", "b", "x"], &judged, 10).unwrap(),
            1.0
        ));
        // Swapped: DCG = 1 + 3/log2(3); IDCG = 3 + 1/log2(3).
        let expected = (1.0 + 3.0 / 3f64.log2()) / (3.0 + 1.0 / 3f64.log2());
        assert!(close(
            ndcg_at_k(&["b", "a"], &judged, 10).unwrap(),
            expected
        ));
        // Only the grade-2 service, at rank 3: 3/log2(4) / IDCG.
        let expected = (3.0 / 2.0) / (3.0 + 1.0 / 3f64.log2());
        assert!(close(
            ndcg_at_k(&["x", "y", "a"], &judged, 10).unwrap(),
            expected
        ));
        // Cut-off: beyond k counts nothing.
        assert_eq!(ndcg_at_k(&["x", "y", "a"], &judged, 2), Some(0.0));
        assert!(ndcg_at_k(&[], &judged, 10).unwrap().is_sign_positive());
        assert_eq!(ndcg_at_k(&["a"], &BTreeMap::new(), 10), None);
    }

    /// Equal up to the last bit a JSON round trip may change (serde_json parses floats
    /// without exact round-tripping).
    #[track_caller]
    fn same_metrics(a: &[DimensionMetrics], b: &[DimensionMetrics]) {
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(b) {
            assert_eq!(
                (x.dimension, x.examples, x.positives, x.precision_at_10),
                (y.dimension, y.examples, y.positives, y.precision_at_10)
            );
            let (u, v) = (x.auc.unwrap_or(-1.0), y.auc.unwrap_or(-1.0));
            assert!((u - v).abs() < 1e-12, "{x:?} {y:?}");
        }
    }

    /// The held-out evaluation reproduces the numbers training recorded, and an embedding
    /// model is evaluated only with the embedder it was trained with.
    #[test]
    fn relevance_evaluation_matches_training_and_checks_the_embedder() {
        use crate::relevance::{bundled_training_set, train, TrainOptions};
        use aurora_embed::HashEmbedder;

        let examples = bundled_training_set().unwrap();
        let lexical = RelevanceModel::lexical();
        let report = evaluate_relevance(lexical, &examples, None).unwrap();
        assert_eq!(report.examples, 47);
        same_metrics(&report.dimensions, lexical.heldout_metrics());
        assert!(report.mean_auc() > 0.75, "{report}");
        assert!(report.to_string().contains("housing"));

        // Hashed word vectors stand in for E5 (not semantic, but deterministic).
        let hash = HashEmbedder::new(64);
        let vectors = embed_examples(&hash, &examples).unwrap();
        let opts = TrainOptions {
            name: "hash".into(),
            lexical: false,
            lambdas: vec![1e-2],
            ..TrainOptions::default()
        };
        let model = train(&examples, Some(&vectors), &opts).unwrap();
        let report = evaluate_relevance(&model, &examples, Some(&hash)).unwrap();
        same_metrics(&report.dimensions, model.heldout_metrics());
        let e = evaluate_relevance(&model, &examples, None).unwrap_err();
        assert!(e.to_string().contains("an embedder is needed"), "{e}");
        let other = HashEmbedder::new(32);
        let e = evaluate_relevance(&model, &examples, Some(&other)).unwrap_err();
        assert!(e.to_string().contains("was trained on"), "{e}");
    }

    /// A toy query embedder: one axis per topic word.
    struct Topics;

    impl VectorScorer for Topics {
        fn dim(&self) -> usize {
            2
        }
        fn embed_query(&self, text: &str) -> Option<Vec<f32>> {
            if text.contains("bostad") {
                Some(vec![1.0, 0.0])
            } else if text.contains("skatt") {
                Some(vec![0.0, 1.0])
            } else {
                None
            }
        }
    }

    fn toy_index() -> SearchIndex {
        let service = |id: &str, name: &str| -> aurora_model::Service {
            serde_json::from_value(serde_json::json!({
                "id": id, "kind": "Service", "publishing_status": "Published",
                "area_type": "Nationwide", "name": {"fi": name}
            }))
            .unwrap()
        };
        let mut index = SearchIndex::build(&[
            service("rent", "Vuokra-asunnot"),
            service("tax", "Verokortti"),
            service("pool", "Uimahalli"),
        ]);
        index.set_vector("rent", vec![1.0, 0.0]).unwrap();
        index.set_vector("tax", vec![0.0, 1.0]).unwrap();
        index.set_vector("pool", vec![0.6, 0.6]).unwrap();
        index
    }

    #[test]
    fn search_evaluation_scores_lexical_and_hybrid_rankings() {
        let devset = parse_search_devset(concat!(
            r#"{"id":"fi-1","lang":"fi","query":"verokortti","relevant":{"tax":2}}"#,
            "\n",
            r#"{"id":"sv-1","lang":"sv","query":"skattekort","relevant":{"tax":2},"cross_lingual":true}"#,
            "\n",
            r#"{"id":"sv-2","lang":"sv","query":"hyresbostad","relevant":{"rent":2,"gone":1},"cross_lingual":true}"#,
        ))
        .unwrap();
        let index = toy_index();

        let lexical = evaluate_search(&index, &devset, None);
        assert_eq!(lexical.missing_ids, ["gone"]);
        assert_eq!(lexical.hybrid_queries(), 0);
        let fi = lexical.by_lang(Some(Lang::Fi));
        assert_eq!((fi.queries, fi.ndcg_at_10, fi.mrr_at_10), (1, 1.0, 1.0));
        // The Swedish words are not in the Finnish-only services.
        assert_eq!(lexical.cross_lingual().ndcg_at_10, 0.0);

        let hybrid = evaluate_search(&index, &devset, Some(&Topics));
        assert_eq!(hybrid.hybrid_queries(), 2);
        let sv = hybrid.by_lang(Some(Lang::Sv));
        assert_eq!(sv.queries, 2);
        assert_eq!(sv.mrr_at_10, 1.0);
        // sv-2: "rent" first (gain 3) but "gone" can never be found: 3 / (3 + 1/log2 3).
        let expected = (1.0 + 3.0 / (3.0 + 1.0 / 3f64.log2())) / 2.0;
        assert!(close(sv.ndcg_at_10, expected), "{sv:?}");
        assert!(close(
            hybrid.cross_lingual().recall_at_10,
            (1.0 + 0.5) / 2.0
        ));
        assert_eq!(hybrid.by_lang(None).queries, 3);
    }

    #[test]
    fn the_committed_devset_is_valid_and_balanced() {
        let set = parse_search_devset(DEVSET).unwrap();
        let count = |l: Lang| set.iter().filter(|q| q.lang == l).count();
        assert!(count(Lang::Fi) >= 24, "{}", count(Lang::Fi));
        assert!(count(Lang::Sv) >= 18, "{}", count(Lang::Sv));
        assert!(count(Lang::En) >= 18, "{}", count(Lang::En));
        let cross = set.iter().filter(|q| q.cross_lingual).count();
        assert!(cross >= 12, "{cross}");
        assert!(set.iter().all(|q| q.relevant.values().any(|&g| g == 2)));
        assert_eq!(bundled_search_devset(), set);
    }

    #[test]
    fn bad_devset_lines_are_refused_with_the_line() {
        let e =
            parse_search_devset("\n{\"id\":\"a\",\"lang\":\"fi\",\"query\":\"x\",\"relevant\":{}}")
                .unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.reason.contains("judges no service"), "{e}");
        let e = parse_search_devset(r#"{"id":"a","lang":"fi","query":"x","relevant":{"s":3}}"#)
            .unwrap_err();
        assert!(e.reason.contains("grade 3"), "{e}");
        let e = parse_search_devset(r#"{"id":"a","lang":"de","query":"x","relevant":{"s":2}}"#)
            .unwrap_err();
        assert!(e.reason.contains("de"), "{e}");
    }
}
