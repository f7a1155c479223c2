//! Everything a command does after the reader accepted a file: the derived model facts, the
//! `inspect` report, its text rendering and its JSON.
//!
//! Checks that plain-text output never carries an escape byte (file text is sanitized), and that
//! the JSON carries no raw control bytes.
#![no_main]

use gguflens::model;
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
        render(&r, InspectView::default(), &mut std::io::sink(), Style { color: true })
            .expect("render");
    }
}
