//! Learning from outcomes: clicks and ±1 feedback adjust the ranking online.
//!
//! What a person does with a recommendation is the only honest signal of whether it helped,
//! but it is a biased and manipulable one. This learner is built around three rules:
//!
//! 1. **Position bias is corrected, not learned.** People click the first results because
//!    they are first. Every impression and click carries the rank it was shown at, and the
//!    learner weighs a click at rank `r` by `1 / p(r)`, where `p(r) = (1/r)^η` is the
//!    probability that rank `r` is examined at all (inverse propensity scoring; η defaults to
//!    1, the usual estimate for result lists). The estimate of a service's usefulness in a
//!    context is then `Σ clicks / p(rank)` over `impressions`: showing a service more often
//!    does not raise it, only being chosen more often than its position explains does.
//! 2. **No popularity loop.** Statistics are kept per *context* (the needs, life events and
//!    service classes the request expressed, see [`Context`]) and compared with that
//!    context's own average, shrunk towards it with a prior worth
//!    [`LearnerConfig::prior_impressions`] impressions, and the resulting factor is bounded
//!    by [`LearnerConfig::max_boost`]. A service cannot climb in contexts it was never
//!    chosen in, and it cannot climb without bound in the ones it was.
//! 3. **Only verified events count.** The learner trusts its caller: the server records an
//!    impression only for a recommendation it served, and a click or feedback only once per
//!    (recommendation, service), from the client that asked for it (see `aurora-server`).
//!    Nothing here is reachable from an unauthenticated request.
//!
//! Exploration (showing, now and then, a service from just below the cut so that the
//! learner sees evidence it would otherwise never get) is optional and off unless
//! [`LearnerConfig::exploration`] is set; explored items are marked in the results.
//!
//! The learner is in memory and rebuilt from the stored events at start ([`OutcomeLearner::replay`]);
//! it has no I/O of its own.

use std::collections::HashMap;

use aurora_model::Dimension;
use serde::{Deserialize, Serialize};

/// Added to the context's average gain when comparing a service with it, so that a context
/// with very few outcomes does not turn one click into a large factor.
const RELATIVE_FLOOR: f32 = 0.05;

/// Tunables of the [`OutcomeLearner`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LearnerConfig {
    /// Exponent η of the examination model `p(r) = (1/r)^η`.
    pub position_bias_eta: f32,
    /// Strength of the prior: a service's estimate counts as this many impressions at the
    /// context's average before its own evidence.
    pub prior_impressions: f32,
    /// The largest factor a service's score can be multiplied (or divided) by.
    pub max_boost: f32,
    /// Weight of one ±1 feedback relative to one (position-corrected) click.
    pub feedback_weight: f32,
    /// Whether to explore (see [`OutcomeLearner::explore`]).
    pub exploration: bool,
    /// Probability that one request's results contain an explored item.
    pub exploration_rate: f32,
}

impl Default for LearnerConfig {
    fn default() -> Self {
        LearnerConfig {
            position_bias_eta: 1.0,
            prior_impressions: 20.0,
            max_boost: 1.5,
            feedback_weight: 2.0,
            exploration: false,
            exploration_rate: 0.1,
        }
    }
}

/// What a request was about, as the learner sees it: a small set of coarse features, so that
/// evidence is shared between similar requests and no person can be singled out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Context {
    features: Vec<String>,
}

impl Context {
    /// A context from feature strings (deduplicated and sorted).
    pub fn new(features: impl IntoIterator<Item = String>) -> Self {
        let mut features: Vec<String> = features.into_iter().collect();
        features.sort();
        features.dedup();
        Context { features }
    }

