//! The page cache: a rendered file is taken from the previous output instead of being
//! rendered again when nothing it was rendered from can have changed
//! (docs/incremental.md).
//!
//! Each file a template renders (a page, subpage, section, pagination page, taxonomy
//! page, the search page) is remembered under its site path with
//! - its **key**: a hash of the build's global inputs (congkhai's version and binary,
//!   the template set, the global template values `config`/`lang`/`portal`, the whole
//!   configuration, the build date, the fingerprinted assets), the template's name, the
//!   file's path and every value of its template context;
//! - every **site-function call** the render made (`get_page`, `get_section`,
//!   `get_taxonomy*`, `get_url`, `get_hash`, `load_data`, `trans`, `resize_image`,
//!   `get_image_metadata`, `now`, the `markdown` filter), with its arguments and a hash
//!   of its result (`super::deps`);
//! - a hash of the **bytes** written.
//!
//! The next build reuses the file only when its key is the same, every recorded call
//! made again over the new build's values gives the same result hash, and the previous
//! output's file still has the recorded bytes. Then the template, its context and
//! everything it looked up are those of the render that made the file, so rendering it
//! again would give the same bytes. Anything else renders it.
//!
//! The cache is a file beside the output folder, `.congkhai-pages-<name>` (never in
//! it: not published, not in the manifest). A cache that cannot be read gives a warning
//! and a full render; a cache of another format version is ignored.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tera::Context;

use super::deps::{self, Call, Hash, Memo, Recorded};
use crate::diagnostics::Diagnostic;
use crate::templates::Lookup;

/// The first bytes of the cache file; another version's prefix is ignored silently.
const MAGIC: &[u8] = b"congkhai-pages/1\n";
const MAGIC_FAMILY: &[u8] = b"congkhai-pages/";
const PREFIX: &str = ".congkhai-pages-";

/// The template context keys the render stage sets. A context holding any other key is
/// not cached (its hash would not cover it).
const CONTEXT_KEYS: [&str; 11] = [
    "page",
    "section",
    "paginator",
    "taxonomy",
    "terms",
    "term",
    "search",
    "current_path",
    "current_url",
    "lang",
    "config",
];

/// `.congkhai-pages-<name>` beside the output folder `target`.
pub fn path_for(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    target.with_file_name(format!("{PREFIX}{name}"))
}

/// The cache file as stored: every distinct call once, each file naming its calls by
/// index.
#[derive(Serialize, Deserialize)]
struct Stored {
    calls: Vec<Recorded>,
    files: Vec<(String, StoredFile)>,
}

#[derive(Serialize, Deserialize)]
struct StoredFile {
    key: Hash,
    output: Hash,
    calls: Vec<u32>,
}

#[derive(Clone)]
struct Entry {
    key: Hash,
    output: Hash,
    calls: Vec<Arc<Recorded>>,
}

/// The page cache of one build: what the previous build left, and what this one
/// renders or reuses.
pub struct Store {
    /// The previous output, whose files are reused.
    previous: Option<PathBuf>,
    old: HashMap<String, Entry>,
    damaged: Option<Diagnostic>,
    /// Every file this build rendered through the cache; `None` for a path written twice
    /// (never remembered).
    new: Mutex<BTreeMap<String, Option<Entry>>>,
    rendered: AtomicUsize,
    reused: AtomicUsize,
    /// Time spent (ns, summed over threads) hashing contexts, checking entries and
    /// rendering: printed with `CONGKHAI_TIMINGS`.
    spent: [std::sync::atomic::AtomicU64; 3],
}

