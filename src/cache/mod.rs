//! The incremental build caches (docs/incremental.md). A namespace: its files sit at
//! different layers (the call recorder below the templates, the page cache above them).
//!
//! - [`site`]: skip a build whose inputs and output are exactly those of the last one.
//! - [`deps`]: the record of every site-function call a template render makes, and the
//!   hashing of template values.
//! - [`pages`]: per-file reuse of rendered pages, keyed by their template context and
//!   re-checked calls.

pub mod deps;
pub mod pages;
pub mod site;
