//! Best-of-10 inertia, fast engine ÷ linfa engine, over many seeds (a development aid).
use hcp_segments::clustering::kmeans::{fit_kmeans, Engine, KMeansParams};
use hcp_segments::features::{BlockWeights, FeaturePipeline};
use hcp_segments::ingest::{ingest_csv, IngestOptions};
use ndarray::Array2;

fn main() {
    let text = std::fs::read_to_string("tests/data/iris.csv").unwrap();
    let rows: Vec<f64> = text
        .lines()
        .skip(1)
        .flat_map(|l| l.split(',').map(|v| v.parse::<f64>().unwrap()).collect::<Vec<_>>())
        .collect();
    let iris = Array2::from_shape_vec((150, 4), rows).unwrap();
    let u = hcp_segments::sample::generate(3000, 11);
    let (profiles, _) = ingest_csv(&u.csv, &IngestOptions::default()).unwrap();
    let hcp =
        FeaturePipeline::fit(&profiles, &BlockWeights::default(), Some(0.99)).unwrap().transform(&profiles).unwrap();
    for (name, x) in [("iris", iris), ("hcp", hcp)] {
        for k in [2u32, 3, 4, 6, 8] {
            let mut worse = 0;
            let mut ratios = vec![];
            for seed in 0..30u32 {
                let f = |engine| {
                    fit_kmeans(
                        x.view(),
                        &KMeansParams { k, n_runs: 10, seed, engine, ..Default::default() },
                        &mut |_| {},
                    )
                    .unwrap()
                    .inertia
                };
                let r = f(Engine::Fast) / f(Engine::Linfa);
                if r > 1.001 {
                    worse += 1;
                    println!("  worse: seed {seed} ratio {r:.5}");
                }
                ratios.push(r);
            }
            let mean = ratios.iter().sum::<f64>() / ratios.len() as f64;
            let max = ratios.iter().cloned().fold(0.0, f64::max);
            let min = ratios.iter().cloned().fold(9.0, f64::min);
            println!("{name} k={k}: fast/linfa mean {mean:.5} min {min:.5} max {max:.5}, worse>0.1% in {worse}/30");
        }
    }
}
