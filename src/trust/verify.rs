//! `congkhai verify DIR`: check a built site offline.
//!
//! Every file against the manifest (`cong-khai/manifest.json`), the site's copy of the
//! history chain (`cong-khai/lich-su/chuoi/`) from its first entry, and the manifest
//! against the chain's last entry. Problems are reported in order, the first point of
//! tampering first: the chain, then the manifest, then the files.

use std::path::Path;

use super::chain as history;
use super::layout::SITE_CHAIN_DIR;
use super::manifest::{self, Manifest};
use super::signing::{self, SITE_PUBLIC_KEY};
use crate::diagnostics::{Diagnostic, Diagnostics};

#[derive(Debug, Default)]
pub struct Report {
    pub files: usize,
    pub entries: usize,
    pub items: usize,
    /// The chain was also compared with a `history/` folder given by the user.
    pub anchored: bool,
    /// Entries whose minisign signature checked with the key the chain names for them.
    pub signed: usize,
    /// Entries without a signature.
    pub unsigned: Vec<String>,
    /// Key changes recorded in the chain: (entry, old key id, new key id).
    pub rotations: Vec<(String, String, String)>,
    /// The newest entry is not recorded in the ward's history nor signed: the output of
    /// `congkhai build` (a preview), not of `congkhai publish`.
    pub unrecorded: Option<String>,
    /// With `--since`: how many entries of the earlier copy the chain extends.
    pub since: Option<usize>,
}

pub fn verify(dir: &Path) -> Result<Report, Diagnostics> {
    verify_with_history(dir, None)
}

/// [`verify_with_history`], then, with `since`, [`verify_since`].
pub fn verify_all(
    dir: &Path,
    history: Option<&Path>,
    since: Option<&Since>,
) -> Result<Report, Diagnostics> {
    // Both checks run: a rewritten chain fails its own check too, and the witness
    // names what changed since the saved copy.
    let base = verify_with_history(dir, history);
    let since = since.map(|s| verify_since(dir, s));
    match (base, since) {
        (Ok(r), None) => Ok(r),
        (Ok(mut r), Some(Ok(n))) => {
            r.since = Some(n);
            Ok(r)
        }
        (Ok(_), Some(Err(e))) => Err(e),
        (Err(mut e), Some(Err(e2))) => {
            e.extend(e2);
            Err(e)
        }
        (Err(e), _) => Err(e),
    }
}

/// [`verify`], and, with `history`, the site's chain against the ward's own `history/`
/// folder (for example a git checkout): an anchor outside the published site, so a
/// forged chain head that is consistent in itself is caught too.
pub fn verify_with_history(dir: &Path, history: Option<&Path>) -> Result<Report, Diagnostics> {
    let mut report = verify_site(dir)?;
    if let Some(h) = history {
        let ours = history::read_dir(h).map_err(Diagnostics::from)?;
        // A preview's newest entry is not in history/ by design.
        let site = history::published_recorded(dir)
            .map_err(Diagnostics::from)?
            .0;
        let problem = match history::compare_chains(&ours, &site) {
            history::ChainState::Consistent if ours.len() == site.len() => None,
            history::ChainState::Consistent => Some(format!(
                "trang có {} mục lịch sử, thư mục lịch sử có {}: trang chưa được cập nhật bản mới nhất",
                site.len(),
                ours.len()
            )),
            history::ChainState::Missing {
                history: n,
                published: p,
            } => Some(format!(
                "trang có {p} mục lịch sử nhưng thư mục lịch sử chỉ có {n}: trang có mục không do Ủy ban nhân dân ghi"
            )),
            history::ChainState::Diverges { name } => Some(format!(
                "mục lịch sử {name} trên trang khác mục cùng tên trong thư mục lịch sử: trang đã bị thay"
            )),
        };
        if let Some(msg) = problem {
            return Err(Diagnostic::error(msg)
                .in_file(dir.join(SITE_CHAIN_DIR))
                .hint("so với thư mục history/ trong kho của Ủy ban nhân dân; chép lại trang từ bản tạo gốc")
                .into());
        }
        report.anchored = true;
    }
    Ok(report)
}

