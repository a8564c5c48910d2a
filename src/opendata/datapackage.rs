//! Frictionless Data Package (v2) of one record: `datapackage.json` next to the record
//! page, describing every file the record publishes (CSV, JSON, GeoJSON, iCalendar) with
//! its size and SHA-256, and each table's Table Schema from the kind's column
//! descriptions ([`crate::kinds::columns`]).
//!
//! The writer takes plain inputs: the model calls it once the downloads' bytes and
//! hashes are known (nothing is hashed twice). Object keys are sorted (serde_json's map),
//! so the bytes depend on the inputs only.

use chrono::NaiveDate;
use serde_json::{Value, json};

use crate::config::OpenDataConfig;
use crate::content::frontmatter::Approval;
use crate::kinds::columns::{Column, MISSING_VALUES};

/// The file name of a record's data package.
pub const FILE_NAME: &str = "datapackage.json";

/// The Data Package v2 profile.
pub const PROFILE: &str = "https://datapackage.org/profiles/2.0/datapackage.json";

/// One record's package.
pub struct Package<'a> {
    /// The record page's site path, `/sap-xep-to-dan-pho/phuong-an/`: gives the name.
    pub path: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    /// The record page's URL.
    pub homepage: &'a str,
    pub license: &'a OpenDataConfig,
    pub keywords: Vec<String>,
    pub approval: Option<&'a Approval>,
    pub publish_from: Option<NaiveDate>,
    pub publish_until: Option<NaiveDate>,
    /// The tables name people (beneficiaries, donors): published for reading only.
    pub personal_data: bool,
    pub resources: Vec<Resource<'a>>,
}

/// One published file of the record.
pub struct Resource<'a> {
    /// File name, relative to the package (both live in the record's folder).
    pub file_name: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    pub media_type: &'a str,
    pub bytes: u64,
    pub sha256: &'a str,
    /// Columns of a table (CSV, JSON) or properties of a GeoJSON feature; empty else.
    pub columns: &'a [Column],
    /// Key column title(s) joined by `+`.
    pub key: Option<&'a str>,
    pub unique_key: bool,
}

/// A Data Package name: lowercase letters, digits, `-`, `.`, `_` (v2 `name` pattern).
pub fn name_of(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() || c == '.' || c == '_' {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "du-lieu".into()
    } else {
        out
    }
}

/// The file's extension, lowercase (`csv`, `geojson`).
fn extension(file_name: &str) -> String {
    file_name
        .rsplit_once('.')
        .map_or(String::new(), |(_, e)| e.to_ascii_lowercase())
}

fn resource(r: &Resource) -> Value {
    let format = extension(r.file_name);
    let mut m = serde_json::Map::new();
    m.insert("name".into(), json!(name_of(r.file_name)));
    m.insert("path".into(), json!(r.file_name));
    m.insert("title".into(), json!(r.title));
    if !r.description.is_empty() {
        m.insert("description".into(), json!(r.description));
    }
    m.insert("format".into(), json!(format));
    m.insert("mediatype".into(), json!(r.media_type));
    m.insert("encoding".into(), json!("utf-8"));
    m.insert("bytes".into(), json!(r.bytes));
    m.insert("hash".into(), json!(format!("sha256:{}", r.sha256)));
    let csv_table = format == "csv" && !r.columns.is_empty();
    if csv_table {
        m.insert("type".into(), json!("table"));
        let mut schema = serde_json::Map::new();
        schema.insert(
            "fields".into(),
            Value::Array(r.columns.iter().map(Column::schema_field).collect()),
        );
        schema.insert("missingValues".into(), json!(MISSING_VALUES));
        if let (Some(key), true) = (r.key, r.unique_key) {
            let key: Vec<&str> = key.split('+').collect();
            schema.insert("primaryKey".into(), json!(key));
        }
        m.insert("schema".into(), Value::Object(schema));
    } else if format == "json" && !r.columns.is_empty() {
        // The JSON twin of a CSV table: an array of row objects keyed by the same field
        // names, described by the CSV resource's schema. It is not declared a table:
        // Frictionless 5.18 reads JSON tables through ijson and then cannot check their
        // `bytes` and `hash` (it reports the byte count as None), and the checksum is
        // what a journalist relies on.
        if let Some(stem) = r.file_name.strip_suffix(".json") {
            m.insert("schemaOf".into(), json!(name_of(&format!("{stem}.csv"))));
        }
    } else if !r.columns.is_empty() {
        // A GeoJSON file: each feature's properties, described as a table's columns
        // would be (a custom property; Table Schema does not describe GeoJSON).
        m.insert(
            "featureProperties".into(),
            Value::Array(r.columns.iter().map(Column::schema_field).collect()),
        );
    }
    Value::Object(m)
}

