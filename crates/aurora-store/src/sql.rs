//! [`SqlStore`]: the catalogue on SQLite or PostgreSQL through sqlx's `Any` driver.
//!
//! Every query is written once, with `$n` placeholders that both backends accept (bulk
//! statements spell them `?` on SQLite, for speed: see `query::Style`); only the DDL of the
//! migrations differs per backend, and the lock a migration takes. Records are stored as their JSON document plus the
//! columns and child tables the filters need:
//!
//! * `services` (flags `archived`, `nationwide`, `funding_type`, the Finnish sort key, the
//!   document without labels and its SHA-256), with `service_municipalities`,
//!   `service_classes` and `service_life_events` (code and parent code), `service_target_groups`
//!   and `service_collections`, replaced whenever the service's content changes;
//! * `service_labels`, apart from the document so that re-imports keep the 3X10D labels;
//! * `channels` and `organizations`.
//!
//! Writers serialize: in the process on a mutex, and between processes on the one row of
//! `catalog_version`, which every write transaction updates first (on SQLite this takes the
//! database write lock at the start of the transaction, which avoids `SQLITE_BUSY` upgrade
//! failures; on PostgreSQL it is a row lock). A write transaction that changes nothing is
//! rolled back, so `catalog_version.version` counts the transactions that changed something.

mod accounts;
mod consent;
mod embeddings;
mod migrate;
mod oauth;
mod people;
mod query;
mod recommend;
mod records;
mod twin;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use async_trait::async_trait;
use aurora_model::{
    Channel, ChannelKind, Meters, Organization, PublishingStatus, Service, ServiceFilter,
};
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{Any, Row, Transaction};
use sqlx::{AnyConnection, AnyPool};

use self::query::{
    bind_all, delete_in, in_list_sql, insert_rows, service_where, Arg, Sql, Style, Val, IN_CHUNK,
};
use self::records::{
    content_hash, from_doc, labels_doc, last_wins, prepare_all, to_doc, DocRow, ServiceRow,
};
use crate::{
    Backend, BatchCounts, BatchOutcome, CatalogCounts, CatalogStore, Error, ImportBatch,
    LabelOutcome, Page, Paged, Result,
};

/// Connections of a file-backed SQLite pool when not configured. SQLite in WAL mode serves
/// readers concurrently but writes one at a time, so a few connections are enough.
const SQLITE_DEFAULT_CONNECTIONS: u32 = 4;
/// Connections of a PostgreSQL pool when not configured.
const POSTGRES_DEFAULT_CONNECTIONS: u32 = 10;

/// A batch changing at least this many records refreshes the planner statistics, so that the
/// first queries after a large import don't run on plans made for an empty catalogue.
const ANALYZE_AFTER: u64 = 2_000;

/// Tables whose statistics [`ANALYZE_AFTER`] refreshes.
const ANALYZED_TABLES: [&str; 9] = [
    "services",
    "service_municipalities",
    "service_classes",
    "service_target_groups",
    "service_life_events",
    "service_collections",
    "service_labels",
    "channels",
    "organizations",
];

/// Child tables of `services`, each keyed by `service_id`.
const SERVICE_CHILD_TABLES: [&str; 5] = [
    "service_municipalities",
    "service_classes",
    "service_target_groups",
    "service_life_events",
    "service_collections",
];

/// The catalogue store on SQLite (embedded, one WAL file) or PostgreSQL.
#[derive(Debug)]
pub struct SqlStore {
    pool: AnyPool,
    backend: Backend,
    /// Serializes this process's write transactions (see the module docs).
    writer: tokio::sync::Mutex<()>,
    /// Recommendations waiting for the next group commit on SQLite (see `recommend.rs`).
    pending_recommendations: std::sync::Mutex<
        Vec<(
            recommend::OwnedRecommendation,
            tokio::sync::oneshot::Sender<Result<i64>>,
        )>,
    >,
}

/// What a database URL points at.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    /// A SQLite file (absolute path) and the URL sqlx gets.
    SqliteFile { path: PathBuf, url: String },
    /// A private in-memory SQLite database (one connection).
    SqliteMemory { url: String },
    /// A PostgreSQL server.
    Postgres { url: String },
}

