//! The province portal: one page listing every commune of the workspace with its newest
//! postings, the warnings in force and the coming service days across the province,
//! and a province-wide DCAT catalogue (`du-lieu-mo/catalog.jsonld`) holding every
//! commune's datasets with links into the commune's own site.
//!
//! It is made from each commune's summary ([`CommuneSummary`]), taken off the commune's
//! model right after its build and kept in `.congkhai/tom-tat/<site>.json`: the province
//! never reads a commune's data files, and a commune whose build failed keeps its last
//! good summary. A summary holds titles, dates, places and links only: nothing of the
//! lists of people (no names, no rows) ever reaches the province portal, and a list of
//! people is in the catalogue as its commune describes it (no file to download).

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{CACHE_DIR, Workspace};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::Model;
use crate::output::Sink;
use crate::trust::publication::Status;

/// Coming service days listed per commune and across the province.
const SESSIONS_PER_COMMUNE: usize = 3;
const SESSIONS_PROVINCE: usize = 30;

/// The province page's template (autoescaped; every value is plain text or a URL).
const TEMPLATE: &str = include_str!("province.html");

/// What the province portal shows of one commune.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CommuneSummary {
    /// The folder under `sites/`.
    pub site: String,
    /// The commune's name (`[ward] name`, else the site's title).
    pub name: String,
    /// Its home page.
    pub home: String,
    /// The build date of this summary, ISO.
    pub built: String,
    pub postings: Vec<Item>,
    pub warnings: Vec<Item>,
    pub sessions: Vec<Session>,
    /// Its catalogue's address, when it publishes one.
    pub catalog: Option<String>,
    /// Its DCAT datasets, as its own catalogue lists them.
    pub datasets: Vec<Value>,
}

/// A posting or a warning: title, link, date, kind.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Item {
    pub title: String,
    pub url: String,
    /// ISO date, or empty.
    pub date: String,
    pub kind: String,
}

/// One coming service day.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Session {
    pub date: String,
    pub weekday: String,
    pub start: String,
    pub end: String,
    pub place: String,
    pub url: String,
}

fn record(pm: &crate::model::PageModel) -> Option<&Value> {
    pm.record.as_ref().map(|r| &r.record)
}

fn day(s: &str) -> String {
    s.chars().take(10).collect()
}

fn str_of(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

impl CommuneSummary {
    /// The summary of commune `site` from its built model.
    pub fn of(site: &str, model: &Model, newest: usize) -> CommuneSummary {
        let config = &model.config;
        let name = config
            .ward
            .as_ref()
            .map(|w| w.name.clone())
            .or_else(|| config.title.clone())
            .unwrap_or_else(|| site.to_string());
        let published: Vec<_> = model
            .pages
            .iter()
            .filter(|pm| pm.status == Status::Published && !pm.page.fm.draft)
            .collect();
        let item = |pm: &crate::model::PageModel, date: String| Item {
            title: pm
                .page
                .fm
                .title
                .as_deref()
                .unwrap_or(&pm.page.slug)
                .to_string(),
            url: config.permalink(&pm.page.path),
            date,
            kind: pm.kind_label.unwrap_or("Bài viết").to_string(),
        };
        let mut postings: Vec<Item> = published
            .iter()
            .filter(|pm| pm.approval.is_some())
            .map(|pm| item(pm, pm.page.date.as_deref().map(day).unwrap_or_default()))
            .collect();
        postings.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.url.cmp(&b.url)));
        postings.truncate(newest);
        let mut warnings: Vec<Item> = published
            .iter()
            .filter(|pm| pm.kind == Some("warning"))
            .filter_map(|pm| {
                let r = record(pm)?;
                (r.get("state").and_then(Value::as_str) == Some("active"))
                    .then(|| item(pm, day(&str_of(r, "active_from"))))
            })
            .collect();
        warnings.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.url.cmp(&b.url)));
        let mut sessions: Vec<Session> = published
            .iter()
            .filter(|pm| pm.kind == Some("service_days"))
            .filter_map(|pm| record(pm)?.get("upcoming")?.as_array().cloned())
            .flatten()
            .map(|s| Session {
                date: day(&str_of(&s, "date")),
                weekday: str_of(&s, "weekday"),
                start: str_of(&s, "start"),
                end: str_of(&s, "end"),
                place: str_of(&s, "place"),
                url: str_of(&s, "url"),
            })
            .collect();
        sessions.sort_by(|a, b| (&a.date, &a.start, &a.url).cmp(&(&b.date, &b.start, &b.url)));
        sessions.truncate(SESSIONS_PER_COMMUNE);
        let catalog = crate::opendata::catalog::enabled(config)
            .then(|| config.permalink(crate::opendata::layout::DCAT_PATH));
        let datasets = if catalog.is_some() {
            match crate::opendata::catalog::dcat(model).get_mut("dcat:dataset") {
                Some(Value::Array(a)) => std::mem::take(a),
                _ => Vec::new(),
            }
        } else {
            Vec::new()
        };
        CommuneSummary {
            site: site.to_string(),
            name,
            home: config.permalink("/"),
            built: model.today.format("%Y-%m-%d").to_string(),
            postings,
            warnings,
            sessions,
            catalog,
            datasets,
        }
    }
}

