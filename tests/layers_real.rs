//! `gguflens layers` on files written by llama.cpp's quantizer that the pattern fixtures do not
//! cover: an official Q4_K_M whose blocks are stored in text order (quantized by a llama.cpp
//! from before the quantizer visited tensors by layer number), and tiny models re-quantized by
//! llama.cpp 0c1e570 (scripts/oracle/requant_tiny.py) whose rows are too short for the chosen
//! types' blocks.

mod common;

use gguflens::layers::{analyze, BlockOrder, LayersAnalysis};
use gguflens::quant_rules::{self, CounterOrder, Rule};
use gguflens::{GgmlType, ModelFiles};
use std::path::Path;

fn analysis(p: &Path) -> LayersAnalysis {
    let f = ModelFiles::open(p).unwrap();
    let m = f.parse().unwrap();
    analyze(&m)
}

fn layers_of(a: &LayersAnalysis, role: &str, ty: &str) -> Vec<u64> {
    let mut v: Vec<u64> = a
        .tensors
        .iter()
        .filter(|t| t.role == role && t.ggml_type.name() == ty)
        .filter_map(|t| quant_rules::block_index(&t.name))
        .collect();
    v.sort_unstable();
    v
}

#[test]
fn text_ordered_q4_k_m_is_explained_by_file_position() {
    let a = analysis(&common::qwen15b());
    assert_eq!(a.tensors.len(), 339);
    assert_eq!(a.block_order, BlockOrder::Text);
    assert_eq!(a.counter_order, Some(CounterOrder::File));
    assert!(a.unexplained.is_empty(), "{:?}", a.unexplained);
    // Counting by position in blk.0, blk.1, blk.10, …, blk.9 order: use_more_bits(i, 28) holds
    // for positions 0–2, 5, 8, 11, 14, 17, 20, 23–27, which are these layers.
    let bumped = [0, 1, 5, 6, 7, 8, 9, 10, 13, 16, 19, 21, 24, 27];
    assert_eq!(layers_of(&a, "attn_v", "Q6_K"), bumped);
    assert_eq!(layers_of(&a, "ffn_down", "Q6_K"), bumped);
    assert_eq!(layers_of(&a, "attn_v", "Q4_K").len(), 14);
    // Every quantized tensor is explained by the current rules (no older-version alternative).
    for t in &a.tensors {
        let p = t.prediction.as_ref().unwrap();
        assert_eq!(
            p.expected.map_or(t.ggml_type, |e| e),
            t.ggml_type,
            "{}",
            t.name
        );
    }
    // blk.10.attn_v is the third attn_v of the file: i = 2 of 28 (i < n/8).
    let t = a
        .tensors
        .iter()
        .find(|t| t.name == "blk.10.attn_v.weight")
        .unwrap();
    let p = t.prediction.as_ref().unwrap();
    assert_eq!((p.rule, p.position), (Rule::UseMoreBits, Some((2, 28))));

    // Counted by layer number, 32 tensors would be unexplained (the report).
    let f = ModelFiles::open(common::qwen15b()).unwrap();
    let m = f.parse().unwrap();
    let params = quant_rules::QuantParams::from_model(&m).unwrap();
    let names: Vec<(String, Vec<u64>)> = m
        .tensors()
        .map(|(_, t)| (t.name_str().into_owned(), t.shape().to_vec()))
        .collect();
    let shapes: Vec<quant_rules::TensorShape> = names
        .iter()
        .map(|(n, d)| quant_rules::TensorShape { name: n, dims: d })
        .collect();
    let by_layer = quant_rules::predict_all_in(&params, &shapes, CounterOrder::Layer).unwrap();
    let wrong = by_layer
        .iter()
        .zip(m.tensors())
        .filter(|(p, (_, t))| p.check(t.ggml_type) == quant_rules::Verdict::Unexplained)
        .count();
    assert_eq!(wrong, 32);
}

