use std::io::{Read, Write};

use aurora_store::CatalogStore;
use axum::http::{header, StatusCode};
use serde_json::json;

use crate::common::{app, app_not_ready};

#[tokio::test]
async fn healthz_is_ok_even_before_ready() {
    let t = app_not_ready().await;
    let r = t.get("/healthz").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json(), json!({"status": "ok"}));
    assert!(!r.header("x-request-id").is_empty(), "request id is set");
}

#[tokio::test]
async fn readyz_is_503_until_set_ready_then_200() {
    let t = app_not_ready().await;
    let r = t.get("/readyz").await;
    r.assert_problem(
        503,
        json!({
            "type": "https://aurora.example/problems/unavailable",
            "title": "Service unavailable",
            "status": 503,
            "detail": "not ready: the catalogue is still being loaded",
            "code": "unavailable"
        }),
    );
    assert_eq!(r.header(header::RETRY_AFTER), "5");

    t.state.set_ready(true);
    let r = t.get("/readyz").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json(), json!({"status": "ready"}));

    t.state.set_ready(false);
    assert_eq!(
        t.get("/readyz").await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
}

#[tokio::test]
async fn readyz_is_503_when_the_store_is_gone() {
    let t = app().await;
    t.store.close().await;
    let r = t.get("/readyz").await;
    r.assert_problem(
        503,
        json!({
            "type": "https://aurora.example/problems/unavailable",
            "title": "Service unavailable",
            "status": 503,
            "detail": "not ready: the catalogue database does not answer",
            "code": "unavailable"
        }),
    );
}

#[tokio::test]
async fn metrics_count_requests_by_route_template_and_show_catalogue_size() {
    let t = app().await;
    t.get("/healthz").await;
    t.get(&format!("/api/v1/services/{}", crate::fixtures::UIMAHALLI))
        .await;
    t.get("/no/such/route").await;
    let r = t.get("/metrics").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.header(header::CONTENT_TYPE).starts_with("text/plain"));
    let text = r.text();
    let has_line = |parts: &[&str]| {
        text.lines()
            .any(|line| parts.iter().all(|p| line.contains(p)))
    };
    assert!(
        has_line(&[
            "aurora_http_requests_total{",
            "route=\"/healthz\"",
            "status=\"200\"",
            "method=\"GET\""
        ]),
        "{text}"
    );
    assert!(has_line(&[
        "aurora_http_requests_total{",
        "route=\"/api/v1/services/{id}\"",
        "status=\"200\""
    ]));
    assert!(has_line(&[
        "aurora_http_requests_total{",
        "route=\"unmatched\"",
        "status=\"404\""
    ]));
    assert!(has_line(&[
        "aurora_http_request_duration_seconds_bucket{",
        "route=\"/healthz\""
    ]));
    assert!(
        text.lines()
            .any(|l| l.starts_with("aurora_catalog_services ")),
        "{text}"
    );
}

/// `serve` on a real socket answers, then stops when the shutdown future resolves.
#[tokio::test]
async fn serve_answers_and_shuts_down_gracefully() {
    let t = app().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(aurora_server::serve(listener, t.state.clone(), async {
        let _ = stopped.await;
    }));

    let response = tokio::task::spawn_blocking(move || {
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            .unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        out
    })
    .await
    .unwrap();
    assert!(response.starts_with("HTTP/1.1 200 OK"), "{response}");
    assert!(response.ends_with("{\"status\":\"ok\"}"), "{response}");

    stop.send(()).unwrap();
    let result = tokio::time::timeout(std::time::Duration::from_secs(10), server)
        .await
        .expect("server stops after shutdown")
        .unwrap();
    assert!(result.is_ok());
    // The store is untouched by the server stopping.
    assert!(t.store.ping().await.is_ok());
}
