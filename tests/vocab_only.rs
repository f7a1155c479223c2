//! Vocabulary-only files (llama.cpp's tokenizer test data: metadata, no tensors): `mem` refuses
//! them in one line, and `scan` tells them apart by their metadata.

mod common;

use serde_json::Value as Json;

#[test]
fn mem_refuses_a_file_without_tensors() {
    for v in common::VOCABS {
        let p = common::vocab(v);
        for json in [false, true] {
            let mut args = vec!["mem", p.to_str().unwrap(), "-c", "4096"];
            if json {
                args.push("--json");
            }
            let out = common::gguflens(&args);
            assert_eq!(out.status.code(), Some(1), "{v}");
            assert!(out.stdout.is_empty(), "{v}");
            let err = String::from_utf8(out.stderr).unwrap();
            assert_eq!(err.lines().count(), 1, "{err}");
            assert!(
                err.contains("no tensors: a vocabulary-only file (tokenizer data, no weights), which llama.cpp cannot load as a model"),
                "{err}"
            );
            assert!(err.contains(&format!("ggml-vocab-{v}.gguf")), "{err}");
        }
    }
    // The library says the same.
    let f = gguflens::ModelFiles::open(common::vocab("qwen2")).unwrap();
    let m = f.parse().unwrap();
    assert_eq!(
        gguflens::memory::estimate(&m, &Default::default()),
        Err(gguflens::memory::MemoryError::NoTensors)
    );
}

#[test]
fn scan_fingerprints_vocabulary_files_by_metadata() {
    let d = common::temp_dir("vocab-scan");
    for v in common::VOCABS {
        std::fs::copy(common::vocab(v), d.join(format!("{v}.gguf"))).unwrap();
    }
    // A true copy is still a duplicate.
    std::fs::copy(common::vocab("qwen2"), d.join("qwen2-copy.gguf")).unwrap();
    let out = common::gguflens(&["scan", "--json", d.to_str().unwrap()]);
    let j: Json = serde_json::from_slice(&out.stdout).unwrap();
    let models = j["models"].as_array().unwrap();
    assert_eq!(models.len(), 5);
    let keys: std::collections::BTreeSet<&str> = models
        .iter()
        .map(|m| m["weights_key"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys.len(),
        4,
        "qwen2 and qwen35 differ by one byte of metadata"
    );
    for m in models {
        let name = m["name"].as_str().unwrap();
        let dup = !m["duplicate"].is_null();
        assert_eq!(dup, name.contains("qwen2"), "{name}: {}", m["duplicate"]);
        assert_eq!(m["tensor_count"], 0);
    }
}
