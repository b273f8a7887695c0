//! Micro-kernels for the bench, exported as plain wasm functions (no bindgen).
//!
//! `peak_c2` … `peak_c8(iters)`: C independent f64x2 chains, each step `p = p · m` then
//! `acc = acc + p` (a mul and an add: wasm has no FMA), so 2 · C f64 multiply-adds per step.
//! The bench takes the fastest C on the machine at hand as the peak: more chains hide the
//! multiply's latency, but past ~7 they no longer fit V8's 16 x86-64 vector registers. The
//! product changes every step, so it cannot be hoisted out of the loop. (The first version, `acc = acc + x · y` with x and y fixed, had its
//! multiply hoisted by LLVM: `wasm-dis` showed a loop of adds only, so it timed adds and counted
//! them as multiply-adds.) Check with `wasm-dis` that each loop body has its `f64x2.mul`.
//! `peak_f64(iters)`: the same step in 8 scalar chains (8 multiply-adds per step).
//! `assign_pass(n, d, k)`: one full-scan assignment step of the engine (its own distance kernel,
//! src/clustering/kernel.rs, compiled in unchanged) over an n × d matrix and k centroids held in
//! this module's memory: n·k·d multiply-adds (plus a subtract each), then the argmin.
//! `assign_pass_rowmajor(n, d, k)`: the same pass with the kernel the engine had before
//! (row-major centroids in blocks of 4, one horizontal add per centroid), kept so the two are
//! compared in the same run.
//! `stream_sum(n, d)`: only the reads of that pass (the matrix summed, no distances).
#![allow(clippy::missing_safety_doc)]

#[path = "../../../src/clustering/kernel.rs"]
#[allow(dead_code)]
mod kernel;

#[cfg(target_arch = "wasm32")]
use core::arch::wasm32::*;

#[cfg(target_arch = "wasm32")]
#[inline(always)]
fn chains<const C: usize>(iters: u32, x: f64, y: f64) -> f64 {
    // y ≈ 1 (the bench passes 0.9999999), so p stays normal for any iteration count it uses.
    let m = f64x2(y, y);
    let mut p = [f64x2_splat(0.0); C];
    let mut acc = [f64x2_splat(0.0); C];
    for i in 0..C {
        p[i] = f64x2(x + i as f64, x - i as f64 * 0.25);
        acc[i] = f64x2_splat(i as f64);
    }
    for _ in 0..iters {
        for i in 0..C {
            p[i] = f64x2_mul(p[i], m);
            acc[i] = f64x2_add(acc[i], p[i]);
        }
    }
    let mut s = f64x2_splat(0.0);
    for i in 0..C {
        s = f64x2_add(s, f64x2_add(acc[i], p[i]));
    }
    f64x2_extract_lane::<0>(s) + f64x2_extract_lane::<1>(s)
}

/// `peak_cC(iters, x, y)` = `chains::<C>`, one export per chain count.
macro_rules! peak_exports {
    ($($name:ident = $c:literal),*) => {$(
        #[cfg(target_arch = "wasm32")]
        #[no_mangle]
        pub extern "C" fn $name(iters: u32, x: f64, y: f64) -> f64 {
            chains::<$c>(iters, x, y)
        }
    )*};
}
peak_exports!(peak_c2 = 2, peak_c3 = 3, peak_c4 = 4, peak_c5 = 5, peak_c6 = 6, peak_c7 = 7, peak_c8 = 8);

#[no_mangle]
pub extern "C" fn peak_f64(iters: u32, x: f64, y: f64) -> f64 {
    // Scalar twin of `chains`: 8 chains of p = p · y, acc = acc + p.
    let mut p = [0.0f64; 8];
    let mut acc = [0.0f64; 8];
    for i in 0..8 {
        p[i] = x + i as f64;
        acc[i] = i as f64;
    }
    for _ in 0..iters {
        for i in 0..8 {
            p[i] *= y;
            acc[i] += p[i];
        }
    }
    acc.iter().zip(&p).map(|(a, p)| a + p).sum()
}

static mut BUF: Vec<f64> = Vec::new();

