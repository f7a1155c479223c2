//! Text rendering of a [`LayersReport`]: the grid of types (a row per block, a column per role),
//! the tensors outside blocks, and the summary.

use super::inspect::type_color;
use super::table::{Align, Cell, Table};
use super::{iec, params, sanitize, thousands, Color, Style};
use crate::report::layers::{BlockOrderJson, CounterOrderJson, LayersReport, SectionJson};
use crate::text::layer_ranges;
use std::io::{self, Write};

fn heading(w: &mut dyn Write, s: Style, h: &str) -> io::Result<()> {
    writeln!(w, "\n{}", s.paint(Color::Bold, h))
}

fn bpw(v: Option<f64>) -> String {
    v.map_or("–".into(), |b| format!("{b:.2}"))
}

fn pct(v: f64) -> String {
    format!("{:.1} %", v * 100.0)
}

/// The block label of a grid row: `blk.3` or `blk.3–4`.
pub fn block_label(first: u64, last: u64) -> String {
    if first == last {
        format!("blk.{first}")
    } else {
        format!("blk.{first}–{last}")
    }
}

/// Writes the report as text.
pub fn render(r: &LayersReport, w: &mut dyn Write, s: Style) -> io::Result<()> {
    title(r, w, s)?;
    grid(r, w, s)?;
    globals(r, w, s)?;
    towers(r, w, s)?;
    summary(r, w, s)?;
    upgrades(r, w, s)?;
    why(r, w, s)?;
    experts(r, w, s)?;
    super::findings::section(w, s, &r.findings)
}

/// The title: file, architecture, labelled type, counts.
fn title(r: &LayersReport, w: &mut dyn Write, s: Style) -> io::Result<()> {
    writeln!(
        w,
        "{}  {}",
        s.paint(Color::Bold, "Layers"),
        sanitize(&r.file)
    )?;
    let label = match &r.file_type {
        Some(f) => format!("{} ({})", f.name, f.description),
        None => "no general.file_type".into(),
    };
    writeln!(
        w,
        "  {} · labelled {} · {} blocks · {} tensors",
        sanitize(r.architecture.as_deref().unwrap_or("unknown architecture")),
        sanitize(&label),
        r.layers.len(),
        thousands(r.totals.tensors)
    )?;
    Ok(())
}

/// The grid of types per block and column.
fn grid(r: &LayersReport, w: &mut dyn Write, s: Style) -> io::Result<()> {
    if !r.grid.is_empty() {
        heading(w, s, "Types per block")?;
        let mut cols: Vec<(&str, Align)> = vec![("block", Align::Left)];
        for c in &r.columns {
            cols.push((c.as_str(), Align::Left));
        }
        cols.push(("bytes/block", Align::Right));
        cols.push(("BPW", Align::Right));
        let n = cols.len();
        // On a narrow terminal the per-block totals go before the grid is folded.
        let mut tb = Table::new(&cols).droppable(&[n - 1, n - 2]);
        for g in &r.grid {
            let mut row = vec![Cell::from(block_label(g.first, g.last))];
            for c in &g.cells {
                row.push(match c {
                    Some(t) => Cell::colored(sanitize(t).into_owned(), type_color(t)),
                    None => Cell::from("·"),
                });
            }
            row.push(Cell::from(iec(g.per_layer.bytes)));
            row.push(Cell::from(bpw(g.per_layer.bpw)));
            tb.row(row);
        }
        tb.write(w, s, 2)?;
    }
    Ok(())
}

/// Tensors outside the blocks.
fn globals(r: &LayersReport, w: &mut dyn Write, s: Style) -> io::Result<()> {
    let globals: Vec<_> = r
        .tensors
        .iter()
        .filter(|t| t.section == SectionJson::Global)
        .collect();
    if !globals.is_empty() {
        heading(w, s, "Outside blocks")?;
        let mut tb = Table::new(&[
            ("tensor", Align::Left),
            ("type", Align::Left),
            ("shape", Align::Left),
            ("parameters", Align::Right),
            ("bytes", Align::Right),
            ("BPW", Align::Right),
            ("rule", Align::Left),
        ])
        .elide(0)
        .droppable(&[6, 2, 3]);
        for t in globals {
            let shape: Vec<String> = t.shape.iter().map(|d| d.to_string()).collect();
            tb.row(vec![
                Cell::from(sanitize(&t.name).into_owned()),
                Cell::colored(t.ty.clone(), type_color(&t.ty)),
                Cell::from(format!("[{}]", shape.join(", "))),
                Cell::from(params(t.parameters)),
                Cell::from(iec(t.bytes)),
                Cell::from(bpw(t.bpw)),
                Cell::from(t.rule.unwrap_or("")),
            ]);
        }
        tb.write(w, s, 2)?;
    }
    Ok(())
}

