//! Anti-scam warnings (cảnh báo lừa đảo).
//!
//! A Markdown page with `kind = "warning"` whose `[record]` gives the severity (thông tin
//! / cảnh báo / khẩn cấp), the scam pattern, how to recognise it, what to do, whom to
//! call, and the period the warning is active (distinct from the publication window).
//! While active at "cảnh báo" or above it contributes the site-wide banner. Every link
//! the warning makes — in `[record] links` and in the Markdown body — must be https and
//! on `[links] official_domains`, so a mistyped look-alike domain is an error.

use chrono::NaiveDate;
use pulldown_cmark::{Event, Parser, Tag};
use serde_json::json;

use super::service_days::{check_link, poster_qr_svg};
use super::{Banner, KindContext, RecordInput, RecordKind, RecordOutput, SubPage};
use crate::content::frontmatter::parse_date_text;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::text::fold;

pub struct Warning;

/// (rank, css key, label)
pub fn parse_severity(s: &str) -> Option<(u8, &'static str, &'static str)> {
    match fold(s.trim()).to_lowercase().as_str() {
        "thong tin" | "info" => Some((1, "thong-tin", "Thông tin")),
        "canh bao" | "warning" => Some((2, "canh-bao", "Cảnh báo")),
        "khan cap" | "urgent" => Some((3, "khan-cap", "Khẩn cấp")),
        _ => None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activity {
    NotYet,
    Active,
    Ended,
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

/// Every link and image address in a Markdown body, including `href`s in raw HTML.
pub fn body_links(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    for ev in Parser::new_ext(body, crate::markdown::options()) {
        match ev {
            Event::Start(Tag::Link { dest_url, .. })
            | Event::Start(Tag::Image { dest_url, .. }) => {
                out.push(dest_url.to_string());
            }
            Event::Html(h) | Event::InlineHtml(h) => {
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
                            .find(|c: char| {
                                Some(c) == q || (q.is_none() && (c.is_whitespace() || c == '>'))
                            })
                            .unwrap_or(tail.len());
                        out.push(tail[..end].to_string());
                        offset = start;
                        rest = &lower[offset..];
                    }
                }
            }
            _ => {}
        }
    }
    out
}

fn string_list(v: Option<&toml::Value>) -> Vec<String> {
    match v {
        Some(toml::Value::String(s)) => s
            .lines()
            .map(|l| l.trim().trim_start_matches(['-', '•']).trim().to_string())
            .filter(|l| !l.is_empty())
            .collect(),
        Some(toml::Value::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str())
            .map(|x| x.trim().to_string())
            .filter(|x| !x.is_empty())
            .collect(),
        _ => Vec::new(),
    }
}

fn date_field(input: &RecordInput, field: &str) -> Result<Option<NaiveDate>, Diagnostic> {
    match input.record.get(field) {
        None => Ok(None),
        Some(toml::Value::Datetime(dt)) => {
            parse_date_text(&dt.to_string()).map(Some).ok_or_else(|| {
                Diagnostic::error(format!("ngày không hợp lệ ở record.{field}"))
                    .at(input.field_location(field))
            })
        }
        Some(toml::Value::String(s)) => {
            crate::data::parse_date(s, input.field_location(field)).map(Some)
        }
        Some(_) => Err(
            Diagnostic::error(format!("record.{field} phải là một ngày"))
                .at(input.field_location(field))
                .hint(format!("viết {field} = 2026-06-10")),
        ),
    }
}

impl RecordKind for Warning {
    fn name(&self) -> &'static str {
        "warning"
    }

    fn label(&self) -> &'static str {
        "Cảnh báo lừa đảo"
    }

    fn build(&self, input: &RecordInput, ctx: &KindContext) -> Result<RecordOutput, Diagnostics> {
        let mut errors = Diagnostics::new();
        let cfg = ctx.config;
        let severity = match input.str_field("severity") {
            Ok(s) => match parse_severity(s) {
                Some(x) => Some(x),
                None => {
                    errors.push(
                        Diagnostic::error(format!("mức cảnh báo \u{201c}{s}\u{201d} không rõ"))
                            .at(input.field_location("severity"))
                            .hint("ghi một trong: \"thông tin\", \"cảnh báo\", \"khẩn cấp\""),
                    );
                    None
                }
            },
            Err(d) => {
                errors.push(
                    d.hint("ghi severity = \"cảnh báo\" (thông tin, cảnh báo hoặc khẩn cấp)"),
                );
                None
            }
        };
        let mut text = |f: &str| match input.str_field(f) {
            Ok(s) => s.trim().to_string(),
            Err(d) => {
                errors.push(d);
                String::new()
            }
        };
        let pattern = text("pattern");
        let summary = text("summary");
        let recognise = string_list(input.record.get("recognise"));
        let actions = string_list(input.record.get("actions"));
        for (f, v, what) in [
            ("recognise", &recognise, "dấu hiệu nhận biết"),
            ("actions", &actions, "việc cần làm"),
        ] {
            if v.is_empty() {
                errors.push(
                    Diagnostic::error(format!("thiếu {what} (record.{f})"))
                        .at(input.field_location(f))
                        .hint(format!("viết {f} = [\"…\", \"…\"], mỗi ý một dòng ngắn")),
                );
            }
        }
        let from = match date_field(input, "active_from") {
            Ok(Some(d)) => Some(d),
            Ok(None) => {
                errors.push(
                    Diagnostic::error("thiếu ngày bắt đầu cảnh báo (record.active_from)")
                        .at(input.field_location("active_from"))
                        .hint("viết active_from = 2026-06-10"),
                );
                None
            }
            Err(d) => {
                errors.push(d);
                None
            }
        };
        let until = date_field(input, "active_until").unwrap_or_else(|d| {
            errors.push(d);
            None
        });
        if let (Some(f), Some(u)) = (from, until)
            && u < f
        {
            errors.push(
                Diagnostic::error(format!(
                    "ngày kết thúc cảnh báo {} trước ngày bắt đầu {}",
                    crate::format::date_short(u),
                    crate::format::date_short(f)
                ))
                .at(input.field_location("active_until")),
            );
        }

        // Links.
        let mut links = Vec::new();
        if let Some(v) = input.record.get("links") {
            let arr = v.as_array().cloned().unwrap_or_default();
            if !v.is_array() {
                errors.push(
                    Diagnostic::error("record.links phải là danh sách [[record.links]] title = \"…\", url = \"…\"")
                        .at(input.field_location("links")),
                );
            }
            for l in arr {
                let title = l
                    .get("title")
                    .and_then(|x| x.as_str())
                    .unwrap_or("")
                    .trim()
                    .to_string();
                let url = l
                    .get("url")
                    .and_then(|x| x.as_str())
                    .unwrap_or("")
                    .trim()
                    .to_string();
                if url.is_empty() || title.is_empty() {
                    errors.push(
                        Diagnostic::error("mỗi đường dẫn cần title và url")
                            .at(input.field_location("links")),
                    );
                    continue;
                }
                links.push((title, url));
            }
        }
        let link_hint = "chỉ dẫn tới trang https của cơ quan nhà nước (tên miền .gov.vn đã khai báo trong [links] official_domains của config.toml); viết tên miền giả mạo trong dấu `…` để nó không thành đường dẫn";
        for (_, url) in &links {
            if let Err(msg) = check_link(url, &cfg.links.official_domains) {
                errors.push(
                    Diagnostic::error(msg)
                        .at(input.field_location("links"))
                        .hint(link_hint),
                );
            }
        }
        for url in body_links(input.body) {
            if let Err(msg) = check_link(&url, &cfg.links.official_domains) {
                errors.push(
                    Diagnostic::error(format!("trong nội dung cảnh báo: {msg}"))
                        .in_file(input.file)
                        .hint(link_hint),
                );
            }
        }

        // Contacts: the ward's police first, then the configured numbers.
        let mut contacts: Vec<serde_json::Value> = Vec::new();
        if let Some(w) = &cfg.ward
            && !w.hotline_police.trim().is_empty()
        {
            contacts.push(json!({"label": format!("Công an {}", lower_first(&w.name)), "number": w.hotline_police, "tel": tel(&w.hotline_police)}));
        }
        for c in &cfg.links.scam_contacts {
            contacts.push(json!({"label": c.label, "number": c.number, "tel": tel(&c.number)}));
        }

        if errors.has_errors() {
            return Err(errors);
        }
        let (Some((rank, sev_key, sev_label)), Some(from)) = (severity, from) else {
            return Err(errors);
        };
        let state = activity(ctx.today, from, until);
        let (state_key, state_label) = match state {
            Activity::NotYet => ("not-yet", "Chưa đến thời gian cảnh báo"),
            Activity::Active => ("active", "Đang cảnh báo"),
            Activity::Ended => ("ended", "Đã hết thời gian cảnh báo"),
        };
        let permalink = cfg.permalink(input.path);
        let poster_path = format!("{}in/", input.path);
        let record = json!({
            "severity": sev_key,
            "severity_label": sev_label,
            "severity_rank": rank,
            "pattern": pattern,
            "summary": summary,
            "recognise": recognise,
            "actions": actions,
            "contacts": contacts,
            "active_from": from.format("%Y-%m-%d").to_string(),
            "active_until": until.map(|u| u.format("%Y-%m-%d").to_string()),
            "state": state_key,
            "state_label": state_label,
            "links": links.iter().map(|(t, u)| json!({"title": t, "url": u})).collect::<Vec<_>>(),
            "poster_url": cfg.permalink(&poster_path),
            "official_page": cfg.permalink("/canh-bao/cach-nhan-biet/"),
        });
        let mut poster = record.clone();
        if let Some(m) = poster.as_object_mut() {
            m.insert("qr_svg".into(), json!(poster_qr_svg(&permalink)));
            m.insert("qr_url".into(), json!(permalink));
            m.insert("title".into(), json!(input.title));
        }
        let banner = (state == Activity::Active && rank >= 2).then(|| Banner {
            rank,
            severity: sev_key.to_string(),
            severity_label: sev_label.to_string(),
            title: input.title.to_string(),
            summary: summary.clone(),
            url: String::new(),
        });
        Ok(RecordOutput {
            record,
            subpages: vec![SubPage {
                path: poster_path,
                title: format!("Áp phích: {}", input.title),
                template: "kinds/warning_poster.html".into(),
                record: poster,
                search_text: String::new(),
                indexable: false,
            }],
            search_text: format!(
                "{pattern} {summary} {} {}",
                recognise.join(" "),
                actions.join(" ")
            ),
            banner,
            ..Default::default()
        })
    }
}

/// "Phường Hòa An" → "phường Hòa An".
fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

fn tel(n: &str) -> String {
    n.chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect()
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
    fn severities() {
        assert_eq!(parse_severity("Cảnh báo").map(|s| s.0), Some(2));
        assert_eq!(parse_severity("khẩn cấp").map(|s| s.0), Some(3));
        assert_eq!(parse_severity("thông tin").map(|s| s.0), Some(1));
        assert_eq!(parse_severity("nguy hiểm"), None);
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
}
