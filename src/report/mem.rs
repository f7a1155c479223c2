//! `gguflens mem --json`: schema `gguflens.mem/1` (docs/JSON.md).
//!
//! Every byte count is an integer; every figure says whether it is exact (llama.cpp's
//! allocation to the byte) or an estimate.

use super::wire_enum;
use crate::memory::explain::{ExplainedLayer, Explanation, KvReason, TotalReason};
use crate::memory::fit::{FitOutcome, FitResult};
use crate::memory::{CpuKind, DeviceEstimate, Estimate, Figure, MemoryKind, MemoryParams};
use crate::text::iec;
use serde::Serialize;

/// The compute buffer in words: one device's graph is the larger of the logits peak and the
/// widest layer; the total over every device can be more than either.
fn compute_reason(total: u64, n_vocab: u64, head: u64, layer: u64) -> String {
    let larger = head.max(layer);
    let what = format!(
        "the larger of the logits peak (n_vocab {n_vocab} × outputs × 4 B + activations = {}) and the widest layer ({})",
        iec(head),
        iec(layer)
    );
    if total == larger {
        format!(
            "the compute buffer ({}) is {what}; the rule has no term for it",
            iec(total)
        )
    } else {
        format!(
            "the compute buffers total {}: {} on the device with the output layer, {what}, plus {} on the other devices; the rule has no term for it",
            iec(total),
            iec(larger),
            iec(total.saturating_sub(larger))
        )
    }
}

/// Schema identifier of this report.
pub const SCHEMA: &str = "gguflens.mem/1";

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct MemReport {
    /// `gguflens.mem/1`.
    pub schema: &'static str,
    /// The file as given.
    pub file: String,
    /// What the prediction read from the model.
    pub model: ModelJson,
    /// The settings (llama.cpp flag names).
    pub settings: SettingsJson,
    /// One prediction per context (one with `-c`, a sweep without).
    pub predictions: Vec<PredictionJson>,
    /// The `--fit` answer, if asked.
    pub fit: Option<FitJson>,
    /// The formulas with this file's numbers, if `--explain`.
    pub explain: Option<ExplainJson>,
    /// What is approximate for this model.
    pub notes: Vec<String>,
    /// Findings of the file (a cut file, say): why the command exits 2 (docs/JSON.md).
    pub findings: Vec<super::FindingJson>,
}

wire_enum! {
    /// What a model keeps per token or per sequence.
    pub enum MemoryKindJson {
        /// No cache (encoder-only and diffusion models).
        None = "none",
        /// An attention KV cache.
        Kv = "kv",
        /// Only a recurrent state.
        Recurrent = "recurrent",
        /// A KV cache on some layers and a recurrent state on others.
        Hybrid = "hybrid",
    }
}

impl From<MemoryKind> for MemoryKindJson {
    fn from(k: MemoryKind) -> MemoryKindJson {
        match k {
            MemoryKind::None => MemoryKindJson::None,
            MemoryKind::Kv => MemoryKindJson::Kv,
            MemoryKind::Recurrent => MemoryKindJson::Recurrent,
            MemoryKind::Hybrid => MemoryKindJson::Hybrid,
        }
    }
}

wire_enum! {
    /// The kind of sliding-window attention.
    pub enum SwaKindJson {
        /// No sliding-window layers.
        None = "none",
        /// A window sliding with each token.
        Standard = "standard",
        /// Fixed chunks (llama4).
        Chunked = "chunked",
    }
}

wire_enum! {
    /// The CPU a prediction's repack copy is for (`--cpu`).
    pub enum CpuKindJson {
        /// No repack kernels.
        Generic = "generic",
        /// x86-64 with AVX2.
        X86Avx2 = "x86-avx2",
        /// x86-64 with AVX-512F.
        X86Avx512 = "x86-avx512",
        /// ARM64 with NEON dot products.
        ArmDotprod = "arm-dotprod",
        /// ARM64 with NEON int8 matrix multiply.
        ArmI8mm = "arm-i8mm",
    }
}

