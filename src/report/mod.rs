//! The JSON wire types: a deliberate, documented contract (docs/JSON.md), kept apart from the
//! internal types so that those can change without breaking scripts.
//!
//! Every byte count is an exact integer. Every report carries a `schema` string with a version;
//! fields may be added within a version, never renamed or removed.

pub mod diff;
pub mod inspect;
pub mod layers;
pub mod mem;
pub mod scan;
pub mod verify;

use crate::format::{Finding, Severity, Value};
use serde::Serialize;
use std::path::Path;

/// Defines a wire enum: serialized as the given strings (a contract, pinned by the golden tests),
/// with `as_str` for text output.
macro_rules! wire_enum {
    ($(#[$m:meta])* pub enum $name:ident { $($(#[$vm:meta])* $v:ident = $s:literal,)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
        pub enum $name {
            $($(#[$vm])* #[serde(rename = $s)] $v,)*
        }

        impl $name {
            /// The string written on the wire.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$v => $s,)*
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use wire_enum;

wire_enum! {
    /// How serious a finding or problem is.
    pub enum SeverityJson {
        /// The file is readable but broken in a way llama.cpp would refuse or misread.
        Error = "error",
        /// Suspicious but loadable.
        Warning = "warning",
        /// Worth knowing; not a problem.
        Info = "info",
    }
}

impl From<Severity> for SeverityJson {
    fn from(s: Severity) -> SeverityJson {
        match s {
            Severity::Error => SeverityJson::Error,
            Severity::Warning => SeverityJson::Warning,
            Severity::Info => SeverityJson::Info,
        }
    }
}

/// A finding on the wire.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FindingJson {
    /// `error`, `warning` or `info`.
    pub severity: SeverityJson,
    /// Stable identifier (`truncated-data`, `duplicate-key`, …).
    pub code: &'static str,
    /// The file it concerns (a shard of a split set), if any.
    pub file: Option<String>,
    /// Byte offset in that file, if any.
    pub offset: Option<u64>,
    /// A sentence.
    pub message: String,
}

impl FindingJson {
    /// Converts a finding.
    pub fn new(path: Option<&Path>, f: &Finding) -> FindingJson {
        FindingJson {
            severity: f.severity.into(),
            code: f.code.as_str(),
            file: path.map(|p| p.display().to_string()),
            offset: f.offset,
            message: f.message.clone(),
        }
    }
}

/// Every finding of a model (its shards' and the set's) on the wire.
pub fn findings_of(m: &crate::Model) -> Vec<FindingJson> {
    m.all_findings()
        .into_iter()
        .map(|(p, f)| FindingJson::new(p, f))
        .collect()
}

/// A metadata value on the wire: scalars as JSON scalars, strings as (lossy UTF-8) strings,
/// arrays as `{elem_type, len, items, truncated}`.
pub fn value_json(v: &Value, max_items: Option<usize>) -> serde_json::Value {
    use serde_json::json;
    match *v {
        Value::U8(x) => json!(x),
        Value::I8(x) => json!(x),
        Value::U16(x) => json!(x),
        Value::I16(x) => json!(x),
        Value::U32(x) => json!(x),
        Value::I32(x) => json!(x),
        Value::U64(x) => json!(x),
        Value::I64(x) => json!(x),
        // The shortest decimal that reads back as the same f32 (1e-5, not 9.999999747378752e-6).
        Value::F32(x) => float_json(format!("{x}").parse::<f64>().unwrap_or(x as f64)),
        Value::F64(x) => float_json(x),
        Value::Bool(b) => json!(b != 0),
        Value::String(s) => json!(s.to_string_lossy()),
        Value::Array(a) => {
            let take = max_items.unwrap_or(usize::MAX);
            let items: Vec<serde_json::Value> = a
                .iter()
                .take(take)
                .map(|x| value_json(&x, max_items))
                .collect();
            json!({
                "elem_type": a.elem_type.name(),
                "len": a.len,
                "items": items,
                "truncated": (items.len() as u64) < a.len,
            })
        }
    }
}

fn float_json(x: f64) -> serde_json::Value {
    if x.is_finite() {
        serde_json::json!(x)
    } else {
        // JSON has no NaN or infinity: spell them as strings.
        serde_json::json!(x.to_string())
    }
}

/// The type name of a value for display (`array[string]` for arrays): [`Value::type_label`].
pub fn type_label(v: &Value) -> String {
    v.type_label()
}
