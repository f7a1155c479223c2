//! Writes the synthetic oracle models (gguflens::synthetic) into a directory:
//! `cargo run --example oracle_models -- DIR`.
fn main() -> std::io::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "target/oracle-models".into());
    for p in gguflens::synthetic::write_all(std::path::Path::new(&dir))? {
        let n = std::fs::metadata(&p)?.len();
        println!("{} ({n} bytes)", p.display());
    }
    Ok(())
}
