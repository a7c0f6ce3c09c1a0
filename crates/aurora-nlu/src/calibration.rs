//! Turning raw scores into calibrated confidences.
//!
//! Each candidate label (raw score > 0) gets
//!
//! ```text
//! confidence = σ(scale · ln(1 + s) + margin · (ln(1 + s) − ln(1 + s_best)) + bias)
//! ```
//!
//! where `s` is its raw score and `s_best` the best raw score of the same kind in the same
//! text. The logarithm makes the second term a ratio: a runner-up with half the winner's
//! evidence is penalised the same whether the winner has 2 or 6 points. The first term says "how much evidence", the second "how much less than the winner";
//! both matter, since one text can name two life events. Each label is a separate yes/no
//! (a sigmoid, not a softmax), so several life events can be confident at once.
//!
//! The three numbers per kind are fitted by [`Calibration::fit`], logistic regression on the
//! candidates of the development set's **tune** split (label in the gold set = 1, else 0),
//! and committed as [`Calibration::DEFAULT`]. The `calibration_is_current` test refits and
//! fails when the committed numbers drift from what the data says; the `calibration_quality`
//! test reports the expected calibration error on the **holdout** split.

use serde::Serialize;

use crate::eval::{DevExample, Split};
use crate::scoring::Kind;
use crate::Understander;

/// Platt scaling with a margin term on log scores (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Platt {
    /// Weight of the raw score.
    pub scale: f32,
    /// Weight of the distance to the best candidate (≤ 0 scores, so a positive weight lowers
    /// runners-up).
    pub margin: f32,
    /// Intercept.
    pub bias: f32,
}

impl Platt {
    /// The confidence of a candidate with raw score `s` when the best has `best`.
    pub fn apply(&self, s: f32, best: f32) -> f32 {
        let (x, b) = (s.max(0.0).ln_1p(), best.max(0.0).ln_1p());
        sigmoid(self.scale * x + self.margin * (x - b) + self.bias)
    }
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// Calibration of life-event and service-class confidences.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Calibration {
    /// For life events.
    pub life_events: Platt,
    /// For service classes.
    pub service_classes: Platt,
}

impl Default for Calibration {
    fn default() -> Self {
        Calibration::DEFAULT
    }
}

impl Calibration {
    /// Fitted on the tune split of `data/nlu/devset.jsonl` (see the module docs).
    pub const DEFAULT: Calibration = Calibration {
        life_events: Platt {
            scale: 3.6,
            margin: 6.64,
            bias: -0.69,
        },
        service_classes: Platt {
            scale: 2.54,
            margin: 3.48,
            bias: -1.31,
        },
    };

    /// The same fit with semantic scores ([`Understander::with_embedder`], E5 label vectors).
    pub const VECTORS: Calibration = Calibration {
        life_events: Platt {
            scale: 3.53,
            margin: 4.57,
            bias: -2.11,
        },
        service_classes: Platt {
            scale: 2.48,
            margin: 3.0,
            bias: -2.89,
        },
    };

    /// Fits a calibration on the examples of `split` (usually [`Split::Tune`]).
    pub fn fit(u: &Understander, examples: &[DevExample], split: Split) -> Calibration {
        let mut le = Vec::new();
        let mut cls = Vec::new();
        for ex in examples.iter().filter(|e| e.split == split) {
            for (kind, out, gold) in [
                (Kind::LifeEvent, &mut le, &ex.life_events),
                (Kind::ServiceClass, &mut cls, &ex.service_classes),
            ] {
                if gold.is_empty() {
                    continue;
                }
                for (code, s, best) in u.candidates(&ex.text, None, kind) {
                    let (x, b) = (s.max(0.0).ln_1p(), best.max(0.0).ln_1p());
                    out.push((x, x - b, gold.contains(&code)));
                }
            }
        }
        Calibration {
            life_events: fit_platt(&le),
            service_classes: fit_platt(&cls),
        }
    }
}

/// Logistic regression on (log score, log score − log best) by gradient descent with a small L2 penalty;
/// a few thousand points at most, so plain full-batch descent is fast enough.
fn fit_platt(points: &[(f32, f32, bool)]) -> Platt {
    let (mut a, mut b, mut c) = (1.0f64, 0.0f64, 0.0f64);
    if points.is_empty() {
        return Platt {
            scale: 1.0,
            margin: 0.0,
            bias: 0.0,
        };
    }
    let n = points.len() as f64;
    let lr = 0.5;
    let l2 = 1e-3;
    for _ in 0..4000 {
        let (mut ga, mut gb, mut gc) = (0.0, 0.0, 0.0);
        for &(s, d, y) in points {
            let (s, d) = (s as f64, d as f64);
            let p = 1.0 / (1.0 + (-(a * s + b * d + c)).exp());
            let err = p - if y { 1.0 } else { 0.0 };
            ga += err * s;
            gb += err * d;
            gc += err;
        }
        a -= lr * (ga / n + l2 * a);
        b -= lr * (gb / n + l2 * b);
        c -= lr * (gc / n);
    }
    let round = |x: f64| ((x * 100.0).round() / 100.0) as f32;
    Platt {
        scale: round(a),
        margin: round(b),
        bias: round(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_recovers_a_separable_rule() {
        // Scores above 1 are right, below are wrong.
        let points: Vec<(f32, f32, bool)> = (0..40)
            .map(|i| {
                let s = i as f32 / 10.0;
                (s, 0.0, s > 1.0)
            })
            .collect();
        let p = fit_platt(&points);
        assert!(p.apply(3.0, 3.0) > 0.9, "{p:?}");
        assert!(p.apply(0.2, 0.2) < 0.1, "{p:?}");
    }
}
