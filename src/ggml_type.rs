//! The ggml tensor type table: one row per type id with its name, block size and bytes per block.
//!
//! Type ids keep moving upstream (ids are added, some were removed, forks assign private ids), so
//! [`GgmlType`] is an open newtype over the raw `u32`: an id that is not in [`TYPES`] is kept as
//! `unknown(N)` with an unknown size, and the rest of the file still reads.

use std::borrow::Cow;
use std::fmt;

/// One row of the ggml type table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TypeInfo {
    /// The numeric id stored in GGUF tensor entries (`enum ggml_type`).
    pub id: u32,
    /// The name, in the upper-case spelling gguf-py and llama.cpp's logs use (`Q4_K`, `IQ2_XXS`).
    pub name: &'static str,
    /// Elements per block (`blck_size`).
    pub block_size: u32,
    /// Bytes per block (`type_size`).
    pub type_size: u32,
    /// The family the type belongs to, for grouping and coloring.
    pub family: TypeFamily,
}

/// Broad families of ggml types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TypeFamily {
    /// Plain floating point (F32, F16, BF16, F64).
    Float,
    /// Plain integers (I8 … I64).
    Integer,
    /// The legacy 32-element block quants (Q4_0 … Q8_1).
    Legacy,
    /// The K-quants (Q2_K … Q8_K).
    KQuant,
    /// The importance-matrix quants (IQ1_S … IQ4_XS).
    IQuant,
    /// Ternary quants (TQ1_0, TQ2_0).
    Ternary,
    /// 4-bit floating point microscaling formats (MXFP4, NVFP4).
    Fp4,
    /// The low-bit Q1_0/Q2_0 formats.
    LowBit,
}

impl TypeFamily {
    /// A short lower-case name for the family.
    pub fn name(self) -> &'static str {
        match self {
            TypeFamily::Float => "float",
            TypeFamily::Integer => "integer",
            TypeFamily::Legacy => "legacy",
            TypeFamily::KQuant => "k-quant",
            TypeFamily::IQuant => "i-quant",
            TypeFamily::Ternary => "ternary",
            TypeFamily::Fp4 => "fp4",
            TypeFamily::LowBit => "low-bit",
        }
    }
}

macro_rules! types {
    ($($id:literal $name:ident $blk:literal $size:literal $fam:ident;)*) => {
        /// Every ggml type id current ggml knows (ggml/include/ggml.h `enum ggml_type` and the
        /// `type_traits` table in ggml/src/ggml.c). Ids 4, 5, 31–33 and 36–38 were removed upstream
        /// and are absent here on purpose: a file that uses them reads as `unknown(N)`.
        pub const TYPES: &[TypeInfo] = &[
            $(TypeInfo { id: $id, name: stringify!($name), block_size: $blk, type_size: $size, family: TypeFamily::$fam },)*
        ];

        impl GgmlType {
            $(
                #[doc = concat!("`GGML_TYPE_", stringify!($name), "` (id ", stringify!($id), ").")]
                pub const $name: GgmlType = GgmlType($id);
            )*
        }

        /// Every known type as a free constant, for code that names many of them (the quantizer
        /// rules): `use gguflens::ggml_type::consts::*`. Generated from the same table as [`TYPES`].
        #[allow(non_upper_case_globals)]
        pub mod consts {
            use super::GgmlType;
            $(
                #[doc = concat!("[`GgmlType::", stringify!($name), "`].")]
                pub const $name: GgmlType = GgmlType::$name;
            )*
        }
    };
}

types! {
    0  F32       1   4   Float;
    1  F16       1   2   Float;
    2  Q4_0      32  18  Legacy;
    3  Q4_1      32  20  Legacy;
    6  Q5_0      32  22  Legacy;
    7  Q5_1      32  24  Legacy;
    8  Q8_0      32  34  Legacy;
    9  Q8_1      32  36  Legacy;
    10 Q2_K      256 84  KQuant;
    11 Q3_K      256 110 KQuant;
    12 Q4_K      256 144 KQuant;
    13 Q5_K      256 176 KQuant;
    14 Q6_K      256 210 KQuant;
    15 Q8_K      256 292 KQuant;
    16 IQ2_XXS   256 66  IQuant;
    17 IQ2_XS    256 74  IQuant;
    18 IQ3_XXS   256 98  IQuant;
    19 IQ1_S     256 50  IQuant;
    20 IQ4_NL    32  18  IQuant;
    21 IQ3_S     256 110 IQuant;
    22 IQ2_S     256 82  IQuant;
    23 IQ4_XS    256 136 IQuant;
    24 I8        1   1   Integer;
    25 I16       1   2   Integer;
    26 I32       1   4   Integer;
    27 I64       1   8   Integer;
    28 F64       1   8   Float;
    29 IQ1_M     256 56  IQuant;
    30 BF16      1   2   Float;
    34 TQ1_0     256 54  Ternary;
    35 TQ2_0     256 66  Ternary;
    39 MXFP4     32  17  Fp4;
    40 NVFP4     64  36  Fp4;
    41 Q1_0      128 18  LowBit;
    42 Q2_0      64  18  LowBit;
}

