//! Verifying tensor data: every value of the float tensors and every scale of the quantized
//! ones, checked for NaN and infinity; tensors that are entirely zero; truncation and split-set
//! problems (the reader's findings); and the SHA-256 of files whose names promise one.
//!
//! [`verify_model`] takes a parsed [`Model`] and returns a [`ModelVerification`]; it prints
//! nothing. Work is split into pieces of whole blocks and spread over rayon's pool, so one large
//! tensor (a token embedding is often most of a file) still uses every core. The data is read
//! through the memory map, never copied.
//!
//! What is checked goes beyond llama.cpp's `ggml_validate_row_data` (which `--check-tensors`
//! runs): Q8_1's `s`, NVFP4's NaN scale code and all-zero tensors are checked too, and every bad
//! block is counted rather than stopping at the first.

pub mod digest;
pub mod paths;
pub mod scan;

pub use paths::{verify_paths, PathVerification, VerifyProgress};

use crate::file::Model;
use crate::format::{Finding, FindingCode, Severity};
use crate::ggml_type::GgmlType;
use digest::{expected_digest, sha256, DigestSource};
use rayon::prelude::*;
use scan::{check_for, Check, ScanResult};
use std::path::PathBuf;

/// What to do besides the checks.
#[derive(Debug, Clone, Copy, Default)]
pub struct VerifyOptions {
    /// Compute the SHA-256 of every file, even when its name does not promise one.
    pub sha256: bool,
    /// How tensor data is read.
    pub access: DataAccess,
}

/// How [`verify_model`] reads tensor data.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DataAccess {
    /// `pread` each piece of a shard's file, a few hundred KiB at a time, into one small buffer
    /// per thread that stays in the CPU cache (the default). Copying from the page cache costs
    /// what `cat` pays; mapping every page of a large file costs more (page-table work on
    /// every 4 KiB, then again at unmap), so this is the faster way to read every byte once.
    /// Resident memory stays at the buffers; a file that shrinks meanwhile gives a short read,
    /// not a SIGBUS. Falls back to [`DataAccess::Map`] for a shard whose file cannot be
    /// re-opened or no longer starts with the bytes that were parsed.
    #[default]
    Read,
    /// Scan the parsed bytes (normally the memory map) in place, asking the kernel to populate
    /// each piece's pages in bulk first.
    Map,
}

/// Bytes read per `pread`: fits in a core's L2 cache, so the scan reads what the copy just
/// wrote without going to memory again.
pub const READ_BYTES: usize = 256 << 10;

/// Bytes per piece of work: large enough to amortise scheduling, small enough that a 4 GiB
/// tensor spreads over every core and the progress bar moves.
pub const PIECE_BYTES: usize = 4 << 20;

/// The result of verifying one model (one file, or every shard of a split set).
#[derive(Debug, Clone)]
pub struct ModelVerification {
    /// One entry per shard.
    pub shards: Vec<ShardVerification>,
    /// The reader's findings (truncation, overlaps, split-set problems …) and digest mismatches,
    /// each with the shard it concerns.
    pub findings: Vec<(Option<PathBuf>, Finding)>,
    /// Tensors with a problem, in file order.
    pub tensors: Vec<TensorProblem>,
    /// Tensors in the model.
    pub tensor_count: u64,
    /// Tensors whose data was checked (all of it or, when the file is cut, the whole blocks
    /// that are present).
    pub tensors_checked: u64,
    /// Tensors that could not be checked because this build does not know their type (or their
    /// size overflows).
    pub tensors_unchecked: Vec<String>,
    /// Tensors whose data lies wholly past the end of a cut file.
    pub tensors_missing: u64,
}

/// One shard's byte counts and digest.
#[derive(Debug, Clone)]
pub struct ShardVerification {
    /// Its path.
    pub path: PathBuf,
    /// File size.
    pub size: u64,
    /// Tensor data bytes the directory describes.
    pub tensor_bytes: u64,
    /// Tensor data bytes actually checked.
    pub checked_bytes: u64,
    /// The digest, when computed.
    pub digest: Option<DigestCheck>,
}

/// A computed SHA-256 and what it was compared with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestCheck {
    /// The file's SHA-256.
    pub sha256: [u8; 32],
    /// The digest the file's name promises, and where that convention comes from.
    pub expected: Option<([u8; 32], DigestSource)>,
}

impl DigestCheck {
    /// `Some(true)` when the name's digest matches, `Some(false)` when not, `None` when the name
    /// promises none.
    pub fn matches(&self) -> Option<bool> {
        self.expected.map(|(e, _)| e == self.sha256)
    }
}

