//! A province workspace: one repository holding the portals of every commune of a
//! province under `sites/<name>/`, a shared theme and shared rules at the top
//! (`congkhai.toml`), and an optional province portal (`province`).
//!
//! `congkhai build --all` (and `check`, `publish`, `verify`) runs every site in
//! parallel across cores; each site is an ordinary portal build (its own staging folder
//! swapped in on its own), so a failing site is reported and neither stops nor touches
//! the others. The theme's templates are parsed once per run (`templates::build` keeps
//! them), the shared config (`theme`, `[rules]`) is read once.

pub mod province;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Deserialize;

use crate::config::SiteDefaults;
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::pipeline::{self, BuildOptions};

/// The workspace's file, at the top of the province repository.
pub const FILE: &str = "congkhai.toml";

/// Where the province portal keeps each commune's last summary (ignored by git): a
/// commune whose build fails keeps its last good summary on the province portal.
pub const CACHE_DIR: &str = ".congkhai/tom-tat";

/// Longest site name (a DNS label's length).
const MAX_NAME: usize = 63;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WorkspaceFile {
    workspace: WorkspaceTable,
    #[serde(default)]
    province: Option<ProvinceConfig>,
    /// Shared `[rules]`: each site's own `[rules]` overrides them key by key.
    #[serde(default)]
    rules: Option<toml::Table>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WorkspaceTable {
    /// The province, e.g. "Thành phố Hà Nội".
    name: String,
    /// The folder of the sites, relative to the workspace (default `sites`).
    #[serde(default)]
    sites: Option<String>,
    /// The shared theme: the default `theme` of every site (looked up in the site's
    /// `themes/`, then the workspace's `themes/`, then the built-in one).
    #[serde(default)]
    theme: Option<String>,
}

/// `[province]`: the province portal, optional.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProvinceConfig {
    pub base_url: String,
    #[serde(default)]
    pub title: Option<String>,
    /// Relative to the workspace (default `public`).
    #[serde(default)]
    pub output_dir: Option<String>,
    /// How many newest postings of each commune the province page lists (default 5).
    #[serde(default)]
    pub newest: Option<usize>,
}

/// A loaded workspace.
#[derive(Debug, Clone)]
pub struct Workspace {
    pub root: PathBuf,
    /// The province's name.
    pub name: String,
    pub sites_dir: PathBuf,
    /// Every site (a folder of `sites/` with a config.toml), sorted by name.
    pub sites: Vec<String>,
    pub defaults: Arc<SiteDefaults>,
    pub province: Option<ProvinceConfig>,
}

fn in_file() -> Location {
    Location::file(FILE)
}

/// Whether `root` is a province workspace (has a `congkhai.toml`).
pub fn is_workspace(root: &Path) -> bool {
    root.join(FILE).is_file()
}

/// Check a site name from the command line or the `sites/` folder: lower-case ASCII
/// letters, digits and `-` only, so it can never name a path outside `sites/`.
pub fn check_site_name(name: &str) -> Result<(), Diagnostic> {
    let ok = !name.is_empty()
        && name.len() <= MAX_NAME
        && !name.starts_with('-')
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(Diagnostic::error(format!(
            "tên trang \u{201c}{name}\u{201d} không hợp lệ: chỉ được dùng chữ thường không dấu, chữ số và dấu gạch ngang (tối đa {MAX_NAME} ký tự), không có / hay .."
        ))
        .hint("dùng tên thư mục của trang trong sites/, ví dụ --site xa-kim-lien"))
    }
}

