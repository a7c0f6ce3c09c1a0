//! `test_api_redirect_to_service.py`, query merging, channel ownership and click counting.

use aurora_store::RecommendationStore;
use axum::http::header;
use serde_json::{json, Value};

use crate::fixture::*;
use crate::harness::*;

/// A Helsinki recommendation (with `session_id` test_session) and its answer.
async fn recommendation(env: &Env) -> Value {
    let mut body = correct_input();
    body["service_filters"]["municipality_codes"] = json!(["091"]);
    env.post_ok(URL, &body).await
}

/// The path and query of a tracking link (the test router is addressed by path).
fn local(link: &str) -> String {
    link.strip_prefix(HOST).unwrap_or(link).to_string()
}

fn echannel_links(v: &Value) -> Vec<String> {
    v["recommended_services"][0]["service_channels"]
        .as_array()
        .and_then(|a| a.iter().find(|c| c["service_channel_id"] == CH_ECHANNEL))
        .and_then(|c| c["web_pages"].as_array())
        .map(|pages| {
            pages
                .iter()
                .filter_map(|p| p.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

pub async fn redirect_cases_of_the_reference(backend: Backend) {
    let env = env_or_skip!(backend);
    let v = recommendation(&env).await;
    let links = echannel_links(&v);
    assert_eq!(links.len(), 2);

    // The first link of the first service: 302, no credentials needed.
    let r = env.get(&local(&links[0])).await;
    r.status(302);
    assert_eq!(r.header(header::LOCATION), "url2?session_id=test_session");

    // A token appended to the link reaches the target.
    let r = env
        .get(&format!("{}&auroraai_access_token=TOKEN", local(&links[0])))
        .await;
    r.status(302);
    assert_eq!(
        r.header(header::LOCATION),
        "url2?session_id=test_session&auroraai_access_token=TOKEN"
    );

    // Unknown recommendation and channel.
    let r = env
        .get(&format!(
            "{REDIRECT_URL}?service_id=a9ba7a3c-30b2-41a8-8f24-e0fc255402a6\
             &service_channel_id=a9ba7a3c-30b2-41a8-8f24-e0fc255402a6&link_id=0\
             &recommendation_id=999999"
        ))
        .await;
    r.status(404);
    assert_eq!(r.text(), "Invalid redirect link");

    // No parameters.
    let r = env.get(REDIRECT_URL).await;
    r.status(400);
    assert!(r
        .text()
        .starts_with("Validation error in request query params: {'service_id': ['Missing data"));

    // A page the channel does not have; an unknown parameter.
    let id = v["auroraai_recommendation_id"].as_i64().expect("id");
    let base = format!(
        "{REDIRECT_URL}?service_id={TAIDE}&service_channel_id={CH_ECHANNEL}&recommendation_id={id}"
    );
    env.get(&format!("{base}&link_id=2")).await.status(404);
    env.get(&format!("{base}&link_id=31")).await.status(400);
    env.get(&format!("{base}&link_id=0&utm_source=x"))
        .await
        .status(400);
}

/// The target's own query string is kept and the parameters merged into it, encoded; a
/// channel that is not the service's is refused.
pub async fn redirect_merges_queries_and_checks_the_channel(backend: Backend) {
    let env = env_or_skip!(backend);
    let v = recommendation(&env).await;
    let links = echannel_links(&v);
    let r = env
        .get(&format!("{}&auroraai_access_token=a%26b", local(&links[1])))
        .await;
    r.status(302);
    assert_eq!(
        r.header(header::LOCATION),
        "https://palvelu.example.fi/asiointi?kieli=fi&session_id=test_session\
         &auroraai_access_token=a%26b#alku"
    );

    // HARRASTUS is in the recommendation but the e-service is TAIDE's.
    let id = v["auroraai_recommendation_id"].as_i64().expect("id");
    let r = env
        .get(&format!(
            "{REDIRECT_URL}?service_id={HARRASTUS}&service_channel_id={CH_ECHANNEL}\
             &link_id=0&recommendation_id={id}"
        ))
        .await;
    r.status(404);
    let stored = env
        .store
        .recommendation(id)
        .await
        .expect("read")
        .expect("stored");
    let harrastus = stored
        .services
        .iter()
        .find(|s| s.service_id == HARRASTUS)
        .expect("recommended");
    assert!(!harrastus.redirected, "nothing recorded");

    // A channel of the service, in a recommendation that does not contain the service.
    let mut body = correct_input();
    body["service_filters"]["municipality_codes"] = json!(["638"]);
    let other = env.post_ok(URL, &body).await["auroraai_recommendation_id"]
        .as_i64()
        .expect("id");
    env.get(&format!(
        "{REDIRECT_URL}?service_id={TAIDE}&service_channel_id={CH_ECHANNEL}\
         &link_id=0&recommendation_id={other}"
    ))
    .await
    .status(404);
}

/// Following a link many times counts one click.
pub async fn clicks_count_once(backend: Backend) {
    let env = env_or_skip!(backend);
    let v = recommendation(&env).await;
    let links = echannel_links(&v);
    for link in links.iter().chain(links.iter()).chain(links.iter()) {
        env.get(&local(link)).await.status(302);
    }
    let id = v["auroraai_recommendation_id"].as_i64().expect("id");
    let stored = env
        .store
        .recommendation(id)
        .await
        .expect("read")
        .expect("stored");
    let clicked: Vec<&str> = stored
        .services
        .iter()
        .filter(|s| s.redirected)
        .map(|s| s.service_id.as_str())
        .collect();
    assert_eq!(clicked, [TAIDE]);
    let stats = env
        .store
        .interaction_stats(&env.client_id, &[TAIDE.to_string()])
        .await
        .expect("stats");
    assert_eq!(stats[TAIDE].redirected, 1);
}
