#!/usr/bin/env python3
"""Record llama.cpp's CPU allocations with and without the CPU_REPACK buffer (weights copied
into an interleaved layout for the CPU's matrix kernels) and write
fixtures/oracle/repack-allocations.csv (the columns of synthetic-allocations.csv, with `repack`
set and `cpu` naming the recording CPU's features) and repack-allocations.jsonl (raw runs).

    python3 scripts/oracle/llama_alloc.py --install        # once: builds llama.cpp
    cargo run --example oracle_models -- target/oracle-models   # writes synth-repack-mix.gguf too
    python3 scripts/oracle/record_repack.py ~/.cache/gguflens/models target/oracle-models

Models: Qwen2.5-Coder-1.5B-Instruct Q4_K_M (scripts/fetch-models.sh's full download with
GGUFLENS_FULL_QWEN=1, not the header-only sparse copy), the synthetic synth-repack-mix.gguf, whose
tensors cover every type the x86 repack code handles (Q4_0, Q4_K, IQ4_NL, MXFP4, and Q2_K with
AVX-512) with row counts that do and do not qualify, and synth-repack-moe.gguf (3-D experts). CI never runs this; tests/mem_repack.rs replays the CSV.
"""
import csv
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import llama_alloc  # noqa: E402
import record_grid  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
OUT_CSV = os.path.join(ROOT, "fixtures", "oracle", "repack-allocations.csv")
OUT_JSONL = os.path.join(ROOT, "fixtures", "oracle", "repack-allocations.jsonl")
COLUMNS = record_grid.COLUMNS + ["cpu"]
MODELS = {
    "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf": ("qwen2", 0),
    "synth-repack-mix.gguf": ("llama", 1),
    "synth-repack-moe.gguf": ("llama", 1),
}


def cpu_features():
    flags = set()
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("flags"):
                flags = set(line.split(":", 1)[1].split())
                break
    keep = ["avx2", "avx512f", "avx512bw", "avx512vl", "avx512_vnni", "avx_vnni", "f16c", "fma"]
    return "x86:" + "+".join(k for k in keep if k in flags)


def grid():
    g = []
    for mmap in (True, False):
        for repack in (True, False):
            g.append(dict(c=4096, fa="on", no_mmap=not mmap, no_repack=not repack))
    g.append(dict(c=4096, fa="off"))
    g.append(dict(c=8192, fa="off", ub=256))
    g.append(dict(c=2048, fa="auto", np=2))
    return g


def main():
    dirs = sys.argv[1:3]
    if len(dirs) != 2:
        sys.exit(__doc__)
    if not os.path.exists(llama_alloc.SHIM):
        llama_alloc.build_shim()
    cpu = cpu_features()
    rows = []
    with open(OUT_JSONL, "w") as jl:
        for file, (arch, where) in MODELS.items():
            path = os.path.join(dirs[where], file)
            record_grid.ARCH[file] = arch
            for s in grid():
                argv = record_grid.argv_for(path, s)
                if s.get("no_repack"):
                    argv.append("--no-repack")
                r = llama_alloc.run(argv)
                r["model"] = file
                jl.write(json.dumps(r) + "\n")
                d = record_grid.row(file, s, r)
                d["repack"] = "off" if s.get("no_repack") else "on"
                d["cpu"] = cpu
                rows.append(d)
                print(file, s, r.get("status"), file=sys.stderr)
    with open(OUT_CSV, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        for d in rows:
            w.writerow(d)
    print(f"wrote {len(rows)} rows to {OUT_CSV}", file=sys.stderr)


if __name__ == "__main__":
    main()
