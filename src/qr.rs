//! QR codes as inline SVG, generated locally (no request to any other host), for the
//! A4 print views posted at the nhà văn hóa: a citizen scans the sheet and lands on the
//! online page.

use fast_qr::ECL;
use fast_qr::QRBuilder;
use fast_qr::convert::svg::SvgBuilder;

use crate::text::escape_html;

/// Inline SVG (no XML prolog) encoding `url`, with `role="img"` and `aria-label=label`.
/// Never panics: a URL too long for a QR code gives a small SVG with the label as text.
pub fn qr_svg(url: &str, label: &str) -> String {
    let label = escape_html(label);
    let svg = match QRBuilder::new(url).ecl(ECL::M).build() {
        Ok(code) => SvgBuilder::default().to_str(&code),
        Err(_) => {
            return format!(
                r#"<svg role="img" aria-label="{label}" viewBox="0 0 10 10" xmlns="http://www.w3.org/2000/svg"><title>{label}</title></svg>"#
            );
        }
    };
    match svg.strip_prefix("<svg ") {
        Some(rest) => format!(
            r#"<svg class="qr" role="img" aria-label="{label}" {}"#,
            rest.replacen('>', &format!("><title>{label}</title>"), 1)
        ),
        None => svg,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_is_inline_and_labelled() {
        let s = qr_svg(
            "https://phuong.example.vn/ho-tro/danh-sach/",
            "Mã QR \"trang\" <x>",
        );
        assert!(s.starts_with(
            "<svg class=\"qr\" role=\"img\" aria-label=\"Mã QR &quot;trang&quot; &lt;x&gt;\""
        ));
        assert!(!s.contains("<?xml"));
        assert!(s.contains("<path d=\""));
        assert!(s.ends_with("</svg>"));
        assert!(s.contains("<title>Mã QR"));
    }

    #[test]
    fn deterministic() {
        assert_eq!(qr_svg("https://a.vn/", "x"), qr_svg("https://a.vn/", "x"));
        assert_ne!(qr_svg("https://a.vn/", "x"), qr_svg("https://b.vn/", "x"));
    }

    #[test]
    fn too_long_does_not_panic() {
        let long = "x".repeat(10_000);
        let s = qr_svg(&long, "dài");
        assert!(s.contains("role=\"img\""));
    }
}
