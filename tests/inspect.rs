//! `gguflens inspect` end to end: golden text and JSON for the shipped fixture, exit codes,
//! the real models, and escaping of hostile text.

mod common;

use common::{fixture, gguflens};
use std::path::Path;

/// Compares with tests/golden/NAME, or rewrites it when GGUFLENS_UPDATE_GOLDEN is set.
fn golden(name: &str, actual: &str) {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("GGUFLENS_UPDATE_GOLDEN").is_some() {
        std::fs::write(&p, actual).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&p).unwrap_or_else(|_| {
        panic!(
            "{} missing: GGUFLENS_UPDATE_GOLDEN=1 rewrites it",
            p.display()
        )
    });
    assert!(
        want == actual,
        "output differs from {} (GGUFLENS_UPDATE_GOLDEN=1 rewrites it):\n{actual}",
        p.display()
    );
}

fn stdout(args: &[&str]) -> (i32, String, String) {
    let o = gguflens(args);
    (
        o.status.code().unwrap(),
        String::from_utf8(o.stdout).unwrap(),
        String::from_utf8(o.stderr).unwrap(),
    )
}

#[test]
fn fixture_text_and_json_are_stable() {
    let f = fixture("tiny-llama-q4_k_m.gguf");
    let f = f.to_str().unwrap();
    let (code, text, _) = stdout(&["inspect", f]);
    assert_eq!(code, 0);
    golden(
        "inspect-tiny-llama.txt",
        &text.replace(f, "fixtures/tiny-llama-q4_k_m.gguf"),
    );
    let (code, json, _) = stdout(&["inspect", "--json", f]);
    assert_eq!(code, 0);
    golden(
        "inspect-tiny-llama.json",
        &json.replace(f, "fixtures/tiny-llama-q4_k_m.gguf"),
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["schema"], "gguflens.inspect/1");
    assert_eq!(v["model"]["parameters"], 738_560);
    assert_eq!(v["model"]["tensor_bytes"], 443_072);
    assert_eq!(v["files"][0]["size"], 446_016);
    assert_eq!(v["model"]["file_type"]["name"], "Q4_K_M");
    assert_eq!(v["tokenizer"]["vocab_size"], 32);
    let md = v["metadata"].as_array().unwrap();
    let eps = md
        .iter()
        .find(|e| e["key"] == "llama.attention.layer_norm_rms_epsilon")
        .unwrap();
    assert_eq!(eps["value"], serde_json::json!(1e-5));
}

