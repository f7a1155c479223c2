//! Opening files: memory maps, and split sets that read as one model.
//!
//! A map is only valid while the file is not truncated by another process; if it is, reading the
//! missing pages raises SIGBUS. gguflens maps read-only and reads the header in milliseconds, so
//! the window is small; the same contract as ripgrep's and llama.cpp's own mmap loading.

use crate::error::{Error, ErrorKind, Result};
use crate::format::split::{check_shard, SplitKeys, SplitName};
use crate::format::{Finding, FindingCode, Gguf, Severity, TensorInfo};
use memmap2::Mmap;
use std::fs::File;
use std::path::{Path, PathBuf};

/// A GGUF file mapped into memory. Parse it with [`GgufFile::parse`].
#[derive(Debug)]
pub struct GgufFile {
    path: PathBuf,
    map: Option<Mmap>,
}

impl GgufFile {
    /// Opens and maps a file.
    ///
    /// Returns an error if the path cannot be opened, is not a regular file (a directory, a
    /// FIFO, a device), or cannot be mapped. An empty file opens; parsing it fails.
    pub fn open(path: impl AsRef<Path>) -> Result<GgufFile> {
        let path = path.as_ref();
        let err = |e: std::io::Error| Error::new(ErrorKind::Io(e.to_string())).with_path(path);
        let meta = std::fs::metadata(path).map_err(err)?;
        let ft = meta.file_type();
        if !ft.is_file() {
            let what = if ft.is_dir() {
                "a directory"
            } else if ft.is_symlink() {
                "a symbolic link"
            } else {
                special_kind(&ft)
            };
            return Err(Error::new(ErrorKind::NotAFile(what)).with_path(path));
        }
        if meta.len() == 0 {
            return Ok(GgufFile {
                path: path.to_path_buf(),
                map: None,
            });
        }
        let f = File::open(path).map_err(err)?;
        // SAFETY: the map is read-only; see the module docs for the truncation caveat.
        let map = unsafe { Mmap::map(&f) }.map_err(err)?;
        Ok(GgufFile {
            path: path.to_path_buf(),
            map: Some(map),
        })
    }

    /// The path it was opened with.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The mapped bytes.
    pub fn bytes(&self) -> &[u8] {
        self.map.as_deref().unwrap_or(&[])
    }

    /// Parses the header, metadata and tensor directory. Errors name this file.
    pub fn parse(&self) -> Result<Gguf<'_>> {
        Gguf::parse(self.bytes()).map_err(|e| e.with_path(&self.path))
    }
}

#[cfg(unix)]
fn special_kind(ft: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if ft.is_fifo() {
        "a FIFO"
    } else if ft.is_socket() {
        "a socket"
    } else if ft.is_block_device() || ft.is_char_device() {
        "a device"
    } else {
        "not a regular file"
    }
}

#[cfg(not(unix))]
fn special_kind(_: &std::fs::FileType) -> &'static str {
    "not a regular file"
}

/// The files of one model: a single file, or every shard of a split set.
#[derive(Debug)]
pub struct ModelFiles {
    /// The shards in order (one element for an unsplit file).
    pub files: Vec<GgufFile>,
}

impl ModelFiles {
    /// Opens a model. If `path` is a shard of a split set (`-00002-of-00003.gguf`), every shard
    /// of the set is opened, whichever one was named.
    ///
    /// Returns an error if any shard is missing or cannot be opened.
    pub fn open(path: impl AsRef<Path>) -> Result<ModelFiles> {
        let path = path.as_ref();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(SplitName::parse);
        match name {
            Some(n) if n.count > 1 => {
                let dir = path.parent().unwrap_or(Path::new(""));
                let mut files = Vec::with_capacity(n.count as usize);
                for i in 1..=n.count {
                    let p = if i == n.number {
                        path.to_path_buf()
                    } else {
                        dir.join(n.file_name(i))
                    };
                    if !p.exists() {
                        return Err(Error::new(ErrorKind::Split(format!(
                            "shard {i} of {} is missing: expected {}",
                            n.count,
                            p.display()
                        )))
                        .with_path(path));
                    }
                    files.push(GgufFile::open(&p)?);
                }
                Ok(ModelFiles { files })
            }
            _ => Ok(ModelFiles {
                files: vec![GgufFile::open(path)?],
            }),
        }
    }

