//! The history pages: "Lịch sử thay đổi" (each publication with items added, withdrawn
//! and changed, and row diffs) and the quarterly register "Danh mục thông tin đã công
//! khai" (Art. 13), both read from the chain.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
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

/// One item of the history page (`history.entries[].added[]` and the like).
#[derive(Serialize)]
struct ItemView<'a> {
    title: &'a str,
    url: &'a str,
    /// Only while the item is still online.
    permalink: Option<String>,
    kind: &'a str,
    kind_label: &'static str,
    sha256: Option<&'a str>,
    decision: Option<&'a str>,
    /// For a changed item: what changed ("nội dung, tiêu đề").
    #[serde(skip_serializing_if = "Option::is_none")]
    what: Option<String>,
    /// For a changed keyed table still published: its row diff (`trust::diff`).
    #[serde(skip_serializing_if = "Option::is_none")]
    rows: Option<serde_json::Value>,
    /// For a changed record: the reason recorded with the change ("Đính chính").
    #[serde(skip_serializing_if = "Option::is_none")]
    correction: Option<&'a str>,
}

fn item_view<'a>(model: &Model, i: &'a Item, live: bool) -> ItemView<'a> {
    ItemView {
        title: &i.title,
        url: &i.url,
        permalink: live.then(|| model.config.permalink(&i.url)),
        kind: &i.kind,
        kind_label: kind_label(i),
        sha256: i.sha256.as_deref(),
        decision: i.approval.as_ref().map(|a| a.decision.as_str()),
        what: None,
        rows: None,
        correction: None,
    }
}

/// One publication on the history page (`history.entries[]`), newest first.
#[derive(Serialize)]
struct EntryView<'a> {
    /// Among the newest [`DETAILED_ENTRIES`]: items listed one by one, with row diffs.
    detailed: bool,
    added_subpages: u64,
    withdrawn_subpages: u64,
    changed_subpages: u64,
    seq: u64,
    date: &'a str,
    name: &'a str,
    /// The entry file as the site publishes it.
    url: String,
    sha256: String,
    prev: Option<&'a str>,
    added: Vec<ItemView<'a>>,
    withdrawn: Vec<ItemView<'a>>,
    changed: Vec<ItemView<'a>>,
    /// The entry's minisign signature as the site publishes it, if signed.
    sig_url: Option<String>,
    /// Key id of the key the entry names (`signing_key`).
    key_id: Option<String>,
    /// Key id of the key this entry replaces (a rotation recorded in the chain).
    rotated_from: Option<String>,
    /// The newest entry of a `congkhai build` preview: not recorded, not signed.
    unrecorded: bool,
}

/// The value of the history page's template (`history`).
#[derive(Serialize)]
pub(super) struct HistoryView<'a> {
    entries: Vec<EntryView<'a>>,
    manifest_url: String,
    /// The "how to verify" page, when the site has one (`content/cong-khai/kiem-tra.md`).
    verify_url: Option<String>,
    preview: bool,
    /// The ward's public key file (`cong-khai/khoa-ky.pub`) and its key id, if signed.
    public_key_url: Option<String>,
    key_id: Option<String>,
    /// Every key the chain names, oldest first: `{id, url}` of its `khoa-<id>.pub`.
    keys: Vec<serde_json::Value>,
}

/// How many of the newest history entries are shown in full on the history page.
const DETAILED_ENTRIES: usize = 10;

