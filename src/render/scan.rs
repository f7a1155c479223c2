//! `gguflens scan` as a table (terminal) and as CSV.

use super::table::{Align, Cell, Table};
use super::{iec, params, sanitize, thousands, Color, Style};
use crate::report::scan::{KindJson, ModelJson, ScanReport};
use crate::report::SeverityJson;
use std::io::{self, Write};

/// Names listed per group of duplicates before `… (N more)`.
pub const DUP_NAMES: usize = 4;

/// Tensor types shown in the mix column before an ellipsis.
pub const MIX_TYPES: usize = 3;

/// The mix column: the main types (up to [`MIX_TYPES`], each at least 1% of the bytes) with
/// their share, `Q8_0 73% Q5_0 18% …`; the ellipsis stands for the rest.
pub fn mix_text(m: &ModelJson) -> String {
    let mut parts: Vec<String> = m
        .mix
        .iter()
        .take(MIX_TYPES)
        .filter(|t| t.share >= 0.005 || m.mix.len() == 1)
        .map(|t| format!("{} {:.0}%", t.ggml_type, t.share * 100.0))
        .collect();
    if m.mix.len() > parts.len() {
        parts.push("…".to_string());
    }
    parts.join(" ")
}

fn opt<T>(v: Option<T>, f: impl Fn(T) -> String) -> String {
    v.map_or_else(|| "—".to_string(), f)
}

/// `VRAM@4096`, or `VRAM@CTX` for `--ctx 0` (each model at its own training context).
fn vram_label(ctx: u32) -> String {
    if ctx == 0 {
        "VRAM@CTX".into()
    } else {
        format!("VRAM@{ctx}")
    }
}

fn row_cells(m: &ModelJson, name: String, attached: bool) -> Vec<Cell> {
    if m.error.is_some() {
        return vec![
            Cell::colored(name, Color::Red),
            Cell::colored("error", Color::Red),
            "".into(),
            "".into(),
            "".into(),
            iec(m.size).into(),
        ];
    }
    // A file with an error (truncated data …) must not look like an ordinary row.
    let error = m
        .findings
        .iter()
        .find(|f| f.severity == SeverityJson::Error);
    let name_cell = match (error, &m.duplicate) {
        (Some(f), _) => Cell::colored(format!("{name} [{}]", f.code), Color::Red),
        (None, None) => Cell::from(name),
        (None, Some(d)) => Cell::colored(format!("{name} (dup {})", d.group), Color::Yellow),
    };
    let arch = opt(m.architecture.as_deref(), |a| sanitize(a).into_owned());
    let ty = opt(m.file_type.as_ref(), |t| sanitize(&t.name).into_owned());
    let (kv, vram) = if attached {
        (String::new(), String::new())
    } else {
        (
            opt(m.kv_bytes_per_token, iec),
            opt(m.vram.as_ref(), |v| iec(v.total)),
        )
    };
    vec![
        name_cell,
        arch.into(),
        opt(m.parameters, params).into(),
        ty.into(),
        mix_text(m).into(),
        iec(m.size).into(),
        opt(m.bits_per_weight, |b| format!("{b:.2}")).into(),
        opt(m.context_length, thousands).into(),
        kv.into(),
        vram.into(),
    ]
}

