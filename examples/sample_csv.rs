//! Print the sample universe as CSV: `cargo run --example sample_csv -- [n] [seed]`.
fn main() {
    let mut args = std::env::args().skip(1);
    let n = args.next().and_then(|a| a.parse().ok()).unwrap_or(1000);
    let seed = args.next().and_then(|a| a.parse().ok()).unwrap_or(42);
    print!("{}", hcp_segments::sample::generate_csv(n, seed));
}
