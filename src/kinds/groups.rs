//! Residential groups (tổ dân phố, thôn) today, the merger plan, and the household
//! consultation: loading, the rules, and the computed model shared by the
//! `merger_plan`, `consultation` and `timeline` kinds.
//!
//! Every rule is a small pure function with table-driven tests below; every number comes
//! from `config.rules`. Totals (households of a new group, rates) are computed here,
//! never typed by staff.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde_json::{Value, json};

use super::{Download, KindContext, RecordInput};
use crate::config::Rules;
use crate::content::frontmatter::parse_date_text;
use crate::data::{FieldSpec, LoadOptions, Table, load_table, parse_decimal, parse_int};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::format::{number, percent};
use crate::text::{fold_words, name_key, slugify};

// Legal bases quoted in messages and on pages.
pub const BASIS_SIZE: &str = "Nghị định 185/2026/NĐ-CP: quy mô tối thiểu của tổ dân phố, thôn (cấu hình rules.group_min_households, rules.village_min_households); trường hợp đặc thù do HĐND phường quyết định";
pub const BASIS_POSTS: &str = "Nghị quyết của HĐND thành phố về tổ chức và hoạt động của tổ dân phố: không quá 5 người hoạt động không chuyên trách ở mỗi tổ dân phố, không bình quân (cấu hình rules.max_part_time_posts)";
pub const BASIS_DEPUTIES: &str = "Nghị quyết của HĐND thành phố về tổ chức và hoạt động của tổ dân phố: tổ dân phố từ 1.000 hộ trở lên được tối đa 02 Phó Tổ trưởng (cấu hình rules.deputy_heads_threshold, rules.max_deputy_heads_large, rules.max_deputy_heads_small)";
pub const BASIS_PASS: &str = "Điều 21 Luật Thực hiện dân chủ ở cơ sở số 10/2022/QH15: được thông qua khi trên 50 % tổng số hộ gia đình của tổ đồng ý (cấu hình rules.merger_pass_ratio)";
pub const BASIS_PERIOD: &str = "Nghị quyết của HĐND thành phố về tổ chức và hoạt động của tổ dân phố: thời gian lấy ý kiến Nhân dân tối thiểu 07 ngày (cấu hình rules.consultation_min_days)";
pub const BASIS_ONCE: &str =
    "Phương án sắp xếp: mỗi tổ dân phố hiện nay thuộc đúng một tổ sau sắp xếp";

pub const GROUP_FIELDS: &[FieldSpec] = &[
    FieldSpec::required(
        "code",
        &["mã tổ", "mã", "mã tổ dân phố", "mã thôn", "số hiệu"],
    ),
    FieldSpec::required(
        "name",
        &[
            "tên tổ dân phố",
            "tên tổ",
            "tên",
            "tên thôn",
            "tên tổ dân phố, thôn",
        ],
    ),
    FieldSpec::required(
        "households",
        &["số hộ", "số hộ gia đình", "tổng số hộ", "hộ"],
    ),
    FieldSpec::optional(
        "population",
        &["số nhân khẩu", "nhân khẩu", "dân số", "số dân"],
    ),
    FieldSpec::optional("area_ha", &["diện tích (ha)", "diện tích", "diện tích ha"]),
    FieldSpec::optional("kind", &["loại", "loại hình", "tổ dân phố/thôn"]),
    FieldSpec::optional("note", &["ghi chú"]),
];

pub const PLAN_FIELDS: &[FieldSpec] = &[
    FieldSpec::required("new_code", &["mã tổ mới", "mã mới", "mã tổ sau sắp xếp"]),
    FieldSpec::required(
        "new_name",
        &[
            "tên tổ mới",
            "tên mới",
            "tên tổ dân phố mới",
            "tên tổ sau sắp xếp",
        ],
    ),
    FieldSpec::required(
        "members",
        &[
            "các tổ hiện nay",
            "gồm các tổ",
            "tổ hiện nay",
            "thành phần",
            "sáp nhập từ",
        ],
    ),
    FieldSpec::optional("special_case", &["trường hợp đặc thù", "đặc thù"]),
    FieldSpec::optional("justification", &["lý do", "lý do đặc thù", "giải trình"]),
    FieldSpec::optional(
        "posts",
        &[
            "chức danh",
            "chức danh dự kiến",
            "người hoạt động không chuyên trách",
        ],
    ),
    FieldSpec::optional("note", &["ghi chú"]),
];

