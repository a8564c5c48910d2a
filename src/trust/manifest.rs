//! The manifest `/cong-khai/manifest.json`: what this build published, and the SHA-256
//! of every output file.
//!
//! `items` lists each published item (page, subpage, download, attachment) and each
//! withdrawn one (its URL now shows the expiry notice) with its approval, window and the
//! SHA-256 of what was published: the page's source file, a subpage's data, each data
//! file after privacy filtering, each attachment. The same `items` are stored in the
//! history chain (`history/`), so the chain commits to the content of every publication.
//! `files` maps every output file to its size and SHA-256, for `congkhai verify`.
//!
//! No wall-clock time: the only date is the build date, an input.

use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::publication::Status;
use crate::diagnostics::{Diagnostic, display_path};
use crate::digest::sha256_hex;
use crate::model::{FileInfo, Model};

pub use super::layout::MANIFEST_PATH;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalRec {
    pub by: String,
    pub role: String,
    pub decision: String,
    pub date: Option<String>,
}

/// One published (or withdrawn) item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// Site path (`/van-ban/ke-hoach/`, `/du-lieu/ho-ngheo/danh-sach.csv`).
    pub url: String,
    /// "page", "subpage", "download" or "attachment".
    pub kind: String,
    /// The record kind of the page it belongs to (`document`…), if any.
    #[serde(default)]
    pub record_kind: Option<String>,
    pub title: String,
    /// "published" or "expired".
    pub status: String,
    #[serde(default)]
    pub approval: Option<ApprovalRec>,
    #[serde(default)]
    pub publish_from: Option<String>,
    #[serde(default)]
    pub publish_until: Option<String>,
    /// SHA-256 of what was published (none for a withdrawn item).
    #[serde(default)]
    pub sha256: Option<String>,
    /// For tables: the key column, so the history can diff rows.
    #[serde(default)]
    pub key_column: Option<String>,
    /// The page a subpage, download or attachment belongs to.
    #[serde(default)]
    pub parent: Option<String>,
    /// For a published page: SHA-256 over what staff supplied for it (its source without
    /// the `correction` line, its attachments, the data files its `[record]` table
    /// names), so a change of the record is told from a change of congkhai's output
    /// formats. Absent in entries of older versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inputs_sha256: Option<String>,
    /// Why the record changed since the previous entry (`correction` in the front
    /// matter), in the entry that records the change only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correction: Option<String>,
}

