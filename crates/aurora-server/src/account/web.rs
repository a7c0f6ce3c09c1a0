//! The account web pages, `/{lang}/account/…` in fi, sv and en: sign-in, sign-up, e-mail
//! verification, password reset (`forgot`, `reset`), the account page (password change, e-mail change, sign-out here and
//! everywhere), the e-mail change confirmation, and OpenID Connect sign-in.
//!
//! CSRF: forms shown before sign-in carry the `aurora_csrf` double-submit token (the cookie
//! of the guidance page: `HttpOnly; SameSite=Strict`), forms shown after sign-in the
//! session's CSRF token. A post without the right token is refused with 403.
//! Pages are `Cache-Control: no-store` and `Referrer-Policy: no-referrer` (links in mail
//! carry tokens in their address).

use askama::Template;
use aurora_model::Lang;
use aurora_store::accounts::{AccountStore, OidcLogin};
use aurora_twin::oidc::{self as rules, LoginRequest, OidcError};
use aurora_twin::token;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use rand::RngCore;
use std::collections::HashMap;

use super::flows::{self, SignInError};
use super::{lang_of, AccountState};
use crate::api::ApiPath;
use crate::error::{ApiError, ErrorCode};
use crate::i18n::Tr;
use crate::me::auth::{end_session, login_redirect, start_session, unix_now, SignedIn, WebSession};
use crate::me::TwinState;
use crate::state::AppState;

/// The double-submit CSRF cookie (shared with the guidance page).
const CSRF_COOKIE: &str = "aurora_csrf";

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/{lang}/account", get(account_page))
        .route("/{lang}/account/login", get(login_page).post(login_post))
        .route("/{lang}/account/signup", get(signup_page).post(signup_post))
        .route("/{lang}/account/verify", get(verify_page))
        .route("/{lang}/account/forgot", get(forgot_page).post(forgot_post))
        .route("/{lang}/account/reset", get(reset_page).post(reset_post))
        .route("/{lang}/account/logout", axum::routing::post(logout_post))
        .route(
            "/{lang}/account/logout-all",
            axum::routing::post(logout_all_post),
        )
        .route(
            "/{lang}/account/password",
            axum::routing::post(password_post),
        )
        .route("/{lang}/account/email", axum::routing::post(email_post))
        .route(
            "/{lang}/account/email/confirm",
            get(email_confirm_page).post(email_confirm_post),
        )
        .route("/{lang}/account/oidc/start", get(oidc_start))
        .route("/{lang}/account/oidc/callback", get(oidc_callback))
}

// ------------------------------------------------------------------------------------------
// Page parts
// ------------------------------------------------------------------------------------------

pub(crate) struct LangLink {
    code: &'static str,
    label: &'static str,
    href: String,
    current: bool,
}

/// What `base.html` needs.
pub(crate) struct Chrome {
    lang: &'static str,
    title: String,
    tr: Tr,
    switcher: Vec<LangLink>,
    api_href: String,
}

impl Chrome {
    fn new(lang: Lang, title: String, path: &str) -> Self {
        Chrome {
            lang: lang.code(),
            title,
            tr: Tr::new(lang),
            switcher: Lang::ALL
                .into_iter()
                .map(|l| LangLink {
                    code: l.code(),
                    label: match l {
                        Lang::Fi => "Suomeksi",
                        Lang::Sv => "På svenska",
                        Lang::En => "In English",
                    },
                    href: format!("/{}/{path}", l.code()),
                    current: l == lang,
                })
                .collect(),
            api_href: "/api/v1/docs".into(),
        }
    }
}

pub(crate) struct Field {
    id: String,
    name: &'static str,
    label: String,
    kind: &'static str,
    autocomplete: &'static str,
    value: String,
    hint: Option<String>,
    error: Option<String>,
}

pub(crate) struct Hidden {
    name: &'static str,
    value: String,
}

pub(crate) struct FormView {
    heading: Option<String>,
    action: String,
    fields: Vec<Field>,
    hidden: Vec<Hidden>,
    submit: String,
}

pub(crate) struct SummaryError {
    field_id: String,
    text: String,
}

pub(crate) struct LinkView {
    href: String,
    text: String,
}

#[derive(Template)]
#[template(path = "account_page.html")]
struct AccountPage {
    chrome: Chrome,
    heading: String,
    intro: Option<String>,
    notice: Option<String>,
    errors: Vec<SummaryError>,
    forms: Vec<FormView>,
    links: Vec<LinkView>,
}

impl AccountPage {
    fn new(lang: Lang, title_id: &str, path: &str) -> Self {
        let tr = Tr::new(lang);
        let heading = tr.t(title_id);
        AccountPage {
            chrome: Chrome::new(lang, heading.clone(), path),
            heading,
            intro: None,
            notice: None,
            errors: Vec::new(),
            forms: Vec::new(),
            links: Vec::new(),
        }
    }

    /// Puts a field error next to its field and into the summary.
    fn field_error(&mut self, field_name: &str, text: String) {
        self.field_error_in("", field_name, text);
    }

