//! The store traits and the types that cross them. Engines and the server use only these.

use async_trait::async_trait;
use aurora_model::{Channel, ChannelKind, Meters, Organization, Service, ServiceFilter};
use serde::Serialize;

use crate::Result;

/// What happened to one record in an upsert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// New record.
    Inserted,
    /// Existing record whose content changed.
    Updated,
    /// Existing record, identical content: nothing written.
    Unchanged,
}

/// Counts of one import batch, by record kind and outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct BatchCounts {
    /// New records.
    pub inserted: u64,
    /// Changed records.
    pub updated: u64,
    /// Identical records (no write).
    pub unchanged: u64,
    /// Records now archived (non-published) that were new or changed in this batch.
    pub archived: u64,
}

impl BatchCounts {
    /// Adds another batch's counts.
    pub fn add(&mut self, other: BatchCounts) {
        self.inserted += other.inserted;
        self.updated += other.updated;
        self.unchanged += other.unchanged;
        self.archived += other.archived;
    }

    /// Records written (inserted or updated).
    pub fn changed(&self) -> u64 {
        self.inserted + self.updated
    }
}

/// Everything one import writes, applied in a single transaction.
#[derive(Debug, Clone, Default)]
pub struct ImportBatch {
    /// Services.
    pub services: Vec<Service>,
    /// Channels.
    pub channels: Vec<Channel>,
    /// Organisations.
    pub organizations: Vec<Organization>,
}

/// Outcome of [`CatalogStore::apply_batch`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct BatchOutcome {
    /// Services.
    pub services: BatchCounts,
    /// Channels.
    pub channels: BatchCounts,
    /// Organisations.
    pub organizations: BatchCounts,
}

/// Outcome of [`CatalogStore::set_labels`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LabelOutcome {
    /// Services whose labels were written.
    pub applied: u64,
    /// Services whose labels were already identical.
    pub unchanged: u64,
    /// Ids not in the catalogue (nothing written for them).
    pub unknown_ids: Vec<String>,
}

/// A page request: `limit` items after skipping `offset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    /// Maximum items (the store caps it at [`Page::MAX_LIMIT`]).
    pub limit: u32,
    /// Items to skip.
    pub offset: u64,
}

impl Page {
    /// Largest page the store returns.
    pub const MAX_LIMIT: u32 = 500;

    /// First page of `limit` items.
    pub fn first(limit: u32) -> Self {
        Page { limit, offset: 0 }
    }
}

impl Default for Page {
    fn default() -> Self {
        Page::first(50)
    }
}

/// One page of results with the total number of matches.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Paged<T> {
    /// Items of this page.
    pub items: Vec<T>,
    /// Matches in all pages.
    pub total: u64,
}

/// Sizes of the catalogue.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CatalogCounts {
    /// Published services.
    pub services: u64,
    /// Archived (non-published) services.
    pub archived_services: u64,
    /// Published channels.
    pub channels: u64,
    /// Published organisations.
    pub organizations: u64,
    /// Services carrying 3X10D labels.
    pub labelled_services: u64,
}

/// Which backend a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// Embedded SQLite (WAL), one file.
    Sqlite,
    /// PostgreSQL server.
    Postgres,
}

/// The service catalogue's persistence.
///
/// Invariants every implementation keeps (the conformance suite checks them):
/// * archived (non-published) services, channels and organisations are never returned by
///   the read methods below;
/// * [`CatalogStore::apply_batch`] is atomic: all of the batch or nothing;
/// * re-applying identical content reports every record `Unchanged` and writes nothing;
/// * labels set with [`CatalogStore::set_labels`] survive re-imports of the service.
#[async_trait]
pub trait CatalogStore: Send + Sync {
    /// The backend.
    fn backend(&self) -> Backend;

    /// Upserts a batch in one transaction.
    async fn apply_batch(&self, batch: &ImportBatch) -> Result<BatchOutcome>;

    /// Marks records archived by id (e.g. an API delta listing Archived/Withdrawn ids).
    /// Returns how many published records became archived.
    async fn archive_services(&self, ids: &[String]) -> Result<u64>;

    /// Sets 3X10D labels on existing services, in one transaction.
    async fn set_labels(&self, labels: &[(String, Meters)]) -> Result<LabelOutcome>;

    /// One published service (with its labels), or `None`.
    async fn service(&self, id: &str) -> Result<Option<Service>>;

    /// Published services matching the filter, ordered by Finnish name then id.
    async fn services(&self, filter: &ServiceFilter, page: Page) -> Result<Paged<Service>>;

    /// Ids of all published services matching the filter (no paging), in id order.
    async fn service_ids(&self, filter: &ServiceFilter) -> Result<Vec<String>>;

    /// Every published service, for building in-memory indexes.
    async fn all_services(&self) -> Result<Vec<Service>>;

    /// One published channel.
    async fn channel(&self, id: &str) -> Result<Option<Channel>>;

    /// Published channels among `ids`, in the order of `ids` (unknown and archived skipped).
    async fn channels_by_ids(&self, ids: &[String]) -> Result<Vec<Channel>>;

    /// Published channels, optionally of one kind, ordered by name then id.
    async fn channels(&self, kind: Option<ChannelKind>, page: Page) -> Result<Paged<Channel>>;

    /// One published organisation.
    async fn organization(&self, id: &str) -> Result<Option<Organization>>;

    /// Published organisations ordered by name then id.
    async fn organizations(&self, page: Page) -> Result<Paged<Organization>>;

    /// Catalogue sizes.
    async fn counts(&self) -> Result<CatalogCounts>;

    /// Cheap liveness check of the database connection.
    async fn ping(&self) -> Result<()>;
}
