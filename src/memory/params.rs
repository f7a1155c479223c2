//! The inputs of a prediction, named and defaulted as llama.cpp's command-line tools name them.

use super::repack::CpuKind;
use crate::ggml_type::GgmlType;
use std::fmt;

/// One MiB.
pub const MIB: u64 = 1024 * 1024;
/// One GiB.
pub const GIB: u64 = 1024 * MIB;

/// Runtime memory a GPU needs outside llama.cpp's ggml buffers (CUDA primary context, cuBLAS
/// handle and workspace): 512 MiB per GPU in use. Measured contexts range from about 100 MiB
/// (small consumer cards) to 550 MiB (large data-centre cards); Ollama reserves 457 MiB.
pub const DEFAULT_GPU_OVERHEAD: u64 = 512 * MIB;

/// The free-memory margin llama.cpp's `--fit` keeps on every device (`-fitt`, 1024 MiB).
pub const DEFAULT_FIT_TARGET: u64 = 1024 * MIB;

/// The smallest context llama.cpp's `--fit` shrinks to (`-fitc`, 4096).
pub const DEFAULT_FIT_MIN_CTX: u32 = 4096;

/// A KV cache element type (`-ctk` / `-ctv`): the nine llama.cpp accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CacheType {
    /// 32-bit float.
    F32,
    /// 16-bit float (the default).
    F16,
    /// bfloat16.
    Bf16,
    /// 8-bit blocks of 32 (34 bytes).
    Q8_0,
    /// 4-bit blocks of 32 (18 bytes).
    Q4_0,
    /// 4-bit blocks of 32 with a minimum (20 bytes).
    Q4_1,
    /// Non-linear 4-bit blocks of 32 (18 bytes).
    Iq4Nl,
    /// 5-bit blocks of 32 (22 bytes).
    Q5_0,
    /// 5-bit blocks of 32 with a minimum (24 bytes).
    Q5_1,
}

impl CacheType {
    /// Every accepted type, in llama.cpp's order.
    pub const ALL: [CacheType; 9] = [
        CacheType::F32,
        CacheType::F16,
        CacheType::Bf16,
        CacheType::Q8_0,
        CacheType::Q4_0,
        CacheType::Q4_1,
        CacheType::Iq4Nl,
        CacheType::Q5_0,
        CacheType::Q5_1,
    ];

    /// The spelling llama.cpp's flags use (`f16`, `q8_0`, `iq4_nl`).
    pub fn name(self) -> &'static str {
        match self {
            CacheType::F32 => "f32",
            CacheType::F16 => "f16",
            CacheType::Bf16 => "bf16",
            CacheType::Q8_0 => "q8_0",
            CacheType::Q4_0 => "q4_0",
            CacheType::Q4_1 => "q4_1",
            CacheType::Iq4Nl => "iq4_nl",
            CacheType::Q5_0 => "q5_0",
            CacheType::Q5_1 => "q5_1",
        }
    }

    /// Parses a flag value, case-insensitively.
    pub fn from_name(s: &str) -> Option<CacheType> {
        CacheType::ALL
            .into_iter()
            .find(|t| t.name().eq_ignore_ascii_case(s))
    }

    /// The ggml type.
    pub fn ggml_type(self) -> GgmlType {
        GgmlType::from_name(self.name()).expect("cache types are in the ggml table")
    }

    /// Whether it is a block-quantized type (a quantized V cache needs flash attention).
    pub fn is_quantized(self) -> bool {
        !matches!(self, CacheType::F32 | CacheType::F16 | CacheType::Bf16)
    }
}

impl fmt::Display for CacheType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// `-fa/--flash-attn`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FlashAttn {
    /// Enabled.
    On,
    /// Disabled.
    Off,
    /// llama.cpp probes whether the backend runs flash attention for every layer; the CPU and
    /// CUDA backends do, so `auto` resolves to on (the default).
    #[default]
    Auto,
}

impl FlashAttn {
    /// `on`, `off` or `auto`.
    pub fn name(self) -> &'static str {
        match self {
            FlashAttn::On => "on",
            FlashAttn::Off => "off",
            FlashAttn::Auto => "auto",
        }
    }

    /// Whether flash attention ends up enabled.
    pub fn resolved(self) -> bool {
        !matches!(self, FlashAttn::Off)
    }
}

