//! A state machine's transition table as SVG: states as rounded boxes,
//! transitions as edges labelled with their event (self-transitions as
//! loops on the right of the state).

use super::{close, open, push_edge_shapes, push_escaped, push_int, push_lines, push_rect};
use crate::fsm::Table;
use crate::layout::{layout, text, Geometry, Input};

/// States of a table carry no meaning a colour could show: white boxes.
const STATE_FILL: &str = "white";

/// The table's states (in table order) and its transitions laid out;
/// edge `k` of the geometry is transition `k` of `Table::transitions`.
pub fn transitions_layout(table: &Table) -> Geometry {
    let mut input = Input::default();
    for state in table.states() {
        input.sizes.push(text::box_size([state.as_str()]));
    }
    for (s, e, d) in table.transitions() {
        input.edges.push((usize::from(s), usize::from(d)));
        let label = text::line_width(table.event_name(e));
        input.labels.push((label, text::LINE_HEIGHT));
    }
    layout(&input)
}

/// The transition table as an SVG document.
pub fn transitions_as_svg(table: &Table, name: Option<&str>) -> String {
    let geometry = transitions_layout(table);
    let transitions = table.transitions();
    let mut svg = String::with_capacity(256 * (transitions.len() + table.states().len()) + 256);
    open(&mut svg, &geometry, name.unwrap_or("fsm"));
    for (k, (e, &(s, event, d))) in geometry.edges.iter().zip(&transitions).enumerate() {
        svg.push_str("<g id=\"edge");
        push_int(&mut svg, k as u64 + 1);
        svg.push_str("\" class=\"edge\" data-event=\"");
        push_escaped(&mut svg, table.event_name(event));
        svg.push_str("\"><title>");
        push_escaped(&mut svg, table.state_name(s));
        svg.push_str("&#45;&gt;");
        push_escaped(&mut svg, table.state_name(d));
        svg.push_str("</title>");
        push_edge_shapes(&mut svg, e);
        if let Some(at) = e.label_pos {
            // Edge labels sit on the page's (white) background.
            push_lines(&mut svg, at, &[table.event_name(event)], "white");
        }
        svg.push_str("</g>\n");
    }
    for (i, (state, b)) in table.states().iter().zip(&geometry.nodes).enumerate() {
        svg.push_str("<g id=\"node");
        push_int(&mut svg, i as u64 + 1);
        svg.push_str("\" class=\"node\" data-state=\"");
        push_escaped(&mut svg, state);
        svg.push_str("\"><title>");
        push_escaped(&mut svg, state);
        svg.push_str("</title>");
        push_rect(&mut svg, b, STATE_FILL, 10.0);
        push_lines(&mut svg, b.centre(), &[state.as_str()], STATE_FILL);
        svg.push_str("</g>\n");
    }
    close(&mut svg);
    svg
}
