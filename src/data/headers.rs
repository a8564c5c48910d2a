//! Choosing the header row, mapping headers to fields, dropping private and empty
//! columns, and turning a raw [`Grid`] into a [`Table`].

use rayon::prelude::*;
use std::collections::HashSet;
use std::path::Path;

use super::{Cell, FieldSpec, Grid, Header, LoadOptions, Row, Table};
use crate::diagnostics::{Diagnostic, Location};
use crate::text::{fold_words, nfc};

/// How many non-empty rows from the top may hold the header (titles, blank lines and
/// "Đơn vị tính" notes come first in staff sheets).
const HEADER_SEARCH_ROWS: usize = 15;

/// Row-by-row errors (ragged rows, `#N/A` cells) reported per table; the rest are counted.
const MAX_ROW_ERRORS: usize = 100;

/// Spreadsheet column letters: 1 → A, 26 → Z, 27 → AA.
pub fn column_letter(mut col: usize) -> String {
    let mut out = Vec::new();
    while col > 0 {
        let rem = (col - 1) % 26;
        out.push(b'A' + rem as u8);
        col = (col - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Does header text `header` name `field`? Compared with [`fold_words`]; the canonical
/// name also matches with `_` read as a space (`full_name` = "Full name").
pub fn field_matches(header: &str, field: &FieldSpec) -> bool {
    let h = fold_words(header);
    if h.is_empty() {
        return false;
    }
    field
        .spellings()
        .any(|s| fold_words(s) == h || fold_words(&s.replace('_', " ")) == h)
}

fn match_field(header: &str, fields: &[FieldSpec]) -> Option<&'static str> {
    fields
        .iter()
        .find(|f| field_matches(header, f))
        .map(|f| f.name)
}

fn clean(s: &str) -> String {
    nfc(s.trim())
}

/// [`clean`] without copying a cell that is already trimmed NFC text.
fn clean_owned(s: String) -> String {
    if s.trim().len() == s.len() {
        crate::text::into_nfc(s)
    } else {
        clean(&s)
    }
}

/// Index into `grid.rows` of the header row.
fn choose_header_row(rows: &[Vec<String>], fields: &[FieldSpec]) -> Option<usize> {
    let non_empty: Vec<usize> = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| r.iter().any(|c| !c.is_empty()))
        .map(|(i, _)| i)
        .collect();
    let required: Vec<&str> = fields
        .iter()
        .filter(|f| f.required)
        .map(|f| f.name)
        .collect();
    let mut best: Option<(usize, usize)> = None; // (matches, index)
    for &i in non_empty.iter().take(HEADER_SEARCH_ROWS) {
        let matched: HashSet<&str> = rows[i]
            .iter()
            .filter_map(|c| match_field(c, fields))
            .collect();
        let all_required = !required.is_empty() && required.iter().all(|r| matched.contains(r));
        let qualifies = matched.len() >= 2 || all_required;
        if qualifies && best.is_none_or(|(m, _)| matched.len() > m) {
            best = Some((matched.len(), i));
        }
    }
    best.map(|(_, i)| i).or_else(|| non_empty.first().copied())
}

/// Build a [`Table`] from a grid: choose the header row, map headers, drop private and
/// empty columns, check widths and required fields. All errors found are returned.
pub(crate) fn build_table(
    source: &Path,
    grid: Grid,
    opts: &LoadOptions,
) -> Result<Table, Vec<Diagnostic>> {
    let Grid {
        rows,
        cell_errors,
        strict_width,
        fixed_header,
    } = grid;
    let row_numbers: Vec<usize> = rows.iter().map(|r| r.row).collect();
    let raw_widths: Vec<usize> = rows.iter().map(|r| r.cells.len()).collect();
    // Cells are cleaned in place (most need nothing) and later moved, not copied, into
    // the table: a 100,000-row list has a million cells.
    let mut cells: Vec<Vec<String>> = rows
        .into_par_iter()
        .map(|r| r.cells.into_iter().map(clean_owned).collect())
        .collect();

    let mut errors = Vec::new();
    let chosen = if fixed_header {
        (!cells.is_empty()).then_some(0)
    } else {
        choose_header_row(&cells, opts.fields)
    };
    let Some(h) = chosen else {
        // Nothing at all in the file.
        let missing: Vec<&FieldSpec> = opts.fields.iter().filter(|f| f.required).collect();
        if !missing.is_empty() {
            return Err(vec![missing_fields_error(source, None, &missing, &[])]);
        }
        return Ok(Table {
            source: source.to_path_buf(),
            headers: Vec::new(),
            rows: Vec::new(),
            warnings: Vec::new(),
        });
    };
    let header_row = row_numbers[h];
    let data_idx: Vec<usize> = (h + 1..cells.len())
        .filter(|&i| cells[i].iter().any(|c| !c.is_empty()))
        .collect();
    // Strict (CSV) rows wider than the header are reported as ragged rows instead.
    let header_len = cells[h].len();
    let width = if strict_width {
        header_len
    } else {
        data_idx
            .iter()
            .map(|&i| cells[i].len())
            .chain([header_len])
            .max()
            .unwrap_or(0)
    };

    let sheet = Sheet {
        source,
        row_numbers: &row_numbers,
        raw_widths: &raw_widths,
        header_row,
        header_width: raw_widths[h],
        data_idx: &data_idx,
        strict_width,
    };
    let (headers, keep) = choose_columns(&sheet, &cells, h, width, opts, &mut errors);

    duplicate_field_errors(source, header_row, &headers, &mut errors);

    // Missing required fields.
    let missing: Vec<&FieldSpec> = opts
        .fields
        .iter()
        .filter(|f| f.required && !headers.iter().any(|h| h.field == Some(f.name)))
        .collect();
    if !missing.is_empty() {
        errors.push(missing_fields_error(
            source,
            Some(header_row),
            &missing,
            &headers,
        ));
    }

    let mut row_errors = 0usize;
    let out_rows = table_rows(&sheet, &mut cells, &keep, &mut row_errors, &mut errors);

    let kept = Kept {
        headers: &headers,
        keep: &keep,
        width,
    };
    formula_errors(&sheet, &kept, cell_errors, &mut row_errors, &mut errors);

    if row_errors > MAX_ROW_ERRORS {
        errors.push(
            Diagnostic::error(format!(
                "còn {} lỗi tương tự ở các dòng khác (chỉ hiện {MAX_ROW_ERRORS} lỗi đầu tiên)",
                row_errors - MAX_ROW_ERRORS
            ))
            .at(Location::file(source))
            .hint("sửa các lỗi trên rồi chạy lại để xem các lỗi còn lại"),
        );
    }
    if errors.is_empty() {
        Ok(Table {
            source: source.to_path_buf(),
            headers,
            rows: out_rows,
            warnings: Vec::new(),
        })
    } else {
        Err(errors)
    }
}

/// What `build_table` knows about the sheet once the header row is chosen.
struct Sheet<'a> {
    source: &'a Path,
    /// Row number (as the file numbers it) of each grid row.
    row_numbers: &'a [usize],
    /// Cells per grid row before cleaning.
    raw_widths: &'a [usize],
    header_row: usize,
    header_width: usize,
    /// Grid rows below the header with any content.
    data_idx: &'a [usize],
    strict_width: bool,
}

