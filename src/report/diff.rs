//! `gguflens diff --json`: schema `gguflens.diff/1` (docs/JSON.md).

use super::layers::TotalsJson;
use super::FindingJson;
use crate::diff::{DiffAnalysis, Scalar, Shown, Side, ValueSummary};
use crate::file::Model;
use crate::layers::Totals;
use serde::Serialize;

/// Schema identifier of this report.
pub const SCHEMA: &str = "gguflens.diff/1";

/// The whole `diff` report.
#[derive(Debug, Clone, Serialize)]
pub struct DiffReport {
    /// `gguflens.diff/1`.
    pub schema: &'static str,
    /// File A as given.
    pub a: String,
    /// File B as given.
    pub b: String,
    /// Whether tensor directories (names, types, shapes) and metadata are identical.
    pub identical: bool,
    /// `general.file_type` names (`Q4_K_M`) of A and B.
    pub file_type: [Option<String>; 2],
    /// `general.architecture` of A and B.
    pub architecture: [Option<String>; 2],
    /// Totals of A and B, and B − A.
    pub totals: PairJson,
    /// Tensors with equal type and shape in both.
    pub same_tensors: u64,
    /// Tensors whose type or shape differs, grouped by role and change.
    pub changes: Vec<ChangeJson>,
    /// Tensors only in A.
    pub only_a: Vec<LoneJson>,
    /// Tensors only in B.
    pub only_b: Vec<LoneJson>,
    /// `only_a` grouped by role and type, blocks gathered.
    pub only_a_roles: Vec<LoneGroupJson>,
    /// `only_b` grouped by role and type, blocks gathered.
    pub only_b_roles: Vec<LoneGroupJson>,
    /// Roles whose totals differ.
    pub roles: Vec<KeyedPairJson>,
    /// Per type, both files.
    pub types: Vec<KeyedPairJson>,
    /// Metadata keys equal in both.
    pub same_keys: u64,
    /// Metadata keys that differ.
    pub metadata: Vec<MetaJson>,
    /// Findings of both files (`file` says which).
    pub findings: Vec<FindingJson>,
}

/// Totals in A and B.
#[derive(Debug, Clone, Serialize)]
pub struct PairJson {
    /// In A.
    pub a: TotalsJson,
    /// In B.
    pub b: TotalsJson,
    /// bytes(B) − bytes(A).
    pub bytes_delta: i64,
    /// bpw(B) − bpw(A).
    pub bpw_delta: Option<f64>,
}

impl PairJson {
    fn new(a: Totals, b: Totals) -> PairJson {
        PairJson {
            a: a.into(),
            b: b.into(),
            bytes_delta: (b.bytes as i128 - a.bytes as i128)
                .clamp(i64::MIN as i128, i64::MAX as i128) as i64,
            bpw_delta: match (a.bpw(), b.bpw()) {
                (Some(x), Some(y)) => Some(y - x),
                _ => None,
            },
        }
    }
}

/// A role or type with totals in both.
#[derive(Debug, Clone, Serialize)]
pub struct KeyedPairJson {
    /// Role or type.
    pub key: String,
    /// Totals.
    #[serde(flatten)]
    pub pair: PairJson,
}

/// A group of tensors of one role that changed the same way.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeJson {
    /// Role.
    pub role: String,
    /// Blocks (empty outside blocks).
    pub layers: Vec<u64>,
    /// Tensor names.
    pub names: Vec<String>,
    /// Type in A.
    pub type_a: String,
    /// Type in B.
    pub type_b: String,
    /// Whether the shapes differ too.
    pub shape_changed: bool,
    /// Totals.
    #[serde(flatten)]
    pub pair: PairJson,
}

/// Tensors in one file only that share a role and a type (`attn_k_norm` F32 on blocks 0–17).
#[derive(Debug, Clone, Serialize)]
pub struct LoneGroupJson {
    /// Role (`attn_k_norm`), or the tensor's name outside blocks.
    pub role: String,
    /// Type.
    #[serde(rename = "type")]
    pub ty: String,
    /// Blocks (empty outside blocks).
    pub layers: Vec<u64>,
    /// Tensors in the group.
    pub tensors: u64,
    /// Bytes of the group.
    pub bytes: u64,
}

/// Groups tensors by role and type, in order of first appearance.
fn lone_groups(list: &[LoneJson]) -> Vec<LoneGroupJson> {
    let mut out: Vec<LoneGroupJson> = Vec::new();
    for t in list {
        let (section, role) = crate::layers::role::split(&t.name);
        let layer = match section {
            crate::layers::role::Section::Block(n) => Some(n),
            _ => None,
        };
        let found = out
            .iter_mut()
            .find(|g| g.role == role && g.ty == t.ty && (layer.is_some() != g.layers.is_empty()));
        match found {
            Some(g) => {
                g.layers.extend(layer);
                g.tensors += 1;
                g.bytes = g.bytes.saturating_add(t.bytes);
            }
            None => out.push(LoneGroupJson {
                role,
                ty: t.ty.clone(),
                layers: layer.into_iter().collect(),
                tensors: 1,
                bytes: t.bytes,
            }),
        }
    }
    for g in &mut out {
        g.layers.sort_unstable();
        g.layers.dedup();
    }
    out
}

