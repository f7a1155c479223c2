//! The reader on files made by the project's builder: every version, byte order and value type,
//! and each way a file can be damaged while still readable (findings) or not (errors).

mod common;

use gguflens::builder::{BValue, GgufBuilder};
use gguflens::format::{ByteOrder, Value, ValueType};
use gguflens::{ErrorKind, GgmlType, Gguf, ModelFiles};

fn small(version: u32, big_endian: bool) -> GgufBuilder {
    let mut b = GgufBuilder::new()
        .kv("general.architecture", BValue::str("llama"))
        .kv("llama.block_count", BValue::U32(1))
        .kv("general.alignment", BValue::U32(32))
        .tensor("token_embd.weight", &[64, 8], GgmlType::Q8_0)
        .tensor("blk.0.attn_norm.weight", &[64], GgmlType::F32)
        .tensor("blk.0.ffn_down.weight", &[256, 4], GgmlType::Q4_K);
    b.version = version;
    b.big_endian = big_endian;
    b
}

fn reconcile(g: &Gguf) {
    let a = g.accounting;
    assert_eq!(
        a.header_bytes + a.header_padding + a.tensor_bytes + a.tensor_padding + a.trailing_bytes
            - a.missing_bytes,
        a.file_size,
        "{a:?}"
    );
}

#[test]
fn every_version_and_byte_order() {
    for version in [1, 2, 3] {
        for big in [false, true] {
            let bytes = small(version, big).build();
            let g = Gguf::parse(&bytes).unwrap();
            assert_eq!(g.version, version);
            assert_eq!(
                g.byte_order,
                if big {
                    ByteOrder::Big
                } else {
                    ByteOrder::Little
                }
            );
            assert_eq!(g.get_str("general.architecture").unwrap(), "llama");
            assert_eq!(g.get_u64("llama.block_count"), Some(1));
            assert_eq!(g.tensors.len(), 3);
            let t = g.tensor("blk.0.ffn_down.weight").unwrap();
            assert_eq!(t.shape(), &[256, 4]);
            assert_eq!(t.ggml_type, GgmlType::Q4_K);
            assert_eq!(t.n_bytes, Some(4 * 144));
            assert_eq!(g.tensor("token_embd.weight").unwrap().n_bytes, Some(8 * 68));
            assert_eq!(g.parameter_count(), 512 + 64 + 1024);
            assert!(g.findings.is_empty(), "{:?}", g.findings);
            reconcile(&g);
        }
    }
}

#[test]
fn every_value_type_and_nested_arrays() {
    let nested = BValue::Array(
        ValueType::ARRAY,
        vec![
            BValue::u32s(&[1, 2, 3]),
            BValue::Array(ValueType::STRING, vec![BValue::str("x")]),
        ],
    );
    for big in [false, true] {
        let mut b = GgufBuilder::new()
            .kv("u8", BValue::U8(200))
            .kv("i8", BValue::I8(-5))
            .kv("u16", BValue::U16(60000))
            .kv("i16", BValue::I16(-30000))
            .kv("u32", BValue::U32(4_000_000_000))
            .kv("i32", BValue::I32(-2_000_000_000))
            .kv("f32", BValue::F32(1.5e-6))
            .kv("bool", BValue::Bool(true))
            .kv("string", BValue::str("héllo"))
            .kv("u64", BValue::U64(u64::MAX))
            .kv("i64", BValue::I64(i64::MIN))
            .kv("f64", BValue::F64(-2.25))
            .kv("strings", BValue::strs(&["a", "bc", ""]))
            .kv("nested", nested.clone());
        b.big_endian = big;
        let bytes = b.build();
        let g = Gguf::parse(&bytes).unwrap();
        assert_eq!(g.get("u8"), Some(&Value::U8(200)));
        assert_eq!(g.get("i8"), Some(&Value::I8(-5)));
        assert_eq!(g.get("u16"), Some(&Value::U16(60000)));
        assert_eq!(g.get("i16"), Some(&Value::I16(-30000)));
        assert_eq!(g.get("u32"), Some(&Value::U32(4_000_000_000)));
        assert_eq!(g.get("i32"), Some(&Value::I32(-2_000_000_000)));
        assert_eq!(g.get("f32"), Some(&Value::F32(1.5e-6)));
        assert_eq!(g.get("bool").unwrap().as_bool(), Some(true));
        assert_eq!(g.get_str("string").unwrap(), "héllo");
        assert_eq!(g.get_u64("u64"), Some(u64::MAX));
        assert_eq!(g.get("i64"), Some(&Value::I64(i64::MIN)));
        assert_eq!(g.get_f64("f64"), Some(-2.25));
        let s = g.get_array("strings").unwrap();
        let items: Vec<String> = s.iter().map(|v| v.as_str().unwrap().to_string()).collect();
        assert_eq!(items, ["a", "bc", ""]);
        assert_eq!(s.get(1).unwrap().as_str().unwrap().to_str(), Some("bc"));
        let n = g.get_array("nested").unwrap();
        assert_eq!(n.len(), 2);
        let inner: Vec<_> = n.iter().collect();
        assert_eq!(
            inner[0].as_array().unwrap().to_u64_vec(),
            Some(vec![1, 2, 3])
        );
        let s2 = inner[1].as_array().unwrap().get(0).unwrap();
        assert_eq!(s2.as_str().unwrap().to_str(), Some("x"));
    }
}

