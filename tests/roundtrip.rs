//! Property tests: whatever the builder writes, the reader reads back exactly, in every version
//! and byte order; and whatever is cut off or changed in such a file, the reader neither panics
//! nor calls the result clean when data is missing.

use gguflens::builder::{BTensor, BValue, GgufBuilder};
use gguflens::format::{Gguf, Value, ValueType};
use gguflens::ggml_type::TYPES;
use gguflens::report::inspect::{InspectOptions, InspectReport};
use gguflens::{GgmlType, Model};
use proptest::prelude::*;
use std::path::Path;

const SCALARS: [u32; 11] = [0, 1, 2, 3, 4, 5, 6, 7, 10, 11, 12];

/// Bytes for a string: mostly text, sometimes anything (invalid UTF-8 included).
fn text() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => "[a-z._0-9 ]{0,12}".prop_map(String::into_bytes),
        1 => proptest::collection::vec(any::<u8>(), 0..12),
    ]
}

fn scalar(t: u32) -> BoxedStrategy<BValue> {
    match t {
        0 => any::<u8>().prop_map(BValue::U8).boxed(),
        1 => any::<i8>().prop_map(BValue::I8).boxed(),
        2 => any::<u16>().prop_map(BValue::U16).boxed(),
        3 => any::<i16>().prop_map(BValue::I16).boxed(),
        4 => any::<u32>().prop_map(BValue::U32).boxed(),
        5 => any::<i32>().prop_map(BValue::I32).boxed(),
        // Any bit pattern, NaNs included: compared by bits.
        6 => any::<u32>()
            .prop_map(|b| BValue::F32(f32::from_bits(b)))
            .boxed(),
        7 => any::<bool>().prop_map(BValue::Bool).boxed(),
        8 => text().prop_map(BValue::Str).boxed(),
        10 => any::<u64>().prop_map(BValue::U64).boxed(),
        11 => any::<i64>().prop_map(BValue::I64).boxed(),
        12 => any::<u64>()
            .prop_map(|b| BValue::F64(f64::from_bits(b)))
            .boxed(),
        _ => unreachable!(),
    }
}

/// A value of type `t`; arrays hold elements of one type, nested up to `depth` more levels.
fn value_of(t: u32, depth: u32) -> BoxedStrategy<BValue> {
    if t != 9 {
        return scalar(t);
    }
    let elem = if depth == 0 {
        prop::sample::select(&SCALARS[..]).boxed()
    } else {
        prop_oneof![4 => prop::sample::select(&SCALARS[..]), 1 => Just(9u32)].boxed()
    };
    elem.prop_flat_map(move |e| {
        proptest::collection::vec(value_of(e, depth.saturating_sub(1)), 0..5)
            .prop_map(move |items| BValue::Array(ValueType(e), items))
    })
    .boxed()
}

/// Any of the 13 value types.
fn value() -> BoxedStrategy<BValue> {
    prop_oneof![
        3 => prop::sample::select(&SCALARS[..]).prop_flat_map(|t| value_of(t, 0)),
        1 => value_of(9, 3),
    ]
    .boxed()
}

/// A tensor of a known type (rows of whole blocks) or, now and then, an unknown type id.
fn tensor() -> impl Strategy<Value = (Vec<u8>, Vec<u64>, u32, u64)> {
    let known =
        (0..TYPES.len(), 1u64..3).prop_map(|(i, k)| (TYPES[i].id, TYPES[i].block_size as u64 * k));
    let unknown = (100u32..1000).prop_map(|id| (id, 3u64));
    (
        text(),
        prop_oneof![9 => known, 1 => unknown],
        proptest::collection::vec(1u64..4, 0..4),
        any::<u64>(),
    )
        .prop_map(|(name, (ty, row), rest, seed)| {
            let mut dims = vec![row];
            dims.extend(rest);
            (name, dims, ty, seed)
        })
}

#[derive(Debug, Clone)]
struct Spec {
    version: u32,
    big_endian: bool,
    alignment: u64,
    kvs: Vec<(Vec<u8>, BValue)>,
    tensors: Vec<(Vec<u8>, Vec<u64>, u32, u64)>,
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        1u32..=3,
        any::<bool>(),
        prop::sample::select(&[1u64, 8, 32, 64][..]),
        proptest::collection::vec((text(), value()), 0..8),
        proptest::collection::vec(tensor(), 0..6),
    )
        .prop_map(|(version, big_endian, alignment, kvs, tensors)| Spec {
            version,
            big_endian,
            alignment,
            kvs,
            tensors,
        })
}

