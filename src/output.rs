//! Writing the site without ever losing a file or leaving a half-written `public/`.
//!
//! Everything is written into a staging directory next to the target. Only when the
//! whole build has succeeded is the old output moved aside, the staging directory
//! renamed into place, and the old output deleted. A failed build drops the staging
//! directory and leaves the previous output exactly as it was.
//!
//! Safety rules (one choke point each):
//! - [`check_output_dir`] / [`check_history_dir`]: the output never is, contains or lies
//!   inside a source folder of the site; config values stay inside the site root.
//! - [`ownership`]: congkhai only replaces or deletes a folder that carries its marker
//!   file [`OUTPUT_MARKER`] (or, once, a legacy output holding congkhai's manifest).
//! - [`BuildLock`]: one build per output folder at a time; under the lock, leftovers of
//!   killed builds are removed ([`remove_stale`]).
//! - [`swap_strategy`]: when the output folder cannot be renamed (a mount point), its
//!   contents are replaced instead.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, display_path};

/// Marks an output directory as a staff draft preview; a normal build refuses to write
/// into a directory that has it, so a preview can never be published by mistake.
pub const PREVIEW_MARKER: &str = ".congkhai-preview";

/// Proves that congkhai made a folder: every output and staging folder carries it, and
/// congkhai never replaces or deletes a non-empty folder without it.
pub const OUTPUT_MARKER: &str = ".congkhai-output";
const MARKER_TEXT: &[u8] =
    b"Thu muc nay do congkhai tao ra; lan tao trang sau se thay toan bo noi dung.\n\
This folder was made by congkhai; the next build replaces all of its contents.\n";
/// Name prefixes of congkhai's own working folders beside (or, on a mount point,
/// inside) the output folder.
const STAGING_PREFIX: &str = ".congkhai-staging-";
const OLD_PREFIX: &str = ".congkhai-old-";
const INCOMING_PREFIX: &str = ".congkhai-incoming-";
const LOCK_PREFIX: &str = ".congkhai-lock-";
/// A staging folder of an older congkhai (no target name, no marker) is removed only
/// when it is at least this old.
const LEGACY_STAGING_MIN_AGE: std::time::Duration = std::time::Duration::from_secs(3600);

pub struct Staging {
    dir: tempfile::TempDir,
    target: PathBuf,
}

/// Who made an existing folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ownership {
    Missing,
    Empty,
    /// Has [`OUTPUT_MARKER`] or [`PREVIEW_MARKER`].
    Marked,
    /// Made by a congkhai without the marker: holds its manifest. Accepted once.
    Legacy,
    /// Anything else: never replaced, never deleted.
    Foreign,
}

impl Ownership {
    pub fn is_ours(self) -> bool {
        !matches!(self, Ownership::Foreign)
    }
}

/// Who made `dir` (see [`Ownership`]).
pub fn ownership(dir: &Path) -> Ownership {
    let Ok(meta) = fs::symlink_metadata(dir) else {
        return Ownership::Missing;
    };
    if !meta.is_dir() {
        return Ownership::Foreign;
    }
    if is_file(&dir.join(OUTPUT_MARKER)) || is_file(&dir.join(PREVIEW_MARKER)) {
        return Ownership::Marked;
    }
    let empty = fs::read_dir(dir)
        .map(|mut d| d.next().is_none())
        .unwrap_or(false);
    if empty {
        return Ownership::Empty;
    }
    if is_legacy_output(dir) {
        return Ownership::Legacy;
    }
    Ownership::Foreign
}

fn is_file(p: &Path) -> bool {
    fs::symlink_metadata(p).is_ok_and(|m| m.is_file())
}

/// An output of an earlier congkhai: its manifest parses and names congkhai's format.
fn is_legacy_output(dir: &Path) -> bool {
    let p = dir.join(crate::manifest::MANIFEST_PATH);
    if !is_file(&p) {
        return false;
    }
    let Ok(bytes) = fs::read(&p) else {
        return false;
    };
    serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .and_then(|v| v.get("format").and_then(|f| f.as_str()).map(str::to_string))
        .is_some_and(|f| f == crate::manifest::FORMAT)
}

