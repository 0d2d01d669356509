//! SVG output: Graphviz's structure (graph, node and edge groups with
//! titles, shapes, text, paths and arrowheads), sized and escaped,
//! deterministic; tasks and a state machine's transition table.

mod common;
use common::{prerequisites, sample};
use taskqueue_wasm::dot::DotOptions;
use taskqueue_wasm::fsm::Table;
use taskqueue_wasm::svg::fsm::transitions_as_svg;
use taskqueue_wasm::svg::{escape, path_data, tasks_as_svg, tasks_layout};
use taskqueue_wasm::{Graph, TaskOptions, TaskState};

/// Checks tags nest and close, and no text holds a bare `<` or `&`;
/// returns the element names in document order.
fn well_formed(svg: &str) -> Vec<String> {
    let mut open: Vec<String> = Vec::new();
    let mut names = Vec::new();
    let mut rest = svg;
    while let Some(start) = rest.find('<') {
        let text = &rest[..start];
        for (i, _) in text.match_indices('&') {
            let entity = &text[i..text[i..].find(';').map_or(text.len(), |e| i + e + 1)];
            assert!(
                entity.len() <= 8 && entity.ends_with(';'),
                "bare & in text: {text:?}"
            );
        }
        let end = rest[start..].find('>').expect("tag closes") + start;
        let tag = &rest[start + 1..end];
        assert!(!tag.contains('<'), "bare < inside a tag: {tag:?}");
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(open.pop().as_deref(), Some(name), "tags nest");
        } else {
            let name: String = tag
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != '/')
                .collect();
            names.push(name.clone());
            if !tag.ends_with('/') {
                open.push(name);
            }
        }
        rest = &rest[end + 1..];
    }
    assert!(open.is_empty(), "every tag closes: {open:?}");
    names
}

fn graph() -> (Graph, Vec<taskqueue_wasm::TaskId>) {
    let mut g = Graph::new();
    let done = TaskOptions {
        state: TaskState::Done,
        ..TaskOptions::default()
    };
    let fetch = g.add_task("fetch <data> & \"more\"", done);
    let parse = g.add_task("parse\nand check", TaskOptions::default());
    let report = g.add_task("report", TaskOptions::default());
    g.require(parse, fetch).unwrap();
    g.require(report, parse).unwrap();
    g.require(report, fetch).unwrap();
    (g, vec![fetch, parse, report])
}

fn follow() -> DotOptions {
    DotOptions {
        follow_blocking: true,
        ..DotOptions::default()
    }
}

#[test]
fn tasks_svg_has_graphvizs_structure_with_data_attributes() {
    let (g, t) = graph();
    let svg = tasks_as_svg(&g, &[t[0]], Some("my <graph>"), &follow()).unwrap();
    let names = well_formed(&svg);
    assert_eq!(names.iter().filter(|n| *n == "title").count(), 1 + 3 + 3);
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\""));
    assert!(svg.contains(" viewBox=\"0 0 "));
    assert!(svg.contains("<g id=\"graph0\" class=\"graph\""));
    assert!(svg.contains("<title>my &lt;graph&gt;</title>"));
    assert_eq!(svg.matches("<g id=\"node").count(), 3);
    assert_eq!(svg.matches("class=\"node\"").count(), 3);
    assert_eq!(svg.matches("class=\"edge\"").count(), 3);
    assert_eq!(
        svg.matches("<path fill=\"none\" stroke=\"black\" d=\"M")
            .count(),
        3
    );
    assert_eq!(svg.matches("<polygon fill=\"black\"").count(), 3);
    let serial = |i: usize| g.serial(t[i]).unwrap();
    assert!(svg.contains(&format!(
        "<title>{}&#45;&gt;{}</title>",
        serial(0),
        serial(1)
    )));
    assert!(svg.contains(&format!(
        "class=\"node\" data-task-id=\"{}\" data-state=\"PENDING\"><title>report</title><rect ",
        serial(2)
    )));
    assert!(svg.contains(&format!(
        "data-task-id=\"{}\" data-state=\"DONE\"><title>fetch &lt;data&gt; &amp; &quot;more&quot;</title><rect ",
        serial(0)
    )));
    assert!(svg.contains("<title>fetch &lt;data&gt; &amp; &quot;more&quot;</title>"));
    assert!(
        svg.contains(">parse</text><text") && svg.contains(">and check</text>"),
        "one text per line"
    );
    assert!(!svg.contains("<data>"));
}

#[test]
fn the_svg_size_and_paths_match_the_layout() {
    let (g, t) = graph();
    let drawing = tasks_layout(&g, &[t[0]], &follow()).unwrap();
    let svg = tasks_as_svg(&g, &[t[0]], None, &follow()).unwrap();
    let geometry = &drawing.geometry;
    let w = (geometry.width * 100.0).round() / 100.0;
    assert!(svg.contains(&format!("width=\"{w}\"")), "{svg}");
    for e in &geometry.edges {
        assert!(svg.contains(&path_data(e)));
    }
    assert_eq!(
        drawing.tasks, t,
        "drawing order: the given task, then breadth first"
    );
}

