//! Finding model files under directories, and naming them after the store they live in:
//! Ollama's manifests and blobs, the Hugging Face hub cache, LM Studio's tree, or a plain folder.
//!
//! Nothing here parses GGUF: this module walks, reads manifests and checks four bytes of magic.

use super::{Layout, Role};
use crate::limits::MAX_MANIFEST_BYTES;
use serde::Deserialize;
use std::collections::HashMap;
use std::ffi::OsString;
use std::fs::Metadata;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// Identity of a file on disk (device and inode on Unix): two names of one file, by hard link or
/// symbolic link, have the same id and are counted once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u64, pub u64);

impl FileId {
    /// The id of a file from its (followed) metadata.
    #[cfg(unix)]
    pub fn of(meta: &Metadata, _path: &Path) -> FileId {
        use std::os::unix::fs::MetadataExt;
        FileId(meta.dev(), meta.ino())
    }

    /// The id of a file from its canonical path (no inodes on this platform).
    #[cfg(not(unix))]
    pub fn of(_meta: &Metadata, path: &Path) -> FileId {
        let p = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        FileId(
            0,
            xxhash_rust::xxh3::xxh3_64(p.to_string_lossy().as_bytes()),
        )
    }
}

/// A default place where models are kept, and which store it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefaultRoot {
    /// The directory.
    pub path: PathBuf,
    /// The store.
    pub layout: Layout,
    /// Where the path came from (`OLLAMA_MODELS`, `~/.ollama/models`, …).
    pub source: String,
}

/// The default model locations, in order, whether they exist or not: Ollama (`OLLAMA_MODELS`,
/// else `~/.ollama/models` and the Linux service's `/usr/share/ollama/.ollama/models`), the
/// Hugging Face hub cache (`HF_HUB_CACHE`, else `HF_HOME/hub`, else
/// `XDG_CACHE_HOME/huggingface/hub`, else `~/.cache/huggingface/hub`) and LM Studio
/// (`~/.lmstudio/models`, and the older `~/.cache/lm-studio/models`).
///
/// `env` reads an environment variable (pass `std::env::var_os`; tests pass a map).
pub fn default_roots(env: &dyn Fn(&str) -> Option<OsString>) -> Vec<DefaultRoot> {
    let set = |k: &str| env(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    let home = set("HOME").or_else(|| set("USERPROFILE"));
    let mut v = Vec::new();
    let mut push = |path: PathBuf, layout, source: &str| {
        if !v.iter().any(|r: &DefaultRoot| r.path == path) {
            v.push(DefaultRoot {
                path,
                layout,
                source: source.to_string(),
            });
        }
    };
    if let Some(p) = set("OLLAMA_MODELS") {
        push(p, Layout::Ollama, "OLLAMA_MODELS");
    } else {
        if let Some(h) = &home {
            push(h.join(".ollama/models"), Layout::Ollama, "~/.ollama/models");
        }
        push(
            PathBuf::from("/usr/share/ollama/.ollama/models"),
            Layout::Ollama,
            "Ollama service",
        );
    }
    if let Some(p) = set("HF_HUB_CACHE") {
        push(p, Layout::HuggingFace, "HF_HUB_CACHE");
    } else if let Some(p) = set("HF_HOME") {
        push(p.join("hub"), Layout::HuggingFace, "HF_HOME/hub");
    } else if let Some(p) = set("XDG_CACHE_HOME") {
        push(
            p.join("huggingface/hub"),
            Layout::HuggingFace,
            "XDG_CACHE_HOME/huggingface/hub",
        );
    } else if let Some(h) = &home {
        push(
            h.join(".cache/huggingface/hub"),
            Layout::HuggingFace,
            "~/.cache/huggingface/hub",
        );
    }
    if let Some(h) = &home {
        push(
            h.join(".lmstudio/models"),
            Layout::LmStudio,
            "~/.lmstudio/models",
        );
        push(
            h.join(".cache/lm-studio/models"),
            Layout::LmStudio,
            "~/.cache/lm-studio/models",
        );
    }
    v
}

/// A name a file is known by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    /// The name shown (`deepseek-r1:7b`, `org/repo/file.gguf`, a path).
    pub name: String,
    /// The store that gives the name.
    pub layout: Layout,
    /// The path this name reaches the file by (a symbolic link in a Hugging Face snapshot, a
    /// blob for Ollama).
    pub path: PathBuf,
    /// What the store says the file is (Ollama's media types); `Role::Model` otherwise.
    pub role: Role,
    /// A name derived from a content-addressed blob path, used only when nothing better names
    /// the file.
    pub fallback: bool,
}

