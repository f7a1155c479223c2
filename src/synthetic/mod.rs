//! Small synthetic models of architectures no small real file covers, for checking memory
//! predictions against llama.cpp: every tensor llama.cpp requires for the architecture, with the
//! right shape, zero-filled (only the shapes matter for allocation), plus the metadata it reads
//! and a tiny SentencePiece-style vocabulary. llama.cpp loads them and creates contexts for them.
//!
//! [`headers`] holds the opposite kind: real-sized headers (a 152k-token vocabulary) whose data
//! region is left as a hole, for benchmarks.

pub mod headers;

use crate::builder::{BValue, GgufBuilder};
use crate::format::ValueType;
use crate::ggml_type::GgmlType;
use std::path::{Path, PathBuf};

/// Tokens in every synthetic vocabulary.
pub const N_VOCAB: u64 = 512;

struct M {
    b: GgufBuilder,
    arch: &'static str,
}

impl M {
    fn new(arch: &'static str, name: &str, n_layer: u32, n_embd: u32, ctx: u32) -> M {
        let mut b = GgufBuilder::new();
        b.push_kv("general.architecture", BValue::str(arch));
        b.push_kv("general.name", BValue::str(name));
        b.push_kv("general.file_type", BValue::U32(1));
        let mut m = M { b, arch };
        m.u32("context_length", ctx);
        m.u32("embedding_length", n_embd);
        m.u32("block_count", n_layer);
        m.kv("attention.layer_norm_rms_epsilon", BValue::F32(1e-6));
        m.vocab();
        m
    }
    fn kv(&mut self, k: &str, v: BValue) {
        let key = format!("{}.{k}", self.arch);
        self.b.push_kv(&key, v);
    }
    fn u32(&mut self, k: &str, v: u32) {
        self.kv(k, BValue::U32(v));
    }
    fn vocab(&mut self) {
        let mut toks: Vec<String> = vec!["<unk>".into(), "<s>".into(), "</s>".into()];
        let mut types: Vec<i32> = vec![2, 3, 3];
        for byte in 0..256 {
            toks.push(format!("<0x{byte:02X}>"));
            types.push(6);
        }
        let mut i = 0;
        while (toks.len() as u64) < N_VOCAB {
            toks.push(format!("\u{2581}t{i}"));
            types.push(1);
            i += 1;
        }
        let scores: Vec<f32> = (0..toks.len()).map(|i| -(i as f32)).collect();
        self.b.push_kv("tokenizer.ggml.model", BValue::str("llama"));
        self.b.push_kv("tokenizer.ggml.tokens", BValue::strs(&toks));
        self.b
            .push_kv("tokenizer.ggml.scores", BValue::f32s(&scores));
        self.b
            .push_kv("tokenizer.ggml.token_type", BValue::i32s(&types));
        self.b
            .push_kv("tokenizer.ggml.bos_token_id", BValue::U32(1));
        self.b
            .push_kv("tokenizer.ggml.eos_token_id", BValue::U32(2));
    }
    fn t(&mut self, name: &str, dims: &[u64]) {
        let ty = if dims.len() == 1 {
            GgmlType::F32
        } else {
            GgmlType::F16
        };
        self.b.push_tensor(name, dims, ty);
    }
    fn tq(&mut self, name: &str, dims: &[u64], ty: GgmlType) {
        self.b.push_tensor(name, dims, ty);
    }
    fn blk(&mut self, i: u32, name: &str, dims: &[u64]) {
        self.t(&format!("blk.{i}.{name}"), dims);
    }
    /// A block's attention projections: Q and output of width `q`, K and V of width `kv`.
    fn attn(&mut self, i: u32, e: u64, q: u64, kv: u64) {
        self.blk(i, "attn_q.weight", &[e, q]);
        self.blk(i, "attn_k.weight", &[e, kv]);
        self.blk(i, "attn_v.weight", &[e, kv]);
        self.blk(i, "attn_output.weight", &[q, e]);
    }
    /// A block's gated feed-forward network of width `f`.
    fn ffn(&mut self, i: u32, e: u64, f: u64) {
        self.blk(i, "ffn_gate.weight", &[e, f]);
        self.blk(i, "ffn_down.weight", &[f, e]);
        self.blk(i, "ffn_up.weight", &[e, f]);
    }
    /// A block tensor kept in F32 whatever its rank (mixing coefficients added to activations).
    fn f32(&mut self, i: u32, name: &str, dims: &[u64]) {
        self.tq(&format!("blk.{i}.{name}"), dims, GgmlType::F32);
    }
}

fn u32s_array(v: &[u32]) -> BValue {
    BValue::Array(ValueType::U32, v.iter().map(|&x| BValue::U32(x)).collect())
}

/// A Llama with grouped-query attention (8 query heads, 2 KV heads), tied embeddings and a
/// Q8_0 token embedding.
pub fn llama_gqa() -> GgufBuilder {
    let (n_layer, e, h, hkv, d, ff) = (4u32, 128u64, 8u32, 2u32, 16u64, 256u64);
    let mut m = M::new("llama", "synthetic llama GQA", n_layer, e as u32, 4096);
    m.u32("feed_forward_length", ff as u32);
    m.u32("attention.head_count", h);
    m.u32("attention.head_count_kv", hkv);
    m.u32("rope.dimension_count", d as u32);
    m.tq("token_embd.weight", &[e, N_VOCAB], GgmlType::Q8_0);
    m.t("output_norm.weight", &[e]);
    for i in 0..n_layer {
        m.blk(i, "attn_norm.weight", &[e]);
        m.attn(i, e, d * h as u64, d * hkv as u64);
        m.blk(i, "ffn_norm.weight", &[e]);
        m.ffn(i, e, ff);
    }
    m.b
}

