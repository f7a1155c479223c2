//! The per-type checks: where each block format keeps its scales, and tight loops that look at
//! exactly those bytes.
//!
//! A float tensor is checked value by value (a "block" is one element). A quantized tensor is
//! checked at its scale fields only: a NaN or infinite scale turns its whole block into NaN or
//! infinity when llama.cpp dequantizes it, while the packed quants themselves are small integers
//! that have no invalid values. The layouts follow ggml's `block_*` structs (ggml-common.h).
//!
//! The fast path reads the one byte of each f16 scale that holds its exponent and tests the
//! exponent bits (`0x7c`) directly, without converting; a sub-chunk that has a hit is scanned a
//! second time, slowly, to classify each value with [`half`] and count the bad blocks.

use crate::format::ByteOrder;
use crate::ggml_type::GgmlType;

/// How one scale field is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// IEEE half precision (`ggml_half`).
    F16,
    /// IEEE single precision (Q8_K's `d`).
    F32,
    /// OCP E8M0, a bare exponent (MXFP4's `e`); `0xff` is NaN.
    E8M0,
    /// Unsigned E4M3 (NVFP4's sub-block scales); `0x7f` (and `0xff`, the same code with the unused
    /// sign bit set) is NaN. ggml flushes it to zero silently; a correct writer never emits it.
    Ue4m3,
    /// IQ1_M's f16 scale, assembled from the top nibbles of four u16 words at this offset.
    Iq1mScale,
}

impl FieldKind {
    /// Bytes the field occupies.
    pub const fn width(self) -> usize {
        match self {
            FieldKind::F16 => 2,
            FieldKind::F32 => 4,
            FieldKind::E8M0 | FieldKind::Ue4m3 => 1,
            FieldKind::Iq1mScale => 8,
        }
    }
}

/// One scale field of a block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// Its name in ggml's struct (`d`, `dmin`, `m`, `s`, `e`, `d[2]`, `scales`).
    pub name: &'static str,
    /// Byte offset inside the block.
    pub offset: usize,
    /// Encoding.
    pub kind: FieldKind,
}

const fn f16(name: &'static str, offset: usize) -> Field {
    Field {
        name,
        offset,
        kind: FieldKind::F16,
    }
}

const fn ue4m3(name: &'static str, offset: usize) -> Field {
    Field {
        name,
        offset,
        kind: FieldKind::Ue4m3,
    }
}

/// What is checked in a tensor of a given type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// Every f32 value.
    F32,
    /// Every f16 value.
    F16,
    /// Every bf16 value.
    BF16,
    /// Every f64 value.
    F64,
    /// Integers: no invalid values exist.
    Integer,
    /// The scale fields of each block of `block_bytes` bytes.
    Blocks {
        /// Bytes per block (the type size).
        block_bytes: usize,
        /// The scale fields.
        fields: &'static [Field],
    },
}

const D0: &[Field] = &[f16("d", 0)];
const DM: &[Field] = &[f16("d", 0), f16("m", 2)];
const DS: &[Field] = &[f16("d", 0), f16("s", 2)];
const DDMIN: &[Field] = &[f16("d", 0), f16("dmin", 2)];
const Q2K: &[Field] = &[f16("d", 80), f16("dmin", 82)];
const Q3K: &[Field] = &[f16("d", 108)];
const Q6K: &[Field] = &[f16("d", 208)];
const Q8K: &[Field] = &[Field {
    name: "d",
    offset: 0,
    kind: FieldKind::F32,
}];
const IQ1M: &[Field] = &[Field {
    name: "scales",
    offset: 48,
    kind: FieldKind::Iq1mScale,
}];
const TQ1: &[Field] = &[f16("d", 52)];
const TQ2: &[Field] = &[f16("d", 64)];
const MXFP4: &[Field] = &[Field {
    name: "e",
    offset: 0,
    kind: FieldKind::E8M0,
}];
const NVFP4: &[Field] = &[
    ue4m3("d[0]", 0),
    ue4m3("d[1]", 1),
    ue4m3("d[2]", 2),
    ue4m3("d[3]", 3),
];

