//! The site-wide catalogue of open data, for harvesters and for people:
//!
//! - `/du-lieu-mo/catalog.jsonld`: a DCAT 3 / DCAT-AP 3 `dcat:Catalog` in JSON-LD, with an
//!   inline `@context` (RDF tools read it offline);
//! - `/data.json`: the same datasets in the Project Open Data v1.1 schema (the path CKAN's
//!   data.json harvester expects);
//! - `/du-lieu-mo/`: the "Dữ liệu mở" page (theme template `cong-khai/du-lieu-mo.html`);
//! - the schema.org `Dataset` JSON-LD each dataset page embeds in its `<head>`;
//! - the `robots.txt` lines that keep lists of people away from crawlers.
//!
//! A *dataset* is a published record with downloads. A record whose tables name people
//! (`RecordOutput::personal_data`: beneficiary lists, donations) is described — title,
//! decision, that it names people, restricted access, the page to read it — but none of
//! its files is offered: no download or access URL, no distribution, anywhere here.
//!
//! Everything is built from the model; dates come from front matter and approvals, never
//! from the clock, and every list is sorted, so the bytes are the same on every build.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::{FileInfo, Model, PageModel};
use crate::output::Sink;
use crate::trust::publication::Status;

pub use super::layout::{
    DATAPACKAGE_FILE, DCAT_PATH, DICTIONARY_ANCHOR, PAGE_PATH, POD_PATH, TEMPLATE,
};

const DATA_PACKAGE_PROFILE: &str = "https://datapackage.org/profiles/2.0/datapackage.json";
const EU_ACCESS: &str = "http://publications.europa.eu/resource/authority/access-right/";
const EU_FILE_TYPE: &str = "http://publications.europa.eu/resource/authority/file-type/";
const EU_LANGUAGE_VI: &str = "http://publications.europa.eu/resource/authority/language/VIE";
const IANA_MEDIA: &str = "https://www.iana.org/assignments/media-types/";
const POD_SCHEMA: &str = "https://project-open-data.cio.gov/v1.1/schema";

/// What a person or a harvester is told about a list of people, instead of its files.
pub const PERSONAL_NOTE: &str = "Danh sách có tên người: chỉ công khai để đọc tại trang của danh sách, theo quy định; không cung cấp tệp để tải hay thu thập tự động.";

/// One dataset: a published record with downloads.
pub struct Dataset<'a> {
    pub page: &'a PageModel,
    pub title: String,
    pub description: String,
    pub permalink: String,
    pub kind_label: String,
    pub decision: String,
    /// `YYYY-MM-DD`: when it was published (`publish_from`, else its date, else the
    /// approval date).
    pub issued: Option<String>,
    /// `YYYY-MM-DD`: the latest of its dates (date, updated, approval, publish_from).
    pub modified: Option<String>,
    pub keywords: Vec<String>,
    /// Its tables name people: described, never offered for download here.
    pub personal: bool,
    /// Downloads then attachments; empty for a list of people.
    pub files: Vec<&'a FileInfo>,
}

/// The first ten characters of a date or date-time (`2026-06-10T08:00` → `2026-06-10`).
fn day(s: &str) -> String {
    s.chars().take(10).collect()
}

/// Whether page `pm` is a dataset of the catalogue: a published record with downloads.
/// A draft never is, not even in the staff preview (where it shows as published).
pub fn is_dataset(pm: &PageModel) -> bool {
    pm.status == Status::Published
        && !pm.page.fm.draft
        && pm.record.is_some()
        && !pm.downloads.is_empty()
}

/// Whether page `pm` is a published record whose tables name people.
pub fn is_personal(pm: &PageModel) -> bool {
    pm.record.as_ref().is_some_and(|r| r.personal_data)
}

