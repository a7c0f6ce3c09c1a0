//! [`HashEmbedder`]: feature-hashed character n-grams. Deterministic, instant, no model.

use crate::{EmbedError, Embedder};

/// Character n-gram lengths hashed for every word (plus the whole word).
const NGRAMS: std::ops::RangeInclusive<usize> = 3..=5;

/// A stand-in [`Embedder`] for unit tests of other crates: it needs no model file, is
/// deterministic across runs and platforms, and costs microseconds.
///
/// **It is not semantic.** Each whitespace-separated word, lower-cased and wrapped as
/// `<word>`, contributes its character 3-, 4- and 5-grams and itself, each hashed (FNV-1a)
/// to one coordinate with a hashed sign; the sum is L2-normalised. Texts that share
/// spellings get high cosines (`asumistuki` / `asumistukea`); synonyms and translations do
/// not (`bostadsbidrag` / `asumistuki` score about 0). Queries and passages are embedded the
/// same way. Use it to test plumbing — storage, fusion, ranking code — never to judge
/// retrieval quality.
#[derive(Debug, Clone)]
pub struct HashEmbedder {
    dim: usize,
    model_id: String,
}

impl Default for HashEmbedder {
    /// 384 dimensions, like multilingual-e5-small, so it fits the same vector stores.
    fn default() -> Self {
        HashEmbedder::new(crate::E5_DIM)
    }
}

impl HashEmbedder {
    /// A hashing embedder with `dim` coordinates.
    ///
    /// # Panics
    /// If `dim` is 0 (a programming error: no vector could be unit length).
    pub fn new(dim: usize) -> HashEmbedder {
        assert!(dim > 0, "HashEmbedder needs at least one dimension");
        HashEmbedder {
            dim,
            model_id: format!("hash-char-ngram-3-5-v1@{dim}"),
        }
    }

    fn embed_one(&self, text: &str, index: usize) -> Result<Vec<f32>, EmbedError> {
        if text.trim().is_empty() {
            return Err(EmbedError::EmptyText { index });
        }
        let mut v = vec![0f32; self.dim];
        let mut add = |feature: &[char]| {
            let h = fnv1a(feature);
            // Index from the low bits, sign from the top bit: independent enough for
            // collisions to cancel on average instead of piling up.
            let i = (h % self.dim as u64) as usize;
            v[i] += if h >> 63 == 0 { 1.0 } else { -1.0 };
        };
        for word in text.split_whitespace() {
            let chars: Vec<char> = std::iter::once('<')
                .chain(word.chars().flat_map(char::to_lowercase))
                .chain(std::iter::once('>'))
                .collect();
            add(&chars);
            for n in NGRAMS {
                for gram in chars.windows(n) {
                    add(gram);
                }
            }
        }
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        if norm > 0.0 {
            v.iter_mut().for_each(|x| *x /= norm);
        } else {
            // Every feature cancelled out (possible with tiny `dim`): still return a unit
            // vector, and still a deterministic one.
            let i = (fnv1a(&text.chars().collect::<Vec<_>>()) % self.dim as u64) as usize;
            v[i] = 1.0;
        }
        Ok(v)
    }
}

/// FNV-1a over the characters' UTF-8 bytes: fixed, so vectors are equal on every platform
/// and release (unlike `std`'s randomly seeded hasher).
fn fnv1a(chars: &[char]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut buf = [0u8; 4];
    for c in chars {
        for b in c.encode_utf8(&mut buf).bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

impl Embedder for HashEmbedder {
    fn model_id(&self) -> &str {
        &self.model_id
    }

    fn dim(&self) -> usize {
        self.dim
    }

    fn embed_query(&self, text: &str) -> Result<Vec<f32>, EmbedError> {
        self.embed_one(text, 0)
    }

    fn embed_passages(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| self.embed_one(t, i))
            .collect()
    }
}
