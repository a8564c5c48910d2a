//! The list's downloads: `danh-sach.csv` and `danh-sach.json` of the published columns,
//! written by hand in parallel blocks (a list can have 100,000 rows).

use rayon::prelude::*;

use super::entries::Entry;
use crate::kinds::columns::Column;
use crate::privacy::NameDisplay;

/// Every published column, by field, in [`super::load::FIELDS`] order; a list publishes
/// those its file has ([`columns`]). Only whitelisted columns exist here: see
/// docs/support-and-privacy.md.
pub const COLUMNS: &[(&str, Column)] = &[
    ("no", Column::count("STT", "Số thứ tự trong danh sách (có thể đổi khi danh sách được sửa).")),
    ("full_name", Column::text("Họ và tên", "Họ và tên người hoặc chủ hộ được hỗ trợ, ghi theo cách trang công khai tên (đầy đủ hoặc viết tắt).").required()),
    ("group", Column::text("Tổ dân phố", "Tổ dân phố (thôn) nơi người, hộ được hỗ trợ cư trú.").required()),
    ("category", Column::text("Diện", "Diện được hỗ trợ theo chính sách, ví dụ hộ nghèo.").required()),
    ("support", Column::text("Nội dung hỗ trợ", "Người, hộ được hỗ trợ những gì.")),
    ("monthly_vnd", Column::count("Mức hằng tháng", "Mức hỗ trợ mỗi tháng (cột có đơn vị đồng/tháng trong tệp gốc).").unit("đồng/tháng")),
    ("months", Column::count("Số tháng", "Số tháng được hỗ trợ, tính từ tháng bắt đầu đến tháng kết thúc (cả hai tháng), hoặc theo months của danh sách.").unit("tháng")),
    ("amount_vnd", Column::count("Số tiền", "Mức hỗ trợ bằng tiền.").unit("đồng")),
    ("from", Column::date("Từ ngày", "Ngày bắt đầu được hỗ trợ.")),
    ("to", Column::date("Đến ngày", "Ngày kết thúc hỗ trợ.")),
    ("from_month", Column::text("Từ tháng", "Tháng bắt đầu được hỗ trợ, dạng tháng/năm (ví dụ 01/2026); tính từ ngày đầu tháng.")),
    ("to_month", Column::text("Đến tháng", "Tháng kết thúc hỗ trợ, dạng tháng/năm (ví dụ 12/2026); tính đến hết ngày cuối tháng.")),
    ("note", Column::text("Ghi chú", "Ghi chú của Ủy ban nhân dân (đã kiểm tra không có số giấy tờ, số điện thoại).")),
];

/// The columns of a list that publishes `fields` (in that order).
pub fn columns(fields: &[&str]) -> Vec<Column> {
    fields
        .iter()
        .filter_map(|f| COLUMNS.iter().find(|(k, _)| k == f).map(|(_, c)| *c))
        .collect()
}

/// Published value of one field of an entry, as text for CSV.
fn csv_value(e: &Entry, field: &str, names: NameDisplay) -> String {
    match field {
        "no" => e.no.to_string(),
        "full_name" => names.apply(&e.name),
        "group" => e.group.clone(),
        "category" => e.category.clone(),
        "support" => e.support.clone(),
        "amount_vnd" => e.amount.map(|a| a.to_string()).unwrap_or_default(),
        "monthly_vnd" => e.monthly.map(|a| a.to_string()).unwrap_or_default(),
        "months" => e.months.map(|m| m.to_string()).unwrap_or_default(),
        // Date columns: ISO days. Month columns: "12/2026" (a day, if the list mixes
        // them, as 10/06/2026).
        "from" => e.from.map(|d| d.start().to_string()).unwrap_or_default(),
        "to" => e.to.map(|d| d.end().to_string()).unwrap_or_default(),
        "from_month" => e.from.map(|d| d.to_string()).unwrap_or_default(),
        "to_month" => e.to.map(|d| d.to_string()).unwrap_or_default(),
        "note" => e.note.clone(),
        _ => String::new(),
    }
}

