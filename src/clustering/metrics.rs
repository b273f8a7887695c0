//! Internal quality metrics of a clustering, as scikit-learn defines them
//! (`silhouette_score`, `calinski_harabasz_score`, `davies_bouldin_score`).
//! Oracle values from scikit-learn are checked in `tests/clustering_oracle.rs`.

use ndarray::{Array2, ArrayView2};
use rand::seq::index::sample;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

use super::nearest::sq_dist;

/// Silhouette of a (possibly sampled) clustering.
#[derive(Debug, Clone, PartialEq)]
pub struct Silhouette {
    /// Mean silhouette over the rows it was computed on.
    pub mean: f64,
    /// Mean silhouette per cluster (None for clusters with no sampled member).
    pub per_cluster: Vec<Option<f64>>,
    /// Rows it was computed on.
    pub sample_size: usize,
}

/// Rows to compute the silhouette on: all of them up to `max_rows`, else a seeded sample
/// without replacement (sorted, so the result does not depend on sampling order).
pub fn silhouette_rows(n: usize, max_rows: usize, seed: u32) -> Vec<usize> {
    if n <= max_rows {
        return (0..n).collect();
    }
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(0x5111_0000_0000 ^ seed as u64);
    let mut rows = sample(&mut rng, n, max_rows).into_vec();
    rows.sort_unstable();
    rows
}

/// Silhouette on the given rows, as scikit-learn's `silhouette_score(X[rows], labels[rows])`:
/// both the points and their neighbours come from the sample. O(rows² · d).
/// A point alone in its cluster scores 0; with fewer than 2 clusters the mean is 0.
/// For several labelings of the same rows (the k sweep), build [`SampleDistances`] once.
pub fn silhouette(data: ArrayView2<f64>, labels: &[u32], k: usize, rows: &[usize]) -> Silhouette {
    let row_slices: Vec<&[f64]> = rows.iter().map(|&r| data.row(r).to_slice().unwrap_or(&[])).collect();
    let owned;
    let row_slices = if row_slices.iter().all(|r| r.len() == data.ncols()) {
        row_slices
    } else {
        // Non-contiguous view: copy once.
        owned = rows.iter().map(|&r| data.row(r).to_vec()).collect::<Vec<_>>();
        owned.iter().map(|r| r.as_slice()).collect()
    };
    let sample_labels: Vec<u32> = rows.iter().map(|&r| labels[r]).collect();
    let s = rows.len();
    score(&sample_labels, k, |i, out: &mut Vec<f64>| {
        out.clear();
        out.resize(k, 0.0);
        for j in 0..s {
            if i != j {
                out[sample_labels[j] as usize] += sq_dist(row_slices[i], row_slices[j]).sqrt();
            }
        }
    })
}

/// Pairwise distances between the rows of a silhouette sample, computed once and reused for
/// every labeling of those rows (each k of the sweep): O(rows² · d) once, then O(rows²) per k.
/// Packed upper triangle of f64 (rows = 3000: 36 MB), so the silhouettes are bit-identical to
/// [`silhouette`]'s.
pub struct SampleDistances {
    pub rows: Vec<usize>,
    upper: Vec<f64>,
}

impl SampleDistances {
    pub fn new(data: ArrayView2<f64>, rows: Vec<usize>) -> Self {
        let s = rows.len();
        let copy: Vec<Vec<f64>> = rows.iter().map(|&r| data.row(r).to_vec()).collect();
        let mut upper = Vec::with_capacity(s * s.saturating_sub(1) / 2);
        for i in 0..s {
            for j in i + 1..s {
                upper.push(sq_dist(&copy[i], &copy[j]).sqrt());
            }
        }
        SampleDistances { rows, upper }
    }

    /// The silhouette of `labels` (labels of every row of the data, as for [`silhouette`]).
    pub fn silhouette(&self, labels: &[u32], k: usize) -> Silhouette {
        let s = self.rows.len();
        let sample_labels: Vec<u32> = self.rows.iter().map(|&r| labels[r]).collect();
        // Per point and cluster, the sum of distances to that cluster's points. Pairs are
        // visited as (i, j > i) in row-major order, so each point receives its terms in
        // ascending order of the other point: the order `silhouette` adds them in.
        let mut sums = vec![0.0; s * k];
        let mut at = 0;
        for i in 0..s {
            let li = sample_labels[i] as usize;
            for j in i + 1..s {
                let dist = self.upper[at];
                at += 1;
                sums[i * k + sample_labels[j] as usize] += dist;
                sums[j * k + li] += dist;
            }
        }
        score(&sample_labels, k, |i, out: &mut Vec<f64>| {
            out.clear();
            out.extend_from_slice(&sums[i * k..(i + 1) * k]);
        })
    }
}

