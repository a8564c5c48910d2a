//! Resource limits for data files: one place that decides how big a table may be.
//!
//! Every reader (CSV/TSV, XLSX/XLSM, XLS, ODS, JSON, TOML, `load_data`) goes through
//! these checks *while* it reads, before it allocates for what it read, so a small
//! hostile file (a 2 KB XLSX claiming a cell at XFD1048576, a 390 KB XLSX that
//! inflates to 400 MB, a CSV header with a million columns) ends in a clear error
//! naming the file instead of eating the machine. The numbers are far above any real
//! ward table (a few thousand rows, under 30 columns) and are documented in
//! `docs/security.md` ("Resource limits and messages").

use std::io::Read;
use std::path::Path;

use crate::diagnostics::{Diagnostic, Location, display_path};

use super::headers::column_letter;

const MIB: u64 = 1024 * 1024;

/// Largest data file read as text (CSV, TSV, JSON, TOML, any `load_data` file), and
/// largest spreadsheet file on disk.
pub const MAX_FILE_BYTES: u64 = 64 * MIB;
/// Largest Markdown file in `content/` (front matter included).
pub const MAX_CONTENT_BYTES: u64 = 10 * MIB;
/// Rows of one table (header and title rows included): 200,000.
pub const MAX_ROWS: usize = 200_000;
/// Columns of one table: 256 (the old .xls limit; ward lists use fewer than 30).
pub const MAX_COLUMNS: usize = 256;
/// Characters in one cell: Excel's own limit.
pub const MAX_CELL_CHARS: usize = 32_767;
/// Cells of one table counted as a spreadsheet shows them (a row is as wide as its
/// last non-empty cell): bounds the memory of every loaded table.
pub const MAX_CELLS: usize = 5_000_000;
/// Uncompressed size of one part of an XLSX/ODS file (a sheet, the shared strings).
pub const MAX_ZIP_ENTRY_BYTES: u64 = 100 * MIB;
/// Uncompressed size of all parts of an XLSX/ODS file together.
pub const MAX_ZIP_TOTAL_BYTES: u64 = 200 * MIB;
/// Parts (files inside the zip) of an XLSX/ODS file.
pub const MAX_ZIP_ENTRIES: usize = 10_000;

/// `1234567` → `1.234.567` for messages.
pub(crate) fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(ch);
    }
    out
}

/// A size in bytes as staff read it: `64 MB`, `1,5 KB`.
pub(crate) fn size_text(bytes: u64) -> String {
    if bytes >= MIB {
        format!("{} MB", group(bytes.div_ceil(MIB)))
    } else if bytes >= 1024 {
        format!("{} KB", group(bytes.div_ceil(1024)))
    } else {
        format!("{} byte", group(bytes))
    }
}

/// The error for a file larger than `max` bytes (`actual` when known exactly).
pub(crate) fn file_too_big(source: &Path, max: u64, what: &str) -> Diagnostic {
    Diagnostic::error(format!(
        "tệp \u{201c}{}\u{201d} quá lớn: giới hạn cho {what} là {}",
        display_path(source),
        size_text(max)
    ))
    .at(Location::file(source))
    .hint(
        "tách tệp thành nhiều tệp nhỏ hơn, hoặc xóa phần thừa (ảnh, trang tính không dùng, \
         các dòng trống ở cuối) rồi lưu lại",
    )
}

/// Read at most `max` bytes of `full`; a longer file (or one that grows while being
/// read, or a device that never ends) is an error naming `source`. Never reads more
/// than `max + 1` bytes.
pub(crate) fn read_bounded(
    full: &Path,
    source: &Path,
    max: u64,
    what: &str,
) -> std::io::Result<Result<Vec<u8>, Diagnostic>> {
    let file = std::fs::File::open(full)?;
    let declared = file.metadata().map(|m| m.len()).unwrap_or(0);
    if declared > max {
        return Ok(Err(file_too_big(source, max, what)));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(declared).unwrap_or(0));
    file.take(max + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Ok(Err(file_too_big(source, max, what)));
    }
    Ok(Ok(bytes))
}

/// Which limit a table broke, for [`table_limit_error`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TableLimit {
    Rows,
    Columns,
    CellChars,
    Cells,
}

