//! `config.toml`: Zola's keys where they apply, plus congkhai's `[ward]`, `[rules]`,
//! `[approval]`, `[privacy]` and `[links]` tables.
//!
//! A config with a `[ward]` table is a congkhai portal: the approval gate and the legal
//! rules apply. Without it the site is a plain Zola site and builds as Zola would.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

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
    "vocabulary",
    "languages",
    "translations",
    "slugify",
    "taxonomy_root",
    "skip_content_templating",
    "author",
    "compile_sass",
];

/// Keys of Zola `next`'s `[markdown]` table. congkhai renders Markdown its own way
/// (sanitised, Vietnamese heading ids), so each is accepted with a warning when set;
/// another key is an error, as in Zola.
const ZOLA_MARKDOWN_KEYS: &[&str] = &[
    "highlighting",
    "render_emoji",
    "external_links_class",
    "external_links_target_blank",
    "external_links_no_follow",
    "external_links_no_referrer",
    "external_links_external",
    "smart_punctuation",
    "definition_list",
    "bottom_footnotes",
    "lazy_async_image",
    "insert_anchor_links",
    "github_alerts",
];

/// Zola keys congkhai accepts but does not act on (one warning each).
const ZOLA_ONLY_KEYS: &[&str] = &[
    "hard_link_static",
    "preserve_dotfiles_in_output",
    "search",
    "link_checker",
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
    /// `[vocabulary]`: the words a unit uses for categories, forms and types, with
    /// defaults (docs/xa-phuong.md).
    #[serde(default)]
    pub vocabulary: Vocabulary,
    /// The file this was read from, relative to the root (`--config`); set by
    /// [`Config::load_file`], never read from or written to the file itself.
    #[serde(skip)]
    pub file: PathBuf,
    /// `[languages.xx]`: the site's other languages (Zola's multilingual model, see
    /// `crate::i18n` and docs/languages.md). Never holds the default language after
    /// `Config::parse` (its table is merged into the top-level keys).
    #[serde(default)]
    pub languages: BTreeMap<String, LanguageConfig>,
    /// `[translations]`: the default language's strings for `trans()`, over the theme's.
    #[serde(default)]
    pub translations: BTreeMap<String, String>,
    /// The province workspace's shared `themes/` folder, when the site is built as part
    /// of a workspace (never read from config.toml): a theme the site does not have in
    /// its own `themes/` is looked up there.
    #[serde(skip)]
    pub shared_themes: Option<PathBuf>,
    /// Zola's `[slugify]`: how page slugs, taxonomy paths and heading ids are made.
    #[serde(default)]
    pub slugify: Slugify,
    /// Zola's `compile_sass`: compile the site's `sass/` into stylesheets.
    #[serde(default)]
    pub compile_sass: bool,
    /// Zola's `author`: the default author of feed entries on a plain Zola site (a
    /// portal's feeds are by the ward).
    #[serde(default)]
    pub author: Option<String>,
    /// Zola's `taxonomy_root`: a folder every taxonomy path sits under (`/blog/tags/`).
    #[serde(default)]
    pub taxonomy_root: Option<String>,
    /// Zola's `skip_content_templating`: globs (relative to `content/`) of Markdown files
    /// whose shortcodes are left as written.
    #[serde(default)]
    pub skip_content_templating: Vec<String>,
}

/// One `[languages.xx]` table, with Zola `next`'s keys.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LanguageConfig {
    pub title: Option<String>,
    pub description: Option<String>,
    pub generate_feeds: bool,
    pub feed_filenames: Vec<String>,
    pub taxonomies: Vec<TaxonomyConfig>,
    pub build_search_index: bool,
    /// Zola's per-language `[search]` options: accepted, not used (congkhai's index has
    /// one format).
    pub search: toml::Table,
    pub translations: BTreeMap<String, String>,
}

impl Default for LanguageConfig {
    fn default() -> Self {
        LanguageConfig {
            title: None,
            description: None,
            generate_feeds: false,
            feed_filenames: default_feed_filenames(),
            taxonomies: Vec::new(),
            build_search_index: false,
            search: toml::Table::new(),
            translations: BTreeMap::new(),
        }
    }
}

/// What a province workspace (`congkhai.toml`, src/workspace/) gives every site it
/// builds: top-level keys and tables of config.toml that a site's own config.toml
/// overrides key by key (`theme`, `[rules]`, …), and the shared `themes/` folder.
#[derive(Debug, Clone, Default)]
pub struct SiteDefaults {
    pub table: toml::Table,
    pub themes_dir: Option<PathBuf>,
    /// SHA-256 of everything of the workspace a site's build depends on besides its own
    /// folder (`congkhai.toml`, the shared `themes/`): part of each site's incremental
    /// cache key, so editing them rebuilds every site.
    pub fingerprint: String,
}

/// `defaults` under `table`: a key the site lacks is added; a table both have is merged
/// one level down (the site's keys win).
pub fn merge_defaults(table: &mut toml::Table, defaults: &toml::Table) {
    for (key, value) in defaults {
        match (table.get_mut(key), value) {
            (None, v) => {
                table.insert(key.clone(), v.clone());
            }
            (Some(toml::Value::Table(site)), toml::Value::Table(shared)) => {
                for (k, v) in shared {
                    site.entry(k.clone()).or_insert_with(|| v.clone());
                }
            }
            _ => {}
        }
    }
}

/// Zola's `[slugify]` table.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Slugify {
    pub paths: text::SlugStrategy,
    /// Keep the `2026-06-10-` prefix of a dated file name in its slug.
    pub paths_keep_dates: bool,
    pub taxonomies: text::SlugStrategy,
    pub anchors: text::SlugStrategy,
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
    /// Accepted as Zola accepts it; the slug is always made from `name` with
    /// `[slugify] taxonomies` (see `Config::taxonomy_slug`).
    #[serde(default, skip_serializing)]
    pub slug: Option<String>,
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
    /// `type = "xã" | "phường" | "đặc khu"`; when absent, taken from the start of `name`.
    /// After `Config::parse` it always holds the resolved word.
    #[serde(rename = "type", default)]
    pub unit_type: Option<String>,
    /// The kinds of residential units under the commune (tổ dân phố, thôn, làng, buôn,
    /// bản, ấp, khu phố). Default: tổ dân phố for a phường, thôn otherwise. After
    /// `Config::parse` it is never empty.
    #[serde(default)]
    pub residential_units: Vec<String>,
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
    /// Ready-made phrases that follow the unit type, for templates (`config.ward.words`)
    /// and messages. Computed by `Config::parse`, never read from config.toml.
    #[serde(default, skip_deserializing)]
    pub words: UnitWords,
}