fn cache_path(ws: &Workspace, site: &str) -> PathBuf {
    ws.root.join(CACHE_DIR).join(format!("{site}.json"))
}

/// A summary as kept in `.congkhai/tom-tat/`: with the [`output_id`] of the output it
/// was taken with (read back as a plain [`CommuneSummary`]: the key is ignored there).
#[derive(Serialize, Deserialize)]
struct Stored {
    #[serde(flatten)]
    summary: CommuneSummary,
    #[serde(default)]
    output: Option<String>,
}

/// Which build made the output folder `output`: the inode and modification time of its
/// marker file, which every build writes anew (`output::OUTPUT_MARKER`) and a skipped
/// build leaves alone. `None` when there is no marker.
fn output_id(output: &std::path::Path) -> Option<String> {
    let m = std::fs::metadata(output.join(crate::output::OUTPUT_MARKER)).ok()?;
    let t = m
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    #[cfg(unix)]
    let ino = std::os::unix::fs::MetadataExt::ino(&m);
    #[cfg(not(unix))]
    let ino = 0u64;
    Some(format!(
        "{ino}:{}.{:09}:{}",
        t.as_secs(),
        t.subsec_nanos(),
        m.len()
    ))
}

/// Whether the kept summary of `site` was taken off the build that made `output`, the
/// output now in place: then a skipped build of the site (nothing changed) can keep it.
pub fn has_summary_of(ws: &Workspace, site: &str, output: &std::path::Path) -> bool {
    /// The two fields the check needs. Speed: the other fields (a commune's datasets,
    /// ~36 KB) are skipped by the parser, not built as values.
    #[derive(Deserialize)]
    struct Head {
        site: String,
        #[serde(default)]
        output: Option<String>,
    }
    let Some(id) = output_id(output) else {
        return false;
    };
    std::fs::read(cache_path(ws, site))
        .ok()
        .and_then(|b| serde_json::from_slice::<Head>(&b).ok())
        .is_some_and(|s| s.site == site && s.output.as_deref() == Some(id.as_str()))
}

