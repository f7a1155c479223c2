//! Text rendering of an [`InspectReport`].

use super::table::{Align, Cell, Table};
use super::{iec, params, sanitize, thousands, truncate, Color, Style};
use crate::report::inspect::{InspectReport, KeyValueJson};
use crate::report::SeverityJson;
use std::io::{self, Write};

/// What to include in the text report.
#[derive(Debug, Clone, Copy)]
pub struct InspectView {
    /// The metadata table.
    pub metadata: bool,
    /// The tensor table.
    pub tensors: bool,
}

impl Default for InspectView {
    fn default() -> Self {
        InspectView {
            metadata: true,
            tensors: true,
        }
    }
}

/// A metadata value for one line of text: scalars as is, strings quoted, sanitized and
/// shortened, arrays as `[N × type] first, items, …`.
pub fn value_text(v: &serde_json::Value, max: usize) -> String {
    use serde_json::Value as J;
    match v {
        J::String(s) => format!("\"{}\"", truncate(&sanitize(s), max)),
        J::Object(o) if o.contains_key("elem_type") => {
            let len = o.get("len").and_then(|l| l.as_u64()).unwrap_or(0);
            let et = o.get("elem_type").and_then(|t| t.as_str()).unwrap_or("?");
            let items: Vec<String> = o
                .get("items")
                .and_then(|i| i.as_array())
                .map(|a| a.iter().take(6).map(|x| value_text(x, 24)).collect())
                .unwrap_or_default();
            let more = if (items.len() as u64) < len {
                ", …"
            } else {
                ""
            };
            truncate(
                &format!("[{} × {et}] {}{more}", thousands(len), items.join(", ")),
                max + 40,
            )
            .into_owned()
        }
        J::Null => "null".into(),
        other => other.to_string(),
    }
}

fn kv_line(w: &mut dyn Write, s: Style, k: &str, v: &str) -> io::Result<()> {
    let label = s.paint_padded(Color::Dim, k, 18);
    // The label's escape sequences do not count: fill the value after 20 visible columns.
    let value = s.fill(&" ".repeat(20), v, 20);
    writeln!(w, "  {label}{}", &value[20..]).and(Ok(()))
}

fn heading(w: &mut dyn Write, s: Style, h: &str) -> io::Result<()> {
    writeln!(w, "\n{}", s.paint(Color::Bold, h))
}

/// Writes the report as text.
pub fn render(r: &InspectReport, view: InspectView, w: &mut dyn Write, s: Style) -> io::Result<()> {
    files(r, w, s)?;
    findings(r, w, s)?;
    model(r, w, s)?;
    architecture(r, w, s)?;
    tokenizer(r, w, s)?;
    if view.metadata {
        metadata(r, w, s)?;
    }
    if view.tensors {
        tensors(r, w, s)?;
    }
    types(r, w, s)
}

/// An optional text from the file, sanitized, or `-`.
fn opt(o: &Option<String>) -> String {
    o.as_deref()
        .map(|x| sanitize(x).into_owned())
        .unwrap_or_else(|| "-".into())
}

/// The File section of each shard: size, format, header and data layout.
fn files(r: &InspectReport, w: &mut dyn Write, s: Style) -> io::Result<()> {
    for (i, f) in r.files.iter().enumerate() {
        if i > 0 {
            writeln!(w)?;
        }
        let title = if r.files.len() > 1 {
            format!("File {} of {}", i + 1, r.files.len())
        } else {
            "File".to_string()
        };
        writeln!(w, "{}  {}", s.paint(Color::Bold, &title), sanitize(&f.path))?;
        kv_line(
            w,
            s,
            "size",
            &format!("{} ({} bytes)", iec(f.size), thousands(f.size)),
        )?;
        kv_line(
            w,
            s,
            "format",
            &format!(
                "GGUF v{}, {}-endian, alignment {}",
                f.version, f.byte_order, f.alignment
            ),
        )?;
        kv_line(
            w,
            s,
            "header",
            &format!(
                "{} bytes ({} metadata keys, {} tensors) + {} padding; data at byte {}",
                thousands(f.header_bytes),
                f.metadata_count,
                f.tensor_count,
                f.header_padding,
                thousands(f.data_offset)
            ),
        )?;
        kv_line(
            w,
            s,
            "tensor data",
            &format!(
                "{} ({} bytes) + {} padding",
                iec(f.tensor_bytes),
                thousands(f.tensor_bytes),
                thousands(f.tensor_padding)
            ),
        )?;
        if f.trailing_bytes > 0 {
            kv_line(
                w,
                s,
                "trailing",
                &format!("{} bytes", thousands(f.trailing_bytes)),
            )?;
        }
        if f.missing_bytes > 0 {
            kv_line(
                w,
                s,
                "missing",
                &s.paint(
                    Color::Red,
                    &format!(
                        "{} bytes ({}): truncated",
                        thousands(f.missing_bytes),
                        iec(f.missing_bytes)
                    ),
                ),
            )?;
        }
    }
    Ok(())
}

