//! Memory prediction: what llama.cpp will allocate for a model, per device, before it loads.
//!
//! Everything is computed from the header (metadata and tensor directory) with llama.cpp's own
//! rules: context sizing (`llama_context`), the KV cache (`llama_kv_cache`, with the
//! sliding-window cache of `llama_kv_cache_iswa`, MLA's K-only cache and shared-KV layers), the
//! recurrent state (`llama_memory_recurrent`), the output buffer (`output_reserve`) and weight
//! placement with `-ngl` (`load_tensors`). These are exact. The compute buffer is ggml-gallocr's
//! peak over the reserved graphs, which has no closed form: for attention models the graph is
//! rebuilt and the allocator replayed over it; recurrent and hybrid models use a bounding
//! formula. Both are estimates, checked against llama.cpp's own allocations (docs/ACCURACY.md). The GPU runtime overhead (CUDA context,
//! cuBLAS) is a documented default.
//!
//! ```no_run
//! use gguflens::memory::{self, MemoryParams};
//! let files = gguflens::ModelFiles::open("model.gguf")?;
//! let model = files.parse()?;
//! let e = memory::estimate(&model, &MemoryParams { n_ctx: 8192, ..Default::default() })?;
//! println!("{} bytes of VRAM, {} bytes of KV per token", e.gpu_total(), e.kv_bytes_per_token());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod arch;
pub mod explain;
pub mod fit;
pub mod params;

mod compute;
mod galloc;
mod graph;
mod repack;
mod weights;

pub use arch::{ArchParams, LayerParams, MemoryKind, SwaKind};
pub use fit::{fit, sweep, sweep_contexts, FitResult};
pub use params::{CacheType, FlashAttn, MemoryParams, DEFAULT_GPU_OVERHEAD, GIB, MIB};
pub use repack::CpuKind;

use crate::file::Model;
use arch::Quirk;
use std::fmt;

/// Why a prediction cannot be made (llama.cpp would refuse the same settings or file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MemoryError {
    /// A metadata key llama.cpp requires is missing.
    MissingKey(String),
    /// A metadata value has the wrong type or range.
    BadValue {
        /// The key.
        key: String,
        /// What was expected.
        expected: &'static str,
    },
    /// A per-layer array does not have one value per block.
    LayerCount {
        /// The key.
        key: String,
        /// Its length.
        len: u64,
        /// `block_count`.
        n_layer: u64,
    },
    /// A quantized V cache without flash attention (llama.cpp refuses it).
    QuantizedVNeedsFlashAttn(CacheType),
    /// A row width that the cache type's block size does not divide.
    BlockSize {
        /// `K` or `V`.
        which: &'static str,
        /// The cache type.
        cache_type: CacheType,
        /// The row width (elements).
        width: u64,
    },
    /// With flash attention, a quantized cache type's block must divide every head size.
    HeadSize {
        /// `K` or `V`.
        which: &'static str,
        /// The cache type.
        cache_type: CacheType,
        /// The head size (elements).
        head: u64,
    },
    /// MLA models need the same K and V cache types (llama.cpp refuses different ones).
    MlaCacheTypes(CacheType, CacheType),
    /// The metadata disagrees with a tensor's shape (llama.cpp refuses to load such a file).
    ShapeMismatch {
        /// The tensor.
        tensor: String,
        /// The dimension the metadata implies.
        expected: u64,
        /// The dimension in the tensor directory.
        found: u64,
    },
    /// A setting out of range.
    BadParam(String),
    /// Neither `-c` nor the model's `context_length` gives a context.
    ZeroContext,
    /// The file holds a tokenizer but no tensors (a vocabulary-only file such as llama.cpp's
    /// tokenizer test data): llama.cpp cannot load it as a model.
    NoTensors,
}

