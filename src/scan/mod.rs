//! Batch scanning: every GGUF model under some directories, one summary row each.
//!
//! [`scan`] walks the roots ([`discover`]), recognises GGUF files by their magic, names them
//! after the store they live in (Ollama, the Hugging Face hub cache, LM Studio, a plain folder),
//! groups split shards into one model, parses the models in parallel and reduces each to a
//! [`Summary`] as it goes, so memory holds only the files in flight. Projectors and adapters are
//! attached to their model, identical weights under different names are flagged, and a file
//! that fails to parse becomes a row with its error. Nothing here prints.

pub mod discover;
pub mod summary;

use crate::error::Error;
use crate::file::ModelFiles;
use crate::format::split::SplitName;
use discover::{FileId, Found, Name};
use rayon::prelude::*;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
pub use summary::{kv_bytes_per_token, predicted_vram, Summary, VramPrediction};

/// The store a model was found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Layout {
    /// Ollama's `models/` directory (manifests and blobs).
    Ollama,
    /// The Hugging Face hub cache (`models--ORG--NAME/snapshots/REV/…`).
    HuggingFace,
    /// LM Studio's `models/PUBLISHER/REPO/…`.
    LmStudio,
    /// Any other folder.
    Plain,
}

impl Layout {
    /// Stable lower-case name: `ollama`, `huggingface`, `lmstudio`, `plain`.
    pub fn name(self) -> &'static str {
        match self {
            Layout::Ollama => "ollama",
            Layout::HuggingFace => "huggingface",
            Layout::LmStudio => "lmstudio",
            Layout::Plain => "plain",
        }
    }

    /// How people call it: `Ollama`, `Hugging Face`, `LM Studio`, `folder`.
    pub fn label(self) -> &'static str {
        match self {
            Layout::Ollama => "Ollama",
            Layout::HuggingFace => "Hugging Face",
            Layout::LmStudio => "LM Studio",
            Layout::Plain => "folder",
        }
    }
}

/// What a store says a file is (Ollama's layer media types).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// The model's weights.
    Model,
    /// A multimodal projector.
    Projector,
    /// A LoRA adapter.
    Adapter,
}

/// What a row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A language model.
    Model,
    /// A multimodal projector (`general.type` `mmproj`, architecture `clip`, a file named
    /// `mmproj*`, or Ollama's projector layer).
    Projector,
    /// A LoRA adapter (`general.type` `adapter`, or Ollama's adapter layer).
    Adapter,
}

impl Kind {
    /// `model`, `projector`, `adapter`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Model => "model",
            Kind::Projector => "projector",
            Kind::Adapter => "adapter",
        }
    }
}

/// Why a row has no summary: the file, the byte offset and what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// The file the error concerns.
    pub file: Option<PathBuf>,
    /// Byte offset in it, when the error is tied to one.
    pub offset: Option<u64>,
    /// What went wrong.
    pub message: String,
}

impl From<Error> for RowError {
    fn from(e: Error) -> RowError {
        RowError {
            message: e.message(),
            file: e.path,
            offset: e.offset,
        }
    }
}

/// One model found by a scan.
#[derive(Debug, Clone)]
pub struct Row {
    /// The name shown: `deepseek-r1:7b` (`deepseek-r1:7b projector` for a projector layer),
    /// `org/name/file.gguf`, `publisher/repo/file.gguf`, or the path.
    pub name: String,
    /// Other names of the same file(s) (more Ollama tags, another path to a hard link).
    pub aliases: Vec<String>,
    /// The store of the name.
    pub layout: Layout,
    /// Model, projector or adapter.
    pub kind: Kind,
    /// The files, in shard order, by the path they were found at (none for an Ollama layer
    /// whose blob is missing: the error names it).
    pub files: Vec<PathBuf>,
    /// Bytes of the files on disk.
    pub size: u64,
    /// The summary, or why there is none.
    pub outcome: std::result::Result<Summary, RowError>,
    /// Projectors and adapters that belong to this model.
    pub attached: Vec<Row>,
    /// Set when other rows have identical weights (see [`summary::weights_key`]).
    pub duplicate: Option<Duplicate>,
}

/// A row's membership in a group of identical weights under different names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    /// The group's number, from 1, in the order of the groups' first names.
    pub group: u32,
    /// Rows in the group (2 or more).
    pub copies: u32,
    /// The group's first name (A to Z).
    pub first: String,
}

impl Row {
    /// The summary, if the model parsed.
    pub fn summary(&self) -> Option<&Summary> {
        self.outcome.as_ref().ok()
    }

