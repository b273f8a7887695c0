//! The worker pool's split (`hcp_segments::pool`, driven by js/worker/): restarts and ks run
//! in any share, on any "worker" (session), in any order, must give exactly — bit for bit —
//! what one sequential `segment` / `fit_kmeans` gives for the same seed.

use hcp_segments::clustering::kmeans::{
    best_of_restarts, finish_fit, fit_kmeans, merge_restarts, Engine, KMeansFit, KMeansParams, RestartBest, Spread,
};
use hcp_segments::clustering::KSweepRow;
use hcp_segments::features::{BlockWeights, FeaturePipeline};
use hcp_segments::ingest::{ingest_csv, IngestOptions};
use hcp_segments::clustering::sweep::sweep_k_sized;
use hcp_segments::clustering::sweep_sampled::{refine_on_all_rows, sweep_on_sample, SampledSweep};
use hcp_segments::job::Output;
use hcp_segments::pool::Session;
use hcp_segments::segmentation::{finish, prepare};
use hcp_segments::clustering::SweepSample;
use hcp_segments::segmentation::AutoK;
use hcp_segments::{sample, segment, Input, KChoice, SegmentOptions, SegmentResult};
use ndarray::Array2;

fn universe(n: u32, seed: u32) -> Array2<f64> {
    let u = sample::generate(n, seed);
    let (profiles, _) = ingest_csv(&u.csv, &IngestOptions::default()).unwrap();
    let pipeline = FeaturePipeline::fit(&profiles, &BlockWeights::default(), Some(0.99)).unwrap();
    pipeline.transform(&profiles).unwrap()
}

fn same_fit(a: &KMeansFit, b: &KMeansFit, what: &str) {
    assert_eq!(a.inertia.to_bits(), b.inertia.to_bits(), "{what}: inertia {} vs {}", a.inertia, b.inertia);
    assert_eq!(a.labels, b.labels, "{what}: labels");
    let bits = |f: &KMeansFit| f.centroids.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(a), bits(b), "{what}: centroids");
    assert_eq!((a.iterations, a.converged, &a.sizes), (b.iterations, b.converged, &b.sizes), "{what}");
}

/// Ways to cut 0..n_runs into shares, as pools of 1, 2, 3 and n_runs workers would.
fn splits(n_runs: u32) -> Vec<Vec<std::ops::Range<u32>>> {
    let mut out = vec![vec![0..n_runs]];
    for parts in [2, 3, n_runs] {
        let size = n_runs.div_ceil(parts);
        out.push((0..n_runs).step_by(size as usize).map(|s| s..(s + size).min(n_runs)).collect());
    }
    out.push(vec![7..10, 0..1, 4..7, 1..4]); // out of order, uneven
    out
}

#[test]
fn split_restarts_merge_to_the_sequential_fit_bit_for_bit() {
    let x = universe(2500, 3);
    for (seed, k, engine) in [(42, 6, Engine::Fast), (7, 4, Engine::Fast), (1, 8, Engine::Fast), (42, 5, Engine::Linfa)] {
        let params = KMeansParams { k, n_runs: 10, seed, engine, ..Default::default() };
        let sequential = fit_kmeans(x.view(), &params, &mut |_| {}).unwrap();
        for split in splits(10) {
            let mut parts: Vec<RestartBest> =
                split.iter().map(|r| best_of_restarts(x.view(), &params, Spread::of(x.view()), r.clone(), &mut |_| {}).unwrap().unwrap()).collect();
            parts.reverse(); // the order shares come back in must not matter
            let merged = finish_fit(x.view(), &params, merge_restarts(parts), &mut Default::default()).unwrap();
            same_fit(&merged, &sequential, &format!("seed {seed} k {k} {engine:?} split {split:?}"));
        }
    }
}

/// Independent of the merge code: run each restart alone, pick the lowest inertia by hand
/// (first index among equals), and check the sequential fit kept that restart.
#[test]
fn the_sequential_fit_keeps_the_earliest_lowest_restart() {
    let x = universe(1500, 9);
    let params = KMeansParams { k: 5, n_runs: 10, seed: 11, ..Default::default() };
    let runs: Vec<RestartBest> = (0..10).map(|r| best_of_restarts(x.view(), &params, Spread::of(x.view()), r..r + 1, &mut |_| {}).unwrap().unwrap()).collect();
    let mut winner = 0;
    for (r, run) in runs.iter().enumerate() {
        if run.inertia < runs[winner].inertia {
            winner = r;
        }
    }
    let sequential = fit_kmeans(x.view(), &params, &mut |_| {}).unwrap();
    let expected = finish_fit(x.view(), &params, Some(runs[winner].clone()), &mut Default::default()).unwrap();
    same_fit(&sequential, &expected, "hand-picked winner");
}

