use super::*;

fn os(v: &[&str]) -> Vec<OsString> {
    v.iter().map(OsString::from).collect()
}

fn parsed(v: &[&str]) -> Result<LaunchArgs, LaunchError> {
    parse(&os(v))
}

fn applied(v: &[&str], program: Program) -> Result<MemoryParams, LaunchError> {
    parsed(v)?.apply(MemoryParams::default(), program)
}

#[test]
fn every_spelling_of_gpu_layers() {
    for name in ["-ngl", "--gpu-layers", "--n-gpu-layers", "--n_gpu_layers"] {
        let a = parsed(&[name, "12"]).unwrap();
        assert_eq!(a.gpu_layers, Some(GpuLayers::Count(12)), "{name}");
    }
    assert_eq!(
        parsed(&["-ngl", "-1"]).unwrap().gpu_layers,
        Some(GpuLayers::Auto)
    );
    assert_eq!(
        parsed(&["-ngl", "auto"]).unwrap().gpu_layers,
        Some(GpuLayers::Auto)
    );
    assert_eq!(
        parsed(&["-ngl", "all"]).unwrap().gpu_layers,
        Some(GpuLayers::All)
    );
    assert_eq!(
        parsed(&["-ngl", "-2"]).unwrap().gpu_layers,
        Some(GpuLayers::All)
    );
    assert_eq!(
        parsed(&["-ngl=99"]).unwrap().gpu_layers,
        Some(GpuLayers::Count(99))
    );
    assert_eq!(
        applied(&["-ngl", "-1"], Program::Server)
            .unwrap()
            .n_gpu_layers,
        -1
    );
    assert!(parsed(&["-ngl", "12abc"]).is_err());
    assert!(parsed(&["-ngl", "many"]).is_err());
}

#[test]
fn the_value_is_the_next_argument_whatever_it_looks_like() {
    // llama.cpp takes the next argv as the value: `-fa -c 4096` is -fa with the value "-c".
    let e = parsed(&["-fa", "-c", "4096"]).unwrap_err();
    assert_eq!(e.arg, "-fa");
    assert!(
        e.message.contains("unknown value for --flash-attn: '-c'"),
        "{e}"
    );
    // A bare -fa at the end has no value: refused, with the current spelling named.
    let e = parsed(&["-c", "4096", "-fa"]).unwrap_err();
    assert!(e.message.contains("expected value for argument"), "{e}");
    assert!(e.message.contains("-fa on, off or auto"), "{e}");
}

#[test]
fn flash_attn_values_are_llama_cpp_truthy_falsey_autoy() {
    for (v, want) in [
        ("on", FlashAttn::On),
        ("enabled", FlashAttn::On),
        ("true", FlashAttn::On),
        ("1", FlashAttn::On),
        ("off", FlashAttn::Off),
        ("disabled", FlashAttn::Off),
        ("false", FlashAttn::Off),
        ("0", FlashAttn::Off),
        ("auto", FlashAttn::Auto),
        ("-1", FlashAttn::Auto),
    ] {
        assert_eq!(parsed(&["-fa", v]).unwrap().flash_attn, Some(want), "{v}");
    }
    // is_truthy compares exactly: "ON" is not on.
    assert!(parsed(&["-fa", "ON"]).is_err());
    assert!(parsed(&["-fa", "yes"]).is_err());
}

#[test]
fn repeated_options_keep_the_last_value() {
    let a = parsed(&[
        "-c",
        "4096",
        "-ngl",
        "10",
        "-c",
        "8192",
        "--n-gpu-layers",
        "20",
    ])
    .unwrap();
    assert_eq!(a.ctx_size, Some(8192));
    assert_eq!(a.gpu_layers, Some(GpuLayers::Count(20)));
    let a = parsed(&["-nkvo", "-kvo"]).unwrap();
    assert_eq!(a.kv_offload, Some(true));
    let a = parsed(&["--mmap", "--no-mmap"]).unwrap();
    assert_eq!(a.mmap, Some(false));
}

