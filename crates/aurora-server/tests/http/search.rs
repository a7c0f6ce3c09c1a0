//! `GET /api/v1/search` over the fixture catalogue plus the housing-allowance services of
//! [`fixtures::search_batch`], and the search box of `/{lang}/`.

use std::sync::Arc;

use aurora_server::{router, AppState};
use aurora_store::{CatalogStore, ImportBatch};
use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::common::{app_with, get, TestApp};
use crate::fixtures::{
    self, ASUMISTUKI_ARCHIVED, ASUMISTUKI_HELSINKI, ASUMISTUKI_TAMPERE, HISSIAVUSTUS, KUNTOSALI,
};

async fn search_app() -> TestApp {
    let t = app_with(&[fixtures::batch(), fixtures::search_batch()]).await;
    t.state.set_ready(true);
    t
}

/// The hit ids of a search, best first.
fn hit_ids(body: &Value) -> Vec<String> {
    body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect()
}

/// `(field, query_word)` of each matched term of the hit with `id`.
fn matched(body: &Value, id: &str) -> Vec<(String, String)> {
    let item = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("{id} not in {body}"));
    item["matched"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["field"].as_str().unwrap().to_string(),
                m["query_word"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn finnish_inflected_words_and_places_find_the_base_forms() {
    let t = search_app().await;
    // Partitive "asumistukea" meets "Asumistuki" and the "asumistuki" of a longer name.
    let body = t.get_json("/api/v1/search?q=asumistukea&lang=fi").await;
    let ids = hit_ids(&body);
    assert!(ids.contains(&ASUMISTUKI_TAMPERE.to_string()), "{body}");
    assert!(ids.contains(&ASUMISTUKI_HELSINKI.to_string()), "{body}");
    assert!(
        matched(&body, ASUMISTUKI_TAMPERE).contains(&("name".into(), "asumistukea".into())),
        "{body}"
    );

    // The illative place name reaches the Tampere service's area.
    let body = t
        .get_json("/api/v1/search?q=asumistuen+hakeminen+Tampereelle&lang=fi")
        .await;
    assert_eq!(hit_ids(&body)[0], ASUMISTUKI_TAMPERE, "{body}");
    assert!(
        matched(&body, ASUMISTUKI_TAMPERE).contains(&("area".into(), "tampereelle".into())),
        "{body}"
    );
}

#[tokio::test]
async fn filters_apply_and_archived_services_are_never_returned() {
    let t = search_app().await;
    let body = t
        .get_json("/api/v1/search?q=asumistuki&municipality=837&include_national=false")
        .await;
    assert_eq!(hit_ids(&body), [ASUMISTUKI_TAMPERE], "{body}");
    // Nationwide services are included by default, as in the service list.
    let body = t
        .get_json("/api/v1/search?q=asumistuki&municipality=837")
        .await;
    let ids = hit_ids(&body);
    assert_eq!(ids[0], ASUMISTUKI_TAMPERE, "{body}");
    assert!(!ids.contains(&ASUMISTUKI_HELSINKI.to_string()), "{body}");

    let body = t
        .get_json("/api/v1/search?q=asumistuki&municipality=091,837&include_national=false")
        .await;
    let mut ids = hit_ids(&body);
    ids.sort();
    assert_eq!(ids, [ASUMISTUKI_TAMPERE, ASUMISTUKI_HELSINKI], "{body}");

    // Other filters of the service list work the same way.
    let body = t
        .get_json("/api/v1/search?q=asumistuki&service_class=P27")
        .await;
    for item in body["items"].as_array().unwrap() {
        assert_eq!(item["service_classes"][0]["code"], "P27.1", "{body}");
    }
    let body = t
        .get_json("/api/v1/search?q=asumistuki&service_class=P1.4&include_national=false")
        .await;
    let mut ids = hit_ids(&body);
    ids.sort();
    assert_eq!(
        ids,
        [ASUMISTUKI_TAMPERE, ASUMISTUKI_HELSINKI, HISSIAVUSTUS],
        "{body}"
    );

    // "vanha" is only in the archived service's name.
    let body = t
        .get_json("/api/v1/search?q=asumistuki+vanha&limit=50")
        .await;
    assert!(
        !hit_ids(&body).contains(&ASUMISTUKI_ARCHIVED.to_string()),
        "{body}"
    );
    let body = t.get_json("/api/v1/search?q=vanha").await;
    assert_eq!(hit_ids(&body), Vec::<String>::new(), "{body}");
}

#[tokio::test]
async fn an_english_query_finds_a_finnish_only_service_through_its_class_label() {
    let t = search_app().await;
    let body = t
        .get_json(
            "/api/v1/search?q=housing+benefits&lang=en&municipality=837&include_national=false",
        )
        .await;
    assert_eq!(hit_ids(&body), [ASUMISTUKI_TAMPERE], "{body}");
    let item = &body["items"][0];
    // The service has Finnish text only: the response language falls back.
    assert_eq!(item["name"], json!({"value": "Asumistuki", "lang": "fi"}));
    assert_eq!(
        item["service_classes"][0]["label"]["value"], "Housing benefits",
        "{item}"
    );
    let m = matched(&body, ASUMISTUKI_TAMPERE);
    assert!(
        m.contains(&("service_class".into(), "housing".into())),
        "{m:?}"
    );
    assert!(
        m.contains(&("service_class".into(), "benefits".into())),
        "{m:?}"
    );

    // Without a municipality, every service of the class (the Vaasa lift grant too).
    let body = t
        .get_json("/api/v1/search?q=housing+benefits&lang=en")
        .await;
    let ids = hit_ids(&body);
    for id in [ASUMISTUKI_TAMPERE, ASUMISTUKI_HELSINKI, HISSIAVUSTUS] {
        assert!(ids.contains(&id.to_string()), "{id}: {body}");
    }
    assert!(body["total_matches"].as_u64().unwrap() >= 3, "{body}");
}

#[tokio::test]
async fn the_answer_says_it_is_lexical_only_without_vectors() {
    let t = search_app().await;
    let r = crate::common::get_with(
        &t.app,
        "/api/v1/search?q=asumistuki&limit=1",
        "accept-language",
        "sv-FI",
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.header("content-language"), "sv");
    let body = r.json();
    assert_eq!(body["mode"], "lexical_only");
    assert_eq!(body["mode_reason"], "no_vectors_stored");
    assert_eq!(body["limit"], 1);
    assert_eq!(body["offset"], 0);
    assert!(body["total_matches"].as_u64().unwrap() >= 2, "{body}");
    let items = body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    let hit = &items[0];
    assert_eq!(hit["vector_score"], Value::Null);
    assert!(hit["score"].as_f64().unwrap() > 0.0, "{hit}");
    assert_eq!(hit["score"], hit["lexical_score"], "{hit}");
    // A service list row: the same fields as GET /api/v1/services.
    for key in [
        "id",
        "name",
        "names",
        "kind",
        "area_type",
        "municipalities",
        "origin",
    ] {
        assert!(hit.get(key).is_some(), "{key}: {hit}");
    }
    assert!(hit["matched"][0].get("term").is_some(), "{hit}");

    // offset skips the best hits.
    let both = t.get_json("/api/v1/search?q=asumistuki&limit=2").await;
    let second = t
        .get_json("/api/v1/search?q=asumistuki&limit=1&offset=1")
        .await;
    assert_eq!(hit_ids(&second), [hit_ids(&both)[1].clone()]);
    assert_eq!(second["offset"], 1);
}

fn invalid(field: &str, reason: &str) -> Value {
    json!({
        "type": "https://aurora.example/problems/invalid_parameter",
        "title": "Invalid parameter",
        "status": 400,
        "detail": format!("invalid value for parameter `{field}`: {reason}"),
        "code": "invalid_parameter",
        "errors": [{"field": field, "reason": reason}]
    })
}

#[tokio::test]
async fn bad_input_is_a_problem_naming_the_parameter() {
    let t = search_app().await;
    t.get("/api/v1/search").await.assert_problem(
        400,
        invalid(
            "q",
            "required: the text to search for (1 to 1024 characters)",
        ),
    );
    t.get("/api/v1/search?q=+++&lang=fi").await.assert_problem(
        400,
        invalid("q", "must not be empty; expected 1 to 1024 characters"),
    );
    let long = "ä".repeat(1025);
    t.get(&format!("/api/v1/search?q={long}"))
        .await
        .assert_problem(400, invalid("q", "too long: 1025 characters; at most 1024"));
    // 1024 characters are fine.
    let longest = "ä".repeat(1024);
    assert_eq!(
        t.get(&format!("/api/v1/search?q={longest}")).await.status,
        StatusCode::OK
    );
    t.get("/api/v1/search?q=a&q=b").await.assert_problem(
        400,
        invalid("q", "given more than once; expected one value"),
    );
    for limit in ["0", "51", "ten"] {
        t.get(&format!("/api/v1/search?q=asumistuki&limit={limit}"))
            .await
            .assert_problem(
                400,
                invalid(
                    "limit",
                    &format!("expected an integer from 1 to 50, got \"{limit}\""),
                ),
            );
    }
    t.get("/api/v1/search?q=asumistuki&offset=1001")
        .await
        .assert_problem(
            400,
            invalid("offset", "expected an integer from 0 to 1000, got \"1001\""),
        );
    let accepted = "accepted: q, municipality, region, hospital_district, wellbeing_county, include_national, only_national, service_class, target_group, life_event, collection, funding_type, limit, offset, lang";
    t.get("/api/v1/search?q=asumistuki&text=x")
        .await
        .assert_problem(
            400,
            json!({
                "type": "https://aurora.example/problems/unknown_parameter",
                "title": "Unknown parameter",
                "status": 400,
                "detail": format!("unknown query parameter `text`; {accepted}"),
                "code": "unknown_parameter",
                "errors": [{"field": "text", "reason": format!("unknown query parameter; {accepted}")}]
            }),
        );
    // The filters are validated as in the service list.
    let r = t.get("/api/v1/search?q=asumistuki&municipality=999").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
    assert_eq!(r.json()["errors"][0]["field"], "municipality");
    let r = t.get("/api/v1/search?q=asumistuki&lang=de").await;
    assert_eq!(r.json()["errors"][0]["field"], "lang");
}

#[tokio::test]
async fn not_ready_until_the_index_is_built_and_a_rebuild_sees_new_services() {
    let t = search_app().await;
    // A state over the same store whose index has not been built yet.
    let state = AppState::new(t.store.clone() as Arc<dyn CatalogStore>);
    state.set_ready(true);
    let app = router(state.clone());
    let r = get(&app, "/readyz").await;
    r.assert_problem(
        503,
        json!({
            "type": "https://aurora.example/problems/unavailable",
            "title": "Service unavailable",
            "status": 503,
            "detail": "not ready: the search index is still being built",
            "code": "unavailable"
        }),
    );
    get(&app, "/api/v1/search?q=asumistuki")
        .await
        .assert_problem(
            503,
            json!({
                "type": "https://aurora.example/problems/unavailable",
                "title": "Service unavailable",
                "status": 503,
                "detail": "the search index is still being built",
                "code": "unavailable"
            }),
        );
    assert_eq!(state.rebuild_search_index().await.unwrap(), 9);
    assert_eq!(get(&app, "/readyz").await.status, StatusCode::OK);

    // A service added to the store is found after the next rebuild.
    let mut new = fixtures::service(
        "00000000-0000-4000-8000-000000000104",
        aurora_model::Localized::one(aurora_model::Lang::Fi, "Vuokravakuus"),
        aurora_model::Localized::default(),
        aurora_model::AreaType::Nationwide,
        Vec::new(),
    );
    new.origin = aurora_model::Origin::Synthetic;
    t.store
        .apply_batch(&ImportBatch {
            services: vec![new],
            ..ImportBatch::default()
        })
        .await
        .unwrap();
    let ids = |body: Value| hit_ids(&body);
    let before = get(&app, "/api/v1/search?q=vuokravakuus").await.json();
    assert_eq!(ids(before), Vec::<String>::new());
    assert_eq!(state.rebuild_search_index().await.unwrap(), 10);
    let after = get(&app, "/api/v1/search?q=vuokravakuus").await.json();
    assert_eq!(ids(after), ["00000000-0000-4000-8000-000000000104"]);
}

#[tokio::test]
async fn the_web_page_searches_and_shows_the_matched_words() {
    let t = search_app().await;
    // Nationwide services are always shown, as in the list; the Helsinki one is not.
    let r = t.get("/fi/?q=asumistukea&municipality=837").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let html = r.text();
    assert!(
        html.contains(r#"<form role="search" method="get" action="/fi/""#),
        "{html}"
    );
    assert!(
        html.contains(r#"<label for="q">Hae palveluita</label>"#),
        "{html}"
    );
    assert!(html.contains(r#"name="q" value="asumistukea""#), "{html}");
    assert!(html.contains("3 palvelua löytyi"), "{html}");
    assert!(
        html.contains(&format!("/fi/services/{ASUMISTUKI_TAMPERE}")),
        "{html}"
    );
    assert!(!html.contains(ASUMISTUKI_HELSINKI), "{html}");
    assert!(html.contains("Osumat: asumistukea"), "{html}");
    // The municipality filter keeps the search, and the search keeps the municipality.
    assert!(
        html.contains(r#"<input type="hidden" name="q" value="asumistukea">"#),
        "{html}"
    );
    assert!(
        html.contains(r#"<input type="hidden" name="municipality" value="837">"#),
        "{html}"
    );
    assert!(
        html.contains("/api/v1/search?q=asumistukea&#38;municipality=837&#38;lang=fi"),
        "{html}"
    );

    let html = t.get("/sv/?q=hissunderst%C3%B6d").await.text();
    assert!(
        html.contains(r#"<label for="q">Sök tjänster</label>"#),
        "{html}"
    );
    assert!(html.contains(">Sök</button>"), "{html}");
    assert!(html.contains("Hissunderstöd"), "{html}");
    assert!(html.contains("Träffar: hissunderstöd"), "{html}");
    assert!(html.contains("1 tjänst hittades"), "{html}");

    let html = t.get("/en/?q=housing+benefits").await.text();
    assert!(html.contains("Matched: housing, benefits"), "{html}");
    assert!(html.contains("4 services found"), "{html}");

    // Service text and the search text stay escaped.
    let html = t.get("/en/?q=gym+%3Cscript%3E").await.text();
    assert!(
        html.contains(&format!("/en/services/{KUNTOSALI}")),
        "{html}"
    );
    assert!(!html.contains("<script>"), "{html}");
    assert!(
        html.contains(r#"value="gym &#60;script&#62;""#)
            || html.contains(r#"value="gym &lt;script&gt;""#),
        "{html}"
    );

    // No search text: the plain list.
    let html = t.get("/en/?q=").await.text();
    assert!(html.contains("9 services"), "{html}");
    assert!(!html.contains("Matched:"), "{html}");

    // A too long text is reported at the field.
    let r = t.get(&format!("/en/?q={}", "a".repeat(1025))).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let html = r.text();
    assert!(html.contains(r#"id="q-error""#), "{html}");
    assert!(html.contains("at most 1024 characters"), "{html}");
    assert!(html.contains(r#"aria-invalid="true""#), "{html}");
}
