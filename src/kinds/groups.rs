//! Former home of the residential-group model, now [`crate::residential`], and of the
//! record file helpers, now [`super::files`]. Only re-exports remain, so that
//! `timeline.rs` (restructured on another branch) keeps compiling; delete this file once
//! it imports `super::files` directly.

pub use super::files::{csv_download, load};
