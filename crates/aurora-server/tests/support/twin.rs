//! Test support for the twin, consent and authorization surfaces (issue 5): the real router
//! over a temporary SQLite store with fresh keys, people with live sessions, request helpers,
//! and log capture for the "no secret in the logs" checks.
//!
//! Include it from a test binary with `#[path = "support/twin.rs"] mod support;`.
#![allow(dead_code)]

use std::io::Write as _;
use std::sync::{Arc, Mutex, OnceLock};

use aurora_server::{router, AppState, TwinSettings};
use aurora_store::people::{PersonKind, PersonStore, SessionRecord};
use aurora_store::{CatalogStore, SqlStore};
use aurora_twin::keys::TwinKeys;
use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use serde_json::Value;
use tempfile::TempDir;
use tower::ServiceExt;

/// The app under test.
pub struct TwinApp {
    pub app: Router,
    pub state: AppState,
    pub store: Arc<SqlStore>,
    pub keys: TwinKeys,
    pub dir: TempDir,
}

/// A person with a live session.
#[derive(Debug, Clone)]
pub struct Person {
    pub id: String,
    /// The whole `Cookie` header value.
    pub cookie: String,
    /// The session's CSRF token.
    pub csrf: String,
}

/// A response read whole.
#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "{} body is not JSON ({e}): {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The problem code of an error response.
    pub fn code(&self) -> String {
        self.json()["code"].as_str().unwrap_or_default().to_string()
    }
}

/// The settings of test apps: http on loopback, so cookies are not `Secure`.
pub fn settings() -> TwinSettings {
    TwinSettings {
        public_url: "http://127.0.0.1:8080".into(),
        ..TwinSettings::default()
    }
}

impl TwinApp {
    /// A fresh app over an empty temporary SQLite store.
    pub async fn new() -> TwinApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("aurora.db").display());
        TwinApp::at(&url, dir).await
    }

    /// A fresh app over the store at `url` (`dir` is kept for files the test writes).
    pub async fn at(url: &str, dir: TempDir) -> TwinApp {
        init_logs();
        let store = Arc::new(SqlStore::open(url).await.expect("open store"));
        let keys = TwinKeys::generate().expect("keys");
        TwinApp::over(store, keys, dir)
    }

    /// The app over a given store and keys.
    pub fn over(store: Arc<SqlStore>, keys: TwinKeys, dir: TempDir) -> TwinApp {
        let state = AppState::new(store.clone() as Arc<dyn CatalogStore>)
            .with_recommendation_store(store.clone() as Arc<dyn aurora_store::RecommendationStore>)
            .with_twin(store.clone(), keys.clone(), settings());
        state.set_ready(true);
        TwinApp {
            app: router(state.clone()),
            state,
            store,
            keys,
            dir,
        }
    }

    /// Rebuilds the router after `state` was changed.
    pub fn rebuild(&mut self) {
        self.app = router(self.state.clone());
    }

    /// A new person with a live session (as if just signed in).
    pub async fn new_person(&self) -> Person {
        let person =
            aurora_twin::person::create(self.store.as_ref(), &self.keys, PersonKind::Person)
                .await
                .expect("create person");
        self.session_for(&person.id).await
    }

    /// A new live session for an existing person.
    pub async fn session_for(&self, person_id: &str) -> Person {
        let token = aurora_twin::token::generate().expect("token");
        remember_secret(&token);
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        PersonStore::create_session(
            self.store.as_ref(),
            &SessionRecord {
                token_hash: aurora_twin::token::hash(&token),
                person_id: person_id.to_string(),
                auth_method: "test".into(),
                auth_time_unix: now,
                expires_at_unix: now + 3600,
            },
        )
        .await
        .expect("create session");
        let csrf = self.keys.mac_b64("session-csrf", token.as_bytes());
        Person {
            id: person_id.to_string(),
            cookie: format!("aurora_session={token}"),
            csrf,
        }
    }

    /// Sends a request: JSON body if given; the person's cookie and CSRF header if given.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        person: Option<&Person>,
        body: Option<&Value>,
    ) -> Resp {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(p) = person {
            req = req
                .header(header::COOKIE, &p.cookie)
                .header("x-csrf-token", &p.csrf);
        }
        let req = match body {
            Some(b) => req
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(serde_json::to_vec(b).expect("json"))),
            None => req.body(Body::empty()),
        }
        .expect("request");
        self.request(req).await
    }

    /// Like [`TwinApp::send`] with the cookie but without the CSRF header.
    pub async fn send_without_csrf(
        &self,
        method: Method,
        path: &str,
        person: &Person,
        body: Option<&Value>,
    ) -> Resp {
        let req = Request::builder()
            .method(method)
            .uri(path)
            .header(header::COOKIE, &person.cookie);
        let req = match body {
            Some(b) => req
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(serde_json::to_vec(b).expect("json"))),
            None => req.body(Body::empty()),
        }
        .expect("request");
        self.request(req).await
    }

    /// Sends any request.
    pub async fn request(&self, req: Request<Body>) -> Resp {
        let response = self.app.clone().oneshot(req).await.expect("infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body")
            .to_vec();
        Resp {
            status,
            headers,
            body,
        }
    }
}

