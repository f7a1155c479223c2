//! Command-line definitions and dispatch.

use crate::Status;
use clap::{Parser, Subcommand, ValueEnum};
use gguflens::render::Style;
use std::fmt;
use std::io::{self, BufWriter, IsTerminal, Write};

/// Open a GGUF model file and measure it: header, metadata, tensors, per-layer quantization,
/// memory, verification.
#[derive(Debug, Parser)]
#[command(name = "gguflens", version, about, long_about = None)]
#[command(after_help = "Exit status: 0 clean, 1 unreadable, 2 readable with problems.")]
pub struct Cli {
    /// When to use color: auto (a terminal, NO_COLOR unset), always, never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Command,
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
    /// The style for stdout.
    pub fn style(self) -> Style {
        let color = match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                io::stdout().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::env::var("TERM").map_or(true, |t| t != "dumb")
            }
        };
        Style { color }
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
}

/// Errors that end the command (per-file read errors are handled by each command).
#[derive(Debug)]
pub enum CliError {
    /// Writing output failed (a closed pipe ends quietly).
    Io(io::Error),
    /// A file could not be read.
    Gguf(gguflens::Error),
    /// Anything else.
    Msg(String),
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Io(e) => write!(f, "{e}"),
            CliError::Gguf(e) => write!(f, "{e}"),
            CliError::Msg(m) => f.write_str(m),
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
pub fn emit<T: serde::Serialize>(
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

pub fn dispatch(cli: Cli) -> Result<Status, CliError> {
    let style = cli.color.style();
    match cli.command {
        Command::Inspect(a) => crate::inspect::run(a, style),
        Command::Layers(a) => crate::layers::run(a, style),
        Command::Diff(a) => crate::diff::run(a, style),
        Command::Verify(a) => crate::verify::run(a, style),
        Command::Scan(a) => crate::scan::run(a, style),
        Command::Mem(a) => crate::mem::run(a, style),
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
