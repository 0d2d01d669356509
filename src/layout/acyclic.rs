//! Cycle handling: a depth-first walk (iterative, in node order) marks
//! the edges that close a cycle; the layout draws those upwards, so the
//! rest of the pipeline sees a DAG.

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

/// For each edge `(from, to)` (no self-loops), whether it is a back edge.
pub fn back_edges(n: usize, edges: &[(usize, usize)]) -> Vec<bool> {
    let mut g: DiGraph<(), usize, u32> = DiGraph::with_capacity(n, edges.len());
    for _ in 0..n {
        g.add_node(());
    }
    // petgraph lists a node's edges newest first; adding them in reverse
    // makes the walk follow input order.
    for (e, &(a, b)) in edges.iter().enumerate().rev() {
        g.add_edge(NodeIndex::new(a), NodeIndex::new(b), e);
    }
    const NEW: u8 = 0;
    const OPEN: u8 = 1;
    const DONE: u8 = 2;
    let mut mark = vec![NEW; n];
    let mut back = vec![false; edges.len()];
    let mut stack: Vec<(
        NodeIndex,
        petgraph::graph::Edges<'_, usize, petgraph::Directed, u32>,
    )> = Vec::new();
    for root in 0..n {
        if mark[root] != NEW {
            continue;
        }
        mark[root] = OPEN;
        let root = NodeIndex::new(root);
        stack.push((root, g.edges(root)));
        while let Some((v, out)) = stack.last_mut() {
            let v = *v;
            match out.next() {
                Some(edge) => {
                    let w = edge.target();
                    match mark[w.index()] {
                        NEW => {
                            mark[w.index()] = OPEN;
                            stack.push((w, g.edges(w)));
                        }
                        OPEN => back[*edge.weight()] = true,
                        _ => {}
                    }
                }
                None => {
                    mark[v.index()] = DONE;
                    stack.pop();
                }
            }
        }
    }
    back
}
