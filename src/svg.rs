//! SVG files published as they are (from `static/`, the theme's `static/`, page
//! bundles and attachments) are checked against an allow-list of what a picture needs,
//! and refused with an error naming the file otherwise. An SVG opened directly in the
//! browser runs its scripts with the site's origin, so a picture is only published
//! when it cannot run or load anything:
//!
//! - no `<script>`, `<foreignObject>` (it embeds HTML), `<iframe>`, `<object>`,
//!   `<embed>`, `<handler>`, `<listener>`; no `on*` event attribute; no `xml:base`;
//! - every `href`/`xlink:href`/`src` is a `#fragment` inside the file, or an embedded
//!   PNG/JPEG/GIF/WebP picture (`data:image/png;base64,…`); nothing external;
//! - no `javascript:`/`vbscript:` anywhere in an attribute (after decoding character
//!   references, case and spaces), no animation (`<set>`, `<animate>`) of an `href` or
//!   an event attribute;
//! - styles (`style="…"`, `<style>`) load nothing: `url(…)` only to `#fragment`, no
//!   `@import`, `expression(`, `-moz-binding`, `behavior:`;
//! - no `<!DOCTYPE>` (entity definitions: billion laughs, external entities), no
//!   processing instruction other than the XML declaration, well-formed XML.
//!
//! The check streams the file once (quick-xml, no recursion, no tree), so its time and
//! memory stay in proportion to the file's size.

use std::borrow::Cow;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

/// Elements never allowed in a published SVG (local names, lowercase).
const FORBIDDEN_ELEMENTS: &[&str] = &[
    "script",
    "foreignobject",
    "iframe",
    "object",
    "embed",
    "handler",
    "listener",
    "html",
    "body",
    "audio",
    "video",
];

/// Why an SVG file is refused (Vietnamese, for the diagnostic).
pub type Refusal = String;

