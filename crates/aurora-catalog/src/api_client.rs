//! The live PTV REST API v11.
//!
//! For each of `Organization`, `ServiceChannel` and `Service`, in that order:
//!
//! 1. list ids: `GET {base}/api/v11/{Kind}?page=N[&date=SINCE]`, N = 1, 2, … up to the
//!    `pageCount` of **the same filtered query** (the reference loader took the page count from
//!    an unfiltered call, which makes incremental runs fetch pages that do not exist);
//! 2. details: `GET {base}/api/v11/{Kind}/list?guids=<up to 99 ids>`, which answers with a JSON
//!    array of full objects. An id the listing named but the details left out becomes a
//!    rejection, not an abort (the reference loader aborted the whole run).
//!
//! Everything is written in one batch, as for files. Then the services listed by
//! `GET {base}/api/v11/Service?page=N[&date=SINCE]&status=Archived` and `…&status=Withdrawn`
//! are archived with [`CatalogStore::archive_services`].
//!
//! Requests are made with blocking `ureq` on tokio's blocking pool, one at a time (PTV asks
//! clients not to hammer it), with a 120 s timeout per request. Connection failures, timeouts
//! and 5xx answers are retried up to 3 times with exponential backoff (0.5 s, 1 s, 2 s); other
//! answers fail the import with [`ImportError::Http`] naming the URL.

use std::collections::HashSet;
use std::time::Duration;

use aurora_store::CatalogStore;
use serde::Deserialize;

use crate::error::{ImportError, Rejection, Result};
use crate::pipeline::{write_batch, ImportOptions, ImportReport, Progress};
use crate::ptv::read::{parse_inputs, Input, Parsed};

/// Ids per details request: the API's limit is 100; the reference used 99.
const DETAILS_CHUNK: usize = 99;
/// Largest response body accepted (a details page of 99 large services is a few MB).
const MAX_BODY: u64 = 256 * 1024 * 1024;
/// More pages than this means a broken server, not a catalogue (PTV pages hold 1000 ids).
const MAX_PAGES: u64 = 100_000;

/// The three kinds the API lists, in write-dependency order.
const KINDS: [(&str, &str); 3] = [
    ("Organization", "organisations"),
    ("ServiceChannel", "channels"),
    ("Service", "services"),
];

/// Retry policy.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Retry {
    pub(crate) retries: u32,
    pub(crate) backoff: Duration,
    pub(crate) timeout: Duration,
}

impl Default for Retry {
    fn default() -> Self {
        Retry {
            retries: 3,
            backoff: Duration::from_millis(500),
            timeout: Duration::from_secs(120),
        }
    }
}

struct Client {
    base: String,
    agent: ureq::Agent,
    retry: Retry,
}

