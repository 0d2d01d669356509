//! SPEC §5: drawing tasks as DOT, compared exactly.

mod common;
use common::in_state;
use taskqueue_wasm::dot::{node_line, quote, tasks_as_dot, DotOptions};
use taskqueue_wasm::state::STATES;
use taskqueue_wasm::{Graph, TaskOptions};

fn pending() -> TaskOptions {
    TaskOptions::default()
}

#[test]
fn identifiers_of_letters_digits_and_underscores_are_bare() {
    assert_eq!(quote("t1"), "t1");
    assert_eq!(quote("_x_"), "_x_");
    assert_eq!(quote("42"), "42");
    assert_eq!(quote("tâche"), "tâche");
}

#[test]
fn anything_else_is_double_quoted_with_backslash_quote_and_newline_escaped() {
    assert_eq!(quote(""), "\"\"");
    assert_eq!(quote("_"), "\"_\"", "needs a letter or digit");
    assert_eq!(quote("a b"), "\"a b\"");
    assert_eq!(quote("say \"hi\""), "\"say \\\"hi\\\"\"");
    assert_eq!(quote("back\\slash"), "\"back\\\\slash\"");
    assert_eq!(quote("two\nlines"), "\"two\\nlines\"");
}

#[test]
fn node_lines_are_filled_with_the_colour_of_the_state() {
    let mut g = Graph::new();
    let colours: Vec<String> = STATES
        .into_iter()
        .map(|s| {
            let t = g.add_task("t", in_state(s));
            node_line(&g, t).unwrap()
        })
        .collect();
    assert_eq!(
        colours,
        vec![
            "  1[style=filled,fillcolor=white,label=\"t\\nPREPARE\"];",
            "  2[style=filled,fillcolor=white,label=\"t\\nPENDING\"];",
            "  3[style=filled,fillcolor=white,label=\"t\\nQUEUED\"];",
            "  4[style=filled,fillcolor=yellow,label=\"t\\nRUNNING\"];",
            "  5[style=filled,fillcolor=gray,label=\"t\\nCANCELLED\"];",
            "  6[style=filled,fillcolor=red,label=\"t\\nFAILED\"];",
            "  7[style=filled,fillcolor=green,label=\"t\\nDONE\"];",
            "  8[style=filled,fillcolor=darkred,label=\"t\\nABORT\"];",
        ]
    );
}

#[test]
fn labels_escape_quotes_and_backslashes_in_names() {
    let mut g = Graph::new();
    let t = g.add_task("say \"hi\" \\o/", pending());
    assert_eq!(
        node_line(&g, t).unwrap(),
        "  1[style=filled,fillcolor=white,label=\"say \\\"hi\\\" \\\\o/\\nPENDING\"];"
    );
}

/// root blocks zeta, alpha, mid (added in that order); mid blocks leaf.
fn sample() -> (Graph, Vec<taskqueue_wasm::TaskId>) {
    let mut g = Graph::new();
    let root = g.add_task("root", pending());
    let zeta = g.add_task("zeta", pending());
    let alpha = g.add_task("alpha", pending());
    let mid = g.add_task("mid", pending());
    let leaf = g.add_task("leaf", pending());
    for t in [zeta, alpha, mid] {
        g.require(t, root).unwrap();
    }
    g.require(leaf, mid).unwrap();
    (g, vec![root, zeta, alpha, mid, leaf])
}

