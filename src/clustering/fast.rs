//! The fast k-means engine: k-means++ seeding (linfa's draws) and Lloyd iterations accelerated with
//! Hamerly's bounds, on one contiguous row-major `f64` buffer shared by every restart.
//!
//! - Seeding is k-means++ with the same draws as linfa's (`restart_rng(seed, restart)`, rand's
//!   `WeightedIndex` over D²), so restart r of both engines starts from the same centroids.
//!   (scikit-learn's greedy k-means++ was tried: better on average for an ill-suited k, but
//!   it lands in other local minima than linfa restart by restart, so it is not used.)
//! - The seeding measures every row against each centroid it draws (and the last one), so it
//!   ends with Lloyd's first assignment in hand: no second scan of k distances per row.
//! - Each iteration assigns every row to its nearest centroid, then moves every centroid to the
//!   mean of its rows (an empty cluster keeps its centroid), and stops when the L2 norm of the
//!   centroid shift (all centroids together) is at most [`Spread::stop_shift`]: scikit-learn's
//!   rule.
//! - Hamerly (2010): per row an upper bound on the distance to its centroid and a lower bound on
//!   the distance to every other one. A row whose upper bound is below both its lower bound and
//!   half the distance from its centroid to the nearest other centroid cannot change cluster,
//!   and its k distances are skipped. The bounds only skip work: the assignment is the one a
//!   full scan would make (up to exact floating-point ties).
//! - Per-cluster sums are computed from scratch (in row order) after the first assignment and
//!   then kept up to date: a row that changes cluster moves its values from one sum to the
//!   other. Rows that stay put are not read again, so once clusters settle an iteration reads
//!   only the bounds, not the data matrix. The order of every operation is fixed by the row
//!   order: same seed, same bits, natively and in wasm.
//! - The winning restart is relabelled by a full scan (lowest index on ties, as linfa), and its
//!   inertia is summed in row order, exactly as for the linfa engine.

use super::kernel::{sq_dist, sq_dists_to, CentroidTable};
use super::nearest::cluster_sizes;
use super::params::{KMeansParams, Spread};
use super::restarts::{restart_rng, KMeansFit, RestartBest};
use ndarray::Array2;
use rand::distributions::{Distribution, WeightedIndex};
use rand::Rng;

/// A row-major n × d matrix borrowed from the caller (never copied per restart).
#[derive(Clone, Copy)]
pub struct Rows<'a> {
    pub data: &'a [f64],
    pub n: usize,
    pub d: usize,
}

impl<'a> Rows<'a> {
    #[inline]
    pub fn row(&self, i: usize) -> &'a [f64] {
        &self.data[i * self.d..(i + 1) * self.d]
    }
}

/// Work counters of a fit, for benchmarks: distance evaluations actually computed.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Work {
    /// Row-to-centroid squared distances computed in the assignment steps.
    pub distances: u64,
    /// Lloyd iterations summed over every restart.
    pub iterations: u64,
}

/// Buffers reused by every restart of one fit.
struct Scratch {
    labels: Vec<u32>,
    upper: Vec<f64>,
    lower: Vec<f64>,
    dists: Vec<f64>,
    sums: Vec<f64>,
    counts: Vec<u32>,
    shift: Vec<f64>,
    drift_other: Vec<f64>,
    half_gap: Vec<f64>,
    // seeding
    closest: Vec<f64>,
}

impl Scratch {
    fn new(n: usize, k: usize, d: usize) -> Self {
        Scratch {
            labels: vec![0; n],
            upper: vec![0.0; n],
            lower: vec![0.0; n],
            dists: vec![0.0; k],
            sums: vec![0.0; k * d],
            counts: vec![0; k],
            shift: vec![0.0; k],
            drift_other: vec![0.0; k],
            half_gap: vec![0.0; k],
            closest: vec![0.0; n],
        }
    }
}

struct Run {
    centroids: Vec<f64>,
    inertia: f64,
    iterations: u32,
    converged: bool,
}

/// `n_runs` restarts on a validated matrix (see `fit_kmeans`); the lowest inertia wins,
/// the earliest restart on ties.
pub fn fit(x: Rows, params: &KMeansParams, spread: Spread, on_restart: &mut dyn FnMut(u32), work: &mut Work) -> KMeansFit {
    let best = best_run(x, params, spread, 0..params.n_runs, on_restart, work);
    finish(x, params.k as usize, best, work)
}

