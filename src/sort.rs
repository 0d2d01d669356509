//! Sorting with the one sort the crate instantiates: `sort_unstable` of
//! `i64`.
//!
//! A std sort is compiled anew for each element type (and comparator),
//! each copy some 5 KB of .wasm. The layout sorts `i64` keys; the rest of
//! the crate sorts `(key, TaskId)` pairs by packing each pair into one
//! `i64` that sorts the same way, ties included, so one copy serves all.
//! The rare sort of other keys (DOT's by name) uses [`heapsort`].

use crate::id::TaskId;

/// `(high, id)` packed into an `i64` that orders like the pair: `high`
/// above `id`, with the sign bit flipped so that the unsigned order of
/// the 64 bits is the signed order of the result.
pub(crate) fn pack(high: u32, id: TaskId) -> i64 {
    ((u64::from(high) << 32 | u64::from(id.0)) ^ 1 << 63) as i64
}

/// The task of a [`pack`]ed key.
pub(crate) fn unpack(key: i64) -> TaskId {
    TaskId(key as u32)
}

/// The tasks of `pairs` in the order of a sort of the pairs (by key, then
/// by id), with `keys` every key of `pairs` sorted (a sorted superset
/// will do). Keys of any size: each is replaced by its rank in `keys`
/// (the index of its first copy there), which keeps their order and ties
/// and fits in 32 bits, as `keys` is at most one entry per task.
pub(crate) fn by_key(keys: &[i64], pairs: impl Iterator<Item = (i64, TaskId)>) -> Vec<TaskId> {
    let mut packed: Vec<i64> = pairs
        .map(|(k, t)| pack(keys.partition_point(|&x| x < k) as u32, t))
        .collect();
    packed.sort_unstable();
    packed.into_iter().map(unpack).collect()
}

/// Sorts `(key, id)` pairs, as `sort_unstable` would, whose keys all lie
/// in `lowest..=lowest + u32::MAX` (a make's released waiters, keyed by
/// `-since` for a `u32` count): a short slice by insertion (what std's
/// sort does itself below 20 elements, and no allocation), a longer one
/// packed into i64 keys and sorted as those.
#[inline]
pub(crate) fn pairs_from(v: &mut [(i64, TaskId)], lowest: i64) {
    // Inline only the usual case of nothing to sort, as std does.
    if v.len() >= 2 {
        sort_pairs_from(v, lowest);
    }
}

#[inline(never)]
fn sort_pairs_from(v: &mut [(i64, TaskId)], lowest: i64) {
    if v.len() <= 20 {
        for i in 1..v.len() {
            let mut j = i;
            while j > 0 && v[j - 1] > v[j] {
                v.swap(j - 1, j);
                j -= 1;
            }
        }
        return;
    }
    let mut packed: Vec<i64> = v
        .iter()
        .map(|&(k, t)| pack((k - lowest) as u32, t))
        .collect();
    packed.sort_unstable();
    for (pair, key) in v.iter_mut().zip(packed) {
        let bits = key as u64 ^ 1 << 63;
        *pair = (lowest + (bits >> 32) as i64, TaskId(bits as u32));
    }
}

/// Sorts `v` in place in O(n log n) without a std sort, which would bring
/// its own copy of sort code for `T`: for rare sorts of keys that do not
/// pack into an `i64`. Unstable, like `sort_unstable`; for keys where no
/// two elements compare equal (or equal ones are alike) the result is the
/// same as any sort's.
pub(crate) fn heapsort<T: Ord>(v: &mut [T]) {
    // Sift `v[root]` down the max-heap `v[..end]`.
    let sift = |v: &mut [T], mut root: usize, end: usize| loop {
        let mut child = 2 * root + 1;
        if child >= end {
            return;
        }
        if child + 1 < end && v[child] < v[child + 1] {
            child += 1;
        }
        if v[root] >= v[child] {
            return;
        }
        v.swap(root, child);
        root = child;
    };
    for root in (0..v.len() / 2).rev() {
        sift(v, root, v.len());
    }
    for end in (1..v.len()).rev() {
        v.swap(0, end);
        sift(v, 0, end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator, as in tests/common/lcg.rs.
    fn lcg(seed: &mut u64) -> u64 {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        *seed >> 33
    }

    #[test]
    fn packed_pairs_sort_like_the_pairs() {
        let mut seed = 1;
        for n in [0, 1, 2, 5, 40, 300] {
            let highs = [
                0,
                1,
                2,
                u32::MAX >> 1,
                (u32::MAX >> 1) + 1,
                u32::MAX - 1,
                u32::MAX,
            ];
            let ids = [0, 1, 7, u32::MAX >> 1, (u32::MAX >> 1) + 1, u32::MAX];
            let mut pairs: Vec<(u32, TaskId)> = (0..n)
                .map(|_| {
                    let h = highs[lcg(&mut seed) as usize % highs.len()];
                    let t = ids[lcg(&mut seed) as usize % ids.len()];
                    (h, TaskId(t))
                })
                .collect();
            let mut packed: Vec<i64> = pairs.iter().map(|&(h, t)| pack(h, t)).collect();
            pairs.sort_unstable();
            packed.sort_unstable();
            let order: Vec<TaskId> = packed.into_iter().map(unpack).collect();
            assert_eq!(order, pairs.iter().map(|p| p.1).collect::<Vec<_>>());
        }
    }

    #[test]
    fn by_key_orders_like_a_sort_of_the_pairs() {
        let mut seed = 2;
        let extremes = [i64::MIN, -1, 0, 1, i64::MAX];
        for n in [0, 1, 2, 3, 17, 200] {
            let mut pairs: Vec<(i64, TaskId)> = (0..n)
                .map(|_| {
                    let k = match lcg(&mut seed) % 3 {
                        0 => extremes[lcg(&mut seed) as usize % extremes.len()],
                        1 => (lcg(&mut seed) % 8) as i64 - 4,
                        _ => (lcg(&mut seed) << 33 | lcg(&mut seed)) as i64,
                    };
                    (k, TaskId((lcg(&mut seed) % 5) as u32))
                })
                .collect();
            let mut keys: Vec<i64> = pairs.iter().map(|p| p.0).collect();
            keys.sort_unstable();
            let order = by_key(&keys, pairs.iter().copied());
            pairs.sort_unstable();
            assert_eq!(order, pairs.iter().map(|p| p.1).collect::<Vec<_>>());
        }
    }

    #[test]
    fn pairs_from_sorts_like_sort_unstable() {
        let mut seed = 4;
        let lowest = -i64::from(u32::MAX);
        for n in [0, 1, 2, 19, 20, 21, 64, 500] {
            let mut v: Vec<(i64, TaskId)> = (0..n)
                .map(|_| {
                    let k = match lcg(&mut seed) % 3 {
                        0 => lowest,
                        1 => 0,
                        _ => -((lcg(&mut seed) % 40) as i64),
                    };
                    (k, TaskId((lcg(&mut seed) % 30) as u32))
                })
                .collect();
            let mut expected = v.clone();
            expected.sort_unstable();
            pairs_from(&mut v, lowest);
            assert_eq!(v, expected);
        }
    }

    #[test]
    fn heapsort_sorts() {
        let mut seed = 3;
        for n in 0..70 {
            let mut v: Vec<(u64, u32)> = (0..n)
                .map(|_| (lcg(&mut seed) % 9, lcg(&mut seed) as u32 % 4))
                .collect();
            let mut expected = v.clone();
            expected.sort();
            heapsort(&mut v);
            assert_eq!(v, expected);
        }
    }
}
