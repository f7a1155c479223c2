//! The `gguflens` command: a thin layer over the library. Each subcommand lives in its own
//! module with its clap `Args` and a `run` function returning an exit status.

mod cli;
mod diff;
mod extras;
mod inspect;
mod layers;
mod mem;
mod progress;
mod scan;
mod verify;

use clap::Parser;
use std::ffi::OsString;
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
    /// 64: the command line itself is wrong (EX_USAGE, sysexits.h).
    Usage,
}

impl Status {
    fn code(self) -> u8 {
        match self {
            Status::Clean => 0,
            Status::Unreadable => 1,
            Status::Problems => 2,
            Status::Differ => 3,
            Status::Usage => 64,
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().collect();
    // llama.cpp's own options (-ngl, -ctk, -fa …) after `mem` follow llama.cpp's rules, not
    // clap's; they are taken out first and the rest goes to clap.
    let (launch, args) = match mem::split_launch_args(args) {
        Ok(x) => x,
        Err(e) => {
            let _ = writeln!(
                io::stderr(),
                "gguflens: error: mem: {e}\n\nFor more information, try 'gguflens mem --help'."
            );
            return ExitCode::from(Status::Usage.code());
        }
    };
    let cli = match cli::Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => return usage_error(&e),
    };
    match cli::dispatch(cli, launch) {
        Ok(s) => ExitCode::from(s.code()),
        Err(cli::CliError::Usage(m)) => {
            let _ = writeln!(io::stderr(), "gguflens: error: {m}");
            ExitCode::from(Status::Usage.code())
        }
        Err(e) => {
            let _ = writeln!(io::stderr(), "gguflens: {e}");
            ExitCode::from(Status::Unreadable.code())
        }
    }
}

/// `--help` and `--version` print to stdout and exit 0; a wrong command line exits 64.
fn usage_error(e: &clap::Error) -> ExitCode {
    let _ = e.print();
    if e.use_stderr() {
        ExitCode::from(Status::Usage.code())
    } else {
        ExitCode::SUCCESS
    }
}
