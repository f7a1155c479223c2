//! The worst-case prompt graph llama.cpp reserves for attention models, rebuilt tensor by
//! tensor for [`galloc`](super::galloc), following llama.cpp's graph builders
//! (`llm_build_llama`, `llm_build_deepseek2`, `llm_graph_context::build_attn`, `build_ffn`,
//! `build_moe_ffn`). Only tensors the graph allocator owns appear: activations and graph
//! inputs, f32 unless noted; weights and KV-cache views are in other buffers.
//!
//! The reserve graph processes `T = n_ubatch` tokens against a full cache (`n_kv` = the cells
//! of each stream) with every token an output. Per layer, in graph order:
//!
//! * attention input: RMS norm of the residual (a new tensor: the residual is read again by
//!   the skip connection), scaled in place;
//! * Q, K, V projections (`[d·heads, T]`), rope into a new tensor (its input is a reshape view,
//!   which ggml-alloc never reuses; after a Q/K norm, in place); K and V are copied into the cache
//!   (`set_rows`) and freed;
//! * with flash attention one fused op writes `[d_v·heads, T]`; without it the scores
//!   `[n_kv, T, heads]` are materialized (softmax in place), multiplied with V and made
//!   contiguous;
//! * MLA (`deepseek2`): Q through the `q_lora_rank` bottleneck, the nope part absorbed into the
//!   latent space (`[kv_lora, heads, T]`), rope'd part concatenated; the compressed KV
//!   `[kv_lora + n_rot, T]` normalized and rope'd separately and concatenated; attention runs in
//!   the latent space and the result is decompressed by `v_b` to `[v_head, heads, T]`;
//! * the output projection, the skip connection (in place), the FFN norm;
//! * dense FFN: gate and up `[n_ff(il), T]`, their GLU (a new tensor: GLU is not in-place),
//!   down; MoE FFN: router logits and probabilities `[n_expert, T]`, the argsort, the selected
//!   experts' gate/up/GLU `[n_ff_exp, n_expert_used, T]` and down `[n_embd, n_expert_used, T]`,
//!   weighted in place and summed; shared experts as a dense FFN of their own width;
//! * parallel blocks (`cohere2`, `command-r`): the FFN reads the attention's input norm, and
//!   the output projection, read only by the final sum, is computed after the FFN, so the
//!   norm, the residual and the attention result stay alive through it;
//! * in the last layer only the output rows continue after attention (`out_ids`).
//!
//! Then the output norm and the logits `[n_vocab, n_outputs]`.
//!
//! Every layer is built with its own head counts, head sizes and FFN width, so the layer that
//! really peaks is found rather than a mix of the widest of each.

use super::arch::Quirk;
use super::galloc::{Graph, Id};
use super::{mul, ArchParams, ContextSizes, MemoryParams};

/// Whether this model's graph is modelled tensor by tensor (attention-only models).
pub(crate) fn supported(ap: &ArchParams) -> bool {
    ap.memory == super::MemoryKind::Kv
        && ap.causal
        && ap.layers.iter().any(|l| l.kv)
        && ap.layers.iter().all(|l| l.n_head > 0)
}

/// The compute buffer of the prompt graph: (with the output head, layers only).
pub(crate) fn peaks(
    ap: &ArchParams,
    ctx: &ContextSizes,
    p: &MemoryParams,
    align: u64,
) -> (u64, u64) {
    let rot = Rotation::of(ap, p);
    (
        with_head(ap, ctx, rot).peak(align),
        layers_only(ap, ctx, rot).peak(align),
    )
}

/// llama.cpp's Hadamard rotation for quantized caches (`attn_rot_k`, `attn_rot_v` in
/// `llama-kv-cache.cpp`): with a quantized K cache and head sizes a multiple of 64, Q and K are
/// multiplied by an `[n, n]` rotation (`n` the largest power of two dividing the head size)
/// before attention; with a quantized V cache, V by a `[64, 64]` one, and the attention output
/// back. Each product is a new tensor the size of its input.
#[derive(Debug, Clone, Copy)]
struct Rotation {
    k: Option<u64>,
    v: Option<u64>,
}