/// Silhouette scores from per-point sums of distances to each cluster (`fill(i, out)`).
fn score(sample_labels: &[u32], k: usize, mut fill: impl FnMut(usize, &mut Vec<f64>)) -> Silhouette {
    let s = sample_labels.len();
    let mut counts = vec![0usize; k];
    for &l in sample_labels {
        counts[l as usize] += 1;
    }
    let mut per_cluster_sum = vec![0.0; k];
    let mut total = 0.0;
    let mut sums = Vec::with_capacity(k);
    for i in 0..s {
        fill(i, &mut sums);
        let own = sample_labels[i] as usize;
        let score = if counts[own] <= 1 {
            0.0
        } else {
            let a = sums[own] / (counts[own] - 1) as f64;
            let b = (0..k)
                .filter(|&c| c != own && counts[c] > 0)
                .map(|c| sums[c] / counts[c] as f64)
                .fold(f64::INFINITY, f64::min);
            if b.is_finite() {
                let m = a.max(b);
                if m > 0.0 { (b - a) / m } else { 0.0 }
            } else {
                0.0
            }
        };
        per_cluster_sum[own] += score;
        total += score;
    }
    Silhouette {
        mean: if s > 0 { total / s as f64 } else { 0.0 },
        per_cluster: (0..k)
            .map(|c| if counts[c] > 0 { Some(per_cluster_sum[c] / counts[c] as f64) } else { None })
            .collect(),
        sample_size: s,
    }
}

fn cluster_means(data: ArrayView2<f64>, labels: &[u32], k: usize) -> (Array2<f64>, Vec<usize>) {
    let mut means = Array2::zeros((k, data.ncols()));
    let mut counts = vec![0usize; k];
    for (row, &l) in data.outer_iter().zip(labels) {
        let mut m = means.row_mut(l as usize);
        m += &row;
        counts[l as usize] += 1;
    }
    for (mut m, &c) in means.outer_iter_mut().zip(&counts) {
        if c > 0 {
            m /= c as f64;
        }
    }
    (means, counts)
}

/// Calinski-Harabasz: between-cluster over within-cluster dispersion, scaled by degrees of
/// freedom. Higher is better. 1.0 when within-dispersion is 0 (as scikit-learn).
pub fn calinski_harabasz(data: ArrayView2<f64>, labels: &[u32], k: usize) -> f64 {
    let n = data.nrows();
    let (means, counts) = cluster_means(data, labels, k);
    let used = counts.iter().filter(|&&c| c > 0).count();
    if used < 2 || n <= used {
        return 0.0;
    }
    let overall = data.mean_axis(ndarray::Axis(0)).unwrap_or_else(|| ndarray::Array1::zeros(data.ncols()));
    let overall = overall.as_slice().unwrap_or(&[]).to_vec();
    let mut extra = 0.0;
    let mut intra = 0.0;
    for c in 0..k {
        if counts[c] > 0 {
            let m = means.row(c).to_vec();
            extra += counts[c] as f64 * sq_dist(&m, &overall);
        }
    }
    for (row, &l) in data.outer_iter().zip(labels) {
        let m = means.row(l as usize);
        intra += row.iter().zip(m.iter()).map(|(x, y)| (x - y) * (x - y)).sum::<f64>();
    }
    if intra == 0.0 {
        1.0
    } else {
        extra * (n - used) as f64 / (intra * (used - 1) as f64)
    }
}

/// Davies-Bouldin: mean over clusters of the worst (s_i + s_j) / d(c_i, c_j). Lower is better.
pub fn davies_bouldin(data: ArrayView2<f64>, labels: &[u32], k: usize) -> f64 {
    let (means, counts) = cluster_means(data, labels, k);
    let mut spread = vec![0.0; k];
    for (row, &l) in data.outer_iter().zip(labels) {
        let m = means.row(l as usize);
        spread[l as usize] += row.iter().zip(m.iter()).map(|(x, y)| (x - y) * (x - y)).sum::<f64>().sqrt();
    }
    let used: Vec<usize> = (0..k).filter(|&c| counts[c] > 0).collect();
    for &c in &used {
        spread[c] /= counts[c] as f64;
    }
    if used.len() < 2 {
        return 0.0;
    }
    let mut total = 0.0;
    for &i in &used {
        let mut worst: f64 = 0.0;
        for &j in &used {
            if i != j {
                let d = sq_dist(&means.row(i).to_vec(), &means.row(j).to_vec()).sqrt();
                let r = if d > 0.0 { (spread[i] + spread[j]) / d } else { f64::INFINITY };
                worst = worst.max(r);
            }
        }
        total += worst;
    }
    total / used.len() as f64
}

