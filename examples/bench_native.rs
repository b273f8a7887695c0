//! Native side of `make bench` (bench/run.mjs drives it; see bench/README.md).
//!
//!   bench_native encode <sample.csv> <matrix.bin>
//!       The feature matrix `segment` clusters (default options), written for the other engines:
//!       "HCPM", u32 n, u32 d (little-endian), then n·d f64 little-endian, row-major.
//!   bench_native kmeans <matrix.bin> <engine> <k> <runs> <seed> <reps>
//!       engine = linfa-direct (linfa-clustering's own KMeans, n_runs restarts in one fit, the
//!       RNG seeded like our restarts) | fast | linfa (our two engines, natively).
//!       Prints one JSON line: {"engine", "ms": [per rep], "inertia", "iterations"}.
//!
//! Inertia is always the sum of squared distances to the final centroids (scikit-learn's).

use hcp_segments::clustering::fast::Work;
use hcp_segments::clustering::kmeans::{fit_kmeans_counted, nearest_centroids, restart_rng, Engine, KMeansParams};
use hcp_segments::features::{BlockWeights, FeaturePipeline};
use hcp_segments::ingest::{ingest_csv, IngestOptions};
use linfa::prelude::*;
use linfa::DatasetBase;
use linfa_clustering::KMeans;
use ndarray::Array2;
use std::time::Instant;

fn die(msg: &str) -> ! {
    eprintln!("bench_native: {msg}");
    std::process::exit(2)
}

fn read_matrix(path: &str) -> Array2<f64> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| die(&format!("{path}: {e}")));
    if bytes.len() < 12 || &bytes[..4] != b"HCPM" {
        die(&format!("{path}: not an HCPM matrix file"));
    }
    let n = u32::from_le_bytes(bytes[4..8].try_into().unwrap()) as usize;
    let d = u32::from_le_bytes(bytes[8..12].try_into().unwrap()) as usize;
    if bytes.len() != 12 + 8 * n * d {
        die(&format!("{path}: size does not match {n} × {d}"));
    }
    let values = bytes[12..].chunks_exact(8).map(|c| f64::from_le_bytes(c.try_into().unwrap())).collect();
    Array2::from_shape_vec((n, d), values).unwrap_or_else(|e| die(&e.to_string()))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("encode") if args.len() == 3 => {
            let t = Instant::now();
            let text = std::fs::read_to_string(&args[1]).unwrap_or_else(|e| die(&e.to_string()));
            let (profiles, _) = ingest_csv(&text, &IngestOptions::default()).unwrap_or_else(|e| die(&e.to_string()));
            let pipeline = FeaturePipeline::fit(&profiles, &BlockWeights::default(), Some(0.99))
                .unwrap_or_else(|e| die(&e.to_string()));
            let x = pipeline.transform(&profiles).unwrap_or_else(|e| die(&e.to_string()));
            let mut out = Vec::with_capacity(12 + 8 * x.len());
            out.extend_from_slice(b"HCPM");
            out.extend_from_slice(&(x.nrows() as u32).to_le_bytes());
            out.extend_from_slice(&(x.ncols() as u32).to_le_bytes());
            for v in x.iter() {
                out.extend_from_slice(&v.to_le_bytes());
            }
            std::fs::write(&args[2], out).unwrap_or_else(|e| die(&e.to_string()));
            println!("{{\"n\":{},\"d\":{},\"ms\":{}}}", x.nrows(), x.ncols(), t.elapsed().as_secs_f64() * 1e3);
        }
        Some("kmeans") if args.len() == 7 => {
            let x = read_matrix(&args[1]);
            let engine = args[2].as_str();
            let num = |i: usize| args[i].parse::<u32>().unwrap_or_else(|_| die(&format!("not a number: {}", args[i])));
            let (k, runs, seed, reps) = (num(3), num(4), num(5), num(6));
            let mut ms = Vec::new();
            let mut inertia = 0.0;
            let mut iterations = 0u32;
            let mut work = Work::default();
            for _ in 0..reps {
                let t = Instant::now();
                let centroids = match engine {
                    "linfa-direct" => {
                        let m = KMeans::params_with_rng(k as usize, restart_rng(seed, 0))
                            .n_runs(runs as usize)
                            .max_n_iterations(300)
                            .tolerance(1e-4)
                            .fit(&DatasetBase::new(x.view(), ()))
                            .unwrap_or_else(|e| die(&e.to_string()));
                        m.centroids().clone()
                    }
                    "fast" | "linfa" => {
                        let e = if engine == "fast" { Engine::Fast } else { Engine::Linfa };
                        let p = KMeansParams { k, n_runs: runs, seed, engine: e, ..Default::default() };
                        work = Work::default();
                        let f = fit_kmeans_counted(x.view(), &p, &mut |_| {}, &mut work)
                            .unwrap_or_else(|e| die(&e.to_string()));
                        iterations = f.iterations;
                        f.centroids
                    }
                    other => die(&format!("unknown engine {other}")),
                };
                ms.push(t.elapsed().as_secs_f64() * 1e3);
                inertia = nearest_centroids(x.view(), centroids.view()).1.iter().sum();
            }
            let ms: Vec<String> = ms.iter().map(|v| format!("{v:.3}")).collect();
            println!(
                "{{\"engine\":\"{engine}\",\"ms\":[{}],\"inertia\":{inertia},\"iterations\":{iterations},\"allIterations\":{},\"distances\":{}}}",
                ms.join(","),
                work.iterations,
                work.distances
            );
        }
        _ => die("usage: bench_native encode <csv> <out.bin> | kmeans <matrix.bin> <engine> <k> <runs> <seed> <reps>"),
    }
}
