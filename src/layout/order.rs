//! Crossing reduction: the order of the nodes within each row. A
//! breadth-first first order, then sweeps down and up placing each node
//! at the median of its neighbours on the row just fixed, each followed
//! by transpositions of neighbours that cross less when swapped; the
//! best order seen wins. Crossings between two rows are counted in
//! O(E log V) with a Fenwick tree. A work budget bounds huge graphs.

use super::Layered;
use std::collections::VecDeque;

/// Sweeps at most; the budget or a run without progress stops earlier.
const MAX_SWEEPS: usize = 24;
/// Sweeps without a better order before giving up.
const PATIENCE: usize = 8;
/// Edge visits allowed for the whole reduction.
const BUDGET: usize = 30_000_000;

pub fn order(l: &mut Layered) {
    first_order(l);
    let edges: usize = l.down.iter().map(Vec::len).sum();
    let mut best = l.layers.clone();
    let mut fewest = crossings(l);
    let mut work = 0;
    let mut stale = 0;
    let mut scratch = Scratch::default();
    for sweep in 0..MAX_SWEEPS {
        if fewest == 0 || stale >= PATIENCE || work > BUDGET {
            break;
        }
        let downwards = sweep % 2 == 0;
        let rows: Vec<usize> = if downwards {
            (1..l.layers.len()).collect()
        } else {
            (0..l.layers.len().saturating_sub(1)).rev().collect()
        };
        for &r in &rows {
            by_median(l, r, downwards, &mut scratch);
        }
        // Equal swaps on every other sweep let the order drift across
        // plateaus, as Graphviz does; passes stop when nothing moves.
        let drift = sweep % 4 >= 2;
        work += transpose(l, drift, BUDGET.saturating_sub(work), &mut scratch);
        work += 2 * edges;
        let now = crossings(l);
        if now < fewest {
            fewest = now;
            best.clone_from(&l.layers);
            stale = 0;
        } else {
            stale += 1;
        }
    }
    l.layers = best;
    renumber(l);
}

/// Rows filled breadth first from the nodes with nothing above, in node
/// order, so related nodes start close together.
fn first_order(l: &mut Layered) {
    let n = l.w.len();
    let rows = l.rank.iter().copied().max().map_or(0, |r| r + 1);
    l.layers = vec![Vec::new(); rows];
    let mut seen = vec![false; n];
    let mut queue = VecDeque::new();
    let starts = (0..n).filter(|&v| l.up[v].is_empty()).chain(0..n);
    for start in starts {
        if seen[start] {
            continue;
        }
        seen[start] = true;
        queue.push_back(start as u32);
        while let Some(v) = queue.pop_front() {
            let v = v as usize;
            l.layers[l.rank[v]].push(v as u32);
            for &w in &l.down[v] {
                if !seen[w as usize] {
                    seen[w as usize] = true;
                    queue.push_back(w);
                }
            }
        }
    }
    renumber(l);
}

fn renumber(l: &mut Layered) {
    l.pos.resize(l.w.len(), 0);
    for row in &l.layers {
        for (i, &v) in row.iter().enumerate() {
            l.pos[v as usize] = i as u32;
        }
    }
}

#[derive(Default)]
struct Scratch {
    // i64 throughout: the crate already sorts i64, and every other sorted
    // type would add its own copy of the sort to the .wasm.
    a: Vec<i64>,
    b: Vec<i64>,
    keyed: Vec<i64>,
    row: Vec<u32>,
}

/// Sorts row `r` by the median position of each node's neighbours in the
/// row above (`downwards`) or below; nodes without any keep their place.
fn by_median(l: &mut Layered, r: usize, downwards: bool, s: &mut Scratch) {
    s.keyed.clear();
    s.row.clear();
    s.row.extend_from_slice(&l.layers[r]);
    for (i, &v) in s.row.iter().enumerate() {
        let near = if downwards {
            &l.up[v as usize]
        } else {
            &l.down[v as usize]
        };
        s.a.clear();
        s.a.extend(near.iter().map(|&w| i64::from(l.pos[w as usize])));
        if let Some(m) = median(&mut s.a) {
            // The median in 1/256ths above, the old slot below: equal
            // medians keep their order.
            s.keyed.push(((m * 256.0) as i64) << 32 | i as i64);
        }
    }
    s.keyed.sort_unstable();
    let mut next = s.keyed.iter();
    for slot in l.layers[r].iter_mut() {
        let near = if downwards {
            &l.up[*slot as usize]
        } else {
            &l.down[*slot as usize]
        };
        if near.is_empty() {
            continue;
        }
        if let Some(&key) = next.next() {
            *slot = s.row[(key & 0xffff_ffff) as usize];
        }
    }
    for (i, &v) in l.layers[r].iter().enumerate() {
        l.pos[v as usize] = i as u32;
    }
}

