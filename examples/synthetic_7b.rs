//! Writes a sparse Qwen2-7B-class GGUF (a real-sized 152k-token header, the 4.4 GiB data region
//! left as a hole) for whole-process benchmarks: `cargo run --release --example synthetic_7b OUT`.

fn main() -> std::io::Result<()> {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "synthetic-qwen2-7b.gguf".into());
    let (header, total) = gguflens::synthetic::headers::qwen2_7b_like().build_header();
    let f = std::fs::File::create(&out)?;
    std::io::Write::write_all(&mut &f, &header)?;
    f.set_len(total)?;
    println!(
        "{out}: header {} bytes, file {} bytes (sparse)",
        header.len(),
        total
    );
    Ok(())
}
