//! The approval gate and publication windows: what may be published on the build date.
//!
//! On a portal (a config with `[ward]`) every page, dataset and attachment needs a
//! complete approval; a build refuses anything without one. `--drafts` makes a staff
//! preview where unapproved items appear with a banner instead.

use std::path::Path;

use chrono::NaiveDate;
use serde::Serialize;

use crate::config::Config;
use crate::content::frontmatter::Approval;
use crate::diagnostics::{Diagnostic, Location};

/// What happens to an item on the build date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Approved and inside its window.
    Published,
    /// Not approved; only in a `--drafts` preview, with the draft banner.
    DraftPreview,
    /// Before `publish_from`: not in the output at all (shown in a preview).
    Embargoed,
    /// After `publish_until`: its URL shows a short withdrawal notice.
    Expired,
}

/// The publication facts of one item, as read from its front matter.
pub struct Item<'a> {
    pub file: &'a Path,
    /// Path relative to `content/`, matched against `[approval] exempt`.
    pub rel: &'a str,
    pub approval: Option<&'a Approval>,
    pub publish_from: Option<NaiveDate>,
    pub publish_until: Option<NaiveDate>,
    /// Data-bearing items (records, datasets) can never be exempt.
    pub is_data: bool,
    /// The approval's `decision` must name a document by its number (pages, records,
    /// attachments); a section's editorial approval needs only readable text.
    pub needs_document_number: bool,
}

/// Decide the status of one item; errors explain what is missing and how to fix it.
pub fn assess(
    config: &Config,
    item: &Item,
    today: NaiveDate,
    preview: bool,
) -> Result<Status, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    if let (Some(from), Some(until)) = (item.publish_from, item.publish_until) {
        if until < from {
            errors.push(
                Diagnostic::error(format!(
                    "publish_until ({}) trước publish_from ({})",
                    crate::format::date_short(until),
                    crate::format::date_short(from)
                ))
                .at(Location::file(item.file).with_field("publish_until"))
                .hint("sửa lại ngày: publish_until phải sau publish_from"),
            );
        } else {
            let days = (until - from).num_days() + 1;
            if config.is_portal() && days < config.rules.min_posting_days {
                errors.push(
                    Diagnostic::error(format!(
                        "thời gian công khai chỉ {days} ngày, ít hơn mức tối thiểu {} ngày liên tục",
                        config.rules.min_posting_days
                    ))
                    .at(Location::file(item.file).with_field("publish_until"))
                    .hint(
                        "Điều 13 Luật Thực hiện dân chủ ở cơ sở 2022: niêm yết ít nhất 30 ngày liên tục; \
                         kéo dài publish_until (mức này đặt ở [rules] min_posting_days)",
                    ),
                );
            }
        }
    }
    let needs_approval = config.is_portal() && (item.is_data || !is_exempt(config, item.rel));
    let mut approved = true;
    if needs_approval {
        let missing = missing_fields(item.approval);
        if !missing.is_empty() {
            approved = false;
            if !preview {
                errors.push(
                    Diagnostic::error(format!("chưa có thông tin phê duyệt đầy đủ, thiếu: {}", missing.join(", ")))
                        .at(Location::file(item.file).with_field("approval"))
                        .hint(format!(
                            "thêm vào phần đầu trang:\n[approval]\nby = \"Họ tên người phê duyệt\"\nrole = \"{}\"\n\
                             decision = \"Quyết định số …/QĐ-UBND\"\ndate = 2026-06-10\n\
                             (hoặc xem bản nháp bằng congkhai build --drafts)",
                            config.words().chairman
                        )),
                );
            }
        } else if let Some(a) = item.approval {
            // Present but not real: invisible characters, a dash, a single letter, a
            // decision without a number. An error, or a draft in the staff preview.
            let problems =
                approval_diagnostics(item.file, "approval", a, item.needs_document_number);
            if !problems.is_empty() {
                approved = false;
                if !preview {
                    errors.extend(problems);
                }
            }
        }
        if let Some(date) = item.approval.and_then(|a| a.date)
            && date > today
        {
            errors.push(
                Diagnostic::error(format!(
                    "ngày phê duyệt {} ở tương lai (ngày tạo trang là {})",
                    crate::format::date_short(date),
                    crate::format::date_short(today)
                ))
                .at(Location::file(item.file).with_field("approval.date"))
                .hint("kiểm tra lại ngày phê duyệt; nếu cần đăng sau, dùng publish_from"),
            );
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if item.publish_from.is_some_and(|f| today < f) {
        return Ok(if preview {
            Status::DraftPreview
        } else {
            Status::Embargoed
        });
    }
    if item.publish_until.is_some_and(|u| today > u) {
        return Ok(Status::Expired);
    }
    Ok(if approved {
        Status::Published
    } else {
        Status::DraftPreview
    })
}

fn is_exempt(config: &Config, rel: &str) -> bool {
    config
        .approval
        .exempt
        .iter()
        .any(|e| e.trim_start_matches('/') == rel)
}

/// Names of the approval fields that are missing or empty.
pub fn missing_fields(a: Option<&Approval>) -> Vec<&'static str> {
    let Some(a) = a else {
        return vec!["by", "role", "decision", "date"];
    };
    // Only ASCII blanks make a field empty: one of non-breaking spaces is reported
    // as what it is, invisible characters, by `field_problems`.
    let blank = |s: &str| s.trim_matches(|c: char| c.is_ascii_whitespace()).is_empty();
    let mut m = Vec::new();
    if blank(&a.by) {
        m.push("by");
    }
    if blank(&a.role) {
        m.push("role");
    }
    if blank(&a.decision) {
        m.push("decision");
    }
    if a.date.is_none() {
        m.push("date");
    }
    m
}