    /// The features of a guidance request: the strongest needs (`need:housing` for a meter
    /// the person rated 4 or lower), recognised life events (`event:KE4`, main codes only) and
    /// service classes (`class:P1`, main codes only), and always `any`.
    pub fn of_request<'a>(
        meters: impl IntoIterator<Item = (Dimension, f32)>,
        life_events: impl IntoIterator<Item = &'a str>,
        service_classes: impl IntoIterator<Item = &'a str>,
    ) -> Self {
        let main = |code: &str| code.split('.').next().unwrap_or(code).to_string();
        let mut f = vec!["any".to_string()];
        f.extend(
            meters
                .into_iter()
                .filter(|(_, v)| *v <= 4.0)
                .map(|(d, _)| format!("need:{}", d.key())),
        );
        f.extend(
            life_events
                .into_iter()
                .map(|c| format!("event:{}", main(c))),
        );
        f.extend(
            service_classes
                .into_iter()
                .map(|c| format!("class:{}", main(c))),
        );
        Context::new(f)
    }

    /// The features.
    pub fn features(&self) -> &[String] {
        &self.features
    }

    /// The context of a stored request: its `context` features when it has them (guidance
    /// stores them), else the needs of its `life_situation_meters` (the reference's
    /// `recommend_service`: lists of 0–10 ratings, their mean used), else just `any`.
    pub fn of_stored_request(attributes: &serde_json::Value) -> Self {
        if let Some(features) = attributes.get("context").and_then(|c| c.as_array()) {
            return Context::new(
                features
                    .iter()
                    .filter_map(|f| f.as_str().map(str::to_string)),
            );
        }
        let meters = attributes
            .get("life_situation_meters")
            .and_then(|m| m.as_object())
            .into_iter()
            .flatten()
            .filter_map(|(key, values)| {
                let d = Dimension::ALL.into_iter().find(|d| d.key() == key)?;
                let v: Vec<f64> = values
                    .as_array()?
                    .iter()
                    .filter_map(|x| x.as_f64())
                    .collect();
                (!v.is_empty()).then(|| (d, (v.iter().sum::<f64>() / v.len() as f64) as f32))
            });
        Context::of_request(meters, std::iter::empty(), std::iter::empty())
    }
}

/// What happened to a shown service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    /// The person followed a link of the service.
    Click,
    /// The person rated the service +1 or −1.
    Feedback(i8),
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
struct Stat {
    impressions: f32,
    /// Σ 1/p(rank) over clicks.
    clicks_ips: f32,
    /// Σ feedback (±1), position-corrected like clicks.
    feedback_ips: f32,
}

impl Stat {
    fn gain(&self, cfg: &LearnerConfig) -> f32 {
        self.clicks_ips + cfg.feedback_weight * self.feedback_ips
    }
}

/// The learned adjustment of one service in one context.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Adjustment {
    /// Multiply the service's score by this (1 = no evidence either way).
    pub factor: f32,
    /// Impressions behind it (over the context's features).
    pub impressions: f32,
}

impl Adjustment {
    /// No evidence.
    pub const NEUTRAL: Adjustment = Adjustment {
        factor: 1.0,
        impressions: 0.0,
    };
}

/// The online learner (see the module docs).
#[derive(Debug, Clone, Default)]
pub struct OutcomeLearner {
    config: LearnerConfig,
    /// (feature, service id) → statistics.
    /// feature → service id → statistics (nested so that lookups borrow, not allocate).
    stats: HashMap<String, HashMap<String, Stat>>,
    /// feature → totals over every service (the context's baseline).
    totals: HashMap<String, Stat>,
}

impl OutcomeLearner {
    /// An empty learner.
    pub fn new(config: LearnerConfig) -> Self {
        OutcomeLearner {
            config,
            ..OutcomeLearner::default()
        }
    }

    /// The configuration.
    pub fn config(&self) -> &LearnerConfig {
        &self.config
    }

    /// Examination probability of 1-based `rank`.
    pub fn propensity(&self, rank: u32) -> f32 {
        (1.0 / rank.max(1) as f32).powf(self.config.position_bias_eta)
    }

