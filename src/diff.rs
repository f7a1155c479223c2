//! Two models side by side (`gguflens diff A B`): tensors whose type or shape differs, grouped by
//! role and type change with the blocks listed; tensors in only one file; totals per role and type;
//! metadata keys that differ, with values summarized (arrays by length, a hash and first items).
//!
//! Analysis only: nothing here prints.

use crate::file::Model;
use crate::format::{ByteOrder, Gguf, Value, ValueType};
use crate::ggml_type::GgmlType;
use crate::layers::role::{self, Section};
use crate::layers::Totals;
use crate::model::FileType;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One side of a tensor.
#[derive(Debug, Clone, PartialEq)]
pub struct Side {
    /// Type.
    pub ggml_type: GgmlType,
    /// Dimensions.
    pub shape: Vec<u64>,
    /// Elements.
    pub parameters: u64,
    /// Bytes.
    pub bytes: u64,
}

/// Tensors of one role whose type changed the same way (`attn_v` Q8_0 → Q6_K on blocks 0, 1 …).
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeGroup {
    /// Role (tensor name without `.weight` outside blocks).
    pub role: String,
    /// Blocks (empty outside blocks).
    pub layers: Vec<u64>,
    /// Tensor names.
    pub names: Vec<String>,
    /// Type in A.
    pub type_a: GgmlType,
    /// Type in B.
    pub type_b: GgmlType,
    /// Shapes differ too.
    pub shape_changed: bool,
    /// Totals in A.
    pub a: Totals,
    /// Totals in B.
    pub b: Totals,
}

/// A tensor in only one file.
#[derive(Debug, Clone, PartialEq)]
pub struct Lone {
    /// Name.
    pub name: String,
    /// Its side.
    pub side: Side,
}

/// Totals of a role (or type) in both files.
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    /// Role or type name.
    pub key: String,
    /// In A.
    pub a: Totals,
    /// In B.
    pub b: Totals,
}

/// Characters of a string a summary keeps.
pub const STRING_HEAD: usize = 60;

/// Items of an array a summary keeps.
pub const FIRST_ITEMS: usize = 4;

/// A scalar value as a summary keeps it (the report words it).
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    /// A string: its first [`STRING_HEAD`] characters (lossy UTF-8) and its whole length in
    /// bytes.
    Str {
        /// The first characters.
        head: String,
        /// The whole string's length in bytes.
        bytes: usize,
    },
    /// A boolean.
    Bool(bool),
    /// An `f32`.
    F32(f32),
    /// An `f64`.
    F64(f64),
    /// An integer that fits `i64`.
    Int(i64),
    /// An integer above `i64::MAX`.
    UInt(u64),
    /// Anything else (an array as an array's item).
    Other,
}

/// What a summary keeps of a value.
#[derive(Debug, Clone, PartialEq)]
pub enum Shown {
    /// A scalar, whole (a string cut to its head).
    Scalar(Scalar),
    /// An array: its length and its first [`FIRST_ITEMS`] items.
    Array {
        /// Items in the array.
        len: u64,
        /// The first items.
        first: Vec<Scalar>,
    },
}

/// A metadata value, summarized.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueSummary {
    /// Type label (`u32`, `string`, `array[string]`).
    pub ty: String,
    /// The value, or what is kept of it.
    pub shown: Shown,
    /// For arrays and long strings: FNV-1a 64 of the raw bytes.
    pub hash: Option<u64>,
}

/// A metadata key that differs.
#[derive(Debug, Clone, PartialEq)]
pub struct MetaChange {
    /// Key (lossy UTF-8).
    pub key: String,
    /// Value in A (`None`: absent).
    pub a: Option<ValueSummary>,
    /// Value in B (`None`: absent).
    pub b: Option<ValueSummary>,
}

/// The comparison.
#[derive(Debug, Clone)]
pub struct DiffAnalysis {
    /// `general.file_type` of A.
    pub file_type_a: Option<FileType>,
    /// `general.file_type` of B.
    pub file_type_b: Option<FileType>,
    /// All tensors of A.
    pub totals_a: Totals,
    /// All tensors of B.
    pub totals_b: Totals,
    /// Tensors in both files whose type or shape differs, grouped.
    pub changes: Vec<ChangeGroup>,
    /// Tensors in both files with the same type and shape.
    pub same_tensors: u64,
    /// Tensors only in A.
    pub only_a: Vec<Lone>,
    /// Tensors only in B.
    pub only_b: Vec<Lone>,
    /// Roles whose totals differ (block roles summed over blocks).
    pub roles: Vec<Pair>,
    /// Per-type totals in both files (every type in either).
    pub types: Vec<Pair>,
    /// Metadata keys that differ.
    pub metadata: Vec<MetaChange>,
    /// Metadata keys equal in both.
    pub same_keys: u64,
}

