//! `general.file_type` (`enum llama_ftype`): the quantization a file is labelled with.

/// Bit llama.cpp sets in `general.file_type` when it guessed the type from the tensors.
pub const FTYPE_GUESSED: u64 = 1024;

macro_rules! ftypes {
    ($($id:literal $konst:ident $name:literal $desc:literal;)*) => {
        /// (id, short name as in file names, llama.cpp's own description) for every `llama_ftype`
        /// (`llama.h` and `llama_model_ftype_name`).
        pub const FILE_TYPES: &[(u64, &str, &str)] = &[$(($id, $name, $desc),)*];

        /// `enum llama_ftype` ids by their upstream name (`LLAMA_FTYPE_MOSTLY_Q4_K_M` → `Q4_K_M`),
        /// generated from the same table as [`FILE_TYPES`].
        pub mod id {
            $(
                #[doc = concat!("`", $name, "` (", $desc, ").")]
                pub const $konst: u64 = $id;
            )*
        }
    };
}

ftypes! {
    0 ALL_F32 "F32" "all F32";
    1 F16 "F16" "F16";
    2 Q4_0 "Q4_0" "Q4_0";
    3 Q4_1 "Q4_1" "Q4_1";
    4 Q4_1_SOME_F16 "Q4_1_SOME_F16" "Q4_1, some F16";
    7 Q8_0 "Q8_0" "Q8_0";
    8 Q5_0 "Q5_0" "Q5_0";
    9 Q5_1 "Q5_1" "Q5_1";
    10 Q2_K "Q2_K" "Q2_K - Medium";
    11 Q3_K_S "Q3_K_S" "Q3_K - Small";
    12 Q3_K_M "Q3_K_M" "Q3_K - Medium";
    13 Q3_K_L "Q3_K_L" "Q3_K - Large";
    14 Q4_K_S "Q4_K_S" "Q4_K - Small";
    15 Q4_K_M "Q4_K_M" "Q4_K - Medium";
    16 Q5_K_S "Q5_K_S" "Q5_K - Small";
    17 Q5_K_M "Q5_K_M" "Q5_K - Medium";
    18 Q6_K "Q6_K" "Q6_K";
    19 IQ2_XXS "IQ2_XXS" "IQ2_XXS - 2.0625 bpw";
    20 IQ2_XS "IQ2_XS" "IQ2_XS - 2.3125 bpw";
    21 Q2_K_S "Q2_K_S" "Q2_K - Small";
    22 IQ3_XS "IQ3_XS" "IQ3_XS - 3.3 bpw";
    23 IQ3_XXS "IQ3_XXS" "IQ3_XXS - 3.0625 bpw";
    24 IQ1_S "IQ1_S" "IQ1_S - 1.5625 bpw";
    25 IQ4_NL "IQ4_NL" "IQ4_NL - 4.5 bpw";
    26 IQ3_S "IQ3_S" "IQ3_S - 3.4375 bpw";
    27 IQ3_M "IQ3_M" "IQ3_S mix - 3.66 bpw";
    28 IQ2_S "IQ2_S" "IQ2_S - 2.5 bpw";
    29 IQ2_M "IQ2_M" "IQ2_M - 2.7 bpw";
    30 IQ4_XS "IQ4_XS" "IQ4_XS - 4.25 bpw";
    31 IQ1_M "IQ1_M" "IQ1_M - 1.75 bpw";
    32 BF16 "BF16" "BF16";
    36 TQ1_0 "TQ1_0" "TQ1_0 - 1.69 bpw ternary";
    37 TQ2_0 "TQ2_0" "TQ2_0 - 2.06 bpw ternary";
    38 MXFP4_MOE "MXFP4_MOE" "MXFP4 MoE";
    39 NVFP4 "NVFP4" "NVFP4";
    40 Q1_0 "Q1_0" "Q1_0";
    41 Q2_0 "Q2_0" "Q2_0";
}

/// A decoded `general.file_type`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileType {
    /// The raw value.
    pub raw: u64,
    /// The value without the guessed bit.
    pub id: u64,
    /// Short name (`Q4_K_M`), or `unknown(N)`.
    pub name: String,
    /// llama.cpp's description (`Q4_K - Medium`), or `unknown, may not work`.
    pub description: String,
    /// Whether the guessed bit is set.
    pub guessed: bool,
}

impl FileType {
    /// Decodes a raw `general.file_type` value.
    pub fn from_raw(raw: u64) -> FileType {
        let guessed = raw & FTYPE_GUESSED != 0;
        let id = raw & !FTYPE_GUESSED;
        match FILE_TYPES.iter().find(|t| t.0 == id) {
            Some(&(_, name, desc)) => FileType {
                raw,
                id,
                name: name.to_string(),
                description: if guessed {
                    format!("{desc} (guessed)")
                } else {
                    desc.to_string()
                },
                guessed,
            },
            None => FileType {
                raw,
                id,
                name: format!("unknown({id})"),
                description: "unknown, may not work".to_string(),
                guessed,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn names() {
        let t = FileType::from_raw(15);
        assert_eq!(
            (t.name.as_str(), t.description.as_str()),
            ("Q4_K_M", "Q4_K - Medium")
        );
        assert!(FileType::from_raw(1024 + 7).guessed);
        assert_eq!(FileType::from_raw(999).name, "unknown(999)");
    }
}
