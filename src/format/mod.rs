//! Reading the GGUF format: header, metadata, tensor directory, and the accounting of every byte.
//!
//! [`Gguf::parse`] borrows from the bytes it is given (normally a memory map, see
//! [`crate::GgufFile`]) and never copies strings or arrays. It validates every count and length
//! against the bytes that remain before it allocates, and returns either a fatal [`Error`] (the
//! header cannot be read) or a [`Gguf`] whose [`Gguf::findings`] list what is wrong with a file
//! that is still readable (truncated tensor data, overlapping tensors, duplicate keys …).

pub(crate) mod cursor;
pub mod limits;
pub mod split;
pub mod value;

use crate::error::{Error, ErrorKind, Result};
use crate::ggml_type::GgmlType;
use cursor::{Cursor, LenWidth};
use limits::*;
use std::collections::HashMap;
pub use value::{Array, GgufStr, Value, ValueType};

/// Byte order of the file's numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ByteOrder {
    /// Little-endian (nearly every file).
    Little,
    /// Big-endian (written on s390x and similar hosts).
    Big,
}

impl ByteOrder {
    /// `little` or `big`.
    pub fn name(self) -> &'static str {
        match self {
            ByteOrder::Little => "little",
            ByteOrder::Big => "big",
        }
    }
}

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The file is readable but broken in a way llama.cpp would refuse or misread.
    Error,
    /// Suspicious but loadable.
    Warning,
    /// Worth knowing; not a problem.
    Info,
}

impl Severity {
    /// `error`, `warning` or `info`.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// A problem found in a file that could still be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// How serious it is.
    pub severity: Severity,
    /// A stable identifier (`truncated-data`, `duplicate-key`, …) for scripts.
    pub code: FindingCode,
    /// The byte offset it concerns, if any.
    pub offset: Option<u64>,
    /// A sentence saying what is wrong.
    pub message: String,
}

impl Finding {
    /// An error: the file is readable but broken in a way llama.cpp would refuse or misread.
    pub fn error(code: FindingCode, offset: Option<u64>, message: impl Into<String>) -> Finding {
        Finding::new(Severity::Error, code, offset, message)
    }

    /// A warning: suspicious but loadable.
    pub fn warning(code: FindingCode, offset: Option<u64>, message: impl Into<String>) -> Finding {
        Finding::new(Severity::Warning, code, offset, message)
    }

    /// A finding of any severity.
    pub fn new(
        severity: Severity,
        code: FindingCode,
        offset: Option<u64>,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            severity,
            code,
            offset,
            message: message.into(),
        }
    }
}

/// What a [`Finding`] is about: one variant per stable code, so a typo cannot mint a new code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FindingCode {
    /// `invalid-utf8-key`: a metadata key is not valid UTF-8.
    InvalidUtf8Key,
    /// `empty-key`: a metadata key is empty.
    EmptyKey,
    /// `invalid-utf8-value`: a metadata string value is not valid UTF-8.
    InvalidUtf8Value,
    /// `duplicate-key`: a metadata key appears twice; llama.cpp refuses the file.
    DuplicateKey,
    /// `alignment-type`: `general.alignment` has a type other than `u32`.
    AlignmentType,
    /// `dims-overflow`: a tensor's dimensions overflow its element count or byte size.
    DimsOverflow,
    /// `unknown-type`: a tensor has a ggml type id current ggml does not define.
    UnknownType,
    /// `partial-block`: a tensor's rows are not a whole number of its type's blocks.
    PartialBlock,
    /// `misaligned`: a tensor's data offset is not a multiple of the alignment.
    Misaligned,
    /// `invalid-utf8-name`: a tensor name is not valid UTF-8.
    InvalidUtf8Name,
    /// `duplicate-tensor`: a tensor name appears twice (in a file or across a split set).
    DuplicateTensor,
    /// `offset-overflow`: a tensor's data range overflows 64 bits.
    OffsetOverflow,
    /// `overlap`: two tensors' data ranges overlap.
    Overlap,
    /// `truncated-data`: a tensor's data runs past the end of the file.
    TruncatedData,
    /// `trailing-bytes`: bytes follow the last tensor.
    TrailingBytes,
    /// `split-tensor-count`: a split set's shards hold a different number of tensors than `split.tensors.count` says.
    SplitTensorCount,
    /// `sha256-mismatch`: a file's SHA-256 differs from the digest its name (a blob store) promises.
    Sha256Mismatch,
}

