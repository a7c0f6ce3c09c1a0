//! The test app of the recommender API: the real router over a `SqlStore` holding the
//! reference fixture (imported from PTV JSON), with one registered API client, on SQLite
//! (a temporary file) and, when `AURORA_TEST_DATABASE_URL` names a PostgreSQL database, on
//! PostgreSQL too (each test in a schema of its own, dropped afterwards).
//!
//! `compat_tests! { module::test, … }` instantiates each `async fn test(backend: Backend)`
//! as `sqlite::test` and `postgres::test`.

use std::io::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use aurora_catalog::{import_path, ImportOptions, NoProgress};
use aurora_guide::threex10d::RankingMode;
use aurora_server::{router, AppState, CompatConfig};
use aurora_store::{CatalogStore, RecommendationStore, SqlStore};
use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use serde_json::Value;
use sqlx::AnyPool;
use tower::ServiceExt;

use crate::fixture;

pub const PG_ENV: &str = "AURORA_TEST_DATABASE_URL";
pub const HOST: &str = "https://unit-test-host";
pub const URL: &str = "/service-recommender/v1/recommend_service";
pub const TEXT_SEARCH_URL: &str = "/service-recommender/v1/text_search";
pub const FEEDBACK_URL: &str = "/service-recommender/v1/recommendation_feedback";
pub const ATTRIBUTE_URL: &str = "/service-recommender/v1/session_attributes";
pub const REDIRECT_URL: &str = "/service-recommender/v1/redirect";

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A running test app.
pub struct Env {
    pub app: Router,
    pub state: AppState,
    pub store: Arc<SqlStore>,
    /// `Basic …` of the registered client (`test_service` of `test_organisation`).
    pub auth: String,
    pub client_id: String,
    _dir: Option<tempfile::TempDir>,
    pg: Option<PgSchema>,
}

struct PgSchema {
    base_url: String,
    schema: String,
}

static SEQ: AtomicUsize = AtomicUsize::new(0);

/// Standard base64, for building `Authorization` headers.
pub fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The compat settings of most tests: the reference's ranking, its `service_host`.
pub fn compat_config() -> CompatConfig {
    CompatConfig {
        require_api_auth: true,
        service_host: Some(HOST.to_string()),
        max_concurrent_tasks: 5,
        ranking: RankingMode::Compat,
    }
}

/// The fixture app with [`compat_config`]; `None` when the backend is not available.
pub async fn env(backend: Backend) -> Option<Env> {
    env_with(backend, compat_config()).await
}

/// The fixture app with `config`.
pub async fn env_with(backend: Backend, config: CompatConfig) -> Option<Env> {
    let (store, url_dir, pg) = match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!("sqlite://{}", dir.path().join("aurora.db").display());
            let store = SqlStore::open(&url).await.expect("open sqlite");
            (store, Some(dir), None)
        }
        Backend::Postgres => {
            let base_url = std::env::var(PG_ENV).ok().filter(|u| !u.trim().is_empty());
            let Some(base_url) = base_url else {
                let _ = writeln!(
                    std::io::stderr(),
                    "postgres: SKIPPED ({PG_ENV} is not set; nothing was tested on PostgreSQL)"
                );
                return None;
            };
            let nanos = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.subsec_nanos())
                .unwrap_or(0);
            let schema = format!(
                "aurora_compat_{}_{}_{}",
                std::process::id(),
                SEQ.fetch_add(1, Ordering::Relaxed),
                nanos % 1_000_000
            );
            sqlx::any::install_default_drivers();
            let admin = AnyPool::connect(&base_url).await.expect("connect postgres");
            sqlx::raw_sql(&format!("CREATE SCHEMA {schema}"))
                .execute(&admin)
                .await
                .expect("create schema");
            admin.close().await;
            let sep = if base_url.contains('?') { '&' } else { '?' };
            let url = format!("{base_url}{sep}options=-c%20search_path%3D{schema}");
            let pg = PgSchema { base_url, schema };
            let store = match SqlStore::open(&url).await {
                Ok(s) => s,
                Err(e) => {
                    drop_schema(&pg);
                    panic!("open postgres store: {e}");
                }
            };
            (store, None, Some(pg))
        }
    };
    let store = Arc::new(store);
    load_fixture(&store).await;
    let issued = store
        .create_client("test_service", "test_organisation")
        .await
        .expect("client");
    let auth = format!(
        "Basic {}",
        base64(format!("{}:{}", issued.client.id, issued.secret).as_bytes())
    );
    let state = AppState::new(store.clone() as Arc<dyn CatalogStore>)
        .with_recommendation_store(store.clone() as Arc<dyn RecommendationStore>)
        .with_compat_config(config);
    state.rebuild_search_index().await.expect("index");
    state.set_ready(true);
    Some(Env {
        app: router(state.clone()),
        state,
        store,
        auth,
        client_id: issued.client.id,
        _dir: url_dir,
        pg,
    })
}

