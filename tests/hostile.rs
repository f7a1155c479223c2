//! Hostile input: every file under `fixtures/hostile/` (and a directory, a FIFO and arrays nested
//! 100,000 deep, made at test time) gets a fixed exit code and a fixed one-line error or list of
//! findings, recorded in `fixtures/hostile/EXPECTED.txt`.
//!
//! `GGUFLENS_UPDATE_GOLDEN=1 cargo test --test hostile` rewrites the fixtures and the golden
//! file; review the diff before committing it.

mod common;
#[path = "hostile/corpus.rs"]
mod corpus;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn hostile_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/hostile")
}

fn updating() -> bool {
    std::env::var("GGUFLENS_UPDATE_GOLDEN").is_ok_and(|v| v == "1")
}

const GOLDEN: &str = "EXPECTED.txt";

/// What one run of the binary did.
struct Run {
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: String,
}

/// Runs `prefix… gguflens ARGS` in `dir` with NO_COLOR, killing it after a deadline: a reader
/// that blocks (on a FIFO, say) or loops must fail the test, not hang it.
fn run_in(dir: &Path, prefix: &[&str], args: &[&str]) -> Run {
    let bin = env!("CARGO_BIN_EXE_gguflens");
    let mut cmd = match prefix.split_first() {
        Some((p, rest)) => {
            let mut c = Command::new(p);
            c.args(rest).arg(bin);
            c
        }
        None => Command::new(bin),
    };
    let mut child = cmd
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn gguflens");
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let t_out = std::thread::spawn(move || {
        let mut v = Vec::new();
        out.read_to_end(&mut v).map(|_| v)
    });
    let t_err = std::thread::spawn(move || {
        let mut v = Vec::new();
        err.read_to_end(&mut v).map(|_| v)
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("gguflens {args:?} ran for more than 60 s");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Run {
        code: status.code(),
        stdout: t_out.join().unwrap().unwrap(),
        stderr: String::from_utf8_lossy(&t_err.join().unwrap().unwrap()).into_owned(),
    }
}

/// Writes the test-time cases into `dir`.
fn make_specials(dir: &Path) -> Vec<(String, &'static str)> {
    let mut v = Vec::new();
    for (name, about, s) in corpus::specials() {
        let p = dir.join(name);
        match s {
            corpus::Special::Directory => std::fs::create_dir(&p).unwrap(),
            corpus::Special::Fifo => {
                let ok = Command::new("mkfifo").arg(&p).status().unwrap().success();
                assert!(ok, "mkfifo failed");
            }
            corpus::Special::Nested(depth) => std::fs::write(&p, corpus::nested(depth)).unwrap(),
            // A GGUF magic, so that directory walks take it for a model.
            corpus::Special::EscapeName => std::fs::write(&p, b"GGUF\x04\0\0\0").unwrap(),
        }
        v.push((name.to_string(), about));
    }
    v
}

/// In update mode, rewrites `fixtures/hostile/` from the generator (once per test process: the
/// tests run in parallel and all read it).
fn sync_fixtures() {
    static DONE: std::sync::OnceLock<()> = std::sync::OnceLock::new();
    DONE.get_or_init(|| {
        if !updating() {
            return;
        }
        let dir = hostile_dir();
        std::fs::create_dir_all(&dir).unwrap();
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.file_name().is_some_and(|n| n != GOLDEN) {
                std::fs::remove_file(p).unwrap();
            }
        }
        for c in corpus::cases() {
            for (name, bytes) in &c.files {
                std::fs::write(dir.join(name), bytes).unwrap();
            }
        }
    });
}

#[test]
fn fixtures_match_the_generator() {
    sync_fixtures();
    let dir = hostile_dir();
    let cases = corpus::cases();
    assert!(cases.len() >= 30, "only {} hostile cases", cases.len());
    let mut known = std::collections::BTreeSet::new();
    known.insert(GOLDEN.to_string());
    for c in &cases {
        for (name, bytes) in &c.files {
            assert!(known.insert(name.clone()), "two cases write {name}");
            let p = dir.join(name);
            let on_disk = std::fs::read(&p).unwrap_or_else(|e| {
                panic!("{}: {e}; run with GGUFLENS_UPDATE_GOLDEN=1", p.display())
            });
            assert!(
                &on_disk == bytes,
                "{} differs from its generator; run with GGUFLENS_UPDATE_GOLDEN=1",
                p.display()
            );
        }
    }
    for e in std::fs::read_dir(&dir).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(known.contains(&name), "stray file fixtures/hostile/{name}");
    }
}