/// The settings of a prediction. Field names follow llama.cpp's `common_params` /
/// `llama_context_params`, and the defaults are those of `llama-cli` and `llama-server`.
#[derive(Debug, Clone, PartialEq)]
pub struct MemoryParams {
    /// `-c/--ctx-size`: total context in tokens; 0 = the model's training context.
    pub n_ctx: u32,
    /// `-b/--batch-size`: logical batch (2048).
    pub n_batch: u32,
    /// `-ub/--ubatch-size`: physical batch, the graph's token count (512).
    pub n_ubatch: u32,
    /// `-np/--parallel`: sequences (1).
    pub n_seq: u32,
    /// `--kv-unified`: one KV stream shared by all sequences (off).
    pub kv_unified: bool,
    /// `-ctk/--cache-type-k` (f16).
    pub type_k: CacheType,
    /// `-ctv/--cache-type-v` (f16); a quantized type needs flash attention.
    pub type_v: CacheType,
    /// `-fa/--flash-attn` (auto).
    pub flash_attn: FlashAttn,
    /// `--swa-full`: full-size sliding-window caches (off in llama-cli and llama-server; the C
    /// API's `llama_context_default_params` turns it on).
    pub swa_full: bool,
    /// Maximum outputs per micro-batch; 0 = `n_batch` (llama.cpp's default).
    pub n_outputs_max: u32,
    /// `-ngl/--n-gpu-layers`: offloaded units, the output layer first; negative = all
    /// (`block_count + 1`), llama.cpp's default.
    pub n_gpu_layers: i32,
    /// `-nkvo/--no-kv-offload`: keep the KV cache and recurrent state in RAM.
    pub no_kv_offload: bool,
    /// `--mmap/--no-mmap`: CPU weights are file-backed pages (on) or an allocation (off).
    pub mmap: bool,
    /// `-ts/--tensor-split`: proportions of the offloaded layers per GPU. Empty = one GPU
    /// (or `n_gpus` equal shares).
    pub tensor_split: Vec<f64>,
    /// Number of GPUs when `tensor_split` is empty (1). 0 = a CPU-only build.
    pub n_gpus: usize,
    /// `--gpu-overhead`: runtime memory per GPU in use outside llama.cpp's buffers.
    pub gpu_overhead: u64,
    /// The CPU whose repack kernels decide the `CPU_REPACK` copy of CPU weights in a CPU-only
    /// run ([`CpuKind`]). Defaults to [`CpuKind::Generic`] (no copy), so that a prediction does
    /// not depend on the machine computing it; the command line defaults to the host.
    pub cpu: CpuKind,
    /// `--no-host`: no GPU host buffer for CPU weights, which lets the CPU repack them.
    pub no_host: bool,
}

impl Default for MemoryParams {
    fn default() -> Self {
        MemoryParams {
            n_ctx: 0,
            n_batch: 2048,
            n_ubatch: 512,
            n_seq: 1,
            kv_unified: false,
            type_k: CacheType::F16,
            type_v: CacheType::F16,
            flash_attn: FlashAttn::Auto,
            swa_full: false,
            n_outputs_max: 0,
            n_gpu_layers: -1,
            no_kv_offload: false,
            mmap: true,
            tensor_split: Vec::new(),
            n_gpus: 1,
            gpu_overhead: DEFAULT_GPU_OVERHEAD,
            cpu: CpuKind::Generic,
            no_host: false,
        }
    }
}

impl MemoryParams {
    /// Everything on the CPU (`-ngl 0`), the way llama.cpp runs without a GPU.
    pub fn cpu_only() -> MemoryParams {
        MemoryParams {
            n_gpu_layers: 0,
            ..MemoryParams::default()
        }
    }

    /// The CPU kind whose repack copy applies. A GPU backend's host buffer type precedes the
    /// CPU's extra buffer types in llama.cpp's CPU buffer list, so CPU weights of a partly
    /// offloaded run get no copy unless `--no-host`; a run with nothing offloaded is taken to be
    /// a CPU-only one.
    pub fn repack_cpu(&self) -> CpuKind {
        if self.gpu_count() == 0 || self.n_gpu_layers == 0 || self.no_host {
            self.cpu
        } else {
            CpuKind::Generic
        }
    }

    /// The number of GPUs the prediction places layers on.
    pub fn gpu_count(&self) -> usize {
        if self.tensor_split.is_empty() {
            self.n_gpus
        } else {
            self.tensor_split.len()
        }
    }
}
