use axum::http::{header, StatusCode};
use serde_json::json;

use crate::common::{app, app_with, get_with, ids};
use crate::fixtures::*;

const VAASA_MUNICIPAL: &[&str] = &[UIMAHALLI, HISSIAVUSTUS, PERUSOPETUS];
const NATIONAL: &[&str] = &[VALTUUDET, VAESTOTIEDOT];

fn with(a: &[&str], b: &[&str]) -> Vec<String> {
    ids(&[a, b].concat())
}

#[tokio::test]
async fn municipality_filter_includes_national_services_by_default() {
    let t = app().await;
    assert_eq!(
        t.service_ids("municipality=905").await,
        with(VAASA_MUNICIPAL, NATIONAL)
    );
    assert_eq!(
        t.service_ids("municipality=905&include_national=false")
            .await,
        ids(VAASA_MUNICIPAL)
    );
    assert_eq!(
        t.service_ids("municipality=905&include_national=true")
            .await,
        with(VAASA_MUNICIPAL, NATIONAL)
    );
}

#[tokio::test]
async fn area_codes_of_every_kind_make_one_union() {
    let t = app().await;
    let no_national = "include_national=false";
    // Repeated and comma-separated spellings are the same.
    assert_eq!(
        t.service_ids(&format!("municipality=905&municipality=091&{no_national}"))
            .await,
        with(VAASA_MUNICIPAL, &[NEUVONTA])
    );
    assert_eq!(
        t.service_ids(&format!("municipality=905,091&{no_national}"))
            .await,
        with(VAASA_MUNICIPAL, &[NEUVONTA])
    );
    // Uusimaa = Helsinki + Espoo (+ others without services here).
    assert_eq!(
        t.service_ids(&format!("region=01&{no_national}")).await,
        ids(&[KUNTOSALI, NEUVONTA])
    );
    assert_eq!(
        t.service_ids(&format!("region=01&municipality=905&{no_national}"))
            .await,
        with(VAASA_MUNICIPAL, &[KUNTOSALI, NEUVONTA])
    );
    assert_eq!(
        t.service_ids(&format!("hospital_district=25&{no_national}"))
            .await,
        ids(&[KUNTOSALI, NEUVONTA])
    );
    // Wellbeing county 90 is the city of Helsinki alone.
    assert_eq!(
        t.service_ids(&format!("wellbeing_county=90&{no_national}"))
            .await,
        ids(&[NEUVONTA])
    );
}

#[tokio::test]
async fn only_national_returns_national_services_and_rejects_areas() {
    let t = app().await;
    assert_eq!(t.service_ids("only_national=true").await, ids(NATIONAL));
    let r = t
        .get("/api/v1/services?only_national=true&municipality=091")
        .await;
    r.assert_problem(
        400,
        json!({
            "type": "https://aurora.example/problems/invalid_parameter",
            "title": "Invalid parameter",
            "status": 400,
            "detail": "invalid value for parameter `only_national`: cannot be combined with municipality, region, hospital district or wellbeing county filters",
            "code": "invalid_parameter",
            "errors": [{
                "field": "only_national",
                "reason": "cannot be combined with municipality, region, hospital district or wellbeing county filters"
            }]
        }),
    );
}

#[tokio::test]
async fn class_target_group_life_event_collection_and_funding_filters() {
    let t = app().await;
    // A main class matches its sub-classes; codes are matched case-insensitively.
    assert_eq!(
        t.service_ids("service_class=P27").await,
        ids(&[UIMAHALLI, KUNTOSALI])
    );
    assert_eq!(
        t.service_ids("service_class=p27.1").await,
        ids(&[UIMAHALLI, KUNTOSALI])
    );
    assert_eq!(
        t.service_ids("service_class=P6,P9").await,
        ids(&[PERUSOPETUS, VALTUUDET, NEUVONTA])
    );
    assert_eq!(
        t.service_ids("target_group=KR1.2").await,
        ids(&[PERUSOPETUS])
    );
    assert_eq!(t.service_ids("life_event=KE3").await, ids(&[PERUSOPETUS]));
    assert_eq!(
        t.service_ids("collection=helsinki-neuvonta").await,
        ids(&[NEUVONTA])
    );
    assert_eq!(
        t.service_ids("funding_type=MarketFunded").await,
        ids(&[KUNTOSALI])
    );
    // Families combine with AND.
    assert_eq!(
        t.service_ids("service_class=P27&funding_type=PubliclyFunded")
            .await,
        ids(&[UIMAHALLI])
    );
}