/// Checks the rules every run must keep, and returns the case's golden block.
fn check_case(dir: &Path, name: &str, about: &str) -> String {
    let text = run_in(dir, &[], &["inspect", name]);
    let json = run_in(dir, &[], &["inspect", "--json", name]);
    let color = run_in(dir, &[], &["--color", "always", "inspect", name]);
    let code = text
        .code
        .unwrap_or_else(|| panic!("{name}: killed by a signal"));
    assert!(
        !text.stderr.contains("panicked") && !json.stderr.contains("panicked"),
        "{name}: panic: {}",
        text.stderr
    );
    assert_eq!(json.code, text.code, "{name}: --json exits differently");
    assert_eq!(color.code, text.code, "{name}: --color exits differently");
    assert!(
        !text.stdout.contains(&0x1b) && !text.stderr.contains('\x1b'),
        "{name}: an escape byte reached the output with NO_COLOR"
    );
    assert!(!json.stdout.contains(&0x1b), "{name}: raw escape in JSON");
    assert_only_sgr(name, &color.stdout);
    let mut block = format!("== {} ({about})\nexit {code}\n", name.escape_debug());
    match code {
        1 => {
            assert!(
                text.stdout.is_empty(),
                "{name}: output on an unreadable file"
            );
            let lines: Vec<&str> = text.stderr.lines().collect();
            assert_eq!(lines.len(), 1, "{name}: not one line: {:?}", text.stderr);
            assert!(lines[0].starts_with("gguflens: "), "{name}: {}", lines[0]);
            assert!(
                lines[0].contains(".gguf"),
                "{name}: no file named: {}",
                lines[0]
            );
            assert_eq!(json.stderr, text.stderr, "{name}: --json errs differently");
            block.push_str(lines[0]);
            block.push('\n');
        }
        0 | 2 => {
            assert!(text.stderr.is_empty(), "{name}: stderr: {}", text.stderr);
            let findings = match serde_json::from_slice::<serde_json::Value>(&json.stdout) {
                Ok(v) => v["findings"].as_array().cloned().unwrap_or_default(),
                // 64 nested arrays are 128 nested JSON values, serde_json's default limit.
                Err(e) if e.to_string().contains("recursion limit") && code == 0 => Vec::new(),
                Err(e) => panic!("{name}: invalid JSON: {e}"),
            };
            assert_eq!(
                findings.is_empty(),
                code == 0,
                "{name}: exit {code} with {} findings",
                findings.len()
            );
            for f in findings {
                let at = f["offset"]
                    .as_u64()
                    .map(|o| format!(" @{o}"))
                    .unwrap_or_default();
                let file = f["file"]
                    .as_str()
                    .map(|p| format!(" {p}:"))
                    .unwrap_or_default();
                block.push_str(&format!(
                    "{} {}{}{} {}\n",
                    f["severity"].as_str().unwrap(),
                    f["code"].as_str().unwrap(),
                    at,
                    file,
                    f["message"].as_str().unwrap()
                ));
            }
        }
        c => panic!("{name}: exit code {c}: {}", text.stderr),
    }
    block.push_str(&other_commands(dir, name, code, &text.stderr));
    block
}

/// The other commands that read one model. `diff` compares the case with a valid file.
const OTHERS: [(&str, &[&str]); 4] = [
    ("layers", &["layers"]),
    ("mem", &["mem"]),
    ("verify", &["verify"]),
    ("diff", &["diff", "MINIMAL"]),
];

