//! `test_api_call_logging` and §9.13–14: each request is logged once with its route, status
//! and request id; credentials, secrets, tokens and request bodies never reach the log.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use aurora_store::{RecommendationStore, TransferAttribute};
use axum::body::Body;
use axum::http::{header, Request};
use serde_json::{json, Value};

use crate::fixture::*;
use crate::harness::*;

#[derive(Clone)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The log of this test binary, as JSON lines (a process-wide subscriber, installed once).
fn captured() -> Arc<Mutex<Vec<u8>>> {
    static LOG: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOG.get_or_init(|| {
        let buffer = Buffer(Arc::new(Mutex::new(Vec::new())));
        let inner = buffer.0.clone();
        let _ = tracing_subscriber::fmt()
            .json()
            .with_max_level(tracing::Level::DEBUG)
            .with_writer(move || buffer.clone())
            .try_init();
        inner
    })
    .clone()
}

fn log_text(log: &Arc<Mutex<Vec<u8>>>) -> String {
    String::from_utf8_lossy(&log.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
}

async fn send_with_id(env: &Env, request: Request<Body>) -> Resp {
    send(&env.app, request).await
}

fn post(uri: &str, auth: &str, id: &str, body: &Value) -> Request<Body> {
    Request::post(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, auth)
        .header("x-request-id", id)
        .body(Body::from(body.to_string()))
        .expect("request")
}

pub async fn requests_are_logged_without_secrets(backend: Backend) {
    let log = captured();
    let env = env_or_skip!(backend);
    let tag = format!("logging-{backend:?}-{}", std::process::id());
    let client = env
        .store
        .create_client("logging_service", "logging_org")
        .await
        .expect("client");
    let auth = format!(
        "Basic {}",
        base64(format!("{}:{}", client.client.id, client.secret).as_bytes())
    );
    let mut body = correct_input();
    body["service_filters"]["municipality_codes"] = json!(["091"]);
    // A marker only the request body carries: bodies are never logged.
    let session_marker = format!("session-marker-{tag}");
    body["session_id"] = json!(session_marker);
    let r = send_with_id(&env, post(URL, &auth, &format!("{tag}-1"), &body)).await;
    r.status(200);
    let id = r.json()["auroraai_recommendation_id"].as_i64().expect("id");
    send_with_id(
        &env,
        post(FEEDBACK_URL, &auth, &format!("{tag}-2"), &feedback(id)),
    )
    .await
    .status(200);
    let get = Request::get(ATTRIBUTE_URL)
        .header("x-request-id", format!("{tag}-3"))
        .body(Body::empty())
        .expect("request");
    send_with_id(&env, get).await.status(400);

    // Secrets in every place a request can carry them.
    let wrong = format!(
        "Basic {}",
        base64(format!("{}:{}", client.client.id, "f00d".repeat(16)).as_bytes())
    );
    send_with_id(&env, post(URL, &wrong, &format!("{tag}-4"), &body))
        .await
        .status(401);
    env.store
        .set_session_receiver(CH_ECHANNEL, &[TransferAttribute::Age])
        .await
        .expect("receiver");
    let r = send_with_id(
        &env,
        post(
            ATTRIBUTE_URL,
            &auth,
            &format!("{tag}-5"),
            &json!({"service_channel_id": CH_ECHANNEL, "session_attributes": {"age": 77}}),
        ),
    )
    .await;
    r.status(200);
    let token = r.text().rsplit('=').next().unwrap_or_default().to_string();
    assert_eq!(token.len(), 64);
    let redirect = format!(
        "{REDIRECT_URL}?service_id={TAIDE}&service_channel_id={CH_ECHANNEL}&link_id=0\
         &recommendation_id={id}&auroraai_access_token={token}"
    );
    env.get(&redirect).await.status(302);
    env.get(&format!("{ATTRIBUTE_URL}?access_token={token}"))
        .await
        .status(200);

    let text = log_text(&log);
    let lines: Vec<Value> = text
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let logged = |n: usize| -> Vec<(String, i64)> {
        lines
            .iter()
            .filter(|l| l["fields"]["request_id"] == format!("{tag}-{n}"))
            .filter(|l| l["target"] == "aurora_server::request")
            .map(|l| {
                (
                    l["fields"]["route"].as_str().unwrap_or("").to_string(),
                    l["fields"]["status"].as_i64().unwrap_or(0),
                )
            })
            .collect()
    };
    assert_eq!(
        logged(1),
        [("/service-recommender/v1/recommend_service".to_string(), 200)]
    );
    assert_eq!(
        logged(2),
        [(
            "/service-recommender/v1/recommendation_feedback".to_string(),
            200
        )]
    );
    assert_eq!(
        logged(3),
        [(
            "/service-recommender/v1/session_attributes".to_string(),
            400
        )]
    );
    assert_eq!(logged(4).len(), 1);
    // The failed authentication is logged with the client id, not the secret.
    assert!(text.contains(&client.client.id));
    for secret in [
        client.secret.as_str(),
        auth.as_str(),
        auth.trim_start_matches("Basic "),
        wrong.trim_start_matches("Basic "),
        "f00df00df00d",
        token.as_str(),
        session_marker.as_str(),
        "\"age\":77",
    ] {
        let found: Vec<&str> = text
            .lines()
            .filter(|l| l.contains(secret))
            .take(3)
            .collect();
        assert!(found.is_empty(), "the log contains {secret:?}: {found:?}");
    }
}
