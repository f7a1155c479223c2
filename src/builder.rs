//! A small GGUF writer for tests, fixtures, fuzzing seeds and synthetic models.
//!
//! It writes every value type, GGUF v1/v2/v3, either byte order, and lets a test override
//! counts and offsets to produce malformed files on purpose.

use crate::format::ValueType;
use crate::ggml_type::GgmlType;

/// A metadata value to write.
#[derive(Debug, Clone, PartialEq)]
pub enum BValue {
    /// u8
    U8(u8),
    /// i8
    I8(i8),
    /// u16
    U16(u16),
    /// i16
    I16(i16),
    /// u32
    U32(u32),
    /// i32
    I32(i32),
    /// f32
    F32(f32),
    /// bool, as its raw byte
    Bool(bool),
    /// string (raw bytes, need not be UTF-8)
    Str(Vec<u8>),
    /// array of one element type
    Array(ValueType, Vec<BValue>),
    /// u64
    U64(u64),
    /// i64
    I64(i64),
    /// f64
    F64(f64),
}

impl BValue {
    /// A string value from text.
    pub fn str(s: &str) -> BValue {
        BValue::Str(s.as_bytes().to_vec())
    }
    /// An array of strings.
    pub fn strs<S: AsRef<str>>(items: &[S]) -> BValue {
        BValue::Array(
            ValueType::STRING,
            items.iter().map(|s| BValue::str(s.as_ref())).collect(),
        )
    }
    /// An array of u32.
    pub fn u32s(items: &[u32]) -> BValue {
        BValue::Array(
            ValueType::U32,
            items.iter().map(|&v| BValue::U32(v)).collect(),
        )
    }
    /// An array of i32.
    pub fn i32s(items: &[i32]) -> BValue {
        BValue::Array(
            ValueType::I32,
            items.iter().map(|&v| BValue::I32(v)).collect(),
        )
    }
    /// An array of f32.
    pub fn f32s(items: &[f32]) -> BValue {
        BValue::Array(
            ValueType::F32,
            items.iter().map(|&v| BValue::F32(v)).collect(),
        )
    }
    /// An array of bools.
    pub fn bools(items: &[bool]) -> BValue {
        BValue::Array(
            ValueType::BOOL,
            items.iter().map(|&v| BValue::Bool(v)).collect(),
        )
    }

    /// The value's type id.
    pub fn value_type(&self) -> ValueType {
        match self {
            BValue::U8(_) => ValueType::U8,
            BValue::I8(_) => ValueType::I8,
            BValue::U16(_) => ValueType::U16,
            BValue::I16(_) => ValueType::I16,
            BValue::U32(_) => ValueType::U32,
            BValue::I32(_) => ValueType::I32,
            BValue::F32(_) => ValueType::F32,
            BValue::Bool(_) => ValueType::BOOL,
            BValue::Str(_) => ValueType::STRING,
            BValue::Array(..) => ValueType::ARRAY,
            BValue::U64(_) => ValueType::U64,
            BValue::I64(_) => ValueType::I64,
            BValue::F64(_) => ValueType::F64,
        }
    }
}

/// A tensor to write.
#[derive(Debug, Clone, PartialEq)]
pub struct BTensor {
    /// Name (raw bytes).
    pub name: Vec<u8>,
    /// Dimensions, innermost first.
    pub dims: Vec<u64>,
    /// Type id.
    pub ggml_type: u32,
    /// Data offset relative to the data region; `None` places it after the previous tensor.
    pub offset: Option<u64>,
    /// The data; `None` writes zeros of the tensor's size (or `fallback_bytes` for unknown types).
    pub data: Option<Vec<u8>>,
}

/// Builds a GGUF file in memory.
#[derive(Debug, Clone)]
pub struct GgufBuilder {
    /// Version to write (1, 2, 3 or anything, for hostile files).
    pub version: u32,
    /// Write numbers big-endian.
    pub big_endian: bool,
    /// Alignment used to lay out the data (write `general.alignment` yourself to declare it).
    pub alignment: u64,
    /// Metadata in order.
    pub kvs: Vec<(Vec<u8>, BValue)>,
    /// Tensors in order.
    pub tensors: Vec<BTensor>,
    /// Override the written tensor count.
    pub tensor_count_override: Option<u64>,
    /// Override the written metadata count.
    pub kv_count_override: Option<u64>,
    /// Bytes written for a tensor whose type has no known size.
    pub fallback_bytes: u64,
}

impl Default for GgufBuilder {
    fn default() -> Self {
        GgufBuilder::new()
    }
}

impl GgufBuilder {
    /// A v3 little-endian builder with alignment 32.
    pub fn new() -> GgufBuilder {
        GgufBuilder {
            version: 3,
            big_endian: false,
            alignment: 32,
            kvs: Vec::new(),
            tensors: Vec::new(),
            tensor_count_override: None,
            kv_count_override: None,
            fallback_bytes: 32,
        }
    }

    /// Adds a metadata entry.
    pub fn kv(mut self, key: &str, v: BValue) -> Self {
        self.kvs.push((key.as_bytes().to_vec(), v));
        self
    }

    /// Adds a metadata entry in place.
    pub fn push_kv(&mut self, key: &str, v: BValue) {
        self.kvs.push((key.as_bytes().to_vec(), v));
    }