/// Runs every other command on the case: each keeps the same rules as `inspect` (no panic, an
/// exit code of 0, 1 or 2 alike in text, JSON and color, no escape byte, at most one stderr
/// line naming the file), and agrees with it: a file `inspect` cannot read no command reads,
/// and a file with problems exits 0 for none. Returns one golden line with their exit codes,
/// and each one's error line where it differs from `inspect`'s.
fn other_commands(dir: &Path, name: &str, inspect_code: i32, inspect_err: &str) -> String {
    let minimal = hostile_dir().join("minimal.gguf");
    let minimal = minimal.to_str().unwrap();
    let mut codes = Vec::new();
    let mut errors = String::new();
    for (cmd, args) in OTHERS {
        let mut argv: Vec<&str> = args
            .iter()
            .map(|a| if *a == "MINIMAL" { minimal } else { *a })
            .collect();
        argv.insert(1, name);
        let text = run_in(dir, &[], &argv);
        let mut j = argv.clone();
        j.insert(1, "--json");
        let json = run_in(dir, &[], &j);
        let mut c = vec!["--color", "always"];
        c.extend(&argv);
        let color = run_in(dir, &[], &c);
        let code = text
            .code
            .unwrap_or_else(|| panic!("{cmd} {name}: killed by a signal: {}", text.stderr));
        assert!(
            [0, 1, 2].contains(&code) && !text.stderr.contains("panicked"),
            "{cmd} {name}: exit {code}: {}",
            text.stderr
        );
        assert!(
            !json.stderr.contains("panicked") && !color.stderr.contains("panicked"),
            "{cmd} {name}: panic"
        );
        assert_eq!(
            json.code, text.code,
            "{cmd} {name}: --json exits differently"
        );
        assert_eq!(
            color.code, text.code,
            "{cmd} {name}: --color exits differently"
        );
        assert!(
            !text.stdout.contains(&0x1b) && !text.stderr.contains('\x1b'),
            "{cmd} {name}: an escape byte reached the output with NO_COLOR"
        );
        assert!(
            !json.stdout.contains(&0x1b),
            "{cmd} {name}: raw escape in JSON"
        );
        assert_only_sgr(name, &color.stdout);
        let lines: Vec<&str> = text.stderr.lines().collect();
        assert!(
            lines.len() <= 1,
            "{cmd} {name}: stderr of {} lines",
            lines.len()
        );
        if code == 1 {
            let out = String::from_utf8_lossy(&text.stdout);
            assert!(
                lines.first().is_some_and(|l| l.contains(".gguf")) || out.contains(".gguf"),
                "{cmd} {name}: exit 1 without naming the file"
            );
        }
        // verify walks a directory for models (an empty one verifies nothing, exit 0).
        let walks = cmd == "verify" && dir.join(name).is_dir();
        match inspect_code {
            1 if walks => {}
            1 => assert_eq!(code, 1, "{cmd} reads {name}, which inspect cannot"),
            2 => assert_ne!(code, 0, "{cmd} calls {name} clean, inspect finds problems"),
            _ => {}
        }
        codes.push(format!("{cmd} {code}"));
        if let Some(l) = lines.first() {
            if inspect_err.trim_end() != *l {
                errors.push_str(&format!("{cmd}: {l}\n"));
            }
        }
    }
    format!("{}\n{errors}", codes.join(", "))
}

/// With color forced, the only escape sequences are the renderer's own SGR colors.
fn assert_only_sgr(name: &str, out: &[u8]) {
    let mut i = 0;
    while let Some(p) = out[i..].iter().position(|&b| b == 0x1b) {
        let s = &out[i + p..];
        let end = s.iter().position(|&b| b == b'm').unwrap_or(s.len());
        let ok = s.len() > 2
            && s[1] == b'['
            && end < 16
            && s[2..end].iter().all(|b| b.is_ascii_digit() || *b == b';');
        assert!(
            ok,
            "{name}: a non-color escape sequence reached the terminal: {:?}",
            String::from_utf8_lossy(&s[..s.len().min(16)])
        );
        i += p + 1;
    }
}

