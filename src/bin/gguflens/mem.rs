//! `gguflens mem FILE`: what llama.cpp will allocate, per device, with llama.cpp's flag names.

use crate::cli::CliError;
use crate::Status;
use gguflens::memory::{self, CacheType, CpuKind, FlashAttn, MemoryParams, DEFAULT_GPU_OVERHEAD};
use gguflens::render::mem::render;
use gguflens::render::Style;
use gguflens::report::mem::MemReport;
use gguflens::ModelFiles;
use std::ffi::OsString;
use std::path::PathBuf;

/// Predict llama.cpp's memory use: weights, KV cache, recurrent state, output and compute
/// buffers per device, before loading anything.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Flags are llama.cpp's (llama-cli, llama-server), with the same defaults; the single-dash forms
-ub -np -ctk -ctv -fa -ngl -nkvo -ts work too. Without -c, a sweep: 2k, 4k, 8k … up to the training
context. With -c, one table per device: weights, KV cache (full and sliding-window parts), recurrent
state, output buffer, compute buffer, GPU runtime overhead, total. Figures marked ~ are estimates
(compute buffer, overhead); the rest equals llama.cpp's allocation to the byte (docs/ACCURACY.md).

Sizes take IEC or SI units: 24GiB, 512MiB, 8GB; a bare number is MiB.
--fit 24GiB[,24GiB…]: the largest context and offloaded layer count that fit, answered the way
llama.cpp's --fit answers it (1 GiB kept free per GPU, context not below 4096).
--explain: the formulas with this file's numbers, next to the rules of thumb.

--cpu KIND: the CPU llama.cpp runs on (default: this one), for the CPU_REPACK copy it makes of
Q4_0/Q4_K/IQ4_NL/… weights when nothing is offloaded (or with --no-host); generic for none.

Exit status: 0 clean, 1 unreadable, impossible settings or a file without tensors (vocabulary
only), 2 readable with findings (listed after the report).")]
pub struct Args {
    /// The GGUF file (any shard of a split set).
    pub file: PathBuf,
    /// Context size; 0 = the model's training context. Omit it for a sweep.
    #[arg(short = 'c', long = "ctx-size", value_name = "N")]
    pub ctx_size: Option<u32>,
    /// Logical batch size.
    #[arg(
        short = 'b',
        long = "batch-size",
        default_value_t = 2048,
        value_name = "N"
    )]
    pub batch_size: u32,
    /// Physical batch size (-ub): the tokens of one graph.
    #[arg(long = "ubatch-size", default_value_t = 512, value_name = "N")]
    pub ubatch_size: u32,
    /// Parallel sequences (-np).
    #[arg(long = "parallel", default_value_t = 1, value_name = "N")]
    pub parallel: u32,
    /// One KV buffer shared by all sequences.
    #[arg(long = "kv-unified")]
    pub kv_unified: bool,
    /// K cache type (-ctk): f32, f16, bf16, q8_0, q4_0, q4_1, iq4_nl, q5_0, q5_1.
    #[arg(long = "cache-type-k", default_value = "f16", value_parser = parse_cache_type, value_name = "TYPE")]
    pub cache_type_k: CacheType,
    /// V cache type (-ctv); quantized types need flash attention.
    #[arg(long = "cache-type-v", default_value = "f16", value_parser = parse_cache_type, value_name = "TYPE")]
    pub cache_type_v: CacheType,
    /// Flash attention (-fa): on, off, auto.
    #[arg(long = "flash-attn", default_value = "auto", value_parser = parse_fa, value_name = "on|off|auto")]
    pub flash_attn: FlashAttn,
    /// Full-size sliding-window caches.
    #[arg(long = "swa-full")]
    pub swa_full: bool,
    /// Units to offload (-ngl), the output layer first; all, auto or a number. Default all.
    #[arg(long = "n-gpu-layers", value_parser = parse_ngl, value_name = "N")]
    pub n_gpu_layers: Option<i32>,
    /// Keep the KV cache in RAM (-nkvo).
    #[arg(long = "no-kv-offload")]
    pub no_kv_offload: bool,
    /// Memory-map the weights (the default).
    #[arg(long = "mmap", overrides_with = "no_mmap")]
    pub mmap: bool,
    /// Load the weights into allocated memory.
    #[arg(long = "no-mmap")]
    pub no_mmap: bool,
    /// Split of offloaded layers over GPUs (-ts), e.g. 3,1.
    #[arg(long = "tensor-split", value_parser = parse_split, value_name = "N,N…")]
    pub tensor_split: Option<Split>,
    /// Runtime memory per GPU in use outside llama.cpp's buffers (CUDA context, cuBLAS).
    #[arg(long = "gpu-overhead", value_parser = parse_size, value_name = "SIZE")]
    pub gpu_overhead: Option<u64>,
    /// The CPU llama.cpp runs on, for its CPU_REPACK copy of weights: generic, x86-avx2,
    /// x86-avx512, arm-dotprod, arm-i8mm. Default: this machine.
    #[arg(long = "cpu", value_parser = parse_cpu, value_name = "KIND")]
    pub cpu: Option<CpuKind>,
    /// No GPU host buffer for CPU weights (llama.cpp's --no-host): partly offloaded runs get
    /// the CPU_REPACK copy too.
    #[arg(long = "no-host")]
    pub no_host: bool,
    /// GPU budgets: find the largest context and layer count that fit.
    #[arg(long = "fit", value_parser = parse_sizes, value_name = "SIZE[,SIZE…]")]
    pub fit: Option<Budgets>,
    /// Memory --fit keeps free on every GPU.
    #[arg(long = "fit-target", value_parser = parse_size, value_name = "SIZE")]
    pub fit_target: Option<u64>,
    /// Show the formulas with this file's numbers next to the rules of thumb.
    #[arg(long)]
    pub explain: bool,
    /// Print the report as JSON (schema gguflens.mem/1, docs/JSON.md).
    #[arg(long)]
    pub json: bool,
}

