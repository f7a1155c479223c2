//! `gguflens verify`: NaN/inf planted at known places in every block format must be found at the
//! right tensor, block and file offset; all-zero tensors warn; the real files pass clean; a cut
//! file and a wrong blob name are reported.

mod common;

use gguflens::builder::{BValue, GgufBuilder};
use gguflens::verify::{verify_model, ProblemKind, TensorProblem, VerifyOptions};

/// A non-finite problem's details.
struct NonFinite {
    first_block: u64,
    first_block_offset: u64,
    field: &'static str,
    bad_blocks: u64,
    nan: u64,
    inf: u64,
}

/// The details of a non-finite problem (fails the test on any other kind).
fn non_finite(p: &TensorProblem) -> NonFinite {
    match p.kind {
        ProblemKind::NonFinite {
            first_block,
            first_block_offset,
            field,
            bad_blocks,
            nan,
            inf,
        } => NonFinite {
            first_block,
            first_block_offset,
            field,
            bad_blocks,
            nan,
            inf,
        },
        k => panic!("{}: {k:?}", p.name),
    }
}
use gguflens::{GgmlType, Gguf, Model};
use serde_json::Value as J;
use std::path::Path;

/// How a scale field is encoded, written independently of the library's table from ggml's
/// `block_*` structs (ggml-common.h).
#[derive(Clone, Copy, PartialEq)]
enum K {
    F16,
    F32,
    E8M0,
    Ue4m3,
    Iq1m,
}

/// A block format: its type name and its scale fields (name, byte offset in the block, encoding).
type Layout = (&'static str, Vec<(&'static str, usize, K)>);

fn layouts() -> Vec<Layout> {
    use K::*;
    vec![
        ("Q4_0", vec![("d", 0, F16)]),
        ("Q4_1", vec![("d", 0, F16), ("m", 2, F16)]),
        ("Q5_0", vec![("d", 0, F16)]),
        ("Q5_1", vec![("d", 0, F16), ("m", 2, F16)]),
        ("Q8_0", vec![("d", 0, F16)]),
        ("Q8_1", vec![("d", 0, F16), ("s", 2, F16)]),
        ("Q2_K", vec![("d", 80, F16), ("dmin", 82, F16)]),
        ("Q3_K", vec![("d", 108, F16)]),
        ("Q4_K", vec![("d", 0, F16), ("dmin", 2, F16)]),
        ("Q5_K", vec![("d", 0, F16), ("dmin", 2, F16)]),
        ("Q6_K", vec![("d", 208, F16)]),
        ("Q8_K", vec![("d", 0, F32)]),
        ("IQ2_XXS", vec![("d", 0, F16)]),
        ("IQ2_XS", vec![("d", 0, F16)]),
        ("IQ3_XXS", vec![("d", 0, F16)]),
        ("IQ1_S", vec![("d", 0, F16)]),
        ("IQ4_NL", vec![("d", 0, F16)]),
        ("IQ3_S", vec![("d", 0, F16)]),
        ("IQ2_S", vec![("d", 0, F16)]),
        ("IQ4_XS", vec![("d", 0, F16)]),
        ("IQ1_M", vec![("scales", 48, Iq1m)]),
        ("TQ1_0", vec![("d", 52, F16)]),
        ("TQ2_0", vec![("d", 64, F16)]),
        ("MXFP4", vec![("e", 0, E8M0)]),
        (
            "NVFP4",
            vec![
                ("d[0]", 0, Ue4m3),
                ("d[1]", 1, Ue4m3),
                ("d[2]", 2, Ue4m3),
                ("d[3]", 3, Ue4m3),
            ],
        ),
        ("Q1_0", vec![("d", 0, F16)]),
        ("Q2_0", vec![("d", 0, F16)]),
    ]
}