enum Failure {
    Retryable(String),
    Fatal(String),
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListPage {
    #[serde(default)]
    page_count: u64,
    #[serde(default)]
    item_list: Option<Vec<ListItem>>,
}

#[derive(Deserialize)]
struct ListItem {
    id: String,
}

impl Client {
    fn new(base_url: &str, retry: Retry) -> Result<Self> {
        let base = base_url.trim().trim_end_matches('/').to_string();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(ImportError::Http {
                url: base_url.to_string(),
                reason: "expected an http:// or https:// base URL such as \
                         https://api.palvelutietovaranto.suomi.fi"
                    .to_string(),
            });
        }
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(retry.timeout))
            .timeout_connect(Some(Duration::from_secs(10).min(retry.timeout)))
            .http_status_as_error(false)
            .user_agent(concat!("aurora/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Ok(Client { base, agent, retry })
    }

    /// GET with retries; the body of a 2xx answer.
    async fn get(&self, url: &str) -> Result<Vec<u8>> {
        let mut attempt = 0;
        loop {
            let agent = self.agent.clone();
            let owned = url.to_string();
            let outcome = tokio::task::spawn_blocking(move || fetch_once(&agent, &owned))
                .await
                .unwrap_or_else(|e| Err(Failure::Fatal(format!("request task failed: {e}"))));
            match outcome {
                Ok(body) => return Ok(body),
                Err(Failure::Retryable(reason)) if attempt < self.retry.retries => {
                    tracing::warn!(url, reason, attempt, "PTV request failed; retrying");
                    tokio::time::sleep(self.retry.backoff * 2u32.pow(attempt)).await;
                    attempt += 1;
                }
                Err(Failure::Retryable(reason)) => {
                    return Err(ImportError::Http {
                        url: url.to_string(),
                        reason: format!("{reason} (gave up after {} retries)", self.retry.retries),
                    })
                }
                Err(Failure::Fatal(reason)) => {
                    return Err(ImportError::Http {
                        url: url.to_string(),
                        reason,
                    })
                }
            }
        }
    }

    /// All ids of one listing, paging through the `pageCount` of this very query.
    async fn list(
        &self,
        kind: &str,
        since: Option<&str>,
        status: Option<&str>,
        progress: &dyn Progress,
    ) -> Result<Vec<String>> {
        let mut ids = Vec::new();
        let mut page = 1u64;
        loop {
            let mut url = format!("{}/api/v11/{kind}?page={page}", self.base);
            if let Some(since) = since {
                url.push_str("&date=");
                url.push_str(since);
            }
            if let Some(status) = status {
                url.push_str("&status=");
                url.push_str(status);
            }
            let body = self.get(&url).await?;
            let listing: ListPage =
                serde_json::from_slice(&body).map_err(|e| ImportError::Http {
                    url: url.clone(),
                    reason: format!(
                    "expected a list page {{pageNumber, pageCount, itemList: [{{id, name}}]}}: {e}"
                ),
                })?;
            if page == 1 {
                progress.start(
                    &format!(
                        "list {kind}{}",
                        status.map(|s| format!(" ({s})")).unwrap_or_default()
                    ),
                    Some(listing.page_count),
                );
            }
            progress.advance(1);
            ids.extend(
                listing
                    .item_list
                    .unwrap_or_default()
                    .into_iter()
                    .map(|i| i.id),
            );
            if page >= listing.page_count.min(MAX_PAGES) {
                break;
            }
            page += 1;
        }
        progress.finish();
        let mut seen = HashSet::new();
        ids.retain(|id| seen.insert(id.to_ascii_lowercase()));
        Ok(ids)
    }

    /// Details of `ids`, `DETAILS_CHUNK` at a time: `(url, body)` per request.
    async fn details(
        &self,
        kind: &str,
        label: &str,
        ids: &[String],
        progress: &dyn Progress,
    ) -> Result<Vec<(String, Vec<u8>)>> {
        progress.start(&format!("fetch {label}"), Some(ids.len() as u64));
        let mut out = Vec::new();
        for chunk in ids.chunks(DETAILS_CHUNK) {
            let url = format!(
                "{}/api/v11/{kind}/list?guids={}",
                self.base,
                chunk.join(",")
            );
            let body = self.get(&url).await?;
            out.push((url, body));
            progress.advance(chunk.len() as u64);
        }
        progress.finish();
        Ok(out)
    }
}

fn fetch_once(agent: &ureq::Agent, url: &str) -> std::result::Result<Vec<u8>, Failure> {
    let mut response = agent
        .get(url)
        .header("Accept", "application/json")
        .call()
        .map_err(|e| match e {
            ureq::Error::Io(_)
            | ureq::Error::Timeout(_)
            | ureq::Error::ConnectionFailed
            | ureq::Error::Protocol(_) => Failure::Retryable(e.to_string()),
            other => Failure::Fatal(other.to_string()),
        })?;
    let status = response.status();
    let body = response
        .body_mut()
        .with_config()
        .limit(MAX_BODY)
        .read_to_vec();
    if status.is_server_error() {
        return Err(Failure::Retryable(format!("HTTP {status}")));
    }
    if !status.is_success() {
        let excerpt = body
            .ok()
            .map(|b| {
                String::from_utf8_lossy(&b[..b.len().min(200)])
                    .trim()
                    .to_string()
            })
            .filter(|s| !s.is_empty())
            .map(|s| format!(": {s}"))
            .unwrap_or_default();
        return Err(Failure::Fatal(format!("HTTP {status}{excerpt}")));
    }
    body.map_err(|e| match e {
        ureq::Error::BodyExceedsLimit(n) => {
            Failure::Fatal(format!("response larger than {n} bytes"))
        }
        other => Failure::Retryable(other.to_string()),
    })
}

/// Accepts `YYYY-MM-DDTHH:MM:SS` (PTV's `date` format) and a bare `YYYY-MM-DD` (midnight).
pub(crate) fn normalize_since(since: &str) -> Result<String> {
    let s = since.trim();
    let shape = |t: &str, pattern: &str| {
        t.len() == pattern.len()
            && t.bytes().zip(pattern.bytes()).all(|(c, p)| match p {
                b'9' => c.is_ascii_digit(),
                p => c == p,
            })
    };
    if shape(s, "9999-99-99T99:99:99") {
        Ok(s.to_string())
    } else if shape(s, "9999-99-99") {
        Ok(format!("{s}T00:00:00"))
    } else {
        Err(ImportError::Format {
            source: "since".to_string(),
            reason: format!(
                "expected a date-time YYYY-MM-DDTHH:MM:SS (or a date YYYY-MM-DD), found {since:?}"
            ),
        })
    }
}

pub(crate) async fn import(
    store: &dyn CatalogStore,
    base_url: &str,
    since: Option<&str>,
    opts: &ImportOptions,
    progress: &dyn Progress,
) -> Result<ImportReport> {
    import_with(store, base_url, since, opts, progress, Retry::default()).await
}

pub(crate) async fn import_with(
    store: &dyn CatalogStore,
    base_url: &str,
    since: Option<&str>,
    opts: &ImportOptions,
    progress: &dyn Progress,
    retry: Retry,
) -> Result<ImportReport> {
    let since = since.map(normalize_since).transpose()?;
    let since = since.as_deref();
    let client = Client::new(base_url, retry)?;
    let mut report = ImportReport {
        sources: vec![format!("{}/api/v11", client.base)],
        ..ImportReport::default()
    };

    let mut parsed = Parsed::default();
    for (kind, label) in KINDS {
        let ids = client.list(kind, since, None, progress).await?;
        let responses = client.details(kind, label, &ids, progress).await?;
        let inputs: Vec<Input<'_>> = responses
            .iter()
            .map(|(url, body)| Input::Bytes(url.clone(), body))
            .collect();
        let mut got = parse_inputs(&inputs, opts.strict, progress)?;
        let returned: HashSet<String> = match kind {
            "Organization" => got
                .batch
                .organizations
                .iter()
                .map(|o| o.id.clone())
                .collect(),
            "ServiceChannel" => got.batch.channels.iter().map(|c| c.id.clone()).collect(),
            _ => got.batch.services.iter().map(|s| s.id.clone()).collect(),
        };
        let rejected: HashSet<String> = got
            .rejections
            .iter()
            .filter_map(|r| r.id.as_ref().map(|id| id.to_ascii_lowercase()))
            .collect();
        for (chunk_no, chunk) in ids.chunks(DETAILS_CHUNK).enumerate() {
            for id in chunk {
                let key = id.to_ascii_lowercase();
                if !returned.contains(&key) && !rejected.contains(&key) {
                    got.rejections.push(Rejection {
                        source: responses[chunk_no].0.clone(),
                        location: "/".to_string(),
                        id: Some(id.clone()),
                        reason: format!(
                            "listed by /api/v11/{kind} but missing from the details response"
                        ),
                    });
                }
            }
        }
        parsed.batch.services.append(&mut got.batch.services);
        parsed.batch.channels.append(&mut got.batch.channels);
        parsed
            .batch
            .organizations
            .append(&mut got.batch.organizations);
        parsed.rejections.append(&mut got.rejections);
    }

    let mut gone = Vec::new();
    for status in ["Archived", "Withdrawn"] {
        gone.extend(
            client
                .list("Service", since, Some(status), progress)
                .await?,
        );
    }
    let mut seen = HashSet::new();
    let gone: Vec<String> = gone
        .into_iter()
        .map(|id| id.to_ascii_lowercase())
        .filter(|id| seen.insert(id.clone()))
        .collect();

    write_batch(store, parsed, opts, progress, &mut report).await?;
    if !gone.is_empty() {
        progress.start("archive", Some(gone.len() as u64));
        report.archived_by_delta = store.archive_services(&gone).await?;
        progress.advance(gone.len() as u64);
        progress.finish();
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_accepts_ptv_date_times_and_dates() {
        assert_eq!(
            normalize_since("2024-03-01T12:30:00").unwrap(),
            "2024-03-01T12:30:00"
        );
        assert_eq!(
            normalize_since(" 2024-03-01 ").unwrap(),
            "2024-03-01T00:00:00"
        );
        let err = normalize_since("yesterday").unwrap_err().to_string();
        assert_eq!(
            err,
            "since: expected a date-time YYYY-MM-DDTHH:MM:SS (or a date YYYY-MM-DD), found \"yesterday\""
        );
    }

    #[test]
    fn base_urls_must_be_http() {
        let err = Client::new("ftp://x", Retry::default())
            .err()
            .unwrap()
            .to_string();
        assert!(
            err.starts_with("ftp://x: expected an http:// or https:// base URL"),
            "{err}"
        );
    }
}
