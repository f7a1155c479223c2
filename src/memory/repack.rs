//! The CPU repack copy: on CPUs with the right matrix kernels, llama.cpp's CPU backend copies
//! some weights into an interleaved layout in an extra `CPU_REPACK` buffer
//! (`ggml/src/ggml-cpu/repack.cpp`, `ggml_repack_get_optimal_repack_type`). With mmap the file
//! pages stay mapped as well, so the copy comes on top of the mapped weights; without mmap the
//! tensor lives in the repack buffer instead of the plain CPU one.
//!
//! A weight is copied when the loader picks the repack buffer type for it
//! (`select_weight_buft`): its op is a matrix multiplication of a 2-D weight (`MUL_MAT`) or of
//! 3-D experts (`MUL_MAT_ID`) — row lookups such as the token embedding never qualify — its type
//! has a kernel for this CPU, and its row count (`ne[1]`) is a multiple of the kernel's
//! interleave. The extra buffer types come after a GPU backend's host buffer in the CPU list, so
//! a build with a GPU backend places CPU weights in plain (or pinned) memory: the copy is
//! modelled for CPU-only runs.

use crate::ggml_type::GgmlType;
use std::fmt;

/// The CPU a prediction is for, by the features llama.cpp's repack code checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CpuKind {
    /// No repack kernels (older x86 without AVX2, other architectures, or `--no-repack`).
    Generic,
    /// x86-64 with AVX2.
    X86Avx2,
    /// x86-64 with AVX-512F (and AVX2).
    X86Avx512,
    /// ARM64 with NEON dot products, without int8 matrix multiply.
    ArmDotprod,
    /// ARM64 with NEON int8 matrix multiply (i8mm) and dot products.
    ArmI8mm,
}

/// How a type is repacked on a CPU: the row interleave its kernel needs.
type Kernel = (GgmlType, u64);

const Q4_0: GgmlType = GgmlType(2);
const Q8_0: GgmlType = GgmlType(8);
const Q2_K: GgmlType = GgmlType(10);
const Q4_K: GgmlType = GgmlType(12);
const Q5_K: GgmlType = GgmlType(13);
const Q6_K: GgmlType = GgmlType(14);
const IQ4_NL: GgmlType = GgmlType(20);
const MXFP4: GgmlType = GgmlType(39);
const Q1_0: GgmlType = GgmlType(41);

/// Per CPU kind, each repacked type and the multiple its row count must be (llama.cpp
/// 0c1e570, `ggml_repack_get_optimal_repack_type`; the first kernel that applies wins).
const KERNELS: &[(CpuKind, &[Kernel])] = &[
    (CpuKind::Generic, &[]),
    (
        CpuKind::X86Avx2,
        &[(Q4_0, 8), (Q4_K, 8), (IQ4_NL, 8), (MXFP4, 8)],
    ),
    (
        CpuKind::X86Avx512,
        &[(Q4_0, 8), (Q4_K, 8), (Q2_K, 8), (IQ4_NL, 8), (MXFP4, 8)],
    ),
    (
        CpuKind::ArmDotprod,
        &[
            (Q4_0, 4),
            (Q4_K, 8),
            (Q5_K, 8),
            (Q6_K, 8),
            (IQ4_NL, 4),
            (MXFP4, 4),
            (Q8_0, 4),
            (Q1_0, 4),
        ],
    ),
    (
        CpuKind::ArmI8mm,
        &[
            (Q4_0, 4),
            (Q4_K, 8),
            (Q5_K, 8),
            (Q6_K, 8),
            (IQ4_NL, 4),
            (MXFP4, 4),
            (Q8_0, 4),
            (Q1_0, 4),
        ],
    ),
];

impl CpuKind {
    /// Every kind, in flag order.
    pub const ALL: [CpuKind; 5] = [
        CpuKind::Generic,
        CpuKind::X86Avx2,
        CpuKind::X86Avx512,
        CpuKind::ArmDotprod,
        CpuKind::ArmI8mm,
    ];

