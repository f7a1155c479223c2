//! Text rendering of a [`DiffReport`].

use super::inspect::type_color;
use super::table::{Align, Cell, Table};
use super::{iec, params, sanitize, thousands, Color, Style};
use crate::report::diff::{DiffReport, LoneGroupJson, PairJson};
use crate::text::layer_ranges;
use std::io::{self, Write};

fn heading(w: &mut dyn Write, s: Style, h: &str) -> io::Result<()> {
    writeln!(w, "\n{}", s.paint(Color::Bold, h))
}

fn bpw(v: Option<f64>) -> String {
    v.map_or("–".into(), |b| format!("{b:.2}"))
}

/// A signed byte difference in IEC units: `+1.25 MiB`, `−512 B`, `0 B`.
pub fn signed_iec(d: i64) -> String {
    match d.signum() {
        0 => "0 B".into(),
        1 => format!("+{}", iec(d as u64)),
        _ => format!("−{}", iec(d.unsigned_abs())),
    }
}

fn signed_bpw(d: Option<f64>) -> String {
    match d {
        None => "–".into(),
        Some(x) if x.abs() < 0.005 => "0.00".into(),
        Some(x) if x > 0.0 => format!("+{x:.2}"),
        Some(x) => format!("−{:.2}", -x),
    }
}

fn pair_cells(p: &PairJson) -> Vec<Cell> {
    vec![
        Cell::from(iec(p.a.bytes)),
        Cell::from(iec(p.b.bytes)),
        Cell::from(signed_iec(p.bytes_delta)),
        Cell::from(format!("{} → {}", bpw(p.a.bpw), bpw(p.b.bpw))),
        Cell::from(signed_bpw(p.bpw_delta)),
    ]
}

/// Tensors in one file only, a row per role and type with the blocks gathered.
fn only_in(w: &mut dyn Write, s: Style, title: &str, groups: &[LoneGroupJson]) -> io::Result<()> {
    if groups.is_empty() {
        return Ok(());
    }
    let n: u64 = groups.iter().map(|g| g.tensors).sum();
    heading(
        w,
        s,
        &format!("{title} ({})", count(n, "tensor", "tensors")),
    )?;
    let mut tb = Table::new(&[
        ("role", Align::Left),
        ("blocks", Align::Left),
        ("type", Align::Left),
        ("tensors", Align::Right),
        ("bytes", Align::Right),
    ])
    .elide(0)
    .droppable(&[3]);
    for g in groups {
        let blocks = if g.layers.is_empty() {
            "–".to_string()
        } else {
            layer_ranges(&g.layers)
        };
        tb.row(vec![
            Cell::from(sanitize(&g.role).into_owned()),
            Cell::from(blocks),
            Cell::colored(g.ty.clone(), type_color(&g.ty)),
            Cell::from(thousands(g.tensors)),
            Cell::from(iec(g.bytes)),
        ]);
    }
    tb.write(w, s, 2)
}

