//! The `layers --svg` heat map: blocks × roles, one `<rect>` per cell colored by the bits per
//! weight of its type on one heat scale (dark red = fewest bits, through orange and yellow, to
//! green at 8 bits and pale grey-blue for 16- and 32-bit floats, which are never the loud
//! colour), the type's name written in the cell, a `<title>` tooltip per cell; the legend (each
//! type's swatch, bits per weight, bytes and share, and the scale) sits above the grid so that
//! it is on screen however tall the map is; the tensors outside blocks in a strip below.
//!
//! Widths are computed from a conservative monospace advance, and any label that could still be
//! wider than its box (a long tensor name) is shortened in the middle, with the full name in the
//! tooltip. Every piece of text from the file is escaped for XML.

use super::{iec, params, sanitize, thousands};
use crate::ggml_type::GgmlType;
use crate::report::layers::{
    CellJson, LayerJson, LayersReport, SectionJson, TensorJson, TypeShareJson,
};
use std::fmt::Write as _;

/// Escapes text for XML character data and attribute values (after terminal sanitizing, so
/// control characters, which XML 1.0 forbids, arrive as `\xNN` text).
pub fn xml_escape(s: &str) -> String {
    let s = sanitize(s);
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// The nominal bits per weight of a type by name (`Q4_K` 4.5, `F32` 32), if it is a known
/// ggml type with a fixed block.
pub fn type_bpw(name: &str) -> Option<f64> {
    GgmlType::from_name(name).and_then(|t| t.bits_per_weight())
}

/// The heat scale's stops: position on the scale (0 = 1.5 bits, 1 = 16 bits, logarithmic) and
/// colour.
const STOPS: [(f64, [u8; 3]); 8] = [
    (0.00, [0x67, 0x00, 0x1f]),
    (0.15, [0xb2, 0x18, 0x2b]),
    (0.30, [0xe3, 0x4a, 0x33]),
    (0.45, [0xfc, 0x8d, 0x59]),
    (0.56, [0xfe, 0xe0, 0x8b]),
    (0.66, [0xa6, 0xd9, 0x6a]),
    (0.76, [0x3a, 0x9e, 0x5c]),
    (1.00, [0xdc, 0xe3, 0xee]),
];
const SCALE_MIN_BPW: f64 = 1.5;
const SCALE_MAX_BPW: f64 = 16.0;

/// Where `bpw` sits on the scale (0..1).
fn scale_pos(bpw: f64) -> f64 {
    let lo = SCALE_MIN_BPW.log2();
    let hi = SCALE_MAX_BPW.log2();
    ((bpw.max(SCALE_MIN_BPW).log2() - lo) / (hi - lo)).clamp(0.0, 1.0)
}

/// The colour of `bpw` bits per weight on the heat scale.
pub fn heat(bpw: f64) -> String {
    let t = scale_pos(bpw);
    let i = STOPS.iter().rposition(|(p, _)| *p <= t).unwrap_or(0);
    let (p0, c0) = STOPS[i];
    let (p1, c1) = STOPS[(i + 1).min(STOPS.len() - 1)];
    let f = if p1 > p0 { (t - p0) / (p1 - p0) } else { 0.0 };
    let mix = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * f).round() as u8;
    format!(
        "#{:02x}{:02x}{:02x}",
        mix(c0[0], c1[0]),
        mix(c0[1], c1[1]),
        mix(c0[2], c1[2])
    )
}

/// The fill of a type: its bits per weight on the heat scale; grey for a cell of mixed types,
/// integer and unknown types.
pub fn type_fill(name: &str) -> String {
    match (name, type_bpw(name)) {
        ("mixed", _) => "#bbbbbb".into(),
        (n, _) if n.starts_with('I') && n[1..].chars().all(|c| c.is_ascii_digit()) => {
            "#999999".into()
        }
        (_, Some(b)) => heat(b),
        _ => "#dddddd".into(),
    }
}

