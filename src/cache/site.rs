//! The incremental build cache: skip a build whose inputs and output are exactly those
//! of the last build (docs/incremental.md).
//!
//! A build hashes (SHA-256) every file it can read: `config.toml`, `content/`, `data/`,
//! `templates/`, `themes/`, `static/`, `sass/`, the history folder, and the files it
//! read elsewhere in the site through `data::safe_join` the last time; together with
//! the congkhai binary (version, path, size, modification time), the build date and
//! the options that change the output. After a successful swap it writes that
//! fingerprint, the build's counts and a stamp of the output (every file's path, size,
//! modification time and inode) to `.congkhai-cache-<output name>` beside the output
//! folder: never inside it, so never published, never in the manifest.
//!
//! The next build computes the fingerprint again before loading anything. When it and
//! the output stamp match, nothing can differ: the output is left as it is. Anything
//! else (no cache, another version, a changed file, a touched output, a cache that does
//! not parse) gives a normal build; a damaged cache also gives a warning. Whether the
//! cache is used or not, a build that runs writes only files whose bytes change
//! (`output::Staging` hard-links the others from the previous output).

use std::io::Read;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::diagnostics::Diagnostic;

/// Format tag of the cache file; another tag is ignored (a full build, no warning).
pub const FORMAT: &str = "congkhai-cache/1";
const CACHE_PREFIX: &str = ".congkhai-cache-";

/// Folders of the site (relative to its root) whose every file is an input.
const INPUT_DIRS: [&str; 6] = ["content", "data", "templates", "themes", "static", "sass"];

/// What the cache remembers of the last build.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Entry {
    pub format: String,
    /// SHA-256 over the options and every input file.
    pub inputs: String,
    /// Files read through `safe_join` outside [`INPUT_DIRS`], relative to the root:
    /// hashed into `inputs` by the next build.
    pub extra: Vec<String>,
    /// SHA-256 over every output file's path, size, modification time and inode.
    pub output: String,
    /// The counts a skipped build prints: those of the build it reuses.
    pub counts: Counts,
    /// The build's warnings, printed again by a skipped build.
    #[serde(default)]
    pub warnings: Vec<Diagnostic>,
    /// [`inputs_stat`] taken just before `inputs` was hashed, when no input file was
    /// racy: the next build trusts `inputs` without reading a file when the stamp is
    /// the same. Empty: not trusted (the next build hashes every file).
    #[serde(default)]
    pub stat: String,
    /// The history entry this preview build computed and did not record (a portal
    /// with an unpublished change): a skipped build prints its note again.
    #[serde(default)]
    pub pending: Option<String>,
}

/// What a build made: its summary's counts (`pipeline::Summary` holds one) and what
/// the cache remembers of it.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Counts {
    pub pages: usize,
    pub sections: usize,
    pub files: usize,
    pub drafts: usize,
    pub expired: usize,
    pub embargoed: usize,
}

/// `.congkhai-cache-<name>` beside the output folder `target`.
pub fn path_for(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    target.with_file_name(format!("{CACHE_PREFIX}{name}"))
}

/// What reading the cache gave.
#[derive(Debug)]
pub enum Loaded {
    Missing,
    /// Written by another version of the cache format: ignored.
    Other,
    /// Unreadable or not the format it claims: a warning, and a full build.
    Damaged(Diagnostic),
    Ok(Entry),
}

pub fn load(target: &Path) -> Loaded {
    let p = path_for(target);
    let bytes = match std::fs::read(&p) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Loaded::Missing,
        Err(e) => return Loaded::Damaged(damaged(&p, &e.to_string())),
    };
    let value: serde_json::Value = match serde_json::from_slice(&bytes) {
        Ok(v) => v,
        Err(e) => return Loaded::Damaged(damaged(&p, &e.to_string())),
    };
    if value.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
        return match value.get("format").and_then(|f| f.as_str()) {
            Some(f) if f.starts_with("congkhai-cache/") => Loaded::Other,
            _ => Loaded::Damaged(damaged(&p, "không có khóa format")),
        };
    }
    match serde_json::from_value::<Entry>(value) {
        Ok(e) if is_hex64(&e.inputs) && is_hex64(&e.output) => Loaded::Ok(e),
        Ok(_) => Loaded::Damaged(damaged(&p, "giá trị băm không hợp lệ")),
        Err(e) => Loaded::Damaged(damaged(&p, &e.to_string())),
    }
}

