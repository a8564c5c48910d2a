//! Check: pure rules of a warning — its severity, whether it is active at the build date,
//! and that every link it makes points to an official https page.

use chrono::NaiveDate;
use pulldown_cmark::{Event, Parser, Tag};

use super::load::OfficialLink;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::kinds::RecordInput;
use crate::kinds::service_days::check_link;
use crate::text::fold;

/// How severe a warning is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Severity {
    /// 1 (information) to 3 (urgent); the site banner shows the highest.
    pub rank: u8,
    /// CSS key: `thong-tin`, `canh-bao`, `khan-cap`.
    pub key: &'static str,
    /// For citizens: `Thông tin`, `Cảnh báo`, `Khẩn cấp`.
    pub label: &'static str,
}

impl Severity {
    /// From "cảnh báo" up, an active warning becomes the site-wide banner.
    pub fn makes_banner(self) -> bool {
        self.rank >= 2
    }
}

/// "thông tin" / "cảnh báo" / "khẩn cấp" (or English), case and diacritics ignored.
pub fn parse_severity(s: &str) -> Option<Severity> {
    let (rank, key, label) = match fold(s.trim()).to_lowercase().as_str() {
        "thong tin" | "info" => (1, "thong-tin", "Thông tin"),
        "canh bao" | "warning" => (2, "canh-bao", "Cảnh báo"),
        "khan cap" | "urgent" => (3, "khan-cap", "Khẩn cấp"),
        _ => return None,
    };
    Some(Severity { rank, key, label })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activity {
    NotYet,
    Active,
    Ended,
}

impl Activity {
    /// CSS key: `not-yet`, `active`, `ended`.
    pub fn key(self) -> &'static str {
        match self {
            Activity::NotYet => "not-yet",
            Activity::Active => "active",
            Activity::Ended => "ended",
        }
    }

    /// In force or not, in the same words on the warning's page and in the warnings list.
    pub fn label(self) -> &'static str {
        match self {
            Activity::NotYet => "Chưa có hiệu lực",
            Activity::Active => "Đang hiệu lực",
            Activity::Ended => "Đã hết hiệu lực",
        }
    }
}

/// Is a warning active on `today`: from `from` (inclusive) until `until` (inclusive).
pub fn activity(today: NaiveDate, from: NaiveDate, until: Option<NaiveDate>) -> Activity {
    if today < from {
        Activity::NotYet
    } else if until.is_some_and(|u| today > u) {
        Activity::Ended
    } else {
        Activity::Active
    }
}

const LINK_HINT: &str = "chỉ dẫn tới trang https của cơ quan nhà nước (tên miền .gov.vn đã khai báo trong [links] official_domains của config.toml); viết tên miền giả mạo trong dấu `…` để nó không thành đường dẫn";

/// Every link of `[[record.links]]` and of the body must be on an official domain: a
/// look-alike domain in a scam warning would send citizens to the scam.
pub(super) fn check_links(
    input: &RecordInput,
    links: &[OfficialLink],
    official_domains: &[String],
    errors: &mut Diagnostics,
) {
    for link in links {
        if let Err(msg) = check_link(&link.url, official_domains) {
            errors.push(
                Diagnostic::error(msg)
                    .at(input.field_location("links"))
                    .hint(LINK_HINT),
            );
        }
    }
    for url in body_links(input.body) {
        if let Err(msg) = check_link(&url, official_domains) {
            errors.push(
                Diagnostic::error(format!("trong nội dung cảnh báo: {msg}"))
                    .in_file(input.file)
                    .hint(LINK_HINT),
            );
        }
    }
}

/// Every link and image address in a Markdown body, including `href`s in raw HTML.
pub fn body_links(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    for ev in Parser::new_ext(body, crate::markdown::options()) {
        match ev {
            Event::Start(Tag::Link { dest_url, .. })
            | Event::Start(Tag::Image { dest_url, .. }) => {
                out.push(dest_url.to_string());
            }
            Event::Html(h) | Event::InlineHtml(h) => html_links(&h, &mut out),
            _ => {}
        }
    }
    out
}

/// `href=` and `src=` values of raw HTML, quoted or not.
fn html_links(h: &str, out: &mut Vec<String>) {
    let lower = h.to_ascii_lowercase();
    for attr in ["href=", "src="] {
        let mut rest = lower.as_str();
        let mut offset = 0;
        while let Some(i) = rest.find(attr) {
            let start = offset + i + attr.len();
            let tail = &h[start..];
            let (q, tail) = match tail.chars().next() {
                Some(c @ ('"' | '\'')) => (Some(c), &tail[1..]),
                _ => (None, tail),
            };
            let end = tail
                .find(|c: char| Some(c) == q || (q.is_none() && (c.is_whitespace() || c == '>')))
                .unwrap_or(tail.len());
            out.push(tail[..end].to_string());
            offset = start;
            rest = &lower[offset..];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
    }

    #[test]
    fn activity_edges() {
        let f = d("2026-06-10");
        for (today, until, want) in [
            ("2026-06-09", None, Activity::NotYet),
            ("2026-06-10", None, Activity::Active),
            ("2030-01-01", None, Activity::Active),
            ("2026-06-30", Some("2026-06-30"), Activity::Active),
            ("2026-07-01", Some("2026-06-30"), Activity::Ended),
        ] {
            assert_eq!(
                activity(d(today), f, until.map(d)),
                want,
                "{today} {until:?}"
            );
        }
    }

    #[test]
    fn validity_in_plain_words() {
        for (a, want) in [
            (Activity::NotYet, "Chưa có hiệu lực"),
            (Activity::Active, "Đang hiệu lực"),
            (Activity::Ended, "Đã hết hiệu lực"),
        ] {
            assert_eq!(a.label(), want);
        }
    }

    #[test]
    fn severities() {
        for (text, want) in [
            ("Cảnh báo", Some((2, "canh-bao", true))),
            ("khẩn cấp", Some((3, "khan-cap", true))),
            ("URGENT", Some((3, "khan-cap", true))),
            ("thông tin", Some((1, "thong-tin", false))),
            ("nguy hiểm", None),
        ] {
            let got = parse_severity(text).map(|s| (s.rank, s.key, s.makes_banner()));
            assert_eq!(got, want, "{text}");
        }
    }

    #[test]
    fn finds_links_in_markdown_and_html() {
        let body = "Xem [trang](https://dichvucong.gov.vn/x) và <https://evil.top>.\n\n<a href=\"http://a.vn\">a</a> ![h](https://img.top/a.png)\n\nTên miền `dichvucongs.top` chỉ là chữ.";
        let v = body_links(body);
        assert_eq!(
            v,
            vec![
                "https://dichvucong.gov.vn/x",
                "https://evil.top",
                "http://a.vn",
                "https://img.top/a.png"
            ]
        );
    }

    #[test]
    fn html_attributes_quoted_or_not() {
        for (html, want) in [
            ("<a href='https://a.vn/x'>", vec!["https://a.vn/x"]),
            ("<a HREF=https://a.vn/y>", vec!["https://a.vn/y"]),
            ("<img src=\"/i.png\" alt=x>", vec!["/i.png"]),
            ("<p>none</p>", vec![]),
        ] {
            let mut out = Vec::new();
            html_links(html, &mut out);
            assert_eq!(out, want, "{html}");
        }
    }
}
