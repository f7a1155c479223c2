//! Text for people: escaping of text that comes from files, and unit formatting.
//!
//! A leaf module: it imports nothing from the crate, so every layer (errors, analysis, wire types,
//! renderers) may use it without an upward dependency.

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

/// Formats block numbers compactly: `0–3, 6, 9, 27–31`.
pub fn layer_ranges(layers: &[u64]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < layers.len() {
        let mut j = i;
        while j + 1 < layers.len() && layers[j + 1] == layers[j] + 1 {
            j += 1;
        }
        if j == i {
            out.push(layers[i].to_string());
        } else if j == i + 1 {
            out.push(layers[i].to_string());
            out.push(layers[j].to_string());
        } else {
            out.push(format!("{}–{}", layers[i], layers[j]));
        }
        i = j + 1;
    }
    out.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn units() {
        assert_eq!(
            layer_ranges(&[0, 1, 2, 3, 6, 9, 12, 27, 28, 29]),
            "0–3, 6, 9, 12, 27–29"
        );
        assert_eq!(layer_ranges(&[0, 1, 4]), "0, 1, 4");
        assert_eq!(layer_ranges(&[]), "");
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
