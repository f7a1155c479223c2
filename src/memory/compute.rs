//! The compute-buffer estimate.
//!
//! llama.cpp reserves its graphs with every cache full (`sched_reserve`) and ggml-gallocr keeps
//! the peak of live tensors. For attention models the prompt graph is rebuilt tensor by tensor
//! ([`graph`](super::graph)) and the allocator replayed over it ([`galloc`](super::galloc)):
//! per-layer widths, MoE intermediates, MLA's latent tensors and the allocator's fragmentation
//! all come out of the replay, not out of fitted constants.
//!
//! Recurrent and hybrid models still use two bounding terms:
//!
//! * the head: logits `[n_vocab, n_outputs]` f32 plus the last activations `[n_embd, T]`,
//!   `4·n_out·n_vocab + 4·T·(3·n_embd + 1)`;
//! * the widest layer: attention masks (f16 with flash attention, f32 without) for each cache
//!   some layer reads, the KQ scores `[n_kv, T, n_head]` f32 without flash attention, the
//!   residual, and the widest of the FFN activations, the attention projections and the
//!   recurrent mixer's activations (a layer holds one of them at a time). The mixer's width
//!   per token is fitted per family to the recorded grids: 6·d_inner for Mamba-1, 9·d_inner
//!   for Mamba-2, 10·d_inner for gated delta-net, 13·n_embd for RWKV6, 19·n_embd for RWKV7.
//!
//! The buffer is the larger of the two (docs/ACCURACY.md lists every recorded configuration
//! and the bound each architecture is held to).

use super::arch::Quirk;
use super::mul;
use super::weights::Placement;
use super::{ArchParams, ContextSizes, Device, DeviceEstimate, Figure, MemoryParams};

/// Whether the compute buffer comes from the replayed graph rather than the bounding formula.
pub(crate) fn rebuilt(ap: &ArchParams) -> bool {
    super::graph::supported(ap)
}