#[test]
fn golden() {
    sync_fixtures();
    let dir = hostile_dir();
    let tmp = common::temp_dir("hostile-specials");
    let mut out = String::from(
        "# gguflens inspect on each hostile file: exit code, then the one-line error (exit 1)\n\
         # or the findings (exit 2). Written by `GGUFLENS_UPDATE_GOLDEN=1 cargo test --test hostile`.\n",
    );
    for c in corpus::cases() {
        out.push_str(&check_case(&dir, &c.open, c.about));
    }
    for (name, about) in make_specials(&tmp) {
        out.push_str(&check_case(&tmp, &name, about));
    }
    let path = dir.join(GOLDEN);
    if updating() {
        std::fs::write(&path, &out).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path).expect("fixtures/hostile/EXPECTED.txt");
    if want != out {
        let diff: Vec<String> = want
            .lines()
            .zip(out.lines())
            .filter(|(a, b)| a != b)
            .take(5)
            .map(|(a, b)| format!("- {a}\n+ {b}"))
            .collect();
        panic!(
            "hostile golden differs (GGUFLENS_UPDATE_GOLDEN=1 rewrites it):\n{}",
            diff.join("\n")
        );
    }
}

#[test]
fn nesting_100000_deep_is_refused_without_deep_recursion() {
    // In-process, on a test thread's small stack: the reader stops at MAX_ARRAY_DEPTH.
    let b = corpus::nested(100_000);
    let e = gguflens::Gguf::parse(&b).unwrap_err();
    assert!(
        matches!(e.kind, gguflens::ErrorKind::NestingTooDeep(65)),
        "{e}"
    );
    assert_eq!(e.offset, Some(40 + 64 * 12));
}

/// The smallest address-space limit (MiB) under which `gguflens CMD` on the tiny llama exits as
/// it does unlimited: the binary's own baseline, measured rather than assumed (`verify`'s
/// threads reserve far more address space than the single-threaded commands).
fn baseline_mib(dir: &Path, cmd: &str) -> u64 {
    let free = run_in(dir, &[], &[cmd, "tiny-llama.gguf"]);
    assert_eq!(free.code, Some(0), "{cmd} tiny-llama.gguf: {}", free.stderr);
    for mib in [
        2u64, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512,
    ] {
        let r = run_limited(dir, mib << 20, &[cmd, "tiny-llama.gguf"]);
        if r.code == free.code {
            return mib;
        }
    }
    panic!("gguflens {cmd} cannot read tiny-llama.gguf even with 512 MiB of address space");
}

/// Runs gguflens with its address space limited to `bytes` (`ulimit -v`, which counts the
/// file's map too).
fn run_limited(dir: &Path, bytes: u64, args: &[&str]) -> Run {
    // One malloc arena and two worker threads: the limit then measures allocations, not the
    // 64 MiB of address space glibc reserves per thread's arena, which grows with the cores.
    let script = format!(
        "ulimit -v {}; MALLOC_ARENA_MAX=1 RAYON_NUM_THREADS=2 exec \"$0\" \"$@\"",
        bytes / 1024
    );
    run_in(dir, &["sh", "-c", &script], args)
}