impl From<CpuKind> for CpuKindJson {
    fn from(k: CpuKind) -> CpuKindJson {
        match k {
            CpuKind::Generic => CpuKindJson::Generic,
            CpuKind::X86Avx2 => CpuKindJson::X86Avx2,
            CpuKind::X86Avx512 => CpuKindJson::X86Avx512,
            CpuKind::ArmDotprod => CpuKindJson::ArmDotprod,
            CpuKind::ArmI8mm => CpuKindJson::ArmI8mm,
        }
    }
}

wire_enum! {
    /// The `--fit` answer's outcome.
    pub enum FitOutcomeJson {
        /// Fits at the context asked for with every unit offloaded.
        Fits = "fits",
        /// Fits with a smaller context.
        ReducedContext = "reduced-context",
        /// Fits with some units in RAM.
        PartialOffload = "partial-offload",
        /// Only a CPU run fits.
        CpuOnly = "cpu-only",
        /// Nothing fits.
        DoesNotFit = "does-not-fit",
    }
}

impl From<FitOutcome> for FitOutcomeJson {
    fn from(o: FitOutcome) -> FitOutcomeJson {
        match o {
            FitOutcome::Fits => FitOutcomeJson::Fits,
            FitOutcome::ReducedContext => FitOutcomeJson::ReducedContext,
            FitOutcome::PartialOffload => FitOutcomeJson::PartialOffload,
            FitOutcome::CpuOnly => FitOutcomeJson::CpuOnly,
            FitOutcome::DoesNotFit => FitOutcomeJson::DoesNotFit,
        }
    }
}

/// Model facts the prediction used.
#[derive(Debug, Clone, Serialize)]
pub struct ModelJson {
    /// `general.architecture`.
    pub architecture: String,
    /// `none`, `kv`, `recurrent` or `hybrid`.
    pub memory: MemoryKindJson,
    /// Blocks (`block_count`).
    pub n_layer: usize,
    /// Training context.
    pub n_ctx_train: u32,
    /// Hidden size (`embedding_length`).
    pub n_embd: u64,
    /// Tokens in the vocabulary.
    pub n_vocab: u64,
    /// KV heads per layer, as in the file (never collapsed).
    pub n_head_kv: Vec<u64>,
    /// Layers with an attention KV cache.
    pub kv_layers: usize,
    /// Of those, sliding-window layers.
    pub swa_layers: usize,
    /// Window (or chunk) size; 0 without SWA.
    pub swa_window: u64,
    /// `standard`, `chunked` or `none`.
    pub swa_kind: SwaKindJson,
    /// Multi-head latent attention (K-only cache).
    pub mla: bool,
    /// Layers with a recurrent state.
    pub recurrent_layers: usize,
    /// Bytes of all tensors in the file(s).
    pub tensor_bytes: u64,
    /// Size of the file(s).
    pub file_bytes: u64,
}

/// The settings of the prediction.
#[derive(Debug, Clone, Serialize)]
pub struct SettingsJson {
    /// `-c` as given (0 = training context; absent in a sweep).
    pub ctx_size: Option<u32>,
    /// `-b`.
    pub batch_size: u32,
    /// `-ub`.
    pub ubatch_size: u32,
    /// `-np`.
    pub parallel: u32,
    /// `--kv-unified`.
    pub kv_unified: bool,
    /// `-ctk`.
    pub cache_type_k: &'static str,
    /// `-ctv`.
    pub cache_type_v: &'static str,
    /// `-fa` as given.
    pub flash_attn: &'static str,
    /// `--swa-full`.
    pub swa_full: bool,
    /// `-ngl` as given (negative = all).
    pub n_gpu_layers: i32,
    /// `-nkvo`.
    pub no_kv_offload: bool,
    /// `--mmap`.
    pub mmap: bool,
    /// `-ts`.
    pub tensor_split: Vec<f64>,
    /// GPUs in the prediction.
    pub gpus: usize,
    /// `--gpu-overhead` bytes per GPU in use.
    pub gpu_overhead: u64,
    /// `--cpu`: the target CPU kind (`generic`, `x86-avx2`, `x86-avx512`, `arm-dotprod`,
    /// `arm-i8mm`).
    pub cpu: CpuKindJson,
    /// `--no-host`.
    pub no_host: bool,
    /// The CPU kind whose repack copy the prediction includes (`generic` when none applies:
    /// layers offloaded without `--no-host`).
    pub cpu_repack: CpuKindJson,
    /// The figures that depend on the target CPU in this prediction (empty when no weight is
    /// repacked).
    pub cpu_dependent: Vec<&'static str>,
}

