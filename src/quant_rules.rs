//! llama.cpp's quantization type rules, re-implemented: given a file's labelled type
//! (`general.file_type`), its architecture and hyperparameters, and every tensor's name and shape,
//! predict the ggml type `llama-quantize` chooses for each tensor, and say which rule chose it.
//!
//! The rules follow `llama_tensor_get_type` / `llama_tensor_get_type_impl` and
//! `tensor_type_fallback` in llama.cpp's `src/llama-quant.cpp`:
//!
//! 1. Tensors that are never quantized (1-D tensors, names not ending in `weight`, norms, MoE
//!    routers, small convolution and position tensors …) keep the type the converter wrote.
//! 2. Files of a float type (F32, F16, BF16) keep every tensor at that type.
//! 3. Otherwise the *mix* rules pick a type per tensor category, using running counters
//!    (`i_attention_wv`, `i_ffn_down`, …) that advance in the order the quantizer visits tensors,
//!    and `use_more_bits(i, n)`: the first and last eighth of the layers and every third layer
//!    between. Since llama.cpp b3999 (2024-11, the loader's `weight_name_comparer`) the quantizer
//!    visits tensors by layer number, then name, so a counter is the layer number. Before, it
//!    visited them in the order of its input file; files converted with their layers in text
//!    order (`blk.0, blk.1, blk.10, …`) were quantized with counters that are positions in that
//!    order ([`CounterOrder`]).
//! 4. Finally a row-size fallback: when the first dimension is not a multiple of the chosen type's
//!    block size, a 256-block type falls back to a 32-block one (Q6_K → Q8_0, Q4_K → Q5_0, …),
//!    and to F16 when even that does not divide (a 32-block type whose block does not divide the
//!    row goes to F16 directly).
//!
//! Choices the file cannot reveal (`--tensor-type`, `--output-tensor-type`, `--pure`, importance
//! matrices without their `quantize.imatrix.*` keys) show up as tensors the rules do not explain.

use crate::file::Model;
use crate::ggml_type::GgmlType;
pub use crate::layers::role::block_index;
use crate::memory::arch::{Family, Quirk};
use crate::model::ArchKeys;

use crate::ggml_type::consts::*;
/// `enum llama_ftype` values the rules branch on: the ids of [`crate::model::ftype`]'s one table.
pub use crate::model::ftype::id as ftype;

/// Every `llama_ftype` the rules know, in id order (for trying each against a file): the file
/// types [`default_type`] maps to a ggml type.
pub fn known_ftypes() -> impl Iterator<Item = u64> {
    crate::model::ftype::FILE_TYPES
        .iter()
        .map(|t| t.0)
        .filter(|&id| default_type(id).is_some())
}

/// The ggml type a file type quantizes to by default (`llama_ftype_get_default_type`).
pub fn default_type(ft: u64) -> Option<GgmlType> {
    use ftype::*;
    Some(match ft {
        ALL_F32 => F32,
        F16 => self::F16,
        BF16 => self::BF16,
        Q4_0 => self::Q4_0,
        Q4_1 => self::Q4_1,
        Q5_0 => self::Q5_0,
        Q5_1 => self::Q5_1,
        Q8_0 => self::Q8_0,
        Q2_K | Q2_K_S => self::Q2_K,
        Q3_K_S | Q3_K_M | Q3_K_L => Q3_K,
        Q4_K_S | Q4_K_M => Q4_K,
        Q5_K_S | Q5_K_M => Q5_K,
        Q6_K => self::Q6_K,
        IQ2_XXS => self::IQ2_XXS,
        IQ2_XS | IQ2_S => self::IQ2_XS,
        IQ2_M => self::IQ2_S,
        IQ3_XXS => self::IQ3_XXS,
        IQ3_XS | IQ3_S | IQ3_M => self::IQ3_S,
        IQ1_S => self::IQ1_S,
        IQ1_M => self::IQ1_M,
        IQ4_NL => self::IQ4_NL,
        IQ4_XS => self::IQ4_XS,
        TQ1_0 => self::TQ1_0,
        TQ2_0 => self::TQ2_0,
        MXFP4_MOE => MXFP4,
        NVFP4 => self::NVFP4,
        Q1_0 => self::Q1_0,
        Q2_0 => self::Q2_0,
        _ => return None,
    })
}

/// `use_more_bits(i, n)`: layer `i` of `n` is in the first eighth, the last eighth, or every
/// third layer between (C integer division and truncated remainder, as in llama.cpp).
pub fn use_more_bits(i: i64, n: i64) -> bool {
    // i128: no overflow for any input.
    let (i, n) = (i as i128, n as i128);
    i < n / 8 || i >= 7 * n / 8 || (i - n / 8) % 3 == 2
}