/// The columns kept: their headers and 0-based source columns. A column without a
/// header but with data is an error; private columns are dropped.
fn choose_columns(
    sheet: &Sheet,
    cells: &[Vec<String>],
    h: usize,
    width: usize,
    opts: &LoadOptions,
    errors: &mut Vec<Diagnostic>,
) -> (Vec<Header>, Vec<usize>) {
    let Sheet {
        source,
        row_numbers,
        header_row,
        data_idx,
        ..
    } = *sheet;
    let header_cells = &cells[h];
    let private: Vec<String> = opts
        .private_columns
        .iter()
        .map(|p| fold_words(p))
        .filter(|p| !p.is_empty())
        .collect();
    let is_private = |raw: &str, field: Option<&str>| {
        let f = fold_words(raw);
        private.iter().any(|p| {
            *p == f
                || field.is_some_and(|name| {
                    fold_words(name) == *p || fold_words(&name.replace('_', " ")) == *p
                })
        })
    };

    // Decide which columns to keep.
    let mut headers: Vec<Header> = Vec::new();
    let mut keep: Vec<usize> = Vec::new(); // 0-based source column index per kept header
    let mut dropped_private: Vec<usize> = Vec::new();
    for c in 0..width {
        let raw = header_cells.get(c).map_or("", String::as_str);
        if raw.is_empty() {
            if let Some(&i) = data_idx
                .iter()
                .find(|&&i| cells[i].get(c).is_some_and(|v| !v.is_empty()))
            {
                errors.push(
                    Diagnostic::error(format!(
                        "ô {}{} có dữ liệu nhưng cột {} không có tiêu đề (dòng tiêu đề là dòng {header_row})",
                        column_letter(c + 1),
                        row_numbers[i],
                        column_letter(c + 1)
                    ))
                    .at(Location::at(source, row_numbers[i], c + 1))
                    .hint(format!(
                        "ghi tên cột vào ô {}{header_row}, hoặc xóa dữ liệu thừa trong cột {}",
                        column_letter(c + 1),
                        column_letter(c + 1)
                    )),
                );
            }
            continue;
        }
        let field = match_field(raw, opts.fields);
        if is_private(raw, field) {
            dropped_private.push(c);
            continue;
        }
        keep.push(c);
        headers.push(Header {
            raw: raw.to_string(),
            field,
            column: c + 1,
        });
    }
    (headers, keep)
}