/// A tensor in one file only.
#[derive(Debug, Clone, Serialize)]
pub struct LoneJson {
    /// Name.
    pub name: String,
    /// Type.
    #[serde(rename = "type")]
    pub ty: String,
    /// Shape.
    pub shape: Vec<u64>,
    /// Elements.
    pub parameters: u64,
    /// Bytes.
    pub bytes: u64,
}

impl From<(&String, &Side)> for LoneJson {
    fn from((n, s): (&String, &Side)) -> Self {
        LoneJson {
            name: n.clone(),
            ty: s.ggml_type.name().into_owned(),
            shape: s.shape.clone(),
            parameters: s.parameters,
            bytes: s.bytes,
        }
    }
}

/// A summarized metadata value.
#[derive(Debug, Clone, Serialize)]
pub struct ValueJson {
    /// Type label.
    #[serde(rename = "type")]
    pub ty: String,
    /// Short text.
    pub text: String,
    /// Array length.
    pub len: Option<u64>,
    /// FNV-1a 64 of the raw bytes (arrays, long strings), as 16 hex digits.
    pub hash: Option<String>,
}

impl From<&ValueSummary> for ValueJson {
    fn from(v: &ValueSummary) -> Self {
        ValueJson {
            ty: v.ty.clone(),
            text: value_text(&v.shown),
            len: match v.shown {
                Shown::Array { len, .. } => Some(len),
                Shown::Scalar(_) => None,
            },
            hash: v.hash.map(|h| format!("{h:016x}")),
        }
    }
}

/// A summarized value in words: a scalar as written, an array as its length and first items.
fn value_text(shown: &Shown) -> String {
    match shown {
        Shown::Scalar(s) => scalar_text(s),
        Shown::Array { len, first } => {
            let items: Vec<String> = first.iter().map(scalar_text).collect();
            let more = if *len > first.len() as u64 {
                ", …"
            } else {
                ""
            };
            format!("[{len} items] {}{more}", items.join(", "))
        }
    }
}

/// A scalar as written; a cut string with its whole length.
fn scalar_text(s: &Scalar) -> String {
    match s {
        Scalar::Str { head, bytes } if head.len() < *bytes => {
            format!("\"{head}…\" ({bytes} bytes)")
        }
        Scalar::Str { head, .. } => format!("\"{head}\""),
        Scalar::Bool(b) => b.to_string(),
        Scalar::F32(x) => x.to_string(),
        Scalar::F64(x) => x.to_string(),
        Scalar::Int(x) => x.to_string(),
        Scalar::UInt(x) => x.to_string(),
        Scalar::Other => String::new(),
    }
}

/// A metadata key that differs.
#[derive(Debug, Clone, Serialize)]
pub struct MetaJson {
    /// Key.
    pub key: String,
    /// Value in A (null: absent).
    pub a: Option<ValueJson>,
    /// Value in B (null: absent).
    pub b: Option<ValueJson>,
}

impl DiffReport {
    /// Builds the report.
    pub fn build(path_a: &str, a: &Model, path_b: &str, b: &Model) -> DiffReport {
        let d = crate::diff::compare(a, b);
        Self::from_analysis(path_a, a, path_b, b, &d)
    }

    /// Builds the report from a finished comparison.
    pub fn from_analysis(
        path_a: &str,
        a: &Model,
        path_b: &str,
        b: &Model,
        d: &DiffAnalysis,
    ) -> DiffReport {
        let mut findings: Vec<FindingJson> = Vec::new();
        for m in [a, b] {
            for (p, f) in m.all_findings() {
                findings.push(FindingJson::new(p, f));
            }
        }
        let only_a: Vec<LoneJson> = d.only_a.iter().map(|l| (&l.name, &l.side).into()).collect();
        let only_b: Vec<LoneJson> = d.only_b.iter().map(|l| (&l.name, &l.side).into()).collect();
        DiffReport {
            schema: SCHEMA,
            architecture: [a, b].map(|m| crate::model::identity(m).architecture),
            a: path_a.to_string(),
            b: path_b.to_string(),
            identical: d.identical(),
            file_type: [
                d.file_type_a.as_ref().map(|f| f.name.clone()),
                d.file_type_b.as_ref().map(|f| f.name.clone()),
            ],
            totals: PairJson::new(d.totals_a, d.totals_b),
            same_tensors: d.same_tensors,
            changes: d
                .changes
                .iter()
                .map(|c| ChangeJson {
                    role: c.role.clone(),
                    layers: c.layers.clone(),
                    names: c.names.clone(),
                    type_a: c.type_a.name().into_owned(),
                    type_b: c.type_b.name().into_owned(),
                    shape_changed: c.shape_changed,
                    pair: PairJson::new(c.a, c.b),
                })
                .collect(),
            only_a_roles: lone_groups(&only_a),
            only_b_roles: lone_groups(&only_b),
            only_a,
            only_b,
            roles: d
                .roles
                .iter()
                .map(|p| KeyedPairJson {
                    key: p.key.clone(),
                    pair: PairJson::new(p.a, p.b),
                })
                .collect(),
            types: d
                .types
                .iter()
                .map(|p| KeyedPairJson {
                    key: p.key.clone(),
                    pair: PairJson::new(p.a, p.b),
                })
                .collect(),
            same_keys: d.same_keys,
            metadata: d
                .metadata
                .iter()
                .map(|m| MetaJson {
                    key: m.key.clone(),
                    a: m.a.as_ref().map(Into::into),
                    b: m.b.as_ref().map(Into::into),
                })
                .collect(),
            findings,
        }
    }
}
