//! The OAuth 2.1 / OpenID Connect authorization server for member services, over HTTP (issue
//! 5; rules in `aurora_twin::oauth`, see `docs/twin-design.md`).
//!
//! - `GET /.well-known/openid-configuration`, `GET /oauth/jwks.json`: discovery and keys.
//! - `GET /oauth/authorize`, `POST /oauth/authorize`: the consent screen ([`authorize`]).
//! - `POST /oauth/token`, `POST /oauth/revoke`, `POST /oauth/introspect`: client endpoints
//!   with HTTP Basic client authentication ([`token`]).
//! - `GET /oauth/userinfo` and the member-service data API `GET /api/v1/member/attributes`,
//!   `PUT /api/v1/member/attributes/{name}` with bearer access tokens ([`resource`]).
//! - The deletion-notice worker ([`notices`]).
//!
//! Nothing here logs a code, token, secret, `state`, `nonce` or attribute value.

use aurora_twin::oauth::AuthServer;
use aurora_twin::registry::AttributeRegistry;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

use crate::error::ApiError;
use crate::me::TwinState;
use crate::state::AppState;

pub(crate) mod authorize;
pub mod notices;
pub(crate) mod resource;
pub(crate) mod token;

/// The issuer: the public URL without a trailing slash.
pub(crate) fn issuer(twin: &TwinState) -> String {
    twin.settings.public_url.trim_end_matches('/').to_string()
}

/// The engine over the twin state.
pub(crate) fn server<'a>(twin: &'a TwinState, issuer: &'a str) -> AuthServer<'a> {
    AuthServer {
        oauth: twin.store.as_ref(),
        consents: twin.store.as_ref(),
        keys: &twin.keys,
        issuer,
    }
}

/// Every scope a client can be registered for: `openid`, each attribute and its `store:`.
pub(crate) fn scopes_supported() -> Vec<String> {
    let mut scopes = vec!["openid".to_string()];
    for a in AttributeRegistry::bundled().attributes() {
        scopes.push(a.name.clone());
    }
    for a in AttributeRegistry::bundled().attributes() {
        scopes.push(format!("store:{}", a.name));
    }
    scopes
}

/// Headers every OAuth answer carries: never cached (RFC 6749 §5.1).
pub(crate) fn no_store(headers: &mut HeaderMap) {
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
}

async fn discovery(State(state): State<AppState>) -> Result<Response, ApiError> {
    let twin = state.twin()?;
    let iss = issuer(twin);
    let doc = json!({
        "issuer": iss,
        "authorization_endpoint": format!("{iss}/oauth/authorize"),
        "token_endpoint": format!("{iss}/oauth/token"),
        "userinfo_endpoint": format!("{iss}/oauth/userinfo"),
        "jwks_uri": format!("{iss}/oauth/jwks.json"),
        "revocation_endpoint": format!("{iss}/oauth/revoke"),
        "introspection_endpoint": format!("{iss}/oauth/introspect"),
        "scopes_supported": scopes_supported(),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["EdDSA"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic"],
        "revocation_endpoint_auth_methods_supported": ["client_secret_basic"],
        "introspection_endpoint_auth_methods_supported": ["client_secret_basic"],
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": ["iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "at_hash"],
        "prompt_values_supported": ["none", "login", "consent"],
        "ui_locales_supported": ["fi", "sv", "en"],
        "authorization_response_iss_parameter_supported": true,
        "request_parameter_supported": false,
        "request_uri_parameter_supported": false,
        "claims_parameter_supported": false,
    });
    Ok(Json(doc).into_response())
}

async fn jwks(State(state): State<AppState>) -> Result<Response, ApiError> {
    let twin = state.twin()?;
    let mut response = Json(twin.keys.jwks()).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    Ok(response)
}

/// The authorization server's routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/.well-known/openid-configuration", get(discovery))
        .route("/oauth/jwks.json", get(jwks))
        .merge(authorize::routes())
        .merge(token::routes())
        .merge(resource::routes())
}