impl Name {
    fn rank(&self) -> (bool, u8) {
        let l = match self.layout {
            Layout::Ollama => 0,
            Layout::HuggingFace => 1,
            Layout::LmStudio => 2,
            Layout::Plain => 3,
        };
        (self.fallback, l)
    }
}

/// One file on disk, with every name it was found by.
#[derive(Debug, Clone)]
pub struct FoundFile {
    /// Its identity.
    pub id: FileId,
    /// Size in bytes.
    pub size: u64,
    /// Names, best first (see [`FoundFile::sort_names`]).
    pub names: Vec<Name>,
}

impl FoundFile {
    /// The best name: a store's name before a path, a snapshot name before a blob path.
    pub fn primary(&self) -> &Name {
        &self.names[0]
    }

    /// Orders the names (best first), drops fallback names when a real one exists, and drops
    /// repeated names.
    pub fn sort_names(&mut self) {
        self.names
            .sort_by(|a, b| a.rank().cmp(&b.rank()).then_with(|| a.name.cmp(&b.name)));
        if self.names.iter().any(|n| !n.fallback) {
            self.names.retain(|n| !n.fallback);
        }
        self.names.dedup_by(|a, b| a.name == b.name);
    }
}

/// An Ollama model: a manifest and the blobs it names.
#[derive(Debug, Clone)]
pub struct OllamaModel {
    /// `deepseek-r1:7b`, `namespace/model:tag`, `host/namespace/model:tag`.
    pub name: String,
    /// The manifest file.
    pub manifest: PathBuf,
    /// GGUF layers (model, projector, adapter), in manifest order.
    pub layers: Vec<OllamaLayer>,
}

/// One GGUF layer of an Ollama manifest.
#[derive(Debug, Clone)]
pub struct OllamaLayer {
    /// Model, projector or adapter.
    pub role: Role,
    /// The blob's path.
    pub path: PathBuf,
    /// The blob's identity; `None` when the blob is missing.
    pub id: Option<FileId>,
}

/// Everything found under the roots.
#[derive(Debug, Default)]
pub struct Found {
    /// Every regular file (symbolic links followed), once per identity.
    pub files: Vec<FoundFile>,
    /// Ollama models from their manifests.
    pub ollama: Vec<OllamaModel>,
    /// Problems that did not stop the walk (an unreadable directory, a bad manifest).
    pub warnings: Vec<String>,
    index: HashMap<FileId, usize>,
}

impl Found {
    /// The file with this identity.
    pub fn get(&self, id: FileId) -> Option<&FoundFile> {
        self.index.get(&id).map(|&i| &self.files[i])
    }

    fn add(&mut self, id: FileId, size: u64, name: Name) {
        match self.index.get(&id) {
            Some(&i) => self.files[i].names.push(name),
            None => {
                self.index.insert(id, self.files.len());
                self.files.push(FoundFile {
                    id,
                    size,
                    names: vec![name],
                });
            }
        }
    }
}

