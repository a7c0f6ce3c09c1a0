//! Aurora's persistence.
//!
//! This crate owns the store traits ([`CatalogStore`]; [`RecommendationStore`] for the
//! recommender API's clients, recommendations and session transfer; [`people::PersonStore`]
//! and the other twin stores of issue 5, see `docs/twin-design.md`) and their one SQL
//! implementation,
//! [`SqlStore`], which serves both embedded SQLite (the default: one WAL-mode file in the data
//! directory) and PostgreSQL (scale-out) through sqlx's `Any` driver, so every query is written
//! once and the same conformance tests run against both. Versioned migrations are embedded and
//! applied at open.
//!
//! It knows nothing of HTTP or of domain rules beyond what the queries need (the reference
//! filter semantics of [`aurora_model::ServiceFilter`]).
#![warn(missing_docs)]

pub mod accounts;
mod api;
pub mod consent;
pub mod embeddings;
pub mod oauth;
pub mod people;
mod recommend;
mod sql;
pub mod twin;

pub use api::*;
pub use recommend::*;
pub use sql::SqlStore;

/// Errors of the store.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The database URL is not a `sqlite:` or `postgres:` URL.
    #[error("unsupported database URL {0:?}: expected sqlite://PATH or postgres://USER@HOST/DB")]
    UnsupportedUrl(String),
    /// The database could not be reached or refused the operation.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A migration failed.
    #[error("migration {version} ({name}) failed: {source}")]
    Migration {
        /// Migration version.
        version: i64,
        /// Migration name.
        name: &'static str,
        /// Cause.
        source: sqlx::Error,
    },
    /// The database has a newer schema than this binary knows.
    #[error("database schema version {found} is newer than this Aurora ({known}); upgrade Aurora")]
    SchemaTooNew {
        /// Version found.
        found: i64,
        /// Newest version known.
        known: i64,
    },
    /// A stored document could not be decoded (corruption or a bug).
    #[error("stored {kind} {id} is unreadable: {source}")]
    Corrupt {
        /// Record kind.
        kind: &'static str,
        /// Record id.
        id: String,
        /// Cause.
        source: serde_json::Error,
    },
    /// A stored vector does not have the length its row declares (corruption or a bug).
    #[error("the stored vector of service {service_id} (model {model}) has {bytes} bytes, not {dim} floats")]
    CorruptVector {
        /// Service id.
        service_id: String,
        /// Embedding model.
        model: String,
        /// Bytes stored.
        bytes: usize,
        /// Dimension declared.
        dim: i64,
    },
}

impl Error {
    /// True when the cause is the database being unreachable or overloaded (retryable, 503),
    /// rather than a bug or corruption (500).
    pub fn is_unavailable(&self) -> bool {
        match self {
            Error::Database(sqlx::Error::Database(db)) => {
                // SQLite: SQLITE_BUSY (5) / SQLITE_LOCKED (6) after the busy timeout, i.e. another
                // writer holds the file. PostgreSQL: class 53 (insufficient resources), 57P01–03
                // (admin shutdown, crash shutdown, cannot connect now), 40001/40P01 (retry).
                matches!(
                    db.code().as_deref(),
                    Some("5" | "6" | "40001" | "40P01" | "57P01" | "57P02" | "57P03")
                ) || db.code().is_some_and(|c| c.starts_with("53"))
            }
            Error::Database(e) => matches!(
                e,
                sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed
            ),
            Error::UnsupportedUrl(_)
            | Error::Migration { .. }
            | Error::SchemaTooNew { .. }
            | Error::Corrupt { .. }
            | Error::CorruptVector { .. } => false,
        }
    }
}

/// Result of store operations.
pub type Result<T, E = Error> = std::result::Result<T, E>;