impl Target {
    fn parse(url: &str) -> Result<Target> {
        let unsupported = || Error::UnsupportedUrl(redact(url));
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Target::Postgres {
                url: url.to_string(),
            });
        }
        let rest = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .ok_or_else(unsupported)?;
        let (db, params) = match rest.split_once('?') {
            Some((db, params)) => (db, Some(params)),
            None => (rest, None),
        };
        let params: Vec<&str> = params
            .map(|p| p.split('&').filter(|kv| !kv.is_empty()).collect())
            .unwrap_or_default();
        if db == ":memory:" || params.contains(&"mode=memory") {
            return Ok(Target::SqliteMemory {
                url: "sqlite::memory:".to_string(),
            });
        }
        if db.is_empty() {
            return Err(unsupported());
        }
        let path = Path::new(db);
        let path = if path.is_absolute() {
            path.to_path_buf()
        } else {
            std::env::current_dir()
                .map_err(|e| Error::Database(sqlx::Error::Io(e)))?
                .join(path)
        };
        let mut url = format!("sqlite://{}", encode_path(&path.to_string_lossy()));
        let mut params = params;
        if !params.iter().any(|p| p.starts_with("mode=")) {
            params.push("mode=rwc");
        }
        url.push('?');
        url.push_str(&params.join("&"));
        Ok(Target::SqliteFile { path, url })
    }

    fn backend(&self) -> Backend {
        match self {
            Target::SqliteFile { .. } | Target::SqliteMemory { .. } => Backend::Sqlite,
            Target::Postgres { .. } => Backend::Postgres,
        }
    }
}

/// Percent-encodes what sqlx would otherwise read as URL syntax in a file path.
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        match c {
            '%' => out.push_str("%25"),
            '?' => out.push_str("%3F"),
            '#' => out.push_str("%23"),
            ' ' => out.push_str("%20"),
            c => out.push(c),
        }
    }
    out
}

/// The URL without its password, for error messages.
fn redact(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://") {
        if let Some((userinfo, host)) = rest.split_once('@') {
            if let Some((user, _password)) = userinfo.split_once(':') {
                return format!("{scheme}://{user}:***@{host}");
            }
        }
    }
    url.to_string()
}

/// The current time as RFC 3339 (UTC).
fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// PRAGMAs of every SQLite connection:
/// * 8 KiB pages (only takes effect when the file is created): a 2–4 KB service document then
///   fits in its row's page instead of spilling to an overflow page;
/// * WAL, so readers never wait for the writer, with `NORMAL` sync (durable at checkpoints,
///   safe with WAL), and the WAL file truncated back to 64 MiB after a checkpoint;
/// * foreign keys; a 30 s wait for another process's write lock; a 64 MiB page cache so that
///   large imports don't spill; `ANALYZE` sampling at most 1000 rows per index (fast, and
///   enough for the planner).
const SQLITE_PRAGMAS: &str = "PRAGMA page_size = 8192; \
     PRAGMA busy_timeout = 30000; \
     PRAGMA journal_mode = WAL; \
     PRAGMA synchronous = NORMAL; \
     PRAGMA journal_size_limit = 67108864; \
     PRAGMA foreign_keys = ON; \
     PRAGMA temp_store = MEMORY; \
     PRAGMA cache_size = -65536; \
     PRAGMA analysis_limit = 1000;";

