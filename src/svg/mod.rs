//! SVG drawn here, on the layered layout of [`crate::layout`]: tasks
//! ([`tasks`]) and a state machine's transition table ([`fsm`]). The
//! output follows Graphviz's structure and classes (`graph`, `node`,
//! `edge`, each with a `<title>`), so CSS and tools written for Graphviz
//! SVG work on it. Numbers are written by a small fixed-point formatter:
//! Rust's float formatting would cost the `.wasm` about 15 KB.

pub mod fsm;
pub mod tasks;

pub use tasks::{tasks_as_svg, tasks_layout, TasksLayout};

use crate::layout::{text, EdgePath, Geometry, NodeBox};

/// Escapes text for SVG content and attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_escaped(&mut out, text);
    out
}

pub(crate) fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// Writes `v` with at most two decimals, trailing zeros dropped.
pub(crate) fn push_num(out: &mut String, v: f64) {
    let v = if v.is_finite() { v } else { 0.0 };
    let hundredths = (v * 100.0).round() as i64;
    if hundredths < 0 {
        out.push('-');
    }
    let h = hundredths.unsigned_abs();
    push_int(out, h / 100);
    let frac = h % 100;
    if frac != 0 {
        out.push('.');
        out.push(digit(frac / 10));
        if frac % 10 != 0 {
            out.push(digit(frac % 10));
        }
    }
}

pub(crate) fn push_int(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[i..] {
        out.push(digit(u64::from(d)));
    }
}

fn digit(d: u64) -> char {
    char::from(b'0' + (d % 10) as u8)
}

/// `x,y`
fn push_point(out: &mut String, (x, y): (f64, f64)) {
    push_num(out, x);
    out.push(',');
    push_num(out, y);
}

/// ` name="value"` for a number.
fn push_attr(out: &mut String, name: &str, v: f64) {
    out.push(' ');
    out.push_str(name);
    out.push_str("=\"");
    push_num(out, v);
    out.push('"');
}

/// The opening of the document, sized to the drawing, with its title.
pub(crate) fn open(out: &mut String, g: &Geometry, title: &str) {
    out.push_str("<svg xmlns=\"http://www.w3.org/2000/svg\"");
    push_attr(out, "width", g.width);
    push_attr(out, "height", g.height);
    out.push_str(" viewBox=\"0 0 ");
    push_num(out, g.width);
    out.push(' ');
    push_num(out, g.height);
    out.push_str("\">\n<g id=\"graph0\" class=\"graph\" font-family=\"");
    out.push_str(text::FONT_FAMILY);
    out.push_str("\" font-size=\"");
    push_num(out, text::FONT_SIZE);
    out.push_str("\">\n<title>");
    push_escaped(out, title);
    out.push_str("</title>\n");
}

pub(crate) fn close(out: &mut String) {
    out.push_str("</g>\n</svg>\n");
}

/// A box with a border: `<rect .../>` (`rx` rounds the corners).
pub(crate) fn push_rect(out: &mut String, b: &NodeBox, fill: &str, rx: f64) {
    out.push_str("<rect");
    push_attr(out, "x", b.x);
    push_attr(out, "y", b.y);
    push_attr(out, "width", b.w);
    push_attr(out, "height", b.h);
    if rx > 0.0 {
        push_attr(out, "rx", rx);
    }
    out.push_str(" fill=\"");
    out.push_str(fill);
    out.push_str("\" stroke=\"black\"/>");
}

/// The colour of text written on a box filled with `fill`: light on the
/// dark fills (FAILED red, ABORT darkred), where black text is hard to
/// read; `None` (the SVG default, black) on the others.
pub(crate) fn text_colour(fill: &str) -> Option<&'static str> {
    match fill {
        "red" | "darkred" => Some("white"),
        _ => None,
    }
}

/// Lines of text centred on `(x, y)`, one `<text>` per line, in the
/// colour that reads on a box filled with `on` ([`text_colour`]).
pub(crate) fn push_lines(out: &mut String, (x, y): (f64, f64), lines: &[&str], on: &str) {
    let first = y - (lines.len() as f64 - 1.0) * text::LINE_HEIGHT / 2.0 + 0.35 * text::FONT_SIZE;
    let colour = text_colour(on);
    for (i, line) in lines.iter().enumerate() {
        out.push_str("<text text-anchor=\"middle\"");
        if let Some(colour) = colour {
            out.push_str(" fill=\"");
            out.push_str(colour);
            out.push('"');
        }
        push_attr(out, "x", x);
        push_attr(out, "y", first + i as f64 * text::LINE_HEIGHT);
        out.push('>');
        push_escaped(out, line);
        out.push_str("</text>");
    }
}

/// An edge's curve and arrowhead: `<path d="M.. C.."/><polygon/>`.
pub(crate) fn push_edge_shapes(out: &mut String, e: &EdgePath) {
    out.push_str("<path fill=\"none\" stroke=\"black\" d=\"");
    out.push_str(&path_data(e));
    out.push_str("\"/><polygon fill=\"black\" stroke=\"black\" points=\"");
    for (i, &p) in e.arrow.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        push_point(out, p);
    }
    out.push_str("\"/>");
}

/// SVG path data of an edge: `M start C c1 c2 end c1 c2 end ...`.
pub fn path_data(e: &EdgePath) -> String {
    let mut d = String::with_capacity(e.points.len() * 12);
    for (i, &p) in e.points.iter().enumerate() {
        d.push_str(match i {
            0 => "M",
            1 => " C",
            _ => " ",
        });
        push_point(&mut d, p);
    }
    d
}
