//! The reader on arbitrary bytes: header, metadata and tensor directory.
//!
//! Besides "no panic", it checks what a caller relies on: an error is one line whose byte offset
//! lies inside the file; every array yields exactly its declared number of elements; element
//! access by index agrees with iteration; tensor data lies inside the file; and, when no tensors
//! overlap, the byte accounting adds up to the file size.
#![no_main]

use gguflens::format::{Gguf, Value};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match Gguf::parse(data) {
        Err(e) => {
            let line = e.to_string();
            assert!(!line.contains('\n'), "multi-line error: {line:?}");
            if let Some(o) = e.offset {
                assert!(o <= data.len() as u64, "error offset {o} past the end: {line}");
            }
        }
        Ok(g) => check(&g, data),
    }
});

/// Equality that holds for NaN (same bits).
fn same(a: Option<Value>, b: Option<Value>) -> bool {
    match (a, b) {
        (Some(Value::F32(x)), Some(Value::F32(y))) => x.to_bits() == y.to_bits(),
        (Some(Value::F64(x)), Some(Value::F64(y))) => x.to_bits() == y.to_bits(),
        (a, b) => a == b,
    }
}

fn walk(v: &Value, budget: &mut u64) {
    if let Value::Array(a) = v {
        let mut n = 0u64;
        for item in a.iter() {
            n += 1;
            if *budget == 0 {
                return;
            }
            *budget -= 1;
            walk(&item, budget);
        }
        assert_eq!(n, a.len, "array yielded {n} of {} elements", a.len);
        if a.len > 0 {
            let last = a.len - 1;
            assert!(same(a.get(last), a.iter().nth(last as usize)));
            assert!(same(a.get(0), a.iter().next()));
        }
        assert_eq!(a.get(a.len), None);
        let _ = a.to_u64_vec();
        let _ = a.to_f64_vec();
    } else {
        let _ = (v.as_u64(), v.as_i64(), v.as_f64(), v.as_bool(), v.as_str());
    }
}

fn check(g: &Gguf, data: &[u8]) {
    let size = data.len() as u64;
    // Linear in the input: a budget of elements visited, over all arrays.
    let mut budget = 4 * size + 64;
    for e in &g.metadata {
        assert!(e.offset < size);
        walk(&e.value, &mut budget);
        if let Some(k) = e.key.to_str() {
            assert!(g.get(k).is_some());
            let _ = (g.get_u64(k), g.get_f64(k), g.get_str(k), g.get_array(k));
        }
    }
    let _ = g.architecture();
    let _ = g.parameter_count();
    for t in &g.tensors {
        assert!(t.n_dims <= 4);
        assert!(t.entry_offset < size);
        let _ = t.shape();
        let _ = t.name_str();
        if let Some(d) = g.tensor_data(t) {
            assert_eq!(Some(d.len() as u64), t.n_bytes);
        }
        if let Some(n) = t.name.to_str() {
            assert!(g.tensor(n).is_some());
        }
    }
    for f in &g.findings {
        if let Some(o) = f.offset {
            assert!(o <= size, "finding {} at {o} past the end", f.code);
        }
    }
    let a = g.accounting;
    assert_eq!(a.file_size, size);
    assert!(g.data_offset >= a.header_bytes);
    if !g.findings.iter().any(|f| f.code == "overlap") {
        let sum = a.header_bytes as u128
            + a.header_padding as u128
            + a.tensor_bytes as u128
            + a.tensor_padding as u128
            + a.trailing_bytes as u128;
        assert_eq!(sum - a.missing_bytes as u128, size as u128, "{a:?}");
    }
}
