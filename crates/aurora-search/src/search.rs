//! Answering a [`Query`]: query analysis, filtering, BM25F scoring, vector scan, fusion.

use rustc_hash::FxHashMap as HashMap;
use std::cell::RefCell;

use aurora_model::Lang;

use crate::bitset::BitSet;
use crate::index::{lang_index, SearchIndex};
use crate::options::{Field, FusionMethod};
use crate::query::{Hit, LexicalOnlyReason, MatchedTerm, Query, SearchMode, SearchResults};
use crate::stopwords::{is_stop_word, is_stop_word_anywhere};
use crate::text::{normalize, tokenize};
use crate::vector::{normalized, PreparedQuery};

/// A query term found in the dictionary.
#[derive(Debug, Clone)]
pub(crate) struct QueryTerm {
    pub(crate) id: u32,
    pub(crate) weight: f32,
    pub(crate) word: String,
}

thread_local! {
    /// Per-thread score accumulator, reused across searches (one f32 per document).
    static SCRATCH: RefCell<Vec<f32>> = const { RefCell::new(Vec::new()) };
}

impl SearchIndex {
    /// Runs a query. Never fails: unknown filter codes match nothing, an empty text matches
    /// nothing lexically.
    ///
    /// ```
    /// # use aurora_model::{AreaType, Lang, Localized, PublishingStatus, Service, ServiceKind};
    /// # fn service(id: &str, name: &str) -> Service {
    /// #     serde_json::from_value(serde_json::json!({
    /// #         "id": id, "kind": "Service", "name": {"fi": name},
    /// #         "area_type": "Nationwide", "publishing_status": "Published"
    /// #     })).unwrap()
    /// # }
    /// use aurora_search::{Query, SearchIndex, SearchMode};
    /// let index = SearchIndex::build(&[service("1", "Asumistuki"), service("2", "Perusopetus")]);
    /// let results = index.search(&Query::new("miten haen asumistukea").lang(Lang::Fi));
    /// assert_eq!(results.hits[0].service_id, "1");
    /// assert_eq!(results.mode.as_str(), "lexical_only");
    /// ```
    pub fn search(&self, query: &Query) -> SearchResults {
        let terms = self.query_terms(&query.text, query.lang);
        let candidates = self.filters.candidates(&query.filter, &self.live);
        let mask = candidates.as_ref().unwrap_or(&self.live);
        let (vector, reason) = self.query_vector(query);
        let fused_k = self.fusion.candidates.max(query.limit);
        let lexical_k = if vector.is_some() {
            fused_k
        } else {
            query.limit
        };
        let (lexical, lexical_matches) = self.lexical(&terms, mask, lexical_k);
        let mut hits: Vec<(u32, f32, f32, Option<f32>)> = match &vector {
            None => lexical.iter().map(|&(d, s)| (d, s, s, None)).collect(),
            Some(v) => {
                let prepared = self.vectors.prepare(v);
                let by_vector = self.vectors.top_k(&prepared, mask, fused_k);
                self.fuse(&lexical, &by_vector, &prepared, &terms)
            }
        };
        hits.truncate(query.limit);
        let hits = hits
            .into_iter()
            .map(|(d, score, lexical_score, vector_score)| Hit {
                service_id: self.docs[d as usize].clone(),
                score,
                lexical_score,
                vector_score,
                matched_terms: self.matched_terms(d, &terms),
            })
            .collect();
        SearchResults {
            hits,
            mode: match reason {
                None => SearchMode::Hybrid,
                Some(r) => SearchMode::LexicalOnly(r),
            },
            lexical_matches,
        }
    }