#[test]
fn numbers_are_written_with_at_most_two_decimals() {
    let (g, t) = graph();
    let svg = tasks_as_svg(&g, &t, None, &follow()).unwrap();
    for token in svg.split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-')) {
        if let Some((_, decimals)) = token.split_once('.') {
            assert!(decimals.len() <= 2 && !decimals.ends_with('0'), "{token}");
        }
    }
}

#[test]
fn the_same_tasks_give_the_same_svg() {
    let (g, t) = graph();
    let a = tasks_as_svg(&g, &t, None, &follow()).unwrap();
    assert_eq!(a, tasks_as_svg(&g, &t, None, &follow()).unwrap());
}

#[test]
fn without_follow_blocking_only_the_given_tasks_and_their_edges_are_drawn() {
    let (g, t) = graph();
    let svg = tasks_as_svg(&g, &[t[0], t[2]], None, &DotOptions::default()).unwrap();
    well_formed(&svg);
    assert_eq!(svg.matches("class=\"node\"").count(), 2);
    assert_eq!(svg.matches("class=\"edge\"").count(), 1);
    let empty = tasks_as_svg(&g, &[], None, &DotOptions::default()).unwrap();
    well_formed(&empty);
    assert_eq!(empty.matches("class=\"node\"").count(), 0);
}

#[test]
fn escape_covers_the_five_xml_specials() {
    assert_eq!(
        escape("<a href='x'>&\"</a>"),
        "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;"
    );
}

#[test]
fn a_transition_table_is_drawn_with_event_labels_and_loops() {
    let table = Table::new([
        (
            "PENDING",
            vec![("dispatch", "RUNNING"), ("cancel", "CANCELLED")],
        ),
        (
            "RUNNING",
            vec![
                ("done", "DONE"),
                ("retry", "RUNNING"),
                ("fail <x>", "FAILED"),
            ],
        ),
        ("FAILED", vec![("requeue", "PENDING")]),
    ])
    .unwrap();
    let svg = transitions_as_svg(&table, Some("task states"));
    let names = well_formed(&svg);
    assert_eq!(svg.matches("class=\"node\"").count(), table.states().len());
    assert_eq!(svg.matches("class=\"edge\"").count(), 6);
    assert_eq!(
        names.iter().filter(|n| *n == "text").count(),
        table.states().len() + 6
    );
    assert!(
        svg.contains("<title>RUNNING&#45;&gt;RUNNING</title>"),
        "a self-transition is drawn"
    );
    assert!(svg.contains(">fail &lt;x&gt;</text>"));
    assert!(svg.contains("data-state=\"CANCELLED\""));
    assert!(svg.contains("<title>task states</title>"));
    assert_eq!(svg, transitions_as_svg(&table, Some("task states")));
}

/// The `fill` of each `<text>` of the node of the task with this DOT id
/// (`None`: no fill attribute, the SVG default, black).
fn text_fills(svg: &str, id: u64) -> Vec<Option<String>> {
    let start = svg
        .find(&format!("data-task-id=\"{id}\""))
        .expect("the node is drawn");
    let node = &svg[start..start + svg[start..].find("</g>").unwrap_or(0)];
    node.split("<text")
        .skip(1)
        .map(|text| {
            let tag = &text[..text.find('>').unwrap_or(text.len())];
            tag.split(" fill=\"")
                .nth(1)
                .map(|rest| rest[..rest.find('"').unwrap_or(0)].to_string())
        })
        .collect()
}

#[test]
fn labels_are_light_on_the_dark_fills_and_dark_on_the_others() {
    let mut g = Graph::new();
    let tasks: Vec<_> = taskqueue_wasm::task_state::STATES
        .into_iter()
        .map(|state| {
            let options = TaskOptions {
                state,
                ..TaskOptions::default()
            };
            (state, g.add_task("two\nlines", options))
        })
        .collect();
    let ids: Vec<_> = tasks.iter().map(|&(_, t)| t).collect();
    let svg = tasks_as_svg(&g, &ids, None, &DotOptions::default()).unwrap();
    well_formed(&svg);
    for (state, t) in tasks {
        let fills = text_fills(&svg, g.serial(t).unwrap());
        assert_eq!(fills.len(), 3, "{state:?}: name lines and state");
        let light = matches!(state, TaskState::Failed | TaskState::Abort);
        let expected = light.then(|| "white".to_string());
        assert!(
            fills.iter().all(|f| *f == expected),
            "{state:?} ({}): {fills:?}",
            state.colour()
        );
    }
    // The transition table's states are white boxes with dark text.
    let table = Table::new([("FAILED", vec![("retry", "PENDING")]), ("PENDING", vec![])]).unwrap();
    assert!(!transitions_as_svg(&table, None).contains("fill=\"white\" x="));
}

#[test]
fn svg_draws_every_task_in_its_own_box_with_labels_inside_and_escaped() {
    use taskqueue_wasm::layout::text;
    let (mut g, t) = sample();
    let odd = g.add_task("a<b & \"c\"", TaskOptions::default());
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

#[test]
fn follow_required_applies_to_the_svg_drawing_and_its_layout() {
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
