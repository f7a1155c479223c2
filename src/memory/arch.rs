//! The hyperparameters llama.cpp's memory allocation depends on, read from a model's metadata
//! the way llama.cpp's loader reads them (`llama_model_base::load_hparams` and each
//! architecture's `load_arch_hparams`). Per-layer values stay per layer.

use super::MemoryError;
use crate::file::Model;
use crate::format::{Value, ValueType};
use crate::limits::{MAX_BLOCK_COUNT, MAX_HPARAM};
use crate::model::ArchKeys;

/// How the sliding window restricts attention.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SwaKind {
    /// No sliding window: one cache of the full context.
    None,
    /// A window of the last `n_swa` tokens (gemma2/3, cohere2, gpt-oss …).
    Standard,
    /// Attention within fixed chunks of `n_swa` tokens (llama4).
    Chunked,
}

/// Which memory module llama.cpp creates for the architecture (`llama_model::create_memory`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemoryKind {
    /// None: encoder-only and diffusion models keep no cache.
    None,
    /// An attention KV cache (with a sliding-window part when the model has SWA layers).
    Kv,
    /// Only a recurrent state (mamba, rwkv).
    Recurrent,
    /// An attention KV cache on some layers and a recurrent state on others.
    Hybrid,
}

impl MemoryKind {
    /// `none`, `kv`, `recurrent` or `hybrid`.
    pub fn name(self) -> &'static str {
        match self {
            MemoryKind::None => "none",
            MemoryKind::Kv => "kv",
            MemoryKind::Recurrent => "recurrent",
            MemoryKind::Hybrid => "hybrid",
        }
    }
}

/// One layer's hyperparameters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LayerParams {
    /// Query heads.
    pub n_head: u64,
    /// KV heads (0 = a layer without attention).
    pub n_head_kv: u64,
    /// Feed-forward width.
    pub n_ff: u64,
    /// A sliding-window layer.
    pub swa: bool,
    /// Allocates attention K/V (shared-KV layers and NextN layers do not).
    pub kv: bool,
    /// Keeps a recurrent state.
    pub recurrent: bool,
}

/// The hyperparameters of one model that decide llama.cpp's allocations.
#[derive(Debug, Clone, PartialEq)]
pub struct ArchParams {
    /// `general.architecture`.
    pub arch: String,
    /// `{arch}.block_count`: every block, NextN/MTP layers included.
    pub n_layer: usize,
    /// `{arch}.nextn_predict_layers`: trailing NextN/MTP blocks.
    pub n_layer_nextn: usize,
    /// `{arch}.context_length`.
    pub n_ctx_train: u32,
    /// `{arch}.embedding_length`.
    pub n_embd: u64,
    /// `{arch}.embedding_length_out`, or `n_embd`.
    pub n_embd_out: u64,
    /// Each layer's heads, widths and caches.
    pub layers: Vec<LayerParams>,
    /// K head size of full-attention layers.
    pub head_k: u64,
    /// V head size of full-attention layers.
    pub head_v: u64,
    /// K head size of sliding-window layers.
    pub head_k_swa: u64,
    /// V head size of sliding-window layers.
    pub head_v_swa: u64,
    /// Sliding-window kind.
    pub swa_kind: SwaKind,
    /// Window (or chunk) size in tokens.
    pub n_swa: u64,
    /// MLA (`key_length_mla`, `value_length_mla`): a K-only latent cache.
    pub mla: Option<(u64, u64)>,
    /// The memory module.
    pub memory: MemoryKind,
    /// Conv/shift state floats per sequence per recurrent layer (`n_embd_r`).
    pub n_embd_r: u64,
    /// Scan/WKV state floats per sequence per recurrent layer (`n_embd_s`).
    pub n_embd_s: u64,
    /// Entries in `tokenizer.ggml.tokens` (llama.cpp's `n_vocab`).
    pub n_vocab: u64,
    /// `{arch}.attention.causal` (true).
    pub causal: bool,
    /// `{arch}.expert_count`.
    pub n_expert: u64,
    /// `{arch}.expert_used_count`.
    pub n_expert_used: u64,
    /// `{arch}.expert_feed_forward_length` (widest layer), or 0.
    pub n_ff_exp: u64,
    /// `{arch}.ssm.inner_size`, or 0.
    pub ssm_d_inner: u64,
    /// `{arch}.ssm.group_count` (Mamba-2 and gated delta-net layers), or 0.
    pub ssm_n_group: u64,
    /// `{arch}.leading_dense_block_count`: leading layers with a dense FFN in MoE models.
    pub n_layer_dense_lead: usize,
    /// `{arch}.expert_shared_count`.
    pub n_expert_shared: u64,
    /// `{arch}.attention.q_lora_rank` (MLA), or 0.
    pub q_lora_rank: u64,
    /// `{arch}.rope.dimension_count`, or the K head size.
    pub n_rot: u64,
    /// Whether attention normalizes Q and K per head (`blk.0.attn_q_norm.weight` exists).
    pub qk_norm: bool,
    /// Set when llama.cpp uses a special memory class this model does not reproduce exactly
    /// (indexer caches of DSA/MSA attention …): the standard formula is used, as an estimate.
    pub approximate: Option<&'static str>,
}