/// Walks the roots (recursively, following symbolic links; walkdir detects loops), names every
/// regular file after the store it is in, and reads every Ollama manifest found. Files are not
/// opened here.
pub fn walk(roots: &[PathBuf]) -> Found {
    let mut found = Found::default();
    let mut stores: HashMap<PathBuf, bool> = HashMap::new();
    let mut manifests: Vec<(PathBuf, PathBuf, Vec<String>)> = Vec::new();
    for root in roots {
        let abs_root = match std::fs::canonicalize(root) {
            Ok(p) => p,
            Err(e) => {
                found
                    .warnings
                    .push(format!("{}: cannot read: {e}", root.display()));
                continue;
            }
        };
        for entry in walkdir::WalkDir::new(root).follow_links(true) {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    found.warnings.push(walk_error(&e));
                    continue;
                }
            };
            if !entry.file_type().is_file() {
                continue;
            }
            let path = entry.path();
            let meta = match entry.metadata() {
                Ok(m) => m,
                Err(e) => {
                    found.warnings.push(walk_error(&e));
                    continue;
                }
            };
            let rel = path.strip_prefix(root).unwrap_or(Path::new(""));
            let abs = if rel.as_os_str().is_empty() {
                abs_root.clone()
            } else {
                abs_root.join(rel)
            };
            let comps = components(&abs);
            if let Some((store, parts)) = ollama_manifest(&comps, &mut stores) {
                manifests.push((path.to_path_buf(), store, parts));
                continue;
            }
            let name = name_of(path, &comps, &mut stores);
            found.add(FileId::of(&meta, path), meta.len(), name);
        }
    }
    for (path, store, parts) in manifests {
        read_manifest(&mut found, &path, &store, &parts);
    }
    for f in &mut found.files {
        f.sort_names();
    }
    found
}

fn walk_error(e: &walkdir::Error) -> String {
    match (e.path(), e.loop_ancestor()) {
        (Some(p), Some(a)) => format!(
            "{}: symbolic link loop back to {}; not followed",
            p.display(),
            a.display()
        ),
        (Some(p), None) => format!(
            "{}: {}",
            p.display(),
            e.io_error()
                .map_or_else(|| e.to_string(), |io| io.to_string())
        ),
        _ => e.to_string(),
    }
}

fn components(p: &Path) -> Vec<String> {
    p.components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect()
}

/// Whether `dir` is an Ollama store (it holds `blobs/` and `manifests/`), cached.
fn is_ollama_store(dir: &Path, stores: &mut HashMap<PathBuf, bool>) -> bool {
    if let Some(&b) = stores.get(dir) {
        return b;
    }
    let b = dir.join("blobs").is_dir() && dir.join("manifests").is_dir();
    stores.insert(dir.to_path_buf(), b);
    b
}

fn prefix_path(comps: &[String]) -> PathBuf {
    let mut p = PathBuf::from(std::path::MAIN_SEPARATOR_STR);
    for c in comps {
        p.push(c);
    }
    p
}

/// `STORE/manifests/REGISTRY/NAMESPACE/MODEL/TAG` → (STORE, [registry, namespace, model, tag]).
fn ollama_manifest(
    comps: &[String],
    stores: &mut HashMap<PathBuf, bool>,
) -> Option<(PathBuf, Vec<String>)> {
    let n = comps.len();
    if n < 6 || comps[n - 5] != "manifests" {
        return None;
    }
    let store = prefix_path(&comps[..n - 5]);
    is_ollama_store(&store, stores).then(|| (store, comps[n - 4..].to_vec()))
}

/// The name Ollama shows for a manifest path: `model:tag` in the default registry's `library`
/// namespace, `namespace/model:tag` elsewhere in it, `registry/namespace/model:tag` for other
/// registries.
pub fn ollama_name(parts: &[String]) -> String {
    let [registry, namespace, model, tag] = parts else {
        return parts.join("/");
    };
    if registry == "registry.ollama.ai" {
        if namespace == "library" {
            format!("{model}:{tag}")
        } else {
            format!("{namespace}/{model}:{tag}")
        }
    } else {
        format!("{registry}/{namespace}/{model}:{tag}")
    }
}

