//! Text rendering of `gguflens mem`: per-device tables in IEC units, `~` on estimates.

use super::table::{Align, Cell, Table};
use super::{iec, sanitize, thousands, Color, Style};
use crate::report::mem::{
    DeviceJson, ExplainJson, FigureJson, FitJson, FitOutcomeJson, MemReport, MemoryKindJson,
    PredictionJson, SwaKindJson,
};
use std::io::{self, Write};

fn fig(f: FigureJson) -> Cell {
    if f.bytes == 0 {
        return Cell::colored("-", Color::Dim);
    }
    if f.exact {
        Cell::from(iec(f.bytes))
    } else {
        Cell::colored(format!("~{}", iec(f.bytes)), Color::Yellow)
    }
}

fn bytes_or_dash(b: u64) -> Cell {
    if b == 0 {
        Cell::colored("-", Color::Dim)
    } else {
        Cell::from(iec(b))
    }
}

fn device_used(d: &DeviceJson) -> bool {
    d.device == "CPU" || d.total.bytes > 0
}

fn device_table(p: &PredictionJson, w: &mut dyn Write, style: Style) -> io::Result<()> {
    let mut t = Table::new(&[
        ("device", Align::Left),
        ("layers", Align::Right),
        ("weights", Align::Right),
        ("KV full", Align::Right),
        ("KV SWA", Align::Right),
        ("recurrent", Align::Right),
        ("output", Align::Right),
        ("compute", Align::Right),
        ("overhead", Align::Right),
        ("total", Align::Right),
    ]);
    for d in p.devices.iter().filter(|d| device_used(d)) {
        let layers = format!("{}{}", d.layers, if d.output_layer { "+out" } else { "" });
        t.row(vec![
            Cell::colored(d.device.clone(), Color::Bold),
            Cell::from(layers),
            fig(d.weights),
            bytes_or_dash(d.kv.k.saturating_add(d.kv.v)),
            bytes_or_dash(d.kv.swa_k.saturating_add(d.kv.swa_v)),
            fig(d.recurrent),
            fig(d.output),
            fig(d.compute),
            fig(d.overhead),
            Cell::colored(
                format!(
                    "{}{}",
                    if d.total.exact { "" } else { "~" },
                    iec(d.total.bytes)
                ),
                Color::Bold,
            ),
        ]);
    }
    t.write(w, style, 2)
}

fn context_line(r: &MemReport, p: &PredictionJson) -> String {
    let c = &p.context;
    let mut s = format!("context {}", thousands(c.n_ctx as u64));
    if c.streams > 1 {
        s += &format!(
            " ({} streams × {} cells)",
            c.streams,
            thousands(c.kv_cells as u64)
        );
    }
    if r.model.swa_layers > 0 {
        s += &format!(", SWA cache {} cells", thousands(c.swa_cells as u64));
    }
    s += &format!(
        ", ubatch {}, flash attention {}",
        c.n_ubatch,
        if c.flash_attn { "on" } else { "off" }
    );
    s
}