/// The three kinds of commune-level unit since 1 July 2025.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UnitType {
    Xa,
    #[default]
    Phuong,
    DacKhu,
}

impl UnitType {
    pub const ALL: [UnitType; 3] = [UnitType::Xa, UnitType::Phuong, UnitType::DacKhu];

    /// The word as written inside a sentence: "xã", "phường", "đặc khu".
    pub fn word(self) -> &'static str {
        match self {
            UnitType::Xa => "xã",
            UnitType::Phuong => "phường",
            UnitType::DacKhu => "đặc khu",
        }
    }

    /// The word at the start of a name: "Xã", "Phường", "Đặc khu".
    pub fn title(self) -> &'static str {
        match self {
            UnitType::Xa => "Xã",
            UnitType::Phuong => "Phường",
            UnitType::DacKhu => "Đặc khu",
        }
    }

    /// `type = "…"` as staff may write it (case and diacritics ignored).
    pub fn parse(s: &str) -> Option<UnitType> {
        let f = text::fold(s.trim());
        let f = f.split_whitespace().collect::<Vec<_>>().join(" ");
        Self::ALL.into_iter().find(|t| text::fold(t.word()) == f)
    }

    /// From the start of the unit's name ("Xã Kon Braih" → xã).
    pub fn from_name(name: &str) -> Option<UnitType> {
        let f = text::fold(name.trim());
        let words: Vec<&str> = f.split_whitespace().collect();
        Self::ALL.into_iter().find(|t| {
            let w = text::fold(t.word());
            let n = w.split_whitespace().count();
            words.len() > n && words[..n].join(" ") == w
        })
    }

    /// The residential unit a unit of this type has when config.toml names none.
    pub fn default_residential(self) -> &'static str {
        match self {
            UnitType::Phuong => "tổ dân phố",
            UnitType::Xa | UnitType::DacKhu => "thôn",
        }
    }
}

/// The kinds of residential units a commune-level unit may have.
pub const RESIDENTIAL_UNITS: &[&str] =
    &["tổ dân phố", "thôn", "làng", "buôn", "bản", "ấp", "khu phố"];

/// Phrases every page, poster, feed and message uses, following `[ward] type` and
/// `[ward] residential_units`: "Ủy ban nhân dân xã", "Công an xã", "thôn"…
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UnitWords {
    /// "xã"
    pub unit: String,
    /// "Xã"
    pub unit_title: String,
    /// "Ủy ban nhân dân xã"
    pub ubnd: String,
    /// "UBND xã"
    pub ubnd_short: String,
    /// "ỦY BAN NHÂN DÂN XÃ"
    pub ubnd_upper: String,
    /// "Hội đồng nhân dân xã"
    pub hdnd: String,
    /// "HĐND xã"
    pub hdnd_short: String,
    /// "Công an xã"
    pub police: String,
    /// "Chủ tịch UBND xã"
    pub chairman: String,
    /// "cán bộ xã"
    pub staff: String,
    /// The first configured residential unit: "thôn", "tổ dân phố".
    pub residential: String,
    /// Its short form in counts ("12 tổ", "12 thôn").
    pub residential_short: String,
    /// Every configured residential unit, joined: "thôn, tổ dân phố".
    pub residential_all: String,
}

impl UnitWords {
    pub fn new(t: UnitType, residential: &[String]) -> UnitWords {
        let u = t.word();
        let first = residential
            .first()
            .cloned()
            .unwrap_or_else(|| t.default_residential().to_string());
        let short = if first == "tổ dân phố" {
            "tổ".to_string()
        } else {
            first.clone()
        };
        let all = if residential.is_empty() {
            first.clone()
        } else {
            residential.join(", ")
        };
        UnitWords {
            unit: u.to_string(),
            unit_title: t.title().to_string(),
            ubnd: format!("Ủy ban nhân dân {u}"),
            ubnd_short: format!("UBND {u}"),
            ubnd_upper: format!("ỦY BAN NHÂN DÂN {}", u.to_uppercase()),
            hdnd: format!("Hội đồng nhân dân {u}"),
            hdnd_short: format!("HĐND {u}"),
            police: format!("Công an {u}"),
            chairman: format!("Chủ tịch UBND {u}"),
            staff: format!("cán bộ {u}"),
            residential: first,
            residential_short: short,
            residential_all: all,
        }
    }
}

impl Ward {
    /// The resolved unit type (after `Config::parse`; phường before).
    pub fn unit(&self) -> UnitType {
        self.unit_type
            .as_deref()
            .and_then(UnitType::parse)
            .unwrap_or_default()
    }
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
    /// Extra days off declared for the year (the government's Tết arrangement, a
    /// provincial holiday): `["2026-02-16", …]`. Not working days.
    pub days_off: Vec<toml::Value>,
    /// Make-up working days (a Saturday worked in exchange for a day off).
    pub working_days: Vec<toml::Value>,
    /// Labour Code 2019 Art. 112: Quốc khánh is 2/9 and one adjacent day, "before"
    /// (1/9, default) or "after" (3/9), as the government sets each year.
    pub national_day_adjacent: String,
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
            days_off: Vec::new(),
            working_days: Vec::new(),
            national_day_adjacent: "before".to_string(),
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
    /// From how many content files a build holds the pages' Markdown and body HTML
    /// out of memory (both in a spill file beside the output, `content::spill`;
    /// docs/architecture.md "Memory"). `None`: [`LOW_MEMORY_PAGES`];
    /// 0: always.
    pub low_memory_pages: Option<usize>,
}

/// Memory (100,000-page benchmark, docs/benchmarks.md): the default of `[build]
/// low_memory_pages`. Below it a build keeps bodies and HTML in memory (no spill
/// writes and reads; a 20,000-page site peaks near 250 MiB that way).
pub const LOW_MEMORY_PAGES: usize = 20_000;

