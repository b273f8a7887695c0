//! Platform-independent random draws on top of `Xoshiro256PlusPlus`.
//!
//! Everything here uses only integer arithmetic and the IEEE-754 operations that are exactly
//! specified (`+ - * /`, `sqrt`, comparisons, integer ↔ float conversions), so a given seed
//! produces the same draws natively and on `wasm32`. In particular no `ln`/`exp`/`powf` from the
//! platform's libm (they may differ in the last bit between targets): [`exp_det`] is our own.
//! `usize` never enters a draw either (it is 32 bits on wasm32 and 64 bits natively, and
//! `rand`'s `gen_range::<usize>` consumes the generator differently on each).

use rand::RngCore;
use rand_xoshiro::Xoshiro256PlusPlus;

pub(crate) type Rng = Xoshiro256PlusPlus;

/// Uniform in [0, 1) with 53 random bits (exact: integer → float, times a power of two).
pub(crate) fn unit(rng: &mut Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0)
}

/// Uniform integer in [0, n); 0 when n = 0. Multiply-shift (Lemire) without rejection: the bias
/// is below 2^-32 · n, irrelevant here, and the draw always consumes exactly one `u64`.
pub(crate) fn below(rng: &mut Rng, n: u32) -> u32 {
    (((rng.next_u64() >> 32) * n as u64) >> 32) as u32
}

/// Bernoulli(p).
pub(crate) fn chance(rng: &mut Rng, p: f64) -> bool {
    unit(rng) < p
}

/// Approximately standard normal: Irwin-Hall sum of 12 uniforms minus 6 (range ±6, additions only).
pub(crate) fn normal(rng: &mut Rng) -> f64 {
    let mut s = 0.0;
    for _ in 0..12 {
        s += unit(rng);
    }
    s - 6.0
}

/// e^x from a Taylor series on x / 2^k followed by k squarings: only `+ * /`, so bit-identical
/// on every IEEE-754 platform. Accurate to ~1e-13 relative for |x| ≤ 700, which is plenty for
/// drawing counts; what matters here is that it is *the same* everywhere.
pub(crate) fn exp_det(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    let x = x.clamp(-700.0, 700.0);
    let mut y = x;
    let mut k = 0u32;
    while !(-0.125..=0.125).contains(&y) {
        y /= 2.0; // exact: division by a power of two
        k += 1;
    }
    let mut sum = 1.0;
    let mut term = 1.0;
    for i in 1..=14u32 {
        term = term * y / i as f64;
        sum += term;
    }
    for _ in 0..k {
        sum *= sum;
    }
    sum
}

/// Poisson(λ). Inverse CDF by multiplication (pmf(k) = pmf(k-1) · λ / k) for λ ≤ 200, a rounded
/// normal approximation above (never reached by the sample personas' typical rows, but keeps the
/// loop short for the long tail).
pub(crate) fn poisson(rng: &mut Rng, lambda: f64) -> u32 {
    if lambda.is_nan() || lambda <= 0.0 {
        return 0;
    }
    if lambda > 200.0 {
        let v = lambda + lambda.sqrt() * normal(rng);
        return if v <= 0.0 { 0 } else { (v + 0.5) as u32 };
    }
    let u = unit(rng);
    let mut p = exp_det(-lambda);
    let mut cdf = p;
    let mut k = 0u32;
    // The cap guarantees termination if rounding leaves the cdf just under u.
    let cap = (lambda * 10.0) as u32 + 50;
    while u > cdf && k < cap {
        k += 1;
        p = p * lambda / k as f64;
        cdf += p;
    }
    k
}

/// Index drawn with probability proportional to integer weights; 0 if all weights are 0.
pub(crate) fn pick_weighted(rng: &mut Rng, weights: &[u32]) -> usize {
    let total: u32 = weights.iter().sum();
    let mut r = below(rng, total);
    for (i, &w) in weights.iter().enumerate() {
        if r < w {
            return i;
        }
        r -= w;
    }
    0
}

/// A bijective 32-bit mixer (murmur3 `fmix32`): distinct inputs give distinct outputs.
pub(crate) fn fmix32(mut h: u32) -> u32 {
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^= h >> 16;
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn exp_det_is_close_to_libm() {
        for i in -400..=400 {
            let x = i as f64 * 0.37;
            let rel = (exp_det(x) - x.exp()).abs() / x.exp();
            assert!(rel < 1e-11, "x={x} rel={rel}");
        }
    }

    #[test]
    fn poisson_mean_and_variance() {
        let mut rng = Rng::seed_from_u64(7);
        for &lambda in &[0.3, 2.0, 15.0, 80.0, 350.0] {
            let n = 20_000;
            let xs: Vec<f64> = (0..n).map(|_| poisson(&mut rng, lambda) as f64).collect();
            let mean = xs.iter().sum::<f64>() / n as f64;
            let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n as f64;
            assert!(
                (mean - lambda).abs() < 0.05 * lambda + 0.05,
                "λ={lambda} mean={mean}"
            );
            assert!(
                (var - lambda).abs() < 0.1 * lambda + 0.1,
                "λ={lambda} var={var}"
            );
        }
    }

    #[test]
    fn below_stays_in_range() {
        let mut rng = Rng::seed_from_u64(1);
        assert_eq!(below(&mut rng, 0), 0);
        for n in 1..50u32 {
            for _ in 0..100 {
                assert!(below(&mut rng, n) < n);
            }
        }
    }

    #[test]
    fn fmix32_is_injective_on_a_range() {
        let mut seen: Vec<u32> = (0..100_000u32).map(fmix32).collect();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), 100_000);
    }
}
