//! `/{lang}/me`: the person's own twin (every person attribute of the registry, its value,
//! an edit form, deletion), the history of changes, the companies the person may act for and
//! the person's mandates; and the sign-out form's target.
//!
//! Posts: `/{lang}/me/twin/{attribute}` (save), `/{lang}/me/twin/{attribute}/delete`,
//! `/{lang}/me/twin/delete-all` (with a confirmation box), `/{lang}/me/sign-out`. Each save
//! carries the version the form was made from, so a change made meanwhile elsewhere is
//! reported instead of overwritten.

use askama::Template;
use aurora_model::Lang;
use aurora_twin::company::{self, CompanyView, MandateView};
use aurora_twin::registry::{Attribute, Subject};
use aurora_twin::twin::{Actor, HistoryView, TwinError};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;

use super::values::{self, AttrView};
use super::{
    error_page, render, see_other, show_time, signed_page, signed_post, Chrome, FieldError, Nav,
    Section,
};
use crate::api::ApiPath;
use crate::error::{ApiError, ErrorCode};
use crate::i18n::Tr;
use crate::me::auth::{end_session, unix_now, SignedIn, WebSession};
use crate::me::twin::{registry, twin_of};
use crate::params::QueryParams;
use crate::state::AppState;

/// History rows per page.
pub(crate) const HISTORY_PAGE: u32 = 20;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/{lang}/me", get(page))
        .route("/{lang}/me/twin/delete-all", post(delete_all))
        .route("/{lang}/me/twin/{attribute}", post(save))
        .route("/{lang}/me/twin/{attribute}/delete", post(delete_one))
        .route("/{lang}/me/sign-out", post(sign_out))
}

/// One row of a history table.
pub(crate) struct HistoryRow {
    pub(crate) at: String,
    pub(crate) datetime: String,
    pub(crate) attribute: String,
    pub(crate) change: String,
    pub(crate) value: String,
    pub(crate) who: String,
}

/// The history rows of a page, in the page language.
pub(crate) fn history_rows(history: &[HistoryView], me: &str, lang: Lang) -> Vec<HistoryRow> {
    let tr = Tr::new(lang);
    history
        .iter()
        .map(|h| {
            let attr = registry().get(&h.attribute);
            HistoryRow {
                at: show_time(&h.at, lang),
                datetime: h.at.clone(),
                attribute: attr.map_or_else(|| h.attribute.clone(), |a| a.title.get(lang).into()),
                change: tr.t(if h.op == "delete" {
                    "me-history-deleted"
                } else {
                    "me-history-set"
                }),
                value: match (&h.value, attr) {
                    (Some(v), Some(a)) => values::shown(a, v, lang)
                        .into_iter()
                        .map(|l| match l.label {
                            Some(label) => format!("{label}: {}", l.text),
                            None => l.text,
                        })
                        .collect::<Vec<_>>()
                        .join("; "),
                    (Some(v), None) => v.to_string(),
                    (None, _) => "–".into(),
                },
                who: values::who(&h.actor, me, lang),
            }
        })
        .collect()
}

/// A page of history: `?before=<id>`.
pub(crate) fn before_param(params: &QueryParams) -> Option<i64> {
    params
        .first("before")
        .and_then(|s| s.parse::<i64>().ok())
        .filter(|n| *n > 0)
}

/// The link to older history, when the page was full.
pub(crate) fn older_link(history: &[HistoryView], path: &str) -> Option<String> {
    if history.len() as u32 == HISTORY_PAGE {
        history
            .last()
            .map(|h| format!("{path}?before={}#history", h.id))
    } else {
        None
    }
}

pub(crate) struct CompanyLink {
    pub(crate) href: String,
    pub(crate) name: String,
    pub(crate) business_id: String,
    pub(crate) matters: String,
}

pub(crate) struct MandateRow {
    pub(crate) id: String,
    pub(crate) company: String,
    pub(crate) agent: String,
    pub(crate) matters: String,
    pub(crate) valid_from: String,
    pub(crate) valid_until: String,
    pub(crate) state: String,
    pub(crate) active: bool,
}

pub(crate) fn matters_text(matters: &[String], lang: Lang) -> String {
    let tr = Tr::new(lang);
    matters
        .iter()
        .map(|m| tr.t(&format!("me-matter-{}", m.replace('_', "-"))))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) fn mandate_row(m: &MandateView, company: &str, me: &str, lang: Lang) -> MandateRow {
    let tr = Tr::new(lang);
    MandateRow {
        id: m.id.clone(),
        company: company.to_string(),
        agent: if m.agent_id == me {
            tr.t("me-actor-you")
        } else {
            m.agent_id.clone()
        },
        matters: matters_text(&m.matters, lang),
        valid_from: show_time(&m.valid_from, lang),
        valid_until: m
            .valid_until
            .as_deref()
            .map_or_else(|| tr.t("me-mandate-no-end"), |u| show_time(u, lang)),
        state: tr.t(&format!("me-mandate-state-{}", m.state)),
        active: m.state == "active",
    }
}