/// The layers of `0..n` for which [`use_more_bits`] holds.
pub fn use_more_bits_layers(n: u32) -> Vec<u64> {
    let n = n as u64;
    (0..n)
        .filter(|&i| use_more_bits(i as i64, n as i64))
        .collect()
}

/// llama.cpp's broad tensor categories (`tensor_get_category`), first match wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    /// `output.weight`.
    Output,
    /// `token_embd.weight` / `per_layer_token_embd.weight`.
    TokenEmbd,
    /// `attn_qkv.weight`.
    AttnQkv,
    /// `attn_kv_b.weight`.
    AttnKvB,
    /// `attn_v.weight`.
    AttnV,
    /// `attn_k.weight`.
    AttnK,
    /// `attn_q.weight`.
    AttnQ,
    /// `attn_output.weight`.
    AttnOutput,
    /// anything containing `ffn_up`.
    FfnUp,
    /// anything containing `ffn_gate`.
    FfnGate,
    /// anything containing `ffn_down`.
    FfnDown,
    /// Everything else.
    Other,
}

impl Category {
    /// The category of a tensor name.
    pub fn of(name: &str) -> Category {
        if name == "output.weight" {
            Category::Output
        } else if name == "token_embd.weight" || name == "per_layer_token_embd.weight" {
            Category::TokenEmbd
        } else if name.contains("attn_qkv.weight") {
            Category::AttnQkv
        } else if name.contains("attn_kv_b.weight") {
            Category::AttnKvB
        } else if name.contains("attn_v.weight") {
            Category::AttnV
        } else if name.contains("attn_k.weight") {
            Category::AttnK
        } else if name.contains("attn_q.weight") {
            Category::AttnQ
        } else if name.contains("attn_output.weight") {
            Category::AttnOutput
        } else if name.contains("ffn_up") {
            Category::FfnUp
        } else if name.contains("ffn_gate") {
            Category::FfnGate
        } else if name.contains("ffn_down") {
            Category::FfnDown
        } else {
            Category::Other
        }
    }

    /// attn_v, attn_qkv and attn_kv_b: the tensors llama.cpp treats as attention-V-like.
    pub fn is_attn_v(self) -> bool {
        matches!(
            self,
            Category::AttnV | Category::AttnQkv | Category::AttnKvB
        )
    }
}

/// Whether llama.cpp would quantize this tensor at all (`tensor_allows_quantization`).
pub fn allows_quantization(name: &str, n_dims: usize) -> bool {
    const NEVER: &[&str] = &[
        "_norm.weight",
        "ffn_gate_inp.weight",
        "ffn_gate_tid2eid.weight",
        "altup",
        "laurel",
        "per_layer_model_proj",
        "ssm_conv1d",
        "shortconv.conv.weight",
        "indexer.k_proj.weight",
        "indexer.q_proj.weight",
        "time_mix_first.weight",
        "time_mix_w0.weight",
        "time_mix_w1.weight",
        "time_mix_w2.weight",
        "time_mix_v0.weight",
        "time_mix_v1.weight",
        "time_mix_v2.weight",
        "time_mix_a0.weight",
        "time_mix_a1.weight",
        "time_mix_a2.weight",
        "time_mix_g1.weight",
        "time_mix_g2.weight",
        "time_mix_decay_w1.weight",
        "time_mix_decay_w2.weight",
        "time_mix_lerp_fused.weight",
        "attn_rel_b.weight",
        ".position_embd",
        "sam.pos_embd",
        "sam.neck.",
        "sam.net_",
        ".rel_pos",
        ".patch_embd",
        ".patch_merger",
        "a.rvq.codebook",
        "mm.a.code_embd",
    ];
    n_dims >= 2
        && name.ends_with("weight")
        && name != "position_embd.weight"
        && name != "token_types.weight"
        && !NEVER.iter().any(|s| name.contains(s))
}

/// The row-size fallback of current llama.cpp (`tensor_type_fallback`): the type used when the
/// row length is not a multiple of `ty`'s block size. A type of at most 32 elements per block
/// has no smaller block to go to and keeps itself here (the caller's divisibility check then
/// turns it into F16). `None`: llama.cpp has no fallback (it refuses to quantize).
pub fn fallback_type(ty: GgmlType) -> Option<GgmlType> {
    Some(match ty {
        IQ1_S | IQ1_M | IQ2_XXS | IQ2_XS | IQ2_S | IQ3_XXS | IQ3_S | IQ4_XS => IQ4_NL,
        Q2_0 | Q2_K | Q3_K | TQ1_0 | TQ2_0 => Q4_0,
        Q4_K => Q5_0,
        Q5_K => Q5_1,
        Q6_K => Q8_0,
        _ if ty.block_size().is_some_and(|b| b <= 32) => ty,
        _ => return None,
    })
}