/// What is wrong with one approval field whose text is present.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldProblem {
    /// A character nobody can see (zero-width, bidi control, non-breaking or other
    /// special space, control character), with its position (1-based, in characters).
    Invisible { ch: char, at: usize },
    /// Fewer than two letters in a row: `-`, `...`, `x`, `A.`, marks without letters.
    TooFewLetters,
    /// A `decision` without a document number (`123/QĐ-UBND`, `số 123`).
    NoDocumentNumber,
}

/// Characters that are invisible or render as nothing on a page, although some of them
/// are letters to Unicode: general categories Cc, Cf, Zl, Zp, Zs (other than the ASCII
/// space), plus fillers and joiners of other categories.
pub fn is_invisible(c: char) -> bool {
    let cp = c as u32;
    if c == ' ' {
        return false;
    }
    c.is_control()
        || matches!(cp,
            // Zs: no-break, en/em/thin/hair spaces, narrow no-break, math space, ideographic
            0x00A0 | 0x1680 | 0x2000..=0x200A | 0x202F | 0x205F | 0x3000
            // Zl, Zp
            | 0x2028 | 0x2029
            // Cf: soft hyphen, Arabic/Syriac format marks, Mongolian vowel separator,
            // zero-width space/joiners, LRM/RLM, bidi embeddings and isolates, word
            // joiner and invisible operators, BOM, interlinear annotations, tags
            | 0x00AD | 0x0600..=0x0605 | 0x061C | 0x06DD | 0x070F | 0x0890 | 0x0891 | 0x08E2
            | 0x180E | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x206F
            | 0xFEFF | 0xFFF9..=0xFFFB | 0x110BD | 0x110CD | 0x13430..=0x1343F
            | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A | 0xE0001 | 0xE0020..=0xE007F
            // Renders as nothing though not Cf: combining grapheme joiner, Hangul and
            // Khmer fillers, braille blank, variation selectors, private use
            | 0x034F | 0x115F | 0x1160 | 0x17B4 | 0x17B5 | 0x3164 | 0xFFA0 | 0x2800
            | 0xFE00..=0xFE0F | 0xE0100..=0xE01EF | 0xE000..=0xF8FF | 0xF0000..=0x10FFFF
        )
}

/// Problems of one approval field's text (already known to be non-empty).
/// `needs_number`: the field is a `decision` that must name a numbered document.
pub fn field_problems(text: &str, needs_number: bool) -> Vec<FieldProblem> {
    let mut out = Vec::new();
    if let Some((i, ch)) = text.chars().enumerate().find(|(_, c)| is_invisible(*c)) {
        out.push(FieldProblem::Invisible { ch, at: i + 1 });
    }
    if longest_letter_run(text) < 2 {
        out.push(FieldProblem::TooFewLetters);
    }
    if needs_number && !has_document_number(text) {
        out.push(FieldProblem::NoDocumentNumber);
    }
    out
}

/// The longest run of consecutive visible letters (combining marks continue a run but
/// do not start one).
fn longest_letter_run(text: &str) -> usize {
    let (mut best, mut run) = (0, 0);
    for c in text.chars() {
        if c.is_alphabetic() && !is_invisible(c) && !is_combining(c) {
            run += 1;
            best = best.max(run);
        } else if !(run > 0 && is_combining(c)) {
            run = 0;
        }
    }
    best
}