/// Archs whose `create_memory` returns no memory at all.
const NO_MEMORY: &[&str] = &[
    "bert",
    "jina-bert-v2",
    "jina-bert-v3",
    "nomic-bert",
    "nomic-bert-moe",
    "neo-bert",
    "eurobert",
    "wavtokenizer-dec",
    "modern-bert",
    "gemma-embedding",
    "dream",
    "llada",
    "llada-moe",
    "rnd1",
];

/// How an architecture's loader tells its recurrent layers from its attention layers (one row
/// per architecture family; llama.cpp's `llama_hparams::recurrent_layer_arr` as each model's
/// `load_hparams` fills it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LayerSplit {
    /// Every layer has both a recurrent state and an attention cache (falcon-h1).
    AllRecurrent,
    /// Recurrent layers have neither KV heads nor an FFN (nemotron_h).
    NoHeadsNoFfn,
    /// `attention.recurrent_layers`, else every layer but each `full_attention_interval`-th
    /// (the qwen3next family and minimax-01); NextN layers are neither.
    Interval,
    /// A pure recurrent model, or, in a hybrid, the layers without KV heads.
    NoKvHeads,
}

impl LayerSplit {
    fn of(arch: &str) -> LayerSplit {
        match arch {
            "falcon-h1" => LayerSplit::AllRecurrent,
            "nemotron_h" | "nemotron_h_moe" => LayerSplit::NoHeadsNoFfn,
            "qwen3next" | "qwen35" | "qwen35moe" | "qwen4exp" | "minimax-01" => {
                LayerSplit::Interval
            }
            _ => LayerSplit::NoKvHeads,
        }
    }
}

/// Architectures whose recurrent layers get the gated delta-net compute term (fitted to the
/// recorded qwen3next grid). Narrower than [`LayerSplit::Interval`] on purpose: qwen4exp and
/// minimax-01 split their layers the same way, but the term was not fitted to them.
pub(crate) const GATED_DELTA_NET: &[&str] = &["qwen3next", "qwen35", "qwen35moe"];

/// `llm_arch_is_recurrent`.
const RECURRENT: &[&str] = &["mamba", "mamba2", "rwkv6", "rwkv6qwen2", "rwkv7", "arwkv7"];

/// `llm_arch_is_hybrid`.
const HYBRID: &[&str] = &[
    "jamba",
    "falcon-h1",
    "plamo2",
    "granitehybrid",
    "lfm2",
    "lfm2moe",
    "nemotron_h",
    "nemotron_h_moe",
    "qwen3next",
    "kimi-linear",
    "bailingmoe3",
    "kimi-k3",
    "glm5-next",
    "qwen35",
    "qwen35moe",
    "qwen4exp",
    "deepseek4",
    "minimax-01",
];

/// Memory classes with extra indexer caches (not reproduced byte for byte).
const SPECIAL: &[(&str, &str)] = &[
    ("minimax-m3", "sparse-attention (MSA) indexer cache"),
    ("deepseek32", "sparse-attention (DSA) indexer cache"),
    ("glm-dsa", "sparse-attention (DSA) indexer cache"),
    ("hy_v4", "sparse-attention (DSA) indexer cache"),
    ("dots3note", "sparse-attention (DSA) indexer cache"),
    ("deepseek4", "DeepSeek-V4 compressed cache"),
    ("glm5-next", "hybrid indexer cache"),
    ("qwen4exp", "hybrid indexer cache"),
    ("dflash", "draft-model cache"),
];

