//! The fast k-means engine against the reference (linfa's KMeans, our `Engine::Linfa`) and
//! against planted ground truth. Every test also runs under wasm32 (wasm-bindgen-test).

use hcp_segments::clustering::fast::{lloyd_from, Bounds, Rows};
use hcp_segments::clustering::kmeans::{fit_kmeans, nearest_centroids, Engine, KMeansFit, KMeansParams, Spread};
use hcp_segments::clustering::metrics::adjusted_rand_index;
use hcp_segments::features::{BlockWeights, FeaturePipeline};
use hcp_segments::ingest::{ingest_csv, IngestOptions};
use hcp_segments::{sample, segment_csv, KChoice, SegmentOptions};
use ndarray::Array2;

fn iris() -> Array2<f64> {
    let text = include_str!("data/iris.csv");
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<Vec<f64>> = rdr.records().map(|r| r.unwrap().iter().map(|v| v.parse().unwrap()).collect()).collect();
    Array2::from_shape_vec((rows.len(), 4), rows.concat()).unwrap()
}

/// The encoded feature matrix of a sample universe (what `segment` clusters).
fn universe(n: u32, seed: u32) -> (Array2<f64>, Vec<u32>) {
    let u = sample::generate(n, seed);
    let (profiles, _) = ingest_csv(&u.csv, &IngestOptions::default()).unwrap();
    let pipeline = FeaturePipeline::fit(&profiles, &BlockWeights::default(), Some(0.99)).unwrap();
    (pipeline.transform(&profiles).unwrap(), u.truth)
}

fn fit(x: &Array2<f64>, k: u32, seed: u32, engine: Engine) -> KMeansFit {
    fit_kmeans(x.view(), &KMeansParams { k, n_runs: 10, seed, engine, ..Default::default() }, &mut |_| {}).unwrap()
}

/// Best of 10 restarts: the fast engine reaches the same or lower inertia than linfa's KMeans
/// on the same seeds (within 0.1 %), on Iris and on the HCP feature matrix, for several k.
#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn fast_inertia_is_no_worse_than_linfa_on_fixed_seeds() {
    let (hcp, _) = universe(3000, 11);
    for (name, x) in [("iris", iris()), ("hcp", hcp)] {
        for k in [2u32, 3, 4, 6, 8] {
            for seed in [0u32, 1, 2, 3] {
                let fast = fit(&x, k, seed, Engine::Fast);
                let linfa = fit(&x, k, seed, Engine::Linfa);
                assert!(
                    fast.inertia <= linfa.inertia * 1.001,
                    "{name} k={k} seed={seed}: fast {} > linfa {}",
                    fast.inertia,
                    linfa.inertia
                );
            }
        }
    }
}

/// The fast engine's result is what it claims: labels are the nearest final centroid (lowest
/// index on ties), inertia is their squared distances summed, sizes count the labels, and
/// each centroid is the mean of its rows (the fixed point Lloyd stops at).
#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn fast_fit_is_self_consistent() {
    let (x, _) = universe(2000, 3);
    for k in [3u32, 6] {
        let f = fit(&x, k, 5, Engine::Fast);
        let (labels, d) = nearest_centroids(x.view(), f.centroids.view());
        assert_eq!(f.labels, labels);
        assert_eq!(f.inertia.to_bits(), d.iter().sum::<f64>().to_bits());
        assert_eq!(f.sizes.iter().sum::<u32>(), 2000);
        assert!(f.converged, "k={k} ran {} iterations", f.iterations);
        for c in 0..k as usize {
            let members: Vec<usize> = (0..2000).filter(|&i| f.labels[i] as usize == c).collect();
            assert_eq!(members.len() as u32, f.sizes[c]);
            for j in 0..x.ncols() {
                let mean = members.iter().map(|&i| x[[i, j]]).sum::<f64>() / members.len() as f64;
                assert!((mean - f.centroids[[c, j]]).abs() < 1e-6, "k={k} c={c} j={j}");
            }
        }
    }
}

