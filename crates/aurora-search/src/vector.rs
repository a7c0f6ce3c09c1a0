//! Semantic vectors: the seam for an embedding model, storage, and exact cosine search.

use crate::bitset::BitSet;

/// An embedding model for queries: the seam a later engineer plugs multilingual E5 into.
///
/// Service vectors are computed elsewhere (at import) and stored with
/// [`SearchIndex::set_vector`](crate::SearchIndex::set_vector); at query time the index asks
/// the scorer to embed the query text. Returning `None` (model missing, text too long, any
/// failure) makes that search lexical-only, and the result says so.
pub trait VectorScorer: Send + Sync {
    /// Dimension of the vectors (384 for multilingual-e5-small).
    fn dim(&self) -> usize;
    /// The query's vector, or `None` if it cannot be computed.
    fn embed_query(&self, text: &str) -> Option<Vec<f32>>;
}

/// How service vectors are stored and scanned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VectorPrecision {
    /// 32-bit floats: exact cosines; 4 bytes per dimension (154 MB for 100,000 × 384).
    F32,
    /// 8-bit integers with one scale per vector (symmetric quantisation of the unit
    /// vector): a quarter of the memory and of the memory traffic of a scan, so a
    /// 100,000 × 384 scan is several times faster. Cosines are approximate: each
    /// coordinate is off by at most half a quantisation step (1/254 of the vector's largest
    /// coordinate), which moves a cosine of 384-dimensional unit vectors by about 0.001 —
    /// a tenth of the typical gap between neighbouring E5 scores. The default.
    #[default]
    Int8,
}

#[derive(Debug)]
enum Rows {
    F32(Vec<f32>),
    Int8 { data: Vec<i8>, scales: Vec<f32> },
}

/// Unit-length service vectors in one contiguous row-major matrix, one row per internal
/// document, so a scan is a straight pass over memory.
///
/// Rows of documents without a vector are zero and skipped through `has`.
#[derive(Debug)]
pub(crate) struct VectorStore {
    dim: usize,
    rows: Rows,
    has: BitSet,
}

impl Default for VectorStore {
    fn default() -> Self {
        VectorStore::new(VectorPrecision::default())
    }
}

/// Why a vector was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum VectorProblem {
    Dimension { expected: usize },
    NotFinite,
    Zero,
}

/// Scales `v` to unit length.
pub(crate) fn normalized(mut v: Vec<f32>) -> Result<Vec<f32>, VectorProblem> {
    if v.iter().any(|x| !x.is_finite()) {
        return Err(VectorProblem::NotFinite);
    }
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm == 0.0 {
        return Err(VectorProblem::Zero);
    }
    v.iter_mut().for_each(|x| *x /= norm);
    Ok(v)
}

/// Symmetric 8-bit quantisation: `v ≈ scale · q`.
fn quantize(v: &[f32], out: &mut [i8]) -> f32 {
    let max = v.iter().fold(0.0f32, |m, x| m.max(x.abs()));
    if max == 0.0 {
        out.iter_mut().for_each(|q| *q = 0);
        return 0.0;
    }
    let scale = max / 127.0;
    for (q, x) in out.iter_mut().zip(v) {
        *q = (x / scale).round().clamp(-127.0, 127.0) as i8;
    }
    scale
}

impl VectorStore {
    pub(crate) fn new(precision: VectorPrecision) -> Self {
        VectorStore {
            dim: 0,
            rows: match precision {
                VectorPrecision::F32 => Rows::F32(Vec::new()),
                VectorPrecision::Int8 => Rows::Int8 {
                    data: Vec::new(),
                    scales: Vec::new(),
                },
            },
            has: BitSet::new(0),
        }
    }

    fn precision(&self) -> VectorPrecision {
        match self.rows {
            Rows::F32(_) => VectorPrecision::F32,
            Rows::Int8 { .. } => VectorPrecision::Int8,
        }
    }

    /// Dimension, 0 before the first vector.
    pub(crate) fn dim(&self) -> usize {
        self.dim
    }

    pub(crate) fn count(&self) -> usize {
        self.has.count()
    }

    pub(crate) fn has(&self, doc: u32) -> bool {
        self.has.contains(doc)
    }

    /// Makes room for documents `0..len`.
    pub(crate) fn grow(&mut self, len: usize) {
        self.has.grow(len);
        if self.dim == 0 {
            return;
        }
        match &mut self.rows {
            Rows::F32(data) => {
                if data.len() < len * self.dim {
                    data.resize(len * self.dim, 0.0);
                }
            }
            Rows::Int8 { data, scales } => {
                if data.len() < len * self.dim {
                    data.resize(len * self.dim, 0);
                    scales.resize(len, 0.0);
                }
            }
        }
    }

