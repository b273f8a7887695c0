//! Time `segment`'s stages natively from CSV text:
//! `cargo run --release --example segment_stages -- [n] [seed] [sweepSample|all]`.
//! Prints the seconds between progress stage starts (parse, encode, sweep, cluster, profile,
//! project) and the total, for k: "auto" with default options. With `CHECK_FIXED=1`, also fits
//! the chosen k with `nRuns` fresh restarts on every row and prints both inertias and both ARIs
//! against the planted personas (the check of a sampled sweep's refined final fit).
use hcp_segments::clustering::metrics::adjusted_rand_index;
use hcp_segments::segmentation::{segment, Input, KChoice, SegmentOptions};
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: u32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1_000_000);
    let seed: u32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(42);
    let sweep = args.next();
    let u = hcp_segments::sample::generate(n, seed);
    let mut options = SegmentOptions { seed, ..Default::default() };
    if let Some(s) = sweep {
        let v = if s == "all" { serde_json::json!("all") } else { serde_json::json!(s.parse::<u32>().unwrap()) };
        options.sweep_sample = serde_json::from_value(v).unwrap();
    }
    let t0 = Instant::now();
    let mut marks: Vec<(&'static str, f64)> = Vec::new();
    let r = segment(Input::Csv(u.csv.clone()), &options, &mut |p| {
        if marks.last().map_or(true, |m| m.0 != p.stage) {
            marks.push((p.stage, t0.elapsed().as_secs_f64()));
        }
    })
    .unwrap();
    let total = t0.elapsed().as_secs_f64();
    let mut line = format!("n={n} seed={seed}");
    for (i, (s, t)) in marks.iter().enumerate() {
        let end = marks.get(i + 1).map_or(total, |m| m.1);
        line += &format!(" {s}={:.2}", end - t);
    }
    let q = &r.quality;
    let labels = |r: &hcp_segments::segmentation::SegmentResult| r.assignments.iter().map(|a| a.segment).collect::<Vec<_>>();
    println!("{line} total={total:.2} k={} inertia={:.4} iters={}", q.k, q.inertia, q.iterations);
    if std::env::var("CHECK_FIXED").is_ok_and(|v| v == "1") {
        let t = Instant::now();
        let f = segment(Input::Csv(u.csv.clone()), &SegmentOptions { k: KChoice::Fixed(q.k), ..options.clone() }, &mut |_| {}).unwrap();
        println!(
            "  fixed k={} ({} restarts on every row, {:.2} s): inertia {:.4}, refined/restarts = {:.6}; ARI vs truth: refined {:.5}, restarts {:.5}",
            q.k,
            options.n_runs,
            t.elapsed().as_secs_f64(),
            f.quality.inertia,
            q.inertia / f.quality.inertia,
            adjusted_rand_index(&labels(&r), &u.truth),
            adjusted_rand_index(&labels(&f), &u.truth)
        );
    }
}
