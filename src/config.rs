//! `config.toml`: Zola's keys where they apply, plus congkhai's `[ward]`, `[rules]`,
//! `[approval]`, `[privacy]` and `[links]` tables.
//!
//! A config with a `[ward]` table is a congkhai portal: the approval gate and the legal
//! rules apply. Without it the site is a plain Zola site and builds as Zola would.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::text;

/// Keys congkhai implements at the top level of `config.toml`.
const KNOWN_KEYS: &[&str] = &[
    "base_url",
    "title",
    "description",
    "default_language",
    "theme",
    "minify_html",
    "generate_sitemap",
    "generate_robots_txt",
    "generate_feeds",
    "feed_filenames",
    "feed_limit",
    "taxonomies",
    "build_search_index",
    "ignored_content",
    "ignored_static",
    "output_dir",
    "markdown",
    "extra",
    "ward",
    "signing",
    "rules",
    "approval",
    "privacy",
    "links",
    "build",
];

/// Zola keys congkhai accepts but does not act on (one warning each).
const ZOLA_ONLY_KEYS: &[&str] = &[
    "compile_sass",
    "hard_link_static",
    "preserve_dotfiles_in_output",
    "author",
    "languages",
    "translations",
    "search",
    "link_checker",
    "slugify",
    "mode",
    "generate_feed",
    "feed_filename",
    "minify_html_in_dev",
    "exclude_paginated_pages_in_sitemap",
    "export_sitemap",
    "ignored_content_globset",
];

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub base_url: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default = "default_language")]
    pub default_language: String,
    #[serde(default)]
    pub theme: Option<String>,
    #[serde(default)]
    pub minify_html: bool,
    #[serde(default = "yes")]
    pub generate_sitemap: bool,
    #[serde(default = "yes")]
    pub generate_robots_txt: bool,
    #[serde(default)]
    pub generate_feeds: bool,
    #[serde(default = "default_feed_filenames")]
    pub feed_filenames: Vec<String>,
    #[serde(default)]
    pub feed_limit: Option<usize>,
    #[serde(default)]
    pub taxonomies: Vec<TaxonomyConfig>,
    /// Zola's switch; for a portal the search index is on unless set to false.
    #[serde(default)]
    pub build_search_index: Option<bool>,
    #[serde(default)]
    pub ignored_content: Vec<String>,
    #[serde(default)]
    pub ignored_static: Vec<String>,
    #[serde(default)]
    pub output_dir: Option<String>,
    #[serde(default)]
    pub markdown: toml::Table,
    #[serde(default)]
    pub extra: toml::Table,
    #[serde(default)]
    pub ward: Option<Ward>,
    #[serde(default)]
    pub rules: Rules,
    #[serde(default)]
    pub approval: ApprovalConfig,
    #[serde(default)]
    pub privacy: PrivacyConfig,
    #[serde(default)]
    pub links: LinksConfig,
    #[serde(default)]
    pub build: BuildConfig,
    /// `[open_data]`: the licence of the published datasets (data packages, catalogue).
    #[serde(default)]
    pub open_data: OpenDataConfig,
    /// `[signing]`: the ward's minisign public key; the history entries are signed with
    /// its secret key, which never lives in the repository.
    #[serde(default)]
    pub signing: SigningConfig,
}

fn default_language() -> String {
    "vi".to_string()
}
fn yes() -> bool {
    true
}
fn default_feed_filenames() -> Vec<String> {
    vec!["atom.xml".to_string()]
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaxonomyConfig {
    pub name: String,
    #[serde(default)]
    pub paginate_by: Option<usize>,
    #[serde(default)]
    pub paginate_path: Option<String>,
    #[serde(default)]
    pub feed: bool,
    #[serde(default)]
    pub render: Option<bool>,
}

/// The ward or commune that publishes the portal.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ward {
    pub name: String,
    #[serde(default)]
    pub province: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub office_hours: String,
    #[serde(default)]
    pub hotline_police: String,
    #[serde(default)]
    pub website: String,
    #[serde(default)]
    pub map: Option<String>,
    /// Anything else the theme may show (leaders, area…).
    #[serde(default)]
    pub extra: toml::Table,
}

