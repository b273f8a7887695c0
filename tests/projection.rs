//! Our 2-D PCA against linfa-reduction's Pca (the library oracle): same axes up to sign, same
//! explained variance.

use hcp_segments::features::{BlockWeights, FeaturePipeline, Pca2};
use hcp_segments::ingest::{ingest_csv, IngestOptions};
use linfa::prelude::*;
use linfa::DatasetBase;
use linfa_reduction::Pca;

#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn matches_linfa_reduction_pca_up_to_sign() {
    // 800 rows fill the covariance's 4-row blocks exactly; 803 leave a partial last block.
    for n in [800, 803] {
        matches_linfa_reduction_pca(n);
    }
}

fn matches_linfa_reduction_pca(n: u32) {
    let (profiles, _) = ingest_csv(&hcp_segments::sample::generate_csv(n, 11), &IngestOptions::default()).unwrap();
    let x = FeaturePipeline::fit(&profiles, &BlockWeights::default(), Some(0.99)).unwrap().transform(&profiles).unwrap();
    let ours = Pca2::fit(x.view()).unwrap();
    let oracle = Pca::params(2).fit(&DatasetBase::new(x.clone(), ())).unwrap();
    // linfa-reduction 0.8.1 normalises `explained_variance_ratio` over the kept components only
    // (not the total variance), so compare the split between the two axes.
    let ratio = oracle.explained_variance_ratio();
    let kept = ours.explained_variance[0] + ours.explained_variance[1];
    for a in 0..2 {
        assert!((ours.explained_variance[a] / kept - ratio[a]).abs() < 1e-6, "axis {a}: {} vs {}", ours.explained_variance[a] / kept, ratio[a]);
        let theirs = oracle.components().row(a).to_vec();
        let mine = &ours.axes_matrix().row(a).to_vec();
        let dot: f64 = theirs.iter().zip(mine).map(|(p, q)| p * q).sum();
        assert!((dot.abs() - 1.0).abs() < 1e-5, "axis {a}: |cos| = {}", dot.abs());
    }
    let pts = ours.project(x.view());
    assert_eq!(pts.len(), 2 * x.nrows());
    // Every point against the plain definition, (x − mean) · axis, summed in order in f64.
    let d = x.ncols();
    let axes = ours.axes_matrix();
    for (i, row) in x.outer_iter().enumerate() {
        for a in 0..2 {
            let naive: f64 = (0..d).map(|j| (row[j] - ours.mean[j]) * axes[[a, j]]).sum();
            let got = pts[2 * i + a] as f64;
            assert!((got - naive).abs() <= 1e-6 * naive.abs().max(1.0), "row {i} axis {a}: {got} vs {naive}");
        }
    }
}

#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn odd_and_even_widths_project_like_the_definition() {
    // The projection sums even and odd features apart: check an odd width (last feature alone)
    // and tiny inputs (fewer rows than one covariance block).
    for (n, d) in [(1usize, 1usize), (2, 3), (3, 2), (7, 5), (9, 4)] {
        let x = ndarray::Array2::from_shape_fn((n, d), |(i, j)| ((i * 7 + j * 3) % 11) as f64 - 4.5 + 0.1 * j as f64);
        let pca = Pca2::fit(x.view()).unwrap();
        let pts = pca.project(x.view());
        assert_eq!(pts.len(), 2 * n);
        let axes = pca.axes_matrix();
        for i in 0..n {
            for a in 0..2 {
                let naive: f64 = (0..d).map(|j| (x[[i, j]] - pca.mean[j]) * axes[[a, j]]).sum();
                assert!((pts[2 * i + a] as f64 - naive).abs() <= 1e-6 * naive.abs().max(1.0), "n {n} d {d} row {i} axis {a}");
            }
        }
        // The first axis carries at least as much of the variance as the second.
        assert!(pca.explained_variance[0] >= pca.explained_variance[1]);
    }
}
