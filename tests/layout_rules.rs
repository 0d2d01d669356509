//! The layered layout's geometry rules, on graphs of every shape: boxes
//! never overlap, keep their size and fit their labels; edges start on
//! their source's border, end in an arrowhead whose tip is on the target's
//! border and points into it, and never pass through a box; everything
//! lies inside the drawing; the same input gives the same drawing.

mod common;

use common::Lcg;
use std::collections::HashMap;
use taskqueue_wasm::layout::{layout, layout_capped, text, EdgePath, Geometry, Input, NodeBox};

fn task_labels(n: usize) -> Vec<String> {
    const STATES: [&str; 4] = ["PENDING", "RUNNING", "DONE", "FAILED"];
    (0..n)
        .map(|i| format!("task{i}\n{}", STATES[i % 4]))
        .collect()
}

fn input_for(labels: &[String], edges: Vec<(usize, usize)>) -> Input {
    Input {
        sizes: labels
            .iter()
            .map(|l| text::box_size(l.split('\n')))
            .collect(),
        edges,
        labels: Vec::new(),
    }
}

/// `n` nodes, `m` edges from lower to higher index (a DAG).
fn random_dag(n: usize, m: usize, seed: u64) -> Vec<(usize, usize)> {
    let mut rng = Lcg(seed);
    (0..m)
        .filter_map(|_| {
            let a = rng.below(n);
            let b = a + 1 + rng.below(n / 8 + 1);
            (b < n).then_some((a, b))
        })
        .collect()
}

fn inside(b: &NodeBox, (x, y): (f64, f64), by: f64) -> bool {
    x > b.x + by && x < b.x + b.w - by && y > b.y + by && y < b.y + b.h - by
}

fn on_border(b: &NodeBox, (x, y): (f64, f64)) -> bool {
    let near = |a: f64, c: f64| (a - c).abs() < 0.01;
    let within = |v: f64, lo: f64, hi: f64| v >= lo - 0.01 && v <= hi + 0.01;
    ((near(y, b.y) || near(y, b.y + b.h)) && within(x, b.x, b.x + b.w))
        || ((near(x, b.x) || near(x, b.x + b.w)) && within(y, b.y, b.y + b.h))
}

fn cubic(p: [(f64, f64); 4], t: f64) -> (f64, f64) {
    let u = 1.0 - t;
    let (a, b, c, d) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
    (
        a * p[0].0 + b * p[1].0 + c * p[2].0 + d * p[3].0,
        a * p[0].1 + b * p[1].1 + c * p[2].1 + d * p[3].1,
    )
}

/// Points along an edge's curve, 24 per Bézier piece.
fn samples(e: &EdgePath) -> Vec<(f64, f64)> {
    let mut out = Vec::new();
    for k in (0..e.points.len() - 1).step_by(3) {
        let piece = [
            e.points[k],
            e.points[k + 1],
            e.points[k + 2],
            e.points[k + 3],
        ];
        out.extend((0..=24).map(|i| cubic(piece, f64::from(i) / 24.0)));
    }
    out
}

/// Boxes by 64-pixel grid cell, to find the boxes near a point fast.
struct Grid(HashMap<(i64, i64), Vec<usize>>);

impl Grid {
    fn new(nodes: &[NodeBox]) -> Self {
        let mut cells: HashMap<(i64, i64), Vec<usize>> = HashMap::new();
        for (i, b) in nodes.iter().enumerate() {
            for cx in (b.x / 64.0).floor() as i64..=((b.x + b.w) / 64.0).floor() as i64 {
                for cy in (b.y / 64.0).floor() as i64..=((b.y + b.h) / 64.0).floor() as i64 {
                    cells.entry((cx, cy)).or_default().push(i);
                }
            }
        }
        Grid(cells)
    }

    fn near(&self, (x, y): (f64, f64)) -> &[usize] {
        let cell = ((x / 64.0).floor() as i64, (y / 64.0).floor() as i64);
        self.0.get(&cell).map_or(&[], Vec::as_slice)
    }
}