/// The error for a table that breaks a limit at (1-based) `row`, `column`. `sheet` is
/// the worksheet name for spreadsheets.
pub(crate) fn table_limit_error(
    source: &Path,
    sheet: Option<&str>,
    limit: TableLimit,
    row: usize,
    column: usize,
) -> Diagnostic {
    let cell = format!("{}{row}", column_letter(column));
    let place = match sheet {
        Some(s) => format!("trang tính \u{201c}{s}\u{201d}, ô {cell}"),
        None => format!("dòng {row}, cột {column}"),
    };
    let (message, hint) = match limit {
        TableLimit::Rows => (
            format!(
                "bảng có quá nhiều dòng ({place}): giới hạn là {} dòng",
                group(MAX_ROWS as u64)
            ),
            if sheet.is_some() {
                format!(
                    "xóa các dòng thừa bên dưới bảng (từ dòng {row} trở xuống, kể cả dòng trông như trống) rồi lưu lại; \
                     nếu danh sách thật sự dài như vậy, hãy tách thành nhiều tệp"
                )
            } else {
                "xóa các dòng thừa ở cuối tệp; nếu danh sách thật sự dài như vậy, hãy tách thành nhiều tệp".to_string()
            },
        ),
        TableLimit::Columns => (
            format!(
                "bảng có quá nhiều cột ({place}): giới hạn là {} cột",
                group(MAX_COLUMNS as u64)
            ),
            if sheet.is_some() {
                format!(
                    "xóa các ô thừa ngoài bảng ở ô {cell} (và các cột bên phải bảng) rồi lưu lại"
                )
            } else {
                "kiểm tra dấu phân cách: mỗi dòng chỉ gồm các cột của bảng; xóa các cột thừa bên phải rồi lưu lại"
                    .to_string()
            },
        ),
        TableLimit::CellChars => (
            format!(
                "ô quá dài ({place}): giới hạn là {} ký tự mỗi ô",
                group(MAX_CELL_CHARS as u64)
            ),
            if sheet.is_some() {
                format!("rút gọn nội dung ô {cell}, hoặc đưa văn bản dài vào trang nội dung")
            } else {
                "rút gọn nội dung ô này; nếu ô chứa cả phần còn lại của tệp, có thể thiếu một dấu ngoặc kép đóng"
                    .to_string()
            },
        ),
        TableLimit::Cells => (
            format!(
                "bảng có quá nhiều ô ({place}): giới hạn là {} ô (số dòng × số cột)",
                group(MAX_CELLS as u64)
            ),
            "xóa các dòng và cột thừa ngoài bảng rồi lưu lại; nếu danh sách thật sự lớn như vậy, hãy tách thành nhiều tệp"
                .to_string(),
        ),
    };
    let loc = if sheet.is_some() {
        Location::at(source, row, column)
    } else {
        match limit {
            TableLimit::Rows => Location::line(source, row),
            _ => Location::at(source, row, column),
        }
    };
    Diagnostic::error(message).at(loc).hint(hint)
}

/// Running check of one table as it is read: call [`TableBudget::row`] for every row
/// (with its width as a spreadsheet shows it) and [`TableBudget::cell`] for every cell
/// text. Pure bookkeeping; no allocation.
#[derive(Debug, Default)]
pub(crate) struct TableBudget {
    rows: usize,
    cells: usize,
}

impl TableBudget {
    /// A row numbered `row` (1-based) that is `width` cells wide.
    pub fn row(&mut self, row: usize, width: usize) -> Result<(), (TableLimit, usize, usize)> {
        self.rows += 1;
        if row > MAX_ROWS || self.rows > MAX_ROWS {
            return Err((TableLimit::Rows, row, 1));
        }
        if width > MAX_COLUMNS {
            return Err((TableLimit::Columns, row, MAX_COLUMNS + 1));
        }
        self.cells = self.cells.saturating_add(width);
        if self.cells > MAX_CELLS {
            return Err((TableLimit::Cells, row, width.max(1)));
        }
        Ok(())
    }

    /// A cell position (1-based), checked before anything is allocated for it.
    pub fn position(row: usize, column: usize) -> Result<(), (TableLimit, usize, usize)> {
        if row > MAX_ROWS {
            return Err((TableLimit::Rows, row, column));
        }
        if column > MAX_COLUMNS {
            return Err((TableLimit::Columns, row, column));
        }
        Ok(())
    }

