//! The person's consents and access log over HTTP (issue 5):
//!
//! * `GET /api/v1/me/consents`: every consent record, active and past;
//! * `POST /api/v1/me/consents`: give consent (recipient, purpose, attributes, valid_until) →
//!   the record and its signed Kantara v1.1 receipt;
//! * `GET /api/v1/me/consents/{id}`: one record with its life-cycle events;
//! * `DELETE /api/v1/me/consents/{id}`: withdraw, at once (and revoke the OAuth grants made
//!   under it);
//! * `POST /api/v1/me/consents/{id}/renew`: extend the validity, with a new receipt;
//! * `GET /api/v1/me/consents/{id}/receipt`: the receipt JWS (`application/jose`);
//! * `GET /api/v1/consent-receipts/keys`: the JWK Set that verifies receipts;
//! * `GET /api/v1/me/access-log`: who saw what, when, why (newest first, paged).
//!
//! Thin handlers over `aurora_twin::consent` and `aurora_twin::access`. Only the session's own
//! records are ever reached: another person's consent id is 404, exactly like an unknown one.

use aurora_model::Lang;
use aurora_store::consent::{AccessLogEntry, ConsentEvent, ConsentStore, ReaderKind};
use aurora_twin::consent::{
    self, ConsentError, ConsentRecord, ConsentSettings, GrantRequest, Purposes, RecipientKind,
    RecipientRef,
};
use aurora_twin::oauth::ClientDirectory;
use aurora_twin::registry::AttributeRegistry;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::auth::SignedIn;
use super::TwinState;
use crate::body::JsonObject;
use crate::error::{ApiError, ErrorCode};
use crate::i18n::Tr;
use crate::params::{negotiate, QueryParams};
use crate::state::AppState;

/// Default and largest access-log page.
const LOG_PAGE_DEFAULT: u32 = 50;
const LOG_PAGE_MAX: u32 = 500;

/// The media type of a compact JWS (RFC 7515 §9.2.1).
pub(crate) const JOSE: &str = "application/jose";

pub(crate) fn settings_of(twin: &TwinState) -> ConsentSettings {
    ConsentSettings::for_public_url(&twin.settings.public_url)
}

fn registry() -> &'static AttributeRegistry {
    AttributeRegistry::bundled()
}