pub const RESULT_FIELDS: &[FieldSpec] = &[
    FieldSpec::required("group", &["mã tổ", "tổ", "tổ dân phố"]),
    FieldSpec::required("households", &["số hộ", "tổng số hộ", "số hộ gia đình"]),
    FieldSpec::required("ballots_issued", &["số phiếu phát ra", "phiếu phát ra"]),
    FieldSpec::required("ballots_returned", &["số phiếu thu về", "phiếu thu về"]),
    FieldSpec::required("agree", &["đồng ý", "số phiếu đồng ý"]),
    FieldSpec::required("disagree", &["không đồng ý", "số phiếu không đồng ý"]),
    FieldSpec::required("other", &["ý kiến khác", "khác"]),
    FieldSpec::required("invalid", &["không hợp lệ", "phiếu không hợp lệ"]),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupKind {
    Tdp,
    Thon,
}

impl GroupKind {
    pub fn label(self) -> &'static str {
        match self {
            GroupKind::Tdp => "Tổ dân phố",
            GroupKind::Thon => "Thôn",
        }
    }
    fn parse(text: &str) -> Option<GroupKind> {
        match fold_words(text).as_str() {
            "" | "tdp" | "to dan pho" | "to" => Some(GroupKind::Tdp),
            "thon" | "ban" | "xom" | "ap" => Some(GroupKind::Thon),
            _ => None,
        }
    }
}

// ---------------------------------------------------------------- pure rules

/// Minimum households for a group of this kind.
pub fn min_households(kind: GroupKind, rules: &Rules) -> i64 {
    match kind {
        GroupKind::Tdp => rules.group_min_households,
        GroupKind::Thon => rules.village_min_households,
    }
}

/// Deputy heads allowed for a group of this size.
pub fn max_deputies(households: u64, rules: &Rules) -> i64 {
    if households as i64 >= rules.deputy_heads_threshold {
        rules.max_deputy_heads_large
    } else {
        rules.max_deputy_heads_small
    }
}

/// The size rule: `None` when fine, else the Vietnamese reason.
pub fn size_violation(
    households: u64,
    kind: GroupKind,
    special_case: bool,
    justification: &str,
    rules: &Rules,
) -> Option<String> {
    let min = min_households(kind, rules);
    if (households as i64) >= min {
        return None;
    }
    if !special_case {
        return Some(format!(
            "có {} hộ, dưới mức tối thiểu {} hộ của {} nhưng không ghi là trường hợp đặc thù",
            number(households as i64),
            number(min),
            kind.label().to_lowercase()
        ));
    }
    if justification.trim().is_empty() {
        return Some(format!(
            "có {} hộ, dưới mức tối thiểu {} hộ; là trường hợp đặc thù nhưng chưa ghi lý do (cột \u{201c}Lý do\u{201d}, justification)",
            number(households as i64),
            number(min)
        ));
    }
    None
}

/// Posts rules: total part-time posts and deputy heads. Returns each violation.
pub fn posts_violations(
    posts: &[Post],
    households: u64,
    rules: &Rules,
) -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    let total: u64 = posts.iter().map(|p| p.count).sum();
    if total as i64 > rules.max_part_time_posts {
        out.push((
            format!(
                "dự kiến {} người hoạt động không chuyên trách, vượt mức tối đa {} người",
                total, rules.max_part_time_posts
            ),
            BASIS_POSTS,
        ));
    }
    let deputies: u64 = posts
        .iter()
        .filter(|p| p.is_deputy())
        .map(|p| p.count)
        .sum();
    let allowed = max_deputies(households, rules);
    if deputies as i64 > allowed {
        out.push((
            format!(
                "có {} hộ nên được tối đa {} Phó Tổ trưởng, nhưng dự kiến {} (từ {} hộ trở lên mới được {})",
                number(households as i64),
                allowed,
                deputies,
                number(rules.deputy_heads_threshold),
                rules.max_deputy_heads_large
            ),
            BASIS_DEPUTIES,
        ));
    }
    out
}

/// The counts of one group's consultation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub households: u64,
    pub issued: u64,
    pub returned: u64,
    pub agree: u64,
    pub disagree: u64,
    pub other: u64,
    pub invalid: u64,
}

impl Counts {
    pub fn add(&mut self, o: &Counts) {
        self.households += o.households;
        self.issued += o.issued;
        self.returned += o.returned;
        self.agree += o.agree;
        self.disagree += o.disagree;
        self.other += o.other;
        self.invalid += o.invalid;
    }
}

/// Consultation arithmetic: agree + disagree + other + invalid = returned ≤ issued ≤
/// households. Returns (column, message) for each violation.
pub fn count_violations(c: &Counts) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let sum = c.agree + c.disagree + c.other + c.invalid;
    if sum != c.returned {
        out.push((
            "ballots_returned",
            format!(
                "đồng ý {} + không đồng ý {} + ý kiến khác {} + không hợp lệ {} = {}, khác số phiếu thu về {}",
                number(c.agree as i64),
                number(c.disagree as i64),
                number(c.other as i64),
                number(c.invalid as i64),
                number(sum as i64),
                number(c.returned as i64)
            ),
        ));
    }
    if c.returned > c.issued {
        out.push((
            "ballots_returned",
            format!(
                "số phiếu thu về {} lớn hơn số phiếu phát ra {}",
                number(c.returned as i64),
                number(c.issued as i64)
            ),
        ));
    }
    if c.issued > c.households {
        out.push((
            "ballots_issued",
            format!(
                "số phiếu phát ra {} lớn hơn số hộ {}",
                number(c.issued as i64),
                number(c.households as i64)
            ),
        ));
    }
    out
}