/// The fallback of llama.cpp before 2026, where it differs from [`fallback_type`]
/// (Q2_K and Q3_K fell back to IQ4_NL).
pub fn legacy_fallback_type(ty: GgmlType) -> Option<GgmlType> {
    match ty {
        Q2_K | Q3_K => Some(IQ4_NL),
        _ => None,
    }
}

/// What the rules need to know about the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuantParams {
    /// `general.architecture`.
    pub arch: String,
    /// `general.file_type` without the guessed bit.
    pub ftype: u64,
    /// `{arch}.block_count` (llama.cpp's `n_layer_all`).
    pub n_layer: u64,
    /// `{arch}.expert_count` (0 when absent).
    pub n_expert: u64,
    /// `{arch}.attention.head_count` of layer 0.
    pub n_head: u64,
    /// `{arch}.attention.head_count_kv` of layer 0 (= n_head when absent).
    pub n_head_kv: u64,
    /// Whether `quantize.imatrix.*` keys say an importance matrix was used.
    pub has_imatrix: bool,
}

impl QuantParams {
    /// Reads the parameters from a model; `None` without `general.file_type`.
    pub fn from_model(m: &Model) -> Option<QuantParams> {
        let g = m.gguf();
        let ft = g.get_u64("general.file_type")? & !crate::model::ftype::FTYPE_GUESSED;
        Some(Self::from_model_with_ftype(m, ft))
    }

    /// Reads the parameters from a model with a given file type (to try other labels).
    pub fn from_model_with_ftype(m: &Model, ft: u64) -> QuantParams {
        let g = m.gguf();
        let arch = g.architecture().map(|s| s.into_owned()).unwrap_or_default();
        let keys = ArchKeys::with_arch(m, arch.clone());
        // Integer keys are read only under a declared architecture.
        let int = |key: &str| ArchKeys::new(m).and_then(|k| k.u64(key));
        // Clamped so that the rules' arithmetic (7 × n, i − n/8) cannot overflow on a hostile value.
        let n_layer = int("block_count").unwrap_or(0).min(u32::MAX as u64);
        let n_head = keys.first_u64("attention.head_count").unwrap_or(0);
        let n_head_kv = keys.first_u64("attention.head_count_kv").unwrap_or(n_head);
        let has_imatrix = g.metadata.iter().any(|e| {
            e.key
                .to_str()
                .is_some_and(|k| k.starts_with("quantize.imatrix."))
        });
        QuantParams {
            arch,
            ftype: ft,
            n_layer,
            n_expert: int("expert_count").unwrap_or(0),
            n_head,
            n_head_kv,
            has_imatrix,
        }
    }

    /// `n_head / n_head_kv` (0 when n_head_kv is 0), as `hparams.n_gqa()`.
    pub fn gqa(&self) -> u64 {
        self.n_head.checked_div(self.n_head_kv).unwrap_or(0)
    }

    /// llama.cpp's `LLM_TYPE_70B`: a llama with 80 layers and grouped-query attention.
    pub fn is_70b(&self) -> bool {
        Family::of(&self.arch).has(Quirk::QuantLlama)
            && self.n_layer == 80
            && self.n_head != self.n_head_kv
    }

    fn falcon(&self) -> bool {
        Family::of(&self.arch).has(Quirk::QuantFalcon)
    }
}

/// The rule that chose a tensor's type, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rule {
    /// Never quantized (1-D, norm, bias, router …): kept as the converter wrote it.
    NotQuantized,
    /// The file type is F32/F16/BF16: tensors are written as converted.
    FloatFile,
    /// The file type's default type.
    Default,
    /// Output (or tied token embedding) whose rows are not a multiple of the default block: Q8_0.
    OutputRowQ8,
    /// Falcon's output: Q8_0.
    OutputFalcon,
    /// Output (or tied token embedding): Q6_K (Q5_K for the 1–2 bit IQ types).
    OutputHigh,
    /// Untied token embedding of a low-bit file type (Q2_K / IQ3_S / Q4_K).
    TokenEmbdLowBit,
    /// MXFP4_MOE: 3-D expert tensors MXFP4, everything else Q8_0.
    Mxfp4Moe,
    /// `use_more_bits`: the first and last eighth of the layers and every third layer between.
    UseMoreBits,
    /// Only the first layers (i < n/8, n/16, 2 or 4).
    FirstLayers,
    /// Only the middle layers (n/8 ≤ i < 7n/8).
    MiddleLayers,
    /// Grouped-query attention (n_head / n_head_kv ≥ 4) or ≥ 4 experts.
    Gqa,
    /// Models with exactly 8 experts.
    Moe8,
    /// The 70B llama: attn_v Q3_K/Q4_K raised to Q5_K.
    Llama70B,
    /// A fixed choice of this file type for this tensor category.
    FtypeRole,
    /// A choice that depends on whether an importance matrix was used.
    Imatrix,
}

