//! XLSX/XLSM/XLS/ODS reading through calamine: cell text as Excel shows it, positions
//! as Excel numbers them.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use calamine::{Data, Ods, Range, Reader, Sheets, Xls, Xlsx, open_workbook};
use chrono::{NaiveDateTime, Timelike};

use super::encoding::{convert_legacy, convert_legacy_checked, detect_legacy_text};
use super::headers::build_table;
use super::limits::{
    MAX_CELL_CHARS, MAX_CELLS, MAX_COLUMNS, MAX_ROWS, MAX_ZIP_ENTRIES, MAX_ZIP_ENTRY_BYTES,
    MAX_ZIP_TOTAL_BYTES, TableBudget, TableLimit, size_text, table_limit_error,
};
use super::{Grid, LoadOptions, RawRow, Table};
use crate::diagnostics::{Diagnostic, Location, display_path};

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
    // XLSX and ODS are zip files: check what they inflate to before calamine does.
    if matches!(ext, "xlsx" | "xlsm" | "ods") {
        precheck_zip(path, source, ext == "ods").map_err(|d| vec![d])?;
    }
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
    let unreadable = |e: String| {
        vec![
            Diagnostic::error(format!(
                "không đọc được trang tính \u{201c}{name}\u{201d}: {e}"
            ))
            .at(Location::file(source))
            .hint(RESAVE_HINT),
        ]
    };
    let grid = match &mut book {
        // XLSX: cells as a stream, the table built sparsely, limits checked per cell.
        Sheets::Xlsx(xlsx) => xlsx_grid(xlsx, &name, source)?,
        _ => {
            let range = book
                .worksheet_range(&name)
                .map_err(|e| unreadable(e.to_string()))?;
            let (height, width) = range.get_size();
            if let Err(e) = check_dense(height, width) {
                return Err(vec![table_limit_error(source, Some(&name), e.0, e.1, e.2)]);
            }
            range_to_grid(&range)
        }
    };
    let mut grid = grid;
    let warning = convert_legacy_fonts(&mut grid, source)?;
    let mut table = build_table(source, grid, opts)?;
    table.warnings.extend(warning);
    Ok(table)
}

/// A dense `height` × `width` sheet (XLS, ODS) within the limits.
fn check_dense(height: usize, width: usize) -> Result<(), (TableLimit, usize, usize)> {
    TableBudget::position(height, width)?;
    if height.saturating_mul(width) > MAX_CELLS {
        return Err((TableLimit::Cells, height, width));
    }
    Ok(())
}

/// An XLSX worksheet read cell by cell: only non-empty cells are kept, each position and
/// text checked against the limits before it is stored, so a lone cell at XFD1048576 or
/// a huge cell is an error, not a 17 GB range.
fn xlsx_grid(
    xlsx: &mut Xlsx<BufReader<File>>,
    name: &str,
    source: &Path,
) -> Result<Grid, Vec<Diagnostic>> {
    let limit =
        |(what, row, column)| vec![table_limit_error(source, Some(name), what, row, column)];
    let unreadable = |e: calamine::XlsxError| {
        vec![
            Diagnostic::error(format!(
                "không đọc được trang tính \u{201c}{name}\u{201d}: {e}"
            ))
            .at(Location::file(source))
            .hint(RESAVE_HINT),
        ]
    };
    let mut reader = xlsx.worksheet_cells_reader(name).map_err(unreadable)?;
    // (row, column, text or shown error), 1-based.
    let mut cells: Vec<(usize, usize, Result<String, String>)> = Vec::new();
    while let Some(cell) = reader.next_cell().map_err(unreadable)? {
        let (r, c) = cell.get_position();
        let (row, column) = (r as usize + 1, c as usize + 1);
        let data = Data::from(cell.get_value().clone());
        let text = cell_text(&data);
        if matches!(&text, Ok(t) if t.is_empty()) {
            continue; // formatted but empty: not part of the table
        }
        TableBudget::position(row, column).map_err(limit)?;
        if let Ok(t) = &text {
            TableBudget::cell(t, row, column).map_err(limit)?;
        }
        if cells.len() >= MAX_CELLS {
            return Err(limit((TableLimit::Cells, row, column)));
        }
        cells.push((row, column, text));
    }
    drop(reader);
    // Stream order is row order in every file Excel writes; sort for the others.
    cells.sort_by_key(|&(r, c, _)| (r, c));
    let mut grid = Grid {
        rows: Vec::new(),
        cell_errors: Vec::new(),
        strict_width: false,
        fixed_header: false,
    };
    let mut budget = TableBudget::default();
    let mut cells = cells.into_iter().peekable();
    while let Some(&(row, _, _)) = cells.peek() {
        let mut out: Vec<String> = Vec::new();
        while let Some((_, column, text)) = cells.next_if(|(r, _, _)| *r == row) {
            if out.len() < column {
                out.resize(column, String::new());
            }
            out[column - 1] = match text {
                Ok(t) => t,
                Err(shown) => {
                    grid.cell_errors.push((row, column, shown));
                    String::new()
                }
            };
        }
        budget.row(row, out.len()).map_err(limit)?;
        grid.rows.push(RawRow { row, cells: out });
    }
    Ok(grid)
}

