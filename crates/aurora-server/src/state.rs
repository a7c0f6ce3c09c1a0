//! The state every handler shares.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock, RwLock};
use std::time::Instant;

use aurora_embed::Embedder;
use aurora_guide::learning::{LearnerConfig, OutcomeLearner};
use aurora_guide::relevance::{LearnedRelevance, RelevanceModel};
use aurora_guide::situation::GuideEngine;
use aurora_guide::threex10d::{Recommender, RelevanceSource};
use aurora_guide::vectors::{
    refresh_vectors, stored_vectors, EmbedScorer, VectorError, VectorRefresh,
};
use aurora_nlu::Understander;
use aurora_search::SearchIndex;
use aurora_store::embeddings::EmbeddingStore;
use aurora_store::{CatalogStore, RecommendationStore};
use metrics_exporter_prometheus::PrometheusHandle;

use crate::compat::{CompatConfig, CompatState};
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
    /// The recommender API (`/service-recommender/v1`): settings, store, 3X10D engine.
    pub(crate) compat: Arc<CompatState>,
    /// What clicks and feedback taught, shared by every index snapshot.
    learner: Arc<RwLock<OutcomeLearner>>,
    /// The guidance page's feedback signing key and replay memory.
    pub(crate) web_guide: Arc<crate::web::guide::GuideState>,
    /// The embedding model and where service vectors are kept, if vectors are on.
    vectors: Option<Vectors>,
    /// The digital twin, consent and authorization surfaces (issue 5), when enabled.
    twin: Option<Arc<crate::me::TwinState>>,
    /// Published services and channels read for answers, by id; emptied whenever the index
    /// is rebuilt (that is, whenever the catalogue changed), so it is never staler than the
    /// index that chose the services.
    docs: Arc<DocCache>,
}

/// See [`AppState::published_services_cached`].
#[derive(Debug, Default)]
struct DocCache {
    services: std::sync::Mutex<std::collections::HashMap<String, Arc<aurora_model::Service>>>,
    channels: std::sync::Mutex<std::collections::HashMap<String, Arc<aurora_model::Channel>>>,
}

impl DocCache {
    /// Entries of each kind before the cache starts over (a few thousand hot services).
    const MAX: usize = 20_000;

    fn clear(&self) {
        self.services
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
        self.channels
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}

/// Looks `ids` up in `map`, fetches the missing ones with `fetch`, caches them; the found ones
/// in the order of `ids` (missing ones skipped).
async fn cached<T, F, Fut>(
    map: &std::sync::Mutex<std::collections::HashMap<String, Arc<T>>>,
    ids: &[String],
    id_of: fn(&T) -> &str,
    fetch: F,
) -> Result<Vec<Arc<T>>, aurora_store::Error>
where
    F: FnOnce(Vec<String>) -> Fut,
    Fut: std::future::Future<Output = Result<Vec<T>, aurora_store::Error>>,
{
    let missing: Vec<String> = {
        let m = map.lock().unwrap_or_else(|e| e.into_inner());
        ids.iter()
            .filter(|id| !m.contains_key(*id))
            .cloned()
            .collect()
    };
    if !missing.is_empty() {
        let fetched = fetch(missing).await?;
        let mut m = map.lock().unwrap_or_else(|e| e.into_inner());
        if m.len() + fetched.len() > DocCache::MAX {
            m.clear();
        }
        for item in fetched {
            m.insert(id_of(&item).to_string(), Arc::new(item));
        }
    }
    let m = map.lock().unwrap_or_else(|e| e.into_inner());
    Ok(ids.iter().filter_map(|id| m.get(id).cloned()).collect())
}

/// The embedding model and the vector store.
#[derive(Clone)]
struct Vectors {
    embedder: Arc<dyn Embedder>,
    store: Arc<dyn EmbeddingStore>,
}

/// Gives the memory freed after a rebuild (the whole catalogue was read, parsed and dropped)
/// back to the operating system; glibc keeps it otherwise, and the process looks twice as
/// big as it is.
fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks the allocator's own free lists.
    unsafe {
        libc::malloc_trim(0);
    }
}