/// Check one SVG file's bytes. `Ok(())` when it is safe to publish as is.
pub fn check(bytes: &[u8]) -> Result<(), Refusal> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Err("tệp SVG không phải văn bản UTF-8".into());
    };
    let mut reader = Reader::from_str(text);
    let mut in_style = false;
    loop {
        let event = reader.read_event().map_err(|e| {
            format!(
                "tệp SVG không đọc được như XML (vị trí byte {}): {e}",
                reader.buffer_position()
            )
        })?;
        match event {
            Event::Start(e) => {
                check_element(&e)?;
                in_style = local(e.name().as_ref()) == "style";
            }
            Event::Empty(e) => check_element(&e)?,
            Event::End(_) => in_style = false,
            Event::Text(t) if in_style => check_style(&String::from_utf8_lossy(&t))?,
            Event::CData(t) if in_style => check_style(&String::from_utf8_lossy(&t))?,
            Event::DocType(_) => {
                return Err("tệp SVG có khai báo <!DOCTYPE> (có thể định nghĩa thực thể)".into());
            }
            Event::PI(_) => {
                return Err("tệp SVG có chỉ thị xử lý <?…?> (ví dụ nạp bảng kiểu từ ngoài)".into());
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

/// Local name, lowercase: `svg:script` → `script`.
fn local(name: &[u8]) -> String {
    let name = String::from_utf8_lossy(name);
    let local = name.rsplit(':').next().unwrap_or(&name);
    local.to_ascii_lowercase()
}

fn check_element(e: &BytesStart) -> Result<(), Refusal> {
    let name = local(e.name().as_ref());
    if FORBIDDEN_ELEMENTS.contains(&name.as_str()) {
        return Err(format!("tệp SVG có thẻ <{name}>"));
    }
    let animates = matches!(
        name.as_str(),
        "set" | "animate" | "animatemotion" | "animatetransform"
    );
    for attr in e.attributes() {
        let attr = attr.map_err(|err| format!("thuộc tính hỏng trong thẻ <{name}>: {err}"))?;
        let key_raw = String::from_utf8_lossy(attr.key.as_ref()).to_ascii_lowercase();
        let key = local(attr.key.as_ref());
        let value: Cow<str> = attr
            .unescape_value()
            .map_err(|err| format!("giá trị thuộc tính {key_raw} hỏng: {err}"))?;
        check_attribute(&name, &key_raw, &key, &value)?;
        if animates && key == "attributename" {
            let target = local(value.trim().as_bytes());
            if target == "href" || target.starts_with("on") {
                return Err(format!("tệp SVG có hoạt ảnh <{name}> thay đổi {target}"));
            }
        }
    }
    Ok(())
}

/// One attribute of element `element`: `key_raw` as written (lowercase, with prefix),
/// `key` its local name, `value` decoded.
fn check_attribute(element: &str, key_raw: &str, key: &str, value: &str) -> Result<(), Refusal> {
    if key.starts_with("on") {
        return Err(format!(
            "tệp SVG có thuộc tính sự kiện {key_raw} trong thẻ <{element}>"
        ));
    }
    if key_raw == "xml:base" {
        return Err("tệp SVG có thuộc tính xml:base".into());
    }
    let squashed = squash(value);
    if squashed.contains("javascript:") || squashed.contains("vbscript:") {
        return Err(format!(
            "tệp SVG có liên kết javascript: trong thuộc tính {key_raw} của thẻ <{element}>"
        ));
    }
    if matches!(key, "href" | "src") && !is_internal_or_picture(&squashed) {
        return Err(format!(
            "tệp SVG tham chiếu ra ngoài: {key_raw}=\"{}\" trong thẻ <{element}>",
            shorten(value)
        ));
    }
    if key == "style" {
        check_style(value)?;
    }
    Ok(())
}

/// `#fragment`, or an embedded raster picture.
fn is_internal_or_picture(squashed: &str) -> bool {
    squashed.starts_with('#')
        || [
            "data:image/png;",
            "data:image/jpeg;",
            "data:image/jpg;",
            "data:image/gif;",
            "data:image/webp;",
        ]
        .iter()
        .any(|p| squashed.starts_with(p))
}

/// CSS text of a `style` attribute or element: nothing loaded, nothing executed.
fn check_style(css: &str) -> Result<(), Refusal> {
    // CSS escapes (`u\72l(`, `\6a avascript`) would hide a keyword from the checks
    // below; a picture's styles never need them.
    if css.contains('\\') {
        return Err("tệp SVG có kiểu (CSS) dùng ký tự thoát \\".into());
    }
    let s = squash(css);
    for bad in [
        "@import",
        "expression(",
        "-moz-binding",
        "behavior:",
        "javascript:",
        "vbscript:",
    ] {
        if s.contains(bad) {
            return Err(format!("tệp SVG có kiểu (CSS) không an toàn: {bad}"));
        }
    }
    let mut rest = s.as_str();
    while let Some(i) = rest.find("url(") {
        let arg = rest[i + 4..].trim_start_matches(['"', '\'']);
        if !arg.starts_with('#') {
            return Err("tệp SVG có kiểu (CSS) nạp tệp từ ngoài: url(…)".into());
        }
        rest = &rest[i + 4..];
    }
    Ok(())
}

/// Lowercase, without whitespace and control characters, as browsers read a scheme.
fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .flat_map(char::to_lowercase)
        .collect()
}

fn shorten(s: &str) -> String {
    let mut out: String = s.chars().take(60).collect();
    if s.chars().count() > 60 {
        out.push('…');
    }
    out
}

/// Whether a published file name is an SVG picture (by extension, any case).
pub fn is_svg_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".svg") || lower.ends_with(".svgz")
}