/// A byte count and whether it is exact.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct FigureJson {
    /// Bytes.
    pub bytes: u64,
    /// `true`: llama.cpp's allocation to the byte; `false`: an estimate.
    pub exact: bool,
}

impl From<Figure> for FigureJson {
    fn from(f: Figure) -> Self {
        FigureJson {
            bytes: f.bytes,
            exact: f.exact,
        }
    }
}

/// The KV cache on a device.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct KvJson {
    /// K + V, full and sliding-window.
    pub bytes: u64,
    /// Exact.
    pub exact: bool,
    /// K of full-attention layers.
    pub k: u64,
    /// V of full-attention layers.
    pub v: u64,
    /// K of sliding-window layers.
    pub swa_k: u64,
    /// V of sliding-window layers.
    pub swa_v: u64,
}

/// One device.
#[derive(Debug, Clone, Serialize)]
pub struct DeviceJson {
    /// `CPU`, `GPU0`, `GPU1` …
    pub device: String,
    /// Model weights.
    pub weights: FigureJson,
    /// Of the weights, mmap'd file pages (evictable).
    pub weights_mapped: u64,
    /// Of the weights, MoE expert tensors.
    pub weights_experts: u64,
    /// Of the weights, the CPU's `CPU_REPACK` buffer (depends on `settings.cpu_repack`).
    pub weights_repack: u64,
    /// Blocks placed here.
    pub layers: u32,
    /// Whether the output layer is here.
    pub output_layer: bool,
    /// KV cache.
    pub kv: KvJson,
    /// Recurrent state.
    pub recurrent: FigureJson,
    /// Output buffer (host).
    pub output: FigureJson,
    /// Compute buffer.
    pub compute: FigureJson,
    /// Runtime overhead outside llama.cpp's buffers.
    pub overhead: FigureJson,
    /// Everything.
    pub total: FigureJson,
}

impl DeviceJson {
    fn new(d: &DeviceEstimate) -> DeviceJson {
        DeviceJson {
            device: d.device.to_string(),
            weights: d.weights.into(),
            weights_mapped: d.weights_mapped,
            weights_experts: d.weights_experts,
            weights_repack: d.weights_repack,
            layers: d.layers,
            output_layer: d.output_layer,
            kv: KvJson {
                bytes: d.kv.total(),
                exact: d.kv_exact,
                k: d.kv.k,
                v: d.kv.v,
                swa_k: d.kv.swa_k,
                swa_v: d.kv.swa_v,
            },
            recurrent: d.recurrent.into(),
            output: d.output.into(),
            compute: d.compute.into(),
            overhead: d.overhead.into(),
            total: d.total().into(),
        }
    }
}

/// llama.cpp's context sizes.
#[derive(Debug, Clone, Serialize)]
pub struct ContextJson {
    /// Requested (0 = training context).
    pub requested: u32,
    /// Allocated context (padded to 256).
    pub n_ctx: u32,
    /// Cells per stream of the full-attention cache.
    pub kv_cells: u32,
    /// Cells per stream of the sliding-window cache (0 without).
    pub swa_cells: u32,
    /// KV streams.
    pub streams: u32,
    /// Batch after clamping.
    pub n_batch: u32,
    /// Micro-batch.
    pub n_ubatch: u32,
    /// Whether flash attention is on.
    pub flash_attn: bool,
}

/// One prediction.
#[derive(Debug, Clone, Serialize)]
pub struct PredictionJson {
    /// Context sizes.
    pub context: ContextJson,
    /// Offloaded units (blocks + output layer).
    pub n_gpu_layers: u32,
    /// CPU first, then GPUs.
    pub devices: Vec<DeviceJson>,
    /// Sum over GPUs.
    pub gpu_total: u64,
    /// Host total.
    pub cpu_total: u64,
    /// KV bytes per token of context (K+V over attention layers, one stream).
    pub kv_bytes_per_token: u64,
    /// KV-cache bytes over all devices (for text output; not on the wire).
    #[serde(skip)]
    pub kv_total: u64,
    /// Recurrent-state bytes over all devices (for text output; not on the wire).
    #[serde(skip)]
    pub recurrent_total: u64,
    /// Compute-buffer bytes over all devices (for text output; not on the wire).
    #[serde(skip)]
    pub compute_total: u64,
}

