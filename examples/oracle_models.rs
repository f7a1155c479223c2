//! Writes the synthetic oracle models (gguflens::synthetic) into a directory:
//! `cargo run --example oracle_models -- DIR`.
fn main() -> std::io::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "target/oracle-models".into());
    let repack = std::path::Path::new(&dir).join("synth-repack-mix.gguf");
    std::fs::write(&repack, gguflens::synthetic::repack_mix().build())?;
    println!("{}", repack.display());
    for p in gguflens::synthetic::write_all(std::path::Path::new(&dir))? {
        let n = std::fs::metadata(&p)?.len();
        println!("{} ({n} bytes)", p.display());
    }
    Ok(())
}