/// Hamerly's bounds only skip work: from the same start, bounded and plain Lloyd give the same
/// centroids to the last bit, the same iteration count and the same inertia.
#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn hamerly_bounds_change_nothing_but_the_work() {
    let (x, _) = universe(2000, 8);
    let rows = Rows { data: x.as_slice().unwrap(), n: x.nrows(), d: x.ncols() };
    for (k, start) in [(4usize, 0usize), (6, 17), (8, 123)] {
        // A poor start (consecutive rows), so the run takes many iterations.
        let init: Vec<f64> = (0..k).flat_map(|c| x.row(start + c).to_vec()).collect();
        let params = KMeansParams { k: k as u32, ..Default::default() };
        let a = lloyd_from(rows, init.clone(), &params, Spread::of(x.view()), Bounds::Hamerly);
        let b = lloyd_from(rows, init, &params, Spread::of(x.view()), Bounds::FullScan);
        assert!(a.2 > 2, "k={k}: only {} iterations", a.2);
        assert_eq!(
            a.0.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
            b.0.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
            "k={k}"
        );
        assert_eq!((a.1.to_bits(), a.2, a.3), (b.1.to_bits(), b.2, b.3), "k={k}");
    }
}

/// The stopping rule is relative to the data's spread (scikit-learn's `tol`), so a fit does not
/// depend on the data's units: the matrix scaled by 2¹⁰ or 2⁻¹⁰ (exact in floating point) runs
/// the same iterations to the same labels, its centroids and inertia scaled exactly. (An
/// absolute threshold stops a different number of iterations on each scale.)
#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn the_stop_does_not_depend_on_the_datas_units() {
    let (x, _) = universe(3000, 5);
    let rows = Rows { data: x.as_slice().unwrap(), n: x.nrows(), d: x.ncols() };
    for engine in [Engine::Fast, Engine::Linfa] {
        let base = fit(&x, 6, 3, engine);
        let (start, params) = (x.slice(ndarray::s![..6, ..]).iter().copied().collect::<Vec<_>>(), KMeansParams { k: 6, ..Default::default() });
        let from_start = lloyd_from(rows, start.clone(), &params, Spread::of(x.view()), Bounds::Hamerly);
        for scale in [1024.0, 1.0 / 1024.0] {
            let scaled = &x * scale;
            let f = fit(&scaled, 6, 3, engine);
            assert_eq!(f.iterations, base.iterations, "{engine:?} × {scale}");
            assert!(f.labels == base.labels, "{engine:?} × {scale}: other labels");
            assert_eq!(f.centroids, &base.centroids * scale, "{engine:?} × {scale}");
            assert_eq!(f.inertia, base.inertia * scale * scale, "{engine:?} × {scale}");
            let srows = Rows { data: scaled.as_slice().unwrap(), n: x.nrows(), d: x.ncols() };
            let s = lloyd_from(srows, start.iter().map(|v| v * scale).collect(), &params, Spread::of(scaled.view()), Bounds::Hamerly);
            assert_eq!(s.2, from_start.2, "Lloyd from a start × {scale}");
        }
        assert!(base.converged && base.iterations > 1, "{engine:?}: {} iterations", base.iterations);
    }
}

/// Planted personas: the fast engine recovers them as well as the linfa engine does.
#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn planted_personas_ari_is_unchanged() {
    for (n, seed) in [(5000, 42), (3000, 7)] {
        let u = sample::generate(n, seed);
        let ari = |engine| {
            let r =
                segment_csv(&u.csv, &SegmentOptions { k: KChoice::Fixed(6), engine, ..Default::default() }).unwrap();
            adjusted_rand_index(&r.assignments.iter().map(|a| a.segment).collect::<Vec<_>>(), &u.truth)
        };
        let (fast, linfa) = (ari(Engine::Fast), ari(Engine::Linfa));
        assert!(fast >= 0.9, "n={n}: fast ARI {fast}");
        assert!(fast >= linfa - 1e-3, "n={n}: fast ARI {fast} < linfa ARI {linfa}");
    }
}

