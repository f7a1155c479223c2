//! The `gguflens` command: a thin layer over the library. Each subcommand lives in its own
//! module with its clap `Args` and a `run` function returning an exit status.

mod cli;
mod diff;
mod inspect;
mod layers;
mod mem;
mod progress;
mod scan;
mod verify;

use clap::Parser;
use std::io::{self, Write};
use std::process::ExitCode;

/// Exit statuses scripts can rely on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// 0: read cleanly, nothing to report.
    Clean,
    /// 1: a file could not be read at all.
    Unreadable,
    /// 2: readable, with problems (findings).
    Problems,
    /// 3: `diff --exit-code`: the files differ.
    Differ,
}

impl Status {
    fn code(self) -> u8 {
        match self {
            Status::Clean => 0,
            Status::Unreadable => 1,
            Status::Problems => 2,
            Status::Differ => 3,
        }
    }
}

fn main() -> ExitCode {
    // llama.cpp's single-dash multi-letter flags (-ngl, -ctk …) are rewritten for `mem`.
    let args = cli::Cli::parse_from(mem::rewrite_llama_flags(std::env::args_os().collect()));
    let result = cli::dispatch(args);
    match result {
        Ok(s) => ExitCode::from(s.code()),
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(io::stderr(), "gguflens: {e}");
            ExitCode::from(Status::Unreadable.code())
        }
    }
}

fn is_broken_pipe(e: &cli::CliError) -> bool {
    matches!(e, cli::CliError::Io(io) if io.kind() == io::ErrorKind::BrokenPipe)
}
