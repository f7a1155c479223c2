//! Shared test helpers: where the real models are, and running the binary.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The real-model cache (`scripts/fetch-models.sh` fills it).
pub fn models_dir() -> PathBuf {
    match std::env::var_os("GGUFLENS_MODELS") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(std::env::var_os("HOME").unwrap_or_default())
            .join(".cache/gguflens/models"),
    }
}

/// The real models the tests read.
pub const REAL_MODELS: [&str; 2] = [
    "gemma-3-270m-q4_k_m.gguf",
    "smollm2-135m-instruct-q4_1.gguf",
];

/// Whether a missing model or tool fails the test (`GGUFLENS_REQUIRE_MODELS=1`, set by `.ci/run`)
/// instead of skipping it.
fn required() -> bool {
    std::env::var_os("GGUFLENS_REQUIRE_MODELS").is_some_and(|v| v == "1")
}

/// Call first in a test that reads the real models: true when they are missing and the test
/// should return. Without `GGUFLENS_REQUIRE_MODELS=1` it says so on stderr (past the test
/// harness's capture, so `cargo test` shows it) with the command that fetches them; with it, a
/// missing model fails the test, so that CI can never skip silently.
pub fn skip_without_models(test: &str) -> bool {
    let missing: Vec<PathBuf> = REAL_MODELS
        .iter()
        .map(|m| models_dir().join(m))
        .filter(|p| !p.is_file())
        .collect();
    if missing.is_empty() {
        return false;
    }
    let what = format!(
        "real model {} missing: run scripts/fetch-models.sh (or scripts/setup-tests.sh)",
        missing[0].display()
    );
    skip(test, &what)
}

/// Prints `skipped TEST: WHY` where the user sees it, or panics when skipping is not allowed.
pub fn skip(test: &str, why: &str) -> bool {
    assert!(!required(), "{test}: {why} (GGUFLENS_REQUIRE_MODELS=1)");
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "skipped {test}: {why}");
    true
}

/// A real model by file name; panics with instructions when it is missing (tests call
/// [`skip_without_models`] first).
pub fn real_model(name: &str) -> PathBuf {
    let p = models_dir().join(name);
    assert!(
        p.is_file(),
        "real model {} missing: run scripts/fetch-models.sh",
        p.display()
    );
    p
}

/// Gemma 3 270M Q4_K_M (253,113,024 bytes).
pub fn gemma() -> PathBuf {
    real_model("gemma-3-270m-q4_k_m.gguf")
}

/// SmolLM2-135M-Instruct Q4_1.
pub fn smollm2() -> PathBuf {
    real_model("smollm2-135m-instruct-q4_1.gguf")
}

/// Qwen2.5-Coder-1.5B-Instruct Q4_K_M (1,117,320,768 bytes), blocks stored in text order. By
/// default the cache holds its header with the data region left a sparse hole.
pub fn qwen15b() -> PathBuf {
    real_model("qwen2.5-coder-1.5b-instruct-q4_k_m.gguf")
}

/// One of llama.cpp's vocabulary-only tokenizer files (`qwen2`, `qwen35`, `gpt-2`,
/// `llama-spm`): `models/ggml-vocab-NAME.gguf` of the llama-cpp-python source package.
pub fn vocab(name: &str) -> PathBuf {
    real_model(&format!("vocab/ggml-vocab-{name}.gguf"))
}

/// The vocabulary-only files [`vocab`] knows.
pub const VOCABS: [&str; 4] = ["qwen2", "qwen35", "gpt-2", "llama-spm"];

/// A committed fixture.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// Runs `gguflens ARGS` with color off and no width to fit (COLUMNS unset).
pub fn gguflens(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gguflens"))
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("COLUMNS")
        .output()
        .expect("run gguflens")
}

/// A fresh temporary directory under the target dir (removed and recreated).
pub fn temp_dir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}