#[derive(Template)]
#[template(path = "me_twin.html")]
pub(crate) struct TwinPage {
    chrome: Chrome,
    nav: Nav,
    errors: Vec<FieldError>,
    notice: Option<String>,
    attrs: Vec<AttrView>,
    history: Vec<HistoryRow>,
    older: Option<String>,
    newest: Option<String>,
    companies: Vec<CompanyLink>,
    mandates: Vec<MandateRow>,
    delete_all_action: String,
    delete_all_error: Option<String>,
    has_values: bool,
    /// The person's id (others need it to grant them a mandate).
    person_id: String,
}

fn person_attributes() -> Vec<&'static Attribute> {
    registry()
        .attributes()
        .iter()
        .filter(|a| a.applies_to(Subject::Person))
        .collect()
}

async fn build(
    state: &AppState,
    lang: Lang,
    signed: &SignedIn,
    before: Option<i64>,
) -> Result<TwinPage, ApiError> {
    let twin = state.twin()?;
    let tr = Tr::new(lang);
    let me = &signed.person_id;
    let engine = twin_of(twin);
    let current = engine
        .values(me)
        .await
        .map_err(crate::me::twin::twin_error)?;
    // The person's own reads are in the access log too, as through the API.
    if !current.is_empty() {
        let names: Vec<String> = current.iter().map(|v| v.attribute.clone()).collect();
        aurora_twin::access::log_self_read(
            twin.store.as_ref(),
            me,
            &names,
            aurora_store::consent::Via::Web,
            time::OffsetDateTime::now_utc(),
        )
        .await
        .map_err(|e| ApiError::internal(&format!("cannot write the access log: {e}")))?;
    }
    let history = engine
        .history(me, before, HISTORY_PAGE)
        .await
        .map_err(crate::me::twin::twin_error)?;
    let companies: Vec<CompanyView> = company::companies_of(twin.store.as_ref(), me, unix_now())
        .await
        .map_err(|e| ApiError::internal(&e))?;
    let l = lang.code();
    let attrs = values::views(
        &person_attributes(),
        &current,
        me,
        lang,
        &format!("/{l}/me/twin"),
        true,
    );
    let mut mandates = Vec::new();
    for c in &companies {
        for m in &c.mandates {
            mandates.push(mandate_row(m, &c.name, me, lang));
        }
    }
    Ok(TwinPage {
        chrome: Chrome::new(lang, tr.t("me-twin-title"), "me"),
        nav: Nav::new(lang, signed, Section::Twin),
        errors: Vec::new(),
        notice: None,
        has_values: !current.is_empty(),
        attrs,
        history: history_rows(&history, me, lang),
        older: older_link(&history, &format!("/{l}/me")),
        newest: before.map(|_| format!("/{l}/me#history")),
        companies: companies
            .iter()
            .map(|c| CompanyLink {
                href: format!("/{l}/me/companies/{}", c.id),
                name: c.name.clone(),
                business_id: c.business_id.clone(),
                matters: matters_text(&c.matters, lang),
            })
            .collect(),
        mandates,
        delete_all_action: format!("/{l}/me/twin/delete-all"),
        delete_all_error: None,
        person_id: me.clone(),
    })
}

/// The status line of an attribute after a save or a deletion (`?saved=` / `?deleted=`).
fn mark_done(page: &mut TwinPage, params: &QueryParams, lang: Lang) {
    let tr = Tr::new(lang);
    for (param, id) in [("saved", "me-saved"), ("deleted", "me-deleted")] {
        if let Some(name) = params.first(param) {
            if let Some(a) = page.attrs.iter_mut().find(|a| a.name == name) {
                a.status = Some(tr.t(id));
            }
        }
    }
    if let Some(n) = params.first("cleared").and_then(|n| n.parse::<u64>().ok()) {
        page.notice = Some(tr.t1("me-cleared", "n", n));
    }
}

async fn page(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
    WebSession(session): WebSession,
    params: QueryParams,
) -> Response {
    let (lang, signed) = match signed_page(&code, session, "me") {
        Ok(x) => x,
        Err(r) => return *r,
    };
    match build(&state, lang, &signed, before_param(&params)).await {
        Ok(mut p) => {
            mark_done(&mut p, &params, lang);
            render(StatusCode::OK, lang, &p)
        }
        Err(e) => error_page(lang, &e),
    }
}

/// The attribute of a post, when it is a person attribute of the registry.
fn person_attribute(name: &str) -> Option<&'static Attribute> {
    registry()
        .get(name)
        .filter(|a| a.applies_to(Subject::Person))
}

fn not_found(lang: Lang) -> Response {
    error_page(
        lang,
        &ApiError::new(ErrorCode::NotFound, "no such attribute"),
    )
}

/// The expected version a form carries (0: the form was made when there was no value).
pub(crate) fn form_version(form: &super::Form) -> Option<i64> {
    form.get("version").parse::<i64>().ok().filter(|v| *v >= 0)
}

