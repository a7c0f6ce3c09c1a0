//! The JSON account API, `/api/v1/account/…`.
//!
//! Endpoints before sign-in (`signup`, `verify`, `signin`, `password-reset`,
//! `password-reset/confirm`) take only
//! `Content-Type: application/json` (a cross-site form or a body-only `fetch` cannot send
//! it, so there is no login CSRF); endpoints after sign-in need the session and its
//! `X-CSRF-Token` ([`SignedIn`]).

use aurora_model::Lang;
use axum::extract::{FromRequest, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;

use super::flows::{self, SignInError};
use crate::body::JsonObject;
use crate::error::{ApiError, ErrorCode};
use crate::me::auth::{end_session, start_session, unix_now, SignedIn};
use crate::state::AppState;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/account", get(me))
        .route("/api/v1/account/signup", post(signup))
        .route("/api/v1/account/verify", post(verify))
        .route("/api/v1/account/signin", post(signin))
        .route("/api/v1/account/signout", post(signout))
        .route(
            "/api/v1/account/signout-everywhere",
            post(signout_everywhere),
        )
        .route("/api/v1/account/password", post(password))
        .route("/api/v1/account/password-reset", post(password_reset))
        .route(
            "/api/v1/account/password-reset/confirm",
            post(password_reset_confirm),
        )
        .route("/api/v1/account/email", post(email))
        .route("/api/v1/account/email/confirm", post(email_confirm))
}

/// A JSON body that must say it is JSON (no missing `Content-Type`).
struct StrictJson(JsonObject);

impl<S: Send + Sync> FromRequest<S> for StrictJson {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        if req.headers().get(header::CONTENT_TYPE).is_none() {
            return Err(ApiError::new(
                ErrorCode::UnsupportedMediaType,
                "send the body with Content-Type: application/json",
            ));
        }
        Ok(StrictJson(JsonObject::from_request(req, state).await?))
    }
}

fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn lang_field(body: &JsonObject) -> Result<Lang, ApiError> {
    Ok(body.lang("lang")?.unwrap_or(Lang::Fi))
}

fn opt_str<'a>(body: &'a JsonObject, name: &str) -> Result<Option<&'a str>, ApiError> {
    match body.value(name) {
        None => Ok(None),
        Some(v) => v
            .as_str()
            .map(Some)
            .ok_or_else(|| ApiError::invalid_field(name, "must be a string")),
    }
}

/// `POST /api/v1/account/signup` `{email, password, lang?}` → 202, whether or not the address
/// already has an account.
async fn signup(
    State(state): State<AppState>,
    peer: flows::Peer,
    headers: HeaderMap,
    StrictJson(body): StrictJson,
) -> Result<Response, ApiError> {
    body.reject_unknown(&["email", "password", "lang"])?;
    let (twin, account) = state.accounts()?;
    let email = body.required_str("email")?;
    let pw = body.required_str("password")?;
    let lang = lang_field(&body)?;
    let client = flows::client_address(&headers, &peer);
    flows::sign_up(&twin, &account, email, pw, lang, &client).await?;
    Ok(no_store(
        (
            StatusCode::ACCEPTED,
            Json(json!({"status": "check_your_email",
                "detail": "if the address can be used, a link to confirm it has been sent there"})),
        )
            .into_response(),
    ))
}

/// `POST /api/v1/account/verify` `{token}`.
async fn verify(
    State(state): State<AppState>,
    StrictJson(body): StrictJson,
) -> Result<Response, ApiError> {
    body.reject_unknown(&["token"])?;
    let (twin, _) = state.accounts()?;
    if flows::verify(&twin, body.required_str("token")?).await? {
        Ok(no_store(Json(json!({"verified": true})).into_response()))
    } else {
        Err(ApiError::invalid_field(
            "token",
            "the link is not valid, or it was used or has expired",
        ))
    }
}

fn session_body(signed: &SignedIn) -> serde_json::Value {
    json!({
        "person_id": signed.person_id,
        "auth_method": signed.auth_method,
        "auth_time": signed.auth_time_unix,
        "expires_at": signed.expires_at_unix,
        "csrf_token": signed.csrf,
    })
}

/// A sign-in error as a response (429 carries the real wait in `Retry-After`).
pub(super) fn sign_in_error(e: SignInError) -> Response {
    let (error, wait) = e.into_api();
    let mut response = error.into_response();
    if let Some(secs) = wait {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs.max(1)));
    }
    response
}

/// `POST /api/v1/account/signin` `{email, password, link_token?}` → 200 with the session
/// cookie, its CSRF token and expiry.
async fn signin(
    State(state): State<AppState>,
    peer: flows::Peer,
    headers: HeaderMap,
    StrictJson(body): StrictJson,
) -> Result<Response, ApiError> {
    body.reject_unknown(&["email", "password", "link_token"])?;
    let (twin, _) = state.accounts()?;
    let email = body.required_str("email")?;
    let pw = body.required_str("password")?;
    let link = opt_str(&body, "link_token")?;
    let client = flows::client_address(&headers, &peer);
    let person = match flows::check_sign_in(&twin, email, pw, &client, link).await {
        Ok(p) => p,
        Err(e) => return Ok(sign_in_error(e)),
    };
    // A new session, never the request's old one (no fixation); the old one ends.
    if let Some(old) = crate::me::auth::current(&twin, &headers).await? {
        end_session(&twin, &old).await?;
    }
    let (cookie, signed) = start_session(&twin, &person, "password", unix_now()).await?;
    let mut response = no_store(Json(session_body(&signed)).into_response());
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(response)
}

