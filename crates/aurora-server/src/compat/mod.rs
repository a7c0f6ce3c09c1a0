//! The AuroraAI-compatible recommender API under `/service-recommender/v1/`: the reference's
//! endpoints, request validation, response shapes, status codes and body texts
//! (`vrk-kpa/auroraai-core-components`, see `docs/reference-recommender.md`), with its flaws
//! fixed.
//!
//! | method, path | what |
//! |---|---|
//! | `POST recommend_service` | 3X10D life-situation recommendation ([`aurora_guide::threex10d`]) |
//! | `POST text_search` | free-text search over the in-memory index, same filters; `language` honoured |
//! | `POST recommendation_feedback` | overall and per-service feedback ±1 |
//! | `GET redirect` | tracking link → 302 to the channel's web page (no authentication) |
//! | `POST session_attributes` | anonymous session transfer: a link carrying a single-use token |
//! | `GET session_attributes` | the receiving service redeems the token (no authentication) |
//! | `OPTIONS session_attributes` | CORS preflight |
//!
//! Bodies are the reference's: JSON for results, text otherwise (`OK`, `Unauthorized`,
//! `Server busy.`, `Validation error in request data: {…}` with marshmallow's messages, see
//! `validate.rs`), `text/html` as Flask sends them (`text/plain` for session-attribute
//! validation errors).
//!
//! # Authentication
//!
//! `Authorization: Basic base64(client_id:secret)` against the store's API clients
//! (`aurora client add` prints a secret once; only a salted hash is kept), on every endpoint
//! except `GET redirect`, `GET session_attributes` and the `OPTIONS` preflight (a browser
//! never sends credentials on a preflight; the reference demanded them and so broke CORS).
//! [`CompatConfig::require_api_auth`] `false` turns it off, as the reference's
//! `require_api_auth`; every caller is then the anonymous client `""`.
//!
//! # The reference's flaws and what is done instead
//!
//! * **Leaking task limiter** (§9.6): the concurrency limit is a semaphore permit held by a
//!   guard ([`limiter`]); it is returned however the request ends, and 503 `Server busy.`
//!   means exactly that [`CompatConfig::max_concurrent_tasks`] tasks are running.
//! * **500 when no service is labelled for the meters given**: an empty result, 200.
//! * **Tracking abuse** (§9.4, §9.15): recommendations are created only by authenticated
//!   clients and get random, non-sequential ids; feedback is accepted only from the client
//!   that created the recommendation (anyone else gets the same 404 as for an unknown id)
//!   and keeps one value per recommendation and per service (the last given); a click on
//!   `/redirect` is counted once per (recommendation, service) however often the link is
//!   followed, and only for a channel that belongs to the service.
//! * **Redirect URLs** (§9.9): the target keeps its own query string; `session_id` and
//!   `auroraai_access_token` are merged into it percent-encoded, replacing parameters of the
//!   same name; the channel must belong to the service.
//! * **Secrets in logs** (§9.13, §9.14): credentials, tokens and request bodies are never
//!   logged (the request log has method, route template, status and latency only).
//! * **Session-transfer tokens** (§9.15): 32 random bytes, stored as a SHA-256; bound to the
//!   channel they were issued for, carrying only the attributes that channel's registered
//!   receiver accepts; valid 24 hours and **single use**: the first `GET
//!   session_attributes?access_token=…` returns the attributes (same JSON as the reference)
//!   and deletes them, so a token leaked later from a log, a browser history or a `Referer`
//!   header reads nothing. A receiving service must keep what it read.
//! * **No profile-management service**: Aurora is its own registry of API clients and
//!   session-transfer receivers (PTV channel id → receivable attributes), kept in the store.
//!
//! # Deliberate differences
//!
//! * `rerank: true` on `recommend_service` re-sorts the best `4 × limit` (at most 100)
//!   candidates by Aurora's outcome learner (position-debiased clicks and feedback of
//!   authenticated clients in the same situation, bounded, see `aurora_guide::learning`)
//!   instead of the reference's XGBoost model, which was close to meaningless (§3, §9.4);
//!   `similarity_score` is then the need score times the learned factor. On `text_search`
//!   `rerank` is validated and has no effect.
//! * `similarity_score` of `text_search` is the BM25F (or hybrid) score of the in-memory
//!   index, not a fastText cosine; ranks are 1..n as before.
//! * Ranking of `recommend_service` follows [`CompatConfig::ranking`]: the reference's cosine
//!   over hand-labelled services ([`RankingMode::Compat`]) or Aurora's ranking of every
//!   candidate ([`RankingMode::Aurora`], the default). Each service then also carries
//!   `relevance_source` and `explanation`: the dimensions that contributed most, with the
//!   person's rating, worded in the language of `Accept-Language` (fi, sv or en; default fi).
//! * Service collections are validated against the collections of the published catalogue
//!   (the reference asked the live PTV API on every request).
//! * The mock municipality `000` is accepted, as by the reference's schema, but matches no
//!   service: Aurora has no hard-coded mock service.
//! * Feedback naming a recommendation the caller does not own is `404 Invalid
//!   recommendation_id: N` even when it carries only per-service scores.

