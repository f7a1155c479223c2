//! `gguflens scan`: a fake Ollama store, Hugging Face cache, LM Studio tree and plain folder,
//! built from small fixtures and the real models.

mod common;

use gguflens::builder::{BValue, GgufBuilder};
use gguflens::format::ValueType;
use gguflens::scan::{self, Kind, Layout, ScanOptions, Silent, SortKey};
use gguflens::{GgmlType, Gguf, Model};
use serde_json::Value as Json;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// A small llama-architecture model: 2 layers, 4 heads, 2 KV heads, embedding 64 (head size 16),
/// so KV bytes per token = 2 layers × 2 heads × (16 + 16) × 2 bytes = 256. `fill` is written into
/// every data byte, so two models with different fills have the same directory, other weights.
/// `extra_kv` replaces or adds keys.
fn tiny(fill: u8, extra_kv: &[(&str, BValue)]) -> GgufBuilder {
    let mut b = GgufBuilder::new()
        .kv("general.architecture", BValue::str("llama"))
        .kv("general.type", BValue::str("model"))
        .kv("general.name", BValue::str("Tiny"))
        .kv("general.file_type", BValue::U32(7))
        .kv("llama.block_count", BValue::U32(2))
        .kv("llama.context_length", BValue::U32(2048))
        .kv("llama.embedding_length", BValue::U32(64))
        .kv("llama.attention.head_count", BValue::U32(4))
        .kv("llama.attention.head_count_kv", BValue::U32(2));
    for (k, v) in extra_kv {
        match b.kvs.iter_mut().find(|(key, _)| key == k.as_bytes()) {
            Some(e) => e.1 = v.clone(),
            None => b.push_kv(k, v.clone()),
        }
    }
    let q8 = |rows: u64| vec![fill; (64 / 32 * 34 * rows) as usize];
    b = b.tensor_data("token_embd.weight", &[64, 100], GgmlType::Q8_0, q8(100));
    for l in 0..2 {
        b = b.tensor_data(
            &format!("blk.{l}.attn_q.weight"),
            &[64, 64],
            GgmlType::Q8_0,
            q8(64),
        );
    }
    b.tensor_data("output_norm.weight", &[64], GgmlType::F32, vec![fill; 256])
}

fn projector() -> Vec<u8> {
    GgufBuilder::new()
        .kv("general.architecture", BValue::str("clip"))
        .kv("general.type", BValue::str("mmproj"))
        .kv("general.file_type", BValue::U32(1))
        .tensor("mm.0.weight", &[64, 32], GgmlType::F16)
        .tensor("v.patch_embd.weight", &[64, 48], GgmlType::F16)
        .build()
}

/// Shard `no` (0-based) of a two-shard set: one layer each.
fn shard(no: u16) -> Vec<u8> {
    let mut b = if no == 0 {
        tiny(9, &[]).clone()
    } else {
        GgufBuilder::new()
    };
    b.tensors.retain(|t| t.name.starts_with(b"blk.0"));
    if no == 1 {
        b.push_tensor("blk.1.attn_q.weight", &[64, 64], GgmlType::Q8_0);
    }
    b.push_kv("split.no", BValue::U16(no));
    b.push_kv("split.count", BValue::U16(2));
    b.push_kv("split.tensors.count", BValue::I32(2));
    b.build()
}

fn write(p: &Path, bytes: &[u8]) {
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, bytes).unwrap();
}

/// A real model placed at `p` without copying it: a hard link, or a symbolic link across
/// file systems.
fn link_real(real: &Path, p: &Path) {
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    if fs::hard_link(real, p).is_err() {
        std::os::unix::fs::symlink(real, p).unwrap();
    }
}

fn symlink(target: &str, link: &Path) {
    fs::create_dir_all(link.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(target, link).unwrap();
}

fn hex(c: char) -> String {
    std::iter::repeat_n(c, 64).collect()
}

fn manifest(store: &Path, name: &str, layers: &[(&str, char)]) {
    let layers: Vec<Json> = layers
        .iter()
        .map(|(media, c)| {
            serde_json::json!({
                "mediaType": format!("application/vnd.ollama.image.{media}"),
                "digest": format!("sha256:{}", hex(*c)),
                "size": 1
            })
        })
        .collect();
    let m = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {"mediaType": "application/vnd.docker.container.image.v1+json",
                   "digest": format!("sha256:{}", hex('0')), "size": 1},
        "layers": layers
    });
    write(
        &store.join("manifests").join(name),
        serde_json::to_string(&m).unwrap().as_bytes(),
    );
}

