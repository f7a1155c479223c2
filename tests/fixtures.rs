//! The committed fixtures under fixtures/ are generated here, deterministically, by the project's
//! builder. The test fails if a committed file differs from what the generator writes now;
//! `GGUFLENS_UPDATE_FIXTURES=1 cargo test --test fixtures` rewrites them.

mod common;

use gguflens::builder::{BValue, GgufBuilder};
use gguflens::GgmlType;

/// Deterministic, non-zero tensor bytes whose f16/f32 scale fields are finite (no byte reaches
/// 0x70, so no exponent field is all ones).
fn pattern(n: usize, seed: usize) -> Vec<u8> {
    (0..n)
        .map(|i| ((i * 31 + seed * 17 + 7) % 0x60) as u8 + 1)
        .collect()
}

fn add(b: &mut GgufBuilder, name: &str, dims: &[u64], ty: GgmlType) {
    let n = ty.tensor_bytes(dims).unwrap() as usize;
    let seed = b.tensors.len();
    b.tensors.push(gguflens::builder::BTensor {
        name: name.as_bytes().to_vec(),
        dims: dims.to_vec(),
        ggml_type: ty.0,
        offset: None,
        data: Some(pattern(n, seed)),
    });
}

/// A two-block llama-architecture model laid out the way llama.cpp's Q4_K_M writes one: Q4_K
/// weights, attn_v and ffn_down raised to Q6_K on the last layer, F32 norms, Q6_K output.
pub fn tiny_llama() -> GgufBuilder {
    let vocab: Vec<String> = ["<unk>", "<s>", "</s>"]
        .iter()
        .map(|s| s.to_string())
        .chain((0..29).map(|i| format!("tok{i}")))
        .collect();
    let mut b = GgufBuilder::new()
        .kv("general.architecture", BValue::str("llama"))
        .kv("general.type", BValue::str("model"))
        .kv("general.name", BValue::str("Tiny Llama (gguflens fixture)"))
        .kv("general.size_label", BValue::str("0.5M"))
        .kv("general.file_type", BValue::U32(15))
        .kv("general.quantization_version", BValue::U32(2))
        .kv("llama.context_length", BValue::U32(2048))
        .kv("llama.embedding_length", BValue::U32(256))
        .kv("llama.block_count", BValue::U32(2))
        .kv("llama.feed_forward_length", BValue::U32(256))
        .kv("llama.attention.head_count", BValue::U32(4))
        .kv("llama.attention.head_count_kv", BValue::U32(1))
        .kv("llama.attention.layer_norm_rms_epsilon", BValue::F32(1e-5))
        .kv("llama.rope.freq_base", BValue::F32(10000.0))
        .kv("llama.rope.dimension_count", BValue::U32(64))
        .kv("llama.vocab_size", BValue::U32(32))
        .kv("tokenizer.ggml.model", BValue::str("gpt2"))
        .kv("tokenizer.ggml.pre", BValue::str("default"))
        .kv("tokenizer.ggml.tokens", BValue::strs(&vocab))
        .kv(
            "tokenizer.ggml.token_type",
            BValue::i32s(&[vec![3; 3], vec![1; 29]].concat()),
        )
        .kv("tokenizer.ggml.merges", BValue::strs(&["t o", "to k"]))
        .kv("tokenizer.ggml.bos_token_id", BValue::U32(1))
        .kv("tokenizer.ggml.eos_token_id", BValue::U32(2))
        .kv("tokenizer.ggml.unknown_token_id", BValue::U32(0))
        .kv(
            "tokenizer.chat_template",
            BValue::str("{% for m in messages %}<s>{{ m['content'] }}</s>{% endfor %}"),
        );
    add(&mut b, "token_embd.weight", &[256, 32], GgmlType::Q4_K);
    add(&mut b, "output_norm.weight", &[256], GgmlType::F32);
    add(&mut b, "output.weight", &[256, 32], GgmlType::Q6_K);
    for i in 0..2 {
        let bump = if i == 1 {
            GgmlType::Q6_K
        } else {
            GgmlType::Q4_K
        };
        add(
            &mut b,
            &format!("blk.{i}.attn_norm.weight"),
            &[256],
            GgmlType::F32,
        );
        add(
            &mut b,
            &format!("blk.{i}.attn_q.weight"),
            &[256, 256],
            GgmlType::Q4_K,
        );
        add(
            &mut b,
            &format!("blk.{i}.attn_k.weight"),
            &[256, 64],
            GgmlType::Q4_K,
        );
        add(&mut b, &format!("blk.{i}.attn_v.weight"), &[256, 64], bump);
        add(
            &mut b,
            &format!("blk.{i}.attn_output.weight"),
            &[256, 256],
            GgmlType::Q4_K,
        );
        add(
            &mut b,
            &format!("blk.{i}.ffn_norm.weight"),
            &[256],
            GgmlType::F32,
        );
        add(
            &mut b,
            &format!("blk.{i}.ffn_gate.weight"),
            &[256, 256],
            GgmlType::Q4_K,
        );
        add(
            &mut b,
            &format!("blk.{i}.ffn_up.weight"),
            &[256, 256],
            GgmlType::Q4_K,
        );
        add(
            &mut b,
            &format!("blk.{i}.ffn_down.weight"),
            &[256, 256],
            bump,
        );
    }
    b
}

