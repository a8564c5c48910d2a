//! Load: the resources received and the support given → typed [`Resource`]s and
//! [`Given`]s. Every cell is scanned for personal identifiers, unknown columns are errors,
//! and each support given must name a known group, form and resource.

use std::path::Path;

use chrono::NaiveDate;

use crate::config::Vocabulary;
use crate::data::{FieldSpec, LoadOptions, Row, Table, load_table, parse_date, parse_vnd};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::kinds::{KindContext, RecordInput};
use crate::privacy;
use crate::residential::{DEFAULT_GROUPS, WardGroups};
use crate::text::fold_words;

pub const RESOURCE_FIELDS: &[FieldSpec] = &[
    FieldSpec::required("code", &["mã", "mã nguồn", "số phiếu"]),
    FieldSpec::required("date", &["ngày", "ngày nhận"]),
    FieldSpec::required(
        "donor",
        &[
            "nhà tài trợ",
            "người ủng hộ",
            "đơn vị ủng hộ",
            "tổ chức, cá nhân ủng hộ",
            "người, đơn vị ủng hộ",
        ],
    ),
    FieldSpec::required("kind", &["loại", "hình thức", "tiền mặt/hiện vật"]),
    FieldSpec::optional("description", &["nội dung", "mô tả", "diễn giải"]),
    FieldSpec::required(
        "value_vnd",
        &["giá trị", "số tiền", "giá trị (đồng)", "trị giá"],
    ),
];

pub const GIVEN_FIELDS: &[FieldSpec] = &[
    FieldSpec::required("date", &["ngày", "ngày hỗ trợ", "ngày trao"]),
    FieldSpec::required(
        "recipient",
        &[
            "người nhận",
            "hộ nhận",
            "hộ được hỗ trợ",
            "hộ, hoạt động được hỗ trợ",
            "đối tượng",
            "nơi nhận",
            "người/hộ nhận",
        ],
    ),
    FieldSpec::required(
        "group",
        &[
            "tổ dân phố",
            "tdp",
            "tổ",
            "thôn",
            "làng",
            "buôn",
            "bản",
            "ấp",
            "khu phố",
            "khu dân cư",
        ],
    ),
    FieldSpec::required("form", &["hình thức hỗ trợ", "hình thức", "loại hỗ trợ"]),
    FieldSpec::optional("description", &["nội dung", "mô tả", "diễn giải"]),
    FieldSpec::required(
        "value_vnd",
        &["giá trị", "số tiền", "giá trị (đồng)", "trị giá"],
    ),
    FieldSpec::required("resource", &["nguồn", "mã nguồn", "từ nguồn"]),
];

/// Keywords that name one of the five default forms of support of seed 002 ("Các hình
/// thức hỗ trợ cụ thể"), matched by folded whole words: emergency (cash, necessities,
/// medicine), livelihood, education (scholarships, books: "học tập"), infrastructure
/// (house repairs, power, water: "nhà ở"), moral support (visits). A keyword counts only
/// when its form is in `[vocabulary] support_forms`.
pub const FORMS: &[(&str, &str)] = &[
    ("khan cap", "Hỗ trợ khẩn cấp"),
    ("dot xuat", "Hỗ trợ khẩn cấp"),
    ("sinh ke", "Hỗ trợ sinh kế"),
    ("giao duc", "Hỗ trợ giáo dục"),
    ("hoc", "Hỗ trợ giáo dục"),
    ("hoc bong", "Hỗ trợ giáo dục"),
    ("ha tang", "Hỗ trợ hạ tầng"),
    ("nha o", "Hỗ trợ hạ tầng"),
    ("nha", "Hỗ trợ hạ tầng"),
    ("tinh than", "Hỗ trợ tinh thần"),
    ("tham hoi", "Hỗ trợ tinh thần"),
];

/// The configured form of support a cell names: the form itself (case and diacritics
/// ignored), the form without its "Hỗ trợ" ("Khẩn cấp" → "Hỗ trợ khẩn cấp"), or a
/// keyword of [`FORMS`], by whole words.
pub fn form_of(text: &str, forms: &[String]) -> Option<String> {
    if let Some(f) = Vocabulary::find(forms, text)
        .or_else(|| Vocabulary::find(forms, &format!("Hỗ trợ {}", text.trim())))
    {
        return Some(f.to_string());
    }
    let f = fold_words(text);
    let padded = format!(" {f} ");
    FORMS
        .iter()
        .filter(|(_, v)| forms.iter().any(|c| c == v))
        .find(|(k, _)| padded.contains(&format!(" {k} ")))
        .map(|(_, v)| v.to_string())
}

