//! `gguflens layers --json`: schema `gguflens.layers/1` (docs/JSON.md).

use super::inspect::FileTypeJson;
use super::{wire_enum, FindingJson};
use crate::file::Model;
use crate::ggml_type::GgmlType;
use crate::layers::{
    self, BlockOrder, Explanation, LayersAnalysis, RulesApplied, Section, TensorEntry, Totals,
    Tower,
};
use crate::quant_rules::{CounterOrder, Fallback, Rule, Verdict};
use crate::text::layer_ranges;
use serde::Serialize;

/// Schema identifier of this report.
pub const SCHEMA: &str = "gguflens.layers/1";

/// The whole `layers` report.
#[derive(Debug, Clone, Serialize)]
pub struct LayersReport {
    /// `gguflens.layers/1`.
    pub schema: &'static str,
    /// The file as given.
    pub file: String,
    /// `general.architecture`.
    pub architecture: Option<String>,
    /// The labelled file type (`general.file_type`).
    pub file_type: Option<FileTypeJson>,
    /// The labelled type's default ggml type (`Q4_K` for Q4_K_M).
    pub default_type: Option<String>,
    /// `{arch}.block_count`.
    pub block_count: Option<u64>,
    /// All tensors.
    pub totals: TotalsJson,
    /// Per type, most bytes first.
    pub types: Vec<TypeShareJson>,
    /// Per role: block roles in column order, then tensors outside blocks, then towers.
    pub roles: Vec<RoleJson>,
    /// Per block.
    pub layers: Vec<LayerJson>,
    /// Grid columns (block roles; norms and biases gathered in `norms` / `biases`).
    pub columns: Vec<String>,
    /// Grid rows: consecutive blocks with the same types and sizes folded.
    pub grid: Vec<GridRowJson>,
    /// Tensors outside blocks (towers excluded), by name.
    pub globals: Vec<String>,
    /// Vision / audio / projector towers.
    pub towers: Vec<TowerJson>,
    /// Roles that hold more bits per weight than the default type.
    pub upgrades: Vec<UpgradeJson>,
    /// What llama.cpp's quantization rules say about each tensor.
    pub rules: RulesJson,
    /// Mixture-of-experts accounting (null for dense models).
    pub moe: Option<MoeJson>,
    /// Every tensor.
    pub tensors: Vec<TensorJson>,
    /// Problems found while reading the file.
    pub findings: Vec<FindingJson>,
}

/// Tensors, parameters, bytes and bits per weight.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct TotalsJson {
    /// Tensors.
    pub tensors: u64,
    /// Elements.
    pub parameters: u64,
    /// Data bytes.
    pub bytes: u64,
    /// bytes × 8 / parameters (null without parameters).
    pub bpw: Option<f64>,
}

impl From<Totals> for TotalsJson {
    fn from(t: Totals) -> Self {
        TotalsJson {
            tensors: t.tensors,
            parameters: t.parameters,
            bytes: t.bytes,
            bpw: t.bpw(),
        }
    }
}

/// A type's share.
#[derive(Debug, Clone, Serialize)]
pub struct TypeShareJson {
    /// Type name.
    #[serde(rename = "type")]
    pub ty: String,
    /// Totals.
    #[serde(flatten)]
    pub totals: TotalsJson,
    /// Share of all tensor bytes (0..1).
    pub share_bytes: f64,
    /// Share of all parameters (0..1).
    pub share_parameters: f64,
}

/// A type's totals within a role.
#[derive(Debug, Clone, Serialize)]
pub struct TypeTotalsJson {
    /// Type name.
    #[serde(rename = "type")]
    pub ty: String,
    /// Totals.
    #[serde(flatten)]
    pub totals: TotalsJson,
}

/// One role.
#[derive(Debug, Clone, Serialize)]
pub struct RoleJson {
    /// Role (`attn_v`), tensor name without `.weight` outside blocks, or the tower.
    pub role: String,
    /// `attention`, `ffn`, `expert`, `shared-expert`, `other`, `norm`, `bias`.
    pub class: &'static str,
    /// `block`, `global`, `vision`, `audio` or `projector`.
    pub section: SectionJson,
    /// Totals.
    #[serde(flatten)]
    pub totals: TotalsJson,
    /// Per type.
    pub types: Vec<TypeTotalsJson>,
}

