//! Writing the site without ever leaving a half-written `public/`.
//!
//! Everything is written into a staging directory next to the target. Only when the
//! whole build has succeeded is the old output moved aside, the staging directory
//! renamed into place, and the old output deleted. A failed build drops the staging
//! directory and leaves the previous output exactly as it was.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, display_path};

/// Marks an output directory as a staff draft preview; a normal build refuses to write
/// into a directory that has it, so a preview can never be published by mistake.
pub const PREVIEW_MARKER: &str = ".congkhai-preview";

pub struct Staging {
    dir: tempfile::TempDir,
    target: PathBuf,
}

impl Staging {
    /// Prepare staging for `target`. Refuses to replace a preview with a real build or
    /// the other way round, and refuses a target that is not a directory.
    pub fn new(target: &Path, preview: bool) -> Result<Staging, Diagnostic> {
        if target.exists() {
            if !target.is_dir() {
                return Err(Diagnostic::error(format!(
                    "đường dẫn đầu ra {} đã tồn tại nhưng không phải thư mục",
                    display_path(target)
                ))
                .hint("chọn thư mục khác bằng --output-dir"));
            }
            let has_marker = target.join(PREVIEW_MARKER).exists();
            if has_marker && !preview {
                return Err(Diagnostic::error(format!(
                    "thư mục {} đang chứa bản xem trước (bản nháp); không ghi trang chính thức vào đó",
                    display_path(target)
                ))
                .hint("xóa thư mục bản xem trước, hoặc chọn thư mục khác bằng --output-dir"));
            }
            let is_empty = fs::read_dir(target)
                .map(|mut d| d.next().is_none())
                .unwrap_or(false);
            if preview && !has_marker && !is_empty {
                return Err(Diagnostic::error(format!(
                    "thư mục {} chứa trang chính thức; bản xem trước không được ghi đè lên nó",
                    display_path(target)
                ))
                .hint(
                    "bản xem trước mặc định ghi vào public-preview; hãy dùng --output-dir khác",
                ));
            }
        }
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent).map_err(|e| io_diag("tạo thư mục", &parent, &e))?;
        let dir = tempfile::Builder::new()
            .prefix(".congkhai-staging-")
            .tempdir_in(&parent)
            .map_err(|e| io_diag("tạo thư mục tạm", &parent, &e))?;
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Write a file at a site-relative path (`van-ban/index.html`).
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let path = self.resolve(rel)?;
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| io_diag("tạo thư mục", parent, &e))?;
        }
        fs::write(&path, bytes).map_err(|e| io_diag("ghi tệp", &path, &e))
    }

    pub fn copy(&self, rel: &str, source: &Path) -> Result<(), Diagnostic> {
        let path = self.resolve(rel)?;
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| io_diag("tạo thư mục", parent, &e))?;
        }
        fs::copy(source, &path)
            .map(|_| ())
            .map_err(|e| io_diag("chép tệp", source, &e))
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.resolve(rel).map(|p| p.exists()).unwrap_or(false)
    }

    fn resolve(&self, rel: &str) -> Result<PathBuf, Diagnostic> {
        resolve_in(self.dir.path(), rel)
    }

    /// Swap the staged site into place.
    pub fn commit(self, preview: bool) -> Result<PathBuf, Diagnostic> {
        if preview {
            self.write(PREVIEW_MARKER, b"congkhai draft preview\n")?;
        }
        let staged = self.dir.keep();
        let target = self.target;
        let old = if target.exists() {
            let aside = aside_name(&target);
            fs::rename(&target, &aside).map_err(|e| {
                let _ = fs::remove_dir_all(&staged);
                io_diag("đổi tên thư mục đầu ra cũ", &target, &e)
            })?;
            Some(aside)
        } else {
            None
        };
        if let Err(e) = fs::rename(&staged, &target) {
            // Put the old site back; the build did not happen.
            if let Some(old) = &old {
                let _ = fs::rename(old, &target);
            }
            let _ = fs::remove_dir_all(&staged);
            return Err(io_diag("đưa trang mới vào chỗ", &target, &e));
        }
        if let Some(old) = old {
            let _ = fs::remove_dir_all(old);
        }
        Ok(target)
    }
}

/// Writes into a live directory (the one `serve` is serving), each file atomically: a
/// temporary file beside it, renamed over it, so a request never sees half a page.
pub struct LiveDir {
    dir: PathBuf,
}

