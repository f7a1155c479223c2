//! `gguflens verify` throughput on the real Gemma file (warm page cache), against reading the
//! same bytes with `read(2)` into a 128 KiB buffer, the way `cat` does.
//!
//! Run: `cargo bench --bench verify`. Needs scripts/fetch-models.sh (skips without the model).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use gguflens::format::ByteOrder;
use gguflens::verify::scan::{check_for, scan};
use gguflens::verify::{verify_model, DataAccess, VerifyOptions, READ_BYTES};
use gguflens::{GgmlType, ModelFiles};
use std::io::Read;
use std::path::PathBuf;

fn gemma() -> Option<PathBuf> {
    let home = std::env::var_os("HOME")?;
    let p = PathBuf::from(home).join(".cache/gguflens/models/gemma-3-270m-q4_k_m.gguf");
    p.is_file().then_some(p)
}

fn real_file(c: &mut Criterion) {
    let Some(path) = gemma() else {
        eprintln!("gemma-3-270m-q4_k_m.gguf not cached: run scripts/fetch-models.sh");
        return;
    };
    let size = std::fs::metadata(&path).unwrap().len();
    let mut g = c.benchmark_group("gemma-3-270m");
    g.throughput(Throughput::Bytes(size));
    g.sample_size(20);
    g.bench_function("read-like-cat", |b| {
        let mut buf = vec![0u8; 128 << 10];
        b.iter(|| {
            let mut f = std::fs::File::open(&path).unwrap();
            let mut n = 0u64;
            loop {
                let k = f.read(&mut buf).unwrap();
                if k == 0 {
                    break;
                }
                n += k as u64;
            }
            n
        })
    });
    // Open, map, parse and verify: what the command does per file.
    for (name, access) in [
        ("verify", DataAccess::Read),
        ("verify-mmap", DataAccess::Map),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| {
                let files = ModelFiles::open(&path).unwrap();
                let model = files.parse().unwrap();
                let opts = VerifyOptions {
                    access,
                    ..VerifyOptions::default()
                };
                let v = verify_model(&model, &opts, &|_| {});
                assert!(!v.has_problems());
                v.tensors_checked
            })
        });
    }
    g.bench_function("verify+sha256", |b| {
        b.iter(|| {
            let files = ModelFiles::open(&path).unwrap();
            let model = files.parse().unwrap();
            let opts = VerifyOptions {
                sha256: true,
                ..VerifyOptions::default()
            };
            verify_model(&model, &opts, &|_| {}).tensors_checked
        })
    });
    g.finish();
}

/// The scan kernels alone on one read-sized buffer already in cache (what each `pread` step
/// scans): the ceiling of the checks themselves.
fn kernels(c: &mut Criterion) {
    let mut g = c.benchmark_group("kernel");
    for name in [
        "Q4_K", "Q6_K", "Q8_0", "Q4_1", "IQ4_XS", "MXFP4", "F32", "F16",
    ] {
        let t = GgmlType::from_name(name).unwrap();
        let ts = t.type_size().unwrap() as usize;
        let n = READ_BYTES / ts;
        let data = vec![0x11u8; n * ts];
        let check = check_for(t).unwrap();
        g.throughput(Throughput::Bytes(data.len() as u64));
        g.bench_function(name, |b| b.iter(|| scan(check, &data, ByteOrder::Little)));
    }
    g.finish();
}

criterion_group!(benches, real_file, kernels);
criterion_main!(benches);
