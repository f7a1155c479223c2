//! The per-layer quantization audit behind `gguflens layers`: every tensor placed in its block
//! and role, totals per layer, role and type, the grid of types (layers × roles, consecutive equal
//! layers folded), mixture-of-experts accounting, and the explanation of each tensor's type by
//! llama.cpp's quantization rules ([`crate::quant_rules`]).
//!
//! Analysis only: nothing here prints.

pub mod role;

use crate::file::Model;
use crate::ggml_type::GgmlType;
use crate::model::FileType;
use crate::quant_rules::{
    self, CounterOrder, Fallback, Prediction, QuantParams, Rule, TensorShape, Verdict,
};
pub use crate::text::layer_ranges;
pub use role::{RoleClass, Section, Tower};
use std::collections::BTreeMap;

/// Tensors, parameters and bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Totals {
    /// Number of tensors.
    pub tensors: u64,
    /// Elements.
    pub parameters: u64,
    /// Data bytes (tensors of unknown size count 0).
    pub bytes: u64,
}

impl Totals {
    /// Adds one tensor.
    pub fn add(&mut self, parameters: u64, bytes: u64) {
        self.tensors += 1;
        self.parameters = self.parameters.saturating_add(parameters);
        self.bytes = self.bytes.saturating_add(bytes);
    }

    /// Adds other totals.
    pub fn merge(&mut self, o: &Totals) {
        self.tensors += o.tensors;
        self.parameters = self.parameters.saturating_add(o.parameters);
        self.bytes = self.bytes.saturating_add(o.bytes);
    }

    /// Effective bits per weight: bytes × 8 / parameters.
    pub fn bpw(&self) -> Option<f64> {
        (self.parameters > 0).then(|| self.bytes as f64 * 8.0 / self.parameters as f64)
    }
}

/// One tensor, placed.
#[derive(Debug, Clone)]
pub struct TensorEntry {
    /// Name (lossy UTF-8).
    pub name: String,
    /// Block, global or tower.
    pub section: Section,
    /// Role within the block (`attn_q`, `ffn_down_exps`, `attn_q.bias`); for tensors outside
    /// blocks their name without `.weight`.
    pub role: String,
    /// Role class.
    pub class: RoleClass,
    /// Type.
    pub ggml_type: GgmlType,
    /// Dimensions, innermost first.
    pub shape: Vec<u64>,
    /// Elements.
    pub parameters: u64,
    /// Data bytes (0 when unknown).
    pub bytes: u64,
    /// Experts held by a 3-D expert tensor (its third dimension).
    pub experts: Option<u64>,
    /// What llama.cpp's rules choose for it (`None` without a known file type).
    pub prediction: Option<Prediction>,
    /// How the actual type relates to the prediction.
    pub verdict: Option<Verdict>,
}

/// One block.
#[derive(Debug, Clone)]
pub struct Layer {
    /// Block number.
    pub index: u64,
    /// Totals of its tensors.
    pub totals: Totals,
    /// Indices into [`LayersAnalysis::tensors`], in column order.
    pub tensors: Vec<usize>,
}

/// Totals of one role across the blocks (or one tensor outside them).
#[derive(Debug, Clone)]
pub struct RoleTotals {
    /// Role.
    pub role: String,
    /// Class.
    pub class: RoleClass,
    /// Section kind: blocks, global or a tower.
    pub section: Section,
    /// Totals.
    pub totals: Totals,
    /// Totals per type, most bytes first.
    pub types: Vec<(GgmlType, Totals)>,
}

/// One row of the grid: one block, or several consecutive blocks with the same mix and size.
#[derive(Debug, Clone)]
pub struct GridRow {
    /// First block.
    pub first: u64,
    /// Last block (= first when not folded).
    pub last: u64,
    /// A cell per column: the type name, `mixed`, or `None` when the block has no such tensor.
    pub cells: Vec<Option<String>>,
    /// Totals of one block of the row.
    pub per_layer: Totals,
}

