//! `--explain`: the prediction's formulas with this file's numbers, next to the popular rules of
//! thumb ("KV = 2 × layers × ctx × hidden × bytes", "total = file × 1.2"), and the causes of every
//! difference between them, as facts. The report words them.

use super::{CacheType, Estimate, LayerCache, MemoryKind};

/// The explanation of one prediction.
#[derive(Debug, Clone)]
pub struct Explanation<'e> {
    /// Context it explains.
    pub n_ctx: u32,
    /// Per-layer caches, with the cells each keeps.
    pub layers: Vec<ExplainedLayer<'e>>,
    /// Bytes per K element of the cache type.
    pub k_element_bytes: f64,
    /// The rule of thumb: 2 × layers × ctx × hidden size × element bytes.
    pub rule_kv_bytes: u64,
    /// The predicted KV cache.
    pub kv_bytes: u64,
    /// Why the KV cache differs from the rule.
    pub kv_reasons: Vec<KvReason>,
    /// The rule of thumb: file size × 1.2.
    pub rule_total_bytes: u64,
    /// Predicted total over all devices, overhead excluded.
    pub total_bytes: u64,
    /// The compute buffer's logits (head) peak.
    pub compute_head_bytes: u64,
    /// The compute buffer's widest-layer peak.
    pub compute_layer_bytes: u64,
    /// Why the total differs from the rule.
    pub total_reasons: Vec<TotalReason>,
}

/// One layer's cache as the explanation shows it.
#[derive(Debug, Clone, Copy)]
pub struct ExplainedLayer<'e> {
    /// The prediction's figures for the layer.
    pub cache: &'e LayerCache,
    /// The layer's KV heads.
    pub n_head_kv: u64,
    /// Cells per stream (0 for a layer without K/V).
    pub cells: u32,
}

/// A cause of the difference between the predicted KV cache and the rule of thumb.
#[derive(Debug, Clone, PartialEq)]
pub enum KvReason {
    /// The architecture keeps no cache (encoder-only or diffusion model).
    NoCache {
        /// `general.architecture`.
        arch: String,
    },
    /// Recurrent layers keep a fixed-size state.
    Recurrent,
    /// Some layers use attention, the others keep a recurrent state.
    Hybrid {
        /// Layers with a KV cache.
        kv_layers: usize,
        /// All layers.
        n_layer: usize,
        /// Layers with a recurrent state.
        recurrent_layers: usize,
        /// Bytes of the recurrent states.
        recurrent_bytes: u64,
    },
    /// Only some layers allocate K/V (shared caches, NextN layers).
    FewerKvLayers {
        /// Layers with a KV cache.
        kv_layers: usize,
        /// All layers.
        n_layer: usize,
    },
    /// Multi-head latent attention: one compressed K row and no V.
    Mla {
        /// Values per K row (kv_lora_rank + rope dims).
        k_width: u64,
        /// `key_length_mla`.
        key_length_mla: u64,
    },
    /// Grouped-query attention: K rows narrower than the hidden size.
    Gqa {
        /// The first layer with K/V.
        layer: usize,
        /// Its KV heads.
        n_head_kv: u64,
        /// Its key length.
        key_length: u64,
        /// Its K row width.
        k_width: u64,
        /// Whether the KV head count varies per layer.
        varies: bool,
        /// The hidden size.
        n_embd: u64,
    },
    /// Without flash attention every V row is padded to the widest.
    PaddedV {
        /// The widest V row.
        widest: u64,
    },
    /// Sliding-window layers keep fewer cells.
    SlidingWindow {
        /// Sliding-window layers with a KV cache.
        swa_layers: usize,
        /// Layers with a KV cache.
        kv_layers: usize,
        /// Cells a sliding-window layer keeps.
        swa_cells: u32,
        /// The window.
        window: u64,
        /// The micro-batch.
        n_ubatch: u32,
        /// Cells a full layer keeps.
        kv_cells: u32,
    },
    /// K or V is not F16.
    CacheTypes {
        /// `-ctk`.
        k: CacheType,
        /// `-ctv`.
        v: CacheType,
    },
}

/// A cause of the difference between the predicted total and the rule of thumb.
#[derive(Debug, Clone, PartialEq)]
pub enum TotalReason {
    /// The compute buffer, which the rule has no term for.
    Compute {
        /// The compute buffer over all devices.
        compute: u64,
        /// Tokens in the vocabulary.
        n_vocab: u64,
        /// The logits peak.
        head: u64,
        /// The widest layer's peak.
        layer: u64,
    },
    /// The KV cache depends on the context, not on the file size.
    KvNotAShareOfTheFile {
        /// The predicted KV cache.
        kv: u64,
        /// 20 % of the file.
        fifth_of_file: u64,
    },
    /// Tied embeddings are copied to the GPU with the output layer.
    TiedEmbeddings {
        /// The copy's bytes.
        copied: u64,
    },
}

