//! `gguflens scan --json`: schema `gguflens.scan/1` (docs/JSON.md).

use super::inspect::FileTypeJson;
use super::{wire_enum, FindingJson};
use crate::scan::{Kind, Row, Scan};
use serde::Serialize;

/// Schema identifier of this report.
pub const SCHEMA: &str = "gguflens.scan/1";

/// The whole `scan` report.
#[derive(Debug, Clone, Serialize)]
pub struct ScanReport {
    /// `gguflens.scan/1`.
    pub schema: &'static str,
    /// The directories scanned.
    pub roots: Vec<RootJson>,
    /// Context length the VRAM column is predicted at.
    pub ctx: u32,
    /// One object per model (projectors and adapters inside their model's `attached`).
    pub models: Vec<ModelJson>,
    /// Totals; every file counts once.
    pub totals: TotalsJson,
    /// Problems that did not stop the scan (an unreadable directory, a bad manifest).
    pub warnings: Vec<String>,
}

/// A scanned directory.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RootJson {
    /// The path.
    pub path: String,
    /// For a default location: its store (`ollama`, `huggingface`, `lmstudio`); `null` for a
    /// directory named on the command line.
    pub layout: Option<&'static str>,
    /// For a default location: where the path came from (`OLLAMA_MODELS`, `~/.ollama/models`).
    pub source: Option<String>,
}

wire_enum! {
    /// What a model file is.
    pub enum KindJson {
        /// A language model.
        Model = "model",
        /// A multimodal projector.
        Projector = "projector",
        /// A LoRA adapter.
        Adapter = "adapter",
    }
}

impl From<Kind> for KindJson {
    fn from(k: Kind) -> KindJson {
        match k {
            Kind::Model => KindJson::Model,
            Kind::Projector => KindJson::Projector,
            Kind::Adapter => KindJson::Adapter,
        }
    }
}

wire_enum! {
    /// Whether a row parsed.
    pub enum RowStatusJson {
        /// Parsed, nothing wrong.
        Ok = "ok",
        /// Parsed, with findings.
        Findings = "findings",
        /// Did not parse.
        Error = "error",
    }
}

/// One model.
#[derive(Debug, Clone, Serialize)]
pub struct ModelJson {
    /// The name shown: `deepseek-r1:7b`, `org/name/file.gguf`, `publisher/repo/file.gguf` or
    /// the path.
    pub name: String,
    /// Other names of the same file(s).
    pub aliases: Vec<String>,
    /// `ollama`, `huggingface`, `lmstudio` or `plain`.
    pub layout: &'static str,
    /// `model`, `projector` or `adapter`.
    pub kind: KindJson,
    /// `ok`, `findings` (parsed, with problems) or `error` (did not parse).
    pub status: RowStatusJson,
    /// The files, in shard order.
    pub files: Vec<String>,
    /// Bytes of the files on disk.
    pub size: u64,
    /// Why it did not parse (`status` `error`).
    pub error: Option<ErrorJson>,
    /// `general.architecture`.
    pub architecture: Option<String>,
    /// `general.name`.
    pub general_name: Option<String>,
    /// Parameters.
    pub parameters: Option<u64>,
    /// The labelled file type (`general.file_type`).
    pub file_type: Option<FileTypeJson>,
    /// The actual mix: one entry per tensor type, largest share of bytes first.
    pub mix: Vec<MixJson>,
    /// Tensors.
    pub tensor_count: Option<u64>,
    /// Bytes of tensor data.
    pub tensor_bytes: Option<u64>,
    /// tensor_bytes × 8 / parameters.
    pub bits_per_weight: Option<f64>,
    /// `{arch}.context_length`.
    pub context_length: Option<u64>,
    /// KV cache bytes per token (f16 cache).
    pub kv_bytes_per_token: Option<u64>,
    /// Predicted memory for full offload at `ctx`: an estimate.
    pub vram: Option<VramJson>,
    /// Fingerprint of the weights (32 hex digits): equal for duplicates.
    pub weights_key: Option<String>,
    /// Set when other models have identical weights.
    pub duplicate: Option<DuplicateJson>,
    /// Problems found in the files (status `findings`).
    pub findings: Vec<FindingJson>,
    /// Projectors and adapters that go with this model.
    pub attached: Vec<ModelJson>,
}

/// Membership in a group of identical weights under different names.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DuplicateJson {
    /// The group's number, from 1.
    pub group: u32,
    /// Models in the group (2 or more).
    pub copies: u32,
    /// The group's first name (A to Z).
    pub first: String,
}

/// Why a model did not parse.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ErrorJson {
    /// The file.
    pub file: Option<String>,
    /// The byte offset, when the error is tied to one.
    pub offset: Option<u64>,
    /// What was expected there.
    pub message: String,
}

