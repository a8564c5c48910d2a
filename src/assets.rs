//! The theme's stylesheets as published: minified (lightningcss, the CSS minifier
//! minify-html already uses) and also written under a name carrying a hash of their
//! bytes, `css/main.css` → `css/main.0123456789.css`. Templates link the fingerprinted
//! name (`get_url(path='css/main.css')` gives it), so a web server or CDN may cache it
//! for a year as immutable: a new theme is a new name. The plain name stays published
//! (same bytes) for links from outside and pages cached before an update.

/// Hex digits of the content hash in a fingerprinted name.
pub const HASH_LEN: usize = 10;

/// Whether `rel` is a stylesheet the theme publishes fingerprinted.
pub fn is_stylesheet(rel: &str) -> bool {
    rel.ends_with(".css")
}

/// `css` minified; `None` when lightningcss cannot read it (it is then published as is).
pub fn minify_css(css: &str) -> Option<String> {
    use lightningcss::stylesheet::{MinifyOptions, ParserOptions, PrinterOptions, StyleSheet};
    let mut sheet = StyleSheet::parse(css, ParserOptions::default()).ok()?;
    sheet.minify(MinifyOptions::default()).ok()?;
    let out = sheet
        .to_css(PrinterOptions {
            minify: true,
            ..PrinterOptions::default()
        })
        .ok()?;
    Some(out.code)
}

/// `dir/name.ext` → `dir/name.<hash>.ext`, the hash taken over `bytes`.
pub fn fingerprinted_name(rel: &str, bytes: &[u8]) -> String {
    let hash = crate::digest::sha256_hex(bytes);
    let short = &hash[..HASH_LEN.min(hash.len())];
    let (dir, file) = rel.rsplit_once('/').map_or(("", rel), |(d, f)| (d, f));
    let named = match file.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{short}.{ext}"),
        None => format!("{file}.{short}"),
    };
    if dir.is_empty() {
        named
    } else {
        format!("{dir}/{named}")
    }
}

/// Whether a published file's name carries a content hash (`main.0123456789.css`): what
/// a server may cache as immutable.
pub fn is_fingerprinted(rel: &str) -> bool {
    let file = rel.rsplit('/').next().unwrap_or(rel);
    let parts: Vec<&str> = file.split('.').collect();
    parts.len() >= 3
        && parts[parts.len() - 2].len() == HASH_LEN
        && parts[parts.len() - 2]
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A theme stylesheet as published: its bytes (minified when possible) and its
/// fingerprinted name.
pub struct Stylesheet {
    pub hashed: String,
    pub bytes: Vec<u8>,
}

/// The published form of the theme stylesheet `rel` with source `bytes`.
pub fn stylesheet(rel: &str, bytes: &[u8]) -> Stylesheet {
    let bytes = std::str::from_utf8(bytes)
        .ok()
        .and_then(minify_css)
        .map(String::into_bytes)
        .filter(|m| m.len() <= bytes.len())
        .unwrap_or_else(|| bytes.to_vec());
    Stylesheet {
        hashed: fingerprinted_name(rel, &bytes),
        bytes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        let n = fingerprinted_name("css/main.css", b"a{}");
        assert!(n.starts_with("css/main.") && n.ends_with(".css"), "{n}");
        assert_eq!(n.len(), "css/main..css".len() + HASH_LEN);
        assert!(is_fingerprinted(&n));
        assert_ne!(n, fingerprinted_name("css/main.css", b"b{}"));
        assert!(!is_fingerprinted("css/main.css"));
        assert!(!is_fingerprinted("van-ban/ke-hoach.2026.csv"));
        assert_eq!(
            fingerprinted_name("x", b""),
            format!("x.{}", &crate::digest::sha256_hex(b"")[..HASH_LEN])
        );
    }

    #[test]
    fn minifies_and_keeps_text() {
        let css = "/* c */\n.draft-mark {\n  content: \"BẢN NHÁP – CHƯA PHÊ DUYỆT\";\n  color : #ff0000 ;\n}\n";
        let s = stylesheet("css/x.css", css.as_bytes());
        let out = String::from_utf8(s.bytes).unwrap();
        assert!(out.len() < css.len(), "{out}");
        assert!(out.contains("BẢN NHÁP – CHƯA PHÊ DUYỆT"), "{out}");
        assert!(!out.contains("/* c */"), "{out}");
        // Unreadable CSS is published as is, never dropped.
        let bad = "a { color: red";
        let s = stylesheet("css/y.css", bad.as_bytes());
        assert!(!s.bytes.is_empty());
    }
}