/// Deterministic data bytes for a tensor.
fn fill(n: u64, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

/// Builds the file; keys and names get an index prefix so that they are unique.
fn build(s: &Spec) -> (GgufBuilder, Vec<u8>) {
    let mut g = GgufBuilder {
        version: s.version,
        big_endian: s.big_endian,
        alignment: s.alignment,
        ..GgufBuilder::new()
    };
    if s.alignment != 32 {
        g.push_kv("general.alignment", BValue::U32(s.alignment as u32));
    }
    for (i, (k, v)) in s.kvs.iter().enumerate() {
        let mut key = format!("k{i}.").into_bytes();
        key.extend_from_slice(k);
        g.kvs.push((key, v.clone()));
    }
    for (i, (name, dims, ty, seed)) in s.tensors.iter().enumerate() {
        let mut n = format!("t{i}.").into_bytes();
        n.extend_from_slice(name);
        let size = GgmlType(*ty).tensor_bytes(dims).unwrap_or(g.fallback_bytes);
        g.tensors.push(BTensor {
            name: n,
            dims: dims.clone(),
            ggml_type: *ty,
            offset: None,
            data: Some(fill(size, *seed)),
        });
    }
    let bytes = g.build();
    (g, bytes)
}

/// Whether a parsed value is exactly the built one (floats by bits, arrays element by element).
fn same(built: &BValue, read: &Value) -> bool {
    match (built, read) {
        (BValue::U8(a), Value::U8(b)) => a == b,
        (BValue::I8(a), Value::I8(b)) => a == b,
        (BValue::U16(a), Value::U16(b)) => a == b,
        (BValue::I16(a), Value::I16(b)) => a == b,
        (BValue::U32(a), Value::U32(b)) => a == b,
        (BValue::I32(a), Value::I32(b)) => a == b,
        (BValue::U64(a), Value::U64(b)) => a == b,
        (BValue::I64(a), Value::I64(b)) => a == b,
        (BValue::F32(a), Value::F32(b)) => a.to_bits() == b.to_bits(),
        (BValue::F64(a), Value::F64(b)) => a.to_bits() == b.to_bits(),
        (BValue::Bool(a), Value::Bool(b)) => *a as u8 == *b,
        (BValue::Str(a), Value::String(b)) => a.as_slice() == b.as_bytes(),
        (BValue::Array(t, items), Value::Array(a)) => {
            *t == a.elem_type
                && items.len() as u64 == a.len
                && items.iter().zip(a.iter()).all(|(x, y)| same(x, &y))
                && a.iter().count() == items.len()
                && items
                    .iter()
                    .enumerate()
                    .all(|(i, x)| a.get(i as u64).is_some_and(|y| same(x, &y)))
        }
        _ => false,
    }
}

proptest! {
    // No failure persistence: proptest looks for a lib.rs beside an integration test; a failure
    // prints the minimal input, which belongs in a named test.
    #![proptest_config(ProptestConfig {
        cases: 384,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn builder_to_reader_round_trip(s in spec()) {
        let (g, bytes) = build(&s);
        let r = Gguf::parse(&bytes).unwrap_or_else(|e| panic!("{e}"));
        prop_assert_eq!(r.version, s.version);
        prop_assert_eq!(r.byte_order.name(), if s.big_endian { "big" } else { "little" });
        prop_assert_eq!(r.alignment, s.alignment);
        prop_assert_eq!(r.metadata.len(), g.kvs.len());
        for ((k, v), e) in g.kvs.iter().zip(&r.metadata) {
            prop_assert_eq!(k.as_slice(), e.key.as_bytes());
            prop_assert!(same(v, &e.value), "{:?} read as {:?}", v, e.value);
        }
        prop_assert_eq!(r.tensors.len(), g.tensors.len());
        for (bt, t) in g.tensors.iter().zip(&r.tensors) {
            prop_assert_eq!(bt.name.as_slice(), t.name.as_bytes());
            prop_assert_eq!(bt.dims.as_slice(), t.shape());
            prop_assert_eq!(bt.ggml_type, t.ggml_type.0);
            prop_assert_eq!(t.offset % s.alignment, 0);
            if GgmlType(bt.ggml_type).is_known() {
                prop_assert_eq!(r.tensor_data(t), bt.data.as_deref());
            } else {
                prop_assert_eq!(t.n_bytes, None);
            }
        }
        prop_assert_eq!(r.data_offset % s.alignment, 0);
        // A clean file: only unknown types (whose data then reads as unused bytes) and invalid
        // UTF-8, which the generator makes, are reported.
        let unknown = g.tensors.iter().any(|t| !GgmlType(t.ggml_type).is_known());
        for f in &r.findings {
            let expected = match f.code.as_str() {
                "unknown-type" | "invalid-utf8-key" | "invalid-utf8-value" | "invalid-utf8-name" => true,
                "trailing-bytes" => unknown,
                _ => false,
            };
            prop_assert!(expected, "unexpected finding {}: {}", f.code, f.message);
        }
        let a = r.accounting;
        prop_assert_eq!(
            a.header_bytes + a.header_padding + a.tensor_bytes + a.tensor_padding + a.trailing_bytes,
            bytes.len() as u64,
            "{:?}", a
        );
        prop_assert_eq!(a.missing_bytes, 0);
    }

    #[test]
    fn a_cut_before_the_data_ends_is_never_clean(s in spec(), at in any::<prop::sample::Index>()) {
        let (_, bytes) = build(&s);
        let full = Gguf::parse(&bytes).unwrap();
        let data_end = full
            .tensors
            .iter()
            .filter_map(|t| Some(t.file_offset? + t.n_bytes?))
            .max()
            .unwrap_or(full.accounting.header_bytes);
        prop_assume!(data_end > 0);
        let cut = at.index(data_end as usize);
        match Gguf::parse(&bytes[..cut]) {
            Err(e) => prop_assert!(e.offset.unwrap() <= cut as u64, "{}", e),
            Ok(g) => prop_assert!(
                g.findings.iter().any(|f| f.code == "truncated-data"),
                "cut at {} of {} read as complete", cut, bytes.len()
            ),
        }
    }

    #[test]
    fn changed_bytes_never_panic(
        s in spec(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
    ) {
        let (_, mut bytes) = build(&s);
        for (i, b) in edits {
            let n = bytes.len();
            bytes[i.index(n)] = b;
        }
        if let Ok(g) = Gguf::parse(&bytes) {
            let m = Model::from_gguf(Path::new("x.gguf"), g);
            let _ = InspectReport::build(&m, InspectOptions { full_arrays: true });
        }
    }
}