/// Restarts `restarts` only (a worker-pool share; see `kmeans::best_of_restarts`): the run with
/// the lowest inertia, the earliest restart on ties. Each restart depends only on its own RNG
/// stream, so shares run anywhere merge to what one `fit` over every restart keeps.
pub fn best_run(
    x: Rows,
    params: &KMeansParams,
    spread: Spread,
    restarts: std::ops::Range<u32>,
    on_restart: &mut dyn FnMut(u32),
    work: &mut Work,
) -> Option<RestartBest> {
    let k = params.k as usize;
    let mut scratch = Scratch::new(x.n, k, x.d);
    let stop = spread.stop_shift(params.tolerance);
    let mut best: Option<RestartBest> = None;
    for restart in restarts {
        let run = single_run(x, params, stop, restart, &mut scratch, work);
        if best.as_ref().map_or(true, |b| run.inertia < b.inertia) {
            best = Some(RestartBest {
                k: params.k,
                restart,
                inertia: run.inertia,
                centroids: run.centroids,
                iterations: run.iterations,
                converged: run.converged,
            });
        }
        on_restart(restart);
    }
    best
}

/// The fit from the winning run: relabelled by a full scan, inertia summed in row order.
pub fn finish(x: Rows, k: usize, best: Option<RestartBest>, work: &mut Work) -> KMeansFit {
    // n_runs ≥ 1 was checked by the caller.
    let best = best.unwrap_or(RestartBest {
        k: k as u32,
        restart: 0,
        centroids: x.data[..k * x.d].to_vec(),
        inertia: 0.0,
        iterations: 0,
        converged: false,
    });
    let mut dists = vec![0.0; k];
    let (labels, inertia) = relabel(x, &best.centroids, k, &mut dists, work);
    let sizes = cluster_sizes(&labels, k);
    let centroids = Array2::from_shape_vec((k, x.d), best.centroids).unwrap_or_else(|_| Array2::zeros((k, x.d)));
    KMeansFit { labels, centroids, inertia, iterations: best.iterations, converged: best.converged, sizes }
}

/// Nearest centroid by a full scan (lowest index on ties) and the inertia summed in row order.
fn relabel(x: Rows, centroids: &[f64], k: usize, dists: &mut [f64], work: &mut Work) -> (Vec<u32>, f64) {
    let table = CentroidTable::new(centroids, k, x.d);
    let mut labels = Vec::with_capacity(x.n);
    let mut inertia = 0.0;
    table.for_each_nearest(x.data, x.n, x.d, dists, &mut |_, (best, best_d, _)| {
        labels.push(best);
        inertia += best_d;
    });
    work.distances += (x.n * k) as u64;
    (labels, inertia)
}

fn single_run(x: Rows, params: &KMeansParams, stop: f64, restart: u32, s: &mut Scratch, work: &mut Work) -> Run {
    let centroids = seed_plus_plus(x, params.k as usize, restart_rng(params.seed, restart), s, work);
    lloyd(x, centroids, params, stop, Bounds::Hamerly, First::Seeded, s, work)
}

/// Where Lloyd's first assignment comes from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum First {
    /// A full scan of every row against every centroid.
    Scan,
    /// Already in the scratch: `seed_plus_plus` measured every row against every centroid,
    /// with the same kernel bits and the same tie rule as the scan (labels, nearest and
    /// second-nearest squared distances in `labels`, `closest`, `lower`).
    Seeded,
}

/// Whether the assignment step may skip rows by Hamerly's bounds, or scans every centroid for
/// every row (plain Lloyd, for tests: both must give the same result).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bounds {
    Hamerly,
    FullScan,
}

/// Lloyd iterations from given centroids (row-major k × d), on rows of the given spread.
/// Returns the final centroids, the inertia against them, the iterations run and whether the
/// tolerance was reached.
pub fn lloyd_from(x: Rows, centroids: Vec<f64>, params: &KMeansParams, spread: Spread, bounds: Bounds) -> (Vec<f64>, f64, u32, bool) {
    let mut s = Scratch::new(x.n, params.k as usize, x.d);
    let stop = spread.stop_shift(params.tolerance);
    let r = lloyd(x, centroids, params, stop, bounds, First::Scan, &mut s, &mut Work::default());
    (r.centroids, r.inertia, r.iterations, r.converged)
}