fn no_store(mut r: Response) -> Response {
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// The problem for a consent error (never a value: the engine's errors carry none).
pub(crate) fn consent_error(e: ConsentError) -> ApiError {
    let field = e.field();
    match e {
        ConsentError::NotFound => ApiError::new(ErrorCode::NotFound, "no such consent"),
        ConsentError::Withdrawn => ApiError::new(
            ErrorCode::Conflict,
            "the consent was withdrawn; give a new consent instead",
        ),
        ConsentError::Store(s) => s.into(),
        ConsentError::Receipt(r) => ApiError::internal(&r),
        ConsentError::AttributeNotAllowed(_) | ConsentError::PurposeNotAllowed(_) => {
            ApiError::for_field(ErrorCode::Forbidden, field.unwrap_or("body"), e.to_string())
        }
        other => ApiError::invalid_field(field.unwrap_or("body"), other.to_string()),
    }
}

fn attribute_json(name: &str, lang: Lang) -> Value {
    let title = registry()
        .get(name)
        .map_or_else(|| name.to_string(), |a| a.title.get(lang).to_string());
    json!({"name": name, "title": title})
}

fn purpose_json(code: &str, lang: Lang) -> Value {
    match Purposes::bundled().get(code) {
        Some(p) => json!({
            "code": code,
            "name": p.name.get(lang),
            "description": p.description.get(lang),
        }),
        None => {
            let tr = Tr::new(lang);
            json!({"code": code, "name": tr.t(&format!("consent-purpose-{code}"))})
        }
    }
}

pub(crate) fn consent_json(r: &ConsentRecord, lang: Lang) -> Value {
    let tr = Tr::new(lang);
    json!({
        "id": r.id,
        "recipient": {
            "kind": r.recipient_kind,
            "id": r.recipient_id,
            "name": r.recipient_names.get(lang.code()),
            "names": r.recipient_names,
        },
        "purpose": purpose_json(&r.purpose, lang),
        "attributes": r.attributes.iter().map(|a| attribute_json(a, lang)).collect::<Vec<_>>(),
        "legal_basis": r.legal_basis,
        "granted_at": r.granted_at,
        "valid_until": r.valid_until,
        "withdrawn_at": r.withdrawn_at,
        "state": r.state,
        "state_label": tr.t(&format!("consent-state-{}", r.state.as_str())),
        "version": r.version,
        "notice_language": r.notice_language,
        "collection_method": r.collection_method,
        "receipt_url": format!("/api/v1/me/consents/{}/receipt", r.id),
    })
}

fn event_json(e: &ConsentEvent) -> Value {
    json!({"event": e.event, "version": e.version, "at": e.at})
}

fn access_json(e: &AccessLogEntry, lang: Lang) -> Value {
    let tr = Tr::new(lang);
    let name = match e.reader.kind {
        ReaderKind::SelfRead => tr.t("consent-reader-self"),
        _ => e.reader.names.get(lang.code()).to_string(),
    };
    json!({
        "id": e.id,
        "at": e.at,
        "reader": {"kind": e.reader.kind, "id": e.reader.id, "name": name},
        "attributes": e.attributes.iter().map(|a| attribute_json(a, lang)).collect::<Vec<_>>(),
        "purpose": purpose_json(&e.purpose, lang),
        "consent_ids": e.consent_ids,
        "via": e.via,
        "via_label": tr.t(&format!("consent-via-{}", e.via.as_str())),
    })
}

/// `GET /api/v1/me/consents?lang=`
async fn list(
    State(state): State<AppState>,
    signed: SignedIn,
    params: QueryParams,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    params.reject_unknown(&["lang"])?;
    let lang = negotiate(&params, &headers)?;
    let twin = state.twin()?;
    let records = consent::list(
        twin.store.as_ref(),
        &signed.person_id,
        OffsetDateTime::now_utc(),
    )
    .await
    .map_err(consent_error)?;
    let items: Vec<Value> = records.iter().map(|r| consent_json(r, lang)).collect();
    Ok(no_store(Json(json!({"consents": items})).into_response()))
}

fn parse_time(field: &str, s: &str) -> Result<OffsetDateTime, ApiError> {
    OffsetDateTime::parse(s.trim(), &Rfc3339).map_err(|_| {
        ApiError::invalid_field(
            field,
            "expected an RFC 3339 date-time such as 2027-06-30T00:00:00Z",
        )
    })
}

fn string_list(body: &JsonObject, field: &str) -> Result<Vec<String>, ApiError> {
    match body.value(field) {
        None => Err(ApiError::invalid_field(
            field,
            "required; expected an array of strings",
        )),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| ApiError::invalid_field(field, "expected an array of strings"))
            })
            .collect(),
        Some(_) => Err(ApiError::invalid_field(
            field,
            "expected an array of strings",
        )),
    }
}

fn recipient_of(body: &JsonObject) -> Result<RecipientRef, ApiError> {
    let Some(Value::Object(r)) = body.value("recipient") else {
        return Err(ApiError::invalid_field(
            "recipient",
            "required; expected {\"kind\": \"service\" or \"agent\", \"id\": \"…\"}",
        ));
    };
    for k in r.keys() {
        if k != "kind" && k != "id" {
            return Err(ApiError::for_field(
                ErrorCode::UnknownField,
                &format!("recipient.{k}"),
                "unknown field; accepted: kind, id",
            ));
        }
    }
    let kind = r
        .get("kind")
        .and_then(Value::as_str)
        .map_or(Some(RecipientKind::Service), RecipientKind::parse)
        .ok_or_else(|| ApiError::invalid_field("recipient.kind", "expected service or agent"))?;
    let id = r
        .get("id")
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| ApiError::invalid_field("recipient.id", "required; expected a string"))?;
    Ok(RecipientRef {
        kind,
        id: id.trim().to_string(),
    })
}