#[test]
fn text_ordered_file_says_so_in_text_and_json() {
    let path = common::qwen15b();
    let p = path.to_str().unwrap();
    let out = common::gguflens(&["layers", p]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("layer rules counted by position in the file (blocks stored in text order: blk.0, blk.1, blk.10, …), as llama.cpp's quantizer did before b3999 (2024-11)"),
        "{text}"
    );
    assert!(text.contains("339 of 339 tensors explained by the Q4_K_M rules, 0 unexplained"));
    let out = common::gguflens(&["layers", "--json", p]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["rules"]["counter_order"], "file");
    assert_eq!(v["rules"]["block_order"], "text");
    assert_eq!(v["rules"]["unexplained_count"], 0);
    // A file in layer order says nothing about it in text, and `layer` in JSON.
    let g = common::gemma();
    let out = common::gguflens(&["layers", "--json", g.to_str().unwrap()]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["rules"]["counter_order"], "layer");
    assert_eq!(v["rules"]["block_order"], "layer");
    let text =
        String::from_utf8(common::gguflens(&["layers", g.to_str().unwrap()]).stdout).unwrap();
    assert!(!text.contains("layer rules counted"), "{text}");
}

fn requant(name: &str) -> std::path::PathBuf {
    common::fixture(&format!("requant/{name}"))
}

#[test]
fn short_rows_fall_back_to_f16_as_llama_cpp_does() {
    for name in [
        "tiny-llama-q8_0.gguf",
        "tiny-llama-q4_k_m.gguf",
        "tiny-qwen2-q8_0.gguf",
        "tiny-qwen2-q4_k_m.gguf",
    ] {
        let a = analysis(&requant(name));
        assert!(a.unexplained.is_empty(), "{name}: {:?}", a.unexplained);
        assert_eq!(a.counter_order, Some(CounterOrder::Layer), "{name}");
        let out = common::gguflens(&["layers", "--json", requant(name).to_str().unwrap()]);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        for group in ["explanations", "unexplained"] {
            for e in v["rules"][group].as_array().unwrap() {
                let text = e["text"].as_str().unwrap();
                assert!(!text.contains("block of 0"), "{name}: {text}");
                assert!(!text.contains("?'s"), "{name}: {text}");
            }
        }
    }
    // Rows of 48: Q8_0 has no smaller block, so llama.cpp writes F16.
    let a = analysis(&requant("tiny-qwen2-q8_0.gguf"));
    let q = a
        .tensors
        .iter()
        .find(|t| t.name == "blk.0.attn_q.weight")
        .unwrap();
    assert_eq!(q.ggml_type, GgmlType::F16);
    let f = q.prediction.as_ref().unwrap().fallback.unwrap();
    assert_eq!(
        (f.from, f.to, f.ne0, f.block),
        (GgmlType::Q8_0, GgmlType::F16, 48, 32)
    );
    // Q4_K_M: the output goes to Q8_0 (row not a multiple of 256), then to F16 (nor of 32).
    let a = analysis(&requant("tiny-qwen2-q4_k_m.gguf"));
    let o = a
        .tensors
        .iter()
        .find(|t| t.name == "output.weight")
        .unwrap();
    let p = o.prediction.as_ref().unwrap();
    assert_eq!(
        (o.ggml_type, p.rule, p.mix),
        (GgmlType::F16, Rule::OutputRowQ8, Some(GgmlType::Q8_0))
    );
    // Rows of 64 (ffn_down): Q4_K → Q5_0 and, where use_more_bits raises it, Q6_K → Q8_0.
    assert_eq!(layers_of(&a, "ffn_down", "Q8_0"), [2]);
    assert_eq!(layers_of(&a, "ffn_down", "Q5_0"), [0, 1]);
    let text = String::from_utf8(
        common::gguflens(&[
            "layers",
            requant("tiny-qwen2-q4_k_m.gguf").to_str().unwrap(),
        ])
        .stdout,
    )
    .unwrap();
    assert!(
        text.contains("set to Q8_0 as output / tied embedding because the row of 48 is not a multiple of Q4_K's block of 256; Q8_0 → F16 fallback because the row of 48 is not a multiple of 32"),
        "{text}"
    );
    assert!(text.contains("39 of 39 tensors explained"), "{text}");
}
