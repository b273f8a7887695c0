//! The distance kernel of the fast engine: squared Euclidean distances from one row to the
//! centroids, on contiguous row-major `f64` rows.
//!
//! Same bits everywhere. Each distance is split into two lanes (even and odd columns), each added
//! in column order, then `lane0 + lane1`; an odd last column goes to lane 0. Every routine here
//! keeps exactly that order, so `sq_dist` and `CentroidTable` agree to the last bit. With
//! `simd128` on wasm32 the vector type is `f64x2`; elsewhere it is two scalars doing the same
//! operations in the same order. No FMA (wasm has none, and Rust never fuses `a * b + c` on its
//! own), so native and wasm agree to the last bit and the labels do too.
//!
//! Why a table: the assignment step needs one row's distance to all k centroids. With the
//! centroids transposed into column-major pairs (`CentroidTable`), one `f64x2` holds column j of
//! two centroids, so a row's value is broadcast once per column, every vector operation works
//! for two centroids, and there is no horizontal add per centroid. Two rows go through each pass
//! (each centroid load serves both), the 2 · k sums per row are independent (no add-latency
//! chain), and the nearest two are picked with selects, not branches. Measured in bench/peak
//! against the previous row-major kernel in the same run: ~1.6× on rows that fit in cache,
//! ~1.15× on 100k rows on a loaded machine (bench/README.md, "The wasm arithmetic peak").

use simd::F2;

/// Squared distance between `x` and `c` (equal lengths).
#[inline]
pub fn sq_dist(x: &[f64], c: &[f64]) -> f64 {
    let d = x.len();
    let c = &c[..d];
    let pairs = d / 2;
    let mut acc = F2::zero();
    for j in 0..pairs {
        // SAFETY: 2j + 1 < d = len of both slices.
        let (xv, cv) = unsafe {
            (
                F2::load(x.as_ptr().add(2 * j)),
                F2::load(c.as_ptr().add(2 * j)),
            )
        };
        let diff = xv.sub(cv);
        acc = acc.add(diff.mul(diff));
    }
    let [mut lane0, lane1] = acc.lanes();
    if d % 2 == 1 {
        let diff = x[d - 1] - c[d - 1];
        lane0 += diff * diff;
    }
    lane0 + lane1
}

/// `f(i, sq_dist(row i, c))` for the n rows of the row-major n × d `rows`, in row order, four
/// rows per pass: the same bits as `sq_dist` row by row, but four independent sums share each
/// load of `c` (k-means++ seeding measures every row against each new centroid this way).
pub fn sq_dists_to(rows: &[f64], n: usize, d: usize, c: &[f64], mut f: impl FnMut(usize, f64)) {
    const R: usize = 4;
    assert!(
        rows.len() >= n * d && c.len() >= d,
        "{n} × {d} rows, centroid of {}",
        c.len()
    );
    let mut i = 0;
    while i + R <= n {
        let x: [&[f64]; R] = std::array::from_fn(|r| &rows[(i + r) * d..(i + r + 1) * d]);
        let mut acc = [F2::zero(); R];
        for j in 0..d / 2 {
            // SAFETY: 2j + 1 < d = each row's length ≤ c's length.
            let cv = unsafe { F2::load(c.as_ptr().add(2 * j)) };
            for r in 0..R {
                let diff = unsafe { F2::load(x[r].as_ptr().add(2 * j)) }.sub(cv);
                acc[r] = acc[r].add(diff.mul(diff));
            }
        }
        for r in 0..R {
            let [mut lane0, lane1] = acc[r].lanes();
            if d % 2 == 1 {
                let diff = x[r][d - 1] - c[d - 1];
                lane0 += diff * diff;
            }
            f(i + r, lane0 + lane1);
        }
        i += R;
    }
    while i < n {
        f(i, sq_dist(&rows[i * d..(i + 1) * d], c));
        i += 1;
    }
}

/// The k × d centroids transposed for the assignment kernel: for column j, the values of
/// centroids (0, 1), (2, 3), … side by side, so one `f64x2` load gives column j of a centroid
/// pair. An odd k gets a padding centroid of zeros whose distance is never reported.
#[derive(Debug, Clone, Default)]
pub struct CentroidTable {
    t: Vec<f64>,
    k: usize,
    d: usize,
    pairs: usize,
}

/// Centroid pairs per pass over one row: 4 pairs = 8 accumulators (even and odd columns) plus
/// the two broadcast values, within the 16 vector registers of x86-64.
const PAIRS_PER_PASS: usize = 4;