/// The reader's findings, one line each.
fn findings(r: &InspectReport, w: &mut dyn Write, s: Style) -> io::Result<()> {
    if !r.findings.is_empty() {
        heading(w, s, &format!("Findings ({})", r.findings.len()))?;
        for f in &r.findings {
            let color = match f.severity {
                SeverityJson::Error => Color::Red,
                SeverityJson::Warning => Color::Yellow,
                SeverityJson::Info => Color::Cyan,
            };
            let at = f
                .offset
                .map(|o| format!(" at byte {o}"))
                .unwrap_or_default();
            writeln!(
                w,
                "  {} [{}]{}: {}",
                s.paint(color, f.severity.as_str()),
                f.code,
                at,
                sanitize(&f.message)
            )?;
        }
    }
    Ok(())
}

/// The Model section: identity, file type, size.
fn model(r: &InspectReport, w: &mut dyn Write, s: Style) -> io::Result<()> {
    let m = &r.model;
    heading(w, s, "Model")?;
    kv_line(w, s, "architecture", &opt(&m.architecture))?;
    kv_line(w, s, "name", &opt(&m.name))?;
    if m.size_label.is_some() {
        kv_line(w, s, "size label", &opt(&m.size_label))?;
    }
    let ft = match &m.file_type {
        Some(f) => format!(
            "{} ({}), general.file_type = {}",
            f.name, f.description, f.raw
        ),
        None => "- (no general.file_type)".into(),
    };
    kv_line(w, s, "file type", &ft)?;
    if m.shards > 1 {
        kv_line(w, s, "shards", &m.shards.to_string())?;
    }
    kv_line(
        w,
        s,
        "parameters",
        &format!("{} ({})", params(m.parameters), thousands(m.parameters)),
    )?;
    kv_line(
        w,
        s,
        "tensors",
        &format!(
            "{} holding {} ({} bytes)",
            m.tensor_count,
            iec(m.tensor_bytes),
            thousands(m.tensor_bytes)
        ),
    )?;
    if let Some(b) = m.bits_per_weight {
        kv_line(w, s, "bits per weight", &format!("{b:.3}"))?;
    }
    Ok(())
}

/// The `{arch}.*` hyperparameters.
fn architecture(r: &InspectReport, w: &mut dyn Write, s: Style) -> io::Result<()> {
    if !r.hyperparameters.is_empty() {
        let arch = r.model.architecture.as_deref().unwrap_or("");
        heading(w, s, &format!("Architecture ({}.*)", sanitize(arch)))?;
        let prefix = format!("{arch}.");
        for kv in &r.hyperparameters {
            let k = kv.key.strip_prefix(&prefix).unwrap_or(&kv.key);
            writeln!(w, "  {:<38} {}", sanitize(k), value_text(&kv.value, 60))?;
        }
    }
    Ok(())
}

/// The Tokenizer section.
fn tokenizer(r: &InspectReport, w: &mut dyn Write, s: Style) -> io::Result<()> {
    let t = &r.tokenizer;
    if t.model.is_some() || t.vocab_size.is_some() {
        heading(w, s, "Tokenizer")?;
        kv_line(w, s, "model", &opt(&t.model))?;
        if t.pre.is_some() {
            kv_line(w, s, "pre-tokenizer", &opt(&t.pre))?;
        }
        if let Some(v) = t.vocab_size {
            kv_line(w, s, "vocabulary", &format!("{} tokens", thousands(v)))?;
        }
        if let Some(v) = t.merges {
            kv_line(w, s, "merges", &thousands(v))?;
        }
        if !t.special_tokens.is_empty() {
            let ids: Vec<String> = t
                .special_tokens
                .iter()
                .map(|(k, v)| format!("{}={v}", sanitize(k)))
                .collect();
            kv_line(w, s, "special tokens", &ids.join(" "))?;
        }
        let ct = match t.chat_template_bytes {
            Some(b) => format!("present, {} bytes", thousands(b)),
            None => "none".into(),
        };
        kv_line(w, s, "chat template", &ct)?;
        if !t.named_templates.is_empty() {
            let n: Vec<String> = t
                .named_templates
                .iter()
                .map(|x| sanitize(x).into_owned())
                .collect();
            kv_line(w, s, "named templates", &n.join(", "))?;
        }
    }
    Ok(())
}