fn is_hex64(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

fn damaged(p: &Path, why: &str) -> Diagnostic {
    Diagnostic::warning(format!(
        "bộ nhớ đệm tạo trang bị hỏng ({why}); đã bỏ qua nó và tạo lại toàn bộ trang"
    ))
    .in_file(p)
    .hint("không cần làm gì: lần tạo trang này đã ghi bộ nhớ đệm mới; nếu lỗi lặp lại, hãy kiểm tra ổ đĩa")
}

/// Write the cache atomically (a kill leaves the old cache, no cache or the new one).
pub fn store(target: &Path, entry: &Entry) -> std::io::Result<()> {
    let bytes = serde_json::to_vec_pretty(entry).map_err(std::io::Error::other)?;
    crate::output::write_atomic(&path_for(target), &bytes)
}

/// Remove the cache: called before a build replaces the output, so a kill between the
/// swap and the new cache never leaves a cache describing another output.
pub fn remove(target: &Path) {
    let _ = std::fs::remove_file(path_for(target));
}

/// A hasher that starts with what every fingerprint holds: the cache format, what kind
/// of fingerprint it is, congkhai's version, the binary and `key`.
fn headed(kind: &[u8], key: &str) -> Sha256 {
    let mut h = Sha256::new();
    h.update(FORMAT.as_bytes());
    h.update(b"\0");
    h.update(kind);
    h.update(b"\0");
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    h.update(b"\0binary\0");
    h.update(binary_identity().as_bytes());
    h.update(b"\0key\0");
    h.update(key.as_bytes());
    h
}

/// The fingerprint of a build's inputs: `key` (the options that change the output),
/// the binary, every file of [`INPUT_DIRS`], `config.toml`, the history folder and
/// the `extra` files (relative to `root`).
pub fn inputs(root: &Path, history: &Path, key: &str, extra: &[String]) -> String {
    use rayon::prelude::*;
    let mut h = headed(b"version", key);
    // Every entry in a fixed order, then each one hashed on its own in parallel (the
    // file reads dominate), then the digests in that order.
    let mut entries: Vec<PathBuf> = vec![root.join("config.toml")];
    for d in INPUT_DIRS {
        tree_entries(&mut entries, &root.join(d));
    }
    entries.push(PathBuf::from("\0history"));
    tree_entries(&mut entries, history);
    entries.push(PathBuf::from("\0extra"));
    entries.extend(extra.iter().map(|rel| root.join(rel)));
    let digests: Vec<[u8; 32]> = entries
        .par_iter()
        .map_init(Vec::new, |buf, p| {
            let mut h = Sha256::new();
            hash_file(&mut h, buf, root, p);
            h.finalize().into()
        })
        .collect();
    for d in &digests {
        h.update(d);
    }
    hex(&h.finalize())
}

/// A file changed this recently may still change within the same timestamp tick (a
/// file system may keep only whole or even seconds), so its stamp is not trusted.
const RACY_SECS: i128 = 3;

/// The stat stamp of a build's inputs: the same entries as [`inputs`], each with its
/// type, size, modification and change times, inode and device, but no file read.
/// Speed (126-commune workspace, one commune changed): reading and hashing every input
/// of every commune cost ~18 ms of CPU per skipped commune; a stat walk is a few ms.
/// The change time (ctime) cannot be set back by a user, so any write to a file
/// changes its stamp, as in git's index and rsync's quick check. `None` when an entry
/// was changed less than [`RACY_SECS`] before now (or is dated in the future), or is a
/// link: then only the hash of the contents decides.
pub fn inputs_stat(root: &Path, history: &Path, key: &str, extra: &[String]) -> Option<String> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_nanos();
    stat_at(root, history, key, extra, i128::try_from(now).ok()?)
}