impl LiveDir {
    pub fn new(dir: &Path) -> LiveDir {
        LiveDir {
            dir: dir.to_path_buf(),
        }
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Write `bytes` at a site-relative path, atomically.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let path = resolve_in(&self.dir, rel)?;
        let parent = path.parent().unwrap_or(&self.dir);
        fs::create_dir_all(parent).map_err(|e| io_diag("tạo thư mục", parent, &e))?;
        let mut tmp = tempfile::Builder::new()
            .prefix(".congkhai-write-")
            .tempfile_in(parent)
            .map_err(|e| io_diag("tạo tệp tạm", parent, &e))?;
        io::Write::write_all(&mut tmp, bytes).map_err(|e| io_diag("ghi tệp", &path, &e))?;
        tmp.persist(&path)
            .map(|_| ())
            .map_err(|e| io_diag("ghi tệp", &path, &e.error))
    }

    /// Copy `source` to a site-relative path, atomically.
    pub fn copy(&self, rel: &str, source: &Path) -> Result<(), Diagnostic> {
        let path = resolve_in(&self.dir, rel)?;
        let parent = path.parent().unwrap_or(&self.dir);
        fs::create_dir_all(parent).map_err(|e| io_diag("tạo thư mục", parent, &e))?;
        let tmp = tempfile::Builder::new()
            .prefix(".congkhai-write-")
            .tempfile_in(parent)
            .map_err(|e| io_diag("tạo tệp tạm", parent, &e))?;
        fs::copy(source, tmp.path()).map_err(|e| io_diag("chép tệp", source, &e))?;
        tmp.persist(&path)
            .map(|_| ())
            .map_err(|e| io_diag("ghi tệp", &path, &e.error))
    }
}

/// `path` relative to `base`, with `/` between components whatever the platform: the
/// form every site path takes (`van-ban/ke-hoach/index.html`).
pub fn rel_path(path: &Path, base: &Path) -> String {
    path.strip_prefix(base)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn resolve_in(dir: &Path, rel: &str) -> Result<PathBuf, Diagnostic> {
    let rel = rel.trim_start_matches('/');
    let p = Path::new(rel);
    if p.components()
        .any(|c| !matches!(c, std::path::Component::Normal(_)))
    {
        return Err(Diagnostic::error(format!(
            "đường dẫn đầu ra không hợp lệ: {rel}"
        )));
    }
    Ok(dir.join(p))
}

fn aside_name(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    let mut i = 0;
    loop {
        let p = target.with_file_name(format!(".congkhai-old-{name}-{i}"));
        if !p.exists() {
            return p;
        }
        i += 1;
    }
}

fn io_diag(what: &str, path: &Path, e: &io::Error) -> Diagnostic {
    Diagnostic::error(format!("không {what} được ({}): {e}", display_path(path)))
        .hint("kiểm tra quyền ghi và dung lượng ổ đĩa")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rel_path_joins_components_with_slashes() {
        let base = Path::new("/site/public");
        assert_eq!(
            rel_path(&base.join("van-ban").join("index.html"), base),
            "van-ban/index.html"
        );
        assert_eq!(rel_path(base, base), "");
        // A path outside `base` is kept whole (callers only pass paths inside it).
        assert_eq!(rel_path(Path::new("x/y"), base), "x/y");
    }

    #[test]
    fn failed_build_leaves_old_output() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("public");
        fs::create_dir_all(&target).unwrap();
        fs::write(target.join("index.html"), "old").unwrap();
        {
            let s = Staging::new(&target, false).unwrap();
            s.write("index.html", b"new").unwrap();
            // dropped without commit: a failed build
        }
        assert_eq!(
            fs::read_to_string(target.join("index.html")).unwrap(),
            "old"
        );
        let leftovers = fs::read_dir(tmp.path()).unwrap().count();
        assert_eq!(leftovers, 1, "staging directory removed");
    }

    #[test]
    fn commit_replaces_output() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("public");
        fs::create_dir_all(&target).unwrap();
        fs::write(target.join("stale.html"), "old").unwrap();
        let s = Staging::new(&target, false).unwrap();
        s.write("a/index.html", b"new").unwrap();
        s.commit(false).unwrap();
        assert!(!target.join("stale.html").exists());
        assert_eq!(
            fs::read_to_string(target.join("a/index.html")).unwrap(),
            "new"
        );
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1);
    }

    #[test]
    fn preview_and_real_never_mix() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("out");
        let s = Staging::new(&target, true).unwrap();
        s.write("index.html", b"draft").unwrap();
        s.commit(true).unwrap();
        assert!(
            Staging::new(&target, false).is_err(),
            "real build must refuse a preview dir"
        );
        let real = tmp.path().join("public");
        fs::create_dir_all(&real).unwrap();
        fs::write(real.join("index.html"), "x").unwrap();
        assert!(
            Staging::new(&real, true).is_err(),
            "preview must refuse a real site dir"
        );
    }

    #[test]
    fn rejects_escaping_paths() {
        let tmp = tempfile::tempdir().unwrap();
        let s = Staging::new(&tmp.path().join("p"), false).unwrap();
        assert!(s.write("../x", b"").is_err());
    }
}
