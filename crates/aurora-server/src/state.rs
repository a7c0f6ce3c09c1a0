//! The state every handler shares.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use aurora_nlu::Understander;
use aurora_store::CatalogStore;
use metrics_exporter_prometheus::PrometheusHandle;

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
#[derive(Clone)]
pub struct AppState {
    pub(crate) store: Arc<dyn CatalogStore>,
    nlu: Arc<OnceLock<Arc<Understander>>>,
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

    /// Sets the readiness flag reported by `/readyz` (which also pings the store).
    pub fn set_ready(&self, ready: bool) {
        self.ready.store(ready, Ordering::Release);
    }

    /// The readiness flag.
    pub(crate) fn is_ready(&self) -> bool {
        self.ready.load(Ordering::Acquire)
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("backend", &self.store.backend())
            .field("ready", &self.is_ready())
            .field("understander_built", &self.nlu.get().is_some())
            .finish_non_exhaustive()
    }
}
