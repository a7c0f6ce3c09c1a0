//! L2-regularised logistic regression on sparse rows, and Platt scaling.
//!
//! Small and exact rather than clever: a few hundred rows and a few thousand features, solved
//! to a tight gradient tolerance with L-BFGS, in `f64`, in a fixed order, so the same data
//! always gives bit-identical weights.

/// A sparse row: `(feature index, value)`, indices ascending and unique.
pub(crate) type Row = Vec<(u32, f32)>;

/// A fitted binary model: `z = w·x + b`, `P(y) = σ(z)`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LogReg {
    pub w: Vec<f64>,
    pub b: f64,
}

impl LogReg {
    /// The decision value `w·x + b`.
    pub fn decision(&self, x: &[(u32, f32)]) -> f64 {
        self.b + dot(&self.w, x)
    }
}

/// Solver settings.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FitOptions {
    /// L2 penalty `λ` on the weights (not on the bias), per example: the objective is
    /// `mean(log-loss) + λ/2 · ‖w‖²`.
    pub lambda: f64,
    /// Stop when the largest gradient component is below this.
    pub tolerance: f64,
    /// Safety bound on L-BFGS iterations (the strongly convex problems here converge in
    /// well under a hundred).
    pub max_iterations: usize,
}

impl FitOptions {
    pub fn with_lambda(lambda: f64) -> Self {
        FitOptions {
            lambda,
            tolerance: 1e-7,
            max_iterations: 1000,
        }
    }
}

fn dot(w: &[f64], x: &[(u32, f32)]) -> f64 {
    x.iter().map(|&(j, v)| w[j as usize] * f64::from(v)).sum()
}

/// `ln(1 + e^z)` without overflow.
pub(crate) fn softplus(z: f64) -> f64 {
    if z > 0.0 {
        z + (-z).exp().ln_1p()
    } else {
        z.exp().ln_1p()
    }
}

/// The logistic function.
pub(crate) fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// Objective and gradient at `theta = [w.., b]`.
fn objective(rows: &[Row], y: &[bool], lambda: f64, theta: &[f64], grad: &mut [f64]) -> f64 {
    let dim = theta.len() - 1;
    let (w, b) = (&theta[..dim], theta[dim]);
    let n = rows.len() as f64;
    grad.iter_mut().for_each(|g| *g = 0.0);
    let mut loss = 0.0;
    for (x, &yi) in rows.iter().zip(y) {
        let z = b + dot(w, x);
        let t = if yi { 1.0 } else { 0.0 };
        loss += softplus(z) - t * z;
        let r = (sigmoid(z) - t) / n;
        for &(j, v) in x {
            grad[j as usize] += r * f64::from(v);
        }
        grad[dim] += r;
    }
    let mut penalty = 0.0;
    for (g, wj) in grad[..dim].iter_mut().zip(w) {
        *g += lambda * wj;
        penalty += wj * wj;
    }
    loss / n + 0.5 * lambda * penalty
}

/// Fits `y ~ rows` over `dim` features.
pub(crate) fn fit(rows: &[Row], y: &[bool], dim: usize, opts: FitOptions) -> LogReg {
    debug_assert_eq!(rows.len(), y.len());
    let theta = lbfgs(
        dim + 1,
        |theta, grad| objective(rows, y, opts.lambda, theta, grad),
        opts.tolerance,
        opts.max_iterations,
    );
    LogReg {
        b: theta[dim],
        w: theta[..dim].to_vec(),
    }
}

