//! The README's samples are the real commands' output: each ```text block that starts with
//! `$ gguflens …` is run (in a folder holding the real models under the names the README uses)
//! and every run of lines between `...` markers must appear, contiguous and in order, in the
//! output. A sample cannot drift from what the tool prints.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

struct Sample {
    command: Vec<String>,
    pieces: Vec<Vec<String>>,
}

fn readme() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap()
}

fn samples(text: &str) -> Vec<Sample> {
    let mut out = Vec::new();
    let mut lines = text.lines();
    while let Some(l) = lines.next() {
        if l != "```text" {
            continue;
        }
        let body: Vec<&str> = lines.by_ref().take_while(|l| *l != "```").collect();
        let Some(cmd) = body.first().and_then(|c| c.strip_prefix("$ gguflens ")) else {
            continue;
        };
        let mut pieces = vec![Vec::new()];
        for l in &body[1..] {
            if *l == "..." {
                pieces.push(Vec::new());
            } else {
                pieces.last_mut().unwrap().push(l.trim_end().to_string());
            }
        }
        out.push(Sample {
            command: cmd.split_whitespace().map(str::to_string).collect(),
            pieces,
        });
    }
    out
}

/// A folder with the real models under the README's names, and `models/` holding both.
fn stage() -> PathBuf {
    let d = common::temp_dir("readme");
    std::fs::create_dir(d.join("models")).unwrap();
    for p in [common::gemma(), common::smollm2()] {
        let name = p.file_name().unwrap();
        std::os::unix::fs::symlink(&p, d.join(name)).unwrap();
        std::os::unix::fs::symlink(&p, d.join("models").join(name)).unwrap();
    }
    d
}

/// Where `piece` occurs as contiguous lines of `out` at or after `from`.
fn find(out: &[&str], piece: &[String], from: usize) -> Option<usize> {
    (from..=out.len().saturating_sub(piece.len()))
        .find(|&i| piece.iter().zip(&out[i..]).all(|(a, b)| a == b.trim_end()))
}

#[test]
fn readme_samples_are_what_the_commands_print() {
    if common::skip_without_models("readme::readme_samples_are_what_the_commands_print") {
        return;
    }
    let text = readme();
    let all = samples(&text);
    assert!(all.len() >= 5, "found {} samples", all.len());
    let dir = stage();
    for s in &all {
        let out = Command::new(env!("CARGO_BIN_EXE_gguflens"))
            .args(&s.command)
            .current_dir(&dir)
            .env("NO_COLOR", "1")
            .env_remove("COLUMNS")
            .output()
            .unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        let lines: Vec<&str> = stdout.lines().collect();
        let mut at = 0;
        for piece in &s.pieces {
            match find(&lines, piece, at) {
                Some(i) => at = i + piece.len(),
                None => panic!(
                    "README sample `gguflens {}` is stale: these lines are not in its output\n{}\n--- output ---\n{stdout}",
                    s.command.join(" "),
                    piece.join("\n")
                ),
            }
        }
    }
}

#[test]
fn install_and_quick_start_commands_are_the_real_ones() {
    let text = readme();
    assert!(text.contains("cargo install --locked --path ."));
    assert!(text.contains(
        "scripts/setup-tests.sh && GGUFLENS_REQUIRE_MODELS=1 scripts/check.sh && scripts/fuzz-smoke.sh"
    ));
    let ci =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/run")).unwrap();
    assert!(ci.contains(
        "scripts/setup-tests.sh && GGUFLENS_REQUIRE_MODELS=1 scripts/check.sh && scripts/fuzz-smoke.sh"
    ));
    // The first command a new user runs works from the repository root.
    let out = Command::new(env!("CARGO_BIN_EXE_gguflens"))
        .args(["inspect", "fixtures/tiny-llama-q4_k_m.gguf"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}