/// Every geometry rule; `valid_edges` = input edges with valid ends.
fn check(input: &Input, g: &Geometry, valid_edges: usize) {
    assert_eq!(g.nodes.len(), input.sizes.len());
    assert_eq!(g.edges.len(), valid_edges);
    assert!(g.width.is_finite() && g.height.is_finite() && g.width > 0.0 && g.height > 0.0);
    for (b, &(w, h)) in g.nodes.iter().zip(&input.sizes) {
        assert_eq!((b.w, b.h), (w, h), "boxes keep their size");
        assert!(b.x >= 0.0 && b.y >= 0.0 && b.x + b.w <= g.width && b.y + b.h <= g.height);
    }
    // No two boxes overlap: sweep the boxes in order of their top.
    let mut by_top: Vec<usize> = (0..g.nodes.len()).collect();
    by_top.sort_by(|&a, &b| g.nodes[a].y.total_cmp(&g.nodes[b].y));
    for (k, &i) in by_top.iter().enumerate() {
        let a = &g.nodes[i];
        for &j in &by_top[k + 1..] {
            let b = &g.nodes[j];
            if b.y >= a.y + a.h {
                break;
            }
            assert!(
                a.x + a.w <= b.x || b.x + b.w <= a.x,
                "boxes {i} and {j} overlap: {a:?} {b:?}"
            );
        }
    }
    let grid = Grid::new(&g.nodes);
    for e in &g.edges {
        let (from, to) = (&g.nodes[e.from], &g.nodes[e.to]);
        assert!(
            (e.points.len() - 1) % 3 == 0 && e.points.len() >= 4,
            "whole cubic pieces"
        );
        assert!(
            on_border(from, e.points[0]),
            "edge {}->{} starts on its source's border",
            e.from,
            e.to
        );
        let [tip, b1, b2] = e.arrow;
        assert!(
            on_border(to, tip),
            "arrow tip on the target's border: {e:?}"
        );
        let base = ((b1.0 + b2.0) / 2.0, (b1.1 + b2.1) / 2.0);
        let end = e.points[e.points.len() - 1];
        assert!(
            (end.0 - base.0).abs() < 0.01 && (end.1 - base.1).abs() < 0.01,
            "curve ends at the arrow's base"
        );
        let (cx, cy) = to.centre();
        let into = (tip.0 - base.0) * (cx - tip.0) + (tip.1 - base.1) * (cy - tip.1);
        assert!(
            into > 0.0 && !inside(to, base, 0.0),
            "arrow points into its target: {e:?}"
        );
        for p in samples(e).into_iter().chain(e.arrow) {
            assert!(p.0.is_finite() && p.1.is_finite());
            assert!(
                p.0 >= 0.0 && p.1 >= 0.0 && p.0 <= g.width && p.1 <= g.height,
                "inside the drawing"
            );
            for &i in grid.near(p) {
                assert!(
                    !inside(&g.nodes[i], p, 0.5),
                    "edge {}->{} passes through box {i} at {p:?}",
                    e.from,
                    e.to
                );
            }
        }
    }
}

fn check_layout(input: &Input) -> Geometry {
    let n = input.sizes.len();
    let valid = input.edges.iter().filter(|&&(a, b)| a < n && b < n).count();
    let g = layout(input);
    check(input, &g, valid);
    g
}

#[test]
fn random_dags_of_several_sizes_keep_every_geometry_rule() {
    for (n, m, seed) in [(12, 20, 1), (60, 120, 2), (250, 500, 3), (1000, 2000, 4)] {
        check_layout(&input_for(&task_labels(n), random_dag(n, m, seed)));
    }
}

#[test]
fn graphs_with_cycles_self_loops_and_parallel_edges_keep_every_rule() {
    let mut rng = Lcg(7);
    for n in [2, 5, 40, 150] {
        let edges = (0..n * 2).map(|_| (rng.below(n), rng.below(n))).collect();
        check_layout(&input_for(&task_labels(n), edges));
    }
    let cycle = input_for(&task_labels(3), vec![(0, 1), (1, 2), (2, 0), (0, 1)]);
    check_layout(&cycle);
}

#[test]
fn edges_that_point_up_are_drawn_up_with_the_arrow_at_the_target() {
    let g = check_layout(&input_for(&task_labels(3), vec![(0, 1), (1, 2), (2, 0)]));
    let up = g
        .edges
        .iter()
        .filter(|e| g.nodes[e.to].y < g.nodes[e.from].y)
        .count();
    assert_eq!(up, 1, "exactly one edge of the cycle is drawn upwards");
}

