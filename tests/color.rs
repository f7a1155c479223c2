//! Colour changes colours, nothing else: for every command, the coloured output with its escape
//! sequences removed is the plain output, character for character, so padding never counts the
//! escape sequences as visible width (`architecturegemma3`).

mod common;

use std::process::Command;

fn run(args: &[&str], color: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_gguflens"))
        .arg("--color")
        .arg(color)
        .args(args)
        .env_remove("NO_COLOR")
        .env_remove("COLUMNS")
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

/// The text with every `ESC [ … m` sequence removed.
fn strip_sgr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for d in chars.by_ref() {
                if d == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn coloured_output_is_the_plain_output_painted() {
    let d = common::temp_dir("color");
    let tiny = common::fixture("tiny-llama-q4_k_m.gguf");
    let bytes = std::fs::read(&tiny).unwrap();
    let cut = d.join("cut.gguf");
    std::fs::write(&cut, &bytes[..bytes.len() - 4096]).unwrap();
    let (t, v2, c) = (
        tiny.to_str().unwrap(),
        common::fixture("tiny-v2.gguf"),
        cut.to_str().unwrap(),
    );
    let v2 = v2.to_str().unwrap();
    let cases: Vec<Vec<&str>> = vec![
        vec!["inspect", t],
        vec!["inspect", c],
        vec!["layers", t],
        vec!["diff", t, v2],
        vec!["verify", t, c],
        vec!["mem", t],
        vec!["mem", t, "-c", "512", "--explain"],
        vec!["scan", d.to_str().unwrap()],
    ];
    for args in cases {
        let plain = run(&args, "never");
        let color = run(&args, "always");
        assert!(color.contains('\x1b'), "{args:?}: no colour at all");
        let stripped = strip_sgr(&color);
        // Timings differ between two runs; compare everything else.
        let keep = |s: &str| {
            s.lines()
                .filter(|l| !l.starts_with("checked "))
                .map(str::to_string)
                .collect::<Vec<_>>()
        };
        assert_eq!(keep(&stripped), keep(&plain), "{args:?}");
    }
}
