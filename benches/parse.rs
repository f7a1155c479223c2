//! Header parsing: a real 262k-vocabulary header (Gemma 3 270M, if the real models are cached)
//! and a synthetic Qwen2-7B-class one (152k tokens, 151k merges, 339 tensors, ~6 MB).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use gguflens::report::inspect::{InspectOptions, InspectReport};
use gguflens::{Gguf, Model};
use std::hint::black_box;
use std::path::{Path, PathBuf};

fn models_dir() -> PathBuf {
    std::env::var_os("GGUFLENS_MODELS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default())
                .join(".cache/gguflens/models")
        })
}

fn bench_header(c: &mut Criterion, name: &str, bytes: &[u8]) {
    let header = Gguf::parse(bytes).unwrap().accounting.header_bytes;
    let mut g = c.benchmark_group(name);
    g.throughput(Throughput::Bytes(header));
    g.bench_function("parse", |b| {
        b.iter(|| Gguf::parse(black_box(bytes)).unwrap())
    });
    g.bench_function("parse+report", |b| {
        b.iter(|| {
            let gg = Gguf::parse(black_box(bytes)).unwrap();
            let m = Model::from_gguf(Path::new("x"), gg);
            InspectReport::build(&m, InspectOptions::default())
        })
    });
    g.bench_function("copy header bytes", |b| {
        b.iter(|| black_box(bytes[..header as usize].to_vec()))
    });
    g.finish();
}

fn parse(c: &mut Criterion) {
    let (synth, _) = gguflens::synthetic::headers::qwen2_7b_like().build_header();
    bench_header(c, "qwen2-7b-like header", &synth);
    let gemma = models_dir().join("gemma-3-270m-q4_k_m.gguf");
    if gemma.exists() {
        let f = gguflens::GgufFile::open(&gemma).unwrap();
        bench_header(c, "gemma3-270m header", f.bytes());
    } else {
        eprintln!("skipping the Gemma bench: run scripts/fetch-models.sh");
    }
}

criterion_group!(benches, parse);
criterion_main!(benches);