#[test]
fn batch_zero_rules() {
    let e = applied(&["-b", "0", "-ub", "0"], Program::Cli).unwrap_err();
    assert_eq!(e.message, "n_batch and n_ubatch cannot both be zero");
    let e = applied(&["-b", "0"], Program::Server).unwrap_err();
    assert_eq!(e.arg, "-b");
    // -ub 0 is llama.cpp's way to say "the same as -b": accepted.
    let p = applied(&["-ub", "0"], Program::Server).unwrap();
    assert_eq!((p.n_batch, p.n_ubatch), (2048, 0));
    assert!(applied(&["-b", "-5"], Program::Cli).is_err());
}

#[test]
fn parallel_rules_per_program() {
    let e = applied(&["-np", "0"], Program::Server).unwrap_err();
    assert!(e.message.contains("invalid value for n_parallel"), "{e}");
    assert_eq!(applied(&["-np", "0"], Program::Cli).unwrap().n_seq, 1);
    let p = applied(&["-np", "-1"], Program::Server).unwrap();
    assert_eq!((p.n_seq, p.kv_unified), (4, true));
    assert!(applied(&["-np", "-1"], Program::Cli).is_err());
    assert!(applied(&["-np", "257"], Program::Server).is_err());
    let p = applied(&["-np", "4", "-no-kvu"], Program::Server).unwrap();
    assert_eq!((p.n_seq, p.kv_unified), (4, false));
}

#[test]
fn cache_types_are_exact_names() {
    let a = parsed(&["-ctk", "q8_0", "--cache-type-v", "q4_0"]).unwrap();
    assert_eq!(a.cache_type_k, Some(CacheType::Q8_0));
    assert_eq!(a.cache_type_v, Some(CacheType::Q4_0));
    let e = parsed(&["-ctk", "Q8_0"]).unwrap_err();
    assert!(e.message.starts_with("Unsupported cache type: Q8_0"), "{e}");
    assert!(parsed(&["-ctk", "q6_k"]).is_err());
}

#[test]
fn tensor_split_and_load_mode() {
    assert_eq!(
        parsed(&["-ts", "3,1"]).unwrap().tensor_split,
        Some(vec![3.0, 1.0])
    );
    assert_eq!(
        parsed(&["-ts", "3//1"]).unwrap().tensor_split,
        Some(vec![3.0, 1.0])
    );
    assert!(parsed(&["-ts", ",3"]).is_err());
    let many = vec!["1"; 16].join(",");
    assert!(parsed(&["-ts", &many])
        .unwrap_err()
        .message
        .contains("16 devices"));
    assert_eq!(parsed(&["-lm", "none"]).unwrap().mmap, Some(false));
    assert_eq!(
        parsed(&["--load-mode", "mmap+mlock"]).unwrap().mmap,
        Some(true)
    );
    assert!(parsed(&["-lm", "fast"]).is_err());
}

#[test]
fn extract_leaves_other_arguments_in_order_and_stops_at_double_dash() {
    let (a, rest) = extract(&os(&[
        "f.gguf", "-ngl", "99", "--json", "-c", "8192", "--fit", "24GiB", "--", "-ngl", "1",
    ]))
    .unwrap();
    assert_eq!(a.gpu_layers, Some(GpuLayers::Count(99)));
    assert_eq!(a.ctx_size, Some(8192));
    assert_eq!(
        rest,
        os(&["f.gguf", "--json", "--fit", "24GiB", "--", "-ngl", "1"])
    );
    let e = parse(&os(&["-ngl", "1", "--weird"])).unwrap_err();
    assert_eq!(
        (e.arg.as_str(), e.message.as_str()),
        ("--weird", "invalid argument")
    );
    assert!(parsed(&["--swa-full=1"]).is_err());
}

#[test]
fn sizes() {
    assert_eq!(parse_size("24GiB"), Ok(24 << 30));
    assert_eq!(parse_size("512MiB"), Ok(512 << 20));
    assert_eq!(parse_size("512"), Ok(512 << 20));
    assert_eq!(parse_size("8GB"), Ok(8_000_000_000));
    assert_eq!(parse_size("1.5G"), Ok(3 << 29));
    assert!(parse_size("12XB").is_err());
    assert!(parse_size("GiB").is_err());
    assert_eq!(
        parsed(&["-fitt", "2048"]).unwrap().fit_target,
        Some(2 << 30)
    );
}