/// Vision, audio and projector towers.
fn towers(r: &LayersReport, w: &mut dyn Write, s: Style) -> io::Result<()> {
    if !r.towers.is_empty() {
        heading(w, s, "Towers")?;
        let mut tb = Table::new(&[
            ("tower", Align::Left),
            ("tensors", Align::Right),
            ("parameters", Align::Right),
            ("bytes", Align::Right),
            ("BPW", Align::Right),
        ])
        .elide(0);
        for t in &r.towers {
            tb.row(vec![
                Cell::from(t.tower),
                Cell::from(thousands(t.totals.tensors)),
                Cell::from(params(t.totals.parameters)),
                Cell::from(iec(t.totals.bytes)),
                Cell::from(bpw(t.totals.bpw)),
            ]);
        }
        tb.write(w, s, 2)?;
    }
    Ok(())
}

/// Totals per role.
fn summary(r: &LayersReport, w: &mut dyn Write, s: Style) -> io::Result<()> {
    heading(w, s, "Summary")?;
    let d = r.default_type.as_deref().unwrap_or("?");
    if let Some(f) = &r.file_type {
        writeln!(
            w,
            "  labelled   {} ({}): default type {}",
            sanitize(&f.name),
            sanitize(&f.description),
            d
        )?;
    }
    let actual = format!(
        "{} parameters in {} ({} bytes): {} bits per weight",
        params(r.totals.parameters),
        iec(r.totals.bytes),
        thousands(r.totals.bytes),
        bpw(r.totals.bpw)
    );
    writeln!(w, "{}", s.fill("  actual     ", &actual, 13))?;

    writeln!(w)?;
    let mut tb = Table::new(&[
        ("type", Align::Left),
        ("tensors", Align::Right),
        ("parameters", Align::Right),
        ("params", Align::Right),
        ("bytes", Align::Right),
        ("bytes %", Align::Right),
        ("BPW", Align::Right),
    ]);
    for t in &r.types {
        tb.row(vec![
            Cell::colored(t.ty.clone(), type_color(&t.ty)),
            Cell::from(t.totals.tensors.to_string()),
            Cell::from(params(t.totals.parameters)),
            Cell::from(pct(t.share_parameters)),
            Cell::from(iec(t.totals.bytes)),
            Cell::from(pct(t.share_bytes)),
            Cell::from(bpw(t.totals.bpw)),
        ]);
    }
    tb.write(w, s, 2)?;

    writeln!(w)?;
    let mut tb = Table::new(&[
        ("role", Align::Left),
        ("tensors", Align::Right),
        ("parameters", Align::Right),
        ("bytes", Align::Right),
        ("BPW", Align::Right),
        ("types", Align::Left),
    ])
    .elide(0)
    .droppable(&[2]);
    for ro in &r.roles {
        let types: Vec<String> = ro
            .types
            .iter()
            .map(|t| format!("{}×{}", t.ty, t.totals.tensors))
            .collect();
        tb.row(vec![
            Cell::from(sanitize(&ro.role).into_owned()),
            Cell::from(ro.totals.tensors.to_string()),
            Cell::from(params(ro.totals.parameters)),
            Cell::from(iec(ro.totals.bytes)),
            Cell::from(bpw(ro.totals.bpw)),
            Cell::from(types.join(" ")),
        ]);
    }
    tb.write(w, s, 2)?;
    Ok(())
}

/// Roles that got more bits than the labelled default.
fn upgrades(r: &LayersReport, w: &mut dyn Write, s: Style) -> io::Result<()> {
    let d = r.default_type.as_deref().unwrap_or("?");
    if !r.upgrades.is_empty() {
        heading(w, s, &format!("More bits than {d}"))?;
        for u in &r.upgrades {
            let wher = if u.layers.is_empty() {
                String::new()
            } else if u.layers.len() as u64 == u.of_layers {
                format!(" on all {} layers", u.of_layers)
            } else {
                format!(
                    " on layers {} ({} of {})",
                    layer_ranges(&u.layers),
                    u.layers.len(),
                    u.of_layers
                )
            };
            let text = format!("{}{} · {}", u.ty, wher, iec(u.totals.bytes));
            let filled = s.fill(&" ".repeat(17), &text, 17);
            let body = &filled[17..];
            // The type is painted after filling, so its escape sequences never count as width.
            let body = body.replacen(&u.ty, &s.paint(type_color(&u.ty), &u.ty), 1);
            writeln!(w, "  {:<14} {body}", sanitize(&u.role))?;
        }
    }
    Ok(())
}

