//! Kill -9 during a stream of consent changes loses no acknowledged change (issue 5), on
//! SQLite always and on PostgreSQL when `AURORA_TEST_DATABASE_URL` is set.
//!
//! The real `aurora serve` process gets a stream of consent grants and withdrawals over HTTP
//! from one person's session. Every change it acknowledged (2xx) is noted; the process is
//! killed with SIGKILL mid-stream, started again on the same database, and every
//! acknowledged grant must be there (active unless its withdrawal was acknowledged) and
//! every acknowledged withdrawal must have stuck.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aurora_store::people::{PersonKind, PersonStore, SessionRecord};
use aurora_store::SqlStore;
use aurora_twin::keys::TwinKeys;
use serde_json::{json, Value};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start(url: &str, dir: &Path, keys: &Path, port: u16) -> Server {
    let child = Command::new(env!("CARGO_BIN_EXE_aurora"))
        .env_remove("AURORA_DATABASE_URL")
        .env_remove("AURORA_DATA_DIR")
        .env("AURORA_LOG", "warn")
        .arg("--data-dir")
        .arg(dir)
        .args(["--database-url", url])
        .args([
            "serve",
            "--no-bundled-data",
            "--no-vectors",
            "--listen",
            &format!("127.0.0.1:{port}"),
        ])
        .arg("--twin-keys")
        .arg(keys)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("aurora serve starts");
    let server = Server(child);
    let deadline = Instant::now() + Duration::from_secs(90);
    while request(port, "GET", "/readyz", None, None).map(|r| r.0) != Some(200) {
        assert!(Instant::now() < deadline, "server not ready in 90 s");
        std::thread::sleep(Duration::from_millis(50));
    }
    server
}

/// One HTTP/1.1 request on its own connection: (status, body).
fn request(
    port: u16,
    method: &str,
    path: &str,
    session: Option<&(String, String)>,
    body: Option<&Value>,
) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(20))).ok()?;
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
    if let Some((cookie, csrf)) = session {
        head.push_str(&format!("Cookie: {cookie}\r\nX-CSRF-Token: {csrf}\r\n"));
    }
    if !body.is_empty() {
        head.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).ok()?;
    s.write_all(body.as_bytes()).ok()?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).ok()?;
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text.split_whitespace().nth(1)?.parse().ok()?;
    let (head, body) = text.split_once("\r\n\r\n")?;
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(body)
    } else {
        body.to_string()
    };
    Some((status, body))
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        s = rest[n..].trim_start_matches("\r\n");
    }
    out
}

/// Prepares the database: a member service to consent to, a person with a live session.
async fn prepare(url: &str, keys: &TwinKeys) -> (String, (String, String)) {
    let store = SqlStore::open(url).await.expect("open the store");
    let registry = aurora_twin::registry::AttributeRegistry::bundled();
    let registered = aurora_twin::oauth::client::register(
        &store,
        &aurora_twin::oauth::client::ClientRegistration {
            name_fi: "Kestävyyspalvelu".into(),
            name_sv: "Uthållighetstjänsten".into(),
            name_en: "Endurance service".into(),
            organisation: "Aurora crash tests".into(),
            redirect_uris: vec!["https://service.example/callback".into()],
            allowed_scopes: vec!["age".into(), "municipality_code".into()],
            allowed_purposes: vec!["guidance".into()],
            ..Default::default()
        },
        &|name| registry.get(name).is_some(),
    )
    .await
    .expect("register a member service");
    let person = aurora_twin::person::create(&store, keys, PersonKind::Person)
        .await
        .expect("create a person");
    let token = aurora_twin::token::generate().expect("token");
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    store
        .create_session(&SessionRecord {
            token_hash: aurora_twin::token::hash(&token),
            person_id: person.id.clone(),
            auth_method: "test".into(),
            auth_time_unix: now,
            expires_at_unix: now + 3600,
        })
        .await
        .expect("create a session");
    store.close().await;
    let csrf = keys.mac_b64("session-csrf", token.as_bytes());
    (
        registered.client.id,
        (format!("aurora_session={token}"), csrf),
    )
}

#[derive(Default)]
struct Acknowledged {
    granted: Vec<String>,
    withdrawn: Vec<String>,
}

