//! Query-string parsing and language negotiation.
//!
//! The catalogue API accepts repeatable list parameters in two spellings
//! (`?municipality=091&municipality=049` and `?municipality=091,049`) and rejects unknown
//! parameters by name, which serde's `Query<T>` cannot do; so the query string is read as
//! ordered `(name, value)` pairs and each endpoint declares the names it accepts.

use std::convert::Infallible;
use std::str::FromStr;

use aurora_model::Lang;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};

use crate::error::{ApiError, ErrorCode, FieldError};

/// The decoded query string of a request, in order.
#[derive(Debug, Clone, Default)]
pub(crate) struct QueryParams {
    pairs: Vec<(String, String)>,
}

impl<S: Send + Sync> FromRequestParts<S> for QueryParams {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(QueryParams::parse(parts.uri.query().unwrap_or("")))
    }
}

impl QueryParams {
    /// Decodes `application/x-www-form-urlencoded` pairs (invalid UTF-8 is replaced, never an
    /// error: the value then fails validation with its own message).
    pub(crate) fn parse(query: &str) -> Self {
        QueryParams {
            pairs: form_urlencoded::parse(query.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        }
    }

    /// `unknown_parameter` naming every parameter not in `accepted` (each once, in order).
    pub(crate) fn reject_unknown(&self, accepted: &[&str]) -> Result<(), ApiError> {
        let mut unknown: Vec<&str> = Vec::new();
        for (name, _) in &self.pairs {
            if !accepted.contains(&name.as_str()) && !unknown.contains(&name.as_str()) {
                unknown.push(name);
            }
        }
        if unknown.is_empty() {
            return Ok(());
        }
        let quoted = |names: &[&str]| {
            names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let what = if unknown.len() == 1 {
            "unknown query parameter"
        } else {
            "unknown query parameters"
        };
        let reason = if accepted.is_empty() {
            "this endpoint accepts no query parameters".to_string()
        } else {
            format!("accepted: {}", accepted.join(", "))
        };
        Err(ApiError {
            code: ErrorCode::UnknownParameter,
            detail: format!("{what} {}; {reason}", quoted(&unknown)),
            errors: unknown
                .iter()
                .map(|name| FieldError {
                    field: name.to_string(),
                    reason: format!("unknown query parameter; {reason}"),
                })
                .collect(),
        })
    }

    /// Every value of a repeatable parameter, commas also separating values; blanks dropped.
    pub(crate) fn list(&self, name: &str) -> Vec<String> {
        self.values(name)
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
            .collect()
    }

    /// The value of a single-valued parameter; given twice it is an error.
    pub(crate) fn one(&self, name: &str) -> Result<Option<&str>, ApiError> {
        let mut values = self.values(name);
        let first = values.next();
        if values.next().is_some() {
            return Err(ApiError::invalid(
                name,
                "given more than once; expected one value",
            ));
        }
        Ok(first.map(str::trim))
    }

    /// The first value of a parameter, if given (for lenient forms).
    pub(crate) fn first(&self, name: &str) -> Option<&str> {
        self.values(name).next()
    }

    /// A `true`/`false` parameter.
    pub(crate) fn flag(&self, name: &str, default: bool) -> Result<bool, ApiError> {
        match self.one(name)? {
            None => Ok(default),
            Some("true") => Ok(true),
            Some("false") => Ok(false),
            Some(other) => Err(ApiError::invalid(
                name,
                format!("expected true or false, got {other:?}"),
            )),
        }
    }

    /// An integer parameter within `min..=max`.
    pub(crate) fn number<T>(&self, name: &str, default: T, min: T, max: T) -> Result<T, ApiError>
    where
        T: FromStr + PartialOrd + std::fmt::Display + Copy,
    {
        let Some(raw) = self.one(name)? else {
            return Ok(default);
        };
        match raw.parse::<T>() {
            Ok(n) if n >= min && n <= max => Ok(n),
            _ => Err(ApiError::invalid(
                name,
                format!("expected an integer from {min} to {max}, got {raw:?}"),
            )),
        }
    }

    fn values(&self, name: &str) -> std::vec::IntoIter<&str> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect::<Vec<_>>()
            .into_iter()
    }
}

/// The response language: the `lang` query parameter if given (fi, sv or en, else 400), else
/// the best supported language of `Accept-Language`, else Finnish.
pub(crate) fn negotiate(params: &QueryParams, headers: &HeaderMap) -> Result<Lang, ApiError> {
    if let Some(code) = params.one("lang")? {
        return Ok(code.parse::<Lang>()?);
    }
    Ok(headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(from_accept_language)
        .unwrap_or(Lang::Fi))
}

/// The supported language with the highest quality in an `Accept-Language` header; on a tie
/// the one listed first. Region subtags are ignored (`sv-FI` is Swedish); `q=0` excludes.
pub(crate) fn from_accept_language(header: &str) -> Option<Lang> {
    let mut best: Option<(Lang, f32)> = None;
    for item in header.split(',') {
        let mut parts = item.split(';');
        let tag = parts.next().unwrap_or("").trim();
        let primary = tag.split(['-', '_']).next().unwrap_or("");
        let Some(lang) = Lang::parse(primary) else {
            continue;
        };
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        if q > 0.0 && best.is_none_or(|(_, b)| q > b) {
            best = Some((lang, q));
        }
    }
    best.map(|(lang, _)| lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_accept_repeats_and_commas() {
        let p = QueryParams::parse("municipality=091,049&municipality=+905+&region=");
        assert_eq!(p.list("municipality"), ["091", "049", "905"]);
        assert!(p.list("region").is_empty());
    }

    #[test]
    fn unknown_parameters_are_named_once() {
        let p = QueryParams::parse("foo=1&limit=2&foo=3&bar");
        let e = p.reject_unknown(&["limit", "offset"]).unwrap_err();
        assert_eq!(
            e.detail,
            "unknown query parameters `foo`, `bar`; accepted: limit, offset"
        );
        assert_eq!(e.errors.len(), 2);
    }

    #[test]
    fn numbers_and_flags_are_checked() {
        let p = QueryParams::parse("limit=0&include_national=yes");
        assert_eq!(
            p.number("limit", 50u32, 1, 500).unwrap_err().detail,
            "invalid value for parameter `limit`: expected an integer from 1 to 500, got \"0\""
        );
        assert!(p.flag("include_national", true).is_err());
        assert_eq!(p.number("offset", 0u64, 0, u64::MAX).unwrap(), 0);
    }

    #[test]
    fn accept_language_picks_the_best_supported() {
        assert_eq!(
            from_accept_language("de, sv-FI;q=0.8, en;q=0.9"),
            Some(Lang::En)
        );
        assert_eq!(from_accept_language("sv-FI, fi;q=0.5"), Some(Lang::Sv));
        assert_eq!(from_accept_language("en;q=0, de"), None);
        assert_eq!(from_accept_language("*"), None);
    }
}
