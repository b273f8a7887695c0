//! The parameters of a k-means fit and their checks, before any work: each rejection is a typed
//! error naming the option (`INVALID_OPTION`), the limit it exceeds (`TOO_LARGE`; the limits are
//! in `crate::limits`) or what the data lacks.

use crate::error::{Result, SegError};
use crate::limits::{MAX_ITERATIONS, MAX_K, MAX_RUNS};
use ndarray::ArrayView2;
use serde::{Deserialize, Serialize};

/// Which implementation runs the fit. Both return scikit-learn's definitions (see `KMeansFit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    /// Greedy k-means++ + Hamerly-accelerated Lloyd (`fast.rs`).
    #[default]
    Fast,
    /// linfa-clustering's KMeans (k-means++ + m_k-means updates), the reference.
    Linfa,
}

impl Engine {
    /// `ENGINE_MISSING` when this build does not carry the engine (`linfa-engine` feature).
    pub fn check_available(self) -> Result<()> {
        if self == Engine::Linfa && !cfg!(feature = "linfa-engine") {
            return Err(SegError::EngineMissing { engine: "linfa".into() });
        }
        Ok(())
    }
}

/// Parameters of one k-means fit. Mirrors linfa's builder, with JS-safe integer types.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct KMeansParams {
    pub k: u32,
    /// k-means++ restarts; the one with the lowest final inertia wins.
    pub n_runs: u32,
    pub max_iterations: u32,
    /// Stop when the centroids' squared shift (summed over all of them) is at most this ×
    /// the data's mean column variance: scikit-learn's rule, the same for data of any scale
    /// (see [`Spread`]).
    pub tolerance: f64,
    pub seed: u32,
    pub engine: Engine,
}

impl Default for KMeansParams {
    fn default() -> Self {
        KMeansParams { k: 6, n_runs: 10, max_iterations: 300, tolerance: 1e-4, seed: 42, engine: Engine::Fast }
    }
}

/// The spread of a matrix: the mean of its columns' (population) variances, the scale
/// scikit-learn gives `tol`. Measured once per matrix (a pass over every value) and handed to
/// every fit on it; summed in row order, so every platform gets the same bits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread(pub f64);

impl Spread {
    pub fn of(data: ArrayView2<f64>) -> Spread {
        Spread(mean_column_variance(data))
    }

    /// The L2 norm of the centroid shift (all centroids together) at or under which a fit
    /// stops: √(`tolerance` × spread), scikit-learn's rule. Both engines stop on it.
    pub fn stop_shift(self, tolerance: f64) -> f64 {
        (tolerance * self.0).sqrt()
    }
}

/// One pass over the data (it can be a million rows): each column's sum and sum of squares
/// taken about the first row's value, so the subtraction that follows does not cancel what
/// matters (the shifted-data algorithm).
fn mean_column_variance(data: ArrayView2<f64>) -> f64 {
    let (n, d) = data.dim();
    if n == 0 || d == 0 {
        return 0.0;
    }
    let shift = data.row(0).to_vec();
    let (mut sum, mut squares) = (vec![0.0; d], vec![0.0; d]);
    for row in data.outer_iter() {
        for (j, v) in row.iter().enumerate() {
            let dv = v - shift[j];
            sum[j] += dv;
            squares[j] += dv * dv;
        }
    }
    let total: f64 = sum.iter().zip(&squares).map(|(s, q)| (q - s * s / n as f64).max(0.0)).sum();
    total / (n * d) as f64
}

/// The `TOO_LARGE` error for a k over [`MAX_K`] (`what`: the option that asked for it).
pub fn k_too_large(what: &str, found: u32) -> SegError {
    SegError::TooLarge {
        what: what.into(),
        found: found as u64,
        limit: MAX_K as u64,
        detail: "personas are usable up to about 8; use micro-segments (segment × specialty × region) for finer cells".into(),
    }
}

/// The `TOO_LARGE` error for a count over a limit that only bounds the work.
fn too_much_work(what: &str, found: u32, limit: u32) -> SegError {
    SegError::TooLarge { what: what.into(), found: found as u64, limit: limit as u64, detail: "the run would take hours; lower it".into() }
}

