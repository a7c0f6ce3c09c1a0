//! The reference's flaws (§9), each shown fixed.

use aurora_guide::threex10d::RankingMode;
use aurora_server::CompatConfig;
use aurora_store::{RecommendationStore, TransferAttribute};
use axum::body::Body;
use axum::http::{header, Request};
use serde_json::json;

use crate::fixture::*;
use crate::harness::*;

/// The reference raised an uncaught `ValueError` (500) when no candidate carries a label on
/// the meters given, leaking a limiter slot each time; here it is an empty 200, and the
/// slots come back.
pub async fn no_labelled_vectors_is_an_empty_200(backend: Backend) {
    let env = env_or_skip!(backend);
    let body = json!({"life_situation_meters": {"life_satisfaction": [1]}});
    // Twice the limiter's capacity: a leak would turn the later ones into 503.
    for _ in 0..10 {
        let v = env.post_ok(URL, &body).await;
        assert_eq!(v["recommended_services"], json!([]));
        let id = v["auroraai_recommendation_id"].as_i64().expect("id");
        assert!(env.store.recommendation(id).await.expect("read").is_some());
    }
    env.post(URL, &correct_input()).await.status(200);
}

/// Slots are returned on every path (success, validation error, empty result, errors) and
/// 503 `Server busy.` appears only while the limit is in use.
pub async fn the_limiter_never_leaks_and_busy_means_busy(backend: Backend) {
    let config = CompatConfig {
        max_concurrent_tasks: 1,
        ..compat_config()
    };
    let env = env_or_skip!(backend, config);
    let empty = json!({"life_situation_meters": {"life_satisfaction": [1]}});
    let invalid = json!({"life_situation_meters": {"family": [11]}});
    for _ in 0..4 {
        env.post(URL, &correct_input()).await.status(200);
        env.post(URL, &empty).await.status(200);
        env.post(URL, &invalid).await.status(400);
        env.post(TEXT_SEARCH_URL, &json!({"search_text": "testi"}))
            .await
            .status(200);
        env.post(TEXT_SEARCH_URL, &json!({"search_text": "zzzqqq"}))
            .await
            .status(200);
        env.post_raw(URL, Some("Basic !!"), b"{}".to_vec())
            .await
            .status(401);
    }
    // A burst against one slot: each request is served or told the server is busy.
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let app = env.app.clone();
        let auth = env.auth.clone();
        tasks.push(tokio::spawn(async move {
            let request = Request::post(URL)
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::AUTHORIZATION, auth)
                .body(Body::from(correct_input().to_string()))
                .expect("request");
            send(&app, request).await
        }));
    }
    let mut served = 0;
    for t in tasks {
        let r = t.await.expect("join");
        match r.status.as_u16() {
            200 => served += 1,
            503 => assert_eq!(r.text(), "Server busy."),
            other => panic!("unexpected {other}: {}", r.text()),
        }
    }
    assert!(served >= 1);
    // Everything was given back.
    for _ in 0..3 {
        env.post(URL, &correct_input()).await.status(200);
    }
}

/// `require_api_auth = false`: no credentials needed; the caller is the anonymous client,
/// which can still give feedback on its (anonymous) recommendations.
pub async fn auth_can_be_disabled(backend: Backend) {
    let config = CompatConfig {
        require_api_auth: false,
        ..compat_config()
    };
    let env = env_or_skip!(backend, config);
    let body = serde_json::to_vec(&correct_input()).expect("json");
    let r = env.post_raw(URL, None, body).await;
    r.status(200);
    let id = r.json()["auroraai_recommendation_id"].as_i64().expect("id");
    let stored = env
        .store
        .recommendation(id)
        .await
        .expect("read")
        .expect("stored");
    assert_eq!(stored.client_id, "");
    assert_eq!(stored.calling_service, "");
    assert_eq!(stored.calling_organisation, "");
    env.post_raw(FEEDBACK_URL, None, feedback(id).to_string().into_bytes())
        .await
        .status(200);
    env.store
        .set_session_receiver(CH_ECHANNEL, &[TransferAttribute::Age])
        .await
        .expect("receiver");
    let r = env
        .post_raw(
            ATTRIBUTE_URL,
            None,
            json!({"service_channel_id": CH_ECHANNEL, "session_attributes": {"age": 3}})
                .to_string()
                .into_bytes(),
        )
        .await;
    r.status(200);
    assert!(r.text().starts_with("url2?auroraai_access_token="));
}

