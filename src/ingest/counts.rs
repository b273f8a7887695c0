//! Engagement counts held in the narrowest exact form.
//!
//! Counts are almost always small whole numbers, and a browser worker has to hold a million
//! HCPs' counts in wasm memory: as `f64`, 1M rows × 20 columns take 160 MB; as `u8`, 20 MB.
//! [`Counts`] keeps `u8`, `u16` or `f64`, whichever is the narrowest that gives every value
//! back as the same f64 bits, so nothing computed from the counts changes.

use super::wire::{In, Out};
use std::ops::Range;

/// A row-major block of counts (n × columns), stored as `u8`, `u16` or `f64`.
///
/// The store is always the narrowest of the three that holds every value pushed so far, so
/// equal values have the same store however they were built: one read, parts merged, or
/// decoded from the wire. Values compare with `==` on the f64s they stand for.
#[derive(Debug, Clone, Default)]
pub struct Counts {
    store: Store,
}

#[derive(Debug, Clone)]
enum Store {
    U8(Vec<u8>),
    U16(Vec<u16>),
    F64(Vec<f64>),
}

impl Default for Store {
    fn default() -> Self {
        Store::U8(Vec::new())
    }
}

/// The stores from narrow to wide (the order is what `max` picks by).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Width {
    U8,
    U16,
    F64,
}

// `as` saturates and drops fractions and signs; comparing bits also refuses -0.0 and NaN.
fn fits_u8(x: f64) -> bool {
    x.to_bits() == f64::from(x as u8).to_bits()
}

fn fits_u16(x: f64) -> bool {
    x.to_bits() == f64::from(x as u16).to_bits()
}

fn width_of(x: f64) -> Width {
    if fits_u8(x) {
        Width::U8
    } else if fits_u16(x) {
        Width::U16
    } else {
        Width::F64
    }
}

/// Generic over the store, so [`Counts::column`] matches on it once, not per value.
fn column_of<T: Copy + Into<f64>>(v: &[T], j: usize, width: usize) -> Vec<f64> {
    v.get(j..).unwrap_or(&[]).iter().step_by(width).map(|&x| x.into()).collect()
}

