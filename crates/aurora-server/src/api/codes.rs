//! The built-in code lists: `GET /api/v1/codes/{list}` and `GET /api/v1/codes/{list}/{code_or_name}`.
//!
//! Lists: `municipalities` (309, each with its region, hospital district and wellbeing
//! county), `regions` (19), `hospital-districts` (21), `wellbeing-counties` (23),
//! `service-classes` (228), `target-groups` (17), `life-events` (19). A lookup takes a code
//! (`091`, `P5.1`; case and surrounding spaces ignored) or a name in any language
//! (`Helsingfors`).

use aurora_model::{AreaKind, CodeLists, Lang};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::Router;

use super::{json_in, ApiPath};
use crate::error::{ApiError, ErrorCode};
use crate::params::{negotiate, QueryParams};
use crate::state::AppState;
use crate::views::{AreaCodeView, ConceptView, ListView, MunicipalityView, ServiceClassView};

pub(super) fn routes() -> Router<AppState> {
    let mut router = Router::new()
        .route("/api/v1/codes/municipalities", get(municipalities))
        .route(
            "/api/v1/codes/municipalities/{code_or_name}",
            get(municipality),
        )
        .route("/api/v1/codes/service-classes", get(service_classes))
        .route(
            "/api/v1/codes/service-classes/{code_or_name}",
            get(service_class),
        )
        .route("/api/v1/codes/target-groups", get(target_groups))
        .route(
            "/api/v1/codes/target-groups/{code_or_name}",
            get(target_group),
        )
        .route("/api/v1/codes/life-events", get(life_events))
        .route("/api/v1/codes/life-events/{code_or_name}", get(life_event));
    for (kind, path) in [
        (AreaKind::Region, "regions"),
        (AreaKind::HospitalDistrict, "hospital-districts"),
        (AreaKind::WellbeingCounty, "wellbeing-counties"),
    ] {
        router = router
            .route(
                &format!("/api/v1/codes/{path}"),
                get(move |params: QueryParams, headers: HeaderMap| areas(kind, params, headers)),
            )
            .route(
                &format!("/api/v1/codes/{path}/{{code_or_name}}"),
                get(
                    move |key: ApiPath<String>, params: QueryParams, headers: HeaderMap| {
                        area(kind, key, params, headers)
                    },
                ),
            );
    }
    router
}

fn lang_only(params: &QueryParams, headers: &HeaderMap) -> Result<Lang, ApiError> {
    params.reject_unknown(&["lang"])?;
    negotiate(params, headers)
}

fn no_such(what: &str, key: &str) -> ApiError {
    ApiError::new(
        ErrorCode::NotFound,
        format!("no {what} with code or name {key:?}"),
    )
}

async fn municipalities(params: QueryParams, headers: HeaderMap) -> Result<Response, ApiError> {
    let lang = lang_only(&params, &headers)?;
    let items = CodeLists::get()
        .municipalities()
        .iter()
        .map(|m| MunicipalityView::new(m, lang))
        .collect();
    Ok(json_in(lang, ListView::new(items)))
}

async fn municipality(
    ApiPath(key): ApiPath<String>,
    params: QueryParams,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let lang = lang_only(&params, &headers)?;
    let codes = CodeLists::get();
    let m = codes
        .municipality(&key)
        .or_else(|| codes.municipality_by_name(&key))
        .ok_or_else(|| no_such("municipality", &key))?;
    Ok(json_in(lang, MunicipalityView::new(m, lang)))
}

fn area_list(kind: AreaKind) -> &'static [aurora_model::AreaCode] {
    let codes = CodeLists::get();
    match kind {
        AreaKind::Region => codes.regions(),
        AreaKind::HospitalDistrict => codes.hospital_districts(),
        AreaKind::WellbeingCounty => codes.wellbeing_counties(),
        AreaKind::Municipality => &[],
    }
}

fn area_name(kind: AreaKind) -> &'static str {
    match kind {
        AreaKind::Region => "region",
        AreaKind::HospitalDistrict => "hospital district",
        AreaKind::WellbeingCounty => "wellbeing services county",
        AreaKind::Municipality => "municipality",
    }
}

async fn areas(
    kind: AreaKind,
    params: QueryParams,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let lang = lang_only(&params, &headers)?;
    let items = area_list(kind)
        .iter()
        .map(|a| AreaCodeView::new(kind, a, lang))
        .collect();
    Ok(json_in(lang, ListView::new(items)))
}

async fn area(
    kind: AreaKind,
    ApiPath(key): ApiPath<String>,
    params: QueryParams,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let lang = lang_only(&params, &headers)?;
    let codes = CodeLists::get();
    let a = codes
        .area(kind, &key)
        .or_else(|| codes.area_by_name(kind, &key))
        .ok_or_else(|| no_such(area_name(kind), &key))?;
    Ok(json_in(lang, AreaCodeView::new(kind, a, lang)))
}

/// A whole code list in `lang`.
fn list_of<T, V: serde::Serialize>(
    params: &QueryParams,
    headers: &HeaderMap,
    items: &[T],
    view: fn(&T, Lang) -> V,
) -> Result<Response, ApiError> {
    let lang = lang_only(params, headers)?;
    let items = items.iter().map(|c| view(c, lang)).collect();
    Ok(json_in(lang, ListView::new(items)))
}

/// One code of a list, by code or else by name in any language; 404 naming `what`.
fn one_of<'a, T: 'a, V: serde::Serialize>(
    params: &QueryParams,
    headers: &HeaderMap,
    key: &str,
    what: &str,
    find: impl Fn(&str) -> Option<&'a T>,
    find_by_name: impl Fn(&str) -> Option<&'a T>,
    view: fn(&T, Lang) -> V,
) -> Result<Response, ApiError> {
    let lang = lang_only(params, headers)?;
    let c = find(key)
        .or_else(|| find_by_name(key))
        .ok_or_else(|| no_such(what, key))?;
    Ok(json_in(lang, view(c, lang)))
}

async fn service_classes(params: QueryParams, headers: HeaderMap) -> Result<Response, ApiError> {
    let codes = CodeLists::get();
    list_of(
        &params,
        &headers,
        codes.service_classes(),
        ServiceClassView::new,
    )
}

async fn service_class(
    ApiPath(key): ApiPath<String>,
    params: QueryParams,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let codes = CodeLists::get();
    one_of(
        &params,
        &headers,
        &key,
        "service class",
        |k| codes.service_class(k),
        |k| codes.service_class_by_name(k),
        ServiceClassView::new,
    )
}

async fn target_groups(params: QueryParams, headers: HeaderMap) -> Result<Response, ApiError> {
    list_of(
        &params,
        &headers,
        CodeLists::get().target_groups(),
        ConceptView::new,
    )
}

async fn target_group(
    ApiPath(key): ApiPath<String>,
    params: QueryParams,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let codes = CodeLists::get();
    one_of(
        &params,
        &headers,
        &key,
        "target group",
        |k| codes.target_group(k),
        |k| codes.target_group_by_name(k),
        ConceptView::new,
    )
}

async fn life_events(params: QueryParams, headers: HeaderMap) -> Result<Response, ApiError> {
    list_of(
        &params,
        &headers,
        CodeLists::get().life_events(),
        ConceptView::new,
    )
}

async fn life_event(
    ApiPath(key): ApiPath<String>,
    params: QueryParams,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let codes = CodeLists::get();
    one_of(
        &params,
        &headers,
        &key,
        "life event",
        |k| codes.life_event(k),
        |k| codes.life_event_by_name(k),
        ConceptView::new,
    )
}