fn to_u64(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl SqlStore {
    /// Opens (creating if needed) and migrates the database at `url`:
    /// `sqlite://PATH` (the file is created if missing; `sqlite::memory:` gives a private
    /// in-memory database), or `postgres://…` / `postgresql://…`.
    pub async fn open(url: &str) -> Result<SqlStore> {
        SqlStore::open_with(url, None).await
    }

    /// Like [`SqlStore::open`], with at most `max_connections` pooled connections (default:
    /// 4 for SQLite, 10 for PostgreSQL; an in-memory SQLite database always has one).
    pub async fn open_with(url: &str, max_connections: Option<u32>) -> Result<SqlStore> {
        sqlx::any::install_default_drivers();
        let target = Target::parse(url)?;
        let backend = target.backend();
        let pool = match &target {
            Target::SqliteFile { path, url } => {
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir)
                        .map_err(|e| Error::Database(sqlx::Error::Io(e)))?;
                }
                sqlite_pool_options(max_connections.unwrap_or(SQLITE_DEFAULT_CONNECTIONS).max(1))
                    .idle_timeout(Some(Duration::from_secs(600)))
                    .connect(url)
                    .await?
            }
            Target::SqliteMemory { url } => {
                // Each connection to `:memory:` is its own database: keep exactly one, forever.
                sqlite_pool_options(1)
                    .min_connections(1)
                    .idle_timeout(None)
                    .max_lifetime(None)
                    .connect(url)
                    .await?
            }
            Target::Postgres { url } => {
                AnyPoolOptions::new()
                    .max_connections(
                        max_connections
                            .unwrap_or(POSTGRES_DEFAULT_CONNECTIONS)
                            .max(1),
                    )
                    .connect(url)
                    .await?
            }
        };
        migrate::run(&pool, backend).await?;
        Ok(SqlStore {
            pool,
            backend,
            writer: tokio::sync::Mutex::new(()),
            pending_recommendations: std::sync::Mutex::new(Vec::new()),
        })
    }

    /// The connection pool, for sibling stores that keep their tables in the same database.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// The newest schema version this build knows (the highest migration).
    pub fn schema_version() -> i64 {
        migrate::known_version()
    }

    /// A counter bumped by every write transaction that changed the catalogue; replicas can
    /// poll it to know when to reload.
    pub async fn catalog_version(&self) -> Result<i64> {
        let row = sqlx::query("SELECT version FROM catalog_version WHERE id = 1")
            .fetch_optional(&self.pool)
            .await?;
        Ok(match row {
            Some(row) => row.try_get(0)?,
            None => 0,
        })
    }

    /// Closes the pool; later calls fail with a pool-closed database error.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// On SQLite, the in-process writer lock, for small writes outside the catalogue (API
    /// clients, recommendations, vectors). SQLite admits one writer at a time, and a connection
    /// that finds the database locked backs off in sleeps of 1, 2, 5, 10 … ms; queueing writers
    /// here instead keeps a burst of small writes at their own cost. PostgreSQL writes
    /// concurrently: `None`.
    pub(crate) async fn sqlite_write_lock(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match self.backend {
            Backend::Sqlite => Some(self.writer.lock().await),
            Backend::Postgres => None,
        }
    }

    /// Starts a write transaction holding the writer lock (see the module docs).
    async fn begin_write(&self) -> Result<Transaction<'static, Any>> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE catalog_version SET version = version + 1 WHERE id = 1")
            .execute(&mut *tx)
            .await?;
        Ok(tx)
    }

    /// Refreshes the planner statistics (`ANALYZE`, which both backends spell alike), best
    /// effort: the batch is already committed, so a failure here is only logged.
    async fn analyze(&self) {
        for table in ANALYZED_TABLES {
            if let Err(e) = sqlx::query(&format!("ANALYZE {table}"))
                .execute(&self.pool)
                .await
            {
                tracing::warn!(table, error = %e, "could not refresh planner statistics");
                return;
            }
        }
    }

    /// Commits when something changed, else rolls back (so nothing at all is written).
    async fn finish(tx: Transaction<'static, Any>, changed: bool) -> Result<()> {
        if changed {
            tx.commit().await?;
        } else {
            tx.rollback().await?;
        }
        Ok(())
    }
}

fn sqlite_pool_options(max: u32) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(max)
        .after_connect(|conn, _meta| {
            Box::pin(async move {
                sqlx::Executor::execute(conn, SQLITE_PRAGMAS).await?;
                Ok(())
            })
        })
}

/// `SELECT s.id, s.doc, l.doc` of services with their labels.
const SERVICE_COLUMNS: &str = "SELECT s.id, s.doc, l.doc FROM services s \
     LEFT JOIN service_labels l ON l.service_id = s.id";

fn service_from_row(row: &AnyRow) -> Result<Service> {
    let id: String = row.try_get(0)?;
    let doc: String = row.try_get(1)?;
    let labels: Option<String> = row.try_get(2)?;
    let mut service: Service = from_doc("service", &id, &doc)?;
    service.labels_3x10d = match labels {
        Some(l) => Some(from_doc::<Meters>("labels", &id, &l)?),
        None => None,
    };
    Ok(service)
}

fn doc_from_row<T: serde::de::DeserializeOwned>(kind: &'static str, row: &AnyRow) -> Result<T> {
    let id: String = row.try_get(0)?;
    let doc: String = row.try_get(1)?;
    from_doc(kind, &id, &doc)
}

