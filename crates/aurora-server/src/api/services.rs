//! `GET /api/v1/services` and `GET /api/v1/services/{id}`.

use aurora_model::{CodeLists, FundingType, Organization, Service, ServiceFilter};
use aurora_store::CatalogStore;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;

use super::{json_in, page, record_id, ApiPath};
use crate::error::ApiError;
use crate::params::{negotiate, QueryParams};
use crate::state::AppState;
use crate::views::{PageView, ServiceSummaryView, ServiceView};

/// The filter query parameters (shared with `GET /api/v1/search`).
pub(crate) const FILTER_PARAMS: &[&str] = &[
    "municipality",
    "region",
    "hospital_district",
    "wellbeing_county",
    "include_national",
    "only_national",
    "service_class",
    "target_group",
    "life_event",
    "collection",
    "funding_type",
];

/// Query parameters of the service list.
const LIST_PARAMS: &[&str] = &[
    "municipality",
    "region",
    "hospital_district",
    "wellbeing_county",
    "include_national",
    "only_national",
    "service_class",
    "target_group",
    "life_event",
    "collection",
    "funding_type",
    "limit",
    "offset",
    "lang",
];

pub(super) async fn list(
    State(state): State<AppState>,
    params: QueryParams,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    params.reject_unknown(LIST_PARAMS)?;
    let lang = negotiate(&params, &headers)?;
    let filter = service_filter(&params)?;
    let page = page(&params)?;
    let found = state.store.services(&filter, page).await?;
    // One lookup per distinct responsible organisation of the page (usually a handful).
    let organizations = organizations_by_ids(
        state.store.as_ref(),
        found
            .items
            .iter()
            .filter_map(|s| s.responsible_organization())
            .map(|o| o.organization_id.as_str()),
    )
    .await?;
    Ok(json_in(
        lang,
        PageView {
            items: found
                .items
                .iter()
                .map(|s| ServiceSummaryView::new(s, &organizations, lang))
                .collect(),
            total: found.total,
            limit: page.limit,
            offset: page.offset,
        },
    ))
}

pub(super) async fn get_one(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    params: QueryParams,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    params.reject_unknown(&["lang"])?;
    let lang = negotiate(&params, &headers)?;
    let id = record_id(&id)?;
    let (service, channels, organizations) = service_with_links(state.store.as_ref(), &id).await?;
    Ok(json_in(
        lang,
        ServiceView::new(&service, &channels, &organizations, lang),
    ))
}

/// A published service with its published channels (in the service's order) and the
/// organisation records the catalogue has; `not_found` if the service is missing or archived.
pub(crate) async fn service_with_links(
    store: &dyn CatalogStore,
    id: &str,
) -> Result<(Service, Vec<aurora_model::Channel>, Vec<Organization>), ApiError> {
    let service = store
        .service(id)
        .await?
        .ok_or_else(|| ApiError::not_found("service", id))?;
    let channel_ids: Vec<String> = service
        .channels
        .iter()
        .map(|c| c.channel_id.clone())
        .collect();
    let channels = store.channels_by_ids(&channel_ids).await?;
    let organizations = organizations_by_ids(
        store,
        service
            .organizations
            .iter()
            .map(|o| o.organization_id.as_str()),
    )
    .await?;
    Ok((service, channels, organizations))
}

/// The published organisations among `ids` (each fetched once; unknown ones skipped).
pub(crate) async fn organizations_by_ids<'a>(
    store: &dyn CatalogStore,
    ids: impl IntoIterator<Item = &'a str>,
) -> Result<Vec<Organization>, ApiError> {
    let mut unique: Vec<&str> = Vec::new();
    for id in ids {
        if !unique.contains(&id) {
            unique.push(id);
        }
    }
    let mut found = Vec::with_capacity(unique.len());
    for id in unique {
        if let Some(o) = store.organization(id).await? {
            found.push(o);
        }
    }
    Ok(found)
}

/// The [`ServiceFilter`] of a query, validated against the code lists and with codes in
/// their canonical spelling (`p5.1` → `P5.1`).
pub(crate) fn service_filter(params: &QueryParams) -> Result<ServiceFilter, ApiError> {
    let funding_types = params
        .list("funding_type")
        .iter()
        .map(|f| {
            FundingType::parse(f).ok_or_else(|| {
                ApiError::invalid(
                    "funding_type",
                    format!("unknown funding type {f:?}; expected PubliclyFunded or MarketFunded"),
                )
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut filter = ServiceFilter {
        municipality_codes: params.list("municipality"),
        region_codes: params.list("region"),
        hospital_district_codes: params.list("hospital_district"),
        wellbeing_county_codes: params.list("wellbeing_county"),
        include_national: params.flag("include_national", true)?,
        only_national: params.flag("only_national", false)?,
        service_classes: params.list("service_class"),
        target_groups: params.list("target_group"),
        life_events: params.list("life_event"),
        collections: params.list("collection"),
        funding_types,
    };
    filter.validate()?;
    canonicalize(&mut filter);
    Ok(filter)
}

/// Replaces each (already validated) code with the code list's own spelling.
fn canonicalize(filter: &mut ServiceFilter) {
    use aurora_model::AreaKind;
    let codes = CodeLists::get();
    let fix = |list: &mut Vec<String>, canonical: &dyn Fn(&str) -> Option<String>| {
        for code in list.iter_mut() {
            if let Some(c) = canonical(code) {
                *code = c;
            }
        }
    };
    fix(&mut filter.municipality_codes, &|c| {
        codes.municipality(c).map(|m| m.code.clone())
    });
    fix(&mut filter.region_codes, &|c| {
        codes.area(AreaKind::Region, c).map(|a| a.code.clone())
    });
    fix(&mut filter.hospital_district_codes, &|c| {
        codes
            .area(AreaKind::HospitalDistrict, c)
            .map(|a| a.code.clone())
    });
    fix(&mut filter.wellbeing_county_codes, &|c| {
        codes
            .area(AreaKind::WellbeingCounty, c)
            .map(|a| a.code.clone())
    });
    fix(&mut filter.service_classes, &|c| {
        codes.service_class(c).map(|s| s.code.clone())
    });
    fix(&mut filter.target_groups, &|c| {
        codes.target_group(c).map(|s| s.code.clone())
    });
    fix(&mut filter.life_events, &|c| {
        codes.life_event(c).map(|s| s.code.clone())
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_takes_the_filters_plus_paging_and_lang() {
        assert_eq!(&LIST_PARAMS[..FILTER_PARAMS.len()], FILTER_PARAMS);
        assert_eq!(
            &LIST_PARAMS[FILTER_PARAMS.len()..],
            ["limit", "offset", "lang"]
        );
    }
}
