//! Text output of `gguflens verify`: one verdict line per model, then what is wrong with it.

use super::table::{Align, Cell, Table};
use super::{iec, sanitize, thousands, Color, Style};
use crate::report::verify::{BadTensorJson, ModelJson, ProblemJson, VerdictJson, VerifyReport};
use crate::report::SeverityJson;
use std::io::{self, Write};
use std::time::Duration;

fn severity_color(sev: SeverityJson) -> Color {
    match sev {
        SeverityJson::Error => Color::Red,
        SeverityJson::Warning => Color::Yellow,
        SeverityJson::Info => Color::Cyan,
    }
}

/// Writes the report as text. `elapsed` (measured by the caller) adds a throughput line.
pub fn render(
    r: &VerifyReport,
    elapsed: Option<Duration>,
    w: &mut dyn Write,
    s: Style,
) -> io::Result<()> {
    for (i, m) in r.models.iter().enumerate() {
        if i > 0 {
            writeln!(w)?;
        }
        model(m, w, s)?;
    }
    let sm = &r.summary;
    if sm.models > 1 {
        writeln!(
            w,
            "\n{} models: {} clean, {} with problems, {} unreadable",
            sm.models, sm.clean, sm.problems, sm.unreadable
        )?;
    }
    if let Some(e) = elapsed.filter(|_| sm.checked_bytes + sm.hashed_bytes > 0) {
        let bytes = sm.checked_bytes.max(sm.hashed_bytes);
        let secs = e.as_secs_f64();
        let rate = if secs > 0.0 {
            format!(" ({}/s)", iec((bytes as f64 / secs) as u64))
        } else {
            String::new()
        };
        let hashed = if sm.hashed_bytes > 0 {
            format!(", hashed {}", iec(sm.hashed_bytes))
        } else {
            String::new()
        };
        writeln!(
            w,
            "{}",
            s.paint(
                Color::Dim,
                &format!(
                    "checked {}{hashed} in {secs:.2} s{rate}",
                    iec(sm.checked_bytes)
                )
            )
        )?;
    }
    Ok(())
}

/// All-zero tensors beyond this many are folded into one row (they carry nothing of their own
/// but the name).
const FOLD_ZERO_AFTER: usize = 3;
/// Tensors with another problem (each with its own first bad block and offset) beyond this
/// many are folded into one row; --json lists them all.
const FOLD_AFTER: usize = 20;

/// ` · 338 tensors all-zero, 2 non-finite` for the verdict line; empty when nothing is bad.
fn problem_counts(bad: &[BadTensorJson]) -> String {
    let groups = by_problem(bad);
    if groups.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = groups
        .iter()
        .map(|g| format!("{} {}", thousands(g.len() as u64), g[0].problem.as_str()))
        .collect();
    let noun = if bad.len() == 1 { "tensor" } else { "tensors" };
    format!(" · {noun} {}", parts.join(", "))
}

/// The bad tensors grouped by severity and problem, in order of first appearance.
fn by_problem(bad: &[BadTensorJson]) -> Vec<Vec<&BadTensorJson>> {
    let mut groups: Vec<Vec<&BadTensorJson>> = Vec::new();
    for b in bad {
        match groups
            .iter_mut()
            .find(|g| g[0].problem == b.problem && g[0].severity == b.severity)
        {
            Some(g) => g.push(b),
            None => groups.push(vec![b]),
        }
    }
    groups
}

fn bad_tensor_table(m: &ModelJson, w: &mut dyn Write, s: Style) -> io::Result<()> {
    let mut t = Table::new(&[
        ("", Align::Left),
        ("tensor", Align::Left),
        ("type", Align::Left),
        ("problem", Align::Left),
        ("first bad block", Align::Right),
        ("field", Align::Left),
        ("at byte", Align::Right),
        ("bad blocks", Align::Right),
        ("NaN", Align::Right),
        ("inf", Align::Right),
    ])
    .elide(1)
    .droppable(&[8, 9, 5, 2]);
    let multi = m.files.len() > 1;
    for group in by_problem(&m.bad_tensors) {
        let keep = if group[0].problem == ProblemJson::AllZero {
            FOLD_ZERO_AFTER
        } else {
            FOLD_AFTER
        };
        for b in group.iter().take(keep) {
            t.row(bad_row(b, multi));
        }
        if group.len() > keep {
            t.row(folded_row(&group[keep..]));
        }
    }
    t.write(w, s, 2)
}