impl KMeansParams {
    /// Check the parameters on their own and against the data they will run on.
    pub fn check(&self, n_rows: usize) -> Result<()> {
        self.engine.check_available()?;
        if self.k == 0 {
            return Err(SegError::option("k", "must be at least 1, got 0"));
        }
        if self.k > MAX_K {
            return Err(k_too_large("k (segments)", self.k));
        }
        if self.n_runs == 0 {
            return Err(SegError::option("nRuns", "must be at least 1, got 0"));
        }
        if self.n_runs > MAX_RUNS {
            return Err(too_much_work("nRuns (restarts)", self.n_runs, MAX_RUNS));
        }
        if self.max_iterations == 0 {
            return Err(SegError::option("maxIterations", "must be at least 1, got 0"));
        }
        if self.max_iterations > MAX_ITERATIONS {
            return Err(too_much_work("maxIterations", self.max_iterations, MAX_ITERATIONS));
        }
        if !(self.tolerance.is_finite() && self.tolerance > 0.0) {
            return Err(SegError::option("tolerance", format!("must be a positive number, got {}", self.tolerance)));
        }
        if self.k as usize > n_rows {
            return Err(SegError::TooFewRows { k: self.k, rows: n_rows as u32 });
        }
        Ok(())
    }
}

/// Largest magnitude accepted in a k-means matrix. Beyond about 1e154 squared distances
/// overflow to infinity, and linfa's k-means++ then panics inside rand (non-finite weights).
pub const MAX_ABS_VALUE: f64 = 1e150;

/// Reject empty, ragged, non-finite or overflow-prone matrices with the row and column at fault.
pub fn check_matrix(data: ArrayView2<f64>) -> Result<()> {
    if data.nrows() == 0 {
        return Err(SegError::EmptyInput { what: "the data matrix has no rows".into() });
    }
    if data.ncols() == 0 {
        return Err(SegError::InvalidMatrix { message: "the data matrix has no columns".into() });
    }
    for (i, row) in data.outer_iter().enumerate() {
        if let Some(j) = row.iter().position(|v| !v.is_finite()) {
            return Err(SegError::InvalidMatrix {
                message: format!("row {i}, column {j}: {} is not a finite number", row[j]),
            });
        }
        if let Some(j) = row.iter().position(|v| v.abs() > MAX_ABS_VALUE) {
            return Err(SegError::InvalidMatrix {
                message: format!("row {i}, column {j}: {:e} is too large (|value| must be ≤ 1e150; rescale the data)", row[j]),
            });
        }
    }
    Ok(())
}

/// Number of distinct rows, stopping early once `enough` is reached (k-means needs k of them).
pub fn count_distinct_rows(data: ArrayView2<f64>, enough: usize) -> usize {
    let mut seen = std::collections::HashSet::new();
    for row in data.outer_iter() {
        // +0.0 and -0.0 are the same point: normalise before hashing the bits.
        let key: Vec<u64> = row.iter().map(|v| (v + 0.0).to_bits()).collect();
        seen.insert(key);
        if seen.len() >= enough {
            break;
        }
    }
    seen.len()
}

/// The checks a fit makes before it runs: the matrix, the parameters against it, and at least
/// k distinct rows.
pub fn check_fit(data: ArrayView2<f64>, params: &KMeansParams) -> Result<()> {
    check_matrix(data)?;
    params.check(data.nrows())?;
    let distinct = count_distinct_rows(data, params.k as usize);
    if distinct < params.k as usize {
        return Err(SegError::TooFewDistinct { k: params.k, distinct: distinct as u32 });
    }
    Ok(())
}

