//! The memory of the worker that parses a pooled `segment` (js/worker/pooled-segment.js with
//! two workers): a browser worker must stay under 512 MiB of wasm memory at 1,000,000 HCPs,
//! what an iPad's Safari tolerates.
//!
//! Measured natively with a counting allocator (live bytes, their peak), on the same steps the
//! worker runs: its half of the file read, the other half arriving as the bytes the other worker
//! sends, merged and encoded, the job's tasks, the result. The peak grows with the rows plus a
//! fixed part (the sweep's 100,000-row sample, the silhouette sample), so two sizes give both,
//! and the peak at 1M rows is projected from them. Wasm memory also holds the allocator's
//! fragmentation (431 MiB of wasm memory for a native peak of 368 MiB at 1M rows), hence the
//! budget of 512 MiB ÷ 1.25 for the native peak.

use hcp_segments::ingest::parts::wire;
use hcp_segments::job::Output;
use hcp_segments::pool::Session;
use hcp_segments::segmentation::SegmentOptions;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Relaxed) + layout.size();
        PEAK.fetch_max(live, Relaxed);
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Relaxed);
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // Counted as a move: old and new blocks both live while the bytes are copied.
        PEAK.fetch_max(LIVE.load(Relaxed) + new_size, Relaxed);
        LIVE.fetch_add(new_size, Relaxed);
        LIVE.fetch_sub(layout.size(), Relaxed);
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const MIB: f64 = 1048576.0;

/// Peak live bytes of the parsing worker's steps on a generated universe of `n` HCPs.
fn parsing_worker_peak(n: u32) -> usize {
    let csv = hcp_segments::sample::generate_csv(n, 42).into_bytes();
    let options: SegmentOptions = serde_json::from_str(r#"{"k": "auto", "seed": 42, "nRuns": 2}"#).unwrap();
    // Cut after a line end near the middle, as js/worker/input.js cuts for two workers.
    let cut = csv.len() / 2 + csv[csv.len() / 2..].iter().position(|&b| b == b'\n').unwrap() + 1;
    let head = csv[..csv.iter().position(|&b| b == b'\n').unwrap() + 1].to_vec();
    let sent = wire::encode(&Session::read_part_bytes(csv[cut..].to_vec(), Some(head), &options).expect("second half"));
    let first = csv[..cut].to_vec();
    drop(csv);

    // From here on, what the worker holds: its half of the file and the other half's bytes.
    PEAK.store(LIVE.load(Relaxed), Relaxed);
    let start = LIVE.load(Relaxed) - first.capacity() - sent.capacity();
    let mine = Session::read_part_bytes(first, None, &options).expect("first half");
    let theirs = wire::decode(&sent).expect("the sent part decodes");
    drop(sent);
    let mut session = Session::prepare_parts(vec![mine, theirs], options, &mut |_| {}).unwrap().expect("the halves merge");
    let mut batch = session.next_batch(vec![]).unwrap();
    while let Some(b) = batch {
        let mut outputs: Vec<Output> = Vec::with_capacity(b.tasks.len());
        for task in &b.tasks {
            let inputs = task.after.iter().map(|&j| outputs[j as usize].clone()).collect();
            outputs.push(session.run(task.work.clone(), inputs).unwrap());
        }
        batch = session.next_batch(outputs).unwrap();
    }
    let (result, spent) = session.finish_job(&mut |_| {}).unwrap();
    assert_eq!(result.assignments.len(), n as usize);
    let peak = PEAK.load(Relaxed) - start;
    drop((result, spent));
    peak
}

#[test]
fn the_parsing_worker_of_two_holds_a_million_hcps_in_under_512_mib() {
    let (small, large) = (250_000u32, 500_000u32);
    let (a, b) = (parsing_worker_peak(small) as f64, parsing_worker_peak(large) as f64);
    let per_row = (b - a) / f64::from(large - small);
    let fixed = a - per_row * f64::from(small);
    let at_million = fixed + per_row * 1e6;
    println!(
        "parsing worker's peak: {:.0} MiB at {small} rows, {:.0} MiB at {large}; {per_row:.0} bytes per row + {:.0} MiB; at 1M rows {:.0} MiB",
        a / MIB,
        b / MIB,
        fixed / MIB,
        at_million / MIB
    );
    assert!(per_row > 100.0, "the measurement does not see the rows ({per_row:.0} bytes per row)");
    assert!(at_million / MIB <= 512.0 / 1.25, "projected peak at 1M rows: {:.0} MiB (budget {:.0})", at_million / MIB, 512.0 / 1.25);
}