#[test]
fn equal_inertia_goes_to_the_lowest_restart_index_whatever_the_order() {
    let part = |restart: u32, inertia: f64| RestartBest {
        k: 1,
        restart,
        inertia,
        centroids: vec![restart as f64],
        iterations: 1,
        converged: true,
    };
    for order in [vec![5, 2, 8], vec![8, 5, 2], vec![2, 8, 5]] {
        let parts = order.iter().map(|&r| part(r, if r == 8 { 3.0 } else { 1.0 }));
        assert_eq!(merge_restarts(parts).unwrap().restart, 2, "{order:?}");
    }
    // A strictly lower inertia wins even at a later index.
    assert_eq!(merge_restarts([part(0, 2.0), part(9, 1.5)]).unwrap().restart, 9);
    assert!(merge_restarts(Vec::new()).is_none());
}

/// The JS pool's protocol, played here with sessions as workers: worker 0 parses, the others
/// get a copy of the matrix; restarts are dealt round-robin; ks are scored on whichever
/// worker; with a sampled sweep, the chosen k's best sample restarts are refined on every row
/// by whichever worker (dealt from the last worker back, so worker 0 does not take the first);
/// worker 0 finishes.
fn pooled(csv: &str, options: &SegmentOptions, workers: usize) -> SegmentResult {
    pooled_with(csv, options, workers, true)
}

/// `spread_refine` false: worker 0's finish refines the sample solutions itself (what it does
/// when given none).
fn pooled_with(csv: &str, options: &SegmentOptions, workers: usize, spread_refine: bool) -> SegmentResult {
    let mut first = Session::prepare(Input::Csv(csv.to_string()), options.clone(), &mut |_| {}).unwrap();
    let matrix = first.matrix().to_owned();
    let mut others: Vec<Session> = (1..workers)
        .map(|_| Session::from_matrix(matrix.as_slice().unwrap().to_vec(), matrix.ncols(), options.clone()).unwrap())
        .collect();
    let plan = first.plan().unwrap();
    let mut parts = Vec::new();
    let mut turn = 0;
    for &k in plan.ks.iter().rev() {
        for r in 0..plan.n_runs {
            let w = turn % workers;
            turn += 1;
            let s = if w == 0 { &first } else { &others[w - 1] };
            parts.push(s.fit_restarts(k, r, r + 1, true).unwrap());
        }
    }
    let rows: Option<Vec<KSweepRow>> = match options.k {
        KChoice::Fixed(_) => None,
        KChoice::Auto(_) => Some(
            plan.ks
                .iter()
                .enumerate()
                .map(|(i, &k)| {
                    let mine: Vec<RestartBest> = parts.iter().filter(|p| p.k == k).cloned().collect();
                    let w = (i + 1) % workers;
                    let s = if w == 0 { &mut first } else { &mut others[w - 1] };
                    s.score(k, mine).unwrap()
                })
                .collect(),
        ),
    };
    let refined = match (&rows, spread_refine) {
        (Some(rows), true) => first.refine_plan(parts.clone(), rows.clone()).unwrap().map(|(k, starts)| {
            assert!(!starts.is_empty() && starts.iter().all(|s| s.k == k));
            starts
                .into_iter()
                .enumerate()
                .map(|(i, start)| {
                    let w = (workers - 1 + i) % workers;
                    let s = if w == 0 { &first } else { &others[w - 1] };
                    s.refine(start).unwrap()
                })
                .collect::<Vec<_>>()
        }),
        _ => None,
    };
    first.finish(parts, rows, refined, &mut |_| {}).unwrap().0
}

