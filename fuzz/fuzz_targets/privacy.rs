//! The personal-data scanner over arbitrary text: findings, masking, never a panic.
#![no_main]

use congkhai::privacy::{mask, scan_text};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let allow = vec!["0225 3123 456".to_string()];
    for finding in scan_text(text, &allow) {
        let _ = finding.message();
    }
    let _ = mask(text);
});