/// Two or more columns mapped to the same field.
fn duplicate_field_errors(
    source: &Path,
    header_row: usize,
    headers: &[Header],
    errors: &mut Vec<Diagnostic>,
) {
    // Duplicate headers for one field.
    for (i, a) in headers.iter().enumerate() {
        let Some(f) = a.field else { continue };
        if headers[..i].iter().any(|b| b.field == Some(f)) {
            continue; // reported with the first occurrence
        }
        let dups: Vec<&Header> = headers[i..].iter().filter(|b| b.field == Some(f)).collect();
        if dups.len() > 1 {
            let list: Vec<String> = dups
                .iter()
                .map(|d| format!("{} \u{201c}{}\u{201d}", column_letter(d.column), d.raw))
                .collect();
            errors.push(
                Diagnostic::error(format!(
                    "có {} cột cùng chỉ trường \u{201c}{f}\u{201d}: {}",
                    dups.len(),
                    list.join(", ")
                ))
                .at(Location::at(source, header_row, dups[1].column).with_field(f))
                .hint("chỉ giữ một cột cho mỗi loại thông tin: xóa hoặc đổi tên cột thừa"),
            );
        }
    }
}

/// The data rows with the kept cells (moved out of `cells`); strict (CSV) rows of the
/// wrong width are errors. Row-by-row errors are capped: a file with 100,000 bad rows
/// gets the first ones and a count, not 100,000 messages.
fn table_rows(
    sheet: &Sheet,
    cells: &mut [Vec<String>],
    keep: &[usize],
    row_errors: &mut usize,
    errors: &mut Vec<Diagnostic>,
) -> Vec<Row> {
    let Sheet {
        source,
        row_numbers,
        raw_widths,
        header_row,
        header_width,
        data_idx,
        strict_width,
    } = *sheet;
    let mut out_rows = Vec::with_capacity(data_idx.len());
    for &i in data_idx {
        let row = row_numbers[i];
        if strict_width && raw_widths[i] != header_width {
            let extra_empty = raw_widths[i] > header_width
                && cells[i][header_width..].iter().all(String::is_empty);
            if !extra_empty {
                *row_errors += 1;
                if *row_errors > MAX_ROW_ERRORS {
                    continue;
                }
                errors.push(
                    Diagnostic::error(format!(
                        "dòng {row} có {} ô, nhưng dòng tiêu đề (dòng {header_row}) có {header_width} cột",
                        raw_widths[i]
                    ))
                    .at(Location::line(source, row))
                    .hint(
                        "kiểm tra dòng này: có thể thiếu hoặc thừa dấu phân cách (dấu phẩy, chấm phẩy), \
                         hoặc một ô có dấu phẩy mà không đặt trong ngoặc kép; mở tệp bằng Excel rồi lưu lại \
                         dạng CSV UTF-8 sẽ tự sửa",
                    ),
                );
                continue;
            }
        }
        let row_cells = keep
            .iter()
            .map(|&c| Cell {
                value: cells[i].get_mut(c).map(std::mem::take).unwrap_or_default(),
                row,
                column: c + 1,
            })
            .collect();
        out_rows.push(Row {
            row,
            cells: row_cells,
        });
    }
    out_rows
}

