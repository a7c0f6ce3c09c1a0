//! The embedded migrations: idempotent at every open, refusing a newer schema, safe when
//! several stores open the same database at once. Plus URL handling.

use aurora_store::{CatalogStore, Error, SqlStore};
use sqlx::Row;

use crate::fixture;
use crate::harness::TestDb;

async fn migration_rows(db: &TestDb) -> Vec<(i64, String)> {
    sqlx::query("SELECT version, name FROM schema_migrations ORDER BY version")
        .fetch_all(db.raw())
        .await
        .expect("schema_migrations")
        .iter()
        .map(|r| (r.get::<i64, _>(0), r.get::<String, _>(1)))
        .collect()
}

pub async fn reopening_is_a_no_op(db: &TestDb) {
    fixture::load(db).await;
    let before = migration_rows(db).await;
    assert_eq!(before.len() as i64, SqlStore::schema_version());
    assert_eq!(before[0], (1, "catalog".to_string()));
    let version = db.store.catalog_version().await.expect("version");
    for _ in 0..2 {
        let again = db.reopen().await.expect("reopen");
        assert_eq!(again.counts().await.expect("counts").services, 7);
        assert_eq!(again.catalog_version().await.expect("version"), version);
        again.close().await;
    }
    assert_eq!(migration_rows(db).await, before);
}

pub async fn newer_schema_is_refused(db: &TestDb) {
    sqlx::query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
        .bind(999_i64)
        .bind("from the future")
        .bind("2099-01-01T00:00:00Z")
        .execute(db.raw())
        .await
        .expect("insert future version");
    match db.reopen().await {
        Err(Error::SchemaTooNew { found, known }) => {
            assert_eq!(found, 999);
            assert_eq!(known, SqlStore::schema_version());
        }
        Err(e) => panic!("expected SchemaTooNew, got {e}"),
        Ok(_) => panic!("expected SchemaTooNew, the store opened"),
    }
    let err = db
        .reopen()
        .await
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        err.contains("999") && err.contains("upgrade Aurora"),
        "{err}"
    );
}

/// Several stores opening one fresh database at once: all succeed, migrations run once.
pub async fn concurrent_opens_migrate_once(db: &TestDb) {
    // The harness already migrated `db`; start from an empty schema again.
    // The twin's tables (migrations 4–8) first, in reverse order of creation, so that every
    // table goes before the tables it references.
    sqlx::raw_sql(
        "DROP TABLE deletion_notices; DROP TABLE oauth_tokens; DROP TABLE oauth_codes; \
         DROP TABLE oauth_clients; DROP TABLE handover_tokens; DROP TABLE access_log; \
         DROP TABLE consent_events; DROP TABLE consents; DROP TABLE mandates; \
         DROP TABLE companies; DROP TABLE twin_history; DROP TABLE twin_values; \
         DROP TABLE pending_links; DROP TABLE oidc_logins; DROP TABLE signin_failures; \
         DROP TABLE email_tokens; DROP TABLE external_identities; DROP TABLE accounts; \
         DROP TABLE sessions; DROP TABLE persons;",
    )
    .execute(db.raw())
    .await
    .expect("drop the twin's tables");
    sqlx::raw_sql(
        "DROP TABLE service_embeddings; DROP TABLE recommendation_redirects; DROP TABLE recommendation_services; \
         DROP TABLE recommendations; DROP TABLE api_clients; \
         DROP TABLE session_transfer_receivers; DROP TABLE session_transfer_tokens; \
         DROP TABLE service_municipalities; DROP TABLE service_classes; \
         DROP TABLE service_target_groups; DROP TABLE service_life_events; \
         DROP TABLE service_collections; DROP TABLE service_labels; DROP TABLE services; \
         DROP TABLE channels; DROP TABLE organizations; DROP TABLE catalog_version; \
         DROP TABLE schema_migrations;",
    )
    .execute(db.raw())
    .await
    .expect("drop schema");
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let url = db.url.clone();
            tokio::spawn(async move { SqlStore::open(&url).await })
        })
        .collect();
    let mut stores = Vec::new();
    for h in handles {
        stores.push(h.await.expect("join").expect("concurrent open"));
    }
    for s in &stores {
        assert_eq!(s.counts().await.expect("counts").services, 0);
    }
    assert_eq!(
        migration_rows(db).await.len() as i64,
        SqlStore::schema_version()
    );
    for s in stores {
        s.close().await;
    }
}

#[tokio::test]
async fn unsupported_urls_are_refused() {
    for url in ["mysql://u:secret@h/db", "sqlite://", "/tmp/x.db", ""] {
        match SqlStore::open(url).await {
            Err(Error::UnsupportedUrl(u)) => assert!(!u.contains("secret"), "{u}"),
            Err(e) => panic!("{url}: expected UnsupportedUrl, got {e}"),
            Ok(_) => panic!("{url}: opened"),
        }
    }
}

#[tokio::test]
async fn in_memory_sqlite_works() {
    let store = SqlStore::open("sqlite::memory:").await.expect("open");
    store.apply_batch(&fixture::batch()).await.expect("apply");
    assert_eq!(store.counts().await.expect("counts").services, 7);
}

#[tokio::test]
async fn sqlite_file_and_directories_are_created_and_wal_is_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("nested dir/data/aurora.db");
    let store = SqlStore::open(&format!("sqlite://{}", path.display()))
        .await
        .expect("open");
    assert!(path.exists());
    let mode: String = sqlx::query("PRAGMA journal_mode")
        .fetch_one(store.pool())
        .await
        .expect("pragma")
        .get(0);
    assert_eq!(mode.to_lowercase(), "wal");
    let fk: i64 = sqlx::query("PRAGMA foreign_keys")
        .fetch_one(store.pool())
        .await
        .expect("pragma")
        .get(0);
    assert_eq!(fk, 1);
}
