//! congkhai: a static-site generator for the public transparency portal of a
//! Vietnamese ward or commune.
//!
//! Data flows one way: load → validate → model → render → write.

pub mod data;
pub mod diagnostics;
pub mod format;
pub mod text;
