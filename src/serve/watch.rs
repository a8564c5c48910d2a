//! Watching the site's sources (`notify`, debounced) and turning each batch of changes
//! into a rebuild; reading a file is not a change.

use std::path::{Path, PathBuf};
use std::time::Duration;

use notify_debouncer_full::DebounceEventResult;

use super::rebuild::{Fast, Rebuilder};
use crate::diagnostics::Diagnostics;
use crate::pipeline;

/// How long after the last fast-path edit the follow-up full build runs (it brings
/// listings, feeds, search index and manifest in line with the edited bodies).
const FOLLOW_UP_DELAY: Duration = Duration::from_millis(1000);

/// Debounce of file events: editors write a file in a few events within milliseconds.
const DEBOUNCE: Duration = Duration::from_millis(50);

/// What the watcher thread receives: debounced file events, and the result of a
/// follow-up full build run on another thread.
pub(super) enum Msg {
    Files(DebounceEventResult),
    FollowUp {
        /// The value of `Rebuilder::generation` when the follow-up started.
        generation: u64,
        started: std::time::Instant,
        result: Box<Result<pipeline::StagedBuild, Diagnostics>>,
    },
}

/// The file watcher (kept alive while it is in use) and its debounced events.
pub(super) struct Watching {
    _debouncer: notify_debouncer_full::Debouncer<
        notify::RecommendedWatcher,
        notify_debouncer_full::RecommendedCache,
    >,
    rx: std::sync::mpsc::Receiver<Msg>,
}

pub(super) fn start_watching(
    root: &Path,
    config_file: &Path,
    tx: std::sync::mpsc::Sender<Msg>,
    rx: std::sync::mpsc::Receiver<Msg>,
) -> Option<Watching> {
    use notify::RecursiveMode;
    use notify_debouncer_full::new_debouncer;
    let handler = move |r: DebounceEventResult| {
        let _ = tx.send(Msg::Files(r));
    };
    let Ok(mut debouncer) = new_debouncer(DEBOUNCE, None, handler) else {
        eprintln!(
            "cảnh báo: không theo dõi được thay đổi tệp; hãy khởi động lại serve sau khi sửa"
        );
        return None;
    };
    for name in [
        "content",
        "data",
        "templates",
        "themes",
        "static",
        "config.toml",
        "zola.toml",
    ]
    .iter()
    .map(Path::new)
    .chain([config_file])
    {
        let p = root.join(name);
        if p.exists() {
            let _ = debouncer.watch(&p, RecursiveMode::Recursive);
        }
    }
    Some(Watching {
        _debouncer: debouncer,
        rx,
    })
}

pub(super) fn watch(mut rebuilder: Rebuilder, watching: Watching) {
    use std::sync::mpsc::RecvTimeoutError;
    let rx = &watching.rx;
    let output_dir = rebuilder.out.clone();
    // When set, a follow-up full build is due at this instant unless more edits come
    // first (and once no follow-up is running).
    let mut follow_up: Option<std::time::Instant> = None;
    loop {
        let due = follow_up.filter(|_| !rebuilder.follow_up_running);
        let received = match due {
            Some(at) => {
                match rx.recv_timeout(at.saturating_duration_since(std::time::Instant::now())) {
                    Ok(m) => Some(m),
                    Err(RecvTimeoutError::Timeout) => None,
                    Err(RecvTimeoutError::Disconnected) => break,
                }
            }
            None => match rx.recv() {
                Ok(m) => Some(m),
                Err(_) => break,
            },
        };
        let events = match received {
            None => {
                follow_up = None;
                rebuilder.start_follow_up();
                continue;
            }
            Some(Msg::FollowUp {
                generation,
                started,
                result,
            }) => {
                if rebuilder.finish_follow_up(generation, started, *result) {
                    follow_up = None;
                }
                continue;
            }
            Some(Msg::Files(Ok(events))) => events,
            Some(Msg::Files(Err(_))) => continue,
        };
        let mut paths: Vec<PathBuf> = events
            .iter()
            .filter(|e| is_change(&e.kind))
            .flat_map(|e| e.paths.iter())
            .filter(|p| is_source(p, &output_dir))
            .cloned()
            .collect();
        paths.sort();
        paths.dedup();
        if paths.is_empty() {
            continue;
        }
        match rebuilder.fast(&paths) {
            // `--fast`: the edited page only, no full build after it.
            Fast::Done if rebuilder.fast_only => follow_up = None,
            Fast::Done => follow_up = Some(std::time::Instant::now() + FOLLOW_UP_DELAY),
            // A follow-up would fail on the same error; the next good edit schedules it.
            Fast::Failed => follow_up = None,
            Fast::NotApplicable => {
                follow_up = None;
                rebuilder.full();
            }
        }
    }
}

/// Whether a file event is a change. inotify also reports opening and reading a file, and
/// every build reads every source: those must not trigger the next build.
fn is_change(kind: &notify::EventKind) -> bool {
    use notify::EventKind;
    use notify::event::{AccessKind, AccessMode};
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

fn is_source(p: &Path, output: &Path) -> bool {
    if p.starts_with(output) {
        return false;
    }
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    // Vim probes a directory with a file named 4913 before saving.
    !(name.starts_with('.') || name.ends_with('~') || name.ends_with(".swp") || name == "4913")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_a_file_is_not_a_change() {
        use notify::EventKind;
        use notify::event::{AccessKind, AccessMode, CreateKind, DataChange, ModifyKind};
        assert!(!is_change(&EventKind::Access(AccessKind::Open(
            AccessMode::Any
        ))));
        assert!(!is_change(&EventKind::Access(AccessKind::Close(
            AccessMode::Read
        ))));
        assert!(!is_change(&EventKind::Access(AccessKind::Read)));
        assert!(is_change(&EventKind::Access(AccessKind::Close(
            AccessMode::Write
        ))));
        assert!(is_change(&EventKind::Modify(ModifyKind::Data(
            DataChange::Any
        ))));
        assert!(is_change(&EventKind::Create(CreateKind::File)));
        assert!(is_change(&EventKind::Remove(
            notify::event::RemoveKind::Any
        )));
    }

    #[test]
    fn editor_droppings_are_not_sources() {
        let out = Path::new("/tmp/out");
        assert!(is_source(Path::new("/site/content/a.md"), out));
        assert!(!is_source(Path::new("/site/content/.a.md.swp"), out));
        assert!(!is_source(Path::new("/site/content/a.md~"), out));
        assert!(!is_source(Path::new("/site/content/4913"), out));
        assert!(!is_source(Path::new("/tmp/out/index.html"), out));
    }
}