impl Store {
    /// The cache of the output folder `target`. `read`: reuse what the last build left
    /// (off for `--force`: every file is rendered, and the cache written anew).
    pub fn open(target: &Path, read: bool) -> Store {
        let previous = matches!(
            crate::output::ownership(target),
            crate::output::Ownership::Marked | crate::output::Ownership::Legacy
        )
        .then(|| target.to_path_buf());
        let (old, damaged) = if read && previous.is_some() {
            match load(&path_for(target)) {
                Ok(old) => (old, None),
                Err(d) => (HashMap::new(), d),
            }
        } else {
            (HashMap::new(), None)
        };
        Store {
            previous,
            old,
            damaged,
            new: Mutex::new(BTreeMap::new()),
            rendered: AtomicUsize::new(0),
            reused: AtomicUsize::new(0),
            spent: Default::default(),
        }
    }

    /// The warning of a cache that could not be read (once).
    pub fn take_warning(&mut self) -> Option<Diagnostic> {
        self.damaged.take()
    }

    /// Files rendered and files reused so far.
    pub fn counts(&self) -> (usize, usize) {
        (
            self.rendered.load(Ordering::Relaxed),
            self.reused.load(Ordering::Relaxed),
        )
    }

    /// Milliseconds (summed over threads) spent hashing template contexts, checking
    /// cached entries (calls made again, old files read and hashed) and rendering.
    pub fn spent_ms(&self) -> [u64; 3] {
        self.spent
            .each_ref()
            .map(|a| a.load(Ordering::Relaxed) / 1_000_000)
    }

    fn add_time(&self, what: usize, since: std::time::Instant) {
        let ns = u64::try_from(since.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.spent[what].fetch_add(ns, Ordering::Relaxed);
    }

    /// A render stage's use of the cache: `global` is the hash of everything every page
    /// depends on ([`global_key`]), `lookup` the values the site functions read,
    /// `shared` the values many contexts hold (pages, sections, taxonomies, terms),
    /// each hashed once.
    pub fn session<'v>(
        &self,
        global: Hash,
        lookup: Arc<Lookup>,
        shared: impl IntoIterator<Item = &'v tera::Value>,
    ) -> Session<'_> {
        Session {
            store: self,
            global,
            lookup,
            memo: Arc::new(Memo::with_shared(shared)),
            evals: Mutex::new(HashMap::new()),
        }
    }

    /// Write the cache beside `target`, after the build's output is in place.
    pub fn save(&self, target: &Path) -> std::io::Result<()> {
        let new = self
            .new
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?;
        let mut index: HashMap<&Recorded, u32> = HashMap::new();
        let mut calls: Vec<Recorded> = Vec::new();
        let mut files = Vec::with_capacity(new.len());
        for (rel, e) in new.iter() {
            let Some(e) = e else { continue };
            let ids = e
                .calls
                .iter()
                .map(|r| {
                    *index.entry(r.as_ref()).or_insert_with(|| {
                        calls.push(r.as_ref().clone());
                        (calls.len() - 1) as u32
                    })
                })
                .collect();
            files.push((
                rel.clone(),
                StoredFile {
                    key: e.key,
                    output: e.output,
                    calls: ids,
                },
            ));
        }
        let mut bytes = MAGIC.to_vec();
        let body =
            postcard::to_allocvec(&Stored { calls, files }).map_err(std::io::Error::other)?;
        bytes.extend_from_slice(&body);
        crate::output::write_atomic(&path_for(target), &bytes)
    }
}

/// Read a cache file: no file or another version gives an empty cache; anything that
/// does not parse a warning.
fn load(path: &Path) -> Result<HashMap<String, Entry>, Option<Diagnostic>> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(None),
        Err(e) => return Err(Some(damaged(path, &e.to_string()))),
    };
    let Some(body) = bytes.strip_prefix(MAGIC) else {
        if bytes.starts_with(MAGIC_FAMILY) {
            return Err(None);
        }
        return Err(Some(damaged(
            path,
            "không phải tệp bộ nhớ đệm của congkhai",
        )));
    };
    let stored: Stored =
        postcard::from_bytes(body).map_err(|e| Some(damaged(path, &e.to_string())))?;
    let calls: Vec<Arc<Recorded>> = stored.calls.into_iter().map(Arc::new).collect();
    let mut out = HashMap::with_capacity(stored.files.len());
    for (rel, f) in stored.files {
        let mut list = Vec::with_capacity(f.calls.len());
        for i in f.calls {
            let Some(c) = calls.get(i as usize) else {
                return Err(Some(damaged(path, "chỉ mục lời gọi ngoài phạm vi")));
            };
            list.push(c.clone());
        }
        out.insert(
            rel,
            Entry {
                key: f.key,
                output: f.output,
                calls: list,
            },
        );
    }
    Ok(out)
}

