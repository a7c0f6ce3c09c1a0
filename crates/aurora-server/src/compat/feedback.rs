//! `POST recommendation_feedback`: overall and per-service scores (−1 or 1).
//!
//! Only the client that created a recommendation may give feedback on it; for any other
//! caller the recommendation does not exist (the same 404 as an unknown id, so ids cannot be
//! probed). All of the feedback is stored or none of it; each score replaces the previous one.

use aurora_guide::learning::Outcome;
use aurora_store::{Feedback, FeedbackOutcome};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::auth::authorize;
use super::{html, invalid, json_body, store_error, unavailable, validate};
use crate::state::AppState;

pub(super) async fn feedback(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let compat = &state.compat;
    let caller = match authorize(compat, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let raw = match json_body(&headers, &body) {
        Ok(v) => v,
        Err(e) => return e.into_response(),
    };
    let input = match validate::feedback_input(&raw) {
        Ok(i) => i,
        Err(e) => return invalid(&e),
    };
    let Some(store) = compat.store() else {
        return unavailable();
    };
    // What it was before, so that only a first rating of a service teaches the learner.
    let before = match store.recommendation(input.recommendation_id).await {
        Ok(r) => r.filter(|r| r.client_id == caller.client_id),
        Err(e) => return store_error(e),
    };
    let outcome = store
        .record_feedback(&Feedback {
            recommendation_id: input.recommendation_id,
            client_id: &caller.client_id,
            overall: input.overall,
            services: &input.services,
        })
        .await;
    match outcome {
        Ok(FeedbackOutcome::Recorded) => {
            if let Some(before) = &before {
                for (service, score) in &input.services {
                    let _ = crate::learning::outcome(
                        &state,
                        before,
                        service,
                        Outcome::Feedback(score.signum() as i8),
                    );
                }
            }
            html(StatusCode::OK, "OK")
        }
        Ok(FeedbackOutcome::UnknownRecommendation) => html(
            StatusCode::NOT_FOUND,
            format!("Invalid recommendation_id: {}", input.recommendation_id),
        ),
        Ok(FeedbackOutcome::ServiceNotRecommended(id)) => {
            html(StatusCode::NOT_FOUND, format!("Invalid service id: {id}"))
        }
        Err(e) => store_error(e),
    }
}
