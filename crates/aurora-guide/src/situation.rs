//! Guidance from a whole life situation: any mix of free text, 3X10D meters, life events,
//! age, municipality and target group, ranked over the **whole catalogue** and explained.
//!
//! Four kinds of evidence, each scaled to 0–1 within the request:
//!
//! | component | from | how |
//! |---|---|---|
//! | `text` | the free text | hybrid search (BM25F over every language version, fused with multilingual vectors when available), divided by the best hit's score |
//! | `needs` | the meters | the [`Recommender`]'s Aurora score: the need-weighted mean of the service's 3X10D relevance, with the reference's need `q = 1 − v/10.1` and relevance from hand labels or the model learned from the services' texts; a service is not penalised for helping with many things |
//! | `labels` | life events given or recognised, service classes recognised | the summed confidence of matched labels (a parent-only match at [`PARENT_WEIGHT`]), capped at 1 |
//! | `audience` | target groups recognised or given, and the age | [`TARGET_GROUP_WEIGHT`] × confidence per matching group |
//!
//! The score is the mean of the present components among text, needs and labels (each
//! weighted 1), plus the audience bonus, multiplied by what the [`OutcomeLearner`] learned
//! from clicks and feedback in the request's context. Candidates are the services available
//! in the municipality (its own and national ones; everywhere without one): the text's best
//! hits, the services carrying a wanted label, and, with meters, the best [`NEED_CANDIDATES`]
//! by need. Ties go to
//! the service id, so answers are reproducible.
//!
//! Every result carries [`Reason`]s in the requested language: the words that matched (or
//! that the match was by meaning), the needs it helps with and the person's own rating,
//! matched labels, audience, what was learned, and availability.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::{Arc, RwLock};

use aurora_model::{CodeLists, Dimension, Lang, Service, ServiceFilter};
use aurora_nlu::{Label, Understander, Understanding};
use aurora_search::{Query, SearchIndex};
use aurora_store::CatalogStore;
use serde::Serialize;

use crate::learning::{Context, OutcomeLearner};
use crate::threex10d::{Contribution, Needs, RankingMode, RecommendQuery, Recommender};
use crate::{
    availability, chosen_municipality, reasons, score, target_groups, understand_options, Family,
    GroupWanted, GuideOptions, Reason, ReasonKind, Recognised, Result, AGE_GROUP_CONFIDENCE,
    PARENT_WEIGHT, TARGET_GROUP_WEIGHT,
};

/// Text hits considered per request.
pub const TEXT_CANDIDATES: usize = 200;
/// Services considered by need per request (the rest score less on needs than all of these).
pub const NEED_CANDIDATES: usize = 400;
/// A dimension is named as a reason when it gives at least this share of the needs score.
const NEED_REASON_SHARE: f64 = 0.2;

/// What the person told about their situation. Every part is optional, but at least one of
/// `text`, `meters` and `life_events` must be given.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Situation {
    /// Free text in fi/sv/en.
    pub text: Option<String>,
    /// 3X10D self-ratings, 0 (bad) to 10 (all is well), per dimension.
    pub meters: Vec<(Dimension, u8)>,
    /// PTV life-event codes (`KE4.1`).
    pub life_events: Vec<String>,
    /// Age in years.
    pub age: Option<u8>,
    /// Municipality code; overrides one recognised in the text.
    pub municipality: Option<String>,
    /// Target-group codes (`KR1.3`).
    pub target_groups: Vec<String>,
    /// Further catalogue filters (the reference's semantics), combined with the municipality.
    pub filter: ServiceFilter,
}

/// The evidence behind a score, each 0–1 (`None` when the request gave no such evidence).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Components {
    /// Text relevance.
    pub text: Option<f32>,
    /// 3X10D needs.
    pub needs: Option<f32>,
    /// Matched labels.
    pub labels: Option<f32>,
    /// Target group and age bonus.
    pub audience: f32,
}