fn foreign_diag(target: &Path) -> Diagnostic {
    Diagnostic::error(format!(
        "thư mục đầu ra {} đã có nội dung nhưng không phải do congkhai tạo (không có tệp đánh dấu {OUTPUT_MARKER}); congkhai không ghi đè, không xóa nó",
        display_path(target)
    ))
    .in_file(target)
    .hint("chọn một thư mục trống hoặc chưa có bằng --output-dir; nếu thư mục này đúng là trang cũ do congkhai hay Zola tạo, hãy tự đổi tên hoặc xóa nó rồi tạo lại")
}

/// Name of the folder being written (`public`), used in working-folder names.
fn target_name(target: &Path) -> String {
    target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into())
}

fn parent_of(target: &Path) -> PathBuf {
    match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

impl Staging {
    /// Prepare staging for `target`. Refuses to replace a preview with a real build or
    /// the other way round, a target that is not a directory, and a non-empty folder
    /// congkhai did not make.
    pub fn new(target: &Path, preview: bool) -> Result<Staging, Diagnostic> {
        if fs::symlink_metadata(target).is_ok() {
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
            if !ownership(target).is_ours() {
                return Err(foreign_diag(target));
            }
        }
        let parent = parent_of(target);
        fs::create_dir_all(&parent).map_err(|e| io_diag("tạo thư mục", &parent, &e))?;
        let dir = tempfile::Builder::new()
            .prefix(&format!("{STAGING_PREFIX}{}-", target_name(target)))
            .tempdir_in(&parent)
            .map_err(|e| io_diag("tạo thư mục tạm", &parent, &e))?;
        // The marker first: a staging folder left by a killed build is recognisable.
        let marker = dir.path().join(OUTPUT_MARKER);
        fs::write(&marker, MARKER_TEXT).map_err(|e| io_diag("ghi tệp", &marker, &e))?;
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

    /// Swap the staged site into place. When the output folder itself cannot be renamed
    /// (a mount point, a busy bind mount), its contents are replaced instead.
    pub fn commit(self, preview: bool) -> Result<PathBuf, Diagnostic> {
        if preview {
            self.write(PREVIEW_MARKER, b"congkhai draft preview\n")?;
        }
        // Re-check just before replacing: nothing foreign is ever moved or deleted.
        if !ownership(&self.target).is_ours() {
            return Err(foreign_diag(&self.target));
        }
        let staged = self.dir.keep();
        let target = self.target;
        let result = swap_in(&staged, &target);
        if result.is_err() {
            let _ = remove_ours(&staged);
        }
        result.map(|()| target)
    }
}

/// How to put a staged tree in place of the output folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SwapStrategy {
    /// Rename folders: the output changes in one step.
    Rename,
    /// The folder cannot be renamed (mount point, bind mount, other file system):
    /// replace its contents, entry by entry.
    ReplaceContents,
    /// Any other failure: give up, nothing changed.
    Fail,
}

/// What to do when renaming the output folder failed with `e`.
pub fn swap_strategy(e: &io::Error) -> SwapStrategy {
    match e.kind() {
        io::ErrorKind::CrossesDevices | io::ErrorKind::ResourceBusy => {
            SwapStrategy::ReplaceContents
        }
        _ => SwapStrategy::Fail,
    }
}

/// `fs::rename` of the output folder, with a test seam: in debug builds only,
/// `CONGKHAI_TEST_RENAME_BUSY=1` makes renaming an existing output folder fail as it
/// does on a mount point (EBUSY), so tests can exercise [`SwapStrategy::ReplaceContents`].
fn rename_output(from: &Path, to: &Path) -> io::Result<()> {
    #[cfg(debug_assertions)]
    if std::env::var_os("CONGKHAI_TEST_RENAME_BUSY").is_some() {
        return Err(io::Error::from(io::ErrorKind::ResourceBusy));
    }
    fs::rename(from, to)
}

fn swap_in(staged: &Path, target: &Path) -> Result<(), Diagnostic> {
    if fs::symlink_metadata(target).is_err() {
        return fs::rename(staged, target)
            .map_err(|e| io_diag("đưa trang mới vào chỗ", target, &e));
    }
    let aside = aside_name(target);
    match rename_output(target, &aside) {
        Ok(()) => {}
        Err(e) => {
            return match swap_strategy(&e) {
                SwapStrategy::ReplaceContents => {
                    let r = replace_contents(staged, target)
                        .map_err(|e| io_diag("thay nội dung thư mục đầu ra", target, &e));
                    let _ = remove_ours(staged);
                    r
                }
                _ => Err(io_diag("đổi tên thư mục đầu ra cũ", target, &e)),
            };
        }
    }
    if let Err(e) = fs::rename(staged, target) {
        // Put the old site back; the build did not happen.
        let _ = fs::rename(&aside, target);
        return Err(io_diag("đưa trang mới vào chỗ", target, &e));
    }
    let _ = remove_ours(&aside);
    Ok(())
}

/// Replace the contents of `target` (which cannot itself be renamed) with the tree at
/// `staged`. The new tree is first copied into a folder inside `target` (same file
/// system), then the old entries are moved into another folder inside `target` and the
/// new ones moved out: only these renames, one per top-level entry, leave a mixed tree
/// if the process is killed; on an error they are undone.
fn replace_contents(staged: &Path, target: &Path) -> io::Result<()> {
    let incoming = tempfile::Builder::new()
        .prefix(INCOMING_PREFIX)
        .tempdir_in(target)?
        .keep();
    let old = tempfile::Builder::new()
        .prefix(OLD_PREFIX)
        .tempdir_in(target)?
        .keep();
    let is_work = |n: &std::ffi::OsStr| {
        let n = n.to_string_lossy();
        n.starts_with(INCOMING_PREFIX) || n.starts_with(OLD_PREFIX)
    };
    let undo = |moved_old: &[std::ffi::OsString], moved_new: &[std::ffi::OsString]| {
        for n in moved_new {
            let _ = fs::rename(target.join(n), incoming.join(n));
        }
        for n in moved_old {
            let _ = fs::rename(old.join(n), target.join(n));
        }
        let _ = fs::remove_dir_all(&incoming);
        let _ = fs::remove_dir_all(&old);
    };
    if let Err(e) = copy_tree(staged, &incoming) {
        undo(&[], &[]);
        return Err(e);
    }
    let mut moved_old = Vec::new();
    for e in fs::read_dir(target)? {
        let name = e?.file_name();
        if is_work(&name) {
            continue;
        }
        if let Err(e) = fs::rename(target.join(&name), old.join(&name)) {
            undo(&moved_old, &[]);
            return Err(e);
        }
        moved_old.push(name);
    }
    let mut moved_new = Vec::new();
    for e in fs::read_dir(&incoming)? {
        let name = e?.file_name();
        if let Err(e) = fs::rename(incoming.join(&name), target.join(&name)) {
            undo(&moved_old, &moved_new);
            return Err(e);
        }
        moved_new.push(name);
    }
    let _ = fs::remove_dir_all(&incoming);
    let _ = fs::remove_dir_all(&old);
    Ok(())
}

/// Copy a tree of regular files and folders (what a build writes).
fn copy_tree(from: &Path, to: &Path) -> io::Result<()> {
    for e in walkdir::WalkDir::new(from).min_depth(1) {
        let e = e.map_err(io::Error::other)?;
        let rel = e.path().strip_prefix(from).map_err(io::Error::other)?;
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            fs::create_dir_all(&dest)?;
        } else if e.file_type().is_file() {
            fs::copy(e.path(), &dest)?;
        }
    }
    Ok(())
}