impl PredictionJson {
    /// Converts an estimate.
    pub fn new(e: &Estimate) -> PredictionJson {
        let c = &e.context;
        PredictionJson {
            context: ContextJson {
                requested: c.n_ctx_requested,
                n_ctx: c.n_ctx,
                kv_cells: c.kv_cells,
                swa_cells: c.swa_cells,
                streams: c.n_stream,
                n_batch: c.n_batch,
                n_ubatch: c.n_ubatch,
                flash_attn: c.flash_attn,
            },
            n_gpu_layers: e.n_gpu_layers,
            devices: e.devices.iter().map(DeviceJson::new).collect(),
            gpu_total: e.gpu_total(),
            cpu_total: e.cpu_total(),
            kv_bytes_per_token: e.kv_bytes_per_token(),
            kv_total: e.kv_total(),
            recurrent_total: e.recurrent_total(),
            compute_total: e.compute_total(),
        }
    }
}

/// The `--fit` answer.
#[derive(Debug, Clone, Serialize)]
pub struct FitJson {
    /// Free bytes per GPU given.
    pub budgets: Vec<u64>,
    /// Free bytes kept per GPU.
    pub margin: u64,
    /// `fits`, `reduced-context`, `partial-offload`, `cpu-only` or `does-not-fit`.
    pub outcome: FitOutcomeJson,
    /// Context to run with.
    pub n_ctx: u32,
    /// Units to offload (`-ngl`).
    pub n_gpu_layers: u32,
    /// Units in the model (blocks + output layer).
    pub n_units: u32,
    /// Bytes counted against each budget (llama.cpp's buffers).
    pub used: Vec<u64>,
    /// The prediction at that setting.
    pub prediction: PredictionJson,
}

impl FitJson {
    /// Converts a fit result.
    pub fn new(f: &FitResult) -> FitJson {
        FitJson {
            budgets: f.budgets.clone(),
            margin: f.margin,
            outcome: f.outcome.into(),
            n_ctx: f.n_ctx,
            n_gpu_layers: f.n_gpu_layers,
            n_units: f.n_units,
            used: f
                .estimate
                .gpus()
                .iter()
                .map(|d| d.total().bytes - d.overhead.bytes)
                .collect(),
            prediction: PredictionJson::new(&f.estimate),
        }
    }
}

/// One layer's cache, for `--explain`.
#[derive(Debug, Clone, Serialize)]
pub struct LayerJson {
    /// Block.
    pub layer: usize,
    /// Sliding-window layer.
    pub swa: bool,
    /// KV heads.
    pub n_head_kv: u64,
    /// K row width (elements).
    pub k_width: u64,
    /// V row width as allocated.
    pub v_width: u64,
    /// Cells per stream.
    pub cells: u32,
    /// K bytes.
    pub k_bytes: u64,
    /// V bytes.
    pub v_bytes: u64,
    /// Recurrent-state bytes.
    pub recurrent_bytes: u64,
    /// Device.
    pub device: String,
}

/// The formulas with this file's numbers, next to the popular rules of thumb.
#[derive(Debug, Clone, Serialize)]
pub struct ExplainJson {
    /// Index into `predictions` this explains.
    pub prediction: usize,
    /// Context it explains.
    pub n_ctx: u32,
    /// Per-layer caches.
    pub layers: Vec<LayerJson>,
    /// Bytes per K element of the cache type.
    pub k_element_bytes: f64,
    /// "2 × layers × ctx × hidden_size × bytes".
    pub rule_kv_bytes: u64,
    /// The predicted KV cache.
    pub kv_bytes: u64,
    /// Why they differ, one sentence per cause.
    pub kv_reasons: Vec<String>,
    /// "file size × 1.2".
    pub rule_total_bytes: u64,
    /// Predicted total over all devices, overhead excluded.
    pub total_bytes: u64,
    /// Compute-buffer terms: the head (logits) peak.
    pub compute_head_bytes: u64,
    /// Compute-buffer terms: the widest layer's peak.
    pub compute_layer_bytes: u64,
    /// Why the totals differ.
    pub total_reasons: Vec<String>,
}