/// A Deci (Nemotron-NAS) model with per-layer `head_count_kv` and `feed_forward_length`
/// arrays: V widths differ per layer, so V rows are padded to the widest without flash attention.
pub fn deci_per_layer() -> GgufBuilder {
    let (e, h, d) = (128u64, 4u32, 32u64);
    let hkv = [2u32, 1, 4, 2];
    let ff = [256u32, 128, 256, 384];
    let n_layer = hkv.len() as u32;
    let mut m = M::new(
        "deci",
        "synthetic deci per-layer KV heads",
        n_layer,
        e as u32,
        4096,
    );
    m.kv("feed_forward_length", u32s_array(&ff));
    m.kv("attention.head_count", u32s_array(&[h; 4]));
    m.kv("attention.head_count_kv", u32s_array(&hkv));
    m.u32("rope.dimension_count", d as u32);
    m.t("token_embd.weight", &[e, N_VOCAB]);
    m.t("output_norm.weight", &[e]);
    m.t("output.weight", &[e, N_VOCAB]);
    for i in 0..n_layer {
        let kv = d * hkv[i as usize] as u64;
        let f = ff[i as usize] as u64;
        m.blk(i, "attn_norm.weight", &[e]);
        m.attn(i, e, d * h as u64, kv);
        m.blk(i, "ffn_norm.weight", &[e]);
        m.ffn(i, e, f);
    }
    m.b
}

/// A Qwen2 with Q/K/V biases (sizes that are not multiples of the 32-byte buffer alignment) and
/// a separate output matrix.
pub fn qwen2_bias() -> GgufBuilder {
    let (n_layer, e, h, hkv, ff) = (3u32, 80u64, 4u32, 1u32, 160u64);
    let d = e / h as u64; // 20
    let mut m = M::new(
        "qwen2",
        "synthetic qwen2 with biases",
        n_layer,
        e as u32,
        2048,
    );
    m.u32("feed_forward_length", ff as u32);
    m.u32("attention.head_count", h);
    m.u32("attention.head_count_kv", hkv);
    m.t("token_embd.weight", &[e, N_VOCAB]);
    m.t("output_norm.weight", &[e]);
    m.t("output.weight", &[e, N_VOCAB]);
    let kv = d * hkv as u64;
    for i in 0..n_layer {
        m.blk(i, "attn_norm.weight", &[e]);
        m.blk(i, "attn_q.weight", &[e, e]);
        m.blk(i, "attn_k.weight", &[e, kv]);
        m.blk(i, "attn_v.weight", &[e, kv]);
        m.blk(i, "attn_q.bias", &[e]);
        m.blk(i, "attn_k.bias", &[kv]);
        m.blk(i, "attn_v.bias", &[kv]);
        m.blk(i, "attn_output.weight", &[e, e]);
        m.blk(i, "ffn_norm.weight", &[e]);
        m.ffn(i, e, ff);
    }
    m.b
}

/// A DeepSeek-V2-style MoE with multi-head latent attention: `key_length_mla`/`value_length_mla`
/// present, so llama.cpp keeps a K-only latent cache (`kv_lora_rank + n_rot` wide).
pub fn deepseek2_mla() -> GgufBuilder {
    let (n_layer, e, h) = (3u32, 128u64, 4u64);
    let (q_lora, kv_lora, rope, nope, v_head) = (64u64, 64u64, 32u64, 64u64, 64u64);
    let (n_expert, n_used, ff_exp, ff) = (4u64, 2u32, 64u64, 256u64);
    let mut m = M::new(
        "deepseek2",
        "synthetic deepseek2 MLA",
        n_layer,
        e as u32,
        4096,
    );
    m.u32("feed_forward_length", ff as u32);
    m.u32("attention.head_count", h as u32);
    m.u32("attention.head_count_kv", 1);
    m.u32("attention.key_length", (kv_lora + rope) as u32);
    m.u32("attention.value_length", kv_lora as u32);
    m.u32("attention.key_length_mla", (nope + rope) as u32);
    m.u32("attention.value_length_mla", v_head as u32);
    m.u32("attention.q_lora_rank", q_lora as u32);
    m.u32("attention.kv_lora_rank", kv_lora as u32);
    m.u32("rope.dimension_count", rope as u32);
    m.u32("leading_dense_block_count", 1);
    m.u32("expert_count", n_expert as u32);
    m.u32("expert_used_count", n_used);
    m.u32("expert_shared_count", 1);
    m.u32("expert_feed_forward_length", ff_exp as u32);
    m.kv("expert_weights_scale", BValue::F32(1.0));
    m.t("token_embd.weight", &[e, N_VOCAB]);
    m.t("output_norm.weight", &[e]);
    m.t("output.weight", &[e, N_VOCAB]);
    for i in 0..n_layer {
        m.blk(i, "attn_norm.weight", &[e]);
        m.blk(i, "attn_q_a_norm.weight", &[q_lora]);
        m.blk(i, "attn_kv_a_norm.weight", &[kv_lora]);
        m.blk(i, "attn_q_a.weight", &[e, q_lora]);
        m.blk(i, "attn_q_b.weight", &[q_lora, h * (nope + rope)]);
        m.blk(i, "attn_kv_a_mqa.weight", &[e, kv_lora + rope]);
        m.blk(i, "attn_k_b.weight", &[nope, kv_lora, h]);
        m.blk(i, "attn_v_b.weight", &[kv_lora, v_head, h]);
        m.blk(i, "attn_output.weight", &[h * v_head, e]);
        m.blk(i, "ffn_norm.weight", &[e]);
        if i == 0 {
            m.ffn(i, e, ff);
        } else {
            m.blk(i, "ffn_gate_inp.weight", &[e, n_expert]);
            m.blk(i, "ffn_gate_exps.weight", &[e, ff_exp, n_expert]);
            m.blk(i, "ffn_down_exps.weight", &[ff_exp, e, n_expert]);
            m.blk(i, "ffn_up_exps.weight", &[e, ff_exp, n_expert]);
            m.blk(i, "ffn_gate_shexp.weight", &[e, ff_exp]);
            m.blk(i, "ffn_down_shexp.weight", &[ff_exp, e]);
            m.blk(i, "ffn_up_shexp.weight", &[e, ff_exp]);
        }
    }
    m.b
}

