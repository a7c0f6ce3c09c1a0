//! Shared helpers: a fresh SQLite store per test, paths to data and fixtures.

use std::path::{Path, PathBuf};

use aurora_store::{CatalogCounts, CatalogStore, SqlStore};
use tempfile::TempDir;

/// A fresh SQLite store in its own temporary directory (kept alive by the returned guard).
pub async fn store() -> (SqlStore, TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    let store = SqlStore::open(&url).await.expect("open store");
    (store, dir)
}

/// The repository's `data/ptv`.
pub fn data_ptv() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/ptv")
}

/// `tests/fixtures/<rel>`.
pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

pub async fn counts(store: &dyn CatalogStore) -> CatalogCounts {
    store.counts().await.expect("counts")
}

/// Copies fixture files into a new temporary directory (as `name → fixture`).
pub fn dir_with(files: &[(&str, PathBuf)]) -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, from) in files {
        std::fs::copy(from, dir.path().join(name)).expect("copy fixture");
    }
    dir
}