#[tokio::test]
async fn list_pages_report_total_limit_and_offset() {
    let t = app().await;
    let page = t.get_json("/api/v1/services?limit=2").await;
    assert_eq!(page["total"], PUBLISHED_SERVICES);
    assert_eq!(page["limit"], 2);
    assert_eq!(page["offset"], 0);
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    let last = t.get_json("/api/v1/services?limit=2&offset=6").await;
    assert_eq!(last["items"].as_array().unwrap().len(), 1);
    assert_eq!(last["total"], PUBLISHED_SERVICES);
    // Default page size, and no archived service anywhere.
    let all = t.get_json("/api/v1/services").await;
    assert_eq!(all["limit"], 50);
    assert_eq!(
        all["items"].as_array().unwrap().len() as u64,
        PUBLISHED_SERVICES
    );
    assert!(!all.to_string().contains(LUMENVASTAANOTTO));
}

#[tokio::test]
async fn large_catalogues_page_by_offset() {
    let t = app_with(&[batch(), many_national(60)]).await;
    let first = t
        .get_json("/api/v1/services?only_national=true&limit=25")
        .await;
    assert_eq!(first["total"], 62);
    let third = t
        .get_json("/api/v1/services?only_national=true&limit=25&offset=50")
        .await;
    assert_eq!(third["items"].as_array().unwrap().len(), 12);
    let max = t.get_json("/api/v1/services?limit=500").await;
    assert_eq!(max["items"].as_array().unwrap().len(), 67);
}

#[tokio::test]
async fn list_items_are_views_in_the_requested_language() {
    let t = app().await;
    let body = t
        .get_json("/api/v1/services?municipality=905&include_national=false&lang=en")
        .await;
    let hissi = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == HISSIAVUSTUS)
        .unwrap();
    // No English text: Finnish fallback, marked as such; the full object is there too.
    assert_eq!(
        hissi["name"],
        json!({"value": "Hissiavustus", "lang": "fi"})
    );
    assert_eq!(
        hissi["names"],
        json!({"fi": "Hissiavustus", "sv": "Hissunderstöd"})
    );
    assert_eq!(hissi["area_type"], "LimitedType");
    assert_eq!(hissi["municipalities"], json!(["905"]));
    assert_eq!(hissi["funding_type"], "PubliclyFunded");
    assert_eq!(
        hissi["service_classes"],
        json!([{"code": "P1.4", "label": {"value": "Housing benefits", "lang": "en"}}])
    );
    assert_eq!(hissi["origin"], "ptv_v11");
    assert_eq!(
        hissi["responsible_organization"],
        json!({"id": ORG_VAASA, "role": "Responsible", "provision_type": "SelfProducedServices", "name": {"value": "City of Vaasa", "lang": "en"}})
    );
}

#[tokio::test]
async fn language_comes_from_lang_then_accept_language_then_finnish() {
    let t = app().await;
    let uri = format!("/api/v1/services/{UIMAHALLI}");
    let r = get_with(&t.app, &uri, "accept-language", "sv-FI, en;q=0.5").await;
    assert_eq!(r.header(header::CONTENT_LANGUAGE), "sv");
    assert_eq!(
        r.json()["name"],
        json!({"value": "Simhallen", "lang": "sv"})
    );
    let r = get_with(&t.app, &format!("{uri}?lang=en"), "accept-language", "sv").await;
    assert_eq!(r.json()["name"]["value"], "Swimming Centre");
    let r = t.get(&uri).await;
    assert_eq!(r.header(header::CONTENT_LANGUAGE), "fi");
    let r = t.get(&format!("{uri}?lang=de")).await;
    r.assert_problem(
        400,
        json!({
            "type": "https://aurora.example/problems/invalid_parameter",
            "title": "Invalid parameter",
            "status": 400,
            "detail": "invalid value for parameter `lang`: unsupported language \"de\": expected one of fi, sv, en",
            "code": "invalid_parameter",
            "errors": [{"field": "lang", "reason": "unsupported language \"de\": expected one of fi, sv, en"}]
        }),
    );
}

