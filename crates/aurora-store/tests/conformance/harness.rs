//! Test databases for both backends, and `conformance!`, which instantiates every test body
//! once per backend (`sqlite::name` and `postgres::name`).
//!
//! PostgreSQL isolation: each test gets a schema of its own (`aurora_test_<pid>_<n>_<t>`),
//! created through a plain connection to `AURORA_TEST_DATABASE_URL`, and the store connects
//! with `?options=-c search_path=<schema>` so that every unqualified table lives there. This is
//! much faster than `CREATE DATABASE` per test, works through sqlx's `Any` driver (the
//! PostgreSQL driver passes `options` on as a startup parameter) and needs no privilege beyond
//! `CREATE` on the database. The schema is dropped when the test ends, even when it fails.

use std::io::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use aurora_store::{Backend, SqlStore};
use sqlx::AnyPool;

/// The environment variable naming the PostgreSQL test database.
pub const PG_ENV: &str = "AURORA_TEST_DATABASE_URL";

/// One fresh database and a store open on it.
pub struct TestDb {
    /// The store under test.
    pub store: SqlStore,
    /// The URL the store was opened with (reopen with it).
    pub url: String,
    /// Which backend.
    pub backend: Backend,
    _dir: Option<tempfile::TempDir>,
    pg: Option<PgSchema>,
}

struct PgSchema {
    base_url: String,
    schema: String,
}

static SEQ: AtomicUsize = AtomicUsize::new(0);

impl TestDb {
    /// A store on a new SQLite file in a temporary directory.
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}", dir.path().join("aurora.db").display());
        let store = SqlStore::open(&url).await.expect("open sqlite store");
        TestDb {
            store,
            url,
            backend: Backend::Sqlite,
            _dir: Some(dir),
            pg: None,
        }
    }

    /// A store in a new schema of the PostgreSQL database named by [`PG_ENV`], or `None`
    /// (after saying so on stderr) when the variable is not set.
    pub async fn postgres(test: &str) -> Option<TestDb> {
        let Some(base_url) = std::env::var(PG_ENV).ok().filter(|u| !u.trim().is_empty()) else {
            // Written to the stderr handle directly so that libtest's capture does not hide it.
            let _ = writeln!(
                std::io::stderr(),
                "postgres::{test}: SKIPPED ({PG_ENV} is not set; nothing was tested on PostgreSQL)"
            );
            return None;
        };
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let schema = format!(
            "aurora_test_{}_{}_{}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed),
            nanos % 1_000_000
        );
        sqlx::any::install_default_drivers();
        let admin = AnyPool::connect(&base_url)
            .await
            .expect("connect to AURORA_TEST_DATABASE_URL");
        sqlx::raw_sql(&format!("CREATE SCHEMA {schema}"))
            .execute(&admin)
            .await
            .expect("create test schema");
        admin.close().await;
        let sep = if base_url.contains('?') { '&' } else { '?' };
        let url = format!("{base_url}{sep}options=-c%20search_path%3D{schema}");
        let pg = PgSchema { base_url, schema };
        let store = match SqlStore::open(&url).await {
            Ok(store) => store,
            Err(e) => {
                drop_schema(&pg);
                panic!("open postgres store: {e}");
            }
        };
        Some(TestDb {
            store,
            url,
            backend: Backend::Postgres,
            _dir: None,
            pg: Some(pg),
        })
    }

    /// Opens another store on the same database.
    pub async fn reopen(&self) -> aurora_store::Result<SqlStore> {
        SqlStore::open(&self.url).await
    }

    /// The store's pool, for direct SQL.
    pub fn raw(&self) -> &AnyPool {
        self.store.pool()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(pg) = &self.pg {
            drop_schema(pg);
        }
    }
}

/// Drops a test schema, best effort, from a thread of its own (Drop cannot await).
fn drop_schema(pg: &PgSchema) {
    let base_url = pg.base_url.clone();
    let schema = pg.schema.clone();
    let result = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        rt.block_on(async move {
            let pool = AnyPool::connect(&base_url)
                .await
                .map_err(|e| e.to_string())?;
            sqlx::raw_sql(&format!(
                "SET lock_timeout = '10s'; DROP SCHEMA IF EXISTS {schema} CASCADE"
            ))
            .execute(&pool)
            .await
            .map_err(|e| e.to_string())?;
            pool.close().await;
            Ok::<(), String>(())
        })
    })
    .join();
    match result {
        Ok(Ok(())) => {}
        Ok(Err(e)) => eprintln!("could not drop test schema {}: {e}", pg.schema),
        Err(_) => eprintln!(
            "could not drop test schema {}: cleanup thread panicked",
            pg.schema
        ),
    }
}

/// `conformance! { module::test, … }` defines `sqlite::test` and `postgres::test` for each
/// `async fn test(db: &TestDb)`.
macro_rules! conformance {
    ($($module:ident :: $name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let db = $crate::harness::TestDb::sqlite().await;
                    $crate::$module::$name(&db).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    let Some(db) = $crate::harness::TestDb::postgres(stringify!($name)).await else {
                        return;
                    };
                    $crate::$module::$name(&db).await;
                }
            )*
        }
    };
}