    /// Whether the row failed to parse or has error/warning findings.
    pub fn has_problems(&self) -> bool {
        match &self.outcome {
            Err(_) => true,
            Ok(s) => !s.findings.is_empty(),
        }
    }
}

/// Totals over everything a scan found; every file counts once.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    /// Rows (models, and projectors or adapters not attached to one).
    pub rows: u64,
    /// GGUF files (shards, projectors and adapters included).
    pub files: u64,
    /// Bytes of those files.
    pub size: u64,
    /// Parameters of every model that parsed (attached projectors and adapters included).
    pub parameters: u64,
    /// Models whose files failed to parse.
    pub failed: u64,
    /// Models that parsed with problems (findings).
    pub with_findings: u64,
    /// Bytes that duplicates take beyond one copy of each.
    pub duplicate_bytes: u64,
}

/// What a scan found.
#[derive(Debug, Clone)]
pub struct Scan {
    /// The context length VRAM was predicted at.
    pub ctx: u32,
    /// The rows, in name order.
    pub rows: Vec<Row>,
    /// Totals.
    pub totals: Totals,
    /// Problems that did not stop the scan (an unreadable directory, a bad manifest).
    pub warnings: Vec<String>,
}

impl Scan {
    /// Whether any model failed to parse or has problems.
    pub fn has_problems(&self) -> bool {
        self.totals.failed > 0 || self.totals.with_findings > 0
    }
}

/// Scan settings.
#[derive(Debug, Clone, Copy)]
pub struct ScanOptions {
    /// Context length to predict VRAM at.
    pub ctx: u32,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions { ctx: 4096 }
    }
}

/// Progress reports from a scan (the binary draws a bar; the library prints nothing).
pub trait Progress: Sync {
    /// The walk has started.
    fn walking(&self) {}
    /// `total` models are about to be parsed.
    fn parsing(&self, _total: u64) {}
    /// One model is done.
    fn parsed(&self, _name: &str) {}
}

/// Reports nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {}

/// A model to parse: one file or a split set.
struct Unit {
    /// Indices into `Found::files`, in shard order.
    files: Vec<usize>,
    /// The path to open.
    open: PathBuf,
}

/// Scans the roots: see the module documentation.
pub fn scan(roots: &[PathBuf], opts: ScanOptions, progress: &dyn Progress) -> Scan {
    progress.walking();
    let found = discover::walk(roots);
    let mut warnings = found.warnings.clone();

    // Recognise GGUF by its magic (4 bytes); a file a store or its name calls GGUF, or that was
    // named on the command line, stays in, so that a broken one becomes an error row rather
    // than disappearing.
    let candidates: Vec<usize> = (0..found.files.len())
        .into_par_iter()
        .filter(|&i| {
            let f = &found.files[i];
            let named = f.names.iter().any(|n| {
                (n.layout == Layout::Ollama && !n.fallback)
                    || n.path
                        .extension()
                        .is_some_and(|e| e.eq_ignore_ascii_case("gguf"))
            });
            let explicit = f.names.iter().any(|n| roots.contains(&n.path));
            named || explicit || discover::has_gguf_magic(&f.primary().path).unwrap_or(false)
        })
        .collect();

    let units = group(&found, &candidates);
    progress.parsing(units.len() as u64);
    let mut rows: Vec<Row> = units
        .par_iter()
        .map(|u| {
            let row = parse_unit(&found, u, opts.ctx);
            progress.parsed(&row.name);
            row
        })
        .collect();

    // Ollama layers whose blob is missing are rows with their error.
    for m in &found.ollama {
        for l in m.layers.iter().filter(|l| l.id.is_none()) {
            rows.push(Row {
                name: m.name.clone(),
                aliases: Vec::new(),
                layout: Layout::Ollama,
                kind: role_kind(l.role),
                files: Vec::new(),
                size: 0,
                outcome: Err(RowError {
                    file: Some(l.path.clone()),
                    offset: None,
                    message: format!(
                        "blob is missing: the manifest {} names it",
                        m.manifest.display()
                    ),
                }),
                attached: Vec::new(),
                duplicate: None,
            });
        }
    }

    flag_duplicates(&mut rows);
    let totals_all = totals_of(&rows);
    let ids: Vec<Vec<FileId>> = units
        .iter()
        .map(|u| u.files.iter().map(|&i| found.files[i].id).collect())
        .collect();
    let mut rows = attach(rows, &ids, &found);
    sort_rows(&mut rows, SortKey::Name, false);
    let totals = Totals {
        rows: rows.len() as u64,
        ..totals_all
    };
    warnings.dedup();
    Scan {
        ctx: opts.ctx,
        rows,
        totals,
        warnings,
    }
}

