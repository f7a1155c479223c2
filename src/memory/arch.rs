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

/// How an architecture's loader tells its recurrent layers from its attention layers
/// (llama.cpp's `llama_hparams::recurrent_layer_arr` as each model's `load_hparams` fills it).
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

/// Which layers share another layer's KV cache instead of allocating their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SharedKv {
    /// Every attention layer has its own cache.
    None,
    /// Layers from this index on (gemma3n).
    From(usize),
    /// The last `attention.shared_kv_layers` layers (gemma4).
    LastByKey,
}

/// A behaviour of an architecture's loader, graph or quantizer that the analyses reproduce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Quirk {
    /// Attention and feed-forward read the same norm, in parallel (cohere2, command-r).
    ParallelAttnFfn,
    /// llama.cpp forces flash attention off (grok).
    NoFlashAttn,
    /// The output buffer also holds the encoder's embeddings (t5).
    EncoderOutput,
    /// The loader creates the tied output matrix before the token embedding (gemma3n, gemma4).
    OutputBeforeEmbd,
    /// `token_embd_norm` is the output norm, not the first block's (lfm2).
    EmbdNormIsOutput,
    /// With a window set, the attention layers are the sliding-window ones (lfm2).
    AttentionIsSwa,
    /// The recurrent state is a `key_length`² matrix per head (minimax-01's linear attention).
    LinearAttnState,
    /// Recurrent layers are gated delta-net layers: their fitted compute term (qwen3next
    /// family; qwen4exp and minimax-01 split their layers the same way but were not fitted).
    GatedDeltaNet,
    /// RWKV6 time mix: its fitted compute term.
    Rwkv6,
    /// RWKV7 time mix: its fitted compute term.
    Rwkv7,
    /// `LLM_ARCH_LLAMA` in the quantizer's 70B rule.
    QuantLlama,
    /// `LLM_ARCH_FALCON` in the quantizer's rules.
    QuantFalcon,
    /// The MXFP4 MoE ftype leaves every tensor but the expert FFNs at Q8_0 (bailingmoe3).
    Mxfp4ExpertsOnly,
}

/// One architecture family: everything the analyses decide by architecture name.
#[derive(Debug)]
pub(crate) struct Family {
    names: &'static [&'static str],
    memory: MemoryKind,
    split: LayerSplit,
    swa: Option<SwaRule>,
    shared_kv: SharedKv,
    approximate: Option<&'static str>,
    quirks: &'static [Quirk],
}

impl Family {
    const fn new(names: &'static [&'static str], memory: MemoryKind) -> Family {
        Family {
            names,
            memory,
            split: LayerSplit::NoKvHeads,
            swa: None,
            shared_kv: SharedKv::None,
            approximate: None,
            quirks: &[],
        }
    }
    const fn kv(names: &'static [&'static str]) -> Family {
        Family::new(names, MemoryKind::Kv)
    }
    const fn hybrid(names: &'static [&'static str], split: LayerSplit) -> Family {
        Family {
            split,
            ..Family::new(names, MemoryKind::Hybrid)
        }
    }
    const fn swa(self, rule: SwaRule) -> Family {
        Family {
            swa: Some(rule),
            ..self
        }
    }
    const fn shared_kv(self, shared_kv: SharedKv) -> Family {
        Family { shared_kv, ..self }
    }
    const fn approximate(self, what: &'static str) -> Family {
        Family {
            approximate: Some(what),
            ..self
        }
    }
    const fn quirks(self, quirks: &'static [Quirk]) -> Family {
        Family { quirks, ..self }
    }

    /// The row of `arch` (an unlisted architecture is a plain KV-cache model).
    pub(crate) fn of(arch: &str) -> &'static Family {
        FAMILIES
            .iter()
            .find(|f| f.names.contains(&arch))
            .unwrap_or(&PLAIN)
    }

    /// Whether the family has `quirk`.
    pub(crate) fn has(&self, quirk: Quirk) -> bool {
        self.quirks.contains(&quirk)
    }
}

/// Every architecture without a row: an attention KV cache, no sliding window.
const PLAIN: Family = Family::kv(&[]);

const DSA: &str = "sparse-attention (DSA) indexer cache";
const INDEXER: &str = "hybrid indexer cache";