    /// Like [`AccountPage::field_error`], in the form whose field ids start with `form`
    /// (the account page has a `current_password` field in two forms).
    fn field_error_in(&mut self, form: &str, field_name: &str, text: String) {
        for view in &mut self.forms {
            for f in &mut view.fields {
                if f.name == field_name && f.id.starts_with(form) {
                    f.error = Some(text.clone());
                    self.errors.push(SummaryError {
                        field_id: f.id.clone(),
                        text: text.clone(),
                    });
                    return;
                }
            }
        }
        self.errors.push(SummaryError {
            field_id: String::new(),
            text,
        });
    }

    fn render(&self, status: StatusCode, lang: Lang, set_cookies: &[HeaderValue]) -> Response {
        let mut response = match Template::render(self) {
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
                ApiError::internal(&format!("template rendering failed: {e}")).into_response()
            }
        };
        page_headers(&mut response);
        for c in set_cookies {
            response.headers_mut().append(header::SET_COOKIE, c.clone());
        }
        response
    }
}

fn page_headers(response: &mut Response) {
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
}

fn field(
    tr: &Tr,
    form: &str,
    name: &'static str,
    kind: &'static str,
    autocomplete: &'static str,
) -> Field {
    Field {
        id: format!("{form}-{}", name.replace('_', "-")),
        name,
        label: tr.t(&format!("account-field-{}", name.replace('_', "-"))),
        kind,
        autocomplete,
        value: String::new(),
        hint: None,
        error: None,
    }
}

fn see_other(location: &str, set_cookies: &[HeaderValue]) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    for c in set_cookies {
        response.headers_mut().append(header::SET_COOKIE, c.clone());
    }
    page_headers(&mut response);
    response
}

fn page_lang(code: &str) -> Result<Lang, ApiError> {
    lang_of(code).ok_or_else(|| ApiError::new(ErrorCode::NotFound, "no such page"))
}

fn query(raw: Option<&str>) -> HashMap<String, String> {
    form_urlencoded::parse(raw.unwrap_or("").as_bytes())
        .into_owned()
        .collect()
}

fn form(body: &Bytes) -> HashMap<String, String> {
    form_urlencoded::parse(body).into_owned().collect()
}

/// The return path after sign-in: a relative path on this site, else the account page.
fn return_to(lang: Lang, candidate: Option<&String>) -> String {
    candidate
        .and_then(|c| rules::return_path(c))
        .map(str::to_string)
        .unwrap_or_else(|| format!("/{}/account", lang.code()))
}

// ------------------------------------------------------------------------------------------
// CSRF before sign-in (double submit)
// ------------------------------------------------------------------------------------------

fn is_csrf_token(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn csrf_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| *name == CSRF_COOKIE && is_csrf_token(value.trim()))
        .map(|(_, value)| value.trim().to_string())
}

/// The request's double-submit token, or a new one with its `Set-Cookie`.
fn anon_csrf(twin: &TwinState, headers: &HeaderMap) -> (String, Option<HeaderValue>) {
    if let Some(t) = csrf_cookie(headers) {
        return (t, None);
    }
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let t = hex_encode(&bytes);
    let secure = if twin.secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    let cookie = HeaderValue::from_str(&format!(
        "{CSRF_COOKIE}={t}; Path=/; HttpOnly; SameSite=Strict{secure}"
    ))
    .ok();
    (t, cookie)
}