impl Rule {
    /// Stable identifier (used in JSON).
    pub fn id(self) -> &'static str {
        match self {
            Rule::NotQuantized => "not-quantized",
            Rule::FloatFile => "float-file",
            Rule::Default => "default",
            Rule::OutputRowQ8 => "output-row-q8_0",
            Rule::OutputFalcon => "output-falcon",
            Rule::OutputHigh => "output-high",
            Rule::TokenEmbdLowBit => "token-embd-low-bit",
            Rule::Mxfp4Moe => "mxfp4-moe",
            Rule::UseMoreBits => "use-more-bits",
            Rule::FirstLayers => "first-layers",
            Rule::MiddleLayers => "middle-layers",
            Rule::Gqa => "gqa",
            Rule::Moe8 => "moe-8-experts",
            Rule::Llama70B => "llama-70b",
            Rule::FtypeRole => "ftype-role",
            Rule::Imatrix => "imatrix",
        }
    }

    /// A short description of the rule.
    pub fn description(self) -> &'static str {
        match self {
            Rule::NotQuantized => {
                "never quantized by llama.cpp (1-D, norm, bias, router …): kept as converted"
            }
            Rule::FloatFile => "float file type: tensors kept as converted",
            Rule::Default => "the file type's default",
            Rule::OutputRowQ8 => {
                "output/tied embedding with rows not a multiple of the default block: Q8_0"
            }
            Rule::OutputFalcon => "Falcon output: Q8_0",
            Rule::OutputHigh => "output/tied embedding raised (Q6_K, or Q5_K for 1–2 bit IQ types)",
            Rule::TokenEmbdLowBit => "token embedding of a low-bit file type",
            Rule::Mxfp4Moe => "MXFP4_MOE: expert tensors MXFP4, the rest Q8_0",
            Rule::UseMoreBits => {
                "use_more_bits: first and last eighth of the layers and every third layer between"
            }
            Rule::FirstLayers => "first layers only",
            Rule::MiddleLayers => "middle layers only (n/8 ≤ i < 7n/8)",
            Rule::Gqa => "grouped-query attention (n_head/n_head_kv ≥ 4) or ≥ 4 experts",
            Rule::Moe8 => "8-expert model",
            Rule::Llama70B => "70B llama: attn_v Q3_K/Q4_K raised to Q5_K",
            Rule::FtypeRole => "fixed choice of the file type for this tensor category",
            Rule::Imatrix => "depends on whether an importance matrix was used",
        }
    }
}

/// The row-size fallback applied to a tensor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Fallback {
    /// The type the mix rule chose.
    pub from: GgmlType,
    /// The type written instead.
    pub to: GgmlType,
    /// Row length (first dimension).
    pub ne0: u64,
    /// Block size of `from` that `ne0` is not a multiple of.
    pub block: u32,
}

/// What the rules expect of one tensor.
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    /// llama.cpp's category.
    pub category: Category,
    /// The rule that chose the type.
    pub rule: Rule,
    /// The type the mix rule chose (before the fallback); `None` when the tensor is kept as is.
    pub mix: Option<GgmlType>,
    /// The row-size fallback, if any.
    pub fallback: Option<Fallback>,
    /// The expected type; `None`: kept as converted (any unquantized type).
    pub expected: Option<GgmlType>,
    /// Other types also explained, each with why (an older llama.cpp, converter choices).
    pub alternatives: Vec<(GgmlType, &'static str)>,
    /// The layer position and count a layer rule was evaluated at (`i`, `n`).
    pub position: Option<(i64, i64)>,
}

/// How a tensor's actual type relates to the prediction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The type the current rules choose.
    Expected,
    /// One of the alternatives (with its note).
    Alternative(&'static str),
    /// Not what the rules choose.
    Unexplained,
}

impl Prediction {
    /// Judges an actual type.
    pub fn check(&self, actual: GgmlType) -> Verdict {
        match self.expected {
            None if !actual.is_quantized() => Verdict::Expected,
            None => Verdict::Unexplained,
            Some(t) if t == actual => Verdict::Expected,
            Some(_) => match self.alternatives.iter().find(|a| a.0 == actual) {
                Some(a) => Verdict::Alternative(a.1),
                None => Verdict::Unexplained,
            },
        }
    }
}

