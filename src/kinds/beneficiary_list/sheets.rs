//! The A4 sheets of a print view. Chromium's print-to-PDF has no reliable page counter
//! in page margins, so the print view paginates itself: the rows are cut into sheets
//! (`<section class="sheet">`, one printed page each, `break-after: page`), and every
//! sheet carries its own head ("Trang k/n"), column headings, QR code and SHA-256.
//!
//! How many rows fit is estimated from the text: each column gets a share of the line
//! by its longest value, a cell longer than its share wraps, and a sheet holds rows
//! until their estimated height reaches [`SHEET_BUDGET`]. The figures are for the
//! theme's print stylesheet (9 pt rows, 10 mm margins) and leave room for wider fonts;
//! the browser suite prints the demo's list and checks that no sheet spills over.
//!
//! Columns that hold one value for every row (the support, its dates) are printed once
//! above the table ([`Layout::shared`]), and columns that are empty everywhere are left
//! out: a 300-row list then prints on 7 sheets instead of 32 pages.

use serde::Serialize;

use super::entries::Entry;
use super::rows::rows_html;
use super::view::ColumnView;
use crate::format;
use crate::privacy::NameDisplay;

/// Height available to rows on a sheet, in tenths of a millimetre: 277 mm inside the
/// margins, less the running head, the draft mark of a preview, the column headings and
/// the foot with its QR code (231 mm), less some to spare. Measured in Chromium's PDF
/// of the demo list: a one-line row is 5.2 mm.
pub const SHEET_BUDGET: u32 = 2150;
/// The first sheet's official head: national motto, issuing body, number and date,
/// title, the decision it goes with, programme, posting period.
pub const FIRST_SHEET_HEAD: u32 = 700;
/// A row's padding and border, and one line of its text.
const ROW_BASE: u32 = 14;
const LINE: u32 = 38;
/// The last part: totals tables (their caption, head and foot), the signature block
/// and the closing note; plus one row of a totals table.
const TAIL_BASE: u32 = 750;
const TAIL_ROW: u32 = 55;
/// Characters on one printed line, all columns together (190 mm at 9 pt, less padding).
const LINE_CHARS: u32 = 96;
/// Columns that may be printed once above the table when every row has the same value.
const SHAREABLE: &[&str] = &[
    "support",
    "from",
    "to",
    "from_month",
    "to_month",
    "category",
];

/// One value printed once above the table ("Nội dung hỗ trợ: …").
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SharedValue {
    /// The column's heading.
    pub heading: &'static str,
    /// Its value, the same in every row.
    pub value: String,
}

/// One printed A4 page of a print view.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SheetView {
    /// Page number, from 1 (integer).
    pub number: usize,
    /// This sheet's `<tr>` rows; insert unescaped. "" on a sheet without rows.
    pub rows_html: String,
    /// STT of the sheet's first row (integer); absent without rows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_no: Option<u64>,
    /// STT of the sheet's last row (integer); absent without rows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_no: Option<u64>,
    /// The sheet carries the totals and the signature block (the last sheet).
    pub tail: bool,
}

/// A column of the printed table.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PrintColumn {
    /// Field name (`full_name`, `amount_vnd`…).
    pub field: &'static str,
    /// Heading shown (`Họ và tên`).
    pub heading: &'static str,
    /// Width in percent of the table (integer; the columns add up to 100).
    pub width: u32,
}

/// `page.record.print` of a print view: the printed columns and the A4 sheets.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Layout {
    /// Columns printed in the table, in order.
    pub columns: Vec<PrintColumn>,
    /// Columns printed once above the table (every row has the same value).
    pub shared: Vec<SharedValue>,
    /// The sheets, one per printed page.
    pub sheets: Vec<SheetView>,
    /// Number of sheets (integer): the n of "Trang k/n".
    pub sheet_count: usize,
}

/// The text of one cell, as [`rows_html`] prints it (unescaped).
fn cell_text(e: &Entry, field: &str, names: NameDisplay) -> String {
    match field {
        "no" => e.no.to_string(),
        "full_name" => names.apply(&e.name),
        "group" => e.group.clone(),
        "category" => e.category.clone(),
        "support" => e.support.clone(),
        "amount_vnd" => e.amount.map(|a| format::vnd(a as i64)).unwrap_or_default(),
        "monthly_vnd" => e.monthly.map(|a| format::vnd(a as i64)).unwrap_or_default(),
        "months" => e.months.map(|m| m.to_string()).unwrap_or_default(),
        // A day as 10/06/2026, a month as 12/2026.
        "from" | "from_month" => e.from.map(|p| p.to_string()).unwrap_or_default(),
        "to" | "to_month" => e.to.map(|p| p.to_string()).unwrap_or_default(),
        _ => e.note.clone(),
    }
}

