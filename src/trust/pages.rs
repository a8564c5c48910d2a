//! The history pages: "Lịch sử thay đổi" (each publication with items added, withdrawn
//! and changed, and row diffs) and the quarterly register "Danh mục thông tin đã công
//! khai" (Art. 13), both read from the chain.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::{Datelike, NaiveDate};
use serde_json::json;

use super::chain::{Stored, date_of, keyed};
use super::diff::table_diff;
use super::layout::{MANIFEST_PATH, SITE_CHAIN_DIR};
use super::manifest::Item;
use crate::model::Model;

fn kind_label(i: &Item) -> &'static str {
    match i.kind.as_str() {
        "download" => "Tệp dữ liệu",
        "attachment" => "Tệp đính kèm",
        "subpage" => "Trang chi tiết",
        _ => "Trang",
    }
}

fn item_view(model: &Model, i: &Item, live: bool) -> serde_json::Value {
    json!({
        "title": i.title,
        "url": i.url,
        "permalink": live.then(|| model.config.permalink(&i.url)),
        "kind": i.kind,
        "kind_label": kind_label(i),
        "sha256": i.sha256,
        "decision": i.approval.as_ref().map(|a| a.decision.clone()),
    })
}

/// How many of the newest history entries are shown in full on the history page.
const DETAILED_ENTRIES: usize = 10;

/// Each publication, newest first: items added, withdrawn, changed, and row diffs.
pub(super) fn history_value(
    model: &Model,
    dir: &Path,
    chain: &[Stored],
    fresh: &BTreeMap<String, std::sync::Arc<Vec<u8>>>,
) -> serde_json::Value {
    let live: BTreeSet<String> = chain
        .last()
        .map(|s| {
            s.entry
                .items
                .iter()
                .filter(|i| i.is_published())
                .map(|i| i.url.clone())
                .collect()
        })
        .unwrap_or_default();
    let load = |sha: &str| -> Option<std::sync::Arc<Vec<u8>>> {
        fresh.get(sha).cloned().or_else(|| {
            std::fs::read(dir.join("data").join(format!("{sha}.csv")))
                .ok()
                .map(std::sync::Arc::new)
        })
    };
    let empty: Vec<Item> = Vec::new();
    let mut entries = Vec::new();
    // Older entries are shown as counts only (their full record stays in the chain file
    // linked from each entry), so the page stays light however long the history grows.
    let detailed_from = chain.len().saturating_sub(DETAILED_ENTRIES);
    for (k, s) in chain.iter().enumerate() {
        let detailed = k >= detailed_from;
        // Subpages (group pages, print views of a list) change with their list: they
        // are counted, not listed one by one.
        let mut subpages = [0usize; 3];
        let old = if k == 0 {
            &empty
        } else {
            &chain[k - 1].entry.items
        };
        let old: BTreeMap<&str, &Item> = old
            .iter()
            .filter(|i| i.is_published())
            .map(|i| (i.url.as_str(), i))
            .collect();
        let new: BTreeMap<&str, &Item> = s
            .entry
            .items
            .iter()
            .filter(|i| i.is_published())
            .map(|i| (i.url.as_str(), i))
            .collect();
        let mut added = Vec::new();
        let mut withdrawn = Vec::new();
        let mut changed = Vec::new();
        for (url, i) in &new {
            let sub = i.kind == "subpage";
            match old.get(url) {
                None if sub => subpages[0] += 1,
                None => added.push(item_view(model, i, live.contains(*url))),
                Some(o) if o != i && sub => subpages[2] += 1,
                Some(o) if o != i => {
                    let mut v = item_view(model, i, live.contains(*url));
                    let mut what = Vec::new();
                    if o.sha256 != i.sha256 {
                        what.push("nội dung");
                    }
                    if o.title != i.title {
                        what.push("tiêu đề");
                    }
                    if o.approval != i.approval {
                        what.push("thông tin phê duyệt");
                    }
                    if o.publish_from != i.publish_from || o.publish_until != i.publish_until {
                        what.push("thời hạn công khai");
                    }
                    v["what"] = json!(what.join(", "));
                    // Row diffs only while the table is still published.
                    if detailed
                        && keyed(i)
                        && keyed(o)
                        && live.contains(*url)
                        && let (Some(a), Some(b)) = (
                            o.sha256.as_deref().and_then(load),
                            i.sha256.as_deref().and_then(load),
                        )
                        && let (Some(key), false) = (&i.key_column, o.sha256 == i.sha256)
                    {
                        let t = std::time::Instant::now();
                        v["rows"] = table_diff(&a, &b, key);
                        crate::timing::phase("history: table diff", t);
                    }
                    changed.push(v);
                }
                Some(_) => {}
            }
        }
        for (url, i) in &old {
            if !new.contains_key(url) {
                if i.kind == "subpage" {
                    subpages[1] += 1;
                } else {
                    withdrawn.push(item_view(model, i, false));
                }
            }
        }
        entries.push(json!({
            "detailed": detailed,
            "added_subpages": subpages[0],
            "withdrawn_subpages": subpages[1],
            "changed_subpages": subpages[2],
            "seq": s.entry.seq,
            "date": s.entry.date,
            "name": s.name,
            "url": model.config.permalink(&format!("/{SITE_CHAIN_DIR}/{}", s.name)),
            "sha256": s.sha256(),
            "prev": s.entry.prev,
            "added": added,
            "withdrawn": withdrawn,
            "changed": changed,
        }));
    }
    entries.reverse();
    json!({
        "entries": entries,
        "manifest_url": model.config.permalink(&format!("/{}", MANIFEST_PATH)),
        "verify_url": model.config.permalink("/cong-khai/kiem-tra/"),
        "preview": model.preview,
    })
}

