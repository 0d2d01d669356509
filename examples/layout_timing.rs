//! Native timing of the layered layout, for tuning: prints a table of
//! graphs, layout time, crossings left and drawing size. Writes each
//! graph as DOT to `target/layout-dot/` too, to compare with Graphviz:
//! `cargo run --release --example layout_timing`.

use std::fmt::Write as _;
use std::time::Instant;
use taskqueue_wasm::layout::{layout_counted, text, Input};

/// A small deterministic generator (64-bit LCG), so runs repeat.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

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
    println!("| graph | nodes | edges | ms | crossings | width | height |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
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
        println!(
            "| {name} | {n} | {} | {ms:.1} | {crossings} | {:.0} | {:.0} |",
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
