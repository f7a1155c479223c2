//! `gguflens mem FILE`: what llama.cpp will allocate, per device, with llama.cpp's flag names.

use crate::cli::{CliError, Ui};
use crate::Status;
use gguflens::launch::{self, parse_size, LaunchArgs, LaunchError, Program, Spec, SPECS};
use gguflens::memory::{self, CpuKind, MemoryError, MemoryParams, DEFAULT_GPU_OVERHEAD};
use gguflens::render::mem::render;
use gguflens::report::mem::MemReport;
use gguflens::ModelFiles;
use std::ffi::OsString;
use std::path::PathBuf;

/// Predict llama.cpp's memory use: weights, KV cache, recurrent state, output and compute
/// buffers per device, before loading anything.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
The llama.cpp options are llama.cpp's (llama-cli, llama-server), with its spellings, defaults and
rules: the value is the next argument (-ngl -1), the last of a repeated option wins, and values
llama.cpp refuses are refused (-b 0, -np 0, an unknown cache type, a bare -fa: current llama.cpp
takes -fa on|off|auto). -ngl -1 or auto means every layer unless --fit finds fewer.

Without -c, a sweep: 2k, 4k, 8k … up to the training context. With -c, one table per device:
weights, KV cache (full and sliding-window parts), recurrent state, output buffer, compute
buffer, GPU runtime overhead, total. Figures marked ~ are estimates (compute buffer, overhead);
the rest equals llama.cpp's allocation to the byte (docs/ACCURACY.md).

Sizes take IEC or SI units: 24GiB, 512MiB, 8GB; a bare number is MiB.
--fit 24GiB[,24GiB…]: the largest context and offloaded layer count that fit, answered the way
llama.cpp's --fit answers it (1 GiB kept free per GPU, context not below 4096).
--explain: the formulas with this file's numbers, next to the rules of thumb.

--cpu KIND: the CPU llama.cpp runs on (default: this one), for the CPU_REPACK copy it makes of
Q4_0/Q4_K/IQ4_NL/… weights when nothing is offloaded (or with --no-host); generic for none.

Exit status: 0 clean, 1 unreadable or a file without tensors (vocabulary only), 2 readable with
findings (listed after the report), 64 options llama.cpp would refuse or settings it cannot run
(usage error).")]
pub struct Args {
    /// The GGUF file (any shard of a split set).
    pub file: PathBuf,
    /// llama.cpp's options (for --help, completions and the man page; read by gguflens::launch).
    #[command(flatten)]
    pub llama: LlamaOptions,
    /// Runtime memory per GPU in use outside llama.cpp's buffers (CUDA context, cuBLAS).
    #[arg(long = "gpu-overhead", value_parser = parse_size, value_name = "SIZE")]
    pub gpu_overhead: Option<u64>,
    /// The CPU llama.cpp runs on, for its CPU_REPACK copy of weights: generic, x86-avx2,
    /// x86-avx512, arm-dotprod, arm-i8mm. Default: this machine.
    #[arg(long = "cpu", value_parser = parse_cpu, value_name = "KIND")]
    pub cpu: Option<CpuKind>,
    /// GPU budgets: find the largest context and layer count that fit.
    #[arg(long = "fit", value_parser = parse_sizes, value_name = "SIZE[,SIZE…]")]
    pub fit: Option<Budgets>,
    /// Show the formulas with this file's numbers next to the rules of thumb.
    #[arg(long)]
    pub explain: bool,
    /// Print the report as JSON (schema gguflens.mem/1, docs/JSON.md).
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print CSV: a line per context and device, in bytes (the sweep, or the context of -c).
    #[arg(long, conflicts_with = "fit")]
    pub csv: bool,
}

/// llama.cpp's options in `--help`, completions and the man page, made from the one table in
/// [`gguflens::launch::SPECS`]. They never reach clap: [`split_launch_args`] takes them out
/// first, because llama.cpp's rules (`-ngl -1`, single-dash long names) are not clap's.
#[derive(Debug, Clone, Default)]
pub struct LlamaOptions;

impl clap::FromArgMatches for LlamaOptions {
    fn from_arg_matches(_: &clap::ArgMatches) -> Result<Self, clap::Error> {
        Ok(LlamaOptions)
    }
    fn update_from_arg_matches(&mut self, _: &clap::ArgMatches) -> Result<(), clap::Error> {
        Ok(())
    }
}

impl clap::Args for LlamaOptions {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        let mut cmd = cmd.next_help_heading("llama.cpp options");
        for spec in SPECS {
            cmd = cmd.arg(llama_arg(spec, spec.long(), spec.help, spec.names));
            if let Some(neg) = spec.negative.last() {
                let help = format!("The opposite of {}.", spec.long());
                cmd = cmd.arg(llama_arg(spec, neg, &help, spec.negative));
            }
        }
        cmd.next_help_heading(None)
    }
    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_args(cmd)
    }
}

/// One llama.cpp option as a clap argument: the long name, `-c`/`-b` as shorts, the other
/// spellings named in the help.
fn llama_arg(spec: &Spec, long: &'static str, help: &str, names: &[&str]) -> clap::Arg {
    let id = long.trim_start_matches('-');
    let others: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| *n != long && one_letter(n).is_none())
        .collect();
    let help = if others.is_empty() {
        help.to_string()
    } else {
        format!("{help} [also {}]", others.join(", "))
    };
    let mut arg = clap::Arg::new(id).long(id).help(help);
    if let Some(short) = names.iter().find_map(|n| one_letter(n)) {
        arg = arg.short(short);
    }
    match spec.value {
        Some(v) if long == spec.long() => arg.value_name(v).action(clap::ArgAction::Set),
        _ => arg.action(clap::ArgAction::SetTrue),
    }
}