/// Delete a folder only when congkhai made it (see [`ownership`]).
fn remove_ours(dir: &Path) -> io::Result<()> {
    if ownership(dir).is_ours() {
        match fs::remove_dir_all(dir) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    Ok(())
}

/// One build per output folder at a time: an exclusive lock on
/// `.congkhai-lock-<name>` beside it, held until dropped (released by the OS when the
/// process dies, so a killed build never leaves a stale lock).
pub struct BuildLock {
    _file: fs::File,
}

impl BuildLock {
    pub fn acquire(target: &Path) -> Result<BuildLock, Diagnostic> {
        let parent = parent_of(target);
        fs::create_dir_all(&parent).map_err(|e| io_diag("tạo thư mục", &parent, &e))?;
        let path = parent.join(format!("{LOCK_PREFIX}{}", target_name(target)));
        let file = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| io_diag("tạo tệp khóa", &path, &e))?;
        match file.try_lock() {
            Ok(()) => Ok(BuildLock { _file: file }),
            Err(fs::TryLockError::WouldBlock) => Err(Diagnostic::error(format!(
                "một lần tạo trang khác đang ghi vào {}; hai lần tạo trang cùng lúc sẽ phá hỏng nhau",
                display_path(target)
            ))
            .in_file(&path)
            .hint("đợi lần tạo trang kia xong rồi chạy lại")),
            Err(fs::TryLockError::Error(e)) => Err(io_diag("khóa thư mục đầu ra", &path, &e)),
        }
    }
}