fn hex_encode(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn anon_csrf_ok(headers: &HeaderMap, form: &HashMap<String, String>) -> bool {
    match (csrf_cookie(headers), form.get("csrf")) {
        (Some(c), Some(f)) => token::constant_time_eq(c.as_bytes(), f.as_bytes()),
        _ => false,
    }
}

fn denied(lang: Lang, path: &str) -> Response {
    let mut page = AccountPage::new(lang, "account-denied-title", path);
    page.intro = Some(Tr::new(lang).t("account-denied-csrf"));
    page.render(StatusCode::FORBIDDEN, lang, &[])
}

fn error_page(lang: Lang, path: &str, e: &ApiError) -> Response {
    let tr = Tr::new(lang);
    let mut page = AccountPage::new(lang, "account-error-title", path);
    page.intro = Some(match e.code {
        ErrorCode::Unavailable | ErrorCode::Timeout => tr.t("account-error-unavailable"),
        _ => tr.t("account-error-internal"),
    });
    page.render(e.code.status(), lang, &[])
}

// ------------------------------------------------------------------------------------------
// Sign-in
// ------------------------------------------------------------------------------------------

fn login_form(
    tr: &Tr,
    lang: Lang,
    csrf: &str,
    ret: &str,
    link: Option<&str>,
    email: &str,
) -> FormView {
    let mut email_field = field(tr, "login", "email", "email", "username");
    email_field.value = email.to_string();
    let mut hidden = vec![
        Hidden {
            name: "csrf",
            value: csrf.to_string(),
        },
        Hidden {
            name: "return",
            value: ret.to_string(),
        },
    ];
    if let Some(l) = link {
        hidden.push(Hidden {
            name: "link",
            value: l.to_string(),
        });
    }
    FormView {
        heading: None,
        action: format!("/{}/account/login", lang.code()),
        fields: vec![
            email_field,
            field(tr, "login", "password", "password", "current-password"),
        ],
        hidden,
        submit: tr.t("account-login-submit"),
    }
}

fn login_view(
    twin: &TwinState,
    account: &AccountState,
    lang: Lang,
    csrf: &str,
    ret: &str,
    link: Option<&str>,
    email: &str,
) -> AccountPage {
    let _ = twin;
    let tr = Tr::new(lang);
    let mut page = AccountPage::new(lang, "account-login-title", "account/login");
    if link.is_some() {
        page.intro = Some(tr.t("account-login-link-intro"));
    }
    page.forms
        .push(login_form(&tr, lang, csrf, ret, link, email));
    if account.settings.oidc.is_some() && link.is_none() {
        let q: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("return", ret)
            .finish();
        page.links.push(LinkView {
            href: format!("/{}/account/oidc/start?{q}", lang.code()),
            text: tr.t("account-login-oidc"),
        });
    }
    page.links.push(LinkView {
        href: format!("/{}/account/forgot", lang.code()),
        text: tr.t("account-login-forgot"),
    });
    page.links.push(LinkView {
        href: format!("/{}/account/signup", lang.code()),
        text: tr.t("account-login-to-signup"),
    });
    page
}

async fn login_page(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let lang = page_lang(&code)?;
    let (twin, account) = state.accounts()?;
    let q = query(raw.as_deref());
    let ret = return_to(lang, q.get("return"));
    let link = q
        .get("link")
        .map(String::as_str)
        .filter(|l| token::well_formed(l));
    let (csrf, cookie) = anon_csrf(&twin, &headers);
    let page = login_view(&twin, &account, lang, &csrf, &ret, link, "");
    Ok(page.render(
        StatusCode::OK,
        lang,
        &cookie.into_iter().collect::<Vec<_>>(),
    ))
}

async fn login_post(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
    peer: flows::Peer,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let lang = page_lang(&code)?;
    let (twin, account) = state.accounts()?;
    let f = form(&body);
    if !anon_csrf_ok(&headers, &f) {
        return Ok(denied(lang, "account/login"));
    }
    let ret = return_to(lang, f.get("return"));
    let link = f
        .get("link")
        .map(String::as_str)
        .filter(|l| token::well_formed(l));
    let email = f.get("email").cloned().unwrap_or_default();
    let pw = f.get("password").cloned().unwrap_or_default();
    let client = flows::client_address(&headers, &peer);
    let tr = Tr::new(lang);
    match flows::check_sign_in(&twin, &email, &pw, &client, link).await {
        Ok(person) => {
            if let Some(old) = crate::me::auth::current(&twin, &headers).await? {
                end_session(&twin, &old).await?;
            }
            let (cookie, _) = start_session(&twin, &person, "password", unix_now()).await?;
            Ok(see_other(&ret, &[cookie]))
        }
        Err(e) => {
            let csrf = csrf_cookie(&headers).unwrap_or_default();
            let mut page = login_view(&twin, &account, lang, &csrf, &ret, link, &email);
            let (status, text, retry) = match e {
                SignInError::Throttled(secs) => (
                    StatusCode::TOO_MANY_REQUESTS,
                    tr.t1(
                        "account-login-throttled",
                        "minutes",
                        (secs as u64).div_ceil(60),
                    ),
                    Some(secs),
                ),
                SignInError::BadCredentials => {
                    (StatusCode::UNAUTHORIZED, tr.t("account-login-failed"), None)
                }
                SignInError::Unverified => (
                    StatusCode::FORBIDDEN,
                    tr.t("account-login-unverified"),
                    None,
                ),
                SignInError::Other(e) => return Ok(error_page(lang, "account/login", &e)),
            };
            page.field_error("email", text);
            let mut response = page.render(status, lang, &[]);
            if let Some(secs) = retry {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(secs.max(1)));
            }
            Ok(response)
        }
    }
}

// ------------------------------------------------------------------------------------------
// Sign-up and verification
// ------------------------------------------------------------------------------------------

fn signup_view(lang: Lang, csrf: &str, email: &str) -> AccountPage {
    let tr = Tr::new(lang);
    let mut page = AccountPage::new(lang, "account-signup-title", "account/signup");
    page.intro = Some(tr.t("account-signup-intro"));
    let mut e = field(&tr, "signup", "email", "email", "email");
    e.value = email.to_string();
    let mut p = field(&tr, "signup", "password", "password", "new-password");
    p.hint = Some(tr.t("account-password-hint"));
    page.forms.push(FormView {
        heading: None,
        action: format!("/{}/account/signup", lang.code()),
        fields: vec![e, p],
        hidden: vec![Hidden {
            name: "csrf",
            value: csrf.to_string(),
        }],
        submit: tr.t("account-signup-submit"),
    });
    page.links.push(LinkView {
        href: format!("/{}/account/login", lang.code()),
        text: tr.t("account-signup-to-login"),
    });
    page
}