// Hand-written rather than `csv::Writer` (in the tree): one rule (RFC 4180 quoting) on
// cells already checked, and the published bytes must not change with a crate's choices.
fn csv_escape(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// CSV (UTF-8 with BOM so Excel reads the diacritics) and JSON of the published columns,
/// both keyed by the Vietnamese column titles ([`COLUMNS`]). `fields` come in
/// [`super::load::FIELDS`] order, so the bytes never depend on the order of the columns
/// in the source file.
pub fn downloads(entries: &[Entry], fields: &[&str], names: NameDisplay) -> (Vec<u8>, Vec<u8>) {
    let titles: Vec<&str> = fields
        .iter()
        .map(|f| {
            COLUMNS
                .iter()
                .find(|(k, _)| k == f)
                .map_or(*f, |(_, c)| c.title)
        })
        .collect();
    let json_fields: Vec<(usize, &str, &str)> = fields
        .iter()
        .zip(&titles)
        .enumerate()
        .map(|(i, (f, t))| (i, *f, *t))
        .collect();
    // Blocks of rows are written in parallel and joined in order.
    let parts: Vec<(Vec<u8>, Vec<u8>)> = entries
        .par_chunks(4096)
        .map(|block| {
            let mut csv = Vec::with_capacity(block.len() * 96);
            let mut json = Vec::with_capacity(block.len() * 200);
            for e in block {
                let vals: Vec<String> = fields.iter().map(|f| csv_value(e, f, names)).collect();
                for (i, v) in vals.iter().enumerate() {
                    if i > 0 {
                        csv.push(b',');
                    }
                    csv.extend_from_slice(csv_escape(v).as_bytes());
                }
                csv.extend_from_slice(b"\r\n");
                json.extend_from_slice(b",\n{");
                for (k, (i, f, title)) in json_fields.iter().enumerate() {
                    if k > 0 {
                        json.push(b',');
                    }
                    json_string(&mut json, title);
                    json.push(b':');
                    match *f {
                        "no" => json.extend_from_slice(e.no.to_string().as_bytes()),
                        "amount_vnd" | "monthly_vnd" | "months" if vals[*i].is_empty() => {
                            json.extend_from_slice(b"null")
                        }
                        "amount_vnd" | "monthly_vnd" | "months" => {
                            json.extend_from_slice(vals[*i].as_bytes())
                        }
                        "from" | "to" | "from_month" | "to_month" if vals[*i].is_empty() => {
                            json.extend_from_slice(b"null")
                        }
                        _ => json_string(&mut json, &vals[*i]),
                    }
                }
                json.push(b'}');
            }
            (csv, json)
        })
        .collect();
    let mut csv = Vec::with_capacity(parts.iter().map(|p| p.0.len()).sum::<usize>() + 64);
    csv.extend_from_slice("\u{feff}".as_bytes());
    let header: Vec<String> = titles.iter().map(|t| csv_escape(t)).collect();
    csv.extend_from_slice(header.join(",").as_bytes());
    csv.extend_from_slice(b"\r\n");
    let mut json = Vec::with_capacity(parts.iter().map(|p| p.1.len()).sum::<usize>() + 8);
    json.extend_from_slice(b"[\n");
    for (c, j) in &parts {
        csv.extend_from_slice(c);
        json.extend_from_slice(j);
    }
    // Every object was written after ",\n"; the first needs none.
    if json.len() > 2 {
        json.drain(2..4);
    }
    json.extend_from_slice(b"\n]\n");
    (csv, json)
}

/// Append `s` as a JSON string literal (serde_json's escaping).
fn json_string(out: &mut Vec<u8>, s: &str) {
    if serde_json::to_writer(&mut *out, s).is_err() {
        out.extend_from_slice(b"\"\"");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_escaping() {
        // (value, CSV field)
        for (value, want) in [
            ("a,b", "\"a,b\""),
            ("a\"b", "\"a\"\"b\""),
            ("ab", "ab"),
            ("a\nb", "\"a\nb\""),
        ] {
            assert_eq!(csv_escape(value), want, "{value}");
        }
    }
}