    /// Stores the (already normalised) vector of `doc`.
    pub(crate) fn set(&mut self, doc: u32, v: &[f32], len: usize) -> Result<(), VectorProblem> {
        if self.dim == 0 {
            self.dim = v.len();
        }
        if v.len() != self.dim {
            return Err(VectorProblem::Dimension { expected: self.dim });
        }
        self.grow(len);
        let at = doc as usize * self.dim;
        match &mut self.rows {
            Rows::F32(data) => data[at..at + self.dim].copy_from_slice(v),
            Rows::Int8 { data, scales } => {
                scales[doc as usize] = quantize(v, &mut data[at..at + self.dim]);
            }
        }
        self.has.insert(doc);
        Ok(())
    }

    /// The stored row of `doc` (dequantised for 8-bit storage).
    pub(crate) fn row(&self, doc: u32) -> Option<Vec<f32>> {
        if !self.has(doc) {
            return None;
        }
        let at = doc as usize * self.dim;
        Some(match &self.rows {
            Rows::F32(data) => data[at..at + self.dim].to_vec(),
            Rows::Int8 { data, scales } => {
                let s = scales[doc as usize];
                data[at..at + self.dim]
                    .iter()
                    .map(|&q| f32::from(q) * s)
                    .collect()
            }
        })
    }

    pub(crate) fn clear(&mut self, doc: u32) {
        self.has.remove(doc);
    }

    /// Renumbers rows after compaction.
    pub(crate) fn remap(&mut self, map: &[Option<u32>], len: usize) {
        let mut next = VectorStore::new(self.precision());
        next.dim = self.dim;
        next.grow(len);
        let dim = self.dim;
        for d in self.has.iter() {
            if let Some(n) = map[d as usize] {
                let (src, dst) = (d as usize * dim, n as usize * dim);
                match (&self.rows, &mut next.rows) {
                    (Rows::F32(a), Rows::F32(b)) => {
                        b[dst..dst + dim].copy_from_slice(&a[src..src + dim])
                    }
                    (
                        Rows::Int8 {
                            data: a,
                            scales: sa,
                        },
                        Rows::Int8 {
                            data: b,
                            scales: sb,
                        },
                    ) => {
                        b[dst..dst + dim].copy_from_slice(&a[src..src + dim]);
                        sb[n as usize] = sa[d as usize];
                    }
                    _ => unreachable!("same precision"),
                }
                next.has.insert(n);
            }
        }
        *self = next;
    }

    /// The query prepared for this store's rows.
    pub(crate) fn prepare(&self, query: &[f32]) -> PreparedQuery {
        match self.rows {
            Rows::F32(_) => PreparedQuery::F32(query.to_vec()),
            Rows::Int8 { .. } => {
                let mut q = vec![0i8; query.len()];
                let scale = quantize(query, &mut q);
                PreparedQuery::Int8(q, scale)
            }
        }
    }

    /// Cosine of the prepared query with the row of `doc`.
    pub(crate) fn cosine(&self, query: &PreparedQuery, doc: u32) -> Option<f32> {
        if !self.has(doc) {
            return None;
        }
        let at = doc as usize * self.dim;
        Some(match (&self.rows, query) {
            (Rows::F32(data), PreparedQuery::F32(q)) => dot(q, &data[at..at + self.dim]),
            (Rows::Int8 { data, scales }, PreparedQuery::Int8(q, qs)) => {
                dot_i8(q, &data[at..at + self.dim]) as f32 * qs * scales[doc as usize]
            }
            _ => unreachable!("query prepared by this store"),
        })
    }

    /// Cosine of the query with every candidate that has a vector, best first, at most `k`:
    /// `(doc, cosine)`.
    pub(crate) fn top_k(
        &self,
        query: &PreparedQuery,
        candidates: &BitSet,
        k: usize,
    ) -> Vec<(u32, f32)> {
        let mut scored: Vec<(u32, f32)> = Vec::new();
        if self.dim == 0 {
            return scored;
        }
        let mut mask = self.has.clone();
        mask.and_assign(candidates);
        scored.reserve(mask.count());
        for d in mask.iter() {
            if let Some(c) = self.cosine(query, d) {
                scored.push((d, c));
            }
        }
        top_by_score(&mut scored, k);
        scored
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        let rows = match &self.rows {
            Rows::F32(data) => data.capacity() * 4,
            Rows::Int8 { data, scales } => data.capacity() + scales.capacity() * 4,
        };
        rows + self.has.heap_bytes()
    }
}

/// A query vector in the form a store scans with.
#[derive(Debug, Clone)]
pub(crate) enum PreparedQuery {
    F32(Vec<f32>),
    Int8(Vec<i8>, f32),
}

/// Integer dot product; on x86-64 with AVX2 (checked at run time) the same loop is
/// compiled for 256-bit registers.
#[inline]
pub(crate) fn dot_i8(a: &[i8], b: &[i8]) -> i32 {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2, checked just above.
            return unsafe { dot_i8_avx2(a, b) };
        }
    }
    dot_i8_portable(a, b)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn dot_i8_avx2(a: &[i8], b: &[i8]) -> i32 {
    dot_i8_portable(a, b)
}

