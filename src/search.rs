//! Site search without diacritics: a folded syllable + syllable-pair index, written as
//! small JSON shards under `/tim-kiem/` and read by `static/js/tim-kiem.js` (~5 KB).
//!
//! Citizens type "ho ngheo" for "hộ nghèo" and "dong da" for "Đống Đa". Every text is
//! folded with [`crate::text::fold`] (the script folds queries identically; both are
//! checked against `tests/fixtures/fold_golden.tsv`) and split into syllables. A
//! document is indexed under each syllable and each pair of adjacent syllables, so
//! "hộ nghèo" as a phrase outranks a page that has "hộ" and "nghèo" far apart.
//!
//! Only published, indexable content enters the index: pages with status `Published`,
//! not `noindex` (beneficiary lists), not `in_search_index = false`, not hidden, plus
//! indexable record subpages and sections. A `--drafts` preview builds no index at all.
//!
//! Output (all deterministic, sorted):
//! - `tim-kiem/meta.json`: `{"v": version, "n": documents, "c": documents per chunk,
//!   "k": [shard keys]}` (also inlined in the search page);
//! - `tim-kiem/index/<key>.json`: `{"token": [df, id, weight, Δid, weight, …]}` for every
//!   token whose longest matching shard key is `<key>`; ids are delta-encoded;
//! - `tim-kiem/docs/<n>.json`: `[[path, title, excerpt, section, date], …]` for ids
//!   `n·c … n·c+c-1`, newest first.
//!
//! Shards start as the first character of a token and are split one character
//! further while larger than [`SHARD_BUDGET`], so a query downloads a few small files
//! whatever the size of the site.

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use sha2::{Digest, Sha256};

use crate::markdown::Toc;
use crate::model::Model;
use crate::text::fold;
use crate::trust::publication::Status;

/// Weight of one occurrence in the title.
pub const W_TITLE: u32 = 12;
/// Weight of one occurrence in a heading.
pub const W_HEADING: u32 = 6;
/// Weight of one occurrence in the description or the record's metadata.
pub const W_META: u32 = 4;
/// Weight of one occurrence in the body text.
pub const W_BODY: u32 = 1;
/// Body occurrences beyond this count add nothing (a long page is not more relevant).
pub const BODY_CAP: u32 = 4;
/// Largest weight written (two digits keep the shards small).
pub const MAX_WEIGHT: u32 = 99;
/// A token found in more documents keeps only its best postings (df is still written,
/// so the script knows the list was cut and treats the term as optional).
pub const MAX_POSTINGS: usize = 300;
/// A shard larger than this (bytes of JSON) is split one character further.
pub const SHARD_BUDGET: usize = 16 * 1024;
/// Documents per `docs/<n>.json` chunk.
pub const DOCS_PER_CHUNK: usize = 32;
/// Characters of the excerpt shown under each result.
pub const EXCERPT_CHARS: usize = 160;
/// Longer tokens are noise (hashes, URLs) and are not indexed.
pub const MAX_TOKEN_CHARS: usize = 32;
/// Digit runs this long or longer look like ID or phone numbers: never indexed.
pub const MAX_DIGITS: usize = 9;

/// One searchable document.
#[derive(Debug, Clone, Default)]
pub struct Doc {
    /// Site path with leading and trailing slash: `/van-ban/ke-hoach-40/`.
    pub path: String,
    pub title: String,
    pub headings: Vec<String>,
    pub description: String,
    /// Record metadata (document number, issuer…), weighted like the description.
    pub meta: String,
    pub body: String,
    /// Title of the section, shown above the result.
    pub section: String,
    /// ISO date, if any.
    pub date: Option<String>,
}

/// The generated index: files to write under the site root, and facts to report.
#[derive(Debug, Default)]
pub struct Index {
    /// (site-relative path, bytes), sorted by path.
    pub files: Vec<(String, Vec<u8>)>,
    /// The content of `meta.json`, inlined in the search page.
    pub meta: String,
    pub docs: usize,
    pub tokens: usize,
}