/// Adjusted Rand index between two labelings (Hubert & Arabie), for tests and reports.
pub fn adjusted_rand_index(a: &[u32], b: &[u32]) -> f64 {
    use std::collections::HashMap;
    let n = a.len() as f64;
    let mut table: HashMap<(u32, u32), f64> = HashMap::new();
    let mut ra: HashMap<u32, f64> = HashMap::new();
    let mut rb: HashMap<u32, f64> = HashMap::new();
    for (&x, &y) in a.iter().zip(b) {
        *table.entry((x, y)).or_default() += 1.0;
        *ra.entry(x).or_default() += 1.0;
        *rb.entry(y).or_default() += 1.0;
    }
    let c2 = |v: f64| v * (v - 1.0) / 2.0;
    let index: f64 = table.values().map(|&v| c2(v)).sum();
    let sa: f64 = ra.values().map(|&v| c2(v)).sum();
    let sb: f64 = rb.values().map(|&v| c2(v)).sum();
    let expected = sa * sb / c2(n);
    let max = (sa + sb) / 2.0;
    if max == expected {
        1.0
    } else {
        (index - expected) / (max - expected)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{array, Array2};

    #[test]
    fn ari_of_identical_and_permuted_labelings_is_one() {
        assert_eq!(adjusted_rand_index(&[0, 0, 1, 1, 2], &[2, 2, 0, 0, 1]), 1.0);
        assert!(adjusted_rand_index(&[0, 0, 1, 1], &[0, 1, 0, 1]) < 0.0);
    }

    #[test]
    fn silhouette_of_two_tight_blobs_is_near_one() {
        let d = array![[0.0, 0.0], [0.0, 0.1], [10.0, 10.0], [10.0, 10.1]];
        let s = silhouette(d.view(), &[0, 0, 1, 1], 2, &[0, 1, 2, 3]);
        assert!(s.mean > 0.99, "{s:?}");
    }

    #[test]
    fn precomputed_distances_give_the_same_bits() {
        let d = Array2::from_shape_fn((60, 3), |(i, j)| ((i * 37 + j * 11) % 17) as f64 * 0.3 + (i % 3) as f64 * 4.0);
        let rows: Vec<usize> = (0..60).step_by(2).collect();
        let pre = SampleDistances::new(d.view(), rows.clone());
        for k in 2..5 {
            let labels: Vec<u32> = (0..60).map(|i| ((i * 7) % k) as u32).collect();
            assert_eq!(pre.silhouette(&labels, k), silhouette(d.view(), &labels, k, &rows), "k={k}");
        }
        // A sample like the result's: 23 features of irrational-looking values, every bit compared.
        let d = Array2::from_shape_fn((700, 23), |(i, j)| ((i * 23 + j) as f64 * 0.618_033_988_7).fract() * (1.0 + j as f64 / 7.0) + (i % 5) as f64);
        let rows = silhouette_rows(700, 400, 9);
        let pre = SampleDistances::new(d.view(), rows.clone());
        for k in [2, 5, 6] {
            let labels: Vec<u32> = (0..700).map(|i| ((i * 31 + i / 9) % k) as u32).collect();
            let (a, b) = (pre.silhouette(&labels, k), silhouette(d.view(), &labels, k, &rows));
            assert_eq!(a.mean.to_bits(), b.mean.to_bits(), "k={k}");
            let bits = |p: &[Option<f64>]| p.iter().map(|v| v.map(f64::to_bits)).collect::<Vec<_>>();
            assert_eq!(bits(&a.per_cluster), bits(&b.per_cluster), "k={k}");
            assert_eq!(a.sample_size, b.sample_size);
        }
    }

    #[test]
    fn sample_is_seeded_and_bounded() {
        let a = silhouette_rows(10_000, 100, 3);
        assert_eq!(a.len(), 100);
        assert_eq!(a, silhouette_rows(10_000, 100, 3));
        assert_ne!(a, silhouette_rows(10_000, 100, 4));
        assert_eq!(silhouette_rows(5, 100, 3), vec![0, 1, 2, 3, 4]);
    }
}
