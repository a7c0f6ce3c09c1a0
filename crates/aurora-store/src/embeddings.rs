//! Stored semantic vectors of services.
//!
//! The embedding model is slow (milliseconds per service) and deterministic, so a service's
//! vector is computed once, stored with the hash of the text it was computed from and the
//! model's name, and reused until either changes. The store only keeps the vectors; what text
//! is embedded and by which model is the caller's business.

use async_trait::async_trait;

use crate::Result;

/// One stored vector.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEmbedding {
    /// The service.
    pub service_id: String,
    /// Hash of the text the vector was computed from (the caller's choice of hash).
    pub text_hash: String,
    /// The vector.
    pub vector: Vec<f32>,
}

/// Persistence of service vectors, per embedding model.
#[async_trait]
pub trait EmbeddingStore: Send + Sync {
    /// Every vector stored for `model`, ordered by service id.
    async fn embeddings(&self, model: &str) -> Result<Vec<StoredEmbedding>>;

    /// Inserts or replaces vectors for `model` in one transaction; returns how many rows were
    /// written.
    async fn put_embeddings(&self, model: &str, rows: &[StoredEmbedding]) -> Result<u64>;

    /// Deletes the vectors of `service_ids` for `model` (one transaction); returns how many
    /// existed.
    async fn delete_embeddings(&self, model: &str, service_ids: &[String]) -> Result<u64>;
}

/// Little-endian bytes of a vector.
pub(crate) fn vector_to_bytes(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// A vector from little-endian bytes, or `None` if the length is not `dim` floats.
pub(crate) fn vector_from_bytes(bytes: &[u8], dim: usize) -> Option<Vec<f32>> {
    if bytes.len() != dim * 4 {
        return None;
    }
    Some(
        bytes
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_round_trip_and_length_is_checked() {
        let v = vec![0.5f32, -1.25, f32::MIN_POSITIVE, 3.0e7];
        let b = vector_to_bytes(&v);
        assert_eq!(vector_from_bytes(&b, 4), Some(v));
        assert_eq!(vector_from_bytes(&b, 3), None);
        assert_eq!(vector_from_bytes(&b[..15], 4), None);
    }
}
