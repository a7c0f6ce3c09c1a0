//! `/{lang}/me/consents` (the person's consents, active and past), a consent's receipt
//! (`/{lang}/me/consents/{id}/receipt`: the Kantara v1.1 fields, readable, with the signature
//! checked; `…/receipt.jws`: the signed receipt to keep), withdrawal (a confirmation page and
//! its post, `/{lang}/me/consents/{id}/withdraw`), and `/{lang}/me/access-log` (who saw what,
//! when, why: newest first, paged).
//!
//! Only the person's own records are reachable: another person's consent id is the same
//! "not found" as an unknown one (the engine reads by person and id).

use askama::Template;
use aurora_model::Lang;
use aurora_store::consent::{
    AccessLogEntry, ConsentRecord, ConsentState, ConsentStore, ReaderKind,
};
use aurora_twin::consent::{self, Purposes};
use aurora_twin::receipt;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use time::OffsetDateTime;

use super::{
    error_page, message_page, no_store, render, see_other, show_time, signed_page, signed_post,
    Chrome, Nav, Section,
};
use crate::api::ApiPath;
use crate::error::ApiError;
use crate::i18n::Tr;
use crate::me::auth::WebSession;
use crate::me::consent::{consent_error, JOSE};
use crate::me::twin::registry;
use crate::params::QueryParams;
use crate::state::AppState;

/// Access-log rows per page.
pub(crate) const LOG_PAGE: u32 = 25;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/{lang}/me/consents", get(list))
        .route("/{lang}/me/consents/{id}/receipt", get(receipt_page))
        .route("/{lang}/me/consents/{id}/receipt.jws", get(receipt_jws))
        .route(
            "/{lang}/me/consents/{id}/withdraw",
            get(withdraw_page).post(withdraw),
        )
        .route("/{lang}/me/access-log", get(access_log))
}

fn purpose_name(code: &str, lang: Lang) -> String {
    match Purposes::bundled().get(code) {
        Some(p) => p.name.get(lang).to_string(),
        None => Tr::new(lang).t(&format!("consent-purpose-{code}")),
    }
}

fn attribute_names(names: &[String], lang: Lang) -> Vec<String> {
    names
        .iter()
        .map(|n| {
            registry()
                .get(n)
                .map_or_else(|| n.clone(), |a| a.title.get(lang).to_string())
        })
        .collect()
}

pub(crate) struct ConsentView {
    id: String,
    recipient: String,
    recipient_kind: String,
    purpose: String,
    attributes: Vec<String>,
    granted_at: String,
    valid_until: String,
    withdrawn_at: Option<String>,
    state: String,
    active: bool,
    receipt_href: String,
    jws_href: String,
    withdraw_href: String,
}

fn view(r: &ConsentRecord, lang: Lang) -> ConsentView {
    let tr = Tr::new(lang);
    let l = lang.code();
    ConsentView {
        id: r.id.clone(),
        recipient: r.recipient_names.get(l).to_string(),
        recipient_kind: tr.t(&format!("me-recipient-{}", r.recipient_kind.as_str())),
        purpose: purpose_name(&r.purpose, lang),
        attributes: attribute_names(&r.attributes, lang),
        granted_at: show_time(&r.granted_at, lang),
        valid_until: show_time(&r.valid_until, lang),
        withdrawn_at: r.withdrawn_at.as_deref().map(|w| show_time(w, lang)),
        state: tr.t(&format!("consent-state-{}", r.state.as_str())),
        active: r.state == ConsentState::Active,
        receipt_href: format!("/{l}/me/consents/{}/receipt", r.id),
        jws_href: format!("/{l}/me/consents/{}/receipt.jws", r.id),
        withdraw_href: format!("/{l}/me/consents/{}/withdraw", r.id),
    }
}

#[derive(Template)]
#[template(path = "me_consents.html")]
struct ConsentsPage {
    chrome: Chrome,
    nav: Nav,
    notice: Option<String>,
    active: Vec<ConsentView>,
    past: Vec<ConsentView>,
}

