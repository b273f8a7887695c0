//! The feature pipeline: compositions, intensity, scaling, block weights, edge rows.

use hcp_segments::features::{BlockWeights, FeaturePipeline};
use hcp_segments::ingest::{ingest_csv, IngestOptions, Profiles};
use std::collections::BTreeMap;

fn profiles(csv: &str) -> Profiles {
    ingest_csv(csv, &IngestOptions::default()).unwrap().0
}

const SMALL: &str = "hcp_id,specialty,ch_x,ch_email,fmt_news,fmt_cme_module,days_since_last
a,oncology,3,1,2,2,10
b,oncology,0,0,0,0,
c,cardiology,10,0,0,5,200
d,primary_care,1,1,1,1,30
";

fn col(m: &ndarray::Array2<f64>, p: &FeaturePipeline, name: &str) -> Vec<f64> {
    let j = p.feature_names().iter().position(|n| n == name).unwrap_or_else(|| panic!("no feature {name}"));
    m.column(j).to_vec()
}

#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn mixes_are_shares_of_the_rows_own_total_and_zero_rows_stay_finite() {
    let pr = profiles(SMALL);
    let p = FeaturePipeline::fit(&pr, &BlockWeights::default(), None).unwrap();
    let m = p.transform(&pr).unwrap();
    assert!(m.iter().all(|v| v.is_finite()));
    // Undo the scaling to read the raw share back: raw = z / weight * scale + mean.
    let spec = p.features.iter().find(|f| f.name == "channel_mix:x").unwrap();
    let raw: Vec<f64> = col(&m, &p, "channel_mix:x").iter().map(|z| z / spec.weight * spec.scale + spec.mean).collect();
    let expect = [0.75, 0.0, 1.0, 0.5];
    for (r, e) in raw.iter().zip(expect) {
        assert!((r - e).abs() < 1e-12, "{raw:?}");
    }
    // Intensity is log1p of the channel total.
    let spec = p.features.iter().find(|f| f.name == "intensity:channels").unwrap();
    let raw: Vec<f64> = col(&m, &p, "intensity:channels").iter().map(|z| z / spec.weight * spec.scale + spec.mean).collect();
    for (r, total) in raw.iter().zip([4.0f64, 0.0, 10.0, 2.0]) {
        assert!((r - total.ln_1p()).abs() < 1e-12);
    }
}

#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn each_block_carries_its_weight_in_squared_distance() {
    let pr = profiles(SMALL);
    let mut w = BlockWeights { channel_mix: 2.0, format_mix: 0.5, intensity: 1.0, recency: 0.25, ..Default::default() };
    w.categories.insert("specialty".into(), 3.0);
    let p = FeaturePipeline::fit(&pr, &w, None).unwrap();
    let mut per_block: BTreeMap<String, f64> = BTreeMap::new();
    for f in &p.features {
        *per_block.entry(f.block.clone()).or_default() += f.weight * f.weight;
    }
    let expect = [("channelMix", 2.0), ("formatMix", 0.5), ("intensity", 1.0), ("recency", 0.25), ("category:specialty", 3.0)];
    for (b, e) in expect {
        assert!((per_block[b] - e).abs() < 1e-12, "{b}: {per_block:?}");
    }
    // One-hot levels of the category, and nothing for the unweighted `country`.
    let names = p.feature_names();
    assert!(names.contains(&"specialty:oncology".to_string()));
    assert_eq!(names.iter().filter(|n| n.starts_with("specialty:")).count(), 3);
}

#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn standardised_features_have_zero_mean_and_unit_variance_before_weighting() {
    let pr = profiles(&hcp_segments::sample::generate_csv(500, 3));
    let p = FeaturePipeline::fit(&pr, &BlockWeights::default(), Some(0.99)).unwrap();
    let m = p.transform(&pr).unwrap();
    for (j, f) in p.features.iter().enumerate() {
        let z: Vec<f64> = m.column(j).iter().map(|v| v / f.weight).collect();
        let mean = z.iter().sum::<f64>() / z.len() as f64;
        let var = z.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / z.len() as f64;
        assert!(mean.abs() < 1e-9, "{}: mean {mean}", f.name);
        assert!((var - 1.0).abs() < 1e-9 || var < 1e-20, "{}: var {var}", f.name);
    }
}

#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn constant_columns_contribute_zero_not_nan() {
    let pr = profiles("hcp_id,ch_x,ch_y,fmt_news\na,1,0,1\nb,2,0,1\nc,3,0,1\n");
    let p = FeaturePipeline::fit(&pr, &BlockWeights::default(), None).unwrap();
    let m = p.transform(&pr).unwrap();
    assert!(m.iter().all(|v| v.is_finite()));
    assert!(col(&m, &p, "channel_mix:y").iter().all(|&v| v == 0.0));
    assert!(col(&m, &p, "format_mix:news").iter().all(|&v| v == 0.0));
}

#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn caps_clip_outliers_at_the_fit_quantile() {
    let mut csv = String::from("hcp_id,ch_x,fmt_news\n");
    for i in 0..199 {
        csv.push_str(&format!("h{i},{},1\n", i % 5));
    }
    csv.push_str("outlier,100000,1\n");
    let pr = profiles(&csv);
    let p = FeaturePipeline::fit(&pr, &BlockWeights::default(), Some(0.99)).unwrap();
    let cap = p.channel_caps.as_ref().unwrap()[0];
    // 0.99 quantile of 200 values (199 in 0..=4, one huge) lies between two ordinary ones.
    assert!(cap <= 4.0, "cap {cap}");
}

#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn transform_needs_the_columns_the_pipeline_was_fitted_on() {
    let p = FeaturePipeline::fit(&profiles(SMALL), &BlockWeights::default(), None).unwrap();
    let other = profiles("hcp_id,ch_x,fmt_news,fmt_cme_module\nz,1,1,1\n");
    let err = p.transform(&other).unwrap_err();
    assert_eq!(err.code(), "MODEL_COLUMN_MISSING");
    assert_eq!(err.column(), Some("ch_email"));
    // Column order does not matter.
    let reordered = profiles("hcp_id,fmt_cme_module,ch_email,fmt_news,ch_x,days_since_last,specialty\nz,2,1,2,3,10,oncology\n");
    let a = p.transform(&reordered).unwrap();
    let b = p.transform(&profiles(SMALL)).unwrap();
    assert_eq!(a.row(0), b.row(0));
}

#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn bad_weights_are_rejected_by_name() {
    let pr = profiles(SMALL);
    for (w, option) in [
        (BlockWeights { channel_mix: -1.0, ..Default::default() }, "weights.channelMix"),
        (BlockWeights { intensity: f64::NAN, ..Default::default() }, "weights.intensity"),
    ] {
        let e = FeaturePipeline::fit(&pr, &w, None).unwrap_err();
        assert!(e.to_string().contains(option), "{e}");
    }
    let mut w = BlockWeights::default();
    w.categories.insert("nope".into(), 1.0);
    assert_eq!(FeaturePipeline::fit(&pr, &w, None).unwrap_err().code(), "INVALID_OPTION");
    let zero = BlockWeights { channel_mix: 0.0, format_mix: 0.0, intensity: 0.0, recency: 0.0, ..Default::default() };
    assert_eq!(FeaturePipeline::fit(&pr, &zero, None).unwrap_err().code(), "INVALID_OPTION");
    assert_eq!(FeaturePipeline::fit(&pr, &BlockWeights::default(), Some(1.5)).unwrap_err().code(), "INVALID_OPTION");
}