impl fmt::Display for MemoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MemoryError::MissingKey(k) => write!(f, "metadata key {k} is missing"),
            MemoryError::BadValue { key, expected } => {
                write!(f, "metadata key {key}: expected {expected}")
            }
            MemoryError::LayerCount { key, len, n_layer } => write!(
                f,
                "metadata key {key}: {len} values, expected one per block ({n_layer})"
            ),
            MemoryError::QuantizedVNeedsFlashAttn(t) => write!(
                f,
                "quantized V cache ({t}) requires flash attention: use -fa on or auto, or an f16/bf16/f32 V cache"
            ),
            MemoryError::BlockSize {
                which,
                cache_type,
                width,
            } => write!(
                f,
                "{which} cache type {cache_type} needs rows divisible by 32 elements; this model has {width}"
            ),
            MemoryError::HeadSize {
                which,
                cache_type,
                head,
            } => write!(
                f,
                "{which} cache type {cache_type} with block size 32 does not divide the head size {head} (llama.cpp requires it with flash attention)"
            ),
            MemoryError::MlaCacheTypes(k, v) => write!(
                f,
                "this model uses multi-head latent attention and does not support different K ({k}) and V ({v}) cache types"
            ),
            MemoryError::ShapeMismatch {
                tensor,
                expected,
                found,
            } => write!(
                f,
                "tensor {tensor} has {found} rows, but the metadata (head_count_kv × key_length) implies {expected}; llama.cpp refuses such a file"
            ),
            MemoryError::BadParam(m) => f.write_str(m),
            MemoryError::ZeroContext => {
                f.write_str("the context is 0 (neither -c nor the model's context_length)")
            }
            MemoryError::NoTensors => f.write_str(
                "no tensors: a vocabulary-only file (tokenizer data, no weights), which llama.cpp cannot load as a model",
            ),
        }
    }
}

impl std::error::Error for MemoryError {}

/// A byte count and whether it is exact (llama.cpp's allocation to the byte) or an estimate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Figure {
    /// Bytes.
    pub bytes: u64,
    /// Exact (deterministic allocation rule) or estimated.
    pub exact: bool,
}

impl Figure {
    /// An exact figure.
    pub fn exact(bytes: u64) -> Figure {
        Figure { bytes, exact: true }
    }
    /// An estimate.
    pub fn estimate(bytes: u64) -> Figure {
        Figure {
            bytes,
            exact: false,
        }
    }
    /// The sum; exact only if both are.
    pub fn plus(self, o: Figure) -> Figure {
        Figure {
            bytes: self.bytes.saturating_add(o.bytes),
            exact: self.exact && o.exact,
        }
    }
}

/// A device: the host (RAM) or a GPU.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Device {
    /// Host memory.
    Cpu,
    /// GPU number `n`.
    Gpu(usize),
}

impl fmt::Display for Device {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Device::Cpu => f.write_str("CPU"),
            Device::Gpu(i) => write!(f, "GPU{i}"),
        }
    }
}

/// KV cache bytes on one device, split into K and V and into the full-context cache and the
/// sliding-window cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct KvBytes {
    /// K of full-attention layers.
    pub k: u64,
    /// V of full-attention layers (0 for MLA).
    pub v: u64,
    /// K of sliding-window layers.
    pub swa_k: u64,
    /// V of sliding-window layers.
    pub swa_v: u64,
}

impl KvBytes {
    /// Everything.
    pub fn total(&self) -> u64 {
        self.k
            .saturating_add(self.v)
            .saturating_add(self.swa_k)
            .saturating_add(self.swa_v)
    }
}

