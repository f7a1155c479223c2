//! `cargo test` without the real models: a real-model test reports itself skipped, with the
//! command that fetches the models, and passes; with GGUFLENS_REQUIRE_MODELS=1 (`.ci/run`) it
//! fails instead, so that CI never skips silently.

mod common;

use std::process::Command;

#[test]
fn reads_a_real_model() {
    if common::skip_without_models("skips::reads_a_real_model") {
        return;
    }
    assert!(common::gemma().metadata().unwrap().len() > 1 << 20);
}

/// Runs this test binary's `reads_a_real_model` alone, with the models directory pointed at
/// nothing.
fn run_without_models(require: bool) -> std::process::Output {
    let mut c = Command::new(std::env::current_exe().unwrap());
    c.args(["--exact", "reads_a_real_model", "--test-threads", "1"])
        .env("GGUFLENS_MODELS", common::temp_dir("skips-no-models"));
    if require {
        c.env("GGUFLENS_REQUIRE_MODELS", "1");
    } else {
        c.env_remove("GGUFLENS_REQUIRE_MODELS");
    }
    c.output().unwrap()
}

#[test]
fn missing_models_skip_loudly_or_fail_when_required() {
    let out = run_without_models(false);
    assert!(out.status.success(), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("skipped skips::reads_a_real_model: real model")
            && err.contains("run scripts/fetch-models.sh"),
        "{err}"
    );
    let out = run_without_models(true);
    assert!(!out.status.success(), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("GGUFLENS_REQUIRE_MODELS=1"), "{text}");
}
