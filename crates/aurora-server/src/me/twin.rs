//! The person's own twin over HTTP (issue 5): `GET /api/v1/me/twin`, `PUT`/`DELETE
//! /api/v1/me/twin/{attribute}`, `DELETE /api/v1/me/twin`, `GET /api/v1/me/twin/history`,
//! the public attribute registry `GET /api/v1/attributes`, and export (`GET
//! /api/v1/me/export`, `POST /api/v1/me/export/encrypted`).
//!
//! Thin handlers over `aurora_twin::twin` and `aurora_twin::export`: every rule lives there.
//! Only the session's own person is ever read or written here (the path names no person).

use aurora_model::Lang;
use aurora_twin::export::{self, ArchiveError, Section};
use aurora_twin::registry::{AttributeRegistry, RegistryError};
use aurora_twin::twin::{Actor, Twin, TwinError};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde_json::{json, Value};

use super::auth::SignedIn;
use super::TwinState;
use crate::body::JsonObject;
use crate::error::{ApiError, ErrorCode};
use crate::params::{negotiate, QueryParams};
use crate::state::AppState;

/// Most history rows per page.
const HISTORY_PAGE_MAX: u32 = 500;

pub(crate) fn registry() -> &'static AttributeRegistry {
    AttributeRegistry::bundled()
}

pub(crate) fn twin_of(state: &TwinState) -> Twin<'_> {
    Twin::new(
        state.store.as_ref(),
        state.store.as_ref(),
        &state.keys,
        registry(),
    )
}

/// The problem for a twin error. Never includes a value: the engine's errors carry none.
pub(crate) fn twin_error(e: TwinError) -> ApiError {
    match e {
        TwinError::Invalid(RegistryError::Unknown { attribute }) => ApiError::new(
            ErrorCode::NotFound,
            format!("no attribute {attribute:?} in the registry (GET /api/v1/attributes)"),
        ),
        TwinError::Invalid(RegistryError::WrongSubject { attribute, subject }) => {
            ApiError::invalid(
                "attribute",
                format!("{attribute} is not an attribute of a {subject}"),
            )
        }
        TwinError::Invalid(RegistryError::Invalid {
            attribute,
            pointer,
            reason,
        }) => ApiError::invalid_field(
            &format!("value{pointer}"),
            format!("not a valid {attribute}: {reason}"),
        ),
        TwinError::Conflict { attribute } => ApiError::new(
            ErrorCode::Conflict,
            format!(
                "{attribute} was changed meanwhile: read it again and send its current \
                 version as expected_version"
            ),
        ),
        TwinError::NotFound => ApiError::new(ErrorCode::NotFound, "no such twin"),
        TwinError::Store(s) => s.into(),
        other => ApiError::internal(&other),
    }
}