pub(crate) mod auth;
mod feedback;
mod format;
pub(crate) mod limiter;
mod recommend;
mod redirect;
mod session;
mod validate;

use std::collections::HashSet;
use std::sync::{Arc, RwLock};

use aurora_guide::threex10d::{HandLabels, RankingMode, Recommender, RelevanceSource};
use aurora_model::{Lang, Service};
use aurora_search::SearchIndex;
use aurora_store::RecommendationStore;
use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::Value;

use crate::state::AppState;

use self::limiter::TaskLimiter;

/// Seconds the session-transfer receivers are cached.
pub(crate) const RECEIVERS_TTL_SECS: u64 = 5;

/// The path prefix of the reference's blueprint.
pub(crate) const PREFIX: &str = "/service-recommender/v1";

/// Settings of the recommender API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompatConfig {
    /// Require HTTP Basic client credentials (the reference's `require_api_auth`). Default
    /// true.
    pub require_api_auth: bool,
    /// The public base URL of this node (`https://aurora.example.fi`), prefixed to tracking
    /// links (the reference's `service_host`). `None`: links relative to the node
    /// (`/service-recommender/v1/redirect?…`).
    pub service_host: Option<String>,
    /// Recommendation tasks (`recommend_service`, `text_search`) running at once before the
    /// next one is answered 503 `Server busy.`. Default 64.
    pub max_concurrent_tasks: usize,
    /// How `recommend_service` ranks. Default [`RankingMode::Aurora`].
    pub ranking: RankingMode,
}

impl Default for CompatConfig {
    fn default() -> Self {
        CompatConfig {
            require_api_auth: true,
            service_host: None,
            max_concurrent_tasks: 64,
            ranking: RankingMode::Aurora,
        }
    }
}

/// What the recommender API shares between requests.
pub(crate) struct CompatState {
    pub(crate) config: CompatConfig,
    pub(crate) limiter: TaskLimiter,
    pub(crate) store: Option<Arc<dyn RecommendationStore>>,
    /// Recently authenticated clients (see [`auth::AuthCache`]).
    pub(crate) auth_cache: auth::AuthCache,
    /// The session-transfer receivers, read at most every [`RECEIVERS_TTL_SECS`].
    receivers: std::sync::Mutex<Option<(std::time::Instant, Arc<HashSet<String>>)>>,
    recommender: RwLock<Option<Arc<Recommender>>>,
    relevance: RwLock<Option<Arc<dyn RelevanceSource>>>,
}

impl std::fmt::Debug for CompatState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CompatState")
            .field("config", &self.config)
            .field("has_store", &self.store.is_some())
            .field("recommender", &self.recommender())
            .finish()
    }
}

impl Default for CompatState {
    fn default() -> Self {
        CompatState::new(CompatConfig::default(), None)
    }
}

impl CompatState {
    pub(crate) fn new(config: CompatConfig, store: Option<Arc<dyn RecommendationStore>>) -> Self {
        CompatState {
            limiter: TaskLimiter::new(config.max_concurrent_tasks),
            config,
            store,
            auth_cache: auth::AuthCache::default(),
            receivers: std::sync::Mutex::new(None),
            recommender: RwLock::new(None),
            relevance: RwLock::new(None),
        }
    }

    /// The same state with other settings or another store (the recommender is kept).
    pub(crate) fn with(
        &self,
        config: Option<CompatConfig>,
        store: Option<Arc<dyn RecommendationStore>>,
    ) -> Self {
        let next = CompatState::new(
            config.unwrap_or_else(|| self.config.clone()),
            store.or_else(|| self.store.clone()),
        );
        next.set_recommender(self.recommender());
        next.set_relevance(self.relevance());
        next
    }

