//! `POST /api/v1/feedback` and `POST /api/v1/clicks` on recommendations of
//! `POST /api/v1/guidance`: who may report what, once, and what teaches the learner.

use std::sync::Arc;

use aurora_guide::learning::Context;
use aurora_server::router;
use aurora_store::{IssuedClient, RecommendationStore};
use axum::body::Body;
use axum::http::{header, Method, Request};
use serde_json::{json, Value};

use crate::common::{nlu_app, send, Resp, TestApp};
use crate::fixtures::{CH_UIMAHALLI_LOCATION, CH_UIMAHALLI_WEB, KUNTOSALI, UIMAHALLI};

async fn learning_app() -> (TestApp, IssuedClient, IssuedClient) {
    let mut t = nlu_app().await;
    t.state = t
        .state
        .clone()
        .with_recommendation_store(t.store.clone() as Arc<dyn RecommendationStore>);
    t.app = router(t.state.clone());
    let a = t
        .store
        .create_client("Kela app", "Kela")
        .await
        .expect("client a");
    let b = t
        .store
        .create_client("Other app", "Other")
        .await
        .expect("client b");
    (t, a, b)
}

fn basic(c: &IssuedClient) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let raw = format!("{}:{}", c.client.id, c.secret).into_bytes();
    let mut out = String::new();
    for chunk in raw.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            out.push(if i <= chunk.len() {
                T[(n >> (18 - 6 * i) & 63) as usize] as char
            } else {
                '='
            });
        }
    }
    format!("Basic {out}")
}

async fn post(t: &TestApp, uri: &str, body: Value, auth: Option<&str>) -> Resp {
    let mut req = Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(a) = auth {
        req = req.header(header::AUTHORIZATION, a);
    }
    send(
        &t.app,
        req.body(Body::from(body.to_string())).expect("request"),
    )
    .await
}

async fn recommend(t: &TestApp, auth: Option<&str>) -> Value {
    let r = post(
        t,
        "/api/v1/guidance",
        json!({"text": "uimahalli ja vesijumppa", "municipality": "905", "meters": {"health": 3}}),
        auth,
    )
    .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text());
    let out = r.json();
    assert_eq!(out["services"][0]["id"], UIMAHALLI, "{out}");
    assert!(out["recommendation_id"].as_i64().is_some_and(|id| id > 0));
    out
}

fn factor(t: &TestApp, out: &Value, id: &str) -> f32 {
    t.state
        .learner()
        .read()
        .expect("learner")
        .adjustment(&context_of(out), id)
        .factor
}

fn context_of(out: &Value) -> Context {
    // The same features the engine derives; the response does not expose them, so rebuild
    // them from what the request said and what was recognised.
    let mut f = vec!["any".to_string(), "need:health".to_string()];
    for l in out["understanding"]["life_events"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let code = l["code"].as_str().unwrap_or("");
        f.push(format!("event:{}", code.split('.').next().unwrap_or(code)));
    }
    for l in out["understanding"]["service_classes"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let code = l["code"].as_str().unwrap_or("");
        f.push(format!("class:{}", code.split('.').next().unwrap_or(code)));
    }
    Context::new(f)
}