/// No input makes gguflens allocate more than a small multiple of its size: every hostile
/// file, and large files built to be as costly as their size allows, are read by every
/// single-model command under an address-space limit of the command's measured baseline plus
/// 8 MiB plus a multiple of the file's size (2x for a file it refuses, whose map alone is 1x;
/// the command's per-byte bound for one it reads and reports on). A count used to size an
/// allocation, or a findings list that grows past the file, fails here.
/// The 60-second deadline of each run also catches superlinear work (duplicate detection on
/// 80,000 keys, overlap detection on 44,000 tensors).
#[test]
fn memory_and_time_are_bounded_by_the_file_size() {
    sync_fixtures();
    let dir = hostile_dir();
    // Bytes of memory a command may use per byte of a file it reads: measured on the large
    // files below (peak RSS: inspect 33x, layers 57x, verify 61x, mem 11x, on files made only of
    // minimal tensor or metadata entries), with headroom.
    let commands = [("inspect", 48), ("layers", 96), ("mem", 48), ("verify", 96)];
    let bases: Vec<u64> = commands.iter().map(|c| baseline_mib(&dir, c.0)).collect();
    let tmp = common::temp_dir("hostile-large");
    let mut files: Vec<(PathBuf, String, Option<bool>)> = Vec::new();
    for c in corpus::cases() {
        files.push((dir.clone(), c.open.clone(), None));
    }
    for (name, bytes, readable) in corpus::large() {
        std::fs::write(tmp.join(name), &bytes).unwrap();
        files.push((tmp.clone(), name.to_string(), Some(readable)));
    }
    let mut report = Vec::new();
    for (d, name, readable) in &files {
        let size = std::fs::metadata(d.join(name)).unwrap().len();
        let refused = run_in(d, &[], &["inspect", name]).code == Some(1);
        if let Some(r) = readable {
            assert_eq!(!refused, *r, "{name}: readable {}", !refused);
        }
        for ((cmd, per_byte), base) in commands.iter().zip(&bases) {
            let factor = if refused { 2 } else { *per_byte };
            let limit = ((base + 8) << 20) + factor * size;
            for args in [vec![*cmd, name.as_str()], vec![*cmd, "--json", name]] {
                let free = run_in(d, &[], &args);
                let t = Instant::now();
                let r = run_limited(d, limit, &args);
                let secs = t.elapsed().as_secs_f64();
                assert_eq!(
                    r.code,
                    free.code,
                    "{args:?}: under {} MiB of address space ({base} MiB baseline, file {size} \
                     bytes) it exits {:?} instead of {:?}: {}",
                    limit >> 20,
                    r.code,
                    free.code,
                    r.stderr
                );
                if size > 1 << 20 {
                    report.push(format!("{name} {args:?}: {size} bytes, {secs:.2} s"));
                }
            }
        }
    }
    eprintln!(
        "baselines {:?} MiB; large files:\n{}",
        commands.iter().map(|c| c.0).zip(&bases).collect::<Vec<_>>(),
        report.join("\n")
    );
}

/// Positions worth cutting a real file at: each metadata entry's first bytes, each tensor
/// entry's, the end of the directory, inside the data, just before the end, and 64 points
/// spread over the header.
fn cut_points(g: &gguflens::Gguf) -> Vec<usize> {
    let mut v = vec![0, 3, 7, 15, 23];
    for e in &g.metadata {
        v.extend([e.offset as usize + 1, e.offset as usize + 9]);
    }
    for t in &g.tensors {
        v.extend([t.entry_offset as usize + 3, t.entry_offset as usize + 9]);
    }
    let header = g.accounting.header_bytes as usize;
    let size = g.accounting.file_size as usize;
    v.extend([
        header - 1,
        header + 1,
        g.data_offset as usize + 1000,
        size - 1,
    ]);
    v.extend((1..64).map(|i| header * i / 64));
    v.sort_unstable();
    v.dedup();
    v
}

/// Deterministic positions for byte changes.
fn xorshift(mut x: u64) -> impl Iterator<Item = u64> {
    std::iter::repeat_with(move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    })
}

/// The real models, cut at every structure of their header and changed byte by byte: every
/// prefix that ends before the data does is refused or flagged truncated, and no change panics
/// the reader or the inspect report.
#[test]
fn real_models_cut_and_changed() {
    if common::skip_without_models("hostile::real_models_cut_and_changed") {
        return;
    }
    use gguflens::report::inspect::{InspectOptions, InspectReport};
    for path in [common::gemma(), common::smollm2()] {
        let f = gguflens::GgufFile::open(&path).unwrap();
        let bytes = f.bytes();
        let g = f.parse().unwrap();
        assert!(
            g.findings.is_empty(),
            "{}: {:?}",
            path.display(),
            g.findings
        );
        let points = cut_points(&g);
        assert!(points.len() > 100);
        for &at in &points {
            match gguflens::Gguf::parse(&bytes[..at]) {
                Err(e) => assert!(e.offset.unwrap_or(0) <= at as u64, "cut {at}: {e}"),
                Ok(c) => assert!(
                    c.findings.iter().any(|f| f.code == "truncated-data"),
                    "{}: cut at {at} reads as complete",
                    path.display()
                ),
            }
        }
        let header = g.accounting.header_bytes as usize;
        let mut copy = bytes[..header + 4096].to_vec();
        for (i, r) in xorshift(0x9e37_79b9_7f4a_7c15).take(300).enumerate() {
            let at = (r % header as u64) as usize;
            let old = copy[at];
            copy[at] = [0xff, 0x00, old ^ 0x80][i % 3];
            if let Ok(c) = gguflens::Gguf::parse(&copy) {
                let m = gguflens::Model::from_gguf(&path, c);
                let _ = InspectReport::build(&m, InspectOptions::default());
            }
            copy[at] = old;
        }
    }
}