/// [`inputs_stat`] as seen at `now` (nanoseconds since the epoch).
fn stat_at(root: &Path, history: &Path, key: &str, extra: &[String], now: i128) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let fresh = |secs: i64, nsec: i64| {
        let t = i128::from(secs) * 1_000_000_000 + i128::from(nsec);
        t > now - RACY_SECS * 1_000_000_000
    };
    let mut h = headed(b"stat", key);
    let stamp = |h: &mut Sha256, p: &Path, m: std::io::Result<std::fs::Metadata>| {
        h.update(b"\0path\0");
        h.update(crate::output::rel_path(p, root).as_bytes());
        let Ok(m) = m else {
            h.update(b"\0missing\0");
            return Some(());
        };
        if m.file_type().is_symlink() {
            return None;
        }
        if m.is_dir() {
            h.update(b"\0dir\0");
            return Some(());
        }
        if fresh(m.mtime(), m.mtime_nsec()) || fresh(m.ctime(), m.ctime_nsec()) {
            return None;
        }
        h.update(if m.is_file() {
            &b"\0file\0"[..]
        } else {
            &b"\0other\0"[..]
        });
        for n in [m.len(), m.ino(), m.dev(), u64::from(m.mode())] {
            h.update(n.to_le_bytes());
        }
        for t in [m.mtime(), m.mtime_nsec(), m.ctime(), m.ctime_nsec()] {
            h.update(t.to_le_bytes());
        }
        Some(())
    };
    let config = root.join("config.toml");
    stamp(&mut h, &config, std::fs::symlink_metadata(&config))?;
    let walk = |h: &mut Sha256, dir: &Path| -> Option<()> {
        if !dir.exists() {
            h.update(b"\0absent\0");
            return stamp(h, dir, std::fs::symlink_metadata(dir));
        }
        let mut ok = true;
        walk_sorted(dir, &mut |p, m| {
            ok = ok && m.is_ok() && stamp(h, p, m).is_some();
        });
        ok.then_some(())
    };
    for d in INPUT_DIRS {
        walk(&mut h, &root.join(d))?;
    }
    h.update(b"\0history\0");
    walk(&mut h, history)?;
    h.update(b"\0extra\0");
    for rel in extra {
        let p = root.join(rel);
        let m = std::fs::symlink_metadata(&p);
        stamp(&mut h, &p, m)?;
    }
    Some(hex(&h.finalize()))
}

/// Visit `dir` and everything under it, depth first, siblings in name order (the
/// order of `walkdir`'s `sort_by_file_name`), with each entry's own metadata (links not
/// followed); `Err` for an entry that cannot be read.
///
/// Hand-written rather than `walkdir` for speed: the stat of each entry is taken
/// relative to its open folder (`DirEntry::metadata`, `statx` on the folder's
/// descriptor) instead of from the full path, which halves the cost of the stamps of a
/// workspace's skipped communes (~1,000 entries each), where path lookups dominate.
fn walk_sorted(dir: &Path, visit: &mut dyn FnMut(&Path, std::io::Result<std::fs::Metadata>)) {
    visit(dir, std::fs::symlink_metadata(dir));
    walk_children(dir, visit);
}

fn walk_children(dir: &Path, visit: &mut dyn FnMut(&Path, std::io::Result<std::fs::Metadata>)) {
    let rd = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(err) => return visit(dir, Err(err)),
    };
    let mut entries: Vec<(std::ffi::OsString, std::io::Result<std::fs::Metadata>)> = Vec::new();
    for e in rd {
        match e {
            Ok(e) => entries.push((e.file_name(), e.metadata())),
            Err(err) => {
                visit(dir, Err(err));
                return;
            }
        }
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, m) in entries {
        let p = dir.join(&name);
        let is_dir = m.as_ref().is_ok_and(|m| m.is_dir());
        visit(&p, m);
        if is_dir {
            walk_children(&p, visit);
        }
    }
}

/// Every entry under `dir` in name order, `dir` itself first (a missing folder is one
/// entry that hashes as missing).
fn tree_entries(out: &mut Vec<PathBuf>, dir: &Path) {
    if !dir.exists() {
        out.push(dir.to_path_buf());
        return;
    }
    for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
        match e {
            Ok(e) => out.push(e.into_path()),
            // An unreadable folder: a path no walk gives, so the fingerprint differs.
            Err(e) => out.push(PathBuf::from(format!("\0walk error\0{e}"))),
        }
    }
}

/// The files `safe_join` resolved under `root` that [`inputs`] does not hash anyway,
/// relative to `root`, sorted.
pub fn extra_reads(root: &Path, history: &Path) -> Vec<String> {
    crate::data::resolved_under(root)
        .into_iter()
        .filter(|p| {
            !INPUT_DIRS.iter().any(|d| p.starts_with(root.join(d)))
                && !p.starts_with(history)
                && *p != root.join("config.toml")
        })
        .map(|p| crate::output::rel_path(&p, root))
        .collect()
}

/// Path, size and modification time of the running binary: a rebuilt congkhai (new
/// templates, new code) never reuses a cache of the old one.
pub fn binary_identity() -> String {
    let Ok(exe) = std::env::current_exe() else {
        return "?".into();
    };
    let meta = std::fs::metadata(&exe);
    let (len, mtime) = match &meta {
        Ok(m) => (m.len(), mtime_ns(m)),
        Err(_) => (0, 0),
    };
    format!("{}\0{len}\0{mtime}", exe.display())
}

