//! Edge routing. Inside a row an edge runs straight down its own slot
//! (the box's column at its ends, a dummy's slot between), and it only
//! bends in the empty gaps between rows, as an S-curve with vertical
//! tangents; so no edge can cross a box. Edges leave from the bottom of a
//! box and enter at the top, their ports spread along the side in the
//! order of where they go, and end in an arrowhead on the border.

use super::position::{Placed, GUTTER};
use super::{Chain, EdgePath, Input, Layered, ARROW, LOOP, OUTSIDE_GAP, RANK_SEP};

/// Half the width of an arrowhead's base.
const BARB: f64 = 3.5;
/// Most room between neighbouring ports on a side.
const PORT_GAP: f64 = 12.0;

pub(crate) fn route(
    input: &Input,
    l: &Layered,
    p: &Placed,
    chains: &[Chain],
) -> Vec<(usize, EdgePath)> {
    let (top_x, bottom_x) = ports(input, l, p, chains);
    let mut round = 0.0;
    chains
        .iter()
        .enumerate()
        .map(|(c, chain)| {
            // Edges round the outside each get a lane right of the drawing.
            let lane = chain.outside.then(|| {
                round += 1.0;
                p.width + round * OUTSIDE_GAP - MARGIN_IN_LANE
            });
            (
                chain.edge,
                path(input, l, p, chain, top_x[c], bottom_x[c], lane),
            )
        })
        .collect()
}

/// Where each chain leaves its top box and enters its bottom box: along
/// each side, ports in the order of the other end, centred on the box.
fn ports(input: &Input, l: &Layered, p: &Placed, chains: &[Chain]) -> (Vec<f64>, Vec<f64>) {
    // Per box and side, its chains keyed by where the next node along sits
    // in its row (all on one row, so its index orders them).
    let real = input.sizes.len();
    let mut sides: Vec<Vec<i64>> = vec![Vec::new(); 2 * real];
    for (c, chain) in chains.iter().enumerate() {
        let n = chain.nodes.len();
        let (top, bottom) = (chain.nodes[0] as usize, chain.nodes[n - 1] as usize);
        // Edges round the outside leave and enter rightmost: their lane is
        // right of the drawing.
        let place = |v: u32| {
            if chain.outside {
                // Past any row index, and positive once shifted into an i64.
                u32::MAX >> 1
            } else {
                l.pos[v as usize]
            }
        };
        let key = |v: u32| i64::from(place(v)) << 32 | c as i64;
        sides[2 * top].push(key(chain.nodes[1]));
        sides[2 * bottom + 1].push(key(chain.nodes[n - 2]));
    }
    let mut top_x = vec![0.0; chains.len()];
    let mut bottom_x = vec![0.0; chains.len()];
    for (k, keys) in sides.iter_mut().enumerate() {
        let (v, entering) = (k / 2, k % 2 == 1);
        keys.sort_unstable();
        let count = keys.len();
        let step = ((input.sizes[v].0 - PORT_GAP) / count as f64).clamp(0.0, PORT_GAP);
        for (i, &key) in keys.iter().enumerate() {
            let x = p.x[v] + (i as f64 - (count as f64 - 1.0) / 2.0) * step;
            let c = (key & 0xffff_ffff) as usize;
            if entering {
                bottom_x[c] = x;
            } else {
                top_x[c] = x;
            }
        }
    }
    (top_x, bottom_x)
}

/// The path of one chain: points top to bottom, each piece either a
/// straight drop inside a row or a curve across a gap; then turned
/// around for an upward edge and shortened by the arrowhead.
/// Lanes round the outside start inside the right margin.
const MARGIN_IN_LANE: f64 = 4.0;

