#!/usr/bin/env python3
"""Record llama.cpp's CPU allocations for the synthetic models over a small grid of settings and
write fixtures/oracle/synthetic-allocations.csv (same columns as llama-cpp-cpu-allocations.csv,
plus rs_buffer_bytes) and fixtures/oracle/synthetic-allocations.jsonl (every run, raw).

    python3 scripts/oracle/llama_alloc.py --install     # once: builds llama.cpp (~20 min, 2 cores)
    cargo run --example oracle_models -- target/oracle-models
    python3 scripts/oracle/record_grid.py target/oracle-models
    python3 scripts/oracle/record_grid.py target/oracle-models --only=synth-rwkv6.gguf  # one model

CI never runs this; tests/mem_oracle.rs compares gguflens against the committed CSV.
"""
import csv
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import llama_alloc  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
OUT_CSV = os.path.join(ROOT, "fixtures", "oracle", "synthetic-allocations.csv")
OUT_JSONL = os.path.join(ROOT, "fixtures", "oracle", "synthetic-allocations.jsonl")

COLUMNS = ("file,arch,n_ctx_train,n_ctx_requested,n_ctx_actual,n_ctx_seq,kv_cells,kv_streams,swa_kv_cells,"
           "type_k,type_v,flash_attn_requested,flash_attn_actual,n_batch,n_ubatch,n_seq_max,kv_unified,swa_full,"
           "n_outputs_max,load_mode,repack,status,model_buffers_mib,model_buffers_bytes,kv_layers,kv_buffer_bytes,"
           "swa_kv_layers,swa_kv_buffer_bytes,rs_buffer_bytes,output_bytes,compute_bytes,graph_nodes,error").split(",")

ARCH = {
    "synth-llama-gqa.gguf": "llama",
    "synth-deci-per-layer.gguf": "deci",
    "synth-qwen2-bias.gguf": "qwen2",
    "synth-deepseek2-mla.gguf": "deepseek2",
    "synth-mamba.gguf": "mamba",
    "synth-gemma2-swa.gguf": "gemma2",
    "synth-llama-moe.gguf": "llama",
    "synth-rwkv6.gguf": "rwkv6",
    "synth-rwkv7.gguf": "rwkv7",
    "synth-lfm2.gguf": "lfm2",
    "synth-lfm2-swa.gguf": "lfm2",
    "synth-granite-hybrid.gguf": "granitehybrid",
    "synth-cohere2-swa.gguf": "cohere2",
    "synth-llama4-chunked.gguf": "llama4",
    "synth-gemma4-shared-kv.gguf": "gemma4",
    "synth-qwen3next.gguf": "qwen3next",
    "synth-jamba.gguf": "jamba",
    "synth-falcon-h1.gguf": "falcon-h1",
}
# K rows narrower than a 32-element block cannot hold a quantized cache.
NO_QUANT = {"synth-qwen2-bias.gguf", "synth-mamba.gguf"}


def grid(file):
    g = []
    for c in (512, 3000):
        for fa in ("on", "off"):
            g.append(dict(c=c, fa=fa))
    g.append(dict(c=4096, fa="auto", ub=256))
    g.append(dict(c=2048, fa="on", np=2))
    g.append(dict(c=2048, fa="off", np=2, unified=True))
    g.append(dict(c=1024, fa="on", no_mmap=True))
    if file not in NO_QUANT:
        g.append(dict(c=2048, fa="on", ctk="q8_0", ctv="q8_0"))
        g.append(dict(c=2048, fa="off", ctk="q4_0", ctv="f16"))
        g.append(dict(c=2048, fa="off", ctk="q8_0", ctv="q8_0"))  # refused by llama.cpp
    if file in ("synth-gemma2-swa.gguf", "synth-cohere2-swa.gguf", "synth-gemma4-shared-kv.gguf"):
        g.append(dict(c=4096, fa="on", swa_full=True))
        g.append(dict(c=8192, fa="off", np=3))
    if file == "synth-llama4-chunked.gguf":
        # Contexts past llama.cpp's fixed 8192-token chunk, where the chunked cache is smaller.
        g.append(dict(c=16384, fa="on"))
        g.append(dict(c=16384, fa="off"))
        g.append(dict(c=20000, fa="on", np=2))
        g.append(dict(c=16384, fa="on", swa_full=True))
    return g


def argv_for(path, s):
    a = [path, "-c", str(s["c"]), "-fa", s["fa"], "-ub", str(s.get("ub", 512)),
         "-np", str(s.get("np", 1)), "-ctk", s.get("ctk", "f16"), "-ctv", s.get("ctv", "f16")]
    a.append("--swa-full" if s.get("swa_full") else "--no-swa-full")
    if s.get("unified"):
        a.append("--kv-unified")
    if s.get("no_mmap"):
        a.append("--no-mmap")
    return a