/// A tensor as the rules see it.
#[derive(Debug, Clone, Copy)]
pub struct TensorShape<'a> {
    /// Name.
    pub name: &'a str,
    /// Dimensions, innermost first.
    pub dims: &'a [u64],
}

/// A block number as the rules' signed arithmetic sees it, clamped to keep it overflow-free.
fn clamp_layer(x: u64) -> i64 {
    x.min(u32::MAX as u64) as i64
}

/// The order in which llama.cpp's quantizer visited the tensors, which is what its running
/// counters (`i_attention_wv`, `i_ffn_down`, `i_ffn_gate`, `i_ffn_up`) count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CounterOrder {
    /// By layer number, then name (llama.cpp b3999 and later, 2024-11 on): a counter is the
    /// layer number.
    Layer,
    /// The order of the tensors in the file (llama.cpp before b3999): a counter is the tensor's
    /// position among the tensors of its kind, which differs from its layer number when the
    /// layers are stored in text order (`blk.0, blk.1, blk.10, …`).
    File,
}

/// Predicts every tensor's type. The result is in the order of `tensors`; the counters advance
/// in current llama.cpp's order (layer, then name) whatever the order in the file.
pub fn predict_all(p: &QuantParams, tensors: &[TensorShape]) -> Option<Vec<Prediction>> {
    predict_all_in(p, tensors, CounterOrder::Layer)
}

/// [`predict_all`] with the counters advancing in a given order (`tensors` is taken to be in
/// file order).
pub fn predict_all_in(
    p: &QuantParams,
    tensors: &[TensorShape],
    counters: CounterOrder,
) -> Option<Vec<Prediction>> {
    let def = default_type(p.ftype)?;
    let mut order: Vec<usize> = (0..tensors.len()).collect();
    if counters == CounterOrder::Layer {
        order.sort_by(|&a, &b| {
            let ka = block_index(tensors[a].name).map_or(-1, clamp_layer);
            let kb = block_index(tensors[b].name).map_or(-1, clamp_layer);
            ka.cmp(&kb).then(tensors[a].name.cmp(tensors[b].name))
        });
    }
    let mut st = State {
        p,
        def,
        tied: !tensors.iter().any(|t| t.name == "output.weight"),
        n_wv: tensors
            .iter()
            .filter(|t| Category::of(t.name).is_attn_v())
            .count() as i64,
        i_wv: 0,
        i_down: 0,
        i_gate: 0,
        i_up: 0,
    };
    let mut out: Vec<Option<Prediction>> = vec![None; tensors.len()];
    for i in order {
        out[i] = Some(st.predict(&tensors[i]));
    }
    Some(out.into_iter().map(|x| x.expect("every index")).collect())
}

struct State<'p> {
    p: &'p QuantParams,
    def: GgmlType,
    tied: bool,
    n_wv: i64,
    i_wv: i64,
    i_down: i64,
    i_gate: i64,
    i_up: i64,
}

type Mix = (GgmlType, Rule, Option<(i64, i64)>);

