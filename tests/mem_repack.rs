//! The CPU_REPACK copy against llama.cpp: rows recorded with and without the CPU backend's
//! extra buffer types (fixtures/oracle/repack-allocations.csv, scripts/oracle/record_repack.py)
//! on an AVX-512 machine, for the real Qwen2.5-Coder-1.5B Q4_K_M, the synthetic model that
//! mixes every x86-repacked type and a synthetic mixture of experts, plus the Gemma 3 rows of
//! the shared grid (whose Q4_K tensors are repacked too).

mod common;
#[path = "common/oracle.rs"]
mod oracle;

use gguflens::memory::{self, CpuKind};
use gguflens::ModelFiles;
use oracle::Row;
use std::path::PathBuf;

/// `CPU_REPACK=N` (or `CPU=N`, `CPU_Mapped=MiB`) from a row's model buffers.
fn buffer(r: &Row, column: &str, name: &str) -> Option<String> {
    r.get(column).split(';').find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k == name).then(|| v.to_string())
    })
}

fn bytes(r: &Row, name: &str) -> Option<u64> {
    buffer(r, "model_buffers_bytes", name)?.parse().ok()
}

fn check(model: &gguflens::Model, r: &Row, compute_tolerance: f64) -> Vec<String> {
    let mut p = r.params();
    let on = r.get("repack") == "on";
    p.cpu = if on {
        CpuKind::X86Avx512
    } else {
        CpuKind::Generic
    };
    let e = memory::estimate(model, &p).unwrap();
    let cpu = e.cpu();
    let mut bad = Vec::new();
    let mut eq = |what: &str, ours: u64, theirs: u64| {
        if ours != theirs {
            bad.push(format!("{what}: predicted {ours}, llama.cpp {theirs}"));
        }
    };
    let repack = bytes(r, "CPU_REPACK").unwrap_or(0);
    eq("CPU_REPACK", cpu.weights_repack, repack);
    if r.get("load_mode") == "none" {
        eq(
            "CPU",
            cpu.weights.bytes - cpu.weights_repack,
            bytes(r, "CPU").unwrap(),
        );
    } else {
        // The mapped buffer is logged in MiB only; the copy comes on top of it.
        let mapped: f64 = buffer(r, "model_buffers_mib", "CPU_Mapped")
            .unwrap()
            .parse()
            .unwrap();
        let ours = cpu.weights_mapped as f64 / (1024.0 * 1024.0);
        let within = (ours - mapped).abs() <= 0.006;
        eq("CPU_Mapped within 0.006 MiB", within as u64, 1);
        eq("weights", cpu.weights.bytes, cpu.weights_mapped + repack);
    }
    if let Some(kv) = r.u64("kv_buffer_bytes") {
        eq("kv", cpu.kv.k + cpu.kv.v, kv);
    }
    if let Some(o) = r.u64("output_bytes") {
        eq("output", cpu.output.bytes, o);
    }
    if let Some(c) = r.compute_bytes() {
        let err = (cpu.compute.bytes as f64 - c as f64) / c as f64;
        if err.abs() > compute_tolerance {
            bad.push(format!("compute {:+.2} %", err * 100.0));
        }
    }
    bad
}