/// One tensor of a block.
#[derive(Debug, Clone, Serialize)]
pub struct CellJson {
    /// Role.
    pub role: String,
    /// Grid column it belongs to.
    pub column: String,
    /// Tensor name.
    pub name: String,
    /// Type name.
    #[serde(rename = "type")]
    pub ty: String,
    /// Elements.
    pub parameters: u64,
    /// Bytes.
    pub bytes: u64,
    /// Bits per weight.
    pub bpw: Option<f64>,
}

/// One block.
#[derive(Debug, Clone, Serialize)]
pub struct LayerJson {
    /// Block number.
    pub index: u64,
    /// Totals.
    #[serde(flatten)]
    pub totals: TotalsJson,
    /// Its tensors in column order.
    pub tensors: Vec<CellJson>,
}

/// One grid row.
#[derive(Debug, Clone, Serialize)]
pub struct GridRowJson {
    /// First block.
    pub first: u64,
    /// Last block.
    pub last: u64,
    /// Per column: type name, `mixed`, or null.
    pub cells: Vec<Option<String>>,
    /// Totals of one block of the row.
    pub per_layer: TotalsJson,
}

/// A tower.
#[derive(Debug, Clone, Serialize)]
pub struct TowerJson {
    /// `vision`, `audio`, `projector`.
    pub tower: &'static str,
    /// Totals.
    #[serde(flatten)]
    pub totals: TotalsJson,
}

/// A role with more bits than the default type.
#[derive(Debug, Clone, Serialize)]
pub struct UpgradeJson {
    /// Role.
    pub role: String,
    /// Type.
    #[serde(rename = "type")]
    pub ty: String,
    /// Its bits per weight.
    pub type_bpw: Option<f64>,
    /// Blocks (empty outside blocks).
    pub layers: Vec<u64>,
    /// Blocks that have the role.
    pub of_layers: u64,
    /// Totals.
    #[serde(flatten)]
    pub totals: TotalsJson,
}

/// A row-size fallback.
#[derive(Debug, Clone, Serialize)]
pub struct FallbackJson {
    /// The type the mix rule chose.
    pub from: String,
    /// The type written.
    pub to: String,
    /// Row length.
    pub ne0: u64,
    /// `from`'s block size.
    pub block: u32,
}

impl From<&Fallback> for FallbackJson {
    fn from(f: &Fallback) -> Self {
        FallbackJson {
            from: f.from.name().into_owned(),
            to: f.to.name().into_owned(),
            ne0: f.ne0,
            block: f.block,
        }
    }
}

/// The rule audit.
#[derive(Debug, Clone, Serialize)]
pub struct RulesJson {
    /// Whether the rules were applied.
    pub applied: bool,
    /// Why not, if not.
    pub note: Option<String>,
    /// Tensors whose type the rules explain.
    pub explained: u64,
    /// Tensors whose type they do not.
    pub unexplained_count: u64,
    /// Other file types under whose rules every tensor is explained (only computed when the
    /// labelled one leaves tensors unexplained).
    pub consistent_with: Vec<String>,
    /// The order the quantizer's counters followed (null when the rules were not applied).
    pub counter_order: Option<CounterOrderJson>,
    /// How the file stores its blocks.
    pub block_order: BlockOrderJson,
    /// Grouped explanations.
    pub explanations: Vec<ExplanationJson>,
    /// Unexplained tensors.
    pub unexplained: Vec<UnexplainedJson>,
}

/// One grouped explanation.
#[derive(Debug, Clone, Serialize)]
pub struct ExplanationJson {
    /// Roles.
    pub roles: Vec<String>,
    /// Actual type.
    #[serde(rename = "type")]
    pub ty: String,
    /// Rule id (`use-more-bits`, `default`, `output-row-q8_0`, `not-quantized` …).
    pub rule: &'static str,
    /// The rule, described.
    pub rule_description: &'static str,
    /// The type the mix rule chose, before the fallback.
    pub mix: Option<String>,
    /// The row-size fallback.
    pub fallback: Option<FallbackJson>,
    /// When an alternative (older llama.cpp) explains it: why.
    pub alternative: Option<&'static str>,
    /// Blocks.
    pub layers: Vec<u64>,
    /// Tensors outside blocks.
    pub names: Vec<String>,
    /// Totals.
    #[serde(flatten)]
    pub totals: TotalsJson,
    /// Whether the type differs from the labelled default or a rule other than the default chose it.
    pub deviates: bool,
    /// A sentence.
    pub text: String,
}

