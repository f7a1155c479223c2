//! Output fits the terminal: COLUMNS (or the terminal's width) is honoured by the tables, long
//! names are shortened in the middle, columns left out and named; --wide, --json and --csv keep
//! every name whole. And no name from a file sets the width of a whole table, even in a pipe.

mod common;

use std::process::Command;

fn run(args: &[&str], columns: Option<usize>) -> String {
    let mut c = Command::new(env!("CARGO_BIN_EXE_gguflens"));
    c.args(args).env("NO_COLOR", "1").env_remove("COLUMNS");
    if let Some(n) = columns {
        c.env("COLUMNS", n.to_string());
    }
    let out = c.output().unwrap();
    String::from_utf8(out.stdout).unwrap()
}

fn long_named_store() -> (std::path::PathBuf, String) {
    let d = common::temp_dir("width");
    let long = format!(
        "{}-Q4_K_M.gguf",
        "Meta-Llama-3.1-8B-Instruct-abliterated-uncensored-v2".repeat(2)
    );
    std::fs::copy(common::fixture("tiny-llama-q4_k_m.gguf"), d.join(&long)).unwrap();
    std::fs::copy(common::fixture("tiny-v2.gguf"), d.join("small.gguf")).unwrap();
    (d, long)
}

#[test]
fn scan_fits_80_and_60_columns() {
    let (d, long) = long_named_store();
    let dir = d.to_str().unwrap();
    for width in [80, 60] {
        let out = run(&["scan", dir], Some(width));
        for l in out.lines().skip(1) {
            assert!(l.chars().count() <= width, "{width}: {l:?}\n{out}");
        }
        assert!(out.contains('…'), "{out}");
        assert!(out.contains("not shown:"), "{out}");
        assert!(out.contains("VRAM@4096"), "{out}");
    }
    // --wide, --json and --csv: the whole name.
    assert!(run(&["scan", "--wide", dir], Some(60)).contains(&long));
    assert!(run(&["scan", "--csv", dir], Some(60)).contains(&long));
    assert!(run(&["scan", "--json", dir], Some(60)).contains(&long));
}

#[test]
fn a_name_never_sets_the_width_of_a_table_even_in_a_pipe() {
    let (d, long) = long_named_store();
    let out = run(&["scan", d.to_str().unwrap()], None);
    assert!(!out.contains(&long), "{out}");
    let widest = out
        .lines()
        .skip(1)
        .take_while(|l| !l.is_empty())
        .map(|l| l.chars().count())
        .max()
        .unwrap();
    assert!(widest < 170, "{widest}\n{out}");
}

#[test]
fn inspect_and_mem_tables_fit() {
    let tiny = common::fixture("tiny-llama-q4_k_m.gguf");
    let t = tiny.to_str().unwrap();
    for width in [80, 60] {
        let out = run(&["inspect", t], Some(width));
        let tensors = out.split("Tensors").nth(1).unwrap();
        let table: Vec<&str> = tensors
            .lines()
            .skip(1)
            .take_while(|l| !l.is_empty())
            .collect();
        assert!(table.len() > 5);
        for l in table {
            assert!(l.chars().count() <= width, "{width}: {l:?}");
        }
        let out = run(&["mem", t, "-c", "512"], Some(width));
        assert!(out.contains("compute"), "{out}");
        let devices = out.split("flash attention").nth(1).unwrap();
        for l in devices
            .lines()
            .skip(1)
            .take_while(|l| !l.starts_with("  KV per token"))
        {
            assert!(l.chars().count() <= width, "{width}: {l:?}\n{out}");
        }
    }
}

#[test]
fn prose_wraps_at_whole_words_within_the_width() {
    let tiny = common::fixture("tiny-llama-q4_k_m.gguf");
    let t = tiny.to_str().unwrap();
    for width in [80, 60] {
        let out = run(&["layers", t], Some(width));
        let why = out
            .split("Why (llama.cpp's quantization rules)")
            .nth(1)
            .unwrap();
        for l in why.lines() {
            assert!(l.chars().count() <= width, "{width}: {l:?}\n{why}");
        }
        let out = run(
            &["inspect", t, "--no-metadata", "--no-tensors"],
            Some(width),
        );
        for l in out.lines().take_while(|l| !l.starts_with("Types")) {
            assert!(l.chars().count() <= width, "{width}: {l:?}\n{out}");
        }
    }
}
