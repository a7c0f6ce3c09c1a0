//! The public error codes and their RFC 9457 `application/problem+json` rendering.
//!
//! Every error the server returns comes from [`ErrorCode`], one table with one line per code:
//! its snake_case name, HTTP status and title. The problem `type` is
//! [`PROBLEM_TYPE_BASE`] followed by the name, so clients can switch on either. A body looks
//! like this:
//!
//! ```json
//! {
//!   "type": "https://aurora.example/problems/invalid_parameter",
//!   "title": "Invalid parameter",
//!   "status": 400,
//!   "detail": "invalid value for parameter `municipality`: unknown municipality code \"999\"",
//!   "code": "invalid_parameter",
//!   "errors": [{ "field": "municipality", "reason": "unknown municipality code \"999\"" }]
//! }
//! ```
//!
//! `errors` appears only for validation failures. Engine errors reach this module through one
//! `From` impl per error type, each an exhaustive `match`, so a new engine variant cannot fall
//! into a 500 unnoticed. Details of 5xx errors are logged, never sent.

use aurora_model::{FilterError, UnknownLang};
use axum::extract::rejection::PathRejection;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// Base of every problem `type` URI. `aurora.example` is a reserved, neutral domain (RFC 2606):
/// the URIs identify problems and are not meant to be dereferenced.
pub const PROBLEM_TYPE_BASE: &str = "https://aurora.example/problems/";

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Seconds a client should wait before retrying a 503 (sent as `Retry-After`).
pub const RETRY_AFTER_SECS: u32 = 5;

macro_rules! error_codes {
    ($( $(#[$doc:meta])* $variant:ident => ($name:literal, $status:ident, $title:literal); )*) => {
        /// The public error codes: name, HTTP status and title, one line each.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $( $(#[$doc])* $variant, )*
        }

        impl ErrorCode {
            /// Every code, in table order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),*];

            /// The snake_case name, also the last segment of the problem `type`.
            pub fn name(self) -> &'static str {
                match self { $(ErrorCode::$variant => $name,)* }
            }

            /// The HTTP status.
            pub fn status(self) -> StatusCode {
                match self { $(ErrorCode::$variant => StatusCode::$status,)* }
            }

            /// The short, fixed, human-readable title.
            pub fn title(self) -> &'static str {
                match self { $(ErrorCode::$variant => $title,)* }
            }
        }
    };
}

error_codes! {
    /// A query or path parameter has a value that cannot be used; `errors` names it.
    InvalidParameter => ("invalid_parameter", BAD_REQUEST, "Invalid parameter");
    /// The request has a query parameter the endpoint does not accept; `errors` names it.
    UnknownParameter => ("unknown_parameter", BAD_REQUEST, "Unknown parameter");
    /// A field of the JSON request body has a value that cannot be used; `errors` names it.
    InvalidField => ("invalid_field", BAD_REQUEST, "Invalid field");
    /// The JSON request body has a field the endpoint does not accept; `errors` names it.
    UnknownField => ("unknown_field", BAD_REQUEST, "Unknown field");
    /// The `text` to analyse is empty or only whitespace; `errors` names the field.
    EmptyText => ("empty_text", BAD_REQUEST, "Empty text");
    /// The `text` to analyse is longer than the intent engine accepts; `errors` names the field.
    TextTooLong => ("text_too_long", BAD_REQUEST, "Text too long");
    /// The request could not be read at all (for example a path that is not valid UTF-8, or a
    /// body that is not a JSON object).
    MalformedRequest => ("malformed_request", BAD_REQUEST, "Malformed request");
    /// The `Authorization` header names no valid API client (HTTP Basic `client_id:secret`).
    Unauthorized => ("unauthorized", UNAUTHORIZED, "Unauthorized");
    /// The endpoint needs a signed-in person (the session cookie) and there is none, or it
    /// has ended.
    Unauthenticated => ("unauthenticated", UNAUTHORIZED, "Sign-in required");
    /// A state-changing request with the session cookie lacks the session's CSRF token
    /// (`X-CSRF-Token` header or `csrf` form field).
    CsrfFailed => ("csrf_failed", FORBIDDEN, "CSRF token missing or wrong");
    /// The caller is known but not allowed to do this (no consent, no mandate, not the owner).
    Forbidden => ("forbidden", FORBIDDEN, "Forbidden");
    /// No such route, or no such (published) record.
    NotFound => ("not_found", NOT_FOUND, "Not found");
    /// The route exists but not with this method.
    MethodNotAllowed => ("method_not_allowed", METHOD_NOT_ALLOWED, "Method not allowed");
    /// The request conflicts with the current state (for example an e-mail address already in
    /// use, or a change made meanwhile by someone else).
    Conflict => ("conflict", CONFLICT, "Conflict");
    /// The request body is larger than the server accepts.
    PayloadTooLarge => ("payload_too_large", PAYLOAD_TOO_LARGE, "Payload too large");
    /// The request body has a media type other than JSON.
    UnsupportedMediaType => ("unsupported_media_type", UNSUPPORTED_MEDIA_TYPE, "Unsupported media type");
    /// Too many attempts (sign-in, sign-up); retry after `Retry-After` seconds.
    TooManyRequests => ("too_many_requests", TOO_MANY_REQUESTS, "Too many requests");
    /// The request did not complete in time; retry later.
    Timeout => ("timeout", SERVICE_UNAVAILABLE, "Request timed out");
    /// A dependency (the database) is unreachable or the server is not ready; retry later.
    Unavailable => ("unavailable", SERVICE_UNAVAILABLE, "Service unavailable");
    /// A bug or corrupt data on our side; the details are in the server log.
    Internal => ("internal", INTERNAL_SERVER_ERROR, "Internal server error");
}