/// The layout of a type's scales, or `None` for a type this build does not know.
pub fn check_for(t: GgmlType) -> Option<Check> {
    let info = t.info()?;
    let b = |fields: &'static [Field]| Check::Blocks {
        block_bytes: info.type_size as usize,
        fields,
    };
    Some(match info.name {
        "F32" => Check::F32,
        "F16" => Check::F16,
        "BF16" => Check::BF16,
        "F64" => Check::F64,
        "I8" | "I16" | "I32" | "I64" => Check::Integer,
        // { d; qs }, { d; qh; qs } and the i-quants but IQ1_M: d first.
        "Q1_0" | "Q2_0" | "Q4_0" | "Q5_0" | "Q8_0" | "IQ4_NL" | "IQ2_XXS" | "IQ2_XS" | "IQ2_S"
        | "IQ3_XXS" | "IQ3_S" | "IQ1_S" | "IQ4_XS" => b(D0),
        // { d; m; ... }
        "Q4_1" | "Q5_1" => b(DM),
        // { d; s; qs }: s = d * sum(qs) (ggml does not check it; a NaN there is still a NaN).
        "Q8_1" => b(DS),
        // { scales[16]; qs[64]; d; dmin }
        "Q2_K" => b(Q2K),
        // { hmask[32]; qs[64]; scales[12]; d }
        "Q3_K" => b(Q3K),
        // { d; dmin; scales[12]; ... }
        "Q4_K" | "Q5_K" => b(DDMIN),
        // { ql[128]; qh[64]; scales[16]; d }
        "Q6_K" => b(Q6K),
        // { float d; qs[256]; bsums[16] }
        "Q8_K" => b(Q8K),
        // { qs[32]; qh[16]; scales[8] }: the f16 scale lives in the scales' top nibbles.
        "IQ1_M" => b(IQ1M),
        // { qs[48]; qh[4]; d }
        "TQ1_0" => b(TQ1),
        // { qs[64]; d }
        "TQ2_0" => b(TQ2),
        // { e; qs[16] }
        "MXFP4" => b(MXFP4),
        // { d[4] (UE4M3); qs[32] }
        "NVFP4" => b(NVFP4),
        _ => return None,
    })
}

impl Check {
    /// Bytes of one checked unit (a block, or one value of a float or integer type).
    pub fn unit_bytes(&self, t: GgmlType) -> usize {
        match *self {
            Check::F32 => 4,
            Check::F16 | Check::BF16 => 2,
            Check::F64 => 8,
            Check::Integer => t.type_size().unwrap_or(1) as usize,
            Check::Blocks { block_bytes, .. } => block_bytes,
        }
    }
}

/// What a run over some whole blocks found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ScanResult {
    /// The first bad block (index relative to the scanned bytes) and the field that was bad.
    pub first_bad: Option<(u64, &'static str)>,
    /// Blocks with at least one bad value.
    pub bad_blocks: u64,
    /// NaN values (a block with two NaN scales counts two).
    pub nan: u64,
    /// Infinite values.
    pub inf: u64,
    /// Whether any value is not zero (any byte for quantized types; ±0.0 counts as zero for
    /// float types).
    pub nonzero: bool,
}

impl ScanResult {
    /// Adds the result of the bytes that follow, whose first block is `block_base` blocks in.
    pub fn merge(&mut self, next: &ScanResult, block_base: u64) {
        if self.first_bad.is_none() {
            self.first_bad = next.first_bad.map(|(b, f)| (b + block_base, f));
        }
        self.bad_blocks += next.bad_blocks;
        self.nan += next.nan;
        self.inf += next.inf;
        self.nonzero |= next.nonzero;
    }
}

/// Blocks per sub-chunk of the fast path: small enough that a hit is rescanned cheaply, large
/// enough that the loop runs long.
const SUB: usize = 1024;