/// One ranked service.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RankedService {
    /// The service.
    pub service: Service,
    /// Final score (comparable within one answer).
    pub score: f32,
    /// Its parts.
    pub components: Components,
    /// The learned factor applied (1 = none).
    pub learned_factor: f32,
    /// Shown to explore (see [`crate::learning`]).
    pub explored: bool,
    /// Why, in the requested language, strongest first, availability last.
    pub reasons: Vec<Reason>,
}

/// The answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SituationGuidance {
    /// What the text said (when there was a text).
    pub understanding: Option<Understanding>,
    /// The municipality used.
    pub municipality: Option<String>,
    /// Language of the reasons.
    pub lang: Lang,
    /// `hybrid` or `lexical_only` for the text part; `None` without text.
    pub text_mode: Option<&'static str>,
    /// The learner's context of this request (stored with the recommendation so that later
    /// clicks and feedback land in it).
    pub context: Context,
    /// Best first.
    pub services: Vec<RankedService>,
}

/// The guidance engine over one index snapshot. Cheap to share.
#[derive(Clone)]
pub struct GuideEngine {
    recommender: Arc<Recommender>,
    learner: Arc<RwLock<OutcomeLearner>>,
}

impl std::fmt::Debug for GuideEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GuideEngine")
            .field("services", &self.recommender.index().len())
            .finish_non_exhaustive()
    }
}

impl GuideEngine {
    /// An engine over the recommender's index, with a learner shared between snapshots.
    pub fn new(recommender: Arc<Recommender>, learner: Arc<RwLock<OutcomeLearner>>) -> Self {
        GuideEngine {
            recommender,
            learner,
        }
    }

    /// The index.
    pub fn index(&self) -> &Arc<SearchIndex> {
        self.recommender.index()
    }

    /// The 3X10D recommender.
    pub fn recommender(&self) -> &Arc<Recommender> {
        &self.recommender
    }

    /// The outcome learner.
    pub fn learner(&self) -> &Arc<RwLock<OutcomeLearner>> {
        &self.learner
    }