fn path(
    input: &Input,
    l: &Layered,
    p: &Placed,
    chain: &Chain,
    px: f64,
    qx: f64,
    outside: Option<f64>,
) -> EdgePath {
    let band = |v: u32| {
        let r = l.rank[v as usize];
        (p.band_top[r], p.band_top[r] + p.band_h[r])
    };
    let n = chain.nodes.len();
    let (top, bottom) = (chain.nodes[0], chain.nodes[n - 1]);
    let (top, bottom) = (top as usize, bottom as usize);
    let (t_cy, t_h) = (p.centre_y(top), input.sizes[top].1);
    let (b_cy, b_h) = (p.centre_y(bottom), input.sizes[bottom].1);
    let mut pts = vec![(px, t_cy + t_h / 2.0)];
    let mut curved = Vec::with_capacity(2 * n);
    drop_to(&mut pts, &mut curved, p.cell[top].1);
    // Out of a wrapped row's upper box: into its column's lane, down.
    if let Some(lane) = p.lane(l, top, true) {
        pts.push((lane, p.cell[top].1 + GUTTER));
        curved.push(true);
        drop_to(&mut pts, &mut curved, band(top as u32).1);
    }
    // Round the outside: across the gap below into the lane, down the
    // lane, back across the gap above the bottom row.
    if let Some(x) = outside {
        pts.push((x, band(top as u32).1 + RANK_SEP / 2.0));
        curved.push(true);
        drop_to(
            &mut pts,
            &mut curved,
            band(bottom as u32).0 - RANK_SEP / 2.0,
        );
    }
    for &d in &chain.nodes[1..n - 1] {
        let (y0, y1) = band(d);
        pts.push((p.x[d as usize], y0));
        curved.push(true);
        drop_to(&mut pts, &mut curved, y1);
    }
    // Into a wrapped row's lower box: down its column's lane first.
    if let Some(lane) = p.lane(l, bottom, false) {
        pts.push((lane, band(bottom as u32).0));
        curved.push(true);
        drop_to(&mut pts, &mut curved, p.cell[bottom].0 - GUTTER);
    }
    pts.push((qx, p.cell[bottom].0));
    curved.push(true);
    drop_to(&mut pts, &mut curved, b_cy - b_h / 2.0);
    if chain.reversed {
        pts.reverse();
        curved.reverse();
    }
    let arrow = shorten_for_arrow(&mut pts, &mut curved);
    let label_pos = chain.label.map(|d| {
        let lw = input.labels[chain.edge].0;
        (p.x[d as usize] + 6.0 + lw / 2.0, p.centre_y(d as usize))
    });
    let (from, to) = input.edges[chain.edge];
    EdgePath {
        from,
        to,
        points: bezier(&pts, &curved),
        arrow,
        label_pos,
    }
}

/// Continues straight down to `y`, if that is lower.
fn drop_to(pts: &mut Vec<(f64, f64)>, curved: &mut Vec<bool>, y: f64) {
    if let Some(&(x, last)) = pts.last() {
        if y > last + 0.01 {
            pts.push((x, y));
            curved.push(false);
        }
    }
}

/// Ends the path at the base of the arrowhead instead of the border (the
/// last piece always arrives vertically); returns tip and base corners.
fn shorten_for_arrow(pts: &mut Vec<(f64, f64)>, curved: &mut Vec<bool>) -> [(f64, f64); 3] {
    let m = pts.len() - 1;
    let tip = pts[m];
    let towards = if pts[m - 1].1 < tip.1 { -1.0 } else { 1.0 };
    let base = (tip.0, tip.1 + towards * ARROW);
    let short = (pts[m - 1].1 - tip.1).abs() <= ARROW;
    if !curved[m - 1] && short && m >= 2 {
        pts.pop();
        curved.pop();
    }
    if let Some(last) = pts.last_mut() {
        *last = base;
    }
    [tip, (base.0 - BARB, base.1), (base.0 + BARB, base.1)]
}

/// Cubic Bézier points: start, then control, control, end per piece.
fn bezier(pts: &[(f64, f64)], curved: &[bool]) -> Vec<(f64, f64)> {
    let mut out = Vec::with_capacity(3 * pts.len());
    out.push(pts[0]);
    for (k, &s) in curved.iter().enumerate() {
        let (a, b) = (pts[k], pts[k + 1]);
        if s {
            let half = (b.1 - a.1) / 2.0;
            out.push((a.0, a.1 + half));
            out.push((b.0, b.1 - half));
        } else {
            out.push((a.0 + (b.0 - a.0) / 3.0, a.1 + (b.1 - a.1) / 3.0));
            out.push((a.0 + 2.0 * (b.0 - a.0) / 3.0, a.1 + 2.0 * (b.1 - a.1) / 3.0));
        }
        out.push(b);
    }
    out
}

/// Self-loops: out of the right side and back in, one inside the other.
pub(crate) fn self_loops(
    input: &Input,
    p: &Placed,
    loops: &[usize],
    labelled: bool,
) -> Vec<(usize, EdgePath)> {
    let mut count = vec![0usize; input.sizes.len()];
    loops
        .iter()
        .map(|&e| {
            let v = input.edges[e].0;
            count[v] += 1;
            let reach = LOOP * count[v] as f64;
            let (w, h) = input.sizes[v];
            let (right, cy) = (p.x[v] + w / 2.0, p.centre_y(v));
            let q = h / 4.0;
            let base = (right + ARROW, cy + q);
            let label_pos =
                labelled.then(|| (right + 0.75 * reach + 6.0 + input.labels[e].0 / 2.0, cy));
            let path = EdgePath {
                from: v,
                to: v,
                points: vec![
                    (right, cy - q),
                    (right + reach, cy - q),
                    (right + reach, cy + q),
                    base,
                ],
                arrow: [
                    (right, cy + q),
                    (base.0, base.1 - BARB),
                    (base.0, base.1 + BARB),
                ],
                label_pos,
            };
            (e, path)
        })
        .collect()
}