/// Scans `data` (a whole number of units of `check`) for NaN, infinity and non-zero values.
pub fn scan(check: Check, data: &[u8], order: ByteOrder) -> ScanResult {
    match (check, order) {
        (Check::F32, ByteOrder::Little) => scan_floats::<4, false>(data, 0x7f80_0000, 0x007f_ffff),
        (Check::F32, ByteOrder::Big) => scan_floats::<4, true>(data, 0x7f80_0000, 0x007f_ffff),
        (Check::F16, ByteOrder::Little) => scan_floats::<2, false>(data, 0x7c00, 0x03ff),
        (Check::F16, ByteOrder::Big) => scan_floats::<2, true>(data, 0x7c00, 0x03ff),
        (Check::BF16, ByteOrder::Little) => scan_floats::<2, false>(data, 0x7f80, 0x007f),
        (Check::BF16, ByteOrder::Big) => scan_floats::<2, true>(data, 0x7f80, 0x007f),
        (Check::F64, ByteOrder::Little) => {
            scan_floats::<8, false>(data, 0x7ff0_0000_0000_0000, 0x000f_ffff_ffff_ffff)
        }
        (Check::F64, ByteOrder::Big) => {
            scan_floats::<8, true>(data, 0x7ff0_0000_0000_0000, 0x000f_ffff_ffff_ffff)
        }
        (Check::Integer, _) => ScanResult {
            nonzero: any_nonzero(data),
            ..ScanResult::default()
        },
        (
            Check::Blocks {
                block_bytes,
                fields,
            },
            _,
        ) => scan_blocks(data, block_bytes, fields, order),
    }
}

/// The per-width fast loop of [`scan_floats`]: counts values whose exponent bits are all ones
/// and ORs the magnitudes, branch-free over native integers so that it vectorizes.
macro_rules! float_fast {
    ($name:ident, $t:ty) => {
        #[inline(never)]
        fn $name<const BE: bool>(sub: &[u8], exp: u64, mag: u64) -> (u64, u64) {
            const W: usize = std::mem::size_of::<$t>();
            let (exp, mag) = (exp as $t, mag as $t);
            // Counted in the value's own width so that the loop vectorizes without widening;
            // a sub-chunk holds at most SUB * 16 / 2 = 8192 values, which fits in a u16.
            let mut hits: $t = 0;
            let mut or: $t = 0;
            for v in sub.chunks_exact(W) {
                let a: [u8; W] = v.try_into().unwrap();
                let x = if BE {
                    <$t>::from_be_bytes(a)
                } else {
                    <$t>::from_le_bytes(a)
                };
                hits += (x & exp == exp) as $t;
                or |= x & mag;
            }
            (hits as u64, or as u64)
        }
    };
}
float_fast!(fast_u16, u16);
float_fast!(fast_u32, u32);
float_fast!(fast_u64, u64);

#[inline(always)]
fn load<const W: usize, const BE: bool>(b: &[u8]) -> u64 {
    let mut a = [0u8; 8];
    a[..W].copy_from_slice(&b[..W]);
    if BE {
        u64::from_be_bytes(a) >> (64 - 8 * W)
    } else {
        u64::from_le_bytes(a)
    }
}

/// Every value of a float type: exponent all ones is NaN (mantissa set) or infinity.
fn scan_floats<const W: usize, const BE: bool>(data: &[u8], exp: u64, mant: u64) -> ScanResult {
    let mut r = ScanResult::default();
    let mag = exp | mant;
    let fast = match W {
        2 => fast_u16::<BE>,
        4 => fast_u32::<BE>,
        _ => fast_u64::<BE>,
    };
    let mut base = 0u64;
    for sub in data.chunks(SUB * 16) {
        let (hits, or) = fast(sub, exp, mag);
        r.nonzero |= or != 0;
        if hits != 0 {
            for (i, v) in sub.chunks_exact(W).enumerate() {
                let x = load::<W, BE>(v);
                if x & exp == exp {
                    if x & mant == 0 {
                        r.inf += 1;
                    } else {
                        r.nan += 1;
                    }
                    r.bad_blocks += 1;
                    if r.first_bad.is_none() {
                        r.first_bad = Some((base + i as u64, "value"));
                    }
                }
            }
        }
        base += (sub.len() / W) as u64;
    }
    r
}