/// A real model reads under its map (the whole file) plus its header's size again plus the
/// usual 8 MiB: the tokenizer's 262,144 strings are indexed, never copied (copied into
/// `String`s they alone would take more than that).
#[test]
fn real_models_under_a_memory_limit() {
    if common::skip_without_models("hostile::real_models_under_a_memory_limit") {
        return;
    }
    sync_fixtures();
    let base = baseline_mib(&hostile_dir(), "inspect");
    for path in [common::gemma(), common::smollm2()] {
        let f = gguflens::GgufFile::open(&path).unwrap();
        let g = f.parse().unwrap();
        let limit = ((base + 8) << 20) + g.accounting.file_size + g.accounting.header_bytes;
        let dir = path.parent().unwrap();
        let name = path.file_name().unwrap().to_str().unwrap();
        for args in [vec!["inspect", name], vec!["inspect", "--json", name]] {
            let r = run_limited(dir, limit, &args);
            assert_eq!(
                r.code,
                Some(0),
                "{args:?} under {} MiB: {}",
                limit >> 20,
                r.stderr
            );
        }
    }
}

/// The batch commands over the whole corpus (and the directory, the FIFO, the file with an
/// escape in its name and two symbolic-link cycles): each bad file is reported and the rest
/// still read, nothing blocks on the FIFO or walks a cycle for ever, and no escape byte reaches
/// the output.
#[test]
fn batch_commands_report_bad_files_and_carry_on() {
    sync_fixtures();
    let tmp = common::temp_dir("hostile-batch");
    make_specials(&tmp);
    // Symbolic links that make the tree a cycle: a walk must not go round for ever.
    std::os::unix::fs::symlink(".", tmp.join("loop")).unwrap();
    std::os::unix::fs::symlink(&tmp, tmp.join("a-directory.gguf").join("back")).unwrap();
    let dirs = [hostile_dir(), tmp.clone()];
    let dirs: Vec<&str> = dirs.iter().map(|d| d.to_str().unwrap()).collect();
    for cmd in ["scan", "verify"] {
        let mut args = vec![cmd];
        args.extend(&dirs);
        let text = run_in(&tmp, &[], &args);
        let mut j = args.clone();
        j.insert(1, "--json");
        let json = run_in(&tmp, &[], &j);
        let out = String::from_utf8_lossy(&text.stdout);
        assert!(!text.stderr.contains("panicked"), "{cmd}: {}", text.stderr);
        assert!(
            matches!(text.code, Some(1) | Some(2)),
            "{cmd} over hostile files exits {:?}",
            text.code
        );
        assert_eq!(json.code, text.code, "{cmd}: --json exits differently");
        assert!(
            !text.stdout.contains(&0x1b) && !text.stderr.contains('\x1b'),
            "{cmd}: an escape byte reached the output"
        );
        let v: serde_json::Value =
            serde_json::from_slice(&json.stdout).unwrap_or_else(|e| panic!("{cmd} --json: {e}"));
        let all = v.to_string();
        for name in [
            "tiny-llama.gguf",
            "alignment-0.gguf",
            "cut-data.gguf",
            "esc-",
        ] {
            assert!(all.contains(name), "{cmd} --json does not mention {name}");
        }
        assert!(out.contains("tiny-llama.gguf"), "{cmd} did not carry on");
        assert!(
            out.contains("general.alignment is 0"),
            "{cmd} did not report the bad file"
        );
    }
}