/// Bytes of a NaN (or, with `inf`, an infinity where the encoding has one) in encoding `k`,
/// little-endian.
fn bad_bytes(k: K, inf: bool) -> Vec<u8> {
    match (k, inf) {
        (K::F16, false) => 0x7e00u16.to_le_bytes().to_vec(),
        (K::F16, true) => 0xfc00u16.to_le_bytes().to_vec(),
        (K::F32, false) => f32::NAN.to_le_bytes().to_vec(),
        (K::F32, true) => f32::INFINITY.to_le_bytes().to_vec(),
        (K::E8M0, _) => vec![0xff],
        (K::Ue4m3, _) => vec![0x7f],
        // Four u16 words whose top nibbles make the f16 scale: all ones is NaN; 0x7c00
        // (word 2 nibble 0xc, word 3 nibble 0x7) is +inf.
        (K::Iq1m, false) => [0xf000u16; 4]
            .iter()
            .flat_map(|w| w.to_le_bytes())
            .collect(),
        (K::Iq1m, true) => [0u16, 0, 0xc000, 0x7000]
            .iter()
            .flat_map(|w| w.to_le_bytes())
            .collect(),
    }
}

fn has_inf(k: K) -> bool {
    matches!(k, K::F16 | K::F32 | K::Iq1m)
}

const BLOCKS: usize = 6;
const NAN_BLOCK: usize = 2;
const INF_BLOCK: usize = 4;

/// One tensor per block format, 6 blocks of 0x11 bytes (finite, non-zero scales), with a NaN in
/// the first field of block 2 and an infinity (or a second NaN) in the last field of block 4.
fn planted() -> Vec<u8> {
    let mut b = GgufBuilder::new().kv("general.architecture", BValue::str("llama"));
    for (name, fields) in layouts() {
        let t = GgmlType::from_name(name).unwrap();
        let ts = t.type_size().unwrap() as usize;
        let mut data = vec![0x11u8; ts * BLOCKS];
        let (_, off, k) = fields[0];
        let nan = bad_bytes(k, false);
        data[NAN_BLOCK * ts + off..][..nan.len()].copy_from_slice(&nan);
        let (_, off, k) = *fields.last().unwrap();
        let inf = bad_bytes(k, has_inf(k));
        data[INF_BLOCK * ts + off..][..inf.len()].copy_from_slice(&inf);
        let n = t.block_size().unwrap() as u64 * BLOCKS as u64;
        b = b.tensor_data(&format!("t.{name}"), &[n], t, data);
    }
    // Float types: NaN at element 7, -inf at element 9 of 16.
    let floats: [(&str, usize, Vec<u8>, Vec<u8>); 4] = [
        (
            "F32",
            4,
            f32::NAN.to_le_bytes().to_vec(),
            f32::NEG_INFINITY.to_le_bytes().to_vec(),
        ),
        (
            "F16",
            2,
            0x7e01u16.to_le_bytes().to_vec(),
            0xfc00u16.to_le_bytes().to_vec(),
        ),
        (
            "BF16",
            2,
            0x7fc0u16.to_le_bytes().to_vec(),
            0xff80u16.to_le_bytes().to_vec(),
        ),
        (
            "F64",
            8,
            f64::NAN.to_le_bytes().to_vec(),
            f64::NEG_INFINITY.to_le_bytes().to_vec(),
        ),
    ];
    for (name, w, nan, inf) in floats {
        let t = GgmlType::from_name(name).unwrap();
        let mut data = vec![0x11u8; w * 16];
        data[7 * w..8 * w].copy_from_slice(&nan);
        data[9 * w..10 * w].copy_from_slice(&inf);
        b = b.tensor_data(&format!("t.{name}"), &[16], t, data);
    }
    b.build()
}

fn verify_bytes(bytes: &[u8]) -> (Gguf<'_>, gguflens::verify::ModelVerification) {
    let g = Gguf::parse(bytes).unwrap();
    let m = Model::from_gguf(Path::new("mem.gguf"), Gguf::parse(bytes).unwrap());
    let v = verify_model(&m, &VerifyOptions::default(), &|_| {});
    (g, v)
}

