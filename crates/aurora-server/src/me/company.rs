//! Company twins over HTTP (issue 5): the companies the signed-in person may act for
//! (`GET /api/v1/me/companies`), a company's twin under a mandate (`GET/PUT/DELETE
//! /api/v1/me/companies/{id}/twin[/{attribute}]`, `…/twin/history`), and its mandates
//! (`GET/POST /api/v1/me/companies/{id}/mandates`, `DELETE …/mandates/{mandate_id}`).
//!
//! Every decision is `aurora_twin::company::may_act`; a company the person holds no mandate
//! for is 403 whether it exists or not (no probing for company ids).

use aurora_twin::company::{self, CompanyError, Denied, Matter, NewMandate};
use aurora_twin::registry::Subject;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, put};
use axum::{Json, Router};
use serde_json::{json, Value};

use super::auth::{unix_now, SignedIn};
use super::twin::{
    deletion_error, expected_version_param, history_json, history_params, stored_form, twin_error,
    twin_of, value_body, values_json,
};
use crate::body::JsonObject;
use crate::error::{ApiError, ErrorCode};
use crate::params::{negotiate, QueryParams};
use crate::state::AppState;

fn company_error(e: CompanyError) -> ApiError {
    match e {
        CompanyError::Denied(d) => ApiError::new(
            ErrorCode::Forbidden,
            match d {
                Denied::NoMandate => "you have no mandate for this company",
                Denied::WrongMatter => "your mandate for this company does not cover this",
                Denied::NotYetValid => "your mandate for this company is not valid yet",
                Denied::Expired => "your mandate for this company has expired",
                Denied::Revoked => "your mandate for this company was revoked",
            },
        ),
        CompanyError::NotFound => ApiError::new(ErrorCode::NotFound, "no such mandate"),
        CompanyError::Invalid { field, reason } => ApiError::invalid_field(field, reason),
        CompanyError::Exists => ApiError::new(
            ErrorCode::Conflict,
            "a company with this business id exists",
        ),
        CompanyError::LastManager => ApiError::new(
            ErrorCode::Conflict,
            "this is the last mandate that can manage the company's mandates; grant another \
             first",
        ),
        CompanyError::Twin(t) => twin_error(t),
        CompanyError::Store(s) => s.into(),
    }
}