/// The dataset of page `pm`, when it is one.
pub fn dataset<'a>(config: &Config, pm: &'a PageModel) -> Option<Dataset<'a>> {
    if !is_dataset(pm) {
        return None;
    }
    let p = &pm.page;
    let title = p.fm.title.as_deref().unwrap_or(&p.slug).to_string();
    let kind_label = pm.kind_label.unwrap_or("Dữ liệu").to_string();
    let decision = pm
        .approval
        .as_ref()
        .map(|a| a.decision.trim().to_string())
        .unwrap_or_default();
    let personal = is_personal(pm);
    let approval_date = pm
        .approval
        .as_ref()
        .and_then(|a| a.date)
        .map(|d| d.format("%Y-%m-%d").to_string());
    let publish_from = p.fm.publish_from.map(|d| d.format("%Y-%m-%d").to_string());
    let date = p.date.as_deref().map(day);
    let updated = p.fm.updated.as_deref().map(day);
    let issued = publish_from
        .clone()
        .or_else(|| date.clone())
        .or_else(|| approval_date.clone());
    let modified = [&date, &updated, &approval_date, &publish_from]
        .into_iter()
        .flatten()
        .max()
        .cloned();
    let mut description =
        p.fm.description
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(str::to_string)
            .unwrap_or_else(|| {
                let ward = config.ward.as_ref().map_or("", |w| w.name.as_str());
                let mut d = format!("{kind_label}: {title}.");
                if !ward.is_empty() {
                    d.push_str(&format!(" Do {ward} công khai."));
                }
                d
            });
    if !decision.is_empty() {
        description.push_str(&format!(" Căn cứ phê duyệt: {decision}."));
    }
    if personal {
        description.push(' ');
        description.push_str(PERSONAL_NOTE);
    }
    let mut keywords: BTreeSet<String> = BTreeSet::new();
    keywords.insert(kind_label.to_lowercase());
    keywords.insert("công khai".to_string());
    for terms in p.fm.taxonomies.values() {
        for t in terms {
            let t = t.trim();
            if !t.is_empty() {
                keywords.insert(t.to_string());
            }
        }
    }
    if personal {
        keywords.insert("dữ liệu cá nhân".to_string());
    }
    let files = if personal {
        Vec::new()
    } else {
        pm.downloads.iter().chain(&pm.attachments).collect()
    };
    Some(Dataset {
        page: pm,
        title,
        description,
        permalink: config.permalink(&p.path),
        kind_label,
        decision,
        issued,
        modified,
        keywords: keywords.into_iter().collect(),
        personal,
        files,
    })
}

/// Every dataset of the model, sorted by page path.
pub fn datasets(model: &Model) -> Vec<Dataset<'_>> {
    let mut out: Vec<Dataset> = model
        .pages
        .iter()
        .filter_map(|pm| dataset(&model.config, pm))
        .collect();
    out.sort_by(|a, b| a.page.page.path.cmp(&b.page.page.path));
    out
}

/// Whether the build writes the catalogue: a portal's published build or preview.
pub fn enabled(config: &Config) -> bool {
    config.is_portal()
}

fn ward_name(config: &Config) -> String {
    config
        .ward
        .as_ref()
        .map(|w| w.name.clone())
        .or_else(|| config.title.clone())
        .unwrap_or_default()
}

/// "Phường Hòa An, Thành phố Hải Phòng".
fn place(config: &Config) -> String {
    match &config.ward {
        Some(w) if !w.province.trim().is_empty() => format!("{}, {}", w.name, w.province),
        Some(w) => w.name.clone(),
        None => String::new(),
    }
}

fn homepage(config: &Config) -> String {
    config
        .ward
        .as_ref()
        .map(|w| w.website.trim().to_string())
        .filter(|w| w.starts_with("https://") || w.starts_with("http://"))
        .unwrap_or_else(|| config.permalink("/"))
}

fn email(config: &Config) -> Option<String> {
    config
        .ward
        .as_ref()
        .map(|w| w.email.trim().to_string())
        .filter(|e| e.contains('@') && !e.contains(char::is_whitespace))
}

/// `tel:` digits of the ward's phone (`0225.3000.000` → `tel:02253000000`).
fn telephone(config: &Config) -> Option<String> {
    let phone = config.ward.as_ref().map(|w| w.phone.as_str())?;
    let digits: String = phone
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    (digits.len() >= 3).then(|| format!("tel:{digits}"))
}

/// A media type without its parameters (`text/csv; charset=utf-8` → `text/csv`).
fn bare_media_type(m: &str) -> &str {
    m.split(';').next().unwrap_or(m).trim()
}

/// The EU file-type authority code of a file, when it has one congkhai publishes.
fn eu_file_type(f: &FileInfo) -> Option<&'static str> {
    let ext = f
        .file_name
        .rsplit('.')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    Some(match ext.as_str() {
        "csv" => "CSV",
        "json" => "JSON",
        "geojson" => "GEOJSON",
        "pdf" => "PDF",
        "xlsx" => "XLSX",
        "xls" => "XLS",
        "ods" => "ODS",
        "docx" => "DOCX",
        "doc" => "DOC",
        "odt" => "ODT",
        "zip" => "ZIP",
        "png" => "PNG",
        "jpg" | "jpeg" => "JPEG",
        "svg" => "SVG",
        _ => return None,
    })
}