    /// Adds a zero-filled tensor.
    pub fn tensor(mut self, name: &str, dims: &[u64], ty: GgmlType) -> Self {
        self.push_tensor(name, dims, ty);
        self
    }

    /// Adds a zero-filled tensor in place.
    pub fn push_tensor(&mut self, name: &str, dims: &[u64], ty: GgmlType) {
        self.tensors.push(BTensor {
            name: name.as_bytes().to_vec(),
            dims: dims.to_vec(),
            ggml_type: ty.0,
            offset: None,
            data: None,
        });
    }

    /// Adds a tensor with the given data.
    pub fn tensor_data(mut self, name: &str, dims: &[u64], ty: GgmlType, data: Vec<u8>) -> Self {
        self.tensors.push(BTensor {
            name: name.as_bytes().to_vec(),
            dims: dims.to_vec(),
            ggml_type: ty.0,
            offset: None,
            data: Some(data),
        });
        self
    }

    fn size_of(&self, t: &BTensor) -> u64 {
        if let Some(d) = &t.data {
            return d.len() as u64;
        }
        GgmlType(t.ggml_type)
            .tensor_bytes(&t.dims)
            .unwrap_or(self.fallback_bytes)
    }

    /// Writes the whole file.
    pub fn build(&self) -> Vec<u8> {
        self.write(true).0
    }

    /// Writes the header only (up to the aligned start of the data region) and returns it with
    /// the size the whole file would have. Write the header and `set_len` the file to that size to
    /// get a sparse file whose data region costs no disk.
    pub fn build_header(&self) -> (Vec<u8>, u64) {
        self.write(false)
    }

    fn write(&self, with_data: bool) -> (Vec<u8>, u64) {
        let mut w = W {
            out: Vec::new(),
            big: self.big_endian,
            v1: self.version == 1,
        };
        w.out.extend_from_slice(b"GGUF");
        w.u32(self.version);
        w.len(
            self.tensor_count_override
                .unwrap_or(self.tensors.len() as u64),
        );
        w.len(self.kv_count_override.unwrap_or(self.kvs.len() as u64));
        for (k, v) in &self.kvs {
            w.str(k);
            w.u32(v.value_type().0);
            w.value(v);
        }
        // Lay the tensors out.
        let align = self.alignment.max(1);
        let mut next = 0u64;
        let mut placed = Vec::with_capacity(self.tensors.len());
        for t in &self.tensors {
            let off = t.offset.unwrap_or(next);
            let size = self.size_of(t);
            next = next.max((off + size).div_ceil(align) * align);
            placed.push(off);
        }
        for (t, &off) in self.tensors.iter().zip(&placed) {
            w.str(&t.name);
            w.u32(t.dims.len() as u32);
            for &d in &t.dims {
                w.len(d);
            }
            w.u32(t.ggml_type);
            w.u64(off);
        }
        let data_start = (w.out.len() as u64).div_ceil(align) * align;
        w.out.resize(data_start as usize, 0);
        let total = data_start + next;
        if !with_data {
            return (w.out, total);
        }
        w.out.resize(total as usize, 0);
        for (t, &off) in self.tensors.iter().zip(&placed) {
            if let Some(d) = &t.data {
                let s = (data_start + off) as usize;
                let e = (s + d.len()).min(w.out.len());
                w.out[s..e].copy_from_slice(&d[..e - s]);
            }
        }
        let n = w.out.len() as u64;
        (w.out, n)
    }
}

struct W {
    out: Vec<u8>,
    big: bool,
    v1: bool,
}

impl W {
    fn u8(&mut self, v: u8) {
        self.out.push(v);
    }
    fn u16(&mut self, v: u16) {
        self.out.extend_from_slice(&if self.big {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        });
    }
    fn u32(&mut self, v: u32) {
        self.out.extend_from_slice(&if self.big {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        });
    }
    fn u64(&mut self, v: u64) {
        self.out.extend_from_slice(&if self.big {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        });
    }
    fn len(&mut self, v: u64) {
        if self.v1 {
            self.u32(v as u32)
        } else {
            self.u64(v)
        }
    }
    fn str(&mut self, s: &[u8]) {
        self.len(s.len() as u64);
        self.out.extend_from_slice(s);
    }
    fn value(&mut self, v: &BValue) {
        match v {
            BValue::U8(x) => self.u8(*x),
            BValue::I8(x) => self.u8(*x as u8),
            BValue::U16(x) => self.u16(*x),
            BValue::I16(x) => self.u16(*x as u16),
            BValue::U32(x) => self.u32(*x),
            BValue::I32(x) => self.u32(*x as u32),
            BValue::F32(x) => self.u32(x.to_bits()),
            BValue::Bool(x) => self.u8(*x as u8),
            BValue::Str(s) => self.str(s),
            BValue::Array(t, items) => {
                self.u32(t.0);
                self.len(items.len() as u64);
                // Nested arrays carry their own element type and length.
                for i in items {
                    self.value(i);
                }
            }
            BValue::U64(x) => self.u64(*x),
            BValue::I64(x) => self.u64(*x as u64),
            BValue::F64(x) => self.u64(x.to_bits()),
        }
    }
}