impl Index {
    /// Adds `"l": [[title, path], …]` (the lists' name lookups) to `meta.json` and the
    /// inlined meta, when there is any.
    pub fn add_lookups(&mut self, lookups: &[(String, String)]) {
        if lookups.is_empty() {
            return;
        }
        let Ok(mut meta) = serde_json::from_str::<serde_json::Value>(&self.meta) else {
            return;
        };
        meta["l"] = serde_json::json!(
            lookups
                .iter()
                .map(|(t, p)| serde_json::json!([t, p]))
                .collect::<Vec<_>>()
        );
        self.meta = meta.to_string();
        if let Some(f) = self.files.iter_mut().find(|f| f.0 == "tim-kiem/meta.json") {
            f.1 = self.meta.clone().into_bytes();
        }
    }

    pub fn total_bytes(&self) -> usize {
        self.files.iter().map(|(_, b)| b.len()).sum()
    }

    /// The largest shard of postings: (path, bytes).
    pub fn largest_shard(&self) -> Option<(&str, usize)> {
        self.files
            .iter()
            .filter(|(p, _)| p.starts_with("tim-kiem/index/"))
            .map(|(p, b)| (p.as_str(), b.len()))
            .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(a.0)))
    }
}

/// Folded syllables of `s`: fold, then split on everything that is not a letter or digit.
pub fn syllables(s: &str) -> Vec<String> {
    fold(s)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Whether a folded syllable may be indexed.
fn indexable(t: &str) -> bool {
    let n = t.chars().count();
    n <= MAX_TOKEN_CHARS && !(n >= MAX_DIGITS && t.chars().all(|c| c.is_ascii_digit()))
}

/// Separators that keep two syllables in one phrase ("40/KH-UBND", "hộ  nghèo");
/// anything else (full stop, comma, brackets…) ends the phrase.
fn joins_phrase(sep: &str) -> bool {
    sep.chars()
        .all(|c| c.is_whitespace() || matches!(c, '-' | '–' | '/' | '\'' | '’' | '&' | '+'))
}

/// Syllables and adjacent pairs of one text, each counted once per occurrence.
pub fn terms(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_term(s, |t| out.push(t.to_string()));
    out
}

/// [`terms`] without a `String` per term: `f` sees each term in turn (a pair is built
/// in one reused buffer). Speed (issue 18): most terms of a page are already counted.
fn for_each_term(s: &str, mut f: impl FnMut(&str)) {
    let folded = fold(s);
    let mut pair = String::new();
    let mut prev: Option<&str> = None;
    let mut rest = folded.as_str();
    loop {
        let start = rest.find(|c: char| c.is_alphanumeric());
        let Some(start) = start else { break };
        let sep = &rest[..start];
        let word_len = rest[start..]
            .find(|c: char| !c.is_alphanumeric())
            .unwrap_or(rest.len() - start);
        let word = &rest[start..start + word_len];
        rest = &rest[start + word_len..];
        if !indexable(word) {
            prev = None;
            continue;
        }
        if let Some(p) = prev
            && joins_phrase(sep)
        {
            pair.clear();
            pair.push_str(p);
            pair.push(' ');
            pair.push_str(word);
            f(&pair);
        }
        f(word);
        prev = Some(word);
    }
}

/// Add `by` to the count of `t`, allocating the key only for a new term.
fn bump(map: &mut FxHashMap<String, u32>, t: &str, by: u32) {
    match map.get_mut(t) {
        Some(n) => *n += by,
        None => {
            map.insert(t.to_string(), by);
        }
    }
}

/// Weighted terms of one document, sorted by term.
fn doc_terms(doc: &Doc) -> Vec<(String, u8)> {
    // Speed (issue 18: ~8 % of a commune's build was the search index, a third of it
    // SipHash): FxHash; the maps are drained into sorted vectors, so their order never
    // reaches the output.
    let mut body: FxHashMap<String, u32> = FxHashMap::default();
    for_each_term(&doc.body, |t| bump(&mut body, t, 1));
    let mut w: FxHashMap<String, u32> = body
        .into_iter()
        .map(|(t, n)| (t, n.min(BODY_CAP) * W_BODY))
        .collect();
    let mut add = |text: &str, weight: u32| for_each_term(text, |t| bump(&mut w, t, weight));
    add(&doc.title, W_TITLE);
    for h in &doc.headings {
        add(h, W_HEADING);
    }
    add(&doc.description, W_META);
    add(&doc.meta, W_META);
    let mut v: Vec<(String, u8)> = w
        .into_iter()
        .map(|(t, n)| (t, n.min(MAX_WEIGHT) as u8))
        .collect();
    v.sort_unstable();
    v
}

/// First [`EXCERPT_CHARS`] characters of the text, cut at a word boundary.
pub fn excerpt(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= EXCERPT_CHARS {
        return text;
    }
    let cut: String = text.chars().take(EXCERPT_CHARS).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > EXCERPT_CHARS / 2 => &cut[..i],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end_matches(|c: char| !c.is_alphanumeric()))
}