impl Workspace {
    /// Read `congkhai.toml` at `root` and list the sites.
    pub fn load(root: &Path) -> Result<Workspace, Diagnostics> {
        let path = root.join(FILE);
        let raw = std::fs::read_to_string(&path).map_err(|e| {
            Diagnostic::error(format!(
                "không đọc được {FILE} trong thư mục {}: {e}",
                root.display()
            ))
            .at(in_file())
            .hint("chạy lệnh ở thư mục gốc của kho cấp tỉnh (nơi có congkhai.toml), dùng --root THƯ_MỤC, hoặc tạo kho mới bằng congkhai init --workspace THƯ_MỤC")
        })?;
        let file: WorkspaceFile = toml::from_str(&raw).map_err(|e| {
            let mut d = Diagnostic::error(format!("{FILE} không hợp lệ: {}", e.message()));
            d = match e.span() {
                Some(span) => {
                    let line = raw[..span.start.min(raw.len())].matches('\n').count() + 1;
                    d.at(Location::line(FILE, line))
                }
                None => d.at(in_file()),
            };
            d.hint("xem mẫu congkhai.toml trong docs/province.md")
        })?;
        let name = file.workspace.name.trim().to_string();
        if name.is_empty() {
            return Err(
                Diagnostic::error("bảng [workspace] thiếu tên tỉnh, thành phố (name)")
                    .at(in_file())
                    .hint("thêm dòng name = \"Thành phố Hà Nội\" vào bảng [workspace]")
                    .into(),
            );
        }
        let sites_rel = file.workspace.sites.as_deref().unwrap_or("sites");
        let rel = Path::new(sites_rel);
        if sites_rel.is_empty()
            || rel.is_absolute()
            || rel
                .components()
                .any(|c| !matches!(c, std::path::Component::Normal(_)))
        {
            return Err(Diagnostic::error(format!(
                "thư mục các trang \u{201c}{sites_rel}\u{201d} phải nằm trong kho cấp tỉnh"
            ))
            .at(in_file())
            .hint("dùng một đường dẫn tương đối không có .., ví dụ sites = \"sites\"")
            .into());
        }
        let mut table = toml::Table::new();
        if let Some(theme) = &file.workspace.theme {
            table.insert("theme".into(), toml::Value::String(theme.clone()));
        }
        if let Some(rules) = file.rules {
            table.insert("rules".into(), toml::Value::Table(rules));
        }
        // The shared rules are checked once, here, so an error names congkhai.toml.
        crate::config::Config::parse_with("base_url = \"https://kiem-tra.invalid\"", Some(&table))
            .map_err(|ds| {
                ds.map(|mut d| {
                    d.location = Some(in_file());
                    d
                })
            })?;
        if let Some(p) = &file.province
            && !(p.base_url.starts_with("https://") || p.base_url.starts_with("http://"))
        {
            return Err(Diagnostic::error(format!(
                "[province] base_url \u{201c}{}\u{201d} không phải địa chỉ web",
                p.base_url
            ))
            .at(in_file())
            .hint("viết địa chỉ đầy đủ, ví dụ base_url = \"https://congkhai.hanoi.example.vn\"")
            .into());
        }
        if let Some(out) = file.province.as_ref().and_then(|p| p.output_dir.as_deref()) {
            let p = Path::new(out);
            if out.is_empty()
                || p.is_absolute()
                || p.components()
                    .any(|c| !matches!(c, std::path::Component::Normal(_)))
                || p.starts_with(sites_rel)
            {
                return Err(Diagnostic::error(format!(
                    "[province] output_dir \u{201c}{out}\u{201d} phải là thư mục con của kho, ngoài thư mục các trang"
                ))
                .at(in_file())
                .hint("ví dụ output_dir = \"public\"")
                .into());
            }
        }
        let themes = root.join("themes");
        let themes_dir = themes.is_dir().then_some(themes);
        let fingerprint = fingerprint(&raw, themes_dir.as_deref());
        let defaults = Arc::new(SiteDefaults {
            table,
            themes_dir,
            fingerprint,
        });
        let sites_dir = root.join(rel);
        let sites = list_sites(&sites_dir)?;
        Ok(Workspace {
            root: root.to_path_buf(),
            name,
            sites_dir,
            sites,
            defaults,
            province: file.province,
        })
    }