impl State<'_> {
    fn predict(&mut self, t: &TensorShape) -> Prediction {
        let category = Category::of(t.name);
        let kept = Prediction {
            category,
            rule: Rule::NotQuantized,
            mix: None,
            fallback: None,
            expected: None,
            alternatives: Vec::new(),
            position: None,
        };
        if !allows_quantization(t.name, t.dims.len()) {
            return kept;
        }
        if !self.def.is_quantized() {
            // F32 / F16 / BF16 files: the converter's output, which keeps some tensors in F32.
            return Prediction {
                rule: Rule::FloatFile,
                mix: Some(self.def),
                expected: Some(self.def),
                alternatives: [F32, F16, BF16]
                    .into_iter()
                    .filter(|&x| x != self.def)
                    .map(|x| (x, "the converter keeps some tensors in another float type"))
                    .collect(),
                ..kept
            };
        }
        let ne0 = t.dims.first().copied().unwrap_or(1);
        let (mix, rule, position) = self.mix(t, category, ne0);
        let (expected, fallback) = apply_fallback(mix, ne0);
        let mut alternatives = Vec::new();
        if let Some(f) = fallback {
            if let Some(old) = legacy_fallback_type(f.from) {
                alternatives.push((
                    old,
                    "row-size fallback of llama.cpp before 2026 (Q2_K/Q3_K → IQ4_NL)",
                ));
            }
        }
        if category == Category::AttnQkv {
            // Before attn_qkv was treated like attn_v, it had a rule of its own.
            let old = match self.p.ftype {
                ftype::Q3_K_M | ftype::Q3_K_L | ftype::IQ3_M => Some(Q4_K),
                ftype::Q4_K_M => Some(Q5_K),
                ftype::Q5_K_M => Some(Q6_K),
                _ => None,
            }
            .unwrap_or(self.def);
            let (old, _) = apply_fallback(old, ne0);
            if old != expected {
                alternatives.push((old, "attn_qkv rule of llama.cpp before 2025"));
            }
        }
        Prediction {
            category,
            rule,
            mix: Some(mix),
            fallback,
            expected: Some(expected),
            alternatives,
            position,
        }
    }

    /// `llama_tensor_get_type_impl`.
    fn mix(&mut self, t: &TensorShape, cat: Category, ne0: u64) -> Mix {
        use ftype as F;
        let p = self.p;
        let ft = p.ftype;
        let def = self.def;
        let n_expert = p.n_expert;
        let gqa = p.gqa();
        let n_layer = p.n_layer.min(u32::MAX as u64) as i64;
        let fixed = |ty: GgmlType| -> Mix {
            if ty == def {
                (def, Rule::Default, None)
            } else {
                (ty, Rule::FtypeRole, None)
            }
        };
        // layer_info: with experts the layer comes from the name, otherwise the running counter.
        let layer = |counter: i64| -> i64 {
            if n_expert > 1 {
                block_index(t.name).map_or(counter, clamp_layer)
            } else {
                counter
            }
        };
        let low_iq = matches!(
            ft,
            F::IQ2_XXS | F::IQ2_XS | F::IQ1_S | F::IQ2_S | F::IQ2_M | F::IQ1_M
        );

        if cat == Category::Output || (self.tied && cat == Category::TokenEmbd) {
            let blk = def.block_size().unwrap_or(1) as u64;
            return if ft == F::MXFP4_MOE {
                (Q8_0, Rule::Mxfp4Moe, None)
            } else if p.falcon() {
                (Q8_0, Rule::OutputFalcon, None)
            } else if ne0 % blk != 0 {
                (Q8_0, Rule::OutputRowQ8, None)
            } else if low_iq || ft == F::IQ3_XXS {
                (Q5_K, Rule::OutputHigh, None)
            } else if def != Q8_0 {
                (Q6_K, Rule::OutputHigh, None)
            } else {
                (def, Rule::Default, None)
            };
        }
        if ft == F::MXFP4_MOE {
            let ne2 = t.dims.get(2).copied().unwrap_or(1);
            let expert_role =
                matches!(cat, Category::FfnUp | Category::FfnGate | Category::FfnDown);
            return if ne2 > 1 && (!Family::of(&p.arch).has(Quirk::Mxfp4ExpertsOnly) || expert_role)
            {
                (MXFP4, Rule::Default, None)
            } else {
                (Q8_0, Rule::Mxfp4Moe, None)
            };
        }
        if cat == Category::TokenEmbd {
            return match ft {
                F::IQ2_XXS | F::IQ2_XS | F::IQ1_S | F::IQ1_M => (Q2_K, Rule::TokenEmbdLowBit, None),
                F::IQ2_S | F::IQ2_M | F::IQ3_XXS => (IQ3_S, Rule::TokenEmbdLowBit, None),
                F::TQ1_0 | F::TQ2_0 | F::Q2_0 => (Q4_K, Rule::TokenEmbdLowBit, None),
                _ => (def, Rule::Default, None),
            };
        }
        let iq2s = matches!(ft, F::IQ2_S | F::IQ2_M);
        if low_iq {
            if cat.is_attn_v() {
                let r = if gqa >= 4 || n_expert >= 4 {
                    (Q4_K, Rule::Gqa, None)
                } else {
                    fixed(if iq2s { IQ3_S } else { Q2_K })
                };
                self.i_wv += 1;
                return r;
            } else if n_expert == 8 && cat == Category::AttnK {
                return (Q4_K, Rule::Moe8, None);
            } else if cat == Category::FfnDown {
                let pos = (self.i_down, n_layer);
                let r = if self.i_down < n_layer / 8 {
                    (
                        if iq2s { IQ3_S } else { Q2_K },
                        Rule::FirstLayers,
                        Some(pos),
                    )
                } else {
                    (def, Rule::Default, Some(pos))
                };
                self.i_down += 1;
                return r;
            } else if cat == Category::AttnOutput {
                return if n_expert == 8 {
                    (Q5_K, Rule::Moe8, None)
                } else if matches!(ft, F::IQ1_S | F::IQ1_M) {
                    fixed(IQ2_XXS)
                } else if iq2s {
                    fixed(IQ3_S)
                } else {
                    (def, Rule::Default, None)
                };
            }
            return (def, Rule::Default, None);
        }
        if cat.is_attn_v() {
            let i = self.i_wv;
            let n = self.n_wv;
            let mut r: Mix = match ft {
                F::Q2_K if gqa >= 4 => (Q4_K, Rule::Gqa, None),
                F::Q2_K => fixed(Q3_K),
                F::Q2_K_S if gqa >= 4 => (Q4_K, Rule::Gqa, None),
                F::IQ3_XXS if gqa >= 4 => (Q4_K, Rule::Gqa, None),
                F::IQ3_XXS if !p.has_imatrix => (IQ3_S, Rule::Imatrix, None),
                F::IQ3_XXS => (IQ3_XXS, Rule::Imatrix, None),
                F::IQ3_XS | F::IQ3_S if gqa >= 4 => (Q4_K, Rule::Gqa, None),
                F::IQ3_M => fixed(Q4_K),
                F::Q3_K_M if i < 2 => (Q5_K, Rule::FirstLayers, Some((i, n))),
                F::Q3_K_M => (Q4_K, Rule::FtypeRole, Some((i, n))),
                F::Q3_K_L => fixed(Q5_K),
                F::IQ4_NL | F::IQ4_XS if gqa >= 4 => (Q5_K, Rule::Gqa, None),
                F::Q4_K_M | F::Q5_K_M if use_more_bits(i, n) => {
                    (Q6_K, Rule::UseMoreBits, Some((i, n)))
                }
                F::Q4_K_M | F::Q5_K_M => (def, Rule::Default, Some((i, n))),
                F::Q4_K_S if i < 4 => (Q5_K, Rule::FirstLayers, Some((i, n))),
                _ => (def, Rule::Default, None),
            };
            if p.is_70b() && (r.0 == Q3_K || r.0 == Q4_K) {
                r = (Q5_K, Rule::Llama70B, r.2);
            }
            if n_expert == 8 {
                r = (Q8_0, Rule::Moe8, None);
            }
            self.i_wv += 1;
            return r;
        }
        match cat {
            Category::AttnK => {
                if n_expert == 8 {
                    (Q8_0, Rule::Moe8, None)
                } else if ft == F::IQ3_XS {
                    fixed(IQ3_XXS)
                } else if ft == F::IQ3_XXS {
                    fixed(IQ2_S)
                } else {
                    (def, Rule::Default, None)
                }
            }
            Category::AttnQ => match ft {
                F::IQ3_XS => fixed(IQ3_XXS),
                F::IQ3_XXS => fixed(IQ2_S),
                _ => (def, Rule::Default, None),
            },
            Category::FfnDown => {
                let i = layer(self.i_down);
                let n = n_layer;
                let pos = Some((i, n));
                let umb = use_more_bits(i, n);
                let falcon = p.falcon();
                let r = match ft {
                    F::Q2_K => fixed(Q3_K),
                    F::Q2_K_S if i < n / 8 => (Q4_K, Rule::FirstLayers, pos),
                    F::Q2_K_S => (def, Rule::Default, pos),
                    F::IQ3_XXS if !p.has_imatrix => {
                        if i < n / 8 {
                            (Q4_K, Rule::FirstLayers, pos)
                        } else {
                            (Q3_K, Rule::Imatrix, pos)
                        }
                    }
                    F::Q3_K_M => {
                        if i < n / 16 {
                            (Q5_K, Rule::FirstLayers, pos)
                        } else if !falcon || umb {
                            (
                                Q4_K,
                                if falcon {
                                    Rule::UseMoreBits
                                } else {
                                    Rule::FtypeRole
                                },
                                pos,
                            )
                        } else {
                            (Q3_K, Rule::Default, pos)
                        }
                    }
                    F::IQ3_M if i < n / 8 => (Q4_K, Rule::FirstLayers, pos),
                    F::IQ3_M if n_expert == 8 && umb => (Q4_K, Rule::UseMoreBits, pos),
                    F::Q3_K_L => fixed(if falcon { Q4_K } else { Q5_K }),
                    F::Q4_K_M if falcon => {
                        if i < n / 16 {
                            (Q6_K, Rule::FirstLayers, pos)
                        } else if umb {
                            (Q5_K, Rule::UseMoreBits, pos)
                        } else {
                            (Q4_K, Rule::Default, pos)
                        }
                    }
                    F::Q4_K_M if umb => (Q6_K, Rule::UseMoreBits, pos),
                    F::Q4_K_M => (def, Rule::Default, pos),
                    F::IQ4_NL | F::IQ4_XS if i < n / 8 && !p.has_imatrix => {
                        (Q5_K, Rule::FirstLayers, pos)
                    }
                    F::Q5_K_M if umb => (Q6_K, Rule::UseMoreBits, pos),
                    F::Q4_K_S if !falcon && i < n / 8 => (Q5_K, Rule::FirstLayers, pos),
                    F::Q4_0 if p.has_imatrix && i < n / 8 => (Q4_1, Rule::Imatrix, pos),
                    F::Q5_0 if p.has_imatrix && i < n / 8 => (Q5_1, Rule::Imatrix, pos),
                    _ => (def, Rule::Default, pos),
                };
                self.i_down += 1;
                r
            }
            Category::AttnOutput => {
                if !p.falcon() {
                    if n_expert == 8 {
                        if matches!(
                            ft,
                            F::Q2_K
                                | F::IQ3_XS
                                | F::IQ3_XXS
                                | F::Q3_K_S
                                | F::Q3_K_M
                                | F::IQ4_NL
                                | F::Q4_K_S
                                | F::Q4_K_M
                                | F::IQ3_S
                                | F::IQ3_M
                                | F::IQ4_XS
                        ) {
                            (Q5_K, Rule::Moe8, None)
                        } else {
                            (def, Rule::Default, None)
                        }
                    } else {
                        match ft {
                            F::Q2_K => fixed(Q3_K),
                            F::IQ3_XXS => fixed(IQ3_S),
                            F::Q3_K_M => fixed(Q4_K),
                            F::Q3_K_L => fixed(Q5_K),
                            F::IQ3_M => fixed(Q4_K),
                            _ => (def, Rule::Default, None),
                        }
                    }
                } else if ft == F::Q3_K_L {
                    fixed(Q4_K)
                } else {
                    (def, Rule::Default, None)
                }
            }
            Category::FfnGate | Category::FfnUp => {
                let counter = if cat == Category::FfnGate {
                    &mut self.i_gate
                } else {
                    &mut self.i_up
                };
                let i = if n_expert > 1 {
                    block_index(t.name).map_or(*counter, clamp_layer)
                } else {
                    *counter
                };
                *counter += 1;
                let n = n_layer;
                if ft == F::IQ3_XS && i >= n / 8 && i < 7 * n / 8 {
                    (IQ3_XXS, Rule::MiddleLayers, Some((i, n)))
                } else {
                    (def, Rule::Default, Some((i, n)))
                }
            }
            _ => (def, Rule::Default, None),
        }
    }
}