/// An unexplained tensor.
#[derive(Debug, Clone, Serialize)]
pub struct UnexplainedJson {
    /// Tensor.
    pub name: String,
    /// Its type.
    #[serde(rename = "type")]
    pub ty: String,
    /// What the rules choose (null: an unquantized type).
    pub expected: Option<String>,
    /// The rule that chose it.
    pub rule: &'static str,
    /// A sentence.
    pub text: String,
}

/// Mixture-of-experts accounting.
#[derive(Debug, Clone, Serialize)]
pub struct MoeJson {
    /// `{arch}.expert_count`.
    pub expert_count: Option<u64>,
    /// `{arch}.expert_used_count`.
    pub expert_used_count: Option<u64>,
    /// `{arch}.expert_shared_count`.
    pub expert_shared_count: Option<u64>,
    /// 3-D expert tensors (all experts).
    pub expert_tensors: TotalsJson,
    /// Parameters of one expert, all layers.
    pub parameters_per_expert: u64,
    /// Bytes of one expert, all layers.
    pub bytes_per_expert: u64,
    /// Shared-expert tensors.
    pub shared_tensors: TotalsJson,
    /// Everything but expert tensors.
    pub dense: TotalsJson,
    /// All parameters.
    pub total_parameters: u64,
    /// Parameters used per token (dense + expert_used_count experts).
    pub active_parameters: u64,
    /// Bytes read per token.
    pub active_bytes: u64,
    /// active_parameters / total_parameters (0..1).
    pub active_share: f64,
}

/// One tensor.
#[derive(Debug, Clone, Serialize)]
pub struct TensorJson {
    /// Name.
    pub name: String,
    /// `block`, `global`, `vision`, `audio` or `projector`.
    pub section: SectionJson,
    /// Block number.
    pub layer: Option<u64>,
    /// Role.
    pub role: String,
    /// Role class.
    pub class: &'static str,
    /// Type name.
    #[serde(rename = "type")]
    pub ty: String,
    /// Dimensions, innermost first.
    pub shape: Vec<u64>,
    /// Elements.
    pub parameters: u64,
    /// Bytes.
    pub bytes: u64,
    /// Bits per weight.
    pub bpw: Option<f64>,
    /// Experts in a 3-D expert tensor.
    pub experts: Option<u64>,
    /// Rule id (null when the rules were not applied).
    pub rule: Option<&'static str>,
    /// Type the rules choose (null: kept as converted, or rules not applied).
    pub expected: Option<String>,
    /// `expected`, `alternative` or `unexplained` (null when the rules were not applied).
    pub verdict: Option<&'static str>,
    /// The row-size fallback.
    pub fallback: Option<FallbackJson>,
}

wire_enum! {
    /// The order llama.cpp's quantizer counted tensors of a kind in (`use_more_bits` and the
    /// other layer rules).
    pub enum CounterOrderJson {
        /// By layer number (llama.cpp b3999, 2024-11, and later).
        Layer = "layer",
        /// By position in the file (older quantizers).
        File = "file",
    }
}

wire_enum! {
    /// How a file stores its blocks.
    pub enum BlockOrderJson {
        /// Ascending by number.
        Layer = "layer",
        /// Sorted as text: `blk.0, blk.1, blk.10, …`.
        Text = "text",
        /// Any other order.
        Other = "other",
    }
}

wire_enum! {
    /// Where a tensor sits in the model.
    pub enum SectionJson {
        /// In a numbered block (`blk.N.`).
        Block = "block",
        /// Outside the blocks (embeddings, output head, final norm).
        Global = "global",
        /// The vision tower (`v.`).
        Vision = "vision",
        /// The audio tower (`a.`).
        Audio = "audio",
        /// The multimodal projector (`mm.`).
        Projector = "projector",
    }
}

fn section_name(s: Section) -> SectionJson {
    match s {
        Section::Block(_) => SectionJson::Block,
        Section::Global => SectionJson::Global,
        Section::Tower(Tower::Vision) => SectionJson::Vision,
        Section::Tower(Tower::Audio) => SectionJson::Audio,
        Section::Tower(Tower::Projector) => SectionJson::Projector,
    }
}

fn tn(t: GgmlType) -> String {
    t.name().into_owned()
}

fn share(part: u64, all: u64) -> f64 {
    if all == 0 {
        0.0
    } else {
        part as f64 / all as f64
    }
}