/// Keep commune `s`'s summary for the province portal (atomic: old or new, never half),
/// taken off the build that made `output`.
pub fn store_summary(
    ws: &Workspace,
    s: &CommuneSummary,
    output: &std::path::Path,
) -> Result<(), Diagnostic> {
    let path = cache_path(ws, &s.site);
    let io = |e: std::io::Error| {
        Diagnostic::error(format!(
            "không ghi được bản tóm tắt cho trang cấp tỉnh {}: {e}",
            path.display()
        ))
        .hint("kiểm tra quyền ghi thư mục .congkhai/ của kho cấp tỉnh")
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let stored = Stored {
        summary: s.clone(),
        output: output_id(output),
    };
    let bytes = serde_json::to_vec(&stored).map_err(|e| io(std::io::Error::other(e)))?;
    crate::output::write_atomic(&path, &bytes).map_err(io)
}

/// The last summary of `site`, or what its config.toml says when it has none yet.
fn load_summary(ws: &Workspace, site: &str) -> Result<CommuneSummary, Diagnostic> {
    let path = cache_path(ws, site);
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
            Diagnostic::error(format!("bản tóm tắt của trang {site} bị hỏng: {e}"))
                .in_file(&path)
                .hint("xóa tệp này rồi tạo lại trang: congkhai build --site TÊN")
        }),
        Err(_) => {
            let (config, _) =
                crate::config::Config::load_with(&ws.sites_dir.join(site), Some(&ws.defaults))
                    .map_err(|ds| {
                        ds.into_vec().into_iter().next().unwrap_or_else(|| {
                            Diagnostic::error(format!(
                                "không đọc được config.toml của trang {site}"
                            ))
                        })
                    })?;
            Ok(CommuneSummary {
                site: site.to_string(),
                name: config
                    .ward
                    .as_ref()
                    .map(|w| w.name.clone())
                    .unwrap_or_else(|| site.to_string()),
                home: config.permalink("/"),
                built: String::new(),
                postings: Vec::new(),
                warnings: Vec::new(),
                sessions: Vec::new(),
                catalog: None,
                datasets: Vec::new(),
            })
        }
    }
}

/// A built province portal.
#[derive(Debug, Serialize, Deserialize)]
pub struct Built {
    pub output: PathBuf,
    pub communes: usize,
    pub datasets: usize,
    /// Nothing it is made of changed since the last time: the portal was left as it was.
    #[serde(default)]
    pub unchanged: bool,
}

/// What the province portal's last build remembers (`.congkhai/tinh.json`): the hash
/// of everything it was made of and the stamp of the output it left.
#[derive(Serialize, Deserialize)]
struct Remembered {
    format: String,
    inputs: String,
    output: String,
    built: Built,
}

fn remembered_path(ws: &Workspace) -> PathBuf {
    ws.root.join(".congkhai").join("tinh.json")
}