async fn list(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
    WebSession(session): WebSession,
    params: QueryParams,
) -> Response {
    let (lang, signed) = match signed_page(&code, session, "me/consents") {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let twin = match state.twin() {
        Ok(t) => t,
        Err(e) => return error_page(lang, &e),
    };
    let records = match consent::list(
        twin.store.as_ref(),
        &signed.person_id,
        OffsetDateTime::now_utc(),
    )
    .await
    {
        Ok(r) => r,
        Err(e) => return error_page(lang, &consent_error(e)),
    };
    let tr = Tr::new(lang);
    let (active, past): (Vec<_>, Vec<_>) = records
        .iter()
        .map(|r| view(r, lang))
        .partition(|v| v.active);
    let notice = params
        .first("withdrawn")
        .and_then(|id| records.iter().find(|r| r.id == id))
        .map(|r| {
            format!(
                "{} {}",
                tr.t("me-consent-withdrawn-notice"),
                r.recipient_names.get(lang.code())
            )
        });
    render(
        StatusCode::OK,
        lang,
        &ConsentsPage {
            chrome: Chrome::new(lang, tr.t("me-consents-title"), "me/consents"),
            nav: Nav::new(lang, &signed, Section::Consents),
            notice,
            active,
            past,
        },
    )
}

/// The person's record `id`, or the page that says it is not there.
async fn own_record(
    state: &AppState,
    lang: Lang,
    person: &str,
    id: &str,
) -> Result<ConsentRecord, Response> {
    let twin = state.twin().map_err(|e| error_page(lang, &e))?;
    match consent::get(twin.store.as_ref(), person, id, OffsetDateTime::now_utc()).await {
        Ok(Some(r)) => Ok(r),
        Ok(None) => Err(not_found(lang)),
        Err(e) => Err(error_page(lang, &consent_error(e))),
    }
}

fn not_found(lang: Lang) -> Response {
    let tr = Tr::new(lang);
    message_page(
        StatusCode::NOT_FOUND,
        lang,
        "me/consents",
        "me-consent-not-found-title",
        vec![tr.t("me-consent-not-found-text")],
        Some((
            format!("/{}/me/consents", lang.code()),
            tr.t("me-back-consents"),
        )),
    )
}

/// One field of the readable receipt.
pub(crate) struct ReceiptField {
    label: String,
    value: String,
}

#[derive(Template)]
#[template(path = "me_receipt.html")]
struct ReceiptPage {
    chrome: Chrome,
    nav: Nav,
    consent: ConsentView,
    verified: bool,
    kid: String,
    fields: Vec<ReceiptField>,
    purposes: Vec<Vec<ReceiptField>>,
    /// The receipt's language when it is not the page's (its texts are marked with it).
    receipt_lang: Option<String>,
    jws: String,
}

fn yes_no(tr: &Tr, b: bool) -> String {
    tr.t(if b { "me-yes" } else { "me-no" })
}

async fn receipt_page(
    State(state): State<AppState>,
    ApiPath((code, id)): ApiPath<(String, String)>,
    WebSession(session): WebSession,
) -> Response {
    let path = format!("me/consents/{id}/receipt");
    let (lang, signed) = match signed_page(&code, session, &path) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let record = match own_record(&state, lang, &signed.person_id, &id).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    let twin = match state.twin() {
        Ok(t) => t,
        Err(e) => return error_page(lang, &e),
    };
    let tr = Tr::new(lang);
    let f = |id: &str, value: String| ReceiptField {
        label: tr.t(id),
        value,
    };
    // The receipt as signed: verified with the service's key before anything is shown.
    let checked = receipt::verify(&record.receipt, &twin.keys.verifying_key());
    let (fields, purposes) = match &checked {
        Ok(r) => {
            let controllers = r
                .pii_controllers
                .iter()
                .map(|c| {
                    format!(
                        "{} ({}, {}, {})",
                        c.pii_controller, c.contact, c.email, c.phone
                    )
                })
                .collect::<Vec<_>>()
                .join("; ");
            let fields = vec![
                f("me-receipt-id", r.consent_receipt_id.clone()),
                f("me-receipt-version", r.version.clone()),
                f("me-receipt-jurisdiction", r.jurisdiction.clone()),
                f(
                    "me-receipt-time",
                    OffsetDateTime::from_unix_timestamp(r.consent_timestamp)
                        .ok()
                        .and_then(|t| {
                            t.format(&time::format_description::well_known::Rfc3339)
                                .ok()
                        })
                        .map_or_else(|| r.consent_timestamp.to_string(), |t| show_time(&t, lang)),
                ),
                f("me-receipt-method", r.collection_method.clone()),
                f("me-receipt-language", r.language.clone()),
                f("me-receipt-principal", r.pii_principal_id.clone()),
                f("me-receipt-controllers", controllers),
                f("me-receipt-policy", r.policy_url.clone()),
                f("me-receipt-sensitive", yes_no(&tr, r.sensitive)),
                f("me-receipt-spi", r.spi_cat.join(", ")),
            ];
            let purposes = r
                .services
                .iter()
                .flat_map(|s| {
                    s.purposes.iter().map(|p| {
                        vec![
                            f("me-receipt-service", s.service.clone()),
                            f("me-receipt-purpose", p.purpose.clone()),
                            f("me-receipt-purpose-category", p.purpose_category.join(", ")),
                            f("me-receipt-consent-type", p.consent_type.clone()),
                            f("me-receipt-pii-category", p.pii_category.join(", ")),
                            f("me-receipt-primary", yes_no(&tr, p.primary_purpose)),
                            f("me-receipt-termination", p.termination.clone()),
                            f(
                                "me-receipt-third-party",
                                match &p.third_party_name {
                                    Some(n) if p.third_party_disclosure => n.clone(),
                                    _ => yes_no(&tr, p.third_party_disclosure),
                                },
                            ),
                        ]
                    })
                })
                .collect();
            (fields, purposes)
        }
        Err(_) => (Vec::new(), Vec::new()),
    };
    render(
        StatusCode::OK,
        lang,
        &ReceiptPage {
            chrome: Chrome::new(lang, tr.t("me-receipt-title"), &path),
            nav: Nav::new(lang, &signed, Section::Consents),
            consent: view(&record, lang),
            verified: checked.is_ok(),
            kid: twin.keys.kid().to_string(),
            fields,
            purposes,
            receipt_lang: checked
                .as_ref()
                .ok()
                .map(|r| r.language.clone())
                .filter(|l| l != lang.code() && matches!(l.as_str(), "fi" | "sv" | "en")),
            jws: record.receipt.clone(),
        },
    )
}

async fn receipt_jws(
    State(state): State<AppState>,
    ApiPath((code, id)): ApiPath<(String, String)>,
    WebSession(session): WebSession,
) -> Response {
    let (lang, signed) = match signed_page(&code, session, &format!("me/consents/{id}/receipt")) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let twin = match state.twin() {
        Ok(t) => t,
        Err(e) => return error_page(lang, &e),
    };
    let record = match ConsentStore::consent(twin.store.as_ref(), &signed.person_id, &id).await {
        Ok(Some(r)) => r,
        Ok(None) => return not_found(lang),
        Err(e) => return error_page(lang, &e.into()),
    };
    let mut r = record.receipt.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(JOSE));
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"consent-receipt-{}.jws\"",
        id.chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect::<String>()
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    no_store(&mut r);
    r
}