/// Every metadata key with its type and value.
fn metadata(r: &InspectReport, w: &mut dyn Write, s: Style) -> io::Result<()> {
    heading(w, s, &format!("Metadata ({} keys)", r.metadata.len()))?;
    let mut tb = Table::new(&[
        ("key", Align::Left),
        ("type", Align::Left),
        ("value", Align::Left),
    ])
    .elide(0);
    for KeyValueJson { key, ty, value } in &r.metadata {
        tb.row(vec![
            Cell::from(sanitize(key).into_owned()),
            Cell::colored(ty.clone(), Color::Dim),
            Cell::from(value_text(value, 72)),
        ]);
    }
    tb.write(w, s, 2)?;
    Ok(())
}

/// The tensor directory.
fn tensors(r: &InspectReport, w: &mut dyn Write, s: Style) -> io::Result<()> {
    heading(w, s, &format!("Tensors ({})", r.tensors.len()))?;
    let split = r.files.len() > 1;
    let mut cols = vec![
        ("name", Align::Left),
        ("type", Align::Left),
        ("shape", Align::Left),
        ("parameters", Align::Right),
        ("bytes", Align::Right),
        ("offset", Align::Right),
    ];
    if split {
        cols.push(("shard", Align::Right));
    }
    let mut tb = Table::new(&cols).elide(0).droppable(&[5, 3]);
    for t in &r.tensors {
        let shape: Vec<String> = t.shape.iter().map(|d| d.to_string()).collect();
        let mut row = vec![
            Cell::from(sanitize(&t.name).into_owned()),
            Cell::colored(t.ty.clone(), type_color(&t.ty)),
            Cell::from(shape.join(" × ")),
            Cell::from(t.parameters.map_or("overflow".into(), thousands)),
            Cell::from(t.bytes.map_or("unknown".into(), thousands)),
            Cell::from(t.offset.map_or("-".into(), thousands)),
        ];
        if split {
            row.push(Cell::from((t.shard + 1).to_string()));
        }
        tb.row(row);
    }
    tb.write(w, s, 2)?;
    Ok(())
}

/// Tensors, parameters and bytes per type.
fn types(r: &InspectReport, w: &mut dyn Write, s: Style) -> io::Result<()> {
    heading(w, s, "Types")?;
    let mut tb = Table::new(&[
        ("type", Align::Left),
        ("tensors", Align::Right),
        ("parameters", Align::Right),
        ("bytes", Align::Right),
        ("share", Align::Right),
    ]);
    for t in &r.types {
        tb.row(vec![
            Cell::colored(t.ty.clone(), type_color(&t.ty)),
            Cell::from(t.tensors.to_string()),
            Cell::from(thousands(t.parameters)),
            Cell::from(iec(t.bytes)),
            Cell::from(format!("{:.1} %", t.share * 100.0)),
        ]);
    }
    tb.write(w, s, 2)?;
    Ok(())
}

/// A terminal color per type family, so that a glance separates floats, K-quants and the rest.
pub fn type_color(name: &str) -> Color {
    match crate::ggml_type::GgmlType::from_name(name).and_then(|t| t.family()) {
        Some(crate::ggml_type::TypeFamily::Float) => Color::Blue,
        Some(crate::ggml_type::TypeFamily::Legacy) => Color::Cyan,
        Some(crate::ggml_type::TypeFamily::KQuant) => Color::Green,
        Some(crate::ggml_type::TypeFamily::IQuant) => Color::Magenta,
        Some(crate::ggml_type::TypeFamily::Integer) => Color::Dim,
        Some(_) => Color::Yellow,
        None => Color::Red,
    }
}