/// What a working folder beside the output is, judged by its name alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leftover {
    /// A staging folder of this target (`.congkhai-staging-<name>-` and tempfile's random suffix).
    Staging,
    /// An old output moved aside (`.congkhai-old-<name>-N`).
    Aside,
    /// A staging folder of an older congkhai (`.congkhai-staging-` and a random suffix, no target name).
    LegacyStaging,
    /// Not ours, or another target's.
    Other,
}

/// Classify a folder name found beside the output folder called `name`.
pub fn leftover_kind(entry: &str, name: &str) -> Leftover {
    if let Some(rest) = entry.strip_prefix(STAGING_PREFIX) {
        if let Some(r) = rest.strip_prefix(name).and_then(|r| r.strip_prefix('-'))
            && r.len() == 6
            && r.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            return Leftover::Staging;
        }
        if rest.len() == 6 && rest.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Leftover::LegacyStaging;
        }
        return Leftover::Other;
    }
    if let Some(r) = entry
        .strip_prefix(OLD_PREFIX)
        .and_then(|r| r.strip_prefix(name))
        .and_then(|r| r.strip_prefix('-'))
        && !r.is_empty()
        && r.bytes().all(|b| b.is_ascii_digit())
    {
        return Leftover::Aside;
    }
    Leftover::Other
}

/// Remove what killed builds of `target` left behind; call it holding the
/// [`BuildLock`]. If the output folder itself is missing (a build killed between the two
/// renames of a swap), the old output moved aside is put back first. Returns how many
/// folders were removed.
pub fn remove_stale(target: &Path) -> usize {
    let parent = parent_of(target);
    let name = target_name(target);
    let Ok(rd) = fs::read_dir(&parent) else {
        return 0;
    };
    let mut asides = Vec::new();
    let mut removed = 0;
    for e in rd.flatten() {
        let entry = e.file_name().to_string_lossy().into_owned();
        let path = e.path();
        if !fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
            continue;
        }
        let gone = match leftover_kind(&entry, &name) {
            Leftover::Staging => remove_ours(&path).is_ok(),
            Leftover::Aside => {
                asides.push(path);
                false
            }
            Leftover::LegacyStaging => {
                let old = fs::metadata(&path)
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|t| t.elapsed().ok())
                    .is_some_and(|age| age >= LEGACY_STAGING_MIN_AGE);
                old && fs::remove_dir_all(&path).is_ok()
            }
            Leftover::Other => false,
        };
        removed += usize::from(gone);
    }
    asides.sort();
    if fs::symlink_metadata(target).is_err()
        && let Some(last) = asides.pop()
        && ownership(&last).is_ours()
        && fs::rename(&last, target).is_ok()
    {
        // Restored: the previous output is back in place.
    }
    for a in asides {
        removed += usize::from(remove_ours(&a).is_ok() && fs::symlink_metadata(&a).is_err());
    }
    // Working folders inside the output (a content swap on a mount point killed midway).
    if let Ok(rd) = fs::read_dir(target) {
        for e in rd.flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            if (n.starts_with(INCOMING_PREFIX) || n.starts_with(OLD_PREFIX))
                && fs::remove_dir_all(e.path()).is_ok()
            {
                removed += 1;
            }
        }
    }
    removed
}

/// Where a configured folder comes from, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// `--output-dir` on the command line: may be outside the site root.
    Cli,
    /// A key in config.toml (`output_dir`, `[build] history_dir`): must stay inside it.
    Config(&'static str),
    /// The default (`public`, `history`).
    Default,
}

/// Why a folder may not be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conflict {
    /// It is the site root or a folder holding it.
    ContainsRoot,
    /// It is a protected folder (`content`…).
    Is(String),
    /// It is inside a protected folder.
    Inside(String),
    /// It holds a protected folder.
    Contains(String),
    /// A config value leads outside the site root.
    OutsideRoot,
}