/// The job's batches played over `workers` sessions: worker 0 hands them out and finishes; of
/// the tasks ready, the last in the batch runs first (an order the sequential call never uses),
/// on the workers in turn; the outputs go back in task order.
fn pooled_job(csv: &str, options: &SegmentOptions, workers: usize) -> SegmentResult {
    let mut first = Session::prepare(Input::Csv(csv.to_string()), options.clone(), &mut |_| {}).unwrap();
    let matrix = first.matrix().to_owned();
    let mut others: Vec<Session> = (1..workers)
        .map(|_| Session::from_matrix(matrix.as_slice().unwrap().to_vec(), matrix.ncols(), options.clone()).unwrap())
        .collect();
    let mut outputs = Vec::new();
    let mut turn = 0;
    while let Some(batch) = first.next_batch(outputs).unwrap() {
        let mut done: Vec<Option<Output>> = vec![None; batch.tasks.len()];
        let ready = |done: &[Option<Output>], i: usize| done[i].is_none() && batch.tasks[i].after.iter().all(|&j| done[j as usize].is_some());
        while let Some(i) = (0..batch.tasks.len()).rev().find(|&i| ready(&done, i)) {
            let task = &batch.tasks[i];
            let inputs = task.after.iter().map(|&j| done[j as usize].clone().unwrap()).collect();
            let w = turn % workers;
            turn += 1;
            let s = if w == 0 { &mut first } else { &mut others[w - 1] };
            done[i] = Some(s.run(task.work.clone(), inputs).unwrap());
        }
        outputs = done.into_iter().map(Option::unwrap).collect();
    }
    first.finish_job(&mut |_| {}).unwrap().0
}

fn same_result(a: &SegmentResult, b: &SegmentResult, what: &str) {
    assert_eq!(a.quality.inertia.to_bits(), b.quality.inertia.to_bits(), "{what}: inertia");
    assert_eq!(a.quality.k, b.quality.k, "{what}: k");
    assert_eq!(
        a.assignments.iter().map(|x| x.segment).collect::<Vec<_>>(),
        b.assignments.iter().map(|x| x.segment).collect::<Vec<_>>(),
        "{what}: labels"
    );
    assert_eq!(a.k_sweep, b.k_sweep, "{what}: sweep");
    assert_eq!(a.model.to_json(), b.model.to_json(), "{what}: model");
    assert!(a == b, "{what}: the whole result");
}

#[test]
fn pooled_segment_equals_segment_for_fixed_k_and_auto() {
    let auto = KChoice::Auto(AutoK::Auto);
    for (n, data_seed, seed, k) in [(3000, 42, 42, auto), (2000, 5, 7, auto), (2000, 5, 3, KChoice::Fixed(6)), (1200, 8, 99, KChoice::Fixed(3))] {
        let csv = sample::generate_csv(n, data_seed);
        let options = SegmentOptions { k, seed, silhouette_sample: 800, ..Default::default() };
        let sequential = segment(Input::Csv(csv.clone()), &options, &mut |_| {}).unwrap();
        for workers in [1, 2, 3] {
            same_result(&pooled(&csv, &options, workers), &sequential, &format!("n {n} seed {seed} k {k:?} workers {workers}"));
        }
    }
}

/// The sweep on a seeded sample of rows (`sweepSample`), then the chosen k on every row: the
/// pool gives what `segment` gives, whatever the pool size.
#[test]
fn pooled_sampled_sweep_equals_segment() {
    let csv = sample::generate_csv(3000, 42);
    for (seed, sweep_sample) in [(42, 1000), (7, 1400)] {
        let options = SegmentOptions { seed, silhouette_sample: 500, sweep_sample: SweepSample::Rows(sweep_sample), ..Default::default() };
        let sequential = segment(Input::Csv(csv.clone()), &options, &mut |_| {}).unwrap();
        let sweep = sequential.k_sweep.as_ref().unwrap();
        assert!(sweep.sampled && sweep.sample_size == sweep_sample, "{sweep:?}");
        assert_eq!(sequential.assignments.len(), 3000);
        for workers in [1, 2, 3] {
            same_result(&pooled(&csv, &options, workers), &sequential, &format!("seed {seed} sample {sweep_sample} workers {workers}"));
        }
        same_result(&pooled_with(&csv, &options, 2, false), &sequential, &format!("seed {seed} sample {sweep_sample}, refined by worker 0"));
    }
    // 2000 rows are not more than twice 1000: every row is swept.
    let csv = sample::generate_csv(2000, 1);
    let options = SegmentOptions { sweep_sample: SweepSample::Rows(1000), ..Default::default() };
    let r = segment(Input::Csv(csv.clone()), &options, &mut |_| {}).unwrap();
    let sweep = r.k_sweep.as_ref().unwrap();
    assert!(!sweep.sampled && sweep.sample_size == 2000, "{sweep:?}");
    same_result(&pooled(&csv, &options, 2), &r, "not sampled");
}

