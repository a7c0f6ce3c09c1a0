//! `GET /oauth/authorize` (the consent screen, fi/sv/en by `ui_locales`) and `POST
//! /oauth/authorize` (the person's decision).
//!
//! Order of decisions (rules in `aurora_twin::oauth::validate_authorization`):
//! 1. an unknown client or a redirect URI that is not exactly a registered one is shown on
//!    the page and **never redirected** (no open redirect); so is a repeated parameter;
//! 2. every other protocol error goes to the validated redirect URI with `state` and `iss`;
//! 3. without a session: `prompt=none` → `login_required` to the redirect URI; otherwise the
//!    sign-in page with a relative return path back here;
//! 4. `prompt=none` with a session: a code only under an existing consent in force that covers
//!    the request, else `consent_required` (nothing is consented silently);
//! 5. otherwise the consent screen: which service, which organisation, for which purpose,
//!    which attributes it would read and which it would store, until when; approve or deny,
//!    posted with the session's CSRF token. Approving records the consent (with its signed
//!    receipt) through `aurora_twin::consent` and redirects with a code bound to it.
//!
//! Pages are `no-store`, may not be framed (clickjacking) and send no `Referer`.

use askama::Template;
use aurora_model::Lang;
use aurora_twin::consent::{ConsentError, ConsentSettings, Purposes};
use aurora_twin::oauth::{
    code_location, needs_fresh_login, validate_authorization, ApproveError, AuthorizationRequest,
    AuthorizeError, Prompt, RedirectError, ValidAuthorization, CONSENT_VALIDITY_SECS,
};
use aurora_twin::registry::AttributeRegistry;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use super::{issuer, server};
use crate::i18n::Tr;
use crate::me::auth::{current, login_redirect, unix_now, SignedIn};
use crate::me::TwinState;
use crate::state::AppState;

/// Parameters an authorization request may carry (others are ignored, per RFC 6749 §3.1).
const PARAMS: [&str; 13] = [
    "client_id",
    "redirect_uri",
    "response_type",
    "response_mode",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
    "prompt",
    "max_age",
    "purpose",
    "ui_locales",
];

/// The request's parameters in order, or `None` when one of [`PARAMS`] is repeated (RFC 6749
/// §3.1: parameters must not be included more than once).
fn parse_params(raw: &[u8]) -> Option<Vec<(String, String)>> {
    let mut out: Vec<(String, String)> = Vec::new();
    for (k, v) in form_urlencoded::parse(raw) {
        if PARAMS.contains(&k.as_ref()) && out.iter().any(|(seen, _)| seen == &k) {
            return None;
        }
        out.push((k.into_owned(), v.into_owned()));
    }
    Some(out)
}

fn get_param(params: &[(String, String)], name: &str) -> Option<String> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
}

fn request_of(params: &[(String, String)]) -> AuthorizationRequest {
    AuthorizationRequest {
        client_id: get_param(params, "client_id"),
        redirect_uri: get_param(params, "redirect_uri"),
        response_type: get_param(params, "response_type"),
        response_mode: get_param(params, "response_mode"),
        scope: get_param(params, "scope"),
        state: get_param(params, "state"),
        nonce: get_param(params, "nonce"),
        code_challenge: get_param(params, "code_challenge"),
        code_challenge_method: get_param(params, "code_challenge_method"),
        prompt: get_param(params, "prompt"),
        max_age: get_param(params, "max_age"),
        purpose: get_param(params, "purpose"),
    }
}

/// The first of `ui_locales` we speak; Finnish otherwise.
fn lang_of(params: &[(String, String)]) -> Lang {
    get_param(params, "ui_locales")
        .unwrap_or_default()
        .split(' ')
        .find_map(|tag| Lang::parse(tag.split('-').next().unwrap_or_default()))
        .unwrap_or(Lang::Fi)
}

/// The request's own query with `changes` applied (`None` removes), only known parameters.
fn query_with(params: &[(String, String)], changes: &[(&str, Option<&str>)]) -> String {
    let mut qs = form_urlencoded::Serializer::new(String::new());
    for (k, v) in params {
        if !PARAMS.contains(&k.as_str()) || changes.iter().any(|(c, _)| c == k) {
            continue;
        }
        qs.append_pair(k, v);
    }
    for (k, v) in changes {
        if let Some(v) = v {
            qs.append_pair(k, v);
        }
    }
    qs.finish()
}