impl BuildConfig {
    /// Whether a site of `files` content files is built in the low-memory way.
    pub fn low_memory(&self, files: usize) -> bool {
        files >= self.low_memory_pages.unwrap_or(LOW_MEMORY_PAGES)
    }
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

/// `[vocabulary]`: lists that differ between units, as configuration with defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Vocabulary {
    /// Household categories a support programme may name (the hint of a programme
    /// without `categories`, and its categories when it declares none).
    pub household_categories: Vec<String>,
    /// When true, a programme category not in `household_categories` is an error;
    /// otherwise a warning (the category is still published).
    pub household_categories_strict: bool,
    /// Forms of support in a donations ledger (seed 002). A cell is matched to one of
    /// them ignoring case and diacritics, or by a known keyword ("đột xuất" → khẩn cấp).
    pub support_forms: Vec<String>,
    /// When true, a form not in `support_forms` is an error; otherwise it is published
    /// as written.
    pub support_forms_strict: bool,
    /// How every disclosed item is made public, as the quarterly register (Law
    /// 10/2022/QH15 Art. 13) lists it. Usual forms: Trang thông tin điện tử, Loa truyền
    /// thanh, Bảng tin nhà văn hóa, Nhóm Zalo, Hội nghị.
    pub posting_forms: Vec<String>,
    /// Document types (`doc_type` of a document); another type is a warning.
    pub document_types: Vec<String>,
}

/// The usual forms of disclosure (Law 10/2022/QH15 Art. 12; seed 002).
pub const USUAL_POSTING_FORMS: &[&str] = &[
    "Trang thông tin điện tử",
    "Loa truyền thanh",
    "Bảng tin nhà văn hóa",
    "Nhóm Zalo",
    "Hội nghị",
];

impl Default for Vocabulary {
    fn default() -> Self {
        let v = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        Vocabulary {
            household_categories: v(&[
                "Hộ nghèo",
                "Hộ cận nghèo",
                "Hộ mới thoát nghèo",
                "Hộ mới thoát cận nghèo",
            ]),
            household_categories_strict: false,
            support_forms: v(&[
                "Hỗ trợ khẩn cấp",
                "Hỗ trợ sinh kế",
                "Hỗ trợ giáo dục",
                "Hỗ trợ hạ tầng",
                "Hỗ trợ tinh thần",
            ]),
            support_forms_strict: false,
            posting_forms: v(&["Trang thông tin điện tử"]),
            document_types: v(&[
                "Kế hoạch",
                "Nghị quyết",
                "Quyết định",
                "Công văn",
                "Thông báo",
                "Báo cáo",
                "Chỉ thị",
                "Tờ trình",
                "Đề án",
                "Biên bản",
                "Hướng dẫn",
            ]),
        }
    }
}