    /// Guidance for a situation. The CPU-bound part (intent recognition and the text search,
    /// each tens of milliseconds with the embedding model; the scoring of every candidate)
    /// runs on a blocking thread; the store is read only for the chosen services.
    ///
    /// # Errors
    ///
    /// [`crate::GuideError::Text`] for an unusable text, [`crate::GuideError::Store`].
    pub async fn guide(
        &self,
        store: &dyn CatalogStore,
        understander: Arc<Understander>,
        situation: &Situation,
        opts: &GuideOptions,
        exploration_seed: u64,
    ) -> Result<SituationGuidance> {
        let engine = self.clone();
        let (owned_situation, owned_opts) = (situation.clone(), opts.clone());
        let prepared = tokio::task::spawn_blocking(move || {
            engine.prepare(&understander, &owned_situation, &owned_opts)
        })
        .await
        .map_err(|e| crate::GuideError::Task(e.to_string()))??;
        let Prepared {
            understanding,
            lang,
            municipality,
            classes,
            events,
            groups,
            context,
            text_scores,
            text_mode,
            mut ranked,
        } = prepared;

        // Audience needs the service's groups: take a margin, load, re-rank.
        let margin = opts.limit * 3 + 10;
        ranked.truncate(margin);
        let mut loaded: Vec<(Scored, Service)> = Vec::with_capacity(ranked.len());
        for s in ranked {
            if let Some(service) = store.service(&s.id).await? {
                loaded.push((s, service));
            }
        }
        for (s, service) in &mut loaded {
            let service_groups: BTreeSet<&str> = service
                .target_groups
                .iter()
                .map(|g| g.code.as_str())
                .collect();
            let bonus: f32 = groups
                .iter()
                .filter(|g| service_groups.contains(g.code.as_str()))
                .fold(0.0, |acc, g| acc + TARGET_GROUP_WEIGHT * g.confidence);
            s.components.audience = bonus;
            s.score = (s.base + bonus) * s.factor;
        }
        loaded.sort_by(|a, b| {
            b.0.score
                .total_cmp(&a.0.score)
                .then_with(|| a.0.id.cmp(&b.0.id))
        });
        let explored_at = self
            .learner
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .explore(&mut loaded, opts.limit, exploration_seed);
        loaded.truncate(opts.limit);

        let services = loaded
            .into_iter()
            .enumerate()
            .map(|(i, (s, service))| {
                let mut reasons = Vec::new();
                if let Some((_, words, vector)) = text_scores.get(&s.id) {
                    reasons.push(text_reason(lang, words, *vector, s.components.text));
                }
                reasons.extend(need_reasons(lang, &s.per_dim));
                let label_part = score(
                    service.clone(),
                    &classes,
                    &events,
                    &groups,
                    municipality.as_deref(),
                    lang,
                );
                if let Some(g) = label_part {
                    reasons.extend(
                        g.reasons
                            .into_iter()
                            .filter(|r| r.kind != ReasonKind::Availability),
                    );
                } else {
                    let codes: BTreeSet<&str> = service
                        .target_groups
                        .iter()
                        .map(|g| g.code.as_str())
                        .collect();
                    for g in groups.iter().filter(|g| codes.contains(g.code.as_str())) {
                        reasons.push(Reason {
                            kind: if g.age.is_some() {
                                ReasonKind::AgeGroup
                            } else {
                                ReasonKind::TargetGroup
                            },
                            code: Some(g.code.clone()),
                            weight: TARGET_GROUP_WEIGHT * g.confidence,
                            text: reasons::target_group(lang, &g.label, g.confidence, g.age),
                        });
                    }
                }
                if (s.factor - 1.0).abs() >= 0.05 {
                    reasons.push(Reason {
                        kind: ReasonKind::Learned,
                        code: None,
                        weight: s.factor - 1.0,
                        text: reasons::learned(lang, s.factor),
                    });
                }
                let explored = explored_at == Some(i);
                if explored {
                    reasons.push(Reason {
                        kind: ReasonKind::Explored,
                        code: None,
                        weight: 0.0,
                        text: reasons::explored(lang),
                    });
                }
                reasons.push(availability(&service, municipality.as_deref(), lang));
                RankedService {
                    service,
                    score: s.score,
                    components: s.components,
                    learned_factor: s.factor,
                    explored,
                    reasons,
                }
            })
            .collect();
        Ok(SituationGuidance {
            understanding,
            municipality,
            lang,
            text_mode,
            context,
            services,
        })
    }