/// Same seed, same bits; and the same bits natively and in wasm: the pinned fingerprint was
/// computed natively (x86_64) and is checked again under wasm32 by the same test.
#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn same_seed_same_fit_on_every_platform() {
    let (x, _) = universe(1500, 21);
    let a = fit(&x, 5, 9, Engine::Fast);
    let b = fit(&x, 5, 9, Engine::Fast);
    assert_eq!(a, b);
    assert_ne!(fit(&x, 5, 10, Engine::Fast).centroids, a.centroids, "a different seed should start elsewhere");
    // FNV-1a over the labels and the centroid bits.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |v: u64| {
        for byte in v.to_le_bytes() {
            h = (h ^ byte as u64).wrapping_mul(0x100_0000_01b3);
        }
    };
    a.labels.iter().for_each(|&l| eat(l as u64));
    a.centroids.iter().for_each(|v| eat(v.to_bits()));
    eat(a.inertia.to_bits());
    assert_eq!(
        (h, a.iterations),
        (FINGERPRINT, FINGERPRINT_ITERATIONS),
        "fingerprint {h:#x}, {} iterations",
        a.iterations
    );
}
const FINGERPRINT: u64 = 0x856f_2a7d_bfe8_b0f3;
const FINGERPRINT_ITERATIONS: u32 = 5;

/// Edge cases the linfa engine handles: k = 1, k = number of distinct rows (duplicates),
/// a non-contiguous view, max_iterations = 1.
#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn fast_engine_edge_cases() {
    let x = iris();
    let one = fit(&x, 1, 0, Engine::Fast);
    assert_eq!(one.sizes, vec![150]);
    assert!((one.inertia - fit(&x, 1, 0, Engine::Linfa).inertia).abs() < 1e-9);

    // Three distinct rows, each repeated: k = 3 must find exactly them.
    let dup = Array2::from_shape_fn((30, 2), |(i, j)| ((i % 3) * 10 + j) as f64);
    let f = fit(&dup, 3, 1, Engine::Fast);
    assert_eq!(f.inertia, 0.0);
    assert_eq!(f.sizes, vec![10, 10, 10]);

    // Columns in reverse order: a non-contiguous view is copied once and gives the same fit
    // as the reversed matrix made contiguous.
    let rev = x.slice(ndarray::s![.., ..;-1]);
    let p = KMeansParams { k: 3, n_runs: 3, seed: 4, ..Default::default() };
    let a = fit_kmeans(rev, &p, &mut |_| {}).unwrap();
    let b = fit_kmeans(rev.to_owned().view(), &p, &mut |_| {}).unwrap();
    assert_eq!(a, b);

    let p = KMeansParams { k: 3, max_iterations: 1, ..Default::default() };
    let f = fit_kmeans(x.view(), &p, &mut |_| {}).unwrap();
    assert_eq!((f.iterations, f.converged), (1, false));
}

/// Options: `engine` is "fast" (default) or "linfa" in both option objects; anything else is
/// rejected.
#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn engine_option_parses() {
    let p: KMeansParams = serde_json::from_str(r#"{"k":3,"engine":"linfa"}"#).unwrap();
    assert_eq!(p.engine, Engine::Linfa);
    assert_eq!(serde_json::from_str::<KMeansParams>(r#"{"k":3}"#).unwrap().engine, Engine::Fast);
    assert!(serde_json::from_str::<KMeansParams>(r#"{"k":3,"engine":"turbo"}"#).is_err());
    let o: SegmentOptions = serde_json::from_str(r#"{"engine":"linfa"}"#).unwrap();
    assert_eq!(o.engine, Engine::Linfa);
}