/// The kept columns, for checks after the rows are read.
struct Kept<'a> {
    headers: &'a [Header],
    keep: &'a [usize],
    width: usize,
}

/// Spreadsheet error values (`#N/A`) in kept cells below the header.
fn formula_errors(
    sheet: &Sheet,
    kept_columns: &Kept,
    cell_errors: Vec<(usize, usize, String)>,
    row_errors: &mut usize,
    errors: &mut Vec<Diagnostic>,
) {
    let (source, header_row) = (sheet.source, sheet.header_row);
    let Kept {
        headers,
        keep,
        width,
    } = *kept_columns;
    let mut kept = vec![false; width];
    for &c in keep {
        kept[c] = true;
    }
    for (row, col, shown) in cell_errors {
        if col == 0 || row <= header_row || !kept.get(col - 1).copied().unwrap_or(false) {
            continue;
        }
        *row_errors += 1;
        if *row_errors > MAX_ROW_ERRORS {
            continue;
        }
        let mut loc = Location::at(source, row, col);
        if let Some(hd) = headers.iter().find(|hd| hd.column == col) {
            loc = loc.with_field(hd.field.map_or_else(|| hd.raw.clone(), str::to_string));
        }
        errors.push(
            Diagnostic::error(format!("ô {}{row} đang báo lỗi công thức Excel \u{201c}{shown}\u{201d}", column_letter(col)))
                .at(loc)
                .hint("sửa công thức trong Excel, hoặc sao chép rồi dán dạng giá trị (Dán đặc biệt → Giá trị) trước khi lưu"),
        );
    }
}

