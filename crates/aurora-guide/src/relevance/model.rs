//! A trained relevance model: its file format, prediction and explanation.

use std::collections::BTreeMap;

use aurora_model::{Dimension, Service};
use serde::{Deserialize, Serialize};

use super::features::{analyze, with_embedding, ServiceText, Vocabulary};
use super::logreg::{sigmoid, Row};
use super::{RelevanceError, Result};

/// The format tag of a model file; a file with another tag is refused.
pub const MODEL_FORMAT: &str = "aurora-3x10d-relevance/1";

/// Quality of one dimension on one set of examples.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DimensionMetrics {
    /// The dimension.
    pub dimension: Dimension,
    /// Examples scored.
    pub examples: usize,
    /// Of which labelled positive.
    pub positives: usize,
    /// ROC AUC (ties count half); `None` without both positives and negatives.
    pub auc: Option<f64>,
    /// Share of positives among the 10 best-scored examples (ties broken by example order).
    pub precision_at_10: f64,
}

/// What the model reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureSpec {
    /// Whether the lexical terms are features.
    pub lexical: bool,
    /// Weight of name terms relative to summary terms.
    pub name_weight: f32,
    /// Terms kept: those in at least this many training documents.
    pub min_df: usize,
    /// The embedding block, if any.
    pub embedding: Option<EmbeddingSpec>,
}

/// The embedding block of a model's features.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmbeddingSpec {
    /// The embedding model the vectors must come from (`Embedder::model_id`).
    pub model_id: String,
    /// Vector dimension.
    pub dim: usize,
    /// Length the unit vector is scaled to before it joins the (unit-length) lexical row.
    pub scale: f32,
}

/// How the model was trained.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingInfo {
    /// The workbook.
    pub source: String,
    /// Examples read.
    pub examples: usize,
    /// Examples trained on (the rest are held out).
    pub trained_on: usize,
    /// The chosen L2 penalty (by mean cross-validated AUC on the training part).
    pub lambda: f64,
    /// The penalties tried.
    pub lambdas_tried: Vec<f64>,
    /// Cross-validation folds (inside the training part).
    pub folds: usize,
}

/// One dimension's weights.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct DimensionWeights {
    pub dimension: Dimension,
    pub bias: f32,
    /// Platt scaling of the decision value: `P = σ(platt_a · z + platt_b)`.
    pub platt_a: f32,
    pub platt_b: f32,
    /// One weight per vocabulary term (empty without lexical features).
    pub lexical: Vec<f32>,
    /// One weight per embedding coordinate (empty without an embedding block).
    pub embedding: Vec<f32>,
}

/// The file format (JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ModelFile {
    pub format: String,
    pub name: String,
    pub features: FeatureSpec,
    pub training: TrainingInfo,
    /// Measured when the model was trained: on the held-out examples, and out-of-fold on the
    /// training part.
    pub heldout: Vec<DimensionMetrics>,
    pub cross_validated: Vec<DimensionMetrics>,
    pub terms: Vec<String>,
    pub idf: Vec<f32>,
    pub dimensions: Vec<DimensionWeights>,
}

/// A trained 3X10D relevance model: service text (and optionally an embedding) → for each
/// dimension, the calibrated probability that a person working on that dimension is helped
/// by the service.
#[derive(Debug, Clone, PartialEq)]
pub struct RelevanceModel {
    pub(crate) file: ModelFile,
    pub(crate) vocab: Vocabulary,
}

impl RelevanceModel {
    pub(crate) fn from_file(file: ModelFile) -> Result<Self> {
        let bad = |reason: String| Err(RelevanceError::Model { reason });
        if file.format != MODEL_FORMAT {
            return bad(format!("format {:?} is not {MODEL_FORMAT:?}", file.format));
        }
        if file.terms.len() != file.idf.len() {
            return bad(format!(
                "{} terms but {} idf values",
                file.terms.len(),
                file.idf.len()
            ));
        }
        let order: Vec<Dimension> = file.dimensions.iter().map(|d| d.dimension).collect();
        if order != Dimension::ALL {
            return bad(format!(
                "dimensions must be the ten in API order, found {order:?}"
            ));
        }
        let lexical = if file.features.lexical {
            file.terms.len()
        } else {
            0
        };
        let embedding = file.features.embedding.as_ref().map_or(0, |e| e.dim);
        for d in &file.dimensions {
            if d.lexical.len() != lexical || d.embedding.len() != embedding {
                return bad(format!(
                    "{}: {} lexical and {} embedding weights, expected {lexical} and {embedding}",
                    d.dimension.key(),
                    d.lexical.len(),
                    d.embedding.len()
                ));
            }
        }
        let vocab = Vocabulary::new(file.terms.clone(), file.idf.clone());
        Ok(RelevanceModel { file, vocab })
    }

    /// Reads a model file.
    pub fn from_json(json: &str) -> Result<Self> {
        let file: ModelFile = serde_json::from_str(json).map_err(|e| RelevanceError::Model {
            reason: e.to_string(),
        })?;
        RelevanceModel::from_file(file)
    }

    /// The model file (pretty JSON, one array element per line is not attempted: the file is
    /// data, diffed by `aurora train relevance`, not by hand).
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string(&self.file).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Its name (`lexical`, `e5`).
    pub fn name(&self) -> &str {
        &self.file.name
    }