async fn signup_page(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let lang = page_lang(&code)?;
    let (twin, _) = state.accounts()?;
    let (csrf, cookie) = anon_csrf(&twin, &headers);
    Ok(signup_view(lang, &csrf, "").render(
        StatusCode::OK,
        lang,
        &cookie.into_iter().collect::<Vec<_>>(),
    ))
}

/// A field error of the flows in the page language.
fn localized_field_error(tr: &Tr, e: &ApiError, pw: &str, email: &str) -> Option<(String, String)> {
    let fe = e.errors.first()?;
    let text = match fe.field.as_str() {
        "email" | "new_email" => tr.t("account-error-email"),
        "password" | "new_password" => match aurora_twin::password::check_policy(pw, email) {
            Err(p) => tr.t(&format!("account-password-{}", p.code())),
            Ok(()) => tr.t("account-error-generic"),
        },
        "current_password" => tr.t("account-error-current-password"),
        "token" => tr.t("account-error-link"),
        _ => tr.t("account-error-generic"),
    };
    Some((fe.field.clone(), text))
}

async fn signup_post(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
    peer: flows::Peer,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let lang = page_lang(&code)?;
    let (twin, account) = state.accounts()?;
    let f = form(&body);
    if !anon_csrf_ok(&headers, &f) {
        return Ok(denied(lang, "account/signup"));
    }
    let email = f.get("email").cloned().unwrap_or_default();
    let pw = f.get("password").cloned().unwrap_or_default();
    let tr = Tr::new(lang);
    let client = flows::client_address(&headers, &peer);
    match flows::sign_up(&twin, &account, &email, &pw, lang, &client).await {
        Ok(()) => {
            let mut page = AccountPage::new(lang, "account-signup-done-title", "account/signup");
            page.intro = Some(tr.t("account-signup-done"));
            Ok(page.render(StatusCode::OK, lang, &[]))
        }
        Err(e) if e.code == ErrorCode::TooManyRequests => {
            let csrf = csrf_cookie(&headers).unwrap_or_default();
            let mut page = signup_view(lang, &csrf, &email);
            page.field_error("", tr.t1("account-login-throttled", "minutes", 15));
            Ok(page.render(StatusCode::TOO_MANY_REQUESTS, lang, &[]))
        }
        Err(e) if e.code == ErrorCode::InvalidField => {
            let csrf = csrf_cookie(&headers).unwrap_or_default();
            let mut page = signup_view(lang, &csrf, &email);
            let normalized = aurora_twin::password::normalize_email(&email).unwrap_or_default();
            if let Some((name, text)) = localized_field_error(&tr, &e, &pw, &normalized) {
                page.field_error(&name, text);
            }
            Ok(page.render(StatusCode::BAD_REQUEST, lang, &[]))
        }
        Err(e) => Ok(error_page(lang, "account/signup", &e)),
    }
}

async fn verify_page(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let lang = page_lang(&code)?;
    let (twin, _) = state.accounts()?;
    let q = query(raw.as_deref());
    let ok = flows::verify(&twin, q.get("token").map(String::as_str).unwrap_or("")).await?;
    let tr = Tr::new(lang);
    let mut page = AccountPage::new(lang, "account-verify-title", "account/login");
    page.intro = Some(tr.t(if ok {
        "account-verify-ok"
    } else {
        "account-verify-failed"
    }));
    page.links.push(LinkView {
        href: format!("/{}/account/login", lang.code()),
        text: tr.t("account-signup-to-login"),
    });
    Ok(page.render(
        if ok {
            StatusCode::OK
        } else {
            StatusCode::BAD_REQUEST
        },
        lang,
        &[],
    ))
}

// ------------------------------------------------------------------------------------------
// Password reset ("forgot password")
// ------------------------------------------------------------------------------------------

fn forgot_view(lang: Lang, csrf: &str, email: &str) -> AccountPage {
    let tr = Tr::new(lang);
    let mut page = AccountPage::new(lang, "account-forgot-title", "account/forgot");
    page.intro = Some(tr.t("account-forgot-intro"));
    let mut e = field(&tr, "forgot", "email", "email", "username");
    e.value = email.to_string();
    page.forms.push(FormView {
        heading: None,
        action: format!("/{}/account/forgot", lang.code()),
        fields: vec![e],
        hidden: vec![Hidden {
            name: "csrf",
            value: csrf.to_string(),
        }],
        submit: tr.t("account-forgot-submit"),
    });
    page.links.push(LinkView {
        href: format!("/{}/account/login", lang.code()),
        text: tr.t("account-signup-to-login"),
    });
    page
}

async fn forgot_page(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let lang = page_lang(&code)?;
    let (twin, _) = state.accounts()?;
    let (csrf, cookie) = anon_csrf(&twin, &headers);
    Ok(forgot_view(lang, &csrf, "").render(
        StatusCode::OK,
        lang,
        &cookie.into_iter().collect::<Vec<_>>(),
    ))
}

