//! Sign-in sessions: the cookie, the server-side session row, and CSRF protection.
//!
//! The cookie holds a random token; the store keeps only its SHA-256, with the person, how
//! they signed in and an absolute expiry ([`crate::me::TwinSettings::session_ttl_secs`]).
//! Signing out deletes the row, so a copied cookie stops working at once (the reference only
//! expired the cookie in the browser).
//!
//! CSRF: the session's token is `HMAC(derived key, session token)`; it is never stored, so
//! every replica computes it. Cookie-authenticated requests that change state must present it
//! (`X-CSRF-Token` for the API, a `csrf` form field for pages), on top of `SameSite=Strict`.
//!
//! Routes: `GET /api/v1/me/session` (who is signed in, the CSRF token, expiry) and
//! `DELETE /api/v1/me/session` (sign out).

use aurora_store::people::{PersonStore, SessionRecord};
use aurora_twin::token;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

use super::TwinState;
use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;

/// The session cookie over plain http (development, loopback tests).
pub(crate) const SESSION_COOKIE: &str = "aurora_session";
/// The session cookie behind https: the `__Host-` prefix makes browsers refuse it unless it
/// is `Secure`, host-only and `Path=/`, so a sibling domain cannot plant or shadow it.
pub(crate) const SESSION_COOKIE_SECURE: &str = "__Host-aurora_session";
/// The header carrying the CSRF token on API requests.
pub(crate) const CSRF_HEADER: &str = "x-csrf-token";

/// A request made in a live sign-in session.
///
/// As an extractor it answers 401 `unauthenticated` without a live session and 403
/// `csrf_failed` when a state-changing method (anything but GET, HEAD, OPTIONS) lacks the
/// `X-CSRF-Token` header of the session.
#[derive(Clone)]
pub(crate) struct SignedIn {
    /// The signed-in person.
    pub(crate) person_id: String,
    /// SHA-256 of the session token (to end this session).
    pub(crate) token_hash: String,
    /// The session's CSRF token.
    pub(crate) csrf: String,
    /// How the person signed in (`password`, `oidc:<issuer>`, …).
    pub(crate) auth_method: String,
    /// When the person authenticated (unix seconds).
    pub(crate) auth_time_unix: i64,
    /// When the session ends (unix seconds).
    pub(crate) expires_at_unix: i64,
}

impl std::fmt::Debug for SignedIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedIn")
            .field("person_id", &self.person_id)
            .field("auth_method", &self.auth_method)
            .finish_non_exhaustive()
    }
}

impl SignedIn {
    /// Whether `presented` is this session's CSRF token (constant time).
    pub(crate) fn csrf_ok(&self, presented: &str) -> bool {
        token::constant_time_eq(self.csrf.as_bytes(), presented.as_bytes())
    }

    /// Seconds since the person last authenticated (for "signed in recently" checks).
    pub(crate) fn auth_age_secs(&self) -> i64 {
        unix_now() - self.auth_time_unix
    }
}

pub(crate) fn unix_now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

fn csrf_for(twin: &TwinState, session_token: &str) -> String {
    twin.keys.mac_b64("session-csrf", session_token.as_bytes())
}

/// The session token from the request's cookies, if one is there and well-formed.
pub(crate) fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| {
            (*name == SESSION_COOKIE || *name == SESSION_COOKIE_SECURE) && token::well_formed(value)
        })
        .map(|(_, value)| value.to_string())
}

/// The live session of a request, if any (no CSRF check: pages check their form field).
pub(crate) async fn current(
    twin: &TwinState,
    headers: &HeaderMap,
) -> Result<Option<SignedIn>, ApiError> {
    let Some(session_token) = session_token(headers) else {
        return Ok(None);
    };
    let hash = token::hash(&session_token);
    let Some(record) = PersonStore::session(twin.store.as_ref(), &hash, unix_now()).await? else {
        return Ok(None);
    };
    Ok(Some(SignedIn {
        person_id: record.person_id,
        token_hash: record.token_hash,
        csrf: csrf_for(twin, &session_token),
        auth_method: record.auth_method,
        auth_time_unix: record.auth_time_unix,
        expires_at_unix: record.expires_at_unix,
    }))
}

fn state_changing(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let twin = state.twin()?;
        let signed = current(twin, &parts.headers).await?.ok_or_else(|| {
            ApiError::new(
                ErrorCode::Unauthenticated,
                "sign in first: this endpoint needs a session",
            )
        })?;
        if state_changing(&parts.method) {
            let presented = parts
                .headers
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
        }
        Ok(signed)
    }
}

/// The session of a web page request, if any. Pages decide themselves what to do without
/// one (usually [`login_redirect`]) and check the `csrf` field of their forms.
pub(crate) struct WebSession(pub(crate) Option<SignedIn>);

impl FromRequestParts<AppState> for WebSession {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let twin = state.twin()?;
        Ok(WebSession(current(twin, &parts.headers).await?))
    }
}

/// A redirect to the sign-in page that comes back to `return_path` (a path on this site;
/// anything else is replaced by the language's home page, so the parameter cannot be turned
/// into an open redirect).
pub(crate) fn login_redirect(lang: aurora_model::Lang, return_path: &str) -> Response {
    let back = if is_local_path(return_path) {
        return_path.to_string()
    } else {
        format!("/{}/", lang.code())
    };
    let query: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("return", &back)
        .finish();
    let location = format!("/{}/account/login?{query}", lang.code());
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    response
}