/// Black or white, whichever reads better on the fill.
fn text_fill(fill: &str) -> &'static str {
    let h = fill.trim_start_matches('#');
    let c =
        |i: usize| u8::from_str_radix(h.get(i..i + 2).unwrap_or("cc"), 16).unwrap_or(204) as f64;
    let lum = 0.299 * c(0) + 0.587 * c(2) + 0.114 * c(4);
    if lum < 140.0 {
        "#ffffff"
    } else {
        "#111111"
    }
}

const FONT: &str = "DejaVu Sans Mono, Menlo, Consolas, monospace";
const ROW_H: u32 = 16;
const LABEL_W: u32 = 64;
const PAD: u32 = 16;
const CELL_FONT: f64 = 10.0;
const TEXT_FONT: f64 = 11.0;
/// The longest name the strip of tensors outside blocks shows whole.
const STRIP_NAME_MAX: usize = 30;

/// A generous width of `s` at `font` px in a monospace font (DejaVu Sans Mono advances 0.602
/// em; fallbacks may be wider).
fn text_w(s: &str, font: f64) -> u32 {
    (s.chars().count() as f64 * font * 0.64).ceil() as u32
}

/// `s` shortened in the middle to at most `max` characters, with `…` where the middle was.
pub fn elide_middle(s: &str, max: usize) -> String {
    let n = s.chars().count();
    if n <= max || max < 3 {
        return s.to_string();
    }
    let head = (max - 1).div_ceil(2);
    let tail = max - 1 - head;
    let start: String = s.chars().take(head).collect();
    let end: String = s.chars().skip(n - tail).collect();
    format!("{start}…{end}")
}

/// Where everything goes.
struct Layout {
    col_w: Vec<u32>,
    grid_x: u32,
    totals_x: u32,
    legend_y: u32,
    legend_rows: u32,
    legend_item_w: u32,
    legend_per_row: u32,
    head_y: u32,
    rows_y: u32,
    strip_y: u32,
    width: u32,
    height: u32,
}

const BYTES_W: u32 = 80;
const BPW_W: u32 = 44;
const LEGEND_ROW_H: u32 = 20;
const SCALE_H: u32 = 44;

impl Layout {
    fn new(r: &LayersReport, strip: &[StripCell]) -> Layout {
        let col_w: Vec<u32> = r.columns.iter().map(|c| column_width(r, c)).collect();
        let grid_x = PAD + LABEL_W;
        let totals_x = grid_x + col_w.iter().sum::<u32>() + 10;
        let grid_right = totals_x + BYTES_W + BPW_W;
        let legend_item_w = 250;
        let width = grid_right.max(strip_right(strip)).max(2 * legend_item_w) + PAD;
        let legend_per_row = ((width - 2 * PAD) / legend_item_w).max(1);
        let legend_rows = (r.types.len() as u32).div_ceil(legend_per_row);
        let legend_y = 76;
        let head_y = legend_y + legend_rows * LEGEND_ROW_H + SCALE_H + 20;
        let rows_y = head_y + 8;
        let grid_bottom = rows_y + r.layers.len() as u32 * ROW_H;
        let strip_y = grid_bottom + 34;
        let strip_h = strip.iter().map(|c| c.y + 30).max().map_or(0, |b| b + 24);
        Layout {
            col_w,
            grid_x,
            totals_x,
            legend_y,
            legend_rows,
            legend_item_w,
            legend_per_row,
            head_y,
            rows_y,
            strip_y,
            width,
            height: strip_y + strip_h + PAD,
        }
    }
}

/// A column is as wide as its name and the widest type label in it.
fn column_width(r: &LayersReport, col: &str) -> u32 {
    let widest_type = r
        .layers
        .iter()
        .flat_map(|l| l.tensors.iter().filter(|t| t.column == col))
        .map(|t| text_w(&t.ty, CELL_FONT))
        .max()
        .unwrap_or(0);
    text_w(col, TEXT_FONT).max(widest_type).max(40) + 10
}

/// One box of the strip of tensors outside blocks (positions relative to the strip).
struct StripCell<'a> {
    x: u32,
    y: u32,
    w: u32,
    label: String,
    t: &'a TensorJson,
}

fn strip_right(strip: &[StripCell]) -> u32 {
    strip.iter().map(|c| c.x + c.w).max().unwrap_or(0)
}