/// How an architecture decides its sliding-window layers.
struct SwaRule {
    /// Pattern period when the metadata has no array.
    period: u32,
    /// The dense layer comes first in each period.
    dense_first: bool,
    /// When SWA is on.
    when: SwaWhen,
    /// Window when the key is absent (`None` = the key is required).
    default_window: Option<u64>,
    /// Window that replaces whatever the key says.
    forced_window: Option<u64>,
    /// Chunked attention.
    chunked: bool,
    /// The per-layer array is required.
    array_required: bool,
}

#[derive(PartialEq)]
enum SwaWhen {
    Always,
    /// When `sliding_window` is present and non-zero.
    KeyPositive,
    /// Unless `sliding_window` is present and zero.
    UnlessZero,
}

fn swa_rule(arch: &str, n_main: usize) -> Option<SwaRule> {
    let r = |period, dense_first, when, default_window| SwaRule {
        period,
        dense_first,
        when,
        default_window,
        forced_window: None,
        chunked: false,
        array_required: false,
    };
    use SwaWhen::*;
    Some(match arch {
        "gemma2" => r(2, false, Always, Some(4096)),
        "gemma3" => r(6, false, KeyPositive, None),
        "gemma3n" => r(5, false, Always, None),
        "gemma4" | "granite_swa" | "step35" | "mimo2" | "maple" | "spark2_5"
        | "gemma4-assistant" | "dots3note" => SwaRule {
            array_required: true,
            ..r(0, false, Always, None)
        },
        "cohere2" => r(4, false, Always, None),
        "cohere2moe" => r(4, true, Always, None),
        "llama4" => SwaRule {
            forced_window: Some(8192),
            chunked: true,
            ..r(4, false, UnlessZero, Some(8192))
        },
        "gpt-oss" => r(2, false, Always, None),
        "exaone4" if n_main == 64 => r(4, false, Always, Some(4096)),
        "exaone-moe" => r(4, false, Always, Some(128)),
        "olmo2" => r(4, false, KeyPositive, None),
        "plamo3" => r(8, false, KeyPositive, None),
        "smallthinker" => SwaRule {
            forced_window: Some(4096),
            ..r(4, true, KeyPositive, None)
        },
        "mellum" | "afmoe" => r(4, false, KeyPositive, None),
        "muse-glimmer" => r(4, false, Always, None),
        "laguna" => r(4, true, KeyPositive, None),
        _ => return None,
    })
}

/// Strict readers of `{arch}.` keys: a value out of range or of the wrong type is an error.
struct Meta<'m, 'a> {
    keys: ArchKeys<'m, 'a>,
}

