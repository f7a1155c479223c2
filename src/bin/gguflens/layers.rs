//! `gguflens layers FILE`.

use crate::cli::CliError;
use crate::cli::Ui;
use crate::Status;
use gguflens::report::layers::LayersReport;
use gguflens::ModelFiles;
use std::path::PathBuf;

/// Per-layer quantization audit: the real type mix behind a file's label, block by block.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Types per block: a row per block (blk.N), a column per role (attn_q, attn_v, ffn_down,
ffn_down_exps …; a block's norms and biases gathered in `norms` / `biases`), each cell the ggml
type; bytes and bits per weight (BPW) of one block. Consecutive blocks with the same types and
sizes are folded (blk.3–4); `·` means the block has no such tensor.

Outside blocks: token_embd, output, output_norm, rope_freqs, per-layer embeddings …; vision /
audio towers (v., a., mm.) are totalled under Towers.

Summary: the labelled file type and its default type against the actual mix (share of
parameters and bytes per type), effective BPW overall and per role, the roles and blocks that got
more bits than the default, and why: llama.cpp's quantization rules (llama-quant.cpp) are
replayed for the labelled type, naming the rule for each group of tensors (use_more_bits,
row-size fallback Q6_K → Q8_0, …) and listing every tensor they do not explain. MoE files also
get experts per layer, parameters per expert, and active against total parameters.

--svg FILE writes a heat map to open in a browser: blocks × roles, each cell coloured by its
type's bits per weight on one heat scale (dark red = fewest bits, green = 8, pale = floats) with
the type's name in it, a tooltip per cell, and above the grid a legend with each type's bits per
weight, bytes and share. Where it was written is said on stderr.

Exit status: 0 clean, 1 unreadable, 2 readable with findings (truncated data …), or with
--check: tensors the quantization rules do not explain; 64 usage error.")]
pub struct Args {
    /// The GGUF file (any shard of a split set reads the whole set).
    pub file: PathBuf,
    /// Print the report as JSON (schema gguflens.layers/1, docs/JSON.md).
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print CSV: a line per tensor (block, role, type, bytes, bits per weight, rule).
    #[arg(long)]
    pub csv: bool,
    /// Also write an SVG heat map (blocks × roles) to this file.
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
    /// Exit with 2 when llama.cpp's rules do not explain every tensor's type.
    #[arg(long)]
    pub check: bool,
}

pub fn run(a: Args, ui: Ui) -> Result<Status, CliError> {
    let files = ModelFiles::open(&a.file)?;
    let model = files.parse()?;
    let report = LayersReport::build(&a.file.display().to_string(), &model);
    if let Some(p) = &a.svg {
        let svg = gguflens::render::layers_svg::render(&report);
        std::fs::write(p, svg)
            .map_err(|e| CliError::Msg(format!("{}: cannot write SVG: {e}", p.display())))?;
        ui.note(&format!("wrote the heat map to {}", p.display()));
    }
    crate::cli::emit(a.json, &report, |w| {
        if a.csv {
            gguflens::render::layers::csv(&report, w)
        } else {
            gguflens::render::layers::render(&report, w, ui.style)
        }
    })?;
    Ok(
        if model.has_problems() || (a.check && report.rules.unexplained_count > 0) {
            Status::Problems
        } else {
            Status::Clean
        },
    )
}
