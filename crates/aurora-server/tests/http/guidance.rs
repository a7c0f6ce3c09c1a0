//! `POST /api/v1/guidance` over the fixture catalogue (see `fixtures.rs`): Vaasa's housing
//! (P1.4) and school (P6.2, KE3) services, a national P1.5 service, and services in other
//! classes and municipalities that must not appear.

use axum::http::header;
use serde_json::{json, Value};

use crate::common::{app, nlu_app};
use crate::fixtures::{HISSIAVUSTUS, KUNTOSALI, PERUSOPETUS, UIMAHALLI, VAESTOTIEDOT};

const URI: &str = "/api/v1/guidance";

fn ids(out: &Value) -> Vec<&str> {
    out["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect()
}

fn item<'a>(out: &'a Value, id: &str) -> &'a Value {
    out["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id)
        .unwrap_or_else(|| panic!("{id} not in {out}"))
}

fn reasons(item: &Value) -> Vec<&str> {
    item["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn text_guidance_finds_local_and_national_services_with_reasons() {
    let t = nlu_app().await;
    let r = t
        .post(URI, json!({"text": "Muutan Vaasaan opiskelemaan"}))
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text());
    assert_eq!(r.header(header::CONTENT_LANGUAGE), "fi");
    let out = r.json();
    assert_eq!(
        out["municipality"],
        json!({"code": "905", "label": {"value": "Vaasa", "lang": "fi"}})
    );
    assert_eq!(out["understanding"]["language"]["code"], "fi");
    let mut found = ids(&out);
    found.sort();
    let mut expected = vec![HISSIAVUSTUS, PERUSOPETUS, VAESTOTIEDOT];
    expected.sort();
    assert_eq!(found, expected, "{out}");
    assert!(!found.contains(&UIMAHALLI) && !found.contains(&KUNTOSALI));
    let scores: Vec<f64> = out["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["score"].as_f64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");

    // Items are service list rows plus score and reasons.
    let school = item(&out, PERUSOPETUS);
    assert_eq!(school["name"]["value"], "Perusopetus");
    assert_eq!(school["area_type"], "LimitedType");
    assert_eq!(school["municipalities"], json!(["905"]));
    assert_eq!(school["service_classes"][0]["code"], "P6.2");
    let school_reasons = reasons(school);
    // The words that matched come first; the place name is not one of them (it chose the
    // municipality, it does not make a service relevant).
    assert_eq!(school_reasons[0], "Vastaa sanojasi: opiskelemaan");
    assert!(
        school_reasons[1].starts_with(
            "Tunnistettu elämäntapahtuma ”Kokoaikaisen opiskelun aloittaminen” (varmuus "
        ),
        "{school_reasons:?}"
    );
    assert_eq!(school["rank"], 1);
    assert_eq!(school["explanation"][0]["kind"], "words");
    assert_eq!(school["components"]["needs"], Value::Null);
    assert_eq!(out["text_mode"], "lexical_only");
    assert!(school_reasons.iter().any(|r| r.starts_with(
        "Samassa pääluokassa ”Koulutus” kuin tunnistettu palveluluokka ”Opintojen tukeminen”"
    )));
    assert_eq!(school_reasons.last(), Some(&"Saatavilla kunnassa Vaasa"));

    let national = item(&out, VAESTOTIEDOT);
    let national_reasons = reasons(national);
    assert!(national_reasons[0]
        .starts_with("Tunnistettu palveluluokka ”Muuttaminen Suomen sisällä ja väestötiedot”"));
    assert_eq!(
        national_reasons.last(),
        Some(&"Saatavilla koko Suomessa Ahvenanmaata lukuun ottamatta")
    );
    // A parent-only match (P1.4 for the recognised P1.5) scores below the exact one.
    let housing = item(&out, HISSIAVUSTUS);
    assert!(housing["score"].as_f64() < national["score"].as_f64());
}

