//! Support programmes (chương trình, chính sách hỗ trợ): what a resolution grants, to
//! whom, for how long, paid by whom. Beneficiary lists point at a programme and may only
//! use the categories it declares.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{KindContext, LoadedPage, RecordInput, RecordKind, RecordOutput, ViewDoc, to_record};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::privacy::sensitive::{DEFAULT_NEUTRAL_LABEL, sensitive_topic};
use crate::privacy::{self, NameDisplay};
use crate::text::fold_words;

pub struct Programme;

/// Facts of a programme a beneficiary list needs.
#[derive(Debug, Clone, Default)]
pub struct ProgrammeInfo {
    pub title: String,
    pub code: Option<String>,
    pub legal_basis: String,
    /// Declared beneficiary categories, as written (NFC).
    pub categories: Vec<String>,
    pub name_display: Option<NameDisplay>,
    /// Site path of the programme page (`/ho-tro/chinh-sach-ho-tro/`).
    pub path: String,
    /// File, relative to the site root.
    pub file: PathBuf,
    /// `[record.category_labels]`: declared category → the label lists publish.
    pub category_labels: BTreeMap<String, String>,
    /// `record.category_legal_basis`: the legal basis for naming sensitive categories in
    /// lists; without it they are published under a neutral label.
    pub category_legal_basis: Option<String>,
    /// `[record.category_amounts_vnd]`: declared category → amount per month in đồng.
    pub category_amounts: BTreeMap<String, u64>,
    /// Months each row of a list covers (the list's `record.months`), set by the list
    /// that reads this programme; `None`: from each row's dates.
    pub list_months: Option<u32>,
}

impl ProgrammeInfo {
    /// The declared category matching `text` (case and diacritics ignored).
    pub fn category(&self, text: &str) -> Option<&str> {
        let want = fold_words(text);
        self.categories
            .iter()
            .find(|c| fold_words(c) == want)
            .map(String::as_str)
    }

    /// The label a list publishes for the declared `category`: the category itself when
    /// the programme cites a legal basis for naming sensitive categories; otherwise its
    /// `category_labels` entry, and for a sensitive category without one the default
    /// neutral label.
    pub fn published_category(&self, category: &str) -> String {
        if let Some(label) = self.category_labels.get(category) {
            if self.category_legal_basis.is_none() || sensitive_topic(category).is_none() {
                return label.clone();
            }
            return category.to_string();
        }
        if self.category_legal_basis.is_none() && sensitive_topic(category).is_some() {
            return DEFAULT_NEUTRAL_LABEL.to_string();
        }
        category.to_string()
    }

    /// The published labels of the declared categories, in declared order, each once.
    pub fn published_categories(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for c in &self.categories {
            let label = self.published_category(c);
            if !out.contains(&label) {
                out.push(label);
            }
        }
        out
    }

    /// Declared categories that name sensitive data, with what they reveal.
    pub fn sensitive_categories(&self) -> Vec<(&str, &'static str)> {
        self.categories
            .iter()
            .filter_map(|c| sensitive_topic(c).map(|t| (c.as_str(), t)))
            .collect()
    }
}

/// A problem in a programme's category tables: the `[record]` field, message, hint.
type Problem = (String, String, String);

/// What [`category_policy`] reads: labels, monthly amounts, legal basis, problems.
type CategoryPolicy = (
    BTreeMap<String, String>,
    BTreeMap<String, u64>,
    Option<String>,
    Vec<Problem>,
);

