//! Native timing of the layered layout, for tuning: prints a table of
//! graphs, layout time, crossings left and drawing size. Writes each
//! graph as DOT to `target/layout-dot/` too, to compare with Graphviz:
//! `cargo run --release --example layout_timing`.

use std::fmt::Write as _;
use std::time::Instant;
use taskqueue_wasm::layout::{layout_counted, text, Geometry, Input};

#[path = "../tests/common/lcg.rs"]
mod lcg;
use lcg::Lcg;

fn labels(n: usize) -> Vec<String> {
    const STATES: [&str; 4] = ["PENDING", "RUNNING", "DONE", "FAILED"];
    (0..n)
        .map(|i| format!("task{i}\n{}", STATES[i % 4]))
        .collect()
}

/// `n` nodes in layers of about `width`, `m` edges each from a layer to a
/// later one (mostly the next).
fn random_layered(n: usize, m: usize, width: usize, seed: u64) -> Vec<(usize, usize)> {
    let mut rng = Lcg(seed);
    let layers = n.div_ceil(width);
    let mut edges = Vec::with_capacity(m);
    while edges.len() < m {
        let a = rng.below(n);
        let la = a / width;
        if la + 1 >= layers {
            continue;
        }
        let jump = if rng.below(4) == 0 {
            2 + rng.below(3)
        } else {
            1
        };
        let lb = (la + jump).min(layers - 1);
        let b = (lb * width + rng.below(width)).min(n - 1);
        if b / width > la {
            edges.push((a, b));
        }
    }
    edges
}

fn fan(n: usize) -> Vec<(usize, usize)> {
    (1..=n).flat_map(|i| [(0, i), (i, n + 1)]).collect()
}

fn chain(n: usize) -> Vec<(usize, usize)> {
    (1..n).map(|i| (i - 1, i)).collect()
}

/// `modules` chains of `steps` (fetch, compile, ..., link), each step also
/// needing a few steps of earlier modules, as a build does.
fn build(modules: usize, steps: usize, seed: u64) -> Vec<(usize, usize)> {
    let mut rng = Lcg(seed);
    let mut edges = Vec::new();
    for m in 0..modules {
        for s in 1..steps {
            edges.push((m * steps + s - 1, m * steps + s));
        }
        if m > 0 {
            for _ in 0..2 {
                let dep = rng.below(m);
                let s = 1 + rng.below(steps - 1);
                edges.push((dep * steps + steps - 1, m * steps + s));
            }
        }
    }
    edges
}

/// Crossings of the drawn curves (each Bézier piece as 8 segments),
/// counted between edges with no end in common, as a drawing shows them.
fn drawn_crossings(g: &Geometry) -> usize {
    type Segment = (usize, (f64, f64), (f64, f64));
    let mut segments: Vec<Segment> = Vec::new();
    for (k, e) in g.edges.iter().enumerate() {
        for i in (0..e.points.len().saturating_sub(3)).step_by(3) {
            let p = [
                e.points[i],
                e.points[i + 1],
                e.points[i + 2],
                e.points[i + 3],
            ];
            let at = |t: f64| {
                let u = 1.0 - t;
                let w = [u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t];
                (0..4).fold((0.0, 0.0), |a, j| {
                    (a.0 + w[j] * p[j].0, a.1 + w[j] * p[j].1)
                })
            };
            for s in 0..8 {
                segments.push((k, at(f64::from(s) / 8.0), at(f64::from(s + 1) / 8.0)));
            }
        }
    }
    // Sweep by top y: only segments whose y ranges overlap can cross.
    let top = |s: &Segment| s.1 .1.min(s.2 .1);
    let bottom = |s: &Segment| s.1 .1.max(s.2 .1);
    segments.sort_by(|a, b| top(a).total_cmp(&top(b)));
    let cross = |a: &Segment, b: &Segment| {
        let side = |p: (f64, f64), q: (f64, f64), r: (f64, f64)| {
            (q.0 - p.0) * (r.1 - p.1) - (q.1 - p.1) * (r.0 - p.0)
        };
        let (d1, d2) = (side(a.1, a.2, b.1), side(a.1, a.2, b.2));
        let (d3, d4) = (side(b.1, b.2, a.1), side(b.1, b.2, a.2));
        d1 * d2 < 0.0 && d3 * d4 < 0.0
    };
    let mut pairs = std::collections::BTreeSet::new();
    for i in 0..segments.len() {
        for j in i + 1..segments.len() {
            if top(&segments[j]) > bottom(&segments[i]) {
                break;
            }
            let (a, b) = (&segments[i], &segments[j]);
            let (ea, eb) = (&g.edges[a.0], &g.edges[b.0]);
            let shared =
                ea.from == eb.from || ea.from == eb.to || ea.to == eb.from || ea.to == eb.to;
            if a.0 != b.0 && !shared && cross(a, b) {
                pairs.insert((a.0.min(b.0), a.0.max(b.0), (a.1 .1 / 8.0) as i64));
            }
        }
    }
    pairs.len()
}

/// A named graph: node count and edges.
type Case = (String, usize, Vec<(usize, usize)>);

fn main() {
    let cases: Vec<Case> = vec![
        (
            "random 200/400".into(),
            200,
            random_layered(200, 400, 14, 1),
        ),
        (
            "random 1000/2000".into(),
            1000,
            random_layered(1000, 2000, 32, 2),
        ),
        (
            "random 5000/10000".into(),
            5000,
            random_layered(5000, 10000, 70, 3),
        ),
        (
            "random 10000/20000".into(),
            10000,
            random_layered(10000, 20000, 100, 5),
        ),
        ("build 200x5".into(), 1000, build(200, 5, 4)),
        ("fan 1-500-1".into(), 502, fan(500)),
        ("fan 1-5000-1".into(), 5002, fan(5000)),
        ("chain 10000".into(), 10000, chain(10000)),
    ];
    let dir = std::path::Path::new("target/layout-dot");
    let _ = std::fs::create_dir_all(dir);
    println!("| graph | nodes | edges | ms | crossings | drawn crossings | width | height |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for (name, n, edges) in cases {
        let names = labels(n);
        let input = Input {
            sizes: names
                .iter()
                .map(|l| text::box_size(l.split('\n')))
                .collect(),
            edges: edges.clone(),
            labels: Vec::new(),
        };
        let start = Instant::now();
        let (g, crossings) = layout_counted(&input);
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        let drawn = if n <= 5000 {
            drawn_crossings(&g).to_string()
        } else {
            "-".into()
        };
        println!(
            "| {name} | {n} | {} | {ms:.1} | {crossings} | {drawn} | {:.0} | {:.0} |",
            edges.len(),
            g.width,
            g.height
        );
        let mut dot = String::from(
            "digraph {\n node[shape=box,fontname=Helvetica,fontsize=14,fixedsize=true];\n",
        );
        for (v, s) in input.sizes.iter().enumerate() {
            let _ = writeln!(
                dot,
                " {v}[width={:.3},height={:.3}];",
                s.0 / 72.0,
                s.1 / 72.0
            );
        }
        for (a, b) in &edges {
            let _ = writeln!(dot, " {a}->{b};");
        }
        dot.push_str("}\n");
        let file = name.replace([' ', '/'], "_") + ".dot";
        let _ = std::fs::write(dir.join(file), dot);
    }
}
