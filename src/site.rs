//! Old paths, kept while the record kinds move to the new ones (the orchestration is
//! now [`crate::pipeline`], the model [`crate::model`]). Re-exports of low modules only,
//! so this module adds no edge upwards in the module graph.
//!
//! To remove once nothing uses `crate::site::phase` or `crate::site::model::sha256_hex`.

pub use crate::timing::phase;

pub mod model {
    pub use crate::digest::sha256_hex;
}
