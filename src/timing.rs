//! Phase timings for profiling builds: printed only when `CONGKHAI_TIMINGS` is set.
//!
//! At the bottom of the module graph so that every stage (content walk, kinds, history)
//! can time itself without importing the orchestration above it.

use std::time::Instant;

/// Print a line about the build (a count, not a time) when `CONGKHAI_TIMINGS` is set.
pub fn note(text: &str) {
    if std::env::var_os("CONGKHAI_TIMINGS").is_some() {
        eprintln!("[thời gian] {text}");
    }
}

/// Print how long a phase took when `CONGKHAI_TIMINGS` is set (for profiling builds).
pub fn phase(label: &str, since: Instant) {
    if std::env::var_os("CONGKHAI_TIMINGS").is_some() {
        // Resident memory now and at its peak (Linux; blank elsewhere).
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let field = |k: &str| {
            status
                .lines()
                .find(|l| l.starts_with(k))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<u64>().ok())
                .map_or(String::new(), |kb| format!("{} MiB", kb / 1024))
        };
        // The process's CPU time so far (user + system, all threads; Linux): the
        // difference between two phases against their wall time shows how busy the
        // cores were.
        let cpu = std::fs::read_to_string("/proc/self/stat")
            .ok()
            .and_then(|stat| {
                // Fields after the command name, which is in parentheses.
                let rest = stat.get(stat.rfind(')')? + 2..)?;
                let f: Vec<&str> = rest.split_whitespace().collect();
                let ticks = |k: usize| f.get(k).and_then(|v| v.parse::<u64>().ok());
                // utime and stime: fields 14 and 15 of the line, in clock ticks of
                // 1/100 s (Linux's USER_HZ).
                Some((ticks(11)? + ticks(12)?) * 10)
            })
            .map_or(String::new(), |ms| format!("; CPU {ms} ms"));
        eprintln!(
            "[thời gian] {label}: {} ms; RSS {}, đỉnh {}{cpu}",
            since.elapsed().as_millis(),
            field("VmRSS:"),
            field("VmHWM:")
        );
    }
}