impl CentroidTable {
    /// The table of `centroids` (k × d, row-major).
    pub fn new(centroids: &[f64], k: usize, d: usize) -> Self {
        let mut table = CentroidTable::default();
        table.fill(centroids, k, d);
        table
    }

    /// Refill with new centroids, reusing the allocation (once per Lloyd iteration).
    pub fn fill(&mut self, centroids: &[f64], k: usize, d: usize) {
        assert!(
            centroids.len() >= k * d,
            "centroids: {} values for {k} × {d}",
            centroids.len()
        );
        let pairs = k.div_ceil(2);
        self.t.clear();
        self.t.resize(d * pairs * 2, 0.0);
        for c in 0..k {
            for j in 0..d {
                self.t[(j * pairs + c / 2) * 2 + c % 2] = centroids[c * d + j];
            }
        }
        (self.k, self.d, self.pairs) = (k, d, pairs);
    }

    pub fn k(&self) -> usize {
        self.k
    }

    /// Squared distances from `x` (length ≥ d) to every centroid, into `out[..k]`.
    #[inline]
    pub fn sq_dists(&self, x: &[f64], out: &mut [f64]) {
        let mut first = 0;
        while first < self.pairs {
            match self.pairs - first {
                1 => self.pass::<1>(x, first, out),
                2 => self.pass::<2>(x, first, out),
                3 => self.pass::<3>(x, first, out),
                _ => self.pass::<PAIRS_PER_PASS>(x, first, out),
            }
            first += PAIRS_PER_PASS;
        }
    }

    /// One pass over the row for the P centroid pairs starting at pair `first`, into `out`.
    #[inline(always)]
    fn pass<const P: usize>(&self, x: &[f64], first: usize, out: &mut [f64]) {
        let k = self.k;
        assert!(
            x.len() >= self.d && out.len() >= k,
            "row of {} / out of {} for {k} × {}",
            x.len(),
            out.len(),
            self.d
        );
        // SAFETY: the row is ≥ d long (asserted above).
        let (even, odd) = unsafe { self.accumulate::<P, 1>([x.as_ptr()], first) };
        for p in 0..P {
            let [a, b] = even[0][p].add(odd[0][p]).lanes();
            let c = 2 * (first + p);
            out[c] = a;
            if c + 1 < k {
                out[c + 1] = b;
            }
        }
    }

    /// The even-column and odd-column sums of R rows against the P centroid pairs starting at
    /// pair `first`: every centroid load is shared by the R rows, and the 2 · P · R sums are
    /// independent (no add-latency chain). Distance = even + odd, lane by lane.
    ///
    /// # Safety
    /// Each of the R pointers must point to d readable f64.
    #[inline(always)]
    unsafe fn accumulate<const P: usize, const R: usize>(
        &self,
        x: [*const f64; R],
        first: usize,
    ) -> ([[F2; P]; R], [[F2; P]; R]) {
        let (d, pairs) = (self.d, self.pairs);
        assert!(
            first + P <= pairs && self.t.len() == d * pairs * 2,
            "pairs {first}+{P} of {pairs}"
        );
        let t = self.t.as_ptr();
        // SAFETY (every read below): columns are < d, and the pair index column · pairs + first
        // + p (< d · pairs, as first + p < pairs) is inside the table of d · pairs pairs.
        let mut even = [[F2::zero(); P]; R];
        let mut odd = [[F2::zero(); P]; R];
        for j in 0..d / 2 {
            // Even column for every row and pair, then odd: each centroid load serves R rows.
            let (ce, co) = (
                t.add((2 * j * pairs + first) * 2),
                t.add(((2 * j + 1) * pairs + first) * 2),
            );
            let xe = x.map(|row| F2::splat(*row.add(2 * j)));
            for p in 0..P {
                let c = F2::load(ce.add(2 * p));
                for r in 0..R {
                    let diff = xe[r].sub(c);
                    even[r][p] = even[r][p].add(diff.mul(diff));
                }
            }
            let xo = x.map(|row| F2::splat(*row.add(2 * j + 1)));
            for p in 0..P {
                let c = F2::load(co.add(2 * p));
                for r in 0..R {
                    let diff = xo[r].sub(c);
                    odd[r][p] = odd[r][p].add(diff.mul(diff));
                }
            }
        }
        if d % 2 == 1 {
            let cl = t.add(((d - 1) * pairs + first) * 2);
            let xl = x.map(|row| F2::splat(*row.add(d - 1)));
            for p in 0..P {
                let c = F2::load(cl.add(2 * p));
                for r in 0..R {
                    let diff = xl[r].sub(c);
                    even[r][p] = even[r][p].add(diff.mul(diff));
                }
            }
        }
        (even, odd)
    }