/// The whole tree, built once: ROOT/{ollama,hf,lmstudio,plain}.
fn tree() -> &'static Path {
    static TREE: OnceLock<PathBuf> = OnceLock::new();
    TREE.get_or_init(|| {
        let root = common::temp_dir("scan-tree");
        // Ollama: tiny:1b and tiny:latest share one blob (with a projector and a template),
        // gemma3 from another registry, and a manifest whose blob is gone.
        let store = root.join("ollama/models");
        let blobs = store.join("blobs");
        write(
            &blobs.join(format!("sha256-{}", hex('a'))),
            &tiny(1, &[]).build(),
        );
        write(&blobs.join(format!("sha256-{}", hex('b'))), &projector());
        write(
            &blobs.join(format!("sha256-{}", hex('c'))),
            b"{{ .Prompt }}",
        );
        link_real(
            &common::gemma(),
            &blobs.join(format!("sha256-{}", hex('d'))),
        );
        for tag in ["1b", "latest"] {
            manifest(
                &store,
                &format!("registry.ollama.ai/library/tiny/{tag}"),
                &[("model", 'a'), ("projector", 'b'), ("template", 'c')],
            );
        }
        manifest(
            &store,
            "hf.co/google/gemma-3-270m-GGUF/Q4_K_M",
            &[("model", 'd')],
        );
        manifest(
            &store,
            "registry.ollama.ai/someone/gone/7b",
            &[("model", 'e')],
        );

        // Hugging Face: one blob under two revisions, a split set, the real SmolLM2.
        let hub = root.join("hf/hub");
        let repo = hub.join("models--org--Tiny-GGUF");
        write(&repo.join("blobs/1111"), &tiny(2, &[]).build());
        write(&repo.join("blobs/2222"), &shard(0));
        write(&repo.join("blobs/3333"), &shard(1));
        for rev in ["rev1", "rev2"] {
            symlink(
                "../../blobs/1111",
                &repo.join(format!("snapshots/{rev}/tiny-Q8_0.gguf")),
            );
        }
        symlink(
            "../../../blobs/2222",
            &repo.join("snapshots/rev1/split/tiny-00001-of-00002.gguf"),
        );
        symlink(
            "../../../blobs/3333",
            &repo.join("snapshots/rev1/split/tiny-00002-of-00002.gguf"),
        );
        let smol = hub.join("models--HuggingFaceTB--SmolLM2-135M-Instruct-GGUF");
        link_real(&common::smollm2(), &smol.join("blobs/5555"));
        symlink(
            "../../blobs/5555",
            &smol.join("snapshots/main/smollm2-135m-instruct-q4_1.gguf"),
        );

        // LM Studio: a model with its projector next to it.
        let lms = root.join("lmstudio/.lmstudio/models/pub/Tiny-GGUF");
        write(&lms.join("Tiny-Q8_0.gguf"), &tiny(3, &[]).build());
        write(&lms.join("mmproj-Tiny-F16.gguf"), &projector());

        // Plain folder: one model under two names (copies), a GGUF without the extension,
        // text files, and a broken file.
        let plain = root.join("plain");
        write(&plain.join("dup-a.gguf"), &tiny(4, &[]).build());
        write(&plain.join("sub/dup-b.gguf"), &tiny(4, &[]).build());
        write(&plain.join("finetune.gguf"), &tiny(5, &[]).build());
        write(&plain.join("model.bin"), &tiny(6, &[]).build());
        write(&plain.join("notes.txt"), b"not a model");
        let whole = tiny(7, &[]).build();
        write(&plain.join("broken.gguf"), &whole[..40]);
        root
    })
}

fn run_json(args: &[&str]) -> (i32, Json) {
    let out = common::gguflens(args);
    let code = out.status.code().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let j: Json = serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {text}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (code, j)
}