#[test]
fn unknown_type_keeps_the_rest_readable() {
    let mut b = small(3, false);
    b.tensors[1].ggml_type = 77;
    let bytes = b.build();
    let g = Gguf::parse(&bytes).unwrap();
    let t = g.tensor("blk.0.attn_norm.weight").unwrap();
    assert_eq!(t.ggml_type.name(), "unknown(77)");
    assert_eq!(t.n_bytes, None);
    assert_eq!(
        g.tensor("blk.0.ffn_down.weight").unwrap().n_bytes,
        Some(576)
    );
    assert!(g.findings.iter().any(|f| f.code == "unknown-type"));
}

#[test]
fn misaligned_and_overlapping_offsets() {
    let mut b = small(3, false);
    b.tensors[1].offset = Some(8); // inside token_embd's 544 bytes, and not a multiple of 32
    let bytes = b.build();
    let g = Gguf::parse(&bytes).unwrap();
    let codes: Vec<&str> = g.findings.iter().map(|f| f.code.as_str()).collect();
    assert!(codes.contains(&"misaligned"), "{codes:?}");
    assert!(codes.contains(&"overlap"), "{codes:?}");
    let overlap = g.findings.iter().find(|f| f.code == "overlap").unwrap();
    assert!(overlap.message.contains("blk.0.attn_norm.weight"));
    assert!(overlap.message.contains("token_embd.weight"));
}

#[test]
fn custom_alignment_is_honoured() {
    let mut b = small(3, false);
    b.kvs.retain(|(k, _)| k != b"general.alignment");
    b.push_kv("general.alignment", BValue::U32(256));
    b.alignment = 256;
    let bytes = b.build();
    let g = Gguf::parse(&bytes).unwrap();
    assert_eq!(g.alignment, 256);
    assert_eq!(g.data_offset % 256, 0);
    assert!(g.findings.is_empty(), "{:?}", g.findings);
    reconcile(&g);

    for bad in [0u32, 48] {
        let mut b = small(3, false);
        b.kvs.retain(|(k, _)| k != b"general.alignment");
        b.push_kv("general.alignment", BValue::U32(bad));
        let e = Gguf::parse(&b.build()).unwrap_err();
        assert!(matches!(e.kind, ErrorKind::BadAlignment(_)), "{e}");
        assert!(e.offset.is_some());
    }
}

#[test]
fn cut_header_is_an_error_with_offset() {
    let bytes = small(3, false).build();
    let g = Gguf::parse(&bytes).unwrap();
    let header = g.accounting.header_bytes as usize;
    for cut in [3usize, 6, 12, 20, 30, header / 2, header - 1] {
        let e = Gguf::parse(&bytes[..cut]).unwrap_err();
        let off = e.offset.expect("offset");
        assert!(off <= cut as u64, "cut {cut}: offset {off}");
        assert!(e.to_string().contains("expected"), "{e}");
    }
}

#[test]
fn cut_tensor_data_is_a_finding() {
    let bytes = small(3, false).build();
    let full = Gguf::parse(&bytes).unwrap();
    let ffn = full.tensor("blk.0.ffn_down.weight").unwrap();
    let cut = ffn.file_offset.unwrap() as usize + 100;
    let g = Gguf::parse(&bytes[..cut]).unwrap();
    assert!(g.is_truncated());
    let f = g
        .findings
        .iter()
        .find(|f| f.code == "truncated-data")
        .unwrap();
    assert!(f.message.contains("blk.0.ffn_down.weight"), "{}", f.message);
    assert_eq!(g.accounting.missing_bytes, 576 - 100);
    assert_eq!(
        g.tensor_data(g.tensor("blk.0.ffn_down.weight").unwrap()),
        None
    );
    assert!(g
        .tensor_data(g.tensor("token_embd.weight").unwrap())
        .is_some());
    reconcile(&g);

    // Cut right after the header: everything still inspects.
    let g = Gguf::parse(&bytes[..full.accounting.header_bytes as usize]).unwrap();
    assert_eq!(g.tensors.len(), 3);
    assert!(g.is_truncated());
    reconcile(&g);
}

#[test]
fn trailing_bytes_are_a_finding() {
    let mut bytes = small(3, false).build();
    bytes.extend_from_slice(&[0u8; 100]);
    let g = Gguf::parse(&bytes).unwrap();
    assert_eq!(g.accounting.trailing_bytes, 100);
    assert!(g.findings.iter().any(|f| f.code == "trailing-bytes"));
    reconcile(&g);
}