/// What one device holds.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceEstimate {
    /// The device.
    pub device: Device,
    /// Model weights resident on the device (each tensor padded to the buffer alignment;
    /// duplicated tied embeddings counted where they land).
    pub weights: Figure,
    /// Part of `weights` that is mmap'd file pages (CPU with `--mmap`): evictable, not committed.
    pub weights_mapped: u64,
    /// Part of `weights` that are MoE expert tensors (`ffn_*_exps`).
    pub weights_experts: u64,
    /// Part of `weights` in the CPU's `CPU_REPACK` buffer (depends on `MemoryParams::cpu`):
    /// with mmap a copy on top of the mapped pages, without it the same tensors moved out of
    /// the plain CPU buffer.
    pub weights_repack: u64,
    /// Blocks (repeating layers) placed here.
    pub layers: u32,
    /// Whether the output layer is here.
    pub output_layer: bool,
    /// KV cache (exact).
    pub kv: KvBytes,
    /// Whether `kv` is exact (false for special memory classes approximated by the standard cache).
    pub kv_exact: bool,
    /// Recurrent state (conv/shift + scan/WKV), f32 (exact).
    pub recurrent: Figure,
    /// Output buffer (logits, embeddings) in host memory (exact).
    pub output: Figure,
    /// Compute buffer (estimate).
    pub compute: Figure,
    /// Runtime overhead outside llama.cpp's buffers (GPU: CUDA context, cuBLAS; estimate).
    pub overhead: Figure,
}

impl DeviceEstimate {
    fn empty(device: Device) -> DeviceEstimate {
        DeviceEstimate {
            device,
            weights: Figure::exact(0),
            weights_mapped: 0,
            weights_experts: 0,
            weights_repack: 0,
            layers: 0,
            output_layer: false,
            kv: KvBytes::default(),
            kv_exact: true,
            recurrent: Figure::exact(0),
            output: Figure::exact(0),
            compute: Figure::estimate(0),
            overhead: Figure::estimate(0),
        }
    }

    /// The KV cache as a figure.
    pub fn kv_figure(&self) -> Figure {
        Figure {
            bytes: self.kv.total(),
            exact: self.kv_exact,
        }
    }

    /// Everything on the device.
    pub fn total(&self) -> Figure {
        self.weights
            .plus(self.kv_figure())
            .plus(self.recurrent)
            .plus(self.output)
            .plus(self.compute)
            .plus(self.overhead)
    }

    /// Everything except mmap'd weight pages: what must be committed memory.
    pub fn committed(&self) -> u64 {
        self.total().bytes.saturating_sub(self.weights_mapped)
    }
}

/// llama.cpp's context sizes after its rounding and clamping (`llama_context`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContextSizes {
    /// Requested context (0 = training context).
    pub n_ctx_requested: u32,
    /// The context llama.cpp allocates: padded to 256, and to a multiple of the sequences.
    pub n_ctx: u32,
    /// Cells per sequence stream.
    pub n_ctx_seq: u32,
    /// KV streams (1 when unified, else the sequence count).
    pub n_stream: u32,
    /// Sequences.
    pub n_seq: u32,
    /// Logical batch after clamping to the context.
    pub n_batch: u32,
    /// Physical batch.
    pub n_ubatch: u32,
    /// Maximum outputs per micro-batch.
    pub n_outputs_max: u32,
    /// Cells of the full-attention cache per stream.
    pub kv_cells: u32,
    /// Cells of the sliding-window cache per stream (0 without SWA layers).
    pub swa_cells: u32,
    /// Whether flash attention is enabled.
    pub flash_attn: bool,
}

/// Per-layer cache facts, for `--explain` and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LayerCache {
    /// Block index.
    pub il: usize,
    /// Sliding-window layer.
    pub swa: bool,
    /// K row width (elements).
    pub k_width: u64,
    /// V row width (elements) as allocated (padded to the widest layer without flash attention).
    pub v_width: u64,
    /// K bytes.
    pub k_bytes: u64,
    /// V bytes.
    pub v_bytes: u64,
    /// Recurrent state bytes.
    pub recurrent_bytes: u64,
    /// The device.
    pub device: Device,
}

/// A whole prediction.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    /// The settings it was made with.
    pub params: MemoryParams,
    /// The model's hyperparameters as read.
    pub arch: ArchParams,
    /// Context sizes.
    pub context: ContextSizes,
    /// Offloaded units (blocks + the output layer), after resolving negative `-ngl`.
    pub n_gpu_layers: u32,
    /// CPU first, then each GPU.
    pub devices: Vec<DeviceEstimate>,
    /// Per-layer cache rows (layers with a cache or state only).
    pub layers: Vec<LayerCache>,
    /// The compute-buffer terms before the device split: (head, layer) peaks.
    pub compute_terms: (u64, u64),
    /// Bytes of all tensors in the file(s).
    pub file_tensor_bytes: u64,
    /// Sentences about what is approximate in this prediction.
    pub notes: Vec<String>,
}

