//! `POST /api/v1/understand`: the stable JSON names, the three languages, entities, urgent
//! danger first, and every kind of bad input as a clear problem or a low-confidence answer.

use axum::http::{header, Method};
use serde_json::{json, Value};

use crate::common::{app, nlu_app, post_raw, request};

const URI: &str = "/api/v1/understand";

fn codes(labels: &Value) -> Vec<&str> {
    labels
        .as_array()
        .expect("an array of labels")
        .iter()
        .map(|l| l["code"].as_str().unwrap())
        .collect()
}

/// Every label has a code, a fi/sv/en label and a confidence in 0–1, best first.
#[track_caller]
fn assert_labels(labels: &Value) {
    let list = labels.as_array().expect("an array");
    let mut last = f64::INFINITY;
    for l in list {
        assert!(l["code"].is_string(), "{l}");
        for lang in ["fi", "sv", "en"] {
            assert!(l["label"][lang].is_string(), "{l}");
        }
        let c = l["confidence"].as_f64().expect("confidence");
        assert!((0.0..=1.0).contains(&c), "{l}");
        assert!(c <= last + 1e-6, "best first: {labels}");
        last = c;
    }
}

#[tokio::test]
async fn finnish_text_with_an_inflected_municipality() {
    let t = nlu_app().await;
    let out = t
        .post_ok(URI, json!({"text": "Muutan Tampereelle opiskelemaan"}))
        .await;
    let keys: Vec<&str> = out
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "language",
            "life_events",
            "service_classes",
            "target_groups",
            "entities",
            "urgent",
            "explanation"
        ]
    );
    assert_eq!(out["language"]["code"], "fi");
    assert_eq!(out["urgent"], Value::Null);
    let muni = &out["entities"]["municipalities"][0];
    assert_eq!(muni["code"], "837");
    assert_eq!(muni["text"], "Tampereelle");
    assert_eq!(muni["role"], "destination");
    assert_eq!(muni["name"]["sv"], "Tammerfors");
    let events = codes(&out["life_events"]);
    assert!(events[0].starts_with("KE4."), "{events:?}");
    assert!(events.contains(&"KE3"), "{events:?}");
    assert_labels(&out["life_events"]);
    assert_labels(&out["service_classes"]);
    let classes = codes(&out["service_classes"]);
    assert!(classes.iter().any(|c| c.starts_with("P1")), "{classes:?}");
    assert!(classes.contains(&"P6.14"), "{classes:?}");
    assert_eq!(
        out["life_events"][0]["label"]["fi"],
        "Suomen sisällä muuttaminen"
    );
    assert!(out["explanation"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["words"]
            .as_array()
            .unwrap()
            .contains(&json!("Tampereelle"))));
}

#[tokio::test]
async fn swedish_and_english_texts() {
    let t = nlu_app().await;
    let out = t
        .post_ok(URI, json!({"text": "Jag flyttar till Åbo"}))
        .await;
    assert_eq!(out["language"]["code"], "sv");
    assert_eq!(out["entities"]["municipalities"][0]["code"], "853");
    assert_eq!(out["entities"]["municipalities"][0]["role"], "destination");
    assert!(codes(&out["life_events"])[0].starts_with("KE4"));

    let out = t
        .post_ok(
            URI,
            json!({"text": "I'm 19 and moving from Oulu to Helsinki to study", "lang": "en"}),
        )
        .await;
    assert_eq!(out["language"]["code"], "en");
    let munis = out["entities"]["municipalities"].as_array().unwrap();
    let roles: Vec<(&str, &str)> = munis
        .iter()
        .map(|m| (m["code"].as_str().unwrap(), m["role"].as_str().unwrap()))
        .collect();
    assert_eq!(roles, [("564", "origin"), ("091", "destination")]);
    assert_eq!(out["entities"]["ages"][0]["value"], 19);
    assert_labels(&out["life_events"]);
}