#[test]
fn huge_declared_counts_are_refused_before_allocating() {
    for (kv, t) in [
        (Some(1u64 << 63), None),
        (None, Some(1u64 << 63)),
        (Some(u64::MAX), None),
    ] {
        let mut b = small(3, false);
        b.kv_count_override = kv;
        b.tensor_count_override = t;
        let e = Gguf::parse(&b.build()).unwrap_err();
        assert!(matches!(e.kind, ErrorKind::CountTooLarge { .. }), "{e}");
    }
    // An array claiming 2^62 strings.
    let mut bytes = GgufBuilder::new().kv("a", BValue::strs(&["x"])).build();
    // header 24, key length 8 + "a", value type 4, element type 4, then the length.
    let pos = 24 + 8 + 1 + 4 + 4;
    bytes[pos..pos + 8].copy_from_slice(&(1u64 << 62).to_le_bytes());
    let e = Gguf::parse(&bytes).unwrap_err();
    assert!(
        matches!(
            e.kind,
            ErrorKind::CountTooLarge {
                what: "array length",
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn duplicates_are_findings() {
    let b = small(3, false)
        .kv("llama.block_count", BValue::U32(2))
        .tensor("token_embd.weight", &[32], GgmlType::F32);
    let bytes = b.build();
    let g = Gguf::parse(&bytes).unwrap();
    assert!(g.findings.iter().any(|f| f.code == "duplicate-key"));
    assert!(g.findings.iter().any(|f| f.code == "duplicate-tensor"));
    // The first value wins, as in llama.cpp.
    assert_eq!(g.get_u64("llama.block_count"), Some(1));
}

#[test]
fn bad_magic_and_version() {
    let mut bytes = small(3, false).build();
    bytes[0] = b'X';
    let e = Gguf::parse(&bytes).unwrap_err();
    assert!(matches!(e.kind, ErrorKind::BadMagic(_)));
    assert_eq!(e.offset, Some(0));
    let mut b = small(3, false);
    b.version = 4;
    let e = Gguf::parse(&b.build()).unwrap_err();
    assert!(matches!(e.kind, ErrorKind::UnsupportedVersion(4)), "{e}");
    assert!(matches!(
        Gguf::parse(b"").unwrap_err().kind,
        ErrorKind::Empty
    ));
}

fn shard(no: u16, count: u16, total: i32, names: &[&str]) -> Vec<u8> {
    let mut b = GgufBuilder::new();
    if no == 0 {
        b.push_kv("general.architecture", BValue::str("llama"));
    }
    b.push_kv("split.no", BValue::U16(no));
    b.push_kv("split.count", BValue::U16(count));
    b.push_kv("split.tensors.count", BValue::I32(total));
    for n in names {
        b.push_tensor(n, &[256, 2], GgmlType::Q4_K);
    }
    b.build()
}

#[test]
fn split_sets_read_as_one_model() {
    let d = common::temp_dir("split-ok");
    std::fs::write(d.join("m-00001-of-00003.gguf"), shard(0, 3, 5, &["a", "b"])).unwrap();
    std::fs::write(d.join("m-00002-of-00003.gguf"), shard(1, 3, 5, &["c", "d"])).unwrap();
    std::fs::write(d.join("m-00003-of-00003.gguf"), shard(2, 3, 5, &["e"])).unwrap();
    // Opening any shard reads the set.
    let files = ModelFiles::open(d.join("m-00002-of-00003.gguf")).unwrap();
    let m = files.parse().unwrap();
    assert_eq!(m.shards.len(), 3);
    assert_eq!(m.tensor_count(), 5);
    assert_eq!(m.parameter_count(), 5 * 512);
    assert_eq!(m.tensor_bytes(), 5 * 288);
    assert_eq!(m.gguf().get_str("general.architecture").unwrap(), "llama");
    assert!(!m.has_problems(), "{:?}", m.all_findings());

    // A missing shard.
    std::fs::remove_file(d.join("m-00003-of-00003.gguf")).unwrap();
    let e = ModelFiles::open(d.join("m-00001-of-00003.gguf")).unwrap_err();
    assert!(e.to_string().contains("shard 3 of 3 is missing"), "{e}");

    // A shard from another set.
    std::fs::write(d.join("m-00003-of-00003.gguf"), shard(2, 3, 9, &["e"])).unwrap();
    let e = ModelFiles::open(d.join("m-00001-of-00003.gguf"))
        .unwrap()
        .parse()
        .unwrap_err();
    assert!(e.to_string().contains("split.tensors.count"), "{e}");

    // Wrong split.no.
    std::fs::write(d.join("m-00003-of-00003.gguf"), shard(1, 3, 5, &["e"])).unwrap();
    let e = ModelFiles::open(d.join("m-00001-of-00003.gguf"))
        .unwrap()
        .parse()
        .unwrap_err();
    assert!(e.to_string().contains("split.no"), "{e}");
}
