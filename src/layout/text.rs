//! Text metrics of the font the SVG uses (Helvetica, or Arial, which has
//! the same advance widths), so boxes fit their labels without a browser.

/// The SVG's font, most specific first.
pub const FONT_FAMILY: &str = "Helvetica,Arial,sans-serif";
/// Font size in pixels.
pub const FONT_SIZE: f64 = 14.0;
/// Distance between baselines.
pub const LINE_HEIGHT: f64 = 17.0;
/// Room between the text and the border of its box.
pub const PAD_X: f64 = 10.0;
pub const PAD_Y: f64 = 6.0;

/// Advance widths of printable ASCII (' ' to '~') in thousandths of an em
/// (Helvetica's AFM).
const ASCII: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // ' '../
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, // 0..9
    278, 278, 584, 584, 584, 556, 1015, // :..@
    667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, // A..M
    722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, // N..Z
    278, 278, 278, 469, 556, 333, // [..`
    556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, // a..m
    556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, // n..z
    334, 260, 334, 584, // {..~
];

/// Width of one character in thousandths of an em. Other scripts get a
/// generous width (a full em for CJK and beyond), so text never overflows.
fn advance(c: char) -> u32 {
    match c as u32 {
        code @ 32..=126 => u32::from(ASCII[(code - 32) as usize]),
        0..=31 => 0,
        code if code < 0x2E80 => 667,
        _ => 1000,
    }
}

/// Width of one line of text, in pixels.
pub fn line_width(line: &str) -> f64 {
    let thousandths: u64 = line.chars().map(|c| u64::from(advance(c))).sum();
    thousandths as f64 * FONT_SIZE / 1000.0
}

/// Size of a box around `lines`, centred, with padding.
pub fn box_size<'a>(lines: impl IntoIterator<Item = &'a str>) -> (f64, f64) {
    let (mut width, mut count) = (0.0f64, 0usize);
    for line in lines {
        width = width.max(line_width(line));
        count += 1;
    }
    (
        width + 2.0 * PAD_X,
        count.max(1) as f64 * LINE_HEIGHT + 2.0 * PAD_Y,
    )
}
