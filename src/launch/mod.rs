//! llama.cpp's command-line arguments, as its programs parse them (`common/arg.cpp`): the names
//! and aliases of each option, whether it takes a value, and which values llama.cpp accepts.
//!
//! One table ([`SPECS`]) drives everything: [`extract`] takes llama.cpp's options out of a
//! command line and leaves the rest (so that a CLI parser handles its own options), [`parse`]
//! reads a whole llama.cpp command line and refuses an unknown option as llama.cpp does, and
//! [`LaunchArgs::apply`] turns the values into [`MemoryParams`] with llama.cpp's cross-option
//! rules (`-b 0 -ub 0` refused, `-ub 0` meaning `-b`, `-np` checked the way the program checks
//! it). The rules follow llama.cpp's parser:
//!
//! - the value is the next argument, whatever it looks like (`-ngl -1`); a missing one is an
//!   error ("expected value for argument"), so a bare `-fa` is refused (current llama.cpp takes
//!   `-fa on|off|auto`);
//! - in `--long_names` an underscore is a dash (`--n_gpu_layers`);
//! - an option given twice keeps its last value;
//! - integers must be whole integers (llama.cpp's `std::stoi` would also take `12abc` as 12;
//!   that is refused here).
//!
//! `NAME=VALUE` is also accepted (llama.cpp itself does not split on `=`).

use crate::memory::{CacheType, FlashAttn, MemoryParams};
use std::ffi::OsString;
use std::fmt;

/// The llama.cpp program whose rules apply where programs differ (`-np`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Program {
    /// `llama-cli`, `llama-completion` and the other examples (`-np 0` means 1).
    Cli,
    /// `llama-server` (`-np 0` is refused, a negative `-np` means auto: 4 slots, one
    /// unified KV cache).
    Server,
}

/// What an option sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// `-c/--ctx-size N`.
    CtxSize,
    /// `-b/--batch-size N`.
    BatchSize,
    /// `-ub/--ubatch-size N`.
    UbatchSize,
    /// `-np/--parallel N`.
    Parallel,
    /// `-kvu/--kv-unified`, `-no-kvu/--no-kv-unified`.
    KvUnified,
    /// `-ctk/--cache-type-k TYPE`.
    CacheTypeK,
    /// `-ctv/--cache-type-v TYPE`.
    CacheTypeV,
    /// `-fa/--flash-attn on|off|auto`.
    FlashAttn,
    /// `--swa-full`.
    SwaFull,
    /// `-ngl/--gpu-layers/--n-gpu-layers N|auto|all`.
    GpuLayers,
    /// `-kvo/--kv-offload`, `-nkvo/--no-kv-offload`.
    KvOffload,
    /// `--mmap`, `--no-mmap` (llama.cpp before `--load-mode`).
    Mmap,
    /// `-lm/--load-mode MODE`.
    LoadMode,
    /// `-ts/--tensor-split N0,N1,…`.
    TensorSplit,
    /// `-fitt/--fit-target SIZE`.
    FitTarget,
    /// `--no-host`: no host (pinned) buffer, so the CPU's extra buffers (`CPU_REPACK`) serve
    /// the weights even when layers are offloaded.
    NoHost,
}

/// One option of the table.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// What it sets.
    pub key: Key,
    /// Its spellings, the long one last (as llama.cpp lists them).
    pub names: &'static [&'static str],
    /// Spellings that set the opposite (`--no-kv-offload`).
    pub negative: &'static [&'static str],
    /// The value's placeholder; `None` for a switch.
    pub value: Option<&'static str>,
    /// One line of help.
    pub help: &'static str,
}

impl Spec {
    /// The long spelling (`--n-gpu-layers`).
    pub fn long(&self) -> &'static str {
        self.names[self.names.len() - 1]
    }
}

