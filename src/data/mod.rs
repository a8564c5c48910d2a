//! The shared table loader: CSV, XLSX/XLS/ODS, JSON and TOML files from `data/`.
//!
//! Staff export tables from Excel with Vietnamese headers, odd encodings and a title
//! above the header row. This module turns any of those into a [`Table`] whose every
//! cell remembers its file, row and column, so that later validation can point at the
//! exact cell. All text is normalised to NFC here, once, on input.

use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Location};

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
        FieldSpec { name, aliases, required: true }
    }
    pub const fn optional(name: &'static str, aliases: &'static [&'static str]) -> Self {
        FieldSpec { name, aliases, required: false }
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
}