impl Vocabulary {
    /// The entry of `list` matching `text` ignoring case, diacritics and spacing.
    pub fn find<'a>(list: &'a [String], text: &str) -> Option<&'a str> {
        let key = |s: &str| {
            text::fold(s)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        };
        let k = key(text);
        list.iter().find(|e| key(e) == k).map(String::as_str)
    }

    /// A record's own `[record] posting_forms` (how this record is made public, for
    /// the quarterly register), each matched to `posting_forms` (case and diacritics
    /// ignored); `Ok(None)` when the record has none. A form outside the vocabulary, or
    /// a value that is not a list of texts, is the error message.
    pub fn record_posting_forms(
        &self,
        record: &toml::Table,
    ) -> Result<Option<Vec<String>>, String> {
        let Some(v) = record.get("posting_forms") else {
            return Ok(None);
        };
        let items: Vec<&str> = match v {
            toml::Value::Array(a) if !a.is_empty() => {
                match a.iter().map(|x| x.as_str()).collect::<Option<Vec<&str>>>() {
                    Some(items) => items,
                    None => return Err("record.posting_forms phải là danh sách hình thức công khai, mỗi hình thức trong dấu ngoặc kép".into()),
                }
            }
            toml::Value::String(s) => vec![s.as_str()],
            _ => return Err("record.posting_forms phải là danh sách hình thức công khai, ví dụ [\"Bảng tin nhà văn hóa\"]".into()),
        };
        let mut out: Vec<String> = Vec::new();
        for item in items {
            match Self::find(&self.posting_forms, item) {
                Some(f) => {
                    if !out.iter().any(|o| o == f) {
                        out.push(f.to_string());
                    }
                }
                None => {
                    return Err(format!(
                        "hình thức công khai \u{201c}{}\u{201d} không có trong posting_forms của bảng [vocabulary] ({})",
                        item.trim(),
                        self.posting_forms.join(", ")
                    ));
                }
            }
        }
        Ok(Some(out))
    }

    /// Lists normalised to NFC, blanks and duplicates dropped; an empty list is an error.
    fn check(&mut self, raw: &str, rel: &Path) -> Result<(), Diagnostics> {
        let mut errors = Diagnostics::new();
        for (key, list) in [
            ("household_categories", &mut self.household_categories),
            ("support_forms", &mut self.support_forms),
            ("posting_forms", &mut self.posting_forms),
            ("document_types", &mut self.document_types),
        ] {
            let mut out: Vec<String> = Vec::new();
            for s in list.iter() {
                let s = text::nfc(s.trim());
                if !s.is_empty() && Self::find(&out, &s).is_none() {
                    out.push(s);
                }
            }
            if out.is_empty() {
                errors.push(
                    Diagnostic::error(format!(
                        "danh sách {key} trong bảng [vocabulary] đang trống"
                    ))
                    .at(key_location(rel, raw, key))
                    .hint(format!(
                        "ghi ít nhất một giá trị, hoặc xóa dòng {key} để dùng danh sách mặc định"
                    )),
                );
            }
            *list = out;
        }
        if errors.has_errors() {
            Err(errors)
        } else {
            Ok(())
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SigningConfig {
    /// The minisign public key (the base64 line of a `.pub` file, `RW…`).
    pub public_key: Option<String>,
}

impl Rules {
    /// The working-day calendar: weekends, the official holidays (computed, lunar ones
    /// included) and `days_off`/`working_days`. Dates that do not parse were reported
    /// by `Config::parse`.
    pub fn work_calendar(&self) -> crate::holidays::WorkCalendar {
        crate::holidays::WorkCalendar {
            days_off: self.days_off.iter().filter_map(config_date).collect(),
            working_days: self.working_days.iter().filter_map(config_date).collect(),
            national_day_after: self.national_day_adjacent == "after",
        }
    }

    fn check(&self, raw: &str, rel: &Path) -> Result<(), Diagnostics> {
        let mut errors = Diagnostics::new();
        for (key, list) in [
            ("days_off", &self.days_off),
            ("working_days", &self.working_days),
        ] {
            for v in list {
                if config_date(v).is_none() {
                    errors.push(
                        Diagnostic::error(format!(
                            "ngày không hợp lệ trong {key} của bảng [rules]: {v}"
                        ))
                        .at(key_location(rel, raw, key))
                        .hint(format!("viết ngày dạng năm-tháng-ngày, ví dụ {key} = [\"2026-02-16\", \"2026-02-23\"]")),
                    );
                }
            }
        }
        if !["before", "after"].contains(&self.national_day_adjacent.as_str()) {
            errors.push(
                Diagnostic::error(format!(
                    "national_day_adjacent = \u{201c}{}\u{201d} không hợp lệ",
                    self.national_day_adjacent
                ))
                .at(key_location(rel, raw, "national_day_adjacent"))
                .hint("ghi national_day_adjacent = \"before\" (nghỉ 1/9 và 2/9) hoặc \"after\" (nghỉ 2/9 và 3/9)"),
            );
        }
        if errors.has_errors() {
            Err(errors)
        } else {
            Ok(())
        }
    }
}

/// A date in config.toml, written `2026-02-16` or `"2026-02-16"`.
fn config_date(v: &toml::Value) -> Option<chrono::NaiveDate> {
    let s = match v {
        toml::Value::String(s) => s.trim().to_string(),
        toml::Value::Datetime(dt) if dt.time.is_none() && dt.offset.is_none() => dt.to_string(),
        _ => return None,
    };
    chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok()
}

/// What [`Config::permalink`] puts between the base URL and a site path: a `/` when
/// the path has none. The sitemap writes permalinks in pieces with it.
pub fn permalink_separator(path: &str) -> &'static str {
    if path.starts_with('/') { "" } else { "/" }
}

impl Config {
    /// The URL part of a taxonomy (`categories`), under `[slugify] taxonomies`.
    pub fn taxonomy_slug(&self, t: &TaxonomyConfig) -> String {
        text::slugify_path(&t.name, self.slugify.taxonomies)
    }

    /// The slug of a taxonomy term, under `[slugify] taxonomies`.
    pub fn term_slug(&self, name: &str) -> String {
        text::slugify_path(name, self.slugify.taxonomies)
    }

    /// A taxonomy's list page, as Zola's `get_taxonomy_path`: `/tags/`, or
    /// `/blog/tags/` with `taxonomy_root = "blog"`.
    pub fn taxonomy_path(&self, t: &TaxonomyConfig) -> String {
        self.taxonomy_path_in(&self.default_language, t)
    }

    /// A term's page: the taxonomy path and the term slug (`/tags/ho-ngheo/`).
    pub fn taxonomy_term_path(&self, t: &TaxonomyConfig, term_slug: &str) -> String {
        self.taxonomy_term_path_in(&self.default_language, t, term_slug)
    }

    /// A language's taxonomy list page, as Zola's `get_taxonomy_path(lang, …)`:
    /// `/en/tags/` (or `/en/blog/tags/` with `taxonomy_root`) for a language other than
    /// the default.
    pub fn taxonomy_path_in(&self, lang: &str, t: &TaxonomyConfig) -> String {
        let slug = self.taxonomy_slug(t);
        let prefix = self.language_prefix(lang);
        match self.taxonomy_root.as_deref().map(|r| r.trim_matches('/')) {
            Some(root) if !root.is_empty() => format!("{prefix}/{root}/{slug}/"),
            _ => format!("{prefix}/{slug}/"),
        }
    }

    /// A language's term page (`/en/tags/poor-households/`).
    pub fn taxonomy_term_path_in(&self, lang: &str, t: &TaxonomyConfig, term_slug: &str) -> String {
        format!("{}{term_slug}/", self.taxonomy_path_in(lang, t))
    }

    /// The taxonomies of each language, default language first: the top-level
    /// `taxonomies` for the default, `[languages.xx] taxonomies` for the others (as Zola:
    /// a language has only the taxonomies its own table declares).
    pub fn taxonomies_by_language(&self) -> Vec<(&str, &[TaxonomyConfig])> {
        let mut out = vec![(self.default_language.as_str(), self.taxonomies.as_slice())];
        for (code, l) in &self.languages {
            if *code != self.default_language {
                out.push((code.as_str(), l.taxonomies.as_slice()));
            }
        }
        out
    }

    /// The feed file names of a language (`feed_filenames` of `[languages.xx]`, the
    /// site's for the default language).
    pub fn feed_filenames_of(&self, lang: &str) -> &[String] {
        match self.languages.get(lang) {
            Some(l) if lang != self.default_language && !l.feed_filenames.is_empty() => {
                &l.feed_filenames
            }
            _ => &self.feed_filenames,
        }
    }

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
        // Zola's `author` ("ban@example.com (Tên)") is the site's own public address.
        if let Some(a) = &self.author {
            v.extend(
                a.split_whitespace()
                    .map(|w| w.trim_matches(|c| matches!(c, '<' | '>' | '(' | ')' | ',')))
                    .filter(|w| w.contains('@'))
                    .map(str::to_string),
            );
        }
        v
    }

    /// The phrases that follow `[ward] type` ("Ủy ban nhân dân xã"…); a plain Zola site
    /// (no `[ward]`) gets a phường's.
    pub fn words(&self) -> UnitWords {
        match &self.ward {
            Some(w) => w.words.clone(),
            None => UnitWords::new(UnitType::Phuong, &[]),
        }
    }

    /// The site's languages other than the default, sorted.
    pub fn other_languages(&self) -> Vec<&str> {
        self.languages.keys().map(String::as_str).collect()
    }

    /// More than one language: the header shows a language switcher.
    pub fn is_multilingual(&self) -> bool {
        !self.languages.is_empty()
    }

    /// Site path prefix of a language: `` for the default, `/en` for English.
    pub fn language_prefix(&self, lang: &str) -> String {
        if lang == self.default_language {
            String::new()
        } else {
            format!("/{lang}")
        }
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
        // Speed (10,000-page benchmark): called several times for every page; two
        // `push_str` into an exact allocation instead of `format!`'s machinery.
        let base = self.base();
        let mut out = String::with_capacity(base.len() + path.len() + 1);
        out.push_str(base);
        out.push_str(permalink_separator(path));
        out.push_str(path);
        out
    }

    pub fn load(root: &Path) -> Result<(Config, Diagnostics), Diagnostics> {
        Self::load_file_with(root, None, None)
    }

    /// The folder of theme `theme`: the site's own `themes/<theme>`, else the province
    /// workspace's shared one when it has it, else the site's (missing) folder.
    pub fn theme_dir(&self, root: &Path, theme: &str) -> PathBuf {
        let own = root.join("themes").join(theme);
        if !own.is_dir()
            && let Some(shared) = &self.shared_themes
        {
            let s = shared.join(theme);
            if s.is_dir() {
                return s;
            }
        }
        own
    }

    /// [`Config::load`] for a site of a province workspace: `defaults` fill in what the
    /// site's config.toml does not set.
    pub fn load_with(
        root: &Path,
        defaults: Option<&SiteDefaults>,
    ) -> Result<(Config, Diagnostics), Diagnostics> {
        Self::load_file_with(root, None, defaults)
    }

    /// The configuration file of the site at `root`: `file` (`--config`, relative to the
    /// root), else `zola.toml` when it exists (as Zola `next`), else `config.toml`.
    pub fn file_name(root: &Path, file: Option<&Path>) -> PathBuf {
        match file {
            Some(f) => f.to_path_buf(),
            None if root.join("zola.toml").is_file() => PathBuf::from("zola.toml"),
            None => PathBuf::from("config.toml"),
        }
    }

    /// [`Config::load`] from another file (`congkhai --config config.staging.toml`);
    /// messages name that file.
    pub fn load_file(
        root: &Path,
        file: Option<&Path>,
    ) -> Result<(Config, Diagnostics), Diagnostics> {
        Self::load_file_with(root, file, None)
    }

    /// [`Config::load_file`] with a province workspace's defaults (`load_with`).
    pub fn load_file_with(
        root: &Path,
        file: Option<&Path>,
        defaults: Option<&SiteDefaults>,
    ) -> Result<(Config, Diagnostics), Diagnostics> {
        let rel = Self::file_name(root, file);
        let path = root.join(&rel);
        let shown = rel.display().to_string();
        let raw = match std::fs::read_to_string(&path) {
            Ok(s) => s,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Diagnostic::error(format!(
                    "không tìm thấy tệp cấu hình {shown} trong thư mục {}",
                    path.parent().unwrap_or(root).display()
                ))
                .in_file(&rel)
                .hint(if file.is_some() {
                    "tên tệp ở --config tính từ thư mục gốc của trang (--root), ví dụ --config config.staging.toml".to_string()
                } else {
                    "chạy lệnh trong thư mục gốc của trang (nơi có config.toml), dùng --root THƯ_MỤC, \
                     hoặc tạo trang mới bằng `congkhai init THƯ_MỤC`".to_string()
                })
                .into());
            }
            Err(e) => {
                return Err(Diagnostic::error(format!("không đọc được {shown}: {e}"))
                    .in_file(&rel)
                    .into());
            }
        };
        let (mut config, warnings) = Self::parse_named(&raw, defaults.map(|d| &d.table), &rel)?;
        config.file = rel;
        config.shared_themes = defaults.and_then(|d| d.themes_dir.clone());
        Ok((config, warnings))
    }

    /// The configuration file this config was read from, relative to the site root.
    pub fn source_file(&self) -> &Path {
        if self.file.as_os_str().is_empty() {
            Path::new("config.toml")
        } else {
            &self.file
        }
    }

    pub fn parse(raw: &str) -> Result<(Config, Diagnostics), Diagnostics> {
        Self::parse_with(raw, None)
    }

    /// [`Config::parse`] with a workspace's defaults merged under the site's keys.
    pub fn parse_with(
        raw: &str,
        defaults: Option<&toml::Table>,
    ) -> Result<(Config, Diagnostics), Diagnostics> {
        Self::parse_named(raw, defaults, Path::new("config.toml"))
    }

    /// [`Config::parse_with`] for the file `rel` (relative to the site root:
    /// `config.toml`, `zola.toml`, or the `-c` file), which every message names.
    pub fn parse_named(
        raw: &str,
        defaults: Option<&toml::Table>,
        rel: &Path,
    ) -> Result<(Config, Diagnostics), Diagnostics> {
        let shown = rel.display().to_string();
        let mut warnings = Diagnostics::new();
        let mut table: toml::Table = match raw.parse() {
            Ok(t) => t,
            Err(e) => return Err(toml_error(rel, raw, &e, 0).into()),
        };
        if let Some(d) = defaults {
            merge_defaults(&mut table, d);
        }
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
        if let Some(toml::Value::Table(md)) = kept.get("markdown") {
            for key in md.keys() {
                let at = match key_location(rel, raw, &format!("markdown.{key}")) {
                    l if l.line.is_some() => l,
                    _ => key_location(rel, raw, key),
                };
                if !ZOLA_MARKDOWN_KEYS.contains(&key.as_str()) {
                    let mut d = Diagnostic::error(format!(
                        "khóa không hợp lệ trong bảng [markdown]: \u{201c}{key}\u{201d}"
                    ))
                    .at(at);
                    if let Some(s) = text::did_you_mean(key, ZOLA_MARKDOWN_KEYS.iter().copied()) {
                        d = d.hint(format!("có phải ý bạn là \u{201c}{s}\u{201d}?"));
                    } else {
                        d = d.hint(format!(
                            "bảng [markdown] của Zola chỉ nhận: {}",
                            ZOLA_MARKDOWN_KEYS.join(", ")
                        ));
                    }
                    errors.push(d);
                } else {
                    warnings.push(Diagnostic::warning(format!(
                        "khóa [markdown] {key} của Zola chưa được congkhai áp dụng nên bị bỏ qua{}",
                        if key == "highlighting" {
                            " (congkhai không tô màu mã nguồn, xem docs/zola-compatibility.md)"
                        } else {
                            ""
                        }
                    ))
                    .at(at));
                }
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
                return Err(
                    Diagnostic::error(format!("{shown} không hợp lệ: {}", e.message()))
                        .in_file(rel)
                        .hint("xem mẫu cấu hình trong README.md, mục config.toml")
                        .into(),
                );
            }
        };
        if config.slugify.anchors != text::SlugStrategy::On {
            warnings.push(
                Diagnostic::warning(
                    "khóa [slugify] anchors của Zola chưa được congkhai áp dụng: mã của tiêu đề luôn là tiêu đề viết không dấu, nối bằng dấu gạch ngang",
                )
                .at(key_location(rel, raw, "anchors")),
            );
        }
        for t in config.taxonomies.iter().filter(|t| t.paginate_by.is_some()) {
            warnings.push(
                Diagnostic::warning(format!(
                    "paginate_by của phân loại \u{201c}{}\u{201d} chưa được congkhai áp dụng: mỗi mục của phân loại là một trang",
                    t.name
                ))
                .at(key_location(rel, raw, "taxonomies")),
            );
        }
        if config.is_portal() && !feeds_set {
            config.generate_feeds = true;
        }
        if let Some(ward) = &config.ward
            && ward.name.trim().is_empty()
        {
            return Err(Diagnostic::error("bảng [ward] thiếu tên phường/xã (name)")
                .at(key_location(rel, raw, "ward"))
                .hint(
                    "thêm dòng name = \"Xã …\" (hoặc \"Phường …\", \"Đặc khu …\") vào bảng [ward]",
                )
                .into());
        }
        if let Some(ward) = config.ward.as_mut() {
            resolve_unit(ward, raw, rel)?;
        }
        config.vocabulary.check(raw, rel)?;
        config.rules.check(raw, rel)?;
        resolve_languages(&mut config, raw, rel)?;
        Ok((config, warnings))
    }
}