fn is_combining(c: char) -> bool {
    unicode_normalization::char::is_combining_mark(c)
}

/// A document number: a token like `123/QĐ-UBND`, `04/2026/NQ-HĐND` (digits, a slash,
/// then a letter somewhere after it), or `số 123` (the word "số" then digits).
pub fn has_document_number(text: &str) -> bool {
    let tokens: Vec<&str> = text.split_whitespace().collect();
    let symbol = tokens.iter().any(|t| {
        let t = t.trim_start_matches(|c: char| !c.is_alphanumeric());
        t.starts_with(|c: char| c.is_ascii_digit())
            && t.split_once('/')
                .is_some_and(|(_, rest)| rest.chars().any(|c| c.is_alphabetic()))
    });
    let numbered = tokens
        .windows(2)
        .any(|w| crate::text::fold(w[0]) == "so" && w[1].starts_with(|c: char| c.is_ascii_digit()));
    symbol || numbered
}

/// Errors for an approval whose fields are all present. `at` names the place in the
/// front matter (`approval`, `attachments (x.pdf).approval`).
pub fn approval_diagnostics(
    file: &Path,
    at: &str,
    a: &Approval,
    needs_number: bool,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (name, text, number) in [
        ("by", a.by.as_str(), false),
        ("role", a.role.as_str(), false),
        ("decision", a.decision.as_str(), needs_number),
    ] {
        for p in field_problems(text, number) {
            let (msg, hint) = match p {
                FieldProblem::Invisible { ch, at } => (
                    format!(
                        "trường phê duyệt {name} chứa ký tự ẩn U+{:04X} ở vị trí {at}",
                        ch as u32
                    ),
                    "gõ lại trường này bằng bàn phím (không sao chép từ Word, Zalo hay trang web); \
                     chỉ dùng chữ, số, dấu câu và dấu cách thường"
                        .to_string(),
                ),
                FieldProblem::TooFewLetters => (
                    format!("trường phê duyệt {name} không có nội dung đọc được: \u{201c}{}\u{201d}", text.trim()),
                    match name {
                        "by" => "ghi đủ họ tên người phê duyệt, ví dụ by = \"Trần Văn An\"",
                        "role" => "ghi chức vụ người phê duyệt, ví dụ role = \"Chủ tịch UBND xã\" (hoặc phường, đặc khu)",
                        _ => "ghi văn bản phê duyệt, ví dụ decision = \"Quyết định số 123/QĐ-UBND ngày 10/6/2026\"",
                    }
                    .to_string(),
                ),
                FieldProblem::NoDocumentNumber => (
                    format!(
                        "trường phê duyệt decision không có số văn bản: \u{201c}{}\u{201d}",
                        text.trim()
                    ),
                    "ghi số và ký hiệu của văn bản phê duyệt, ví dụ \
                     decision = \"Quyết định số 123/QĐ-UBND ngày 10/6/2026\""
                        .to_string(),
                ),
            };
            out.push(
                Diagnostic::error(msg)
                    .at(Location::file(file).with_field(format!("{at}.{name}")))
                    .hint(hint),
            );
        }
    }
    out
}

/// A page that publishes data: a record (`kind = …`), or a page with attachments. It
/// needs an approval of its own: never its section's, never `[approval] exempt`.
pub fn is_data_page(fm: &crate::content::frontmatter::PageFrontMatter) -> bool {
    fm.kind.is_some() || !fm.attachments.is_empty()
}

/// The approval that covers a page: its own; a plain (editorial) page without one
/// takes its section's; a data page never does.
pub fn effective_approval(
    own: Option<&Approval>,
    section: Option<&Approval>,
    is_data: bool,
) -> Option<Approval> {
    match own {
        Some(a) => Some(a.clone()),
        None if is_data => None,
        None => section.cloned(),
    }
}

/// Where `[approval] exempt` lists `rel` in config.toml (1-based line), for messages.
pub fn exempt_line(config_toml: &str, rel: &str) -> Option<usize> {
    let quoted = [
        format!("\"{rel}\""),
        format!("\"/{rel}\""),
        format!("'{rel}'"),
    ];
    config_toml
        .lines()
        .position(|l| quoted.iter().any(|q| l.contains(q.as_str())))
        .map(|i| i + 1)
}