/// `POST /api/v1/me/consents`
async fn grant(
    State(state): State<AppState>,
    signed: SignedIn,
    body: JsonObject,
) -> Result<Response, ApiError> {
    body.reject_unknown(&["recipient", "purpose", "attributes", "valid_until", "lang"])?;
    let recipient = recipient_of(&body)?;
    let purpose = body.required_str("purpose")?.trim().to_string();
    let attributes = string_list(&body, "attributes")?;
    let valid_until = parse_time("valid_until", body.required_str("valid_until")?)?;
    let lang = body.lang("lang")?.unwrap_or(Lang::Fi);
    let twin = state.twin()?;
    let store = twin.store.as_ref();
    let request = GrantRequest {
        person_id: signed.person_id.clone(),
        recipient,
        purpose,
        attributes,
        valid_until_unix: valid_until.unix_timestamp(),
        language: lang,
        collection_method: "api".into(),
    };
    let record = consent::grant(
        store,
        &ClientDirectory(store),
        registry(),
        &twin.keys,
        &settings_of(twin),
        &request,
        OffsetDateTime::now_utc(),
    )
    .await
    .map_err(consent_error)?;
    let mut v = consent_json(&record, lang);
    v["receipt"] = Value::String(record.receipt.clone());
    let mut response = (StatusCode::CREATED, Json(v)).into_response();
    if let Ok(loc) = HeaderValue::from_str(&format!("/api/v1/me/consents/{}", record.id)) {
        response.headers_mut().insert(header::LOCATION, loc);
    }
    Ok(no_store(response))
}

/// `GET /api/v1/me/consents/{id}?lang=`
async fn one(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    params: QueryParams,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    params.reject_unknown(&["lang"])?;
    let lang = negotiate(&params, &headers)?;
    let twin = state.twin()?;
    let store = twin.store.as_ref();
    let record = consent::get(store, &signed.person_id, &id, OffsetDateTime::now_utc())
        .await
        .map_err(consent_error)?
        .ok_or_else(|| consent_error(ConsentError::NotFound))?;
    let events = ConsentStore::consent_events(store, &signed.person_id, &id).await?;
    let mut v = consent_json(&record, lang);
    v["events"] = events.iter().map(event_json).collect();
    Ok(no_store(Json(v).into_response()))
}

/// `DELETE /api/v1/me/consents/{id}`: withdraws at once.
async fn withdraw(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    params: QueryParams,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    params.reject_unknown(&["lang"])?;
    let lang = negotiate(&params, &headers)?;
    let twin = state.twin()?;
    let now = OffsetDateTime::now_utc();
    let record = withdraw_consent(twin, &signed.person_id, &id, now).await?;
    let mut record = record;
    record.state = record.state_at(now.unix_timestamp());
    Ok(no_store(Json(consent_json(&record, lang)).into_response()))
}

/// Withdraws one of the person's consents (the API and the page both come here). The
/// withdrawal is committed first and is effective at once: every read checks the consent in
/// the database. Then the OAuth tokens issued under it are revoked (introspection says so at
/// once) and, for a member service that takes deletion notices, one is queued; a failure
/// there is logged and the queue or the consent check still covers it.
pub(crate) async fn withdraw_consent(
    twin: &TwinState,
    person_id: &str,
    id: &str,
    now: OffsetDateTime,
) -> Result<ConsentRecord, ApiError> {
    let store = twin.store.as_ref();
    let record = consent::withdraw(store, person_id, id, now)
        .await
        .map_err(consent_error)?;
    if let Err(e) = aurora_twin::oauth::notice::consent_withdrawn(
        store,
        &twin.keys,
        &record,
        now.unix_timestamp(),
    )
    .await
    {
        tracing::warn!(error = %e, "could not revoke the grants of a withdrawn consent or notify its service");
    }
    Ok(record)
}

