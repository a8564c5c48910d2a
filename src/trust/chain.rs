//! The history chain in `history/` (format: [`super::layout`]): its entries, reading
//! and checking them, the two-step append around the output swap ([`Pending`]), and
//! reconciling `history/` with the chain a published site carries.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::layout::{ENTRY_FORMAT, MANIFEST_PATH, SITE_CHAIN_DIR};
use super::manifest::{self, Item};
use super::signing::{self, SIG_SUFFIX};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::digest::sha256_hex;
use crate::model::Model;

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
    /// The minisign public key (base64) whose secret key signs this entry; absent in
    /// entries recorded before the ward had a key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing_key: Option<String>,
    /// Set when `signing_key` differs from the previous entry's: the key it replaces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_rotated_from: Option<String>,
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
    /// The new entry's minisign signature (`publish` with a secret key).
    pub sig: Option<Vec<u8>>,
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
        if let Some(sig) = &self.sig {
            let p = self.dir.join(format!("{name}{SIG_SUFFIX}{PENDING_SUFFIX}"));
            crate::output::write_atomic(&p, sig).map_err(|e| history_io(&p, e))?;
        }
        let p = self.dir.join(format!("{name}{PENDING_SUFFIX}"));
        crate::output::write_atomic(&p, bytes).map_err(|e| history_io(&p, e))
    }

    /// After the swap: the pending entry joins the chain (one atomic rename).
    pub fn promote(&self) -> Result<(), Diagnostic> {
        let Some((name, _)) = &self.entry else {
            return Ok(());
        };
        // The signature first: the entry's rename is the step that records it.
        let sig_from = self.dir.join(format!("{name}{SIG_SUFFIX}{PENDING_SUFFIX}"));
        let from = self.dir.join(format!("{name}{PENDING_SUFFIX}"));
        let to = self.dir.join(name);
        let sig = if self.sig.is_some() {
            std::fs::rename(&sig_from, self.dir.join(format!("{name}{SIG_SUFFIX}")))
        } else {
            Ok(())
        };
        sig.and_then(|()| std::fs::rename(&from, &to))
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
            let _ =
                std::fs::remove_file(self.dir.join(format!("{name}{SIG_SUFFIX}{PENDING_SUFFIX}")));
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

/// Entry files of a chain: (file name, bytes), sorted by name.
pub type ChainFiles = Vec<(String, Vec<u8>)>;

/// The chain an existing output publishes, without a last entry that the output marks
/// as not recorded (a `congkhai build` preview: `unrecorded` in its manifest, and no
/// signature beside it): the entries some publication vouched for. The flag says whether
/// such a preview entry was left out.
pub fn published_recorded(output: &Path) -> Result<(ChainFiles, bool), Diagnostic> {
    let dir = output.join(SITE_CHAIN_DIR);
    let mut published = read_dir(&dir)?;
    let unrecorded = std::fs::read(output.join(MANIFEST_PATH))
        .ok()
        .and_then(|b| serde_json::from_slice::<manifest::Manifest>(&b).ok())
        .and_then(|m| m.chain)
        .is_some_and(|c| c.unrecorded);
    let head_signed = published
        .last()
        .is_some_and(|(n, _)| dir.join(format!("{n}{SIG_SUFFIX}")).exists());
    let preview = unrecorded && !head_signed && !published.is_empty();
    if preview {
        published.pop();
    }
    Ok((published, preview))
}

/// Before a `publish` (holding the output's lock): remove temporary files of killed
/// runs, settle pending entries, and refuse to publish when the output publishes history
/// entries that `history/` lacks or contradicts, unless `new_chain`. Returns warnings.
pub fn reconcile(
    history_dir: &Path,
    output: &Path,
    new_chain: bool,
) -> Result<Diagnostics, Diagnostic> {
    let mut warnings = Diagnostics::new();
    let (published, _) = published_recorded(output)?;
    let mut history = read_dir(history_dir)?;
    if let Ok(rd) = std::fs::read_dir(history_dir) {
        let mut pendings: Vec<(String, PathBuf)> = Vec::new();
        let mut sig_pendings: Vec<PathBuf> = Vec::new();
        for e in rd.flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            if n.starts_with(crate::output::TMP_PREFIX) {
                let _ = std::fs::remove_file(e.path());
            } else if let Some(entry) = n.strip_suffix(PENDING_SUFFIX) {
                if entry.ends_with(SIG_SUFFIX) {
                    sig_pendings.push(e.path());
                } else {
                    pendings.push((entry.to_string(), e.path()));
                }
            }
        }
        pendings.sort();
        for (name, path) in pendings {
            let bytes = std::fs::read(&path).unwrap_or_default();
            let sig_pending = history_dir.join(format!("{name}{SIG_SUFFIX}{PENDING_SUFFIX}"));
            match pending_fate(&name, &bytes, &history, &published) {
                PendingFate::Promote => {
                    let to = history_dir.join(&name);
                    if sig_pending.exists() {
                        let sig_to = history_dir.join(format!("{name}{SIG_SUFFIX}"));
                        std::fs::rename(&sig_pending, &sig_to)
                            .map_err(|e| history_io(&sig_to, e))?;
                    }
                    std::fs::rename(&path, &to)
                        .and_then(|()| crate::output::sync_dir(history_dir))
                        .map_err(|e| history_io(&to, e))?;
                    warnings.push(
                        Diagnostic::warning(format!(
                            "đã ghi bổ sung mục lịch sử {name}: lần công khai trước đã đăng trang nhưng bị dừng trước khi ghi xong lịch sử"
                        ))
                        .in_file(&to)
                        .hint("nhớ lưu thư mục history/ vào kho (git add history/)"),
                    );
                    history.push((name, bytes));
                }
                PendingFate::Discard => {
                    let _ = std::fs::remove_file(&path);
                    let _ = std::fs::remove_file(&sig_pending);
                }
            }
        }
        // A signature whose entry was never prepared (killed in between).
        for p in sig_pendings {
            let _ = std::fs::remove_file(p);
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
    refuse_lost_entries(
        history_dir,
        output,
        &history,
        &published,
        "congkhai publish --new-chain",
    )?;
    Ok(warnings)
}

/// Before a `build` or `serve` (a preview: nothing is written to `history/`): the same
/// refusal as [`reconcile`] when `history/` lacks or contradicts recorded entries the
/// output publishes; a publication left half-recorded must be settled by `publish` first.
pub fn check_before_preview(history_dir: &Path, output: &Path) -> Result<(), Diagnostic> {
    if let Ok(rd) = std::fs::read_dir(history_dir) {
        let mut left: Vec<String> = rd
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(PENDING_SUFFIX))
            .collect();
        left.sort();
        if let Some(n) = left.first() {
            return Err(Diagnostic::error(format!(
                "lần công khai trước bị dừng giữa chừng: còn tệp {n} trong thư mục lịch sử; bản xem trước không được ghi vào lịch sử nên không tự hoàn tất việc này"
            ))
            .in_file(history_dir.join(n))
            .hint("chạy congkhai publish (cùng thư mục đầu ra) để ghi bổ sung hoặc bỏ mục dở dang, rồi tạo bản xem trước"));
        }
    }
    let history = read_dir(history_dir)?;
    let (published, _) = published_recorded(output)?;
    refuse_lost_entries(
        history_dir,
        output,
        &history,
        &published,
        "congkhai publish --new-chain",
    )
}

fn refuse_lost_entries(
    history_dir: &Path,
    output: &Path,
    history: &[(String, Vec<u8>)],
    published: &[(String, Vec<u8>)],
    new_chain_cmd: &str,
) -> Result<(), Diagnostic> {
    let fix = format!(
        "lấy lại thư mục lịch sử từ kho lưu trữ (git checkout -- history/) hoặc bản sao lưu; \
         nếu thật sự muốn bắt đầu chuỗi mới, chạy {new_chain_cmd} (chuỗi cũ sẽ không còn trên trang)"
    );
    let state = compare_chains(history, published);
    if state != ChainState::Consistent {
        // A broken history/ chain is named more precisely by its own check.
        validate(history_dir, history.to_vec())?;
    }
    match state {
        ChainState::Consistent => Ok(()),
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

/// Signatures of a chain, as checked by [`check_signatures`].
#[derive(Debug, Default)]
pub struct SigState {
    /// Each entry's signature file, if it has one (same order as the chain).
    pub sigs: Vec<Option<Vec<u8>>>,
    /// Entries with a valid signature.
    pub signed: usize,
    /// Entries without a signature (recorded before the ward had a key, or a preview's
    /// last entry when `unsigned_head` was allowed).
    pub unsigned: Vec<String>,
    /// Key changes recorded in the chain: (entry name, old key id, new key id).
    pub rotations: Vec<(String, String, String)>,
}

/// The key each entry must be signed with: the key it names; for an entry that names
/// none (recorded before the ward had a key and signed later by `congkhai sign`), the
/// first key named after it, else `fallback` (the site's key).
pub fn expected_keys(chain: &[Stored], fallback: Option<&str>) -> Vec<Option<String>> {
    let mut out = vec![None; chain.len()];
    let mut next: Option<String> = fallback.map(str::to_string);
    for (i, s) in chain.iter().enumerate().rev() {
        if let Some(k) = &s.entry.signing_key {
            next = Some(k.clone());
        }
        out[i] = next.clone();
    }
    out
}

/// Check every entry's signature (`NAME.minisig` in `dir`) with the key the chain names
/// for it, and that each change of key is recorded (`key_rotated_from`). An entry that
/// names a key must be signed, except the last one when `unsigned_head` (a preview).
pub fn check_signatures(
    dir: &Path,
    chain: &[Stored],
    fallback: Option<&str>,
    unsigned_head: bool,
) -> Result<SigState, Diagnostic> {
    let keys = expected_keys(chain, fallback);
    let mut st = SigState::default();
    let hint = "lấy lại thư mục lịch sử và các tệp .minisig từ kho lưu trữ hoặc bản sao đã lưu; chữ ký chỉ làm được bằng khóa bí mật của Ủy ban nhân dân";
    for (i, s) in chain.iter().enumerate() {
        let file = dir.join(&s.name);
        let at = |msg: String| Diagnostic::error(msg).in_file(&file).hint(hint);
        let prev_key = i
            .checked_sub(1)
            .and_then(|j| chain.get(j))
            .and_then(|p| p.entry.signing_key.clone());
        match (&prev_key, &s.entry.signing_key) {
            (Some(old), Some(new)) if old != new => {
                if s.entry.key_rotated_from.as_deref() != Some(old.as_str()) {
                    return Err(at(format!(
                        "mục lịch sử {} đổi khóa ký ({} → {}) mà không ghi việc đổi khóa (key_rotated_from)",
                        s.name,
                        signing::key_id_of(old),
                        signing::key_id_of(new)
                    )));
                }
                st.rotations.push((
                    s.name.clone(),
                    signing::key_id_of(old),
                    signing::key_id_of(new),
                ));
            }
            (Some(_), None) => {
                return Err(at(format!(
                    "mục lịch sử {} không ghi khóa ký dù các mục trước đã ký: chuỗi đã ký thì mọi mục sau phải ký",
                    s.name
                )));
            }
            _ => {
                if let Some(from) = &s.entry.key_rotated_from
                    && prev_key.as_deref() != Some(from.as_str())
                {
                    return Err(at(format!(
                        "mục lịch sử {} ghi đổi từ khóa {} nhưng mục trước không ký bằng khóa đó",
                        s.name,
                        signing::key_id_of(from)
                    )));
                }
            }
        }
        let sig = std::fs::read(dir.join(format!("{}{SIG_SUFFIX}", s.name))).ok();
        let is_head = i + 1 == chain.len();
        match (&sig, &keys[i]) {
            (Some(sig), Some(key)) => {
                signing::verify(key, sig, &s.name, s.entry.seq, &s.entry.date, &s.bytes)
                    .map_err(|p| at(p.describe(&format!("mục lịch sử {}", s.name), key)))?;
                st.signed += 1;
            }
            (Some(_), None) => {
                return Err(at(format!(
                    "mục lịch sử {} có chữ ký nhưng chuỗi và trang không cho biết khóa công khai nào để kiểm tra",
                    s.name
                )));
            }
            (None, _) if s.entry.signing_key.is_some() && !(unsigned_head && is_head) => {
                return Err(at(format!(
                    "mục lịch sử {} ghi khóa ký {} nhưng thiếu tệp chữ ký {}{SIG_SUFFIX}",
                    s.name,
                    signing::key_id_of(s.entry.signing_key.as_deref().unwrap_or_default()),
                    s.name
                )));
            }
            (None, _) => st.unsigned.push(s.name.clone()),
        }
        st.sigs.push(sig);
    }
    Ok(st)
}

pub(super) fn entry_name(seq: u32, date: &str) -> String {
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
pub(super) fn check_data(dir: &Path, chain: &[Stored]) -> Result<(), Diagnostic> {
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

pub(super) fn keyed(i: &Item) -> bool {
    i.kind == "download" && i.key_column.is_some() && i.is_published() && i.url.ends_with(".csv")
}

/// The date of an entry (none when its date does not parse).
pub(super) fn date_of(s: &Stored) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(&s.entry.date, "%Y-%m-%d").ok()
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
            inputs_sha256: None,
            correction: None,
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
                signing_key: None,
                key_rotated_from: None,
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
}