/// Applies the row-size fallback to a chosen type.
fn apply_fallback(ty: GgmlType, ne0: u64) -> (GgmlType, Option<Fallback>) {
    let Some(blk) = ty.block_size() else {
        return (ty, None);
    };
    if ne0 % blk as u64 == 0 {
        return (ty, None);
    }
    let Some(mut to) = fallback_type(ty) else {
        // llama.cpp refuses to quantize such a tensor: no file holds it.
        return (ty, None);
    };
    if ne0 % to.block_size().unwrap_or(1) as u64 != 0 {
        to = F16;
    }
    (
        to,
        Some(Fallback {
            from: ty,
            to,
            ne0,
            block: blk,
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn use_more_bits_sets() {
        assert_eq!(
            use_more_bits_layers(18),
            vec![0, 1, 4, 7, 10, 13, 15, 16, 17]
        );
        assert_eq!(
            use_more_bits_layers(32),
            vec![0, 1, 2, 3, 6, 9, 12, 15, 18, 21, 24, 27, 28, 29, 30, 31]
        );
    }

    #[test]
    fn categories_and_quantizable() {
        assert_eq!(Category::of("blk.0.ffn_up_exps.weight"), Category::FfnUp);
        assert_eq!(Category::of("blk.0.attn_qkv.weight"), Category::AttnQkv);
        assert!(!allows_quantization("blk.0.attn_norm.weight", 1));
        assert!(!allows_quantization("blk.0.ffn_gate_inp.weight", 2));
        assert!(!allows_quantization("blk.0.attn_q.bias", 2));
        assert!(allows_quantization("blk.0.attn_q.weight", 2));
        assert_eq!(block_index("blk.12.attn_q.weight"), Some(12));
        assert_eq!(block_index("v.blk.1.attn_q.weight"), None);
    }

    #[test]
    fn fallbacks() {
        assert_eq!(apply_fallback(Q6_K, 640).0, Q8_0);
        assert_eq!(apply_fallback(Q4_K, 640).0, Q5_0);
        assert_eq!(apply_fallback(Q4_K, 1024), (Q4_K, None));
        assert_eq!(apply_fallback(Q4_K, 100).0, F16);
        // 32-block types have no smaller block: F16 (llama.cpp's `qk_k <= 32` branch).
        assert_eq!(apply_fallback(Q8_0, 48).0, F16);
        assert_eq!(apply_fallback(Q5_0, 16).0, F16);
        assert_eq!(apply_fallback(Q8_0, 64), (Q8_0, None));
    }
}