/// "tiền mặt" → cash (true), "hiện vật" → in kind (false).
pub fn is_cash(text: &str) -> Option<bool> {
    let f = fold_words(text);
    if f.contains("tien") || f == "cash" || f.contains("chuyen khoan") {
        Some(true)
    } else if f.contains("hien vat") || f.contains("vat pham") || f == "in kind" {
        Some(false)
    } else {
        None
    }
}

/// A resource the community received.
#[derive(Debug, Clone)]
pub struct Resource {
    /// Code support given refers to, `N01`.
    pub code: String,
    pub date: NaiveDate,
    pub donor: String,
    /// Cash (true) or in kind (false).
    pub cash: bool,
    pub description: String,
    /// Value in đồng.
    pub value: u64,
    pub row: usize,
}

/// A support given, taken from one resource.
#[derive(Debug, Clone)]
pub struct Given {
    pub date: NaiveDate,
    pub recipient: String,
    /// Canonical name of the residential group.
    pub group: String,
    /// One of `[vocabulary] support_forms`, or the cell as written when the list is
    /// not strict.
    pub form: String,
    pub description: String,
    /// Value in đồng.
    pub value: u64,
    /// Code of the resource it came from (as the resources table spells it).
    pub resource: String,
    pub row: usize,
    /// The value cell, for balance messages.
    pub loc: Location,
}

/// The two tables and the residential groups, read and screened.
pub(super) struct Tables {
    pub resources: Table,
    pub given: Table,
    pub groups: WardGroups,
}

/// Reads both tables (minus the columns `[record] private` names) and the groups; stops
/// at the first file that cannot be read, then reports unknown columns all at once.
pub(super) fn load_tables(input: &RecordInput, ctx: &KindContext) -> Result<Tables, Diagnostics> {
    let private: Vec<String> = input
        .record
        .get("private")
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let res_file = input.str_field("resources").map_err(Diagnostics::from)?;
    let given_file = input.str_field("given").map_err(Diagnostics::from)?;
    let groups = WardGroups::load(ctx.root, input.opt_str("groups").unwrap_or(DEFAULT_GROUPS))
        .map_err(Diagnostics::from_vec)?;
    let table = |field: &str, file: &str, fields| {
        let settings = crate::kinds::files::TableSettings::read(input, field, false)?;
        load_table(
            ctx.root,
            Path::new(file),
            &settings.apply(LoadOptions::new(fields).private_columns(&private)),
        )
        .map_err(Diagnostics::from_vec)
    };
    let resources = table("resources", res_file, RESOURCE_FIELDS)?;
    let given = table("given", given_file, GIVEN_FIELDS)?;
    let mut errors = Diagnostics::new();
    no_unknown_columns(&resources, RESOURCE_FIELDS, &mut errors);
    no_unknown_columns(&given, GIVEN_FIELDS, &mut errors);
    crate::kinds::programme::scan_record(input, ctx, &mut errors);
    if errors.has_errors() {
        return Err(errors);
    }
    Ok(Tables {
        resources,
        given,
        groups,
    })
}

/// Personal identifiers in any cell are errors.
fn scan_row(table: &Table, row: &Row, allow: &[String], errors: &mut Diagnostics) {
    for c in &row.cells {
        for hit in privacy::scan_cell(&c.value, allow, 2000) {
            errors.push(
                Diagnostic::error(hit.message())
                    .at(table.location(c))
                    .hint(privacy::Finding::HINT),
            );
        }
    }
}

/// A column that is not a known field (or names personal data) is an error: it would
/// be published as is.
fn no_unknown_columns(table: &Table, fields: &[FieldSpec], errors: &mut Diagnostics) {
    for h in &table.headers {
        let what = privacy::forbidden_header(&h.raw);
        if what.is_none() && h.field.is_none() {
            errors.push(crate::data::unknown_column(
                &table.source,
                h,
                fields,
                "nếu cột này cần giữ trong tệp nhưng không công khai, khai báo private = [\"tên cột\"] trong bảng [record] để bỏ nó khi đọc",
            ));
        } else if what.is_some() {
            errors.push(
                Diagnostic::error(match what {
                    Some(w) => format!("cột \u{201c}{}\u{201d} chứa {w} — dữ liệu cá nhân không được công khai", h.raw),
                    None => format!("cột lạ \u{201c}{}\u{201d}", h.raw),
                })
                .at(Location {
                    file: table.source.clone(),
                    line: None,
                    column: Some(h.column),
                    field: Some(h.raw.clone()),
                })
                .hint("xóa cột này khỏi tệp, hoặc khai báo private = [\"tên cột\"] trong bảng [record] để bỏ nó khi đọc"),
            );
        }
    }
}