/// The hint shown with every refusal.
pub const HINT: &str = "tệp SVG chỉ được chứa hình vẽ: xuất lại từ phần mềm vẽ ở dạng \u{201c}SVG thường\u{201d} (không có script, liên kết ra ngoài hay nội dung nhúng), hoặc dùng ảnh PNG/JPEG thay thế";

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">"#;

    fn svg(body: &str) -> String {
        format!("{HEAD}{body}</svg>")
    }

    #[test]
    fn safe_pictures_pass() {
        for body in [
            r#"<rect width="10" height="10" fill="red"/>"#,
            r##"<defs><linearGradient id="g"/></defs><rect fill="url(#g)" width="1" height="1"/>"##,
            r##"<use href="#a"/><use xlink:href="#a"/>"##,
            r#"<image href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/>"#,
            r#"<title>Sơ đồ &lt;tổ 3&gt;</title><text x="1" y="1">A &amp; B</text>"#,
            r#"<style>rect { fill: #c00; stroke: url(#g); }</style>"#,
            r##"<a href="#top"><text>lên đầu</text></a>"##,
        ] {
            assert_eq!(check(svg(body).as_bytes()), Ok(()), "{body}");
        }
        let with_decl = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}", svg(""));
        assert_eq!(check(with_decl.as_bytes()), Ok(()));
    }

    #[test]
    fn dangerous_pictures_are_refused() {
        for body in [
            "<script>alert(1)</script>",
            "<SCRIPT>alert(1)</SCRIPT>",
            r#"<svg:script xmlns:svg="http://www.w3.org/2000/svg">alert(1)</svg:script>"#,
            r#"<script href="https://x.example/a.js"/>"#,
            r#"<rect onload="alert(1)"/>"#,
            r#"<rect ONCLICK="alert(1)"/>"#,
            r#"<rect x:onmouseover="alert(1)" xmlns:x="urn:x"/>"#,
            "<foreignObject><div xmlns=\"http://www.w3.org/1999/xhtml\">x</div></foreignObject>",
            r#"<a href="javascript:alert(1)"><text>x</text></a>"#,
            r#"<a xlink:href="&#106;avascript:alert(1)"><text>x</text></a>"#,
            r#"<a href=" JaVa&#x09;ScRiPt:alert(1)"><text>x</text></a>"#,
            r#"<a href="https://lua-dao.example/"><text>x</text></a>"#,
            r#"<image href="https://tracker.example/p.png"/>"#,
            r#"<image href="data:image/svg+xml;base64,PHN2Zz4="/>"#,
            r#"<use href="other.svg#a"/>"#,
            r#"<set attributeName="href" to="javascript:alert(1)"/>"#,
            r#"<animate attributeName="xlink:href" values="x"/>"#,
            r#"<set attributeName="onclick" to="alert(1)"/>"#,
            r#"<style>@import url(https://x.example/a.css);</style>"#,
            r#"<style><![CDATA[ rect { fill: url(https://x.example/p.svg#a) } ]]></style>"#,
            r#"<rect style="fill: url('https://x.example/')"/>"#,
            r#"<rect style="background: expression(alert(1))"/>"#,
            r#"<rect style="background: u\72l(https://x.example/)"/>"#,
            r#"<iframe src="https://x.example/"/>"#,
            r#"<embed src="a.swf"/>"#,
            r#"<g xml:base="https://x.example/"/>"#,
            "<g>",
            "<rect x=\"1\" x=\"2\"/>",
        ] {
            assert!(check(svg(body).as_bytes()).is_err(), "{body}");
        }
        for whole in [
            "<!DOCTYPE svg [<!ENTITY a \"aaaa\">]><svg>&a;</svg>".to_string(),
            format!(
                "<?xml-stylesheet href=\"https://x.example/a.css\"?>{}",
                svg("")
            ),
            "\u{feff}not xml <".to_string(),
        ] {
            assert!(check(whole.as_bytes()).is_err(), "{whole}");
        }
        assert!(check(&[0xff, 0xfe, 0x00]).is_err());
    }

    #[test]
    fn svg_names() {
        assert!(is_svg_name("a/b/Logo.SVG"));
        assert!(is_svg_name("x.svgz"));
        assert!(!is_svg_name("x.svg.png"));
    }
}
