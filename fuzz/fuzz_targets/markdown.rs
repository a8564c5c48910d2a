//! Markdown body → HTML → minified HTML, the path every page takes. Deep nesting must
//! not overflow the stack anywhere along it.
#![no_main]

use congkhai::markdown::{AnchorLinks, RenderOptions, minify, render};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let resolve = |p: &str| (p.len() % 2 == 0).then(|| format!("/{p}/"));
    let opts = RenderOptions {
        footnote_prefix: "t",
        anchors: AnchorLinks::Left,
        resolve: &resolve,
        snippets: None,
        lang: "vi",
    };
    let rendered = render(text, &opts);
    // The table of contents as templates see it (nested, with permalinks), and the
    // word count against the standard library's.
    let _ = rendered.toc.nested("https://phuong.example.vn/trang/");
    assert_eq!(
        congkhai::text::word_count(text),
        text.split_whitespace().count()
    );
    // As a page is published: wrapped in a document, then minified (with its guard).
    let page = format!(
        "<!doctype html><html><body><main>{}</main><footer></footer></body></html>",
        rendered.html
    );
    let _ = minify(page.into_bytes());
});