impl FindingCode {
    /// The stable identifier scripts match on (`truncated-data`).
    pub fn as_str(self) -> &'static str {
        match self {
            FindingCode::InvalidUtf8Key => "invalid-utf8-key",
            FindingCode::EmptyKey => "empty-key",
            FindingCode::InvalidUtf8Value => "invalid-utf8-value",
            FindingCode::DuplicateKey => "duplicate-key",
            FindingCode::AlignmentType => "alignment-type",
            FindingCode::DimsOverflow => "dims-overflow",
            FindingCode::UnknownType => "unknown-type",
            FindingCode::PartialBlock => "partial-block",
            FindingCode::Misaligned => "misaligned",
            FindingCode::InvalidUtf8Name => "invalid-utf8-name",
            FindingCode::DuplicateTensor => "duplicate-tensor",
            FindingCode::OffsetOverflow => "offset-overflow",
            FindingCode::Overlap => "overlap",
            FindingCode::TruncatedData => "truncated-data",
            FindingCode::TrailingBytes => "trailing-bytes",
            FindingCode::SplitTensorCount => "split-tensor-count",
            FindingCode::Sha256Mismatch => "sha256-mismatch",
        }
    }
}

impl std::fmt::Display for FindingCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for FindingCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// One metadata entry, in file order.
#[derive(Debug, Clone, Copy)]
pub struct MetadataEntry<'a> {
    /// The key.
    pub key: GgufStr<'a>,
    /// The value.
    pub value: Value<'a>,
    /// File offset where the entry starts (its key length).
    pub offset: u64,
}

/// One tensor directory entry.
#[derive(Debug, Clone, Copy)]
pub struct TensorInfo<'a> {
    /// The tensor's name.
    pub name: GgufStr<'a>,
    /// Number of dimensions (0..=4).
    pub n_dims: u32,
    /// Dimensions, innermost first (ggml order); unused ones are 1.
    pub dims: [u64; 4],
    /// Element type.
    pub ggml_type: GgmlType,
    /// Offset of the data, relative to the start of the data region, as stored.
    pub offset: u64,
    /// Absolute file offset of the data (`data_offset + offset`), if it does not overflow.
    pub file_offset: Option<u64>,
    /// File offset of this directory entry.
    pub entry_offset: u64,
    /// Number of elements, `None` on overflow.
    pub n_elements: Option<u64>,
    /// Bytes of data, `None` when the type is unknown, rows do not fill whole blocks, or on overflow.
    pub n_bytes: Option<u64>,
}

impl<'a> TensorInfo<'a> {
    /// The used dimensions.
    pub fn shape(&self) -> &[u64] {
        &self.dims[..self.n_dims as usize]
    }

    /// The name as text (lossy for invalid UTF-8).
    pub fn name_str(&self) -> std::borrow::Cow<'a, str> {
        self.name.to_string_lossy()
    }
}

/// The byte accounting of a file: every byte is either header, padding, tensor data or trailing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Accounting {
    /// Size of the file (of this shard).
    pub file_size: u64,
    /// Bytes from the magic to the end of the tensor directory.
    pub header_bytes: u64,
    /// Padding between the directory and the (aligned) data region.
    pub header_padding: u64,
    /// Sum of the tensors' data bytes (known sizes only).
    pub tensor_bytes: u64,
    /// Bytes inside the data region not covered by any tensor (alignment padding).
    pub tensor_padding: u64,
    /// Bytes after the end of the last tensor's padded data.
    pub trailing_bytes: u64,
    /// Bytes the directory promises beyond the end of the file.
    pub missing_bytes: u64,
}

/// A parsed GGUF file, borrowing from its bytes.
#[derive(Debug)]
pub struct Gguf<'a> {
    /// Format version (1, 2 or 3).
    pub version: u32,
    /// Byte order of the numbers.
    pub byte_order: ByteOrder,
    /// Data alignment (`general.alignment`, default 32).
    pub alignment: u64,
    /// Metadata, in file order.
    pub metadata: Vec<MetadataEntry<'a>>,
    /// Tensor directory, in file order.
    pub tensors: Vec<TensorInfo<'a>>,
    /// Where the data region starts.
    pub data_offset: u64,
    /// Byte accounting.
    pub accounting: Accounting,
    /// Problems found in a readable file.
    pub findings: Vec<Finding>,
    key_index: HashMap<&'a [u8], usize>,
    /// First tensor of each name: [`Gguf::tensor`] in constant time, so that callers looking up
    /// every tensor by name stay linear in the directory's size.
    tensor_index: HashMap<&'a [u8], usize>,
    data: &'a [u8],
}

