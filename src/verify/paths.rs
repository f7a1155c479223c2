//! Verifying what a user names: files and directories, each model once.
//!
//! Directories are expanded with the scanner's walker ([`crate::scan::discover::gguf_files`]), a
//! shard of a split set stands for its whole set (named once, however many of its shards were
//! named or found), and every model is opened, parsed and verified; a model that cannot be read
//! is reported and the others go on.

use super::{verify_model, work_bytes, ModelVerification, VerifyOptions};
use crate::error::{Error, ErrorKind};
use crate::file::{Model, ModelFiles};
use crate::format::split::set_path;
use crate::scan::discover::gguf_files;
use rayon::prelude::*;
use std::collections::HashSet;
use std::path::PathBuf;

/// Progress reports from [`verify_paths`] (the binary draws a bar; the library prints nothing).
pub trait VerifyProgress: Sync {
    /// Every model is open; `total` bytes are about to be read and checked.
    fn started(&self, _total: u64) {}
    /// `n` more bytes were checked.
    fn advanced(&self, _n: u64) {}
}

/// Reports nothing.
impl VerifyProgress for crate::scan::Silent {}

/// One model named by the user, and its verification.
#[derive(Debug)]
pub struct PathVerification {
    /// The path the model was named by (the first shard's when it was found as part of a set).
    pub path: PathBuf,
    /// The verification, or why the model could not be read.
    pub result: Result<ModelVerification, Error>,
}

/// Verifies every model under `paths`: files as given, directories searched for GGUF files, each
/// split set once, in the order named (a directory's files in path order). Models are verified in
/// parallel.
pub fn verify_paths(
    paths: &[PathBuf],
    opts: &VerifyOptions,
    progress: &dyn VerifyProgress,
) -> Vec<PathVerification> {
    let inputs = expand(paths);
    let opened: Vec<Result<ModelFiles, Error>> = inputs
        .iter()
        .map(|(p, err)| match err {
            Some(e) => Err(e.clone()),
            None => ModelFiles::open(p),
        })
        .collect();
    let parsed: Vec<Result<Model, Error>> = opened
        .iter()
        .map(|o| o.as_ref().map_err(Error::clone).and_then(ModelFiles::parse))
        .collect();
    let total = parsed
        .iter()
        .filter_map(|m| m.as_ref().ok())
        .fold(0u64, |t, m| t.saturating_add(work_bytes(m, opts)));
    progress.started(total);
    let tick = |n: u64| progress.advanced(n);
    let results: Vec<Result<ModelVerification, Error>> = parsed
        .into_par_iter()
        .map(|m| m.map(|m| verify_model(&m, opts, &tick)))
        .collect();
    inputs
        .into_iter()
        .zip(results)
        .map(|((path, _), result)| PathVerification { path, result })
        .collect()
}

/// The inputs, with directories expanded and each split set named once; a directory that cannot
/// be read, or holds no GGUF file, comes with its error.
fn expand(paths: &[PathBuf]) -> Vec<(PathBuf, Option<Error>)> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for p in paths {
        let found = if p.is_dir() {
            match gguf_files(p) {
                Ok(v) if v.is_empty() => {
                    let msg = "no GGUF file in this directory (nor below it)".to_string();
                    out.push((p.clone(), Some(Error::new(ErrorKind::Io(msg)).with_path(p))));
                    continue;
                }
                Ok(v) => v,
                Err(e) => {
                    let e = Error::new(ErrorKind::Io(e.to_string())).with_path(p);
                    out.push((p.clone(), Some(e)));
                    continue;
                }
            }
        } else {
            vec![p.clone()]
        };
        for f in found {
            if seen.insert(set_path(&f)) {
                out.push((f, None));
            }
        }
    }
    out
}