/// Grouped explanation: tensors of one role (or several, for tensors never quantized) whose type
/// the same rule explains the same way.
#[derive(Debug, Clone)]
pub struct Explanation {
    /// The roles.
    pub roles: Vec<String>,
    /// The actual type.
    pub ggml_type: GgmlType,
    /// The rule.
    pub rule: Rule,
    /// The type the mix rule chose, before any fallback.
    pub mix: Option<GgmlType>,
    /// The row-size fallback.
    pub fallback: Option<Fallback>,
    /// `None`: explained by the current rules; `Some(note)`: by an alternative.
    pub alternative: Option<&'static str>,
    /// Blocks, ascending.
    pub layers: Vec<u64>,
    /// Tensors outside blocks, by name.
    pub names: Vec<String>,
    /// Totals.
    pub totals: Totals,
    /// Whether the type differs from the labelled default (or a rule other than the default
    /// chose it).
    pub deviates: bool,
    /// Blocks that hold a tensor of the (first) role.
    pub role_blocks: u64,
    /// Blocks in the model.
    pub n_blocks: u64,
    /// Row length of the first tensor outside blocks, for rules that depend on it.
    pub ne0: Option<u64>,
    /// For `use_more_bits`: the layer count `n` its formula was evaluated with.
    pub more_bits_n: Option<i64>,
}

/// A tensor the rules do not explain.
#[derive(Debug, Clone)]
pub struct Unexplained {
    /// Index into [`LayersAnalysis::tensors`].
    pub tensor: usize,
    /// The type llama.cpp's rules choose (`None`: an unquantized type).
    pub expected: Option<GgmlType>,
}

/// A role (or tensor) that holds more bits per weight than the labelled default type.
#[derive(Debug, Clone)]
pub struct Upgrade {
    /// Role.
    pub role: String,
    /// Type.
    pub ggml_type: GgmlType,
    /// Blocks (empty for tensors outside blocks).
    pub layers: Vec<u64>,
    /// Of how many blocks that have this role.
    pub of_layers: u64,
    /// Totals.
    pub totals: Totals,
}

/// Mixture-of-experts accounting.
#[derive(Debug, Clone, PartialEq)]
pub struct Moe {
    /// `{arch}.expert_count`.
    pub expert_count: Option<u64>,
    /// `{arch}.expert_used_count`.
    pub expert_used_count: Option<u64>,
    /// `{arch}.expert_shared_count`.
    pub expert_shared_count: Option<u64>,
    /// 3-D expert tensors.
    pub expert_tensors: Totals,
    /// Parameters of one expert across all layers (expert tensors / experts).
    pub parameters_per_expert: u64,
    /// Bytes of one expert across all layers.
    pub bytes_per_expert: u64,
    /// Shared-expert tensors.
    pub shared_tensors: Totals,
    /// Everything that is not an expert tensor.
    pub dense: Totals,
    /// Parameters used per token: dense + used experts.
    pub active_parameters: u64,
    /// Bytes read per token: dense + used experts.
    pub active_bytes: u64,
}

/// The whole audit.
#[derive(Debug, Clone)]
pub struct LayersAnalysis {
    /// `general.architecture`.
    pub architecture: Option<String>,
    /// `general.file_type`, decoded.
    pub file_type: Option<FileType>,
    /// The labelled type's default ggml type.
    pub default_type: Option<GgmlType>,
    /// `{arch}.block_count`.
    pub block_count: Option<u64>,
    /// Every tensor, in file order.
    pub tensors: Vec<TensorEntry>,
    /// Blocks, ascending.
    pub layers: Vec<Layer>,
    /// Grid columns: block weight roles in column order, then `norms` and `biases` when present.
    pub columns: Vec<String>,
    /// The grid.
    pub grid: Vec<GridRow>,
    /// Per role: block roles in column order, then tensors outside blocks, then towers.
    pub roles: Vec<RoleTotals>,
    /// Per type, most bytes first.
    pub types: Vec<(GgmlType, Totals)>,
    /// All tensors.
    pub totals: Totals,
    /// Tensors outside blocks, towers excluded (indices).
    pub globals: Vec<usize>,
    /// Tower totals.
    pub towers: Vec<(Tower, Totals)>,
    /// Roles that got more bits than the labelled default.
    pub upgrades: Vec<Upgrade>,
    /// Why each tensor has its type (when the rules apply).
    pub explanations: Vec<Explanation>,
    /// Tensors the rules do not explain.
    pub unexplained: Vec<Unexplained>,
    /// Whether the rules were applied, and why not.
    pub rules: RulesApplied,
    /// Other file types under whose rules every tensor is explained.
    pub consistent_with: Vec<FileType>,
    /// The order the quantizer's counters followed (`None` when the rules were not applied).
    pub counter_order: Option<CounterOrder>,
    /// How the blocks are stored in the file.
    pub block_order: BlockOrder,
    /// Mixture-of-experts accounting, when the file holds expert tensors or an expert count.
    pub moe: Option<Moe>,
}

