//! What the outcome learner hears, and from whom (see `aurora_guide::learning`).
//!
//! One rule for every API: only recommendations made for an **authenticated API client**
//! teach. Their impressions are recorded when they are served; a click counts the first time
//! a service's link is followed (the reference's `/redirect`, or `POST /api/v1/clicks`); a
//! feedback counts the first time a service is rated, and only from the client that asked.
//! Anonymous recommendations (the citizen page, anonymous API calls) are stored but never
//! teach, so no unauthenticated request can move a ranking. At start the learner is rebuilt
//! from the stored history ([`replay`]).

use aurora_guide::learning::{Context, LearningEvent, Outcome};
use aurora_guide::situation::SituationGuidance;
use aurora_store::{RecommendedService, StoredRecommendation};

use crate::error::ApiError;
use crate::state::AppState;

/// Recommendations read back at start (the most recent ones).
pub(crate) const REPLAY_LIMIT: u32 = 100_000;

/// The services of a guidance answer as a recommendation stores them (rank from 1).
pub(crate) fn shown(guidance: &SituationGuidance) -> Vec<RecommendedService> {
    guidance
        .services
        .iter()
        .enumerate()
        .map(|(i, r)| RecommendedService {
            service_id: r.service.id.clone(),
            rank: i as i64 + 1,
            score: f64::from(r.score),
        })
        .collect()
}

/// Records the impressions of a recommendation just served to `client_id` (nothing for an
/// anonymous one).
pub(crate) fn impressions(
    state: &AppState,
    client_id: &str,
    context: &Context,
    shown: &[(String, i64)],
) {
    if client_id.is_empty() {
        return;
    }
    let mut learner = state.learner().write().unwrap_or_else(|e| e.into_inner());
    for (service, rank) in shown {
        learner.record_impression(context, service, rank_of(*rank));
    }
}

/// Teaches an outcome of a stored recommendation as it was `before` the outcome was recorded;
/// returns whether it taught. Nothing is taught for an anonymous recommendation, for a
/// service not in it, or for a second outcome of the same kind on the same service.
pub(crate) fn outcome(
    state: &AppState,
    before: &StoredRecommendation,
    service: &str,
    outcome: Outcome,
) -> bool {
    if before.client_id.is_empty() {
        return false;
    }
    let Some(shown) = before.services.iter().find(|s| s.service_id == service) else {
        return false;
    };
    let first = match outcome {
        Outcome::Click => !shown.redirected,
        Outcome::Feedback(_) => shown.feedback_score.is_none(),
    };
    if !first {
        return false;
    }
    let context = Context::of_stored_request(&before.request_attributes);
    state
        .learner()
        .write()
        .unwrap_or_else(|e| e.into_inner())
        .record_outcome(&context, service, rank_of(shown.rank), outcome);
    true
}

/// Rebuilds the learner from the stored history; returns how many recommendations were read.
pub(crate) async fn replay(state: &AppState) -> Result<usize, ApiError> {
    let Some(store) = state.compat.store.as_ref() else {
        return Ok(0);
    };
    let history = store.learning_history(REPLAY_LIMIT).await?;
    let mut learner = state.learner().write().unwrap_or_else(|e| e.into_inner());
    for r in &history {
        let context = Context::of_stored_request(&r.request_attributes);
        let events = r.services.iter().flat_map(|s| {
            let rank = rank_of(s.rank);
            let base = LearningEvent {
                context: &context,
                service_id: &s.service_id,
                rank,
                outcome: None,
            };
            let click = s.redirected.then_some(LearningEvent {
                outcome: Some(Outcome::Click),
                ..base
            });
            let feedback = s.feedback_score.map(|f| LearningEvent {
                outcome: Some(Outcome::Feedback(f.signum() as i8)),
                ..base
            });
            std::iter::once(base).chain(click).chain(feedback)
        });
        learner.replay(events);
    }
    Ok(history.len())
}

fn rank_of(rank: i64) -> u32 {
    u32::try_from(rank.max(1)).unwrap_or(u32::MAX)
}
