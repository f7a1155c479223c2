//! `gguflens completions SHELL` and `gguflens man`: generated from the clap definitions, so that
//! they list exactly the options the commands take.

use crate::cli::{Cli, CliError};
use crate::Status;
use clap::CommandFactory;
use std::io::{self, Write};
use std::path::PathBuf;

/// Print a completion script for a shell.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Install, for example:
  bash:        gguflens completions bash > ~/.local/share/bash-completion/completions/gguflens
  zsh:         gguflens completions zsh > ~/.zfunc/_gguflens   (with fpath+=~/.zfunc)
  fish:        gguflens completions fish > ~/.config/fish/completions/gguflens.fish
  powershell:  gguflens completions powershell >> $PROFILE")]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Print a man page (roff).
#[derive(Debug, clap::Args)]
#[command(after_help = "\
`gguflens man | man -l -` reads it; `gguflens man --dir DIR` writes gguflens.1 and one
gguflens-COMMAND.1 per command, to install under a man1 directory.")]
pub struct ManArgs {
    /// The command whose page to print (default: gguflens itself).
    pub command: Option<String>,
    /// Write every page into this directory instead.
    #[arg(long, value_name = "DIR", conflicts_with = "command")]
    pub dir: Option<PathBuf>,
}

pub fn completions(a: CompletionsArgs) -> Result<Status, CliError> {
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(a.shell, &mut cmd, "gguflens", &mut buf);
    write_stdout(&buf)
}

pub fn man(a: ManArgs) -> Result<Status, CliError> {
    let cmd = Cli::command();
    if let Some(dir) = &a.dir {
        for (name, page) in all_pages(&cmd)? {
            let path = dir.join(format!("{name}.1"));
            std::fs::write(&path, page)
                .map_err(|e| CliError::Msg(format!("{}: cannot write: {e}", path.display())))?;
        }
        return Ok(Status::Clean);
    }
    let page = match &a.command {
        None => render(cmd)?,
        Some(name) => {
            let sub = cmd
                .find_subcommand(name)
                .cloned()
                .ok_or_else(|| CliError::Usage(format!("man: no command named '{name}'")))?;
            render(sub_page(sub))?
        }
    };
    write_stdout(&page)
}

/// The page of every command, named as man names them (`gguflens-mem`).
fn all_pages(cmd: &clap::Command) -> Result<Vec<(String, Vec<u8>)>, CliError> {
    let mut out = vec![("gguflens".to_string(), render(cmd.clone())?)];
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        let page = sub_page(sub.clone());
        out.push((page.get_name().to_string(), render(page)?));
    }
    Ok(out)
}

fn sub_page(sub: clap::Command) -> clap::Command {
    // A page is made once per run: leaking its name is the simplest 'static str.
    let name: &'static str = format!("gguflens-{}", sub.get_name()).leak();
    sub.name(name).version(env!("CARGO_PKG_VERSION"))
}

fn render(cmd: clap::Command) -> Result<Vec<u8>, CliError> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd).render(&mut buf)?;
    Ok(buf)
}

fn write_stdout(bytes: &[u8]) -> Result<Status, CliError> {
    let mut out = io::stdout().lock();
    crate::cli::ignore_closed_pipe(
        out.write_all(bytes)
            .and_then(|_| out.flush())
            .map_err(CliError::Io),
    )?;
    Ok(Status::Clean)
}
