//! SHA-256 of whole files, and the digests that file names promise.
//!
//! Two stores name a file by its content: Ollama keeps model layers as `blobs/sha256-<hex>`
//! (`sha256:<hex>` on older versions), and the Hugging Face hub cache keeps every LFS file as
//! `blobs/<hex>`, the hex being the file's SHA-256. A file named that way is checked against its
//! name without being asked.

use sha2::{Digest, Sha256};
use std::path::Path;

/// Which naming convention promised a digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DigestSource {
    /// Ollama: `sha256-<64 hex>`.
    Ollama,
    /// Hugging Face cache: a file directly under `blobs/` named by 64 hex digits.
    HuggingFace,
}

impl DigestSource {
    /// `ollama` or `huggingface`.
    pub fn name(self) -> &'static str {
        match self {
            DigestSource::Ollama => "ollama",
            DigestSource::HuggingFace => "huggingface",
        }
    }
}

/// The digest a path's file name promises, if it follows one of the conventions. A symbolic
/// link is followed to the file it names: the path users have for a Hugging Face model is
/// `snapshots/<rev>/model.gguf`, a link to `blobs/<hex>`.
pub fn expected_digest(path: &Path) -> Option<([u8; 32], DigestSource)> {
    digest_in_name(path).or_else(|| {
        let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
        if !is_link {
            return None;
        }
        digest_in_name(&std::fs::canonicalize(path).ok()?)
    })
}

fn digest_in_name(path: &Path) -> Option<([u8; 32], DigestSource)> {
    let name = path.file_name()?.to_str()?;
    if let Some(h) = name
        .strip_prefix("sha256-")
        .or_else(|| name.strip_prefix("sha256:"))
    {
        return parse_hex(h).map(|d| (d, DigestSource::Ollama));
    }
    let parent = path.parent()?.file_name()?;
    if parent == "blobs" {
        return parse_hex(name).map(|d| (d, DigestSource::HuggingFace));
    }
    None
}

/// Parses exactly 64 hex digits (either case).
pub fn parse_hex(s: &str) -> Option<[u8; 32]> {
    let b = s.as_bytes();
    if b.len() != 64 {
        return None;
    }
    let nib = |c: u8| (c as char).to_digit(16).map(|v| v as u8);
    let mut out = [0u8; 32];
    for (i, o) in out.iter_mut().enumerate() {
        *o = nib(b[2 * i])? << 4 | nib(b[2 * i + 1])?;
    }
    Some(out)
}

/// Lower-case hex.
pub fn hex(d: &[u8]) -> String {
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// The SHA-256 of `bytes`, reporting progress every 4 MiB.
pub fn sha256(bytes: &[u8], progress: &(dyn Fn(u64) + Sync)) -> [u8; 32] {
    let mut h = Sha256::new();
    for c in bytes.chunks(4 << 20) {
        h.update(c);
        progress(c.len() as u64);
    }
    h.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        let h = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        let d = parse_hex(h).unwrap();
        assert_eq!(hex(&d), h);
        assert_eq!(sha256(b"", &|_| {}), d);
        let o = format!("/x/blobs/sha256-{h}");
        assert_eq!(
            expected_digest(Path::new(&o)),
            Some((d, DigestSource::Ollama))
        );
        let hf = format!("/c/models--a--b/blobs/{h}");
        assert_eq!(
            expected_digest(Path::new(&hf)),
            Some((d, DigestSource::HuggingFace))
        );
        // 64 hex digits outside blobs/ promise nothing; neither does a short name.
        assert_eq!(expected_digest(Path::new(&format!("/x/{h}"))), None);
        assert_eq!(expected_digest(Path::new("/x/sha256-abc")), None);
    }
}
