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

/// The widest a name column gets without `--wide`: a name from the file never sets the width of
/// a whole table.
pub const NAME_CAP: usize = 48;
/// The narrowest an elided name column gets when fitting a terminal.
pub const NAME_MIN: usize = 14;
/// How narrow a name column gets before columns are left out.
const NAME_COMFORT: usize = 32;

/// A table with a header row.
#[derive(Debug, Clone, Default)]
pub struct Table {
    headers: Vec<String>,
    aligns: Vec<Align>,
    rows: Vec<Vec<Cell>>,
    /// Columns of names (from the file) that may be shortened in the middle.
    elide: Vec<usize>,
    /// Columns that may be left out to fit the width, the first to go first.
    drop_order: Vec<usize>,
}

impl Table {
    /// A table with these column headers and alignments.
    pub fn new(cols: &[(&str, Align)]) -> Table {
        Table {
            // Headers can come from a file too (layers' columns are tensor-name roles).
            headers: cols.iter().map(|c| sanitize(c.0).into_owned()).collect(),
            aligns: cols.iter().map(|c| c.1).collect(),
            ..Table::default()
        }
    }

    /// Marks a column of names: shortened in the middle (`blk.0.at…weight`) to fit, and never
    /// wider than [`NAME_CAP`] unless the style is wide.
    pub fn elide(mut self, col: usize) -> Table {
        self.elide.push(col);
        self
    }