#[test]
fn prerequisites_are_drawn_above_and_long_edges_straight() {
    let g = check_layout(&input_for(
        &task_labels(4),
        vec![(0, 1), (1, 2), (2, 3), (0, 3)],
    ));
    for w in g.nodes.windows(2) {
        assert!(w[0].y + w[0].h < w[1].y);
    }
    // The long edge 0->3 passes rows 1 and 2 in one straight line.
    let long = g.edges.iter().find(|e| (e.from, e.to) == (0, 3)).unwrap();
    let (top, bottom) = (g.nodes[1].y, g.nodes[2].y + g.nodes[2].h);
    let xs: Vec<f64> = long
        .points
        .iter()
        .filter(|p| p.1 >= top && p.1 <= bottom)
        .map(|p| p.0)
        .collect();
    assert!(
        xs.len() >= 4 && xs.iter().all(|&x| (x - xs[0]).abs() < 0.01),
        "straight: {xs:?}"
    );
}

#[test]
fn wide_fans_wrap_into_sub_rows_and_keep_every_rule() {
    for n in [300, 5000] {
        let edges = (1..=n).flat_map(|i| [(0, i), (i, n + 1)]).collect();
        let g = check_layout(&input_for(&task_labels(n + 2), edges));
        let mut tops: Vec<i64> = g.nodes.iter().map(|b| b.y.round() as i64).collect();
        tops.sort_unstable();
        tops.dedup();
        let sub_rows = tops.len() - 2;
        assert!(sub_rows > 1, "the {n} siblings wrap");
        assert!(
            g.width < 3.0 * g.height,
            "about twice as wide as tall: {} x {}",
            g.width,
            g.height
        );
        let widest = g.nodes.iter().map(|b| b.w).fold(0.0, f64::max);
        assert!(
            g.width < (n / sub_rows + 2) as f64 * (widest + 60.0),
            "no wider than its columns"
        );
    }
    // A row of up to 64 stays one row.
    let edges = (1..=64).map(|i| (0, i)).collect();
    let g = check_layout(&input_for(&task_labels(65), edges));
    assert!(g.nodes[1..].iter().all(|b| b.y == g.nodes[1].y));
}

#[test]
fn wrapped_rows_one_under_another_keep_every_rule() {
    // A root fans out to 100 boxes and in to a hub, which fans out to 100
    // more and in to a sink.
    let mut edges: Vec<(usize, usize)> = (1..=100).flat_map(|i| [(0, i), (i, 101)]).collect();
    edges.extend((102..202).flat_map(|i| [(101, i), (i, 202)]));
    let g = check_layout(&input_for(&task_labels(203), edges));
    let rows = |range: std::ops::Range<usize>| {
        let mut tops: Vec<i64> = g.nodes[range].iter().map(|b| b.y.round() as i64).collect();
        tops.sort_unstable();
        tops.dedup();
        tops.len()
    };
    assert!(rows(1..101) > 1 && rows(102..202) > 1, "both fans wrap");
}

#[test]
fn wide_rows_that_are_not_fans_stay_one_row() {
    // 80 boxes, each needing two of 10 roots: not a fan, so no wrapping.
    let edges = (10..90)
        .flat_map(|i| [(i % 10, i), ((i + 3) % 10, i)])
        .collect();
    let g = check_layout(&input_for(&task_labels(90), edges));
    assert!(g.nodes[10..].iter().all(|b| b.y == g.nodes[10].y));
    // 100 chains side by side (like a build's first steps): one row each.
    let edges = (0..100).map(|i| (i, 100 + i)).collect();
    let g = check_layout(&input_for(&task_labels(200), edges));
    assert!(g.nodes[..100].iter().all(|b| b.y == g.nodes[0].y));
    // 100 siblings whose own children differ: the siblings do not wrap.
    let mut edges: Vec<(usize, usize)> = (1..=100).map(|i| (0, i)).collect();
    edges.extend((1..=100).map(|i| (i, 100 + i)));
    let g = check_layout(&input_for(&task_labels(201), edges));
    assert!(g.nodes[1..=100].iter().all(|b| b.y == g.nodes[1].y));
}

#[test]
fn a_chain_of_ten_thousand_keeps_every_rule() {
    let n = 10_000;
    let g = check_layout(&input_for(
        &task_labels(n),
        (1..n).map(|i| (i - 1, i)).collect(),
    ));
    let x = g.nodes[0].centre().0;
    assert!(
        g.nodes.iter().all(|b| (b.centre().0 - x).abs() < 0.01),
        "a chain is a straight column"
    );
}