fn mtime_ns(m: &std::fs::Metadata) -> i128 {
    use std::os::unix::fs::MetadataExt;
    i128::from(m.mtime()) * 1_000_000_000 + i128::from(m.mtime_nsec())
}

/// Hash one entry: its path relative to `root`, then what it is and holds. A missing
/// file hashes as missing, so creating it changes the fingerprint.
fn hash_file(h: &mut Sha256, buf: &mut Vec<u8>, root: &Path, p: &Path) {
    h.update(b"\0path\0");
    h.update(crate::output::rel_path(p, root).as_bytes());
    match std::fs::symlink_metadata(p) {
        Ok(m) if m.file_type().is_symlink() => {
            h.update(b"\0link\0");
            if let Ok(t) = std::fs::read_link(p) {
                h.update(t.as_os_str().as_encoded_bytes());
            }
            // What a followed link reads, too (the build refuses most links anyway).
            if std::fs::metadata(p).is_ok_and(|m| m.is_file()) {
                hash_contents(h, buf, p);
            }
        }
        Ok(m) if m.is_file() => {
            h.update(b"\0file\0");
            h.update(m.len().to_le_bytes());
            hash_contents(h, buf, p);
        }
        Ok(m) if m.is_dir() => h.update(b"\0dir\0"),
        Ok(_) => h.update(b"\0other\0"),
        Err(_) => h.update(b"\0missing\0"),
    }
}

fn hash_contents(h: &mut Sha256, buf: &mut Vec<u8>, p: &Path) {
    buf.clear();
    match std::fs::File::open(p).and_then(|mut f| f.read_to_end(buf)) {
        Ok(_) => h.update(&buf[..]),
        // An unreadable file: a value no readable file gives, so the build runs (and
        // reports it).
        Err(e) => h.update(format!("\0unreadable\0{e}").as_bytes()),
    }
}

