//! Money in a plan: the currency (an ISO 4217 code), its minor units, and splitting a budget
//! into whole minor units (cents for EUR, yen for JPY) that add up to it exactly.

use crate::error::{echo, Result, SegError};

/// Currency of a plan when none is given.
pub const DEFAULT_CURRENCY: &str = "EUR";

/// Largest budget in minor units: every whole number up to it is exact in an f64 (2^53 ≈ 9e15).
const MAX_MINOR_UNITS: f64 = 1e15;

/// ISO 4217 currencies whose minor unit is not 2 decimals (all others have 2).
const NOT_TWO_DECIMALS: &[(&str, u32)] = &[
    ("BIF", 0),
    ("CLP", 0),
    ("DJF", 0),
    ("GNF", 0),
    ("ISK", 0),
    ("JPY", 0),
    ("KMF", 0),
    ("KRW", 0),
    ("PYG", 0),
    ("RWF", 0),
    ("UGX", 0),
    ("UYI", 0),
    ("VND", 0),
    ("VUV", 0),
    ("XAF", 0),
    ("XOF", 0),
    ("XPF", 0),
    ("BHD", 3),
    ("IQD", 3),
    ("JOD", 3),
    ("KWD", 3),
    ("LYD", 3),
    ("OMR", 3),
    ("TND", 3),
    ("CLF", 4),
    ("UYW", 4),
];

/// A checked currency: its code in capitals and the decimals of its minor unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Currency {
    pub code: String,
    pub minor_units: u32,
}

impl Currency {
    /// Check an ISO 4217 code: three ASCII letters (any case). Codes the standard gives 0, 3
    /// or 4 decimals use those; every other code uses 2.
    pub fn parse(code: &str) -> Result<Self> {
        let trimmed = code.trim();
        if trimmed.len() != 3 || !trimmed.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(SegError::option("currency", format!("`{}` is not an ISO 4217 code: give three letters, e.g. EUR, USD, GBP, CHF, JPY", echo(code))));
        }
        let code = trimmed.to_ascii_uppercase();
        let minor_units = NOT_TWO_DECIMALS.iter().find(|(c, _)| *c == code).map_or(2, |&(_, d)| d);
        Ok(Currency { code, minor_units })
    }

    /// Minor units in one unit of the currency (100 for EUR, 1 for JPY).
    pub fn scale(&self) -> f64 {
        10f64.powi(self.minor_units as i32)
    }

    /// A budget in currency units → whole minor units (rounded to the nearest).
    pub fn to_minor(&self, amount: f64) -> Result<u64> {
        let minor = amount * self.scale();
        if !(amount.is_finite() && amount >= 0.0 && minor <= MAX_MINOR_UNITS) {
            let limit = MAX_MINOR_UNITS / self.scale();
            return Err(SegError::option("budget", format!("must be a number from 0 to {limit:e} {}, got {amount}", self.code)));
        }
        Ok(minor.round() as u64)
    }

    /// Whole minor units → currency units.
    pub fn to_units(&self, minor: u64) -> f64 {
        minor as f64 / self.scale()
    }
}

/// Split `total` minor units in proportion to `weights` (largest remainder; ties by position).
pub fn largest_remainder(total: u64, weights: &[f64]) -> Vec<u64> {
    let sum: f64 = weights.iter().sum();
    if weights.is_empty() || sum <= 0.0 {
        return vec![0; weights.len()];
    }
    let exact: Vec<f64> = weights.iter().map(|w| total as f64 * w / sum).collect();
    let mut out: Vec<u64> = exact.iter().map(|e| e.floor() as u64).collect();
    let assigned: u64 = out.iter().sum();
    let mut left = total.saturating_sub(assigned);
    let mut order: Vec<usize> = (0..weights.len()).collect();
    crate::sort::sort_by(&mut order, |&a, &b| (exact[b] - exact[b].floor()).total_cmp(&(exact[a] - exact[a].floor())).then(a.cmp(&b)));
    for &i in order.iter().cycle() {
        if left == 0 {
            break;
        }
        if weights[i] > 0.0 {
            out[i] += 1;
            left -= 1;
        }
    }
    // Float flooring can overshoot by a unit on huge budgets: take it back from the largest.
    let mut over = out.iter().sum::<u64>().saturating_sub(total);
    while over > 0 {
        if let Some(i) = (0..out.len()).max_by_key(|&i| out[i]) {
            out[i] -= 1;
        }
        over -= 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn largest_remainder_sums_exactly() {
        assert_eq!(largest_remainder(100, &[1.0, 1.0, 1.0]), vec![34, 33, 33]);
        assert_eq!(largest_remainder(10, &[0.0, 1.0]), vec![0, 10]);
        assert_eq!(largest_remainder(7, &[]), Vec::<u64>::new());
        for total in [1u64, 99, 12_345_678, 999_999_999_999] {
            let w = [0.3, 1e-9, 2.7, 0.0, 5.5, 1.0 / 3.0];
            let out = largest_remainder(total, &w);
            assert_eq!(out.iter().sum::<u64>(), total);
            assert_eq!(out[3], 0);
        }
    }

    /// Codes are three letters, any case; anything else is an option error naming `currency`.
    #[test]
    fn currency_codes_are_checked() {
        assert_eq!(Currency::parse(" usd ").unwrap(), Currency { code: "USD".into(), minor_units: 2 });
        assert_eq!(Currency::parse("jpy").unwrap().minor_units, 0);
        assert_eq!(Currency::parse("KWD").unwrap().minor_units, 3);
        for bad in ["", "EU", "EURO", "€", "E1R", "ÉUR"] {
            let e = Currency::parse(bad).unwrap_err();
            assert_eq!((e.code(), e.to_string().contains("currency")), ("INVALID_OPTION", true), "{bad}");
        }
    }

    /// Rounding to minor units by hand: 0.5 yen rounds to 1 yen, 12.345 EUR to 1,235 cents.
    #[test]
    fn budgets_round_to_the_minor_unit() {
        let (eur, jpy, kwd) = (Currency::parse("EUR").unwrap(), Currency::parse("JPY").unwrap(), Currency::parse("KWD").unwrap());
        assert_eq!(eur.to_minor(12.345).unwrap(), 1235);
        assert_eq!(eur.to_minor(250_000.0).unwrap(), 25_000_000);
        assert_eq!(jpy.to_minor(1_000_000.4).unwrap(), 1_000_000);
        assert_eq!(kwd.to_minor(1.2345).unwrap(), 1235);
        assert_eq!(jpy.to_units(1234), 1234.0);
        assert_eq!(eur.to_units(1234), 12.34);
        for bad in [-1.0, f64::NAN, f64::INFINITY, 1e14] {
            assert_eq!(eur.to_minor(bad).unwrap_err().code(), "INVALID_OPTION");
        }
        assert!(jpy.to_minor(1e14).is_ok());
    }
}