/// The shard key of a token: its longest prefix among `keys` (sorted).
pub fn shard_for<'a>(token: &str, keys: &'a [String]) -> Option<&'a str> {
    keys.iter()
        .filter(|k| token.starts_with(k.as_str()))
        .max_by_key(|k| k.len())
        .map(String::as_str)
}

/// File name (without `.json`) of a shard key: a–z and 0–9 as they are, a space as `-`,
/// anything else as `_<hex>_`.
pub fn file_name(key: &str) -> String {
    let mut s = String::new();
    for c in key.chars() {
        match c {
            'a'..='z' | '0'..='9' => s.push(c),
            ' ' => s.push('-'),
            _ => s.push_str(&format!("_{:x}_", c as u32)),
        }
    }
    s
}

/// The searchable documents of a built model: nothing in a preview build.
pub fn docs_from_model(model: &Model) -> Vec<Doc> {
    if model.preview || !model.config.search_enabled() {
        return Vec::new();
    }
    docs_in(model, &model.config.default_language)
}

/// The searchable documents of one language.
fn docs_in(model: &Model, lang: &str) -> Vec<Doc> {
    if model.preview {
        return Vec::new();
    }
    let section_title = |rel: &str| {
        model
            .sections
            .get(rel)
            .and_then(|s| s.section.fm.title.clone())
            .unwrap_or_default()
    };
    // A section with `in_search_index = false` keeps itself and everything below out.
    let excluded_section = |rel: &str| {
        let mut cur = model.sections.get(rel);
        while let Some(s) = cur {
            if s.section.fm.in_search_index == Some(false) {
                return true;
            }
            cur = s
                .section
                .parent
                .as_ref()
                .and_then(|r| model.sections.get(r));
        }
        false
    };
    let mut docs = Vec::new();
    for pm in &model.pages {
        let p = &pm.page;
        let extra_noindex =
            p.fm.extra
                .get("noindex")
                .and_then(|v| v.as_bool())
                .unwrap_or(false);
        // A list of people is kept from search engines (`noindex`), but the site's own
        // search finds it by its title, description and programme: never by the names
        // in it (its body and subpages are left out; `search_text` holds no name).
        let list_of_people = pm.noindex && pm.record.as_ref().is_some_and(|r| r.personal_data);
        if pm.status != Status::Published
            || p.lang != lang
            || (pm.noindex && !list_of_people)
            || extra_noindex
            || p.fm.draft
            || p.fm.in_search_index == Some(false)
            || p.fm.render == Some(false)
            || excluded_section(&p.section)
        {
            continue;
        }
        let mut headings = Vec::new();
        flatten(&pm.toc, &mut headings);
        let description = p.fm.description.as_deref().unwrap_or_default().to_string();
        let meta = pm
            .record
            .as_ref()
            .map(|r| r.search_text.clone())
            .unwrap_or_default();
        let section = section_title(&p.section);
        if list_of_people {
            docs.push(Doc {
                path: p.path.clone(),
                title: p.fm.title.as_deref().unwrap_or(&p.slug).to_string(),
                description,
                meta,
                section,
                date: p.date.as_ref().map(|d| d.chars().take(10).collect()),
                ..Doc::default()
            });
            continue;
        }
        docs.push(Doc {
            path: p.path.clone(),
            title: p.fm.title.as_deref().unwrap_or(&p.slug).to_string(),
            headings,
            description,
            meta,
            body: pm.plain_text.clone(),
            section: section.clone(),
            date: p.date.as_ref().map(|d| d.chars().take(10).collect()),
        });
        if let Some(r) = &pm.record {
            for sp in r.subpages.iter().filter(|sp| sp.indexable) {
                docs.push(Doc {
                    path: sp.path.clone(),
                    title: sp.title.clone(),
                    body: sp.search_text.clone(),
                    section: p.fm.title.as_deref().unwrap_or(&section).to_string(),
                    date: p.date.as_ref().map(|d| d.chars().take(10).collect()),
                    ..Doc::default()
                });
            }
        }
    }
    for (rel, s) in &model.sections {
        let sec = &s.section;
        if sec.parent.is_none()
            || sec.lang != lang
            || s.status != Status::Published
            || sec.fm.render == Some(false)
            || sec.fm.redirect_to.is_some()
            || sec.fm.noindex
            || sec.fm.draft
            || excluded_section(rel)
        {
            continue;
        }
        let Some(title) = sec.fm.title.clone() else {
            continue;
        };
        let mut headings = Vec::new();
        flatten(&s.toc, &mut headings);
        docs.push(Doc {
            path: sec.path.clone(),
            title,
            headings,
            description: sec.fm.description.clone().unwrap_or_default(),
            body: crate::markdown::plain_text(&sec.body),
            section: sec
                .parent
                .as_deref()
                .filter(|p| *p != "_index.md")
                .map(section_title)
                .unwrap_or_default(),
            ..Doc::default()
        });
    }
    docs
}

