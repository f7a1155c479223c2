//! Split sets: the input is cut into up to four shard files written to a temporary directory
//! as `m-0000N-of-0000K.gguf`; then the set is opened from one of them, parsed and reported.
//!
//! Layout of the input: byte 0 = shard count (1..=4), byte 1 = which shard to open, byte 2 = a
//! bit mask of shards to leave out (a missing shard), then each shard as a 2-byte little-endian
//! length and its bytes (the last takes the rest).
#![no_main]

use gguflens::format::split::SplitName;
use gguflens::render::inspect::{render, InspectView};
use gguflens::render::Style;
use gguflens::report::inspect::{InspectOptions, InspectReport};
use gguflens::ModelFiles;
use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;
use std::sync::OnceLock;

fn dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("gguflens-fuzz-split-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        d
    })
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    let count = (data[0] % 4) as u32 + 1;
    let open = (data[1] as u32 % count) + 1;
    let missing = data[2];
    let mut rest = &data[3..];
    let d = dir();
    for i in 1..=4u32 {
        let _ = std::fs::remove_file(d.join(format!("m-{i:05}-of-{count:05}.gguf")));
    }
    for i in 1..=count {
        let chunk = if i == count || rest.len() < 2 {
            std::mem::take(&mut rest)
        } else {
            let n = (u16::from_le_bytes([rest[0], rest[1]]) as usize).min(rest.len() - 2);
            let (c, r) = rest[2..].split_at(n);
            rest = r;
            c
        };
        if i != open && missing & (1 << i) != 0 {
            continue;
        }
        std::fs::write(d.join(format!("m-{i:05}-of-{count:05}.gguf")), chunk).unwrap();
    }
    let name = if count == 1 {
        // A lone file named as a shard of one: read as an unsplit file.
        format!("m-00001-of-00001.gguf")
    } else {
        format!("m-{open:05}-of-{count:05}.gguf")
    };
    assert!(SplitName::parse(&name).is_some());
    let files = match ModelFiles::open(d.join(&name)) {
        Ok(f) => f,
        Err(e) => {
            assert!(!e.to_string().contains('\n'));
            return;
        }
    };
    assert_eq!(files.files.len(), count as usize);
    match files.parse() {
        Err(e) => assert!(!e.to_string().contains('\n')),
        Ok(m) => {
            assert_eq!(m.shards.len(), count as usize);
            let _ = m.tensor_count();
            let _ = m.parameter_count();
            let _ = m.file_size();
            let _ = m.all_findings();
            let r = InspectReport::build(&m, InspectOptions::default());
            render(&r, InspectView::default(), &mut std::io::sink(), Style::PLAIN).unwrap();
        }
    }
    // The name parser on text from the input.
    let _ = SplitName::parse(&String::from_utf8_lossy(&data[..data.len().min(64)]));
});
