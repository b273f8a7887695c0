//! One stable sort for the whole crate, for the size of the wasm.
//!
//! `slice::sort_by` is generic over the element type and the comparator, so every call site
//! compiled its own copy of the standard library's driftsort: about 5 KB of wasm each, 100 KB
//! over the crate. Here the sort itself runs once, non-generically, on a permutation of indices
//! with a `dyn` comparator, and the permutation is then applied in place. The result is exactly
//! `sort_by`'s: the output of a stable sort is fully determined by the comparator.

use std::cmp::Ordering;

/// The stable order of `0..n` under `cmp` (the single driftsort instance of the crate).
#[inline(never)]
fn stable_order(n: usize, cmp: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| cmp(a, b));
    order
}

/// Same result as `v.sort_by(cmp)` (stable).
pub fn sort_by<T>(v: &mut [T], cmp: impl Fn(&T, &T) -> Ordering) {
    let order = stable_order(v.len(), &|a, b| cmp(&v[a], &v[b]));
    // Position i takes the element now at order[i]: follow each cycle of the permutation once.
    let mut placed = vec![false; v.len()];
    for start in 0..v.len() {
        let mut i = start;
        while !placed[i] {
            placed[i] = true;
            let j = order[i];
            if j == start {
                break;
            }
            v.swap(i, j);
            i = j;
        }
    }
}

/// Same result as `v.sort_by_key(key)` (stable).
pub fn sort_by_key<T, K: Ord>(v: &mut [T], key: impl Fn(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Same result as `v.sort()` (stable).
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Against the standard library's stable sort on many small random inputs with many ties
    /// (the tag records the original position, so a stability difference would show).
    #[test]
    fn same_result_as_std_stable_sort() {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for len in 0..200 {
            let v: Vec<(u64, usize)> = (0..len).map(|i| (next() % 7, i)).collect();
            let mut ours = v.clone();
            let mut std = v.clone();
            sort_by(&mut ours, |a, b| b.0.cmp(&a.0));
            std.sort_by(|a, b| b.0.cmp(&a.0));
            assert_eq!(ours, std, "len {len}");
            let mut ours = v.clone();
            let mut std = v;
            sort_by_key(&mut ours, |p| p.0);
            std.sort_by_key(|p| p.0);
            assert_eq!(ours, std, "len {len}");
        }
    }

    #[test]
    fn hand_checked_cases() {
        let mut v = vec!["b", "c", "a"];
        sort(&mut v);
        assert_eq!(v, ["a", "b", "c"]);
        // Equal keys keep their order: (1, 'x') before (1, 'y').
        let mut v = vec![(2, 'a'), (1, 'x'), (0, 'q'), (1, 'y')];
        sort_by_key(&mut v, |p| p.0);
        assert_eq!(v, [(0, 'q'), (1, 'x'), (1, 'y'), (2, 'a')]);
        let mut e: Vec<u8> = vec![];
        sort(&mut e);
        assert!(e.is_empty());
    }
}