    /// `for_each_nearest` when all k ≤ 2P centroids fit one pass: R rows at a time, and the
    /// nearest two picked straight from the accumulators (no round trip through memory).
    #[inline(always)]
    fn rows_nearest<const P: usize, const R: usize>(
        &self,
        rows: &[f64],
        n: usize,
        width: usize,
        f: &mut dyn FnMut(usize, (u32, f64, f64)),
    ) {
        assert!(
            P == self.pairs && width >= self.d && rows.len() >= n * width,
            "{n} rows × {width} for a table of {} pairs × {}",
            self.pairs,
            self.d
        );
        let mut i = 0;
        while i + R <= n {
            let x: [*const f64; R] = std::array::from_fn(|r| rows[(i + r) * width..].as_ptr());
            // SAFETY: row i + r starts at (i + r) · width and has width ≥ d values (asserted).
            let (even, odd) = unsafe { self.accumulate::<P, R>(x, 0) };
            for r in 0..R {
                let mut nearest = NONE_YET;
                for p in 0..P {
                    let lanes = even[r][p].add(odd[r][p]).lanes();
                    for (lane, &dc) in lanes.iter().enumerate() {
                        let c = 2 * p + lane;
                        if c >= self.k {
                            break;
                        }
                        nearest = nearer(nearest, c, dc);
                    }
                }
                f(i + r, nearest);
            }
            i += R;
        }
        let mut dists = [0.0; 2 * PAIRS_PER_PASS];
        while i < n {
            f(
                i,
                self.nearest_two(&rows[i * width..(i + 1) * width], &mut dists),
            );
            i += 1;
        }
    }

    /// Nearest and second-nearest centroid of `row`: (index, squared distance, second squared
    /// distance). The one place every assignment goes through (k-means, members, model assign,
    /// targeting), so they all agree on ties: the lowest index wins. `dists` is scratch (≥ k).
    #[inline]
    pub fn nearest_two(&self, row: &[f64], dists: &mut [f64]) -> (u32, f64, f64) {
        self.sq_dists(row, dists);
        nearest_of(&dists[..self.k])
    }

    /// `f(i, nearest_two of row i)` for the n rows of the row-major `rows` (n × width, width ≥
    /// d), in row order: for k ≤ 8 two rows (k ≤ 6) or one row (k = 7, 8) per pass with every
    /// centroid in it; otherwise row by row. Same results as `nearest_two` row by row. `dists`
    /// is scratch (≥ k). `f` is a trait object so each pass variant is compiled once, not once
    /// per caller (wasm size; the indirect call is noise next to a row's k distances).
    pub fn for_each_nearest(
        &self,
        rows: &[f64],
        n: usize,
        width: usize,
        dists: &mut [f64],
        f: &mut dyn FnMut(usize, (u32, f64, f64)),
    ) {
        match self.pairs {
            1 => self.rows_nearest::<1, 2>(rows, n, width, f),
            2 => self.rows_nearest::<2, 2>(rows, n, width, f),
            3 => self.rows_nearest::<3, 2>(rows, n, width, f),
            4 => self.rows_nearest::<4, 1>(rows, n, width, f),
            _ => {
                for i in 0..n {
                    f(
                        i,
                        self.nearest_two(&rows[i * width..(i + 1) * width], dists),
                    );
                }
            }
        }
    }
}

/// (index, smallest, second smallest) of `dists`; the lowest index wins a tie.
#[inline]
fn nearest_of(dists: &[f64]) -> (u32, f64, f64) {
    dists.iter().enumerate().fold(NONE_YET, |nearest, (c, &dc)| nearer(nearest, c, dc))
}

/// The (index, smallest, second smallest) before any distance is seen.
const NONE_YET: (u32, f64, f64) = (0, f64::INFINITY, f64::INFINITY);

/// `(best, d1, d2)` after seeing centroid `c` at squared distance `dc`, centroids taken in
/// ascending index: strict `<`, so the lowest index wins a tie. Selects, not branches: which
/// centroid is nearest is unpredictable, and mispredictions cost more than the sums.
#[inline(always)]
fn nearer((best, d1, d2): (u32, f64, f64), c: usize, dc: f64) -> (u32, f64, f64) {
    let (closer, second) = (dc < d1, dc < d2);
    let d2 = if closer {
        d1
    } else if second {
        dc
    } else {
        d2
    };
    (if closer { c as u32 } else { best }, if closer { dc } else { d1 }, d2)
}

/// A pair of f64 lanes: `f64x2` with simd128 on wasm32, two scalars (same operations, same
/// order) elsewhere.
mod simd {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    mod imp {
        use core::arch::wasm32::*;