/// A Mamba (recurrent state only, no KV cache).
pub fn mamba() -> GgufBuilder {
    let (n_layer, e, d_conv, d_state, dt_rank) = (3u32, 64u64, 4u64, 16u64, 4u64);
    let d_inner = 2 * e;
    let mut m = M::new("mamba", "synthetic mamba", n_layer, e as u32, 2048);
    m.u32("feed_forward_length", 0);
    m.u32("attention.head_count", 0);
    m.u32("ssm.conv_kernel", d_conv as u32);
    m.u32("ssm.inner_size", d_inner as u32);
    m.u32("ssm.state_size", d_state as u32);
    m.u32("ssm.time_step_rank", dt_rank as u32);
    m.t("token_embd.weight", &[e, N_VOCAB]);
    m.t("output_norm.weight", &[e]);
    for i in 0..n_layer {
        m.blk(i, "attn_norm.weight", &[e]);
        m.blk(i, "ssm_in.weight", &[e, 2 * d_inner]);
        m.blk(i, "ssm_conv1d.weight", &[d_conv, d_inner]);
        m.blk(i, "ssm_conv1d.bias", &[d_inner]);
        m.blk(i, "ssm_x.weight", &[d_inner, dt_rank + 2 * d_state]);
        m.blk(i, "ssm_dt.weight", &[dt_rank, d_inner]);
        m.blk(i, "ssm_dt.bias", &[d_inner]);
        m.t(&format!("blk.{i}.ssm_a"), &[d_state, d_inner]);
        m.t(&format!("blk.{i}.ssm_d"), &[d_inner]);
        m.blk(i, "ssm_out.weight", &[d_inner, e]);
    }
    m.b
}

/// A Gemma 2 with sliding-window attention on every other layer (window 256).
pub fn gemma2_swa() -> GgufBuilder {
    let (n_layer, e, h, hkv, d, ff) = (4u32, 128u64, 4u32, 2u32, 32u64, 256u64);
    let mut m = M::new("gemma2", "synthetic gemma2 SWA", n_layer, e as u32, 8192);
    m.u32("feed_forward_length", ff as u32);
    m.u32("attention.head_count", h);
    m.u32("attention.head_count_kv", hkv);
    m.u32("attention.key_length", d as u32);
    m.u32("attention.value_length", d as u32);
    m.u32("attention.sliding_window", 256);
    m.kv("attn_logit_softcapping", BValue::F32(50.0));
    m.kv("final_logit_softcapping", BValue::F32(30.0));
    m.t("token_embd.weight", &[e, N_VOCAB]);
    m.t("output_norm.weight", &[e]);
    for i in 0..n_layer {
        m.blk(i, "attn_norm.weight", &[e]);
        m.attn(i, e, d * h as u64, d * hkv as u64);
        m.blk(i, "post_attention_norm.weight", &[e]);
        m.blk(i, "ffn_norm.weight", &[e]);
        m.blk(i, "ffn_gate.weight", &[e, ff]);
        m.blk(i, "ffn_up.weight", &[e, ff]);
        m.blk(i, "ffn_down.weight", &[ff, e]);
        m.blk(i, "post_ffw_norm.weight", &[e]);
    }
    m.b
}

/// A Mixtral-style Llama MoE: 4 experts, 2 used, expert tensors `ffn_*_exps`.
pub fn llama_moe() -> GgufBuilder {
    let (n_layer, e, h, hkv, d, ff, n_expert) = (3u32, 128u64, 4u32, 2u32, 32u64, 128u64, 4u64);
    let mut m = M::new("llama", "synthetic llama MoE", n_layer, e as u32, 4096);
    m.u32("feed_forward_length", ff as u32);
    m.u32("attention.head_count", h);
    m.u32("attention.head_count_kv", hkv);
    m.u32("rope.dimension_count", d as u32);
    m.u32("expert_count", n_expert as u32);
    m.u32("expert_used_count", 2);
    m.t("token_embd.weight", &[e, N_VOCAB]);
    m.t("output_norm.weight", &[e]);
    m.t("output.weight", &[e, N_VOCAB]);
    for i in 0..n_layer {
        m.blk(i, "attn_norm.weight", &[e]);
        m.attn(i, e, d * h as u64, d * hkv as u64);
        m.blk(i, "ffn_norm.weight", &[e]);
        m.blk(i, "ffn_gate_inp.weight", &[e, n_expert]);
        m.blk(i, "ffn_gate_exps.weight", &[e, ff, n_expert]);
        m.blk(i, "ffn_down_exps.weight", &[ff, e, n_expert]);
        m.blk(i, "ffn_up_exps.weight", &[e, ff, n_expert]);
    }
    m.b
}

/// An RWKV6 (Finch): recurrent only, a token-shift state (`2 × n_embd`) and a WKV state
/// (`n_embd × head_size`) per layer and sequence.
pub fn rwkv6() -> GgufBuilder {
    let (n_layer, e, hs, ff, mix, decay) = (3u32, 64u64, 16u64, 128u64, 8u64, 16u64);
    let mut m = M::new("rwkv6", "synthetic rwkv6", n_layer, e as u32, 4096);
    m.u32("feed_forward_length", ff as u32);
    m.u32("attention.head_count", 0);
    m.kv("attention.layer_norm_epsilon", BValue::F32(1e-5));
    m.u32("wkv.head_size", hs as u32);
    m.u32("time_mix_extra_dim", mix as u32);
    m.u32("time_decay_extra_dim", decay as u32);
    m.u32("rescale_every_n_layers", 6);
    m.t("token_embd.weight", &[e, N_VOCAB]);
    m.t("token_embd_norm.weight", &[e]);
    m.t("token_embd_norm.bias", &[e]);
    m.t("output_norm.weight", &[e]);
    m.t("output_norm.bias", &[e]);
    m.t("output.weight", &[e, N_VOCAB]);
    for i in 0..n_layer {
        for n in ["attn_norm", "attn_norm_2", "time_mix_ln"] {
            m.blk(i, &format!("{n}.weight"), &[e]);
            m.blk(i, &format!("{n}.bias"), &[e]);
        }
        m.blk(i, "time_mix_w1.weight", &[e, mix * 5]);
        m.blk(i, "time_mix_w2.weight", &[mix, e, 5]);
        m.f32(i, "time_mix_lerp_x.weight", &[e, 1, 1]);
        m.f32(i, "time_mix_lerp_fused.weight", &[e, 1, 1, 5]);
        m.f32(i, "time_mix_first.weight", &[hs, e / hs]);
        m.f32(i, "time_mix_decay.weight", &[e]);
        m.blk(i, "time_mix_decay_w1.weight", &[e, decay]);
        m.blk(i, "time_mix_decay_w2.weight", &[decay, e]);
        for n in ["key", "value", "receptance", "gate", "output"] {
            m.blk(i, &format!("time_mix_{n}.weight"), &[e, e]);
        }
        m.f32(i, "channel_mix_lerp_k.weight", &[e, 1, 1]);
        m.f32(i, "channel_mix_lerp_r.weight", &[e, 1, 1]);
        m.blk(i, "channel_mix_key.weight", &[e, ff]);
        m.blk(i, "channel_mix_value.weight", &[ff, e]);
        m.blk(i, "channel_mix_receptance.weight", &[e, e]);
    }
    m.b
}