    /// The flag spelling: `generic`, `x86-avx2`, `x86-avx512`, `arm-dotprod`, `arm-i8mm`.
    pub fn name(self) -> &'static str {
        match self {
            CpuKind::Generic => "generic",
            CpuKind::X86Avx2 => "x86-avx2",
            CpuKind::X86Avx512 => "x86-avx512",
            CpuKind::ArmDotprod => "arm-dotprod",
            CpuKind::ArmI8mm => "arm-i8mm",
        }
    }

    /// Parses a flag value, case-insensitively.
    pub fn from_name(s: &str) -> Option<CpuKind> {
        CpuKind::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(s))
    }

    /// The machine this runs on, by its CPU features.
    pub fn host() -> CpuKind {
        host_kind()
    }

    /// The row multiple a type's repack kernel needs on this CPU, if it has one.
    pub fn interleave(self, t: GgmlType) -> Option<u64> {
        KERNELS
            .iter()
            .find(|(k, _)| *k == self)
            .and_then(|(_, ks)| ks.iter().find(|(ty, _)| *ty == t))
            .map(|&(_, n)| n)
    }

    /// Whether a weight of this type and shape, used by a matrix multiplication, is copied into
    /// the repack buffer: `dims` innermost first, 2-D for `MUL_MAT` or 3-D for `MUL_MAT_ID`
    /// (`experts`).
    pub fn repacks(self, t: GgmlType, dims: &[u64], experts: bool) -> bool {
        let rank_ok = if experts {
            dims.len() == 3
        } else {
            dims.len() == 2
        };
        let rows = dims.get(1).copied().unwrap_or(0);
        rank_ok && rows > 0 && self.interleave(t).is_some_and(|n| rows % n == 0)
    }
}

impl fmt::Display for CpuKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(target_arch = "x86_64")]
fn host_kind() -> CpuKind {
    if std::arch::is_x86_feature_detected!("avx512f") {
        CpuKind::X86Avx512
    } else if std::arch::is_x86_feature_detected!("avx2") {
        CpuKind::X86Avx2
    } else {
        CpuKind::Generic
    }
}

#[cfg(target_arch = "aarch64")]
fn host_kind() -> CpuKind {
    if std::arch::is_aarch64_feature_detected!("i8mm")
        && std::arch::is_aarch64_feature_detected!("dotprod")
    {
        CpuKind::ArmI8mm
    } else if std::arch::is_aarch64_feature_detected!("dotprod") {
        CpuKind::ArmDotprod
    } else {
        CpuKind::Generic
    }
}

#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
fn host_kind() -> CpuKind {
    CpuKind::Generic
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernels_per_cpu() {
        let k = CpuKind::X86Avx2;
        assert!(k.repacks(Q4_K, &[1536, 256], false));
        assert!(
            !k.repacks(Q4_K, &[1536, 260], false),
            "rows not a multiple of 8"
        );
        assert!(!k.repacks(Q2_K, &[256, 256], false), "Q2_K needs AVX-512");
        assert!(CpuKind::X86Avx512.repacks(Q2_K, &[256, 256], false));
        assert!(!k.repacks(Q6_K, &[256, 256], false));
        assert!(CpuKind::ArmI8mm.repacks(Q6_K, &[256, 256], false));
        assert!(CpuKind::ArmDotprod.repacks(Q4_0, &[256, 4], false));
        assert!(!k.repacks(Q4_0, &[256, 4], false), "x86 interleaves 8 rows");
        assert!(!k.repacks(Q4_K, &[256, 256, 8], false), "3-D MUL_MAT never");
        assert!(k.repacks(Q4_K, &[256, 256, 8], true));
        assert!(!CpuKind::Generic.repacks(Q4_0, &[256, 256], false));
        for c in CpuKind::ALL {
            assert_eq!(CpuKind::from_name(c.name()), Some(c));
        }
    }
}