/// Upserts services, replaces their child rows and writes the labels they carry.
async fn write_services(
    conn: &mut AnyConnection,
    rows: &[ServiceRow<'_>],
    now: &str,
) -> Result<BatchCounts> {
    let mut existing: HashMap<String, (String, Option<String>)> =
        HashMap::with_capacity(rows.len());
    let ids: Vec<&str> = rows.iter().map(|r| r.service.id.as_str()).collect();
    for chunk in ids.chunks(IN_CHUNK) {
        let sql = in_list_sql(
            "SELECT s.id, s.content_hash, l.doc FROM services s \
             LEFT JOIN service_labels l ON l.service_id = s.id WHERE s.id",
            Style::of(conn),
            chunk.len(),
            "",
        );
        let vals: Vec<Val<'_>> = chunk.iter().map(|id| Val::Text(id)).collect();
        for row in bind_all(&sql, &vals).fetch_all(&mut *conn).await? {
            existing.insert(row.try_get(0)?, (row.try_get(1)?, row.try_get(2)?));
        }
    }

    let mut counts = BatchCounts::default();
    let mut write: Vec<&ServiceRow<'_>> = Vec::new();
    let mut replaced: Vec<&str> = Vec::new();
    let mut labels: Vec<(&str, &str)> = Vec::new();
    for r in rows {
        let id = r.service.id.as_str();
        let (content_changed, labels_changed) = match existing.get(id) {
            None => {
                counts.inserted += 1;
                (true, r.labels.is_some())
            }
            Some((hash, stored)) => {
                let content = *hash != r.hash;
                let label = matches!(&r.labels, Some(l) if stored.as_deref() != Some(l.as_str()));
                if content {
                    replaced.push(id);
                }
                if content || label {
                    counts.updated += 1;
                } else {
                    counts.unchanged += 1;
                }
                (content, label)
            }
        };
        if content_changed {
            write.push(r);
        }
        if labels_changed {
            if let Some(l) = &r.labels {
                labels.push((id, l));
            }
        }
        if (content_changed || labels_changed) && r.archived != 0 {
            counts.archived += 1;
        }
    }
    // Insert in key order: friendlier to the B-trees than UUID order.
    write.sort_unstable_by(|a, b| a.service.id.cmp(&b.service.id));
    replaced.sort_unstable();

    for table in SERVICE_CHILD_TABLES {
        delete_in(conn, table, "service_id", &replaced).await?;
    }

    let mut vals: Vec<Val<'_>> = Vec::with_capacity(write.len() * 10);
    for r in &write {
        let s = r.service;
        vals.extend([
            Val::Text(&s.id),
            Val::Int(r.archived),
            Val::Int(r.nationwide),
            Val::Text(s.area_type.as_str()),
            Val::OptText(s.funding_type.map(|f| f.as_str())),
            Val::Text(&r.sort_name),
            Val::Text(s.origin.as_str()),
            Val::Text(&r.doc),
            Val::Text(&r.hash),
            Val::Text(now),
        ]);
    }
    insert_rows(
        conn,
        "INSERT INTO services (id, archived, nationwide, area_type, funding_type, sort_name, \
         origin, doc, content_hash, updated_at)",
        10,
        &vals,
        " ON CONFLICT (id) DO UPDATE SET archived = excluded.archived, \
         nationwide = excluded.nationwide, area_type = excluded.area_type, \
         funding_type = excluded.funding_type, sort_name = excluded.sort_name, \
         origin = excluded.origin, doc = excluded.doc, content_hash = excluded.content_hash, \
         updated_at = excluded.updated_at",
    )
    .await?;

    // Child rows: one multi-row insert per table.
    type Codes = for<'r> fn(&'r ServiceRow<'_>) -> &'r [String];
    type CodesWithParent = for<'r> fn(&'r ServiceRow<'_>) -> &'r [(String, Option<String>)];
    let plain: [(&str, Codes); 3] = [
        (
            "INSERT INTO service_municipalities (service_id, code)",
            |r| &r.municipalities,
        ),
        (
            "INSERT INTO service_target_groups (service_id, code)",
            |r| &r.target_groups,
        ),
        (
            "INSERT INTO service_collections (service_id, collection_id)",
            |r| &r.collections,
        ),
    ];
    let with_parent: [(&str, CodesWithParent); 2] = [
        (
            "INSERT INTO service_classes (service_id, code, parent)",
            |r| &r.classes,
        ),
        (
            "INSERT INTO service_life_events (service_id, code, parent)",
            |r| &r.life_events,
        ),
    ];
    let mut values: Vec<Val<'_>> = Vec::new();
    for (sql, codes) in plain {
        values.clear();
        for r in &write {
            for code in codes(r) {
                values.extend([Val::Text(&r.service.id), Val::Text(code)]);
            }
        }
        insert_rows(conn, sql, 2, &values, "").await?;
    }
    for (sql, codes) in with_parent {
        values.clear();
        for r in &write {
            for (code, parent) in codes(r) {
                values.extend([
                    Val::Text(&r.service.id),
                    Val::Text(code),
                    Val::OptText(parent.as_deref()),
                ]);
            }
        }
        insert_rows(conn, sql, 3, &values, "").await?;
    }

    upsert_labels(conn, &labels, now).await?;
    Ok(counts)
}

async fn upsert_labels(conn: &mut AnyConnection, labels: &[(&str, &str)], now: &str) -> Result<()> {
    let mut vals: Vec<Val<'_>> = Vec::with_capacity(labels.len() * 3);
    for (id, doc) in labels {
        vals.extend([Val::Text(id), Val::Text(doc), Val::Text(now)]);
    }
    insert_rows(
        conn,
        "INSERT INTO service_labels (service_id, doc, updated_at)",
        3,
        &vals,
        " ON CONFLICT (service_id) DO UPDATE SET doc = excluded.doc, \
         updated_at = excluded.updated_at",
    )
    .await
}

/// The two document tables other than services.
#[derive(Debug, Clone, Copy)]
enum DocTable {
    Channels,
    Organizations,
}

impl DocTable {
    fn name(self) -> &'static str {
        match self {
            DocTable::Channels => "channels",
            DocTable::Organizations => "organizations",
        }
    }
}

