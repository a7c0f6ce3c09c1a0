use std::sync::Arc;

use async_trait::async_trait;
use aurora_model::{Channel, ChannelKind, Meters, Organization, Service, ServiceFilter};
use aurora_store::{
    Backend, BatchOutcome, CatalogCounts, CatalogStore, ImportBatch, LabelOutcome, Page, Paged,
};
use axum::body::Body;
use axum::http::{header, Method, Request};
use serde_json::json;

use crate::common::{app, app_over, get, request, send};

#[tokio::test]
async fn unknown_route_is_a_404_problem() {
    let t = app().await;
    let r = t.get("/api/v1/nothing-here").await;
    r.assert_problem(
        404,
        json!({
            "type": "https://aurora.example/problems/not_found",
            "title": "Not found",
            "status": 404,
            "detail": "no route for path \"/api/v1/nothing-here\"",
            "code": "not_found"
        }),
    );
    // A first path segment that is not a language is not a web page either.
    let r = t.get("/de/").await;
    r.assert_problem(
        404,
        json!({
            "type": "https://aurora.example/problems/not_found",
            "title": "Not found",
            "status": 404,
            "detail": "no route for path \"/de/\"",
            "code": "not_found"
        }),
    );
}

#[tokio::test]
async fn wrong_method_is_a_405_problem_with_allow() {
    let t = app().await;
    let r = request(&t.app, Method::POST, "/api/v1/services").await;
    r.assert_problem(
        405,
        json!({
            "type": "https://aurora.example/problems/method_not_allowed",
            "title": "Method not allowed",
            "status": 405,
            "detail": "method POST is not allowed for path \"/api/v1/services\"; the Allow header lists the methods that are",
            "code": "method_not_allowed"
        }),
    );
    assert_eq!(r.header(header::ALLOW), "GET,HEAD");
    let r = request(&t.app, Method::DELETE, "/healthz").await;
    assert_eq!(r.status.as_u16(), 405);
    assert_eq!(r.header(header::CONTENT_TYPE), "application/problem+json");
}

#[tokio::test]
async fn oversized_body_is_a_413_problem() {
    let t = app().await;
    let r = send(
        &t.app,
        Request::get("/healthz")
            .header(header::CONTENT_LENGTH, "1000000")
            .body(Body::from(vec![b'x'; 1_000_000]))
            .unwrap(),
    )
    .await;
    r.assert_problem(
        413,
        json!({
            "type": "https://aurora.example/problems/payload_too_large",
            "title": "Payload too large",
            "status": 413,
            "detail": "request body larger than 65536 bytes",
            "code": "payload_too_large"
        }),
    );
}

#[tokio::test]
async fn malformed_path_segment_is_a_problem() {
    let t = app().await;
    let r = t.get("/api/v1/services/%FF").await;
    r.assert_problem(
        400,
        json!({
            "type": "https://aurora.example/problems/malformed_request",
            "title": "Malformed request",
            "status": 400,
            "detail": "Invalid URL: Invalid UTF-8 in `id`",
            "code": "malformed_request"
        }),
    );
}

#[tokio::test]
async fn unavailable_store_is_503_with_retry_after() {
    let t = app().await;
    t.store.close().await;
    let r = t.get("/api/v1/services").await;
    r.assert_problem(
        503,
        json!({
            "type": "https://aurora.example/problems/unavailable",
            "title": "Service unavailable",
            "status": 503,
            "detail": "the catalogue database is temporarily unavailable; retry in 5 seconds",
            "code": "unavailable"
        }),
    );
    assert_eq!(r.header(header::RETRY_AFTER), "5");
    // /metrics still answers with request metrics.
    assert_eq!(t.get("/metrics").await.status.as_u16(), 200);
}

/// A store whose every read panics, with a message that must not reach the client.
struct PanickingStore;

const SECRET: &str = "postgres://aurora:hunter2@db.internal/aurora";

#[async_trait]
impl CatalogStore for PanickingStore {
    fn backend(&self) -> Backend {
        Backend::Postgres
    }
    async fn apply_batch(&self, _: &ImportBatch) -> aurora_store::Result<BatchOutcome> {
        panic!("connection to {SECRET} lost")
    }
    async fn archive_services(&self, _: &[String]) -> aurora_store::Result<u64> {
        panic!("connection to {SECRET} lost")
    }
    async fn set_labels(&self, _: &[(String, Meters)]) -> aurora_store::Result<LabelOutcome> {
        panic!("connection to {SECRET} lost")
    }
    async fn service(&self, _: &str) -> aurora_store::Result<Option<Service>> {
        panic!("connection to {SECRET} lost")
    }
    async fn services(&self, _: &ServiceFilter, _: Page) -> aurora_store::Result<Paged<Service>> {
        panic!("connection to {SECRET} lost")
    }
    async fn service_ids(&self, _: &ServiceFilter) -> aurora_store::Result<Vec<String>> {
        panic!("connection to {SECRET} lost")
    }
    async fn all_services(&self) -> aurora_store::Result<Vec<Service>> {
        panic!("connection to {SECRET} lost")
    }
    async fn channel(&self, _: &str) -> aurora_store::Result<Option<Channel>> {
        panic!("connection to {SECRET} lost")
    }
    async fn channels_by_ids(&self, _: &[String]) -> aurora_store::Result<Vec<Channel>> {
        panic!("connection to {SECRET} lost")
    }
    async fn channels(
        &self,
        _: Option<ChannelKind>,
        _: Page,
    ) -> aurora_store::Result<Paged<Channel>> {
        panic!("connection to {SECRET} lost")
    }
    async fn organization(&self, _: &str) -> aurora_store::Result<Option<Organization>> {
        panic!("connection to {SECRET} lost")
    }
    async fn organizations(&self, _: Page) -> aurora_store::Result<Paged<Organization>> {
        panic!("connection to {SECRET} lost")
    }
    async fn counts(&self) -> aurora_store::Result<CatalogCounts> {
        panic!("connection to {SECRET} lost")
    }
    async fn ping(&self) -> aurora_store::Result<()> {
        panic!("connection to {SECRET} lost")
    }
}

#[tokio::test]
async fn a_panicking_handler_is_a_500_problem_that_leaks_nothing() {
    let app = app_over(Arc::new(PanickingStore));
    for uri in [
        "/api/v1/services",
        "/api/v1/services/6ccb671f-05cd-46cf-a0a4-4f98d43dfd37",
        "/readyz",
        "/fi/",
    ] {
        let r = get(&app, uri).await;
        r.assert_problem(
            500,
            json!({
                "type": "https://aurora.example/problems/internal",
                "title": "Internal server error",
                "status": 500,
                "detail": "an internal error occurred; it has been logged",
                "code": "internal"
            }),
        );
        assert!(!r.text().contains("hunter2"), "{uri}");
    }
    // The process (and the router) survive.
    assert_eq!(get(&app, "/healthz").await.status.as_u16(), 200);
}
