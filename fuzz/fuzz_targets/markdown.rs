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
        permalink: "https://phuong.example.vn/trang/",
        footnote_prefix: "t",
        anchors: AnchorLinks::Left,
        resolve: &resolve,
        snippets: None,
        lang: "vi",
    };
    let rendered = render(text, &opts);
    // As a page is published: wrapped in a document, then minified (with its guard).
    let page = format!(
        "<!doctype html><html><body><main>{}</main><footer></footer></body></html>",
        rendered.html
    );
    let _ = minify(page.into_bytes());
});