/// Writes bytes as text for a message: printable ASCII as is, anything else as `\xNN`.
pub fn escape_bytes(b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len() + 2);
    s.push('"');
    for &c in b {
        if (0x20..0x7f).contains(&c) && c != b'"' && c != b'\\' {
            s.push(c as char);
        } else {
            s.push_str(&format!("\\x{c:02x}"));
        }
    }
    s.push('"');
    s
}

/// Collects findings, keeping at most [`MAX_FINDINGS_PER_CODE`] of each code: a hostile file
/// can repeat one problem once per entry (a million duplicate keys), and listing each would
/// cost memory and output many times the file's size while saying nothing more. The rest are
/// counted, and [`Findings::finish`] adds one finding per code saying how many were left out.
#[derive(Default)]
pub(crate) struct Findings {
    list: Vec<Finding>,
    /// Per code, in order of first appearance: (code, severity, count).
    counts: Vec<(FindingCode, Severity, u64)>,
}

impl Findings {
    pub(crate) fn push(&mut self, f: Finding) {
        let i = match self.counts.iter().position(|c| c.0 == f.code) {
            Some(i) => i,
            None => {
                self.counts.push((f.code, f.severity, 0));
                self.counts.len() - 1
            }
        };
        self.counts[i].2 += 1;
        if self.counts[i].2 <= MAX_FINDINGS_PER_CODE {
            self.list.push(f);
        }
    }

    pub(crate) fn finish(mut self) -> Vec<Finding> {
        for (code, severity, n) in self.counts {
            if n > MAX_FINDINGS_PER_CODE {
                self.list.push(Finding {
                    severity,
                    code,
                    offset: None,
                    message: format!(
                        "{} more {code} findings like the above are not listed ({n} in all)",
                        n - MAX_FINDINGS_PER_CODE
                    ),
                });
            }
        }
        self.list
    }
}

/// An empty file, fewer than four bytes, or anything but the `GGUF` magic is an error.
fn check_magic(data: &[u8]) -> Result<()> {
    if data.is_empty() {
        return Err(Error::at(0, ErrorKind::Empty));
    }
    if data.len() < 4 {
        return Err(Error::at(
            0,
            ErrorKind::UnexpectedEof {
                what: "the magic",
                needed: 4,
                available: data.len() as u64,
            },
        ));
    }
    if &data[..4] != b"GGUF" {
        let mut m = [0u8; 4];
        m.copy_from_slice(&data[..4]);
        return Err(Error::at(0, ErrorKind::BadMagic(m)));
    }
    Ok(())
}

/// The version (1 to 3) and the byte order it reveals: a big-endian writer stores the version in
/// its own order, so read little-endian it has its low 16 bits zero.
fn read_version(data: &[u8]) -> Result<(u32, ByteOrder)> {
    let mut c = Cursor::new(data, 4, ByteOrder::Little, LenWidth::U64);
    let raw = c.u32("the version")?;
    let (version, byte_order) = if raw & 0xffff == 0 {
        (raw.swap_bytes(), ByteOrder::Big)
    } else {
        (raw, ByteOrder::Little)
    };
    if !(1..=3).contains(&version) {
        return Err(Error::at(4, ErrorKind::UnsupportedVersion(raw)));
    }
    Ok((version, byte_order))
}

/// The tensor and metadata counts, each bounded by the bytes left: every entry takes at least a
/// minimum number of bytes, so a larger count cannot be true.
fn read_counts(c: &mut Cursor, version: u32) -> Result<(u64, u64)> {
    let tc_at = c.pos();
    let tensor_count = c.len("the tensor count")?;
    let kc_at = c.pos();
    let kv_count = c.len("the metadata count")?;
    let (min_kv, min_t) = if version == 1 {
        (MIN_KV_BYTES_V1, MIN_TENSOR_BYTES_V1)
    } else {
        (MIN_KV_BYTES_V2, MIN_TENSOR_BYTES_V2)
    };
    let bound = |what, count: u64, at: u64, min: u64| {
        let max = c.remaining() / min;
        if count > max {
            Err(Error::at(at, ErrorKind::CountTooLarge { what, count, max }))
        } else {
            Ok(())
        }
    };
    bound("metadata count", kv_count, kc_at, min_kv)?;
    bound("tensor count", tensor_count, tc_at, min_t)?;
    Ok((tensor_count, kv_count))
}

