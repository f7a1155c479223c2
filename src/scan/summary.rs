//! One model reduced to the facts a scan shows: a few hundred bytes, so that a scan of thousands
//! of files keeps only the files in flight mapped and parsed.

use crate::file::Model;
use crate::format::{Finding, Severity};
use crate::memory::{self, MemoryParams};
use crate::model::{self, arch_u64, FileType, TypeTotals};
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
        // One prediction serves both the KV-per-token and the VRAM columns.
        let estimate = memory::estimate(
            model,
            &MemoryParams {
                n_ctx: ctx,
                ..MemoryParams::default()
            },
        )
        .ok();
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
            kv_bytes_per_token: estimate
                .as_ref()
                .map(|e| e.kv_bytes_per_token())
                .or_else(|| kv_bytes_per_token(model)),
            vram: estimate.as_ref().map(|e| vram_of(e, ctx)),
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
    /// The context llama.cpp allocates (`ctx` rounded up to a multiple of 256).
    pub ctx_padded: u64,
    /// Weights on the GPU (exact; tied embeddings counted where they land).
    pub weights: u64,
    /// KV cache bytes (exact; sliding-window layers capped as llama.cpp caps them).
    pub kv_cache: u64,
    /// Recurrent state bytes (exact; 0 for pure attention models).
    pub recurrent: u64,
    /// Compute buffer (an estimate, see docs/ACCURACY.md).
    pub compute: u64,
    /// Weights + KV cache + recurrent state + compute buffer. The GPU runtime's own overhead
    /// (CUDA context, cuBLAS) is not included.
    pub total: u64,
}

/// KV cache bytes per token of context (f16 K and V, every attention layer, no sliding-window
/// cap), from [`crate::memory`].
pub fn kv_bytes_per_token(model: &Model) -> Option<u64> {
    let p = MemoryParams {
        n_ctx: 4096,
        ..MemoryParams::default()
    };
    memory::estimate(model, &p)
        .ok()
        .map(|e| e.kv_bytes_per_token())
}

/// Predicted GPU memory for full offload at `ctx` tokens with llama.cpp's defaults (f16 cache,
/// flash attention auto, one sequence), from [`crate::memory`]. `None` when the file lacks what
/// a prediction needs (an unknown architecture, missing hyperparameters).
///
/// This is the single place the scan asks for a memory prediction.
pub fn predicted_vram(model: &Model, ctx: u32) -> Option<VramPrediction> {
    let p = MemoryParams {
        n_ctx: ctx,
        ..MemoryParams::default()
    };
    memory::estimate(model, &p).ok().map(|e| vram_of(&e, ctx))
}

/// The GPU side of an estimate made at `ctx` tokens.
fn vram_of(e: &memory::Estimate, ctx: u32) -> VramPrediction {
    let sum = |f: &dyn Fn(&memory::DeviceEstimate) -> u64| {
        e.gpus().iter().map(f).fold(0u64, u64::saturating_add)
    };
    let weights = sum(&|d| d.weights.bytes);
    let kv_cache = sum(&|d| d.kv.total());
    let recurrent = sum(&|d| d.recurrent.bytes);
    let compute = sum(&|d| d.compute.bytes);
    VramPrediction {
        ctx,
        ctx_padded: e.context.n_ctx as u64,
        weights,
        kv_cache,
        recurrent,
        compute,
        total: weights
            .saturating_add(kv_cache)
            .saturating_add(recurrent)
            .saturating_add(compute),
    }
}

/// Bytes of tensor data sampled for [`weights_key`].
pub const SAMPLE_BYTES: usize = 4096;

/// A fingerprint of the weights: xxh3-128 over the tensor directory in order (names, types,
/// shapes and data sizes, across shards, so a split set and its merged file agree) and over
/// [`SAMPLE_BYTES`] from the middle of the largest tensor's data.
///
/// The directory alone cannot tell two fine-tunes of one base model apart (same names, types
/// and shapes); the sample can, at the cost of one page read per file. A file without tensors
/// (vocabulary only) is fingerprinted by its metadata instead. The sample is read with
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
    if model.tensor_count() == 0 {
        // A vocabulary-only file: its metadata (the tokenizer) is all it holds.
        let g = &model.shards[0].gguf;
        let b = g.bytes();
        h.update(b"metadata");
        h.update(&b[..(g.data_offset as usize).min(b.len())]);
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