fn vector_error(e: VectorError) -> ApiError {
    match e {
        VectorError::Store(e) => e.into(),
        VectorError::Task(e) => ApiError::internal(&format!("the embedding task failed: {e}")),
    }
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
            compat: Arc::new(CompatState::default()),
            learner: Arc::new(RwLock::new(OutcomeLearner::new(LearnerConfig::default()))),
            web_guide: Arc::default(),
            vectors: None,
            twin: None,
            docs: Arc::new(DocCache::default()),
        }
    }

    /// The same state with the digital twin, consent and authorization surfaces enabled
    /// over `store` (which keeps every twin table), with `keys` and `settings`.
    pub fn with_twin(
        mut self,
        store: Arc<aurora_store::SqlStore>,
        keys: aurora_twin::keys::TwinKeys,
        settings: crate::me::TwinSettings,
    ) -> Self {
        self.twin = Some(Arc::new(crate::me::TwinState::new(store, keys, settings)));
        self
    }

    /// The twin surfaces, if enabled.
    pub(crate) fn twin_state(&self) -> Option<&Arc<crate::me::TwinState>> {
        self.twin.as_ref()
    }

    /// The same state with another outcome-learner configuration (e.g. exploration on).
    pub fn with_learner_config(mut self, config: LearnerConfig) -> Self {
        self.learner = Arc::new(RwLock::new(OutcomeLearner::new(config)));
        self
    }

    /// The outcome learner.
    pub fn learner(&self) -> &Arc<RwLock<OutcomeLearner>> {
        &self.learner
    }

    /// Rebuilds the outcome learner from the stored history of authenticated clients'
    /// recommendations (their impressions, clicks and feedback); returns how many
    /// recommendations were read. `aurora serve` calls it at start.
    pub async fn replay_learning(&self) -> Result<usize, ApiError> {
        crate::learning::replay(self).await
    }

    /// The situation-guidance engine over the current index, once
    /// [`AppState::rebuild_search_index`] ran.
    pub fn guide_engine(&self) -> Option<GuideEngine> {
        self.recommender()
            .map(|r| GuideEngine::new(r, self.learner.clone()))
    }

    /// The same state with the store of the recommender API (API clients, recommendations,
    /// session transfer); without one its endpoints answer 503.
    pub fn with_recommendation_store(mut self, store: Arc<dyn RecommendationStore>) -> Self {
        self.compat = Arc::new(self.compat.with(None, Some(store)));
        self
    }

    /// The same state with other settings of the recommender API.
    pub fn with_compat_config(mut self, config: CompatConfig) -> Self {
        self.compat = Arc::new(self.compat.with(Some(config), None));
        self
    }

    /// Sets the learned 3X10D relevance of services without hand labels; it takes effect
    /// at the next [`AppState::rebuild_search_index`]. Without one, each rebuild scores the
    /// services with the shipped lexical model (`LearnedRelevance::lexical`).
    pub fn set_relevance_source(&self, source: Option<Arc<dyn RelevanceSource>>) {
        self.compat.set_relevance(source);
    }

    /// The 3X10D engine of the current index, once [`AppState::rebuild_search_index`] ran.
    pub fn recommender(&self) -> Option<Arc<Recommender>> {
        self.compat.recommender()
    }

    /// [`AppState::understander`] from async code: the first call builds the engine on a
    /// blocking thread.
    pub(crate) async fn understander_ready(&self) -> Result<Arc<Understander>, ApiError> {
        let state = self.clone();
        tokio::task::spawn_blocking(move || state.understander())
            .await
            .map_err(|e| ApiError::internal(&format!("the intent engine failed to start: {e}")))
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
            .get_or_init(|| {
                let understander = Understander::new();
                // With the embedding model, intent recognition adds semantic similarity to the
                // label prototypes (about 20 ms more per text; `aurora eval intent --vectors`).
                let Some(v) = &self.vectors else {
                    return Arc::new(understander);
                };
                match aurora_nlu::LabelVectors::bundled() {
                    Ok(labels) => Arc::new(understander.with_embedder(v.embedder.clone(), labels)),
                    Err(e) => {
                        tracing::warn!(error = %e, "no label vectors: intent recognition is lexical only");
                        Arc::new(understander)
                    }
                }
            })
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
        let configured = self.compat.relevance();
        // Stored vectors that are still current; computing missing ones is
        // `refresh_vectors`' job (slow), so the index is never held up by the model.
        let vectors = match &self.vectors {
            Some(v) => {
                let (stored, missing) =
                    stored_vectors(v.store.as_ref(), v.embedder.model_id(), &services)
                        .await
                        .map_err(vector_error)?;
                if missing > 0 {
                    tracing::info!(
                        missing,
                        "services without a current vector (lexical only until computed)"
                    );
                }
                Some((v.embedder.clone(), stored))
            }
            None => None,
        };
        // The 3X10D engine keeps per-document data of this index: built and swapped with it.
        let (index, recommender) = tokio::task::spawn_blocking(move || {
            // Without a configured source, the shipped models learned from the label workbook
            // score every service from its own text: with its vector where it has one (the E5
            // model, which also reads Swedish- and English-only services), else lexically.
            let learned = configured.or_else(|| {
                let learned = match &vectors {
                    Some((_, stored)) if !stored.is_empty() => LearnedRelevance::with_model(
                        RelevanceModel::e5(),
                        &services,
                        &|s: &aurora_model::Service| stored.get(&s.id).cloned(),
                    ),
                    _ => LearnedRelevance::lexical(&services),
                };
                Some(Arc::new(learned) as Arc<dyn RelevanceSource>)
            });
            let mut index = SearchIndex::build(&services);
            if let Some((embedder, stored)) = vectors {
                for (id, v) in stored {
                    // A vector of the wrong dimension is skipped; the service stays lexical.
                    let _ = index.set_vector(&id, v);
                }
                index.set_vector_scorer(Arc::new(EmbedScorer(embedder)));
            }
            let index = Arc::new(index);
            let recommender = crate::compat::build_recommender(index.clone(), &services, learned);
            (index, recommender)
        })
        .await
        .map_err(|e| ApiError::internal(&format!("the search index build failed: {e}")))?;
        let indexed = index.len();
        let stats = index.stats();
        *self.search.write().unwrap_or_else(|e| e.into_inner()) = Some(index);
        self.docs.clear();
        release_freed_memory();
        self.compat.set_recommender(Some(Arc::new(recommender)));
        tracing::info!(
            services = indexed,
            terms = stats.num_terms,
            postings = stats.num_postings,
            vectors = stats.num_vectors,
            index_mib = stats.estimated_bytes / (1 << 20),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "search index built"
        );
        Ok(indexed)
    }

    /// Computes the vectors of services that have none (or whose text changed) with the
    /// configured model, stores them, and rebuilds the index when any was computed. Slow
    /// (tens of milliseconds per service): `aurora serve` runs it in the background after the
    /// lexical index is ready. `None` when no model is configured.
    pub async fn refresh_vectors(&self) -> Result<Option<VectorRefresh>, ApiError> {
        let Some(v) = &self.vectors else {
            return Ok(None);
        };
        let services = self.store.all_services().await?;
        let (_, report) = refresh_vectors(v.store.as_ref(), v.embedder.clone(), &services)
            .await
            .map_err(vector_error)?;
        tracing::info!(
            model = %report.model,
            reused = report.reused,
            computed = report.computed,
            failed = report.failed,
            deleted = report.deleted,
            elapsed_ms = report.elapsed.as_millis() as u64,
            "service vectors refreshed"
        );
        if report.computed > 0 || report.deleted > 0 {
            self.rebuild_search_index().await?;
        }
        Ok(Some(report))
    }

    /// The same state with semantic vectors: `embedder` embeds queries and services, `store`
    /// keeps service vectors between runs. Without it search is lexical only, and says so.
    pub fn with_embeddings(
        mut self,
        embedder: Arc<dyn Embedder>,
        store: Arc<dyn EmbeddingStore>,
    ) -> Self {
        self.vectors = Some(Vectors { embedder, store });
        self
    }

    /// The published services among `ids` (in that order; archived or unknown ones skipped),
    /// from the in-memory cache where possible (see the `docs` field).
    pub(crate) async fn published_services_cached(
        &self,
        store: &dyn RecommendationStore,
        ids: &[String],
    ) -> Result<Vec<Arc<aurora_model::Service>>, aurora_store::Error> {
        cached(
            &self.docs.services,
            ids,
            |s| s.id.as_str(),
            |missing| async move { store.published_services(&missing).await },
        )
        .await
    }

    /// The published channels among `ids`, cached like the services.
    pub(crate) async fn channels_cached(
        &self,
        ids: &[String],
    ) -> Result<Vec<Arc<aurora_model::Channel>>, aurora_store::Error> {
        let store = self.store.clone();
        cached(
            &self.docs.channels,
            ids,
            |c| c.id.as_str(),
            |missing| async move { store.channels_by_ids(&missing).await },
        )
        .await
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