fn bad_row(b: &BadTensorJson, multi: bool) -> Vec<Cell> {
    let mut name = sanitize(&b.tensor).into_owned();
    if multi {
        name = format!("{name} ({})", sanitize(&b.file));
    }
    if b.truncated {
        name.push_str(" [cut]");
    }
    let opt = |v: Option<u64>| v.map(thousands).unwrap_or_else(|| "-".into());
    let bad = if b.problem == ProblemJson::AllZero {
        format!("all {} zero", thousands(b.blocks))
    } else {
        format!("{} of {}", thousands(b.bad_blocks), thousands(b.blocks))
    };
    vec![
        Cell::colored(b.severity.as_str(), severity_color(b.severity)),
        name.into(),
        b.ggml_type.clone().into(),
        b.problem.as_str().into(),
        opt(b.first_block).into(),
        b.field.unwrap_or("-").into(),
        opt(b.first_block_offset).into(),
        bad.into(),
        thousands(b.nan).into(),
        thousands(b.inf).into(),
    ]
}

/// One row for the rest of a group: how many more tensors, their types, and the sums.
fn folded_row(rest: &[&BadTensorJson]) -> Vec<Cell> {
    let b = rest[0];
    let mut types: Vec<&str> = rest.iter().map(|b| b.ggml_type.as_str()).collect();
    types.sort_unstable();
    types.dedup();
    if types.len() > 3 {
        types.truncate(3);
        types.push("…");
    }
    let sum = |f: fn(&BadTensorJson) -> u64| rest.iter().map(|b| f(b)).sum::<u64>();
    let bad = if b.problem == ProblemJson::AllZero {
        format!("all {} zero", thousands(sum(|b| b.blocks)))
    } else {
        format!(
            "{} of {}",
            thousands(sum(|b| b.bad_blocks)),
            thousands(sum(|b| b.blocks))
        )
    };
    vec![
        Cell::colored(b.severity.as_str(), severity_color(b.severity)),
        format!("… and {} more", thousands(rest.len() as u64)).into(),
        types.join(" ").into(),
        b.problem.as_str().into(),
        "-".into(),
        "-".into(),
        "-".into(),
        bad.into(),
        thousands(sum(|b| b.nan)).into(),
        thousands(sum(|b| b.inf)).into(),
    ]
}

fn model(m: &ModelJson, w: &mut dyn Write, s: Style) -> io::Result<()> {
    let path = sanitize(&m.path);
    let (verdict, color) = match m.status {
        VerdictJson::Clean => ("clean", Color::Green),
        VerdictJson::Problems => ("PROBLEMS", Color::Red),
        VerdictJson::Unreadable => ("UNREADABLE", Color::Red),
    };
    write!(
        w,
        "{} {}",
        s.paint(Color::Bold, &path),
        s.paint(color, verdict)
    )?;
    if let Some(e) = &m.error {
        writeln!(w)?;
        return writeln!(w, "{}", s.fill("  ", &sanitize(e), 4));
    }
    writeln!(
        w,
        "  {} of {} tensors, {} checked{}",
        thousands(m.tensors_checked),
        thousands(m.tensor_count),
        iec(m.checked_bytes),
        problem_counts(&m.bad_tensors)
    )?;
    for f in &m.files {
        if let Some(sha) = &f.sha256 {
            let note = match (f.sha256_ok, f.sha256_source) {
                (Some(true), Some(src)) => {
                    s.paint(Color::Green, &format!("matches its {src} name"))
                }
                (Some(false), Some(src)) => {
                    s.paint(Color::Red, &format!("does NOT match its {src} name"))
                }
                _ => String::new(),
            };
            let who = if m.files.len() > 1 {
                format!(" {}", sanitize(&f.path))
            } else {
                String::new()
            };
            let sep = if note.is_empty() { "" } else { " " };
            let line = format!("sha256{who} {sha}");
            writeln!(w, "{}{sep}{note}", s.fill("  ", &line, 4))?;
        }
    }
    if !m.tensors_unchecked.is_empty() {
        let names: Vec<String> = m
            .tensors_unchecked
            .iter()
            .take(5)
            .map(|n| sanitize(n).into_owned())
            .collect();
        let more = m.tensors_unchecked.len().saturating_sub(names.len());
        let more = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        writeln!(
            w,
            "  {} {} tensor(s) of a type this build does not know, not checked: {}{more}",
            s.paint(Color::Cyan, "note"),
            m.tensors_unchecked.len(),
            names.join(", ")
        )?;
    }
    if m.tensors_missing > 0 {
        writeln!(
            w,
            "  {} {} tensor(s) lie wholly past the end of the file, not checked",
            s.paint(Color::Cyan, "note"),
            thousands(m.tensors_missing)
        )?;
    }
    if !m.bad_tensors.is_empty() {
        bad_tensor_table(m, w, s)?;
    }
    for f in &m.findings {
        let at = f
            .offset
            .map(|o| format!(" at byte {o}"))
            .unwrap_or_default();
        let file = match &f.file {
            Some(p) if m.files.len() > 1 => format!(" {}", sanitize(p)),
            _ => String::new(),
        };
        writeln!(
            w,
            "  {} [{}]{file}{at}: {}",
            s.paint(severity_color(f.severity), f.severity.as_str()),
            f.code,
            sanitize(&f.message)
        )?;
    }
    Ok(())
}
