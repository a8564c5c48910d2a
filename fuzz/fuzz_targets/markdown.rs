//! Markdown body → HTML → minified HTML, the path every page takes. Deep nesting must
//! not overflow the stack anywhere along it.
#![no_main]

use congkhai::markdown::{AnchorLinks, RenderOptions, render};
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
    };
    let rendered = render(text, &opts);
    let cfg = minify_html::Cfg::default();
    let _ = minify_html::minify(rendered.html.as_bytes(), &cfg);
});
