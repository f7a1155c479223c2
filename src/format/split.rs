//! Split models (`name-00001-of-00003.gguf`, written by gguf-split): file naming and the
//! consistency rules between shards. The I/O lives in [`crate::file`].

use super::Gguf;
use std::path::{Path, PathBuf};

/// The `split.*` keys gguf-split writes into every shard.
pub const KEY_SPLIT_NO: &str = "split.no";
/// Number of shards.
pub const KEY_SPLIT_COUNT: &str = "split.count";
/// Tensors in the whole set.
pub const KEY_SPLIT_TENSORS: &str = "split.tensors.count";

/// A shard file name taken apart: `prefix-00002-of-00005.gguf` → (`prefix`, 2, 5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitName {
    /// Everything before `-NNNNN-of-MMMMM.gguf`.
    pub prefix: String,
    /// This shard's number, from 1.
    pub number: u32,
    /// Number of shards.
    pub count: u32,
}

impl SplitName {
    /// Parses a file name (not a path). `None` when it does not follow the convention.
    pub fn parse(file_name: &str) -> Option<SplitName> {
        let stem = file_name.strip_suffix(".gguf")?;
        // "-NNNNN-of-MMMMM" is 15 bytes.
        if stem.len() < 16 || !stem.is_char_boundary(stem.len() - 15) {
            return None;
        }
        let (prefix, tail) = stem.split_at(stem.len() - 15);
        let b = tail.as_bytes();
        if b[0] != b'-' || &b[6..10] != b"-of-" {
            return None;
        }
        let digits = |s: &[u8]| -> Option<u32> {
            if s.iter().all(u8::is_ascii_digit) {
                std::str::from_utf8(s).ok()?.parse().ok()
            } else {
                None
            }
        };
        let number = digits(&b[1..6])?;
        let count = digits(&b[10..15])?;
        if number == 0 || count == 0 || number > count {
            return None;
        }
        Some(SplitName {
            prefix: prefix.to_string(),
            number,
            count,
        })
    }

    /// The file name of shard `number` of this set.
    pub fn file_name(&self, number: u32) -> String {
        format!("{}-{:05}-of-{:05}.gguf", self.prefix, number, self.count)
    }
}

/// The path that stands for a file's whole split set, its first shard (`NAME-00001-of-0000M.gguf`
/// in the same directory), or the path itself when it is not a shard of a larger set.
pub fn set_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(SplitName::parse);
    match name {
        Some(n) if n.count > 1 => path.with_file_name(n.file_name(1)),
        _ => path.to_path_buf(),
    }
}

/// What a shard says about the set it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SplitKeys {
    /// `split.no` (0-based).
    pub number: Option<u64>,
    /// `split.count`.
    pub count: Option<u64>,
    /// `split.tensors.count`.
    pub tensors: Option<u64>,
}

impl SplitKeys {
    /// Reads the `split.*` keys of a parsed shard.
    pub fn of(g: &Gguf) -> SplitKeys {
        SplitKeys {
            number: g.get_u64(KEY_SPLIT_NO),
            count: g.get_u64(KEY_SPLIT_COUNT),
            tensors: g.get_u64(KEY_SPLIT_TENSORS),
        }
    }

    /// Whether the file declares itself part of a set of more than one shard.
    pub fn is_split(&self) -> bool {
        self.count.is_some_and(|c| c > 1)
    }
}

/// Checks one shard (`index` from 0, of `count`) against what the first shard declared.
/// Returns a sentence describing the first inconsistency.
pub fn check_shard(
    index: u32,
    count: u32,
    first: &SplitKeys,
    this: &SplitKeys,
) -> Result<(), String> {
    if this.count != Some(count as u64) {
        return Err(format!(
            "shard {} declares split.count {}, expected {count}",
            index + 1,
            opt(this.count)
        ));
    }
    if this.number != Some(index as u64) {
        return Err(format!(
            "shard {} declares split.no {}, expected {index}",
            index + 1,
            opt(this.number)
        ));
    }
    if this.tensors != first.tensors {
        return Err(format!(
            "shard {} declares split.tensors.count {}, but shard 1 declares {}: it belongs to another set",
            index + 1,
            opt(this.tensors),
            opt(first.tensors)
        ));
    }
    Ok(())
}

fn opt(v: Option<u64>) -> String {
    v.map_or_else(|| "(missing)".to_string(), |v| v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        let n = SplitName::parse("Qwen-7B-Q4_K_M-00002-of-00003.gguf").unwrap();
        assert_eq!(n.prefix, "Qwen-7B-Q4_K_M");
        assert_eq!((n.number, n.count), (2, 3));
        assert_eq!(n.file_name(1), "Qwen-7B-Q4_K_M-00001-of-00003.gguf");
        assert_eq!(SplitName::parse("model.gguf"), None);
        assert_eq!(SplitName::parse("x-00004-of-00003.gguf"), None);
        assert_eq!(SplitName::parse("x-0000a-of-00003.gguf"), None);
    }
}