fn vi(s: &str) -> Value {
    json!({"@value": s, "@language": "vi"})
}

fn id(s: &str) -> Value {
    json!({"@id": s})
}

fn typed(value: &str, ty: &str) -> Value {
    json!({"@value": value, "@type": ty})
}

/// The inline JSON-LD context: prefixes only, so that each value says its own type or
/// language and no tool needs the network to read the file.
pub fn dcat_context() -> Value {
    json!({
        "dcat": "http://www.w3.org/ns/dcat#",
        "dct": "http://purl.org/dc/terms/",
        "foaf": "http://xmlns.com/foaf/0.1/",
        "vcard": "http://www.w3.org/2006/vcard/ns#",
        "spdx": "http://spdx.org/rdf/terms#",
        "xsd": "http://www.w3.org/2001/XMLSchema#",
        "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
        "locn": "http://www.w3.org/ns/locn#",
    })
}

fn publisher_node(config: &Config) -> Value {
    let mut m = serde_json::Map::new();
    m.insert(
        "@id".into(),
        json!(format!("{}#don-vi", config.permalink("/"))),
    );
    m.insert("@type".into(), json!(["foaf:Agent", "foaf:Organization"]));
    m.insert("foaf:name".into(), vi(&ward_name(config)));
    m.insert("foaf:homepage".into(), id(&homepage(config)));
    if let Some(e) = email(config) {
        m.insert("foaf:mbox".into(), id(&format!("mailto:{e}")));
    }
    Value::Object(m)
}

fn contact_node(config: &Config) -> Value {
    let mut m = serde_json::Map::new();
    m.insert("@type".into(), json!("vcard:Organization"));
    m.insert("vcard:fn".into(), vi(&ward_name(config)));
    if let Some(e) = email(config) {
        m.insert("vcard:hasEmail".into(), id(&format!("mailto:{e}")));
    }
    if let Some(t) = telephone(config) {
        m.insert("vcard:hasTelephone".into(), id(&t));
    }
    m.insert("vcard:hasURL".into(), id(&homepage(config)));
    Value::Object(m)
}

fn license_node(config: &Config) -> Value {
    json!({
        "@id": config.open_data.license_url,
        "@type": "dct:LicenseDocument",
        "rdfs:label": vi(&config.open_data.license_title),
        "dct:identifier": config.open_data.license,
    })
}

fn spatial_node(config: &Config) -> Value {
    json!({
        "@type": "dct:Location",
        "rdfs:label": vi(&place(config)),
        "locn:geographicName": vi(&place(config)),
    })
}

fn distribution_node(config: &Config, d: &Dataset, n: usize, f: &FileInfo) -> Value {
    let media = bare_media_type(&f.media_type);
    let mut m = serde_json::Map::new();
    m.insert(
        "@id".into(),
        json!(format!("{}#tep-{}", d.permalink, n + 1)),
    );
    m.insert("@type".into(), json!("dcat:Distribution"));
    m.insert("dct:title".into(), vi(&f.title));
    m.insert("dcat:downloadURL".into(), id(&f.url));
    m.insert("dcat:accessURL".into(), id(&f.url));
    m.insert("dcat:mediaType".into(), id(&format!("{IANA_MEDIA}{media}")));
    m.insert(
        "dct:format".into(),
        match eu_file_type(f) {
            Some(code) => id(&format!("{EU_FILE_TYPE}{code}")),
            None => json!(f.format),
        },
    );
    m.insert(
        "dcat:byteSize".into(),
        typed(&f.size.to_string(), "xsd:nonNegativeInteger"),
    );
    m.insert(
        "spdx:checksum".into(),
        json!({
            "@type": "spdx:Checksum",
            "spdx:algorithm": id("spdx:checksumAlgorithm_sha256"),
            "spdx:checksumValue": typed(&f.sha256, "xsd:hexBinary"),
        }),
    );
    m.insert("dct:license".into(), license_node(config));
    if f.file_name == DATAPACKAGE_FILE {
        m.insert("dct:conformsTo".into(), id(DATA_PACKAGE_PROFILE));
    }
    Value::Object(m)
}

