//! aurora-embed integration tests, one binary (see the workspace's stack notes on link time).
//!
//! `e5` needs the real model file. Without it those tests print a `SKIP` line and pass, so a
//! developer without network can run the suite, unless env `CI=true` or
//! `AURORA_REQUIRE_E5=1`, where a missing model fails them.

mod e5;
mod hash;
mod passage;

/// Cosine of two unit vectors.
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Euclidean norm.
pub fn norm(a: &[f32]) -> f32 {
    dot(a, a).sqrt()
}
