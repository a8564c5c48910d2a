//! XLSX/XLSM/XLS/ODS reading through calamine: cell text as Excel shows it, positions
//! as Excel numbers them.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use calamine::{Data, Ods, Range, Reader, Sheets, Xls, Xlsx, open_workbook};
use chrono::{NaiveDateTime, Timelike};

use super::encoding::{detect_legacy_text, legacy_error};
use super::headers::build_table;
use super::{Grid, LoadOptions, RawRow, Table};
use crate::diagnostics::{Diagnostic, Location};

const RESAVE_HINT: &str = "mở tệp bằng Excel (hoặc LibreOffice) rồi lưu lại: Tệp → Lưu thành → \
     Sổ làm việc Excel (.xlsx); nếu thực ra đây là tệp CSV, hãy đổi đuôi tên tệp thành .csv";

fn open(path: &Path, ext: &str) -> Result<Sheets<BufReader<File>>, String> {
    match ext {
        "xls" => open_workbook::<Xls<_>, _>(path)
            .map(Sheets::Xls)
            .map_err(|e| e.to_string()),
        "ods" => open_workbook::<Ods<_>, _>(path)
            .map(Sheets::Ods)
            .map_err(|e| e.to_string()),
        _ => open_workbook::<Xlsx<_>, _>(path)
            .map(Sheets::Xlsx)
            .map_err(|e| e.to_string()),
    }
}

/// Read one worksheet of the spreadsheet at `path` (`source` is the site-relative path
/// for messages; `ext` the lower-case extension).
pub(crate) fn load_spreadsheet(
    path: &Path,
    source: &Path,
    ext: &str,
    opts: &LoadOptions,
) -> Result<Table, Vec<Diagnostic>> {
    let mut book = open(path, ext).map_err(|e| {
        vec![
            Diagnostic::error(format!(
                "không mở được tệp bảng tính: tệp không phải bảng tính .{ext} hợp lệ hoặc đã bị hỏng ({e})"
            ))
            .at(Location::file(source))
            .hint(RESAVE_HINT),
        ]
    })?;
    let names = book.sheet_names();
    let name = match opts.sheet {
        Some(want) => {
            let folded = crate::text::fold_words(want);
            let found = names
                .iter()
                .find(|n| n.as_str() == want)
                .or_else(|| names.iter().find(|n| crate::text::fold_words(n) == folded));
            match found {
                Some(n) => n.clone(),
                None => {
                    let list: Vec<String> = names
                        .iter()
                        .map(|n| format!("\u{201c}{n}\u{201d}"))
                        .collect();
                    let mut d = Diagnostic::error(format!(
                        "không có trang tính (sheet) tên \u{201c}{want}\u{201d}; tệp có: {}",
                        list.join(", ")
                    ))
                    .at(Location::file(source));
                    d = match crate::text::did_you_mean(want, names.iter().map(String::as_str)) {
                        Some(s) => d.hint(format!("có phải ý bạn là \u{201c}{s}\u{201d}? Sửa tên trang tính trong cấu hình cho đúng")),
                        None => d.hint("sửa tên trang tính trong cấu hình cho đúng một trong các tên trên (xem các thẻ ở cuối cửa sổ Excel)"),
                    };
                    return Err(vec![d]);
                }
            }
        }
        None => match names.first() {
            Some(n) => n.clone(),
            None => {
                return Err(vec![
                    Diagnostic::error("tệp bảng tính không có trang tính (sheet) nào")
                        .at(Location::file(source))
                        .hint(RESAVE_HINT),
                ]);
            }
        },
    };
    let range = book.worksheet_range(&name).map_err(|e| {
        vec![
            Diagnostic::error(format!(
                "không đọc được trang tính \u{201c}{name}\u{201d}: {e}"
            ))
            .at(Location::file(source))
            .hint(RESAVE_HINT),
        ]
    })?;
    let grid = range_to_grid(&range);
    let table = build_table(source, grid, opts)?;
    check_legacy_fonts(&table)?;
    Ok(table)
}

