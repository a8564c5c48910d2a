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
                        .hint(
                            "thêm vào phần đầu trang:\n[approval]\nby = \"Họ tên người phê duyệt\"\nrole = \"Chủ tịch UBND phường\"\n\
                             decision = \"Quyết định số …/QĐ-UBND\"\ndate = 2026-06-10\n\
                             (hoặc xem bản nháp bằng congkhai build --drafts)",
                        ),
                );
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
    let mut m = Vec::new();
    if a.by.trim().is_empty() {
        m.push("by");
    }
    if a.role.trim().is_empty() {
        m.push("role");
    }
    if a.decision.trim().is_empty() {
        m.push("decision");
    }
    if a.date.is_none() {
        m.push("date");
    }
    m
}

/// Working days after `approved` up to and including `published`: Mondays to Fridays.
/// Public holidays (Tết, 30/4, 2/9…) are not modelled, so around a holiday the count is
/// higher than the legal one and the warning may fire early; it is only a warning.
pub fn working_days_between(approved: NaiveDate, published: NaiveDate) -> i64 {
    use chrono::Datelike;
    if published <= approved {
        return 0;
    }
    let mut n = 0;
    let mut d = approved;
    while d < published {
        d = match d.succ_opt() {
            Some(next) => next,
            None => break,
        };
        if d.weekday().number_from_monday() <= 5 {
            n += 1;
        }
    }
    n
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
    let days = working_days_between(approved, published);
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
             được phê duyệt (không tính Thứ Bảy, Chủ nhật; ngày lễ chưa được tính); hãy đăng sớm hơn lần sau",
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
            decision: "QĐ 1".into(),
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
        ];
        for (a, p, want) in cases {
            assert_eq!(working_days_between(d(a), d(p)), want, "{a} → {p}");
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
}
