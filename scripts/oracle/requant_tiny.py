#!/usr/bin/env python3
"""Writes tiny F32 llama and qwen2 models whose rows are too short for the block sizes of the
quantized types, and quantizes each with llama.cpp's own quantizer (llama_model_quantize from
llama-cpp-python) to Q8_0 and Q4_K_M. The outputs exercise the row-size fallbacks of
llama_tensor_get_type (Q4_K → Q5_0, Q6_K → Q8_0, and F16 when even a 32-element block does not
fit). They are a few kilobytes each and are committed under fixtures/requant/.

    python3 scripts/oracle/requant_tiny.py fixtures/requant

Needs PyPI gguf (the project's .venv) for writing and the oracle venv
(llama_alloc.py --install) for quantizing; the quantizing step runs under the oracle venv.
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from llama_alloc import venv_python  # noqa: E402

# (name, arch, n_embd, n_ff, n_head, n_head_kv, n_layer, n_vocab)
MODELS = [
    ("tiny-llama", "llama", 64, 96, 4, 2, 8, 320),
    ("tiny-qwen2", "qwen2", 48, 64, 2, 1, 3, 288),
]
FTYPES = {"q8_0": 7, "q4_k_m": 15}


def write_f32(path, arch, e, ff, h, hkv, n_layer, n_vocab):
    import numpy as np
    import gguf

    rng = np.random.default_rng(17)
    w = gguf.GGUFWriter(path, arch)
    w.add_name(f"tiny {arch}")
    w.add_file_type(0)
    w.add_context_length(256)
    w.add_embedding_length(e)
    w.add_block_count(n_layer)
    w.add_feed_forward_length(ff)
    w.add_head_count(h)
    w.add_head_count_kv(hkv)
    w.add_layer_norm_rms_eps(1e-6)
    w.add_rope_dimension_count(e // h)
    d = e // h

    def t(name, *shape):  # shape innermost first, as ggml
        w.add_tensor(name, rng.standard_normal(tuple(reversed(shape))).astype(np.float32))

    t("token_embd.weight", e, n_vocab)
    for i in range(n_layer):
        t(f"blk.{i}.attn_norm.weight", e)
        t(f"blk.{i}.attn_q.weight", e, d * h)
        t(f"blk.{i}.attn_k.weight", e, d * hkv)
        t(f"blk.{i}.attn_v.weight", e, d * hkv)
        if arch == "qwen2":
            t(f"blk.{i}.attn_q.bias", d * h)
            t(f"blk.{i}.attn_k.bias", d * hkv)
            t(f"blk.{i}.attn_v.bias", d * hkv)
        t(f"blk.{i}.attn_output.weight", d * h, e)
        t(f"blk.{i}.ffn_norm.weight", e)
        t(f"blk.{i}.ffn_gate.weight", e, ff)
        t(f"blk.{i}.ffn_up.weight", e, ff)
        t(f"blk.{i}.ffn_down.weight", ff, e)
    t("output_norm.weight", e)
    t("output.weight", e, n_vocab)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def quantize(src, dst, ftype):
    import ctypes
    import llama_cpp as L

    p = L.llama_model_quantize_default_params()
    p.ftype = ftype
    p.nthread = 1
    rc = L.llama_model_quantize(src.encode(), dst.encode(), ctypes.byref(p))
    if rc != 0:
        sys.exit(f"llama_model_quantize {src} -> {dst}: {rc}")


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--quantize":
        src, out_dir = sys.argv[2], sys.argv[3]
        base = os.path.basename(src)[: -len("-f32.gguf")]
        for label, ft in FTYPES.items():
            quantize(src, os.path.join(out_dir, f"{base}-{label}.gguf"), ft)
        return
    out_dir = sys.argv[1] if len(sys.argv) > 1 else "fixtures/requant"
    os.makedirs(out_dir, exist_ok=True)
    tmp = os.path.join(out_dir, "tmp")
    os.makedirs(tmp, exist_ok=True)
    for name, *dims in MODELS:
        src = os.path.join(tmp, f"{name}-f32.gguf")
        write_f32(src, *dims)
        subprocess.check_call([venv_python(), os.path.abspath(__file__), "--quantize", src, out_dir])
        os.remove(src)
    os.rmdir(tmp)


if __name__ == "__main__":
    main()
