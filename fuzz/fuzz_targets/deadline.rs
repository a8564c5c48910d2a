//! Free-text deadlines from plan tables ("trước ngày 30/6/2026", "Quý III/2026", …).
#![no_main]

use congkhai::deadline::{describe, iso, parse_due};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let due = parse_due(text);
    let _ = describe(&due);
    let (from, to) = due.window();
    let _ = (iso(from), iso(to));
});