impl<'e> Explanation<'e> {
    /// Explains one prediction of a file of `file_bytes`.
    pub fn new(e: &'e Estimate, file_bytes: u64) -> Explanation<'e> {
        let ap = &e.arch;
        let c = &e.context;
        let kb = e.params.type_k.ggml_type();
        let k_el = kb.type_size().unwrap_or(2) as f64 / kb.block_size().unwrap_or(1) as f64;
        let rule_kv = 2.0 * ap.n_layer as f64 * c.n_ctx as f64 * ap.n_embd as f64 * k_el;
        let (head, layer) = e.compute_terms;
        Explanation {
            n_ctx: c.n_ctx,
            layers: e.layers.iter().map(|l| explained_layer(e, l)).collect(),
            k_element_bytes: k_el,
            rule_kv_bytes: rule_kv as u64,
            kv_bytes: e.kv_total(),
            kv_reasons: kv_reasons(e),
            rule_total_bytes: file_bytes.saturating_add(file_bytes / 5),
            total_bytes: e.devices.iter().fold(0u64, |t, d| {
                t.saturating_add(d.total().bytes.saturating_sub(d.overhead.bytes))
            }),
            compute_head_bytes: head,
            compute_layer_bytes: layer,
            total_reasons: total_reasons(e, file_bytes),
        }
    }
}

fn explained_layer<'e>(e: &Estimate, l: &'e LayerCache) -> ExplainedLayer<'e> {
    let (ap, c) = (&e.arch, &e.context);
    let cells = if l.k_width == 0 {
        0
    } else if l.swa && ap.has_swa() {
        c.swa_cells
    } else {
        c.kv_cells
    };
    ExplainedLayer {
        cache: l,
        n_head_kv: ap.layers[l.il].n_head_kv,
        cells,
    }
}

fn kv_reasons(e: &Estimate) -> Vec<KvReason> {
    let (ap, c) = (&e.arch, &e.context);
    let kv_layers = ap.kv_layer_count();
    let mut kr = Vec::new();
    match ap.memory {
        MemoryKind::None => kr.push(KvReason::NoCache {
            arch: ap.arch.clone(),
        }),
        MemoryKind::Recurrent => kr.push(KvReason::Recurrent),
        MemoryKind::Hybrid => kr.push(KvReason::Hybrid {
            kv_layers,
            n_layer: ap.n_layer,
            recurrent_layers: ap.recurrent_layer_count(),
            recurrent_bytes: e.recurrent_total(),
        }),
        MemoryKind::Kv if kv_layers > 0 && kv_layers < ap.n_layer => {
            kr.push(KvReason::FewerKvLayers {
                kv_layers,
                n_layer: ap.n_layer,
            })
        }
        MemoryKind::Kv => {}
    }
    if let Some((kl, _)) = ap.mla {
        kr.push(KvReason::Mla {
            k_width: ap.head_k,
            key_length_mla: kl,
        });
    } else if let Some(l) = e.layers.iter().find(|l| l.k_width > 0) {
        if l.k_width != ap.n_embd {
            kr.push(KvReason::Gqa {
                layer: l.il,
                n_head_kv: ap.layers[l.il].n_head_kv,
                key_length: if l.swa { ap.head_k_swa } else { ap.head_k },
                k_width: l.k_width,
                varies: ap
                    .layers
                    .iter()
                    .any(|x| x.n_head_kv != ap.layers[0].n_head_kv),
                n_embd: ap.n_embd,
            });
        }
    }
    if !c.flash_attn && ap.v_width_varies() && kv_layers > 0 {
        kr.push(KvReason::PaddedV {
            widest: ap.e_v_max(),
        });
    }
    if ap.has_swa() && c.swa_cells < c.kv_cells {
        kr.push(KvReason::SlidingWindow {
            swa_layers: ap.swa_kv_layer_count(),
            kv_layers,
            swa_cells: c.swa_cells,
            window: ap.n_swa,
            n_ubatch: c.n_ubatch,
            kv_cells: c.kv_cells,
        });
    }
    if e.params.type_k != CacheType::F16 || e.params.type_v != CacheType::F16 {
        kr.push(KvReason::CacheTypes {
            k: e.params.type_k,
            v: e.params.type_v,
        });
    }
    kr
}

fn total_reasons(e: &Estimate, file_bytes: u64) -> Vec<TotalReason> {
    let (head, layer) = e.compute_terms;
    let mut tr = vec![
        TotalReason::Compute {
            compute: e.compute_total(),
            n_vocab: e.arch.n_vocab,
            head,
            layer,
        },
        TotalReason::KvNotAShareOfTheFile {
            kv: e.kv_total(),
            fifth_of_file: file_bytes / 5,
        },
    ];
    let copied = e.weights_total().saturating_sub(e.file_tensor_bytes);
    if copied > 0 {
        tr.push(TotalReason::TiedEmbeddings { copied });
    }
    tr
}
