//! Finding GGUF files under a directory.
//!
//! Deliberately simple: a recursive walk that keeps regular files starting with the `GGUF`
//! magic, in path order. Symbolic links are not followed, so a Hugging Face cache (whose
//! `snapshots/` links point into `blobs/`) yields each blob once, and a link loop cannot trap
//! the walk. This is the one function a layout-aware scanner would replace.

use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// Every GGUF file under `dir` (recursively), sorted by path. Unreadable subdirectories and files
/// are skipped; only an unreadable `dir` itself is an error.
pub fn find_gguf_files(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    let mut first = true;
    while let Some(d) = stack.pop() {
        let entries = match fs::read_dir(&d) {
            Ok(e) => e,
            Err(e) if first => return Err(e),
            Err(_) => continue,
        };
        first = false;
        for e in entries.flatten() {
            let Ok(ft) = e.file_type() else { continue };
            let p = e.path();
            if ft.is_dir() {
                stack.push(p);
            } else if ft.is_file() && has_gguf_magic(&p) {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Whether the file starts with `GGUF`.
pub fn has_gguf_magic(path: &Path) -> bool {
    let mut m = [0u8; 4];
    fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut m))
        .is_ok()
        && &m == b"GGUF"
}
