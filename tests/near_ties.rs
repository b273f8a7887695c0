//! Near ties: rows almost as close to a second centroid as to their nearest, far from the origin,
//! where the expanded distance ‖x‖² − 2x·c + ‖c‖² (what BLAS-style k-means kernels compute)
//! loses the difference to cancellation and picks the wrong centroid. The engine computes
//! Σ(x − c)² directly; on these fixtures (integers offset by 2²⁶ in every coordinate, so every
//! difference, square and sum is exact in f64) that is the exact answer, and the oracle here
//! computes it in i128. The fixtures are checked to be ones the expanded form gets wrong.
//! Every test also runs under wasm32 (the SIMD kernel).

use hcp_segments::clustering::fast::{lloyd_from, Bounds, Rows};
use hcp_segments::clustering::kmeans::{nearest_centroids, KMeansParams, Spread};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

const OFFSET: i64 = 1 << 26;
const D: usize = 22;

/// `n` rows and `k` centroids: the offset plus small integer deltas, the centroids close
/// together so many rows have two nearly equidistant centroids.
fn fixture(n: usize, k: usize, seed: u64) -> (Vec<i64>, Vec<i64>) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let rows = (0..n * D).map(|_| OFFSET + rng.gen_range(-20..=20)).collect();
    let centroids = (0..k * D).map(|_| OFFSET + rng.gen_range(-1..=1)).collect();
    (rows, centroids)
}

fn as_f64(v: &[i64]) -> Vec<f64> {
    v.iter().map(|&x| x as f64).collect()
}

/// Exact squared distances (i128), nearest with the lowest index on ties.
fn exact_nearest(rows: &[i64], centroids: &[i64], k: usize) -> Vec<(u32, i128)> {
    rows.chunks(D)
        .map(|x| {
            (0..k)
                .map(|c| x.iter().zip(&centroids[c * D..(c + 1) * D]).map(|(&a, &b)| i128::from(a - b).pow(2)).sum::<i128>())
                .enumerate()
                .fold((0u32, i128::MAX), |best, (c, dc)| if dc < best.1 { (c as u32, dc) } else { best })
        })
        .collect()
}

/// The expanded form in f64, as a GEMM-based kernel computes it.
fn expanded_nearest(rows: &[f64], centroids: &[f64], k: usize) -> Vec<u32> {
    let norm = |v: &[f64]| v.iter().map(|a| a * a).sum::<f64>();
    rows.chunks(D)
        .map(|x| {
            (0..k)
                .map(|c| {
                    let cc = &centroids[c * D..(c + 1) * D];
                    norm(x) - 2.0 * x.iter().zip(cc).map(|(a, b)| a * b).sum::<f64>() + norm(cc)
                })
                .enumerate()
                .fold((0u32, f64::INFINITY), |best, (c, dc)| if dc < best.1 { (c as u32, dc) } else { best })
                .0
        })
        .collect()
}

/// Rows whose two nearest centroids are within `gap` of each other (exactly).
fn near_ties(rows: &[i64], centroids: &[i64], k: usize, gap: i128) -> usize {
    rows.chunks(D)
        .filter(|x| {
            let mut d: Vec<i128> = (0..k).map(|c| x.iter().zip(&centroids[c * D..(c + 1) * D]).map(|(&a, &b)| i128::from(a - b).pow(2)).sum()).collect();
            d.sort_unstable();
            d[1] - d[0] <= gap
        })
        .count()
}

/// The nearest-centroid kernel (every pass variant: k ≤ 6 two rows per pass, k = 7, 8 one row,
/// k > 8 row by row) gives the exact nearest centroid and squared distance on rows where the
/// expanded form picks another centroid.
#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn the_kernel_is_exact_where_the_expanded_form_is_not() {
    for (k, seed) in [(2usize, 1u64), (3, 2), (6, 3), (8, 4), (12, 5)] {
        let n = 20_000;
        let (rows, centroids) = fixture(n, k, seed);
        let (x, c) = (as_f64(&rows), as_f64(&centroids));
        let exact = exact_nearest(&rows, &centroids, k);
        let expanded = expanded_nearest(&x, &c, k);
        let wrong = exact.iter().zip(&expanded).filter(|(e, x)| e.0 != **x).count();
        assert!(near_ties(&rows, &centroids, k, 4) >= 50, "k={k}: too few near ties to test anything");
        assert!(wrong >= 20, "k={k}: the expanded form is wrong on only {wrong} rows: not a near-tie fixture");

        let data = ndarray::Array2::from_shape_vec((n, D), x).unwrap();
        let cents = ndarray::Array2::from_shape_vec((k, D), c).unwrap();
        let (labels, dists) = nearest_centroids(data.view(), cents.view());
        for (i, (&(best, d), (&label, &dist))) in exact.iter().zip(labels.iter().zip(&dists)).enumerate() {
            assert_eq!((label, dist), (best, d as f64), "k={k} row {i}: the kernel's nearest centroid");
        }
        println!("k={k}: {wrong} of {n} rows the expanded form gets wrong; the kernel gets all right");
    }
}

/// Lloyd on near-tie data: Hamerly's bounds skip rows only when no centroid can have come
/// closer; skipping on a rounded bound would move a near-tie row differently from a full scan.
#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn hamerly_bounds_agree_with_a_full_scan_on_near_ties() {
    for (k, seed) in [(3usize, 7u64), (6, 8), (8, 9)] {
        let n = 3000;
        let (rows, centroids) = fixture(n, k, seed);
        let x = as_f64(&rows);
        let data = Rows { data: &x, n, d: D };
        let spread = Spread::of(ndarray::ArrayView2::from_shape((n, D), &x).unwrap());
        let params = KMeansParams { k: k as u32, ..Default::default() };
        let a = lloyd_from(data, as_f64(&centroids), &params, spread, Bounds::Hamerly);
        let b = lloyd_from(data, as_f64(&centroids), &params, spread, Bounds::FullScan);
        assert!(a.2 > 1, "k={k}: only {} iterations", a.2);
        let bits = |v: &[f64]| v.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&a.0), bits(&b.0), "k={k}: centroids");
        assert_eq!((a.1.to_bits(), a.2, a.3), (b.1.to_bits(), b.2, b.3), "k={k}: inertia, iterations, converged");
    }
}
