//! Raw k-means on awkward matrices: every outcome is a result or a typed error, never a panic.

use hcp_segments::clustering::kmeans::{fit_kmeans, KMeansParams};
use ndarray::Array2;

fn run(data: Vec<f64>, d: usize, k: u32) -> Result<hcp_segments::clustering::KMeansFit, hcp_segments::SegError> {
    let n = data.len() / d;
    let m = Array2::from_shape_vec((n, d), data).unwrap();
    fit_kmeans(m.view(), &KMeansParams { k, n_runs: 3, max_iterations: 50, ..Default::default() }, &mut |_| {})
}

#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn huge_magnitudes_are_a_typed_error_not_a_panic() {
    // Squared distances overflow to infinity here.
    // Squared distances would overflow to infinity: found by this test as a panic inside
    // linfa's k-means++ (rand's WeightedIndex with non-finite weights).
    let e = run(vec![1e300, -1e300, 1e300, 1e300, -1e300, 1e300, 0.0, 0.0], 2, 2).unwrap_err();
    assert_eq!(e.code(), "INVALID_MATRIX");
    assert!(e.to_string().contains("row 0, column 0"), "{e}");
    // The largest accepted magnitude still clusters.
    let fit = run(vec![1e150, -1e150, 1e150, 1e150, -1e150, 1e150, 0.0, 0.0], 2, 2).unwrap();
    assert_eq!(fit.labels.len(), 4);
}

#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn single_row_single_cluster_and_duplicates() {
    let fit = run(vec![1.0, 2.0], 2, 1).unwrap();
    assert_eq!(fit.labels, vec![0]);
    assert_eq!(fit.inertia, 0.0);
    // Two distinct points among many duplicates: k = 2 works, k = 3 is a typed error.
    let mut v = vec![0.0; 20];
    v.extend([5.0, 5.0]);
    assert_eq!(run(v.clone(), 2, 2).unwrap().sizes.iter().copied().max(), Some(10));
    assert_eq!(run(v, 2, 3).unwrap_err().code(), "TOO_FEW_DISTINCT");
}

#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn k_equal_to_rows_puts_each_row_alone() {
    let fit = run(vec![0.0, 1.0, 2.0, 10.0], 1, 4).unwrap();
    let mut l = fit.labels.clone();
    l.sort();
    l.dedup();
    assert_eq!(l.len(), 4);
    assert!(fit.inertia.abs() < 1e-12);
}

#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn absurd_counts_in_a_csv_still_segment() {
    use hcp_segments::{segment_csv, KChoice, SegmentOptions};
    let csv = "hcp_id,ch_x,ch_y,fmt_news,fmt_cme\na,1e300,0,1,0\nb,0,1e308,0,1\nc,1,1,1,1\nd,5e307,2,3,1e-300\ne,0,0,0,0\n";
    let r = segment_csv(csv, &SegmentOptions { k: KChoice::Fixed(2), cap_quantile: None, ..Default::default() });
    let r = r.unwrap();
    assert_eq!(r.assignments.len(), 5);
    assert!(r.assignments.iter().all(|a| a.distance.is_finite() && a.confidence.is_finite()));
}