fn header(r: &MemReport, w: &mut dyn Write, style: Style) -> io::Result<()> {
    let m = &r.model;
    writeln!(w, "{}", style.paint(Color::Bold, &sanitize(&r.file)))?;
    let mut facts = vec![
        sanitize(&m.architecture).into_owned(),
        format!("{} layers", m.n_layer),
        format!("trained context {}", thousands(m.n_ctx_train as u64)),
        format!("vocab {}", thousands(m.n_vocab)),
    ];
    if m.swa_layers > 0 {
        facts.push(format!(
            "{} window {} on {} of {} KV layers",
            if m.swa_kind == SwaKindJson::Chunked {
                "chunked"
            } else {
                "sliding"
            },
            m.swa_window,
            m.swa_layers,
            m.kv_layers
        ));
    }
    if m.mla {
        facts.push("MLA (K-only cache)".into());
    }
    if m.recurrent_layers > 0 {
        facts.push(format!("{} recurrent layers", m.recurrent_layers));
    }
    if m.memory == MemoryKindJson::None {
        facts.push("no KV cache".into());
    }
    writeln!(w, "{}", style.fill("  ", &facts.join(" · "), 4))?;
    let s = &r.settings;
    let ngl = if s.n_gpu_layers < 0 {
        "all".to_string()
    } else {
        s.n_gpu_layers.to_string()
    };
    writeln!(
        w,
        "  {}",
        style.paint(
            Color::Dim,
            &format!(
                "-b {} -ub {} -np {}{} -ctk {} -ctv {} -fa {}{} -ngl {}{}{} {}{} --cpu {} · {} GPU{}",
                s.batch_size,
                s.ubatch_size,
                s.parallel,
                if s.kv_unified { " --kv-unified" } else { "" },
                s.cache_type_k,
                s.cache_type_v,
                s.flash_attn,
                if s.swa_full { " --swa-full" } else { "" },
                ngl,
                if s.no_kv_offload { " -nkvo" } else { "" },
                if s.tensor_split.is_empty() {
                    String::new()
                } else {
                    format!(
                        " -ts {}",
                        s.tensor_split
                            .iter()
                            .map(|x| x.to_string())
                            .collect::<Vec<_>>()
                            .join(",")
                    )
                },
                if s.mmap { "--mmap" } else { "--no-mmap" },
                if s.no_host { " --no-host" } else { "" },
                s.cpu,
                s.gpus,
                if s.gpus == 1 { "" } else { "s" }
            )
        )
    )?;
    Ok(())
}

fn sweep(r: &MemReport, w: &mut dyn Write, style: Style) -> io::Result<()> {
    let gpus = r.settings.gpus > 0 && r.predictions.iter().any(|p| p.gpu_total > 0);
    let mut cols = vec![
        ("context", Align::Right),
        ("KV", Align::Right),
        ("recurrent", Align::Right),
        ("compute", Align::Right),
        ("RAM", Align::Right),
    ];
    if gpus {
        cols.push(("VRAM", Align::Right));
    }
    let mut t = Table::new(&cols);
    for p in &r.predictions {
        let (kv, rs, comp) = (p.kv_total, p.recurrent_total, p.compute_total);
        let mut row = vec![
            Cell::colored(thousands(p.context.n_ctx as u64), Color::Bold),
            bytes_or_dash(kv),
            bytes_or_dash(rs),
            Cell::colored(format!("~{}", iec(comp)), Color::Yellow),
            Cell::from(format!("~{}", iec(p.cpu_total))),
        ];
        if gpus {
            row.push(Cell::colored(format!("~{}", iec(p.gpu_total)), Color::Bold));
        }
        t.row(row);
    }
    t.write(w, style, 2)?;
    if let Some(last) = r.predictions.last() {
        let wts: Vec<String> = last
            .devices
            .iter()
            .filter(|d| d.weights.bytes > 0)
            .map(|d| {
                let mut s = format!("{} {}", d.device, iec(d.weights.bytes));
                if d.weights_mapped > 0 {
                    s += &format!(" ({} mmap'd)", iec(d.weights_mapped));
                }
                if d.weights_repack > 0 {
                    s += &format!(
                        " incl. {} CPU_REPACK for {}",
                        iec(d.weights_repack),
                        r.settings.cpu_repack
                    );
                }
                s
            })
            .collect();
        writeln!(w, "  weights: {}", wts.join(", "))?;
        let line = format!(
            "KV per token: {} · output buffer {} · GPU overhead {} per GPU",
            iec(last.kv_bytes_per_token),
            iec(last.devices[0].output.bytes),
            iec(r.settings.gpu_overhead)
        );
        writeln!(w, "{}", style.fill("  ", &line, 4))?;
    }
    Ok(())
}

