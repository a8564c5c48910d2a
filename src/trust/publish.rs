//! The trust stage of the build, after every page is rendered: check the chain, decide
//! the new entry, render the history pages, then hash the output and write the manifest.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::chain::{
    Entry, Pending, Stored, check_data, date_of, entry_name, history_dir, read_dir, validate,
};
use super::layout::{ENTRY_FORMAT, MANIFEST_FORMAT, MANIFEST_PATH, SITE_CHAIN_DIR};
use super::manifest::{self, ChainRef, Manifest};
use super::pages::{history_value, register_value};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::{FileSource, Model};

/// What the trust hook hands back to the build.
#[derive(Debug, Default)]
pub struct Outcome {
    pub pending: Pending,
    pub warnings: Diagnostics,
}

/// The trust hook: run after every page is rendered. Validates the chain, decides the
/// new entry, renders the history and register pages, then hashes the output and writes
/// the manifest. `write_page(path, template, ctx)` renders a page with the site theme.
pub fn publish(
    model: &Model,
    sink: &dyn crate::output::Sink,
    has_template: &dyn Fn(&str) -> bool,
    write_page: &dyn Fn(&str, &str, &mut tera::Context) -> Result<(), Diagnostic>,
) -> Result<Outcome, Diagnostics> {
    let t = std::time::Instant::now();
    let dir = history_dir(model);
    let mut chain = validate(&dir, read_dir(&dir)?)?;
    check_data(&dir, &chain)?;
    crate::timing::phase("history: check chain", t);
    let t = std::time::Instant::now();
    let items = manifest::items(model)?;
    let items_sha = manifest::items_sha256(&items);
    crate::timing::phase("history: items", t);
    let t = std::time::Instant::now();
    let today = model.today.format("%Y-%m-%d").to_string();

    let mut pending = Pending {
        dir: dir.clone(),
        ..Default::default()
    };
    // Every output file written so far (all but the chain-covered ones, written below).
    let t2 = std::time::Instant::now();
    let files = match sink.dir() {
        Some(d) => Some(manifest::hash_files_where(d, &|rel| {
            !manifest::chain_covered(rel)
        })?),
        None => None,
    };
    let files_sha = files.as_ref().map(manifest::files_list_sha256);
    crate::timing::phase("history: hash files", t2);
    // A new entry when the items or any published byte changed (`check` writes no files,
    // so it compares items only).
    let changed = chain.last().is_none_or(|s| {
        s.entry.items_sha256 != items_sha
            || (files_sha.is_some() && s.entry.files_sha256 != files_sha)
    });
    if changed && !model.preview {
        let new = NewEntry {
            dir: &dir,
            items: &items,
            items_sha: &items_sha,
            files_sha: &files_sha,
            today: &today,
        };
        append_entry(model, &new, &mut chain, &mut pending)?;
    }

    // Keyed tables of this build, for diffs not yet in history/data.
    let mut fresh: BTreeMap<String, std::sync::Arc<Vec<u8>>> = BTreeMap::new();
    for (sha, b) in &pending.data {
        fresh.insert(sha.clone(), b.clone());
    }

    let mut warnings = Diagnostics::new();
    late_warnings(model, &chain, &mut warnings);

    for s in &chain {
        sink.write(&format!("{SITE_CHAIN_DIR}/{}", s.name), &s.bytes)?;
    }
    let history = history_value(model, &dir, &chain, &fresh);
    if has_template("cong-khai/lich-su.html") {
        let mut c = tera::Context::new();
        c.insert("history", &history);
        write_page("/cong-khai/lich-su/", "cong-khai/lich-su.html", &mut c)?;
    }
    if has_template("cong-khai/danh-muc.html") {
        let mut c = tera::Context::new();
        c.insert("register", &register_value(model, &chain));
        write_page("/cong-khai/danh-muc/", "cong-khai/danh-muc.html", &mut c)?;
    }

    crate::timing::phase("history: pages", t);
    write_manifest(model, sink, &chain, files, items, items_sha, today)?;
    Ok(Outcome { pending, warnings })
}

/// What a new history entry records.
struct NewEntry<'a> {
    dir: &'a std::path::Path,
    items: &'a [manifest::Item],
    items_sha: &'a str,
    files_sha: &'a Option<String>,
    today: &'a str,
}