/// Imports the fixture's PTV JSON and labels; the untyped channel is the one rejection.
async fn load_fixture(store: &SqlStore) {
    let dir = tempfile::tempdir().expect("fixture dir");
    std::fs::write(
        dir.path().join("services.json"),
        fixture::services().to_string(),
    )
    .expect("write services");
    std::fs::write(
        dir.path().join("channels.json"),
        fixture::channels().to_string(),
    )
    .expect("write channels");
    let report = import_path(store, dir.path(), &ImportOptions::default(), &NoProgress)
        .await
        .expect("import fixture");
    assert_eq!(report.services.inserted, 8, "{}", report.summary());
    assert_eq!(report.channels.inserted, 4, "{}", report.summary());
    assert_eq!(report.rejected.len(), 1, "{}", report.summary());
    let outcome = store.set_labels(&fixture::labels()).await.expect("labels");
    assert!(outcome.unknown_ids.is_empty());
}

impl Drop for Env {
    fn drop(&mut self) {
        if let Some(pg) = &self.pg {
            drop_schema(pg);
        }
    }
}

fn drop_schema(pg: &PgSchema) {
    let base_url = pg.base_url.clone();
    let schema = pg.schema.clone();
    let result = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        rt.block_on(async move {
            let pool = AnyPool::connect(&base_url)
                .await
                .map_err(|e| e.to_string())?;
            sqlx::raw_sql(&format!(
                "SET lock_timeout = '10s'; DROP SCHEMA IF EXISTS {schema} CASCADE"
            ))
            .execute(&pool)
            .await
            .map_err(|e| e.to_string())?;
            pool.close().await;
            Ok::<(), String>(())
        })
    })
    .join();
    if !matches!(result, Ok(Ok(()))) {
        eprintln!("could not drop test schema {}", pg.schema);
    }
}

/// A response, read whole.
pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Resp {
    #[track_caller]
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
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

    #[track_caller]
    pub fn status(&self, want: u16) -> &Self {
        assert_eq!(self.status.as_u16(), want, "body: {}", self.text());
        self
    }
}

pub async fn send(app: &Router, request: Request<Body>) -> Resp {
    let response = app.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let body = axum::body::to_bytes(response.into_body(), 16 * 1024 * 1024)
        .await
        .expect("body")
        .to_vec();
    Resp {
        status,
        headers,
        body,
    }
}

impl Env {
    /// `POST` with the client's credentials and a JSON content type.
    pub async fn post(&self, uri: &str, body: &Value) -> Resp {
        self.post_raw(
            uri,
            Some(&self.auth),
            serde_json::to_vec(body).expect("json"),
        )
        .await
    }

    /// `POST` with a raw body and optional `Authorization`.
    pub async fn post_raw(&self, uri: &str, auth: Option<&str>, body: Vec<u8>) -> Resp {
        let mut r = Request::post(uri).header(header::CONTENT_TYPE, "application/json");
        if let Some(a) = auth {
            r = r.header(header::AUTHORIZATION, a);
        }
        send(&self.app, r.body(Body::from(body)).expect("request")).await
    }

    /// `POST uri` expecting 200 JSON.
    pub async fn post_ok(&self, uri: &str, body: &Value) -> Value {
        let r = self.post(uri, body).await;
        assert_eq!(r.status, StatusCode::OK, "POST {uri} {body}: {}", r.text());
        r.json()
    }

    /// `GET` without credentials.
    pub async fn get(&self, uri: &str) -> Resp {
        send(
            &self.app,
            Request::get(uri).body(Body::empty()).expect("request"),
        )
        .await
    }

    /// Any method, optional credentials, no body.
    pub async fn request(&self, method: Method, uri: &str, auth: bool) -> Resp {
        let mut r = Request::builder().method(method).uri(uri);
        if auth {
            r = r.header(header::AUTHORIZATION, &self.auth);
        }
        send(&self.app, r.body(Body::empty()).expect("request")).await
    }
}

/// `compat_tests! { module::name, … }` defines `sqlite::name` and `postgres::name` for each
/// `async fn name(backend: Backend)`.
macro_rules! compat_tests {
    ($($module:ident :: $name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    $crate::$module::$name($crate::harness::Backend::Sqlite).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    $crate::$module::$name($crate::harness::Backend::Postgres).await;
                }
            )*
        }
    };
}

/// The fixture app or, for PostgreSQL without a database, return from the test.
macro_rules! env_or_skip {
    ($backend:expr) => {
        match $crate::harness::env($backend).await {
            Some(e) => e,
            None => return,
        }
    };
    ($backend:expr, $config:expr) => {
        match $crate::harness::env_with($backend, $config).await {
            Some(e) => e,
            None => return,
        }
    };
}
