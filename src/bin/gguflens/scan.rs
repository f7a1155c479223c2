//! `gguflens scan [DIR ...]`.

use crate::cli::{CliError, Ui};
use crate::progress;
use crate::Status;
use clap::ValueEnum;
use gguflens::report::scan::{RootJson, ScanReport};
use gguflens::scan::{self, discover, Progress, ScanOptions, SortKey};
use indicatif::ProgressBar;
use std::path::PathBuf;

/// Find every GGUF model under directories (Ollama, Hugging Face cache, LM Studio, any folder)
/// and list them in one table.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Without DIR, scans the default locations that exist: Ollama (OLLAMA_MODELS, else ~/.ollama/models
and /usr/share/ollama/.ollama/models), the Hugging Face hub cache (HF_HUB_CACHE, else HF_HOME/hub,
else ~/.cache/huggingface/hub) and LM Studio (~/.lmstudio/models, ~/.cache/lm-studio/models).

Files are recognised by the GGUF magic, whatever their name. Ollama models are named as Ollama
shows them (deepseek-r1:7b), Hugging Face files as org/name/file, LM Studio files as
publisher/repo/file; other files by their path. A file reached by several names (Ollama tags,
snapshot links, hard links) is one row, counted once. Split shards are one row; a projector
(mmproj) or adapter is listed under its model.

Columns: PARAMS (elements of every tensor), TYPE (the labelled general.file_type), MIX (the
actual tensor types by share of bytes), SIZE (bytes on disk), BPW (tensor bits per weight),
CTX (training context), KV/TOKEN (f16 KV cache bytes per token of context), VRAM@N (predicted for full
offload at --ctx: weights + KV cache + compute buffer, as `gguflens mem` predicts
them; an estimate, without the CUDA runtime overhead). (dup) marks identical weights under
different names (same tensor directory and sampled data).

Exit status: 0 clean, 1 a named directory cannot be read, 2 some file failed to parse or has
problems (each is a row; the scan always finishes; a file named here that is not GGUF is such a
row); 64 usage error.")]
pub struct Args {
    /// Directories (or files) to scan; default: the standard model locations that exist.
    pub dirs: Vec<PathBuf>,
    /// Context length for the VRAM column; 0 = each model's training context (VRAM@CTX).
    #[arg(long, default_value_t = 4096)]
    pub ctx: u32,
    /// Sort by a column (text A to Z, numbers largest first).
    #[arg(long, value_enum, default_value_t = SortArg::Name)]
    pub sort: SortArg,
    /// Reverse the sort order.
    #[arg(long)]
    pub reverse: bool,
    /// Print JSON (schema gguflens.scan/1, docs/JSON.md).
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print CSV (one line per model and per attached projector or adapter).
    #[arg(long)]
    pub csv: bool,
}

/// `--sort`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SortArg {
    /// Model name.
    Name,
    /// Architecture.
    Arch,
    /// Parameters.
    Params,
    /// Labelled file type.
    Type,
    /// Main tensor type.
    Mix,
    /// Size on disk.
    Size,
    /// Bits per weight.
    Bpw,
    /// Training context.
    Ctx,
    /// KV bytes per token.
    Kv,
    /// Predicted VRAM.
    Vram,
}

impl From<SortArg> for SortKey {
    fn from(s: SortArg) -> SortKey {
        match s {
            SortArg::Name => SortKey::Name,
            SortArg::Arch => SortKey::Arch,
            SortArg::Params => SortKey::Params,
            SortArg::Type => SortKey::Type,
            SortArg::Mix => SortKey::Mix,
            SortArg::Size => SortKey::Size,
            SortArg::Bpw => SortKey::Bpw,
            SortArg::Ctx => SortKey::Ctx,
            SortArg::Kv => SortKey::Kv,
            SortArg::Vram => SortKey::Vram,
        }
    }
}

struct Bar(ProgressBar);

impl Progress for Bar {
    fn walking(&self) {
        self.0.set_message("looking for models");
        self.0
            .enable_steady_tick(std::time::Duration::from_millis(100));
    }
    fn parsing(&self, total: u64) {
        self.0
            .set_style(progress::style("{bar:30} {pos}/{len} {wide_msg}"));
        self.0.set_length(total);
        self.0.set_message("reading headers");
    }
    fn parsed(&self, _name: &str) {
        self.0.inc(1);
    }
}

pub fn run(a: Args, ui: Ui) -> Result<Status, CliError> {
    let mut roots_json = Vec::new();
    let roots: Vec<PathBuf> = if a.dirs.is_empty() {
        let defaults: Vec<_> = discover::default_roots(&|k| std::env::var_os(k))
            .into_iter()
            .filter(|r| r.path.is_dir())
            .collect();
        if defaults.is_empty() {
            ui.note("no default model location exists (Ollama, Hugging Face cache, LM Studio); name a directory");
        }
        for r in &defaults {
            ui.note(&format!(
                "scanning {} ({}, {})",
                r.path.display(),
                r.layout.label(),
                r.source
            ));
        }
        for r in &defaults {
            roots_json.push(RootJson {
                path: r.path.display().to_string(),
                layout: Some(r.layout.name()),
                source: Some(r.source.clone()),
            });
        }
        defaults.into_iter().map(|r| r.path).collect()
    } else {
        for d in &a.dirs {
            std::fs::metadata(d)
                .map_err(|e| CliError::Msg(format!("{}: cannot read: {e}", d.display())))?;
            roots_json.push(RootJson {
                path: d.display().to_string(),
                layout: None,
                source: None,
            });
        }
        a.dirs.clone()
    };

    let bar = progress::bar(ui.progress(a.json || a.csv), "{spinner} {wide_msg}");
    let progress = Bar(bar);
    let mut result = scan::scan(&roots, ScanOptions { ctx: a.ctx }, &progress);
    progress.0.finish_and_clear();
    scan::sort_rows(&mut result.rows, a.sort.into(), a.reverse);
    let report = ScanReport::build(&result, roots_json);

    let status = if result.has_problems() {
        Status::Problems
    } else {
        Status::Clean
    };
    crate::cli::emit(a.json, &report, |w| {
        if a.csv {
            gguflens::render::scan::csv(&report, w)
        } else {
            gguflens::render::scan::render(&report, w, ui.style)
        }
    })?;
    if a.json || a.csv {
        for x in &result.warnings {
            ui.note(&format!("warning: {x}"));
        }
    }
    if result.rows.is_empty() {
        ui.note("no GGUF model found");
    }
    Ok(status)
}