/// `[record.category_labels]`, `[record.category_amounts_vnd]` and
/// `record.category_legal_basis`, checked against the declared `categories`. Keys are
/// matched to the declared categories ignoring case and marks.
fn category_policy(record: &toml::Table, categories: &[String]) -> CategoryPolicy {
    let mut problems: Vec<Problem> = Vec::new();
    let find = |key: &str| {
        let want = fold_words(key);
        categories.iter().find(|c| fold_words(c) == want).cloned()
    };
    let unknown = |field: &str, key: &str| -> Problem {
        (
            field.to_string(),
            format!("\u{201c}{key}\u{201d} không phải là một diện của chương trình"),
            format!(
                "ghi đúng tên một diện trong record.categories: {}",
                categories.join(", ")
            ),
        )
    };
    let mut labels = BTreeMap::new();
    match record.get("category_labels") {
        None => {}
        Some(toml::Value::Table(t)) => {
            for (key, v) in t {
                let field = format!("category_labels.\"{key}\"");
                let Some(category) = find(key) else {
                    problems.push(unknown(&field, key));
                    continue;
                };
                let label = v
                    .as_str()
                    .map(|s| crate::text::nfc(s.trim()))
                    .unwrap_or_default();
                if label.is_empty() {
                    problems.push((
                        field,
                        format!("nhãn công khai của diện \u{201c}{category}\u{201d} phải là một chuỗi chữ khác rỗng"),
                        "ví dụ \"Hộ có người mắc bệnh hiểm nghèo\" = \"Diện hỗ trợ 2\"".to_string(),
                    ));
                } else if let Some(topic) = sensitive_topic(&label) {
                    problems.push((
                        field,
                        format!("nhãn \u{201c}{label}\u{201d} vẫn nêu {topic} — dữ liệu cá nhân nhạy cảm, không được đặt cạnh tên người"),
                        format!("dùng một nhãn trung tính, ví dụ \u{201c}{DEFAULT_NEUTRAL_LABEL}\u{201d} hoặc \u{201c}Diện hỗ trợ 2\u{201d}"),
                    ));
                } else if let Some(other) = find(&label).filter(|o| *o != category) {
                    problems.push((
                        field,
                        format!("nhãn \u{201c}{label}\u{201d} trùng tên diện \u{201c}{other}\u{201d}: hai diện khác nhau sẽ bị cộng chung"),
                        format!("chọn nhãn khác, ví dụ \u{201c}{DEFAULT_NEUTRAL_LABEL}\u{201d}"),
                    ));
                } else {
                    labels.insert(category, label);
                }
            }
        }
        Some(_) => problems.push((
            "category_labels".to_string(),
            "record.category_labels phải là một bảng: tên diện = nhãn công khai".to_string(),
            "viết [record.category_labels] rồi mỗi dòng \"Tên diện\" = \"Nhãn công khai\""
                .to_string(),
        )),
    }
    let mut amounts = BTreeMap::new();
    match record.get("category_amounts_vnd") {
        None => {}
        Some(toml::Value::Table(t)) => {
            for (key, v) in t {
                let field = format!("category_amounts_vnd.\"{key}\"");
                let Some(category) = find(key) else {
                    problems.push(unknown(&field, key));
                    continue;
                };
                let amount = match v {
                    toml::Value::Integer(i) => u64::try_from(*i).ok(),
                    toml::Value::String(s) => crate::data::parse_vnd(s, Location::file("")).ok(),
                    _ => None,
                };
                match amount {
                    Some(a) => {
                        amounts.insert(category, a);
                    }
                    None => problems.push((
                        field,
                        format!("mức hỗ trợ của diện \u{201c}{category}\u{201d} phải là số tiền nguyên, không âm (đồng/tháng)"),
                        format!("ví dụ \"{category}\" = 500000"),
                    )),
                }
            }
        }
        Some(_) => problems.push((
            "category_amounts_vnd".to_string(),
            "record.category_amounts_vnd phải là một bảng: tên diện = số tiền mỗi tháng"
                .to_string(),
            "viết [record.category_amounts_vnd] rồi mỗi dòng \"Hộ nghèo\" = 500000".to_string(),
        )),
    }
    let basis = match record.get("category_legal_basis") {
        None => None,
        Some(toml::Value::String(s)) if !s.trim().is_empty() => Some(crate::text::nfc(s.trim())),
        Some(_) => {
            problems.push((
                "category_legal_basis".to_string(),
                "record.category_legal_basis phải ghi văn bản pháp luật cho phép công khai tên các diện nhạy cảm".to_string(),
                "ví dụ category_legal_basis = \"Khoản 2 Điều 8 Nghị định số …\"; nếu không có căn cứ, bỏ dòng này để các diện nhạy cảm được ghi bằng nhãn trung tính".to_string(),
            ));
            None
        }
    };
    (labels, amounts, basis, problems)
}