/// The stamp of an output folder: every entry's path, type, size, modification time
/// and inode, in name order. Any write, removal or replacement in it changes the stamp.
pub fn output_stamp(dir: &Path) -> String {
    use std::os::unix::fs::MetadataExt;
    let mut h = Sha256::new();
    walk_sorted(dir, &mut |p, m| {
        h.update(b"\0");
        h.update(p.as_os_str().as_encoded_bytes());
        match m {
            Ok(m) => {
                let ty: u8 = if m.is_dir() {
                    b'd'
                } else if m.is_file() {
                    b'f'
                } else {
                    b'o'
                };
                h.update([ty]);
                if ty != b'd' {
                    h.update(m.len().to_le_bytes());
                    h.update(mtime_ns(&m).to_le_bytes());
                    h.update(m.ino().to_le_bytes());
                    h.update(m.dev().to_le_bytes());
                }
            }
            Err(_) => h.update(b"\0error\0"),
        }
    });
    hex(&h.finalize())
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A site of a config and one page, `content/a/index.md` holding `page`.
    fn tiny_site(page: &str) -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("content/a")).unwrap();
        std::fs::write(tmp.path().join("config.toml"), "title = \"x\"").unwrap();
        std::fs::write(tmp.path().join("content/a/index.md"), page).unwrap();
        tmp
    }

    #[test]
    fn fingerprint_follows_every_input_file() {
        let tmp = tiny_site("+++\n+++\nA");
        let root = tmp.path();
        let hist = root.join("history");
        let fp = |extra: &[String]| inputs(root, &hist, "k", extra);
        let base = fp(&[]);
        assert_eq!(base, fp(&[]), "stable");
        assert_ne!(base, inputs(root, &hist, "k2", &[]), "options");
        // Same size, other bytes.
        std::fs::write(root.join("content/a/index.md"), "+++\n+++\nB").unwrap();
        let b = fp(&[]);
        assert_ne!(base, b);
        std::fs::create_dir_all(root.join("data")).unwrap();
        let c = fp(&[]);
        assert_ne!(b, c, "a new folder");
        std::fs::write(root.join("data/x.csv"), "a\n1\n").unwrap();
        let d = fp(&[]);
        assert_ne!(c, d, "a new file");
        std::fs::create_dir_all(&hist).unwrap();
        assert_ne!(d, fp(&[]), "history folder");
        let e = fp(&[]);
        std::fs::write(root.join("other.csv"), "1").unwrap();
        assert_eq!(e, fp(&[]), "a file the build did not read");
        let with = fp(&["other.csv".into()]);
        assert_ne!(e, with);
        std::fs::write(root.join("other.csv"), "2").unwrap();
        assert_ne!(with, fp(&["other.csv".into()]), "an extra file's bytes");
        std::fs::write(root.join("public"), "").unwrap();
        assert_eq!(fp(&["other.csv".into()]), fp(&["other.csv".into()]));
    }

    #[test]
    fn stat_stamp_follows_every_write_and_distrusts_recent_files() {
        let tmp = tiny_site("A");
        let root = tmp.path();
        let hist = root.join("history");
        let real_now = || {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as i128
        };
        // Just written: racy, not trusted.
        assert_eq!(inputs_stat(root, &hist, "k", &[]), None);
        // Seen from 10 s later (as the next nightly build sees it).
        let later =
            |extra: &[String]| stat_at(root, &hist, "k", extra, real_now() + 10_000_000_000);
        let base = later(&[]).expect("old enough to trust");
        assert_eq!(Some(base.clone()), later(&[]), "stable");
        assert_ne!(
            Some(base.clone()),
            stat_at(root, &hist, "k2", &[], real_now() + 10_000_000_000)
        );
        // Same size, same bytes even, written again: the change time moves.
        std::thread::sleep(std::time::Duration::from_millis(30));
        std::fs::write(root.join("content/a/index.md"), "A").unwrap();
        let rewritten = later(&[]).unwrap();
        assert_ne!(base, rewritten, "a rewrite");
        // Modification time set back to what it was: the change time still moved.
        let f = std::fs::File::options()
            .write(true)
            .open(root.join("content/a/index.md"))
            .unwrap();
        f.set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000))
            .unwrap();
        assert_ne!(rewritten, later(&[]).unwrap(), "times touched");
        let touched = later(&[]).unwrap();
        std::fs::write(root.join("data.csv"), "1").unwrap();
        assert_eq!(
            Some(touched.clone()),
            later(&[]),
            "a file the build did not read"
        );
        assert_ne!(
            Some(touched.clone()),
            later(&["data.csv".into()]),
            "an extra file"
        );
        std::fs::create_dir_all(root.join("content/b")).unwrap();
        assert_ne!(Some(touched.clone()), later(&[]), "a new folder");
        std::fs::create_dir_all(&hist).unwrap();
        std::fs::write(hist.join("0001.json"), "{}").unwrap();
        let with_history = later(&[]).unwrap();
        std::fs::remove_file(hist.join("0001.json")).unwrap();
        assert_ne!(with_history, later(&[]).unwrap(), "a removed file");
        // A link is never trusted (only its contents' hash decides).
        std::os::unix::fs::symlink(root.join("config.toml"), root.join("content/l.md")).unwrap();
        assert_eq!(later(&[]), None);
    }

    #[test]
    fn output_stamp_sees_any_change() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path();
        std::fs::create_dir_all(d.join("a")).unwrap();
        std::fs::write(d.join("a/index.html"), "x").unwrap();
        let s = output_stamp(d);
        assert_eq!(s, output_stamp(d));
        // Replaced by a file with the same bytes: another inode.
        let tmpf = d.join("t");
        std::fs::write(&tmpf, "x").unwrap();
        std::fs::rename(&tmpf, d.join("a/index.html")).unwrap();
        assert_ne!(s, output_stamp(d));
        let s = output_stamp(d);
        std::fs::write(d.join("b.html"), "").unwrap();
        assert_ne!(s, output_stamp(d));
    }

    #[test]
    fn damaged_caches_are_reported_and_other_formats_ignored() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("public");
        assert!(matches!(load(&target), Loaded::Missing));
        let entry = Entry {
            format: FORMAT.into(),
            inputs: "a".repeat(64),
            extra: vec![],
            output: "b".repeat(64),
            counts: Counts::default(),
            warnings: vec![],
            stat: String::new(),
            pending: None,
        };
        store(&target, &entry).unwrap();
        assert!(matches!(load(&target), Loaded::Ok(e) if e == entry));
        let table: [(&str, bool); 5] = [
            ("{", true),
            ("", true),
            ("{\"format\": \"congkhai-cache/0\"}", false),
            ("{\"format\": \"congkhai-cache/1\", \"inputs\": 3}", true),
            ("[1, 2]", true),
        ];
        for (text, warns) in table {
            std::fs::write(path_for(&target), text).unwrap();
            match load(&target) {
                Loaded::Damaged(_) => assert!(warns, "{text}"),
                Loaded::Other => assert!(!warns, "{text}"),
                other => panic!("{text}: {other:?}"),
            }
        }
        let mut bad = entry.clone();
        bad.inputs = "zz".into();
        store(&target, &bad).unwrap();
        assert!(matches!(load(&target), Loaded::Damaged(_)));
        remove(&target);
        assert!(matches!(load(&target), Loaded::Missing));
    }
}