/// Each publication, newest first: items added, withdrawn, changed, and row diffs.
pub(super) fn history_value<'a>(
    model: &Model,
    dir: &Path,
    chain: &'a [Stored],
    sigs: &[Option<Vec<u8>>],
    fresh: &BTreeMap<String, std::sync::Arc<Vec<u8>>>,
    unrecorded: bool,
) -> HistoryView<'a> {
    let live: BTreeSet<&str> = chain
        .last()
        .map(|s| {
            s.entry
                .items
                .iter()
                .filter(|i| i.is_published())
                .map(|i| i.url.as_str())
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
    // Older entries are shown as counts only (their full record stays in the chain file
    // linked from each entry), so the page stays light however long the history grows.
    let detailed_from = chain.len().saturating_sub(DETAILED_ENTRIES);
    let mut entries: Vec<EntryView> = chain
        .iter()
        .enumerate()
        .map(|(k, s)| {
            let old = if k == 0 {
                &[][..]
            } else {
                &chain[k - 1].entry.items[..]
            };
            let mut v = entry_view(model, old, s, k >= detailed_from, &live, &load);
            if sigs.get(k).is_some_and(Option::is_some) {
                v.sig_url = Some(model.config.permalink(&format!(
                    "/{SITE_CHAIN_DIR}/{}{}",
                    s.name,
                    super::signing::SIG_SUFFIX
                )));
            }
            v.unrecorded = unrecorded && k + 1 == chain.len();
            v
        })
        .collect();
    entries.reverse();
    let key = model.config.signing.public_key.as_deref().map(str::trim);
    let mut keys: Vec<serde_json::Value> = Vec::new();
    for s in chain {
        for k in [&s.entry.key_rotated_from, &s.entry.signing_key]
            .into_iter()
            .flatten()
        {
            let id = super::signing::key_id_of(k);
            if !keys.iter().any(|v| v["id"] == id.as_str()) {
                let url = model
                    .config
                    .permalink(&format!("/{SITE_CHAIN_DIR}/khoa-{id}.pub"));
                keys.push(json!({ "id": id, "url": url }));
            }
        }
    }
    HistoryView {
        keys,
        entries,
        manifest_url: model.config.permalink(&format!("/{}", MANIFEST_PATH)),
        verify_url: model
            .pages
            .iter()
            .any(|p| p.page.path == "/cong-khai/kiem-tra/")
            .then(|| model.config.permalink("/cong-khai/kiem-tra/")),
        preview: model.preview,
        public_key_url: key.map(|_| {
            model
                .config
                .permalink(&format!("/{}", super::signing::SITE_PUBLIC_KEY))
        }),
        key_id: key.map(super::signing::key_id_of),
    }
}

/// Entry `s` against the items of the entry before it (`old`): items added, withdrawn
/// and changed, with row diffs when `detailed`.
fn entry_view<'a>(
    model: &Model,
    old: &'a [Item],
    s: &'a Stored,
    detailed: bool,
    live: &BTreeSet<&str>,
    load: &dyn Fn(&str) -> Option<std::sync::Arc<Vec<u8>>>,
) -> EntryView<'a> {
    let published = |items: &'a [Item]| -> BTreeMap<&'a str, &'a Item> {
        items
            .iter()
            .filter(|i| i.is_published())
            .map(|i| (i.url.as_str(), i))
            .collect()
    };
    let old = published(old);
    let new = published(&s.entry.items[..]);
    // Subpages (group pages, print views of a list) change with their list: they
    // are counted, not listed one by one.
    let mut subpages = [0u64; 3];
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
                v.what = Some(what_changed(o, i));
                if i.correction != o.correction {
                    v.correction = i.correction.as_deref();
                }
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
                    v.rows = Some(table_diff(&a, &b, key));
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
    EntryView {
        detailed,
        added_subpages: subpages[0],
        withdrawn_subpages: subpages[1],
        changed_subpages: subpages[2],
        seq: u64::from(s.entry.seq),
        date: &s.entry.date,
        name: &s.name,
        url: model
            .config
            .permalink(&format!("/{SITE_CHAIN_DIR}/{}", s.name)),
        sha256: s.sha256(),
        prev: s.entry.prev.as_deref(),
        added,
        withdrawn,
        changed,
        sig_url: None,
        key_id: s
            .entry
            .signing_key
            .as_deref()
            .map(super::signing::key_id_of),
        rotated_from: s
            .entry
            .key_rotated_from
            .as_deref()
            .map(super::signing::key_id_of),
        unrecorded: false,
    }
}

/// What changed between two versions of an item, in words.
fn what_changed(o: &Item, i: &Item) -> String {
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
    what.join(", ")
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

/// How the page at `url` is made public: its record's own `[record] posting_forms`,
/// else the site's `[vocabulary] posting_forms`.
fn posting_forms(model: &Model, url: &str) -> String {
    let v = &model.config.vocabulary;
    model
        .pages
        .iter()
        .find(|p| p.page.path == url)
        .and_then(|p| v.record_posting_forms(&p.page.fm.record).ok().flatten())
        .unwrap_or_else(|| v.posting_forms.clone())
        .join("; ")
}

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
                            "form": posting_forms(model, url),
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
