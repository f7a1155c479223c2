//! One model reduced to the facts a scan shows: a few hundred bytes, so that a scan of thousands
//! of files keeps only the files in flight mapped and parsed.

use crate::file::Model;
use crate::format::{Finding, Severity};
use crate::model::{self, arch_u64, per_layer_u64, FileType, TypeTotals};
use std::path::PathBuf;
use xxhash_rust::xxh3::Xxh3;

/// What a scan knows about one model that parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// `general.architecture`.
    pub architecture: Option<String>,
    /// `general.name`.
    pub general_name: Option<String>,
    /// `general.type` (`model`, `mmproj`, `adapter`, …).
    pub general_type: Option<String>,
    /// Parameters (elements of every tensor).
    pub parameters: u64,
    /// The labelled file type (`general.file_type`).
    pub file_type: Option<FileType>,
    /// The actual mix: bytes per tensor type, largest first.
    pub mix: Vec<TypeTotals>,
    /// Bytes of the files (every shard).
    pub size: u64,
    /// Bytes of tensor data.
    pub tensor_bytes: u64,
    /// Number of tensors.
    pub tensor_count: u64,
    /// Tensor bytes × 8 / parameters.
    pub bits_per_weight: Option<f64>,
    /// `{arch}.context_length`: the training context.
    pub context_length: Option<u64>,
    /// KV cache bytes per token of context (f16 cache), see [`kv_bytes_per_token`].
    pub kv_bytes_per_token: Option<u64>,
    /// Predicted memory at the scan's context length, see [`predicted_vram`].
    pub vram: Option<VramPrediction>,
    /// Fingerprint of the weights (see [`weights_key`]): equal for duplicates.
    pub weights_key: u128,
    /// Problems found in a readable model, with the shard they concern.
    pub findings: Vec<(Option<PathBuf>, Finding)>,
}

impl Summary {
    /// Summarizes a parsed model, predicting memory at `ctx` tokens.
    pub fn of(model: &Model, ctx: u32) -> Summary {
        let g = model.gguf();
        let id = model::identity(model);
        Summary {
            architecture: id.architecture,
            general_name: id.name,
            general_type: g.get_str("general.type").map(|s| s.into_owned()),
            parameters: model.parameter_count(),
            file_type: id.file_type,
            mix: model::type_histogram(model),
            size: model.file_size(),
            tensor_bytes: model.tensor_bytes(),
            tensor_count: model.tensor_count() as u64,
            bits_per_weight: model.bits_per_weight(),
            context_length: arch_u64(model, "context_length"),
            kv_bytes_per_token: kv_bytes_per_token(model),
            vram: predicted_vram(model, ctx),
            weights_key: weights_key(model),
            findings: model
                .all_findings()
                .into_iter()
                .filter(|(_, f)| f.severity != Severity::Info)
                .map(|(p, f)| (p.map(|p| p.to_path_buf()), f.clone()))
                .collect(),
        }
    }
}

/// Memory needed to run a model fully offloaded at a context length: an estimate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VramPrediction {
    /// The context length asked for.
    pub ctx: u32,
    /// The context the cache is allocated for (`ctx` rounded up to a multiple of 256, as
    /// llama.cpp pads it).
    pub ctx_padded: u64,
    /// Weights: every tensor's bytes.
    pub weights: u64,
    /// KV cache bytes at `ctx_padded`.
    pub kv_cache: u64,
    /// Weights + KV cache.
    pub total: u64,
}

/// Granularity llama.cpp pads the context to when it allocates the KV cache.
pub const CTX_PAD: u64 = 256;

