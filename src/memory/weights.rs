//! Weight placement with `-ngl`: which tensors land on which device and how large their buffers
//! are (`llama_model_base::load_tensors`, `ggml_backend_alloc_ctx_tensors_from_buft`).

use super::arch::{Family, Quirk};
use super::{ArchParams, Device, MemoryError, MemoryKind, MemoryParams};
use crate::file::Model;
use crate::ggml_type::GgmlType;
use crate::layers::role::block_index;

/// Buffer alignment: ggml's CPU buffers align tensors to 32 bytes, CUDA's to 128.
pub(crate) fn alignment(d: Device) -> u64 {
    match d {
        Device::Cpu => 32,
        Device::Gpu(_) => 128,
    }
}

fn pad(x: u64, n: u64) -> u64 {
    x.div_ceil(n).saturating_mul(n)
}

/// The offload unit a tensor belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unit {
    /// Token/position embeddings: always on the CPU.
    Input,
    /// Block `i`.
    Block(usize),
    /// The output layer (unit N).
    Output,
}

/// One tensor, classified once.
#[derive(Debug, Clone)]
pub(crate) struct TensorSlot {
    pub unit: Unit,
    /// Bytes in a CPU buffer.
    pub cpu_bytes: u64,
    /// Bytes in a CUDA buffer (row padding for quantized types, 128-byte alignment).
    pub gpu_bytes: u64,
    /// An MoE expert tensor.
    pub expert: bool,
    /// A 2-D (or more) weight used by a matrix multiplication.
    pub matmul: bool,
    /// Type, dimensions (innermost first): what the CPU repack rule reads.
    pub ggml_type: GgmlType,
    /// Dimensions, innermost first.
    pub dims: Vec<u64>,
}

/// The model's tensors, classified by unit.
#[derive(Debug, Clone)]
pub(crate) struct Tensors {
    pub slots: Vec<TensorSlot>,
    /// `token_embd` doubles as the output matrix (no `output.weight`): the output device gets a
    /// copy when it is a GPU.
    pub tied: Option<TensorSlot>,
}

fn classify(name: &str, arch: &str, n_layer: usize) -> Unit {
    if name.starts_with("blk.") {
        if let Some(i) = block_index(name).and_then(|i| usize::try_from(i).ok()) {
            if i < n_layer {
                return Unit::Block(i);
            }
        }
        return Unit::Output;
    }
    let base = name.split('.').next().unwrap_or(name);
    match base {
        "token_embd"
        | "position_embd"
        | "token_types"
        | "per_layer_token_embd"
        | "masked_embd_centroids"
        | "masked_embd_ordering" => Unit::Input,
        // lfm2 names its output norm token_embd_norm; elsewhere it is the first block's norm.
        "token_embd_norm" if Family::of(arch).has(Quirk::EmbdNormIsOutput) => Unit::Output,
        "token_embd_norm" | "rope_freqs" | "rope_factors_long" | "rope_factors_short" => {
            Unit::Block(0)
        }
        _ => Unit::Output,
    }
}

fn cuda_bytes(t: GgmlType, dims: &[u64], nbytes: u64) -> u64 {
    let ne0 = dims.first().copied().unwrap_or(1);
    let extra = if t.is_quantized() && ne0 % 512 != 0 {
        t.row_size(512 - ne0 % 512).unwrap_or(0)
    } else {
        0
    };
    pad(nbytes.saturating_add(extra), 128)
}

impl Tensors {
    /// Classifies every tensor of every shard.
    pub(crate) fn read(model: &Model, ap: &ArchParams) -> Tensors {
        let mut slots = Vec::with_capacity(model.tensor_count());
        let mut has_output = false;
        let mut tok: Option<TensorSlot> = None;
        for (_, t) in model.tensors() {
            let name = t.name_str();
            let nbytes = t.n_bytes.unwrap_or(0);
            let dims = t.shape();
            let slot = TensorSlot {
                unit: classify(&name, &ap.arch, ap.n_layer),
                cpu_bytes: pad(nbytes, 32),
                gpu_bytes: cuda_bytes(t.ggml_type, dims, nbytes),
                expert: name.contains("_exps."),
                matmul: t.n_dims >= 2 && name.ends_with(".weight"),
                ggml_type: t.ggml_type,
                dims: dims.to_vec(),
            };
            if name == "output.weight" {
                has_output = true;
            }
            if name == "token_embd.weight" {
                tok = Some(TensorSlot {
                    unit: Unit::Output,
                    ..slot.clone()
                });
            }
            slots.push(slot);
        }
        let lm = ap.memory != MemoryKind::None;
        Tensors {
            slots,
            tied: if has_output || !lm { None } else { tok },
        }
    }
}

/// Weights on one device.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct DeviceWeights {
    pub bytes: u64,
    pub mapped: u64,
    pub experts: u64,
    /// Bytes in the CPU_REPACK buffer (CPU only).
    pub repack: u64,
    pub layers: u32,
    pub output_layer: bool,
}

/// Whether the CPU backend copies a CPU-resident weight into its repack buffer: a matrix
/// multiplication's weight (row lookups of the input unit never) with a kernel for the CPU.
fn repacked(s: &TensorSlot, cpu: super::CpuKind) -> bool {
    s.matmul && s.unit != Unit::Input && cpu.repacks(s.ggml_type, &s.dims, s.expert)
}

