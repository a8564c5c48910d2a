//! Open data: what lets journalists, MTTQ and national portals read the published tables
//! with standard tools. One file per format; like `trust/`, this folder is a namespace
//! only, its files sit at different layers (see docs/architecture.md).
//!
//! - [`datapackage`]: each record's Frictionless Data Package (`datapackage.json`, Data
//!   Package v2 with Table Schema), from the tables' column descriptions.
//! - [`catalog`]: the site-wide catalogue (DCAT JSON-LD, Project Open Data `data.json`,
//!   the "Dữ liệu mở" page, schema.org JSON-LD of dataset pages, `robots.txt` lines)
//!   from the model.
//! - [`layout`]: the paths of the catalogue's files, named once.

pub mod catalog;
pub mod datapackage;
pub mod layout;