impl Estimate {
    /// The host's figures.
    pub fn cpu(&self) -> &DeviceEstimate {
        &self.devices[0]
    }

    /// The GPUs' figures.
    pub fn gpus(&self) -> &[DeviceEstimate] {
        &self.devices[1..]
    }

    /// Total bytes over all GPUs (weights, KV, state, compute, overhead).
    pub fn gpu_total(&self) -> u64 {
        self.gpus()
            .iter()
            .map(|d| d.total().bytes)
            .fold(0, u64::saturating_add)
    }

    /// Total bytes in host memory (mmap'd weights included).
    pub fn cpu_total(&self) -> u64 {
        self.cpu().total().bytes
    }

    /// KV cache bytes over all devices.
    pub fn kv_total(&self) -> u64 {
        self.devices
            .iter()
            .map(|d| d.kv.total())
            .fold(0, u64::saturating_add)
    }

    /// Recurrent-state bytes over all devices.
    pub fn recurrent_total(&self) -> u64 {
        self.devices
            .iter()
            .map(|d| d.recurrent.bytes)
            .fold(0, u64::saturating_add)
    }

    /// Compute-buffer bytes over all devices.
    pub fn compute_total(&self) -> u64 {
        self.devices
            .iter()
            .map(|d| d.compute.bytes)
            .fold(0, u64::saturating_add)
    }

    /// Weight bytes over all devices (duplicated tied embeddings counted twice).
    pub fn weights_total(&self) -> u64 {
        self.devices
            .iter()
            .map(|d| d.weights.bytes)
            .fold(0, u64::saturating_add)
    }

    /// KV bytes per token of context for this model and cache types, with the sliding window
    /// not capping anything (every attention layer's K and V, per sequence stream).
    pub fn kv_bytes_per_token(&self) -> u64 {
        self.layers
            .iter()
            .filter_map(|l| {
                let t = self.params.type_k.ggml_type().row_size(l.k_width)?;
                let v = if self.arch.mla.is_some() {
                    0
                } else {
                    self.params.type_v.ggml_type().row_size(l.v_width)?
                };
                Some(t.saturating_add(v))
            })
            .fold(0, u64::saturating_add)
    }
}

fn pad(x: u64, n: u64) -> u64 {
    x.div_ceil(n).saturating_mul(n)
}

/// A product in 128 bits, saturated to `u64::MAX` (hostile metadata cannot wrap a figure).
pub(crate) fn mul(xs: &[u64]) -> u64 {
    let p = xs.iter().fold(1u128, |a, &x| a.saturating_mul(x as u128));
    u64::try_from(p).unwrap_or(u64::MAX)
}