/// One row per architecture family (llama.cpp's `llm_arch_is_recurrent`/`llm_arch_is_hybrid`,
/// `create_memory`, each architecture's `load_hparams`, and the quirks the analyses reproduce).
#[rustfmt::skip]
const FAMILIES: &[Family] = {
    use Quirk::*;
    use SwaWhen::*;
    use LayerSplit::*;
    &[
        // Encoder-only and diffusion models: `create_memory` returns no memory.
        Family::new(&["bert", "jina-bert-v2", "jina-bert-v3", "nomic-bert", "nomic-bert-moe",
            "neo-bert", "eurobert", "wavtokenizer-dec", "modern-bert", "gemma-embedding", "dream",
            "llada", "llada-moe", "rnd1"], MemoryKind::None),
        // Recurrent only.
        Family::new(&["mamba", "mamba2"], MemoryKind::Recurrent),
        Family::new(&["rwkv6", "rwkv6qwen2"], MemoryKind::Recurrent).quirks(&[Rwkv6]),
        Family::new(&["rwkv7", "arwkv7"], MemoryKind::Recurrent).quirks(&[Rwkv7]),
        // Hybrids.
        Family::hybrid(&["jamba", "plamo2", "granitehybrid", "kimi-linear", "kimi-k3"], NoKvHeads),
        Family::hybrid(&["bailingmoe3"], NoKvHeads).quirks(&[Mxfp4ExpertsOnly]),
        Family::hybrid(&["falcon-h1"], AllRecurrent),
        Family::hybrid(&["lfm2", "lfm2moe"], NoKvHeads).quirks(&[AttentionIsSwa, EmbdNormIsOutput]),
        Family::hybrid(&["nemotron_h", "nemotron_h_moe"], NoHeadsNoFfn),
        Family::hybrid(&["qwen3next", "qwen35", "qwen35moe"], Interval).quirks(&[GatedDeltaNet]),
        Family::hybrid(&["qwen4exp"], Interval).approximate(INDEXER),
        Family::hybrid(&["minimax-01"], Interval).quirks(&[LinearAttnState]),
        Family::hybrid(&["glm5-next"], NoKvHeads).approximate(INDEXER),
        Family::hybrid(&["deepseek4"], NoKvHeads).approximate("DeepSeek-V4 compressed cache"),
        // Attention with caches not reproduced byte for byte.
        Family::kv(&["minimax-m3"]).approximate("sparse-attention (MSA) indexer cache"),
        Family::kv(&["deepseek32", "glm-dsa", "hy_v4"]).approximate(DSA),
        Family::kv(&["dots3note"]).approximate(DSA).swa(SwaRule::array()),
        Family::kv(&["dflash"]).approximate("draft-model cache"),
        // Sliding-window attention.
        Family::kv(&["gemma2"]).swa(SwaRule::period(2, Always).default_window(4096)),
        Family::kv(&["gemma3"]).swa(SwaRule::period(6, KeyPositive)),
        Family::kv(&["gemma3n"]).swa(SwaRule::period(5, Always))
            .shared_kv(SharedKv::From(20)).quirks(&[OutputBeforeEmbd]),
        Family::kv(&["gemma4"]).swa(SwaRule::array())
            .shared_kv(SharedKv::LastByKey).quirks(&[OutputBeforeEmbd]),
        Family::kv(&["granite_swa", "step35", "mimo2", "maple", "spark2_5", "gemma4-assistant"])
            .swa(SwaRule::array()),
        Family::kv(&["cohere2"]).swa(SwaRule::period(4, Always)).quirks(&[ParallelAttnFfn]),
        Family::kv(&["cohere2moe"]).swa(SwaRule::period(4, Always).dense_first()),
        Family::kv(&["llama4"]).swa(SwaRule::period(4, UnlessZero).default_window(8192)
            .forced_window(8192).chunked()),
        Family::kv(&["gpt-oss"]).swa(SwaRule::period(2, Always)),
        Family::kv(&["exaone4"]).swa(SwaRule::period(4, Always).default_window(4096)
            .only_with_main_layers(64)),
        Family::kv(&["exaone-moe"]).swa(SwaRule::period(4, Always).default_window(128)),
        Family::kv(&["olmo2", "mellum", "afmoe"]).swa(SwaRule::period(4, KeyPositive)),
        Family::kv(&["plamo3"]).swa(SwaRule::period(8, KeyPositive)),
        Family::kv(&["smallthinker"]).swa(SwaRule::period(4, KeyPositive).dense_first()
            .forced_window(4096)),
        Family::kv(&["muse-glimmer"]).swa(SwaRule::period(4, Always)),
        Family::kv(&["laguna"]).swa(SwaRule::period(4, KeyPositive).dense_first()),
        // Plain attention with a quirk.
        Family::kv(&["command-r"]).quirks(&[ParallelAttnFfn]),
        Family::kv(&["grok"]).quirks(&[NoFlashAttn]),
        Family::kv(&["t5"]).quirks(&[EncoderOutput]),
        Family::kv(&["llama"]).quirks(&[QuantLlama]),
        Family::kv(&["falcon"]).quirks(&[QuantFalcon]),
    ]
};