/// Every llama.cpp option `gguflens mem` understands, with llama.cpp's spellings.
pub const SPECS: &[Spec] = &[
    Spec {
        key: Key::CtxSize,
        names: &["-c", "--ctx-size"],
        negative: &[],
        value: Some("N"),
        help: "Context size in tokens; 0 = the model's training context. Omit it for a sweep.",
    },
    Spec {
        key: Key::BatchSize,
        names: &["-b", "--batch-size"],
        negative: &[],
        value: Some("N"),
        help: "Logical batch size (default 2048).",
    },
    Spec {
        key: Key::UbatchSize,
        names: &["-ub", "--ubatch-size"],
        negative: &[],
        value: Some("N"),
        help: "Physical batch size, the tokens of one graph (default 512; 0 = the -b value).",
    },
    Spec {
        key: Key::Parallel,
        names: &["-np", "--parallel"],
        negative: &[],
        value: Some("N"),
        help: "Parallel sequences (default 1; -1 = auto: 4 slots sharing one KV cache, as llama-server).",
    },
    Spec {
        key: Key::KvUnified,
        names: &["-kvu", "--kv-unified"],
        negative: &["-no-kvu", "--no-kv-unified"],
        value: None,
        help: "One KV buffer shared by all sequences (--no-kv-unified: one per sequence).",
    },
    Spec {
        key: Key::CacheTypeK,
        names: &["-ctk", "--cache-type-k"],
        negative: &[],
        value: Some("TYPE"),
        help: "K cache type: f32, f16, bf16, q8_0, q4_0, q4_1, iq4_nl, q5_0, q5_1 (default f16).",
    },
    Spec {
        key: Key::CacheTypeV,
        names: &["-ctv", "--cache-type-v"],
        negative: &[],
        value: Some("TYPE"),
        help: "V cache type, as -ctk; a quantized type needs flash attention.",
    },
    Spec {
        key: Key::FlashAttn,
        names: &["-fa", "--flash-attn"],
        negative: &[],
        value: Some("on|off|auto"),
        help: "Flash attention (default auto); also 1/0/-1, true/false, enabled/disabled.",
    },
    Spec {
        key: Key::SwaFull,
        names: &["--swa-full"],
        negative: &[],
        value: None,
        help: "Full-size sliding-window caches.",
    },
    Spec {
        key: Key::GpuLayers,
        names: &["-ngl", "--gpu-layers", "--n-gpu-layers"],
        negative: &[],
        value: Some("N|auto|all"),
        help: "Units to offload, the output layer first: a number, all or auto (default; -1 = auto).",
    },
    Spec {
        key: Key::KvOffload,
        names: &["-kvo", "--kv-offload"],
        negative: &["-nkvo", "--no-kv-offload"],
        value: None,
        help: "Keep the KV cache on the GPU (default); -nkvo/--no-kv-offload keeps it in RAM.",
    },
    Spec {
        key: Key::Mmap,
        names: &["--mmap"],
        negative: &["--no-mmap"],
        value: None,
        help: "Memory-map the weights (default); --no-mmap loads them into allocated memory.",
    },
    Spec {
        key: Key::LoadMode,
        names: &["-lm", "--load-mode"],
        negative: &[],
        value: Some("MODE"),
        help: "auto, mmap or mmap+mlock (weights memory-mapped), none, mlock or dio (allocated).",
    },
    Spec {
        key: Key::TensorSplit,
        names: &["-ts", "--tensor-split"],
        negative: &[],
        value: Some("N0,N1,…"),
        help: "Split of the offloaded layers over GPUs, e.g. 3,1.",
    },
    Spec {
        key: Key::FitTarget,
        names: &["-fitt", "--fit-target"],
        negative: &[],
        value: Some("SIZE"),
        help: "Memory --fit keeps free on every GPU (default 1024 MiB; a bare number is MiB).",
    },
    Spec {
        key: Key::NoHost,
        names: &["--no-host"],
        negative: &[],
        value: None,
        help: "Bypass the host buffer, so CPU weights get the CPU_REPACK copy even when offloading.",
    },
];

/// The most devices llama.cpp handles (`llama_max_devices`).
pub const MAX_DEVICES: usize = 16;
/// The most sequences llama.cpp handles (`LLAMA_MAX_SEQ`).
pub const MAX_SEQ: u32 = 256;

/// `-ngl`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GpuLayers {
    /// `auto` or `-1`: llama.cpp's `--fit` decides; without a budget, everything.
    Auto,
    /// `all` or another negative number.
    All,
    /// A number of units (repeating layers, then the output layer).
    Count(u32),
}

/// `-np`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parallel {
    /// A negative value: llama-server's automatic choice.
    Auto,
    /// A count (0 included; [`LaunchArgs::apply`] decides what the program makes of it).
    Count(u32),
}