fn lloyd(
    x: Rows,
    mut centroids: Vec<f64>,
    params: &KMeansParams,
    stop: f64,
    bounds: Bounds,
    first: First,
    s: &mut Scratch,
    work: &mut Work,
) -> Run {
    let (d, k) = (x.d, params.k as usize);
    let full_scan = bounds == Bounds::FullScan;
    let mut next = vec![0.0; k * d];
    let mut table = CentroidTable::new(&centroids, k, d);
    first_assignment(x, &table, first, s, work);

    let mut iterations = 0;
    let converged = loop {
        let total_shift = update_centroids(&centroids, &mut next, d, s);
        std::mem::swap(&mut centroids, &mut next);
        table.fill(&centroids, k, d);
        iterations += 1;
        work.iterations += 1;
        let done = total_shift.sqrt() <= stop;

        // Bounds follow the centroids (applied row by row in the next pass): the own one by its
        // shift, the others by the largest shift of another centroid.
        s.drift_other = largest_other_shifts(&s.shift);
        if done || iterations >= params.max_iterations {
            break done;
        }
        half_gaps(&centroids, k, d, &mut s.half_gap);
        work.distances += reassign(x, &centroids, &table, full_scan, s);
    };
    let inertia = final_inertia(x, &centroids, &table, full_scan, s, work);
    Run { centroids, inertia, iterations, converged }
}

/// Lloyd's first assignment (a full scan, or the seeding's), which also sets both bounds and
/// builds the per-cluster sums (each cluster's rows added in row order) in the same pass.
fn first_assignment(x: Rows, table: &CentroidTable, first: First, s: &mut Scratch, work: &mut Work) {
    let (n, d, k) = (x.n, x.d, s.counts.len());
    s.sums.iter_mut().for_each(|v| *v = 0.0);
    s.counts.iter_mut().for_each(|v| *v = 0);
    let (labels, upper, lower, sums, counts) = (&mut s.labels, &mut s.upper, &mut s.lower, &mut s.sums, &mut s.counts);
    if first == First::Seeded {
        // (labels[i], closest[i], lower[i]) hold the scan's (best, d1², d2²) already.
        for (i, (d1, d2)) in s.closest[..n].iter().zip(lower.iter_mut()).enumerate() {
            let best = labels[i] as usize;
            upper[i] = d1.sqrt();
            *d2 = d2.sqrt();
            counts[best] += 1;
            add_row(&mut sums[best * d..(best + 1) * d], x.row(i));
        }
    } else {
        table.for_each_nearest(x.data, n, d, &mut s.dists, &mut |i, (best, d1, d2)| {
            labels[i] = best;
            upper[i] = d1.sqrt();
            lower[i] = d2.sqrt();
            counts[best as usize] += 1;
            add_row(&mut sums[best as usize * d..(best as usize + 1) * d], x.row(i));
        });
        work.distances += (n * k) as u64;
    }
}

/// Every centroid to the mean of its rows (an empty cluster stays where it is), into `next`;
/// each centroid's shift into `s.shift`; returns the squared L2 norm of the whole shift. The
/// sums are kept up to date by the assignment (a row that changes cluster moves its values
/// from one sum to the other), so rows that stay put are not read again.
fn update_centroids(centroids: &[f64], next: &mut [f64], d: usize, s: &mut Scratch) -> f64 {
    let mut total_shift = 0.0;
    for c in 0..s.counts.len() {
        let (old, new) = (&centroids[c * d..(c + 1) * d], &mut next[c * d..(c + 1) * d]);
        if s.counts[c] == 0 {
            new.copy_from_slice(old);
        } else {
            let count = s.counts[c] as f64;
            for (v, &sum) in new.iter_mut().zip(&s.sums[c * d..(c + 1) * d]) {
                *v = sum / count;
            }
        }
        let moved = sq_dist(old, new);
        s.shift[c] = moved.sqrt();
        total_shift += moved;
    }
    total_shift
}