/// `[languages.xx]`: codes checked; a table for the default language is merged into the
/// top-level keys, as Zola does (a key set in both places is an error).
fn resolve_languages(config: &mut Config, raw: &str, rel: &Path) -> Result<(), Diagnostics> {
    let shown = rel.display();
    let mut errors = Diagnostics::new();
    for code in config.languages.keys() {
        if !is_language_code(code) {
            errors.push(
                Diagnostic::error(format!(
                    "mã ngôn ngữ không hợp lệ: [languages.{code}]"
                ))
                .at(key_location(rel, raw, &format!("languages.{code}")))
                .hint("dùng mã ngôn ngữ ngắn theo chuẩn BCP 47, ví dụ [languages.en] (tiếng Anh), [languages.bdq] (tiếng Ba Na), [languages.sed] (tiếng Xơ Đăng)"),
            );
        }
    }
    if !is_language_code(&config.default_language) {
        errors.push(
            Diagnostic::error(format!(
                "mã ngôn ngữ mặc định không hợp lệ: default_language = \u{201c}{}\u{201d}",
                config.default_language
            ))
            .at(key_location(rel, raw, "default_language"))
            .hint("cổng thông tin dùng default_language = \"vi\""),
        );
    }
    if errors.has_errors() {
        return Err(errors);
    }
    if let Some(own) = config.languages.remove(&config.default_language) {
        let code = config.default_language.clone();
        let twice = |key: &str| {
            Diagnostics::from(
                Diagnostic::error(format!(
                    "khóa \u{201c}{key}\u{201d} của ngôn ngữ mặc định được khai hai lần: ở đầu {shown} và trong [languages.{code}]"
                ))
                .at(key_location(rel, raw, &format!("languages.{code}")))
                .hint(format!("giữ một chỗ: xóa {key} khỏi [languages.{code}] hoặc khỏi đầu tệp")),
            )
        };
        if own.title.is_some() {
            if config.title.is_some() {
                return Err(twice("title"));
            }
            config.title = own.title;
        }
        if own.description.is_some() {
            if config.description.is_some() {
                return Err(twice("description"));
            }
            config.description = own.description;
        }
        if !own.translations.is_empty() {
            if !config.translations.is_empty() {
                return Err(twice("translations"));
            }
            config.translations = own.translations;
        }
        if !own.taxonomies.is_empty() {
            if !config.taxonomies.is_empty() {
                return Err(twice("taxonomies"));
            }
            config.taxonomies = own.taxonomies;
        }
        config.generate_feeds |= own.generate_feeds;
        if own.build_search_index {
            config.build_search_index = Some(true);
        }
    }
    for value in config.translations.values_mut().chain(
        config
            .languages
            .values_mut()
            .flat_map(|l| l.translations.values_mut()),
    ) {
        *value = text::nfc(value);
    }
    Ok(())
}