/// How an architecture decides its sliding-window layers.
#[derive(Debug, Clone, Copy)]
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
    /// SWA only for a model of exactly this many main layers (exaone4's 32B).
    only_main_layers: Option<usize>,
}

impl SwaRule {
    /// A pattern of `period` layers whose last is dense.
    const fn period(period: u32, when: SwaWhen) -> SwaRule {
        SwaRule {
            period,
            dense_first: false,
            when,
            default_window: None,
            forced_window: None,
            chunked: false,
            array_required: false,
            only_main_layers: None,
        }
    }
    /// The per-layer array `attention.sliding_window_pattern` is required.
    const fn array() -> SwaRule {
        SwaRule {
            array_required: true,
            ..SwaRule::period(0, SwaWhen::Always)
        }
    }
    const fn dense_first(self) -> SwaRule {
        SwaRule {
            dense_first: true,
            ..self
        }
    }
    const fn default_window(self, w: u64) -> SwaRule {
        SwaRule {
            default_window: Some(w),
            ..self
        }
    }
    const fn forced_window(self, w: u64) -> SwaRule {
        SwaRule {
            forced_window: Some(w),
            ..self
        }
    }
    const fn chunked(self) -> SwaRule {
        SwaRule {
            chunked: true,
            ..self
        }
    }
    const fn only_with_main_layers(self, n: usize) -> SwaRule {
        SwaRule {
            only_main_layers: Some(n),
            ..self
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SwaWhen {
    Always,
    /// When `sliding_window` is present and non-zero.
    KeyPositive,
    /// Unless `sliding_window` is present and zero.
    UnlessZero,
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
    family: &Family,
    n: usize,
    n_main: usize,
    key_window: Option<u64>,
) -> Result<Window, MemoryError> {
    let Some(rule) = family.swa else {
        return Ok(Window::none(n));
    };
    if rule.only_main_layers.is_some_and(|k| k != n_main) {
        return Ok(Window::none(n));
    }
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
fn shared_kv_start(m: &Meta, family: &Family, n: usize) -> Result<Option<usize>, MemoryError> {
    Ok(match family.shared_kv {
        SharedKv::None => None,
        SharedKv::From(il) => Some(il),
        SharedKv::LastByKey => {
            let shared = m.u64_or("attention.shared_kv_layers", 0)? as usize;
            Some(n.saturating_sub(shared))
        }
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
    family: &Family,
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
    let head_la = if family.has(Quirk::LinearAttnState) {
        head_k
    } else {
        0
    };
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
        let family = Family::of(&arch);
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
        let mut window = sliding_window(&m, family, n, n_main, key_window)?;
        let (memory, split) = (family.memory, family.split);
        let is_recr = recurrent_layers(&m, split, memory, n_main, &layers)?;
        if family.has(Quirk::AttentionIsSwa) && key_window.is_some_and(|w| w > 0) {
            window = Window {
                kind: SwaKind::Standard,
                n_swa: key_window.unwrap_or(0),
                layers: is_recr.iter().map(|&r| !r).collect(),
            };
        }
        let kv_start = shared_kv_start(&m, family, n)?;
        layer_sets(&mut layers, memory, split, &is_recr, n_main, kv_start);
        for (l, &s) in layers.iter_mut().zip(&window.layers) {
            l.swa = s;
        }

        let k_mla = m.u64_or("attention.key_length_mla", 0)?;
        let v_mla = m.u64_or("attention.value_length_mla", 0)?;
        let (n_embd_r, n_embd_s) = recurrent_widths(&m, family, n_embd, h0, head_k)?;
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
            approximate: family.approximate,
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

    /// The architecture's row of the family table.
    pub(crate) fn family(&self) -> &'static Family {
        Family::of(&self.arch)
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