/// How a file stores its blocks, judged by the first appearance of each `blk.N`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockOrder {
    /// Ascending by number (`blk.0, blk.1, blk.2, …`), or fewer than two blocks.
    Layer,
    /// Sorted as text (`blk.0, blk.1, blk.10, blk.11, …, blk.2`), as some converters wrote them.
    Text,
    /// Any other order.
    Other,
}

impl BlockOrder {
    /// Judges the order of tensor names (in file order).
    pub fn of<'a>(names: impl IntoIterator<Item = &'a str>) -> BlockOrder {
        let mut seen: Vec<u64> = Vec::new();
        for n in names {
            if let Some(b) = quant_rules::block_index(n) {
                if seen.last() != Some(&b) && !seen.contains(&b) {
                    seen.push(b);
                }
            }
        }
        if seen.windows(2).all(|w| w[0] < w[1]) {
            BlockOrder::Layer
        } else if seen.windows(2).all(|w| w[0].to_string() < w[1].to_string()) {
            BlockOrder::Text
        } else {
            BlockOrder::Other
        }
    }
}

/// Whether llama.cpp's quantizer rules could be applied to the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RulesApplied {
    /// Every tensor has a prediction and a verdict.
    Yes,
    /// No `general.file_type`: the rules need the labelled type.
    NoFileType,
    /// The labelled file type has no known rules.
    UnknownFileType {
        /// Its name (`unknown(N)` for an id llama.cpp does not define).
        name: String,
    },
}

/// The column that gathers a block's norms.
pub const NORMS_COLUMN: &str = "norms";
/// The column that gathers a block's biases.
pub const BIASES_COLUMN: &str = "biases";

fn column_of(e: &TensorEntry) -> String {
    match e.class {
        RoleClass::Norm => NORMS_COLUMN.to_string(),
        RoleClass::Bias => BIASES_COLUMN.to_string(),
        _ => e.role.clone(),
    }
}

