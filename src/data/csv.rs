//! CSV/TSV reading: encoding, delimiter detection, row numbering as Excel shows it.

use std::path::Path;

use super::encoding::{convert_legacy_checked, decode_text, detect_legacy_text};
use super::headers::build_table;
use super::limits::{MAX_FILE_BYTES, TableBudget, file_too_big, table_limit_error};
use super::{Grid, LoadOptions, RawRow, Table};
use crate::diagnostics::{Diagnostic, Location};

/// How many logical lines from the top are looked at to detect the delimiter.
const SNIFF_LINES: usize = 20;

/// Parse CSV bytes (any of the encodings [`decode_text`] accepts) into a [`Table`].
/// `source` is the path relative to the site root, used in messages. A conversion
/// warning (Windows-1258) goes to [`Table::warnings`].
pub fn load_csv_bytes(
    bytes: &[u8],
    source: &Path,
    opts: &LoadOptions,
) -> Result<Table, Vec<Diagnostic>> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(vec![file_too_big(source, MAX_FILE_BYTES, "một tệp CSV")]);
    }
    let (mut text, mut warning) = decode_text(bytes, source).map_err(|d| vec![d])?;
    // A TCVN3/VNI file saved as "CSV UTF-8" from Excel is valid UTF-8 full of "Hµ Néi":
    // converted like the bytes would be.
    if warning.is_none()
        && let Some(kind) = detect_legacy_text(&text)
    {
        let (converted, w) = convert_legacy_checked(&text, kind, source).map_err(|d| vec![d])?;
        text = converted;
        warning = Some(w);
    }
    let grid = read_grid(&text, source, opts.delimiter)?;
    let mut table = build_table(source, grid, opts)?;
    table.warnings.extend(warning);
    Ok(table)
}

/// What [`load_csv_bytes`] would read a CSV file with: the text encoding (or the legacy
/// conversion's warning) and the delimiter sniffed (or `given`).
pub fn describe_csv(bytes: &[u8], source: &Path, given: Option<u8>) -> (String, Option<u8>) {
    let bom = if bytes.starts_with(b"\xEF\xBB\xBF") {
        "UTF-8 (có BOM)"
    } else if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        "UTF-16"
    } else {
        "UTF-8"
    };
    match decode_text(bytes, source) {
        Ok((text, warning)) => {
            let encoding = match (warning, detect_legacy_text(&text)) {
                (Some(w), _) => w.message,
                (None, Some(kind)) => match convert_legacy_checked(&text, kind, source) {
                    Ok((_, w)) => w.message,
                    Err(e) => e.message,
                },
                (None, None) => bom.to_string(),
            };
            (
                encoding,
                Some(given.unwrap_or_else(|| sniff_delimiter(&text))),
            )
        }
        Err(e) => (e.message, None),
    }
}

/// The delimiters staff files use: Excel writes `;` in Vietnamese locales, `,`
/// elsewhere; tab from copy-paste; `|` from some exports. Ties prefer this order.
pub(crate) const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// The delimiter that splits the first lines most consistently: for each candidate the
/// field count of every non-blank line (quotes respected) among the first
/// [`SNIFF_LINES`]; the most common count above 1 and how many lines have it. The
/// candidate whose common count covers the most lines wins, then the one with more
/// columns. A `;` file whose cells hold unquoted commas ("Tổ 1, khu 2") splits into the
/// same number of fields on every line by `;` and not by `,`, so `;` wins.
pub(crate) fn sniff_delimiter(text: &str) -> u8 {
    let lines = sniff_lines(text);
    let mut best: (usize, usize, u8) = (0, 0, b',');
    for &d in &DELIMITERS {
        let counts: Vec<usize> = lines.iter().map(|l| field_count(l, d)).collect();
        let mut freq: std::collections::BTreeMap<usize, usize> = std::collections::BTreeMap::new();
        for &c in counts.iter().filter(|&&c| c > 1) {
            *freq.entry(c).or_default() += 1;
        }
        // The most common count; among equals the widest.
        let Some((&width, &lines_with)) = freq
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then_with(|| a.0.cmp(b.0)))
        else {
            continue;
        };
        if (lines_with, width) > (best.0, best.1) {
            best = (lines_with, width, d);
        }
    }
    best.2
}

/// The first [`SNIFF_LINES`] logical lines (a quoted cell may span physical lines),
/// blank ones skipped.
fn sniff_lines(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut in_quotes = false;
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        match b {
            b'"' => in_quotes = !in_quotes,
            b'\n' if !in_quotes => {
                let line = text[start..i].trim_end_matches('\r');
                if !line.trim().is_empty() {
                    out.push(line);
                }
                start = i + 1;
                if out.len() >= SNIFF_LINES {
                    return out;
                }
            }
            _ => {}
        }
    }
    let last = text[start..].trim_end_matches('\r');
    if !last.trim().is_empty() && out.len() < SNIFF_LINES {
        out.push(last);
    }
    out
}