impl Item {
    pub fn is_published(&self) -> bool {
        self.status == "published"
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileHash {
    pub size: u64,
    pub sha256: String,
}

/// Where this manifest sits in the history chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainRef {
    /// Number of entries; the last one describes this publication.
    pub entries: u32,
    /// Site path of the last entry (`/cong-khai/lich-su/chuoi/0003-2026-11-23.json`).
    pub head: String,
    /// SHA-256 of the last entry's bytes; each entry holds the hash of the one before.
    pub head_sha256: String,
    /// SHA-256 of the previous entry (the previous publication), if any.
    pub prev_sha256: Option<String>,
    /// The last entry is not recorded in the ward's `history/` (and so not signed):
    /// this output was made by `congkhai build`, a preview of the next publication, not by
    /// `congkhai publish`. Absent (false) in published output.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unrecorded: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub site: String,
    pub publisher: String,
    /// The build date (an input, never the clock).
    pub build_date: String,
    /// A staff draft preview: not a publication, not in the chain.
    pub preview: bool,
    pub chain: Option<ChainRef>,
    /// SHA-256 of `items` as compact JSON; equal to the chain head's `items_sha256`.
    pub items_sha256: String,
    pub items: Vec<Item>,
    /// Every output file except the manifest itself.
    pub files: BTreeMap<String, FileHash>,
}

pub fn items_sha256(items: &[Item]) -> String {
    sha256_hex(&serde_json::to_vec(items).unwrap_or_default())
}

fn iso(d: Option<chrono::NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

/// The items of this publication, from the model: published and withdrawn pages with
/// their subpages, downloads and attachments. Drafts never appear.
pub fn items(model: &Model) -> Result<Vec<Item>, Diagnostic> {
    let mut out = Vec::new();
    for pm in &model.pages {
        let status = match pm.status {
            Status::Published => "published",
            Status::Expired => "expired",
            Status::DraftPreview | Status::Embargoed => continue,
        };
        let p = &pm.page;
        let record = |a: &crate::content::frontmatter::Approval| ApprovalRec {
            by: a.by.clone(),
            role: a.role.clone(),
            decision: a.decision.clone(),
            date: iso(a.date),
        };
        let approval = pm.approval.as_deref().map(record);
        let base = Item {
            url: p.path.clone(),
            kind: "page".into(),
            record_kind: pm.kind.map(str::to_string),
            title: p.fm.title.as_deref().unwrap_or_default().to_string(),
            status: status.into(),
            approval,
            publish_from: iso(p.fm.publish_from),
            publish_until: iso(p.fm.publish_until),
            sha256: None,
            key_column: None,
            parent: None,
            inputs_sha256: None,
            correction: None,
        };
        if pm.status == Status::Expired {
            out.push(base);
            continue;
        }
        let source = model.root.join(&p.file);
        let bytes = std::fs::read(&source).map_err(|e| {
            Diagnostic::error(format!(
                "không đọc được {} để tính mã SHA-256: {e}",
                display_path(&p.file)
            ))
        })?;
        out.push(Item {
            sha256: Some(sha256_hex(&bytes)),
            inputs_sha256: Some(inputs_sha256(model, pm, &bytes)),
            ..base.clone()
        });
        let child = |kind: &str, f: &FileInfo| Item {
            url: format!("/{}", f.out_rel),
            kind: kind.into(),
            title: f.title.clone(),
            sha256: Some(f.sha256.clone()),
            key_column: f.key_column.clone(),
            parent: Some(p.path.clone()),
            // An attachment approved on its own records that approval.
            approval: f
                .approval
                .as_ref()
                .map(record)
                .or_else(|| base.approval.clone()),
            ..base.clone()
        };
        for f in &pm.downloads {
            out.push(child("download", f));
        }
        for f in &pm.attachments {
            out.push(child("attachment", f));
        }
        if let Some(r) = &pm.record {
            // A long list has hundreds of subpages; their records are hashed in parallel.
            let subpages: Vec<Item> = r
                .subpages
                .par_iter()
                .map(|sp| {
                    let data = serde_json::to_vec(&sp.record).unwrap_or_default();
                    Item {
                        url: sp.path.clone(),
                        kind: "subpage".into(),
                        title: sp.title.clone(),
                        sha256: Some(sha256_hex(&data)),
                        parent: Some(p.path.clone()),
                        ..base.clone()
                    }
                })
                .collect();
            out.extend(subpages);
        }
    }
    out.sort_by(|a, b| a.url.cmp(&b.url).then_with(|| a.kind.cmp(&b.kind)));
    Ok(out)
}

/// What staff supplied for a page, hashed: the source (front matter without its
/// `correction` line, and body), each attachment's bytes, and every file a string of its
/// `[record]` table names (resolved as the record kinds resolve data files,
/// `kinds::files::resolve_in`). Output formats and the build date play no part.
pub fn inputs_sha256(model: &Model, pm: &crate::model::PageModel, source: &[u8]) -> String {
    let p = &pm.page;
    let mut list = String::new();
    // The source without its top-level `correction = "…"` line (top-level keys come
    // before the first table header): writing the reason is not itself a change.
    let text = String::from_utf8_lossy(source);
    let src = match crate::content::frontmatter::split(&text) {
        Some((fm, body, _)) => {
            let mut kept = String::new();
            let mut top = true;
            for line in fm.lines() {
                let t = line.trim_start();
                top &= !t.starts_with('[');
                let is_reason = t
                    .strip_prefix("correction")
                    .is_some_and(|r| r.trim_start().starts_with('='));
                if !(top && is_reason) {
                    kept.push_str(line);
                    kept.push('\n');
                }
            }
            sha256_hex(format!("{kept}+++\n{body}").as_bytes())
        }
        None => sha256_hex(source),
    };
    list.push_str(&format!("source\t{src}\n"));
    for f in &pm.attachments {
        list.push_str(&format!("attachment\t{}\t{}\n", f.out_rel, f.sha256));
    }
    let mut strings = Vec::new();
    fn collect<'a>(v: &'a toml::Value, out: &mut Vec<&'a str>) {
        match v {
            toml::Value::String(s) => out.push(s),
            toml::Value::Array(a) => a.iter().for_each(|v| collect(v, out)),
            toml::Value::Table(t) => t.values().for_each(|v| collect(v, out)),
            _ => {}
        }
    }
    p.fm.record.values().for_each(|v| collect(v, &mut strings));
    let mut files = std::collections::BTreeSet::new();
    for s in strings {
        // Only short values can be file names; a long text is never read as a path.
        if s.len() > 255 || s.contains('\n') {
            continue;
        }
        let rel = crate::kinds::files::resolve_in(&model.root, p.bundle_dir.as_deref(), s);
        // Never outside the site: a path that climbs or is absolute is not a data file.
        if !rel
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
        {
            continue;
        }
        let abs = model.root.join(&rel);
        if abs.is_file()
            && let Ok(b) = std::fs::read(&abs)
        {
            files.insert((rel.to_string_lossy().replace('\\', "/"), sha256_hex(&b)));
        }
    }
    for (rel, sha) in files {
        list.push_str(&format!("data\t{rel}\t{sha}\n"));
    }
    sha256_hex(list.as_bytes())
}

/// Output files the history entry cannot cover, because they are written after the entry
/// and show it: the manifest (it names the entry), the site's copy of the chain
/// (`cong-khai/lich-su/chuoi/`, checked entry by entry by `verify`), the change-history
/// page and the register (they show the new entry), and the preview marker (written
/// after the manifest). Every other output byte is committed to by `files_sha256`.
pub fn chain_covered(rel: &str) -> bool {
    rel == MANIFEST_PATH
        || rel == crate::output::PREVIEW_MARKER
        || rel == "cong-khai/lich-su/index.html"
        || rel == "cong-khai/danh-muc/index.html"
        || rel
            .strip_prefix(super::layout::SITE_CHAIN_DIR)
            .is_some_and(|r| r.starts_with('/'))
}

/// SHA-256 of the list of output files (path, size, SHA-256), leaving out the
/// [`chain_covered`] ones: what a history entry records as `files_sha256`.
pub fn files_list_sha256(files: &BTreeMap<String, FileHash>) -> String {
    let mut list = String::new();
    for (rel, f) in files.iter().filter(|(rel, _)| !chain_covered(rel)) {
        list.push_str(rel);
        list.push('\t');
        list.push_str(&f.size.to_string());
        list.push('\t');
        list.push_str(&f.sha256);
        list.push('\n');
    }
    sha256_hex(list.as_bytes())
}

/// What [`scan`] found under an output folder.
#[derive(Debug, Default)]
pub struct Scan {
    /// Regular files accepted by the filter: size and SHA-256.
    pub files: BTreeMap<String, FileHash>,
    /// Entries that are neither a regular file nor a folder (symbolic links, FIFOs,
    /// sockets, devices), with a Vietnamese name of their type.
    pub odd: Vec<(String, &'static str)>,
}

/// Size and SHA-256 of every regular file under `dir` whose site path passes `keep`,
/// and every entry that is not a regular file or folder (never followed).
pub fn scan(dir: &Path, keep: &(dyn Fn(&str) -> bool + Sync)) -> Result<Scan, Diagnostic> {
    scan_known(dir, keep, &|_| None)
}

/// [`scan`], taking the size and hash of a file from `known` when it has them (the
/// files this build wrote, hashed as they were written) instead of reading it.
pub fn scan_known(
    dir: &Path,
    keep: &(dyn Fn(&str) -> bool + Sync),
    known: &(dyn Fn(&str) -> Option<(u64, String)> + Sync),
) -> Result<Scan, Diagnostic> {
    let mut paths = Vec::new();
    let mut odd = Vec::new();
    for e in walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
    {
        let e = e.map_err(|e| Diagnostic::error(format!("không đọc được thư mục đầu ra: {e}")))?;
        let ft = e.file_type();
        if ft.is_dir() {
            continue;
        }
        let rel = crate::output::rel_path(e.path(), dir);
        if !ft.is_file() {
            let what = if ft.is_symlink() {
                "liên kết tượng trưng (symlink)"
            } else {
                "tệp đặc biệt (không phải tệp thường)"
            };
            odd.push((rel, what));
            continue;
        }
        if keep(&rel) {
            paths.push((rel, e.into_path()));
        }
    }
    // Reading and hashing is most of a large site's manifest time: in parallel.
    let files = paths
        .into_par_iter()
        .map(|(rel, path)| {
            if let Some((size, sha256)) = known(&rel) {
                return Ok((rel, FileHash { size, sha256 }));
            }
            let bytes = std::fs::read(&path).map_err(|err| {
                Diagnostic::error(format!("không đọc được tệp {rel} để tính mã: {err}"))
            })?;
            let hash = FileHash {
                size: bytes.len() as u64,
                sha256: sha256_hex(&bytes),
            };
            Ok((rel, hash))
        })
        .collect::<Result<_, Diagnostic>>()?;
    Ok(Scan { files, odd })
}

/// Size and SHA-256 of every file under `dir` (sorted) whose site path `keep` accepts,
/// except the manifest and the preview marker, taking those `known` has (the files this
/// build wrote, hashed as they were written, [`scan_known`]) instead of reading them. A
/// symbolic link or special file is an error.
pub fn hash_files_known(
    dir: &Path,
    keep: &(dyn Fn(&str) -> bool + Sync),
    known: &(dyn Fn(&str) -> Option<(u64, String)> + Sync),
) -> Result<BTreeMap<String, FileHash>, Diagnostic> {
    let s = scan_known(
        dir,
        &|rel| rel != MANIFEST_PATH && rel != crate::output::PREVIEW_MARKER && keep(rel),
        known,
    )?;
    if let Some((rel, what)) = s.odd.first() {
        return Err(Diagnostic::error(format!(
            "thư mục đầu ra chứa {rel} là {what}; trang công khai chỉ được có tệp thường"
        ))
        .in_file(dir.join(rel))
        .hint("xóa liên kết, chép tệp thật vào static/ thay cho liên kết"));
    }
    Ok(s.files)
}

/// Pretty JSON with a final newline; field order is fixed, maps are sorted.
pub fn to_bytes<T: Serialize>(v: &T) -> Vec<u8> {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s.into_bytes()
}