    /// The current 3X10D engine.
    pub(crate) fn recommender(&self) -> Option<Arc<Recommender>> {
        self.recommender
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub(crate) fn set_recommender(&self, recommender: Option<Arc<Recommender>>) {
        *self.recommender.write().unwrap_or_else(|e| e.into_inner()) = recommender;
    }

    /// The learned relevance used when the engine is next built.
    pub(crate) fn relevance(&self) -> Option<Arc<dyn RelevanceSource>> {
        self.relevance
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub(crate) fn set_relevance(&self, source: Option<Arc<dyn RelevanceSource>>) {
        *self.relevance.write().unwrap_or_else(|e| e.into_inner()) = source;
    }

    /// The channels that accept session transfer: the store's list, re-read at most every
    /// [`RECEIVERS_TTL_SECS`] (a registration shows in answers within that time).
    pub(crate) async fn session_receivers(
        &self,
        store: &dyn RecommendationStore,
    ) -> Result<Arc<HashSet<String>>, aurora_store::Error> {
        let ttl = std::time::Duration::from_secs(RECEIVERS_TTL_SECS);
        if let Some((at, set)) = &*self.receivers.lock().unwrap_or_else(|e| e.into_inner()) {
            if at.elapsed() < ttl {
                return Ok(set.clone());
            }
        }
        let set = Arc::new(store.session_receivers().await?);
        *self.receivers.lock().unwrap_or_else(|e| e.into_inner()) =
            Some((std::time::Instant::now(), set.clone()));
        Ok(set)
    }

    /// The base of tracking links.
    pub(crate) fn link_base(&self) -> &str {
        self.config
            .service_host
            .as_deref()
            .map(|h| h.trim_end_matches('/'))
            .unwrap_or("")
    }

    /// The recommendation store; `None` (logged) when the server was built without one.
    pub(crate) fn store(&self) -> Option<&Arc<dyn RecommendationStore>> {
        if self.store.is_none() {
            tracing::error!("the recommender API has no recommendation store configured");
        }
        self.store.as_ref()
    }
}

/// The 3X10D engine over `index`: hand labels from `services`, else `learned`.
pub(crate) fn build_recommender(
    index: Arc<SearchIndex>,
    services: &[Service],
    learned: Option<Arc<dyn RelevanceSource>>,
) -> Recommender {
    Recommender::build(
        index,
        &HandLabels::from_services(services),
        learned.as_deref(),
    )
}

/// The routes.
pub(crate) fn routes() -> Router<AppState> {
    let path = |p: &str| format!("{PREFIX}/{p}");
    Router::new()
        .route(
            &path("recommend_service"),
            post(recommend::recommend_service).fallback(post_only),
        )
        .route(
            &path("text_search"),
            post(recommend::text_search).fallback(post_only),
        )
        .route(
            &path("recommendation_feedback"),
            post(feedback::feedback).fallback(post_only),
        )
        .route(
            &path("redirect"),
            get(redirect::redirect).fallback(get_only),
        )
        .route(
            &path("session_attributes"),
            get(session::get_attributes)
                .post(session::post_attributes)
                .options(session::options)
                .fallback(session_methods),
        )
}

/// Marks a response whose body is the reference's own, so the problem+json layer leaves it
/// as it is.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ReferenceBody;

fn respond(status: StatusCode, content_type: &'static str, body: impl Into<Body>) -> Response {
    let mut r = (status, body.into()).into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    r.extensions_mut().insert(ReferenceBody);
    r
}

/// A text body as Flask sends a returned string (`text/html`).
pub(crate) fn html(status: StatusCode, text: impl Into<String>) -> Response {
    respond(status, "text/html; charset=utf-8", text.into())
}

/// A `text/plain` body.
pub(crate) fn plain(status: StatusCode, text: impl Into<String>) -> Response {
    respond(status, "text/plain; charset=utf-8", text.into())
}

/// A JSON body.
pub(crate) fn json(status: StatusCode, value: &Value) -> Response {
    respond(status, "application/json", value.to_string())
}

/// Adds the reference's CORS headers.
pub(crate) fn cors(mut r: Response) -> Response {
    let h = r.headers_mut();
    h.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("Content-Type"),
    );
    r
}

/// 401, with the reference's challenge header.
pub(crate) fn unauthorized() -> Response {
    let mut r = html(StatusCode::UNAUTHORIZED, "Unauthorized");
    r.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Authorization realm=\"Service recommender API\""),
    );
    r
}

/// 503 `Server busy.`: all task slots are in use.
pub(crate) fn busy(limiter: &TaskLimiter) -> Response {
    tracing::warn!(
        running = limiter.running(),
        capacity = limiter.capacity(),
        "recommender API at capacity"
    );
    html(StatusCode::SERVICE_UNAVAILABLE, "Server busy.")
}

/// 503: the database is unreachable or the index not built yet; retry.
pub(crate) fn unavailable() -> Response {
    let mut r = html(StatusCode::SERVICE_UNAVAILABLE, "Service unavailable.");
    r.headers_mut().insert(
        header::RETRY_AFTER,
        HeaderValue::from(crate::error::RETRY_AFTER_SECS),
    );
    r
}

/// 500 `InternalServerError`; the cause goes to the log only.
pub(crate) fn internal(cause: &dyn std::fmt::Display) -> Response {
    tracing::error!(
        error = %crate::error::redact_credentials(&cause.to_string()),
        "recommender API internal error"
    );
    html(StatusCode::INTERNAL_SERVER_ERROR, "InternalServerError")
}