impl ErrorCode {
    /// The problem `type` URI.
    pub fn type_uri(self) -> String {
        format!("{PROBLEM_TYPE_BASE}{}", self.name())
    }

    /// Whether the response carries `Retry-After`.
    fn retry_after(self) -> Option<u32> {
        match self {
            ErrorCode::Timeout | ErrorCode::Unavailable | ErrorCode::TooManyRequests => {
                Some(RETRY_AFTER_SECS)
            }
            ErrorCode::InvalidParameter
            | ErrorCode::UnknownParameter
            | ErrorCode::InvalidField
            | ErrorCode::UnknownField
            | ErrorCode::EmptyText
            | ErrorCode::TextTooLong
            | ErrorCode::MalformedRequest
            | ErrorCode::Unauthorized
            | ErrorCode::Unauthenticated
            | ErrorCode::CsrfFailed
            | ErrorCode::Forbidden
            | ErrorCode::Conflict
            | ErrorCode::NotFound
            | ErrorCode::MethodNotAllowed
            | ErrorCode::PayloadTooLarge
            | ErrorCode::UnsupportedMediaType
            | ErrorCode::Internal => None,
        }
    }
}

/// One invalid input of a request, named as the client sent it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// Query or path parameter name (`municipality`, `id`), or the name of a field of the JSON
    /// request body (`text`).
    pub field: String,
    /// What is wrong and what is accepted.
    pub reason: String,
}

/// An error on its way to becoming a problem+json response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The public code.
    pub code: ErrorCode,
    /// The `detail` member: what exactly went wrong with this request.
    pub detail: String,
    /// Per-field validation errors (`errors` member), empty for other problems.
    pub errors: Vec<FieldError>,
}

#[derive(Serialize)]
struct ProblemBody<'a> {
    #[serde(rename = "type")]
    type_uri: String,
    title: &'static str,
    status: u16,
    detail: &'a str,
    code: &'static str,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errors: &'a [FieldError],
}

impl ApiError {
    /// An error with a detail and no field errors.
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> Self {
        ApiError {
            code,
            detail: detail.into(),
            errors: Vec::new(),
        }
    }

    /// `invalid_parameter` for one query or path parameter.
    pub fn invalid(field: &str, reason: impl Into<String>) -> Self {
        let reason = reason.into();
        ApiError {
            code: ErrorCode::InvalidParameter,
            detail: format!("invalid value for parameter `{field}`: {reason}"),
            errors: vec![FieldError {
                field: field.to_string(),
                reason,
            }],
        }
    }

    /// `invalid_field` for one field of the JSON request body.
    pub fn invalid_field(field: &str, reason: impl Into<String>) -> Self {
        ApiError::for_field(ErrorCode::InvalidField, field, reason)
    }

    /// An error of `code` about one field of the JSON request body.
    pub fn for_field(code: ErrorCode, field: &str, reason: impl Into<String>) -> Self {
        let reason = reason.into();
        ApiError {
            code,
            detail: format!("invalid value for field `{field}`: {reason}"),
            errors: vec![FieldError {
                field: field.to_string(),
                reason,
            }],
        }
    }

