//! `GET /api/v1/search`: full-text search over the published services (`aurora-search`),
//! with the same filters as the service list.

use std::sync::Arc;

use aurora_model::{Lang, Service, ServiceFilter};
use aurora_search::{Hit, LexicalOnlyReason, Query, SearchIndex, SearchMode, SearchResults};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;

use super::services::{service_filter, FILTER_PARAMS};
use super::{json_in, organizations_by_ids};
use crate::error::{ApiError, ErrorCode};
use crate::params::{negotiate, QueryParams};
use crate::state::AppState;
use crate::views::{MatchedView, SearchHitView, SearchView, ServiceSummaryView};

/// Hits when `limit` is not given, and the most a request may ask for.
pub(crate) const DEFAULT_LIMIT: usize = 10;
pub(crate) const MAX_LIMIT: usize = 50;
/// The deepest `offset` accepted (search results are ranked, not paged through in full).
const MAX_OFFSET: usize = 1000;
/// The longest search text, in characters.
pub(crate) const MAX_QUERY_CHARS: usize = 1024;

/// The search text of `q`: required, 1 to [`MAX_QUERY_CHARS`] characters after trimming.
pub(crate) fn query_text(params: &QueryParams) -> Result<String, ApiError> {
    match params.one("q")? {
        None => Err(ApiError::invalid(
            "q",
            format!("required: the text to search for (1 to {MAX_QUERY_CHARS} characters)"),
        )),
        Some("") => Err(ApiError::invalid(
            "q",
            format!("must not be empty; expected 1 to {MAX_QUERY_CHARS} characters"),
        )),
        Some(q) => {
            let chars = q.chars().count();
            if chars > MAX_QUERY_CHARS {
                Err(ApiError::invalid(
                    "q",
                    format!("too long: {chars} characters; at most {MAX_QUERY_CHARS}"),
                ))
            } else {
                Ok(q.to_string())
            }
        }
    }
}

/// The services of a search, best first: each hit with its published service (hits whose
/// service has since been archived or removed are skipped).
pub(crate) struct Found {
    pub results: SearchResults,
    pub services: Vec<(Hit, Service)>,
}

/// Runs `query` on the current index (on a blocking thread) and loads the hit services,
/// skipping the first `offset` hits. 503 `unavailable` while no index has been built.
pub(crate) async fn run(state: &AppState, query: Query, offset: usize) -> Result<Found, ApiError> {
    let index: Arc<SearchIndex> = state.search_index().ok_or_else(|| {
        ApiError::new(
            ErrorCode::Unavailable,
            "the search index is still being built",
        )
    })?;
    let mut results = tokio::task::spawn_blocking(move || index.search(&query))
        .await
        .map_err(|e| ApiError::internal(&format!("the search task failed: {e}")))?;
    let hits: Vec<Hit> = results.hits.drain(..).skip(offset).collect();
    let mut services = Vec::with_capacity(hits.len());
    for hit in hits {
        if let Some(service) = state.store.service(&hit.service_id).await? {
            services.push((hit, service));
        }
    }
    Ok(Found { results, services })
}

/// Query parameters of the search.
fn search_params() -> Vec<&'static str> {
    let mut accepted = vec!["q"];
    accepted.extend_from_slice(FILTER_PARAMS);
    accepted.extend_from_slice(&["limit", "offset", "lang"]);
    accepted
}

/// `mode_reason` of a lexical-only answer.
pub(crate) fn reason_str(reason: LexicalOnlyReason) -> &'static str {
    match reason {
        LexicalOnlyReason::DisabledByQuery => "disabled_by_query",
        LexicalOnlyReason::NoVectorsStored => "no_vectors_stored",
        LexicalOnlyReason::NoVectorScorer => "no_vector_scorer",
        LexicalOnlyReason::QueryNotEmbedded => "query_not_embedded",
        LexicalOnlyReason::UnusableQueryVector => "unusable_query_vector",
    }
}

pub(super) async fn search(
    State(state): State<AppState>,
    params: QueryParams,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    params.reject_unknown(&search_params())?;
    let text = query_text(&params)?;
    let explicit_lang: Option<Lang> = match params.one("lang")? {
        Some(code) => Some(code.parse::<Lang>()?),
        None => None,
    };
    let lang = negotiate(&params, &headers)?;
    let filter: ServiceFilter = service_filter(&params)?;
    let limit: usize = params.number("limit", DEFAULT_LIMIT, 1, MAX_LIMIT)?;
    let offset: usize = params.number("offset", 0, 0, MAX_OFFSET)?;

    // The text is analysed as `lang` when the client names it, else in every language.
    let mut query = Query::new(text).filter(filter).limit(limit + offset);
    if let Some(l) = explicit_lang {
        query = query.lang(l);
    }
    let found = run(&state, query, offset).await?;

    let organizations = organizations_by_ids(
        state.store.as_ref(),
        found
            .services
            .iter()
            .filter_map(|(_, s)| s.responsible_organization())
            .map(|o| o.organization_id.as_str()),
    )
    .await?;
    let items = found
        .services
        .iter()
        .map(|(hit, s)| SearchHitView {
            service: ServiceSummaryView::new(s, &organizations, lang),
            score: hit.score,
            lexical_score: hit.lexical_score,
            vector_score: hit.vector_score,
            matched: hit
                .matched_terms
                .iter()
                .map(|m| MatchedView {
                    field: m.field.as_str(),
                    term: m.term.clone(),
                    query_word: m.query_word.clone(),
                })
                .collect(),
        })
        .collect();
    let (mode, mode_reason) = match found.results.mode {
        SearchMode::Hybrid => ("hybrid", None),
        SearchMode::LexicalOnly(reason) => ("lexical_only", Some(reason_str(reason))),
    };
    Ok(json_in(
        lang,
        SearchView {
            items,
            mode,
            mode_reason,
            total_matches: found.results.lexical_matches,
            limit,
            offset,
        },
    ))
}
