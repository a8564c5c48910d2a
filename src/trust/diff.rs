//! Row diffs of a keyed table between two publications, for the history page.

use std::collections::HashMap;

use serde_json::json;

/// Rows shown per kind of change (added, removed, changed) in one table's diff; the
/// totals are always given.
const DIFF_ROWS_SHOWN: usize = 50;

/// A keyed table read for diffing. All cells live in one buffer: a corrected
/// 100,000-row list is diffed on every build while it stays published, and an
/// allocation per row or per cell made that the slowest step of such a build.
struct KeyedRows {
    headers: Vec<String>,
    /// Every cell, back to back.
    text: String,
    /// End offset in `text` of each cell.
    ends: Vec<usize>,
    /// Per row: index of its first cell in `ends`, and its cell count.
    rows: Vec<(usize, usize)>,
    /// Row key → row index.
    by_key: HashMap<String, usize>,
    /// Key of each row, in file order.
    keys: Vec<String>,
}

impl KeyedRows {
    fn cell(&self, row: usize, i: usize) -> Option<&str> {
        let (first, count) = self.rows[row];
        if i >= count {
            return None;
        }
        let start = if first + i == 0 {
            0
        } else {
            self.ends[first + i - 1]
        };
        self.text.get(start..self.ends[first + i])
    }

    fn cells(&self, row: usize) -> impl Iterator<Item = &str> {
        (0..self.rows[row].1).filter_map(move |i| self.cell(row, i))
    }
}

/// Rows by key. `key` names one column or several joined by `+` ("full_name+group"), for
/// lists whose only single-column key would be the row number. A key seen again gets
/// " (2)", " (3)"… so no row is lost from the comparison.
fn read_rows(bytes: &[u8], key: &str) -> Option<KeyedRows> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut r = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let headers: Vec<String> = r.headers().ok()?.iter().map(str::to_string).collect();
    let key_idx: Vec<usize> = key
        .split('+')
        .map(|k| headers.iter().position(|h| h == k.trim()))
        .collect::<Option<_>>()?;
    let lines = bytes.iter().filter(|&&b| b == b'\n').count();
    let mut t = KeyedRows {
        text: String::with_capacity(bytes.len()),
        ends: Vec::with_capacity(lines * headers.len()),
        rows: Vec::with_capacity(lines),
        by_key: HashMap::with_capacity(lines),
        keys: Vec::with_capacity(lines),
        headers,
    };
    let mut rec = csv::StringRecord::new();
    while r.read_record(&mut rec).unwrap_or(false) {
        let first = t.ends.len();
        for f in &rec {
            t.text.push_str(f);
            t.ends.push(t.text.len());
        }
        let row = t.rows.len();
        t.rows.push((first, rec.len()));
        let mut k = String::new();
        for (n, &i) in key_idx.iter().enumerate() {
            if n > 0 {
                k.push_str(" · ");
            }
            k.push_str(rec.get(i).unwrap_or(""));
        }
        if t.by_key.contains_key(&k) {
            let mut n = 2;
            while t.by_key.contains_key(&format!("{k} ({n})")) {
                n += 1;
            }
            k = format!("{k} ({n})");
        }
        t.by_key.insert(k.clone(), row);
        t.keys.push(k);
    }
    Some(t)
}

/// The row-number column (STT) is a display ordinal: it shifts when a row above is
/// removed, so it is never reported as a change.
const ORDINAL_COLUMNS: &[&str] = &["no", "stt"];

/// The header row of a CSV (BOM stripped), `None` when it cannot be read.
fn header_row(bytes: &[u8]) -> Option<Vec<String>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut r = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    Some(r.headers().ok()?.iter().map(str::to_string).collect())
}

