//! `gguflens diff A B`.

use crate::cli::CliError;
use crate::cli::Ui;
use crate::Status;
use gguflens::report::diff::DiffReport;
use gguflens::ModelFiles;
use std::path::PathBuf;

/// Compare two GGUF files: tensor types per role and block, bytes, BPW, metadata.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Typical use: a Q4_K_M against the Q4_K_S or Q8_0 of the same model, or two uploads that claim to
be the same quant. Tensors are matched by name; the tensor directories (names, types, shapes)
and the metadata are compared, not the tensor data.

Sections: Totals (tensors, parameters, bytes and bits per weight of A and B, and B − A), Type
changes (per role, the blocks whose tensor type differs, both types, the bytes and BPW of
each side and the difference), tensors only in A or B, roles whose totals differ, types, and
metadata keys that differ (arrays summarized by length, an FNV-1a hash and the first items).

Exit status: 0 both files read cleanly (whether or not they differ), 1 a file is unreadable,
2 a file has findings (truncated data …). With --exit-code: 3 when they differ (and both read
cleanly), 0 when identical. 64: usage error.")]
pub struct Args {
    /// File A.
    pub a: PathBuf,
    /// File B.
    pub b: PathBuf,
    /// Print the report as JSON (schema gguflens.diff/1, docs/JSON.md).
    #[arg(long)]
    pub json: bool,
    /// Exit with 3 when the files differ.
    #[arg(long)]
    pub exit_code: bool,
}

pub fn run(a: Args, ui: Ui) -> Result<Status, CliError> {
    let fa = ModelFiles::open(&a.a)?;
    let ma = fa.parse()?;
    let fb = ModelFiles::open(&a.b)?;
    let mb = fb.parse()?;
    let report = DiffReport::build(
        &a.a.display().to_string(),
        &ma,
        &a.b.display().to_string(),
        &mb,
    );
    crate::cli::emit(a.json, &report, |w| {
        gguflens::render::diff::render(&report, w, ui.style)
    })?;
    Ok(if ma.has_problems() || mb.has_problems() {
        Status::Problems
    } else if a.exit_code && !report.identical {
        Status::Differ
    } else {
        Status::Clean
    })
}