fn role_kind(r: Role) -> Kind {
    match r {
        Role::Model => Kind::Model,
        Role::Projector => Kind::Projector,
        Role::Adapter => Kind::Adapter,
    }
}

/// Groups split shards (`NAME-0000N-of-0000M.gguf` in one directory) into one unit; every other
/// candidate is a unit of its own.
fn group(found: &Found, candidates: &[usize]) -> Vec<Unit> {
    let mut units = Vec::new();
    let mut sets: HashMap<(PathBuf, String, u32), Vec<(u32, usize)>> = HashMap::new();
    let mut order = Vec::new();
    for &i in candidates {
        let path = &found.files[i].primary().path;
        let split = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(SplitName::parse)
            .filter(|s| s.count > 1);
        match split {
            Some(s) => {
                let key = (
                    path.parent().unwrap_or(Path::new("")).to_path_buf(),
                    s.prefix,
                    s.count,
                );
                let e = sets.entry(key.clone()).or_default();
                if e.is_empty() {
                    order.push(key);
                }
                e.push((s.number, i));
            }
            None => units.push(Unit {
                files: vec![i],
                open: path.clone(),
            }),
        }
    }
    for key in order {
        let mut members = sets.remove(&key).unwrap_or_default();
        members.sort();
        let first = members[0].1;
        units.push(Unit {
            files: members.iter().map(|m| m.1).collect(),
            open: found.files[first].primary().path.clone(),
        });
    }
    units
}

fn parse_unit(found: &Found, u: &Unit, ctx: u32) -> Row {
    let first = &found.files[u.files[0]];
    let names: Vec<&Name> = first.names.iter().collect();
    let outcome = ModelFiles::open(&u.open)
        .and_then(|files| {
            let model = files.parse()?;
            Ok(Summary::of(&model, ctx))
        })
        .map_err(RowError::from);
    let mut kind = Kind::Model;
    for n in &names {
        match n.role {
            Role::Projector => kind = Kind::Projector,
            Role::Adapter if kind == Kind::Model => kind = Kind::Adapter,
            _ => {}
        }
    }
    let file_name = u
        .open
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if kind == Kind::Model {
        if let Ok(s) = &outcome {
            match (s.general_type.as_deref(), s.architecture.as_deref()) {
                (Some("mmproj"), _) | (_, Some("clip")) => kind = Kind::Projector,
                (Some("adapter"), _) => kind = Kind::Adapter,
                _ => {}
            }
        }
        if file_name.starts_with("mmproj") {
            kind = Kind::Projector;
        }
    }
    Row {
        name: names[0].name.clone(),
        aliases: names[1..].iter().map(|n| n.name.clone()).collect(),
        layout: names[0].layout,
        kind,
        files: u
            .files
            .iter()
            .map(|&i| found.files[i].primary().path.clone())
            .collect(),
        size: u.files.iter().map(|&i| found.files[i].size).sum(),
        outcome,
        attached: Vec::new(),
        duplicate: None,
    }
}

/// Flags rows whose weights are identical. Each row records its group, not the other names,
/// so a thousand copies cost a thousand small records rather than a million names.
fn flag_duplicates(rows: &mut [Row]) {
    let mut by_key: HashMap<u128, Vec<usize>> = HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        if let Some(s) = r.summary() {
            by_key.entry(s.weights_key).or_default().push(i);
        }
    }
    let mut groups: Vec<(String, Vec<usize>)> = by_key
        .into_values()
        .filter(|g| g.len() > 1)
        .map(|g| {
            let first = g.iter().map(|&i| &rows[i].name).min().cloned();
            (first.unwrap_or_default(), g)
        })
        .collect();
    groups.sort();
    for (n, (first, g)) in groups.into_iter().enumerate() {
        for &i in &g {
            rows[i].duplicate = Some(Duplicate {
                group: n as u32 + 1,
                copies: g.len() as u32,
                first: first.clone(),
            });
        }
    }
}

fn totals_of(rows: &[Row]) -> Totals {
    let mut t = Totals::default();
    let mut dup_groups: HashMap<u128, (u64, u64)> = HashMap::new();
    for r in rows {
        t.files += r.files.len() as u64;
        t.size += r.size;
        match &r.outcome {
            Ok(s) => {
                t.parameters += s.parameters;
                if !s.findings.is_empty() {
                    t.with_findings += 1;
                }
                if r.duplicate.is_some() {
                    let e = dup_groups.entry(s.weights_key).or_default();
                    e.0 += r.size;
                    e.1 = e.1.max(r.size);
                }
            }
            Err(_) => t.failed += 1,
        }
    }
    t.duplicate_bytes = dup_groups.values().map(|(sum, max)| sum - max).sum();
    t
}

