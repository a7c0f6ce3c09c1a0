//! Operational endpoints: `/healthz`, `/readyz`, `/metrics`.

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

use crate::error::{ApiError, ErrorCode};
use crate::params::QueryParams;
use crate::state::AppState;
use crate::telemetry;

#[derive(Serialize)]
struct Status {
    status: &'static str,
}

/// `GET /healthz`: the process is alive. Never touches the store.
pub(crate) async fn healthz(params: QueryParams) -> Result<Json<impl Serialize>, ApiError> {
    params.reject_unknown(&[])?;
    Ok(Json(Status { status: "ok" }))
}

/// `GET /readyz`: 200 when the readiness flag is set, the search index is built and the store
/// answers a ping, else 503.
pub(crate) async fn readyz(
    State(state): State<AppState>,
    params: QueryParams,
) -> Result<Json<impl Serialize>, ApiError> {
    params.reject_unknown(&[])?;
    if !state.is_ready() {
        return Err(ApiError::new(
            ErrorCode::Unavailable,
            "not ready: the catalogue is still being loaded",
        ));
    }
    if !state.search_ready() {
        return Err(ApiError::new(
            ErrorCode::Unavailable,
            "not ready: the search index is still being built",
        ));
    }
    if let Err(error) = state.store.ping().await {
        tracing::warn!(%error, "readiness ping failed");
        return Err(ApiError::new(
            ErrorCode::Unavailable,
            "not ready: the catalogue database does not answer",
        ));
    }
    Ok(Json(Status { status: "ready" }))
}

/// `GET /metrics`: Prometheus text exposition. Catalogue gauges are refreshed first; if the
/// store fails, the request metrics are still served (the gauges keep their last values).
pub(crate) async fn metrics(State(state): State<AppState>) -> Response {
    match state.store.counts().await {
        Ok(counts) => telemetry::record_counts(&counts),
        Err(error) => tracing::warn!(%error, "catalogue counts unavailable for /metrics"),
    }
    state.metrics.run_upkeep();
    let mut response = state.metrics.render().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    response
}