/// llama.cpp's context sizing (`llama_context::llama_context`).
pub fn context_sizes(ap: &ArchParams, p: &MemoryParams) -> Result<ContextSizes, MemoryError> {
    if p.n_seq > 256 {
        return Err(MemoryError::BadParam(format!(
            "-np {}: llama.cpp allows at most 256 sequences",
            p.n_seq
        )));
    }
    if p.n_ubatch == 0 && p.n_batch == 0 {
        return Err(MemoryError::BadParam("batch sizes must be positive".into()));
    }
    let n_seq = p.n_seq.max(1) as u64;
    let mut n_ctx = if p.n_ctx == 0 {
        ap.n_ctx_train as u64
    } else {
        p.n_ctx as u64
    };
    if n_ctx == 0 {
        return Err(MemoryError::ZeroContext);
    }
    let n_batch = if ap.causal {
        n_ctx.min(p.n_batch as u64)
    } else {
        p.n_batch as u64
    };
    let n_ubatch = n_batch.min(if p.n_ubatch == 0 {
        n_batch
    } else {
        p.n_ubatch as u64
    });
    let n_outputs_max = if p.n_outputs_max == 0 {
        n_batch
    } else {
        p.n_outputs_max as u64
    };
    n_ctx = pad(n_ctx, 256);
    let n_ctx_seq = if p.kv_unified {
        n_ctx
    } else {
        let s = pad(n_ctx / n_seq, 256);
        n_ctx = s * n_seq;
        s
    };
    let n_stream = if p.kv_unified { 1 } else { n_seq };
    let big = |x: u64| {
        u32::try_from(x).map_err(|_| MemoryError::BadParam(format!("context {x} is too large")))
    };
    let swa_cells = if ap.has_swa() && ap.memory != MemoryKind::None {
        if p.swa_full {
            n_ctx_seq
        } else {
            let mult = if p.kv_unified { n_seq } else { 1 };
            pad(
                n_ctx_seq.min(ap.n_swa.saturating_mul(mult).saturating_add(n_ubatch)),
                256,
            )
        }
    } else {
        0
    };
    let flash_attn = p.flash_attn.resolved();
    Ok(ContextSizes {
        n_ctx_requested: p.n_ctx,
        n_ctx: big(n_ctx)?,
        n_ctx_seq: big(n_ctx_seq)?,
        n_stream: n_stream as u32,
        n_seq: n_seq as u32,
        n_batch: big(n_batch)?,
        n_ubatch: big(n_ubatch)?,
        n_outputs_max: big(n_outputs_max)?,
        kv_cells: big(n_ctx_seq)?,
        swa_cells: big(swa_cells)?,
        flash_attn,
    })
}

/// Predicts llama.cpp's allocations for `model` with `params`.
pub fn estimate(model: &Model, params: &MemoryParams) -> Result<Estimate, MemoryError> {
    let ap = ArchParams::from_model(model)?;
    check_kv_shapes(model, &ap)?;
    let placement = weights::place(model, &ap, params)?;
    estimate_with(&ap, &placement, model.tensor_bytes(), params)
}

/// Checks each layer's `attn_k` against the K width the metadata implies (`head_count_kv ×
/// key_length`), as llama.cpp's loader checks every tensor's shape: a file whose metadata claims
/// more KV heads than its tensors hold would otherwise get a KV cache the file cannot justify.
pub(crate) fn check_kv_shapes(model: &Model, ap: &ArchParams) -> Result<(), MemoryError> {
    if ap.mla.is_some() {
        return Ok(());
    }
    let rows: std::collections::HashMap<&[u8], (u32, u64)> = model
        .tensors()
        .map(|(_, t)| (t.name.as_bytes(), (t.n_dims, t.dims[1])))
        .collect();
    for il in 0..ap.n_layer {
        if !ap.layers[il].kv {
            continue;
        }
        let name = format!("blk.{il}.attn_k.weight");
        if let Some(&(2, found)) = rows.get(name.as_bytes()) {
            let expected = ap.e_k(il);
            if found != expected {
                return Err(MemoryError::ShapeMismatch {
                    tensor: name,
                    expected,
                    found,
                });
            }
        }
    }
    Ok(())
}

/// The part of [`estimate`] that does not touch the tensor directory (weights are placed once;
/// sweeps and `--fit` reuse it for every context).
pub(crate) fn estimate_with(
    ap: &ArchParams,
    placement: &weights::Placement,
    file_tensor_bytes: u64,
    params: &MemoryParams,
) -> Result<Estimate, MemoryError> {
    let mut p = params.clone();
    // llama.cpp forces flash attention off for Grok.
    if ap.family().has(Quirk::NoFlashAttn) {
        p.flash_attn = FlashAttn::Off;
    }
    let p = &p;
    if ap.mla.is_some() && p.type_k != p.type_v {
        return Err(MemoryError::MlaCacheTypes(p.type_k, p.type_v));
    }
    let ctx = context_sizes(ap, p)?;
    check_cache_types(ap, p, &ctx)?;
    let mut devices = devices_with_weights(placement);
    let mut notes = Vec::new();
    if let Some(what) = ap.approximate {
        notes.push(format!(
            "{}: llama.cpp adds a {what}; the cache is the standard formula (an estimate)",
            ap.arch
        ));
        for d in &mut devices {
            d.kv_exact = false;
        }
    }
    let layers = kv_and_state(ap, p, &ctx, placement, &mut devices)?;
    devices[0].output = output_buffer(ap, &ctx);
    let terms = compute::terms(ap, &ctx, p);
    compute::split(&mut devices, placement, ap, &ctx, terms);
    notes.extend(compute_note(ap));
    overhead(&mut devices, p);
    Ok(Estimate {
        params: p.clone(),
        arch: ap.clone(),
        context: ctx,
        n_gpu_layers: placement.n_gpu_units,
        devices,
        layers,
        compute_terms: terms,
        file_tensor_bytes,
        notes,
    })
}