#[tokio::test]
async fn other_municipalities_services_are_left_out_and_lang_sets_the_reasons_language() {
    let t = nlu_app().await;
    let r = t
        .post(
            URI,
            json!({"text": "Muutan Tampereelle opiskelemaan", "lang": "sv", "limit": 5}),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text());
    assert_eq!(r.header(header::CONTENT_LANGUAGE), "sv");
    let out = r.json();
    assert_eq!(out["municipality"]["code"], "837");
    assert_eq!(out["municipality"]["label"]["value"], "Tammerfors");
    assert_eq!(
        ids(&out),
        [VAESTOTIEDOT],
        "Vaasa's services are not in Tampere"
    );
    let national = item(&out, VAESTOTIEDOT);
    assert_eq!(
        reasons(national).last(),
        Some(&"Tillgänglig i hela Finland utom på Åland")
    );
    assert!(reasons(national)[0].starts_with("Igenkänd serviceklass ”Flyttning inom Finland"));

    let out = t
        .post_ok(
            URI,
            json!({"text": "Muutan Vaasaan opiskelemaan", "limit": 1}),
        )
        .await;
    assert_eq!(out["services"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_stated_age_adds_its_age_group() {
    let t = nlu_app().await;
    let out = t
        .post_ok(
            URI,
            json!({"text": "Olen 16-vuotias ja muutan Vaasaan opiskelemaan", "lang": "en"}),
        )
        .await;
    assert_eq!(out["understanding"]["entities"]["ages"][0]["value"], 16);
    let school = reasons(item(&out, PERUSOPETUS));
    assert!(
        school.contains(&"Target group “Children and families with children” from your age (16)"),
        "{school:?}"
    );
}

#[tokio::test]
async fn urgent_danger_is_in_the_understanding() {
    let t = nlu_app().await;
    let out = t.post_ok(URI, json!({"text": "En halua enää elää"})).await;
    assert_eq!(out["understanding"]["urgent"]["kind"], "self_harm");
    assert_eq!(
        out["understanding"]["urgent"]["numbers"][0]["number"],
        "112"
    );
}

#[tokio::test]
async fn bad_requests_are_problems_naming_the_field() {
    let t = app().await;
    for (body, code, title, field, reason) in [
        (
            json!({"text": "Muutan Vaasaan", "limit": 0}),
            "invalid_field",
            "Invalid field",
            "limit",
            "expected an integer from 1 to 50, got 0",
        ),
        (
            json!({"text": "Muutan Vaasaan", "limit": 51}),
            "invalid_field",
            "Invalid field",
            "limit",
            "expected an integer from 1 to 50, got 51",
        ),
        (
            json!({"text": "Muutan Vaasaan", "city": "905"}),
            "unknown_field",
            "Unknown field",
            "city",
            "unknown field; accepted: text, lang, limit, meters, life_events, age, municipality, target_groups",
        ),
        (
            json!({"text": "Muutan Vaasaan", "municipality": "9999"}),
            "invalid_field",
            "Invalid field",
            "municipality",
            "expected a municipality code such as \"837\" (Tampere), got \"9999\"",
        ),
        (
            json!({"meters": {"housing": 11}}),
            "invalid_field",
            "Invalid field",
            "meters.housing",
            "expected an integer from 0 (bad) to 10 (all is well), got 11",
        ),
        (
            json!({"meters": {"wealth": 3}}),
            "invalid_field",
            "Invalid field",
            "meters.wealth",
            "unknown 3X10D dimension; expected one of working_studying, family, friends, health, improvement_of_strengths, housing, finance, self_esteem, resilience, life_satisfaction",
        ),
        (
            json!({"life_events": ["KE99"]}),
            "invalid_field",
            "Invalid field",
            "life_events[0]",
            "expected a PTV life-event code such as \"KE4.1\", got \"KE99\"",
        ),
        (
            json!({"text": "Muutan", "age": 121}),
            "invalid_field",
            "Invalid field",
            "age",
            "expected an integer from 0 to 120, got 121",
        ),
        (
            json!({"age": 30}),
            "invalid_field",
            "Invalid field",
            "text",
            "describe the situation: give at least one of `text`, `meters` or `life_events`",
        ),
    ] {
        let detail = if code == "unknown_field" {
            "unknown field `city` in the request body; accepted: text, lang, limit, meters, life_events, age, municipality, target_groups"
                .to_string()
        } else {
            format!("invalid value for field `{field}`: {reason}")
        };
        t.post(URI, body).await.assert_problem(
            400,
            json!({
                "type": format!("https://aurora.example/problems/{code}"),
                "title": title,
                "status": 400,
                "detail": detail,
                "code": code,
                "errors": [{"field": field, "reason": reason}]
            }),
        );
    }
    let t = nlu_app().await;
    let r = t.post(URI, json!({"text": " "})).await;
    assert_eq!(r.status.as_u16(), 400);
    assert_eq!(r.json()["code"], "empty_text");
    assert_eq!(r.json()["errors"][0]["field"], "text");
}