/// Headers of every answer of this endpoint.
fn harden(response: &mut Response) {
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("frame-ancestors 'none'"),
    );
}

fn redirect(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    match HeaderValue::from_str(location) {
        Ok(v) => {
            response.headers_mut().insert(header::LOCATION, v);
        }
        // A registered redirect URI is a valid header value; this is unreachable in practice.
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
    harden(&mut response);
    response
}

// ------------------------------------------------------------------------------------------
// Pages
// ------------------------------------------------------------------------------------------

struct LangLink {
    code: &'static str,
    label: &'static str,
    href: String,
    current: bool,
}

/// What `base.html` needs (the same fields as the site's own chrome).
struct Chrome {
    lang: &'static str,
    title: String,
    tr: Tr,
    switcher: Vec<LangLink>,
    api_href: String,
}

fn own_name(lang: Lang) -> &'static str {
    match lang {
        Lang::Fi => "Suomeksi",
        Lang::Sv => "På svenska",
        Lang::En => "In English",
    }
}

impl Chrome {
    fn new(lang: Lang, title_id: &str, path_in: impl Fn(Lang) -> String) -> Chrome {
        let tr = Tr::new(lang);
        Chrome {
            lang: lang.code(),
            title: tr.t(title_id),
            tr,
            switcher: Lang::ALL
                .into_iter()
                .map(|l| LangLink {
                    code: l.code(),
                    label: own_name(l),
                    href: path_in(l),
                    current: l == lang,
                })
                .collect(),
            api_href: "/.well-known/openid-configuration".into(),
        }
    }
}

struct AttributeItem {
    title: String,
    description: String,
    sensitive: bool,
}

struct Hidden {
    name: String,
    value: String,
}

#[derive(Template)]
#[template(path = "oauth_consent.html")]
struct ConsentPage {
    chrome: Chrome,
    service: String,
    organisation: String,
    purpose_name: String,
    purpose_description: String,
    read: Vec<AttributeItem>,
    store: Vec<AttributeItem>,
    valid_until: String,
    hidden: Vec<Hidden>,
    csrf: String,
}

#[derive(Template)]
#[template(path = "oauth_error.html")]
struct ErrorPage {
    chrome: Chrome,
    text: String,
}

fn page(status: StatusCode, lang: Lang, body: Result<String, askama::Error>) -> Response {
    let mut response = match body {
        Ok(body) => (
            status,
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::CONTENT_LANGUAGE, lang.code()),
            ],
            body,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "consent page template failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    };
    harden(&mut response);
    response
}

/// An error shown on the page (never redirected).
fn error_page(status: StatusCode, lang: Lang, text_id: &str) -> Response {
    let chrome = Chrome::new(lang, "oauth-error-title", |l| format!("/{}/", l.code()));
    let text = chrome.tr.t(text_id);
    page(status, lang, ErrorPage { chrome, text }.render())
}

fn date_text(lang: Lang, unix: i64) -> String {
    let Ok(t) = time::OffsetDateTime::from_unix_timestamp(unix) else {
        return String::new();
    };
    let (y, m, d) = (t.year(), u8::from(t.month()), t.day());
    match lang {
        Lang::Fi => format!("{d}.{m}.{y}"),
        Lang::Sv | Lang::En => format!("{y}-{m:02}-{d:02}"),
    }
}

fn attribute_items(names: &[String], lang: Lang) -> Vec<AttributeItem> {
    let registry = AttributeRegistry::bundled();
    names
        .iter()
        .map(|n| match registry.get(n) {
            Some(a) => AttributeItem {
                title: a.title.get(lang).to_string(),
                description: a.description.get(lang).to_string(),
                sensitive: a.sensitive,
            },
            None => AttributeItem {
                title: n.clone(),
                description: String::new(),
                sensitive: false,
            },
        })
        .collect()
}

