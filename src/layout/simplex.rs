//! Network simplex ranking (Gansner et al., "A technique for drawing
//! directed graphs", 1993): minimises the total length of the edges,
//! which means fewer dummy nodes and so fewer crossings. Starts from a
//! feasible ranking, builds a spanning tree of tight edges, then swaps
//! tree edges with negative cut values for the tightest edge across the
//! cut. Everything is iterative; a work budget stops it early on huge
//! graphs, and any ranking it stops at is still feasible.

/// One weakly connected component, indexed locally.
pub(crate) struct Simplex<'a> {
    pub edges: &'a [(usize, usize)],
    pub span: i64,
    pub rank: Vec<i64>,
    incident: Vec<Vec<u32>>,
    in_tree: Vec<bool>,
    tree_adj: Vec<Vec<u32>>,
    parent: Vec<u32>,
    low: Vec<u32>,
    lim: Vec<u32>,
    cut: Vec<i64>,
    postorder: Vec<u32>,
    next_leave: usize,
}

const NONE: u32 = u32::MAX;

impl<'a> Simplex<'a> {
    pub fn new(n: usize, edges: &'a [(usize, usize)], span: i64, rank: Vec<i64>) -> Self {
        let mut incident = vec![Vec::new(); n];
        for (e, &(a, b)) in edges.iter().enumerate() {
            incident[a].push(e as u32);
            incident[b].push(e as u32);
        }
        Simplex {
            edges,
            span,
            rank,
            incident,
            in_tree: vec![false; edges.len()],
            tree_adj: vec![Vec::new(); n],
            parent: vec![NONE; n],
            low: vec![0; n],
            lim: vec![0; n],
            cut: vec![0; edges.len()],
            postorder: Vec::with_capacity(n),
            next_leave: 0,
        }
    }

    fn slack(&self, e: usize) -> i64 {
        let (a, b) = self.edges[e];
        self.rank[b] - self.rank[a] - self.span
    }

    fn other(&self, e: usize, v: usize) -> usize {
        let (a, b) = self.edges[e];
        if a == v {
            b
        } else {
            a
        }
    }

    /// Runs to the optimum or until `budget` (work units) is spent.
    pub fn run(&mut self, budget: &mut usize) -> bool {
        let n = self.rank.len();
        let step = n + self.edges.len();
        if !self.feasible_tree(budget) {
            return false;
        }
        self.low_lim();
        self.cut_values();
        while *budget >= step {
            *budget -= step;
            let Some(leave) = self.leave_edge() else {
                return true;
            };
            let Some(enter) = self.enter_edge(leave) else {
                return true;
            };
            self.exchange(leave, enter);
        }
        true
    }

    /// Grows a spanning tree of tight edges from node 0, shifting the tree
    /// to make the least slack edge leaving it tight until it spans.
    fn feasible_tree(&mut self, budget: &mut usize) -> bool {
        let n = self.rank.len();
        let mut in_tree = vec![false; n];
        in_tree[0] = true;
        let mut members = vec![0usize];
        loop {
            let mut stack = members.clone();
            while let Some(v) = stack.pop() {
                for i in 0..self.incident[v].len() {
                    let e = self.incident[v][i] as usize;
                    let w = self.other(e, v);
                    if !in_tree[w] && self.slack(e) == 0 {
                        in_tree[w] = true;
                        self.in_tree[e] = true;
                        self.tree_adj[v].push(e as u32);
                        self.tree_adj[w].push(e as u32);
                        members.push(w);
                        stack.push(w);
                    }
                }
            }
            if members.len() == n {
                return true;
            }
            let cost = n + self.edges.len();
            if *budget < cost {
                return false;
            }
            *budget -= cost;
            let mut best: Option<(i64, usize)> = None;
            for e in 0..self.edges.len() {
                let (a, b) = self.edges[e];
                if in_tree[a] != in_tree[b] {
                    let s = self.slack(e);
                    if best.map_or(true, |(least, _)| s < least) {
                        best = Some((s, e));
                    }
                }
            }
            let Some((s, e)) = best else { return false };
            let delta = if in_tree[self.edges[e].0] { s } else { -s };
            for &v in &members {
                self.rank[v] += delta;
            }
        }
    }