impl Meta<'_, '_> {
    fn key(&self, k: &str) -> String {
        self.keys.key(k)
    }
    fn value(&self, k: &str) -> Option<&Value<'_>> {
        self.keys.get(k)
    }
    fn u64_opt(&self, k: &str) -> Result<Option<u64>, MemoryError> {
        match self.value(k) {
            None => Ok(None),
            Some(v) => match v.as_u64() {
                Some(x) if x <= MAX_HPARAM => Ok(Some(x)),
                Some(_) => Err(MemoryError::BadValue {
                    key: self.key(k),
                    expected: "a value below 2^32",
                }),
                None => Err(MemoryError::BadValue {
                    key: self.key(k),
                    expected: "a non-negative integer",
                }),
            },
        }
    }
    fn u64_or(&self, k: &str, d: u64) -> Result<u64, MemoryError> {
        Ok(self.u64_opt(k)?.unwrap_or(d))
    }
    fn u64_req(&self, k: &str) -> Result<u64, MemoryError> {
        self.u64_opt(k)?
            .ok_or_else(|| MemoryError::MissingKey(self.key(k)))
    }
    /// A scalar repeated per layer, or an array of exactly `n` values (never collapsed).
    fn per_layer(&self, k: &str, n: usize) -> Result<Option<Vec<u64>>, MemoryError> {
        let Some(v) = self.value(k) else {
            return Ok(None);
        };
        match v {
            Value::Array(a) => {
                if a.elem_type == ValueType::STRING || a.elem_type == ValueType::ARRAY {
                    return Err(MemoryError::BadValue {
                        key: self.key(k),
                        expected: "integers",
                    });
                }
                if a.len != n as u64 {
                    return Err(MemoryError::LayerCount {
                        key: self.key(k),
                        len: a.len,
                        n_layer: n as u64,
                    });
                }
                let mut out = Vec::with_capacity(n);
                for x in a.iter() {
                    out.push(x.as_u64().filter(|&x| x <= MAX_HPARAM).ok_or_else(|| {
                        MemoryError::BadValue {
                            key: self.key(k),
                            expected: "non-negative integers below 2^32",
                        }
                    })?);
                }
                Ok(Some(out))
            }
            _ => Ok(Some(vec![
                v.as_u64()
                    .filter(|&x| x <= MAX_HPARAM)
                    .ok_or_else(|| {
                        MemoryError::BadValue {
                            key: self.key(k),
                            expected: "a non-negative integer below 2^32",
                        }
                    })?;
                n
            ])),
        }
    }
    /// A per-layer boolean array (bools or integers), if the key holds an array.
    fn bool_array(&self, k: &str, n: usize) -> Result<Option<Vec<bool>>, MemoryError> {
        let Some(Value::Array(a)) = self.value(k) else {
            return Ok(None);
        };
        if a.len != n as u64 {
            return Err(MemoryError::LayerCount {
                key: self.key(k),
                len: a.len,
                n_layer: n as u64,
            });
        }
        let mut out = Vec::with_capacity(n);
        for x in a.iter() {
            let b = x
                .as_bool()
                .or_else(|| x.as_u64().map(|v| v != 0))
                .ok_or_else(|| MemoryError::BadValue {
                    key: self.key(k),
                    expected: "booleans",
                })?;
            out.push(b);
        }
        Ok(Some(out))
    }
}

/// The sliding-window layout of one model.
struct Window {
    kind: SwaKind,
    n_swa: u64,
    layers: Vec<bool>,
}

impl Window {
    fn none(n: usize) -> Window {
        Window {
            kind: SwaKind::None,
            n_swa: 0,
            layers: vec![false; n],
        }
    }
}

/// `{arch}.block_count`: every block, NextN/MTP layers included.
fn block_count(m: &Meta) -> Result<usize, MemoryError> {
    let n = m.u64_req("block_count")?;
    if n == 0 || n > MAX_BLOCK_COUNT {
        return Err(MemoryError::BadValue {
            key: m.key("block_count"),
            expected: "1 to 512 layers",
        });
    }
    Ok(n as usize)
}

/// Each layer's head counts and FFN width (the layer sets are filled later).
fn layer_widths(m: &Meta, n: usize) -> Result<Vec<LayerParams>, MemoryError> {
    let n_head = m
        .per_layer("attention.head_count", n)?
        .unwrap_or_else(|| vec![0; n]);
    let n_head_kv = m
        .per_layer("attention.head_count_kv", n)?
        .unwrap_or_else(|| n_head.clone());
    let n_ff = m
        .per_layer("feed_forward_length", n)?
        .unwrap_or_else(|| vec![0; n]);
    Ok((0..n)
        .map(|il| LayerParams {
            n_head: n_head[il],
            n_head_kv: n_head_kv[il],
            n_ff: n_ff[il],
            ..LayerParams::default()
        })
        .collect())
}

/// The sliding-window kind, window and layers, by the architecture's rule.
fn sliding_window(
    m: &Meta,
    a: &str,
    n: usize,
    n_main: usize,
    key_window: Option<u64>,
) -> Result<Window, MemoryError> {
    let Some(rule) = swa_rule(a, n_main) else {
        return Ok(Window::none(n));
    };
    let on = match rule.when {
        SwaWhen::Always => true,
        SwaWhen::KeyPositive => key_window.is_some_and(|w| w > 0),
        SwaWhen::UnlessZero => key_window != Some(0),
    };
    if !on {
        return Ok(Window::none(n));
    }
    let n_swa = match (rule.forced_window, key_window, rule.default_window) {
        (Some(f), _, _) => f,
        (None, Some(w), _) => w,
        (None, None, Some(d)) => d,
        (None, None, None) => {
            return Err(MemoryError::MissingKey(m.key("attention.sliding_window")))
        }
    };
    let kind = if rule.chunked {
        SwaKind::Chunked
    } else {
        SwaKind::Standard
    };
    let mut layers = swa_layers(m, &rule, n)?;
    for s in layers.iter_mut().skip(n_main) {
        *s = false;
    }
    Ok(Window {
        kind,
        n_swa,
        layers,
    })
}