/// Every consent of the person and every access-log row, for the export.
pub(crate) async fn export_sections(
    twin: &TwinState,
    person_id: &str,
) -> Result<Vec<aurora_twin::export::Section>, ApiError> {
    let store = twin.store.as_ref();
    let consents: Vec<Value> = store
        .consents_of(person_id)
        .await?
        .iter()
        .map(|r| {
            let mut v = consent_json(r, Lang::En);
            v["receipt"] = Value::String(r.receipt.clone());
            v
        })
        .collect();
    let mut log = Vec::new();
    let mut offset = 0u64;
    loop {
        let (page, total) = store.access_log(person_id, 500, offset).await?;
        offset += page.len() as u64;
        log.extend(page.iter().map(|e| access_json(e, Lang::En)));
        if page.is_empty() || offset >= total {
            break;
        }
    }
    Ok(vec![
        aurora_twin::export::Section::new("consents", Value::Array(consents)),
        aurora_twin::export::Section::new("access_log", Value::Array(log)),
    ])
}

/// `POST /api/v1/me/consents/{id}/renew` with `{"valid_until"}`.
async fn renew(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    body: JsonObject,
) -> Result<Response, ApiError> {
    body.reject_unknown(&["valid_until"])?;
    let valid_until = parse_time("valid_until", body.required_str("valid_until")?)?;
    let twin = state.twin()?;
    let store = twin.store.as_ref();
    let record = consent::renew(
        store,
        &ClientDirectory(store),
        registry(),
        &twin.keys,
        &settings_of(twin),
        &signed.person_id,
        &id,
        valid_until.unix_timestamp(),
        OffsetDateTime::now_utc(),
    )
    .await
    .map_err(consent_error)?;
    let lang = Lang::parse(&record.notice_language).unwrap_or(Lang::Fi);
    let mut v = consent_json(&record, lang);
    v["receipt"] = Value::String(record.receipt.clone());
    Ok(no_store(Json(v).into_response()))
}

/// `GET /api/v1/me/consents/{id}/receipt`: the compact JWS.
async fn receipt(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let twin = state.twin()?;
    let record = ConsentStore::consent(twin.store.as_ref(), &signed.person_id, &id)
        .await?
        .ok_or_else(|| consent_error(ConsentError::NotFound))?;
    let mut response = record.receipt.into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(JOSE));
    Ok(no_store(response))
}

/// `GET /api/v1/consent-receipts/keys`: the public key(s) receipts verify with.
async fn receipt_keys(State(state): State<AppState>) -> Result<Response, ApiError> {
    let twin = state.twin()?;
    let mut response = Json(twin.keys.jwks()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/jwk-set+json"),
    );
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("max-age=300"),
    );
    Ok(response)
}

/// `GET /api/v1/me/access-log?lang=&limit=&offset=`
async fn access_log(
    State(state): State<AppState>,
    signed: SignedIn,
    params: QueryParams,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    params.reject_unknown(&["lang", "limit", "offset"])?;
    let lang = negotiate(&params, &headers)?;
    let limit = params.number("limit", LOG_PAGE_DEFAULT, 1, LOG_PAGE_MAX)?;
    let offset = params.number("offset", 0u64, 0, u64::from(u32::MAX))?;
    let twin = state.twin()?;
    let (entries, total) =
        aurora_twin::access::access_log(twin.store.as_ref(), &signed.person_id, limit, offset)
            .await
            .map_err(|e| match e {
                aurora_twin::access::AccessError::Store(s) => ApiError::from(s),
                other => ApiError::internal(&other),
            })?;
    let items: Vec<Value> = entries.iter().map(|e| access_json(e, lang)).collect();
    Ok(no_store(
        Json(json!({
            "total": total,
            "limit": limit,
            "offset": offset,
            "entries": items,
        }))
        .into_response(),
    ))
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/me/consents", get(list).post(grant))
        .route("/api/v1/me/consents/{id}", get(one).delete(withdraw))
        .route("/api/v1/me/consents/{id}/renew", post(renew))
        .route("/api/v1/me/consents/{id}/receipt", get(receipt))
        .route("/api/v1/consent-receipts/keys", get(receipt_keys))
        .route("/api/v1/me/access-log", get(access_log))
}
