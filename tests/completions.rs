//! Shell completions and man pages are generated from the clap definitions: they name every
//! command and every option the commands accept.

mod common;

const COMMANDS: [&str; 6] = ["inspect", "layers", "diff", "verify", "scan", "mem"];

fn stdout(args: &[&str]) -> String {
    let out = common::gguflens(args);
    assert_eq!(out.status.code(), Some(0), "{args:?}");
    String::from_utf8(out.stdout).unwrap()
}

/// The long options a command's --help lists: the first `--name` of each option line.
fn long_options(cmd: &str) -> Vec<String> {
    let help = stdout(&[cmd, "--help"]);
    let mut v: Vec<String> = help
        .lines()
        .map(str::trim_start)
        .filter(|l| l.starts_with('-'))
        .filter_map(|l| {
            l.split([' ', ','])
                .find(|w| w.starts_with("--") && w.len() > 2)
                .map(str::to_string)
        })
        .collect();
    v.sort();
    v.dedup();
    v
}

#[test]
fn completions_name_every_command_and_option() {
    let bash = stdout(&["completions", "bash"]);
    for c in COMMANDS.iter().chain(&["completions", "man"]) {
        assert!(bash.contains(c), "bash completion lacks {c}");
    }
    for opt in [
        "--n-gpu-layers",
        "--ctx-size",
        "--cache-type-k",
        "--svg",
        "--exit-code",
    ] {
        assert!(bash.contains(opt), "bash completion lacks {opt}");
    }
    for shell in ["zsh", "fish", "powershell"] {
        let s = stdout(&["completions", shell]);
        assert!(
            s.contains("inspect") && s.contains("n-gpu-layers"),
            "{shell}"
        );
    }
}

#[test]
fn man_pages_list_every_option_of_every_command() {
    let top = stdout(&["man"]);
    assert!(
        top.starts_with(".ie") || top.contains(".TH gguflens 1"),
        "{top}"
    );
    for c in COMMANDS {
        assert!(top.contains(c), "gguflens(1) lacks {c}");
        let page = stdout(&["man", c]);
        assert!(page.contains(&format!(".TH gguflens-{c} 1")), "{c}");
        let opts = long_options(c);
        assert!(opts.len() >= 2, "{c}: {opts:?}");
        for o in opts
            .iter()
            .filter(|o| !["--color", "--quiet", "--verbose", "--wide"].contains(&o.as_str()))
        {
            let roff = o.replace('-', "\\-");
            assert!(page.contains(&roff), "gguflens-{c}(1) lacks {o}");
        }
    }
    let d = common::temp_dir("man-pages");
    stdout(&["man", "--dir", d.to_str().unwrap()]);
    for c in COMMANDS {
        assert!(d.join(format!("gguflens-{c}.1")).is_file(), "{c}");
    }
    assert!(d.join("gguflens.1").is_file());
}