    /// Post-order numbers of the tree from node 0: `lim` is a node's
    /// number, `low` the least number in its subtree.
    fn low_lim(&mut self) {
        self.postorder.clear();
        let mut next = 1u32;
        let mut stack: Vec<(usize, usize)> = vec![(0, 0)];
        self.parent[0] = NONE;
        self.low[0] = next;
        while let Some(top) = stack.last_mut() {
            let (v, i) = *top;
            if i < self.tree_adj[v].len() {
                top.1 += 1;
                let e = self.tree_adj[v][i] as usize;
                if self.parent[v] == e as u32 {
                    continue;
                }
                let w = self.other(e, v);
                self.parent[w] = e as u32;
                self.low[w] = next;
                stack.push((w, 0));
            } else {
                self.lim[v] = next;
                next += 1;
                self.postorder.push(v as u32);
                stack.pop();
            }
        }
    }

    /// Cut values of the tree edges, children before parents.
    fn cut_values(&mut self) {
        for i in 0..self.postorder.len() {
            let c = self.postorder[i] as usize;
            let e = self.parent[c];
            if e != NONE {
                self.cut[e as usize] = self.cut_value(c, e as usize);
            }
        }
    }

    /// The cut value of tree edge `e` between `c` and its parent, from the
    /// cut values of the edges to `c`'s children.
    fn cut_value(&self, c: usize, e: usize) -> i64 {
        let child_is_tail = self.edges[e].0 == c;
        let mut value = 1;
        for &f in &self.incident[c] {
            let f = f as usize;
            if f == e {
                continue;
            }
            let points_to_head = (self.edges[f].0 == c) == child_is_tail;
            value += if points_to_head { 1 } else { -1 };
            if self.in_tree[f] {
                value += if points_to_head {
                    -self.cut[f]
                } else {
                    self.cut[f]
                };
            }
        }
        value
    }

    /// A tree edge with a negative cut value, searched round-robin.
    fn leave_edge(&mut self) -> Option<usize> {
        let m = self.edges.len();
        for k in 0..m {
            let e = (self.next_leave + k) % m;
            if self.in_tree[e] && self.cut[e] < 0 {
                self.next_leave = e + 1;
                return Some(e);
            }
        }
        None
    }

    /// The least slack edge that crosses the cut of `leave` the other way.
    fn enter_edge(&self, leave: usize) -> Option<usize> {
        let (v, w) = self.edges[leave];
        let (sub, flip) = if self.lim[v] > self.lim[w] {
            (w, true)
        } else {
            (v, false)
        };
        let below = |x: usize| self.low[sub] <= self.lim[x] && self.lim[x] <= self.lim[sub];
        let mut best: Option<(i64, usize)> = None;
        for (f, &(a, b)) in self.edges.iter().enumerate() {
            if f != leave && flip == below(a) && flip != below(b) {
                let s = self.slack(f);
                if best.map_or(true, |(least, _)| s < least) {
                    best = Some((s, f));
                }
            }
        }
        best.map(|(_, f)| f)
    }

    fn exchange(&mut self, leave: usize, enter: usize) {
        self.in_tree[leave] = false;
        let (a, b) = self.edges[leave];
        self.tree_adj[a].retain(|&e| e as usize != leave);
        self.tree_adj[b].retain(|&e| e as usize != leave);
        self.in_tree[enter] = true;
        let (a, b) = self.edges[enter];
        self.tree_adj[a].push(enter as u32);
        self.tree_adj[b].push(enter as u32);
        self.low_lim();
        self.cut_values();
        // Ranks again from the root down the new tree, every edge tight.
        for i in (0..self.postorder.len()).rev() {
            let v = self.postorder[i] as usize;
            let e = self.parent[v];
            if e == NONE {
                continue;
            }
            let e = e as usize;
            let p = self.other(e, v);
            self.rank[v] = if self.edges[e].0 == v {
                self.rank[p] - self.span
            } else {
                self.rank[p] + self.span
            };
        }
    }
}