impl LayersReport {
    /// Analyzes a model and builds the report.
    pub fn build(path: &str, m: &Model) -> LayersReport {
        let a = layers::analyze(m);
        Self::from_analysis(path, m, &a)
    }

    /// Builds the report from a finished analysis.
    pub fn from_analysis(path: &str, m: &Model, a: &LayersAnalysis) -> LayersReport {
        let t = &a.tensors;
        LayersReport {
            schema: SCHEMA,
            file: path.to_string(),
            architecture: a.architecture.clone(),
            file_type: a.file_type.as_ref().map(|f| FileTypeJson {
                raw: f.raw,
                id: f.id,
                name: f.name.clone(),
                description: f.description.clone(),
                guessed: f.guessed,
            }),
            default_type: a.default_type.map(tn),
            block_count: a.block_count,
            totals: a.totals.into(),
            types: a
                .types
                .iter()
                .map(|(ty, x)| TypeShareJson {
                    ty: tn(*ty),
                    totals: (*x).into(),
                    share_bytes: share(x.bytes, a.totals.bytes),
                    share_parameters: share(x.parameters, a.totals.parameters),
                })
                .collect(),
            roles: a.roles.iter().map(RoleJson::from).collect(),
            layers: a
                .layers
                .iter()
                .map(|l| LayerJson {
                    index: l.index,
                    totals: l.totals.into(),
                    tensors: l.tensors.iter().map(|&i| CellJson::from(&t[i])).collect(),
                })
                .collect(),
            columns: a.columns.clone(),
            grid: a.grid.iter().map(GridRowJson::from).collect(),
            globals: a.globals.iter().map(|&i| t[i].name.clone()).collect(),
            towers: a
                .towers
                .iter()
                .map(|(tw, x)| TowerJson {
                    tower: tw.name(),
                    totals: (*x).into(),
                })
                .collect(),
            upgrades: a.upgrades.iter().map(UpgradeJson::from).collect(),
            rules: RulesJson::from(a),
            moe: a.moe.as_ref().map(|x| MoeJson::new(x, a.totals.parameters)),
            tensors: t.iter().map(TensorJson::from).collect(),
            findings: m
                .all_findings()
                .into_iter()
                .map(|(p, f)| FindingJson::new(p, f))
                .collect(),
        }
    }
}

/// A tensor's bits per weight.
fn tensor_bpw(e: &TensorEntry) -> Option<f64> {
    Totals {
        tensors: 1,
        parameters: e.parameters,
        bytes: e.bytes,
    }
    .bpw()
}

impl From<&TensorEntry> for CellJson {
    fn from(e: &TensorEntry) -> CellJson {
        CellJson {
            role: e.role.clone(),
            column: match e.class {
                layers::RoleClass::Norm => layers::NORMS_COLUMN.to_string(),
                layers::RoleClass::Bias => layers::BIASES_COLUMN.to_string(),
                _ => e.role.clone(),
            },
            name: e.name.clone(),
            ty: tn(e.ggml_type),
            parameters: e.parameters,
            bytes: e.bytes,
            bpw: tensor_bpw(e),
        }
    }
}

impl From<&layers::RoleTotals> for RoleJson {
    fn from(r: &layers::RoleTotals) -> RoleJson {
        RoleJson {
            role: r.role.clone(),
            class: r.class.name(),
            section: section_name(r.section),
            totals: r.totals.into(),
            types: r
                .types
                .iter()
                .map(|(ty, x)| TypeTotalsJson {
                    ty: tn(*ty),
                    totals: (*x).into(),
                })
                .collect(),
        }
    }
}

impl From<&layers::GridRow> for GridRowJson {
    fn from(g: &layers::GridRow) -> GridRowJson {
        GridRowJson {
            first: g.first,
            last: g.last,
            cells: g.cells.clone(),
            per_layer: g.per_layer.into(),
        }
    }
}

impl From<&layers::Upgrade> for UpgradeJson {
    fn from(u: &layers::Upgrade) -> UpgradeJson {
        UpgradeJson {
            role: u.role.clone(),
            ty: tn(u.ggml_type),
            type_bpw: u.ggml_type.bits_per_weight(),
            layers: u.layers.clone(),
            of_layers: u.of_layers,
            totals: u.totals.into(),
        }
    }
}