async fn forgot_post(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
    peer: flows::Peer,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let lang = page_lang(&code)?;
    let (twin, account) = state.accounts()?;
    let f = form(&body);
    if !anon_csrf_ok(&headers, &f) {
        return Ok(denied(lang, "account/forgot"));
    }
    let email = f.get("email").cloned().unwrap_or_default();
    let tr = Tr::new(lang);
    let client = flows::client_address(&headers, &peer);
    match flows::request_password_reset(&twin, &account, &email, lang, &client).await {
        Ok(()) => {
            let mut page = AccountPage::new(lang, "account-forgot-done-title", "account/forgot");
            page.intro = Some(tr.t("account-forgot-done"));
            page.links.push(LinkView {
                href: format!("/{}/account/login", lang.code()),
                text: tr.t("account-signup-to-login"),
            });
            Ok(page.render(StatusCode::OK, lang, &[]))
        }
        Err(e) if e.code == ErrorCode::TooManyRequests || e.code == ErrorCode::InvalidField => {
            let csrf = csrf_cookie(&headers).unwrap_or_default();
            let mut page = forgot_view(lang, &csrf, &email);
            if e.code == ErrorCode::TooManyRequests {
                page.field_error("", tr.t1("account-login-throttled", "minutes", 15));
            } else {
                page.field_error("email", tr.t("account-error-email"));
            }
            Ok(page.render(e.code.status(), lang, &[]))
        }
        Err(e) => Ok(error_page(lang, "account/forgot", &e)),
    }
}

fn reset_view(lang: Lang, csrf: &str, link_token: &str) -> AccountPage {
    let tr = Tr::new(lang);
    let mut page = AccountPage::new(lang, "account-reset-title", "account/forgot");
    page.intro = Some(tr.t("account-reset-intro"));
    let mut p = field(&tr, "reset", "new_password", "password", "new-password");
    p.hint = Some(tr.t("account-password-hint"));
    page.forms.push(FormView {
        heading: None,
        action: format!("/{}/account/reset", lang.code()),
        fields: vec![p],
        hidden: vec![
            Hidden {
                name: "csrf",
                value: csrf.to_string(),
            },
            Hidden {
                name: "token",
                value: link_token.to_string(),
            },
        ],
        submit: tr.t("account-reset-submit"),
    });
    page
}

/// The page for a link that does not work (400), with a way to ask for a new one.
fn reset_failed(lang: Lang, set_cookies: &[HeaderValue]) -> Response {
    let tr = Tr::new(lang);
    let mut page = AccountPage::new(lang, "account-reset-title", "account/forgot");
    page.intro = Some(tr.t("account-reset-failed"));
    page.links.push(LinkView {
        href: format!("/{}/account/forgot", lang.code()),
        text: tr.t("account-reset-again"),
    });
    page.render(StatusCode::BAD_REQUEST, lang, set_cookies)
}

/// `GET /{lang}/account/reset?token=…` (the link in the mail): the form, with the token in a
/// hidden field. Looking does not spend the link.
async fn reset_page(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let lang = page_lang(&code)?;
    let (twin, _) = state.accounts()?;
    let q = query(raw.as_deref());
    let link_token = q.get("token").map(String::as_str).unwrap_or("");
    let (csrf, cookie) = anon_csrf(&twin, &headers);
    let cookies = cookie.into_iter().collect::<Vec<_>>();
    if flows::reset_link_email(&twin, link_token).await?.is_none() {
        return Ok(reset_failed(lang, &cookies));
    }
    Ok(reset_view(lang, &csrf, link_token).render(StatusCode::OK, lang, &cookies))
}

async fn reset_post(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let lang = page_lang(&code)?;
    let (twin, account) = state.accounts()?;
    let f = form(&body);
    if !anon_csrf_ok(&headers, &f) {
        return Ok(denied(lang, "account/forgot"));
    }
    let link_token = f.get("token").cloned().unwrap_or_default();
    let new = f.get("new_password").cloned().unwrap_or_default();
    let tr = Tr::new(lang);
    match flows::confirm_password_reset(&twin, &account, &link_token, &new, lang).await {
        Ok(()) => {
            let mut page = AccountPage::new(lang, "account-reset-title", "account/login");
            page.notice = Some(tr.t("account-reset-done"));
            page.links.push(LinkView {
                href: format!("/{}/account/login", lang.code()),
                text: tr.t("account-signup-to-login"),
            });
            // The old session cookie is dead now: clear it in this browser too.
            Ok(page.render(
                StatusCode::OK,
                lang,
                &[crate::me::auth::clear_cookie(&twin)?],
            ))
        }
        Err(e)
            if e.code == ErrorCode::InvalidField
                && e.errors
                    .first()
                    .is_some_and(|fe| fe.field == "new_password") =>
        {
            let csrf = csrf_cookie(&headers).unwrap_or_default();
            let mut page = reset_view(lang, &csrf, &link_token);
            let email = flows::reset_link_email(&twin, &link_token)
                .await?
                .unwrap_or_default();
            if let Some((name, text)) = localized_field_error(&tr, &e, &new, &email) {
                page.field_error(&name, text);
            }
            Ok(page.render(StatusCode::BAD_REQUEST, lang, &[]))
        }
        Err(e) if e.code == ErrorCode::InvalidField => Ok(reset_failed(lang, &[])),
        Err(e) => Ok(error_page(lang, "account/forgot", &e)),
    }
}