/// What is wrong with a tensor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// NaN or infinite values (float types) or scales (quantized types).
    NonFinite {
        /// The first bad block's index.
        first_block: u64,
        /// That block's absolute byte offset in the file.
        first_block_offset: u64,
        /// The field that was bad in that block (`d`, `dmin`, `value` …).
        field: &'static str,
        /// Blocks with at least one bad value.
        bad_blocks: u64,
        /// NaN values found.
        nan: u64,
        /// Infinite values found.
        inf: u64,
    },
    /// Every value is zero.
    AllZero,
}

impl ProblemKind {
    /// A stable code: `non-finite` or `all-zero`.
    pub fn code(self) -> &'static str {
        match self {
            ProblemKind::NonFinite { .. } => "non-finite",
            ProblemKind::AllZero => "all-zero",
        }
    }

    /// NaN/infinity is an error (llama.cpp's `--check-tensors` refuses the file); an all-zero
    /// tensor is a warning (a sign of a broken conversion, but it loads).
    pub fn severity(self) -> Severity {
        match self {
            ProblemKind::NonFinite { .. } => Severity::Error,
            ProblemKind::AllZero => Severity::Warning,
        }
    }
}

/// A tensor with a problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TensorProblem {
    /// The shard that holds it.
    pub path: PathBuf,
    /// Its name (lossy UTF-8).
    pub name: String,
    /// Its type.
    pub ggml_type: GgmlType,
    /// The problem, with what was found.
    pub kind: ProblemKind,
    /// Blocks checked (elements, for float types).
    pub blocks: u64,
    /// Bytes per block.
    pub block_bytes: u64,
    /// Whether the tensor's data is cut short by the end of the file (only the whole blocks
    /// present were checked).
    pub truncated: bool,
}

/// One piece of work: whole blocks of one tensor.
struct Piece<'a> {
    tensor: usize,
    shard: usize,
    unit: usize,
    check: Check,
    order: crate::format::ByteOrder,
    /// Index of the piece's first block within the tensor.
    first_block: u64,
    data: &'a [u8],
}

/// One tensor to check, with where its bytes are.
struct Job<'a> {
    shard: usize,
    name: String,
    ggml_type: GgmlType,
    file_offset: u64,
    unit: usize,
    data: &'a [u8],
    truncated: bool,
}

/// Total bytes [`verify_model`] will read (tensor data plus digested files), for a progress bar.
pub fn work_bytes(model: &Model, opts: &VerifyOptions) -> u64 {
    let data: u64 = jobs(model).jobs.iter().map(|j| j.data.len() as u64).sum();
    data + digest_bytes(model, opts)
}

fn digest_bytes(model: &Model, opts: &VerifyOptions) -> u64 {
    model
        .shards
        .iter()
        .filter(|s| opts.sha256 || expected_digest(s.path).is_some())
        .map(|s| s.gguf.bytes().len() as u64)
        .sum()
}

struct Jobs<'a> {
    jobs: Vec<Job<'a>>,
    unchecked: Vec<String>,
    missing: u64,
}

fn jobs<'a>(model: &Model<'a>) -> Jobs<'a> {
    let mut jobs = Vec::new();
    let mut unchecked = Vec::new();
    let mut missing = 0;
    for (si, shard) in model.shards.iter().enumerate() {
        let bytes = shard.gguf.bytes();
        for t in &shard.gguf.tensors {
            let name = t.name_str().into_owned();
            let (Some(check), Some(start), Some(n)) =
                (check_for(t.ggml_type), t.file_offset, t.n_bytes)
            else {
                unchecked.push(name);
                continue;
            };
            let unit = check.unit_bytes(t.ggml_type);
            let file_len = bytes.len() as u64;
            if start >= file_len {
                missing += 1;
                continue;
            }
            let end = start.saturating_add(n).min(file_len);
            let whole = (end - start) / unit as u64 * unit as u64;
            jobs.push(Job {
                shard: si,
                name,
                ggml_type: t.ggml_type,
                file_offset: start,
                unit,
                data: &bytes[start as usize..(start + whole) as usize],
                truncated: whole < n,
            });
        }
    }
    Jobs {
        jobs,
        unchecked,
        missing,
    }
}

