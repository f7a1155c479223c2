//! Cross-check against llama.cpp's own reader (PyPI `gguf`, GGUFReader) on the real models:
//! every metadata key, type and value, and every tensor's name, type, shape and data offset.
//!
//! The Python interpreter comes from GGUFLENS_PYTHON, else `.venv/bin/python` in the repo
//! (`.ci/run` creates it), else `python3`.

mod common;

use gguflens::{ModelFiles, Value};
use serde_json::{json, Value as J};
use std::path::{Path, PathBuf};
use std::process::Command;

fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("GGUFLENS_PYTHON") {
        return p.into();
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python");
    if venv.exists() {
        venv
    } else {
        "python3".into()
    }
}

/// True when PyPI `gguf` cannot be imported and the test should return (see
/// [`common::skip`]).
fn skip_without_gguf_py(test: &str) -> bool {
    let ok = Command::new(python())
        .args(["-c", "import gguf"])
        .output()
        .is_ok_and(|o| o.status.success());
    !ok && common::skip(
        test,
        "Python with PyPI gguf not found: run scripts/setup-tests.sh (it creates .venv)",
    )
}

fn oracle(path: &Path) -> J {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/gguf_py_dump.py");
    let out = Command::new(python())
        .arg(script)
        .arg(path)
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "gguf_py_dump.py failed (is PyPI `gguf` installed? .ci/run sets up .venv): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Our value in the oracle's terms: f32 widened exactly, arrays as plain lists.
fn ours(v: &Value) -> J {
    match *v {
        Value::U8(x) => json!(x),
        Value::I8(x) => json!(x),
        Value::U16(x) => json!(x),
        Value::I16(x) => json!(x),
        Value::U32(x) => json!(x),
        Value::I32(x) => json!(x),
        Value::U64(x) => json!(x),
        Value::I64(x) => json!(x),
        Value::F32(x) => json!(x as f64),
        Value::F64(x) => json!(x),
        Value::Bool(b) => json!(b != 0),
        Value::String(s) => json!(s.to_string_lossy()),
        Value::Array(a) => J::Array(a.iter().map(|x| ours(&x)).collect()),
    }
}

fn crosscheck(path: &Path) {
    let want = oracle(path);
    let files = ModelFiles::open(path).unwrap();
    let model = files.parse().unwrap();
    let g = model.gguf();

    let meta = want["metadata"].as_array().unwrap();
    assert_eq!(meta.len(), g.metadata.len(), "metadata count");
    for (w, e) in meta.iter().zip(&g.metadata) {
        let key = e.key.to_string_lossy();
        assert_eq!(w["key"], json!(key), "key order");
        assert_eq!(
            w["type"],
            json!(gguflens::report::type_label(&e.value)),
            "type of {key}"
        );
        assert!(
            w["value"] == ours(&e.value),
            "value of {key} differs from GGUFReader's"
        );
    }

    let tensors = want["tensors"].as_array().unwrap();
    assert_eq!(tensors.len(), g.tensors.len(), "tensor count");
    for (w, t) in tensors.iter().zip(&g.tensors) {
        let name = t.name_str();
        assert_eq!(w["name"], json!(name));
        assert_eq!(w["type_id"], json!(t.ggml_type.0), "type of {name}");
        assert_eq!(w["shape"], json!(t.shape()), "shape of {name}");
        assert_eq!(
            w["offset"],
            json!(t.file_offset.unwrap()),
            "offset of {name}"
        );
    }
    assert!(
        !model.has_problems(),
        "real file has findings: {:?}",
        model.all_findings()
    );
}

#[test]
fn gemma3_matches_gguf_py() {
    if common::skip_without_models("crosscheck::gemma3_matches_gguf_py")
        || skip_without_gguf_py("gemma3_matches_gguf_py")
    {
        return;
    }
    crosscheck(&common::gemma());
}

#[test]
fn smollm2_matches_gguf_py() {
    if common::skip_without_models("crosscheck::smollm2_matches_gguf_py")
        || skip_without_gguf_py("smollm2_matches_gguf_py")
    {
        return;
    }
    crosscheck(&common::smollm2());
}

#[test]
fn text_ordered_qwen2_5_coder_matches_gguf_py() {
    crosscheck(&common::qwen15b());
}

#[test]
fn llama_cpp_requantized_tiny_models_match_gguf_py() {
    for name in [
        "tiny-llama-q8_0.gguf",
        "tiny-llama-q4_k_m.gguf",
        "tiny-qwen2-q8_0.gguf",
        "tiny-qwen2-q4_k_m.gguf",
    ] {
        crosscheck(&common::fixture(&format!("requant/{name}")));
    }
}

#[test]
fn vocabulary_only_files_match_gguf_py() {
    for v in common::VOCABS {
        crosscheck(&common::vocab(v));
    }
}