/// `1 key`, `2 keys`.
fn count(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// Writes the report as text.
pub fn render(r: &DiffReport, w: &mut dyn Write, s: Style) -> io::Result<()> {
    title(r, w, s)?;
    if !r.identical {
        totals(r, w, s)?;
        changes(r, w, s)?;
        lone(r, w, s)?;
        roles(r, w, s)?;
        types(r, w, s)?;
        metadata(r, w, s)?;
    }
    super::findings::section(w, s, &r.findings)
}

/// The two files and their labelled types.
fn title(r: &DiffReport, w: &mut dyn Write, s: Style) -> io::Result<()> {
    let ft = |i: usize| r.file_type[i].clone().unwrap_or_else(|| "?".into());
    writeln!(
        w,
        "{}  A {}  ({})",
        s.paint(Color::Bold, "Diff"),
        sanitize(&r.a),
        sanitize(&ft(0))
    )?;
    writeln!(w, "      B {}  ({})", sanitize(&r.b), sanitize(&ft(1)))?;
    if let [Some(x), Some(y)] = &r.architecture {
        if x != y {
            let note = format!(
                "note: different architectures ({} and {}): tensors are matched by name only",
                sanitize(x),
                sanitize(y)
            );
            writeln!(w, "{}", s.wrap(Color::Yellow, &note, 2))?;
        }
    }
    if r.identical {
        writeln!(
            w,
            "  {} identical tensor directories ({}) and metadata ({})",
            s.paint(Color::Green, "="),
            count(r.same_tensors, "tensor", "tensors"),
            count(r.same_keys, "key", "keys")
        )?;
        return Ok(());
    }
    Ok(())
}

/// Totals of both files.
fn totals(r: &DiffReport, w: &mut dyn Write, s: Style) -> io::Result<()> {
    heading(w, s, "Totals")?;
    let mut tb = Table::new(&[
        ("", Align::Left),
        ("tensors", Align::Right),
        ("parameters", Align::Right),
        ("bytes", Align::Right),
        ("BPW", Align::Right),
    ]);
    for (name, t) in [("A", &r.totals.a), ("B", &r.totals.b)] {
        tb.row(vec![
            Cell::from(name),
            Cell::from(thousands(t.tensors)),
            Cell::from(params(t.parameters)),
            Cell::from(format!("{} ({})", iec(t.bytes), thousands(t.bytes))),
            Cell::from(bpw(t.bpw)),
        ]);
    }
    tb.row(vec![
        Cell::from("B − A"),
        Cell::from(""),
        Cell::from(""),
        Cell::from(signed_iec(r.totals.bytes_delta)),
        Cell::from(signed_bpw(r.totals.bpw_delta)),
    ]);
    tb.write(w, s, 2)?;
    writeln!(
        w,
        "  {} tensors alike, {} changed, {} only in A, {} only in B",
        thousands(r.same_tensors),
        thousands(r.changes.iter().map(|c| c.names.len() as u64).sum()),
        r.only_a.len(),
        r.only_b.len()
    )?;
    Ok(())
}

/// Tensors whose type or shape changed, grouped by role and type.
fn changes(r: &DiffReport, w: &mut dyn Write, s: Style) -> io::Result<()> {
    if !r.changes.is_empty() {
        heading(w, s, "Type changes (A → B)")?;
        let mut tb = Table::new(&[
            ("role", Align::Left),
            ("blocks", Align::Left),
            ("A", Align::Left),
            ("B", Align::Left),
            ("bytes A", Align::Right),
            ("bytes B", Align::Right),
            ("Δ bytes", Align::Right),
            ("BPW", Align::Right),
            ("Δ BPW", Align::Right),
        ])
        .elide(0)
        .elide(1)
        .droppable(&[4, 5, 7]);
        for c in &r.changes {
            let blocks = if c.layers.is_empty() {
                "–".to_string()
            } else {
                layer_ranges(&c.layers)
            };
            let mut row = vec![
                Cell::from(sanitize(&c.role).into_owned()),
                Cell::from(blocks),
                Cell::colored(c.type_a.clone(), type_color(&c.type_a)),
                Cell::colored(
                    if c.shape_changed {
                        format!("{} (shape)", c.type_b)
                    } else {
                        c.type_b.clone()
                    },
                    type_color(&c.type_b),
                ),
            ];
            row.extend(pair_cells(&c.pair));
            tb.row(row);
        }
        tb.write(w, s, 2)?;
    }
    Ok(())
}

/// Tensors in only one file, grouped by role and type.
fn lone(r: &DiffReport, w: &mut dyn Write, s: Style) -> io::Result<()> {
    for (title, groups) in [
        ("Only in A", &r.only_a_roles),
        ("Only in B", &r.only_b_roles),
    ] {
        only_in(w, s, title, groups)?;
    }
    Ok(())
}

/// Roles whose totals differ.
fn roles(r: &DiffReport, w: &mut dyn Write, s: Style) -> io::Result<()> {
    if !r.roles.is_empty() {
        heading(w, s, "Roles that differ")?;
        let mut tb = Table::new(&[
            ("role", Align::Left),
            ("bytes A", Align::Right),
            ("bytes B", Align::Right),
            ("Δ bytes", Align::Right),
            ("BPW", Align::Right),
            ("Δ BPW", Align::Right),
        ])
        .elide(0);
        for p in &r.roles {
            let mut row = vec![Cell::from(sanitize(&p.key).into_owned())];
            row.extend(pair_cells(&p.pair));
            tb.row(row);
        }
        tb.write(w, s, 2)?;
    }
    Ok(())
}

/// Per-type totals of both files.
fn types(r: &DiffReport, w: &mut dyn Write, s: Style) -> io::Result<()> {
    heading(w, s, "Types")?;
    let mut tb = Table::new(&[
        ("type", Align::Left),
        ("tensors A", Align::Right),
        ("tensors B", Align::Right),
        ("bytes A", Align::Right),
        ("bytes B", Align::Right),
        ("Δ bytes", Align::Right),
    ]);
    for p in &r.types {
        tb.row(vec![
            Cell::colored(p.key.clone(), type_color(&p.key)),
            Cell::from(p.pair.a.tensors.to_string()),
            Cell::from(p.pair.b.tensors.to_string()),
            Cell::from(iec(p.pair.a.bytes)),
            Cell::from(iec(p.pair.b.bytes)),
            Cell::from(signed_iec(p.pair.bytes_delta)),
        ]);
    }
    tb.write(w, s, 2)?;
    Ok(())
}

/// Metadata keys that differ.
fn metadata(r: &DiffReport, w: &mut dyn Write, s: Style) -> io::Result<()> {
    heading(
        w,
        s,
        &format!(
            "Metadata ({} {}, {} alike)",
            count(r.metadata.len() as u64, "key", "keys"),
            if r.metadata.len() == 1 {
                "differs"
            } else {
                "differ"
            },
            thousands(r.same_keys)
        ),
    )?;
    for m in &r.metadata {
        let v = |x: &Option<crate::report::diff::ValueJson>| match x {
            None => "(absent)".to_string(),
            Some(v) => {
                let mut t = format!("{} {}", v.ty, sanitize(&v.text));
                if let Some(h) = &v.hash {
                    t.push_str(&format!(" #{h}"));
                }
                t
            }
        };
        writeln!(w, "  {}", s.paint(Color::Bold, &sanitize(&m.key)))?;
        writeln!(w, "{}", s.fill("    A ", &v(&m.a), 6))?;
        writeln!(w, "{}", s.fill("    B ", &v(&m.b), 6))?;
    }
    Ok(())
}