fn flatten(toc: &Toc, out: &mut Vec<String>) {
    out.extend(toc.entries().map(|h| h.title.to_string()));
}

/// Build the index files for `docs`.
pub fn build(mut docs: Vec<Doc>) -> Index {
    // Ids: newest first, then by path, so ties in score show recent items first.
    docs.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.path.cmp(&b.path)));
    docs.dedup_by(|a, b| a.path == b.path);

    let encoded = encoded_entries(&docs);
    let tokens = encoded.len();

    let (shards, mut files) = shard_files(&encoded);
    files.extend(doc_files(&docs));
    files.sort_by(|a, b| a.0.cmp(&b.0));

    let mut h = Sha256::new();
    for (p, b) in &files {
        h.update(p.as_bytes());
        h.update([0]);
        h.update(b);
    }
    let version: String = h
        .finalize()
        .iter()
        .take(5)
        .map(|b| format!("{b:02x}"))
        .collect();
    let keys: Vec<&str> = shards.iter().map(|(k, _)| k.as_str()).collect();
    let meta = serde_json::json!({
        "v": version,
        "n": docs.len(),
        "c": DOCS_PER_CHUNK,
        "k": keys,
    })
    .to_string();
    files.push(("tim-kiem/meta.json".into(), meta.clone().into_bytes()));
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Index {
        files,
        meta,
        docs: docs.len(),
        tokens,
    }
}

