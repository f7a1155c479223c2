#!/usr/bin/env python3
"""Load a GGUF with the real llama.cpp (PyPI llama-cpp-python, CPU) and report every buffer it
allocates, as JSON.

    llama_alloc.py --install                      # build llama-cpp-python==0.3.36 into the venv
    llama_alloc.py MODEL.gguf [-c N] [-b N] [-ub N] [-np N] [--kv-unified] [-ctk T] [-ctv T]
                   [-fa on|off|auto] [--swa-full|--no-swa-full] [--no-mmap] [--no-repack]
                   [--n-outputs-max N]

Each run loads the model through the low-level C API (llama_model_load_from_file,
llama_init_from_model) with llama_context_default_params() plus the given settings, collects
llama.cpp's log lines (model/KV/RS/output/compute buffer sizes, context sizes, flash attention)
and, through an LD_PRELOAD shim over ggml_aligned_malloc (alloc_trace.c), the exact byte size of
every buffer it logs. Runs in a child process so that each configuration starts clean and an
abort inside llama.cpp is reported instead of killing a grid.
"""
import argparse
import ctypes
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CACHE = os.path.expanduser("~/.cache/gguflens")
VENV = os.environ.get("GGUFLENS_ORACLE_VENV", os.path.join(CACHE, "oracle-venv"))
VERSION = "0.3.36"
SHIM = os.path.join(CACHE, "alloc_trace.so")

CACHE_TYPES = {"f32": 0, "f16": 1, "q4_0": 2, "q4_1": 3, "q5_0": 6, "q5_1": 7, "q8_0": 8,
               "iq4_nl": 20, "bf16": 30}
FA = {"auto": -1, "off": 0, "on": 1}


def venv_python():
    return os.path.join(VENV, "bin", "python")


def install():
    """Creates the venv and compiles llama-cpp-python (about 20 minutes on 2 cores)."""
    if not os.path.exists(venv_python()):
        subprocess.check_call([sys.executable, "-m", "venv", VENV])
    env = dict(os.environ, CMAKE_BUILD_PARALLEL_LEVEL=str(os.cpu_count() or 2))
    subprocess.check_call([venv_python(), "-m", "pip", "install", "-v",
                           f"llama-cpp-python=={VERSION}"], env=env)
    build_shim()


def build_shim():
    os.makedirs(CACHE, exist_ok=True)
    subprocess.check_call(["gcc", "-O2", "-shared", "-fPIC", "-o", SHIM,
                           os.path.join(HERE, "alloc_trace.c")])


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model", nargs="?")
    p.add_argument("--install", action="store_true")
    p.add_argument("-c", "--ctx-size", type=int, default=512)
    p.add_argument("-b", "--batch-size", type=int, default=2048)
    p.add_argument("-ub", "--ubatch-size", type=int, default=512)
    p.add_argument("-np", "--parallel", type=int, default=1)
    p.add_argument("--kv-unified", action="store_true")
    p.add_argument("-ctk", "--cache-type-k", default="f16", choices=sorted(CACHE_TYPES))
    p.add_argument("-ctv", "--cache-type-v", default="f16", choices=sorted(CACHE_TYPES))
    p.add_argument("-fa", "--flash-attn", default="auto", choices=sorted(FA))
    g = p.add_mutually_exclusive_group()
    g.add_argument("--swa-full", dest="swa_full", action="store_const", const=True)
    g.add_argument("--no-swa-full", dest="swa_full", action="store_const", const=False)
    p.add_argument("--no-mmap", action="store_true")
    p.add_argument("--no-repack", action="store_true",
                   help="use_extra_bufts = false: no CPU_REPACK buffer")
    p.add_argument("--n-outputs-max", type=int, default=0)
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    return p.parse_args(argv)


MIB = 1024.0 * 1024.0
RE = [
    ("model", re.compile(r"load_tensors:\s+(\S+) model buffer size =\s+([\d.]+) MiB")),
    ("kv", re.compile(r"llama_kv_cache:\s+(\S+) KV buffer size =\s+([\d.]+) MiB")),
    ("rs", re.compile(r"llama_memory_recurrent:\s+(\S+) RS buffer size =\s+([\d.]+) MiB")),
    ("output", re.compile(r"llama_context:\s+(\S+)\s+output buffer size =\s+([\d.]+) MiB")),
    ("compute", re.compile(r"sched_reserve:\s+(\S+) compute buffer size =\s+([\d.]+) MiB")),
]
RE_CELLS = re.compile(r"llama_kv_cache: size = +[\d.]+ MiB \( *(\d+) cells, +(\d+) layers, +(\d+)/(\d+) seqs\)")
RE_RS = re.compile(r"llama_memory_recurrent: size = +[\d.]+ MiB \( *(\d+) cells, +(\d+) layers")
RE_CTX = re.compile(r"llama_context: (n_ctx|n_ctx_seq|n_batch|n_ubatch|n_seq_max)\s+= (\d+)")
RE_FA = re.compile(r"llama_context: flash_attn\s+= (\S+)")
RE_FA_RESOLVED = re.compile(r"Flash Attention (?:was auto, )?(?:set to )?(enabled|disabled)|flash_attn (enabled|not supported)")
RE_FREE = re.compile(r"~llama_context:\s+(\S+) compute buffer size (?:is|of)\s+([\d.]+) MiB")


