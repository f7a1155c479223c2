//! A model of ggml's graph allocator (`ggml-alloc.c`), which decides llama.cpp's compute buffer.
//!
//! llama.cpp reserves the compute buffer by allocating its worst-case graph once with
//! `ggml_gallocr`: graph inputs (leafs) first, then every node in graph order; a node may take
//! over the memory of a parent that has no other consumer when its op can run in place and the
//! layouts match; a tensor is freed as soon as its last consumer has been allocated. The memory
//! comes from `ggml_dyn_tallocr`: a sorted list of free blocks, best fit among the inner blocks,
//! else the tail of the buffer; freed blocks merge with their neighbours. The buffer size is the
//! highest end offset ever handed out, so fragmentation counts, and no closed formula captures it.
//!
//! [`Graph`] holds only what that allocator sees: each tensor's byte size, its parents among
//! allocator-owned tensors (weights and cache views live in other buffers and are left out), and
//! whether the op may reuse a parent in place. Views are represented by the tensor they view.
//! [`Graph::peak`] replays the allocator over it.

use crate::limits::MAX_GRAPH_TENSOR_BYTES;

/// A tensor index in a [`Graph`].
pub(crate) type Id = usize;

#[derive(Debug, Clone)]
struct Tensor {
    size: u64,
    srcs: Vec<Id>,
    /// `ggml_op_can_inplace` and the same layout as the parent it would reuse.
    inplace: bool,
    input: bool,
}

/// A compute graph as ggml's allocator sees it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Graph {
    t: Vec<Tensor>,
}

impl Graph {
    /// A graph input (token ids, positions, masks, row indices): allocated before every node.
    pub fn input(&mut self, size: u64) -> Id {
        let size = size.min(MAX_GRAPH_TENSOR_BYTES);
        self.t.push(Tensor {
            size,
            srcs: Vec::new(),
            inplace: false,
            input: true,
        });
        self.t.len() - 1
    }

    /// A node whose result needs its own memory (matmuls, concatenations, copies, GLUs …).
    pub fn op(&mut self, size: u64, srcs: &[Id]) -> Id {
        let size = size.min(MAX_GRAPH_TENSOR_BYTES);
        self.t.push(Tensor {
            size,
            srcs: srcs.to_vec(),
            inplace: false,
            input: false,
        });
        self.t.len() - 1
    }

    /// A node ggml may compute in place (norms, element-wise ops, rope, softmax, scale) whose
    /// result has the layout of its parents: it reuses the first parent nothing else reads.
    pub fn same(&mut self, srcs: &[Id]) -> Id {
        let size = self.t[srcs[0]].size;
        self.t.push(Tensor {
            size,
            srcs: srcs.to_vec(),
            inplace: true,
            input: false,
        });
        self.t.len() - 1
    }

    /// The buffer `ggml_gallocr_reserve` asks for: the allocator's high-water mark, every size
    /// rounded up to `align` (the buffer type's alignment).
    pub fn peak(&self, align: u64) -> u64 {
        let n = self.t.len();
        let mut children = vec![0u32; n];
        for t in &self.t {
            for &s in &t.srcs {
                children[s] += 1;
            }
        }
        let mut alloc = DynAlloc::new(align);
        let mut addr: Vec<Option<u64>> = vec![None; n];
        for (i, t) in self.t.iter().enumerate() {
            if t.input {
                addr[i] = Some(alloc.alloc(t.size));
            }
        }
        for (i, t) in self.t.iter().enumerate() {
            if t.input {
                continue;
            }
            let mut placed = false;
            if t.inplace {
                for &s in &t.srcs {
                    if addr[s].is_some() && children[s] == 1 && self.t[s].size == t.size {
                        addr[i] = addr[s].take();
                        placed = true;
                        break;
                    }
                }
            }
            if !placed {
                addr[i] = Some(alloc.alloc(t.size));
            }
            for &s in &t.srcs {
                children[s] = children[s].saturating_sub(1);
                if children[s] == 0 {
                    if let Some(a) = addr[s].take() {
                        alloc.free(a, self.t[s].size);
                    }
                }
            }
        }
        alloc.max_size
    }
}

/// `ggml_dyn_tallocr` with one chunk: free blocks sorted by offset, the last one the open tail.
struct DynAlloc {
    align: u64,
    /// (offset, size); the last block is the tail and never ends.
    free: Vec<(u64, u64)>,
    max_size: u64,
}

/// The open tail's size: larger than any sum of clamped tensors.
const TAIL: u64 = u64::MAX / 2;

impl DynAlloc {
    fn new(align: u64) -> DynAlloc {
        DynAlloc {
            align: align.max(1),
            free: vec![(0, TAIL)],
            max_size: 0,
        }
    }

    fn round(&self, size: u64) -> u64 {
        size.div_ceil(self.align).saturating_mul(self.align)
    }

    fn alloc(&mut self, size: u64) -> u64 {
        let size = self.round(size);
        // Best fit among the inner blocks (ties go to the later block), else the tail.
        let mut best: Option<usize> = None;
        let mut best_size = u64::MAX;
        for (i, &(_, s)) in self.free[..self.free.len() - 1].iter().enumerate() {
            if s >= size && s <= best_size {
                best = Some(i);
                best_size = s;
            }
        }
        let i = best.unwrap_or(self.free.len() - 1);
        let off = self.free[i].0;
        self.free[i].0 += size;
        self.free[i].1 -= size;
        if self.free[i].1 == 0 && i + 1 < self.free.len() {
            self.free.remove(i);
        }
        self.max_size = self.max_size.max(off.saturating_add(size));
        off
    }

    fn free(&mut self, off: u64, size: u64) {
        let size = self.round(size);
        for i in 0..self.free.len() {
            let (bo, bs) = self.free[i];
            if bo + bs == off {
                self.free[i].1 += size;
                if i + 1 < self.free.len() && self.free[i].0 + self.free[i].1 == self.free[i + 1].0
                {
                    self.free[i].1 += self.free[i + 1].1;
                    self.free.remove(i + 1);
                }
                return;
            }
            if off + size == bo {
                self.free[i].0 = off;
                self.free[i].1 += size;
                if i > 0 && self.free[i - 1].0 + self.free[i - 1].1 == off {
                    self.free[i - 1].1 += self.free[i].1;
                    self.free.remove(i);
                }
                return;
            }
        }
        let pos = self.free.iter().position(|&(o, _)| o > off).unwrap_or(0);
        self.free.insert(pos, (off, size));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_place_ops_reuse_and_frees_merge() {
        let mut g = Graph::default();
        let x = g.input(64);
        let a = g.op(128, &[x]);
        let b = g.same(&[a]); // reuses a
        let c = g.op(256, &[b]); // b freed after: [x][hole 128][c]
        let _d = g.op(96, &[c]); // fits the hole
        assert_eq!(g.peak(32), 64 + 128 + 256);
    }
}