/// A store error: 503 when the database is unavailable, else 500.
pub(crate) fn store_error(e: aurora_store::Error) -> Response {
    if e.is_unavailable() {
        tracing::warn!(
            error = %crate::error::redact_credentials(&e.to_string()),
            "recommender API database unavailable"
        );
        unavailable()
    } else {
        internal(&e)
    }
}

/// 400 with marshmallow's messages.
pub(crate) fn invalid(errors: &validate::Errors) -> Response {
    html(
        StatusCode::BAD_REQUEST,
        format!("Validation error in request data: {}", errors.python()),
    )
}

/// 405, as Flask answers a method a route does not take, with the methods it does take.
fn not_allowed(method: &Method, allow: &'static str) -> Response {
    let mut r = html(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("Method Not Allowed: the method {method} is not allowed for the requested URL."),
    );
    r.headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static(allow));
    r
}

async fn post_only(method: Method) -> Response {
    not_allowed(&method, "POST")
}

async fn get_only(method: Method) -> Response {
    not_allowed(&method, "GET, HEAD")
}

async fn session_methods(method: Method) -> Response {
    not_allowed(&method, "GET, HEAD, OPTIONS, POST")
}

/// Why a request body was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum BodyError {
    /// Not UTF-8.
    Encoding,
    /// A `Content-Type` that is not JSON.
    MediaType,
    /// Not valid JSON.
    Syntax(String),
}

impl IntoResponse for BodyError {
    fn into_response(self) -> Response {
        match self {
            BodyError::Encoding => html(
                StatusCode::BAD_REQUEST,
                "Invalid encoding in request. Only UTF-8 is supported.",
            ),
            BodyError::MediaType => html(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Unsupported Media Type: Did not attempt to load JSON data because the request \
                 Content-Type was not 'application/json'.",
            ),
            BodyError::Syntax(e) => html(
                StatusCode::BAD_REQUEST,
                format!("Bad Request: Failed to decode JSON object: {e}"),
            ),
        }
    }
}

/// The JSON body of a request: UTF-8 (else the reference's 400), a JSON media type (or
/// none), valid JSON.
pub(crate) fn json_body(headers: &HeaderMap, body: &Bytes) -> Result<Value, BodyError> {
    let text = std::str::from_utf8(body).map_err(|_| BodyError::Encoding)?;
    if let Some(ct) = headers.get(header::CONTENT_TYPE) {
        let essence = ct
            .to_str()
            .unwrap_or("")
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if essence != "application/json"
            && !(essence.starts_with("application/") && essence.ends_with("+json"))
        {
            return Err(BodyError::MediaType);
        }
    }
    serde_json::from_str(text).map_err(|e| BodyError::Syntax(e.to_string()))
}

/// fi, sv or en from `Accept-Language` (the first of them listed), default fi.
pub(crate) fn accept_language(headers: &HeaderMap) -> Lang {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.split(',').find_map(|part| {
                let tag = part.split(';').next().unwrap_or("").trim();
                Lang::parse(tag.split('-').next().unwrap_or(""))
            })
        })
        .unwrap_or(Lang::Fi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_come_from_accept_language() {
        let h = |v: &str| {
            let mut m = HeaderMap::new();
            m.insert(
                header::ACCEPT_LANGUAGE,
                HeaderValue::from_str(v).expect("h"),
            );
            m
        };
        assert_eq!(accept_language(&h("sv-FI,fi;q=0.8")), Lang::Sv);
        assert_eq!(accept_language(&h("de, en;q=0.5")), Lang::En);
        assert_eq!(accept_language(&h("de")), Lang::Fi);
        assert_eq!(accept_language(&HeaderMap::new()), Lang::Fi);
    }

    #[test]
    fn bodies_must_be_utf8_json() {
        let mut h = HeaderMap::new();
        assert!(json_body(&h, &Bytes::from_static(b"{\"a\": 1}")).is_ok());
        let bad = json_body(
            &h,
            &Bytes::from_static(b"{\"search_text\": \"testi\xf7testi\"}"),
        )
        .expect_err("not UTF-8");
        assert_eq!(bad, BodyError::Encoding);
        assert_eq!(bad.into_response().status(), StatusCode::BAD_REQUEST);
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
        assert_eq!(
            json_body(&h, &Bytes::from_static(b"{}"))
                .expect_err("media type")
                .into_response()
                .status(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE
        );
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
        assert_eq!(
            json_body(&h, &Bytes::from_static(b"{"))
                .expect_err("syntax")
                .into_response()
                .status(),
            StatusCode::BAD_REQUEST
        );
    }
}