/// The metadata entries in file order, and an index from each key to its first entry.
type MetadataIndex<'a> = (Vec<MetadataEntry<'a>>, HashMap<&'a [u8], usize>);

fn read_metadata<'a>(
    c: &mut Cursor<'a>,
    kv_count: u64,
    findings: &mut Findings,
) -> Result<MetadataIndex<'a>> {
    let reserve = kv_count.min(MAX_PREALLOC) as usize;
    let mut metadata = Vec::with_capacity(reserve);
    let mut key_index: HashMap<&'a [u8], usize> = HashMap::with_capacity(reserve);
    for _ in 0..kv_count {
        let e = read_entry(c)?;
        entry_findings(&e, findings);
        if let Some(&first) = key_index.get(e.key.0) {
            let first: &MetadataEntry = &metadata[first];
            findings.push(Finding::error(
                FindingCode::DuplicateKey,
                Some(e.offset),
                format!(
                    "duplicate metadata key {} (first at byte {}); llama.cpp refuses such a file",
                    e.key.to_string_lossy(),
                    first.offset
                ),
            ));
        } else {
            key_index.insert(e.key.0, metadata.len());
        }
        metadata.push(e);
    }
    Ok((metadata, key_index))
}

/// One metadata entry: key, value type, value.
fn read_entry<'a>(c: &mut Cursor<'a>) -> Result<MetadataEntry<'a>> {
    let offset = c.pos();
    let key = GgufStr(c.string("a metadata key")?);
    let ty_at = c.pos();
    let ty = ValueType(c.u32("a metadata value type")?);
    if ty.fixed_size().is_none() && ty != ValueType::STRING && ty != ValueType::ARRAY {
        return Err(Error::at(ty_at, ErrorKind::UnknownValueType(ty.0)));
    }
    let value = value::read_value(c, ty, 0)?;
    Ok(MetadataEntry { key, value, offset })
}

/// What is wrong with one entry on its own: a key or string value that is not UTF-8, an empty key.
fn entry_findings(e: &MetadataEntry, findings: &mut Findings) {
    let offset = Some(e.offset);
    if e.key.to_str().is_none() {
        findings.push(Finding::error(
            FindingCode::InvalidUtf8Key,
            offset,
            format!("metadata key {} is not valid UTF-8", escape_bytes(e.key.0)),
        ));
    } else if e.key.is_empty() {
        findings.push(Finding::warning(
            FindingCode::EmptyKey,
            offset,
            "empty metadata key",
        ));
    }
    if let Value::String(s) = e.value {
        if s.to_str().is_none() {
            findings.push(Finding::warning(
                FindingCode::InvalidUtf8Value,
                offset,
                format!(
                    "the value of {} is not valid UTF-8",
                    e.key.to_string_lossy()
                ),
            ));
        }
    }
}

/// `general.alignment` (32 when absent): a power of two up to [`MAX_ALIGNMENT`], else an error.
fn resolve_alignment(
    metadata: &[MetadataEntry],
    key_index: &HashMap<&[u8], usize>,
    findings: &mut Findings,
) -> Result<u64> {
    let Some(&i) = key_index.get(&b"general.alignment"[..]) else {
        return Ok(32);
    };
    let e = &metadata[i];
    match e.value.as_u64() {
        Some(a) if a != 0 && a.is_power_of_two() && a <= MAX_ALIGNMENT => {
            if e.value.value_type() != ValueType::U32 {
                findings.push(Finding::warning(
                    FindingCode::AlignmentType,
                    Some(e.offset),
                    format!(
                        "general.alignment is stored as {}; the format says u32",
                        e.value.value_type().name()
                    ),
                ));
            }
            Ok(a)
        }
        Some(a) => Err(Error::at(
            e.offset,
            ErrorKind::BadAlignment(format!("is {a}")),
        )),
        None => {
            let why = match e.value.as_i64() {
                Some(n) => format!("is {n}"),
                None => format!("has type {}, not an integer", e.value.value_type().name()),
            };
            Err(Error::at(e.offset, ErrorKind::BadAlignment(why)))
        }
    }
}

