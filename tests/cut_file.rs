//! A cut (truncated) real file: every command exits 2 and says why, in text and in JSON.

mod common;

use serde_json::Value as Json;

fn cut_gemma() -> std::path::PathBuf {
    let d = common::temp_dir("cut-file");
    let p = d.join("gemma-cut.gguf");
    let bytes = std::fs::read(common::gemma()).unwrap();
    std::fs::write(&p, &bytes[..150_000_000]).unwrap();
    p
}

const WHY: &str = "error [truncated-data] at byte 150000000: tensor data is cut short";

#[test]
fn every_command_that_exits_2_says_why() {
    let p = cut_gemma();
    let f = p.to_str().unwrap();
    let text_runs: [&[&str]; 6] = [
        &["inspect", f],
        &["layers", f],
        &["mem", f, "-c", "4096"],
        &["mem", f],
        &["diff", f, f],
        &["verify", f],
    ];
    for args in text_runs {
        let out = common::gguflens(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains(WHY), "{args:?}:\n{text}");
    }
    let json_runs: [&[&str]; 4] = [
        &["inspect", "--json", f],
        &["layers", "--json", f],
        &["mem", "--json", f, "-c", "4096"],
        &["diff", "--json", f, f],
    ];
    for args in json_runs {
        let out = common::gguflens(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let j: Json = serde_json::from_slice(&out.stdout).unwrap();
        let findings = j["findings"].as_array().unwrap();
        assert!(
            findings
                .iter()
                .any(|x| x["code"] == "truncated-data" && x["offset"] == 150_000_000),
            "{args:?}: {findings:?}"
        );
    }
    // The memory prediction itself is unchanged: it reads the header only.
    let out = common::gguflens(&["mem", "--json", f, "-c", "4096"]);
    let j: Json = serde_json::from_slice(&out.stdout).unwrap();
    let whole = common::gguflens(&[
        "mem",
        "--json",
        common::gemma().to_str().unwrap(),
        "-c",
        "4096",
    ]);
    let w: Json = serde_json::from_slice(&whole.stdout).unwrap();
    assert_eq!(j["predictions"], w["predictions"]);
    assert_eq!(w["findings"].as_array().unwrap().len(), 0);
}