    /// `not_found` for a record of `kind` (`service`, `channel` …) with this id or code.
    pub fn not_found(kind: &str, id: &str) -> Self {
        ApiError::new(
            ErrorCode::NotFound,
            format!("no published {kind} with id {id:?}"),
        )
    }

    /// `internal`: logs `cause` (with any URL password masked) and sends a fixed detail, so
    /// nothing internal leaks.
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %redact_credentials(&cause.to_string()), "internal error");
        ApiError::new(
            ErrorCode::Internal,
            "an internal error occurred; it has been logged",
        )
    }

    /// The problem+json body as a JSON value (used by tests and by the fallback converter).
    pub fn body(&self) -> serde_json::Value {
        serde_json::to_value(self.problem_body()).unwrap_or(serde_json::Value::Null)
    }

    fn problem_body(&self) -> ProblemBody<'_> {
        ProblemBody {
            type_uri: self.code.type_uri(),
            title: self.code.title(),
            status: self.code.status().as_u16(),
            detail: &self.detail,
            code: self.code.name(),
            errors: &self.errors,
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.name(), self.detail)
    }
}

impl std::error::Error for ApiError {}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body =
            serde_json::to_vec(&self.problem_body()).expect("a problem body always serializes");
        let mut response = (self.code.status(), body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if let Some(secs) = self.code.retry_after() {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

/// Store errors: unreachable database → 503 `unavailable` (retryable); anything else is ours
/// (a bug, corruption, a schema mismatch) → 500 `internal`, logged with its cause.
impl From<aurora_store::Error> for ApiError {
    fn from(error: aurora_store::Error) -> Self {
        use aurora_store::Error as E;
        match &error {
            E::Database(_) if error.is_unavailable() => {
                tracing::warn!(
                    error = %redact_credentials(&error.to_string()),
                    "catalogue database unavailable"
                );
                ApiError::new(
                    ErrorCode::Unavailable,
                    format!(
                        "the catalogue database is temporarily unavailable; retry in {RETRY_AFTER_SECS} seconds"
                    ),
                )
            }
            E::Database(_)
            | E::UnsupportedUrl(_)
            | E::Migration { .. }
            | E::SchemaTooNew { .. }
            | E::Corrupt { .. }
            | E::CorruptVector { .. } => ApiError::internal(&error),
        }
    }
}

/// Intent-engine errors are the caller's: each is a 400 with its own code, naming `text`.
impl From<aurora_nlu::NluError> for ApiError {
    fn from(error: aurora_nlu::NluError) -> Self {
        use aurora_nlu::NluError as E;
        let code = match &error {
            E::EmptyText => ErrorCode::EmptyText,
            E::TextTooLong { .. } => ErrorCode::TextTooLong,
        };
        ApiError::for_field(code, "text", error.to_string())
    }
}

/// Guidance errors: the text's (400) or the store's (503/500).
impl From<aurora_guide::GuideError> for ApiError {
    fn from(error: aurora_guide::GuideError) -> Self {
        use aurora_guide::GuideError as E;
        match error {
            E::Text(e) => e.into(),
            E::Store(e) => e.into(),
            E::Task(e) => ApiError::internal(&e),
        }
    }
}

/// Masks the password of every `scheme://user:password@host` in `text`, so database URLs in
/// error messages never reach the log with their secret.
pub(crate) fn redact_credentials(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("://") {
        let (head, tail) = rest.split_at(start + 3);
        out.push_str(head);
        // The authority ends at the first '/', whitespace or quote; userinfo at its last '@'.
        let end = tail
            .find(|c: char| c == '/' || c.is_whitespace() || c == '"' || c == '\'')
            .unwrap_or(tail.len());
        let authority = &tail[..end];
        match authority.rfind('@') {
            Some(at) => {
                let userinfo = &authority[..at];
                match userinfo.find(':') {
                    Some(colon) => {
                        out.push_str(&userinfo[..colon]);
                        out.push_str(":***");
                    }
                    None => out.push_str(userinfo),
                }
                out.push_str(&authority[at..]);
            }
            None => out.push_str(authority),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// Filter validation errors: `invalid_parameter` naming the query parameter (the model names
/// fields after the filter struct; the API after its query parameters).
impl From<FilterError> for ApiError {
    fn from(error: FilterError) -> Self {
        ApiError::invalid(filter_field_param(error.field), error.reason)
    }
}

/// The query parameter behind a [`FilterError::field`]. Names the model may add later pass
/// through unchanged, which is still a precise (if differently spelled) field.
fn filter_field_param(field: &str) -> &str {
    match field {
        "municipality_codes" => "municipality",
        "region_codes" => "region",
        "hospital_district_codes" => "hospital_district",
        "wellbeing_service_county_codes" | "wellbeing_county_codes" => "wellbeing_county",
        "only_national_services" | "only_national" => "only_national",
        "include_national_services" | "include_national" => "include_national",
        "service_classes" => "service_class",
        "target_groups" => "target_group",
        "life_events" => "life_event",
        "collections" => "collection",
        "funding_types" => "funding_type",
        other => other,
    }
}

/// An unsupported `lang` value.
impl From<UnknownLang> for ApiError {
    fn from(error: UnknownLang) -> Self {
        ApiError::invalid("lang", error.to_string())
    }
}

/// Axum's path rejections (a segment that is not valid UTF-8 …) become problems too.
impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        ApiError::new(ErrorCode::MalformedRequest, rejection.body_text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_names_are_unique_snake_case_and_statuses_are_errors() {
        let mut names: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.name()).collect();
        assert!(names
            .iter()
            .all(|n| n.chars().all(|c| c.is_ascii_lowercase() || c == '_')));
        assert!(ErrorCode::ALL
            .iter()
            .all(|c| c.status().is_client_error() || c.status().is_server_error()));
        names.sort();
        names.dedup();
        assert_eq!(names.len(), ErrorCode::ALL.len());
    }

    #[test]
    fn filter_error_names_the_query_parameter() {
        let e = ApiError::from(FilterError {
            field: "municipality_codes",
            reason: "unknown municipality code \"999\"".into(),
        });
        assert_eq!(
            e.body(),
            serde_json::json!({
                "type": "https://aurora.example/problems/invalid_parameter",
                "title": "Invalid parameter",
                "status": 400,
                "detail": "invalid value for parameter `municipality`: unknown municipality code \"999\"",
                "code": "invalid_parameter",
                "errors": [{"field": "municipality", "reason": "unknown municipality code \"999\""}]
            })
        );
    }

    #[test]
    fn unavailable_store_is_503_with_retry_after_and_other_store_errors_are_500() {
        let e = ApiError::from(aurora_store::Error::Database(sqlx_pool_closed()));
        assert_eq!(e.code, ErrorCode::Unavailable);
        let response = e.into_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()[header::RETRY_AFTER], "5");
        let e = ApiError::from(aurora_store::Error::UnsupportedUrl(
            "mysql://secret@x".into(),
        ));
        assert_eq!(e.code, ErrorCode::Internal);
        assert!(!e.detail.contains("secret"));
    }

    #[test]
    fn intent_errors_are_400s_naming_the_text_field() {
        let e = ApiError::from(aurora_nlu::NluError::TextTooLong {
            chars: 20_000,
            max: aurora_nlu::MAX_TEXT_CHARS,
        });
        assert_eq!(e.code, ErrorCode::TextTooLong);
        assert_eq!(e.code.status(), StatusCode::BAD_REQUEST);
        assert_eq!(e.errors[0].field, "text");
        assert!(e
            .detail
            .starts_with("invalid value for field `text`: the text is 20000 characters long"));
        let e = ApiError::from(aurora_guide::GuideError::Text(
            aurora_nlu::NluError::EmptyText,
        ));
        assert_eq!(e.code, ErrorCode::EmptyText);
    }

    #[test]
    fn credentials_in_urls_are_masked() {
        assert_eq!(
            redact_credentials("connection to postgres://aurora:hunter2@db.internal/aurora lost"),
            "connection to postgres://aurora:***@db.internal/aurora lost"
        );
        assert_eq!(
            redact_credentials("sqlite:///data/aurora.db and https://example.org/x"),
            "sqlite:///data/aurora.db and https://example.org/x"
        );
        assert_eq!(
            redact_credentials("postgres://user@host"),
            "postgres://user@host"
        );
    }

    fn sqlx_pool_closed() -> sqlx::Error {
        sqlx::Error::PoolClosed
    }
}