fn string_list(v: Option<&toml::Value>) -> Option<Vec<String>> {
    match v? {
        toml::Value::Array(a) => a
            .iter()
            .map(|x| x.as_str().map(|s| crate::text::nfc(s.trim())))
            .collect(),
        toml::Value::String(s) => Some(vec![crate::text::nfc(s.trim())]),
        _ => None,
    }
}

/// Scan the published texts of a record (its string fields and Markdown body).
pub(crate) fn scan_record(input: &RecordInput, ctx: &KindContext, errors: &mut Diagnostics) {
    // The Markdown body is scanned for every portal page by the site model.
    let allow = ctx.config.privacy_allow();
    scan_toml(input.record, "record", input, &allow, errors);
}

fn scan_toml(
    t: &toml::Table,
    prefix: &str,
    input: &RecordInput,
    allow: &[String],
    errors: &mut Diagnostics,
) {
    for (k, v) in t {
        let field = format!("{prefix}.{k}");
        let mut texts = Vec::new();
        match v {
            toml::Value::String(s) => texts.push(s.as_str()),
            toml::Value::Array(a) => {
                texts.extend(a.iter().filter_map(|x| x.as_str()));
                // Arrays of tables ([[record.partners]]) are scanned field by field.
                for (i, sub) in a.iter().filter_map(|x| x.as_table()).enumerate() {
                    scan_toml(sub, &format!("{field}[{}]", i + 1), input, allow, errors);
                }
            }
            toml::Value::Table(sub) => scan_toml(sub, &field, input, allow, errors),
            _ => {}
        }
        // Data file paths are not published text.
        if matches!(
            k.as_str(),
            "list" | "groups" | "resources" | "given" | "programme"
        ) {
            continue;
        }
        for s in texts {
            for f in privacy::scan_text(s, allow) {
                errors.push(
                    Diagnostic::error(f.message())
                        .at(Location::file(input.file).with_field(field.clone()))
                        .hint(privacy::Finding::HINT),
                );
            }
        }
    }
}

fn int_field(input: &RecordInput, field: &str, errors: &mut Diagnostics) -> Option<i64> {
    match input.record.get(field)? {
        toml::Value::Integer(i) if *i >= 0 => Some(*i),
        toml::Value::String(s) => match crate::data::parse_vnd(s, input.field_location(field)) {
            Ok(v) => i64::try_from(v).ok(),
            Err(d) => {
                errors.push(d);
                None
            }
        },
        _ => {
            errors.push(
                Diagnostic::error(format!(
                    "record.{field} phải là số tiền nguyên, không âm (đồng)"
                ))
                .at(input.field_location(field))
                .hint(format!("viết {field} = 1500000 (không có dấu ngoặc kép)")),
            );
            None
        }
    }
}

