//! `gguflens mem`: the library on the real files and on synthetic architectures (hand-computed
//! from llama.cpp's allocation rules), and the command's flags, JSON and --fit.

mod common;

use gguflens::memory::{self, CacheType, Device, FlashAttn, MemoryError, MemoryParams};
use gguflens::{synthetic, ModelFiles};
use serde_json::Value;

fn json(args: &[&str]) -> Value {
    let out = common::gguflens(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn with_synthetic<T>(
    b: gguflens::builder::GgufBuilder,
    f: impl FnOnce(&gguflens::Model) -> T,
) -> T {
    let bytes = b.build();
    let gguf = gguflens::Gguf::parse(&bytes).unwrap();
    let path = std::path::Path::new("synthetic.gguf");
    let model = gguflens::Model::from_gguf(path, gguf);
    f(&model)
}

fn cpu(n_ctx: u32) -> MemoryParams {
    MemoryParams {
        n_ctx,
        n_gpus: 0,
        ..MemoryParams::cpu_only()
    }
}

#[test]
fn gemma_cpu_at_4096_is_llama_cpp_allocation() {
    if common::skip_without_models("mem::gemma_cpu_at_4096_is_llama_cpp_allocation") {
        return;
    }
    let g = common::gemma();
    let v = json(&[
        "mem",
        g.to_str().unwrap(),
        "-c",
        "4096",
        "-ngl",
        "0",
        "--cpu",
        "x86-avx512",
        "--json",
    ]);
    assert_eq!(v["schema"], "gguflens.mem/1");
    let p = &v["predictions"][0];
    assert_eq!(p["context"]["n_ctx"], 4096);
    assert_eq!(p["context"]["swa_cells"], 1024);
    let c = &p["devices"][0];
    assert_eq!(c["device"], "CPU");
    // llama.cpp (fixtures/oracle): non-SWA KV 12 MiB on 3 layers, SWA KV 15 MiB on 15 layers.
    assert_eq!(
        c["kv"]["k"].as_u64().unwrap() + c["kv"]["v"].as_u64().unwrap(),
        12_582_912
    );
    assert_eq!(c["kv"]["swa_k"], 7_864_320);
    assert_eq!(c["kv"]["swa_v"], 7_864_320);
    assert_eq!(c["kv"]["exact"], true);
    assert_eq!(c["output"]["bytes"], 1_048_576);
    assert_eq!(c["output"]["exact"], true);
    assert_eq!(c["compute"]["exact"], false);
    // The mapped file plus the CPU_REPACK copy of the 27 Q4_K tensors (recorded on AVX-512).
    assert_eq!(c["weights"]["bytes"], 246_587_904 + 13_271_040);
    assert_eq!(c["weights_mapped"], 246_587_904);
    assert_eq!(c["weights_repack"], 13_271_040);
    assert_eq!(c["layers"], 18);
    assert_eq!(c["output_layer"], true);
    // -ngl 0: the GPU holds nothing.
    assert_eq!(p["devices"][1]["total"]["bytes"], 0);
    assert_eq!(p["gpu_total"], 0);
    for key in [
        "weights",
        "recurrent",
        "output",
        "compute",
        "overhead",
        "total",
    ] {
        assert!(c[key]["bytes"].is_u64(), "{key}");
        assert!(c[key]["exact"].is_boolean(), "{key}");
    }
    assert_eq!(v["model"]["architecture"], "gemma3");
    assert_eq!(v["model"]["n_head_kv"].as_array().unwrap().len(), 18);
    assert_eq!(v["settings"]["n_gpu_layers"], 0);
}

#[test]
fn smollm2_cpu_matches_oracle_row() {
    if common::skip_without_models("mem::smollm2_cpu_matches_oracle_row") {
        return;
    }
    let files = ModelFiles::open(common::smollm2()).unwrap();
    let m = files.parse().unwrap();
    let e = memory::estimate(&m, &cpu(512)).unwrap();
    // 30 layers × 3 KV heads × 64 × 2 (K+V) × 2 B × 512 cells.
    assert_eq!(e.cpu().kv.total(), 11_796_480);
    assert_eq!(e.cpu().output.bytes, 196_608);
    let nommap = memory::estimate(
        &m,
        &MemoryParams {
            mmap: false,
            ..cpu(512)
        },
    )
    .unwrap();
    assert_eq!(nommap.cpu().weights.bytes, 96_576_768);
    assert_eq!(nommap.cpu().weights_mapped, 0);
}

#[test]
fn sweep_runs_to_training_context() {
    if common::skip_without_models("mem::sweep_runs_to_training_context") {
        return;
    }
    let g = common::gemma();
    let v = json(&["mem", g.to_str().unwrap(), "--json"]);
    let ctxs: Vec<u64> = v["predictions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["context"]["n_ctx"].as_u64().unwrap())
        .collect();
    assert_eq!(ctxs, vec![2048, 4096, 8192, 16384, 32768]);
    assert_eq!(v["settings"]["ctx_size"], Value::Null);
    assert_eq!(memory::sweep_contexts(3000), vec![2048, 3000]);
    assert_eq!(memory::sweep_contexts(1024), vec![1024]);
    // The KV grows with the context; with SWA, only the 3 full layers grow.
    let kv: Vec<u64> = v["predictions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["devices"][1]["kv"]["bytes"].as_u64().unwrap())
        .collect();
    assert_eq!(kv[4] - kv[3], 3 * 16384 * 1024);
}

#[test]
fn full_offload_duplicates_tied_embeddings_and_keeps_token_embd_on_cpu() {
    if common::skip_without_models(
        "mem::full_offload_duplicates_tied_embeddings_and_keeps_token_embd_on_cpu",
    ) {
        return;
    }
    let files = ModelFiles::open(common::gemma()).unwrap();
    let m = files.parse().unwrap();
    let tok = m
        .gguf()
        .tensor("token_embd.weight")
        .unwrap()
        .n_bytes
        .unwrap();
    let e = memory::estimate(
        &m,
        &MemoryParams {
            n_ctx: 4096,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(e.n_gpu_layers, 19);
    assert_eq!(e.cpu().weights.bytes, tok); // only the input copy stays in RAM
    assert!(e.gpus()[0].weights.bytes > m.tensor_bytes() - tok + tok); // + the output copy
    assert_eq!(e.gpus()[0].kv.total(), 12_582_912 + 15_728_640);
    assert_eq!(e.cpu().kv.total(), 0);
    assert_eq!(e.gpus()[0].overhead.bytes, memory::DEFAULT_GPU_OVERHEAD);
    assert!(!e.gpus()[0].total().exact);
    // -ngl 1: only the output layer (with its tied copy) goes to the GPU.
    let one = memory::estimate(
        &m,
        &MemoryParams {
            n_ctx: 4096,
            n_gpu_layers: 1,
            ..Default::default()
        },
    )
    .unwrap();
    assert!(one.gpus()[0].output_layer);
    assert_eq!(one.gpus()[0].layers, 0);
    assert_eq!(one.cpu().layers, 18);
    assert_eq!(one.gpus()[0].kv.total(), 0);
    // -ngl 3: output + the last two blocks.
    let three = memory::estimate(
        &m,
        &MemoryParams {
            n_ctx: 4096,
            n_gpu_layers: 3,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(three.gpus()[0].layers, 2);
    assert!(three
        .layers
        .iter()
        .filter(|l| l.device == Device::Gpu(0))
        .all(|l| l.il >= 16));
    // -nkvo keeps the cache in RAM.
    let nkvo = memory::estimate(
        &m,
        &MemoryParams {
            n_ctx: 4096,
            no_kv_offload: true,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(nkvo.cpu().kv.total(), 12_582_912 + 15_728_640);
    assert_eq!(nkvo.gpus()[0].kv.total(), 0);
}

#[test]
fn ngl0_equals_a_cpu_only_build() {
    if common::skip_without_models("mem::ngl0_equals_a_cpu_only_build") {
        return;
    }
    let files = ModelFiles::open(common::gemma()).unwrap();
    let m = files.parse().unwrap();
    let a = memory::estimate(
        &m,
        &MemoryParams {
            n_ctx: 8192,
            n_gpu_layers: 0,
            ..Default::default()
        },
    )
    .unwrap();
    let b = memory::estimate(&m, &cpu(8192)).unwrap();
    assert_eq!(a.cpu(), b.cpu());
}

#[test]
fn quantized_v_without_flash_attention_is_refused() {
    if common::skip_without_models("mem::quantized_v_without_flash_attention_is_refused") {
        return;
    }
    let files = ModelFiles::open(common::smollm2()).unwrap();
    let m = files.parse().unwrap();
    let p = MemoryParams {
        type_v: CacheType::Q8_0,
        flash_attn: FlashAttn::Off,
        ..cpu(4096)
    };
    assert_eq!(
        memory::estimate(&m, &p).unwrap_err(),
        MemoryError::QuantizedVNeedsFlashAttn(CacheType::Q8_0)
    );
    // auto resolves to flash attention, which allows it (as llama.cpp does).
    let ok = memory::estimate(
        &m,
        &MemoryParams {
            flash_attn: FlashAttn::Auto,
            ..p.clone()
        },
    )
    .unwrap();
    // 30 layers × 4096 cells × (192 × 2 B + 192/32 × 34 B).
    assert_eq!(ok.cpu().kv.total(), 30 * 4096 * (384 + 204));
    let s = common::smollm2();
    let out = common::gguflens(&[
        "mem",
        s.to_str().unwrap(),
        "-c",
        "4096",
        "-ctv",
        "q8_0",
        "-fa",
        "off",
    ]);
    // Settings llama.cpp cannot run are a usage error (64), not an unreadable file.
    assert_eq!(out.status.code(), Some(64));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("quantized V cache (q8_0) requires flash attention"),
        "{err}"
    );
    assert!(err.contains("smollm2"), "{err}");
}

#[test]
fn llama_cpp_flag_spellings() {
    if common::skip_without_models("mem::llama_cpp_flag_spellings") {
        return;
    }
    let s = common::smollm2();
    let f = s.to_str().unwrap();
    let short = json(&[
        "mem",
        f,
        "-c",
        "2048",
        "-b",
        "1024",
        "-ub",
        "256",
        "-np",
        "2",
        "-ctk",
        "q8_0",
        "-ctv",
        "q4_0",
        "-fa",
        "on",
        "-ngl",
        "10",
        "-nkvo",
        "-ts",
        "3,1",
        "--swa-full",
        "--kv-unified",
        "--no-mmap",
        "--gpu-overhead",
        "256MiB",
        "--json",
    ]);
    let long = json(&[
        "mem",
        f,
        "--ctx-size=2048",
        "--batch-size",
        "1024",
        "--ubatch-size",
        "256",
        "--parallel",
        "2",
        "--cache-type-k",
        "q8_0",
        "--cache-type-v=q4_0",
        "--flash-attn",
        "on",
        "--n-gpu-layers",
        "10",
        "--no-kv-offload",
        "--tensor-split",
        "3/1",
        "--swa-full",
        "--kv-unified",
        "--no-mmap",
        "--gpu-overhead",
        "256",
        "--json",
    ]);
    assert_eq!(short, long);
    let st = &short["settings"];
    assert_eq!(st["ctx_size"], 2048);
    assert_eq!(st["batch_size"], 1024);
    assert_eq!(st["ubatch_size"], 256);
    assert_eq!(st["parallel"], 2);
    assert_eq!(st["cache_type_k"], "q8_0");
    assert_eq!(st["cache_type_v"], "q4_0");
    assert_eq!(st["flash_attn"], "on");
    assert_eq!(st["n_gpu_layers"], 10);
    assert_eq!(st["no_kv_offload"], true);
    assert_eq!(st["tensor_split"], serde_json::json!([3.0, 1.0]));
    assert_eq!(st["gpus"], 2);
    assert_eq!(st["swa_full"], true);
    assert_eq!(st["kv_unified"], true);
    assert_eq!(st["mmap"], false);
    assert_eq!(st["gpu_overhead"], 256 << 20);
    // -ngl 10 = output + 9 blocks, split 3:1 over two GPUs; -nkvo keeps all KV in RAM.
    let p = &short["predictions"][0];
    assert_eq!(p["n_gpu_layers"], 10);
    let layers: u64 = p["devices"].as_array().unwrap()[1..]
        .iter()
        .map(|d| d["layers"].as_u64().unwrap())
        .sum();
    assert_eq!(layers, 9);
    assert_eq!(
        p["devices"][0]["kv"]["bytes"],
        30 * 2048 * (192 / 32 * 34 + 192 / 32 * 18)
    );
    // -ngl all / auto are llama.cpp's spellings of "everything".
    let all = json(&["mem", f, "-c", "512", "-ngl", "all", "--json"]);
    assert_eq!(all["predictions"][0]["n_gpu_layers"], 31);
    // -ngl -1 is what the JSON's n_gpu_layers says for "all": accepted as input.
    let minus_one = json(&["mem", f, "-c", "512", "-ngl", "-1", "--json"]);
    assert_eq!(minus_one["predictions"][0]["n_gpu_layers"], 31);
    // Bad values get a usage error (64) worded as llama.cpp words it, not a panic.
    let bad = common::gguflens(&["mem", f, "-ctk", "q3_k"]);
    assert_eq!(bad.status.code(), Some(64));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("Unsupported cache type: q3_k"));
}

#[test]
fn fit_is_monotone_in_the_budget() {
    if common::skip_without_models("mem::fit_is_monotone_in_the_budget") {
        return;
    }
    let files = ModelFiles::open(common::smollm2()).unwrap();
    let m = files.parse().unwrap();
    let p = MemoryParams::default();
    let mut last = (0u32, 0u32);
    let mut outcomes = Vec::new();
    for mib in (1000..=1700).step_by(25) {
        let f = memory::fit(&m, &[mib << 20], &p, 1 << 30).unwrap();
        let now = (f.n_gpu_layers, f.n_ctx);
        assert!(now >= last, "{mib} MiB: {now:?} after {last:?}");
        // What it reports must fit.
        if f.n_gpu_layers > 0 {
            let used = f.estimate.gpus()[0].total().bytes - f.estimate.gpus()[0].overhead.bytes;
            assert!(used + (1 << 30) <= mib << 20);
        }
        outcomes.push(f.outcome);
        last = now;
    }
    use memory::fit::FitOutcome::*;
    assert!(outcomes.contains(&CpuOnly));
    assert!(outcomes.contains(&PartialOffload));
    assert!(outcomes.contains(&Fits));
    assert_eq!(last, (31, 8192));
    // The context shrinks before layers leave the GPU (SmolLM2: 8192 → between 4096 and 8192).
    let mid = (1000..=1700)
        .step_by(5)
        .map(|mib| memory::fit(&m, &[mib << 20], &p, 1 << 30).unwrap())
        .find(|f| f.outcome == ReducedContext && f.n_ctx > 4096)
        .expect("some budget only needs a smaller context");
    assert!(mid.n_ctx < 8192 && mid.n_ctx % 256 == 0);
    assert_eq!(mid.n_gpu_layers, 31);
    // The command says so.
    let s = common::smollm2();
    let v = json(&["mem", s.to_str().unwrap(), "--fit", "3GiB", "--json"]);
    assert_eq!(v["fit"]["outcome"], "fits");
    assert_eq!(v["fit"]["n_ctx"], 8192);
    assert_eq!(v["fit"]["budgets"][0], 3u64 << 30);
    let v = json(&["mem", s.to_str().unwrap(), "--fit", "8GiB,8GiB", "--json"]);
    assert_eq!(
        v["fit"]["prediction"]["devices"].as_array().unwrap().len(),
        3
    );
}

#[test]
fn explain_shows_rule_of_thumb_and_reasons() {
    if common::skip_without_models("mem::explain_shows_rule_of_thumb_and_reasons") {
        return;
    }
    let g = common::gemma();
    let out = common::gguflens(&["mem", g.to_str().unwrap(), "-c", "32768", "--explain"]);
    assert!(out.status.success());
    let t = String::from_utf8_lossy(&out.stdout);
    assert!(t.contains("2 × 18 × 32768 × 640 × 2 = 1.41 GiB"), "{t}");
    assert!(t.contains("111.00 MiB"), "{t}");
    assert!(t.contains("grouped-query attention"), "{t}");
    assert!(t.contains("sliding window: 15 of 18 layers"), "{t}");
    assert!(t.contains("file × 1.2"), "{t}");
    let v = json(&[
        "mem",
        g.to_str().unwrap(),
        "-c",
        "32768",
        "--explain",
        "--json",
    ]);
    assert_eq!(v["explain"]["kv_bytes"], 111u64 << 20);
    assert_eq!(v["explain"]["rule_kv_bytes"], 2u64 * 18 * 32768 * 640 * 2);
    assert_eq!(v["explain"]["layers"].as_array().unwrap().len(), 18);
}

#[test]
fn per_layer_head_count_kv_is_never_collapsed() {
    with_synthetic(synthetic::deci_per_layer(), |m| {
        let fa = memory::estimate(
            m,
            &MemoryParams {
                flash_attn: FlashAttn::On,
                ..cpu(1024)
            },
        )
        .unwrap();
        let widths: Vec<(u64, u64)> = fa.layers.iter().map(|l| (l.k_width, l.v_width)).collect();
        assert_eq!(widths, vec![(64, 64), (32, 32), (128, 128), (64, 64)]);
        assert_eq!(fa.cpu().kv.total(), 1024 * 2 * 2 * (64 + 32 + 128 + 64));
        // Without flash attention V rows are padded to the widest layer (128).
        let nofa = memory::estimate(
            m,
            &MemoryParams {
                flash_attn: FlashAttn::Off,
                ..cpu(1024)
            },
        )
        .unwrap();
        assert!(nofa.layers.iter().all(|l| l.v_width == 128));
        assert_eq!(
            nofa.cpu().kv.total(),
            1024 * 2 * ((64 + 32 + 128 + 64) + 4 * 128)
        );
        assert_eq!(
            nofa.arch
                .layers
                .iter()
                .map(|l| l.n_head_kv)
                .collect::<Vec<_>>(),
            vec![2, 1, 4, 2]
        );
    });
}

#[test]
fn synthetic_architectures_by_hand() {
    // GQA llama: 4 layers × 2 KV heads × 16 = 32 wide.
    with_synthetic(synthetic::llama_gqa(), |m| {
        let e = memory::estimate(m, &cpu(1000)).unwrap();
        assert_eq!(e.context.n_ctx, 1024);
        assert_eq!(e.cpu().kv.total(), 4 * 1024 * 2 * 32 * 2);
        assert_eq!(e.cpu().output.bytes, 4 * synthetic::N_VOCAB);
    });
    // MLA: K only, kv_lora_rank + rope = 96 wide; different K/V types are refused.
    with_synthetic(synthetic::deepseek2_mla(), |m| {
        let e = memory::estimate(m, &cpu(2048)).unwrap();
        assert!(e.arch.mla.is_some());
        assert_eq!(e.cpu().kv.v, 0);
        assert_eq!(e.cpu().kv.k, 3 * 2048 * 96 * 2);
        assert!(e.cpu().weights_experts > 0);
        let bad = MemoryParams {
            type_v: CacheType::Q8_0,
            ..cpu(2048)
        };
        assert!(matches!(
            memory::estimate(m, &bad),
            Err(MemoryError::MlaCacheTypes(..))
        ));
    });
    // Mamba: no KV; per layer conv (4−1)·128 and scan 16·128 floats per sequence.
    with_synthetic(synthetic::mamba(), |m| {
        for np in [1u32, 3] {
            let e = memory::estimate(
                m,
                &MemoryParams {
                    n_seq: np,
                    ..cpu(2048)
                },
            )
            .unwrap();
            assert_eq!(e.cpu().kv.total(), 0);
            assert_eq!(
                e.cpu().recurrent.bytes,
                3 * 4 * (3 * 128 + 16 * 128) * np as u64
            );
            // Independent of the context.
            let e2 = memory::estimate(
                m,
                &MemoryParams {
                    n_seq: np,
                    ..cpu(512)
                },
            )
            .unwrap();
            assert_eq!(e2.cpu().recurrent, e.cpu().recurrent);
        }
    });
    // Gemma 2: layers 0 and 2 are SWA (window 256): pad256(min(4096, 256 + 512)) = 768 cells.
    with_synthetic(synthetic::gemma2_swa(), |m| {
        let e = memory::estimate(m, &cpu(4096)).unwrap();
        assert_eq!(
            e.arch.layers.iter().map(|l| l.swa).collect::<Vec<_>>(),
            vec![true, false, true, false]
        );
        assert_eq!(e.context.swa_cells, 768);
        let row = 2 * 32 * 2; // 2 KV heads × 32 × f16
        assert_eq!(e.cpu().kv.k + e.cpu().kv.v, 2 * 4096 * row * 2);
        assert_eq!(e.cpu().kv.swa_k + e.cpu().kv.swa_v, 2 * 768 * row * 2);
        let full = memory::estimate(
            m,
            &MemoryParams {
                swa_full: true,
                ..cpu(4096)
            },
        )
        .unwrap();
        assert_eq!(full.context.swa_cells, 4096);
    });
    // MoE: the expert tensors go with their layer.
    with_synthetic(synthetic::llama_moe(), |m| {
        let e = memory::estimate(
            m,
            &MemoryParams {
                n_ctx: 512,
                n_gpu_layers: 2,
                ..Default::default()
            },
        )
        .unwrap();
        let per_layer_experts = 3 * 128 * 128 * 4 * 2; // gate, up, down × experts × f16
        assert_eq!(e.gpus()[0].weights_experts, per_layer_experts);
        assert_eq!(e.cpu().weights_experts, 2 * per_layer_experts);
    });
    // qwen2 biases of 20 floats are padded to the 32-byte alignment in a CPU buffer.
    with_synthetic(synthetic::qwen2_bias(), |m| {
        let e = memory::estimate(
            m,
            &MemoryParams {
                mmap: false,
                ..cpu(512)
            },
        )
        .unwrap();
        assert!(e.cpu().weights.bytes > e.file_tensor_bytes);
        assert_eq!(
            e.cpu().weights.bytes - e.file_tensor_bytes,
            3 * 2 * (96 - 80)
        );
    });
}

#[test]
fn bad_settings_are_errors_not_panics() {
    if common::skip_without_models("mem::bad_settings_are_errors_not_panics") {
        return;
    }
    let files = ModelFiles::open(common::smollm2()).unwrap();
    let m = files.parse().unwrap();
    assert!(memory::estimate(
        &m,
        &MemoryParams {
            n_seq: 1000,
            ..cpu(512)
        }
    )
    .is_err());
    assert!(memory::estimate(
        &m,
        &MemoryParams {
            tensor_split: vec![0.0, 0.0],
            ..Default::default()
        }
    )
    .is_err());
    // q4_0 needs rows divisible by 32; qwen2-bias has 20-wide K rows.
    with_synthetic(synthetic::qwen2_bias(), |m| {
        // With flash attention llama.cpp checks the head size (20) first …
        let p = MemoryParams {
            type_k: CacheType::Q4_0,
            ..cpu(512)
        };
        assert!(matches!(
            memory::estimate(m, &p),
            Err(MemoryError::HeadSize { head: 20, .. })
        ));
        // … without it the 20-wide row cannot hold 32-element blocks (ggml would abort).
        let p = MemoryParams {
            flash_attn: FlashAttn::Off,
            ..p
        };
        assert!(matches!(
            memory::estimate(m, &p),
            Err(MemoryError::BlockSize { width: 20, .. })
        ));
    });
    // A file without the keys llama.cpp requires.
    let b = gguflens::builder::GgufBuilder::new()
        .kv(
            "general.architecture",
            gguflens::builder::BValue::str("llama"),
        )
        .build();
    let g = gguflens::Gguf::parse(&b).unwrap();
    let m = gguflens::Model::from_gguf(std::path::Path::new("x.gguf"), g);
    assert_eq!(
        memory::estimate(&m, &cpu(512)).unwrap_err().to_string(),
        "metadata key llama.block_count is missing"
    );
}

#[test]
fn encoder_only_models_have_no_kv() {
    let mut b = synthetic::llama_gqa();
    for (k, v) in b.kvs.iter_mut() {
        if k == b"general.architecture" {
            *v = gguflens::builder::BValue::str("bert");
        } else if k.starts_with(b"llama.") {
            let rest = k[6..].to_vec();
            *k = [b"bert.".to_vec(), rest].concat();
        }
    }
    with_synthetic(b, |m| {
        let e = memory::estimate(m, &cpu(2048)).unwrap();
        assert_eq!(e.kv_total(), 0);
        assert_eq!(e.arch.memory, memory::MemoryKind::None);
    });
}

#[test]
fn hostile_metadata_saturates_instead_of_panicking() {
    use gguflens::builder::BValue;
    let mut b = synthetic::llama_gqa();
    for (k, v) in b.kvs.iter_mut() {
        match k.as_slice() {
            b"llama.attention.head_count_kv" | b"llama.embedding_length" => {
                *v = BValue::U32(u32::MAX)
            }
            b"llama.context_length" => *v = BValue::U32(u32::MAX - 1000),
            _ => {}
        }
    }
    with_synthetic(b, |m| {
        // Whatever comes out, it is an error or a saturated figure, never a panic.
        for p in [
            cpu(0),
            cpu(u32::MAX),
            MemoryParams::default(),
            MemoryParams {
                n_seq: 256,
                ..cpu(1 << 30)
            },
        ] {
            let _ = memory::estimate(m, &p).map(|e| e.gpu_total().max(e.cpu_total()));
        }
        let _ = memory::sweep(m, &MemoryParams::default());
        let _ = memory::fit(m, &[u64::MAX], &MemoryParams::default(), 1 << 30);
    });
    let mut b = synthetic::llama_gqa();
    b.push_kv("llama.attention.key_length", BValue::U64(u64::MAX));
    with_synthetic(b, |m| {
        let r = memory::estimate(m, &cpu(512));
        assert!(matches!(r, Err(MemoryError::BadValue { .. })), "{r:?}");
    });
}

#[test]
fn metadata_that_disagrees_with_tensor_shapes_is_refused() {
    // The shipped fixture has head_count_kv 1 and attn_k [256, 64]. Claim 2^32 - 1 KV heads: the
    // KV cache would be petabytes, which the file's tensors cannot justify (llama.cpp's loader
    // refuses the shape mismatch too).
    let mut bytes = std::fs::read(common::fixture("tiny-llama-q4_k_m.gguf")).unwrap();
    let key = b"llama.attention.head_count_kv";
    let at = bytes.windows(key.len()).position(|w| w == key).unwrap() + key.len();
    assert_eq!(&bytes[at..at + 8], &[4, 0, 0, 0, 1, 0, 0, 0], "u32 1");
    bytes[at + 4..at + 8].copy_from_slice(&u32::MAX.to_le_bytes());
    let g = gguflens::Gguf::parse(&bytes).unwrap();
    let m = gguflens::Model::from_gguf(std::path::Path::new("x.gguf"), g);
    let e = gguflens::memory::estimate(&m, &gguflens::memory::MemoryParams::default()).unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("blk.0.attn_k.weight has 64 rows"), "{msg}");
    assert!(
        msg.contains(&format!("implies {}", u32::MAX as u64 * 64)),
        "{msg}"
    );

    let d = common::temp_dir("mem-shape");
    let p = d.join("lying.gguf");
    std::fs::write(&p, &bytes).unwrap();
    let o = common::gguflens(&["mem", p.to_str().unwrap()]);
    assert_ne!(o.status.code(), Some(0));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("lying.gguf") && err.contains("attn_k"),
        "{err}"
    );
}

#[test]
fn hostile_metadata_without_k_tensors_saturates_in_every_figure() {
    // The hostile llama above, without the attn_k tensors that would let the shape check refuse
    // it: every figure the report and --explain add up must saturate, not overflow.
    use gguflens::builder::BValue;
    use gguflens::report::mem::MemReport;
    let mut b = synthetic::llama_gqa();
    for (k, v) in b.kvs.iter_mut() {
        match k.as_slice() {
            b"llama.attention.head_count_kv" | b"llama.embedding_length" => {
                *v = BValue::U32(u32::MAX)
            }
            b"llama.context_length" => *v = BValue::U32(u32::MAX - 1000),
            _ => {}
        }
    }
    b.tensors
        .retain(|t| !String::from_utf8_lossy(&t.name).contains("attn_k"));
    with_synthetic(b, |m| {
        let e = memory::estimate(m, &cpu(4096)).expect("an estimate");
        assert_eq!(e.kv_bytes_per_token(), u64::MAX);
        let r = MemReport::build("f.gguf", 1 << 20, Some(4096), &[e], None, true);
        assert_eq!(r.predictions[0].kv_bytes_per_token, u64::MAX);
        let x = r.explain.expect("an explanation");
        assert!(x.total_bytes > 0 && !x.kv_reasons.is_empty());
    });
}

#[test]
fn explain_words_the_compute_buffer_as_it_adds_up() {
    if common::skip_without_models("mem::explain_words_the_compute_buffer_as_it_adds_up") {
        return;
    }
    let g = common::gemma();
    let out = common::gguflens(&["mem", g.to_str().unwrap(), "-c", "8192", "--explain"]);
    let text = String::from_utf8(out.stdout).unwrap();
    // Both devices have a compute buffer: the total is not "the larger of" the two terms.
    assert!(!text.contains("(515.75 MiB) is the larger of"), "{text}");
    assert!(
        text.contains(
            "the compute buffers total 515.75 MiB: 514.50 MiB on the device with the output layer"
        ),
        "{text}"
    );
    assert!(
        text.contains("plus 1.25 MiB on the other devices"),
        "{text}"
    );
    let cpu = common::gguflens(&[
        "mem",
        g.to_str().unwrap(),
        "-c",
        "8192",
        "-ngl",
        "0",
        "--explain",
    ]);
    let text = String::from_utf8(cpu.stdout).unwrap();
    assert!(
        text.contains("the compute buffer (514.50 MiB) is the larger of"),
        "{text}"
    );
}
