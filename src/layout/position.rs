//! Coordinates. Rows get y from their tallest slot. For x, every edge
//! pulls its two ends together with a weight (1 between boxes, 2 between a
//! box and an edge slot, 8 between two slots, as in Graphviz, so long
//! edges come out straight); rows are swept down and up, and each row
//! takes the positions that minimise the weighted squared pull subject to
//! the gaps between neighbours — a weighted isotonic regression, solved
//! exactly in linear time by pooling adjacent violators. Rows therefore
//! never overlap and stay as compact as their edges allow.
//!
//! Wide fans wrap: a row of more than [`WRAP_OVER`] siblings (boxes with
//! at most one edge up, all to one parent, and one down, all to one child;
//! no edge passing through) is laid out as a grid of sub-rows, in order,
//! left to right then top to bottom, about twice as wide as tall. Beside each column run
//! two lanes, which carry the edges into the column's lower boxes (left
//! lane) and out of its upper boxes (right lane) like a bus.

use super::{Layered, MARGIN, NODE_SEP, RANK_SEP};

/// Down-and-up sweeps over the rows.
const SWEEPS: usize = 12;
/// Rows with more boxes than this wrap.
pub const WRAP_OVER: usize = 64;
/// Room between the sub-rows of a wrapped row, for edges to turn in.
pub const GUTTER: f64 = 28.0;
/// Width of a lane beside a column of a wrapped row.
pub const LANE: f64 = 12.0;

/// A wrapped row: `subs` sub-rows of `cols` cells, `col_w` by `cell_h`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Wrap {
    pub cols: usize,
    pub subs: usize,
    pub col_w: f64,
    pub cell_h: f64,
}

pub(crate) struct Placed {
    /// Centre x of every node (real and dummy).
    pub x: Vec<f64>,
    /// Top and bottom of every node's cell: its row's band, or its
    /// sub-row in a wrapped row.
    pub cell: Vec<(f64, f64)>,
    pub band_top: Vec<f64>,
    pub band_h: Vec<f64>,
    pub wraps: Vec<Option<Wrap>>,
    pub width: f64,
    pub height: f64,
}

impl Placed {
    /// For a box of a wrapped row: the x of the lane its edges take
    /// through the sub-rows below it (`down`) or above it, if any.
    pub fn lane(&self, l: &Layered, v: usize, down: bool) -> Option<f64> {
        let w = self.wraps[l.rank[v]]?;
        let sub = l.pos[v] as usize / w.cols;
        let needed = if down { sub + 1 < w.subs } else { sub > 0 };
        let side = w.col_w / 2.0 + LANE / 2.0;
        needed.then(|| {
            if down {
                self.x[v] + side
            } else {
                self.x[v] - side
            }
        })
    }

    pub fn centre_y(&self, v: usize) -> f64 {
        (self.cell[v].0 + self.cell[v].1) / 2.0
    }
}

pub(crate) fn place(l: &Layered) -> Placed {
    let rows = l.layers.len();
    let wraps: Vec<Option<Wrap>> = l.layers.iter().map(|row| wrap_of(l, row)).collect();
    let mut band_h = vec![0.0f64; rows];
    for (r, row) in l.layers.iter().enumerate() {
        band_h[r] = match wraps[r] {
            Some(w) => w.subs as f64 * w.cell_h + (w.subs - 1) as f64 * GUTTER,
            None => row.iter().map(|&v| l.h[v as usize]).fold(0.0, f64::max),
        };
    }
    let mut band_top = Vec::with_capacity(rows);
    let mut y = MARGIN;
    for &h in &band_h {
        band_top.push(y);
        y += h + RANK_SEP;
    }
    let height = if rows == 0 {
        2.0 * MARGIN
    } else {
        y - RANK_SEP + MARGIN
    };
    let mut x = vec![0.0f64; l.w.len()];
    for (r, row) in l.layers.iter().enumerate() {
        let mut at = 0.0;
        for u in 0..units(row, wraps[r]) {
            at += unit_gap(l, row, wraps[r], u);
            for &v in members(row, wraps[r], u) {
                x[v as usize] = at;
            }
        }
    }
    let mut s = Scratch::default();
    for sweep in 0..SWEEPS {
        for i in 0..rows {
            let r = if sweep % 2 == 0 { i } else { rows - 1 - i };
            place_row(l, r, wraps[r], &mut x, &mut s);
        }
    }
    straighten(l, &mut x);
    let half = |v: usize| match wraps[l.rank[v]] {
        Some(w) => w.col_w / 2.0 + LANE,
        None => l.w[v] / 2.0,
    };
    let left = (0..l.w.len())
        .map(|v| x[v] - half(v))
        .fold(f64::INFINITY, f64::min);
    let shift = if left.is_finite() { MARGIN - left } else { 0.0 };
    x.iter_mut().for_each(|c| *c += shift);
    let right = (0..l.w.len()).map(|v| x[v] + half(v)).fold(0.0, f64::max);
    let cell = (0..l.w.len())
        .map(|v| {
            let r = l.rank[v];
            match wraps[r] {
                Some(w) => {
                    let sub = (l.pos[v] as usize / w.cols) as f64;
                    let top = band_top[r] + sub * (w.cell_h + GUTTER);
                    (top, top + w.cell_h)
                }
                None => (band_top[r], band_top[r] + band_h[r]),
            }
        })
        .collect();
    Placed {
        x,
        cell,
        band_top,
        band_h,
        wraps,
        width: if l.w.is_empty() {
            2.0 * MARGIN
        } else {
            right + MARGIN
        },
        height,
    }
}

