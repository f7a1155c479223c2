//! `gguflens scan` over 1,000 GGUF files with a real-sized vocabulary (docs/PERFORMANCE.md).
//!
//! Each file holds the real SmolLM2-135M header (49,152 tokens, 48,900 merges: 1,785,664 bytes)
//! followed by a hole up to the real file size, so the tree costs 1.7 GiB of disk while every
//! file looks like the 94 MiB model. The tree is built once under the target directory and
//! reused (scripts/bench-scan.sh builds the same tree for whole-process timings).
//!
//! `GGUFLENS_SCAN_BENCH_FILES` changes the number of files.

use criterion::{criterion_group, criterion_main, Criterion};
use gguflens::scan::{self, ScanOptions, Silent};
use gguflens::GgufFile;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

fn real_model() -> PathBuf {
    let dir = match std::env::var_os("GGUFLENS_MODELS") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(std::env::var_os("HOME").unwrap_or_default())
            .join(".cache/gguflens/models"),
    };
    let p = dir.join("smollm2-135m-instruct-q4_1.gguf");
    assert!(
        p.is_file(),
        "{} missing: run scripts/fetch-models.sh",
        p.display()
    );
    p
}

/// N sparse copies of the real header in 20 directories.
fn tree(n: usize) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("scan-bench/{n}"));
    if dir.join(".complete").exists() {
        return dir;
    }
    let _ = fs::remove_dir_all(&dir);
    let model = real_model();
    let file = GgufFile::open(&model).unwrap();
    let g = file.parse().unwrap();
    let header = &file.bytes()[..g.data_offset as usize];
    let size = g.accounting.file_size;
    for i in 1..=n {
        let d = dir.join(format!("dir{}", i % 20));
        fs::create_dir_all(&d).unwrap();
        let p = d.join(format!("model-{i}.gguf"));
        fs::write(&p, header).unwrap();
        fs::OpenOptions::new()
            .write(true)
            .open(&p)
            .unwrap()
            .set_len(size)
            .unwrap();
    }
    fs::write(dir.join(".complete"), b"").unwrap();
    dir
}

fn bench(c: &mut Criterion) {
    let n: usize = std::env::var("GGUFLENS_SCAN_BENCH_FILES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000);
    let dir = tree(n);
    let roots = [dir];
    // Warm the cache and check the tree.
    let s = scan::scan(&roots, ScanOptions::default(), &Silent);
    assert_eq!(s.rows.len(), n);
    assert!(s.rows.iter().all(|r| r.summary().is_some()));

    let mut g = c.benchmark_group("scan");
    g.sample_size(10).measurement_time(Duration::from_secs(15));
    g.bench_function(format!("{n} SmolLM2 headers"), |b| {
        b.iter(|| {
            scan::scan(&roots, ScanOptions::default(), &Silent)
                .rows
                .len()
        })
    });
    g.finish();

    let model = real_model();
    let mut g = c.benchmark_group("scan-one");
    g.sample_size(30);
    g.bench_function("open + parse + summarize one SmolLM2 file", |b| {
        b.iter(|| {
            let files = gguflens::ModelFiles::open(&model).unwrap();
            let m = files.parse().unwrap();
            scan::Summary::of(&m, 4096).parameters
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
