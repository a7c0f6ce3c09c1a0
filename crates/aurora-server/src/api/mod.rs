//! The catalogue API under `/api/v1`: JSON views of services, channels, organisations and the
//! built-in code lists.
//!
//! Every endpoint takes `lang` (`fi`, `sv` or `en`; default from `Accept-Language`, else
//! `fi`), answers with `Content-Language`, and rejects query parameters it does not know.
//! Lists take `limit` (1–500, default 50) and `offset` (default 0) and return
//! `{"items": [...], "total": N, "limit": L, "offset": O}`.
//!
//! Two endpoints take a JSON body instead (`POST /api/v1/understand`, `POST
//! /api/v1/guidance`); they reject unknown fields by name the same way ([`crate::body`]).
//!
//! The catalogue handlers do no CPU-heavy work (views are field copies of at most 500
//! records); the store calls are async. The intent engine runs on a blocking thread
//! (`spawn_blocking`): usually 0.2 ms, but a few ms for a long text, and its first use builds
//! it (~0.15 s).

mod catalog;
mod codes;
pub(crate) mod feedback;
mod guidance;
pub(crate) mod search;
mod services;
mod understand;

use aurora_model::Lang;
use aurora_store::Page;
use axum::extract::FromRequestParts;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;

use crate::error::ApiError;
use crate::params::QueryParams;
use crate::state::AppState;

pub(crate) use services::{organizations_by_ids, service_with_links};

/// Page size when `limit` is not given.
pub(crate) const DEFAULT_LIMIT: u32 = 50;

/// `Path` whose rejection is a problem+json [`ApiError`].
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub(crate) struct ApiPath<T>(pub T);

/// The `/api/v1` routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/services", get(services::list))
        .route("/api/v1/services/{id}", get(services::get_one))
        .route("/api/v1/search", get(search::search))
        .route("/api/v1/channels", get(catalog::list_channels))
        .route("/api/v1/channels/{id}", get(catalog::get_channel))
        .route("/api/v1/organizations", get(catalog::list_organizations))
        .route("/api/v1/organizations/{id}", get(catalog::get_organization))
        .route("/api/v1/understand", post(understand::understand))
        .route("/api/v1/guidance", post(guidance::guidance))
        .route("/api/v1/feedback", post(feedback::feedback))
        .route("/api/v1/clicks", post(feedback::click))
        .merge(codes::routes())
}

/// A JSON body with `Content-Language`.
pub(crate) fn json_in<T: Serialize>(lang: Lang, body: T) -> Response {
    let mut response = Json(body).into_response();
    response.headers_mut().insert(
        header::CONTENT_LANGUAGE,
        HeaderValue::from_static(lang.code()),
    );
    response
}

/// `limit` and `offset`.
pub(crate) fn page(params: &QueryParams) -> Result<Page, ApiError> {
    Ok(Page {
        limit: params.number("limit", DEFAULT_LIMIT, 1, Page::MAX_LIMIT)?,
        offset: params.number("offset", 0, 0, i64::MAX as u64)?,
    })
}

/// A record id from the path: a UUID in any of its spellings, normalised to PTV's lowercase
/// hyphenated form.
pub(crate) fn record_id(raw: &str) -> Result<String, ApiError> {
    uuid::Uuid::parse_str(raw.trim())
        .map(|u| u.hyphenated().to_string())
        .map_err(|_| {
            ApiError::invalid(
                "id",
                format!(
                    "expected a UUID such as 6ccb671f-05cd-46cf-a0a4-4f98d43dfd37, got {raw:?}"
                ),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_normalised_uuids() {
        assert_eq!(
            record_id("6CCB671F05CD46CFA0A44F98D43DFD37").unwrap(),
            "6ccb671f-05cd-46cf-a0a4-4f98d43dfd37"
        );
        assert_eq!(
            record_id("nope").unwrap_err().detail,
            "invalid value for parameter `id`: expected a UUID such as 6ccb671f-05cd-46cf-a0a4-4f98d43dfd37, got \"nope\""
        );
    }
}