/// An RWKV7 (Goose): recurrent only, like RWKV6 with low-rank decay/ICLR/value-mix/gate.
pub fn rwkv7() -> GgufBuilder {
    let (n_layer, e, hs, ff) = (3u32, 64u64, 16u64, 256u64);
    let (decay, iclr, vmix, gate) = (16u64, 8u64, 8u64, 32u64);
    let mut m = M::new("rwkv7", "synthetic rwkv7", n_layer, e as u32, 4096);
    m.u32("feed_forward_length", ff as u32);
    m.u32("attention.head_count", 0);
    m.kv("attention.layer_norm_epsilon", BValue::F32(1e-5));
    m.u32("wkv.head_size", hs as u32);
    m.u32("attention.decay_lora_rank", decay as u32);
    m.u32("attention.iclr_lora_rank", iclr as u32);
    m.u32("attention.value_residual_mix_lora_rank", vmix as u32);
    m.u32("attention.gate_lora_rank", gate as u32);
    m.t("token_embd.weight", &[e, N_VOCAB]);
    m.t("token_embd_norm.weight", &[e]);
    m.t("token_embd_norm.bias", &[e]);
    m.t("output_norm.weight", &[e]);
    m.t("output_norm.bias", &[e]);
    m.t("output.weight", &[e, N_VOCAB]);
    for i in 0..n_layer {
        for n in ["attn_norm", "attn_norm_2", "time_mix_ln"] {
            m.blk(i, &format!("{n}.weight"), &[e]);
            m.blk(i, &format!("{n}.bias"), &[e]);
        }
        let v_rank = if i == 0 { iclr } else { vmix };
        for (n, r) in [("w", decay), ("a", iclr), ("v", v_rank), ("g", gate)] {
            if n != "g" {
                m.blk(i, &format!("time_mix_{n}0.weight"), &[e]);
            }
            m.blk(i, &format!("time_mix_{n}1.weight"), &[e, r]);
            m.blk(i, &format!("time_mix_{n}2.weight"), &[r, e]);
        }
        m.f32(i, "time_mix_lerp_fused.weight", &[e, 1, 1, 6]);
        for n in ["k_k", "k_a", "r_k"] {
            m.blk(i, &format!("time_mix_{n}.weight"), &[e]);
        }
        for n in ["key", "value", "receptance", "output"] {
            m.blk(i, &format!("time_mix_{n}.weight"), &[e, e]);
        }
        m.f32(i, "channel_mix_lerp_k.weight", &[e, 1, 1]);
        m.blk(i, "channel_mix_key.weight", &[e, ff]);
        m.blk(i, "channel_mix_value.weight", &[ff, e]);
    }
    m.b
}

/// An LFM2 hybrid: short-convolution layers (recurrent state `(l_cache − 1) × n_embd`) and
/// attention layers (KV heads 0 marks a convolution layer); with `window` the attention layers
/// are sliding-window ones (llama.cpp's hybrid-iSWA memory).
pub fn lfm2(window: Option<u32>) -> GgufBuilder {
    let (e, h, d, ff, l_cache) = (64u64, 2u32, 32u64, 128u64, 3u64);
    let hkv = [0u32, 0, 1, 0, 1, 0];
    let n_layer = hkv.len() as u32;
    let name = if window.is_some() {
        "synthetic lfm2 SWA"
    } else {
        "synthetic lfm2"
    };
    let mut m = M::new("lfm2", name, n_layer, e as u32, 4096);
    m.u32("feed_forward_length", ff as u32);
    m.u32("attention.head_count", h);
    m.kv("attention.head_count_kv", u32s_array(&hkv));
    m.u32("shortconv.l_cache", l_cache as u32);
    if let Some(w) = window {
        m.u32("attention.sliding_window", w);
    }
    m.t("token_embd.weight", &[e, N_VOCAB]);
    m.t("token_embd_norm.weight", &[e]);
    for i in 0..n_layer {
        m.blk(i, "ffn_norm.weight", &[e]);
        m.ffn(i, e, ff);
        m.blk(i, "attn_norm.weight", &[e]);
        let kv = d * hkv[i as usize] as u64;
        if kv == 0 {
            m.blk(i, "shortconv.conv.weight", &[l_cache, e]);
            m.blk(i, "shortconv.in_proj.weight", &[e, 3 * e]);
            m.blk(i, "shortconv.out_proj.weight", &[e, e]);
        } else {
            m.blk(i, "attn_q_norm.weight", &[d]);
            m.blk(i, "attn_k_norm.weight", &[d]);
            m.attn(i, e, e, kv);
        }
    }
    m.b
}