/// One test per rejection, each against the code and the place it names.
#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{array, Array2};

    fn ok() -> KMeansParams {
        KMeansParams { k: 2, ..Default::default() }
    }

    fn code(p: KMeansParams) -> &'static str {
        p.check(10).unwrap_err().code()
    }

    #[test]
    fn accepts_the_defaults_and_the_limits() {
        assert!(ok().check(10).is_ok());
        let at_limits = KMeansParams { k: MAX_K, n_runs: MAX_RUNS, max_iterations: MAX_ITERATIONS, ..ok() };
        assert!(at_limits.check(MAX_K as usize).is_ok());
    }

    #[test]
    fn rejects_k_zero() {
        assert_eq!(code(KMeansParams { k: 0, ..ok() }), "INVALID_OPTION");
    }

    #[test]
    fn rejects_k_over_the_limit() {
        let e = KMeansParams { k: MAX_K + 1, ..ok() }.check(1000).unwrap_err();
        assert_eq!(e.code(), "TOO_LARGE");
        assert!(e.to_string().starts_with("k (segments): 65 exceeds the limit of 64"), "{e}");
    }

    #[test]
    fn rejects_no_restarts() {
        assert_eq!(code(KMeansParams { n_runs: 0, ..ok() }), "INVALID_OPTION");
    }

    #[test]
    fn rejects_restarts_over_the_limit() {
        assert_eq!(code(KMeansParams { n_runs: MAX_RUNS + 1, ..ok() }), "TOO_LARGE");
    }

    #[test]
    fn rejects_no_iterations() {
        assert_eq!(code(KMeansParams { max_iterations: 0, ..ok() }), "INVALID_OPTION");
    }

    #[test]
    fn rejects_iterations_over_the_limit() {
        assert_eq!(code(KMeansParams { max_iterations: MAX_ITERATIONS + 1, ..ok() }), "TOO_LARGE");
    }

    #[test]
    fn rejects_a_tolerance_that_is_not_positive_and_finite() {
        for tolerance in [0.0, -1e-4, f64::NAN, f64::INFINITY] {
            assert_eq!(code(KMeansParams { tolerance, ..ok() }), "INVALID_OPTION", "{tolerance}");
        }
    }

    #[test]
    fn rejects_more_clusters_than_rows() {
        assert_eq!(KMeansParams { k: 3, ..ok() }.check(2).unwrap_err(), SegError::TooFewRows { k: 3, rows: 2 });
    }

    #[test]
    fn rejects_an_empty_matrix() {
        assert_eq!(check_matrix(Array2::<f64>::zeros((0, 3)).view()).unwrap_err().code(), "EMPTY_INPUT");
        assert_eq!(check_matrix(Array2::<f64>::zeros((3, 0)).view()).unwrap_err().code(), "INVALID_MATRIX");
    }

    #[test]
    fn rejects_a_non_finite_value_where_it_is() {
        let e = check_matrix(array![[0.0, 1.0], [2.0, f64::INFINITY]].view()).unwrap_err();
        assert_eq!(e.code(), "INVALID_MATRIX");
        assert!(e.to_string().contains("row 1, column 1"), "{e}");
    }

    #[test]
    fn rejects_a_value_too_large_to_square() {
        let e = check_matrix(array![[0.0, -1e151]].view()).unwrap_err();
        assert!(e.to_string().contains("row 0, column 1") && e.to_string().contains("rescale"), "{e}");
        assert!(check_matrix(array![[0.0, MAX_ABS_VALUE]].view()).is_ok());
    }

    /// √(tolerance × the mean of the columns' population variances), against ndarray's
    /// `var_axis`; constant data stops at a zero shift.
    #[test]
    fn stop_shift_is_the_tolerance_on_the_datas_spread() {
        let x = Array2::from_shape_fn((500, 7), |(i, j)| ((i * 31 + j * 17) % 97) as f64 * (j + 1) as f64 - 40.0);
        let want = (1e-4 * x.var_axis(ndarray::Axis(0), 0.0).mean().unwrap()).sqrt();
        let got = Spread::of(x.view()).stop_shift(1e-4);
        assert!((got - want).abs() <= 1e-12 * want, "{got} vs {want}");
        assert_eq!(Spread::of(Array2::from_elem((20, 3), 5.0).view()).stop_shift(1e-4), 0.0);
    }

    #[test]
    fn rejects_fewer_distinct_rows_than_clusters() {
        // +0.0 and -0.0 are one point.
        let data = array![[0.0, 1.0], [-0.0, 1.0], [0.0, 1.0]];
        assert_eq!(check_fit(data.view(), &ok()).unwrap_err(), SegError::TooFewDistinct { k: 2, distinct: 1 });
    }
}
