//! Everything a command does after the reader accepted a file: the derived model facts, and the
//! reports of `inspect`, `layers` (with its SVG), `mem` (sweep, one context, fit), `verify` and
//! `diff`, rendered as text and JSON.
//!
//! Checks that plain-text output never carries an escape byte (file text is sanitized), and that
//! the JSON carries no raw control bytes.
#![no_main]

use gguflens::memory::{self, params::DEFAULT_FIT_TARGET, MemoryParams};
use gguflens::model;
use gguflens::report::diff::DiffReport;
use gguflens::report::layers::LayersReport;
use gguflens::report::mem::MemReport;
use gguflens::report::verify::VerifyReport;
use gguflens::verify::{verify_model, DataAccess, VerifyOptions};
use gguflens::render::inspect::{render, InspectView};
use gguflens::render::Style;
use gguflens::report::inspect::{InspectOptions, InspectReport};
use gguflens::{Gguf, Model};
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(g) = Gguf::parse(data) else { return };
    let m = Model::from_gguf(Path::new("fuzz.gguf"), g);
    analyse(&m);
});

/// Every command's library entry points on one accepted model. A new command that derives
/// facts from a model (per-layer tables, memory estimates) adds its calls here.
fn analyse(m: &Model) {
    let _ = model::identity(m);
    let _ = model::tokenizer(m);
    let _ = model::hyperparameters(m);
    let _ = model::type_histogram(m);
    let _ = m.bits_per_weight();
    let _ = m.has_problems();
    if let Some(raw) = m.gguf().get_u64("general.file_type") {
        let _ = model::FileType::from_raw(raw);
    }
    for key in ["block_count", "context_length", "embedding_length", "attention.head_count"] {
        let _ = model::arch_u64(m, key);
    }
    if let Some(n) = model::arch_u64(m, "block_count") {
        // What `layers` and `mem` do: per-layer values for every declared layer.
        for key in ["attention.head_count", "attention.head_count_kv", "feed_forward_length"] {
            let _ = model::per_layer_u64(m, key, usize::try_from(n).unwrap_or(usize::MAX));
        }
    }
    // layers: the per-block audit, its JSON, text and SVG.
    let lr = LayersReport::build("fuzz.gguf", m);
    let _ = serde_json::to_vec(&lr).expect("layers report serializes");
    plain(|w| gguflens::render::layers::render(&lr, w, Style::PLAIN));
    let svg = gguflens::render::layers_svg::render(&lr);
    assert!(!svg.contains('\x1b'), "an escape byte reached the SVG");
    // mem: the context sweep, one context, and a fit to two GPU budgets.
    let p = MemoryParams::default();
    if let Ok(est) = memory::sweep(m, &p) {
        if !est.is_empty() {
            let r = MemReport::build("fuzz.gguf", m.file_size(), None, &est, None, true);
            let _ = serde_json::to_vec(&r).expect("mem report serializes");
            plain(|w| gguflens::render::mem::render(&r, w, Style::PLAIN));
        }
    }
    let one = MemoryParams {
        n_ctx: 4096,
        ..MemoryParams::default()
    };
    let _ = memory::estimate(m, &one);
    if let Ok(f) = memory::fit(m, &[8 << 30, 4 << 30], &p, DEFAULT_FIT_TARGET) {
        let r = MemReport::build("fuzz.gguf", m.file_size(), None, &[], Some(&f), false);
        plain(|w| gguflens::render::mem::render(&r, w, Style::PLAIN));
    }
    // verify: every tensor's data, in place.
    let opts = VerifyOptions {
        access: DataAccess::Map,
        ..VerifyOptions::default()
    };
    let v = verify_model(m, &opts, &|_| {});
    let path = Path::new("fuzz.gguf");
    let results = [(path, Ok(v))];
    let vr = VerifyReport::build(results.iter().map(|(p, r)| (*p, r)));
    plain(|w| gguflens::render::verify::render(&vr, None, w, Style::PLAIN));
    // diff: the model against itself.
    let dr = DiffReport::build("a.gguf", m, "b.gguf", m);
    plain(|w| gguflens::render::diff::render(&dr, w, Style::PLAIN));

    for full_arrays in [false, true] {
        let r = InspectReport::build(m, InspectOptions { full_arrays });
        // Not parsed back: serde_json's reader stops at 128 levels, and 64 nested arrays
        // take 128 (each is an object holding an `items` list).
        let json = serde_json::to_vec(&r).expect("report serializes");
        assert!(std::str::from_utf8(&json).is_ok());
        assert!(!json.iter().any(|&b| b < 0x20 && b != b'\n'), "raw control byte in JSON");
        let mut text = Vec::new();
        render(&r, InspectView::default(), &mut text, Style::PLAIN).expect("render");
        assert!(
            !text.contains(&0x1b),
            "an escape byte reached plain text output"
        );
        render(&r, InspectView::default(), &mut std::io::sink(), Style { color: true, ..Style::PLAIN })
            .expect("render");
    }
}

/// Renders plain text and checks that no escape byte from the file reached it.
fn plain(f: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>) {
    let mut text = Vec::new();
    f(&mut text).expect("render");
    assert!(!text.contains(&0x1b), "an escape byte reached plain text output");
}