/// Whether and how a row wraps: only fans, into columns chosen so the grid
/// is about twice as wide as it is tall.
fn wrap_of(l: &Layered, row: &[u32]) -> Option<Wrap> {
    if row.len() <= WRAP_OVER || !is_fan(l, row) {
        return None;
    }
    let col_w = row.iter().map(|&v| l.w[v as usize]).fold(0.0, f64::max);
    let cell_h = row.iter().map(|&v| l.h[v as usize]).fold(0.0, f64::max);
    let pitch_x = col_w + 2.0 * LANE + NODE_SEP / 2.0;
    let pitch_y = cell_h + GUTTER;
    let cols = (2.0 * row.len() as f64 * pitch_y / pitch_x).sqrt().ceil() as usize;
    let cols = cols.clamp(1, row.len());
    Some(Wrap {
        cols,
        subs: row.len().div_ceil(cols),
        col_w,
        cell_h,
    })
}

/// Whether a row holds siblings of a fan: boxes only, each with one edge up
/// and one down at most, all the edges up to one box and all the edges down
/// to one box. So every edge in a lane shares its other end: a bus.
fn is_fan(l: &Layered, row: &[u32]) -> bool {
    let mut parent = None;
    let mut child = None;
    let same = |seen: &mut Option<u32>, near: &[u32]| match (near, *seen) {
        ([], _) => true,
        ([one], None) => {
            *seen = Some(*one);
            true
        }
        ([one], Some(known)) => *one == known,
        _ => false,
    };
    row.iter().all(|&v| {
        let v = v as usize;
        v < l.real && same(&mut parent, &l.up[v]) && same(&mut child, &l.down[v])
    })
}

/// What moves as one on a row: each box, or each column of a wrapped row.
fn units(row: &[u32], wrap: Option<Wrap>) -> usize {
    wrap.map_or(row.len(), |w| w.cols.min(row.len()))
}

fn members(row: &[u32], wrap: Option<Wrap>, u: usize) -> impl Iterator<Item = &u32> {
    let (step, take) = wrap.map_or((1, 1), |w| (w.cols, usize::MAX));
    row.iter().skip(u).step_by(step).take(take)
}

/// Distance from the centre of unit `u - 1` to that of unit `u` (0 for the
/// first): edge slots may sit closer to each other than boxes do.
fn unit_gap(l: &Layered, row: &[u32], wrap: Option<Wrap>, u: usize) -> f64 {
    if u == 0 {
        return 0.0;
    }
    if let Some(w) = wrap {
        return w.col_w + 2.0 * LANE + NODE_SEP / 2.0;
    }
    pair_gap(l, row[u - 1], row[u])
}

/// Distance between the centres of row neighbours `a` and `b`.
fn pair_gap(l: &Layered, a: u32, b: u32) -> f64 {
    let (a, b) = (a as usize, b as usize);
    let both_real = a < l.real && b < l.real;
    let sep = if both_real { NODE_SEP } else { NODE_SEP / 2.0 };
    (l.w[a] + l.w[b]) / 2.0 + sep
}