/// A BCP 47 language tag as Zola accepts them, kept simple: a 2–3 letter language
/// (ISO 639-1 or 639-3, like `en`, `bdq`), then optional subtags of 2–8 letters or
/// digits (`zh-Hant`, `pt-BR`).
pub fn is_language_code(code: &str) -> bool {
    let mut parts = code.split('-');
    let Some(first) = parts.next() else {
        return false;
    };
    (2..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_lowercase())
        && parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// `[ward] type` and `residential_units`: checked, defaults filled, phrases computed.
fn resolve_unit(ward: &mut Ward, raw: &str, rel: &Path) -> Result<(), Diagnostics> {
    let unit = match ward.unit_type.as_deref() {
        Some(t) => UnitType::parse(t).ok_or_else(|| {
            Diagnostics::from(
                Diagnostic::error(format!(
                    "loại đơn vị không hợp lệ: type = \u{201c}{t}\u{201d} trong bảng [ward]"
                ))
                .at(key_location(rel, raw, "type"))
                .hint("ghi một trong ba loại: type = \"xã\", type = \"phường\" hoặc type = \"đặc khu\""),
            )
        })?,
        None => UnitType::from_name(&ward.name).ok_or_else(|| {
            Diagnostics::from(
                Diagnostic::error(format!(
                    "không biết \u{201c}{}\u{201d} là xã, phường hay đặc khu",
                    ward.name
                ))
                .at(key_location(rel, raw, "name"))
                .hint("thêm dòng type = \"xã\" (hoặc \"phường\", \"đặc khu\") vào bảng [ward], hoặc ghi tên đầy đủ như name = \"Xã Kon Braih\""),
            )
        })?,
    };
    let mut units = Vec::new();
    let mut errors = Diagnostics::new();
    for u in &ward.residential_units {
        let f = text::fold(u.trim());
        match RESIDENTIAL_UNITS.iter().find(|k| text::fold(k) == f) {
            Some(k) => {
                if !units.iter().any(|x: &String| x == k) {
                    units.push(k.to_string());
                }
            }
            None => errors.push(
                Diagnostic::error(format!(
                    "loại khu dân cư không hợp lệ: \u{201c}{u}\u{201d} trong residential_units của bảng [ward]"
                ))
                .at(key_location(rel, raw, "residential_units"))
                .hint(format!(
                    "ghi các loại trong danh sách: {}; ví dụ residential_units = [\"thôn\", \"tổ dân phố\"]",
                    RESIDENTIAL_UNITS.join(", ")
                )),
            ),
        }
    }
    if errors.has_errors() {
        return Err(errors);
    }
    if units.is_empty() {
        units.push(unit.default_residential().to_string());
    }
    ward.unit_type = Some(unit.word().to_string());
    ward.words = UnitWords::new(unit, &units);
    ward.residential_units = units;
    Ok(())
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

    /// Every top-level key of Zola `next`'s config (components/config/src/config/mod.rs)
    /// is accepted: applied, or one warning naming it; never an error.
    #[test]
    fn every_zola_next_key_is_accepted() {
        let raw = r#"
base_url = "https://x.vn"
theme = "t"
title = "T"
description = "D"
default_language = "vi"
generate_feeds = true
feed_limit = 10
feed_filenames = ["atom.xml"]
hard_link_static = true
taxonomies = [{ name = "tags", slug = "tags", feed = true, render = true, paginate_by = 5, paginate_path = "trang" }]
taxonomy_root = "blog"
author = "ban@example.com (Ban biên tập)"
compile_sass = true
minify_html = false
build_search_index = false
ignored_content = ["*.bak"]
ignored_static = ["*.psd"]
skip_content_templating = ["raw/*.md"]
mode = "build"
output_dir = "public"
preserve_dotfiles_in_output = true
generate_sitemap = true
generate_robots_txt = true
exclude_paginated_pages_in_sitemap = "all"
[link_checker]
skip_prefixes = ["http://x"]
[slugify]
paths = "safe"
paths_keep_dates = true
taxonomies = "off"
anchors = "on"
[search]
include_title = true
[markdown]
smart_punctuation = true
render_emoji = true
insert_anchor_links = "left"
[markdown.highlighting]
theme = "catppuccin-latte"
[extra]
a = 1
"#;
        let (c, w) = Config::parse(raw).expect("every Zola next key is accepted");
        assert_eq!(c.slugify.paths, text::SlugStrategy::Safe);
        assert!(c.slugify.paths_keep_dates);
        assert_eq!(c.taxonomy_path(&c.taxonomies[0]), "/blog/tags/");
        assert!(c.compile_sass);
        assert_eq!(c.author.as_deref(), Some("ban@example.com (Ban biên tập)"));
        // Not applied: hard_link_static, mode, preserve_dotfiles_in_output,
        // exclude_paginated_pages_in_sitemap, link_checker, search, and the four
        // [markdown] keys: one warning each.
        let texts: Vec<String> = w.iter().map(|d| d.message.clone()).collect();
        // …and taxonomy pagination (one more).
        assert_eq!(w.warning_count(), 11, "{texts:#?}");
        for key in [
            "hard_link_static",
            "link_checker",
            "highlighting",
            "smart_punctuation",
        ] {
            assert!(
                texts.iter().any(|t| t.contains(key)),
                "no warning names {key}"
            );
        }
    }

    #[test]
    fn unknown_markdown_key_is_an_error_with_a_suggestion() {
        let e = Config::parse("base_url = \"https://x.vn\"\n[markdown]\nsmart_punctation = true\n")
            .expect_err("a key Zola does not have is an error");
        let d = e.iter().next().expect("one error");
        assert!(d.message.contains("smart_punctation"), "{}", d.message);
        assert!(
            d.hint
                .as_deref()
                .unwrap_or("")
                .contains("smart_punctuation")
        );
    }

    #[test]
    fn minimal_zola_config_is_not_a_portal() {
        let (c, w) =
            Config::parse("base_url = \"https://x.vn\"\ntitle = \"T\"\nhard_link_static = false\n")
                .unwrap();
        assert!(!c.is_portal());
        assert_eq!(
            w.warning_count(),
            1,
            "hard_link_static is a Zola key we ignore with a warning"
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

    fn ward_of(toml: &str) -> Result<Ward, Diagnostics> {
        Config::parse(&format!("base_url = \"x\"\n[ward]\n{toml}")).map(|(c, _)| c.ward.unwrap())
    }

    #[test]
    fn unit_type_from_config_or_name() {
        let cases = [
            (
                "name = \"Xã Kon Braih\"\n",
                "xã",
                "thôn",
                "Ủy ban nhân dân xã",
            ),
            (
                "name = \"Phường Hòa An\"\n",
                "phường",
                "tổ dân phố",
                "Ủy ban nhân dân phường",
            ),
            (
                "name = \"Đặc khu Côn Đảo\"\n",
                "đặc khu",
                "thôn",
                "Ủy ban nhân dân đặc khu",
            ),
            ("name = \"XA Y\"\n", "xã", "thôn", "Ủy ban nhân dân xã"),
            (
                "name = \"Kon Braih\"\ntype = \"Xã\"\n",
                "xã",
                "thôn",
                "Ủy ban nhân dân xã",
            ),
            (
                "name = \"Phường Hòa An\"\ntype = \"dac khu\"\n",
                "đặc khu",
                "thôn",
                "Ủy ban nhân dân đặc khu",
            ),
        ];
        for (toml, unit, res, ubnd) in cases {
            let w = ward_of(toml).unwrap();
            assert_eq!(w.unit_type.as_deref(), Some(unit), "{toml}");
            assert_eq!(w.words.unit, unit);
            assert_eq!(w.words.residential, res, "{toml}");
            assert_eq!(w.words.ubnd, ubnd);
        }
        let w = ward_of("name = \"Xã A\"\n").unwrap();
        assert_eq!(w.words.police, "Công an xã");
        assert_eq!(w.words.chairman, "Chủ tịch UBND xã");
        assert_eq!(w.words.ubnd_upper, "ỦY BAN NHÂN DÂN XÃ");
    }

    #[test]
    fn unknown_unit_type_or_name_is_an_error_with_the_fix() {
        let e = ward_of("name = \"Kon Braih\"\n").unwrap_err();
        let d = e.iter().next().unwrap();
        assert!(d.hint.as_deref().unwrap().contains("type = \"xã\""));
        assert_eq!(d.location.as_ref().unwrap().line, Some(3));
        // "Xã" alone is not a name with a type in front of it.
        assert!(ward_of("name = \"Xã\"\n").is_err());
        let e = ward_of("name = \"Xã A\"\ntype = \"huyện\"\n").unwrap_err();
        assert!(e.iter().next().unwrap().message.contains("huyện"));
    }

    #[test]
    fn vocabulary_defaults_and_overrides() {
        let (c, _) = Config::parse("base_url = \"x\"\n").unwrap();
        assert_eq!(c.vocabulary, Vocabulary::default());
        assert_eq!(c.vocabulary.posting_forms, ["Trang thông tin điện tử"]);
        let (c, _) = Config::parse(
            "base_url = \"x\"\n[vocabulary]\nposting_forms = [\"Trang thông tin điện tử\", \" Loa truyền thanh \", \"loa truyen thanh\"]\nsupport_forms_strict = true\n",
        )
        .unwrap();
        assert_eq!(
            c.vocabulary.posting_forms,
            ["Trang thông tin điện tử", "Loa truyền thanh"]
        );
        assert!(c.vocabulary.support_forms_strict);
        assert_eq!(
            c.vocabulary.document_types.len(),
            11,
            "untouched lists keep their defaults"
        );
        assert_eq!(
            Vocabulary::find(&c.vocabulary.document_types, "QUYET  DINH"),
            Some("Quyết định")
        );
        let e = Config::parse("base_url = \"x\"\n[vocabulary]\ndocument_types = []\n").unwrap_err();
        let d = e.iter().next().unwrap();
        assert!(d.message.contains("document_types"));
        assert_eq!(d.location.as_ref().unwrap().line, Some(3));
        assert!(Config::parse("base_url = \"x\"\n[vocabulary]\ndoc_types = []\n").is_err());
    }

    #[test]
    fn days_off_and_make_up_days() {
        let (c, _) = Config::parse(
            "base_url = \"x\"\n[rules]\ndays_off = [\"2026-06-08\", 2026-06-09]\nworking_days = [\"2026-06-06\"]\nnational_day_adjacent = \"after\"\n",
        )
        .unwrap();
        let cal = c.rules.work_calendar();
        let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
        assert!(!cal.is_working_day(d("2026-06-08")));
        assert!(!cal.is_working_day(d("2026-06-09")));
        assert!(cal.is_working_day(d("2026-06-06")));
        assert!(cal.national_day_after);
        let e =
            Config::parse("base_url = \"x\"\n[rules]\ndays_off = [\"16/02/2026\"]\n").unwrap_err();
        let d = e.iter().next().unwrap();
        assert!(d.message.contains("16/02/2026"), "{}", d.message);
        assert_eq!(d.location.as_ref().unwrap().line, Some(3));
        assert!(
            Config::parse("base_url = \"x\"\n[rules]\nnational_day_adjacent = \"sau\"\n").is_err()
        );
    }

    #[test]
    fn residential_units_follow_config() {
        let w =
            ward_of("name = \"Xã A\"\nresidential_units = [\"Thôn\", \"tổ dân phố\", \"thôn\"]\n")
                .unwrap();
        assert_eq!(w.residential_units, ["thôn", "tổ dân phố"]);
        assert_eq!(w.words.residential_all, "thôn, tổ dân phố");
        assert_eq!(w.words.residential_short, "thôn");
        let w = ward_of("name = \"Phường A\"\n").unwrap();
        assert_eq!(w.words.residential_short, "tổ");
        let e = ward_of("name = \"Xã A\"\nresidential_units = [\"xóm\"]\n").unwrap_err();
        let d = e.iter().next().unwrap();
        assert!(d.message.contains("xóm"));
        assert!(d.hint.as_deref().unwrap().contains("buôn"));
        // `words` is computed, never read from config.toml.
        assert!(ward_of("name = \"Xã A\"\nwords = 1\n").is_err());
    }

    #[test]
    fn languages_are_checked_and_the_default_language_table_merged() {
        let (c, w) = Config::parse(
            "base_url = \"x\"\n[languages.en]\ntitle = \"Portal\"\nbuild_search_index = true\n[languages.en.translations]\nhome = \"Home\"\n[languages.bdq]\n[languages.vi.translations]\nhome = \"Trang chu\u{0309}\"\n",
        )
        .expect("valid");
        assert!(w.is_empty(), "languages is no longer an ignored key");
        assert_eq!(c.other_languages(), ["bdq", "en"]);
        assert!(c.is_multilingual());
        assert_eq!(c.language_prefix("en"), "/en");
        assert_eq!(c.language_prefix("vi"), "");
        assert_eq!(c.languages["en"].translations["home"], "Home");
        // [languages.vi] is the default language's: merged, NFC.
        assert_eq!(c.translations["home"], "Trang chủ");
        assert!(!c.languages.contains_key("vi"));

        let e = Config::parse("base_url = \"x\"\n[languages.English]\n").unwrap_err();
        assert!(e.iter().any(|d| d.message.contains("[languages.English]")));
        let e = Config::parse("base_url = \"x\"\ntitle = \"A\"\n[languages.vi]\ntitle = \"B\"\n")
            .unwrap_err();
        assert!(e.iter().any(|d| d.message.contains("title")));
        let e = Config::parse("base_url = \"x\"\n[languages.en]\ntitel = \"A\"\n").unwrap_err();
        assert!(e.iter().any(|d| d.message.contains("titel")));
        for ok in ["en", "bdq", "pt-BR", "zh-Hant"] {
            assert!(is_language_code(ok), "{ok}");
        }
        for bad in ["", "e", "English", "EN", "en_US", "../x", "en-"] {
            assert!(!is_language_code(bad), "{bad}");
        }
    }
}