/// Rows added, removed and changed (cells old → new) between two CSVs, by key column.
/// When the key column is missing from one version because the columns themselves
/// changed (the machine headers of older publications, `full_name`, became Vietnamese
/// titles, `Họ và tên`), rows cannot be matched: the diff says only that the structure
/// changed (`structure_changed`, with both header rows) instead of listing every row.
pub fn table_diff(old: &[u8], new: &[u8], key: &str) -> serde_json::Value {
    let (Some(o), Some(n)) = rayon::join(|| read_rows(old, key), || read_rows(new, key)) else {
        return match (header_row(old), header_row(new)) {
            (Some(oh), Some(nh)) if oh != nh => json!({
                "key_column": key,
                "structure_changed": true,
                "old_columns": oh,
                "new_columns": nh,
            }),
            _ => serde_json::Value::Null,
        };
    };
    let row = |t: &KeyedRows, r: usize| -> Vec<serde_json::Value> {
        t.headers
            .iter()
            .zip(t.cells(r))
            .map(|(c, v)| json!({"column": c, "value": v}))
            .collect()
    };
    // Per new column: its index in the old header; ordinal columns are left out.
    let compared: Vec<(usize, &String, Option<usize>)> = n
        .headers
        .iter()
        .enumerate()
        .filter(|(_, col)| !ORDINAL_COLUMNS.contains(&col.to_lowercase().as_str()))
        .map(|(ci, col)| (ci, col, o.headers.iter().position(|h| h == col)))
        .collect();
    // Rows listed in key order, the same on every build.
    let mut added: Vec<(&String, serde_json::Value)> = Vec::new();
    let mut changed: Vec<(&String, serde_json::Value)> = Vec::new();
    // Rows are visited in file order: both files are mostly in the same order, so the
    // old row looked up is usually next to the previous one in memory.
    for (nr, k) in n.keys.iter().enumerate() {
        match o.by_key.get(k) {
            None => added.push((k, json!({"key": k, "cells": row(&n, nr)}))),
            Some(&or) => {
                let mut diffs = Vec::new();
                for &(ci, col, oi) in &compared {
                    let nv = n.cell(nr, ci).unwrap_or("");
                    let ov = oi.and_then(|oi| o.cell(or, oi)).unwrap_or("");
                    if nv != ov {
                        diffs.push(json!({"column": col, "old": ov, "new": nv}));
                    }
                }
                if !diffs.is_empty() {
                    changed.push((k, json!({"key": k, "cells": diffs})));
                }
            }
        }
    }
    let mut removed: Vec<(&String, serde_json::Value)> = o
        .keys
        .iter()
        .enumerate()
        .filter(|(_, k)| !n.by_key.contains_key(*k))
        .map(|(or, k)| (k, json!({"key": k, "cells": row(&o, or)})))
        .collect();
    // The first rows in key order; the totals count them all.
    let shown = |v: &mut Vec<(&String, serde_json::Value)>| -> Vec<serde_json::Value> {
        v.sort_by(|a, b| a.0.cmp(b.0));
        v.drain(..).take(DIFF_ROWS_SHOWN).map(|(_, j)| j).collect()
    };
    json!({
        "key_column": key,
        "added_total": added.len(),
        "removed_total": removed.len(),
        "changed_total": changed.len(),
        "shown_max": DIFF_ROWS_SHOWN,
        "added": shown(&mut added),
        "removed": shown(&mut removed),
        "changed": shown(&mut changed),
    })
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_diff_rows_and_cells() {
        let old = "\u{feff}ma,ho_ten,so_tien\n1,Nguyễn Văn A,100\n2,Lê Thị B,200\n3,Trần C,300\n";
        let new = "ma,ho_ten,so_tien\n1,Nguyễn Văn A,100\n3,Trần C,350\n4,Phạm D,400\n";
        let d = table_diff(old.as_bytes(), new.as_bytes(), "ma");
        assert_eq!(d["added"][0]["key"], "4");
        assert_eq!(d["removed"][0]["key"], "2");
        assert_eq!(d["removed"].as_array().unwrap().len(), 1);
        assert_eq!(d["changed"][0]["key"], "3");
        assert_eq!(d["changed"][0]["cells"][0]["old"], "300");
        assert_eq!(d["changed"][0]["cells"][0]["new"], "350");
        assert!(table_diff(old.as_bytes(), new.as_bytes(), "khong_co").is_null());
    }

    #[test]
    fn renamed_columns_are_a_structure_change() {
        let old = "\u{feff}code,households\r\nT1,10\r\nT2,20\r\n";
        let new = "\u{feff}Mã tổ,Số hộ\r\nT1,10\r\nT2,20\r\n";
        let d = table_diff(old.as_bytes(), new.as_bytes(), "Mã tổ");
        assert_eq!(d["structure_changed"], true);
        assert_eq!(d["old_columns"][0], "code");
        assert_eq!(d["new_columns"][1], "Số hộ");
        assert!(d.get("changed_total").is_none(), "no bogus row changes");
        // Same headers, key absent from both: nothing to say.
        assert!(table_diff(new.as_bytes(), new.as_bytes(), "code").is_null());
    }

    #[test]
    fn table_diff_composite_key_ignores_row_numbers() {
        // Removing household 2 renumbers everyone below it; only the real changes show.
        let old =
            "no,full_name,group,amount\n1,An,T1,100\n2,Bình,T1,100\n3,Chi,T2,100\n4,An,T2,100\n";
        let new =
            "no,full_name,group,amount\n1,An,T1,100\n2,Chi,T2,150\n3,An,T2,100\n4,Dung,T3,100\n";
        let d = table_diff(old.as_bytes(), new.as_bytes(), "full_name+group");
        let keys = |k: &str| -> Vec<String> {
            d[k].as_array()
                .map(|a| {
                    a.iter()
                        .map(|r| r["key"].as_str().unwrap_or("").to_string())
                        .collect()
                })
                .unwrap_or_default()
        };
        assert_eq!(keys("removed"), ["Bình · T1"]);
        assert_eq!(keys("added"), ["Dung · T3"]);
        assert_eq!(keys("changed"), ["Chi · T2"]);
        assert_eq!(d["changed"][0]["cells"].as_array().map(Vec::len), Some(1));
        assert_eq!(d["changed"][0]["cells"][0]["column"], "amount");
        // Same key twice: both rows are kept.
        let dup = "no,full_name,group\n1,An,T1\n2,An,T1\n";
        let one = "no,full_name,group\n1,An,T1\n";
        let d = table_diff(dup.as_bytes(), one.as_bytes(), "full_name+group");
        assert_eq!(d["removed"][0]["key"], "An · T1 (2)");
        assert!(table_diff(dup.as_bytes(), one.as_bytes(), "full_name+nope").is_null());
    }
}