/// Lays the tensors outside blocks out in rows no wider than `limit`.
fn strip_cells(r: &LayersReport, limit: u32) -> Vec<StripCell<'_>> {
    let mut out = Vec::new();
    let (mut x, mut row) = (PAD, 0u32);
    for t in r
        .tensors
        .iter()
        .filter(|t| t.section == SectionJson::Global)
    {
        let label = elide_middle(&t.name, STRIP_NAME_MAX);
        let second = format!("{} · {}", t.ty, iec(t.bytes));
        let w = text_w(&label, CELL_FONT).max(text_w(&second, CELL_FONT)) + 14;
        if x + w > limit && x > PAD {
            x = PAD;
            row += 1;
        }
        out.push(StripCell {
            x,
            y: row * 36,
            w,
            label,
            t,
        });
        x += w + 4;
    }
    out
}

/// Renders the heat map.
pub fn render(r: &LayersReport) -> String {
    let grid_only = Layout::new(r, &[]);
    let strip = strip_cells(r, grid_only.width.max(600));
    let l = Layout::new(r, &strip);
    let mut o = String::with_capacity(64 * 1024);
    let _ = writeln!(
        o,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{FONT}" font-size="{TEXT_FONT}">"#,
        w = l.width,
        h = l.height
    );
    let _ = writeln!(
        o,
        r##"<rect x="0" y="0" width="{}" height="{}" fill="#ffffff"/>"##,
        l.width, l.height
    );
    title(&mut o, r);
    legend(&mut o, r, &l);
    scale(&mut o, &l);
    column_heads(&mut o, r, &l);
    for (i, layer) in r.layers.iter().enumerate() {
        grid_row(&mut o, r, &l, layer, l.rows_y + i as u32 * ROW_H);
    }
    outside_blocks(&mut o, &l, &strip);
    let _ = writeln!(o, "</svg>");
    o
}

fn title(o: &mut String, r: &LayersReport) {
    let label = r
        .file_type
        .as_ref()
        .map_or("no general.file_type".to_string(), |f| {
            format!("{} ({})", f.name, f.description)
        });
    let _ = writeln!(
        o,
        r#"<text class="title" x="{PAD}" y="22" font-size="15" font-weight="bold">{}</text>"#,
        xml_escape(&r.file)
    );
    let _ = writeln!(
        o,
        r#"<text x="{PAD}" y="40">{} · labelled {} · {} blocks · {} tensors</text>"#,
        xml_escape(r.architecture.as_deref().unwrap_or("unknown architecture")),
        xml_escape(&label),
        r.layers.len(),
        thousands(r.totals.tensors)
    );
    let _ = writeln!(
        o,
        r#"<text x="{PAD}" y="56">{} parameters · {} · {} bits per weight · colour: bits per weight of the type</text>"#,
        params(r.totals.parameters),
        iec(r.totals.bytes),
        bpw_text(r.totals.bpw)
    );
}

fn bpw_text(b: Option<f64>) -> String {
    b.map_or("–".into(), |b| format!("{b:.2}"))
}

/// The types, as many to a row as fit: swatch with the type name, bits per weight, bytes, share.
fn legend(o: &mut String, r: &LayersReport, l: &Layout) {
    for (i, t) in r.types.iter().enumerate() {
        let i = i as u32;
        let x = PAD + (i % l.legend_per_row) * l.legend_item_w;
        let y = l.legend_y + (i / l.legend_per_row) * LEGEND_ROW_H;
        legend_item(o, t, x, y);
    }
}