        #[derive(Clone, Copy)]
        pub struct F2(v128);

        impl F2 {
            #[inline(always)]
            pub fn zero() -> Self {
                F2(f64x2_splat(0.0))
            }
            #[inline(always)]
            pub fn splat(v: f64) -> Self {
                F2(f64x2_splat(v))
            }
            /// Two consecutive f64 from `p` (unaligned).
            /// # Safety
            /// `p` and `p + 1` must be readable.
            #[inline(always)]
            pub unsafe fn load(p: *const f64) -> Self {
                F2(v128_load(p as *const v128))
            }
            #[inline(always)]
            pub fn sub(self, o: Self) -> Self {
                F2(f64x2_sub(self.0, o.0))
            }
            #[inline(always)]
            pub fn mul(self, o: Self) -> Self {
                F2(f64x2_mul(self.0, o.0))
            }
            #[inline(always)]
            pub fn add(self, o: Self) -> Self {
                F2(f64x2_add(self.0, o.0))
            }
            #[inline(always)]
            pub fn lanes(self) -> [f64; 2] {
                [
                    f64x2_extract_lane::<0>(self.0),
                    f64x2_extract_lane::<1>(self.0),
                ]
            }
        }
    }

    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    mod imp {
        #[derive(Clone, Copy)]
        pub struct F2([f64; 2]);

        impl F2 {
            #[inline(always)]
            pub fn zero() -> Self {
                F2([0.0; 2])
            }
            #[inline(always)]
            pub fn splat(v: f64) -> Self {
                F2([v; 2])
            }
            /// Two consecutive f64 from `p`.
            /// # Safety
            /// `p` and `p + 1` must be readable.
            #[inline(always)]
            pub unsafe fn load(p: *const f64) -> Self {
                F2([*p, *p.add(1)])
            }
            #[inline(always)]
            pub fn sub(self, o: Self) -> Self {
                F2([self.0[0] - o.0[0], self.0[1] - o.0[1]])
            }
            #[inline(always)]
            pub fn mul(self, o: Self) -> Self {
                F2([self.0[0] * o.0[0], self.0[1] * o.0[1]])
            }
            #[inline(always)]
            pub fn add(self, o: Self) -> Self {
                F2([self.0[0] + o.0[0], self.0[1] + o.0[1]])
            }
            #[inline(always)]
            pub fn lanes(self) -> [f64; 2] {
                self.0
            }
        }
    }

    pub use imp::F2;
}

#[cfg(test)]
mod tests {
    //! Each test also runs under wasm32 (scripts/test-wasm.sh): the f64x2 path is the one that
    //! ships, and it must give the bits of the plain two-lane reference.
    use super::*;

    fn reference(x: &[f64], c: &[f64]) -> f64 {
        let (mut l0, mut l1) = (0.0, 0.0);
        for j in 0..x.len() {
            let d = x[j] - c[j];
            if j % 2 == 0 {
                l0 += d * d;
            } else {
                l1 += d * d;
            }
        }
        l0 + l1
    }

    /// Deterministic values of mixed magnitude and sign, so rounding differences would show.
    fn values(len: usize, salt: f64) -> Vec<f64> {
        (0..len)
            .map(|j| ((j as f64 + salt) * 0.37).sin() * 10f64.powi((j % 7) as i32 - 3))
            .collect()
    }

