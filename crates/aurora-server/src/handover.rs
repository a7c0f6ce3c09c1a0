//! Hand-over to a member service over HTTP (issue 5; rules in `aurora_twin::handover`):
//!
//! * `POST /api/v1/handover`: by the person, signed in or anonymous. Body: `service` (the
//!   member service's client id), `attributes` (names of the signed-in person's own twin
//!   values to hand over) and/or `values` (`{name: value}` given in the request, the only way
//!   when anonymous), optional `lang`. Only what the service declared receivable is kept.
//!   Answers 201 with the service's landing URL carrying the token in its **fragment**, the
//!   expiry, and the attributes kept and dropped. With a session cookie the request must carry
//!   the session's CSRF token like any other state change.
//! * `POST /api/v1/handover/redeem`: by the member service, authenticated with its client
//!   credentials (HTTP Basic), body `{"token"}` → the attributes, once. Every failure (replayed,
//!   expired, another service's, unknown) is the same 404.
//!
//! No CORS headers are sent (the reference served the bag to any origin), responses are
//! `no-store`, and the token is never logged: it is read from the body, never from a URL.

use std::collections::BTreeMap;

use aurora_model::Lang;
use aurora_store::oauth::OAuthStore;
use aurora_twin::consent::Recipient;
use aurora_twin::handover::{self, HandoverError, HandoverRequest, MAX_TTL_SECS};
use aurora_twin::oauth::{recipient_of, ClientDirectory};
use aurora_twin::registry::{AttributeRegistry, RegistryError};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};
use time::OffsetDateTime;

use crate::body::JsonObject;
use crate::compat::auth::basic_credentials;
use crate::error::{ApiError, ErrorCode};
use crate::me::auth::{current, SignedIn, CSRF_HEADER};
use crate::me::consent::settings_of;
use crate::me::TwinState;
use crate::state::AppState;

/// Most attributes in one hand-over request.
const MAX_ITEMS: usize = 64;

