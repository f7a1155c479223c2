//! `gguflens verify FILE|DIR...`.

use crate::cli::{CliError, Ui};
use crate::progress;
use crate::Status;
use gguflens::render::verify::render;
use gguflens::report::verify::VerifyReport;
use gguflens::verify::{verify_paths, DataAccess, VerifyOptions, VerifyProgress};
use indicatif::ProgressBar;
use std::path::PathBuf;
use std::time::Instant;

/// Read every tensor's data and check it: NaN/infinity in float values and in the scales of
/// every quantized block format, all-zero tensors, truncation, split sets, SHA-256.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Each model gets a verdict line (clean, PROBLEMS or UNREADABLE) with the tensors and bytes
checked, then a table of bad tensors: the problem (non-finite: NaN or infinite values or
scales; all-zero: every value zero, a sign of a broken conversion), the first bad block, the
field that was bad in it (d, dmin, m, s, e … or value for float types), that block's byte
offset in the file, and how many blocks are bad. The reader's findings (truncated data,
overlapping tensors, split-set problems) follow.

A file named by its SHA-256 (an Ollama blob sha256-<hex>, or a Hugging Face cache file
blobs/<hex>) is checked against its name; --sha256 prints every file's digest.

A directory is searched (recursively, symbolic links not followed) for files that start with
the GGUF magic or are named *.gguf (a broken one is reported, not skipped); a directory with none
is an error. Any shard of a split set verifies the whole set, once. A progress bar is drawn on
stderr when it is a terminal (-q turns it off).

Exit status: 0 clean, 1 a path could not be read (or holds no GGUF file), 2 problems found,
64 usage error.")]
pub struct Args {
    /// GGUF files or directories to search.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Print the report as JSON (schema gguflens.verify/1, docs/JSON.md).
    #[arg(long)]
    pub json: bool,
    /// Compute and print every file's SHA-256.
    #[arg(long)]
    pub sha256: bool,
    /// Scan the memory map in place instead of reading the data through small buffers (the
    /// results are the same; reading is usually faster, see docs/PERFORMANCE.md).
    #[arg(long)]
    pub mmap: bool,
}

/// Draws verification progress in bytes.
struct Bar(ProgressBar);

impl VerifyProgress for Bar {
    fn started(&self, total: u64) {
        self.0.set_length(total);
    }
    fn advanced(&self, n: u64) {
        self.0.inc(n);
    }
}

pub fn run(a: Args, ui: Ui) -> Result<Status, CliError> {
    let start = Instant::now();
    let opts = VerifyOptions {
        sha256: a.sha256,
        access: if a.mmap {
            DataAccess::Map
        } else {
            DataAccess::Read
        },
    };
    let bar = Bar(progress::bar(
        ui.progress(a.json),
        "{bar:40} {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} eta {eta}",
    ));
    let results = verify_paths(&a.paths, &opts, &bar);
    bar.0.finish_and_clear();
    let elapsed = start.elapsed();
    ui.detail(&format!("read in {:.2} s", elapsed.as_secs_f64()));

    let report = VerifyReport::build(results.iter().map(|r| (r.path.as_path(), &r.result)));
    crate::cli::emit(a.json, &report, |w| {
        render(&report, Some(elapsed), w, ui.style)
    })?;
    let s = &report.summary;
    Ok(if s.unreadable > 0 {
        Status::Unreadable
    } else if s.problems > 0 {
        Status::Problems
    } else {
        Status::Clean
    })
}