/// A data page (record, attachments) listed in `[approval] exempt`: an error at the
/// config line, naming the record. `config_toml` is the text of config.toml, if read.
pub fn exempt_data_error(
    config: &Config,
    config_toml: Option<&str>,
    rel: &str,
    file: &Path,
) -> Option<Diagnostic> {
    if !config.is_portal() || !is_exempt(config, rel) {
        return None;
    }
    let at = match config_toml.and_then(|t| exempt_line(t, rel)) {
        Some(line) => Location::line("config.toml", line),
        None => Location::file("config.toml"),
    };
    Some(
        Diagnostic::error(format!(
            "[approval] exempt miễn phê duyệt cho {}, nhưng đó là nội dung có dữ liệu (kind hoặc tệp đính kèm)",
            crate::diagnostics::display_path(file)
        ))
        .at(at.with_field("approval.exempt"))
        .hint(format!(
            "xóa \u{201c}{rel}\u{201d} khỏi exempt và thêm [approval] riêng vào phần đầu của {}; \
             exempt chỉ dành cho trang biên tập chung, không bao giờ cho danh sách, văn bản hay tệp đính kèm",
            crate::diagnostics::display_path(file)
        )),
    )
}

/// Working days after `approved` up to and including `published`: Mondays to Fridays
/// that are not public holidays (computed, Tết and Giỗ Tổ included, see
/// [`crate::holidays`]) nor `[rules] days_off`, plus `[rules] working_days`.
pub fn working_days_between(config: &Config, approved: NaiveDate, published: NaiveDate) -> i64 {
    config
        .rules
        .work_calendar()
        .working_days_between(approved, published)
}

