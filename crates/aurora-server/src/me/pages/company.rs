//! `/{lang}/me/companies/{id}`: a company's twin as seen under the signed-in person's
//! mandate: its values (editable under `twin_write`), their history (`twin_read`) and the
//! company's mandates with grant and revoke forms (`mandates`). A person without a mandate in
//! force gets a denial page (403), whether the company exists or not.
//!
//! Every decision is `aurora_twin::company`'s; this page only asks it which matters the
//! person holds, to show the parts they open.

use askama::Template;
use aurora_model::Lang;
use aurora_store::twin::TwinStore;
use aurora_twin::company::{self, CompanyError, Denied, Matter, NewMandate};
use aurora_twin::registry::{Attribute, Subject};
use aurora_twin::twin::TwinError;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;

use super::twin::{
    before_param, form_version, history_rows, mandate_row, older_link, HistoryRow, MandateRow,
    HISTORY_PAGE,
};
use super::values::{self, AttrView};
use super::{
    error_page, message_page, render, see_other, signed_page, signed_post, Chrome, FieldError,
    Form, Nav, Section,
};
use crate::api::ApiPath;
use crate::error::ApiError;
use crate::i18n::Tr;
use crate::me::auth::{unix_now, SignedIn, WebSession};
use crate::me::twin::{registry, twin_error, twin_of};
use crate::params::QueryParams;
use crate::state::AppState;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/{lang}/me/companies/{id}", get(page))
        .route("/{lang}/me/companies/{id}/twin/{attribute}", post(save))
        .route(
            "/{lang}/me/companies/{id}/twin/{attribute}/delete",
            post(delete_one),
        )
        .route("/{lang}/me/companies/{id}/mandates", post(grant))
        .route(
            "/{lang}/me/companies/{id}/mandates/{mandate}/revoke",
            post(revoke),
        )
}

/// The matters the person may act in for the company now, or why none.
async fn matters(
    store: &dyn TwinStore,
    me: &str,
    company: &str,
) -> Result<Result<Vec<Matter>, Denied>, ApiError> {
    let mandates = store.mandates_of_agent(me).await?;
    let now = unix_now();
    let mut allowed = Vec::new();
    let mut why = Denied::NoMandate;
    for m in Matter::ALL {
        match company::decide(&mandates, me, company, m, now) {
            Ok(_) => allowed.push(m),
            Err(d) => {
                if why == Denied::NoMandate || m == Matter::TwinRead {
                    why = d;
                }
            }
        }
    }
    Ok(if allowed.is_empty() {
        Err(why)
    } else {
        Ok(allowed)
    })
}

fn denied_text(d: Denied) -> &'static str {
    match d {
        Denied::NoMandate => "me-denied-no-mandate",
        Denied::WrongMatter => "me-denied-wrong-matter",
        Denied::NotYetValid => "me-denied-not-yet-valid",
        Denied::Expired => "me-denied-expired",
        Denied::Revoked => "me-denied-revoked",
    }
}

/// The 403 page of a company the person may not act for (in this matter).
fn denied(lang: Lang, id: &str, d: Denied) -> Response {
    let tr = Tr::new(lang);
    message_page(
        StatusCode::FORBIDDEN,
        lang,
        &format!("me/companies/{id}"),
        "me-denied-title",
        vec![tr.t(denied_text(d))],
        Some((format!("/{}/me", lang.code()), tr.t("me-back-twin"))),
    )
}

pub(crate) struct MatterOpt {
    value: &'static str,
    text: String,
    checked: bool,
}

#[derive(Template)]
#[template(path = "me_company.html")]
struct CompanyPage {
    chrome: Chrome,
    nav: Nav,
    errors: Vec<FieldError>,
    notice: Option<String>,
    name: String,
    business_id: String,
    my_matters: String,
    can_read: bool,
    attrs: Vec<AttrView>,
    history: Vec<HistoryRow>,
    older: Option<String>,
    newest: Option<String>,
    can_manage: bool,
    mandates: Vec<MandateRow>,
    revoke_base: String,
    grant_action: String,
    agent: String,
    agent_error: Option<String>,
    matter_opts: Vec<MatterOpt>,
    matters_error: Option<String>,
    valid_until: String,
    valid_until_error: Option<String>,
}