#[tokio::test]
async fn service_detail_has_published_channels_and_resolved_organisations() {
    let t = app().await;
    let body = t
        .get_json(&format!("/api/v1/services/{UIMAHALLI}?lang=sv"))
        .await;
    assert_eq!(body["id"], UIMAHALLI);
    assert_eq!(body["description"]["lang"], "sv");
    assert_eq!(body["charge_type"], "Chargeable");
    assert_eq!(body["keywords"], json!(["simning"]));
    let channels = body["channels"].as_array().unwrap();
    let channel_ids: Vec<&str> = channels.iter().map(|c| c["id"].as_str().unwrap()).collect();
    // In the service's order, the archived channel skipped.
    assert_eq!(channel_ids, [CH_UIMAHALLI_LOCATION, CH_UIMAHALLI_WEB]);
    let location = &channels[0];
    assert_eq!(location["kind"], "ServiceLocation");
    assert_eq!(
        location["name"],
        json!({"value": "Vasa simhall", "lang": "sv"})
    );
    assert_eq!(
        location["addresses"][0]["one_line"],
        "Simhallsgatan 1, 65100 VASA"
    );
    assert_eq!(
        location["addresses"][0]["municipality"],
        json!({"code": "905", "label": {"value": "Vasa", "lang": "sv"}})
    );
    assert_eq!(
        location["phones"],
        json!([{
            "kind": "Phone", "number": "+358 6 325 3600", "tel": "+35863253600",
            "additional_info": "Simhallens kassa", "charge_type": "Chargeable",
            "is_finnish_service_number": false, "lang": "sv"
        }])
    );
    // No Swedish e-mail: the Finnish one is shown.
    assert_eq!(
        location["emails"],
        json!([{"value": "uimahalli@vaasa.fi", "lang": "fi"}])
    );
    assert_eq!(
        location["service_hours"][0]["opening_hours"][0],
        json!({"day_from": "Monday", "day_to": "Friday", "from": "06:30", "to": "21:00"})
    );
    assert_eq!(
        body["organizations"],
        json!([
            {
                "id": ORG_VAASA, "role": "Responsible", "provision_type": "SelfProducedServices",
                "name": {"value": "Vasa stad", "lang": "sv"}
            },
            {
                "id": ORG_VAASA, "role": "Producer", "provision_type": "SelfProducedServices",
                "name": {"value": "Vasa stad", "lang": "sv"}
            }
        ])
    );
    assert_eq!(
        body["responsible_organization"]["name"]["value"],
        "Vasa stad"
    );
}

#[tokio::test]
async fn uuids_are_accepted_in_any_spelling() {
    let t = app().await;
    let upper = UIMAHALLI.to_uppercase().replace('-', "");
    let body = t.get_json(&format!("/api/v1/services/{upper}")).await;
    assert_eq!(body["id"], UIMAHALLI);
}