/// Names a file after the store it lives in, from its absolute path's components.
fn name_of(path: &Path, comps: &[String], stores: &mut HashMap<PathBuf, bool>) -> Name {
    let n = comps.len();
    let plain = |layout, fallback| Name {
        name: path.display().to_string(),
        layout,
        path: path.to_path_buf(),
        role: Role::Model,
        fallback,
    };
    // Hugging Face: …/models--ORG--NAME/snapshots/REV/FILE… or …/models--ORG--NAME/blobs/HASH.
    for i in 0..n.saturating_sub(2) {
        let Some(repo) = comps[i].strip_prefix("models--") else {
            continue;
        };
        let repo = repo.replacen("--", "/", 1);
        if comps[i + 1] == "snapshots" && n >= i + 4 {
            return Name {
                name: format!("{repo}/{}", comps[i + 3..].join("/")),
                layout: Layout::HuggingFace,
                path: path.to_path_buf(),
                role: Role::Model,
                fallback: false,
            };
        }
        if comps[i + 1] == "blobs" && n == i + 3 {
            return plain(Layout::HuggingFace, true);
        }
    }
    // Ollama: STORE/blobs/sha256-HEX, named by manifests (read later).
    if n >= 2
        && comps[n - 2] == "blobs"
        && (comps[n - 1].starts_with("sha256-") || comps[n - 1].starts_with("sha256:"))
        && is_ollama_store(&prefix_path(&comps[..n - 2]), stores)
    {
        return plain(Layout::Ollama, true);
    }
    // LM Studio: …/.lmstudio/models/PUBLISHER/REPO/FILE (also …/lm-studio/models/…).
    for i in 1..n {
        if comps[i] == "models"
            && (comps[i - 1] == ".lmstudio" || comps[i - 1] == "lm-studio")
            && n >= i + 4
        {
            return Name {
                name: comps[i + 1..].join("/"),
                layout: Layout::LmStudio,
                path: path.to_path_buf(),
                role: Role::Model,
                fallback: false,
            };
        }
    }
    plain(Layout::Plain, false)
}

#[derive(Deserialize)]
struct Manifest {
    #[serde(default)]
    layers: Vec<Layer>,
}

#[derive(Deserialize)]
struct Layer {
    #[serde(rename = "mediaType")]
    media_type: String,
    digest: String,
}

