//! The test app: the real router over a `SqlStore` on a temporary SQLite file, and helpers
//! that send one request in process and read the whole response.

use std::sync::{Arc, OnceLock};

use aurora_server::{router, AppState};
use aurora_store::{CatalogStore, ImportBatch, SqlStore};
use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use serde_json::Value;
use tempfile::TempDir;
use tower::ServiceExt;

use crate::fixtures;

pub struct TestApp {
    pub app: Router,
    pub state: AppState,
    pub store: Arc<SqlStore>,
    /// The twin's keys (the twin surfaces are on).
    pub keys: aurora_twin::keys::TwinKeys,
    /// A signed-in person: id, `Cookie` header value and the session's CSRF token.
    pub person: (String, String, String),
    _dir: TempDir,
}

/// The fixture catalogue, ready.
pub async fn app() -> TestApp {
    let app = app_not_ready().await;
    app.state.set_ready(true);
    app
}

/// The fixture catalogue, readiness flag not yet set.
pub async fn app_not_ready() -> TestApp {
    app_with(&[fixtures::batch()]).await
}

pub async fn app_with(batches: &[ImportBatch]) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("aurora.db").display());
    let store = Arc::new(SqlStore::open(&url).await.expect("open store"));
    for batch in batches {
        store.apply_batch(batch).await.expect("apply fixture batch");
    }
    let keys = aurora_twin::keys::TwinKeys::generate().expect("twin keys");
    let state = AppState::new(store.clone() as Arc<dyn CatalogStore>).with_twin(
        store.clone(),
        keys.clone(),
        aurora_server::TwinSettings::default(),
    );
    state
        .rebuild_search_index()
        .await
        .expect("build the search index");
    let person = signed_in_person(&store, &keys).await;
    TestApp {
        app: router(state.clone()),
        state,
        store,
        keys,
        person,
        _dir: dir,
    }
}

/// A person with a live session: (id, `Cookie` header value, CSRF token).
pub async fn signed_in_person(
    store: &SqlStore,
    keys: &aurora_twin::keys::TwinKeys,
) -> (String, String, String) {
    use aurora_store::people::PersonKind;
    let person = aurora_twin::person::create(store, keys, PersonKind::Person)
        .await
        .expect("create a person");
    session_for(store, keys, &person.id).await
}

/// A new live session (an hour) for an existing person: (id, `Cookie` header value, CSRF
/// token).
pub async fn session_for(
    store: &SqlStore,
    keys: &aurora_twin::keys::TwinKeys,
    person_id: &str,
) -> (String, String, String) {
    use aurora_store::people::{PersonStore, SessionRecord};
    let token = aurora_twin::token::generate().expect("token");
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    store
        .create_session(&SessionRecord {
            token_hash: aurora_twin::token::hash(&token),
            person_id: person_id.to_string(),
            auth_method: "test".into(),
            auth_time_unix: now,
            expires_at_unix: now + 3600,
        })
        .await
        .expect("create a session");
    let csrf = keys.mac_b64("session-csrf", token.as_bytes());
    (
        person_id.to_string(),
        format!("aurora_session={token}"),
        csrf,
    )
}

/// One intent engine for the whole test binary (building one takes about a second in a
/// debug build).
pub fn shared_understander() -> Arc<aurora_nlu::Understander> {
    static U: OnceLock<Arc<aurora_nlu::Understander>> = OnceLock::new();
    U.get_or_init(|| Arc::new(aurora_nlu::Understander::new()))
        .clone()
}

/// The fixture catalogue, ready, with the shared intent engine and the recommendation store.
pub async fn nlu_app() -> TestApp {
    let mut t = app().await;
    t.state = t
        .state
        .clone()
        .with_understander(shared_understander())
        .with_recommendation_store(t.store.clone() as Arc<dyn aurora_store::RecommendationStore>);
    t.app = router(t.state.clone());
    t
}

/// The router over any store (for failure doubles).
pub fn app_over(store: Arc<dyn CatalogStore>) -> Router {
    let state = AppState::new(store).with_search_index(aurora_search::SearchIndex::build(&[]));
    state.set_ready(true);
    router(state)
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Resp {
    #[track_caller]
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {}", self.text()))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: impl header::AsHeaderName) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// Asserts a problem+json response with this status and exact body.
    #[track_caller]
    pub fn assert_problem(&self, status: u16, body: Value) {
        assert_eq!(
            self.status.as_u16(),
            status,
            "status; body: {}",
            self.text()
        );
        assert_eq!(
            self.header(header::CONTENT_TYPE),
            "application/problem+json"
        );
        assert_eq!(self.json(), body);
    }
}

pub async fn send(app: &Router, request: Request<Body>) -> Resp {
    let response = app
        .clone()
        .oneshot(request)
        .await
        .expect("infallible service");
    let status = response.status();
    let headers = response.headers().clone();
    let body = axum::body::to_bytes(response.into_body(), 16 * 1024 * 1024)
        .await
        .expect("read body")
        .to_vec();
    Resp {
        status,
        headers,
        body,
    }
}

pub async fn get(app: &Router, uri: &str) -> Resp {
    send(app, Request::get(uri).body(Body::empty()).unwrap()).await
}

pub async fn get_with(app: &Router, uri: &str, name: &str, value: &str) -> Resp {
    send(
        app,
        Request::get(uri)
            .header(name, value)
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

/// `POST uri` with a JSON body.
pub async fn post_json(app: &Router, uri: &str, body: &Value) -> Resp {
    post_raw(
        app,
        uri,
        Some("application/json"),
        serde_json::to_vec(body).unwrap(),
    )
    .await
}

/// `POST uri` with any body and an optional `Content-Type`.
pub async fn post_raw(app: &Router, uri: &str, content_type: Option<&str>, body: Vec<u8>) -> Resp {
    let mut r = Request::post(uri);
    if let Some(ct) = content_type {
        r = r.header(header::CONTENT_TYPE, ct);
    }
    send(app, r.body(Body::from(body)).unwrap()).await
}

pub async fn request(app: &Router, method: Method, uri: &str) -> Resp {
    send(
        app,
        Request::builder()
            .method(method)
            .uri(uri)
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

impl TestApp {
    pub async fn get(&self, uri: &str) -> Resp {
        get(&self.app, uri).await
    }

    pub async fn post(&self, uri: &str, body: Value) -> Resp {
        post_json(&self.app, uri, &body).await
    }

    /// `POST uri` expecting 200 JSON.
    pub async fn post_ok(&self, uri: &str, body: Value) -> Value {
        let r = self.post(uri, body.clone()).await;
        assert_eq!(r.status, StatusCode::OK, "POST {uri} {body}: {}", r.text());
        r.json()
    }

    /// `GET uri` expecting 200 JSON.
    pub async fn get_json(&self, uri: &str) -> Value {
        let r = self.get(uri).await;
        assert_eq!(r.status, StatusCode::OK, "GET {uri}: {}", r.text());
        r.json()
    }

    /// The sorted ids of a service list response.
    pub async fn service_ids(&self, query: &str) -> Vec<String> {
        let body = self.get_json(&format!("/api/v1/services?{query}")).await;
        let mut ids: Vec<String> = body["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_string())
            .collect();
        ids.sort();
        ids
    }
}

/// Sorted ids.
pub fn ids(list: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = list.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}
