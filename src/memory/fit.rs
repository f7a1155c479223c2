//! Context sweeps and `--fit`: the largest context and offload that fit given GPU budgets,
//! searched the way llama.cpp's `common_fit_params` searches, over gguflens's own predictions.

use super::weights::{place_tensors, Tensors};
use super::{estimate_with, ArchParams, Estimate, MemoryError, MemoryParams};
use crate::file::Model;

/// The contexts a sweep shows: 2048, 4096, 8192 … below the training context, then the
/// training context itself.
pub fn sweep_contexts(n_ctx_train: u32) -> Vec<u32> {
    let mut v = Vec::new();
    let mut c: u32 = 2048;
    while c < n_ctx_train {
        v.push(c);
        match c.checked_mul(2) {
            Some(x) => c = x,
            None => break,
        }
    }
    if n_ctx_train > 0 {
        v.push(n_ctx_train);
    }
    v
}

/// One prediction per context of [`sweep_contexts`] (the weights are placed once).
pub fn sweep(model: &Model, params: &MemoryParams) -> Result<Vec<Estimate>, MemoryError> {
    let ap = ArchParams::from_model(model)?;
    super::check_kv_shapes(model, &ap)?;
    let tensors = Tensors::read(model, &ap);
    let pl = place_tensors(&tensors, &ap, params)?;
    let bytes = model.tensor_bytes();
    let contexts = sweep_contexts(ap.n_ctx_train);
    if contexts.is_empty() {
        // A context_length of 0 leaves nothing to sweep: the error one context of 0 gives.
        return Err(MemoryError::ZeroContext);
    }
    contexts
        .into_iter()
        .map(|c| {
            let p = MemoryParams {
                n_ctx: c,
                ..params.clone()
            };
            estimate_with(&ap, &pl, bytes, &p)
        })
        .collect()
}

/// How `--fit` resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FitOutcome {
    /// The requested (or training) context fits with the requested (or full) offload.
    Fits,
    /// The context was reduced to fit with the offload unchanged.
    ReducedContext,
    /// Fewer layers are offloaded (at the smallest context `--fit` allows, or the requested one).
    PartialOffload,
    /// Not even the output layer fits next to the margin: run on the CPU (`-ngl 0`).
    CpuOnly,
    /// The settings the user fixed (`-c`, `-ngl`) do not fit.
    DoesNotFit,
}

impl FitOutcome {
    /// `fits`, `reduced-context`, `partial-offload`, `cpu-only`, `does-not-fit`.
    pub fn name(self) -> &'static str {
        match self {
            FitOutcome::Fits => "fits",
            FitOutcome::ReducedContext => "reduced-context",
            FitOutcome::PartialOffload => "partial-offload",
            FitOutcome::CpuOnly => "cpu-only",
            FitOutcome::DoesNotFit => "does-not-fit",
        }
    }
}

/// The answer of [`fit`].
#[derive(Debug, Clone, PartialEq)]
pub struct FitResult {
    /// Free bytes per GPU that were given.
    pub budgets: Vec<u64>,
    /// Free bytes kept on every GPU (llama.cpp's `-fitt`, 1 GiB).
    pub margin: u64,
    /// How it resolved.
    pub outcome: FitOutcome,
    /// The context to run with (`-c`).
    pub n_ctx: u32,
    /// Offloaded units to run with (`-ngl`), the output layer counted.
    pub n_gpu_layers: u32,
    /// Units in the model (blocks + output layer).
    pub n_units: u32,
    /// The prediction at that setting.
    pub estimate: Estimate,
}

/// Bytes that count against a GPU budget: llama.cpp's buffers (the runtime overhead is what
/// the margin is for, as in llama.cpp).
fn used(e: &Estimate, g: usize) -> u64 {
    let d = &e.gpus()[g];
    d.total().bytes - d.overhead.bytes
}

fn fits(e: &Estimate, budgets: &[u64], margin: u64) -> bool {
    budgets
        .iter()
        .enumerate()
        .all(|(g, &b)| used(e, g).saturating_add(margin) <= b)
}