    /// Parses every shard and checks that they form one set.
    ///
    /// Returns an error if a shard cannot be parsed, or if the shards disagree (`split.count`,
    /// `split.no`, `split.tensors.count`), or a lone file declares itself part of a larger set.
    pub fn parse(&self) -> Result<Model<'_>> {
        let mut shards = Vec::with_capacity(self.files.len());
        for f in &self.files {
            shards.push(Shard {
                path: f.path(),
                gguf: f.parse()?,
            });
        }
        let Some(first) = shards.first() else {
            return Err(Error::new(ErrorKind::Invalid("no files to read".into())));
        };
        let first = SplitKeys::of(&first.gguf);
        let count = shards.len() as u32;
        let mut findings = crate::format::Findings::default();
        if count == 1 {
            if first.is_split() {
                return Err(Error::new(ErrorKind::Split(format!(
                    "this file is shard {} of a set of {} (split.no/split.count), but its name does not say where the others are (expected NAME-0000N-of-{:05}.gguf)",
                    first.number.map_or(0, |n| n.saturating_add(1)),
                    first.count.unwrap_or(0),
                    first.count.unwrap_or(0)
                )))
                .with_path(shards[0].path));
            }
        } else {
            for (i, s) in shards.iter().enumerate() {
                let keys = SplitKeys::of(&s.gguf);
                check_shard(i as u32, count, &first, &keys)
                    .map_err(|m| Error::new(ErrorKind::Split(m)).with_path(s.path))?;
            }
            let total: u64 = shards.iter().map(|s| s.gguf.tensors.len() as u64).sum();
            if let Some(declared) = first.tensors {
                if declared != total {
                    findings.push(Finding::error(
                        FindingCode::SplitTensorCount,
                        None,
                        format!(
                            "the shards hold {total} tensors, split.tensors.count says {declared}"
                        ),
                    ));
                }
            }
            // Names across shards; a name repeated inside one shard is the reader's finding
            // already, so only a repeat in a later shard is reported here.
            let mut seen = std::collections::HashMap::new();
            for (i, s) in shards.iter().enumerate() {
                for t in &s.gguf.tensors {
                    if *seen.entry(t.name.0).or_insert(i) != i {
                        findings.push(Finding::error(
                            FindingCode::DuplicateTensor,
                            Some(t.entry_offset),
                            format!(
                                "tensor {} appears in more than one shard ({})",
                                t.name_str(),
                                s.path.display()
                            ),
                        ));
                    }
                }
            }
        }
        Ok(Model {
            shards,
            findings: findings.finish(),
        })
    }
}

/// One parsed shard.
#[derive(Debug)]
pub struct Shard<'a> {
    /// Its path.
    pub path: &'a Path,
    /// Its contents.
    pub gguf: Gguf<'a>,
}

/// A parsed model: one or more shards read as one. Metadata comes from the first shard
/// (gguf-split writes the model's metadata there); tensors, bytes and parameters add up across
/// shards.
#[derive(Debug)]
pub struct Model<'a> {
    /// The shards, in order.
    pub shards: Vec<Shard<'a>>,
    /// Problems that concern the set rather than one shard.
    pub findings: Vec<Finding>,
}

impl<'a> Model<'a> {
    /// Parses a single in-memory file as a one-shard model.
    pub fn from_gguf(path: &'a Path, gguf: Gguf<'a>) -> Model<'a> {
        Model {
            shards: vec![Shard { path, gguf }],
            findings: Vec::new(),
        }
    }

    /// The first shard, which holds the model's metadata.
    pub fn gguf(&self) -> &Gguf<'a> {
        &self.shards[0].gguf
    }

    /// Every tensor of every shard, with its shard index.
    pub fn tensors(&self) -> impl Iterator<Item = (usize, &TensorInfo<'a>)> + '_ {
        self.shards
            .iter()
            .enumerate()
            .flat_map(|(i, s)| s.gguf.tensors.iter().map(move |t| (i, t)))
    }

    /// Number of tensors across shards.
    pub fn tensor_count(&self) -> usize {
        self.shards.iter().map(|s| s.gguf.tensors.len()).sum()
    }

    /// Total parameters across shards.
    pub fn parameter_count(&self) -> u64 {
        self.shards
            .iter()
            .map(|s| s.gguf.parameter_count())
            .fold(0, u64::saturating_add)
    }

    /// Total tensor data bytes across shards.
    pub fn tensor_bytes(&self) -> u64 {
        self.shards
            .iter()
            .map(|s| s.gguf.accounting.tensor_bytes)
            .fold(0, u64::saturating_add)
    }

    /// Total size of the files.
    pub fn file_size(&self) -> u64 {
        self.shards
            .iter()
            .map(|s| s.gguf.accounting.file_size)
            .sum()
    }

    /// Every finding: per shard (with the shard's path) and for the set.
    pub fn all_findings(&self) -> Vec<(Option<&Path>, &Finding)> {
        let mut v: Vec<(Option<&Path>, &Finding)> = Vec::new();
        for s in &self.shards {
            for f in &s.gguf.findings {
                v.push((Some(s.path), f));
            }
        }
        for f in &self.findings {
            v.push((None, f));
        }
        v
    }

    /// Whether any shard or the set has an error or warning finding.
    pub fn has_problems(&self) -> bool {
        self.all_findings()
            .iter()
            .any(|(_, f)| f.severity != Severity::Info)
    }

    /// Bits per weight over all tensors: tensor bytes × 8 / parameters (as llama.cpp prints it).
    pub fn bits_per_weight(&self) -> Option<f64> {
        let p = self.parameter_count();
        (p > 0).then(|| self.tensor_bytes() as f64 * 8.0 / p as f64)
    }
}
