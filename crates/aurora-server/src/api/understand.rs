//! `POST /api/v1/understand`: the intent engine over HTTP.

use aurora_nlu::{UnderstandOptions, Understanding};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::body::JsonObject;
use crate::error::ApiError;
use crate::state::AppState;

/// Fields of the request body.
pub(crate) const FIELDS: &[&str] = &["text", "lang", "max_life_events", "max_service_classes"];

/// Upper bounds of the `max_*` fields: every life event, and a generous number of classes.
const MAX_LIFE_EVENTS: usize = 19;
const MAX_SERVICE_CLASSES: usize = 50;

pub(super) async fn understand(
    State(state): State<AppState>,
    body: JsonObject,
) -> Result<Response, ApiError> {
    body.reject_unknown(FIELDS)?;
    let text = body.required_str("text")?.to_string();
    let defaults = UnderstandOptions::default();
    let opts = UnderstandOptions {
        lang_hint: body.lang("lang")?,
        max_life_events: body.integer(
            "max_life_events",
            defaults.max_life_events,
            1,
            MAX_LIFE_EVENTS,
        )?,
        max_service_classes: body.integer(
            "max_service_classes",
            defaults.max_service_classes,
            1,
            MAX_SERVICE_CLASSES,
        )?,
        ..defaults
    };
    let understanding = understand_blocking(&state, text, opts).await?;
    Ok(Json(understanding).into_response())
}

/// Runs the intent engine on a blocking thread (building it on first use).
pub(crate) async fn understand_blocking(
    state: &AppState,
    text: String,
    opts: UnderstandOptions,
) -> Result<Understanding, ApiError> {
    let state = state.clone();
    tokio::task::spawn_blocking(move || state.understander().understand(&text, &opts))
        .await
        .map_err(|e| ApiError::internal(&format!("the intent engine task failed: {e}")))?
        .map_err(ApiError::from)
}
