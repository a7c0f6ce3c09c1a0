//! The live-API client against a loopback server that replays recorded PTV responses
//! (`tests/fixtures/api`, details from `data/ptv`). No test touches the network.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use aurora_catalog::{import_from_ptv_api, ImportError, ImportOptions, NoProgress};
use aurora_store::CatalogStore;
use serde_json::Value;

use crate::common::{counts, data_ptv, fixture, store};

struct Server {
    base: String,
    log: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn requests(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }
}

/// Every record of `data/ptv` by id, as the details endpoint returns them.
fn details() -> HashMap<String, Value> {
    let mut out = HashMap::new();
    for sub in ["services", "channels", "organizations"] {
        for entry in std::fs::read_dir(data_ptv().join(sub)).unwrap() {
            let v: Value =
                serde_json::from_slice(&std::fs::read(entry.unwrap().path()).unwrap()).unwrap();
            out.insert(v["id"].as_str().unwrap().to_string(), v);
        }
    }
    out
}

/// Starts the server; the first `fail_first` requests get `fail_status`.
fn serve(fail_first: usize, fail_status: u16) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let log = Arc::new(Mutex::new(Vec::new()));
    let records = Arc::new(details());
    let failures = Arc::new(AtomicUsize::new(fail_first));
    let server_log = Arc::clone(&log);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let target = read_request(&stream);
            server_log.lock().unwrap().push(target.clone());
            let (status, body) = if failures
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok()
            {
                (fail_status, "{\"error\": \"try again\"}".to_string())
            } else {
                respond(&target, &records)
            };
            let _ = write_response(stream, status, &body);
        }
    });
    Server { base, log }
}

fn read_request(stream: &TcpStream) -> String {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).unwrap_or(0);
    let target = line.split_whitespace().nth(1).unwrap_or("").to_string();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
            break;
        }
    }
    target
}

fn write_response(mut stream: TcpStream, status: u16, body: &str) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Other",
    };
    write!(
        stream,
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    stream.flush()
}

/// Routes a request target to a recorded listing or to details built from `data/ptv`.
fn respond(target: &str, records: &HashMap<String, Value>) -> (u16, String) {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let params: HashMap<&str, &str> = query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .collect();
    let Some(rest) = path.strip_prefix("/api/v11/") else {
        return (404, "{}".into());
    };
    if let Some(kind) = rest.strip_suffix("/list") {
        let _ = kind;
        let items: Vec<&Value> = params
            .get("guids")
            .unwrap_or(&"")
            .split(',')
            .filter_map(|id| records.get(id))
            .collect();
        return (200, serde_json::to_string(&items).unwrap());
    }
    let mut name = if params.contains_key("date") {
        "since"
    } else {
        "full"
    }
    .to_string();
    if let Some(status) = params.get("status") {
        name.push('-');
        name.push_str(&status.to_ascii_lowercase());
    }
    let file: PathBuf = fixture("api").join(rest).join(format!(
        "{name}-page{}.json",
        params.get("page").unwrap_or(&"?")
    ));
    match std::fs::read_to_string(&file) {
        Ok(body) => (200, body),
        Err(_) => (404, format!("{{\"error\": \"no page {target}\"}}")),
    }
}

#[tokio::test]
async fn full_import_pages_fetches_details_and_reports_missing_ids() {
    let (store, _dir) = store().await;
    let server = serve(0, 0);
    let report = import_from_ptv_api(
        &store,
        &server.base,
        None,
        &ImportOptions::default(),
        &NoProgress,
    )
    .await
    .unwrap();
    assert_eq!(report.organizations.inserted, 2);
    assert_eq!(report.channels.inserted, 3);
    assert_eq!(report.services.inserted, 4);
    assert_eq!(report.rejected.len(), 1, "{}", report.summary());
    let missing = &report.rejected[0];
    assert_eq!(
        missing.id.as_deref(),
        Some("00000000-0000-4000-8000-000000000001")
    );
    assert_eq!(
        missing.reason,
        "listed by /api/v11/Service but missing from the details response"
    );
    assert!(
        missing.source.contains("/api/v11/Service/list?guids="),
        "{missing}"
    );
    assert_eq!(report.archived_by_delta, 0);
    assert_eq!(report.sources, vec![format!("{}/api/v11", server.base)]);

    let requests = server.requests();
    for expected in [
        "/api/v11/Organization?page=1",
        "/api/v11/ServiceChannel?page=1",
        "/api/v11/ServiceChannel?page=2",
        "/api/v11/Service?page=1",
        "/api/v11/Service?page=2",
        "/api/v11/Service?page=3",
        "/api/v11/Service?page=1&status=Archived",
        "/api/v11/Service?page=1&status=Withdrawn",
        "/api/v11/Service/list?guids=610325e0-f485-4caa-bd3b-5bf74d5480c5,47e7c82b-9d67-4a7e-93f7-c6ff87adf2fa,7cf9a776-808e-4e58-a904-863f48887ea2,f4e22166-0b6a-4d33-b885-715a298999c4,00000000-0000-4000-8000-000000000001",
    ] {
        assert!(requests.iter().any(|r| r == expected), "{expected} not in {requests:#?}");
    }
    assert_eq!(requests.len(), 11, "{requests:#?}");

    // Strict mode refuses the missing id before writing anything.
    let (strict_store, _dir2) = crate::common::store().await;
    let err = import_from_ptv_api(
        &strict_store,
        &server.base,
        None,
        &ImportOptions { strict: true },
        &NoProgress,
    )
    .await
    .unwrap_err();
    assert_eq!(err.rejections().len(), 1);
    assert_eq!(counts(&strict_store).await.services, 0);
}