/// Every legal threshold, with its default and legal basis (see docs/rules.md).
/// Laws change and provinces differ: numbers live here, never in logic.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Rules {
    /// Law 10/2022/QH15 Art. 13: posted items stay up ≥ 30 consecutive days.
    pub min_posting_days: i64,
    /// Law 10/2022/QH15 Art. 12: disclose within 5 working days of the decision.
    pub disclosure_working_days: i64,
    /// Hà Nội resolution (seed 000): TDP merger consultation ≥ 7 days.
    pub consultation_min_days: i64,
    /// Law 10/2022/QH15 Art. 21 and TT 14/2018 Art. 7a: more than 50 % of households.
    pub merger_pass_ratio: f64,
    /// NĐ 185/2026: minimum households for a TDP (thôn: `village_min_households`).
    pub group_min_households: i64,
    pub village_min_households: i64,
    /// Hà Nội (seed 000): ≤ 5 part-time posts per TDP.
    pub max_part_time_posts: i64,
    /// ≥ this many households allows `max_deputy_heads_large` deputy heads.
    pub deputy_heads_threshold: i64,
    pub max_deputy_heads_large: i64,
    pub max_deputy_heads_small: i64,
    /// Hà Nội (seed 000): a part-time official holds at most 1 other part-time post.
    pub max_additional_posts: i64,
    /// Turnout below this ratio is a warning, not an error.
    pub turnout_warning_ratio: f64,
    /// Law 10/2022/QH15 Art. 21: contributions and funds need ≥ 2/3.
    pub contribution_pass_ratio: f64,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            min_posting_days: 30,
            disclosure_working_days: 5,
            consultation_min_days: 7,
            merger_pass_ratio: 0.5,
            group_min_households: 300,
            village_min_households: 150,
            max_part_time_posts: 5,
            deputy_heads_threshold: 1000,
            max_deputy_heads_large: 2,
            max_deputy_heads_small: 1,
            max_additional_posts: 1,
            turnout_warning_ratio: 0.7,
            contribution_pass_ratio: 2.0 / 3.0,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ApprovalConfig {
    /// Editorial pages (home, about) that need no approval, by content path
    /// (`_index.md`, `gioi-thieu.md`). Never data.
    pub exempt: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PrivacyConfig {
    /// Exact values the personal-data scanner lets through (the ward's own hotline).
    pub allow_values: Vec<String>,
    /// "full" (default) or "initials".
    pub name_display: Option<String>,
    /// Beneficiary lists are kept out of search engines unless this is true.
    pub index_lists: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LinksConfig {
    /// Domains that warnings may link to (`dichvucong.gov.vn`); subdomains included.
    pub official_domains: Vec<String>,
    /// Whom citizens call about a scam, shown on every warning and poster. The ward's
    /// police (`[ward] hotline_police`) is added first when set. Defaults: 156 and 5656,
    /// the Ministry of Information and Communications' numbers for reporting scam calls
    /// and SMS (Decree 91/2020/NĐ-CP on spam), and 113 for police emergencies.
    pub scam_contacts: Vec<ScamContact>,
}

/// One number to call or text about a scam.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScamContact {
    /// "Báo cuộc gọi lừa đảo".
    pub label: String,
    /// "156".
    pub number: String,
}

impl Default for LinksConfig {
    fn default() -> Self {
        let c = |label: &str, number: &str| ScamContact {
            label: label.to_string(),
            number: number.to_string(),
        };
        LinksConfig {
            official_domains: Vec::new(),
            scam_contacts: vec![
                c("Khẩn cấp, đang bị đe dọa: Công an", "113"),
                c("Báo cuộc gọi lừa đảo, làm phiền", "156"),
                c("Nhắn tin báo tin nhắn lừa đảo", "5656"),
            ],
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BuildConfig {
    /// Where the verifiable history chain lives, relative to the site root.
    pub history_dir: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OpenDataConfig {
    /// SPDX identifier of the datasets' licence (Data Package `licenses[].name`).
    pub license: String,
    /// Its name as people read it.
    pub license_title: String,
    /// Where its text is.
    pub license_url: String,
}

impl Default for OpenDataConfig {
    /// Creative Commons Attribution 4.0: reuse with attribution, the usual licence of
    /// public-sector open data; a ward may set another.
    fn default() -> Self {
        OpenDataConfig {
            license: "CC-BY-4.0".into(),
            license_title: "Creative Commons Ghi công 4.0 Quốc tế".into(),
            license_url: "https://creativecommons.org/licenses/by/4.0/deed.vi".into(),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SigningConfig {
    /// The minisign public key (the base64 line of a `.pub` file, `RW…`).
    pub public_key: Option<String>,
}

impl Config {
    /// A site with a `[ward]` table is a congkhai portal.
    pub fn is_portal(&self) -> bool {
        self.ward.is_some()
    }

    /// Values the personal-data scanner lets through: `[privacy] allow_values` plus the
    /// ward's own public contacts and the scam-report numbers every warning shows.
    pub fn privacy_allow(&self) -> Vec<String> {
        let mut v = self.privacy.allow_values.clone();
        if let Some(w) = &self.ward {
            for s in [&w.phone, &w.email, &w.hotline_police] {
                if !s.trim().is_empty() {
                    v.push(s.trim().to_string());
                }
            }
        }
        v.extend(self.links.scam_contacts.iter().map(|c| c.number.clone()));
        v
    }

    pub fn search_enabled(&self) -> bool {
        self.build_search_index.unwrap_or(self.is_portal())
    }

    /// `base_url` without a trailing slash.
    pub fn base(&self) -> &str {
        self.base_url.trim_end_matches('/')
    }

    /// Absolute URL for a site path like `/van-ban/`.
    pub fn permalink(&self, path: &str) -> String {
        if path.starts_with('/') {
            format!("{}{}", self.base(), path)
        } else {
            format!("{}/{}", self.base(), path)
        }
    }

    pub fn load(root: &Path) -> Result<(Config, Diagnostics), Diagnostics> {
        let path = root.join("config.toml");
        let rel = Path::new("config.toml");
        let raw = match std::fs::read_to_string(&path) {
            Ok(s) => s,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Diagnostic::error(format!(
                    "không tìm thấy tệp cấu hình config.toml trong thư mục {}",
                    path.parent().unwrap_or(root).display()
                ))
                .in_file(rel)
                .hint(
                    "chạy lệnh trong thư mục gốc của trang (nơi có config.toml), dùng --root THƯ_MỤC, \
                     hoặc tạo trang mới bằng `congkhai init THƯ_MỤC`",
                )
                .into());
            }
            Err(e) => {
                return Err(
                    Diagnostic::error(format!("không đọc được config.toml: {e}"))
                        .in_file(rel)
                        .into(),
                );
            }
        };
        Self::parse(&raw)
    }

    pub fn parse(raw: &str) -> Result<(Config, Diagnostics), Diagnostics> {
        let rel = Path::new("config.toml");
        let mut warnings = Diagnostics::new();
        let table: toml::Table = match raw.parse() {
            Ok(t) => t,
            Err(e) => return Err(toml_error(rel, raw, &e, 0).into()),
        };
        let mut errors = Diagnostics::new();
        let mut kept = toml::Table::new();
        for (key, value) in table {
            if KNOWN_KEYS.contains(&key.as_str()) {
                kept.insert(key, value);
            } else if ZOLA_ONLY_KEYS.contains(&key.as_str()) {
                warnings.push(
                    Diagnostic::warning(format!(
                        "khóa \u{201c}{key}\u{201d} của Zola chưa được congkhai hỗ trợ nên bị bỏ qua"
                    ))
                    .at(key_location(rel, raw, &key)),
                );
            } else {
                let mut d =
                    Diagnostic::error(format!("khóa cấu hình không hợp lệ: \u{201c}{key}\u{201d}"))
                        .at(key_location(rel, raw, &key));
                if let Some(s) = text::did_you_mean(&key, KNOWN_KEYS.iter().copied()) {
                    d = d.hint(format!("có phải ý bạn là \u{201c}{s}\u{201d}?"));
                } else {
                    d = d.hint("xóa khóa này hoặc đưa nó vào bảng [extra]");
                }
                errors.push(d);
            }
        }
        if errors.has_errors() {
            return Err(errors);
        }
        // A portal publishes its Atom feed unless config.toml says `generate_feeds = false`
        // (Zola's default, off, stays for a plain Zola site).
        let feeds_set = kept.contains_key("generate_feeds");
        let mut config: Config = match kept.try_into() {
            Ok(c) => c,
            Err(e) => {
                let e: toml::de::Error = e;
                return Err(Diagnostic::error(format!(
                    "config.toml không hợp lệ: {}",
                    e.message()
                ))
                .in_file(rel)
                .hint("xem mẫu cấu hình trong README.md, mục config.toml")
                .into());
            }
        };
        if config.is_portal() && !feeds_set {
            config.generate_feeds = true;
        }
        if let Some(ward) = &config.ward
            && ward.name.trim().is_empty()
        {
            return Err(Diagnostic::error("bảng [ward] thiếu tên phường/xã (name)")
                .at(key_location(rel, raw, "ward"))
                .hint("thêm dòng name = \"Phường …\" vào bảng [ward]")
                .into());
        }
        Ok((config, warnings))
    }
}

/// Position of `key = ` or `[key]` in a TOML source, for messages.
fn key_location(file: &Path, raw: &str, key: &str) -> Location {
    for (i, line) in raw.lines().enumerate() {
        let t = line.trim_start();
        let header = t.starts_with(&format!("[{key}]")) || t.starts_with(&format!("[[{key}]]"));
        let assign = t
            .strip_prefix(key)
            .is_some_and(|rest| rest.trim_start().starts_with('='));
        if header || assign {
            return Location::at(file, i + 1, line.len() - t.len() + 1);
        }
    }
    Location::file(file)
}

/// Turn a TOML parse error into a diagnostic with line:column. `line_offset` is added to
/// the line (front matter starts after the `+++` line).
pub fn toml_error(file: &Path, raw: &str, e: &toml::de::Error, line_offset: usize) -> Diagnostic {
    let loc = match e.span() {
        Some(span) => {
            let before = &raw[..span.start.min(raw.len())];
            let line = before.matches('\n').count() + 1;
            let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            Location::at(file, line + line_offset, col)
        }
        None => Location::file(file),
    };
    Diagnostic::error(format!("cú pháp TOML sai: {}", e.message().trim()))
        .at(loc)
        .hint("kiểm tra dấu ngoặc kép quanh chữ, dấu = giữa tên và giá trị, và ngày viết dạng 2026-06-10")
}

/// Free-form extras as JSON for templates.
pub fn toml_to_json(t: &toml::Table) -> serde_json::Value {
    serde_json::to_value(t).unwrap_or(serde_json::Value::Null)
}

/// Sorted map helper for deterministic output.
pub type SortedMap<V> = BTreeMap<String, V>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimal_zola_config_is_not_a_portal() {
        let (c, w) =
            Config::parse("base_url = \"https://x.vn\"\ntitle = \"T\"\ncompile_sass = false\n")
                .unwrap();
        assert!(!c.is_portal());
        assert_eq!(
            w.warning_count(),
            1,
            "compile_sass is a Zola key we ignore with a warning"
        );
        assert_eq!(c.rules.min_posting_days, 30);
    }

    #[test]
    fn unknown_key_is_an_error_with_suggestion() {
        let err = Config::parse("base_url = \"x\"\ntitel = \"T\"\n").unwrap_err();
        let d = err.iter().next().unwrap();
        assert_eq!(d.location.as_ref().unwrap().line, Some(2));
        assert!(d.hint.as_deref().unwrap().contains("title"));
    }

    #[test]
    fn broken_toml_reports_line() {
        let err = Config::parse("base_url = \"x\"\ntitle = \"unterminated\n").unwrap_err();
        let d = err.iter().next().unwrap();
        assert_eq!(d.location.as_ref().unwrap().line, Some(2));
    }

    #[test]
    fn ward_makes_a_portal_and_rules_override() {
        let (c, _) = Config::parse(
            "base_url = \"x\"\n[ward]\nname = \"Phường Hòa An\"\n[rules]\nmin_posting_days = 45\n",
        )
        .unwrap();
        assert!(c.is_portal());
        assert_eq!(c.rules.min_posting_days, 45);
        assert_eq!(c.rules.consultation_min_days, 7);
    }
}