    /// The columns that may be left out when the table does not fit, the first to go first.
    pub fn droppable(mut self, cols: &[usize]) -> Table {
        self.drop_order.extend_from_slice(cols);
        self
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

    /// Writes the table with an indent, fitted to the style's width: names elided in the
    /// middle, then droppable columns left out (their header named in a closing line), then, if
    /// it still does not fit, each row folded into a block of `header value` lines.
    pub fn write(&self, w: &mut dyn Write, style: Style, indent: usize) -> io::Result<()> {
        let n = self.headers.len();
        let mut widths = self.natural_widths(style);
        let mut shown: Vec<usize> = (0..n).collect();
        let mut two_line = false;
        if let Some(max) = style.width {
            two_line = self.fit(max.saturating_sub(indent), &mut widths, &mut shown);
            if total_width(&widths, &shown) > max.saturating_sub(indent) {
                return self.write_folded(w, style, indent, max);
            }
        }
        let pad = " ".repeat(indent);
        let line = |w: &mut dyn Write, cells: Vec<(String, Option<Color>)>| -> io::Result<()> {
            let mut out = pad.clone();
            let last = shown.last().copied().unwrap_or(0);
            for (k, &i) in shown.iter().enumerate() {
                let (t, color) = &cells[i];
                let t = self.shorten(i, t, widths[i]);
                let fill = widths[i].saturating_sub(t.chars().count());
                let painted = match color {
                    Some(c) => style.paint(*c, &t),
                    None => t,
                };
                if k > 0 {
                    out.push_str("  ");
                }
                match self.aligns[i] {
                    Align::Left => {
                        out.push_str(&painted);
                        if i != last {
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
        if two_line {
            let parts: Vec<(String, String)> = (0..n)
                .map(|i| split_header(&self.headers[i], widths[i]))
                .collect();
            line(
                w,
                parts
                    .iter()
                    .map(|p| (p.0.clone(), Some(Color::Bold)))
                    .collect(),
            )?;
            line(
                w,
                parts
                    .iter()
                    .map(|p| (p.1.clone(), Some(Color::Bold)))
                    .collect(),
            )?;
        } else {
            line(
                w,
                self.headers
                    .iter()
                    .map(|h| (h.clone(), Some(Color::Bold)))
                    .collect(),
            )?;
        }
        for r in &self.rows {
            line(w, self.cells_of(r))?;
        }
        if shown.len() < n {
            let left: Vec<&str> = (0..n)
                .filter(|i| !shown.contains(i))
                .map(|i| self.headers[i].as_str())
                .collect();
            let note = format!("not shown: {} (--wide)", left.join(", "));
            writeln!(w, "{pad}{}", style.paint(Color::Dim, &note))?;
        }
        Ok(())
    }

    fn cells_of(&self, r: &[Cell]) -> Vec<(String, Option<Color>)> {
        let mut cells: Vec<(String, Option<Color>)> = r
            .iter()
            .take(self.headers.len())
            .map(|c| (c.text.clone(), c.color))
            .collect();
        while cells.len() < self.headers.len() {
            cells.push((String::new(), None));
        }
        cells
    }

    /// Each column's width from its header and cells; name columns capped unless wide.
    fn natural_widths(&self, style: Style) -> Vec<usize> {
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.chars().count()).collect();
        for r in &self.rows {
            for (i, c) in r.iter().enumerate().take(widths.len()) {
                widths[i] = widths[i].max(c.text.chars().count());
            }
        }
        if !style.wide {
            for &i in &self.elide {
                if let Some(w) = widths.get_mut(i) {
                    *w = (*w).min(NAME_CAP.max(self.headers[i].chars().count()));
                }
            }
        }
        widths
    }

    /// Narrows name columns to a comfortable width, then puts long headers on two lines, then
    /// leaves out droppable columns, then narrows names further, until the table fits `max`.
    /// Returns whether the headers take two lines.
    fn fit(&self, max: usize, widths: &mut [usize], shown: &mut Vec<usize>) -> bool {
        self.narrow_names(max, widths, shown, NAME_COMFORT);
        let mut two_line = false;
        if total_width(widths, shown) > max {
            let split = self.split_widths(widths);
            if total_width(&split, shown) < total_width(widths, shown) {
                widths.copy_from_slice(&split);
                two_line = true;
            }
        }
        let empty = (0..self.headers.len()).filter(|&i| self.is_empty_column(i));
        let order: Vec<usize> = empty.chain(self.drop_order.iter().copied()).collect();
        for i in order {
            if total_width(widths, shown) <= max {
                break;
            }
            shown.retain(|&c| c != i);
        }
        self.narrow_names(max, widths, shown, NAME_MIN);
        two_line
    }

    /// Each column's width when its header may take two lines: the widest cell, or the longer
    /// half of the header.
    fn split_widths(&self, widths: &[usize]) -> Vec<usize> {
        (0..self.headers.len())
            .map(|i| {
                let cells = self
                    .rows
                    .iter()
                    .filter_map(|r| r.get(i))
                    .map(|c| c.text.chars().count())
                    .max()
                    .unwrap_or(0)
                    .min(widths[i]);
                let (a, b) = split_header(&self.headers[i], cells);
                cells.max(a.chars().count()).max(b.chars().count())
            })
            .collect()
    }

    /// A column whose every cell is empty or `-`: the first to leave when space is short.
    fn is_empty_column(&self, col: usize) -> bool {
        self.rows.iter().all(|r| {
            r.get(col)
                .is_none_or(|c| c.text.is_empty() || c.text == "-")
        })
    }

    fn narrow_names(&self, max: usize, widths: &mut [usize], shown: &[usize], floor: usize) {
        let mut over = total_width(widths, shown).saturating_sub(max);
        for &i in &self.elide {
            let floor = floor.max(self.headers[i].chars().count());
            let cut = over.min(widths[i].saturating_sub(floor));
            widths[i] -= cut;
            over -= cut;
        }
    }

    /// A cell's text, elided in the middle when it is in a name column wider than `width`.
    fn shorten(&self, col: usize, t: &str, width: usize) -> String {
        if self.elide.contains(&col) && t.chars().count() > width {
            elide_middle(t, width)
        } else {
            t.to_string()
        }
    }

    /// The rows as blocks: the first cell, then `header value` pairs wrapped to `max`.
    fn write_folded(
        &self,
        w: &mut dyn Write,
        style: Style,
        indent: usize,
        max: usize,
    ) -> io::Result<()> {
        let pad = " ".repeat(indent);
        let inner = max.saturating_sub(indent + 4).max(NAME_MIN);
        for r in &self.rows {
            let cells = self.cells_of(r);
            let first = self.shorten(0, &cells[0].0, max.saturating_sub(indent).max(NAME_MIN));
            writeln!(w, "{pad}{}", style.paint(Color::Bold, &first))?;
            let mut line = String::new();
            for (i, (t, _)) in cells.iter().enumerate().skip(1) {
                if t.is_empty() || t == "-" {
                    continue;
                }
                let t = self.shorten(
                    i,
                    t,
                    inner.saturating_sub(self.headers[i].chars().count() + 1),
                );
                let item = format!("{} {}", self.headers[i], t);
                if !line.is_empty() && line.chars().count() + 3 + item.chars().count() > inner {
                    writeln!(w, "{pad}    {line}")?;
                    line.clear();
                }
                if !line.is_empty() {
                    line.push_str(" · ");
                }
                line.push_str(&item);
            }
            if !line.is_empty() {
                writeln!(w, "{pad}    {line}")?;
            }
        }
        Ok(())
    }
}

/// A header as two lines no wider than needed: split after a `_`, `/`, `-` or space so that the
/// longer half is shortest; whole on the first line when it fits `width` or cannot be split.
fn split_header(h: &str, width: usize) -> (String, String) {
    let chars: Vec<char> = h.chars().collect();
    if chars.len() <= width {
        return (h.to_string(), String::new());
    }
    let best = (0..chars.len().saturating_sub(1))
        .filter(|&k| matches!(chars[k], '_' | '/' | '-' | ' '))
        .min_by_key(|&k| (k + 1).max(chars.len() - k - 1));
    match best {
        Some(k) => {
            let a: String = chars[..=k].iter().collect();
            let b: String = chars[k + 1..].iter().collect();
            (a.trim_end().to_string(), b)
        }
        None => (h.to_string(), String::new()),
    }
}

fn total_width(widths: &[usize], shown: &[usize]) -> usize {
    shown.iter().map(|&i| widths[i]).sum::<usize>() + 2 * shown.len().saturating_sub(1)
}

/// `s` shortened in the middle to `max` characters, `…` standing for what was left out.
pub fn elide_middle(s: &str, max: usize) -> String {
    let n = s.chars().count();
    if n <= max || max < 3 {
        return s.chars().take(max.max(n.min(max))).collect();
    }
    let head = (max - 1).div_ceil(2);
    let tail = max - 1 - head;
    let start: String = s.chars().take(head).collect();
    let end: String = s.chars().skip(n - tail).collect();
    format!("{start}…{end}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        let mut t = Table::new(&[
            ("NAME", Align::Left),
            ("SIZE", Align::Right),
            ("MIX", Align::Left),
            ("CTX", Align::Right),
        ])
        .elide(0)
        .droppable(&[2]);
        t.row(vec![
            "blk.0.attn_output.weight.of.a.long.model".into(),
            "1.00 MiB".into(),
            "Q4_K 60% Q6_K 40%".into(),
            "4,096".into(),
        ]);
        t.row(vec![
            "x".repeat(500).into(),
            "2.00 MiB".into(),
            "F32".into(),
            "512".into(),
        ]);
        t
    }

    fn text(t: &Table, style: Style) -> String {
        let mut v = Vec::new();
        t.write(&mut v, style, 2).unwrap();
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn no_name_sets_the_width_of_the_table() {
        let out = text(&table(), Style::PLAIN);
        assert!(
            out.lines().all(|l| l.chars().count() <= 2 + NAME_CAP + 40),
            "{out}"
        );
        assert!(out.contains('…'));
        let wide = text(
            &table(),
            Style {
                wide: true,
                ..Style::PLAIN
            },
        );
        assert!(wide.contains(&"x".repeat(500)));
    }

    #[test]
    fn fits_by_eliding_then_dropping_then_folding() {
        for width in [80, 60, 40, 30] {
            let out = text(&table(), Style::plain_fit(width));
            for l in out.lines() {
                assert!(l.chars().count() <= width, "{width}: {l:?}\n{out}");
            }
            assert!(
                out.contains("4,096") || out.contains("CTX 4,096"),
                "{width}:\n{out}"
            );
        }
        let out = text(&table(), Style::plain_fit(44));
        assert!(out.contains("not shown: MIX (--wide)"), "{out}");
        assert_eq!(elide_middle("abcdefghij", 5), "ab…ij");
    }

    #[test]
    fn long_headers_over_short_cells_take_two_lines_before_anything_is_dropped() {
        let names = [
            "block",
            "attn_output",
            "ffn_gate",
            "ffn_down",
            "post_ffw_norm",
        ];
        let cols: Vec<(&str, Align)> = names.iter().map(|n| (*n, Align::Left)).collect();
        let mut t = Table::new(&cols).droppable(&[4]);
        t.row(vec![
            "blk.0".into(),
            "Q4_K".into(),
            "Q5_0".into(),
            "Q6_K".into(),
            "F32".into(),
        ]);
        let out = text(&t, Style::plain_fit(44));
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines[0].split_whitespace().collect::<Vec<_>>(),
            ["block", "attn_", "ffn_", "ffn_", "post_"]
        );
        assert_eq!(
            lines[1].split_whitespace().collect::<Vec<_>>(),
            ["output", "gate", "down", "ffw_norm"]
        );
        assert!(
            lines[2].contains("F32") && !out.contains("not shown"),
            "{out}"
        );
        assert!(out.lines().all(|l| l.chars().count() <= 44), "{out}");
        assert_eq!(
            split_header("attn_output", 4),
            ("attn_".into(), "output".into())
        );
        assert_eq!(split_header("BPW", 4), ("BPW".into(), String::new()));
    }
}
