//! A content file's text → checked front matter → the page's typed front matter.
#![no_main]

use std::path::Path;

use congkhai::content::frontmatter::{FrontMatterKind, PageFrontMatter, deserialize, parse_table};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file = Path::new("content/trang.md");
    if let Ok((table, _body, _line)) = parse_table(file, text, FrontMatterKind::Page) {
        let _ = deserialize::<PageFrontMatter>(file, text, table);
    }
    let _ = parse_table(file, text, FrontMatterKind::Section);
});