#[test]
fn each_task_is_followed_by_its_edges_sorted_by_name() {
    let (g, t) = sample();
    let dot = tasks_as_dot(&g, &[t[0], t[3]], Some("build"), &DotOptions::default()).unwrap();
    assert_eq!(
        dot,
        "digraph build {
  1[style=filled,fillcolor=white,label=\"root\\nPENDING\"];
  1->3;
  1->4;
  1->2;
  4[style=filled,fillcolor=white,label=\"mid\\nPENDING\"];
  4->5;
}"
    );
}

#[test]
fn follow_blocking_draws_blocked_tasks_after_the_given_ones_each_once() {
    let (g, t) = sample();
    let options = DotOptions {
        follow_blocking: true,
        ..DotOptions::default()
    };
    let dot = tasks_as_dot(&g, &[t[0], t[3], t[0]], None, &options).unwrap();
    let nodes: Vec<&str> = dot
        .lines()
        .filter(|l| l.contains('['))
        .map(|l| l.split('[').next().unwrap().trim())
        .collect();
    assert_eq!(nodes, vec!["1", "4", "3", "2", "5"]);
    assert!(dot.starts_with("digraph {\n"));
    assert!(dot.ends_with("\n}"));
}

#[test]
fn the_separator_joins_the_lines_and_the_name_is_quoted() {
    let mut g = Graph::new();
    let a = g.add_task("a", pending());
    let options = DotOptions {
        sep: " ".to_string(),
        ..DotOptions::default()
    };
    assert_eq!(
        tasks_as_dot(&g, &[a], Some("my graph"), &options).unwrap(),
        "digraph \"my graph\" {   1[style=filled,fillcolor=white,label=\"a\\nPENDING\"]; }"
    );
    assert_eq!(
        tasks_as_dot(&g, &[], None, &DotOptions::default()).unwrap(),
        "digraph {\n}"
    );
}

#[test]
fn svg_draws_every_task_in_its_own_box_with_labels_inside_and_escaped() {
    use taskqueue_wasm::layout::text;
    use taskqueue_wasm::svg::{tasks_as_svg, tasks_layout};
    let (mut g, t) = sample();
    let odd = g.add_task("a<b & \"c\"", pending());
    g.require(odd, t[4]).unwrap();
    let options = DotOptions {
        follow_blocking: true,
        ..DotOptions::default()
    };
    let drawing = tasks_layout(&g, &[t[0]], &options).unwrap();
    let boxes = &drawing.geometry.nodes;
    assert_eq!(boxes.len(), 6);
    for (i, a) in boxes.iter().enumerate() {
        let label = text::line_width(g.name(drawing.tasks[i]).unwrap());
        assert!(label < a.w, "label fits its box");
        for b in &boxes[i + 1..] {
            let apart =
                a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
            assert!(apart, "boxes overlap: {a:?} {b:?}");
        }
    }
    // Prerequisites sit on rows above their dependents.
    let y = |task| {
        let i = drawing.tasks.iter().position(|&d| d == task).unwrap();
        boxes[i].y
    };
    assert!(y(t[0]) < y(t[3]) && y(t[3]) < y(t[4]) && y(t[4]) < y(odd));
    let svg = tasks_as_svg(&g, &[t[0]], Some("g"), &options).unwrap();
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert_eq!(svg.matches("class=\"node\"").count(), 6);
    assert_eq!(svg.matches("class=\"edge\"").count(), 5);
    assert!(svg.contains("<title>a&lt;b &amp; &quot;c&quot;</title>"));
    assert!(!svg.contains("a<b"));
    assert!(svg.contains("data-state=\"PENDING\""));
}

/// a requires b and c (in that order), b requires d; e requires a.
fn prerequisites() -> (Graph, Vec<taskqueue_wasm::TaskId>) {
    let mut g = Graph::new();
    let a = g.add_task("a", pending());
    let c = g.add_task("c", pending());
    let b = g.add_task("b", pending());
    let d = g.add_task("d", pending());
    let e = g.add_task("e", pending());
    g.require(a, c).unwrap();
    g.require(a, b).unwrap();
    g.require(b, d).unwrap();
    g.require(e, a).unwrap();
    (g, vec![a, b, c, d, e])
}

/// The DOT ids of the node lines, in order.
fn node_ids(dot: &str) -> Vec<&str> {
    dot.lines()
        .filter(|l| l.contains('['))
        .map(|l| l.split('[').next().unwrap_or("").trim())
        .collect()
}

#[test]
fn follow_required_draws_prerequisites_transitively_after_the_given_tasks() {
    let (g, t) = prerequisites();
    let options = DotOptions {
        follow_required: true,
        ..DotOptions::default()
    };
    // a (1) is given; then its prerequisites sorted by name, b (3) and
    // c (2); then b's, d (4). e (5), which requires a, is not drawn, but
    // a's edge to it is, as for any task drawn.
    let dot = tasks_as_dot(&g, &[t[0]], Some("deps"), &options).unwrap();
    assert_eq!(
        dot,
        "digraph deps {
  1[style=filled,fillcolor=white,label=\"a\\nPENDING\"];
  1->5;
  3[style=filled,fillcolor=white,label=\"b\\nPENDING\"];
  3->1;
  2[style=filled,fillcolor=white,label=\"c\\nPENDING\"];
  2->1;
  4[style=filled,fillcolor=white,label=\"d\\nPENDING\"];
  4->3;
}"
    );
}

#[test]
fn follow_required_and_follow_blocking_walk_both_ways_each_task_once() {
    let (g, t) = prerequisites();
    let (a, b, c, d, e) = (t[0], t[1], t[2], t[3], t[4]);
    let both = DotOptions {
        follow_blocking: true,
        follow_required: true,
        ..DotOptions::default()
    };
    // From b: b; what b blocks (a); what b requires (d); then from a:
    // what a blocks (e), what a requires not yet drawn (c).
    let dot = tasks_as_dot(&g, &[b], None, &both).unwrap();
    let order: Vec<String> = [b, a, d, e, c]
        .iter()
        .map(|&t| g.serial(t).unwrap().to_string())
        .collect();
    assert_eq!(node_ids(&dot), order);
    // Only one way: from b, blocking reaches a and e; required reaches d.
    let blocking = DotOptions {
        follow_blocking: true,
        ..DotOptions::default()
    };
    let required = DotOptions {
        follow_required: true,
        ..DotOptions::default()
    };
    let ids = |ts: &[taskqueue_wasm::TaskId]| -> Vec<String> {
        ts.iter()
            .map(|&t| g.serial(t).unwrap().to_string())
            .collect()
    };
    assert_eq!(
        node_ids(&tasks_as_dot(&g, &[b], None, &blocking).unwrap()),
        ids(&[b, a, e])
    );
    assert_eq!(
        node_ids(&tasks_as_dot(&g, &[b], None, &required).unwrap()),
        ids(&[b, d])
    );
    // Given tasks keep their place; the same drawing every time.
    let again = tasks_as_dot(&g, &[e, d, e], None, &both).unwrap();
    assert_eq!(node_ids(&again), ids(&[e, d, a, b, c]));
    assert_eq!(again, tasks_as_dot(&g, &[e, d, e], None, &both).unwrap());
}

#[test]
fn follow_required_applies_to_the_svg_drawing_and_its_layout() {
    use taskqueue_wasm::svg::{tasks_as_svg, tasks_layout};
    let (g, t) = prerequisites();
    let options = DotOptions {
        follow_required: true,
        ..DotOptions::default()
    };
    let drawing = tasks_layout(&g, &[t[0]], &options).unwrap();
    assert_eq!(drawing.tasks, vec![t[0], t[1], t[2], t[3]]);
    assert_eq!(drawing.geometry.edges.len(), 3, "b->a, c->a, d->b");
    let svg = tasks_as_svg(&g, &[t[0]], None, &options).unwrap();
    assert_eq!(svg.matches("class=\"node\"").count(), 4);
    assert_eq!(svg.matches("class=\"edge\"").count(), 3);
    let plain = tasks_as_svg(&g, &[t[0]], None, &DotOptions::default()).unwrap();
    assert_eq!(plain.matches("class=\"node\"").count(), 1);
}
