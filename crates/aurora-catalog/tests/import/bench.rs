//! Scale check (ignored by default; run in release):
//! `cargo test -p aurora-catalog --release --test import -- --ignored --nocapture scale`.
//! Imports a 100k-service synthetic catalogue into SQLite and prints the time per phase.

use std::sync::Mutex;
use std::time::Instant;

use aurora_catalog::synthetic::{write_catalog, SyntheticOptions};
use aurora_catalog::{import_path, ImportOptions, Progress};

use crate::common::{counts, store};

/// Prints each phase with its duration.
struct Timer(Mutex<Option<(String, Instant)>>);

impl Progress for Timer {
    fn start(&self, phase: &str, total: Option<u64>) {
        *self.0.lock().unwrap() = Some((format!("{phase} ({total:?})"), Instant::now()));
    }
    fn advance(&self, _n: u64) {}
    fn finish(&self) {
        if let Some((phase, t)) = self.0.lock().unwrap().take() {
            eprintln!("  {phase}: {:.2?}", t.elapsed());
        }
    }
}

#[tokio::test]
#[ignore = "scale check: 100k synthetic services, run in release"]
async fn scale_100k_synthetic_services() {
    let n: usize = std::env::var("AURORA_SCALE_SERVICES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let data = tempfile::tempdir().unwrap();
    let t = Instant::now();
    let summary = write_catalog(
        data.path(),
        &SyntheticOptions {
            services: n,
            ..SyntheticOptions::default()
        },
    )
    .unwrap();
    eprintln!("generated {summary:?} in {:.2?}", t.elapsed());
    let (store, _dir) = store().await;
    let t = Instant::now();
    let report = import_path(
        &store,
        data.path(),
        &ImportOptions::default(),
        &Timer(Mutex::new(None)),
    )
    .await
    .unwrap();
    let first = t.elapsed();
    eprintln!("import: {first:.2?}");
    assert!(
        report.rejected.is_empty(),
        "{:?}",
        &report.rejected[..report.rejected.len().min(5)]
    );
    assert_eq!(report.services.inserted, n as u64);
    assert_eq!(counts(&store).await.services, n as u64);
    let t = Instant::now();
    let again = import_path(
        &store,
        data.path(),
        &ImportOptions::default(),
        &Timer(Mutex::new(None)),
    )
    .await
    .unwrap();
    eprintln!("re-import (no changes): {:.2?}", t.elapsed());
    assert_eq!(again.changes(), 0);
}