/// Minimises a smooth convex function from zero with L-BFGS (memory 10) and a backtracking
/// Armijo line search.
fn lbfgs(
    n: usize,
    mut f: impl FnMut(&[f64], &mut [f64]) -> f64,
    tolerance: f64,
    max_iterations: usize,
) -> Vec<f64> {
    const MEMORY: usize = 10;
    let mut x = vec![0.0; n];
    let mut g = vec![0.0; n];
    let mut fx = f(&x, &mut g);
    let mut s_hist: Vec<Vec<f64>> = Vec::new();
    let mut y_hist: Vec<Vec<f64>> = Vec::new();
    let mut x_new = vec![0.0; n];
    let mut g_new = vec![0.0; n];
    for _ in 0..max_iterations {
        if g.iter().fold(0.0f64, |m, v| m.max(v.abs())) < tolerance {
            break;
        }
        // Two-loop recursion: d = -H·g.
        let mut q = g.clone();
        let mut alphas = Vec::with_capacity(s_hist.len());
        for (s, yv) in s_hist.iter().zip(&y_hist).rev() {
            let rho = 1.0 / dot_dense(yv, s);
            let a = rho * dot_dense(s, &q);
            q.iter_mut().zip(yv).for_each(|(qi, yi)| *qi -= a * yi);
            alphas.push((a, rho));
        }
        let gamma = match (s_hist.last(), y_hist.last()) {
            (Some(s), Some(yv)) => dot_dense(s, yv) / dot_dense(yv, yv),
            // First step: a unit-length move along the gradient.
            _ => 1.0 / dot_dense(&g, &g).sqrt().max(1e-12),
        };
        q.iter_mut().for_each(|qi| *qi *= gamma);
        for ((s, yv), (a, rho)) in s_hist.iter().zip(&y_hist).zip(alphas.into_iter().rev()) {
            let beta = rho * dot_dense(yv, &q);
            q.iter_mut()
                .zip(s)
                .for_each(|(qi, si)| *qi += (a - beta) * si);
        }
        let mut d: Vec<f64> = q.into_iter().map(|v| -v).collect();
        let mut slope = dot_dense(&g, &d);
        if slope >= 0.0 {
            // Not a descent direction (numerical trouble): restart from steepest descent.
            s_hist.clear();
            y_hist.clear();
            d = g.iter().map(|v| -v).collect();
            slope = dot_dense(&g, &d);
        }
        let mut step = 1.0;
        let mut accepted = false;
        for _ in 0..60 {
            x_new
                .iter_mut()
                .zip(&x)
                .zip(&d)
                .for_each(|((xn, xi), di)| *xn = xi + step * di);
            let f_new = f(&x_new, &mut g_new);
            if f_new <= fx + 1e-4 * step * slope {
                let s: Vec<f64> = x_new.iter().zip(&x).map(|(a, b)| a - b).collect();
                let yv: Vec<f64> = g_new.iter().zip(&g).map(|(a, b)| a - b).collect();
                if dot_dense(&s, &yv) > 1e-12 {
                    if s_hist.len() == MEMORY {
                        s_hist.remove(0);
                        y_hist.remove(0);
                    }
                    s_hist.push(s);
                    y_hist.push(yv);
                }
                std::mem::swap(&mut x, &mut x_new);
                std::mem::swap(&mut g, &mut g_new);
                fx = f_new;
                accepted = true;
                break;
            }
            step *= 0.5;
        }
        if !accepted {
            // No decrease is possible at this precision: x is the minimum.
            break;
        }
    }
    x
}

