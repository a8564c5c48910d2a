//! What a template render depends on besides its context: the site functions it called
//! (`get_page`, `get_section`, `load_data`, `trans`, …, and the `markdown` filter, which
//! resolves `@/` links), each with its arguments and a hash of its result; and the
//! hashing of template values (docs/incremental.md).
//!
//! The recorder is a stack per thread: [`recording`] pushes a frame, runs the render and
//! pops it; a function registered by `templates` calls [`record`] when
//! [`is_recording`]. A Tera render runs on the thread that started it, so every call of
//! that render lands in its frame; a render started inside another one (rayon may run a
//! stolen task while a thread waits) gets its own frame on top and leaves the outer one
//! as it was.
//!
//! At the bottom of the module graph: imports nothing of the crate.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::cell::RefCell;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tera::{Kwargs, Value};

/// A SHA-256 digest.
pub type Hash = [u8; 32];

/// One call of a site function as a template made it: enough to make it again without
/// the template (`templates::reevaluate`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Call {
    /// The function's (or filter's) registered name.
    pub func: String,
    /// The keyword arguments, as a JSON object.
    pub args: String,
    /// The template's `lang` when the call was made (the only state a function reads).
    pub lang: Option<String>,
    /// A filter's input value (the `markdown` filter's text).
    pub input: Option<String>,
}

impl Call {
    pub fn new(func: &str, kwargs: &Kwargs, lang: Option<&str>, input: Option<&str>) -> Call {
        let mut map = serde_json::Map::new();
        for (k, v) in kwargs.iter() {
            let value = serde_json::to_value(v).unwrap_or(serde_json::Value::Null);
            map.insert(
                k.as_str().map_or_else(|| k.to_string(), str::to_string),
                value,
            );
        }
        Call {
            func: func.to_string(),
            // Speed (126-commune benchmark): the same text as `Value::to_string`, written
            // without the `fmt::Write` adapter; every site-function call of every page
            // is recorded.
            args: serde_json::to_string(&map).unwrap_or_default(),
            lang: lang.map(str::to_string),
            input: input.map(str::to_string),
        }
    }

    /// The keyword arguments back as Tera's (`None` when the text is not a JSON object).
    pub fn kwargs(&self) -> Option<Kwargs> {
        let serde_json::Value::Object(map) = serde_json::from_str(&self.args).ok()? else {
            return None;
        };
        let mut out = tera::Map::new();
        for (k, v) in map {
            out.insert(k.into(), Value::from_serializable(&v));
        }
        Some(Kwargs::new(Arc::new(out)))
    }
}

/// A call and the hash of what it returned.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Recorded {
    pub call: Call,
    pub result: Hash,
}

/// The value hasher of one build. The long-lived shared maps (each page's value, each
/// section's, each taxonomy's and term's) are registered up front: each is hashed once
/// however many listings and lookups hold it, and stood for by its hash. Registration
/// keeps a clone of each value, so its address can never be reused by another map
/// while the memo lives. Any other map is hashed inline (a temporary map is never
/// memoised, so its memory is never held).
///
/// Results of the calls that only read the build's lookups (not the disk) are also
/// hashed once per build ([`LOOKUP_ONLY`]).
#[derive(Default)]
pub struct Memo {
    known: HashMap<usize, Value>,
    /// Maps registered for a while ([`Memo::hold`]): a section's value while its pages
    /// render, when values are made per section (render's lean mode). Looked at only
    /// while something is held.
    held: std::sync::RwLock<HashMap<usize, Value>>,
    holding: std::sync::atomic::AtomicUsize,
    hashes: Mutex<HashMap<usize, Hash>>,
    calls: Mutex<HashMap<Call, Hash>>,
    /// Text and bytes hashed so far (for `CONGKHAI_TIMINGS`).
    bytes: std::sync::atomic::AtomicU64,
}