    /// The sites a command runs on: all, or the one `--site` names.
    pub fn select(&self, only: Option<&str>) -> Result<Vec<String>, Diagnostic> {
        let Some(name) = only else {
            return Ok(self.sites.clone());
        };
        check_site_name(name)?;
        if self.sites.iter().any(|s| s == name) {
            return Ok(vec![name.to_string()]);
        }
        let mut d = Diagnostic::error(format!(
            "không có trang \u{201c}{name}\u{201d} trong {}",
            self.sites_dir.display()
        ));
        d = match crate::text::did_you_mean(name, self.sites.iter().map(String::as_str)) {
            Some(s) => d.hint(format!("có phải ý bạn là \u{201c}{s}\u{201d}?")),
            None => d.hint(format!(
                "các trang hiện có: {}",
                if self.sites.is_empty() {
                    "(chưa có; tạo bằng congkhai init sites/TÊN)".to_string()
                } else {
                    self.sites.join(", ")
                }
            )),
        };
        Err(d)
    }

    /// The build options of site `name`.
    pub fn site_options(&self, name: &str, run: &RunOptions) -> BuildOptions {
        let secret_key = run
            .keys_dir
            .as_ref()
            .map(|d| d.join(format!("{name}.key")))
            .filter(|p| p.is_file());
        BuildOptions {
            root: self.sites_dir.join(name),
            drafts: run.drafts,
            today: run.today,
            record_history: run.op == Op::Publish,
            new_chain: run.new_chain,
            force: run.force,
            secret_key,
            site_defaults: Some(self.defaults.clone()),
            ..Default::default()
        }
    }
}

/// SHA-256 of `congkhai.toml` and of every file of the shared `themes/` (path, length,
/// bytes, in path order): what each site's build reads of the workspace. Hashed once
/// per run; a file that cannot be read hashes as its error, so the sites are rebuilt.
fn fingerprint(workspace_file: &str, themes: Option<&Path>) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(FILE.as_bytes());
    h.update((workspace_file.len() as u64).to_le_bytes());
    h.update(workspace_file.as_bytes());
    if let Some(dir) = themes {
        for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
            let (name, bytes) = match entry {
                Ok(e) if e.file_type().is_dir() => continue,
                Ok(e) => (
                    e.path().display().to_string(),
                    std::fs::read(e.path()).unwrap_or_else(|err| err.to_string().into_bytes()),
                ),
                Err(err) => (String::new(), err.to_string().into_bytes()),
            };
            h.update((name.len() as u64).to_le_bytes());
            h.update(name.as_bytes());
            h.update((bytes.len() as u64).to_le_bytes());
            h.update(bytes);
        }
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The folders of `sites/` that hold a config.toml, sorted. A name that is not a valid
/// site name, or a link, is an error: it could reach outside the workspace.
fn list_sites(dir: &Path) -> Result<Vec<String>, Diagnostics> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(Diagnostic::error(format!(
                "không đọc được thư mục các trang {}: {e}",
                dir.display()
            ))
            .into());
        }
    };
    let mut sites = Vec::new();
    let mut errors = Diagnostics::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_symlink() {
            errors.push(
                Diagnostic::error(format!(
                    "{} là liên kết (symlink): mỗi trang phải là một thư mục thật trong kho",
                    entry.path().display()
                ))
                .hint("thay liên kết bằng thư mục của trang, hoặc xóa nó"),
            );
            continue;
        }
        if !kind.is_dir() || !entry.path().join("config.toml").is_file() {
            continue;
        }
        match check_site_name(&name) {
            Ok(()) => sites.push(name),
            Err(d) => errors.push(d.in_file(entry.path())),
        }
    }
    if errors.has_errors() {
        return Err(errors);
    }
    sites.sort();
    Ok(sites)
}

/// The command run on every site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Build,
    Publish,
    Check,
    Verify,
}