fn verify_site(dir: &Path) -> Result<Report, Diagnostics> {
    let mpath = dir.join(manifest::MANIFEST_PATH);
    let m = read_manifest(&mpath)?;
    let mut errors = Diagnostics::new();
    if m.preview {
        errors.push(
            Diagnostic::error("đây là bản xem trước (bản nháp), không phải trang đã công khai")
                .in_file(&mpath),
        );
    }
    let chain = check_chain(dir, &m, &mpath, &mut errors);
    let unrecorded = m.chain.as_ref().is_some_and(|c| c.unrecorded);
    // 2c. Each entry's signature, with the key the chain names for it (an entry that
    // names none: the site's published key).
    let chain_dir = dir.join(SITE_CHAIN_DIR);
    let site_key = std::fs::read_to_string(dir.join(SITE_PUBLIC_KEY))
        .ok()
        .and_then(|t| signing::public_key_from_file_text(&t));
    let mut sigs = history::SigState::default();
    if !chain.is_empty() {
        match history::check_signatures(&chain_dir, &chain, site_key.as_deref(), unrecorded) {
            Ok(st) => sigs = st,
            Err(d) => errors.push(d),
        }
    }
    check_files(dir, &m, &mpath, &mut errors);
    if errors.has_errors() {
        return Err(errors);
    }
    Ok(Report {
        files: m.files.len(),
        entries: chain.len(),
        items: m.items.len(),
        anchored: false,
        signed: sigs.signed,
        unsigned: sigs.unsigned,
        rotations: sigs.rotations,
        unrecorded: if unrecorded {
            chain.last().map(|s| s.name.clone())
        } else {
            None
        },
        since: None,
    })
}

/// What `--since` was given: an earlier saved copy of the site (or of its chain
/// folder), or a chain head hash, optionally with its entry number (`SEQ:HASH`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Since {
    Copy(std::path::PathBuf),
    Head { seq: Option<u32>, sha256: String },
}

impl Since {
    pub fn parse(s: &str) -> Since {
        let t = s.trim();
        let (seq, hash) = match t.split_once(':') {
            Some((a, b)) if a.chars().all(|c| c.is_ascii_digit()) && !a.is_empty() => {
                (a.parse().ok(), b)
            }
            _ => (None, t),
        };
        if hash.len() == 64 && hash.chars().all(|c| c.is_ascii_hexdigit()) && !Path::new(t).exists()
        {
            return Since::Head {
                seq,
                sha256: hash.to_ascii_lowercase(),
            };
        }
        Since::Copy(std::path::PathBuf::from(s))
    }
}

/// The chain folder inside an earlier copy: the copy itself when it holds entry files,
/// its `cong-khai/lich-su/chuoi/`, or that of its one subfolder (`wget -m` saves a site
/// under a folder named after the host).
fn old_chain_dir(old: &Path) -> Option<(std::path::PathBuf, Option<std::path::PathBuf>)> {
    let direct = old.join(SITE_CHAIN_DIR);
    if direct.is_dir() {
        return Some((direct, Some(old.to_path_buf())));
    }
    if history::read_dir(old).is_ok_and(|f| !f.is_empty()) {
        return Some((old.to_path_buf(), None));
    }
    let subs: Vec<std::path::PathBuf> = std::fs::read_dir(old)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join(SITE_CHAIN_DIR).is_dir())
        .collect();
    match subs.as_slice() {
        [one] => Some((one.join(SITE_CHAIN_DIR), Some(one.clone()))),
        _ => None,
    }
}

