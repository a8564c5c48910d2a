//! The verifiable history: an append-only hash chain of publications in `history/`, the
//! "Lịch sử thay đổi" page and the quarterly register "Danh mục thông tin đã công khai".
//!
//! Each entry `history/NNNN-YYYY-MM-DD.json` holds the items of one publication (the
//! manifest's `items`), their hash, and the SHA-256 of the previous entry's bytes (`prev`).
//! A build appends an entry only when the items changed, so a rebuild of the same input
//! adds nothing and is byte-identical. Tables with a key column are kept, after privacy
//! filtering (exactly the published CSV), in `history/data/<sha256>.csv` so the history
//! page can show rows added, removed and changed. Those copies are never published: once
//! a table is withdrawn, its rows leave the site.
//!
//! A broken chain (an entry edited, removed, renamed, a data copy changed) stops every
//! build with a message naming the entry; the chain is never restarted silently.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::manifest::{self, ChainRef, Item, Manifest};
use crate::site::Model;
use crate::site::model::{FileSource, sha256_hex};

pub const ENTRY_FORMAT: &str = "congkhai-history/1";
/// Where the site publishes its copy of the chain.
pub const SITE_CHAIN_DIR: &str = "cong-khai/lich-su/chuoi";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    pub format: String,
    pub seq: u32,
    pub date: String,
    /// SHA-256 of the previous entry file's bytes; none for the first entry.
    pub prev: Option<String>,
    pub items_sha256: String,
    /// SHA-256 of the published file list (path, size, SHA-256 of every output file
    /// except [`manifest::chain_covered`] ones); absent in entries of older versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub files_sha256: Option<String>,
    pub items: Vec<Item>,
}

/// One entry as read from disk (or about to be written).
#[derive(Debug, Clone)]
pub struct Stored {
    pub name: String,
    pub bytes: Vec<u8>,
    pub entry: Entry,
}

impl Stored {
    pub fn sha256(&self) -> String {
        sha256_hex(&self.bytes)
    }
}

/// What a successful `build` appends to `history/` (nothing for a preview or a rebuild).
///
/// The entry is written in two steps around the swap of the output folder, so history
/// never records a publication that did not happen and never misses one that did:
/// [`Pending::prepare`] (before the swap) writes the data copies and the entry as
/// `NNNN-DATE.json.pending`; [`Pending::promote`] (after the swap) renames it to
/// `NNNN-DATE.json`. A build killed in between leaves the `.pending` file; the next build
/// ([`reconcile`]) promotes it when the published output carries exactly that entry, and
/// deletes it otherwise. Every file is written atomically (temporary file, fsync,
/// rename, fsync of the folder): a half-written entry can never exist.
#[derive(Debug, Clone, Default)]
pub struct Pending {
    pub dir: PathBuf,
    pub entry: Option<(String, Vec<u8>)>,
    /// Content-addressed copies of keyed tables: (sha256, bytes).
    pub data: Vec<(String, std::sync::Arc<Vec<u8>>)>,
}

/// Words in the message of a build whose site was published but whose history entry
/// could not be recorded (the command line then does not claim the old site stayed).
pub const PUBLISHED_NOT_RECORDED: &str = "ĐÃ được công khai";

/// Suffix of an entry written before the swap and not yet part of the chain.
pub const PENDING_SUFFIX: &str = ".pending";

fn history_io(p: &Path, e: std::io::Error) -> Diagnostic {
    Diagnostic::error(format!("không ghi được lịch sử công khai: {e}"))
        .in_file(p)
        .hint("kiểm tra quyền ghi và dung lượng ổ đĩa của thư mục history/")
}

impl Pending {
    /// Before the swap: data copies, then the entry as `….json.pending`.
    pub fn prepare(&self) -> Result<(), Diagnostic> {
        let Some((name, bytes)) = &self.entry else {
            return Ok(());
        };
        let data_dir = self.dir.join("data");
        for (sha, b) in &self.data {
            let p = data_dir.join(format!("{sha}.csv"));
            if !p.exists() {
                std::fs::create_dir_all(&data_dir).map_err(|e| history_io(&data_dir, e))?;
                crate::output::write_atomic(&p, b.as_slice()).map_err(|e| history_io(&p, e))?;
            }
        }
        std::fs::create_dir_all(&self.dir).map_err(|e| history_io(&self.dir, e))?;
        let p = self.dir.join(format!("{name}{PENDING_SUFFIX}"));
        crate::output::write_atomic(&p, bytes).map_err(|e| history_io(&p, e))
    }

