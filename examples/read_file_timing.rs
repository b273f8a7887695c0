//! Time reading one file as every entry point reads it (bytes → table → profiles), natively:
//! `cargo run --release --example read_file_timing -- FILE [reps]`. For the peak memory of one
//! read, run it with reps = 1 under `/usr/bin/time -v`. A CSV and an .xlsx made from it
//! (e.g. `soffice --headless --convert-to xlsx`) compare the two readers.
use hcp_segments::ingest::{ingest_table, source::read_bytes, IngestOptions};
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: read_file_timing FILE [reps]");
        std::process::exit(2);
    };
    let reps: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(3);
    let opts = IngestOptions::default();
    let (mut read, mut prof) = (vec![], vec![]);
    for _ in 0..reps {
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{path}: {e}");
                std::process::exit(1);
            }
        };
        let t = Instant::now();
        let table = match read_bytes(bytes, &opts) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{path}: {} {e}", e.code());
                std::process::exit(1);
            }
        };
        read.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        let (p, report) = ingest_table(table, &opts).unwrap_or_else(|e| panic!("{path}: {e}"));
        prof.push(t.elapsed().as_secs_f64() * 1e3);
        assert_eq!(p.len(), report.rows_used as usize);
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(|a, b| a.total_cmp(b));
        v[v.len() / 2]
    };
    println!("{path}: read {:.0} ms, roles + profiles {:.0} ms (medians of {reps})", median(read), median(prof));
}