/// The cache types llama.cpp refuses: a quantized V cache without flash attention, and
/// (`llama_init_from_model`, flash attention not disabled) a quantized type whose block does
/// not divide each main layer's head size.
fn check_cache_types(
    ap: &ArchParams,
    p: &MemoryParams,
    ctx: &ContextSizes,
) -> Result<(), MemoryError> {
    if ap.memory == MemoryKind::None {
        return Ok(());
    }
    if p.type_v.is_quantized() && !ctx.flash_attn {
        return Err(MemoryError::QuantizedVNeedsFlashAttn(p.type_v));
    }
    if p.flash_attn == FlashAttn::Off {
        return Ok(());
    }
    for (which, t, full, swa) in [
        ("K", p.type_k, ap.head_k, ap.head_k_swa),
        ("V", p.type_v, ap.head_v, ap.head_v_swa),
    ] {
        if !t.is_quantized() {
            continue;
        }
        let blck = t.ggml_type().block_size().unwrap_or(1) as u64;
        for l in &ap.layers[..ap.n_layer_main()] {
            let head = if l.swa { swa } else { full };
            if head % blck != 0 {
                return Err(MemoryError::HeadSize {
                    which,
                    cache_type: t,
                    head,
                });
            }
        }
    }
    Ok(())
}

/// The CPU and every GPU, each with the weights the placement gives it.
fn devices_with_weights(placement: &weights::Placement) -> Vec<DeviceEstimate> {
    let mut devices: Vec<DeviceEstimate> = std::iter::once(Device::Cpu)
        .chain((0..placement.n_gpus).map(Device::Gpu))
        .map(DeviceEstimate::empty)
        .collect();
    for (d, w) in devices.iter_mut().zip(&placement.devices) {
        d.weights = Figure::exact(w.bytes);
        d.weights_mapped = w.mapped;
        d.weights_experts = w.experts;
        d.weights_repack = w.repack;
        d.layers = w.layers;
        d.output_layer = w.output_layer;
    }
    devices
}

/// A device's index in the estimate's device list (the CPU first).
fn device_index(d: Device) -> usize {
    match d {
        Device::Cpu => 0,
        Device::Gpu(i) => i + 1,
    }
}