fn dot_dense(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Platt scaling: `P(y | z) = σ(a·z + b)` fitted to out-of-fold decision values, with
/// Platt's smoothed targets (`(N₊+1)/(N₊+2)` and `1/(N₋+2)`) so that a perfectly separated
/// fold does not send `a` to infinity. `a` is kept ≥ 0: a model whose held-out ranking is
/// worse than chance falls back to the base rate instead of being inverted.
pub(crate) fn platt(z: &[f64], y: &[bool]) -> (f64, f64) {
    let pos = y.iter().filter(|&&v| v).count() as f64;
    let neg = y.len() as f64 - pos;
    let (hi, lo) = ((pos + 1.0) / (pos + 2.0), 1.0 / (neg + 2.0));
    let t: Vec<f64> = y.iter().map(|&v| if v { hi } else { lo }).collect();
    let loss = |a: f64, b: f64| -> f64 {
        z.iter()
            .zip(&t)
            .map(|(&zi, &ti)| {
                let s = a * zi + b;
                softplus(s) - ti * s
            })
            .sum()
    };
    let mut a = 1.0;
    let mut b = ((pos + 1.0) / (neg + 1.0)).ln();
    let mut current = loss(a, b);
    // Newton's method on two parameters with a small ridge for stability.
    for _ in 0..100 {
        let (mut ga, mut gb, mut haa, mut hab, mut hbb) = (0.0, 0.0, 1e-9, 0.0, 1e-9);
        for (&zi, &ti) in z.iter().zip(&t) {
            let p = sigmoid(a * zi + b);
            let r = p - ti;
            let w = p * (1.0 - p);
            ga += r * zi;
            gb += r;
            haa += w * zi * zi;
            hab += w * zi;
            hbb += w;
        }
        if ga.abs().max(gb.abs()) < 1e-10 {
            break;
        }
        let det = haa * hbb - hab * hab;
        if det.abs() < 1e-300 {
            break;
        }
        let da = -(hbb * ga - hab * gb) / det;
        let db = -(haa * gb - hab * ga) / det;
        let mut step = 1.0;
        let mut moved = false;
        while step > 1e-10 {
            let (na, nb) = (a + step * da, b + step * db);
            let l = loss(na, nb);
            if l < current - 1e-15 {
                (a, b, current) = (na, nb, l);
                moved = true;
                break;
            }
            step *= 0.5;
        }
        if !moved {
            break;
        }
    }
    if a < 0.0 {
        // The base rate with Platt's smoothing.
        return (0.0, ((pos + 1.0) / (neg + 1.0)).ln());
    }
    (a, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(xs: &[&[(u32, f32)]]) -> Vec<Row> {
        xs.iter().map(|r| r.to_vec()).collect()
    }

    /// The analytic gradient agrees with central finite differences.
    #[test]
    fn gradient_matches_finite_differences() {
        let data = rows(&[
            &[(0, 1.0), (2, 0.5)],
            &[(1, 2.0)],
            &[(0, -1.0), (1, 0.3), (2, 1.5)],
            &[(2, -0.7)],
        ]);
        let y = [true, false, true, false];
        let theta = [0.3, -0.2, 0.8, 0.1];
        let mut grad = vec![0.0; 4];
        objective(&data, &y, 0.05, &theta, &mut grad);
        let mut scratch = vec![0.0; 4];
        for k in 0..4 {
            let h = 1e-6;
            let mut plus = theta;
            let mut minus = theta;
            plus[k] += h;
            minus[k] -= h;
            let numeric = (objective(&data, &y, 0.05, &plus, &mut scratch)
                - objective(&data, &y, 0.05, &minus, &mut scratch))
                / (2.0 * h);
            assert!(
                (numeric - grad[k]).abs() < 1e-7,
                "component {k}: analytic {} numeric {numeric}",
                grad[k]
            );
        }
    }

    /// On a separable set, a weakly regularised fit separates it, and the gradient at the
    /// solution vanishes.
    #[test]
    fn separable_toy_set_is_separated_and_optimal() {
        // Feature 0 marks the positives, feature 1 the negatives, feature 2 is noise.
        let data = rows(&[
            &[(0, 1.0), (2, 0.2)],
            &[(0, 0.8)],
            &[(0, 1.2), (2, -0.4)],
            &[(1, 1.0)],
            &[(1, 0.9), (2, 0.3)],
            &[(1, 1.1), (2, -0.1)],
        ]);
        let y = [true, true, true, false, false, false];
        let model = fit(&data, &y, 3, FitOptions::with_lambda(1e-3));
        for (x, &yi) in data.iter().zip(&y) {
            let p = sigmoid(model.decision(x));
            assert_eq!(p > 0.5, yi, "p={p} for {x:?}");
        }
        assert!(model.w[0] > 1.0 && model.w[1] < -1.0, "{model:?}");
        let mut theta = model.w.clone();
        theta.push(model.b);
        let mut grad = vec![0.0; 4];
        objective(&data, &y, 1e-3, &theta, &mut grad);
        assert!(grad.iter().all(|g| g.abs() < 1e-6), "{grad:?}");
    }

    /// A stronger penalty gives smaller weights, and the same data gives the same weights.
    #[test]
    fn penalty_shrinks_and_fit_is_deterministic() {
        let data = rows(&[&[(0, 1.0)], &[(0, 0.5)], &[(1, 1.0)], &[(0, 0.2), (1, 0.9)]]);
        let y = [true, true, false, false];
        let weak = fit(&data, &y, 2, FitOptions::with_lambda(0.01));
        let strong = fit(&data, &y, 2, FitOptions::with_lambda(1.0));
        assert!(strong.w[0].abs() < weak.w[0].abs());
        assert_eq!(weak, fit(&data, &y, 2, FitOptions::with_lambda(0.01)));
    }

    #[test]
    fn platt_recovers_a_known_slope_and_keeps_it_non_negative() {
        // Outcomes drawn deterministically from σ(2z - 1) on a grid.
        let z: Vec<f64> = (0..400)
            .map(|i| -3.0 + 6.0 * f64::from(i) / 399.0)
            .collect();
        let y: Vec<bool> = z
            .iter()
            .enumerate()
            .map(|(i, &zi)| {
                let p = sigmoid(2.0 * zi - 1.0);
                // A low-discrepancy sequence in place of random numbers.
                let u = (i as f64 * 0.618_033_988_75).fract();
                u < p
            })
            .collect();
        let (a, b) = platt(&z, &y);
        assert!(
            (a - 2.0).abs() < 0.5 && (b + 1.0).abs() < 0.5,
            "a={a} b={b}"
        );
        // Inverted scores: the base rate instead of a negative slope.
        let inverted: Vec<f64> = z.iter().map(|v| -v).collect();
        let (a, b) = platt(&inverted, &y);
        assert_eq!(a, 0.0);
        let pos = y.iter().filter(|&&v| v).count() as f64;
        assert!((sigmoid(b) - (pos + 1.0) / (y.len() as f64 + 2.0)).abs() < 1e-9);
    }

    #[test]
    fn softplus_and_sigmoid_are_stable() {
        assert_eq!(softplus(1000.0), 1000.0);
        assert!(softplus(-1000.0) >= 0.0 && softplus(-1000.0) < 1e-300);
        assert_eq!(sigmoid(-1000.0), 0.0);
        assert_eq!(sigmoid(1000.0), 1.0);
        assert!((sigmoid(0.0) - 0.5).abs() < 1e-15);
    }
}