    /// Everything but reading the chosen services: understanding, candidates, scores.
    fn prepare(
        &self,
        understander: &Understander,
        situation: &Situation,
        opts: &GuideOptions,
    ) -> Result<Prepared> {
        let understanding = match situation.text.as_deref() {
            Some(t) => Some(understander.understand(t, &understand_options(opts))?),
            None => None,
        };
        let lang = opts
            .lang
            .or(understanding.as_ref().map(|u| u.language.code))
            .unwrap_or(Lang::Fi);
        let municipality = situation
            .municipality
            .clone()
            .or_else(|| understanding.as_ref().and_then(chosen_municipality));
        let mut area = situation.filter.clone();
        if let Some(m) = &municipality {
            if !area.municipality_codes.contains(m) {
                area.municipality_codes.push(m.clone());
            }
        }

        // Wanted labels: given life events at full confidence, then what the text says.
        let mut event_labels: Vec<Label> = situation
            .life_events
            .iter()
            .filter_map(|c| given_label(Family::LifeEvent, c))
            .collect();
        let mut class_labels = Vec::new();
        if let Some(u) = &understanding {
            event_labels.extend(u.life_events.iter().cloned());
            class_labels.extend(u.service_classes.iter().cloned());
        }
        let events = Recognised::of(&event_labels, Family::LifeEvent);
        let classes = Recognised::of(&class_labels, Family::ServiceClass);
        let groups = self.groups(understanding.as_ref(), situation);

        let context = Context::of_request(
            situation.meters.iter().map(|(d, v)| (*d, f32::from(*v))),
            event_labels.iter().map(|l| l.code.as_str()),
            class_labels.iter().map(|l| l.code.as_str()),
        );

        // Text.
        let mut text_scores: HashMap<String, (f32, Vec<String>, Option<f32>)> = HashMap::new();
        let mut text_mode = None;
        if let Some(t) = situation.text.as_deref() {
            let results = self.index().search(
                &Query::new(t)
                    .lang(understanding.as_ref().map_or(lang, |u| u.language.code))
                    .filter(area.clone())
                    .limit(TEXT_CANDIDATES),
            );
            text_mode = Some(results.mode.as_str());
            // A place name only says where: the municipality filter already used it, so a
            // service that matched nothing but the place (as a place, or as the plain word in
            // "Vaasan uimahalli") is not relevant to the text.
            let place_words: HashSet<String> = results
                .hits
                .iter()
                .flat_map(|h| h.matched_terms.iter())
                .filter(|m| m.term.starts_with('@'))
                .map(|m| m.query_word.clone())
                .chain(understanding.iter().flat_map(|u| {
                    u.entities
                        .municipalities
                        .iter()
                        .map(|m| m.text.to_lowercase())
                }))
                .collect();
            for h in results.hits {
                let mut words: Vec<String> = Vec::new();
                for m in h
                    .matched_terms
                    .iter()
                    .filter(|m| !m.term.starts_with('@') && !place_words.contains(&m.query_word))
                {
                    if !words.contains(&m.query_word) {
                        words.push(m.query_word.clone());
                    }
                }
                if words.is_empty() && h.vector_score.is_none() {
                    continue;
                }
                text_scores.insert(h.service_id.clone(), (h.score, words, h.vector_score));
            }
            let best = text_scores
                .values()
                .map(|t| t.0)
                .fold(f32::EPSILON, f32::max);
            for t in text_scores.values_mut() {
                t.0 = (t.0 / best).clamp(0.0, 1.0);
            }
        }

        // Labels: provisional scores from the index's filter lists.
        let mut label_scores: HashMap<String, f32> = HashMap::new();
        for (recognised, is_class) in [(&classes, true), (&events, false)] {
            for w in &recognised.labels {
                let mut f = area.clone();
                if is_class {
                    f.service_classes = vec![w.code.clone()];
                } else {
                    f.life_events = vec![w.code.clone()];
                }
                let weight = if w.own {
                    w.confidence
                } else {
                    PARENT_WEIGHT * w.confidence
                };
                let index = self.index();
                for doc in index.candidates(&f).iter() {
                    if let Some(id) = index.doc_service_id(doc) {
                        let e = label_scores.entry(id.to_string()).or_insert(0.0);
                        *e = (*e + weight).min(1.0);
                    }
                }
            }
        }

        // Needs: the recommender's best by need.
        let mut needs = Needs::default();
        for (d, v) in &situation.meters {
            needs.set_ratings(*d, &[*v]);
        }
        let mut need_scores: HashMap<String, (f32, Vec<Contribution>)> = HashMap::new();
        if !needs.is_empty() {
            let found = self.recommender.recommend(
                &RecommendQuery::new(&area, &needs)
                    .mode(RankingMode::Aurora)
                    .limit(NEED_CANDIDATES),
            );
            for r in found.items {
                need_scores.insert(r.service_id, (r.score as f32, r.explanation));
            }
        }
        let mut candidates: HashSet<String> = text_scores.keys().cloned().collect();
        candidates.extend(label_scores.keys().cloned());
        candidates.extend(need_scores.keys().cloned());

        let mut ranked: Vec<Scored> = {
            let learner = self.learner.read().unwrap_or_else(|e| e.into_inner());
            candidates
                .into_iter()
                .map(|id| {
                    let text = situation
                        .text
                        .as_ref()
                        .map(|_| text_scores.get(&id).map_or(0.0, |t| t.0));
                    let (need_score, per_dim) = if needs.is_empty() {
                        (None, Vec::new())
                    } else {
                        match need_scores.get(&id) {
                            Some((s, why)) => (Some(*s), why.clone()),
                            None => (Some(0.0), Vec::new()),
                        }
                    };
                    let labels = (!classes.is_empty() || !events.is_empty())
                        .then(|| label_scores.get(&id).copied().unwrap_or(0.0));
                    let present: Vec<f32> =
                        [text, need_score, labels].into_iter().flatten().collect();
                    let base = present.iter().sum::<f32>() / present.len().max(1) as f32;
                    let adj = learner.adjustment(&context, &id);
                    Scored {
                        id,
                        base,
                        score: base * adj.factor,
                        components: Components {
                            text,
                            needs: need_score,
                            labels,
                            audience: 0.0,
                        },
                        per_dim,
                        factor: adj.factor,
                    }
                })
                .filter(|s| s.base > 0.0)
                .collect()
        };
        ranked.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
        Ok(Prepared {
            understanding,
            lang,
            municipality,
            classes,
            events,
            groups,
            context,
            text_scores,
            text_mode,
            ranked,
        })
    }

