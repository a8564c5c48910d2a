//! The shared table loader: CSV, XLSX/XLS/ODS, JSON and TOML files from `data/`.
//!
//! Staff export tables from Excel with Vietnamese headers, odd encodings and a title
//! above the header row. This module turns any of those into a [`Table`] whose every
//! cell remembers its file, row and column, so that later validation can point at the
//! exact cell. All text is normalised to NFC here, once, on input.

// The public API returns `Result<_, Diagnostic>` as agreed with the other modules;
// `Diagnostic` (136 bytes) belongs to `diagnostics.rs`, and errors here are rare and
// user-facing, so their size does not matter.
#![allow(clippy::result_large_err)]

use std::path::PathBuf;

use crate::diagnostics::{Diagnostic, Location};
use crate::text::fold_words;

mod csv;
mod encoding;
mod headers;
pub mod limits;
mod load;
mod paths;
mod spreadsheet;
pub mod totals;
pub mod units;
pub mod values;

pub use csv::{describe_csv, load_csv_bytes};
pub use encoding::{Legacy, decode_text, detect_legacy_bytes, detect_legacy_text};
pub use headers::{closest_spellings, column_letter, field_matches, unknown_column};
pub use load::{load_table, load_value};
pub use paths::{resolved_under, safe_join};
pub use values::{
    Locate, Month, Period, parse_bool_vi, parse_date, parse_decimal, parse_int, parse_month,
    parse_period, parse_time, parse_vnd,
};

/// One field a record kind expects in a table, with the header spellings it accepts.
/// Matching is case- and diacritic-insensitive ("Họ và tên" = "ho va ten").
#[derive(Debug, Clone, Copy)]
pub struct FieldSpec {
    /// Canonical name used in code and in published CSV/JSON (`full_name`).
    pub name: &'static str,
    /// Accepted header spellings besides `name` itself (`"họ và tên"`, `"họ tên"`).
    pub aliases: &'static [&'static str],
    pub required: bool,
}

impl FieldSpec {
    pub const fn required(name: &'static str, aliases: &'static [&'static str]) -> Self {
        FieldSpec {
            name,
            aliases,
            required: true,
        }
    }
    pub const fn optional(name: &'static str, aliases: &'static [&'static str]) -> Self {
        FieldSpec {
            name,
            aliases,
            required: false,
        }
    }
}

/// A header cell of a loaded table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// As written in the file (NFC, trimmed).
    pub raw: String,
    /// The canonical field it maps to, if any.
    pub field: Option<&'static str>,
    /// 1-based column.
    pub column: usize,
    /// The unit written in the header's parentheses ("(nghìn đồng)"), when recognised.
    /// Cells were already converted to the field's own unit (đồng, ha).
    pub unit: Option<units::Unit>,
}

/// One cell's text with its position in the source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub value: String,
    /// 1-based row as a spreadsheet program shows it (header row included).
    pub row: usize,
    /// 1-based column.
    pub column: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// 1-based row number in the source.
    pub row: usize,
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone)]
pub struct Table {
    /// Path relative to the site root, for messages (`data/ho-ngheo.csv`).
    pub source: PathBuf,
    pub headers: Vec<Header>,
    pub rows: Vec<Row>,
    /// Non-fatal problems found while loading (e.g. converted from Windows-1258).
    pub warnings: Vec<Diagnostic>,
    /// Totals and subtotals rows ("Tổng cộng", "Cộng tổ 3") found, checked and left out
    /// of `rows`.
    pub totals: Vec<totals::TotalRow>,
    /// 1-based row of the header (0 when there is none, or for JSON/TOML keys).
    pub header_row: usize,
}

impl FieldSpec {
    /// All spellings accepted for this field, canonical name first.
    pub fn spellings(&self) -> impl Iterator<Item = &'static str> {
        std::iter::once(self.name).chain(self.aliases.iter().copied())
    }
}

/// What [`load_table`] should expect of a table.
#[derive(Debug, Clone, Copy)]
pub struct LoadOptions<'a> {
    /// Fields the record kind knows; used to find the header row and map headers.
    pub fields: &'a [FieldSpec],
    /// Worksheet to read in XLSX/XLS/ODS files; the first sheet when `None`.
    pub sheet: Option<&'a str>,
    /// Headers (compared with [`fold_words`]) whose columns hold personal data that must
    /// not be published: dropped at load, never stored in the [`Table`].
    pub private_columns: &'a [String],
    /// Headers mapped to fields by the record's front matter (`[record.columns]`).
    pub columns: &'a [ColumnMap],
    /// The CSV delimiter given in front matter; sniffed when `None`.
    pub delimiter: Option<u8>,
    /// For `check --explain`: a table with problems is still returned, its errors in
    /// [`Table::warnings`].
    pub keep_on_error: bool,
}