#[tokio::test]
async fn an_authenticated_clients_feedback_and_clicks_teach_once() {
    let (t, a, _) = learning_app().await;
    let auth = basic(&a);
    let out = recommend(&t, Some(&auth)).await;
    let id = out["recommendation_id"].clone();
    let before = factor(&t, &out, UIMAHALLI);

    let r = post(
        &t,
        "/api/v1/feedback",
        json!({"recommendation_id": id, "service_id": UIMAHALLI, "score": 1}),
        Some(&auth),
    )
    .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text());
    assert_eq!(r.json(), json!({"recorded": true, "learned": true}));
    let after = factor(&t, &out, UIMAHALLI);
    assert!(after > before, "{before} → {after}");

    // Again: stored (the last word counts), not learned twice.
    let r = post(
        &t,
        "/api/v1/feedback",
        json!({"recommendation_id": id, "service_id": UIMAHALLI, "score": 1}),
        Some(&auth),
    )
    .await;
    assert_eq!(r.json(), json!({"recorded": true, "learned": false}));
    assert_eq!(factor(&t, &out, UIMAHALLI), after);

    // A click on one of the service's channels: once.
    let click =
        json!({"recommendation_id": id, "service_id": UIMAHALLI, "channel_id": CH_UIMAHALLI_WEB});
    let r = post(&t, "/api/v1/clicks", click.clone(), Some(&auth)).await;
    assert_eq!(
        r.json(),
        json!({"recorded": true, "learned": true}),
        "{}",
        r.text()
    );
    let clicked = factor(&t, &out, UIMAHALLI);
    assert!(clicked >= after);
    let r = post(&t, "/api/v1/clicks", click, Some(&auth)).await;
    assert_eq!(r.json(), json!({"recorded": false, "learned": false}));
    assert_eq!(factor(&t, &out, UIMAHALLI), clicked);

    let stored = t
        .store
        .recommendation(id.as_i64().expect("id"))
        .await
        .expect("read")
        .expect("stored");
    assert_eq!(stored.request_path, "/api/v1/guidance");
    assert_eq!(stored.client_id, a.client.id);
    // The free text is not kept, only its length.
    assert_eq!(stored.request_attributes["text_chars"], 23);
    assert!(stored.request_attributes.get("text").is_none());
    let s = stored
        .services
        .iter()
        .find(|s| s.service_id == UIMAHALLI)
        .expect("shown");
    assert_eq!((s.feedback_score, s.redirected), (Some(1), true));
}

#[tokio::test]
async fn denials_change_nothing() {
    let (t, a, b) = learning_app().await;
    let auth_a = basic(&a);
    let out = recommend(&t, Some(&auth_a)).await;
    let id = out["recommendation_id"].clone();
    let before = factor(&t, &out, UIMAHALLI);
    let fb = json!({"recommendation_id": id, "service_id": UIMAHALLI, "score": -1});

    // Another client, nobody, a wrong secret.
    let r = post(&t, "/api/v1/feedback", fb.clone(), Some(&basic(&b))).await;
    assert_eq!(
        (r.status.as_u16(), r.json()["code"].clone()),
        (404, json!("not_found"))
    );
    let r = post(&t, "/api/v1/feedback", fb.clone(), None).await;
    assert_eq!(r.status.as_u16(), 404);
    let mut wrong = a.clone();
    wrong.secret = "0".repeat(64);
    let r = post(&t, "/api/v1/feedback", fb.clone(), Some(&basic(&wrong))).await;
    assert_eq!(
        (r.status.as_u16(), r.json()["code"].clone()),
        (401, json!("unauthorized"))
    );
    let r = post(
        &t,
        "/api/v1/guidance",
        json!({"text": "uimahalli"}),
        Some(&basic(&wrong)),
    )
    .await;
    assert_eq!(r.status.as_u16(), 401);

    // Not part of the recommendation; not a channel of the service; unknown recommendation.
    let r = post(
        &t,
        "/api/v1/feedback",
        json!({"recommendation_id": id, "service_id": KUNTOSALI, "score": 1}),
        Some(&auth_a),
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), r.json()["errors"][0]["field"].clone()),
        (404, json!("service_id")),
        "{}",
        r.text()
    );
    let r = post(&t, "/api/v1/clicks", json!({"recommendation_id": id, "service_id": UIMAHALLI, "channel_id": "3b85838e-7ee7-4123-ba50-3c901e0d0000"}), Some(&auth_a)).await;
    assert_eq!(
        (r.status.as_u16(), r.json()["errors"][0]["field"].clone()),
        (404, json!("channel_id"))
    );
    let r = post(
        &t,
        "/api/v1/feedback",
        json!({"recommendation_id": 12345, "service_id": UIMAHALLI, "score": 1}),
        Some(&auth_a),
    )
    .await;
    assert_eq!(r.status.as_u16(), 404);

    // Malformed.
    for (body, field) in [
        (
            json!({"recommendation_id": id, "service_id": UIMAHALLI, "score": 2}),
            "score",
        ),
        (
            json!({"recommendation_id": "x", "service_id": UIMAHALLI, "score": 1}),
            "recommendation_id",
        ),
        (
            json!({"recommendation_id": id, "service_id": "nope", "score": 1}),
            "service_id",
        ),
    ] {
        let r = post(&t, "/api/v1/feedback", body, Some(&auth_a)).await;
        assert_eq!(
            (r.status.as_u16(), r.json()["errors"][0]["field"].clone()),
            (400, json!(field))
        );
    }
    assert_eq!(
        factor(&t, &out, UIMAHALLI),
        before,
        "no denial taught anything"
    );
    let stored = t
        .store
        .recommendation(id.as_i64().expect("id"))
        .await
        .expect("read")
        .expect("stored");
    assert!(stored
        .services
        .iter()
        .all(|s| s.feedback_score.is_none() && !s.redirected));
}