impl From<&LayersAnalysis> for RulesJson {
    fn from(a: &LayersAnalysis) -> RulesJson {
        let t = &a.tensors;
        let explained = t
            .iter()
            .filter(|e| matches!(e.verdict, Some(Verdict::Expected | Verdict::Alternative(_))))
            .count() as u64;
        RulesJson {
            applied: a.rules == RulesApplied::Yes,
            note: rules_note(&a.rules),
            explained,
            unexplained_count: a.unexplained.len() as u64,
            consistent_with: a.consistent_with.iter().map(|f| f.name.clone()).collect(),
            counter_order: a.counter_order.map(|o| match o {
                CounterOrder::Layer => CounterOrderJson::Layer,
                CounterOrder::File => CounterOrderJson::File,
            }),
            block_order: match a.block_order {
                BlockOrder::Layer => BlockOrderJson::Layer,
                BlockOrder::Text => BlockOrderJson::Text,
                BlockOrder::Other => BlockOrderJson::Other,
            },
            explanations: a
                .explanations
                .iter()
                .map(|e| ExplanationJson::new(e, a.default_type))
                .collect(),
            unexplained: a
                .unexplained
                .iter()
                .map(|u| {
                    let e = &t[u.tensor];
                    UnexplainedJson {
                        name: e.name.clone(),
                        ty: tn(e.ggml_type),
                        expected: u.expected.map(tn),
                        rule: e.prediction.as_ref().map_or("", |p| p.rule.id()),
                        text: unexplained_text(e, a.default_type),
                    }
                })
                .collect(),
        }
    }
}

impl ExplanationJson {
    fn new(e: &Explanation, default_type: Option<GgmlType>) -> ExplanationJson {
        ExplanationJson {
            roles: e.roles.clone(),
            ty: tn(e.ggml_type),
            rule: e.rule.id(),
            rule_description: e.rule.description(),
            mix: e.mix.map(tn),
            fallback: e.fallback.as_ref().map(Into::into),
            alternative: e.alternative,
            layers: e.layers.clone(),
            names: e.names.clone(),
            totals: e.totals.into(),
            deviates: e.deviates,
            text: explanation_text(e, default_type),
        }
    }
}

impl MoeJson {
    fn new(x: &layers::Moe, total_parameters: u64) -> MoeJson {
        MoeJson {
            expert_count: x.expert_count,
            expert_used_count: x.expert_used_count,
            expert_shared_count: x.expert_shared_count,
            expert_tensors: x.expert_tensors.into(),
            parameters_per_expert: x.parameters_per_expert,
            bytes_per_expert: x.bytes_per_expert,
            shared_tensors: x.shared_tensors.into(),
            dense: x.dense.into(),
            total_parameters,
            active_parameters: x.active_parameters,
            active_bytes: x.active_bytes,
            active_share: share(x.active_parameters, total_parameters),
        }
    }
}

impl From<&TensorEntry> for TensorJson {
    fn from(e: &TensorEntry) -> TensorJson {
        TensorJson {
            name: e.name.clone(),
            section: section_name(e.section),
            layer: match e.section {
                Section::Block(n) => Some(n),
                _ => None,
            },
            role: e.role.clone(),
            class: e.class.name(),
            ty: tn(e.ggml_type),
            shape: e.shape.clone(),
            parameters: e.parameters,
            bytes: e.bytes,
            bpw: tensor_bpw(e),
            experts: e.experts,
            rule: e.prediction.as_ref().map(|p| p.rule.id()),
            expected: e.prediction.as_ref().and_then(|p| p.expected).map(tn),
            verdict: e.verdict.map(|v| match v {
                Verdict::Expected => "expected",
                Verdict::Alternative(_) => "alternative",
                Verdict::Unexplained => "unexplained",
            }),
            fallback: e
                .prediction
                .as_ref()
                .and_then(|p| p.fallback.as_ref())
                .map(Into::into),
        }
    }
}

/// Why the rules were not applied (`None` when they were).
fn rules_note(r: &RulesApplied) -> Option<String> {
    match r {
        RulesApplied::Yes => None,
        RulesApplied::NoFileType => {
            Some("no general.file_type: the rules need the labelled type".into())
        }
        RulesApplied::UnknownFileType { name } => {
            Some(format!("file type {name} has no known quantization rules"))
        }
    }
}