/// Runs the audit.
pub fn analyze(m: &Model) -> LayersAnalysis {
    let g = m.gguf();
    let file_type = g.get_u64("general.file_type").map(FileType::from_raw);
    let mut tensors: Vec<TensorEntry> = m
        .tensors()
        .map(|(_, t)| {
            let name = t.name_str().into_owned();
            let (section, role) = role::split(&name);
            let class = role::class(&role);
            let shape = t.shape().to_vec();
            let experts = (class == RoleClass::Expert && shape.len() == 3).then(|| shape[2]);
            TensorEntry {
                name,
                section,
                role,
                class,
                ggml_type: t.ggml_type,
                shape,
                parameters: t.n_elements.unwrap_or(0),
                bytes: t.n_bytes.unwrap_or(0),
                experts,
                prediction: None,
                verdict: None,
            }
        })
        .collect();

    let default_type = file_type
        .as_ref()
        .and_then(|f| quant_rules::default_type(f.id));
    let block_order = BlockOrder::of(tensors.iter().map(|t| t.name.as_str()));
    let (rules, consistent_with, counter_order) = apply_rules(m, &mut tensors, file_type.as_ref());

    // Blocks.
    let mut by_layer: BTreeMap<u64, Vec<usize>> = BTreeMap::new();
    let mut globals = Vec::new();
    let mut towers: BTreeMap<Tower, Totals> = BTreeMap::new();
    let mut totals = Totals::default();
    let mut types: BTreeMap<GgmlType, Totals> = BTreeMap::new();
    for (i, t) in tensors.iter().enumerate() {
        totals.add(t.parameters, t.bytes);
        types
            .entry(t.ggml_type)
            .or_default()
            .add(t.parameters, t.bytes);
        match t.section {
            Section::Block(n) => by_layer.entry(n).or_default().push(i),
            Section::Global => globals.push(i),
            Section::Tower(tw) => towers.entry(tw).or_default().add(t.parameters, t.bytes),
        }
    }
    let mut types: Vec<(GgmlType, Totals)> = types.into_iter().collect();
    types.sort_by(|a, b| b.1.bytes.cmp(&a.1.bytes).then(a.0.cmp(&b.0)));

    // Columns.
    let mut cols: Vec<String> = Vec::new();
    for idx in by_layer.values().flatten() {
        let c = column_of(&tensors[*idx]);
        if !cols.contains(&c) {
            cols.push(c);
        }
    }
    cols.sort_by_key(|c| match c.as_str() {
        NORMS_COLUMN => (usize::MAX - 1, RoleClass::Norm, String::new()),
        BIASES_COLUMN => (usize::MAX, RoleClass::Bias, String::new()),
        other => role::order_key(other),
    });

    let layers: Vec<Layer> = by_layer
        .into_iter()
        .map(|(index, mut idx)| {
            let mut tot = Totals::default();
            for &i in &idx {
                tot.add(tensors[i].parameters, tensors[i].bytes);
            }
            idx.sort_by_key(|&i| {
                let c = column_of(&tensors[i]);
                (
                    cols.iter().position(|x| *x == c).unwrap_or(usize::MAX),
                    tensors[i].role.clone(),
                )
            });
            Layer {
                index,
                totals: tot,
                tensors: idx,
            }
        })
        .collect();

    let grid = build_grid(&tensors, &layers, &cols);
    let roles = role_totals(&tensors, &cols);
    let upgrades = upgrades(&tensors, default_type, &layers);
    let (explanations, unexplained) = explain(&tensors, default_type, &layers);
    let moe = moe(m, &tensors, &totals);

    LayersAnalysis {
        architecture: g.architecture().map(|s| s.into_owned()),
        file_type,
        default_type,
        block_count: crate::model::arch_u64(m, "block_count"),
        tensors,
        layers,
        columns: cols,
        grid,
        roles,
        types,
        totals,
        globals,
        towers: towers.into_iter().collect(),
        upgrades,
        explanations,
        unexplained,
        rules,
        consistent_with,
        counter_order,
        block_order,
        moe,
    }
}

fn build_grid(tensors: &[TensorEntry], layers: &[Layer], cols: &[String]) -> Vec<GridRow> {
    let mut rows: Vec<GridRow> = Vec::new();
    for l in layers {
        let mut cells: Vec<Option<String>> = vec![None; cols.len()];
        for &i in &l.tensors {
            let t = &tensors[i];
            let c = column_of(t);
            let Some(k) = cols.iter().position(|x| *x == c) else {
                continue;
            };
            let name = t.ggml_type.name().into_owned();
            cells[k] = match cells[k].take() {
                None => Some(name),
                Some(prev) if prev == name => Some(prev),
                Some(_) => Some("mixed".to_string()),
            };
        }
        if let Some(last) = rows.last_mut() {
            if last.last + 1 == l.index && last.cells == cells && last.per_layer == l.totals {
                last.last = l.index;
                continue;
            }
        }
        rows.push(GridRow {
            first: l.index,
            last: l.index,
            cells,
            per_layer: l.totals,
        });
    }
    rows
}