impl ExplainJson {
    /// Builds the explanation of one prediction.
    pub fn new(e: &Estimate, index: usize, file_bytes: u64) -> ExplainJson {
        let x = Explanation::new(e, file_bytes);
        ExplainJson {
            prediction: index,
            n_ctx: x.n_ctx,
            layers: x.layers.iter().map(LayerJson::new).collect(),
            k_element_bytes: x.k_element_bytes,
            rule_kv_bytes: x.rule_kv_bytes,
            kv_bytes: x.kv_bytes,
            kv_reasons: x.kv_reasons.iter().map(kv_reason).collect(),
            rule_total_bytes: x.rule_total_bytes,
            total_bytes: x.total_bytes,
            compute_head_bytes: x.compute_head_bytes,
            compute_layer_bytes: x.compute_layer_bytes,
            total_reasons: x.total_reasons.iter().map(total_reason).collect(),
        }
    }
}

impl LayerJson {
    fn new(l: &ExplainedLayer) -> LayerJson {
        let c = l.cache;
        LayerJson {
            layer: c.il,
            swa: c.swa,
            n_head_kv: l.n_head_kv,
            k_width: c.k_width,
            v_width: c.v_width,
            cells: l.cells,
            k_bytes: c.k_bytes,
            v_bytes: c.v_bytes,
            recurrent_bytes: c.recurrent_bytes,
            device: c.device.to_string(),
        }
    }
}

/// The sentence for a KV-cache reason (the JSON carries it, and the text output prints it).
fn kv_reason(r: &KvReason) -> String {
    match r {
        KvReason::NoCache { arch } => {
            format!("{arch} keeps no KV cache at all (encoder-only or diffusion model)")
        }
        KvReason::Recurrent => {
            "recurrent layers keep a fixed-size state instead of a cache that grows with the context"
                .into()
        }
        KvReason::Hybrid {
            kv_layers,
            n_layer,
            recurrent_layers,
            recurrent_bytes,
        } => format!(
            "only {kv_layers} of {n_layer} layers use attention; {recurrent_layers} keep a fixed-size recurrent state ({})",
            iec(*recurrent_bytes)
        ),
        KvReason::FewerKvLayers { kv_layers, n_layer } => format!(
            "only {kv_layers} of {n_layer} layers allocate K/V (the others share another layer's cache or are NextN layers)"
        ),
        KvReason::Mla {
            k_width,
            key_length_mla,
        } => format!(
            "multi-head latent attention: one compressed K row of {k_width} values per token per layer (kv_lora_rank + rope dims; key_length_mla {key_length_mla}) and no V"
        ),
        KvReason::Gqa {
            layer,
            n_head_kv,
            key_length,
            k_width,
            varies,
            n_embd,
        } => format!(
            "grouped-query attention: K rows are n_head_kv × key_length = {n_head_kv} × {key_length} = {k_width} values{}, not hidden_size {n_embd}",
            if *varies {
                format!(" (layer {layer}; head_count_kv varies per layer)")
            } else {
                String::new()
            },
        ),
        KvReason::PaddedV { widest } => format!(
            "without flash attention V is stored transposed and every layer's V row is padded to the widest ({widest})"
        ),
        KvReason::SlidingWindow {
            swa_layers,
            kv_layers,
            swa_cells,
            window,
            n_ubatch,
            kv_cells,
        } => format!(
            "sliding window: {swa_layers} of {kv_layers} layers keep only {swa_cells} cells (window {window} + ubatch {n_ubatch}, padded to 256) instead of {kv_cells}"
        ),
        KvReason::CacheTypes { k, v } => format!(
            "cache types K {k} and V {v} (the rule assumes one element size for both)"
        ),
    }
}

/// The sentence for a total-memory reason.
fn total_reason(r: &TotalReason) -> String {
    match r {
        TotalReason::Compute {
            compute,
            n_vocab,
            head,
            layer,
        } => compute_reason(*compute, *n_vocab, *head, *layer),
        TotalReason::KvNotAShareOfTheFile { kv, fifth_of_file } => format!(
            "the KV cache is {} at this context, not a fixed 20 % of the file ({})",
            iec(*kv),
            iec(*fifth_of_file)
        ),
        TotalReason::TiedEmbeddings { copied } => format!(
            "tied embeddings are copied to the GPU with the output layer (+{})",
            iec(*copied)
        ),
    }
}