    fn groups(&self, u: Option<&Understanding>, situation: &Situation) -> Vec<GroupWanted> {
        let mut out = u.map(target_groups).unwrap_or_default();
        let lists = CodeLists::get();
        for code in &situation.target_groups {
            if let Some(c) = lists.target_group(code) {
                out.retain(|g| &g.code != code);
                out.push(GroupWanted {
                    code: code.clone(),
                    label: c.label.clone(),
                    confidence: 1.0,
                    age: None,
                });
            }
        }
        if let Some(age) = situation.age {
            for code in crate::age_groups(age) {
                if out.iter().any(|g| g.code == code) {
                    continue;
                }
                if let Some(c) = lists.target_group(code) {
                    out.push(GroupWanted {
                        code: code.to_string(),
                        label: c.label.clone(),
                        confidence: AGE_GROUP_CONFIDENCE,
                        age: Some(age),
                    });
                }
            }
        }
        out
    }
}

/// What [`GuideEngine::prepare`] computed for [`GuideEngine::guide`].
struct Prepared {
    understanding: Option<Understanding>,
    lang: Lang,
    municipality: Option<String>,
    classes: Recognised,
    events: Recognised,
    groups: Vec<GroupWanted>,
    context: Context,
    text_scores: HashMap<String, (f32, Vec<String>, Option<f32>)>,
    text_mode: Option<&'static str>,
    ranked: Vec<Scored>,
}

struct Scored {
    id: String,
    base: f32,
    score: f32,
    components: Components,
    per_dim: Vec<Contribution>,
    factor: f32,
}

/// A code given by the caller as a full-confidence label.
fn given_label(family: Family, code: &str) -> Option<Label> {
    Some(Label {
        code: code.to_string(),
        label: family.label_of(code)?,
        confidence: 1.0,
        evidence: Vec::new(),
        implied_by: None,
    })
}

fn text_reason(lang: Lang, words: &[String], vector: Option<f32>, score: Option<f32>) -> Reason {
    Reason {
        kind: if words.is_empty() {
            ReasonKind::Meaning
        } else {
            ReasonKind::Words
        },
        code: None,
        weight: score.unwrap_or(0.0),
        text: if words.is_empty() {
            reasons::meaning(lang, vector.unwrap_or(0.0))
        } else {
            reasons::words(lang, &words[..words.len().min(5)])
        },
    }
}

/// The dimensions that gave a real share of the needs score (the recommender lists the
/// largest first).
fn need_reasons(lang: Lang, per_dim: &[Contribution]) -> Vec<Reason> {
    let total: f64 = per_dim.iter().map(|c| c.contribution).sum();
    if total <= 0.0 {
        return Vec::new();
    }
    per_dim
        .iter()
        .filter(|c| c.contribution / total >= NEED_REASON_SHARE)
        .map(|c| Reason {
            kind: ReasonKind::Need,
            code: Some(c.dimension.key().to_string()),
            weight: c.contribution as f32,
            text: reasons::need(lang, &c.dimension.label(), c.rating as f32),
        })
        .collect()
}