// ------------------------------------------------------------------------------------------
// The account page and what it posts
// ------------------------------------------------------------------------------------------

async fn settings_view(
    twin: &TwinState,
    lang: Lang,
    signed: &SignedIn,
) -> Result<AccountPage, ApiError> {
    let tr = Tr::new(lang);
    let acct = twin.store.account(&signed.person_id).await?;
    let mut page = AccountPage::new(lang, "account-settings-title", "account");
    page.intro = Some(match &acct {
        Some(a) => format!("{} {}", tr.t("account-settings-email"), a.email),
        None => tr.t("account-settings-no-local"),
    });
    let csrf = || Hidden {
        name: "csrf",
        value: signed.csrf.clone(),
    };
    let base = format!("/{}/account", lang.code());
    if acct.is_some() {
        let mut new_pw = field(&tr, "password", "new_password", "password", "new-password");
        new_pw.hint = Some(tr.t("account-password-hint"));
        page.forms.push(FormView {
            heading: Some(tr.t("account-password-heading")),
            action: format!("{base}/password"),
            fields: vec![
                field(
                    &tr,
                    "password",
                    "current_password",
                    "password",
                    "current-password",
                ),
                new_pw,
            ],
            hidden: vec![csrf()],
            submit: tr.t("account-password-submit"),
        });
        page.forms.push(FormView {
            heading: Some(tr.t("account-email-heading")),
            action: format!("{base}/email"),
            fields: vec![
                field(&tr, "email", "new_email", "email", "email"),
                field(
                    &tr,
                    "email",
                    "current_password",
                    "password",
                    "current-password",
                ),
            ],
            hidden: vec![csrf()],
            submit: tr.t("account-email-submit"),
        });
    }
    page.forms.push(FormView {
        heading: None,
        action: format!("{base}/logout"),
        fields: vec![],
        hidden: vec![csrf()],
        submit: tr.t("account-logout"),
    });
    page.forms.push(FormView {
        heading: None,
        action: format!("{base}/logout-all"),
        fields: vec![],
        hidden: vec![csrf()],
        submit: tr.t("account-logout-all"),
    });
    Ok(page)
}

async fn account_page(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
    WebSession(session): WebSession,
) -> Result<Response, ApiError> {
    let lang = page_lang(&code)?;
    let (twin, _) = state.accounts()?;
    let Some(signed) = session else {
        return Ok(login_redirect(lang, &format!("/{}/account", lang.code())));
    };
    Ok(settings_view(&twin, lang, &signed)
        .await?
        .render(StatusCode::OK, lang, &[]))
}

/// The session and form of a signed-in post, or the response that refuses it.
fn signed_post(
    lang: Lang,
    session: Option<SignedIn>,
    body: &Bytes,
    path: &str,
) -> Result<(SignedIn, HashMap<String, String>), Box<Response>> {
    let Some(signed) = session else {
        return Err(Box::new(login_redirect(
            lang,
            &format!("/{}/account", lang.code()),
        )));
    };
    let f = form(body);
    if !signed.csrf_ok(f.get("csrf").map(String::as_str).unwrap_or("")) {
        return Err(Box::new(denied(lang, path)));
    }
    Ok((signed, f))
}

async fn logout_post(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
    WebSession(session): WebSession,
    body: Bytes,
) -> Result<Response, ApiError> {
    let lang = page_lang(&code)?;
    let (twin, _) = state.accounts()?;
    let (signed, _) = match signed_post(lang, session, &body, "account") {
        Ok(x) => x,
        Err(r) => return Ok(*r),
    };
    let cookie = end_session(&twin, &signed).await?;
    Ok(see_other(&format!("/{}/", lang.code()), &[cookie]))
}

async fn logout_all_post(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
    WebSession(session): WebSession,
    body: Bytes,
) -> Result<Response, ApiError> {
    let lang = page_lang(&code)?;
    let (twin, _) = state.accounts()?;
    let (signed, _) = match signed_post(lang, session, &body, "account") {
        Ok(x) => x,
        Err(r) => return Ok(*r),
    };
    flows::sign_out_everywhere(&twin, &signed).await?;
    Ok(see_other(
        &format!("/{}/", lang.code()),
        &[crate::me::auth::clear_cookie(&twin)?],
    ))
}

async fn settings_with_error(
    twin: &TwinState,
    lang: Lang,
    signed: &SignedIn,
    e: &ApiError,
    pw: &str,
    form: &str,
) -> Result<Response, ApiError> {
    let tr = Tr::new(lang);
    let mut page = settings_view(twin, lang, signed).await?;
    let email = twin
        .store
        .account(&signed.person_id)
        .await?
        .map(|a| a.email)
        .unwrap_or_default();
    match localized_field_error(&tr, e, pw, &email) {
        Some((name, text)) => page.field_error_in(form, &name, text),
        None => page.field_error(
            "",
            match e.code {
                ErrorCode::TooManyRequests => tr.t1("account-login-throttled", "minutes", 15),
                ErrorCode::Conflict => tr.t("account-error-conflict"),
                _ => tr.t("account-error-generic"),
            },
        ),
    }
    Ok(page.render(e.code.status(), lang, &[]))
}