fn cell_date(table: &Table, row: &Row, f: &str, errors: &mut Diagnostics) -> Option<NaiveDate> {
    let c = table.get(row, f)?;
    parse_date(&c.value, (table, c))
        .map_err(|d| errors.push(d))
        .ok()
}

fn cell_vnd(table: &Table, row: &Row, f: &str, errors: &mut Diagnostics) -> Option<u64> {
    let c = table.get(row, f)?;
    parse_vnd(&c.value, (table, c))
        .map_err(|d| errors.push(d))
        .ok()
}

/// The resources received; codes are unique (compared folded).
pub fn read_resources(table: &Table, allow: &[String], errors: &mut Diagnostics) -> Vec<Resource> {
    let mut out: Vec<Resource> = Vec::new();
    for row in &table.rows {
        scan_row(table, row, allow, errors);
        let code = table.text(row, "code").trim().to_string();
        if let Some(c) = table.get(row, "code") {
            if code.is_empty() {
                errors.push(
                    Diagnostic::error("thiếu mã nguồn")
                        .at(table.location(c))
                        .hint("đặt cho mỗi khoản nhận một mã, ví dụ N01"),
                );
            } else if let Some(prev) = out
                .iter()
                .find(|r| fold_words(&r.code) == fold_words(&code))
            {
                errors.push(
                    Diagnostic::error(format!(
                        "mã nguồn \u{201c}{code}\u{201d} trùng với dòng {}",
                        prev.row
                    ))
                    .at(table.location(c))
                    .hint("mỗi khoản nhận cần một mã riêng"),
                );
            }
        }
        let cash = table
            .get(row, "kind")
            .and_then(|c| match is_cash(&c.value) {
                Some(b) => Some(b),
                None => {
                    errors.push(
                        Diagnostic::error(format!(
                            "loại \u{201c}{}\u{201d} không rõ",
                            c.value.trim()
                        ))
                        .at(table.location(c))
                        .hint("ghi \u{201c}Tiền mặt\u{201d} hoặc \u{201c}Hiện vật\u{201d}"),
                    );
                    None
                }
            });
        let date = cell_date(table, row, "date", errors);
        let value = cell_vnd(table, row, "value_vnd", errors);
        if let (Some(date), Some(value), Some(cash)) = (date, value, cash) {
            out.push(Resource {
                code,
                date,
                donor: table.text(row, "donor").trim().to_string(),
                cash,
                description: table.text(row, "description").trim().to_string(),
                value,
                row: row.row,
            });
        }
    }
    out
}

/// The support given; each names a known group, form and resource.
pub fn read_given(
    table: &Table,
    groups: &WardGroups,
    resources: &[Resource],
    allow: &[String],
    vocabulary: &Vocabulary,
    errors: &mut Diagnostics,
) -> Vec<Given> {
    let mut out = Vec::new();
    for row in &table.rows {
        scan_row(table, row, allow, errors);
        let group = given_group(table, row, groups, errors);
        let form = given_form(table, row, vocabulary, errors);
        let resource = given_resource(table, row, resources, errors);
        let date = cell_date(table, row, "date", errors);
        let value = cell_vnd(table, row, "value_vnd", errors);
        let loc = table.get(row, "value_vnd").map_or_else(
            || Location::line(&table.source, row.row),
            |c| table.location(c),
        );
        if let (Some(group), Some(form), Some(resource), Some(date), Some(value)) =
            (group, form, resource, date, value)
        {
            out.push(Given {
                date,
                recipient: table.text(row, "recipient").trim().to_string(),
                group,
                form,
                description: table.text(row, "description").trim().to_string(),
                value,
                resource,
                row: row.row,
                loc,
            });
        }
    }
    out
}

