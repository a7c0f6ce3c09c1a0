//! JSON request bodies, read field by field so every problem names its field.
//!
//! serde's derive would stop at the first problem and report it as "at line 1 column 27";
//! clients need the field. So a body is read as a JSON object ([`JsonObject`]), its field
//! names are checked against the endpoint's list, and each field is taken with a typed
//! accessor that says what was expected. `null` counts as absent.
//!
//! Media type: `application/json` (or any `+json` type) or no `Content-Type` at all; anything
//! else is 415 `unsupported_media_type`.

use aurora_model::Lang;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{header, StatusCode};
use serde_json::{Map, Value};

use crate::error::{ApiError, ErrorCode, FieldError};
use crate::middleware::BODY_LIMIT_BYTES;

/// A JSON object request body.
#[derive(Debug, Clone)]
pub(crate) struct JsonObject {
    map: Map<String, Value>,
}

impl<S: Send + Sync> FromRequest<S> for JsonObject {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if let Some(ct) = req.headers().get(header::CONTENT_TYPE) {
            let ct = ct.to_str().unwrap_or("");
            if !is_json(ct) {
                return Err(ApiError::new(
                    ErrorCode::UnsupportedMediaType,
                    format!(
                        "the request body must be JSON with Content-Type: application/json \
                         (curl: -H 'Content-Type: application/json'), got Content-Type {ct:?}"
                    ),
                ));
            }
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|r| {
            if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(
                    ErrorCode::PayloadTooLarge,
                    format!("request body larger than {BODY_LIMIT_BYTES} bytes"),
                )
            } else {
                ApiError::new(
                    ErrorCode::MalformedRequest,
                    format!("the request body could not be read: {}", r.body_text()),
                )
            }
        })?;
        JsonObject::parse(&bytes)
    }
}

fn is_json(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

impl JsonObject {
    /// Parses a body; anything but a JSON object is `malformed_request`.
    pub(crate) fn parse(bytes: &[u8]) -> Result<Self, ApiError> {
        let example = r#"{"text": "Muutan Tampereelle opiskelemaan"}"#;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(ApiError::new(
                ErrorCode::MalformedRequest,
                format!("the request body is empty; send a JSON object such as {example}"),
            ));
        }
        match serde_json::from_slice::<Value>(bytes) {
            Ok(Value::Object(map)) => Ok(JsonObject { map }),
            Ok(other) => Err(ApiError::new(
                ErrorCode::MalformedRequest,
                format!(
                    "the request body is a JSON {}, not an object; send a JSON object such as {example}",
                    type_name(&other)
                ),
            )),
            Err(e) => Err(ApiError::new(
                ErrorCode::MalformedRequest,
                format!("the request body is not valid JSON ({e}); send a JSON object such as {example}"),
            )),
        }
    }

    /// `unknown_field` naming every field not in `accepted`, in body order.
    pub(crate) fn reject_unknown(&self, accepted: &[&str]) -> Result<(), ApiError> {
        let unknown: Vec<&str> = self
            .map
            .keys()
            .map(String::as_str)
            .filter(|k| !accepted.contains(k))
            .collect();
        if unknown.is_empty() {
            return Ok(());
        }
        let reason = format!("accepted: {}", accepted.join(", "));
        let quoted: Vec<String> = unknown.iter().map(|n| format!("`{n}`")).collect();
        let what = if unknown.len() == 1 {
            "unknown field"
        } else {
            "unknown fields"
        };
        Err(ApiError {
            code: ErrorCode::UnknownField,
            detail: format!("{what} {} in the request body; {reason}", quoted.join(", ")),
            errors: unknown
                .iter()
                .map(|name| FieldError {
                    field: name.to_string(),
                    reason: format!("unknown field; {reason}"),
                })
                .collect(),
        })
    }

    fn get(&self, name: &str) -> Option<&Value> {
        self.map.get(name).filter(|v| !v.is_null())
    }

    /// A field's value; `null` counts as absent.
    pub(crate) fn value(&self, name: &str) -> Option<&Value> {
        self.get(name)
    }

    /// The fields in body order.
    pub(crate) fn entries(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.map.iter()
    }

    /// A required string field.
    pub(crate) fn required_str(&self, name: &str) -> Result<&str, ApiError> {
        match self.get(name) {
            None => Err(ApiError::invalid_field(name, "required; expected a string")),
            Some(Value::String(s)) => Ok(s),
            Some(other) => Err(expected(name, "a string", other)),
        }
    }

    /// An optional language field (`fi`, `sv` or `en`).
    pub(crate) fn lang(&self, name: &str) -> Result<Option<Lang>, ApiError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => s
                .parse::<Lang>()
                .map(Some)
                .map_err(|e| ApiError::invalid_field(name, e.to_string())),
            Some(other) => Err(expected(name, "one of \"fi\", \"sv\", \"en\"", other)),
        }
    }

    /// An optional integer field within `min..=max`.
    pub(crate) fn integer(
        &self,
        name: &str,
        default: usize,
        min: usize,
        max: usize,
    ) -> Result<usize, ApiError> {
        let Some(v) = self.get(name) else {
            return Ok(default);
        };
        match v.as_u64().and_then(|n| usize::try_from(n).ok()) {
            Some(n) if (min..=max).contains(&n) => Ok(n),
            _ => Err(ApiError::invalid_field(
                name,
                format!("expected an integer from {min} to {max}, got {v}"),
            )),
        }
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn expected(name: &str, what: &str, got: &Value) -> ApiError {
    ApiError::invalid_field(name, format!("expected {what}, got a {}", type_name(got)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_checked_by_name_and_type() {
        let o = JsonObject::parse(br#"{"text": 5, "lang": "de", "limit": 0, "x": 1, "y": null}"#)
            .unwrap();
        assert_eq!(
            o.reject_unknown(&["text", "lang", "limit"])
                .unwrap_err()
                .detail,
            "unknown fields `x`, `y` in the request body; accepted: text, lang, limit"
        );
        assert_eq!(
            o.required_str("text").unwrap_err().detail,
            "invalid value for field `text`: expected a string, got a number"
        );
        assert_eq!(
            o.lang("lang").unwrap_err().detail,
            "invalid value for field `lang`: unsupported language \"de\": expected one of fi, sv, en"
        );
        assert_eq!(
            o.integer("limit", 10, 1, 50).unwrap_err().detail,
            "invalid value for field `limit`: expected an integer from 1 to 50, got 0"
        );
        assert_eq!(o.integer("y", 10, 1, 50).unwrap(), 10, "null is absent");
        assert_eq!(
            o.required_str("missing").unwrap_err().detail,
            "invalid value for field `missing`: required; expected a string"
        );
    }

    #[test]
    fn only_json_objects_and_json_media_types_are_accepted() {
        assert_eq!(
            JsonObject::parse(b"[1]").unwrap_err().code,
            ErrorCode::MalformedRequest
        );
        assert!(JsonObject::parse(b"{").unwrap_err().detail.starts_with(
            "the request body is not valid JSON (EOF while parsing an object at line 1 column 1)"
        ));
        assert!(is_json("application/json; charset=utf-8"));
        assert!(is_json("application/problem+json"));
        assert!(!is_json("text/plain"));
        assert!(!is_json("application/x-www-form-urlencoded"));
    }
}