/// The rule, on normalised absolute paths: `target` must not be, hold or lie inside any
/// of `protected` (name, path); it must not be or hold `root`; and, unless it comes from
/// the command line, it must lie inside `root`.
pub fn conflict(
    root: &Path,
    protected: &[(String, PathBuf)],
    target: &Path,
    inside_root_required: bool,
) -> Option<Conflict> {
    if root.starts_with(target) {
        return Some(Conflict::ContainsRoot);
    }
    for (name, p) in protected {
        if target == p {
            return Some(Conflict::Is(name.clone()));
        }
        if target.starts_with(p) {
            return Some(Conflict::Inside(name.clone()));
        }
        if p.starts_with(target) {
            return Some(Conflict::Contains(name.clone()));
        }
    }
    if inside_root_required && !target.starts_with(root) {
        return Some(Conflict::OutsideRoot);
    }
    None
}

/// Absolute path with symlinks resolved in the part that exists and `.`/`..` folded
/// in the part that does not yet exist.
pub fn normalise(path: &Path) -> io::Result<PathBuf> {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()?.join(path)
    };
    let comps: Vec<std::path::Component> = abs.components().collect();
    // The longest prefix that exists, resolved.
    for split in (1..=comps.len()).rev() {
        let prefix: PathBuf = comps[..split].iter().collect();
        if let Ok(mut base) = fs::canonicalize(&prefix) {
            for c in &comps[split..] {
                match c {
                    std::path::Component::ParentDir => {
                        base.pop();
                    }
                    std::path::Component::Normal(n) => base.push(n),
                    _ => {}
                }
            }
            return Ok(base);
        }
    }
    Ok(abs)
}

/// Source folders of a site, as (name, path); `history` is the history folder in use.
fn source_folders(root: &Path, history: Option<&Path>) -> Vec<(String, PathBuf)> {
    let mut v: Vec<(String, PathBuf)> =
        ["content", "data", "themes", "templates", "static", "sass"]
            .iter()
            .map(|n| (format!("thư mục nguồn {n}/"), root.join(n)))
            .collect();
    v.push(("thư mục lịch sử history/".into(), root.join("history")));
    if let Some(h) = history {
        v.push((
            format!("thư mục lịch sử {}/", rel_path(h, root)),
            h.to_path_buf(),
        ));
    }
    v
}

fn origin_text(origin: Origin) -> String {
    match origin {
        Origin::Cli => "--output-dir".into(),
        Origin::Config(key) => format!("{key} trong config.toml"),
        Origin::Default => "mặc định".into(),
    }
}

fn conflict_diag(
    what: &str,
    shown: &Path,
    origin: Origin,
    c: &Conflict,
    root: &Path,
) -> Diagnostic {
    let why = match c {
        Conflict::ContainsRoot => "là thư mục gốc của trang hoặc chứa nó".to_string(),
        Conflict::Is(n) => format!("chính là {n}"),
        Conflict::Inside(n) => format!("nằm trong {n}"),
        Conflict::Contains(n) => format!("chứa {n}"),
        Conflict::OutsideRoot => "ra ngoài thư mục gốc của trang".to_string(),
    };
    let mut d = Diagnostic::error(format!(
        "{what} {} ({}) {why}: congkhai sẽ xóa và ghi lại thư mục này, làm mất tệp nguồn; không tạo trang",
        display_path(shown),
        origin_text(origin)
    ))
    .hint("dùng một thư mục riêng cho trang đã tạo, ví dụ public (mặc định) hoặc --output-dir /var/www/phuong; giá trị trong config.toml phải là thư mục con của thư mục gốc, không phải content, data, themes, templates, static hay history");
    if let Origin::Config(_) = origin {
        d = d.in_file(root.join("config.toml"));
    }
    d
}

/// The output folder `target` (from `origin`) is safe to replace for the site at `root`,
/// whose history folder is `history`.
pub fn check_output_dir(
    root: &Path,
    target: &Path,
    history: &Path,
    origin: Origin,
) -> Result<(), Diagnostic> {
    let io = |p: &Path, e: io::Error| io_diag("đọc đường dẫn", p, &e);
    let root_n = normalise(root).map_err(|e| io(root, e))?;
    let target_n = normalise(target).map_err(|e| io(target, e))?;
    let history_n = normalise(history).map_err(|e| io(history, e))?;
    let protected = source_folders(&root_n, Some(&history_n));
    match conflict(&root_n, &protected, &target_n, origin != Origin::Cli) {
        Some(c) => Err(conflict_diag("thư mục đầu ra", target, origin, &c, root)),
        None => Ok(()),
    }
}