#[derive(Template)]
#[template(path = "me_withdraw.html")]
struct WithdrawPage {
    chrome: Chrome,
    nav: Nav,
    consent: ConsentView,
    action: String,
}

async fn withdraw_page(
    State(state): State<AppState>,
    ApiPath((code, id)): ApiPath<(String, String)>,
    WebSession(session): WebSession,
) -> Response {
    let path = format!("me/consents/{id}/withdraw");
    let (lang, signed) = match signed_page(&code, session, &path) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let record = match own_record(&state, lang, &signed.person_id, &id).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    let tr = Tr::new(lang);
    let consent = view(&record, lang);
    if !consent.active {
        return see_other(&format!("/{}/me/consents", lang.code()));
    }
    render(
        StatusCode::OK,
        lang,
        &WithdrawPage {
            chrome: Chrome::new(lang, tr.t("me-withdraw-title"), &path),
            nav: Nav::new(lang, &signed, Section::Consents),
            action: format!("/{}/{path}", lang.code()),
            consent,
        },
    )
}

async fn withdraw(
    State(state): State<AppState>,
    ApiPath((code, id)): ApiPath<(String, String)>,
    WebSession(session): WebSession,
    body: Bytes,
) -> Response {
    let path = format!("me/consents/{id}/withdraw");
    let (lang, signed, _) = match signed_post(&code, session, &body, &path) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let twin = match state.twin() {
        Ok(t) => t,
        Err(e) => return error_page(lang, &e),
    };
    // The same withdrawal as `DELETE /api/v1/me/consents/{id}` (tokens revoked, service told).
    let record = match crate::me::consent::withdraw_consent(
        twin,
        &signed.person_id,
        &id,
        OffsetDateTime::now_utc(),
    )
    .await
    {
        Ok(r) => r,
        Err(e) if e.code == crate::error::ErrorCode::NotFound => return not_found(lang),
        Err(e) => return error_page(lang, &e),
    };
    see_other(&format!(
        "/{}/me/consents?withdrawn={}",
        lang.code(),
        record.id
    ))
}