/// The recorded functions whose result depends only on the build's values (and their
/// arguments and `lang`): one call gives one result for the whole build. Functions that
/// read files (`load_data`, `get_hash`, `get_url` with `cachebust`, the image functions)
/// are hashed at every call.
const LOOKUP_ONLY: [&str; 7] = [
    "get_page",
    "get_section",
    "get_taxonomy",
    "get_taxonomy_term",
    "get_taxonomy_url",
    "trans",
    "markdown",
];

impl Memo {
    pub fn new() -> Memo {
        Memo::default()
    }

    /// A memo that hashes each of `values` (maps) once.
    pub fn with_shared<'a>(values: impl IntoIterator<Item = &'a Value>) -> Memo {
        let mut known = HashMap::default();
        for v in values {
            if let Some(m) = v.as_map() {
                known.insert(std::ptr::from_ref(m) as usize, v.clone());
            }
        }
        Memo {
            known,
            ..Memo::default()
        }
    }

    /// Count `n` bytes as hashed.
    pub fn count(&self, n: usize) {
        self.bytes
            .fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
    }

    /// Text and bytes hashed so far.
    pub fn hashed_bytes(&self) -> u64 {
        self.bytes.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The hash of `call`'s result `v`: memoised for lookup-only functions.
    pub fn call_hash(&self, call: &Call, v: &Value) -> Hash {
        if !LOOKUP_ONLY.contains(&call.func.as_str()) {
            return self.hash(v);
        }
        if let Some(h) = self.calls.lock().ok().and_then(|m| m.get(call).copied()) {
            return h;
        }
        let h = self.hash(v);
        if let Ok(mut m) = self.calls.lock() {
            m.insert(call.clone(), h);
        }
        h
    }

    /// The hash of template value `v` (kinds, safe marks, order of map entries: all
    /// that a template can observe).
    pub fn hash(&self, v: &Value) -> Hash {
        let mut h = Sha256::new();
        self.feed(&mut h, v);
        h.finalize().into()
    }

    fn feed(&self, h: &mut Sha256, v: &Value) {
        use tera::value::ValueKind as K;
        match v.kind() {
            K::Undefined => h.update([0]),
            K::None => h.update([1]),
            K::Bool => h.update([2, u8::from(v.as_bool().unwrap_or(false))]),
            K::String => {
                let s = v.as_str().unwrap_or("");
                h.update([3, u8::from(v.is_safe())]);
                h.update((s.len() as u64).to_le_bytes());
                h.update(s.as_bytes());
                self.count(s.len());
            }
            K::Array => {
                let a = v.as_array().unwrap_or(&[]);
                h.update([4]);
                h.update((a.len() as u64).to_le_bytes());
                for x in a {
                    self.feed(h, x);
                }
            }
            K::Map => {
                let Some(m) = v.as_map() else {
                    h.update([5, 0]);
                    return;
                };
                let addr = std::ptr::from_ref(m) as usize;
                if self.known.contains_key(&addr) || self.is_held(addr) {
                    h.update([6]);
                    h.update(self.map_hash(addr, m));
                } else {
                    self.feed_map(h, m);
                }
            }
            K::Bytes => {
                let b = v.as_bytes().unwrap_or(&[]);
                h.update([7]);
                h.update((b.len() as u64).to_le_bytes());
                h.update(b);
                self.count(b.len());
            }
            // Numbers (and any kind a later Tera adds): the kind and how it prints.
            other => {
                let text = format!("{other:?}\0{v}");
                h.update([8]);
                h.update((text.len() as u64).to_le_bytes());
                h.update(text.as_bytes());
            }
        }
    }

    fn feed_map(&self, h: &mut Sha256, m: &tera::Map) {
        h.update([5]);
        h.update((m.len() as u64).to_le_bytes());
        for (k, x) in m {
            // A string key is hashed as it prints, without a copy.
            let owned;
            let key = match k.as_str() {
                Some(s) => s,
                None => {
                    owned = k.to_string();
                    &owned
                }
            };
            h.update((key.len() as u64).to_le_bytes());
            h.update(key.as_bytes());
            self.feed(h, x);
        }
    }

    /// Register map `v` like the shared values until the returned guard is dropped:
    /// hashed once however many contexts hold it meanwhile. The memo keeps a clone, so
    /// the address cannot be reused by another map while it is held; a hash computed
    /// for an earlier map at the same address is forgotten first.
    pub fn hold(&self, v: &Value) -> Held<'_> {
        let addr = v.as_map().map(|m| std::ptr::from_ref(m) as usize);
        if let Some(addr) = addr
            && !self.known.contains_key(&addr)
            && let Ok(mut held) = self.held.write()
        {
            if let Ok(mut g) = self.hashes.lock() {
                g.remove(&addr);
            }
            held.insert(addr, v.clone());
            self.holding
                .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            return Held {
                memo: self,
                addr: Some(addr),
            };
        }
        Held {
            memo: self,
            addr: None,
        }
    }

    fn is_held(&self, addr: usize) -> bool {
        self.holding.load(std::sync::atomic::Ordering::SeqCst) > 0
            && self.held.read().is_ok_and(|h| h.contains_key(&addr))
    }

    /// The hash of registered map `m` at `addr`, computed once.
    fn map_hash(&self, addr: usize, m: &tera::Map) -> Hash {
        if let Some(hash) = self.hashes.lock().ok().and_then(|g| g.get(&addr).copied()) {
            return hash;
        }
        let mut h = Sha256::new();
        self.feed_map(&mut h, m);
        let hash: Hash = h.finalize().into();
        if let Ok(mut g) = self.hashes.lock() {
            g.insert(addr, hash);
        }
        hash
    }
}