impl DiffAnalysis {
    /// Whether the tensor directories (names, types, shapes) and the metadata are identical.
    pub fn identical(&self) -> bool {
        self.changes.is_empty()
            && self.only_a.is_empty()
            && self.only_b.is_empty()
            && self.metadata.is_empty()
    }
}

/// FNV-1a, 64 bit: a small, stable content hash for summarizing arrays.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

fn side(t: &crate::format::TensorInfo) -> Side {
    Side {
        ggml_type: t.ggml_type,
        shape: t.shape().to_vec(),
        parameters: t.n_elements.unwrap_or(0),
        bytes: t.n_bytes.unwrap_or(0),
    }
}

fn values_equal(a: &Value, b: &Value, same_order: bool) -> bool {
    match (a, b) {
        (Value::Array(x), Value::Array(y)) => {
            if x.elem_type != y.elem_type || x.len != y.len {
                return false;
            }
            if same_order && x.elem_type != ValueType::ARRAY {
                x.bytes == y.bytes
            } else {
                x.iter()
                    .zip(y.iter())
                    .all(|(p, q)| values_equal(&p, &q, same_order))
            }
        }
        (Value::String(x), Value::String(y)) => x.as_bytes() == y.as_bytes(),
        _ => a == b,
    }
}

/// The fact a scalar value is summarized by.
fn scalar(v: &Value) -> Scalar {
    match v {
        Value::String(s) => {
            let s = s.to_string_lossy();
            Scalar::Str {
                head: s.chars().take(STRING_HEAD).collect(),
                bytes: s.len(),
            }
        }
        Value::Bool(b) => Scalar::Bool(*b != 0),
        Value::F32(x) => Scalar::F32(*x),
        Value::F64(x) => Scalar::F64(*x),
        other => other
            .as_i64()
            .map(Scalar::Int)
            .or_else(|| other.as_u64().map(Scalar::UInt))
            .unwrap_or(Scalar::Other),
    }
}

/// Summarizes a value: scalars as they are, long strings with their length and hash, arrays by
/// length, hash and first items.
pub fn summarize(v: &Value) -> ValueSummary {
    let ty = v.type_label();
    match v {
        Value::Array(a) => ValueSummary {
            ty,
            shown: Shown::Array {
                len: a.len,
                first: a.iter().take(FIRST_ITEMS).map(|x| scalar(&x)).collect(),
            },
            hash: Some(fnv1a(a.bytes)),
        },
        Value::String(s) => ValueSummary {
            ty,
            shown: Shown::Scalar(scalar(v)),
            hash: (s.len() > STRING_HEAD).then(|| fnv1a(s.as_bytes())),
        },
        _ => ValueSummary {
            ty,
            shown: Shown::Scalar(scalar(v)),
            hash: None,
        },
    }
}

