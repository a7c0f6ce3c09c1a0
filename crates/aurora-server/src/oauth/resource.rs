//! Endpoints for member services holding a bearer access token (RFC 6750, header only: a
//! token in the query string is never accepted, unlike the reference's URL tokens, profile
//! §8.5):
//!
//! - `GET /oauth/userinfo` (scope `openid`): `sub` and the consented attributes;
//! - `GET /api/v1/member/attributes[?attributes=a,b]`: the consented attributes, with the
//!   ones not released and why;
//! - `PUT /api/v1/member/attributes/{name}` (scope `store:<name>`): writes a value into the
//!   person's twin as the service (`Actor::Service`).
//!
//! Every request checks the token in the database (live, its client enabled, its consent
//! record active now), and every read goes through `aurora_twin::access::read`, which checks
//! the consent per attribute and writes the person's access log. Failures are problem+json
//! with `WWW-Authenticate: Bearer …` (401 `invalid_token`, 403 `insufficient_scope`).

use aurora_twin::access::{self, Via};
use aurora_twin::oauth::{now_unix, recipient_of, LiveGrant};
use aurora_twin::twin::Actor;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::{Json, Router};
use serde_json::{json, Map, Value};

use super::{issuer, no_store, server};
use crate::body::JsonObject;
use crate::error::{ApiError, ErrorCode};
use crate::me::twin::{twin_error, twin_of, value_body};
use crate::me::TwinState;
use crate::state::AppState;

/// A refusal with its `WWW-Authenticate` challenge.
struct BearerRefusal {
    error: ApiError,
    challenge: String,
}

impl IntoResponse for BearerRefusal {
    fn into_response(self) -> Response {
        let mut response = self.error.into_response();
        if let Ok(v) = HeaderValue::from_str(&self.challenge) {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, v);
        }
        no_store(response.headers_mut());
        response
    }
}

impl From<ApiError> for BearerRefusal {
    fn from(error: ApiError) -> Self {
        BearerRefusal {
            error,
            challenge: "Bearer realm=\"aurora\"".into(),
        }
    }
}

fn invalid_token(detail: &str) -> BearerRefusal {
    BearerRefusal {
        error: ApiError::new(ErrorCode::Unauthenticated, detail.to_string()),
        challenge: "Bearer realm=\"aurora\", error=\"invalid_token\"".into(),
    }
}

fn insufficient_scope(scope: &str) -> BearerRefusal {
    BearerRefusal {
        error: ApiError::new(
            ErrorCode::Forbidden,
            format!("the access token lacks the scope {scope:?}"),
        ),
        challenge: format!(
            "Bearer realm=\"aurora\", error=\"insufficient_scope\", scope=\"{scope}\""
        ),
    }
}

/// The live grant of the request's bearer token.
async fn grant(twin: &TwinState, headers: &HeaderMap) -> Result<LiveGrant, BearerRefusal> {
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let token = match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
        _ => {
            // No credentials at all: the challenge without an error code (RFC 6750 §3.1).
            return Err(BearerRefusal::from(ApiError::new(
                ErrorCode::Unauthenticated,
                "send an OAuth access token: Authorization: Bearer <token>",
            )));
        }
    };
    let iss = issuer(twin);
    match server(twin, &iss)
        .authenticate_bearer(token, now_unix())
        .await
    {
        Ok(Ok(g)) => Ok(g),
        Ok(Err(_)) => Err(invalid_token(
            "the access token is unknown, expired or revoked, or its consent is no longer in force",
        )),
        Err(e) => {
            tracing::error!(error = %e, "bearer authentication failed");
            Err(BearerRefusal::from(ApiError::internal(
                &"bearer authentication failed",
            )))
        }
    }
}

