//! Choosing the header row, mapping headers to fields, dropping private and empty
//! columns, and turning a raw [`Grid`] into a [`Table`].

use rayon::prelude::*;
use std::collections::HashSet;
use std::path::Path;

use super::totals::take_totals;
use super::units::{Quantity, convert_cell, parse_unit, split_unit};
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
    !h.is_empty() && folded_spellings(field).contains(&h)
}

/// Every spelling of `field` as [`field_matches`] compares it.
fn folded_spellings(field: &FieldSpec) -> Vec<String> {
    field
        .spellings()
        .flat_map(|s| [fold_words(s), fold_words(&s.replace('_', " "))])
        .collect()
}

/// Headers to fields: `[record.columns]` entries first, then the fields' spellings.
struct Matcher<'a> {
    fields: &'a [FieldSpec],
    /// (folded header, field) from the record's mapping, for fields this table has.
    mapped: Vec<(String, &'static str)>,
    /// Each field's [`folded_spellings`], folded once: the header row is searched by
    /// matching every cell of the first rows against every field.
    spellings: Vec<(Vec<String>, &'static str)>,
}

impl<'a> Matcher<'a> {
    fn new(opts: &LoadOptions<'a>) -> Self {
        let mapped = opts
            .columns
            .iter()
            .filter_map(|m| {
                let f = opts.fields.iter().find(|f| f.name == m.field)?;
                Some((fold_words(&m.header), f.name))
            })
            .collect();
        Matcher {
            fields: opts.fields,
            mapped,
            spellings: opts
                .fields
                .iter()
                .map(|f| (folded_spellings(f), f.name))
                .collect(),
        }
    }

    fn field(&self, header: &str) -> Option<&'static str> {
        if !self.mapped.is_empty() {
            let h = fold_words(header);
            if let Some((_, f)) = self.mapped.iter().find(|(m, _)| *m == h) {
                return Some(f);
            }
        }
        let f = self.match_field(header)?;
        // A field mapped to another header is not also taken by its usual spellings.
        if self.mapped.iter().any(|(_, m)| *m == f) {
            None
        } else {
            Some(f)
        }
    }

    /// The field a header names: as written, else without its unit in parentheses
    /// ("Mức hỗ trợ (đồng/tháng)" → "Mức hỗ trợ").
    fn match_field(&self, header: &str) -> Option<&'static str> {
        let find = |h: &str| {
            let h = fold_words(h);
            if h.is_empty() {
                return None;
            }
            self.spellings
                .iter()
                .find(|(spelled, _)| spelled.contains(&h))
                .map(|(_, name)| *name)
        };
        find(header).or_else(|| match split_unit(header) {
            (base, Some(_)) if !base.is_empty() => find(base),
            _ => None,
        })
    }
}

