//! Every exit status of every command, on committed fixtures and files made here (no real
//! models needed): 0 clean, 1 unreadable, 2 readable with problems, 3 `diff --exit-code`
//! differ, 64 usage error. And a reader that closes the pipe early never changes the status.

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const CLEAN: i32 = 0;
const UNREADABLE: i32 = 1;
const PROBLEMS: i32 = 2;
const DIFFER: i32 = 3;
const USAGE: i32 = 64;

struct Files {
    tiny: PathBuf,
    other: PathBuf,
    truncated: PathBuf,
    not_gguf: PathBuf,
    missing: PathBuf,
    empty_dir: PathBuf,
    good_dir: PathBuf,
    broken_dir: PathBuf,
}

fn files(name: &str) -> Files {
    let d = common::temp_dir(name);
    let tiny = common::fixture("tiny-llama-q4_k_m.gguf");
    let bytes = std::fs::read(&tiny).unwrap();
    let truncated = d.join("truncated.gguf");
    std::fs::write(&truncated, &bytes[..3000]).unwrap();
    let not_gguf = d.join("notes.txt");
    std::fs::write(&not_gguf, "not a model\n").unwrap();
    let empty_dir = d.join("empty");
    std::fs::create_dir(&empty_dir).unwrap();
    let good_dir = d.join("good");
    std::fs::create_dir(&good_dir).unwrap();
    std::fs::copy(&tiny, good_dir.join("tiny.gguf")).unwrap();
    let broken_dir = d.join("broken");
    std::fs::create_dir(&broken_dir).unwrap();
    std::fs::write(broken_dir.join("bad.gguf"), b"GGML nonsense").unwrap();
    Files {
        tiny,
        other: common::fixture("tiny-v2.gguf"),
        truncated,
        not_gguf,
        missing: d.join("missing.gguf"),
        empty_dir,
        good_dir,
        broken_dir,
    }
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn code(args: &[&str]) -> i32 {
    let out = common::gguflens(args);
    let c = out.status.code().expect("exited");
    if c == USAGE {
        // A usage error says what is wrong on stderr and prints nothing on stdout.
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(!out.stderr.is_empty(), "{args:?}");
    }
    c
}

#[test]
fn every_command_every_status() {
    let f = files("exit_codes_all");
    let (tiny, other, trunc) = (s(&f.tiny), s(&f.other), s(&f.truncated));
    let (not_gguf, missing) = (s(&f.not_gguf), s(&f.missing));
    let cases: &[(&[&str], i32)] = &[
        // inspect
        (&["inspect", tiny], CLEAN),
        (&["inspect", not_gguf], UNREADABLE),
        (&["inspect", missing], UNREADABLE),
        (&["inspect", trunc], PROBLEMS),
        (&["inspect"], USAGE),
        (&["inspect", tiny, "--bogus"], USAGE),
        // layers
        (&["layers", tiny], CLEAN),
        (&["layers", missing], UNREADABLE),
        (&["layers", trunc], PROBLEMS),
        (&["layers", tiny, "--svg"], USAGE),
        // diff
        (&["diff", tiny, other], CLEAN),
        (&["diff", tiny, tiny, "--exit-code"], CLEAN),
        (&["diff", tiny, other, "--exit-code"], DIFFER),
        (&["diff", tiny, missing], UNREADABLE),
        (&["diff", tiny, trunc], PROBLEMS),
        (&["diff", tiny], USAGE),
        // verify
        (&["verify", tiny], CLEAN),
        (&["verify", s(&f.good_dir)], CLEAN),
        (&["verify", missing], UNREADABLE),
        (&["verify", not_gguf], UNREADABLE),
        (&["verify", s(&f.empty_dir)], UNREADABLE),
        (&["verify", s(&f.broken_dir)], UNREADABLE),
        (&["verify", trunc], PROBLEMS),
        (&["verify"], USAGE),
        // scan
        (&["scan", s(&f.good_dir)], CLEAN),
        (&["scan", s(&f.empty_dir)], CLEAN),
        (&["scan", missing], UNREADABLE),
        (&["scan", s(&f.broken_dir)], PROBLEMS),
        (&["scan", not_gguf], PROBLEMS),
        (&["scan", "--sort", "colour"], USAGE),
        // mem
        (&["mem", tiny, "-c", "512"], CLEAN),
        (
            &["mem", tiny, "-c", "512", "-ngl", "-1", "-ngl", "0"],
            CLEAN,
        ),
        (&["mem", missing], UNREADABLE),
        (&["mem", trunc, "-c", "512"], PROBLEMS),
        (&["mem", tiny, "-np", "0"], USAGE),
        (&["mem", tiny, "-b", "0"], USAGE),
        (&["mem", tiny, "-b", "0", "-ub", "0"], USAGE),
        (&["mem", tiny, "-c", "512", "-fa"], USAGE),
        (&["mem", tiny, "-ctk", "q8"], USAGE),
        (&["mem", tiny, "-ngl", "some"], USAGE),
        (&["mem", tiny, "-ctv", "q8_0", "-fa", "off"], USAGE),
        // completions, man
        (&["completions", "bash"], CLEAN),
        (&["completions", "tcsh"], USAGE),
        (&["man"], CLEAN),
        (&["man", "mem"], CLEAN),
        (&["man", "nothing"], USAGE),
        // -q and -v on every command
        (&["-q", "verify", tiny], CLEAN),
        (&["verify", "-q", tiny], CLEAN),
        (&["scan", "-q", s(&f.good_dir)], CLEAN),
        (&["inspect", "-v", tiny], CLEAN),
        (&["layers", "-q", tiny], CLEAN),
        (&["diff", "-q", tiny, tiny], CLEAN),
        (&["mem", "-q", tiny, "-c", "512"], CLEAN),
        (&["-q", "-v", "inspect", tiny], USAGE),
        // the program itself
        (&[], USAGE),
        (&["--version"], CLEAN),
        (&["--help"], CLEAN),
        (&["frobnicate"], USAGE),
    ];
    let mut wrong = Vec::new();
    for (args, want) in cases {
        let got = code(args);
        if got != *want {
            wrong.push(format!("{args:?}: exit {got}, expected {want}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Runs `gguflens ARGS`, reads at most `keep` bytes of stdout, closes the pipe, and returns the
/// exit status.
fn status_with_early_close(args: &[&str], keep: usize) -> i32 {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gguflens"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut buf = vec![0u8; keep];
    let _ = out.read(&mut buf);
    drop(out);
    child.wait().unwrap().code().expect("exited")
}

#[test]
fn a_closed_pipe_never_changes_the_verdict() {
    let f = files("exit_codes_pipe");
    let (tiny, trunc) = (s(&f.tiny), s(&f.truncated));
    let cases: &[(&[&str], i32)] = &[
        (&["verify", trunc], PROBLEMS),
        (&["verify", trunc, tiny, "--json"], PROBLEMS),
        (&["inspect", trunc], PROBLEMS),
        (&["layers", trunc], PROBLEMS),
        (&["verify", tiny, "--sha256"], CLEAN),
        (&["diff", tiny, s(&f.other), "--exit-code"], DIFFER),
        (&["verify", s(&f.missing), tiny], UNREADABLE),
    ];
    for (args, want) in cases {
        // Closed before anything is read, after one byte (`| head -c1`), and after a line.
        for keep in [0, 1, 40] {
            for _ in 0..4 {
                assert_eq!(
                    status_with_early_close(args, keep),
                    *want,
                    "{args:?} keep {keep}"
                );
            }
        }
    }
}
