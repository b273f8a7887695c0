//! How big the sampled k sweep's sample must be (`sweepSample`): for a universe of N planted
//! profiles, the sweep on every row and on samples of several sizes, for several seeds — the
//! chosen k, the sweep's time, and the silhouette margin of the chosen k over the runner-up.
//!
//! cargo run --release --example sweep_sample -- 300000 10000,25000,50000,100000 1,2,3
use hcp_segments::clustering::sweep::sweep_k_with;
use hcp_segments::clustering::SweepSample;
use hcp_segments::clustering::KMeansParams;
use hcp_segments::ingest::{ingest_csv, IngestOptions};
use hcp_segments::features::{BlockWeights, FeaturePipeline};
use hcp_segments::{sample, SegmentOptions};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: u32 = args.get(1).map(|s| s.parse().unwrap()).unwrap_or(300_000);
    let sizes: Vec<u32> = args.get(2).map(|s| s.split(',').map(|v| v.parse().unwrap()).collect()).unwrap_or(vec![10_000, 25_000, 50_000, 100_000]);
    let seeds: Vec<u32> = args.get(3).map(|s| s.split(',').map(|v| v.parse().unwrap()).collect()).unwrap_or(vec![1, 2, 3]);
    let u = sample::generate(n, 42);
    let (profiles, _) = ingest_csv(&u.csv, &IngestOptions::default()).unwrap();
    let x = FeaturePipeline::fit(&profiles, &BlockWeights::default(), Some(0.99)).unwrap().transform(&profiles).unwrap();
    println!("| sweep rows | seed | chosen k | silhouette margin | sweep time |");
    println!("|---|---|---|---|---|");
    let mut cases: Vec<Option<u32>> = sizes.iter().map(|&s| Some(s)).collect();
    if std::env::var("SWEEP_ALL").is_ok() {
        cases.push(None);
    }
    for size in cases {
        for &seed in &seeds {
            let options = SegmentOptions { seed, sweep_sample: size.map_or(SweepSample::All, SweepSample::Rows), ..Default::default() };
            let t = Instant::now();
            let xs = options.sweep_sample.matrix(x.view(), seed).unwrap_or_else(|| x.clone());
            let sample = options.sample_distances(xs.view());
            let base = KMeansParams { seed, ..Default::default() };
            let (sweep, _) = sweep_k_with(xs.view(), 3, 8, &base, &sample, &mut |_, _| {}).unwrap();
            let ms = t.elapsed().as_millis();
            let chosen = sweep.rows.iter().find(|r| r.k == sweep.chosen_k).unwrap().silhouette;
            let runner_up = sweep.rows.iter().filter(|r| r.k != sweep.chosen_k).map(|r| r.silhouette).fold(f64::NEG_INFINITY, f64::max);
            println!("| {} | {seed} | {} | {:+.4} | {:.2} s |", xs.nrows(), sweep.chosen_k, chosen - runner_up, ms as f64 / 1000.0);
        }
    }
}
