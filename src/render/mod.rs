//! Terminal rendering: units, escaping of text that comes from files, color, and tables.
//! Renderers take finished report values and write them; they compute nothing about the model.

pub mod diff;
pub mod inspect;
pub mod layers;
pub mod layers_svg;
pub mod mem;
pub mod scan;
pub mod table;
pub mod verify;

use std::borrow::Cow;

/// Formats a byte count in IEC units: `512 B`, `1.50 KiB`, `235.16 MiB`, `4.36 GiB`.
pub fn iec(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut v = bytes as f64 / 1024.0;
    let mut i = 0;
    while v >= 1024.0 && i < UNITS.len() - 1 {
        v /= 1024.0;
        i += 1;
    }
    format!("{v:.2} {}", UNITS[i])
}

/// Formats a parameter count: `268.10 M`, `7.62 B`, `512`.
pub fn params(n: u64) -> String {
    let f = n as f64;
    if f >= 1e12 {
        format!("{:.2} T", f / 1e12)
    } else if f >= 1e9 {
        format!("{:.2} B", f / 1e9)
    } else if f >= 1e6 {
        format!("{:.2} M", f / 1e6)
    } else if f >= 1e3 {
        format!("{:.2} K", f / 1e3)
    } else {
        n.to_string()
    }
}

/// Groups digits: `253113024` → `253,113,024`.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Makes text from a file safe to print on a terminal: C0 and C1 control characters, DEL,
/// bidirectional overrides and zero-width characters are written as `\xNN` / `\u{NNNN}` escapes,
/// so a metadata string can never move the cursor, change colors or reorder text.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    fn bad(c: char) -> bool {
        matches!(c,
            '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
            | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}'
            | '\u{feff}')
    }
    if !s.chars().any(bad) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if bad(c) {
            match c {
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                '\r' => out.push_str("\\r"),
                c if (c as u32) < 0x100 => out.push_str(&format!("\\x{:02x}", c as u32)),
                c => out.push_str(&format!("\\u{{{:04x}}}", c as u32)),
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Shortens text to `max` characters with an ellipsis.
pub fn truncate(s: &str, max: usize) -> Cow<'_, str> {
    if s.chars().count() <= max {
        Cow::Borrowed(s)
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        Cow::Owned(t)
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn units() {
        assert_eq!(iec(1023), "1023 B");
        assert_eq!(iec(246_579_200), "235.16 MiB");
        assert_eq!(thousands(253_113_024), "253,113,024");
        assert_eq!(params(268_098_176), "268.10 M");
    }
    #[test]
    fn escapes() {
        assert_eq!(sanitize("a\x1b[31mb"), "a\\x1b[31mb");
        assert_eq!(sanitize("x\u{202e}y"), "x\\u{202e}y");
        assert_eq!(sanitize("plain"), "plain");
    }
}