/// Fill an n × d matrix and k centroids with deterministic values (call before `assign_pass`).
#[no_mangle]
pub unsafe extern "C" fn setup(n: u32, d: u32, k: u32) {
    let len = (n * d + k * d) as usize;
    let buf = &mut *core::ptr::addr_of_mut!(BUF);
    buf.clear();
    buf.extend((0..len).map(|i| ((i * 7919 % 1000) as f64) * 0.001));
}

#[no_mangle]
pub unsafe extern "C" fn assign_pass(n: u32, d: u32, k: u32) -> f64 {
    let (n, d, k) = (n as usize, d as usize, k as usize);
    let buf = &*core::ptr::addr_of!(BUF);
    let (data, cents) = buf.split_at(n * d);
    let table = kernel::CentroidTable::new(cents, k, d);
    let mut dists = vec![0.0; 2 * k];
    let mut total = 0.0;
    table.for_each_nearest(data, n, d, &mut dists, &mut |_, (_, best, _)| total += best);
    total
}

/// The engine's kernel before the centroid table (main at fdadf35): distances to 4, then 2,
/// then 1 row-major centroids at a time, each lane pair reduced by a horizontal add.
#[cfg(target_arch = "wasm32")]
#[no_mangle]
pub unsafe extern "C" fn assign_pass_rowmajor(n: u32, d: u32, k: u32) -> f64 {
    let (n, d, k) = (n as usize, d as usize, k as usize);
    let buf = &*core::ptr::addr_of!(BUF);
    let (data, cents) = buf.split_at(n * d);
    let mut dists = vec![0.0; k];
    let mut total = 0.0;
    for i in 0..n {
        let x = &data[i * d..(i + 1) * d];
        let mut c = 0;
        while c + 4 <= k {
            let mut out = [0.0; 4];
            rowmajor_block::<4>(x, [&cents[c * d..], &cents[(c + 1) * d..], &cents[(c + 2) * d..], &cents[(c + 3) * d..]], &mut out);
            dists[c..c + 4].copy_from_slice(&out);
            c += 4;
        }
        while c + 2 <= k {
            let mut out = [0.0; 2];
            rowmajor_block::<2>(x, [&cents[c * d..], &cents[(c + 1) * d..]], &mut out);
            dists[c..c + 2].copy_from_slice(&out);
            c += 2;
        }
        if c < k {
            let mut out = [0.0; 1];
            rowmajor_block::<1>(x, [&cents[c * d..]], &mut out);
            dists[c] = out[0];
        }
        let mut best = f64::INFINITY;
        for &v in &dists {
            if v < best {
                best = v;
            }
        }
        total += best;
    }
    total
}

#[cfg(target_arch = "wasm32")]
#[inline]
fn rowmajor_block<const B: usize>(x: &[f64], cs: [&[f64]; B], out: &mut [f64; B]) {
    let d = x.len();
    let pairs = d / 2;
    let mut acc = [f64x2_splat(0.0); B];
    let xp = x.as_ptr() as *const v128;
    for j in 0..pairs {
        // SAFETY: 2j + 1 < d ≤ every slice's length.
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


/// Stream the n × d matrix once into 4 f64x2 sums: the memory-read time of a pass with no
/// distance work, to show how much of a pass over rows that do not fit in cache is memory.
#[cfg(target_arch = "wasm32")]
#[no_mangle]
pub unsafe extern "C" fn stream_sum(n: u32, d: u32) -> f64 {
    let buf = &*core::ptr::addr_of!(BUF);
    let len = (n * d) as usize / 8 * 8;
    let p = buf.as_ptr();
    let mut acc = [f64x2_splat(0.0); 4];
    let mut i = 0;
    while i < len {
        for (r, a) in acc.iter_mut().enumerate() {
            // SAFETY: i + 2r + 1 < len ≤ the buffer's length.
            *a = f64x2_add(*a, v128_load(p.add(i + 2 * r) as *const v128));
        }
        i += 8;
    }
    let s = f64x2_add(f64x2_add(acc[0], acc[1]), f64x2_add(acc[2], acc[3]));
    f64x2_extract_lane::<0>(s) + f64x2_extract_lane::<1>(s)
}
