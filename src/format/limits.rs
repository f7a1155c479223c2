//! The reader's limits; they live with every other cap in [`crate::limits`].

pub use crate::limits::*;