fn read_manifest(found: &mut Found, path: &Path, store: &Path, parts: &[String]) {
    let name = ollama_name(parts);
    let mut text = String::new();
    let read = std::fs::File::open(path)
        .and_then(|f| f.take(MAX_MANIFEST_BYTES + 1).read_to_string(&mut text));
    if let Err(e) = read {
        found.warnings.push(format!(
            "{}: Ollama manifest unreadable: {e}",
            path.display()
        ));
        return;
    }
    if text.len() as u64 > MAX_MANIFEST_BYTES {
        found.warnings.push(format!(
            "{}: Ollama manifest larger than {MAX_MANIFEST_BYTES} bytes; skipped",
            path.display()
        ));
        return;
    }
    let m: Manifest = match serde_json::from_str(&text) {
        Ok(m) => m,
        Err(e) => {
            found
                .warnings
                .push(format!("{}: not an Ollama manifest: {e}", path.display()));
            return;
        }
    };
    let mut model = OllamaModel {
        name: name.clone(),
        manifest: path.to_path_buf(),
        layers: Vec::new(),
    };
    for l in m.layers {
        let role = match l.media_type.as_str() {
            "application/vnd.ollama.image.model" => Role::Model,
            "application/vnd.ollama.image.projector" => Role::Projector,
            "application/vnd.ollama.image.adapter" => Role::Adapter,
            _ => continue,
        };
        let Some(hex) = l
            .digest
            .strip_prefix("sha256:")
            .filter(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
        else {
            found.warnings.push(format!(
                "{}: layer digest {:?} is not sha256:<64 hex digits>; skipped",
                path.display(),
                l.digest
            ));
            continue;
        };
        // The store as reached from the scanned root: up from manifests/REG/NS/MODEL/TAG.
        let blobs = path.ancestors().nth(5).unwrap_or(store).join("blobs");
        let mut blob = blobs.join(format!("sha256-{hex}"));
        if !blob.exists() && blobs.join(format!("sha256:{hex}")).exists() {
            blob = blobs.join(format!("sha256:{hex}"));
        }
        // The blob path as reached from the scanned root, when the walk found it.
        if let Ok(meta) = std::fs::metadata(&blob) {
            let id = FileId::of(&meta, &blob);
            let shown = found
                .get(id)
                .map(|f| f.names[0].path.clone())
                .unwrap_or(blob);
            let n = Name {
                name: match role {
                    Role::Model => name.clone(),
                    Role::Projector => format!("{name} projector"),
                    Role::Adapter => format!("{name} adapter"),
                },
                layout: Layout::Ollama,
                path: shown.clone(),
                role,
                fallback: false,
            };
            found.add(id, meta.len(), n);
            model.layers.push(OllamaLayer {
                role,
                path: shown,
                id: Some(id),
            });
        } else {
            model.layers.push(OllamaLayer {
                role,
                path: blob,
                id: None,
            });
        }
    }
    found.ollama.push(model);
}

/// Every GGUF file under `dir` (recursively, in path order): regular files that start with the
/// GGUF magic or are named `*.gguf`. Symbolic links are not followed, so a Hugging Face cache (whose `snapshots/` links
/// point into `blobs/`) yields each blob once, and a link loop cannot trap the walk. Unreadable
/// subdirectories and files are skipped.
///
/// Returns an error only if `dir` itself cannot be read.
pub fn gguf_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir).follow_links(false) {
        let entry = match entry {
            Ok(e) => e,
            Err(e) if e.depth() == 0 => {
                return Err(e
                    .into_io_error()
                    .unwrap_or_else(|| std::io::Error::other("cannot read")))
            }
            Err(_) => continue,
        };
        // A file named *.gguf stays in even without the magic, so that a broken one is reported
        // rather than skipped (scan keeps the same files).
        let named = entry
            .path()
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("gguf"));
        if entry.file_type().is_file() && (named || has_gguf_magic(entry.path()).unwrap_or(false)) {
            out.push(entry.into_path());
        }
    }
    out.sort();
    Ok(out)
}

/// Reads the first four bytes: whether the file starts with the GGUF magic.
pub fn has_gguf_magic(path: &Path) -> std::io::Result<bool> {
    let mut f = std::fs::File::open(path)?;
    let mut m = [0u8; 4];
    let mut n = 0;
    while n < 4 {
        match f.read(&mut m[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n == 4 && &m == b"GGUF")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ollama_names() {
        let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            ollama_name(&s(&["registry.ollama.ai", "library", "deepseek-r1", "7b"])),
            "deepseek-r1:7b"
        );
        assert_eq!(
            ollama_name(&s(&["registry.ollama.ai", "jmorgan", "x", "latest"])),
            "jmorgan/x:latest"
        );
        assert_eq!(
            ollama_name(&s(&["hf.co", "bartowski", "Llama-GGUF", "Q4_K_M"])),
            "hf.co/bartowski/Llama-GGUF:Q4_K_M"
        );
    }

    #[test]
    fn defaults_follow_the_environment() {
        let env = |k: &str| -> Option<OsString> {
            match k {
                "HOME" => Some("/home/u".into()),
                "HF_HOME" => Some("/data/hf".into()),
                "OLLAMA_MODELS" => Some("/data/ollama".into()),
                _ => None,
            }
        };
        let r = default_roots(&env);
        let paths: Vec<_> = r.iter().map(|r| r.path.to_str().unwrap()).collect();
        assert_eq!(
            paths,
            [
                "/data/ollama",
                "/data/hf/hub",
                "/home/u/.lmstudio/models",
                "/home/u/.cache/lm-studio/models"
            ]
        );
        let env = |k: &str| -> Option<OsString> { (k == "HOME").then(|| "/home/u".into()) };
        let r = default_roots(&env);
        assert_eq!(r[0].path, Path::new("/home/u/.ollama/models"));
        assert_eq!(r[2].path, Path::new("/home/u/.cache/huggingface/hub"));
    }
}