/// A map registered with [`Memo::hold`]; dropping it forgets the map and its hash.
pub struct Held<'m> {
    memo: &'m Memo,
    addr: Option<usize>,
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        let Some(addr) = self.addr else { return };
        // The hash first: once the clone is gone the address may be reused.
        if let Ok(mut g) = self.memo.hashes.lock() {
            g.remove(&addr);
        }
        let removed = self
            .memo
            .held
            .write()
            .ok()
            .and_then(|mut h| h.remove(&addr));
        self.memo
            .holding
            .fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
        drop(removed);
    }
}

struct Frame {
    memo: Arc<Memo>,
    seen: HashSet<Call>,
    calls: Vec<Recorded>,
}

thread_local! {
    static STACK: RefCell<Vec<Frame>> = const { RefCell::new(Vec::new()) };
}

/// Run `f` (one template render) recording the site-function calls it makes on this
/// thread, each once, in the order first made.
pub fn recording<R>(memo: &Arc<Memo>, f: impl FnOnce() -> R) -> (R, Vec<Recorded>) {
    STACK.with(|s| {
        s.borrow_mut().push(Frame {
            memo: memo.clone(),
            seen: HashSet::default(),
            calls: Vec::new(),
        })
    });
    // Popped even when `f` panics, so the stack never holds a dead frame.
    struct Pop;
    impl Drop for Pop {
        fn drop(&mut self) {
            STACK.with(|s| s.borrow_mut().pop());
        }
    }
    let pop = Pop;
    let r = f();
    let calls = STACK.with(|s| {
        s.borrow_mut()
            .last_mut()
            .map(|fr| std::mem::take(&mut fr.calls))
            .unwrap_or_default()
    });
    drop(pop);
    (r, calls)
}

/// Whether a render on this thread is being recorded.
pub fn is_recording() -> bool {
    STACK.with(|s| !s.borrow().is_empty())
}

