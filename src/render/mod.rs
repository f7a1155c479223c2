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

/// ANSI styling, enabled or not (decided once by the binary: a TTY, and NO_COLOR unset).
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// Whether to emit escape sequences.
    pub color: bool,
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
    pub const PLAIN: Style = Style { color: false };

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
