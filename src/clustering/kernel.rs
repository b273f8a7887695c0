//! The distance kernel of the fast engine: squared Euclidean distances from one row to a block
//! of centroids, on contiguous row-major `f64` slices.
//!
//! Same bits everywhere. The sum is split into two lanes (even and odd columns), each added in
//! column order, then `lane0 + lane1`; an odd last column goes to lane 0. With `simd128` on
//! wasm32 the two lanes are one `f64x2`; elsewhere they are two scalars in the same order. No
//! FMA (wasm has none, and Rust never fuses `a * b + c` on its own), so native and wasm agree
//! to the last bit and the labels do too.

/// Squared distance between `x` and `c` (equal lengths).
#[inline]
pub fn sq_dist(x: &[f64], c: &[f64]) -> f64 {
    let mut out = [0.0];
    sq_dists_block::<1>(x, [c], &mut out);
    out[0]
}

/// Squared distances from `x` to `B` centroids at once: each element of `x` is loaded once and
/// reused for the B centroids, and the B sums are independent (no add-latency chain).
#[inline]
pub fn sq_dists_block<const B: usize>(x: &[f64], cs: [&[f64]; B], out: &mut [f64; B]) {
    imp::sq_dists_block(x, cs, out)
}

/// Squared distances from `x` to every centroid of the k × d row-major `centroids`.
#[inline]
pub fn sq_dists_all(x: &[f64], centroids: &[f64], d: usize, out: &mut [f64]) {
    let k = out.len();
    let mut c = 0;
    while c + 4 <= k {
        let mut block = [0.0; 4];
        sq_dists_block::<4>(
            x,
            [
                &centroids[c * d..(c + 1) * d],
                &centroids[(c + 1) * d..(c + 2) * d],
                &centroids[(c + 2) * d..(c + 3) * d],
                &centroids[(c + 3) * d..(c + 4) * d],
            ],
            &mut block,
        );
        out[c..c + 4].copy_from_slice(&block);
        c += 4;
    }
    while c + 2 <= k {
        let mut block = [0.0; 2];
        sq_dists_block::<2>(x, [&centroids[c * d..(c + 1) * d], &centroids[(c + 1) * d..(c + 2) * d]], &mut block);
        out[c..c + 2].copy_from_slice(&block);
        c += 2;
    }
    if c < k {
        out[c] = sq_dist(x, &centroids[c * d..(c + 1) * d]);
    }
}

/// Nearest and second-nearest centroid of `row`: (index, squared distance, second squared
/// distance). The one place every assignment goes through (k-means, members, model assign,
/// targeting), so they all agree on ties: the lowest index wins. `dists` is scratch (≥ k).
#[inline]
pub fn nearest_two(row: &[f64], centroids: &[f64], k: usize, d: usize, dists: &mut [f64]) -> (u32, f64, f64) {
    sq_dists_all(row, centroids, d, &mut dists[..k]);
    let (mut best, mut d1, mut d2) = (0u32, f64::INFINITY, f64::INFINITY);
    for (c, &dc) in dists[..k].iter().enumerate() {
        if dc < d1 {
            d2 = d1;
            d1 = dc;
            best = c as u32;
        } else if dc < d2 {
            d2 = dc;
        }
    }
    (best, d1, d2)
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod imp {
    use core::arch::wasm32::*;

    #[inline]
    pub fn sq_dists_block<const B: usize>(x: &[f64], cs: [&[f64]; B], out: &mut [f64; B]) {
        let d = x.len();
        for c in &cs {
            assert_eq!(c.len(), d);
        }
        let pairs = d / 2;
        let mut acc = [f64x2_splat(0.0); B];
        let xp = x.as_ptr() as *const v128;
        for j in 0..pairs {
            // SAFETY: 2j + 1 < d for every slice (lengths asserted equal above); v128_load is
            // an unaligned load.
            let xv = unsafe { v128_load(xp.add(j)) };
            for b in 0..B {
                let cv = unsafe { v128_load((cs[b].as_ptr() as *const v128).add(j)) };
                let diff = f64x2_sub(xv, cv);
                acc[b] = f64x2_add(acc[b], f64x2_mul(diff, diff));
            }
        }
        for b in 0..B {
            let mut lane0 = f64x2_extract_lane::<0>(acc[b]);
            let lane1 = f64x2_extract_lane::<1>(acc[b]);
            if d % 2 == 1 {
                let diff = x[d - 1] - cs[b][d - 1];
                lane0 += diff * diff;
            }
            out[b] = lane0 + lane1;
        }
    }
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
mod imp {
    #[inline]
    pub fn sq_dists_block<const B: usize>(x: &[f64], cs: [&[f64]; B], out: &mut [f64; B]) {
        let d = x.len();
        let cs = cs.map(|c| &c[..d]);
        let mut lane0 = [0.0; B];
        let mut lane1 = [0.0; B];
        let pairs = d / 2;
        for j in 0..pairs {
            let (x0, x1) = (x[2 * j], x[2 * j + 1]);
            for b in 0..B {
                let d0 = x0 - cs[b][2 * j];
                let d1 = x1 - cs[b][2 * j + 1];
                lane0[b] += d0 * d0;
                lane1[b] += d1 * d1;
            }
        }
        for b in 0..B {
            if d % 2 == 1 {
                let diff = x[d - 1] - cs[b][d - 1];
                lane0[b] += diff * diff;
            }
            out[b] = lane0[b] + lane1[b];
        }
    }
}

#[cfg(test)]
mod tests {
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

    #[test]
    fn block_sizes_agree_bit_for_bit_with_the_two_lane_order() {
        for d in 1..=9 {
            let x: Vec<f64> = (0..d).map(|j| (j as f64 * 0.37).sin()).collect();
            let cents: Vec<f64> = (0..7 * d).map(|j| (j as f64 * 1.3).cos() * 2.0).collect();
            let mut all = vec![0.0; 7];
            sq_dists_all(&x, &cents, d, &mut all);
            for c in 0..7 {
                let one = sq_dist(&x, &cents[c * d..(c + 1) * d]);
                assert_eq!(one.to_bits(), all[c].to_bits(), "d={d} c={c}");
                assert_eq!(one.to_bits(), reference(&x, &cents[c * d..(c + 1) * d]).to_bits(), "d={d} c={c}");
            }
        }
    }
}
