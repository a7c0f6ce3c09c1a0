//! `test_api_session_attributes.py` on Aurora's own registry of receivers, and the token
//! rules (single use, cut to what the channel receives, hashed at rest).

use aurora_store::{RecommendationStore, TransferAttribute};
use axum::http::{header, Method};
use serde_json::{json, Value};

use crate::fixture::*;
use crate::harness::*;

async fn register_echannel(env: &Env, attributes: &[TransferAttribute]) {
    env.store
        .set_session_receiver(CH_ECHANNEL, attributes)
        .await
        .expect("receiver");
}

fn all_attributes() -> Value {
    json!({
        "life_situation_meters": {"family": [8]},
        "municipality_code": "049",
        "age": 20
    })
}

fn token_of(link: &str) -> String {
    link.split(['?', '&'])
        .find_map(|p| p.strip_prefix("auroraai_access_token="))
        .unwrap_or("")
        .to_string()
}

fn assert_cors(r: &Resp) {
    assert_eq!(r.header(header::ACCESS_CONTROL_ALLOW_ORIGIN), "*");
    assert_eq!(
        r.header(header::ACCESS_CONTROL_ALLOW_HEADERS),
        "Content-Type"
    );
}

/// GET: the attributes, with CORS; the missing-token cases; the error texts.
pub async fn get_session_attributes(backend: Backend) {
    let env = env_or_skip!(backend);
    register_echannel(&env, &TransferAttribute::ALL).await;
    let link = env
        .post(
            ATTRIBUTE_URL,
            &json!({"service_channel_id": CH_ECHANNEL, "session_attributes": all_attributes()}),
        )
        .await;
    link.status(200);
    let token = token_of(&link.text());
    let r = env
        .get(&format!("{ATTRIBUTE_URL}?access_token={token}"))
        .await;
    r.status(200);
    assert_cors(&r);
    assert_eq!(r.json(), all_attributes());

    for uri in [
        ATTRIBUTE_URL.to_string(),
        format!("{ATTRIBUTE_URL}?wrongquery=testtoken"),
        format!("{ATTRIBUTE_URL}?access_token="),
    ] {
        let r = env.get(&uri).await;
        r.status(400);
        assert_cors(&r);
        assert_eq!(r.text(), "access_token is a required parameter");
    }
    // The profile-management answers 400 and 404 have their Aurora causes.
    let r = env
        .get(&format!("{ATTRIBUTE_URL}?access_token=testtoken"))
        .await;
    r.status(400);
    assert_eq!(r.text(), "Invalid access token format");
    let r = env
        .get(&format!("{ATTRIBUTE_URL}?access_token={}", "ab".repeat(32)))
        .await;
    r.status(404);
    assert_cors(&r);
    assert_eq!(r.text(), "Access token does not exist");

    // The preflight needs no credentials.
    let r = env.request(Method::OPTIONS, ATTRIBUTE_URL, false).await;
    r.status(200);
    assert_cors(&r);
    assert_eq!(r.text(), "OK");
}

/// POST: the direct link (the channel's first page with the token merged in) and the
/// tracking link (with `service_id` and `auroraai_recommendation_id`).
pub async fn post_session_attributes_links(backend: Backend) {
    let env = env_or_skip!(backend);
    register_echannel(&env, &TransferAttribute::ALL).await;
    let r = env
        .post(
            ATTRIBUTE_URL,
            &json!({"service_channel_id": CH_ECHANNEL, "session_attributes": all_attributes()}),
        )
        .await;
    r.status(200);
    let body = r.text();
    let token = body
        .strip_prefix("url2?auroraai_access_token=")
        .expect("direct link");
    assert_eq!(token.len(), 64);
    assert!(token.bytes().all(|b| b.is_ascii_hexdigit()));
    // What the profile-management service received in the reference, the store holds now.
    let transfer = env
        .store
        .redeem_session_token(token)
        .await
        .expect("redeem")
        .expect("stored");
    assert_eq!(transfer.channel_id, CH_ECHANNEL);
    assert_eq!(transfer.attributes, all_attributes());

    let r = env
        .post(
            ATTRIBUTE_URL,
            &json!({
                "service_channel_id": CH_ECHANNEL,
                "service_id": TAIDE,
                "auroraai_recommendation_id": 3456,
                "session_attributes": {"age": 20}
            }),
        )
        .await;
    r.status(200);
    let link = r.text();
    let (base, query) = link.split_once('?').expect("query");
    assert_eq!(base, format!("{HOST}{REDIRECT_URL}"));
    let params: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let get = |k: &str| {
        params
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    };
    assert_eq!(get("service_id"), TAIDE);
    assert_eq!(get("service_channel_id"), CH_ECHANNEL);
    assert_eq!(get("recommendation_id"), "3456");
    assert_eq!(get("link_id"), "0");
    assert_eq!(get("auroraai_access_token").len(), 64);
    let transfer = env
        .store
        .redeem_session_token(get("auroraai_access_token"))
        .await
        .expect("redeem")
        .expect("stored");
    assert_eq!(transfer.attributes, json!({"age": 20}));
}