/// Graphviz's weighted median: the middle position, or for an even count
/// a mean of the two middle ones weighted towards the tighter side.
fn median(p: &mut [i64]) -> Option<f64> {
    p.sort_unstable();
    let n = p.len();
    let at = |i: usize| p[i] as f64;
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(at(n / 2)),
        2 => Some((at(0) + at(1)) / 2.0),
        _ => {
            let m = n / 2;
            let left = at(m - 1) - at(0);
            let right = at(n - 1) - at(m);
            if left + right == 0.0 {
                Some((at(m - 1) + at(m)) / 2.0)
            } else {
                Some((at(m - 1) * right + at(m) * left) / (left + right))
            }
        }
    }
}

/// Passes over the rows swapping neighbours whose edges cross less the
/// other way round, until no swap helps; only rows next to a change are
/// looked at again. Returns the edge visits spent.
fn transpose(l: &mut Layered, drift: bool, budget: usize, s: &mut Scratch) -> usize {
    let rows = l.layers.len();
    let mut todo = vec![true; rows];
    let mut work = 0;
    for _ in 0..16 {
        let mut next = vec![false; rows];
        let mut any = false;
        for r in (0..rows).filter(|&r| todo[r]) {
            let (better, visits) = transpose_row(l, r, drift, s);
            work += visits;
            if better {
                any = true;
                next[r] = true;
                next[r.saturating_sub(1)] = true;
                if r + 1 < rows {
                    next[r + 1] = true;
                }
            }
        }
        todo = next;
        if !any || work > budget {
            break;
        }
    }
    work
}

/// One pass over row `r`; whether a swap removed crossings, and the edge
/// visits spent.
fn transpose_row(l: &mut Layered, r: usize, drift: bool, s: &mut Scratch) -> (bool, usize) {
    let mut better = false;
    let mut work = 0;
    for i in 1..l.layers[r].len() {
        let (v, w) = (l.layers[r][i - 1] as usize, l.layers[r][i] as usize);
        let (mut keep, mut swap) = (0, 0);
        for up in [true, false] {
            let (kv, kw) = pair_crossings(l, v, w, up, s);
            keep += kv;
            swap += kw;
        }
        work += l.up[v].len() + l.down[v].len() + l.up[w].len() + l.down[w].len();
        if swap < keep || (drift && swap == keep && keep > 0) {
            l.layers[r].swap(i - 1, i);
            l.pos[v] = i as u32;
            l.pos[w] = (i - 1) as u32;
            better |= swap < keep;
        }
    }
    (better, work)
}

/// Crossings among the edges of `v` and `w` (towards the row above, or
/// below) with `v` left of `w`, and with `w` left of `v`.
fn pair_crossings(l: &Layered, v: usize, w: usize, up: bool, s: &mut Scratch) -> (u64, u64) {
    let near = |x: usize| if up { &l.up[x] } else { &l.down[x] };
    s.a.clear();
    s.a.extend(near(v).iter().map(|&x| i64::from(l.pos[x as usize])));
    s.b.clear();
    s.b.extend(near(w).iter().map(|&x| i64::from(l.pos[x as usize])));
    if s.a.is_empty() || s.b.is_empty() {
        return (0, 0);
    }
    s.a.sort_unstable();
    s.b.sort_unstable();
    // v left of w: pairs with a > b cross; w left of v: pairs with b > a.
    let (mut keep, mut swap) = (0u64, 0u64);
    let mut j = 0;
    for &a in &s.a {
        while j < s.b.len() && s.b[j] < a {
            j += 1;
        }
        keep += j as u64;
    }
    let mut i = 0;
    for &b in &s.b {
        while i < s.a.len() && s.a[i] < b {
            i += 1;
        }
        swap += i as u64;
    }
    (keep, swap)
}

/// All crossings of the current order.
pub fn crossings(l: &Layered) -> u64 {
    let mut tree = Vec::new();
    (0..l.layers.len().saturating_sub(1))
        .map(|r| crossings_below(l, r, &mut tree))
        .sum()
}

/// Crossings between row `r` and the next (Barth, Jünger and Mutzel):
/// edges sorted by upper then lower end; crossings are the inversions
/// among the lower ends, counted with a Fenwick tree.
fn crossings_below(l: &Layered, r: usize, tree: &mut Vec<u64>) -> u64 {
    let size = l.layers[r + 1].len();
    tree.clear();
    tree.resize(size + 1, 0);
    let mut ends: Vec<i64> = Vec::new();
    let mut count = 0u64;
    let mut seen = 0u64;
    for &v in &l.layers[r] {
        ends.clear();
        ends.extend(
            l.down[v as usize]
                .iter()
                .map(|&w| i64::from(l.pos[w as usize])),
        );
        ends.sort_unstable();
        for &p in &ends {
            // Earlier edges ending right of p cross this one.
            let mut i = p as usize + 1;
            let mut not_right = 0;
            while i > 0 {
                not_right += tree[i];
                i &= i - 1;
            }
            count += seen - not_right;
            let mut i = p as usize + 1;
            while i <= size {
                tree[i] += 1;
                i += i & i.wrapping_neg();
            }
            seen += 1;
        }
    }
    count
}