    /// After the swap: the pending entry joins the chain (one atomic rename).
    pub fn promote(&self) -> Result<(), Diagnostic> {
        let Some((name, _)) = &self.entry else {
            return Ok(());
        };
        let from = self.dir.join(format!("{name}{PENDING_SUFFIX}"));
        let to = self.dir.join(name);
        std::fs::rename(&from, &to)
            .and_then(|()| crate::output::sync_dir(&self.dir))
            .map_err(|e| {
                Diagnostic::error(format!(
                    "trang mới {PUBLISHED_NOT_RECORDED} nhưng chưa ghi được mục lịch sử {name}: {e}"
                ))
                .in_file(&to)
                .hint("sửa lỗi ghi (quyền, dung lượng) rồi chạy lại congkhai build: lần tạo trang sau tự ghi bổ sung mục này từ trang đã công khai")
            })
    }

    /// The swap failed: the publication did not happen, its entry goes.
    pub fn discard(&self) {
        if let Some((name, _)) = &self.entry {
            let _ = std::fs::remove_file(self.dir.join(format!("{name}{PENDING_SUFFIX}")));
        }
    }

    /// Write the new entry at once (for library callers that do not swap).
    pub fn write(&self) -> Result<(), Diagnostic> {
        self.prepare()?;
        self.promote()
    }
}

/// How the chain in `history/` relates to the chain published in the existing output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainState {
    /// history/ holds every published entry, byte for byte (it may hold more).
    Consistent,
    /// The output shows entries history/ does not have: deleted from history/.
    Missing { history: usize, published: usize },
    /// Entry `name` differs between the two.
    Diverges { name: String },
}

/// Compare two chains given as (file name, bytes), sorted by name.
pub fn compare_chains(
    history: &[(String, Vec<u8>)],
    published: &[(String, Vec<u8>)],
) -> ChainState {
    for (i, (name, bytes)) in published.iter().enumerate() {
        match history.get(i) {
            None => {
                return ChainState::Missing {
                    history: history.len(),
                    published: published.len(),
                };
            }
            Some((hn, hb)) if hn != name || hb != bytes => {
                return ChainState::Diverges { name: name.clone() };
            }
            Some(_) => {}
        }
    }
    ChainState::Consistent
}

/// What to do with a `….json.pending` entry left by a killed build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PendingFate {
    /// The output publishes exactly this entry as the next one: add it to history/.
    Promote,
    /// The swap never happened: delete it.
    Discard,
}

/// Decide a pending entry's fate from history/ and the published chain.
pub fn pending_fate(
    name: &str,
    bytes: &[u8],
    history: &[(String, Vec<u8>)],
    published: &[(String, Vec<u8>)],
) -> PendingFate {
    let next = history.len();
    match published.get(next) {
        Some((pn, pb))
            if pn == name
                && pb == bytes
                && published.len() == next + 1
                && compare_chains(history, &published[..next]) == ChainState::Consistent =>
        {
            PendingFate::Promote
        }
        _ => PendingFate::Discard,
    }
}

