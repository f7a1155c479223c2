//! The one reader of `{arch}.KEY` metadata (`llama.block_count`, `gemma3.attention.head_count`):
//! the architecture prefix is read once, and every lookup goes through it.

use crate::file::Model;
use crate::format::{Gguf, Value, ValueType};
use crate::limits::MAX_BLOCK_COUNT;

/// A model's `{arch}.` keys.
#[derive(Clone)]
pub struct ArchKeys<'m, 'a> {
    gguf: &'m Gguf<'a>,
    arch: String,
}

impl<'m, 'a> ArchKeys<'m, 'a> {
    /// The keys of the model's `general.architecture` (`None` when it has none).
    pub fn new(model: &'m Model<'a>) -> Option<ArchKeys<'m, 'a>> {
        let arch = model.gguf().architecture()?.into_owned();
        Some(ArchKeys::with_arch(model, arch))
    }

    /// The keys under a given architecture name.
    pub fn with_arch(model: &'m Model<'a>, arch: String) -> ArchKeys<'m, 'a> {
        ArchKeys {
            gguf: model.gguf(),
            arch,
        }
    }

    /// The architecture name.
    pub fn arch(&self) -> &str {
        &self.arch
    }

    /// The full key: `{arch}.{key}`.
    pub fn key(&self, key: &str) -> String {
        format!("{}.{key}", self.arch)
    }

    /// The value of `{arch}.{key}`.
    pub fn get(&self, key: &str) -> Option<&'m Value<'a>> {
        self.gguf.get(&self.key(key))
    }

    /// `{arch}.{key}` as a non-negative integer.
    pub fn u64(&self, key: &str) -> Option<u64> {
        self.get(key)?.as_u64()
    }

    /// `{arch}.{key}` as a non-negative integer, or the first element of an array of them (a
    /// per-layer value read as llama.cpp's scalar accessors read it).
    pub fn first_u64(&self, key: &str) -> Option<u64> {
        let v = self.get(key)?;
        match v.as_array() {
            Some(a) => a.get(0).and_then(|x| x.as_u64()),
            None => v.as_u64(),
        }
    }

    /// `{arch}.{key}` as per-layer values: a scalar is repeated for every layer, an array is taken
    /// as is (it must have `n_layer` elements). Never collapses an array to a scalar.
    ///
    /// `None` when `n_layer` exceeds [`MAX_BLOCK_COUNT`]: `n_layer` normally comes from the file's
    /// `block_count`, and a corrupt one must not size an allocation.
    pub fn per_layer_u64(&self, key: &str, n_layer: usize) -> Option<Vec<u64>> {
        if n_layer as u64 > MAX_BLOCK_COUNT {
            return None;
        }
        let v = self.get(key)?;
        match v {
            Value::Array(a)
                if a.elem_type != ValueType::STRING && a.elem_type != ValueType::ARRAY =>
            {
                let v = a.to_u64_vec()?;
                (v.len() == n_layer).then_some(v)
            }
            _ => v.as_u64().map(|x| vec![x; n_layer]),
        }
    }
}