fn company_attributes() -> Vec<&'static Attribute> {
    registry()
        .attributes()
        .iter()
        .filter(|a| a.applies_to(Subject::Company))
        .collect()
}

/// The page, or the response instead of it (denial).
async fn build(
    state: &AppState,
    lang: Lang,
    signed: &SignedIn,
    id: &str,
    before: Option<i64>,
) -> Result<Result<CompanyPage, Response>, ApiError> {
    let twin = state.twin()?;
    let me = &signed.person_id;
    let allowed = match matters(twin.store.as_ref(), me, id).await? {
        Ok(m) => m,
        Err(d) => return Ok(Err(denied(lang, id, d))),
    };
    let Some(record) = twin.store.company(id).await? else {
        return Ok(Err(denied(lang, id, Denied::NoMandate)));
    };
    let tr = Tr::new(lang);
    let l = lang.code();
    let path = format!("me/companies/{id}");
    let now = unix_now();
    let can_read = allowed.contains(&Matter::TwinRead);
    let can_write = allowed.contains(&Matter::TwinWrite);
    let can_manage = allowed.contains(&Matter::Mandates);
    let engine = twin_of(twin);
    let company_err = |e: CompanyError| match e {
        CompanyError::Twin(t) => twin_error(t),
        CompanyError::Store(s) => s.into(),
        other => ApiError::internal(&other),
    };
    let (attrs, history, older) = if can_read {
        let current = company::values(&engine, me, id, now)
            .await
            .map_err(company_err)?;
        let history = company::history(&engine, me, id, before, HISTORY_PAGE, now)
            .await
            .map_err(company_err)?;
        let attrs = values::views(
            &company_attributes(),
            &current,
            me,
            lang,
            &format!("/{l}/{path}/twin"),
            can_write,
        );
        let older = older_link(&history, &format!("/{l}/{path}"));
        (attrs, history_rows(&history, me, lang), older)
    } else {
        (Vec::new(), Vec::new(), None)
    };
    let mandates = if can_manage {
        company::mandates(twin.store.as_ref(), me, id, now)
            .await
            .map_err(company_err)?
            .iter()
            .map(|m| mandate_row(m, &record.name, me, lang))
            .collect()
    } else {
        Vec::new()
    };
    let my_matters: Vec<String> = allowed.iter().map(|m| m.as_str().to_string()).collect();
    Ok(Ok(CompanyPage {
        chrome: Chrome::new(lang, record.name.clone(), &path),
        nav: Nav::new(lang, signed, Section::Company),
        errors: Vec::new(),
        notice: None,
        name: record.name,
        business_id: record.business_id,
        my_matters: super::twin::matters_text(&my_matters, lang),
        can_read,
        attrs,
        history,
        older,
        newest: before.map(|_| format!("/{l}/{path}#history")),
        can_manage,
        mandates,
        revoke_base: format!("/{l}/{path}/mandates"),
        grant_action: format!("/{l}/{path}/mandates"),
        agent: String::new(),
        agent_error: None,
        matter_opts: Matter::ALL
            .into_iter()
            .map(|m| MatterOpt {
                value: m.as_str(),
                text: tr.t(&format!("me-matter-{}", m.as_str().replace('_', "-"))),
                checked: false,
            })
            .collect(),
        matters_error: None,
        valid_until: String::new(),
        valid_until_error: None,
    }))
}

