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
use crate::diagnostics::{Diagnostic, Diagnostics};

#[derive(Debug, Default)]
pub struct Report {
    pub files: usize,
    pub entries: usize,
    pub items: usize,
    /// The chain was also compared with a `history/` folder given by the user.
    pub anchored: bool,
}

pub fn verify(dir: &Path) -> Result<Report, Diagnostics> {
    verify_with_history(dir, None)
}

/// [`verify`], and, with `history`, the site's chain against the ward's own `history/`
/// folder (for example a git checkout): an anchor outside the published site, so a
/// forged chain head that is consistent in itself is caught too.
pub fn verify_with_history(dir: &Path, history: Option<&Path>) -> Result<Report, Diagnostics> {
    let mut report = verify_site(dir)?;
    if let Some(h) = history {
        let ours = history::read_dir(h).map_err(Diagnostics::from)?;
        let site = history::read_dir(&dir.join(SITE_CHAIN_DIR)).map_err(Diagnostics::from)?;
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
                "trang có {p} mục lịch sử nhưng thư mục lịch sử chỉ có {n}: trang có mục không do phường ghi"
            )),
            history::ChainState::Diverges { name } => Some(format!(
                "mục lịch sử {name} trên trang khác mục cùng tên trong thư mục lịch sử: trang đã bị thay"
            )),
        };
        if let Some(msg) = problem {
            return Err(Diagnostic::error(msg)
                .in_file(dir.join(SITE_CHAIN_DIR))
                .hint("so với thư mục history/ trong kho của phường; chép lại trang từ bản tạo gốc")
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
    check_files(dir, &m, &mpath, &mut errors);
    if errors.has_errors() {
        return Err(errors);
    }
    Ok(Report {
        files: m.files.len(),
        entries: chain.len(),
        items: m.items.len(),
        anchored: false,
    })
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
