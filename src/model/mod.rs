//! Facts derived from a parsed model: file type, parameters, bits per weight, the type
//! histogram, architecture hyperparameters and the tokenizer.

pub mod arch;
pub mod ftype;

use crate::file::Model;
use crate::format::Value;
use crate::ggml_type::GgmlType;
pub use arch::ArchKeys;
pub use ftype::FileType;
use std::collections::BTreeMap;

/// Tensors, parameters and bytes of one ggml type.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeTotals {
    /// The type.
    pub ggml_type: GgmlType,
    /// Number of tensors.
    pub tensors: u64,
    /// Elements.
    pub parameters: u64,
    /// Data bytes (tensors of unknown size count 0).
    pub bytes: u64,
}

/// The type histogram of a model, largest share of bytes first.
pub fn type_histogram(model: &Model) -> Vec<TypeTotals> {
    let mut m: BTreeMap<GgmlType, TypeTotals> = BTreeMap::new();
    for (_, t) in model.tensors() {
        let e = m.entry(t.ggml_type).or_insert(TypeTotals {
            ggml_type: t.ggml_type,
            tensors: 0,
            parameters: 0,
            bytes: 0,
        });
        e.tensors += 1;
        e.parameters = e.parameters.saturating_add(t.n_elements.unwrap_or(0));
        e.bytes = e.bytes.saturating_add(t.n_bytes.unwrap_or(0));
    }
    let mut v: Vec<TypeTotals> = m.into_values().collect();
    v.sort_by(|a, b| b.bytes.cmp(&a.bytes).then(a.ggml_type.cmp(&b.ggml_type)));
    v
}

/// The tokenizer, summarized.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TokenizerInfo {
    /// `tokenizer.ggml.model` (`gpt2`, `llama`, …).
    pub model: Option<String>,
    /// `tokenizer.ggml.pre`.
    pub pre: Option<String>,
    /// Length of `tokenizer.ggml.tokens`.
    pub vocab_size: Option<u64>,
    /// Length of `tokenizer.ggml.merges`.
    pub merges: Option<u64>,
    /// Special token ids: (`bos`, 2), (`eos`, 1) …, from `tokenizer.ggml.*_token_id`.
    pub special_tokens: Vec<(String, u64)>,
    /// Byte length of `tokenizer.chat_template`, if present.
    pub chat_template_bytes: Option<u64>,
    /// Names of further templates (`tokenizer.chat_template.NAME`).
    pub named_templates: Vec<String>,
}

/// Reads the tokenizer keys.
pub fn tokenizer(model: &Model) -> TokenizerInfo {
    let g = model.gguf();
    let mut info = TokenizerInfo {
        model: g.get_str("tokenizer.ggml.model").map(|s| s.into_owned()),
        pre: g.get_str("tokenizer.ggml.pre").map(|s| s.into_owned()),
        vocab_size: g.get_array("tokenizer.ggml.tokens").map(|a| a.len),
        merges: g.get_array("tokenizer.ggml.merges").map(|a| a.len),
        chat_template_bytes: g
            .get("tokenizer.chat_template")
            .and_then(|v| v.as_str())
            .map(|s| s.len() as u64),
        ..Default::default()
    };
    for e in &g.metadata {
        let Some(k) = e.key.to_str() else { continue };
        if let Some(rest) = k.strip_prefix("tokenizer.ggml.") {
            if let Some(name) = rest.strip_suffix("_token_id") {
                if let Some(v) = e.value.as_u64() {
                    info.special_tokens.push((name.to_string(), v));
                }
            }
        } else if let Some(name) = k.strip_prefix("tokenizer.chat_template.") {
            info.named_templates.push(name.to_string());
        }
    }
    info
}

/// The main identification facts.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Identity {
    /// `general.architecture`.
    pub architecture: Option<String>,
    /// `general.name`.
    pub name: Option<String>,
    /// `general.size_label`.
    pub size_label: Option<String>,
    /// `general.file_type`, decoded.
    pub file_type: Option<FileType>,
    /// `general.quantization_version`.
    pub quantization_version: Option<u64>,
}

/// Reads the `general.*` identity keys.
pub fn identity(model: &Model) -> Identity {
    let g = model.gguf();
    Identity {
        architecture: g.architecture().map(|s| s.into_owned()),
        name: g.get_str("general.name").map(|s| s.into_owned()),
        size_label: g.get_str("general.size_label").map(|s| s.into_owned()),
        file_type: g.get_u64("general.file_type").map(FileType::from_raw),
        quantization_version: g.get_u64("general.quantization_version"),
    }
}

/// The architecture's hyperparameters: every `{arch}.` key, in file order, with its value.
pub fn hyperparameters<'m, 'a>(model: &'m Model<'a>) -> Vec<(&'a str, &'m Value<'a>)> {
    let g = model.gguf();
    let Some(arch) = g.architecture() else {
        return Vec::new();
    };
    let prefix = format!("{arch}.");
    g.metadata
        .iter()
        .filter_map(|e| {
            let k = e.key.to_str()?;
            k.starts_with(&prefix).then_some((k, &e.value))
        })
        .collect()
}

/// Reads `{arch}.KEY` as per-layer values ([`ArchKeys::per_layer_u64`]).
pub fn per_layer_u64(model: &Model, key: &str, n_layer: usize) -> Option<Vec<u64>> {
    ArchKeys::new(model)?.per_layer_u64(key, n_layer)
}

/// Reads `{arch}.KEY` as an integer ([`ArchKeys::u64`]).
pub fn arch_u64(model: &Model, key: &str) -> Option<u64> {
    ArchKeys::new(model)?.u64(key)
}
