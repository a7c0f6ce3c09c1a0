use axum::http::StatusCode;
use serde_json::json;

use crate::common::app;

#[tokio::test]
async fn code_lists_are_complete() {
    let t = app().await;
    for (list, n) in [
        ("municipalities", 309),
        ("regions", 19),
        ("hospital-districts", 21),
        ("wellbeing-counties", 23),
        ("service-classes", 228),
        ("target-groups", 17),
        ("life-events", 19),
    ] {
        let body = t.get_json(&format!("/api/v1/codes/{list}")).await;
        assert_eq!(body["total"], n, "{list}");
        assert_eq!(body["items"].as_array().unwrap().len(), n, "{list}");
    }
}

#[tokio::test]
async fn municipality_lookup_by_code_or_any_name() {
    let t = app().await;
    let expected = json!({
        "code": "091",
        "name": {"value": "Helsingfors", "lang": "sv"},
        "names": {"fi": "Helsinki", "sv": "Helsingfors", "en": "Helsinki"},
        "region": {"code": "01", "label": {"value": "Nyland", "lang": "sv"}},
        "hospital_district": {"code": "25", "label": {"value": "Helsingfors och Nylands SVD", "lang": "sv"}},
        "wellbeing_county": {"code": "90", "label": {"value": "Helsingfors stad", "lang": "sv"}}
    });
    let by_name = t
        .get_json("/api/v1/codes/municipalities/Helsingfors?lang=sv")
        .await;
    assert_eq!(by_name, expected);
    let by_code = t.get_json("/api/v1/codes/municipalities/091?lang=sv").await;
    assert_eq!(by_code, by_name);
    let lower = t.get_json("/api/v1/codes/municipalities/helsingfors").await;
    assert_eq!(lower["code"], "091");
    let mariehamn = t
        .get_json("/api/v1/codes/municipalities/Maarianhamina")
        .await;
    assert_eq!(mariehamn["code"], "478");
}

#[tokio::test]
async fn lookups_in_other_lists_and_404() {
    let t = app().await;
    let uusimaa = t.get_json("/api/v1/codes/regions/Nyland?lang=en").await;
    assert_eq!(uusimaa["code"], "01");
    assert!(uusimaa["municipalities"]
        .as_array()
        .unwrap()
        .contains(&json!("091")));
    let class = t
        .get_json("/api/v1/codes/service-classes/p1.4?lang=sv")
        .await;
    assert_eq!(class["code"], "P1.4");
    assert_eq!(class["parent"], "P1");
    assert_eq!(
        class["label"],
        json!({"value": "Stöd för boende", "lang": "sv"})
    );
    let group = t.get_json("/api/v1/codes/target-groups/KR1.2").await;
    assert_eq!(group["labels"]["fi"], "Lapset ja lapsiperheet");
    let event = t.get_json("/api/v1/codes/life-events/KE4.1").await;
    assert_eq!(event["parent"], "KE4");
    let county = t.get_json("/api/v1/codes/wellbeing-counties/90").await;
    assert_eq!(county["municipalities"], json!(["091"]));

    let r = t.get("/api/v1/codes/municipalities/Atlantis").await;
    r.assert_problem(
        404,
        json!({
            "type": "https://aurora.example/problems/not_found",
            "title": "Not found",
            "status": 404,
            "detail": "no municipality with code or name \"Atlantis\"",
            "code": "not_found"
        }),
    );
    assert_eq!(
        t.get("/api/v1/codes/hospital-districts/99").await.status,
        StatusCode::NOT_FOUND
    );
}