/// Law 10/2022/QH15 Art. 12 (`[rules] disclosure_working_days`, default 5): information
/// is disclosed within 5 working days of its approval. A later publication is a warning
/// (shown by `check` and in the build summary), not an error: it is already late.
pub fn late_publication(
    config: &Config,
    file: &Path,
    approved: NaiveDate,
    published: NaiveDate,
) -> Option<Diagnostic> {
    if !config.is_portal() {
        return None;
    }
    let days = working_days_between(config, approved, published);
    let limit = config.rules.disclosure_working_days;
    (days > limit).then(|| {
        Diagnostic::warning(format!(
            "công khai ngày {} là {days} ngày làm việc sau ngày phê duyệt {}, quá thời hạn {limit} ngày làm việc",
            crate::format::date_short(published),
            crate::format::date_short(approved)
        ))
        .at(Location::file(file).with_field("approval.date"))
        .hint(
            "Điều 12 Luật Thực hiện dân chủ ở cơ sở 2022: công khai chậm nhất 5 ngày làm việc sau khi \
             được phê duyệt (không tính Thứ Bảy, Chủ nhật, ngày lễ, Tết và ngày nghỉ khai báo ở [rules] days_off); hãy đăng sớm hơn lần sau",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn portal() -> Config {
        Config::parse("base_url = \"https://x.vn\"\n[ward]\nname = \"Phường Hòa An\"\n[approval]\nexempt = [\"gioi-thieu.md\"]\n")
            .unwrap()
            .0
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn approval() -> Approval {
        Approval {
            by: "Trần Văn Mẫu".into(),
            role: "Chủ tịch".into(),
            decision: "Quyết định số 1/QĐ-UBND".into(),
            date: Some(d("2026-06-01")),
        }
    }

    #[test]
    fn window_table() {
        let cfg = portal();
        let a = approval();
        let cases = [
            // (from, until, today, expected)
            (None, None, "2026-06-10", Ok(Status::Published)),
            (
                Some("2026-07-01"),
                None,
                "2026-06-30",
                Ok(Status::Embargoed),
            ),
            (
                Some("2026-07-01"),
                None,
                "2026-07-01",
                Ok(Status::Published),
            ),
            (
                Some("2026-07-01"),
                Some("2026-07-30"),
                "2026-07-30",
                Ok(Status::Published),
            ),
            (
                Some("2026-07-01"),
                Some("2026-07-30"),
                "2026-07-31",
                Ok(Status::Expired),
            ),
            (
                Some("2026-07-01"),
                Some("2026-07-29"),
                "2026-07-10",
                Err(()),
            ),
            (
                Some("2026-07-10"),
                Some("2026-07-01"),
                "2026-07-10",
                Err(()),
            ),
        ];
        for (from, until, today, want) in cases {
            let item = Item {
                file: Path::new("content/a.md"),
                rel: "a.md",
                approval: Some(&a),
                publish_from: from.map(d),
                publish_until: until.map(d),
                is_data: false,
                needs_document_number: true,
            };
            let got = assess(&cfg, &item, d(today), false).map_err(|_| ());
            assert_eq!(got, want, "{from:?} {until:?} {today}");
        }
    }

    #[test]
    fn approval_required_unless_exempt_and_not_data() {
        let cfg = portal();
        let mk = |rel, is_data| Item {
            file: Path::new("content/x.md"),
            rel,
            approval: None,
            publish_from: None,
            publish_until: None,
            is_data,
            needs_document_number: true,
        };
        let today = d("2026-06-10");
        assert!(assess(&cfg, &mk("x.md", false), today, false).is_err());
        assert_eq!(
            assess(&cfg, &mk("gioi-thieu.md", false), today, false),
            Ok(Status::Published)
        );
        assert!(
            assess(&cfg, &mk("gioi-thieu.md", true), today, false).is_err(),
            "data is never exempt"
        );
        assert_eq!(
            assess(&cfg, &mk("x.md", false), today, true),
            Ok(Status::DraftPreview)
        );
    }

    #[test]
    fn future_approval_is_an_error() {
        let cfg = portal();
        let mut a = approval();
        a.date = Some(d("2026-12-01"));
        let item = Item {
            file: Path::new("a.md"),
            rel: "a.md",
            approval: Some(&a),
            publish_from: None,
            publish_until: None,
            is_data: false,
            needs_document_number: true,
        };
        assert!(assess(&cfg, &item, d("2026-06-10"), false).is_err());
    }

    #[test]
    fn plain_zola_site_has_no_gate() {
        let (cfg, _) = Config::parse("base_url = \"x\"\n").unwrap();
        let item = Item {
            file: Path::new("a.md"),
            rel: "a.md",
            approval: None,
            publish_from: None,
            publish_until: None,
            is_data: false,
            needs_document_number: true,
        };
        assert_eq!(
            assess(&cfg, &item, d("2026-06-10"), false),
            Ok(Status::Published)
        );
    }
    #[test]
    fn working_days_table() {
        // 2026-06-05 is a Friday.
        let cases = [
            ("2026-06-05", "2026-06-05", 0),
            ("2026-06-05", "2026-06-04", 0),
            ("2026-06-05", "2026-06-06", 0), // Saturday
            ("2026-06-05", "2026-06-07", 0), // Sunday
            ("2026-06-05", "2026-06-08", 1), // Monday
            ("2026-06-05", "2026-06-12", 5), // next Friday
            ("2026-06-05", "2026-06-15", 6),
            ("2026-06-06", "2026-06-08", 1), // approved on a Saturday
            ("2026-02-13", "2026-02-23", 1), // Tết 2026: 16–20/2 are holidays
        ];
        let cfg = portal();
        for (a, p, want) in cases {
            assert_eq!(working_days_between(&cfg, d(a), d(p)), want, "{a} → {p}");
        }
    }

    #[test]
    fn late_publication_boundary() {
        let cfg = portal();
        let f = Path::new("content/a.md");
        assert!(late_publication(&cfg, f, d("2026-06-05"), d("2026-06-12")).is_none());
        let w = late_publication(&cfg, f, d("2026-06-05"), d("2026-06-15")).unwrap();
        assert!(!w.is_error());
        let (zola, _) = Config::parse("base_url = \"x\"\n").unwrap();
        assert!(late_publication(&zola, f, d("2026-06-05"), d("2026-09-15")).is_none());
    }

    /// (field text, is a decision, expected problems): 0 invisible, 1 too few letters,
    /// 2 no document number.
    #[test]
    fn approval_field_table() {
        use FieldProblem::*;
        let inv = |c: char, at: usize| Invisible { ch: c, at };
        let cases: &[(&str, bool, Vec<FieldProblem>)] = &[
            // names
            ("Trần Văn Mẫu", false, vec![]),
            ("Lê Thị Hồng Nhung", false, vec![]),
            ("Y Moan", false, vec![]),
            ("\u{200b}", false, vec![inv('\u{200b}', 1), TooFewLetters]),
            (
                "\u{200d}\u{200c}",
                false,
                vec![inv('\u{200d}', 1), TooFewLetters],
            ),
            ("\u{a0}\u{a0}", false, vec![inv('\u{a0}', 1), TooFewLetters]),
            ("Trần\u{a0}Văn Mẫu", false, vec![inv('\u{a0}', 5)]),
            ("Trần Văn\u{2009}Mẫu", false, vec![inv('\u{2009}', 9)]),
            ("\u{202e}uẫM năV nầrT", false, vec![inv('\u{202e}', 1)]),
            ("Trần\u{2066}Văn\u{2069}", false, vec![inv('\u{2066}', 5)]),
            ("Tr\u{ad}ần", false, vec![inv('\u{ad}', 3)]),
            ("\u{feff}Trần", false, vec![inv('\u{feff}', 1)]),
            ("Trần\tVăn", false, vec![inv('\t', 5)]),
            (
                "\u{3164}\u{3164}",
                false,
                vec![inv('\u{3164}', 1), TooFewLetters],
            ),
            (
                "\u{2800}\u{2800}",
                false,
                vec![inv('\u{2800}', 1), TooFewLetters],
            ),
            ("\u{301}\u{301}\u{301}", false, vec![TooFewLetters]),
            ("-", false, vec![TooFewLetters]),
            ("...", false, vec![TooFewLetters]),
            ("…", false, vec![TooFewLetters]),
            ("x", false, vec![TooFewLetters]),
            ("A.", false, vec![TooFewLetters]),
            ("x x x", false, vec![TooFewLetters]),
            ("123", false, vec![TooFewLetters]),
            ("Đỗ", false, vec![]),
            // decisions
            ("Quyết định số 123/QĐ-UBND ngày 10/6/2026", true, vec![]),
            ("Kế hoạch số 40/KH-MTTQ-BTT ngày 19/6/2026", true, vec![]),
            ("Nghị quyết 04/2026/NQ-HĐND", true, vec![]),
            ("Quyết định số 123", true, vec![]),
            ("123/QĐ-UBND", true, vec![]),
            (
                "Quyết định số …/QĐ-UBND ngày …",
                true,
                vec![NoDocumentNumber],
            ),
            ("Quyết định ngày 10/6/2026", true, vec![NoDocumentNumber]),
            ("Đã duyệt", true, vec![NoDocumentNumber]),
            ("-", true, vec![TooFewLetters, NoDocumentNumber]),
            (
                "Quyết định số 1/QĐ-UBND\u{200b}",
                true,
                vec![inv('\u{200b}', 24)],
            ),
            // a section's editorial approval needs no number
            ("Biên tập chung của mục", false, vec![]),
        ];
        for (text, decision, want) in cases {
            assert_eq!(&field_problems(text, *decision), want, "{text:?}");
        }
    }

    #[test]
    fn fake_approval_is_an_error_or_a_draft_in_preview() {
        let cfg = portal();
        let mut a = approval();
        a.by = "\u{200b}".into();
        let item = Item {
            file: Path::new("content/a.md"),
            rel: "a.md",
            approval: Some(&a),
            publish_from: None,
            publish_until: None,
            is_data: true,
            needs_document_number: true,
        };
        let errs = assess(&cfg, &item, d("2026-06-10"), false).unwrap_err();
        assert!(errs[0].message.contains("U+200B"), "{:?}", errs[0].message);
        assert_eq!(
            assess(&cfg, &item, d("2026-06-10"), true),
            Ok(Status::DraftPreview)
        );
    }

    #[test]
    fn records_never_inherit_or_are_exempt() {
        let own = approval();
        let sec = Approval {
            decision: "Biên tập chung".into(),
            ..approval()
        };
        assert_eq!(effective_approval(None, Some(&sec), true), None);
        assert_eq!(
            effective_approval(None, Some(&sec), false),
            Some(sec.clone())
        );
        assert_eq!(effective_approval(Some(&own), Some(&sec), true), Some(own));
        let cfg = portal();
        let toml = "base_url = \"x\"\n[ward]\nname = \"Phường P\"\n[approval]\nexempt = [\"gioi-thieu.md\"]\n";
        let e = exempt_data_error(
            &cfg,
            Some(toml),
            "gioi-thieu.md",
            Path::new("content/gioi-thieu.md"),
        )
        .unwrap();
        let loc = e.location.unwrap();
        assert_eq!(
            (loc.file.to_str(), loc.line),
            (Some("config.toml"), Some(5))
        );
        assert!(e.message.contains("content/gioi-thieu.md"));
        assert!(exempt_data_error(&cfg, Some(toml), "x.md", Path::new("content/x.md")).is_none());
    }
}