/// The pool's refined solutions must be the chosen k's sample solutions, in order: anything
/// else is an error (not a silently different fit).
#[test]
fn finish_rejects_refined_solutions_that_are_not_the_plan() {
    let csv = sample::generate_csv(3000, 42);
    let options = SegmentOptions { seed: 42, silhouette_sample: 500, sweep_sample: SweepSample::Rows(1000), ..Default::default() };
    let run = |edit: &dyn Fn(&mut Vec<RestartBest>)| {
        let mut s = Session::prepare(Input::Csv(csv.clone()), options.clone(), &mut |_| {}).unwrap();
        let plan = s.plan().unwrap();
        let parts: Vec<RestartBest> = plan.ks.iter().flat_map(|&k| (0..plan.n_runs).map(move |r| (k, r))).map(|(k, r)| s.fit_restarts(k, r, r + 1, true).unwrap()).collect();
        let rows: Vec<KSweepRow> = plan.ks.iter().map(|&k| s.score(k, parts.iter().filter(|p| p.k == k).cloned().collect()).unwrap()).collect();
        let (_, starts) = s.refine_plan(parts.clone(), rows.clone()).unwrap().expect("a sampled sweep has starts to refine");
        let mut refined: Vec<RestartBest> = starts.into_iter().map(|st| s.refine(st).unwrap()).collect();
        edit(&mut refined);
        s.finish(parts, Some(rows), Some(refined), &mut |_| {}).map(|r| r.0.quality.k)
    };
    assert!(run(&|_| {}).is_ok());
    let dropped = run(&|r| {
        r.pop();
    });
    assert_eq!(dropped.unwrap_err().code(), "CLUSTERING_FAILED");
    let reordered = run(&|r| {
        if r.len() > 1 {
            r.swap(0, 1)
        } else {
            r[0].restart += 1
        }
    });
    assert_eq!(reordered.unwrap_err().code(), "CLUSTERING_FAILED");
}

/// A sampled sweep scores every k on the sample: the same table as a sweep over exactly those
/// rows, picked independently here (the sampled rows are the seed's draw, a subset of rows).
#[test]
fn sampled_sweep_table_is_the_sweep_of_the_sampled_rows() {
    use hcp_segments::clustering::sweep::sweep_k;
    let x = universe(3000, 4);
    let rows = SweepSample::Rows(1000).rows(3000, 9).unwrap();
    assert_eq!(rows.len(), 1000);
    assert!(rows.windows(2).all(|w| w[0] < w[1]) && *rows.last().unwrap() < 3000);
    assert_ne!(rows, SweepSample::Rows(1000).rows(3000, 10).unwrap(), "the draw depends on the seed");
    let sub = x.select(ndarray::Axis(0), &rows);
    let params = KMeansParams { seed: 9, ..Default::default() };
    let (expected, _) = sweep_k(sub.view(), 3, 8, &params, 400, &mut |_, _| {}).unwrap();
    let mut session = Session::from_matrix(
        x.as_slice().unwrap().to_vec(),
        x.ncols(),
        SegmentOptions { seed: 9, silhouette_sample: 400, sweep_sample: SweepSample::Rows(1000), ..Default::default() },
    )
    .unwrap();
    let plan = session.plan().unwrap();
    assert!(plan.sampled && plan.sweep_rows == 1000);
    let scored: Vec<KSweepRow> = plan
        .ks
        .iter()
        .map(|&k| {
            let parts = vec![session.fit_restarts(k, 0, 10, true).unwrap()];
            session.score(k, parts).unwrap()
        })
        .collect();
    assert_eq!(scored, expected.rows);
}

/// Fewer distinct profiles than the top of kRange: the sweep stops where `segment`'s does.
#[test]
fn pooled_sweep_stops_at_the_distinct_rows_like_segment() {
    let full = sample::generate_csv(400, 2);
    let mut lines = full.lines();
    let header = lines.next().unwrap();
    let rows: Vec<&str> = lines.take(4).collect();
    let mut csv = format!("{header}\n");
    for i in 0..60 {
        let row = rows[i % 4];
        let rest = &row[row.find(',').unwrap()..];
        csv.push_str(&format!("X{i}{rest}\n"));
    }
    assert!(header.starts_with("hcp_id,"), "{header}");
    let options = SegmentOptions { seed: 4, ..Default::default() };
    let sequential = segment(Input::Csv(csv.clone()), &options, &mut |_| {}).unwrap();
    let ks: Vec<u32> = sequential.k_sweep.as_ref().unwrap().rows.iter().map(|r| r.k).collect();
    assert_eq!(ks, vec![3, 4]);
    same_result(&pooled(&csv, &options, 2), &sequential, "4 distinct rows");
}