fn no_store(mut r: Response) -> Response {
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

async fn list_companies(
    State(state): State<AppState>,
    signed: SignedIn,
) -> Result<Response, ApiError> {
    let twin = state.twin()?;
    let companies = company::companies_of(twin.store.as_ref(), &signed.person_id, unix_now())
        .await
        .map_err(company_error)?;
    Ok(no_store(
        Json(json!({"companies": companies})).into_response(),
    ))
}

async fn get_company_twin(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    params: QueryParams,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    params.reject_unknown(&["lang"])?;
    let lang = negotiate(&params, &headers)?;
    let twin = state.twin()?;
    let values = company::values(&twin_of(twin), &signed.person_id, &id, unix_now())
        .await
        .map_err(company_error)?;
    Ok(no_store(Json(values_json(values, lang)).into_response()))
}

async fn get_company_history(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    params: QueryParams,
) -> Result<Response, ApiError> {
    let (before, limit) = history_params(&params)?;
    let twin = state.twin()?;
    let history = company::history(
        &twin_of(twin),
        &signed.person_id,
        &id,
        before,
        limit,
        unix_now(),
    )
    .await
    .map_err(company_error)?;
    Ok(no_store(Json(history_json(history, limit)).into_response()))
}

async fn put_company_value(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((id, attribute)): Path<(String, String)>,
    body: JsonObject,
) -> Result<Response, ApiError> {
    let (value, expected) = value_body(&body)?;
    let twin = state.twin()?;
    let version = company::set_value(
        &twin_of(twin),
        &signed.person_id,
        &id,
        &attribute,
        &value,
        expected,
        unix_now(),
    )
    .await
    .map_err(company_error)?;
    let stored = stored_form(&attribute, Subject::Company, &value);
    Ok(no_store(
        Json(json!({"attribute": attribute, "value": stored, "version": version})).into_response(),
    ))
}

async fn delete_company_value(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((id, attribute)): Path<(String, String)>,
    params: QueryParams,
) -> Result<StatusCode, ApiError> {
    params.reject_unknown(&["expected_version"])?;
    let expected = expected_version_param(&params)?;
    let twin = state.twin()?;
    company::delete_value(
        &twin_of(twin),
        &signed.person_id,
        &id,
        &attribute,
        expected,
        unix_now(),
    )
    .await
    .map_err(|e| match e {
        CompanyError::Twin(t) => deletion_error(t, expected, &attribute),
        other => company_error(other),
    })?;
    Ok(StatusCode::NO_CONTENT)
}

async fn list_mandates(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let twin = state.twin()?;
    let mandates = company::mandates(twin.store.as_ref(), &signed.person_id, &id, unix_now())
        .await
        .map_err(company_error)?;
    Ok(no_store(
        Json(json!({"mandates": mandates})).into_response(),
    ))
}

fn time_field(body: &JsonObject, name: &str) -> Result<Option<i64>, ApiError> {
    match body.value(name) {
        None => Ok(None),
        Some(Value::String(s)) => {
            time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
                .map(|t| Some(t.unix_timestamp()))
                .map_err(|_| ApiError::invalid_field(name, "expected an RFC 3339 date-time"))
        }
        Some(_) => Err(ApiError::invalid_field(
            name,
            "expected an RFC 3339 date-time string",
        )),
    }
}

async fn grant_mandate(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    body: JsonObject,
) -> Result<Response, ApiError> {
    body.reject_unknown(&["agent_id", "matters", "valid_from", "valid_until"])?;
    let agent_id = body.required_str("agent_id")?.to_string();
    let accepted = "expected a non-empty array of \"twin_read\", \"twin_write\", \"mandates\"";
    let matters: Vec<Matter> = match body.value("matters") {
        Some(Value::Array(items)) if !items.is_empty() => items
            .iter()
            .map(|m| m.as_str().and_then(Matter::parse))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| ApiError::invalid_field("matters", accepted))?,
        _ => return Err(ApiError::invalid_field("matters", accepted)),
    };
    let valid_from = time_field(&body, "valid_from")?;
    let valid_until = time_field(&body, "valid_until")?;
    let twin = state.twin()?;
    let now = unix_now();
    let mandate = company::grant(
        twin.store.as_ref(),
        twin.store.as_ref(),
        &signed.person_id,
        &id,
        &NewMandate {
            agent_id: &agent_id,
            matters: &matters,
            valid_from,
            valid_until,
        },
        now,
    )
    .await
    .map_err(company_error)?;
    Ok(no_store(
        (
            StatusCode::CREATED,
            Json(company::MandateView::new(&mandate, now)),
        )
            .into_response(),
    ))
}

async fn revoke_mandate(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((id, mandate_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let twin = state.twin()?;
    company::revoke(
        twin.store.as_ref(),
        &signed.person_id,
        &id,
        &mandate_id,
        unix_now(),
    )
    .await
    .map_err(company_error)?;
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/me/companies", get(list_companies))
        .route("/api/v1/me/companies/{id}/twin", get(get_company_twin))
        .route(
            "/api/v1/me/companies/{id}/twin/history",
            get(get_company_history),
        )
        .route(
            "/api/v1/me/companies/{id}/twin/{attribute}",
            put(put_company_value).delete(delete_company_value),
        )
        .route(
            "/api/v1/me/companies/{id}/mandates",
            get(list_mandates).post(grant_mandate),
        )
        .route(
            "/api/v1/me/companies/{id}/mandates/{mandate_id}",
            delete(revoke_mandate),
        )
}