#[tokio::test]
async fn options_limit_the_lists() {
    let t = nlu_app().await;
    let out = t
        .post_ok(
            URI,
            json!({
                "text": "Jäin työttömäksi ja muutan Tampereelle opiskelemaan, olen velkaantunut",
                "max_life_events": 1,
                "max_service_classes": 1,
                "lang": null
            }),
        )
        .await;
    let own = |labels: &Value| {
        labels
            .as_array()
            .unwrap()
            .iter()
            .filter(|l| l.get("implied_by").is_none())
            .count()
    };
    assert_eq!(own(&out["life_events"]), 1, "{}", out["life_events"]);
    assert_eq!(
        own(&out["service_classes"]),
        1,
        "{}",
        out["service_classes"]
    );
}

#[tokio::test]
async fn urgent_danger_comes_with_112_first() {
    let t = nlu_app().await;
    for (text, kind) in [
        ("En halua enää elää", "self_harm"),
        ("Min man slår mig", "violence"),
        ("my dad is unconscious", "emergency"),
    ] {
        let out = t.post_ok(URI, json!({ "text": text })).await;
        assert_eq!(out["urgent"]["kind"], kind, "{text}");
        assert_eq!(out["urgent"]["numbers"][0]["number"], "112", "{text}");
        assert_eq!(
            out["explanation"][0]["label_code"],
            format!("urgent:{kind}"),
            "{text}: the urgent evidence is explained first"
        );
    }
}

#[tokio::test]
async fn empty_text_is_a_400_problem_naming_the_field() {
    let t = nlu_app().await;
    let reason =
        "the text is empty or only whitespace: send at least one word, e.g. \"Muutan Tampereelle\"";
    for text in ["", "  \n\t "] {
        t.post(URI, json!({ "text": text })).await.assert_problem(
            400,
            json!({
                "type": "https://aurora.example/problems/empty_text",
                "title": "Empty text",
                "status": 400,
                "detail": format!("invalid value for field `text`: {reason}"),
                "code": "empty_text",
                "errors": [{"field": "text", "reason": reason}]
            }),
        );
    }
}

#[tokio::test]
async fn too_long_texts_are_refused() {
    let t = nlu_app().await;
    // Within the body limit but over the engine's 10,000 characters: 400 naming `text`.
    let text = "asumistuki ".repeat(2000);
    let reason = "the text is 22000 characters long; at most 10000 are accepted. Hint: send the \
                  person's own description of their situation, not a whole document";
    t.post(URI, json!({ "text": text })).await.assert_problem(
        400,
        json!({
            "type": "https://aurora.example/problems/text_too_long",
            "title": "Text too long",
            "status": 400,
            "detail": format!("invalid value for field `text`: {reason}"),
            "code": "text_too_long",
            "errors": [{"field": "text", "reason": reason}]
        }),
    );
    // 100 kB: over the body limit, refused before the engine sees it.
    let text = "x".repeat(100_000);
    t.post(URI, json!({ "text": text })).await.assert_problem(
        413,
        json!({
            "type": "https://aurora.example/problems/payload_too_large",
            "title": "Payload too large",
            "status": 413,
            "detail": "request body larger than 65536 bytes",
            "code": "payload_too_large"
        }),
    );
}

#[tokio::test]
async fn binary_emoji_and_other_scripts_get_low_confidence_answers() {
    let t = nlu_app().await;
    let binary =
        String::from_utf8_lossy(&(0u8..=255).cycle().take(2000).collect::<Vec<_>>()).into_owned();
    // (text, whether the language guess must be unsure: the binary run contains the ASCII
    // alphabet, which reads as English letters).
    for (text, unsure_language) in [
        (binary.as_str(), false),
        ("🙂🙂🙂", true),
        ("\u{0}\u{1}\u{2}\u{7f}", true),
        ("Я хочу переехать 我想搬家", true),
    ] {
        let out = t.post_ok(URI, json!({ "text": text })).await;
        if unsure_language {
            assert!(
                out["language"]["confidence"].as_f64().unwrap() < 0.3,
                "{text:?}: {}",
                out["language"]
            );
        }
        assert_eq!(out["life_events"], json!([]), "{text:?}");
        assert_eq!(out["urgent"], Value::Null);
        for l in out["service_classes"].as_array().unwrap() {
            assert!(l["confidence"].as_f64().unwrap() < 0.5, "{text:?}: {l}");
        }
    }
}

