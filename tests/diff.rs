//! `gguflens diff A B`: type changes per role and block, totals, metadata.

mod common;
mod quant_fixtures;

use gguflens::builder::BValue;
use gguflens::diff::{compare, Scalar, Shown, ValueSummary};
use gguflens::{GgmlType, ModelFiles};
use quant_fixtures as fx;

fn s(p: &std::path::Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn q4_k_m_against_q4_k_s() {
    let d = common::temp_dir("diff-mk");
    let a = fx::write(&d, "m.gguf", &fx::q4_k_m(32, fx::UMB_32));
    let b = fx::write(&d, "s.gguf", &fx::q4_k_s_32());
    let fa = ModelFiles::open(&a).unwrap();
    let fb = ModelFiles::open(&b).unwrap();
    let (ma, mb) = (fa.parse().unwrap(), fb.parse().unwrap());
    let r = compare(&ma, &mb);
    assert!(!r.identical());
    // Q4_K_M: Q6_K on UMB_32; Q4_K_S: Q5_K on 0–3, Q4_K elsewhere.
    let group = |role: &str, ta: GgmlType, tb: GgmlType| -> Vec<u64> {
        r.changes
            .iter()
            .find(|c| c.role == role && c.type_a == ta && c.type_b == tb)
            .map(|c| c.layers.clone())
            .unwrap_or_default()
    };
    for role in ["attn_v", "ffn_down"] {
        assert_eq!(group(role, fx::Q6_K, fx::Q5_K), [0, 1, 2, 3]);
        assert_eq!(
            group(role, fx::Q6_K, fx::Q4_K),
            [6, 9, 12, 15, 18, 21, 24, 27, 28, 29, 30, 31]
        );
    }
    assert_eq!(r.changes.len(), 4);
    // Bytes: per tensor Q6_K [256, 2] = 420, Q5_K = 352, Q4_K = 288.
    let delta = r.totals_b.bytes as i64 - r.totals_a.bytes as i64;
    assert_eq!(delta, 2 * (4 * (352 - 420) + 12 * (288 - 420)));
    assert_eq!(r.only_a.len() + r.only_b.len(), 0);
    let keys: Vec<&str> = r.metadata.iter().map(|m| m.key.as_str()).collect();
    assert_eq!(keys, ["general.file_type"]);
    let shown = |v: &Option<ValueSummary>| v.as_ref().unwrap().shown.clone();
    assert_eq!(shown(&r.metadata[0].a), Shown::Scalar(Scalar::Int(15)));
    assert_eq!(shown(&r.metadata[0].b), Shown::Scalar(Scalar::Int(14)));

    let out = common::gguflens(&["diff", s(&a), s(&b)]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("attn_v"), "{text}");
    assert!(text.contains("0–3"), "{text}");
    assert!(text.contains("6, 9, 12, 15, 18, 21, 24, 27–31"), "{text}");
    assert!(text.contains("general.file_type"), "{text}");
    let out = common::gguflens(&["diff", "--exit-code", s(&a), s(&b)]);
    assert_eq!(out.status.code(), Some(3));

    let out = common::gguflens(&["diff", "--json", s(&a), s(&b)]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["schema"], "gguflens.diff/1");
    assert_eq!(v["identical"], false);
    assert_eq!(v["file_type"][0], "Q4_K_M");
    assert_eq!(v["file_type"][1], "Q4_K_S");
    assert_eq!(v["totals"]["bytes_delta"], delta);
    let c = v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["role"] == "attn_v" && c["type_b"] == "Q5_K")
        .unwrap();
    assert_eq!(c["a"]["bytes"], 4 * 420);
    assert_eq!(c["b"]["bytes"], 4 * 352);
    assert_eq!(c["bytes_delta"], 4 * (352 - 420));
    assert_eq!(c["a"]["bpw"], 6.5625);
    assert_eq!(c["b"]["bpw"], 5.5);
}

#[test]
fn identical_files() {
    let d = common::temp_dir("diff-same");
    let a = fx::write(&d, "a.gguf", &fx::moe());
    let b = fx::write(&d, "b.gguf", &fx::moe());
    let out = common::gguflens(&["diff", "--exit-code", s(&a), s(&b)]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("identical tensor directories (55 tensors)"),
        "{text}"
    );
}