async fn page(
    State(state): State<AppState>,
    ApiPath((code, id)): ApiPath<(String, String)>,
    WebSession(session): WebSession,
    params: QueryParams,
) -> Response {
    let (lang, signed) = match signed_page(&code, session, &format!("me/companies/{id}")) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    match build(&state, lang, &signed, &id, before_param(&params)).await {
        Ok(Ok(mut p)) => {
            let tr = Tr::new(lang);
            for (param, msg) in [("saved", "me-saved"), ("deleted", "me-deleted")] {
                if let Some(name) = params.first(param) {
                    if let Some(a) = p.attrs.iter_mut().find(|a| a.name == name) {
                        a.status = Some(tr.t(msg));
                    }
                }
            }
            if params.first("granted").is_some() {
                p.notice = Some(tr.t("me-mandate-granted"));
            }
            if params.first("revoked").is_some() {
                p.notice = Some(tr.t("me-mandate-revoked"));
            }
            render(StatusCode::OK, lang, &p)
        }
        Ok(Err(r)) => r,
        Err(e) => error_page(lang, &e),
    }
}

/// The page re-shown after a refused post, or the response instead of it.
async fn again(
    state: &AppState,
    lang: Lang,
    signed: &SignedIn,
    id: &str,
) -> Result<CompanyPage, Response> {
    match build(state, lang, signed, id, None).await {
        Ok(Ok(p)) => Ok(p),
        Ok(Err(r)) => Err(r),
        Err(e) => Err(error_page(lang, &e)),
    }
}

/// What a refused company act shows: a denial or error page (`Err`), or the error to show
/// on the page again (`Ok`).
fn refusal(lang: Lang, id: &str, e: CompanyError) -> Result<CompanyError, Box<Response>> {
    match e {
        CompanyError::Denied(d) => Err(Box::new(denied(lang, id, d))),
        CompanyError::Store(s) => Err(Box::new(error_page(lang, &s.into()))),
        other => Ok(other),
    }
}

async fn save(
    State(state): State<AppState>,
    ApiPath((code, id, name)): ApiPath<(String, String, String)>,
    WebSession(session): WebSession,
    body: Bytes,
) -> Response {
    let path = format!("me/companies/{id}");
    let (lang, signed, form) = match signed_post(&code, session, &body, &path) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let twin = match state.twin() {
        Ok(t) => t,
        Err(e) => return error_page(lang, &e),
    };
    let Some(attr) = registry()
        .get(&name)
        .filter(|a| a.applies_to(Subject::Company))
    else {
        return error_page(lang, &ApiError::not_found("attribute", &name));
    };
    let mut status = StatusCode::BAD_REQUEST;
    let problems = match values::parse(attr, lang, &form) {
        Ok((value, row_of)) => {
            match company::set_value(
                &twin_of(twin),
                &signed.person_id,
                &id,
                &attr.name,
                &value,
                form_version(&form),
                unix_now(),
            )
            .await
            {
                Ok(_) => {
                    let anchor = format!("attr-{}", attr.name.replace('_', "-"));
                    return see_other(&format!(
                        "/{}/{path}?saved={}#{anchor}",
                        lang.code(),
                        attr.name
                    ));
                }
                Err(e) => match refusal(lang, &id, e) {
                    Err(r) => return *r,
                    Ok(CompanyError::Twin(t)) => {
                        if matches!(t, TwinError::Conflict { .. }) {
                            status = StatusCode::CONFLICT;
                        }
                        match values::engine_problem(&t, attr, lang, &row_of) {
                            Some(p) => vec![p],
                            None => return error_page(lang, &twin_error(t)),
                        }
                    }
                    Ok(other) => return error_page(lang, &ApiError::internal(&other)),
                },
            }
        }
        Err(problems) => {
            // Only someone who may write sees the form's errors.
            if let Ok(Err(d)) = write_check(&state, &signed, &id).await {
                return denied(lang, &id, d);
            }
            problems
        }
    };
    let mut page = match again(&state, lang, &signed, &id).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    if let Some(view) = page.attrs.iter_mut().find(|a| a.name == attr.name) {
        page.errors = values::reshow(view, attr, lang, &form, problems);
    }
    render(status, lang, &page)
}