/// Upserts channels or organisations.
async fn write_docs(
    conn: &mut AnyConnection,
    table: DocTable,
    rows: &[DocRow<'_>],
    now: &str,
) -> Result<BatchCounts> {
    let mut existing: HashMap<String, String> = HashMap::with_capacity(rows.len());
    let ids: Vec<&str> = rows.iter().map(|r| r.id).collect();
    for chunk in ids.chunks(IN_CHUNK) {
        let sql = in_list_sql(
            &format!("SELECT id, content_hash FROM {} WHERE id", table.name()),
            Style::of(conn),
            chunk.len(),
            "",
        );
        let vals: Vec<Val<'_>> = chunk.iter().map(|id| Val::Text(id)).collect();
        for row in bind_all(&sql, &vals).fetch_all(&mut *conn).await? {
            existing.insert(row.try_get(0)?, row.try_get(1)?);
        }
    }
    let mut counts = BatchCounts::default();
    let mut write: Vec<&DocRow<'_>> = Vec::new();
    for r in rows {
        match existing.get(r.id) {
            None => counts.inserted += 1,
            Some(hash) if *hash == r.hash => {
                counts.unchanged += 1;
                continue;
            }
            Some(_) => counts.updated += 1,
        }
        if r.archived != 0 {
            counts.archived += 1;
        }
        write.push(r);
    }
    write.sort_unstable_by(|a, b| a.id.cmp(b.id));
    let mut vals: Vec<Val<'_>> = Vec::new();
    match table {
        DocTable::Channels => {
            for r in &write {
                vals.extend([
                    Val::Text(r.id),
                    Val::Text(r.kind.unwrap_or_default()),
                    Val::Int(r.archived),
                    Val::Text(&r.sort_name),
                    Val::Text(&r.doc),
                    Val::Text(&r.hash),
                    Val::Text(now),
                ]);
            }
            insert_rows(
                conn,
                "INSERT INTO channels (id, kind, archived, sort_name, doc, content_hash, updated_at)",
                7,
                &vals,
                " ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, \
                 archived = excluded.archived, sort_name = excluded.sort_name, \
                 doc = excluded.doc, content_hash = excluded.content_hash, \
                 updated_at = excluded.updated_at",
            )
            .await?;
        }
        DocTable::Organizations => {
            for r in &write {
                vals.extend([
                    Val::Text(r.id),
                    Val::Int(r.archived),
                    Val::Text(&r.sort_name),
                    Val::Text(&r.doc),
                    Val::Text(&r.hash),
                    Val::Text(now),
                ]);
            }
            insert_rows(
                conn,
                "INSERT INTO organizations (id, archived, sort_name, doc, content_hash, updated_at)",
                6,
                &vals,
                " ON CONFLICT (id) DO UPDATE SET archived = excluded.archived, \
                 sort_name = excluded.sort_name, doc = excluded.doc, \
                 content_hash = excluded.content_hash, updated_at = excluded.updated_at",
            )
            .await?;
        }
    }
    Ok(counts)
}

impl SqlStore {
    /// Counts matches of `where_` on `from`, then reads one page of `select … from where_
    /// ORDER BY sort_name, id`.
    async fn paged<T>(
        &self,
        count_from: &str,
        page_select: &str,
        where_: &Sql,
        page: Page,
        decode: impl Fn(&AnyRow) -> Result<T>,
    ) -> Result<Paged<T>> {
        let mut count = Sql::new(count_from);
        count.append(where_);
        let total = to_u64(count.query().fetch_one(&self.pool).await?.try_get(0)?);
        let limit = page.limit.min(Page::MAX_LIMIT);
        if limit == 0 || page.offset >= total {
            return Ok(Paged {
                items: Vec::new(),
                total,
            });
        }
        let mut q = Sql::new(page_select);
        q.append(where_);
        q.push(" ORDER BY sort_name, id LIMIT ")
            .bind(Arg::Int(i64::from(limit)))
            .push(" OFFSET ")
            .bind(Arg::Int(to_i64(page.offset)));
        let rows = q.query().fetch_all(&self.pool).await?;
        let items = rows.iter().map(decode).collect::<Result<Vec<_>>>()?;
        Ok(Paged { items, total })
    }
}

#[async_trait]
impl CatalogStore for SqlStore {
    fn backend(&self) -> Backend {
        self.backend
    }

    async fn apply_batch(&self, batch: &ImportBatch) -> Result<BatchOutcome> {
        let services = prepare_all(&batch.services, ServiceRow::new)?;
        let services = last_wins(services, |r| r.service.id.as_str());
        let channels = prepare_all(&batch.channels, DocRow::channel)?;
        let channels = last_wins(channels, |r| r.id);
        let organizations = prepare_all(&batch.organizations, DocRow::organization)?;
        let organizations = last_wins(organizations, |r| r.id);

        let _writer = self.writer.lock().await;
        let mut tx = self.begin_write().await?;
        let now = now();
        let outcome = BatchOutcome {
            services: write_services(&mut tx, &services, &now).await?,
            channels: write_docs(&mut tx, DocTable::Channels, &channels, &now).await?,
            organizations: write_docs(&mut tx, DocTable::Organizations, &organizations, &now)
                .await?,
        };
        let changed = outcome.services.changed()
            + outcome.channels.changed()
            + outcome.organizations.changed();
        SqlStore::finish(tx, changed > 0).await?;
        if changed >= ANALYZE_AFTER {
            self.analyze().await;
        }
        Ok(outcome)
    }

    async fn archive_services(&self, ids: &[String]) -> Result<u64> {
        let mut seen = HashSet::new();
        let ids: Vec<&str> = ids
            .iter()
            .map(String::as_str)
            .filter(|id| seen.insert(*id))
            .collect();
        if ids.is_empty() {
            return Ok(0);
        }
        let _writer = self.writer.lock().await;
        let mut tx = self.begin_write().await?;
        let mut docs: Vec<(String, String)> = Vec::new();
        for chunk in ids.chunks(IN_CHUNK) {
            let sql = in_list_sql(
                "SELECT id, doc FROM services WHERE archived = 0 AND id",
                Style::for_backend(self.backend),
                chunk.len(),
                "",
            );
            let vals: Vec<Val<'_>> = chunk.iter().map(|id| Val::Text(id)).collect();
            for row in bind_all(&sql, &vals).fetch_all(&mut *tx).await? {
                docs.push((row.try_get(0)?, row.try_get(1)?));
            }
        }
        let now = now();
        for (id, doc) in &docs {
            let mut service: Service = from_doc("service", id, doc)?;
            service.publishing_status = PublishingStatus::Archived;
            service.labels_3x10d = None;
            let doc = to_doc("service", id, &service)?;
            let hash = content_hash(&doc);
            bind_all(
                "UPDATE services SET archived = 1, doc = $1, content_hash = $2, updated_at = $3 \
                 WHERE id = $4",
                &[
                    Val::Text(&doc),
                    Val::Text(&hash),
                    Val::Text(&now),
                    Val::Text(id),
                ],
            )
            .execute(&mut *tx)
            .await?;
        }
        SqlStore::finish(tx, !docs.is_empty()).await?;
        Ok(docs.len() as u64)
    }

    async fn set_labels(&self, labels: &[(String, Meters)]) -> Result<LabelOutcome> {
        let rows = labels
            .iter()
            .map(|(id, m)| Ok((id.as_str(), labels_doc(id, m)?)))
            .collect::<Result<Vec<_>>>()?;
        let rows = last_wins(rows, |r| r.0);
        let mut outcome = LabelOutcome::default();
        if rows.is_empty() {
            return Ok(outcome);
        }
        let _writer = self.writer.lock().await;
        let mut tx = self.begin_write().await?;
        let mut existing: HashMap<String, Option<String>> = HashMap::with_capacity(rows.len());
        let ids: Vec<&str> = rows.iter().map(|r| r.0).collect();
        for chunk in ids.chunks(IN_CHUNK) {
            let sql = in_list_sql(
                "SELECT s.id, l.doc FROM services s \
                 LEFT JOIN service_labels l ON l.service_id = s.id WHERE s.id",
                Style::for_backend(self.backend),
                chunk.len(),
                "",
            );
            let vals: Vec<Val<'_>> = chunk.iter().map(|id| Val::Text(id)).collect();
            for row in bind_all(&sql, &vals).fetch_all(&mut *tx).await? {
                existing.insert(row.try_get(0)?, row.try_get(1)?);
            }
        }
        let mut write: Vec<(&str, &str)> = Vec::new();
        for (id, doc) in &rows {
            match existing.get(*id) {
                None => outcome.unknown_ids.push(id.to_string()),
                Some(Some(stored)) if stored == doc => outcome.unchanged += 1,
                Some(_) => write.push((id, doc)),
            }
        }
        outcome.applied = write.len() as u64;
        upsert_labels(&mut tx, &write, &now()).await?;
        SqlStore::finish(tx, !write.is_empty()).await?;
        Ok(outcome)
    }

    async fn service(&self, id: &str) -> Result<Option<Service>> {
        let sql = format!("{SERVICE_COLUMNS} WHERE s.id = $1 AND s.archived = 0");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(service_from_row).transpose()
    }

    async fn services(&self, filter: &ServiceFilter, page: Page) -> Result<Paged<Service>> {
        let where_ = service_where(filter);
        let mut count = Sql::new("SELECT COUNT(*) FROM services s");
        count.append(&where_);
        let total = to_u64(count.query().fetch_one(&self.pool).await?.try_get(0)?);
        let limit = page.limit.min(Page::MAX_LIMIT);
        if limit == 0 || page.offset >= total {
            return Ok(Paged {
                items: Vec::new(),
                total,
            });
        }
        // Page over the narrow columns first, then fetch the documents of that page only.
        let mut q =
            Sql::new("SELECT s.id, s.doc, l.doc FROM (SELECT s.id, s.sort_name FROM services s");
        q.append(&where_);
        q.push(" ORDER BY s.sort_name, s.id LIMIT ")
            .bind(Arg::Int(i64::from(limit)))
            .push(" OFFSET ")
            .bind(Arg::Int(to_i64(page.offset)))
            .push(
                ") p JOIN services s ON s.id = p.id \
                 LEFT JOIN service_labels l ON l.service_id = p.id \
                 ORDER BY p.sort_name, p.id",
            );
        let rows = q.query().fetch_all(&self.pool).await?;
        let items = rows
            .iter()
            .map(service_from_row)
            .collect::<Result<Vec<_>>>()?;
        Ok(Paged { items, total })
    }

    async fn service_ids(&self, filter: &ServiceFilter) -> Result<Vec<String>> {
        let mut q = Sql::new("SELECT s.id FROM services s");
        q.append(&service_where(filter));
        q.push(" ORDER BY s.id");
        let rows = q.query().fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| r.try_get::<String, _>(0).map_err(Error::from))
            .collect()
    }

    async fn all_services(&self) -> Result<Vec<Service>> {
        let sql = format!("{SERVICE_COLUMNS} WHERE s.archived = 0 ORDER BY s.id");
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        rows.iter().map(service_from_row).collect()
    }

    async fn channel(&self, id: &str) -> Result<Option<Channel>> {
        let row = sqlx::query("SELECT id, doc FROM channels WHERE id = $1 AND archived = 0")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(|r| doc_from_row("channel", r)).transpose()
    }

    async fn channels_by_ids(&self, ids: &[String]) -> Result<Vec<Channel>> {
        let mut seen = HashSet::new();
        let wanted: Vec<&str> = ids
            .iter()
            .map(String::as_str)
            .filter(|id| seen.insert(*id))
            .collect();
        let mut found: HashMap<String, Channel> = HashMap::with_capacity(wanted.len());
        for chunk in wanted.chunks(IN_CHUNK) {
            let sql = in_list_sql(
                "SELECT id, doc FROM channels WHERE archived = 0 AND id",
                Style::for_backend(self.backend),
                chunk.len(),
                "",
            );
            let vals: Vec<Val<'_>> = chunk.iter().map(|id| Val::Text(id)).collect();
            for row in bind_all(&sql, &vals).fetch_all(&self.pool).await? {
                let id: String = row.try_get(0)?;
                let channel = doc_from_row("channel", &row)?;
                found.insert(id, channel);
            }
        }
        Ok(wanted.iter().filter_map(|id| found.remove(*id)).collect())
    }

    async fn channels(&self, kind: Option<ChannelKind>, page: Page) -> Result<Paged<Channel>> {
        let mut where_ = Sql::new(" WHERE archived = 0");
        if let Some(kind) = kind {
            where_
                .push(" AND kind = ")
                .bind(Arg::Text(kind.as_str().to_string()));
        }
        self.paged(
            "SELECT COUNT(*) FROM channels",
            "SELECT id, doc FROM channels",
            &where_,
            page,
            |r| doc_from_row("channel", r),
        )
        .await
    }

    async fn organization(&self, id: &str) -> Result<Option<Organization>> {
        let row = sqlx::query("SELECT id, doc FROM organizations WHERE id = $1 AND archived = 0")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref()
            .map(|r| doc_from_row("organization", r))
            .transpose()
    }

    async fn organizations(&self, page: Page) -> Result<Paged<Organization>> {
        self.paged(
            "SELECT COUNT(*) FROM organizations",
            "SELECT id, doc FROM organizations",
            &Sql::new(" WHERE archived = 0"),
            page,
            |r| doc_from_row("organization", r),
        )
        .await
    }

    async fn counts(&self) -> Result<CatalogCounts> {
        let row = sqlx::query(
            "SELECT \
             (SELECT COUNT(*) FROM services WHERE archived = 0), \
             (SELECT COUNT(*) FROM services WHERE archived <> 0), \
             (SELECT COUNT(*) FROM channels WHERE archived = 0), \
             (SELECT COUNT(*) FROM organizations WHERE archived = 0), \
             (SELECT COUNT(*) FROM service_labels l JOIN services s ON s.id = l.service_id \
              WHERE s.archived = 0)",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(CatalogCounts {
            services: to_u64(row.try_get(0)?),
            archived_services: to_u64(row.try_get(1)?),
            channels: to_u64(row.try_get(2)?),
            organizations: to_u64(row.try_get(3)?),
            labelled_services: to_u64(row.try_get(4)?),
        })
    }

    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send<T: Send>(_: &T) {}

    #[test]
    fn open_is_send() {
        // Callers spawn the open future on multi-threaded runtimes.
        let fut = SqlStore::open("sqlite::memory:");
        assert_send(&fut);
    }

    #[test]
    fn urls_are_classified() {
        assert!(matches!(
            Target::parse("postgres://u@h/db"),
            Ok(Target::Postgres { .. })
        ));
        assert!(matches!(
            Target::parse("postgresql://u@h/db"),
            Ok(Target::Postgres { .. })
        ));
        assert!(matches!(
            Target::parse("sqlite::memory:"),
            Ok(Target::SqliteMemory { .. })
        ));
        match Target::parse("sqlite:///tmp/a b/x.db") {
            Ok(Target::SqliteFile { path, url }) => {
                assert_eq!(path, PathBuf::from("/tmp/a b/x.db"));
                assert_eq!(url, "sqlite:///tmp/a%20b/x.db?mode=rwc");
            }
            other => panic!("{other:?}"),
        }
        match Target::parse("sqlite://data/aurora.db") {
            Ok(Target::SqliteFile { path, .. }) => {
                assert!(path.is_absolute() && path.ends_with("data/aurora.db"))
            }
            other => panic!("{other:?}"),
        }
        match Target::parse("mysql://root:secret@localhost/db") {
            Err(Error::UnsupportedUrl(u)) => assert_eq!(u, "mysql://root:***@localhost/db"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            Target::parse("sqlite://"),
            Err(Error::UnsupportedUrl(_))
        ));
    }
}
