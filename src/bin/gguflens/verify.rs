//! `gguflens verify FILE|DIR...`.

use crate::cli::CliError;
use crate::Status;
use gguflens::error::ErrorKind;
use gguflens::format::split::SplitName;
use gguflens::render::verify::render;
use gguflens::render::Style;
use gguflens::report::verify::VerifyReport;
use gguflens::verify::walk::find_gguf_files;
use gguflens::verify::{verify_model, work_bytes, DataAccess, ModelVerification, VerifyOptions};
use gguflens::{Error, ModelFiles};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use std::collections::HashSet;
use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};
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
the GGUF magic. Any shard of a split set verifies the whole set, once.

Exit status: 0 clean, 1 a file could not be read, 2 problems found.")]
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

/// The inputs, with directories expanded and each split set named once.
fn expand(paths: &[PathBuf]) -> Vec<(PathBuf, Option<Error>)> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for p in paths {
        let found = if p.is_dir() {
            match find_gguf_files(p) {
                Ok(v) => v,
                Err(e) => {
                    out.push((
                        p.clone(),
                        Some(Error::new(ErrorKind::Io(e.to_string())).with_path(p)),
                    ));
                    continue;
                }
            }
        } else {
            vec![p.clone()]
        };
        for f in found {
            if seen.insert(set_key(&f)) {
                out.push((f, None));
            }
        }
    }
    out
}

/// The path that stands for a file's whole split set (its first shard), or the file itself.
fn set_key(p: &Path) -> PathBuf {
    let name = p
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(SplitName::parse);
    match name {
        Some(n) if n.count > 1 => p.with_file_name(n.file_name(1)),
        _ => p.to_path_buf(),
    }
}

pub fn run(a: Args, style: Style) -> Result<Status, CliError> {
    let start = Instant::now();
    let opts = VerifyOptions {
        sha256: a.sha256,
        access: if a.mmap {
            DataAccess::Map
        } else {
            DataAccess::Read
        },
    };
    let inputs = expand(&a.paths);
    let opened: Vec<Result<ModelFiles, Error>> = inputs
        .iter()
        .map(|(p, err)| match err {
            Some(e) => Err(e.clone()),
            None => ModelFiles::open(p),
        })
        .collect();
    let parsed: Vec<Result<gguflens::Model, Error>> = opened
        .iter()
        .map(|o| match o {
            Ok(f) => f.parse(),
            Err(e) => Err(e.clone()),
        })
        .collect();

    let total: u64 = parsed
        .iter()
        .filter_map(|m| m.as_ref().ok())
        .map(|m| work_bytes(m, &opts))
        .sum();
    let show = !a.json && io::stderr().is_terminal() && io::stdout().is_terminal();
    let bar = if show {
        let b = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        b.set_style(
            ProgressStyle::with_template(
                "{bar:40} {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} eta {eta}",
            )
            .expect("valid template"),
        );
        b
    } else {
        ProgressBar::hidden()
    };
    let tick = |n: u64| bar.inc(n);

    let results: Vec<Result<ModelVerification, Error>> = parsed
        .par_iter()
        .map(|m| match m {
            Ok(m) => Ok(verify_model(m, &opts, &tick)),
            Err(e) => Err(e.clone()),
        })
        .collect();
    bar.finish_and_clear();
    let elapsed = start.elapsed();

    let report = VerifyReport::build(inputs.iter().map(|(p, _)| p.as_path()).zip(results.iter()));
    crate::cli::emit(a.json, &report, |w| {
        render(&report, Some(elapsed), w, style)
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
