//! Coordinates. Rows get y from their tallest slot. For x, every edge
//! pulls its two ends together with a weight (1 between boxes, 2 between a
//! box and an edge slot, 8 between two slots, as in Graphviz, so long
//! edges come out straight); rows are swept down and up, and each row
//! takes the positions that minimise the weighted squared pull subject to
//! the gaps between neighbours — a weighted isotonic regression, solved
//! exactly in linear time by pooling adjacent violators. Rows therefore
//! never overlap and stay as compact as their edges allow.

use super::{Layered, MARGIN, NODE_SEP, RANK_SEP};

/// Down-and-up sweeps over the rows.
const SWEEPS: usize = 12;

pub(crate) struct Placed {
    /// Centre x of every node (real and dummy).
    pub x: Vec<f64>,
    pub band_top: Vec<f64>,
    pub band_h: Vec<f64>,
    pub width: f64,
    pub height: f64,
}

pub(crate) fn place(l: &Layered) -> Placed {
    let rows = l.layers.len();
    let mut band_h = vec![0.0f64; rows];
    for (r, row) in l.layers.iter().enumerate() {
        band_h[r] = row.iter().map(|&v| l.h[v as usize]).fold(0.0, f64::max);
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
    for row in &l.layers {
        let mut at = 0.0;
        for (i, &v) in row.iter().enumerate() {
            if i > 0 {
                at += gap(l, row[i - 1], v);
            }
            x[v as usize] = at;
        }
    }
    let mut s = Scratch::default();
    for sweep in 0..SWEEPS {
        for i in 0..rows {
            let r = if sweep % 2 == 0 { i } else { rows - 1 - i };
            place_row(l, r, &mut x, &mut s);
        }
    }
    let left = (0..l.w.len())
        .map(|v| x[v] - l.w[v] / 2.0)
        .fold(f64::INFINITY, f64::min);
    let shift = if left.is_finite() { MARGIN - left } else { 0.0 };
    x.iter_mut().for_each(|c| *c += shift);
    let right = (0..l.w.len())
        .map(|v| x[v] + l.w[v] / 2.0)
        .fold(0.0, f64::max);
    Placed {
        x,
        band_top,
        band_h,
        width: if l.w.is_empty() {
            2.0 * MARGIN
        } else {
            right + MARGIN
        },
        height,
    }
}

/// Distance between the centres of neighbours `a` and `b` on a row:
/// edge slots may sit closer to each other than boxes do.
fn gap(l: &Layered, a: u32, b: u32) -> f64 {
    let (a, b) = (a as usize, b as usize);
    let both_real = a < l.real && b < l.real;
    let sep = if both_real { NODE_SEP } else { NODE_SEP / 2.0 };
    (l.w[a] + l.w[b]) / 2.0 + sep
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
    /// Per node of the row: wanted position (shifted by its offset), weight.
    want: Vec<(f64, f64)>,
    offset: Vec<f64>,
    /// Pooled blocks: total weight, weighted sum, length.
    blocks: Vec<(f64, f64, usize)>,
}

/// Moves the nodes of row `r` as near their neighbours' mean as the gaps
/// allow (pool adjacent violators on x minus the cumulated gaps).
fn place_row(l: &Layered, r: usize, x: &mut [f64], s: &mut Scratch) {
    let row = &l.layers[r];
    s.want.clear();
    s.offset.clear();
    let mut offset = 0.0;
    for (i, &v) in row.iter().enumerate() {
        let v = v as usize;
        if i > 0 {
            offset += gap(l, row[i - 1], v as u32);
        }
        let (mut sum, mut total) = (0.0, 0.0);
        for &w in l.up[v].iter().chain(&l.down[v]) {
            let k = weight(l, v, w as usize);
            sum += k * x[w as usize];
            total += k;
        }
        // A node with no edges stays where it is, gently.
        let (want, k) = if total > 0.0 {
            (sum / total, total)
        } else {
            (x[v], 1e-3)
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
    let mut i = 0;
    for &(k, sum, n) in &s.blocks {
        for _ in 0..n {
            x[row[i] as usize] = sum / k + s.offset[i];
            i += 1;
        }
    }
}
