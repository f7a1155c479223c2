//! Terminal rendering: units, escaping of text that comes from files, color, and tables.
//! Renderers take finished report values and write them; they compute nothing about the model.

pub mod diff;
pub mod findings;
pub mod inspect;
pub mod layers;
pub mod layers_svg;
pub mod mem;
pub mod scan;
pub mod table;
pub mod verify;

pub use crate::text::{iec, params, sanitize, thousands, truncate};

/// ANSI styling and the width to fit (decided once by the binary: colour on a TTY with NO_COLOR
/// unset; the terminal's width, or `COLUMNS`).
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// Whether to emit escape sequences.
    pub color: bool,
    /// The columns to fit tables into: long names are elided in the middle, then columns
    /// dropped, then rows folded. `None`: no limit (output to a pipe or a file).
    pub width: Option<usize>,
    /// `--wide`: names from the file are never shortened (otherwise a name column is at most
    /// [`table::NAME_CAP`] characters wide, so that no name sets the width of a whole table).
    pub wide: bool,
}

/// A color for [`Style::paint`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Color {
    /// Bold.
    Bold,
    /// Dim.
    Dim,
    /// Red.
    Red,
    /// Green.
    Green,
    /// Yellow.
    Yellow,
    /// Blue.
    Blue,
    /// Magenta.
    Magenta,
    /// Cyan.
    Cyan,
    /// A 256-color palette index.
    Ansi256(u8),
}

impl Style {
    /// Plain text.
    pub const PLAIN: Style = Style {
        color: false,
        width: None,
        wide: false,
    };

    /// Plain text fitted to `width` columns.
    pub fn plain_fit(width: usize) -> Style {
        Style {
            width: Some(width),
            ..Style::PLAIN
        }
    }

    /// Paints `s` and pads it with spaces to `width` visible characters (at least one space
    /// after it): padding counts what the terminal shows, never the escape sequences. Every
    /// coloured label that is padded goes through here or through [`table::Table`].
    pub fn paint_padded(&self, c: Color, s: &str, width: usize) -> String {
        let visible = s.chars().count();
        let fill = if visible < width { width - visible } else { 1 };
        format!("{}{}", self.paint(c, s), " ".repeat(fill))
    }

    /// `text` as lines of at most the style's width (whole words; no limit without a width),
    /// each after `indent`, painted.
    pub fn wrap(&self, c: Color, text: &str, indent: usize) -> String {
        let pad = " ".repeat(indent);
        let Some(width) = self.width else {
            return format!("{pad}{}", self.paint(c, text));
        };
        let room = width.saturating_sub(indent).max(20);
        let mut lines: Vec<String> = Vec::new();
        let mut line = String::new();
        for word in text.split(' ') {
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > room {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
        lines
            .iter()
            .map(|l| format!("{pad}{}", self.paint(c, l)))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// `text` (no escape sequences in it) after `first`, continued on lines indented by
    /// `hang` spaces, at whole words, within the style's width (one line without a width).
    pub fn fill(&self, first: &str, text: &str, hang: usize) -> String {
        let Some(width) = self.width else {
            return format!("{first}{text}");
        };
        let room = |indent: usize| width.saturating_sub(indent).max(20);
        let mut out = first.to_string();
        let mut used = first.chars().count();
        let mut limit = room(0);
        let mut fresh = true;
        for word in text.split(' ') {
            let n = word.chars().count();
            if !fresh && used + 1 + n > limit {
                out.push('\n');
                out.push_str(&" ".repeat(hang));
                used = hang;
                limit = room(0);
                fresh = true;
            }
            if !fresh {
                out.push(' ');
                used += 1;
            }
            out.push_str(word);
            used += n;
            fresh = false;
        }
        out
    }

    /// Wraps text in the color's escape sequence when color is on.
    pub fn paint(&self, c: Color, s: &str) -> String {
        if !self.color {
            return s.to_string();
        }
        let code = match c {
            Color::Bold => "1".to_string(),
            Color::Dim => "2".to_string(),
            Color::Red => "31".to_string(),
            Color::Green => "32".to_string(),
            Color::Yellow => "33".to_string(),
            Color::Blue => "34".to_string(),
            Color::Magenta => "35".to_string(),
            Color::Cyan => "36".to_string(),
            Color::Ansi256(n) => format!("38;5;{n}"),
        };
        format!("\x1b[{code}m{s}\x1b[0m")
    }
}

/// Writes one CSV line (RFC 4180 quoting), every field sanitized: text from a file never
/// reaches a terminal raw, even through `cat` of a CSV.
pub fn csv_line(w: &mut dyn std::io::Write, fields: &[String]) -> std::io::Result<()> {
    let quoted: Vec<String> = fields
        .iter()
        .map(|f| scan::csv_field(&sanitize(f)))
        .collect();
    writeln!(w, "{}", quoted.join(","))
}