#[tokio::test]
async fn archived_or_missing_service_is_404() {
    let t = app().await;
    let r = t.get(&format!("/api/v1/services/{LUMENVASTAANOTTO}")).await;
    r.assert_problem(
        404,
        json!({
            "type": "https://aurora.example/problems/not_found",
            "title": "Not found",
            "status": 404,
            "detail": "no published service with id \"1ba9c665-d20d-4ea0-8282-81e35c701fe7\"",
            "code": "not_found"
        }),
    );
    let r = t
        .get("/api/v1/services/11111111-2222-4333-8444-555555555555")
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn non_uuid_id_is_400() {
    let t = app().await;
    let r = t.get("/api/v1/services/uimahalli").await;
    r.assert_problem(
        400,
        json!({
            "type": "https://aurora.example/problems/invalid_parameter",
            "title": "Invalid parameter",
            "status": 400,
            "detail": "invalid value for parameter `id`: expected a UUID such as 6ccb671f-05cd-46cf-a0a4-4f98d43dfd37, got \"uimahalli\"",
            "code": "invalid_parameter",
            "errors": [{"field": "id", "reason": "expected a UUID such as 6ccb671f-05cd-46cf-a0a4-4f98d43dfd37, got \"uimahalli\""}]
        }),
    );
}

#[tokio::test]
async fn unknown_query_parameters_are_400_naming_them() {
    let t = app().await;
    let r = t.get("/api/v1/services?municipality=091&kunta=091").await;
    r.assert_problem(
        400,
        json!({
            "type": "https://aurora.example/problems/unknown_parameter",
            "title": "Unknown parameter",
            "status": 400,
            "detail": "unknown query parameter `kunta`; accepted: municipality, region, hospital_district, wellbeing_county, include_national, only_national, service_class, target_group, life_event, collection, funding_type, limit, offset, lang",
            "code": "unknown_parameter",
            "errors": [{
                "field": "kunta",
                "reason": "unknown query parameter; accepted: municipality, region, hospital_district, wellbeing_county, include_national, only_national, service_class, target_group, life_event, collection, funding_type, limit, offset, lang"
            }]
        }),
    );
}

#[tokio::test]
async fn invalid_filter_values_name_the_parameter() {
    let t = app().await;
    let problem = |field: &str, reason: &str| {
        json!({
            "type": "https://aurora.example/problems/invalid_parameter",
            "title": "Invalid parameter",
            "status": 400,
            "detail": format!("invalid value for parameter `{field}`: {reason}"),
            "code": "invalid_parameter",
            "errors": [{"field": field, "reason": reason}]
        })
    };
    let cases = [
        (
            "municipality=091,999",
            "municipality",
            "unknown municipality code \"999\" (expected a 3-digit code such as 091)",
        ),
        (
            "region=99",
            "region",
            "unknown region code \"99\" (expected a 2-digit code such as 01)",
        ),
        (
            "wellbeing_county=77",
            "wellbeing_county",
            "unknown wellbeing services county code \"77\" (expected a 2-digit code such as 90)",
        ),
        (
            "hospital_district=77",
            "hospital_district",
            "unknown hospital district code \"77\" (expected a 2-digit code such as 25)",
        ),
        (
            "service_class=P99",
            "service_class",
            "unknown service class \"P99\" (expected a ptvserclass2 notation such as P5.1)",
        ),
        (
            "target_group=KR9",
            "target_group",
            "unknown target group \"KR9\" (expected e.g. KR1 or KR1.2)",
        ),
        (
            "life_event=KE99",
            "life_event",
            "unknown life event \"KE99\" (expected e.g. KE4 or KE4.1)",
        ),
        (
            "funding_type=Public",
            "funding_type",
            "unknown funding type \"Public\"; expected PubliclyFunded or MarketFunded",
        ),
        (
            "include_national=yes",
            "include_national",
            "expected true or false, got \"yes\"",
        ),
        (
            "limit=0",
            "limit",
            "expected an integer from 1 to 500, got \"0\"",
        ),
        (
            "limit=501",
            "limit",
            "expected an integer from 1 to 500, got \"501\"",
        ),
        (
            "offset=-1",
            "offset",
            "expected an integer from 0 to 9223372036854775807, got \"-1\"",
        ),
        (
            "limit=1&limit=2",
            "limit",
            "given more than once; expected one value",
        ),
    ];
    for (query, field, reason) in cases {
        let r = t.get(&format!("/api/v1/services?{query}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(r.json(), problem(field, reason), "{query}");
    }
}
