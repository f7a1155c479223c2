//! llama.cpp's recorded allocations (fixtures/oracle/*.csv) and the matching gguflens settings.
//! Shared by tests/mem_oracle.rs and examples/mem_accuracy.rs.
#![allow(dead_code)]

use gguflens::memory::{CacheType, FlashAttn, MemoryParams};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// One recorded configuration.
#[derive(Debug, Clone)]
pub struct Row {
    /// Column name → value.
    pub f: HashMap<String, String>,
}

impl Row {
    pub fn get(&self, k: &str) -> &str {
        self.f.get(k).map(|s| s.as_str()).unwrap_or("")
    }
    pub fn u64(&self, k: &str) -> Option<u64> {
        self.get(k).parse().ok()
    }
    pub fn ok(&self) -> bool {
        self.get("status") == "ok"
    }
    pub fn file(&self) -> &str {
        self.get("file")
    }
    /// The settings llama.cpp ran with, as gguflens parameters (everything on the CPU).
    pub fn params(&self) -> MemoryParams {
        let fa_actual = self.get("flash_attn_actual");
        let fa = if fa_actual.is_empty() {
            match self.get("flash_attn_requested") {
                "on" => FlashAttn::On,
                "off" => FlashAttn::Off,
                _ => FlashAttn::Auto,
            }
        } else if fa_actual.ends_with("enabled") {
            FlashAttn::On
        } else {
            FlashAttn::Off
        };
        let swa = self.get("swa_full");
        MemoryParams {
            n_ctx: self.u64("n_ctx_requested").unwrap_or(0) as u32,
            n_batch: self.u64("n_batch").unwrap_or(2048) as u32,
            n_ubatch: self.u64("n_ubatch").unwrap_or(512) as u32,
            n_seq: self.u64("n_seq_max").unwrap_or(1) as u32,
            kv_unified: self.get("kv_unified") == "true",
            type_k: CacheType::from_name(self.get("type_k")).unwrap(),
            type_v: CacheType::from_name(self.get("type_v")).unwrap(),
            flash_attn: fa,
            // `default` is the C API's swa_full = true.
            swa_full: swa.starts_with("default") || swa.starts_with("true"),
            n_outputs_max: self.u64("n_outputs_max").unwrap_or(0) as u32,
            n_gpu_layers: 0,
            mmap: self.get("load_mode") != "none",
            n_gpus: 0,
            ..MemoryParams::default()
        }
    }
    /// Sum of the model buffers with a byte count (no-mmap runs), if any.
    pub fn model_buffer_bytes(&self) -> Option<u64> {
        let s = self.get("model_buffers_bytes");
        let mut sum = 0;
        for part in s.split(';') {
            let (_, v) = part.split_once('=')?;
            sum += v.parse::<u64>().ok()?;
        }
        Some(sum)
    }
    /// llama.cpp's compute buffer bytes (`CPU=N`).
    pub fn compute_bytes(&self) -> Option<u64> {
        self.get("compute_bytes").split_once('=')?.1.parse().ok()
    }
}

/// Reads a CSV without quoted fields (the recorded files have none).
pub fn read_csv(path: &Path) -> Vec<Row> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| Row {
            f: header
                .iter()
                .cloned()
                .zip(l.split(',').map(String::from))
                .collect(),
        })
        .collect()
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The real-model grid (shared oracle, two real files).
pub fn real_rows() -> Vec<Row> {
    read_csv(&root().join("fixtures/oracle/llama-cpp-cpu-allocations.csv"))
}

/// The synthetic-architecture grid, if recorded.
pub fn synthetic_rows() -> Vec<Row> {
    let p = root().join("fixtures/oracle/synthetic-allocations.csv");
    if p.exists() {
        read_csv(&p)
    } else {
        Vec::new()
    }
}
