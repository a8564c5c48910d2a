//! Support programmes (chương trình, chính sách hỗ trợ): what a resolution grants, to
//! whom, for how long, paid by whom. Beneficiary lists point at a programme and may only
//! use the categories it declares.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{KindContext, LoadedPage, RecordInput, RecordKind, RecordOutput, ViewDoc, to_record};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::privacy::{self, NameDisplay};
use crate::text::fold_words;

pub struct Programme;

/// Facts of a programme a beneficiary list needs.
#[derive(Debug, Clone)]
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
            toml::Value::Array(a) => texts.extend(a.iter().filter_map(|x| x.as_str())),
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
        categories: string_list(record.get("categories")).unwrap_or_default(),
        name_display: s("name_display").and_then(|n| NameDisplay::parse(&n)),
        path: format!("/{}/", path.trim_matches('/')),
        file: rel.to_path_buf(),
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
        scan_record(input, ctx, &mut errors);
        if errors.has_errors() {
            return Err(errors);
        }
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
        };
        Ok(RecordOutput {
            record: to_record(&view)?,
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn category_matching_ignores_case_and_marks() {
        let p = ProgrammeInfo {
            title: String::new(),
            code: None,
            legal_basis: String::new(),
            categories: vec!["Hộ nghèo".into(), "Hộ cận nghèo".into()],
            name_display: None,
            path: String::new(),
            file: PathBuf::new(),
        };
        assert_eq!(p.category("ho ngheo"), Some("Hộ nghèo"));
        assert_eq!(p.category("HỘ CẬN NGHÈO "), Some("Hộ cận nghèo"));
        assert_eq!(p.category("Hộ khá"), None);
    }
}