#[tokio::test]
async fn delta_pages_with_its_own_page_count_and_archives_what_ptv_archived() {
    let (store, _dir) = store().await;
    let server = serve(0, 0);
    import_from_ptv_api(
        &store,
        &server.base,
        None,
        &ImportOptions::default(),
        &NoProgress,
    )
    .await
    .unwrap();
    assert!(store
        .service("47e7c82b-9d67-4a7e-93f7-c6ff87adf2fa")
        .await
        .unwrap()
        .is_some());
    let before = server.requests().len();

    let report = import_from_ptv_api(
        &store,
        &server.base,
        Some("2024-05-01T00:00:00"),
        &ImportOptions::default(),
        &NoProgress,
    )
    .await
    .unwrap();
    assert_eq!(report.archived_by_delta, 2, "{}", report.summary());
    assert_eq!(report.services.unchanged, 1);
    assert_eq!(report.channels.unchanged, 1);
    assert_eq!(report.changes(), 2);
    assert!(report.rejected.is_empty(), "{}", report.summary());
    for gone in [
        "47e7c82b-9d67-4a7e-93f7-c6ff87adf2fa",
        "7cf9a776-808e-4e58-a904-863f48887ea2",
    ] {
        assert!(store.service(gone).await.unwrap().is_none(), "{gone}");
    }
    let c = counts(&store).await;
    assert_eq!((c.services, c.archived_services), (2, 2));

    let delta: Vec<String> = server.requests()[before..].to_vec();
    let listings: Vec<&String> = delta.iter().filter(|r| !r.contains("/list?")).collect();
    assert!(
        listings
            .iter()
            .all(|r| r.contains("&date=2024-05-01T00:00:00")),
        "a listing without the date filter: {listings:#?}"
    );
    assert!(!delta.iter().any(|r| r.contains("page=2")), "{delta:#?}");
    assert!(
        delta
            .iter()
            .all(|r| !r.starts_with("/api/v11/Organization/list")),
        "empty listing fetched details: {delta:#?}"
    );

    // The same delta again: nothing left to change.
    let again = import_from_ptv_api(
        &store,
        &server.base,
        Some("2024-05-01"),
        &ImportOptions::default(),
        &NoProgress,
    )
    .await
    .unwrap();
    assert_eq!(again.changes(), 0, "{}", again.summary());
}

#[tokio::test]
async fn server_errors_are_retried_then_reported() {
    let (store, _dir) = store().await;
    // Two 503s, then the real answers: the import succeeds.
    let flaky = serve(2, 503);
    let report = import_from_ptv_api(
        &store,
        &flaky.base,
        None,
        &ImportOptions::default(),
        &NoProgress,
    )
    .await
    .unwrap();
    assert_eq!(report.services.inserted, 4);
    assert_eq!(flaky.requests()[..3], ["/api/v11/Organization?page=1"; 3]);

    // A server that keeps failing: a clear error naming the URL, after 3 retries.
    let broken = serve(usize::MAX, 500);
    let err = import_from_ptv_api(
        &store,
        &broken.base,
        None,
        &ImportOptions::default(),
        &NoProgress,
    )
    .await
    .unwrap_err();
    assert!(matches!(err, ImportError::Http { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!(
            "{}/api/v11/Organization?page=1: HTTP 500 Internal Server Error (gave up after 3 retries)",
            broken.base
        )
    );
    assert_eq!(broken.requests().len(), 4);
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let (store, _dir) = store().await;
    let server = serve(0, 0);
    // A base URL under which nothing exists.
    let base = format!("{}/nothing-here", server.base);
    let err = import_from_ptv_api(&store, &base, None, &ImportOptions::default(), &NoProgress)
        .await
        .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.starts_with(&format!("{base}/api/v11/Organization?page=1: HTTP 404")),
        "{msg}"
    );
    assert_eq!(server.requests().len(), 1);

    // Nobody listening at all: connection refused, retried, then reported.
    let closed = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    };
    let err = import_from_ptv_api(
        &store,
        &closed,
        None,
        &ImportOptions::default(),
        &NoProgress,
    )
    .await
    .unwrap_err();
    assert!(matches!(err, ImportError::Http { .. }), "{err:?}");
    assert!(err.to_string().contains("gave up after 3 retries"), "{err}");
}
