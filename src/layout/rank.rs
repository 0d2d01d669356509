//! Ranking: each node's row. Longest path from the sources first (every
//! edge points down at least `span` rows), then one pass in reverse
//! topological order moves each node with more edges out than in down
//! as far as its children allow (a cheap head start), then network
//! simplex, per connected component, within a work budget.

use super::simplex::Simplex;
use petgraph::algo::toposort;
use petgraph::graph::{DiGraph, NodeIndex};

/// Work units (a node or edge visited) network simplex may spend.
const BUDGET: usize = 20_000_000;

/// Rows of the nodes of a DAG given as `(from, to)` edges.
pub fn ranks(n: usize, edges: &[(usize, usize)], span: usize) -> Vec<usize> {
    let mut g: DiGraph<(), (), u32> = DiGraph::with_capacity(n, edges.len());
    for _ in 0..n {
        g.add_node(());
    }
    for &(a, b) in edges {
        g.add_edge(NodeIndex::new(a), NodeIndex::new(b), ());
    }
    // The edges come from `acyclic`, so there is no cycle; should there be
    // one anyway, node order still gives finite rows.
    let order: Vec<usize> = match toposort(&g, None) {
        Ok(order) => order.into_iter().map(|v| v.index()).collect(),
        Err(_) => (0..n).collect(),
    };
    let (outs, ins) = adjacency(n, edges);
    let mut rank = vec![0usize; n];
    for &v in &order {
        for &w in &outs[v] {
            rank[w] = rank[w].max(rank[v] + span);
        }
    }
    for &v in order.iter().rev() {
        if outs[v].len() <= ins[v].len() {
            continue;
        }
        if let Some(lowest) = outs[v].iter().map(|&w| rank[w]).min() {
            rank[v] = rank[v].max(lowest.saturating_sub(span));
        }
    }
    let mut budget = BUDGET;
    for (nodes, local) in components(n, edges, &outs, &ins) {
        if local.is_empty() {
            continue;
        }
        let start = nodes.iter().map(|&v| rank[v] as i64).collect();
        let mut simplex = Simplex::new(nodes.len(), &local, span as i64, start);
        if simplex.run(&mut budget) {
            let top = simplex.rank.iter().copied().min().unwrap_or(0);
            for (i, &v) in nodes.iter().enumerate() {
                rank[v] = (simplex.rank[i] - top) as usize;
            }
        }
    }
    let top = rank.iter().copied().min().unwrap_or(0);
    rank.iter_mut().for_each(|r| *r -= top);
    rank
}

/// Weakly connected components: their nodes, and their edges in local
/// indices.
type Component = (Vec<usize>, Vec<(usize, usize)>);

fn components(
    n: usize,
    edges: &[(usize, usize)],
    outs: &[Vec<usize>],
    ins: &[Vec<usize>],
) -> Vec<Component> {
    let mut which = vec![usize::MAX; n];
    let mut local = vec![0usize; n];
    let mut parts: Vec<Component> = Vec::new();
    for root in 0..n {
        if which[root] != usize::MAX {
            continue;
        }
        let id = parts.len();
        let mut nodes = vec![root];
        which[root] = id;
        let mut i = 0;
        while i < nodes.len() {
            let v = nodes[i];
            local[v] = i;
            i += 1;
            for &w in outs[v].iter().chain(&ins[v]) {
                if which[w] == usize::MAX {
                    which[w] = id;
                    nodes.push(w);
                }
            }
        }
        parts.push((nodes, Vec::new()));
    }
    for &(a, b) in edges {
        parts[which[a]].1.push((local[a], local[b]));
    }
    parts
}

fn adjacency(n: usize, edges: &[(usize, usize)]) -> (Vec<Vec<usize>>, Vec<Vec<usize>>) {
    let mut outs = vec![Vec::new(); n];
    let mut ins = vec![Vec::new(); n];
    for &(a, b) in edges {
        outs[a].push(b);
        ins[b].push(a);
    }
    (outs, ins)
}