fn small_parts() -> GgufBuilder {
    let mut b = GgufBuilder::new()
        .kv("general.architecture", BValue::str("llama"))
        .kv("llama.block_count", BValue::U32(1))
        .kv("tokenizer.ggml.tokens", BValue::strs(&["a", "b"]));
    add(&mut b, "token_embd.weight", &[32, 2], GgmlType::Q8_0);
    add(&mut b, "blk.0.attn_norm.weight", &[32], GgmlType::F32);
    b
}

fn split(no: u16, tensors: &[(&str, &[u64])]) -> GgufBuilder {
    let mut b = GgufBuilder::new();
    if no == 0 {
        b.push_kv("general.architecture", BValue::str("llama"));
        b.push_kv("llama.block_count", BValue::U32(2));
    }
    b.push_kv("split.no", BValue::U16(no));
    b.push_kv("split.count", BValue::U16(2));
    b.push_kv("split.tensors.count", BValue::I32(4));
    for (name, dims) in tensors {
        add(&mut b, name, dims, GgmlType::Q8_0);
    }
    b
}

fn all() -> Vec<(&'static str, Vec<u8>)> {
    let mut v1 = small_parts();
    v1.version = 1;
    let mut be = small_parts();
    be.big_endian = true;
    vec![
        ("tiny-llama-q4_k_m.gguf", tiny_llama().build()),
        ("tiny-v1.gguf", v1.build()),
        ("tiny-v2.gguf", {
            let mut b = small_parts();
            b.version = 2;
            b.build()
        }),
        ("tiny-big-endian.gguf", be.build()),
        (
            "tiny-split-00001-of-00002.gguf",
            split(
                0,
                &[
                    ("blk.0.attn_q.weight", &[64, 4]),
                    ("blk.0.attn_k.weight", &[64, 2]),
                ],
            )
            .build(),
        ),
        (
            "tiny-split-00002-of-00002.gguf",
            split(
                1,
                &[
                    ("blk.1.attn_q.weight", &[64, 4]),
                    ("blk.1.attn_k.weight", &[64, 2]),
                ],
            )
            .build(),
        ),
    ]
}

#[test]
fn fixtures_are_current() {
    let update = std::env::var_os("GGUFLENS_UPDATE_FIXTURES").is_some();
    for (name, bytes) in all() {
        let path = common::fixture(name);
        if update {
            std::fs::write(&path, &bytes).unwrap();
        } else {
            let have = std::fs::read(&path).unwrap_or_else(|_| {
                panic!("{name} missing: GGUFLENS_UPDATE_FIXTURES=1 cargo test --test fixtures")
            });
            assert!(
                have == bytes,
                "{name} differs from its generator (GGUFLENS_UPDATE_FIXTURES=1 rewrites it)"
            );
        }
    }
}