fn stream(
    port: u16,
    client: &str,
    session: &(String, String),
    stop: &AtomicBool,
    acked: &Mutex<Acknowledged>,
) {
    let valid_until = (time::OffsetDateTime::now_utc() + time::Duration::days(180))
        .format(&time::format_description::well_known::Rfc3339)
        .expect("a time formats");
    let mut i = 0u64;
    while !stop.load(Ordering::Relaxed) {
        i += 1;
        // Every third change withdraws the oldest consent still active.
        let to_withdraw = if i % 3 == 0 {
            let a = acked.lock().unwrap();
            a.granted
                .iter()
                .find(|id| !a.withdrawn.contains(id))
                .cloned()
        } else {
            None
        };
        if let Some(id) = to_withdraw {
            if let Some((s, _)) = request(
                port,
                "DELETE",
                &format!("/api/v1/me/consents/{id}"),
                Some(session),
                None,
            ) {
                if (200..300).contains(&s) {
                    acked.lock().unwrap().withdrawn.push(id);
                }
            }
            continue;
        }
        let body = json!({
            "recipient": {"kind": "service", "id": client},
            "purpose": "guidance",
            "attributes": if i % 2 == 0 { json!(["age"]) } else { json!(["age", "municipality_code"]) },
            "valid_until": valid_until,
        });
        if let Some((s, text)) = request(
            port,
            "POST",
            "/api/v1/me/consents",
            Some(session),
            Some(&body),
        ) {
            if !(200..300).contains(&s) && i < 4 {
                eprintln!("grant refused: {s} {text}");
            }
            if (200..300).contains(&s) {
                let v: Value = serde_json::from_str(&text).expect("a JSON consent");
                let id = v["id"].as_str().expect("the consent's id").to_string();
                acked.lock().unwrap().granted.push(id);
            }
        }
    }
}

async fn run(url: &str) {
    let dir = tempfile::tempdir().unwrap();
    let keys_path = dir.path().join("twin-keys.json");
    let keys = TwinKeys::generate().unwrap();
    keys.save(&keys_path).unwrap();
    let (client, session) = prepare(url, &keys).await;
    let port = free_port();
    let mut server = start(url, dir.path(), &keys_path, port);

    let stop = Arc::new(AtomicBool::new(false));
    let acked = Arc::new(Mutex::new(Acknowledged::default()));
    let streams: Vec<_> = (0..3)
        .map(|_| {
            let (stop, acked, client, session) =
                (stop.clone(), acked.clone(), client.clone(), session.clone());
            std::thread::spawn(move || stream(port, &client, &session, &stop, &acked))
        })
        .collect();
    // Let the stream run, then kill -9 in the middle of it.
    let deadline = Instant::now() + Duration::from_secs(60);
    while acked.lock().unwrap().withdrawn.len() < 10 {
        assert!(Instant::now() < deadline, "the stream made no progress");
        std::thread::sleep(Duration::from_millis(20));
    }
    server.0.kill().expect("SIGKILL");
    server.0.wait().expect("reaped");
    stop.store(true, Ordering::Relaxed);
    for s in streams {
        s.join().expect("stream thread");
    }
    let acked = std::mem::take(&mut *acked.lock().unwrap());
    eprintln!(
        "acknowledged before the kill: {} grants, {} withdrawals",
        acked.granted.len(),
        acked.withdrawn.len()
    );

    let _server = start(url, dir.path(), &keys_path, port);
    let (status, body) = request(port, "GET", "/api/v1/me/consents", Some(&session), None)
        .expect("the restarted server answers");
    assert_eq!(status, 200, "{body}");
    let list: Value = serde_json::from_str(&body).unwrap();
    let items = list["consents"]
        .as_array()
        .expect("a list of consents")
        .clone();
    let state_of = |id: &str| -> Option<String> {
        items
            .iter()
            .find(|c| c["id"] == id)
            .map(|c| c["state"].as_str().unwrap_or_default().to_string())
    };
    for id in &acked.granted {
        let state = state_of(id).unwrap_or_else(|| panic!("acknowledged grant {id} was lost"));
        let expected = if acked.withdrawn.contains(id) {
            "withdrawn"
        } else {
            "active"
        };
        assert_eq!(state, expected, "consent {id}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_loses_no_acknowledged_consent_change_on_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("crash.db").display());
    run(&url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_loses_no_acknowledged_consent_change_on_kill_9() {
    let Ok(base) = std::env::var("AURORA_TEST_DATABASE_URL") else {
        eprintln!("SKIPPED: set AURORA_TEST_DATABASE_URL to run the PostgreSQL crash test");
        return;
    };
    let db = format!("aurora_crash_{}", std::process::id());
    let admin = |sql: &str| {
        let o = Command::new("psql")
            .arg(&base)
            .args(["-qc", sql])
            .output()
            .expect("psql runs");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    admin(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"));
    admin(&format!("CREATE DATABASE {db}"));
    let url = format!("{}/{db}", base.rsplit_once('/').unwrap().0);
    run(&url).await;
    admin(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"));
}