#[tokio::test]
async fn unknown_fields_are_named() {
    let t = app().await;
    let accepted = "accepted: text, lang, max_life_events, max_service_classes";
    t.post(URI, json!({"text": "Muutan Tampereelle", "language": "fi"}))
        .await
        .assert_problem(
            400,
            json!({
                "type": "https://aurora.example/problems/unknown_field",
                "title": "Unknown field",
                "status": 400,
                "detail": format!("unknown field `language` in the request body; {accepted}"),
                "code": "unknown_field",
                "errors": [{"field": "language", "reason": format!("unknown field; {accepted}")}]
            }),
        );
}

#[tokio::test]
async fn bad_field_values_are_named() {
    let t = app().await;
    for (body, field, reason) in [
        (json!({}), "text", "required; expected a string"),
        (
            json!({"text": 42}),
            "text",
            "expected a string, got a number",
        ),
        (
            json!({"text": "hei", "lang": "de"}),
            "lang",
            "unsupported language \"de\": expected one of fi, sv, en",
        ),
        (
            json!({"text": "hei", "max_life_events": 0}),
            "max_life_events",
            "expected an integer from 1 to 19, got 0",
        ),
        (
            json!({"text": "hei", "max_service_classes": "5"}),
            "max_service_classes",
            "expected an integer from 1 to 50, got \"5\"",
        ),
    ] {
        t.post(URI, body).await.assert_problem(
            400,
            json!({
                "type": "https://aurora.example/problems/invalid_field",
                "title": "Invalid field",
                "status": 400,
                "detail": format!("invalid value for field `{field}`: {reason}"),
                "code": "invalid_field",
                "errors": [{"field": field, "reason": reason}]
            }),
        );
    }
}

#[tokio::test]
async fn bodies_that_are_not_json_objects_are_refused() {
    let t = app().await;
    let r = post_raw(
        &t.app,
        URI,
        Some("application/json"),
        b"{\"text\": ".to_vec(),
    )
    .await;
    assert_eq!(r.status.as_u16(), 400);
    assert_eq!(r.json()["code"], "malformed_request");
    assert!(r.json()["detail"]
        .as_str()
        .unwrap()
        .starts_with("the request body is not valid JSON"));
    let r = post_raw(&t.app, URI, None, b"[\"Muutan Tampereelle\"]".to_vec()).await;
    assert_eq!(r.json()["code"], "malformed_request");
    let r = post_raw(
        &t.app,
        URI,
        Some("text/plain"),
        b"Muutan Tampereelle".to_vec(),
    )
    .await;
    r.assert_problem(
        415,
        json!({
            "type": "https://aurora.example/problems/unsupported_media_type",
            "title": "Unsupported media type",
            "status": 415,
            "detail": "the request body must be JSON with Content-Type: application/json (curl: -H 'Content-Type: application/json'), got Content-Type \"text/plain\"",
            "code": "unsupported_media_type"
        }),
    );
    // No Content-Type at all is read as JSON.
    let t = nlu_app().await;
    let r = post_raw(&t.app, URI, None, br#"{"text": "Muutan Turkuun"}"#.to_vec()).await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text());
}

#[tokio::test]
async fn get_is_a_405_allowing_post() {
    let t = app().await;
    let r = request(&t.app, Method::GET, URI).await;
    r.assert_problem(
        405,
        json!({
            "type": "https://aurora.example/problems/method_not_allowed",
            "title": "Method not allowed",
            "status": 405,
            "detail": "method GET is not allowed for path \"/api/v1/understand\"; the Allow header lists the methods that are",
            "code": "method_not_allowed"
        }),
    );
    assert_eq!(r.header(header::ALLOW), "POST");
}

#[tokio::test]
async fn the_engine_is_built_lazily_on_first_use() {
    let t = app().await;
    assert!(format!("{:?}", t.state).contains("understander_built: false"));
    t.get_json("/api/v1/services").await;
    assert!(
        format!("{:?}", t.state).contains("understander_built: false"),
        "catalogue requests do not build it"
    );
    let out = t.post_ok(URI, json!({"text": "Muutan Turkuun"})).await;
    assert_eq!(out["entities"]["municipalities"][0]["code"], "853");
    assert!(format!("{:?}", t.state).contains("understander_built: true"));
}
