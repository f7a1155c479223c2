//! `gguflens layers`: the per-layer quantization audit, on fixtures that follow llama.cpp's
//! patterns and on the two real models.

mod common;
mod quant_fixtures;

use gguflens::layers::{analyze, LayersAnalysis};
use gguflens::quant_rules::Rule;
use gguflens::report::layers::LayersReport;
use gguflens::{GgmlType, ModelFiles};
use quant_fixtures as fx;
use std::path::Path;

fn analysis(p: &Path) -> LayersAnalysis {
    let f = ModelFiles::open(p).unwrap();
    let m = f.parse().unwrap();
    analyze(&m)
}

fn report(p: &Path) -> LayersReport {
    let f = ModelFiles::open(p).unwrap();
    let m = f.parse().unwrap();
    LayersReport::build(&p.display().to_string(), &m)
}

fn upgrade_layers(a: &LayersAnalysis, role: &str, ty: GgmlType) -> Vec<u64> {
    a.upgrades
        .iter()
        .find(|u| u.role == role && u.ggml_type == ty)
        .map(|u| u.layers.clone())
        .unwrap_or_default()
}

fn rule_layers(a: &LayersAnalysis, role: &str, rule: Rule) -> Vec<u64> {
    let mut v: Vec<u64> = a
        .explanations
        .iter()
        .filter(|e| e.rule == rule && e.roles.iter().any(|r| r == role))
        .flat_map(|e| e.layers.clone())
        .collect();
    v.sort_unstable();
    v
}

fn type_count(a: &LayersAnalysis, name: &str) -> u64 {
    a.types
        .iter()
        .find(|t| t.0.name() == name)
        .map_or(0, |t| t.1.tensors)
}