impl Rotation {
    fn of(ap: &ArchParams, p: &MemoryParams) -> Rotation {
        let k = (p.type_k.is_quantized() && ap.head_k > 0 && ap.head_k % 64 == 0).then(|| {
            let mut n = 64;
            while ap.head_k % (n * 2) == 0 {
                n *= 2;
            }
            n
        });
        let v = (p.type_v.is_quantized() && ap.head_v > 0 && ap.head_v % 64 == 0).then_some(64);
        Rotation { k, v }
    }
}

/// The whole prompt graph: the layers, then the output norm and the logits of the outputs.
fn with_head(ap: &ArchParams, ctx: &ContextSizes, rot: Rotation) -> Graph {
    let (mut g, x) = layers(ap, ctx, rot);
    let n_out = n_outputs(ctx);
    let n = g.same(&[x]);
    let n = g.same(&[n]);
    g.op(mul(&[4, ap.n_vocab.saturating_mul(n_out)]), &[n]);
    g
}

/// The graph of the layers alone (as llama.cpp reserves it for a split without the head): the
/// last layer's output is consumed by one node that allocates nothing.
fn layers_only(ap: &ArchParams, ctx: &ContextSizes, rot: Rotation) -> Graph {
    let (mut g, x) = layers(ap, ctx, rot);
    g.op(0, &[x]);
    g
}

/// Rows of logits the graph computes: the outputs of one micro-batch, at least one.
fn n_outputs(ctx: &ContextSizes) -> u64 {
    let t = ctx.n_ubatch.min(ctx.n_ctx) as u64;
    t.min(ctx.n_outputs_max as u64).max(1)
}