/// Before a `build` (holding the output's lock): remove temporary files of killed
/// builds, settle pending entries, and refuse to build when the output publishes
/// history entries that `history/` lacks or contradicts, unless `new_chain`. Returns
/// warnings.
pub fn reconcile(
    history_dir: &Path,
    output: &Path,
    new_chain: bool,
) -> Result<Diagnostics, Diagnostic> {
    let mut warnings = Diagnostics::new();
    let published_dir = output.join(SITE_CHAIN_DIR);
    let published = read_dir(&published_dir)?;
    let mut history = read_dir(history_dir)?;
    if let Ok(rd) = std::fs::read_dir(history_dir) {
        let mut pendings: Vec<(String, PathBuf)> = Vec::new();
        for e in rd.flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            if n.starts_with(crate::output::TMP_PREFIX) {
                let _ = std::fs::remove_file(e.path());
            } else if let Some(entry) = n.strip_suffix(PENDING_SUFFIX) {
                pendings.push((entry.to_string(), e.path()));
            }
        }
        pendings.sort();
        for (name, path) in pendings {
            let bytes = std::fs::read(&path).unwrap_or_default();
            match pending_fate(&name, &bytes, &history, &published) {
                PendingFate::Promote => {
                    let to = history_dir.join(&name);
                    std::fs::rename(&path, &to)
                        .and_then(|()| crate::output::sync_dir(history_dir))
                        .map_err(|e| history_io(&to, e))?;
                    warnings.push(
                        Diagnostic::warning(format!(
                            "đã ghi bổ sung mục lịch sử {name}: lần tạo trang trước đã công khai nhưng bị dừng trước khi ghi xong lịch sử"
                        ))
                        .in_file(&to)
                        .hint("nhớ lưu thư mục history/ vào kho (git add history/)"),
                    );
                    history.push((name, bytes));
                }
                PendingFate::Discard => {
                    let _ = std::fs::remove_file(&path);
                }
            }
        }
    }
    if new_chain {
        if !published.is_empty() && compare_chains(&history, &published) != ChainState::Consistent {
            warnings.push(
                Diagnostic::warning(format!(
                    "--new-chain: bỏ qua chuỗi lịch sử {} mục đã công khai; chuỗi tiếp tục từ {} mục trong thư mục lịch sử",
                    published.len(),
                    history.len()
                ))
                .in_file(history_dir),
            );
        }
        return Ok(warnings);
    }
    let fix = "lấy lại thư mục lịch sử từ kho lưu trữ (git checkout -- history/) hoặc bản sao lưu; \
               nếu thật sự muốn bắt đầu chuỗi mới, chạy congkhai build --new-chain (chuỗi cũ sẽ không còn trên trang)";
    let state = compare_chains(&history, &published);
    if state != ChainState::Consistent {
        // A broken history/ chain is named more precisely by its own check.
        validate(history_dir, history.clone())?;
    }
    match state {
        ChainState::Consistent => Ok(warnings),
        ChainState::Missing { history: h, published: p } => Err(Diagnostic::error(format!(
            "trang đã công khai ({}) có chuỗi lịch sử {p} mục nhưng thư mục lịch sử chỉ có {h} mục: có mục lịch sử bị xóa; không tạo trang",
            crate::diagnostics::display_path(output)
        ))
        .in_file(history_dir)
        .hint(fix)),
        ChainState::Diverges { name } => Err(Diagnostic::error(format!(
            "mục lịch sử {name} trong thư mục lịch sử khác với mục cùng tên trên trang đã công khai ({}): lịch sử đã bị sửa hoặc thay; không tạo trang",
            crate::diagnostics::display_path(output)
        ))
        .in_file(history_dir.join(&name))
        .hint(fix)),
    }
}

/// What the trust hook hands back to the build.
#[derive(Debug, Default)]
pub struct Outcome {
    pub pending: Pending,
    pub warnings: Diagnostics,
}

fn entry_name(seq: u32, date: &str) -> String {
    format!("{seq:04}-{date}.json")
}

/// The history directory of a site.
pub fn history_dir(model: &Model) -> PathBuf {
    history_dir_of(&model.root, &model.config)
}

/// The history directory of the site at `root` with `config`.
pub fn history_dir_of(root: &Path, config: &crate::config::Config) -> PathBuf {
    let rel = config
        .build
        .history_dir
        .clone()
        .unwrap_or_else(|| "history".into());
    root.join(rel)
}

