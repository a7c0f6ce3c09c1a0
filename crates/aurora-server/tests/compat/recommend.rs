//! `test_api_recommendations.py` 1–20 and the API cases of `test_reranker_api.py`.

use std::collections::BTreeSet;

use aurora_store::{RecommendationStore, TransferAttribute};
use axum::http::{header, Method};
use serde_json::{json, Value};

use crate::fixture::*;
use crate::harness::*;

fn ids(v: &Value) -> Vec<String> {
    v["recommended_services"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|s| s["service_id"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn id_set(v: &Value) -> BTreeSet<String> {
    ids(v).into_iter().collect()
}

fn set(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn names(v: &Value) -> BTreeSet<String> {
    v["recommended_services"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|s| s["service_name"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn rounded(v: &Value) -> Vec<(String, f64)> {
    v["recommended_services"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|s| {
                    let score = s["similarity_score"].as_f64().unwrap_or(f64::NAN);
                    (
                        s["service_id"].as_str().unwrap_or("").to_string(),
                        (score * 1e4).round() / 1e4,
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The stored recommendation matches the request (`assert_db_store`).
async fn assert_stored(env: &Env, response: &Value, services: &[&str], body: &Value, path: &str) {
    let id = response["auroraai_recommendation_id"]
        .as_i64()
        .expect("integer recommendation id");
    let stored = env
        .store
        .recommendation(id)
        .await
        .expect("read")
        .expect("stored");
    assert_eq!(stored.session_id.as_deref(), body["session_id"].as_str());
    assert_eq!(stored.calling_organisation, "test_organisation");
    assert_eq!(stored.calling_service, "test_service");
    assert_eq!(stored.client_id, env.client_id);
    assert_eq!(stored.request_path, path);
    assert_eq!(&stored.request_attributes, body);
    let got: BTreeSet<String> = stored
        .services
        .iter()
        .map(|s| s.service_id.clone())
        .collect();
    assert_eq!(got, set(services));
}

/// Case 1: `GET recommend_service` → 405.
pub async fn get_is_405(backend: Backend) {
    let env = env_or_skip!(backend);
    let r = env.request(Method::GET, URL, true).await;
    r.status(405);
    assert_eq!(r.header(header::ALLOW), "POST");
    let r = env.request(Method::POST, REDIRECT_URL, true).await;
    r.status(405);
    assert_eq!(r.header(header::ALLOW), "GET, HEAD");
    env.request(Method::DELETE, ATTRIBUTE_URL, true)
        .await
        .status(405);
}

/// Case 2: No `Authorization` → 401; `Authorization: invalid` → 401 (and a wrong secret, an
/// unknown client).
pub async fn missing_or_invalid_authorization_is_401(backend: Backend) {
    let env = env_or_skip!(backend);
    let body = serde_json::to_vec(&correct_input()).expect("json");
    let wrong_secret = format!(
        "Basic {}",
        base64(format!("{}:{}", env.client_id, "0".repeat(64)).as_bytes())
    );
    let unknown = format!("Basic {}", base64(b"abcd:abcd"));
    for auth in [
        None,
        Some("invalid"),
        Some(wrong_secret.as_str()),
        Some(unknown.as_str()),
    ] {
        let r = env.post_raw(URL, auth, body.clone()).await;
        r.status(401);
        assert_eq!(r.text(), "Unauthorized");
        assert_eq!(
            r.header(header::WWW_AUTHENTICATE),
            "Authorization realm=\"Service recommender API\""
        );
    }
}

/// Case 3: Invalid top-level values → 400.
pub async fn invalid_top_level_values_are_400(backend: Backend) {
    let env = env_or_skip!(backend);
    let cases: Vec<(&str, Vec<Value>)> = vec![
        (
            "service_filters",
            vec![
                json!("foo"),
                json!(1),
                json!(null),
                json!([]),
                json!({"foobar": ["091"]}),
                json!({"service_collections": ["foobarmock"]}),
            ],
        ),
        (
            "age",
            vec![
                json!("abc"),
                json!(-1),
                json!(0),
                json!(1000),
                json!("20"),
                json!(null),
            ],
        ),
        (
            "limit",
            vec![json!("foo"), json!(-1), json!(0), json!("1"), json!(null)],
        ),
        ("session_id", vec![json!(0), json!(null)]),
        ("life_situation_meters", vec![json!({}), json!(null)]),
    ];
    for (key, values) in cases {
        let mut body = correct_input();
        for v in values {
            body[key] = v.clone();
            let r = env.post(URL, &body).await;
            assert_eq!(r.status.as_u16(), 400, "{key}: {v} → {}", r.text());
            assert!(
                r.text().starts_with("Validation error in request data: {"),
                "{}",
                r.text()
            );
        }
    }
}

/// Case 4: Every meter set to any invalid value → 400.
pub async fn invalid_meter_values_are_400(backend: Backend) {
    let env = env_or_skip!(backend);
    let invalid = [
        json!([null]),
        json!([-1]),
        json!([11]),
        json!(["5"]),
        json!(["foobar"]),
        json!([1.5]),
        json!(5),
        json!(null),
    ];
    for d in aurora_model::Dimension::ALL {
        let mut body = correct_input();
        for v in &invalid {
            body["life_situation_meters"][d.key()] = v.clone();
            let r = env.post(URL, &body).await;
            assert_eq!(r.status.as_u16(), 400, "{}: {v}", d.key());
        }
    }
}

/// Case 5: Invalid filters → 400.
pub async fn invalid_filters_are_400(backend: Backend) {
    let env = env_or_skip!(backend);
    let invalid_codes = vec![
        json!(["XYZ"]),
        json!([-1]),
        json!([91]),
        json!([]),
        json!(["091", 1]),
        json!(null),
    ];
    let cases: Vec<(&str, Vec<Value>)> = vec![
        (
            "service_classes",
            vec![
                json!([]),
                json!(null),
                json!(["foobar"]),
                json!([null]),
                json!([123, 456]),
            ],
        ),
        ("municipality_codes", invalid_codes.clone()),
        ("region_codes", invalid_codes.clone()),
        ("hospital_district_codes", invalid_codes),
        (
            "include_national_services",
            vec![
                json!("true"),
                json!(0),
                json!(1),
                json!(0.0),
                json!(null),
                json!([]),
            ],
        ),
    ];
    for (key, values) in cases {
        let mut body = correct_input();
        for v in values {
            body["service_filters"][key] = v.clone();
            let r = env.post(URL, &body).await;
            assert_eq!(r.status.as_u16(), 400, "{key}: {v}");
        }
    }
}

/// Case 6: Municipality 091: the three Helsinki services; the first one's channels without the
/// untyped and the archived one; the recommendation stored; feedback accepted and stored.
pub async fn municipal_recommendation_is_stored_and_takes_feedback(backend: Backend) {
    let env = env_or_skip!(backend);
    let mut body = correct_input();
    body["service_filters"]["municipality_codes"] = json!(["091"]);
    let v = env.post_ok(URL, &body).await;
    assert_eq!(id_set(&v), set(&[TAIDE, HARRASTUS, LUOKKA53]));
    assert_eq!(
        names(&v),
        set(&[
            "Taideopetus kulttuurikeskuksissa",
            "Harrastustoiminta",
            "Palvelu luokassa 5.3"
        ])
    );
    let channels: BTreeSet<String> = v["recommended_services"][0]["service_channels"]
        .as_array()
        .expect("channels")
        .iter()
        .map(|c| c["service_channel_id"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(channels, set(&[CH_ECHANNEL, CH_PHONE, CH_FORM]));
    assert_stored(&env, &v, &[TAIDE, HARRASTUS, LUOKKA53], &body, URL).await;

    let id = v["auroraai_recommendation_id"].as_i64().expect("id");
    let r = env.post(FEEDBACK_URL, &feedback(id)).await;
    r.status(200);
    assert_eq!(r.text(), "OK");
    let stored = env
        .store
        .recommendation(id)
        .await
        .expect("read")
        .expect("stored");
    assert_eq!(stored.feedback_score, Some(-1));
    let scores: BTreeSet<(String, i64)> = stored
        .services
        .iter()
        .filter_map(|s| s.feedback_score.map(|f| (s.service_id.clone(), f)))
        .collect();
    assert_eq!(
        scores,
        [(HARRASTUS.to_string(), -1), (TAIDE.to_string(), 1)]
            .into_iter()
            .collect()
    );
}

/// Case 7: National services included, no municipality, limit 5: the top five of seven.
pub async fn nationwide_top_five(backend: Backend) {
    let env = env_or_skip!(backend);
    let mut body = correct_input();
    body["service_filters"]["include_national_services"] = json!(true);
    let v = env.post_ok(URL, &body).await;
    let want = [LUOKKA53, LUOKAT51, TAIDE, TYONHAKU, KANSALLINEN];
    assert_eq!(id_set(&v), set(&want));
    assert_eq!(
        names(&v),
        set(&[
            "Palvelu luokassa 5.3",
            "Palvelu luokissa 5.1 ja 10.2",
            "Taideopetus kulttuurikeskuksissa",
            "Työnhakuvalmennus",
            "Kansallinen palvelu luokissa 4.1 ja 10.2"
        ])
    );
    assert_stored(&env, &v, &want, &body, URL).await;
}

/// Case 8: Service classes P5.1 and P5.3, national excluded.
pub async fn service_class_filter(backend: Backend) {
    let env = env_or_skip!(backend);
    let mut body = correct_input();
    body["service_filters"]["service_classes"] = json!([
        "http://uri.suomi.fi/codelist/ptv/ptvserclass2/code/P5.1",
        "http://uri.suomi.fi/codelist/ptv/ptvserclass2/code/P5.3"
    ]);
    let v = env.post_ok(URL, &body).await;
    assert_eq!(id_set(&v), set(&[LUOKKA53, LUOKAT51]));
    assert_stored(&env, &v, &[LUOKKA53, LUOKAT51], &body, URL).await;
}

/// Case 9: Municipality 638 plus national services.
pub async fn municipality_with_national_services(backend: Backend) {
    let env = env_or_skip!(backend);
    let mut body = correct_input();
    body["service_filters"]["municipality_codes"] = json!(["638"]);
    body["service_filters"]["include_national_services"] = json!(true);
    let v = env.post_ok(URL, &body).await;
    let want = [OSALLISTU, TYONHAKU, KANSALLINEN, LUOKAT51];
    assert_eq!(id_set(&v), set(&want));
    assert_stored(&env, &v, &want, &body, URL).await;
}

/// Case 10: Classes P5 (a main class: its sub-classes match) and P4.1, 091, national included.
pub async fn complex_filter_needs_parent_classes(backend: Backend) {
    let env = env_or_skip!(backend);
    let mut body = correct_input();
    body["service_filters"] = json!({
        "service_classes": [
            "http://uri.suomi.fi/codelist/ptv/ptvserclass2/code/P5",
            "http://uri.suomi.fi/codelist/ptv/ptvserclass2/code/P4.1"
        ],
        "municipality_codes": ["091"],
        "include_national_services": true
    });
    let v = env.post_ok(URL, &body).await;
    assert_eq!(id_set(&v), set(&[LUOKKA53, KANSALLINEN]));
    assert_stored(&env, &v, &[LUOKKA53, KANSALLINEN], &body, URL).await;
}

/// Case 11: Session-transfer support: the e-service is a registered receiver (the reference
/// mocked profile-management's answer `{f283c2dc: true}`); only it is flagged.
pub async fn session_transfer_support_is_flagged_on_echannels(backend: Backend) {
    let env = env_or_skip!(backend);
    for ch in [CH_ECHANNEL, CH_PHONE] {
        env.store
            .set_session_receiver(ch, &[TransferAttribute::Age])
            .await
            .expect("receiver");
    }
    let mut body = correct_input();
    body["service_filters"]["municipality_codes"] = json!(["091"]);
    let v = env.post_ok(URL, &body).await;
    assert_eq!(ids(&v).len(), 3);
    let channels = v["recommended_services"][0]["service_channels"]
        .as_array()
        .expect("channels");
    let got: Vec<(&str, &str, bool)> = channels
        .iter()
        .map(|c| {
            (
                c["service_channel_id"].as_str().unwrap_or(""),
                c["service_channel_type"].as_str().unwrap_or(""),
                c["session_transfer"].as_bool().unwrap_or(true),
            )
        })
        .collect();
    // The phone channel is registered too, but only e-services carry session transfer.
    assert_eq!(
        got,
        [
            (CH_ECHANNEL, "EChannel", true),
            (CH_PHONE, "Phone", false),
            (CH_FORM, "PrintableForm", false)
        ]
    );
}

/// Case 12: `limit`.
pub async fn limits(backend: Backend) {
    let env = env_or_skip!(backend);
    let mut body = correct_input();
    body["limit"] = json!(1);
    body["service_filters"]["municipality_codes"] = json!(["091"]);
    let v = env.post_ok(URL, &body).await;
    assert_eq!(ids(&v), [TAIDE]);
    assert_eq!(names(&v), set(&["Taideopetus kulttuurikeskuksissa"]));
    assert_stored(&env, &v, &[TAIDE], &body, URL).await;

    let mut body = correct_input();
    for (limit, status) in [(0, 400), (1000, 400), (10, 200)] {
        body["limit"] = json!(limit);
        env.post(URL, &body).await.status(status);
    }
    body["limit"] = json!(3);
    assert_eq!(ids(&env.post_ok(URL, &body).await).len(), 3);
}

/// Case 13: `{}` → 400; any single meter left out → 200.
pub async fn missing_input(backend: Backend) {
    let env = env_or_skip!(backend);
    env.post(URL, &json!({})).await.status(400);
    for d in aurora_model::Dimension::ALL {
        let mut body = correct_input();
        body["life_situation_meters"]
            .as_object_mut()
            .expect("meters")
            .remove(d.key());
        env.post(URL, &body).await.status(200);
    }
}

/// Case 14: Aura (019) has no services: 200 with an empty list, and the recommendation is stored.
pub async fn no_services_in_municipality_is_an_empty_stored_recommendation(backend: Backend) {
    let env = env_or_skip!(backend);
    let mut body = correct_input();
    body["service_filters"]["municipality_codes"] = json!(["019"]);
    let v = env.post_ok(URL, &body).await;
    assert_eq!(v["recommended_services"], json!([]));
    assert_stored(&env, &v, &[], &body, URL).await;
}

fn link_pattern_ok(link: &str, service: &str, channel: &str, session: Option<&str>) -> bool {
    let Some(query) = link.strip_prefix(&format!("{HOST}{REDIRECT_URL}?")) else {
        return false;
    };
    let parts: Vec<&str> = query.split('&').collect();
    let num = |p: &str, key: &str| {
        p.strip_prefix(key)
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    };
    let want = if session.is_some() { 5 } else { 4 };
    parts.len() == want
        && parts[0] == format!("service_id={service}")
        && parts[1] == format!("service_channel_id={channel}")
        && num(parts[2], "link_id=")
        && num(parts[3], "recommendation_id=")
        && session.is_none_or(|s| parts[4] == format!("session_id={s}"))
}

/// Case 15: The e-service's link carries `session_id` when one was given, and not otherwise.
pub async fn session_id_goes_into_echannel_links_only_when_given(backend: Backend) {
    let env = env_or_skip!(backend);
    for (body, session) in [
        (correct_input(), Some("test_session")),
        (correct_input_without_session(), None),
    ] {
        let mut body = body;
        body["service_filters"]["municipality_codes"] = json!(["091"]);
        let v = env.post_ok(URL, &body).await;
        let taide = v["recommended_services"]
            .as_array()
            .and_then(|a| a.iter().find(|s| s["service_id"] == TAIDE))
            .expect("Taideopetus");
        let channels = taide["service_channels"].as_array().expect("channels");
        let echannel = channels
            .iter()
            .find(|c| c["service_channel_id"] == CH_ECHANNEL)
            .expect("e-service");
        let link = echannel["web_pages"][0].as_str().expect("link");
        assert!(link_pattern_ok(link, TAIDE, CH_ECHANNEL, session), "{link}");
        // Other channel types never carry the session id.
        let form = channels
            .iter()
            .find(|c| c["service_channel_id"] == CH_FORM)
            .expect("form");
        let link = form["web_pages"][0].as_str().expect("link");
        assert!(link_pattern_ok(link, TAIDE, CH_FORM, None), "{link}");
    }
}

/// Case 16: A scalar meter of −1 or 11 → 400.
pub async fn scalar_meters_are_400(backend: Backend) {
    let env = env_or_skip!(backend);
    for d in aurora_model::Dimension::ALL {
        for v in [-1, 11] {
            let mut body = correct_input();
            body["life_situation_meters"][d.key()] = json!(v);
            env.post(URL, &body).await.status(400);
        }
    }
}

/// Case 17: Text search is stored with its path and answers with tracking links; a body that is
/// not UTF-8 is 400 with the reference's message.
pub async fn text_search_is_stored_with_links_and_bad_encoding_is_400(backend: Backend) {
    let env = env_or_skip!(backend);
    let request = json!({"search_text": "taideopetus"});
    let v = env.post_ok(TEXT_SEARCH_URL, &request).await;
    let found = ids(&v);
    assert_eq!(found.first().map(String::as_str), Some(TAIDE));
    let found: Vec<&str> = found.iter().map(String::as_str).collect();
    assert_stored(&env, &v, &found, &request, TEXT_SEARCH_URL).await;
    let link = v["recommended_services"][0]["service_channels"][0]["web_pages"][0]
        .as_str()
        .expect("link");
    assert!(link_pattern_ok(link, TAIDE, CH_ECHANNEL, None), "{link}");

    let r = env
        .post_raw(
            TEXT_SEARCH_URL,
            Some(&env.auth),
            b"{\"search_text\": \"testi\xf7testi\"}".to_vec(),
        )
        .await;
    r.status(400);
    assert_eq!(
        r.text(),
        "Invalid encoding in request. Only UTF-8 is supported."
    );

    // Personal identity codes are removed before the request is stored.
    let request = json!({"search_text": "taideopetus 120369-1340 kurssi"});
    let v = env.post_ok(TEXT_SEARCH_URL, &request).await;
    let id = v["auroraai_recommendation_id"].as_i64().expect("id");
    let stored = env
        .store
        .recommendation(id)
        .await
        .expect("read")
        .expect("stored");
    assert_eq!(
        stored.request_attributes["search_text"],
        "taideopetus  kurssi"
    );
}

/// Case 19: Scores of the default input are in (0, 1).
pub async fn scores_are_between_zero_and_one(backend: Backend) {
    let env = env_or_skip!(backend);
    let v = env.post_ok(URL, &correct_input()).await;
    let scores: Vec<f64> = v["recommended_services"]
        .as_array()
        .expect("list")
        .iter()
        .map(|s| s["similarity_score"].as_f64().expect("score"))
        .collect();
    assert!(!scores.is_empty());
    assert!(scores.iter().all(|s| *s > 0.0 && *s < 1.0), "{scores:?}");
}

/// Case 20: Municipality 638 (national excluded): one service. The reference compared 0.5660 with
/// itself; the real cosine is 0.4017.
pub async fn the_638_input_has_one_result_scored_0_4017(backend: Backend) {
    let env = env_or_skip!(backend);
    let mut body = correct_input();
    body["service_filters"]["municipality_codes"] = json!(["638"]);
    let v = env.post_ok(URL, &body).await;
    assert_eq!(rounded(&v), [(LUOKAT51.to_string(), 0.4017)]);
}

/// The cosines of §8 to four decimals, in order (ties by service id).
pub async fn compat_scores_are_the_references(backend: Backend) {
    let env = env_or_skip!(backend);
    let pairs = |list: &[(&str, f64)]| -> Vec<(String, f64)> {
        list.iter().map(|(s, x)| (s.to_string(), *x)).collect()
    };
    let mut body = correct_input();
    body["limit"] = json!(50);
    assert_eq!(
        rounded(&env.post_ok(URL, &body).await),
        pairs(&[
            (TAIDE, 0.7070),
            (LUOKAT51, 0.4017),
            (LUOKKA53, 0.4017),
            (HARRASTUS, 0.3280)
        ])
    );
    body["service_filters"]["include_national_services"] = json!(true);
    assert_eq!(
        rounded(&env.post_ok(URL, &body).await),
        pairs(&[
            (TAIDE, 0.7070),
            (TYONHAKU, 0.6825),
            (KANSALLINEN, 0.4017),
            (LUOKAT51, 0.4017),
            (LUOKKA53, 0.4017),
            (OSALLISTU, 0.3280),
            (HARRASTUS, 0.3280)
        ])
    );
    body["service_filters"]["municipality_codes"] = json!(["638"]);
    let v = env.post_ok(URL, &body).await;
    assert_eq!(
        rounded(&v),
        pairs(&[
            (TYONHAKU, 0.6825),
            (KANSALLINEN, 0.4017),
            (LUOKAT51, 0.4017),
            (OSALLISTU, 0.3280)
        ])
    );
    let ranks: Vec<i64> = v["recommended_services"]
        .as_array()
        .expect("list")
        .iter()
        .map(|s| s["rank"].as_i64().expect("rank"))
        .collect();
    assert_eq!(ranks, [1, 2, 3, 4]);
    // The stored scores are those shown.
    let id = v["auroraai_recommendation_id"].as_i64().expect("id");
    let stored = env
        .store
        .recommendation(id)
        .await
        .expect("read")
        .expect("stored");
    assert_eq!(stored.services[0].service_id, TYONHAKU);
    assert!((stored.services[0].score - 0.6825).abs() < 1e-4);
}

/// The reference's channel output (`test_output_format.py`'s expectations for phones,
/// address, location and hours), on the fixture's phone channel.
pub async fn channels_are_formatted_like_the_reference(backend: Backend) {
    let env = env_or_skip!(backend);
    let mut body = correct_input();
    body["limit"] = json!(1);
    let v = env.post_ok(URL, &body).await;
    let service = &v["recommended_services"][0];
    assert_eq!(service["service_id"], TAIDE);
    let phone = service["service_channels"]
        .as_array()
        .and_then(|a| a.iter().find(|c| c["service_channel_id"] == CH_PHONE))
        .expect("phone channel");
    assert_eq!(
        phone["phone_numbers"],
        json!(["Opintoasiainvastaava +358 447943552", "+358 447943565"])
    );
    assert_eq!(phone["address"], "Otavantie 2 B, 50670, Mikkeli");
    assert_eq!(
        phone["location"],
        json!({"latitude": "6834688", "longitude": "503879"})
    );
    assert_eq!(
        phone["service_hours"],
        json!([
            "Monday 08:00:00 - 16:00:00, Tuesday 09:00:00 - Friday 15:00:00",
            "Aina avoinna"
        ])
    );
    assert_eq!(phone["emails"], json!(["info@example.fi"]));
    assert_eq!(phone["web_pages"], json!([]));
    assert_eq!(phone["service_channel_name"], "channel_name3");
    assert_eq!(
        phone["service_channel_description_summary"],
        "channel 3 description summary"
    );
    let form = service["service_channels"]
        .as_array()
        .and_then(|a| a.iter().find(|c| c["service_channel_id"] == CH_FORM))
        .expect("form channel");
    assert_eq!(form["address"], "");
    assert_eq!(form["location"], "");
    assert_eq!(service["target_groups"], json!(["KR1"]));
    assert_eq!(service["service_collections"], json!([COLLECTION]));
    assert_eq!(
        service["requirements"],
        json!(["Ilmoittautuminen kurssille."])
    );
    assert_eq!(service["charge_type"], "Chargeable");
    assert_eq!(service["area_type"], "LimitedType");
    assert_eq!(service["areas"][0]["type"], "Municipality");
    assert_eq!(service["areas"][0]["municipalities"][0]["code"], "091");
    assert_eq!(service["responsible_organization"], Value::Null);
    assert_eq!(service["funding_type"], Value::Null);

    let mut body = correct_input();
    body["service_filters"]["municipality_codes"] = json!(["638"]);
    let v = env.post_ok(URL, &body).await;
    let s = &v["recommended_services"][0];
    assert_eq!(
        s["responsible_organization"],
        json!({"id": ORGANIZATION, "name": "Test organization"})
    );
    assert_eq!(
        s["service_class_uris"],
        json!([
            "http://uri.suomi.fi/codelist/ptv/ptvserclass2/code/P5.1",
            "http://uri.suomi.fi/codelist/ptv/ptvserclass2/code/P10.2"
        ])
    );
}

/// `test_reranker_api.py`: `rerank` accepts only booleans; ranks are 1..n with or without it
/// (and, with nothing learned yet, the order is the same).
pub async fn rerank_is_validated_and_has_no_effect(backend: Backend) {
    let env = env_or_skip!(backend);
    for bad in [json!("false"), json!("true"), json!("abcf"), json!(-1)] {
        env.post(
            TEXT_SEARCH_URL,
            &json!({"search_text": "testi", "rerank": bad}),
        )
        .await
        .status(400);
        let mut body = correct_input();
        body["rerank"] = bad;
        env.post(URL, &body).await.status(400);
    }
    let mut orders = Vec::new();
    for rerank in [false, true] {
        env.post(
            TEXT_SEARCH_URL,
            &json!({"search_text": "testi", "rerank": rerank}),
        )
        .await
        .status(200);
        let mut body = correct_input();
        body["rerank"] = json!(rerank);
        body["limit"] = json!(3);
        body["service_filters"]["rerank"] = json!(rerank);
        let v = env.post_ok(URL, &body).await;
        let ranks: Vec<i64> = v["recommended_services"]
            .as_array()
            .expect("list")
            .iter()
            .map(|s| s["rank"].as_i64().expect("rank"))
            .collect();
        assert_eq!(ranks, [1, 2, 3]);
        orders.push(ids(&v));
    }
    assert_eq!(orders[0], orders[1]);
}

/// Text search (the reference's model-based cases, on the lexical index): ranks 1..n, the
/// filters, and `language` honoured for analysis and output.
pub async fn text_search_ranks_and_language(backend: Backend) {
    let env = env_or_skip!(backend);
    let v = env
        .post_ok(
            TEXT_SEARCH_URL,
            &json!({"search_text": "testi", "rerank": false, "limit": 3}),
        )
        .await;
    assert_eq!(id_set(&v), set(&[LUOKKA53, LUOKAT51, KANSALLINEN]));
    let ranks: Vec<i64> = v["recommended_services"]
        .as_array()
        .expect("list")
        .iter()
        .map(|s| s["rank"].as_i64().expect("rank"))
        .collect();
    assert_eq!(ranks, [1, 2, 3]);
    let v = env
        .post_ok(
            TEXT_SEARCH_URL,
            &json!({"search_text": "harrastusmahdollisuus", "rerank": true, "limit": 3}),
        )
        .await;
    assert_eq!(ids(&v).first().map(String::as_str), Some(HARRASTUS));
    // The archived service matches the words but is never returned; filters apply.
    let v = env
        .post_ok(
            TEXT_SEARCH_URL,
            &json!({"search_text": "testi", "service_filters": {"only_national_services": true}}),
        )
        .await;
    assert_eq!(id_set(&v), set(&[KANSALLINEN]));
    let v = env
        .post_ok(TEXT_SEARCH_URL, &json!({"search_text": "harrastus taide"}))
        .await;
    assert!(!ids(&v).iter().any(|i| i == ARKISTOITU));
    // Swedish: analysed as Swedish, the Swedish name shown; other languages fall back.
    let v = env
        .post_ok(
            TEXT_SEARCH_URL,
            &json!({"search_text": "jobbsökarträning", "language": "sv"}),
        )
        .await;
    assert_eq!(ids(&v), [TYONHAKU]);
    assert_eq!(
        v["recommended_services"][0]["service_name"],
        "Jobbsökarträning"
    );
    let v = env
        .post_ok(
            TEXT_SEARCH_URL,
            &json!({"search_text": "työnhakuvalmennus", "language": "fi"}),
        )
        .await;
    assert_eq!(
        v["recommended_services"][0]["service_name"],
        "Työnhakuvalmennus"
    );
    let v = env
        .post_ok(
            TEXT_SEARCH_URL,
            &json!({"search_text": "(Työnhakuvalmennus!) #{}", "language": "de"}),
        )
        .await;
    assert_eq!(ids(&v), [TYONHAKU]);
    assert_eq!(
        v["recommended_services"][0]["service_name"],
        "Työnhakuvalmennus"
    );
    // Nothing found is an empty, stored answer.
    let v = env
        .post_ok(TEXT_SEARCH_URL, &json!({"search_text": "zzzqqq"}))
        .await;
    assert_eq!(v["recommended_services"], json!([]));
    assert!(v["auroraai_recommendation_id"].as_i64().is_some());
}

/// `rerank: true` follows what the outcome learner was taught by this client's feedback: a
/// service rated helpful again and again at rank 4 rises into the top two;
/// without `rerank` the order is the need ranking, unchanged.
pub async fn rerank_follows_authenticated_feedback(backend: Backend) {
    let env = env_or_skip!(backend);
    let mut body = correct_input();
    body["limit"] = json!(4);
    let plain = ids(&env.post_ok(URL, &body).await);
    assert_eq!(plain, [TAIDE, LUOKAT51, LUOKKA53, HARRASTUS]);
    for _ in 0..30 {
        let v = env.post_ok(URL, &body).await;
        let id = v["auroraai_recommendation_id"].clone();
        env.post(
            FEEDBACK_URL,
            &json!({"auroraai_recommendation_id": id,
                    "service_feedbacks": [{"service_id": HARRASTUS, "feedback_score": 1}]}),
        )
        .await
        .status(200);
    }
    assert_eq!(
        ids(&env.post_ok(URL, &body).await),
        plain,
        "no rerank: unchanged"
    );
    body["rerank"] = json!(true);
    let reranked = env.post_ok(URL, &body).await;
    let order = ids(&reranked);
    let at = order
        .iter()
        .position(|id| id == HARRASTUS)
        .expect("still listed");
    assert!(at < 2, "rose from 4th into the top 2: {order:?}");
    let ranks: Vec<i64> = reranked["recommended_services"]
        .as_array()
        .expect("list")
        .iter()
        .map(|s| s["rank"].as_i64().expect("rank"))
        .collect();
    assert_eq!(ranks, [1, 2, 3, 4]);
}
