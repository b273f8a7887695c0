//! Time the ingest stages natively: `cargo run --release --example ingest_timing -- [n] [reps]`.
//! Generates the sample universe (n rows, seed 42) as CSV, then times read_csv, roles + profiles,
//! and the feature pipeline (fit + transform), medians of `reps`.
use hcp_segments::features::{BlockWeights, FeaturePipeline};
use hcp_segments::ingest::{csv::read_csv, ingest_table, IngestOptions};
use std::time::Instant;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: u32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let reps: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(3);
    let text = hcp_segments::sample::generate_csv(n, 42);
    let opts = IngestOptions::default();
    let (mut read, mut prof, mut enc) = (vec![], vec![], vec![]);
    for _ in 0..reps {
        let t = Instant::now();
        let table = read_csv(&text, &opts).unwrap();
        read.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        let (p, _) = ingest_table(table, &opts).unwrap();
        prof.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        // What segment() runs (fit + transform sharing one raw matrix).
        let (_, x) = FeaturePipeline::fit_transform(&p, &BlockWeights::default(), Some(0.99)).unwrap();
        enc.push(t.elapsed().as_secs_f64() * 1e3);
        std::hint::black_box(&x);
    }
    println!(
        "n={n} bytes={} cols={} read_csv={:.0} ms profiles={:.0} ms encode={:.0} ms",
        text.len(),
        text.lines().next().unwrap().split(',').count(),
        median(read),
        median(prof),
        median(enc)
    );
}