fn model<'a>(j: &'a Json, name: &str) -> &'a Json {
    j["models"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == name)
        .unwrap_or_else(|| {
            let names: Vec<&Json> = j["models"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| &m["name"])
                .collect();
            panic!("no model {name:?} in {names:?}")
        })
}

#[test]
fn ollama_store() {
    if common::skip_without_models("scan::ollama_store") {
        return;
    }
    let (code, j) = run_json(&["scan", "--json", tree().join("ollama").to_str().unwrap()]);
    assert_eq!(code, 2, "the missing blob is a failure");
    assert_eq!(j["schema"], "gguflens.scan/1");
    // Two tags, one blob: one row, the other tag an alias; its projector attached.
    let tiny = model(&j, "tiny:1b");
    assert_eq!(tiny["aliases"], serde_json::json!(["tiny:latest"]));
    assert_eq!(tiny["layout"], "ollama");
    assert_eq!(tiny["kind"], "model");
    assert_eq!(tiny["architecture"], "llama");
    assert_eq!(tiny["attached"].as_array().unwrap().len(), 1);
    assert_eq!(tiny["attached"][0]["kind"], "projector");
    assert_eq!(tiny["attached"][0]["name"], "tiny:1b projector");
    assert_eq!(tiny["attached"][0]["architecture"], "clip");
    // A real model from another registry.
    let g = model(&j, "hf.co/google/gemma-3-270m-GGUF:Q4_K_M");
    assert_eq!(g["architecture"], "gemma3");
    assert_eq!(g["size"], 253_113_024);
    assert_eq!(g["parameters"], 268_098_176);
    assert_eq!(g["file_type"]["name"], "Q4_K_M");
    assert_eq!(g["context_length"], 32768);
    // 18 layers × 1 KV head × (256 + 256) × 2 bytes.
    assert_eq!(g["kv_bytes_per_token"], 18 * 512 * 2);
    // The memory model caps the 15 sliding-window layers at pad256(512 + 512) = 1024 cells;
    // the 3 full-attention layers hold all 4096. K and V rows of 512 bytes each (f16, 256 dims).
    let v = &g["vram"];
    assert_eq!(v["kv_cache"], 3 * 4096 * 1024 + 15 * 1024 * 1024);
    assert_eq!(v["recurrent"], 0);
    // Tied embeddings: token_embd stays on the CPU and a copy goes to the GPU as the output,
    // so the GPU holds every tensor's bytes (padded per tensor to the buffer alignment).
    assert!(v["weights"].as_u64().unwrap() >= g["tensor_bytes"].as_u64().unwrap());
    assert!(v["compute"].as_u64().unwrap() > 500 << 20, "{v}");
    assert_eq!(
        v["total"].as_u64().unwrap(),
        v["weights"].as_u64().unwrap()
            + v["kv_cache"].as_u64().unwrap()
            + v["compute"].as_u64().unwrap()
    );
    assert_eq!(g["mix"][0]["type"], "Q8_0");
    // The missing blob: an error row naming the file.
    let gone = model(&j, "someone/gone:7b");
    assert_eq!(gone["status"], "error");
    assert!(gone["error"]["file"]
        .as_str()
        .unwrap()
        .ends_with(&format!("sha256-{}", hex('e'))));
    assert!(gone["error"]["message"]
        .as_str()
        .unwrap()
        .contains("missing"));
    // Template blob is not a model; the projector is not a row of its own.
    assert_eq!(j["models"].as_array().unwrap().len(), 3);
    assert_eq!(
        j["totals"]["files"], 3,
        "model, projector, gemma; not the missing blob"
    );
    assert!(gone["files"].as_array().unwrap().is_empty());
}

