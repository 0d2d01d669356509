//! SPEC §5: drawing tasks as DOT, compared exactly.

mod common;
use common::{in_state, prerequisites, sample};
use taskqueue_wasm::dot::{node_line, quote, tasks_as_dot, DotOptions};
use taskqueue_wasm::task_state::STATES;
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
