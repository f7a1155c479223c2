//! gguflens: open a GGUF model file (llama.cpp, Ollama, LM Studio) and measure it.
//!
//! The crate reads the format without copying ([`format`](mod@format)), knows every ggml tensor type
//! ([`ggml_type`]), derives facts about the model ([`model`]), and turns them into stable JSON
//! wire types ([`report`]) and terminal text ([`render`]). Parsing never prints; rendering never
//! computes.
//!
//! ```no_run
//! let files = gguflens::ModelFiles::open("model.gguf")?;
//! let model = files.parse()?;
//! println!("{} tensors, {} parameters", model.tensor_count(), model.parameter_count());
//! # Ok::<(), gguflens::Error>(())
//! ```
#![deny(missing_docs)]

#[cfg(feature = "testkit")]
pub mod builder;
pub mod diff;
pub mod error;
pub mod file;
pub mod format;
pub mod ggml_type;
pub mod launch;
pub mod layers;
pub mod limits;
pub mod memory;
pub mod model;
pub mod quant_rules;
pub mod render;
pub mod report;
pub mod scan;
#[cfg(feature = "testkit")]
pub mod synthetic;
pub mod text;
pub mod verify;

pub use error::{Error, ErrorKind, Result};
pub use file::{GgufFile, Model, ModelFiles, Shard};
pub use format::{Finding, FindingCode, Gguf, Severity, TensorInfo, Value};
pub use ggml_type::GgmlType;