/// One `[record.columns]` entry: the column headed `header` holds `field`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnMap {
    pub field: String,
    pub header: String,
    /// The entry was given for this table alone: a field the table does not have is an
    /// error even when the header is not in the file (an entry for all of a record's
    /// tables only applies to the tables that have its field).
    pub strict: bool,
}

impl<'a> LoadOptions<'a> {
    /// Options with the given fields, first sheet, no private columns.
    pub const fn new(fields: &'a [FieldSpec]) -> Self {
        LoadOptions {
            fields,
            sheet: None,
            private_columns: &[],
            columns: &[],
            delimiter: None,
            keep_on_error: false,
        }
    }

    pub const fn sheet(mut self, sheet: Option<&'a str>) -> Self {
        self.sheet = sheet;
        self
    }

    pub const fn private_columns(mut self, cols: &'a [String]) -> Self {
        self.private_columns = cols;
        self
    }

    pub const fn columns(mut self, columns: &'a [ColumnMap]) -> Self {
        self.columns = columns;
        self
    }

    pub const fn delimiter(mut self, delimiter: Option<u8>) -> Self {
        self.delimiter = delimiter;
        self
    }
}

impl Default for LoadOptions<'_> {
    fn default() -> Self {
        LoadOptions::new(&[])
    }
}

impl Table {
    /// Index (into `headers` and each row's `cells`) of the column for `field`: the
    /// header mapped to that canonical field, else a header whose text matches `field`
    /// ignoring case, diacritics and punctuation.
    pub fn column(&self, field: &str) -> Option<usize> {
        if let Some(i) = self.headers.iter().position(|h| h.field == Some(field)) {
            return Some(i);
        }
        let want = fold_words(field);
        if want.is_empty() {
            return None;
        }
        self.headers.iter().position(|h| {
            fold_words(&h.raw) == want || h.field.is_some_and(|f| fold_words(f) == want)
        })
    }

    /// The cell of `row` in the column for `field`.
    pub fn get<'a>(&'a self, row: &'a Row, field: &str) -> Option<&'a Cell> {
        self.column(field).and_then(|i| row.cells.get(i))
    }

    /// The text of `row` in the column for `field`; `""` when there is no such column.
    pub fn text<'a>(&'a self, row: &'a Row, field: &str) -> &'a str {
        self.get(row, field).map_or("", |c| c.value.as_str())
    }

    /// The unit written in the header of the column for `field` ("(đồng/tháng)").
    pub fn unit(&self, field: &str) -> Option<units::Unit> {
        self.column(field).and_then(|i| self.headers[i].unit)
    }

    /// Headers that did not map to any known field (for "unknown column" warnings).
    pub fn unknown_headers(&self) -> impl Iterator<Item = &Header> {
        self.headers.iter().filter(|h| h.field.is_none())
    }

    /// The header of the column a cell is in.
    pub fn header_of(&self, cell: &Cell) -> Option<&Header> {
        self.headers.iter().find(|h| h.column == cell.column)
    }

    /// File, row, column and field name of a cell, for diagnostics.
    pub fn location(&self, cell: &Cell) -> Location {
        let loc = Location::at(&self.source, cell.row, cell.column);
        match self.header_of(cell) {
            Some(h) => loc.with_field(h.field.map_or_else(|| h.raw.clone(), str::to_string)),
            None => loc,
        }
    }

    /// Number of data rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

/// A sheet or CSV file as read, before the header row is chosen: every row (blank ones
/// included, so numbering matches the spreadsheet), cells from column 1.
#[derive(Debug, Default)]
pub(crate) struct Grid {
    pub rows: Vec<RawRow>,
    /// Cells that hold a spreadsheet error (`#N/A`): (row, column, shown text).
    pub cell_errors: Vec<(usize, usize, String)>,
    /// Rows must have as many cells as the header row (CSV); spreadsheets are
    /// rectangular anyway.
    pub strict_width: bool,
    /// The first row is the header (JSON/TOML keys); no detection.
    pub fixed_header: bool,
}

#[derive(Debug)]
pub(crate) struct RawRow {
    /// 1-based row as a spreadsheet program shows it.
    pub row: usize,
    pub cells: Vec<String>,
}