async fn save(
    State(state): State<AppState>,
    ApiPath((code, name)): ApiPath<(String, String)>,
    WebSession(session): WebSession,
    body: Bytes,
) -> Response {
    let (lang, signed, form) = match signed_post(&code, session, &body, "me") {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let Some(attr) = person_attribute(&name) else {
        return not_found(lang);
    };
    let twin = match state.twin() {
        Ok(t) => t,
        Err(e) => return error_page(lang, &e),
    };
    let mut status = StatusCode::BAD_REQUEST;
    let problems = match values::parse(attr, lang, &form) {
        Ok((value, row_of)) => {
            let me = &signed.person_id;
            match twin_of(twin)
                .set(
                    me,
                    &attr.name,
                    &value,
                    form_version(&form),
                    &Actor::Person(me.clone()),
                )
                .await
            {
                Ok(_) => {
                    let anchor = format!("attr-{}", attr.name.replace('_', "-"));
                    return see_other(&format!("/{}/me?saved={}#{anchor}", lang.code(), attr.name));
                }
                Err(e) => {
                    if matches!(e, TwinError::Conflict { .. }) {
                        status = StatusCode::CONFLICT;
                    }
                    match values::engine_problem(&e, attr, lang, &row_of) {
                        Some(p) => vec![p],
                        None => return error_page(lang, &crate::me::twin::twin_error(e)),
                    }
                }
            }
        }
        Err(problems) => problems,
    };
    let mut page = match build(&state, lang, &signed, None).await {
        Ok(p) => p,
        Err(e) => return error_page(lang, &e),
    };
    if let Some(view) = page.attrs.iter_mut().find(|a| a.name == attr.name) {
        page.errors = values::reshow(view, attr, lang, &form, problems);
    }
    render(status, lang, &page)
}

async fn delete_one(
    State(state): State<AppState>,
    ApiPath((code, name)): ApiPath<(String, String)>,
    WebSession(session): WebSession,
    body: Bytes,
) -> Response {
    let (lang, signed, form) = match signed_post(&code, session, &body, "me") {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let Some(attr) = person_attribute(&name) else {
        return not_found(lang);
    };
    let twin = match state.twin() {
        Ok(t) => t,
        Err(e) => return error_page(lang, &e),
    };
    let me = &signed.person_id;
    let expected = form_version(&form).filter(|v| *v > 0);
    let anchor = format!("attr-{}", attr.name.replace('_', "-"));
    match twin_of(twin)
        .delete(me, &attr.name, expected, &Actor::Person(me.clone()))
        .await
    {
        Ok(()) => see_other(&format!(
            "/{}/me?deleted={}#{anchor}",
            lang.code(),
            attr.name
        )),
        Err(TwinError::Conflict { .. }) => {
            // Deleted or changed meanwhile: show the value as it is now, saying so.
            let mut page = match build(&state, lang, &signed, None).await {
                Ok(p) => p,
                Err(e) => return error_page(lang, &e),
            };
            let text = Tr::new(lang).t("me-error-conflict");
            if let Some(view) = page.attrs.iter_mut().find(|a| a.name == attr.name) {
                view.status = Some(text.clone());
            }
            page.errors.push(FieldError {
                field_id: anchor,
                text,
            });
            render(StatusCode::CONFLICT, lang, &page)
        }
        Err(e) => error_page(lang, &crate::me::twin::twin_error(e)),
    }
}

async fn delete_all(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
    WebSession(session): WebSession,
    body: Bytes,
) -> Response {
    let (lang, signed, form) = match signed_post(&code, session, &body, "me") {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let twin = match state.twin() {
        Ok(t) => t,
        Err(e) => return error_page(lang, &e),
    };
    if form.get("confirm") != "yes" {
        let mut page = match build(&state, lang, &signed, None).await {
            Ok(p) => p,
            Err(e) => return error_page(lang, &e),
        };
        let text = Tr::new(lang).t("me-error-confirm");
        page.delete_all_error = Some(text.clone());
        page.errors.push(FieldError {
            field_id: "delete-all-confirm".into(),
            text,
        });
        return render(StatusCode::BAD_REQUEST, lang, &page);
    }
    let me = &signed.person_id;
    match twin_of(twin)
        .delete_all(me, &Actor::Person(me.clone()))
        .await
    {
        Ok(n) => see_other(&format!("/{}/me?cleared={n}", lang.code())),
        Err(e) => error_page(lang, &crate::me::twin::twin_error(e)),
    }
}

async fn sign_out(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
    WebSession(session): WebSession,
    body: Bytes,
) -> Response {
    let (lang, signed, _) = match signed_post(&code, session, &body, "me") {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let twin = match state.twin() {
        Ok(t) => t,
        Err(e) => return error_page(lang, &e),
    };
    match end_session(twin, &signed).await {
        Ok(cookie) => {
            let mut r = see_other(&format!("/{}/", lang.code()));
            r.headers_mut().insert(header::SET_COOKIE, cookie);
            r
        }
        Err(e) => error_page(lang, &e),
    }
}
