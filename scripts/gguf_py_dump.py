#!/usr/bin/env python3
"""Dump a GGUF file with llama.cpp's own Python reader (PyPI `gguf`, GGUFReader) as JSON.

The cross-check test compares this, key by key and tensor by tensor, with `gguflens inspect
--json --full-arrays`. Output: {"metadata": [{"key", "type", "value"}], "tensors": [{"name",
"type_id", "shape", "offset"}]}. Arrays are emitted whole; floats as Python floats (f32 values
widened exactly); strings decoded as UTF-8 with replacement.
"""
import json
import sys

from gguf import GGUFReader, GGUFValueType

NAMES = {
    GGUFValueType.UINT8: "u8", GGUFValueType.INT8: "i8", GGUFValueType.UINT16: "u16",
    GGUFValueType.INT16: "i16", GGUFValueType.UINT32: "u32", GGUFValueType.INT32: "i32",
    GGUFValueType.FLOAT32: "f32", GGUFValueType.BOOL: "bool", GGUFValueType.STRING: "string",
    GGUFValueType.ARRAY: "array", GGUFValueType.UINT64: "u64", GGUFValueType.INT64: "i64",
    GGUFValueType.FLOAT64: "f64",
}


def scalar(field, part_index):
    part = field.parts[part_index]
    t = field.types[-1]
    if t == GGUFValueType.STRING:
        return bytes(part).decode("utf-8", errors="replace")
    v = part.tolist()[0]
    if t == GGUFValueType.BOOL:
        return bool(v)
    return v


def main(path):
    r = GGUFReader(path, "r")
    meta = []
    for field in r.fields.values():
        if field.name.startswith("GGUF."):
            continue  # the reader's pseudo-fields for the header
        t0 = field.types[0]
        if t0 == GGUFValueType.ARRAY:
            if len(field.types) > 2:
                raise SystemExit(f"nested array in {field.name}: not compared")
            et = field.types[1] if len(field.types) > 1 else None
            items = [scalar_elem(field, i, et) for i in field.data]
            meta.append({"key": field.name, "type": f"array[{NAMES[et] if et is not None else '?'}]",
                         "value": items})
        else:
            meta.append({"key": field.name, "type": NAMES[t0], "value": scalar(field, field.data[0])})
    tensors = [
        {"name": t.name, "type_id": int(t.tensor_type), "shape": [int(x) for x in t.shape],
         "offset": int(t.data_offset)}
        for t in r.tensors
    ]
    json.dump({"metadata": meta, "tensors": tensors}, sys.stdout)


def scalar_elem(field, idx, et):
    part = field.parts[idx]
    if et == GGUFValueType.STRING:
        return bytes(part).decode("utf-8", errors="replace")
    v = part.tolist()[0]
    return bool(v) if et == GGUFValueType.BOOL else v


if __name__ == "__main__":
    main(sys.argv[1])