/// llama.cpp's single-dash multi-letter flags and their long forms.
const LLAMA_SHORT: &[(&str, &str)] = &[
    ("-ub", "--ubatch-size"),
    ("-np", "--parallel"),
    ("-ctk", "--cache-type-k"),
    ("-ctv", "--cache-type-v"),
    ("-fa", "--flash-attn"),
    ("-ngl", "--n-gpu-layers"),
    ("-nkvo", "--no-kv-offload"),
    ("-ts", "--tensor-split"),
    ("-fitt", "--fit-target"),
];

/// Rewrites llama.cpp's single-dash multi-letter spellings (`-ngl 99`, `-ctk=q8_0`) after the
/// `mem` subcommand to their long forms, which clap understands. Stops at `--`.
pub fn rewrite_llama_flags(args: Vec<OsString>) -> Vec<OsString> {
    let Some(pos) = args.iter().position(|a| a == "mem") else {
        return args;
    };
    let mut out: Vec<OsString> = args[..=pos].to_vec();
    let mut rest = args[pos + 1..].iter();
    for a in rest.by_ref() {
        if a == "--" {
            out.push(a.clone());
            break;
        }
        let s = a.to_string_lossy();
        let (flag, value) = match s.split_once('=') {
            Some((f, v)) => (f, Some(v)),
            None => (s.as_ref(), None),
        };
        match LLAMA_SHORT.iter().find(|(short, _)| *short == flag) {
            Some((_, long)) => out.push(match value {
                Some(v) => OsString::from(format!("{long}={v}")),
                None => OsString::from(long),
            }),
            None => out.push(a.clone()),
        }
    }
    out.extend(rest.cloned());
    out
}

fn parse_cache_type(s: &str) -> Result<CacheType, String> {
    CacheType::from_name(s).ok_or_else(|| {
        format!(
            "unknown cache type '{s}' (llama.cpp accepts {})",
            CacheType::ALL.map(|t| t.name()).join(", ")
        )
    })
}

fn parse_fa(s: &str) -> Result<FlashAttn, String> {
    match s.to_ascii_lowercase().as_str() {
        "on" | "1" | "true" | "enabled" => Ok(FlashAttn::On),
        "off" | "0" | "false" | "disabled" => Ok(FlashAttn::Off),
        "auto" | "-1" => Ok(FlashAttn::Auto),
        _ => Err(format!("'{s}': expected on, off or auto")),
    }
}

fn parse_cpu(s: &str) -> Result<CpuKind, String> {
    CpuKind::from_name(s).ok_or_else(|| {
        format!(
            "unknown CPU kind '{s}' (expected {})",
            CpuKind::ALL.map(|k| k.name()).join(", ")
        )
    })
}

fn parse_ngl(s: &str) -> Result<i32, String> {
    match s {
        "all" | "auto" => Ok(-1),
        _ => s
            .parse::<i32>()
            .map_err(|_| format!("'{s}': expected a layer count, all or auto")),
    }
}

/// `-ts` proportions (one value, so that clap keeps the list whole).
#[derive(Debug, Clone, PartialEq)]
pub struct Split(pub Vec<f64>);

/// `--fit` budgets in bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct Budgets(pub Vec<u64>);

fn parse_split(s: &str) -> Result<Split, String> {
    s.split([',', '/'])
        .map(|x| {
            x.trim()
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && *v >= 0.0)
                .ok_or_else(|| format!("'{x}': expected non-negative numbers such as 3,1"))
        })
        .collect::<Result<Vec<f64>, String>>()
        .map(Split)
}