/// Reads `attributes` through the consented read path (logged as read by the service).
async fn consented_read(
    twin: &TwinState,
    grant: &LiveGrant,
    attributes: &[String],
) -> Result<access::ConsentedRead, BearerRefusal> {
    let names: Vec<&str> = attributes.iter().map(String::as_str).collect();
    access::read(
        twin.store.as_ref(),
        &twin.keys,
        &recipient_of(&grant.client),
        &grant.token.person_id,
        &names,
        &grant.consent.purpose,
        Via::Oauth,
        time::OffsetDateTime::now_utc(),
    )
    .await
    .map_err(|e| match e {
        access::AccessError::NotFound => invalid_token("the person no longer exists"),
        access::AccessError::Store(s) => BearerRefusal::from(ApiError::from(s)),
        other => {
            tracing::error!(error = %other, "consented read failed");
            BearerRefusal::from(ApiError::internal(&"the twin could not be read"))
        }
    })
}

async fn userinfo(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, BearerRefusal> {
    let twin = state.twin()?;
    let grant = grant(twin, &headers).await?;
    if !grant.has_scope("openid") {
        return Err(insufficient_scope("openid"));
    }
    let read = consented_read(twin, &grant, &grant.readable_attributes()).await?;
    let mut claims = Map::new();
    claims.insert("sub".into(), Value::String(grant.subject.clone()));
    for (name, value) in read.values {
        claims.insert(name, value);
    }
    let mut response = Json(Value::Object(claims)).into_response();
    no_store(response.headers_mut());
    Ok(response)
}

async fn member_attributes(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, BearerRefusal> {
    let twin = state.twin()?;
    let mut wanted: Option<Vec<String>> = None;
    for (k, v) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        match k.as_ref() {
            "attributes" if wanted.is_none() => {
                wanted = Some(
                    v.split(',')
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty())
                        .collect(),
                )
            }
            "attributes" => {
                return Err(ApiError::invalid("attributes", "give the parameter once").into())
            }
            "access_token" => {
                return Err(ApiError::invalid(
                    "access_token",
                    "tokens are accepted only in the Authorization header",
                )
                .into())
            }
            other => {
                return Err(ApiError::for_field(
                    ErrorCode::UnknownParameter,
                    other,
                    "this endpoint takes only `attributes`",
                )
                .into())
            }
        }
    }
    let grant = grant(twin, &headers).await?;
    let readable = grant.readable_attributes();
    let attributes = match wanted {
        None => readable,
        Some(list) => {
            // Each named attribute needs its read scope (not `store:` or `openid`).
            if let Some(beyond) = list.iter().find(|a| !readable.contains(a)) {
                return Err(insufficient_scope(beyond));
            }
            list
        }
    };
    let read = consented_read(twin, &grant, &attributes).await?;
    let denied: Vec<Value> = read
        .denied
        .iter()
        .map(|(a, reason)| json!({"attribute": a, "reason": reason.as_str()}))
        .collect();
    // Every asked-for attribute is in exactly one list: released, denied, or missing (consented
    // to, but the person has no value), so a service never has to guess why one is absent.
    let missing: Vec<&String> = attributes
        .iter()
        .filter(|a| !read.values.contains_key(*a) && !read.denied.iter().any(|(d, _)| d == *a))
        .collect();
    let mut response = Json(json!({
        "sub": grant.subject,
        "purpose": grant.consent.purpose,
        "attributes": read.values,
        "denied": denied,
        "missing": missing,
    }))
    .into_response();
    no_store(response.headers_mut());
    Ok(response)
}

async fn put_member_attribute(
    State(state): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: JsonObject,
) -> Result<Response, BearerRefusal> {
    let twin = state.twin()?;
    let grant = grant(twin, &headers).await?;
    if !grant.may_store(&name) {
        return Err(insufficient_scope(&format!("store:{name}")));
    }
    let (value, expected) = value_body(&body)?;
    let version = twin_of(twin)
        .set(
            &grant.token.person_id,
            &name,
            &value,
            expected,
            &Actor::Service {
                client_id: grant.client.id.clone(),
            },
        )
        .await
        .map_err(twin_error)?;
    let mut response = Json(json!({"attribute": name, "version": version})).into_response();
    no_store(response.headers_mut());
    Ok(response)
}

/// The bearer-token routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/oauth/userinfo", get(userinfo))
        .route("/api/v1/member/attributes", get(member_attributes))
        .route(
            "/api/v1/member/attributes/{name}",
            put(put_member_attribute),
        )
}