/// The llama.cpp options given, each `None` when absent (the last one wins when repeated).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LaunchArgs {
    /// `-c`.
    pub ctx_size: Option<u32>,
    /// `-b`.
    pub batch_size: Option<u32>,
    /// `-ub`.
    pub ubatch_size: Option<u32>,
    /// `-np`.
    pub parallel: Option<Parallel>,
    /// `-kvu` / `-no-kvu`.
    pub kv_unified: Option<bool>,
    /// `-ctk`.
    pub cache_type_k: Option<CacheType>,
    /// `-ctv`.
    pub cache_type_v: Option<CacheType>,
    /// `-fa`.
    pub flash_attn: Option<FlashAttn>,
    /// `--swa-full`.
    pub swa_full: Option<bool>,
    /// `-ngl`.
    pub gpu_layers: Option<GpuLayers>,
    /// `-kvo` / `-nkvo`.
    pub kv_offload: Option<bool>,
    /// `--mmap` / `--no-mmap` / `-lm`.
    pub mmap: Option<bool>,
    /// `-ts`.
    pub tensor_split: Option<Vec<f64>>,
    /// `-fitt`, in bytes.
    pub fit_target: Option<u64>,
    /// `--no-host`.
    pub no_host: Option<bool>,
}

/// An option llama.cpp would refuse, worded as llama.cpp words it where it has words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaunchError {
    /// The argument as given (`-ngl`), or the options involved (`-b/-ub`).
    pub arg: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for LaunchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.arg, self.message)
    }
}

impl std::error::Error for LaunchError {}

fn err(arg: &str, message: impl Into<String>) -> LaunchError {
    LaunchError {
        arg: arg.to_string(),
        message: message.into(),
    }
}

/// The spec an argument names, whether it is a negative spelling, and a value given with `=`.
fn lookup(arg: &str) -> Option<(&'static Spec, bool, Option<&str>)> {
    let (name, inline) = match arg.split_once('=') {
        Some((n, v)) if n.starts_with('-') => (n, Some(v)),
        _ => (arg, None),
    };
    let name = if name.starts_with("--") {
        name.replace('_', "-")
    } else {
        name.to_string()
    };
    SPECS.iter().find_map(|s| {
        if s.names.contains(&name.as_str()) {
            Some((s, false, inline))
        } else if s.negative.contains(&name.as_str()) {
            Some((s, true, inline))
        } else {
            None
        }
    })
}

/// Takes llama.cpp's options (and their values) out of `args`, leaving every other argument,
/// in order, for the caller's own parser. Stops at `--`, which is left with what follows.
pub fn extract(args: &[OsString]) -> Result<(LaunchArgs, Vec<OsString>), LaunchError> {
    let mut out = LaunchArgs::default();
    let mut rest = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "--" {
            rest.extend(args[i..].iter().cloned());
            break;
        }
        let s = a.to_string_lossy();
        match lookup(&s) {
            Some(found) => i += take(&mut out, found, &s, &args[i + 1..])?,
            None => rest.push(a.clone()),
        }
        i += 1;
    }
    Ok((out, rest))
}

/// Reads a whole llama.cpp command line (without the program name): every argument must be one
/// of [`SPECS`], as llama.cpp refuses an unknown one.
pub fn parse(args: &[OsString]) -> Result<LaunchArgs, LaunchError> {
    let (out, rest) = extract(args)?;
    match rest.first() {
        Some(a) => Err(err(&a.to_string_lossy(), "invalid argument")),
        None => Ok(out),
    }
}