fn no_store(mut r: Response) -> Response {
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn not_redeemable() -> ApiError {
    ApiError::new(ErrorCode::NotFound, "no such hand-over")
}

fn handover_error(e: HandoverError) -> ApiError {
    match e {
        HandoverError::UnknownService => {
            ApiError::invalid_field("service", "no such member service")
        }
        HandoverError::NotReceiving => {
            ApiError::invalid_field("service", "the service does not take hand-overs")
        }
        HandoverError::Invalid(RegistryError::Invalid {
            attribute,
            pointer,
            reason,
        }) => ApiError::invalid_field(
            &format!("values.{attribute}{pointer}"),
            format!("not a valid {attribute}: {reason}"),
        ),
        HandoverError::Invalid(other) => ApiError::invalid_field("values", other.to_string()),
        HandoverError::TooLarge => {
            ApiError::invalid_field("values", "the values are too large to hand over")
        }
        HandoverError::NotRedeemable => not_redeemable(),
        HandoverError::Consent(c) => crate::me::consent::consent_error(c),
        HandoverError::Store(s) => s.into(),
        other @ (HandoverError::BadTtl | HandoverError::Unreadable | HandoverError::Crypto) => {
            ApiError::internal(&other)
        }
    }
}

/// The signed-in person, if the request has a live session; with one, the CSRF header is
/// required as for every state change.
async fn optional_session(
    twin: &TwinState,
    headers: &HeaderMap,
) -> Result<Option<SignedIn>, ApiError> {
    let Some(signed) = current(twin, headers).await? else {
        return Ok(None);
    };
    let presented = headers
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !signed.csrf_ok(presented) {
        return Err(ApiError::new(
            ErrorCode::CsrfFailed,
            "send the session's CSRF token in the X-CSRF-Token header \
             (GET /api/v1/me/session gives it)",
        ));
    }
    Ok(Some(signed))
}

fn names_field(body: &JsonObject) -> Result<Vec<String>, ApiError> {
    match body.value("attributes") {
        None => Ok(Vec::new()),
        Some(Value::Array(items)) if items.len() <= MAX_ITEMS => items
            .iter()
            .map(|v| {
                v.as_str().map(str::to_string).ok_or_else(|| {
                    ApiError::invalid_field("attributes", "expected an array of attribute names")
                })
            })
            .collect(),
        Some(_) => Err(ApiError::invalid_field(
            "attributes",
            format!("expected an array of at most {MAX_ITEMS} attribute names"),
        )),
    }
}

fn values_field(body: &JsonObject) -> Result<BTreeMap<String, Value>, ApiError> {
    match body.value("values") {
        None => Ok(BTreeMap::new()),
        Some(Value::Object(map)) if map.len() <= MAX_ITEMS => Ok(map
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()),
        Some(_) => Err(ApiError::invalid_field(
            "values",
            format!("expected an object of at most {MAX_ITEMS} attribute values"),
        )),
    }
}

/// Anonymous hand-overs one client may make in the throttle window (15 minutes).
const ANONYMOUS_HANDOVER_LIMIT: u32 = 60;

/// `POST /api/v1/handover`
async fn create(
    State(state): State<AppState>,
    peer: crate::account::flows::Peer,
    headers: HeaderMap,
    body: JsonObject,
) -> Result<Response, ApiError> {
    body.reject_unknown(&["service", "attributes", "values", "lang"])?;
    let service = body.required_str("service")?.trim().to_string();
    let names = names_field(&body)?;
    let mut approved = values_field(&body)?;
    let lang = body.lang("lang")?.unwrap_or(Lang::Fi);
    let twin = state.twin()?;
    let signed = optional_session(twin, &headers).await?;
    if signed.is_none() {
        // Anonymous hand-overs cost a row each: a bounded number per client and window.
        let client = crate::account::flows::client_address(&headers, &peer);
        crate::account::flows::rate_limit(twin, "handover", &client, ANONYMOUS_HANDOVER_LIMIT)
            .await?;
    }
    if !names.is_empty() {
        let Some(signed) = &signed else {
            return Err(ApiError::new(
                ErrorCode::Unauthenticated,
                "sign in to hand over values of your twin, or give the values in `values`",
            ));
        };
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let own = aurora_twin::twin::read_values(
            twin.store.as_ref(),
            twin.store.as_ref(),
            &twin.keys,
            &signed.person_id,
            &refs,
        )
        .await
        .map_err(crate::me::twin::twin_error)?;
        // Values given in the body win over the twin's: the person approved those.
        for (k, v) in own {
            approved.entry(k).or_insert(v);
        }
    }
    let store = twin.store.as_ref();
    let now = OffsetDateTime::now_utc();
    // Best effort housekeeping: expired hand-overs are unreadable anyway.
    if let Err(e) =
        aurora_store::consent::ConsentStore::purge_expired_handovers(store, now.unix_timestamp())
            .await
    {
        tracing::warn!(error = %e, "could not purge expired hand-overs");
    }
    let offer = handover::create(
        store,
        &ClientDirectory(store),
        AttributeRegistry::bundled(),
        &twin.keys,
        &settings_of(twin),
        HandoverRequest {
            audience: &service,
            approved,
            person_id: signed.as_ref().map(|s| s.person_id.as_str()),
            language: lang,
            ttl_secs: MAX_TTL_SECS,
        },
        now,
    )
    .await
    .map_err(handover_error)?;
    let v = json!({
        "url": offer.url,
        "expires_at": offer.expires_at,
        "service": service,
        "attributes": offer.attributes,
        "dropped": offer.dropped,
        "consent_id": offer.consent_id,
    });
    Ok(no_store((StatusCode::CREATED, Json(v)).into_response()))
}

fn unauthorized() -> Response {
    let mut r = ApiError::new(
        ErrorCode::Unauthorized,
        "authenticate as the member service with HTTP Basic client_id:client_secret",
    )
    .into_response();
    r.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Basic realm=\"aurora-handover\""),
    );
    r
}

/// The member service of the request's HTTP Basic credentials.
async fn authenticated_service(
    twin: &TwinState,
    headers: &HeaderMap,
) -> Result<Option<Recipient>, ApiError> {
    let Some((id, secret)) = basic_credentials(headers) else {
        return Ok(None);
    };
    let client = OAuthStore::authenticate_oauth_client(twin.store.as_ref(), &id, &secret).await?;
    Ok(client.map(|c| recipient_of(&c)))
}

/// `POST /api/v1/handover/redeem`
async fn redeem(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: JsonObject,
) -> Result<Response, ApiError> {
    let twin = state.twin()?;
    let Some(service) = authenticated_service(twin, &headers).await? else {
        return Ok(unauthorized());
    };
    body.reject_unknown(&["token"])?;
    let token = body.required_str("token")?;
    let redeemed = handover::redeem(
        twin.store.as_ref(),
        &twin.keys,
        &service,
        token,
        OffsetDateTime::now_utc(),
    )
    .await
    .map_err(handover_error)?;
    Ok(no_store(
        Json(json!({"attributes": redeemed.values})).into_response(),
    ))
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/handover", post(create))
        .route("/api/v1/handover/redeem", post(redeem))
}