/// (head term, layer term) in bytes.
pub(crate) fn terms(ap: &ArchParams, ctx: &ContextSizes, p: &MemoryParams) -> (u64, u64) {
    if super::graph::supported(ap) {
        // Attention models: replay ggml's allocator over the rebuilt graph (CPU buffers
        // align tensors to 32 bytes). The first figure includes the output head, the second is
        // the layers alone (for devices that hold no output layer).
        return super::graph::peaks(ap, ctx, p, 32);
    }
    let t = ctx.n_ubatch.min(ctx.n_ctx) as u64;
    let n_out = t.min(ctx.n_outputs_max as u64);
    let e = ap.n_embd;
    let f = ap.layers.iter().map(|l| l.n_ff).max().unwrap_or(0);
    let h = ap.layers.iter().map(|l| l.n_head).max().unwrap_or(0);
    let ek = (0..ap.n_layer).map(|il| ap.e_k(il)).max().unwrap_or(0);
    // Each cache counts only when some attention layer reads it: a hybrid whose attention
    // layers are all sliding-window ones (lfm2 with a window) builds no full-context mask.
    let swa = ap.has_swa();
    let has_full = ap.layers.iter().any(|l| l.kv && !(swa && l.swa));
    let has_swa = ap.layers.iter().any(|l| l.kv && swa && l.swa);
    let kv_b = if has_full { ctx.kv_cells as u64 } else { 0 };
    let kv_s = if has_swa { ctx.swa_cells as u64 } else { 0 };
    let kv_max = kv_b.max(kv_s);

    let head = mul(&[4, n_out, ap.n_vocab]).saturating_add(mul(&[4, t, 3 * e + 1]));
    // MoE layers: router logits plus the selected experts' gate/up/down activations.
    let moe = if ap.n_expert > 0 {
        // Each selected expert's gate/up/down activations (Mixtral-style files give the
        // expert width as feed_forward_length) plus its gathered input; router logits.
        let f_exp = if ap.n_ff_exp > 0 { ap.n_ff_exp } else { f };
        mul(&[ap.n_expert_used, 3 * f_exp + e]).saturating_add(2 * ap.n_expert)
    } else {
        0
    };
    // Recurrent layers: the SSM input projection (2·d_inner), the conv, dt, scan and gate
    // outputs (d_inner each); RWKV-style layers without d_inner: about two n_embd rows.
    let ssm = if ap.layers.iter().any(|l| l.recurrent) {
        if ap.ssm_d_inner > 0 && ap.family().has(Quirk::GatedDeltaNet) {
            // Gated delta-net: the fused QKVZ projection, the conv over Q/K/V, the gates and
            // the chunked delta-rule intermediates, about 10·d_inner per token (fitted to the
            // recorded qwen3next grid).
            10 * ap.ssm_d_inner
        } else if ap.ssm_d_inner > 0 && ap.ssm_n_group > 0 {
            // Mamba-2: the wider input projection (z, x, B, C, dt), the conv over x/B/C, the
            // grouped scan's output and the gated norm, about 9·d_inner per token (fitted to
            // the recorded granitehybrid grid).
            9 * ap.ssm_d_inner
        } else if ap.ssm_d_inner > 0 {
            6 * ap.ssm_d_inner
        } else if ap.family().has(Quirk::Rwkv7) {
            // RWKV7's time mix: six lerped inputs, the decay/ICLR/value/gate low-rank
            // branches, r/k/v, the normalized key and the WKV output, about 19 rows of
            // n_embd per token (fitted to the recorded rwkv7 grid).
            19 * e
        } else if ap.family().has(Quirk::Rwkv6) {
            // RWKV6's time mix: the five lerped inputs, r/k/v/g, the decay and the WKV
            // output, about 13 rows of n_embd per token (fitted to the recorded rwkv6 grid).
            13 * e
        } else {
            2 * e
        }
    } else {
        0
    };
    let layer = if ctx.flash_attn {
        let act = (4 * f).max(moe).max(ek.max(ssm)).saturating_add(e);
        mul(&[2, t, kv_b + kv_s]).saturating_add(mul(&[4, t, act]))
    } else {
        let act = (2 * f).max(moe).max(ek.max(ssm)).saturating_add(e);
        mul(&[4, t, kv_b + kv_s])
            .saturating_add(mul(&[4, t, h, kv_max]))
            .saturating_add(mul(&[4, t, act]))
    };
    (head, layer)
}

/// Splits the compute terms over the devices.
pub(crate) fn split(
    devices: &mut [DeviceEstimate],
    pl: &Placement,
    ap: &ArchParams,
    ctx: &ContextSizes,
    (head, layer): (u64, u64),
) {
    let on_gpu =
        pl.layer_device.iter().any(|d| *d != Device::Cpu) || pl.output_device != Device::Cpu;
    if !on_gpu {
        devices[0].compute = Figure::estimate(head.max(layer));
        return;
    }
    let t = ctx.n_ubatch.min(ctx.n_ctx) as u64;
    let cpu_layers = pl.layer_device.contains(&Device::Cpu);
    let cpu_output = pl.output_device == Device::Cpu;
    for (g, dev) in devices.iter_mut().enumerate().skip(1) {
        let here = Device::Gpu(g - 1);
        let h = if pl.output_device == here { head } else { 0 };
        let l = if pl.layer_device.contains(&here) {
            layer
        } else {
            0
        };
        // Op offload: with T >= 32 the first GPU also runs matmuls of CPU-resident weights,
        // staging a copy of the largest one.
        let staging = if g == 1 && (cpu_layers || cpu_output) && t >= 32 {
            pl.max_cpu_matmul
        } else {
            0
        };
        let b = h.max(l);
        if b > 0 || staging > 0 {
            dev.compute = Figure::estimate(b.saturating_add(staging));
        }
    }
    let cpu = if cpu_layers || cpu_output {
        (if cpu_layers { layer } else { 0 }).max(if cpu_output { head } else { 0 })
    } else {
        // Graph inputs computed on the host: the token embeddings' rows, positions, masks.
        mul(&[4, t, ap.n_embd])
    };
    devices[0].compute = Figure::estimate(cpu);
}