#[test]
fn huggingface_cache() {
    if common::skip_without_models("scan::huggingface_cache") {
        return;
    }
    let (code, j) = run_json(&["scan", "--json", tree().join("hf").to_str().unwrap()]);
    assert_eq!(code, 0, "{j:#}");
    // One blob reached from two revisions: counted once.
    let t = model(&j, "org/Tiny-GGUF/tiny-Q8_0.gguf");
    assert_eq!(t["layout"], "huggingface");
    assert!(t["aliases"].as_array().unwrap().is_empty());
    assert!(t["files"][0].as_str().unwrap().contains("/snapshots/"));
    // The split set is one model of two files.
    let s = model(&j, "org/Tiny-GGUF/split/tiny-00001-of-00002.gguf");
    assert_eq!(s["files"].as_array().unwrap().len(), 2);
    assert_eq!(s["tensor_count"], 2);
    assert_eq!(s["kv_bytes_per_token"], 256);
    // The real SmolLM2.
    let m = model(
        &j,
        "HuggingFaceTB/SmolLM2-135M-Instruct-GGUF/smollm2-135m-instruct-q4_1.gguf",
    );
    assert_eq!(m["architecture"], "llama");
    assert_eq!(m["size"], 98_362_432);
    assert_eq!(m["context_length"], 8192);
    // 30 layers × 3 KV heads × (64 + 64) × 2 bytes.
    assert_eq!(m["kv_bytes_per_token"], 30 * 3 * 128 * 2);
    assert_eq!(j["models"].as_array().unwrap().len(), 3);
    assert_eq!(j["totals"]["files"], 4);
}

#[test]
fn lmstudio_tree_attaches_projector() {
    if common::skip_without_models("scan::lmstudio_tree_attaches_projector") {
        return;
    }
    let (code, j) = run_json(&["scan", "--json", tree().join("lmstudio").to_str().unwrap()]);
    assert_eq!(code, 0);
    assert_eq!(j["models"].as_array().unwrap().len(), 1);
    let m = model(&j, "pub/Tiny-GGUF/Tiny-Q8_0.gguf");
    assert_eq!(m["layout"], "lmstudio");
    assert_eq!(
        m["attached"][0]["name"],
        "pub/Tiny-GGUF/mmproj-Tiny-F16.gguf"
    );
    assert_eq!(m["attached"][0]["kind"], "projector");
    assert_eq!(j["totals"]["files"], 2);
}

#[test]
fn plain_folder_dups_errors_and_magic() {
    if common::skip_without_models("scan::plain_folder_dups_errors_and_magic") {
        return;
    }
    let plain = tree().join("plain");
    let (code, j) = run_json(&["scan", "--json", plain.to_str().unwrap()]);
    assert_eq!(code, 2, "a broken file makes the exit code 2");
    let p = |s: &str| plain.join(s).display().to_string();
    // Identical weights under two names are flagged; a fine-tune with the same directory but
    // other data is not.
    let a = model(&j, &p("dup-a.gguf"));
    let b = model(&j, &p("sub/dup-b.gguf"));
    assert_eq!(a["duplicate"]["copies"], 2);
    assert_eq!(a["duplicate"]["first"], p("dup-a.gguf"));
    assert_eq!(a["duplicate"], b["duplicate"]);
    assert!(model(&j, &p("finetune.gguf"))["duplicate"].is_null());
    assert_eq!(j["totals"]["duplicate_bytes"], a["size"]);
    // Recognised by its magic, not its name.
    assert_eq!(model(&j, &p("model.bin"))["architecture"], "llama");
    // The broken file is a row with the file, the offset and what was expected.
    let b = model(&j, &p("broken.gguf"));
    assert_eq!(b["status"], "error");
    assert_eq!(b["error"]["file"], p("broken.gguf"));
    assert!(b["error"]["offset"].as_u64().is_some());
    assert!(b["error"]["message"].as_str().unwrap().contains("expected"));
    assert_eq!(j["totals"]["failed"], 1);
    assert_eq!(
        j["models"].as_array().unwrap().len(),
        5,
        "notes.txt is not a model"
    );
}