/// A Granite 4 hybrid: Mamba-2 layers (grouped state: conv state
/// `(d_conv − 1) × (d_inner + 2·n_group·d_state)`, scan state `d_state × d_inner`) between
/// attention layers (KV heads 0 marks a Mamba layer).
pub fn granite_hybrid() -> GgufBuilder {
    let (e, h, d, ff) = (64u64, 2u32, 32u64, 128u64);
    let (d_conv, d_state, n_group, n_ssm_head) = (4u64, 16u64, 2u64, 4u64);
    let d_inner = 2 * e;
    let hkv = [0u32, 0, 1, 0, 0, 1];
    let n_layer = hkv.len() as u32;
    let mut m = M::new(
        "granitehybrid",
        "synthetic granite hybrid",
        n_layer,
        e as u32,
        4096,
    );
    m.u32("feed_forward_length", ff as u32);
    m.u32("attention.head_count", h);
    m.kv("attention.head_count_kv", u32s_array(&hkv));
    m.u32("ssm.conv_kernel", d_conv as u32);
    m.u32("ssm.inner_size", d_inner as u32);
    m.u32("ssm.state_size", d_state as u32);
    m.u32("ssm.time_step_rank", n_ssm_head as u32);
    m.u32("ssm.group_count", n_group as u32);
    m.t("token_embd.weight", &[e, N_VOCAB]);
    m.t("output_norm.weight", &[e]);
    let conv = d_inner + 2 * n_group * d_state;
    for i in 0..n_layer {
        m.blk(i, "attn_norm.weight", &[e]);
        let kv = d * hkv[i as usize] as u64;
        if kv == 0 {
            m.blk(i, "ssm_in.weight", &[e, conv + d_inner + n_ssm_head]);
            m.blk(i, "ssm_conv1d.weight", &[d_conv, conv]);
            m.blk(i, "ssm_conv1d.bias", &[conv]);
            m.blk(i, "ssm_dt.bias", &[n_ssm_head]);
            m.f32(i, "ssm_a", &[1, n_ssm_head]);
            m.f32(i, "ssm_d", &[1, n_ssm_head]);
            m.f32(i, "ssm_norm.weight", &[d_inner / n_group, n_group]);
            m.blk(i, "ssm_out.weight", &[d_inner, e]);
        } else {
            m.attn(i, e, d * h as u64, kv);
        }
        m.blk(i, "ffn_norm.weight", &[e]);
        m.ffn(i, e, ff);
    }
    m.b
}

/// A Cohere2 (Command R7B): three sliding-window layers then one global layer (window 256),
/// parallel attention and FFN, tied embeddings.
pub fn cohere2() -> GgufBuilder {
    let (n_layer, e, h, hkv, ff) = (8u32, 128u64, 4u32, 2u32, 256u64);
    let d = e / h as u64;
    let mut m = M::new("cohere2", "synthetic cohere2 SWA", n_layer, e as u32, 8192);
    m.u32("feed_forward_length", ff as u32);
    m.u32("attention.head_count", h);
    m.u32("attention.head_count_kv", hkv);
    m.u32("attention.sliding_window", 256);
    m.kv("attention.layer_norm_epsilon", BValue::F32(1e-5));
    m.kv("logit_scale", BValue::F32(0.25));
    m.t("token_embd.weight", &[e, N_VOCAB]);
    m.t("output_norm.weight", &[e]);
    let kv = d * hkv as u64;
    for i in 0..n_layer {
        m.blk(i, "attn_norm.weight", &[e]);
        m.attn(i, e, e, kv);
        m.ffn(i, e, ff);
    }
    m.b
}

/// A Llama 4: chunked attention (llama.cpp forces 8192-token chunks) on three layers of four,
/// MoE with a shared expert on every other layer.
pub fn llama4() -> GgufBuilder {
    let (n_layer, e, h, hkv, d, ff, ff_exp, n_expert) =
        (4u32, 128u64, 4u32, 2u32, 32u64, 256u64, 64u64, 4u64);
    let mut m = M::new(
        "llama4",
        "synthetic llama4 chunked",
        n_layer,
        e as u32,
        65536,
    );
    m.u32("feed_forward_length", ff as u32);
    m.u32("expert_feed_forward_length", ff_exp as u32);
    m.u32("attention.head_count", h);
    m.u32("attention.head_count_kv", hkv);
    m.u32("rope.dimension_count", d as u32);
    m.u32("expert_count", n_expert as u32);
    m.u32("expert_used_count", 1);
    m.u32("interleave_moe_layer_step", 2);
    m.t("token_embd.weight", &[e, N_VOCAB]);
    m.t("output_norm.weight", &[e]);
    m.t("output.weight", &[e, N_VOCAB]);
    for i in 0..n_layer {
        m.blk(i, "attn_norm.weight", &[e]);
        m.attn(i, e, d * h as u64, d * hkv as u64);
        m.blk(i, "ffn_norm.weight", &[e]);
        if (i + 1) % 2 == 0 {
            m.blk(i, "ffn_gate_inp.weight", &[e, n_expert]);
            m.blk(i, "ffn_gate_exps.weight", &[e, ff_exp, n_expert]);
            m.blk(i, "ffn_down_exps.weight", &[ff_exp, e, n_expert]);
            m.blk(i, "ffn_up_exps.weight", &[e, ff_exp, n_expert]);
            m.blk(i, "ffn_gate_shexp.weight", &[e, ff_exp]);
            m.blk(i, "ffn_down_shexp.weight", &[ff_exp, e]);
            m.blk(i, "ffn_up_shexp.weight", &[e, ff_exp]);
        } else {
            m.ffn(i, e, ff);
        }
    }
    m.b
}

