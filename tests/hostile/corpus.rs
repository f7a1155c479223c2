//! The hostile-file corpus: every malformed GGUF the reader must refuse or flag cleanly.
//!
//! The files under `fixtures/hostile/` are written by this generator (run the golden test with
//! `GGUFLENS_UPDATE_GOLDEN=1` to rewrite them) and checked against it on every run, so each
//! fixture's construction is documented here. A few cases are made at test time instead:
//! a directory, a FIFO, and arrays nested 100,000 deep (1.2 MB, too large to commit).

use gguflens::builder::{BValue, GgufBuilder};
use gguflens::format::{Gguf, Value, ValueType};
use gguflens::GgmlType;

/// One case: the files it consists of and the one to open.
pub struct Case {
    /// The file passed to `gguflens inspect`.
    pub open: String,
    /// What the case is about (one line, for the golden file).
    pub about: &'static str,
    /// Files to write: name and contents.
    pub files: Vec<(String, Vec<u8>)>,
}

/// A case made at test time (not committed).
pub enum Special {
    /// A directory named like a model.
    Directory,
    /// A named pipe (opening it for reading would block forever).
    Fifo,
    /// Arrays nested this deep.
    Nested(usize),
    /// A broken file whose name holds an escape sequence and a newline (not committed: such
    /// names are a nuisance in a checkout).
    EscapeName,
}

fn one(name: &str, about: &'static str, bytes: Vec<u8>) -> Case {
    Case {
        open: name.to_string(),
        about,
        files: vec![(name.to_string(), bytes)],
    }
}

/// The base file every cut and patch starts from: v3, little-endian, every structure once
/// (string, scalar, array of strings, nested array, alignment key, two tensors with data).
pub fn base_builder() -> GgufBuilder {
    GgufBuilder::new()
        .kv("general.architecture", BValue::str("llama"))
        .kv("general.name", BValue::str("a hostile base"))
        .kv("llama.block_count", BValue::U32(2))
        .kv(
            "tokenizer.ggml.tokens",
            BValue::strs(&["<s>", "</s>", "hello"]),
        )
        .kv(
            "llama.nested",
            BValue::Array(
                ValueType::ARRAY,
                vec![BValue::u32s(&[1, 2]), BValue::u32s(&[3])],
            ),
        )
        .kv("general.alignment", BValue::U32(32))
        .tensor("token_embd.weight", &[8, 2], GgmlType::F32)
        .tensor("blk.0.attn_q.weight", &[32, 2], GgmlType::Q8_0)
}

/// Byte positions of the base file's structures, read back with the reader itself.
struct Layout {
    /// (entry offset, key length, value offset) per metadata entry.
    kv: Vec<(usize, usize, usize)>,
    /// Per array-valued entry: the file offset of its first element.
    array_first: Vec<usize>,
    /// (entry offset, name length, n_dims) per tensor.
    tensors: Vec<(usize, usize, usize)>,
    header_end: usize,
    data_offset: usize,
}

fn layout(bytes: &[u8]) -> Layout {
    let g = Gguf::parse(bytes).expect("base parses");
    let kv = g
        .metadata
        .iter()
        .map(|e| {
            let o = e.offset as usize;
            let k = e.key.len();
            (o, k, o + 8 + k + 4)
        })
        .collect();
    let array_first = g
        .metadata
        .iter()
        .filter_map(|e| match e.value {
            Value::Array(a) => Some(a.offset as usize),
            _ => None,
        })
        .collect();
    let tensors = g
        .tensors
        .iter()
        .map(|t| (t.entry_offset as usize, t.name.len(), t.n_dims as usize))
        .collect();
    Layout {
        kv,
        array_first,
        tensors,
        header_end: g.accounting.header_bytes as usize,
        data_offset: g.data_offset as usize,
    }
}