/// The error for a zip part that inflates past a limit.
fn zip_too_big(source: &Path, part: &str, max: u64) -> Diagnostic {
    Diagnostic::error(format!(
        "tệp bảng tính \u{201c}{}\u{201d} khi giải nén quá lớn: phần \u{201c}{part}\u{201d} vượt giới hạn {}",
        display_path(source),
        size_text(max)
    ))
    .at(Location::file(source))
    .hint(
        "tệp có thể bị hỏng hoặc chứa rất nhiều ô thừa: mở bằng Excel, xóa các dòng, cột và ô thừa \
         ngoài bảng (Ctrl+End cho biết ô cuối cùng Excel còn giữ), rồi lưu lại; nếu bảng thật sự \
         lớn như vậy, hãy tách thành nhiều tệp",
    )
}

/// Reads through a zip part, counting what it inflates to and keeping its first bytes.
struct Counted {
    bytes: u64,
    head: Vec<u8>,
}

/// Inflate at most `max + 1` bytes of `part`, counting them (the size a zip declares may
/// lie); keep the first 4 KB.
fn inflate_counted(part: &mut impl Read, max: u64) -> std::io::Result<Counted> {
    let mut limited = part.take(max + 1);
    let mut buf = [0u8; 64 * 1024];
    let mut out = Counted {
        bytes: 0,
        head: Vec::new(),
    };
    loop {
        let n = limited.read(&mut buf)?;
        if n == 0 {
            return Ok(out);
        }
        if out.head.len() < 4096 {
            let take = n.min(4096 - out.head.len());
            out.head.extend_from_slice(&buf[..take]);
        }
        out.bytes += n as u64;
    }
}

/// `uniqueCount="N"` in the start of a shared-strings part (calamine reserves that many
/// strings before reading one).
fn unique_count(head: &[u8]) -> Option<u64> {
    let key = b"uniqueCount=";
    let at = head.windows(key.len()).position(|w| w == key)? + key.len();
    let rest = head.get(at + 1..)?;
    let digits: Vec<u8> = rest
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .copied()
        .collect();
    if digits.is_empty() {
        return None;
    }
    // More digits than fit in u64 is "too many" as well.
    Some(
        std::str::from_utf8(&digits)
            .ok()
            .and_then(|d| d.parse().ok())
            .unwrap_or(u64::MAX),
    )
}