/// The assignment step, skipping the rows the bounds prove cannot move (Hamerly); a row that
/// moves takes its values from one cluster's sum to the other's. Returns the distances computed.
fn reassign(x: Rows, centroids: &[f64], table: &CentroidTable, full_scan: bool, s: &mut Scratch) -> u64 {
    let (d, k) = (x.d, s.counts.len());
    let mut computed = 0u64;
    for i in 0..x.n {
        let a = s.labels[i] as usize;
        s.upper[i] += s.shift[a];
        s.lower[i] -= s.drift_other[a];
        let m = if full_scan { f64::NEG_INFINITY } else { larger(s.half_gap[a], s.lower[i]) };
        if s.upper[i] <= m {
            continue;
        }
        let row = x.row(i);
        if !full_scan {
            s.upper[i] = sq_dist(row, &centroids[a * d..(a + 1) * d]).sqrt();
            computed += 1;
            if s.upper[i] <= m {
                continue;
            }
        }
        let (best, d1, d2) = table.nearest_two(row, &mut s.dists);
        computed += k as u64;
        if best as usize != a {
            sub_row(&mut s.sums[a * d..(a + 1) * d], row);
            add_row(&mut s.sums[best as usize * d..(best as usize + 1) * d], row);
            s.counts[a] -= 1;
            s.counts[best as usize] += 1;
            s.labels[i] = best;
        }
        s.upper[i] = d1.sqrt();
        s.lower[i] = d2.sqrt();
    }
    computed
}

/// Inertia against the final centroids: the exact distance to the own centroid, and a full scan
/// where the bounds cannot rule out a nearer one.
fn final_inertia(x: Rows, centroids: &[f64], table: &CentroidTable, full_scan: bool, s: &mut Scratch, work: &mut Work) -> f64 {
    let (d, k) = (x.d, s.counts.len());
    half_gaps(centroids, k, d, &mut s.half_gap);
    let mut inertia = 0.0;
    let mut computed = x.n as u64;
    for i in 0..x.n {
        let a = s.labels[i] as usize;
        s.lower[i] -= s.drift_other[a];
        let row = x.row(i);
        let own = sq_dist(row, &centroids[a * d..(a + 1) * d]);
        inertia += if !full_scan && own.sqrt() <= larger(s.half_gap[a], s.lower[i]) {
            own
        } else {
            computed += k as u64;
            let (best, d1, _) = table.nearest_two(row, &mut s.dists);
            s.labels[i] = best;
            d1
        };
    }
    work.distances += computed;
    inertia
}

/// For each centroid c, the largest shift among the other centroids (how far a lower bound on
/// the distance to "any centroid but c" can have dropped).
fn largest_other_shifts(shift: &[f64]) -> Vec<f64> {
    let (mut max1, mut max1_c, mut max2) = (0.0f64, usize::MAX, 0.0f64);
    for (c, &p) in shift.iter().enumerate() {
        if p > max1 {
            max2 = max1;
            max1 = p;
            max1_c = c;
        } else if p > max2 {
            max2 = p;
        }
    }
    (0..shift.len()).map(|c| if c == max1_c { max2 } else { max1 }).collect()
}

/// `a.max(b)` for numbers that are never NaN: a compare and a select. (`f64::max` compiles to
/// a call to libm's `fmax` on wasm32, which costs more than the distance test it guards.)
#[inline]
fn larger(a: f64, b: f64) -> f64 {
    if a > b {
        a
    } else {
        b
    }
}

#[inline]
fn add_row(sum: &mut [f64], row: &[f64]) {
    for (acc, &v) in sum.iter_mut().zip(row) {
        *acc += v;
    }
}

#[inline]
fn sub_row(sum: &mut [f64], row: &[f64]) {
    for (acc, &v) in sum.iter_mut().zip(row) {
        *acc -= v;
    }
}

/// Half the distance from each centroid to its nearest other centroid (Hamerly's s(c)).
fn half_gaps(centroids: &[f64], k: usize, d: usize, out: &mut [f64]) {
    for c in 0..k {
        let mut nearest = f64::INFINITY;
        for o in 0..k {
            if o != c {
                nearest = nearest.min(sq_dist(&centroids[c * d..(c + 1) * d], &centroids[o * d..(o + 1) * d]));
            }
        }
        out[c] = 0.5 * nearest.sqrt();
    }
}