    /// The dictionary terms of a query text with their weights: summed over the query's
    /// words, and for `auto` the maximum over the three analyzers.
    pub(crate) fn query_terms(&self, text: &str, lang: Option<Lang>) -> Vec<QueryTerm> {
        let words = tokenize(&normalize(text));
        let langs: Vec<Lang> = match lang {
            Some(l) => vec![l],
            None => Lang::ALL.to_vec(),
        };
        let mut best: HashMap<u32, QueryTerm> = HashMap::default();
        for l in langs {
            let mut per_lang: HashMap<u32, QueryTerm> = HashMap::default();
            for w in &words {
                let stop = match lang {
                    Some(l) => is_stop_word(l, &w.text),
                    None => is_stop_word_anywhere(&w.text),
                };
                if stop {
                    continue;
                }
                self.analyzers[lang_index(l)].analyze_word(&w.text, w.joined, |t, _, weight| {
                    if let Some(&id) = self.dict.get(&t) {
                        per_lang
                            .entry(id)
                            .and_modify(|q| q.weight += weight)
                            .or_insert_with(|| QueryTerm {
                                id,
                                weight,
                                word: w.text.clone(),
                            });
                    }
                });
            }
            for (id, q) in per_lang {
                match best.get_mut(&id) {
                    Some(b) if b.weight >= q.weight => {}
                    _ => {
                        best.insert(id, q);
                    }
                }
            }
        }
        let mut out: Vec<QueryTerm> = best.into_values().collect();
        out.sort_by_key(|q| q.id);
        out
    }

    fn query_vector(&self, query: &Query) -> (Option<Vec<f32>>, Option<LexicalOnlyReason>) {
        if !query.use_vectors {
            return (None, Some(LexicalOnlyReason::DisabledByQuery));
        }
        if self.vectors.count() == 0 {
            return (None, Some(LexicalOnlyReason::NoVectorsStored));
        }
        let raw = match (&query.vector, &self.scorer) {
            (Some(v), _) => v.clone(),
            (None, Some(s)) => match s.embed_query(&query.text) {
                Some(v) => v,
                None => return (None, Some(LexicalOnlyReason::QueryNotEmbedded)),
            },
            (None, None) => return (None, Some(LexicalOnlyReason::NoVectorScorer)),
        };
        if raw.len() != self.vectors.dim() {
            return (None, Some(LexicalOnlyReason::UnusableQueryVector));
        }
        match normalized(raw) {
            Ok(v) => (Some(v), None),
            Err(_) => (None, Some(LexicalOnlyReason::UnusableQueryVector)),
        }
    }