/// Writes the scan as a table with totals, then the errors, duplicates and warnings.
pub fn render(r: &ScanReport, w: &mut dyn Write, style: Style) -> io::Result<()> {
    let roots: Vec<String> = r
        .roots
        .iter()
        .map(|root| match root.source.as_deref() {
            Some(src) => format!("{} ({src})", sanitize(&root.path)),
            None => sanitize(&root.path).into_owned(),
        })
        .collect();
    writeln!(
        w,
        "{} {}",
        style.paint(Color::Bold, "Scanned"),
        if roots.is_empty() {
            "nothing (no default model location exists)".to_string()
        } else {
            roots.join(", ")
        }
    )?;
    let vram_col = vram_label(r.ctx);
    let mut t = Table::new(&[
        ("MODEL", Align::Left),
        ("ARCH", Align::Left),
        ("PARAMS", Align::Right),
        ("TYPE", Align::Left),
        ("MIX", Align::Left),
        ("SIZE", Align::Right),
        ("BPW", Align::Right),
        ("CTX", Align::Right),
        ("KV/TOKEN", Align::Right),
        (vram_col.as_str(), Align::Right),
    ])
    .elide(0)
    .droppable(&[4, 8, 1, 7, 6, 2]);
    for m in &r.models {
        let mut name = sanitize(&m.name).into_owned();
        if m.files.len() > 1 {
            name.push_str(&format!(" [{} shards]", m.files.len()));
        }
        t.row(row_cells(m, name, false));
        for a in &m.aliases {
            t.row(vec![Cell::colored(
                format!("  = {}", sanitize(a)),
                Color::Dim,
            )]);
        }
        for x in &m.attached {
            let lower = x.name.to_lowercase();
            let says_kind = lower.contains(x.kind.as_str())
                || (x.kind == KindJson::Projector && lower.contains("mmproj"));
            let name = if says_kind {
                format!("  + {}", sanitize(&x.name))
            } else {
                format!("  + {} ({})", sanitize(&x.name), x.kind)
            };
            t.row(row_cells(x, name, true));
        }
    }
    let tt = &r.totals;
    t.row(vec![
        Cell::colored(
            format!(
                "total: {} model{}, {} file{}",
                tt.models,
                if tt.models == 1 { "" } else { "s" },
                tt.files,
                if tt.files == 1 { "" } else { "s" }
            ),
            Color::Bold,
        ),
        "".into(),
        Cell::colored(params(tt.parameters), Color::Bold),
        "".into(),
        "".into(),
        Cell::colored(iec(tt.size), Color::Bold),
    ]);
    t.write(w, style, 0)?;

    let mut errors = Vec::new();
    let mut dups: std::collections::BTreeMap<u32, (u32, Vec<&str>)> = Default::default();
    for m in r
        .models
        .iter()
        .chain(r.models.iter().flat_map(|m| &m.attached))
    {
        if let Some(e) = &m.error {
            let mut s = format!("{}: ", sanitize(&m.name));
            if let Some(f) = e.file.as_ref().filter(|f| **f != m.name) {
                s.push_str(&format!("{}: ", sanitize(f)));
            }
            if let Some(o) = e.offset {
                s.push_str(&format!("at byte {o} (0x{o:x}): "));
            }
            s.push_str(&sanitize(&e.message));
            errors.push(s);
        }
        if let Some(d) = &m.duplicate {
            let e = dups.entry(d.group).or_insert((d.copies, Vec::new()));
            if e.1.len() < DUP_NAMES && !e.1.contains(&m.name.as_str()) {
                e.1.push(&m.name);
            }
        }
        for f in &m.findings {
            errors.push(format!(
                "{}: {} [{}]{}: {}",
                sanitize(&m.name),
                f.severity,
                f.code,
                f.offset.map_or(String::new(), |o| format!(" at byte {o}")),
                sanitize(&f.message)
            ));
        }
    }
    errors.sort();
    errors.dedup();
    if !errors.is_empty() {
        writeln!(w, "\n{}", style.paint(Color::Red, "Problems"))?;
        for e in &errors {
            writeln!(w, "{}", style.fill("  ", e, 4))?;
        }
    }
    if !dups.is_empty() {
        let text = format!(
            "(identical weights under different names; {} beyond one copy each)",
            iec(tt.duplicate_bytes)
        );
        let filled = style.fill(&" ".repeat(11), &text, 2);
        writeln!(
            w,
            "\n{} {}",
            style.paint(Color::Yellow, "Duplicates"),
            &filled[11..]
        )?;
        for (group, (copies, names)) in &dups {
            let mut names: Vec<String> = names.iter().map(|n| sanitize(n).into_owned()).collect();
            names.sort();
            let more = *copies as usize - names.len().min(*copies as usize);
            let tail = if more > 0 {
                format!(" = … ({more} more)")
            } else {
                String::new()
            };
            writeln!(w, "  {group}: {}{tail}", names.join(" = "))?;
        }
    }
    if !r.warnings.is_empty() {
        writeln!(w, "\n{}", style.paint(Color::Yellow, "Warnings"))?;
        for x in &r.warnings {
            writeln!(w, "  {}", sanitize(x))?;
        }
    }
    let at = if r.ctx == 0 {
        "at each model's training context (CTX)".to_string()
    } else {
        format!("at a context of {}", thousands(r.ctx as u64))
    };
    let note = format!(
        "{}: predicted GPU memory for full offload {at}: weights + KV cache + compute buffer, as gguflens mem predicts it (an estimate; CUDA runtime overhead not included).",
        vram_label(r.ctx)
    );
    writeln!(w, "\n{}", style.wrap(Color::Dim, &note, 0))?;
    Ok(())
}

