//! Donations and support given (mô hình "An sinh cộng đồng", seed 002): what the
//! community received (cash or in kind) and where each resource went. Law 10/2022/QH15
//! Art. 11 requires relief and donations to be public; the model has no fund of its own,
//! so every support given names the resource it came from and may never exceed it.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use serde_json::{Value, json};

use super::beneficiary_list::{DEFAULT_GROUPS, Groups};
use super::{Download, KindContext, RecordInput, RecordKind, RecordOutput};
use crate::data::{FieldSpec, LoadOptions, Table, load_table, parse_date, parse_vnd};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::format;
use crate::privacy;
use crate::text::fold_words;

pub struct Donations;

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
    FieldSpec::required("group", &["tổ dân phố", "tdp", "tổ"]),
    FieldSpec::required("form", &["hình thức hỗ trợ", "hình thức", "loại hỗ trợ"]),
    FieldSpec::optional("description", &["nội dung", "mô tả", "diễn giải"]),
    FieldSpec::required(
        "value_vnd",
        &["giá trị", "số tiền", "giá trị (đồng)", "trị giá"],
    ),
    FieldSpec::required("resource", &["nguồn", "mã nguồn", "từ nguồn"]),
];

/// Forms of support given (seed 002), matched by folded keyword.
pub const FORMS: &[(&str, &str)] = &[
    ("khan cap", "Hỗ trợ khẩn cấp"),
    ("dot xuat", "Hỗ trợ khẩn cấp"),
    ("sinh ke", "Hỗ trợ sinh kế"),
    ("hoc", "Hỗ trợ học tập"),
    ("nha o", "Hỗ trợ nhà ở"),
    ("nha", "Hỗ trợ nhà ở"),
];

pub fn form_of(text: &str) -> Option<&'static str> {
    let f = fold_words(text);
    let padded = format!(" {f} ");
    FORMS
        .iter()
        .find(|(k, _)| padded.contains(&format!(" {k} ")))
        .map(|(_, v)| *v)
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

#[derive(Debug, Clone)]
pub struct Resource {
    pub code: String,
    pub date: NaiveDate,
    pub donor: String,
    pub cash: bool,
    pub description: String,
    pub value: u64,
    pub row: usize,
}

#[derive(Debug, Clone)]
pub struct Given {
    pub date: NaiveDate,
    pub recipient: String,
    pub group: String,
    pub form: &'static str,
    pub description: String,
    pub value: u64,
    pub resource: String,
    pub row: usize,
    loc: Location,
}