/// Words an explanation: roles, type, layers, rule, fallback and alternative.
fn explanation_text(e: &Explanation, def: Option<GgmlType>) -> String {
    let kept = matches!(e.rule, Rule::NotQuantized | Rule::FloatFile);
    if kept {
        let shown: Vec<&str> = e.roles.iter().take(6).map(|r| r.as_str()).collect();
        let more = if e.roles.len() > 6 {
            format!(" and {} more", e.roles.len() - 6)
        } else {
            String::new()
        };
        return format!(
            "{}{more} ({} tensors): {}, {}",
            shown.join(", "),
            e.totals.tensors,
            e.ggml_type,
            rule_text(e.rule, e.mix, def, None)
        );
    }
    let role = e.roles.first().map_or("", |r| r.as_str());
    let mut s = format!("{role}: {}", e.ggml_type);
    if !e.layers.is_empty() {
        let of = e.role_blocks;
        if e.layers.len() as u64 == of && of == e.n_blocks {
            s.push_str(&format!(" on all {of} layers"));
        } else {
            s.push_str(&format!(
                " on layers {} ({} of {of})",
                layer_ranges(&e.layers),
                e.layers.len()
            ));
        }
    }
    s.push_str(": ");
    s.push_str(&rule_text(e.rule, e.mix, def, e.ne0));
    if let Some(n) = e.more_bits_n {
        s.push_str(&format!(
            " (i < n/8, i ≥ 7n/8 or (i − n/8) % 3 = 2, n = {n})"
        ));
    }
    if let Some(f) = &e.fallback {
        s.push_str("; ");
        s.push_str(&fallback_text(f));
    }
    if let Some(note) = e.alternative {
        s.push_str(&format!(" [{note}]"));
    }
    s
}

/// Words a tensor the rules do not explain: its type and the rules' choice.
fn unexplained_text(t: &TensorEntry, def: Option<GgmlType>) -> String {
    let Some(p) = &t.prediction else {
        return String::new();
    };
    let exp = match p.expected {
        None => "an unquantized type (llama.cpp never quantizes it)".to_string(),
        Some(x) => {
            let mut s = format!(
                "{x} ({}",
                rule_text(p.rule, p.mix, def, t.shape.first().copied())
            );
            if let Some(f) = &p.fallback {
                s.push_str("; ");
                s.push_str(&fallback_text(f));
            }
            s.push(')');
            s
        }
    };
    format!("{} is {}, the rules choose {exp}", t.name, t.ggml_type)
}

fn fallback_text(f: &Fallback) -> String {
    format!(
        "{} → {} fallback because the row of {} is not a multiple of {}",
        f.from, f.to, f.ne0, f.block
    )
}

fn rule_text(rule: Rule, mix: Option<GgmlType>, def: Option<GgmlType>, ne0: Option<u64>) -> String {
    let m = mix.map_or("?".into(), |t| t.name().into_owned());
    match rule {
        Rule::Default => format!("the default {m}"),
        Rule::UseMoreBits => format!("raised to {m} by use_more_bits"),
        Rule::FirstLayers => format!("{m} for the first layers"),
        Rule::MiddleLayers => format!("{m} for the middle layers"),
        Rule::Gqa => format!("raised to {m} for grouped-query attention (gqa ≥ 4)"),
        Rule::Moe8 => format!("{m} for an 8-expert model"),
        Rule::Llama70B => format!("raised to {m} for the 70B llama"),
        Rule::OutputHigh => format!("raised to {m} (output / tied embedding)"),
        Rule::OutputRowQ8 => match (ne0, def.and_then(|d| Some((d, d.block_size()?)))) {
            (Some(n), Some((d, b))) => format!(
                "set to {m} as output / tied embedding because the row of {n} is not a multiple of {d}'s block of {b}"
            ),
            _ => format!(
                "set to {m} as output / tied embedding because its rows are not a multiple of the default type's block"
            ),
        },
        Rule::OutputFalcon => format!("{m}: Falcon output"),
        Rule::TokenEmbdLowBit => format!("{m} for the token embedding of a low-bit type"),
        Rule::Mxfp4Moe => format!("{m} (MXFP4_MOE: non-expert tensors)"),
        Rule::FtypeRole => format!("{m}, the file type's fixed choice for this tensor"),
        Rule::Imatrix => format!("{m}, chosen by whether an importance matrix was used"),
        Rule::NotQuantized => "never quantized: kept as converted".into(),
        Rule::FloatFile => "float file type: kept as converted".into(),
    }
}
