//! The embedding model for `serve` and `import`: loaded when present, never required.

use std::sync::Arc;

use aurora_embed::{E5Embedder, Embedder};
use aurora_guide::vectors::{refresh_vectors, VectorRefresh};
use aurora_store::{CatalogStore, SqlStore};

/// The multilingual E5 model, or `None` (with the reason logged) when it is not installed:
/// search and guidance then run lexical only and say so in their answers.
pub async fn load_model() -> Option<Arc<dyn Embedder>> {
    let loaded = tokio::task::spawn_blocking(E5Embedder::load_default).await;
    match loaded {
        Ok(Ok(e5)) => {
            tracing::info!(model = %e5.model_id(), kernel = e5.kernel(), "embedding model loaded");
            Some(Arc::new(e5))
        }
        Ok(Err(e)) => {
            tracing::warn!(
                error = %e,
                "no embedding model: search and guidance are lexical only \
                 (scripts/fetch-models.sh installs it)"
            );
            None
        }
        Err(e) => {
            tracing::warn!(error = %e, "loading the embedding model failed: lexical only");
            None
        }
    }
}

/// Computes the vectors of new and changed services after an import.
pub async fn after_import(store: &SqlStore) -> anyhow::Result<Option<VectorRefresh>> {
    let Some(model) = load_model().await else {
        return Ok(None);
    };
    let services = store.all_services().await?;
    let (_, report) = refresh_vectors(store, model, &services).await?;
    Ok(Some(report))
}