/// Read the entry files of a chain directory, sorted by name.
pub fn read_dir(dir: &Path) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    let rd = std::fs::read_dir(dir).map_err(|e| {
        Diagnostic::error(format!("không đọc được thư mục lịch sử: {e}")).in_file(dir)
    })?;
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if e.path().is_file() && name.ends_with(".json") {
            let bytes = std::fs::read(e.path()).map_err(|err| {
                Diagnostic::error(format!("không đọc được mục lịch sử: {err}")).in_file(e.path())
            })?;
            out.push((name, bytes));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// Check a chain from its first entry: names, numbering, dates, each entry's own items
/// hash and each `prev` link. The first problem names the entry that breaks the chain.
pub fn validate(dir: &Path, files: Vec<(String, Vec<u8>)>) -> Result<Vec<Stored>, Diagnostic> {
    let mut chain: Vec<Stored> = Vec::new();
    let fix = "lịch sử công khai chỉ được ghi thêm, không được sửa: lấy lại thư mục history/ \
               từ kho lưu trữ (git checkout -- history/ hoặc bản sao lưu); không xóa để làm lại từ đầu";
    for (i, (name, bytes)) in files.into_iter().enumerate() {
        let file = dir.join(&name);
        let at = |msg: String| Diagnostic::error(msg).in_file(&file).hint(fix);
        let expected_seq = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let entry: Entry = serde_json::from_slice(&bytes)
            .map_err(|e| at(format!("mục lịch sử {name} bị hỏng, không đọc được: {e}")))?;
        if entry.format != ENTRY_FORMAT {
            return Err(at(format!(
                "mục lịch sử {name} có định dạng lạ \u{201c}{}\u{201d}",
                entry.format
            )));
        }
        if entry.seq != expected_seq || name != entry_name(entry.seq, &entry.date) {
            return Err(at(format!(
                "mục lịch sử {name} sai thứ tự: đáng lẽ là mục số {expected_seq} (tên {}…); có mục bị xóa, đổi tên hoặc chèn thêm",
                entry_name(expected_seq, "")
                    .trim_end_matches(".json")
                    .trim_end_matches('-')
            )));
        }
        let date = NaiveDate::parse_from_str(&entry.date, "%Y-%m-%d")
            .map_err(|_| at(format!("mục lịch sử {name} có ngày sai: {}", entry.date)))?;
        if manifest::items_sha256(&entry.items) != entry.items_sha256 {
            return Err(at(format!(
                "mục lịch sử {name} đã bị sửa tay: danh sách nội dung không khớp mã items_sha256 ghi trong chính nó"
            )));
        }
        let want_prev = chain.last().map(Stored::sha256);
        if entry.prev != want_prev {
            let prev_name = chain.last().map(|s| s.name.clone()).unwrap_or_default();
            return Err(at(match want_prev {
                None => format!(
                    "mục lịch sử đầu tiên {name} lại trỏ tới một mục trước nó; chuỗi đã bị cắt"
                ),
                Some(_) => format!(
                    "chuỗi lịch sử bị đứt tại {name}: mã \u{201c}prev\u{201d} không khớp mục trước {prev_name} (mục {prev_name} đã bị sửa, hoặc {name} bị ghi lại)"
                ),
            }));
        }
        if let Some(last) = chain.last()
            && last.entry.date.as_str() > entry.date.as_str()
        {
            return Err(at(format!(
                "mục lịch sử {name} ghi ngày {} trước ngày của mục trước ({})",
                crate::format::date_short(date),
                last.entry.date
            )));
        }
        chain.push(Stored { name, bytes, entry });
    }
    Ok(chain)
}

/// Data copies a chain refers to must be there, unchanged.
fn check_data(dir: &Path, chain: &[Stored]) -> Result<(), Diagnostic> {
    let mut checked = std::collections::HashSet::new();
    for s in chain {
        for it in s.entry.items.iter().filter(|i| keyed(i)) {
            let Some(sha) = &it.sha256 else { continue };
            // A table unchanged across entries is stored once and checked once.
            if !checked.insert(sha.as_str()) {
                continue;
            }
            let p = dir.join("data").join(format!("{sha}.csv"));
            let ok = std::fs::read(&p).map(|b| sha256_hex(&b) == *sha);
            match ok {
                Ok(true) => {}
                Ok(false) => {
                    return Err(Diagnostic::error(format!(
                        "bản lưu dữ liệu {} (mục lịch sử {}) đã bị sửa: mã SHA-256 không còn khớp tên tệp",
                        p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
                        s.name
                    ))
                    .in_file(&p)
                    .hint("lấy lại tệp từ kho lưu trữ (git checkout -- history/data/)"));
                }
                Err(_) => {
                    return Err(Diagnostic::error(format!(
                        "mục lịch sử {} trỏ tới bản lưu dữ liệu {sha}.csv nhưng tệp không còn",
                        s.name
                    ))
                    .in_file(dir.join(&s.name))
                    .hint("lấy lại thư mục history/data/ từ kho lưu trữ (git checkout -- history/data/)"));
                }
            }
        }
    }
    Ok(())
}

fn keyed(i: &Item) -> bool {
    i.kind == "download" && i.key_column.is_some() && i.is_published() && i.url.ends_with(".csv")
}

/// The trust hook: run after every page is rendered. Validates the chain, decides the
/// new entry, renders the history and register pages, then hashes the output and writes
/// the manifest. `write_page(path, template, ctx)` renders a page with the site theme.
pub fn publish(
    model: &Model,
    sink: &dyn crate::site::Sink,
    has_template: &dyn Fn(&str) -> bool,
    write_page: &dyn Fn(&str, &str, &mut tera::Context) -> Result<(), Diagnostic>,
) -> Result<Outcome, Diagnostics> {
    let t = std::time::Instant::now();
    let dir = history_dir(model);
    let mut chain = validate(&dir, read_dir(&dir)?)?;
    check_data(&dir, &chain)?;
    crate::site::phase("history: check chain", t);
    let t = std::time::Instant::now();
    let items = manifest::items(model)?;
    let items_sha = manifest::items_sha256(&items);
    crate::site::phase("history: items", t);
    let t = std::time::Instant::now();
    let today = model.today.format("%Y-%m-%d").to_string();

    let mut pending = Pending {
        dir: dir.clone(),
        ..Default::default()
    };
    // Every output file written so far (all but the chain-covered ones, written below).
    let t2 = std::time::Instant::now();
    let mut files = match sink.dir() {
        Some(d) => Some(manifest::hash_files_where(d, &|rel| {
            !manifest::chain_covered(rel)
        })?),
        None => None,
    };
    let files_sha = files.as_ref().map(manifest::files_list_sha256);
    crate::site::phase("history: hash files", t2);
    // A new entry when the items or any published byte changed (`check` writes no files,
    // so it compares items only).
    let changed = chain.last().is_none_or(|s| {
        s.entry.items_sha256 != items_sha
            || (files_sha.is_some() && s.entry.files_sha256 != files_sha)
    });
    if changed && !model.preview {
        if let Some(last) = chain.last()
            && last.entry.date > today
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
            date: today.clone(),
            prev: chain.last().map(Stored::sha256),
            items_sha256: items_sha.clone(),
            files_sha256: files_sha.clone(),
            items: items.clone(),
        };
        let name = entry_name(seq, &today);
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

    crate::site::phase("history: pages", t);
    let t = std::time::Instant::now();
    // The manifest goes last: it hashes every other file (the chain-covered ones now).
    if let (Some(d), Some(f)) = (sink.dir(), files.as_mut()) {
        f.extend(manifest::hash_files_where(d, &manifest::chain_covered)?);
    }
    let files = files.unwrap_or_default();
    crate::site::phase("history: hash chain-covered files", t);
    let head = chain.last();
    let m = Manifest {
        format: manifest::FORMAT.into(),
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
    sink.write(manifest::MANIFEST_PATH, &manifest::to_bytes(&m))?;
    Ok(Outcome { pending, warnings })
}

/// Art. 12 warning for each published page: publication date (publish_from, else the
/// page date, else the first time the chain shows it) vs approval date.
fn late_warnings(model: &Model, chain: &[Stored], out: &mut Diagnostics) {
    let first_seen = first_published(chain);
    for pm in &model.pages {
        if pm.status != crate::publication::Status::Published {
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
            crate::publication::late_publication(&model.config, &p.file, approved, published)
        {
            out.push(w);
        }
    }
}

fn date_of(s: &Stored) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(&s.entry.date, "%Y-%m-%d").ok()
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
/// Rows shown per kind of change (added, removed, changed) in one table's diff; the
/// totals are always given.
const DIFF_ROWS_SHOWN: usize = 50;

/// Each publication, newest first: items added, withdrawn, changed, and row diffs.
fn history_value(
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
                        crate::site::phase("history: table diff", t);
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
        "manifest_url": model.config.permalink(&format!("/{}", manifest::MANIFEST_PATH)),
        "verify_url": model.config.permalink("/cong-khai/kiem-tra/"),
        "preview": model.preview,
    })
}

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

/// Rows added, removed and changed (cells old → new) between two CSVs, by key column.
pub fn table_diff(old: &[u8], new: &[u8], key: &str) -> serde_json::Value {
    let (Some(o), Some(n)) = rayon::join(|| read_rows(old, key), || read_rows(new, key)) else {
        return serde_json::Value::Null;
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
fn register_value(model: &Model, chain: &[Stored]) -> serde_json::Value {
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

    fn item(url: &str, sha: &str) -> Item {
        Item {
            url: url.into(),
            kind: "page".into(),
            record_kind: None,
            title: "T".into(),
            status: "published".into(),
            approval: None,
            publish_from: None,
            publish_until: None,
            sha256: Some(sha.into()),
            key_column: None,
            parent: None,
        }
    }

    fn chain_files(n: usize) -> Vec<(String, Vec<u8>)> {
        let mut out: Vec<(String, Vec<u8>)> = Vec::new();
        for i in 0..n {
            let items = vec![item("/a/", &format!("{i}"))];
            let e = Entry {
                format: ENTRY_FORMAT.into(),
                seq: (i + 1) as u32,
                date: format!("2026-06-{:02}", i + 1),
                prev: out.last().map(|(_, b)| sha256_hex(b)),
                items_sha256: manifest::items_sha256(&items),
                files_sha256: Some(format!("{i:064}")),
                items,
            };
            out.push((entry_name(e.seq, &e.date), manifest::to_bytes(&e)));
        }
        out
    }

    /// A chain as (file name, bytes).
    type Files = [(String, Vec<u8>)];

    #[test]
    fn published_chain_against_history() {
        let c = chain_files(3);
        let consistent = ChainState::Consistent;
        let missing = |h, p| ChainState::Missing {
            history: h,
            published: p,
        };
        let mut edited = c.clone();
        edited[1].1.push(b' ');
        let mut renamed = c.clone();
        renamed[2].0 = "0003-2026-07-01.json".into();
        let table: Vec<(&str, &Files, &Files, ChainState)> = vec![
            ("same", &c, &c, consistent.clone()),
            ("nothing published", &c, &[], consistent.clone()),
            ("history ahead", &c, &c[..2], consistent.clone()),
            ("both empty", &[], &[], consistent.clone()),
            ("last entry deleted", &c[..2], &c, missing(2, 3)),
            ("history deleted", &[], &c, missing(0, 3)),
            (
                "entry edited",
                &edited,
                &c,
                ChainState::Diverges {
                    name: c[1].0.clone(),
                },
            ),
            (
                "entry renamed",
                &renamed,
                &c,
                ChainState::Diverges {
                    name: c[2].0.clone(),
                },
            ),
        ];
        for (what, h, p, want) in table {
            assert_eq!(compare_chains(h, p), want, "{what}");
        }
    }

    #[test]
    fn pending_entry_is_promoted_only_when_published() {
        let c = chain_files(3);
        let (name, bytes) = (&c[2].0, &c[2].1);
        let table: Vec<(&str, &Files, &Files, PendingFate)> = vec![
            (
                "swap done, kill before rename",
                &c[..2],
                &c,
                PendingFate::Promote,
            ),
            ("kill before swap", &c[..2], &c[..2], PendingFate::Discard),
            ("output missing", &c[..2], &[], PendingFate::Discard),
            ("already recorded", &c, &c, PendingFate::Discard),
            ("history lost too", &[], &c, PendingFate::Discard),
        ];
        for (what, h, p, want) in table {
            assert_eq!(pending_fate(name, bytes, h, p), want, "{what}");
        }
        // A pending entry whose bytes differ from the published one is never promoted.
        let mut other = bytes.clone();
        other.push(b'\n');
        assert_eq!(
            pending_fate(name, &other, &c[..2], &c),
            PendingFate::Discard
        );
    }

    #[test]
    fn reconcile_settles_pending_and_refuses_lost_entries() {
        let tmp = tempfile::tempdir().unwrap();
        let (hist, out) = (tmp.path().join("history"), tmp.path().join("public"));
        let published = out.join(SITE_CHAIN_DIR);
        std::fs::create_dir_all(&hist).unwrap();
        std::fs::create_dir_all(&published).unwrap();
        let c = chain_files(2);
        for (n, b) in &c {
            std::fs::write(published.join(n), b).unwrap();
        }
        std::fs::write(hist.join(&c[0].0), &c[0].1).unwrap();
        // The second entry was published but is only pending: promoted.
        let pending = hist.join(format!("{}{PENDING_SUFFIX}", c[1].0));
        std::fs::write(&pending, &c[1].1).unwrap();
        std::fs::write(hist.join(".congkhai-tmp-abc"), b"half").unwrap();
        let w = reconcile(&hist, &out, false).unwrap();
        assert_eq!(w.warning_count(), 1);
        assert!(!pending.exists() && hist.join(&c[1].0).exists());
        assert!(!hist.join(".congkhai-tmp-abc").exists());
        // The last entry deleted: refused, unless a new chain is asked for.
        std::fs::remove_file(hist.join(&c[1].0)).unwrap();
        let e = reconcile(&hist, &out, false).unwrap_err();
        assert!(e.message.contains("bị xóa"), "{}", e.message);
        assert!(reconcile(&hist, &out, true).is_ok());
        // A pending entry the output does not publish is dropped.
        std::fs::write(hist.join(&c[1].0), &c[1].1).unwrap();
        let stray = hist.join(format!("0003-2026-06-03.json{PENDING_SUFFIX}"));
        std::fs::write(&stray, b"{}").unwrap();
        reconcile(&hist, &out, false).unwrap();
        assert!(!stray.exists());
        assert_eq!(read_dir(&hist).unwrap().len(), 2);
    }

    #[test]
    fn valid_chain_passes() {
        let c = validate(Path::new("history"), chain_files(3)).unwrap();
        assert_eq!(c.len(), 3);
    }

    #[test]
    fn tampering_is_named() {
        let d = Path::new("history");
        // (mutation, entry that must be named)
        type Mutation = fn(&mut Vec<(String, Vec<u8>)>);
        let cases: Vec<(Mutation, &str)> = vec![
            // Edit a title in entry 2 and fix its own items hash: entry 3 breaks.
            (
                |f| {
                    let mut e: Entry = serde_json::from_slice(&f[1].1).unwrap();
                    e.items[0].title = "X".into();
                    e.items_sha256 = manifest::items_sha256(&e.items);
                    f[1].1 = manifest::to_bytes(&e);
                },
                "0003-2026-06-03.json",
            ),
            // Edit an item without fixing the hash: entry 2 names itself.
            (
                |f| {
                    let s = String::from_utf8(f[1].1.clone())
                        .unwrap()
                        .replace("\"T\"", "\"U\"");
                    f[1].1 = s.into_bytes();
                },
                "0002-2026-06-02.json",
            ),
            // Remove entry 2.
            (
                |f| {
                    f.remove(1);
                },
                "0003-2026-06-03.json",
            ),
            // Garbage.
            (|f| f[0].1 = b"{not json".to_vec(), "0001-2026-06-01.json"),
        ];
        for (mutate, name) in cases {
            let mut f = chain_files(3);
            mutate(&mut f);
            let err = validate(d, f).unwrap_err().to_string();
            assert!(err.contains(name), "{name}: {err}");
        }
    }

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