/// Add this build's entry to `chain` and to `pending` (written around the swap), with
/// the keyed tables whose copies the history page diffs.
fn append_entry(
    model: &Model,
    new: &NewEntry,
    chain: &mut Vec<Stored>,
    pending: &mut Pending,
) -> Result<(), Diagnostics> {
    let NewEntry {
        dir,
        items,
        items_sha,
        files_sha,
        today,
    } = *new;
    if let Some(last) = chain.last()
        && last.entry.date.as_str() > today
    {
        return Err(Diagnostic::error(format!(
            "ngày tạo trang {} trước ngày của lần công khai gần nhất trong lịch sử ({})",
            crate::format::date_short(model.today),
            last.name
        ))
        .in_file(dir.join(&last.name))
        .hint("lịch sử chỉ ghi tiếp về sau: dùng --now bằng hoặc sau ngày đó")
        .into());
    }
    let seq = u32::try_from(chain.len() + 1).unwrap_or(u32::MAX);
    let entry = Entry {
        format: ENTRY_FORMAT.into(),
        seq,
        date: today.to_string(),
        prev: chain.last().map(Stored::sha256),
        items_sha256: items_sha.to_string(),
        files_sha256: files_sha.clone(),
        items: items.to_vec(),
    };
    let name = entry_name(seq, today);
    let bytes = manifest::to_bytes(&entry);
    pending.entry = Some((name.clone(), bytes.clone()));
    for pm in &model.pages {
        for f in &pm.downloads {
            if let (Some(_), FileSource::Bytes(b)) = (&f.key_column, &f.source)
                && f.out_rel.ends_with(".csv")
            {
                pending.data.push((f.sha256.clone(), b.clone()));
            }
        }
    }
    chain.push(Stored { name, bytes, entry });
    Ok(())
}

/// The manifest goes last: it hashes every other file (the chain-covered ones now).
fn write_manifest(
    model: &Model,
    sink: &dyn crate::output::Sink,
    chain: &[Stored],
    mut files: Option<std::collections::BTreeMap<String, manifest::FileHash>>,
    items: Vec<manifest::Item>,
    items_sha: String,
    today: String,
) -> Result<(), Diagnostics> {
    let t = std::time::Instant::now();
    if let (Some(d), Some(f)) = (sink.dir(), files.as_mut()) {
        f.extend(manifest::hash_files_where(d, &manifest::chain_covered)?);
    }
    let files = files.unwrap_or_default();
    crate::timing::phase("history: hash chain-covered files", t);
    let head = chain.last();
    let m = Manifest {
        format: MANIFEST_FORMAT.into(),
        site: model.config.base().to_string(),
        publisher: model
            .config
            .ward
            .as_ref()
            .map(|w| w.name.clone())
            .unwrap_or_default(),
        build_date: today,
        preview: model.preview,
        chain: head.map(|h| ChainRef {
            entries: h.entry.seq,
            head: format!("/{SITE_CHAIN_DIR}/{}", h.name),
            head_sha256: h.sha256(),
            prev_sha256: h.entry.prev.clone(),
        }),
        items_sha256: items_sha,
        items,
        files,
    };
    sink.write(MANIFEST_PATH, &manifest::to_bytes(&m))?;
    Ok(())
}

/// Art. 12 warning for each published page: publication date (publish_from, else the
/// page date, else the first time the chain shows it) vs approval date.
fn late_warnings(model: &Model, chain: &[Stored], out: &mut Diagnostics) {
    let first_seen = first_published(chain);
    for pm in &model.pages {
        if pm.status != super::publication::Status::Published {
            continue;
        }
        let Some(approved) = pm.approval.as_ref().and_then(|a| a.date) else {
            continue;
        };
        let p = &pm.page;
        let published =
            p.fm.publish_from
                .or_else(|| {
                    p.date.as_deref().and_then(|d| {
                        NaiveDate::parse_from_str(d.get(..10).unwrap_or(d), "%Y-%m-%d").ok()
                    })
                })
                .or_else(|| first_seen.get(&p.path).copied())
                .unwrap_or(model.today);
        if let Some(w) =
            super::publication::late_publication(&model.config, &p.file, approved, published)
        {
            out.push(w);
        }
    }
}

fn first_published(chain: &[Stored]) -> BTreeMap<String, NaiveDate> {
    let mut m = BTreeMap::new();
    for s in chain {
        let Some(d) = date_of(s) else { continue };
        for it in s.entry.items.iter().filter(|i| i.is_published()) {
            m.entry(it.url.clone()).or_insert(d);
        }
    }
    m
}