fn any_nonzero(data: &[u8]) -> bool {
    // OR 4 KiB at a time so that the loop vectorizes, and stop at the first non-zero page.
    data.chunks(4096)
        .any(|c| c.iter().fold(0u8, |a, &b| a | b) != 0)
}

/// Quantized blocks: the scale fields only, plus an early-exit test for an all-zero tensor.
fn scan_blocks(data: &[u8], bb: usize, fields: &'static [Field], order: ByteOrder) -> ScanResult {
    let r = ScanResult {
        nonzero: any_nonzero(data),
        ..ScanResult::default()
    };
    let f16_at = |i: usize, off: usize| {
        fields
            .get(i)
            .is_some_and(|f| f.offset == off && f.kind == FieldKind::F16)
    };
    // The common layouts get a loop specialised on the block size and field offsets, so that
    // the compiler sees constant strides.
    let fast: Option<fn(&[u8]) -> bool> = match (bb, fields.len(), order) {
        (18, 1, ByteOrder::Little) if f16_at(0, 0) => Some(f16_hits::<18, 1, 1, 1>),
        (22, 1, ByteOrder::Little) if f16_at(0, 0) => Some(f16_hits::<22, 1, 1, 1>),
        (34, 1, ByteOrder::Little) if f16_at(0, 0) => Some(f16_hits::<34, 1, 1, 1>),
        (20, 2, ByteOrder::Little) if f16_at(0, 0) && f16_at(1, 2) => Some(f16_hits::<20, 2, 1, 3>),
        (24, 2, ByteOrder::Little) if f16_at(0, 0) && f16_at(1, 2) => Some(f16_hits::<24, 2, 1, 3>),
        (144, 2, ByteOrder::Little) if f16_at(0, 0) && f16_at(1, 2) => {
            Some(f16_hits::<144, 2, 1, 3>)
        }
        (176, 2, ByteOrder::Little) if f16_at(0, 0) && f16_at(1, 2) => {
            Some(f16_hits::<176, 2, 1, 3>)
        }
        (84, 2, ByteOrder::Little) if f16_at(0, 80) && f16_at(1, 82) => {
            Some(f16_hits::<84, 2, 81, 83>)
        }
        (110, 1, ByteOrder::Little) if f16_at(0, 108) => Some(f16_hits::<110, 1, 109, 109>),
        (210, 1, ByteOrder::Little) if f16_at(0, 208) => Some(f16_hits::<210, 1, 209, 209>),
        _ => None,
    };
    match fast {
        Some(fast) => scan_subchunks(data, bb, fields, order, r, fast),
        None if fields.iter().all(|f| f.kind == FieldKind::F16) => {
            // Any other all-f16 layout: the same test with run-time offsets.
            let his: Vec<usize> = fields
                .iter()
                .map(|f| {
                    if order == ByteOrder::Big {
                        f.offset
                    } else {
                        f.offset + 1
                    }
                })
                .collect();
            scan_subchunks(data, bb, fields, order, r, |sub| {
                f16_hits_dyn(sub, bb, &his)
            })
        }
        // One-byte, f32 and IQ1_M scales: a cheap test per field on the raw bytes.
        None => scan_subchunks(data, bb, fields, order, r, |sub| {
            sub.chunks_exact(bb).any(|blk| {
                fields.iter().fold(false, |acc, f| {
                    acc | raw_hit(f.kind, &blk[f.offset..f.offset + f.kind.width()], order)
                })
            })
        }),
    }
}

/// Whether a field's raw bytes may be NaN or infinite (exact for every kind; cheaper than
/// [`classify`] because it never tells which).
#[inline(always)]
fn raw_hit(kind: FieldKind, b: &[u8], order: ByteOrder) -> bool {
    match kind {
        FieldKind::E8M0 => b[0] == 0xff,
        FieldKind::Ue4m3 => b[0] & 0x7f == 0x7f,
        FieldKind::F16 => b[if order == ByteOrder::Big { 0 } else { 1 }] & 0x7c == 0x7c,
        FieldKind::F32 | FieldKind::Iq1mScale => classify(kind, b, order).is_some(),
    }
}