/// The history folder (from `origin`) may be written for the site at `root` whose
/// outputs are `outputs` (the site and its preview).
pub fn check_history_dir(
    root: &Path,
    history: &Path,
    outputs: &[PathBuf],
    origin: Origin,
) -> Result<(), Diagnostic> {
    let io = |p: &Path, e: io::Error| io_diag("đọc đường dẫn", p, &e);
    let root_n = normalise(root).map_err(|e| io(root, e))?;
    let history_n = normalise(history).map_err(|e| io(history, e))?;
    let mut protected = source_folders(&root_n, None);
    protected.retain(|(_, p)| *p != root_n.join("history"));
    for o in outputs {
        let o_n = normalise(o).map_err(|e| io(o, e))?;
        // An output that is or holds the root is refused by `check_output_dir`.
        if !root_n.starts_with(&o_n) {
            protected.push((format!("thư mục đầu ra {}/", rel_path(&o_n, &root_n)), o_n));
        }
    }
    match conflict(&root_n, &protected, &history_n, true) {
        Some(c) => Err(conflict_diag("thư mục lịch sử", history, origin, &c, root)),
        None => Ok(()),
    }
}

/// Write `bytes` to `path` so that `path` is either absent, its old content or all of
/// `bytes`, also after a kill or a power cut: temporary file in the same folder, write,
/// fsync, rename, fsync the folder.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = parent_of(path);
    let mut tmp = tempfile::Builder::new()
        .prefix(TMP_PREFIX)
        .tempfile_in(&dir)?;
    io::Write::write_all(&mut tmp, bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    sync_dir(&dir)
}

/// Prefix of temporary files written by [`write_atomic`].
pub const TMP_PREFIX: &str = ".congkhai-tmp-";

