//! `GET redirect`: the tracking link of a recommended channel's web page.
//!
//! No authentication (the link is followed by the person, in a browser). The link must name
//! a published channel that belongs to the service, a page of that channel, and a
//! (recommendation, service) pair that was recommended; anything else is 404 `Invalid
//! redirect link`, and nothing is recorded. A click is recorded once per (recommendation,
//! service). The target keeps its own query string; `session_id` and
//! `auroraai_access_token` are merged into it (the reference appended `?…` blindly).

use std::collections::HashSet;

use aurora_guide::learning::Outcome;
use aurora_store::RedirectOutcome;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::Response;

use super::{html, store_error, unavailable, validate};
use crate::state::AppState;

fn invalid_link() -> Response {
    html(StatusCode::NOT_FOUND, "Invalid redirect link")
}

pub(super) async fn redirect(State(state): State<AppState>, uri: Uri) -> Response {
    let input = match validate::redirect_input(uri.query().unwrap_or("")) {
        Ok(i) => i,
        Err(e) => {
            return html(
                StatusCode::BAD_REQUEST,
                format!("Validation error in request query params: {}", e.python()),
            )
        }
    };
    let compat = &state.compat;
    let Some(store) = compat.store() else {
        return unavailable();
    };
    let channel = match state.store.channel(&input.channel_id).await {
        Ok(Some(c)) => c,
        Ok(None) => return invalid_link(),
        Err(e) => return store_error(e),
    };
    let Some(page) = channel
        .web_pages
        .get(input.link_id)
        .filter(|p| !p.url.trim().is_empty())
    else {
        return invalid_link();
    };
    let services = match store
        .published_services(std::slice::from_ref(&input.service_id))
        .await
    {
        Ok(s) => s,
        Err(e) => return store_error(e),
    };
    if !services
        .iter()
        .any(|s| s.channels.iter().any(|l| l.channel_id == channel.id))
    {
        return invalid_link();
    }
    match store
        .record_redirect(input.recommendation_id, &input.service_id, &channel.id)
        .await
    {
        Ok(RedirectOutcome::Recorded) => {
            // The first click on this service of this recommendation: teach the learner
            // (when the recommendation was made for an API client).
            match store.recommendation(input.recommendation_id).await {
                Ok(Some(mut before)) => {
                    // `before` already shows the click just stored; the learner wants the
                    // state before it.
                    for s in &mut before.services {
                        if s.service_id == input.service_id {
                            s.redirected = false;
                        }
                    }
                    let _ = crate::learning::outcome(
                        &state,
                        &before,
                        &input.service_id,
                        Outcome::Click,
                    );
                }
                Ok(None) => {}
                Err(e) => return store_error(e),
            }
        }
        Ok(RedirectOutcome::AlreadyRecorded) => {}
        Ok(RedirectOutcome::NotRecommended) => return invalid_link(),
        Err(e) => return store_error(e),
    }
    let target = merge_query(
        page.url.trim(),
        &[
            ("session_id", input.session_id.as_deref().unwrap_or("")),
            (
                "auroraai_access_token",
                input.access_token.as_deref().unwrap_or(""),
            ),
        ],
    );
    match HeaderValue::from_str(&encode_location(&target)) {
        Ok(location) => {
            let mut r = html(
                StatusCode::FOUND,
                "Redirecting... You should be redirected automatically to the target URL.",
            );
            r.headers_mut().insert(header::LOCATION, location);
            r
        }
        Err(_) => invalid_link(),
    }
}

/// `url` with `params` (empty values skipped) in its query string, percent-encoded, replacing
/// parameters of the same name; the rest of the query, and the fragment, are kept as they
/// were.
pub(crate) fn merge_query(url: &str, params: &[(&str, &str)]) -> String {
    let params: Vec<(&str, &str)> = params
        .iter()
        .copied()
        .filter(|(_, v)| !v.is_empty())
        .collect();
    if params.is_empty() {
        return url.to_string();
    }
    let (head, fragment) = match url.split_once('#') {
        Some((h, f)) => (h, Some(f)),
        None => (url, None),
    };
    let (base, query) = head.split_once('?').unwrap_or((head, ""));
    let replaced: HashSet<&str> = params.iter().map(|(k, _)| *k).collect();
    let mut parts: Vec<String> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .filter(|p| {
            let key = p.split('=').next().unwrap_or("");
            let decoded: String = form_urlencoded::parse(key.as_bytes())
                .map(|(k, _)| k.into_owned())
                .next()
                .unwrap_or_default();
            !replaced.contains(decoded.as_str())
        })
        .map(str::to_string)
        .collect();
    parts.push(
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(params)
            .finish(),
    );
    let mut out = format!("{base}?{}", parts.join("&"));
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

/// Percent-encodes what may not stand in a `Location` header (controls, spaces, non-ASCII),
/// leaving the URL's own syntax and existing escapes alone.
pub(crate) fn encode_location(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for b in url.bytes() {
        if (0x21..0x7f).contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_merged_not_appended() {
        assert_eq!(
            merge_query("https://a.fi/x", &[("auroraai_access_token", "T")]),
            "https://a.fi/x?auroraai_access_token=T"
        );
        assert_eq!(
            merge_query(
                "https://a.fi/x?lang=fi&session_id=old#top",
                &[("session_id", "a b"), ("auroraai_access_token", "")]
            ),
            "https://a.fi/x?lang=fi&session_id=a+b#top"
        );
        assert_eq!(
            merge_query("https://a.fi/x?q=%C3%A4&", &[("t", "&=")]),
            "https://a.fi/x?q=%C3%A4&t=%26%3D"
        );
        assert_eq!(merge_query("url2", &[("s", "")]), "url2");
        assert_eq!(
            merge_query("url2", &[("auroraai_access_token", "testtoken")]),
            "url2?auroraai_access_token=testtoken"
        );
    }

    #[test]
    fn locations_are_header_safe() {
        assert_eq!(
            encode_location("https://a.fi/ä ö?x=1"),
            "https://a.fi/%C3%A4%20%C3%B6?x=1"
        );
        assert!(HeaderValue::from_str(&encode_location("https://x/\u{7f}\n")).is_ok());
    }
}