/// The JSON figures the target CPU changes when weights are repacked.
const CPU_DEPENDENT: &[&str] = &[
    "devices[CPU].weights",
    "devices[CPU].weights_repack",
    "devices[CPU].total",
    "cpu_total",
];

impl MemReport {
    /// Builds the report. `ctx_size` is `-c` as given (`None` for a sweep).
    pub fn build(
        file: &str,
        file_bytes: u64,
        ctx_size: Option<u32>,
        estimates: &[Estimate],
        fit: Option<&FitResult>,
        explain: bool,
    ) -> MemReport {
        let first = estimates
            .first()
            .or(fit.map(|f| &f.estimate))
            .expect("at least one prediction");
        let ap = &first.arch;
        let p: &MemoryParams = &first.params;
        let explain = explain.then(|| {
            let (i, e) = if estimates.is_empty() {
                (0, &fit.expect("a fit").estimate)
            } else {
                (estimates.len() - 1, &estimates[estimates.len() - 1])
            };
            ExplainJson::new(e, i, file_bytes)
        });
        let mut notes = first.notes.clone();
        let repacked = estimates
            .iter()
            .chain(fit.map(|f| &f.estimate))
            .any(|e| e.cpu().weights_repack > 0);
        if repacked {
            notes.push(format!(
                "CPU weights include llama.cpp's CPU_REPACK copy for the {} CPU kind (--cpu): the CPU weights, total and committed memory depend on the target CPU",
                CpuKindJson::from(p.repack_cpu())
            ));
        }
        notes.push(
            "GPU figures follow the CUDA backend's allocation rules; the runtime overhead is a default (--gpu-overhead)"
                .into(),
        );
        MemReport {
            schema: SCHEMA,
            file: file.to_string(),
            model: ModelJson {
                architecture: ap.arch.clone(),
                memory: ap.memory.into(),
                n_layer: ap.n_layer,
                n_ctx_train: ap.n_ctx_train,
                n_embd: ap.n_embd,
                n_vocab: ap.n_vocab,
                n_head_kv: ap.layers.iter().map(|l| l.n_head_kv).collect(),
                kv_layers: ap.kv_layer_count(),
                swa_layers: if ap.has_swa() {
                    ap.swa_kv_layer_count()
                } else {
                    0
                },
                swa_window: ap.n_swa,
                swa_kind: match ap.swa_kind {
                    crate::memory::SwaKind::None => SwaKindJson::None,
                    crate::memory::SwaKind::Standard => SwaKindJson::Standard,
                    crate::memory::SwaKind::Chunked => SwaKindJson::Chunked,
                },
                mla: ap.mla.is_some(),
                recurrent_layers: ap.recurrent_layer_count(),
                tensor_bytes: first.file_tensor_bytes,
                file_bytes,
            },
            settings: SettingsJson {
                ctx_size,
                batch_size: p.n_batch,
                ubatch_size: p.n_ubatch,
                parallel: p.n_seq,
                kv_unified: p.kv_unified,
                cache_type_k: p.type_k.name(),
                cache_type_v: p.type_v.name(),
                flash_attn: p.flash_attn.name(),
                swa_full: p.swa_full,
                n_gpu_layers: p.n_gpu_layers,
                no_kv_offload: p.no_kv_offload,
                mmap: p.mmap,
                tensor_split: p.tensor_split.clone(),
                gpus: first.gpus().len(),
                gpu_overhead: p.gpu_overhead,
                cpu: p.cpu.into(),
                no_host: p.no_host,
                cpu_repack: p.repack_cpu().into(),
                cpu_dependent: if repacked {
                    CPU_DEPENDENT.to_vec()
                } else {
                    Vec::new()
                },
            },
            predictions: estimates.iter().map(PredictionJson::new).collect(),
            fit: fit.map(FitJson::new),
            explain,
            notes,
            findings: Vec::new(),
        }
    }
}