#[test]
fn long_and_multi_line_labels_fit_their_boxes() {
    let labels: Vec<String> = vec![
        "a rather long task name that goes on\nPENDING".into(),
        "x".into(),
        "one\ntwo\nthree\nfour".into(),
        "ÄÖÜ ünïcödé\n漢字のラベル".into(),
        "WWWWWWWWWW\nmmmmmmmmmm".into(),
    ];
    let input = input_for(&labels, vec![(0, 1), (0, 2), (2, 3), (1, 4), (3, 4)]);
    let g = check_layout(&input);
    for (b, label) in g.nodes.iter().zip(&labels) {
        let lines: Vec<&str> = label.split('\n').collect();
        let widest = lines
            .iter()
            .map(|l| text::line_width(l))
            .fold(0.0, f64::max);
        assert!(
            widest + 2.0 * text::PAD_X <= b.w + 1e-9,
            "{label:?} fits across"
        );
        assert!(
            lines.len() as f64 * text::LINE_HEIGHT <= b.h,
            "{label:?} fits down"
        );
    }
    assert!(
        text::line_width("WWW") > text::line_width("iii"),
        "widths come from the font's table"
    );
}

#[test]
fn labelled_edges_get_room_for_their_labels() {
    let sizes = vec![
        text::box_size(["PENDING"]),
        text::box_size(["RUNNING"]),
        text::box_size(["DONE"]),
    ];
    let edges = vec![(0, 1), (1, 2), (1, 1), (0, 2), (2, 0), (0, 1)];
    let labels = edges
        .iter()
        .map(|_| (text::line_width("dispatch"), text::LINE_HEIGHT))
        .collect();
    let input = Input {
        sizes,
        edges,
        labels,
    };
    let g = check_layout(&input);
    for e in &g.edges {
        let (x, y) = e
            .label_pos
            .expect("every labelled edge has a label position");
        let half = text::line_width("dispatch") / 2.0;
        for b in &g.nodes {
            let clear =
                x + half <= b.x || x - half >= b.x + b.w || y + 8.0 <= b.y || y - 8.0 >= b.y + b.h;
            assert!(clear, "label at ({x}, {y}) is clear of {b:?}");
        }
    }
}

#[test]
fn empty_single_and_invalid_edge_inputs_are_drawn() {
    let empty = check_layout(&Input::default());
    assert!(empty.nodes.is_empty() && empty.edges.is_empty());
    check_layout(&input_for(&task_labels(1), vec![]));
    let g = check_layout(&input_for(&task_labels(2), vec![(0, 1), (0, 9), (7, 1)]));
    assert_eq!(
        g.edges.len(),
        1,
        "edges with ends out of range are left out"
    );
}

#[test]
fn the_same_input_gives_the_same_drawing() {
    let input = input_for(&task_labels(300), random_dag(300, 600, 11));
    assert_eq!(layout(&input), layout(&input));
}

#[test]
fn the_checks_catch_overlaps_edges_through_boxes_and_stray_arrows() {
    let input = input_for(&task_labels(3), vec![(0, 1), (1, 2), (0, 2)]);
    let good = layout(&input);
    let fails = |g: Geometry| {
        let input = input.clone();
        std::panic::catch_unwind(move || check(&input, &g, 3)).is_err()
    };
    let mut overlap = good.clone();
    overlap.nodes[1].y = overlap.nodes[0].y + 1.0;
    overlap.nodes[1].x = overlap.nodes[0].x;
    assert!(fails(overlap));
    let mut through = good.clone();
    let middle = through.nodes[1].centre();
    through.edges[2].points[1] = middle;
    through.edges[2].points[2] = middle;
    assert!(fails(through));
    let mut stray = good.clone();
    stray.edges[0].arrow[0].1 -= 20.0;
    assert!(fails(stray));
}

#[test]
fn past_the_dummy_cap_the_longest_edges_go_round_the_outside_and_keep_every_rule() {
    let mut rng = Lcg(21);
    let n = 200;
    let edges: Vec<(usize, usize)> = (0..400).map(|_| (rng.below(n), rng.below(n))).collect();
    let input = input_for(&task_labels(n), edges);
    let valid = input.edges.len();
    let (g, _) = layout_capped(&input, 50);
    check(&input, &g, valid);
    let right = g.nodes.iter().map(|b| b.x + b.w).fold(0.0, f64::max);
    let outside = g
        .edges
        .iter()
        .filter(|e| e.points.iter().any(|p| p.0 > right))
        .count();
    assert!(outside > 0, "some edges go round the right of every box");
    assert_eq!(g, layout_capped(&input, 50).0, "deterministic");
    assert_eq!(
        layout(&input),
        layout_capped(&input, taskqueue_wasm::layout::DUMMY_CAP).0
    );
}