/// Check an XLSX/ODS zip before calamine opens it: number of parts, every part's
/// declared and actual inflated size, their total, the shared-strings count, and for ODS
/// the sheet dimensions and expanded text. A file that is not a zip at all is left to
/// calamine, whose error says it is not a spreadsheet.
fn precheck_zip(path: &Path, source: &Path, ods: bool) -> Result<(), Diagnostic> {
    let Ok(file) = File::open(path) else {
        return Ok(());
    };
    let Ok(mut zip) = zip::ZipArchive::new(BufReader::new(file)) else {
        return Ok(());
    };
    if zip.len() > MAX_ZIP_ENTRIES {
        return Err(Diagnostic::error(format!(
            "tệp bảng tính \u{201c}{}\u{201d} có quá nhiều phần bên trong ({} phần, giới hạn {})",
            display_path(source),
            zip.len(),
            MAX_ZIP_ENTRIES
        ))
        .at(Location::file(source))
        .hint(RESAVE_HINT));
    }
    let broken = |e: &dyn std::fmt::Display| {
        Diagnostic::error(format!("không mở được tệp bảng tính: tệp bị hỏng ({e})"))
            .at(Location::file(source))
            .hint(RESAVE_HINT)
    };
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).map_err(|e| broken(&e))?;
        let name = part.name().map(|n| n.into_owned()).unwrap_or_default();
        if part.is_dir() {
            continue;
        }
        if part.size() > MAX_ZIP_ENTRY_BYTES {
            return Err(zip_too_big(source, &name, MAX_ZIP_ENTRY_BYTES));
        }
        let counted = inflate_counted(&mut part, MAX_ZIP_ENTRY_BYTES).map_err(|e| broken(&e))?;
        if counted.bytes > MAX_ZIP_ENTRY_BYTES {
            return Err(zip_too_big(source, &name, MAX_ZIP_ENTRY_BYTES));
        }
        total += counted.bytes;
        if total > MAX_ZIP_TOTAL_BYTES {
            return Err(zip_too_big(source, &name, MAX_ZIP_TOTAL_BYTES));
        }
        if name.to_ascii_lowercase().ends_with("sharedstrings.xml")
            && let Some(n) = unique_count(&counted.head)
            // Every shared string takes at least 8 bytes of XML (`<si></si>`).
            && n > counted.bytes / 8
        {
            return Err(Diagnostic::error(format!(
                "tệp bảng tính \u{201c}{}\u{201d} bị hỏng: phần \u{201c}{name}\u{201d} khai báo {n} chuỗi chữ nhưng không chứa chừng ấy",
                display_path(source)
            ))
            .at(Location::file(source))
            .hint(RESAVE_HINT));
        }
    }
    if ods {
        match zip.by_name("content.xml") {
            Ok(part) => {
                ods_scan(BufReader::new(part.take(MAX_ZIP_ENTRY_BYTES)), source)?;
            }
            Err(_) => return Ok(()), // calamine reports the missing part
        }
    }
    Ok(())
}

/// Numeric attribute `key` of an ODS element (repeat counts), 1 when absent, capped so
/// arithmetic cannot overflow.
/// The name of a `table:table` element (for messages).
fn ods_sheet_name(e: &quick_xml_calamine::events::BytesStart) -> String {
    e.try_get_attribute("table:name")
        .ok()
        .flatten()
        .map(|a| a.value.into_owned())
        .unwrap_or_default()
}

fn ods_has_attribute(e: &quick_xml_calamine::events::BytesStart, key: &str) -> bool {
    e.try_get_attribute(key).ok().flatten().is_some()
}

fn ods_count(e: &quick_xml_calamine::events::BytesStart, key: &str) -> u64 {
    e.try_get_attribute(key)
        .ok()
        .flatten()
        .and_then(|a| a.value.trim().parse::<u64>().ok())
        .unwrap_or(1)
        .min(u32::MAX as u64)
}