/// `verify DIR --since OLD`: the site's chain extends the earlier one: every old entry
/// is still there at the same number with the same bytes, none removed, rewritten or
/// reordered; a head hash given is an entry of the chain. (Run after [`verify`], which
/// checks the chain itself and its signatures.)
pub fn verify_since(dir: &Path, since: &Since) -> Result<usize, Diagnostics> {
    let chain_dir = dir.join(SITE_CHAIN_DIR);
    let new = history::read_dir(&chain_dir).map_err(Diagnostics::from)?;
    let hint = "bản đã lưu trước là bằng chứng: trang hiện tại đã xóa hoặc viết lại lịch sử đã công khai; báo cho Ủy ban MTTQ, cơ quan báo chí, kèm cả hai bản";
    match since {
        Since::Head { seq, sha256 } => {
            let found = new
                .iter()
                .position(|(_, b)| crate::digest::sha256_hex(b) == *sha256);
            match (found, seq) {
                (Some(i), Some(n)) if i + 1 != *n as usize => Err(Diagnostic::error(format!(
                    "mục có mã {sha256} nay là mục số {} (tên {}), không còn là mục số {n}: chuỗi đã bị sắp xếp lại",
                    i + 1,
                    new[i].0
                ))
                .in_file(&chain_dir)
                .hint(hint)
                .into()),
                (Some(i), _) => Ok(i + 1),
                (None, _) => Err(Diagnostic::error(format!(
                    "không có mục nào trong chuỗi lịch sử của trang có mã {sha256}{}: mục đầu chuỗi đã lưu trước đây đã bị xóa hoặc viết lại",
                    seq.map(|n| format!(" (mục số {n})")).unwrap_or_default()
                ))
                .in_file(&chain_dir)
                .hint(hint)
                .into()),
            }
        }
        Since::Copy(old) => {
            let Some((old_dir, old_site)) = old_chain_dir(old) else {
                return Err(Diagnostic::error(
                    "bản lưu trước không có chuỗi lịch sử (không thấy cong-khai/lich-su/chuoi/ hay tệp NNNN-YYYY-MM-DD.json)",
                )
                .in_file(old)
                .hint("chỉ thư mục đã lưu bằng wget -m, thư mục chuoi/ của nó, hoặc đưa mã mục đầu chuỗi (64 ký tự hex)")
                .into());
            };
            let mut old_files = history::read_dir(&old_dir).map_err(Diagnostics::from)?;
            // A preview's newest entry (never recorded) is no promise to keep.
            if let Some(site) = old_site
                && let Ok((recorded, true)) = history::published_recorded(&site)
            {
                old_files = recorded;
            }
            let mut errors = Diagnostics::new();
            for (i, (name, bytes)) in old_files.iter().enumerate() {
                let sha = crate::digest::sha256_hex(bytes);
                let moved = new.iter().position(|(_, b)| b == bytes).filter(|j| *j != i);
                match (new.get(i), moved) {
                    (Some((n, b)), None) if n == name && b == bytes => {}
                    (_, Some(j)) => errors.push(
                        Diagnostic::error(format!(
                            "mục lịch sử {name} nay nằm ở vị trí {} (tên {}): chuỗi đã bị sắp xếp lại",
                            j + 1,
                            new[j].0
                        ))
                        .in_file(chain_dir.join(&new[j].0))
                        .hint(hint),
                    ),
                    (Some((n, b)), None) if n == name => errors.push(
                        Diagnostic::error(format!(
                            "mục lịch sử {name} đã bị viết lại: mã SHA-256 nay là {}, bản lưu trước là {sha}",
                            crate::digest::sha256_hex(b)
                        ))
                        .in_file(chain_dir.join(name))
                        .hint(hint),
                    ),
                    _ => errors.push(
                        Diagnostic::error(format!(
                            "mục lịch sử {name} (mã {sha}) có trong bản lưu trước nhưng đã bị xóa khỏi trang"
                        ))
                        .in_file(&chain_dir)
                        .hint(hint),
                    ),
                }
            }
            if errors.has_errors() {
                return Err(errors);
            }
            Ok(old_files.len())
        }
    }
}

fn read_manifest(mpath: &Path) -> Result<Manifest, Diagnostic> {
    let bytes = std::fs::read(mpath).map_err(|e| {
        Diagnostic::error(format!("không đọc được bản kê khai: {e}"))
            .in_file(mpath)
            .hint("chỉ định thư mục gốc của trang đã tạo (thư mục có cong-khai/manifest.json), ví dụ: congkhai verify public")
    })?;
    serde_json::from_slice(&bytes).map_err(|e| {
        Diagnostic::error(format!("bản kê khai bị hỏng, không đọc được: {e}")).in_file(mpath)
    })
}