fn consent_page(
    lang: Lang,
    auth: &ValidAuthorization,
    params: &[(String, String)],
    signed: &SignedIn,
    now: i64,
) -> Response {
    let chrome = Chrome::new(lang, "oauth-consent-title", |l| {
        format!(
            "/oauth/authorize?{}",
            query_with(params, &[("ui_locales", Some(l.code()))])
        )
    });
    let (purpose_name, purpose_description) = match Purposes::bundled().get(&auth.purpose) {
        Some(p) => (
            p.name.get(lang).to_string(),
            p.description.get(lang).to_string(),
        ),
        None => (auth.purpose.clone(), String::new()),
    };
    let mut hidden: Vec<Hidden> = params
        .iter()
        .filter(|(k, _)| PARAMS.contains(&k.as_str()) && k != "ui_locales")
        .map(|(k, v)| Hidden {
            name: k.clone(),
            value: v.clone(),
        })
        .collect();
    hidden.push(Hidden {
        name: "ui_locales".into(),
        value: lang.code().into(),
    });
    let body = ConsentPage {
        service: auth.client.name(lang.code()).to_string(),
        organisation: auth.client.organisation.clone(),
        purpose_name,
        purpose_description,
        read: attribute_items(&auth.read_attributes(), lang),
        store: attribute_items(&auth.store_attributes(), lang),
        valid_until: date_text(lang, now + CONSENT_VALIDITY_SECS),
        hidden,
        csrf: signed.csrf.clone(),
        chrome,
    }
    .render();
    page(StatusCode::OK, lang, body)
}

// ------------------------------------------------------------------------------------------
// Handlers
// ------------------------------------------------------------------------------------------

/// What validation gives a handler: the request, or the answer to send.
fn validated(
    result: Result<ValidAuthorization, AuthorizeError>,
    lang: Lang,
    iss: &str,
) -> Result<ValidAuthorization, Box<Response>> {
    match result {
        Ok(auth) => Ok(auth),
        Err(AuthorizeError::UnknownClient) => Err(Box::new(error_page(
            StatusCode::BAD_REQUEST,
            lang,
            "oauth-error-unknown-client",
        ))),
        Err(AuthorizeError::BadRedirectUri) => Err(Box::new(error_page(
            StatusCode::BAD_REQUEST,
            lang,
            "oauth-error-redirect-uri",
        ))),
        Err(AuthorizeError::Redirect(e)) => Err(Box::new(redirect(&e.location(iss)))),
    }
}

fn redirect_error(
    auth: &ValidAuthorization,
    error: &'static str,
    description: &str,
    iss: &str,
) -> Response {
    redirect(
        &RedirectError {
            redirect_uri: auth.redirect_uri.clone(),
            error,
            description: description.to_string(),
            state: auth.state.clone(),
        }
        .location(iss),
    )
}

async fn authorize_get(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let Ok(twin) = state.twin() else {
        return error_page(
            StatusCode::SERVICE_UNAVAILABLE,
            Lang::Fi,
            "oauth-error-unavailable",
        );
    };
    let raw = query.unwrap_or_default();
    let Some(params) = parse_params(raw.as_bytes()) else {
        return error_page(StatusCode::BAD_REQUEST, Lang::Fi, "oauth-error-request");
    };
    let lang = lang_of(&params);
    let iss = issuer(twin);
    let auth = match validated(
        validate_authorization(twin.store.as_ref(), &request_of(&params)).await,
        lang,
        &iss,
    ) {
        Ok(a) => a,
        Err(response) => return *response,
    };
    let now = unix_now();
    let signed = match current(twin, &headers).await {
        Ok(s) => s,
        Err(_) => {
            return error_page(
                StatusCode::SERVICE_UNAVAILABLE,
                lang,
                "oauth-error-unavailable",
            )
        }
    };
    let signed = match signed {
        Some(s) if !needs_fresh_login(&auth, s.auth_time_unix, now) => s,
        _ if auth.prompt == Some(Prompt::None) => {
            return redirect_error(&auth, "login_required", "the person is not signed in", &iss)
        }
        fresh_needed => {
            // Back here after signing in; `prompt=login` is replaced by a short `max_age`,
            // so the return does not ask for yet another sign-in.
            let changes: Vec<(&str, Option<&str>)> =
                if fresh_needed.is_some() && auth.prompt == Some(Prompt::Login) {
                    vec![("prompt", None), ("max_age", Some("600"))]
                } else {
                    Vec::new()
                };
            let back = format!("/oauth/authorize?{}", query_with(&params, &changes));
            let mut response = login_redirect(lang, &back);
            harden(&mut response);
            return response;
        }
    };
    if auth.prompt == Some(Prompt::None) {
        return match server(twin, &iss)
            .silent_code(&auth, &signed.person_id, signed.auth_time_unix, now)
            .await
        {
            Ok(Some(code)) => redirect(&code_location(&auth, &code, &iss)),
            Ok(None) => redirect_error(
                &auth,
                "consent_required",
                "the person has not consented",
                &iss,
            ),
            Err(e) => {
                tracing::error!(error = %e, "silent authorization failed");
                redirect_error(&auth, "server_error", "try again later", &iss)
            }
        };
    }
    consent_page(lang, &auth, &params, &signed, now)
}

