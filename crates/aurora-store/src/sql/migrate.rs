//! The embedded migration runner.
//!
//! Migrations are numbered SQL scripts, one per backend (only DDL differs between SQLite and
//! PostgreSQL), recorded in `schema_migrations(version, name, applied_at)`. Each pending
//! migration runs in its own transaction together with its record, so a failed migration leaves
//! the schema as it was. Opening a database whose schema is newer than this binary knows is
//! refused. Concurrent openers (several replicas starting at once) serialize on a PostgreSQL
//! advisory lock, or on SQLite's write lock.

use sqlx::AnyPool;
use sqlx::Row;

use crate::{Backend, Error, Result};

/// One migration.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Migration {
    pub(crate) version: i64,
    pub(crate) name: &'static str,
    pub(crate) sqlite: &'static str,
    pub(crate) postgres: &'static str,
}

impl Migration {
    fn sql(&self, backend: Backend) -> &'static str {
        match backend {
            Backend::Sqlite => self.sqlite,
            Backend::Postgres => self.postgres,
        }
    }
}

/// Every migration, in order. Append only; never edit one that has been released.
pub(crate) const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "catalog",
        sqlite: include_str!("../../migrations/sqlite/0001_catalog.sql"),
        postgres: include_str!("../../migrations/postgres/0001_catalog.sql"),
    },
    Migration {
        version: 2,
        name: "recommendations",
        sqlite: include_str!("../../migrations/sqlite/0002_recommendations.sql"),
        postgres: include_str!("../../migrations/postgres/0002_recommendations.sql"),
    },
    Migration {
        version: 3,
        name: "embeddings",
        sqlite: include_str!("../../migrations/sqlite/0003_embeddings.sql"),
        postgres: include_str!("../../migrations/postgres/0003_embeddings.sql"),
    },
    Migration {
        version: 4,
        name: "people",
        sqlite: include_str!("../../migrations/sqlite/0004_people.sql"),
        postgres: include_str!("../../migrations/postgres/0004_people.sql"),
    },
    Migration {
        version: 5,
        name: "accounts",
        sqlite: include_str!("../../migrations/sqlite/0005_accounts.sql"),
        postgres: include_str!("../../migrations/postgres/0005_accounts.sql"),
    },
    Migration {
        version: 6,
        name: "twin",
        sqlite: include_str!("../../migrations/sqlite/0006_twin.sql"),
        postgres: include_str!("../../migrations/postgres/0006_twin.sql"),
    },
    Migration {
        version: 7,
        name: "consent",
        sqlite: include_str!("../../migrations/sqlite/0007_consent.sql"),
        postgres: include_str!("../../migrations/postgres/0007_consent.sql"),
    },
    Migration {
        version: 8,
        name: "oauth",
        sqlite: include_str!("../../migrations/sqlite/0008_oauth.sql"),
        postgres: include_str!("../../migrations/postgres/0008_oauth.sql"),
    },
];

/// The newest schema version this binary knows.
pub(crate) fn known_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (\
     version BIGINT PRIMARY KEY NOT NULL, \
     name TEXT NOT NULL, \
     applied_at TEXT NOT NULL)";

/// Key of the PostgreSQL advisory lock taken while migrating ("aurora" + 1).
const PG_LOCK_KEY: i64 = 0x6175_726f_7261_0001;

/// Takes the migration lock inside the current transaction: an advisory transaction lock on
/// PostgreSQL; on SQLite a no-op write, which acquires the database write lock at once.
async fn lock(conn: &mut sqlx::AnyConnection, backend: Backend) -> Result<(), sqlx::Error> {
    match backend {
        Backend::Postgres => {
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(PG_LOCK_KEY)
                .execute(&mut *conn)
                .await?;
        }
        Backend::Sqlite => {
            sqlx::query("DELETE FROM schema_migrations WHERE version < 0")
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}

async fn current_version(conn: &mut sqlx::AnyConnection) -> Result<i64, sqlx::Error> {
    let row = sqlx::query("SELECT MAX(version) FROM schema_migrations")
        .fetch_one(&mut *conn)
        .await?;
    Ok(row.try_get::<Option<i64>, _>(0)?.unwrap_or(0))
}

/// Brings the schema up to date. Returns the versions applied (empty when it already was).
pub(crate) async fn run(pool: &AnyPool, backend: Backend) -> Result<Vec<i64>> {
    run_list(pool, backend, MIGRATIONS).await
}

pub(crate) async fn run_list(
    pool: &AnyPool,
    backend: Backend,
    migrations: &[Migration],
) -> Result<Vec<i64>> {
    let known = migrations.last().map_or(0, |m| m.version);
    {
        let mut tx = pool.begin().await?;
        if backend == Backend::Postgres {
            // Concurrent CREATE TABLE IF NOT EXISTS can fail on PostgreSQL: lock first.
            lock(&mut tx, backend).await?;
        }
        sqlx::Executor::execute(&mut *tx, CREATE_TABLE).await?;
        let found = current_version(&mut tx).await?;
        tx.commit().await?;
        if found > known {
            return Err(Error::SchemaTooNew { found, known });
        }
        if found == known {
            return Ok(Vec::new());
        }
    }
    let mut applied = Vec::new();
    for m in migrations {
        let fail = |source: sqlx::Error| Error::Migration {
            version: m.version,
            name: m.name,
            source,
        };
        let mut tx = pool.begin().await.map_err(fail)?;
        lock(&mut tx, backend).await.map_err(fail)?;
        // Re-read under the lock: another process may have migrated meanwhile.
        let found = current_version(&mut tx).await.map_err(fail)?;
        if found > known {
            return Err(Error::SchemaTooNew { found, known });
        }
        if found >= m.version {
            continue;
        }
        sqlx::Executor::execute(&mut *tx, m.sql(backend))
            .await
            .map_err(fail)?;
        sqlx::query(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
        )
        .bind(m.version)
        .bind(m.name)
        .bind(super::now())
        .execute(&mut *tx)
        .await
        .map_err(fail)?;
        tx.commit().await.map_err(fail)?;
        tracing::info!(version = m.version, name = m.name, "applied migration");
        applied.push(m.version);
    }
    Ok(applied)
}