/// A ggml tensor type id as stored in the file. Open: ids outside [`TYPES`] are kept.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GgmlType(pub u32);

impl GgmlType {
    /// The table row, or `None` for an id current ggml does not define.
    pub fn info(self) -> Option<&'static TypeInfo> {
        // The table is sorted by id and small: a binary search is exact and branch-light.
        TYPES
            .binary_search_by_key(&self.0, |t| t.id)
            .ok()
            .map(|i| &TYPES[i])
    }

    /// Looks a type up by name, case-insensitively (`q4_k`, `Q4_K`, `bf16`).
    pub fn from_name(name: &str) -> Option<GgmlType> {
        TYPES
            .iter()
            .find(|t| t.name.eq_ignore_ascii_case(name))
            .map(|t| GgmlType(t.id))
    }

    /// Whether the id is in the table.
    pub fn is_known(self) -> bool {
        self.info().is_some()
    }

    /// The name (`Q4_K`), or `unknown(N)`.
    pub fn name(self) -> Cow<'static, str> {
        match self.info() {
            Some(t) => Cow::Borrowed(t.name),
            None => Cow::Owned(format!("unknown({})", self.0)),
        }
    }

    /// Elements per block, if known.
    pub fn block_size(self) -> Option<u32> {
        self.info().map(|t| t.block_size)
    }

    /// Bytes per block, if known.
    pub fn type_size(self) -> Option<u32> {
        self.info().map(|t| t.type_size)
    }

    /// Bits per weight of the format itself (`type_size * 8 / block_size`): 4.5 for Q4_K.
    pub fn bits_per_weight(self) -> Option<f64> {
        self.info()
            .map(|t| t.type_size as f64 * 8.0 / t.block_size as f64)
    }

    /// Whether the type is a block-quantized format (not a plain float or integer type).
    pub fn is_quantized(self) -> bool {
        matches!(self.info(), Some(t) if t.block_size > 1)
    }

    /// The family, if known.
    pub fn family(self) -> Option<TypeFamily> {
        self.info().map(|t| t.family)
    }

    /// Bytes of one row of `n` elements (`ggml_row_size`). `None` when the type is unknown, `n` is
    /// not a multiple of the block size, or the result overflows.
    pub fn row_size(self, n: u64) -> Option<u64> {
        let t = self.info()?;
        if n % t.block_size as u64 != 0 {
            return None;
        }
        (n / t.block_size as u64).checked_mul(t.type_size as u64)
    }

    /// Bytes of a tensor with these dimensions (`ggml_nbytes` for a contiguous tensor): the first
    /// dimension must be a multiple of the block size.
    pub fn tensor_bytes(self, dims: &[u64]) -> Option<u64> {
        let (first, rest) = match dims.split_first() {
            Some(x) => x,
            None => return self.row_size(1),
        };
        let row = self.row_size(*first)?;
        rest.iter().try_fold(row, |acc, &d| acc.checked_mul(d))
    }
}

impl fmt::Debug for GgmlType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.name())
    }
}

impl fmt::Display for GgmlType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_unique() {
        assert!(TYPES.windows(2).all(|w| w[0].id < w[1].id));
    }

    #[test]
    fn sizes_match_ggml() {
        assert_eq!(GgmlType::Q4_K.bits_per_weight(), Some(4.5));
        assert_eq!(GgmlType(14).bits_per_weight(), Some(6.5625));
        assert_eq!(GgmlType::Q8_0.row_size(64), Some(68));
        assert_eq!(GgmlType::Q4_K.row_size(640), None);
        assert_eq!(GgmlType::F32.tensor_bytes(&[640, 3]), Some(7680));
        assert_eq!(GgmlType(4).name(), "unknown(4)");
        assert_eq!(GgmlType(4).tensor_bytes(&[32]), None);
        assert_eq!(GgmlType::from_name("q6_k"), Some(GgmlType(14)));
    }
}