    #[test]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn table_and_sq_dist_agree_bit_for_bit_with_the_two_lane_order() {
        for d in 1..=30 {
            for k in 1..=19 {
                let x = values(d, 0.5);
                let cents = values(k * d, 11.0);
                let table = CentroidTable::new(&cents, k, d);
                // Exactly k long: the padding centroid of an odd k must not be written.
                let mut all = vec![0.0; k];
                table.sq_dists(&x, &mut all);
                for c in 0..k {
                    let row = &cents[c * d..(c + 1) * d];
                    let want = reference(&x, row);
                    assert_eq!(
                        sq_dist(&x, row).to_bits(),
                        want.to_bits(),
                        "sq_dist d={d} k={k} c={c}"
                    );
                    assert_eq!(all[c].to_bits(), want.to_bits(), "table d={d} k={k} c={c}");
                }
            }
        }
    }

    #[test]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn nearest_two_breaks_ties_by_the_lowest_index_and_reports_the_runner_up() {
        let d = 3;
        // Centroids 1 and 4 are equally near (the same point); 2 is the runner-up.
        let cents = [
            9.0, 9.0, 9.0, 1.0, 1.0, 1.0, 1.5, 1.0, 1.0, 7.0, 7.0, 7.0, 1.0, 1.0, 1.0,
        ];
        let table = CentroidTable::new(&cents, 5, d);
        let mut scratch = vec![0.0; 5];
        let (best, d1, d2) = table.nearest_two(&[1.0, 1.0, 1.0], &mut scratch);
        assert_eq!((best, d1, d2), (1, 0.0, 0.0));
        let (best, d1, d2) = table.nearest_two(&[1.6, 1.0, 1.0], &mut scratch);
        assert_eq!(best, 2);
        assert!(
            (d1 - 0.01).abs() < 1e-12 && (d2 - 0.36).abs() < 1e-12,
            "{d1} {d2}"
        );
    }

    #[test]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn every_for_each_nearest_path_breaks_ties_by_the_lowest_index() {
        // k = 3, 5 (two rows per pass), 7 (one row, all pairs), 9 (row by row, in chunks): the
        // point (1, 1, 1) sits on centroids 1 and k − 1, and every row is that point.
        for k in [3, 5, 7, 9] {
            let d = 3;
            let mut cents: Vec<f64> = (0..k * d).map(|j| 5.0 + j as f64).collect();
            for c in [1, k - 1] {
                cents[c * d..(c + 1) * d].copy_from_slice(&[1.0, 1.0, 1.0]);
            }
            let table = CentroidTable::new(&cents, k, d);
            let rows = [1.0; 5 * 3];
            let mut scratch = vec![0.0; k];
            let mut seen = 0;
            table.for_each_nearest(&rows, 5, d, &mut scratch, &mut |_, (best, d1, d2)| {
                assert_eq!((best, d1, d2), (1, 0.0, 0.0), "k={k}");
                seen += 1;
            });
            assert_eq!(seen, 5);
        }
    }

    #[test]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn four_rows_at_once_give_the_bits_of_sq_dist() {
        for d in [1, 2, 7, 22, 23] {
            for n in [0, 3, 4, 9] {
                let rows = values(n * d, 2.0);
                let c = values(d, 5.0);
                let mut seen = Vec::new();
                sq_dists_to(&rows, n, d, &c, |i, v| seen.push((i, v)));
                let want: Vec<(usize, f64)> = (0..n)
                    .map(|i| (i, reference(&rows[i * d..(i + 1) * d], &c)))
                    .collect();
                assert_eq!(seen.len(), n);
                for (got, want) in seen.iter().zip(&want) {
                    assert_eq!(
                        (got.0, got.1.to_bits()),
                        (want.0, want.1.to_bits()),
                        "d={d} n={n}"
                    );
                }
            }
        }
    }

    #[test]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn refilling_a_table_gives_the_table_of_the_new_centroids() {
        let (k, d) = (7, 5);
        let (a, b) = (values(k * d, 1.0), values(3 * d, 2.0));
        let mut table = CentroidTable::new(&a, k, d);
        table.fill(&b, 3, d);
        let fresh = CentroidTable::new(&b, 3, d);
        let x = values(d, 3.0);
        let (mut got, mut want) = (vec![0.0; 3], vec![0.0; 3]);
        table.sq_dists(&x, &mut got);
        fresh.sq_dists(&x, &mut want);
        assert_eq!(got, want);
        assert_eq!(table.k(), 3);
    }

    #[test]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn two_rows_at_once_give_the_bits_of_one_row_at_a_time() {
        for d in [1, 2, 5, 22, 23] {
            for k in 1..=11 {
                let n = 7; // odd: the last row goes through the one-row pass
                let rows = values(n * d, 4.0);
                let cents = values(k * d, 9.0);
                let table = CentroidTable::new(&cents, k, d);
                let mut seen = Vec::new();
                let mut scratch = vec![0.0; k];
                table
                    .for_each_nearest(&rows, n, d, &mut scratch, &mut |i, got| seen.push((i, got)));
                assert_eq!(
                    seen.iter().map(|s| s.0).collect::<Vec<_>>(),
                    (0..n).collect::<Vec<_>>(),
                    "row order"
                );
                for (i, (best, d1, d2)) in seen {
                    let row = &rows[i * d..(i + 1) * d];
                    let mut one = vec![0.0; k];
                    let want = table.nearest_two(row, &mut one);
                    assert_eq!(
                        (best, d1.to_bits(), d2.to_bits()),
                        (want.0, want.1.to_bits(), want.2.to_bits()),
                        "d={d} k={k} i={i}"
                    );
                    assert_eq!(
                        d1.to_bits(),
                        reference(row, &cents[best as usize * d..(best as usize + 1) * d])
                            .to_bits()
                    );
                }
            }
        }
    }
}
