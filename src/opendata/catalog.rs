//! The site-wide catalogue: DCAT JSON-LD, Project Open Data `data.json`, the "Dữ liệu mở"
//! page. Filled in by the open-data work (issue 15).
