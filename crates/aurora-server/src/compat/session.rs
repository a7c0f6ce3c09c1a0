//! Anonymous session transfer: `POST`, `GET` and `OPTIONS session_attributes`.
//!
//! A network client sends a person's attributes for a channel (`POST`, authenticated); the
//! answer is a link to the channel's web page carrying `auroraai_access_token`, directly or
//! through the tracking redirect when the recommendation is named. The receiving service
//! reads the attributes with the token (`GET`, no authentication: it holds no credentials
//! of ours).
//!
//! What the channel may receive is registered in the store (the reference's
//! profile-management `aurora_ai_service.session_transfer_receivable_attributes`); attributes
//! it may not receive are dropped before anything is stored, and when none is left no token
//! is issued (the link comes without one, as in the reference). Tokens: see the module
//! documentation of `compat` (hashed at rest, single use, 24 h).

use aurora_store::Error as StoreError;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use super::auth::authorize;
use super::format::{first_page, redirect_link};
use super::redirect::merge_query;
use super::{cors, html, json, json_body, plain, unavailable, validate};
use crate::state::AppState;

/// `OPTIONS`: the CORS preflight. No credentials are required: browsers send none on a
/// preflight.
pub(super) async fn options() -> Response {
    cors(html(StatusCode::OK, "OK"))
}

/// A store failure, in the reference's words for a failing profile-management call.
fn failed(e: StoreError) -> Response {
    let status = if e.is_unavailable() {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::INTERNAL_SERVER_ERROR
    };
    tracing::error!(
        error = %crate::error::redact_credentials(&e.to_string()),
        "session transfer failed"
    );
    cors(html(status, "Error"))
}

/// `GET session_attributes?access_token=…`: the attributes behind a token, once.
pub(super) async fn get_attributes(State(state): State<AppState>, uri: Uri) -> Response {
    let token = form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
        .find(|(k, _)| k == "access_token")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    if token.is_empty() {
        return cors(html(
            StatusCode::BAD_REQUEST,
            "access_token is a required parameter",
        ));
    }
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return cors(html(StatusCode::BAD_REQUEST, "Invalid access token format"));
    }
    let Some(store) = state.compat.store() else {
        return cors(unavailable());
    };
    match store
        .redeem_session_token(&token.to_ascii_lowercase())
        .await
    {
        Ok(Some(transfer)) => cors(json(StatusCode::OK, &transfer.attributes)),
        Ok(None) => cors(html(StatusCode::NOT_FOUND, "Access token does not exist")),
        Err(e) => failed(e),
    }
}

/// `POST session_attributes`: stores the attributes a channel may receive and answers with
/// the link that carries them.
pub(super) async fn post_attributes(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let compat = &state.compat;
    if let Err(r) = authorize(compat, &headers).await {
        return r;
    }
    let raw = match json_body(&headers, &body) {
        Ok(v) => v,
        Err(e) => return e.into_response(),
    };
    let input = match validate::session_input(&raw) {
        Ok(i) => i,
        Err(e) => {
            return plain(
                StatusCode::BAD_REQUEST,
                format!("Validation error in request data: {}", e.python()),
            )
        }
    };
    let Some(store) = compat.store() else {
        return cors(unavailable());
    };
    let accepted = match store.session_receiver(&input.channel_id).await {
        Ok(Some(a)) => a,
        Ok(None) => {
            return cors(html(
                StatusCode::BAD_REQUEST,
                format!(
                    "Session transfer not allowed. PTV-service-channel {} is not registered \
                     to receive session attributes.",
                    input.channel_id
                ),
            ))
        }
        Err(e) => return failed(e),
    };
    let channel = match state.store.channel(&input.channel_id).await {
        Ok(Some(c)) => c,
        Ok(None) => return cors(html(StatusCode::NOT_FOUND, "Service channel id not found")),
        Err(e) => return failed(e),
    };
    if let Some(service_id) = &input.service_id {
        match store
            .published_services(std::slice::from_ref(service_id))
            .await
        {
            Ok(s)
                if s.iter()
                    .any(|s| s.channels.iter().any(|l| l.channel_id == channel.id)) => {}
            Ok(_) => return cors(html(StatusCode::NOT_FOUND, "Service channel id not found")),
            Err(e) => return failed(e),
        }
    }
    let Some((link_id, page)) = first_page(&channel) else {
        return cors(html(
            StatusCode::NOT_FOUND,
            "No web page found for channel.",
        ));
    };
    let attributes: Map<String, Value> = input
        .attributes
        .into_iter()
        .filter(|(k, _)| accepted.iter().any(|a| a.key() == k))
        .collect();
    let token = if attributes.is_empty() {
        None
    } else {
        match store
            .issue_session_token(&channel.id, &Value::Object(attributes))
            .await
        {
            Ok(t) => Some(t),
            Err(e) => return failed(e),
        }
    };
    let token_param: Vec<(&str, &str)> = token
        .as_deref()
        .map(|t| vec![("auroraai_access_token", t)])
        .unwrap_or_default();
    let link = match (&input.service_id, input.recommendation_id) {
        (Some(service_id), Some(recommendation_id)) => redirect_link(
            compat.link_base(),
            recommendation_id,
            service_id,
            &channel.id,
            link_id,
            &token_param,
        ),
        _ => merge_query(page.url.trim(), &token_param),
    };
    cors(html(StatusCode::OK, link))
}
