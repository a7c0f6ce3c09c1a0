//! End-to-end tests of the `aurora` binary: what an operator types, and what they see.
//!
//! Each test uses its own data directory. With `AURORA_TEST_DATABASE_URL` set, the import tests
//! also run against a fresh PostgreSQL database.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn aurora() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_aurora"));
    c.env_remove("AURORA_DATABASE_URL")
        .env_remove("AURORA_DATA_DIR")
        .env("AURORA_LOG", "warn");
    c
}

fn repo_data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../data")
        .join(rel)
}

fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().expect("the aurora binary runs");
    eprintln!(
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Runs `aurora [--data-dir D] ARGS` against SQLite in `dir`.
fn sqlite(dir: &Path, args: &[&str]) -> Output {
    run(aurora().arg("--data-dir").arg(dir).args(args))
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn import_real_services_then_channels_then_again_reports_no_changes() {
    let dir = tempfile::tempdir().unwrap();
    let services = repo_data("ptv/services");
    let channels = repo_data("ptv/channels");
    let first = sqlite(dir.path(), &["import", services.to_str().unwrap()]);
    assert!(first.status.success(), "{}", text(&first));
    let second = sqlite(dir.path(), &["import", channels.to_str().unwrap()]);
    assert!(second.status.success(), "{}", text(&second));

    let json = |args: &[&str]| -> serde_json::Value {
        let mut all = vec!["import", "--json"];
        all.extend_from_slice(args);
        let o = sqlite(dir.path(), &all);
        assert!(o.status.success(), "{}", text(&o));
        serde_json::from_slice(&o.stdout).expect("--json prints one JSON report")
    };
    let again = json(&[services.to_str().unwrap()]);
    assert_eq!(again["services"]["inserted"], 0);
    assert_eq!(again["services"]["updated"], 0);
    assert!(again["services"]["unchanged"].as_u64().unwrap() >= 30);
    assert_eq!(again["rejected"].as_array().map(Vec::len), Some(0));
    let again = json(&[channels.to_str().unwrap()]);
    assert_eq!(again["channels"]["inserted"], 0);
    assert_eq!(again["channels"]["updated"], 0);
    assert_eq!(again["channels"]["unchanged"], 43);
}

fn corrupt_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read(repo_data("ptv/services/3668d250-etalukio.json")).unwrap();
    std::fs::write(dir.path().join("a-good.json"), &good).unwrap();
    // Truncated in the middle of the document.
    std::fs::write(dir.path().join("b-truncated.json"), &good[..good.len() / 2]).unwrap();
    dir
}

#[test]
fn corrupt_file_strict_names_file_and_position_and_writes_nothing() {
    let input = corrupt_dir();
    let data = tempfile::tempdir().unwrap();
    let o = sqlite(
        data.path(),
        &["import", "--strict", input.path().to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let t = text(&o);
    assert!(t.contains("b-truncated.json"), "{t}");
    assert!(t.contains("line "), "{t}");
    assert!(t.contains("was imported (--strict)"), "{t}");

    // Nothing half-written: a later non-strict import of the good file alone inserts it.
    let good = input.path().join("a-good.json");
    let o = sqlite(data.path(), &["import", "--json", good.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["services"]["inserted"], 1, "{report}");
}

#[test]
fn corrupt_file_default_imports_the_rest_and_exits_3() {
    let input = corrupt_dir();
    let data = tempfile::tempdir().unwrap();
    let o = sqlite(
        data.path(),
        &["import", "--json", input.path().to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["services"]["inserted"], 1, "{report}");
    let rejected = report["rejected"].as_array().unwrap();
    assert_eq!(rejected.len(), 1, "{report}");
    assert!(rejected[0]["source"]
        .as_str()
        .unwrap()
        .ends_with("b-truncated.json"));
}

#[test]
fn missing_path_is_a_clear_error() {
    let data = tempfile::tempdir().unwrap();
    let o = sqlite(data.path(), &["import", "/nonexistent/aurora/input.json"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("/nonexistent/aurora/input.json"));
}

#[test]
fn bad_database_url_is_a_clear_error() {
    let o = run(aurora().args(["--database-url", "mysql://x/y", "import", "--bundled"]));
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o).contains("unsupported database URL"),
        "{}",
        text(&o)
    );
}

#[test]
fn postgres_import_is_idempotent() {
    let Ok(base) = std::env::var("AURORA_TEST_DATABASE_URL") else {
        eprintln!("SKIPPED: set AURORA_TEST_DATABASE_URL to run the PostgreSQL CLI test");
        return;
    };
    let db = format!("aurora_cli_{}", std::process::id());
    let admin = |sql: &str| {
        let o = Command::new("psql")
            .arg(&base)
            .args(["-qc", sql])
            .output()
            .expect("psql runs");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    admin(&format!("DROP DATABASE IF EXISTS {db}"));
    admin(&format!("CREATE DATABASE {db}"));
    let url = format!("{}/{db}", base.rsplit_once('/').unwrap().0);
    let import = || {
        let o = run(aurora().args(["--database-url", &url, "import", "--json", "--bundled"]));
        assert!(
            o.status.success() || o.status.code() == Some(3),
            "{}",
            text(&o)
        );
        serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap()
    };
    let first = import();
    assert!(
        first["services"]["inserted"].as_u64().unwrap() >= 31,
        "{first}"
    );
    let second = import();
    assert_eq!(second["services"]["inserted"], 0, "{second}");
    assert_eq!(second["services"]["updated"], 0, "{second}");
    admin(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"));
}

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

fn get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut buf = String::new();
    s.read_to_string(&mut buf).ok()?;
    let status = buf.split_whitespace().nth(1)?.parse().ok()?;
    let body = buf.split_once("\r\n\r\n").map(|(_, b)| b.to_string())?;
    Some((status, body))
}

#[test]
fn serve_loads_the_bundled_data_on_first_start_and_serves_it() {
    let data = tempfile::tempdir().unwrap();
    let port = free_port();
    let _server = Server(
        aurora()
            .arg("--data-dir")
            .arg(data.path())
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some((200, _)) = get(port, "/readyz") {
            break;
        }
        assert!(Instant::now() < deadline, "server not ready in 60 s");
        std::thread::sleep(Duration::from_millis(50));
    }
    let (status, body) = get(port, "/api/v1/services?limit=5").unwrap();
    assert_eq!(status, 200, "{body}");
    // Chunked transfer encoding may wrap the JSON; find the total in the text.
    assert!(body.contains("\"total\""), "{body}");
    let (status, body) = get(
        port,
        "/api/v1/services?municipality=529&include_national=false",
    )
    .unwrap();
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains("Naantali") || body.contains("naantali"),
        "{body}"
    );
    // The search index was built before /readyz turned 200: "päivähoito" finds services.
    let (status, body) = get(port, "/api/v1/search?q=p%C3%A4iv%C3%A4hoito&limit=3").unwrap();
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"items\":[{"), "{body}");
    assert!(body.contains("\"lexical_score\""), "{body}");
    assert!(body.contains("\"mode\":\"lexical_only\""), "{body}");
}

#[test]
fn understand_prints_the_analysis_as_json() {
    let o = run(aurora().args(["understand", "Muutan Tampereelle opiskelemaan"]));
    assert!(o.status.success(), "{}", text(&o));
    let out: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON on stdout");
    assert_eq!(out["language"]["code"], "fi");
    assert_eq!(out["entities"]["municipalities"][0]["code"], "837");
    assert!(out["life_events"][0]["code"]
        .as_str()
        .unwrap()
        .starts_with("KE4"));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("\n  \"life_events\": ["),
        "pretty-printed"
    );

    let o = run(aurora().args(["understand", "--lang", "sv", "Jag flyttar till Åbo"]));
    assert!(o.status.success(), "{}", text(&o));
    let out: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(out["entities"]["municipalities"][0]["code"], "853");

    let o = run(aurora().args(["understand", "   "]));
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("error: the text is empty"),
        "{}",
        text(&o)
    );
    let o = run(aurora().args(["understand", "--lang", "de", "hei"]));
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

#[test]
fn eval_intent_meets_the_committed_floors() {
    let o = run(aurora().args(["eval", "intent"]));
    assert!(o.status.success(), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    for needle in [
        "| lang | n | life-event top-1 | class hit@3 |",
        "| fi | 110 |",
        "| sv | 90 |",
        "| en | 90 |",
        "\nholdout (",
        "\nfresh (",
        "Floors (data/nlu/floors.json (built in)):",
        "ok    all fi life-event top-1",
        "ok    fresh all class hit@3",
        "ok    all sv life-event top-1 is ",
        "floors met",
    ] {
        assert!(out.contains(needle), "missing {needle:?} in\n{out}");
    }
    assert!(!out.contains("FAIL"), "{out}");
}

#[test]
fn eval_intent_fails_with_exit_1_below_a_floor() {
    let dir = tempfile::tempdir().unwrap();
    let floors = dir.path().join("floors.json");
    std::fs::write(
        &floors,
        r#"{"floors": [
            {"split": "all", "lang": "fi", "life_event_top1": 1.01, "class_hit3": 0.5},
            {"split": "fresh", "lang": "all", "class_hit3": 1.01}
        ]}"#,
    )
    .unwrap();
    let o = run(aurora()
        .args(["eval", "intent", "--floor-file"])
        .arg(&floors));
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("error: below the floor: all fi life-event top-1 ")
            && err.contains("is below its floor 101.0%"),
        "{err}"
    );
    assert!(
        err.contains("error: below the floor: fresh all class hit@3 "),
        "{err}"
    );
    assert!(
        err.contains("2 of 3 intent-recognition floors not met"),
        "{err}"
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains("ok    all fi class hit@3"));

    let o = run(aurora()
        .args(["eval", "intent", "--floor-file"])
        .arg(dir.path().join("missing.json")));
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o).contains("cannot read the floor file"),
        "{}",
        text(&o)
    );
}
