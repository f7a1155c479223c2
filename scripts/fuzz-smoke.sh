#!/usr/bin/env bash
# A short run of every fuzz target over its committed corpus and the hostile fixtures: a crash,
# a leak of memory past 64 MB in one allocation, or an input that takes more than 10 s fails.
#
#   scripts/fuzz-smoke.sh            # each target for 25 s
#   FUZZ_SECONDS=300 scripts/fuzz-smoke.sh reader   # one target, longer
#
# Needs cargo-fuzz (installed here if missing) and a nightly toolchain for the sanitizer; with
# no nightly it falls back to the stable compiler with RUSTC_BOOTSTRAP=1 and no sanitizer
# (libFuzzer's coverage feedback still works). New corpus entries go to a temporary directory,
# never into fuzz/corpus; see docs/FUZZING.md for growing and minimizing the corpus.
set -euo pipefail

cd "$(dirname "$0")/../fuzz"
seconds=${FUZZ_SECONDS:-25}
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(reader analysis split)
fi

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz-smoke: installing cargo-fuzz"
    cargo install cargo-fuzz --locked --quiet
fi

toolchain=()
sanitizer=()
if rustup run nightly rustc --version >/dev/null 2>&1; then
    toolchain=(+nightly)
else
    echo "fuzz-smoke: no nightly toolchain; stable with RUSTC_BOOTSTRAP=1, no sanitizer"
    export RUSTC_BOOTSTRAP=1
    sanitizer=(--sanitizer none)
fi

# -O: optimized, -a: debug assertions and overflow checks on (an overflow is a crash).
cargo "${toolchain[@]}" fuzz build -O -a "${sanitizer[@]}"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for t in "${targets[@]}"; do
    mkdir -p "$work/$t" "corpus/$t"
    seeds=("corpus/$t")
    if [ "$t" != split ]; then
        seeds+=(../fixtures/hostile)
    fi
    echo "fuzz-smoke: $t for ${seconds}s"
    if ! cargo "${toolchain[@]}" fuzz run -O -a "${sanitizer[@]}" "$t" "$work/$t" "${seeds[@]}" -- \
        -max_total_time="$seconds" -timeout=10 -malloc_limit_mb=64 -rss_limit_mb=2048 \
        -dict=gguf.dict -print_final_stats=1 >"$work/$t.log" 2>&1; then
        status=1
        echo "fuzz-smoke: $t FAILED; the input is under fuzz/artifacts/$t/" >&2
        grep -v '^#' "$work/$t.log" | tail -40 >&2
    fi
    grep -E 'stat::(number_of_executed_units|average_exec_per_sec|new_units_added)' "$work/$t.log" |
        sed "s/^/fuzz-smoke: $t /" || true
done
if [ $status -eq 0 ]; then
    echo "fuzz-smoke: ${#targets[@]} passed, 0 failed"
else
    echo "fuzz-smoke: some targets failed" >&2
fi
exit $status