/// Whether the person may write the company's twin (`Err` says why not).
async fn write_check(
    state: &AppState,
    signed: &SignedIn,
    id: &str,
) -> Result<Result<(), Denied>, ApiError> {
    let twin = state.twin()?;
    let mandates = twin.store.mandates_of_agent(&signed.person_id).await?;
    Ok(company::decide(
        &mandates,
        &signed.person_id,
        id,
        Matter::TwinWrite,
        unix_now(),
    )
    .map(|_| ()))
}

async fn delete_one(
    State(state): State<AppState>,
    ApiPath((code, id, name)): ApiPath<(String, String, String)>,
    WebSession(session): WebSession,
    body: Bytes,
) -> Response {
    let path = format!("me/companies/{id}");
    let (lang, signed, form) = match signed_post(&code, session, &body, &path) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let twin = match state.twin() {
        Ok(t) => t,
        Err(e) => return error_page(lang, &e),
    };
    let anchor = format!("attr-{}", name.replace('_', "-"));
    match company::delete_value(
        &twin_of(twin),
        &signed.person_id,
        &id,
        &name,
        form_version(&form).filter(|v| *v > 0),
        unix_now(),
    )
    .await
    {
        Ok(()) => see_other(&format!("/{}/{path}?deleted={name}#{anchor}", lang.code())),
        Err(e) => match refusal(lang, &id, e) {
            Err(r) => *r,
            Ok(CompanyError::Twin(TwinError::Conflict { .. })) => {
                let mut page = match again(&state, lang, &signed, &id).await {
                    Ok(p) => p,
                    Err(r) => return r,
                };
                let text = Tr::new(lang).t("me-error-conflict");
                if let Some(view) = page.attrs.iter_mut().find(|a| a.name == name) {
                    view.status = Some(text.clone());
                }
                page.errors.push(FieldError {
                    field_id: anchor,
                    text,
                });
                render(StatusCode::CONFLICT, lang, &page)
            }
            Ok(CompanyError::Twin(t)) => error_page(lang, &twin_error(t)),
            Ok(other) => error_page(lang, &ApiError::internal(&other)),
        },
    }
}

/// A date field (`YYYY-MM-DD`) as the first second of the next day, UTC (a mandate "until
/// 31.12." holds all of that day).
fn end_of_day(s: &str) -> Option<i64> {
    let f = time::macros::format_description!("[year]-[month]-[day]");
    let d = time::Date::parse(s, &f).ok()?;
    Some(d.next_day()?.midnight().assume_utc().unix_timestamp())
}

async fn grant(
    State(state): State<AppState>,
    ApiPath((code, id)): ApiPath<(String, String)>,
    WebSession(session): WebSession,
    body: Bytes,
) -> Response {
    let path = format!("me/companies/{id}");
    let (lang, signed, form) = match signed_post(&code, session, &body, &path) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let twin = match state.twin() {
        Ok(t) => t,
        Err(e) => return error_page(lang, &e),
    };
    let tr = Tr::new(lang);
    let agent = form.get("agent_id").to_string();
    let chosen: Vec<Matter> = form
        .all("matters")
        .into_iter()
        .filter_map(Matter::parse)
        .collect();
    let until_raw = form.get("valid_until").to_string();
    let mut problems: Vec<(&str, String)> = Vec::new();
    if agent.is_empty() {
        problems.push(("agent_id", tr.t("me-error-required")));
    }
    if chosen.is_empty() {
        problems.push(("matters", tr.t("me-error-matters")));
    }
    let until = if until_raw.is_empty() {
        None
    } else {
        match end_of_day(&until_raw) {
            Some(t) if t > unix_now() => Some(t),
            _ => {
                problems.push(("valid_until", tr.t("me-error-future-date")));
                None
            }
        }
    };
    if problems.is_empty() {
        let new = NewMandate {
            agent_id: &agent,
            matters: &chosen,
            valid_from: None,
            valid_until: until,
        };
        match company::grant(
            twin.store.as_ref(),
            twin.store.as_ref(),
            &signed.person_id,
            &id,
            &new,
            unix_now(),
        )
        .await
        {
            Ok(_) => return see_other(&format!("/{}/{path}?granted=1#mandates", lang.code())),
            Err(e) => match refusal(lang, &id, e) {
                Err(r) => return *r,
                Ok(CompanyError::Invalid { field, .. }) => {
                    let text = match field {
                        "agent_id" => tr.t("me-error-agent"),
                        "valid_until" => tr.t("me-error-future-date"),
                        _ => tr.t("me-error-matters"),
                    };
                    problems.push((field, text));
                }
                Ok(other) => return error_page(lang, &ApiError::internal(&other)),
            },
        }
    } else if let Ok(Err(d)) = manage_check(&state, &signed, &id).await {
        return denied(lang, &id, d);
    }
    let mut page = match again(&state, lang, &signed, &id).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    grant_errors(&mut page, &form, &chosen, problems);
    render(StatusCode::BAD_REQUEST, lang, &page)
}