def row(file, s, r):
    bufs = r.get("buffers", [])
    ctx = r.get("context", {})
    kv = [b for b in bufs if b["kind"] == "kv"]
    caches = ctx.get("kv_caches", [])
    # A cache of zero layers (the full-attention half of a hybrid whose attention layers are all
    # sliding-window ones) logs its size but allocates no buffer: pair buffers with the caches
    # that have layers.
    it = iter(kv)
    if r.get("status") == "ok" and caches:
        kv = [next(it, None) if c["layers"] > 0 else {"bytes": 0} for c in caches]
    model = [b for b in bufs if b["kind"] == "model"]
    rs = [b for b in bufs if b["kind"] == "rs"]
    out = [b for b in bufs if b["kind"] == "output"]
    comp = [b for b in bufs if b["kind"] == "compute"]
    ok = r.get("status") == "ok"
    swa = len(kv) == 2 and kv[1] is not None
    fa_req = s["fa"]
    fa_act = ""
    if ok:
        fa_act = {"on": "enabled", "off": "disabled"}.get(fa_req, "auto->" + ctx.get("flash_attn_auto", "enabled"))

    def b(x):
        return "" if x is None else str(x)
    d = {
        "file": file, "arch": ARCH.get(file, ""), "n_ctx_train": "",
        "n_ctx_requested": s["c"], "n_ctx_actual": ctx.get("n_ctx", "") if ok else "",
        "n_ctx_seq": ctx.get("n_ctx_seq", "") if ok else "",
        "kv_cells": caches[0]["cells"] if ok and caches else "",
        "kv_streams": caches[0]["streams"] if ok and caches else "",
        "swa_kv_cells": caches[1]["cells"] if ok and len(caches) > 1 else "",
        "type_k": s.get("ctk", "f16"), "type_v": s.get("ctv", "f16"),
        "flash_attn_requested": fa_req, "flash_attn_actual": fa_act,
        "n_batch": 2048, "n_ubatch": s.get("ub", 512), "n_seq_max": s.get("np", 1),
        "kv_unified": "true" if s.get("unified") else "false",
        "swa_full": "true->full" if s.get("swa_full") else "false->sized",
        "n_outputs_max": 0, "load_mode": "none" if s.get("no_mmap") else "mmap", "repack": "",
        "status": r.get("status", "failed"),
        "model_buffers_mib": ";".join(f"{m['buffer_type']}={m['mib']}" for m in model),
        "model_buffers_bytes": ";".join(f"{m['buffer_type']}={b(m['bytes'])}" for m in model),
        "kv_layers": caches[0]["layers"] if ok and caches else "",
        "kv_buffer_bytes": b(kv[0]["bytes"]) if ok and kv and kv[0] else ("0" if ok else ""),
        "swa_kv_layers": caches[1]["layers"] if ok and len(caches) > 1 else "",
        "swa_kv_buffer_bytes": b(kv[1]["bytes"]) if ok and swa else "",
        "rs_buffer_bytes": b(sum(x["bytes"] for x in rs)) if ok and rs and all(x["bytes"] is not None for x in rs) else ("0" if ok else ""),
        "output_bytes": b(out[0]["bytes"]) if ok and out else "",
        "compute_bytes": f"{comp[0]['buffer_type']}={b(comp[0]['bytes'])}" if ok and comp else "",
        "graph_nodes": "",
        "error": (r.get("error") or r.get("stderr", "")[-200:]).replace(",", ";").replace("\n", " ") if not ok else "",
    }
    return d


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--only=")]
    only = [a.split("=", 1)[1].split(",") for a in sys.argv[1:] if a.startswith("--only=")]
    only = set(only[0]) if only else None
    models_dir = args[0] if args else os.path.join(ROOT, "target", "oracle-models")
    if not os.path.exists(llama_alloc.SHIM):
        llama_alloc.build_shim()
    # With --only=FILE,FILE the other models' recorded rows are kept as they are.
    kept_rows, kept_json = {}, {}
    if only is not None:
        with open(OUT_CSV, newline="") as f:
            for d in csv.DictReader(f):
                kept_rows.setdefault(d["file"], []).append(d)
        with open(OUT_JSONL) as f:
            for line in f:
                kept_json.setdefault(json.loads(line)["model"], []).append(line.rstrip("\n"))
    rows = []
    with open(OUT_JSONL, "w") as jl:
        for file in sorted(ARCH):
            if only is not None and file not in only:
                for line in kept_json.get(file, []):
                    jl.write(line + "\n")
                rows.extend(kept_rows.get(file, []))
                continue
            path = os.path.join(models_dir, file)
            for s in grid(file):
                r = llama_alloc.run(argv_for(path, s))
                r["model"] = file
                jl.write(json.dumps(r) + "\n")
                rows.append(row(file, s, r))
                print(file, s, r.get("status"), file=sys.stderr)
    with open(OUT_CSV, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        for d in rows:
            w.writerow(d)
    print(f"wrote {len(rows)} rows to {OUT_CSV}", file=sys.stderr)


if __name__ == "__main__":
    main()