/// fsync a folder, so a rename in it survives a power cut.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    fs::File::open(dir)?.sync_all()
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
        let p = target.with_file_name(format!("{OLD_PREFIX}{name}-{i}"));
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
        fs::write(target.join(OUTPUT_MARKER), "").unwrap();
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
        fs::write(target.join(OUTPUT_MARKER), "").unwrap();
        fs::write(target.join("stale.html"), "old").unwrap();
        let s = Staging::new(&target, false).unwrap();
        s.write("a/index.html", b"new").unwrap();
        s.commit(false).unwrap();
        assert!(!target.join("stale.html").exists());
        assert!(target.join(OUTPUT_MARKER).is_file(), "marker carried over");
        assert_eq!(
            fs::read_to_string(target.join("a/index.html")).unwrap(),
            "new"
        );
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1);
    }

    #[test]
    fn foreign_folders_are_never_replaced() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("www");
        fs::create_dir_all(&target).unwrap();
        fs::write(target.join("precious.txt"), "keep").unwrap();
        assert_eq!(ownership(&target), Ownership::Foreign);
        assert!(Staging::new(&target, false).is_err());
        assert!(Staging::new(&target, true).is_err());
        // A marker added after staging started does not help a foreign folder either way:
        // commit re-checks. Here the folder turns foreign after staging.
        let ours = tmp.path().join("public");
        let s = Staging::new(&ours, false).unwrap();
        fs::create_dir_all(&ours).unwrap();
        fs::write(ours.join("x"), "foreign").unwrap();
        assert!(s.commit(false).is_err());
        assert_eq!(fs::read_to_string(ours.join("x")).unwrap(), "foreign");
        assert_eq!(
            fs::read_to_string(target.join("precious.txt")).unwrap(),
            "keep"
        );
        assert_eq!(remove_stale(&ours), 0);
        let left: Vec<_> = fs::read_dir(tmp.path()).unwrap().flatten().collect();
        assert_eq!(left.len(), 2, "no staging folder left behind");
    }

    #[test]
    fn ownership_table() {
        let tmp = tempfile::tempdir().unwrap();
        let mk = |name: &str, files: &[(&str, &str)]| {
            let d = tmp.path().join(name);
            fs::create_dir_all(&d).unwrap();
            for (f, c) in files {
                let p = d.join(f);
                fs::create_dir_all(p.parent().unwrap()).unwrap();
                fs::write(p, c).unwrap();
            }
            d
        };
        let manifest = crate::manifest::MANIFEST_PATH;
        let legacy = format!("{{\"format\": \"{}\"}}", crate::manifest::FORMAT);
        let table = [
            (mk("empty", &[]), Ownership::Empty),
            (
                mk("marked", &[(OUTPUT_MARKER, ""), ("a", "")]),
                Ownership::Marked,
            ),
            (
                mk("preview", &[(PREVIEW_MARKER, ""), ("a", "")]),
                Ownership::Marked,
            ),
            (
                mk("legacy", &[(manifest, legacy.as_str())]),
                Ownership::Legacy,
            ),
            (
                mk("fake", &[(manifest, "{\"format\": \"x\"}")]),
                Ownership::Foreign,
            ),
            (mk("broken", &[(manifest, "{")]), Ownership::Foreign),
            (mk("files", &[("index.html", "")]), Ownership::Foreign),
            (tmp.path().join("missing"), Ownership::Missing),
        ];
        for (dir, want) in table {
            assert_eq!(ownership(&dir), want, "{}", dir.display());
        }
        // A marker that is a folder, not a file, proves nothing.
        let d = mk("dirmarker", &[("a", "")]);
        fs::create_dir_all(d.join(OUTPUT_MARKER)).unwrap();
        assert_eq!(ownership(&d), Ownership::Foreign);
    }

    #[test]
    fn conflict_table() {
        let root = Path::new("/site");
        let protected: Vec<(String, PathBuf)> = ["content", "data", "themes", "history"]
            .iter()
            .map(|n| ((*n).to_string(), root.join(n)))
            .collect();
        let is = |n: &str| Some(Conflict::Is(n.into()));
        let inside = |n: &str| Some(Conflict::Inside(n.into()));
        let contains = |n: &str| Some(Conflict::Contains(n.into()));
        let table: [(&str, bool, Option<Conflict>); 14] = [
            ("/site/public", true, None),
            ("/site/out/www", true, None),
            ("/var/www/phuong", false, None),
            ("/var/www/phuong", true, Some(Conflict::OutsideRoot)),
            ("/site", false, Some(Conflict::ContainsRoot)),
            ("/", false, Some(Conflict::ContainsRoot)),
            ("/site/content", false, is("content")),
            ("/site/data", true, is("data")),
            ("/site/history", true, is("history")),
            ("/site/content/van-ban", false, inside("content")),
            ("/site/themes/congkhai/static", false, inside("themes")),
            ("/site/contents", true, None),
            ("/site/history-old", true, None),
            ("/site/data2", true, None),
        ];
        for (t, inside_root, want) in table {
            assert_eq!(
                conflict(root, &protected, Path::new(t), inside_root),
                want,
                "{t}"
            );
        }
        // A folder holding a source folder (here: history/ configured under out/).
        let mut p2 = protected.clone();
        p2.push(("out/history".into(), root.join("out/history")));
        assert_eq!(
            conflict(root, &p2, Path::new("/site/out"), true),
            contains("out/history")
        );
    }

    #[test]
    fn normalise_resolves_symlinks_and_dots() {
        let tmp = tempfile::tempdir().unwrap();
        let real = fs::canonicalize(tmp.path()).unwrap();
        fs::create_dir_all(real.join("content")).unwrap();
        std::os::unix::fs::symlink(real.join("content"), real.join("link")).unwrap();
        let n = |p: &str| normalise(&real.join(p)).unwrap();
        assert_eq!(n("link"), real.join("content"));
        assert_eq!(n("link/"), real.join("content"));
        assert_eq!(n("link/new/deeper"), real.join("content/new/deeper"));
        assert_eq!(n("public/../content"), real.join("content"));
        assert_eq!(n("a/b/../../content/./x"), real.join("content/x"));
        assert_eq!(n("."), real);
    }

    #[test]
    fn leftover_names() {
        let table = [
            (".congkhai-staging-public-Ab12Cd", Leftover::Staging),
            (".congkhai-staging-public-preview-Ab12Cd", Leftover::Other),
            (".congkhai-staging-Ab12Cd", Leftover::LegacyStaging),
            (".congkhai-staging-public-toolong1", Leftover::Other),
            (".congkhai-old-public-0", Leftover::Aside),
            (".congkhai-old-public-12", Leftover::Aside),
            (".congkhai-old-public-preview-0", Leftover::Other),
            (".congkhai-old-public-", Leftover::Other),
            ("public", Leftover::Other),
            ("content", Leftover::Other),
        ];
        for (name, want) in table {
            assert_eq!(leftover_kind(name, "public"), want, "{name}");
        }
        assert_eq!(
            leftover_kind(".congkhai-staging-public-preview-Ab12Cd", "public-preview"),
            Leftover::Staging
        );
    }

    #[test]
    fn stale_staging_removed_and_missing_output_restored() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("public");
        // A killed build between the two renames of a swap: output missing, old aside.
        let aside = tmp.path().join(".congkhai-old-public-0");
        fs::create_dir_all(&aside).unwrap();
        fs::write(aside.join(OUTPUT_MARKER), "").unwrap();
        fs::write(aside.join("index.html"), "old").unwrap();
        let s = Staging::new(&target, false).unwrap();
        let staged = s.dir.keep(); // a killed build's staging folder
        let foreign = tmp.path().join(".congkhai-staging-notours");
        fs::create_dir_all(&foreign).unwrap();
        assert!(remove_stale(&target) >= 1);
        assert!(!staged.exists());
        assert!(foreign.exists(), "unknown names are left alone");
        assert_eq!(
            fs::read_to_string(target.join("index.html")).unwrap(),
            "old"
        );
        assert!(!aside.exists());
    }

    #[test]
    fn swap_strategy_by_error() {
        let table = [
            (io::ErrorKind::CrossesDevices, SwapStrategy::ReplaceContents),
            (io::ErrorKind::ResourceBusy, SwapStrategy::ReplaceContents),
            (io::ErrorKind::PermissionDenied, SwapStrategy::Fail),
            (io::ErrorKind::NotFound, SwapStrategy::Fail),
            (io::ErrorKind::StorageFull, SwapStrategy::Fail),
        ];
        for (kind, want) in table {
            assert_eq!(swap_strategy(&io::Error::from(kind)), want, "{kind:?}");
        }
        // The raw errors a mount point gives.
        assert_eq!(
            swap_strategy(&io::Error::from_raw_os_error(16)),
            SwapStrategy::ReplaceContents,
            "EBUSY"
        );
        assert_eq!(
            swap_strategy(&io::Error::from_raw_os_error(18)),
            SwapStrategy::ReplaceContents,
            "EXDEV"
        );
    }

    #[test]
    fn replace_contents_swaps_every_entry() {
        let tmp = tempfile::tempdir().unwrap();
        let (staged, target) = (tmp.path().join("staged"), tmp.path().join("public"));
        for (d, files) in [
            (
                &staged,
                &[
                    (OUTPUT_MARKER, "m"),
                    ("a/index.html", "new"),
                    ("b.css", "n"),
                ][..],
            ),
            (
                &target,
                &[
                    (OUTPUT_MARKER, "m"),
                    ("a/index.html", "old"),
                    ("gone.html", "o"),
                ][..],
            ),
        ] {
            for (f, c) in files {
                let p = d.join(f);
                fs::create_dir_all(p.parent().unwrap()).unwrap();
                fs::write(p, c).unwrap();
            }
        }
        replace_contents(&staged, &target).unwrap();
        let mut names: Vec<String> = fs::read_dir(&target)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, [OUTPUT_MARKER, "a", "b.css"]);
        assert_eq!(
            fs::read_to_string(target.join("a/index.html")).unwrap(),
            "new"
        );
    }

    #[test]
    fn atomic_write_leaves_no_temporary_file() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join("0001.json");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(fs::read_to_string(&p).unwrap(), "two");
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1);
    }

    #[test]
    fn second_lock_on_the_same_output_fails() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("public");
        let first = BuildLock::acquire(&target).unwrap();
        assert!(BuildLock::acquire(&target).is_err());
        assert!(BuildLock::acquire(&tmp.path().join("public-preview")).is_ok());
        drop(first);
        assert!(BuildLock::acquire(&target).is_ok());
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
