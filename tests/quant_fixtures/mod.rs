//! Synthetic models that follow llama.cpp's quantization patterns, built with `GgufBuilder`.
//! The per-layer types are written out here from hand-computed layer lists, never from the
//! crate's own rule engine, so the tests check the engine against an independent source.
#![allow(dead_code)]

use gguflens::builder::{BValue, GgufBuilder};
use gguflens::GgmlType;
use std::path::{Path, PathBuf};

pub const F32: GgmlType = GgmlType(0);
pub const Q4_K: GgmlType = GgmlType(12);
pub const Q5_K: GgmlType = GgmlType(13);
pub const Q6_K: GgmlType = GgmlType(14);
pub const Q8_0: GgmlType = GgmlType(8);

/// use_more_bits(i, 28), by hand: n/8 = 3, 7n/8 = 24; every third layer between starts at 5.
pub const UMB_28: &[u64] = &[0, 1, 2, 5, 8, 11, 14, 17, 20, 23, 24, 25, 26, 27];
/// use_more_bits(i, 32), by hand: n/8 = 4, 7n/8 = 28; every third layer between starts at 6.
pub const UMB_32: &[u64] = &[0, 1, 2, 3, 6, 9, 12, 15, 18, 21, 24, 27, 28, 29, 30, 31];

/// Row length: a multiple of 256, so no row-size fallback applies.
pub const N_EMBD: u64 = 256;
/// Rows per weight: tiny, to keep files small.
pub const ROWS: u64 = 2;

/// The per-layer types of a llama-like model.
pub struct Mix<'a> {
    /// general.file_type.
    pub ftype: u32,
    /// Type of attn_v in layer i.
    pub attn_v: &'a dyn Fn(u64) -> GgmlType,
    /// Type of ffn_down in layer i.
    pub ffn_down: &'a dyn Fn(u64) -> GgmlType,
    /// Type of output.weight.
    pub output: GgmlType,
    /// Type of everything else quantized.
    pub rest: GgmlType,
}

/// A llama-like model with `n_layer` blocks (head_count 8 = head_count_kv: gqa 1).
pub fn llama(n_layer: u64, mix: &Mix, n_head_kv: u32) -> GgufBuilder {
    let mut b = GgufBuilder::new()
        .kv("general.architecture", BValue::str("llama"))
        .kv("general.name", BValue::str("fixture"))
        .kv("general.file_type", BValue::U32(mix.ftype))
        .kv("llama.block_count", BValue::U32(n_layer as u32))
        .kv("llama.embedding_length", BValue::U32(N_EMBD as u32))
        .kv("llama.attention.head_count", BValue::U32(8))
        .kv("llama.attention.head_count_kv", BValue::U32(n_head_kv))
        .kv("general.quantization_version", BValue::U32(2));
    b.push_tensor("token_embd.weight", &[N_EMBD, 8], mix.rest);
    for i in 0..n_layer {
        let p = |r: &str| format!("blk.{i}.{r}.weight");
        b.push_tensor(&p("attn_norm"), &[N_EMBD], F32);
        b.push_tensor(&p("attn_q"), &[N_EMBD, ROWS], mix.rest);
        b.push_tensor(&p("attn_k"), &[N_EMBD, ROWS], mix.rest);
        b.push_tensor(&p("attn_v"), &[N_EMBD, ROWS], (mix.attn_v)(i));
        b.push_tensor(&p("attn_output"), &[N_EMBD, ROWS], mix.rest);
        b.push_tensor(&p("ffn_norm"), &[N_EMBD], F32);
        b.push_tensor(&p("ffn_gate"), &[N_EMBD, ROWS], mix.rest);
        b.push_tensor(&p("ffn_up"), &[N_EMBD, ROWS], mix.rest);
        b.push_tensor(&p("ffn_down"), &[N_EMBD, ROWS], (mix.ffn_down)(i));
    }
    b.push_tensor("output_norm.weight", &[N_EMBD], F32);
    b.push_tensor("output.weight", &[N_EMBD, 8], mix.output);
    b
}

/// Q4_K_M (ftype 15): attn_v and ffn_down Q6_K on the use_more_bits layers, output Q6_K.
pub fn q4_k_m(n_layer: u64, bumped: &'static [u64]) -> GgufBuilder {
    let f = move |i: u64| if bumped.contains(&i) { Q6_K } else { Q4_K };
    llama(
        n_layer,
        &Mix {
            ftype: 15,
            attn_v: &f,
            ffn_down: &f,
            output: Q6_K,
            rest: Q4_K,
        },
        8,
    )
}

