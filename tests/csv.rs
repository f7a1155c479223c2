//! `--csv` for mem (sweep and -c) and layers: a header, then one line per device and context or
//! per tensor, the same numbers as the JSON.

mod common;

fn out(args: &[&str]) -> String {
    let o = common::gguflens(args);
    assert_eq!(o.status.code(), Some(0), "{args:?}");
    String::from_utf8(o.stdout).unwrap()
}

fn json(args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&out(args)).unwrap()
}

#[test]
fn mem_csv_has_a_line_per_context_and_device() {
    let f = common::fixture("tiny-llama-q4_k_m.gguf");
    let f = f.to_str().unwrap();
    for extra in [&[][..], &["-c", "512"][..]] {
        let mut args = vec!["mem", f, "--csv"];
        args.extend(extra);
        let csv = out(&args);
        let mut lines = csv.lines();
        assert!(lines
            .next()
            .unwrap()
            .starts_with("n_ctx,n_gpu_layers,device,"));
        let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
        args[2] = "--json";
        let j = json(&args);
        let preds = j["predictions"].as_array().unwrap();
        let devices: usize = preds
            .iter()
            .map(|p| p["devices"].as_array().unwrap().len())
            .sum();
        assert_eq!(rows.len(), devices, "{csv}");
        for (row, d) in rows
            .iter()
            .zip(preds.iter().flat_map(|p| p["devices"].as_array().unwrap()))
        {
            assert_eq!(row[2], d["device"].as_str().unwrap());
            assert_eq!(
                row[12].parse::<u64>().unwrap(),
                d["total"]["bytes"].as_u64().unwrap()
            );
        }
    }
}

#[test]
fn layers_csv_has_a_line_per_tensor() {
    let f = common::fixture("tiny-llama-q4_k_m.gguf");
    let csv = out(&["layers", f.to_str().unwrap(), "--csv"]);
    let j = json(&["layers", f.to_str().unwrap(), "--json"]);
    let rows: Vec<Vec<&str>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    assert_eq!(rows.len() as u64, j["totals"]["tensors"].as_u64().unwrap());
    let bytes: u64 = rows.iter().map(|r| r[7].parse::<u64>().unwrap()).sum();
    assert_eq!(bytes, j["totals"]["bytes"].as_u64().unwrap());
    assert!(csv.starts_with(
        "name,section,layer,role,type,shape,parameters,bytes,bits_per_weight,rule,verdict\n"
    ));
}