/// One tensor type's share of a model.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MixJson {
    /// ggml type name.
    #[serde(rename = "type")]
    pub ggml_type: String,
    /// Tensors of this type.
    pub tensors: u64,
    /// Their parameters.
    pub parameters: u64,
    /// Their bytes.
    pub bytes: u64,
    /// bytes / tensor_bytes (0 to 1).
    pub share: f64,
}

/// Predicted memory.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct VramJson {
    /// The context asked for.
    pub ctx: u32,
    /// The context the cache is sized for (padded to 256).
    pub ctx_padded: u64,
    /// Weights bytes.
    pub weights: u64,
    /// KV cache bytes (exact; sliding-window layers capped).
    pub kv_cache: u64,
    /// Recurrent state bytes (exact).
    pub recurrent: u64,
    /// Compute buffer bytes (an estimate).
    pub compute: u64,
    /// weights + kv_cache + recurrent + compute, without the GPU runtime's own overhead.
    pub total: u64,
    /// Always true: this is a prediction.
    pub estimate: bool,
}

/// Totals.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TotalsJson {
    /// Entries of `models`.
    pub models: u64,
    /// GGUF files (shards, projectors, adapters), each once.
    pub files: u64,
    /// Their bytes.
    pub size: u64,
    /// Parameters of everything that parsed.
    pub parameters: u64,
    /// Models that did not parse.
    pub failed: u64,
    /// Models that parsed with findings.
    pub with_findings: u64,
    /// Bytes taken by duplicates beyond one copy each.
    pub duplicate_bytes: u64,
}

impl ScanReport {
    /// Builds the report from a scan (rows in the scan's order).
    pub fn build(scan: &Scan, roots: Vec<RootJson>) -> ScanReport {
        let t = &scan.totals;
        ScanReport {
            schema: SCHEMA,
            roots,
            ctx: scan.ctx,
            models: scan.rows.iter().map(ModelJson::of).collect(),
            totals: TotalsJson {
                models: t.rows,
                files: t.files,
                size: t.size,
                parameters: t.parameters,
                failed: t.failed,
                with_findings: t.with_findings,
                duplicate_bytes: t.duplicate_bytes,
            },
            warnings: scan.warnings.clone(),
        }
    }
}

impl ModelJson {
    /// Converts a row.
    pub fn of(r: &Row) -> ModelJson {
        let s = r.summary();
        let status = match &r.outcome {
            Err(_) => RowStatusJson::Error,
            Ok(s) if !s.findings.is_empty() => RowStatusJson::Findings,
            Ok(_) => RowStatusJson::Ok,
        };
        ModelJson {
            name: r.name.clone(),
            aliases: r.aliases.clone(),
            layout: r.layout.name(),
            kind: r.kind.into(),
            status,
            files: r.files.iter().map(|p| p.display().to_string()).collect(),
            size: r.size,
            error: r.outcome.as_ref().err().map(|e| ErrorJson {
                file: e.file.as_ref().map(|p| p.display().to_string()),
                offset: e.offset,
                message: e.message.clone(),
            }),
            architecture: s.and_then(|s| s.architecture.clone()),
            general_name: s.and_then(|s| s.general_name.clone()),
            parameters: s.map(|s| s.parameters),
            file_type: s.and_then(|s| s.file_type.as_ref()).map(|f| FileTypeJson {
                raw: f.raw,
                id: f.id,
                name: f.name.clone(),
                description: f.description.clone(),
                guessed: f.guessed,
            }),
            mix: s.map_or_else(Vec::new, |s| {
                s.mix
                    .iter()
                    .map(|m| MixJson {
                        ggml_type: m.ggml_type.name().into_owned(),
                        tensors: m.tensors,
                        parameters: m.parameters,
                        bytes: m.bytes,
                        share: if s.tensor_bytes > 0 {
                            m.bytes as f64 / s.tensor_bytes as f64
                        } else {
                            0.0
                        },
                    })
                    .collect()
            }),
            tensor_count: s.map(|s| s.tensor_count),
            tensor_bytes: s.map(|s| s.tensor_bytes),
            bits_per_weight: s.and_then(|s| s.bits_per_weight),
            context_length: s.and_then(|s| s.context_length),
            kv_bytes_per_token: s.and_then(|s| s.kv_bytes_per_token),
            vram: s.and_then(|s| s.vram).map(|v| VramJson {
                ctx: v.ctx,
                ctx_padded: v.ctx_padded,
                weights: v.weights,
                kv_cache: v.kv_cache,
                recurrent: v.recurrent,
                compute: v.compute,
                total: v.total,
                estimate: true,
            }),
            weights_key: s.map(|s| format!("{:032x}", s.weights_key)),
            duplicate: r.duplicate.as_ref().map(|d| DuplicateJson {
                group: d.group,
                copies: d.copies,
                first: d.first.clone(),
            }),
            findings: s.map_or_else(Vec::new, |s| {
                s.findings
                    .iter()
                    .map(|(p, f)| FindingJson::new(p.as_deref(), f))
                    .collect()
            }),
            attached: r.attached.iter().map(ModelJson::of).collect(),
        }
    }
}