/// Which layers are sliding-window ones: the per-layer array, else the rule's period.
fn swa_layers(m: &Meta, rule: &SwaRule, n: usize) -> Result<Vec<bool>, MemoryError> {
    match m.bool_array("attention.sliding_window_pattern", n)? {
        Some(v) => Ok(v),
        None if rule.array_required => Err(MemoryError::MissingKey(
            m.key("attention.sliding_window_pattern"),
        )),
        None => {
            let p = m.u64_or("attention.sliding_window_pattern", rule.period as u64)?;
            Ok((0..n as u64)
                .map(|il| {
                    if rule.dense_first {
                        p == 0 || il % p != 0
                    } else {
                        p == 0 || il % p < p - 1
                    }
                })
                .collect())
        }
    }
}

/// The memory module `create_memory` builds for the architecture.
fn memory_kind(a: &str) -> MemoryKind {
    if NO_MEMORY.contains(&a) {
        MemoryKind::None
    } else if RECURRENT.contains(&a) {
        MemoryKind::Recurrent
    } else if HYBRID.contains(&a) {
        MemoryKind::Hybrid
    } else {
        MemoryKind::Kv
    }
}

/// `recurrent_layer_arr` as the architecture's loader fills it.
fn recurrent_layers(
    m: &Meta,
    split: LayerSplit,
    memory: MemoryKind,
    n_main: usize,
    layers: &[LayerParams],
) -> Result<Vec<bool>, MemoryError> {
    let n = layers.len();
    Ok(match split {
        LayerSplit::AllRecurrent => vec![true; n],
        LayerSplit::NoHeadsNoFfn => (0..n)
            .map(|il| il < n_main && layers[il].n_head_kv == 0 && layers[il].n_ff == 0)
            .collect(),
        LayerSplit::Interval => match m.bool_array("attention.recurrent_layers", n)? {
            Some(v) => v,
            None => {
                let interval = m.u64_or("full_attention_interval", 4)?.max(1);
                (0..n as u64)
                    .map(|il| (il as usize) < n_main && (il + 1) % interval != 0)
                    .collect()
            }
        },
        LayerSplit::NoKvHeads if memory == MemoryKind::Recurrent => vec![true; n],
        LayerSplit::NoKvHeads if memory == MemoryKind::Hybrid => {
            layers.iter().map(|l| l.n_head_kv == 0).collect()
        }
        LayerSplit::NoKvHeads => vec![false; n],
    })
}

/// The first layer that shares another layer's KV cache instead of allocating its own.
fn shared_kv_start(m: &Meta, a: &str, n: usize) -> Result<Option<usize>, MemoryError> {
    Ok(match a {
        "gemma3n" => Some(20),
        "gemma4" => {
            let shared = m.u64_or("attention.shared_kv_layers", 0)? as usize;
            Some(n.saturating_sub(shared))
        }
        _ => None,
    })
}

/// Fills each layer's `kv` and `recurrent` flags from the memory module, the layer split, the
/// recurrent layers, the NextN layers and the shared-KV start.
fn layer_sets(
    layers: &mut [LayerParams],
    memory: MemoryKind,
    split: LayerSplit,
    is_recr: &[bool],
    n_main: usize,
    kv_start: Option<usize>,
) {
    let n = layers.len();
    let has_kv = |il: usize| kv_start.is_none_or(|s| il < s);
    for (il, l) in layers.iter_mut().enumerate() {
        let (r, ff0) = (is_recr[il], l.n_ff == 0);
        (l.kv, l.recurrent) = match memory {
            MemoryKind::None => (false, false),
            MemoryKind::Recurrent => (false, true),
            MemoryKind::Hybrid => match split {
                LayerSplit::AllRecurrent => (has_kv(il), true),
                LayerSplit::NoHeadsNoFfn => (has_kv(il) && !r && ff0, r && ff0),
                LayerSplit::Interval => (has_kv(il) && il < n_main && !r, il < n_main && r),
                LayerSplit::NoKvHeads => (has_kv(il) && !r, r),
            },
            MemoryKind::Kv => {
                let nextn_filter = n_main > 0 && n_main < n;
                (has_kv(il) && (!nextn_filter || il < n_main), false)
            }
        };
    }
}