fn no_store(mut r: Response) -> Response {
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn title(attribute: &str, lang: Lang) -> Value {
    registry()
        .get(attribute)
        .map(|a| json!({"title": a.title.get(lang), "sensitive": a.sensitive}))
        .unwrap_or_else(|| json!({"title": attribute, "sensitive": false}))
}

/// Values with their registry names in `lang`.
pub(crate) fn values_json(values: Vec<aurora_twin::twin::ValueView>, lang: Lang) -> Value {
    let items: Vec<Value> = values
        .into_iter()
        .map(|v| {
            let names = title(&v.attribute, lang);
            json!({
                "attribute": v.attribute,
                "title": names["title"],
                "sensitive": names["sensitive"],
                "value": v.value,
                "version": v.version,
                "updated_at": v.updated_at,
                "updated_by": v.updated_by,
            })
        })
        .collect();
    json!({"lang": lang.code(), "values": items})
}

async fn get_twin(
    State(state): State<AppState>,
    signed: SignedIn,
    params: QueryParams,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    params.reject_unknown(&["lang"])?;
    let lang = negotiate(&params, &headers)?;
    let twin = state.twin()?;
    let values = twin_of(twin)
        .values(&signed.person_id)
        .await
        .map_err(twin_error)?;
    // Every read is in the access log, the person's own too ("who saw what": also me).
    if !values.is_empty() {
        let names: Vec<String> = values.iter().map(|v| v.attribute.clone()).collect();
        aurora_twin::access::log_self_read(
            twin.store.as_ref(),
            &signed.person_id,
            &names,
            aurora_store::consent::Via::Api,
            time::OffsetDateTime::now_utc(),
        )
        .await
        .map_err(|e| ApiError::internal(&format!("cannot write the access log: {e}")))?;
    }
    Ok(no_store(Json(values_json(values, lang)).into_response()))
}

/// `{"value": …, "expected_version"?: n}`.
pub(crate) fn value_body(body: &JsonObject) -> Result<(Value, Option<i64>), ApiError> {
    body.reject_unknown(&["value", "expected_version"])?;
    // `null` is absent to JsonObject; a value is required (0 and false are values).
    let value = body
        .value("value")
        .cloned()
        .ok_or_else(|| ApiError::invalid_field("value", "required"))?;
    let expected = match body.value("expected_version") {
        None => None,
        Some(v) => Some(v.as_i64().filter(|n| *n >= 0).ok_or_else(|| {
            ApiError::invalid_field(
                "expected_version",
                "expected a non-negative integer (0: the attribute has no value yet)",
            )
        })?),
    };
    Ok((value, expected))
}

/// The optional `expected_version` query parameter of a deletion.
pub(crate) fn expected_version_param(params: &QueryParams) -> Result<Option<i64>, ApiError> {
    match params.one("expected_version")? {
        None => Ok(None),
        Some(s) => s
            .parse::<i64>()
            .ok()
            .filter(|n| *n > 0)
            .map(Some)
            .ok_or_else(|| ApiError::invalid("expected_version", "expected a positive integer")),
    }
}

/// The canonical form the engine stored (the registry is deterministic).
pub(crate) fn stored_form(
    attribute: &str,
    subject: aurora_twin::registry::Subject,
    value: &Value,
) -> Value {
    registry()
        .validate(attribute, subject, value)
        .unwrap_or_else(|_| value.clone())
}

async fn put_value(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(attribute): Path<String>,
    body: JsonObject,
) -> Result<Response, ApiError> {
    let (value, expected) = value_body(&body)?;
    let twin = state.twin()?;
    let version = twin_of(twin)
        .set(
            &signed.person_id,
            &attribute,
            &value,
            expected,
            &Actor::Person(signed.person_id.clone()),
        )
        .await
        .map_err(twin_error)?;
    let stored = stored_form(&attribute, aurora_twin::registry::Subject::Person, &value);
    Ok(no_store(
        Json(json!({"attribute": attribute, "value": stored, "version": version})).into_response(),
    ))
}

/// A deletion's conflict: without an expected version it means there was no value.
pub(crate) fn deletion_error(e: TwinError, expected: Option<i64>, attribute: &str) -> ApiError {
    match e {
        TwinError::Conflict { .. } if expected.is_none() => {
            ApiError::new(ErrorCode::NotFound, format!("{attribute} has no value"))
        }
        other => twin_error(other),
    }
}

async fn delete_value(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(attribute): Path<String>,
    params: QueryParams,
) -> Result<StatusCode, ApiError> {
    params.reject_unknown(&["expected_version"])?;
    let expected = expected_version_param(&params)?;
    let twin = state.twin()?;
    twin_of(twin)
        .delete(
            &signed.person_id,
            &attribute,
            expected,
            &Actor::Person(signed.person_id.clone()),
        )
        .await
        .map_err(|e| deletion_error(e, expected, &attribute))?;
    Ok(StatusCode::NO_CONTENT)
}

async fn delete_all(State(state): State<AppState>, signed: SignedIn) -> Result<Response, ApiError> {
    let twin = state.twin()?;
    let deleted = twin_of(twin)
        .delete_all(&signed.person_id, &Actor::Person(signed.person_id.clone()))
        .await
        .map_err(twin_error)?;
    Ok(no_store(Json(json!({"deleted": deleted})).into_response()))
}

/// `?before=<id>&limit=<n>` of a history page.
pub(crate) fn history_params(params: &QueryParams) -> Result<(Option<i64>, u32), ApiError> {
    params.reject_unknown(&["before", "limit"])?;
    let before = match params.one("before")? {
        None => None,
        Some(s) => Some(
            s.parse::<i64>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| ApiError::invalid("before", "expected a positive integer"))?,
        ),
    };
    let limit = params.number("limit", 100u32, 1, HISTORY_PAGE_MAX)?;
    Ok((before, limit))
}

