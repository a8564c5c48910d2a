//! The page `serve` answers while the last build failed: every error grouped by file,
//! with row, column, what is wrong and how to fix it, in Vietnamese, every value escaped
//! (a file name or a cell holding `<script>` is shown, never run). It carries the reload
//! script, so the browser shows the site again by itself once the files are fixed.
//!
//! Answered with HTTP 500, not 200: the server could not make the page asked for, and a
//! tool (curl, a link checker, a test) must not mistake the error for the page. Browsers
//! show the body of a 500 like any page, and the reload script in it works the same.

use std::collections::BTreeMap;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::text::escape_html;

/// The whole HTML page for `diags` (errors first, then warnings), with `reload_script`
/// before `</body>`.
pub(super) fn error_page(diags: &Diagnostics, reload_script: &str) -> String {
    let errors: Vec<&Diagnostic> = diags.errors().collect();
    let warnings: Vec<&Diagnostic> = diags.warnings().collect();
    let mut out = String::from(
        "<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"robots\" content=\"noindex\">\n<title>Lỗi khi tạo trang</title>\n<style>\
         body{font:18px/1.5 system-ui,sans-serif;margin:0;padding:1rem;color:#111;background:#fff;max-width:60rem}\
         h1{color:#a1000e;font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:2px solid #a1000e}\
         .loi{border-left:6px solid #a1000e;padding:.3rem .8rem;margin:.8rem 0;background:#fff4f4}\
         .canh-bao{border-left:6px solid #8a5a00;padding:.3rem .8rem;margin:.8rem 0;background:#fffbea}\
         dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem .8rem;margin:0}dt{font-weight:bold}dd{margin:0;white-space:pre-wrap;overflow-wrap:anywhere}\
         code{font-size:1rem}\
         </style>\n</head>\n<body>\n<main>\n<h1>Lỗi khi tạo trang: chưa xem trước được</h1>\n",
    );
    out.push_str(&format!(
        "<p>Lần tạo trang gần nhất có <strong>{} lỗi</strong>{}. Sửa các tệp dưới đây rồi lưu lại: \
         trang này tự tải lại khi tạo trang thành công.</p>\n",
        errors.len(),
        if warnings.is_empty() {
            String::new()
        } else {
            format!(" và {} cảnh báo", warnings.len())
        }
    ));
    for (heading, list, class) in [
        ("Lỗi", &errors, "loi"),
        (
            "Cảnh báo (không làm dừng việc tạo trang)",
            &warnings,
            "canh-bao",
        ),
    ] {
        if list.is_empty() {
            continue;
        }
        if class == "canh-bao" {
            out.push_str(&format!("<h2>{heading}</h2>\n"));
        }
        for (file, items) in by_file(list) {
            let title = if file.is_empty() {
                "Lỗi chung (không gắn với tệp nào)".to_string()
            } else {
                format!("Tệp <code>{}</code>", escape_html(&file))
            };
            out.push_str(&format!(
                "<section>\n<h2>{title} – {} {}</h2>\n",
                items.len(),
                heading.split(' ').next().unwrap_or(heading).to_lowercase()
            ));
            for d in items {
                out.push_str(&item(d, class));
            }
            out.push_str("</section>\n");
        }
    }
    out.push_str("</main>\n");
    out.push_str(reload_script);
    out.push_str("\n</body>\n</html>\n");
    out
}

/// Diagnostics grouped by file, files in order; those without a file under "".
fn by_file<'a>(list: &[&'a Diagnostic]) -> BTreeMap<String, Vec<&'a Diagnostic>> {
    let mut m: BTreeMap<String, Vec<&Diagnostic>> = BTreeMap::new();
    for d in list {
        let file = d
            .location
            .as_ref()
            .map(|l| l.file.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        m.entry(file).or_default().push(d);
    }
    m
}

fn item(d: &Diagnostic, class: &str) -> String {
    let mut rows = Vec::new();
    if let Some(l) = &d.location {
        if let Some(line) = l.line {
            rows.push(("Dòng", line.to_string()));
        }
        if let Some(col) = l.column {
            rows.push(("Cột", col.to_string()));
        }
        if let Some(field) = &l.field {
            rows.push(("Cột, trường", field.clone()));
        }
    }
    rows.push(("Vấn đề", d.message.clone()));
    if let Some(h) = &d.hint {
        rows.push(("Cách sửa", h.clone()));
    }
    let mut out = format!("<div class=\"{class}\" role=\"alert\"><dl>");
    for (k, v) in rows {
        out.push_str(&format!("<dt>{k}</dt><dd>{}</dd>", escape_html(&v)));
    }
    out.push_str("</dl></div>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Location;

    #[test]
    fn errors_grouped_by_file_escaped_with_row_column_and_fix() {
        let mut d = Diagnostics::new();
        d.push(
            Diagnostic::error("ô chứa <script>alert(1)</script>")
                .at(Location::at("data/<b>x</b>.csv", 7, 3))
                .hint("xóa <img src=x onerror=alert(2)>"),
        );
        d.push(Diagnostic::error("thiếu cột Số tiền").at(Location::line("data/<b>x</b>.csv", 1)));
        d.push(
            Diagnostic::error("thiếu phê duyệt")
                .at(Location::file("content/a.md").with_field("approval")),
        );
        d.push(Diagnostic::error("lỗi chung"));
        d.push(Diagnostic::warning("ít phiếu").at(Location::line("data/kq.csv", 4)));
        let page = error_page(&d, "<script>RELOAD</script>");
        assert!(!page.contains("<script>alert"), "{page}");
        assert!(!page.contains("<img"), "{page}");
        assert!(!page.contains("<b>x"), "{page}");
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(
            page.contains("Tệp <code>data/&lt;b&gt;x&lt;/b&gt;.csv</code> – 2 lỗi"),
            "{page}"
        );
        assert!(page.contains("<dt>Dòng</dt><dd>7</dd><dt>Cột</dt><dd>3</dd>"));
        assert!(page.contains("<dt>Cột, trường</dt><dd>approval</dd>"));
        assert!(page.contains("<dt>Cách sửa</dt><dd>xóa &lt;img"));
        assert!(page.contains("Lỗi chung (không gắn với tệp nào)"));
        assert!(page.contains("4 lỗi</strong> và 1 cảnh báo"));
        // Files in order: content/ before data/; the reload script last.
        let a = page.find("content/a.md").unwrap();
        let x = page.find("data/&lt;b&gt;").unwrap();
        assert!(a < x);
        assert!(
            page.trim_end()
                .ends_with("<script>RELOAD</script>\n</body>\n</html>")
        );
        assert!(page.find("ít phiếu").unwrap() > x, "warnings after errors");
    }
}
