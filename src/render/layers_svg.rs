//! The `layers --svg` heat map: blocks × roles, one `<rect>` per cell colored by type (warm =
//! few bits, green = 6–8 bits, blue = floats), each with a `<title>` tooltip; a legend with each
//! type's bytes and share; the tensors outside blocks in a strip below.
//!
//! Every piece of text from the file is escaped for XML.

use super::{iec, params, sanitize, thousands};
use crate::report::layers::{CellJson, LayersReport, SectionJson};
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

/// The fill color of a type: a ramp from red (1–2 bits) over yellow (4 bits) and green (6–8
/// bits) to blue (floats); grey for integers and unknown types.
pub fn type_fill(name: &str) -> &'static str {
    match name {
        "F64" => "#1f3357",
        "F32" => "#2f4b7c",
        "F16" => "#4a6fa5",
        "BF16" => "#6a8cc7",
        "Q8_0" | "Q8_1" | "Q8_K" => "#1b7837",
        "Q6_K" => "#5aae61",
        "Q5_K" => "#a6d96a",
        "Q5_1" => "#c2e699",
        "Q5_0" => "#d9ef8b",
        "Q4_K" => "#fee08b",
        "Q4_1" => "#fdbb84",
        "Q4_0" => "#fdd49e",
        "IQ4_NL" => "#fec44f",
        "IQ4_XS" => "#fe9929",
        "Q3_K" => "#fc8d59",
        "IQ3_S" => "#f46d43",
        "IQ3_XXS" => "#e34a33",
        "Q2_K" => "#d73027",
        "IQ2_S" => "#c2342a",
        "IQ2_XS" => "#b2182b",
        "IQ2_XXS" => "#a50026",
        "IQ1_M" => "#7f0020",
        "IQ1_S" => "#67001f",
        "TQ1_0" => "#8c510a",
        "TQ2_0" => "#bf812d",
        "MXFP4" => "#c51b7d",
        "NVFP4" => "#de77ae",
        "Q1_0" => "#762a83",
        "Q2_0" => "#9970ab",
        "I8" | "I16" | "I32" | "I64" => "#999999",
        "mixed" => "#bbbbbb",
        _ => "#dddddd",
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

const ROW_H: u32 = 14;
const LABEL_W: u32 = 64;
const PAD: u32 = 16;
const CHAR_W: f64 = 6.4;

fn text_w(s: &str) -> u32 {
    (s.chars().count() as f64 * CHAR_W).ceil() as u32
}

/// Renders the heat map.
pub fn render(r: &LayersReport) -> String {
    let cols = &r.columns;
    let col_w: Vec<u32> = cols.iter().map(|c| text_w(c).max(40) + 8).collect();
    let grid_w: u32 = col_w.iter().sum();
    let grid_x = PAD + LABEL_W;
    let bytes_x = grid_x + grid_w + 10;
    let bytes_w = 78;
    let bpw_w = 40;
    let legend_x = bytes_x + bytes_w + bpw_w + 24;
    let legend_w = 250;
    let title_h = 64;
    let head_y = title_h + 12;
    let rows_y = head_y + 8;
    let n_rows = r.layers.len() as u32;
    let grid_bottom = rows_y + n_rows * ROW_H;

    // The strip of tensors outside blocks.
    let globals: Vec<_> = r
        .tensors
        .iter()
        .filter(|t| t.section == SectionJson::Global)
        .collect();
    let strip_y = grid_bottom + 34;
    let mut strip_x = PAD;
    let mut strip_row = 0u32;
    let mut strip_cells = Vec::new();
    let strip_limit = (legend_x + legend_w).max(600);
    for t in &globals {
        let w = text_w(&t.name).max(text_w(&t.ty)) + 12;
        if strip_x + w > strip_limit && strip_x > PAD {
            strip_x = PAD;
            strip_row += 1;
        }
        strip_cells.push((strip_x, strip_y + strip_row * 36, w, *t));
        strip_x += w + 4;
    }
    let strip_h = if globals.is_empty() {
        0
    } else {
        (strip_row + 1) * 36 + 24
    };
    let legend_h = 40 + r.types.len() as u32 * 18;
    let width = legend_x + legend_w + PAD;
    let height = (grid_bottom + strip_h + PAD + 24).max(rows_y + legend_h + PAD);

    let mut o = String::with_capacity(64 * 1024);
    let _ = writeln!(
        o,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="11">"#
    );
    let _ = writeln!(
        o,
        r##"<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>"##
    );

    // Title.
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
        r#"<text x="{PAD}" y="56">{} parameters · {} · {} bits per weight</text>"#,
        params(r.totals.parameters),
        iec(r.totals.bytes),
        r.totals.bpw.map_or("–".into(), |b| format!("{b:.2}"))
    );

    // Column headers.
    let mut x = grid_x;
    for (c, w) in cols.iter().zip(&col_w) {
        let _ = writeln!(
            o,
            r#"<text class="col" x="{}" y="{head_y}" text-anchor="middle" font-weight="bold">{}</text>"#,
            x + w / 2,
            xml_escape(c)
        );
        x += w;
    }
    let _ = writeln!(
        o,
        r#"<text x="{}" y="{head_y}" text-anchor="end" font-weight="bold">bytes</text><text x="{}" y="{head_y}" text-anchor="end" font-weight="bold">BPW</text>"#,
        bytes_x + bytes_w,
        bytes_x + bytes_w + bpw_w
    );

    // Cells.
    for (ri, l) in r.layers.iter().enumerate() {
        let y = rows_y + ri as u32 * ROW_H;
        let _ = writeln!(
            o,
            r#"<text class="row" x="{}" y="{}" text-anchor="end">blk.{}</text>"#,
            grid_x - 6,
            y + ROW_H - 3,
            l.index
        );
        let mut x = grid_x;
        for (c, w) in cols.iter().zip(&col_w) {
            let cells: Vec<&CellJson> = l.tensors.iter().filter(|t| &t.column == c).collect();
            if !cells.is_empty() {
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
                    r##"<rect class="cell" data-layer="{}" data-role="{}" data-type="{}" x="{x}" y="{y}" width="{}" height="{}" fill="{fill}" stroke="#ffffff" stroke-width="1"><title>{}</title></rect>"##,
                    l.index,
                    xml_escape(c),
                    xml_escape(ty),
                    w,
                    ROW_H,
                    xml_escape(&tip.join("\n"))
                );
                let _ = writeln!(
                    o,
                    r#"<text x="{}" y="{}" text-anchor="middle" font-size="9" fill="{}" pointer-events="none">{}</text>"#,
                    x + w / 2,
                    y + ROW_H - 4,
                    text_fill(fill),
                    xml_escape(ty)
                );
            }
            x += w;
        }
        let _ = writeln!(
            o,
            r#"<text x="{}" y="{}" text-anchor="end" font-size="10">{}</text><text x="{}" y="{}" text-anchor="end" font-size="10">{}</text>"#,
            bytes_x + bytes_w,
            y + ROW_H - 3,
            iec(l.totals.bytes),
            bytes_x + bytes_w + bpw_w,
            y + ROW_H - 3,
            l.totals.bpw.map_or("–".into(), |b| format!("{b:.2}"))
        );
    }

    // Tensors outside blocks.
    if !strip_cells.is_empty() {
        let _ = writeln!(
            o,
            r#"<text x="{PAD}" y="{}" font-weight="bold">outside blocks</text>"#,
            strip_y - 8
        );
        for (x, y, w, t) in &strip_cells {
            let fill = type_fill(&t.ty);
            let _ = writeln!(
                o,
                r##"<rect class="global" data-name="{}" data-type="{}" x="{x}" y="{y}" width="{w}" height="30" fill="{fill}" stroke="#ffffff"><title>{} · {} · {} ({} bytes)</title></rect>"##,
                xml_escape(&t.name),
                xml_escape(&t.ty),
                xml_escape(&t.name),
                xml_escape(&t.ty),
                iec(t.bytes),
                thousands(t.bytes)
            );
            let tf = text_fill(fill);
            let _ = writeln!(
                o,
                r#"<text x="{}" y="{}" text-anchor="middle" font-size="10" fill="{tf}" pointer-events="none">{}</text><text x="{}" y="{}" text-anchor="middle" font-size="10" fill="{tf}" pointer-events="none">{} · {}</text>"#,
                x + w / 2,
                y + 12,
                xml_escape(&t.name),
                x + w / 2,
                y + 25,
                xml_escape(&t.ty),
                iec(t.bytes)
            );
        }
    }

    // Legend.
    let _ = writeln!(
        o,
        r#"<text x="{legend_x}" y="{head_y}" font-weight="bold">type</text><text x="{}" y="{head_y}" text-anchor="end" font-weight="bold">bytes</text><text x="{}" y="{head_y}" text-anchor="end" font-weight="bold">share</text>"#,
        legend_x + 170,
        legend_x + 230
    );
    for (i, t) in r.types.iter().enumerate() {
        let y = rows_y + i as u32 * 18;
        let _ = writeln!(
            o,
            r##"<g class="legend" data-type="{}" data-bytes="{}"><rect x="{legend_x}" y="{y}" width="14" height="14" fill="{}" stroke="#888888" stroke-width="0.5"/><text x="{}" y="{}">{}</text><text x="{}" y="{}" text-anchor="end">{}</text><text x="{}" y="{}" text-anchor="end">{:.1} %</text><title>{}: {} tensors, {} parameters, {} bytes</title></g>"##,
            xml_escape(&t.ty),
            t.totals.bytes,
            type_fill(&t.ty),
            legend_x + 20,
            y + 11,
            xml_escape(&t.ty),
            legend_x + 170,
            y + 11,
            iec(t.totals.bytes),
            legend_x + 230,
            y + 11,
            t.share_bytes * 100.0,
            xml_escape(&t.ty),
            t.totals.tensors,
            thousands(t.totals.parameters),
            thousands(t.totals.bytes)
        );
    }
    let _ = writeln!(o, "</svg>");
    o
}