/// The graph's inputs and every layer, and the last layer's output.
fn layers(ap: &ArchParams, ctx: &ContextSizes, rot: Rotation) -> (Graph, Id) {
    let t = ctx.n_ubatch.min(ctx.n_ctx) as u64;
    let n_out = n_outputs(ctx);
    let e = ap.n_embd;
    let fa = ctx.flash_attn;
    let parallel = ap.family().has(Quirk::ParallelAttnFfn);
    let mut g = Graph::default();

    // Graph inputs, in the order the graph first reads them.
    let tokens = g.input(4 * t);
    // `inp_embd`, the input for batches of embeddings instead of tokens: allocated with the
    // graph's inputs, never read in a token batch, so it stays for the whole graph.
    g.input(4 * e * t);
    let pos = g.input(4 * t);
    // The rotations are read first by Q (K's) and V (V's), before the cache indices. Modelled
    // for the standard attention path of a single cache.
    let rotates = ap.mla.is_none() && !ap.has_swa();
    let k_rot = rot.k.filter(|_| rotates).map(|n| g.input(4 * n * n));
    let v_rot = rot.v.filter(|_| rotates).map(|n| g.input(4 * n * n));
    let cache_inputs = |g: &mut Graph, cells: u64| -> (Id, Option<Id>, Id) {
        let k_idxs = g.input(8 * t);
        // MLA has no V cache; a transposed V cache (no flash attention) is indexed per element.
        let v_idxs = match (ap.mla.is_some(), fa) {
            (true, _) => None,
            (false, true) => Some(g.input(8 * t)),
            (false, false) => Some(g.input(mul(&[8, t, ap.e_v_max().max(1)]))),
        };
        // The mask: f16 for flash attention, f32 otherwise.
        let mask = g.input(mul(&[cells, t, if fa { 2 } else { 4 }]));
        (k_idxs, v_idxs, mask)
    };
    let first_swa = ap.layers.iter().find(|l| l.kv).map(|l| l.swa);
    let has_swa = ap.has_swa() && ctx.swa_cells > 0;
    let iswa = ap.has_swa();
    let has_base = ap.layers.iter().any(|l| l.kv && !(has_swa && l.swa));
    let (mut base, mut swa) = (None, None);
    if has_swa && first_swa == Some(true) {
        swa = Some(cache_inputs(&mut g, ctx.swa_cells as u64));
    }
    if has_base {
        base = Some(cache_inputs(&mut g, ctx.kv_cells as u64));
    }
    if has_swa && swa.is_none() {
        swa = Some(cache_inputs(&mut g, ctx.swa_cells as u64));
    }
    let out_ids = g.input(4 * n_out);

    let mut x = g.op(mul(&[4, e, t]), &[tokens]);
    let n_main = ap.n_layer_main();
    for il in 0..n_main {
        let last = il + 1 == n_main;
        let swa_layer = has_swa && ap.layers[il].swa;
        let (cells, inputs) = if swa_layer {
            (ctx.swa_cells as u64, swa)
        } else {
            (ctx.kv_cells as u64, base)
        };
        let Some((k_idxs, v_idxs, mask)) = inputs else {
            continue;
        };
        let h = ap.layers[il].n_head;
        let (dk, dv) = if ap.layers[il].swa {
            (ap.head_k_swa, ap.head_v_swa)
        } else {
            (ap.head_k, ap.head_v)
        };
        let hkv = ap.layers[il].n_head_kv;

        // Attention.
        let norm = g.op(mul(&[4, e, t]), &[x]);
        let an = g.same(&[norm]);
        let attn = if let Some((k_mla, v_mla)) = ap.mla {
            let kv_lora = dv;
            let rope = ap.n_rot.min(k_mla);
            let q = if ap.q_lora_rank > 0 {
                let qa = g.op(mul(&[4, ap.q_lora_rank, t]), &[an]);
                let qa = g.same(&[qa]);
                let qa = g.same(&[qa]);
                g.op(mul(&[4, h, k_mla, t]), &[qa])
            } else {
                g.op(mul(&[4, h, k_mla, t]), &[an])
            };
            let q_abs = g.op(mul(&[4, kv_lora, h, t]), &[q]);
            let q_pe = g.op(mul(&[4, rope, h, t]), &[q, pos]);
            let qcur = g.op(
                mul(&[4, kv_lora.saturating_add(rope), h, t]),
                &[q_abs, q_pe],
            );
            let kv = g.op(mul(&[4, kv_lora.saturating_add(rope), t]), &[an]);
            let kv_c = g.op(mul(&[4, kv_lora, t]), &[kv]);
            let kv_c = g.same(&[kv_c]);
            let k_pe = g.op(mul(&[4, rope, t]), &[kv, pos]);
            let kcur = g.op(mul(&[4, kv_lora.saturating_add(rope), t]), &[kv_c, k_pe]);
            g.op(0, &[kcur, k_idxs]);
            let lat = if fa {
                g.op(mul(&[4, kv_lora, h, t]), &[qcur, mask])
            } else {
                // V is the latent part of the K cache, made contiguous (f16).
                let v_cont = g.op(mul(&[2, cells, kv_lora]), &[]);
                let kq = g.op(mul(&[4, cells, t, h]), &[qcur]);
                let kq = g.same(&[kq, mask]);
                g.op(mul(&[4, kv_lora, t, h]), &[v_cont, kq])
            };
            let dec = g.op(mul(&[4, v_mla, h, t]), &[lat]);
            g.op(mul(&[4, v_mla, h, t]), &[dec])
        } else {
            // `build_attn` expands Q, V, K in that order (K last for rope fusion); the
            // sliding-window variant (`llm_graph_input_attn_kv_iswa`) expands Q, K, V.
            // With Q/K norms (`attn_q_norm`, `attn_k_norm`) the projection is also read
            // through a view, so the norm cannot reuse it and gets a tensor of its own.
            // Rope reads the projection through a reshape view. ggml-alloc reuses only memory
            // it allocated itself for an in-place op, and a view has none
            // (`ggml_gallocr_is_own`), so rope on the reshaped projection gets a tensor of its
            // own; after a Q/K norm (itself a new tensor) it runs in place.
            let qk = |g: &mut Graph, size: u64| {
                let x = g.op(size, &[an]);
                if ap.qk_norm {
                    let x = g.op(size, &[x]);
                    g.same(&[x, pos])
                } else {
                    g.op(size, &[x, pos])
                }
            };
            let rotate = |g: &mut Graph, x: Id, r: Option<Id>, size: u64| match r {
                Some(r) => g.op(size, &[x, r]),
                None => x,
            };
            let q = qk(&mut g, mul(&[4, dk, h, t]));
            let q = rotate(&mut g, q, k_rot, mul(&[4, dk, h, t]));
            let (k, v) = if iswa {
                let k = qk(&mut g, mul(&[4, dk, hkv, t]));
                (k, g.op(mul(&[4, dv, hkv, t]), &[an]))
            } else {
                let v = g.op(mul(&[4, dv, hkv, t]), &[an]);
                let v = rotate(&mut g, v, v_rot, mul(&[4, dv, hkv, t]));
                let k = qk(&mut g, mul(&[4, dk, hkv, t]));
                (rotate(&mut g, k, k_rot, mul(&[4, dk, hkv, t])), v)
            };
            g.op(0, &[k, k_idxs]);
            g.op(0, &[v, v_idxs.unwrap_or(k_idxs)]);
            let out = if fa {
                g.op(mul(&[4, dv, h, t]), &[q, mask])
            } else {
                let kq = g.op(mul(&[4, cells, t, h]), &[q]);
                let kq = g.same(&[kq, mask]);
                let kqv = g.op(mul(&[4, dv, t, h]), &[kq]);
                g.op(mul(&[4, dv, h, t]), &[kqv])
            };
            rotate(&mut g, out, v_rot, mul(&[4, dv, h, t]))
        };
        // Parallel blocks outside the last layer: nothing reads the output projection before
        // the final sum, so ggml's depth-first order computes it after the FFN and the
        // attention result stays alive through the FFN instead.
        let deferred = parallel && !last;
        let mut a = if deferred {
            attn
        } else {
            g.op(mul(&[4, e, t]), &[attn])
        };
        let tt = if last { n_out } else { t };
        if last {
            a = g.op(mul(&[4, e, tt]), &[a, out_ids]);
            x = g.op(mul(&[4, e, tt]), &[x, out_ids]);
        }
        // Parallel blocks (cohere2, command-r): the FFN reads the attention's input norm and
        // both outputs are added to the residual afterwards, so the norm, the residual and
        // the attention output all stay alive through the FFN.
        let (ffn_inp, fnorm) = if parallel {
            let fin = if last {
                g.op(mul(&[4, e, tt]), &[an, out_ids])
            } else {
                an
            };
            (a, fin)
        } else {
            let ffn_inp = g.same(&[a, x]);
            let norm = g.op(mul(&[4, e, tt]), &[ffn_inp]);
            (ffn_inp, g.same(&[norm]))
        };

        // Feed-forward.
        let moe_layer = ap.n_expert > 0 && il >= ap.n_layer_dense_lead;
        let ffn_out = if moe_layer {
            let n_exp = ap.n_expert;
            let k = ap.n_expert_used.max(1);
            let f = if ap.n_ff_exp > 0 {
                ap.n_ff_exp
            } else {
                ap.layers[il].n_ff
            };
            let logits = g.op(mul(&[4, n_exp, tt]), &[fnorm]);
            let probs = g.same(&[logits]);
            let argsort = g.op(mul(&[4, n_exp, tt]), &[probs]);
            let weights = g.op(mul(&[4, k, tt]), &[probs, argsort]);
            let gate = g.op(mul(&[4, f, k, tt]), &[fnorm, argsort]);
            let up = g.op(mul(&[4, f, k, tt]), &[fnorm, argsort]);
            let glu = g.op(mul(&[4, f, k, tt]), &[gate, up]);
            let down = g.op(mul(&[4, e, k, tt]), &[glu, argsort]);
            let weighted = g.same(&[down, weights]);
            let mut out = g.op(mul(&[4, e, tt]), &[weighted]);
            for _ in 2..k {
                out = g.same(&[out]);
            }
            if ap.n_expert_shared > 0 {
                let fs = f.saturating_mul(ap.n_expert_shared);
                let gate = g.op(mul(&[4, fs, tt]), &[fnorm]);
                let up = g.op(mul(&[4, fs, tt]), &[fnorm]);
                let glu = g.op(mul(&[4, fs, tt]), &[gate, up]);
                let sh = g.op(mul(&[4, e, tt]), &[glu]);
                g.same(&[out, sh])
            } else {
                out
            }
        } else {
            let f = ap.layers[il].n_ff;
            let gate = g.op(mul(&[4, f, tt]), &[fnorm]);
            let up = g.op(mul(&[4, f, tt]), &[fnorm]);
            let glu = g.op(mul(&[4, f, tt]), &[gate, up]);
            g.op(mul(&[4, e, tt]), &[glu])
        };
        x = if parallel {
            let y = g.same(&[ffn_out, x]);
            let a = if deferred {
                g.op(mul(&[4, e, t]), &[ffn_inp])
            } else {
                ffn_inp
            };
            g.same(&[y, a])
        } else {
            g.same(&[ffn_out, ffn_inp])
        };
    }
    (g, x)
}