// ------------------------------------------------------------------------------------------
// Logs and secrets
// ------------------------------------------------------------------------------------------

/// Everything logged by this test binary (all levels, all targets).
static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
/// Secrets (tokens, passwords, attribute values) the tests handled.
static SECRETS: Mutex<Vec<String>> = Mutex::new(Vec::new());

#[derive(Clone)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        // For the whole-run check, every line also goes to the run's log directory as it is
        // written (tests of a binary run in parallel: no one test is last).
        if let Some(path) = run_log_path() {
            if let Ok(mut f) = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
            {
                let _ = f.write_all(buf);
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Captures every log event of this test binary at TRACE level (once per binary).
pub fn init_logs() {
    LOGS.get_or_init(|| {
        let buf = Arc::new(Mutex::new(Vec::new()));
        let writer = Capture(buf.clone());
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        let _ = tracing::subscriber::set_global_default(subscriber);
        buf
    });
}

/// The logs so far.
pub fn captured_logs() -> String {
    LOGS.get()
        .map(|b| String::from_utf8_lossy(&b.lock().unwrap_or_else(|e| e.into_inner())).into_owned())
        .unwrap_or_default()
}

/// Notes a secret the logs must never contain. When `AURORA_TEST_LOG_DIR` is set, the secret
/// is also appended to `<dir>/secrets.txt` (and every log line to `<dir>/<binary>.log`), for
/// the whole-run check of `tests/log_audit.rs`.
pub fn remember_secret(secret: &str) {
    if secret.len() < 4 {
        return;
    }
    SECRETS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(secret.to_string());
    if let Some(dir) = std::env::var_os("AURORA_TEST_LOG_DIR") {
        let _ = std::fs::create_dir_all(&dir);
        let path = std::path::Path::new(&dir).join("secrets.txt");
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
        {
            let _ = writeln!(f, "{secret}");
        }
    }
}

/// Asserts that no remembered secret appears in the logs captured so far by this binary.
pub fn assert_no_secret_in_logs() {
    let logs = captured_logs();
    let secrets = SECRETS.lock().unwrap_or_else(|e| e.into_inner()).clone();
    for s in secrets {
        assert!(
            !logs.contains(&s),
            "a secret handled by the tests appears in the logs (first 4 characters {:?})",
            &s[..4]
        );
    }
}

/// `AURORA_TEST_LOG_DIR/<test binary>.log`, when the variable is set.
fn run_log_path() -> Option<std::path::PathBuf> {
    static PATH: OnceLock<Option<std::path::PathBuf>> = OnceLock::new();
    PATH.get_or_init(|| {
        let dir = std::env::var_os("AURORA_TEST_LOG_DIR")?;
        let _ = std::fs::create_dir_all(&dir);
        let exe = std::env::current_exe()
            .ok()
            .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "tests".into());
        Some(std::path::Path::new(&dir).join(format!("{exe}.log")))
    })
    .clone()
}
