//! Media types by file extension, from one table: the `media_type` of published files
//! (attachments, downloads: `page.attachments[].media_type`) and the `Content-Type` the
//! preview server sends.

/// (lowercase extension, media type, also used for published files). Web files (HTML,
/// CSS, …) are served by `serve` but keep the generic type as attachments, as before.
const TYPES: &[(&str, &str, bool)] = &[
    ("pdf", "application/pdf", true),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        true,
    ),
    ("doc", "application/msword", true),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        true,
    ),
    ("xls", "application/vnd.ms-excel", true),
    ("odt", "application/vnd.oasis.opendocument.text", true),
    (
        "ods",
        "application/vnd.oasis.opendocument.spreadsheet",
        true,
    ),
    ("csv", "text/csv", true),
    ("json", "application/json", true),
    ("ics", "text/calendar", true),
    ("svg", "image/svg+xml", true),
    ("png", "image/png", true),
    ("jpg", "image/jpeg", true),
    ("jpeg", "image/jpeg", true),
    ("zip", "application/zip", true),
    ("html", "text/html", false),
    ("css", "text/css", false),
    ("js", "text/javascript", false),
    ("xml", "application/xml", false),
    ("jsonld", "application/ld+json", false),
    ("txt", "text/plain", false),
];

const UNKNOWN: &str = "application/octet-stream";

/// The media type of a published file with extension `ext` (lowercase).
pub fn media_type(ext: &str) -> &'static str {
    TYPES
        .iter()
        .find(|(e, _, published)| *published && *e == ext)
        .map_or(UNKNOWN, |(_, t, _)| t)
}

/// The HTTP `Content-Type` for a file with extension `ext` (lowercase): every text type
/// is UTF-8, as congkhai writes it.
pub fn content_type(ext: &str) -> std::borrow::Cow<'static, str> {
    match TYPES.iter().find(|(e, _, _)| *e == ext) {
        Some((_, t, _)) if t.starts_with("text/") => format!("{t}; charset=utf-8").into(),
        Some((_, t, _)) => (*t).into(),
        None => UNKNOWN.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_and_served_types() {
        assert_eq!(media_type("csv"), "text/csv");
        assert_eq!(content_type("csv"), "text/csv; charset=utf-8");
        assert_eq!(content_type("html"), "text/html; charset=utf-8");
        assert_eq!(content_type("json"), "application/json");
        assert_eq!(media_type("html"), UNKNOWN);
        assert_eq!(media_type("xyz"), UNKNOWN);
        assert_eq!(content_type("jpeg"), "image/jpeg");
        assert_eq!(content_type("docx"), media_type("docx"));
    }
}