fn replay(rows: &[Row], path_of: impl Fn(&str) -> PathBuf, compute_tolerance: f64) -> usize {
    let mut failures = Vec::new();
    let mut n = 0;
    for r in rows.iter().filter(|r| r.ok()) {
        let files = ModelFiles::open(path_of(r.file())).unwrap();
        let model = files.parse().unwrap();
        n += 1;
        for b in check(&model, r, compute_tolerance) {
            failures.push(format!(
                "{} {} repack {} c={} fa={}: {b}",
                r.file(),
                r.get("load_mode"),
                r.get("repack"),
                r.get("n_ctx_requested"),
                r.get("flash_attn_actual")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    n
}

#[test]
fn repack_buffers_match_llama_cpp() {
    let rows = oracle::read_csv(&oracle::root().join("fixtures/oracle/repack-allocations.csv"));
    assert!(rows
        .iter()
        .all(|r| r.get("cpu").contains("avx512f") && r.get("cpu").contains("avx2")));
    let dir = common::temp_dir("mem-repack");
    let synth = dir.join("synth-repack-mix.gguf");
    std::fs::write(&synth, gguflens::synthetic::repack_mix().build()).unwrap();
    let moe = dir.join("synth-repack-moe.gguf");
    std::fs::write(&moe, gguflens::synthetic::repack_moe().build()).unwrap();
    // The compute buffer too is llama.cpp's to the byte on every one of these rows.
    let n = replay(
        &rows,
        |f| match f {
            "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf" => common::qwen15b(),
            "synth-repack-mix.gguf" => synth.clone(),
            "synth-repack-moe.gguf" => moe.clone(),
            other => panic!("unknown model {other}"),
        },
        0.0,
    );
    assert_eq!(n, 21);
    // The 1.5B: every Q4_K matmul weight (all but the token embedding): 596.53 MiB.
    let q = rows
        .iter()
        .find(|r| r.file().starts_with("qwen") && r.get("repack") == "on")
        .unwrap();
    assert_eq!(bytes(q, "CPU_REPACK"), Some(625_508_352));
    // The MoE: the 3-D Q4_K, Q4_0 and IQ4_NL experts of two layers (MUL_MAT_ID), not the Q5_K
    // ones of the last or the Q8_0 attention.
    let m = rows
        .iter()
        .find(|r| r.file() == "synth-repack-moe.gguf" && r.get("repack") == "on")
        .unwrap();
    assert_eq!(bytes(m, "CPU_REPACK"), Some(2 * 3 * 147_456));
}

#[test]
fn gemma_rows_of_the_shared_grid_hold_the_q4_k_copy() {
    let rows: Vec<Row> = oracle::real_rows()
        .into_iter()
        .filter(|r| r.file().starts_with("gemma"))
        .collect();
    let n = replay(&rows, |_| common::gemma(), 0.05);
    assert_eq!(n, 86);
    assert!(rows
        .iter()
        .any(|r| bytes(r, "CPU_REPACK") == Some(13_271_040)));
}

#[test]
fn the_copy_depends_on_the_cpu_kind() {
    let b = gguflens::synthetic::repack_mix().build();
    let dir = common::temp_dir("mem-repack-kinds");
    let path = dir.join("m.gguf");
    std::fs::write(&path, b).unwrap();
    let files = ModelFiles::open(&path).unwrap();
    let model = files.parse().unwrap();
    let at = |cpu: CpuKind, ngl: i32, n_gpus: usize, no_host: bool| {
        let p = memory::MemoryParams {
            n_ctx: 512,
            n_gpu_layers: ngl,
            n_gpus,
            no_host,
            cpu,
            ..Default::default()
        };
        memory::estimate(&model, &p).unwrap().cpu().weights_repack
    };
    let avx512 = at(CpuKind::X86Avx512, 0, 0, false);
    assert_eq!(avx512, 444_416);
    // Q2_K (blk.3.attn_q, 256 × 256) has a kernel only with AVX-512.
    assert_eq!(
        avx512 - at(CpuKind::X86Avx2, 0, 0, false),
        256 * 256 / 256 * 84
    );
    assert_eq!(at(CpuKind::Generic, 0, 0, false), 0);
    // ARM repacks Q5_K/Q6_K/Q8_0 too and Q4_0 at 4-row interleave.
    assert!(at(CpuKind::ArmI8mm, 0, 0, false) > avx512);
    // Nothing offloaded counts as a CPU-only run; partial offload needs --no-host.
    assert_eq!(at(CpuKind::X86Avx512, 0, 1, false), avx512);
    assert_eq!(at(CpuKind::X86Avx512, 2, 1, false), 0);
    assert!(at(CpuKind::X86Avx512, 2, 1, true) > 0);
}