    /// A cell's text.
    pub fn cell(text: &str, row: usize, column: usize) -> Result<(), (TableLimit, usize, usize)> {
        // Bytes bound characters from above: count characters only for long cells.
        if text.len() > MAX_CELL_CHARS && text.chars().count() > MAX_CELL_CHARS {
            return Err((TableLimit::CellChars, row, column));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_and_size_text() {
        for (n, want) in [
            (0, "0"),
            (999, "999"),
            (1000, "1.000"),
            (200_000, "200.000"),
            (5_000_000, "5.000.000"),
        ] {
            assert_eq!(group(n), want);
        }
        assert_eq!(size_text(64 * MIB), "64 MB");
        assert_eq!(size_text(1536), "2 KB");
        assert_eq!(size_text(10), "10 byte");
    }

    #[test]
    fn budget_table() {
        type Step = (usize, usize);
        let cases: &[(&[Step], Option<TableLimit>)] = &[
            (&[(1, 3), (2, 3)], None),
            (&[(1, MAX_COLUMNS)], None),
            (&[(1, MAX_COLUMNS + 1)], Some(TableLimit::Columns)),
            (&[(MAX_ROWS, 1)], None),
            (&[(MAX_ROWS + 1, 1)], Some(TableLimit::Rows)),
            (&[(1, 0), (1_048_576, 0)], Some(TableLimit::Rows)),
        ];
        for (steps, want) in cases {
            let mut b = TableBudget::default();
            let got = steps
                .iter()
                .map(|&(r, w)| b.row(r, w))
                .find_map(Result::err)
                .map(|e| e.0);
            assert_eq!(got, *want, "{steps:?}");
        }
        let mut b = TableBudget::default();
        let mut failed = None;
        for r in 1..=MAX_ROWS {
            if let Err(e) = b.row(r, 30) {
                failed = Some(e);
                break;
            }
        }
        assert_eq!(failed.map(|e| e.0), Some(TableLimit::Cells));
    }

    #[test]
    fn position_and_cell_table() {
        assert!(TableBudget::position(1, 1).is_ok());
        assert_eq!(
            TableBudget::position(1_048_576, 16_384).unwrap_err().0,
            TableLimit::Rows
        );
        assert_eq!(
            TableBudget::position(1, 16_384).unwrap_err().0,
            TableLimit::Columns
        );
        assert!(TableBudget::cell(&"á".repeat(MAX_CELL_CHARS), 1, 1).is_ok());
        assert_eq!(
            TableBudget::cell(&"a".repeat(MAX_CELL_CHARS + 1), 1, 1)
                .unwrap_err()
                .0,
            TableLimit::CellChars
        );
    }

    #[test]
    fn messages_name_sheet_cell_and_limit() {
        let d = table_limit_error(
            Path::new("data/ds.xlsx"),
            Some("Sheet1"),
            TableLimit::Rows,
            1_048_576,
            16_384,
        );
        let s = d.to_string();
        assert!(s.contains("data/ds.xlsx:1048576:16384"), "{s}");
        assert!(s.contains("\u{201c}Sheet1\u{201d}, ô XFD1048576"), "{s}");
        assert!(s.contains("200.000 dòng"), "{s}");
        let d = table_limit_error(
            Path::new("data/ds.xlsx"),
            Some("Sheet1"),
            TableLimit::Columns,
            1,
            16_384,
        );
        assert!(
            d.hint.as_deref().unwrap_or("").contains("ô XFD1"),
            "{:?}",
            d.hint
        );
    }

    #[test]
    fn read_bounded_stops_at_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.csv");
        std::fs::write(&p, vec![b'a'; 100]).unwrap();
        let src = Path::new("data/a.csv");
        assert_eq!(read_bounded(&p, src, 100, "x").unwrap().unwrap().len(), 100);
        let e = read_bounded(&p, src, 99, "tệp CSV").unwrap().unwrap_err();
        assert!(e.message.contains("data/a.csv") && e.message.contains("99 byte"));
        // A device that never ends is cut at the limit.
        if Path::new("/dev/zero").exists() {
            let e = read_bounded(Path::new("/dev/zero"), src, 1000, "x")
                .unwrap()
                .unwrap_err();
            assert!(e.message.contains("quá lớn"));
        }
    }
}