/// Stream an ODS `content.xml` and check, for every sheet, what calamine will expand it
/// to: repeated rows × repeated columns of non-empty cells (calamine builds a dense
/// range), and the text of repeated cells and `<text:s text:c="N"/>` space runs.
fn ods_scan(input: impl BufRead, source: &Path) -> Result<(), Diagnostic> {
    use quick_xml_calamine::events::Event;
    let mut reader = quick_xml_calamine::Reader::from_reader(input);
    let mut buf = Vec::new();
    let mut sheet = String::new();
    // Per sheet: next row number (0-based), highest used row and column.
    let (mut next_row, mut max_row, mut max_col) = (0u64, 0u64, 0u64);
    // Per row: repeat count, next column (0-based), width up to the last non-empty cell.
    let (mut row_rep, mut col, mut width) = (1u64, 0u64, 0u64);
    // Per cell: repeat count and expanded text length; whole file: expanded text.
    let (mut cell_rep, mut cell_chars, mut in_cell) = (1u64, 0u64, false);
    let mut expanded: u64 = 0;
    let err = |limit: TableLimit, sheet: &str, row: u64, column: u64| {
        table_limit_error(
            source,
            Some(sheet),
            limit,
            usize::try_from(row).unwrap_or(usize::MAX),
            usize::try_from(column).unwrap_or(usize::MAX),
        )
    };
    loop {
        buf.clear();
        let event = match reader.read_event_into(&mut buf) {
            Ok(e) => e,
            Err(_) => return Ok(()), // malformed XML: calamine reports it
        };
        let is_start = matches!(event, Event::Start(_));
        let here = next_row.saturating_add(1);
        match event {
            Event::Eof => return Ok(()),
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == "table:table" => {
                sheet = ods_sheet_name(&e);
                (next_row, max_row, max_col) = (0, 0, 0);
            }
            // calamine builds each sheet as a dense range.
            Event::End(e)
                if e.name().as_ref() == "table:table"
                    && max_row.saturating_mul(max_col) > MAX_CELLS as u64 =>
            {
                return Err(err(TableLimit::Cells, &sheet, max_row, max_col));
            }
            Event::Start(e) if e.name().as_ref() == "table:table-row" => {
                row_rep = ods_count(&e, "table:number-rows-repeated");
                (col, width) = (0, 0);
            }
            Event::Empty(e) if e.name().as_ref() == "table:table-row" => {
                next_row = next_row.saturating_add(ods_count(&e, "table:number-rows-repeated"));
            }
            Event::End(e) if e.name().as_ref() == "table:table-row" => {
                if width > 0 {
                    let last = next_row.saturating_add(row_rep);
                    if last > MAX_ROWS as u64 {
                        return Err(err(TableLimit::Rows, &sheet, last, width));
                    }
                    max_row = max_row.max(last);
                    max_col = max_col.max(width);
                }
                next_row = next_row.saturating_add(row_rep);
            }
            Event::Start(e) | Event::Empty(e)
                if matches!(
                    e.name().as_ref(),
                    "table:table-cell" | "table:covered-table-cell"
                ) =>
            {
                cell_rep = ods_count(&e, "table:number-columns-repeated");
                let has_value = ods_has_attribute(&e, "office:value-type");
                col = col.saturating_add(cell_rep);
                if has_value {
                    width = col;
                    if width > MAX_COLUMNS as u64 {
                        return Err(err(
                            TableLimit::Columns,
                            &sheet,
                            here,
                            width.min(u32::MAX as u64),
                        ));
                    }
                }
                // A cell element with content ends at its End event.
                in_cell = is_start;
                cell_chars = 0;
            }
            Event::End(e)
                if matches!(
                    e.name().as_ref(),
                    "table:table-cell" | "table:covered-table-cell"
                ) =>
            {
                if in_cell && cell_chars > 0 {
                    if cell_chars > MAX_CELL_CHARS as u64 {
                        return Err(err(TableLimit::CellChars, &sheet, here, col));
                    }
                    let copies = cell_rep.saturating_mul(row_rep);
                    expanded = expanded.saturating_add(cell_chars.saturating_mul(copies));
                    if expanded > MAX_ZIP_TOTAL_BYTES {
                        return Err(err(TableLimit::Cells, &sheet, here, col));
                    }
                }
                in_cell = false;
            }
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == "text:s" => {
                cell_chars = cell_chars.saturating_add(ods_count(&e, "text:c"));
                if cell_chars > MAX_CELL_CHARS as u64 {
                    return Err(err(TableLimit::CellChars, &sheet, here, col));
                }
            }
            Event::Text(t) => {
                cell_chars = cell_chars.saturating_add(t.len() as u64);
            }
            _ => {}
        }
    }
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
/// only look Vietnamese in those fonts: every cell is converted (with a warning), or the
/// sheet refused when the conversion is doubtful, rather than publish "Hµ Néi".
fn convert_legacy_fonts(
    grid: &mut Grid,
    source: &Path,
) -> Result<Option<Diagnostic>, Vec<Diagnostic>> {
    let mut text = String::new();
    for r in &grid.rows {
        for c in &r.cells {
            text.push_str(c);
            text.push('\n');
        }
    }
    let Some(kind) = detect_legacy_text(&text) else {
        return Ok(None);
    };
    let (_, warning) = convert_legacy_checked(&text, kind, source).map_err(|d| vec![d])?;
    for r in &mut grid.rows {
        for c in &mut r.cells {
            if !c.is_ascii() {
                *c = convert_legacy(c, kind);
            }
        }
    }
    Ok(Some(warning))
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
        let t = load_table(
            dir.path(),
            Path::new("data/tcvn.xlsx"),
            &LoadOptions::new(FIELDS),
        )
        .unwrap();
        assert_eq!(t.text(&t.rows[0], "full_name"), "Nguyễn Văn A");
        assert!(t.warnings[0].message.contains("TCVN3"), "{:?}", t.warnings);
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