/// The profile-management error cases, as Aurora meets them; invalid inputs; credentials.
pub async fn session_transfer_errors(backend: Backend) {
    let env = env_or_skip!(backend);
    let send =
        |channel: &str| json!({"service_channel_id": channel, "session_attributes": {"age": 20}});
    // Not a registered receiver: 400 (profile-management's validation error).
    let r = env.post(ATTRIBUTE_URL, &send(CH_ECHANNEL)).await;
    r.status(400);
    assert!(
        r.text().starts_with("Session transfer not allowed."),
        "{}",
        r.text()
    );
    // Registered, but no such published channel: 404.
    let gone = "5894b8d5-2cc5-4e1c-9e38-0a6b0d1e5c3f";
    env.store
        .set_session_receiver(gone, &[TransferAttribute::Age])
        .await
        .expect("receiver");
    let r = env.post(ATTRIBUTE_URL, &send(gone)).await;
    r.status(404);
    assert_eq!(r.text(), "Service channel id not found");
    // A receiver channel without a web page: 404.
    env.store
        .set_session_receiver(CH_PHONE, &[TransferAttribute::Age])
        .await
        .expect("receiver");
    let r = env.post(ATTRIBUTE_URL, &send(CH_PHONE)).await;
    r.status(404);
    assert_eq!(r.text(), "No web page found for channel.");
    // A service the channel does not belong to.
    register_echannel(&env, &[TransferAttribute::Age]).await;
    let r = env
        .post(
            ATTRIBUTE_URL,
            &json!({"service_channel_id": CH_ECHANNEL, "service_id": HARRASTUS,
                    "auroraai_recommendation_id": 1, "session_attributes": {"age": 20}}),
        )
        .await;
    r.status(404);

    for bad in [
        json!({}),
        json!({"service_channel_id": CH_ECHANNEL}),
        json!({"session_attributes": all_attributes()}),
        json!({"service_channel_id": CH_ECHANNEL, "session_attributes": {"municipality_code": "9999"}}),
    ] {
        let r = env.post(ATTRIBUTE_URL, &bad).await;
        r.status(400);
        assert!(r.header(header::CONTENT_TYPE).starts_with("text/plain"));
        assert!(r.text().starts_with("Validation error in request data: "));
    }
    env.post_raw(
        ATTRIBUTE_URL,
        None,
        send(CH_ECHANNEL).to_string().into_bytes(),
    )
    .await
    .status(401);
}

/// A token is read once; attributes the channel may not receive never leave; with none left
/// no token is issued; tokens are not stored in the clear.
pub async fn session_tokens_are_single_use_and_filtered(backend: Backend) {
    let env = env_or_skip!(backend);
    register_echannel(&env, &[TransferAttribute::Age]).await;
    let r = env
        .post(
            ATTRIBUTE_URL,
            &json!({"service_channel_id": CH_ECHANNEL, "session_attributes": all_attributes()}),
        )
        .await;
    r.status(200);
    let token = token_of(&r.text());
    let uri = format!("{ATTRIBUTE_URL}?access_token={token}");
    let first = env.get(&uri).await;
    first.status(200);
    assert_eq!(first.json(), json!({"age": 20}));
    let again = env.get(&uri).await;
    again.status(404);
    assert_eq!(again.text(), "Access token does not exist");

    let r = env
        .post(
            ATTRIBUTE_URL,
            &json!({"service_channel_id": CH_ECHANNEL,
                    "session_attributes": {"municipality_code": "091"}}),
        )
        .await;
    r.status(200);
    assert_eq!(r.text(), "url2", "nothing receivable: no token");
}

/// A failing database is a 5xx with the reference's text, never a panic or a leak of the
/// cause.
pub async fn store_failures_are_reported_not_leaked(backend: Backend) {
    let env = env_or_skip!(backend);
    register_echannel(&env, &[TransferAttribute::Age]).await;
    env.store.close().await;
    let r = env
        .get(&format!("{ATTRIBUTE_URL}?access_token={}", "ab".repeat(32)))
        .await;
    assert!(r.status.is_server_error());
    assert_eq!(r.text(), "Error");
    assert_cors(&r);
    let r = env
        .post(
            ATTRIBUTE_URL,
            &json!({"service_channel_id": CH_ECHANNEL, "session_attributes": {"age": 20}}),
        )
        .await;
    assert!(r.status.is_server_error(), "{}", r.status);
    assert!(!r.text().to_lowercase().contains("pool"), "{}", r.text());
    let r = env.post(URL, &correct_input()).await;
    assert!(r.status.is_server_error(), "{}", r.status);
    assert!(!r.text().to_lowercase().contains("pool"), "{}", r.text());
}
