//! A minimal aligned text table: column widths from the cells' visible text, color applied after
//! padding so escape sequences never disturb alignment.

use super::{sanitize, Color, Style};
use std::io::{self, Write};

/// Column alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Left.
    Left,
    /// Right.
    Right,
}

/// A cell: visible text and an optional color.
#[derive(Debug, Clone)]
pub struct Cell {
    /// The text (already sanitized).
    pub text: String,
    /// Color, if any.
    pub color: Option<Color>,
}

impl<T: Into<String>> From<T> for Cell {
    fn from(t: T) -> Cell {
        Cell {
            text: t.into(),
            color: None,
        }
    }
}

impl Cell {
    /// A colored cell.
    pub fn colored(text: impl Into<String>, color: Color) -> Cell {
        Cell {
            text: text.into(),
            color: Some(color),
        }
    }
}

/// A table with a header row.
#[derive(Debug, Clone, Default)]
pub struct Table {
    headers: Vec<String>,
    aligns: Vec<Align>,
    rows: Vec<Vec<Cell>>,
}

impl Table {
    /// A table with these column headers and alignments.
    pub fn new(cols: &[(&str, Align)]) -> Table {
        Table {
            // Headers can come from a file too (layers' columns are tensor-name roles).
            headers: cols.iter().map(|c| sanitize(c.0).into_owned()).collect(),
            aligns: cols.iter().map(|c| c.1).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row.
    pub fn row(&mut self, cells: Vec<Cell>) {
        self.rows.push(cells);
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Writes the table with an indent.
    pub fn write(&self, w: &mut dyn Write, style: Style, indent: usize) -> io::Result<()> {
        let n = self.headers.len();
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.chars().count()).collect();
        for r in &self.rows {
            for (i, c) in r.iter().enumerate().take(n) {
                widths[i] = widths[i].max(c.text.chars().count());
            }
        }
        let pad = " ".repeat(indent);
        let line = |w: &mut dyn Write, cells: Vec<(String, Option<Color>)>| -> io::Result<()> {
            let mut out = pad.clone();
            for (i, (t, color)) in cells.into_iter().enumerate() {
                let width = widths[i];
                let fill = width.saturating_sub(t.chars().count());
                let painted = match color {
                    Some(c) => style.paint(c, &t),
                    None => t,
                };
                if i > 0 {
                    out.push_str("  ");
                }
                match self.aligns[i] {
                    Align::Left => {
                        out.push_str(&painted);
                        if i + 1 < n {
                            out.push_str(&" ".repeat(fill));
                        }
                    }
                    Align::Right => {
                        out.push_str(&" ".repeat(fill));
                        out.push_str(&painted);
                    }
                }
            }
            writeln!(w, "{}", out.trim_end())
        };
        line(
            w,
            self.headers
                .iter()
                .map(|h| (h.clone(), Some(Color::Bold)))
                .collect(),
        )?;
        for r in &self.rows {
            let mut cells: Vec<(String, Option<Color>)> = r
                .iter()
                .take(n)
                .map(|c| (c.text.clone(), c.color))
                .collect();
            while cells.len() < n {
                cells.push((String::new(), None));
            }
            line(w, cells)?;
        }
        Ok(())
    }
}