#[tokio::test]
async fn anonymous_recommendations_take_feedback_but_never_teach() {
    let (t, _, _) = learning_app().await;
    let out = recommend(&t, None).await;
    let id = out["recommendation_id"].clone();
    let before = factor(&t, &out, UIMAHALLI);
    for _ in 0..3 {
        let r = post(
            &t,
            "/api/v1/feedback",
            json!({"recommendation_id": id, "service_id": UIMAHALLI, "score": 1}),
            None,
        )
        .await;
        assert_eq!(r.json(), json!({"recorded": true, "learned": false}));
    }
    let r = post(&t, "/api/v1/clicks", json!({"recommendation_id": id, "service_id": UIMAHALLI, "channel_id": CH_UIMAHALLI_LOCATION}), None).await;
    assert_eq!(r.json(), json!({"recorded": true, "learned": false}));
    assert_eq!(factor(&t, &out, UIMAHALLI), before);
    assert_eq!(before, 1.0, "anonymous impressions are not recorded either");
}

#[tokio::test]
async fn a_restarted_node_rebuilds_the_learner_from_the_stored_history() {
    let (t, a, _) = learning_app().await;
    let auth = basic(&a);
    let out = recommend(&t, Some(&auth)).await;
    let id = out["recommendation_id"].clone();
    for (uri, body) in [
        (
            "/api/v1/feedback",
            json!({"recommendation_id": id, "service_id": UIMAHALLI, "score": 1}),
        ),
        (
            "/api/v1/clicks",
            json!({"recommendation_id": id, "service_id": UIMAHALLI, "channel_id": CH_UIMAHALLI_WEB}),
        ),
    ] {
        let r = post(&t, uri, body, Some(&auth)).await;
        assert_eq!(r.json()["learned"], true, "{}", r.text());
    }
    // An anonymous recommendation with feedback: stored, not replayed into the learner.
    let anon = recommend(&t, None).await;
    let r = post(
        &t,
        "/api/v1/feedback",
        json!({"recommendation_id": anon["recommendation_id"], "service_id": UIMAHALLI, "score": -1}),
        None,
    )
    .await;
    assert_eq!(r.json()["learned"], false);
    let live = factor(&t, &out, UIMAHALLI);
    assert!(live > 1.0);

    // A new node over the same store starts with an empty learner and replays the history.
    let restarted =
        aurora_server::AppState::new(t.store.clone() as Arc<dyn aurora_store::CatalogStore>)
            .with_recommendation_store(t.store.clone() as Arc<dyn RecommendationStore>);
    assert_eq!(
        restarted.replay_learning().await.expect("replay"),
        1,
        "only the authenticated one"
    );
    let replayed = restarted
        .learner()
        .read()
        .expect("learner")
        .adjustment(&context_of(&out), UIMAHALLI)
        .factor;
    assert!((replayed - live).abs() < 1e-6, "{live} vs {replayed}");
}