fn missing_fields_error(
    source: &Path,
    header_row: Option<usize>,
    missing: &[&FieldSpec],
    found: &[Header],
) -> Diagnostic {
    let parts: Vec<String> = missing
        .iter()
        .map(|f| {
            let accepted: Vec<String> = f
                .aliases
                .iter()
                .map(|a| format!("\u{201c}{a}\u{201d}"))
                .collect();
            if accepted.is_empty() {
                format!("thiếu cột \u{201c}{}\u{201d}", f.name)
            } else {
                format!(
                    "thiếu cột \u{201c}{}\u{201d} (chấp nhận: {})",
                    f.name,
                    accepted.join(", ")
                )
            }
        })
        .collect();
    let found_list = if found.is_empty() {
        "không tìm thấy tiêu đề cột nào".to_string()
    } else {
        let items: Vec<String> = found
            .iter()
            .map(|h| format!("{}: \u{201c}{}\u{201d}", column_letter(h.column), h.raw))
            .collect();
        format!("các cột tìm thấy: {}", items.join(", "))
    };
    let loc = match header_row {
        Some(r) if r > 0 => Location::line(source, r),
        _ => Location::file(source),
    };
    Diagnostic::error(format!("{}; {found_list}", parts.join("; ")))
        .at(loc)
        .hint(
            "đặt tên cột đúng một trong các cách viết được chấp nhận (không phân biệt hoa thường, có dấu hay không), \
             ở cùng một dòng tiêu đề phía trên dữ liệu",
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::RawRow;

    const FIELDS: &[FieldSpec] = &[
        FieldSpec::required("full_name", &["Họ và tên", "Họ tên"]),
        FieldSpec::required("amount", &["Số tiền", "Số tiền (đồng)"]),
        FieldSpec::optional("address", &["Địa chỉ"]),
        FieldSpec::optional("id_number", &["Số CCCD", "CCCD"]),
    ];

    fn grid(rows: &[&[&str]]) -> Grid {
        Grid {
            rows: rows
                .iter()
                .enumerate()
                .map(|(i, r)| RawRow {
                    row: i + 1,
                    cells: r.iter().map(|s| s.to_string()).collect(),
                })
                .collect(),
            cell_errors: Vec::new(),
            strict_width: true,
            fixed_header: false,
        }
    }

    fn src() -> &'static Path {
        Path::new("data/ds.csv")
    }

    #[test]
    fn letters() {
        for (n, want) in [
            (1, "A"),
            (2, "B"),
            (26, "Z"),
            (27, "AA"),
            (52, "AZ"),
            (53, "BA"),
            (702, "ZZ"),
            (703, "AAA"),
        ] {
            assert_eq!(column_letter(n), want);
        }
    }

    #[test]
    fn header_matching() {
        let f = &FIELDS[0];
        for h in [
            "Họ và tên",
            "HỌ VÀ TÊN",
            "ho va ten",
            "Họ  và tên:",
            "full_name",
            "Full name",
            "họ tên",
            "Ho\u{300} va\u{300} tên",
        ] {
            assert!(field_matches(h, f), "{h}");
        }
        for h in ["Tên", "", "họ và tên đệm", "fullname"] {
            assert!(!field_matches(h, f), "{h}");
        }
    }

    #[test]
    fn header_below_title_and_blank_rows() {
        let g = grid(&[
            &["DANH SÁCH HỘ NGHÈO NĂM 2026", "", "", ""],
            &["", "", "", ""],
            &["STT", "Họ và tên", "Địa chỉ", "Số tiền"],
            &["1", " Nguyễn Văn A ", "Tổ 1", "1.500.000"],
            &["", "", "", ""],
            &["2", "Trần Thị B", "Tổ 2", "2.000.000"],
            &["", "", "", ""],
        ]);
        let t = build_table(src(), g, &LoadOptions::new(FIELDS)).unwrap();
        assert_eq!(t.headers.len(), 4);
        assert_eq!(
            t.headers[1],
            Header {
                raw: "Họ và tên".into(),
                field: Some("full_name"),
                column: 2
            }
        );
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0].row, 4);
        assert_eq!(t.rows[1].row, 6);
        assert_eq!(t.text(&t.rows[0], "full_name"), "Nguyễn Văn A");
        assert_eq!(t.text(&t.rows[1], "amount"), "2.000.000");
        assert_eq!(t.text(&t.rows[1], "stt"), "2");
        assert_eq!(t.text(&t.rows[1], "nope"), "");
        let unknown: Vec<&str> = t.unknown_headers().map(|h| h.raw.as_str()).collect();
        assert_eq!(unknown, ["STT"]);
        let cell = t.get(&t.rows[1], "amount").unwrap();
        assert_eq!(
            t.location(cell),
            Location::at("data/ds.csv", 6, 4).with_field("amount")
        );
    }

    #[test]
    fn missing_required_lists_spellings_and_found_headers() {
        let g = grid(&[&["STT", "Họ và tên", "Địa chỉ"], &["1", "A", "B"]]);
        let err = build_table(src(), g, &LoadOptions::new(FIELDS)).unwrap_err();
        assert_eq!(err.len(), 1);
        let m = &err[0].message;
        assert!(
            m.contains("thiếu cột \u{201c}amount\u{201d} (chấp nhận: \u{201c}Số tiền\u{201d}"),
            "{m}"
        );
        assert!(
            m.contains("A: \u{201c}STT\u{201d}") && m.contains("B: \u{201c}Họ và tên\u{201d}"),
            "{m}"
        );
        assert!(!m.contains("full_name"), "{m}");
    }

    #[test]
    fn duplicate_field_is_error() {
        let g = grid(&[&["Họ và tên", "Họ tên", "Số tiền"], &["A", "B", "1"]]);
        let err = build_table(src(), g, &LoadOptions::new(FIELDS)).unwrap_err();
        assert!(
            err[0].message.contains("full_name")
                && err[0].message.contains("A \u{201c}Họ và tên\u{201d}"),
            "{}",
            err[0].message
        );
    }

    #[test]
    fn private_columns_never_stored() {
        let private = vec!["Số CCCD".to_string(), "Điện thoại".to_string()];
        let g = grid(&[
            &["Họ và tên", "SỐ CCCD", "Số tiền", "điện thoại"],
            &["A", "001234567890", "1", "0912345678"],
        ]);
        let t = build_table(
            src(),
            g,
            &LoadOptions::new(FIELDS).private_columns(&private),
        )
        .unwrap();
        assert_eq!(
            t.headers.iter().map(|h| h.raw.as_str()).collect::<Vec<_>>(),
            ["Họ và tên", "Số tiền"]
        );
        let dump = format!("{t:?}");
        assert!(
            !dump.contains("001234567890") && !dump.contains("0912345678"),
            "{dump}"
        );
        assert_eq!(t.rows[0].cells[1].column, 3);
        // Private by canonical field name too.
        let private = vec!["id_number".to_string()];
        let g = grid(&[&["Họ và tên", "CCCD", "Số tiền"], &["A", "0012", "1"]]);
        let t = build_table(
            src(),
            g,
            &LoadOptions::new(FIELDS).private_columns(&private),
        )
        .unwrap();
        assert!(!format!("{t:?}").contains("0012"));
    }

    #[test]
    fn empty_columns_dropped_and_data_without_header_is_error() {
        let g = grid(&[&["Họ và tên", "", "Số tiền", ""], &["A", "", "1", ""]]);
        let t = build_table(src(), g, &LoadOptions::new(FIELDS)).unwrap();
        assert_eq!(t.headers.len(), 2);
        assert_eq!(t.rows[0].cells.len(), 2);
        let g = grid(&[&["Họ và tên", "", "Số tiền"], &["A", "lạc", "1"]]);
        let err = build_table(src(), g, &LoadOptions::new(FIELDS)).unwrap_err();
        assert_eq!(err[0].location, Some(Location::at("data/ds.csv", 2, 2)));
        assert!(err[0].message.contains("B2"), "{}", err[0].message);
    }

    #[test]
    fn ragged_rows() {
        let g = grid(&[
            &["Họ và tên", "Số tiền"],
            &["A", "1", "x"],
            &["B"],
            &["C", "2", ""],
        ]);
        let err = build_table(src(), g, &LoadOptions::new(FIELDS)).unwrap_err();
        assert_eq!(err.len(), 2);
        assert!(
            err[0].message.contains("dòng 2 có 3 ô") && err[0].message.contains("2 cột"),
            "{}",
            err[0].message
        );
        assert!(
            err[1].message.contains("dòng 3 có 1 ô"),
            "{}",
            err[1].message
        );
        // Lenient grids (spreadsheets) pad short rows.
        let mut g = grid(&[&["Họ và tên", "Số tiền"], &["B"]]);
        g.strict_width = false;
        let t = build_table(src(), g, &LoadOptions::new(FIELDS)).unwrap();
        assert_eq!(
            t.rows[0].cells[1],
            Cell {
                value: String::new(),
                row: 2,
                column: 2
            }
        );
    }

    #[test]
    fn no_fields_uses_first_non_empty_row() {
        let g = grid(&[&["", ""], &["a", "b"], &["1", "2"]]);
        let t = build_table(src(), g, &LoadOptions::default()).unwrap();
        assert_eq!(t.headers[0].raw, "a");
        assert_eq!(t.rows.len(), 1);
        let t = build_table(src(), grid(&[]), &LoadOptions::default()).unwrap();
        assert!(t.headers.is_empty() && t.rows.is_empty());
        assert!(build_table(src(), grid(&[]), &LoadOptions::new(FIELDS)).is_err());
    }

    #[test]
    fn one_required_field_qualifies_a_row() {
        const ONE: &[FieldSpec] = &[FieldSpec::required("title", &["Tiêu đề"])];
        let g = grid(&[&["Thông báo", ""], &["Tiêu đề", "Ghi chú"], &["x", "y"]]);
        let t = build_table(src(), g, &LoadOptions::new(ONE)).unwrap();
        assert_eq!(t.headers[0].field, Some("title"));
        assert_eq!(t.rows[0].row, 3);
    }

    #[test]
    fn cells_are_trimmed_and_nfc() {
        let g = grid(&[
            &["Họ và tên", "Số tiền"],
            &["  Nguye\u{302}\u{303}n\nVăn A ", "1"],
        ]);
        let t = build_table(src(), g, &LoadOptions::new(FIELDS)).unwrap();
        assert_eq!(t.rows[0].cells[0].value, "Nguyễn\nVăn A");
    }
}
