//! Synthetic models with real-sized headers, for benchmarks and scale tests.
//!
//! [`qwen2_7b_like`] lays out a Qwen2-7B-class Q4_K_M file: 152,064 tokens, 151,387 merges, 339
//! tensors with the real shapes. Only the header is written; the data region can be left as a
//! hole (a sparse file) since only its size matters to header readers.

use crate::builder::{BValue, GgufBuilder};
use crate::format::ValueType;
use crate::ggml_type::GgmlType;

/// Deterministic token text of realistic length (3–12 bytes).
fn token(i: usize) -> String {
    const ALPHA: &[u8] = b"etaoinshrdlucmfwypvbgkqjxz";
    let len = 3 + (i * 7919) % 10;
    let mut s = String::with_capacity(len + 2);
    s.push('\u{120}'); // 'Ġ', the GPT-2 byte-level space
    let mut x = i.wrapping_mul(2654435761) | 1;
    for _ in 0..len {
        s.push(ALPHA[x % ALPHA.len()] as char);
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407)
            >> 7;
    }
    s
}

/// A Qwen2-7B-class Q4_K_M header (28 layers, GQA 28/4, 152k vocabulary, 151k merges).
pub fn qwen2_7b_like() -> GgufBuilder {
    let n_vocab = 152_064usize;
    let n_merges = 151_387usize;
    let (n_embd, n_ff, n_layer, n_kv) = (3584u64, 18944u64, 28u32, 512u64);
    let tokens: Vec<BValue> = (0..n_vocab)
        .map(|i| BValue::Str(token(i).into_bytes()))
        .collect();
    let merges: Vec<BValue> = (0..n_merges)
        .map(|i| BValue::Str(format!("{} {}", token(i), token(i + 1)).into_bytes()))
        .collect();
    let types: Vec<BValue> = (0..n_vocab)
        .map(|i| BValue::I32(if i < 151_643 { 1 } else { 3 }))
        .collect();
    let mut b = GgufBuilder::new()
        .kv("general.architecture", BValue::str("qwen2"))
        .kv("general.type", BValue::str("model"))
        .kv("general.name", BValue::str("Synthetic Qwen2 7B"))
        .kv("general.size_label", BValue::str("7.6B"))
        .kv("qwen2.block_count", BValue::U32(n_layer))
        .kv("qwen2.context_length", BValue::U32(131_072))
        .kv("qwen2.embedding_length", BValue::U32(n_embd as u32))
        .kv("qwen2.feed_forward_length", BValue::U32(n_ff as u32))
        .kv("qwen2.attention.head_count", BValue::U32(28))
        .kv("qwen2.attention.head_count_kv", BValue::U32(4))
        .kv("qwen2.rope.freq_base", BValue::F32(1_000_000.0))
        .kv("qwen2.attention.layer_norm_rms_epsilon", BValue::F32(1e-6))
        .kv("general.file_type", BValue::U32(15))
        .kv("tokenizer.ggml.model", BValue::str("gpt2"))
        .kv("tokenizer.ggml.pre", BValue::str("qwen2"))
        .kv(
            "tokenizer.ggml.tokens",
            BValue::Array(ValueType::STRING, tokens),
        )
        .kv(
            "tokenizer.ggml.token_type",
            BValue::Array(ValueType::I32, types),
        )
        .kv(
            "tokenizer.ggml.merges",
            BValue::Array(ValueType::STRING, merges),
        )
        .kv("tokenizer.ggml.eos_token_id", BValue::U32(151_645))
        .kv("tokenizer.ggml.padding_token_id", BValue::U32(151_643))
        .kv("tokenizer.ggml.bos_token_id", BValue::U32(151_643))
        .kv(
            "tokenizer.chat_template",
            BValue::str(&"{% for message in messages %}".repeat(60)),
        )
        .kv("general.quantization_version", BValue::U32(2));
    b.push_tensor(
        "token_embd.weight",
        &[n_embd, n_vocab as u64],
        GgmlType::Q4_K,
    );
    for i in 0..n_layer {
        // llama.cpp's Q4_K_M rule: attn_v and ffn_down get Q6_K on the first and last eighth
        // of the layers and every third layer between.
        let more = i < n_layer / 8 || i >= 7 * n_layer / 8 || (i - n_layer / 8) % 3 == 2;
        let bumped = if more { GgmlType::Q6_K } else { GgmlType::Q4_K };
        let p = |s: &str| format!("blk.{i}.{s}");
        b.push_tensor(&p("attn_norm.weight"), &[n_embd], GgmlType::F32);
        b.push_tensor(&p("attn_q.weight"), &[n_embd, n_embd], GgmlType::Q4_K);
        b.push_tensor(&p("attn_q.bias"), &[n_embd], GgmlType::F32);
        b.push_tensor(&p("attn_k.weight"), &[n_embd, n_kv], GgmlType::Q4_K);
        b.push_tensor(&p("attn_k.bias"), &[n_kv], GgmlType::F32);
        b.push_tensor(&p("attn_v.weight"), &[n_embd, n_kv], bumped);
        b.push_tensor(&p("attn_v.bias"), &[n_kv], GgmlType::F32);
        b.push_tensor(&p("attn_output.weight"), &[n_embd, n_embd], GgmlType::Q4_K);
        b.push_tensor(&p("ffn_norm.weight"), &[n_embd], GgmlType::F32);
        b.push_tensor(&p("ffn_gate.weight"), &[n_embd, n_ff], GgmlType::Q4_K);
        b.push_tensor(&p("ffn_up.weight"), &[n_embd, n_ff], GgmlType::Q4_K);
        b.push_tensor(&p("ffn_down.weight"), &[n_ff, n_embd], bumped);
    }
    b.push_tensor("output_norm.weight", &[n_embd], GgmlType::F32);
    b.push_tensor("output.weight", &[n_embd, n_vocab as u64], GgmlType::Q6_K);
    b
}
