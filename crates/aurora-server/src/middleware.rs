//! The layers around every route, and the fallbacks that make framework errors problems.
//!
//! From the outside in:
//! 1. `SetRequestId` (`x-request-id`, a UUID unless the client sent one) and its propagation
//!    to the response;
//! 2. [`telemetry::track`]: metrics and the request log line;
//! 3. [`problem_for_bare_errors`]: any 4xx/5xx response that is neither problem+json nor one
//!    of our HTML pages (axum's empty 404/405, tower-http's 413 and timeout responses) is
//!    rewritten into a problem with the code of its status;
//! 4. `CatchPanic`: a panicking handler becomes a 500 `internal` problem; the panic message is
//!    logged, never sent;
//! 5. `Timeout` ([`REQUEST_TIMEOUT`]) answering 503, which step 3 turns into `timeout`;
//! 6. `RequestBodyLimit` ([`BODY_LIMIT_BYTES`]).

use std::any::Any;
use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;

use crate::error::{ApiError, ErrorCode, PROBLEM_JSON};
use crate::telemetry;

/// Largest request body accepted: room for the longest text the intent engine takes
/// (10,000 characters) in a JSON body, and a bound on what a client can make the server
/// buffer.
pub const BODY_LIMIT_BYTES: usize = 64 * 1024;

/// Longest a request may take before it is answered 503 `timeout`. Catalogue reads take
/// milliseconds; 30 s leaves room for a slow database without holding connections forever.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Wraps `router` in the layer stack described in the module docs.
pub(crate) fn apply_layers(router: Router) -> Router {
    router.layer(
        ServiceBuilder::new()
            .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
            .layer(PropagateRequestIdLayer::x_request_id())
            .layer(axum::middleware::from_fn(telemetry::track))
            .layer(axum::middleware::from_fn(problem_for_bare_errors))
            .layer(CatchPanicLayer::custom(panic_response))
            .layer(TimeoutLayer::with_status_code(
                StatusCode::SERVICE_UNAVAILABLE,
                REQUEST_TIMEOUT,
            ))
            .layer(RequestBodyLimitLayer::new(BODY_LIMIT_BYTES)),
    )
}

/// The 404 for a path no route matches.
pub(crate) async fn not_found(request: Request) -> ApiError {
    ApiError::new(
        ErrorCode::NotFound,
        format!("no route for path {:?}", request.uri().path()),
    )
}

/// The 405 for a known path with a method it does not take. axum adds the `Allow` header
/// with the route's own methods (it does so only when the response has none).
pub(crate) async fn method_not_allowed(method: Method, request: Request) -> Response {
    let path = request.uri().path();
    ApiError::new(
        ErrorCode::MethodNotAllowed,
        format!("method {method} is not allowed for path {path:?}; the Allow header lists the methods that are"),
    )
    .into_response()
}

async fn problem_for_bare_errors(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    let response = next.run(request).await;
    let status = response.status();
    // The recommender API answers with the reference's own text bodies.
    if !(status.is_client_error() || status.is_server_error())
        || response
            .extensions()
            .get::<crate::compat::ReferenceBody>()
            .is_some()
    {
        return response;
    }
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if content_type.starts_with(PROBLEM_JSON) || content_type.starts_with("text/html") {
        return response;
    }
    let (code, detail) = match status {
        StatusCode::NOT_FOUND => (ErrorCode::NotFound, format!("no route for path {path:?}")),
        StatusCode::METHOD_NOT_ALLOWED => (
            ErrorCode::MethodNotAllowed,
            format!("method not allowed for path {path:?}"),
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (
            ErrorCode::PayloadTooLarge,
            format!("request body larger than {BODY_LIMIT_BYTES} bytes"),
        ),
        StatusCode::SERVICE_UNAVAILABLE => (
            ErrorCode::Timeout,
            format!(
                "the request did not complete within {} seconds",
                REQUEST_TIMEOUT.as_secs()
            ),
        ),
        s if s.is_client_error() => (
            ErrorCode::MalformedRequest,
            format!("the request could not be processed ({s})"),
        ),
        s => {
            tracing::error!(status = %s, route_path = %path, "bare error response from a layer");
            (
                ErrorCode::Internal,
                "an internal error occurred; it has been logged".to_string(),
            )
        }
    };
    let mut problem = ApiError::new(code, detail).into_response();
    // Keep headers such as `Allow` that the original response set.
    for (name, value) in response.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            problem.headers_mut().entry(name).or_insert(value.clone());
        }
    }
    problem
}

fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response<Body> {
    let message = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(non-string panic payload)");
    ApiError::internal(&format!("handler panicked: {message}")).into_response()
}