/// A group passes when strictly more than `ratio` of all its households agree.
pub fn passes(agree: u64, households: u64, ratio: f64) -> bool {
    households > 0 && (agree as f64) > ratio * households as f64
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// Days of a consultation period, both ends included.
pub fn period_days(start: NaiveDate, end: NaiveDate) -> i64 {
    (end - start).num_days() + 1
}

// ---------------------------------------------------------------- records

#[derive(Debug, Clone)]
pub struct Group {
    pub code: String,
    pub name: String,
    pub households: u64,
    pub population: Option<u64>,
    pub area_ha: Option<f64>,
    pub kind: GroupKind,
    pub note: String,
    pub row: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Post {
    pub title: String,
    pub count: u64,
}

impl Post {
    pub fn is_deputy(&self) -> bool {
        fold_words(&self.title).starts_with("pho to truong")
            || fold_words(&self.title).starts_with("pho truong thon")
    }
}

/// "Tổ trưởng; Phó Tổ trưởng x2; Công an viên" or "Tổ trưởng: 1; Phó Tổ trưởng: 2".
pub fn parse_posts(text: &str) -> Result<Vec<Post>, String> {
    let mut out = Vec::new();
    for item in text.split([';', '\n']) {
        let item = item.trim();
        if item.is_empty() {
            continue;
        }
        let (title, count) = if let Some((t, n)) = item.rsplit_once(':') {
            (t.trim(), n.trim())
        } else if let Some((t, n)) = item.rsplit_once([' ']).filter(|(_, n)| {
            let n = n.trim_start_matches(['x', 'X', '×']);
            !n.is_empty() && n.chars().all(|c| c.is_ascii_digit())
        }) {
            (t.trim(), n.trim().trim_start_matches(['x', 'X', '×']))
        } else {
            (item, "1")
        };
        let count: u64 = count
            .parse()
            .map_err(|_| format!("không đọc được số người của chức danh \u{201c}{item}\u{201d}"))?;
        if title.is_empty() {
            return Err(format!("chức danh \u{201c}{item}\u{201d} thiếu tên"));
        }
        out.push(Post {
            title: title.to_string(),
            count,
        });
    }
    Ok(out)
}

#[derive(Debug, Clone)]
pub struct NewGroup {
    pub code: String,
    pub name: String,
    pub members: Vec<String>,
    pub special_case: bool,
    pub justification: String,
    pub posts: Vec<Post>,
    pub note: String,
    pub row: usize,
    /// Computed.
    pub households: u64,
    pub population: Option<u64>,
    pub kind: GroupKind,
    pub slug: String,
}

#[derive(Debug, Clone)]
pub struct ResultRow {
    pub group: String,
    pub counts: Counts,
    pub row: usize,
}

fn key(code: &str) -> String {
    fold_words(code)
}

/// Where a `[record]` data file lives: `data/…` from the site root, a file in the page
/// bundle, else relative to `data/`.
pub fn resolve_path(input: &RecordInput, ctx: &KindContext, rel: &str) -> PathBuf {
    let rel = rel.trim().trim_start_matches("./");
    if rel.starts_with("data/") {
        return PathBuf::from(rel);
    }
    if let Some(dir) = input.bundle_dir
        && dir.join(rel).is_file()
        && let Ok(stripped) = dir.join(rel).strip_prefix(ctx.root)
    {
        return stripped.to_path_buf();
    }
    Path::new("data").join(rel)
}

pub fn load(
    input: &RecordInput,
    ctx: &KindContext,
    field: &str,
    fields: &[FieldSpec],
    errors: &mut Diagnostics,
    warnings: &mut Diagnostics,
) -> Option<Table> {
    let rel = match input.str_field(field) {
        Ok(s) => s.to_string(),
        Err(d) => {
            errors.push(d);
            return None;
        }
    };
    let path = resolve_path(input, ctx, &rel);
    match load_table(ctx.root, &path, &LoadOptions::new(fields)) {
        Ok(t) => {
            warnings.extend(t.warnings.iter().cloned());
            Some(t)
        }
        Err(ds) => {
            errors.extend(ds);
            None
        }
    }
}

fn int_cell(t: &Table, row: &crate::data::Row, field: &str, errors: &mut Diagnostics) -> u64 {
    match t.get(row, field) {
        Some(c) => match parse_int(&c.value, (t, c)) {
            Ok(n) => n,
            Err(d) => {
                errors.push(d);
                0
            }
        },
        None => 0,
    }
}

fn cell_err(t: &Table, row: &crate::data::Row, field: &str, msg: String) -> Diagnostic {
    let d = Diagnostic::error(msg);
    match t.get(row, field) {
        Some(c) => d.at(t.location(c)),
        None => d.at(crate::diagnostics::Location::line(&t.source, row.row)),
    }
}

pub fn read_groups(t: &Table, errors: &mut Diagnostics) -> Vec<Group> {
    let mut out: Vec<Group> = Vec::new();
    let mut codes: BTreeMap<String, usize> = BTreeMap::new();
    let mut names: BTreeMap<String, usize> = BTreeMap::new();
    for row in &t.rows {
        let code = t.text(row, "code").trim().to_string();
        let name = t.text(row, "name").trim().to_string();
        if code.is_empty() {
            errors.push(
                cell_err(t, row, "code", "thiếu mã tổ".into())
                    .hint("mỗi tổ cần một mã riêng, ví dụ TDP01"),
            );
            continue;
        }
        if let Some(first) = codes.insert(key(&code), row.row) {
            errors.push(
                cell_err(
                    t,
                    row,
                    "code",
                    format!("mã tổ \u{201c}{code}\u{201d} bị trùng với dòng {first}"),
                )
                .hint("mỗi tổ hiện nay chỉ ghi một dòng, mã không trùng nhau"),
            );
        }
        if name.is_empty() {
            errors.push(
                cell_err(t, row, "name", "thiếu tên tổ".into())
                    .hint("ghi tên tổ, ví dụ Tổ dân phố số 1"),
            );
        } else if let Some(first) = names.insert(name_key(&name), row.row) {
            errors.push(
                cell_err(
                    t,
                    row,
                    "name",
                    format!("tên tổ \u{201c}{name}\u{201d} bị trùng với dòng {first}"),
                )
                .hint("tên các tổ phải khác nhau"),
            );
        }
        let households = int_cell(t, row, "households", errors);
        let population = match t.get(row, "population") {
            Some(c) if !c.value.trim().is_empty() => {
                parse_int(&c.value, (t, c)).map_err(|d| errors.push(d)).ok()
            }
            _ => None,
        };
        let area_ha = match t.get(row, "area_ha") {
            Some(c) if !c.value.trim().is_empty() => parse_decimal(&c.value, (t, c))
                .map_err(|d| errors.push(d))
                .ok(),
            _ => None,
        };
        let kind = match GroupKind::parse(t.text(row, "kind")) {
            Some(k) => k,
            None => {
                errors.push(
                    cell_err(
                        t,
                        row,
                        "kind",
                        format!("loại \u{201c}{}\u{201d} không rõ", t.text(row, "kind")),
                    )
                    .hint("ghi TDP (tổ dân phố) hoặc Thôn"),
                );
                GroupKind::Tdp
            }
        };
        out.push(Group {
            code,
            name,
            households,
            population,
            area_ha,
            kind,
            note: t.text(row, "note").trim().to_string(),
            row: row.row,
        });
    }
    if out.is_empty() && !errors.has_errors() {
        errors.push(
            Diagnostic::error("bảng tổ dân phố hiện nay không có dòng nào")
                .in_file(&t.source)
                .hint("mỗi tổ hiện nay ghi một dòng dưới dòng tiêu đề"),
        );
    }
    out
}

fn split_members(text: &str) -> Vec<String> {
    let mut s = text.to_string();
    for sep in [" và ", " + "] {
        s = s.replace(sep, ",");
    }
    s.split([',', ';', '+', '\n'])
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
        .collect()
}

/// Read the plan, compute each new group's households and check every plan rule
/// against today's groups.
pub fn read_plan(
    t: &Table,
    groups: &[Group],
    rules: &Rules,
    errors: &mut Diagnostics,
) -> Vec<NewGroup> {
    let by_code: BTreeMap<String, &Group> = groups.iter().map(|g| (key(&g.code), g)).collect();
    let mut seen_in: BTreeMap<String, (String, usize)> = BTreeMap::new();
    let mut codes: BTreeMap<String, usize> = BTreeMap::new();
    let mut names: BTreeMap<String, usize> = BTreeMap::new();
    let mut slugs: BTreeSet<String> = BTreeSet::new();
    let mut out = Vec::new();
    for row in &t.rows {
        let code = t.text(row, "new_code").trim().to_string();
        let name = t.text(row, "new_name").trim().to_string();
        if code.is_empty() {
            errors.push(
                cell_err(t, row, "new_code", "thiếu mã tổ sau sắp xếp".into())
                    .hint("ghi mã tổ mới, ví dụ TDP-M01"),
            );
            continue;
        }
        if let Some(first) = codes.insert(key(&code), row.row) {
            errors.push(
                cell_err(
                    t,
                    row,
                    "new_code",
                    format!("mã tổ mới \u{201c}{code}\u{201d} bị trùng với dòng {first}"),
                )
                .hint("mỗi tổ sau sắp xếp chỉ ghi một dòng"),
            );
        }
        if name.is_empty() {
            errors.push(
                cell_err(t, row, "new_name", "thiếu tên tổ sau sắp xếp".into())
                    .hint("ghi tên dự kiến của tổ mới"),
            );
        } else if let Some(first) = names.insert(name_key(&name), row.row) {
            errors.push(
                cell_err(
                    t,
                    row,
                    "new_name",
                    format!("tên tổ mới \u{201c}{name}\u{201d} bị trùng với dòng {first}"),
                )
                .hint("tên các tổ sau sắp xếp phải khác nhau"),
            );
        }
        let members_raw = split_members(t.text(row, "members"));
        if members_raw.is_empty() {
            errors.push(
                cell_err(t, row, "members", format!("tổ mới \u{201c}{code}\u{201d} chưa ghi gồm những tổ nào hiện nay"))
                    .hint("ghi mã các tổ hiện nay, cách nhau bằng dấu phẩy; tổ giữ nguyên thì ghi mã của chính nó"),
            );
        }
        let mut members = Vec::new();
        let mut households = 0u64;
        let mut population = Some(0u64);
        let mut kind: Option<GroupKind> = None;
        for m in members_raw {
            match by_code.get(&key(&m)) {
                Some(g) => {
                    if let Some((prev, prev_row)) = seen_in.insert(key(&m), (code.clone(), row.row))
                    {
                        errors.push(
                            cell_err(
                                t,
                                row,
                                "members",
                                format!(
                                    "tổ \u{201c}{}\u{201d} đã thuộc tổ mới \u{201c}{prev}\u{201d} (dòng {prev_row}), không thể thuộc thêm tổ \u{201c}{code}\u{201d}. Căn cứ: {BASIS_ONCE}",
                                    g.code
                                ),
                            )
                            .hint("mỗi tổ hiện nay chỉ được ghi trong một tổ sau sắp xếp"),
                        );
                        continue;
                    }
                    households += g.households;
                    population = population.zip(g.population).map(|(a, b)| a + b);
                    if kind.is_some_and(|k| k != g.kind) {
                        errors.push(
                            cell_err(
                                t,
                                row,
                                "members",
                                format!("tổ mới \u{201c}{code}\u{201d} ghép cả tổ dân phố và thôn"),
                            )
                            .hint("chỉ ghép các tổ cùng loại"),
                        );
                    }
                    kind = Some(g.kind);
                    members.push(g.code.clone());
                }
                None => {
                    let hint = match crate::text::did_you_mean(
                        &m,
                        groups.iter().map(|g| g.code.as_str()),
                    ) {
                        Some(s) => format!(
                            "có phải ý bạn là \u{201c}{s}\u{201d}? Mã phải có trong bảng tổ dân phố hiện nay"
                        ),
                        None => "mã phải có trong bảng tổ dân phố hiện nay".to_string(),
                    };
                    errors.push(
                        cell_err(
                            t,
                            row,
                            "members",
                            format!(
                                "mã tổ \u{201c}{m}\u{201d} không có trong bảng tổ dân phố hiện nay"
                            ),
                        )
                        .hint(hint),
                    );
                }
            }
        }
        let special_case = match t.get(row, "special_case") {
            Some(c) => crate::data::parse_bool_vi(&c.value, (t, c))
                .map_err(|d| errors.push(d))
                .unwrap_or(false),
            None => false,
        };
        let justification = t.text(row, "justification").trim().to_string();
        let kind = kind.unwrap_or(GroupKind::Tdp);
        if !members.is_empty()
            && let Some(msg) = size_violation(households, kind, special_case, &justification, rules)
        {
            errors.push(
                cell_err(
                    t,
                    row,
                    if special_case { "justification" } else { "special_case" },
                    format!("tổ mới \u{201c}{code}\u{201d} {msg}. Căn cứ: {BASIS_SIZE}"),
                )
                .hint("ghép thêm tổ để đủ số hộ, hoặc ghi \u{201c}có\u{201d} ở cột trường hợp đặc thù kèm lý do ở cột \u{201c}Lý do\u{201d} (justification)"),
            );
        }
        let posts = match parse_posts(t.text(row, "posts")) {
            Ok(p) => p,
            Err(msg) => {
                errors.push(
                    cell_err(t, row, "posts", msg)
                        .hint("ví dụ: Tổ trưởng; Phó Tổ trưởng x2; Công an viên"),
                );
                Vec::new()
            }
        };
        for (msg, basis) in posts_violations(&posts, households, rules) {
            errors.push(
                cell_err(
                    t,
                    row,
                    "posts",
                    format!("tổ mới \u{201c}{code}\u{201d} {msg}. Căn cứ: {basis}"),
                )
                .hint("bớt chức danh cho đúng mức tối đa"),
            );
        }
        let mut slug = slugify(&name);
        if slug.is_empty() || !slugs.insert(slug.clone()) {
            slug = slugify(&format!("{name} {code}"));
            slugs.insert(slug.clone());
        }
        out.push(NewGroup {
            code,
            name,
            members,
            special_case,
            justification,
            posts,
            note: t.text(row, "note").trim().to_string(),
            row: row.row,
            households,
            population: population.filter(|_| !groups.is_empty()),
            kind,
            slug,
        });
    }
    for g in groups {
        if !seen_in.contains_key(&key(&g.code)) {
            errors.push(
                Diagnostic::error(format!(
                    "tổ \u{201c}{}\u{201d} ({}, {} hộ) không thuộc tổ nào sau sắp xếp. Căn cứ: {BASIS_ONCE}",
                    g.code,
                    g.name,
                    number(g.households as i64)
                ))
                .at(crate::diagnostics::Location::line(&t.source, 1).with_field("members"))
                .hint(format!(
                    "thêm mã {} vào cột \u{201c}Các tổ hiện nay\u{201d} (members) của một tổ mới (tổ giữ nguyên thì tạo một dòng chỉ gồm chính nó); tổ ở dòng {} của bảng tổ hiện nay",
                    g.code, g.row
                )),
            );
        }
    }
    out
}

pub fn read_results(t: &Table, errors: &mut Diagnostics) -> Vec<ResultRow> {
    let mut out = Vec::new();
    for row in &t.rows {
        let group = t.text(row, "group").trim().to_string();
        if group.is_empty() {
            errors.push(
                cell_err(t, row, "group", "thiếu mã tổ".into())
                    .hint("ghi mã tổ hiện nay, ví dụ TDP01"),
            );
            continue;
        }
        let before = errors.error_count();
        let counts = Counts {
            households: int_cell(t, row, "households", errors),
            issued: int_cell(t, row, "ballots_issued", errors),
            returned: int_cell(t, row, "ballots_returned", errors),
            agree: int_cell(t, row, "agree", errors),
            disagree: int_cell(t, row, "disagree", errors),
            other: int_cell(t, row, "other", errors),
            invalid: int_cell(t, row, "invalid", errors),
        };
        if errors.error_count() == before {
            for (col, msg) in count_violations(&counts) {
                errors.push(
                    cell_err(t, row, col, format!("tổ \u{201c}{group}\u{201d}: {msg}"))
                        .hint("đối chiếu lại biên bản kiểm phiếu: đồng ý + không đồng ý + ý kiến khác + không hợp lệ = phiếu thu về ≤ phiếu phát ra ≤ số hộ"),
                );
            }
        }
        out.push(ResultRow {
            group,
            counts,
            row: row.row,
        });
    }
    out
}

// ---------------------------------------------------------------- model

/// One group's consultation result, computed.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub code: String,
    pub name: String,
    pub new_code: String,
    pub counts: Counts,
    pub passed: bool,
}

pub fn counts_json(c: &Counts) -> Value {
    json!({
        "households": c.households,
        "ballots_issued": c.issued,
        "ballots_returned": c.returned,
        "agree": c.agree,
        "disagree": c.disagree,
        "other": c.other,
        "invalid": c.invalid,
        "agree_pct": percent(ratio(c.agree, c.households)),
        "disagree_pct": percent(ratio(c.disagree, c.households)),
        "other_pct": percent(ratio(c.other, c.households)),
        "invalid_pct": percent(ratio(c.invalid, c.households)),
        "turnout_pct": percent(ratio(c.returned, c.households)),
    })
}

pub fn outcome_json(o: &Outcome) -> Value {
    let mut v = counts_json(&o.counts);
    if let Value::Object(m) = &mut v {
        m.insert("code".into(), json!(o.code));
        m.insert("name".into(), json!(o.name));
        m.insert("new_code".into(), json!(o.new_code));
        m.insert("passed".into(), json!(o.passed));
    }
    v
}

/// Cross-check results against groups and plan; compute outcomes. Groups that merge
/// (a new group with two or more members) must each have exactly one result row whose
/// households match today's table.
pub fn outcomes(
    results_table: &Table,
    results: &[ResultRow],
    groups: &[Group],
    plan: &[NewGroup],
    rules: &Rules,
    errors: &mut Diagnostics,
    warnings: &mut Diagnostics,
) -> Vec<Outcome> {
    let by_code: BTreeMap<String, &Group> = groups.iter().map(|g| (key(&g.code), g)).collect();
    let new_of: BTreeMap<String, &NewGroup> = plan
        .iter()
        .flat_map(|n| n.members.iter().map(move |m| (key(m), n)))
        .collect();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut out = Vec::new();
    let t = results_table;
    for r in results {
        let Some(row) = t.rows.iter().find(|x| x.row == r.row) else {
            continue;
        };
        let Some(g) = by_code.get(&key(&r.group)) else {
            errors.push(
                cell_err(
                    t,
                    row,
                    "group",
                    format!(
                        "mã tổ \u{201c}{}\u{201d} không có trong bảng tổ dân phố hiện nay",
                        r.group
                    ),
                )
                .hint("ghi đúng mã tổ như trong bảng tổ dân phố hiện nay"),
            );
            continue;
        };
        if let Some(first) = seen.insert(key(&r.group), r.row) {
            errors.push(
                cell_err(
                    t,
                    row,
                    "group",
                    format!("tổ \u{201c}{}\u{201d} đã có kết quả ở dòng {first}", g.code),
                )
                .hint("mỗi tổ chỉ ghi một dòng kết quả"),
            );
            continue;
        }
        if r.counts.households != g.households {
            errors.push(
                cell_err(
                    t,
                    row,
                    "households",
                    format!(
                        "tổ \u{201c}{}\u{201d} ghi {} hộ, nhưng bảng tổ dân phố hiện nay ghi {} hộ",
                        g.code,
                        number(r.counts.households as i64),
                        number(g.households as i64)
                    ),
                )
                .hint("số hộ lấy ý kiến phải đúng bằng số hộ của tổ; sửa một trong hai bảng"),
            );
        }
        let new = new_of.get(&key(&g.code));
        if new.is_none_or(|n| n.members.len() < 2) {
            warnings.push(
                Diagnostic::warning(format!(
                    "tổ \u{201c}{}\u{201d} không thuộc diện sáp nhập nhưng có kết quả lấy ý kiến",
                    g.code
                ))
                .at(t.location(&row.cells[0]))
                .hint("kiểm tra lại: chỉ các tổ thuộc diện sáp nhập mới phải lấy ý kiến"),
            );
        }
        let turnout = ratio(r.counts.returned, r.counts.households);
        if r.counts.households > 0 && turnout < rules.turnout_warning_ratio {
            warnings.push(
                Diagnostic::warning(format!(
                    "tổ \u{201c}{}\u{201d}: chỉ {} hộ gửi phiếu ({}), dưới mức {}",
                    g.code,
                    number(r.counts.returned as i64),
                    percent(turnout),
                    percent(rules.turnout_warning_ratio)
                ))
                .at(t.location(&row.cells[0]))
                .hint(
                    "không làm dừng việc đăng tải; nên giải thích trong phần tiếp thu, giải trình",
                ),
            );
        }
        out.push(Outcome {
            code: g.code.clone(),
            name: g.name.clone(),
            new_code: new.map(|n| n.code.clone()).unwrap_or_default(),
            counts: r.counts,
            passed: passes(r.counts.agree, r.counts.households, rules.merger_pass_ratio),
        });
    }
    for n in plan.iter().filter(|n| n.members.len() >= 2) {
        for m in &n.members {
            if !seen.contains_key(&key(m)) {
                errors.push(
                    Diagnostic::error(format!(
                        "tổ \u{201c}{m}\u{201d} thuộc diện sáp nhập (vào tổ mới \u{201c}{}\u{201d}) nhưng chưa có kết quả lấy ý kiến",
                        n.code
                    ))
                    .in_file(&t.source)
                    .hint(format!("thêm một dòng kết quả cho tổ {m}")),
                );
            }
        }
    }
    out
}

/// Published CSV bytes: UTF-8 with BOM (Excel opens it with the right diacritics).
pub fn csv_bytes(headers: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(vec![0xEF, 0xBB, 0xBF]);
    let _ = w.write_record(headers);
    for r in rows {
        let _ = w.write_record(r);
    }
    w.into_inner().unwrap_or_default()
}

pub fn csv_download(
    file_name: &str,
    title: &str,
    key: &str,
    headers: &[&str],
    rows: &[Vec<String>],
) -> Download {
    Download {
        file_name: file_name.to_string(),
        title: title.to_string(),
        format: "CSV".into(),
        bytes: csv_bytes(headers, rows),
        key_column: Some(key.to_string()),
    }
}

pub fn json_download(file_name: &str, title: &str, key: &str, value: &Value) -> Download {
    let mut bytes = serde_json::to_vec_pretty(value).unwrap_or_default();
    bytes.push(b'\n');
    Download {
        file_name: file_name.to_string(),
        title: title.to_string(),
        format: "JSON".into(),
        bytes,
        key_column: Some(key.to_string()),
    }
}

/// A `[record]` date (TOML date or "10/06/2026").
pub fn record_date(input: &RecordInput, field: &str) -> Option<NaiveDate> {
    match input.record.get(field) {
        Some(toml::Value::Datetime(dt)) => parse_date_text(&dt.to_string()),
        Some(toml::Value::String(s)) => parse_date_text(s),
        _ => None,
    }
}

/// `[record]` list of strings, or one string.
pub fn record_list(input: &RecordInput, field: &str) -> Vec<String> {
    match input.record.get(field) {
        Some(toml::Value::String(s)) if !s.trim().is_empty() => vec![s.trim().to_string()],
        Some(toml::Value::Array(a)) => a
            .iter()
            .filter_map(|v| v.as_str())
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect(),
        _ => Vec::new(),
    }
}

pub fn group_json(g: &Group) -> Value {
    json!({
        "code": g.code,
        "name": g.name,
        "households": g.households,
        "population": g.population,
        "area_ha": g.area_ha.map(|a| crate::format::decimal(a, 2)),
        "kind": g.kind.label(),
        "note": g.note,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> Rules {
        Rules::default()
    }

    #[test]
    fn pass_ratio_boundaries() {
        // (agree, households, passes)
        for (agree, households, want) in [
            (500, 1000, false), // 50,0 % exactly fails
            (501, 1000, true),  // 50,1 % passes
            (0, 0, false),
            (1, 1, true),
            (1, 2, false),
            (2, 3, true),
            (150, 301, false),
            (151, 301, true),
        ] {
            assert_eq!(passes(agree, households, 0.5), want, "{agree}/{households}");
        }
        assert_eq!(percent(ratio(500, 1000)), "50,0\u{a0}%");
        assert_eq!(percent(ratio(501, 1000)), "50,1\u{a0}%");
        // Configurable: two thirds.
        assert!(!passes(666, 1000, 2.0 / 3.0));
        assert!(passes(667, 1000, 2.0 / 3.0));
    }

    #[test]
    fn deputy_heads_boundaries() {
        let r = rules();
        let posts = |deputies: u64| {
            vec![
                Post {
                    title: "Tổ trưởng".into(),
                    count: 1,
                },
                Post {
                    title: "Phó Tổ trưởng".into(),
                    count: deputies,
                },
            ]
        };
        // (households, deputies, ok)
        for (households, deputies, ok) in [
            (999, 1, true),
            (999, 2, false),
            (1000, 2, true),
            (1000, 3, false),
            (1001, 2, true),
            (300, 0, true),
        ] {
            let v = posts_violations(&posts(deputies), households, &r);
            assert_eq!(v.is_empty(), ok, "{households} hộ, {deputies} phó: {v:?}");
        }
        assert_eq!(max_deputies(999, &r), 1);
        assert_eq!(max_deputies(1000, &r), 2);
    }

    #[test]
    fn part_time_posts_limit() {
        let r = rules();
        for (n, ok) in [(4, true), (5, true), (6, false)] {
            let posts = vec![
                Post {
                    title: "Tổ trưởng".into(),
                    count: 1,
                },
                Post {
                    title: "Công an viên".into(),
                    count: n - 1,
                },
            ];
            assert_eq!(posts_violations(&posts, 2000, &r).is_empty(), ok, "{n}");
        }
    }

    #[test]
    fn group_size_rule() {
        let r = rules();
        // (households, kind, special, justification, ok)
        for (h, kind, special, why, ok) in [
            (300, GroupKind::Tdp, false, "", true),
            (299, GroupKind::Tdp, false, "", false),
            (299, GroupKind::Tdp, true, "", false),
            (299, GroupKind::Tdp, true, "   ", false),
            (299, GroupKind::Tdp, true, "Khu tập thể biệt lập", true),
            (150, GroupKind::Thon, false, "", true),
            (149, GroupKind::Thon, false, "", false),
        ] {
            assert_eq!(
                size_violation(h, kind, special, why, &r).is_none(),
                ok,
                "{h} {kind:?} {special}"
            );
        }
    }

    #[test]
    fn consultation_arithmetic() {
        let ok = Counts {
            households: 400,
            issued: 400,
            returned: 380,
            agree: 300,
            disagree: 50,
            other: 20,
            invalid: 10,
        };
        assert!(count_violations(&ok).is_empty());
        let cases = [
            (Counts { agree: 301, ..ok }, "ballots_returned"),
            (
                Counts {
                    returned: 401,
                    issued: 400,
                    agree: 321,
                    ..ok
                },
                "ballots_returned",
            ),
            (Counts { issued: 401, ..ok }, "ballots_issued"),
        ];
        for (c, col) in cases {
            let v = count_violations(&c);
            assert!(v.iter().any(|(k, _)| *k == col), "{c:?}: {v:?}");
        }
        // Edge: everything equal is fine.
        let full = Counts {
            households: 10,
            issued: 10,
            returned: 10,
            agree: 10,
            disagree: 0,
            other: 0,
            invalid: 0,
        };
        assert!(count_violations(&full).is_empty());
    }

    #[test]
    fn period() {
        let d = |day| NaiveDate::from_ymd_opt(2026, 6, day).unwrap();
        assert_eq!(period_days(d(12), d(18)), 7);
        assert_eq!(period_days(d(12), d(17)), 6);
    }

    #[test]
    fn posts_parsing() {
        let p = parse_posts("Tổ trưởng; Phó Tổ trưởng x2; Công an viên: 1").unwrap();
        assert_eq!(p.len(), 3);
        assert_eq!(p[1].count, 2);
        assert!(p[1].is_deputy());
        assert!(!p[0].is_deputy());
        assert!(parse_posts("Tổ trưởng: hai").is_err());
        assert!(parse_posts("").unwrap().is_empty());
    }

    #[test]
    fn member_lists() {
        assert_eq!(
            split_members("TDP01, TDP02 và TDP03; TDP04"),
            vec!["TDP01", "TDP02", "TDP03", "TDP04"]
        );
    }
}
