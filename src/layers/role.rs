//! Where a tensor sits (a block `blk.N.`, outside the blocks, a vision/audio tower) and what role
//! it plays there (attn_q, ffn_down_exps, attn_norm …), from its name alone.

/// Where a tensor sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Section {
    /// Block `blk.N.` of the language model.
    Block(u64),
    /// Outside the blocks: token_embd, output, output_norm, rope_freqs, per-layer embeddings …
    Global,
    /// A vision tower (`v.`), an audio tower (`a.`) or a multimodal projector (`mm.`).
    Tower(Tower),
}

/// Non-language-model parts of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tower {
    /// `v.*`
    Vision,
    /// `a.*`
    Audio,
    /// `mm.*`
    Projector,
}

impl Tower {
    /// `vision`, `audio`, `projector`.
    pub fn name(self) -> &'static str {
        match self {
            Tower::Vision => "vision",
            Tower::Audio => "audio",
            Tower::Projector => "projector",
        }
    }
}

/// The kind of a role, for ordering and grouping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RoleClass {
    /// Attention projections (attn_q, attn_k, attn_v, attn_qkv, attn_output, …).
    Attention,
    /// Dense feed-forward (ffn_gate, ffn_up, ffn_down).
    Ffn,
    /// Expert tensors (`*_exps`, one 3-D tensor holding every expert).
    Expert,
    /// Shared experts (`*_shexp`).
    SharedExpert,
    /// Anything else that is a weight (router, ssm, time_mix, embeddings …).
    Other,
    /// Normalization weights.
    Norm,
    /// Biases.
    Bias,
}

impl RoleClass {
    /// A lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            RoleClass::Attention => "attention",
            RoleClass::Ffn => "ffn",
            RoleClass::Expert => "expert",
            RoleClass::SharedExpert => "shared-expert",
            RoleClass::Other => "other",
            RoleClass::Norm => "norm",
            RoleClass::Bias => "bias",
        }
    }
}

/// The block number of a tensor named `blk.N.…` (`None` otherwise): the one parser of block names,
/// used by the audit, the quantizer rules and the memory model alike. `N` is ASCII digits only, so
/// `blk.+1.` or `blk. 1.` is not a block tensor anywhere.
pub fn block_index(name: &str) -> Option<u64> {
    let rest = name.strip_prefix("blk.")?;
    let end = rest.find('.')?;
    let digits = &rest[..end];
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Splits a tensor name into its section and role: `blk.3.attn_q.weight` → (Block(3), `attn_q`),
/// `blk.3.attn_q.bias` → (Block(3), `attn_q.bias`), `output_norm.weight` → (Global,
/// `output_norm`), `v.blk.0.attn_q.weight` → (Tower(Vision), `v.blk.0.attn_q`).
pub fn split(name: &str) -> (Section, String) {
    let strip = |s: &str| s.strip_suffix(".weight").unwrap_or(s).to_string();
    if let Some(n) = block_index(name) {
        let role = name["blk.".len()..].split_once('.').map_or("", |(_, r)| r);
        return (Section::Block(n), strip(role));
    }
    let tower = if name.starts_with("v.") {
        Some(Tower::Vision)
    } else if name.starts_with("a.") {
        Some(Tower::Audio)
    } else if name.starts_with("mm.") {
        Some(Tower::Projector)
    } else {
        None
    };
    match tower {
        Some(t) => (Section::Tower(t), strip(name)),
        None => (Section::Global, strip(name)),
    }
}

/// The class of a role.
pub fn class(role: &str) -> RoleClass {
    let base = role.strip_suffix(".weight").unwrap_or(role);
    if base.ends_with(".bias") || base == "bias" {
        RoleClass::Bias
    } else if base.contains("norm") {
        RoleClass::Norm
    } else if base.contains("_exps") {
        RoleClass::Expert
    } else if base.contains("_shexp") {
        RoleClass::SharedExpert
    } else if base.starts_with("attn") {
        RoleClass::Attention
    } else if base.starts_with("ffn") {
        RoleClass::Ffn
    } else {
        RoleClass::Other
    }
}

/// The canonical column order of the common roles; others follow by class, then name.
const ORDER: &[&str] = &[
    "attn_q",
    "attn_k",
    "attn_v",
    "attn_qkv",
    "attn_output",
    "ffn_gate",
    "ffn_up",
    "ffn_down",
    "ffn_gate_inp",
    "ffn_gate_exps",
    "ffn_up_exps",
    "ffn_gate_up_exps",
    "ffn_down_exps",
    "ffn_gate_shexp",
    "ffn_up_shexp",
    "ffn_down_shexp",
];

/// A sort key that puts roles in a readable column order.
pub fn order_key(role: &str) -> (usize, RoleClass, String) {
    match ORDER.iter().position(|r| *r == role) {
        Some(i) => (i, RoleClass::Attention, String::new()),
        None => (ORDER.len(), class(role), role.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn block_names_are_digits_only() {
        assert_eq!(block_index("blk.12.attn_q.weight"), Some(12));
        assert_eq!(block_index("blk.+1.attn_q.weight"), None);
        assert_eq!(block_index("blk. 1.attn_q.weight"), None);
        assert_eq!(block_index("blk.1"), None);
        assert_eq!(block_index("v.blk.1.attn_q.weight"), None);
        assert_eq!(split("blk.+1.attn_q.weight").0, Section::Global);
    }
    #[test]
    fn splits() {
        assert_eq!(
            split("blk.3.attn_q.weight"),
            (Section::Block(3), "attn_q".into())
        );
        assert_eq!(
            split("blk.3.attn_q.bias"),
            (Section::Block(3), "attn_q.bias".into())
        );
        assert_eq!(
            split("output_norm.weight"),
            (Section::Global, "output_norm".into())
        );
        assert_eq!(
            split("v.blk.0.attn_q.weight").0,
            Section::Tower(Tower::Vision)
        );
        assert_eq!(split("blk.x.attn_q.weight").0, Section::Global);
        assert_eq!(class("ffn_down_exps"), RoleClass::Expert);
        assert_eq!(class("ffn_up_shexp"), RoleClass::SharedExpert);
        assert_eq!(class("post_attention_norm"), RoleClass::Norm);
        assert_eq!(class("attn_q.bias"), RoleClass::Bias);
        assert_eq!(class("ffn_gate_inp"), RoleClass::Ffn);
    }
}
