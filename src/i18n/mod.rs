//! Languages (Zola's multilingual model, docs/languages.md): `trans()` and the site's
//! strings (`trans`), the links between a page and its translations (`links`), and the
//! warning banner in each language (`banner`).

pub mod banner;
pub mod links;
pub mod trans;