fn damaged(p: &Path, why: &str) -> Diagnostic {
    Diagnostic::warning(format!(
        "bộ nhớ đệm trang bị hỏng ({why}); đã bỏ qua nó và tạo lại mọi trang"
    ))
    .in_file(p)
    .hint("không cần làm gì: lần tạo trang này đã ghi bộ nhớ đệm mới; nếu lỗi lặp lại, hãy kiểm tra ổ đĩa")
}

/// The hash of the inputs every page depends on: congkhai's version and binary, then
/// each of `parts` (named, in order).
pub fn global_key(parts: &[(&str, &[u8])]) -> Hash {
    let mut h = Sha256::new();
    h.update(MAGIC);
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    h.update(b"\0");
    h.update(super::site::binary_identity().as_bytes());
    for (name, bytes) in parts {
        h.update(b"\0");
        h.update(name.as_bytes());
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    }
    h.finalize().into()
}

/// One render stage's use of a [`Store`].
pub struct Session<'a> {
    store: &'a Store,
    global: Hash,
    lookup: Arc<Lookup>,
    memo: Arc<Memo>,
    /// Calls made again this build, each once: their result hashes (`None`: failed).
    evals: Mutex<HashMap<Call, Option<Hash>>>,
}

impl Session<'_> {
    /// The bytes of the file at site path `rel`, rendered with `template` and `ctx`:
    /// the previous output's file when it is still right, else `render()`'s, recorded.
    pub fn render(
        &self,
        rel: &str,
        template: &str,
        ctx: &Context,
        render: impl FnOnce() -> Result<Vec<u8>, Diagnostic>,
    ) -> Result<Vec<u8>, Diagnostic> {
        let t = std::time::Instant::now();
        let key = self.key(rel, template, ctx);
        self.store.add_time(0, t);
        let Some(key) = key else {
            self.store.rendered.fetch_add(1, Ordering::Relaxed);
            return render();
        };
        let t = std::time::Instant::now();
        let reusable = self.reusable(rel, &key);
        self.store.add_time(1, t);
        if let Some((bytes, entry)) = reusable {
            self.keep(rel, entry);
            self.store.reused.fetch_add(1, Ordering::Relaxed);
            return Ok(bytes);
        }
        let t = std::time::Instant::now();
        let (bytes, calls) = deps::recording(&self.memo, render);
        self.store.add_time(2, t);
        let bytes = bytes?;
        if let Ok(mut evals) = self.evals.lock() {
            for r in &calls {
                evals.entry(r.call.clone()).or_insert(Some(r.result));
            }
        }
        let entry = Entry {
            key,
            output: {
                self.memo.count(bytes.len());
                Sha256::digest(&bytes).into()
            },
            calls: calls.into_iter().map(Arc::new).collect(),
        };
        self.keep(rel, entry);
        self.store.rendered.fetch_add(1, Ordering::Relaxed);
        Ok(bytes)
    }

    /// The key of a file: `None` when its context holds a value the hash would not
    /// cover (never cached).
    fn key(&self, rel: &str, template: &str, ctx: &Context) -> Option<Hash> {
        let mut h = Sha256::new();
        h.update(self.global);
        for part in [template, rel] {
            h.update((part.len() as u64).to_le_bytes());
            h.update(part.as_bytes());
        }
        let mut covered = Context::new();
        for k in CONTEXT_KEYS {
            match ctx.get(k) {
                Some(v) => {
                    h.update([1]);
                    h.update(k.as_bytes());
                    h.update(self.memo.hash(v));
                    covered.insert_value(k, v.clone());
                }
                None => h.update([0]),
            }
        }
        // Same keys, same values (shared values compare by address first: cheap).
        (covered == *ctx).then(|| h.finalize().into())
    }

    fn reusable(&self, rel: &str, key: &Hash) -> Option<(Vec<u8>, Entry)> {
        let e = self.store.old.get(rel)?;
        if e.key != *key || !e.calls.iter().all(|r| self.eval(&r.call) == Some(r.result)) {
            return None;
        }
        let dir = self.store.previous.as_ref()?;
        let plain = Path::new(rel)
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
        if !plain {
            return None;
        }
        let path = dir.join(rel);
        let meta = std::fs::symlink_metadata(&path).ok()?;
        if !meta.is_file() {
            return None;
        }
        let bytes = std::fs::read(&path).ok()?;
        self.memo.count(bytes.len());
        let output: Hash = Sha256::digest(&bytes).into();
        (output == e.output).then(|| (bytes, e.clone()))
    }

    /// Hash map value `v` once while the guard lives, however many contexts hold it
    /// (a section's value on each of its paginator pages, [`Memo::hold`]).
    pub fn hold(&self, v: &tera::Value) -> deps::Held<'_> {
        self.memo.hold(v)
    }

    /// Megabytes of values and files hashed by this session so far.
    pub fn hashed_mb(&self) -> u64 {
        self.memo.hashed_bytes() / 1_000_000
    }

    fn eval(&self, c: &Call) -> Option<Hash> {
        if let Some(h) = self.evals.lock().ok().and_then(|m| m.get(c).copied()) {
            return h;
        }
        let h = crate::templates::reevaluate(&self.lookup, c).map(|v| self.memo.call_hash(c, &v));
        if let Ok(mut m) = self.evals.lock() {
            m.insert(c.clone(), h);
        }
        h
    }

    fn keep(&self, rel: &str, entry: Entry) {
        if let Ok(mut new) = self.store.new.lock() {
            match new.get_mut(rel) {
                Some(slot) => *slot = None,
                None => {
                    new.insert(rel.to_string(), Some(entry));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn damaged_and_foreign_caches_warn_other_versions_do_not() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join(".congkhai-pages-public");
        assert!(matches!(load(&p), Err(None)));
        for (bytes, warns) in [
            (&b"congkhai-pages/0\nxx"[..], false),
            (&b"garbage"[..], true),
            (
                &b"congkhai-pages/1\n\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"[..],
                true,
            ),
            (&b""[..], true),
        ] {
            std::fs::write(&p, bytes).unwrap();
            match load(&p) {
                Err(Some(_)) => assert!(warns, "{bytes:?}"),
                Err(None) => assert!(!warns, "{bytes:?}"),
                Ok(_) => panic!("{bytes:?} parsed"),
            }
        }
    }

    #[test]
    fn a_saved_cache_loads_back() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("public");
        std::fs::create_dir_all(&target).unwrap();
        std::fs::write(target.join(crate::output::OUTPUT_MARKER), "").unwrap();
        let store = Store::open(&target, true);
        let call = Arc::new(Recorded {
            call: Call::new("get_page", &tera::Kwargs::default(), Some("vi"), None),
            result: [7; 32],
        });
        for rel in ["a/index.html", "b/index.html"] {
            store.new.lock().unwrap().insert(
                rel.into(),
                Some(Entry {
                    key: [1; 32],
                    output: [2; 32],
                    calls: vec![call.clone()],
                }),
            );
        }
        store
            .new
            .lock()
            .unwrap()
            .insert("c/index.html".into(), None);
        store.save(&target).unwrap();
        let back = load(&path_for(&target)).unwrap_or_else(|_| panic!("load"));
        assert_eq!(back.len(), 2, "a path written twice is not remembered");
        assert_eq!(back["a/index.html"].calls[0].as_ref(), call.as_ref());
        assert_eq!(back["b/index.html"].key, [1; 32]);
    }
}