#[test]
fn q4_k_m_28_layers_bumps_found_and_named() {
    let d = common::temp_dir("layers-q4km-28");
    let p = fx::write(&d, "m28.gguf", &fx::q4_k_m(28, fx::UMB_28));
    let a = analysis(&p);
    assert_eq!(a.layers.len(), 28);
    assert!(a.unexplained.is_empty(), "{:?}", a.unexplained);
    assert_eq!(upgrade_layers(&a, "attn_v", fx::Q6_K), fx::UMB_28);
    assert_eq!(upgrade_layers(&a, "ffn_down", fx::Q6_K), fx::UMB_28);
    assert_eq!(rule_layers(&a, "attn_v", Rule::UseMoreBits), fx::UMB_28);
    assert_eq!(rule_layers(&a, "ffn_down", Rule::UseMoreBits), fx::UMB_28);
    assert_eq!(type_count(&a, "Q6_K"), 2 * 14 + 1);

    let out = common::gguflens(&["layers", p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(
            "attn_v: Q6_K on layers 0–2, 5, 8, 11, 14, 17, 20, 23–27 (14 of 28): raised to Q6_K by use_more_bits"
        ),
        "{text}"
    );
    assert!(text.contains("0 unexplained"), "{text}");
    // Folding: blocks 0–2 share a mix, block 3–4 too.
    assert!(text.contains("blk.0–2 "), "{text}");
    assert!(text.contains("blk.3–4 "), "{text}");
}

#[test]
fn q4_k_m_32_layers_bumps_found_and_named() {
    let d = common::temp_dir("layers-q4km-32");
    let p = fx::write(&d, "m32.gguf", &fx::q4_k_m(32, fx::UMB_32));
    let a = analysis(&p);
    assert!(a.unexplained.is_empty(), "{:?}", a.unexplained);
    assert_eq!(upgrade_layers(&a, "attn_v", fx::Q6_K), fx::UMB_32);
    assert_eq!(upgrade_layers(&a, "ffn_down", fx::Q6_K), fx::UMB_32);
    assert_eq!(rule_layers(&a, "attn_v", Rule::UseMoreBits), fx::UMB_32);
    assert_eq!(rule_layers(&a, "ffn_down", Rule::UseMoreBits), fx::UMB_32);
    let out_rule = a
        .explanations
        .iter()
        .find(|e| e.names == ["output.weight"])
        .unwrap();
    assert_eq!(out_rule.rule, Rule::OutputHigh);
    // Per-layer bytes exact: Q4_K [256, 2] = 2 × 144; Q6_K = 2 × 210; norms 2 × 1024.
    let l0 = &a.layers[0].totals;
    assert_eq!(l0.bytes, 5 * 288 + 2 * 420 + 2 * 1024);
    let l4 = &a.layers[4].totals;
    assert_eq!(l4.bytes, 7 * 288 + 2 * 1024);
    assert_eq!(l4.parameters, 7 * 512 + 2 * 256);

    let out = common::gguflens(&["layers", p.to_str().unwrap()]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(
            "ffn_down: Q6_K on layers 0–3, 6, 9, 12, 15, 18, 21, 24, 27–31 (16 of 32): raised to Q6_K by use_more_bits"
        ),
        "{text}"
    );
}

#[test]
fn hand_edited_tensor_is_flagged_and_check_exits_2() {
    let d = common::temp_dir("layers-edited");
    let mut b = fx::q4_k_m(32, fx::UMB_32);
    let t = b
        .tensors
        .iter_mut()
        .find(|t| t.name == b"blk.4.attn_v.weight")
        .unwrap();
    t.ggml_type = fx::Q8_0.0;
    let p = fx::write(&d, "edited.gguf", &b);
    let a = analysis(&p);
    assert_eq!(a.unexplained.len(), 1);
    let u = &a.unexplained[0];
    assert_eq!(a.tensors[u.tensor].name, "blk.4.attn_v.weight");
    assert_eq!(u.expected, Some(fx::Q4_K));
    let text = &report(&p).rules.unexplained[0].text;
    assert!(text.contains("blk.4.attn_v.weight is Q8_0"), "{text}");

    let out = common::gguflens(&["layers", p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let out = common::gguflens(&["layers", "--check", p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("1 tensors the Q4_K_M rules do not explain"),
        "{text}"
    );
}

#[test]
fn mislabelled_file_names_the_matching_type() {
    let d = common::temp_dir("layers-mislabelled");
    let mut b = fx::q4_k_s_32();
    // Explained as Q4_K_S …
    let p = fx::write(&d, "s.gguf", &b);
    let a = analysis(&p);
    assert!(a.unexplained.is_empty(), "{:?}", a.unexplained);
    assert_eq!(rule_layers(&a, "attn_v", Rule::FirstLayers), [0, 1, 2, 3]);
    assert_eq!(rule_layers(&a, "ffn_down", Rule::FirstLayers), [0, 1, 2, 3]);
    // … but labelled Q4_K_M it is not, and the audit says which label fits.
    for kv in &mut b.kvs {
        if kv.0 == b"general.file_type" {
            kv.1 = gguflens::builder::BValue::U32(15);
        }
    }
    let p = fx::write(&d, "m.gguf", &b);
    let a = analysis(&p);
    assert!(!a.unexplained.is_empty());
    let names: Vec<&str> = a.consistent_with.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["Q4_K_S"]);
}

#[test]
fn moe_experts_counted_and_active_parameters() {
    let d = common::temp_dir("layers-moe");
    let p = fx::write(&d, "moe.gguf", &fx::moe());
    let a = analysis(&p);
    assert!(a.unexplained.is_empty(), "{:?}", a.unexplained);
    let m = a.moe.as_ref().expect("moe");
    assert_eq!(m.expert_count, Some(8));
    assert_eq!(m.expert_used_count, Some(2));
    // 4 blocks × 3 expert tensors of 256 × 2 × 8.
    let per_tensor = fx::N_EMBD * fx::ROWS * fx::N_EXPERT;
    assert_eq!(m.expert_tensors.tensors, 12);
    assert_eq!(m.expert_tensors.parameters, 12 * per_tensor);
    assert_eq!(m.parameters_per_expert, 12 * per_tensor / 8);
    // Total by hand: embd + output 2 × 256 × 8; per block 2 norms × 256, attn 4 × 512,
    // router 256 × 8, experts 3 × 4096, shared 3 × 512; output_norm 256.
    let per_block = 2 * 256 + 4 * 512 + 256 * 8 + 3 * 4096 + 3 * 512;
    let total = 2 * 256 * 8 + 4 * per_block + 256;
    assert_eq!(a.totals.parameters, total);
    assert_eq!(
        m.active_parameters,
        total - 12 * per_tensor + 2 * (12 * per_tensor / 8)
    );
    // Expert tensors hold all experts; the bump rules use the block id.
    assert_eq!(upgrade_layers(&a, "ffn_down_exps", fx::Q6_K), [2, 3]);
    assert_eq!(upgrade_layers(&a, "ffn_down_shexp", fx::Q6_K), [2, 3]);
    assert_eq!(rule_layers(&a, "attn_v", Rule::Moe8), [0, 1, 2, 3]);
    assert_eq!(rule_layers(&a, "attn_output", Rule::Moe8), [0, 1, 2, 3]);
    let exps = a
        .tensors
        .iter()
        .find(|t| t.name == "blk.0.ffn_up_exps.weight")
        .unwrap();
    assert_eq!(exps.experts, Some(8));

    let out = common::gguflens(&["layers", p.to_str().unwrap()]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("8 per layer, 2 used per token"), "{text}");
    assert!(text.contains("ffn_down_exps"), "{text}");
}

#[test]
fn gemma_real_mix_explained() {
    if common::skip_without_models("layers::gemma_real_mix_explained") {
        return;
    }
    let a = analysis(&common::gemma());
    assert_eq!(type_count(&a, "Q5_0"), 81);
    assert_eq!(type_count(&a, "Q4_K"), 27);
    assert_eq!(type_count(&a, "Q8_0"), 10);
    assert_eq!(type_count(&a, "Q6_K"), 9);
    assert_eq!(type_count(&a, "F32"), 109);
    let bumped = [0, 1, 4, 7, 10, 13, 15, 16, 17];
    assert_eq!(upgrade_layers(&a, "attn_v", GgmlType::Q8_0), bumped);
    assert_eq!(upgrade_layers(&a, "ffn_down", GgmlType::Q6_K), bumped);
    assert_eq!(rule_layers(&a, "attn_v", Rule::UseMoreBits), bumped);
    assert_eq!(rule_layers(&a, "ffn_down", Rule::UseMoreBits), bumped);
    assert!(a.unexplained.is_empty(), "{:?}", a.unexplained);
    // The Q8_0 attn_v came through the row-size fallback from Q6_K.
    let v = a
        .explanations
        .iter()
        .find(|e| e.roles == ["attn_v"] && e.ggml_type == GgmlType::Q8_0)
        .unwrap();
    let f = v.fallback.unwrap();
    assert_eq!(
        (f.from, f.to, f.ne0, f.block),
        (GgmlType::Q6_K, GgmlType::Q8_0, 640, 256)
    );
    assert_eq!(a.totals.bytes, 246_587_904);
    assert_eq!(a.layers.len(), 18);

    let out = common::gguflens(&["layers", common::gemma().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Q6_K → Q8_0 fallback because the row of 640 is not a multiple of 256"));
    assert!(text.contains("236 of 236 tensors explained by the Q4_K_M rules, 0 unexplained"));
    assert!(text.contains("blk.15–17"), "{text}");
}

#[test]
fn smollm2_real_mix_explained() {
    if common::skip_without_models("layers::smollm2_real_mix_explained") {
        return;
    }
    let a = analysis(&common::smollm2());
    assert!(a.unexplained.is_empty(), "{:?}", a.unexplained);
    for t in &a.tensors {
        let want = if t.name == "token_embd.weight" {
            "Q8_0"
        } else if t.shape.len() == 1 {
            "F32"
        } else {
            "Q4_1"
        };
        assert_eq!(t.ggml_type.name(), want, "{}", t.name);
    }
    assert_eq!(type_count(&a, "Q4_1"), 210);
    assert_eq!(type_count(&a, "F32"), 61);
    // Every block has the same mix: one grid row.
    assert_eq!(a.grid.len(), 1);
    assert_eq!((a.grid[0].first, a.grid[0].last), (0, 29));
    // Only the token embedding has more bits than Q4_1.
    let up: Vec<&str> = a.upgrades.iter().map(|u| u.role.as_str()).collect();
    assert_eq!(up, ["token_embd"]);
    let e = a
        .explanations
        .iter()
        .find(|e| e.names == ["token_embd.weight"])
        .unwrap();
    assert_eq!(e.rule, Rule::OutputHigh);
    assert_eq!(e.mix, Some(GgmlType::Q6_K));
}

#[test]
fn json_schema_and_exact_values() {
    if common::skip_without_models("layers::json_schema_and_exact_values") {
        return;
    }
    let out = common::gguflens(&["layers", "--json", common::gemma().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["schema"], "gguflens.layers/1");
    assert_eq!(v["file_type"]["name"], "Q4_K_M");
    assert_eq!(v["default_type"], "Q4_K");
    assert_eq!(v["totals"]["bytes"], 246_587_904u64);
    assert_eq!(v["tensors"].as_array().unwrap().len(), 236);
    assert_eq!(v["layers"].as_array().unwrap().len(), 18);
    assert_eq!(v["rules"]["unexplained_count"], 0);
    let q50 = v["types"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["type"] == "Q5_0")
        .unwrap();
    assert_eq!(q50["tensors"], 81);
    let attn_v = v["roles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["role"] == "attn_v")
        .unwrap();
    assert_eq!(attn_v["tensors"], 18);
    assert_eq!(attn_v["bytes"], 9 * 174_080 + 9 * 112_640);
    let t = v["tensors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "blk.4.attn_v.weight")
        .unwrap();
    assert_eq!(t["type"], "Q8_0");
    assert_eq!(t["rule"], "use-more-bits");
    assert_eq!(t["verdict"], "expected");
    assert_eq!(t["fallback"]["from"], "Q6_K");
    assert!(v["moe"].is_null());
}

#[test]
fn report_and_json_agree_with_library() {
    if common::skip_without_models("layers::report_and_json_agree_with_library") {
        return;
    }
    let r = report(&common::smollm2());
    assert_eq!(r.totals.tensors, 272);
    assert_eq!(r.columns.last().map(String::as_str), Some("norms"));
}

#[test]
fn unreadable_file_exits_1() {
    let d = common::temp_dir("layers-bad");
    let p = d.join("bad.gguf");
    std::fs::write(&p, b"GGUF\x03\x00\x00\x00").unwrap();
    let out = common::gguflens(&["layers", p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("bad.gguf"), "{err}");
}

fn svg_of(path: &Path, out: &Path) -> String {
    let o = common::gguflens(&[
        "layers",
        path.to_str().unwrap(),
        "--svg",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::read_to_string(out).unwrap()
}

#[test]
fn svg_80_layers_structure() {
    let d = common::temp_dir("layers-svg-80");
    let p = fx::write(&d, "m80.gguf", &fx::llama_70b_q4_k_m());
    let a = analysis(&p);
    assert!(a.unexplained.is_empty(), "{:?}", a.unexplained);
    assert_eq!(upgrade_layers(&a, "attn_v", fx::Q6_K), fx::umb_80());
    assert_eq!(rule_layers(&a, "attn_v", Rule::Llama70B).len(), 40);

    let svg = svg_of(&p, &d.join("m80.svg"));
    let doc = roxmltree::Document::parse(&svg).expect("valid XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2000/svg")
    );
    let cells: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("rect") && n.attribute("class") == Some("cell"))
        .collect();
    // 80 blocks × (7 weight roles + norms).
    assert_eq!(cells.len(), 80 * 8);
    for c in &cells {
        let title = c
            .children()
            .find(|n| n.has_tag_name("title"))
            .and_then(|t| t.text())
            .unwrap();
        let layer = c.attribute("data-layer").unwrap();
        assert!(title.contains(&format!("blk.{layer}.")), "{title}");
        assert!(title.contains(c.attribute("data-type").unwrap()), "{title}");
        assert!(title.contains(" bytes)"), "{title}");
    }
    let cell = |layer: u64, role: &str| {
        cells
            .iter()
            .find(|c| {
                c.attribute("data-layer") == Some(&layer.to_string())
                    && c.attribute("data-role") == Some(role)
            })
            .and_then(|c| c.attribute("data-type"))
            .unwrap()
            .to_string()
    };
    assert_eq!(cell(12, "attn_v"), "Q6_K");
    assert_eq!(cell(13, "attn_v"), "Q5_K");
    assert_eq!(cell(79, "ffn_down"), "Q6_K");
    assert_eq!(cell(40, "norms"), "F32");
    // Legend: every type once, bytes adding up to the total.
    let legend: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("g") && n.attribute("class") == Some("legend"))
        .collect();
    let mut types: Vec<&str> = legend
        .iter()
        .map(|g| g.attribute("data-type").unwrap())
        .collect();
    types.sort_unstable();
    assert_eq!(types, ["F32", "Q4_K", "Q5_K", "Q6_K"]);
    let bytes: u64 = legend
        .iter()
        .map(|g| g.attribute("data-bytes").unwrap().parse::<u64>().unwrap())
        .sum();
    assert_eq!(bytes, a.totals.bytes);
    let globals: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("rect") && n.attribute("class") == Some("global"))
        .map(|n| n.attribute("data-name").unwrap().to_string())
        .collect();
    assert_eq!(
        globals,
        ["token_embd.weight", "output_norm.weight", "output.weight"]
    );
    // The legend is above the grid, on screen however tall the map is.
    let y = |n: &roxmltree::Node| n.attribute("y").unwrap().parse::<f64>().unwrap();
    let legend_bottom = legend
        .iter()
        .map(|g| y(&g.first_element_child().unwrap()))
        .fold(0.0, f64::max);
    let grid_top = cells.iter().map(y).fold(f64::MAX, f64::min);
    assert!(
        legend_bottom < grid_top && grid_top < 300.0,
        "{legend_bottom} {grid_top}"
    );
    // Colour is the type's bits per weight: Q5_K and Q6_K differ, and the F32 norms are the
    // palest cells, not the loudest.
    let fill = |ty: &str| {
        cells
            .iter()
            .find(|c| c.attribute("data-type") == Some(ty))
            .and_then(|c| c.attribute("fill"))
            .unwrap()
            .to_string()
    };
    assert_ne!(fill("Q5_K"), fill("Q6_K"));
    let lum = |c: &str| {
        let v = |i| u8::from_str_radix(&c[i..i + 2], 16).unwrap() as f64;
        0.299 * v(1) + 0.587 * v(3) + 0.114 * v(5)
    };
    for ty in ["Q4_K", "Q5_K", "Q6_K"] {
        assert!(lum(&fill("F32")) > lum(&fill(ty)), "{ty}");
    }
}

#[test]
fn svg_labels_fit_their_boxes_and_the_path_is_said() {
    use gguflens::builder::GgufBuilder;
    let d = common::temp_dir("layers-svg-long");
    let long = format!(
        "a_very_long_projector_tensor_name_{}.weight",
        "x".repeat(60)
    );
    let b = GgufBuilder::new()
        .kv(
            "general.architecture",
            gguflens::builder::BValue::str("llama"),
        )
        .tensor("blk.0.attn_q.weight", &[256, 2], fx::Q4_K)
        .tensor(&long, &[256, 2], fx::Q4_K);
    let p = fx::write(&d, "long.gguf", &b);
    let out = d.join("long.svg");
    let o = common::gguflens(&[
        "layers",
        p.to_str().unwrap(),
        "--svg",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    // Where the file went is said (on stderr, so stdout stays the report).
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(&format!("wrote the heat map to {}", out.display())),
        "{err}"
    );
    let svg = std::fs::read_to_string(&out).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let global = doc
        .descendants()
        .find(|n| n.attribute("data-name") == Some(long.as_str()))
        .unwrap();
    let width: f64 = global.attribute("width").unwrap().parse().unwrap();
    // The label drawn in the box is elided in the middle; the tooltip keeps the whole name.
    let label = global
        .next_sibling_element()
        .and_then(|t| t.text())
        .unwrap()
        .to_string();
    assert!(
        label.contains('…') && label.chars().count() <= 30,
        "{label}"
    );
    // 10 px DejaVu Sans Mono advances 6.02 px a character.
    assert!(
        width >= label.chars().count() as f64 * 6.02 + 4.0,
        "{width} {label}"
    );
    assert!(svg.contains(&format!("<title>{long}")));
}

#[test]
fn svg_escapes_file_text() {
    use gguflens::builder::{BValue, GgufBuilder};
    let d = common::temp_dir("layers-svg-escape");
    let b = GgufBuilder::new()
        .kv("general.architecture", BValue::str("llama<&>\"'"))
        .kv("general.file_type", BValue::U32(15))
        .tensor("blk.0.odd<&>\"'\u{1}x.weight", &[256, 2], fx::Q4_K)
        .tensor("blk.0.attn_norm.weight", &[256], fx::F32)
        .tensor("tok<en>.weight", &[256, 2], fx::Q4_K);
    let p = fx::write(&d, "a&b<c>.gguf", &b);
    let svg = svg_of(&p, &d.join("x.svg"));
    let doc = roxmltree::Document::parse(&svg).expect("valid XML");
    let cells: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("rect") && n.attribute("class") == Some("cell"))
        .collect();
    assert_eq!(cells.len(), 2);
    assert!(cells
        .iter()
        .any(|c| c.attribute("data-role") == Some("odd<&>\"'\\x01x")));
    let title = doc
        .descendants()
        .find(|n| n.attribute("class") == Some("title"))
        .and_then(|n| n.text())
        .unwrap();
    assert!(title.ends_with("a&b<c>.gguf"), "{title}");
}

#[test]
fn hostile_counts_and_names_do_not_panic() {
    if common::skip_without_models("layers::hostile_counts_and_names_do_not_panic") {
        return;
    }
    use gguflens::builder::{BValue, GgufBuilder};
    let d = common::temp_dir("layers-hostile");
    let b = GgufBuilder::new()
        .kv("general.architecture", BValue::str("llama"))
        .kv("general.file_type", BValue::U32(15))
        .kv("llama.block_count", BValue::U64(u64::MAX))
        .kv("llama.expert_count", BValue::U64(8))
        .kv("llama.attention.head_count", BValue::U32(8))
        .kv("llama.attention.head_count_kv", BValue::U32(0))
        .tensor(
            "blk.18446744073709551615.attn_v.weight",
            &[256, 2],
            fx::Q4_K,
        )
        .tensor(
            "blk.9223372036854775808.ffn_down_exps.weight",
            &[256, 2, 0],
            fx::Q4_K,
        )
        .tensor("blk.3.ffn_gate.weight", &[256, 2], GgmlType(999))
        .tensor("blk..attn_q.weight", &[256, 2], fx::Q4_K);
    let p = fx::write(&d, "hostile.gguf", &b);
    let a = analysis(&p);
    assert_eq!(a.tensors.len(), 4);
    for args in [
        vec!["layers"],
        vec!["layers", "--json"],
        vec!["layers", "--svg"],
    ] {
        let mut args: Vec<String> = args.into_iter().map(String::from).collect();
        args.insert(1, p.display().to_string());
        if args.last().map(String::as_str) == Some("--svg") {
            args.push(d.join("h.svg").display().to_string());
        }
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = common::gguflens(&refs);
        assert!(
            matches!(out.status.code(), Some(0) | Some(2)),
            "{:?}: {}",
            refs,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    roxmltree::Document::parse(&std::fs::read_to_string(d.join("h.svg")).unwrap()).unwrap();
    let out = common::gguflens(&[
        "diff",
        p.to_str().unwrap(),
        common::smollm2().to_str().unwrap(),
    ]);
    // The unknown type id is a finding of the file: readable with problems.
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