#[test]
fn plan_raises_the_errors_segment_raises_and_lists_its_ks() {
    let auto = KChoice::Auto(AutoK::Auto);
    for (n, k) in [(5, KChoice::Fixed(9)), (2, auto), (5, auto), (5, KChoice::Fixed(4))] {
        let csv = sample::generate_csv(n, 1);
        let options = SegmentOptions { k, ..Default::default() };
        let seq = segment(Input::Csv(csv.clone()), &options, &mut |_| {});
        let plan = Session::prepare(Input::Csv(csv.clone()), options, &mut |_| {}).unwrap().plan();
        match (seq, plan) {
            (Err(a), Err(b)) => assert_eq!(a, b, "n {n} k {k:?}"),
            (Ok(r), Ok(p)) => {
                let ks = r.k_sweep.map(|s| s.rows.iter().map(|r| r.k).collect()).unwrap_or(vec![r.quality.k]);
                assert_eq!(p.ks, ks, "n {n} k {k:?}");
            }
            (a, b) => panic!("n {n} k {k:?}: segment {:?} vs plan {:?}", a.err(), b.err()),
        }
    }
}

/// The job's tasks run over any number of workers, in another order: `segment`'s result.
#[test]
fn the_job_over_a_pool_equals_segment() {
    let auto = KChoice::Auto(AutoK::Auto);
    let csv = sample::generate_csv(3000, 42);
    for (k, seed, sweep_sample) in [(KChoice::Fixed(6), 3, SweepSample::default()), (auto, 42, SweepSample::default()), (auto, 7, SweepSample::Rows(1000))] {
        let options = SegmentOptions { k, seed, silhouette_sample: 500, sweep_sample, ..Default::default() };
        let sequential = segment(Input::Csv(csv.clone()), &options, &mut |_| {}).unwrap();
        for workers in [1, 2, 3] {
            same_result(&pooled_job(&csv, &options, workers), &sequential, &format!("k {k:?} seed {seed} {sweep_sample:?} workers {workers}"));
        }
    }
}

/// `segment` (the job's tasks run in place) against the clustering module's own sequential
/// loops — `fit_kmeans`, `sweep_k_sized`, `sweep_on_sample` then `refine_on_all_rows` — on the
/// same encoded rows, finished alike.
#[test]
fn segment_equals_the_sequential_clustering_loops() {
    let auto = KChoice::Auto(AutoK::Auto);
    let csv = sample::generate_csv(3000, 42);
    for (k, sweep_sample) in [(KChoice::Fixed(5), SweepSample::default()), (auto, SweepSample::default()), (auto, SweepSample::Rows(1000))] {
        let options = SegmentOptions { k, seed: 7, silhouette_sample: 500, sweep_sample, ..Default::default() };
        let encoded = prepare(Input::Csv(csv.clone()), &options, &mut |_| {}).unwrap();
        let x = encoded.x.clone();
        let [lo, hi] = options.k_range;
        let (base, min_size) = (options.kmeans_params(lo), options.min_segment_size());
        let (fit, sweep, sample) = match (k, options.sweep_matrix(x.view())) {
            (KChoice::Fixed(k), _) => (fit_kmeans(x.view(), &options.kmeans_params(k), &mut |_| {}).unwrap(), None, None),
            (_, None) => {
                let sample = options.sample_distances(x.view());
                let (sweep, fit) = sweep_k_sized(x.view(), lo, hi, &base, &sample, min_size, &mut |_, _| {}).unwrap();
                (fit, Some(sweep), Some(sample))
            }
            (_, Some(xs)) => {
                let sample = options.sample_distances(xs.view());
                let SampledSweep { sweep, starts } = sweep_on_sample(xs.view(), x.nrows(), lo, hi, &base, &sample, min_size, &mut |_, _| {}).unwrap();
                let fit = refine_on_all_rows(x.view(), &options.kmeans_params(sweep.chosen_k), starts, &mut |_| {}).unwrap();
                (fit, Some(sweep), None)
            }
        };
        let expected = finish(&options, encoded, fit, sweep, sample.as_ref(), &mut |_| {}).unwrap().0;
        let what = format!("k {k:?} {sweep_sample:?}");
        assert_eq!(expected.k_sweep.as_ref().map(|s| s.sampled), match k { KChoice::Fixed(_) => None, _ => Some(sweep_sample != SweepSample::default()) }, "{what}");
        same_result(&segment(Input::Csv(csv.clone()), &options, &mut |_| {}).unwrap(), &expected, &what);
    }
}
