//! `POST /api/v1/feedback` and `POST /api/v1/clicks`: what happened to a recommendation of
//! `POST /api/v1/guidance`.
//!
//! Both refer to a stored recommendation by its random, unguessable id and to one of its
//! services; anything else is 404. Each (recommendation, service) counts **once** for
//! learning: a click is recorded the first time only, and feedback teaches the learner only
//! the first time it is given (later changes are stored, not learned again).
//!
//! Learning follows `crate::learning`: only recommendations made for an authenticated API
//! client teach, feedback only from that client, each (recommendation, service) once.
//! Anonymous recommendations take feedback and clicks too (stored, so the situational
//! picture sees them), but they never move a ranking: whoever can send requests without
//! credentials cannot inflate a service.

use aurora_guide::learning::Outcome;
use aurora_store::{Feedback, FeedbackOutcome, RedirectOutcome, StoredRecommendation};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use crate::body::JsonObject;
use crate::compat::auth::basic_credentials;
use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;

/// Fields of a feedback body.
pub(crate) const FEEDBACK_FIELDS: &[&str] = &["recommendation_id", "service_id", "score"];
/// Fields of a click body.
pub(crate) const CLICK_FIELDS: &[&str] = &["recommendation_id", "service_id", "channel_id"];

/// The authenticated client of the request, `None` without credentials; 401 for bad ones
/// (a wrong secret is never silently treated as anonymous).
pub(crate) async fn client(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<String>, ApiError> {
    if headers.get(axum::http::header::AUTHORIZATION).is_none() {
        return Ok(None);
    }
    let unauthorized = || {
        ApiError::new(
            ErrorCode::Unauthorized,
            "the Authorization header does not name a valid API client (HTTP Basic client_id:secret)",
        )
    };
    let (id, secret) = basic_credentials(headers).ok_or_else(unauthorized)?;
    let store = state.compat.store.as_ref().ok_or_else(unauthorized)?;
    match store.authenticate_client(&id, &secret).await? {
        Some(c) => Ok(Some(c.id)),
        None => {
            tracing::info!(client_id = %id, "API client not authenticated");
            Err(unauthorized())
        }
    }
}

fn recommendation_id(body: &JsonObject) -> Result<i64, ApiError> {
    match body.value("recommendation_id") {
        Some(v) => v.as_i64().filter(|n| *n > 0).ok_or_else(|| {
            ApiError::invalid_field(
                "recommendation_id",
                format!("expected the positive integer returned by /api/v1/guidance, got {v}"),
            )
        }),
        None => Err(ApiError::invalid_field(
            "recommendation_id",
            "required: the recommendation_id returned by /api/v1/guidance",
        )),
    }
}

fn uuid_field(body: &JsonObject, name: &str) -> Result<String, ApiError> {
    let raw = body.required_str(name)?;
    uuid::Uuid::parse_str(raw.trim())
        .map(|u| u.hyphenated().to_string())
        .map_err(|_| ApiError::invalid_field(name, format!("expected a UUID, got {raw:?}")))
}

/// The recommendation, if it exists and was made by `/api/v1/guidance`.
async fn load(state: &AppState, id: i64) -> Result<StoredRecommendation, ApiError> {
    let store = state.compat.store.as_ref().ok_or_else(|| {
        ApiError::new(
            ErrorCode::Unavailable,
            "this node stores no recommendations, so it takes no feedback",
        )
    })?;
    match store.recommendation(id).await? {
        Some(r) if r.request_path == "/api/v1/guidance" => Ok(r),
        _ => Err(not_found(id)),
    }
}

fn not_found(id: i64) -> ApiError {
    ApiError::new(ErrorCode::NotFound, format!("no recommendation {id}"))
}

pub(super) async fn feedback(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: JsonObject,
) -> Result<Response, ApiError> {
    body.reject_unknown(FEEDBACK_FIELDS)?;
    let id = recommendation_id(&body)?;
    let service_id = uuid_field(&body, "service_id")?;
    let score = match body.value("score").and_then(Value::as_i64) {
        Some(s @ (-1 | 1)) => s,
        _ => {
            return Err(ApiError::invalid_field(
                "score",
                "required: 1 (helpful) or -1 (not helpful)",
            ))
        }
    };
    let caller = client(&state, &headers).await?;
    let r = load(&state, id).await?;
    // Anonymous recommendations take anonymous feedback; a client's only its own.
    if r.client_id != caller.clone().unwrap_or_default() {
        return Err(not_found(id));
    }
    if !r.services.iter().any(|s| s.service_id == service_id) {
        return Err(ApiError::for_field(
            ErrorCode::NotFound,
            "service_id",
            format!("service {service_id} was not part of recommendation {id}"),
        ));
    }
    let store = state.compat.store.as_ref().ok_or_else(|| not_found(id))?;
    let outcome = store
        .record_feedback(&Feedback {
            recommendation_id: id,
            client_id: &r.client_id,
            overall: None,
            services: &[(service_id.clone(), score)],
        })
        .await?;
    if outcome != FeedbackOutcome::Recorded {
        return Err(not_found(id));
    }
    let learned = crate::learning::outcome(&state, &r, &service_id, Outcome::Feedback(score as i8));
    Ok((
        StatusCode::OK,
        axum::Json(json!({"recorded": true, "learned": learned})),
    )
        .into_response())
}

pub(super) async fn click(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: JsonObject,
) -> Result<Response, ApiError> {
    body.reject_unknown(CLICK_FIELDS)?;
    let id = recommendation_id(&body)?;
    let service_id = uuid_field(&body, "service_id")?;
    let channel_id = uuid_field(&body, "channel_id")?;
    // Credentials are checked when given (a wrong secret is a 401), but a click counts
    // whoever reports it: like a followed tracking link, it needs the unguessable id.
    client(&state, &headers).await?;
    let r = load(&state, id).await?;
    if !r.services.iter().any(|s| s.service_id == service_id) {
        return Err(ApiError::for_field(
            ErrorCode::NotFound,
            "service_id",
            format!("service {service_id} was not part of recommendation {id}"),
        ));
    }
    let service = state.store.service(&service_id).await?;
    if !service.is_some_and(|s| s.channels.iter().any(|c| c.channel_id == channel_id)) {
        return Err(ApiError::for_field(
            ErrorCode::NotFound,
            "channel_id",
            format!("channel {channel_id} is not a channel of service {service_id}"),
        ));
    }
    let store = state.compat.store.as_ref().ok_or_else(|| not_found(id))?;
    let outcome = store.record_redirect(id, &service_id, &channel_id).await?;
    let first = outcome == RedirectOutcome::Recorded;
    let learned = first && crate::learning::outcome(&state, &r, &service_id, Outcome::Click);
    Ok((
        StatusCode::OK,
        axum::Json(json!({"recorded": first, "learned": learned})),
    )
        .into_response())
}
