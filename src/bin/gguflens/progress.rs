//! The one progress bar of the binary: drawn on stderr when a person watches it (stderr is a
//! terminal, even with stdout piped, and neither -q nor --json/--csv), hidden otherwise.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{self, IsTerminal};

/// Whether to draw progress: `for_person` (no --json, --csv or -q) and stderr is a terminal
/// (stdout may be a pipe: `gguflens verify … | tee log` still shows progress).
pub fn shown(for_person: bool) -> bool {
    for_person && io::stderr().is_terminal()
}

/// A bar of unknown length in the given style, drawn when `show`.
pub fn bar(show: bool, template: &str) -> ProgressBar {
    let target = if show {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    };
    let b = ProgressBar::with_draw_target(None, target);
    b.set_style(style(template));
    b
}

/// A style from a template; the templates are constants, so the fallback is never drawn.
pub fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar())
}