// ------------------------------------------------------------------------------------------
// The access log
// ------------------------------------------------------------------------------------------

pub(crate) struct LogRow {
    at: String,
    datetime: String,
    who: String,
    what: String,
    why: String,
    via: String,
    consents: Vec<(String, String)>,
}

fn log_row(e: &AccessLogEntry, lang: Lang) -> LogRow {
    let tr = Tr::new(lang);
    let l = lang.code();
    LogRow {
        at: show_time(&e.at, lang),
        datetime: e.at.clone(),
        who: match e.reader.kind {
            ReaderKind::SelfRead => tr.t("consent-reader-self"),
            kind => format!(
                "{} ({})",
                e.reader.names.get(l),
                tr.t(&format!("me-recipient-{}", kind.as_str()))
            ),
        },
        what: attribute_names(&e.attributes, lang).join(", "),
        why: purpose_name(&e.purpose, lang),
        via: tr.t(&format!("consent-via-{}", e.via.as_str())),
        consents: e
            .consent_ids
            .iter()
            .enumerate()
            .map(|(i, c)| {
                (
                    format!("/{l}/me/consents/{c}/receipt"),
                    tr.t1("me-log-consent-n", "n", i as u64 + 1),
                )
            })
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "me_access_log.html")]
struct AccessLogPage {
    chrome: Chrome,
    nav: Nav,
    rows: Vec<LogRow>,
    position: String,
    newer: Option<String>,
    older: Option<String>,
}

async fn access_log(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
    WebSession(session): WebSession,
    params: QueryParams,
) -> Response {
    let (lang, signed) = match signed_page(&code, session, "me/access-log") {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let twin = match state.twin() {
        Ok(t) => t,
        Err(e) => return error_page(lang, &e),
    };
    let page = params
        .first("page")
        .and_then(|p| p.parse::<u64>().ok())
        .filter(|p| (1..=1_000_000).contains(p))
        .unwrap_or(1);
    let offset = (page - 1) * u64::from(LOG_PAGE);
    let (entries, total) = match aurora_twin::access::access_log(
        twin.store.as_ref(),
        &signed.person_id,
        LOG_PAGE,
        offset,
    )
    .await
    {
        Ok(x) => x,
        Err(aurora_twin::access::AccessError::Store(s)) => {
            return error_page(lang, &ApiError::from(s))
        }
        Err(e) => return error_page(lang, &ApiError::internal(&e)),
    };
    let pages = total.div_ceil(u64::from(LOG_PAGE)).max(1);
    let l = lang.code();
    let tr = Tr::new(lang);
    render(
        StatusCode::OK,
        lang,
        &AccessLogPage {
            chrome: Chrome::new(lang, tr.t("me-log-title"), "me/access-log"),
            nav: Nav::new(lang, &signed, Section::AccessLog),
            rows: entries.iter().map(|e| log_row(e, lang)).collect(),
            position: tr.t_args(
                "me-log-page",
                &[("page", page), ("pages", pages), ("total", total)],
            ),
            newer: (page > 1).then(|| format!("/{l}/me/access-log?page={}", page - 1)),
            older: (page < pages).then(|| format!("/{l}/me/access-log?page={}", page + 1)),
        },
    )
}