/// Why each tensor has its type: llama.cpp's quantizer rules.
fn why(r: &LayersReport, w: &mut dyn Write, s: Style) -> io::Result<()> {
    let d = r.default_type.as_deref().unwrap_or("?");
    heading(w, s, "Why (llama.cpp's quantization rules)")?;
    if let Some(n) = &r.rules.note {
        writeln!(w, "  not applied: {}", sanitize(n))?;
    } else {
        let mut as_labelled = 0u64;
        for e in &r.rules.explanations {
            if e.deviates {
                writeln!(w, "{}", s.fill("  • ", &sanitize(&e.text), 4))?;
            } else {
                as_labelled += e.totals.tensors;
            }
        }
        if as_labelled > 0 {
            writeln!(w, "  • {as_labelled} tensors at the default {d}")?;
        }
        let ft = r.file_type.as_ref().map_or("?", |f| f.name.as_str());
        if let Some(line) = counter_order_line(r.rules.counter_order, r.rules.block_order) {
            writeln!(w, "  • {line}")?;
        }
        if r.rules.unexplained.is_empty() {
            let text = format!(
                "{} of {} tensors explained by the {} rules, 0 unexplained",
                thousands(r.rules.explained),
                thousands(r.totals.tensors),
                sanitize(ft)
            );
            let first = format!("  {} ", s.paint(Color::Green, "✓"));
            // The mark's escape sequences do not count: fill after 4 visible columns.
            let filled = s.fill("    ", &text, 4);
            writeln!(w, "{first}{}", &filled[4..])?;
        } else {
            let text = format!(
                "{} tensors the {} rules do not explain (custom --tensor-type, \
                 --output-tensor-type, an importance-matrix rule, another llama.cpp version, \
                 a mislabelled or edited file):",
                thousands(r.rules.unexplained_count),
                sanitize(ft)
            );
            let filled = s.fill("    ", &text, 4);
            writeln!(w, "  {} {}", s.paint(Color::Yellow, "!"), &filled[4..])?;
            for u in r.rules.unexplained.iter().take(40) {
                writeln!(w, "{}", s.fill("    ", &sanitize(&u.text), 6))?;
            }
            if r.rules.unexplained.len() > 40 {
                writeln!(
                    w,
                    "    … and {} more (--json lists them all)",
                    r.rules.unexplained.len() - 40
                )?;
            }
            if !r.rules.consistent_with.is_empty() {
                writeln!(
                    w,
                    "  every tensor matches the rules of: {}",
                    r.rules.consistent_with.join(", ")
                )?;
            }
        }
    }
    Ok(())
}

/// Mixture-of-experts accounting.
fn experts(r: &LayersReport, w: &mut dyn Write, s: Style) -> io::Result<()> {
    if let Some(m) = &r.moe {
        heading(w, s, "Experts")?;
        let opt = |v: Option<u64>| v.map_or("?".into(), |x| x.to_string());
        let shared = m
            .expert_shared_count
            .map_or(String::new(), |n| format!(", {n} shared"));
        writeln!(
            w,
            "  experts    {} per layer, {} used per token{shared}",
            opt(m.expert_count),
            opt(m.expert_used_count),
        )?;
        writeln!(
            w,
            "  expert tensors {}: {} parameters, {}; one expert {} parameters, {}",
            m.expert_tensors.tensors,
            params(m.expert_tensors.parameters),
            iec(m.expert_tensors.bytes),
            params(m.parameters_per_expert),
            iec(m.bytes_per_expert)
        )?;
        writeln!(
            w,
            "  active     {} of {} parameters per token ({}), {} of {} read per token",
            params(m.active_parameters),
            params(m.total_parameters),
            pct(m.active_share),
            iec(m.active_bytes),
            iec(r.totals.bytes)
        )?;
    }
    Ok(())
}

/// The CSV header of `layers --csv`.
pub const CSV_COLUMNS: &[&str] = &[
    "name",
    "section",
    "layer",
    "role",
    "type",
    "shape",
    "parameters",
    "bytes",
    "bits_per_weight",
    "rule",
    "verdict",
];

/// `layers --csv`: a line per tensor, with its block, role, type and the quantization rule that
/// explains it.
pub fn csv(r: &LayersReport, w: &mut dyn Write) -> io::Result<()> {
    super::csv_line(
        w,
        &CSV_COLUMNS
            .iter()
            .map(|c| c.to_string())
            .collect::<Vec<_>>(),
    )?;
    for t in &r.tensors {
        let shape: Vec<String> = t.shape.iter().map(|d| d.to_string()).collect();
        super::csv_line(
            w,
            &[
                t.name.clone(),
                t.section.to_string(),
                t.layer.map_or(String::new(), |l| l.to_string()),
                t.role.clone(),
                t.ty.clone(),
                shape.join("x"),
                t.parameters.to_string(),
                t.bytes.to_string(),
                t.bpw.map_or(String::new(), |b| format!("{b:.4}")),
                t.rule.unwrap_or("").to_string(),
                t.verdict.unwrap_or("").to_string(),
            ],
        )?;
    }
    Ok(())
}

/// A sentence on the quantizer's counter order, when it matters (blocks not stored by number,
/// or counting by file position chosen).
fn counter_order_line(counter: Option<CounterOrderJson>, blocks: BlockOrderJson) -> Option<String> {
    let stored = match blocks {
        BlockOrderJson::Text => "blocks stored in text order: blk.0, blk.1, blk.10, …",
        BlockOrderJson::Other => "blocks stored out of numeric order",
        BlockOrderJson::Layer => "blocks stored in layer order",
    };
    match counter? {
        CounterOrderJson::File => Some(format!(
            "layer rules counted by position in the file ({stored}), as llama.cpp's quantizer did before b3999 (2024-11)"
        )),
        CounterOrderJson::Layer if blocks != BlockOrderJson::Layer => Some(format!(
            "layer rules counted by layer number ({stored}), as llama.cpp's quantizer does since b3999 (2024-11)"
        )),
        CounterOrderJson::Layer => None,
    }
}