/// The accepted spellings closest to an unknown header, best first (at most 3):
/// (field, spelling).
pub fn closest_spellings(header: &str, fields: &[FieldSpec]) -> Vec<(&'static str, &'static str)> {
    let (base, _) = split_unit(header);
    let h = fold_words(base);
    if h.is_empty() {
        return Vec::new();
    }
    let hw: HashSet<&str> = h.split(' ').collect();
    let mut scored: Vec<(f64, &'static str, &'static str)> = Vec::new();
    for f in fields {
        let best = f
            .spellings()
            .map(|s| {
                let fs = fold_words(&s.replace('_', " "));
                let edit = strsim::normalized_damerau_levenshtein(&h, &fs);
                // "Tiền hỗ trợ hằng tháng" ~ "số tiền hỗ trợ": shared words count too.
                let sw: HashSet<&str> = fs.split(' ').collect();
                let shared = hw.intersection(&sw).count() as f64;
                let jaccard = shared / hw.union(&sw).count().max(1) as f64;
                // "Tiền hỗ trợ hằng tháng" ~ "Số tiền": one word of two in common.
                let overlap = 0.8 * shared / hw.len().min(sw.len()).max(1) as f64;
                (edit.max(jaccard).max(overlap), s)
            })
            .max_by(|a, b| a.0.total_cmp(&b.0));
        if let Some((score, s)) = best
            && score >= 0.4
        {
            scored.push((score, f.name, s));
        }
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    scored.into_iter().take(3).map(|(_, f, s)| (f, s)).collect()
}

/// The error for a column no field accepts: the closest accepted names ("Có phải ý bạn
/// là …?") and the two real fixes, renaming the header or mapping it in the record's
/// front matter. `extra` is what the kind adds (e.g. the private-column fix).
pub fn unknown_column(
    source: &Path,
    header: &Header,
    fields: &[FieldSpec],
    extra: &str,
) -> Diagnostic {
    let close = closest_spellings(&header.raw, fields);
    let mut message = format!(
        "cột lạ \u{201c}{}\u{201d} (cột {}): không khớp với tên cột nào được chấp nhận",
        header.raw,
        column_letter(header.column)
    );
    if !close.is_empty() {
        let names: Vec<String> = close
            .iter()
            .map(|(_, s)| format!("\u{201c}{s}\u{201d}"))
            .collect();
        message.push_str(&format!(". Có phải ý bạn là {}?", names.join(", ")));
    }
    let field = close.first().map_or("tên_trường", |(f, _)| f);
    let mut hint = format!(
        "đổi tên cột thành một tên được chấp nhận (xem docs/bang-du-lieu.md), hoặc giữ nguyên tên và \
         khai báo trong phần đầu trang của hồ sơ:\n  [record.columns]\n  {field} = \"{}\"",
        header.raw
    );
    if !extra.is_empty() {
        hint.push_str("\n  ");
        hint.push_str(extra);
    }
    Diagnostic::error(message)
        .at(Location {
            file: source.to_path_buf(),
            line: None,
            column: Some(header.column),
            field: Some(header.raw.clone()),
        })
        .hint(hint)
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
fn choose_header_row(rows: &[Vec<String>], matcher: &Matcher) -> Option<usize> {
    let fields = matcher.fields;
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
        let matched: HashSet<&str> = rows[i].iter().filter_map(|c| matcher.field(c)).collect();
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
        choose_header_row(&cells, &Matcher::new(opts))
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
            totals: Vec::new(),
            header_row: 0,
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
    // Totals rows are checked on the numbers as written, then left out.
    let (mut out_rows, totals) = take_totals(source, &headers, out_rows, &mut errors);
    apply_units(source, header_row, &headers, &mut out_rows, &mut errors);

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
    if errors.is_empty() || opts.keep_on_error {
        Ok(Table {
            source: source.to_path_buf(),
            headers,
            rows: out_rows,
            warnings: errors,
            totals,
            header_row,
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

    let matcher = Matcher::new(opts);
    column_map_errors(sheet, header_cells, opts, errors);

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
        let field = matcher.field(raw);
        if is_private(raw, field) {
            dropped_private.push(c);
            continue;
        }
        keep.push(c);
        headers.push(Header {
            raw: raw.to_string(),
            field,
            column: c + 1,
            unit: split_unit(raw).1.and_then(parse_unit),
        });
    }
    (headers, keep)
}

/// `[record.columns]` entries that cannot apply: a field this table does not have
/// (when the entry is for this table, or its header is in this file), or a header that
/// is not in the header row.
fn column_map_errors(
    sheet: &Sheet,
    header_cells: &[String],
    opts: &LoadOptions,
    errors: &mut Vec<Diagnostic>,
) {
    let (source, header_row) = (sheet.source, sheet.header_row);
    let present: Vec<String> = header_cells.iter().map(|h| fold_words(h)).collect();
    let found = || {
        header_cells
            .iter()
            .enumerate()
            .filter(|(_, h)| !h.is_empty())
            .map(|(i, h)| format!("{}: \u{201c}{h}\u{201d}", column_letter(i + 1)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    for m in opts.columns {
        let in_file = present.contains(&fold_words(&m.header));
        let known = opts.fields.iter().any(|f| f.name == m.field);
        if !known {
            if m.strict || in_file {
                let names: Vec<&str> = opts.fields.iter().map(|f| f.name).collect();
                errors.push(
                    Diagnostic::error(format!(
                        "[record.columns] ghi trường \u{201c}{}\u{201d}, nhưng bảng này không có trường đó",
                        m.field
                    ))
                    .at(Location::file(source))
                    .hint(format!(
                        "sửa tên trường bên trái dấu = trong [record.columns]; các trường của bảng này: {}",
                        names.join(", ")
                    )),
                );
            }
            continue;
        }
        if !in_file {
            errors.push(
                Diagnostic::error(format!(
                    "[record.columns] ghép trường \u{201c}{}\u{201d} với cột \u{201c}{}\u{201d}, nhưng dòng tiêu đề (dòng {header_row}) không có cột đó; các cột tìm thấy: {}",
                    m.field,
                    m.header,
                    found()
                ))
                .at(Location::line(source, header_row))
                .hint("ghi đúng tên cột như trong tệp (không phân biệt hoa thường, có dấu hay không), hoặc bỏ dòng này khỏi [record.columns]"),
            );
        }
    }
}

/// Units in headers: a unit that contradicts the field is an error; cells of a column
/// whose unit is not the field's own (nghìn đồng, m²) are converted in place.
fn apply_units(
    source: &Path,
    header_row: usize,
    headers: &[Header],
    rows: &mut [Row],
    errors: &mut Vec<Diagnostic>,
) {
    for (i, h) in headers.iter().enumerate() {
        let (Some(unit), Some(field)) = (h.unit, h.field) else {
            continue;
        };
        let Some(q) = Quantity::of(field) else {
            continue;
        };
        if !q.accepts(unit) {
            errors.push(
                Diagnostic::error(format!(
                    "cột \u{201c}{}\u{201d} ghi đơn vị \u{201c}{}\u{201d}, nhưng cột này là {}",
                    h.raw,
                    unit.label(),
                    q.label()
                ))
                .at(Location::at(source, header_row, h.column).with_field(field))
                .hint("sửa đơn vị trong ngoặc ở tiêu đề cột cho đúng với số liệu, hoặc bỏ phần trong ngoặc"),
            );
            continue;
        }
        for row in rows.iter_mut() {
            let Some(cell) = row.cells.get_mut(i) else {
                continue;
            };
            match convert_cell(&cell.value, unit) {
                Ok(Some(v)) => cell.value = v,
                Ok(None) => {}
                Err(why) => errors.push(
                    Diagnostic::error(format!(
                        "ô {}{}: \u{201c}{}\u{201d} {why} (cột tính bằng {})",
                        column_letter(cell.column),
                        cell.row,
                        cell.value,
                        unit.label()
                    ))
                    .at(Location::at(source, cell.row, cell.column).with_field(field))
                    .hint(format!(
                        "ghi số theo đơn vị {}, ví dụ 1.500 hoặc 1,5",
                        unit.label()
                    )),
                ),
            }
        }
    }
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
    // An unrecognised header close to a missing field is most likely it: name it.
    let mut guesses = Vec::new();
    for f in missing {
        let spec = [**f];
        if let Some(h) = found
            .iter()
            .filter(|h| h.field.is_none())
            .find(|h| !closest_spellings(&h.raw, &spec).is_empty())
        {
            guesses.push((f.name, h.raw.as_str()));
        }
    }
    let mut message = format!("{}; {found_list}", parts.join("; "));
    let mut hint =
        "đổi tên cột cho đúng một trong các cách viết được chấp nhận (không phân biệt hoa thường, \
                    có dấu hay không), ở cùng một dòng tiêu đề phía trên dữ liệu"
            .to_string();
    if !guesses.is_empty() {
        let said: Vec<String> = guesses
            .iter()
            .map(|(_, h)| format!("\u{201c}{h}\u{201d}"))
            .collect();
        message.push_str(&format!(
            ". Có phải cột {} là cột đang thiếu?",
            said.join(", ")
        ));
        let lines: Vec<String> = guesses
            .iter()
            .map(|(f, h)| format!("  {f} = \"{h}\""))
            .collect();
        hint.push_str(&format!(
            "; hoặc giữ nguyên tên cột và khai báo trong phần đầu trang của hồ sơ:\n  [record.columns]\n{}",
            lines.join("\n")
        ));
    } else {
        hint.push_str("; hoặc giữ tên cột và ghép nó với trường trong phần đầu trang: [record.columns] tên_trường = \"Tên cột trong tệp\"");
    }
    Diagnostic::error(message).at(loc).hint(hint)
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
                column: 2,
                unit: None,
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
    fn units_in_headers_are_matched_and_used() {
        const F: &[FieldSpec] = &[
            FieldSpec::required("full_name", &["Họ và tên"]),
            FieldSpec::optional("amount_vnd", &["Mức hỗ trợ", "Số tiền"]),
            FieldSpec::optional("households", &["Số hộ"]),
            FieldSpec::optional("area_ha", &["Diện tích"]),
        ];
        let g = grid(&[
            &[
                "Họ và tên",
                "Mức hỗ trợ (nghìn đồng/tháng)",
                "Số hộ (hộ)",
                "Diện tích (m²)",
            ],
            &["A", "1.500", "12", "25.000"],
            &["B", "750", "", "1.500"],
        ]);
        let t = build_table(src(), g, &LoadOptions::new(F)).unwrap();
        assert_eq!(t.text(&t.rows[0], "amount_vnd"), "1500000");
        assert_eq!(t.text(&t.rows[1], "amount_vnd"), "750000");
        assert_eq!(t.text(&t.rows[0], "area_ha"), "2,5");
        assert_eq!(t.text(&t.rows[1], "area_ha"), "0,15");
        assert_eq!(t.text(&t.rows[0], "households"), "12");
        assert_eq!(
            t.unit("amount_vnd"),
            Some(crate::data::units::Unit::Money {
                factor: 1000,
                per_month: true
            })
        );
        // A unit that contradicts the field names it.
        let g = grid(&[&["Họ và tên", "Số hộ (đồng)"], &["A", "3"]]);
        let err = build_table(src(), g, &LoadOptions::new(F)).unwrap_err();
        assert!(
            err[0].message.contains("\u{201c}đồng\u{201d}") && err[0].message.contains("số hộ"),
            "{}",
            err[0].message
        );
        // A cell that is not a whole number of đồng once converted.
        let g = grid(&[&["Họ và tên", "Số tiền (nghìn đồng)"], &["A", "1,2345"]]);
        let err = build_table(src(), g, &LoadOptions::new(F)).unwrap_err();
        assert!(err[0].message.contains("B2"), "{}", err[0].message);
    }

    #[test]
    fn record_columns_mapping() {
        use crate::data::ColumnMap;
        let map = |field: &str, header: &str, strict| ColumnMap {
            field: field.into(),
            header: header.into(),
            strict,
        };
        let m = [map("amount", "Tiền hỗ trợ hằng tháng", true)];
        let g = grid(&[&["Họ và tên", "Tiền hỗ trợ hằng tháng"], &["A", "100"]]);
        let t = build_table(src(), g, &LoadOptions::new(FIELDS).columns(&m)).unwrap();
        assert_eq!(t.text(&t.rows[0], "amount"), "100");
        // Without the mapping: missing column, the unknown header guessed, the fix shown.
        let g = grid(&[&["Họ và tên", "Tiền hỗ trợ hằng tháng"], &["A", "100"]]);
        let err = build_table(src(), g, &LoadOptions::new(FIELDS)).unwrap_err();
        let hint = err[0].hint.as_deref().unwrap_or("");
        assert!(
            hint.contains("[record.columns]")
                && hint.contains("amount = \"Tiền hỗ trợ hằng tháng\""),
            "{hint}"
        );
        // A mapping naming a header not in the file.
        let m = [map("amount", "Tiền", true)];
        let g = grid(&[&["Họ và tên", "Số tiền"], &["A", "100"]]);
        let err = build_table(src(), g, &LoadOptions::new(FIELDS).columns(&m)).unwrap_err();
        assert!(
            err.iter().any(|e| e.message.contains("không có cột đó")
                && e.message.contains("\u{201c}Tiền\u{201d}")),
            "{err:?}"
        );
        // A mapping naming an unknown field.
        let m = [map("amonut", "Số tiền", false)];
        let g = grid(&[&["Họ và tên", "Số tiền"], &["A", "100"]]);
        let err = build_table(src(), g, &LoadOptions::new(FIELDS).columns(&m)).unwrap_err();
        assert!(
            err[0].message.contains("\u{201c}amonut\u{201d}")
                && err[0].hint.as_deref().unwrap_or("").contains("full_name"),
            "{err:?}"
        );
        // A flat entry for another table's field whose header is not here is ignored.
        let m = [map("new_name", "Tổ mới", false)];
        let g = grid(&[&["Họ và tên", "Số tiền"], &["A", "100"]]);
        assert!(build_table(src(), g, &LoadOptions::new(FIELDS).columns(&m)).is_ok());
    }

    #[test]
    fn unknown_column_suggests_closest_names_and_both_fixes() {
        let h = Header {
            raw: "Họ và tn".into(),
            field: None,
            column: 3,
            unit: None,
        };
        let d = unknown_column(src(), &h, FIELDS, "");
        assert!(
            d.message
                .contains("Có phải ý bạn là \u{201c}Họ và tên\u{201d}"),
            "{}",
            d.message
        );
        let hint = d.hint.unwrap_or_default();
        assert!(
            hint.contains("đổi tên cột") && hint.contains("[record.columns]"),
            "{hint}"
        );
        assert!(hint.contains("full_name = \"Họ và tn\""), "{hint}");
        let far = Header {
            raw: "Xyz".into(),
            ..h
        };
        assert!(
            !unknown_column(src(), &far, FIELDS, "")
                .message
                .contains("Có phải")
        );
    }

    #[test]
    fn totals_rows_are_not_rows() {
        let g = grid(&[
            &["DANH SÁCH", "", ""],
            &["Họ và tên", "Số tiền", "Địa chỉ"],
            &["A", "1.500.000", "Tổ 1"],
            &["B", "2.000.000", "Tổ 2"],
            &["Tổng cộng", "3.500.000", ""],
        ]);
        let t = build_table(src(), g, &LoadOptions::new(FIELDS)).unwrap();
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.totals.len(), 1);
        assert_eq!(t.totals[0].row, 5);
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