/// Steps 1 and 2: the chain from its first entry, then the manifest against itself and
/// the chain head. Returns the chain (empty when it could not be read).
fn check_chain(
    dir: &Path,
    m: &Manifest,
    mpath: &Path,
    errors: &mut Diagnostics,
) -> Vec<history::Stored> {
    // 1. The chain, from its first entry.
    let chain_dir = dir.join(SITE_CHAIN_DIR);
    let chain = match history::read_dir(&chain_dir).and_then(|f| history::validate(&chain_dir, f)) {
        Ok(c) => c,
        Err(d) => {
            errors.push(d);
            Vec::new()
        }
    };
    // 2. The manifest against itself and the chain head.
    if manifest::items_sha256(&m.items) != m.items_sha256 {
        errors.push(
            Diagnostic::error(
                "danh sách nội dung trong bản kê khai đã bị sửa: không khớp mã items_sha256",
            )
            .in_file(mpath),
        );
    }
    match (&m.chain, chain.last()) {
        (Some(c), Some(head)) => {
            if c.head_sha256 != head.sha256() || !c.head.ends_with(&head.name) {
                errors.push(Diagnostic::error(format!(
                    "mục lịch sử cuối {} không phải mục mà bản kê khai ghi ({}): chuỗi đã bị sửa hoặc thay",
                    head.name, c.head
                )).in_file(chain_dir.join(&head.name)));
            } else if head.entry.items_sha256 != m.items_sha256 {
                errors.push(
                    Diagnostic::error(format!(
                        "nội dung trong bản kê khai khác nội dung ghi ở mục lịch sử cuối {}",
                        head.name
                    ))
                    .in_file(mpath),
                );
            }
        }
        (Some(c), None) if errors.is_empty() => errors.push(
            Diagnostic::error(format!(
                "bản kê khai ghi chuỗi lịch sử {} nhưng trang không có chuỗi",
                c.head
            ))
            .in_file(mpath),
        ),
        (None, Some(_)) => errors.push(
            Diagnostic::error("bản kê khai không ghi chuỗi lịch sử nhưng trang lại có")
                .in_file(mpath),
        ),
        _ => {}
    }
    // 2b. The manifest's file list against the chain head: every published byte
    // outside the chain-covered files is committed to by the entry.
    if let (Some(head), true) = (chain.last(), m.chain.is_some())
        && let Some(want) = &head.entry.files_sha256
        && &manifest::files_list_sha256(&m.files) != want
    {
        errors.push(
            Diagnostic::error(format!(
                "danh sách tệp trong bản kê khai không khớp mã files_sha256 ghi ở mục lịch sử {}: có tệp đã bị sửa, thêm hoặc xóa sau khi công khai và bản kê khai bị sửa theo",
                head.name
            ))
            .in_file(mpath)
            .hint("lấy lại trang từ bản tạo gốc (chạy lại congkhai build), rồi kiểm tra lại"),
        );
    }
    chain
}

/// Step 3: every file against the manifest, and each published data file against its
/// item.
fn check_files(dir: &Path, m: &Manifest, mpath: &Path, errors: &mut Diagnostics) {
    // 3. Every file; a symbolic link or special file is never part of a publication.
    let on_disk = match manifest::scan(dir, &|rel| {
        rel != manifest::MANIFEST_PATH && rel != crate::output::PREVIEW_MARKER
    }) {
        Ok(s) => {
            for (rel, what) in &s.odd {
                errors.push(
                    Diagnostic::error(format!(
                        "{rel} là {what}, không phải tệp đã công khai: có người thêm vào sau khi tạo trang"
                    ))
                    .in_file(dir.join(rel))
                    .hint("xóa nó, hoặc chép lại trang từ bản tạo gốc"),
                );
            }
            s.files
        }
        Err(d) => {
            errors.push(d);
            Default::default()
        }
    };
    for (rel, want) in &m.files {
        match on_disk.get(rel) {
            None => errors.push(
                Diagnostic::error(format!(
                    "tệp {rel} có trong bản kê khai nhưng không còn trên trang"
                ))
                .in_file(dir.join(rel)),
            ),
            Some(got) if got.sha256 != want.sha256 => errors.push(
                Diagnostic::error(format!(
                    "tệp {rel} đã bị thay đổi: mã SHA-256 {} khác mã đã công khai {}",
                    got.sha256, want.sha256
                ))
                .in_file(dir.join(rel)),
            ),
            Some(_) => {}
        }
    }
    for rel in on_disk.keys() {
        if !m.files.contains_key(rel) {
            errors.push(
                Diagnostic::error(format!(
                    "tệp {rel} không có trong bản kê khai (được thêm vào sau)"
                ))
                .in_file(dir.join(rel)),
            );
        }
    }
    // Published data files must match their items.
    for it in &m.items {
        if let (Some(sha), "download" | "attachment") = (&it.sha256, it.kind.as_str()) {
            let rel = it.url.trim_start_matches('/');
            if let Some(f) = m.files.get(rel)
                && &f.sha256 != sha
            {
                errors.push(
                    Diagnostic::error(format!(
                        "tệp {rel}: mã trong danh sách nội dung khác mã tệp"
                    ))
                    .in_file(mpath),
                );
            }
        }
    }
}
