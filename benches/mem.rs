//! Memory prediction speed on the real Gemma 3 file: from the header alone.
//! `cargo bench --bench mem` (needs scripts/fetch-models.sh).

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use gguflens::memory::{self, MemoryParams};
use gguflens::ModelFiles;
use std::path::PathBuf;

fn gemma() -> PathBuf {
    let dir = std::env::var_os("GGUFLENS_MODELS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default())
                .join(".cache/gguflens/models")
        });
    dir.join("gemma-3-270m-q4_k_m.gguf")
}

fn bench(c: &mut Criterion) {
    let path = gemma();
    let p = MemoryParams {
        n_ctx: 4096,
        ..Default::default()
    };
    c.bench_function("mem/open+parse+estimate gemma-3-270m -c 4096", |b| {
        b.iter(|| {
            let files = ModelFiles::open(&path).unwrap();
            let model = files.parse().unwrap();
            black_box(memory::estimate(&model, &p).unwrap().gpu_total())
        })
    });
    let files = ModelFiles::open(&path).unwrap();
    let model = files.parse().unwrap();
    c.bench_function("mem/estimate gemma-3-270m -c 4096 (parsed)", |b| {
        b.iter(|| black_box(memory::estimate(&model, &p).unwrap().gpu_total()))
    });
    c.bench_function("mem/sweep gemma-3-270m 2k..32k (parsed)", |b| {
        b.iter(|| {
            black_box(
                memory::sweep(&model, &MemoryParams::default())
                    .unwrap()
                    .len(),
            )
        })
    });
    c.bench_function("mem/fit gemma-3-270m 1.6GiB (parsed)", |b| {
        b.iter(|| {
            black_box(
                memory::fit(&model, &[1638 << 20], &MemoryParams::default(), 1 << 30)
                    .unwrap()
                    .n_ctx,
            )
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
