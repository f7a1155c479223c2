//! The findings section shared by the commands whose text report would otherwise not say why
//! they exit 2 (`mem`, `layers`, `diff`).

use super::{sanitize, Color, Style};
use crate::report::{FindingJson, SeverityJson};
use std::io::{self, Write};

/// Writes `Findings (N)` and one line per finding; nothing when there are none.
pub fn section(w: &mut dyn Write, s: Style, findings: &[FindingJson]) -> io::Result<()> {
    if findings.is_empty() {
        return Ok(());
    }
    writeln!(
        w,
        "\n{}",
        s.paint(Color::Bold, &format!("Findings ({})", findings.len()))
    )?;
    for f in findings {
        let color = match f.severity {
            SeverityJson::Error => Color::Red,
            SeverityJson::Warning => Color::Yellow,
            SeverityJson::Info => Color::Cyan,
        };
        let file = f
            .file
            .as_deref()
            .map(|p| format!("{}: ", sanitize(p)))
            .unwrap_or_default();
        let at = f
            .offset
            .map(|o| format!(" at byte {o}"))
            .unwrap_or_default();
        writeln!(
            w,
            "  {file}{} [{}]{}: {}",
            s.paint(color, f.severity.as_str()),
            f.code,
            at,
            sanitize(&f.message)
        )?;
    }
    Ok(())
}