/// `POST /api/v1/account/signout` → 204; the session is deleted server-side.
async fn signout(State(state): State<AppState>, signed: SignedIn) -> Result<Response, ApiError> {
    let twin = state.twin()?;
    let cookie = end_session(twin, &signed).await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(response)
}

/// `POST /api/v1/account/signout-everywhere` → 204; every session of the person ends.
async fn signout_everywhere(
    State(state): State<AppState>,
    signed: SignedIn,
) -> Result<Response, ApiError> {
    let twin = state.twin()?;
    flows::sign_out_everywhere(twin, &signed).await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, crate::me::auth::clear_cookie(twin)?);
    Ok(response)
}

/// `GET /api/v1/account`: the signed-in person's account.
async fn me(State(state): State<AppState>, signed: SignedIn) -> Result<Response, ApiError> {
    use aurora_store::accounts::AccountStore;
    let twin = state.twin()?;
    let acct = twin.store.account(&signed.person_id).await?;
    Ok(no_store(
        Json(json!({
            "person_id": signed.person_id,
            "email": acct.as_ref().map(|a| a.email.clone()),
            "email_verified": acct.as_ref().is_some_and(|a| a.verified_at.is_some()),
            "has_password": acct.as_ref().is_some_and(|a| a.password_hash.is_some()),
            "auth_method": signed.auth_method,
        }))
        .into_response(),
    ))
}

/// `POST /api/v1/account/password` `{current_password, new_password}` → 200 with the new
/// session (every other session ends).
async fn password(
    State(state): State<AppState>,
    signed: SignedIn,
    StrictJson(body): StrictJson,
) -> Result<Response, ApiError> {
    body.reject_unknown(&["current_password", "new_password"])?;
    let (twin, _) = state.accounts()?;
    let current = opt_str(&body, "current_password")?;
    let new = body.required_str("new_password")?;
    let (cookie, fresh) = flows::change_password(&twin, &signed, current, new).await?;
    let mut response = no_store(Json(session_body(&fresh)).into_response());
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(response)
}

/// `POST /api/v1/account/password-reset` `{email, lang?}` → 202, the same whether or not the
/// address has an account (a confirmed one gets a link valid 30 minutes).
async fn password_reset(
    State(state): State<AppState>,
    peer: flows::Peer,
    headers: HeaderMap,
    StrictJson(body): StrictJson,
) -> Result<Response, ApiError> {
    body.reject_unknown(&["email", "lang"])?;
    let (twin, account) = state.accounts()?;
    let email = body.required_str("email")?;
    let lang = lang_field(&body)?;
    let client = flows::client_address(&headers, &peer);
    if let Err(e) = flows::request_password_reset(&twin, &account, email, lang, &client).await {
        return Ok(with_retry_after(e));
    }
    Ok(no_store(
        (
            StatusCode::ACCEPTED,
            Json(json!({"status": "check_your_email",
                "detail": "if the address has a confirmed account, a link to set a new password has been sent there"})),
        )
            .into_response(),
    ))
}

/// `POST /api/v1/account/password-reset/confirm` `{token, new_password, lang?}` → 200; every
/// session of the person has ended (sign in with the new password).
async fn password_reset_confirm(
    State(state): State<AppState>,
    StrictJson(body): StrictJson,
) -> Result<Response, ApiError> {
    body.reject_unknown(&["token", "new_password", "lang"])?;
    let (twin, account) = state.accounts()?;
    let link_token = body.required_str("token")?;
    let new = body.required_str("new_password")?;
    let lang = lang_field(&body)?;
    flows::confirm_password_reset(&twin, &account, link_token, new, lang).await?;
    Ok(no_store(
        Json(json!({"password_changed": true, "sessions_ended": true})).into_response(),
    ))
}

/// An error response; a 429 says in `Retry-After` how long to wait (from its detail).
fn with_retry_after(e: ApiError) -> Response {
    let wait = (e.code == ErrorCode::TooManyRequests)
        .then(|| {
            e.detail
                .split_whitespace()
                .find_map(|w| w.parse::<u64>().ok())
        })
        .flatten();
    let mut response = e.into_response();
    if let Some(secs) = wait {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs.max(1)));
    }
    response
}

/// `POST /api/v1/account/email` `{new_email, current_password?, lang?}` → 202: a link goes
/// to the new address. Always the signed-in person's own account.
async fn email(
    State(state): State<AppState>,
    signed: SignedIn,
    StrictJson(body): StrictJson,
) -> Result<Response, ApiError> {
    body.reject_unknown(&["new_email", "current_password", "lang"])?;
    let (twin, account) = state.accounts()?;
    let new = body.required_str("new_email")?;
    let current = opt_str(&body, "current_password")?;
    let lang = lang_field(&body)?;
    flows::request_email_change(&twin, &account, &signed, new, current, lang).await?;
    Ok(no_store(
        (
            StatusCode::ACCEPTED,
            Json(json!({"status": "check_your_email",
                "detail": "open the link sent to the new address while signed in to this account"})),
        )
            .into_response(),
    ))
}

/// `POST /api/v1/account/email/confirm` `{token, lang?}`: the link's token, in a session of
/// the person who asked for the change.
async fn email_confirm(
    State(state): State<AppState>,
    signed: SignedIn,
    StrictJson(body): StrictJson,
) -> Result<Response, ApiError> {
    body.reject_unknown(&["token", "lang"])?;
    let (twin, account) = state.accounts()?;
    let lang = lang_field(&body)?;
    let email =
        flows::confirm_email_change(&twin, &account, &signed, body.required_str("token")?, lang)
            .await?;
    Ok(no_store(Json(json!({"email": email})).into_response()))
}
