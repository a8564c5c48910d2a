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

/// Memory: the spill file is written a megabyte at a time.
const BUFFER: usize = 1 << 20;

/// Where a text is in the spill file: `len` bytes at offset `at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spilled {
    pub at: u64,
    pub len: u32,
}

#[derive(Debug)]
pub struct Spill {
    file: std::fs::File,
    /// Bytes not yet written, and the file offset where they start.
    pending: Mutex<(Vec<u8>, u64)>,
    /// A write or read that failed: the build turns it into an error (never a page
    /// with an empty body).
    failed: AtomicBool,
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
            pending: Mutex::new((Vec::with_capacity(BUFFER), 0)),
            failed: AtomicBool::new(false),
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
        if (&self.file).write_all(buf).is_err() {
            self.failed.store(true, Ordering::Relaxed);
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
    pub fn with<R>(&self, s: Spilled, f: impl FnOnce(&str) -> R) -> Option<R> {
        thread_local! {
            static BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        let r = BUF.with(|b| {
            let mut buf = b.borrow_mut();
            buf.resize(s.len as usize, 0);
            read_exact_at(&self.file, &mut buf, s.at).ok()?;
            simdutf8::basic::from_utf8(&buf).ok().map(f)
        });
        if r.is_none() {
            self.failed.store(true, Ordering::Relaxed);
        }
        r
    }

    /// Whether a write or read failed (the output would lack a page's body).
    pub fn failed(&self) -> bool {
        self.failed.load(Ordering::Relaxed)
    }
}

#[cfg(unix)]
fn read_exact_at(f: &std::fs::File, buf: &mut [u8], at: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(f, buf, at)
}

#[cfg(windows)]
fn read_exact_at(f: &std::fs::File, buf: &mut [u8], at: u64) -> std::io::Result<()> {
    let mut done = 0;
    while done < buf.len() {
        let n = std::os::windows::fs::FileExt::seek_read(f, &mut buf[done..], at + done as u64)?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        done += n;
    }
    Ok(())
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
        assert!(!spill.failed());
        // Past the end of what was written: no text, and the build is marked failed.
        let beyond = Spilled {
            at: at[5].at + 10,
            len: 4,
        };
        assert_eq!(spill.with(beyond, str::to_string), None);
        assert!(spill.failed());
    }
}
