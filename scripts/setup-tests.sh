#!/usr/bin/env bash
# Installs what the test suite needs beyond the Rust toolchain:
#  - .venv with PyPI gguf (llama.cpp's reader), the oracle of tests/crosscheck.rs;
#  - the real models (scripts/fetch-models.sh, cached in ~/.cache/gguflens/models).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! .venv/bin/python -c 'import gguf' 2>/dev/null; then
  python3 -m venv .venv
  .venv/bin/pip install -q 'gguf==0.19.0'
fi
scripts/fetch-models.sh >/dev/null