/// A Gemma 4: per-layer sliding-window pattern (array), different head sizes for full and
/// sliding-window layers, and the last two layers reusing earlier layers' KV (no cache of
/// their own).
pub fn gemma4() -> GgufBuilder {
    let (e, h, hkv, d_full, d_swa, ff) = (128u64, 2u32, 1u32, 64u64, 32u64, 256u64);
    // Shared layers reuse the last sliding-window and the last full layer before them.
    let swa = [true, true, true, false, true, false];
    let n_layer = swa.len() as u32;
    let shared = 2u32;
    let mut m = M::new(
        "gemma4",
        "synthetic gemma4 shared KV",
        n_layer,
        e as u32,
        8192,
    );
    m.u32("feed_forward_length", ff as u32);
    m.u32("attention.head_count", h);
    m.u32("attention.head_count_kv", hkv);
    m.u32("attention.key_length", d_full as u32);
    m.u32("attention.value_length", d_full as u32);
    m.u32("attention.key_length_swa", d_swa as u32);
    m.u32("attention.value_length_swa", d_swa as u32);
    m.u32("attention.sliding_window", 128);
    m.kv(
        "attention.sliding_window_pattern",
        BValue::Array(
            ValueType::BOOL,
            swa.iter().map(|&b| BValue::Bool(b)).collect(),
        ),
    );
    m.u32("attention.shared_kv_layers", shared);
    m.u32("embedding_length_per_layer_input", 0);
    m.t("token_embd.weight", &[e, N_VOCAB]);
    m.t("output_norm.weight", &[e]);
    m.t("rope_freqs.weight", &[d_full / 2]);
    for i in 0..n_layer {
        let d = if swa[i as usize] { d_swa } else { d_full };
        let kv = d * hkv as u64;
        m.blk(i, "attn_norm.weight", &[e]);
        m.blk(i, "attn_q.weight", &[e, d * h as u64]);
        m.blk(i, "attn_q_norm.weight", &[d]);
        if i < n_layer - shared {
            m.blk(i, "attn_k.weight", &[e, kv]);
            m.blk(i, "attn_v.weight", &[e, kv]);
            m.blk(i, "attn_k_norm.weight", &[d]);
        }
        m.blk(i, "attn_output.weight", &[d * h as u64, e]);
        m.blk(i, "post_attention_norm.weight", &[e]);
        m.blk(i, "ffn_norm.weight", &[e]);
        m.blk(i, "ffn_gate.weight", &[e, ff]);
        m.blk(i, "ffn_up.weight", &[e, ff]);
        m.blk(i, "ffn_down.weight", &[ff, e]);
        m.blk(i, "post_ffw_norm.weight", &[e]);
    }
    m.b
}

/// A Qwen3-Next: gated delta-net layers (conv state over Q, K and V; a
/// `head_dim × head_dim` state per value head) with a full-attention layer every other layer,
/// gated Q, and an MoE FFN with a gated shared expert on every layer.
pub fn qwen3next() -> GgufBuilder {
    let (n_layer, e, h, hkv, d) = (4u32, 64u64, 2u32, 1u32, 32u64);
    let (d_conv, d_state, n_k_heads, n_v_heads) = (4u64, 16u64, 2u64, 4u64);
    let (n_expert, ff_exp, ff_sh) = (4u64, 32u64, 64u64);
    let key_dim = d_state * n_k_heads;
    let value_dim = d_state * n_v_heads;
    let conv = 2 * key_dim + value_dim;
    let mut m = M::new("qwen3next", "synthetic qwen3next", n_layer, e as u32, 4096);
    m.u32("feed_forward_length", 128);
    m.u32("attention.head_count", h);
    m.u32("attention.head_count_kv", hkv);
    m.u32("attention.key_length", d as u32);
    m.u32("attention.value_length", d as u32);
    m.u32("rope.dimension_count", 16);
    m.u32("expert_count", n_expert as u32);
    m.u32("expert_used_count", 2);
    m.u32("expert_feed_forward_length", ff_exp as u32);
    m.u32("expert_shared_feed_forward_length", ff_sh as u32);
    m.u32("ssm.conv_kernel", d_conv as u32);
    m.u32("ssm.inner_size", value_dim as u32);
    m.u32("ssm.state_size", d_state as u32);
    m.u32("ssm.time_step_rank", n_v_heads as u32);
    m.u32("ssm.group_count", n_k_heads as u32);
    m.u32("full_attention_interval", 2);
    m.t("token_embd.weight", &[e, N_VOCAB]);
    m.t("output_norm.weight", &[e]);
    m.t("output.weight", &[e, N_VOCAB]);
    for i in 0..n_layer {
        m.blk(i, "attn_norm.weight", &[e]);
        m.blk(i, "post_attention_norm.weight", &[e]);
        if (i + 1) % 2 == 0 {
            m.blk(i, "attn_q.weight", &[e, d * h as u64 * 2]);
            m.blk(i, "attn_k.weight", &[e, d * hkv as u64]);
            m.blk(i, "attn_v.weight", &[e, d * hkv as u64]);
            m.blk(i, "attn_output.weight", &[d * h as u64, e]);
            m.blk(i, "attn_q_norm.weight", &[d]);
            m.blk(i, "attn_k_norm.weight", &[d]);
        } else {
            m.blk(i, "ssm_in.weight", &[e, 2 * key_dim + 2 * value_dim]);
            m.blk(i, "ssm_conv1d.weight", &[d_conv, conv]);
            m.f32(i, "ssm_dt.bias", &[n_v_heads]);
            m.f32(i, "ssm_a", &[n_v_heads]);
            m.blk(i, "ssm_ba.weight", &[e, 2 * n_v_heads]);
            m.blk(i, "ssm_norm.weight", &[d_state]);
            m.blk(i, "ssm_out.weight", &[value_dim, e]);
        }
        m.blk(i, "ffn_gate_inp.weight", &[e, n_expert]);
        m.blk(i, "ffn_down_exps.weight", &[ff_exp, e, n_expert]);
        m.blk(i, "ffn_gate_exps.weight", &[e, ff_exp, n_expert]);
        m.blk(i, "ffn_up_exps.weight", &[e, ff_exp, n_expert]);
        m.blk(i, "ffn_gate_inp_shexp.weight", &[e]);
        m.blk(i, "ffn_gate_shexp.weight", &[e, ff_sh]);
        m.blk(i, "ffn_up_shexp.weight", &[e, ff_sh]);
        m.blk(i, "ffn_down_shexp.weight", &[ff_sh, e]);
    }
    m.b
}

