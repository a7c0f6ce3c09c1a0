//! Embedding training examples with the same model and passage text as catalogue services.

use aurora_embed::{passage_text, Embedder};

use super::train::TrainingEmbeddings;
use super::workbook::TrainingExample;
use super::{RelevanceError, Result};

/// Embeds `examples` as passages with `embedder`: each example becomes the catalogue service
/// it describes ([`TrainingExample::to_service`]) and is embedded from
/// [`passage_text`], exactly as stored service vectors are, so a model trained on these
/// vectors reads the vectors the catalogue has.
///
/// The workbook has only name and summary, while catalogue services also have descriptions
/// in their passage text: a relevance model reading E5 vectors thus learns from short texts
/// and is applied to longer ones. E5 places a summary and its fuller text close together, but
/// the shift is not measured (the catalogue has no labels).
///
/// # Errors
/// [`RelevanceError::Embedding`] when the embedder fails.
pub fn embed_examples(
    embedder: &dyn Embedder,
    examples: &[TrainingExample],
) -> Result<TrainingEmbeddings> {
    let texts = examples
        .iter()
        .map(|e| e.to_service().map(|s| passage_text(&s)))
        .collect::<Result<Vec<String>>>()?;
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let vectors = embedder
        .embed_passages(&refs)
        .map_err(|e| RelevanceError::Embedding {
            reason: format!(
                "cannot embed the training examples with {}: {e}",
                embedder.model_id()
            ),
        })?;
    Ok(TrainingEmbeddings {
        model_id: embedder.model_id().to_string(),
        vectors,
    })
}