fn legend_item(o: &mut String, t: &TypeShareJson, x: u32, y: u32) {
    let fill = type_fill(&t.ty);
    let bpw = type_bpw(&t.ty).map_or(String::new(), |b| format!("{b:.2} b"));
    let _ = writeln!(
        o,
        r##"<g class="legend" data-type="{ty}" data-bytes="{bytes}"><rect x="{x}" y="{y}" width="58" height="16" fill="{fill}" stroke="#888888" stroke-width="0.5"/><text x="{tx}" y="{ty_y}" text-anchor="middle" font-size="{CELL_FONT}" fill="{tf}">{ty}</text><text x="{bx}" y="{ty_y}" text-anchor="end">{bpw}</text><text x="{sx}" y="{ty_y}" text-anchor="end">{size}</text><text x="{px}" y="{ty_y}" text-anchor="end">{share:.1} %</text><title>{ty}: {bpw_long} bits per weight, {n} tensors, {p} parameters, {b} bytes</title></g>"##,
        ty = xml_escape(&t.ty),
        bytes = t.totals.bytes,
        tx = x + 29,
        ty_y = y + 12,
        tf = text_fill(&fill),
        bx = x + 110,
        sx = x + 190,
        size = iec(t.totals.bytes),
        px = x + 240,
        share = t.share_bytes * 100.0,
        bpw_long = type_bpw(&t.ty).map_or("–".into(), |b| format!("{b:.4}")),
        n = t.totals.tensors,
        p = thousands(t.totals.parameters),
        b = thousands(t.totals.bytes),
    );
}

/// The heat scale itself, 1.5 to 16 bits per weight, with ticks at the common widths.
fn scale(o: &mut String, l: &Layout) {
    let y = l.legend_y + l.legend_rows * LEGEND_ROW_H + 8;
    let w = (l.width - 2 * PAD).min(480);
    let steps = 48;
    for i in 0..steps {
        let t0 = i as f64 / steps as f64;
        let bpw = SCALE_MIN_BPW * (SCALE_MAX_BPW / SCALE_MIN_BPW).powf(t0);
        let x = PAD + (t0 * w as f64) as u32;
        let _ = writeln!(
            o,
            r#"<rect class="scale" x="{x}" y="{y}" width="{}" height="10" fill="{}"/>"#,
            w / steps + 1,
            heat(bpw)
        );
    }
    for tick in [2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 16.0] {
        let x = PAD + (scale_pos(tick) * w as f64) as u32;
        let _ = writeln!(
            o,
            r##"<line x1="{x}" y1="{}" x2="{x}" y2="{}" stroke="#555555" stroke-width="0.5"/><text x="{x}" y="{}" text-anchor="middle" font-size="9">{tick}</text>"##,
            y + 10,
            y + 13,
            y + 23
        );
    }
    let _ = writeln!(
        o,
        r#"<text x="{}" y="{}" font-size="9">bits per weight</text>"#,
        PAD + w + 8,
        y + 9
    );
}

fn column_heads(o: &mut String, r: &LayersReport, l: &Layout) {
    let mut x = l.grid_x;
    for (c, w) in r.columns.iter().zip(&l.col_w) {
        let _ = writeln!(
            o,
            r#"<text class="col" x="{}" y="{}" text-anchor="middle" font-weight="bold">{}</text>"#,
            x + w / 2,
            l.head_y,
            xml_escape(c)
        );
        x += w;
    }
    let _ = writeln!(
        o,
        r#"<text x="{}" y="{y}" text-anchor="end" font-weight="bold">bytes</text><text x="{}" y="{y}" text-anchor="end" font-weight="bold">BPW</text>"#,
        l.totals_x + BYTES_W,
        l.totals_x + BYTES_W + BPW_W,
        y = l.head_y
    );
}

fn grid_row(o: &mut String, r: &LayersReport, l: &Layout, layer: &LayerJson, y: u32) {
    let base = y + ROW_H - 4;
    let _ = writeln!(
        o,
        r#"<text class="row" x="{}" y="{base}" text-anchor="end">blk.{}</text>"#,
        l.grid_x - 6,
        layer.index
    );
    let mut x = l.grid_x;
    for (c, w) in r.columns.iter().zip(&l.col_w) {
        let cells: Vec<&CellJson> = layer.tensors.iter().filter(|t| &t.column == c).collect();
        if !cells.is_empty() {
            cell(o, layer.index, c, &cells, (x, y, *w));
        }
        x += w;
    }
    let _ = writeln!(
        o,
        r#"<text x="{}" y="{base}" text-anchor="end" font-size="10">{}</text><text x="{}" y="{base}" text-anchor="end" font-size="10">{}</text>"#,
        l.totals_x + BYTES_W,
        iec(layer.totals.bytes),
        l.totals_x + BYTES_W + BPW_W,
        bpw_text(layer.totals.bpw)
    );
}