/// SHA-256 of what the province portal is made of: the binary (its template and
/// code), the workspace's files, the build date and every commune's summary as kept.
fn province_inputs(ws: &Workspace, today: chrono::NaiveDate) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(crate::cache::site::FORMAT.as_bytes());
    h.update(b"\0province\0");
    h.update(crate::cache::site::binary_identity().as_bytes());
    h.update(b"\0");
    h.update(ws.defaults.fingerprint.as_bytes());
    h.update(b"\0");
    h.update(today.to_string().as_bytes());
    for site in &ws.sites {
        h.update(b"\0site\0");
        h.update(site.as_bytes());
        match std::fs::read(cache_path(ws, site)) {
            Ok(bytes) => {
                h.update((bytes.len() as u64).to_le_bytes());
                h.update(&bytes);
            }
            Err(e) => h.update(format!("\0unreadable\0{e}").as_bytes()),
        }
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Build the province portal from every commune's newest summary, staged and swapped in
/// like a site.
pub fn build(ws: &Workspace, today: chrono::NaiveDate) -> Result<Built, Diagnostics> {
    let Some(pc) = &ws.province else {
        return Err(Diagnostic::error("congkhai.toml không có bảng [province]").into());
    };
    let target = ws.root.join(pc.output_dir.as_deref().unwrap_or("public"));
    let _lock = crate::output::BuildLock::acquire(&target)?;
    crate::output::remove_stale(&target);
    // Skipped when no summary changed and the output is as the last build left it (a
    // nightly run where no commune changed); any doubt builds it.
    let inputs = province_inputs(ws, today);
    let last = std::fs::read(remembered_path(ws))
        .ok()
        .and_then(|b| serde_json::from_slice::<Remembered>(&b).ok());
    if let Some(r) = last
        && r.format == crate::cache::site::FORMAT
        && r.inputs == inputs
        && r.output == crate::cache::site::output_stamp(&target)
    {
        return Ok(Built {
            unchanged: true,
            output: target,
            ..r.built
        });
    }
    let _ = std::fs::remove_file(remembered_path(ws));
    // Speed: 126 summaries of ~36 KB each, parsed on every core.
    use rayon::prelude::*;
    let loaded: Vec<Result<CommuneSummary, Diagnostic>> = ws
        .sites
        .par_iter()
        .map(|site| load_summary(ws, site))
        .collect();
    let mut communes = Vec::new();
    let mut errors = Diagnostics::new();
    for r in loaded {
        match r {
            Ok(s) => communes.push(s),
            Err(d) => errors.push(d),
        }
    }
    if errors.has_errors() {
        return Err(errors);
    }
    let base = pc.base_url.trim_end_matches('/').to_string();
    let title = pc
        .title
        .clone()
        .unwrap_or_else(|| format!("Công khai của các xã, phường – {}", ws.name));
    let files = render(ws, &communes, &title, &base, today)?;
    let staging = crate::output::Staging::new(&target, false)?;
    {
        // The same scanner as every site's output: no identifier slips through.
        let sink = crate::privacy::output::ScanSink::new(&staging, Vec::new(), &ws.root);
        for (rel, bytes) in &files {
            sink.write(rel, bytes)?;
        }
    }
    let output = staging.commit(false)?;
    let remembered = Remembered {
        format: crate::cache::site::FORMAT.into(),
        inputs,
        output: crate::cache::site::output_stamp(&target),
        built: Built {
            output: PathBuf::new(),
            communes: communes.len(),
            datasets: communes.iter().map(|c| c.datasets.len()).sum(),
            unchanged: false,
        },
    };
    // Not remembered: the next run builds the portal again (never wrong, only slower).
    if let Ok(bytes) = serde_json::to_vec(&remembered) {
        let _ = crate::output::write_atomic(&remembered_path(ws), &bytes);
    }
    Ok(Built {
        output,
        ..remembered.built
    })
}

/// The province portal's files (path → bytes).
fn render(
    ws: &Workspace,
    communes: &[CommuneSummary],
    title: &str,
    base: &str,
    today: chrono::NaiveDate,
) -> Result<BTreeMap<String, Vec<u8>>, Diagnostic> {
    let catalog_url = format!(
        "{base}/{}",
        crate::opendata::layout::DCAT_PATH.trim_start_matches('/')
    );
    let label = |iso: &str| {
        chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d")
            .map(crate::format::date_short)
            .unwrap_or_default()
    };
    let item = |i: &Item, commune: &CommuneSummary| {
        json!({
            "title": i.title, "url": i.url, "date": label(&i.date), "kind": i.kind,
            "commune": commune.name, "home": commune.home,
        })
    };
    let mut warnings: Vec<(String, Value)> = Vec::new();
    let mut sessions: Vec<(String, Value)> = Vec::new();
    let mut rows = Vec::new();
    for c in communes {
        for w in &c.warnings {
            warnings.push((w.date.clone(), item(w, c)));
        }
        for s in &c.sessions {
            let key = format!("{} {} {}", s.date, s.start, s.url);
            sessions.push((
                key,
                json!({
                    "date": label(&s.date), "weekday": s.weekday, "start": s.start,
                    "end": s.end, "place": s.place, "url": s.url,
                    "commune": c.name, "home": c.home,
                }),
            ));
        }
        rows.push(json!({
            "name": c.name,
            "home": c.home,
            "catalog": c.catalog,
            "datasets": c.datasets.len(),
            "postings": c.postings.iter().map(|p| item(p, c)).collect::<Vec<_>>(),
            "warnings": c.warnings.len(),
            "built": label(&c.built),
        }));
    }
    warnings.sort_by(|a, b| b.0.cmp(&a.0));
    sessions.sort_by(|a, b| a.0.cmp(&b.0));
    sessions.truncate(SESSIONS_PROVINCE);
    let datasets: Vec<Value> = communes.iter().flat_map(|c| c.datasets.clone()).collect();
    let mut ctx = tera::Context::new();
    ctx.insert("title", title);
    ctx.insert("province", &ws.name);
    ctx.insert("today", &crate::format::date_short(today));
    ctx.insert("communes", &rows);
    ctx.insert(
        "warnings",
        &warnings.into_iter().map(|(_, v)| v).collect::<Vec<_>>(),
    );
    ctx.insert(
        "sessions",
        &sessions.into_iter().map(|(_, v)| v).collect::<Vec<_>>(),
    );
    ctx.insert("catalog_url", &catalog_url);
    ctx.insert("dataset_count", &datasets.len());
    let mut tera = tera::Tera::new();
    tera.autoescape_on(vec![".html"]);
    let internal = |e: tera::Error| {
        Diagnostic::error(format!("lỗi mẫu trang cấp tỉnh: {e}"))
            .hint("báo lỗi này cho nhóm phát triển congkhai")
    };
    tera.add_raw_template("province.html", TEMPLATE)
        .map_err(internal)?;
    let html = tera.render("province.html", &ctx).map_err(internal)?;
    let mut files = BTreeMap::new();
    files.insert(
        "index.html".to_string(),
        crate::text::nfc(&html).into_bytes(),
    );
    let catalog = province_catalog(ws, communes, title, base, &catalog_url, datasets);
    let mut json = serde_json::to_string_pretty(&catalog)
        .map_err(|e| Diagnostic::error(format!("không tạo được danh mục cấp tỉnh: {e}")))?;
    json.push('\n');
    files.insert(
        crate::opendata::layout::DCAT_PATH
            .trim_start_matches('/')
            .to_string(),
        json.into_bytes(),
    );
    Ok(files)
}

/// The province-wide DCAT catalogue: every commune's datasets as its own catalogue
/// describes them (their `@id`s and links point into the commune's site), and each
/// commune's catalogue as a `dcat:catalog` of the province's.
fn province_catalog(
    ws: &Workspace,
    communes: &[CommuneSummary],
    title: &str,
    base: &str,
    catalog_url: &str,
    datasets: Vec<Value>,
) -> Value {
    let vi = |s: &str| json!({"@language": "vi", "@value": s});
    let parts: Vec<Value> = communes
        .iter()
        .filter_map(|c| {
            c.catalog.as_ref().map(|url| {
                json!({
                    "@id": url,
                    "@type": "dcat:Catalog",
                    "dct:title": vi(&format!("Danh mục dữ liệu mở – {}", c.name)),
                    "foaf:homepage": {"@id": c.home},
                })
            })
        })
        .collect();
    let modified = datasets
        .iter()
        .filter_map(|d| d.get("dct:modified")?.get("@value")?.as_str())
        .max()
        .map(str::to_string);
    let mut m = serde_json::Map::new();
    m.insert("@context".into(), crate::opendata::catalog::dcat_context());
    m.insert("@id".into(), json!(catalog_url));
    m.insert("@type".into(), json!("dcat:Catalog"));
    m.insert(
        "dct:title".into(),
        vi(&format!("Danh mục dữ liệu mở – {}", ws.name)),
    );
    m.insert(
        "dct:description".into(),
        vi(&format!(
            "{title}: các bộ dữ liệu mà {} xã, phường đã công khai, mỗi bộ dẫn về trang của xã, phường đó. Danh sách có tên người chỉ được mô tả, không kèm tệp.",
            communes.len()
        )),
    );
    m.insert(
        "dct:spatial".into(),
        json!({"@type": "dct:Location", "rdfs:label": vi(&ws.name), "locn:geographicName": vi(&ws.name)}),
    );
    m.insert("foaf:homepage".into(), json!({"@id": format!("{base}/")}));
    if let Some(md) = modified {
        m.insert(
            "dct:modified".into(),
            json!({"@value": md, "@type": "xsd:date"}),
        );
    }
    m.insert("dcat:catalog".into(), Value::Array(parts));
    m.insert("dcat:dataset".into(), Value::Array(datasets));
    Value::Object(m)
}
