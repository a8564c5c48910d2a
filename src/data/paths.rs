//! Resolving user-given relative paths (from front matter, config, templates) inside
//! the site folder, so that a typo or a malicious page cannot read `/etc/passwd` or a
//! file next to the site.

use std::path::{Component, Path, PathBuf};

use crate::diagnostics::{Diagnostic, Location};

/// Resolve `rel` (as written by staff, `/` or `\` separated) inside
/// `site_root.join(what_dir)`; `what_dir` may be `""` for the site root itself.
///
/// Refused: empty paths, absolute paths (`/etc/passwd`, `C:\…`, `\\server\…`), `..`
/// components that climb out of `what_dir`, and existing paths whose symlinks resolve
/// outside the site root. The returned path is `site_root/what_dir/rel` with `.` and
/// `..` resolved lexically; it is not required to exist.
pub fn safe_join(site_root: &Path, rel: &str, what_dir: &str) -> Result<PathBuf, Diagnostic> {
    let shown = rel.trim();
    let outside = || {
        Diagnostic::error(format!(
            "đường dẫn \u{201c}{shown}\u{201d} nằm ngoài thư mục trang{}",
            if what_dir.is_empty() {
                String::new()
            } else {
                format!(" (thư mục \u{201c}{what_dir}\u{201d})")
            }
        ))
        .hint(format!(
            "chỉ dùng đường dẫn tương đối bên trong thư mục \u{201c}{}\u{201d} của trang, \
             không bắt đầu bằng / hay ổ đĩa (C:) và không dùng \u{201c}..\u{201d} để ra ngoài; \
             ví dụ: {}",
            if what_dir.is_empty() { "." } else { what_dir },
            if what_dir == "data" {
                "ho-ngheo.csv"
            } else {
                "data/ho-ngheo.csv"
            }
        ))
    };

    if shown.is_empty() {
        return Err(Diagnostic::error("đường dẫn tệp đang để trống")
            .hint("ghi đường dẫn tương đối tới tệp, ví dụ data/ho-ngheo.csv"));
    }
    if shown.contains('\0') {
        return Err(outside());
    }
    if is_absolute_like(shown) {
        return Err(outside());
    }

    // Lexical resolution: `a/./b/../c` → `a/c`; climbing above the base is refused.
    let mut parts: Vec<&str> = Vec::new();
    for part in shown.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(outside());
                }
            }
            p => parts.push(p),
        }
    }
    if parts.is_empty() {
        return Err(Diagnostic::error(format!(
            "đường dẫn \u{201c}{shown}\u{201d} không trỏ tới tệp nào"
        ))
        .hint("ghi đường dẫn tương đối tới tệp, ví dụ data/ho-ngheo.csv"));
    }

    let base = if what_dir.is_empty() {
        site_root.to_path_buf()
    } else {
        site_root.join(what_dir)
    };
    let mut joined = base;
    for p in &parts {
        joined.push(p);
    }

    // Symlinks: whatever exists of the path must resolve inside the site root.
    let root_canon = site_root.canonicalize().map_err(|e| {
        Diagnostic::error(format!("không đọc được thư mục trang: {e}"))
            .at(Location::file(site_root))
    })?;
    let mut probe: &Path = &joined;
    loop {
        match probe.canonicalize() {
            Ok(canon) => {
                if !canon.starts_with(&root_canon) {
                    return Err(outside());
                }
                break;
            }
            Err(_) => match probe.parent() {
                Some(parent) => probe = parent,
                None => break,
            },
        }
    }
    note_resolved(&joined);
    Ok(joined)
}

/// Every path [`safe_join`] resolved in this process: the files a build may read
/// outside the folders the incremental cache always hashes (a record's table or a
/// `load_data` file anywhere in the site). The cache (`crate::pipeline`'s skip of an
/// unchanged site) hashes them too; a build that read a file the cache did not hash
/// writes no cache.
static RESOLVED: std::sync::Mutex<std::collections::BTreeSet<PathBuf>> =
    std::sync::Mutex::new(std::collections::BTreeSet::new());

fn note_resolved(p: &Path) {
    if let Ok(mut r) = RESOLVED.lock()
        && !r.contains(p)
    {
        r.insert(p.to_path_buf());
    }
}

/// The paths [`safe_join`] resolved so far under `site_root`, sorted.
pub fn resolved_under(site_root: &Path) -> Vec<PathBuf> {
    RESOLVED
        .lock()
        .map(|r| {
            r.iter()
                .filter(|p| p.starts_with(site_root))
                .cloned()
                .collect()
        })
        .unwrap_or_default()
}

/// Absolute on any platform: `/x`, `\x`, `C:…`, `\\server\share`, or whatever the
/// host considers absolute or prefixed.
fn is_absolute_like(s: &str) -> bool {
    if s.starts_with('/') || s.starts_with('\\') || s.starts_with('~') {
        return true;
    }
    let b = s.as_bytes();
    if b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' {
        return true;
    }
    let p = Path::new(s);
    p.is_absolute()
        || p.components()
            .any(|c| matches!(c, Component::Prefix(_) | Component::RootDir))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_inside_paths() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("data/sub")).unwrap();
        for (rel, want) in [
            ("ho-ngheo.csv", "data/ho-ngheo.csv"),
            ("./sub/x.csv", "data/sub/x.csv"),
            ("sub/../x.csv", "data/x.csv"),
            ("sub\\x.csv", "data/sub/x.csv"),
            ("  x.csv ", "data/x.csv"),
        ] {
            let got = safe_join(dir.path(), rel, "data").unwrap();
            assert_eq!(got, dir.path().join(want), "{rel}");
        }
    }

    #[test]
    fn refuses_escapes_and_absolute_paths() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("data")).unwrap();
        for rel in [
            "../../etc/passwd",
            "../config.toml",
            "sub/../../x.csv",
            "/etc/passwd",
            "\\windows\\system32",
            "C:\\x.csv",
            "c:x.csv",
            "~/x.csv",
            "",
            ".",
            "a\0b",
        ] {
            let err = safe_join(dir.path(), rel, "data").unwrap_err();
            assert!(err.is_error(), "{rel}");
            assert!(err.hint.is_some(), "{rel}");
        }
        let err = safe_join(dir.path(), "../../etc/passwd", "").unwrap_err();
        assert!(
            err.message.contains("nằm ngoài thư mục trang"),
            "{}",
            err.message
        );
    }

    #[cfg(unix)]
    #[test]
    fn refuses_symlink_out_of_site() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.csv"), "a,b\n").unwrap();
        let site = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(site.path().join("data")).unwrap();
        std::os::unix::fs::symlink(
            outside.path().join("secret.csv"),
            site.path().join("data/link.csv"),
        )
        .unwrap();
        std::os::unix::fs::symlink(outside.path(), site.path().join("data/dir")).unwrap();
        assert!(safe_join(site.path(), "link.csv", "data").is_err());
        // A missing file under a symlinked directory is refused too.
        assert!(safe_join(site.path(), "dir/missing.csv", "data").is_err());
        // A symlink that stays inside the site is fine.
        std::fs::write(site.path().join("real.csv"), "a\n").unwrap();
        std::os::unix::fs::symlink(
            site.path().join("real.csv"),
            site.path().join("data/in.csv"),
        )
        .unwrap();
        assert!(safe_join(site.path(), "in.csv", "data").is_ok());
    }
}
