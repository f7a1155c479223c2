//! Prints docs/ACCURACY.md's tables: every recorded llama.cpp configuration
//! (fixtures/oracle/*.csv) next to gguflens's prediction.
//! `cargo run --example mem_accuracy > table.md`

#[path = "../tests/common/oracle.rs"]
mod oracle;

use gguflens::memory::{self, MemoryError};
use gguflens::{synthetic, ModelFiles};
use oracle::Row;
use std::path::PathBuf;

fn models_dir() -> PathBuf {
    std::env::var_os("GGUFLENS_MODELS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default())
                .join(".cache/gguflens/models")
        })
}

fn cell(ours: u64, theirs: Option<u64>) -> String {
    match theirs {
        None => format!("{ours}"),
        Some(t) if t == ours => format!("{ours} ✓"),
        Some(t) => format!("{ours} ✗ ({t})"),
    }
}

fn table(title: &str, rows: &[Row], path_of: &dyn Fn(&str) -> PathBuf) {
    println!("### {title}\n");
    println!("| model | -c | -ub | -np | unified | K/V | FA | swa_full | mmap | n_ctx | KV bytes | SWA KV bytes | state bytes | output bytes | weights bytes | compute predicted | compute llama.cpp | error |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    let mut exact = 0;
    let mut figures = 0;
    let mut worst: Vec<(String, f64)> = Vec::new();
    for r in rows {
        let files = ModelFiles::open(path_of(r.file())).unwrap();
        let m = files.parse().unwrap();
        let p = r.params();
        let head = format!(
            "| {} | {} | {} | {} | {} | {}/{} | {} | {} | {} ",
            r.file().trim_end_matches(".gguf"),
            r.get("n_ctx_requested"),
            r.get("n_ubatch"),
            r.get("n_seq_max"),
            r.get("kv_unified"),
            r.get("type_k"),
            r.get("type_v"),
            if r.get("flash_attn_actual").is_empty() {
                r.get("flash_attn_requested")
            } else {
                r.get("flash_attn_actual")
            },
            r.get("swa_full"),
            r.get("load_mode"),
        );
        match (memory::estimate(&m, &p), r.ok()) {
            (Err(e), false) => {
                let agree = matches!(
                    e,
                    MemoryError::QuantizedVNeedsFlashAttn(_)
                        | MemoryError::MlaCacheTypes(..)
                        | MemoryError::HeadSize { .. }
                );
                println!(
                    "{head}| refused | llama.cpp: {} | gguflens: {e} {} | | | | | | |",
                    r.get("error"),
                    if agree { "✓" } else { "✗" }
                );
            }
            (Ok(e), true) => {
                let c = e.cpu();
                let mut check = |ours: u64, theirs: Option<u64>| {
                    if let Some(t) = theirs {
                        figures += 1;
                        if t == ours {
                            exact += 1;
                        }
                    }
                    cell(ours, theirs)
                };
                let kv = check(c.kv.k + c.kv.v, r.u64("kv_buffer_bytes"));
                let swa = check(c.kv.swa_k + c.kv.swa_v, r.u64("swa_kv_buffer_bytes"));
                let rs = check(c.recurrent.bytes, r.u64("rs_buffer_bytes"));
                let out = check(c.output.bytes, r.u64("output_bytes"));
                let w = if r.get("load_mode") == "none" {
                    check(c.weights.bytes, r.model_buffer_bytes())
                } else {
                    format!("{} (mmap)", c.weights.bytes)
                };
                let (ct, err) = match r.compute_bytes() {
                    Some(t) => {
                        let err = (c.compute.bytes as f64 - t as f64) / t as f64 * 100.0;
                        worst.push((r.file().to_string(), err));
                        (t.to_string(), format!("{err:+.2} %"))
                    }
                    None => (String::new(), String::new()),
                };
                println!(
                    "{head}| {} | {kv} | {swa} | {rs} | {out} | {w} | {} | {ct} | {err} |",
                    e.context.n_ctx, c.compute.bytes
                );
            }
            (Err(e), true) => println!("{head}| gguflens error: {e} ✗ | | | | | | | | |"),
            (Ok(_), false) => println!(
                "{head}| llama.cpp refused ({}), gguflens did not ✗ | | | | | | | | |",
                r.get("error")
            ),
        }
    }
    println!();
    println!("Exact figures equal to llama.cpp's: **{exact} of {figures}**.");
    let mut files: Vec<String> = worst.iter().map(|(f, _)| f.clone()).collect();
    files.sort();
    files.dedup();
    for f in files {
        let errs: Vec<f64> = worst
            .iter()
            .filter(|(g, _)| *g == f)
            .map(|(_, e)| *e)
            .collect();
        let max = errs.iter().fold(0f64, |a, e| a.max(e.abs()));
        let mean = errs.iter().sum::<f64>() / errs.len() as f64;
        println!(
            "Compute buffer, {f}: {} rows, max |error| {max:.2} %, mean {mean:+.2} %.",
            errs.len()
        );
    }
    println!();
}

fn main() {
    let real = oracle::real_rows();
    table("Real models (llama-cpp-cpu-allocations.csv)", &real, &|f| {
        models_dir().join(f)
    });
    let synth = oracle::synthetic_rows();
    if !synth.is_empty() {
        let dir = std::env::temp_dir().join("gguflens-oracle-models");
        synthetic::write_all(&dir).unwrap();
        table(
            "Synthetic architectures (synthetic-allocations.csv)",
            &synth,
            &|f| dir.join(f),
        );
    }
}