fn role_totals(tensors: &[TensorEntry], cols: &[String]) -> Vec<RoleTotals> {
    let mut map: BTreeMap<(u8, String), RoleTotals> = BTreeMap::new();
    let mut per_type: BTreeMap<(u8, String), BTreeMap<GgmlType, Totals>> = BTreeMap::new();
    for t in tensors {
        let (rank, role, section) = match t.section {
            Section::Block(_) => (0u8, t.role.clone(), Section::Block(0)),
            Section::Global => (1, t.role.clone(), Section::Global),
            Section::Tower(tw) => (2, tw.name().to_string(), Section::Tower(tw)),
        };
        let key = (rank, role.clone());
        let e = map.entry(key.clone()).or_insert_with(|| RoleTotals {
            role,
            class: if rank == 2 { RoleClass::Other } else { t.class },
            section,
            totals: Totals::default(),
            types: Vec::new(),
        });
        e.totals.add(t.parameters, t.bytes);
        per_type
            .entry(key)
            .or_default()
            .entry(t.ggml_type)
            .or_default()
            .add(t.parameters, t.bytes);
    }
    let mut v: Vec<RoleTotals> = map
        .into_iter()
        .map(|(k, mut r)| {
            let mut ty: Vec<(GgmlType, Totals)> = per_type
                .remove(&k)
                .unwrap_or_default()
                .into_iter()
                .collect();
            ty.sort_by(|a, b| b.1.bytes.cmp(&a.1.bytes).then(a.0.cmp(&b.0)));
            r.types = ty;
            r
        })
        .collect();
    let col_rank = |r: &RoleTotals| -> (u8, usize, (usize, RoleClass, String)) {
        match r.section {
            Section::Block(_) => {
                let c = match r.class {
                    RoleClass::Norm => NORMS_COLUMN,
                    RoleClass::Bias => BIASES_COLUMN,
                    _ => r.role.as_str(),
                };
                (
                    0,
                    cols.iter().position(|x| x == c).unwrap_or(usize::MAX),
                    role::order_key(&r.role),
                )
            }
            Section::Global => (1, 0, role::order_key(&r.role)),
            Section::Tower(_) => (2, 0, role::order_key(&r.role)),
        }
    };
    v.sort_by_key(|r| col_rank(r));
    v
}

fn upgrades(tensors: &[TensorEntry], def: Option<GgmlType>, layers: &[Layer]) -> Vec<Upgrade> {
    let Some(def) = def else { return Vec::new() };
    let Some(base) = def.bits_per_weight() else {
        return Vec::new();
    };
    let mut map: BTreeMap<(bool, String, GgmlType), Upgrade> = BTreeMap::new();
    for t in tensors {
        if matches!(t.class, RoleClass::Norm | RoleClass::Bias) || t.shape.len() < 2 {
            continue;
        }
        if matches!(t.section, Section::Tower(_)) {
            continue;
        }
        if t.prediction
            .as_ref()
            .is_some_and(|p| p.rule == Rule::NotQuantized)
        {
            continue;
        }
        let Some(b) = t.ggml_type.bits_per_weight() else {
            continue;
        };
        if b <= base {
            continue;
        }
        let global = !matches!(t.section, Section::Block(_));
        let e = map
            .entry((global, t.role.clone(), t.ggml_type))
            .or_insert_with(|| Upgrade {
                role: t.role.clone(),
                ggml_type: t.ggml_type,
                layers: Vec::new(),
                of_layers: layers
                    .iter()
                    .filter(|l| l.tensors.iter().any(|&i| tensors[i].role == t.role))
                    .count() as u64,
                totals: Totals::default(),
            });
        if let Section::Block(n) = t.section {
            e.layers.push(n);
        }
        e.totals.add(t.parameters, t.bytes);
    }
    let mut v: Vec<Upgrade> = map.into_values().collect();
    for u in &mut v {
        u.layers.sort_unstable();
    }
    v.sort_by(|a, b| {
        (a.layers.is_empty(), role::order_key(&a.role), a.ggml_type).cmp(&(
            b.layers.is_empty(),
            role::order_key(&b.role),
            b.ggml_type,
        ))
    });
    v
}

type ExplainKey = (
    u8,
    String,
    GgmlType,
    Rule,
    Option<GgmlType>,
    Option<(GgmlType, GgmlType)>,
    Option<&'static str>,
);