/// Every token's encoded postings, sorted by token.
fn encoded_entries(docs: &[Doc]) -> Vec<(String, String)> {
    // Tokenise in parallel, merge in id order (so postings are sorted by id), in batches
    // so that memory stays bounded on large sites.
    // Lists are pruned to their best postings as they grow: memory stays bounded by
    // tokens × 2 × MAX_POSTINGS and the result equals pruning once at the end.
    let mut postings: FxHashMap<String, Postings> = FxHashMap::default();
    for (batch_no, batch) in docs.chunks(256).enumerate() {
        let terms: Vec<Vec<(String, u8)>> = batch.par_iter().map(doc_terms).collect();
        for (i, list) in terms.into_iter().enumerate() {
            let id = (batch_no * 256 + i) as u32;
            for (t, w) in list {
                let (df, l) = postings.entry(t).or_default();
                *df += 1;
                l.push((id, w));
                if l.len() >= 2 * MAX_POSTINGS {
                    prune(l);
                }
            }
        }
    }
    let mut entries: Vec<(String, Postings)> = postings.into_iter().collect();
    entries.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let encoded: Vec<(String, String)> = entries
        .into_par_iter()
        .map(|(t, (df, mut list))| {
            prune(&mut list);
            let e = encode_entry(&t, df, &list);
            (t, e)
        })
        .collect();
    encoded
}

/// An index shard: its key and its range of the encoded entries.
type Shard = (String, std::ops::Range<usize>);

/// The index shards and their files.
fn shard_files(encoded: &[(String, String)]) -> (Vec<Shard>, Vec<(String, Vec<u8>)>) {
    // Shards: group by the first character, split while too large.
    let mut shards: Vec<Shard> = Vec::new();
    let mut start = 0;
    while start < encoded.len() {
        let key = prefix(&encoded[start].0, 1);
        let end = start
            + encoded[start..]
                .iter()
                .take_while(|(t, _)| prefix(t, 1) == key)
                .count();
        split_shard(encoded, key, start..end, &mut shards);
        start = end;
    }

    let files: Vec<(String, Vec<u8>)> = shards
        .par_iter()
        .map(|(key, range)| {
            let mut s = String::from("{");
            for (i, (_, e)) in encoded[range.clone()].iter().enumerate() {
                if i > 0 {
                    s.push(',');
                }
                s.push_str(e);
            }
            s.push('}');
            (
                format!("tim-kiem/index/{}.json", file_name(key)),
                s.into_bytes(),
            )
        })
        .collect();
    (shards, files)
}

/// The documents' rows (path, title, excerpt, section, date), in chunks.
fn doc_files(docs: &[Doc]) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    for (n, chunk) in docs.chunks(DOCS_PER_CHUNK).enumerate() {
        let rows: Vec<serde_json::Value> = chunk
            .iter()
            .map(|d| {
                let ex = if d.description.trim().is_empty() {
                    excerpt(if d.body.trim().is_empty() {
                        &d.meta
                    } else {
                        &d.body
                    })
                } else {
                    excerpt(&d.description)
                };
                serde_json::json!([
                    d.path.trim_start_matches('/'),
                    d.title,
                    ex,
                    d.section,
                    d.date
                ])
            })
            .collect();
        let bytes = serde_json::to_vec(&rows).unwrap_or_default();
        files.push((format!("tim-kiem/docs/{n}.json"), bytes));
    }
    files
}