/// Fields in one line split by `d`, quotes respected.
fn field_count(line: &str, d: u8) -> usize {
    let mut in_quotes = false;
    let mut n = 1;
    for b in line.bytes() {
        if b == b'"' {
            in_quotes = !in_quotes;
        } else if b == d && !in_quotes {
            n += 1;
        }
    }
    n
}

/// Read all records, keeping blank lines in the numbering: row = the line the record
/// starts on, minus the line breaks inside earlier quoted cells (Excel counts a
/// multi-line cell as one row).
pub(crate) fn read_grid(
    text: &str,
    source: &Path,
    delimiter: Option<u8>,
) -> Result<Grid, Vec<Diagnostic>> {
    let delimiter = delimiter.unwrap_or_else(|| sniff_delimiter(text));
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let bytes = text.as_bytes();
    let mut rows = Vec::new();
    let mut inner_breaks = 0usize;
    // Physical line counting: the csv crate's own line numbers lag behind blank lines.
    let (mut counted_to, mut newlines) = (0usize, 0usize);
    let mut record = csv::StringRecord::new();
    let mut budget = TableBudget::default();
    let limit = |(what, row, column)| vec![table_limit_error(source, None, what, row, column)];
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                // The record starts at the first byte that is not a line break.
                let mut start = record
                    .position()
                    .map_or(0, |p| p.byte() as usize)
                    .min(bytes.len());
                while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
                    start += 1;
                }
                if start >= counted_to {
                    newlines += bytes[counted_to..start]
                        .iter()
                        .filter(|&&b| b == b'\n')
                        .count();
                    counted_to = start;
                }
                let line = newlines + 1;
                let row = line.saturating_sub(inner_breaks).max(1);
                // Limits before the row's cells are copied out of the reader.
                budget.row(row, record.len()).map_err(limit)?;
                for (j, c) in record.iter().enumerate() {
                    TableBudget::cell(c, row, j + 1).map_err(limit)?;
                }
                let cells: Vec<String> = record.iter().map(str::to_string).collect();
                inner_breaks += cells.iter().map(|c| c.matches('\n').count()).sum::<usize>();
                rows.push(RawRow { row, cells });
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                let loc = if line > 0 {
                    Location::line(source, line)
                } else {
                    Location::file(source)
                };
                return Err(vec![
                    Diagnostic::error(format!("không đọc được tệp CSV: {e}"))
                        .at(loc)
                        .hint("mở tệp bằng Excel rồi lưu lại: Tệp → Lưu thành → CSV UTF-8"),
                ]);
            }
        }
    }
    Ok(Grid {
        rows,
        cell_errors: Vec::new(),
        strict_width: true,
        fixed_header: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::FieldSpec;
    use proptest::prelude::*;

    const FIELDS: &[FieldSpec] = &[
        FieldSpec::required("full_name", &["Họ và tên", "Họ tên"]),
        FieldSpec::required("amount", &["Số tiền"]),
        FieldSpec::optional("address", &["Địa chỉ"]),
    ];

    fn load(s: &[u8]) -> Result<Table, Vec<Diagnostic>> {
        load_csv_bytes(s, Path::new("data/ds.csv"), &LoadOptions::new(FIELDS))
    }

    #[test]
    fn delimiters() {
        for (text, want) in [
            ("a,b,c\n1,2,3\n", b','),
            ("a;b;c\n1;2;3\n", b';'),
            ("a\tb\tc\n1\t2\t3\n", b'\t'),
            ("\"x,y\";b;c\n", b';'),
            (
                "DANH SÁCH, NĂM 2026\nHọ và tên;Số tiền;Địa chỉ;Ghi chú\n",
                b';',
            ),
            ("one column\n", b','),
            ("", b','),
            // Unquoted commas inside `;` cells: `;` splits every line into 3.
            (
                "Họ và tên;Địa chỉ;Số tiền\nNguyễn Văn A;Tổ 1, khu 2, phường X;1.500.000\nB;Tổ 2;2,5\n",
                b';',
            ),
            (
                "DANH SÁCH, HỖ TRỢ, NĂM 2026, ĐỢT 1\nHọ và tên;Địa chỉ\nA, B;Tổ 1, khu 2\nC;D\n",
                b';',
            ),
            ("a|b|c\n1|2|3\n", b'|'),
            ("Họ tên\tGhi chú\nA\tx, y, z\n", b'\t'),
        ] {
            assert_eq!(sniff_delimiter(text) as char, want as char, "{text:?}");
        }
    }

    #[test]
    fn bom_semicolon_crlf_title_and_trailing_blank_rows() {
        let text = "\u{feff}DANH SÁCH HỘ NGHÈO NĂM 2026;;\r\n;;\r\nHọ và tên;Số tiền;Địa chỉ\r\n\
                    Nguyễn Văn A;1.500.000;\"Tổ 1; phường X\"\r\nTrần Thị B;2.000.000;Tổ 2\r\n;;\r\n\r\n";
        let t = load(text.as_bytes()).unwrap();
        assert_eq!(t.headers.len(), 3);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0].row, 4);
        assert_eq!(t.text(&t.rows[0], "address"), "Tổ 1; phường X");
        assert_eq!(t.rows[1].cells[1].value, "2.000.000");
        assert_eq!((t.rows[1].cells[1].row, t.rows[1].cells[1].column), (5, 2));
    }

    #[test]
    fn row_numbers_match_excel_with_blank_lines_and_multiline_cells() {
        let text = "Họ và tên,Số tiền\n\n\"Nguyễn\nVăn A\",1\nB,2\n";
        let t = load(text.as_bytes()).unwrap();
        assert_eq!(t.rows[0].row, 3);
        assert_eq!(t.rows[0].cells[0].value, "Nguyễn\nVăn A");
        assert_eq!(t.rows[1].row, 4);
    }

    #[test]
    fn ragged_row_names_row_and_counts() {
        let err = load("Họ và tên,Số tiền\nA,1\nB,2,3\n".as_bytes()).unwrap_err();
        assert_eq!(err.len(), 1);
        assert_eq!(err[0].location, Some(Location::line("data/ds.csv", 3)));
        assert!(
            err[0].message.contains("dòng 3 có 3 ô")
                && err[0].message.contains("(dòng 1) có 2 cột")
        );
    }

    #[test]
    fn tsv_and_legacy_encodings() {
        let t = load("Họ tên\tSố tiền\nA\t1\n".as_bytes()).unwrap();
        assert_eq!(t.text(&t.rows[0], "amount"), "1");
        let t = load(b"H\xe4 v\xb5 t\xaan,S\xe8 ti\xd2n\nch\xb5o,1\n").unwrap();
        assert_eq!(t.text(&t.rows[0], "full_name"), "chào");
        assert!(t.warnings[0].message.contains("TCVN3"));
        // The same text already saved as UTF-8 (Excel "CSV UTF-8" with a .VnTime font).
        let t = load("Hä vµ tªn,Sè tiÒn\nNguyÔn V¨n A,1\n".as_bytes()).unwrap();
        assert_eq!(t.text(&t.rows[0], "full_name"), "Nguyễn Văn A");
        assert!(t.warnings[0].message.contains("TCVN3"));
        let t = load(
            "Ho\u{ef} va\u{f8} te\u{e2}n,So\u{e1} tie\u{e0}n\nNguye\u{e3}n Va\u{ea}n A,1\n"
                .as_bytes(),
        )
        .unwrap();
        assert_eq!(t.text(&t.rows[0], "full_name"), "Nguyễn Văn A");
        assert!(t.warnings[0].message.contains("VNI"), "{:?}", t.warnings);
        let bytes =
            crate::data::encoding::tests::to_windows_1258("Họ và tên,Số tiền\nNguyễn Văn Đức,1\n");
        let t = load(&bytes).unwrap();
        assert_eq!(t.text(&t.rows[0], "full_name"), "Nguyễn Văn Đức");
        assert_eq!(t.warnings.len(), 1);
        assert!(
            !load("Họ tên,Số tiền\nA,1\n".as_bytes())
                .unwrap()
                .warnings
                .iter()
                .any(|w| w.is_error())
        );
    }

    #[test]
    fn unterminated_quote_does_not_panic() {
        let r = load(b"H\xe1\xbb\x8d t\xc3\xaan,S\xe1\xbb\x91 ti\xe1\xbb\x81n\n\"A,1\n");
        assert!(r.is_err() || r.is_ok_and(|t| t.rows.len() <= 1));
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = load(&bytes);
            let _ = load_csv_bytes(&bytes, Path::new("x.csv"), &LoadOptions::default());
        }

        #[test]
        fn arbitrary_csv_like_text_never_panics(s in "[a-zA-Z0-9à-ỹ,;\t\"\r\n ]{0,200}") {
            let _ = load(s.as_bytes());
            let _ = load_csv_bytes(s.as_bytes(), Path::new("x.csv"), &LoadOptions::default());
        }
    }
}