fn dataset_node(config: &Config, d: &Dataset) -> Value {
    let mut m = serde_json::Map::new();
    m.insert("@id".into(), json!(format!("{}#du-lieu", d.permalink)));
    m.insert("@type".into(), json!("dcat:Dataset"));
    m.insert("dct:title".into(), vi(&d.title));
    m.insert("dct:description".into(), vi(&d.description));
    m.insert("dct:identifier".into(), json!(d.permalink));
    if let Some(i) = &d.issued {
        m.insert("dct:issued".into(), typed(i, "xsd:date"));
    }
    if let Some(md) = &d.modified {
        m.insert("dct:modified".into(), typed(md, "xsd:date"));
    }
    m.insert(
        "dcat:keyword".into(),
        Value::Array(d.keywords.iter().map(|k| vi(k)).collect()),
    );
    m.insert("dct:language".into(), id(EU_LANGUAGE_VI));
    m.insert("dct:spatial".into(), spatial_node(config));
    m.insert("dcat:landingPage".into(), id(&d.permalink));
    m.insert(
        "dct:publisher".into(),
        id(&format!("{}#don-vi", config.permalink("/"))),
    );
    m.insert("dcat:contactPoint".into(), contact_node(config));
    m.insert(
        "dct:accessRights".into(),
        if d.personal {
            json!({
                "@id": format!("{EU_ACCESS}RESTRICTED"),
                "rdfs:label": vi(PERSONAL_NOTE),
            })
        } else {
            id(&format!("{EU_ACCESS}PUBLIC"))
        },
    );
    m.insert("dct:license".into(), license_node(config));
    if !d.decision.is_empty() {
        m.insert(
            "dct:provenance".into(),
            json!({
                "@type": "dct:ProvenanceStatement",
                "rdfs:label": vi(&format!("Phê duyệt: {}", d.decision)),
            }),
        );
    }
    if !d.files.is_empty() {
        m.insert(
            "dcat:distribution".into(),
            Value::Array(
                d.files
                    .iter()
                    .enumerate()
                    .map(|(n, f)| distribution_node(config, d, n, f))
                    .collect(),
            ),
        );
    }
    Value::Object(m)
}

/// The DCAT catalogue of `model` as a JSON-LD value.
pub fn dcat(model: &Model) -> Value {
    let config = &model.config;
    let sets = datasets(model);
    let title = format!("Danh mục dữ liệu mở – {}", ward_name(config));
    let description = format!(
        "Các bộ dữ liệu {} đã công khai theo Luật Thực hiện dân chủ ở cơ sở: tệp CSV, JSON và gói dữ liệu kèm kích thước và mã SHA-256. Danh sách có tên người chỉ được mô tả, không kèm tệp.",
        ward_name(config)
    );
    let modified = sets.iter().filter_map(|d| d.modified.clone()).max();
    let mut cat = serde_json::Map::new();
    cat.insert("@id".into(), json!(config.permalink(DCAT_PATH)));
    cat.insert("@type".into(), json!("dcat:Catalog"));
    cat.insert("dct:title".into(), vi(&title));
    cat.insert("dct:description".into(), vi(&description));
    cat.insert("dct:language".into(), id(EU_LANGUAGE_VI));
    cat.insert("dct:publisher".into(), publisher_node(config));
    cat.insert("dct:license".into(), license_node(config));
    cat.insert("dct:spatial".into(), spatial_node(config));
    cat.insert("foaf:homepage".into(), id(&config.permalink(PAGE_PATH)));
    if let Some(md) = modified {
        cat.insert("dct:modified".into(), typed(&md, "xsd:date"));
    }
    cat.insert(
        "dcat:dataset".into(),
        Value::Array(sets.iter().map(|d| dataset_node(config, d)).collect()),
    );
    let mut root = serde_json::Map::new();
    root.insert("@context".into(), dcat_context());
    for (k, v) in cat {
        root.insert(k, v);
    }
    Value::Object(root)
}