fn cell(o: &mut String, layer: u64, col: &str, cells: &[&CellJson], (x, y, w): (u32, u32, u32)) {
    let first = &cells[0].ty;
    let ty = if cells.iter().all(|t| &t.ty == first) {
        first.as_str()
    } else {
        "mixed"
    };
    let fill = type_fill(ty);
    let tip: Vec<String> = cells
        .iter()
        .map(|t| {
            format!(
                "{} · {} · {} ({} bytes)",
                t.name,
                t.ty,
                iec(t.bytes),
                thousands(t.bytes)
            )
        })
        .collect();
    let _ = writeln!(
        o,
        r##"<rect class="cell" data-layer="{layer}" data-role="{}" data-type="{}" x="{x}" y="{y}" width="{w}" height="{ROW_H}" fill="{fill}" stroke="#ffffff" stroke-width="1"><title>{}</title></rect>"##,
        xml_escape(col),
        xml_escape(ty),
        xml_escape(&tip.join("\n"))
    );
    let _ = writeln!(
        o,
        r#"<text x="{}" y="{}" text-anchor="middle" font-size="{CELL_FONT}" fill="{}" pointer-events="none">{}</text>"#,
        x + w / 2,
        y + ROW_H - 4,
        text_fill(&fill),
        xml_escape(ty)
    );
}

fn outside_blocks(o: &mut String, l: &Layout, strip: &[StripCell]) {
    if strip.is_empty() {
        return;
    }
    let _ = writeln!(
        o,
        r#"<text x="{PAD}" y="{}" font-weight="bold">outside blocks</text>"#,
        l.strip_y - 8
    );
    for c in strip {
        let (x, y, w, t) = (c.x, l.strip_y + c.y, c.w, c.t);
        let fill = type_fill(&t.ty);
        let _ = writeln!(
            o,
            r##"<rect class="global" data-name="{name}" data-type="{ty}" x="{x}" y="{y}" width="{w}" height="30" fill="{fill}" stroke="#ffffff"><title>{name} · {ty} · {} ({} bytes)</title></rect>"##,
            iec(t.bytes),
            thousands(t.bytes),
            name = xml_escape(&t.name),
            ty = xml_escape(&t.ty),
        );
        let tf = text_fill(&fill);
        let _ = writeln!(
            o,
            r#"<text x="{cx}" y="{}" text-anchor="middle" font-size="{CELL_FONT}" fill="{tf}" pointer-events="none">{}</text><text x="{cx}" y="{}" text-anchor="middle" font-size="{CELL_FONT}" fill="{tf}" pointer-events="none">{} · {}</text>"#,
            y + 12,
            xml_escape(&c.label),
            y + 25,
            xml_escape(&t.ty),
            iec(t.bytes),
            cx = x + w / 2,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heat_scale_orders_by_bits() {
        // Neighbouring K-quants are told apart, and floats are the quiet end.
        assert_ne!(type_fill("Q5_K"), type_fill("Q6_K"));
        let lum = |c: &str| {
            let v = |i| u8::from_str_radix(&c[i..i + 2], 16).unwrap() as f64;
            0.299 * v(1) + 0.587 * v(3) + 0.114 * v(5)
        };
        assert!(lum(&type_fill("F32")) > 200.0, "{}", type_fill("F32"));
        assert!(lum(&type_fill("IQ2_XXS")) < 100.0);
        assert_eq!(type_fill("F32"), type_fill("F16"));
        assert_eq!(scale_pos(1.0), 0.0);
        assert_eq!(scale_pos(32.0), 1.0);
        assert_eq!(type_fill("I32"), "#999999");
    }

    #[test]
    fn elides_in_the_middle() {
        assert_eq!(elide_middle("abcdefghij", 5), "ab…ij");
        assert_eq!(elide_middle("abc", 5), "abc");
        assert_eq!(elide_middle("v.blk.0.attn_q.weight", 9).chars().count(), 9);
    }
}