def child(a):
    sys.path.insert(0, HERE)
    import llama_cpp as L

    trace = ctypes.CDLL(SHIM) if os.path.exists(SHIM) else None
    traced = lambda: [trace.gguflens_trace_get(i) for i in range(trace.gguflens_trace_count())] if trace else []
    if trace:
        trace.gguflens_trace_count.restype = ctypes.c_size_t
        trace.gguflens_trace_get.restype = ctypes.c_size_t
        trace.gguflens_trace_get.argtypes = [ctypes.c_size_t]

    lines = []
    claimed = set()
    events = []  # (kind, buft, mib, exact bytes or None)
    pending = [""]

    def on_log(level, text, user):
        pending[0] += text.decode("utf-8", "replace")
        while "\n" in pending[0]:
            line, pending[0] = pending[0].split("\n", 1)
            lines.append(line)
            for kind, rx in RE:
                m = rx.search(line)
                if m:
                    # The allocation behind a logged buffer is the most recent one not yet
                    # claimed whose size rounds to the logged MiB figure (CPU_Mapped buffers
                    # wrap the file map and have none; a model's buffers are all allocated
                    # before the first is logged).
                    sizes = traced()
                    mib = float(m.group(2))
                    exact = None
                    for i in reversed(range(len(sizes))):
                        if i not in claimed and abs(sizes[i] / MIB - mib) < 0.0051:
                            claimed.add(i)
                            exact = sizes[i]
                            break
                    events.append((kind, m.group(1), mib, exact))

    cb = L.llama_log_callback(on_log)
    L.llama_log_set(cb, ctypes.c_void_p(0))
    L.llama_backend_init()

    mp = L.llama_model_default_params()
    mp.n_gpu_layers = 0
    mp.load_mode = 0 if a.no_mmap else 1  # LLAMA_LOAD_MODE_NONE / _MMAP
    mp.use_extra_bufts = not a.no_repack
    model = L.llama_model_load_from_file(a.model.encode(), mp)
    out = {"model": os.path.basename(a.model), "settings": vars(a).copy(), "status": "ok"}
    out["settings"]["model"] = os.path.basename(a.model)
    out["settings"].pop("child", None)
    out["settings"].pop("install", None)
    if not model:
        out["status"] = "failed:model_load"
    else:
        cp = L.llama_context_default_params()
        cp.n_ctx = a.ctx_size
        cp.n_batch = a.batch_size
        cp.n_ubatch = a.ubatch_size
        cp.n_seq_max = a.parallel
        cp.kv_unified = a.kv_unified
        cp.type_k = CACHE_TYPES[a.cache_type_k]
        cp.type_v = CACHE_TYPES[a.cache_type_v]
        cp.flash_attn_type = FA[a.flash_attn]
        if a.swa_full is not None:
            cp.swa_full = a.swa_full
        if hasattr(cp, "n_outputs_max"):
            cp.n_outputs_max = a.n_outputs_max
        out["settings"]["swa_full_effective"] = bool(cp.swa_full)
        ctx = L.llama_init_from_model(model, cp)
        if not ctx:
            out["status"] = "failed:context_init"
        else:
            L.llama_free(ctx)
        L.llama_model_free(model)

    buffers = [{"kind": kind, "buffer_type": buft, "mib": mib, "bytes": exact}
               for kind, buft, mib, exact in events]
    out["buffers"] = buffers
    info = {}
    for line in lines:
        m = RE_CTX.search(line)
        if m:
            info[m.group(1)] = int(m.group(2))
        m = RE_CELLS.search(line)
        if m:
            info.setdefault("kv_caches", []).append(
                {"cells": int(m.group(1)), "layers": int(m.group(2)), "n_seq_max": int(m.group(3)),
                 "streams": int(m.group(4))})
        m = RE_RS.search(line)
        if m:
            info["rs_cells"], info["rs_layers"] = int(m.group(1)), int(m.group(2))
        m = RE_FA.search(line)
        if m:
            info["flash_attn_requested"] = m.group(1)
        if "flash_attn enabled" in line or "Flash Attention was auto, set to enabled" in line:
            info["flash_attn_auto"] = "enabled"
        if "flash_attn not supported" in line or "set to disabled" in line:
            info["flash_attn_auto"] = "disabled"
        m = RE_FREE.search(line)
        if m:
            info["compute_mib_at_free"] = float(m.group(2))
        if out["status"] != "ok" and line.startswith("llama_init_from_model:"):
            out["error"] = line.strip()  # the last one says why the context was refused
    out["context"] = info
    print(json.dumps(out))


def run(argv):
    """Runs one configuration in a child process under the venv's Python with the shim."""
    env = dict(os.environ)
    if os.path.exists(SHIM):
        env["LD_PRELOAD"] = SHIM
    cmd = [venv_python(), os.path.abspath(__file__), "--child"] + argv
    r = subprocess.run(cmd, env=env, capture_output=True, text=True)
    last = [l for l in r.stdout.splitlines() if l.startswith("{")]
    if r.returncode != 0 or not last:
        return {"status": f"failed:exit_{r.returncode}", "stderr": r.stderr[-2000:], "argv": argv}
    return json.loads(last[-1])


def main():
    a = parse_args(sys.argv[1:])
    if a.install:
        install()
        return
    if not a.model:
        sys.exit("llama_alloc.py: a GGUF file is required (or --install)")
    if a.child:
        child(a)
        return
    if not os.path.exists(SHIM):
        build_shim()
    print(json.dumps(run(sys.argv[1:]), indent=1))


if __name__ == "__main__":
    main()