    /// What it reads.
    pub fn features(&self) -> &FeatureSpec {
        &self.file.features
    }

    /// How it was trained.
    pub fn training(&self) -> &TrainingInfo {
        &self.file.training
    }

    /// Per-dimension quality on the held-out examples, measured at training.
    pub fn heldout_metrics(&self) -> &[DimensionMetrics] {
        &self.file.heldout
    }

    /// Per-dimension out-of-fold quality on the training part, measured at training.
    pub fn cross_validated_metrics(&self) -> &[DimensionMetrics] {
        &self.file.cross_validated
    }

    /// Terms in the lexical vocabulary.
    pub fn vocabulary_len(&self) -> usize {
        self.vocab.len()
    }

    /// The embedding the model needs, if any.
    pub fn embedding(&self) -> Option<&EmbeddingSpec> {
        self.file.features.embedding.as_ref()
    }

    /// The feature row of a text (and embedding).
    pub(crate) fn row(&self, text: &ServiceText, embedding: Option<&[f32]>) -> Result<Row> {
        let mut row = if self.file.features.lexical {
            self.vocab.row(&analyze(text))
        } else {
            Row::new()
        };
        if let Some(spec) = &self.file.features.embedding {
            let v = embedding.ok_or_else(|| RelevanceError::Embedding {
                reason: format!(
                    "model {:?} needs a {} vector, none was given",
                    self.file.name, spec.model_id
                ),
            })?;
            if v.len() != spec.dim {
                return Err(RelevanceError::Embedding {
                    reason: format!(
                        "model {:?} needs {} dimensions ({}), got {}",
                        self.file.name,
                        spec.dim,
                        spec.model_id,
                        v.len()
                    ),
                });
            }
            let offset = self.lexical_len();
            row = with_embedding(row, offset, v, spec.scale);
        }
        Ok(row)
    }

    fn lexical_len(&self) -> usize {
        if self.file.features.lexical {
            self.vocab.len()
        } else {
            0
        }
    }

    /// Calibrated probabilities of a feature row, in [`Dimension::ALL`] order.
    pub(crate) fn predict_row(&self, row: &[(u32, f32)]) -> [f32; 10] {
        let mut out = [0.0f32; 10];
        for (o, d) in out.iter_mut().zip(&self.file.dimensions) {
            *o = sigmoid(d.platt_a as f64 * self.decision(d, row) + d.platt_b as f64) as f32;
        }
        out
    }

    fn decision(&self, d: &DimensionWeights, row: &[(u32, f32)]) -> f64 {
        let lexical = self.lexical_len();
        let mut z = f64::from(d.bias);
        for &(j, v) in row {
            let j = j as usize;
            let w = if j < lexical {
                d.lexical[j]
            } else {
                d.embedding[j - lexical]
            };
            z += f64::from(w) * f64::from(v);
        }
        z
    }

    /// Probabilities for a text, in [`Dimension::ALL`] order.
    ///
    /// # Errors
    /// [`RelevanceError::Embedding`] when the model has an embedding block and `embedding` is
    /// missing or of the wrong dimension.
    pub fn predict_text(&self, text: &ServiceText, embedding: Option<&[f32]>) -> Result<[f32; 10]> {
        Ok(self.predict_row(&self.row(text, embedding)?))
    }

    /// Probabilities for a catalogue service (its [`ServiceText::of`]).
    ///
    /// # Errors
    /// As [`RelevanceModel::predict_text`].
    pub fn predict(&self, service: &Service, embedding: Option<&[f32]>) -> Result<[f32; 10]> {
        self.predict_text(&ServiceText::of(service), embedding)
    }

    /// The words of the service's text that raise its relevance to `dimension` most, with
    /// their contribution to the decision value (weight × feature value, summed over the
    /// terms a word produced), largest first; only positive contributions. The embedding
    /// block, if the model has one, is not itemised.
    pub fn explain(&self, service: &Service, dimension: Dimension) -> Vec<(String, f32)> {
        self.explain_text(&ServiceText::of(service), dimension)
    }

    /// [`RelevanceModel::explain`] for a text.
    pub fn explain_text(&self, text: &ServiceText, dimension: Dimension) -> Vec<(String, f32)> {
        if !self.file.features.lexical {
            return Vec::new();
        }
        let Some(d) = self
            .file
            .dimensions
            .iter()
            .find(|d| d.dimension == dimension)
        else {
            return Vec::new();
        };
        let doc = analyze(text);
        let row = self.vocab.row(&doc);
        let mut by_word: BTreeMap<String, f32> = BTreeMap::new();
        for &(j, v) in &row {
            let term = &self.vocab.terms[j as usize];
            let contribution = d.lexical[j as usize] * v;
            let Some(count) = doc.get(term) else { continue };
            // Split a term's contribution among the words that produced it.
            for (word, share) in &count.words {
                *by_word.entry(word.clone()).or_default() += contribution * share / count.weight;
            }
        }
        let mut out: Vec<(String, f32)> = by_word.into_iter().filter(|(_, c)| *c > 0.0).collect();
        out.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        out
    }
}
