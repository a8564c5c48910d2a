//! The spill file of a low-memory build (`[build] low_memory_pages`, docs/architecture.md
//! "Memory"): an unnamed temporary file beside the output that holds every page's
//! Markdown body from the content stage until the page is built, and every page's body
//! HTML from then until a template value needs it. Each text is appended through a
//! buffer (one write per megabyte, not one per page) and read back with one positioned
//! read, so a 100,000-page site never has all its bodies or all its HTML in memory.
//!
//! On tmpfs the bytes leave the process; on a disk they go to the kernel's page cache,
//! which the system may write out and reclaim. The file has no name (`O_TMPFILE` where
//! the system has it): it is never published and disappears with the process.

use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::diagnostics::Diagnostic;

/// Memory: the spill file is written a megabyte at a time.
const BUFFER: usize = 1 << 20;

/// Speed (100,000-page benchmark): a thread that reads the texts in the order they were
/// put (bodies as the pages are built, a section's HTML sorted by place) reads this
/// much at a time, so one read serves the next dozen pages; one system call per page
/// was 4 % of the build's CPU.
const READ_AHEAD: usize = 64 << 10;

/// Tells one spill file from another in a thread's read-ahead window.
static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Where a text is in the spill file: `len` bytes at offset `at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spilled {
    pub at: u64,
    pub len: u32,
}

#[derive(Debug)]
pub struct Spill {
    file: std::fs::File,
    id: u64,
    /// Bytes not yet written, and the file offset where they start.
    pending: Mutex<(Vec<u8>, u64)>,
    /// A write or read that failed: the build turns it into an error (never a page
    /// with an empty body).
    failed: AtomicBool,
    /// What the system said of the first failure, for the error message.
    reason: Mutex<Option<String>>,
}

impl Spill {
    /// An unnamed file in `dir` (the staging folder) or, failing that, in the system's
    /// temporary folder; `None` when none can be made (texts then stay in memory).
    pub fn new(dir: Option<&Path>) -> Option<Spill> {
        let file = match dir {
            Some(d) => tempfile::tempfile_in(d).or_else(|_| tempfile::tempfile()),
            None => tempfile::tempfile(),
        }
        .ok()?;
        Some(Spill {
            file,
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            pending: Mutex::new((Vec::with_capacity(BUFFER), 0)),
            failed: AtomicBool::new(false),
            reason: Mutex::new(None),
        })
    }

    /// Append `text`; `None` (keep it in memory instead) when it cannot be.
    pub fn put(&self, text: &str) -> Option<Spilled> {
        let len = u32::try_from(text.len()).ok()?;
        let mut g = self.pending.lock().ok()?;
        let (buf, start) = &mut *g;
        let at = *start + buf.len() as u64;
        buf.extend_from_slice(text.as_bytes());
        if buf.len() >= BUFFER {
            self.write_out(buf, start);
        }
        Some(Spilled { at, len })
    }

    fn write_out(&self, buf: &mut Vec<u8>, start: &mut u64) {
        use std::io::Write;
        if let Err(e) = (&self.file).write_all(buf) {
            self.fail(e.to_string());
        }
        *start += buf.len() as u64;
        buf.clear();
    }

    /// Write what is buffered: every text put so far can be read back.
    pub fn flush(&self) {
        if let Ok(mut g) = self.pending.lock() {
            let (buf, start) = &mut *g;
            if !buf.is_empty() {
                self.write_out(buf, start);
            }
        }
    }

    /// `f` of the text at `s` (read into a buffer of this thread); `None`, and the
    /// build fails, when it cannot be read back (call [`Spill::flush`] first).
    ///
    /// The thread keeps the bytes it read last ([`Window`]): a text inside them costs
    /// no read. A text just past them means the thread is reading forward, and the read
    /// takes [`READ_AHEAD`] bytes; any other text is read alone, so texts read out of
    /// order cost no more than one read each.
    pub fn with<R>(&self, s: Spilled, f: impl FnOnce(&str) -> R) -> Option<R> {
        thread_local! {
            static WINDOW: std::cell::RefCell<Window> = const {
                std::cell::RefCell::new(Window { spill: u64::MAX, at: 0, bytes: Vec::new() })
            };
        }
        let r = WINDOW.with(|w| {
            let mut w = w.borrow_mut();
            let range = match w.range_of(self.id, s) {
                Some(range) => range,
                None => {
                    if let Err(e) = w.fill(self, s) {
                        return Err(e.to_string());
                    }
                    w.range_of(self.id, s)
                        .ok_or_else(|| "đọc thiếu".to_string())?
                }
            };
            match simdutf8::basic::from_utf8(&w.bytes[range]) {
                Ok(text) => Ok(f(text)),
                Err(_) => Err("nội dung đọc lại không phải UTF-8".to_string()),
            }
        });
        r.map_err(|reason| self.fail(reason)).ok()
    }

    /// Mark the spill file failed, keeping the first reason.
    fn fail(&self, reason: String) {
        self.failed.store(true, Ordering::Relaxed);
        if let Ok(mut r) = self.reason.lock()
            && r.is_none()
        {
            *r = Some(reason);
        }
    }

    /// Why the first write or read failed, as the system said it (`None` if none did).
    pub fn failure(&self) -> Option<String> {
        if !self.failed() {
            return None;
        }
        self.reason.lock().ok().and_then(|r| r.clone())
    }

    /// The build's error when a write or read failed (the output would lack a page's
    /// body), with what the system said; `None` when none did.
    pub fn error(&self) -> Option<Diagnostic> {
        self.failed().then(|| failure_error(self.failure()))
    }

    /// Whether a write or read failed (the output would lack a page's body).
    pub fn failed(&self) -> bool {
        self.failed.load(Ordering::Relaxed)
    }
}

/// The error of a spill file that failed: a page's body or HTML could not be written
/// or read back. `reason`: what the system said ([`Spill::failure`]).
pub fn failure_error(reason: Option<String>) -> Diagnostic {
    let reason = reason
        .map(|r| format!(" (hệ thống báo: {r})"))
        .unwrap_or_default();
    Diagnostic::error(format!(
        "không ghi hoặc đọc lại được nội dung trang trong tệp tạm của lần tạo trang{reason}"
    ))
    .hint("kiểm tra chỗ trống trên ổ đĩa và quyền ghi của thư mục đầu ra (hoặc thư mục tạm, biến TMPDIR) rồi chạy lại; hoặc đặt [build] low_memory_pages lớn hơn số trang trong config.toml")
}

/// The bytes a thread read last from a spill file: `bytes` from offset `at` of the
/// file `spill` ([`Spill::id`]).
struct Window {
    spill: u64,
    at: u64,
    bytes: Vec<u8>,
}

impl Window {
    /// Where text `s` of file `spill` is in `bytes`, if it is all there.
    fn range_of(&self, spill: u64, s: Spilled) -> Option<std::ops::Range<usize>> {
        let start = usize::try_from(s.at.checked_sub(self.at)?).ok()?;
        let end = start.checked_add(s.len as usize)?;
        (self.spill == spill && end <= self.bytes.len()).then_some(start..end)
    }

    /// Read text `s` (and, when reading forward, what follows it) into `bytes`.
    fn fill(&mut self, spill: &Spill, s: Spilled) -> std::io::Result<()> {
        let len = s.len as usize;
        let end = self.at + self.bytes.len() as u64;
        let forward = self.spill == spill.id && s.at >= end && s.at - end < READ_AHEAD as u64;
        let want = if forward { len.max(READ_AHEAD) } else { len };
        // Invalid until the read succeeds.
        self.spill = spill.id;
        self.at = s.at;
        self.bytes.clear();
        self.bytes.resize(want, 0);
        let got = read_at_least(&spill.file, &mut self.bytes, s.at, len);
        match got {
            Ok(n) => {
                self.bytes.truncate(n);
                Ok(())
            }
            Err(e) => {
                self.bytes.clear();
                Err(e)
            }
        }
    }
}

/// Read into `buf` from offset `at` until at least `min` bytes came (or `buf` is full);
/// the number of bytes read. Fewer than `min` before the end of the file is an error.
fn read_at_least(f: &std::fs::File, buf: &mut [u8], at: u64, min: usize) -> std::io::Result<usize> {
    let mut done = 0;
    while done < min {
        match read_at(f, &mut buf[done..], at + done as u64) {
            Ok(0) => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => done += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(done)
}

#[cfg(unix)]
fn read_at(f: &std::fs::File, buf: &mut [u8], at: u64) -> std::io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(f, buf, at)
}

#[cfg(windows)]
fn read_at(f: &std::fs::File, buf: &mut [u8], at: u64) -> std::io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(f, buf, at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_come_back_as_they_went_in_across_the_buffer() {
        let dir = tempfile::tempdir().unwrap();
        let spill = Spill::new(Some(dir.path())).unwrap();
        // Unnamed: nothing appears in the folder.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        let big = "Tổ dân phố số 7 — ".repeat(BUFFER / 10);
        let texts = ["", "một", big.as_str(), "<p>hai</p>", big.as_str(), "ba"];
        let at: Vec<Spilled> = texts.iter().map(|t| spill.put(t).unwrap()).collect();
        spill.flush();
        for (t, s) in texts.iter().zip(&at) {
            assert_eq!(spill.with(*s, str::to_string).as_deref(), Some(*t));
        }
        assert!(!spill.failed() && spill.error().is_none());
        // Past the end of what was written: no text, and the build is marked failed.
        let beyond = Spilled {
            at: at[5].at + 10,
            len: 4,
        };
        assert_eq!(spill.with(beyond, str::to_string), None);
        assert!(spill.failed());
        // With what the system said, for the message.
        let reason = spill.failure().unwrap();
        assert!(!reason.is_empty(), "{reason}");
        let error = spill.error().unwrap();
        assert!(
            error.message.contains(&format!("(hệ thống báo: {reason})")),
            "{}",
            error.message
        );
        assert!(
            error
                .hint
                .as_deref()
                .is_some_and(|h| h.contains("low_memory_pages"))
        );
    }

    /// Read forward, backward, at random and from two files in turn on one thread:
    /// whatever the read-ahead window holds, each text comes back whole.
    #[test]
    fn the_read_ahead_window_gives_each_text_whatever_the_order() {
        let dir = tempfile::tempdir().unwrap();
        let a = Spill::new(Some(dir.path())).unwrap();
        let b = Spill::new(Some(dir.path())).unwrap();
        let text = |i: usize| format!("<p>Trang {i}: {}</p>", "hộ nghèo ".repeat(i % 97));
        let n = 3_000;
        let at_a: Vec<Spilled> = (0..n).map(|i| a.put(&text(i)).unwrap()).collect();
        let at_b: Vec<Spilled> = (0..n).map(|i| b.put(&text(n - i)).unwrap()).collect();
        a.flush();
        b.flush();
        let mut order: Vec<usize> = (0..n).collect();
        let forward = order.clone();
        order.reverse();
        let backward = order.clone();
        // A fixed shuffle (no random numbers in tests): multiply by a unit modulo n.
        let scattered: Vec<usize> = (0..n).map(|i| (i * 1_231) % n).collect();
        for order in [forward, backward, scattered] {
            for &i in &order {
                assert_eq!(a.with(at_a[i], str::to_string), Some(text(i)), "a {i}");
                assert_eq!(b.with(at_b[i], str::to_string), Some(text(n - i)), "b {i}");
            }
        }
        assert!(!a.failed() && !b.failed());
        // A text written after a window was read past the end of the file then.
        let late = a.put("muộn").unwrap();
        a.flush();
        assert_eq!(a.with(late, str::to_string).as_deref(), Some("muộn"));
    }
}
