//! `gguflens inspect FILE`.

use crate::cli::CliError;
use crate::cli::Ui;
use crate::Status;
use gguflens::render::inspect::{render, InspectView};
use gguflens::report::inspect::{InspectOptions, InspectReport};
use gguflens::ModelFiles;
use std::path::PathBuf;

/// Inspect one GGUF file (any shard of a split set reads the whole set).
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Sections: File (size, version, byte order, header and data bytes), Findings (problems, with byte
offsets), Model (architecture, file type, parameters, bits per weight), Architecture (every
{arch}.* key), Tokenizer, Metadata (every key with its type), Tensors (name, type, shape,
parameters, bytes, data offset) and Types (the histogram of tensor types by bytes).

Exit status: 0 clean, 1 unreadable (one line on stderr names the file, byte offset and what was
expected), 2 readable with findings (truncated data, overlapping tensors, duplicate keys …),
64 usage error.")]
pub struct Args {
    /// The GGUF file.
    pub file: PathBuf,
    /// Print the report as JSON (schema gguflens.inspect/1, docs/JSON.md).
    #[arg(long)]
    pub json: bool,
    /// With --json: emit arrays whole (vocabularies can be megabytes).
    #[arg(long)]
    pub full_arrays: bool,
    /// Leave out the metadata table.
    #[arg(long)]
    pub no_metadata: bool,
    /// Leave out the tensor table.
    #[arg(long)]
    pub no_tensors: bool,
}

pub fn run(a: Args, ui: Ui) -> Result<Status, CliError> {
    let files = ModelFiles::open(&a.file)?;
    let model = files.parse()?;
    let report = InspectReport::build(
        &model,
        InspectOptions {
            full_arrays: a.full_arrays,
        },
    );
    crate::cli::emit(a.json, &report, |w| {
        let view = InspectView {
            metadata: !a.no_metadata,
            tensors: !a.no_tensors,
        };
        render(&report, view, w, ui.style)
    })?;
    Ok(if model.has_problems() {
        Status::Problems
    } else {
        Status::Clean
    })
}