#[test]
fn real_gemma3() {
    if common::skip_without_models("inspect::real_gemma3") {
        return;
    }
    let g = common::gemma();
    let (code, json, err) = stdout(&["inspect", "--json", g.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let m = &v["model"];
    assert_eq!(m["architecture"], "gemma3");
    assert_eq!(m["parameters"], 268_098_176u64);
    assert_eq!(m["tensor_bytes"], 246_587_904u64);
    assert_eq!(m["tensor_count"], 236);
    assert_eq!(m["file_type"]["name"], "Q4_K_M");
    let f = &v["files"][0];
    assert_eq!(f["size"], 253_113_024u64);
    assert_eq!(f["header_bytes"], 6_525_112u64);
    assert_eq!(f["data_offset"], 6_525_120u64);
    assert_eq!(f["truncated"], false);
    assert_eq!(v["tokenizer"]["vocab_size"], 262_144);
    // Arrays are summarized unless --full-arrays.
    let toks = v["metadata"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["key"] == "tokenizer.ggml.tokens")
        .unwrap();
    assert_eq!(toks["value"]["len"], 262_144);
    assert_eq!(toks["value"]["items"].as_array().unwrap().len(), 8);
    assert_eq!(toks["value"]["truncated"], true);
    let types: Vec<(String, u64)> = v["types"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["type"].as_str().unwrap().to_string(),
                t["tensors"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        types,
        [
            ("Q8_0", 10),
            ("Q5_0", 81),
            ("Q4_K", 27),
            ("Q6_K", 9),
            ("F32", 109)
        ]
        .map(|(a, b)| (a.to_string(), b))
    );
}

#[test]
fn real_smollm2() {
    if common::skip_without_models("inspect::real_smollm2") {
        return;
    }
    let s = common::smollm2();
    let (code, text, _) = stdout(&["inspect", s.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(
        text.contains("file type         Q4_1 (Q4_1), general.file_type = 3"),
        "{text}"
    );
    assert!(text.contains("49,152 tokens"), "{text}");
}

#[test]
fn truncated_real_file_inspects_fully_with_exit_2() {
    if common::skip_without_models("inspect::truncated_real_file_inspects_fully_with_exit_2") {
        return;
    }
    let s = common::smollm2();
    let d = common::temp_dir("inspect-cut");
    let cut = d.join("cut.gguf");
    let bytes = std::fs::read(&s).unwrap();
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let (code, json, _) = stdout(&["inspect", "--json", cut.to_str().unwrap()]);
    assert_eq!(code, 2);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["files"][0]["truncated"], true);
    assert_eq!(v["model"]["tensor_count"], 272);
    let f = &v["findings"][0];
    assert_eq!(f["code"], "truncated-data");
    assert_eq!(f["offset"], bytes.len() as u64 / 2);
    assert_eq!(
        v["files"][0]["missing_bytes"],
        (bytes.len() - bytes.len() / 2) as u64
    );
}

#[test]
fn unreadable_files_get_one_line_and_exit_1() {
    let d = common::temp_dir("inspect-bad");
    let bad = d.join("bad.gguf");
    std::fs::write(&bad, b"GGML\x03\0\0\0").unwrap();
    let (code, out, err) = stdout(&["inspect", bad.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("bad.gguf: at byte 0 (0x0): bad magic \"GGML\""),
        "{err}"
    );

    let (code, _, err) = stdout(&["inspect", d.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(err.contains("not a regular file (a directory)"), "{err}");

    let (code, _, err) = stdout(&["inspect", d.join("nope.gguf").to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(err.contains("nope.gguf"), "{err}");
}

#[test]
fn split_fixture_reads_whole_set_from_any_shard() {
    for shard in [
        "tiny-split-00001-of-00002.gguf",
        "tiny-split-00002-of-00002.gguf",
    ] {
        let (code, json, _) = stdout(&["inspect", "--json", fixture(shard).to_str().unwrap()]);
        assert_eq!(code, 0);
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["model"]["shards"], 2);
        assert_eq!(v["model"]["tensor_count"], 4);
        assert_eq!(v["model"]["parameters"], 768);
        assert_eq!(v["files"].as_array().unwrap().len(), 2);
    }
}

#[test]
fn old_versions_and_big_endian_fixtures() {
    for (f, version, order) in [
        ("tiny-v1.gguf", 1, "little"),
        ("tiny-v2.gguf", 2, "little"),
        ("tiny-big-endian.gguf", 3, "big"),
    ] {
        let (code, json, _) = stdout(&["inspect", "--json", fixture(f).to_str().unwrap()]);
        assert_eq!(code, 0);
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["files"][0]["version"], version);
        assert_eq!(v["files"][0]["byte_order"], order);
        assert_eq!(v["model"]["tensor_bytes"], 68 + 128);
    }
}

#[test]
fn terminal_escapes_from_the_file_never_reach_the_terminal() {
    use gguflens::builder::{BValue, GgufBuilder};
    let d = common::temp_dir("inspect-esc");
    let p = d.join("esc.gguf");
    let b = GgufBuilder::new()
        .kv("general.architecture", BValue::str("llama"))
        .kv(
            "general.name",
            BValue::str("evil\x1b[2J\x1b]0;pwned\x07\u{202e}name"),
        )
        .kv("evil\x1b[31mkey", BValue::strs(&["\x1b[5m", "ok"]));
    std::fs::write(&p, b.build()).unwrap();
    let o = gguflens(&["inspect", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    assert!(!o.stdout.contains(&0x1b), "raw ESC reached stdout");
    assert!(!o.stdout.contains(&0x07), "raw BEL reached stdout");
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(!text.contains('\u{202e}'));
    assert!(
        text.contains("evil\\x1b[2J\\x1b]0;pwned\\x07\\u{202e}name"),
        "{text}"
    );
}
