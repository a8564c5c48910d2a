//! A merger plan: the residential groups after the change, each made of one or more of
//! today's groups. Households and population of a new group are summed here from
//! today's table; every plan rule is checked against it.

use std::collections::{BTreeMap, BTreeSet};

use super::rules::{BASIS_ONCE, BASIS_SIZE, posts_violations, size_violation};
use super::{FirstRows, Group, GroupKind, cell_err, code_key};
use crate::config::Rules;
use crate::data::{FieldSpec, Row, Table};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::format::number;
use crate::text::{did_you_mean, fold_words, name_key, slugify};

/// Columns of the plan table.
pub const PLAN_FIELDS: &[FieldSpec] = &[
    FieldSpec::required("new_code", &["mã tổ mới", "mã mới", "mã tổ sau sắp xếp"]),
    FieldSpec::required(
        "new_name",
        &[
            "tên tổ mới",
            "tên mới",
            "tên tổ dân phố mới",
            "tên tổ sau sắp xếp",
            "tổ dân phố sau sắp xếp",
            "tên tổ dân phố sau sắp xếp",
            "thôn sau sắp xếp",
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
            "các tổ sáp nhập",
            "các tổ dân phố sáp nhập",
            "tổ dân phố trước sắp xếp",
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
    FieldSpec::optional(
        "households",
        &[
            "số hộ",
            "số hộ sau sắp xếp",
            "tổng số hộ",
            "số hộ gia đình",
            "số hộ của tổ mới",
        ],
    ),
    FieldSpec::optional("note", &["ghi chú"]),
];

/// A planned part-time post of a group and how many people hold it.
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

/// "Tổ trưởng; Phó Tổ trưởng x2; Công an viên" or "Tổ trưởng: 1; Phó Tổ trưởng: 2"; a
/// count may say "người" ("Phó Tổ trưởng: 02 người", "Phó Tổ trưởng (2 người)").
pub fn parse_posts(text: &str) -> Result<Vec<Post>, String> {
    let mut out = Vec::new();
    for item in text.split([';', '\n']) {
        let item = item.trim();
        let written = item;
        // "(2 người)" → ": 2"; a trailing "người" after the count goes.
        let owned;
        let item = match item.strip_suffix(')').and_then(|s| s.rsplit_once('(')) {
            Some((t, n))
                if n.trim()
                    .trim_end_matches("người")
                    .trim()
                    .chars()
                    .all(|c| c.is_ascii_digit())
                    && !n.trim().is_empty() =>
            {
                owned = format!("{}: {}", t.trim(), n.trim());
                owned.as_str()
            }
            _ => item,
        };
        let item = item.strip_suffix("người").map_or(item, |s| s.trim_end());
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
        let count: u64 = count.parse().map_err(|_| {
            format!("không đọc được số người của chức danh \u{201c}{written}\u{201d}")
        })?;
        if title.is_empty() {
            return Err(format!("chức danh \u{201c}{written}\u{201d} thiếu tên"));
        }
        out.push(Post {
            title: title.to_string(),
            count,
        });
    }
    Ok(out)
}

/// "TDP01, TDP02 và TDP03; TDP04" → the four codes. Separators inside parentheses
/// ("TDP07 (một phần, 120 hộ)") do not split.
pub fn split_members(text: &str) -> Vec<String> {
    let mut s = text.to_string();
    for sep in [" và ", " + "] {
        s = s.replace(sep, ",");
    }
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut depth = 0usize;
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ',' | ';' | '+' | '\n' if depth == 0 => {
                out.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    out.push(cur);
    out.into_iter()
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
        .collect()
}

/// One entry of the members cell: a whole group ("TDP07") or the part of it that moves
/// ("TDP07 (120 hộ)", "TDP07 (một phần: 120 hộ)", "TDP07 (một phần, 1.200 hộ)").
/// `Err` is the message when the parentheses hold no household count.
pub fn parse_member(entry: &str) -> Result<(String, Option<u64>), String> {
    let entry = entry.trim();
    let Some((code, inner)) = entry.strip_suffix(')').and_then(|s| s.split_once('(')) else {
        return Ok((entry.to_string(), None));
    };
    let folded = fold_words(inner);
    let mut digits = String::new();
    let mut words = Vec::new();
    for w in folded.split(|c: char| c.is_whitespace() || c == ':' || c == ',') {
        if w.is_empty() {
            continue;
        }
        if w.chars().all(|c| c.is_ascii_digit() || c == '.') {
            digits.push_str(&w.replace('.', ""));
        } else {
            words.push(w);
        }
    }
    let known = |w: &&str| matches!(*w, "mot" | "phan" | "ho" | "chuyen" | "sang" | "gom");
    match digits.parse::<u64>() {
        Ok(n) if n > 0 && words.iter().all(known) => Ok((code.trim().to_string(), Some(n))),
        _ => Err(format!(
            "không đọc được số hộ chuyển sang trong \u{201c}{entry}\u{201d}"
        )),
    }
}

/// Households of one of today's groups that a new group takes when the group is split
/// between new groups (ghép một phần).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Part {
    /// Households counted in this new group.
    pub households: u64,
    /// `true`: a part moved in ("TDP07 (120 hộ)"); `false`: the rest of the group, after
    /// its other parts moved out.
    pub moved: bool,
}

/// A residential group after the merger: one row of the plan, with its figures summed
/// from its members.
#[derive(Debug, Clone)]
pub struct MergedGroup {
    pub code: String,
    pub name: String,
    /// Codes of today's groups it is made of, as spelled in today's table.
    pub members: Vec<String>,
    /// Members split between new groups (key: code as in `members`): the households
    /// this new group takes of them. A member not here comes whole.
    pub parts: BTreeMap<String, Part>,
    pub special_case: bool,
    pub justification: String,
    pub posts: Vec<Post>,
    pub note: String,
    /// Row in the plan table, for messages.
    pub row: usize,
    /// Sum of the members' households.
    pub households: u64,
    /// Sum of the members' population; `None` when a member has none.
    pub population: Option<u64>,
    pub kind: GroupKind,
    /// Slug of its page, unique within the plan.
    pub slug: String,
}

impl MergedGroup {
    /// Whether two or more of today's groups merge into it (only those are consulted).
    pub fn is_merger(&self) -> bool {
        self.members.len() >= 2
    }

    /// Households this new group takes of member `code` (its part, or the whole group's
    /// `whole`).
    pub fn member_households(&self, code: &str, whole: u64) -> u64 {
        self.parts.get(code).map_or(whole, |p| p.households)
    }

    /// The members as published: "TDP06, TDP07 (một phần: 120 hộ)"; the rest of a split
    /// group reads "TDP07 (phần còn lại: 280 hộ)".
    pub fn members_text(&self) -> String {
        self.members
            .iter()
            .map(|m| match self.parts.get(m) {
                Some(p) => format!("{m} ({}: {} hộ)", part_label(p.moved), p.households),
                None => m.clone(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// "một phần" for a part that moves in, "phần còn lại" for the rest of a split group.
pub fn part_label(moved: bool) -> &'static str {
    if moved {
        "một phần"
    } else {
        "phần còn lại"
    }
}

/// The figures a new group gets from its members.
struct MemberSum {
    members: Vec<String>,
    parts: BTreeMap<String, Part>,
    households: u64,
    population: Option<u64>,
    kind: Option<GroupKind>,
}

/// Reads the plan row by row, remembering what earlier rows claimed.
struct PlanReader<'a> {
    t: &'a Table,
    groups: &'a [Group],
    rules: &'a Rules,
    by_code: BTreeMap<String, &'a Group>,
    /// Today's group → (new group, plan row) it was put in whole (or its rest).
    assigned: BTreeMap<String, (String, usize)>,
    /// Today's group → the parts of it that move: (new group, plan row, households).
    moved: BTreeMap<String, Vec<(String, usize, u64)>>,
    codes: FirstRows,
    names: FirstRows,
    slugs: BTreeSet<String>,
}

/// Read the plan, compute each new group's households and check every plan rule
/// against today's groups.
pub fn read_plan(
    t: &Table,
    groups: &[Group],
    rules: &Rules,
    errors: &mut Diagnostics,
) -> Vec<MergedGroup> {
    let mut reader = PlanReader {
        t,
        groups,
        rules,
        by_code: groups.iter().map(|g| (code_key(&g.code), g)).collect(),
        assigned: BTreeMap::new(),
        moved: moved_parts(t),
        codes: FirstRows::default(),
        names: FirstRows::default(),
        slugs: BTreeSet::new(),
    };
    let out: Vec<MergedGroup> = t
        .rows
        .iter()
        .filter_map(|row| reader.read_row(row, errors))
        .collect();
    reader.check_every_group_assigned(errors);
    reader.check_parts_add_up(errors);
    out
}

/// Every part that moves, read before the rows so that a group's rest is known in any
/// row order. Entries that do not parse are reported when their row is read.
fn moved_parts(t: &Table) -> BTreeMap<String, Vec<(String, usize, u64)>> {
    let mut out: BTreeMap<String, Vec<(String, usize, u64)>> = BTreeMap::new();
    for row in &t.rows {
        let new_code = t.text(row, "new_code").trim().to_string();
        for entry in split_members(t.text(row, "members")) {
            if let Ok((code, Some(n))) = parse_member(&entry) {
                out.entry(code_key(&code))
                    .or_default()
                    .push((new_code.clone(), row.row, n));
            }
        }
    }
    out
}

impl PlanReader<'_> {
    fn read_row(&mut self, row: &Row, errors: &mut Diagnostics) -> Option<MergedGroup> {
        let t = self.t;
        let code = t.text(row, "new_code").trim().to_string();
        let name = t.text(row, "new_name").trim().to_string();
        if code.is_empty() {
            errors.push(
                cell_err(t, row, "new_code", "thiếu mã tổ sau sắp xếp".into())
                    .hint("ghi mã tổ mới, ví dụ TDP-M01"),
            );
            return None;
        }
        self.check_unique(row, &code, &name, errors);
        let sum = self.sum_members(row, &code, errors);
        let special_case = match t.get(row, "special_case") {
            Some(c) => crate::data::parse_bool_vi(&c.value, (t, c))
                .map_err(|d| errors.push(d))
                .unwrap_or(false),
            None => false,
        };
        let justification = t.text(row, "justification").trim().to_string();
        let kind = sum.kind.unwrap_or(GroupKind::Tdp);
        if !sum.members.is_empty()
            && let Some(msg) = size_violation(
                sum.households,
                kind,
                special_case,
                &justification,
                self.rules,
            )
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
        self.check_typed_households(row, &code, &sum, errors);
        let posts = self.read_posts(row, &code, sum.households, errors);
        let slug = self.unique_slug(&name, &code);
        let population = sum
            .population
            .filter(|_| !self.groups.is_empty() && sum.parts.is_empty());
        Some(MergedGroup {
            code,
            name,
            members: sum.members,
            parts: sum.parts,
            special_case,
            justification,
            posts,
            note: t.text(row, "note").trim().to_string(),
            row: row.row,
            households: sum.households,
            population,
            kind,
            slug,
        })
    }

    /// New codes and names are unique within the plan.
    fn check_unique(&mut self, row: &Row, code: &str, name: &str, errors: &mut Diagnostics) {
        let t = self.t;
        if let Some(first) = self.codes.repeat_of(code_key(code), row.row) {
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
        } else if let Some(first) = self.names.repeat_of(name_key(name), row.row) {
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
    }

    /// Resolve the row's members against today's groups and sum their figures. Each of
    /// today's groups belongs to one new group only, and a new group has one kind.
    fn sum_members(&mut self, row: &Row, code: &str, errors: &mut Diagnostics) -> MemberSum {
        let t = self.t;
        let listed = split_members(t.text(row, "members"));
        if listed.is_empty() {
            errors.push(
                cell_err(t, row, "members", format!("tổ mới \u{201c}{code}\u{201d} chưa ghi gồm những tổ nào hiện nay"))
                    .hint("ghi mã các tổ hiện nay, cách nhau bằng dấu phẩy; tổ giữ nguyên thì ghi mã của chính nó"),
            );
        }
        let mut sum = MemberSum {
            members: Vec::new(),
            parts: BTreeMap::new(),
            households: 0,
            population: Some(0),
            kind: None,
        };
        for entry in listed {
            let (m, part) = match parse_member(&entry) {
                Ok(x) => x,
                Err(msg) => {
                    errors.push(cell_err(t, row, "members", msg).hint(
                        "một phần của tổ chuyển sang ghi: mã tổ rồi số hộ chuyển sang trong ngoặc, ví dụ TDP07 (120 hộ)",
                    ));
                    continue;
                }
            };
            let Some(g) = self.by_code.get(&code_key(&m)).copied() else {
                errors.push(self.unknown_member(row, &m));
                continue;
            };
            let households = match part {
                Some(n) => {
                    sum.parts.insert(
                        g.code.clone(),
                        Part {
                            households: n,
                            moved: true,
                        },
                    );
                    n
                }
                None => {
                    if let Some((prev, prev_row)) = self
                        .assigned
                        .insert(code_key(&m), (code.to_string(), row.row))
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
                            .hint("mỗi tổ hiện nay chỉ được ghi trong một tổ sau sắp xếp; nếu chỉ một phần của tổ chuyển sang tổ khác, ghi số hộ chuyển sang trong ngoặc, ví dụ TDP07 (120 hộ)"),
                        );
                        continue;
                    }
                    match self.moved_out(&g.code) {
                        0 => g.households,
                        out => {
                            let rest = g.households.saturating_sub(out);
                            sum.parts.insert(
                                g.code.clone(),
                                Part {
                                    households: rest,
                                    moved: false,
                                },
                            );
                            rest
                        }
                    }
                }
            };
            sum.households += households;
            sum.population = sum.population.zip(g.population).map(|(a, b)| a + b);
            if sum.kind.is_some_and(|k| k != g.kind) {
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
            sum.kind = Some(g.kind);
            sum.members.push(g.code.clone());
        }
        sum
    }

    /// Households of `code` that move to other new groups (0 when it is not split).
    fn moved_out(&self, code: &str) -> u64 {
        self.moved
            .get(&code_key(code))
            .map_or(0, |v| v.iter().map(|(_, _, n)| n).sum())
    }

    /// When the plan table also types the new group's households, it must equal the
    /// computed sum (whole groups + parts moved in).
    fn check_typed_households(
        &self,
        row: &Row,
        code: &str,
        sum: &MemberSum,
        errors: &mut Diagnostics,
    ) {
        let t = self.t;
        let Some(c) = t
            .get(row, "households")
            .filter(|c| !c.value.trim().is_empty())
        else {
            return;
        };
        let typed = match crate::data::parse_int(&c.value, (t, c)) {
            Ok(n) => n,
            Err(d) => {
                errors.push(d);
                return;
            }
        };
        if typed == sum.households || sum.members.is_empty() {
            return;
        }
        let parts: Vec<String> = sum
            .members
            .iter()
            .filter_map(|m| {
                let g = self.by_code.get(&code_key(m))?;
                Some(match sum.parts.get(m) {
                    Some(p) => format!(
                        "{m} {}: {}",
                        part_label(p.moved),
                        number(p.households as i64)
                    ),
                    None => format!("{m}: {}", number(g.households as i64)),
                })
            })
            .collect();
        errors.push(
            cell_err(
                t,
                row,
                "households",
                format!(
                    "tổ mới \u{201c}{code}\u{201d} ghi {} hộ, nhưng cộng các tổ và phần tổ ghép vào được {} hộ ({})",
                    number(typed as i64),
                    number(sum.households as i64),
                    parts.join(" + ")
                ),
            )
            .hint("số hộ của tổ mới bằng số hộ các tổ ghép nguyên cộng số hộ các phần chuyển sang; sửa cột số hộ, hoặc số hộ chuyển sang trong ngoặc ở cột các tổ hiện nay"),
        );
    }

    fn unknown_member(&self, row: &Row, m: &str) -> Diagnostic {
        let hint = match did_you_mean(m, self.groups.iter().map(|g| g.code.as_str())) {
            Some(s) => format!(
                "có phải ý bạn là \u{201c}{s}\u{201d}? Mã phải có trong bảng tổ dân phố hiện nay"
            ),
            None => "mã phải có trong bảng tổ dân phố hiện nay".to_string(),
        };
        cell_err(
            self.t,
            row,
            "members",
            format!("mã tổ \u{201c}{m}\u{201d} không có trong bảng tổ dân phố hiện nay"),
        )
        .hint(hint)
    }

    /// The planned posts, checked against the post limits for the group's size.
    fn read_posts(
        &self,
        row: &Row,
        code: &str,
        households: u64,
        errors: &mut Diagnostics,
    ) -> Vec<Post> {
        let t = self.t;
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
        for (msg, basis) in posts_violations(&posts, households, self.rules) {
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
        posts
    }

    /// The page slug: from the name, with the code added when two names slug alike.
    fn unique_slug(&mut self, name: &str, code: &str) -> String {
        let mut slug = slugify(name);
        if slug.is_empty() || !self.slugs.insert(slug.clone()) {
            slug = slugify(&format!("{name} {code}"));
            self.slugs.insert(slug.clone());
        }
        slug
    }

    /// Every one of today's groups is in exactly one new group.
    fn check_every_group_assigned(&self, errors: &mut Diagnostics) {
        for g in self.groups {
            if self.assigned.contains_key(&code_key(&g.code))
                || self.moved.contains_key(&code_key(&g.code))
            {
                continue;
            }
            errors.push(
                Diagnostic::error(format!(
                    "tổ \u{201c}{}\u{201d} ({}, {} hộ) không thuộc tổ nào sau sắp xếp. Căn cứ: {BASIS_ONCE}",
                    g.code,
                    g.name,
                    number(g.households as i64)
                ))
                .at(Location::line(&self.t.source, 1).with_field("members"))
                .hint(format!(
                    "thêm mã {} vào cột \u{201c}Các tổ hiện nay\u{201d} (members) của một tổ mới (tổ giữ nguyên thì tạo một dòng chỉ gồm chính nó); tổ ở dòng {} của bảng tổ hiện nay",
                    g.code, g.row
                )),
            );
        }
    }
}

impl PlanReader<'_> {
    /// A split group's households all land somewhere: the parts that move plus its rest
    /// (where it is listed without a number) equal its households.
    fn check_parts_add_up(&self, errors: &mut Diagnostics) {
        for g in self.groups {
            let Some(parts) = self.moved.get(&code_key(&g.code)) else {
                continue;
            };
            let out: u64 = parts.iter().map(|(_, _, n)| n).sum();
            let listed = parts
                .iter()
                .map(|(new, row, n)| {
                    format!(
                        "{} hộ sang tổ \u{201c}{new}\u{201d} (dòng {row})",
                        number(*n as i64)
                    )
                })
                .collect::<Vec<_>>()
                .join(", ");
            let first_row = parts.first().map_or(1, |(_, row, _)| *row);
            let at = Location::line(&self.t.source, first_row).with_field("members");
            let rest = self.assigned.get(&code_key(&g.code));
            let msg = match rest {
                Some((new, row)) if out >= g.households => format!(
                    "tổ \u{201c}{}\u{201d} có {} hộ, các phần chuyển đi cộng lại {} hộ ({listed}), không còn hộ nào cho tổ \u{201c}{new}\u{201d} (dòng {row}) nơi tổ này được ghi nguyên. Căn cứ: {BASIS_ONCE}",
                    g.code,
                    number(g.households as i64),
                    number(out as i64),
                ),
                None if out != g.households => format!(
                    "tổ \u{201c}{}\u{201d} có {} hộ, nhưng các phần chuyển đi cộng lại {} hộ ({listed}); {} Căn cứ: {BASIS_ONCE}",
                    g.code,
                    number(g.households as i64),
                    number(out as i64),
                    if out < g.households {
                        format!(
                            "còn {} hộ chưa thuộc tổ nào sau sắp xếp.",
                            number((g.households - out) as i64)
                        )
                    } else {
                        format!("thừa {} hộ.", number((out - g.households) as i64))
                    }
                ),
                _ => continue,
            };
            errors.push(Diagnostic::error(msg).at(at).hint(format!(
                "số hộ các phần của tổ {} phải cộng lại bằng {} hộ (bảng tổ hiện nay, dòng {}); phần ở lại thì ghi mã {} không kèm số hộ ở tổ giữ phần đó",
                g.code,
                number(g.households as i64),
                g.row,
                g.code
            )));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posts_parsing() {
        // (text, posts as (title, count), or None when it does not parse)
        type Posts = &'static [(&'static str, u64)];
        let cases: &[(&str, Option<Posts>)] = &[
            (
                "Tổ trưởng; Phó Tổ trưởng x2; Công an viên: 1",
                Some(&[("Tổ trưởng", 1), ("Phó Tổ trưởng", 2), ("Công an viên", 1)]),
            ),
            (
                "Tổ trưởng: 1\nPhó Tổ trưởng ×3",
                Some(&[("Tổ trưởng", 1), ("Phó Tổ trưởng", 3)]),
            ),
            ("", Some(&[])),
            (
                "Tổ trưởng: 01 người; Phó Tổ trưởng: 2 người",
                Some(&[("Tổ trưởng", 1), ("Phó Tổ trưởng", 2)]),
            ),
            (
                "Tổ trưởng; Phó Tổ trưởng (2 người); Công an viên (1)",
                Some(&[("Tổ trưởng", 1), ("Phó Tổ trưởng", 2), ("Công an viên", 1)]),
            ),
            ("Phó Tổ trưởng 2 người", Some(&[("Phó Tổ trưởng", 2)])),
            ("Tổ trưởng: hai người", None),
            ("Tổ trưởng: hai", None),
            (": 2", None),
        ];
        for (text, want) in cases {
            let got = parse_posts(text).ok().map(|posts| {
                posts
                    .iter()
                    .map(|p| (p.title.clone(), p.count))
                    .collect::<Vec<_>>()
            });
            let want = want.map(|w| {
                w.iter()
                    .map(|(t, n)| (t.to_string(), *n))
                    .collect::<Vec<_>>()
            });
            assert_eq!(got, want, "{text}");
        }
    }

    #[test]
    fn deputy_titles() {
        // (title, is a deputy head)
        for (title, want) in [
            ("Phó Tổ trưởng", true),
            ("Phó trưởng thôn", true),
            ("Tổ trưởng", false),
            ("Công an viên", false),
        ] {
            let p = Post {
                title: title.into(),
                count: 1,
            };
            assert_eq!(p.is_deputy(), want, "{title}");
        }
    }

    #[test]
    fn member_lists() {
        // (text, codes)
        for (text, want) in [
            (
                "TDP01, TDP02 và TDP03; TDP04",
                &["TDP01", "TDP02", "TDP03", "TDP04"][..],
            ),
            ("TDP01 + TDP02", &["TDP01", "TDP02"][..]),
            (
                "TDP06, TDP07 (một phần, 120 hộ); TDP08",
                &["TDP06", "TDP07 (một phần, 120 hộ)", "TDP08"][..],
            ),
            (" , ;", &[][..]),
        ] {
            assert_eq!(split_members(text), want, "{text}");
        }
    }

    #[test]
    fn member_entries() {
        // (entry, code and households moved, or None when it does not parse)
        type Entry = Option<(&'static str, Option<u64>)>;
        let cases: &[(&str, Entry)] = &[
            ("TDP07", Some(("TDP07", None))),
            ("TDP07 (120 hộ)", Some(("TDP07", Some(120)))),
            ("TDP07 (một phần: 120 hộ)", Some(("TDP07", Some(120)))),
            ("TDP07 (Một phần, 1.200 hộ)", Some(("TDP07", Some(1200)))),
            ("TDP07(120)", Some(("TDP07", Some(120)))),
            ("TDP07 (một phần)", None),
            ("TDP07 (0 hộ)", None),
            ("TDP07 (khu tập thể 120 hộ)", None),
        ];
        for (entry, want) in cases {
            let got = parse_member(entry).ok();
            let want = want.map(|(c, n)| (c.to_string(), n));
            assert_eq!(got, want, "{entry}");
        }
    }

    #[test]
    fn members_text_names_parts() {
        let mut parts = BTreeMap::new();
        parts.insert(
            "G7".to_string(),
            Part {
                households: 120,
                moved: true,
            },
        );
        let n = MergedGroup {
            code: "N".into(),
            name: "N".into(),
            members: vec!["G6".into(), "G7".into()],
            parts,
            special_case: false,
            justification: String::new(),
            posts: Vec::new(),
            note: String::new(),
            row: 2,
            households: 420,
            population: None,
            kind: GroupKind::Tdp,
            slug: "n".into(),
        };
        assert_eq!(n.members_text(), "G6, G7 (một phần: 120 hộ)");
        assert_eq!(n.member_households("G7", 400), 120);
        assert_eq!(n.member_households("G6", 300), 300);
    }
}