fn prefix(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// Document frequency and (document id, weight) postings of one token.
type Postings = (usize, Vec<(u32, u8)>);

/// Keep the [`MAX_POSTINGS`] best postings (weight, then newest), sorted by id.
fn prune(list: &mut Vec<(u32, u8)>) {
    if list.len() > MAX_POSTINGS {
        list.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        list.truncate(MAX_POSTINGS);
        list.sort_unstable_by_key(|p| p.0);
    }
}

/// `"token":[df,id,w,Δid,w,…]`; `df` counts every document, even those pruned.
fn encode_entry(token: &str, df: usize, kept: &[(u32, u8)]) -> String {
    let mut s = serde_json::to_string(token).unwrap_or_default();
    s.push_str(":[");
    s.push_str(&df.to_string());
    let mut last = 0;
    for (i, (id, w)) in kept.iter().enumerate() {
        let d = if i == 0 { *id } else { id - last };
        last = *id;
        s.push(',');
        s.push_str(&d.to_string());
        s.push(',');
        s.push_str(&w.to_string());
    }
    s.push(']');
    s
}

/// Emit `range` (tokens all starting with `key`) as one shard, or split it one
/// character further when larger than [`SHARD_BUDGET`].
fn split_shard(
    encoded: &[(String, String)],
    key: &str,
    range: std::ops::Range<usize>,
    out: &mut Vec<(String, std::ops::Range<usize>)>,
) {
    let size: usize = encoded[range.clone()]
        .iter()
        .map(|(_, e)| e.len() + 1)
        .sum();
    if size <= SHARD_BUDGET || range.len() == 1 {
        out.push((key.to_string(), range));
        return;
    }
    let n = key.chars().count() + 1;
    let mut start = range.start;
    // The token equal to the key sorts first and stays under the key itself.
    if encoded[start].0 == key {
        out.push((key.to_string(), start..start + 1));
        start += 1;
    }
    while start < range.end {
        let sub = prefix(&encoded[start].0, n);
        let end = start
            + encoded[start..range.end]
                .iter()
                .take_while(|(t, _)| prefix(t, n) == sub)
                .count();
        split_shard(encoded, sub, start..end, out);
        start = end;
    }
}

/// The index of a built model; `None` when search is off or in a `--drafts` preview.
pub fn build_for_model(model: &Model) -> Option<Index> {
    let cfg = &model.config;
    build_for_language(model, &cfg.default_language, cfg.search_enabled())
}

/// The index of one language's pages and sections (`enabled`: that language's
/// `build_search_index`). Its files are named as the default language's; the caller
/// writes them under `/xx/`.
pub fn build_for_language(model: &Model, lang: &str, enabled: bool) -> Option<Index> {
    if model.preview || !enabled {
        return None;
    }
    let mut index = build(docs_in(model, lang));
    index.add_lookups(
        &lookups_from_model(model)
            .into_iter()
            .filter(|(_, path)| in_language(model, path, lang))
            .collect::<Vec<_>>(),
    );
    Some(index)
}

/// Whether site path `path` (relative, as in the index) belongs to language `lang`.
fn in_language(model: &Model, path: &str, lang: &str) -> bool {
    let first = path.split('/').next().unwrap_or_default();
    match model.config.languages.contains_key(first) {
        true => first == lang,
        false => lang == model.config.default_language,
    }
}

/// The lists with a name lookup ("Am I on the list?"): `[title, page path]`, sorted by
/// path. The search page points to their lookups when a query looks like a person's name
/// (docs/search.md): names are never indexed, so search itself cannot find them.
pub fn lookups_from_model(model: &Model) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = model
        .pages
        .iter()
        .filter(|pm| {
            pm.status == Status::Published
                && pm.kind == Some("beneficiary_list")
                && pm.record.as_ref().is_some_and(|r| r.personal_data)
        })
        .map(|pm| {
            let p = &pm.page;
            (
                p.fm.title.as_deref().unwrap_or(&p.slug).to_string(),
                // Relative to the site root, like the documents' paths.
                p.path.trim_start_matches('/').to_string(),
            )
        })
        .collect();
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn doc(path: &str, title: &str, body: &str, date: Option<&str>) -> Doc {
        Doc {
            path: path.into(),
            title: title.into(),
            body: body.into(),
            date: date.map(str::to_string),
            ..Doc::default()
        }
    }

    fn postings(index: &Index, token: &str) -> Option<Vec<u64>> {
        let keys: Vec<String> = serde_json::from_str::<serde_json::Value>(&index.meta).ok()?["k"]
            .as_array()?
            .iter()
            .filter_map(|k| k.as_str().map(str::to_string))
            .collect();
        let key = shard_for(token, &keys)?;
        let name = format!("tim-kiem/index/{}.json", file_name(key));
        let (_, bytes) = index.files.iter().find(|(p, _)| *p == name)?;
        let v: serde_json::Value = serde_json::from_slice(bytes).ok()?;
        v[token]
            .as_array()
            .map(|a| a.iter().filter_map(|x| x.as_u64()).collect())
    }

    #[test]
    fn syllables_fold_and_split() {
        for (input, want) in [
            ("Hộ nghèo", vec!["ho", "ngheo"]),
            (
                "Quận Đống Đa, Hà Nội",
                vec!["quan", "dong", "da", "ha", "noi"],
            ),
            ("40/KH-UBND", vec!["40", "kh", "ubnd"]),
            ("  ", vec![]),
            ("ĐƯỜNG", vec!["duong"]),
        ] {
            assert_eq!(syllables(input), want, "{input:?}");
        }
    }

    #[test]
    fn terms_have_pairs_within_phrases_only() {
        assert_eq!(
            terms("Hộ nghèo. Cận nghèo"),
            vec!["ho", "ho ngheo", "ngheo", "can", "can ngheo", "ngheo"]
        );
        assert_eq!(
            terms("Số 40/KH-UBND"),
            vec!["so", "so 40", "40", "40 kh", "kh", "kh ubnd", "ubnd"]
        );
        // Brackets and commas end a phrase.
        assert_eq!(terms("a (b), c"), vec!["a", "b", "c"]);
    }

    #[test]
    fn long_digit_runs_and_long_tokens_are_never_indexed() {
        // 8 digits: kept (a document number could be that long); 9 or more: dropped.
        assert_eq!(terms("12345678"), vec!["12345678"]);
        assert!(terms("123456789").is_empty());
        assert!(
            terms("goi 0912345678 ngay")
                .iter()
                .all(|t| !t.contains("091"))
        );
        // Dropping a token also breaks the pair across it.
        assert_eq!(terms("goi 0912345678 ngay"), vec!["goi", "ngay"]);
        let long = "a".repeat(MAX_TOKEN_CHARS + 1);
        assert!(terms(&long).is_empty());
        assert_eq!(terms(&"a".repeat(MAX_TOKEN_CHARS)).len(), 1);
    }

    #[test]
    fn weights_title_over_heading_over_body() {
        let d = Doc {
            title: "hộ nghèo".into(),
            headings: vec!["cận nghèo".into()],
            body: "bảo hiểm bảo hiểm bảo hiểm bảo hiểm bảo hiểm bảo hiểm bảo hiểm bảo hiểm".into(),
            ..Doc::default()
        };
        let t: BTreeMap<String, u8> = doc_terms(&d).into_iter().collect();
        assert_eq!(t["ho"], W_TITLE as u8);
        assert_eq!(t["can"], W_HEADING as u8);
        assert_eq!(t["ngheo"], (W_TITLE + W_HEADING) as u8);
        // Eight occurrences in the body count as BODY_CAP.
        assert_eq!(t["bao"], (BODY_CAP * W_BODY) as u8);
        assert!(t["ho"] > t["can"] && t["can"] > t["bao"]);
    }

    #[test]
    fn weight_is_capped() {
        let d = Doc {
            title: "a a a a a a a a a a".into(),
            ..Doc::default()
        };
        let t: BTreeMap<String, u8> = doc_terms(&d).into_iter().collect();
        assert_eq!(t["a"], MAX_WEIGHT as u8);
    }

    #[test]
    fn excerpt_cuts_at_a_word() {
        assert_eq!(excerpt("  ngắn   gọn "), "ngắn gọn");
        let long = "hộ nghèo ".repeat(40);
        let e = excerpt(&long);
        assert!(e.ends_with('…'));
        assert!(e.chars().count() <= EXCERPT_CHARS + 1);
        assert!(
            e.trim_end_matches('…').ends_with("nghèo") || e.trim_end_matches('…').ends_with("hộ")
        );
    }

    #[test]
    fn shard_routing_takes_the_longest_key() {
        let keys: Vec<String> = ["h", "ho", "ho n", "ng"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(shard_for("ho ngheo", &keys), Some("ho n"));
        assert_eq!(shard_for("ho", &keys), Some("ho"));
        assert_eq!(shard_for("hoa", &keys), Some("ho"));
        assert_eq!(shard_for("h", &keys), Some("h"));
        assert_eq!(shard_for("x", &keys), None);
    }

    #[test]
    fn file_names_are_safe() {
        assert_eq!(file_name("ho"), "ho");
        assert_eq!(file_name("ho n"), "ho-n");
        assert_eq!(file_name("中"), "_4e2d_");
    }

    #[test]
    fn index_ids_are_newest_first_and_postings_delta_encoded() {
        let idx = build(vec![
            doc("/a/", "Hộ nghèo", "", Some("2026-01-01")),
            doc("/b/", "Bảo hiểm", "hộ nghèo", Some("2026-06-01")),
            doc("/c/", "Khác", "không liên quan", None),
        ]);
        assert_eq!(idx.docs, 3);
        // /b/ (newest) is id 0, /a/ id 1: postings [df, 0, w(body 1+1?), Δ1, w(title)].
        assert_eq!(postings(&idx, "ho ngheo"), Some(vec![2, 0, 1, 1, 12]));
        assert_eq!(postings(&idx, "ngheo"), Some(vec![2, 0, 1, 1, 12]));
        assert_eq!(postings(&idx, "lien quan"), Some(vec![1, 2, 1]));
        assert_eq!(postings(&idx, "xyz"), None);
        let docs0 = idx
            .files
            .iter()
            .find(|(p, _)| p == "tim-kiem/docs/0.json")
            .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default();
        assert!(
            docs0.starts_with(r#"[["b/","Bảo hiểm","hộ nghèo","",""#),
            "{docs0}"
        );
    }

    #[test]
    fn big_lists_keep_the_best_postings_and_the_true_df() {
        let mut docs = Vec::new();
        for i in 0..(MAX_POSTINGS + 50) {
            let title = if i == 7 { "chung" } else { "khác" };
            docs.push(doc(&format!("/p{i:04}/"), title, "chung", None));
        }
        let idx = build(docs);
        let p = postings(&idx, "chung").unwrap_or_default();
        assert_eq!(p[0] as usize, MAX_POSTINGS + 50);
        assert_eq!((p.len() - 1) / 2, MAX_POSTINGS);
        // The title match (id 7, weight 13) survived.
        let mut id = 0;
        let mut found = false;
        for (i, pair) in p[1..].chunks(2).enumerate() {
            id = if i == 0 { pair[0] } else { id + pair[0] };
            if id == 7 {
                found = pair[1] == u64::from(W_TITLE + W_BODY);
            }
        }
        assert!(found, "title posting kept");
    }

    #[test]
    fn large_shards_are_split_and_stay_routable() {
        // Many distinct tokens starting with "ng" force splitting.
        let mut docs = Vec::new();
        for i in 0..400 {
            let body: String = (0..40).map(|j| format!("ng{i}x{j} ")).collect();
            docs.push(doc(&format!("/p{i}/"), "tiêu đề", &body, None));
        }
        let idx = build(docs);
        let meta: serde_json::Value = serde_json::from_str(&idx.meta).unwrap_or_default();
        let keys = meta["k"].as_array().map(Vec::len).unwrap_or(0);
        assert!(keys > 10, "split into many shards: {keys}");
        for (p, b) in &idx.files {
            if p.starts_with("tim-kiem/index/") {
                assert!(b.len() <= SHARD_BUDGET + 4096, "{p}: {}", b.len());
            }
        }
        assert_eq!(postings(&idx, "ng17x3").map(|p| p.len()), Some(3));
        assert!(postings(&idx, "ng17x3 ng17x4").is_some());
    }

    #[test]
    fn output_is_deterministic() {
        let docs = || {
            (0..50)
                .map(|i| {
                    doc(
                        &format!("/p{i}/"),
                        "Kế hoạch",
                        &format!("hộ nghèo số {i}"),
                        None,
                    )
                })
                .collect::<Vec<_>>()
        };
        let a = build(docs());
        let mut rev = docs();
        rev.reverse();
        let b = build(rev);
        assert_eq!(a.files, b.files);
        assert_eq!(a.meta, b.meta);
    }
}