fn scan_subchunks(
    data: &[u8],
    bb: usize,
    fields: &'static [Field],
    order: ByteOrder,
    mut r: ScanResult,
    hit: impl Fn(&[u8]) -> bool,
) -> ScanResult {
    let mut base = 0u64;
    for sub in data.chunks(SUB * bb) {
        if hit(sub) {
            slow_blocks(sub, bb, fields, order, base, &mut r);
        }
        base += (sub.len() / bb) as u64;
    }
    r
}

/// [`f16_hits`] with run-time offsets `his` of the fields' high (exponent) bytes.
fn f16_hits_dyn(data: &[u8], bb: usize, his: &[usize]) -> bool {
    let mut acc = 0u8;
    for b in data.chunks_exact(bb) {
        for &h in his {
            acc |= ((b[h] & 0x7c) == 0x7c) as u8;
        }
    }
    acc != 0
}

/// Whether any block in `data` has an f16 field whose exponent bits are all ones, looking only
/// at the high byte of each field (little-endian: the byte at `offset + 1`). `N` is 1 or 2; `H0`
/// and `H1` are the high bytes' offsets.
#[inline(never)]
fn f16_hits<const BB: usize, const N: usize, const H0: usize, const H1: usize>(
    data: &[u8],
) -> bool {
    let mut acc = 0u8;
    for b in data.chunks_exact(BB) {
        let b: &[u8; BB] = b.try_into().unwrap();
        acc |= ((b[H0] & 0x7c) == 0x7c) as u8;
        if N > 1 {
            acc |= ((b[H1] & 0x7c) == 0x7c) as u8;
        }
    }
    acc != 0
}

/// Classifies one field's value: `Some(true)` NaN, `Some(false)` infinity, `None` fine.
#[inline]
pub fn classify(kind: FieldKind, b: &[u8], order: ByteOrder) -> Option<bool> {
    let u16_at = |i: usize| {
        let v = [b[i], b[i + 1]];
        if order == ByteOrder::Big {
            u16::from_be_bytes(v)
        } else {
            u16::from_le_bytes(v)
        }
    };
    match kind {
        FieldKind::F16 => half_bad(u16_at(0)),
        FieldKind::Iq1mScale => {
            let (s0, s1, s2, s3) = (u16_at(0), u16_at(2), u16_at(4), u16_at(6));
            let bits = (s0 >> 12) | ((s1 >> 8) & 0x00f0) | ((s2 >> 4) & 0x0f00) | (s3 & 0xf000);
            half_bad(bits)
        }
        FieldKind::F32 => {
            let v = [b[0], b[1], b[2], b[3]];
            let x = f32::from_bits(if order == ByteOrder::Big {
                u32::from_be_bytes(v)
            } else {
                u32::from_le_bytes(v)
            });
            if x.is_nan() {
                Some(true)
            } else if x.is_infinite() {
                Some(false)
            } else {
                None
            }
        }
        FieldKind::E8M0 => (b[0] == 0xff).then_some(true),
        FieldKind::Ue4m3 => (b[0] & 0x7f == 0x7f).then_some(true),
    }
}

fn half_bad(bits: u16) -> Option<bool> {
    let h = half::f16::from_bits(bits);
    if h.is_nan() {
        Some(true)
    } else if h.is_infinite() {
        Some(false)
    } else {
        None
    }
}