fn fit(f: &FitJson, r: &MemReport, w: &mut dyn Write, style: Style) -> io::Result<()> {
    let budgets: Vec<String> = f.budgets.iter().map(|&b| iec(b)).collect();
    writeln!(
        w,
        "{} {} (keeping {} free per GPU)",
        style.paint(Color::Bold, "--fit"),
        budgets.join(", "),
        iec(f.margin)
    )?;
    let what = match f.outcome {
        FitOutcomeJson::Fits => format!(
            "fits: -c {} with all {} units offloaded",
            f.n_ctx, f.n_units
        ),
        FitOutcomeJson::ReducedContext => format!(
            "fits with the context reduced to -c {} ({} of {} units offloaded)",
            f.n_ctx, f.n_gpu_layers, f.n_units
        ),
        FitOutcomeJson::PartialOffload => format!(
            "fits with -c {} and -ngl {} ({} of {} units on the GPU, the rest in RAM)",
            f.n_ctx, f.n_gpu_layers, f.n_gpu_layers, f.n_units
        ),
        FitOutcomeJson::CpuOnly => format!(
            "not even the output layer fits next to the margin: run on the CPU (-ngl 0) at -c {}",
            f.n_ctx
        ),
        FitOutcomeJson::DoesNotFit => format!(
            "does not fit: -ngl {} at -c {} leaves less than the margin",
            f.n_gpu_layers, f.n_ctx
        ),
    };
    let color = if matches!(
        f.outcome,
        FitOutcomeJson::DoesNotFit | FitOutcomeJson::CpuOnly
    ) {
        Color::Red
    } else {
        Color::Green
    };
    writeln!(w, "  {}", style.paint(color, &what))?;
    for (i, (u, b)) in f.used.iter().zip(&f.budgets).enumerate() {
        writeln!(
            w,
            "  GPU{i}: {} of llama.cpp buffers + {} margin of {}",
            iec(*u),
            iec(f.margin),
            iec(*b)
        )?;
    }
    writeln!(w)?;
    writeln!(w, "  {}", context_line(r, &f.prediction))?;
    device_table(&f.prediction, w, style)
}

fn explain(x: &ExplainJson, r: &MemReport, w: &mut dyn Write, style: Style) -> io::Result<()> {
    let m = &r.model;
    let s = &r.settings;
    writeln!(
        w,
        "{}",
        style.paint(
            Color::Bold,
            &format!("How it adds up (context {})", thousands(x.n_ctx as u64))
        )
    )?;
    writeln!(
        w,
        "  KV cache = Σ over layers with a cache of cells × streams × (K row + V row);"
    )?;
    writeln!(
        w,
        "  a row is n_head_kv × head size elements of the cache type ({} K, {} V).",
        s.cache_type_k, s.cache_type_v
    )?;
    if !x.layers.is_empty() {
        let mut t = Table::new(&[
            ("layer", Align::Right),
            ("kind", Align::Left),
            ("kv heads", Align::Right),
            ("K row", Align::Right),
            ("V row", Align::Right),
            ("cells", Align::Right),
            ("K", Align::Right),
            ("V", Align::Right),
            ("state", Align::Right),
            ("device", Align::Left),
        ]);
        for l in &x.layers {
            let kind = if l.recurrent_bytes > 0 && l.k_width > 0 {
                "attn+rec"
            } else if l.recurrent_bytes > 0 {
                "recurrent"
            } else if l.swa {
                "SWA"
            } else {
                "full"
            };
            t.row(vec![
                Cell::from(l.layer.to_string()),
                Cell::from(kind),
                Cell::from(l.n_head_kv.to_string()),
                Cell::from(l.k_width.to_string()),
                Cell::from(l.v_width.to_string()),
                Cell::from(thousands(l.cells as u64)),
                bytes_or_dash(l.k_bytes),
                bytes_or_dash(l.v_bytes),
                bytes_or_dash(l.recurrent_bytes),
                Cell::from(l.device.clone()),
            ]);
        }
        t.write(w, style, 2)?;
    }
    writeln!(w)?;
    writeln!(
        w,
        "  Rule of thumb: KV = 2 × layers × ctx × hidden_size × bytes = 2 × {} × {} × {} × {} = {}",
        m.n_layer,
        x.n_ctx,
        m.n_embd,
        x.k_element_bytes,
        iec(x.rule_kv_bytes)
    )?;
    writeln!(
        w,
        "  gguflens (exact, llama.cpp's allocation):                                  {}",
        style.paint(Color::Bold, &iec(x.kv_bytes))
    )?;
    for reason in &x.kv_reasons {
        writeln!(w, "    - {}", reason)?;
    }
    writeln!(w)?;
    writeln!(
        w,
        "  Rule of thumb: memory = file × 1.2 = {} × 1.2 = {}",
        iec(m.file_bytes),
        iec(x.rule_total_bytes)
    )?;
    writeln!(
        w,
        "  gguflens (all devices, before GPU runtime overhead):    {}",
        style.paint(Color::Bold, &format!("~{}", iec(x.total_bytes)))
    )?;
    for reason in &x.total_reasons {
        writeln!(w, "    - {}", reason)?;
    }
    writeln!(
        w,
        "  compute ≈ max(head, layer); head = 4·n_outputs·n_vocab + 4·ubatch·(3·hidden + 1) = {}; layer = masks + {}FFN activations = {}",
        iec(x.compute_head_bytes),
        if r.predictions.get(x.prediction).is_some_and(|p| p.context.flash_attn) {
            ""
        } else {
            "KQ scores + "
        },
        iec(x.compute_layer_bytes)
    )?;
    Ok(())
}