/// Lines up each run of edge slots (a long edge between two boxes) at one
/// x where its row neighbours leave room, trying the middle slot's x, then
/// the first's, then the last's; failing that, in as few straight pieces
/// as room allows. Long edges run straight instead of wavering.
fn straighten(l: &Layered, x: &mut [f64]) {
    let dummy = |v: u32| v as usize >= l.real;
    for start in l.real..l.w.len() {
        if l.up[start].first().is_some_and(|&u| dummy(u)) {
            continue;
        }
        let mut run = vec![start];
        while let Some(&next) = run.last().and_then(|&v| l.down[v].first()) {
            if !dummy(next) {
                break;
            }
            run.push(next as usize);
        }
        let candidates = [x[run[run.len() / 2]], x[run[0]], x[run[run.len() - 1]]];
        if let Some(&at) = candidates
            .iter()
            .find(|&&at| run.iter().all(|&d| room_at(l, x, d, at)))
        {
            run.iter().for_each(|&d| x[d] = at);
            continue;
        }
        // No room for one straight line: at least line up each slot with
        // the one before it, then after it, where there is room.
        for i in 1..run.len() {
            if room_at(l, x, run[i], x[run[i - 1]]) {
                x[run[i]] = x[run[i - 1]];
            }
        }
        for i in (1..run.len()).rev() {
            if room_at(l, x, run[i - 1], x[run[i]]) {
                x[run[i - 1]] = x[run[i]];
            }
        }
    }
}

/// Whether slot `d` may move to `at` without crowding its row neighbours.
fn room_at(l: &Layered, x: &[f64], d: usize, at: f64) -> bool {
    let row = &l.layers[l.rank[d]];
    let p = l.pos[d] as usize;
    let left = p == 0 || at - x[row[p - 1] as usize] >= pair_gap(l, row[p - 1], d as u32) - 1e-9;
    let right = p + 1 == row.len()
        || x[row[p + 1] as usize] - at >= pair_gap(l, d as u32, row[p + 1]) - 1e-9;
    left && right
}

fn weight(l: &Layered, a: usize, b: usize) -> f64 {
    match (a < l.real, b < l.real) {
        (true, true) => 1.0,
        (false, false) => 8.0,
        _ => 2.0,
    }
}

#[derive(Default)]
struct Scratch {
    /// Per unit of the row: wanted position (less its offset), weight.
    want: Vec<(f64, f64)>,
    offset: Vec<f64>,
    /// Pooled blocks: total weight, weighted sum, length.
    blocks: Vec<(f64, f64, usize)>,
}

/// Moves the units of row `r` as near their neighbours' mean as the gaps
/// allow (pool adjacent violators on x minus the cumulated gaps).
fn place_row(l: &Layered, r: usize, wrap: Option<Wrap>, x: &mut [f64], s: &mut Scratch) {
    let row = &l.layers[r];
    s.want.clear();
    s.offset.clear();
    let mut offset = 0.0;
    for u in 0..units(row, wrap) {
        offset += unit_gap(l, row, wrap, u);
        let (mut sum, mut total) = (0.0, 0.0);
        for &v in members(row, wrap, u) {
            let v = v as usize;
            for &w in l.up[v].iter().chain(&l.down[v]) {
                let k = weight(l, v, w as usize);
                sum += k * x[w as usize];
                total += k;
            }
        }
        // A unit with no edges stays where it is, gently.
        let (want, k) = if total > 0.0 {
            (sum / total, total)
        } else {
            (x[row[u] as usize], 1e-3)
        };
        s.want.push((want - offset, k));
        s.offset.push(offset);
    }
    s.blocks.clear();
    for &(want, k) in &s.want {
        s.blocks.push((k, k * want, 1));
        while s.blocks.len() > 1 {
            let (k2, sum2, n2) = s.blocks[s.blocks.len() - 1];
            let (k1, sum1, n1) = s.blocks[s.blocks.len() - 2];
            if sum1 / k1 < sum2 / k2 {
                break;
            }
            s.blocks.pop();
            let last = s.blocks.len() - 1;
            s.blocks[last] = (k1 + k2, sum1 + sum2, n1 + n2);
        }
    }
    let mut u = 0;
    for &(k, sum, n) in &s.blocks {
        for _ in 0..n {
            for &v in members(row, wrap, u) {
                x[v as usize] = sum / k + s.offset[u];
            }
            u += 1;
        }
    }
}