/// k-means++ with linfa's draws: the first centroid uniformly, each next one with probability
/// ∝ D² (squared distance to the nearest centroid so far), sampled with rand's `WeightedIndex`
/// from the restart's RNG exactly as linfa-clustering's `k_means_plusplus` samples them. So a
/// restart of either engine starts from the same centroids (up to rounding in the weights),
/// and the engines differ only in the update rule.
///
/// Each row is measured against every centroid as it is drawn, and against the last one after
/// the draws: that is Lloyd's first assignment ([`First::Seeded`]), left in the scratch
/// (`labels`, `closest` = nearest and `lower` = second-nearest squared distance) instead of a
/// second scan of k distances per row. `sq_dists_to` gives the bits of the scan's kernel, and
/// centroids are taken in ascending index with the scan's rule (strict `<`: the lowest index
/// wins a tie), so the assignment is the scan's (the unit test below holds it to the scan).
fn seed_plus_plus(x: Rows, k: usize, mut rng: impl Rng, s: &mut Scratch, work: &mut Work) -> Vec<f64> {
    let (n, d) = (x.n, x.d);
    let mut centroids = Vec::with_capacity(k * d);
    let first = WeightedIndex::new(std::iter::repeat(1.0f64).take(n)).map(|w| w.sample(&mut rng)).unwrap_or(0);
    centroids.extend_from_slice(x.row(first));
    s.closest[..n].iter_mut().for_each(|v| *v = f64::INFINITY);
    s.lower[..n].iter_mut().for_each(|v| *v = f64::INFINITY);
    s.labels[..n].iter_mut().for_each(|v| *v = 0);
    for c in 1..=k {
        let last = &centroids[(c - 1) * d..c * d];
        let (closest, second, labels) = (&mut s.closest, &mut s.lower, &mut s.labels);
        sq_dists_to(x.data, n, d, last, |i, dist| {
            if dist < closest[i] {
                second[i] = closest[i];
                closest[i] = dist;
                labels[i] = (c - 1) as u32;
            } else if dist < second[i] {
                second[i] = dist;
            }
        });
        work.distances += n as u64;
        if c == k {
            break; // every centroid measured: no more draws
        }
        // All weights 0 (every row sits on a centroid) cannot happen with ≥ k distinct rows;
        // linfa falls back to row 0 there, and so do we.
        let next = WeightedIndex::new(s.closest[..n].iter()).map(|w| w.sample(&mut rng)).unwrap_or(0);
        centroids.extend_from_slice(x.row(next));
    }
    centroids
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A restart as `best_run` runs it (Lloyd's first assignment taken from the k-means++
    /// seeding) equals Lloyd from the same start with a full first scan: same centroids, inertia
    /// and iterations to the last bit. The grid ({0, 1, 2}⁵, each point 2–3 times) has many
    /// exact ties (duplicate rows, rows equidistant from two centroids), where only the same
    /// tie rule gives the same labels; "three" has 3 distinct rows, so k > 3 draws duplicate
    /// centroids; k = 12 takes the table's generic path.
    #[test]
    fn the_seeded_first_assignment_is_the_full_scans() {
        let grid: Vec<f64> = (0..600u32).flat_map(|i| (0..5).map(move |j| ((i % 243) / 3u32.pow(j) % 3) as f64)).collect();
        let three: Vec<f64> = (0..300).flat_map(|i| [(i % 3) as f64, 1.0]).collect();
        let smooth: Vec<f64> = (0..1000).flat_map(|i| (0..7).map(move |j| (((i * 31 + j * 17) % 97) as f64 * 0.173).sin() * 3.0)).collect();
        let mut ties = 0;
        for (name, data, d) in [("grid", &grid, 5), ("three", &three, 2), ("smooth", &smooth, 7)] {
            let x = Rows { data, n: data.len() / d, d };
            for k in [1u32, 2, 5, 8, 12] {
                let params = KMeansParams { k, seed: 9, ..Default::default() };
                let spread = Spread::of(ndarray::ArrayView2::from_shape((x.n, d), &data[..]).unwrap());
                for restart in 0..4 {
                    let seeded = best_run(x, &params, spread, restart..restart + 1, &mut |_| {}, &mut Work::default()).unwrap();
                    let mut s = Scratch::new(x.n, k as usize, d);
                    let start = seed_plus_plus(x, k as usize, restart_rng(params.seed, restart), &mut s, &mut Work::default());
                    // How many rows the seeding found at equal distance from two centroids.
                    ties += (0..x.n).filter(|&i| s.closest[i] == s.lower[i]).count();
                    let (centroids, inertia, iterations, converged) = lloyd_from(x, start, &params, spread, Bounds::Hamerly);
                    let what = format!("{name} k={k} restart {restart}");
                    assert_eq!(
                        seeded.centroids.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
                        centroids.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
                        "{what}"
                    );
                    assert_eq!((seeded.inertia.to_bits(), seeded.iterations, seeded.converged), (inertia.to_bits(), iterations, converged), "{what}");
                }
            }
        }
        assert!(ties > 1000, "the grid must hold exact ties: {ties}");
    }
}