fn explain(
    tensors: &[TensorEntry],
    def: Option<GgmlType>,
    layers: &[Layer],
) -> (Vec<Explanation>, Vec<Unexplained>) {
    let mut groups: BTreeMap<ExplainKey, Explanation> = BTreeMap::new();
    let mut unexplained = Vec::new();
    let n_blocks = layers.len() as u64;
    for (i, t) in tensors.iter().enumerate() {
        let (Some(p), Some(v)) = (&t.prediction, t.verdict) else {
            continue;
        };
        let alternative = match v {
            Verdict::Expected => None,
            Verdict::Alternative(n) => Some(n),
            Verdict::Unexplained => {
                unexplained.push(Unexplained {
                    tensor: i,
                    expected: p.expected,
                });
                continue;
            }
        };
        // Tensors never quantized are grouped across roles; the rest per role.
        let kept = matches!(p.rule, Rule::NotQuantized | Rule::FloatFile);
        let (rank, role) = match (kept, t.section) {
            (true, _) => (2u8, String::new()),
            (false, Section::Block(_)) => (0, t.role.clone()),
            (false, _) => (1, t.role.clone()),
        };
        let key = (
            rank,
            role,
            t.ggml_type,
            p.rule,
            p.mix,
            p.fallback.map(|f| (f.from, f.to)),
            alternative,
        );
        let e = groups.entry(key).or_insert_with(|| Explanation {
            roles: Vec::new(),
            ggml_type: t.ggml_type,
            rule: p.rule,
            mix: p.mix,
            fallback: p.fallback,
            alternative,
            layers: Vec::new(),
            names: Vec::new(),
            totals: Totals::default(),
            deviates: Some(t.ggml_type) != def || p.rule != Rule::Default,
            role_blocks: 0,
            n_blocks,
            ne0: None,
            more_bits_n: None,
        });
        if !e.roles.contains(&t.role) {
            e.roles.push(t.role.clone());
        }
        match t.section {
            Section::Block(n) => {
                if !e.layers.contains(&n) {
                    e.layers.push(n)
                }
            }
            _ => e.names.push(t.name.clone()),
        }
        e.totals.add(t.parameters, t.bytes);
    }
    let mut v: Vec<Explanation> = groups.into_values().collect();
    for e in &mut v {
        e.layers.sort_unstable();
        locate(e, tensors);
    }
    // Block roles in column order, then globals, then the kept tensors.
    v.sort_by(|a, b| {
        let ka = (
            a.layers.is_empty() as u8 + 2 * (a.rule == Rule::NotQuantized) as u8,
            role::order_key(a.roles.first().map_or("", |s| s)),
            a.layers.first().copied(),
        );
        let kb = (
            b.layers.is_empty() as u8 + 2 * (b.rule == Rule::NotQuantized) as u8,
            role::order_key(b.roles.first().map_or("", |s| s)),
            b.layers.first().copied(),
        );
        ka.cmp(&kb)
    });
    (v, unexplained)
}

/// Applies llama.cpp's quantizer rules: each tensor gets its prediction and verdict. When the
/// labelled type does not explain every tensor, the other file types that would are returned.
fn apply_rules(
    m: &Model,
    tensors: &mut [TensorEntry],
    file_type: Option<&FileType>,
) -> (RulesApplied, Vec<FileType>, Option<CounterOrder>) {
    let Some(p) = QuantParams::from_model(m) else {
        return (RulesApplied::NoFileType, Vec::new(), None);
    };
    let shapes: Vec<TensorShape> = tensors
        .iter()
        .map(|t| TensorShape {
            name: &t.name,
            dims: &t.shape,
        })
        .collect();
    let actual: Vec<GgmlType> = tensors.iter().map(|t| t.ggml_type).collect();
    let explains = |preds: &[Prediction]| {
        preds
            .iter()
            .zip(&actual)
            .all(|(pr, &t)| pr.check(t) != Verdict::Unexplained)
    };
    let (preds, order) = predict_best_order(&p, &shapes, &actual);
    let mut consistent_with = Vec::new();
    if preds.as_deref().is_some_and(|v| !explains(v)) {
        for ft in quant_rules::known_ftypes() {
            if ft == p.ftype {
                continue;
            }
            let q = QuantParams {
                ftype: ft,
                ..p.clone()
            };
            if quant_rules::predict_all_in(&q, &shapes, order).is_some_and(|v| explains(&v)) {
                consistent_with.push(FileType::from_raw(ft));
            }
        }
    }
    drop(shapes);
    let Some(preds) = preds else {
        let name = file_type.map_or("?".into(), |f| f.name.clone());
        return (
            RulesApplied::UnknownFileType { name },
            consistent_with,
            None,
        );
    };
    for (t, pr) in tensors.iter_mut().zip(preds) {
        t.verdict = Some(pr.check(t.ggml_type));
        t.prediction = Some(pr);
    }
    (RulesApplied::Yes, consistent_with, Some(order))
}

