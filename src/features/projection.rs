//! 2-D projection of the feature matrix for the scatter plot: PCA by eigendecomposition of the
//! d × d covariance matrix (linfa-linalg's `eigh`). d is small (tens of features) and the
//! result is deterministic on every platform, unlike a randomised truncated SVD.
//! `tests/projection.rs` checks it against linfa-reduction's `Pca`.

use crate::error::{Result, SegError};
use linfa_linalg::eigh::Eigh;
use ndarray::{Array1, Array2, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

/// The fitted projection: mean and the two leading principal axes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pca2 {
    pub mean: Vec<f64>,
    /// Row-major 2 × d: the two principal axes.
    pub axes: Vec<f64>,
    /// Share of the total variance along each axis.
    pub explained_variance: [f64; 2],
}

/// Rows per block in [`covariance`]: each upper-triangle entry takes the products of this many
/// rows per load and store of its accumulator (the one-row loop was bound by those loads and
/// stores: 0.66 s for 1M × 23 in wasm).
const COV_BLOCK: usize = 4;

/// The d × d sample covariance in one pass over the rows, centring each row on the fly: no
/// centred copy of the matrix (176 MB at 1M × 22) and only the upper triangle summed (d(d+1)/2
/// multiply-adds per row), then mirrored. Rows go in blocks of [`COV_BLOCK`].
fn covariance(data: ArrayView2<f64>, mean: &[f64]) -> Array2<f64> {
    let (n, d) = data.dim();
    let mut cov = vec![0.0; d * d];
    if d > 0 {
        // The block's centred rows, one after another; rows past the end of the data stay 0.
        let mut c = vec![0.0; COV_BLOCK * d];
        let rows = crate::clustering::nearest::row_major(data);
        for block in rows[..n * d].chunks(COV_BLOCK * d) {
            for (row, cr) in block.chunks_exact(d).zip(c.chunks_exact_mut(d)) {
                for ((cj, &x), &m) in cr.iter_mut().zip(row).zip(mean) {
                    *cj = x - m;
                }
            }
            c[block.len()..].iter_mut().for_each(|v| *v = 0.0);
            let (c0, rest) = c.split_at(d);
            let (c1, rest) = rest.split_at(d);
            let (c2, c3) = rest.split_at(d);
            for a in 0..d {
                let (p0, p1, p2, p3) = (c0[a], c1[a], c2[a], c3[a]);
                let acc = &mut cov[a * d + a..(a + 1) * d];
                for ((((s, &q0), &q1), &q2), &q3) in acc.iter_mut().zip(&c0[a..]).zip(&c1[a..]).zip(&c2[a..]).zip(&c3[a..]) {
                    *s += (p0 * q0 + p1 * q1) + (p2 * q2 + p3 * q3);
                }
            }
        }
    }
    let denom = (n.max(2) - 1) as f64;
    for a in 0..d {
        for b in a..d {
            let v = cov[a * d + b] / denom;
            cov[a * d + b] = v;
            cov[b * d + a] = v;
        }
    }
    Array2::from_shape_vec((d, d), cov).unwrap_or_else(|_| Array2::zeros((d, d)))
}

impl Pca2 {
    pub fn fit(data: ArrayView2<f64>) -> Result<Pca2> {
        let (n, d) = data.dim();
        if n == 0 || d == 0 {
            return Err(SegError::EmptyInput { what: "nothing to project".into() });
        }
        let mean = data.mean_axis(Axis(0)).unwrap_or_else(|| Array1::zeros(d));
        let cov = covariance(data, mean.as_slice().unwrap_or(&[]));
        let (values, vectors) = cov
            .eigh()
            .map_err(|e| SegError::Clustering { message: format!("PCA failed: {e}") })?;
        // eigh gives no order: take the two largest eigenvalues.
        let mut order: Vec<usize> = (0..d).collect();
        crate::sort::sort_by(&mut order, |&a, &b| values[b].total_cmp(&values[a]));
        let total: f64 = values.iter().map(|v| v.max(0.0)).sum();
        let mut axes = Vec::with_capacity(2 * d);
        let mut explained = [0.0; 2];
        for slot in 0..2 {
            match order.get(slot) {
                Some(&c) => {
                    let mut axis = vectors.column(c).to_vec();
                    // Fix the sign so the largest component is positive: same picture every run.
                    let big = axis.iter().copied().fold(0.0f64, |m, v| if v.abs() > m.abs() { v } else { m });
                    if big < 0.0 {
                        axis.iter_mut().for_each(|v| *v = -*v);
                    }
                    axes.extend(axis);
                    explained[slot] = if total > 0.0 { values[c].max(0.0) / total } else { 0.0 };
                }
                None => axes.extend(std::iter::repeat(0.0).take(d)), // d == 1: second axis is empty
            }
        }
        Ok(Pca2 { mean: mean.to_vec(), axes, explained_variance: explained })
    }

    /// Project rows onto the two axes: row-major n × 2, as f32 (plotting precision).
    /// Each dot product is summed in two interleaved halves (even and odd features): four
    /// independent chains per row instead of two long ones, which ran at the add's latency.
    pub fn project(&self, data: ArrayView2<f64>) -> Vec<f32> {
        let d = self.mean.len();
        let (w0, w1) = self.axes.split_at(d);
        let mut out = Vec::with_capacity(data.nrows() * 2);
        if d == 0 || data.ncols() != d {
            out.resize(data.nrows() * 2, 0.0);
            return out;
        }
        let rows = crate::clustering::nearest::row_major(data);
        for row in rows.chunks_exact(d).take(data.nrows()) {
            let (mut e0, mut o0, mut e1, mut o1) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
            let pairs = row.chunks_exact(2).zip(self.mean.chunks_exact(2)).zip(w0.chunks_exact(2).zip(w1.chunks_exact(2)));
            for ((x, m), (a0, a1)) in pairs {
                let (ce, co) = (x[0] - m[0], x[1] - m[1]);
                e0 += ce * a0[0];
                o0 += co * a0[1];
                e1 += ce * a1[0];
                o1 += co * a1[1];
            }
            if d % 2 == 1 {
                let c = row[d - 1] - self.mean[d - 1];
                e0 += c * w0[d - 1];
                e1 += c * w1[d - 1];
            }
            out.push((e0 + o0) as f32);
            out.push((e1 + o1) as f32);
        }
        out
    }

    pub fn axes_matrix(&self) -> Array2<f64> {
        Array2::from_shape_vec((2, self.mean.len()), self.axes.clone()).unwrap_or_else(|_| Array2::zeros((2, 0)))
    }
}
