//! Aurora's HTTP edge: a thin axum layer over the engines, with no algorithms of its own.
//!
//! This crate owns
//! * the **catalogue API** under `/api/v1` (services with the AuroraAI reference filters,
//!   channels, organisations, the built-in code lists), with its own view types, so the wire
//!   format is separate from the stored model ([`views`]);
//! * **search**: `GET /api/v1/search` over the in-memory `aurora-search` index, which
//!   [`AppState::rebuild_search_index`] builds from the store (and `/readyz` waits for);
//! * **intent recognition and guidance**: `POST /api/v1/understand` (the `aurora-nlu`
//!   engine, built lazily once per [`AppState`] and run on a blocking thread), `POST
//!   /api/v1/guidance` (`aurora-guide`: services for a situation, ranked and explained) and
//!   the outcome endpoints `POST /api/v1/feedback` and `POST /api/v1/clicks`, which teach the
//!   outcome learner only for authenticated clients (`learning`);
//! * the **AuroraAI-compatible recommender API** under `/service-recommender/v1/`;
//! * the **OpenAPI 3.1 document** (`/api/v1/openapi.json`) and its rendered page (`/{lang}/api`);
//! * **errors** as RFC 9457 `application/problem+json` from one table of codes
//!   ([`ErrorCode`]), including axum's own rejections, unknown routes, wrong methods, timeouts
//!   and handler panics;
//! * **operations**: `/healthz`, `/readyz` (a readiness flag plus a store ping) and
//!   `/metrics` (Prometheus text), with a structured log line per request;
//! * the **web pages**: server-rendered HTML in fi/sv/en (askama templates, Fluent UI strings,
//!   one stylesheet) at `/{lang}/`, `/{lang}/services/{id}` and the citizen guidance page
//!   `/{lang}/guide` (whose sliders use a few lines of progressive JavaScript,
//!   `/assets/guide.js`; everything works without it).
//!
//! It knows the store only through the `aurora-store` traits and the domain only through
//! `aurora-model` and `aurora-twin`; filter semantics, validation, authorization decisions and
//! persistence live there.
//!
//! # Endpoints
//!
//! | method, path | what |
//! |---|---|
//! | `GET /healthz` | 200 `{"status":"ok"}` while the process runs |
//! | `GET /readyz` | 200 `{"status":"ready"}` when [`AppState::set_ready`] was called and the store answers; else 503 `unavailable` |
//! | `GET /metrics` | Prometheus text: request counts and durations by route template, catalogue sizes |
//! | `GET /api/v1/services` | filters `municipality`, `region`, `hospital_district`, `wellbeing_county` (repeatable or comma-separated), `include_national`, `only_national`, `service_class`, `target_group`, `life_event`, `collection`, `funding_type`; `limit`, `offset`, `lang` |
//! | `GET /api/v1/services/{id}` | one service with its published channels and organisations |
//! | `GET /api/v1/search` | `q` (required, 1–1024 characters), the service list filters, `limit` (1–50, default 10), `offset` (0–1000), `lang` (also the analysis language; without it the text is analysed in fi, sv and en) → `{items: [service list row + score, lexical_score, vector_score, matched: [{field, term, query_word}]], mode: "hybrid" \| "lexical_only", mode_reason?, total_matches, limit, offset}` ([`views::SearchView`]); 503 until the index is built |
//! | `GET /api/v1/channels` | `kind` (`EChannel` …), `limit`, `offset`, `lang` |
//! | `GET /api/v1/channels/{id}`, `GET /api/v1/organizations`, `GET /api/v1/organizations/{id}` | |
//! | `GET /api/v1/codes/{list}`, `GET /api/v1/codes/{list}/{code_or_name}` | `municipalities`, `regions`, `hospital-districts`, `wellbeing-counties`, `service-classes`, `target-groups`, `life-events` |
//! | `POST /api/v1/understand` | JSON `{"text", "lang"?, "max_life_events"? (1–19, default 3), "max_service_classes"? (1–50, default 5)}` → the `aurora_nlu::Understanding`: `language`, `life_events`, `service_classes`, `target_groups`, `entities`, `urgent`, `explanation` |
//! | `POST /api/v1/guidance` | JSON `{"text"?, "meters"? {dimension: 0–10}, "life_events"?, "age"?, "municipality"?, "target_groups"?, "lang"?, "limit"? (1–50, default 10)}` (at least one of text, meters, life events; optional Basic auth) → `{recommendation_id, understanding, municipality, text_mode, services: [service list row + rank, score, components, learned_factor, explored, reasons, explanation]}` |
//! | `POST /api/v1/feedback`, `POST /api/v1/clicks` | `{recommendation_id, service_id, score ±1}` / `{recommendation_id, service_id, channel_id}` → `{recorded, learned}` |
//! | `/service-recommender/v1/…` | the AuroraAI reference API (see `compat`) |
//! | `GET /api/v1/openapi.json`, `GET /{lang}/api` | the OpenAPI 3.1 document and its page |
//! | `GET /` | redirect to `/{lang}/` (from `Accept-Language`, default `fi`) |
//! | `GET /{lang}/`, `GET /{lang}/services/{id}` | web pages (`/{lang}/?q=…` searches) |
//! | `GET /{lang}/guide`, `POST /{lang}/guide/feedback` | the citizen guidance page and its feedback form (CSRF-protected, signed) |
//! | `GET /assets/aurora.css` | the stylesheet |
//!
//! # Example
//!
//! ```no_run
//! use std::sync::Arc;
//! # async fn run(store: Arc<dyn aurora_store::CatalogStore>) -> std::io::Result<()> {
//! let state = aurora_server::AppState::new(store);
//! state.set_ready(true); // once the catalogue is loaded
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! aurora_server::serve(listener, state, async {
//!     let _ = tokio::signal::ctrl_c().await;
//! })
//! .await
//! # }
//! ```
//!
//! JSON request bodies are read field by field: an unknown field is 400 `unknown_field`, a
//! bad value 400 `invalid_field`, an empty or too long text 400 `empty_text` /
//! `text_too_long` (all naming the field in `errors`), a body over [`BODY_LIMIT_BYTES`] 413.
//!
//! The AuroraAI-compatible recommender API lives under `/service-recommender/v1/` with the
//! reference's wire format (text bodies, marshmallow validation messages) rather than
//! problem+json; its endpoints, authentication and the reference flaws it fixes are
//! described in the `compat` module ([`CompatConfig`] sets it up).
//!
//! The person's own surfaces (issue 5; decisions in `aurora-twin`, see `docs/twin.md`):
//!
//! | method, path | what |
//! |---|---|
//! | `/api/v1/account/…`, `/{lang}/account/…` | sign-up, verification, sign-in (password or an external OpenID provider), sign-out, password change and reset, e-mail change (`account`) |
//! | `GET`/`DELETE /api/v1/me/session`, `POST /api/v1/me/erase` | the session and its CSRF token; erasure with a signed receipt (`me`) |
//! | `/api/v1/me/twin…`, `/api/v1/me/companies…`, `/api/v1/me/export…`, `GET /api/v1/attributes` | the twin's values and history, company twins under mandates, export |
//! | `/api/v1/me/consents…`, `/api/v1/me/access-log`, `/api/v1/handover…` | consents with signed receipts, the access log, anonymous hand-over |
//! | `/.well-known/openid-configuration`, `/oauth/…`, `/api/v1/member/attributes…` | the OAuth 2.1 / OpenID Connect authorization server and the member services' data API (`oauth`) |
//! | `/{lang}/me…` | the person's web pages |
//!
//! Not here yet: the advisor network (A2A, MCP) and the situational picture.
#![warn(missing_docs)]

mod account;
mod api;
mod body;
mod compat;
mod error;
mod handover;
mod i18n;
mod learning;
mod me;
mod middleware;
mod oauth;
mod openapi;
mod ops;
mod params;
mod state;
mod telemetry;
pub mod views;
mod web;

use std::future::Future;

use axum::routing::get;
use axum::Router;

pub use account::{AccountSettings, MailMessage, Mailer, MemoryMailer, OidcSettings, OutboxMailer};
pub use compat::CompatConfig;
pub use error::{
    ApiError, ErrorCode, FieldError, PROBLEM_JSON, PROBLEM_TYPE_BASE, RETRY_AFTER_SECS,
};
pub use me::TwinSettings;
pub use middleware::{BODY_LIMIT_BYTES, REQUEST_TIMEOUT};
pub use oauth::notices::{start_deletion_notice_worker, NoticeWorkerConfig};
pub use state::AppState;
pub use telemetry::{REQUESTS_TOTAL, REQUEST_DURATION};

/// The whole application: every route, the fallbacks and the layers.
pub fn router(state: AppState) -> Router {
    let routes = Router::new()
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .merge(api::routes())
        .merge(compat::routes())
        .merge(openapi::routes())
        .merge(web::routes())
        .merge(web::guide::routes())
        .merge(me::routes())
        .merge(account::routes())
        .merge(oauth::routes())
        .merge(handover::routes())
        .fallback(middleware::not_found)
        .method_not_allowed_fallback(middleware::method_not_allowed)
        .with_state(state);
    middleware::apply_layers(routes)
}

/// Serves until `shutdown` resolves, then drains in-flight requests (graceful shutdown).
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    if let Ok(addr) = listener.local_addr() {
        tracing::info!(%addr, "serving HTTP");
    }
    // Connection info: the sign-in throttle counts per client address.
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await?;
    tracing::info!("HTTP server stopped");
    Ok(())
}
