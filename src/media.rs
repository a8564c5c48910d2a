//! Media types by file extension: the `media_type` of published files (attachments,
//! downloads: `page.attachments[].media_type`, the open-data catalogue) and the
//! `Content-Type` the preview server sends. The standard table is `mime_guess`'s (as
//! Zola); [`OVERRIDES`] holds the few answers the portal needs otherwise.

/// Where the portal's answer differs from (or must not depend on) the standard table,
/// each with the reason. Checked before `mime_guess`.
const OVERRIDES: &[(&str, &str)] = &[
    // Published as the calendar of service days; pinned here because phones' calendar
    // apps only offer to import `text/calendar`, whatever a future table says.
    ("ics", "text/calendar"),
    // RFC 7946's type: GIS tools and the open-data catalogue's harvesters recognise
    // boundaries by it; older tables answer `application/json` or nothing.
    ("geojson", "application/geo+json"),
    // The DCAT catalogue (`catalog.jsonld`) must be read as JSON-LD, not plain JSON.
    ("jsonld", "application/ld+json"),
    // `mime_guess` answers `text/xml`; feeds and sitemaps are served as
    // `application/xml` (RFC 7303's preferred type), as before.
    ("xml", "application/xml"),
];

const UNKNOWN: &str = "application/octet-stream";

/// The media type of a published file with extension `ext` (lowercase), without
/// parameters (the catalogue and the manifest name the bare type).
pub fn media_type(ext: &str) -> &'static str {
    if let Some((_, t)) = OVERRIDES.iter().find(|(e, _)| *e == ext) {
        return t;
    }
    mime_guess::from_ext(ext).first_raw().unwrap_or(UNKNOWN)
}

/// The HTTP `Content-Type` for a file with extension `ext` (lowercase): every text type
/// (`.csv`, `.html`, `.ics`…) gets `; charset=utf-8`, since congkhai writes UTF-8 and a
/// browser or spreadsheet guessing another encoding garbles Vietnamese.
pub fn content_type(ext: &str) -> std::borrow::Cow<'static, str> {
    let t = media_type(ext);
    if t.starts_with("text/") {
        format!("{t}; charset=utf-8").into()
    } else {
        t.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_and_served_types() {
        for (ext, published, served) in [
            ("csv", "text/csv", "text/csv; charset=utf-8"),
            ("html", "text/html", "text/html; charset=utf-8"),
            ("json", "application/json", "application/json"),
            ("geojson", "application/geo+json", "application/geo+json"),
            ("jsonld", "application/ld+json", "application/ld+json"),
            ("ics", "text/calendar", "text/calendar; charset=utf-8"),
            ("xml", "application/xml", "application/xml"),
            ("jpeg", "image/jpeg", "image/jpeg"),
            ("webp", "image/webp", "image/webp"),
            ("pdf", "application/pdf", "application/pdf"),
            ("js", "text/javascript", "text/javascript; charset=utf-8"),
            (
                "docx",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ),
            (
                "xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            (
                "ods",
                "application/vnd.oasis.opendocument.spreadsheet",
                "application/vnd.oasis.opendocument.spreadsheet",
            ),
            ("qqq", UNKNOWN, UNKNOWN),
            ("", UNKNOWN, UNKNOWN),
        ] {
            assert_eq!(media_type(ext), published, "{ext}");
            assert_eq!(content_type(ext), served, "{ext}");
        }
    }
}