/// Parses `24GiB`, `512MiB`, `8GB`, `1.5G` (binary), or a bare number of MiB.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: f64 = num
        .parse()
        .map_err(|_| format!("'{s}': expected a size such as 24GiB or 512MiB"))?;
    let mult: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "m" | "mib" => 1024.0 * 1024.0,
        "b" => 1.0,
        "k" | "kib" => 1024.0,
        "kb" => 1e3,
        "mb" => 1e6,
        "g" | "gib" => 1024.0 * 1024.0 * 1024.0,
        "gb" => 1e9,
        "t" | "tib" => 1024f64.powi(4),
        "tb" => 1e12,
        _ => {
            return Err(format!(
                "'{s}': unknown unit '{unit}' (use B, KiB, MiB, GiB, TiB, KB, MB, GB, TB)"
            ))
        }
    };
    let v = n * mult;
    if !v.is_finite() || v < 0.0 || v > u64::MAX as f64 {
        return Err(format!("'{s}': out of range"));
    }
    Ok(v as u64)
}

fn parse_sizes(s: &str) -> Result<Budgets, String> {
    s.split(',')
        .map(parse_size)
        .collect::<Result<Vec<u64>, String>>()
        .map(Budgets)
}

impl Args {
    fn params(&self) -> MemoryParams {
        MemoryParams {
            n_ctx: self.ctx_size.unwrap_or(0),
            n_batch: self.batch_size,
            n_ubatch: self.ubatch_size,
            n_seq: self.parallel,
            kv_unified: self.kv_unified,
            type_k: self.cache_type_k,
            type_v: self.cache_type_v,
            flash_attn: self.flash_attn,
            swa_full: self.swa_full,
            n_outputs_max: 0,
            n_gpu_layers: self.n_gpu_layers.unwrap_or(-1),
            no_kv_offload: self.no_kv_offload,
            mmap: !self.no_mmap,
            tensor_split: self.tensor_split.clone().map(|s| s.0).unwrap_or_default(),
            n_gpus: match &self.fit {
                Some(b) => b.0.len(),
                None => 1,
            },
            gpu_overhead: self.gpu_overhead.unwrap_or(DEFAULT_GPU_OVERHEAD),
            cpu: self.cpu.unwrap_or_else(CpuKind::host),
            no_host: self.no_host,
        }
    }
}

pub fn run(a: Args, style: Style) -> Result<Status, CliError> {
    let files = ModelFiles::open(&a.file)?;
    let model = files.parse()?;
    let p = a.params();
    let name = a.file.display().to_string();
    let err = |e: memory::MemoryError| CliError::Msg(format!("{name}: {e}"));
    let (estimates, fit) = if let Some(Budgets(budgets)) = &a.fit {
        let margin = a.fit_target.unwrap_or(memory::params::DEFAULT_FIT_TARGET);
        let f = memory::fit(&model, budgets, &p, margin).map_err(err)?;
        (Vec::new(), Some(f))
    } else if a.ctx_size.is_some() {
        (vec![memory::estimate(&model, &p).map_err(err)?], None)
    } else {
        (memory::sweep(&model, &p).map_err(err)?, None)
    };
    let report = MemReport {
        findings: gguflens::report::findings_of(&model),
        ..MemReport::build(
            &name,
            model.file_size(),
            a.ctx_size,
            &estimates,
            fit.as_ref(),
            a.explain,
        )
    };
    crate::cli::emit(a.json, &report, |w| render(&report, w, style))?;
    Ok(if model.has_problems() {
        Status::Problems
    } else {
        Status::Clean
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(v: &[&str]) -> Vec<OsString> {
        v.iter().map(OsString::from).collect()
    }

    #[test]
    fn rewrites_llama_spellings_after_mem_only() {
        let got = rewrite_llama_flags(os(&[
            "gguflens",
            "mem",
            "f.gguf",
            "-ngl",
            "99",
            "-ctk=q8_0",
            "-fa",
            "on",
            "-ub",
            "256",
            "-np",
            "4",
            "-nkvo",
            "-ts",
            "3,1",
            "-c",
            "4096",
            "--",
            "-ngl",
        ]));
        assert_eq!(
            got,
            os(&[
                "gguflens",
                "mem",
                "f.gguf",
                "--n-gpu-layers",
                "99",
                "--cache-type-k=q8_0",
                "--flash-attn",
                "on",
                "--ubatch-size",
                "256",
                "--parallel",
                "4",
                "--no-kv-offload",
                "--tensor-split",
                "3,1",
                "-c",
                "4096",
                "--",
                "-ngl"
            ])
        );
        let other = os(&["gguflens", "inspect", "-ngl"]);
        assert_eq!(rewrite_llama_flags(other.clone()), other);
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("24GiB"), Ok(24 << 30));
        assert_eq!(parse_size("512MiB"), Ok(512 << 20));
        assert_eq!(parse_size("512"), Ok(512 << 20));
        assert_eq!(parse_size("8GB"), Ok(8_000_000_000));
        assert_eq!(parse_size("1.5G"), Ok(3 << 29));
        assert!(parse_size("12XB").is_err());
        assert!(parse_size("GiB").is_err());
        assert_eq!(
            parse_sizes("24GiB,8GiB"),
            Ok(Budgets(vec![24 << 30, 8 << 30]))
        );
        assert_eq!(parse_split("3/1"), Ok(Split(vec![3.0, 1.0])));
        assert_eq!(parse_ngl("all"), Ok(-1));
    }
}