/// Applies one option; returns how many following arguments it consumed.
fn take(
    out: &mut LaunchArgs,
    (spec, negative, inline): (&'static Spec, bool, Option<&str>),
    arg: &str,
    following: &[OsString],
) -> Result<usize, LaunchError> {
    let name = arg.split_once('=').map_or(arg, |(n, _)| n);
    if spec.value.is_none() {
        if inline.is_some() {
            return Err(err(name, "takes no value"));
        }
        set_switch(out, spec.key, !negative);
        return Ok(0);
    }
    let (value, used) = match (inline, following.first()) {
        (Some(v), _) => (v.to_string(), 0),
        (None, Some(v)) => (v.to_string_lossy().into_owned(), 1),
        (None, None) => return Err(missing_value(spec, name)),
    };
    set_value(out, spec.key, &value).map_err(|m| err(name, m))?;
    Ok(used)
}

fn missing_value(spec: &Spec, name: &str) -> LaunchError {
    let hint = match spec.key {
        Key::FlashAttn => {
            " (current llama.cpp takes -fa on, off or auto; older builds had a bare -fa)"
        }
        _ => "",
    };
    err(
        name,
        format!(
            "expected value for argument: {}{hint}",
            spec.value.unwrap_or("")
        ),
    )
}

fn set_switch(out: &mut LaunchArgs, key: Key, on: bool) {
    match key {
        Key::KvUnified => out.kv_unified = Some(on),
        Key::SwaFull => out.swa_full = Some(on),
        Key::KvOffload => out.kv_offload = Some(on),
        Key::Mmap => out.mmap = Some(on),
        Key::NoHost => out.no_host = Some(on),
        _ => {}
    }
}

fn set_value(out: &mut LaunchArgs, key: Key, v: &str) -> Result<(), String> {
    match key {
        Key::CtxSize => out.ctx_size = Some(non_negative(v)?),
        Key::BatchSize => out.batch_size = Some(non_negative(v)?),
        Key::UbatchSize => out.ubatch_size = Some(non_negative(v)?),
        Key::Parallel => out.parallel = Some(parallel(v)?),
        Key::CacheTypeK => out.cache_type_k = Some(cache_type(v)?),
        Key::CacheTypeV => out.cache_type_v = Some(cache_type(v)?),
        Key::FlashAttn => out.flash_attn = Some(flash_attn(v)?),
        Key::GpuLayers => out.gpu_layers = Some(gpu_layers(v)?),
        Key::LoadMode => out.mmap = Some(load_mode(v)?),
        Key::TensorSplit => out.tensor_split = Some(tensor_split(v)?),
        Key::FitTarget => out.fit_target = Some(parse_size(v)?),
        Key::KvUnified | Key::SwaFull | Key::KvOffload | Key::Mmap | Key::NoHost => {}
    }
    Ok(())
}

/// A whole decimal integer in `i32`'s range (what `std::stoi` accepts, without its tolerance
/// of trailing characters).
pub fn integer(v: &str) -> Result<i32, String> {
    v.trim_start()
        .parse::<i32>()
        .map_err(|_| format!("'{v}': expected an integer"))
}

fn non_negative(v: &str) -> Result<u32, String> {
    let n = integer(v)?;
    u32::try_from(n).map_err(|_| format!("'{v}': must not be negative"))
}

fn parallel(v: &str) -> Result<Parallel, String> {
    let n = integer(v)?;
    Ok(u32::try_from(n).map_or(Parallel::Auto, Parallel::Count))
}

fn cache_type(v: &str) -> Result<CacheType, String> {
    CacheType::ALL
        .into_iter()
        .find(|t| t.name() == v)
        .ok_or_else(|| {
            let all: Vec<&str> = CacheType::ALL.iter().map(|t| t.name()).collect();
            format!("Unsupported cache type: {v} (allowed: {})", all.join(", "))
        })
}

/// llama.cpp's `is_truthy` / `is_falsey` / `is_autoy`, exactly (case matters).
fn flash_attn(v: &str) -> Result<FlashAttn, String> {
    match v {
        "on" | "enabled" | "true" | "1" => Ok(FlashAttn::On),
        "off" | "disabled" | "false" | "0" => Ok(FlashAttn::Off),
        "auto" | "-1" => Ok(FlashAttn::Auto),
        _ => Err(format!(
            "unknown value for --flash-attn: '{v}' (expected on, off or auto)"
        )),
    }
}

fn gpu_layers(v: &str) -> Result<GpuLayers, String> {
    match v {
        "auto" => Ok(GpuLayers::Auto),
        "all" => Ok(GpuLayers::All),
        _ => match integer(v).map_err(|_| format!("'{v}': expected a number, auto or all"))? {
            -1 => Ok(GpuLayers::Auto),
            n if n < 0 => Ok(GpuLayers::All),
            n => Ok(GpuLayers::Count(n as u32)),
        },
    }
}

fn load_mode(v: &str) -> Result<bool, String> {
    match v {
        "auto" | "mmap" | "mmap+mlock" => Ok(true),
        "none" | "mlock" | "dio" => Ok(false),
        _ => Err(format!(
            "'{v}': invalid value (auto, none, mmap, mlock, mmap+mlock, dio)"
        )),
    }
}

/// `-ts`: proportions split on runs of `,` and `/`, as llama.cpp splits them.
fn tensor_split(v: &str) -> Result<Vec<f64>, String> {
    let parts: Vec<&str> = v.split([',', '/']).collect();
    // A run of separators is one separator; an empty first part is an error (std::stof("")).
    let parts: Vec<&str> = parts
        .iter()
        .enumerate()
        .filter(|(i, p)| *i == 0 || !p.is_empty())
        .map(|(_, p)| *p)
        .collect();
    if parts.len() >= MAX_DEVICES {
        return Err(format!(
            "got {} input configs, but system only has {MAX_DEVICES} devices",
            parts.len()
        ));
    }
    parts
        .iter()
        .map(|x| {
            x.trim()
                .parse::<f64>()
                .ok()
                .filter(|f| f.is_finite() && *f >= 0.0)
                .ok_or_else(|| format!("'{x}': expected non-negative numbers such as 3,1"))
        })
        .collect()
}

/// Parses `24GiB`, `512MiB`, `8GB`, `1.5G` (binary), or a bare number of MiB (llama.cpp's unit
/// for `-fitt`).
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

impl LaunchArgs {
    /// `base` with these options applied, checked the way `program` checks them.
    pub fn apply(&self, base: MemoryParams, program: Program) -> Result<MemoryParams, LaunchError> {
        let mut p = base;
        if let Some(v) = self.ctx_size {
            p.n_ctx = v;
        }
        if let Some(v) = self.batch_size {
            p.n_batch = v;
        }
        if let Some(v) = self.ubatch_size {
            p.n_ubatch = v;
        }
        self.check_batches(&p)?;
        if let Some(v) = self.parallel {
            (p.n_seq, p.kv_unified) = parallel_for(v, program, p.kv_unified)?;
        }
        if let Some(v) = self.kv_unified {
            p.kv_unified = v;
        }
        p.type_k = self.cache_type_k.unwrap_or(p.type_k);
        p.type_v = self.cache_type_v.unwrap_or(p.type_v);
        p.flash_attn = self.flash_attn.unwrap_or(p.flash_attn);
        p.swa_full = self.swa_full.unwrap_or(p.swa_full);
        if let Some(g) = self.gpu_layers {
            p.n_gpu_layers = match g {
                GpuLayers::Auto | GpuLayers::All => -1,
                GpuLayers::Count(n) => i32::try_from(n).unwrap_or(i32::MAX),
            };
        }
        if let Some(v) = self.kv_offload {
            p.no_kv_offload = !v;
        }
        p.mmap = self.mmap.unwrap_or(p.mmap);
        p.no_host = self.no_host.unwrap_or(p.no_host);
        if let Some(ts) = &self.tensor_split {
            p.tensor_split = ts.clone();
        }
        Ok(p)
    }

    /// llama.cpp refuses `-b 0 -ub 0` (`llama_init_from_model`); `-b 0` alone makes a context
    /// whose micro-batch is clamped to 0 tokens, which can decode nothing.
    fn check_batches(&self, p: &MemoryParams) -> Result<(), LaunchError> {
        if p.n_batch == 0 && p.n_ubatch == 0 {
            return Err(err("-b/-ub", "n_batch and n_ubatch cannot both be zero"));
        }
        if p.n_batch == 0 {
            return Err(err(
                "-b",
                "a logical batch of 0 tokens: llama.cpp clamps -ub to it and can decode nothing",
            ));
        }
        Ok(())
    }
}

/// `-np` as `program` reads it: the sequence count and whether the KV cache becomes unified.
fn parallel_for(v: Parallel, program: Program, unified: bool) -> Result<(u32, bool), LaunchError> {
    match (program, v) {
        (Program::Server, Parallel::Count(0)) => Err(err(
            "-np",
            "invalid value for n_parallel (llama-server refuses 0)",
        )),
        (Program::Server, Parallel::Auto) => Ok((4, true)),
        (Program::Cli, Parallel::Auto) => Err(err(
            "-np",
            format!("a negative count: llama.cpp needs n_seq_max <= {MAX_SEQ}"),
        )),
        (_, Parallel::Count(n)) if n > MAX_SEQ => {
            Err(err("-np", format!("n_seq_max must be <= {MAX_SEQ}")))
        }
        (_, Parallel::Count(n)) => Ok((n.max(1), unified)),
    }
}

#[cfg(test)]
mod tests;
