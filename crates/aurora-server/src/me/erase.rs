//! Erasing a person's account (GDPR Art. 17), `POST /api/v1/me/erase`.
//!
//! In this order, so that nothing outlives the erasure even if a step fails and the person
//! retries:
//! 1. every OAuth code and token of the person is revoked, and a deletion notice is queued to
//!    every member service that holds or held a grant or consent (the queue keeps only the
//!    service's pairwise id and outlives the person; a worker delivers with retries);
//! 2. the person is deleted: every table holding their data references `persons(id) ON
//!    DELETE CASCADE` (twin values and history, consents and their receipts, the access log,
//!    sessions, the account and external identities, mandates), in one transaction;
//! 3. the person receives a signed **erasure receipt** (EdDSA JWS, verifiable with the JWKS):
//!    what was erased, when, and how many services were notified.
//!
//! The reference deleted the account but left OAuth grants alive (profile §8.3); here the
//! tokens are revoked before the data goes, and the deletion does not wait for any service.

use aurora_store::people::PersonStore;
use aurora_twin::jws::{sign_compact, JwsHeader};
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde::Serialize;

use super::auth::{clear_cookie, unix_now, SignedIn};
use crate::body::JsonObject;
use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;

/// The JWS `typ` of an erasure receipt.
pub(crate) const ERASURE_RECEIPT_TYP: &str = "erasure-receipt+jwt";

/// What the person gets back.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ErasureReceipt {
    /// The receipt's id (`jti`).
    pub(crate) receipt_id: String,
    /// When (RFC 3339).
    pub(crate) erased_at: String,
    /// Member services told to delete what they hold.
    pub(crate) services_notified: u64,
    /// The signed receipt (compact JWS, EdDSA, `kid` of `/oauth/jwks.json`).
    pub(crate) receipt: String,
}

#[derive(Serialize)]
struct ReceiptClaims<'a> {
    iss: &'a str,
    sub: &'a str,
    iat: i64,
    jti: &'a str,
    erased: &'a [&'a str],
    services_notified: u64,
}

/// What an erasure removes, as listed in the receipt.
const ERASED: &[&str] = &[
    "account",
    "sign-in sessions",
    "external sign-in identities",
    "twin attributes and their history",
    "consents and consent receipts",
    "access log",
    "mandates to act for companies",
    "OAuth grants and tokens",
];

/// Erases the signed-in person's account; see the module docs.
pub(crate) async fn erase_account(
    state: &AppState,
    signed: &SignedIn,
) -> Result<ErasureReceipt, ApiError> {
    let twin = state.twin()?;
    let store = twin.store.as_ref();
    let now = unix_now();
    let services_notified = aurora_twin::oauth::notice::queue_erasure_notices(
        store,
        store,
        &twin.keys,
        &signed.person_id,
        now,
    )
    .await
    .map_err(|e| ApiError::internal(&format!("cannot revoke grants before erasure: {e}")))?;
    if !PersonStore::erase_person(store, &signed.person_id).await? {
        return Err(ApiError::new(
            ErrorCode::Unauthenticated,
            "the account no longer exists",
        ));
    }
    let receipt_id = uuid::Uuid::new_v4().to_string();
    let erased_at = time::OffsetDateTime::from_unix_timestamp(now)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default();
    let claims = ReceiptClaims {
        iss: &twin.settings.public_url,
        sub: &signed.person_id,
        iat: now,
        jti: &receipt_id,
        erased: ERASED,
        services_notified,
    };
    let payload = serde_json::to_vec(&claims)
        .map_err(|e| ApiError::internal(&format!("cannot encode the erasure receipt: {e}")))?;
    let header = JwsHeader::eddsa(Some(ERASURE_RECEIPT_TYP), Some(twin.keys.kid()));
    let receipt = sign_compact(twin.keys.signing_key(), &header, &payload)
        .map_err(|e| ApiError::internal(&format!("cannot sign the erasure receipt: {e}")))?;
    tracing::info!(receipt_id = %receipt_id, services_notified, "account erased");
    Ok(ErasureReceipt {
        receipt_id,
        erased_at,
        services_notified,
        receipt,
    })
}

/// `POST /api/v1/me/erase` with `{"confirm": true}`.
async fn erase(
    State(state): State<AppState>,
    signed: SignedIn,
    body: JsonObject,
) -> Result<Response, ApiError> {
    body.reject_unknown(&["confirm"])?;
    if body.value("confirm") != Some(&serde_json::Value::Bool(true)) {
        return Err(ApiError::invalid_field(
            "confirm",
            "must be true: erasing the account cannot be undone",
        ));
    }
    let receipt = erase_account(&state, &signed).await?;
    let twin = state.twin()?;
    let mut response = Json(receipt).into_response();
    let headers = response.headers_mut();
    headers.insert(header::SET_COOKIE, clear_cookie(twin)?);
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/me/erase", post(erase))
}