/// Q4_K_S (ftype 14) of the 32-layer model: attn_v Q5_K on the first 4 tensors, ffn_down Q5_K
/// on layers < 32/8 = 4.
pub fn q4_k_s_32() -> GgufBuilder {
    let f = |i: u64| if i < 4 { Q5_K } else { Q4_K };
    llama(
        32,
        &Mix {
            ftype: 14,
            attn_v: &f,
            ffn_down: &f,
            output: Q6_K,
            rest: Q4_K,
        },
        8,
    )
}

/// Experts in the MoE fixture.
pub const N_EXPERT: u64 = 8;
/// Experts used per token.
pub const N_EXPERT_USED: u64 = 2;
/// Blocks of the MoE fixture.
pub const MOE_LAYERS: u64 = 4;

/// A 4-block MoE (qwen2moe-like) Q4_K_M with 8 experts (2 used) and a shared expert. With
/// exactly 8 experts llama.cpp puts attn_v and attn_k in Q8_0 and attn_output in Q5_K; ffn_down
/// (experts and shared) follows use_more_bits of the block id: n = 4, n/8 = 0, 7n/8 = 3, so
/// layers 2 ((2 − 0) % 3 = 2) and 3 get Q6_K.
pub fn moe() -> GgufBuilder {
    let mut b = GgufBuilder::new()
        .kv("general.architecture", BValue::str("qwen2moe"))
        .kv("general.file_type", BValue::U32(15))
        .kv("qwen2moe.block_count", BValue::U32(MOE_LAYERS as u32))
        .kv("qwen2moe.attention.head_count", BValue::U32(8))
        .kv("qwen2moe.attention.head_count_kv", BValue::U32(8))
        .kv("qwen2moe.expert_count", BValue::U32(N_EXPERT as u32))
        .kv(
            "qwen2moe.expert_used_count",
            BValue::U32(N_EXPERT_USED as u32),
        );
    b.push_tensor("token_embd.weight", &[N_EMBD, 8], Q4_K);
    for i in 0..MOE_LAYERS {
        let p = |r: &str| format!("blk.{i}.{r}.weight");
        let down = if i >= 2 { Q6_K } else { Q4_K };
        b.push_tensor(&p("attn_norm"), &[N_EMBD], F32);
        b.push_tensor(&p("attn_q"), &[N_EMBD, ROWS], Q4_K);
        b.push_tensor(&p("attn_k"), &[N_EMBD, ROWS], Q8_0);
        b.push_tensor(&p("attn_v"), &[N_EMBD, ROWS], Q8_0);
        b.push_tensor(&p("attn_output"), &[N_EMBD, ROWS], Q5_K);
        b.push_tensor(&p("ffn_norm"), &[N_EMBD], F32);
        b.push_tensor(&p("ffn_gate_inp"), &[N_EMBD, N_EXPERT], F32);
        b.push_tensor(&p("ffn_gate_exps"), &[N_EMBD, ROWS, N_EXPERT], Q4_K);
        b.push_tensor(&p("ffn_up_exps"), &[N_EMBD, ROWS, N_EXPERT], Q4_K);
        b.push_tensor(&p("ffn_down_exps"), &[N_EMBD, ROWS, N_EXPERT], down);
        b.push_tensor(&p("ffn_gate_shexp"), &[N_EMBD, ROWS], Q4_K);
        b.push_tensor(&p("ffn_up_shexp"), &[N_EMBD, ROWS], Q4_K);
        b.push_tensor(&p("ffn_down_shexp"), &[N_EMBD, ROWS], down);
    }
    b.push_tensor("output_norm.weight", &[N_EMBD], F32);
    b.push_tensor("output.weight", &[N_EMBD, 8], Q6_K);
    b
}

/// Writes a builder's file into `dir`.
pub fn write(dir: &Path, name: &str, b: &GgufBuilder) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, b.build()).unwrap();
    p
}

/// use_more_bits(i, 80), by hand: n/8 = 10, 7n/8 = 70; every third layer between starts at 12.
pub fn umb_80() -> Vec<u64> {
    let mut v: Vec<u64> = (0..10).collect();
    v.extend((12..70).step_by(3));
    v.extend(70..80);
    v
}

/// An 80-layer llama with grouped-query attention (8 heads, 1 KV head): llama.cpp's "70B"
/// model, whose Q4_K_M raises the non-bumped attn_v from Q4_K to Q5_K.
pub fn llama_70b_q4_k_m() -> GgufBuilder {
    let bumped = umb_80();
    let b2 = bumped.clone();
    let v = move |i: u64| if bumped.contains(&i) { Q6_K } else { Q5_K };
    let d = move |i: u64| if b2.contains(&i) { Q6_K } else { Q4_K };
    llama(
        80,
        &Mix {
            ftype: 15,
            attn_v: &v,
            ffn_down: &d,
            output: Q6_K,
            rest: Q4_K,
        },
        1,
    )
}
