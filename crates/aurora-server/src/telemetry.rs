//! Request metrics and structured request logs.
//!
//! Metrics (Prometheus text at `/metrics`):
//! * `aurora_http_requests_total{method, route, status}`: counter; `route` is the route
//!   *template* (`/api/v1/services/{id}`), or `unmatched` for requests no route matched, so
//!   label cardinality stays bounded whatever clients send;
//! * `aurora_http_request_duration_seconds{method, route}`: histogram;
//! * `aurora_catalog_services`, `aurora_catalog_archived_services`, `aurora_catalog_channels`,
//!   `aurora_catalog_organizations`, `aurora_catalog_labelled_services`: gauges, refreshed
//!   from the store at each scrape.
//!
//! Each request is logged once at `info` (target `aurora_server::request`) with method,
//! route template, status, latency and request id. Query strings and headers are never
//! logged: a query string may carry personal data.

use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

/// Request counter name.
pub const REQUESTS_TOTAL: &str = "aurora_http_requests_total";
/// Request duration histogram name.
pub const REQUEST_DURATION: &str = "aurora_http_request_duration_seconds";

/// Histogram buckets in seconds: catalogue reads take milliseconds; the tail shows trouble.
const DURATION_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The process-wide Prometheus handle. The recorder is global in the `metrics` crate, so it
/// is installed once per process; if another recorder was installed first (an embedding
/// program's), ours is kept private and `/metrics` shows only what is recorded through it.
pub(crate) fn prometheus_handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let builder = || {
                PrometheusBuilder::new()
                    .set_buckets_for_metric(Matcher::Full(REQUEST_DURATION.into()), DURATION_BUCKETS)
                    .expect("bucket list is non-empty")
            };
            match builder().install_recorder() {
                Ok(handle) => handle,
                Err(error) => {
                    tracing::warn!(%error, "a metrics recorder is already installed; /metrics will be partial");
                    builder().build_recorder().handle()
                }
            }
        })
        .clone()
}

/// Counts, times and logs every request (including those answered by the fallbacks and the
/// panic handler, which sit inside this layer).
pub(crate) async fn track(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    let request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();

    let response = next.run(request).await;

    let latency = started.elapsed();
    let status = response.status().as_u16();
    metrics::counter!(
        REQUESTS_TOTAL,
        "method" => method.clone(),
        "route" => route.clone(),
        "status" => status.to_string()
    )
    .increment(1);
    metrics::histogram!(REQUEST_DURATION, "method" => method.clone(), "route" => route.clone())
        .record(latency.as_secs_f64());
    tracing::info!(
        target: "aurora_server::request",
        method = %method,
        route = %route,
        status,
        latency_ms = latency.as_secs_f64() * 1000.0,
        request_id = %request_id,
        "request"
    );
    response
}

/// Refreshes the catalogue-size gauges.
pub(crate) fn record_counts(counts: &aurora_store::CatalogCounts) {
    let set = |name: &'static str, value: u64| metrics::gauge!(name).set(value as f64);
    set("aurora_catalog_services", counts.services);
    set("aurora_catalog_archived_services", counts.archived_services);
    set("aurora_catalog_channels", counts.channels);
    set("aurora_catalog_organizations", counts.organizations);
    set("aurora_catalog_labelled_services", counts.labelled_services);
}