#[test]
fn whole_tree_table_and_csv() {
    if common::skip_without_models("scan::whole_tree_table_and_csv") {
        return;
    }
    let root = tree().to_str().unwrap().to_string();
    let out = common::gguflens(&["scan", &root]);
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8(out.stdout).unwrap();
    for needle in [
        "MODEL",
        "VRAM@4096",
        "tiny:1b",
        "  = tiny:latest",
        "  + ",
        "  + tiny:1b projector",
        "  + pub/Tiny-GGUF/mmproj-Tiny-F16.gguf",
        "[2 shards]",
        "(dup 1)",
        "Duplicates",
        "Problems",
        "hf.co/google/gemma-3-270m-GGUF:Q4_K_M",
        "Q8_0 73% Q5_0 18%",
        "total: ",
    ] {
        assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
    }
    assert!(!text.contains('\x1b'), "no color when piped");

    let out = common::gguflens(&["scan", "--csv", "--sort", "size", &root]);
    assert_eq!(out.status.code(), Some(2));
    let csv = String::from_utf8(out.stdout).unwrap();
    let rows = parse_csv(&csv);
    let header = &rows[0];
    assert_eq!(header[0], "name");
    assert!(
        rows.iter().all(|r| r.len() == header.len()),
        "every line has every column"
    );
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    // Sorted by size, largest first: the real Gemma leads.
    assert_eq!(
        rows[1][col("name")],
        "hf.co/google/gemma-3-270m-GGUF:Q4_K_M"
    );
    assert_eq!(rows[1][col("size")], "253113024");
    let proj: Vec<_> = rows
        .iter()
        .filter(|r| r[col("kind")] == "projector")
        .collect();
    assert_eq!(proj.len(), 2);
    assert!(proj.iter().all(|r| !r[col("attached_to")].is_empty()));
    let broken = rows
        .iter()
        .find(|r| r[col("name")].ends_with("broken.gguf"))
        .unwrap();
    assert_eq!(broken[col("status")], "error");
    assert!(!broken[col("error")].is_empty());
}

/// A strict RFC 4180 reader: fails the test on a malformed line.
fn parse_csv(s: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut chars = s.chars().peekable();
    let mut quoted = false;
    let mut at_start = true;
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    field.push('"');
                } else {
                    quoted = false;
                    assert!(
                        matches!(chars.peek(), Some(',') | Some('\n') | None),
                        "text after a closing quote"
                    );
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            '"' if at_start => {
                quoted = true;
                at_start = false;
            }
            '"' => panic!("quote inside an unquoted field"),
            ',' => {
                row.push(std::mem::take(&mut field));
                at_start = true;
            }
            '\n' => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
                at_start = true;
            }
            c => {
                field.push(c);
                at_start = false;
            }
        }
    }
    assert!(
        !quoted && field.is_empty() && row.is_empty(),
        "CSV ends inside a line"
    );
    rows
}