/// Sums of `i16` products in 16 lanes: the shape compilers turn into `pmaddwd`.
#[inline(always)]
fn dot_i8_portable(a: &[i8], b: &[i8]) -> i32 {
    let mut acc = [0i32; 16];
    let chunks = a.len() / 16;
    for i in 0..chunks {
        let (x, y) = (&a[i * 16..i * 16 + 16], &b[i * 16..i * 16 + 16]);
        for l in 0..16 {
            acc[l] += i32::from(i16::from(x[l]) * i16::from(y[l]));
        }
    }
    let mut sum: i32 = acc.iter().sum();
    for i in chunks * 16..a.len() {
        sum += i32::from(a[i]) * i32::from(b[i]);
    }
    sum
}

/// Dot product with eight independent accumulators, so the compiler vectorises it without
/// `-ffast-math` (each lane sums in a fixed order, so results do not depend on the CPU);
/// with AVX2 (checked at run time) the same loop is compiled for 256-bit registers.
#[inline]
pub(crate) fn dot(a: &[f32], b: &[f32]) -> f32 {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2, checked just above.
            return unsafe { dot_avx2(a, b) };
        }
    }
    dot_portable(a, b)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn dot_avx2(a: &[f32], b: &[f32]) -> f32 {
    dot_portable(a, b)
}

#[inline(always)]
fn dot_portable(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0.0f32; 8];
    let chunks = a.len() / 8;
    for i in 0..chunks {
        let (x, y) = (&a[i * 8..i * 8 + 8], &b[i * 8..i * 8 + 8]);
        for l in 0..8 {
            acc[l] += x[l] * y[l];
        }
    }
    let mut sum = acc.iter().sum::<f32>();
    for i in chunks * 8..a.len() {
        sum += a[i] * b[i];
    }
    sum
}

/// Keeps the `k` best `(doc, score)` pairs, sorted by score descending then doc ascending.
pub(crate) fn top_by_score(v: &mut Vec<(u32, f32)>, k: usize) {
    let cmp = |a: &(u32, f32), b: &(u32, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
    if v.len() > k && k > 0 {
        v.select_nth_unstable_by(k - 1, cmp);
        v.truncate(k);
    } else if k == 0 {
        v.clear();
    }
    v.sort_unstable_by(cmp);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_matches_the_naive_sum() {
        let a: Vec<f32> = (0..19).map(|i| i as f32 * 0.5).collect();
        let b: Vec<f32> = (0..19).map(|i| 1.0 - i as f32 * 0.1).collect();
        let naive: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        assert!((dot(&a, &b) - naive).abs() < 1e-4);
    }

    #[test]
    fn store_and_scan() {
        for precision in [VectorPrecision::F32, VectorPrecision::Int8] {
            let mut s = VectorStore::new(precision);
            s.set(0, &normalized(vec![1.0, 0.0]).unwrap(), 3).unwrap();
            s.set(2, &normalized(vec![1.0, 1.0]).unwrap(), 3).unwrap();
            assert_eq!(
                s.set(1, &[1.0, 0.0, 0.0], 3),
                Err(VectorProblem::Dimension { expected: 2 })
            );
            let all = BitSet::from_sorted(3, &[0, 1, 2]);
            let q = s.prepare(&[1.0, 0.0]);
            let top = s.top_k(&q, &all, 10);
            assert_eq!(
                top.iter().map(|t| t.0).collect::<Vec<_>>(),
                [0, 2],
                "{precision:?}"
            );
            assert!(
                (top[1].1 - std::f32::consts::FRAC_1_SQRT_2).abs() < 0.01,
                "{precision:?} {}",
                top[1].1
            );
            let only2 = BitSet::from_sorted(3, &[2]);
            assert_eq!(s.top_k(&q, &only2, 10).len(), 1);
        }
        assert_eq!(normalized(vec![0.0, 0.0]), Err(VectorProblem::Zero));
    }

    #[test]
    fn int8_cosines_are_close_to_exact() {
        let mut seed = 7u64;
        let mut rnd = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((seed >> 33) as f32 / (1u64 << 31) as f32) - 0.5
        };
        let (a, b): (Vec<f32>, Vec<f32>) = (0..384).map(|_| (rnd(), rnd())).unzip();
        let (a, b) = (normalized(a).unwrap(), normalized(b).unwrap());
        let exact = dot(&a, &b);
        let mut s = VectorStore::new(VectorPrecision::Int8);
        s.set(0, &b, 1).unwrap();
        let approx = s.cosine(&s.prepare(&a), 0).unwrap();
        assert!((exact - approx).abs() < 0.005, "{exact} vs {approx}");
        assert_eq!(dot_i8(&[1, -2, 3], &[4, 5, -6]), 4 - 10 - 18);
        let long: Vec<i8> = (0..100).map(|i| (i % 7 - 3) as i8).collect();
        assert_eq!(
            dot_i8(&long, &long),
            long.iter()
                .map(|&x| i32::from(x) * i32::from(x))
                .sum::<i32>()
        );
    }
}
