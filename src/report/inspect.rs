//! `gguflens inspect --json`: schema `gguflens.inspect/1` (docs/JSON.md).

use super::{type_label, value_json, FindingJson};
use crate::file::Model;
use crate::model;
use serde::Serialize;

/// Array items shown in a summary when the full array is not asked for.
const SUMMARY_ITEMS: usize = 8;

/// Schema identifier of this report.
pub const SCHEMA: &str = "gguflens.inspect/1";

/// The whole `inspect` report.
#[derive(Debug, Clone, Serialize)]
pub struct InspectReport {
    /// `gguflens.inspect/1`.
    pub schema: &'static str,
    /// One entry per file (shard).
    pub files: Vec<FileJson>,
    /// Every finding, per shard and for the set.
    pub findings: Vec<FindingJson>,
    /// Identity and totals.
    pub model: ModelJson,
    /// Every `{arch}.*` key.
    pub hyperparameters: Vec<KeyValueJson>,
    /// Tokenizer summary.
    pub tokenizer: TokenizerJson,
    /// Every metadata key of the first shard, in file order.
    pub metadata: Vec<KeyValueJson>,
    /// Every tensor of every shard.
    pub tensors: Vec<TensorJson>,
    /// Type histogram, largest share of bytes first.
    pub types: Vec<TypeJson>,
}

/// One file's layout and byte accounting.
#[derive(Debug, Clone, Serialize)]
pub struct FileJson {
    /// Path as given.
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// GGUF version.
    pub version: u32,
    /// `little` or `big`.
    pub byte_order: &'static str,
    /// Data alignment.
    pub alignment: u64,
    /// Number of metadata entries.
    pub metadata_count: u64,
    /// Number of tensors in this file.
    pub tensor_count: u64,
    /// Bytes from the magic to the end of the tensor directory.
    pub header_bytes: u64,
    /// Padding before the data region.
    pub header_padding: u64,
    /// Offset of the data region.
    pub data_offset: u64,
    /// Sum of tensor data bytes.
    pub tensor_bytes: u64,
    /// Alignment padding between tensors.
    pub tensor_padding: u64,
    /// Unused bytes after the data.
    pub trailing_bytes: u64,
    /// Bytes the directory promises beyond the end of the file.
    pub missing_bytes: u64,
    /// Whether tensor data is cut short.
    pub truncated: bool,
}

/// Identity and totals.
#[derive(Debug, Clone, Serialize)]
pub struct ModelJson {
    /// `general.architecture`.
    pub architecture: Option<String>,
    /// `general.name`.
    pub name: Option<String>,
    /// `general.size_label`.
    pub size_label: Option<String>,
    /// Decoded `general.file_type`.
    pub file_type: Option<FileTypeJson>,
    /// Number of shards.
    pub shards: u64,
    /// Tensors across shards.
    pub tensor_count: u64,
    /// Parameters (elements of all tensors).
    pub parameters: u64,
    /// Tensor data bytes across shards.
    pub tensor_bytes: u64,
    /// Total file bytes across shards.
    pub file_bytes: u64,
    /// tensor_bytes × 8 / parameters.
    pub bits_per_weight: Option<f64>,
}

/// `general.file_type`.
#[derive(Debug, Clone, Serialize)]
pub struct FileTypeJson {
    /// Raw value.
    pub raw: u64,
    /// Without the guessed bit.
    pub id: u64,
    /// Short name (`Q4_K_M`).
    pub name: String,
    /// llama.cpp's description.
    pub description: String,
    /// Whether llama.cpp marked it guessed.
    pub guessed: bool,
}

/// A metadata key, its type and value.
#[derive(Debug, Clone, Serialize)]
pub struct KeyValueJson {
    /// Key (lossy UTF-8).
    pub key: String,
    /// `u32`, `string`, `array[string]` …
    #[serde(rename = "type")]
    pub ty: String,
    /// The value; arrays as `{elem_type, len, items, truncated}`.
    pub value: serde_json::Value,
}

/// Tokenizer summary.
#[derive(Debug, Clone, Serialize)]
pub struct TokenizerJson {
    /// `tokenizer.ggml.model`.
    pub model: Option<String>,
    /// `tokenizer.ggml.pre`.
    pub pre: Option<String>,
    /// Tokens in the vocabulary.
    pub vocab_size: Option<u64>,
    /// BPE merges.
    pub merges: Option<u64>,
    /// `{"bos": 1, …}` from `tokenizer.ggml.*_token_id`.
    pub special_tokens: serde_json::Map<String, serde_json::Value>,
    /// Whether `tokenizer.chat_template` is present.
    pub chat_template: bool,
    /// Its length in bytes.
    pub chat_template_bytes: Option<u64>,
    /// Named templates.
    pub named_templates: Vec<String>,
}

