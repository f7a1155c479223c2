//! Errors: every failure to read a file names the byte offset and what was expected there.

use std::fmt;
use std::path::{Path, PathBuf};

/// Why a file could not be read. Each variant carries the values that broke the rule.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// An operating-system error (opening, mapping, reading metadata).
    Io(String),
    /// The path is not a regular file (a directory, a FIFO, a device).
    NotAFile(&'static str),
    /// The file is empty.
    Empty,
    /// The first four bytes are not `GGUF`.
    BadMagic([u8; 4]),
    /// The version is not 1, 2 or 3 in either byte order.
    UnsupportedVersion(u32),
    /// The file ends before a structure it declares.
    UnexpectedEof {
        /// What was being read.
        what: &'static str,
        /// Bytes needed.
        needed: u64,
        /// Bytes left in the file.
        available: u64,
    },
    /// A declared count cannot fit in the bytes that remain.
    CountTooLarge {
        /// What was counted.
        what: &'static str,
        /// The declared count.
        count: u64,
        /// The largest count the remaining bytes could hold.
        max: u64,
    },
    /// A metadata value type id outside 0..=12.
    UnknownValueType(u32),
    /// Arrays nested deeper than [`crate::format::limits::MAX_ARRAY_DEPTH`].
    NestingTooDeep(u32),
    /// A tensor with more than four dimensions.
    TooManyDims(u32),
    /// `general.alignment` is zero, not a power of two, not an integer, or absurdly large.
    BadAlignment(String),
    /// A split set is incomplete or inconsistent.
    Split(String),
    /// Anything else, described in words.
    Invalid(String),
}

/// An error reading a GGUF file: what went wrong, where (byte offset) and in which file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// What went wrong.
    pub kind: ErrorKind,
    /// The byte offset in the file where the problem was found, when it is tied to one.
    pub offset: Option<u64>,
    /// The file, when known.
    pub path: Option<PathBuf>,
}

/// A `Result` with this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// An error at a byte offset.
    #[cold]
    pub fn at(offset: u64, kind: ErrorKind) -> Error {
        Error {
            kind,
            offset: Some(offset),
            path: None,
        }
    }

    /// An error with no byte offset.
    #[cold]
    pub fn new(kind: ErrorKind) -> Error {
        Error {
            kind,
            offset: None,
            path: None,
        }
    }

    /// Attaches the file's path (keeps one already set).
    pub fn with_path(mut self, path: &Path) -> Error {
        if self.path.is_none() {
            self.path = Some(path.to_path_buf());
        }
        self
    }

    /// The message without the path and offset.
    pub fn message(&self) -> String {
        match &self.kind {
            ErrorKind::Io(e) => e.clone(),
            ErrorKind::NotAFile(what) => format!("not a regular file ({what})"),
            ErrorKind::Empty => "empty file: expected the magic `GGUF`".to_string(),
            ErrorKind::BadMagic(m) => format!(
                "bad magic {}: expected `GGUF` (47 47 55 46); not a GGUF file",
                crate::format::escape_bytes(m)
            ),
            ErrorKind::UnsupportedVersion(v) => {
                format!("unsupported GGUF version {v}: expected 1, 2 or 3")
            }
            ErrorKind::UnexpectedEof { what, needed, available } => format!(
                "file ends inside {what}: expected {needed} bytes, {available} left (truncated header?)"
            ),
            ErrorKind::CountTooLarge { what, count, max } => format!(
                "{what} {count} cannot fit in the rest of the file: expected at most {max} (a corrupt count or a truncated file)"
            ),
            ErrorKind::UnknownValueType(t) => {
                format!("unknown metadata value type {t}: expected 0..=12")
            }
            ErrorKind::NestingTooDeep(d) => format!(
                "arrays nested {d} deep: expected at most {}",
                crate::format::limits::MAX_ARRAY_DEPTH
            ),
            ErrorKind::TooManyDims(n) => {
                format!("tensor with {n} dimensions: expected at most 4")
            }
            ErrorKind::BadAlignment(s) => {
                format!("general.alignment {s}: expected a power of two from 1 to 1 GiB")
            }
            ErrorKind::Split(s) => s.clone(),
            ErrorKind::Invalid(s) => s.clone(),
        }
    }
}

/// One line, safe for a terminal: a path can come from a directory listing (a downloaded
/// file's name) and carry control characters or escape sequences; they are escaped like any
/// other text from outside.
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        if let Some(p) = &self.path {
            s.push_str(&p.display().to_string());
            s.push_str(": ");
        }
        if let Some(o) = self.offset {
            s.push_str(&format!("at byte {o} (0x{o:x}): "));
        }
        s.push_str(&self.message());
        f.write_str(&crate::text::sanitize(&s))
    }
}

impl std::error::Error for Error {}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Error {
        Error::new(ErrorKind::Io(e.to_string()))
    }
}