/// Predictions with the counters in layer order (current llama.cpp) or, when that leaves more
/// tensors unexplained, in file order (llama.cpp before b3999).
fn predict_best_order(
    p: &QuantParams,
    shapes: &[TensorShape],
    actual: &[GgmlType],
) -> (Option<Vec<Prediction>>, CounterOrder) {
    let unexplained = |preds: &[Prediction]| {
        preds
            .iter()
            .zip(actual)
            .filter(|(pr, &t)| pr.check(t) == Verdict::Unexplained)
            .count()
    };
    let Some(by_layer) = quant_rules::predict_all_in(p, shapes, CounterOrder::Layer) else {
        return (None, CounterOrder::Layer);
    };
    let n_layer = unexplained(&by_layer);
    if n_layer == 0 {
        return (Some(by_layer), CounterOrder::Layer);
    }
    match quant_rules::predict_all_in(p, shapes, CounterOrder::File) {
        Some(by_file) if unexplained(&by_file) < n_layer => (Some(by_file), CounterOrder::File),
        _ => (Some(by_layer), CounterOrder::Layer),
    }
}

/// Fills in the facts the wording of an explanation needs: how many blocks hold its role, the
/// row length of its first named tensor, and the `n` of `use_more_bits`.
fn locate(e: &mut Explanation, tensors: &[TensorEntry]) {
    let role = e.roles.first().map_or("", |r| r.as_str());
    e.role_blocks = tensors
        .iter()
        .filter(|t| matches!(t.section, Section::Block(_)) && t.role == role)
        .count() as u64;
    e.ne0 = e
        .names
        .first()
        .and_then(|n| tensors.iter().find(|t| &t.name == n))
        .and_then(|t| t.shape.first().copied());
    if e.rule == Rule::UseMoreBits {
        e.more_bits_n = e.layers.first().and_then(|&l| {
            tensors
                .iter()
                .find(|t| t.section == Section::Block(l) && t.role == role)
                .and_then(|t| t.prediction.as_ref()?.position)
                .map(|p| p.1)
        });
    }
}

fn moe(m: &Model, tensors: &[TensorEntry], all: &Totals) -> Option<Moe> {
    let expert_count = crate::model::arch_u64(m, "expert_count");
    let used = crate::model::arch_u64(m, "expert_used_count");
    let shared_count = crate::model::arch_u64(m, "expert_shared_count");
    let mut experts = Totals::default();
    let mut shared = Totals::default();
    let mut per_expert_params = 0u64;
    let mut per_expert_bytes = 0u64;
    for t in tensors {
        match (t.class, t.experts) {
            (RoleClass::Expert, Some(n)) if n > 0 => {
                experts.add(t.parameters, t.bytes);
                per_expert_params = per_expert_params.saturating_add(t.parameters / n);
                per_expert_bytes = per_expert_bytes.saturating_add(t.bytes / n);
            }
            (RoleClass::SharedExpert, _) => shared.add(t.parameters, t.bytes),
            _ => {}
        }
    }
    if experts.tensors == 0 && expert_count.unwrap_or(0) <= 1 {
        return None;
    }
    let dense = Totals {
        tensors: all.tensors - experts.tensors,
        parameters: all.parameters.saturating_sub(experts.parameters),
        bytes: all.bytes.saturating_sub(experts.bytes),
    };
    let k = used.unwrap_or(expert_count.unwrap_or(0));
    Some(Moe {
        expert_count,
        expert_used_count: used,
        expert_shared_count: shared_count,
        expert_tensors: experts,
        parameters_per_expert: per_expert_params,
        bytes_per_expert: per_expert_bytes,
        shared_tensors: shared,
        dense,
        active_parameters: dense
            .parameters
            .saturating_add(per_expert_params.saturating_mul(k)),
        active_bytes: dense
            .bytes
            .saturating_add(per_expert_bytes.saturating_mul(k)),
    })
}