async fn password_post(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
    WebSession(session): WebSession,
    body: Bytes,
) -> Result<Response, ApiError> {
    let lang = page_lang(&code)?;
    let (twin, _) = state.accounts()?;
    let (signed, f) = match signed_post(lang, session, &body, "account") {
        Ok(x) => x,
        Err(r) => return Ok(*r),
    };
    let current = f
        .get("current_password")
        .filter(|s| !s.is_empty())
        .map(String::as_str);
    let new = f.get("new_password").cloned().unwrap_or_default();
    match flows::change_password(&twin, &signed, current, &new).await {
        Ok((cookie, fresh)) => {
            let tr = Tr::new(lang);
            let mut page = settings_view(&twin, lang, &fresh).await?;
            page.notice = Some(tr.t("account-password-changed"));
            Ok(page.render(StatusCode::OK, lang, &[cookie]))
        }
        Err(e) if e.code == ErrorCode::Internal || e.code == ErrorCode::Unavailable => {
            Ok(error_page(lang, "account", &e))
        }
        Err(e) => settings_with_error(&twin, lang, &signed, &e, &new, "password-").await,
    }
}

async fn email_post(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
    WebSession(session): WebSession,
    body: Bytes,
) -> Result<Response, ApiError> {
    let lang = page_lang(&code)?;
    let (twin, account) = state.accounts()?;
    let (signed, f) = match signed_post(lang, session, &body, "account") {
        Ok(x) => x,
        Err(r) => return Ok(*r),
    };
    let new = f.get("new_email").cloned().unwrap_or_default();
    let current = f
        .get("current_password")
        .filter(|s| !s.is_empty())
        .map(String::as_str);
    match flows::request_email_change(&twin, &account, &signed, &new, current, lang).await {
        Ok(()) => {
            let mut page = settings_view(&twin, lang, &signed).await?;
            page.notice = Some(Tr::new(lang).t("account-email-sent"));
            Ok(page.render(StatusCode::OK, lang, &[]))
        }
        Err(e) if e.code == ErrorCode::Internal || e.code == ErrorCode::Unavailable => {
            Ok(error_page(lang, "account", &e))
        }
        Err(e) => settings_with_error(&twin, lang, &signed, &e, "", "email-").await,
    }
}

async fn email_confirm_page(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
    RawQuery(raw): RawQuery,
    WebSession(session): WebSession,
) -> Result<Response, ApiError> {
    let lang = page_lang(&code)?;
    let _ = state.accounts()?;
    let q = query(raw.as_deref());
    let link_token = q.get("token").cloned().unwrap_or_default();
    let Some(signed) = session else {
        // Back here after signing in; the link works only in the same person's session.
        let back: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("token", &link_token)
            .finish();
        return Ok(login_redirect(
            lang,
            &format!("/{}/account/email/confirm?{back}", lang.code()),
        ));
    };
    let tr = Tr::new(lang);
    let mut page = AccountPage::new(lang, "account-email-confirm-title", "account");
    page.intro = Some(tr.t("account-email-confirm-intro"));
    page.forms.push(FormView {
        heading: None,
        action: format!("/{}/account/email/confirm", lang.code()),
        fields: vec![],
        hidden: vec![
            Hidden {
                name: "csrf",
                value: signed.csrf.clone(),
            },
            Hidden {
                name: "token",
                value: link_token,
            },
        ],
        submit: tr.t("account-email-confirm-submit"),
    });
    Ok(page.render(StatusCode::OK, lang, &[]))
}

async fn email_confirm_post(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
    WebSession(session): WebSession,
    body: Bytes,
) -> Result<Response, ApiError> {
    let lang = page_lang(&code)?;
    let (twin, account) = state.accounts()?;
    let (signed, f) = match signed_post(lang, session, &body, "account") {
        Ok(x) => x,
        Err(r) => return Ok(*r),
    };
    let link_token = f.get("token").cloned().unwrap_or_default();
    let tr = Tr::new(lang);
    match flows::confirm_email_change(&twin, &account, &signed, &link_token, lang).await {
        Ok(_) => {
            let mut page = settings_view(&twin, lang, &signed).await?;
            page.notice = Some(tr.t("account-email-changed"));
            Ok(page.render(StatusCode::OK, lang, &[]))
        }
        Err(e) if e.code == ErrorCode::Internal || e.code == ErrorCode::Unavailable => {
            Ok(error_page(lang, "account", &e))
        }
        Err(e) => settings_with_error(&twin, lang, &signed, &e, "", "").await,
    }
}

// ------------------------------------------------------------------------------------------
// OpenID Connect
// ------------------------------------------------------------------------------------------

fn redirect_uri(twin: &TwinState, lang: Lang) -> String {
    format!(
        "{}/{}/account/oidc/callback",
        twin.settings.public_url.trim_end_matches('/'),
        lang.code()
    )
}

fn oidc_failed(lang: Lang, status: StatusCode, message_id: &str) -> Response {
    let tr = Tr::new(lang);
    let mut page = AccountPage::new(lang, "account-oidc-failed-title", "account/login");
    page.intro = Some(tr.t(message_id));
    page.links.push(LinkView {
        href: format!("/{}/account/login", lang.code()),
        text: tr.t("account-signup-to-login"),
    });
    page.render(status, lang, &[])
}