async fn authorize_post(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Ok(twin) = state.twin() else {
        return error_page(
            StatusCode::SERVICE_UNAVAILABLE,
            Lang::Fi,
            "oauth-error-unavailable",
        );
    };
    let form_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let Some(params) = parse_params(&body).filter(|_| form_type) else {
        return error_page(StatusCode::BAD_REQUEST, Lang::Fi, "oauth-error-request");
    };
    let lang = lang_of(&params);
    let signed = match current(twin, &headers).await {
        Ok(Some(s)) => s,
        Ok(None) => return error_page(StatusCode::UNAUTHORIZED, lang, "oauth-error-session"),
        Err(_) => {
            return error_page(
                StatusCode::SERVICE_UNAVAILABLE,
                lang,
                "oauth-error-unavailable",
            )
        }
    };
    // The CSRF check comes before anything else is decided or redirected.
    if !signed.csrf_ok(&get_param(&params, "csrf").unwrap_or_default()) {
        return error_page(StatusCode::FORBIDDEN, lang, "oauth-error-csrf");
    }
    let iss = issuer(twin);
    let auth = match validated(
        validate_authorization(twin.store.as_ref(), &request_of(&params)).await,
        lang,
        &iss,
    ) {
        Ok(a) => a,
        Err(response) => return *response,
    };
    match get_param(&params, "decision").as_deref() {
        Some("approve") => approve(twin, &auth, &signed, lang, &iss).await,
        Some("deny") => redirect_error(&auth, "access_denied", "the person declined", &iss),
        _ => error_page(StatusCode::BAD_REQUEST, lang, "oauth-error-request"),
    }
}

async fn approve(
    twin: &TwinState,
    auth: &ValidAuthorization,
    signed: &SignedIn,
    lang: Lang,
    iss: &str,
) -> Response {
    let settings = ConsentSettings::for_public_url(&twin.settings.public_url);
    let outcome = server(twin, iss)
        .approve(
            AttributeRegistry::bundled(),
            &settings,
            auth,
            &signed.person_id,
            signed.auth_time_unix,
            lang,
            time::OffsetDateTime::now_utc(),
        )
        .await;
    match outcome {
        Ok((_record, code)) => redirect(&code_location(auth, &code, iss)),
        Err(ApproveError::Consent(
            e @ (ConsentError::AttributeNotAllowed(_)
            | ConsentError::UnknownAttribute(_)
            | ConsentError::NoAttributes
            | ConsentError::TooManyAttributes),
        )) => redirect_error(auth, "invalid_scope", &e.to_string(), iss),
        Err(ApproveError::Consent(
            e @ (ConsentError::UnknownPurpose(_) | ConsentError::PurposeNotAllowed(_)),
        )) => redirect_error(auth, "invalid_request", &e.to_string(), iss),
        Err(e) => {
            tracing::error!(error = %e, "recording the consent failed");
            redirect_error(auth, "server_error", "try again later", iss)
        }
    }
}

/// The consent-screen routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/oauth/authorize", get(authorize_get).post(authorize_post))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_parameters_are_refused_and_ui_locales_picks_the_language() {
        assert!(parse_params(b"client_id=a&client_id=b").is_none());
        assert!(parse_params(b"client_id=a&other=1&other=2").is_some());
        let p = parse_params(b"ui_locales=de%20sv-FI%20en").unwrap();
        assert_eq!(lang_of(&p), Lang::Sv);
        assert_eq!(lang_of(&[]), Lang::Fi);
        let q = query_with(
            &parse_params(b"client_id=a&prompt=login&x=1").unwrap(),
            &[("prompt", None), ("max_age", Some("600"))],
        );
        assert_eq!(q, "client_id=a&max_age=600");
    }
}