/// A programme's facts from the front matter of the page at `rel` (`content/…`); `None`
/// when that page is not a programme.
fn info_from_front_matter(rel: &Path, front_matter: &str) -> Option<ProgrammeInfo> {
    let table = front_matter.parse::<toml::Table>().ok()?;
    if table.get("kind").and_then(|v| v.as_str()) != Some("programme") {
        return None;
    }
    let record = table
        .get("record")
        .and_then(|v| v.as_table())
        .cloned()
        .unwrap_or_default();
    let s = |k: &str| record.get(k).and_then(|v| v.as_str()).map(crate::text::nfc);
    let categories = string_list(record.get("categories")).unwrap_or_default();
    let (category_labels, category_amounts, category_legal_basis, _) =
        category_policy(&record, &categories);
    let content_rel = rel.strip_prefix("content").unwrap_or(rel);
    let mut path = content_rel.to_string_lossy().replace('\\', "/");
    path = path
        .trim_end_matches(".md")
        .trim_end_matches("/index")
        .trim_end_matches("_index")
        .to_string();
    Some(ProgrammeInfo {
        title: table
            .get("title")
            .and_then(|v| v.as_str())
            .map(crate::text::nfc)
            .unwrap_or_default(),
        code: s("code"),
        legal_basis: s("legal_basis").unwrap_or_default(),
        categories,
        name_display: s("name_display").and_then(|n| NameDisplay::parse(&n)),
        path: format!("/{}/", path.trim_matches('/')),
        file: rel.to_path_buf(),
        category_labels,
        category_legal_basis,
        category_amounts,
        list_months: None,
    })
}

/// Find the programme a list names among the site's loaded `pages`
/// ([`KindContext::pages`]): `@/ho-tro/chinh-sach.md` (a content path) or the
/// programme's `code` (the first page in file order that has it).
pub fn resolve(
    pages: &[LoadedPage],
    reference: &str,
    at: Location,
) -> Result<ProgrammeInfo, Diagnostic> {
    let reference = reference.trim();
    if let Some(rest) = reference.strip_prefix("@/") {
        let rel = PathBuf::from("content").join(rest.trim_start_matches('/'));
        let page = pages.iter().find(|p| p.file == rel);
        let Some(page) = page.filter(|_| !rest.contains("..")) else {
            return Err(Diagnostic::error(format!(
                "không tìm thấy trang chương trình \u{201c}{reference}\u{201d}"
            ))
            .at(at)
            .hint("ghi đường dẫn trang chương trình tính từ thư mục content, ví dụ programme = \"@/ho-tro/chinh-sach-ho-tro.md\""));
        };
        return match info_from_front_matter(&rel, &page.front_matter) {
            Some(p) => Ok(p),
            None => Err(Diagnostic::error(format!(
                "trang \u{201c}{reference}\u{201d} không phải là một chương trình hỗ trợ (kind = \"programme\")"
            ))
            .at(at)
            .hint("trỏ tới trang có kind = \"programme\"")),
        };
    }
    let mut codes = Vec::new();
    for page in pages {
        if let Some(p) = info_from_front_matter(&page.file, &page.front_matter) {
            if p.code
                .as_deref()
                .is_some_and(|c| fold_words(c) == fold_words(reference))
            {
                return Ok(p);
            }
            codes.extend(p.code);
        }
    }
    Err(Diagnostic::error(format!(
        "không có chương trình hỗ trợ nào mang mã \u{201c}{reference}\u{201d}"
    ))
    .at(at)
    .hint(if codes.is_empty() {
        "tạo trang chương trình (kind = \"programme\") có record.code, hoặc ghi programme = \"@/đường/dẫn/trang.md\"".to_string()
    } else {
        format!("các mã đang có: {}", codes.join(", "))
    }))
}

