//! `gguflens verify --json`: schema `gguflens.verify/1` (docs/JSON.md).

use super::{wire_enum, FindingJson, SeverityJson};
use crate::verify::{digest, ModelVerification, ProblemKind, TensorProblem};
use crate::Error;
use serde::Serialize;
use std::path::Path;

/// Schema identifier of this report.
pub const SCHEMA: &str = "gguflens.verify/1";

/// The whole `verify` report.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    /// `gguflens.verify/1`.
    pub schema: &'static str,
    /// One entry per model (a file, or a split set named by any of its shards), in input order.
    pub models: Vec<ModelJson>,
    /// Totals.
    pub summary: SummaryJson,
}

wire_enum! {
    /// A model's verdict.
    pub enum VerdictJson {
        /// Read and checked; nothing wrong.
        Clean = "clean",
        /// Read and checked; problems found.
        Problems = "problems",
        /// Could not be read.
        Unreadable = "unreadable",
    }
}

wire_enum! {
    /// What is wrong with a tensor's data.
    pub enum ProblemJson {
        /// NaN or infinite values or scales.
        NonFinite = "non-finite",
        /// Every value is zero.
        AllZero = "all-zero",
    }
}

impl From<ProblemKind> for ProblemJson {
    fn from(k: ProblemKind) -> ProblemJson {
        match k {
            ProblemKind::NonFinite { .. } => ProblemJson::NonFinite,
            ProblemKind::AllZero => ProblemJson::AllZero,
        }
    }
}

/// One model's verdict.
#[derive(Debug, Clone, Serialize)]
pub struct ModelJson {
    /// The path as given or found.
    pub path: String,
    /// `clean`, `problems` or `unreadable`.
    pub status: VerdictJson,
    /// Why it could not be read (status `unreadable`): one line naming the file, the byte
    /// offset and what was expected.
    pub error: Option<String>,
    /// Tensors in the model.
    pub tensor_count: u64,
    /// Tensors whose data was checked.
    pub tensors_checked: u64,
    /// Names of tensors that could not be checked: a type this build does not know.
    pub tensors_unchecked: Vec<String>,
    /// Tensors whose data lies wholly past the end of a cut file.
    pub tensors_missing: u64,
    /// Tensor data bytes checked, over all shards.
    pub checked_bytes: u64,
    /// One entry per shard.
    pub files: Vec<FileJson>,
    /// Tensors with NaN/infinite values or scales, or entirely zero.
    pub bad_tensors: Vec<BadTensorJson>,
    /// The reader's findings (truncation, overlaps, split-set problems …) and digest mismatches.
    pub findings: Vec<FindingJson>,
}

/// One shard.
#[derive(Debug, Clone, Serialize)]
pub struct FileJson {
    /// Its path.
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// Tensor data bytes the directory describes.
    pub tensor_bytes: u64,
    /// Tensor data bytes checked (less than `tensor_bytes` when the file is cut short).
    pub checked_bytes: u64,
    /// The file's SHA-256 (lower-case hex), when computed (`--sha256`, or a name promising one).
    pub sha256: Option<String>,
    /// The digest the file name promises.
    pub expected_sha256: Option<String>,
    /// `ollama` (`sha256-<hex>`) or `huggingface` (`blobs/<hex>`), when the name promises one.
    pub sha256_source: Option<&'static str>,
    /// Whether `sha256` equals `expected_sha256` (null when nothing was expected).
    pub sha256_ok: Option<bool>,
}

/// A tensor with a problem.
#[derive(Debug, Clone, Serialize)]
pub struct BadTensorJson {
    /// The shard that holds it.
    pub file: String,
    /// Tensor name.
    pub tensor: String,
    /// Its ggml type (`Q4_K`).
    #[serde(rename = "type")]
    pub ggml_type: String,
    /// `non-finite` (NaN or infinity) or `all-zero`.
    pub problem: ProblemJson,
    /// `error` (non-finite) or `warning` (all-zero).
    pub severity: SeverityJson,
    /// Blocks checked (elements, for float types).
    pub blocks: u64,
    /// Bytes per block.
    pub block_bytes: u64,
    /// Index of the first bad block (null for all-zero).
    pub first_block: Option<u64>,
    /// Absolute byte offset of that block in `file`.
    pub first_block_offset: Option<u64>,
    /// The field of that block that was bad: `value` for float types, else ggml's field name
    /// (`d`, `dmin`, `m`, `s`, `e`, `d[0]` … `d[3]`, `scales`).
    pub field: Option<&'static str>,
    /// Blocks with at least one NaN or infinite value.
    pub bad_blocks: u64,
    /// NaN values.
    pub nan: u64,
    /// Infinite values.
    pub inf: u64,
    /// Whether the tensor's data is cut short (only its whole blocks present were checked).
    pub truncated: bool,
}