/// The tensor directory in file order, and an index from each name to its first entry.
type TensorIndex<'a> = (Vec<TensorInfo<'a>>, HashMap<&'a [u8], usize>);

fn read_tensors<'a>(
    c: &mut Cursor<'a>,
    tensor_count: u64,
    alignment: u64,
    findings: &mut Findings,
) -> Result<TensorIndex<'a>> {
    let reserve = tensor_count.min(MAX_PREALLOC) as usize;
    let mut tensors = Vec::with_capacity(reserve);
    let mut tensor_index: HashMap<&'a [u8], usize> = HashMap::with_capacity(reserve);
    for _ in 0..tensor_count {
        let t = read_tensor_entry(c)?;
        tensor_findings(&t, alignment, findings);
        if tensor_index.contains_key(t.name.0) {
            findings.push(Finding::error(
                FindingCode::DuplicateTensor,
                Some(t.entry_offset),
                format!(
                    "duplicate tensor name {}; llama.cpp refuses such a file",
                    t.name.to_string_lossy()
                ),
            ));
        } else {
            tensor_index.insert(t.name.0, tensors.len());
        }
        tensors.push(t);
    }
    Ok((tensors, tensor_index))
}

/// One tensor directory entry: name, dimensions, type, offset; sizes computed where they fit.
fn read_tensor_entry<'a>(c: &mut Cursor<'a>) -> Result<TensorInfo<'a>> {
    let entry_offset = c.pos();
    let name = GgufStr(c.string("a tensor name")?);
    let nd_at = c.pos();
    let n_dims = c.u32("a tensor's dimension count")?;
    if n_dims > MAX_DIMS {
        return Err(Error::at(nd_at, ErrorKind::TooManyDims(n_dims)));
    }
    let mut dims = [1u64; 4];
    for d in dims.iter_mut().take(n_dims as usize) {
        *d = c.len("a tensor dimension")?;
    }
    let ggml_type = GgmlType(c.u32("a tensor type")?);
    let offset = c.u64("a tensor data offset")?;
    let shape = &dims[..n_dims as usize];
    let n_elements = shape
        .iter()
        .try_fold(1u64, |a, &d| a.checked_mul(d))
        .filter(|&n| n <= i64::MAX as u64);
    let n_bytes = n_elements.and_then(|_| ggml_type.tensor_bytes(shape));
    Ok(TensorInfo {
        name,
        n_dims,
        dims,
        ggml_type,
        offset,
        file_offset: None,
        entry_offset,
        n_elements,
        n_bytes,
    })
}

/// What is wrong with one tensor entry on its own: sizes that overflow or are not whole blocks,
/// an unknown type, a misaligned offset, a name that is not UTF-8.
fn tensor_findings(t: &TensorInfo, alignment: u64, findings: &mut Findings) {
    let at = Some(t.entry_offset);
    let label = t.name.to_string_lossy();
    let shape = t.shape();
    let ggml_type = t.ggml_type;
    if t.n_elements.is_none() {
        findings.push(Finding::error(
            FindingCode::DimsOverflow,
            at,
            format!("tensor {label}: dimensions {shape:?} overflow the element count"),
        ));
    } else if t.n_bytes.is_none() {
        findings.push(match ggml_type.block_size() {
            None => Finding::warning(
                FindingCode::UnknownType,
                at,
                format!(
                    "tensor {label}: unknown ggml type id {}; its size is unknown",
                    ggml_type.0
                ),
            ),
            Some(b) if t.dims[0] % b as u64 != 0 => Finding::error(
                FindingCode::PartialBlock,
                at,
                format!(
                    "tensor {label}: row of {} elements is not a multiple of {}'s block size {b}",
                    t.dims[0], ggml_type
                ),
            ),
            // Whole blocks, so the byte size itself overflowed.
            Some(_) => Finding::error(
                FindingCode::DimsOverflow,
                at,
                format!(
                    "tensor {label}: dimensions {shape:?} of {ggml_type} overflow the byte size"
                ),
            ),
        });
    }
    if t.offset % alignment != 0 {
        findings.push(Finding::error(
            FindingCode::Misaligned,
            at,
            format!(
                "tensor {label}: data offset {} is not a multiple of the alignment {alignment}",
                t.offset
            ),
        ));
    }
    if t.name.to_str().is_none() {
        findings.push(Finding::error(
            FindingCode::InvalidUtf8Name,
            at,
            format!("tensor name {} is not valid UTF-8", escape_bytes(t.name.0)),
        ));
    }
}

