//! The state every handler shares.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock, RwLock};
use std::time::Instant;

use aurora_nlu::Understander;
use aurora_search::SearchIndex;
use aurora_store::CatalogStore;
use metrics_exporter_prometheus::PrometheusHandle;

use crate::error::ApiError;
use crate::telemetry;

/// What handlers share: the store, the intent engine, the readiness flag and the metrics
/// handle.
///
/// Cheap to clone (reference-counted). The readiness flag starts **unset**: `/readyz` answers
/// 503 until the caller has loaded what it needs (for `aurora serve`, the bundled dataset on
/// first start) and calls [`AppState::set_ready`]`(true)`. The API endpoints do not look at the
/// flag; a load balancer does.
///
/// The intent engine ([`Understander`], about 0.15 s to build) is built **lazily**, on the
/// first request that needs it or on [`AppState::understander`], and then shared by every
/// clone of the state. A server that wants the first request fast calls
/// [`AppState::understander`] on a blocking thread at start-up.
///
/// The search engine ([`SearchIndex`], behind `GET /api/v1/search`) is an in-memory index
/// over the published services. It starts **absent**: [`AppState::rebuild_search_index`]
/// builds it from the store (on a blocking thread) and swaps it in whole, so searches running
/// meanwhile finish on the previous index. `/readyz` answers 503 until an index is in place,
/// and the search endpoint answers 503 `unavailable` until then.
#[derive(Clone)]
pub struct AppState {
    pub(crate) store: Arc<dyn CatalogStore>,
    nlu: Arc<OnceLock<Arc<Understander>>>,
    search: Arc<RwLock<Option<Arc<SearchIndex>>>>,
    ready: Arc<AtomicBool>,
    pub(crate) metrics: PrometheusHandle,
}

impl AppState {
    /// State over `store`, not yet ready. Installs the process-wide Prometheus recorder on the
    /// first call (later calls share it).
    pub fn new(store: Arc<dyn CatalogStore>) -> Self {
        AppState {
            store,
            nlu: Arc::new(OnceLock::new()),
            search: Arc::new(RwLock::new(None)),
            ready: Arc::new(AtomicBool::new(false)),
            metrics: telemetry::prometheus_handle(),
        }
    }

    /// The same state with an intent engine built elsewhere (shared between states, or with
    /// another calibration) instead of a lazily built default.
    pub fn with_understander(mut self, understander: Arc<Understander>) -> Self {
        let cell = OnceLock::new();
        let _ = cell.set(understander);
        self.nlu = Arc::new(cell);
        self
    }

    /// The intent engine, building it on first use. **Blocks** for about 0.15 s (release) the
    /// first time: call it from a blocking thread.
    pub fn understander(&self) -> Arc<Understander> {
        self.nlu
            .get_or_init(|| Arc::new(Understander::new()))
            .clone()
    }

    /// The same state with a search index built elsewhere (for example an empty one, or one
    /// with vectors) instead of one built from the store.
    pub fn with_search_index(mut self, index: SearchIndex) -> Self {
        self.search = Arc::new(RwLock::new(Some(Arc::new(index))));
        self
    }

    /// Builds the search index from every published service in the store (on a blocking
    /// thread) and swaps it in; returns the number of services indexed. On an error the
    /// previous index (if any) stays in place.
    pub async fn rebuild_search_index(&self) -> Result<usize, ApiError> {
        let services = self.store.all_services().await?;
        let started = Instant::now();
        let index = tokio::task::spawn_blocking(move || SearchIndex::build(&services))
            .await
            .map_err(|e| ApiError::internal(&format!("the search index build failed: {e}")))?;
        let indexed = index.len();
        *self.search.write().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(index));
        tracing::info!(
            services = indexed,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "search index built"
        );
        Ok(indexed)
    }

    /// The current search index, if one has been built.
    pub fn search_index(&self) -> Option<Arc<SearchIndex>> {
        self.search
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Sets the readiness flag reported by `/readyz` (which also pings the store).
    pub fn set_ready(&self, ready: bool) {
        self.ready.store(ready, Ordering::Release);
    }

    /// The readiness flag.
    pub(crate) fn is_ready(&self) -> bool {
        self.ready.load(Ordering::Acquire)
    }

    /// Whether a search index is in place.
    pub(crate) fn search_ready(&self) -> bool {
        self.search
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .is_some()
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("backend", &self.store.backend())
            .field("ready", &self.is_ready())
            .field("understander_built", &self.nlu.get().is_some())
            .field("search_index_built", &self.search_ready())
            .finish_non_exhaustive()
    }
}