/// `datapackage.json`: pretty-printed, keys sorted, ending with a newline.
pub fn datapackage_json(p: &Package) -> Vec<u8> {
    let mut m = serde_json::Map::new();
    m.insert("$schema".into(), json!(PROFILE));
    m.insert("name".into(), json!(name_of(p.path.trim_matches('/'))));
    m.insert("title".into(), json!(p.title));
    if !p.description.is_empty() {
        m.insert("description".into(), json!(p.description));
    }
    m.insert("homepage".into(), json!(p.homepage));
    m.insert(
        "licenses".into(),
        json!([{
            "name": p.license.license,
            "title": p.license.license_title,
            "path": p.license.license_url,
        }]),
    );
    if !p.keywords.is_empty() {
        m.insert("keywords".into(), json!(p.keywords));
    }
    if let Some(a) = p.approval {
        // Custom properties (the spec allows them): who approved publication, by which
        // decision, and the publication window.
        m.insert(
            "approval".into(),
            json!({
                "by": a.by,
                "role": a.role,
                "decision": a.decision,
                "date": a.date.map(|d| d.to_string()),
            }),
        );
    }
    if let Some(d) = p.publish_from {
        m.insert("publish_from".into(), json!(d.to_string()));
    }
    if let Some(d) = p.publish_until {
        m.insert("publish_until".into(), json!(d.to_string()));
    }
    m.insert("personal_data".into(), json!(p.personal_data));
    m.insert(
        "resources".into(),
        Value::Array(p.resources.iter().map(resource).collect()),
    );
    let mut bytes = serde_json::to_vec_pretty(&Value::Object(m)).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_data_package_names() {
        assert_eq!(name_of("sap-xep/phuong-an"), "sap-xep-phuong-an");
        assert_eq!(name_of("danh-sach.csv"), "danh-sach.csv");
        assert_eq!(name_of("Lịch Tổ 1"), "l-ch-t-1");
        assert_eq!(name_of("//"), "du-lieu");
    }

    #[test]
    fn package_describes_tables_and_files() {
        const COLS: &[Column] = &[
            Column::text("Mã tổ", "Mã.").required(),
            Column::count("Số hộ", "Hộ.").unit("hộ"),
        ];
        let license = OpenDataConfig::default();
        let approval = Approval {
            by: "Nguyễn Văn A".into(),
            role: "Chủ tịch".into(),
            decision: "QĐ 1".into(),
            date: NaiveDate::from_ymd_opt(2026, 6, 1),
        };
        let table = |file_name, media_type| Resource {
            file_name,
            title: "Bảng",
            description: "Mô tả",
            media_type,
            bytes: 12,
            sha256: "ab",
            columns: COLS,
            key: Some("Mã tổ"),
            unique_key: true,
        };
        let p = Package {
            path: "/sap-xep/phuong-an/",
            title: "Phương án",
            description: "",
            homepage: "https://x.vn/sap-xep/phuong-an/",
            license: &license,
            keywords: vec!["sắp xếp".into()],
            approval: Some(&approval),
            publish_from: NaiveDate::from_ymd_opt(2026, 6, 2),
            publish_until: None,
            personal_data: false,
            resources: vec![
                table("a.csv", "text/csv"),
                table("a.json", "application/json"),
                Resource {
                    columns: &[],
                    key: None,
                    ..table("lich.ics", "text/calendar")
                },
            ],
        };
        let bytes = datapackage_json(&p);
        assert_eq!(bytes, datapackage_json(&p), "deterministic");
        let v: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(v["$schema"], PROFILE);
        assert_eq!(v["name"], "sap-xep-phuong-an");
        assert_eq!(v["licenses"][0]["name"], "CC-BY-4.0");
        assert_eq!(v["approval"]["decision"], "QĐ 1");
        assert_eq!(v["publish_from"], "2026-06-02");
        assert!(v.get("publish_until").is_none());
        let r = &v["resources"];
        assert_eq!(r[0]["hash"], "sha256:ab");
        assert_eq!(r[0]["schema"]["fields"][1]["name"], "Số hộ");
        assert_eq!(r[0]["schema"]["primaryKey"][0], "Mã tổ");
        assert_eq!(r[1]["format"], "json");
        assert_eq!(r[1]["schemaOf"], "a.csv");
        assert!(r[1].get("schema").is_none());
        assert!(r[2].get("schema").is_none());
        assert_eq!(r[2]["mediatype"], "text/calendar");
    }
}