/// Recurrent state widths per sequence per layer (`llama_hparams::n_embd_r`, `n_embd_s`).
fn recurrent_widths(
    m: &Meta,
    a: &str,
    n_embd: u64,
    h0: u64,
    head_k: u64,
) -> Result<(u64, u64), MemoryError> {
    let d_conv = m.u64_or("ssm.conv_kernel", 0)?;
    let d_inner = m.u64_or("ssm.inner_size", 0)?;
    let d_state = m.u64_or("ssm.state_size", 0)?;
    let n_group = m.u64_or("ssm.group_count", 0)?;
    let wkv = m.u64_or("wkv.head_size", 0)?;
    let l_cache = m.u64_or("shortconv.l_cache", 0)?;
    let kda = m.u64_or("kda.head_dim", 0)?;
    let head_la = if a == "minimax-01" { head_k } else { 0 };
    let conv = d_conv
        .saturating_sub(1)
        .saturating_mul(d_inner.saturating_add(n_group.saturating_mul(d_state).saturating_mul(2)));
    let n_embd_r = if wkv != 0 {
        m.u64_or("token_shift_count", 2)?.saturating_mul(n_embd)
    } else if l_cache != 0 {
        n_embd.saturating_mul(l_cache - 1)
    } else if kda != 0 {
        (3 * if d_conv > 0 { d_conv - 1 } else { 3 })
            .saturating_mul(h0)
            .saturating_mul(kda)
    } else {
        conv
    };
    let n_embd_s = if wkv != 0 {
        n_embd.saturating_mul(wkv)
    } else if kda != 0 {
        kda.saturating_mul(kda).saturating_mul(h0)
    } else if head_la != 0 {
        head_la.saturating_mul(head_la).saturating_mul(h0)
    } else {
        d_state.saturating_mul(d_inner)
    };
    Ok((n_embd_r, n_embd_s))
}

impl ArchParams {
    /// Reads the hyperparameters from the first shard's metadata.
    pub fn from_model(model: &Model) -> Result<ArchParams, MemoryError> {
        let arch = model
            .gguf()
            .architecture()
            .ok_or_else(|| MemoryError::MissingKey("general.architecture".into()))?
            .into_owned();
        if model.tensor_count() == 0 && model.gguf().get("tokenizer.ggml.model").is_some() {
            return Err(MemoryError::NoTensors);
        }
        let m = Meta {
            keys: ArchKeys::with_arch(model, arch.clone()),
        };
        let a = arch.as_str();
        let n = block_count(&m)?;
        let n_ctx_train = m.u64_req("context_length")?;
        let n_ctx_train = u32::try_from(n_ctx_train).map_err(|_| MemoryError::BadValue {
            key: m.key("context_length"),
            expected: "a context below 2^32",
        })?;
        let n_embd = m.u64_req("embedding_length")?;
        let n_embd_out = m.u64_or("embedding_length_out", n_embd)?;
        let n_nextn = m.u64_or("nextn_predict_layers", 0)?.min(n as u64) as usize;
        let n_main = n - n_nextn;
        let mut layers = layer_widths(&m, n)?;
        let h0 = layers[0].n_head;
        let default_head = n_embd.checked_div(h0).unwrap_or(0);
        let head_k = m.u64_or("attention.key_length", default_head)?;
        let head_v = m.u64_or("attention.value_length", default_head)?;
        let head_k_swa = m.u64_or("attention.key_length_swa", head_k)?;
        let head_v_swa = m.u64_or("attention.value_length_swa", head_v)?;

        let key_window = m.u64_opt("attention.sliding_window")?;
        let mut window = sliding_window(&m, a, n, n_main, key_window)?;
        let memory = memory_kind(a);
        let split = LayerSplit::of(a);
        let is_recr = recurrent_layers(&m, split, memory, n_main, &layers)?;
        // lfm2: the attention layers are the sliding-window ones.
        if (a == "lfm2" || a == "lfm2moe") && key_window.is_some_and(|w| w > 0) {
            window = Window {
                kind: SwaKind::Standard,
                n_swa: key_window.unwrap_or(0),
                layers: is_recr.iter().map(|&r| !r).collect(),
            };
        }
        let kv_start = shared_kv_start(&m, a, n)?;
        layer_sets(&mut layers, memory, split, &is_recr, n_main, kv_start);
        for (l, &s) in layers.iter_mut().zip(&window.layers) {
            l.swa = s;
        }

        let k_mla = m.u64_or("attention.key_length_mla", 0)?;
        let v_mla = m.u64_or("attention.value_length_mla", 0)?;
        let (n_embd_r, n_embd_s) = recurrent_widths(&m, a, n_embd, h0, head_k)?;
        Ok(ArchParams {
            n_layer: n,
            n_layer_nextn: n_nextn,
            n_ctx_train,
            n_embd,
            n_embd_out,
            layers,
            head_k,
            head_v,
            head_k_swa,
            head_v_swa,
            swa_kind: window.kind,
            n_swa: window.n_swa,
            mla: (k_mla != 0 && v_mla != 0).then_some((k_mla, v_mla)),
            memory,
            n_embd_r,
            n_embd_s,
            n_vocab: model
                .gguf()
                .get_array("tokenizer.ggml.tokens")
                .map(|t| t.len)
                .unwrap_or(0),
            causal: m
                .value("attention.causal")
                .and_then(|v| v.as_bool())
                .unwrap_or(true),
            n_ff_exp: m
                .per_layer("expert_feed_forward_length", n)?
                .map(|v| v.into_iter().max().unwrap_or(0))
                .unwrap_or(0),
            ssm_d_inner: m.u64_or("ssm.inner_size", 0)?,
            ssm_n_group: m.u64_or("ssm.group_count", 0)?,
            approximate: SPECIAL.iter().find(|(k, _)| *k == a).map(|(_, v)| *v),
            n_layer_dense_lead: m.u64_or("leading_dense_block_count", 0)?.min(n as u64) as usize,
            n_expert_shared: m.u64_or("expert_shared_count", 0)?,
            q_lora_rank: m.u64_or("attention.q_lora_rank", 0)?,
            n_rot: m.u64_or("rope.dimension_count", head_k)?,
            qk_norm: model
                .tensors()
                .any(|(_, t)| t.name_str() == "blk.0.attn_q_norm.weight"),
            n_expert: m.u64_or("expert_count", 0)?,
            n_expert_used: m.u64_or("expert_used_count", 0)?,
            arch,
        })
    }