fn scan_row(table: &Table, row: &crate::data::Row, allow: &[String], errors: &mut Diagnostics) {
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

fn no_unknown_columns(table: &Table, errors: &mut Diagnostics) {
    for h in &table.headers {
        let what = privacy::forbidden_header(&h.raw);
        if what.is_some() || h.field.is_none() {
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

fn cell_date(
    table: &Table,
    row: &crate::data::Row,
    f: &str,
    errors: &mut Diagnostics,
) -> Option<NaiveDate> {
    let c = table.get(row, f)?;
    parse_date(&c.value, (table, c))
        .map_err(|d| errors.push(d))
        .ok()
}

fn cell_vnd(
    table: &Table,
    row: &crate::data::Row,
    f: &str,
    errors: &mut Diagnostics,
) -> Option<u64> {
    let c = table.get(row, f)?;
    parse_vnd(&c.value, (table, c))
        .map_err(|d| errors.push(d))
        .ok()
}

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

pub fn read_given(
    table: &Table,
    groups: &Groups,
    resources: &[Resource],
    allow: &[String],
    errors: &mut Diagnostics,
) -> Vec<Given> {
    let mut out = Vec::new();
    for row in &table.rows {
        scan_row(table, row, allow, errors);
        let group = table.get(row, "group").and_then(|c| match groups.find(&c.value) {
            Some(g) => Some(g.to_string()),
            None => {
                errors.push(
                    Diagnostic::error(format!("tổ dân phố \u{201c}{}\u{201d} không có trong danh sách tổ dân phố của phường", c.value.trim()))
                        .at(table.location(c))
                        .hint(format!("các tổ dân phố: {}", groups.names.join(", "))),
                );
                None
            }
        });
        let form = table
            .get(row, "form")
            .and_then(|c| match form_of(&c.value) {
                Some(f) => Some(f),
                None => {
                    errors.push(
                        Diagnostic::error(format!(
                            "hình thức hỗ trợ \u{201c}{}\u{201d} không rõ",
                            c.value.trim()
                        ))
                        .at(table.location(c))
                        .hint("dùng một trong: khẩn cấp, sinh kế, học tập, nhà ở"),
                    );
                    None
                }
            });
        let resource = table.get(row, "resource").and_then(|c| {
            match resources
                .iter()
                .find(|r| fold_words(&r.code) == fold_words(&c.value))
            {
                Some(r) => Some(r.code.clone()),
                None => {
                    errors.push(
                        Diagnostic::error(format!(
                            "nguồn \u{201c}{}\u{201d} không có trong bảng nguồn lực đã nhận",
                            c.value.trim()
                        ))
                        .at(table.location(c))
                        .hint(format!(
                            "ghi mã của khoản nhận; các mã: {}",
                            resources
                                .iter()
                                .map(|r| r.code.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        )),
                    );
                    None
                }
            }
        });
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

/// Balance per resource; support given never exceeds what the resource received, and
/// (running balance by date) is never given before the resource was received.
pub fn check_balances(
    resources: &[Resource],
    given: &[Given],
    errors: &mut Diagnostics,
) -> Vec<u64> {
    let mut used = vec![0u64; resources.len()];
    let mut order: Vec<&Given> = given.iter().collect();
    order.sort_by_key(|g| (g.date, g.row));
    for g in order {
        let Some(i) = resources.iter().position(|r| r.code == g.resource) else {
            continue;
        };
        let r = &resources[i];
        if g.date < r.date {
            errors.push(
                Diagnostic::error(format!(
                    "hỗ trợ ngày {} lấy từ nguồn {} nhưng nguồn này nhận ngày {}",
                    format::date_short(g.date),
                    r.code,
                    format::date_short(r.date)
                ))
                .at(g.loc.clone())
                .hint("kiểm tra ngày hỗ trợ hoặc mã nguồn"),
            );
        }
        used[i] += g.value;
        if used[i] > r.value {
            errors.push(
                Diagnostic::error(format!(
                    "nguồn {} ({}) chỉ có {}; tính đến ngày {} đã chi {}, vượt {}",
                    r.code,
                    if r.cash { "tiền mặt" } else { "hiện vật" },
                    format::vnd(r.value as i64),
                    format::date_short(g.date),
                    format::vnd(used[i] as i64),
                    format::vnd((used[i] - r.value) as i64)
                ))
                .at(g.loc.clone())
                .hint("ghi đúng nguồn của khoản hỗ trợ này, hoặc bổ sung khoản nhận vào bảng nguồn lực"),
            );
        }
    }
    used
}

fn csv_line(vals: &[String]) -> String {
    let mut s = vals
        .iter()
        .map(|v| {
            if v.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", v.replace('"', "\"\""))
            } else {
                v.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(",");
    s.push_str("\r\n");
    s
}

impl RecordKind for Donations {
    fn name(&self) -> &'static str {
        "donations"
    }

    fn label(&self) -> &'static str {
        "Nguồn lực và hỗ trợ"
    }

    fn build(&self, input: &RecordInput, ctx: &KindContext) -> Result<RecordOutput, Diagnostics> {
        let mut errors = Diagnostics::new();
        let allow = &ctx.config.privacy_allow();
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
        let groups = Groups::load(ctx.root, input.opt_str("groups").unwrap_or(DEFAULT_GROUPS))
            .map_err(Diagnostics::from_vec)?;
        let rt = load_table(
            ctx.root,
            Path::new(res_file),
            &LoadOptions::new(RESOURCE_FIELDS).private_columns(&private),
        )
        .map_err(Diagnostics::from_vec)?;
        let gt = load_table(
            ctx.root,
            Path::new(given_file),
            &LoadOptions::new(GIVEN_FIELDS).private_columns(&private),
        )
        .map_err(Diagnostics::from_vec)?;
        no_unknown_columns(&rt, &mut errors);
        no_unknown_columns(&gt, &mut errors);
        super::programme::scan_record(input, ctx, &mut errors);
        if errors.has_errors() {
            return Err(errors);
        }
        let resources = read_resources(&rt, allow, &mut errors);
        let given = read_given(&gt, &groups, &resources, allow, &mut errors);
        if errors.has_errors() {
            return Err(errors);
        }
        let used = check_balances(&resources, &given, &mut errors);
        if errors.has_errors() {
            return Err(errors);
        }
        let res_values: Vec<Value> = resources
            .iter()
            .zip(&used)
            .map(|(r, u)| {
                json!({
                    "code": r.code, "date": format::date_short(r.date), "donor": r.donor,
                    "kind": if r.cash { "Tiền mặt" } else { "Hiện vật" },
                    "description": r.description, "value": format::vnd(r.value as i64),
                    "used": format::vnd(*u as i64), "balance": format::vnd((r.value - u) as i64),
                })
            })
            .collect();
        let mut sorted: Vec<&Given> = given.iter().collect();
        sorted.sort_by_key(|g| (g.date, g.row));
        let given_values: Vec<Value> = sorted
            .iter()
            .map(|g| {
                json!({
                    "date": format::date_short(g.date), "recipient": g.recipient, "group": g.group,
                    "form": g.form, "description": g.description, "value": format::vnd(g.value as i64),
                    "resource": g.resource,
                })
            })
            .collect();
        let mut by_form: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
        for g in &given {
            let e = by_form.entry(g.form).or_default();
            e.0 += 1;
            e.1 += g.value;
        }
        let forms: Vec<Value> = by_form
            .iter()
            .map(|(f, (n, v))| json!({"form": f, "count": n, "value": format::vnd(*v as i64)}))
            .collect();
        let received: u64 = resources.iter().map(|r| r.value).sum();
        let spent: u64 = given.iter().map(|g| g.value).sum();

        let mut rcsv = String::from("\u{feff}code,date,donor,kind,description,value_vnd\r\n");
        for r in &resources {
            rcsv.push_str(&csv_line(&[
                r.code.clone(),
                r.date.to_string(),
                r.donor.clone(),
                (if r.cash { "cash" } else { "in_kind" }).to_string(),
                r.description.clone(),
                r.value.to_string(),
            ]));
        }
        let mut gcsv =
            String::from("\u{feff}date,recipient,group,form,description,value_vnd,resource\r\n");
        for g in &sorted {
            gcsv.push_str(&csv_line(&[
                g.date.to_string(),
                g.recipient.clone(),
                g.group.clone(),
                g.form.to_string(),
                g.description.clone(),
                g.value.to_string(),
                g.resource.clone(),
            ]));
        }
        let json_out = json!({
            "resources": resources.iter().map(|r| json!({
                "code": r.code, "date": r.date.to_string(), "donor": r.donor,
                "kind": if r.cash { "cash" } else { "in_kind" }, "description": r.description, "value_vnd": r.value,
            })).collect::<Vec<_>>(),
            "given": sorted.iter().map(|g| json!({
                "date": g.date.to_string(), "recipient": g.recipient, "group": g.group, "form": g.form,
                "description": g.description, "value_vnd": g.value, "resource": g.resource,
            })).collect::<Vec<_>>(),
        });
        Ok(RecordOutput {
            record: json!({
                "resources": res_values,
                "given": given_values,
                "forms": forms,
                "received": format::vnd(received as i64),
                "spent": format::vnd(spent as i64),
                "balance": format::vnd((received - spent.min(received)) as i64),
            }),
            warnings: Diagnostics::from_vec(
                rt.warnings.iter().chain(&gt.warnings).cloned().collect(),
            ),
            downloads: vec![
                Download {
                    file_name: "nguon-luc.csv".into(),
                    title: "Nguồn lực đã nhận (CSV)".into(),
                    format: "CSV".into(),
                    bytes: rcsv.into_bytes(),
                    key_column: Some("code".into()),
                },
                Download {
                    file_name: "ho-tro-da-trao.csv".into(),
                    title: "Hỗ trợ đã trao (CSV)".into(),
                    format: "CSV".into(),
                    bytes: gcsv.into_bytes(),
                    key_column: None,
                },
                Download {
                    file_name: "nguon-luc-va-ho-tro.json".into(),
                    title: "Nguồn lực và hỗ trợ (JSON)".into(),
                    format: "JSON".into(),
                    bytes: serde_json::to_vec_pretty(&json_out).unwrap_or_default(),
                    key_column: None,
                },
            ],
            search_text: String::new(),
            noindex: !ctx.config.privacy.index_lists,
            ..Default::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn res(code: &str, date: &str, value: u64) -> Resource {
        Resource {
            code: code.into(),
            date: date.parse().unwrap_or_default(),
            donor: String::new(),
            cash: true,
            description: String::new(),
            value,
            row: 2,
        }
    }

    fn given(code: &str, date: &str, value: u64, row: usize) -> Given {
        Given {
            date: date.parse().unwrap_or_default(),
            recipient: String::new(),
            group: String::new(),
            form: "Hỗ trợ khẩn cấp",
            description: String::new(),
            value,
            resource: code.into(),
            row,
            loc: Location::line("g.csv", row),
        }
    }

    #[test]
    fn balances_table() {
        let r = vec![res("N1", "2026-07-01", 1_000_000)];
        // (given rows, errors expected)
        let cases: Vec<(Vec<Given>, usize)> = vec![
            (vec![given("N1", "2026-07-02", 1_000_000, 2)], 0),
            (vec![given("N1", "2026-07-02", 1_000_001, 2)], 1),
            (
                vec![
                    given("N1", "2026-07-02", 600_000, 2),
                    given("N1", "2026-07-03", 400_000, 3),
                ],
                0,
            ),
            (
                vec![
                    given("N1", "2026-07-02", 600_000, 2),
                    given("N1", "2026-07-03", 400_001, 3),
                ],
                1,
            ),
            (vec![given("N1", "2026-06-30", 1, 2)], 1),
        ];
        for (g, want) in cases {
            let mut e = Diagnostics::new();
            check_balances(&r, &g, &mut e);
            assert_eq!(e.error_count(), want, "{g:?}");
        }
    }

    #[test]
    fn forms_and_kinds() {
        assert_eq!(form_of("Khẩn cấp"), Some("Hỗ trợ khẩn cấp"));
        assert_eq!(form_of("hỗ trợ sinh kế"), Some("Hỗ trợ sinh kế"));
        assert_eq!(form_of("Học tập"), Some("Hỗ trợ học tập"));
        assert_eq!(form_of("Sửa nhà ở"), Some("Hỗ trợ nhà ở"));
        assert_eq!(form_of("Du lịch"), None);
        assert_eq!(is_cash("Tiền mặt"), Some(true));
        assert_eq!(is_cash("Hiện vật"), Some(false));
        assert_eq!(is_cash("??"), None);
    }
}