#[derive(Debug, Clone)]
pub struct RunOptions {
    pub op: Op,
    pub drafts: bool,
    pub today: Option<NaiveDate>,
    /// `--site NAME`: only this site.
    pub only: Option<String>,
    /// `publish --all --secret-key DIR`: one `<site>.key` per site.
    pub keys_dir: Option<PathBuf>,
    pub new_chain: bool,
    /// `build --all --force`: every site built in full (no incremental cache).
    pub force: bool,
}

/// What one site's run gave.
#[derive(Debug)]
pub struct SiteReport {
    pub name: String,
    pub result: Result<SiteDone, Diagnostics>,
    pub millis: u128,
}

#[derive(Debug, Default)]
pub struct SiteDone {
    pub pages: usize,
    pub files: usize,
    pub warnings: Diagnostics,
    /// Skipped: nothing changed since its last build (the incremental cache).
    pub unchanged: bool,
}

/// The whole run: every site, then the province portal.
#[derive(Debug)]
pub struct Report {
    pub sites: Vec<SiteReport>,
    /// `None` when not built (no `[province]`, `check`, `verify`, `--drafts`).
    pub province: Option<Result<province::Built, Diagnostics>>,
}

impl Report {
    pub fn failed(&self) -> usize {
        self.sites.iter().filter(|s| s.result.is_err()).count()
            + usize::from(matches!(self.province, Some(Err(_))))
    }
}

/// Run `run.op` on the sites of `ws` (all, or `--site`), in parallel; then the province
/// portal, from every commune's newest summary.
pub fn run(ws: &Workspace, run: &RunOptions) -> Result<Report, Diagnostics> {
    let names = ws.select(run.only.as_deref())?;
    let today = run.today.map_or_else(
        || {
            BuildOptions::default()
                .build_date()
                .map_err(Diagnostics::from)
        },
        Ok,
    )?;
    let run = &RunOptions {
        today: Some(today),
        ..run.clone()
    };
    let with_province =
        ws.province.is_some() && matches!(run.op, Op::Build | Op::Publish) && !run.drafts;
    let sites: Vec<SiteReport> = names
        .par_iter()
        .map(|name| {
            let t = std::time::Instant::now();
            // A bug in one site's build must not take the others down with it.
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                run_site(ws, name, run, with_province)
            }))
            .unwrap_or_else(|_| {
                Err(
                    Diagnostic::error(format!("lỗi nội bộ của congkhai khi xử lý trang {name}"))
                        .hint("báo lỗi này cho nhóm phát triển, kèm thông báo in ở trên")
                        .into(),
                )
            });
            SiteReport {
                name: name.clone(),
                result,
                millis: t.elapsed().as_millis(),
            }
        })
        .collect();
    let province = with_province.then(|| province::build(ws, today));
    Ok(Report { sites, province })
}

fn run_site(
    ws: &Workspace,
    name: &str,
    run: &RunOptions,
    with_province: bool,
) -> Result<SiteDone, Diagnostics> {
    let opts = ws.site_options(name, run);
    match run.op {
        Op::Build | Op::Publish => {
            // A site whose inputs and output are those of its last build is skipped
            // (the incremental cache: one hash of its inputs, one stat of its output),
            // so a nightly run where one commune changed builds that commune only.
            // Its province summary is kept from that build, when it was taken off the
            // very output now in place (`province::output_id`); else it is built.
            let (summary, kept) = match pipeline::build_or_skip(&opts)? {
                (summary, Some(kept)) => (summary, kept),
                (summary, None)
                    if !with_province || province::has_summary_of(ws, name, &summary.output) =>
                {
                    return Ok(SiteDone {
                        pages: summary.pages,
                        files: summary.files,
                        warnings: summary.warnings,
                        unchanged: true,
                    });
                }
                (_, None) => pipeline::build_keep(&opts)?,
            };
            if with_province {
                let s = province::CommuneSummary::of(name, kept.model(), ws.province_newest());
                province::store_summary(ws, &s, &summary.output)?;
            }
            // The model is dropped here, before the next site: memory grows with the
            // sites built at once (one per core), not with the province.
            drop(kept);
            Ok(SiteDone {
                pages: summary.pages,
                files: summary.files,
                warnings: summary.warnings,
                unchanged: false,
            })
        }
        Op::Check => {
            let summary = pipeline::check(&opts)?;
            Ok(SiteDone {
                pages: summary.pages,
                files: 0,
                warnings: summary.warnings,
                unchanged: false,
            })
        }
        Op::Verify => {
            let (config, _) = opts.load_config()?;
            let out = opts.output_path(&config);
            let r = crate::trust::verify::verify_all(&out, None, None)?;
            Ok(SiteDone {
                pages: r.items,
                files: r.files,
                warnings: Diagnostics::new(),
                unchanged: false,
            })
        }
    }
}