pub(crate) fn history_json(history: Vec<aurora_twin::twin::HistoryView>, limit: u32) -> Value {
    let next = if history.len() as u32 == limit {
        history.last().map(|h| h.id)
    } else {
        None
    };
    json!({"history": history, "next_before": next})
}

async fn get_history(
    State(state): State<AppState>,
    signed: SignedIn,
    params: QueryParams,
) -> Result<Response, ApiError> {
    let (before, limit) = history_params(&params)?;
    let twin = state.twin()?;
    let history = twin_of(twin)
        .history(&signed.person_id, before, limit)
        .await
        .map_err(twin_error)?;
    Ok(no_store(Json(history_json(history, limit)).into_response()))
}

async fn get_attributes(params: QueryParams) -> Result<Response, ApiError> {
    params.reject_unknown(&["lang"])?;
    let lang = match params.one("lang")? {
        None => None,
        Some(code) => Some(code.parse::<Lang>()?),
    };
    let mut r = Json(registry().to_json(lang)).into_response();
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    Ok(r)
}

/// The sections other areas add to the export (account, consents, access log…): one line
/// each, `Section::new("name", value)`.
/// The other areas' parts of the export: the account, consents with their receipts, the
/// access log.
async fn other_sections(state: &AppState, person_id: &str) -> Result<Vec<Section>, ApiError> {
    let twin = state.twin()?;
    let account = aurora_store::accounts::AccountStore::account(twin.store.as_ref(), person_id)
        .await?
        .map_or(Value::Null, |a| {
            json!({
                "email": a.email,
                "email_verified_at": a.verified_at,
                "password_sign_in": a.password_hash.is_some(),
                "created_at": a.created_at,
            })
        });
    let mut sections = vec![Section::new("account", account)];
    sections.extend(crate::me::consent::export_sections(twin, person_id).await?);
    Ok(sections)
}

/// The whole export document of a person (JSON download and encrypted archive alike).
pub(crate) async fn export_document(state: &AppState, person_id: &str) -> Result<Value, ApiError> {
    let twin = state.twin()?;
    let sections = other_sections(state, person_id).await?;
    export::export_person(&twin_of(twin), person_id, sections)
        .await
        .map_err(twin_error)
}

fn attachment(mut r: Response, filename: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    no_store(r)
}

async fn get_export(State(state): State<AppState>, signed: SignedIn) -> Result<Response, ApiError> {
    let doc = export_document(&state, &signed.person_id).await?;
    Ok(attachment(Json(doc).into_response(), "aurora-export.json"))
}

async fn post_encrypted_export(
    State(state): State<AppState>,
    signed: SignedIn,
    body: JsonObject,
) -> Result<Response, ApiError> {
    body.reject_unknown(&["passphrase"])?;
    let passphrase = zeroize::Zeroizing::new(body.required_str("passphrase")?.to_string());
    let doc = export_document(&state, &signed.person_id).await?;
    // Argon2id takes tens of milliseconds and 19 MiB: off the async workers.
    let bytes = tokio::task::spawn_blocking(move || export::encrypt_archive(&doc, &passphrase))
        .await
        .map_err(|e| ApiError::internal(&e))?
        .map_err(|e| match e {
            ArchiveError::Passphrase => {
                ApiError::invalid_field("passphrase", "must be 10 to 1024 characters")
            }
            other => ApiError::internal(&other),
        })?;
    let mut r = bytes.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    Ok(attachment(r, "aurora-export.aurxprt"))
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/me/twin", get(get_twin).delete(delete_all))
        .route("/api/v1/me/twin/history", get(get_history))
        .route(
            "/api/v1/me/twin/{attribute}",
            put(put_value).delete(delete_value),
        )
        .route("/api/v1/attributes", get(get_attributes))
        .route("/api/v1/me/export", get(get_export))
        .route("/api/v1/me/export/encrypted", post(post_encrypted_export))
}