/// Each layer's KV cache and recurrent state, added to its device's totals.
fn kv_and_state(
    ap: &ArchParams,
    p: &MemoryParams,
    ctx: &ContextSizes,
    placement: &weights::Placement,
    devices: &mut [DeviceEstimate],
) -> Result<Vec<LayerCache>, MemoryError> {
    let mut layers = Vec::new();
    for il in 0..ap.n_layer {
        let dev = if p.no_kv_offload {
            Device::Cpu
        } else {
            placement.layer_device[il]
        };
        let mut lc = LayerCache {
            il,
            swa: ap.layers[il].swa,
            k_width: 0,
            v_width: 0,
            k_bytes: 0,
            v_bytes: 0,
            recurrent_bytes: 0,
            device: dev,
        };
        let d = &mut devices[device_index(dev)];
        if ap.layers[il].kv {
            kv_cache(ap, p, ctx, &mut lc)?;
            let kv = &mut d.kv;
            if lc.swa && ap.has_swa() {
                kv.swa_k = kv.swa_k.saturating_add(lc.k_bytes);
                kv.swa_v = kv.swa_v.saturating_add(lc.v_bytes);
            } else {
                kv.k = kv.k.saturating_add(lc.k_bytes);
                kv.v = kv.v.saturating_add(lc.v_bytes);
            }
        }
        if ap.layers[il].recurrent {
            // Two f32 tensors per layer, each padded to the buffer alignment; rows:
            // max(1, n_seq) · (1 + n_rs_seq), with n_rs_seq = 0 (no draft rollback).
            let rows = (ctx.n_seq as u64).max(1);
            let align = weights::alignment(dev);
            lc.recurrent_bytes = pad(mul(&[4, ap.n_embd_r, rows]), align)
                .saturating_add(pad(mul(&[4, ap.n_embd_s, rows]), align));
            d.recurrent.bytes = d.recurrent.bytes.saturating_add(lc.recurrent_bytes);
        }
        if ap.layers[il].kv || ap.layers[il].recurrent {
            layers.push(lc);
        }
    }
    Ok(layers)
}

/// One attention layer's K and V cache: widths and bytes on its device.
fn kv_cache(
    ap: &ArchParams,
    p: &MemoryParams,
    ctx: &ContextSizes,
    lc: &mut LayerCache,
) -> Result<(), MemoryError> {
    let cells = if lc.swa && ap.has_swa() {
        ctx.swa_cells
    } else {
        ctx.kv_cells
    } as u64;
    let n_stream = ctx.n_stream as u64;
    let align = weights::alignment(lc.device);
    let ek = ap.e_k(lc.il);
    // Without flash attention V is stored transposed, its rows padded to the widest layer's.
    let ev = if ctx.flash_attn {
        ap.e_v(lc.il)
    } else {
        ap.e_v_max()
    };
    let k_row = p
        .type_k
        .ggml_type()
        .row_size(ek)
        .ok_or(MemoryError::BlockSize {
            which: "K",
            cache_type: p.type_k,
            width: ek,
        })?;
    lc.k_width = ek;
    lc.k_bytes = pad(mul(&[k_row, cells, n_stream]), align);
    if ap.mla.is_none() {
        let v_row = p
            .type_v
            .ggml_type()
            .row_size(ev)
            .ok_or(MemoryError::BlockSize {
                which: "V",
                cache_type: p.type_v,
                width: ev,
            })?;
        lc.v_width = ev;
        lc.v_bytes = pad(mul(&[v_row, cells, n_stream]), align);
    }
    Ok(())
}

/// The output buffer: logits (and t5's encoder output) per sequence, in the host buffer of the
/// output device, i.e. always host memory.
fn output_buffer(ap: &ArchParams, ctx: &ContextSizes) -> Figure {
    let encoder = if ap.family().has(Quirk::EncoderOutput) {
        ap.n_embd_out
    } else {
        0
    };
    let floats = ap.n_vocab.saturating_add(encoder);
    Figure::exact(mul(&[4, floats, ctx.n_seq as u64]))
}

/// What is approximate in the compute buffer of this kind of model.
fn compute_note(ap: &ArchParams) -> Option<String> {
    if ap.memory == MemoryKind::Recurrent || ap.memory == MemoryKind::Hybrid {
        Some(
            "the compute buffer of recurrent and hybrid models is a bounding formula \
             (-8 % to +43 % against llama.cpp on the recorded recurrent and hybrid models)"
                .into(),
        )
    } else if ap.n_expert > 0 && !compute::rebuilt(ap) {
        Some("the compute buffer of MoE layers is a heuristic (no oracle yet)".into())
    } else {
        None
    }
}

/// The runtime overhead on every GPU in use.
fn overhead(devices: &mut [DeviceEstimate], p: &MemoryParams) {
    for d in devices.iter_mut().skip(1) {
        let used = d.weights.bytes > 0 || d.kv.total() > 0 || d.compute.bytes > 0;
        if used {
            d.overhead = Figure::estimate(p.gpu_overhead);
        }
    }
}