    /// Records that `service_id` was shown at `rank` (1-based) for a request in `ctx`.
    pub fn record_impression(&mut self, ctx: &Context, service_id: &str, rank: u32) {
        let _ = rank; // impressions count once whatever the rank; clicks carry the correction
        self.update(ctx, service_id, |s| s.impressions += 1.0);
    }

    /// Records an outcome of a service shown at `rank` for a request in `ctx`.
    pub fn record_outcome(&mut self, ctx: &Context, service_id: &str, rank: u32, outcome: Outcome) {
        let w = 1.0 / self.propensity(rank);
        match outcome {
            Outcome::Click => self.update(ctx, service_id, |s| s.clicks_ips += w),
            Outcome::Feedback(v) => {
                let v = f32::from(v.signum());
                self.update(ctx, service_id, |s| s.feedback_ips += v * w)
            }
        }
    }

    fn update(&mut self, ctx: &Context, service_id: &str, f: impl Fn(&mut Stat)) {
        for feature in ctx.features() {
            let services = match self.stats.get_mut(feature.as_str()) {
                Some(s) => s,
                None => self.stats.entry(feature.clone()).or_default(),
            };
            match services.get_mut(service_id) {
                Some(stat) => f(stat),
                None => f(services.entry(service_id.to_string()).or_default()),
            }
            match self.totals.get_mut(feature.as_str()) {
                Some(total) => f(total),
                None => f(self.totals.entry(feature.clone()).or_default()),
            }
        }
    }

    /// Rebuilds from stored events, oldest first.
    pub fn replay<'a>(&mut self, events: impl IntoIterator<Item = LearningEvent<'a>>) {
        for e in events {
            match e.outcome {
                None => self.record_impression(e.context, e.service_id, e.rank),
                Some(o) => self.record_outcome(e.context, e.service_id, e.rank, o),
            }
        }
    }

    /// The adjustment of `service_id` in `ctx`: the mean over the context's features of the
    /// difference between the service's shrunk, position-corrected gain and the feature's
    /// average (relative to that average), as the log of a factor bounded to
    /// `[1/max_boost, max_boost]`.
    pub fn adjustment(&self, ctx: &Context, service_id: &str) -> Adjustment {
        let cfg = &self.config;
        let mut log_sum = 0.0f32;
        let mut impressions = 0.0f32;
        let mut n = 0usize;
        for feature in ctx.features() {
            let Some(total) = self.totals.get(feature) else {
                continue;
            };
            if total.impressions <= 0.0 {
                continue;
            }
            let own = self
                .stats
                .get(feature.as_str())
                .and_then(|s| s.get(service_id))
                .copied()
                .unwrap_or_default();
            // The context's average gain per impression, and the service's shrunk towards
            // it. Their difference, relative to the average's size, is the evidence: with no
            // outcomes at all both are 0 and nothing is learned (impressions alone teach
            // nothing); a service chosen as often as its positions explain stays neutral.
            let base = total.gain(cfg) / total.impressions;
            let shrunk = (own.gain(cfg) + cfg.prior_impressions * base)
                / (own.impressions + cfg.prior_impressions);
            let relative = (shrunk - base) / (base.abs() + RELATIVE_FLOOR);
            log_sum += relative;
            impressions += own.impressions;
            n += 1;
        }
        if n == 0 {
            return Adjustment::NEUTRAL;
        }
        let bound = cfg.max_boost.max(1.0).ln();
        Adjustment {
            factor: (log_sum / n as f32).clamp(-bound, bound).exp(),
            impressions,
        }
    }

    /// Exploration: with probability [`LearnerConfig::exploration_rate`] (decided by `seed`,
    /// so a request's randomness is reproducible), moves one item from below the cut
    /// (`ranked[limit..]`, the next five) into the lower half of the top `limit`. Returns the
    /// index of the explored item after the move, or `None` (always `None` when exploration
    /// is off).
    pub fn explore<T>(&self, ranked: &mut Vec<T>, limit: usize, seed: u64) -> Option<usize> {
        if !self.config.exploration || limit < 2 || ranked.len() <= limit {
            return None;
        }
        let mut rng = SplitMix64(seed);
        if rng.unit() >= self.config.exploration_rate {
            return None;
        }
        let pool = (ranked.len() - limit).min(5);
        let from = limit + (rng.next() % pool as u64) as usize;
        let lower_half = limit / 2;
        let to = lower_half + (rng.next() % (limit - lower_half) as u64) as usize;
        let item = ranked.remove(from);
        ranked.insert(to, item);
        Some(to)
    }
}