/// Verifies a model: scans every tensor (in parallel, in pieces) and, when asked or when a
/// file's name promises one, computes its SHA-256 alongside. `progress` is called with the
/// number of bytes each finished piece covered, from any thread.
pub fn verify_model(
    model: &Model,
    opts: &VerifyOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> ModelVerification {
    let Jobs {
        jobs,
        unchecked,
        missing,
    } = jobs(model);
    let (results, digests) = rayon::join(
        || scan_jobs(model, &jobs, opts, progress),
        || digests(model, opts, progress),
    );

    let mut findings: Vec<(Option<PathBuf>, Finding)> = model
        .all_findings()
        .into_iter()
        .map(|(p, f)| (p.map(|p| p.to_path_buf()), f.clone()))
        .collect();
    let mut shards: Vec<ShardVerification> = model
        .shards
        .iter()
        .map(|s| ShardVerification {
            path: s.path.to_path_buf(),
            size: s.gguf.accounting.file_size,
            tensor_bytes: s.gguf.accounting.tensor_bytes,
            checked_bytes: 0,
            digest: None,
        })
        .collect();
    for (i, d) in digests.into_iter().enumerate() {
        if let Some(d) = &d {
            if d.matches() == Some(false) {
                let (e, src) = d.expected.expect("matches() is Some");
                findings.push((
                    Some(shards[i].path.clone()),
                    Finding::error(
                        FindingCode::Sha256Mismatch,
                        None,
                        format!(
                            "the file's SHA-256 is {}, but its name ({} blob) says {}",
                            digest::hex(&d.sha256),
                            src.name(),
                            digest::hex(&e)
                        ),
                    ),
                ));
            }
        }
        shards[i].digest = d;
    }

    let mut tensors = Vec::new();
    for (job, r) in jobs.iter().zip(&results) {
        shards[job.shard].checked_bytes += job.data.len() as u64;
        let path = shards[job.shard].path.clone();
        let blocks = (job.data.len() / job.unit) as u64;
        // A bad block always records the first one.
        if let (true, Some((first, field))) = (r.bad_blocks > 0, r.first_bad) {
            tensors.push(TensorProblem {
                path: path.clone(),
                name: job.name.clone(),
                ggml_type: job.ggml_type,
                kind: ProblemKind::NonFinite {
                    first_block: first,
                    first_block_offset: job.file_offset + first * job.unit as u64,
                    field,
                    bad_blocks: r.bad_blocks,
                    nan: r.nan,
                    inf: r.inf,
                },
                blocks,
                block_bytes: job.unit as u64,
                truncated: job.truncated,
            });
        }
        // A zero-length or integer tensor says nothing about a broken conversion.
        let integer = matches!(check_for(job.ggml_type), Some(Check::Integer));
        if !r.nonzero && blocks > 0 && !integer {
            tensors.push(TensorProblem {
                path,
                name: job.name.clone(),
                ggml_type: job.ggml_type,
                kind: ProblemKind::AllZero,
                blocks,
                block_bytes: job.unit as u64,
                truncated: job.truncated,
            });
        }
    }

    ModelVerification {
        shards,
        findings,
        tensors,
        tensor_count: model.tensor_count() as u64,
        tensors_checked: jobs.len() as u64,
        tensors_unchecked: unchecked,
        tensors_missing: missing,
    }
}

fn scan_jobs(
    model: &Model,
    jobs: &[Job],
    opts: &VerifyOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Vec<ScanResult> {
    let mut pieces = Vec::new();
    for (ti, j) in jobs.iter().enumerate() {
        let check = check_for(j.ggml_type).expect("jobs have a check");
        let order = model.shards[j.shard].gguf.byte_order;
        let per = (PIECE_BYTES / j.unit).max(1) * j.unit;
        let mut first_block = 0u64;
        // A zero-length tensor still gets one (empty) piece, so that every job has a result.
        if j.data.is_empty() {
            pieces.push(Piece {
                tensor: ti,
                shard: j.shard,
                unit: j.unit,
                check,
                order,
                first_block,
                data: j.data,
            });
        }
        for data in j.data.chunks(per) {
            pieces.push(Piece {
                tensor: ti,
                shard: j.shard,
                unit: j.unit,
                check,
                order,
                first_block,
                data,
            });
            first_block += (data.len() / j.unit) as u64;
        }
    }
    let files: Vec<Option<std::fs::File>> = model
        .shards
        .iter()
        .map(|s| match opts.access {
            DataAccess::Read => reopen(s.path, s.gguf.bytes()),
            DataAccess::Map => None,
        })
        .collect();
    let found: Vec<ScanResult> = pieces
        .par_iter()
        .map(|p| {
            let bytes = model.shards[p.shard].gguf.bytes();
            let r = match &files[p.shard] {
                Some(f) => scan_read(f, bytes, p),
                None => {
                    prefault(p.data);
                    scan::scan(p.check, p.data, p.order)
                }
            };
            progress(p.data.len() as u64);
            r
        })
        .collect();
    // Pieces are in tensor order and, within a tensor, in block order: merge them in sequence.
    let mut out = vec![ScanResult::default(); jobs.len()];
    for (p, r) in pieces.iter().zip(&found) {
        out[p.tensor].merge(r, p.first_block);
    }
    out
}

#[cfg(not(unix))]
fn scan_read(_: &std::fs::File, _: &[u8], p: &Piece) -> ScanResult {
    scan::scan(p.check, p.data, p.order)
}

/// Opens a shard's file again for reading, if it is still the file that was parsed: the same
/// length and the same first 64 KiB (the header). `None` means: scan the bytes in memory.
#[cfg(unix)]
fn reopen(path: &std::path::Path, bytes: &[u8]) -> Option<std::fs::File> {
    use std::os::unix::fs::FileExt;
    let f = std::fs::File::open(path).ok()?;
    if f.metadata().ok()?.len() != bytes.len() as u64 {
        return None;
    }
    let n = bytes.len().min(64 << 10);
    let mut head = vec![0u8; n];
    f.read_exact_at(&mut head, 0).ok()?;
    (head == bytes[..n]).then_some(f)
}

#[cfg(not(unix))]
fn reopen(_: &std::path::Path, _: &[u8]) -> Option<std::fs::File> {
    None
}

thread_local! {
    static BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Scans a piece by reading it from the file in cache-sized steps of whole blocks. A step that
/// cannot be read whole (the file shrank) is scanned from memory instead.
#[cfg(unix)]
fn scan_read(f: &std::fs::File, bytes: &[u8], p: &Piece) -> ScanResult {
    use std::os::unix::fs::FileExt;
    let base = p.data.as_ptr() as usize - bytes.as_ptr() as usize;
    let step = (READ_BYTES / p.unit).max(1) * p.unit;
    BUF.with(|b| {
        let mut buf = b.borrow_mut();
        if buf.len() < step {
            buf.resize(step, 0);
        }
        let mut r = ScanResult::default();
        let mut blocks = 0u64;
        let mut off = 0usize;
        while off < p.data.len() {
            let n = step.min(p.data.len() - off);
            let sr = match f.read_exact_at(&mut buf[..n], (base + off) as u64) {
                Ok(()) => scan::scan(p.check, &buf[..n], p.order),
                Err(_) => scan::scan(p.check, &p.data[off..off + n], p.order),
            };
            r.merge(&sr, blocks);
            blocks += (n / p.unit) as u64;
            off += n;
        }
        r
    })
}

/// Asks the kernel to map a piece's pages in one call before it is scanned.
///
/// A scan touches every page of a memory-mapped file; taking one page fault per page (or per
/// fault-around window) costs more than the reading itself. `MADV_POPULATE_READ` (Linux 5.14)
/// maps the whole range from the page cache in bulk, without copying. Errors are ignored: an
/// older kernel or a buffer that is not a file map simply falls back to faulting.
#[cfg(target_os = "linux")]
fn prefault(data: &[u8]) {
    const PAGE: usize = 4096;
    if data.len() < 16 * PAGE {
        return;
    }
    let start = data.as_ptr() as usize;
    let aligned = start & !(PAGE - 1);
    // SAFETY: madvise with MADV_POPULATE_READ only populates page tables for the range (it never
    // changes memory contents); the range starts at most one page before `data`, within the
    // same mapping or, at worst, failing with an error that is ignored.
    unsafe {
        libc::madvise(
            aligned as *mut libc::c_void,
            data.len() + (start - aligned),
            libc::MADV_POPULATE_READ,
        );
    }
}

#[cfg(not(target_os = "linux"))]
fn prefault(_: &[u8]) {}

fn digests(
    model: &Model,
    opts: &VerifyOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Vec<Option<DigestCheck>> {
    model
        .shards
        .par_iter()
        .map(|s| {
            let expected = expected_digest(s.path);
            if !opts.sha256 && expected.is_none() {
                return None;
            }
            let sha = sha256(s.gguf.bytes(), progress);
            Some(DigestCheck {
                sha256: sha,
                expected,
            })
        })
        .collect()
}

impl ModelVerification {
    /// Whether anything is wrong: a reader finding that is an error or warning, a bad or
    /// all-zero tensor, or a digest mismatch.
    pub fn has_problems(&self) -> bool {
        !self.tensors.is_empty()
            || self
                .findings
                .iter()
                .any(|(_, f)| f.severity != Severity::Info)
    }
}
