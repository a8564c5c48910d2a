//! Languages (Zola's multilingual model, docs/languages.md): `trans()` and the site's
//! strings (`trans`), and the links between a page and its translations (`links`).

pub mod links;
pub mod trans;
