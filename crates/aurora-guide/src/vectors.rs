//! Service vectors: computed once per service text and model, stored, reused.
//!
//! [`refresh_vectors`] is what "vectors are computed at import, stored and reused" means in
//! code: for each service it composes the text to embed ([`aurora_embed::passage_text`]),
//! hashes it together with the model's id, and reuses the stored vector when the hash
//! matches; only new or changed services go through the (slow, ~20–60 ms per text) model, in
//! batches that are stored as they finish, so an interrupted refresh keeps its progress.
//! Vectors of services that are gone are deleted.
//!
//! [`EmbedScorer`] plugs an [`Embedder`] into the search index as its query-side
//! [`VectorScorer`].

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use aurora_embed::{passage_text, Embedder, PASSAGE_TEXT_VERSION};
use aurora_model::Service;
use aurora_search::VectorScorer;
use aurora_store::embeddings::{EmbeddingStore, StoredEmbedding};
use sha2::{Digest, Sha256};

/// Services embedded per model call and per store transaction.
pub const BATCH: usize = 16;

/// What a refresh did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VectorRefresh {
    /// The model's id.
    pub model: String,
    /// Vectors reused from the store.
    pub reused: usize,
    /// Vectors computed (and stored).
    pub computed: usize,
    /// Services the model could not embed (they stay lexical-only).
    pub failed: usize,
    /// Stored vectors deleted because their service is gone.
    pub deleted: usize,
    /// Time spent.
    pub elapsed: Duration,
}

/// Why a refresh stopped.
#[derive(Debug, thiserror::Error)]
pub enum VectorError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] aurora_store::Error),
    /// The blocking embedding task was cancelled or panicked.
    #[error("the embedding task failed: {0}")]
    Task(String),
}

/// The hash under which a service's vector is stored: model id, passage composition version
/// and text.
pub fn text_hash(model: &str, text: &str) -> String {
    let mut h = Sha256::new();
    h.update(model.as_bytes());
    h.update([0u8]);
    h.update(PASSAGE_TEXT_VERSION.to_string().as_bytes());
    h.update([0u8]);
    h.update(text.as_bytes());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The stored vectors of `services` that are still current (same model, same text), without
/// running the model; and how many services have none.
///
/// # Errors
///
/// A store failure.
pub async fn stored_vectors(
    store: &dyn EmbeddingStore,
    model: &str,
    services: &[Service],
) -> Result<(HashMap<String, Vec<f32>>, usize), VectorError> {
    let mut stored: HashMap<String, StoredEmbedding> = store
        .embeddings(model)
        .await?
        .into_iter()
        .map(|e| (e.service_id.clone(), e))
        .collect();
    let mut out = HashMap::with_capacity(stored.len());
    let mut missing = 0;
    for s in services {
        match stored.remove(&s.id) {
            Some(e) if e.text_hash == text_hash(model, &passage_text(s)) => {
                out.insert(s.id.clone(), e.vector);
            }
            _ => missing += 1,
        }
    }
    Ok((out, missing))
}

/// Brings the stored vectors of `services` up to date with `embedder` and returns every
/// service's vector (by id) with what was done. Runs the model on blocking threads.
///
/// # Errors
///
/// A store failure. A service the model cannot embed is counted in
/// [`VectorRefresh::failed`], not an error.
pub async fn refresh_vectors(
    store: &dyn EmbeddingStore,
    embedder: Arc<dyn Embedder>,
    services: &[Service],
) -> Result<(HashMap<String, Vec<f32>>, VectorRefresh), VectorError> {
    let started = Instant::now();
    let model = embedder.model_id().to_string();
    let stored: HashMap<String, StoredEmbedding> = store
        .embeddings(&model)
        .await?
        .into_iter()
        .map(|e| (e.service_id.clone(), e))
        .collect();
    let mut vectors = HashMap::with_capacity(services.len());
    let mut todo: Vec<(String, String, String)> = Vec::new(); // id, hash, text
    let mut reused = 0;
    for s in services {
        let text = passage_text(s);
        let hash = text_hash(&model, &text);
        match stored.get(&s.id) {
            Some(e) if e.text_hash == hash && e.vector.len() == embedder.dim() => {
                vectors.insert(s.id.clone(), e.vector.clone());
                reused += 1;
            }
            _ => todo.push((s.id.clone(), hash, text)),
        }
    }
    let mut computed = 0;
    let mut failed = 0;
    for batch in todo.chunks(BATCH) {
        let texts: Vec<String> = batch.iter().map(|(_, _, t)| t.clone()).collect();
        let e = embedder.clone();
        let result = tokio::task::spawn_blocking(move || {
            let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
            match e.embed_passages(&refs) {
                Ok(v) => v.into_iter().map(Some).collect::<Vec<_>>(),
                // One bad text must not cost the batch: retry one by one.
                Err(_) => refs
                    .iter()
                    .map(|t| e.embed_passages(&[t]).ok().and_then(|mut v| v.pop()))
                    .collect(),
            }
        })
        .await
        .map_err(|e| VectorError::Task(e.to_string()))?;
        let mut rows = Vec::with_capacity(batch.len());
        for ((id, hash, _), vector) in batch.iter().zip(result) {
            match vector {
                Some(v) if v.len() == embedder.dim() => {
                    vectors.insert(id.clone(), v.clone());
                    rows.push(StoredEmbedding {
                        service_id: id.clone(),
                        text_hash: hash.clone(),
                        vector: v,
                    });
                }
                _ => failed += 1,
            }
        }
        computed += rows.len();
        store.put_embeddings(&model, &rows).await?;
    }
    let live: HashSet<&str> = services.iter().map(|s| s.id.as_str()).collect();
    let gone: Vec<String> = stored
        .keys()
        .filter(|id| !live.contains(id.as_str()))
        .cloned()
        .collect();
    let deleted = store.delete_embeddings(&model, &gone).await? as usize;
    Ok((
        vectors,
        VectorRefresh {
            model,
            reused,
            computed,
            failed,
            deleted,
            elapsed: started.elapsed(),
        },
    ))
}

/// An [`Embedder`] as the search index's query-side [`VectorScorer`].
#[derive(Clone)]
pub struct EmbedScorer(pub Arc<dyn Embedder>);

impl VectorScorer for EmbedScorer {
    fn dim(&self) -> usize {
        self.0.dim()
    }

    fn embed_query(&self, text: &str) -> Option<Vec<f32>> {
        self.0.embed_query(text).ok()
    }
}

impl std::fmt::Debug for EmbedScorer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("EmbedScorer")
            .field(&self.0.model_id())
            .finish()
    }
}