impl Counts {
    pub fn len(&self) -> usize {
        match &self.store {
            Store::U8(v) => v.len(),
            Store::U16(v) => v.len(),
            Store::F64(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes each value takes: 1, 2 or 8.
    pub fn bytes_per_value(&self) -> usize {
        match self.width() {
            Width::U8 => 1,
            Width::U16 => 2,
            Width::F64 => 8,
        }
    }

    fn width(&self) -> Width {
        match &self.store {
            Store::U8(_) => Width::U8,
            Store::U16(_) => Width::U16,
            Store::F64(_) => Width::F64,
        }
    }

    /// Value `i` (panics past the end, as indexing a slice does).
    pub fn get(&self, i: usize) -> f64 {
        match &self.store {
            Store::U8(v) => f64::from(v[i]),
            Store::U16(v) => f64::from(v[i]),
            Store::F64(v) => v[i],
        }
    }

    pub fn push(&mut self, x: f64) {
        match &mut self.store {
            Store::U8(v) if fits_u8(x) => v.push(x as u8),
            Store::U16(v) if fits_u16(x) => v.push(x as u16),
            Store::F64(v) => v.push(x),
            _ => {
                self.widen(width_of(x));
                self.push(x);
            }
        }
    }

    /// Room for `n` more values in the current store (a wider store later keeps the room).
    pub fn reserve(&mut self, n: usize) {
        match &mut self.store {
            Store::U8(v) => v.reserve(n),
            Store::U16(v) => v.reserve(n),
            Store::F64(v) => v.reserve(n),
        }
    }

    /// Converts the values to `to` if it is wider; capacity is kept, so a reserve made for a
    /// whole read still holds after a late value widens the store.
    #[cold]
    #[inline(never)]
    fn widen(&mut self, to: Width) {
        if to <= self.width() {
            return;
        }
        fn convert<T: Copy, U>(v: &[T], capacity: usize, f: impl Fn(T) -> U) -> Vec<U> {
            let mut out = Vec::with_capacity(capacity);
            out.extend(v.iter().map(|&x| f(x)));
            out
        }
        self.store = match (&self.store, to) {
            (Store::U8(v), Width::U16) => Store::U16(convert(v, v.capacity(), u16::from)),
            (Store::U8(v), _) => Store::F64(convert(v, v.capacity(), f64::from)),
            (Store::U16(v), _) => Store::F64(convert(v, v.capacity(), f64::from)),
            (Store::F64(_), _) => return,
        };
    }

    /// `other`'s values after these (the store widened to the wider of the two first).
    pub fn extend(&mut self, other: Counts) {
        self.widen(other.width());
        match (&mut self.store, &other.store) {
            (Store::U8(a), Store::U8(b)) => a.extend_from_slice(b),
            (Store::U16(a), Store::U8(b)) => a.extend(b.iter().map(|&x| u16::from(x))),
            (Store::U16(a), Store::U16(b)) => a.extend_from_slice(b),
            (Store::F64(a), _) => other.append_to(0..other.len(), a),
            // Not reached (widen() made this store at least as wide); pushing is right anyway.
            _ => other.iter().for_each(|x| self.push(x)),
        }
    }

    /// Every value, in order.
    pub fn iter(&self) -> impl Iterator<Item = f64> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }

    pub fn to_vec(&self) -> Vec<f64> {
        let mut out = Vec::with_capacity(self.len());
        self.append_to(0..self.len(), &mut out);
        out
    }

    /// Values `range` appended to `out` as f64. One match on the store for the whole range, so
    /// a loop over rows converts a row at a time instead of matching on every value.
    pub fn append_to(&self, range: Range<usize>, out: &mut Vec<f64>) {
        match &self.store {
            Store::U8(v) => out.extend(v[range].iter().map(|&x| f64::from(x))),
            Store::U16(v) => out.extend(v[range].iter().map(|&x| f64::from(x))),
            Store::F64(v) => out.extend_from_slice(&v[range]),
        }
    }

    /// Column `j` of the values seen as rows `width` wide (width ≥ 1): values j, j + width, …
    pub fn column(&self, j: usize, width: usize) -> Vec<f64> {
        match &self.store {
            Store::U8(v) => column_of(v, j, width),
            Store::U16(v) => column_of(v, j, width),
            Store::F64(v) => column_of(v, j, width),
        }
    }

    /// The u16 store, or the u8 one when every value fits it (keeps the invariant for wire
    /// bytes that were not written by [`Out::counts`]).
    fn from_u16s(v: Vec<u16>) -> Self {
        let store = if v.iter().all(|&x| x <= u16::from(u8::MAX)) {
            Store::U8(v.into_iter().map(|x| x as u8).collect())
        } else {
            Store::U16(v)
        };
        Counts { store }
    }
}

impl From<Vec<f64>> for Counts {
    fn from(v: Vec<f64>) -> Self {
        let store = match v.iter().map(|&x| width_of(x)).max().unwrap_or(Width::U8) {
            Width::U8 => Store::U8(v.iter().map(|&x| x as u8).collect()),
            Width::U16 => Store::U16(v.iter().map(|&x| x as u16).collect()),
            Width::F64 => Store::F64(v),
        };
        Counts { store }
    }
}

impl FromIterator<f64> for Counts {
    fn from_iter<I: IntoIterator<Item = f64>>(values: I) -> Self {
        let values = values.into_iter();
        let mut c = Counts::default();
        c.reserve(values.size_hint().0);
        values.for_each(|x| c.push(x));
        c
    }
}

impl PartialEq for Counts {
    fn eq(&self, other: &Self) -> bool {
        match (&self.store, &other.store) {
            (Store::U8(a), Store::U8(b)) => a == b,
            (Store::U16(a), Store::U16(b)) => a == b,
            (Store::F64(a), Store::F64(b)) => a == b,
            // 0.0 == -0.0, and -0.0 needs the f64 store.
            _ => self.len() == other.len() && self.iter().zip(other.iter()).all(|(a, b)| a == b),
        }
    }
}

impl PartialEq<[f64]> for Counts {
    fn eq(&self, other: &[f64]) -> bool {
        self.len() == other.len() && self.iter().zip(other).all(|(a, &b)| a == b)
    }
}

impl PartialEq<Vec<f64>> for Counts {
    fn eq(&self, other: &Vec<f64>) -> bool {
        *self == other[..]
    }
}

impl<const N: usize> PartialEq<[f64; N]> for Counts {
    fn eq(&self, other: &[f64; N]) -> bool {
        *self == other[..]
    }
}

// The part wire (`parts::wire`): a width byte, the length, then the values. Widths 1 and 2
// come straight from the u8 and u16 stores; f64 counts go as u32 when every one is a whole
// number that fits (same bits back), else as f64 bits.
impl Out {
    pub(crate) fn counts(&mut self, counts: &Counts) {
        match &counts.store {
            Store::U8(v) => {
                self.u8(1);
                self.len(v.len());
                self.0.extend_from_slice(v);
            }
            Store::U16(v) => {
                self.u8(2);
                self.len(v.len());
                v.iter().for_each(|&x| self.0.extend_from_slice(&x.to_le_bytes()));
            }
            Store::F64(v) => self.f64_counts(v),
        }
    }

    /// The narrowest width whose values give every f64 back exactly. With the store's
    /// invariant only 4 and 8 occur here; 1 and 2 are kept so the bytes never depend on it.
    fn f64_counts(&mut self, v: &[f64]) {
        // One pass: every value a u32 exactly (`as` saturates, so a value that does not fit
        // fails the bit comparison), and the largest.
        let (mut whole, mut max) = (true, 0u32);
        for &x in v {
            let n = x as u32;
            whole &= x.to_bits() == f64::from(n).to_bits();
            max = max.max(n);
        }
        let width: u8 = match (whole, max) {
            (false, _) => 8,
            (true, 0..=0xFF) => 1,
            (true, 0..=0xFFFF) => 2,
            (true, _) => 4,
        };
        self.u8(width);
        self.len(v.len());
        match width {
            1 => self.0.extend(v.iter().map(|&x| x as u8)),
            2 => v.iter().for_each(|&x| self.0.extend_from_slice(&(x as u16).to_le_bytes())),
            4 => v.iter().for_each(|&x| self.u32(x as u32)),
            _ => v.iter().for_each(|&x| self.u64(x.to_bits())),
        }
    }
}

impl In<'_> {
    /// [`Out::counts`]' bytes back, into the narrowest store (u32 and f64 values are pushed
    /// one by one, so a column of small values sent wide still comes back narrow).
    pub(crate) fn counts(&mut self) -> Option<Counts> {
        let width = usize::from(self.u8()?);
        let n = self.len(width.max(1))?;
        let bytes = self.take(n * width)?;
        Some(match width {
            1 => Counts { store: Store::U8(bytes.to_vec()) },
            2 => Counts::from_u16s(bytes.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect()),
            4 => bytes.chunks_exact(4).map(|c| f64::from(u32::from_le_bytes([c[0], c[1], c[2], c[3]]))).collect(),
            8 => bytes.chunks_exact(8).map(|c| f64::from_bits(u64::from_le_bytes(c.try_into().unwrap_or([0; 8])))).collect(),
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    fn bits(v: impl IntoIterator<Item = f64>) -> Vec<u64> {
        v.into_iter().map(f64::to_bits).collect()
    }

    /// A random count of the given kind: 0 small whole, 1 u16-sized whole, 2 larger whole,
    /// 3 a decimal, 4 the odd values that still have to come back as pushed.
    fn value(rng: &mut Xoshiro256PlusPlus, kind: u32) -> f64 {
        match kind {
            0 => f64::from(rng.gen_range(0..=255u32)),
            1 => f64::from(rng.gen_range(256..=65_535u32)),
            2 => f64::from(rng.gen_range(65_536..=u32::MAX)) * if rng.gen_bool(0.5) { 1.0 } else { 1024.0 },
            3 => [0.5, 2.25, 1e-300, 7.75, 65_535.5][rng.gen_range(0..5usize)],
            _ => [-0.0, f64::INFINITY, -1.0, f64::NAN][rng.gen_range(0..4usize)],
        }
    }

    /// Random mixes pushed in random order come back bit for bit, in the narrowest store, and
    /// `From<Vec<f64>>`, `collect` and the wire agree with `push` on the store.
    #[test]
    fn pushed_values_come_back_bit_for_bit_in_the_narrowest_store() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
        for case in 0..400 {
            let kinds: Vec<u32> = (0..=rng.gen_range(0..5u32)).map(|_| rng.gen_range(0..5u32)).collect();
            let n = rng.gen_range(0..60usize);
            let values: Vec<f64> = (0..n)
                .map(|_| {
                    let kind = kinds[rng.gen_range(0..kinds.len())];
                    value(&mut rng, kind)
                })
                .collect();
            let mut pushed = Counts::default();
            values.iter().for_each(|&x| pushed.push(x));
            assert_eq!(bits(pushed.to_vec()), bits(values.iter().copied()), "case {case}");
            assert_eq!(bits(pushed.iter()), bits(values.iter().copied()), "case {case}");
            assert_eq!(pushed.len(), n);
            let narrowest = values.iter().map(|&x| width_of(x)).max().unwrap_or(Width::U8);
            assert_eq!(pushed.width(), narrowest, "case {case}: {values:?}");
            for built in [Counts::from(values.clone()), values.iter().copied().collect()] {
                assert_eq!(built.width(), pushed.width(), "case {case}");
                assert_eq!(bits(built.to_vec()), bits(values.iter().copied()), "case {case}");
            }
            let mut out = Out::default();
            out.counts(&pushed);
            let back = In(&out.0).counts().expect("decodes");
            assert_eq!((back.width(), bits(back.to_vec())), (pushed.width(), bits(values.iter().copied())), "case {case}");
        }
    }

    #[test]
    fn the_store_is_the_narrowest_that_holds_every_value() {
        let width = |v: &[f64]| Counts::from(v.to_vec()).bytes_per_value();
        assert_eq!(width(&[]), 1);
        assert_eq!(width(&[0.0, 3.0, 255.0]), 1);
        assert_eq!(width(&[0.0, 300.0, 255.0]), 2);
        assert_eq!(width(&[65_535.0]), 2);
        assert_eq!(width(&[65_536.0, 1.0]), 8);
        assert_eq!(width(&[1.0, 0.5]), 8);
        assert_eq!(width(&[300.0, 2.25]), 8);
        assert_eq!(width(&[-0.0]), 8, "-0.0 would come back as 0.0 from an integer");
        assert_eq!(width(&[f64::NAN]), 8);
        assert_eq!(width(&[256.0]), 2, "256 saturates u8");
    }

    /// Appending parts gives what one Counts of all the values gives: equal, same store, same bits.
    #[test]
    fn extend_equals_one_counts_of_all_values() {
        let parts: [&[f64]; 4] = [&[1.0, 2.0, 255.0], &[300.0, 0.0], &[4.0], &[0.5, 70_000.0]];
        for order in [[0, 1, 2, 3], [1, 0, 2, 3], [2, 0, 1, 3], [3, 0, 1, 2], [0, 2, 1, 3]] {
            for upto in 1..=4 {
                let chosen: Vec<&[f64]> = order[..upto].iter().map(|&i| parts[i]).collect();
                let all: Vec<f64> = chosen.concat();
                let mut merged = Counts::from(chosen[0].to_vec());
                merged.reserve(all.len());
                for p in &chosen[1..] {
                    merged.extend(Counts::from(p.to_vec()));
                }
                let one = Counts::from(all.clone());
                assert_eq!(merged, one, "{chosen:?}");
                assert_eq!(merged.bytes_per_value(), one.bytes_per_value(), "{chosen:?}");
                assert_eq!(bits(merged.to_vec()), bits(all.iter().copied()), "{chosen:?}");
            }
        }
    }

    #[test]
    fn rows_and_columns_read_as_f64() {
        for values in [vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0], vec![1.0, 2.0, 300.0, 4.0, 5.0, 6.0], vec![1.0, 2.0, 3.5, 4.0, 5.0, 6.0]] {
            let c = Counts::from(values.clone());
            let mut row = vec![9.0];
            c.append_to(3..6, &mut row);
            assert_eq!(row, [9.0, values[3], values[4], values[5]]);
            assert_eq!(c.column(1, 3), [values[1], values[4]]);
            assert_eq!(c.column(2, 2), [values[2], values[4]]);
            assert_eq!(c.get(2), values[2]);
        }
    }

    /// Equality is on values: 0.0 == -0.0 across stores, NaN is never equal, lengths matter.
    #[test]
    fn equality_compares_values() {
        let c = |v: &[f64]| Counts::from(v.to_vec());
        assert_eq!(c(&[0.0, 1.0]), c(&[-0.0, 1.0]));
        assert_ne!(c(&[0.0, 1.0]), c(&[0.0]));
        assert_ne!(c(&[f64::NAN]), c(&[f64::NAN]));
        assert_ne!(c(&[1.0, 300.0]), c(&[1.0, 301.0]));
        assert_eq!(c(&[1.0, 300.0]), vec![1.0, 300.0]);
        assert_eq!(c(&[1.0, 2.5]), [1.0, 2.5]);
    }

    /// A u16 column on the wire whose values all fit u8 still decodes to the u8 store.
    #[test]
    fn wide_wire_widths_of_small_values_decode_narrow() {
        for (width, value) in [(2u8, vec![7u8, 0]), (4, vec![7, 0, 0, 0]), (8, 7f64.to_bits().to_le_bytes().to_vec())] {
            let mut bytes = vec![width];
            bytes.extend_from_slice(&1u64.to_le_bytes());
            bytes.extend_from_slice(&value);
            let back = In(&bytes).counts().expect("decodes");
            assert_eq!((back.bytes_per_value(), back.to_vec()), (1, vec![7.0]), "width {width}");
        }
        assert!(In(&[3, 1, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3]).counts().is_none(), "no width 3");
    }
}