    /// K width of layer `il` (`n_embd_k_gqa`): head size × KV heads.
    pub fn e_k(&self, il: usize) -> u64 {
        let l = &self.layers[il];
        let h = if l.swa { self.head_k_swa } else { self.head_k };
        h.saturating_mul(l.n_head_kv)
    }

    /// V width of layer `il` (`n_embd_v_gqa`).
    pub fn e_v(&self, il: usize) -> u64 {
        let l = &self.layers[il];
        let h = if l.swa { self.head_v_swa } else { self.head_v };
        h.saturating_mul(l.n_head_kv)
    }

    /// The widest V over all layers (`n_embd_v_gqa_max`): the transposed V cache's row width
    /// without flash attention.
    pub fn e_v_max(&self) -> u64 {
        (0..self.n_layer).map(|il| self.e_v(il)).max().unwrap_or(0)
    }

    /// Whether V widths differ between layers (then non-FA V rows are padded to the widest).
    pub fn v_width_varies(&self) -> bool {
        (1..self.n_layer).any(|il| self.e_v(il) != self.e_v(0))
    }

    /// Blocks that are not NextN/MTP layers.
    pub fn n_layer_main(&self) -> usize {
        self.n_layer - self.n_layer_nextn
    }

    /// Whether any layer is a sliding-window layer.
    pub fn has_swa(&self) -> bool {
        self.swa_kind != SwaKind::None && self.layers.iter().any(|l| l.swa)
    }

    /// Layers with an attention KV cache.
    pub fn kv_layer_count(&self) -> usize {
        self.layers.iter().filter(|l| l.kv).count()
    }

    /// Layers with a KV cache that are sliding-window layers (whether or not the model's SWA is
    /// in effect; see [`ArchParams::has_swa`]).
    pub fn swa_kv_layer_count(&self) -> usize {
        self.layers.iter().filter(|l| l.kv && l.swa).count()
    }

    /// Layers with a recurrent state.
    pub fn recurrent_layer_count(&self) -> usize {
        self.layers.iter().filter(|l| l.recurrent).count()
    }
}
