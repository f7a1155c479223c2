//! Every cap gguflens enforces, in one place: the reader's, the memory model's and the scanner's.
//!
//! Counts and lengths are first checked against the bytes that remain in the file (a count can
//! never justify more elements than the bytes left could encode); the constants below cap what
//! the remaining-bytes rule alone would allow.

/// Deepest nesting of arrays inside arrays. llama.cpp itself rejects nested arrays; gguf-py
/// accepts them. 64 keeps recursion far from the stack limit.
pub const MAX_ARRAY_DEPTH: u32 = 64;

/// Most dimensions a tensor may have (`GGML_MAX_DIMS`).
pub const MAX_DIMS: u32 = 4;

/// Largest `general.alignment` accepted (1 GiB): anything larger is a corrupt value.
pub const MAX_ALIGNMENT: u64 = 1 << 30;

/// Smallest encoded size of one metadata entry in v2/v3 (8-byte key length, 4-byte type, 1-byte
/// value); used to bound `kv_count` by the bytes left.
pub const MIN_KV_BYTES_V2: u64 = 8 + 4 + 1;

/// The same for v1 (4-byte key length).
pub const MIN_KV_BYTES_V1: u64 = 4 + 4 + 1;

/// Smallest encoded size of one tensor entry in v2/v3 (name length 8, n_dims 4, type 4, offset 8).
pub const MIN_TENSOR_BYTES_V2: u64 = 8 + 4 + 4 + 8;

/// The same for v1 (4-byte name length).
pub const MIN_TENSOR_BYTES_V1: u64 = 4 + 4 + 4 + 8;

/// Most shards a split set may declare (`split.count`); gguf-split writes 5-digit numbers.
pub const MAX_SPLIT_COUNT: u64 = 99_999;

/// Most entries reserved up front for the metadata and tensor lists. A declared count is only
/// bounded by the bytes left (one per 13 or 24 bytes), and reserving it whole would allocate
/// several times the file's size for entries that may never be read; beyond this the lists grow
/// as entries are actually parsed.
pub const MAX_PREALLOC: u64 = 4096;

/// The largest `{arch}.block_count` accepted, and so the most entries a per-layer value is
/// expanded to: llama.cpp's `LLAMA_MAX_LAYERS`. A larger declared count is a corrupt value, not a
/// reason to allocate or loop that many times.
pub const MAX_BLOCK_COUNT: u64 = 512;

/// The largest hyperparameter the memory model accepts (llama.cpp reads them as `uint32_t`); with
/// it every product stays far from overflowing 64 bits once combined with saturating arithmetic.
pub const MAX_HPARAM: u64 = u32::MAX as u64;

/// The largest tensor the memory model's graph allocator places: 64 TiB, so that a graph of up to
/// 2^17 tensors cannot overflow the offsets (hostile metadata can ask for anything; real models
/// are far below).
pub const MAX_GRAPH_TENSOR_BYTES: u64 = 1 << 46;

/// The largest Ollama manifest read: they are a few hundred bytes, anything larger is not one.
pub const MAX_MANIFEST_BYTES: u64 = 1 << 20;

/// Findings of one code kept per file (and per split set); the rest are counted in one
/// closing finding. Codes are few (a dozen), so this bounds the findings of any file.
pub const MAX_FINDINGS_PER_CODE: u64 = 100;
