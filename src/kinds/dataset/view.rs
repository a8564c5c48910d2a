//! View: the typed `page.record` of a generic table (`kinds/dataset.html`).

use serde::Serialize;

/// `page.record` of a generic approved table (`kinds/dataset.html`).
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct DatasetView {
    /// The declared columns, in the file's declared order.
    pub columns: Vec<ColumnView>,
    /// The rows shown on the page (at most `shown`), each a list of cell texts as people
    /// read them (`25/07/2025`, `12/2026`, `1.500.000 đ`, `có`), one per column.
    pub rows: Vec<Vec<String>>,
    /// Number of rows in the table.
    pub count: usize,
    /// Number of rows shown on the page: every row, or the first 1,000 of a longer table
    /// (the CSV and JSON always hold every row).
    pub shown: usize,
    /// Absolute URL of the CSV file.
    pub csv_url: String,
    /// Absolute URL of the JSON file.
    pub json_url: String,
    /// The table names people (a column declared `personal = true`): kept out of search
    /// engines and of the open-data catalogue.
    pub personal: bool,
}

/// One declared column, for the table's header and the stacked cards on phones.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ColumnView {
    /// The published title, `Khu dân cư`.
    pub title: String,
    /// What the column holds, `Tên khu dân cư được công nhận`.
    pub description: String,
    /// Its type in plain Vietnamese, `số nguyên`.
    pub type_label: String,
    /// Its unit, `hộ`, or empty.
    pub unit: String,
    /// `text`, `integer`, `number`, `date`, `month`, `boolean` or `money` (numbers are
    /// right-aligned).
    pub kind: String,
}