/// Where everything goes.
#[derive(Debug, Clone)]
pub(crate) struct Placement {
    pub n_gpus: usize,
    /// Units on GPUs (blocks + output), after resolving a negative `-ngl`.
    pub n_gpu_units: u32,
    /// Device of each block.
    pub layer_device: Vec<Device>,
    /// Device of the output layer.
    pub output_device: Device,
    /// CPU, then each GPU.
    pub devices: Vec<DeviceWeights>,
    /// The largest CPU-resident matmul weight (what op offload stages on a GPU).
    pub max_cpu_matmul: u64,
}

/// Places the model's tensors.
pub(crate) fn place(
    model: &Model,
    ap: &ArchParams,
    p: &MemoryParams,
) -> Result<Placement, MemoryError> {
    place_tensors(&Tensors::read(model, ap), ap, p)
}

/// Places classified tensors (cheap: sweeps and `--fit` call it many times).
pub(crate) fn place_tensors(
    t: &Tensors,
    ap: &ArchParams,
    p: &MemoryParams,
) -> Result<Placement, MemoryError> {
    let n = ap.n_layer;
    let n_gpus = p.gpu_count();
    if p.tensor_split.iter().any(|&x| !x.is_finite() || x < 0.0) {
        return Err(MemoryError::BadParam(
            "-ts: proportions must be non-negative numbers".into(),
        ));
    }
    let split: Vec<f64> = if p.tensor_split.is_empty() {
        vec![1.0; n_gpus]
    } else {
        p.tensor_split.clone()
    };
    let sum: f64 = split.iter().sum();
    if n_gpus > 0 && sum <= 0.0 {
        return Err(MemoryError::BadParam(
            "-ts: at least one proportion must be positive".into(),
        ));
    }
    let cum: Vec<f64> = split
        .iter()
        .scan(0.0, |acc, &x| {
            *acc += x;
            Some(*acc / sum)
        })
        .collect();

    let ngl_eff: u64 = if p.n_gpu_layers < 0 {
        n as u64 + 1
    } else {
        p.n_gpu_layers as u64
    };
    let i_gpu_start = (n as u64 + 1).saturating_sub(ngl_eff);
    let act = if n_gpus == 0 {
        0
    } else {
        ngl_eff.min(n as u64 + 1)
    };
    let unit_dev = |il: u64| -> Device {
        if il >= i_gpu_start && il - i_gpu_start < act {
            let x = (il - i_gpu_start) as f64 / act as f64;
            // upper_bound: the first device whose cumulative share exceeds x.
            let g = cum.iter().position(|&c| c > x).unwrap_or(n_gpus - 1);
            Device::Gpu(g)
        } else {
            Device::Cpu
        }
    };
    let layer_device: Vec<Device> = (0..n as u64).map(unit_dev).collect();
    let output_device = unit_dev(n as u64);

    let idx = |d: Device| match d {
        Device::Cpu => 0,
        Device::Gpu(i) => i + 1,
    };
    let mut devices = vec![DeviceWeights::default(); n_gpus + 1];
    let mut max_cpu_matmul = 0;
    let cpu = p.repack_cpu();
    for s in &t.slots {
        let d = match s.unit {
            Unit::Input => Device::Cpu,
            Unit::Block(i) => layer_device[i],
            Unit::Output => output_device,
        };
        let bytes = match d {
            Device::Cpu => s.cpu_bytes,
            Device::Gpu(_) => s.gpu_bytes,
        };
        let w = &mut devices[idx(d)];
        w.bytes = w.bytes.saturating_add(bytes);
        if s.expert {
            w.experts = w.experts.saturating_add(bytes);
        }
        if d == Device::Cpu {
            if p.mmap {
                w.mapped = w.mapped.saturating_add(bytes);
            }
            if repacked(s, cpu) {
                w.repack = w.repack.saturating_add(bytes);
                if p.mmap {
                    // The mapped pages stay; the copy comes on top.
                    w.bytes = w.bytes.saturating_add(bytes);
                }
            }
            if s.matmul && s.unit != Unit::Input {
                max_cpu_matmul = max_cpu_matmul.max(bytes);
            }
        }
    }
    match (&t.tied, output_device) {
        (Some(tied), Device::Gpu(_)) => {
            let d = &mut devices[idx(output_device)];
            d.bytes = d.bytes.saturating_add(tied.gpu_bytes);
        }
        // gemma3n and gemma4 create the tied output before `token_embd`: llama.cpp's loader finds
        // no existing tensor to share in the CPU context and adds a second one of the same
        // name, so a loaded (not mapped) model holds the embedding matrix twice.
        (Some(tied), Device::Cpu) if !p.mmap && ap.family().has(Quirk::OutputBeforeEmbd) => {
            devices[0].bytes = devices[0].bytes.saturating_add(tied.cpu_bytes);
        }
        _ => {}
    }
    for &d in &layer_device {
        devices[idx(d)].layers += 1;
    }
    devices[idx(output_device)].output_layer = true;
    Ok(Placement {
        n_gpus,
        n_gpu_units: (0..=n as u64)
            .filter(|&il| unit_dev(il) != Device::Cpu)
            .count() as u32,
        layer_device,
        output_device,
        devices,
        max_cpu_matmul,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn block_tensors_are_named_like_the_audit_names_them() {
        assert_eq!(classify("blk.1.attn_q.weight", "llama", 4), Unit::Block(1));
        assert_eq!(classify("blk.+1.attn_q.weight", "llama", 4), Unit::Output);
        assert_eq!(classify("blk.9.attn_q.weight", "llama", 4), Unit::Output);
    }
}