fn given_group(
    table: &Table,
    row: &Row,
    groups: &WardGroups,
    errors: &mut Diagnostics,
) -> Option<String> {
    let c = table.get(row, "group")?;
    let found = groups.find(&c.value).map(str::to_string);
    if found.is_none() {
        errors.push(
            Diagnostic::error(format!(
                "tổ dân phố, thôn \u{201c}{}\u{201d} không có trong danh sách khu dân cư đã khai báo",
                c.value.trim()
            ))
            .at(table.location(c))
            .hint(format!("các tổ dân phố: {}", groups.names.join(", "))),
        );
    }
    found
}

fn given_form(
    table: &Table,
    row: &Row,
    vocabulary: &Vocabulary,
    errors: &mut Diagnostics,
) -> Option<String> {
    let c = table.get(row, "form")?;
    let found = form_of(&c.value, &vocabulary.support_forms);
    if found.is_none() {
        if !vocabulary.support_forms_strict && !c.value.trim().is_empty() {
            return Some(crate::text::nfc(c.value.trim()));
        }
        errors.push(
            Diagnostic::error(format!(
                "hình thức hỗ trợ \u{201c}{}\u{201d} không có trong danh sách",
                c.value.trim()
            ))
            .at(table.location(c))
            .hint(format!(
                "dùng một trong: {}; hình thức khác thì thêm vào support_forms trong bảng [vocabulary] của config.toml",
                vocabulary.support_forms.join(", ")
            )),
        );
    }
    found
}

/// The resource's code as the resources table spells it (matched folded).
fn given_resource(
    table: &Table,
    row: &Row,
    resources: &[Resource],
    errors: &mut Diagnostics,
) -> Option<String> {
    let c = table.get(row, "resource")?;
    let found = resources
        .iter()
        .find(|r| fold_words(&r.code) == fold_words(&c.value))
        .map(|r| r.code.clone());
    if found.is_none() {
        let codes: Vec<&str> = resources.iter().map(|r| r.code.as_str()).collect();
        errors.push(
            Diagnostic::error(format!(
                "nguồn \u{201c}{}\u{201d} không có trong bảng nguồn lực đã nhận",
                c.value.trim()
            ))
            .at(table.location(c))
            .hint(format!(
                "ghi mã của khoản nhận; các mã: {}",
                codes.join(", ")
            )),
        );
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_and_kinds() {
        let forms = Vocabulary::default().support_forms;
        for (text, want) in [
            ("Khẩn cấp", Some("Hỗ trợ khẩn cấp")),
            ("đột xuất", Some("Hỗ trợ khẩn cấp")),
            ("hỗ trợ sinh kế", Some("Hỗ trợ sinh kế")),
            ("Học tập", Some("Hỗ trợ giáo dục")),
            ("Học bổng", Some("Hỗ trợ giáo dục")),
            ("Hỗ trợ giáo dục", Some("Hỗ trợ giáo dục")),
            ("Sửa nhà ở", Some("Hỗ trợ hạ tầng")),
            ("Hỗ trợ hạ tầng", Some("Hỗ trợ hạ tầng")),
            ("Hỗ trợ tinh thần", Some("Hỗ trợ tinh thần")),
            ("Thăm hỏi, động viên", Some("Hỗ trợ tinh thần")),
            ("Du lịch", None),
            ("nhanh", None),
        ] {
            assert_eq!(form_of(text, &forms).as_deref(), want, "{text}");
        }
        // Configured forms (seed 002's five): the list decides, keywords of forms not in
        // it do not match.
        let five: Vec<String> = [
            "Hỗ trợ khẩn cấp",
            "Hỗ trợ sinh kế",
            "Hỗ trợ giáo dục",
            "Hỗ trợ hạ tầng",
            "Hỗ trợ tinh thần",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for (text, want) in [
            ("Tinh thần", Some("Hỗ trợ tinh thần")),
            ("HỖ TRỢ GIÁO DỤC", Some("Hỗ trợ giáo dục")),
            ("đột xuất", Some("Hỗ trợ khẩn cấp")),
            ("Học tập", Some("Hỗ trợ giáo dục")),
            ("Tư vấn pháp lý", None),
        ] {
            assert_eq!(form_of(text, &five).as_deref(), want, "{text}");
        }
        for (text, want) in [
            ("Tiền mặt", Some(true)),
            ("chuyển khoản", Some(true)),
            ("Hiện vật", Some(false)),
            ("vật phẩm", Some(false)),
            ("??", None),
        ] {
            assert_eq!(is_cash(text), want, "{text}");
        }
    }
}
