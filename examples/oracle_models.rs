//! Writes the synthetic oracle models (gguflens::synthetic) into a directory:
//! `cargo run --example oracle_models -- DIR`.
fn main() -> std::io::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "target/oracle-models".into());
    for (name, b) in [
        ("synth-repack-mix.gguf", gguflens::synthetic::repack_mix()),
        ("synth-repack-moe.gguf", gguflens::synthetic::repack_moe()),
    ] {
        let p = std::path::Path::new(&dir).join(name);
        std::fs::write(&p, b.build())?;
        println!("{}", p.display());
    }
    for p in gguflens::synthetic::write_all(std::path::Path::new(&dir))? {
        let n = std::fs::metadata(&p)?.len();
        println!("{} ({n} bytes)", p.display());
    }
    Ok(())
}
