//! Where the open-data files are published, named once: the catalogue writes them, the
//! model claims them (two outputs may not share a file), the theme links them.

/// The "Dữ liệu mở" page; the folder also holds the DCAT catalogue.
pub const PAGE_PATH: &str = "/du-lieu-mo/";
/// The DCAT catalogue (JSON-LD).
pub const DCAT_PATH: &str = "/du-lieu-mo/catalog.jsonld";
/// The Project Open Data catalogue, where CKAN's data.json harvester looks.
pub const POD_PATH: &str = "/data.json";
/// The theme template of the "Dữ liệu mở" page.
pub const TEMPLATE: &str = "cong-khai/du-lieu-mo.html";
/// The anchor of a record page's data dictionary ("Giải thích các cột").
pub const DICTIONARY_ANCHOR: &str = "giai-thich-cac-cot";
/// The file name of a record's Frictionless Data Package.
pub const DATAPACKAGE_FILE: &str = "datapackage.json";