impl From<&TensorProblem> for BadTensorJson {
    fn from(t: &TensorProblem) -> BadTensorJson {
        let (first, bad_blocks, nan, inf) = match t.kind {
            ProblemKind::NonFinite {
                first_block,
                first_block_offset,
                field,
                bad_blocks,
                nan,
                inf,
            } => (
                Some((first_block, first_block_offset, field)),
                bad_blocks,
                nan,
                inf,
            ),
            ProblemKind::AllZero => (None, 0, 0, 0),
        };
        BadTensorJson {
            file: t.path.display().to_string(),
            tensor: t.name.clone(),
            ggml_type: t.ggml_type.name().into_owned(),
            problem: t.kind.into(),
            severity: t.kind.severity().into(),
            blocks: t.blocks,
            block_bytes: t.block_bytes,
            first_block: first.map(|f| f.0),
            first_block_offset: first.map(|f| f.1),
            field: first.map(|f| f.2),
            bad_blocks,
            nan,
            inf,
            truncated: t.truncated,
        }
    }
}

/// Totals over every model.
#[derive(Debug, Clone, Serialize, Default)]
pub struct SummaryJson {
    /// Models verified.
    pub models: u64,
    /// Clean.
    pub clean: u64,
    /// Readable, with problems.
    pub problems: u64,
    /// Unreadable.
    pub unreadable: u64,
    /// Tensor data bytes checked.
    pub checked_bytes: u64,
    /// Bytes digested with SHA-256.
    pub hashed_bytes: u64,
}

impl VerifyReport {
    /// Builds the report from each model's path and result, in order.
    pub fn build<'a, I>(results: I) -> VerifyReport
    where
        I: IntoIterator<Item = (&'a Path, &'a std::result::Result<ModelVerification, Error>)>,
    {
        let mut summary = SummaryJson::default();
        let mut models = Vec::new();
        for (path, r) in results {
            summary.models += 1;
            let m = match r {
                Err(e) => {
                    summary.unreadable += 1;
                    ModelJson {
                        path: path.display().to_string(),
                        status: VerdictJson::Unreadable,
                        error: Some(e.to_string()),
                        tensor_count: 0,
                        tensors_checked: 0,
                        tensors_unchecked: Vec::new(),
                        tensors_missing: 0,
                        checked_bytes: 0,
                        files: Vec::new(),
                        bad_tensors: Vec::new(),
                        findings: Vec::new(),
                    }
                }
                Ok(v) => {
                    let problems = v.has_problems();
                    if problems {
                        summary.problems += 1;
                    } else {
                        summary.clean += 1;
                    }
                    let checked: u64 = v.shards.iter().map(|s| s.checked_bytes).sum();
                    summary.checked_bytes += checked;
                    summary.hashed_bytes += v
                        .shards
                        .iter()
                        .filter(|s| s.digest.is_some())
                        .map(|s| s.size)
                        .sum::<u64>();
                    ModelJson {
                        path: path.display().to_string(),
                        status: if problems {
                            VerdictJson::Problems
                        } else {
                            VerdictJson::Clean
                        },
                        error: None,
                        tensor_count: v.tensor_count,
                        tensors_checked: v.tensors_checked,
                        tensors_unchecked: v.tensors_unchecked.clone(),
                        tensors_missing: v.tensors_missing,
                        checked_bytes: checked,
                        files: v.shards.iter().map(file_json).collect(),
                        bad_tensors: v.tensors.iter().map(BadTensorJson::from).collect(),
                        findings: v
                            .findings
                            .iter()
                            .map(|(p, f)| FindingJson::new(p.as_deref(), f))
                            .collect(),
                    }
                }
            };
            models.push(m);
        }
        VerifyReport {
            schema: SCHEMA,
            models,
            summary,
        }
    }
}

fn file_json(s: &crate::verify::ShardVerification) -> FileJson {
    let d = s.digest.as_ref();
    FileJson {
        path: s.path.display().to_string(),
        size: s.size,
        tensor_bytes: s.tensor_bytes,
        checked_bytes: s.checked_bytes,
        sha256: d.map(|d| digest::hex(&d.sha256)),
        expected_sha256: d.and_then(|d| d.expected).map(|(e, _)| digest::hex(&e)),
        sha256_source: d.and_then(|d| d.expected).map(|(_, s)| s.name()),
        sha256_ok: d.and_then(|d| d.matches()),
    }
}
