#!/usr/bin/env bash
# Whole-process benchmark of `gguflens scan` (docs/PERFORMANCE.md, "scan"):
# N files that each hold the real SmolLM2-135M header (49,152-token vocabulary, 48,900 merges,
# 1,785,664 bytes) followed by a hole up to the real file size, so the tree costs N × 1.7 MiB of
# disk while every file looks like the real 94 MiB model (the tree benches/scan.rs uses). Prints hyperfine's timing (warm cache)
# and the peak RSS from /usr/bin/time -v.
#
# Usage: scripts/bench-scan.sh [N]   (default 1000; needs hyperfine and GNU time)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000}
MODEL=${MODEL:-${GGUFLENS_MODELS:-$HOME/.cache/gguflens/models}/smollm2-135m-instruct-q4_1.gguf}
DIR=${DIR:-target/tmp/scan-bench/$N}
BIN=target/release/gguflens

cargo build --release --quiet
if [ ! -f "$DIR/.complete" ]; then
  rm -rf "$DIR"
  mkdir -p "$DIR"
  OFF=$("$BIN" inspect --json --no-tensors "$MODEL" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["files"][0]["data_offset"])')
  SIZE=$(stat -c %s "$MODEL")
  head -c "$OFF" "$MODEL" >"$DIR/.header"
  for i in $(seq 1 "$N"); do
    d="$DIR/dir$((i % 20))"
    mkdir -p "$d"
    f="$d/model-$i.gguf"
    cp "$DIR/.header" "$f"
    truncate -s "$SIZE" "$f"
  done
  rm "$DIR/.header"
  touch "$DIR/.complete"
fi
echo "files: $(find "$DIR" -name '*.gguf' | wc -l), apparent $(du -sh --apparent-size "$DIR" | cut -f1), on disk $(du -sh "$DIR" | cut -f1)"
nproc
hyperfine --warmup 3 --runs ${RUNS:-10} \
  "$BIN scan --json $DIR >/dev/null" \
  "$BIN scan --csv $DIR >/dev/null" || true
/usr/bin/time -v "$BIN" scan --json "$DIR" 2>"$DIR/../time-$N.txt" >/dev/null || true
grep -E "Maximum resident|Elapsed|Percent of CPU" "$DIR/../time-$N.txt"