/// KV cache bytes per token of context for a plain full-attention model with an f16 cache:
/// the sum over layers of `head_count_kv × (key_length + value_length) × 2`.
///
/// `head_count_kv` (and `head_count`) may be a scalar or a per-layer array; key and value
/// lengths default to `embedding_length / head_count`. Layers with no KV heads (recurrent
/// layers of a hybrid) add nothing. `None` when the file lacks the keys (a projector, a
/// recurrent model) or declares more layers than it has tensors.
///
/// This ignores sliding-window attention, MLA's compressed cache and recurrent state; it is
/// exact for plain transformers and an upper bound for sliding-window ones.
pub fn kv_bytes_per_token(model: &Model) -> Option<u64> {
    let n_layer = arch_u64(model, "block_count")?;
    // Every layer has at least one tensor: a larger count is not justified by the file, and
    // would otherwise size the per-layer vectors below.
    if n_layer == 0 || n_layer > model.tensor_count() as u64 {
        return None;
    }
    let n_layer = n_layer as usize;
    let heads = per_layer_u64(model, "attention.head_count", n_layer)?;
    let heads_kv =
        per_layer_u64(model, "attention.head_count_kv", n_layer).unwrap_or_else(|| heads.clone());
    let n_embd = arch_u64(model, "embedding_length");
    let key_len = arch_u64(model, "attention.key_length");
    let value_len = arch_u64(model, "attention.value_length");
    let mut total: u64 = 0;
    for (&h, &hkv) in heads.iter().zip(&heads_kv) {
        if hkv == 0 {
            continue;
        }
        let per_head = |explicit: Option<u64>| explicit.or_else(|| n_embd?.checked_div(h));
        let k = per_head(key_len)?;
        let v = per_head(value_len)?;
        let layer = hkv.checked_mul(k.checked_add(v)?)?.checked_mul(2)?;
        total = total.checked_add(layer)?;
    }
    Some(total)
}

/// Predicted memory for full offload at `ctx` tokens: weights (every tensor's bytes) plus an
/// f16 KV cache for a plain full-attention model (see [`kv_bytes_per_token`]) at `ctx` padded
/// to 256. The compute buffer is not included.
///
/// This is the single place the scan asks for a memory prediction.
pub fn predicted_vram(model: &Model, ctx: u32) -> Option<VramPrediction> {
    let per_token = kv_bytes_per_token(model)?;
    let ctx_padded = (ctx as u64).div_ceil(CTX_PAD) * CTX_PAD;
    let weights = model.tensor_bytes();
    let kv_cache = per_token.checked_mul(ctx_padded)?;
    Some(VramPrediction {
        ctx,
        ctx_padded,
        weights,
        kv_cache,
        total: weights.checked_add(kv_cache)?,
    })
}

/// Bytes of tensor data sampled for [`weights_key`].
pub const SAMPLE_BYTES: usize = 4096;

/// A fingerprint of the weights: xxh3-128 over the tensor directory in order (names, types,
/// shapes and data sizes, across shards, so a split set and its merged file agree) and over
/// [`SAMPLE_BYTES`] from the middle of the largest tensor's data.
///
/// The directory alone cannot tell two fine-tunes of one base model apart (same names, types
/// and shapes); the sample can, at the cost of one page read per file. The sample is read with
/// a plain positioned read, not through the memory map: a page fault in a map reads the
/// device's whole read-ahead window around it (often megabytes), a lone small read does not.
pub fn weights_key(model: &Model) -> u128 {
    let mut h = Xxh3::new();
    let mut largest: Option<(usize, u64, crate::TensorInfo)> = None;
    for (shard, t) in model.tensors() {
        h.update(&(t.name.0.len() as u64).to_le_bytes());
        h.update(t.name.0);
        h.update(&t.ggml_type.0.to_le_bytes());
        h.update(&t.n_dims.to_le_bytes());
        for d in t.shape() {
            h.update(&d.to_le_bytes());
        }
        let n = t.n_bytes.unwrap_or(u64::MAX);
        h.update(&n.to_le_bytes());
        if t.n_bytes.is_some() && largest.is_none_or(|(_, b, _)| n > b) {
            largest = Some((shard, n, *t));
        }
    }
    if let Some((shard, n, t)) = largest {
        if let Some(sample) = read_sample(model.shards[shard].path, t.file_offset, n) {
            h.update(b"sample");
            h.update(&sample);
        }
    }
    h.digest128()
}

/// Reads up to [`SAMPLE_BYTES`] from the middle of a tensor's data (`start`, `len` bytes) in
/// the file at `path`; `None` when the data is not in the file or cannot be read.
fn read_sample(path: &std::path::Path, start: Option<u64>, len: u64) -> Option<Vec<u8>> {
    use std::io::{Read, Seek, SeekFrom};
    let start = start?;
    let mid = start.checked_add(len / 2)?;
    let from = mid.saturating_sub(SAMPLE_BYTES as u64 / 2).max(start);
    let want = (SAMPLE_BYTES as u64).min(start.checked_add(len)? - from) as usize;
    let mut f = std::fs::File::open(path).ok()?;
    if f.metadata().ok()?.len() < from.checked_add(want as u64)? {
        return None;
    }
    f.seek(SeekFrom::Start(from)).ok()?;
    let mut buf = vec![0u8; want];
    f.read_exact(&mut buf).ok()?;
    Some(buf)
}