/// The Project Open Data v1.1 catalogue (`/data.json`) of `model`.
pub fn pod(model: &Model) -> Value {
    let config = &model.config;
    let publisher = json!({"@type": "org:Organization", "name": ward_name(config)});
    let contact = {
        let mut m = serde_json::Map::new();
        m.insert("@type".into(), json!("vcard:Contact"));
        m.insert("fn".into(), json!(ward_name(config)));
        // Required by the schema; a ward without an e-mail address gets its site.
        m.insert(
            "hasEmail".into(),
            json!(
                email(config)
                    .map(|e| format!("mailto:{e}"))
                    .unwrap_or_else(|| homepage(config))
            ),
        );
        Value::Object(m)
    };
    let sets: Vec<Value> = datasets(model)
        .iter()
        .map(|d| {
            let mut m = serde_json::Map::new();
            m.insert("@type".into(), json!("dcat:Dataset"));
            m.insert("title".into(), json!(d.title));
            m.insert("description".into(), json!(d.description));
            m.insert("keyword".into(), json!(d.keywords));
            if let Some(md) = d.modified.as_ref().or(d.issued.as_ref()) {
                m.insert("modified".into(), json!(md));
            }
            if let Some(i) = &d.issued {
                m.insert("issued".into(), json!(i));
            }
            m.insert("publisher".into(), publisher.clone());
            m.insert("contactPoint".into(), contact.clone());
            m.insert("identifier".into(), json!(d.permalink));
            m.insert("landingPage".into(), json!(d.permalink));
            m.insert("language".into(), json!(["vi"]));
            m.insert("spatial".into(), json!(place(config)));
            m.insert("license".into(), json!(config.open_data.license_url));
            if d.personal {
                m.insert("accessLevel".into(), json!("restricted public"));
                m.insert("rights".into(), json!(PERSONAL_NOTE));
            } else {
                m.insert("accessLevel".into(), json!("public"));
                let dist: Vec<Value> = d
                    .files
                    .iter()
                    .map(|f| {
                        let mut fm = serde_json::Map::new();
                        fm.insert("@type".into(), json!("dcat:Distribution"));
                        fm.insert("title".into(), json!(f.title));
                        fm.insert("downloadURL".into(), json!(f.url));
                        fm.insert("mediaType".into(), json!(bare_media_type(&f.media_type)));
                        fm.insert("format".into(), json!(f.format));
                        if f.file_name == DATAPACKAGE_FILE {
                            fm.insert("conformsTo".into(), json!(DATA_PACKAGE_PROFILE));
                        }
                        Value::Object(fm)
                    })
                    .collect();
                m.insert("distribution".into(), Value::Array(dist));
            }
            Value::Object(m)
        })
        .collect();
    json!({
        "@context": format!("{POD_SCHEMA}/catalog.jsonld"),
        "@id": config.permalink(POD_PATH),
        "@type": "dcat:Catalog",
        "conformsTo": POD_SCHEMA,
        "describedBy": format!("{POD_SCHEMA}/catalog.json"),
        "dataset": sets,
    })
}

/// The schema.org `Dataset` of a dataset page, for its `<script
/// type="application/ld+json">` (`page.jsonld`, written with the `json_ld` filter, which
/// escapes `<`, `>`, `&`); `None` for any other page.
pub fn schema_org(config: &Config, pm: &PageModel) -> Option<Value> {
    if !config.is_portal() {
        return None;
    }
    let d = dataset(config, pm)?;
    let org = {
        let mut m = serde_json::Map::new();
        m.insert("@type".into(), json!("GovernmentOrganization"));
        m.insert("name".into(), json!(ward_name(config)));
        m.insert("url".into(), json!(homepage(config)));
        if let Some(e) = email(config) {
            m.insert("email".into(), json!(e));
        }
        Value::Object(m)
    };
    let mut m = serde_json::Map::new();
    m.insert("@context".into(), json!("https://schema.org"));
    m.insert("@type".into(), json!("Dataset"));
    m.insert("name".into(), json!(d.title));
    m.insert("description".into(), json!(d.description));
    m.insert("url".into(), json!(d.permalink));
    m.insert("identifier".into(), json!(d.permalink));
    m.insert("keywords".into(), json!(d.keywords));
    m.insert("inLanguage".into(), json!("vi"));
    m.insert("license".into(), json!(config.open_data.license_url));
    m.insert("isAccessibleForFree".into(), json!(true));
    m.insert("creator".into(), org.clone());
    m.insert("publisher".into(), org);
    if let Some(i) = &d.issued {
        m.insert("datePublished".into(), json!(i));
    }
    if let Some(md) = &d.modified {
        m.insert("dateModified".into(), json!(md));
    }
    m.insert(
        "spatialCoverage".into(),
        json!({"@type": "Place", "name": place(config)}),
    );
    if d.personal {
        m.insert("conditionsOfAccess".into(), json!(PERSONAL_NOTE));
    } else {
        let dist: Vec<Value> = d
            .files
            .iter()
            .map(|f| {
                json!({
                    "@type": "DataDownload",
                    "name": f.title,
                    "contentUrl": f.url,
                    "encodingFormat": bare_media_type(&f.media_type),
                    "contentSize": f.size.to_string(),
                    "sha256": f.sha256,
                })
            })
            .collect();
        m.insert("distribution".into(), Value::Array(dist));
    }
    Some(Value::Object(m))
}