/// `GET /{lang}/account/oidc/start?return=…`: a new attempt, then off to the provider.
async fn oidc_start(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let lang = page_lang(&code)?;
    let (twin, account) = state.accounts()?;
    let Some(settings) = account.settings.oidc.clone() else {
        return Err(ApiError::new(
            ErrorCode::NotFound,
            "no sign-in provider is configured",
        ));
    };
    let q = query(raw.as_deref());
    let ret = return_to(lang, q.get("return"));
    let (meta, _) = match account.provider.get(&settings, false).await {
        Ok(x) => x,
        Err(e) => return Ok(error_page(lang, "account/login", &e)),
    };
    let login = LoginRequest::new().map_err(|e| ApiError::internal(&e))?;
    twin.store
        .create_oidc_login(
            &token::hash(&login.state),
            &OidcLogin {
                nonce: login.nonce.clone(),
                pkce_verifier: login.verifier.clone(),
                return_to: ret,
                lang: lang.code().to_string(),
                expires_at_unix: unix_now() + rules::LOGIN_TTL_SECS,
            },
        )
        .await?;
    let url = rules::authorization_url(
        &meta,
        &settings.client_id,
        &redirect_uri(&twin, lang),
        &login,
    );
    Ok(see_other(&url, &[]))
}

/// `GET /{lang}/account/oidc/callback?code=…&state=…`.
async fn oidc_callback(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let lang = page_lang(&code)?;
    let (twin, account) = state.accounts()?;
    let Some(settings) = account.settings.oidc.clone() else {
        return Err(ApiError::new(
            ErrorCode::NotFound,
            "no sign-in provider is configured",
        ));
    };
    let q = query(raw.as_deref());
    let state_param = q.get("state").map(String::as_str).unwrap_or("");
    // The attempt is taken (deleted) first: a state works once, even when the rest fails.
    let login = if token::well_formed(state_param) {
        twin.store
            .take_oidc_login(&token::hash(state_param), unix_now())
            .await?
    } else {
        None
    };
    let Some(login) = login else {
        tracing::warn!("OpenID callback with an unknown, used or expired state");
        return Ok(oidc_failed(
            lang,
            StatusCode::BAD_REQUEST,
            "account-oidc-state",
        ));
    };
    if q.contains_key("error") {
        return Ok(oidc_failed(
            lang,
            StatusCode::UNAUTHORIZED,
            "account-oidc-denied",
        ));
    }
    let Some(auth_code) = q.get("code").filter(|c| !c.is_empty() && c.len() <= 2048) else {
        return Ok(oidc_failed(
            lang,
            StatusCode::BAD_REQUEST,
            "account-oidc-failed",
        ));
    };
    let login_lang = lang_of(&login.lang).unwrap_or(lang);
    let (meta, jwks) = match account.provider.get(&settings, false).await {
        Ok(x) => x,
        Err(e) => return Ok(error_page(lang, "account/login", &e)),
    };
    let id_token = match super::oidc::exchange_code(
        &settings,
        &meta,
        auth_code,
        &login.pkce_verifier,
        &redirect_uri(&twin, login_lang),
    )
    .await
    {
        Ok(t) => t,
        Err(_) => {
            return Ok(oidc_failed(
                lang,
                StatusCode::UNAUTHORIZED,
                "account-oidc-failed",
            ))
        }
    };
    let validate = |jwks: &aurora_twin::oidc::JwkSet| {
        rules::validate_id_token(
            &id_token,
            jwks,
            &settings.issuer,
            &settings.client_id,
            &login.nonce,
            unix_now(),
        )
    };
    let claims = match validate(&jwks) {
        Err(OidcError::UnknownKey) => match account.provider.get(&settings, true).await {
            Ok((_, fresh)) => validate(&fresh),
            Err(e) => return Ok(error_page(lang, "account/login", &e)),
        },
        other => other,
    };
    let claims = match claims {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(error = %e, "OpenID ID token refused");
            return Ok(oidc_failed(
                lang,
                StatusCode::UNAUTHORIZED,
                "account-oidc-failed",
            ));
        }
    };
    match flows::person_for_identity(&twin, &claims).await? {
        Ok(person) => {
            if let Some(old) = crate::me::auth::current(&twin, &headers).await? {
                end_session(&twin, &old).await?;
            }
            let method = format!("oidc:{}", claims.issuer);
            let (cookie, _) = start_session(&twin, &person, &method, claims.auth_time).await?;
            Ok(see_other(&login.return_to, &[cookie]))
        }
        Err(link_token) => {
            // The provider's verified address has a local account: the person proves it is
            // theirs by signing in with its password, which links the identity.
            let q: String = form_urlencoded::Serializer::new(String::new())
                .append_pair("return", &login.return_to)
                .append_pair("link", &link_token)
                .finish();
            Ok(see_other(
                &format!("/{}/account/login?{q}", login_lang.code()),
                &[],
            ))
        }
    }
}