impl RecordKind for Programme {
    fn name(&self) -> &'static str {
        "programme"
    }

    fn label(&self) -> &'static str {
        "Chương trình hỗ trợ"
    }

    fn build(&self, input: &RecordInput, ctx: &KindContext) -> Result<RecordOutput, Diagnostics> {
        let mut errors = Diagnostics::new();
        let legal_basis = input.required_str("legal_basis", &mut errors);
        let eligible = input.required_str("eligible", &mut errors);
        let office = input.required_str("office", &mut errors);
        let period = input.required_str("period", &mut errors);
        let categories = string_list(input.record.get("categories")).unwrap_or_default();
        if categories.is_empty() || categories.iter().any(|c| c.is_empty()) {
            errors.push(
                Diagnostic::error(
                    "chương trình phải khai báo các diện thụ hưởng (record.categories)",
                )
                .at(input.field_location("categories"))
                .hint(format!(
                    "ví dụ categories = [{}] (các diện thường dùng, khai báo ở household_categories trong bảng [vocabulary] của config.toml)",
                    ctx.config
                        .vocabulary
                        .household_categories
                        .iter()
                        .map(|c| format!("\"{c}\""))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            );
        }
        let support = string_list(input.record.get("support")).unwrap_or_default();
        let amount = int_field(input, "amount_per_month_vnd", &mut errors);
        let budget = int_field(input, "budget_vnd", &mut errors);
        let name_display = input.opt_str("name_display");
        if let Some(n) = name_display
            && NameDisplay::parse(n).is_none()
        {
            errors.push(
                Diagnostic::error(format!("cách hiển thị tên không hợp lệ: \u{201c}{n}\u{201d}"))
                    .at(input.field_location("name_display"))
                    .hint("dùng name_display = \"full\" (họ tên đầy đủ) hoặc \"initials\" (viết tắt N. V. A.)"),
            );
        }
        let (labels, amounts, category_legal_basis, problems) =
            category_policy(input.record, &categories);
        for (field, message, hint) in problems {
            errors.push(
                Diagnostic::error(message)
                    .at(input.field_location(&field))
                    .hint(hint),
            );
        }
        let partners = super::partners::partners(input, &mut errors);
        scan_record(input, ctx, &mut errors);
        let mut warnings = Diagnostics::new();
        // Categories outside [vocabulary] household_categories: an error when the
        // vocabulary is strict, a warning otherwise (published as declared).
        let vocabulary = &ctx.config.vocabulary;
        let unknown: Vec<&String> = categories
            .iter()
            .filter(|c| {
                !c.is_empty()
                    && crate::config::Vocabulary::find(&vocabulary.household_categories, c)
                        .is_none()
            })
            .collect();
        if !unknown.is_empty() {
            let msg = format!(
                "diện {} không có trong household_categories của bảng [vocabulary] ({})",
                unknown
                    .iter()
                    .map(|c| format!("\u{201c}{c}\u{201d}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                vocabulary.household_categories.join(", ")
            );
            let hint = "sửa tên diện cho đúng danh mục, hoặc thêm diện vào household_categories trong bảng [vocabulary] của config.toml";
            if vocabulary.household_categories_strict {
                errors.push(
                    Diagnostic::error(msg)
                        .at(input.field_location("categories"))
                        .hint(hint),
                );
            } else {
                warnings.push(
                    Diagnostic::warning(msg)
                        .at(input.field_location("categories"))
                        .hint(format!(
                            "{hint} (household_categories_strict = true thì đây là lỗi)"
                        )),
                );
            }
        }
        if errors.has_errors() {
            return Err(errors);
        }
        if category_legal_basis.is_none() {
            let hidden: Vec<String> = categories
                .iter()
                .filter_map(|c| {
                    sensitive_topic(c).map(|topic| {
                        let label = labels.get(c).map_or(DEFAULT_NEUTRAL_LABEL, String::as_str);
                        format!("\u{201c}{c}\u{201d} ({topic}) → \u{201c}{label}\u{201d}")
                    })
                })
                .collect();
            if !hidden.is_empty() {
                warnings.push(
                    Diagnostic::warning(format!(
                        "các danh sách của chương trình ghi diện nhạy cảm bằng nhãn trung tính: {}",
                        hidden.join("; ")
                    ))
                    .at(input.field_location("categories"))
                    .hint("đặt nhãn riêng trong [record.category_labels]; chỉ ghi category_legal_basis = \"…\" khi có văn bản pháp luật cho phép công khai tên diện cạnh tên người"),
                );
            }
        }
        let category_amounts_vnd = categories
            .iter()
            .filter_map(|c| {
                amounts.get(c).map(|a| CategoryAmount {
                    category: c.clone(),
                    amount_vnd: *a as i64,
                })
            })
            .collect();
        let search_text = format!("{legal_basis} {eligible} {office} {}", categories.join(" "));
        let view = ProgrammeView {
            code: input.opt_str("code").map(str::to_string),
            legal_basis,
            eligible,
            support,
            amount_per_month_vnd: amount,
            health_insurance_share: input.opt_str("health_insurance_share").map(str::to_string),
            period,
            office,
            budget_vnd: budget,
            categories,
            name_display: name_display.map(str::to_string),
            category_amounts_vnd,
            category_legal_basis,
            partners,
        };
        Ok(RecordOutput {
            record: to_record(&view)?,
            warnings,
            search_text,
            ..Default::default()
        })
    }

    fn views(&self) -> Vec<ViewDoc> {
        vec![ViewDoc::of::<ProgrammeView>(self.template())]
    }
}

/// `page.record` of a support programme (chương trình hỗ trợ): who may receive what,
/// on which legal basis; the lists of beneficiaries link to it.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ProgrammeView {
    /// Short code lists use to name the programme (`record.programme = "BTXH-2026"`), or null.
    pub code: Option<String>,
    /// The decision or resolution the support rests on, as written.
    pub legal_basis: String,
    /// Who is eligible, in plain words.
    pub eligible: String,
    /// What is given, one item each.
    pub support: Vec<String>,
    /// Monthly amount per beneficiary in đồng (a number; format it with `money_vi`), or null.
    pub amount_per_month_vnd: Option<i64>,
    /// Share of the health-insurance premium paid, as written (`100%`), or null.
    pub health_insurance_share: Option<String>,
    /// Period of the support, as written (`Từ tháng 01/2026 đến tháng 12/2026`).
    pub period: String,
    /// Office that receives applications and answers questions.
    pub office: String,
    /// Total budget in đồng (a number), or null.
    pub budget_vnd: Option<i64>,
    /// Categories of beneficiaries (`Hộ nghèo`, `Hộ cận nghèo`); list rows must use one.
    pub categories: Vec<String>,
    /// How lists of this programme show names: `full` or `initials`, or null (the default, full).
    pub name_display: Option<String>,
    /// Monthly amount per category, in the declared order (only the categories that have
    /// one); list rows are checked against it.
    pub category_amounts_vnd: Vec<CategoryAmount>,
    /// The legal basis for naming sensitive categories (health, disability, ethnicity,
    /// religion) in lists, or null: then lists show them under a neutral label.
    pub category_legal_basis: Option<String>,
    /// Bodies carrying out the programme, each with its duties.
    pub partners: Vec<super::partners::PartnerView>,
}

/// The monthly amount of one category.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct CategoryAmount {
    /// The category, as declared.
    pub category: String,
    /// Amount per month in đồng (a number; format it with `money_vi`).
    pub amount_vnd: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn category_matching_ignores_case_and_marks() {
        let p = ProgrammeInfo {
            categories: vec!["Hộ nghèo".into(), "Hộ cận nghèo".into()],
            ..Default::default()
        };
        assert_eq!(p.category("ho ngheo"), Some("Hộ nghèo"));
        assert_eq!(p.category("HỘ CẬN NGHÈO "), Some("Hộ cận nghèo"));
        assert_eq!(p.category("Hộ khá"), None);
    }

    fn policy(front: &str) -> (ProgrammeInfo, usize) {
        let record: toml::Table = front.parse().unwrap();
        let categories = vec![
            "Hộ nghèo".to_string(),
            "Hộ có người mắc bệnh hiểm nghèo".to_string(),
            "Người khuyết tật".to_string(),
        ];
        let (category_labels, category_amounts, category_legal_basis, problems) =
            category_policy(&record, &categories);
        let info = ProgrammeInfo {
            categories,
            category_labels,
            category_amounts,
            category_legal_basis,
            ..Default::default()
        };
        (info, problems.len())
    }

    #[test]
    fn sensitive_categories_get_neutral_labels() {
        // ([record] lines, problems, published labels of the three categories)
        let cases: &[(&str, usize, [&str; 3])] = &[
            (
                "",
                0,
                ["Hộ nghèo", "Diện hỗ trợ đặc thù", "Diện hỗ trợ đặc thù"],
            ),
            (
                "[category_labels]\n\"ho co nguoi mac benh hiem ngheo\" = \"Diện hỗ trợ 2\"\n",
                0,
                ["Hộ nghèo", "Diện hỗ trợ 2", "Diện hỗ trợ đặc thù"],
            ),
            (
                "category_legal_basis = \"Điều 8 Nghị định số 1/2026\"\n",
                0,
                [
                    "Hộ nghèo",
                    "Hộ có người mắc bệnh hiểm nghèo",
                    "Người khuyết tật",
                ],
            ),
            // A label that names the condition is refused (the default stays).
            (
                "[category_labels]\n\"Người khuyết tật\" = \"Diện khuyết tật\"\n",
                1,
                ["Hộ nghèo", "Diện hỗ trợ đặc thù", "Diện hỗ trợ đặc thù"],
            ),
            // A label equal to another category would merge their totals.
            (
                "[category_labels]\n\"Người khuyết tật\" = \"Hộ nghèo\"\n",
                1,
                ["Hộ nghèo", "Diện hỗ trợ đặc thù", "Diện hỗ trợ đặc thù"],
            ),
            // A label for a category the programme does not declare.
            (
                "[category_labels]\n\"Hộ khá\" = \"Diện 9\"\n",
                1,
                ["Hộ nghèo", "Diện hỗ trợ đặc thù", "Diện hỗ trợ đặc thù"],
            ),
            (
                "category_labels = \"x\"\n",
                1,
                ["Hộ nghèo", "Diện hỗ trợ đặc thù", "Diện hỗ trợ đặc thù"],
            ),
            (
                "category_legal_basis = \" \"\n",
                1,
                ["Hộ nghèo", "Diện hỗ trợ đặc thù", "Diện hỗ trợ đặc thù"],
            ),
        ];
        for (front, problems, want) in cases {
            let (p, n) = policy(front);
            assert_eq!(n, *problems, "{front}");
            let got: Vec<String> = p
                .categories
                .iter()
                .map(|c| p.published_category(c))
                .collect();
            assert_eq!(got, want, "{front}");
        }
        let (p, _) = policy("");
        assert_eq!(
            p.published_categories(),
            vec!["Hộ nghèo", "Diện hỗ trợ đặc thù"]
        );
        assert_eq!(p.sensitive_categories().len(), 2);
    }

    #[test]
    fn category_amounts() {
        // ([record] lines, problems, amounts read)
        let cases: &[(&str, usize, usize)] = &[
            ("[category_amounts_vnd]\n\"Hộ nghèo\" = 500000\n", 0, 1),
            (
                "[category_amounts_vnd]\n\"ho ngheo\" = \"500.000\"\n\"Người khuyết tật\" = 750000\n",
                0,
                2,
            ),
            ("[category_amounts_vnd]\n\"Hộ nghèo\" = -1\n", 1, 0),
            ("[category_amounts_vnd]\n\"Hộ nghèo\" = \"5tr\"\n", 1, 0),
            ("[category_amounts_vnd]\n\"Hộ giàu\" = 1\n", 1, 0),
            ("category_amounts_vnd = 5\n", 1, 0),
        ];
        for (front, problems, n) in cases {
            let (p, got) = policy(front);
            assert_eq!((got, p.category_amounts.len()), (*problems, *n), "{front}");
        }
    }
}