#[test]
fn metadata_arrays_summarized_and_lone_tensors() {
    let d = common::temp_dir("diff-meta");
    let base = fx::moe();
    let a = base
        .clone()
        .kv("tokenizer.ggml.tokens", BValue::strs(&["a", "b", "c"]))
        .kv("only.a", BValue::U32(1));
    let mut b = base
        .clone()
        .kv("tokenizer.ggml.tokens", BValue::strs(&["a", "b", "d"]))
        .tensor("extra.weight", &[32], fx::F32);
    b.tensors.retain(|t| t.name != b"output.weight");
    let pa = fx::write(&d, "a.gguf", &a);
    let pb = fx::write(&d, "b.gguf", &b);
    let out = common::gguflens(&["diff", "--json", s(&pa), s(&pb)]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let meta = v["metadata"].as_array().unwrap();
    let tok = meta
        .iter()
        .find(|m| m["key"] == "tokenizer.ggml.tokens")
        .unwrap();
    assert_eq!(tok["a"]["len"], 3);
    assert_eq!(tok["a"]["type"], "array[string]");
    assert_ne!(tok["a"]["hash"], tok["b"]["hash"]);
    assert!(tok["b"]["text"].as_str().unwrap().contains("\"d\""));
    let only = meta.iter().find(|m| m["key"] == "only.a").unwrap();
    assert!(only["b"].is_null());
    assert_eq!(v["only_a"][0]["name"], "output.weight");
    assert_eq!(v["only_b"][0]["name"], "extra.weight");
}

#[test]
fn real_models_differ() {
    if common::skip_without_models("diff::real_models_differ") {
        return;
    }
    let g = common::gemma();
    let m = common::smollm2();
    let out = common::gguflens(&["diff", "--json", s(&g), s(&m)]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["totals"]["a"]["bytes"], 246_587_904u64);
    assert_eq!(v["totals"]["a"]["tensors"], 236);
    assert_eq!(v["totals"]["b"]["tensors"], 272);
    assert_eq!(v["file_type"][1], "Q4_1");
    // Gemma's token_embd is Q8_0 [640, 262144], SmolLM2's Q8_0 [576, 49152]: a shape change.
    let te = v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["role"] == "token_embd")
        .unwrap();
    assert_eq!(te["shape_changed"], true);
    // blk.0.attn_q: Q5_0 in Gemma, Q4_1 in SmolLM2.
    let q = v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["role"] == "attn_q" && c["type_a"] == "Q5_0")
        .unwrap();
    assert_eq!(q["type_b"], "Q4_1");
    // Tensors in one file only come grouped by role, blocks gathered.
    assert_eq!(v["architecture"], serde_json::json!(["gemma3", "llama"]));
    let g0 = &v["only_a_roles"][0];
    assert_eq!(
        (g0["role"].as_str(), g0["type"].as_str()),
        (Some("attn_k_norm"), Some("F32"))
    );
    assert_eq!(
        (
            g0["tensors"].as_u64(),
            g0["layers"].as_array().unwrap().len()
        ),
        (Some(18), 18)
    );
    let text = String::from_utf8(common::gguflens(&["diff", s(&g), s(&m)]).stdout).unwrap();
    assert!(
        text.contains(
            "note: different architectures (gemma3 and llama): tensors are matched by name only"
        ),
        "{text}"
    );
    assert!(text.contains("Only in A (72 tensors)"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>()
                == ["attn_k_norm", "0–17", "F32", "18", "18.00", "KiB"]),
        "{text}"
    );
    assert!(
        text.lines().filter(|l| l.contains("attn_k_norm")).count() <= 2,
        "{text}"
    );
    let arch = v["metadata"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["key"] == "general.architecture")
        .unwrap();
    assert_eq!(arch["a"]["text"], "\"gemma3\"");
    assert_eq!(arch["b"]["text"], "\"llama\"");
    let out = common::gguflens(&["diff", s(&g), s(&m)]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Type changes (A → B)"), "{text}");
}

#[test]
fn unreadable_side_exits_1() {
    if common::skip_without_models("diff::unreadable_side_exits_1") {
        return;
    }
    let d = common::temp_dir("diff-bad");
    let bad = d.join("bad.gguf");
    std::fs::write(&bad, b"NOPE").unwrap();
    let out = common::gguflens(&["diff", s(&common::smollm2()), s(&bad)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad.gguf"));
}

#[test]
fn many_metadata_keys_are_matched_by_lookup() {
    // 60,000 keys on each side: a linear search per key took minutes; a lookup takes milliseconds.
    let n = 60_000u32;
    let build = |changed: u32| {
        let mut g = gguflens::builder::GgufBuilder::new();
        for i in 0..n {
            let v = if i == changed { i + 1 } else { i };
            g.push_kv(&format!("k.{i}"), BValue::U32(v));
        }
        g.push_kv(&format!("only.{changed}"), BValue::U32(0));
        g.build()
    };
    let d = common::temp_dir("diff-keys");
    let a = d.join("a.gguf");
    let b = d.join("b.gguf");
    std::fs::write(&a, build(7)).unwrap();
    std::fs::write(&b, build(9)).unwrap();
    let fa = ModelFiles::open(&a).unwrap();
    let fb = ModelFiles::open(&b).unwrap();
    let (ma, mb) = (fa.parse().unwrap(), fb.parse().unwrap());
    let t = std::time::Instant::now();
    let r = compare(&ma, &mb);
    assert!(t.elapsed().as_secs() < 5, "diff took {:?}", t.elapsed());
    let keys: Vec<&str> = r.metadata.iter().map(|m| m.key.as_str()).collect();
    assert_eq!(keys, ["k.7", "k.9", "only.7", "only.9"]);
    assert_eq!(r.same_keys, u64::from(n) - 2);
}

#[test]
fn one_key_is_one_key() {
    use gguflens::builder::{BValue, GgufBuilder};
    let d = common::temp_dir("diff-one-key");
    let make = |name: &str, v: u32| {
        let p = d.join(name);
        let b = GgufBuilder::new()
            .kv("general.architecture", BValue::str("llama"))
            .kv("llama.context_length", BValue::U32(v))
            .tensor("blk.0.attn_q.weight", &[32, 2], gguflens::GgmlType::F32);
        std::fs::write(&p, b.build()).unwrap();
        p
    };
    let (a, b) = (make("a.gguf", 2048), make("b.gguf", 4096));
    let text = String::from_utf8(common::gguflens(&["diff", s(&a), s(&b)]).stdout).unwrap();
    assert!(text.contains("Metadata (1 key differs, 1 alike)"), "{text}");
    assert!(!text.contains("different architectures"), "{text}");
}