/// Writes the whole report.
pub fn render(r: &MemReport, w: &mut dyn Write, style: Style) -> io::Result<()> {
    header(r, w, style)?;
    writeln!(w)?;
    if let Some(f) = &r.fit {
        fit(f, r, w, style)?;
    } else if r.predictions.len() == 1 {
        let p = &r.predictions[0];
        writeln!(w, "  {}", context_line(r, p))?;
        device_table(p, w, style)?;
        let line = format!(
            "KV per token {} · {}",
            iec(p.kv_bytes_per_token),
            style.paint(
                Color::Dim,
                "~ marks estimates; the rest is llama.cpp's allocation to the byte"
            )
        );
        writeln!(w, "{}", style.fill("  ", &line, 4))?;
    } else {
        sweep(r, w, style)?;
        writeln!(
            w,
            "{}",
            style.wrap(Color::Dim, "~ marks estimates (compute buffer, GPU overhead); KV is exact. -c N for one context per device.", 2)
        )?;
    }
    if let Some(x) = &r.explain {
        writeln!(w)?;
        explain(x, r, w, style)?;
    }
    for n in &r.notes {
        writeln!(w, "{}", style.wrap(Color::Dim, &format!("note: {n}"), 2))?;
    }
    super::findings::section(w, style, &r.findings)
}

/// The CSV header of `mem --csv`.
pub const CSV_COLUMNS: &[&str] = &[
    "n_ctx",
    "n_gpu_layers",
    "device",
    "layers",
    "output_layer",
    "weights",
    "kv_full",
    "kv_swa",
    "recurrent",
    "output",
    "compute",
    "overhead",
    "total",
    "total_exact",
];

/// `mem --csv`: a line per context and device (the sweep, or the one context of `-c`), in
/// bytes.
pub fn csv(r: &MemReport, w: &mut dyn Write) -> io::Result<()> {
    super::csv_line(
        w,
        &CSV_COLUMNS
            .iter()
            .map(|c| c.to_string())
            .collect::<Vec<_>>(),
    )?;
    for p in &r.predictions {
        for d in &p.devices {
            let n = |v: u64| v.to_string();
            super::csv_line(
                w,
                &[
                    n(p.context.n_ctx as u64),
                    n(p.n_gpu_layers as u64),
                    d.device.clone(),
                    n(d.layers as u64),
                    d.output_layer.to_string(),
                    n(d.weights.bytes),
                    n(d.kv.k + d.kv.v),
                    n(d.kv.swa_k + d.kv.swa_v),
                    n(d.recurrent.bytes),
                    n(d.output.bytes),
                    n(d.compute.bytes),
                    n(d.overhead.bytes),
                    n(d.total.bytes),
                    d.total.exact.to_string(),
                ],
            )?;
        }
    }
    Ok(())
}
