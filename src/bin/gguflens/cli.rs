//! Command-line definitions and dispatch.

use crate::Status;
use clap::{Parser, Subcommand, ValueEnum};
use gguflens::render::Style;
use std::fmt;
use std::io::{self, BufWriter, IsTerminal, Write};

/// Open a GGUF model file and measure it: header, metadata, tensors, per-layer quantization,
/// memory, verification.
#[derive(Debug, Parser)]
#[command(name = "gguflens", version, about, long_about = None, args_override_self = true)]
#[command(after_help = EXIT_STATUS)]
pub struct Cli {
    /// When to use color: auto (a terminal, NO_COLOR unset), always, never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
    /// No progress bars and no notes or warnings on stderr (errors are still printed).
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Notes on stderr: what is read, from where, and how long it took.
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// Tables at their full width with whole names (on a terminal, tables are fitted to its
    /// width: long names shortened in the middle, then columns left out; COLUMNS overrides the
    /// width). --json and --csv always carry whole names.
    #[arg(long, global = true)]
    pub wide: bool,

    #[command(subcommand)]
    pub command: Command,
}

/// The exit statuses, as `--help` states them.
pub const EXIT_STATUS: &str = "\
Exit status: 0 clean, 1 unreadable, 2 readable with problems, 3 diff --exit-code: the files
differ, 64 usage error (unknown option, missing argument, bad value).";

/// How a command talks to the user: colour, and how much goes to stderr.
#[derive(Debug, Clone, Copy)]
pub struct Ui {
    /// The style of stdout.
    pub style: Style,
    /// `-q`: no progress, no notes.
    pub quiet: bool,
    /// `-v`: notes on what is read and timings.
    pub verbose: bool,
}

impl Ui {
    /// Whether a progress bar may be drawn: stderr is a terminal and neither `-q` nor a
    /// machine-readable output was asked for (stdout may be a pipe).
    pub fn progress(&self, machine_output: bool) -> bool {
        crate::progress::shown(!self.quiet && !machine_output)
    }

    /// Writes a note to stderr unless `-q`. A failed write to stderr is not an error.
    pub fn note(&self, msg: &str) {
        if !self.quiet {
            let _ = writeln!(io::stderr(), "gguflens: {msg}");
        }
    }

    /// Writes a note to stderr with `-v` only.
    pub fn detail(&self, msg: &str) {
        if self.verbose {
            self.note(msg);
        }
    }
}

/// The width to fit: `COLUMNS` when set to a number, else the terminal's width when stdout is
/// one; `None` (no limit) for a pipe or a file.
fn terminal_width() -> Option<usize> {
    if let Some(n) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&n| n >= 20)
    {
        return Some(n);
    }
    if !io::stdout().is_terminal() {
        return None;
    }
    // SAFETY: TIOCGWINSZ writes one winsize into the struct we pass; a failure leaves it zeroed.
    let mut ws: libc::winsize = unsafe { std::mem::zeroed() };
    let ok = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut ws) } == 0;
    (ok && ws.ws_col >= 20).then_some(ws.ws_col as usize)
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Color on a terminal when NO_COLOR is unset.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

impl ColorChoice {
    /// The style for stdout: colour, and the width to fit.
    pub fn style(self, wide: bool) -> Style {
        let color = match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                io::stdout().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::env::var("TERM").map_or(true, |t| t != "dumb")
            }
        };
        Style {
            color,
            width: if wide { None } else { terminal_width() },
            wide,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Header, metadata, tensor directory, parameters and exact bytes of a GGUF file.
    Inspect(crate::inspect::Args),
    /// Per-layer quantization audit: types per block and role, why each got its type, SVG heat map.
    Layers(crate::layers::Args),
    /// Compare two GGUF files: tensor types per block and role, bytes, BPW, metadata.
    Diff(crate::diff::Args),
    /// Read every tensor's data and check it for NaN, infinity and all-zero tensors.
    Verify(crate::verify::Args),
    /// Find every GGUF model under directories (Ollama, Hugging Face, LM Studio, folders) and
    /// list them: size, quantization, context, KV cache and predicted VRAM.
    Scan(crate::scan::Args),
    /// Predict llama.cpp's memory per device (weights, KV cache, compute), --fit a GPU budget.
    Mem(crate::mem::Args),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish) to stdout.
    Completions(crate::extras::CompletionsArgs),
    /// Print the man page (roff) of gguflens or of one command; --dir writes them all.
    Man(crate::extras::ManArgs),
}

/// Errors that end the command (per-file read errors are handled by each command).
#[derive(Debug)]
pub enum CliError {
    /// Writing output failed (a closed pipe ends quietly).
    Io(io::Error),
    /// A file could not be read.
    Gguf(gguflens::Error),
    /// The command line asks for something impossible (exit 64).
    Usage(String),
    /// Anything else.
    Msg(String),
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Io(e) => write!(f, "{e}"),
            CliError::Gguf(e) => write!(f, "{e}"),
            CliError::Msg(m) | CliError::Usage(m) => f.write_str(m),
        }
    }
}

impl From<io::Error> for CliError {
    fn from(e: io::Error) -> Self {
        CliError::Io(e)
    }
}

impl From<gguflens::Error> for CliError {
    fn from(e: gguflens::Error) -> Self {
        CliError::Gguf(e)
    }
}

impl From<serde_json::Error> for CliError {
    fn from(e: serde_json::Error) -> Self {
        if e.is_io() {
            CliError::Io(io::Error::from(e))
        } else {
            CliError::Msg(e.to_string())
        }
    }
}

/// Writes a command's report to stdout, buffered: pretty JSON (one document and a newline) when
/// `json`, otherwise whatever `text` writes.
///
/// A reader that closes the pipe early (`| head -1`) is not an error: the command's exit status
/// stays the one its findings give, whenever the pipe closes.
pub fn emit<T: serde::Serialize>(
    json: bool,
    report: &T,
    text: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), CliError> {
    ignore_closed_pipe(write_report(json, report, text))
}

fn write_report<T: serde::Serialize>(
    json: bool,
    report: &T,
    text: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), CliError> {
    let stdout = io::stdout();
    let mut w = BufWriter::new(stdout.lock());
    if json {
        serde_json::to_writer_pretty(&mut w, report)?;
        writeln!(w)?;
    } else {
        text(&mut w)?;
    }
    w.flush()?;
    Ok(())
}

/// A write that failed because the reader went away counts as written.
pub fn ignore_closed_pipe(r: Result<(), CliError>) -> Result<(), CliError> {
    match r {
        Err(CliError::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

pub fn dispatch(cli: Cli, launch: gguflens::launch::LaunchArgs) -> Result<Status, CliError> {
    let ui = Ui {
        style: cli.color.style(cli.wide),
        quiet: cli.quiet,
        verbose: cli.verbose,
    };
    match cli.command {
        Command::Inspect(a) => crate::inspect::run(a, ui),
        Command::Layers(a) => crate::layers::run(a, ui),
        Command::Diff(a) => crate::diff::run(a, ui),
        Command::Verify(a) => crate::verify::run(a, ui),
        Command::Scan(a) => crate::scan::run(a, ui),
        Command::Mem(a) => crate::mem::run(a, launch, ui),
        Command::Completions(a) => crate::extras::completions(a),
        Command::Man(a) => crate::extras::man(a),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn verify_cli() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