fn slow_blocks(
    data: &[u8],
    bb: usize,
    fields: &'static [Field],
    order: ByteOrder,
    base: u64,
    r: &mut ScanResult,
) {
    for (i, blk) in data.chunks_exact(bb).enumerate() {
        let mut bad = false;
        for f in fields {
            match classify(f.kind, &blk[f.offset..f.offset + f.kind.width()], order) {
                Some(true) => r.nan += 1,
                Some(false) => r.inf += 1,
                None => continue,
            }
            if !bad && r.first_bad.is_none() {
                r.first_bad = Some((base + i as u64, f.name));
            }
            bad = true;
        }
        r.bad_blocks += bad as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ggml_type::TYPES;

    #[test]
    fn every_known_type_has_a_check_that_fits_its_block() {
        for t in TYPES {
            let c = check_for(GgmlType(t.id)).unwrap_or_else(|| panic!("no check for {}", t.name));
            if let Check::Blocks {
                block_bytes,
                fields,
            } = c
            {
                assert_eq!(block_bytes, t.type_size as usize, "{}", t.name);
                for f in fields {
                    assert!(f.offset + f.kind.width() <= block_bytes, "{}", t.name);
                }
            }
        }
    }

    #[test]
    fn f16_classification() {
        assert_eq!(
            classify(FieldKind::F16, &[0x00, 0x7c], ByteOrder::Little),
            Some(false)
        );
        assert_eq!(
            classify(FieldKind::F16, &[0x01, 0xfc], ByteOrder::Little),
            Some(true)
        );
        assert_eq!(
            classify(FieldKind::F16, &[0x7c, 0x00], ByteOrder::Big),
            Some(false)
        );
        assert_eq!(
            classify(FieldKind::F16, &[0xff, 0x7b], ByteOrder::Little),
            None
        );
        assert_eq!(classify(FieldKind::E8M0, &[0xfe], ByteOrder::Little), None);
        assert_eq!(
            classify(FieldKind::E8M0, &[0xff], ByteOrder::Little),
            Some(true)
        );
        assert_eq!(classify(FieldKind::Ue4m3, &[0x7e], ByteOrder::Little), None);
        assert_eq!(
            classify(FieldKind::Ue4m3, &[0x7f], ByteOrder::Little),
            Some(true)
        );
        // IQ1_M: the exponent comes from the top nibbles of words 2 and 3.
        let mut s = [0u8; 8];
        s[5] = 0xc0; // word 2 top nibble 0xc -> bits 10,11 of the scale
        s[7] = 0x70; // word 3 top nibble 0x7 -> bits 12..14
        assert_eq!(
            classify(FieldKind::Iq1mScale, &s, ByteOrder::Little),
            Some(false)
        );
    }

    #[test]
    fn fast_and_slow_paths_agree() {
        // Q4_K: 3000 blocks, NaN d in block 1500, inf dmin in 2999.
        let mut d = vec![0x11u8; 144 * 3000];
        d[1500 * 144 + 1] = 0x7e;
        d[2999 * 144 + 2] = 0x00;
        d[2999 * 144 + 3] = 0xfc;
        let r = scan(check_for(GgmlType::Q4_K).unwrap(), &d, ByteOrder::Little);
        assert_eq!(r.first_bad, Some((1500, "d")));
        assert_eq!((r.bad_blocks, r.nan, r.inf), (2, 1, 1));
        assert!(r.nonzero);
        let z = scan(
            check_for(GgmlType::Q4_K).unwrap(),
            &vec![0u8; 288],
            ByteOrder::Little,
        );
        assert!(!z.nonzero && z.bad_blocks == 0);
    }

    #[test]
    fn floats() {
        let mut v: Vec<u8> = [1.0f32, -0.0, f32::NAN, 2.0, f32::NEG_INFINITY]
            .iter()
            .flat_map(|x| x.to_le_bytes())
            .collect();
        let r = scan(Check::F32, &v, ByteOrder::Little);
        assert_eq!(r.first_bad, Some((2, "value")));
        assert_eq!((r.bad_blocks, r.nan, r.inf), (2, 1, 1));
        v = [0.0f32, -0.0]
            .iter()
            .flat_map(|x| x.to_be_bytes())
            .collect();
        let r = scan(Check::F32, &v, ByteOrder::Big);
        assert!(!r.nonzero && r.bad_blocks == 0);
        let bf: Vec<u8> = [0x3f80u16, 0x7fc0]
            .iter()
            .flat_map(|x| x.to_le_bytes())
            .collect();
        assert_eq!(scan(Check::BF16, &bf, ByteOrder::Little).nan, 1);
    }
}