/// Record `call`, which returned `result`, in this thread's innermost recording.
pub fn record(call: Call, result: &Value) {
    let memo = STACK.with(|s| {
        let s = s.borrow();
        let top = s.last()?;
        (!top.seen.contains(&call)).then(|| top.memo.clone())
    });
    let Some(memo) = memo else {
        return;
    };
    // Hashed outside the borrow (a large section's value takes a while the first time).
    let result = memo.call_hash(&call, result);
    STACK.with(|s| {
        if let Some(top) = s.borrow_mut().last_mut()
            && top.seen.insert(call.clone())
        {
            top.calls.push(Recorded { call, result });
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list_of(v: &Value) -> Value {
        Value::from(vec![v.clone(), v.clone()])
    }

    #[test]
    fn value_hashes_see_kinds_safety_and_order() {
        let memo = Memo::new();
        let h = |v: Value| memo.hash(&v);
        assert_eq!(h(Value::from("a")), h(Value::from("a")));
        assert_ne!(h(Value::from("a")), h(Value::safe_string("a")));
        assert_ne!(h(Value::from("1")), h(Value::from(1)));
        assert_ne!(h(Value::from(1)), h(Value::from(1.0)));
        assert_ne!(h(Value::none()), h(Value::undefined()));
        assert_ne!(
            h(Value::from(vec!["ab", "c"])),
            h(Value::from(vec!["a", "bc"]))
        );
        let map = |pairs: &[(&'static str, i64)]| {
            let mut m = tera::Map::new();
            for (k, v) in pairs {
                m.insert((*k).into(), Value::from(*v));
            }
            Value::from(m)
        };
        assert_ne!(h(map(&[("a", 1), ("b", 2)])), h(map(&[("b", 2), ("a", 1)])));
        // A registered (shared) map: hashed once and stood for by its hash, the same in
        // every build that registers an equal map; inside a list too.
        let big = [("a", 1), ("b", 2), ("c", 3)];
        let v = map(&big);
        let shared = Memo::with_shared([&v]);
        let first = shared.hash(&v);
        assert_eq!(first, shared.hash(&v));
        let again = map(&big);
        assert_eq!(first, Memo::with_shared([&again]).hash(&again));
        let list = Value::from(vec![v.clone(), v.clone()]);
        assert_eq!(
            shared.hash(&list),
            Memo::with_shared([&again]).hash(&Value::from(vec![again.clone(), again.clone()]))
        );
        let changed = map(&[("a", 1), ("b", 2), ("c", 4)]);
        assert_ne!(first, Memo::with_shared([&changed]).hash(&changed));
        // An unregistered map is hashed inline: another hash, never confused with it.
        assert_ne!(first, Memo::new().hash(&again));
        // A map held for a while hashes as a registered one, and inline again after.
        let memo = Memo::new();
        let inline = memo.hash(&again);
        {
            let _held = memo.hold(&again);
            assert_eq!(memo.hash(&again), first);
            assert_eq!(memo.hash(&list_of(&again)), shared.hash(&list));
        }
        assert_eq!(memo.hash(&again), inline);
    }

    #[test]
    fn calls_are_recorded_once_in_the_innermost_frame() {
        let memo = Arc::new(Memo::new());
        let k = Kwargs::default();
        assert!(!is_recording());
        let ((_, inner), outer) = recording(&memo, || {
            record(Call::new("get_page", &k, None, None), &Value::from("x"));
            record(Call::new("get_page", &k, None, None), &Value::from("x"));
            recording(&memo, || {
                record(Call::new("trans", &k, Some("vi"), None), &Value::from("y"))
            })
        });
        assert!(!is_recording());
        assert_eq!(outer.len(), 1);
        assert_eq!(outer[0].call.func, "get_page");
        assert_eq!(inner.len(), 1);
        assert_eq!(inner[0].call.lang.as_deref(), Some("vi"));
        // Arguments survive the trip through the cache.
        let mut m = tera::Map::new();
        m.insert("path".into(), Value::from("a/b.md"));
        m.insert("n".into(), Value::from(3));
        let call = Call::new("get_page", &Kwargs::new(Arc::new(m)), None, None);
        let back = call.kwargs().unwrap();
        assert_eq!(back.get::<&str>("path").unwrap(), Some("a/b.md"));
        assert_eq!(back.get::<i64>("n").unwrap(), Some(3));
    }
}