fn patch_u32(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

fn patch_u64(b: &mut [u8], at: usize, v: u64) {
    b[at..at + 8].copy_from_slice(&v.to_le_bytes());
}

/// Positions inside a tensor entry: (n_dims field, first dim, type field, offset field).
fn tensor_fields(l: &Layout, i: usize) -> (usize, usize, usize, usize) {
    let (o, name, nd) = l.tensors[i];
    let ndims = o + 8 + name;
    let dims = ndims + 4;
    let ty = dims + 8 * nd;
    (ndims, dims, ty, ty + 4)
}

fn cut(b: &[u8], at: usize) -> Vec<u8> {
    b[..at].to_vec()
}

/// Arrays of u8 nested `depth` deep (the innermost holds one byte), as one metadata entry.
pub fn nested(depth: usize) -> Vec<u8> {
    let mut b = Vec::with_capacity(40 + depth * 12);
    b.extend_from_slice(b"GGUF");
    b.extend_from_slice(&3u32.to_le_bytes());
    b.extend_from_slice(&0u64.to_le_bytes());
    b.extend_from_slice(&1u64.to_le_bytes());
    b.extend_from_slice(&4u64.to_le_bytes());
    b.extend_from_slice(b"deep");
    b.extend_from_slice(&ValueType::ARRAY.0.to_le_bytes());
    for _ in 1..depth {
        b.extend_from_slice(&ValueType::ARRAY.0.to_le_bytes());
        b.extend_from_slice(&1u64.to_le_bytes());
    }
    b.extend_from_slice(&ValueType::U8.0.to_le_bytes());
    b.extend_from_slice(&1u64.to_le_bytes());
    b.push(7);
    b
}

fn tensor_file(f: impl FnOnce(GgufBuilder) -> GgufBuilder) -> Vec<u8> {
    f(GgufBuilder::new().kv("general.architecture", BValue::str("llama"))).build()
}

fn shard(no: u64, count: u64, tensors: u64, tensor: &str) -> GgufBuilder {
    GgufBuilder::new()
        .kv("general.architecture", BValue::str("llama"))
        .kv("split.no", BValue::U16(no as u16))
        .kv("split.count", BValue::U16(count as u16))
        .kv("split.tensors.count", BValue::I32(tensors as i32))
        .tensor(tensor, &[32], GgmlType::F32)
}

fn split_case(prefix: &str, about: &'static str, count: u32, shards: Vec<(u32, Vec<u8>)>) -> Case {
    let name = |i: u32| format!("{prefix}-{i:05}-of-{count:05}.gguf");
    Case {
        open: name(1),
        about,
        files: shards.into_iter().map(|(i, b)| (name(i), b)).collect(),
    }
}

/// A whole one-block llama (embedding 32, 2 heads, 1 KV head, vocabulary 32), small enough to
/// commit many variants of: what `mem` and `layers` need to get past the metadata.
pub fn tiny_llama() -> GgufBuilder {
    let (e, kv, ff, vocab) = (32u64, 16u64, 64u64, 32u64);
    let mut g = GgufBuilder::new()
        .kv("general.architecture", BValue::str("llama"))
        .kv("general.name", BValue::str("tiny llama"))
        .kv("general.file_type", BValue::U32(7))
        .kv("llama.block_count", BValue::U32(1))
        .kv("llama.context_length", BValue::U32(2048))
        .kv("llama.embedding_length", BValue::U32(e as u32))
        .kv("llama.feed_forward_length", BValue::U32(ff as u32))
        .kv("llama.attention.head_count", BValue::U32(2))
        .kv("llama.attention.head_count_kv", BValue::U32(1))
        .kv("llama.rope.dimension_count", BValue::U32(16))
        .kv("llama.attention.layer_norm_rms_epsilon", BValue::F32(1e-5))
        .kv("tokenizer.ggml.model", BValue::str("llama"))
        .kv(
            "tokenizer.ggml.tokens",
            BValue::strs(&(0..vocab).map(|i| format!("t{i}")).collect::<Vec<_>>()),
        );
    let q = GgmlType::Q8_0;
    let f = GgmlType::F32;
    for (name, dims, ty) in [
        ("token_embd.weight", vec![e, vocab], q),
        ("output_norm.weight", vec![e], f),
        ("blk.0.attn_norm.weight", vec![e], f),
        ("blk.0.attn_q.weight", vec![e, e], q),
        ("blk.0.attn_k.weight", vec![e, kv], q),
        ("blk.0.attn_v.weight", vec![e, kv], q),
        ("blk.0.attn_output.weight", vec![e, e], q),
        ("blk.0.ffn_norm.weight", vec![e], f),
        ("blk.0.ffn_gate.weight", vec![e, ff], q),
        ("blk.0.ffn_down.weight", vec![ff, e], q),
        ("blk.0.ffn_up.weight", vec![e, ff], q),
    ] {
        // Non-zero data: verify flags all-zero tensors.
        let n = ty.tensor_bytes(&dims).unwrap() as usize;
        let data = (0..n)
            .map(|i| if ty == f { 0x3c } else { (i % 7) as u8 + 1 })
            .collect();
        g = g.tensor_data(name, &dims, ty, data);
    }
    g
}

/// Every committed case.
pub fn cases() -> Vec<Case> {
    let base = base_builder().build();
    let l = layout(&base);
    let mut v = Vec::new();

    // Not GGUF at all.
    v.push(one("empty.gguf", "an empty file", Vec::new()));
    let mut b = base.clone();
    b[..4].copy_from_slice(b"GGML");
    v.push(one("bad-magic.gguf", "the old GGML magic", b));
    v.push(one(
        "html-error-page.gguf",
        "what a failed download saves",
        b"<!DOCTYPE html><html><body>404 Not Found</body></html>\n".to_vec(),
    ));
    let mut b = base.clone();
    patch_u32(&mut b, 4, 4);
    v.push(one("version-4.gguf", "a version from the future", b));
    let mut b = base.clone();
    patch_u32(&mut b, 4, 0);
    v.push(one("version-0.gguf", "version zero", b));

    // A cut at every structural boundary.
    let (k0, k0len, k0val) = l.kv[0];
    let (_, _, bc_val) = l.kv[2];
    let tokens = l.array_first[0];
    let nested_first = l.array_first[1];
    let (t_ndims, t_dims, t_type, t_off) = tensor_fields(&l, 0);
    let t0 = l.tensors[0].0;
    let cuts: Vec<(&str, &'static str, usize)> = vec![
        ("cut-magic", "cut inside the magic", 2),
        ("cut-version", "cut inside the version", 6),
        ("cut-tensor-count", "cut inside the tensor count", 12),
        ("cut-kv-count", "cut inside the metadata count", 20),
        ("cut-key-length", "cut inside a key's length", k0 + 3),
        ("cut-key", "cut inside a key", k0 + 8 + 5),
        (
            "cut-value-type",
            "cut inside a value type",
            k0 + 8 + k0len + 2,
        ),
        (
            "cut-string-length",
            "cut inside a string value's length",
            k0val + 3,
        ),
        ("cut-string", "cut inside a string value", k0val + 8 + 2),
        ("cut-scalar", "cut inside a u32 value", bc_val + 2),
        (
            "cut-array-type",
            "cut inside an array's element type",
            tokens - 12 + 2,
        ),
        (
            "cut-array-length",
            "cut inside an array's length",
            tokens - 8 + 3,
        ),
        (
            "cut-array-element",
            "cut inside an array's string element",
            tokens + 9,
        ),
        (
            "cut-nested-array",
            "cut inside a nested array's header",
            nested_first + 6,
        ),
        (
            "cut-tensor-name-length",
            "cut inside a tensor name's length",
            t0 + 3,
        ),
        ("cut-tensor-name", "cut inside a tensor name", t0 + 8 + 4),
        (
            "cut-tensor-ndims",
            "cut inside a tensor's dimension count",
            t_ndims + 2,
        ),
        (
            "cut-tensor-dims",
            "cut inside a tensor's second dimension",
            t_dims + 8 + 3,
        ),
        ("cut-tensor-type", "cut inside a tensor's type", t_type + 1),
        (
            "cut-tensor-offset",
            "cut inside a tensor's data offset",
            t_off + 5,
        ),
        (
            "cut-padding",
            "cut inside the padding before the data",
            l.header_end + 1,
        ),
        (
            "cut-data",
            "cut inside the second tensor's data",
            l.data_offset + 64 + 10,
        ),
    ];
    assert!(l.header_end < l.data_offset, "the base has header padding");
    for (name, about, at) in cuts {
        v.push(one(&format!("{name}.gguf"), about, cut(&base, at)));
    }
    let v1 = GgufBuilder {
        version: 1,
        ..base_builder()
    }
    .build();
    v.push(one(
        "v1-cut-key.gguf",
        "GGUF v1 (4-byte lengths) cut inside a key",
        cut(&v1, 24 + 4 + 6),
    ));
    let be = GgufBuilder {
        big_endian: true,
        ..base_builder()
    }
    .build();
    let le = layout(&base);
    v.push(one(
        "big-endian-cut-tensor.gguf",
        "big-endian, cut inside the tensor directory",
        cut(&be, le.tensors[1].0 + 10),
    ));

    // Counts and lengths no file can hold.
    let mut b = base.clone();
    patch_u64(&mut b, 16, 1 << 63);
    v.push(one("kv-count-2p63.gguf", "metadata count 2^63", b));
    let mut b = base.clone();
    patch_u64(&mut b, 8, 1 << 63);
    v.push(one("tensor-count-2p63.gguf", "tensor count 2^63", b));
    let mut b = v1.clone();
    patch_u32(&mut b, 12, u32::MAX);
    v.push(one(
        "v1-kv-count-max.gguf",
        "GGUF v1 metadata count 2^32-1",
        b,
    ));
    let mut b = base.clone();
    patch_u64(&mut b, k0, 1 << 63);
    v.push(one("key-length-2p63.gguf", "a key length of 2^63", b));
    let mut b = base.clone();
    patch_u64(&mut b, k0val, base.len() as u64);
    v.push(one(
        "string-past-end.gguf",
        "a string value longer than the file",
        b,
    ));
    let mut b = base.clone();
    patch_u64(&mut b, tokens - 8, 1 << 63);
    v.push(one("array-length-2p63.gguf", "an array length of 2^63", b));
    let mut b = base.clone();
    patch_u64(&mut b, tokens - 8, 1_000_000);
    v.push(one(
        "array-length-past-end.gguf",
        "an array of a million strings in a small file",
        b,
    ));
    let mut b = base.clone();
    patch_u64(&mut b, tokens, 1 << 62);
    v.push(one(
        "array-string-past-end.gguf",
        "a string inside an array longer than the file",
        b,
    ));
    v.push(one("nested-65.gguf", "arrays nested 65 deep", nested(65)));
    v.push(one(
        "nested-64.gguf",
        "arrays nested 64 deep (the limit: readable)",
        nested(64),
    ));

    // Types.
    let mut b = base.clone();
    patch_u32(&mut b, l.kv[2].2 - 4, 13);
    v.push(one("unknown-value-type.gguf", "metadata value type 13", b));
    let mut b = base.clone();
    patch_u32(&mut b, tokens - 12, 99);
    v.push(one("unknown-array-type.gguf", "array element type 99", b));
    let mut b = base.clone();
    patch_u32(&mut b, nested_first, 77);
    v.push(one(
        "unknown-nested-type.gguf",
        "a nested array of element type 77",
        b,
    ));
    let mut b = base.clone();
    patch_u32(&mut b, t_type, 99);
    v.push(one("unknown-tensor-type.gguf", "ggml type 99", b));
    v.push(one(
        "partial-block.gguf",
        "a Q4_K row of 100 elements (blocks hold 256)",
        tensor_file(|g| g.tensor("w", &[100, 2], GgmlType::Q4_K)),
    ));

    // Tensor shapes and offsets.
    let mut b = base.clone();
    patch_u32(&mut b, t_ndims, 5);
    v.push(one("too-many-dims.gguf", "a tensor with 5 dimensions", b));
    v.push(one(
        "dims-overflow.gguf",
        "dimensions whose product overflows u64",
        tensor_file(|mut g| {
            g.tensors.push(gguflens::builder::BTensor {
                name: b"huge".to_vec(),
                dims: vec![1 << 32, 1 << 32, 16],
                ggml_type: 0,
                offset: Some(0),
                data: Some(vec![0; 32]),
            });
            g
        }),
    ));
    v.push(one(
        "bytes-overflow.gguf",
        "an element count that fits but a byte size that overflows u64",
        tensor_file(|mut g| {
            g.tensors.push(gguflens::builder::BTensor {
                name: b"huge".to_vec(),
                dims: vec![1 << 61, 1],
                ggml_type: GgmlType(28).0, // F64: 8 bytes each
                offset: Some(0),
                data: Some(vec![0; 32]),
            });
            g
        }),
    ));
    let mut b = base.clone();
    let (_, _, _, t1_off) = tensor_fields(&l, 1);
    patch_u64(&mut b, t1_off, 32);
    v.push(one(
        "overlap.gguf",
        "the second tensor's data overlaps the first's",
        b,
    ));
    v.push(one(
        "overlap-three.gguf",
        "one large tensor covering two later ones",
        tensor_file(|mut g| {
            for (name, dims, off) in [
                ("big", vec![1024u64], 0u64),
                ("small-a", vec![16], 0),
                ("small-b", vec![16], 128),
            ] {
                g.tensors.push(gguflens::builder::BTensor {
                    name: name.as_bytes().to_vec(),
                    dims,
                    ggml_type: 0,
                    offset: Some(off),
                    data: None,
                });
            }
            g
        }),
    ));
    let mut b = base.clone();
    patch_u64(&mut b, t1_off, 64 + 4);
    v.push(one(
        "misaligned.gguf",
        "a data offset not a multiple of 32",
        b,
    ));
    let mut b = base.clone();
    patch_u64(&mut b, t1_off, 1 << 40);
    v.push(one(
        "offset-past-end.gguf",
        "a data offset 1 TiB past the end",
        b,
    ));
    let mut b = base.clone();
    patch_u64(&mut b, t1_off, u64::MAX - 31);
    v.push(one(
        "offset-overflow.gguf",
        "an aligned data offset that overflows the file offset",
        b,
    ));
    let mut b = base.clone();
    b.extend_from_slice(&[0xee; 100]);
    v.push(one("trailing-bytes.gguf", "100 bytes after the data", b));

    // Text.
    v.push(one("invalid-utf8-key.gguf", "a key that is not UTF-8", {
        let mut g = base_builder();
        g.kvs.push((b"general.\xff\xfe".to_vec(), BValue::U8(1)));
        g.build()
    }));
    v.push(one(
        "invalid-utf8-value.gguf",
        "a string value that is not UTF-8",
        base_builder()
            .kv("general.description", BValue::Str(b"caf\xe9 \xc3".to_vec()))
            .build(),
    ));
    v.push(one(
        "invalid-utf8-tensor-name.gguf",
        "a tensor name that is not UTF-8",
        tensor_file(|mut g| {
            g.tensors.push(gguflens::builder::BTensor {
                name: b"blk.\x80.weight".to_vec(),
                dims: vec![32],
                ggml_type: 0,
                offset: None,
                data: None,
            });
            g
        }),
    ));
    v.push(one(
        "duplicate-key.gguf",
        "general.name twice",
        base_builder()
            .kv("general.name", BValue::str("second"))
            .build(),
    ));
    v.push(one(
        "duplicate-tensor.gguf",
        "a tensor name twice",
        base_builder()
            .tensor("token_embd.weight", &[32], GgmlType::F32)
            .build(),
    ));
    v.push(one(
        "escape-sequences.gguf",
        "terminal escapes and a bidi override in keys, values and tensor names",
        GgufBuilder::new()
            .kv("general.architecture", BValue::str("llama"))
            .kv("general.name", BValue::str("\x1b[2J\x1b[31mred\x1b[0m"))
            .kv(
                "general.\x1b]0;title\x07key",
                BValue::str("\u{202e}txt.exe"),
            )
            .kv(
                "tokenizer.ggml.tokens",
                BValue::strs(&["\x1b[1A", "\r\x1b[K", "ok"]),
            )
            .kv("llama.\x1b[5mblink", BValue::U32(1))
            .tensor("evil\x1b[1Aname", &[32], GgmlType::F32)
            .build(),
    ));

    v.push(one(
        "escape-in-role.gguf",
        "a block tensor whose role (a layers column header) holds an escape sequence",
        tiny_llama()
            .tensor("blk.0.ffn\x1b[31m.weight", &[32], GgmlType::F32)
            .build(),
    ));

    // Alignment.
    for (name, about, value) in [
        ("alignment-0", "general.alignment = 0", BValue::U32(0)),
        ("alignment-3", "general.alignment = 3", BValue::U32(3)),
        (
            "alignment-2p31",
            "general.alignment = 2^31",
            BValue::U32(1 << 31),
        ),
        (
            "alignment-negative",
            "general.alignment = -32 (i32)",
            BValue::I32(-32),
        ),
        (
            "alignment-string",
            "general.alignment = \"32\"",
            BValue::str("32"),
        ),
    ] {
        let mut g = base_builder();
        g.kvs.retain(|(k, _)| k != b"general.alignment");
        g.kvs.push((b"general.alignment".to_vec(), value));
        v.push(one(&format!("{name}.gguf"), about, g.build()));
    }

    // Split sets.
    v.push(split_case(
        "split-missing",
        "a set of 3 whose second shard is absent",
        3,
        vec![
            (1, shard(0, 3, 3, "a").build()),
            (3, shard(2, 3, 3, "c").build()),
        ],
    ));
    v.push(split_case(
        "split-count-mismatch",
        "the second shard says split.count 4",
        2,
        vec![
            (1, shard(0, 2, 2, "a").build()),
            (2, shard(1, 4, 2, "b").build()),
        ],
    ));
    v.push(split_case(
        "split-other-set",
        "the second shard belongs to another set (split.tensors.count)",
        2,
        vec![
            (1, shard(0, 2, 2, "a").build()),
            (2, shard(1, 2, 7, "b").build()),
        ],
    ));
    v.push(split_case(
        "split-wrong-number",
        "the second shard says split.no 0",
        2,
        vec![
            (1, shard(0, 2, 2, "a").build()),
            (2, shard(0, 2, 2, "b").build()),
        ],
    ));
    v.push(split_case(
        "split-corrupt-shard",
        "the second shard has a bad magic",
        2,
        vec![(1, shard(0, 2, 2, "a").build()), (2, b"GGML????".to_vec())],
    ));
    v.push(split_case(
        "split-duplicate-tensor",
        "both shards hold a tensor of the same name",
        2,
        vec![
            (1, shard(0, 2, 2, "a").build()),
            (2, shard(1, 2, 2, "a").build()),
        ],
    ));
    v.push(one(
        "lone-shard.gguf",
        "a file named like a whole model that says it is shard 2 of 3",
        shard(1, 3, 3, "b").build(),
    ));
    v.push(one(
        "lone-shard-no-max.gguf",
        "a lone file with split.count 2 and split.no 2^64-1",
        GgufBuilder::new()
            .kv("split.no", BValue::U64(u64::MAX))
            .kv("split.count", BValue::U16(2))
            .build(),
    ));

    // Hyperparameters that break a memory prediction (the model is otherwise whole).
    for (name, about, key, value) in [
        (
            "context-length-0",
            "llama.context_length = 0 (mem once panicked on it)",
            "llama.context_length",
            BValue::U32(0),
        ),
        (
            "block-count-0",
            "llama.block_count = 0",
            "llama.block_count",
            BValue::U32(0),
        ),
        (
            "block-count-2p32",
            "llama.block_count = 2^32 - 1",
            "llama.block_count",
            BValue::U32(u32::MAX),
        ),
        (
            "head-count-short-array",
            "llama.attention.head_count with 2 values for 1 block",
            "llama.attention.head_count",
            BValue::u32s(&[2, 2]),
        ),
        (
            "head-count-string",
            "llama.attention.head_count = \"2\"",
            "llama.attention.head_count",
            BValue::str("2"),
        ),
    ] {
        let mut g = tiny_llama();
        for (k, v) in g.kvs.iter_mut() {
            if k == key.as_bytes() {
                *v = value.clone();
            }
        }
        v.push(one(&format!("{name}.gguf"), about, g.build()));
    }

    // Controls: readable files the corpus must not flag.
    v.push(one(
        "tiny-llama.gguf",
        "a whole one-block llama every command reads (the base of the cases above)",
        tiny_llama().build(),
    ));
    v.push(one(
        "minimal.gguf",
        "the smallest valid file: a header with no entries",
        GgufBuilder::new().build(),
    ));
    v.push(one(
        "big-endian.gguf",
        "a valid big-endian file",
        be.clone(),
    ));
    v
}

/// Cases made at test time.
pub fn specials() -> Vec<(&'static str, &'static str, Special)> {
    vec![
        ("a-directory.gguf", "a directory", Special::Directory),
        ("a-fifo.gguf", "a FIFO (named pipe)", Special::Fifo),
        (
            "nested-100000.gguf",
            "arrays nested 100,000 deep (1.2 MB)",
            Special::Nested(100_000),
        ),
        (
            "esc-\x1b[31m-\n-name.gguf",
            "a broken file whose name holds an escape sequence and a newline",
            Special::EscapeName,
        ),
    ]
}

/// Large files made at test time for the resource-bound test: (name, bytes, readable).
/// Each is as hostile as its size allows: counts at the largest value the size permits, or
/// the most entries the size can hold, each one a finding.
pub fn large() -> Vec<(&'static str, Vec<u8>, bool)> {
    let mut v = Vec::new();
    let header = |tensors: u64, kvs: u64| {
        let mut b = b"GGUF".to_vec();
        b.extend_from_slice(&3u32.to_le_bytes());
        b.extend_from_slice(&tensors.to_le_bytes());
        b.extend_from_slice(&kvs.to_le_bytes());
        b
    };
    // 8 MiB declaring the most entries its size allows, then garbage: refused at the first
    // key. Reserving the declared counts up front would cost ~15 times the file.
    let size = 8u64 << 20;
    let left = size - 24;
    let mut b = header(left / 24, left / 13);
    b.resize(size as usize, 0xff);
    v.push(("count-at-bound.gguf", b, false));
    // 80,000 metadata entries of 13 bytes, all with the same empty key.
    let n = 80_000u64;
    let mut b = header(0, n);
    for _ in 0..n {
        b.extend_from_slice(&0u64.to_le_bytes());
        b.extend_from_slice(&ValueType::U8.0.to_le_bytes());
        b.push(0);
    }
    v.push(("many-duplicate-keys.gguf", b, true));
    // 44,000 tensor entries of 24 bytes: unnamed, 0 dimensions, all at offset 0.
    let n = 44_000u64;
    let mut b = header(n, 0);
    for _ in 0..n {
        b.extend_from_slice(&0u64.to_le_bytes());
        b.extend_from_slice(&0u32.to_le_bytes());
        b.extend_from_slice(&0u32.to_le_bytes());
        b.extend_from_slice(&0u64.to_le_bytes());
    }
    b.resize(b.len() + 64, 0);
    v.push(("many-overlapping-tensors.gguf", b, true));
    // 30,000 distinct tensors, each misaligned.
    let n = 30_000u64;
    let mut b = header(n, 0);
    for i in 0..n {
        let name = format!("{i:x}");
        b.extend_from_slice(&(name.len() as u64).to_le_bytes());
        b.extend_from_slice(name.as_bytes());
        b.extend_from_slice(&0u32.to_le_bytes());
        b.extend_from_slice(&0u32.to_le_bytes());
        b.extend_from_slice(&(i * 4 + 1).to_le_bytes());
    }
    b.resize(b.len() + n as usize * 4 + 64, 0);
    v.push(("many-misaligned-tensors.gguf", b, true));
    // One array of a million u8.
    let n = 1u64 << 20;
    let mut b = header(0, 1);
    b.extend_from_slice(&3u64.to_le_bytes());
    b.extend_from_slice(b"arr");
    b.extend_from_slice(&ValueType::ARRAY.0.to_le_bytes());
    b.extend_from_slice(&ValueType::U8.0.to_le_bytes());
    b.extend_from_slice(&n.to_le_bytes());
    b.extend((0..n).map(|i| i as u8));
    v.push(("million-element-array.gguf", b, true));
    v.push(("nested-100000.gguf", nested(100_000), false));
    v
}
