#!/usr/bin/env bash
# Every check the house rules promise, in order of cost: formatting, lints (warnings denied), docs
# (warnings denied), a build with the declared minimum Rust version, then the whole test suite.
# Needs what scripts/setup-tests.sh installs.
set -euo pipefail
cd "$(dirname "$0")/.."
msrv=$(sed -n 's/^rust-version = "\(.*\)"$/\1/p' Cargo.toml)
cargo fmt --check
cargo clippy --all-targets -- -D warnings
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps
rustup toolchain install "$msrv" --profile minimal >/dev/null 2>&1 || true
cargo "+$msrv" build --locked --lib --bins --target-dir target/msrv
cargo test