/// A Jamba: Mamba-1 layers (with dt/B/C norms) around an attention layer, MoE FFN on every
/// other layer (per-layer `head_count_kv`, 0 = Mamba layer).
pub fn jamba() -> GgufBuilder {
    let (e, h, d, ff, n_expert) = (64u64, 2u32, 32u64, 128u64, 4u64);
    let (d_conv, d_state, dt_rank) = (4u64, 16u64, 4u64);
    let d_inner = 2 * e;
    let hkv = [0u32, 0, 1, 0];
    let n_layer = hkv.len() as u32;
    let mut m = M::new("jamba", "synthetic jamba", n_layer, e as u32, 4096);
    m.u32("feed_forward_length", ff as u32);
    m.u32("attention.head_count", h);
    m.kv("attention.head_count_kv", u32s_array(&hkv));
    m.u32("expert_count", n_expert as u32);
    m.u32("expert_used_count", 2);
    m.u32("ssm.conv_kernel", d_conv as u32);
    m.u32("ssm.inner_size", d_inner as u32);
    m.u32("ssm.state_size", d_state as u32);
    m.u32("ssm.time_step_rank", dt_rank as u32);
    m.t("token_embd.weight", &[e, N_VOCAB]);
    m.t("output_norm.weight", &[e]);
    m.t("output.weight", &[e, N_VOCAB]);
    for i in 0..n_layer {
        m.blk(i, "attn_norm.weight", &[e]);
        let kv = d * hkv[i as usize] as u64;
        if kv == 0 {
            m.blk(i, "ssm_in.weight", &[e, 2 * d_inner]);
            m.blk(i, "ssm_conv1d.weight", &[d_conv, d_inner]);
            m.blk(i, "ssm_conv1d.bias", &[d_inner]);
            m.blk(i, "ssm_x.weight", &[d_inner, dt_rank + 2 * d_state]);
            m.blk(i, "ssm_dt_norm.weight", &[dt_rank]);
            m.blk(i, "ssm_dt.weight", &[dt_rank, d_inner]);
            m.blk(i, "ssm_dt.bias", &[d_inner]);
            m.blk(i, "ssm_b_norm.weight", &[d_state]);
            m.blk(i, "ssm_c_norm.weight", &[d_state]);
            m.f32(i, "ssm_a", &[d_state, d_inner]);
            m.f32(i, "ssm_d", &[d_inner]);
            m.blk(i, "ssm_out.weight", &[d_inner, e]);
        } else {
            m.attn(i, e, e, kv);
        }
        m.blk(i, "ffn_norm.weight", &[e]);
        if i % 2 == 1 {
            m.blk(i, "ffn_gate_inp.weight", &[e, n_expert]);
            m.blk(i, "ffn_gate_exps.weight", &[e, ff, n_expert]);
            m.blk(i, "ffn_down_exps.weight", &[ff, e, n_expert]);
            m.blk(i, "ffn_up_exps.weight", &[e, ff, n_expert]);
        } else {
            m.ffn(i, e, ff);
        }
    }
    m.b
}

/// A Falcon-H1: every layer runs attention and a Mamba-2 mixer side by side, so every layer has
/// both a KV cache and a recurrent state.
pub fn falcon_h1() -> GgufBuilder {
    let (n_layer, e, h, hkv, d, ff) = (3u32, 64u64, 2u32, 1u32, 32u64, 128u64);
    let (d_conv, d_state, n_group, n_ssm_head, d_inner) = (4u64, 16u64, 1u64, 4u64, 128u64);
    let conv = d_inner + 2 * n_group * d_state;
    let mut m = M::new("falcon-h1", "synthetic falcon-h1", n_layer, e as u32, 4096);
    m.u32("feed_forward_length", ff as u32);
    m.u32("attention.head_count", h);
    m.u32("attention.head_count_kv", hkv);
    m.u32("attention.key_length", d as u32);
    m.u32("attention.value_length", d as u32);
    m.u32("ssm.conv_kernel", d_conv as u32);
    m.u32("ssm.inner_size", d_inner as u32);
    m.u32("ssm.state_size", d_state as u32);
    m.u32("ssm.time_step_rank", n_ssm_head as u32);
    m.u32("ssm.group_count", n_group as u32);
    m.t("token_embd.weight", &[e, N_VOCAB]);
    m.t("output_norm.weight", &[e]);
    m.t("output.weight", &[e, N_VOCAB]);
    for i in 0..n_layer {
        m.blk(i, "ssm_in.weight", &[e, d_inner + conv + n_ssm_head]);
        m.blk(i, "ssm_conv1d.weight", &[d_conv, conv]);
        m.blk(i, "ssm_conv1d.bias", &[conv]);
        m.blk(i, "ssm_dt.bias", &[n_ssm_head]);
        m.f32(i, "ssm_a", &[1, n_ssm_head]);
        m.f32(i, "ssm_d", &[1, n_ssm_head]);
        m.f32(i, "ssm_norm.weight", &[d_inner / n_group, n_group]);
        m.blk(i, "ssm_out.weight", &[d_inner, e]);
        m.attn(i, e, d * h as u64, d * hkv as u64);
        m.blk(i, "attn_norm.weight", &[e]);
        // llama.cpp names this one without a `.weight` suffix.
        m.blk(i, "ffn_norm", &[e]);
        m.ffn(i, e, ff);
    }
    m.b
}