#[test]
fn clean_tree_exits_zero_and_sorts() {
    if common::skip_without_models("scan::clean_tree_exits_zero_and_sorts") {
        return;
    }
    let d = common::temp_dir("scan-clean");
    write(&d.join("a.gguf"), &tiny(1, &[]).build());
    write(
        &d.join("b.gguf"),
        &tiny(2, &[("llama.context_length", BValue::U32(1))]).build(),
    );
    link_real(&common::smollm2(), &d.join("smol.gguf"));
    let (code, j) = run_json(&[
        "scan",
        "--json",
        "--sort",
        "ctx",
        "--reverse",
        d.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    let names: Vec<&str> = j["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert!(names[0].ends_with("b.gguf"), "{names:?}");
    assert!(names[2].ends_with("smol.gguf"), "{names:?}");
    let out = common::gguflens(&["scan", "--csv", "-q", d.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stderr.is_empty());
}

#[test]
fn missing_directory_is_unreadable() {
    let out = common::gguflens(&["scan", "/nonexistent/gguflens-scan"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/gguflens-scan"));
}

#[test]
fn default_locations_from_the_environment() {
    if common::skip_without_models("scan::default_locations_from_the_environment") {
        return;
    }
    let home = common::temp_dir("scan-home");
    let real_tree = tree();
    // An Ollama store at OLLAMA_MODELS; nothing else exists under HOME.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gguflens"))
        .args(["scan", "--json"])
        .env("HOME", &home)
        .env_remove("HF_HOME")
        .env_remove("HF_HUB_CACHE")
        .env_remove("XDG_CACHE_HOME")
        .env("OLLAMA_MODELS", real_tree.join("ollama/models"))
        .output()
        .unwrap();
    let j: Json = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["roots"].as_array().unwrap().len(), 1, "{j:#}");
    assert_eq!(j["roots"][0]["layout"], "ollama");
    assert_eq!(j["roots"][0]["source"], "OLLAMA_MODELS");
    assert!(String::from_utf8_lossy(&out.stderr).contains("OLLAMA_MODELS"));
    model(&j, "tiny:1b");
}

#[test]
fn library_scan_rows() {
    if common::skip_without_models("scan::library_scan_rows") {
        return;
    }
    let s = scan::scan(&[tree().to_path_buf()], ScanOptions { ctx: 1000 }, &Silent);
    assert!(s.has_problems());
    let tiny = s.rows.iter().find(|r| r.name == "tiny:1b").unwrap();
    assert_eq!(tiny.layout, Layout::Ollama);
    assert_eq!(tiny.attached[0].kind, Kind::Projector);
    let v = tiny.summary().unwrap().vram.unwrap();
    assert_eq!(
        (v.ctx, v.ctx_padded),
        (1000, 1024),
        "the cache is padded to 256"
    );
    assert_eq!(v.kv_cache, 256 * 1024);
    assert_eq!(v.total, v.weights + v.kv_cache + v.recurrent + v.compute);
    assert!(
        v.compute > 0,
        "the compute buffer is part of the prediction"
    );
    // Every file once: 3 Ollama, 4 Hugging Face, 2 LM Studio, 5 plain.
    assert_eq!(s.totals.files, 3 + 4 + 2 + 5);
    let mut rows = s.rows.clone();
    scan::sort_rows(&mut rows, SortKey::Vram, false);
    assert!(rows[0].name.contains("gemma"));
    assert!(
        rows.last().unwrap().summary().is_none(),
        "rows without the value sort last"
    );
}

#[test]
fn kv_per_layer_arrays() {
    // head_count_kv as a per-layer array with a layer that has no KV heads (a recurrent layer
    // of a hybrid), explicit key/value lengths.
    let b = tiny(
        1,
        &[
            (
                "llama.attention.head_count_kv",
                BValue::Array(ValueType::U32, vec![BValue::U32(2), BValue::U32(0)]),
            ),
            ("llama.attention.key_length", BValue::U32(24)),
            ("llama.attention.value_length", BValue::U32(8)),
        ],
    );
    let data = b.build();
    let g = Gguf::parse(&data).unwrap();
    let m = Model::from_gguf(Path::new("x.gguf"), g);
    assert_eq!(scan::kv_bytes_per_token(&m), Some(2 * (24 + 8) * 2));
    let v = scan::predicted_vram(&m, 256).unwrap();
    assert_eq!(v.kv_cache, 2 * (24 + 8) * 2 * 256);
    // The GPU buffer pads each tensor and holds a copy of the tied embeddings as the output.
    assert!(v.weights >= m.tensor_bytes(), "{v:?}");

    // A block count larger than the tensors could hold is not believed.
    let data = tiny(1, &[("llama.block_count", BValue::U64(1 << 40))]).build();
    let m = Model::from_gguf(Path::new("x.gguf"), Gguf::parse(&data).unwrap());
    assert_eq!(scan::kv_bytes_per_token(&m), None);
    assert_eq!(scan::predicted_vram(&m, 4096), None);
}

#[test]
fn ctx_0_is_named_for_what_it_computes_and_a_cut_file_stands_out() {
    let d = common::temp_dir("scan-ctx0-cut");
    let bytes = std::fs::read(common::fixture("tiny-llama-q4_k_m.gguf")).unwrap();
    std::fs::write(d.join("cut.gguf"), &bytes[..bytes.len() - 4096]).unwrap();
    let out = common::gguflens(&["scan", "--ctx", "0", d.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8(out.stdout).unwrap();
    // --ctx 0 computes at each model's training context: the column says so, not "VRAM@0".
    assert!(!text.contains("VRAM@0"), "{text}");
    assert!(
        text.contains("VRAM@CTX") && text.contains("at each model's training context"),
        "{text}"
    );
    // The truncated file's row is marked, not ordinary-looking.
    let row = text.lines().find(|l| l.contains("llama")).unwrap();
    assert!(row.contains(".gguf [truncated-data]"), "{row}");
}