/// Lay `entries` out on A4 sheets. `tail_rows` is the number of rows of the totals
/// tables printed on the last sheet.
pub fn layout(
    entries: &[&Entry],
    fields: &[&'static str],
    names: NameDisplay,
    tail_rows: usize,
) -> Layout {
    // Which columns are printed, shared, or left out.
    let mut shown: Vec<&'static str> = Vec::new();
    let mut shared = Vec::new();
    for &f in fields {
        let first = entries.first().map(|e| cell_text(e, f, names));
        let same = entries.len() > 1
            && entries
                .iter()
                .all(|e| Some(cell_text(e, f, names)) == first);
        let empty =
            !entries.is_empty() && entries.iter().all(|e| cell_text(e, f, names).is_empty());
        if empty && !matches!(f, "no" | "full_name") {
            continue;
        }
        if same && SHAREABLE.contains(&f) {
            shared.push(SharedValue {
                heading: ColumnView::of(f).heading,
                value: first.unwrap_or_default(),
            });
            continue;
        }
        shown.push(f);
    }
    // Each column's share of the line: its longest value (heading words included),
    // between 3 and 40 characters.
    let want: Vec<u32> = shown
        .iter()
        .map(|f| {
            let longest = entries
                .iter()
                .map(|e| cell_text(e, f, names).chars().count())
                .max()
                .unwrap_or(0);
            let heading_word = ColumnView::of(f)
                .heading
                .split_whitespace()
                .map(|w| w.chars().count())
                .max()
                .unwrap_or(0);
            longest.max(heading_word).clamp(3, 40) as u32 + 1
        })
        .collect();
    let total: u32 = want.iter().sum::<u32>().max(1);
    let caps: Vec<u32> = if total <= LINE_CHARS {
        want.iter().map(|w| w * LINE_CHARS / total).collect()
    } else {
        want.iter()
            .map(|w| (w * LINE_CHARS / total).max(3))
            .collect()
    };
    let mut widths: Vec<u32> = want.iter().map(|w| w * 100 / total).collect();
    // Percentages that add up to 100: the rounding goes to the widest column.
    let rest = 100u32.saturating_sub(widths.iter().sum());
    if let Some(i) = (0..widths.len()).max_by_key(|&i| (widths[i], std::cmp::Reverse(i))) {
        widths[i] += rest;
    }
    let row_height = |e: &Entry| -> u32 {
        let lines = shown
            .iter()
            .zip(&caps)
            .map(|(f, cap)| {
                let n = cell_text(e, f, names).chars().count() as u32;
                n.div_ceil((*cap).max(1)).max(1)
            })
            .max()
            .unwrap_or(1);
        ROW_BASE + LINE * lines
    };
    // Fill the sheets.
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    let mut start = 0;
    let mut used = FIRST_SHEET_HEAD;
    for (i, e) in entries.iter().enumerate() {
        let h = row_height(e);
        if used + h > SHEET_BUDGET && i > start {
            cuts.push((start, i));
            start = i;
            used = 0;
        }
        used += h;
    }
    let tail = TAIL_BASE + TAIL_ROW * tail_rows as u32;
    let tail_fits = used + tail <= SHEET_BUDGET;
    if start < entries.len() || cuts.is_empty() {
        cuts.push((start, entries.len()));
    }
    if !tail_fits && start < entries.len() {
        // The totals and the signature go on a sheet of their own.
        cuts.push((entries.len(), entries.len()));
    }
    let n = cuts.len();
    let sheets: Vec<SheetView> = cuts
        .into_iter()
        .enumerate()
        .map(|(k, (a, b))| {
            let rows = &entries[a..b];
            SheetView {
                number: k + 1,
                rows_html: rows_html(rows.iter().copied(), &shown, names),
                first_no: rows.first().map(|e| e.no),
                last_no: rows.last().map(|e| e.no),
                tail: k + 1 == n,
            }
        })
        .collect();
    Layout {
        columns: shown
            .iter()
            .zip(widths)
            .map(|(f, width)| PrintColumn {
                field: f,
                heading: ColumnView::of(f).heading,
                width,
            })
            .collect(),
        shared,
        sheet_count: n,
        sheets,
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn entry(no: u64, name: &str, support: &str, note: &str) -> Entry {
        Entry {
            no,
            name: name.into(),
            group: format!("Tổ dân phố số {}", no % 3 + 1),
            category: "Hộ nghèo".into(),
            support: support.into(),
            amount: Some(1_500_000),
            monthly: None,
            months: None,
            from: NaiveDate::from_ymd_opt(2026, 7, 1).map(crate::data::Period::Day),
            to: NaiveDate::from_ymd_opt(2026, 12, 31).map(crate::data::Period::Day),
            note: note.into(),
        }
    }

    const FIELDS: &[&str] = &[
        "no",
        "full_name",
        "group",
        "category",
        "support",
        "amount_vnd",
        "from",
        "to",
        "note",
    ];

    #[test]
    fn three_hundred_rows_fit_ten_sheets_numbered_in_order() {
        let entries: Vec<Entry> = (1..=300)
            .map(|i| {
                entry(
                    i,
                    "Nguyễn Thị Thanh Hương",
                    "Hỗ trợ thu nhập tháng 7–12/2026",
                    "",
                )
            })
            .collect();
        let refs: Vec<&Entry> = entries.iter().collect();
        let l = layout(&refs, FIELDS, NameDisplay::Full, 8);
        assert!(l.sheets.len() <= 10, "{} sheets", l.sheets.len());
        assert!(l.sheets.len() >= 2);
        // Every row once, in order, sheet numbers 1..n, only the last has the tail.
        let mut next = 1;
        for (k, s) in l.sheets.iter().enumerate() {
            assert_eq!(s.number, k + 1);
            assert_eq!(s.tail, k + 1 == l.sheets.len());
            if let (Some(a), Some(b)) = (s.first_no, s.last_no) {
                assert_eq!(a, next);
                next = b + 1;
                assert_eq!(s.rows_html.matches("<tr>").count() as u64, b - a + 1);
            }
        }
        assert_eq!(next, 301);
        // Same support, category and dates everywhere: printed once; empty notes left out.
        let shared: Vec<&str> = l.shared.iter().map(|s| s.heading).collect();
        assert_eq!(shared, ["Diện", "Nội dung hỗ trợ", "Từ ngày", "Đến ngày"]);
        let cols: Vec<&str> = l.columns.iter().map(|c| c.field).collect();
        assert_eq!(cols, ["no", "full_name", "group", "amount_vnd"]);
        assert_eq!(l.columns.iter().map(|c| c.width).sum::<u32>(), 100);
        assert_eq!(l.sheet_count, l.sheets.len());
    }

    #[test]
    fn long_cells_take_more_room_and_short_lists_print_on_one_sheet() {
        let short: Vec<Entry> = (1..=5).map(|i| entry(i, "Lê Văn A", "Gạo", "")).collect();
        let refs: Vec<&Entry> = short.iter().collect();
        let l = layout(&refs, FIELDS, NameDisplay::Full, 4);
        assert_eq!(l.sheets.len(), 1);
        assert!(l.sheets[0].tail);

        let long_note = "Hộ có hoàn cảnh đặc biệt khó khăn, đã xác minh lại tại nhà ngày 20/10/2026 theo đề nghị của tổ";
        let mixed: Vec<Entry> = (1..=300)
            .map(|i| {
                entry(
                    i,
                    "Lê Văn A",
                    &format!("Hỗ trợ {i}"),
                    if i % 2 == 0 { long_note } else { "" },
                )
            })
            .collect();
        let refs: Vec<&Entry> = mixed.iter().collect();
        let wrapped = layout(&refs, FIELDS, NameDisplay::Full, 4);
        let plain: Vec<Entry> = (1..=300)
            .map(|i| entry(i, "Lê Văn A", &format!("Hỗ trợ {i}"), ""))
            .collect();
        let refs: Vec<&Entry> = plain.iter().collect();
        let unwrapped = layout(&refs, FIELDS, NameDisplay::Full, 4);
        assert!(wrapped.sheets.len() > unwrapped.sheets.len());
    }

    #[test]
    fn no_rows_still_gives_one_sheet_with_the_tail() {
        let l = layout(&[], FIELDS, NameDisplay::Full, 10);
        assert_eq!(l.sheets.len(), 1);
        assert!(l.sheets[0].tail);
        assert_eq!(l.sheets[0].rows_html, "");
    }
}
