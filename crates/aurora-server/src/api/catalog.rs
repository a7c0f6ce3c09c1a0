//! Channels and organisations: `GET /api/v1/channels[/{id}]`, `GET /api/v1/organizations[/{id}]`.

use aurora_model::ChannelKind;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;

use super::{json_in, page, record_id, ApiPath};
use crate::error::ApiError;
use crate::params::{negotiate, QueryParams};
use crate::state::AppState;
use crate::views::{ChannelView, OrganizationView, PageView};

pub(super) async fn list_channels(
    State(state): State<AppState>,
    params: QueryParams,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    params.reject_unknown(&["kind", "limit", "offset", "lang"])?;
    let lang = negotiate(&params, &headers)?;
    let kind = match params.one("kind")? {
        None | Some("") => None,
        Some(k) => Some(ChannelKind::parse(k).ok_or_else(|| {
            let accepted: Vec<&str> = ChannelKind::ALL.iter().map(|k| k.as_str()).collect();
            ApiError::invalid(
                "kind",
                format!(
                    "unknown channel kind {k:?}; expected one of {}",
                    accepted.join(", ")
                ),
            )
        })?),
    };
    let page = page(&params)?;
    let found = state.store.channels(kind, page).await?;
    Ok(json_in(
        lang,
        PageView {
            items: found
                .items
                .iter()
                .map(|c| ChannelView::new(c, lang))
                .collect(),
            total: found.total,
            limit: page.limit,
            offset: page.offset,
        },
    ))
}

pub(super) async fn get_channel(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    params: QueryParams,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    params.reject_unknown(&["lang"])?;
    let lang = negotiate(&params, &headers)?;
    let id = record_id(&id)?;
    let channel = state
        .store
        .channel(&id)
        .await?
        .ok_or_else(|| ApiError::not_found("channel", &id))?;
    Ok(json_in(lang, ChannelView::new(&channel, lang)))
}

pub(super) async fn list_organizations(
    State(state): State<AppState>,
    params: QueryParams,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    params.reject_unknown(&["limit", "offset", "lang"])?;
    let lang = negotiate(&params, &headers)?;
    let page = page(&params)?;
    let found = state.store.organizations(page).await?;
    Ok(json_in(
        lang,
        PageView {
            items: found
                .items
                .iter()
                .map(|o| OrganizationView::new(o, lang))
                .collect(),
            total: found.total,
            limit: page.limit,
            offset: page.offset,
        },
    ))
}

pub(super) async fn get_organization(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    params: QueryParams,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    params.reject_unknown(&["lang"])?;
    let lang = negotiate(&params, &headers)?;
    let id = record_id(&id)?;
    let organization = state
        .store
        .organization(&id)
        .await?
        .ok_or_else(|| ApiError::not_found("organization", &id))?;
    Ok(json_in(lang, OrganizationView::new(&organization, lang)))
}