impl Workspace {
    fn province_newest(&self) -> usize {
        self.province
            .as_ref()
            .and_then(|p| p.newest)
            .unwrap_or(5)
            .clamp(1, 50)
    }
}

/// The report as the command line prints it: each failing site's problems (named with
/// the site's folder), each site's warnings count, then a summary table.
pub fn report_text(ws: &Workspace, report: &Report, op: Op) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let rel = |name: &str| {
        ws.sites_dir
            .join(name)
            .strip_prefix(&ws.root)
            .map(|p| p.display().to_string())
            .unwrap_or_else(|_| name.to_string())
    };
    for s in &report.sites {
        if let Err(ds) = &s.result {
            let _ = writeln!(
                out,
                "── {} ({}): {} lỗi",
                s.name,
                rel(&s.name),
                ds.error_count()
            );
            for d in ds.clone().sorted().iter() {
                let _ = writeln!(out, "[{}] {d}", s.name);
            }
        }
    }
    if let Some(Err(ds)) = &report.province {
        let _ = writeln!(out, "── trang cấp tỉnh: {} lỗi", ds.error_count());
        for d in ds.iter() {
            let _ = writeln!(out, "[tỉnh] {d}");
        }
    }
    let width = report
        .sites
        .iter()
        .map(|s| s.name.chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    let (pages_label, files_label) = match op {
        Op::Verify => ("Mục", "Tệp"),
        _ => ("Trang", "Tệp"),
    };
    let _ = writeln!(
        out,
        "\n{:<width$}  {:<9}  {:>7}  {:>7}  {:>8}  {:>9}",
        "Trang", "Kết quả", pages_label, files_label, "Cảnh báo", "Thời gian"
    );
    for s in &report.sites {
        match &s.result {
            Ok(d) => {
                let _ = writeln!(
                    out,
                    "{:<width$}  {:<9}  {:>7}  {:>7}  {:>8}  {:>6} ms",
                    s.name,
                    if d.unchanged { "không đổi" } else { "xong" },
                    d.pages,
                    if op == Op::Check {
                        "—".to_string()
                    } else {
                        d.files.to_string()
                    },
                    d.warnings.warning_count(),
                    s.millis
                );
            }
            Err(ds) => {
                let _ = writeln!(
                    out,
                    "{:<width$}  {:<9}  {:>7}  {:>7}  {:>8}  {:>6} ms",
                    s.name,
                    format!("LỖI ({})", ds.error_count()),
                    "—",
                    "—",
                    "—",
                    s.millis
                );
            }
        }
    }
    let failed = report.sites.iter().filter(|s| s.result.is_err()).count();
    let verb = match op {
        Op::Build => "tạo",
        Op::Publish => "công khai",
        Op::Check => "kiểm tra",
        Op::Verify => "kiểm chứng",
    };
    let _ = writeln!(
        out,
        "\nĐã {verb} {}/{} trang của {}.",
        report.sites.len() - failed,
        report.sites.len(),
        ws.name
    );
    if failed > 0 {
        let _ = writeln!(
            out,
            "{failed} trang lỗi (xem lỗi ở trên, mỗi dòng ghi tên trang trong [..]); trang cũ của chúng vẫn giữ nguyên, các trang khác đã xong."
        );
    }
    match &report.province {
        Some(Ok(b)) => {
            let _ = writeln!(
                out,
                "Trang cấp tỉnh{}: {} xã/phường, {} bộ dữ liệu trong danh mục, tại {}.",
                if b.unchanged { " (không đổi)" } else { "" },
                b.communes,
                b.datasets,
                b.output.display()
            );
        }
        Some(Err(_)) => {
            let _ = writeln!(
                out,
                "Trang cấp tỉnh chưa tạo được (xem lỗi [tỉnh] ở trên); bản cũ vẫn giữ nguyên."
            );
        }
        None => {}
    }
    out
}