fn quarter(d: NaiveDate) -> (i32, u32) {
    (d.year(), (d.month() - 1) / 3 + 1)
}

fn quarter_bounds(y: i32, q: u32) -> Option<(NaiveDate, NaiveDate)> {
    let start = NaiveDate::from_ymd_opt(y, (q - 1) * 3 + 1, 1)?;
    let next = if q == 4 {
        NaiveDate::from_ymd_opt(y + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(y, q * 3 + 1, 1)?
    };
    Some((start, next.pred_opt()?))
}

const ROMAN: [&str; 4] = ["I", "II", "III", "IV"];

/// Art. 13 register, per quarter (newest first): every page and attachment online at
/// some time in the quarter, with the dates it was posted and withdrawn (from the chain).
pub(super) fn register_value(model: &Model, chain: &[Stored]) -> serde_json::Value {
    // url → (latest item, intervals [(posted, withdrawn)])
    type Span = (NaiveDate, Option<NaiveDate>);
    let mut spans: BTreeMap<String, (Item, Vec<Span>)> = BTreeMap::new();
    let mut online: BTreeSet<String> = BTreeSet::new();
    for (k, s) in chain.iter().enumerate() {
        let Some(d) = date_of(s) else { continue };
        let now: BTreeMap<&str, &Item> = s
            .entry
            .items
            .iter()
            .filter(|i| i.is_published() && matches!(i.kind.as_str(), "page" | "attachment"))
            .map(|i| (i.url.as_str(), i))
            .collect();
        for (url, i) in &now {
            let e = spans
                .entry((*url).to_string())
                .or_insert_with(|| ((*i).clone(), Vec::new()));
            e.0 = (*i).clone();
            if !online.contains(*url) {
                // In the first entry, posted on publish_from when the chain started after it.
                let from = i
                    .publish_from
                    .as_deref()
                    .and_then(|f| NaiveDate::parse_from_str(f, "%Y-%m-%d").ok())
                    .filter(|f| k == 0 && *f <= d);
                e.1.push((from.unwrap_or(d), None));
            }
        }
        for url in online.iter() {
            if !now.contains_key(url.as_str())
                && let Some((_, v)) = spans.get_mut(url)
                && let Some(last) = v.last_mut()
            {
                last.1 = Some(d);
            }
        }
        online = now.keys().map(|u| (*u).to_string()).collect();
    }
    let Some(first) = chain.first().and_then(date_of) else {
        return json!({"quarters": []});
    };
    let end = model
        .today
        .max(chain.last().and_then(date_of).unwrap_or(first));
    let mut quarters = Vec::new();
    let (mut y, mut q) = quarter(first);
    while (y, q) <= quarter(end) {
        if let Some((qs, qe)) = quarter_bounds(y, q) {
            let mut rows = Vec::new();
            for (url, (item, v)) in &spans {
                for (posted, withdrawn) in v {
                    if *posted <= qe && withdrawn.is_none_or(|w| w >= qs) {
                        rows.push(json!({
                            "title": item.title,
                            "url": url,
                            "permalink": online.contains(url).then(|| model.config.permalink(url)),
                            "kind_label": kind_label(item),
                            "form": "Trang thông tin điện tử",
                            "decision": item.approval.as_ref().map(|a| a.decision.clone()),
                            "posted": posted.format("%Y-%m-%d").to_string(),
                            "withdrawn": withdrawn.map(|w| w.format("%Y-%m-%d").to_string()),
                        }));
                    }
                }
            }
            rows.sort_by(|a, b| {
                a["posted"]
                    .as_str()
                    .cmp(&b["posted"].as_str())
                    .then_with(|| a["url"].as_str().cmp(&b["url"].as_str()))
            });
            quarters.push(json!({
                "label": format!("Quý {} năm {y}", ROMAN[(q - 1) as usize]),
                "id": format!("quy-{q}-{y}"),
                "start": qs.format("%Y-%m-%d").to_string(),
                "end": qe.format("%Y-%m-%d").to_string(),
                "items": rows,
            }));
        }
        (y, q) = if q == 4 { (y + 1, 1) } else { (y, q + 1) };
    }
    quarters.reverse();
    json!({"quarters": quarters})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters() {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(quarter(d("2026-03-31")), (2026, 1));
        assert_eq!(quarter(d("2026-04-01")), (2026, 2));
        assert_eq!(
            quarter_bounds(2026, 4),
            Some((d("2026-10-01"), d("2026-12-31")))
        );
    }
}