/// Finds the largest context and offload that fit `budgets` (free bytes per GPU) with `margin`
/// free on each. A context of 0 in `params` lets the context shrink (from the training context
/// down to 4096 per stream); a negative `n_gpu_layers` lets the layer count shrink. Without a
/// `tensor_split`, layers are split in proportion to the budgets, as llama.cpp splits by free
/// memory.
pub fn fit(
    model: &Model,
    budgets: &[u64],
    params: &MemoryParams,
    margin: u64,
) -> Result<FitResult, MemoryError> {
    if budgets.is_empty() {
        return Err(MemoryError::BadParam(
            "--fit needs at least one GPU budget".into(),
        ));
    }
    let ap = ArchParams::from_model(model)?;
    super::check_kv_shapes(model, &ap)?;
    let tensors = Tensors::read(model, &ap);
    let bytes = model.tensor_bytes();
    let mut base = params.clone();
    base.n_gpus = budgets.len();
    if base.tensor_split.is_empty() && budgets.len() > 1 {
        base.tensor_split = budgets.iter().map(|&b| b as f64).collect();
    }
    if base.tensor_split.len() > 1 && base.tensor_split.len() != budgets.len() {
        return Err(MemoryError::BadParam(format!(
            "-ts has {} values but --fit has {} budgets",
            base.tensor_split.len(),
            budgets.len()
        )));
    }
    let n_units = ap.n_layer as u32 + 1;
    let n_streams = if base.kv_unified {
        1
    } else {
        base.n_seq.max(1)
    };
    let user_ctx = base.n_ctx != 0;
    let user_ngl = base.n_gpu_layers >= 0;
    let ctx_max = if user_ctx {
        base.n_ctx
    } else {
        ap.n_ctx_train.saturating_mul(n_streams)
    };
    let step = 256 * n_streams;
    let ctx_min = ctx_max.min(super::params::DEFAULT_FIT_MIN_CTX * n_streams);

    let run = |n_ctx: u32, ngl: i32| -> Result<Estimate, MemoryError> {
        let p = MemoryParams {
            n_ctx,
            n_gpu_layers: ngl,
            ..base.clone()
        };
        let pl = place_tensors(&tensors, &ap, &p)?;
        estimate_with(&ap, &pl, bytes, &p)
    };
    let ngl0 = if user_ngl {
        base.n_gpu_layers
    } else {
        n_units as i32
    };
    let done = |outcome, e: Estimate| FitResult {
        budgets: budgets.to_vec(),
        margin,
        outcome,
        n_ctx: e.context.n_ctx,
        n_gpu_layers: e.n_gpu_layers,
        n_units,
        estimate: e,
    };

    // 1. As requested (the training context when -c is unset).
    let e = run(ctx_max, ngl0)?;
    if fits(&e, budgets, margin) {
        return Ok(done(FitOutcome::Fits, e));
    }
    // 2. Shrink the context (only when the user left it unset), keeping the offload.
    if !user_ctx {
        let e_min = run(ctx_min, ngl0)?;
        if fits(&e_min, budgets, margin) {
            // Largest multiple of `step` in [ctx_min, ctx_max) that fits: memory grows with
            // the context, so bisect.
            let (mut lo, mut hi) = (ctx_min / step, ctx_max / step);
            let mut best = e_min;
            while lo + 1 < hi {
                let mid = lo + (hi - lo) / 2;
                let e = run(mid * step, ngl0)?;
                if fits(&e, budgets, margin) {
                    lo = mid;
                    best = e;
                } else {
                    hi = mid;
                }
            }
            return Ok(done(FitOutcome::ReducedContext, best));
        }
    }
    // 3. Offload fewer units (only when the user left -ngl unset), at the smallest context.
    if !user_ngl {
        let c = if user_ctx { ctx_max } else { ctx_min };
        for ngl in (0..n_units as i32).rev() {
            let e = run(c, ngl)?;
            if fits(&e, budgets, margin) {
                let outcome = if ngl == 0 {
                    FitOutcome::CpuOnly
                } else {
                    FitOutcome::PartialOffload
                };
                return Ok(done(outcome, e));
            }
        }
    }
    let c = if user_ctx { ctx_max } else { ctx_min };
    let ngl = if user_ngl { base.n_gpu_layers } else { 0 };
    Ok(done(FitOutcome::DoesNotFit, run(c, ngl)?))
}