    /// Query terms in scoring order (largest possible contribution first), with their
    /// weight `query weight × IDF` and that upper bound.
    fn scoring_order(&self, terms: &[QueryTerm]) -> Vec<(u32, f32, f32)> {
        let n = self.docs.len() as f32;
        let mut order: Vec<(u32, f32, f32)> = terms
            .iter()
            .filter_map(|q| {
                let p = &self.terms[q.id as usize];
                let df = p.docs.len() as f32;
                (df > 0.0).then(|| {
                    let w = q.weight * (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
                    (q.id, w, w * p.max_impact)
                })
            })
            .collect();
        order.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(&b.0)));
        order
    }

    /// BM25F over the documents in `mask`: the `k` best `(doc, score)` and the number of
    /// documents scored.
    ///
    /// Term at a time, largest possible contribution first, with MaxScore pruning: once the
    /// remaining terms together cannot lift an unseen document to the current k-th score,
    /// they only update the documents already seen (found by galloping search), so a very
    /// common term costs time in proportion to the candidates, not to its postings. The
    /// top `k` is exact; the count is then a lower bound (0 only if nothing matched).
    pub(crate) fn lexical(
        &self,
        terms: &[QueryTerm],
        mask: &BitSet,
        k: usize,
    ) -> (Vec<(u32, f32)>, usize) {
        let order = self.scoring_order(terms);
        let mut remaining: f32 = order.iter().map(|o| o.2).sum();
        let mut touched: Vec<u32> = Vec::new();
        let mut scored: Vec<(u32, f32)> = SCRATCH.with(|cell| {
            let mut scores = cell.borrow_mut();
            if scores.len() < self.docs.len() {
                scores.resize(self.docs.len(), 0.0);
            }
            let mut pruned = false;
            for (i, &(id, w, ub)) in order.iter().enumerate() {
                let p = &self.terms[id as usize];
                if !pruned && i > 0 && k > 0 && touched.len() >= k && p.docs.len() > touched.len() {
                    let theta = kth_largest(&touched, &scores, k);
                    // A margin for rounding: the bound must hold for every unseen document.
                    if remaining * 1.001 + 1e-6 < theta {
                        pruned = true;
                        touched.sort_unstable();
                    }
                }
                remaining -= ub;
                if pruned {
                    let mut from = 0;
                    for &d in &touched {
                        match gallop(&p.docs, from, d) {
                            Ok(j) => {
                                scores[d as usize] += w * p.impacts[j];
                                from = j + 1;
                            }
                            Err(j) => from = j,
                        }
                        if from >= p.docs.len() {
                            break;
                        }
                    }
                    continue;
                }
                for (&d, &impact) in p.docs.iter().zip(&p.impacts) {
                    if !mask.contains(d) {
                        continue;
                    }
                    let s = &mut scores[d as usize];
                    if *s == 0.0 {
                        touched.push(d);
                    }
                    *s += w * impact;
                }
            }
            touched
                .iter()
                .map(|&d| {
                    let s = std::mem::take(&mut scores[d as usize]);
                    (d, s)
                })
                .collect()
        });
        let matches = scored.len();
        self.top_by_score_then_id(&mut scored, k);
        (scored, matches)
    }

    /// The BM25F score of one document (what [`SearchIndex::lexical`] gives it, summed in
    /// the same order).
    fn lexical_score(&self, doc: u32, terms: &[QueryTerm]) -> f32 {
        let mut score = 0.0;
        for (id, w, _) in self.scoring_order(terms) {
            let p = &self.terms[id as usize];
            if let Ok(i) = p.docs.binary_search(&doc) {
                score += w * p.impacts[i];
            }
        }
        score
    }

    /// Keeps the `k` best, ordered by score descending then service id ascending. Among
    /// equal scores at the cut-off, the earlier-indexed services are kept.
    fn top_by_score_then_id(&self, v: &mut Vec<(u32, f32)>, k: usize) {
        if k == 0 {
            v.clear();
            return;
        }
        if v.len() > k {
            v.select_nth_unstable_by(k - 1, |a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            v.truncate(k);
        }
        v.sort_unstable_by(|a, b| {
            b.1.total_cmp(&a.1)
                .then_with(|| self.docs[a.0 as usize].cmp(&self.docs[b.0 as usize]))
        });
    }

    /// Fuses the lexical and vector rankings: `(doc, fused, lexical, cosine)`, best first.
    fn fuse(
        &self,
        lexical: &[(u32, f32)],
        by_vector: &[(u32, f32)],
        query: &PreparedQuery,
        terms: &[QueryTerm],
    ) -> Vec<(u32, f32, f32, Option<f32>)> {
        let f = &self.fusion;
        let mut rows: HashMap<u32, (f32, Option<usize>, Option<usize>)> = HashMap::default();
        for (rank, &(d, s)) in lexical.iter().enumerate() {
            rows.entry(d).or_insert((s, None, None)).1 = Some(rank);
        }
        for (rank, &(d, _)) in by_vector.iter().enumerate() {
            rows.entry(d).or_insert((0.0, None, None)).2 = Some(rank);
        }
        // Exact lexical scores for services only the vector side found.
        for (&d, row) in rows.iter_mut() {
            if row.1.is_none() {
                row.0 = self.lexical_score(d, terms);
            }
        }
        let cosine = |d: u32| self.vectors.cosine(query, d);
        let (lex_min, lex_max) = min_max(lexical.iter().map(|x| x.1));
        let (vec_min, vec_max) = min_max(by_vector.iter().map(|x| x.1));
        let mut out: Vec<(u32, f32, f32, Option<f32>)> = rows
            .into_iter()
            .map(|(d, (lex, lrank, vrank))| {
                let cos = cosine(d);
                let fused = match f.method {
                    FusionMethod::Rrf { k } => {
                        let part = |rank: Option<usize>, w: f32| {
                            rank.map_or(0.0, |r| w / (k + r as f32 + 1.0))
                        };
                        part(lrank, f.lexical_weight) + part(vrank, f.vector_weight)
                    }
                    FusionMethod::Linear => {
                        let norm = |x: f32, lo: f32, hi: f32| {
                            if hi > lo {
                                (x - lo) / (hi - lo)
                            } else {
                                1.0
                            }
                        };
                        let l = lrank.map_or(0.0, |_| norm(lex, lex_min, lex_max));
                        let v = match (vrank, cos) {
                            (Some(_), Some(c)) => norm(c, vec_min, vec_max),
                            _ => 0.0,
                        };
                        f.lexical_weight * l + f.vector_weight * v
                    }
                };
                (d, fused, lex, cos)
            })
            .collect();
        out.sort_unstable_by(|a, b| {
            b.1.total_cmp(&a.1)
                .then_with(|| self.docs[a.0 as usize].cmp(&self.docs[b.0 as usize]))
        });
        out
    }

    /// Which query words matched which fields of `doc`.
    pub(crate) fn matched_terms(&self, doc: u32, terms: &[QueryTerm]) -> Vec<MatchedTerm> {
        let mut out = Vec::new();
        for q in terms {
            let p = &self.terms[q.id as usize];
            if let Ok(i) = p.docs.binary_search(&doc) {
                for field in Field::from_mask(p.fields[i]) {
                    out.push(MatchedTerm {
                        field,
                        term: p.text.clone(),
                        query_word: q.word.clone(),
                    });
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }
}

/// The k-th largest score among `docs` (k ≥ 1, `docs.len() ≥ k`).
fn kth_largest(docs: &[u32], scores: &[f32], k: usize) -> f32 {
    let mut v: Vec<f32> = docs.iter().map(|&d| scores[d as usize]).collect();
    let (_, kth, _) = v.select_nth_unstable_by(k - 1, |a, b| b.total_cmp(a));
    *kth
}

/// Position of `target` in the sorted `list` at or after `from` (`Err` = insertion point),
/// by exponential then binary search: cheap when successive targets are close.
fn gallop(list: &[u32], from: usize, target: u32) -> Result<usize, usize> {
    let mut step = 1;
    let mut hi = from;
    while hi < list.len() && list[hi] < target {
        hi = from + step;
        step *= 2;
    }
    let lo = from + step / 4;
    let hi = (hi + 1).min(list.len());
    let lo = lo.min(hi);
    match list[lo..hi].binary_search(&target) {
        Ok(i) => Ok(lo + i),
        Err(i) => Err(lo + i),
    }
}

fn min_max(it: impl Iterator<Item = f32>) -> (f32, f32) {
    it.fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), x| {
        (lo.min(x), hi.max(x))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gallop_finds_like_binary_search() {
        let list: Vec<u32> = (0..200).map(|i| i * 3).collect();
        for from in [0, 1, 5, 50, 199, 200] {
            for target in 0..620 {
                let want = match list[from.min(list.len())..].binary_search(&target) {
                    Ok(i) => Ok(from + i),
                    Err(i) => Err(from + i),
                };
                assert_eq!(
                    gallop(&list, from, target),
                    want,
                    "from {from} target {target}"
                );
            }
        }
    }

    #[test]
    fn kth_largest_picks_the_cut_off() {
        let scores = [0.0, 5.0, 1.0, 3.0, 4.0];
        assert_eq!(kth_largest(&[1, 2, 3, 4], &scores, 2), 4.0);
        assert_eq!(kth_largest(&[1, 2, 3, 4], &scores, 4), 1.0);
    }
}