fn one_letter(name: &str) -> Option<char> {
    let rest = name.strip_prefix('-')?;
    let mut c = rest.chars();
    match (c.next(), c.next()) {
        (Some(ch), None) if ch != '-' => Some(ch),
        _ => None,
    }
}

/// Takes llama.cpp's options out of a `gguflens … mem …` command line (the rest goes to clap).
/// Other commands' arguments are left alone.
pub fn split_launch_args(args: Vec<OsString>) -> Result<(LaunchArgs, Vec<OsString>), LaunchError> {
    match subcommand_index(&args) {
        Some(pos) if args[pos] == "mem" => {
            let (launch, rest) = launch::extract(&args[pos + 1..])?;
            let mut out = args[..=pos].to_vec();
            out.extend(rest);
            Ok((launch, out))
        }
        _ => Ok((LaunchArgs::default(), args)),
    }
}

/// The index of the subcommand: the first argument after the program name that is not a
/// global option (`--color` takes a value).
fn subcommand_index(args: &[OsString]) -> Option<usize> {
    let mut i = 1;
    while i < args.len() {
        let a = args[i].to_string_lossy();
        if a == "--color" {
            i += 2;
        } else if a.starts_with('-') {
            i += 1;
        } else {
            return Some(i);
        }
    }
    None
}

fn parse_cpu(s: &str) -> Result<CpuKind, String> {
    CpuKind::from_name(s).ok_or_else(|| {
        format!(
            "unknown CPU kind '{s}' (expected {})",
            CpuKind::ALL.map(|k| k.name()).join(", ")
        )
    })
}

/// `--fit` budgets in bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct Budgets(pub Vec<u64>);

fn parse_sizes(s: &str) -> Result<Budgets, String> {
    s.split(',')
        .map(parse_size)
        .collect::<Result<Vec<u64>, String>>()
        .map(Budgets)
}

impl Args {
    /// The prediction's settings: llama.cpp's defaults, then the options given, checked the
    /// way llama-server checks them.
    fn params(&self, launch: &LaunchArgs) -> Result<MemoryParams, CliError> {
        let base = MemoryParams {
            n_gpus: self.fit.as_ref().map_or(1, |b| b.0.len()),
            gpu_overhead: self.gpu_overhead.unwrap_or(DEFAULT_GPU_OVERHEAD),
            cpu: self.cpu.unwrap_or_else(CpuKind::host),
            ..MemoryParams::default()
        };
        launch
            .apply(base, Program::Server)
            .map_err(|e| CliError::Usage(format!("mem: {e}")))
    }
}

pub fn run(a: Args, launch: LaunchArgs, ui: Ui) -> Result<Status, CliError> {
    let p = a.params(&launch)?;
    let files = ModelFiles::open(&a.file)?;
    let model = files.parse()?;
    let name = a.file.display().to_string();
    // Settings llama.cpp cannot run (with this model) are the command line's fault (64);
    // metadata the prediction cannot use is the file's (1).
    let err = |e: MemoryError| match e {
        MemoryError::BadParam(_)
        | MemoryError::QuantizedVNeedsFlashAttn(_)
        | MemoryError::BlockSize { .. }
        | MemoryError::MlaCacheTypes(..) => CliError::Usage(format!("mem: {name}: {e}")),
        e => CliError::Msg(format!("{name}: {e}")),
    };
    let (estimates, fit) = if let Some(Budgets(budgets)) = &a.fit {
        let margin = launch
            .fit_target
            .unwrap_or(memory::params::DEFAULT_FIT_TARGET);
        let f = memory::fit(&model, budgets, &p, margin).map_err(err)?;
        (Vec::new(), Some(f))
    } else if launch.ctx_size.is_some() {
        (vec![memory::estimate(&model, &p).map_err(err)?], None)
    } else {
        (memory::sweep(&model, &p).map_err(err)?, None)
    };
    let report = MemReport {
        findings: gguflens::report::findings_of(&model),
        ..MemReport::build(
            &name,
            model.file_size(),
            launch.ctx_size,
            &estimates,
            fit.as_ref(),
            a.explain,
        )
    };
    crate::cli::emit(a.json, &report, |w| {
        if a.csv {
            gguflens::render::mem::csv(&report, w)
        } else {
            render(&report, w, ui.style)
        }
    })?;
    Ok(if model.has_problems() {
        Status::Problems
    } else {
        Status::Clean
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(v: &[&str]) -> Vec<OsString> {
        v.iter().map(OsString::from).collect()
    }

    #[test]
    fn llama_options_are_taken_after_mem_only() {
        let (launch, rest) = split_launch_args(os(&[
            "gguflens", "--color", "never", "mem", "f.gguf", "-ngl", "-1", "-ctk", "q8_0",
            "--json", "-c", "4096",
        ]))
        .unwrap();
        assert_eq!(launch.gpu_layers, Some(launch::GpuLayers::Auto));
        assert_eq!(launch.ctx_size, Some(4096));
        assert_eq!(
            rest,
            os(&["gguflens", "--color", "never", "mem", "f.gguf", "--json"])
        );
        // A file named `mem` given to another command is not the mem command.
        let other = os(&["gguflens", "inspect", "mem", "-c", "1"]);
        assert_eq!(split_launch_args(other.clone()).unwrap().1, other);
    }

    #[test]
    fn budgets() {
        assert_eq!(
            parse_sizes("24GiB,8GiB"),
            Ok(Budgets(vec![24 << 30, 8 << 30]))
        );
    }
}