fn align_up(x: u64, a: u64) -> Option<u64> {
    x.checked_add(a - 1).map(|v| v / a * a)
}

impl<'a> Gguf<'a> {
    /// Parses a whole file's bytes (the header may be followed by all, part or none of the data).
    ///
    /// Returns an error if the header, metadata or tensor directory cannot be read: bad magic,
    /// unsupported version, a count or length larger than the bytes left, an unknown value type,
    /// nesting too deep, more than four dimensions, or a bad `general.alignment`.
    pub fn parse(data: &'a [u8]) -> Result<Gguf<'a>> {
        check_magic(data)?;
        let (version, byte_order) = read_version(data)?;
        let mut c = Cursor::new(data, 8, byte_order, LenWidth::of_version(version));
        let (tensor_count, kv_count) = read_counts(&mut c, version)?;
        let mut findings = Findings::default();
        let (metadata, key_index) = read_metadata(&mut c, kv_count, &mut findings)?;
        let alignment = resolve_alignment(&metadata, &key_index, &mut findings)?;
        let (mut tensors, tensor_index) =
            read_tensors(&mut c, tensor_count, alignment, &mut findings)?;

        let header_end = c.pos();
        let file_size = data.len() as u64;
        // header_end <= file_size, and alignment <= 1 GiB: no overflow.
        let data_offset = align_up(header_end, alignment).unwrap_or(u64::MAX);
        for t in tensors.iter_mut() {
            t.file_offset = data_offset.checked_add(t.offset);
        }
        let accounting = account(
            &tensors,
            header_end,
            data_offset,
            alignment,
            file_size,
            &mut findings,
        );

        Ok(Gguf {
            version,
            byte_order,
            alignment,
            metadata,
            tensors,
            data_offset,
            accounting,
            findings: findings.finish(),
            key_index,
            tensor_index,
            data,
        })
    }

    /// The metadata entry for a key (its first occurrence when the file repeats it).
    pub fn entry(&self, key: &str) -> Option<&MetadataEntry<'a>> {
        self.entry_bytes(key.as_bytes())
    }

    /// The metadata entry for a key given as the file's raw bytes, which need not be UTF-8 (its
    /// first occurrence when the file repeats it). A hash lookup.
    pub fn entry_bytes(&self, key: &[u8]) -> Option<&MetadataEntry<'a>> {
        self.key_index.get(key).map(|&i| &self.metadata[i])
    }

    /// The value for a key.
    pub fn get(&self, key: &str) -> Option<&Value<'a>> {
        self.entry(key).map(|e| &e.value)
    }

    /// An integer value as u64.
    pub fn get_u64(&self, key: &str) -> Option<u64> {
        self.get(key).and_then(|v| v.as_u64())
    }

    /// A numeric value as f64.
    pub fn get_f64(&self, key: &str) -> Option<f64> {
        self.get(key).and_then(|v| v.as_f64())
    }

    /// A string value (lossy UTF-8).
    pub fn get_str(&self, key: &str) -> Option<std::borrow::Cow<'a, str>> {
        self.get(key)
            .and_then(|v| v.as_str())
            .map(|s| s.to_string_lossy())
    }

    /// An array value.
    pub fn get_array(&self, key: &str) -> Option<Array<'a>> {
        self.get(key).and_then(|v| v.as_array().copied())
    }

    /// `general.architecture`.
    pub fn architecture(&self) -> Option<std::borrow::Cow<'a, str>> {
        self.get_str("general.architecture")
    }

    /// A tensor by name (the first, if the name is duplicated).
    pub fn tensor(&self, name: &str) -> Option<&TensorInfo<'a>> {
        self.tensor_index
            .get(name.as_bytes())
            .map(|&i| &self.tensors[i])
    }

    /// A tensor's data bytes, when its size is known and the data lies inside the file.
    pub fn tensor_data(&self, t: &TensorInfo<'a>) -> Option<&'a [u8]> {
        let start = t.file_offset?;
        let end = start.checked_add(t.n_bytes?)?;
        if end > self.data.len() as u64 {
            return None;
        }
        Some(&self.data[start as usize..end as usize])
    }

    /// The file's bytes.
    pub fn bytes(&self) -> &'a [u8] {
        self.data
    }

    /// Whether any finding is an error or a warning.
    pub fn has_problems(&self) -> bool {
        self.findings.iter().any(|f| f.severity != Severity::Info)
    }

    /// Whether the tensor data is cut short.
    pub fn is_truncated(&self) -> bool {
        self.accounting.missing_bytes > 0
    }

    /// Total parameters (elements of every tensor whose count does not overflow).
    pub fn parameter_count(&self) -> u64 {
        self.tensors
            .iter()
            .filter_map(|t| t.n_elements)
            .fold(0u64, |a, n| a.saturating_add(n))
    }
}

