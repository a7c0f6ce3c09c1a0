//! The whole-run log audit (issue 5): after the full test suite ran with
//! `AURORA_TEST_LOG_DIR` set, no token, password, secret or attribute value the tests handled
//! (`secrets.txt`, written by `tests/support/twin.rs::remember_secret`) appears in any log
//! the test binaries wrote there (`*.log`, every line at TRACE level).
//!
//! `.ci/run` runs it last: `cargo test --workspace --test log_audit -- --ignored`.
//! It is ignored in a plain `cargo test`, where the logs of the other binaries may not exist
//! yet.

#[test]
#[ignore = "run after the full suite with AURORA_TEST_LOG_DIR (see .ci/run)"]
fn no_secret_of_the_test_run_appears_in_its_logs() {
    let dir = std::env::var_os("AURORA_TEST_LOG_DIR")
        .expect("AURORA_TEST_LOG_DIR names the directory the test run logged to");
    let dir = std::path::Path::new(&dir);
    let secrets = std::fs::read_to_string(dir.join("secrets.txt"))
        .expect("secrets.txt: the twin tests ran with AURORA_TEST_LOG_DIR set");
    let secrets: std::collections::BTreeSet<&str> = secrets
        .lines()
        .map(str::trim)
        .filter(|s| s.len() >= 6)
        .collect();
    assert!(
        secrets.len() >= 20,
        "only {} secrets were recorded: did the twin tests run?",
        secrets.len()
    );
    let mut logs = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read the log directory") {
        let path = entry.expect("directory entry").path();
        if path.extension().is_some_and(|e| e == "log") {
            let text = std::fs::read_to_string(&path).expect("read a log");
            logs.push((path, text));
        }
    }
    assert!(!logs.is_empty(), "no *.log file in {}", dir.display());
    let total: usize = logs.iter().map(|(_, t)| t.len()).sum();
    assert!(
        total > 10_000,
        "the logs hold only {total} bytes: was TRACE captured?"
    );
    for (path, text) in &logs {
        for secret in &secrets {
            assert!(
                !text.contains(secret),
                "{} contains a secret the tests handled (starting {:?})",
                path.display(),
                &secret[..3]
            );
        }
    }
    eprintln!(
        "checked {} secrets against {} log files ({total} bytes)",
        secrets.len(),
        logs.len()
    );
}