/// Whether the person may manage the company's mandates (`Err` says why not).
async fn manage_check(
    state: &AppState,
    signed: &SignedIn,
    id: &str,
) -> Result<Result<(), Denied>, ApiError> {
    let twin = state.twin()?;
    let mandates = twin.store.mandates_of_agent(&signed.person_id).await?;
    Ok(company::decide(
        &mandates,
        &signed.person_id,
        id,
        Matter::Mandates,
        unix_now(),
    )
    .map(|_| ()))
}

fn grant_errors(
    page: &mut CompanyPage,
    form: &Form,
    chosen: &[Matter],
    problems: Vec<(&str, String)>,
) {
    page.agent = form.get("agent_id").to_string();
    page.valid_until = form.get("valid_until").to_string();
    for o in &mut page.matter_opts {
        o.checked = chosen.iter().any(|m| m.as_str() == o.value);
    }
    for (field, text) in problems {
        let field_id = match field {
            "agent_id" => {
                page.agent_error = Some(text.clone());
                "grant-agent"
            }
            "valid_until" => {
                page.valid_until_error = Some(text.clone());
                "grant-valid-until"
            }
            _ => {
                page.matters_error = Some(text.clone());
                "grant-matter-twin_read"
            }
        };
        page.errors.push(FieldError {
            field_id: field_id.into(),
            text,
        });
    }
}

async fn revoke(
    State(state): State<AppState>,
    ApiPath((code, id, mandate)): ApiPath<(String, String, String)>,
    WebSession(session): WebSession,
    body: Bytes,
) -> Response {
    let path = format!("me/companies/{id}");
    let (lang, signed, _) = match signed_post(&code, session, &body, &path) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let twin = match state.twin() {
        Ok(t) => t,
        Err(e) => return error_page(lang, &e),
    };
    match company::revoke(
        twin.store.as_ref(),
        &signed.person_id,
        &id,
        &mandate,
        unix_now(),
    )
    .await
    {
        Ok(()) => see_other(&format!("/{}/{path}?revoked=1#mandates", lang.code())),
        Err(e) => match refusal(lang, &id, e) {
            Err(r) => *r,
            Ok(other) => {
                let mut page = match again(&state, lang, &signed, &id).await {
                    Ok(p) => p,
                    Err(r) => return r,
                };
                let tr = Tr::new(lang);
                page.errors.push(FieldError {
                    field_id: "mandates".into(),
                    text: match other {
                        CompanyError::LastManager => tr.t("me-error-last-manager"),
                        _ => tr.t("me-error-no-mandate-row"),
                    },
                });
                render(StatusCode::CONFLICT, lang, &page)
            }
        },
    }
}