/// Compares two models.
pub fn compare(a: &Model, b: &Model) -> DiffAnalysis {
    let ta: Vec<(String, Side)> = a
        .tensors()
        .map(|(_, t)| (t.name_str().into_owned(), side(t)))
        .collect();
    let tb: Vec<(String, Side)> = b
        .tensors()
        .map(|(_, t)| (t.name_str().into_owned(), side(t)))
        .collect();
    let ib: HashMap<&str, &Side> = tb.iter().map(|(n, s)| (n.as_str(), s)).collect();
    let ia: HashMap<&str, &Side> = ta.iter().map(|(n, s)| (n.as_str(), s)).collect();

    let mut totals_a = Totals::default();
    let mut totals_b = Totals::default();
    let mut roles: BTreeMap<String, (Totals, Totals)> = BTreeMap::new();
    let mut types: BTreeMap<GgmlType, (Totals, Totals)> = BTreeMap::new();
    let role_key = |n: &str| -> String {
        let (sec, r) = role::split(n);
        match sec {
            Section::Tower(t) => t.name().to_string(),
            _ => r,
        }
    };
    // One pass per side: `b` picks the second of each (A, B) pair.
    fn pick<T>(pair: &mut (T, T), b: bool) -> &mut T {
        if b {
            &mut pair.1
        } else {
            &mut pair.0
        }
    }
    for (b, tensors, totals) in [(false, &ta, &mut totals_a), (true, &tb, &mut totals_b)] {
        for (n, s) in tensors {
            totals.add(s.parameters, s.bytes);
            pick(roles.entry(role_key(n)).or_default(), b).add(s.parameters, s.bytes);
            pick(types.entry(s.ggml_type).or_default(), b).add(s.parameters, s.bytes);
        }
    }

    type Key = (
        u8,
        (usize, role::RoleClass, String),
        GgmlType,
        GgmlType,
        bool,
    );
    let mut groups: BTreeMap<Key, ChangeGroup> = BTreeMap::new();
    let mut same = 0u64;
    let mut only_a = Vec::new();
    for (n, sa) in &ta {
        let Some(sb) = ib.get(n.as_str()) else {
            only_a.push(Lone {
                name: n.clone(),
                side: sa.clone(),
            });
            continue;
        };
        if sa.ggml_type == sb.ggml_type && sa.shape == sb.shape {
            same += 1;
            continue;
        }
        let (sec, r) = role::split(n);
        let shape_changed = sa.shape != sb.shape;
        let key = (
            matches!(sec, Section::Block(_)) as u8 ^ 1,
            role::order_key(&r),
            sa.ggml_type,
            sb.ggml_type,
            shape_changed,
        );
        let g = groups.entry(key).or_insert_with(|| ChangeGroup {
            role: r.clone(),
            layers: Vec::new(),
            names: Vec::new(),
            type_a: sa.ggml_type,
            type_b: sb.ggml_type,
            shape_changed,
            a: Totals::default(),
            b: Totals::default(),
        });
        if let Section::Block(l) = sec {
            g.layers.push(l);
        }
        g.names.push(n.clone());
        g.a.add(sa.parameters, sa.bytes);
        g.b.add(sb.parameters, sb.bytes);
    }
    let mut changes: Vec<ChangeGroup> = groups.into_values().collect();
    for c in &mut changes {
        c.layers.sort_unstable();
        c.layers.dedup();
    }
    changes.sort_by(|x, y| {
        (
            x.layers.is_empty(),
            role::order_key(&x.role),
            x.layers.first(),
        )
            .cmp(&(
                y.layers.is_empty(),
                role::order_key(&y.role),
                y.layers.first(),
            ))
    });
    let only_b = tb
        .iter()
        .filter(|(n, _)| !ia.contains_key(n.as_str()))
        .map(|(n, s)| Lone {
            name: n.clone(),
            side: s.clone(),
        })
        .collect();

    let ga = a.gguf();
    let gb = b.gguf();
    let (metadata, same_keys) = compare_metadata(ga, gb);

    let mut roles: Vec<Pair> = roles
        .into_iter()
        .filter(|(_, (x, y))| x != y)
        .map(|(k, (x, y))| Pair { key: k, a: x, b: y })
        .collect();
    roles.sort_by_key(|p| role::order_key(&p.key));
    let mut types: Vec<Pair> = types
        .into_iter()
        .map(|(k, (x, y))| Pair {
            key: k.name().into_owned(),
            a: x,
            b: y,
        })
        .collect();
    types.sort_by_key(|p| std::cmp::Reverse(p.a.bytes.max(p.b.bytes)));

    DiffAnalysis {
        file_type_a: ga.get_u64("general.file_type").map(FileType::from_raw),
        file_type_b: gb.get_u64("general.file_type").map(FileType::from_raw),
        totals_a,
        totals_b,
        changes,
        same_tensors: same,
        only_a,
        only_b,
        roles,
        types,
        metadata,
        same_keys,
    }
}

/// The metadata keys that differ between two files (each key once, A's order then B's), and the
/// number of keys whose values are equal. Each key is a hash lookup in the other file.
fn compare_metadata(ga: &Gguf<'_>, gb: &Gguf<'_>) -> (Vec<MetaChange>, u64) {
    let same_order = matches!(
        (ga.byte_order, gb.byte_order),
        (ByteOrder::Little, ByteOrder::Little) | (ByteOrder::Big, ByteOrder::Big)
    );
    let mut metadata = Vec::new();
    let mut same_keys = 0u64;
    let mut seen: BTreeSet<&[u8]> = BTreeSet::new();
    for e in &ga.metadata {
        let k = e.key.as_bytes();
        if !seen.insert(k) {
            continue;
        }
        let key = e.key.to_string_lossy().into_owned();
        match gb.entry_bytes(k) {
            None => metadata.push(MetaChange {
                key,
                a: Some(summarize(&e.value)),
                b: None,
            }),
            Some(o) if values_equal(&e.value, &o.value, same_order) => same_keys += 1,
            Some(o) => metadata.push(MetaChange {
                key,
                a: Some(summarize(&e.value)),
                b: Some(summarize(&o.value)),
            }),
        }
    }
    for e in &gb.metadata {
        let k = e.key.as_bytes();
        if ga.entry_bytes(k).is_some() || !seen.insert(k) {
            continue;
        }
        metadata.push(MetaChange {
            key: e.key.to_string_lossy().into_owned(),
            a: None,
            b: Some(summarize(&e.value)),
        });
    }
    (metadata, same_keys)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn fnv() {
        assert_eq!(fnv1a(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a(b"a"), 0xaf63dc4c8601ec8c);
    }
}