/// A Llama whose weights mix every type llama.cpp's x86 CPU repack code copies into its
/// `CPU_REPACK` buffer (Q4_0, Q4_K, IQ4_NL, MXFP4; Q2_K with AVX-512) with types it does not
/// (Q5_K, Q6_K, Q8_0, F16), row counts that qualify (a multiple of 8) and ones that do not
/// (the 260-row FFN), a Q4_0 token embedding (read by row lookup, never repacked) and a Q4_K
/// output matrix. Recorded with and without repacking (fixtures/oracle/repack-allocations.csv).
pub fn repack_mix() -> GgufBuilder {
    let (n_layer, e, h, hkv, ff) = (4u32, 256u64, 4u32, 2u32, 260u64);
    let d = e / h as u64;
    let kv = d * hkv as u64;
    let mut m = M::new("llama", "synthetic repack mix", n_layer, e as u32, 4096);
    m.u32("feed_forward_length", ff as u32);
    m.u32("attention.head_count", h);
    m.u32("attention.head_count_kv", hkv);
    m.u32("rope.dimension_count", d as u32);
    let q2_k = GgmlType(10);
    let mxfp4 = GgmlType(39);
    m.tq("token_embd.weight", &[e, N_VOCAB], GgmlType::Q4_0);
    m.t("output_norm.weight", &[e]);
    m.tq("output.weight", &[e, N_VOCAB], GgmlType::Q4_K);
    let q = [GgmlType::Q4_0, GgmlType::Q4_K, GgmlType::IQ4_NL, q2_k];
    let k = [mxfp4, GgmlType::Q4_K, GgmlType::Q8_0, GgmlType::Q5_K];
    let v = [
        GgmlType::Q6_K,
        GgmlType::Q4_0,
        GgmlType::Q4_K,
        GgmlType::IQ4_NL,
    ];
    for i in 0..n_layer {
        let l = i as usize;
        m.blk(i, "attn_norm.weight", &[e]);
        m.tq(&format!("blk.{i}.attn_q.weight"), &[e, e], q[l]);
        m.tq(&format!("blk.{i}.attn_k.weight"), &[e, kv], k[l]);
        m.tq(&format!("blk.{i}.attn_v.weight"), &[e, kv], v[l]);
        m.tq(
            &format!("blk.{i}.attn_output.weight"),
            &[e, e],
            GgmlType::Q4_K,
        );
        m.blk(i, "ffn_norm.weight", &[e]);
        m.tq(
            &format!("blk.{i}.ffn_gate.weight"),
            &[e, ff],
            GgmlType::Q4_0,
        );
        m.tq(&format!("blk.{i}.ffn_up.weight"), &[e, ff], GgmlType::Q4_K);
        m.blk(i, "ffn_down.weight", &[ff, e]);
    }
    m.b
}

/// A Llama mixture of experts whose 3-D expert tensors llama.cpp's x86 CPU repack code copies
/// (`MUL_MAT_ID` weights: Q4_K gate, Q4_0 up, IQ4_NL down) except in the last layer (Q5_K,
/// which x86 does not repack); Q8_0 attention. Recorded with and without repacking
/// (fixtures/oracle/repack-allocations.csv).
pub fn repack_moe() -> GgufBuilder {
    let (n_layer, e, h, hkv, ff, n_expert) = (3u32, 256u64, 4u32, 2u32, 256u64, 4u64);
    let d = e / h as u64;
    let mut m = M::new("llama", "synthetic repack MoE", n_layer, e as u32, 4096);
    m.u32("feed_forward_length", ff as u32);
    m.u32("attention.head_count", h);
    m.u32("attention.head_count_kv", hkv);
    m.u32("rope.dimension_count", d as u32);
    m.u32("expert_count", n_expert as u32);
    m.u32("expert_used_count", 2);
    m.tq("token_embd.weight", &[e, N_VOCAB], GgmlType::Q8_0);
    m.t("output_norm.weight", &[e]);
    m.tq("output.weight", &[e, N_VOCAB], GgmlType::Q8_0);
    let q5_k = GgmlType(13);
    for i in 0..n_layer {
        let last = i + 1 == n_layer;
        let ty = |t: GgmlType| if last { q5_k } else { t };
        m.blk(i, "attn_norm.weight", &[e]);
        for (name, rows) in [
            ("attn_q", e),
            ("attn_k", d * hkv as u64),
            ("attn_v", d * hkv as u64),
        ] {
            m.tq(
                &format!("blk.{i}.{name}.weight"),
                &[e, rows],
                GgmlType::Q8_0,
            );
        }
        m.tq(
            &format!("blk.{i}.attn_output.weight"),
            &[e, e],
            GgmlType::Q8_0,
        );
        m.blk(i, "ffn_norm.weight", &[e]);
        m.f32(i, "ffn_gate_inp.weight", &[e, n_expert]);
        m.tq(
            &format!("blk.{i}.ffn_gate_exps.weight"),
            &[e, ff, n_expert],
            ty(GgmlType::Q4_K),
        );
        m.tq(
            &format!("blk.{i}.ffn_up_exps.weight"),
            &[e, ff, n_expert],
            ty(GgmlType::Q4_0),
        );
        m.tq(
            &format!("blk.{i}.ffn_down_exps.weight"),
            &[ff, e, n_expert],
            ty(GgmlType::IQ4_NL),
        );
    }
    m.b
}

/// Every synthetic model with its file name.
pub fn all() -> Vec<(&'static str, GgufBuilder)> {
    vec![
        ("synth-llama-gqa.gguf", llama_gqa()),
        ("synth-deci-per-layer.gguf", deci_per_layer()),
        ("synth-qwen2-bias.gguf", qwen2_bias()),
        ("synth-deepseek2-mla.gguf", deepseek2_mla()),
        ("synth-mamba.gguf", mamba()),
        ("synth-gemma2-swa.gguf", gemma2_swa()),
        ("synth-llama-moe.gguf", llama_moe()),
        ("synth-rwkv6.gguf", rwkv6()),
        ("synth-rwkv7.gguf", rwkv7()),
        ("synth-lfm2.gguf", lfm2(None)),
        ("synth-lfm2-swa.gguf", lfm2(Some(128))),
        ("synth-granite-hybrid.gguf", granite_hybrid()),
        ("synth-cohere2-swa.gguf", cohere2()),
        ("synth-llama4-chunked.gguf", llama4()),
        ("synth-gemma4-shared-kv.gguf", gemma4()),
        ("synth-qwen3next.gguf", qwen3next()),
        ("synth-jamba.gguf", jamba()),
        ("synth-falcon-h1.gguf", falcon_h1()),
    ]
}

/// Writes every synthetic model into `dir` and returns the paths.
pub fn write_all(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut out = Vec::new();
    for (name, b) in all() {
        let p = dir.join(name);
        std::fs::write(&p, b.build())?;
        out.push(p);
    }
    Ok(out)
}