/// Cells as text, padded so that index 0 is column A and row numbers are Excel's.
pub(crate) fn range_to_grid(range: &Range<Data>) -> Grid {
    let mut grid = Grid {
        rows: Vec::new(),
        cell_errors: Vec::new(),
        strict_width: false,
        fixed_header: false,
    };
    let Some((row0, col0)) = range.start() else {
        return grid;
    };
    let (row0, col0) = (row0 as usize, col0 as usize);
    for (i, cells) in range.rows().enumerate() {
        let row = row0 + i + 1;
        let mut out = vec![String::new(); col0];
        for (j, cell) in cells.iter().enumerate() {
            match cell_text(cell) {
                Ok(s) => out.push(s),
                Err(shown) => {
                    grid.cell_errors.push((row, col0 + j + 1, shown));
                    out.push(String::new());
                }
            }
        }
        grid.rows.push(RawRow { row, cells: out });
    }
    grid
}

const EXCEL_ERRORS: &[&str] = &[
    "#N/A",
    "#DIV/0!",
    "#VALUE!",
    "#REF!",
    "#NAME?",
    "#NUM!",
    "#NULL!",
    "#SPILL!",
    "#CALC!",
    "#GETTING_DATA",
];

/// A cell's text as staff see it; `Err` with the shown error (`#N/A`) for error cells.
pub(crate) fn cell_text(cell: &Data) -> Result<String, String> {
    Ok(match cell {
        Data::Empty => String::new(),
        // A formula's cached error result is sometimes stored as text.
        Data::String(s) if EXCEL_ERRORS.contains(&s.trim()) => return Err(s.trim().to_string()),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => float_text(*f),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(dt) => {
            if dt.is_duration() {
                duration_text(dt.as_f64())
            } else {
                match dt.as_datetime() {
                    Some(ndt) => datetime_text(ndt, dt.as_f64() < 1.0),
                    None => float_text(dt.as_f64()),
                }
            }
        }
        Data::DateTimeIso(s) => iso_text(s),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => return Err(e.to_string()),
    })
}

/// Shortest text that reads back as the same number; integral values without ".0".
fn float_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

fn round_to_second(ndt: NaiveDateTime) -> NaiveDateTime {
    if ndt.nanosecond() >= 500_000_000 {
        ndt.with_nanosecond(0)
            .map_or(ndt, |t| t + chrono::Duration::seconds(1))
    } else {
        ndt.with_nanosecond(0).unwrap_or(ndt)
    }
}

fn time_text(t: chrono::NaiveTime) -> String {
    if t.second() == 0 {
        t.format("%H:%M").to_string()
    } else {
        t.format("%H:%M:%S").to_string()
    }
}

/// `dd/mm/yyyy`, with ` HH:MM` when there is a time part; time-only values as `HH:MM`.
fn datetime_text(ndt: NaiveDateTime, time_only: bool) -> String {
    let ndt = round_to_second(ndt);
    if time_only {
        return time_text(ndt.time());
    }
    let date = ndt.format("%d/%m/%Y").to_string();
    if ndt.time() == chrono::NaiveTime::MIN {
        date
    } else {
        format!("{date} {}", time_text(ndt.time()))
    }
}

fn duration_text(days: f64) -> String {
    let secs = (days * 86_400.0).round();
    if !secs.is_finite() {
        return float_text(days);
    }
    let secs = secs as i64;
    let (h, m, s) = (secs / 3600, (secs % 3600) / 60, secs % 60);
    if s == 0 {
        format!("{h:02}:{m:02}")
    } else {
        format!("{h:02}:{m:02}:{s:02}")
    }
}

/// ODS dates arrive as ISO text (`2026-06-10`, `2026-06-10T08:00:00`, `PT08H00M`).
fn iso_text(s: &str) -> String {
    if let Ok(d) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return d.format("%d/%m/%Y").to_string();
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(s, fmt) {
            return datetime_text(dt, false);
        }
    }
    if let Ok(t) = chrono::NaiveTime::parse_from_str(s, "%H:%M:%S") {
        return time_text(t);
    }
    s.to_string()
}