/// One tensor.
#[derive(Debug, Clone, Serialize)]
pub struct TensorJson {
    /// Name.
    pub name: String,
    /// Type name (`Q4_K`, `unknown(77)`).
    #[serde(rename = "type")]
    pub ty: String,
    /// Type id.
    pub type_id: u32,
    /// Dimensions, innermost first (ggml order).
    pub shape: Vec<u64>,
    /// Elements (null on overflow).
    pub parameters: Option<u64>,
    /// Data bytes (null when unknown).
    pub bytes: Option<u64>,
    /// Absolute file offset of the data.
    pub offset: Option<u64>,
    /// Shard index (0 for an unsplit file).
    pub shard: usize,
}

/// One row of the type histogram.
#[derive(Debug, Clone, Serialize)]
pub struct TypeJson {
    /// Type name.
    #[serde(rename = "type")]
    pub ty: String,
    /// Tensors of this type.
    pub tensors: u64,
    /// Their parameters.
    pub parameters: u64,
    /// Their bytes.
    pub bytes: u64,
    /// Share of all tensor bytes (0..1).
    pub share: f64,
}

/// Options for building the report.
#[derive(Debug, Clone, Copy, Default)]
pub struct InspectOptions {
    /// Emit arrays whole instead of their first items.
    pub full_arrays: bool,
}

impl InspectReport {
    /// Builds the report for a parsed model.
    pub fn build(m: &Model, opts: InspectOptions) -> InspectReport {
        let max_items = if opts.full_arrays {
            None
        } else {
            Some(SUMMARY_ITEMS)
        };
        let files = m
            .shards
            .iter()
            .map(|s| {
                let g = &s.gguf;
                let a = g.accounting;
                FileJson {
                    path: s.path.display().to_string(),
                    size: a.file_size,
                    version: g.version,
                    byte_order: g.byte_order.name(),
                    alignment: g.alignment,
                    metadata_count: g.metadata.len() as u64,
                    tensor_count: g.tensors.len() as u64,
                    header_bytes: a.header_bytes,
                    header_padding: a.header_padding,
                    data_offset: g.data_offset,
                    tensor_bytes: a.tensor_bytes,
                    tensor_padding: a.tensor_padding,
                    trailing_bytes: a.trailing_bytes,
                    missing_bytes: a.missing_bytes,
                    truncated: a.missing_bytes > 0,
                }
            })
            .collect();
        let findings = m
            .all_findings()
            .into_iter()
            .map(|(p, f)| FindingJson::new(p, f))
            .collect();
        let id = model::identity(m);
        let total_bytes = m.tensor_bytes();
        let kv = |k: &str, v: &crate::format::Value| KeyValueJson {
            key: k.to_string(),
            ty: type_label(v),
            value: value_json(v, max_items),
        };
        let tok = model::tokenizer(m);
        InspectReport {
            schema: SCHEMA,
            files,
            findings,
            model: ModelJson {
                architecture: id.architecture,
                name: id.name,
                size_label: id.size_label,
                file_type: id.file_type.map(|f| FileTypeJson {
                    raw: f.raw,
                    id: f.id,
                    name: f.name,
                    description: f.description,
                    guessed: f.guessed,
                }),
                shards: m.shards.len() as u64,
                tensor_count: m.tensor_count() as u64,
                parameters: m.parameter_count(),
                tensor_bytes: total_bytes,
                file_bytes: m.file_size(),
                bits_per_weight: m.bits_per_weight(),
            },
            hyperparameters: model::hyperparameters(m)
                .into_iter()
                .map(|(k, v)| kv(k, v))
                .collect(),
            tokenizer: TokenizerJson {
                model: tok.model,
                pre: tok.pre,
                vocab_size: tok.vocab_size,
                merges: tok.merges,
                special_tokens: tok
                    .special_tokens
                    .into_iter()
                    .map(|(k, v)| (k, serde_json::json!(v)))
                    .collect(),
                chat_template: tok.chat_template_bytes.is_some(),
                chat_template_bytes: tok.chat_template_bytes,
                named_templates: tok.named_templates,
            },
            metadata: m
                .gguf()
                .metadata
                .iter()
                .map(|e| kv(&e.key.to_string_lossy(), &e.value))
                .collect(),
            tensors: m
                .tensors()
                .map(|(shard, t)| TensorJson {
                    name: t.name_str().into_owned(),
                    ty: t.ggml_type.name().into_owned(),
                    type_id: t.ggml_type.0,
                    shape: t.shape().to_vec(),
                    parameters: t.n_elements,
                    bytes: t.n_bytes,
                    offset: t.file_offset,
                    shard,
                })
                .collect(),
            types: model::type_histogram(m)
                .into_iter()
                .map(|t| TypeJson {
                    ty: t.ggml_type.name().into_owned(),
                    tensors: t.tensors,
                    parameters: t.parameters,
                    bytes: t.bytes,
                    share: if total_bytes > 0 {
                        t.bytes as f64 / total_bytes as f64
                    } else {
                        0.0
                    },
                })
                .collect(),
        }
    }
}