/// Site paths `robots.txt` disallows: every file of a list of people and, when the list
/// is kept out of search engines (`noindex`, the default), its page and subpages (a
/// path ending in `/` covers everything under it). Sorted, without paths another one
/// already covers.
pub fn robots_disallow(model: &Model) -> Vec<String> {
    let mut paths: BTreeSet<String> = BTreeSet::new();
    for pm in &model.pages {
        if pm.status != Status::Published || !is_personal(pm) {
            continue;
        }
        if pm.noindex {
            paths.insert(pm.page.path.clone());
            if let Some(r) = &pm.record {
                paths.extend(r.subpages.iter().map(|sp| sp.path.clone()));
            }
        }
        for f in pm.downloads.iter().chain(&pm.attachments) {
            paths.insert(format!("/{}", f.out_rel));
        }
    }
    let mut out: Vec<String> = Vec::new();
    for p in paths {
        // Sorted: a covering folder comes before everything under it.
        if out
            .iter()
            .any(|q| q.ends_with('/') && p.starts_with(q.as_str()))
        {
            continue;
        }
        out.push(p);
    }
    out
}

/// The "Dữ liệu mở" page's template value (`opendata`, see docs/theme.md).
pub fn page_value(model: &Model) -> Value {
    let config = &model.config;
    let sets: Vec<Value> = datasets(model)
        .iter()
        .map(|d| {
            let datapackage = d
                .files
                .iter()
                .find(|f| f.file_name == DATAPACKAGE_FILE)
                .map(|f| f.url.clone());
            let has_dictionary = d
                .page
                .downloads
                .iter()
                .any(|f| f.file_name == DATAPACKAGE_FILE);
            let files: Vec<Value> = d
                .files
                .iter()
                // The page people read lists what the record's page lists.
                .filter(|f| !f.unlisted)
                .map(|f| {
                    json!({
                        "title": f.title,
                        "file_name": f.file_name,
                        "url": f.url,
                        "format": f.format,
                        "size": f.size,
                        "sha256": f.sha256,
                    })
                })
                .collect();
            json!({
                "title": d.title,
                "permalink": d.permalink,
                "kind_label": d.kind_label,
                "decision": d.decision,
                "issued": d.issued,
                "modified": d.modified,
                "personal": d.personal,
                "dictionary_url": has_dictionary
                    .then(|| format!("{}#{DICTIONARY_ANCHOR}", d.permalink)),
                "datapackage_url": datapackage,
                "files": files,
            })
        })
        .collect();
    json!({
        "datasets": sets,
        "count": sets.len(),
        "dcat_url": config.permalink(DCAT_PATH),
        "data_json_url": config.permalink(POD_PATH),
        "license": {
            "id": config.open_data.license,
            "title": config.open_data.license_title,
            "url": config.open_data.license_url,
        },
        "place": place(config),
    })
}

/// Pretty JSON with a final newline. Serialising a `Value` cannot fail.
fn json_bytes(value: &Value) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(value).unwrap_or_default();
    out.push(b'\n');
    out
}

/// The catalogue stage, after the render stage and before the trust stage (so the
/// manifest covers its files): writes the DCAT catalogue, `data.json` and the "Dữ liệu
/// mở" page (when the theme has its template). Portals only.
pub fn publish(
    model: &Model,
    sink: &dyn Sink,
    has_template: &dyn Fn(&str) -> bool,
    write_page: &dyn Fn(&str, &str, &mut tera::Context) -> Result<(), Diagnostic>,
) -> Result<(), Diagnostics> {
    if !enabled(&model.config) {
        return Ok(());
    }
    sink.write(DCAT_PATH.trim_start_matches('/'), &json_bytes(&dcat(model)))?;
    sink.write(POD_PATH.trim_start_matches('/'), &json_bytes(&pod(model)))?;
    if has_template(TEMPLATE) {
        let mut c = tera::Context::new();
        c.insert("opendata", &page_value(model));
        write_page(PAGE_PATH, TEMPLATE, &mut c)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_type_parameters_are_dropped() {
        assert_eq!(bare_media_type("text/csv; charset=utf-8"), "text/csv");
        assert_eq!(bare_media_type("application/json"), "application/json");
    }

    #[test]
    fn day_keeps_the_date_of_a_date_time() {
        assert_eq!(day("2026-06-10T08:00:00+07:00"), "2026-06-10");
        assert_eq!(day("2026-06-10"), "2026-06-10");
    }
}