/// Whether `path` is a path on this site: starts with one `/`, not `//` or `/\` (which
/// browsers read as another host), no scheme, no control characters.
pub(crate) fn is_local_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.starts_with("/\\")
        && !path.chars().any(|c| c.is_control() || c == '\\')
        && path.len() <= 2048
}

fn cookie_name(twin: &TwinState) -> &'static str {
    if twin.secure_cookies() {
        SESSION_COOKIE_SECURE
    } else {
        SESSION_COOKIE
    }
}

fn cookie_header(twin: &TwinState, value: &str, max_age: i64) -> Result<HeaderValue, ApiError> {
    let secure = if twin.secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}",
        cookie_name(twin)
    ))
    .map_err(|e| ApiError::internal(&format!("cannot build the session cookie: {e}")))
}

/// Starts a session for a person who has just authenticated: stores it and returns the
/// `Set-Cookie` value and the session. Callers that change who is signed in (sign-in)
/// should end the request's previous session first (no session fixation: the token is
/// always new).
pub(crate) async fn start_session(
    twin: &TwinState,
    person_id: &str,
    auth_method: &str,
    auth_time_unix: i64,
) -> Result<(HeaderValue, SignedIn), ApiError> {
    let session_token = token::generate()
        .map_err(|e| ApiError::internal(&format!("cannot make a session token: {e}")))?;
    let ttl = twin.settings.session_ttl_secs.max(60);
    let record = SessionRecord {
        token_hash: token::hash(&session_token),
        person_id: person_id.to_string(),
        auth_method: auth_method.to_string(),
        auth_time_unix,
        expires_at_unix: unix_now() + ttl,
    };
    PersonStore::create_session(twin.store.as_ref(), &record).await?;
    let cookie = cookie_header(twin, &session_token, ttl)?;
    let signed = SignedIn {
        person_id: record.person_id,
        token_hash: record.token_hash,
        csrf: csrf_for(twin, &session_token),
        auth_method: record.auth_method,
        auth_time_unix,
        expires_at_unix: record.expires_at_unix,
    };
    Ok((cookie, signed))
}

/// Ends a session server-side and returns the `Set-Cookie` value that clears the cookie.
pub(crate) async fn end_session(
    twin: &TwinState,
    signed: &SignedIn,
) -> Result<HeaderValue, ApiError> {
    PersonStore::delete_session(twin.store.as_ref(), &signed.token_hash).await?;
    clear_cookie(twin)
}

/// The `Set-Cookie` value that clears the session cookie.
pub(crate) fn clear_cookie(twin: &TwinState) -> Result<HeaderValue, ApiError> {
    cookie_header(twin, "", 0)
}

/// `GET /api/v1/me/session`.
#[derive(Debug, Serialize)]
struct SessionView {
    person_id: String,
    auth_method: String,
    auth_time: i64,
    expires_at: i64,
    csrf_token: String,
}

async fn session_info(signed: SignedIn) -> Response {
    let mut response = Json(SessionView {
        person_id: signed.person_id.clone(),
        auth_method: signed.auth_method.clone(),
        auth_time: signed.auth_time_unix,
        expires_at: signed.expires_at_unix,
        csrf_token: signed.csrf.clone(),
    })
    .into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

async fn sign_out(
    axum::extract::State(state): axum::extract::State<AppState>,
    signed: SignedIn,
) -> Result<Response, ApiError> {
    let twin = state.twin()?;
    let cookie = end_session(twin, &signed).await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(response)
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/me/session", get(session_info).delete(sign_out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_on_this_site_are_local() {
        assert!(is_local_path("/fi/me"));
        assert!(is_local_path("/oauth/authorize?client_id=x&scope=age"));
        for bad in [
            "//evil.example/",
            "/\\evil.example",
            "https://evil.example/",
            "evil",
            "",
            "/fi/\nme",
            "/a\\b",
        ] {
            assert!(!is_local_path(bad), "{bad:?}");
        }
    }

    #[test]
    fn the_session_cookie_is_found_among_others_and_must_be_well_formed() {
        let t = token::generate().unwrap();
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("a=b; aurora_session={t}; c=d")).unwrap(),
        );
        assert_eq!(session_token(&h), Some(t.clone()));
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("aurora_session=short"),
        );
        assert_eq!(session_token(&h), None);
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("__Host-aurora_session={t}")).unwrap(),
        );
        assert_eq!(session_token(&h), Some(t));
    }

    #[test]
    fn login_redirects_never_leave_the_site() {
        let r = login_redirect(aurora_model::Lang::Fi, "//evil.example/x");
        let loc = r.headers()[header::LOCATION].to_str().unwrap();
        assert_eq!(loc, "/fi/account/login?return=%2Ffi%2F");
        let r = login_redirect(aurora_model::Lang::Sv, "/sv/me?x=1");
        let loc = r.headers()[header::LOCATION].to_str().unwrap();
        assert_eq!(loc, "/sv/account/login?return=%2Fsv%2Fme%3Fx%3D1");
    }
}