/// One stored event for [`OutcomeLearner::replay`].
#[derive(Debug, Clone, Copy)]
pub struct LearningEvent<'a> {
    /// The request's context.
    pub context: &'a Context,
    /// The service.
    pub service_id: &'a str,
    /// 1-based rank it was shown at.
    pub rank: u32,
    /// `None` for an impression.
    pub outcome: Option<Outcome>,
}

/// A tiny deterministic generator for exploration decisions (no cryptographic use).
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn unit(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> Context {
        Context::of_request([(Dimension::Housing, 2.0)], ["KE4.1"], ["P1.4"])
    }

    /// Shows `services` in order `rounds` times; `clicks(rank, id)` says whether to click.
    fn simulate(
        learner: &mut OutcomeLearner,
        services: &[&str],
        rounds: usize,
        clicks: impl Fn(usize, u32, &str) -> bool,
    ) {
        let c = ctx();
        for round in 0..rounds {
            for (i, s) in services.iter().enumerate() {
                let rank = i as u32 + 1;
                learner.record_impression(&c, s, rank);
                if clicks(round, rank, s) {
                    learner.record_outcome(&c, s, rank, Outcome::Click);
                }
            }
        }
    }

    #[test]
    fn context_features_are_coarse() {
        let c = Context::of_request(
            [(Dimension::Housing, 2.0), (Dimension::Health, 9.0)],
            ["KE4.1", "KE4"],
            ["P1.4"],
        );
        assert_eq!(
            c.features(),
            ["any", "class:P1", "event:KE4", "need:housing"]
        );
    }

    #[test]
    fn stored_requests_give_their_context() {
        let guidance = serde_json::json!({"context": ["any", "need:housing"], "text_chars": 12});
        assert_eq!(
            Context::of_stored_request(&guidance).features(),
            ["any", "need:housing"]
        );
        let reference = serde_json::json!({
            "life_situation_meters": {"housing": [2, 4], "health": [9], "family": []}
        });
        assert_eq!(
            Context::of_stored_request(&reference).features(),
            ["any", "need:housing"]
        );
        assert_eq!(
            Context::of_stored_request(&serde_json::json!({})).features(),
            ["any"]
        );
    }

    #[test]
    fn no_evidence_is_neutral() {
        let l = OutcomeLearner::new(LearnerConfig::default());
        assert_eq!(l.adjustment(&ctx(), "a"), Adjustment::NEUTRAL);
    }

    #[test]
    fn clicks_explained_by_position_do_not_boost() {
        // Clicks follow the examination model exactly: rank 1 clicked every round, rank 2
        // every second round, rank 4 every fourth. After position correction all three are
        // equally useful, so none is boosted over the others.
        let mut l = OutcomeLearner::new(LearnerConfig::default());
        simulate(&mut l, &["a", "b", "c", "d"], 400, |round, rank, _| {
            round % rank as usize == 0 && rank != 3
        });
        let a = l.adjustment(&ctx(), "a").factor;
        let b = l.adjustment(&ctx(), "b").factor;
        let d = l.adjustment(&ctx(), "d").factor;
        assert!((a - b).abs() < 0.05, "{a} {b}");
        assert!((a - d).abs() < 0.05, "{a} {d}");
        // c, never clicked, is lowered.
        assert!(l.adjustment(&ctx(), "c").factor < 0.9);
    }

    #[test]
    fn a_service_chosen_more_than_its_position_explains_rises_within_bounds() {
        let mut l = OutcomeLearner::new(LearnerConfig::default());
        // "c" at rank 3 is clicked every round, more than rank 1.
        simulate(&mut l, &["a", "b", "c"], 500, |round, rank, s| {
            s == "c" || (rank == 1 && round % 2 == 0)
        });
        let c = l.adjustment(&ctx(), "c");
        let a = l.adjustment(&ctx(), "a");
        assert!(c.factor > a.factor, "{c:?} {a:?}");
        assert!(c.factor <= l.config().max_boost + 1e-6);
        assert_eq!(c.impressions, 500.0 * 4.0); // 4 features
    }

    #[test]
    fn impressions_alone_never_raise_a_service() {
        // The popularity loop: a service shown a lot but never chosen must not rise.
        let mut l = OutcomeLearner::new(LearnerConfig::default());
        simulate(&mut l, &["a", "b"], 200, |_, rank, _| rank == 2);
        for _ in 0..10_000 {
            l.record_impression(&ctx(), "a", 1);
        }
        assert!(l.adjustment(&ctx(), "a").factor < 1.0);
    }

    #[test]
    fn impressions_without_any_outcome_teach_nothing() {
        let mut l = OutcomeLearner::new(LearnerConfig::default());
        simulate(&mut l, &["a", "b", "c"], 100, |_, _, _| false);
        for s in ["a", "b", "c"] {
            assert_eq!(l.adjustment(&ctx(), s).factor, 1.0);
        }
    }

    #[test]
    fn negative_feedback_lowers_and_evidence_in_other_contexts_does_not_leak() {
        let mut l = OutcomeLearner::new(LearnerConfig::default());
        simulate(&mut l, &["a", "b"], 50, |_, _, _| true);
        for _ in 0..50 {
            l.record_outcome(&ctx(), "a", 1, Outcome::Feedback(-1));
        }
        assert!(l.adjustment(&ctx(), "a").factor < l.adjustment(&ctx(), "b").factor);
        let other = Context::new(["need:finance".to_string()]);
        assert_eq!(l.adjustment(&other, "a"), Adjustment::NEUTRAL);
    }

    #[test]
    fn exploration_is_off_by_default_and_bounded_when_on() {
        let l = OutcomeLearner::new(LearnerConfig::default());
        let mut v: Vec<u32> = (0..20).collect();
        assert_eq!(l.explore(&mut v, 10, 7), None);
        assert_eq!(v, (0..20).collect::<Vec<_>>());

        let l = OutcomeLearner::new(LearnerConfig {
            exploration: true,
            exploration_rate: 1.0,
            ..LearnerConfig::default()
        });
        for seed in 0..100 {
            let mut v: Vec<u32> = (0..20).collect();
            let at = l.explore(&mut v, 10, seed).expect("rate 1 always explores");
            assert!((5..10).contains(&at));
            assert!(
                (10..15).contains(&v[at]),
                "explored from just below the cut"
            );
            let mut sorted = v.clone();
            sorted.sort();
            assert_eq!(sorted, (0..20).collect::<Vec<_>>());
        }
    }

    #[test]
    fn replay_equals_live_updates() {
        let c = ctx();
        let mut live = OutcomeLearner::new(LearnerConfig::default());
        live.record_impression(&c, "a", 1);
        live.record_impression(&c, "b", 2);
        live.record_outcome(&c, "b", 2, Outcome::Click);
        let mut replayed = OutcomeLearner::new(LearnerConfig::default());
        replayed.replay([
            LearningEvent {
                context: &c,
                service_id: "a",
                rank: 1,
                outcome: None,
            },
            LearningEvent {
                context: &c,
                service_id: "b",
                rank: 2,
                outcome: None,
            },
            LearningEvent {
                context: &c,
                service_id: "b",
                rank: 2,
                outcome: Some(Outcome::Click),
            },
        ]);
        assert_eq!(live.adjustment(&c, "b"), replayed.adjustment(&c, "b"));
    }
}