/// CSV header.
pub const CSV_COLUMNS: &[&str] = &[
    "name",
    "attached_to",
    "layout",
    "kind",
    "status",
    "architecture",
    "parameters",
    "file_type",
    "mix",
    "size",
    "tensor_bytes",
    "bits_per_weight",
    "context_length",
    "kv_bytes_per_token",
    "vram_ctx",
    "vram_bytes",
    "duplicate_group",
    "duplicate_first",
    "aliases",
    "files",
    "error",
];

/// Quotes a CSV field (RFC 4180) when it holds a comma, a quote or a line break.
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn csv_row(m: &ModelJson, parent: Option<&str>, ctx: u32) -> Vec<String> {
    let num = |v: Option<u64>| v.map_or(String::new(), |v| v.to_string());
    let error = m.error.as_ref().map_or(String::new(), |e| {
        let mut s = String::new();
        if let Some(f) = &e.file {
            s.push_str(&format!("{f}: "));
        }
        if let Some(o) = e.offset {
            s.push_str(&format!("at byte {o}: "));
        }
        s + &e.message
    });
    vec![
        m.name.clone(),
        parent.unwrap_or("").to_string(),
        m.layout.to_string(),
        m.kind.to_string(),
        m.status.to_string(),
        m.architecture.clone().unwrap_or_default(),
        num(m.parameters),
        m.file_type
            .as_ref()
            .map_or(String::new(), |t| t.name.clone()),
        m.mix
            .iter()
            .map(|t| format!("{}={}", t.ggml_type, t.bytes))
            .collect::<Vec<_>>()
            .join(";"),
        m.size.to_string(),
        num(m.tensor_bytes),
        m.bits_per_weight
            .map_or(String::new(), |b| format!("{b:.4}")),
        num(m.context_length),
        num(m.kv_bytes_per_token),
        m.vram.as_ref().map_or(String::new(), |_| ctx.to_string()),
        num(m.vram.as_ref().map(|v| v.total)),
        m.duplicate
            .as_ref()
            .map_or(String::new(), |d| d.group.to_string()),
        m.duplicate
            .as_ref()
            .map_or(String::new(), |d| d.first.clone()),
        m.aliases.join(";"),
        m.files.join(";"),
        error,
    ]
}

/// Writes the scan as CSV: a header, then one line per model and per attached projector or
/// adapter (with `attached_to`). Exact integers; the mix as `TYPE=bytes;…`.
pub fn csv(r: &ScanReport, w: &mut dyn Write) -> io::Result<()> {
    writeln!(w, "{}", CSV_COLUMNS.join(","))?;
    let mut line = |cells: Vec<String>| -> io::Result<()> {
        let cells: Vec<String> = cells.iter().map(|c| csv_field(c)).collect();
        writeln!(w, "{}", cells.join(","))
    };
    for m in &r.models {
        line(csv_row(m, None, r.ctx))?;
        for x in &m.attached {
            line(csv_row(x, Some(&m.name), r.ctx))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn quoting() {
        assert_eq!(csv_field("a"), "a");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
