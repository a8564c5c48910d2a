//! `congkhai verify DIR`: check a built site offline.
//!
//! Every file against the manifest (`cong-khai/manifest.json`), the site's copy of the
//! history chain (`cong-khai/lich-su/chuoi/`) from its first entry, and the manifest
//! against the chain's last entry. Problems are reported in order, the first point of
//! tampering first: the chain, then the manifest, then the files.

use std::path::Path;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::history;
use crate::manifest::{self, Manifest};

#[derive(Debug, Default)]
pub struct Report {
    pub files: usize,
    pub entries: usize,
    pub items: usize,
}

pub fn verify(dir: &Path) -> Result<Report, Diagnostics> {
    let mpath = dir.join(manifest::MANIFEST_PATH);
    let bytes = std::fs::read(&mpath).map_err(|e| {
        Diagnostic::error(format!("không đọc được bản kê khai: {e}"))
            .in_file(&mpath)
            .hint("chỉ định thư mục gốc của trang đã tạo (thư mục có cong-khai/manifest.json), ví dụ: congkhai verify public")
    })?;
    let m: Manifest = serde_json::from_slice(&bytes).map_err(|e| {
        Diagnostic::error(format!("bản kê khai bị hỏng, không đọc được: {e}")).in_file(&mpath)
    })?;
    let mut errors = Diagnostics::new();
    if m.preview {
        errors.push(
            Diagnostic::error("đây là bản xem trước (bản nháp), không phải trang đã công khai")
                .in_file(&mpath),
        );
    }

    // 1. The chain, from its first entry.
    let chain_dir = dir.join(history::SITE_CHAIN_DIR);
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
            .in_file(&mpath),
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
                    .in_file(&mpath),
                );
            }
        }
        (Some(c), None) if errors.is_empty() => errors.push(
            Diagnostic::error(format!(
                "bản kê khai ghi chuỗi lịch sử {} nhưng trang không có chuỗi",
                c.head
            ))
            .in_file(&mpath),
        ),
        (None, Some(_)) => errors.push(
            Diagnostic::error("bản kê khai không ghi chuỗi lịch sử nhưng trang lại có")
                .in_file(&mpath),
        ),
        _ => {}
    }
    // 3. Every file.
    let on_disk = match manifest::hash_files(dir) {
        Ok(f) => f,
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
                    .in_file(&mpath),
                );
            }
        }
    }
    if errors.has_errors() {
        return Err(errors);
    }
    Ok(Report {
        files: m.files.len(),
        entries: chain.len(),
        items: m.items.len(),
    })
}