fn account(
    tensors: &[TensorInfo],
    header_end: u64,
    data_offset: u64,
    alignment: u64,
    file_size: u64,
    findings: &mut Findings,
) -> Accounting {
    let mut acc = Accounting {
        file_size,
        header_bytes: header_end,
        header_padding: data_offset.min(file_size) - header_end,
        ..Default::default()
    };
    // Extents of tensors whose size is known, sorted by offset.
    let mut ext: Vec<(u64, u64, usize)> = Vec::with_capacity(tensors.len());
    for (i, t) in tensors.iter().enumerate() {
        let Some(n) = t.n_bytes else {
            continue;
        };
        let Some(end) = t.file_offset.and_then(|start| start.checked_add(n)) else {
            findings.push(Finding::error(
                FindingCode::OffsetOverflow,
                Some(t.entry_offset),
                format!(
                    "tensor {}: data offset {} overflows",
                    t.name_str(),
                    t.offset
                ),
            ));
            continue;
        };
        acc.tensor_bytes = acc.tensor_bytes.saturating_add(n);
        ext.push((end - n, end, i));
    }
    ext.sort_unstable();
    // Compare each extent with the one reaching furthest so far, not only its neighbour: a
    // large tensor can overlap several that start after it.
    let mut reach: Option<(u64, u64, usize)> = None;
    for &b in &ext {
        let Some(a) = reach else {
            reach = Some(b);
            continue;
        };
        if b.1 > a.1 {
            reach = Some(b);
        }
        if b.0 < a.1 && b.0 < b.1 {
            findings.push(Finding::error(
                FindingCode::Overlap,
                Some(tensors[b.2].entry_offset),
                format!(
                    "tensor {} (bytes {}..{}) overlaps tensor {} (bytes {}..{})",
                    tensors[b.2].name_str(),
                    b.0,
                    b.1,
                    tensors[a.2].name_str(),
                    a.0,
                    a.1
                ),
            ));
        }
    }
    let data_end = ext
        .iter()
        .map(|e| e.1)
        .max()
        .unwrap_or(data_offset.min(file_size));
    if data_end > file_size {
        acc.missing_bytes = data_end - file_size;
        // The first tensor (in data order) whose bytes are not all present.
        if let Some(first) = ext.iter().find(|e| e.1 > file_size) {
            let t = &tensors[first.2];
            let have = file_size.saturating_sub(first.0);
            findings.push(Finding::error(FindingCode::TruncatedData, Some(file_size), format!(
                    "tensor data is cut short: the file ends at byte {file_size}, {} bytes before the end of the data; first tensor affected: {} (has {} of {} bytes)",
                    acc.missing_bytes,
                    t.name_str(),
                    have.min(first.1 - first.0),
                    first.1 - first.0
                )));
        }
        // Count the promised layout in full, so that the parts still add up to the file size
        // once the missing bytes are subtracted.
        acc.header_padding = data_offset - header_end;
        acc.tensor_padding = (data_end - data_offset).saturating_sub(acc.tensor_bytes);
    } else {
        let padded_end = align_up(data_end, alignment)
            .unwrap_or(data_end)
            .min(file_size);
        let region = padded_end.saturating_sub(data_offset.min(file_size));
        acc.tensor_padding = region.saturating_sub(acc.tensor_bytes);
        acc.trailing_bytes = file_size - padded_end;
        if acc.trailing_bytes > 0 {
            findings.push(Finding::warning(
                FindingCode::TrailingBytes,
                Some(padded_end),
                format!(
                    "{} bytes after the end of the tensor data that no tensor uses",
                    acc.trailing_bytes
                ),
            ));
        }
    }
    acc
}