#[test]
fn every_block_format_nan_and_inf_found_at_the_right_block_and_offset() {
    let bytes = planted();
    let (g, v) = verify_bytes(&bytes);
    assert!(v.tensors_unchecked.is_empty(), "{:?}", v.tensors_unchecked);
    let layouts = layouts();
    assert_eq!(v.tensors.len(), layouts.len() + 4, "{:#?}", v.tensors);
    for (name, fields) in &layouts {
        let tname = format!("t.{name}");
        let info = g.tensor(&tname).unwrap();
        let ts = info.ggml_type.type_size().unwrap() as u64;
        let p = v
            .tensors
            .iter()
            .find(|p| p.name == tname)
            .unwrap_or_else(|| panic!("{name}: nothing found"));
        assert!(matches!(p.kind, ProblemKind::NonFinite { .. }), "{name}");
        let b = non_finite(p);
        assert_eq!(p.blocks, BLOCKS as u64, "{name}");
        assert_eq!(b.first_block, NAN_BLOCK as u64, "{name}");
        assert_eq!(b.field, fields[0].0, "{name}");
        let expect_off = info.file_offset.unwrap() + NAN_BLOCK as u64 * ts;
        assert_eq!(b.first_block_offset, expect_off, "{name}");
        // The offset really is the start of the block holding the planted value.
        let k = fields[0].2;
        let nan = bad_bytes(k, false);
        let at = (expect_off as usize) + fields[0].1;
        assert_eq!(&bytes[at..at + nan.len()], &nan[..], "{name}");
        assert_eq!(b.bad_blocks, 2, "{name}");
        let last = fields.last().unwrap().2;
        if has_inf(last) {
            assert_eq!((b.nan, b.inf), (1, 1), "{name}");
        } else {
            assert_eq!((b.nan, b.inf), (2, 0), "{name}");
        }
    }
    for (name, w) in [("F32", 4u64), ("F16", 2), ("BF16", 2), ("F64", 8)] {
        let tname = format!("t.{name}");
        let info = g.tensor(&tname).unwrap();
        let p = v.tensors.iter().find(|p| p.name == tname).unwrap();
        let b = non_finite(p);
        assert_eq!(b.first_block, 7, "{name}");
        assert_eq!(b.field, "value");
        assert_eq!(b.first_block_offset, info.file_offset.unwrap() + 7 * w);
        assert_eq!(
            (b.bad_blocks, b.nan, b.inf, p.blocks),
            (2, 1, 1, 16),
            "{name}"
        );
    }
}

#[test]
fn clean_blocks_of_every_format_pass() {
    let mut b = GgufBuilder::new();
    for (name, _) in layouts() {
        let t = GgmlType::from_name(name).unwrap();
        let ts = t.type_size().unwrap() as usize;
        let n = t.block_size().unwrap() as u64 * 3;
        b = b.tensor_data(&format!("t.{name}"), &[n], t, vec![0x3c; ts * 3]);
    }
    let bytes = b.build();
    let (_, v) = verify_bytes(&bytes);
    assert!(v.tensors.is_empty(), "{:#?}", v.tensors);
    assert!(!v.has_problems());
}

#[test]
fn a_bad_block_in_a_later_piece_of_a_large_tensor_keeps_its_index() {
    // Q8_0, 160,000 blocks (5.4 MB): more than one 4 MiB piece.
    let t = GgmlType::Q8_0;
    let n_blocks = 160_000usize;
    let mut data = vec![0x01u8; 34 * n_blocks];
    for blk in [150_000usize, 150_001, 159_999] {
        data[blk * 34 + 1] = 0x7c; // +inf high byte, low byte 0x01 -> NaN
        data[blk * 34] = 0x00; // exactly inf
    }
    data[150_001 * 34] = 0x05; // NaN
    let bytes = GgufBuilder::new()
        .tensor_data("big", &[32 * n_blocks as u64], t, data)
        .build();
    let (g, v) = verify_bytes(&bytes);
    let b = non_finite(&v.tensors[0]);
    assert_eq!(b.first_block, 150_000);
    assert_eq!(
        b.first_block_offset,
        g.tensors[0].file_offset.unwrap() + 150_000 * 34
    );
    assert_eq!((b.bad_blocks, b.nan, b.inf), (3, 1, 2));
}