/// `congkhai init --workspace DIR`: an empty province repository.
pub fn init(dir: &Path, province: Option<&str>) -> Result<String, Diagnostic> {
    if dir.exists()
        && std::fs::read_dir(dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return Err(
            Diagnostic::error(format!("thư mục {} đã có và không trống", dir.display()))
                .hint("chọn một thư mục mới hoặc thư mục trống"),
        );
    }
    let name = province
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or("Tỉnh Mẫu")
        .to_string();
    let io = |e: std::io::Error| {
        Diagnostic::error(format!(
            "không tạo được kho cấp tỉnh {}: {e}",
            dir.display()
        ))
    };
    std::fs::create_dir_all(dir.join("sites")).map_err(io)?;
    let toml_name = name.replace('\\', "\\\\").replace('"', "\\\"");
    let text = format!(
        "# Kho cấp tỉnh của congkhai: mỗi xã, phường là một thư mục trong sites/ (docs/province.md).\n\
         [workspace]\n\
         name = \"{toml_name}\"\n\
         sites = \"sites\"\n\
         # Giao diện chung: themes/<tên>/ ở đây, nếu không có thì dùng giao diện có sẵn.\n\
         theme = \"congkhai\"\n\
         \n\
         # Quy định chung cho mọi trang; config.toml của từng trang có thể ghi đè từng khóa.\n\
         [rules]\n\
         \n\
         # Trang cấp tỉnh (không bắt buộc): danh sách xã, phường, tin mới, cảnh báo, lịch\n\
         # phục vụ và danh mục dữ liệu mở chung của cả tỉnh.\n\
         [province]\n\
         base_url = \"https://congkhai.tinh.example.vn\"\n\
         output_dir = \"public\"\n"
    );
    std::fs::write(dir.join(FILE), text).map_err(io)?;
    std::fs::write(
        dir.join(".gitignore"),
        "/public/\n/.congkhai/\n/sites/*/public/\n/sites/*/public-preview/\n",
    )
    .map_err(io)?;
    std::fs::write(dir.join("sites/.gitkeep"), "").map_err(io)?;
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_names() {
        for ok in ["xa-kim-lien", "phuong-1", "a"] {
            assert!(check_site_name(ok).is_ok(), "{ok}");
        }
        for bad in [
            "", "../x", "..", ".", "/etc", "a/b", "Xa", "xã", "-x", "a b", "a\\b",
        ] {
            assert!(check_site_name(bad).is_err(), "{bad:?}");
        }
        assert!(check_site_name(&"a".repeat(64)).is_err());
    }

    #[test]
    fn defaults_merge_under_the_site() {
        let mut site: toml::Table = "theme = \"x\"\n[rules]\nmin_posting_days = 40\n"
            .parse()
            .unwrap();
        let shared: toml::Table =
            "theme = \"congkhai\"\ntitle = \"T\"\n[rules]\nmin_posting_days = 30\nmax = 1\n"
                .parse()
                .unwrap();
        crate::config::merge_defaults(&mut site, &shared);
        assert_eq!(site["theme"].as_str(), Some("x"));
        assert_eq!(site["title"].as_str(), Some("T"));
        assert_eq!(site["rules"]["min_posting_days"].as_integer(), Some(40));
        assert_eq!(site["rules"]["max"].as_integer(), Some(1));
    }
}
