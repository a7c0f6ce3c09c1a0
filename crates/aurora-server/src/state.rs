//! The state every handler shares.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use aurora_store::CatalogStore;
use metrics_exporter_prometheus::PrometheusHandle;

use crate::telemetry;

/// What handlers share: the store, the readiness flag and the metrics handle.
///
/// Cheap to clone (reference-counted). The readiness flag starts **unset**: `/readyz` answers
/// 503 until the caller has loaded what it needs (for `aurora serve`, the bundled dataset on
/// first start) and calls [`AppState::set_ready`]`(true)`. The API endpoints do not look at the
/// flag; a load balancer does.
#[derive(Clone)]
pub struct AppState {
    pub(crate) store: Arc<dyn CatalogStore>,
    ready: Arc<AtomicBool>,
    pub(crate) metrics: PrometheusHandle,
}

impl AppState {
    /// State over `store`, not yet ready. Installs the process-wide Prometheus recorder on the
    /// first call (later calls share it).
    pub fn new(store: Arc<dyn CatalogStore>) -> Self {
        AppState {
            store,
            ready: Arc::new(AtomicBool::new(false)),
            metrics: telemetry::prometheus_handle(),
        }
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
            .finish_non_exhaustive()
    }
}