/// Sheets typed with the old ".VnTime"/"VNI-Times" fonts store Latin-1 symbols that
/// only look Vietnamese in those fonts: refuse them rather than publish "Hµ Néi".
fn check_legacy_fonts(table: &Table) -> Result<(), Vec<Diagnostic>> {
    let mut text = String::new();
    for h in &table.headers {
        text.push_str(&h.raw);
        text.push('\n');
    }
    for r in &table.rows {
        for c in &r.cells {
            text.push_str(&c.value);
            text.push('\n');
        }
    }
    match detect_legacy_text(&text) {
        Some(kind) => Err(vec![legacy_error(&table.source, kind)]),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{FieldSpec, load_table};
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

    const FIELDS: &[FieldSpec] = &[
        FieldSpec::required("full_name", &["Họ và tên", "Họ tên"]),
        FieldSpec::required("amount", &["Số tiền"]),
        FieldSpec::optional("date", &["Ngày"]),
        FieldSpec::optional("flag", &["Có"]),
    ];

    fn site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("data")).unwrap();
        dir
    }

    /// Title in A1, blank row 2, header on row 3 starting at column B.
    fn write_sample(path: &Path) {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("Danh sách").unwrap();
        ws.write_string(0, 1, "DANH SÁCH HỘ NGHÈO NĂM 2026")
            .unwrap();
        for (c, h) in ["STT", "Họ và tên", "Số tiền", "Ngày", "Có", "Ghi chú"]
            .iter()
            .enumerate()
        {
            ws.write_string(2, 1 + c as u16, *h).unwrap();
        }
        let date_fmt = Format::new().set_num_format("dd/mm/yyyy");
        let dt_fmt = Format::new().set_num_format("dd/mm/yyyy hh:mm");
        ws.write_number(3, 1, 1).unwrap();
        ws.write_string(3, 2, "Nguyễn Văn A").unwrap();
        ws.write_number(3, 3, 1_500_000).unwrap();
        ws.write_datetime_with_format(
            3,
            4,
            ExcelDateTime::from_ymd(2026, 6, 10).unwrap(),
            &date_fmt,
        )
        .unwrap();
        ws.write_boolean(3, 5, true).unwrap();
        ws.write_string(3, 6, "dòng 1\ndòng 2").unwrap();
        ws.write_number(4, 1, 2).unwrap();
        ws.write_string(4, 2, "  Trần Thị B ").unwrap();
        ws.write_number(4, 3, 12.5).unwrap();
        let dt = ExcelDateTime::from_ymd(2026, 2, 28)
            .unwrap()
            .and_hms(8, 30, 0)
            .unwrap();
        ws.write_datetime_with_format(4, 4, dt, &dt_fmt).unwrap();
        wb.add_worksheet().set_name("Tổng hợp").unwrap();
        wb.save(path).unwrap();
    }

    #[test]
    fn xlsx_header_under_title_with_dates_and_numbers() {
        let dir = site();
        write_sample(&dir.path().join("data/ds.xlsx"));
        let t = load_table(
            dir.path(),
            Path::new("data/ds.xlsx"),
            &LoadOptions::new(FIELDS),
        )
        .unwrap();
        assert_eq!(t.source, Path::new("data/ds.xlsx"));
        let raw: Vec<&str> = t.headers.iter().map(|h| h.raw.as_str()).collect();
        assert_eq!(
            raw,
            ["STT", "Họ và tên", "Số tiền", "Ngày", "Có", "Ghi chú"]
        );
        assert_eq!(t.headers[0].column, 2, "column B as Excel shows it");
        assert_eq!(t.rows.len(), 2);
        let r = &t.rows[0];
        assert_eq!(r.row, 4, "row 4 as Excel shows it");
        assert_eq!(t.text(r, "amount"), "1500000");
        assert_eq!(t.text(r, "date"), "10/06/2026");
        assert_eq!(t.text(r, "flag"), "TRUE");
        assert_eq!(t.text(r, "stt"), "1");
        assert_eq!(t.text(r, "ghi chu"), "dòng 1\ndòng 2");
        let cell = t.get(r, "amount").unwrap();
        assert_eq!((cell.row, cell.column), (4, 4));
        assert_eq!(
            t.location(cell).to_string(),
            "data/ds.xlsx:4:4 (cột/trường \u{201c}amount\u{201d})"
        );
        let r = &t.rows[1];
        assert_eq!(t.text(r, "full_name"), "Trần Thị B");
        assert_eq!(t.text(r, "amount"), "12.5");
        assert_eq!(t.text(r, "date"), "28/02/2026 08:30");
        assert_eq!(t.text(r, "flag"), "");
    }

    #[test]
    fn named_sheet_and_wrong_sheet_name() {
        let dir = site();
        write_sample(&dir.path().join("data/ds.xlsx"));
        let opts = LoadOptions::new(FIELDS).sheet(Some("danh sach"));
        assert!(load_table(dir.path(), Path::new("data/ds.xlsx"), &opts).is_ok());
        let opts = LoadOptions::new(&[]).sheet(Some("Tổng hợp"));
        let t = load_table(dir.path(), Path::new("data/ds.xlsx"), &opts).unwrap();
        assert!(t.headers.is_empty());
        let opts = LoadOptions::new(FIELDS).sheet(Some("Danh sach 2025"));
        let err = load_table(dir.path(), Path::new("data/ds.xlsx"), &opts).unwrap_err();
        let m = &err[0].message;
        assert!(
            m.contains("Danh sach 2025")
                && m.contains("\u{201c}Danh sách\u{201d}, \u{201c}Tổng hợp\u{201d}"),
            "{m}"
        );
    }

    #[test]
    fn text_renamed_to_xlsx_is_a_clear_error() {
        let dir = site();
        std::fs::write(dir.path().join("data/ds.xlsx"), "Họ và tên,Số tiền\nA,1\n").unwrap();
        std::fs::write(dir.path().join("data/ds.xls"), "Họ và tên,Số tiền\nA,1\n").unwrap();
        std::fs::write(dir.path().join("data/ds.ods"), b"").unwrap();
        for f in ["data/ds.xlsx", "data/ds.xls", "data/ds.ods"] {
            let err = load_table(dir.path(), Path::new(f), &LoadOptions::new(FIELDS)).unwrap_err();
            assert!(
                err[0].message.contains("không phải bảng tính"),
                "{f}: {}",
                err[0].message
            );
            assert!(err[0].hint.as_deref().unwrap_or("").contains(".csv"));
        }
    }

    #[test]
    fn error_cells_and_legacy_fonts() {
        let dir = site();
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.write_string(0, 0, "Họ và tên").unwrap();
        ws.write_string(0, 1, "Số tiền").unwrap();
        ws.write_string(1, 0, "A").unwrap();
        ws.write_formula(
            1,
            1,
            rust_xlsxwriter::Formula::new("=NA()").set_result("#N/A"),
        )
        .unwrap();
        wb.save(dir.path().join("data/err.xlsx")).unwrap();
        let err = load_table(
            dir.path(),
            Path::new("data/err.xlsx"),
            &LoadOptions::new(FIELDS),
        )
        .unwrap_err();
        assert!(err[0].message.contains("#N/A"), "{}", err[0].message);
        assert_eq!(
            err[0].location,
            Some(Location::at("data/err.xlsx", 2, 2).with_field("amount"))
        );

        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.write_string(0, 0, "Hä vµ tªn").unwrap();
        ws.write_string(0, 1, "Sè tiÒn").unwrap();
        ws.write_string(1, 0, "NguyÔn V¨n A").unwrap();
        wb.save(dir.path().join("data/tcvn.xlsx")).unwrap();
        let err = load_table(
            dir.path(),
            Path::new("data/tcvn.xlsx"),
            &LoadOptions::default(),
        )
        .unwrap_err();
        assert!(err[0].message.contains("TCVN3"), "{}", err[0].message);
    }

    #[test]
    fn cell_text_table() {
        for (cell, want) in [
            (Data::Float(1_500_000.0), "1500000"),
            (Data::Float(12.5), "12.5"),
            (Data::Float(0.1), "0.1"),
            (Data::Float(-3.0), "-3"),
            (Data::Int(42), "42"),
            (Data::Bool(false), "FALSE"),
            (Data::Empty, ""),
            (Data::DateTimeIso("2026-06-10".into()), "10/06/2026"),
            (
                Data::DateTimeIso("2026-06-10T08:05:00".into()),
                "10/06/2026 08:05",
            ),
        ] {
            assert_eq!(cell_text(&cell).unwrap(), want, "{cell:?}");
        }
        assert_eq!(
            cell_text(&Data::Error(calamine::CellErrorType::Div0)).unwrap_err(),
            "#DIV/0!"
        );
    }
}