#[test]
fn big_endian_floats_are_read_in_the_files_order() {
    let mut data = Vec::new();
    for x in [1.0f32, 2.0, f32::INFINITY, 3.0] {
        data.extend_from_slice(&x.to_be_bytes());
    }
    let mut b = GgufBuilder::new().tensor_data("be", &[4], GgmlType::F32, data);
    b.big_endian = true;
    let bytes = b.build();
    let (_, v) = verify_bytes(&bytes);
    assert_eq!(v.tensors.len(), 1);
    let b = non_finite(&v.tensors[0]);
    assert_eq!((b.first_block, b.inf), (2, 1));
}

fn json(out: &std::process::Output) -> J {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "bad JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[test]
fn cli_reports_planted_values_and_exits_2() {
    let d = common::temp_dir("verify-planted");
    let p = d.join("planted.gguf");
    let bytes = planted();
    std::fs::write(&p, &bytes).unwrap();
    let out = common::gguflens(&["verify", "--json", p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let j = json(&out);
    assert_eq!(j["schema"], "gguflens.verify/1");
    let m = &j["models"][0];
    assert_eq!(m["status"], "problems");
    let g = Gguf::parse(&bytes).unwrap();
    let q6 = m["bad_tensors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["tensor"] == "t.Q6_K")
        .unwrap();
    assert_eq!(q6["type"], "Q6_K");
    assert_eq!(q6["problem"], "non-finite");
    assert_eq!(q6["first_block"], 2);
    assert_eq!(q6["field"], "d");
    assert_eq!(
        q6["first_block_offset"],
        g.tensor("t.Q6_K").unwrap().file_offset.unwrap() + 2 * 210
    );
    assert_eq!(q6["bad_blocks"], 2);
    // Text names the tensor and the offset too.
    let out = common::gguflens(&["verify", p.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("PROBLEMS"), "{text}");
    assert!(text.contains("t.Q6_K"), "{text}");
    let off = g.tensor("t.Q6_K").unwrap().file_offset.unwrap() + 2 * 210;
    assert!(text.contains(&common_thousands(off)), "{text}");
}

fn common_thousands(n: u64) -> String {
    gguflens::render::thousands(n)
}

#[test]
fn all_zero_tensors_are_a_warning() {
    let d = common::temp_dir("verify-zero");
    let p = d.join("zero.gguf");
    let bytes = GgufBuilder::new()
        .tensor("zero.f32", &[64], GgmlType::F32)
        .tensor("zero.q4", &[64], GgmlType::Q4_0)
        .tensor("ids", &[8], GgmlType(26)) // I32: zeros are legitimate
        .tensor_data(
            "ok",
            &[2],
            GgmlType::F32,
            [1.0f32, -0.0]
                .iter()
                .flat_map(|x| x.to_le_bytes())
                .collect(),
        )
        .build();
    std::fs::write(&p, &bytes).unwrap();
    let (_, v) = verify_bytes(&bytes);
    let names: Vec<&str> = v.tensors.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["zero.f32", "zero.q4"]);
    assert!(v.tensors.iter().all(|t| t.kind == ProblemKind::AllZero));
    let out = common::gguflens(&["verify", "--json", p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let j = json(&out);
    let t = &j["models"][0]["bad_tensors"][0];
    assert_eq!(t["problem"], "all-zero");
    assert_eq!(t["severity"], "warning");
    assert_eq!(t["blocks"], 64);
}

#[test]
fn equal_findings_fold_and_the_headline_counts_them() {
    // A zero-filled conversion: every tensor all-zero. One row per problem would be hundreds.
    let d = common::temp_dir("verify-fold");
    let p = d.join("zeros.gguf");
    let mut b = GgufBuilder::new();
    for i in 0..40 {
        b = b.tensor(&format!("blk.{i}.ffn_down.weight"), &[64], GgmlType::Q4_0);
    }
    std::fs::write(&p, b.build()).unwrap();
    let out = common::gguflens(&["verify", p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("40 of 40 tensors") && text.contains("· tensors 40 all-zero"),
        "{text}"
    );
    let rows: Vec<&str> = text.lines().filter(|l| l.contains("all-zero")).collect();
    // The headline, three tensors by name, one folded row.
    assert_eq!(rows.len(), 5, "{text}");
    assert!(text.contains("… and 37 more"), "{text}");
    assert!(text.contains("all 74 zero"), "{text}");
    // JSON keeps every tensor.
    let out = common::gguflens(&["verify", "--json", p.to_str().unwrap()]);
    assert_eq!(
        json(&out)["models"][0]["bad_tensors"]
            .as_array()
            .unwrap()
            .len(),
        40
    );
}

#[test]
fn real_files_pass_clean() {
    if common::skip_without_models("verify::real_files_pass_clean") {
        return;
    }
    for p in [common::gemma(), common::smollm2()] {
        let out = common::gguflens(&["verify", "--json", p.to_str().unwrap()]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
        let j = json(&out);
        let m = &j["models"][0];
        assert_eq!(m["status"], "clean");
        assert_eq!(m["tensors_checked"], m["tensor_count"]);
        assert_eq!(m["checked_bytes"], m["files"][0]["tensor_bytes"]);
    }
    // Exact figures for Gemma: 236 tensors, 246,587,904 data bytes, all checked.
    let out = common::gguflens(&["verify", "--json", common::gemma().to_str().unwrap()]);
    let j = json(&out);
    assert_eq!(j["models"][0]["tensor_count"], 236);
    assert_eq!(j["summary"]["checked_bytes"], 246_587_904u64);
}

#[test]
fn a_cut_copy_of_a_real_file_is_reported() {
    if common::skip_without_models("verify::a_cut_copy_of_a_real_file_is_reported") {
        return;
    }
    let src = std::fs::read(common::smollm2()).unwrap();
    let d = common::temp_dir("verify-cut");
    let p = d.join("cut.gguf");
    let cut = src.len() * 3 / 5;
    std::fs::write(&p, &src[..cut]).unwrap();
    let out = common::gguflens(&["verify", "--json", p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let j = json(&out);
    let m = &j["models"][0];
    assert_eq!(m["status"], "problems");
    let f = m["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "truncated-data")
        .expect("truncated-data finding");
    assert_eq!(f["offset"], cut as u64);
    let missing = m["tensors_missing"].as_u64().unwrap();
    assert!(missing > 0);
    assert_eq!(
        m["tensors_checked"].as_u64().unwrap() + missing,
        m["tensor_count"].as_u64().unwrap()
    );
    assert_eq!(m["tensors_unchecked"].as_array().unwrap().len(), 0);
    let checked = m["checked_bytes"].as_u64().unwrap();
    assert!(checked > 0 && checked < m["files"][0]["tensor_bytes"].as_u64().unwrap());
    let out = common::gguflens(&["verify", p.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("truncated-data"), "{text}");
}

fn sha256sum(p: &Path) -> String {
    let out = std::process::Command::new("sha256sum")
        .arg(p)
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()[..64].to_string()
}

#[test]
fn blobs_are_checked_against_their_names() {
    let d = common::temp_dir("verify-blobs");
    let bytes = GgufBuilder::new()
        .kv("general.architecture", BValue::str("llama"))
        .tensor_data(
            "w",
            &[4],
            GgmlType::F32,
            [1.0f32, 2.0, 3.0, 4.0]
                .iter()
                .flat_map(|x| x.to_le_bytes())
                .collect(),
        )
        .build();
    let plain = d.join("model.gguf");
    std::fs::write(&plain, &bytes).unwrap();
    let digest = sha256sum(&plain);
    let wrong = format!("{}0", &digest[..63]);

    let good = d.join(format!("sha256-{digest}"));
    let bad = d.join(format!("sha256-{wrong}"));
    let hf = d.join("hub/blobs");
    std::fs::create_dir_all(&hf).unwrap();
    let hf_good = hf.join(&digest);
    for p in [&good, &bad, &hf_good] {
        std::fs::copy(&plain, p).unwrap();
    }

    let out = common::gguflens(&["verify", "--json", good.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let f = &json(&out)["models"][0]["files"][0];
    assert_eq!(f["sha256"], digest.as_str());
    assert_eq!(f["sha256_source"], "ollama");
    assert_eq!(f["sha256_ok"], true);

    let out = common::gguflens(&["verify", "--json", hf_good.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let f = &json(&out)["models"][0]["files"][0];
    assert_eq!(f["sha256_source"], "huggingface");
    assert_eq!(f["sha256_ok"], true);

    // The path users have is the snapshot's link to the blob: it is checked the same way.
    let snap = d.join("hub/snapshots/0123abcd");
    std::fs::create_dir_all(&snap).unwrap();
    let link = snap.join("model-Q4_K_M.gguf");
    std::os::unix::fs::symlink(format!("../../blobs/{digest}"), &link).unwrap();
    let out = common::gguflens(&["verify", "--json", link.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let f = &json(&out)["models"][0]["files"][0];
    assert_eq!(f["sha256_source"], "huggingface");
    assert_eq!(f["sha256_ok"], true);

    let out = common::gguflens(&["verify", "--json", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let m = &json(&out)["models"][0];
    assert_eq!(m["files"][0]["sha256_ok"], false);
    assert_eq!(m["files"][0]["expected_sha256"], wrong.as_str());
    assert_eq!(m["findings"][0]["code"], "sha256-mismatch");
    let text =
        String::from_utf8_lossy(&common::gguflens(&["verify", bad.to_str().unwrap()]).stdout)
            .into_owned();
    assert!(text.contains("does NOT match its ollama name"), "{text}");

    // A plain name computes no digest unless asked; --sha256 prints it.
    let out = common::gguflens(&["verify", "--json", plain.to_str().unwrap()]);
    assert_eq!(json(&out)["models"][0]["files"][0]["sha256"], J::Null);
    let out = common::gguflens(&["verify", "--sha256", plain.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(text.contains(&format!("sha256 {digest}\n")), "{text:?}");
    assert!(text.lines().all(|l| !l.ends_with(' ')), "{text:?}");
}

#[test]
fn an_unreadable_path_is_an_entry_of_the_document() {
    // verify reads many paths: one it cannot read is an entry with its error, and the others
    // are still verified and printed (docs/JSON.md).
    let d = common::temp_dir("verify-missing");
    let tiny = common::fixture("tiny-llama-q4_k_m.gguf");
    let missing = d.join("missing.gguf");
    let out = common::gguflens(&[
        "verify",
        "--json",
        missing.to_str().unwrap(),
        tiny.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let j = json(&out);
    assert_eq!(j["summary"]["unreadable"], 1);
    assert_eq!(j["summary"]["clean"], 1);
    let err = j["models"][0]["error"].as_str().unwrap();
    assert!(err.contains("missing.gguf"), "{err}");
}

#[test]
fn directories_are_walked_for_gguf_files_and_bad_files_do_not_stop_the_batch() {
    let d = common::temp_dir("verify-dir");
    std::fs::create_dir_all(d.join("sub/deeper")).unwrap();
    let ok = GgufBuilder::new()
        .tensor_data(
            "w",
            &[2],
            GgmlType::F32,
            [1.0f32, 2.0].iter().flat_map(|x| x.to_le_bytes()).collect(),
        )
        .build();
    std::fs::write(d.join("a.gguf"), &ok).unwrap();
    std::fs::write(d.join("sub/deeper/blob"), &ok).unwrap(); // no extension: found by magic
    std::fs::write(d.join("notes.txt"), b"not a model").unwrap();
    let out = common::gguflens(&["verify", "--json", d.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let j = json(&out);
    assert_eq!(j["summary"]["models"], 2);
    assert_eq!(j["summary"]["clean"], 2);

    // An explicitly named non-GGUF file is unreadable (exit 1); the others are still verified.
    let junk = d.join("notes.txt");
    let out = common::gguflens(&[
        "verify",
        "--json",
        junk.to_str().unwrap(),
        d.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let j = json(&out);
    assert_eq!(j["models"][0]["status"], "unreadable");
    assert!(j["models"][0]["error"]
        .as_str()
        .unwrap()
        .contains("notes.txt"));
    assert_eq!(j["summary"]["clean"], 2);
}

#[test]
fn a_split_set_is_verified_once_from_any_shard() {
    let d = common::temp_dir("verify-split");
    for (i, name) in ["m-00001-of-00002.gguf", "m-00002-of-00002.gguf"]
        .iter()
        .enumerate()
    {
        let data: Vec<u8> = [1.0f32 + i as f32, 2.0]
            .iter()
            .flat_map(|x| x.to_le_bytes())
            .collect();
        let b = GgufBuilder::new()
            .kv("split.no", BValue::U16(i as u16))
            .kv("split.count", BValue::U16(2))
            .kv("split.tensors.count", BValue::I32(2))
            .tensor_data(&format!("w{i}"), &[2], GgmlType::F32, data)
            .build();
        std::fs::write(d.join(name), b).unwrap();
    }
    let out = common::gguflens(&["verify", "--json", d.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let j = json(&out);
    assert_eq!(j["summary"]["models"], 1);
    assert_eq!(j["models"][0]["files"].as_array().unwrap().len(), 2);
    assert_eq!(j["models"][0]["tensor_count"], 2);
}

#[test]
fn reading_and_scanning_the_map_find_the_same_things() {
    use gguflens::verify::DataAccess;
    let d = common::temp_dir("verify-access");
    let p = d.join("planted.gguf");
    // The planted formats plus a large tensor spanning several pieces and reads.
    let mut bytes = planted();
    let big = {
        let mut data = vec![0x01u8; 34 * 200_000];
        data[190_000 * 34 + 1] = 0x7d;
        GgufBuilder::new()
            .tensor_data("big", &[32 * 200_000], GgmlType::Q8_0, data)
            .build()
    };
    std::fs::write(&p, &bytes).unwrap();
    let files = gguflens::ModelFiles::open(&p).unwrap();
    let m = files.parse().unwrap();
    let read = verify_model(&m, &VerifyOptions::default(), &|_| {});
    let map = verify_model(
        &m,
        &VerifyOptions {
            access: DataAccess::Map,
            ..VerifyOptions::default()
        },
        &|_| {},
    );
    assert_eq!(read.tensors, map.tensors);
    assert_eq!(read.tensors.len(), layouts().len() + 4);

    bytes = big;
    std::fs::write(&p, &bytes).unwrap();
    let files = gguflens::ModelFiles::open(&p).unwrap();
    let m = files.parse().unwrap();
    let total = std::sync::atomic::AtomicU64::new(0);
    let read = verify_model(&m, &VerifyOptions::default(), &|n| {
        total.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
    });
    assert_eq!(
        total.into_inner(),
        gguflens::verify::work_bytes(&m, &VerifyOptions::default())
    );
    assert_eq!(read.tensors.len(), 1);
    let b = non_finite(&read.tensors[0]);
    assert_eq!((b.first_block, b.nan), (190_000, 1));
    assert_eq!(read.shards[0].checked_bytes, 34 * 200_000);
}