/// Attaches projectors and adapters to their model: the ones an Ollama manifest lists with
/// it, and projectors in the same directory as a model. A projector next to several models
/// is listed with each (it works with any of them).
fn attach(rows: Vec<Row>, ids: &[Vec<FileId>], found: &Found) -> Vec<Row> {
    let mut by_id: HashMap<FileId, usize> = HashMap::new();
    for (u, files) in ids.iter().enumerate() {
        for id in files {
            by_id.insert(*id, u);
        }
    }
    let mut links: Vec<Vec<usize>> = vec![Vec::new(); rows.len()];
    let mut attached = vec![false; rows.len()];
    for m in &found.ollama {
        let unit = |role: Role| -> Vec<usize> {
            m.layers
                .iter()
                .filter(|l| l.role == role)
                .filter_map(|l| l.id.and_then(|id| by_id.get(&id).copied()))
                .collect()
        };
        let models = unit(Role::Model);
        let extras: Vec<usize> = [unit(Role::Projector), unit(Role::Adapter)].concat();
        for &mi in &models {
            for &x in &extras {
                if x != mi && !links[mi].contains(&x) {
                    links[mi].push(x);
                    attached[x] = true;
                }
            }
        }
    }
    let dir = |r: &Row| {
        r.files
            .first()
            .and_then(|p| p.parent())
            .map(Path::to_path_buf)
    };
    for p in 0..rows.len() {
        if rows[p].kind != Kind::Projector || attached[p] || rows[p].layout == Layout::Ollama {
            continue;
        }
        let d = dir(&rows[p]);
        for m in 0..rows.len() {
            if rows[m].kind == Kind::Model && rows[m].layout != Layout::Ollama && dir(&rows[m]) == d
            {
                links[m].push(p);
                attached[p] = true;
            }
        }
    }
    let mut out = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        if attached[i] {
            continue;
        }
        let mut r = r.clone();
        r.attached = links[i].iter().map(|&x| rows[x].clone()).collect();
        r.attached.sort_by(|a, b| a.name.cmp(&b.name));
        out.push(r);
    }
    out
}

/// Columns a scan can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    /// Name (A to Z).
    Name,
    /// Architecture (A to Z).
    Arch,
    /// Parameters (largest first).
    Params,
    /// Labelled file type (A to Z).
    Type,
    /// The main tensor type of the actual mix (A to Z).
    Mix,
    /// Size on disk (largest first).
    Size,
    /// Bits per weight (largest first).
    Bpw,
    /// Training context (largest first).
    Ctx,
    /// KV bytes per token (largest first).
    Kv,
    /// Predicted VRAM (largest first).
    Vram,
}

/// Sorts rows by a column: text A to Z, numbers largest first (`reverse` flips either); rows
/// without the value (errors) last, ties by name.
pub fn sort_rows(rows: &mut [Row], key: SortKey, reverse: bool) {
    enum V {
        S(String),
        N(f64),
    }
    let value = |r: &Row| -> Option<V> {
        let s = r.summary();
        Some(match key {
            SortKey::Name => V::S(r.name.to_lowercase()),
            SortKey::Arch => V::S(s?.architecture.clone()?),
            SortKey::Type => V::S(s?.file_type.as_ref()?.name.clone()),
            SortKey::Mix => V::S(s?.mix.first()?.ggml_type.name().into_owned()),
            SortKey::Params => V::N(s?.parameters as f64),
            SortKey::Size => V::N(r.size as f64),
            SortKey::Bpw => V::N(s?.bits_per_weight?),
            SortKey::Ctx => V::N(s?.context_length? as f64),
            SortKey::Kv => V::N(s?.kv_bytes_per_token? as f64),
            SortKey::Vram => V::N(s?.vram?.total as f64),
        })
    };
    rows.sort_by(|a, b| {
        let o = match (value(a), value(b)) {
            (Some(V::S(x)), Some(V::S(y))) => {
                let o = x.cmp(&y);
                if reverse {
                    o.reverse()
                } else {
                    o
                }
            }
            (Some(V::N(x)), Some(V::N(y))) => {
                let o = y.partial_cmp(&x).unwrap_or(Ordering::Equal);
                if reverse {
                    o.reverse()
                } else {
                    o
                }
            }
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            _ => Ordering::Equal,
        };
        o.then_with(|| a.name.cmp(&b.name))
    });
}