/// Aurora's ranking: every labelled candidate, need-weighted; an explanation per service in
/// the language of `Accept-Language`.
pub async fn aurora_ranking_explains_itself(backend: Backend) {
    let config = CompatConfig {
        ranking: RankingMode::Aurora,
        ..compat_config()
    };
    let env = env_or_skip!(backend, config);
    let mut body = correct_input();
    body["service_filters"]["include_national_services"] = json!(true);
    let v = env.post_ok(URL, &body).await;
    let services = v["recommended_services"].as_array().expect("list");
    let ids: Vec<&str> = services
        .iter()
        .map(|s| s["service_id"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        ids,
        [TAIDE, TYONHAKU, KANSALLINEN, LUOKAT51, LUOKKA53],
        "pressing need first, ties by id"
    );
    let first = &services[0];
    assert_eq!(first["relevance_source"], "hand_labels");
    let score = first["similarity_score"].as_f64().expect("score");
    assert!((score - 0.6772).abs() < 1e-4, "{score}");
    let why = &first["explanation"][0];
    assert_eq!(why["dimension"], "improvement_of_strengths");
    assert_eq!(why["rating"], 0.5);
    assert_eq!(why["text"], "Itsensä kehittäminen: arviosi 0,5/10");
    assert!(first["explanation"].as_array().expect("list").len() <= 3);

    for (lang, text) in [
        ("sv-FI,sv;q=0.9", "Självutveckling: ditt betyg 0,5/10"),
        ("en", "Developing yourself: your rating 0.5/10"),
    ] {
        let request = Request::post(URL)
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::AUTHORIZATION, &env.auth)
            .header(header::ACCEPT_LANGUAGE, lang)
            .body(Body::from(body.to_string()))
            .expect("request");
        let v = send(&env.app, request).await.json();
        assert_eq!(
            v["recommended_services"][0]["explanation"][0]["text"], text,
            "{lang}"
        );
    }
    // The labelled-nothing case is empty in Aurora's ranking too.
    let v = env
        .post_ok(
            URL,
            &json!({"life_situation_meters": {"life_satisfaction": [1]}}),
        )
        .await;
    assert_eq!(v["recommended_services"], json!([]));
}

/// Before the index is built, or without a recommendation store, the API answers 503 (never
/// 500, never a panic).
pub async fn missing_parts_are_503(backend: Backend) {
    let env = env_or_skip!(backend);
    let catalog = env.store.clone() as std::sync::Arc<dyn aurora_store::CatalogStore>;
    let not_built = aurora_server::AppState::new(catalog.clone())
        .with_recommendation_store(env.store.clone())
        .with_compat_config(compat_config());
    let no_store = aurora_server::AppState::new(catalog).with_compat_config(CompatConfig {
        require_api_auth: false,
        ..compat_config()
    });
    no_store.rebuild_search_index().await.expect("index");
    for (state, has_store) in [(not_built, true), (no_store, false)] {
        let app = aurora_server::router(state);
        for uri in [URL, TEXT_SEARCH_URL] {
            let body = if uri == URL {
                correct_input()
            } else {
                json!({"search_text": "testi"})
            };
            let request = Request::post(uri)
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::AUTHORIZATION, &env.auth)
                .body(Body::from(body.to_string()))
                .expect("request");
            let r = send(&app, request).await;
            r.status(503);
            assert_eq!(r.text(), "Service unavailable.");
            assert_eq!(r.header(header::RETRY_AFTER), "5");
        }
        let r = send(
            &app,
            Request::get(format!("{ATTRIBUTE_URL}?access_token={}", "ab".repeat(32)))
                .body(Body::empty())
                .expect("request"),
        )
        .await;
        // Token reads need only the store.
        r.status(if has_store { 404 } else { 503 });
    }
}
