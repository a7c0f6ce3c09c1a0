//! The client endpoints: `POST /oauth/token` (grant types `authorization_code` and
//! `refresh_token`), `POST /oauth/revoke` (RFC 7009) and `POST /oauth/introspect` (RFC 7662).
//!
//! Each takes an `application/x-www-form-urlencoded` body and authenticates the client with
//! HTTP Basic (`client_secret_basic`, the only method: a `client_secret` in the body is
//! refused). Errors are RFC 6749 §5.2 JSON (`{"error", "error_description"}`); a failed
//! client authentication is 401 with `WWW-Authenticate: Basic`. Answers are `no-store`.

use aurora_store::oauth::OAuthClient;
use aurora_twin::oauth::{now_unix, TokenError};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use super::{issuer, no_store, server};
use crate::me::TwinState;
use crate::state::AppState;

/// An RFC 6749 error answer.
pub(crate) fn oauth_error(status: StatusCode, error: TokenError) -> Response {
    let mut response = (status, Json(error)).into_response();
    no_store(response.headers_mut());
    // The body is RFC 6749's, not problem+json: the problem layer must leave it alone.
    response
        .extensions_mut()
        .insert(crate::compat::ReferenceBody);
    if error_is_client(&response) {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"aurora\""),
        );
    }
    response
}

fn error_is_client(response: &Response) -> bool {
    response.status() == StatusCode::UNAUTHORIZED
}

fn bad_request(error: TokenError) -> Response {
    oauth_error(StatusCode::BAD_REQUEST, error)
}

fn server_error() -> Response {
    oauth_error(
        StatusCode::INTERNAL_SERVER_ERROR,
        TokenError {
            error: "server_error",
            error_description: "try again later".into(),
        },
    )
}

/// The form body's parameters; `Err` for a wrong content type or a repeated parameter.
pub(crate) fn form(
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Vec<(String, String)>, Box<Response>> {
    let form_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !form_type {
        return Err(Box::new(bad_request(TokenError::invalid_request(
            "the body must be application/x-www-form-urlencoded",
        ))));
    }
    let mut out: Vec<(String, String)> = Vec::new();
    for (k, v) in form_urlencoded::parse(body) {
        if out.iter().any(|(seen, _)| seen == &k) {
            return Err(Box::new(bad_request(TokenError::invalid_request(format!(
                "parameter {k} is repeated"
            )))));
        }
        out.push((k.into_owned(), v.into_owned()));
    }
    Ok(out)
}

pub(crate) fn param<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

/// `client_id:client_secret` from HTTP Basic (each form-urlencoded, RFC 6749 §2.3.1).
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    let unescape = |s: &str| -> String {
        form_urlencoded::parse(format!("x={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    Some((unescape(id), unescape(secret)))
}

/// The authenticated client, or the answer to send.
pub(crate) async fn client(
    twin: &TwinState,
    headers: &HeaderMap,
    form: &[(String, String)],
) -> Result<OAuthClient, Box<Response>> {
    let refused = || {
        Box::new(oauth_error(
            StatusCode::UNAUTHORIZED,
            TokenError::invalid_client(),
        ))
    };
    if param(form, "client_secret").is_some() {
        return Err(Box::new(bad_request(TokenError::invalid_request(
            "send the client credentials with HTTP Basic (client_secret_basic), not in the body",
        ))));
    }
    let Some((id, secret)) = basic_credentials(headers) else {
        return Err(refused());
    };
    if param(form, "client_id").is_some_and(|body_id| body_id != id) {
        return Err(refused());
    }
    let iss = issuer(twin);
    match server(twin, &iss).authenticate_client(&id, &secret).await {
        Ok(Some(c)) => Ok(c),
        Ok(None) => Err(refused()),
        Err(e) => {
            tracing::error!(error = %e, "client authentication failed");
            Err(Box::new(server_error()))
        }
    }
}

fn ok_json(value: impl serde::Serialize) -> Response {
    let mut response = Json(value).into_response();
    no_store(response.headers_mut());
    response
}

/// What every client-authenticated endpoint starts with: the twin surfaces, the form body,
/// and the client authenticated with HTTP Basic; or the answer to send instead.
async fn client_request<'a>(
    state: &'a AppState,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(&'a TwinState, Vec<(String, String)>, OAuthClient), Box<Response>> {
    let twin = state.twin().map_err(|_| Box::new(server_error()))?;
    let form = form(headers, body)?;
    let client = client(twin, headers, &form).await?;
    Ok((twin, form, client))
}

async fn token(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let (twin, form, client) = match client_request(&state, &headers, &body).await {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let iss = issuer(twin);
    let engine = server(twin, &iss);
    let now = now_unix();
    let outcome = match param(&form, "grant_type") {
        Some("authorization_code") => {
            let (Some(code), Some(redirect_uri)) =
                (param(&form, "code"), param(&form, "redirect_uri"))
            else {
                return bad_request(TokenError::invalid_request(
                    "code and redirect_uri are required",
                ));
            };
            let verifier = param(&form, "code_verifier").unwrap_or_default();
            engine
                .exchange_code(&client, code, redirect_uri, verifier, now)
                .await
        }
        Some("refresh_token") => {
            let Some(refresh) = param(&form, "refresh_token") else {
                return bad_request(TokenError::invalid_request("refresh_token is required"));
            };
            engine
                .refresh(&client, refresh, param(&form, "scope"), now)
                .await
        }
        None => return bad_request(TokenError::invalid_request("grant_type is required")),
        Some(_) => return bad_request(TokenError::unsupported_grant_type()),
    };
    match outcome {
        Ok(Ok(tokens)) => ok_json(tokens),
        Ok(Err(e)) => bad_request(e),
        Err(e) => {
            tracing::error!(error = %e, "token request failed");
            server_error()
        }
    }
}

async fn revoke(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let (twin, form, client) = match client_request(&state, &headers, &body).await {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let Some(token) = param(&form, "token") else {
        return bad_request(TokenError::invalid_request("token is required"));
    };
    let iss = issuer(twin);
    // token_type_hint is optional and only a hint: both kinds are looked up alike.
    match server(twin, &iss).revoke(&client, token, now_unix()).await {
        Ok(_) => {
            let mut response = StatusCode::OK.into_response();
            no_store(response.headers_mut());
            response
        }
        Err(e) => {
            tracing::error!(error = %e, "revocation failed");
            server_error()
        }
    }
}

async fn introspect(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let (twin, form, client) = match client_request(&state, &headers, &body).await {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let Some(token) = param(&form, "token") else {
        return bad_request(TokenError::invalid_request("token is required"));
    };
    let iss = issuer(twin);
    match server(twin, &iss)
        .introspect(&client, token, now_unix())
        .await
    {
        Ok(answer) => ok_json(answer),
        Err(e) => {
            tracing::error!(error = %e, "introspection failed");
            server_error()
        }
    }
}

/// The client endpoints.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/oauth/token", post(token))
        .route("/oauth/revoke", post(revoke))
        .route("/oauth/introspect", post(introspect))
}
